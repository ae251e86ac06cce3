/* An apps/v1 StatefulSet: metadata, the spec fields that change behaviour, the selector
 * check the API server makes, and the volumeClaimTemplates. Field lists follow
 * StatefulSetSpec in staging/src/k8s.io/api/apps/v1/types.go. */
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

static const struct scn_field sts_fields[] = {
    {"apiVersion", FIELD_USED}, {"kind", FIELD_USED},      {"metadata", FIELD_USED},
    {"spec", FIELD_USED},       {"status", FIELD_IGNORED}, {NULL, FIELD_USED},
};

static const struct scn_field spec_fields[] = {
    {"replicas", FIELD_USED},        {"selector", FIELD_USED},
    {"template", FIELD_USED},        {"volumeClaimTemplates", FIELD_USED},
    {"serviceName", FIELD_USED},     {"podManagementPolicy", FIELD_USED},
    {"updateStrategy", FIELD_USED},  {"revisionHistoryLimit", FIELD_USED},
    {"minReadySeconds", FIELD_USED}, {"persistentVolumeClaimRetentionPolicy", FIELD_USED},
    {"ordinals", FIELD_USED},        {NULL, FIELD_USED},
};

static const struct scn_field selector_fields[] = {
    {"matchLabels", FIELD_USED},
    {"matchExpressions", FIELD_IGNORED},
    {NULL, FIELD_USED},
};
static const struct scn_field template_fields[] = {
    {"metadata", FIELD_USED},
    {"spec", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field strategy_fields[] = {
    {"type", FIELD_USED},
    {"rollingUpdate", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field rolling_fields[] = {
    {"partition", FIELD_USED},
    {"maxUnavailable", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field retention_fields[] = {
    {"whenDeleted", FIELD_USED},
    {"whenScaled", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field ordinals_fields[] = {
    {"start", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field claim_fields[] = {
    {"apiVersion", FIELD_SILENT}, {"kind", FIELD_SILENT},    {"metadata", FIELD_USED},
    {"spec", FIELD_USED},         {"status", FIELD_IGNORED}, {NULL, FIELD_USED},
};
static const struct scn_field claim_spec_fields[] = {
    {"accessModes", FIELD_USED},
    {"resources", FIELD_USED},
    {"storageClassName", FIELD_USED},
    {"volumeMode", FIELD_IGNORED},
    {"selector", FIELD_IGNORED},
    {"volumeName", FIELD_IGNORED},
    {"dataSource", FIELD_IGNORED},
    {"dataSourceRef", FIELD_IGNORED},
    {"volumeAttributesClassName", FIELD_IGNORED},
    {NULL, FIELD_USED},
};
static const struct scn_field claim_resources_fields[] = {
    {"requests", FIELD_USED},
    {"limits", FIELD_IGNORED},
    {NULL, FIELD_USED},
};
static const struct scn_field claim_requests_fields[] = {
    {"storage", FIELD_USED},
    {NULL, FIELD_USED},
};

int scn_check_pod_names(struct scn_ctx *c, const struct scn_statefulset *set,
                        int64_t highest_ordinal, const char *path)
{
    char pod[512];
    int n = snprintf(pod, sizeof pod, "%s-%lld", set->name, (long long)highest_ordinal);
    /* The pod name is also the value of the statefulset.kubernetes.io/pod-name label. */
    if (n > 63)
        return scn_fail(c, path, "a name that keeps pod names within 63 characters",
                        "pod name \"%s\" of %d characters", pod, n);
    for (uint32_t k = 0; k < set->nclaims; k++) {
        size_t len = strlen(set->claims[k].name) + 1 + (size_t)n;
        if (len > 253)
            return scn_fail(c, path, "names that keep claim names within 253 characters",
                            "claim \"%s-%s\" of %zu characters", set->claims[k].name, pod, len);
    }
    return 0;
}

static int parse_selector(struct scn_ctx *c, const cJSON *spec, const char *path,
                          struct scn_statefulset *ss)
{
    const cJSON *sel = NULL;
    char sub[JP_MAX];
    jp_key(sub, path, "selector");
    int rc = scn_get_object(c, spec, "selector", path, &sel);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return scn_fail(c, sub, "a selector with matchLabels (required in apps/v1)", "nothing");
    if (scn_check_object(c, sel, sub, "a label selector", selector_fields) < 0 ||
        scn_get_string_map(c, sel, "matchLabels", sub, &ss->selector, &ss->nselector) < 0)
        return -1;
    const cJSON *exprs = scn_field(sel, "matchExpressions");
    if (ss->nselector == 0 && (!cJSON_IsArray(exprs) || cJSON_GetArraySize(exprs) == 0))
        return scn_fail(c, sub,
                        "a non-empty selector (empty selector is invalid for "
                        "statefulset)",
                        "an empty selector");
    return 0;
}

/* The API server's check (pkg/apis/apps/validation, ValidateStatefulSetSpec): the template
 * labels must satisfy matchLabels. matchExpressions are ignored, so they are not checked. */
static int check_selector(struct scn_ctx *c, const struct scn_statefulset *ss, const char *path)
{
    for (uint32_t i = 0; i < ss->nselector; i++) {
        const struct kv *want = &ss->selector[i];
        bool ok = false;
        for (uint32_t k = 0; k < ss->template_.nlabels && !ok; k++)
            ok = strcmp(ss->template_.labels[k].key, want->key) == 0 &&
                 strcmp(ss->template_.labels[k].value, want->value) == 0;
        if (ok)
            continue;
        char sub[JP_MAX], found[200];
        size_t n = (size_t)snprintf(found, sizeof found, "matchLabels %s=%s, template labels {",
                                    want->key, want->value);
        for (uint32_t k = 0; k < ss->template_.nlabels && n < sizeof found; k++)
            n += (size_t)snprintf(found + n, sizeof found - n, "%s%s=%s", k ? ", " : "",
                                  ss->template_.labels[k].key, ss->template_.labels[k].value);
        if (n < sizeof found)
            snprintf(found + n, sizeof found - n, "}");
        return scn_fail(c, jp_key(sub, path, "selector"),
                        "a selector that matches the template labels (`selector` does not "
                        "match template `labels`)",
                        "%s", found);
    }
    return 0;
}

static int parse_strategy(struct scn_ctx *c, const cJSON *spec, const char *path,
                          struct scn_statefulset *ss)
{
    static const char *const types[] = {"RollingUpdate", "OnDelete", NULL};
    const cJSON *st = NULL, *ru = NULL;
    char sp[JP_MAX], rp[JP_MAX], sub[JP_MAX];
    jp_key(sp, path, "updateStrategy");
    jp_key(rp, sp, "rollingUpdate");
    int type = 0;
    if (scn_get_object(c, spec, "updateStrategy", path, &st) < 0)
        return -1;
    if (st == NULL)
        return 0;
    if (scn_check_object(c, st, sp, "an update strategy", strategy_fields) < 0 ||
        scn_get_enum(c, st, "type", sp, types, &type) < 0 ||
        scn_get_object(c, st, "rollingUpdate", sp, &ru) < 0)
        return -1;
    ss->update_strategy = type == 1 ? UPDATE_ON_DELETE : UPDATE_ROLLING;
    if (ru == NULL)
        return 0;
    if (ss->update_strategy != UPDATE_ROLLING)
        return scn_fail(c, rp, "rollingUpdate only with type RollingUpdate", "type OnDelete");
    if (scn_check_object(c, ru, rp, "a rolling update", rolling_fields) < 0 ||
        scn_get_int32(c, ru, "partition", rp, 0, INT32_MAX, &ss->partition) < 0)
        return -1;
    const cJSON *mu = scn_field(ru, "maxUnavailable");
    if (mu == NULL)
        return 0;
    jp_key(sub, rp, "maxUnavailable");
    const char *expected = "a number of pods of at least 1 or a percentage such as \"25%\"";
    if (cJSON_IsString(mu) && mu->valuestring != NULL) {
        /* An IntOrString: "25%" is a share of replicas, rounded down upstream (but at
         * least one pod, which the controller applies). */
        const char *p = mu->valuestring;
        size_t digits = strspn(p, "0123456789");
        long pct = digits > 0 && digits <= 3 ? strtol(p, NULL, 10) : -1;
        if (p[digits] != '%' || p[digits + 1] != '\0' || pct < 1 || pct > 100)
            return scn_fail_value(c, sub, expected, mu);
        ss->max_unavailable = (int32_t)pct;
        ss->max_unavailable_percent = true;
    } else {
        double x = cJSON_IsNumber(mu) ? mu->valuedouble : 0;
        if (!(x >= 1 && x <= INT32_MAX && x == floor(x)) || scn_inexact_integer(mu))
            return scn_fail_value(c, sub, expected, mu);
        ss->max_unavailable = (int32_t)x;
    }
    ss->max_unavailable_set = true;
    return 0;
}

static int parse_claim(struct scn_ctx *c, const cJSON *v, const char *path,
                       struct scn_statefulset *ss)
{
    static const char *const modes[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                        "ReadWriteOncePod", NULL};
    char sub[JP_MAX], mpath[JP_MAX], spath[JP_MAX], item[JP_MAX];
    const cJSON *meta = NULL, *spec = NULL, *res = NULL, *req = NULL, *modes_arr = NULL;
    struct scn_meta m;
    jp_key(mpath, path, "metadata");
    jp_key(spath, path, "spec");
    if (scn_check_object(c, v, path, "a volume claim template", claim_fields) < 0 ||
        scn_get_object(c, v, "metadata", path, &meta) < 0 ||
        scn_parse_meta(c, meta, mpath, META_NAME | META_ANNOTATIONS, &m) < 0)
        return -1;
    jp_key(sub, mpath, "name");
    if (m.name == NULL)
        return scn_fail(c, sub, "a claim template name", "nothing");
    if (scn_check_name(c, sub, m.name, NAME_DNS_SUBDOMAIN, "a claim template name") < 0)
        return -1;
    for (uint32_t k = 0; k < ss->nclaims; k++)
        if (strcmp(ss->claims[k].name, m.name) == 0)
            return scn_fail(c, sub, "a claim template name used once in the StatefulSet",
                            "\"%s\" a second time", m.name);
    struct scn_claim_template *ct = &ss->claims[ss->nclaims++];
    ct->name = m.name;
    int rc = scn_get_object(c, v, "spec", path, &spec);
    if (rc != 0)
        return rc < 0 ? -1 : scn_fail(c, spath, "a claim spec", "nothing");
    if (scn_check_object(c, spec, spath, "a claim spec", claim_spec_fields) < 0 ||
        scn_get_array(c, spec, "accessModes", spath, &modes_arr) < 0 ||
        scn_get_string(c, spec, "storageClassName", spath, &ct->storage_class) < 0)
        return -1;
    jp_key(sub, spath, "accessModes");
    if (modes_arr == NULL || cJSON_GetArraySize(modes_arr) == 0)
        return scn_fail_value(c, sub, "at least one access mode such as \"ReadWriteOnce\"",
                              modes_arr);
    size_t i = 0;
    for (const cJSON *it = modes_arr->child; it; it = it->next, i++) {
        int mode = -1;
        for (int k = 0; modes[k] && cJSON_IsString(it); k++)
            if (strcmp(modes[k], it->valuestring) == 0)
                mode = k;
        if (mode < 0)
            return scn_fail_value(c, jp_index(item, sub, i),
                                  "one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany or "
                                  "ReadWriteOncePod",
                                  it);
        ct->access_modes |= 1u << mode;
    }
    if ((ct->access_modes & ACCESS_RWOP) && ct->access_modes != ACCESS_RWOP)
        return scn_fail(c, sub, "ReadWriteOncePod alone (it may not be combined)",
                        "ReadWriteOncePod with other modes");
    if (ct->storage_class != NULL && ct->storage_class[0] == '\0')
        return scn_fail(c, jp_key(sub, spath, "storageClassName"),
                        "the name of a StorageClass (static binding with \"\" is not modelled)",
                        "\"\"");
    jp_key(sub, spath, "resources");
    jp_key(item, sub, "requests");
    if (scn_get_object(c, spec, "resources", spath, &res) < 0 ||
        (res && scn_check_object(c, res, sub, "claim resources", claim_resources_fields) < 0) ||
        (res && scn_get_object(c, res, "requests", sub, &req) < 0) ||
        (req && scn_check_object(c, req, item, "claim requests", claim_requests_fields) < 0))
        return -1;
    const cJSON *storage = scn_field(req, "storage");
    char stpath[JP_MAX];
    jp_key(stpath, item, "storage");
    if (storage == NULL)
        return scn_fail(c, stpath, "a storage request such as \"1Gi\"", "nothing");
    if (scn_bytes_value(c, storage, stpath, &ct->storage_bytes) < 0)
        return -1;
    if (ct->storage_bytes <= 0)
        return scn_fail_value(c, stpath, "a storage request above zero", storage);
    return 0;
}

static int parse_claims(struct scn_ctx *c, const cJSON *spec, const char *path,
                        struct scn_statefulset *ss)
{
    const cJSON *arr = NULL;
    int rc = scn_get_array(c, spec, "volumeClaimTemplates", path, &arr);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char cpath[JP_MAX], item[JP_MAX];
    jp_key(cpath, path, "volumeClaimTemplates");
    int n = cJSON_GetArraySize(arr);
    ss->claims = n > 0 ? xcalloc((size_t)n, sizeof *ss->claims) : NULL;
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++)
        if (parse_claim(c, it, jp_index(item, cpath, i), ss) < 0)
            return -1;
    return 0;
}

static int parse_spec(struct scn_ctx *c, const cJSON *spec, const char *path,
                      struct scn_statefulset *ss)
{
    static const char *const policies[] = {"OrderedReady", "Parallel", NULL};
    static const char *const retention[] = {"Retain", "Delete", NULL};
    char sub[JP_MAX], tpath[JP_MAX];
    const cJSON *tmpl = NULL, *tmeta = NULL, *tspec = NULL, *ret = NULL, *ord = NULL;
    int policy = 0, when_deleted = 0, when_scaled = 0;
    if (scn_check_object(c, spec, path, "a StatefulSet spec", spec_fields) < 0 ||
        scn_get_int32(c, spec, "replicas", path, 0, SCN_MAX_REPLICAS, &ss->replicas) < 0 ||
        scn_get_string(c, spec, "serviceName", path, &ss->service_name) < 0 ||
        scn_get_enum(c, spec, "podManagementPolicy", path, policies, &policy) < 0 ||
        parse_strategy(c, spec, path, ss) < 0 ||
        scn_get_int32(c, spec, "revisionHistoryLimit", path, 0, INT32_MAX,
                      &ss->revision_history_limit) < 0 ||
        scn_get_seconds(c, spec, "minReadySeconds", path, 0, &ss->min_ready_ns) < 0)
        return -1;
    ss->pod_management = policy == 1 ? POD_MGMT_PARALLEL : POD_MGMT_ORDERED_READY;
    if (scn_get_object(c, spec, "persistentVolumeClaimRetentionPolicy", path, &ret) < 0)
        return -1;
    jp_key(sub, path, "persistentVolumeClaimRetentionPolicy");
    if (ret && (scn_check_object(c, ret, sub, "a claim retention policy", retention_fields) < 0 ||
                scn_get_enum(c, ret, "whenDeleted", sub, retention, &when_deleted) < 0 ||
                scn_get_enum(c, ret, "whenScaled", sub, retention, &when_scaled) < 0))
        return -1;
    ss->when_deleted = when_deleted == 1 ? DELETE : RETAIN;
    ss->when_scaled = when_scaled == 1 ? DELETE : RETAIN;
    jp_key(sub, path, "ordinals");
    if (scn_get_object(c, spec, "ordinals", path, &ord) < 0 ||
        (ord && (scn_check_object(c, ord, sub, "ordinals", ordinals_fields) < 0 ||
                 scn_get_int32(c, ord, "start", sub, 0, INT32_MAX, &ss->ordinals_start) < 0)))
        return -1;
    if (parse_selector(c, spec, path, ss) < 0)
        return -1;
    jp_key(tpath, path, "template");
    int rc = scn_get_object(c, spec, "template", path, &tmpl);
    if (rc != 0)
        return rc < 0 ? -1 : scn_fail(c, tpath, "a pod template", "nothing");
    struct scn_meta m;
    if (scn_check_object(c, tmpl, tpath, "a pod template", template_fields) < 0 ||
        scn_get_object(c, tmpl, "metadata", tpath, &tmeta) < 0 ||
        scn_parse_meta(c, tmeta, jp_key(sub, tpath, "metadata"), META_LABELS | META_ANNOTATIONS,
                       &m) < 0)
        return -1;
    ss->template_.labels = m.labels;
    ss->template_.nlabels = m.nlabels;
    if (scn_get_object(c, tmpl, "spec", tpath, &tspec) < 0 ||
        scn_parse_pod_spec(c, tspec, jp_key(sub, tpath, "spec"), &ss->template_) < 0 ||
        check_selector(c, ss, path) < 0 || parse_claims(c, spec, path, ss) < 0)
        return -1;
    return 0;
}

int scn_parse_statefulset(struct scn_ctx *c, const cJSON *obj, const char *path)
{
    struct scenario *s = c->s;
    char mpath[JP_MAX], npath[JP_MAX], spath[JP_MAX];
    jp_key(mpath, path, "metadata");
    jp_key(npath, mpath, "name");
    jp_key(spath, path, "spec");
    const cJSON *meta = NULL, *spec = NULL;
    struct scn_meta m;
    if (scn_check_object(c, obj, path, "a StatefulSet", sts_fields) < 0 ||
        scn_get_object(c, obj, "metadata", path, &meta) < 0 ||
        scn_parse_meta(c, meta, mpath, META_NAME | META_NAMESPACE | META_LABELS | META_ANNOTATIONS,
                       &m) < 0)
        return -1;
    free(m.labels); /* the StatefulSet's own labels select nothing in sssim */
    if (m.name == NULL)
        return scn_fail(c, npath, "a StatefulSet name", "nothing");
    if (scn_check_name(c, npath, m.name, NAME_DNS_LABEL, "a StatefulSet name") < 0)
        return -1;
    /* Unique across namespaces, not only within one: faults and expectations name pods by
     * "<set>-<ordinal>" alone. */
    for (uint32_t i = 0; i < s->nstatefulsets; i++)
        if (strcmp(s->statefulsets[i].name, m.name) == 0)
            return scn_fail(c, npath, "a StatefulSet name used once", "\"%s\" a second time",
                            m.name);
    struct scn_statefulset *ss = &s->statefulsets[s->nstatefulsets++];
    *ss = (struct scn_statefulset){
        .name = m.name,
        .namespace_ = m.namespace_,
        .replicas = 1,
        .pod_management = POD_MGMT_ORDERED_READY,
        .update_strategy = UPDATE_ROLLING,
        .when_deleted = RETAIN,
        .when_scaled = RETAIN,
        .revision_history_limit = 10,
    };
    int rc = scn_get_object(c, obj, "spec", path, &spec);
    if (rc != 0)
        return rc < 0 ? -1 : scn_fail(c, spath, "a StatefulSet spec", "nothing");
    if (parse_spec(c, spec, spath, ss) < 0)
        return -1;
    int64_t highest = (int64_t)ss->ordinals_start + (ss->replicas > 0 ? ss->replicas - 1 : 0);
    return scn_check_pod_names(c, ss, highest, npath);
}
