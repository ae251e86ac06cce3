/* sssim run: one scenario, one seed; trace, summary and report. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/duration.h"
#include "sim/replicate.h"
#include "sim/runner.h"
#include "observe/stats.h"
#include "observe/report.h"
#include "observe/summary.h"
#include "observe/plot.h"
#include "observe/timeline.h"
#include "observe/narrate.h"
#include "observe/expect.h"

static const char run_usage[] =
    "usage: sssim run SCENARIO [--seed N] [--until DUR] [--set PATH=VALUE] [--trace FILE]\n"
    "                 [--trace-format jsonl|csv|chrome|mermaid] [--summary FILE]\n"
    "                 [--explain] [--lang en|ja] [--quiet]\n"
    "                 [--replications N] [--jobs J] [--mpi]\n"
    "                 [--plots DIR] [--plots-format png|svg|dumb]\n\n"
    "Run SCENARIO and print a short report of what happened.\n"
    "  --seed N          use seed N instead of the scenario's\n"
    "  --until DUR       stop at DUR (\"40m\", \"1h30m\", seconds) instead of the scenario's\n"
    "  --set PATH=VALUE  change one setting of the scenario, as sweep --set does with one\n"
    "                    value (e.g. kubernetes.nodeMonitorGracePeriod=40s); repeatable\n"
    "  --trace FILE      write one record per state change (- for standard output)\n"
    "  --trace-format F  jsonl (default), csv, chrome (Chrome trace event JSON: open it in\n"
    "                    https://ui.perfetto.dev, one track per pod identity and per node)\n"
    "                    or mermaid (a Mermaid gantt chart for Markdown documents)\n"
    "  --summary FILE    write the summary JSON (- for standard output)\n"
    "  --explain         tell the run as a story, one line per meaningful event: what\n"
    "                    happened, why, and the setting that caused it; what the\n"
    "                    StatefulSet waits for and what an operator can do\n"
    "  --lang L          language of --explain: en (default) or ja\n"
    "  --quiet           no report, no notices\n"
    "  --replications N  run N independent replications (seed of replication k derived\n"
    "                    from the scenario seed; each can be replayed with --seed) and\n"
    "                    report distributions: n, mean, stddev, min, p50, p90, p99, max,\n"
    "                    95% confidence interval of the mean, and how many never recovered\n"
    "  --jobs J          threads for replications (default: the number of cores); the\n"
    "                    results do not depend on J\n"
    "  --mpi             split the replications across the ranks of an MPI job (start\n"
    "                    with mpirun; builds configured with -Dmpi=enabled); rank 0\n"
    "                    reports and writes, with the results of a single process\n"
    "  --plots DIR       write plot data, gnuplot scripts and images into DIR (created if\n"
    "                    missing): the timeline of the run (of replication 0 with\n"
    "                    --replications; above 100 StatefulSet pods, the 100 longest not\n"
    "                    Ready after the first fault), its pods by phase over time and,\n"
    "                    with --replications, the distribution of each fault's recovery\n"
    "                    time; without gnuplot on PATH only data and scripts\n"
    "  --plots-format F  png (default), svg, or dumb (text, printed on standard output)\n"
    "Files are written whole or not at all. Exit status 1 when an invariant broke that the\n"
    "scenario does not expect, the run (or a replication) does not meet the scenario's\n"
    "expect block (not judged when --until or --set change the experiment), or the run hit\n"
    "its event cap.\n";

/* The most --set options of one run, and the longest PATH. */
#define RUN_MAX_SETS 16
#define RUN_SET_PATH_MAX 512

struct run_args {
    const char *file;
    struct scn_override sets[RUN_MAX_SETS]; /* --set: paths in set_paths, values in argv */
    char set_paths[RUN_MAX_SETS][RUN_SET_PATH_MAX];
    size_t nsets;
    struct sim_options opt;
    const char *trace_path;
    int trace_format;
    const char *summary_path;
    bool quiet;
    bool mpi;              /* --mpi */
    uint64_t replications; /* 0: a single run */
    uint64_t jobs;
    const char *plots_dir; /* --plots */
    int plots_format;      /* --plots-format, enum plot_format */
    bool explain;          /* --explain */
    int lang;              /* --lang, enum narr_lang */
};

static int parse_args(int argc, char **argv, struct run_args *a)
{
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, 's'},
        {"until", required_argument, NULL, 'u'},
        {"trace", required_argument, NULL, 't'},
        {"trace-format", required_argument, NULL, 'f'},
        {"summary", required_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {"replications", required_argument, NULL, 'r'},
        {"jobs", required_argument, NULL, 'j'},
        {"mpi", no_argument, NULL, 'M'},
        {"plots", required_argument, NULL, 'P'},
        {"plots-format", required_argument, NULL, 'F'},
        {"explain", no_argument, NULL, 'E'},
        {"lang", required_argument, NULL, 'L'},
        {"set", required_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->trace_format = TRACE_JSONL;
    a->plots_format = PLOT_PNG;
    a->lang = NARR_EN;
    optind = 1;
    opterr = 0;
    int c;
    /* The leading ':' makes a missing value ':' rather than an unknown option. */
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        const char *why = NULL;
        switch (c) {
        case 's':
            if (cli_parse_u64(optarg, &a->opt.seed) != 0) {
                cli_error("--seed: expected a non-negative integer, found '%s'", optarg);
                return -1;
            }
            a->opt.has_seed = true;
            break;
        case 'u':
            if (duration_parse(optarg, &a->opt.until, &why) != 0) {
                cli_error("--until: expected a duration such as \"40m\", found '%s' (%s)",
                          optarg, why);
                return -1;
            }
            a->opt.has_until = true;
            break;
        case 't': a->trace_path = optarg; break;
        case 'f':
            a->trace_format = trace_format_parse(optarg);
            if (a->trace_format < 0) {
                cli_error("--trace-format: expected jsonl, csv, chrome or mermaid, found '%s'",
                          optarg);
                return -1;
            }
            break;
        case 'S': a->summary_path = optarg; break;
        case 'q': a->quiet = true; break;
        case 'r':
            if (cli_parse_u64(optarg, &a->replications) != 0 || a->replications == 0 ||
                a->replications > 10000000) {
                cli_error("--replications: expected an integer from 1 to 10000000, found '%s'",
                          optarg);
                return -1;
            }
            break;
        case 'j':
            if (cli_parse_u64(optarg, &a->jobs) != 0 || a->jobs == 0 || a->jobs > 1024) {
                cli_error("--jobs: expected an integer from 1 to 1024, found '%s'", optarg);
                return -1;
            }
            break;
        case 'P': a->plots_dir = optarg; break;
        case 'M':
            if (!replicate_mpi_built()) {
                cli_error("--mpi: this sssim was built without MPI (configure with meson setup "
                          "-Dmpi=enabled)");
                return -1;
            }
            a->mpi = true;
            break;
        case 'F':
            a->plots_format = plot_format_parse(optarg);
            if (a->plots_format < 0) {
                cli_error("--plots-format: expected png, svg or dumb, found '%s'", optarg);
                return -1;
            }
            break;
        case 'E': a->explain = true; break;
        case 'L':
            a->lang = narr_lang_parse(optarg);
            if (a->lang < 0) {
                cli_error("--lang: expected en or ja, found '%s'", optarg);
                return -1;
            }
            break;
        case 'x': {
            const char *eq = strchr(optarg, '=');
            size_t len = eq ? (size_t)(eq - optarg) : 0;
            if (len == 0 || len >= RUN_SET_PATH_MAX) {
                cli_error("--set: expected PATH=VALUE, found '%s'", optarg);
                return -1;
            }
            if (a->nsets == RUN_MAX_SETS) {
                cli_error("--set: at most %d of them", RUN_MAX_SETS);
                return -1;
            }
            memcpy(a->set_paths[a->nsets], optarg, len);
            a->set_paths[a->nsets][len] = '\0';
            a->sets[a->nsets] = (struct scn_override){a->set_paths[a->nsets], eq + 1};
            a->nsets++;
            break;
        }
        case 'h': fputs(run_usage, stdout); return 1;
        case ':': cli_missing_value(longopts, argv[optind - 1]); return -1;
        default:
            cli_error("run: unknown option '%s'\n%s", argv[optind - 1], run_usage);
            return -1;
        }
    }
    if (optind != argc - 1) {
        cli_error("run: expected one SCENARIO file\n%s", run_usage);
        return -1;
    }
    a->file = argv[optind];
    if (a->replications && a->explain) {
        cli_error("run: --explain tells one run; it cannot be combined with --replications "
                  "(replay one replication with --seed)");
        return -1;
    }
    if (a->replications && a->trace_path) {
        cli_error("run: --trace records one run; it cannot be combined with --replications "
                  "(replay one replication with --seed)");
        return -1;
    }
    if (a->mpi && !a->replications) {
        cli_error("run: --mpi splits replications across MPI ranks; it needs --replications");
        return -1;
    }
    return 0;
}

static int write_output(const char *what, const char *path, const char *data, size_t len)
{
    if (write_file_atomic(path, data, len) == 0)
        return 0;
    cli_error("cannot write %s '%s': %s", what, path, strerror(errno));
    return -1;
}

static void stats_row(struct strbuf *o, const char *label, const struct stats *st)
{
    if (st->n == 0) {
        strbuf_printf(o, "  %-28s %6zu never\n", label, st->never);
        return;
    }
    strbuf_printf(o, "  %-28s %6zu %9.2f %8.2f %9.2f %9.2f %9.2f %9.2f  [%.2f, %.2f] %6zu\n",
                  label, st->n, st->mean, st->stddev, st->min, st->p50, st->p99, st->max,
                  st->ci_lo, st->ci_hi, st->never);
}

/* How many replications broke an invariant they check (or, with `expect`, did not meet
 * the expect block), and the seed of the first. */
static size_t failing(const struct replications *r, bool expect, uint64_t *first)
{
    size_t bad = 0;
    *first = 0;
    for (size_t k = 0; k < r->n; k++)
        if ((expect ? r->expect_failed[k] : r->unexpected[k] != 0) && bad++ == 0)
            *first = r->seeds[k];
    return bad;
}

/* The distribution summary of --replications. */
static void replication_summary(const struct replications *r, struct strbuf *o)
{
    const struct scenario *scn = r->scn;
    struct stats st;
    strbuf_puts(o, "{\n  \"scenario\": ");
    strbuf_json_string(o, scn->name);
    strbuf_printf(o, ",\n  \"seed\": %llu,\n  \"replications\": %zu,\n",
                  (unsigned long long)(r->n ? r->seeds[0] : scn->seed), r->n);
    replications_full_ready_stats(r, &st);
    strbuf_puts(o, "  \"fullReadySeconds\": ");
    stats_json(&st, o);
    strbuf_puts(o, ",\n  \"faults\": [");
    for (uint32_t f = 0; f < scn->nfaults; f++) {
        strbuf_printf(o, "%s{\"index\": %u, \"do\": ", f ? ",\n    " : "\n    ", f);
        strbuf_json_string(o, fault_do_name(scn->faults[f].what));
        strbuf_puts(o, ", \"at\": ");
        strbuf_seconds(o, scn->faults[f].at);
        for (int g = 0; g < FIG_COUNT; g++) {
            replications_stats(r, (int32_t)f, (enum rep_fig)g, &st);
            strbuf_printf(o, ",\n      \"%s\": ", rep_fig_names[g]);
            stats_json(&st, o);
        }
        replications_stats(r, (int32_t)f, FIG_RECOVERY, &st);
        strbuf_printf(o, ",\n      \"neverRecovered\": %zu}", st.never);
    }
    strbuf_puts(o, scn->nfaults ? "\n  ],\n" : "],\n");
    strbuf_puts(o, "  \"violations\": {");
    for (int i = 0; i < INV_COUNT; i++) {
        size_t count = 0;
        uint64_t first = 0;
        for (size_t k = 0; k < r->n; k++)
            if (r->broken[k] & (1u << i)) {
                if (count++ == 0)
                    first = r->seeds[k];
            }
        strbuf_printf(o, "%s\"%s\": {\"replications\": %zu, \"firstSeed\": ", i ? ", " : "",
                      invariant_name((enum invariant)i), count);
        if (count)
            strbuf_printf(o, "%llu}", (unsigned long long)first);
        else
            strbuf_puts(o, "null}");
    }
    strbuf_puts(o, "}\n}\n");
}

static void replication_report(const struct replications *r, bool judged, struct strbuf *o)
{
    const struct scenario *scn = r->scn;
    struct stats st;
    strbuf_printf(o, "%s: %zu replications (seeds derived from %llu; replay one with "
                     "--seed)\n",
                  scn->name, r->n, (unsigned long long)(r->n ? r->seeds[0] : scn->seed));
    strbuf_printf(o, "  %-28s %6s %9s %8s %9s %9s %9s %9s  %-16s %6s\n", "seconds", "n", "mean",
                  "stddev", "min", "p50", "p99", "max", "95% CI of mean", "never");
    replications_full_ready_stats(r, &st);
    stats_row(o, "fullReady (start)", &st);
    for (uint32_t f = 0; f < scn->nfaults; f++) {
        strbuf_printf(o, " fault #%u %s:\n", f, fault_do_name(scn->faults[f].what));
        for (int g = 0; g < FIG_COUNT; g++) {
            replications_stats(r, (int32_t)f, (enum rep_fig)g, &st);
            if (st.n == 0 && g != FIG_RECOVERY && st.never == r->n)
                continue;
            stats_row(o, rep_fig_names[g], &st);
        }
    }
    const char *file = scn->file ? scn->file : scn->name;
    uint64_t first;
    size_t bad = failing(r, false, &first);
    if (bad)
        strbuf_printf(o, "invariants: broken in %zu replication(s); first: sssim run %s --seed "
                         "%llu\n",
                      bad, file, (unsigned long long)first);
    else
        strbuf_puts(o, "invariants: held in every replication (where not expected to break)\n");
    if (!judged || (scn->expect.nmetrics == 0 && scn->expect.violations == 0))
        return; /* not this experiment's block, or the invariants line said it all */
    bad = failing(r, true, &first);
    if (bad)
        strbuf_printf(o, "expect: not met in %zu replication(s); first: sssim run %s --seed "
                         "%llu\n",
                      bad, file, (unsigned long long)first);
    else
        strbuf_puts(o, "expect: met in every replication\n");
}

/* --- --plots ----------------------------------------------------------------------- */


/* The most scenario warnings run prints. */
#define RUN_MAX_WARNINGS 10

/* The most faults --replications --plots draws a recovery distribution for. */
#define PLOT_MAX_FAULTS 20

/* Replications keep figures, not timelines: replication 0 is run once more with the
 * timeline observer (runs are deterministic, so it is the same run). */
static int plot_run_timeline(struct plotter *pl, const struct scenario *scn,
                             const struct sim_options *opt)
{
    struct sim *sim = sim_new(scn, opt);
    struct timeline *tl = timeline_new(sim);
    sim_run(sim);
    int rc = plot_run(pl, tl);
    timeline_free(tl);
    sim_free(sim);
    return rc;
}

/* --replications: the timeline and phases of replication 0 and each fault's recovery
 * distribution. */
static int plot_replications(const struct run_args *a, const struct replications *r,
                             bool stdout_taken)
{
    const struct scenario *scn = r->scn;
    struct plotter *pl = plotter_new(a->plots_dir, (enum plot_format)a->plots_format);
    struct sim_options opt = a->opt;
    opt.has_seed = true;
    opt.seed = r->n ? r->seeds[0] : scn->seed;
    int rc = plot_run_timeline(pl, scn, &opt);
    double *v = xmalloc((r->n ? r->n : 1) * sizeof *v);
    /* One gnuplot run per fault: a long fault schedule would take minutes for plots
     * nobody reads; the report has every fault's figures. */
    uint32_t nplots = scn->nfaults < PLOT_MAX_FAULTS ? scn->nfaults : PLOT_MAX_FAULTS;
    if (nplots < scn->nfaults && !a->quiet)
        fprintf(stderr, "sssim: --plots: recovery plots for faults #0 to #%u only, of %u\n",
                nplots - 1, scn->nfaults);
    for (uint32_t f = 0; f < nplots && rc != PLOT_ERROR; f++) {
        for (size_t k = 0; k < r->n; k++)
            v[k] = *rep_fig(r, k, f, FIG_RECOVERY);
        char name[32], title[256];
        snprintf(name, sizeof name, "recovery-%u", f);
        snprintf(title, sizeof title, "%s: recovery after fault #%u %s, %zu replications",
                 scn->name, f, fault_do_name(scn->faults[f].what), r->n);
        int frc = plot_distribution(pl, name, title, v, r->n);
        if (frc != PLOT_OK)
            rc = frc;
    }
    free(v);
    int status = cli_plots_finish(pl, rc, a->quiet, stdout_taken);
    plotter_free(pl);
    return status;
}

/* --- end of --plots ---------------------------------------------------------------- */

static int run_replications(const struct run_args *a, const struct scenario *scn)
{
    struct replications r;
    bool tty = isatty(fileno(stderr)) && !a->quiet;
    /* With --mpi every rank ends with every result (and so the same exit status); rank 0
     * alone reports and writes. */
    bool root = !a->mpi || replicate_mpi_rank() == 0;
    if (a->mpi)
        replicate_mpi(scn, &a->opt, a->replications, (unsigned)a->jobs, tty, &r);
    else
        replicate(scn, &a->opt, a->replications, (unsigned)a->jobs, tty, &r);
    /* --set makes another experiment than the block describes (replicate itself leaves
     * out runs whose --until differs). */
    bool judged = a->nsets == 0;
    if (!judged)
        memset(r.expect_failed, 0, r.n * sizeof *r.expect_failed);
    int status = EXIT_OK;
    if (root && a->summary_path) {
        struct strbuf sb;
        strbuf_init(&sb);
        replication_summary(&r, &sb);
        if (write_output("summary", a->summary_path, sb.buf, sb.len) != 0)
            status = EXIT_USAGE;
        strbuf_fini(&sb);
    }
    if (root && !a->quiet) {
        struct strbuf sb;
        strbuf_init(&sb);
        replication_report(&r, judged, &sb);
        bool stdout_taken = a->summary_path && strcmp(a->summary_path, "-") == 0;
        fputs(sb.buf, stdout_taken ? stderr : stdout);
        strbuf_fini(&sb);
    }
    if (root && a->plots_dir) {
        bool stdout_taken = a->summary_path && strcmp(a->summary_path, "-") == 0;
        if (plot_replications(a, &r, stdout_taken) != EXIT_OK)
            status = EXIT_USAGE;
    }
    for (size_t k = 0; k < r.n; k++)
        if ((r.unexpected[k] || r.hit_cap[k] || r.expect_failed[k]) && status == EXIT_OK)
            status = EXIT_FAILED;
    replications_fini(&r);
    return status;
}

/* --- --explain ---------------------------------------------------------------------- */

/* The narrator needs its own observer, so the run is made again with the same options, as
 * for the timeline plot: runs are deterministic and observers change nothing. The
 * invariant checker rides along so that violations are told. */

int cmd_run(int argc, char **argv)
{
    struct run_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    struct scenario *scn = cli_load(a.file, a.sets, a.nsets);
    if (scn == NULL)
        return EXIT_USAGE;
    if (a.mpi && replicate_mpi_init() != 0) {
        cli_error("--mpi: MPI could not be initialised");
        scenario_free(scn);
        return EXIT_USAGE;
    }
    if (!a.quiet && replicate_mpi_rank() == 0) {
        /* A generated fault schedule can have thousands: the first ones make the point. */
        uint32_t shown = scn->nwarnings < RUN_MAX_WARNINGS ? scn->nwarnings : RUN_MAX_WARNINGS;
        for (uint32_t i = 0; i < shown; i++)
            fprintf(stderr, "sssim: warning: %s\n", scn->warnings[i]);
        if (shown < scn->nwarnings)
            fprintf(stderr, "sssim: warning: and %u more ('sssim validate %s' lists them)\n",
                    scn->nwarnings - shown, a.file);
    }
    a.opt.mutations = cli_mutations();
    if (a.replications) {
        int st = run_replications(&a, scn);
        scenario_free(scn);
        if (a.mpi)
            replicate_mpi_finalize();
        return st;
    }

    struct runner r;
    struct runner_extras x = {
        .trace_format = a.trace_path ? a.trace_format : -1,
        .timeline = a.plots_dir != NULL,
        .narrate_lang = a.explain ? a.lang : -1,
    };
    runner_run_with(&r, scn, &a.opt, &x);
    struct sim *sim = r.sim;
    struct history *hist = r.hist;
    struct trace *trace = r.trace;

    int status = EXIT_OK;
    if (trace) {
        size_t len;
        const char *text = trace_text(trace, &len);
        if (write_output("trace", a.trace_path, text, len) != 0)
            status = EXIT_USAGE;
    }
    if (a.summary_path) {
        struct strbuf sb;
        strbuf_init(&sb);
        summary_build(hist, &sb);
        if (write_output("summary", a.summary_path, sb.buf, sb.len) != 0)
            status = EXIT_USAGE;
        strbuf_fini(&sb);
    }
    bool stdout_taken = (a.trace_path && strcmp(a.trace_path, "-") == 0) ||
                        (a.summary_path && strcmp(a.summary_path, "-") == 0);
    if (a.explain) {
        size_t nlen;
        const char *ntext = narrator_text(r.narr, &nlen);
        fwrite(ntext, 1, nlen, stdout_taken ? stderr : stdout);
        if (!a.quiet)
            fputc('\n', stdout_taken ? stderr : stdout);
    }
    if (!a.quiet) {
        struct strbuf sb;
        strbuf_init(&sb);
        report_build(hist, &sb);
        fputs(sb.buf, stdout_taken ? stderr : stdout);
        strbuf_fini(&sb);
    }
    if (sim->hit_event_cap) {
        char at[32];
        clock_format(sim->now, at, sizeof at);
        cli_error("%s: the run stopped at the event cap (maxEvents %llu) at %s; raise "
                  "maxEvents or lower until",
                  a.file, (unsigned long long)sim->max_events, at);
        if (status == EXIT_OK)
            status = EXIT_FAILED;
    }
    if (runner_unexpected(&r) && status == EXIT_OK)
        status = EXIT_FAILED;
    /* The scenario's expect block, judged as sssim check judges it, so that the replay
     * line check prints shows the failure; not for a run cut or stretched by --until,
     * which is not the run the block describes. */
    struct strbuf why;
    strbuf_init(&why);
    bool judged = a.nsets == 0 && (!a.opt.has_until || a.opt.until == scn->until);
    if (judged && expect_evaluate(hist, invariants_broken(r.inv), &why) > 0) {
        cli_error("%s: the run does not meet the scenario's expect block: %s", a.file, why.buf);
        if (status == EXIT_OK)
            status = EXIT_FAILED;
    }
    strbuf_fini(&why);
    /* The timeline belongs to the runner: plot it before runner_fini frees it. */
    if (a.plots_dir) {
        struct plotter *pl = plotter_new(a.plots_dir, (enum plot_format)a.plots_format);
        int prc = plot_run(pl, r.timeline);
        if (cli_plots_finish(pl, prc, a.quiet, stdout_taken) != EXIT_OK)
            status = EXIT_USAGE;
        plotter_free(pl);
    }
    runner_fini(&r);
    scenario_free(scn);
    return status;
}
