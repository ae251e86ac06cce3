/* The Kubernetes objects of a scenario: dispatch on apiVersion/kind, ObjectMeta, Service and
 * StorageClass, and the checks that span objects (storage classes of claims, serviceName).
 * StatefulSets are read in parse_statefulset.c. */
#include "scenario/scenario_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define ZONE_KEY "topology.kubernetes.io/zone"

/* --- ObjectMeta ----------------------------------------------------------------------- */

/* Every field of ObjectMeta (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
static const char *const meta_names[] = {
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    NULL,
};

static bool is_default_class_annotation(const char *key)
{
    return strcmp(key, "storageclass.kubernetes.io/is-default-class") == 0 ||
           strcmp(key, "storageclass.beta.kubernetes.io/is-default-class") == 0;
}

static int parse_meta(struct scn_ctx *c, const cJSON *meta, const char *path, unsigned use,
                      struct scn_meta *m)
{
    *m = (struct scn_meta){.namespace_ = "default"};
    if (meta == NULL)
        return 0;
    struct scn_field fields[ARRAY_LEN(meta_names)];
    for (size_t i = 0; i < ARRAY_LEN(meta_names); i++) {
        const char *n = meta_names[i];
        unsigned bit = n == NULL                       ? 0
                       : strcmp(n, "name") == 0        ? META_NAME
                       : strcmp(n, "namespace") == 0   ? META_NAMESPACE
                       : strcmp(n, "labels") == 0      ? META_LABELS
                       : strcmp(n, "annotations") == 0 ? META_ANNOTATIONS
                                                       : 0;
        /* Annotations are metadata, not behaviour: read silently where they are expected. */
        enum scn_field_use u = (use & bit) == 0          ? FIELD_IGNORED
                               : bit == META_ANNOTATIONS ? FIELD_SILENT
                                                         : FIELD_USED;
        fields[i] = (struct scn_field){n, u};
    }
    if (scn_check_object(c, meta, path, "object metadata", fields) < 0)
        return -1;
    char sub[JP_MAX];
    if ((use & META_NAME) && scn_get_string(c, meta, "name", path, &m->name) < 0)
        return -1;
    if (use & META_NAMESPACE) {
        if (scn_get_string(c, meta, "namespace", path, &m->namespace_) < 0 ||
            scn_check_name(c, jp_key(sub, path, "namespace"), m->namespace_, NAME_DNS_LABEL,
                           "a namespace name") < 0)
            return -1;
    }
    if ((use & META_LABELS) &&
        scn_get_string_map(c, meta, "labels", path, &m->labels, &m->nlabels) < 0)
        return -1;
    if (use & META_ANNOTATIONS) {
        if (scn_get_string_map(c, meta, "annotations", path, NULL, NULL) < 0)
            return -1;
        const cJSON *a = scn_field(meta, "annotations");
        for (const cJSON *it = a ? a->child : NULL; it; it = it->next)
            if (it->string && is_default_class_annotation(it->string) &&
                strcmp(it->valuestring, "true") == 0)
                m->default_class = true;
    }
    return 0;
}

int scn_parse_meta(struct scn_ctx *c, const cJSON *meta, const char *path, unsigned use,
                   struct scn_meta *m)
{
    /* The caller takes the labels only on success: on an error they are freed here. */
    if (parse_meta(c, meta, path, use, m) < 0) {
        free(m->labels);
        m->labels = NULL;
        m->nlabels = 0;
        return -1;
    }
    return 0;
}

/* --- Service -------------------------------------------------------------------------- */

static const struct scn_field service_fields[] = {
    {"apiVersion", FIELD_USED}, {"kind", FIELD_USED},      {"metadata", FIELD_USED},
    {"spec", FIELD_USED},       {"status", FIELD_IGNORED}, {NULL, FIELD_USED},
};

/* ServiceSpec (staging/src/k8s.io/api/core/v1/types.go): only clusterIP matters here. */
static const struct scn_field service_spec_fields[] = {
    {"clusterIP", FIELD_USED},
    {"ports", FIELD_IGNORED},
    {"selector", FIELD_IGNORED},
    {"type", FIELD_IGNORED},
    {"clusterIPs", FIELD_IGNORED},
    {"externalIPs", FIELD_IGNORED},
    {"sessionAffinity", FIELD_IGNORED},
    {"loadBalancerIP", FIELD_IGNORED},
    {"loadBalancerSourceRanges", FIELD_IGNORED},
    {"externalName", FIELD_IGNORED},
    {"externalTrafficPolicy", FIELD_IGNORED},
    {"healthCheckNodePort", FIELD_IGNORED},
    {"publishNotReadyAddresses", FIELD_IGNORED},
    {"sessionAffinityConfig", FIELD_IGNORED},
    {"ipFamilies", FIELD_IGNORED},
    {"ipFamilyPolicy", FIELD_IGNORED},
    {"allocateLoadBalancerNodePorts", FIELD_IGNORED},
    {"loadBalancerClass", FIELD_IGNORED},
    {"internalTrafficPolicy", FIELD_IGNORED},
    {"trafficDistribution", FIELD_IGNORED},
    {NULL, FIELD_USED},
};

static int parse_service(struct scn_ctx *c, const cJSON *obj, const char *path)
{
    struct scenario *s = c->s;
    char sub[JP_MAX], spath[JP_MAX];
    if (scn_check_object(c, obj, path, "a Service", service_fields) < 0)
        return -1;
    struct scn_meta m;
    const cJSON *meta = NULL, *spec = NULL;
    if (scn_get_object(c, obj, "metadata", path, &meta) < 0 ||
        scn_parse_meta(c, meta, jp_key(sub, path, "metadata"),
                       META_NAME | META_NAMESPACE | META_LABELS | META_ANNOTATIONS, &m) < 0)
        return -1;
    free(m.labels); /* checked, but nothing in sssim selects Services by label */
    jp_key(sub, jp_key(spath, path, "metadata"), "name");
    if (m.name == NULL)
        return scn_fail(c, sub, "a Service name", "nothing");
    if (scn_check_name(c, sub, m.name, NAME_DNS_1035, "a Service name") < 0)
        return -1;
    for (uint32_t i = 0; i < s->nservices; i++)
        if (strcmp(s->services[i].name, m.name) == 0 &&
            strcmp(s->services[i].namespace_, m.namespace_) == 0)
            return scn_fail(c, sub, "a Service name used once in its namespace",
                            "\"%s\" a second time", m.name);
    struct scn_service *svc = &s->services[s->nservices++];
    *svc = (struct scn_service){.name = m.name, .namespace_ = m.namespace_};
    if (scn_get_object(c, obj, "spec", path, &spec) < 0)
        return -1;
    if (spec == NULL)
        return 0;
    jp_key(spath, path, "spec");
    const char *ip = NULL;
    if (scn_check_object(c, spec, spath, "a Service spec", service_spec_fields) < 0 ||
        scn_get_string(c, spec, "clusterIP", spath, &ip) < 0)
        return -1;
    svc->headless = ip != NULL && strcmp(ip, "None") == 0;
    return 0;
}

/* --- StorageClass --------------------------------------------------------------------- */

static const struct scn_field class_fields[] = {
    {"apiVersion", FIELD_USED},
    {"kind", FIELD_USED},
    {"metadata", FIELD_USED},
    {"volumeBindingMode", FIELD_USED},
    {"allowedTopologies", FIELD_USED},
    {"provisioner", FIELD_IGNORED},
    {"parameters", FIELD_IGNORED},
    {"reclaimPolicy", FIELD_IGNORED},
    {"mountOptions", FIELD_IGNORED},
    {"allowVolumeExpansion", FIELD_IGNORED},
    {NULL, FIELD_USED},
};

static const struct scn_field topology_term_fields[] = {
    {"matchLabelExpressions", FIELD_USED},
    {NULL, FIELD_USED},
};

static const struct scn_field topology_req_fields[] = {
    {"key", FIELD_USED},
    {"values", FIELD_USED},
    {NULL, FIELD_USED},
};

/* allowedTopologies: the zones of every term's zone expression, as one list (terms are
 * ORed upstream; a term on another key is ignored). */
static int parse_topologies(struct scn_ctx *c, const cJSON *obj, const char *path,
                            struct scn_storage_class *sc)
{
    const cJSON *terms = NULL;
    int rc = scn_get_array(c, obj, "allowedTopologies", path, &terms);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char tpath[JP_MAX], term_path[JP_MAX], epath[JP_MAX], expr_path[JP_MAX];
    jp_key(tpath, path, "allowedTopologies");
    size_t i = 0;
    for (const cJSON *t = terms->child; t; t = t->next, i++) {
        jp_index(term_path, tpath, i);
        const cJSON *exprs = NULL;
        if (scn_check_object(c, t, term_path, "a topology term", topology_term_fields) < 0 ||
            scn_get_array(c, t, "matchLabelExpressions", term_path, &exprs) < 0)
            return -1;
        jp_key(epath, term_path, "matchLabelExpressions");
        size_t k = 0;
        for (const cJSON *e = exprs ? exprs->child : NULL; e; e = e->next, k++) {
            jp_index(expr_path, epath, k);
            const char *key = NULL, **values = NULL;
            uint32_t nvalues = 0;
            if (scn_check_object(c, e, expr_path, "a topology expression", topology_req_fields) <
                    0 ||
                scn_require_string(c, e, "key", expr_path, "a label key", &key) < 0 ||
                scn_get_string_array(c, e, "values", expr_path, &values, &nvalues) < 0) {
                free(values);
                return -1;
            }
            if (strcmp(key, ZONE_KEY) != 0) {
                scn_ignore(c, expr_path);
                free(values);
                continue;
            }
            sc->zones = xrealloc(sc->zones, (sc->nzones + nvalues) * sizeof *sc->zones + 1);
            for (uint32_t v = 0; v < nvalues; v++)
                sc->zones[sc->nzones++] = values[v];
            free(values);
        }
    }
    return 0;
}

static int parse_storage_class(struct scn_ctx *c, const cJSON *obj, const char *path)
{
    struct scenario *s = c->s;
    char sub[JP_MAX], mpath[JP_MAX];
    if (scn_check_object(c, obj, path, "a StorageClass", class_fields) < 0)
        return -1;
    struct scn_meta m;
    const cJSON *meta = NULL;
    jp_key(mpath, path, "metadata");
    if (scn_get_object(c, obj, "metadata", path, &meta) < 0 ||
        scn_parse_meta(c, meta, mpath, META_NAME | META_ANNOTATIONS, &m) < 0)
        return -1;
    jp_key(sub, mpath, "name");
    if (m.name == NULL)
        return scn_fail(c, sub, "a StorageClass name", "nothing");
    if (scn_check_name(c, sub, m.name, NAME_DNS_SUBDOMAIN, "a StorageClass name") < 0)
        return -1;
    for (uint32_t i = 0; i < s->nstorage_classes; i++)
        if (strcmp(s->storage_classes[i].name, m.name) == 0)
            return scn_fail(c, sub, "a StorageClass name used once", "\"%s\" a second time",
                            m.name);
    struct scn_storage_class *sc = &s->storage_classes[s->nstorage_classes++];
    /* The API server defaults volumeBindingMode to Immediate. */
    *sc = (struct scn_storage_class){
        .name = m.name, .binding = BIND_IMMEDIATE, .is_default = m.default_class};
    static const char *const modes[] = {"Immediate", "WaitForFirstConsumer", NULL};
    int mode = 0;
    if (scn_get_enum(c, obj, "volumeBindingMode", path, modes, &mode) < 0)
        return -1;
    sc->binding = mode == 1 ? BIND_WAIT_FOR_FIRST_CONSUMER : BIND_IMMEDIATE;
    return parse_topologies(c, obj, path, sc);
}

/* --- Checks across objects ------------------------------------------------------------ */

static int check_classes(struct scn_ctx *c, const uint32_t *sts_object)
{
    struct scenario *s = c->s;
    if (s->nstorage_classes == 0) {
        /* Like a kind or minikube cluster, which ships a default class "standard". */
        s->storage_classes[s->nstorage_classes++] = (struct scn_storage_class){
            .name = "standard", .binding = BIND_WAIT_FOR_FIRST_CONSUMER, .is_default = true};
        return 0;
    }
    uint32_t ndefault = 0, first_default = 0;
    for (uint32_t i = 0; i < s->nstorage_classes; i++)
        if (s->storage_classes[i].is_default && ndefault++ == 0)
            first_default = i;
    bool uses_default = false;
    for (uint32_t i = 0; i < s->nstatefulsets; i++) {
        const struct scn_statefulset *ss = &s->statefulsets[i];
        for (uint32_t k = 0; k < ss->nclaims; k++) {
            const char *want = ss->claims[k].storage_class;
            if (want == NULL) {
                uses_default = true;
                continue;
            }
            uint32_t j = 0;
            while (j < s->nstorage_classes && strcmp(s->storage_classes[j].name, want) != 0)
                j++;
            if (j < s->nstorage_classes)
                continue;
            char path[JP_MAX];
            snprintf(path, sizeof path,
                     "$.objects[%u].spec.volumeClaimTemplates[%u].spec.storageClassName",
                     sts_object[i], k);
            return scn_fail(c, path, "the name of a StorageClass in objects", "\"%s\"", want);
        }
    }
    if (uses_default && ndefault == 0)
        scn_warn(c,
                 "no StorageClass is marked default (annotation "
                 "storageclass.kubernetes.io/is-default-class: \"true\"); claims without "
                 "storageClassName use \"%s\", the first one",
                 s->storage_classes[0].name);
    else if (uses_default && ndefault > 1)
        scn_warn(c,
                 "%u StorageClasses are marked default; claims without storageClassName "
                 "use \"%s\", the first one",
                 ndefault, s->storage_classes[first_default].name);
    return 0;
}

static void check_services(struct scn_ctx *c)
{
    const struct scenario *s = c->s;
    for (uint32_t i = 0; i < s->nstatefulsets; i++) {
        const struct scn_statefulset *ss = &s->statefulsets[i];
        if (ss->service_name == NULL || ss->service_name[0] == '\0')
            continue;
        const struct scn_service *svc = NULL;
        for (uint32_t k = 0; k < s->nservices && svc == NULL; k++)
            if (strcmp(s->services[k].name, ss->service_name) == 0 &&
                strcmp(s->services[k].namespace_, ss->namespace_) == 0)
                svc = &s->services[k];
        if (svc == NULL)
            scn_warn(c,
                     "statefulset %s: serviceName \"%s\" names no Service in objects; its "
                     "DNS names would not resolve",
                     ss->name, ss->service_name);
        else if (!svc->headless)
            scn_warn(c,
                     "statefulset %s: Service \"%s\" is not headless (clusterIP: None); "
                     "its pods get no DNS names of their own",
                     ss->name, ss->service_name);
    }
}

/* --- Copies of a StatefulSet (sssim.io/copies) ----------------------------------------- */

/* sssim's one extension of the format: annotations on a StatefulSet that stand for many
 * StatefulSets, so that a scenario of a large cluster stays a small file. They are read
 * here rather than by the StatefulSet parser because they change the number of sets, which
 * only the loop over objects may do. */
#define COPIES_KEY "sssim.io/copies"
#define CYCLE_KEY "sssim.io/replicas-cycle"
#define SCN_MAX_COPIES 100000
#define SCN_MAX_SETS 1000000

/* metadata.annotations[key] of an object, already checked to be a map of strings. */
static const char *annotation(const cJSON *obj, const char *key)
{
    const cJSON *a = scn_field(scn_field(obj, "metadata"), "annotations");
    const cJSON *v = cJSON_IsObject(a) ? scn_field(a, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A canonical decimal (no sign, no leading zero) from 0 to max, ending at *end. */
static bool parse_count(const char *p, const char **end, int64_t max, int64_t *out)
{
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 9 || (p[0] == '0' && n > 1))
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    if (v > max)
        return false;
    *out = v;
    *end = p + n;
    return true;
}

/* "1,2,3" into a malloc'd array of replica counts; false on any other text. */
static bool parse_cycle(const char *text, int32_t **out, uint32_t *n)
{
    int32_t *v = NULL;
    uint32_t len = 0;
    size_t cap = 0;
    const char *p = text;
    for (;;) {
        int64_t x;
        if (!parse_count(p, &p, SCN_MAX_REPLICAS, &x) || len >= SCN_MAX_COPIES) {
            free(v);
            return false;
        }
        grow_array((void **)&v, &cap, len + 1, sizeof *v);
        v[len++] = (int32_t)x;
        if (*p == '\0')
            break;
        if (*p++ != ',') {
            free(v);
            return false;
        }
    }
    *out = v;
    *n = len;
    return true;
}

/* "<base>-<i>" with a canonical i below n: the name of one of n copies of base. */
static bool is_copy_name(const char *name, const char *base, int64_t n)
{
    size_t bn = strlen(base);
    const char *end;
    int64_t i;
    return strncmp(name, base, bn) == 0 && name[bn] == '-' &&
           parse_count(name + bn + 1, &end, INT32_MAX, &i) && *end == '\0' && i < n;
}

/* The set just parsed (the last one) has sssim.io/copies: N: replace it by N copies named
 * <name>-0 ... <name>-(N-1), each with its own replicas when sssim.io/replicas-cycle is
 * given. The copies share the parsed spec's arrays (scenario_free frees them once). The
 * arrays of sets and of their object indexes grow here, when no part of the loader holds a
 * pointer into them. */
static int expand_copies(struct scn_ctx *c, const cJSON *obj, const char *path, size_t *cap,
                         uint32_t **sts_object)
{
    struct scenario *s = c->s;
    const char *copies_text = annotation(obj, COPIES_KEY);
    const char *cycle_text = annotation(obj, CYCLE_KEY);
    char mpath[JP_MAX], apath[JP_MAX], cpath[JP_MAX], ypath[JP_MAX], npath[JP_MAX];
    jp_key(mpath, path, "metadata");
    jp_key(apath, mpath, "annotations");
    jp_key(cpath, apath, COPIES_KEY);
    jp_key(ypath, apath, CYCLE_KEY);
    jp_key(npath, mpath, "name");
    if (copies_text == NULL) {
        if (cycle_text != NULL)
            return scn_fail(c, ypath, "sssim.io/replicas-cycle only next to sssim.io/copies",
                            "no sssim.io/copies annotation");
        return 0;
    }
    const char *end;
    int64_t ncopies;
    if (!parse_count(copies_text, &end, SCN_MAX_COPIES, &ncopies) || *end != '\0' || ncopies < 1)
        return scn_fail(c, cpath, "a number of copies from 1 to 100000 in a string such as \"20\"",
                        "\"%s\"", copies_text);
    int32_t *cycle = NULL;
    uint32_t ncycle = 0;
    if (cycle_text != NULL && !parse_cycle(cycle_text, &cycle, &ncycle))
        return scn_fail(c, ypath,
                        "replica counts from 0 to 1000000 separated by commas, such as "
                        "\"1,2,3\"",
                        "\"%s\"", cycle_text);

    uint32_t base_index = s->nstatefulsets - 1;
    struct scn_statefulset base = s->statefulsets[base_index];
    const char *base_name = base.name;
    int rc = 0;
    /* The longest name and the most replicas bound every copy's names. */
    int32_t most = base.replicas;
    for (uint32_t k = 0; k < ncycle; k++)
        if (cycle[k] > most)
            most = cycle[k];
    char last[128];
    int len = snprintf(last, sizeof last, "%s-%" PRId64, base_name, ncopies - 1);
    if (len > 63) {
        rc = scn_fail(c, cpath, "copies whose names <name>-<i> fit in 63 characters",
                      "\"%s\" of %d characters", last, len);
        goto out_free_cycle;
    }
    struct scn_statefulset longest = base;
    longest.name = last;
    int64_t highest = (int64_t)base.ordinals_start + (most > 0 ? most - 1 : 0);
    if ((rc = scn_check_pod_names(c, &longest, highest, cpath)) < 0)
        goto out_free_cycle;
    /* Earlier sets may already use a copy's name; later ones are checked as they come. */
    for (uint32_t k = 0; k < base_index; k++) {
        if (is_copy_name(s->statefulsets[k].name, base_name, ncopies)) {
            rc = scn_fail(c, npath, "a StatefulSet name used once",
                          "\"%s\" a second time (a copy made by sssim.io/copies)",
                          s->statefulsets[k].name);
            goto out_free_cycle;
        }
    }
    size_t need = (size_t)base_index + (size_t)ncopies;
    if (need > SCN_MAX_SETS) {
        rc = scn_fail(c, cpath, "at most 1000000 StatefulSets in all", "%zu", need);
        goto out_free_cycle;
    }
    if (need > *cap) {
        size_t old = *cap;
        *cap = need;
        s->statefulsets = xrealloc(s->statefulsets, *cap * sizeof *s->statefulsets);
        memset(s->statefulsets + old, 0, (*cap - old) * sizeof *s->statefulsets);
        *sts_object = xrealloc(*sts_object, (*cap + 1) * sizeof **sts_object);
    }
    uint32_t object = (*sts_object)[base_index];
    for (uint32_t k = 0; k < (uint32_t)ncopies; k++) {
        struct scn_statefulset *ss = &s->statefulsets[base_index + k];
        *ss = base;
        ss->name = arena_printf(s->arena, "%s-%" PRIu32, base_name, k);
        if (ncycle > 0)
            ss->replicas = cycle[k % ncycle];
        (*sts_object)[base_index + k] = object;
    }
    s->nstatefulsets = (uint32_t)need;
out_free_cycle:
    free(cycle);
    return rc;
}

/* --- objects[] ------------------------------------------------------------------------ */

int scn_parse_objects(struct scn_ctx *c, const cJSON *root)
{
    struct scenario *s = c->s;
    const cJSON *objects = NULL;
    if (scn_get_array(c, root, "objects", "$", &objects) < 0)
        return -1;
    size_t n = objects ? (size_t)cJSON_GetArraySize(objects) : 0;
    /* Sized for the worst case (every object of one kind, plus the implicit class), so the
     * arrays never move while a part of the loader holds a pointer into them. */
    s->statefulsets = n ? xcalloc(n, sizeof *s->statefulsets) : NULL;
    s->services = n ? xcalloc(n, sizeof *s->services) : NULL;
    s->storage_classes = xcalloc(n + 1, sizeof *s->storage_classes);
    uint32_t *sts_object = xcalloc(n + 1, sizeof *sts_object);
    size_t sets_cap = n;
    char path[JP_MAX];
    size_t i = 0;
    int rc = 0;
    for (const cJSON *o = objects ? objects->child : NULL; o && rc == 0; o = o->next, i++) {
        jp_index(path, "$.objects", i);
        const char *api = NULL, *kind = NULL;
        if (!cJSON_IsObject(o)) {
            rc = scn_fail_value(c, path, "a Kubernetes object with apiVersion and kind", o);
            break;
        }
        if (scn_require_string(c, o, "apiVersion", path, "an apiVersion such as \"apps/v1\"",
                               &api) < 0 ||
            scn_require_string(c, o, "kind", path, "a kind such as \"StatefulSet\"", &kind) < 0) {
            rc = -1;
            break;
        }
        static const struct {
            const char *kind, *api;
        } known[] = {
            {"StatefulSet", "apps/v1"},
            {"Service", "v1"},
            {"StorageClass", "storage.k8s.io/v1"},
        };
        size_t k = 0;
        while (k < ARRAY_LEN(known) && strcmp(known[k].kind, kind) != 0)
            k++;
        if (k == ARRAY_LEN(known)) {
            /* A ConfigMap or a Deployment next to the StatefulSet is fine, but does nothing. */
            char what[JP_MAX + 64];
            snprintf(what, sizeof what, "%s (%s %s)", path, api, kind);
            scn_ignore(c, what);
            continue;
        }
        if (strcmp(known[k].api, api) != 0) {
            char sub[JP_MAX], expected[96];
            snprintf(expected, sizeof expected, "apiVersion \"%s\" for a %s", known[k].api, kind);
            rc = scn_fail(c, jp_key(sub, path, "apiVersion"), expected, "\"%s\"", api);
            break;
        }
        if (k == 0) {
            sts_object[s->nstatefulsets] = (uint32_t)i;
            rc = scn_parse_statefulset(c, o, path);
            if (rc == 0)
                rc = expand_copies(c, o, path, &sets_cap, &sts_object);
        } else if (k == 1) {
            rc = parse_service(c, o, path);
        } else {
            rc = parse_storage_class(c, o, path);
        }
    }
    if (rc == 0)
        rc = check_classes(c, sts_object);
    if (rc == 0)
        check_services(c);
    free(sts_object);
    return rc;
}
