/* --set PATH=VALUE overrides, applied to the JSON tree before it is read, so that an
 * overridden value is validated exactly like one written in the file. */
#include "scenario/scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define MAX_SEGMENTS 64

struct segment {
    bool is_index;
    size_t index;
    char *key; /* malloc'd */
};

static void free_segments(struct segment *seg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(seg[i].key);
}

/* Split "objects[0].spec.replicas" (or "$.a[\"b.c\"]") into segments. -1 if malformed. */
static int split_path(const char *p, struct segment *seg, size_t *nseg)
{
    size_t n = 0;
    if (p[0] == '$')
        p += p[1] == '.' ? 2 : 1;
    while (*p) {
        if (n == MAX_SEGMENTS)
            goto out_bad;
        struct segment *s = &seg[n];
        *s = (struct segment){0};
        if (p[0] == '[' && p[1] == '"') {
            const char *q = p + 2;
            struct strbuf sb;
            strbuf_init(&sb);
            for (; *q && *q != '"'; q++) {
                if (*q == '\\' && q[1] != '\0')
                    q++;
                strbuf_putc(&sb, *q);
            }
            if (q[0] != '"' || q[1] != ']') {
                strbuf_fini(&sb);
                goto out_bad;
            }
            s->key = sb.buf;
            p = q + 2;
        } else if (p[0] == '[') {
            char *end;
            if (p[1] < '0' || p[1] > '9')
                goto out_bad;
            unsigned long long i = strtoull(p + 1, &end, 10);
            if (*end != ']' || i > 100000000)
                goto out_bad;
            s->is_index = true;
            s->index = (size_t)i;
            p = end + 1;
        } else {
            size_t len = strcspn(p, ".[");
            if (len == 0)
                goto out_bad;
            s->key = xstrndup(p, len);
            p += len;
        }
        n++;
        /* After a segment: the end, ".key", "[i]" or "[\"key\"]". */
        if (*p == '.') {
            p++;
            if (*p == '\0' || *p == '.' || *p == '[')
                goto out_bad;
        } else if (*p != '\0' && *p != '[') {
            goto out_bad;
        }
    }
    *nseg = n;
    return n > 0 ? 0 : -1;
out_bad:
    free_segments(seg, n);
    *nseg = 0;
    return -1;
}

/* Sections whose absence means "all defaults": a --set into them creates them, so that
 * sweeping kubernetes.nodeMonitorGracePeriod works on a scenario without a kubernetes
 * block. Any other missing parent is an error. */
static bool creatable(size_t depth, const struct segment *seg)
{
    static const char *const top[] = {"kubernetes", "timings", "expect", NULL};
    if (seg[depth].is_index)
        return false;
    if (depth == 0) {
        for (size_t i = 0; top[i]; i++)
            if (strcmp(seg[0].key, top[i]) == 0)
                return true;
        return false;
    }
    return depth == 1 && !seg[0].is_index && strcmp(seg[0].key, "kubernetes") == 0 &&
           strcmp(seg[1].key, "featureGates") == 0;
}

static void append_path(char *buf, const struct segment *s)
{
    char tmp[JP_MAX];
    snprintf(tmp, sizeof tmp, "%s", buf);
    if (s->is_index)
        jp_index(buf, tmp, s->index);
    else
        jp_key(buf, tmp, s->key);
}

/* The value: JSON if it parses as JSON ("3", "true", "{\"dist\": ...}"), else a string
 * ("50s"), so that durations need no quoting on a command line. The text is checked as a
 * file's is: UTF-8, no escaped NUL, integers exact. NULL on error. */
static cJSON *override_value(struct scn_ctx *c, const char *text, const char *where)
{
    size_t len = strlen(text);
    size_t bad = scn_utf8_check(text, len);
    if (bad < len) {
        scn_fail(c, where, "UTF-8 text", "byte 0x%02x at column %zu of the value",
                 (unsigned char)text[bad], bad + 1);
        return NULL;
    }
    cJSON *v = NULL;
    if (len > 0)
        v = scn_json_parse(text, len + 1, NULL);
    if (v != NULL && scn_json_check_tree(c, v, text, len, where) < 0) {
        cJSON_Delete(v);
        return NULL;
    }
    if (v == NULL)
        v = cJSON_CreateString(text);
    if (v == NULL)
        abort(); /* cJSON could not allocate: as fatal as xmalloc failing */
    return v;
}

static int apply_one(struct scn_ctx *c, cJSON *root, const struct scn_override *o)
{
    char where[JP_MAX + 8];
    snprintf(where, sizeof where, "--set %s", o->path ? o->path : "");
    struct segment seg[MAX_SEGMENTS];
    size_t n = 0;
    if (o->path == NULL || o->value == NULL || split_path(o->path, seg, &n) < 0)
        return scn_fail(c, where,
                        "a path such as kubernetes.nodeMonitorGracePeriod or "
                        "objects[0].spec.replicas",
                        "\"%s\"", o->path ? o->path : "");
    int rc = 0;
    char so_far[JP_MAX] = "$";
    cJSON *parent = root;
    for (size_t i = 0; i + 1 < n && rc == 0; i++) {
        cJSON *child = NULL;
        if (seg[i].is_index && cJSON_IsArray(parent))
            child = cJSON_GetArrayItem(parent, (int)seg[i].index);
        else if (!seg[i].is_index && cJSON_IsObject(parent))
            child = cJSON_GetObjectItemCaseSensitive(parent, seg[i].key);
        else
            rc = scn_fail(c, where, seg[i].is_index ? "an array to index" : "an object",
                          "%s is not %s", so_far, seg[i].is_index ? "an array" : "an object");
        append_path(so_far, &seg[i]);
        if (rc == 0 && (child == NULL || cJSON_IsNull(child))) {
            if (!creatable(i, seg)) {
                rc = scn_fail(c, where, "a path whose parent exists in the scenario", "no %s",
                              so_far);
                break;
            }
            child = cJSON_CreateObject();
            if (child == NULL)
                abort();
            if (cJSON_GetObjectItemCaseSensitive(parent, seg[i].key) != NULL)
                cJSON_ReplaceItemInObjectCaseSensitive(parent, seg[i].key, child);
            else
                cJSON_AddItemToObject(parent, seg[i].key, child);
        }
        parent = child;
    }
    cJSON *value = NULL;
    if (rc == 0 && (value = override_value(c, o->value, where)) == NULL)
        rc = -1;
    if (rc == 0) {
        const struct segment *last = &seg[n - 1];
        if (last->is_index) {
            size_t size = cJSON_IsArray(parent) ? (size_t)cJSON_GetArraySize(parent) : 0;
            if (!cJSON_IsArray(parent))
                rc = scn_fail(c, where, "an array to index", "%s is not an array", so_far);
            else if (last->index > size)
                rc = scn_fail(c, where, "an index of an existing element, or one past the end",
                              "[%zu] of %s, which has %zu elements", last->index, so_far, size);
            else if (last->index == size)
                cJSON_AddItemToArray(parent, value);
            else
                cJSON_ReplaceItemInArray(parent, (int)last->index, value);
        } else if (!cJSON_IsObject(parent)) {
            rc = scn_fail(c, where, "an object", "%s is not an object", so_far);
        } else if (cJSON_GetObjectItemCaseSensitive(parent, last->key) != NULL) {
            cJSON_ReplaceItemInObjectCaseSensitive(parent, last->key, value);
        } else {
            cJSON_AddItemToObject(parent, last->key, value);
        }
        if (rc != 0)
            cJSON_Delete(value); /* not placed in the tree */
    }
    free_segments(seg, n);
    return rc;
}

int scn_apply_overrides(struct scn_ctx *c, cJSON *root, const struct scn_override *ov, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (apply_one(c, root, &ov[i]) < 0)
            return -1;
    return 0;
}
