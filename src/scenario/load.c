/* Loading a scenario: the file, the JSON text, the top level of the v1 format, and freeing.
 * The parts of the format are read by parse_*.c; the cJSON tree is deleted before return. */
#include "scenario/scenario_internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

/* cJSON_ParseWithLengthOpts resets and sets a global error slot on every call, so two
 * threads parsing at once would race on it even though neither reads it. This lock is the
 * one piece of process-wide state in the loader; it exists only to serialise that write. */
static pthread_mutex_t cjson_parse_lock = PTHREAD_MUTEX_INITIALIZER;

cJSON *scn_json_parse(const char *text, size_t len, const char **end)
{
    const char *stop = text;
    pthread_mutex_lock(&cjson_parse_lock);
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &stop, true);
    pthread_mutex_unlock(&cjson_parse_lock);
    if (end != NULL)
        *end = stop;
    return root;
}

/* --- Whole-file errors ---------------------------------------------------------------- */

static void line_column(const char *text, size_t offset, size_t *line, size_t *col)
{
    size_t l = 1, start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = offset - start + 1;
}

/* "end of input at line 3, column 7" or "'}' at line 2, column 1". */
static int fail_at(struct scn_ctx *c, const char *expected, const char *text, size_t len,
                   size_t offset)
{
    size_t line, col;
    line_column(text, offset < len ? offset : len, &line, &col);
    if (offset >= len)
        return scn_fail(c, "", expected, "end of input at line %zu, column %zu", line, col);
    unsigned char ch = (unsigned char)text[offset];
    if (ch >= 0x20 && ch < 0x7f)
        return scn_fail(c, "", expected, "'%c' at line %zu, column %zu", ch, line, col);
    return scn_fail(c, "", expected, "byte 0x%02x at line %zu, column %zu", ch, line, col);
}

static bool all_space(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)text[i]))
            return false;
    return true;
}

/* Parse the text into a cJSON object, or fill the error with where the JSON went wrong. */
static cJSON *parse_text(struct scn_ctx *c, const char *json, size_t len)
{
    if (all_space(json, len)) {
        fail_at(c, "a JSON object", json, len, len);
        return NULL;
    }
    const char *nul = memchr(json, '\0', len);
    if (nul != NULL) {
        fail_at(c, "valid JSON text", json, len, (size_t)(nul - json));
        return NULL;
    }
    /* JSON text is UTF-8 (RFC 8259); names from it are written into JSON outputs. */
    size_t bad = scn_utf8_check(json, len);
    if (bad < len) {
        fail_at(c, "UTF-8 text", json, len, bad);
        return NULL;
    }
    /* The terminating NUL is passed as part of the buffer: cJSON then stops on it at the
     * true end of a truncated document instead of reporting its last byte. */
    char *buf = xmalloc(len + 1);
    memcpy(buf, json, len);
    buf[len] = '\0';
    const char *end = buf;
    cJSON *root = scn_json_parse(buf, len + 1, &end);
    if (root == NULL) {
        size_t off = end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
        const char *expected = "valid JSON";
        scn_json_locate(buf, len, &off, &expected);
        fail_at(c, expected, buf, len, off);
        free(buf);
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        char found[128];
        scn_describe(root, found, sizeof found);
        scn_fail(c, "", "a JSON object at the top level", "%s", found);
        goto out_delete_tree;
    }
    if (scn_json_check_tree(c, root, buf, len, "$") < 0)
        goto out_delete_tree;
    free(buf);
    return root;

out_delete_tree:
    cJSON_Delete(root);
    free(buf);
    return NULL;
}

/* --- Top level ------------------------------------------------------------------------ */

static const struct scn_field top_fields[] = {
    {"name", FIELD_USED},       {"description", FIELD_USED}, {"seed", FIELD_USED},
    {"until", FIELD_USED},      {"maxEvents", FIELD_USED},   {"cluster", FIELD_USED},
    {"kubernetes", FIELD_USED}, {"timings", FIELD_USED},     {"objects", FIELD_USED},
    {"faults", FIELD_USED},     {"expect", FIELD_USED},      {NULL, FIELD_USED},
};

/* The file's base name without its extension: "scenarios/node-loss.json" -> "node-loss". */
static const char *default_name(struct arena *a, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot != NULL && dot != base)
        n = (size_t)(dot - base);
    if (n == 0 || strcmp(base, "-") == 0)
        return "scenario";
    char *tmp = xstrndup(base, n);
    /* The name goes into JSON outputs: a byte of a file name that is not UTF-8 becomes
     * '?', as the text of a scenario must be UTF-8. */
    size_t bad;
    while ((bad = scn_utf8_check(tmp, n)) < n)
        tmp[bad] = '?';
    const char *name = arena_strdup(a, tmp);
    free(tmp);
    return name;
}

static int parse_top(struct scn_ctx *c, const cJSON *root)
{
    struct scenario *s = c->s;
    if (scn_check_object(c, root, "$", "a scenario", top_fields) < 0)
        return -1;
    int64_t seed = 1, max_events = 50000000;
    s->name = default_name(s->arena, s->file);
    s->until = 40 * 60 * NS_PER_SEC;
    if (scn_get_string(c, root, "name", "$", &s->name) < 0 ||
        scn_get_string(c, root, "description", "$", &s->description) < 0 ||
        scn_get_int(c, root, "seed", "$", 0, (int64_t)SCN_MAX_SAFE_INT, &seed) < 0 ||
        scn_get_duration(c, root, "until", "$", &s->until) < 0 ||
        scn_get_int(c, root, "maxEvents", "$", 1, (int64_t)SCN_MAX_SAFE_INT, &max_events) < 0)
        return -1;
    if (s->description == NULL)
        s->description = "";
    s->seed = (uint64_t)seed;
    s->max_events = (uint64_t)max_events;
    if (scn_parse_cluster(c, root) < 0 || scn_parse_kubernetes(c, root) < 0 ||
        scn_parse_timings(c, root) < 0 || scn_parse_objects(c, root) < 0 ||
        scn_parse_faults(c, root) < 0 || scn_parse_expect(c, root) < 0)
        return -1;
    return 0;
}

/* --- Entry points --------------------------------------------------------------------- */

static struct scenario *scenario_new(const char *file)
{
    struct scenario *s = xcalloc(1, sizeof *s);
    s->arena = arena_new();
    s->file = arena_strdup(s->arena, file);
    s->expect.invariants = (1u << INV_COUNT) - 1;
    return s;
}

struct scenario *scenario_parse(const char *file, const char *json, size_t len,
                                const struct scn_override *overrides, size_t noverrides,
                                struct scn_error *err)
{
    if (file == NULL)
        file = "";
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", file);
    struct scenario *s = scenario_new(file);
    struct scn_ctx c = {.s = s, .err = err};
    cJSON *root = parse_text(&c, json != NULL ? json : "", json != NULL ? len : 0);
    if (root == NULL)
        goto out_free_scenario;
    if (scn_apply_overrides(&c, root, overrides, noverrides) < 0 || parse_top(&c, root) < 0)
        goto out_delete_tree;
    cJSON_Delete(root);
    return s;

out_delete_tree:
    cJSON_Delete(root);
out_free_scenario:
    scenario_free(s);
    return NULL;
}

struct scenario *scenario_load(const char *file, const struct scn_override *overrides,
                               size_t noverrides, struct scn_error *err)
{
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", file != NULL ? file : "");
    if (file == NULL || file[0] == '\0') {
        snprintf(err->expected, sizeof err->expected, "a scenario file name");
        snprintf(err->found, sizeof err->found, "an empty name");
        return NULL;
    }
    size_t len = 0;
    const char *why = NULL;
    char *text = read_file_all(file, &len, &why);
    if (text == NULL) {
        snprintf(err->expected, sizeof err->expected, "a readable scenario file");
        if (why != NULL && strncmp(why, "is a directory", 14) == 0) {
            snprintf(err->found, sizeof err->found, "a directory");
        } else {
            /* strerror capitalises; messages here start in lowercase. */
            snprintf(err->found, sizeof err->found, "%s", why != NULL ? why : "an error");
            err->found[0] = (char)tolower((unsigned char)err->found[0]);
        }
        return NULL;
    }
    struct scenario *s = scenario_parse(file, text, len, overrides, noverrides, err);
    free(text);
    return s;
}

static void free_template(struct scn_pod_template *t)
{
    free(t->labels);
    free(t->containers);
    free(t->tolerations);
    free(t->node_selector);
    free(t->zones);
}

void scenario_free(struct scenario *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < s->nnodes; i++) {
        free(s->nodes[i].labels);
        free(s->nodes[i].taints);
    }
    free(s->nodes);
    for (uint32_t i = 0; i < s->nstatefulsets; i++) {
        /* Copies made by sssim.io/copies share the arrays of the set before them. */
        if (i > 0 && s->statefulsets[i].template_.containers != NULL &&
            s->statefulsets[i].template_.containers == s->statefulsets[i - 1].template_.containers)
            continue;
        free(s->statefulsets[i].selector);
        free_template(&s->statefulsets[i].template_);
        free(s->statefulsets[i].claims);
    }
    free(s->statefulsets);
    free(s->services);
    for (uint32_t i = 0; i < s->nstorage_classes; i++)
        free(s->storage_classes[i].zones);
    free(s->storage_classes);
    for (uint32_t i = 0; i < s->nfaults; i++)
        dist_fini(&s->faults[i].boot_time);
    free(s->faults);
    free(s->expect.metrics);
    free(s->ignored);
    free(s->warnings);
    struct dist *timings[] = {
        &s->timings.watch,       &s->timings.schedule,     &s->timings.provision,
        &s->timings.attach,      &s->timings.detach,       &s->timings.mount,
        &s->timings.unmount,     &s->timings.image_pull,   &s->timings.container_start,
        &s->timings.app_startup, &s->timings.app_shutdown, &s->timings.node_boot,
    };
    for (size_t i = 0; i < ARRAY_LEN(timings); i++)
        dist_fini(timings[i]);
    arena_free(s->arena);
    free(s);
}
