/* Unit tests of the trace writer's views on real scenario runs (found through the
 * SSSIM_SOURCE_DIR environment variable): the Chrome trace event JSON parses (cJSON, in the
 * test only), has a track per identity and per node and never overlaps two phases on one
 * track; the Mermaid gantt chart has a section per pod; JSON Lines is deterministic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe/history.h"
#include "observe/invariants.h"
#include "observe/trace.h"
#include "sim/sim.h"
#include "util/util.h"

#include "fixture.h"

/* The trace of one run in `fmt`, with the observers `sssim run` attaches. Caller frees. */
static char *trace_of(const char *scenario, enum trace_format fmt, size_t *len_out)
{
    struct scenario *scn = fixture_load(scenario);
    struct sim *sim = sim_new(scn, NULL);
    struct history *hist = history_new(sim);
    struct trace *t = trace_new(sim, fmt);
    struct invariants *inv = invariants_new(sim, hist);
    sim_run(sim);
    size_t len;
    const char *text = trace_text(t, &len);
    assert_int_equal(strlen(text), len);
    char *copy = xstrdup(text);
    /* A second call gives the same text (the views are built once). */
    size_t len2;
    assert_string_equal(trace_text(t, &len2), copy);
    assert_int_equal(len, len2);
    invariants_free(inv);
    trace_free(t);
    history_free(hist);
    sim_free(sim);
    scenario_free(scn);
    if (len_out)
        *len_out = len;
    return copy;
}

/* --- Chrome trace event format ---------------------------------------------------------- */

struct span {
    double start, end;
};

struct track {
    int pid, tid;
    char name[96];
    struct span *spans;
    size_t nspans, cap;
};

struct chrome {
    cJSON *root;
    struct track tracks[64];
    size_t ntracks;
    int pods_pid, nodes_pid;
    size_t instants_global, instants_thread;
};

static struct track *track_of(struct chrome *c, int pid, int tid)
{
    for (size_t i = 0; i < c->ntracks; i++)
        if (c->tracks[i].pid == pid && c->tracks[i].tid == tid)
            return &c->tracks[i];
    assert_true(c->ntracks < 64);
    struct track *t = &c->tracks[c->ntracks++];
    memset(t, 0, sizeof *t);
    t->pid = pid;
    t->tid = tid;
    return t;
}

static int num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsNumber(v));
    return v->valueint;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static void parse_chrome(const char *text, struct chrome *c)
{
    memset(c, 0, sizeof *c);
    c->root = cJSON_Parse(text);
    if (c->root == NULL)
        fail_msg("not JSON near: %.80s", cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(c->root, "traceEvents");
    assert_true(cJSON_IsArray(events));
    const cJSON *e;
    cJSON_ArrayForEach(e, events)
    {
        const char *ph = str(e, "ph");
        const char *name = str(e, "name");
        int pid = num(e, "pid");
        if (strcmp(ph, "M") == 0) {
            const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
            if (strcmp(name, "process_name") == 0) {
                const char *pname = str(args, "name");
                if (strcmp(pname, "pods") == 0)
                    c->pods_pid = pid;
                else if (strcmp(pname, "nodes") == 0)
                    c->nodes_pid = pid;
            } else if (strcmp(name, "thread_name") == 0) {
                struct track *t = track_of(c, pid, num(e, "tid"));
                snprintf(t->name, sizeof t->name, "%s", str(args, "name"));
            }
        } else if (strcmp(ph, "X") == 0) {
            const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "ts");
            const cJSON *dur = cJSON_GetObjectItemCaseSensitive(e, "dur");
            assert_true(cJSON_IsNumber(ts) && cJSON_IsNumber(dur));
            assert_true(dur->valuedouble > 0);
            struct track *t = track_of(c, pid, num(e, "tid"));
            struct span s = {ts->valuedouble, ts->valuedouble + dur->valuedouble};
            VEC_PUSH(t->spans, t->nspans, t->cap, s);
        } else if (strcmp(ph, "i") == 0) {
            const char *scope = str(e, "s");
            if (strcmp(scope, "g") == 0)
                c->instants_global++;
            else
                c->instants_thread++;
        } else {
            fail_msg("unexpected event phase \"%s\"", ph);
        }
    }
}

static void free_chrome(struct chrome *c)
{
    for (size_t i = 0; i < c->ntracks; i++)
        free(c->tracks[i].spans);
    cJSON_Delete(c->root);
}

static const struct track *named_track(const struct chrome *c, int pid, const char *name)
{
    for (size_t i = 0; i < c->ntracks; i++)
        if (c->tracks[i].pid == pid && strcmp(c->tracks[i].name, name) == 0)
            return &c->tracks[i];
    return NULL;
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* No two complete events of one track overlap (1 ns of slack for the decimal µs). */
static void assert_no_overlaps(struct chrome *c)
{
    for (size_t i = 0; i < c->ntracks; i++) {
        struct track *t = &c->tracks[i];
        qsort(t->spans, t->nspans, sizeof *t->spans, span_cmp);
        for (size_t k = 1; k < t->nspans; k++)
            if (t->spans[k].start < t->spans[k - 1].end - 1e-3)
                fail_msg("track %s (pid %d tid %d): [%f, %f] overlaps [%f, %f]", t->name, t->pid,
                         t->tid, t->spans[k - 1].start, t->spans[k - 1].end, t->spans[k].start,
                         t->spans[k].end);
    }
}

static void chrome_trace_has_a_track_per_identity_and_per_node_without_overlaps(void **state)
{
    (void)state;
    char *text = trace_of("node-loss", TRACE_CHROME, NULL);
    struct chrome c;
    parse_chrome(text, &c);
    assert_true(c.pods_pid > 0);
    assert_true(c.nodes_pid > 0);
    assert_int_not_equal(c.pods_pid, c.nodes_pid);
    const char *pods[] = {"web-0", "web-1", "web-2"};
    for (size_t i = 0; i < ARRAY_LEN(pods); i++) {
        const struct track *t = named_track(&c, c.pods_pid, pods[i]);
        if (t == NULL)
            fail_msg("no track for %s", pods[i]);
        assert_true(t->nspans >= 3); /* Pending, ContainerCreating, Ready at least */
    }
    const char *nodes[] = {"node-a", "node-b", "node-c"};
    for (size_t i = 0; i < ARRAY_LEN(nodes); i++) {
        const struct track *t = named_track(&c, c.nodes_pid, nodes[i]);
        if (t == NULL)
            fail_msg("no track for %s", nodes[i]);
        assert_true(t->nspans >= 1);
    }
    /* The node that crashed went Ready -> Unknown: two spans. */
    assert_int_equal(named_track(&c, c.nodes_pid, "node-a")->nspans, 2);
    assert_no_overlaps(&c);
    /* The crash is a global instant; the run ends at 40m = 2.4e9 us. */
    assert_int_equal(c.instants_global, 1);
    const struct track *w0 = named_track(&c, c.pods_pid, "web-0");
    assert_true(w0->spans[w0->nspans - 1].end == 2400000000.0);
    /* web-1 ends Terminating, never recreated. */
    assert_non_null(strstr(text, "\"name\":\"Terminating\""));
    free_chrome(&c);
    free(text);
}

static void chrome_trace_shows_the_split_brain(void **state)
{
    (void)state;
    char *text = trace_of("partition-force-delete", TRACE_CHROME, NULL);
    struct chrome c;
    parse_chrome(text, &c);
    assert_no_overlaps(&c);
    /* The force-deleted web-1 keeps running on its own track while the new one runs. */
    const struct track *orphan = named_track(&c, c.pods_pid, "web-1 (orphaned container)");
    assert_non_null(orphan);
    assert_int_equal(orphan->nspans, 1);
    const struct track *w1 = named_track(&c, c.pods_pid, "web-1");
    assert_non_null(w1);
    bool overlap_in_time = false;
    for (size_t i = 0; i < w1->nspans; i++)
        overlap_in_time |=
            w1->spans[i].start < orphan->spans[0].end && w1->spans[i].end > orphan->spans[0].start;
    assert_true(overlap_in_time);
    /* Each fault and the violation, global; the Multi-Attach error and the node's events
     * on their tracks. */
    struct scenario *scn = fixture_load("partition-force-delete");
    assert_int_equal(c.instants_global, scn->nfaults + 1);
    scenario_free(scn);
    assert_true(c.instants_thread >= 2);
    assert_non_null(strstr(text, "\"violation atMostOnePerIdentity\""));
    assert_non_null(strstr(text, "\"Multi-Attach error\""));
    free_chrome(&c);
    free(text);
}

/* --- Mermaid gantt ---------------------------------------------------------------------- */

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void mermaid_gantt_has_one_section_per_pod(void **state)
{
    (void)state;
    char *text = trace_of("node-loss", TRACE_MERMAID, NULL);
    assert_true(strncmp(text, "gantt\n", 6) == 0);
    assert_non_null(strstr(text, "\n    dateFormat X\n"));
    assert_non_null(strstr(text, "\n    axisFormat %M:%S\n"));
    assert_int_equal(count(text, "\n    section web-0\n"), 1);
    assert_int_equal(count(text, "\n    section web-1\n"), 1);
    assert_int_equal(count(text, "\n    section web-2\n"), 1);
    assert_int_equal(count(text, "\n    section "), 4); /* and the timeline's */
    assert_non_null(
        strstr(text, "    fault 0 nodeCrash node-a :milestone, crit, 120.000, 120.000\n"));
    assert_non_null(strstr(text, "    Terminating on node-a :crit, 475.632, 2400.000\n"));
    /* Every task line is "name :[tags, ]start, end" with a name free of ':'. */
    for (const char *line = strstr(text, "\n    section ") + 1; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        if (strncmp(line, "    section ", 12) != 0) {
            const char *colon = memchr(line, ':', (size_t)(end - line));
            assert_non_null(colon);
            assert_null(memchr(colon + 1, ':', (size_t)(end - colon - 1)));
            assert_non_null(memchr(colon, ',', (size_t)(end - colon)));
        }
        line = end + 1;
    }
    free(text);
}

/* --- JSON Lines and CSV ------------------------------------------------------------------ */

static void jsonl_is_the_same_bytes_for_the_same_seed(void **state)
{
    (void)state;
    size_t la, lb;
    char *a = trace_of("node-loss", TRACE_JSONL, &la);
    char *b = trace_of("node-loss", TRACE_JSONL, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_true(strncmp(a, "{\"t\":", 5) == 0);
    free(a);
    free(b);
    char *csv = trace_of("node-loss", TRACE_CSV, NULL);
    assert_true(strncmp(csv, "t,seq,kind,object,node,reason,message\n", 38) == 0);
    free(csv);
}

static void formats_parse_by_name(void **state)
{
    (void)state;
    assert_int_equal(trace_format_parse("jsonl"), TRACE_JSONL);
    assert_int_equal(trace_format_parse("csv"), TRACE_CSV);
    assert_int_equal(trace_format_parse("chrome"), TRACE_CHROME);
    assert_int_equal(trace_format_parse("mermaid"), TRACE_MERMAID);
    assert_int_equal(trace_format_parse("perfetto"), -1);
}

static void trace_write_writes_the_whole_view(void **state)
{
    (void)state;
    struct scenario *scn = fixture_load("node-loss");
    struct sim *sim = sim_new(scn, NULL);
    struct trace *t = trace_new(sim, TRACE_CHROME);
    sim_run(sim);
    const char *base = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/sssim-test-trace-%ld.json", base && *base ? base : "/tmp",
             (long)getpid());
    assert_int_equal(trace_write(t, path), 0);
    const char *err = NULL;
    size_t flen;
    char *file = read_file_all(path, &flen, &err);
    assert_non_null(file);
    size_t len;
    const char *text = trace_text(t, &len);
    assert_int_equal(flen, len);
    assert_memory_equal(file, text, len);
    free(file);
    unlink(path);
    trace_free(t);
    sim_free(sim);
    scenario_free(scn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chrome_trace_has_a_track_per_identity_and_per_node_without_overlaps),
        cmocka_unit_test(chrome_trace_shows_the_split_brain),
        cmocka_unit_test(mermaid_gantt_has_one_section_per_pod),
        cmocka_unit_test(jsonl_is_the_same_bytes_for_the_same_seed),
        cmocka_unit_test(formats_parse_by_name),
        cmocka_unit_test(trace_write_writes_the_whole_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
