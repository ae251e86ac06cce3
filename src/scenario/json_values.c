/* Values of the scenario format that are more than a JSON type: durations, latency
 * distributions, Kubernetes quantities, string maps, object names and taints. */
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/duration.h"
#include "util/util.h"

#define DURATION_EXPECTED "a duration such as \"90s\" or a number of seconds"

/* --- Durations ------------------------------------------------------------------------ */

int scn_duration_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t *out)
{
    const char *why = NULL;
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        if (duration_parse(v->valuestring, out, &why) == 0)
            return 0;
    } else if (cJSON_IsNumber(v)) {
        if (duration_from_seconds(v->valuedouble, out, &why) == 0)
            return 0;
    }
    return scn_fail_value(c, path, DURATION_EXPECTED, v);
}

int scn_get_duration(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                     int64_t *out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    return scn_duration_value(c, v, jp_key(sub, path, key), out);
}

int scn_get_period(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   int64_t *out)
{
    int64_t ns;
    int rc = scn_get_duration(c, obj, key, path, &ns);
    if (rc != 0)
        return rc;
    char sub[JP_MAX];
    if (ns <= 0)
        return scn_fail_value(c, jp_key(sub, path, key), "a duration above zero, such as \"10s\"",
                              scn_field(obj, key));
    *out = ns;
    return 0;
}

int scn_get_seconds(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                    int64_t min_s, int64_t *out_ns)
{
    int64_t sec;
    /* 9.2e9 s is the most that fits in int64_t nanoseconds. */
    int rc = scn_get_int(c, obj, key, path, min_s, INT64_C(9000000000), &sec);
    if (rc == 0)
        *out_ns = sec * INT64_C(1000000000);
    return rc;
}

/* --- Latency distributions ------------------------------------------------------------ */

static const char *const dist_names[] = {
    "constant", "uniform", "exponential", "lognormal", "gamma", "weibull", "empirical", NULL,
};

/* The fields each kind takes besides "dist" (the order of enum dist_kind). */
static const struct scn_field dist_fields[][4] = {
    [DIST_CONSTANT] = {{"dist", FIELD_USED}, {"value", FIELD_USED}, {NULL, FIELD_USED}},
    [DIST_UNIFORM] = {{"dist", FIELD_USED}, {"min", FIELD_USED}, {"max", FIELD_USED}, {NULL, FIELD_USED}},
    [DIST_EXPONENTIAL] = {{"dist", FIELD_USED}, {"mean", FIELD_USED}, {NULL, FIELD_USED}},
    [DIST_LOGNORMAL] = {{"dist", FIELD_USED},
                        {"median", FIELD_USED},
                        {"sigma", FIELD_USED},
                        {NULL, FIELD_USED}},
    [DIST_GAMMA] = {{"dist", FIELD_USED}, {"shape", FIELD_USED}, {"mean", FIELD_USED}, {NULL, FIELD_USED}},
    [DIST_WEIBULL] = {{"dist", FIELD_USED}, {"shape", FIELD_USED}, {"scale", FIELD_USED}, {NULL, FIELD_USED}},
    [DIST_EMPIRICAL] = {{"dist", FIELD_USED}, {"samples", FIELD_USED}, {NULL, FIELD_USED}},
};

static int need_duration(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                         int64_t *out)
{
    int rc = scn_get_duration(c, obj, key, path, out);
    char sub[JP_MAX];
    if (rc == 1)
        return scn_fail(c, jp_key(sub, path, key), DURATION_EXPECTED, "nothing");
    return rc;
}

static int need_positive(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                         double *out)
{
    char sub[JP_MAX];
    int rc = scn_get_number(c, obj, key, path, 0, INFINITY, out);
    if (rc == 1)
        return scn_fail(c, jp_key(sub, path, key), "a number above 0", "nothing");
    if (rc == 0 && !(*out > 0))
        return scn_fail_value(c, jp_key(sub, path, key), "a number above 0", scn_field(obj, key));
    return rc;
}

static int parse_dist(struct scn_ctx *c, const cJSON *v, const char *path, struct dist *d)
{
    int kind = 0;
    char sub[JP_MAX];
    int rc = scn_get_enum(c, v, "dist", path, dist_names, &kind);
    if (rc == 1)
        return scn_fail(c, jp_key(sub, path, "dist"),
                        "a distribution: constant, uniform, exponential, lognormal, gamma, "
                        "weibull or empirical",
                        "nothing");
    if (rc < 0)
        return -1;
    char what[64];
    snprintf(what, sizeof what, "a %s distribution", dist_names[kind]);
    if (scn_check_object(c, v, path, what, dist_fields[kind]) < 0)
        return -1;
    d->kind = (enum dist_kind)kind;
    switch (d->kind) {
    case DIST_CONSTANT: return need_duration(c, v, "value", path, &d->value);
    case DIST_UNIFORM:
        if (need_duration(c, v, "min", path, &d->min) < 0 ||
            need_duration(c, v, "max", path, &d->max) < 0)
            return -1;
        if (d->min > d->max)
            return scn_fail_value(c, jp_key(sub, path, "max"), "a max at least as large as min",
                                  scn_field(v, "max"));
        return 0;
    case DIST_EXPONENTIAL: return need_duration(c, v, "mean", path, &d->mean);
    case DIST_LOGNORMAL:
        if (need_duration(c, v, "median", path, &d->median) < 0)
            return -1;
        /* The median enters as log(median): zero has no logarithm. */
        if (d->median <= 0)
            return scn_fail_value(c, jp_key(sub, path, "median"), "a duration above zero",
                                  scn_field(v, "median"));
        rc = scn_get_number(c, v, "sigma", path, 0, 100, &d->sigma);
        if (rc == 1)
            return scn_fail(c, jp_key(sub, path, "sigma"), "a number from 0 to 100", "nothing");
        return rc;
    case DIST_GAMMA:
        if (need_positive(c, v, "shape", path, &d->shape) < 0)
            return -1;
        return need_duration(c, v, "mean", path, &d->mean);
    case DIST_WEIBULL:
        if (need_positive(c, v, "shape", path, &d->shape) < 0)
            return -1;
        return need_duration(c, v, "scale", path, &d->scale);
    case DIST_EMPIRICAL: {
        const cJSON *arr = NULL;
        rc = scn_get_array(c, v, "samples", path, &arr);
        jp_key(sub, path, "samples");
        if (rc < 0)
            return -1;
        int n = rc == 0 ? cJSON_GetArraySize(arr) : 0;
        if (n <= 0 || n > SCN_MAX_COUNT)
            return scn_fail(c, sub, "a non-empty array of at most 100000 durations",
                            n > 0 ? "%d samples" : "no samples", n);
        d->samples = xcalloc((size_t)n, sizeof *d->samples);
        char item[JP_MAX];
        const cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            if (scn_duration_value(c, it, jp_index(item, sub, d->nsamples),
                                   &d->samples[d->nsamples]) < 0)
                return -1;
            d->nsamples++;
        }
        return 0;
    }
    }
    return 0;
}

int scn_latency_value(struct scn_ctx *c, const cJSON *v, const char *path, struct dist *out)
{
    struct dist d = {.kind = DIST_CONSTANT};
    if (cJSON_IsObject(v)) {
        if (parse_dist(c, v, path, &d) < 0) {
            dist_fini(&d);
            return -1;
        }
    } else if (cJSON_IsString(v) || cJSON_IsNumber(v)) {
        if (scn_duration_value(c, v, path, &d.value) < 0)
            return -1;
    } else {
        return scn_fail_value(c, path,
                              "a duration or a distribution such as "
                              "{\"dist\": \"lognormal\", \"median\": \"8s\", \"sigma\": 0.4}",
                              v);
    }
    dist_fini(out);
    *out = d;
    return 0;
}

int scn_get_latency(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                    struct dist *out)
{
    const cJSON *v = scn_field(obj, key);
    if (v == NULL)
        return 1;
    char sub[JP_MAX];
    return scn_latency_value(c, v, jp_key(sub, path, key), out);
}

/* --- Quantities ----------------------------------------------------------------------- */

#define QUANTITY_MAX 4611686018427387904.0L /* 2^62: room to add without overflow */

/* A Kubernetes resource.Quantity ("500m", "1.5Gi", "1e3", "16G") times 10^scale10, rounded
 * up as Quantity.Value and MilliValue do. The digits are kept as an exact integer so that
 * "0.1" CPU is 100 millicores, not 100.00000000000001 rounded up to 101. */
static int quantity_parse(const char *s, int scale10, int64_t *out)
{
    static const struct {
        const char *suffix;
        int exp10;
        int exp2;
    } suffixes[] = {
        {"Ki", 0, 10}, {"Mi", 0, 20}, {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
        {"n", -9, 0},  {"u", -6, 0},  {"m", -3, 0},  {"", 0, 0},    {"k", 3, 0},   {"M", 6, 0},
        {"G", 9, 0},   {"T", 12, 0},  {"P", 15, 0},  {"E", 18, 0},
    };
    if (*s == '+')
        s++;
    uint64_t mant = 0;
    int digits = 0, frac = 0;
    bool any = false, point = false;
    for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
        if (*s == '.') {
            if (point)
                return -1;
            point = true;
            continue;
        }
        any = true;
        if (mant == 0 && *s == '0') {
            if (point)
                frac++;
            continue;
        }
        if (++digits > 18)
            return -1;
        mant = mant * 10 + (uint64_t)(*s - '0');
        if (point)
            frac++;
    }
    if (!any)
        return -1;
    int exp10 = 0, exp2 = 0;
    if ((*s == 'e' || *s == 'E') && s[1] != '\0') {
        char *end;
        long e = strtol(s + 1, &end, 10);
        if (*end != '\0' || end == s + 1 || e < -100 || e > 100)
            return -1;
        exp10 = (int)e;
    } else {
        size_t k = 0;
        while (k < ARRAY_LEN(suffixes) && strcmp(suffixes[k].suffix, s) != 0)
            k++;
        if (k == ARRAY_LEN(suffixes))
            return -1;
        exp10 = suffixes[k].exp10;
        exp2 = suffixes[k].exp2;
    }
    exp10 += scale10 - frac;
    long double v = ldexpl((long double)mant, exp2);
    if (exp10 >= 0)
        v *= powl(10.0L, (long double)exp10);
    else
        v /= powl(10.0L, (long double)-exp10);
    if (!(v <= QUANTITY_MAX))
        return -1;
    *out = (int64_t)ceill(v);
    return 0;
}

static int quantity_value(struct scn_ctx *c, const cJSON *v, const char *path, int scale10,
                          const char *expected, int64_t *out)
{
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        if (quantity_parse(v->valuestring, scale10, out) == 0)
            return 0;
    } else if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0) {
        double x = v->valuedouble * pow(10, scale10);
        if (x <= (double)QUANTITY_MAX) {
            /* A number that is whole up to rounding noise (0.1 * 1000) is that whole. */
            double r = nearbyint(x);
            *out = (int64_t)(fabs(x - r) < 1e-6 ? r : ceil(x));
            return 0;
        }
    }
    return scn_fail_value(c, path, expected, v);
}

int scn_cpu_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t *milli)
{
    return quantity_value(c, v, path, 3, "a CPU quantity such as \"500m\", \"2\" or 0.5", milli);
}

int scn_bytes_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t *bytes)
{
    return quantity_value(c, v, path, 0,
                          "a byte quantity such as \"16Gi\", \"512Mi\", \"1G\" or a number "
                          "of bytes",
                          bytes);
}

/* --- Maps and lists of strings -------------------------------------------------------- */

int scn_get_string_map(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                       struct kv **out, uint32_t *n)
{
    const cJSON *m = NULL;
    int rc = scn_get_object(c, obj, key, path, &m);
    if (rc != 0)
        return rc;
    char sub[JP_MAX], item[JP_MAX];
    jp_key(sub, path, key);
    int size = cJSON_GetArraySize(m);
    if (out != NULL) {
        *out = size > 0 ? xcalloc((size_t)size, sizeof **out) : NULL;
        *n = 0;
    }
    for (const cJSON *it = m->child; it; it = it->next) {
        const char *k = it->string ? it->string : "";
        jp_key(item, sub, k);
        for (const cJSON *prev = m->child; prev != it; prev = prev->next)
            if (prev->string && strcmp(prev->string, k) == 0)
                return scn_fail(c, item, "each key once in a map", "\"%s\" a second time", k);
        if (k[0] == '\0')
            return scn_fail(c, item, "a non-empty key", "\"\"");
        if (!cJSON_IsString(it) || it->valuestring == NULL)
            return scn_fail_value(c, item, "a string value (quote numbers and booleans)", it);
        if (out != NULL) {
            (*out)[*n].key = arena_strdup(c->s->arena, k);
            (*out)[*n].value = arena_strdup(c->s->arena, it->valuestring);
            (*n)++;
        }
    }
    return 0;
}

int scn_get_string_array(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                         const char ***out, uint32_t *n)
{
    const cJSON *a = NULL;
    int rc = scn_get_array(c, obj, key, path, &a);
    if (rc != 0)
        return rc;
    char sub[JP_MAX], item[JP_MAX];
    jp_key(sub, path, key);
    int size = cJSON_GetArraySize(a);
    if (out != NULL) {
        *out = size > 0 ? xcalloc((size_t)size, sizeof **out) : NULL;
        *n = 0;
    }
    size_t i = 0;
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        if (!cJSON_IsString(it) || it->valuestring == NULL)
            return scn_fail_value(c, jp_index(item, sub, i), "a string", it);
        if (out != NULL)
            (*out)[(*n)++] = arena_strdup(c->s->arena, it->valuestring);
    }
    return 0;
}

/* --- Names ---------------------------------------------------------------------------- */

static bool is_lower_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* An RFC 1123 label of at most max characters: [a-z0-9]([-a-z0-9]*[a-z0-9])?. */
static bool is_label(const char *s, size_t len, size_t max)
{
    if (len == 0 || len > max || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

int scn_check_name(struct scn_ctx *c, const char *path, const char *name, enum scn_name_kind kind,
                   const char *what)
{
    size_t len = strlen(name);
    bool ok = false;
    const char *rule = "";
    switch (kind) {
    case NAME_DNS_LABEL:
        ok = is_label(name, len, 63);
        rule = "lowercase letters, digits and '-', at most 63 characters";
        break;
    case NAME_DNS_1035:
        ok = is_label(name, len, 63) && name[0] >= 'a' && name[0] <= 'z';
        rule = "lowercase letters, digits and '-', starting with a letter, at most 63 "
               "characters";
        break;
    case NAME_DNS_SUBDOMAIN: {
        ok = len > 0 && len <= 253;
        const char *p = name;
        while (ok) {
            const char *dot = strchr(p, '.');
            size_t n = dot ? (size_t)(dot - p) : strlen(p);
            ok = is_label(p, n, 63);
            if (!dot)
                break;
            p = dot + 1;
        }
        rule = "lowercase letters, digits, '-' and '.', at most 253 characters";
        break;
    }
    }
    if (ok)
        return 0;
    char expected[200];
    snprintf(expected, sizeof expected, "%s: %s", what, rule);
    cJSON tmp = {.type = cJSON_String, .valuestring = (char *)name};
    return scn_fail_value(c, path, expected, &tmp);
}

/* --- Taints --------------------------------------------------------------------------- */

static const struct scn_field taint_fields[] = {
    {"key", FIELD_USED},          {"value", FIELD_USED}, {"effect", FIELD_USED},
    {"timeAdded", FIELD_IGNORED}, {NULL, FIELD_USED},
};

int scn_taint_value(struct scn_ctx *c, const cJSON *v, const char *path, struct taint *out)
{
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        char *buf = xstrdup(v->valuestring);
        const char *why = NULL;
        struct taint t;
        int rc = taint_parse(buf, &t, &why);
        if (rc == 0) {
            out->key = arena_strdup(c->s->arena, t.key);
            out->value = arena_strdup(c->s->arena, t.value);
            out->effect = t.effect;
        }
        free(buf);
        if (rc < 0)
            return scn_fail_value(c, path, why, v);
        return 0;
    }
    if (!cJSON_IsObject(v))
        return scn_fail_value(
            c, path, "a taint \"key=value:Effect\" or {\"key\", \"value\", \"effect\"}", v);
    if (scn_check_object(c, v, path, "a taint", taint_fields) < 0)
        return -1;
    static const char *const effects[] = {"", "NoSchedule", "PreferNoSchedule", "NoExecute", NULL};
    int effect = 0;
    out->value = "";
    if (scn_require_string(c, v, "key", path, "a non-empty taint key", &out->key) < 0 ||
        scn_get_string(c, v, "value", path, &out->value) < 0 ||
        scn_get_enum(c, v, "effect", path, effects, &effect) < 0)
        return -1;
    char sub[JP_MAX];
    if (effect == 0)
        return scn_fail_value(c, jp_key(sub, path, "effect"),
                              "an effect of NoSchedule, PreferNoSchedule or NoExecute",
                              scn_field(v, "effect"));
    out->effect = (enum taint_effect)effect;
    return 0;
}
