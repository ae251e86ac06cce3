/* JSON paths, error reporting and typed access to the fields of a cJSON tree, for the
 * scenario loader. Every accessor checks the cJSON type before it reads a value. */
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

/* --- Paths ---------------------------------------------------------------------------- */

static bool is_identifier(const char *k)
{
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_' || *k == '$'))
        return false;
    for (k++; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_' || *k == '$'))
            return false;
    return true;
}

const char *jp_key(char *buf, const char *parent, const char *key)
{
    if (is_identifier(key)) {
        snprintf(buf, JP_MAX, "%s.%s", parent, key);
        return buf;
    }
    /* Keys such as "app.kubernetes.io/name" would be ambiguous after a dot. */
    size_t n = (size_t)snprintf(buf, JP_MAX, "%s[\"", parent);
    for (const char *k = key; *k && n + 8 < JP_MAX; k++) {
        if (*k == '"' || *k == '\\')
            buf[n++] = '\\';
        buf[n++] = (unsigned char)*k < 0x20 ? '?' : *k;
    }
    if (n + 3 <= JP_MAX) {
        buf[n++] = '"';
        buf[n++] = ']';
    }
    buf[n < JP_MAX ? n : JP_MAX - 1] = '\0';
    return buf;
}

const char *jp_index(char *buf, const char *parent, size_t i)
{
    snprintf(buf, JP_MAX, "%s[%zu]", parent, i);
    return buf;
}

/* --- Errors --------------------------------------------------------------------------- */

/* The error is one line whatever the input held: control characters become spaces. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

int scn_fail(struct scn_ctx *c, const char *path, const char *expected, const char *found_fmt, ...)
{
    if (c->failed)
        return -1;
    c->failed = true;
    snprintf(c->err->path, sizeof c->err->path, "%s", path);
    snprintf(c->err->expected, sizeof c->err->expected, "%s", expected);
    c->err->found[0] = '\0';
    if (found_fmt != NULL) {
        va_list ap;
        va_start(ap, found_fmt);
        vsnprintf(c->err->found, sizeof c->err->found, found_fmt, ap);
        va_end(ap);
    }
    one_line(c->err->path);
    one_line(c->err->expected);
    one_line(c->err->found);
    return -1;
}

/* The shortest "%.Ng" that reads back as x: 1.31, not 1.3100000000000001. */
static void shortest_double(double x, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

void scn_describe(const cJSON *v, char *buf, size_t size)
{
    if (size == 0)
        return;
    if (v == NULL) {
        snprintf(buf, size, "nothing");
    } else if (cJSON_IsString(v) && v->valuestring != NULL) {
        /* Quoted and cut at 60 bytes: enough to recognise a value, short enough for one
         * line. */
        size_t n = 0;
        const char *p = v->valuestring;
        buf[n++] = '"';
        for (; *p && n + 6 < size && p - v->valuestring < 60; p++) {
            if (*p == '"' || *p == '\\')
                buf[n++] = '\\';
            buf[n++] = (unsigned char)*p < 0x20 ? '?' : *p;
        }
        if (*p && n + 4 < size) {
            memcpy(buf + n, "...", 3);
            n += 3;
        }
        if (n + 1 < size)
            buf[n++] = '"';
        buf[n] = '\0';
    } else if (cJSON_IsNumber(v)) {
        double x = v->valuedouble;
        if (!isfinite(x))
            snprintf(buf, size, "a number out of range");
        else if (x == floor(x) && fabs(x) < 1e15)
            snprintf(buf, size, "%.0f", x);
        else
            shortest_double(x, buf, size);
    } else if (cJSON_IsTrue(v)) {
        snprintf(buf, size, "true");
    } else if (cJSON_IsFalse(v)) {
        snprintf(buf, size, "false");
    } else if (cJSON_IsNull(v)) {
        snprintf(buf, size, "null");
    } else if (cJSON_IsArray(v)) {
        snprintf(buf, size, v->child ? "an array" : "an empty array");
    } else if (cJSON_IsObject(v)) {
        snprintf(buf, size, v->child ? "an object" : "an empty object");
    } else {
        snprintf(buf, size, "an unknown value");
    }
}

int scn_fail_value(struct scn_ctx *c, const char *path, const char *expected, const cJSON *v)
{
    char found[128];
    scn_describe(v, found, sizeof found);
    return scn_fail(c, path, expected, "%s", found);
}

void scn_ignore(struct scn_ctx *c, const char *path)
{
    struct scenario *s = c->s;
    for (uint32_t i = 0; i < s->nignored; i++)
        if (strcmp(s->ignored[i], path) == 0)
            return;
    VEC_PUSH(s->ignored, s->nignored, c->ignored_cap, arena_strdup(s->arena, path));
}

void scn_warn(struct scn_ctx *c, const char *fmt, ...)
{
    struct scenario *s = c->s;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    one_line(buf);
    VEC_PUSH(s->warnings, s->nwarnings, c->warnings_cap, arena_strdup(s->arena, buf));
}

/* --- Fields of an object -------------------------------------------------------------- */

/* Edit distance, for "did you mean": names are short, so the quadratic table is cheap. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *scn_suggest(const char *key, const struct scn_field *fields)
{
    const char *best = NULL;
    size_t best_d = 3; /* more than two edits away is no longer a typo */
    for (const struct scn_field *f = fields; f->name; f++) {
        size_t d = strcasecmp(key, f->name) == 0 ? 0 : edit_distance(key, f->name);
        if (d < best_d) {
            best_d = d;
            best = f->name;
        }
    }
    return best;
}

int scn_check_object(struct scn_ctx *c, const cJSON *v, const char *path, const char *what,
                     const struct scn_field *fields)
{
    char expected[160];
    if (!cJSON_IsObject(v)) {
        snprintf(expected, sizeof expected, "%s (a JSON object)", what);
        return scn_fail_value(c, path, expected, v);
    }
    char sub[JP_MAX];
    for (const cJSON *it = v->child; it; it = it->next) {
        const char *key = it->string ? it->string : "";
        jp_key(sub, path, key);
        /* cJSON keeps both copies of a repeated key and reads the first: refuse it rather
         * than let the second silently lose. */
        for (const cJSON *prev = v->child; prev != it; prev = prev->next)
            if (prev->string && strcmp(prev->string, key) == 0)
                return scn_fail(c, sub, "each field once in an object", "\"%s\" a second time",
                                key);
        const struct scn_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (f->name == NULL) {
            snprintf(expected, sizeof expected, "a known field of %s", what);
            const char *near = scn_suggest(key, fields);
            if (near)
                return scn_fail(c, sub, expected, "unknown field \"%s\" (did you mean \"%s\"?)",
                                key, near);
            return scn_fail(c, sub, expected, "unknown field \"%s\"", key);
        }
        if (f->use == FIELD_IGNORED)
            scn_ignore(c, sub);
    }
    return 0;
}

/* --- Typed values --------------------------------------------------------------------- */

const cJSON *scn_field(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    /* A Kubernetes client writes null for an unset optional field: read it as absent. */
    if (v == NULL || cJSON_IsNull(v))
        return NULL;
    return v;
}

int scn_get_object(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   const cJSON **out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    if (!cJSON_IsObject(v))
        return scn_fail_value(c, jp_key(sub, path, key), "an object", v);
    *out = v;
    return 0;
}

int scn_get_array(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                  const cJSON **out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    if (!cJSON_IsArray(v))
        return scn_fail_value(c, jp_key(sub, path, key), "an array", v);
    *out = v;
    return 0;
}

int scn_string_value(struct scn_ctx *c, const cJSON *v, const char *path, const char **out)
{
    if (!cJSON_IsString(v) || v->valuestring == NULL)
        return scn_fail_value(c, path, "a string", v);
    *out = arena_strdup(c->s->arena, v->valuestring);
    return 0;
}

int scn_get_string(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   const char **out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    return scn_string_value(c, v, jp_key(sub, path, key), out);
}

int scn_require_string(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                       const char *what, const char **out)
{
    const cJSON *v = scn_field(obj, key);
    char sub[JP_MAX];
    jp_key(sub, path, key);
    if (v == NULL || !cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0')
        return scn_fail_value(c, sub, what, v);
    *out = arena_strdup(c->s->arena, v->valuestring);
    return 0;
}

int scn_get_bool(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path, bool *out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    if (!cJSON_IsBool(v))
        return scn_fail_value(c, jp_key(sub, path, key), "true or false", v);
    *out = cJSON_IsTrue(v);
    return 0;
}

int scn_int_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t min, int64_t max,
                  int64_t *out)
{
    char expected[96];
    if (min == 0 && (double)max >= SCN_MAX_SAFE_INT)
        snprintf(expected, sizeof expected, "a non-negative integer");
    else if (min == 1 && (double)max >= SCN_MAX_SAFE_INT)
        snprintf(expected, sizeof expected, "a positive integer");
    else
        snprintf(expected, sizeof expected, "an integer from %lld to %lld", (long long)min,
                 (long long)max);
    if (!cJSON_IsNumber(v))
        return scn_fail_value(c, path, expected, v);
    double x = v->valuedouble;
    /* 9007199254740993 arrives as 2^53: only the literal tells (scn_json_check_tree). */
    if (scn_inexact_integer(v))
        return scn_fail(c, path, expected, "%s (not exactly representable: read as %.0f)",
                        v->valuestring, x);
    /* The comparisons are in double: the bounds used here are all exact as doubles, and a
     * value beyond 2^53 is refused before it could lose digits in the conversion. */
    if (!isfinite(x) || x != floor(x) || x < (double)min || x > (double)max ||
        fabs(x) > SCN_MAX_SAFE_INT)
        return scn_fail_value(c, path, expected, v);
    *out = (int64_t)x;
    return 0;
}

int scn_get_int(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path, int64_t min,
                int64_t max, int64_t *out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    return scn_int_value(c, v, jp_key(sub, path, key), min, max, out);
}

int scn_get_int32(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                  int32_t min, int32_t max, int32_t *out)
{
    int64_t x;
    int rc = scn_get_int(c, obj, key, path, min, max, &x);
    if (rc == 0)
        *out = (int32_t)x;
    return rc;
}

int scn_get_number(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   double min, double max, double *out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX], expected[96];
    jp_key(sub, path, key);
    if (isinf(max))
        snprintf(expected, sizeof expected, "a number of at least %g", min);
    else
        snprintf(expected, sizeof expected, "a number from %g to %g", min, max);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < min ||
        v->valuedouble > max)
        return scn_fail_value(c, sub, expected, v);
    *out = v->valuedouble;
    return 0;
}

int scn_get_enum(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                 const char *const *names, int *out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    jp_key(sub, path, key);
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        for (int i = 0; names[i]; i++)
            if (strcmp(names[i], v->valuestring) == 0) {
                *out = i;
                return 0;
            }
    }
    char expected[200];
    size_t n = (size_t)snprintf(expected, sizeof expected, "one of");
    for (int i = 0; names[i] && n < sizeof expected; i++)
        n += (size_t)snprintf(expected + n, sizeof expected - n, "%s %s",
                              i == 0         ? ""
                              : names[i + 1] ? ","
                                             : " or",
                              names[i]);
    return scn_fail_value(c, sub, expected, v);
}
