/* A StatefulSet's pod template spec: containers and their readiness probes and requests,
 * grace period, tolerations, nodeSelector, zone affinity, priority. Field lists follow
 * PodSpec and Container in staging/src/k8s.io/api/core/v1/types.go. */
#include "scenario/scenario_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

#define ZONE_KEY "topology.kubernetes.io/zone"

static const struct scn_field pod_spec_fields[] = {
    {"containers", FIELD_USED},
    {"terminationGracePeriodSeconds", FIELD_USED},
    {"tolerations", FIELD_USED},
    {"nodeSelector", FIELD_USED},
    {"affinity", FIELD_USED},
    {"priority", FIELD_USED},
    {"restartPolicy", FIELD_USED},
    {"volumes", FIELD_IGNORED},
    {"initContainers", FIELD_IGNORED},
    {"ephemeralContainers", FIELD_IGNORED},
    {"activeDeadlineSeconds", FIELD_IGNORED},
    {"dnsPolicy", FIELD_IGNORED},
    {"serviceAccountName", FIELD_IGNORED},
    {"serviceAccount", FIELD_IGNORED},
    {"automountServiceAccountToken", FIELD_IGNORED},
    {"nodeName", FIELD_IGNORED},
    {"hostNetwork", FIELD_IGNORED},
    {"hostPID", FIELD_IGNORED},
    {"hostIPC", FIELD_IGNORED},
    {"shareProcessNamespace", FIELD_IGNORED},
    {"securityContext", FIELD_IGNORED},
    {"imagePullSecrets", FIELD_IGNORED},
    {"hostname", FIELD_IGNORED},
    {"hostnameOverride", FIELD_IGNORED},
    {"subdomain", FIELD_IGNORED},
    {"schedulerName", FIELD_IGNORED},
    {"hostAliases", FIELD_IGNORED},
    {"priorityClassName", FIELD_IGNORED},
    {"dnsConfig", FIELD_IGNORED},
    {"readinessGates", FIELD_IGNORED},
    {"runtimeClassName", FIELD_IGNORED},
    {"enableServiceLinks", FIELD_IGNORED},
    {"preemptionPolicy", FIELD_IGNORED},
    {"overhead", FIELD_IGNORED},
    {"topologySpreadConstraints", FIELD_IGNORED},
    {"setHostnameAsFQDN", FIELD_IGNORED},
    {"os", FIELD_IGNORED},
    {"hostUsers", FIELD_IGNORED},
    {"schedulingGates", FIELD_IGNORED},
    {"resourceClaims", FIELD_IGNORED},
    {"resources", FIELD_IGNORED},
    {NULL, FIELD_USED},
};

static const struct scn_field container_fields[] = {
    {"name", FIELD_USED},
    {"image", FIELD_USED},
    {"resources", FIELD_USED},
    {"readinessProbe", FIELD_USED},
    {"command", FIELD_IGNORED},
    {"args", FIELD_IGNORED},
    {"workingDir", FIELD_IGNORED},
    {"ports", FIELD_IGNORED},
    {"envFrom", FIELD_IGNORED},
    {"env", FIELD_IGNORED},
    {"resizePolicy", FIELD_IGNORED},
    {"restartPolicy", FIELD_IGNORED},
    {"restartPolicyRules", FIELD_IGNORED},
    {"volumeMounts", FIELD_IGNORED},
    {"volumeDevices", FIELD_IGNORED},
    {"livenessProbe", FIELD_IGNORED},
    {"startupProbe", FIELD_IGNORED},
    {"lifecycle", FIELD_IGNORED},
    {"terminationMessagePath", FIELD_IGNORED},
    {"terminationMessagePolicy", FIELD_IGNORED},
    {"imagePullPolicy", FIELD_IGNORED},
    {"securityContext", FIELD_IGNORED},
    {"stdin", FIELD_IGNORED},
    {"stdinOnce", FIELD_IGNORED},
    {"tty", FIELD_IGNORED},
    {NULL, FIELD_USED},
};

static const struct scn_field resources_fields[] = {
    {"requests", FIELD_USED},
    {"limits", FIELD_IGNORED},
    {"claims", FIELD_IGNORED},
    {NULL, FIELD_USED},
};

/* The probe's handler (how it checks) is accepted as part of the probe without a note:
 * sssim models when a probe passes, not what it runs. */
static const struct scn_field probe_fields[] = {
    {"initialDelaySeconds", FIELD_USED},
    {"periodSeconds", FIELD_USED},
    {"timeoutSeconds", FIELD_USED},
    {"successThreshold", FIELD_USED},
    {"failureThreshold", FIELD_USED},
    {"terminationGracePeriodSeconds", FIELD_IGNORED},
    {"exec", FIELD_SILENT},
    {"httpGet", FIELD_SILENT},
    {"tcpSocket", FIELD_SILENT},
    {"grpc", FIELD_SILENT},
    {NULL, FIELD_USED},
};

/* requests: cpu and memory are modelled; other resource names the API server accepts
 * (ephemeral-storage, hugepages-<size>, domain-prefixed extended resources) are ignored,
 * and anything else is refused as the API server refuses it. */
static int parse_requests(struct scn_ctx *c, const cJSON *res, const char *path,
                          struct resources *r)
{
    const cJSON *req = NULL;
    int rc = scn_get_object(c, res, "requests", path, &req);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char rpath[JP_MAX], sub[JP_MAX];
    jp_key(rpath, path, "requests");
    for (const cJSON *it = req->child; it; it = it->next) {
        const char *k = it->string ? it->string : "";
        jp_key(sub, rpath, k);
        if (strcmp(k, "cpu") == 0) {
            if (scn_cpu_value(c, it, sub, &r->cpu_milli) < 0)
                return -1;
        } else if (strcmp(k, "memory") == 0) {
            if (scn_bytes_value(c, it, sub, &r->memory_bytes) < 0)
                return -1;
        } else if (strcmp(k, "ephemeral-storage") == 0 || strncmp(k, "hugepages-", 10) == 0 ||
                   strchr(k, '/') != NULL) {
            scn_ignore(c, sub);
        } else {
            return scn_fail(c, sub,
                            "a resource name: cpu, memory, ephemeral-storage, hugepages-<size> "
                            "or a domain-prefixed extended resource",
                            "\"%s\"", k);
        }
    }
    return 0;
}

static int parse_probe(struct scn_ctx *c, const cJSON *p, const char *path, struct probe *out)
{
    *out = (struct probe){.present = true,
                          .period_ns = SEC(10),
                          .timeout_ns = SEC(1),
                          .success_threshold = 1,
                          .failure_threshold = 3};
    if (scn_check_object(c, p, path, "a readiness probe", probe_fields) < 0 ||
        scn_get_seconds(c, p, "initialDelaySeconds", path, 0, &out->initial_delay_ns) < 0 ||
        scn_get_seconds(c, p, "periodSeconds", path, 1, &out->period_ns) < 0 ||
        scn_get_seconds(c, p, "timeoutSeconds", path, 1, &out->timeout_ns) < 0 ||
        scn_get_int32(c, p, "successThreshold", path, 1, INT32_MAX, &out->success_threshold) < 0 ||
        scn_get_int32(c, p, "failureThreshold", path, 1, INT32_MAX, &out->failure_threshold) < 0)
        return -1;
    return 0;
}

static int parse_containers(struct scn_ctx *c, const cJSON *spec, const char *path,
                            struct scn_pod_template *t)
{
    const cJSON *arr = NULL;
    char cpath[JP_MAX], item[JP_MAX], sub[JP_MAX];
    jp_key(cpath, path, "containers");
    if (scn_get_array(c, spec, "containers", path, &arr) < 0)
        return -1;
    int n = arr ? cJSON_GetArraySize(arr) : 0;
    if (n == 0)
        return scn_fail_value(c, cpath, "at least one container", arr);
    t->containers = xcalloc((size_t)n, sizeof *t->containers);
    for (const cJSON *it = arr->child; it; it = it->next) {
        jp_index(item, cpath, t->ncontainers);
        struct scn_container *ct = &t->containers[t->ncontainers++];
        if (scn_check_object(c, it, item, "a container", container_fields) < 0 ||
            scn_require_string(c, it, "name", item, "a container name", &ct->name) < 0 ||
            scn_check_name(c, jp_key(sub, item, "name"), ct->name, NAME_DNS_LABEL,
                           "a container name") < 0)
            return -1;
        for (uint32_t k = 0; k + 1 < t->ncontainers; k++)
            if (strcmp(t->containers[k].name, ct->name) == 0)
                return scn_fail(c, sub, "a container name used once in the pod",
                                "\"%s\" a second time", ct->name);
        if (scn_require_string(c, it, "image", item, "a container image such as \"nginx:1.21\"",
                               &ct->image) < 0)
            return -1;
        const cJSON *res = NULL, *probe = NULL;
        if (scn_get_object(c, it, "resources", item, &res) < 0)
            return -1;
        if (res != NULL) {
            jp_key(sub, item, "resources");
            if (scn_check_object(c, res, sub, "container resources", resources_fields) < 0 ||
                parse_requests(c, res, sub, &ct->requests) < 0)
                return -1;
        }
        if (scn_get_object(c, it, "readinessProbe", item, &probe) < 0)
            return -1;
        if (probe != NULL &&
            parse_probe(c, probe, jp_key(sub, item, "readinessProbe"), &ct->readiness) < 0)
            return -1;
    }
    return 0;
}

static const struct scn_field toleration_fields[] = {
    {"key", FIELD_USED},    {"operator", FIELD_USED},          {"value", FIELD_USED},
    {"effect", FIELD_USED}, {"tolerationSeconds", FIELD_USED}, {NULL, FIELD_USED},
};

/* The API server's rules (pkg/apis/core/validation, ValidateTolerations) apply here too. */
static int parse_toleration(struct scn_ctx *c, const cJSON *v, const char *path,
                            struct toleration *tol)
{
    static const char *const ops[] = {"Equal", "Exists", NULL};
    static const char *const effects[] = {"", "NoSchedule", "PreferNoSchedule", "NoExecute", NULL};
    int op = 0, effect = 0;
    char sub[JP_MAX];
    *tol = (struct toleration){.key = "", .op = TOL_EQUAL, .value = ""};
    if (scn_check_object(c, v, path, "a toleration", toleration_fields) < 0 ||
        scn_get_string(c, v, "key", path, &tol->key) < 0 ||
        scn_get_enum(c, v, "operator", path, ops, &op) < 0 ||
        scn_get_string(c, v, "value", path, &tol->value) < 0 ||
        scn_get_enum(c, v, "effect", path, effects, &effect) < 0)
        return -1;
    tol->op = op == 1 ? TOL_EXISTS : TOL_EQUAL;
    tol->effect = (enum taint_effect)effect;
    if (tol->op == TOL_EXISTS && tol->value[0] != '\0')
        return scn_fail(c, jp_key(sub, path, "value"), "no value with operator Exists", "\"%s\"",
                        tol->value);
    if (tol->key[0] == '\0' && tol->op != TOL_EXISTS)
        return scn_fail(c, jp_key(sub, path, "operator"), "operator Exists when the key is empty",
                        "\"Equal\"");
    int rc = scn_get_int(c, v, "tolerationSeconds", path, -(int64_t)SCN_MAX_SAFE_INT,
                         (int64_t)SCN_MAX_SAFE_INT, &tol->seconds);
    if (rc < 0)
        return -1;
    tol->has_seconds = rc == 0;
    if (tol->has_seconds && tol->effect != EFFECT_NO_EXECUTE)
        return scn_fail(c, jp_key(sub, path, "tolerationSeconds"),
                        "tolerationSeconds only with effect NoExecute", "effect \"%s\"",
                        taint_effect_name(tol->effect));
    return 0;
}

static int parse_tolerations(struct scn_ctx *c, const cJSON *spec, const char *path,
                             struct scn_pod_template *t)
{
    const cJSON *arr = NULL;
    int rc = scn_get_array(c, spec, "tolerations", path, &arr);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char tpath[JP_MAX], item[JP_MAX];
    jp_key(tpath, path, "tolerations");
    int n = cJSON_GetArraySize(arr);
    t->tolerations = n > 0 ? xcalloc((size_t)n, sizeof *t->tolerations) : NULL;
    for (const cJSON *it = arr->child; it; it = it->next) {
        if (parse_toleration(c, it, jp_index(item, tpath, t->ntolerations),
                             &t->tolerations[t->ntolerations]) < 0)
            return -1;
        t->ntolerations++;
    }
    return 0;
}

/* --- Zone affinity -------------------------------------------------------------------- */

static const struct scn_field affinity_fields[] = {
    {"nodeAffinity", FIELD_USED},
    {"podAffinity", FIELD_IGNORED},
    {"podAntiAffinity", FIELD_IGNORED},
    {NULL, FIELD_USED},
};
static const struct scn_field node_affinity_fields[] = {
    {"requiredDuringSchedulingIgnoredDuringExecution", FIELD_USED},
    {"preferredDuringSchedulingIgnoredDuringExecution", FIELD_IGNORED},
    {NULL, FIELD_USED},
};
static const struct scn_field selector_fields[] = {
    {"nodeSelectorTerms", FIELD_USED},
    {NULL, FIELD_USED},
};
static const struct scn_field term_fields[] = {
    {"matchExpressions", FIELD_USED},
    {"matchFields", FIELD_IGNORED},
    {NULL, FIELD_USED},
};
static const struct scn_field requirement_fields[] = {
    {"key", FIELD_USED},
    {"operator", FIELD_USED},
    {"values", FIELD_USED},
    {NULL, FIELD_USED},
};

static bool has_zone(const char *const *zones, uint32_t n, const char *z)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(zones[i], z) == 0)
            return true;
    return false;
}

/* One nodeSelectorTerm: the zones its "zone In" expressions allow (ANDed, so intersected).
 * *constrained is false when it has none, i.e. the term allows every zone. */
static int parse_term(struct scn_ctx *c, const cJSON *term, const char *path, const char ***zones,
                      uint32_t *nzones, bool *constrained)
{
    static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", NULL};
    const cJSON *exprs = NULL;
    char epath[JP_MAX], item[JP_MAX];
    *constrained = false;
    if (scn_check_object(c, term, path, "a node selector term", term_fields) < 0 ||
        scn_get_array(c, term, "matchExpressions", path, &exprs) < 0)
        return -1;
    jp_key(epath, path, "matchExpressions");
    size_t i = 0;
    for (const cJSON *e = exprs ? exprs->child : NULL; e; e = e->next, i++) {
        jp_index(item, epath, i);
        const char *key = NULL, **values = NULL;
        uint32_t nvalues = 0;
        int op = -1;
        char sub[JP_MAX];
        if (scn_check_object(c, e, item, "a node selector requirement", requirement_fields) < 0 ||
            scn_require_string(c, e, "key", item, "a label key", &key) < 0 ||
            scn_get_enum(c, e, "operator", item, ops, &op) < 0)
            return -1;
        if (op < 0)
            return scn_fail(c, jp_key(sub, item, "operator"),
                            "one of In, NotIn, Exists, DoesNotExist, Gt or Lt", "nothing");
        if (scn_get_string_array(c, e, "values", item, &values, &nvalues) < 0) {
            free(values);
            return -1;
        }
        if (strcmp(key, ZONE_KEY) != 0 || op != 0) {
            scn_ignore(c, item);
            free(values);
            continue;
        }
        if (nvalues == 0) {
            free(values);
            return scn_fail(c, jp_key(sub, item, "values"), "at least one zone for operator In",
                            "none");
        }
        if (!*constrained) {
            *zones = values;
            *nzones = nvalues;
            *constrained = true;
            continue;
        }
        uint32_t kept = 0;
        for (uint32_t z = 0; z < *nzones; z++)
            if (has_zone(values, nvalues, (*zones)[z]))
                (*zones)[kept++] = (*zones)[z];
        *nzones = kept;
        free(values);
    }
    return 0;
}

/* affinity.nodeAffinity.required...: terms are ORed, so the pod may run in the union of the
 * zones of its terms; one term without a zone expression lets it run anywhere. */
static int parse_affinity(struct scn_ctx *c, const cJSON *spec, const char *path,
                          struct scn_pod_template *t)
{
    const cJSON *aff = NULL, *na = NULL, *req = NULL, *terms = NULL;
    char apath[JP_MAX], napath[JP_MAX], rpath[JP_MAX], tpath[JP_MAX], item[JP_MAX];
    jp_key(apath, path, "affinity");
    jp_key(napath, apath, "nodeAffinity");
    jp_key(rpath, napath, "requiredDuringSchedulingIgnoredDuringExecution");
    jp_key(tpath, rpath, "nodeSelectorTerms");
    if (scn_get_object(c, spec, "affinity", path, &aff) < 0)
        return -1;
    if (aff == NULL)
        return 0;
    if (scn_check_object(c, aff, apath, "an affinity", affinity_fields) < 0 ||
        scn_get_object(c, aff, "nodeAffinity", apath, &na) < 0 ||
        (na && scn_check_object(c, na, napath, "a node affinity", node_affinity_fields) < 0) ||
        (na && scn_get_object(c, na, "requiredDuringSchedulingIgnoredDuringExecution", napath,
                              &req) < 0) ||
        (req && scn_check_object(c, req, rpath, "a node selector", selector_fields) < 0) ||
        (req && scn_get_array(c, req, "nodeSelectorTerms", rpath, &terms) < 0))
        return -1;
    bool anywhere = terms == NULL || cJSON_GetArraySize(terms) == 0;
    size_t i = 0;
    for (const cJSON *term = terms ? terms->child : NULL; term; term = term->next, i++) {
        const char **zones = NULL;
        uint32_t nzones = 0;
        bool constrained = false;
        if (parse_term(c, term, jp_index(item, tpath, i), &zones, &nzones, &constrained) < 0) {
            free(zones);
            return -1;
        }
        anywhere = anywhere || !constrained;
        for (uint32_t z = 0; z < nzones; z++)
            if (!has_zone(t->zones, t->nzones, zones[z])) {
                t->zones = xrealloc(t->zones, (t->nzones + 1) * sizeof *t->zones);
                t->zones[t->nzones++] = zones[z];
            }
        free(zones);
    }
    if (anywhere) {
        free(t->zones);
        t->zones = NULL;
        t->nzones = 0;
    } else if (t->nzones == 0) {
        return scn_fail(c, tpath, "terms that some zone can satisfy",
                        "zone expressions with no zone in common");
    }
    return 0;
}

int scn_parse_pod_spec(struct scn_ctx *c, const cJSON *spec, const char *path,
                       struct scn_pod_template *t)
{
    t->termination_grace_ns = SEC(30);
    if (spec == NULL)
        return scn_fail(c, path, "a pod spec with containers", "nothing");
    if (scn_check_object(c, spec, path, "a pod spec", pod_spec_fields) < 0 ||
        parse_containers(c, spec, path, t) < 0 ||
        scn_get_seconds(c, spec, "terminationGracePeriodSeconds", path, 0,
                        &t->termination_grace_ns) < 0 ||
        parse_tolerations(c, spec, path, t) < 0 ||
        scn_get_string_map(c, spec, "nodeSelector", path, &t->node_selector, &t->nnode_selector) <
            0 ||
        parse_affinity(c, spec, path, t) < 0 ||
        scn_get_int32(c, spec, "priority", path, INT32_MIN, INT32_MAX, &t->priority) < 0)
        return -1;
    const char *restart = NULL;
    if (scn_get_string(c, spec, "restartPolicy", path, &restart) < 0)
        return -1;
    /* The API server accepts only Always for a StatefulSet's pods. */
    if (restart != NULL && strcmp(restart, "Always") != 0) {
        char sub[JP_MAX];
        return scn_fail(c, jp_key(sub, path, "restartPolicy"),
                        "\"Always\" (the only restartPolicy of a StatefulSet's pods)", "\"%s\"",
                        restart);
    }
    return 0;
}
