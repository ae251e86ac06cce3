/* Unit tests of the pod garbage collector: out-of-service force deletion, orphans of
 * deleted nodes after the quarantine, the terminated-pod threshold, and a loop that only
 * runs while something is a candidate. Only pod GC's events are dispatched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "controllers/podgc.h"
#include "sim/sim.h"
#include "util/util.h"

#define MAX_NODES 8

static const char OUT_OF_SERVICE[] = "node.kubernetes.io/out-of-service";

/* --- Fixture: a hand-built scenario with every upstream default set explicitly -------- */

struct fixture {
    struct scenario scn;
    struct scn_node nodes[MAX_NODES];
    struct kv labels[1];
    struct scn_statefulset set;
    struct scn_container container;
    struct sim *sim;
    struct change_log *log;
};

static void k8s_defaults(struct scn_kubernetes *k)
{
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
    k->shutdown_grace_ns = 0;
    k->shutdown_grace_critical_ns = 0;
    k->crashloop_initial_ns = SEC(10);
    k->crashloop_max_ns = SEC(300);
    k->sched_initial_backoff_ns = SEC(1);
    k->sched_max_backoff_ns = SEC(10);
    k->sched_unschedulable_flush_ns = SEC(300);
    k->gate_max_unavailable_statefulset = false;
    k->taint_eviction_broken = false;
}

static void timing_defaults(struct scn_timings *t)
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

static const char *const NODE_NAMES[MAX_NODES] = {"node-a", "node-b", "node-c", "node-d",
                                                  "node-e", "node-f", "node-g", "node-h"};

/* n nodes; zones[i] is node i's zone. One StatefulSet "web" (no pods yet). */
static void fixture_init(struct fixture *fx, uint32_t n, const char *const *zones)
{
    memset(fx, 0, sizeof *fx);
    struct scenario *s = &fx->scn;
    s->name = "podgc";
    s->seed = 7;
    s->until = SEC(2400);
    s->max_events = 50000000;
    k8s_defaults(&s->k8s);
    timing_defaults(&s->timings);
    for (uint32_t i = 0; i < n; i++) {
        fx->nodes[i].name = NODE_NAMES[i];
        fx->nodes[i].zone = zones[i];
        fx->nodes[i].allocatable = (struct resources){4000, INT64_C(16) << 30, 110};
    }
    s->nodes = fx->nodes;
    s->nnodes = n;
    fx->container = (struct scn_container){.name = "web", .image = "nginx"};
    fx->set.name = "web";
    fx->set.service_name = "web";
    fx->set.replicas = 3;
    fx->set.revision_history_limit = 10;
    fx->set.template_.containers = &fx->container;
    fx->set.template_.ncontainers = 1;
    fx->set.template_.termination_grace_ns = SEC(30);
    s->statefulsets = &fx->set;
    s->nstatefulsets = 1;
}

/* --- Recording the change stream ---------------------------------------------------- */

struct entry {
    int64_t time;
    uint64_t seq;
    enum change_reason reason;
    uint32_t obj, a;
    int64_t b;
    const char *key; /* taint key for Tainted / Untainted */
};

struct change_log {
    struct entry *e;
    size_t n, cap;
    const struct store *st;
};

static void record(void *ctx, const struct change *c)
{
    struct change_log *l = ctx;
    struct entry e = {c->time, c->seq, c->reason, c->obj, c->a, c->b, NULL};
    if (c->reason == CH_NODE_TAINTED)
        e.key = l->st->nodes[c->obj].taints[c->a].taint.key;
    else if (c->reason == CH_NODE_UNTAINTED)
        e.key = c->text;
    VEC_PUSH(l->e, l->n, l->cap, e);
}

static void fixture_start(struct fixture *fx)
{
    fx->sim = sim_new(&fx->scn, NULL);
    fx->log = calloc(1, sizeof *fx->log);
    fx->log->st = fx->sim->store;
    store_watch(fx->sim->store, record, fx->log);
}

static void fixture_fini(struct fixture *fx)
{
    sim_free(fx->sim);
    free(fx->log->e);
    free(fx->log);
}

/* Time of the first change matching, or -1. key NULL matches any; effect 0 matches any. */
static int64_t first(const struct change_log *l, enum change_reason r, uint32_t obj,
                     const char *key, enum taint_effect effect)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct entry *e = &l->e[i];
        if (e->reason != r || e->obj != obj)
            continue;
        if (key && (e->key == NULL || strcmp(e->key, key) != 0))
            continue;
        if (effect != EFFECT_NONE && e->b != effect)
            continue;
        return e->time;
    }
    return -1;
}

static size_t count(const struct change_log *l, enum change_reason r, const char *key,
                    enum taint_effect effect)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].reason == r && (!key || (l->e[i].key && !strcmp(l->e[i].key, key))) &&
            (effect == EFFECT_NONE || l->e[i].b == effect))
            k++;
    return k;
}

/* Pop events up to `until`, dispatching only pod GC's; returns how many passes ran. */
static size_t run_until(struct sim *sim, int64_t until)
{
    struct event ev;
    size_t passes = 0;
    while (queue_peek_time(sim->q) <= until && queue_pop(sim->q, &ev)) {
        sim->now = ev.time;
        if (ev.module == MOD_PODGC) {
            podgc_on_event(sim, &ev);
            passes++;
        }
    }
    if (sim->now < until)
        sim->now = until;
    return passes;
}

static uint32_t add_pod(struct fixture *fx, int32_t ordinal, uint32_t node)
{
    struct store *st = fx->sim->store;
    uint32_t pod = store_pod_create(st, 0, ordinal, NONE_ID);
    store_pod_bind(st, pod, node);
    store_pod_set_phase(st, pod, PHASE_RUNNING, "Running");
    store_pod_set_ready(st, pod, true);
    return pod;
}

static const char *const ONE_ZONE[MAX_NODES] = {"z1", "z1", "z1"};

static void taint_out_of_service(struct fixture *fx, uint32_t node, enum taint_effect e)
{
    struct taint t = {.key = OUT_OF_SERVICE, .value = "nodeshutdown", .effect = e};
    store_node_add_taint(fx->sim->store, node, &t);
}

/* web-0 on node-a, web-1 and web-2 on node-b; pod GC started. */
static void start_three_pods(struct fixture *fx)
{
    fixture_start(fx);
    add_pod(fx, 0, 0);
    add_pod(fx, 1, 1);
    add_pod(fx, 2, 1);
    podgc_start(fx->sim);
}

static size_t seq_of(const struct change_log *l, enum change_reason r, uint32_t obj)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].reason == r && l->e[i].obj == obj)
            return (size_t)l->e[i].seq;
    return 0;
}

/* Upstream TestGCTerminating: a terminating pod on a node that is not Ready and carries the
 * out-of-service taint is marked Failed and force deleted on the next 20 s pass; a pod on
 * the same node that is not terminating is left alone. */
static void out_of_service_taint_force_deletes_terminating_pods_on_the_next_pass(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_three_pods(&fx);
    struct store *st = fx.sim->store;
    run_until(fx.sim, SEC(10));
    store_node_set_ready(st, 1, COND_UNKNOWN, "NodeStatusUnknown");
    run_until(fx.sim, SEC(20));
    store_pod_delete(st, 1, SEC(30), false); /* web-1 Terminating, its kubelet is gone */
    run_until(fx.sim, SEC(100));
    assert_false(st->pods[1].gone);
    taint_out_of_service(&fx, 1, EFFECT_NO_EXECUTE);
    run_until(fx.sim, SEC(200));

    int64_t gone = first(fx.log, CH_POD_FORCE_DELETED, 1, NULL, EFFECT_NONE);
    assert_in_range(gone, SEC(100), SEC(120) - 1);
    assert_true(st->pods[1].gone);
    assert_int_equal(st->pods[1].phase, PHASE_FAILED);
    assert_true(seq_of(fx.log, CH_POD_FAILED, 1) < seq_of(fx.log, CH_POD_FORCE_DELETED, 1));
    /* web-2 was not terminating: the NoSchedule-like path leaves it (the taint-eviction
     * controller, not dispatched here, is what deletes it for a NoExecute taint). */
    assert_false(st->pods[2].gone);
    assert_false(st->pods[0].gone);
    fixture_fini(&fx);
}

/* gcTerminating requires !IsNodeReady: on a Ready node the taint alone does nothing, the
 * kubelet finishes the graceful deletion itself. */
static void out_of_service_taint_on_a_ready_node_force_deletes_nothing(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_three_pods(&fx);
    struct store *st = fx.sim->store;
    run_until(fx.sim, SEC(20));
    store_pod_delete(st, 1, SEC(30), false);
    taint_out_of_service(&fx, 1, EFFECT_NO_SCHEDULE);
    run_until(fx.sim, SEC(300));
    assert_false(st->pods[1].gone);
    assert_int_equal(count(fx.log, CH_POD_FORCE_DELETED, NULL, EFFECT_NONE), 0);
    fixture_fini(&fx);
}

/* Upstream TestGCOrphaned: pods bound to a Node object that is gone are quarantined for
 * 40 s, then marked Failed with DisruptionTarget (DeletionByPodGC) and force deleted: 40 to
 * 60 s after the deletion on the 20 s grid. */
static void orphans_of_a_deleted_node_are_removed_after_the_quarantine(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_three_pods(&fx);
    struct store *st = fx.sim->store;
    run_until(fx.sim, SEC(100));
    store_node_delete(st, 1);
    run_until(fx.sim, SEC(300));
    int64_t t1 = first(fx.log, CH_POD_FORCE_DELETED, 1, NULL, EFFECT_NONE);
    int64_t t2 = first(fx.log, CH_POD_FORCE_DELETED, 2, NULL, EFFECT_NONE);
    assert_in_range(t1, SEC(140), SEC(160));
    assert_int_equal(t1, t2);
    assert_true(st->pods[1].disruption_target);
    assert_int_equal(st->pods[1].phase, PHASE_FAILED);
    assert_false(st->pods[0].gone);
    fixture_fini(&fx);
}

/* The loop is lazy (docs/internals.md, "Periodic loops"): with nothing to collect no pass
 * is simulated; a deleted node with pods runs passes until they are gone, then stops. */
static void pod_gc_runs_no_pass_while_nothing_is_a_candidate(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_three_pods(&fx);
    assert_int_equal(run_until(fx.sim, SEC(1000)), 0);
    store_node_delete(fx.sim->store, 1);
    size_t passes = run_until(fx.sim, SEC(2000));
    assert_in_range(passes, 3, 3); /* first seen, +20 s, +40 s: deleted */
    assert_int_equal(count(fx.log, CH_POD_FORCE_DELETED, NULL, EFFECT_NONE), 2);
    fixture_fini(&fx);
}

/* Upstream TestGCTerminated: above --terminated-pod-gc-threshold the oldest terminated
 * pods are deleted, down to the threshold. */
static void terminated_pods_over_the_threshold_are_deleted_oldest_first(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    fx.scn.k8s.pod_gc_terminated_threshold = 2;
    fixture_start(&fx);
    podgc_start(fx.sim);
    struct store *st = fx.sim->store;
    uint32_t pods[5];
    for (int32_t i = 0; i < 5; i++) {
        run_until(fx.sim, SEC(10) * (i + 1));
        pods[i] = add_pod(&fx, i, (uint32_t)i % 3);
        store_pod_set_phase(st, pods[i], PHASE_SUCCEEDED, "Completed");
    }
    run_until(fx.sim, SEC(200));
    assert_true(st->pods[pods[0]].gone);
    assert_true(st->pods[pods[1]].gone);
    assert_true(st->pods[pods[2]].gone);
    assert_false(st->pods[pods[3]].gone);
    assert_false(st->pods[pods[4]].gone);
    fixture_fini(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(out_of_service_taint_force_deletes_terminating_pods_on_the_next_pass),
        cmocka_unit_test(out_of_service_taint_on_a_ready_node_force_deletes_nothing),
        cmocka_unit_test(orphans_of_a_deleted_node_are_removed_after_the_quarantine),
        cmocka_unit_test(pod_gc_runs_no_pass_while_nothing_is_a_candidate),
        cmocka_unit_test(terminated_pods_over_the_threshold_are_deleted_oldest_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
