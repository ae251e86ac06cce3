/* Plot data files, script copies and the gnuplot run. */
#include "observe/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "engine/duration.h"
#include "observe/stats.h"
#include "util/util.h"

extern char **environ;

struct plotter {
    char *dir;
    enum plot_format fmt;
    bool dir_ready;
    bool no_gnuplot; /* posix_spawnp found no gnuplot: do not try again */
    struct strbuf error;
    struct strbuf notice;
    struct strbuf text;
};

int plot_format_parse(const char *name)
{
    static const char *const names[] = {"png", "svg", "dumb"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

static const char *format_name(enum plot_format f)
{
    return f == PLOT_SVG ? "svg" : f == PLOT_DUMB ? "dumb" : "png";
}

static const char *format_ext(enum plot_format f)
{
    return f == PLOT_SVG ? "svg" : f == PLOT_DUMB ? "txt" : "png";
}

struct plotter *plotter_new(const char *dir, enum plot_format fmt)
{
    struct plotter *p = xcalloc(1, sizeof *p);
    p->dir = xstrdup(dir);
    p->fmt = fmt;
    strbuf_init(&p->error);
    strbuf_init(&p->notice);
    strbuf_init(&p->text);
    return p;
}

void plotter_free(struct plotter *p)
{
    if (p == NULL)
        return;
    strbuf_fini(&p->error);
    strbuf_fini(&p->notice);
    strbuf_fini(&p->text);
    free(p->dir);
    free(p);
}

const char *plotter_error(const struct plotter *p)
{
    return p->error.buf;
}

const char *plotter_notice(const struct plotter *p)
{
    return p->notice.len ? p->notice.buf : NULL;
}

const char *plotter_text(const struct plotter *p, size_t *len)
{
    if (len)
        *len = p->text.len;
    return p->text.buf;
}

static int fail(struct plotter *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct plotter *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_reset(&p->error);
    strbuf_vprintf(&p->error, fmt, ap);
    va_end(ap);
    return PLOT_ERROR;
}

/* --- Files ------------------------------------------------------------------------- */

/* mkdir -p: each missing component in turn. */
static int make_dirs(const char *dir)
{
    char *path = xstrdup(dir);
    int rc = 0;
    for (char *s = path + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *s = saved;
        if (saved == '\0')
            break;
    }
    free(path);
    if (rc != 0)
        return -1;
    struct stat st;
    if (stat(dir, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static char *path_join(const char *dir, const char *name)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return sb.buf;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where the scripts may be, most specific first (see plot.h). */
static void script_dirs(struct strbuf *list)
{
    const char *env = getenv("SSSIM_PLOTS_DIR");
    if (env && *env) {
        strbuf_puts(list, env);
        strbuf_putc(list, '\n');
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            strbuf_printf(list, "%s/../plots\n%s/../../plots\n%s/../share/sssim/plots\n", exe, exe,
                          exe);
        }
    }
#ifdef SSSIM_SOURCE_PLOTS_DIR
    strbuf_puts(list, SSSIM_SOURCE_PLOTS_DIR "\n");
#endif
    strbuf_puts(list, SSSIM_PLOTS_DIR "\n");
}

/* The text of plots/<file>; NULL with the error set when no directory has it. */
static char *read_script(struct plotter *p, const char *file, size_t *len)
{
    struct strbuf dirs;
    strbuf_init(&dirs);
    script_dirs(&dirs);
    char *text = NULL;
    for (char *line = dirs.buf, *nl; *line && text == NULL; line = nl + 1) {
        nl = strchr(line, '\n');
        *nl = '\0';
        char *path = path_join(line, file);
        const char *why;
        if (is_file(path))
            text = read_file_all(path, len, &why);
        free(path);
        *nl = '\n';
    }
    if (text == NULL) {
        for (char *s = dirs.buf; *s; s++)
            if (*s == '\n')
                *s = s[1] ? ',' : '\0';
        fail(p,
             "cannot find the gnuplot script '%s' (looked in %s); set SSSIM_PLOTS_DIR to "
             "the plots directory",
             file, dirs.buf);
    }
    strbuf_fini(&dirs);
    return text;
}

/* A gnuplot string literal: single quotes, a quote doubled. */
static void gp_string(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_putc(sb, '\'');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '\'');
}

/* A quoted field of a data file. gnuplot has no escape inside "...": a double quote
 * becomes a single one, a line break a space. */
static void dat_string(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s; s++)
        strbuf_putc(sb, *s == '"' ? '\'' : (*s == '\n' || *s == '\t') ? ' ' : *s);
    strbuf_putc(sb, '"');
}

/* Text inside a data file's comment line: a line break would end the comment. */
static void dat_comment(struct strbuf *sb, const char *s)
{
    for (; *s; s++)
        strbuf_putc(sb, *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void dat_number(struct strbuf *sb, double v)
{
    if (isnan(v) || isinf(v))
        strbuf_puts(sb, "NaN");
    else
        strbuf_printf(sb, "%.6g", v);
}

static void dat_seconds(struct strbuf *sb, int64_t ns)
{
    strbuf_printf(sb, "%.3f", ns_to_sec(ns));
}

/* A word for a POSIX shell, quoted only when it needs to be. */
static void shell_word(struct strbuf *sb, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "_-+./:=,@%") == strlen(s)) {
        strbuf_puts(sb, s);
        return;
    }
    strbuf_putc(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_puts(sb, "'\\''");
        else
            strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '\'');
}

/* A double-quoted shell word: the -e argument reads as gnuplot code that way. */
static void shell_dquoted(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        if (strchr("\"$`\\", *s))
            strbuf_putc(sb, '\\');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

/* --- Running gnuplot ---------------------------------------------------------------- */

enum spawn_result { SPAWN_RAN, SPAWN_NOT_FOUND, SPAWN_FAILED };

/* gnuplot -d -e VARS SCRIPT, its standard output sent to our standard error so that it
 * never mixes with a summary or trace on standard output, standard input empty. */
static enum spawn_result run_gnuplot(struct plotter *p, const char *vars, const char *script)
{
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0) {
        fail(p, "cannot run gnuplot: %s", strerror(rc));
        return SPAWN_FAILED;
    }
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    char *argv[] = {"gnuplot", "-d", "-e", (char *)vars, (char *)script, NULL};
    pid_t pid;
    rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc == ENOENT)
        return SPAWN_NOT_FOUND;
    if (rc != 0) {
        fail(p, "cannot run gnuplot: %s", strerror(rc));
        return SPAWN_FAILED;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fail(p, "cannot wait for gnuplot: %s", strerror(errno));
            return SPAWN_FAILED;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return SPAWN_RAN;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return SPAWN_NOT_FOUND; /* a shell-script wrapper that could not exec */
    if (WIFEXITED(status))
        fail(p, "gnuplot failed on '%s' (exit status %d; its messages are above)", script,
             WEXITSTATUS(status));
    else
        fail(p, "gnuplot failed on '%s' (killed by signal %d)", script,
             WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return SPAWN_FAILED;
}

static void set_vars(struct strbuf *sb, const char *data, const char *out, enum plot_format f)
{
    strbuf_puts(sb, "datafile=");
    gp_string(sb, data);
    strbuf_puts(sb, "; outfile=");
    gp_string(sb, out);
    strbuf_puts(sb, "; fmt=");
    gp_string(sb, format_name(f));
}

/* Write DIR/NAME.dat and DIR/NAME.gp (plots/SCRIPT with defaults in front), then render
 * DIR/NAME.<ext> through a temporary so that a failed run leaves no half image. */
static int render(struct plotter *p, const char *name, const char *script,
                  const struct strbuf *data)
{
    if (!p->dir_ready) {
        if (make_dirs(p->dir) != 0)
            return fail(p, "cannot create plot directory '%s': %s", p->dir, strerror(errno));
        p->dir_ready = true;
    }
    struct strbuf fname;
    strbuf_init(&fname);
    strbuf_printf(&fname, "%s.dat", name);
    char *data_path = path_join(p->dir, fname.buf);
    strbuf_reset(&fname);
    strbuf_printf(&fname, "%s.gp", name);
    char *gp_path = path_join(p->dir, fname.buf);
    strbuf_reset(&fname);
    strbuf_printf(&fname, "%s.%s", name, format_ext(p->fmt));
    char *out_path = path_join(p->dir, fname.buf);
    strbuf_reset(&fname);
    strbuf_printf(&fname, ".%s.%s.tmp", name, format_ext(p->fmt));
    char *tmp_path = path_join(p->dir, fname.buf);
    strbuf_fini(&fname);

    int rc = PLOT_ERROR;
    struct strbuf copy, vars;
    strbuf_init(&copy);
    strbuf_init(&vars);
    size_t slen = 0;
    char *text = NULL;
    if (write_file_atomic(data_path, data->buf, data->len) != 0) {
        fail(p, "cannot write '%s': %s", data_path, strerror(errno));
        goto out_free;
    }
    text = read_script(p, script, &slen);
    if (text == NULL)
        goto out_free;
    /* Defaults first, so that `gnuplot DIR/NAME.gp` renders alone and -e still wins. */
    strbuf_printf(&copy, "# Written by sssim from plots/%s; render with gnuplot %s.gp\n", script,
                  name);
    const char *keys[] = {"datafile", "outfile", "fmt"};
    const char *vals[] = {data_path, out_path, format_name(p->fmt)};
    for (size_t i = 0; i < 3; i++) {
        strbuf_printf(&copy, "if (!exists(\"%s\")) %s = ", keys[i], keys[i]);
        gp_string(&copy, vals[i]);
        strbuf_putc(&copy, '\n');
    }
    strbuf_putc(&copy, '\n');
    strbuf_add(&copy, text, slen);
    if (write_file_atomic(gp_path, copy.buf, copy.len) != 0) {
        fail(p, "cannot write '%s': %s", gp_path, strerror(errno));
        goto out_free;
    }

    enum spawn_result sr = SPAWN_NOT_FOUND;
    if (!p->no_gnuplot) {
        set_vars(&vars, data_path, tmp_path, p->fmt);
        sr = run_gnuplot(p, vars.buf, gp_path);
    }
    if (sr == SPAWN_NOT_FOUND) {
        p->no_gnuplot = true;
        if (p->notice.len == 0) {
            strbuf_reset(&vars);
            set_vars(&vars, data_path, out_path, p->fmt);
            strbuf_puts(&p->notice, "gnuplot not found; data and scripts are in ");
            strbuf_puts(&p->notice, p->dir);
            strbuf_puts(&p->notice, " (render with: gnuplot -e ");
            shell_dquoted(&p->notice, vars.buf);
            strbuf_putc(&p->notice, ' ');
            shell_word(&p->notice, gp_path);
            strbuf_putc(&p->notice, ')');
        }
        rc = PLOT_NO_GNUPLOT;
        goto out_free;
    }
    if (sr != SPAWN_RAN) {
        unlink(tmp_path);
        goto out_free;
    }
    if (rename(tmp_path, out_path) != 0) {
        fail(p, "cannot write '%s': %s", out_path, strerror(errno));
        unlink(tmp_path);
        goto out_free;
    }
    if (p->fmt == PLOT_DUMB) {
        size_t tlen;
        const char *why;
        char *plot = read_file_all(out_path, &tlen, &why);
        if (plot == NULL) {
            fail(p, "cannot read '%s': %s", out_path, why);
            goto out_free;
        }
        strbuf_add(&p->text, plot, tlen);
        free(plot);
    }
    rc = PLOT_OK;
out_free:
    free(text);
    strbuf_fini(&copy);
    strbuf_fini(&vars);
    free(data_path);
    free(gp_path);
    free(out_path);
    free(tmp_path);
    return rc;
}

/* --- The timeline ------------------------------------------------------------------- */

/* The marks block of the timeline and phases data: seconds fault "label" applied. */
static void marks_data(const struct timeline *tl, struct strbuf *o)
{
    for (uint32_t m = 0; m < tl->nmarks; m++) {
        dat_seconds(o, tl->marks[m].at);
        strbuf_printf(o, " %u ", tl->marks[m].fault);
        dat_string(o, tl->marks[m].label);
        strbuf_printf(o, " %d\n", tl->marks[m].applied ? 1 : 0);
    }
}

/* The timeline shows at most this many identities: beyond, bars are too thin to read, and
 * the image outgrows what cairo draws (32,767 pixels, about 800 rows). */
#define TIMELINE_MAX_ROWS 100

/* When the first fault or operator action came; the start of the run if none did. */
static int64_t first_mark(const struct timeline *tl)
{
    int64_t t = tl->nmarks ? tl->marks[0].at : 0;
    for (uint32_t m = 1; m < tl->nmarks; m++)
        t = tl->marks[m].at < t ? tl->marks[m].at : t;
    return t;
}

struct row_pick {
    int64_t not_ready;
    uint32_t rank; /* position in display order */
};

static int by_not_ready_desc(const void *pa, const void *pb)
{
    const struct row_pick *a = pa, *b = pb;
    if (a->not_ready != b->not_ready)
        return a->not_ready > b->not_ready ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static int by_rank(const void *pa, const void *pb)
{
    const struct row_pick *a = pa, *b = pb;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

/* The rows the timeline shows, in display order (StatefulSet, then ordinal) into rows[]
 * (tl->nrows entries); returns how many. On a larger run, the TIMELINE_MAX_ROWS identities
 * longest without a Ready Pod from the first fault on: those the fault hit hardest. */
static uint32_t timeline_rows_shown(const struct timeline *tl, uint32_t *rows)
{
    timeline_sorted_rows(tl, rows);
    if (tl->nrows <= TIMELINE_MAX_ROWS)
        return tl->nrows;
    int64_t from = first_mark(tl);
    struct row_pick *picks = xmalloc(tl->nrows * sizeof *picks);
    for (uint32_t r = 0; r < tl->nrows; r++)
        picks[r] = (struct row_pick){timeline_not_ready(tl, rows[r], from), r};
    qsort(picks, tl->nrows, sizeof *picks, by_not_ready_desc);
    qsort(picks, TIMELINE_MAX_ROWS, sizeof *picks, by_rank);
    /* In place: the i-th smallest rank is at least i, so no entry is read after it was
     * overwritten. */
    for (uint32_t i = 0; i < TIMELINE_MAX_ROWS; i++)
        rows[i] = rows[picks[i].rank];
    free(picks);
    return TIMELINE_MAX_ROWS;
}

/* "node-loss (seed 1)", or on a larger run "... (seed 1): the 100 of 79997 identities
 * longest not Ready after 10m0s". */
static void timeline_title(const struct timeline *tl, uint32_t shown, struct strbuf *o)
{
    strbuf_printf(o, "%s (seed %llu)", tl->scenario, (unsigned long long)tl->seed);
    if (shown == tl->nrows)
        return;
    char from[32];
    duration_format(first_mark(tl), from, sizeof from);
    strbuf_printf(o, ": the %u of %u identities longest not Ready after %s", shown, tl->nrows,
                  from);
}

/* Blocks (gnuplot `index`), separated by two blank lines:
 *   0 meta: end_seconds nrows nmarks "title"
 *   1 rows: row "identity"
 *   2 segments: row start end phase "phase name" "identity"
 *   3 incarnations: row start end "node" uid
 *   4 marks: seconds fault "label" applied
 * Rows count from 0 at the top (web-0); nrows counts the rows shown. */
static void timeline_data(const struct timeline *tl, struct strbuf *o)
{
    uint32_t *order = xcalloc(tl->nrows ? tl->nrows : 1, sizeof *order);
    uint32_t shown = timeline_rows_shown(tl, order);
    strbuf_puts(o, "# sssim timeline of ");
    dat_comment(o, tl->scenario);
    strbuf_printf(o, ", seed %llu; times in seconds from the start\n",
                  (unsigned long long)tl->seed);
    strbuf_puts(o, "# index 0, meta: end rows marks title\n");
    dat_seconds(o, tl->end);
    strbuf_printf(o, " %u %u ", shown, tl->nmarks);
    struct strbuf title;
    strbuf_init(&title);
    timeline_title(tl, shown, &title);
    dat_string(o, title.buf);
    strbuf_fini(&title);

    strbuf_puts(o, "\n\n\n# index 1, rows: row identity\n");
    for (uint32_t r = 0; r < shown; r++) {
        strbuf_printf(o, "%u ", r);
        dat_string(o, tl->rows[order[r]].name);
        strbuf_putc(o, '\n');
    }

    strbuf_puts(o, "\n\n# index 2, segments: row start end phase phase_name identity\n");
    for (uint32_t r = 0; r < shown; r++) {
        const struct tl_row *row = &tl->rows[order[r]];
        for (uint32_t i = 0; i < row->nincs; i++)
            for (uint32_t s = 0; s < row->incs[i].nsegs; s++) {
                const struct tl_segment *seg = &row->incs[i].segs[s];
                int64_t end = seg->end == TIME_NEVER ? tl->end : seg->end;
                strbuf_printf(o, "%u ", r);
                dat_seconds(o, seg->start);
                strbuf_putc(o, ' ');
                dat_seconds(o, end);
                strbuf_printf(o, " %d ", (int)seg->phase);
                dat_string(o, tl_phase_name(seg->phase));
                strbuf_putc(o, ' ');
                dat_string(o, row->name);
                strbuf_putc(o, '\n');
            }
    }

    strbuf_puts(o, "\n\n# index 3, incarnations: row start end node uid\n");
    for (uint32_t r = 0; r < shown; r++) {
        const struct tl_row *row = &tl->rows[order[r]];
        for (uint32_t i = 0; i < row->nincs; i++) {
            const struct tl_incarnation *inc = &row->incs[i];
            strbuf_printf(o, "%u ", r);
            dat_seconds(o, inc->start);
            strbuf_putc(o, ' ');
            dat_seconds(o, inc->end == TIME_NEVER ? tl->end : inc->end);
            strbuf_putc(o, ' ');
            dat_string(o, inc->node ? inc->node : "(unscheduled)");
            strbuf_printf(o, " %u\n", inc->pod);
        }
    }

    strbuf_puts(o, "\n\n# index 4, marks: seconds fault label applied\n");
    marks_data(tl, o);
    free(order);
}

int plot_timeline(struct plotter *p, const struct timeline *tl)
{
    if (tl->end == TIME_NEVER)
        return fail(p, "the timeline is still open (the run has not ended)");
    struct strbuf data;
    strbuf_init(&data);
    timeline_data(tl, &data);
    int rc = render(p, "timeline", "timeline.gp", &data);
    strbuf_fini(&data);
    return rc;
}

/* --- Pods by phase ------------------------------------------------------------------ */

/* A run with more moments of change than this is drawn from PHASES_SAMPLES + 1 evenly
 * spaced instants instead (a point per pixel and more); a smaller one exactly, as steps. */
#define PHASES_EXACT_MAX 4000
#define PHASES_SAMPLES 2000

/* One segment's start (+1) or end (-1) in its phase. */
struct phase_change {
    int64_t at;
    int32_t delta;
    uint8_t phase;
};

static int by_time(const void *pa, const void *pb)
{
    const struct phase_change *a = pa, *b = pb;
    return (a->at > b->at) - (a->at < b->at);
}

static void phases_row(struct strbuf *o, int64_t at, const int64_t *count)
{
    dat_seconds(o, at);
    for (int k = 0; k < TL_PHASE_COUNT; k++)
        strbuf_printf(o, " %lld", (long long)count[k]);
    strbuf_putc(o, '\n');
}

/* Blocks:
 *   0 meta: end_seconds npoints nmarks peak "title"  (peak: the most pods at one time)
 *   1 points: seconds, then the pods in each phase (enum tl_phase order)
 *   2 marks: seconds fault "label" applied */
static void phases_data(const struct timeline *tl, struct strbuf *o)
{
    size_t n = 0, segs = 0;
    for (uint32_t r = 0; r < tl->nrows; r++)
        for (uint32_t i = 0; i < tl->rows[r].nincs; i++)
            segs += tl->rows[r].incs[i].nsegs;
    struct phase_change *ch = xmalloc((2 * segs + 1) * sizeof *ch);
    for (uint32_t r = 0; r < tl->nrows; r++)
        for (uint32_t i = 0; i < tl->rows[r].nincs; i++) {
            const struct tl_incarnation *inc = &tl->rows[r].incs[i];
            for (uint32_t s = 0; s < inc->nsegs; s++) {
                const struct tl_segment *seg = &inc->segs[s];
                int64_t end = seg->end == TIME_NEVER ? tl->end : seg->end;
                if (end <= seg->start)
                    continue;
                ch[n++] = (struct phase_change){seg->start, +1, (uint8_t)seg->phase};
                /* What the end of the run closed is still there at the end. */
                if (end < tl->end)
                    ch[n++] = (struct phase_change){end, -1, (uint8_t)seg->phase};
            }
        }
    qsort(ch, n, sizeof *ch, by_time);
    size_t moments = 0;
    for (size_t i = 0; i < n; i++)
        moments += i == 0 || ch[i].at != ch[i - 1].at;

    /* The points: each moment twice (before and after its changes) so that lines between
     * points draw steps; or the counts at evenly spaced instants. */
    struct strbuf pts;
    strbuf_init(&pts);
    int64_t count[TL_PHASE_COUNT] = {0}, peak = 0;
    size_t npoints = 0;
    bool exact = moments <= PHASES_EXACT_MAX;
    size_t i = 0;
    if (exact) {
        phases_row(&pts, 0, count);
        npoints++;
    }
    for (size_t step = 0; exact ? i < n : step <= PHASES_SAMPLES; step++) {
        int64_t at = exact ? ch[i].at : (int64_t)((double)tl->end * (double)step / PHASES_SAMPLES);
        if (exact && at > 0) {
            phases_row(&pts, at, count);
            npoints++;
        }
        for (; i < n && ch[i].at <= at; i++)
            count[ch[i].phase] += ch[i].delta;
        int64_t total = 0;
        for (int k = 0; k < TL_PHASE_COUNT; k++)
            total += count[k];
        peak = total > peak ? total : peak;
        phases_row(&pts, at, count);
        npoints++;
    }
    if (exact && (n == 0 || ch[n - 1].at < tl->end)) {
        phases_row(&pts, tl->end, count);
        npoints++;
    }
    free(ch);

    strbuf_puts(o, "# sssim pods by phase of ");
    dat_comment(o, tl->scenario);
    strbuf_printf(o, ", seed %llu; times in seconds from the start\n",
                  (unsigned long long)tl->seed);
    strbuf_puts(o, "# index 0, meta: end points marks peak title\n");
    dat_seconds(o, tl->end);
    strbuf_printf(o, " %zu %u %lld ", npoints, tl->nmarks, (long long)peak);
    struct strbuf title;
    strbuf_init(&title);
    strbuf_printf(&title, "%s (seed %llu): StatefulSet Pods by phase, %u identities", tl->scenario,
                  (unsigned long long)tl->seed, tl->nrows);
    dat_string(o, title.buf);
    strbuf_fini(&title);
    strbuf_printf(o, "\n\n\n# index 1, points (%s): seconds", exact ? "exact" : "sampled");
    for (int k = 0; k < TL_PHASE_COUNT; k++) {
        strbuf_putc(o, ' ');
        dat_string(o, tl_phase_name((enum tl_phase)k));
    }
    strbuf_putc(o, '\n');
    strbuf_add(o, pts.buf, pts.len);
    strbuf_fini(&pts);
    strbuf_puts(o, "\n\n# index 2, marks: seconds fault label applied\n");
    marks_data(tl, o);
}

int plot_phases(struct plotter *p, const struct timeline *tl)
{
    if (tl->end == TIME_NEVER)
        return fail(p, "the timeline is still open (the run has not ended)");
    struct strbuf data;
    strbuf_init(&data);
    phases_data(tl, &data);
    int rc = render(p, "phases", "phases.gp", &data);
    strbuf_fini(&data);
    return rc;
}

int plot_run(struct plotter *p, const struct timeline *tl)
{
    int rc = plot_timeline(p, tl);
    if (rc == PLOT_ERROR)
        return rc;
    int prc = plot_phases(p, tl);
    return prc != PLOT_OK ? prc : rc;
}

/* --- Distributions ------------------------------------------------------------------ */

size_t plot_histogram_bins(size_t finite)
{
    if (finite == 0)
        return 0;
    size_t k = (size_t)ceil(sqrt((double)finite));
    return k < 1 ? 1 : k > 50 ? 50 : k;
}

/* The empirical CDF is drawn from at most this many points: enough for a smooth step
 * line, small enough for a million replications. */
#define ECDF_POINTS 2000

/* Blocks:
 *   0 meta: n never p50 p99 mean "title"
 *   1 histogram: lo hi count
 *   2 ecdf: seconds fraction (sorted; fraction of all finite values <= seconds) */
int plot_distribution(struct plotter *p, const char *name, const char *title, const double *seconds,
                      size_t n)
{
    double *v = xmalloc((n ? n : 1) * sizeof *v);
    memcpy(v, seconds, n * sizeof *v);
    struct stats st;
    stats_compute(v, n, &st); /* v[0..st.n) is now the sorted finite values */

    struct strbuf o;
    strbuf_init(&o);
    /* The meta row holds no NaN (-1 when n is 0): gnuplot's stats drops a row with one. */
    strbuf_printf(&o,
                  "# sssim distribution: %s; seconds\n# index 0, meta: n never p50 p99 "
                  "mean title\n%zu %zu ",
                  name, st.n, st.never);
    const double meta[] = {st.p50, st.p99, st.mean};
    for (size_t i = 0; i < ARRAY_LEN(meta); i++) {
        dat_number(&o, st.n ? meta[i] : -1.0);
        strbuf_putc(&o, ' ');
    }
    dat_string(&o, title);

    size_t k = plot_histogram_bins(st.n);
    strbuf_printf(&o, "\n\n\n# index 1, histogram (%zu bins): lo hi count\n", k);
    if (k > 0) {
        double lo = st.min, hi = st.max;
        if (hi <= lo) {
            lo -= 0.5;
            hi += 0.5;
        }
        double w = (hi - lo) / (double)k;
        size_t *counts = xcalloc(k, sizeof *counts);
        for (size_t i = 0; i < st.n; i++) {
            size_t b = (size_t)((v[i] - lo) / w);
            counts[b >= k ? k - 1 : b]++;
        }
        for (size_t b = 0; b < k; b++) {
            dat_number(&o, lo + w * (double)b);
            strbuf_putc(&o, ' ');
            dat_number(&o, b + 1 == k ? hi : lo + w * (double)(b + 1));
            strbuf_printf(&o, " %zu\n", counts[b]);
        }
        free(counts);
    }

    strbuf_puts(&o, "\n\n# index 2, ecdf: seconds fraction\n");
    size_t points = st.n < ECDF_POINTS ? st.n : ECDF_POINTS;
    for (size_t j = 0; j < points; j++) {
        size_t i =
            points == st.n ? j : (size_t)((double)j * (double)(st.n - 1) / (double)(points - 1));
        dat_number(&o, v[i]);
        strbuf_putc(&o, ' ');
        dat_number(&o, (double)(i + 1) / (double)st.n);
        strbuf_putc(&o, '\n');
    }
    free(v);
    int rc = render(p, name, "recovery.gp", &o);
    strbuf_fini(&o);
    return rc;
}

/* --- Sweeps ------------------------------------------------------------------------- */

static bool parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || errno || isnan(d) || isinf(d))
        return false;
    *out = d;
    return true;
}

/* A value as given to --set: maybe a JSON string ("\"40s\""); the quotes go. */
static char *unquote(const char *s)
{
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
        return xstrndup(s + 1, len - 2);
    return xstrdup(s);
}

/* Where the values go on the x axis: numbers as they are, else durations in seconds,
 * else evenly spaced in the order given. Returns the unit for the axis label. */
static const char *x_positions(const struct plot_sweep *s, double *x)
{
    bool numbers = true, durations = true;
    for (size_t i = 0; i < s->nx; i++) {
        char *u = unquote(s->xvalues[i]);
        int64_t ns;
        const char *why;
        if (!parse_number(u, &x[i]))
            numbers = false;
        if (duration_parse(u, &ns, &why) != 0)
            durations = false;
        free(u);
    }
    if (numbers)
        return "";
    for (size_t i = 0; i < s->nx; i++) {
        char *u = unquote(s->xvalues[i]);
        int64_t ns = 0;
        const char *why;
        if (durations && duration_parse(u, &ns, &why) == 0)
            x[i] = ns_to_sec(ns);
        else
            x[i] = (double)i;
        free(u);
    }
    return durations ? " (s)" : "";
}

/* Blocks:
 *   0 meta: nseries ymax "title" "xlabel" (ymax: the largest value, 0 if none)
 *   1.. one per series: a header line ("<series> p50" "<series> p99" x xvalue), then
 *       x p50 p99 "xvalue" per value of the swept parameter. */
int plot_sweep(struct plotter *p, const char *name, const struct plot_sweep *s)
{
    double *x = xcalloc(s->nx ? s->nx : 1, sizeof *x);
    const char *unit = x_positions(s, x);
    struct strbuf o, label;
    strbuf_init(&o);
    strbuf_init(&label);
    strbuf_puts(&o, "# sssim sweep: recovery seconds (p50, p99) against the swept parameter\n"
                    "# index 0, meta: nseries ymax title xlabel\n");
    double ymax = 0.0;
    for (size_t i = 0; i < s->nseries * s->nx; i++) {
        if (isfinite(s->p50[i]) && s->p50[i] > ymax)
            ymax = s->p50[i];
        if (isfinite(s->p99[i]) && s->p99[i] > ymax)
            ymax = s->p99[i];
    }
    strbuf_printf(&o, "%zu ", s->nseries);
    dat_number(&o, ymax);
    strbuf_putc(&o, ' ');
    dat_string(&o, s->title ? s->title : "");
    strbuf_putc(&o, ' ');
    strbuf_printf(&label, "%s%s", s->xlabel ? s->xlabel : "", unit);
    dat_string(&o, label.buf);
    strbuf_putc(&o, '\n');
    for (size_t k = 0; k < s->nseries; k++) {
        const char *series = s->series && s->series[k] && s->series[k][0] ? s->series[k] : NULL;
        strbuf_printf(&o, "\n\n# index %zu, series %zu\n", k + 1, k);
        strbuf_reset(&label);
        strbuf_printf(&label, "%s%sp50", series ? series : "", series ? " " : "");
        dat_string(&o, label.buf);
        strbuf_putc(&o, ' ');
        strbuf_reset(&label);
        strbuf_printf(&label, "%s%sp99", series ? series : "", series ? " " : "");
        dat_string(&o, label.buf);
        strbuf_puts(&o, " \"x\" \"value\"\n");
        for (size_t i = 0; i < s->nx; i++) {
            dat_number(&o, x[i]);
            strbuf_putc(&o, ' ');
            dat_number(&o, s->p50[k * s->nx + i]);
            strbuf_putc(&o, ' ');
            dat_number(&o, s->p99[k * s->nx + i]);
            strbuf_putc(&o, ' ');
            char *u = unquote(s->xvalues[i]);
            dat_string(&o, u);
            free(u);
            strbuf_putc(&o, '\n');
        }
    }
    free(x);
    int rc = render(p, name, "sweep.gp", &o);
    strbuf_fini(&o);
    strbuf_fini(&label);
    return rc;
}
