/* sssim sweep: a grid of parameter settings, each run for N replications with common
 * random numbers (the same seeds at every grid point), written as one table. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/replicate.h"
#include "util/util.h"

static const char sweep_usage[] =
    "usage: sssim sweep SCENARIO --set PATH=V1,V2,... [--set ...] [--replications N]\n"
    "                   [--jobs J] [--csv FILE] [--json FILE] [--quiet]\n\n"
    "Run every combination of the --set values (PATH is a JSON path into the scenario,\n"
    "e.g. kubernetes.nodeMonitorGracePeriod=40s,50s) for N replications each (default\n"
    "100), with the same seeds at every point, and print one table of recovery times.\n"
    "  --csv FILE / --json FILE  also write the table (- for standard output)\n";

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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct axis *axes = NULL;
    size_t naxes = 0, axes_cap = 0;
    uint64_t replications = 100, jobs = 0;
    const char *csv_path = NULL, *json_path = NULL;
    bool quiet = false;
    int status = EXIT_USAGE;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
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
        case 'h': fputs(sweep_usage, stdout); status = EXIT_OK; goto out_free_axes;
        default: cli_error("sweep: unknown option '%s'\n%s", argv[optind - 1], sweep_usage); goto out_free_axes;
        }
    }
    if (optind != argc - 1 || naxes == 0) {
        cli_error("sweep: expected one SCENARIO and at least one --set\n%s", sweep_usage);
        goto out_free_axes;
    }
    const char *file = argv[optind];
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
    }
    strbuf_fini(&csv);
    strbuf_fini(&json);
    strbuf_fini(&table);
out_free_axes:
    for (size_t i = 0; i < naxes; i++)
        axis_fini(&axes[i]);
    free(axes);
    return status;
}
