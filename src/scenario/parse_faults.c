/* The scenario's timeline (faults[]) and its expectations (expect), with the lookups that
 * tie them to the cluster and the StatefulSets: nodes, zones, pods, claims, containers. */
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/duration.h"
#include "util/util.h"

/* --- Lookups -------------------------------------------------------------------------- */

int scn_find_statefulset(const struct scenario *s, const char *name)
{
    for (uint32_t i = 0; i < s->nstatefulsets; i++)
        if (strcmp(s->statefulsets[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* A canonical ordinal: digits without a leading zero (upstream names pods "%s-%d"), at
 * most nine of them (so it fits in int32_t). */
static bool parse_ordinal(const char *p, int32_t *out)
{
    size_t n = strspn(p, "0123456789");
    if (n == 0 || p[n] != '\0' || n > 9 || (p[0] == '0' && n > 1))
        return false;
    *out = (int32_t)strtol(p, NULL, 10);
    return true;
}

int scn_find_pod(const struct scenario *s, const char *pod, uint32_t *set, int32_t *ordinal,
                 char *why, size_t why_size)
{
    /* A set whose name is a prefix of another's ("db" and "db-1", as sssim.io/copies
     * makes) does not own "db-1-0": keep looking for the set the ordinal fits. */
    bool failed = false;
    for (uint32_t i = 0; i < s->nstatefulsets; i++) {
        const struct scn_statefulset *ss = &s->statefulsets[i];
        size_t n = strlen(ss->name);
        if (strncmp(pod, ss->name, n) != 0 || pod[n] != '-')
            continue;
        int32_t ord;
        if (!parse_ordinal(pod + n + 1, &ord)) {
            if (!failed)
                snprintf(why, why_size, "the ordinal \"%s\" is not a number", pod + n + 1);
            failed = true;
            continue;
        }
        if (ord < ss->ordinals_start) {
            snprintf(why, why_size, "ordinal %d is below ordinals.start %d of %s", ord,
                     ss->ordinals_start, ss->name);
            return -1;
        }
        *set = i;
        *ordinal = ord;
        return 0;
    }
    if (failed)
        return -1;
    const char *dash = strrchr(pod, '-');
    if (dash == NULL || dash == pod)
        snprintf(why, why_size, "not of the form <statefulset>-<ordinal>");
    else
        snprintf(why, why_size, "no StatefulSet \"%.*s\" in objects", (int)(dash - pod), pod);
    return -1;
}

/* A claim "<template>-<set>-<ordinal>" of an existing set and claim template. */
static bool find_claim(const struct scenario *s, const char *claim)
{
    for (uint32_t i = 0; i < s->nstatefulsets; i++) {
        const struct scn_statefulset *ss = &s->statefulsets[i];
        for (uint32_t k = 0; k < ss->nclaims; k++) {
            size_t tn = strlen(ss->claims[k].name), sn = strlen(ss->name);
            int32_t ord;
            if (strncmp(claim, ss->claims[k].name, tn) == 0 && claim[tn] == '-' &&
                strncmp(claim + tn + 1, ss->name, sn) == 0 && claim[tn + 1 + sn] == '-' &&
                parse_ordinal(claim + tn + sn + 2, &ord) && ord >= ss->ordinals_start)
                return true;
        }
    }
    return false;
}

static int need_pod(struct scn_ctx *c, const char *pod, const char *path, uint32_t *set)
{
    char why[200];
    int32_t ord;
    if (scn_find_pod(c->s, pod, set, &ord, why, sizeof why) < 0)
        return scn_fail(c, path, "a pod \"<statefulset>-<ordinal>\" of a StatefulSet in objects",
                        "\"%s\" (%s)", pod, why);
    return 0;
}

/* --- faults[] ------------------------------------------------------------------------- */

enum {
    F_NODE = 1 << 0,
    F_ZONE = 1 << 1,
    F_TAINT = 1 << 2,
    F_POD = 1 << 3,
    F_CONTAINER = 1 << 4,
    F_TIMES = 1 << 5,
    F_FOR = 1 << 6,
    F_STS = 1 << 7,
    F_REPLICAS = 1 << 8,
    F_IMAGE = 1 << 9,
    F_CLAIM = 1 << 10,
    F_BOOT = 1 << 11,
};

/* The fields each kind takes besides at and do (the table of docs/scenario-format.md). */
static unsigned fields_of(enum fault_do d)
{
    switch (d) {
    case DO_NODE_RECOVER: return F_NODE | F_BOOT;
    case DO_ZONE_OUTAGE: return F_ZONE;
    case DO_ZONE_RECOVER: return F_ZONE | F_BOOT;
    case DO_TAINT:
    case DO_UNTAINT: return F_NODE | F_TAINT;
    case DO_POD_DELETE:
    case DO_POD_FORCE_DELETE: return F_POD;
    case DO_CONTAINER_CRASH: return F_POD | F_CONTAINER | F_TIMES | F_FOR;
    case DO_SCALE: return F_STS | F_REPLICAS;
    case DO_UPDATE_IMAGE: return F_STS | F_IMAGE | F_CONTAINER;
    case DO_VOLUME_LOSS: return F_CLAIM;
    default: return F_NODE;
    }
}

static const struct {
    unsigned bit;
    const char *name;
} field_names[] = {
    {F_NODE, "node"},           {F_ZONE, "zone"},   {F_TAINT, "taint"}, {F_POD, "pod"},
    {F_CONTAINER, "container"}, {F_TIMES, "times"}, {F_FOR, "for"},     {F_STS, "statefulSet"},
    {F_REPLICAS, "replicas"},   {F_IMAGE, "image"}, {F_CLAIM, "claim"}, {F_BOOT, "bootTime"},
};

static const struct scn_field hosting_fields[] = {
    {"hosting", FIELD_USED},
    {NULL, FIELD_USED},
};

static int parse_node_ref(struct scn_ctx *c, const cJSON *v, const char *path, struct scn_fault *f)
{
    const char *expected = "a node name or {\"hosting\": \"<pod>\"}";
    if (v == NULL)
        return scn_fail(c, path, expected, "nothing");
    if (cJSON_IsString(v) && v->valuestring != NULL) {
        for (uint32_t i = 0; i < c->s->nnodes; i++)
            if (strcmp(c->s->nodes[i].name, v->valuestring) == 0) {
                f->node = c->s->nodes[i].name;
                return 0;
            }
        return scn_fail(c, path, "the name of a node of the cluster", "\"%s\"", v->valuestring);
    }
    if (!cJSON_IsObject(v))
        return scn_fail_value(c, path, expected, v);
    uint32_t set;
    char sub[JP_MAX];
    if (scn_check_object(c, v, path, "a node reference", hosting_fields) < 0 ||
        scn_require_string(c, v, "hosting", path, "a pod name such as \"web-1\"", &f->hosting) <
            0 ||
        need_pod(c, f->hosting, jp_key(sub, path, "hosting"), &set) < 0)
        return -1;
    return 0;
}

static int check_container(struct scn_ctx *c, const struct scn_statefulset *ss, const char *name,
                           const char *path)
{
    for (uint32_t i = 0; i < ss->template_.ncontainers; i++)
        if (strcmp(ss->template_.containers[i].name, name) == 0)
            return 0;
    char expected[160];
    snprintf(expected, sizeof expected, "a container of the pod template of %s", ss->name);
    return scn_fail(c, path, expected, "\"%s\"", name);
}

static int parse_fault_fields(struct scn_ctx *c, const cJSON *v, const char *path,
                              struct scn_fault *f, unsigned want)
{
    struct scenario *s = c->s;
    char sub[JP_MAX];
    uint32_t set = 0;
    if ((want & F_NODE) &&
        parse_node_ref(c, scn_field(v, "node"), jp_key(sub, path, "node"), f) < 0)
        return -1;
    if (want & F_ZONE) {
        if (scn_require_string(c, v, "zone", path, "a zone name", &f->zone) < 0)
            return -1;
        uint32_t i = 0;
        while (i < s->nnodes && strcmp(s->nodes[i].zone, f->zone) != 0)
            i++;
        if (i == s->nnodes)
            return scn_fail(c, jp_key(sub, path, "zone"), "a zone of some node of the cluster",
                            "\"%s\"", f->zone);
    }
    if (want & F_TAINT) {
        const cJSON *t = scn_field(v, "taint");
        jp_key(sub, path, "taint");
        if (t == NULL)
            return scn_fail(c, sub, "a taint such as \"key=value:NoExecute\"", "nothing");
        if (scn_taint_value(c, t, sub, &f->taint) < 0)
            return -1;
    }
    if (want & F_POD) {
        if (scn_require_string(c, v, "pod", path, "a pod name such as \"web-1\"", &f->pod) < 0 ||
            need_pod(c, f->pod, jp_key(sub, path, "pod"), &set) < 0)
            return -1;
    }
    if (want & F_STS) {
        int k;
        if (scn_require_string(c, v, "statefulSet", path, "a StatefulSet name", &f->statefulset) <
            0)
            return -1;
        if ((k = scn_find_statefulset(s, f->statefulset)) < 0)
            return scn_fail(c, jp_key(sub, path, "statefulSet"),
                            "the name of a StatefulSet in objects", "\"%s\"", f->statefulset);
        set = (uint32_t)k;
    }
    if ((want & F_CONTAINER) && scn_get_string(c, v, "container", path, &f->container) == 0 &&
        check_container(c, &s->statefulsets[set], f->container, jp_key(sub, path, "container")) < 0)
        return -1;
    if (c->failed)
        return -1;
    if ((want & F_TIMES) && scn_get_int32(c, v, "times", path, 1, SCN_MAX_REPLICAS, &f->times) < 0)
        return -1;
    if ((want & F_FOR) && scn_get_duration(c, v, "for", path, &f->for_ns) < 0)
        return -1;
    if (want & F_REPLICAS) {
        int rc = scn_get_int32(c, v, "replicas", path, 0, SCN_MAX_REPLICAS, &f->replicas);
        jp_key(sub, path, "replicas");
        if (rc == 1)
            return scn_fail(c, sub, "a number of replicas", "nothing");
        const struct scn_statefulset *ss = &s->statefulsets[set];
        if (rc < 0 ||
            scn_check_pod_names(
                c, ss, (int64_t)ss->ordinals_start + (f->replicas > 0 ? f->replicas - 1 : 0), sub) <
                0)
            return -1;
    }
    if ((want & F_IMAGE) &&
        scn_require_string(c, v, "image", path, "a container image such as \"nginx:1.22\"",
                           &f->image) < 0)
        return -1;
    if (want & F_CLAIM) {
        if (scn_require_string(c, v, "claim", path, "a claim name such as \"www-web-0\"",
                               &f->claim) < 0)
            return -1;
        if (!find_claim(s, f->claim))
            return scn_fail(c, jp_key(sub, path, "claim"),
                            "a claim \"<template>-<statefulset>-<ordinal>\" of a StatefulSet "
                            "in objects",
                            "\"%s\"", f->claim);
    }
    if (want & F_BOOT) {
        int rc = scn_get_latency(c, v, "bootTime", path, &f->boot_time);
        if (rc < 0)
            return -1;
        f->has_boot_time = rc == 0;
    }
    return 0;
}

static int parse_fault(struct scn_ctx *c, const cJSON *v, const char *path, struct scn_fault *f)
{
    char sub[JP_MAX];
    if (!cJSON_IsObject(v))
        return scn_fail_value(c, path, "a fault object with at and do", v);
    const cJSON *d = scn_field(v, "do");
    jp_key(sub, path, "do");
    struct scn_field kinds[DO_COUNT + 1];
    int what = -1;
    for (int i = 0; i < DO_COUNT; i++) {
        kinds[i] = (struct scn_field){fault_do_name((enum fault_do)i), FIELD_USED};
        if (cJSON_IsString(d) && strcmp(d->valuestring, kinds[i].name) == 0)
            what = i;
    }
    kinds[DO_COUNT] = (struct scn_field){NULL, FIELD_USED};
    if (what < 0) {
        const char *expected = "a fault kind such as nodeCrash, podDelete or scale (see "
                               "docs/scenario-reference.md)";
        const char *near = cJSON_IsString(d) ? scn_suggest(d->valuestring, kinds) : NULL;
        if (near != NULL)
            return scn_fail(c, sub, expected, "\"%s\" (did you mean \"%s\"?)", d->valuestring,
                            near);
        return scn_fail_value(c, sub, expected, d);
    }
    f->what = (enum fault_do)what;
    f->times = 1;
    unsigned want = fields_of(f->what);
    struct scn_field fields[ARRAY_LEN(field_names) + 3];
    size_t n = 0;
    fields[n++] = (struct scn_field){"at", FIELD_USED};
    fields[n++] = (struct scn_field){"do", FIELD_USED};
    for (size_t i = 0; i < ARRAY_LEN(field_names); i++)
        if (want & field_names[i].bit)
            fields[n++] = (struct scn_field){field_names[i].name, FIELD_USED};
    fields[n] = (struct scn_field){NULL, FIELD_USED};
    char what_name[64];
    snprintf(what_name, sizeof what_name, "a %s fault", fault_do_name(f->what));
    if (scn_check_object(c, v, path, what_name, fields) < 0)
        return -1;
    int rc = scn_get_duration(c, v, "at", path, &f->at);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return scn_fail(c, jp_key(sub, path, "at"),
                        "a duration such as \"90s\" or a number of seconds (when the fault "
                        "happens)",
                        "nothing");
    return parse_fault_fields(c, v, path, f, want);
}

int scn_parse_faults(struct scn_ctx *c, const cJSON *root)
{
    struct scenario *s = c->s;
    const cJSON *arr = NULL;
    int rc = scn_get_array(c, root, "faults", "$", &arr);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int n = cJSON_GetArraySize(arr);
    s->faults = n > 0 ? xcalloc((size_t)n, sizeof *s->faults) : NULL;
    char item[JP_MAX];
    for (const cJSON *it = arr->child; it; it = it->next) {
        uint32_t i = s->nfaults++;
        struct scn_fault *f = &s->faults[i];
        if (parse_fault(c, it, jp_index(item, "$.faults", i), f) < 0)
            return -1;
        if (f->at > s->until) {
            char at[32], until[32];
            duration_format(f->at, at, sizeof at);
            duration_format(s->until, until, sizeof until);
            scn_warn(c, "fault %u (%s) at %s comes after until (%s): it never happens", i,
                     fault_do_name(f->what), at, until);
        }
    }
    return 0;
}

/* --- expect --------------------------------------------------------------------------- */

static const struct scn_field expect_fields[] = {
    {"invariants", FIELD_USED},
    {"metrics", FIELD_USED},
    {"violations", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field metric_fields[] = {
    {"metric", FIELD_USED}, {"fault", FIELD_USED}, {"pod", FIELD_USED},
    {"min", FIELD_USED},    {"max", FIELD_USED},   {NULL, FIELD_USED},
};

#define INVARIANT_EXPECTED                                                                         \
    "an invariant: atMostOnePerIdentity, orderedCreation, orderedTermination, "                    \
    "stableStorage, singleAttachRWO or updateOrder"

static int parse_invariant_list(struct scn_ctx *c, const cJSON *v, const char *path, bool allow_all,
                                uint32_t *bits)
{
    if (allow_all && cJSON_IsString(v) && strcmp(v->valuestring, "all") == 0) {
        *bits = (1u << INV_COUNT) - 1;
        return 0;
    }
    if (!cJSON_IsArray(v))
        return scn_fail_value(c, path,
                              allow_all ? "\"all\" or an array of invariant names"
                                        : "an array of invariant names",
                              v);
    *bits = 0;
    char item[JP_MAX];
    size_t i = 0;
    for (const cJSON *it = v->child; it; it = it->next, i++) {
        int inv = cJSON_IsString(it) ? invariant_from_name(it->valuestring) : -1;
        if (inv < 0)
            return scn_fail_value(c, jp_index(item, path, i), INVARIANT_EXPECTED, it);
        *bits |= 1u << inv;
    }
    return 0;
}

/* scn_metric_names lists the per-fault metrics first, then the per-pod ones, then the
 * per-run ones (names.c). */
enum metric_scope { SCOPE_FAULT, SCOPE_POD, SCOPE_RUN };

static enum metric_scope metric_scope(size_t index)
{
    return index < 7 ? SCOPE_FAULT : index < 12 ? SCOPE_POD : SCOPE_RUN;
}

static int parse_metric(struct scn_ctx *c, const cJSON *v, const char *path,
                        struct scn_metric_bound *m)
{
    char sub[JP_MAX];
    m->fault = -1;
    if (scn_check_object(c, v, path, "a metric bound", metric_fields) < 0 ||
        scn_require_string(c, v, "metric", path, "a metric name such as \"recoverySeconds\"",
                           &m->metric) < 0)
        return -1;
    size_t idx = 0;
    while (idx < scn_metric_count && strcmp(scn_metric_names[idx], m->metric) != 0)
        idx++;
    if (idx == scn_metric_count) {
        struct scn_field names[32];
        size_t n = 0;
        for (; n < scn_metric_count && n + 1 < ARRAY_LEN(names); n++)
            names[n] = (struct scn_field){scn_metric_names[n], FIELD_USED};
        names[n] = (struct scn_field){NULL, FIELD_USED};
        const char *near = scn_suggest(m->metric, names);
        const char *expected = "a metric of the summary (see docs/scenario-reference.md)";
        jp_key(sub, path, "metric");
        if (near != NULL)
            return scn_fail(c, sub, expected, "\"%s\" (did you mean \"%s\"?)", m->metric, near);
        return scn_fail(c, sub, expected, "\"%s\"", m->metric);
    }
    m->metric = scn_metric_names[idx]; /* the static name: shared, never freed */
    enum metric_scope scope = metric_scope(idx);
    int64_t fault = -1;
    int rc = scn_get_int(c, v, "fault", path, 0, INT32_MAX, &fault);
    if (rc < 0 || scn_get_string(c, v, "pod", path, &m->pod) < 0)
        return -1;
    jp_key(sub, path, "fault");
    if (scope == SCOPE_FAULT && rc == 1)
        return scn_fail(c, sub, "a fault index: this metric is measured per fault", "nothing");
    if (scope != SCOPE_FAULT && rc == 0)
        return scn_fail(c, sub, "no fault index: this metric is not measured per fault", "%lld",
                        (long long)fault);
    if (rc == 0 && fault >= (int64_t)c->s->nfaults) {
        if (c->s->nfaults == 0)
            return scn_fail(c, sub, "a fault index, but the scenario has no faults", "%lld",
                            (long long)fault);
        char expected[96];
        snprintf(expected, sizeof expected, "a fault index from 0 to %u", c->s->nfaults - 1);
        return scn_fail(c, sub, expected, "%lld", (long long)fault);
    }
    m->fault = (int32_t)fault;
    jp_key(sub, path, "pod");
    if (scope == SCOPE_POD && m->pod == NULL)
        return scn_fail(c, sub, "a pod name: this metric is measured per pod", "nothing");
    if (scope != SCOPE_POD && m->pod != NULL)
        return scn_fail(c, sub, "no pod: this metric is not measured per pod", "\"%s\"", m->pod);
    uint32_t set;
    if (m->pod != NULL && need_pod(c, m->pod, sub, &set) < 0)
        return -1;
    rc = scn_get_number(c, v, "min", path, -INFINITY, INFINITY, &m->min);
    if (rc < 0)
        return -1;
    m->has_min = rc == 0;
    rc = scn_get_number(c, v, "max", path, -INFINITY, INFINITY, &m->max);
    if (rc < 0)
        return -1;
    m->has_max = rc == 0;
    if (m->has_min && m->has_max && m->min > m->max)
        return scn_fail(c, jp_key(sub, path, "max"), "a max at least as large as min",
                        "%g below %g", m->max, m->min);
    return 0;
}

int scn_parse_expect(struct scn_ctx *c, const cJSON *root)
{
    struct scn_expect *e = &c->s->expect;
    e->invariants = (1u << INV_COUNT) - 1;
    const cJSON *obj = NULL, *metrics = NULL, *v;
    int rc = scn_get_object(c, root, "expect", "$", &obj);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    const char *path = "$.expect";
    if (scn_check_object(c, obj, path, "the expectations", expect_fields) < 0)
        return -1;
    if ((v = scn_field(obj, "invariants")) &&
        parse_invariant_list(c, v, "$.expect.invariants", true, &e->invariants) < 0)
        return -1;
    if ((v = scn_field(obj, "violations")) &&
        parse_invariant_list(c, v, "$.expect.violations", false, &e->violations) < 0)
        return -1;
    if (scn_get_array(c, obj, "metrics", path, &metrics) < 0)
        return -1;
    int n = metrics ? cJSON_GetArraySize(metrics) : 0;
    e->metrics = n > 0 ? xcalloc((size_t)n, sizeof *e->metrics) : NULL;
    char item[JP_MAX];
    for (const cJSON *it = metrics ? metrics->child : NULL; it; it = it->next) {
        jp_index(item, "$.expect.metrics", e->nmetrics);
        if (parse_metric(c, it, item, &e->metrics[e->nmetrics++]) < 0)
            return -1;
    }
    return 0;
}
