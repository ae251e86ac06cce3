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

#include "fixture.h"

static const char OUT_OF_SERVICE[] = "node.kubernetes.io/out-of-service";

/* --- Harness ------------------------------------------------------------------------ */

/* Pop events up to `until`, dispatching only pod GC's; returns how many passes ran. */
static size_t run_until(struct sim *sim, int64_t until)
{
    return fixture_run_until(sim, MOD_PODGC, podgc_on_event, until);
}

static const char *const ONE_ZONE[FIXTURE_MAX_NODES] = {"z1", "z1", "z1"};

static void taint_out_of_service(struct fixture *fx, uint32_t node, enum taint_effect e)
{
    struct taint t = {.key = OUT_OF_SERVICE, .value = "nodeshutdown", .effect = e};
    store_node_add_taint(fx->sim->store, node, &t);
}

/* web-0 on node-a, web-1 and web-2 on node-b; pod GC started. */
static void start_three_pods(struct fixture *fx)
{
    fixture_start(fx);
    fixture_add_pod(fx, 0, 0);
    fixture_add_pod(fx, 1, 1);
    fixture_add_pod(fx, 2, 1);
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
    fixture_init(&fx, "podgc", 3, ONE_ZONE);
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

    int64_t gone = log_first(fx.log, CH_POD_FORCE_DELETED, 1, NULL, EFFECT_NONE);
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
    fixture_init(&fx, "podgc", 3, ONE_ZONE);
    start_three_pods(&fx);
    struct store *st = fx.sim->store;
    run_until(fx.sim, SEC(20));
    store_pod_delete(st, 1, SEC(30), false);
    taint_out_of_service(&fx, 1, EFFECT_NO_SCHEDULE);
    run_until(fx.sim, SEC(300));
    assert_false(st->pods[1].gone);
    assert_int_equal(log_count(fx.log, CH_POD_FORCE_DELETED, NULL, EFFECT_NONE), 0);
    fixture_fini(&fx);
}

/* Upstream TestGCOrphaned: pods bound to a Node object that is gone are quarantined for
 * 40 s, then marked Failed with DisruptionTarget (DeletionByPodGC) and force deleted: 40 to
 * 60 s after the deletion on the 20 s grid. */
static void orphans_of_a_deleted_node_are_removed_after_the_quarantine(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "podgc", 3, ONE_ZONE);
    start_three_pods(&fx);
    struct store *st = fx.sim->store;
    run_until(fx.sim, SEC(100));
    store_node_delete(st, 1);
    run_until(fx.sim, SEC(300));
    int64_t t1 = log_first(fx.log, CH_POD_FORCE_DELETED, 1, NULL, EFFECT_NONE);
    int64_t t2 = log_first(fx.log, CH_POD_FORCE_DELETED, 2, NULL, EFFECT_NONE);
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
    fixture_init(&fx, "podgc", 3, ONE_ZONE);
    start_three_pods(&fx);
    assert_int_equal(run_until(fx.sim, SEC(1000)), 0);
    store_node_delete(fx.sim->store, 1);
    size_t passes = run_until(fx.sim, SEC(2000));
    assert_in_range(passes, 3, 3); /* first seen, +20 s, +40 s: deleted */
    assert_int_equal(log_count(fx.log, CH_POD_FORCE_DELETED, NULL, EFFECT_NONE), 2);
    fixture_fini(&fx);
}

/* Upstream TestGCTerminated: above --terminated-pod-gc-threshold the oldest terminated
 * pods are deleted, down to the threshold. */
static void terminated_pods_over_the_threshold_are_deleted_oldest_first(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "podgc", 3, ONE_ZONE);
    fx.scn.k8s.pod_gc_terminated_threshold = 2;
    fixture_start(&fx);
    podgc_start(fx.sim);
    struct store *st = fx.sim->store;
    uint32_t pods[5];
    for (int32_t i = 0; i < 5; i++) {
        run_until(fx.sim, SEC(10) * (i + 1));
        pods[i] = fixture_add_pod(&fx, i, (uint32_t)i % 3);
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
