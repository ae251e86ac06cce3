/* Unit tests of the scheduler: filters, messages, back-off and volume topology, driven
 * through a real sim on small hand-built scenarios (other controllers are not running:
 * the tests write the store the way they would). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "controllers/attachdetach.h"
#include "controllers/scheduler.h"
#include "controllers/volumes.h"
#include "engine/simtime.h"
#include "sim/sim.h"
#include "util/util.h"

#define GIB (INT64_C(1024) * 1024 * 1024)

/* --- Fixture -------------------------------------------------------------------------- */

struct rec {
    int64_t time;
    enum change_reason reason;
    uint32_t obj, node, a;
    int64_t b;
    char *text;
};

struct fx {
    struct scenario scn;
    struct scn_node nodes[6];
    struct scn_statefulset sets[3];
    struct scn_container ctr[3];
    struct scn_claim_template claim;
    struct scn_storage_class classes[2];
    struct taint taints[6];
    struct sim_options opts;
    struct sim *sim;
    struct rec *recs;
    uint32_t nrecs;
    size_t recs_cap;
};

static void record(void *ctx, const struct change *c)
{
    struct fx *f = ctx;
    struct rec r = {
        c->time, c->reason, c->obj, c->node, c->a, c->b, c->text ? xstrdup(c->text) : NULL};
    VEC_PUSH(f->recs, f->nrecs, f->recs_cap, r);
}

/* Every Kubernetes setting and timing at its upstream default (scenario.h); latencies that
 * are distributions upstream are constants at their median so that times can be checked. */
static void defaults(struct scenario *s)
{
    s->name = "test";
    s->seed = 7;
    s->until = SEC(2400);
    s->max_events = 50000000;
    struct scn_kubernetes *k = &s->k8s;
    k->version = "1.34";
    k->node_monitor_grace_ns = SEC(50);
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
    k->max_wait_for_unmount_ns = SEC(360);
    k->disable_force_detach_on_timeout = false;
    k->crashloop_initial_ns = SEC(10);
    k->crashloop_max_ns = SEC(300);
    k->sched_initial_backoff_ns = SEC(1);
    k->sched_max_backoff_ns = SEC(10);
    k->sched_unschedulable_flush_ns = SEC(300);
    struct scn_timings *t = &s->timings;
    t->watch = dist_constant(MSEC(10));
    t->schedule = dist_constant(MSEC(50));
    t->provision = dist_constant(SEC(2));
    t->attach = dist_constant(SEC(8));
    t->detach = dist_constant(SEC(5));
    t->mount = dist_constant(SEC(1));
    t->unmount = dist_constant(MSEC(500));
    t->image_pull = dist_constant(SEC(3));
    t->container_start = dist_constant(SEC(1));
    t->app_startup = dist_constant(0);
    t->app_shutdown = dist_constant(SEC(2));
    t->node_boot = dist_constant(SEC(60));
}

static void add_node(struct fx *f, const char *name, const char *zone)
{
    struct scn_node *n = &f->nodes[f->scn.nnodes++];
    n->name = name;
    n->zone = zone;
    n->allocatable = (struct resources){4000, 16 * GIB, 110};
}

static void add_taint(struct fx *f, uint32_t node, const char *key, enum taint_effect e)
{
    struct scn_node *n = &f->nodes[node];
    struct taint *t = &f->taints[node];
    t->key = key;
    t->value = "";
    t->effect = e;
    n->taints = t;
    n->ntaints = 1;
}

/* A set of `replicas` pods each requesting `cpu` millicores, with one claim template of
 * class `cls` (NULL: no claims). */
static uint32_t add_set(struct fx *f, const char *name, int64_t cpu, const char *cls)
{
    uint32_t i = f->scn.nstatefulsets++;
    struct scn_statefulset *ss = &f->sets[i];
    f->ctr[i] = (struct scn_container){.name = "app", .image = "nginx:1", .requests = {cpu, 0, 0}};
    ss->name = name;
    ss->namespace_ = "default";
    ss->service_name = name;
    ss->replicas = 3;
    ss->revision_history_limit = 10;
    ss->template_.containers = &f->ctr[i];
    ss->template_.ncontainers = 1;
    ss->template_.termination_grace_ns = SEC(30);
    if (cls) {
        f->claim = (struct scn_claim_template){"data", ACCESS_RWO, GIB, cls};
        ss->claims = &f->claim;
        ss->nclaims = 1;
    }
    return i;
}

static void add_class(struct fx *f, const char *name, enum binding_mode b, const char **zones,
                      uint32_t nzones)
{
    struct scn_storage_class *c = &f->classes[f->scn.nstorage_classes++];
    c->name = name;
    c->binding = b;
    c->zones = zones;
    c->nzones = nzones;
}

static void fx_start(struct fx *f)
{
    f->scn.nodes = f->nodes;
    f->scn.statefulsets = f->sets;
    f->scn.storage_classes = f->classes;
    f->sim = sim_new(&f->scn, &f->opts);
    f->sim->store->want_text = true;
    store_watch(f->sim->store, record, f);
    sched_start(f->sim);
    adc_start(f->sim);
    volumes_start(f->sim);
}

static struct fx *fx_new(void)
{
    struct fx *f = xcalloc(1, sizeof *f);
    defaults(&f->scn);
    return f;
}

static void fx_free(struct fx *f)
{
    sim_free(f->sim);
    for (uint32_t i = 0; i < f->nrecs; i++)
        free(f->recs[i].text);
    free(f->recs);
    free(f);
}

static void dispatch(struct sim *sim, const struct event *ev)
{
    switch (ev->module) {
    case MOD_SCHED: sched_on_event(sim, ev); break;
    case MOD_ADC: adc_on_event(sim, ev); break;
    case MOD_VOLUMES: volumes_on_event(sim, ev); break;
    default: break;
    }
}

static void run_until(struct fx *f, int64_t t)
{
    struct event ev;
    while (queue_peek_time(f->sim->q) <= t) {
        queue_pop(f->sim->q, &ev);
        f->sim->now = ev.time;
        dispatch(f->sim, &ev);
    }
    f->sim->now = t;
}

static uint32_t count(const struct fx *f, enum change_reason r, uint32_t obj)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->nrecs; i++)
        n += f->recs[i].reason == r && f->recs[i].obj == obj;
    return n;
}

static const struct rec *nth(const struct fx *f, enum change_reason r, uint32_t obj, uint32_t k)
{
    for (uint32_t i = 0; i < f->nrecs; i++)
        if (f->recs[i].reason == r && f->recs[i].obj == obj && k-- == 0)
            return &f->recs[i];
    return NULL;
}

static uint32_t create_pod(struct fx *f, uint32_t set, int32_t ordinal)
{
    uint32_t pod = store_pod_create(f->sim->store, set, ordinal, NONE_ID);
    assert_int_not_equal(pod, NONE_ID);
    return pod;
}

/* --- Tests ---------------------------------------------------------------------------- */

/* podtopologyspread scoring.go (system default constraints) with LeastAllocated:
 * upstream TestPreScoreStateEmptyNodes / TestPodTopologySpreadScore "system defaulting". */
static void pods_of_a_set_are_spread_over_the_nodes(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "n0", "zone-a");
    add_node(f, "n1", "zone-a");
    add_node(f, "n2", "zone-a");
    add_set(f, "web", 500, NULL);
    fx_start(f);
    uint32_t pods[3];
    for (int i = 0; i < 3; i++) {
        run_until(f, SEC(i));
        pods[i] = create_pod(f, 0, i);
    }
    run_until(f, SEC(5));
    const struct store *st = f->sim->store;
    bool used[3] = {false, false, false};
    for (int i = 0; i < 3; i++) {
        uint32_t n = st->pods[pods[i]].node;
        assert_int_not_equal(n, NONE_ID);
        assert_false(used[n]);
        used[n] = true;
        /* Bound after timings.schedule. */
        assert_int_equal(st->pods[pods[i]].scheduled, SEC(i) + MSEC(50));
    }
    fx_free(f);
}

/* The zone constraint (maxSkew 5) puts the second pod in the other zone. */
static void the_second_pod_of_a_set_goes_to_the_other_zone(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        struct fx *f = fx_new();
        f->scn.seed = seed;
        add_node(f, "a1", "zone-a");
        add_node(f, "a2", "zone-a");
        add_node(f, "b1", "zone-b");
        add_node(f, "b2", "zone-b");
        add_set(f, "web", 500, NULL);
        fx_start(f);
        uint32_t p0 = create_pod(f, 0, 0);
        run_until(f, SEC(1));
        uint32_t p1 = create_pod(f, 0, 1);
        run_until(f, SEC(2));
        const struct store *st = f->sim->store;
        uint32_t z0 = st->nodes[st->pods[p0].node].zone;
        uint32_t z1 = st->nodes[st->pods[p1].node].zone;
        assert_int_not_equal(z0, z1);
        fx_free(f);
    }
}

/* nodeunschedulable TestNodeUnschedulable, tainttoleration TestTaintTolerationFilter and
 * the DefaultTolerationSeconds admission (TestForgivenessAdmission): a cordoned node, a node
 * with the unreachable:NoSchedule taint and one with an untolerated custom taint are
 * skipped; unreachable:NoExecute alone is tolerated by the admitted default toleration. */
static void cordoned_and_untolerated_tainted_nodes_are_skipped(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "cordoned", "zone-a");
    add_node(f, "unreachable", "zone-a");
    add_node(f, "noexecute-only", "zone-a");
    add_node(f, "dedicated", "zone-a");
    f->nodes[0].unschedulable = true;
    add_taint(f, 1, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE);
    add_taint(f, 2, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE);
    add_taint(f, 3, "dedicated", EFFECT_NO_SCHEDULE);
    add_set(f, "web", 100, NULL);
    fx_start(f);
    uint32_t pods[3];
    for (int i = 0; i < 3; i++)
        pods[i] = create_pod(f, 0, i);
    run_until(f, SEC(1));
    for (int i = 0; i < 3; i++)
        assert_int_equal(f->sim->store->pods[pods[i]].node, 2);
    fx_free(f);
}

/* tainttoleration TestIsSchedulableAfterNodeChange: removing a taint the pod tolerated
 * does not requeue it; removing the last untolerated one does, and it is scheduled after
 * the watch delay. */
static void only_removing_the_untolerated_taint_requeues_the_pod(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "n0", "zone-a");
    add_set(f, "web", 500, NULL);
    fx_start(f);
    struct store *st = f->sim->store;
    struct taint ns = {"node.kubernetes.io/unreachable", "", EFFECT_NO_SCHEDULE};
    struct taint ne = {"node.kubernetes.io/unreachable", "", EFFECT_NO_EXECUTE};
    store_node_add_taint(st, 0, &ns);
    store_node_add_taint(st, 0, &ne);
    uint32_t pod = create_pod(f, 0, 0);
    run_until(f, SEC(20));
    assert_int_equal(count(f, CH_POD_FAILED_SCHEDULING, pod), 1);
    store_node_remove_taint(st, 0, ne.key, EFFECT_NO_EXECUTE);
    run_until(f, SEC(40));
    assert_int_equal(count(f, CH_POD_FAILED_SCHEDULING, pod), 1);
    assert_int_equal(st->pods[pod].node, NONE_ID);
    store_node_remove_taint(st, 0, ns.key, EFFECT_NO_SCHEDULE);
    run_until(f, SEC(41));
    assert_int_equal(st->pods[pod].node, 0);
    assert_int_equal(st->pods[pod].scheduled, SEC(40) + MSEC(10));
    fx_free(f);
}

static void fill_nodes(struct fx *f, uint32_t filler_set, const uint32_t *nodes, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t p = create_pod(f, filler_set, i);
        store_pod_bind(f->sim->store, p, nodes[i]);
    }
}

/* framework/types.go TestFitError_Error and preemption's FitError: the message counts the
 * reasons per node, sorted, then the PostFilter message. The request fits the nodes'
 * allocatable, so preemption is tried there (no victims of lower priority). */
static void insufficient_cpu_gives_the_upstream_failed_scheduling_message(void **state)
{
    (void)state;
    const char *versions[] = {"1.34", "1.33"};
    const char *want[] = {
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "
        "no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is "
        "not helpful for scheduling, 2 No preemption victims found for incoming pod.",
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node.kubernetes.io/unreachable: }, 2 Insufficient cpu. preemption: 0/3 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims "
        "found for incoming pod.",
    };
    for (int v = 0; v < 2; v++) {
        struct fx *f = fx_new();
        f->scn.k8s.version = versions[v];
        add_node(f, "n0", "zone-a");
        add_node(f, "n1", "zone-a");
        add_node(f, "n2", "zone-a");
        add_taint(f, 0, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE);
        uint32_t big = add_set(f, "big", 3000, NULL);
        uint32_t filler = add_set(f, "filler", 2000, NULL);
        fx_start(f);
        const uint32_t fill[] = {1, 2};
        fill_nodes(f, filler, fill, 2);
        uint32_t pod = create_pod(f, big, 0);
        run_until(f, SEC(1) / 2);
        const struct rec *r = nth(f, CH_POD_FAILED_SCHEDULING, pod, 0);
        assert_non_null(r);
        assert_int_equal(r->time, MSEC(50));
        assert_string_equal(r->text, want[v]);
        /* kubectl shows it Pending. */
        assert_string_equal(f->sim->store->pods[pod].reason, "Pending");
        assert_int_equal(f->sim->store->pods[pod].node, NONE_ID);
        fx_free(f);
    }
}

/* scheduling_queue.go calculateBackoffDuration (TestPriorityQueue_calculateBackoffDuration)
 * and MoveAllToActiveOrBackoffQueue: every assigned pod deleted moves the NodeResourcesFit
 * rejection back, into backoffQ while its back-off runs; retries come 1, 2, 4, 8, 10, 10 s
 * apart. */
static void an_unschedulable_pod_retries_with_backoff_doubling_to_ten_seconds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "n0", "zone-a");
    add_node(f, "n1", "zone-a");
    uint32_t big = add_set(f, "big", 3000, NULL);
    uint32_t filler = add_set(f, "filler", 2000, NULL);
    uint32_t churn = add_set(f, "churn", 0, NULL);
    fx_start(f);
    const uint32_t fill[] = {0, 1};
    fill_nodes(f, filler, fill, 2);
    uint32_t pod = create_pod(f, big, 0);
    /* Pods that come and go on n0 all the time: each deletion is a cluster event. */
    for (int64_t t = MSEC(300); t <= SEC(40); t += MSEC(250)) {
        run_until(f, t);
        uint32_t c = create_pod(f, churn, 0);
        store_pod_bind(f->sim->store, c, 0);
        store_pod_delete(f->sim->store, c, 0, false);
    }
    run_until(f, SEC(45));
    const int64_t gaps[] = {SEC(1), SEC(2), SEC(4), SEC(8), SEC(10), SEC(10)};
    assert_true(count(f, CH_POD_FAILED_SCHEDULING, pod) >= 7);
    int64_t prev = nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->time;
    assert_int_equal(prev, MSEC(50));
    for (uint32_t i = 0; i < ARRAY_LEN(gaps); i++) {
        int64_t t = nth(f, CH_POD_FAILED_SCHEDULING, pod, i + 1)->time;
        assert_int_equal(t - prev, gaps[i]);
        prev = t;
    }
    fx_free(f);
}

/* flushUnschedulablePodsLeftover (TestPriorityQueue_FlushUnschedulableQLeftover): without
 * any event a rejected pod is retried once it has waited more than 5 minutes, on the
 * flush's 30 s grid. */
static void without_events_an_unschedulable_pod_is_retried_after_five_minutes(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "n0", "zone-a");
    uint32_t big = add_set(f, "big", 8000, NULL);
    fx_start(f);
    uint32_t pod = create_pod(f, big, 0);
    run_until(f, SEC(700));
    assert_int_equal(count(f, CH_POD_FAILED_SCHEDULING, pod), 3);
    int64_t t0 = nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->time;
    int64_t t1 = nth(f, CH_POD_FAILED_SCHEDULING, pod, 1)->time;
    int64_t t2 = nth(f, CH_POD_FAILED_SCHEDULING, pod, 2)->time;
    assert_true(t1 > t0 + SEC(300) && t1 <= t0 + SEC(330));
    assert_int_equal((t2 - t1) % SEC(30), 0);
    assert_true(t2 - t1 > SEC(300) && t2 - t1 <= SEC(330));
    /* A request above the node's allocatable: preemption cannot help. */
    assert_string_equal(nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->text,
                        "0/1 nodes are available: 1 Insufficient cpu. no new claims to "
                        "deallocate, preemption: 0/1 nodes are available: 1 Preemption is not "
                        "helpful for scheduling.");
    fx_free(f);
}

/* volumebinding TestVolumeBinding "bound and fits / node affinity conflict": a claim bound to
 * a zonal PV pins the pod to that zone; the pod stays Pending while the only node there is
 * cordoned, and is scheduled there once it is uncordoned. */
static void a_volume_in_another_zone_keeps_the_pod_pending(void **state)
{
    (void)state;
    static const char *only_a[] = {"zone-a"};
    struct fx *f = fx_new();
    add_node(f, "a0", "zone-a");
    add_node(f, "b0", "zone-b");
    add_node(f, "b1", "zone-b");
    f->nodes[0].unschedulable = true;
    add_class(f, "zonal-a", BIND_IMMEDIATE, only_a, 1);
    uint32_t web = add_set(f, "web", 500, "zonal-a");
    fx_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    run_until(f, SEC(5));
    assert_int_not_equal(st->pvcs[pvc].pv, NONE_ID);
    uint32_t pod = create_pod(f, web, 0);
    run_until(f, SEC(200));
    assert_int_equal(st->pods[pod].node, NONE_ID);
    const struct rec *r = nth(f, CH_POD_FAILED_SCHEDULING, pod, 0);
    assert_non_null(r);
    assert_string_equal(r->text,
                        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had "
                        "volume node affinity conflict. no new claims to deallocate, "
                        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
                        "scheduling.");
    store_node_set_unschedulable(st, 0, false);
    run_until(f, SEC(201));
    assert_int_equal(st->pods[pod].node, 0);
    /* The uncordon reaches the queue after the watch delay; the back-off is long over. */
    assert_int_equal(st->pods[pod].scheduled, SEC(200) + MSEC(10));
    fx_free(f);
}

/* volumebinding PreFilter (TestVolumeBinding "unbound immediate PVC"): the pod is rejected
 * on every node until the claim is bound; the bind moves it back. */
static void an_unbound_immediate_claim_rejects_the_pod_until_bound(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "n0", "zone-a");
    add_node(f, "n1", "zone-a");
    add_node(f, "n2", "zone-a");
    add_class(f, "standard", BIND_IMMEDIATE, NULL, 0);
    uint32_t web = add_set(f, "web", 500, "standard");
    fx_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    uint32_t pod = create_pod(f, web, 0);
    run_until(f, SEC(10));
    assert_int_equal(count(f, CH_POD_FAILED_SCHEDULING, pod), 1);
    assert_string_equal(nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->text,
                        "0/3 nodes are available: pod has unbound immediate "
                        "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 "
                        "Preemption is not helpful for scheduling.");
    /* Provisioned at 2 s; the PVC event reaches the queue 10 ms later. */
    assert_int_equal(nth(f, CH_PVC_BOUND, pvc, 0)->time, SEC(2));
    assert_int_equal(st->pods[pod].scheduled, SEC(2) + MSEC(10));
    fx_free(f);
}

/* volumebinding Reserve/PreBind with WaitForFirstConsumer (TestVolumeBinding "unbound
 * delayed-binding PVC" and the provisioner's selected-node topology): the volume is created
 * in the chosen node's zone and the pod is bound once the claim is. */
static void wait_for_first_consumer_provisions_in_the_chosen_zone_then_binds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "a0", "zone-a");
    add_node(f, "b0", "zone-b");
    f->nodes[0].unschedulable = true;
    add_class(f, "wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    uint32_t web = add_set(f, "web", 500, "wffc");
    fx_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    run_until(f, SEC(30));
    assert_int_equal(st->pvcs[pvc].pv, NONE_ID);
    uint32_t pod = create_pod(f, web, 0);
    run_until(f, SEC(40));
    assert_int_not_equal(st->pvcs[pvc].pv, NONE_ID);
    assert_int_equal(st->pvs[st->pvcs[pvc].pv].zone, st->nodes[1].zone);
    assert_int_equal(nth(f, CH_PVC_BOUND, pvc, 0)->time, SEC(30) + MSEC(50) + SEC(2));
    assert_int_equal(st->pods[pod].node, 1);
    assert_int_equal(st->pods[pod].scheduled, SEC(30) + MSEC(50) + SEC(2) + MSEC(10));
    assert_int_equal(count(f, CH_POD_FAILED_SCHEDULING, pod), 0);
    fx_free(f);
}

/* skipPodSchedule / the binding cycle: a pod deleted while PreBind waits is never bound. */
static void a_pod_deleted_during_prebind_is_never_bound(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    add_node(f, "b0", "zone-b");
    add_class(f, "wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    uint32_t web = add_set(f, "web", 500, "wffc");
    fx_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    uint32_t pod = create_pod(f, web, 0);
    run_until(f, SEC(1));
    assert_true(store_pod_delete(st, pod, SEC(30), false));
    run_until(f, SEC(20));
    assert_int_not_equal(st->pvcs[pvc].pv, NONE_ID);
    assert_int_equal(count(f, CH_POD_SCHEDULED, pod), 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pods_of_a_set_are_spread_over_the_nodes),
        cmocka_unit_test(the_second_pod_of_a_set_goes_to_the_other_zone),
        cmocka_unit_test(cordoned_and_untolerated_tainted_nodes_are_skipped),
        cmocka_unit_test(only_removing_the_untolerated_taint_requeues_the_pod),
        cmocka_unit_test(insufficient_cpu_gives_the_upstream_failed_scheduling_message),
        cmocka_unit_test(an_unschedulable_pod_retries_with_backoff_doubling_to_ten_seconds),
        cmocka_unit_test(without_events_an_unschedulable_pod_is_retried_after_five_minutes),
        cmocka_unit_test(a_volume_in_another_zone_keeps_the_pod_pending),
        cmocka_unit_test(an_unbound_immediate_claim_rejects_the_pod_until_bound),
        cmocka_unit_test(wait_for_first_consumer_provisions_in_the_chosen_zone_then_binds),
        cmocka_unit_test(a_pod_deleted_during_prebind_is_never_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
