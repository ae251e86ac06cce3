/* sssim sweep: a grid of parameter settings, each run for N replications with common
 * random numbers (the same seeds at every grid point), written as one table. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sim/replicate.h"
#include "observe/plot.h"
#include "util/util.h"

static const char sweep_usage[] =
    "usage: sssim sweep SCENARIO --set PATH=V1,V2,... [--set ...] [--replications N]\n"
    "                   [--jobs J] [--csv FILE] [--json FILE] [--quiet] [--mpi]\n"
    "                   [--plots DIR] [--plots-format png|svg|dumb]\n\n"
    "Run every combination of the --set values (PATH is a JSON path into the scenario,\n"
    "e.g. kubernetes.nodeMonitorGracePeriod=40s,50s) for N replications each (default\n"
    "100), with the same seeds at every point, and print one table of recovery times.\n"
    "  --csv FILE / --json FILE  also write the table (- for standard output)\n"
    "  --plots DIR       plot recovery p50 and p99 against the first --set, one line per\n"
    "                    setting of the others, per fault (DIR/sweep-F.*; created if missing)\n"
    "  --plots-format F  png (default), svg, or dumb (text, printed on standard output)\n"
    "  --mpi             split each point's replications across the ranks of an MPI job\n"
    "                    (start with mpirun; builds configured with -Dmpi=enabled); rank 0\n"
    "                    prints and writes, with the results of a single process\n";

struct axis {
    char *path;
    char **values;
    size_t nvalues, cap;
};

/* Split "a,b,{"x":1,"y":2}" on commas outside brackets and quotes. */
static void split_values(struct axis *ax, const char *s)
{
    int depth = 0;
    bool quoted = false;
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p == '"' && (p == s || p[-1] != '\\'))
            quoted = !quoted;
        else if (!quoted && (*p == '{' || *p == '['))
            depth++;
        else if (!quoted && (*p == '}' || *p == ']'))
            depth--;
        if (*p == '\0' || (*p == ',' && depth == 0 && !quoted)) {
            VEC_PUSH(ax->values, ax->nvalues, ax->cap, xstrndup(start, (size_t)(p - start)));
            if (*p == '\0')
                return;
            start = p + 1;
        }
    }
}

static int parse_set(const char *arg, struct axis *ax)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || eq[1] == '\0') {
        cli_error("--set: expected PATH=V1,V2,..., found '%s'", arg);
        return -1;
    }
    memset(ax, 0, sizeof *ax);
    ax->path = xstrndup(arg, (size_t)(eq - arg));
    split_values(ax, eq + 1);
    return 0;
}

static void axis_fini(struct axis *ax)
{
    free(ax->path);
    for (size_t i = 0; i < ax->nvalues; i++)
        free(ax->values[i]);
    free(ax->values);
}

static void csv_cell(struct strbuf *o, const char *s)
{
    if (strpbrk(s, ",\"\n") == NULL) {
        strbuf_puts(o, s);
        return;
    }
    strbuf_putc(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_putc(o, '"');
        strbuf_putc(o, *s);
    }
    strbuf_putc(o, '"');
}

/* --- --plots ----------------------------------------------------------------------- */

/* Recovery p50 and p99 of every grid point and fault, kept for the plots. */
struct sweep_plot_data {
    char *scenario;
    uint32_t nfaults;
    enum fault_do *what; /* [nfaults] */
    size_t points;
    double *p50, *p99;   /* [nfaults][points], NaN where nothing was recorded */
};

static void sweep_plot_record(struct sweep_plot_data *d, const struct scenario *scn,
                              size_t points, size_t p, uint32_t f, const struct stats *st)
{
    if (d->p50 == NULL) {
        /* The first grid point fixes the faults; a --set that changes them is plotted
         * for the faults of the first point only. */
        d->scenario = xstrdup(scn->name);
        d->nfaults = scn->nfaults;
        d->what = xcalloc(scn->nfaults ? scn->nfaults : 1, sizeof *d->what);
        for (uint32_t i = 0; i < scn->nfaults; i++)
            d->what[i] = scn->faults[i].what;
        d->points = points;
        size_t cells = (scn->nfaults ? scn->nfaults : 1) * points;
        d->p50 = xmalloc(cells * sizeof *d->p50);
        d->p99 = xmalloc(cells * sizeof *d->p99);
        for (size_t i = 0; i < cells; i++)
            d->p50[i] = d->p99[i] = NAN;
    }
    if (f < d->nfaults) {
        d->p50[f * d->points + p] = st->p50;
        d->p99[f * d->points + p] = st->p99;
    }
}

static void sweep_plot_fini(struct sweep_plot_data *d)
{
    free(d->scenario);
    free(d->what);
    free(d->p50);
    free(d->p99);
}

/* One plot per fault: x is the first axis (the slowest-varying in the grid order), each
 * combination of the other axes a series. */
static int sweep_plots(const char *dir, int format, bool quiet, bool stdout_taken,
                       const struct axis *axes, size_t naxes, uint64_t replications,
                       const struct sweep_plot_data *d)
{
    if (d->p50 == NULL)
        return EXIT_OK;
    size_t nx = axes[0].nvalues;
    size_t nseries = d->points / nx;
    const char **xvalues = xcalloc(nx, sizeof *xvalues);
    for (size_t i = 0; i < nx; i++)
        xvalues[i] = axes[0].values[i];
    char **series = xcalloc(nseries, sizeof *series);
    for (size_t k = 0; k < nseries; k++) {
        struct strbuf sb;
        strbuf_init(&sb);
        size_t rest = k;
        for (size_t i = naxes; i-- > 1;) {
            char item[512];
            snprintf(item, sizeof item, "%s=%s", axes[i].path,
                     axes[i].values[rest % axes[i].nvalues]);
            rest /= axes[i].nvalues;
            /* Built from the last axis backwards: prepend to keep the command-line order. */
            struct strbuf tmp;
            strbuf_init(&tmp);
            strbuf_printf(&tmp, "%s%s%s", item, sb.len ? " " : "", sb.buf);
            strbuf_fini(&sb);
            sb = tmp;
        }
        series[k] = sb.buf;
    }
    double *p50 = xmalloc(nseries * nx * sizeof *p50);
    double *p99 = xmalloc(nseries * nx * sizeof *p99);
    struct plotter *pl = plotter_new(dir, (enum plot_format)format);
    int rc = PLOT_OK;
    for (uint32_t f = 0; f < d->nfaults && rc != PLOT_ERROR; f++) {
        for (size_t x = 0; x < nx; x++)
            for (size_t k = 0; k < nseries; k++) {
                p50[k * nx + x] = d->p50[f * d->points + x * nseries + k];
                p99[k * nx + x] = d->p99[f * d->points + x * nseries + k];
            }
        char name[32], title[512];
        snprintf(name, sizeof name, "sweep-%u", f);
        snprintf(title, sizeof title, "%s: recovery after fault #%u %s (%llu replications per "
                                      "point)",
                 d->scenario, f, fault_do_name(d->what[f]), (unsigned long long)replications);
        struct plot_sweep s = {
            .title = title,
            .xlabel = axes[0].path,
            .xvalues = xvalues,
            .nx = nx,
            .series = (const char *const *)series,
            .nseries = nseries,
            .p50 = p50,
            .p99 = p99,
        };
        int frc = plot_sweep(pl, name, &s);
        if (frc != PLOT_OK)
            rc = frc;
    }
    int status = cli_plots_finish(pl, rc, quiet, stdout_taken);
    plotter_free(pl);
    free(p50);
    free(p99);
    for (size_t k = 0; k < nseries; k++)
        free(series[k]);
    free(series);
    free(xvalues);
    return status;
}

/* --- end of --plots ---------------------------------------------------------------- */

static void num(struct strbuf *o, double v, bool json)
{
    if (v != v)
        strbuf_puts(o, json ? "null" : "");
    else
        strbuf_printf(o, "%.6g", v);
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"set", required_argument, NULL, 's'},
        {"replications", required_argument, NULL, 'r'},
        {"jobs", required_argument, NULL, 'j'},
        {"csv", required_argument, NULL, 'c'},
        {"json", required_argument, NULL, 'J'},
        {"quiet", no_argument, NULL, 'q'},
        {"plots", required_argument, NULL, 'P'},
        {"plots-format", required_argument, NULL, 'F'},
        {"mpi", no_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct axis *axes = NULL;
    size_t naxes = 0, axes_cap = 0;
    uint64_t replications = 100, jobs = 0;
    const char *csv_path = NULL, *json_path = NULL;
    bool quiet = false, mpi = false;
    const char *plots_dir = NULL;
    int plots_format = PLOT_PNG;
    struct sweep_plot_data plot_data = {0};
    int status = EXIT_USAGE;
    optind = 1;
    opterr = 0;
    int c;
    /* The leading ':' makes a missing value ':' rather than an unknown option. */
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        struct axis ax;
        switch (c) {
        case 's':
            if (parse_set(optarg, &ax) != 0)
                goto out_free_axes;
            VEC_PUSH(axes, naxes, axes_cap, ax);
            break;
        case 'r':
            if (cli_parse_u64(optarg, &replications) != 0 || replications == 0 ||
                replications > 10000000) {
                cli_error("--replications: expected an integer from 1 to 10000000, found '%s'",
                          optarg);
                goto out_free_axes;
            }
            break;
        case 'j':
            if (cli_parse_u64(optarg, &jobs) != 0 || jobs == 0 || jobs > 1024) {
                cli_error("--jobs: expected an integer from 1 to 1024, found '%s'", optarg);
                goto out_free_axes;
            }
            break;
        case 'c': csv_path = optarg; break;
        case 'J': json_path = optarg; break;
        case 'q': quiet = true; break;
        case 'P': plots_dir = optarg; break;
        case 'M':
            if (!replicate_mpi_built()) {
                cli_error("--mpi: this sssim was built without MPI (configure with meson setup "
                          "-Dmpi=enabled)");
                goto out_free_axes;
            }
            mpi = true;
            break;
        case 'F':
            plots_format = plot_format_parse(optarg);
            if (plots_format < 0) {
                cli_error("--plots-format: expected png, svg or dumb, found '%s'", optarg);
                goto out_free_axes;
            }
            break;
        case 'h': fputs(sweep_usage, stdout); status = EXIT_OK; goto out_free_axes;
        case ':': cli_missing_value(longopts, argv[optind - 1]); goto out_free_axes;
        default: cli_error("sweep: unknown option '%s'\n%s", argv[optind - 1], sweep_usage); goto out_free_axes;
        }
    }
    if (optind != argc - 1 || naxes == 0) {
        cli_error("sweep: expected one SCENARIO and at least one --set\n%s", sweep_usage);
        goto out_free_axes;
    }
    const char *file = argv[optind];
    if (mpi && replicate_mpi_init() != 0) {
        cli_error("--mpi: MPI could not be initialised");
        goto out_free_axes;
    }
    if (replicate_mpi_rank() != 0) {
        /* Every rank computes the whole table; rank 0 alone prints and writes it. */
        quiet = true;
        csv_path = json_path = plots_dir = NULL;
    }
    size_t points = 1;
    for (size_t i = 0; i < naxes; i++)
        points *= axes[i].nvalues;
    struct strbuf csv, json, table;
    strbuf_init(&csv);
    strbuf_init(&json);
    strbuf_init(&table);
    for (size_t i = 0; i < naxes; i++) {
        csv_cell(&csv, axes[i].path);
        strbuf_putc(&csv, ',');
    }
    strbuf_puts(&csv, "fault,do,n,never,mean,p50,p90,p99,max,ci95_lo,ci95_hi\n");
    strbuf_puts(&json, "{\n  \"scenario\": ");
    strbuf_json_string(&json, file);
    strbuf_printf(&json, ",\n  \"replications\": %llu,\n  \"points\": [",
                  (unsigned long long)replications);
    strbuf_printf(&table, "%-40s %-5s %6s %6s %9s %9s %9s %9s\n", "setting", "fault", "n",
                  "never", "mean", "p50", "p99", "max");
    status = EXIT_OK;
    struct scn_override *ov = xcalloc(naxes, sizeof *ov);
    uint32_t mutations = cli_mutations();
    for (size_t p = 0; p < points; p++) {
        size_t rest = p;
        struct strbuf label;
        strbuf_init(&label);
        for (size_t i = naxes; i-- > 0;) {
            ov[i].path = axes[i].path;
            ov[i].value = axes[i].values[rest % axes[i].nvalues];
            rest /= axes[i].nvalues;
        }
        for (size_t i = 0; i < naxes; i++)
            strbuf_printf(&label, "%s%s=%s", i ? " " : "", ov[i].path, ov[i].value);
        struct scenario *scn = cli_load(file, ov, naxes);
        if (scn == NULL) {
            strbuf_fini(&label);
            status = EXIT_USAGE;
            break;
        }
        struct sim_options opt = {.mutations = mutations};
        struct replications r;
        if (mpi)
            replicate_mpi(scn, &opt, replications, (unsigned)jobs, false, &r);
        else
            replicate(scn, &opt, replications, (unsigned)jobs, false, &r);
        strbuf_printf(&json, "%s{\"settings\": {", p ? ",\n    " : "\n    ");
        for (size_t i = 0; i < naxes; i++) {
            strbuf_puts(&json, i ? ", " : "");
            strbuf_json_string(&json, ov[i].path);
            strbuf_puts(&json, ": ");
            strbuf_json_string(&json, ov[i].value);
        }
        strbuf_puts(&json, "}, \"faults\": [");
        for (uint32_t f = 0; f < scn->nfaults; f++) {
            struct stats st;
            replications_stats(&r, (int32_t)f, FIG_RECOVERY, &st);
            if (plots_dir)
                sweep_plot_record(&plot_data, scn, points, p, f, &st);
            for (size_t i = 0; i < naxes; i++) {
                csv_cell(&csv, ov[i].value);
                strbuf_putc(&csv, ',');
            }
            strbuf_printf(&csv, "%u,%s,%zu,%zu,", f, fault_do_name(scn->faults[f].what), st.n,
                          st.never);
            const double vals[] = {st.mean, st.p50, st.p90, st.p99, st.max, st.ci_lo, st.ci_hi};
            for (size_t v = 0; v < 7; v++) {
                num(&csv, vals[v], false);
                strbuf_putc(&csv, v < 6 ? ',' : '\n');
            }
            strbuf_printf(&json, "%s{\"index\": %u, \"recoverySeconds\": ", f ? ", " : "", f);
            stats_json(&st, &json);
            strbuf_puts(&json, "}");
            strbuf_printf(&table, "%-40s #%-4u %6zu %6zu ", label.buf, f, st.n, st.never);
            const double tv[] = {st.mean, st.p50, st.p99, st.max};
            for (size_t v = 0; v < 4; v++) {
                if (tv[v] != tv[v])
                    strbuf_printf(&table, "%9s ", "-");
                else
                    strbuf_printf(&table, "%9.2f ", tv[v]);
            }
            strbuf_putc(&table, '\n');
        }
        strbuf_puts(&json, "]}");
        replications_fini(&r);
        scenario_free(scn);
        strbuf_fini(&label);
    }
    strbuf_puts(&json, "\n  ]\n}\n");
    free(ov);
    if (status == EXIT_OK) {
        if (!quiet)
            fputs(table.buf, stdout);
        if (csv_path && write_file_atomic(csv_path, csv.buf, csv.len) != 0) {
            cli_error("cannot write '%s': %s", csv_path, strerror(errno));
            status = EXIT_USAGE;
        }
        if (json_path && write_file_atomic(json_path, json.buf, json.len) != 0) {
            cli_error("cannot write '%s': %s", json_path, strerror(errno));
            status = EXIT_USAGE;
        }
        bool stdout_taken = (csv_path && strcmp(csv_path, "-") == 0) ||
                            (json_path && strcmp(json_path, "-") == 0);
        if (plots_dir && sweep_plots(plots_dir, plots_format, quiet, stdout_taken, axes, naxes,
                                     replications, &plot_data) != EXIT_OK)
            status = EXIT_USAGE;
    }
    strbuf_fini(&csv);
    strbuf_fini(&json);
    strbuf_fini(&table);
out_free_axes:
    sweep_plot_fini(&plot_data);
    for (size_t i = 0; i < naxes; i++)
        axis_fini(&axes[i]);
    free(axes);
    if (mpi)
        replicate_mpi_finalize();
    return status;
}
