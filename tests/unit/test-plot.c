/* Unit tests of the timeline observer and the plots: a real run of scenarios/node-loss.json
 * (found through SSSIM_SOURCE_DIR; skipped without it) rendered by the real gnuplot, a
 * recovery distribution from hand-filled replications, a sweep, and the path without
 * gnuplot (PATH pointing at an empty directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "observe/plot.h"
#include "observe/timeline.h"
#include "scenario/scenario.h"
#include "sim/replicate.h"
#include "sim/sim.h"
#include "util/util.h"

/* --- Helpers ------------------------------------------------------------------------ */

static char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s/sssim-test-plot-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(sb.buf));
    return sb.buf;
}

/* The plot directories are flat: remove the files, then the directory. */
static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    const char *why = NULL;
    size_t n = 0;
    char *text = read_file_all(path, &n, &why);
    if (text == NULL)
        fail_msg("cannot read %s: %s", path, why);
    if (len)
        *len = n;
    return text;
}

static bool exists(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PNG starts with its signature and the IHDR chunk: width and height, big-endian. */
static void assert_png_size(const char *dir, const char *name, uint32_t w, uint32_t h)
{
    size_t len;
    unsigned char *png = (unsigned char *)slurp(dir, name, &len);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(len > 24);
    assert_memory_equal(png, sig, 8);
    assert_memory_equal(png + 12, "IHDR", 4);
    assert_int_equal(be32(png + 16), w);
    assert_int_equal(be32(png + 20), h);
    free(png);
}

/* The data lines of gnuplot block `index` (blocks are separated by two blank lines). */
static size_t block_lines(const char *text, int index, char lines[][256], size_t max)
{
    int block = 0, blanks = 0;
    size_t n = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == 0) {
            if (++blanks == 2)
                block++;
        } else {
            blanks = 0;
            if (block == index && p[0] != '#' && n < max) {
                snprintf(lines[n], 256, "%.*s", (int)len, p);
                n++;
            }
        }
        p += len + (nl ? 1 : 0);
    }
    return n;
}

/* --- Fixture: one run of node-loss with a timeline ---------------------------------- */

struct fixture {
    struct scenario *scn;
    struct sim *sim;
    struct timeline *tl;
};

static int run_node_loss(void **state)
{
    const char *src = getenv("SSSIM_SOURCE_DIR");
    if (src == NULL || *src == '\0') {
        *state = NULL;
        return 0;
    }
    char path[4096];
    /* The scripts of this source tree, unless the caller chose others. */
    snprintf(path, sizeof path, "%s/plots", src);
    setenv("SSSIM_PLOTS_DIR", path, 0);
    snprintf(path, sizeof path, "%s/scenarios/node-loss.json", src);
    struct scn_error err;
    memset(&err, 0, sizeof err);
    struct fixture *f = xcalloc(1, sizeof *f);
    f->scn = scenario_load(path, NULL, 0, &err);
    if (f->scn == NULL) {
        char line[1600];
        scn_error_format(&err, line, sizeof line);
        fprintf(stderr, "cannot load %s: %s\n", path, line);
        free(f);
        return -1;
    }
    f->sim = sim_new(f->scn, NULL);
    f->tl = timeline_new(f->sim);
    sim_run(f->sim);
    *state = f;
    return 0;
}

static int free_node_loss(void **state)
{
    struct fixture *f = *state;
    if (f == NULL)
        return 0;
    timeline_free(f->tl);
    sim_free(f->sim);
    scenario_free(f->scn);
    free(f);
    return 0;
}

static struct fixture *fixture_or_skip(void **state)
{
    struct fixture *f = *state;
    if (f == NULL) {
        fprintf(stderr, "SSSIM_SOURCE_DIR is not set: skipped\n");
        skip();
    }
    return f;
}

static const struct tl_row *row_named(const struct timeline *tl, const char *name)
{
    for (uint32_t r = 0; r < tl->nrows; r++)
        if (strcmp(tl->rows[r].name, name) == 0)
            return &tl->rows[r];
    return NULL;
}

/* --- Tests -------------------------------------------------------------------------- */

static void formats_are_png_svg_and_dumb(void **state)
{
    (void)state;
    assert_int_equal(plot_format_parse("png"), PLOT_PNG);
    assert_int_equal(plot_format_parse("svg"), PLOT_SVG);
    assert_int_equal(plot_format_parse("dumb"), PLOT_DUMB);
    assert_int_equal(plot_format_parse("jpeg"), -1);
}

/* Every identity is a row with its incarnations; phases follow one another without gaps
 * inside an incarnation; the run's end closes what is open; the crash is a mark. */
static void the_timeline_follows_each_identity_through_its_phases(void **state)
{
    struct fixture *f = fixture_or_skip(state);
    const struct timeline *tl = f->tl;
    assert_int_equal(tl->end, f->sim->now);
    assert_int_equal(tl->nrows, 3);
    uint32_t order[3];
    timeline_sorted_rows(tl, order);
    const char *names[3] = {"web-0", "web-1", "web-2"};
    for (int i = 0; i < 3; i++) {
        const struct tl_row *row = &tl->rows[order[i]];
        assert_string_equal(row->name, names[i]);
        assert_true(row->nincs >= 1);
        for (uint32_t k = 0; k < row->nincs; k++) {
            const struct tl_incarnation *inc = &row->incs[k];
            assert_non_null(inc->node);
            assert_true(inc->nsegs >= 1);
            assert_int_equal(inc->segs[0].start, inc->start);
            assert_int_equal(inc->segs[0].phase, TL_PENDING);
            assert_int_equal(inc->segs[inc->nsegs - 1].end, inc->end);
            for (uint32_t s = 1; s < inc->nsegs; s++) {
                assert_int_equal(inc->segs[s].start, inc->segs[s - 1].end);
                assert_int_not_equal(inc->segs[s].phase, inc->segs[s - 1].phase);
            }
        }
    }
    /* web-0 never meets the fault: it comes up in order and stays Ready to the end. */
    const struct tl_incarnation *w0 = &row_named(tl, "web-0")->incs[0];
    assert_int_equal(w0->segs[w0->nsegs - 1].phase, TL_READY);
    assert_int_equal(w0->end, tl->end);
    assert_true(w0->segs[w0->nsegs - 2].phase == TL_CREATING);

    /* web-1's node crashes at 2m: Ready until then, not Ready after, then Terminating
     * (evicted; the dead kubelet never finishes the delete) to the end of the run. */
    assert_int_equal(tl->nmarks, 1);
    assert_int_equal(tl->marks[0].at, SEC(120));
    assert_true(tl->marks[0].applied);
    const struct tl_row *w1 = row_named(tl, "web-1");
    assert_int_equal(w1->nincs, 1);
    const struct tl_incarnation *inc = &w1->incs[0];
    char want[128];
    snprintf(want, sizeof want, "#0 nodeCrash %s", inc->node);
    assert_string_equal(tl->marks[0].label, want);
    bool ready_until_crash = false;
    for (uint32_t s = 0; s < inc->nsegs; s++)
        if (inc->segs[s].phase == TL_READY && inc->segs[s].end == SEC(120))
            ready_until_crash = true;
    assert_true(ready_until_crash);
    assert_int_equal(inc->segs[inc->nsegs - 1].phase, TL_TERMINATING);
    assert_int_equal(inc->end, tl->end);
}

/* gnuplot for real: a 1000x400 PNG, and a data file with one row per identity, the nodes
 * and the fault. */
static void the_timeline_renders_to_png_with_its_data(void **state)
{
    struct fixture *f = fixture_or_skip(state);
    char *dir = make_temp_dir();
    struct plotter *p = plotter_new(dir, PLOT_PNG);
    int rc = plot_timeline(p, f->tl);
    if (rc == PLOT_NO_GNUPLOT) {
        plotter_free(p);
        remove_dir(dir);
        fprintf(stderr, "gnuplot is not on PATH: skipped\n");
        skip();
    }
    if (rc != PLOT_OK)
        fail_msg("plot_timeline: %s", plotter_error(p));
    assert_null(plotter_notice(p));
    assert_png_size(dir, "timeline.png", 1000, 400);
    assert_true(exists(dir, "timeline.gp"));

    char *dat = slurp(dir, "timeline.dat", NULL);
    char lines[64][256];
    size_t n = block_lines(dat, 1, lines, 64);
    assert_int_equal(n, 3);
    assert_string_equal(lines[0], "0 \"web-0\"");
    assert_string_equal(lines[1], "1 \"web-1\"");
    assert_string_equal(lines[2], "2 \"web-2\"");
    /* One incarnation line per Pod object, naming its node. */
    n = block_lines(dat, 3, lines, 64);
    size_t nincs = 0;
    for (uint32_t r = 0; r < f->tl->nrows; r++)
        nincs += f->tl->rows[r].nincs;
    assert_int_equal(n, nincs);
    for (uint32_t r = 0; r < f->tl->nrows; r++)
        for (uint32_t k = 0; k < f->tl->rows[r].nincs; k++) {
            char quoted[128];
            snprintf(quoted, sizeof quoted, "\"%s\"", f->tl->rows[r].incs[k].node);
            assert_non_null(strstr(dat, quoted));
        }
    n = block_lines(dat, 4, lines, 64);
    assert_int_equal(n, 1);
    char want[160];
    snprintf(want, sizeof want, "120.000 0 \"%s\" 1", f->tl->marks[0].label);
    assert_string_equal(lines[0], want);
    /* The phases named in the segments block. */
    assert_non_null(strstr(dat, "\"Ready\" \"web-1\""));
    assert_non_null(strstr(dat, "\"Terminating\" \"web-1\""));
    free(dat);
    plotter_free(p);
    remove_dir(dir);
}

/* Without gnuplot: data and the script copy are written, no image, one notice that says
 * how to render, and nothing breaks on the next plot. */
static void without_gnuplot_data_and_scripts_are_written_with_a_notice(void **state)
{
    struct fixture *f = fixture_or_skip(state);
    char *dir = make_temp_dir();
    char *empty = make_temp_dir();
    const char *old = getenv("PATH");
    char *saved = old ? xstrdup(old) : NULL;
    setenv("PATH", empty, 1);

    struct plotter *p = plotter_new(dir, PLOT_PNG);
    int rc = plot_timeline(p, f->tl);
    double v[3] = {1.0, 2.0, NAN};
    int rc2 = plot_distribution(p, "recovery-0", "t", v, 3);

    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    } else {
        unsetenv("PATH");
    }
    assert_int_equal(rc, PLOT_NO_GNUPLOT);
    assert_int_equal(rc2, PLOT_NO_GNUPLOT);
    assert_true(exists(dir, "timeline.dat"));
    assert_true(exists(dir, "timeline.gp"));
    assert_false(exists(dir, "timeline.png"));
    assert_true(exists(dir, "recovery-0.dat"));
    assert_true(exists(dir, "recovery-0.gp"));
    const char *notice = plotter_notice(p);
    assert_non_null(notice);
    char want[4096];
    snprintf(want, sizeof want,
             "gnuplot not found; data and scripts are in %s (render with: gnuplot -e "
             "\"datafile='%s/timeline.dat'; outfile='%s/timeline.png'; fmt='png'\" "
             "%s/timeline.gp)",
             dir, dir, dir, dir);
    assert_string_equal(notice, want);
    fprintf(stderr, "sssim: %s\n", notice);
    /* The copy renders alone: it names its data and image. */
    char *gp = slurp(dir, "timeline.gp", NULL);
    snprintf(want, sizeof want, "if (!exists(\"datafile\")) datafile = '%s/timeline.dat'", dir);
    assert_non_null(strstr(gp, want));
    free(gp);
    plotter_free(p);
    remove_dir(dir);
    remove_dir(empty);
}

/* Plots that need no run still need the scripts, found through the source tree. */
static void need_source_dir(void)
{
    const char *src = getenv("SSSIM_SOURCE_DIR");
    if (src == NULL || *src == '\0') {
        fprintf(stderr, "SSSIM_SOURCE_DIR is not set: skipped\n");
        skip();
    }
}

/* Replications filled by hand: 16 recovered, 2 never. */
static void the_recovery_plot_bins_the_replications_and_marks_quantiles(void **state)
{
    (void)state;
    need_source_dir();
    struct scenario scn = {.name = "hand", .nfaults = 1};
    struct replications r = {.scn = &scn, .n = 18};
    r.figs = xcalloc(r.n * scn.nfaults * FIG_COUNT, sizeof *r.figs);
    for (size_t k = 0; k < r.n; k++)
        *rep_fig(&r, k, 0, FIG_RECOVERY) = k < 16 ? 100.0 + (double)(k * k) : NAN;
    double v[18];
    for (size_t k = 0; k < r.n; k++)
        v[k] = *rep_fig(&r, k, 0, FIG_RECOVERY);

    char *dir = make_temp_dir();
    struct plotter *p = plotter_new(dir, PLOT_PNG);
    int rc = plot_distribution(p, "recovery-0", "hand: recovery after fault #0", v, r.n);
    assert_true(rc == PLOT_OK || rc == PLOT_NO_GNUPLOT);
    if (rc == PLOT_OK)
        assert_png_size(dir, "recovery-0.png", 1000, 500);

    char *dat = slurp(dir, "recovery-0.dat", NULL);
    char lines[64][256];
    size_t n = block_lines(dat, 0, lines, 64);
    assert_int_equal(n, 1);
    assert_int_equal(strncmp(lines[0], "16 2 ", 5), 0);
    size_t bins = plot_histogram_bins(16);
    assert_int_equal(bins, 4);
    n = block_lines(dat, 1, lines, 64);
    assert_int_equal(n, bins);
    unsigned long total = 0;
    double prev_hi = 100.0;
    for (size_t i = 0; i < n; i++) {
        double lo, hi;
        unsigned long count;
        assert_int_equal(sscanf(lines[i], "%lf %lf %lu", &lo, &hi, &count), 3);
        assert_true(fabs(lo - prev_hi) < 1e-3);
        assert_true(hi > lo);
        prev_hi = hi;
        total += count;
    }
    assert_true(fabs(prev_hi - 325.0) < 1e-3); /* 100 + 15 * 15 */
    assert_int_equal(total, 16);
    /* The empirical CDF: one point per recovered replication, rising to 1. */
    n = block_lines(dat, 2, lines, 64);
    assert_int_equal(n, 16);
    assert_string_equal(lines[15], "325 1");
    free(dat);
    free(r.figs);
    plotter_free(p);
    remove_dir(dir);
}

/* Two series over three durations, one point never recovered; the dumb terminal's text is
 * kept for the caller. */
static void the_sweep_plot_has_one_block_per_series(void **state)
{
    (void)state;
    need_source_dir();
    const char *xs[] = {"40s", "\"50s\"", "1m"};
    const char *series[] = {"timings.attach=1s", "timings.attach=10s"};
    const double p50[] = {10, 20, 30, 11, NAN, 31};
    const double p99[] = {15, 25, 35, 16, NAN, 36};
    struct plot_sweep s = {
        .title = "sweep",
        .xlabel = "kubernetes.nodeMonitorGracePeriod",
        .xvalues = xs,
        .nx = 3,
        .series = series,
        .nseries = 2,
        .p50 = p50,
        .p99 = p99,
    };
    char *dir = make_temp_dir();
    struct plotter *p = plotter_new(dir, PLOT_DUMB);
    int rc = plot_sweep(p, "sweep-0", &s);
    assert_true(rc == PLOT_OK || rc == PLOT_NO_GNUPLOT);
    if (rc == PLOT_OK) {
        size_t len;
        assert_non_null(strstr(plotter_text(p, &len), "p99"));
        assert_true(len > 0);
        assert_true(exists(dir, "sweep-0.txt"));
    }
    char *dat = slurp(dir, "sweep-0.dat", NULL);
    char lines[16][256];
    assert_int_equal(block_lines(dat, 1, lines, 16), 4);
    assert_string_equal(lines[0], "\"timings.attach=1s p50\" \"timings.attach=1s p99\" \"x\" "
                                  "\"value\"");
    assert_string_equal(lines[1], "40 10 15 \"40s\"");
    assert_string_equal(lines[3], "60 30 35 \"1m\"");
    assert_int_equal(block_lines(dat, 2, lines, 16), 4);
    assert_string_equal(lines[2], "50 NaN NaN \"50s\"");
    free(dat);
    plotter_free(p);
    remove_dir(dir);
}

/* Pods in each phase at time t, counted from the segments: what the phases plot must show
 * at t once the changes at t are applied. What the end of the run closes is still there. */
static void count_at(const struct timeline *tl, int64_t t, long count[TL_PHASE_COUNT])
{
    for (int k = 0; k < TL_PHASE_COUNT; k++)
        count[k] = 0;
    for (uint32_t r = 0; r < tl->nrows; r++)
        for (uint32_t i = 0; i < tl->rows[r].nincs; i++) {
            const struct tl_incarnation *inc = &tl->rows[r].incs[i];
            for (uint32_t s = 0; s < inc->nsegs; s++) {
                const struct tl_segment *seg = &inc->segs[s];
                int64_t end = seg->end == TIME_NEVER ? tl->end : seg->end;
                if (end > seg->start && seg->start <= t && (t < end || end >= tl->end))
                    count[seg->phase]++;
            }
        }
}

/* The latest start or end of a segment at or before t. */
static int64_t last_boundary_before(const struct timeline *tl, int64_t t)
{
    int64_t best = 0;
    for (uint32_t r = 0; r < tl->nrows; r++)
        for (uint32_t i = 0; i < tl->rows[r].nincs; i++) {
            const struct tl_incarnation *inc = &tl->rows[r].incs[i];
            for (uint32_t s = 0; s < inc->nsegs; s++) {
                int64_t b[2] = {inc->segs[s].start, inc->segs[s].end};
                for (int k = 0; k < 2; k++)
                    if (b[k] != TIME_NEVER && b[k] <= t && b[k] > best)
                        best = b[k];
            }
        }
    return best;
}

/* Checks the points of phases.dat against count_at: every point in sampled mode, the last
 * point of each moment in exact mode. Returns the number of points. */
static size_t check_phase_points(const struct timeline *tl, const char *dat, bool *sampled)
{
    *sampled = strstr(dat, "# index 1, points (sampled)") != NULL;
    size_t cap = 8192;
    char(*lines)[256] = xmalloc(cap * sizeof *lines);
    size_t n = block_lines(dat, 1, lines, cap);
    assert_true(n >= 2 && n < cap);
    double prev = -1;
    for (size_t i = 0; i < n; i++) {
        double t;
        long got[TL_PHASE_COUNT], want[TL_PHASE_COUNT];
        assert_int_equal(sscanf(lines[i], "%lf %ld %ld %ld %ld %ld %ld %ld", &t, &got[0], &got[1],
                                &got[2], &got[3], &got[4], &got[5], &got[6]),
                         8);
        assert_true(t >= prev);
        prev = t;
        double next_t = -1;
        if (i + 1 < n)
            assert_int_equal(sscanf(lines[i + 1], "%lf", &next_t), 1);
        if (!*sampled && i + 1 < n && next_t == t)
            continue; /* the counts just before the moment's changes */
        /* Sample instants are whole milliseconds here; a moment of change is the last
         * segment boundary that the file's millisecond rounds to t. */
        int64_t at = (int64_t)llround(t * 1e9);
        if (!*sampled)
            at = last_boundary_before(tl, at + 500000);
        count_at(tl, at, want);
        for (int k = 0; k < TL_PHASE_COUNT; k++)
            if (got[k] != want[k])
                fail_msg("phases.dat line '%s': %s is %ld, the segments say %ld", lines[i],
                         tl_phase_name((enum tl_phase)k), got[k], want[k]);
    }
    assert_true(fabs(prev - (double)tl->end / 1e9) < 1e-3);
    free(lines);
    return n;
}

/* The pods by phase of node-loss, exactly: three Ready before the crash; then web-1 not
 * Ready beside two Ready; evicted, it stays Terminating to the end. */
static void the_phases_plot_counts_the_pods_in_each_phase(void **state)
{
    struct fixture *f = fixture_or_skip(state);
    char *dir = make_temp_dir();
    struct plotter *p = plotter_new(dir, PLOT_PNG);
    int rc = plot_phases(p, f->tl);
    assert_true(rc == PLOT_OK || rc == PLOT_NO_GNUPLOT);
    if (rc == PLOT_OK)
        assert_png_size(dir, "phases.png", 1000, 500);
    char *dat = slurp(dir, "phases.dat", NULL);
    bool sampled;
    size_t n = check_phase_points(f->tl, dat, &sampled);
    assert_false(sampled);
    char lines[64][256];
    assert_int_equal(block_lines(dat, 0, lines, 64), 1);
    char want[256];
    snprintf(want, sizeof want,
             "2400.000 %zu 1 3 \"node-loss (seed 1): StatefulSet Pods by phase, 3 identities\"", n);
    assert_string_equal(lines[0], want);
    /* The crash's moment: its counts before, then after. */
    assert_non_null(strstr(dat, "\n120.000 0 0 0 0 0 3 0\n120.000 0 0 0 0 1 2 0\n"));
    size_t m = block_lines(dat, 1, lines, 64);
    assert_string_equal(lines[m - 1], "2400.000 0 0 0 0 0 2 1");
    assert_int_equal(block_lines(dat, 2, lines, 64), 1);
    free(dat);
    plotter_free(p);
    remove_dir(dir);
}

/* large-zone-outage cut down to 300 nodes and 1,000 StatefulSets (about 4,000 Pods): the
 * timeline keeps the 100 identities longest not Ready after the outage, in set and
 * ordinal order, and the phases plot samples its many moments. */
static void a_large_run_plots_the_identities_hit_longest_and_samples_phases(void **state)
{
    (void)state;
    need_source_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/large-zone-outage.json", getenv("SSSIM_SOURCE_DIR"));
    const struct scn_override ov[] = {
        {"cluster.nodePools[0].count", "300"},
        {"objects[2].metadata.annotations[\"sssim.io/copies\"]", "\"1000\""},
    };
    struct scn_error err;
    memset(&err, 0, sizeof err);
    struct scenario *scn = scenario_load(path, ov, 2, &err);
    assert_non_null(scn);
    struct sim *sim = sim_new(scn, NULL);
    struct timeline *tl = timeline_new(sim);
    sim_run(sim);
    assert_true(tl->nrows > 3000);
    assert_int_equal(tl->nmarks, 1);

    char *dir = make_temp_dir();
    struct plotter *p = plotter_new(dir, PLOT_PNG);
    int rc = plot_run(p, tl);
    assert_true(rc == PLOT_OK || rc == PLOT_NO_GNUPLOT);
    if (rc == PLOT_OK) {
        assert_png_size(dir, "timeline.png", 1000, 160 + 40 * 100);
        assert_png_size(dir, "phases.png", 1000, 500);
    }

    char *dat = slurp(dir, "timeline.dat", NULL);
    char(*lines)[256] = xmalloc(4096 * sizeof *lines);
    assert_int_equal(block_lines(dat, 0, lines, 4096), 1);
    char want[256];
    snprintf(want, sizeof want,
             "1800.000 100 1 \"large-zone-outage (seed 1): the 100 of %u identities longest "
             "not Ready after 10m0s\"",
             tl->nrows);
    assert_string_equal(lines[0], want);
    size_t n = block_lines(dat, 1, lines, 4096);
    assert_int_equal(n, 100);
    bool *shown = xcalloc(tl->nrows, sizeof *shown);
    int64_t least_shown = INT64_MAX, most_hidden = 0;
    const struct tl_row *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        char name[128];
        unsigned idx;
        assert_int_equal(sscanf(lines[i], "%u \"%127[^\"]\"", &idx, name), 2);
        assert_int_equal(idx, i);
        const struct tl_row *row = row_named(tl, name);
        assert_non_null(row);
        if (prev)
            assert_true(prev->sts < row->sts ||
                        (prev->sts == row->sts && prev->ordinal < row->ordinal));
        prev = row;
        uint32_t r = (uint32_t)(row - tl->rows);
        shown[r] = true;
        int64_t nr = timeline_not_ready(tl, r, SEC(600));
        least_shown = nr < least_shown ? nr : least_shown;
    }
    for (uint32_t r = 0; r < tl->nrows; r++)
        if (!shown[r]) {
            int64_t nr = timeline_not_ready(tl, r, SEC(600));
            most_hidden = nr > most_hidden ? nr : most_hidden;
        }
    assert_true(least_shown >= most_hidden);
    assert_true(least_shown >= SEC(900)); /* on the lost zone since the outage */
    free(shown);
    free(dat);

    dat = slurp(dir, "phases.dat", NULL);
    bool sampled;
    assert_int_equal(check_phase_points(tl, dat, &sampled), 2001);
    assert_true(sampled);
    free(dat);
    free(lines);
    plotter_free(p);
    remove_dir(dir);
    timeline_free(tl);
    sim_free(sim);
    scenario_free(scn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_are_png_svg_and_dumb),
        cmocka_unit_test(the_timeline_follows_each_identity_through_its_phases),
        cmocka_unit_test(the_timeline_renders_to_png_with_its_data),
        cmocka_unit_test(without_gnuplot_data_and_scripts_are_written_with_a_notice),
        cmocka_unit_test(the_recovery_plot_bins_the_replications_and_marks_quantiles),
        cmocka_unit_test(the_sweep_plot_has_one_block_per_series),
        cmocka_unit_test(the_phases_plot_counts_the_pods_in_each_phase),
        cmocka_unit_test(a_large_run_plots_the_identities_hit_longest_and_samples_phases),
    };
    return cmocka_run_group_tests(tests, run_node_loss, free_node_loss);
}
