/* Unit tests of the scenario loader: a full scenario parses with the right values and
 * defaults, every validation error names the right JSON path, ignored fields are listed
 * once, overrides work, and bad input of every kind is an error rather than a crash.
 * Scenario JSON is written inline with ' for " (see json()), and mutated through --set
 * overrides to make each bad case from one good scenario. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/simtime.h"
#include "scenario/scenario.h"

#define GIB (INT64_C(1) << 30)
#define MIB (INT64_C(1) << 20)

/* The test's JSON uses ' for " so that it stays readable in C; no value needs a '. */
static char *json(const char *text)
{
    char *s = strdup(text);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

static struct scenario *parse_with(const char *file, const char *text,
                                   const struct scn_override *ov, size_t nov, struct scn_error *err)
{
    char *j = json(text);
    struct scenario *s = scenario_parse(file, j, strlen(j), ov, nov, err);
    free(j);
    return s;
}

static struct scenario *parse_ok(const char *text)
{
    struct scn_error err;
    struct scenario *s = parse_with("test.json", text, NULL, 0, &err);
    if (s == NULL) {
        char line[1600];
        scn_error_format(&err, line, sizeof line);
        print_error("unexpected error: %s\n", line);
    }
    assert_non_null(s);
    return s;
}

static bool has_ignored(const struct scenario *s, const char *path)
{
    int n = 0;
    for (uint32_t i = 0; i < s->nignored; i++)
        n += strcmp(s->ignored[i], path) == 0;
    assert_true(n <= 1); /* each path once */
    return n == 1;
}

/* A scenario that uses every part of the format. */
static const char good_1[] =
    "{'name': 'good', 'description': 'd', 'seed': 42, 'until': '1h', 'maxEvents': 1000,"
    " 'cluster': {"
    "  'nodes': ["
    "   {'name': 'node-a', 'zone': 'zone-a', 'allocatable': {'cpu': '8', 'memory': '32Gi',"
    "    'pods': 50}, 'labels': {'disk': 'ssd'}, 'taints': ['dedicated=db:NoSchedule'],"
    "    'unschedulable': false},"
    "   {'name': 'node-b', 'zone': 'zone-b',"
    "    'taints': [{'key': 'k', 'value': 'v', 'effect': 'NoExecute'}]}],"
    "  'nodePools': [{'prefix': 'pool', 'count': 3, 'zones': ['zone-a', 'zone-c'],"
    "   'allocatable': {'cpu': 2.5, 'memory': 1073741824}, 'labels': {'pool': 'p'}}]},";
static const char good_2[] =
    " 'kubernetes': {'version': '1.33', 'nodeMonitorGracePeriod': '40s',"
    "  'nodeMonitorPeriod': '5s', 'nodeStartupGracePeriod': '1m', 'nodeLeaseDuration': '40s',"
    "  'nodeStatusUpdateFrequency': '10s', 'defaultTolerationSeconds': 120,"
    "  'defaultUnreachableTolerationSeconds': 60, 'nodeEvictionRate': 0.2,"
    "  'secondaryNodeEvictionRate': 0.02, 'unhealthyZoneThreshold': 0.5,"
    "  'largeClusterSizeThreshold': 10, 'podGCPeriod': '20s', 'podGCOrphanQuarantine': '40s',"
    "  'podGCTerminatedThreshold': 100, 'attachDetachReconcilerPeriod': '100ms',"
    "  'maxWaitForUnmountDuration': '6m', 'disableForceDetachOnTimeout': true,"
    "  'shutdownGracePeriod': '30s', 'shutdownGracePeriodCriticalPods': '10s',"
    "  'crashLoopBackOffInitial': '10s', 'crashLoopBackOffMax': '5m',"
    "  'schedulerInitialBackoff': '1s', 'schedulerMaxBackoff': '10s',"
    "  'schedulerUnschedulableFlush': '5m',"
    "  'featureGates': {'MaxUnavailableStatefulSet': true, 'SomeOtherGate': false},"
    "  'taintEvictionBroken': false},"
    " 'timings': {'watch': '20ms', 'schedule': 0.1,"
    "  'provision': {'dist': 'uniform', 'min': '1s', 'max': '3s'},"
    "  'attach': {'dist': 'lognormal', 'median': '8s', 'sigma': 0.5},"
    "  'detach': {'dist': 'exponential', 'mean': '5s'},"
    "  'mount': {'dist': 'constant', 'value': '2s'},"
    "  'unmount': {'dist': 'gamma', 'shape': 2, 'mean': '1s'},"
    "  'imagePull': {'dist': 'weibull', 'shape': 1.5, 'scale': '20s'},"
    "  'containerStart': {'dist': 'empirical', 'samples': ['1s', '2s', 3]},"
    "  'appStartup': '5s', 'appShutdown': '1s', 'nodeBoot': '90s'},";
static const char good_3[] =
    " 'objects': ["
    "  {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'nginx',"
    "   'labels': {'app': 'nginx'}}, 'spec': {'clusterIP': 'None',"
    "   'selector': {'app': 'nginx'}, 'ports': [{'port': 80}]}},"
    "  {'apiVersion': 'apps/v1', 'kind': 'StatefulSet', 'metadata': {'name': 'web',"
    "   'namespace': 'default', 'labels': {'a': 'b'}, 'annotations': {'x': 'y'}},"
    "   'spec': {'replicas': 3, 'serviceName': 'nginx', 'podManagementPolicy': 'Parallel',"
    "    'updateStrategy': {'type': 'RollingUpdate',"
    "     'rollingUpdate': {'partition': 1, 'maxUnavailable': '50%'}},"
    "    'minReadySeconds': 5, 'ordinals': {'start': 1},"
    "    'persistentVolumeClaimRetentionPolicy': {'whenDeleted': 'Delete',"
    "     'whenScaled': 'Retain'},"
    "    'revisionHistoryLimit': 5, 'selector': {'matchLabels': {'app': 'nginx'}},"
    "    'template': {'metadata': {'labels': {'app': 'nginx', 'tier': 'web'},"
    "      'annotations': {'n': '1'}},"
    "     'spec': {'containers': ["
    "       {'name': 'nginx', 'image': 'nginx:1.21', 'ports': [{'containerPort': 80}],"
    "        'resources': {'requests': {'cpu': '500m', 'memory': '512Mi'},"
    "         'limits': {'cpu': '1'}},"
    "        'readinessProbe': {'httpGet': {'path': '/', 'port': 80},"
    "         'initialDelaySeconds': 5, 'periodSeconds': 2, 'timeoutSeconds': 1,"
    "         'successThreshold': 2, 'failureThreshold': 4},"
    "        'env': [{'name': 'A', 'value': '1'}]},"
    "       {'name': 'sidecar', 'image': 'busybox', 'ports': [{'containerPort': 81}]}],"
    "      'terminationGracePeriodSeconds': 10,"
    "      'tolerations': [{'key': 'node.kubernetes.io/unreachable', 'operator': 'Exists',"
    "        'effect': 'NoExecute', 'tolerationSeconds': 30},"
    "       {'key': 'dedicated', 'operator': 'Equal', 'value': 'db', 'effect': 'NoSchedule'}],"
    "      'nodeSelector': {'disk': 'ssd'},"
    "      'affinity': {'nodeAffinity': {'requiredDuringSchedulingIgnoredDuringExecution':"
    "       {'nodeSelectorTerms': [{'matchExpressions': [{'key':"
    "        'topology.kubernetes.io/zone', 'operator': 'In',"
    "        'values': ['zone-a', 'zone-b']}]}]}}},"
    "      'priority': 100, 'priorityClassName': 'high', 'restartPolicy': 'Always'}},"
    "    'volumeClaimTemplates': [{'metadata': {'name': 'www'}, 'spec': {"
    "     'accessModes': ['ReadWriteOnce'], 'storageClassName': 'fast',"
    "     'resources': {'requests': {'storage': '1Gi'}}}}]}},";
static const char good_4[] =
    "  {'apiVersion': 'storage.k8s.io/v1', 'kind': 'StorageClass', 'metadata': {'name': 'fast',"
    "   'annotations': {'storageclass.kubernetes.io/is-default-class': 'true'}},"
    "   'provisioner': 'x', 'volumeBindingMode': 'WaitForFirstConsumer',"
    "   'allowedTopologies': [{'matchLabelExpressions': [{'key':"
    "    'topology.kubernetes.io/zone', 'values': ['zone-a']}]}]},"
    "  {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'cfg'},"
    "   'data': {'a': 'b'}}],"
    " 'faults': ["
    "  {'at': '2m', 'do': 'nodeCrash', 'node': {'hosting': 'web-1'}},"
    "  {'at': 130, 'do': 'nodeRecover', 'node': 'node-a', 'bootTime': '30s'},"
    "  {'at': '3m', 'do': 'zoneOutage', 'zone': 'zone-c'},"
    "  {'at': '4m', 'do': 'taint', 'node': 'pool-0',"
    "   'taint': 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute'},"
    "  {'at': '5m', 'do': 'podForceDelete', 'pod': 'web-2'},"
    "  {'at': '6m', 'do': 'containerCrash', 'pod': 'web-3', 'container': 'sidecar',"
    "   'times': 3, 'for': '1m'},"
    "  {'at': '7m', 'do': 'scale', 'statefulSet': 'web', 'replicas': 5},"
    "  {'at': '8m', 'do': 'updateImage', 'statefulSet': 'web', 'image': 'nginx:1.22',"
    "   'container': 'nginx'},"
    "  {'at': '9m', 'do': 'volumeLoss', 'claim': 'www-web-1'},"
    "  {'at': '10m', 'do': 'drain', 'node': 'node-b'}],"
    " 'expect': {'invariants': ['atMostOnePerIdentity', 'stableStorage'],"
    "  'violations': ['orderedCreation'],"
    "  'metrics': [{'metric': 'recoverySeconds', 'fault': 0, 'max': 1500},"
    "   {'metric': 'readyAt', 'pod': 'web-1', 'min': 0}, {'metric': 'events', 'max': 1e6}]}}";

/* The pieces joined (one literal would pass the 4095 characters C11 promises). */
static int build_good(void **state)
{
    const char *parts[] = {good_1, good_2, good_3, good_4};
    size_t n = 1;
    for (size_t i = 0; i < 4; i++)
        n += strlen(parts[i]);
    char *g = malloc(n);
    g[0] = '\0';
    for (size_t i = 0; i < 4; i++)
        strcat(g, parts[i]);
    *state = g;
    return 0;
}

static int free_good(void **state)
{
    free(*state);
    return 0;
}

static const char minimal[] = "{'cluster': {'nodes': [{'name': 'n1'}]}}";

static void full_scenario_parses_cluster_and_settings(void **state)
{
    const char *good = *state;
    struct scenario *s = parse_ok(good);
    assert_string_equal(s->name, "good");
    assert_string_equal(s->file, "test.json");
    assert_int_equal(s->seed, 42);
    assert_int_equal(s->until, SEC(3600));
    assert_int_equal(s->max_events, 1000);
    assert_int_equal(s->nnodes, 5);
    const struct scn_node *a = &s->nodes[0], *b = &s->nodes[1];
    assert_int_equal(a->allocatable.cpu_milli, 8000);
    assert_int_equal(a->allocatable.memory_bytes, 32 * GIB);
    assert_int_equal(a->allocatable.pods, 50);
    assert_int_equal(a->nlabels, 1);
    assert_string_equal(a->labels[0].value, "ssd");
    assert_int_equal(a->ntaints, 1);
    assert_string_equal(a->taints[0].key, "dedicated");
    assert_string_equal(a->taints[0].value, "db");
    assert_int_equal(a->taints[0].effect, EFFECT_NO_SCHEDULE);
    assert_string_equal(b->zone, "zone-b");
    assert_int_equal(b->taints[0].effect, EFFECT_NO_EXECUTE);
    assert_int_equal(b->allocatable.cpu_milli, 4000); /* defaults */
    assert_int_equal(b->allocatable.memory_bytes, 16 * GIB);
    assert_int_equal(b->allocatable.pods, 110);
    /* The pool: names from 0, zones round robin, its labels copied to every node. */
    static const char *const names[] = {"pool-0", "pool-1", "pool-2"};
    static const char *const zones[] = {"zone-a", "zone-c", "zone-a"};
    for (int i = 0; i < 3; i++) {
        const struct scn_node *n = &s->nodes[2 + i];
        assert_string_equal(n->name, names[i]);
        assert_string_equal(n->zone, zones[i]);
        assert_int_equal(n->allocatable.cpu_milli, 2500);
        assert_int_equal(n->allocatable.memory_bytes, GIB);
        assert_int_equal(n->nlabels, 1);
        assert_string_equal(n->labels[0].key, "pool");
    }
    const struct scn_kubernetes *k = &s->k8s;
    assert_string_equal(k->version, "1.33");
    assert_int_equal(k->node_monitor_grace_ns, SEC(40));
    assert_int_equal(k->node_startup_grace_ns, SEC(60));
    assert_int_equal(k->not_ready_toleration_s, 120);
    assert_int_equal(k->unreachable_toleration_s, 60);
    assert_true(k->node_eviction_rate == 0.2);
    assert_true(k->unhealthy_zone_threshold == 0.5);
    assert_int_equal(k->large_cluster_size_threshold, 10);
    assert_int_equal(k->pod_gc_terminated_threshold, 100);
    assert_int_equal(k->ad_reconciler_period_ns, MSEC(100));
    assert_true(k->disable_force_detach_on_timeout);
    assert_int_equal(k->shutdown_grace_ns, SEC(30));
    assert_int_equal(k->shutdown_grace_critical_ns, SEC(10));
    assert_int_equal(k->crashloop_max_ns, SEC(300));
    assert_true(k->gate_max_unavailable_statefulset);
    assert_true(has_ignored(s, "$.kubernetes.featureGates.SomeOtherGate"));
    const struct scn_timings *t = &s->timings;
    assert_int_equal(t->watch.value, MSEC(20));
    assert_int_equal(t->schedule.value, MSEC(100));
    assert_int_equal(t->provision.kind, DIST_UNIFORM);
    assert_int_equal(t->provision.max, SEC(3));
    assert_int_equal(t->attach.kind, DIST_LOGNORMAL);
    assert_true(t->attach.sigma == 0.5);
    assert_int_equal(t->detach.kind, DIST_EXPONENTIAL);
    assert_int_equal(t->mount.kind, DIST_CONSTANT);
    assert_int_equal(t->mount.value, SEC(2));
    assert_int_equal(t->unmount.kind, DIST_GAMMA);
    assert_int_equal(t->image_pull.kind, DIST_WEIBULL);
    assert_int_equal(t->image_pull.scale, SEC(20));
    assert_int_equal(t->container_start.kind, DIST_EMPIRICAL);
    assert_int_equal(t->container_start.nsamples, 3);
    assert_int_equal(t->container_start.samples[2], SEC(3));
    assert_int_equal(t->node_boot.value, SEC(90));
    assert_int_equal(s->nwarnings, 0);
    scenario_free(s);
}

static void full_scenario_parses_objects_faults_and_expect(void **state)
{
    const char *good = *state;
    struct scenario *s = parse_ok(good);
    assert_int_equal(s->nservices, 1);
    assert_true(s->services[0].headless);
    assert_int_equal(s->nstatefulsets, 1);
    const struct scn_statefulset *ss = &s->statefulsets[0];
    assert_string_equal(ss->name, "web");
    assert_string_equal(ss->namespace_, "default");
    assert_string_equal(ss->service_name, "nginx");
    assert_int_equal(ss->replicas, 3);
    assert_int_equal(ss->pod_management, POD_MGMT_PARALLEL);
    assert_int_equal(ss->update_strategy, UPDATE_ROLLING);
    assert_int_equal(ss->partition, 1);
    assert_true(ss->max_unavailable_set && ss->max_unavailable_percent);
    assert_int_equal(ss->max_unavailable, 50);
    assert_int_equal(ss->min_ready_ns, SEC(5));
    assert_int_equal(ss->ordinals_start, 1);
    assert_int_equal(ss->when_deleted, DELETE);
    assert_int_equal(ss->when_scaled, RETAIN);
    assert_int_equal(ss->revision_history_limit, 5);
    assert_int_equal(ss->nselector, 1);
    const struct scn_pod_template *t = &ss->template_;
    assert_int_equal(t->nlabels, 2);
    assert_int_equal(t->ncontainers, 2);
    const struct scn_container *c = &t->containers[0];
    assert_string_equal(c->image, "nginx:1.21");
    assert_int_equal(c->requests.cpu_milli, 500);
    assert_int_equal(c->requests.memory_bytes, 512 * MIB);
    assert_true(c->readiness.present);
    assert_int_equal(c->readiness.initial_delay_ns, SEC(5));
    assert_int_equal(c->readiness.period_ns, SEC(2));
    assert_int_equal(c->readiness.timeout_ns, SEC(1));
    assert_int_equal(c->readiness.success_threshold, 2);
    assert_int_equal(c->readiness.failure_threshold, 4);
    assert_false(t->containers[1].readiness.present);
    assert_int_equal(t->termination_grace_ns, SEC(10));
    assert_int_equal(t->ntolerations, 2);
    assert_int_equal(t->tolerations[0].op, TOL_EXISTS);
    assert_true(t->tolerations[0].has_seconds);
    assert_int_equal(t->tolerations[0].seconds, 30);
    assert_int_equal(t->tolerations[1].effect, EFFECT_NO_SCHEDULE);
    assert_false(t->tolerations[1].has_seconds);
    assert_int_equal(t->nnode_selector, 1);
    assert_int_equal(t->nzones, 2);
    assert_string_equal(t->zones[1], "zone-b");
    assert_int_equal(t->priority, 100);
    assert_int_equal(ss->nclaims, 1);
    assert_string_equal(ss->claims[0].name, "www");
    assert_int_equal(ss->claims[0].access_modes, ACCESS_RWO);
    assert_int_equal(ss->claims[0].storage_bytes, GIB);
    assert_string_equal(ss->claims[0].storage_class, "fast");
    assert_int_equal(s->nstorage_classes, 1); /* no implicit class beside a real one */
    assert_int_equal(s->storage_classes[0].binding, BIND_WAIT_FOR_FIRST_CONSUMER);
    assert_true(s->storage_classes[0].is_default);
    assert_int_equal(s->storage_classes[0].nzones, 1);

    assert_int_equal(s->nfaults, 10);
    const struct scn_fault *f = s->faults;
    assert_int_equal(f[0].what, DO_NODE_CRASH);
    assert_int_equal(f[0].at, SEC(120));
    assert_null(f[0].node);
    assert_string_equal(f[0].hosting, "web-1");
    assert_string_equal(f[1].node, "node-a");
    assert_int_equal(f[1].at, SEC(130));
    assert_true(f[1].has_boot_time);
    assert_int_equal(f[1].boot_time.value, SEC(30));
    assert_string_equal(f[2].zone, "zone-c");
    assert_string_equal(f[3].taint.key, "node.kubernetes.io/out-of-service");
    assert_string_equal(f[3].taint.value, "nodeshutdown");
    assert_int_equal(f[3].taint.effect, EFFECT_NO_EXECUTE);
    assert_string_equal(f[4].pod, "web-2");
    assert_int_equal(f[4].what, DO_POD_FORCE_DELETE);
    assert_string_equal(f[5].container, "sidecar");
    assert_int_equal(f[5].times, 3);
    assert_int_equal(f[5].for_ns, SEC(60));
    assert_int_equal(f[4].times, 1);
    assert_int_equal(f[6].replicas, 5);
    assert_string_equal(f[7].image, "nginx:1.22");
    assert_string_equal(f[8].claim, "www-web-1");
    assert_int_equal(f[9].what, DO_DRAIN);

    const struct scn_expect *e = &s->expect;
    assert_int_equal(e->invariants,
                     (1u << INV_AT_MOST_ONE_PER_IDENTITY) | (1u << INV_STABLE_STORAGE));
    assert_int_equal(e->violations, 1u << INV_ORDERED_CREATION);
    assert_int_equal(e->nmetrics, 3);
    assert_int_equal(e->metrics[0].fault, 0);
    assert_true(e->metrics[0].has_max && !e->metrics[0].has_min);
    assert_string_equal(e->metrics[1].pod, "web-1");
    assert_int_equal(e->metrics[1].fault, -1);
    assert_null(e->metrics[2].pod);
    scenario_free(s);
}

static void ignored_fields_are_listed_once_by_path(void **state)
{
    const char *good = *state;
    struct scenario *s = parse_ok(good);
    assert_true(has_ignored(s, "$.objects[1].spec.template.spec.containers[0].ports"));
    assert_true(has_ignored(s, "$.objects[1].spec.template.spec.containers[1].ports"));
    assert_true(has_ignored(s, "$.objects[1].spec.template.spec.containers[0].env"));
    assert_true(has_ignored(s, "$.objects[1].spec.template.spec.containers[0].resources.limits"));
    assert_true(has_ignored(s, "$.objects[1].spec.template.spec.priorityClassName"));
    assert_true(has_ignored(s, "$.objects[0].spec.ports"));
    assert_true(has_ignored(s, "$.objects[2].provisioner"));
    assert_true(has_ignored(s, "$.objects[3] (v1 ConfigMap)"));
    /* A probe's handler is part of the probe, and annotations are metadata: no note. */
    assert_false(
        has_ignored(s, "$.objects[1].spec.template.spec.containers[0].readinessProbe.httpGet"));
    assert_false(has_ignored(s, "$.objects[1].metadata.annotations"));
    scenario_free(s);
}

static void minimal_scenario_gets_upstream_defaults(void **state)
{
    (void)state;
    struct scn_error err;
    struct scenario *s = parse_with("dir/minimal.json", minimal, NULL, 0, &err);
    assert_non_null(s);
    assert_string_equal(s->name, "minimal"); /* the file's base name */
    assert_string_equal(s->description, "");
    assert_int_equal(s->seed, 1);
    assert_int_equal(s->until, SEC(40 * 60));
    assert_int_equal(s->max_events, 50000000);
    assert_string_equal(s->nodes[0].zone, "zone-a");
    const struct scn_kubernetes *k = &s->k8s;
    assert_string_equal(k->version, "1.34");
    assert_int_equal(k->node_monitor_grace_ns, SEC(50));
    assert_int_equal(k->node_monitor_period_ns, SEC(5));
    assert_int_equal(k->node_lease_duration_ns, SEC(40));
    assert_int_equal(k->node_status_update_ns, SEC(10));
    assert_int_equal(k->not_ready_toleration_s, 300);
    assert_int_equal(k->unreachable_toleration_s, 300);
    assert_true(k->node_eviction_rate == 0.1);
    assert_true(k->secondary_node_eviction_rate == 0.01);
    assert_true(k->unhealthy_zone_threshold == 0.55);
    assert_int_equal(k->large_cluster_size_threshold, 50);
    assert_int_equal(k->pod_gc_period_ns, SEC(20));
    assert_int_equal(k->pod_gc_quarantine_ns, SEC(40));
    assert_int_equal(k->pod_gc_terminated_threshold, 12500);
    assert_int_equal(k->max_wait_for_unmount_ns, SEC(360));
    assert_int_equal(k->shutdown_grace_ns, 0);
    assert_int_equal(k->crashloop_initial_ns, SEC(10));
    assert_int_equal(k->sched_initial_backoff_ns, SEC(1));
    assert_int_equal(k->sched_max_backoff_ns, SEC(10));
    assert_int_equal(k->sched_unschedulable_flush_ns, SEC(300));
    assert_false(k->gate_max_unavailable_statefulset);
    const struct scn_timings *t = &s->timings;
    assert_int_equal(t->watch.value, MSEC(10));
    assert_int_equal(t->schedule.value, MSEC(50));
    assert_int_equal(t->provision.value, SEC(2));
    assert_int_equal(t->attach.kind, DIST_LOGNORMAL);
    assert_int_equal(t->attach.median, SEC(8));
    assert_true(t->attach.sigma == 0.4);
    assert_int_equal(t->detach.median, SEC(5));
    assert_int_equal(t->mount.value, SEC(1));
    assert_int_equal(t->unmount.value, MSEC(500));
    assert_int_equal(t->image_pull.value, SEC(3));
    assert_int_equal(t->container_start.value, SEC(1));
    assert_int_equal(t->app_startup.value, 0);
    assert_int_equal(t->app_shutdown.value, SEC(2));
    assert_int_equal(t->node_boot.value, SEC(60));
    /* No StorageClass given: the implicit default "standard". */
    assert_int_equal(s->nstorage_classes, 1);
    assert_string_equal(s->storage_classes[0].name, "standard");
    assert_true(s->storage_classes[0].is_default);
    assert_int_equal(s->storage_classes[0].binding, BIND_WAIT_FOR_FIRST_CONSUMER);
    assert_int_equal(s->storage_classes[0].nzones, 0);
    assert_int_equal(s->expect.invariants, (1u << INV_COUNT) - 1);
    assert_int_equal(s->expect.violations, 0);
    scenario_free(s);
}

static void version_selects_the_grace_period_default(void **state)
{
    (void)state;
    static const struct {
        const char *version;
        int64_t grace;
    } cases[] = {{"1.26", 40}, {"1.31", 40}, {"v1.31.2", 40}, {"1.32", 50}, {"1.36", 50}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[200];
        snprintf(text, sizeof text,
                 "{'cluster': {'nodes': [{'name': 'n1'}]}, 'kubernetes': {'version': '%s'}}",
                 cases[i].version);
        struct scenario *s = parse_ok(text);
        assert_int_equal(s->k8s.node_monitor_grace_ns, SEC(cases[i].grace));
        scenario_free(s);
    }
}

static const char sts_only[] =
    "{'cluster': {'nodes': [{'name': 'n1'}]}, 'objects': [{'apiVersion': 'apps/v1',"
    " 'kind': 'StatefulSet', 'metadata': {'name': 'web'}, 'spec': {'serviceName': 'nginx',"
    " 'selector': {'matchLabels': {'app': 'nginx'}}, 'template': {'metadata': {'labels':"
    " {'app': 'nginx'}}, 'spec': {'containers': [{'name': 'c', 'image': 'nginx',"
    " 'resources': {'requests': {'cpu': 0.1, 'memory': '1G'}}}]}}}}]}";

static void set_defaults_and_missing_service_warning(void **state)
{
    (void)state;
    struct scenario *s = parse_ok(sts_only);
    const struct scn_statefulset *ss = &s->statefulsets[0];
    assert_int_equal(ss->replicas, 1);
    assert_int_equal(ss->pod_management, POD_MGMT_ORDERED_READY);
    assert_int_equal(ss->update_strategy, UPDATE_ROLLING);
    assert_false(ss->max_unavailable_set);
    assert_int_equal(ss->revision_history_limit, 10);
    assert_int_equal(ss->when_deleted, RETAIN);
    assert_int_equal(ss->template_.termination_grace_ns, SEC(30));
    assert_int_equal(ss->template_.containers[0].requests.cpu_milli, 100);
    assert_int_equal(ss->template_.containers[0].requests.memory_bytes, 1000000000);
    assert_int_equal(s->nwarnings, 1);
    assert_non_null(strstr(s->warnings[0], "statefulset web: serviceName \"nginx\" names no "
                                           "Service in objects; its DNS names would not "
                                           "resolve"));
    scenario_free(s);
}

static void overrides_change_values_before_validation(void **state)
{
    const char *good = *state;
    const struct scn_override ov[] = {
        {"kubernetes.nodeMonitorGracePeriod", "20s"},
        {"objects[1].spec.replicas", "7"},
        {"timings.attach", "{\"dist\": \"exponential\", \"mean\": \"3s\"}"},
        {"$.seed", "9"},
        {"objects[1].spec.template.metadata.labels[\"app.kubernetes.io/name\"]", "x"},
        {"faults[10]", "{\"at\": \"11m\", \"do\": \"uncordon\", \"node\": \"node-b\"}"},
    };
    struct scn_error err;
    struct scenario *s = parse_with("test.json", good, ov, sizeof ov / sizeof ov[0], &err);
    assert_non_null(s);
    assert_int_equal(s->k8s.node_monitor_grace_ns, SEC(20));
    assert_int_equal(s->statefulsets[0].replicas, 7);
    assert_int_equal(s->timings.attach.kind, DIST_EXPONENTIAL);
    assert_int_equal(s->seed, 9);
    assert_int_equal(s->statefulsets[0].template_.nlabels, 3);
    assert_int_equal(s->nfaults, 11);
    scenario_free(s);
    /* Missing default sections are created: an override into them needs no block. */
    const struct scn_override k[] = {{"kubernetes.featureGates.MaxUnavailableStatefulSet", "true"},
                                     {"timings.nodeBoot", "2m"},
                                     {"kubernetes.version", "\"1.30\""}};
    s = parse_with("test.json", minimal, k, 3, &err);
    assert_non_null(s);
    assert_true(s->k8s.gate_max_unavailable_statefulset);
    assert_int_equal(s->timings.node_boot.value, SEC(120));
    assert_int_equal(s->k8s.node_monitor_grace_ns, SEC(40));
    scenario_free(s);
}

static void bad_override_paths_fail_naming_the_override(void **state)
{
    const char *good = *state;
    static const struct {
        const char *path, *value, *found;
    } cases[] = {
        {"objects[9].spec.replicas", "1", "no $.objects[9]"},
        {"nosuch.field", "1", "no $.nosuch"},
        {"name.x", "1", "$.name is not an object"},
        {"objects[5]", "{}", "[5] of $.objects"},
        {"objects[x]", "1", "objects[x]"},
        {"a..b", "1", "a..b"},
        {"", "1", "\"\""},
        {"cluster.nodes.name", "1", "$.cluster.nodes is not an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct scn_override ov = {cases[i].path, cases[i].value};
        struct scn_error err;
        struct scenario *s = parse_with("test.json", good, &ov, 1, &err);
        if (s != NULL || strstr(err.found, cases[i].found) == NULL)
            print_error("override %s: path %s, found %s\n", cases[i].path, err.path, err.found);
        assert_null(s);
        char want[300];
        snprintf(want, sizeof want, "--set %s", cases[i].path);
        assert_string_equal(err.path, want);
        assert_non_null(strstr(err.found, cases[i].found));
    }
    /* A value that is not JSON is a string; one that is JSON is checked as such. */
    struct scn_override ov = {"objects[1].spec.replicas", "three"};
    struct scn_error err;
    assert_null(parse_with("test.json", good, &ov, 1, &err));
    assert_string_equal(err.path, "$.objects[1].spec.replicas");
    assert_string_equal(err.found, "\"three\"");
}

/* One bad input: overrides applied to the good scenario (' for " in values), then the JSON
 * path of the error and a piece of its "expected" text. */
struct bad_case {
    const char *set, *value;
    const char *set2, *value2;
    const char *path, *expected;
};

static const struct bad_case bad_cases[] = {
    /* unknown fields, with their path */
    {"extra", "1", 0, 0, "$.extra", "a known field of a scenario"},
    {"objects[1].spec.replica", "3", 0, 0, "$.objects[1].spec.replica",
     "a known field of a StatefulSet spec"},
    {"objects[1].spec.template.spec.containers[0].imagee", "'x'", 0, 0,
     "$.objects[1].spec.template.spec.containers[0].imagee", "a known field of a container"},
    {"kubernetes.nodeMonitorGracePeriodd", "'1s'", 0, 0, "$.kubernetes.nodeMonitorGracePeriodd",
     "a known field"},
    {"timings.attach.median2", "'1s'", 0, 0, "$.timings.attach.median2", "a known field"},
    {"faults[0].pod", "'web-1'", 0, 0, "$.faults[0].pod", "a known field of a nodeCrash fault"},
    {"cluster.nodes[0].allocatable.gpu", "1", 0, 0, "$.cluster.nodes[0].allocatable.gpu",
     "a known field"},
    /* wrong types */
    {"objects[1].spec.replicas", "'three'", 0, 0, "$.objects[1].spec.replicas",
     "an integer from 0 to 1000000"},
    {"description", "5", 0, 0, "$.description", "a string"},
    {"cluster.nodes", "{}", 0, 0, "$.cluster.nodes", "an array"},
    {"objects[1].spec.serviceName", "5", 0, 0, "$.objects[1].spec.serviceName", "a string"},
    {"kubernetes.disableForceDetachOnTimeout", "'yes'", 0, 0,
     "$.kubernetes.disableForceDetachOnTimeout", "true or false"},
    {"kubernetes.featureGates.X", "'yes'", 0, 0, "$.kubernetes.featureGates.X", "true or false"},
    {"objects[1].spec.template.metadata.labels.app", "5", 0, 0,
     "$.objects[1].spec.template.metadata.labels.app", "a string value"},
    {"objects[3]", "5", 0, 0, "$.objects[3]", "a Kubernetes object"},
    {"faults[0]", "[]", 0, 0, "$.faults[0]", "a fault object"},
    /* numbers out of range */
    {"objects[1].spec.replicas", "-1", 0, 0, "$.objects[1].spec.replicas", "from 0 to 1000000"},
    {"objects[1].spec.replicas", "1000001", 0, 0, "$.objects[1].spec.replicas", "from 0"},
    {"objects[1].spec.replicas", "2.5", 0, 0, "$.objects[1].spec.replicas", "an integer"},
    {"objects[1].spec.replicas", "1e400", 0, 0, "$.objects[1].spec.replicas", "an integer"},
    {"objects[1].spec.replicas", "99999999999999999999", 0, 0, "$.objects[1].spec.replicas",
     "an integer"},
    {"seed", "-1", 0, 0, "$.seed", "a non-negative integer"},
    {"seed", "1e16", 0, 0, "$.seed", "a non-negative integer"},
    {"maxEvents", "0", 0, 0, "$.maxEvents", "a positive integer"},
    {"cluster.nodePools[0].count", "-1", 0, 0, "$.cluster.nodePools[0].count", "an integer"},
    {"cluster.nodePools[0].count", "100001", 0, 0, "$.cluster.nodePools[0].count", "integer"},
    {"objects[1].spec.minReadySeconds", "-1", 0, 0, "$.objects[1].spec.minReadySeconds",
     "an integer"},
    {"objects[1].spec.ordinals.start", "-1", 0, 0, "$.objects[1].spec.ordinals.start",
     "an integer"},
    {"kubernetes.unhealthyZoneThreshold", "2", 0, 0, "$.kubernetes.unhealthyZoneThreshold",
     "a number from 0 to 1"},
    {"faults[5].times", "0", 0, 0, "$.faults[5].times", "an integer from 1"},
    /* durations and distributions */
    {"until", "'-5s'", 0, 0, "$.until", "a duration such as \"90s\""},
    {"faults[2].at", "'-5s'", 0, 0, "$.faults[2].at", "a duration such as \"90s\""},
    {"faults[2].at", "-3", 0, 0, "$.faults[2].at", "a duration"},
    {"faults[2].at", "'5 min'", 0, 0, "$.faults[2].at", "a duration"},
    {"kubernetes.nodeMonitorPeriod", "'0s'", 0, 0, "$.kubernetes.nodeMonitorPeriod", "above zero"},
    {"timings.attach", "{'dist': 'lognormal', 'median': '8s'}", 0, 0, "$.timings.attach.sigma",
     "a number"},
    {"timings.attach", "{'dist': 'normal'}", 0, 0, "$.timings.attach.dist", "constant, uniform"},
    {"timings.attach", "{'median': '8s'}", 0, 0, "$.timings.attach.dist", "a distribution"},
    {"timings.attach", "{'dist': 'uniform', 'min': '3s', 'max': '1s'}", 0, 0,
     "$.timings.attach.max", "at least as large as min"},
    {"timings.attach", "{'dist': 'constant', 'value': '1s', 'mean': '1s'}", 0, 0,
     "$.timings.attach.mean", "a known field of a constant distribution"},
    {"timings.attach", "{'dist': 'empirical', 'samples': []}", 0, 0, "$.timings.attach.samples",
     "a non-empty array"},
    {"timings.attach", "{'dist': 'gamma', 'shape': 0, 'mean': '1s'}", 0, 0,
     "$.timings.attach.shape", "above 0"},
    {"timings.attach", "true", 0, 0, "$.timings.attach", "a duration or a distribution"},
    {"faults[1].bootTime", "{'dist': 'weibull', 'shape': 1}", 0, 0, "$.faults[1].bootTime.scale",
     "a duration"},
    /* Kubernetes settings */
    {"kubernetes.version", "'1.25'", 0, 0, "$.kubernetes.version", "from \"1.26\" to \"1.36\""},
    {"kubernetes.version", "1.31", 0, 0, "$.kubernetes.version", "a version string"},
    {"kubernetes.shutdownGracePeriodCriticalPods", "'1m'", 0, 0,
     "$.kubernetes.shutdownGracePeriodCriticalPods", "at most shutdownGracePeriod"},
    /* the cluster */
    {"cluster.nodes[1].name", "'node-a'", 0, 0, "$.cluster.nodes[1].name", "a node name used once"},
    {"cluster.nodes[0].name", "'pool-1'", 0, 0, "$.cluster.nodePools[0].prefix",
     "a node name used once"},
    {"cluster.nodes[0].name", "'Node_A'", 0, 0, "$.cluster.nodes[0].name", "a node name"},
    {"cluster.nodes", "[]", "cluster.nodePools", "[]", "$.cluster", "at least one node"},
    {"cluster.nodes[0].allocatable.cpu", "'lots'", 0, 0, "$.cluster.nodes[0].allocatable.cpu",
     "a CPU quantity"},
    {"cluster.nodes[0].allocatable.memory", "'-1Gi'", 0, 0, "$.cluster.nodes[0].allocatable.memory",
     "a byte quantity"},
    {"cluster.nodes[0].taints[0]", "'k=v:Sometimes'", 0, 0, "$.cluster.nodes[0].taints[0]",
     "an effect"},
    /* objects */
    {"objects[1].apiVersion", "'apps/v1beta1'", 0, 0, "$.objects[1].apiVersion",
     "apiVersion \"apps/v1\""},
    {"objects[3].kind", "null", 0, 0, "$.objects[3].kind", "a kind"},
    {"objects[1].metadata.name", "null", 0, 0, "$.objects[1].metadata.name", "a StatefulSet name"},
    {"objects[1].metadata.name", "'Web'", 0, 0, "$.objects[1].metadata.name", "a StatefulSet name"},
    {"objects[1].metadata.name", "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
     0, 0, "$.objects[1].metadata.name", "63 characters"},
    {"objects[4]", "{'apiVersion': 'apps/v1', 'kind': 'StatefulSet', 'metadata': {'name': 'web'}}",
     0, 0, "$.objects[4].metadata.name", "a StatefulSet name used once"},
    {"objects[4]", "{'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'nginx'}}", 0, 0,
     "$.objects[4].metadata.name", "a Service name used once"},
    {"objects[4]",
     "{'apiVersion': 'storage.k8s.io/v1', 'kind': 'StorageClass', 'metadata': {'name': 'fast'}}", 0,
     0, "$.objects[4].metadata.name", "a StorageClass name used once"},
    {"objects[1].spec.volumeClaimTemplates[1]", "{'metadata': {'name': 'www'}}", 0, 0,
     "$.objects[1].spec.volumeClaimTemplates[1].metadata.name", "used once"},
    {"objects[1].spec.template.spec.containers[1].name", "'nginx'", 0, 0,
     "$.objects[1].spec.template.spec.containers[1].name", "used once in the pod"},
    {"objects[1].spec.template.spec.containers", "null", 0, 0,
     "$.objects[1].spec.template.spec.containers", "at least one container"},
    {"objects[1].spec.template.spec.containers", "[]", 0, 0,
     "$.objects[1].spec.template.spec.containers", "at least one container"},
    {"objects[1].spec.template.spec.containers[0].image", "null", 0, 0,
     "$.objects[1].spec.template.spec.containers[0].image", "a container image"},
    {"objects[1].spec.template.spec.restartPolicy", "'OnFailure'", 0, 0,
     "$.objects[1].spec.template.spec.restartPolicy", "\"Always\""},
    {"objects[1].spec.selector.matchLabels.app", "'other'", 0, 0, "$.objects[1].spec.selector",
     "`selector` does not match template `labels`"},
    {"objects[1].spec.selector", "{}", 0, 0, "$.objects[1].spec.selector", "a non-empty selector"},
    {"objects[1].spec.selector", "null", 0, 0, "$.objects[1].spec.selector", "a selector"},
    {"objects[1].spec.podManagementPolicy", "'Random'", 0, 0,
     "$.objects[1].spec.podManagementPolicy", "one of OrderedReady or Parallel"},
    {"objects[1].spec.updateStrategy.type", "'Recreate'", 0, 0,
     "$.objects[1].spec.updateStrategy.type", "one of RollingUpdate or OnDelete"},
    {"objects[1].spec.updateStrategy.type", "'OnDelete'", 0, 0,
     "$.objects[1].spec.updateStrategy.rollingUpdate", "only with type RollingUpdate"},
    {"objects[1].spec.updateStrategy.rollingUpdate.maxUnavailable", "0", 0, 0,
     "$.objects[1].spec.updateStrategy.rollingUpdate.maxUnavailable", "at least 1"},
    {"objects[1].spec.updateStrategy.rollingUpdate.maxUnavailable", "'0%'", 0, 0,
     "$.objects[1].spec.updateStrategy.rollingUpdate.maxUnavailable", "a percentage"},
    {"objects[1].spec.updateStrategy.rollingUpdate.maxUnavailable", "'150%'", 0, 0,
     "$.objects[1].spec.updateStrategy.rollingUpdate.maxUnavailable", "a percentage"},
    {"objects[1].spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "'Keep'", 0, 0,
     "$.objects[1].spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "Retain or Delete"},
    {"objects[1].spec.template.spec.containers[0].resources.requests.gpu", "1", 0, 0,
     "$.objects[1].spec.template.spec.containers[0].resources.requests.gpu", "a resource name"},
    {"objects[1].spec.template.spec.tolerations[1].tolerationSeconds", "5", 0, 0,
     "$.objects[1].spec.template.spec.tolerations[1].tolerationSeconds", "only with effect"},
    {"objects[1].spec.template.spec.tolerations[0].value", "'x'", 0, 0,
     "$.objects[1].spec.template.spec.tolerations[0].value", "no value with operator Exists"},
    {"objects[1].spec.template.spec.containers[0].readinessProbe.periodSeconds", "0", 0, 0,
     "$.objects[1].spec.template.spec.containers[0].readinessProbe.periodSeconds",
     "an integer from 1"},
    {"objects[1].spec.template.spec.affinity.nodeAffinity."
     "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1]",
     "{'key': 'topology.kubernetes.io/zone', 'operator': 'In', 'values': ['zone-q']}", 0, 0,
     "$.objects[1].spec.template.spec.affinity.nodeAffinity."
     "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
     "terms that some zone can satisfy"},
    {"objects[1].spec.volumeClaimTemplates[0].spec.storageClassName", "'slow'", 0, 0,
     "$.objects[1].spec.volumeClaimTemplates[0].spec.storageClassName",
     "the name of a StorageClass"},
    {"objects[1].spec.volumeClaimTemplates[0].spec.resources.requests.storage", "'0'", 0, 0,
     "$.objects[1].spec.volumeClaimTemplates[0].spec.resources.requests.storage", "above zero"},
    {"objects[1].spec.volumeClaimTemplates[0].spec.resources.requests.storage", "null", 0, 0,
     "$.objects[1].spec.volumeClaimTemplates[0].spec.resources.requests.storage",
     "a storage request"},
    {"objects[1].spec.volumeClaimTemplates[0].spec.accessModes[0]", "'ReadWriteSometimes'", 0, 0,
     "$.objects[1].spec.volumeClaimTemplates[0].spec.accessModes[0]", "one of ReadWriteOnce"},
    {"objects[2].volumeBindingMode", "'Later'", 0, 0, "$.objects[2].volumeBindingMode",
     "one of Immediate or WaitForFirstConsumer"},
    /* faults */
    {"faults[0].at", "null", 0, 0, "$.faults[0].at", "a duration"},
    {"faults[0].do", "'nodeExplode'", 0, 0, "$.faults[0].do", "a fault kind"},
    {"faults[0].do", "null", 0, 0, "$.faults[0].do", "a fault kind"},
    {"faults[1].node", "'node-z'", 0, 0, "$.faults[1].node", "the name of a node"},
    {"faults[1].node", "null", 0, 0, "$.faults[1].node", "a node name or"},
    {"faults[0].node", "{'hosting': 'db-0'}", 0, 0, "$.faults[0].node.hosting", "a pod"},
    {"faults[0].node", "{'pod': 'web-1'}", 0, 0, "$.faults[0].node.pod", "a known field"},
    {"faults[4].pod", "'web-0'", 0, 0, "$.faults[4].pod", "a pod"},
    {"faults[4].pod", "'web-x'", 0, 0, "$.faults[4].pod", "a pod"},
    {"faults[4].pod", "'web'", 0, 0, "$.faults[4].pod", "a pod"},
    {"faults[2].zone", "'zone-q'", 0, 0, "$.faults[2].zone", "a zone of some node"},
    {"faults[3].taint", "'no-effect'", 0, 0, "$.faults[3].taint", "a taint"},
    {"faults[5].container", "'nope'", 0, 0, "$.faults[5].container",
     "a container of the pod template of web"},
    {"faults[6].statefulSet", "'db'", 0, 0, "$.faults[6].statefulSet", "the name of a StatefulSet"},
    {"faults[6].replicas", "null", 0, 0, "$.faults[6].replicas", "a number of replicas"},
    {"faults[7].image", "''", 0, 0, "$.faults[7].image", "a container image"},
    {"faults[8].claim", "'data-web-1'", 0, 0, "$.faults[8].claim", "a claim"},
    {"faults[8].claim", "'www-web-0'", 0, 0, "$.faults[8].claim", "a claim"},
    /* expect */
    {"expect.invariants", "['nope']", 0, 0, "$.expect.invariants[0]", "an invariant"},
    {"expect.invariants", "'some'", 0, 0, "$.expect.invariants", "\"all\" or an array"},
    {"expect.violations", "['atMostOne']", 0, 0, "$.expect.violations[0]", "an invariant"},
    {"expect.metrics[0].metric", "'recovery'", 0, 0, "$.expect.metrics[0].metric", "a metric"},
    {"expect.metrics[0].fault", "99", 0, 0, "$.expect.metrics[0].fault",
     "a fault index from 0 to 9"},
    {"expect.metrics[0].fault", "null", 0, 0, "$.expect.metrics[0].fault", "a fault index"},
    {"expect.metrics[1].pod", "'web-9x'", 0, 0, "$.expect.metrics[1].pod", "a pod"},
    {"expect.metrics[1].pod", "null", 0, 0, "$.expect.metrics[1].pod", "a pod name"},
    {"expect.metrics[2].pod", "'web-1'", 0, 0, "$.expect.metrics[2].pod", "no pod"},
    {"expect.metrics[2].fault", "0", 0, 0, "$.expect.metrics[2].fault", "no fault index"},
    {"expect.metrics[0].min", "2000", 0, 0, "$.expect.metrics[0].max", "at least as large"},
};

static void every_validation_error_names_its_json_path(void **state)
{
    const char *good = *state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *b = &bad_cases[i];
        char *v1 = json(b->value), *v2 = b->value2 ? json(b->value2) : NULL;
        struct scn_override ov[2] = {{b->set, v1}, {b->set2, v2}};
        struct scn_error err;
        struct scenario *s = parse_with("test.json", good, ov, b->set2 ? 2 : 1, &err);
        char line[1600];
        scn_error_format(&err, line, sizeof line);
        if (s != NULL || strcmp(err.path, b->path) != 0 || !strstr(err.expected, b->expected))
            print_error("case %zu (%s=%s): want %s / %s, got: %s\n", i, b->set, b->value, b->path,
                        b->expected, s ? "no error" : line);
        assert_null(s);
        assert_string_equal(err.path, b->path);
        assert_non_null(strstr(err.expected, b->expected));
        assert_null(strchr(line, '\n'));
        free(v1);
        free(v2);
    }
}

static void unknown_fields_suggest_the_nearest_name(void **state)
{
    const char *good = *state;
    struct scn_override ov = {"objects[1].spec.replica", "3"};
    struct scn_error err;
    assert_null(parse_with("test.json", good, &ov, 1, &err));
    assert_string_equal(err.found, "unknown field \"replica\" (did you mean \"replicas\"?)");
    ov = (struct scn_override){"faults[0].do", "nodeCrsh"};
    assert_null(parse_with("test.json", good, &ov, 1, &err));
    assert_non_null(strstr(err.found, "did you mean \"nodeCrash\""));
}

static void claim_names_longer_than_253_characters_fail(void **state)
{
    const char *good = *state;
    /* A subdomain of 4 x 62 characters: valid on its own, too long inside a claim name. */
    char name[300] = "'";
    for (int i = 0; i < 4; i++) {
        strcat(name, i ? "." : "");
        for (int k = 0; k < 62; k++)
            strcat(name, "a");
    }
    strcat(name, "'");
    char *v = json(name);
    const struct scn_override ov[] = {
        {"objects[1].spec.volumeClaimTemplates[0].metadata.name", v},
        {"faults[8].claim", "x"},
    };
    struct scn_error err;
    assert_null(parse_with("test.json", good, ov, 2, &err));
    assert_string_equal(err.path, "$.objects[1].metadata.name");
    assert_non_null(strstr(err.expected, "253 characters"));
    free(v);
}

#define JSON_VALUE "a JSON value (a string, number, object, array, true, false or null)"

static void malformed_text_is_a_whole_file_error_with_line_and_column(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expected, *found;
    } cases[] = {
        {"", "a JSON object", "end of input at line 1, column 1"},
        {"  \n ", "a JSON object", "end of input at line 2, column 2"},
        {"{'cluster': {'nodes': [", JSON_VALUE, "end of input at line 1, column 24"},
        {"{'a': 1,\n 'b': }", JSON_VALUE, "'}' at line 2, column 7"},
        {"{'a': 1,}", "a field name in double quotes", "'}' at line 1, column 9"},
        {"{'a' 1}", "':' after the field name", "'1' at line 1, column 6"},
        {"{'a': [1 2]}", "',' or ']'", "'2' at line 1, column 10"},
        {"{'a': tru}", JSON_VALUE, "'}' at line 1, column 10"},
        {"{'a': 'x\\q'}", "an escape such as \\n, \\\" or \\u00e9", "'q' at line 1, column 10"},
        {"{'a': 'open", "the closing '\"' of a string", "end of input at line 1, column 12"},
        {"{'a': 1} x", "the end of the text after the top-level value", "'x' at line 1, column 10"},
        {"[1, 2]", "a JSON object at the top level", "an array"},
        {"42", "a JSON object at the top level", "42"},
        {"'text'", "a JSON object at the top level", "\"text\""},
        {"null", "a JSON object at the top level", "null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct scn_error err;
        struct scenario *s = parse_with("f.json", cases[i].text, NULL, 0, &err);
        if (s != NULL || strcmp(err.found, cases[i].found) != 0)
            print_error("case %zu: found %s\n", i, err.found);
        assert_null(s);
        assert_string_equal(err.file, "f.json");
        assert_string_equal(err.path, "");
        assert_string_equal(err.expected, cases[i].expected);
        assert_string_equal(err.found, cases[i].found);
    }
    /* A NUL byte inside the text, and a buffer that is not NUL-terminated. */
    struct scn_error err;
    assert_null(scenario_parse("f.json", "{}\0{}", 5, NULL, 0, &err));
    assert_string_equal(err.found, "byte 0x00 at line 1, column 3");
    struct scenario *s = scenario_parse("f.json", "{\"x\"}", 2, NULL, 0, &err);
    assert_null(s);
    assert_string_equal(err.found, "end of input at line 1, column 3");
    /* Nesting deeper than cJSON takes. */
    char deep[2100];
    memset(deep, '[', 2000);
    deep[2000] = '\0';
    assert_null(scenario_parse("f.json", deep, 2000, NULL, 0, &err));
    assert_string_equal(err.expected, "at most 1000 levels of nesting");
    assert_string_equal(err.found, "'[' at line 1, column 1001");
}

static void duplicate_json_keys_are_refused(void **state)
{
    (void)state;
    struct scn_error err;
    assert_null(parse_with("f.json",
                           "{'cluster': {'nodes': [{'name': 'n1'}]}, 'seed': 1, "
                           "'seed': 2}",
                           NULL, 0, &err));
    assert_string_equal(err.path, "$.seed");
    assert_string_equal(err.expected, "each field once in an object");
}

static void missing_file_and_directory_are_errors(void **state)
{
    (void)state;
    struct scn_error err;
    assert_null(scenario_load("/nonexistent/x.json", NULL, 0, &err));
    assert_string_equal(err.file, "/nonexistent/x.json");
    assert_string_equal(err.path, "");
    assert_string_equal(err.expected, "a readable scenario file");
    assert_string_equal(err.found, "no such file or directory");
    assert_null(scenario_load("/", NULL, 0, &err));
    assert_string_equal(err.found, "a directory");
}

static void errors_format_as_one_line(void **state)
{
    (void)state;
    struct scn_error e = {.file = "s.json",
                          .path = "$.faults[2].at",
                          .expected = "a duration such as \"90s\" or a number of seconds",
                          .found = "\"-5s\""};
    char buf[600];
    scn_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "s.json: $.faults[2].at: expected a duration such as \"90s\" or a "
                             "number of seconds, found \"-5s\"");
    struct scn_error w = {
        .file = "s.json", .expected = "a JSON object", .found = "end of input at line 1, column 1"};
    scn_error_format(&w, buf, sizeof buf);
    assert_string_equal(buf, "s.json: expected a JSON object, found end of input at line 1, "
                             "column 1");
    char small[10];
    scn_error_format(&e, small, sizeof small);
    assert_string_equal(small, "s.json: $");
    /* A value with a newline in it still gives one line. */
    struct scn_error err;
    assert_null(parse_with("f.json", "{'cluster': {'nodes': [{'name': 'a\\nb'}]}}", NULL, 0, &err));
    scn_error_format(&err, buf, sizeof buf);
    assert_null(strchr(buf, '\n'));
}

/* The source tree: $SSSIM_SOURCE_DIR, or the working directory (meson test's workdir). */
static const char *source_root(void)
{
    const char *env = getenv("SSSIM_SOURCE_DIR");
    return env != NULL && env[0] != '\0' ? env : ".";
}

static void bad_fixtures_fail_as_expected_txt_says(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/bad/EXPECTED.txt", source_root());
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        print_message("no %s (set SSSIM_SOURCE_DIR): skipped\n", path);
        skip();
    }
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || tab == NULL)
            continue;
        *tab = '\0';
        char file[1200], msg[1600];
        snprintf(file, sizeof file, "%s/tests/bad/%s", source_root(), line);
        struct scn_error err;
        struct scenario *s = scenario_load(file, NULL, 0, &err);
        scn_error_format(&err, msg, sizeof msg);
        if (s != NULL || strstr(msg, tab + 1) == NULL)
            print_error("%s: want \"%s\" in: %s\n", line, tab + 1, s ? "no error" : msg);
        assert_null(s);
        assert_non_null(strstr(msg, tab + 1));
        n++;
    }
    fclose(f);
    assert_true(n >= 14);
}

static void example_scenarios_validate(void **state)
{
    (void)state;
    static const char *const files[] = {"scenarios/node-loss.json",
                                        "scenarios/ordered-scale-up.json"};
    for (size_t i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", source_root(), files[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            print_message("no %s (set SSSIM_SOURCE_DIR): skipped\n", path);
            skip();
        }
        struct scn_error err;
        struct scenario *s = scenario_load(path, NULL, 0, &err);
        if (s == NULL) {
            char msg[1600];
            scn_error_format(&err, msg, sizeof msg);
            print_error("%s\n", msg);
        }
        assert_non_null(s);
        assert_int_equal(s->nwarnings, 0);
        scenario_free(s);
    }
}

static void names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < INV_COUNT; i++)
        assert_int_equal(invariant_from_name(invariant_name((enum invariant)i)), i);
    assert_int_equal(invariant_from_name("nope"), -1);
    assert_string_equal(fault_do_name(DO_NODE_CRASH), "nodeCrash");
    assert_string_equal(fault_do_name(DO_VOLUME_LOSS), "volumeLoss");
    assert_string_equal(fault_do_name(DO_COUNT), "?");
    assert_int_equal(scn_metric_count, 15);
    assert_string_equal(scn_metric_names[0], "recoverySeconds");
    assert_string_equal(scn_metric_names[7], "downtimeSeconds");
    assert_string_equal(scn_metric_names[12], "fullReadySeconds");
}

static void *parse_many(void *arg)
{
    const char *good = arg;
    for (int i = 0; i < 20; i++) {
        struct scn_error err;
        struct scenario *s = parse_with("t.json", good, NULL, 0, &err);
        if (s == NULL)
            return (void *)1;
        scenario_free(s);
        /* An error path too: cJSON's failure branch is the one that writes its global. */
        if (parse_with("t.json", "{'a': ", NULL, 0, &err) != NULL)
            return (void *)1;
    }
    return NULL;
}

static void loads_run_in_parallel_threads(void **state)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, parse_many, *state), 0);
    for (int i = 0; i < 4; i++) {
        void *rc;
        assert_int_equal(pthread_join(t[i], &rc), 0);
        assert_null(rc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_scenario_parses_cluster_and_settings),
        cmocka_unit_test(full_scenario_parses_objects_faults_and_expect),
        cmocka_unit_test(ignored_fields_are_listed_once_by_path),
        cmocka_unit_test(minimal_scenario_gets_upstream_defaults),
        cmocka_unit_test(version_selects_the_grace_period_default),
        cmocka_unit_test(set_defaults_and_missing_service_warning),
        cmocka_unit_test(overrides_change_values_before_validation),
        cmocka_unit_test(bad_override_paths_fail_naming_the_override),
        cmocka_unit_test(every_validation_error_names_its_json_path),
        cmocka_unit_test(unknown_fields_suggest_the_nearest_name),
        cmocka_unit_test(claim_names_longer_than_253_characters_fail),
        cmocka_unit_test(malformed_text_is_a_whole_file_error_with_line_and_column),
        cmocka_unit_test(duplicate_json_keys_are_refused),
        cmocka_unit_test(missing_file_and_directory_are_errors),
        cmocka_unit_test(errors_format_as_one_line),
        cmocka_unit_test(bad_fixtures_fail_as_expected_txt_says),
        cmocka_unit_test(example_scenarios_validate),
        cmocka_unit_test(names_round_trip),
        cmocka_unit_test(loads_run_in_parallel_threads),
    };
    return cmocka_run_group_tests(tests, build_good, free_good);
}
