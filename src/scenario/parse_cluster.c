/* The world of a scenario: cluster nodes and node pools, the Kubernetes settings
 * (upstream defaults) and the latencies of the timings block. */
#include "scenario/scenario_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

#define GIB (INT64_C(1) << 30)
#define DEFAULT_ZONE "zone-a"

/* --- Nodes ---------------------------------------------------------------------------- */

static const struct scn_field allocatable_fields[] = {
    {"cpu", FIELD_USED},
    {"memory", FIELD_USED},
    {"pods", FIELD_USED},
    {NULL, FIELD_USED},
};

static int parse_allocatable(struct scn_ctx *c, const cJSON *obj, const char *path,
                             struct resources *r)
{
    r->cpu_milli = 4000;
    r->memory_bytes = 16 * GIB;
    r->pods = 110;
    const cJSON *a = NULL;
    int rc = scn_get_object(c, obj, "allocatable", path, &a);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char sub[JP_MAX], item[JP_MAX];
    jp_key(sub, path, "allocatable");
    if (scn_check_object(c, a, sub, "node allocatable resources", allocatable_fields) < 0)
        return -1;
    const cJSON *v;
    if ((v = scn_field(a, "cpu")) &&
        scn_cpu_value(c, v, jp_key(item, sub, "cpu"), &r->cpu_milli) < 0)
        return -1;
    if ((v = scn_field(a, "memory")) &&
        scn_bytes_value(c, v, jp_key(item, sub, "memory"), &r->memory_bytes) < 0)
        return -1;
    if (scn_get_int(c, a, "pods", sub, 0, SCN_MAX_REPLICAS, &r->pods) < 0)
        return -1;
    return 0;
}

/* Labels, taints, allocatable and unschedulable: what a node and a node pool share. */
static int parse_node_common(struct scn_ctx *c, const cJSON *obj, const char *path,
                             struct scn_node *n)
{
    if (parse_allocatable(c, obj, path, &n->allocatable) < 0 ||
        scn_get_string_map(c, obj, "labels", path, &n->labels, &n->nlabels) < 0 ||
        scn_get_bool(c, obj, "unschedulable", path, &n->unschedulable) < 0)
        return -1;
    const cJSON *taints = NULL;
    int rc = scn_get_array(c, obj, "taints", path, &taints);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char sub[JP_MAX], item[JP_MAX];
    jp_key(sub, path, "taints");
    int size = cJSON_GetArraySize(taints);
    n->taints = size > 0 ? xcalloc((size_t)size, sizeof *n->taints) : NULL;
    const cJSON *t;
    cJSON_ArrayForEach(t, taints)
    {
        if (scn_taint_value(c, t, jp_index(item, sub, n->ntaints), &n->taints[n->ntaints]) < 0)
            return -1;
        n->ntaints++;
    }
    return 0;
}

static struct scn_node *add_node(struct scn_ctx *c)
{
    struct scn_node zero = {0};
    VEC_PUSH(c->s->nodes, c->s->nnodes, c->nodes_cap, zero);
    return &c->s->nodes[c->s->nnodes - 1];
}

/* Copy a pool's template node: the arrays are the pool's own, so each node gets copies. */
static void copy_node_arrays(struct scn_node *dst, const struct scn_node *src)
{
    if (src->nlabels) {
        dst->labels = xmalloc(src->nlabels * sizeof *dst->labels);
        memcpy(dst->labels, src->labels, src->nlabels * sizeof *dst->labels);
    }
    if (src->ntaints) {
        dst->taints = xmalloc(src->ntaints * sizeof *dst->taints);
        memcpy(dst->taints, src->taints, src->ntaints * sizeof *dst->taints);
    }
}

static const struct scn_field node_fields[] = {
    {"name", FIELD_USED},   {"zone", FIELD_USED},   {"allocatable", FIELD_USED},
    {"labels", FIELD_USED}, {"taints", FIELD_USED}, {"unschedulable", FIELD_USED},
    {NULL, FIELD_USED},
};

static const struct scn_field pool_fields[] = {
    {"prefix", FIELD_USED},        {"count", FIELD_USED},  {"zones", FIELD_USED},
    {"allocatable", FIELD_USED},   {"labels", FIELD_USED}, {"taints", FIELD_USED},
    {"unschedulable", FIELD_USED}, {NULL, FIELD_USED},
};

static int parse_nodes(struct scn_ctx *c, const cJSON *nodes, const char *path)
{
    char item[JP_MAX], sub[JP_MAX];
    size_t i = 0;
    for (const cJSON *n = nodes->child; n; n = n->next, i++) {
        jp_index(item, path, i);
        if (scn_check_object(c, n, item, "a node", node_fields) < 0)
            return -1;
        struct scn_node *node = add_node(c);
        node->zone = DEFAULT_ZONE;
        if (scn_require_string(c, n, "name", item, "a node name", &node->name) < 0 ||
            scn_check_name(c, jp_key(sub, item, "name"), node->name, NAME_DNS_SUBDOMAIN,
                           "a node name") < 0 ||
            scn_get_string(c, n, "zone", item, &node->zone) < 0)
            return -1;
        if (node->zone[0] == '\0')
            return scn_fail(c, jp_key(sub, item, "zone"), "a non-empty zone name", "\"\"");
        if (parse_node_common(c, n, item, node) < 0)
            return -1;
    }
    return 0;
}

static int parse_pool(struct scn_ctx *c, const cJSON *p, const char *path)
{
    char sub[JP_MAX];
    if (scn_check_object(c, p, path, "a node pool", pool_fields) < 0)
        return -1;
    const char *prefix = NULL;
    int64_t count = 0;
    if (scn_require_string(c, p, "prefix", path, "a node name prefix", &prefix) < 0)
        return -1;
    int rc = scn_get_int(c, p, "count", path, 0, SCN_MAX_COUNT, &count);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return scn_fail(c, jp_key(sub, path, "count"), "a number of nodes", "nothing");
    if ((int64_t)c->s->nnodes + count > SCN_MAX_COUNT)
        return scn_fail(c, jp_key(sub, path, "count"), "at most 100000 nodes in all",
                        "%lld more after %u", (long long)count, c->s->nnodes);
    const char **zones = NULL;
    uint32_t nzones = 0;
    int zrc = scn_get_string_array(c, p, "zones", path, &zones, &nzones);
    if (zrc < 0) {
        free(zones);
        return -1;
    }
    /* A missing list means ["zone-a"]; an empty one is a mistake, not that default. */
    if (zrc == 0 && nzones == 0)
        return scn_fail(c, jp_key(sub, path, "zones"), "at least one zone", "an empty array");
    for (uint32_t z = 0; z < nzones; z++)
        if (zones[z][0] == '\0') {
            char item[JP_MAX];
            free(zones);
            return scn_fail(c, jp_index(item, jp_key(sub, path, "zones"), z),
                            "a non-empty zone name", "\"\"");
        }
    /* The pool's common fields are parsed once into a template node that is then copied;
     * it is freed here on every path. */
    struct scn_node tmpl = {0};
    if (parse_node_common(c, p, path, &tmpl) < 0)
        goto out_free;
    char name[320];
    snprintf(name, sizeof name, "%s-%lld", prefix, (long long)(count > 0 ? count - 1 : 0));
    if (scn_check_name(c, jp_key(sub, path, "prefix"), name, NAME_DNS_SUBDOMAIN,
                       "a prefix that makes node names \"<prefix>-<i>\"") < 0)
        goto out_free;
    for (int64_t i = 0; i < count; i++) {
        struct scn_node *node = add_node(c);
        *node = tmpl;
        node->labels = NULL;
        node->taints = NULL;
        copy_node_arrays(node, &tmpl);
        node->name = arena_printf(c->s->arena, "%s-%lld", prefix, (long long)i);
        node->zone = nzones > 0 ? zones[i % nzones] : DEFAULT_ZONE;
    }
    free(tmpl.labels);
    free(tmpl.taints);
    free(zones);
    return 0;
out_free:
    free(tmpl.labels);
    free(tmpl.taints);
    free(zones);
    return -1;
}

struct node_ref {
    const char *name;
    uint32_t index;
};

static int compare_node_ref(const void *a, const void *b)
{
    const struct node_ref *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    if (d != 0)
        return d;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Node names must be unique; sorting finds duplicates among large pools quickly. */
static int check_unique_nodes(struct scn_ctx *c, const cJSON *cluster)
{
    const struct scenario *s = c->s;
    struct node_ref *order = xmalloc(s->nnodes * sizeof *order);
    for (uint32_t i = 0; i < s->nnodes; i++)
        order[i] = (struct node_ref){s->nodes[i].name, i};
    qsort(order, s->nnodes, sizeof *order, compare_node_ref);
    int rc = 0;
    for (uint32_t i = 1; i < s->nnodes && rc == 0; i++) {
        if (strcmp(order[i - 1].name, order[i].name) != 0)
            continue;
        /* Name the later definition: an explicit node or the pool that made it. */
        uint32_t dup = order[i].index;
        const cJSON *nodes = scn_field(cluster, "nodes");
        int nexplicit = cJSON_IsArray(nodes) ? cJSON_GetArraySize(nodes) : 0;
        char path[JP_MAX];
        if ((int)dup < nexplicit) {
            snprintf(path, sizeof path, "$.cluster.nodes[%u].name", dup);
        } else {
            const cJSON *pools = scn_field(cluster, "nodePools");
            uint32_t base = (uint32_t)nexplicit, k = 0;
            const cJSON *p;
            cJSON_ArrayForEach(p, pools)
            {
                const cJSON *cv = scn_field(p, "count");
                int64_t cnt = cJSON_IsNumber(cv) ? (int64_t)cv->valuedouble : 0;
                if (dup < base + cnt)
                    break;
                base += (uint32_t)cnt;
                k++;
            }
            snprintf(path, sizeof path, "$.cluster.nodePools[%u].prefix", k);
        }
        rc = scn_fail(c, path, "a node name used once", "\"%s\" a second time", s->nodes[dup].name);
    }
    free(order);
    return rc;
}

static const struct scn_field cluster_fields[] = {
    {"nodes", FIELD_USED},
    {"nodePools", FIELD_USED},
    {NULL, FIELD_USED},
};

int scn_parse_cluster(struct scn_ctx *c, const cJSON *root)
{
    const cJSON *cluster = NULL, *nodes = NULL, *pools = NULL;
    int rc = scn_get_object(c, root, "cluster", "$", &cluster);
    if (rc < 0)
        return -1;
    if (rc == 1)
        return scn_fail(c, "$.cluster", "a cluster with at least one node", "nothing");
    const char *path = "$.cluster";
    if (scn_check_object(c, cluster, path, "the cluster", cluster_fields) < 0 ||
        scn_get_array(c, cluster, "nodes", path, &nodes) < 0 ||
        scn_get_array(c, cluster, "nodePools", path, &pools) < 0)
        return -1;
    if (nodes != NULL && parse_nodes(c, nodes, "$.cluster.nodes") < 0)
        return -1;
    char item[JP_MAX];
    size_t i = 0;
    for (const cJSON *p = pools ? pools->child : NULL; p; p = p->next, i++)
        if (parse_pool(c, p, jp_index(item, "$.cluster.nodePools", i)) < 0)
            return -1;
    if (c->s->nnodes == 0)
        return scn_fail(c, path, "at least one node in cluster.nodes or cluster.nodePools",
                        "no nodes");
    return check_unique_nodes(c, cluster);
}

/* --- Kubernetes settings -------------------------------------------------------------- */

static const struct scn_field k8s_fields[] = {
    {"version", FIELD_USED},
    {"nodeMonitorGracePeriod", FIELD_USED},
    {"nodeMonitorPeriod", FIELD_USED},
    {"nodeStartupGracePeriod", FIELD_USED},
    {"nodeLeaseDuration", FIELD_USED},
    {"nodeStatusUpdateFrequency", FIELD_USED},
    {"defaultTolerationSeconds", FIELD_USED},
    {"defaultNotReadyTolerationSeconds", FIELD_USED},
    {"defaultUnreachableTolerationSeconds", FIELD_USED},
    {"nodeEvictionRate", FIELD_USED},
    {"secondaryNodeEvictionRate", FIELD_USED},
    {"unhealthyZoneThreshold", FIELD_USED},
    {"largeClusterSizeThreshold", FIELD_USED},
    {"podGCPeriod", FIELD_USED},
    {"podGCOrphanQuarantine", FIELD_USED},
    {"podGCTerminatedThreshold", FIELD_USED},
    {"attachDetachReconcilerPeriod", FIELD_USED},
    {"maxWaitForUnmountDuration", FIELD_USED},
    {"disableForceDetachOnTimeout", FIELD_USED},
    {"shutdownGracePeriod", FIELD_USED},
    {"shutdownGracePeriodCriticalPods", FIELD_USED},
    {"crashLoopBackOffInitial", FIELD_USED},
    {"crashLoopBackOffMax", FIELD_USED},
    {"schedulerInitialBackoff", FIELD_USED},
    {"schedulerMaxBackoff", FIELD_USED},
    {"schedulerUnschedulableFlush", FIELD_USED},
    {"featureGates", FIELD_USED},
    {"taintEvictionBroken", FIELD_USED},
    {NULL, FIELD_USED},
};

/* The modelled Kubernetes versions, 1.26 to 1.36, by minor. */
#define MINOR_FIRST 26
#define MINOR_DEFAULT 34
static const char *const version_names[] = {"1.26", "1.27", "1.28", "1.29", "1.30", "1.31",
                                            "1.32", "1.33", "1.34", "1.35", "1.36"};

/* "1.31", "v1.31" or "1.31.4" -> minor 31; -1 for anything else or a version not modelled. */
static int version_minor(const char *p)
{
    if (*p == 'v')
        p++;
    char *end = NULL;
    long m = -1;
    if (strncmp(p, "1.", 2) == 0 && p[2] >= '0' && p[2] <= '9')
        m = strtol(p + 2, &end, 10);
    bool patch_ok =
        end != NULL && (*end == '\0' || (*end == '.' && end[1] >= '0' && end[1] <= '9' &&
                                         strspn(end + 1, "0123456789") == strlen(end + 1)));
    if (m < MINOR_FIRST || m >= MINOR_FIRST + (long)ARRAY_LEN(version_names) || !patch_ok)
        return -1;
    return (int)m;
}

static int parse_version(struct scn_ctx *c, const cJSON *k, int *minor)
{
    const cJSON *v = scn_field(k, "version");
    if (v == NULL)
        return 0;
    const char *expected = "a Kubernetes version from \"1.26\" to \"1.36\"";
    if (cJSON_IsNumber(v))
        return scn_fail_value(c, "$.kubernetes.version",
                              "a version string such as \"1.31\" (a JSON number cannot tell "
                              "1.3 from 1.30)",
                              v);
    int m = -1;
    if (cJSON_IsString(v) && v->valuestring != NULL)
        m = version_minor(v->valuestring);
    if (m < 0)
        return scn_fail_value(c, "$.kubernetes.version", expected, v);
    *minor = m;
    return 0;
}

static const struct scn_field gate_fields[] = {
    {"MaxUnavailableStatefulSet", FIELD_USED},
    {NULL, FIELD_USED},
};

static int parse_gates(struct scn_ctx *c, const cJSON *k, struct scn_kubernetes *out)
{
    const cJSON *g = NULL;
    int rc = scn_get_object(c, k, "featureGates", "$.kubernetes", &g);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    const char *path = "$.kubernetes.featureGates";
    char sub[JP_MAX];
    /* Gate names are an open set upstream; only MaxUnavailableStatefulSet changes what
     * sssim does. Any other gate must still be a boolean and is listed as ignored. */
    for (const cJSON *it = g->child; it; it = it->next) {
        jp_key(sub, path, it->string ? it->string : "");
        if (!cJSON_IsBool(it))
            return scn_fail_value(c, sub, "true or false", it);
        if (strcmp(it->string ? it->string : "", gate_fields[0].name) != 0)
            scn_ignore(c, sub);
    }
    return scn_get_bool(c, g, "MaxUnavailableStatefulSet", path,
                        &out->gate_max_unavailable_statefulset) < 0
               ? -1
               : 0;
}

/* The one place of the Kubernetes defaults: those of version 1.<minor>, a modelled one. */
static void kubernetes_defaults(struct scn_kubernetes *k, int minor)
{
    k->version = version_names[minor - MINOR_FIRST];
    /* Kubernetes v1.32 raised the default node-monitor-grace-period from 40 s to 50 s. */
    k->node_monitor_grace_ns = SEC(minor < 32 ? 40 : 50);
    k->node_monitor_period_ns = SEC(5);
    k->node_startup_grace_ns = SEC(60);
    k->node_lease_duration_ns = SEC(40);
    k->node_status_update_ns = SEC(10);
    k->not_ready_toleration_s = 300;
    k->unreachable_toleration_s = 300;
    k->node_eviction_rate = 0.1;
    k->secondary_node_eviction_rate = 0.01;
    k->unhealthy_zone_threshold = 0.55;
    k->large_cluster_size_threshold = 50;
    k->pod_gc_period_ns = SEC(20);
    k->pod_gc_quarantine_ns = SEC(40);
    k->pod_gc_terminated_threshold = 12500;
    k->ad_reconciler_period_ns = MSEC(100);
    k->max_wait_for_unmount_ns = SEC(6 * 60);
    k->disable_force_detach_on_timeout = false;
    k->shutdown_grace_ns = 0;
    k->shutdown_grace_critical_ns = 0;
    k->crashloop_initial_ns = SEC(10);
    k->crashloop_max_ns = SEC(300);
    k->sched_initial_backoff_ns = SEC(1);
    k->sched_max_backoff_ns = SEC(10);
    k->sched_unschedulable_flush_ns = SEC(5 * 60);
    k->gate_max_unavailable_statefulset = false;
    k->taint_eviction_broken = false;
}

void scenario_kubernetes_defaults(struct scn_kubernetes *k, const char *version)
{
    int minor = version == NULL ? MINOR_DEFAULT : version_minor(version);
    if (minor < 0) {
        fprintf(stderr, "scenario_kubernetes_defaults: version \"%s\" is not modelled\n", version);
        abort();
    }
    kubernetes_defaults(k, minor);
}

int scn_parse_kubernetes(struct scn_ctx *c, const cJSON *root)
{
    struct scn_kubernetes *k = &c->s->k8s;
    const cJSON *obj = NULL;
    int minor = MINOR_DEFAULT;
    int rc = scn_get_object(c, root, "kubernetes", "$", &obj);
    if (rc < 0)
        return -1;
    if (rc == 0 &&
        (scn_check_object(c, obj, "$.kubernetes", "the kubernetes settings", k8s_fields) < 0 ||
         parse_version(c, obj, &minor) < 0))
        return -1;
    kubernetes_defaults(k, minor);
    if (obj == NULL)
        return 0;
    const char *p = "$.kubernetes";
    const int64_t max_s = (int64_t)SCN_MAX_SAFE_INT;
    int64_t both = -1;
    if (scn_get_period(c, obj, "nodeMonitorGracePeriod", p, &k->node_monitor_grace_ns) < 0 ||
        scn_get_period(c, obj, "nodeMonitorPeriod", p, &k->node_monitor_period_ns) < 0 ||
        scn_get_duration(c, obj, "nodeStartupGracePeriod", p, &k->node_startup_grace_ns) < 0 ||
        scn_get_period(c, obj, "nodeLeaseDuration", p, &k->node_lease_duration_ns) < 0 ||
        scn_get_period(c, obj, "nodeStatusUpdateFrequency", p, &k->node_status_update_ns) < 0 ||
        scn_get_int(c, obj, "defaultTolerationSeconds", p, 0, max_s, &both) < 0)
        return -1;
    if (both >= 0)
        k->not_ready_toleration_s = k->unreachable_toleration_s = both;
    if (scn_get_int(c, obj, "defaultNotReadyTolerationSeconds", p, 0, max_s,
                    &k->not_ready_toleration_s) < 0 ||
        scn_get_int(c, obj, "defaultUnreachableTolerationSeconds", p, 0, max_s,
                    &k->unreachable_toleration_s) < 0 ||
        scn_get_number(c, obj, "nodeEvictionRate", p, 0, INFINITY, &k->node_eviction_rate) < 0 ||
        scn_get_number(c, obj, "secondaryNodeEvictionRate", p, 0, INFINITY,
                       &k->secondary_node_eviction_rate) < 0 ||
        scn_get_number(c, obj, "unhealthyZoneThreshold", p, 0, 1, &k->unhealthy_zone_threshold) <
            0 ||
        scn_get_int32(c, obj, "largeClusterSizeThreshold", p, 0, INT32_MAX,
                      &k->large_cluster_size_threshold) < 0 ||
        scn_get_period(c, obj, "podGCPeriod", p, &k->pod_gc_period_ns) < 0 ||
        scn_get_duration(c, obj, "podGCOrphanQuarantine", p, &k->pod_gc_quarantine_ns) < 0 ||
        scn_get_int32(c, obj, "podGCTerminatedThreshold", p, 0, INT32_MAX,
                      &k->pod_gc_terminated_threshold) < 0 ||
        scn_get_period(c, obj, "attachDetachReconcilerPeriod", p, &k->ad_reconciler_period_ns) <
            0 ||
        scn_get_duration(c, obj, "maxWaitForUnmountDuration", p, &k->max_wait_for_unmount_ns) < 0 ||
        scn_get_bool(c, obj, "disableForceDetachOnTimeout", p,
                     &k->disable_force_detach_on_timeout) < 0 ||
        scn_get_duration(c, obj, "shutdownGracePeriod", p, &k->shutdown_grace_ns) < 0 ||
        scn_get_duration(c, obj, "shutdownGracePeriodCriticalPods", p,
                         &k->shutdown_grace_critical_ns) < 0 ||
        scn_get_period(c, obj, "crashLoopBackOffInitial", p, &k->crashloop_initial_ns) < 0 ||
        scn_get_period(c, obj, "crashLoopBackOffMax", p, &k->crashloop_max_ns) < 0 ||
        scn_get_period(c, obj, "schedulerInitialBackoff", p, &k->sched_initial_backoff_ns) < 0 ||
        scn_get_period(c, obj, "schedulerMaxBackoff", p, &k->sched_max_backoff_ns) < 0 ||
        scn_get_period(c, obj, "schedulerUnschedulableFlush", p, &k->sched_unschedulable_flush_ns) <
            0 ||
        parse_gates(c, obj, k) < 0 ||
        scn_get_bool(c, obj, "taintEvictionBroken", p, &k->taint_eviction_broken) < 0)
        return -1;
    /* The kubelet refuses a critical-pod share larger than the whole period
     * (pkg/kubelet/apis/config/validation, ValidateKubeletConfiguration). */
    if (k->shutdown_grace_critical_ns > k->shutdown_grace_ns)
        return scn_fail_value(c, "$.kubernetes.shutdownGracePeriodCriticalPods",
                              "at most shutdownGracePeriod",
                              scn_field(obj, "shutdownGracePeriodCriticalPods"));
    if (k->crashloop_initial_ns > k->crashloop_max_ns)
        return scn_fail(c, "$.kubernetes.crashLoopBackOffMax", "at least crashLoopBackOffInitial",
                        "a shorter back-off");
    if (k->sched_initial_backoff_ns > k->sched_max_backoff_ns)
        return scn_fail(c, "$.kubernetes.schedulerMaxBackoff", "at least schedulerInitialBackoff",
                        "a shorter back-off");
    return 0;
}

/* --- Timings -------------------------------------------------------------------------- */

void scenario_timing_defaults(struct scn_timings *t)
{
    t->watch = dist_constant(MSEC(10));
    t->schedule = dist_constant(MSEC(50));
    t->provision = dist_constant(SEC(2));
    t->attach = (struct dist){.kind = DIST_LOGNORMAL, .median = SEC(8), .sigma = 0.4};
    t->detach = (struct dist){.kind = DIST_LOGNORMAL, .median = SEC(5), .sigma = 0.4};
    t->mount = dist_constant(SEC(1));
    t->unmount = dist_constant(MSEC(500));
    t->image_pull = dist_constant(SEC(3));
    t->container_start = dist_constant(SEC(1));
    t->app_startup = dist_constant(0);
    t->app_shutdown = dist_constant(SEC(2));
    t->node_boot = dist_constant(SEC(60));
}

int scn_parse_timings(struct scn_ctx *c, const cJSON *root)
{
    struct scn_timings *t = &c->s->timings;
    const struct {
        const char *name;
        struct dist *d;
    } table[] = {
        {"watch", &t->watch},
        {"schedule", &t->schedule},
        {"provision", &t->provision},
        {"attach", &t->attach},
        {"detach", &t->detach},
        {"mount", &t->mount},
        {"unmount", &t->unmount},
        {"imagePull", &t->image_pull},
        {"containerStart", &t->container_start},
        {"appStartup", &t->app_startup},
        {"appShutdown", &t->app_shutdown},
        {"nodeBoot", &t->node_boot},
    };
    scenario_timing_defaults(t);
    struct scn_field fields[ARRAY_LEN(table) + 1];
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        fields[i] = (struct scn_field){table[i].name, FIELD_USED};
    fields[ARRAY_LEN(table)] = (struct scn_field){NULL, FIELD_USED};
    const cJSON *obj = NULL;
    int rc = scn_get_object(c, root, "timings", "$", &obj);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (scn_check_object(c, obj, "$.timings", "the timings", fields) < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        if (scn_get_latency(c, obj, table[i].name, "$.timings", table[i].d) < 0)
            return -1;
    return 0;
}
