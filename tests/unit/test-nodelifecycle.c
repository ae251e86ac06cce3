/* Unit tests of the node lifecycle controller: when a node that stops renewing its Lease
 * turns Unknown, how its taints follow, how the zone token bucket spaces NoExecute taints,
 * and what zone disruption states do. Only the controller's own events are dispatched; the
 * kubelet's Lease and status posts are simulated with store calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/nodelifecycle.h"
#include "sim/sim.h"
#include "util/util.h"

#include "fixture.h"

static const char UNREACHABLE[] = "node.kubernetes.io/unreachable";
static const char NOT_READY[] = "node.kubernetes.io/not-ready";

/* --- Harness ------------------------------------------------------------------------ */

/* Pop events up to `until`, dispatching only the node lifecycle controller's. */
static void run_until(struct sim *sim, int64_t until)
{
    fixture_run_until(sim, MOD_NLC, nlc_on_event, until);
}

/* What the kubelet does when its node starts: renew the Lease every 10 s from `phase`. */
static void leases_start(struct fixture *fx, const int64_t *phases)
{
    for (uint32_t i = 0; i < fx->scn.nnodes; i++)
        store_node_lease_start(fx->sim->store, i, phases[i]);
}

static const char *const ONE_ZONE[FIXTURE_MAX_NODES] = {"z1", "z1", "z1", "z1",
                                                        "z1", "z1", "z1", "z1"};

/* A power-off at t=120 s of node-b in a 3-node zone: returns the times of Unknown, the
 * NoSchedule and the NoExecute unreachable taints. */
static void crash_one_node(int64_t grace, int64_t *unknown, int64_t *noschedule, int64_t *noexecute,
                           bool *pod_marked)
{
    struct fixture fx;
    fixture_init(&fx, "nlc", 3, ONE_ZONE);
    fx.scn.k8s.node_monitor_grace_ns = grace;
    if (grace == SEC(40))
        fx.scn.k8s.version = "1.31";
    fixture_start(&fx);
    const int64_t phases[] = {MSEC(1300), MSEC(4700), MSEC(8100)};
    leases_start(&fx, phases);
    for (uint32_t i = 0; i < 3; i++)
        fixture_add_pod(&fx, (int32_t)i, i);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    store_node_lease_stop(fx.sim->store, 1);
    run_until(fx.sim, SEC(400));

    *unknown = log_first(fx.log, CH_NODE_UNKNOWN, 1, NULL, EFFECT_NONE);
    *noschedule = log_first(fx.log, CH_NODE_TAINTED, 1, UNREACHABLE, EFFECT_NO_SCHEDULE);
    *noexecute = log_first(fx.log, CH_NODE_TAINTED, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    *pod_marked = log_first(fx.log, CH_POD_MARKED_NOT_READY, 1, NULL, EFFECT_NONE) == *unknown &&
                  !fx.sim->store->pods[1].ready && fx.sim->store->pods[1].phase == PHASE_RUNNING;
    /* The healthy nodes stay Ready and untainted. */
    assert_int_equal(log_first(fx.log, CH_NODE_UNKNOWN, 0, NULL, EFFECT_NONE), -1);
    assert_int_equal(log_first(fx.log, CH_NODE_UNKNOWN, 2, NULL, EFFECT_NONE), -1);
    assert_true(fx.sim->store->pods[0].ready);
    fixture_fini(&fx);
}

/* Upstream TestMonitorNodeHealthUpdateNodeAndPodStatusWithLease (Ready becomes Unknown at
 * the first pass past probeTimestamp + nodeMonitorGracePeriod once the Lease stops),
 * TestMonitorNodeHealthMarkPodsNotReady and TestApplyNoExecuteTaints. */
static void power_off_turns_node_unknown_after_the_grace_period_then_taints_it(void **state)
{
    (void)state;
    int64_t unknown, noschedule, noexecute;
    bool marked;
    crash_one_node(SEC(50), &unknown, &noschedule, &noexecute, &marked);
    assert_in_range(unknown, SEC(160), SEC(180));
    /* doNoScheduleTaintingPass runs on the node update, after the informer delay. */
    assert_true(noschedule > unknown);
    assert_true(noschedule <= unknown + SEC(1));
    /* processTaintBaseEviction queues the node one pass later; the bucket is full. */
    assert_in_range(noexecute, unknown + SEC(5), unknown + SEC(15));
    assert_true(noexecute <= unknown + SEC(5) + MSEC(100));
    /* MarkPodsNotReady in the same pass; the phase stays Running. */
    assert_true(marked);
}

/* nodeMonitorGracePeriod was 40 s before v1.32 (k/k #126287): everything 10 s earlier. */
static void grace_of_forty_seconds_makes_everything_ten_seconds_earlier(void **state)
{
    (void)state;
    int64_t u50, ns50, ne50, u40, ns40, ne40;
    bool m;
    crash_one_node(SEC(50), &u50, &ns50, &ne50, &m);
    crash_one_node(SEC(40), &u40, &ns40, &ne40, &m);
    assert_int_equal(u50 - u40, SEC(10));
    assert_int_equal(ne50 - ne40, SEC(10));
    assert_in_range(u40, SEC(150), SEC(170));
}

/* The rule of RateLimitedTimedQueue.Try behind NewTokenBucketRateLimiter(0.1, 1), drained
 * every NodeEvictionPeriod: three nodes of one zone lost at once are tainted 10 s apart,
 * on the 100 ms grid. A zone of 6 with 3 down stays Normal (3/6 < 0.55). */
static void token_bucket_spaces_noexecute_taints_of_one_zone_ten_seconds_apart(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 6, ONE_ZONE);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(2), SEC(2), SEC(2), SEC(2), SEC(2), SEC(2)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    for (uint32_t i = 1; i <= 3; i++)
        store_node_lease_stop(fx.sim->store, i);
    run_until(fx.sim, SEC(400));

    int64_t u = log_first(fx.log, CH_NODE_UNKNOWN, 1, NULL, EFFECT_NONE);
    assert_true(u > 0);
    assert_int_equal(log_first(fx.log, CH_NODE_UNKNOWN, 2, NULL, EFFECT_NONE), u);
    assert_int_equal(log_first(fx.log, CH_NODE_UNKNOWN, 3, NULL, EFFECT_NONE), u);
    int64_t t1 = log_first(fx.log, CH_NODE_TAINTED, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    int64_t t2 = log_first(fx.log, CH_NODE_TAINTED, 2, UNREACHABLE, EFFECT_NO_EXECUTE);
    int64_t t3 = log_first(fx.log, CH_NODE_TAINTED, 3, UNREACHABLE, EFFECT_NO_EXECUTE);
    assert_in_range(t1, u + SEC(5), u + SEC(5) + MSEC(100));
    assert_int_equal(t2 - t1, SEC(10));
    assert_int_equal(t3 - t2, SEC(10));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    assert_int_equal(log_count(fx.log, CH_ZONE_STATE, NULL, EFFECT_NONE), 0);
    fixture_fini(&fx);
}

/* Upstream TestMonitorNodeHealthEvictPodsWithDisruption, "Partial Disruption" cases
 * (ComputeZoneState + ReducedQPSFunc): 3 of 4 nodes not Ready is PartialDisruption; a zone
 * of at most largeClusterSizeThreshold nodes then stops tainting (rate 0). */
static void partial_disruption_of_a_small_zone_stops_noexecute_tainting(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 4, ONE_ZONE);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(3), SEC(3), SEC(3), SEC(3)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    for (uint32_t i = 0; i < 3; i++)
        store_node_lease_stop(fx.sim->store, i);
    run_until(fx.sim, SEC(900));

    int64_t u = log_first(fx.log, CH_NODE_UNKNOWN, 0, NULL, EFFECT_NONE);
    assert_true(u > 0);
    int64_t z = log_first(fx.log, CH_ZONE_STATE, 0, NULL, EFFECT_NONE);
    assert_int_equal(z, u);
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_EXECUTE), 0);
    /* The NoSchedule taints are not rate limited. */
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_SCHEDULE), 3);
    fixture_fini(&fx);
}

static const char *const TWO_ZONES[FIXTURE_MAX_NODES] = {"z1", "z1", "z2", "z2"};

/* Upstream TestMonitorNodeHealthEvictPodsWithDisruption, "Full Disruption" of every zone
 * (handleDisruption): the controller distrusts its own view and adds no NoExecute taint
 * anywhere. When the nodes come back, the zones return to Normal. */
static void all_zones_fully_disrupted_adds_no_noexecute_taint(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 4, TWO_ZONES);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(6), SEC(6), SEC(6), SEC(6)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    for (uint32_t i = 0; i < 4; i++)
        store_node_lease_stop(fx.sim->store, i);
    run_until(fx.sim, SEC(600));

    assert_string_equal(nlc_zone_state(fx.sim, 0), "FullDisruption");
    assert_string_equal(nlc_zone_state(fx.sim, 1), "FullDisruption");
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_EXECUTE), 0);
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_SCHEDULE), 4);

    /* The kubelets come back: Lease renewals and Ready=True posts. */
    for (uint32_t i = 0; i < 4; i++) {
        store_node_lease_start(fx.sim->store, i, SEC(600));
        store_node_set_ready(fx.sim->store, i, COND_TRUE, "KubeletReady");
    }
    run_until(fx.sim, SEC(700));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    assert_string_equal(nlc_zone_state(fx.sim, 1), "Normal");
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_EXECUTE), 0);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(fx.sim->store->nodes[i].ntaints, 0);
    fixture_fini(&fx);
}

/* Upstream TestMonitorNodeHealthEvictPodsWithDisruption, one zone in "Full Disruption"
 * next to a healthy one (HealthyQPSFunc): it is tainted at the normal rate. */
static void fully_disrupted_zone_next_to_a_healthy_one_is_tainted_at_the_normal_rate(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 4, TWO_ZONES);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(6), SEC(6), SEC(6), SEC(6)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    store_node_lease_stop(fx.sim->store, 0);
    store_node_lease_stop(fx.sim->store, 1);
    run_until(fx.sim, SEC(400));

    assert_string_equal(nlc_zone_state(fx.sim, 0), "FullDisruption");
    assert_string_equal(nlc_zone_state(fx.sim, 1), "Normal");
    int64_t t0 = log_first(fx.log, CH_NODE_TAINTED, 0, UNREACHABLE, EFFECT_NO_EXECUTE);
    int64_t t1 = log_first(fx.log, CH_NODE_TAINTED, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    assert_true(t0 > 0);
    assert_int_equal(t1 - t0, SEC(10));
    fixture_fini(&fx);
}

/* Upstream TestApplyNoExecuteTaints, the node that becomes healthy (markNodeAsReachable):
 * once the kubelet posts Ready again the next pass removes the NoExecute taint; the
 * NoSchedule one goes with the node update, after the informer delay. */
static void node_that_returns_loses_its_taints(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 3, ONE_ZONE);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(1), SEC(4), SEC(7)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    store_node_lease_stop(fx.sim->store, 1);
    run_until(fx.sim, SEC(300));
    const struct node *b = &fx.sim->store->nodes[1];
    assert_true(node_has_taint(b, UNREACHABLE, EFFECT_NO_EXECUTE));
    assert_true(node_has_taint(b, UNREACHABLE, EFFECT_NO_SCHEDULE));

    store_node_lease_start(fx.sim->store, 1, SEC(300));
    store_node_set_ready(fx.sim->store, 1, COND_TRUE, "KubeletReady");
    run_until(fx.sim, SEC(400));
    int64_t ne = -1, ns = -1;
    for (size_t i = 0; i < fx.log->n; i++) {
        const struct log_entry *e = &fx.log->e[i];
        if (e->reason != CH_NODE_UNTAINTED || e->obj != 1 || strcmp(e->key, UNREACHABLE))
            continue;
        if (e->b == EFFECT_NO_EXECUTE)
            ne = e->time;
        else if (e->b == EFFECT_NO_SCHEDULE)
            ns = e->time;
    }
    assert_in_range(ne, SEC(300), SEC(305));
    assert_in_range(ns, SEC(300) + 1, SEC(301));
    assert_int_equal(b->ntaints, 0);
    assert_int_equal(b->ready, COND_TRUE);
    fixture_fini(&fx);
}

/* Upstream TestSwapUnreachableNotReadyTaints (processTaintBaseEviction): Ready=False posted
 * by the kubelet gives the not-ready taints and no MarkPodsNotReady (the controller did not
 * make the transition); when the node then goes Unknown, the NoExecute taint is swapped at
 * once, without waiting for a token. */
static void kubelet_not_ready_gets_not_ready_taints_swapped_on_unknown(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 3, ONE_ZONE);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(1), SEC(4), SEC(7)};
    leases_start(&fx, phases);
    fixture_add_pod(&fx, 1, 1);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(100));
    store_node_set_ready(fx.sim->store, 1, COND_FALSE, "KubeletNotReady");
    run_until(fx.sim, SEC(200));
    int64_t ne = log_first(fx.log, CH_NODE_TAINTED, 1, NOT_READY, EFFECT_NO_EXECUTE);
    int64_t ns = log_first(fx.log, CH_NODE_TAINTED, 1, NOT_READY, EFFECT_NO_SCHEDULE);
    assert_in_range(ns, SEC(100) + 1, SEC(101));
    assert_in_range(ne, SEC(100), SEC(105) + MSEC(100));
    assert_int_equal(log_count(fx.log, CH_POD_MARKED_NOT_READY, NULL, EFFECT_NONE), 0);

    store_node_lease_stop(fx.sim->store, 1);
    run_until(fx.sim, SEC(400));
    int64_t u = log_first(fx.log, CH_NODE_UNKNOWN, 1, NULL, EFFECT_NONE);
    assert_in_range(u, SEC(240), SEC(260));
    int64_t swap = log_first(fx.log, CH_NODE_TAINTED, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    assert_int_equal(swap, u + SEC(5));
    const struct node *b = &fx.sim->store->nodes[1];
    assert_false(node_has_taint(b, NOT_READY, EFFECT_NO_EXECUTE));
    assert_false(node_has_taint(b, NOT_READY, EFFECT_NO_SCHEDULE));
    assert_true(node_has_taint(b, UNREACHABLE, EFFECT_NO_SCHEDULE));
    fixture_fini(&fx);
}

/* k8s.taint_eviction_broken models the v1.19-1.20 regression that upstream
 * TestApplyNoExecuteTaintsToNodesEnqueueTwice guards against (k/k #96183, #96876): the
 * unreachable NoExecute taint never comes, so nothing is ever evicted. */
static void broken_taint_eviction_never_adds_the_unreachable_noexecute_taint(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 3, ONE_ZONE);
    fx.scn.k8s.taint_eviction_broken = true;
    fixture_start(&fx);
    const int64_t phases[] = {SEC(1), SEC(4), SEC(7)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(120));
    store_node_lease_stop(fx.sim->store, 1);
    run_until(fx.sim, SEC(900));
    assert_true(log_first(fx.log, CH_NODE_UNKNOWN, 1, NULL, EFFECT_NONE) > 0);
    assert_true(log_first(fx.log, CH_NODE_TAINTED, 1, UNREACHABLE, EFFECT_NO_SCHEDULE) > 0);
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_EXECUTE), 0);
    fixture_fini(&fx);
}

/* The classifyNodes rule of monitorNodeHealth: a deleted Node is forgotten; it is not set
 * Unknown, and the zone counts only the nodes that exist. */
static void deleted_node_is_forgotten(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 3, ONE_ZONE);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(1), SEC(4), SEC(7)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(100));
    store_node_lease_stop(fx.sim->store, 1);
    store_node_delete(fx.sim->store, 1);
    run_until(fx.sim, SEC(600));
    assert_int_equal(log_first(fx.log, CH_NODE_UNKNOWN, 1, NULL, EFFECT_NONE), -1);
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, NULL, EFFECT_NONE), 0);
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    fixture_fini(&fx);
}

/* Upstream TestTaintsNodeByCondition (doNoScheduleTaintingPass) also maps
 * spec.unschedulable to the node.kubernetes.io/unschedulable:NoSchedule taint. */
static void cordon_adds_the_unschedulable_noschedule_taint(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "nlc", 3, ONE_ZONE);
    fixture_start(&fx);
    const int64_t phases[] = {SEC(1), SEC(4), SEC(7)};
    leases_start(&fx, phases);
    nlc_start(fx.sim);
    run_until(fx.sim, SEC(50));
    store_node_set_unschedulable(fx.sim->store, 2, true);
    run_until(fx.sim, SEC(60));
    assert_int_equal(log_first(fx.log, CH_NODE_TAINTED, 2, "node.kubernetes.io/unschedulable",
                               EFFECT_NO_SCHEDULE),
                     SEC(50) + MSEC(10));
    store_node_set_unschedulable(fx.sim->store, 2, false);
    run_until(fx.sim, SEC(70));
    assert_int_equal(fx.sim->store->nodes[2].ntaints, 0);
    fixture_fini(&fx);
}

/* --- At scale: the same rules with hundreds of nodes ------------------------------------ */

/* nzones zones of per_zone nodes (fixture_zoned), Leases renewing on phases spread over
 * the 10 s period, and the controller started. */
static void big_init(struct fixture *fx, uint32_t nzones, uint32_t per_zone)
{
    uint32_t n = nzones * per_zone;
    fixture_zoned(fx, "nlc-big", 5, nzones, per_zone);
    fixture_start(fx);
    for (uint32_t i = 0; i < n; i++)
        store_node_lease_start(fx->sim->store, i, (int64_t)i * MSEC(37) % SEC(10));
    nlc_start(fx->sim);
}

/* tryUpdateNodeHealth's rule: the probe is the first pass at or after the last renewal and
 * the node is Unknown at the first pass at least a grace period later. `unknown` is a pass,
 * which gives the grid. */
static int64_t expected_unknown(int64_t last_renewal, int64_t unknown, int64_t period,
                                int64_t grace)
{
    int64_t phase = unknown % period;
    int64_t probe = grid_next(last_renewal, phase, period);
    return grid_next(probe + grace, phase, period);
}

/* In a cluster of 300, nodes whose Leases stop without any node change (as here, by hand),
 * at all points of the Lease and pass grids, go Unknown at the exact pass the grace period
 * gives. */
static void silent_lease_stops_in_a_large_cluster_expire_at_the_exact_pass(void **state)
{
    (void)state;
    struct fixture fx;
    big_init(&fx, 3, 100);
    const struct scn_kubernetes *k = &fx.scn.k8s;
    /* Every 7th node stops, at 300 s + (id * 1.37 s mod 60 s): stop times in that order. */
    enum { N = 300, STEP = 7 };
    int64_t stop_at[N], last[N];
    for (uint32_t i = 0; i < N; i++)
        stop_at[i] = i % STEP == 3 ? SEC(300) + (int64_t)i * MSEC(1370) % SEC(60) : -1;
    run_until(fx.sim, SEC(300));
    for (int64_t t = SEC(300); t < SEC(360); t += MSEC(10)) {
        run_until(fx.sim, t);
        for (uint32_t i = 0; i < N; i++) {
            if (stop_at[i] < 0 || stop_at[i] > t || stop_at[i] <= t - MSEC(10))
                continue;
            store_node_lease_stop(fx.sim->store, i);
            last[i] = fx.sim->store->nodes[i].lease_last;
        }
    }
    run_until(fx.sim, SEC(700));
    int64_t u0 = log_first(fx.log, CH_NODE_UNKNOWN, 3, NULL, EFFECT_NONE);
    size_t lost = 0;
    for (uint32_t i = 0; i < N; i++) {
        int64_t u = log_first(fx.log, CH_NODE_UNKNOWN, i, NULL, EFFECT_NONE);
        if (stop_at[i] < 0) {
            assert_int_equal(u, -1);
            continue;
        }
        lost++;
        assert_true(u > stop_at[i]);
        assert_int_equal(u % k->node_monitor_period_ns, u0 % k->node_monitor_period_ns);
        assert_int_equal(
            u, expected_unknown(last[i], u, k->node_monitor_period_ns, k->node_monitor_grace_ns));
        /* processTaintBaseEviction queues it on the next pass at the earliest. */
        assert_true(log_first(fx.log, CH_NODE_TAINTED, i, UNREACHABLE, EFFECT_NO_EXECUTE) >=
                    u + k->node_monitor_period_ns);
    }
    assert_int_equal(lost, 43);
    for (uint32_t z = 0; z < 3; z++)
        assert_string_equal(nlc_zone_state(fx.sim, z), "Normal");
    fixture_fini(&fx);
}

/* The NoExecute taint time of node `node`, -1 if none. */
static int64_t noexecute_at(const struct fixture *fx, uint32_t node)
{
    return log_first(fx->log, CH_NODE_TAINTED, node, UNREACHABLE, EFFECT_NO_EXECUTE);
}

/* The zone queue at scale: a node waiting untainted is removed and added again by every
 * pass (markNodeForTainting), so the waiting nodes are tainted in id order whatever order
 * they were lost in. One tainted meanwhile by someone else is left in place, ahead of
 * them: its turn spends a token on nothing, and the next node waits 10 s more. */
static void waiting_nodes_are_tainted_in_id_order_and_one_left_in_place_goes_first(void **state)
{
    (void)state;
    struct fixture fx;
    big_init(&fx, 1, 60);
    /* The lost nodes share a Lease grid, so they turn Unknown at the same pass. */
    const uint32_t lost[] = {41, 3, 29, 17, 8};
    for (size_t v = 0; v < ARRAY_LEN(lost); v++)
        store_node_lease_start(fx.sim->store, lost[v], SEC(2));
    run_until(fx.sim, SEC(300));
    for (size_t v = 0; v < ARRAY_LEN(lost); v++)
        store_node_lease_stop(fx.sim->store, lost[v]);
    /* Until the first NoExecute taint, which goes to the lowest id. */
    int64_t t = SEC(304);
    while (log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_EXECUTE) == 0) {
        t += MSEC(50);
        run_until(fx.sim, t);
        assert_true(t < SEC(500));
    }
    int64_t t3 = noexecute_at(&fx, 3);
    assert_true(t3 > 0);
    const struct taint by_hand = {.key = UNREACHABLE, .value = "", .effect = EFFECT_NO_EXECUTE};
    store_node_add_taint(fx.sim->store, 29, &by_hand);
    run_until(fx.sim, SEC(600));

    assert_int_equal(noexecute_at(&fx, 8), t3 + SEC(20));
    assert_int_equal(noexecute_at(&fx, 17), t3 + SEC(30));
    assert_int_equal(noexecute_at(&fx, 41), t3 + SEC(40));
    assert_int_equal(log_count(fx.log, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_EXECUTE), 5);
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    fixture_fini(&fx);
}

/* ComputeZoneState from many nodes, most of them healthy: 34 of 60 lost is
 * PartialDisruption (>= 55 %) at the very pass that makes them Unknown, tainted at the
 * secondary rate in id order; when they all come back the zone is Normal again at the
 * pass that sees them Ready. */
static void large_zone_state_follows_its_nodes_at_the_exact_pass(void **state)
{
    (void)state;
    struct fixture fx;
    big_init(&fx, 1, 60);
    run_until(fx.sim, SEC(300));
    for (uint32_t i = 10; i < 44; i++)
        store_node_lease_stop(fx.sim->store, i);
    run_until(fx.sim, SEC(700));
    int64_t u = log_first(fx.log, CH_NODE_UNKNOWN, 10, NULL, EFFECT_NONE);
    assert_true(u > 0);
    assert_int_equal(log_first(fx.log, CH_ZONE_STATE, 0, NULL, EFFECT_NONE), u);
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    int64_t prev = -1;
    for (uint32_t i = 10; i < 14; i++) {
        int64_t ne = noexecute_at(&fx, i);
        assert_true(ne > prev);
        if (prev > 0)
            assert_int_equal(ne - prev, MSEC(100100));
        prev = ne;
    }
    assert_int_equal(noexecute_at(&fx, 14), -1);

    for (uint32_t i = 10; i < 44; i++) {
        store_node_lease_start(fx.sim->store, i, SEC(700));
        store_node_set_ready(fx.sim->store, i, COND_TRUE, "KubeletReady");
    }
    run_until(fx.sim, SEC(800));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    int64_t back = -1;
    for (size_t e = 0; e < fx.log->n; e++)
        if (fx.log->e[e].reason == CH_ZONE_STATE && fx.log->e[e].a == NLC_ZONE_NORMAL)
            back = fx.log->e[e].time;
    assert_in_range(back, SEC(700), SEC(705));
    for (uint32_t i = 10; i < 14; i++)
        assert_false(node_has_taint(&fx.sim->store->nodes[i], UNREACHABLE, EFFECT_NO_EXECUTE));
    fixture_fini(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(power_off_turns_node_unknown_after_the_grace_period_then_taints_it),
        cmocka_unit_test(grace_of_forty_seconds_makes_everything_ten_seconds_earlier),
        cmocka_unit_test(token_bucket_spaces_noexecute_taints_of_one_zone_ten_seconds_apart),
        cmocka_unit_test(partial_disruption_of_a_small_zone_stops_noexecute_tainting),
        cmocka_unit_test(all_zones_fully_disrupted_adds_no_noexecute_taint),
        cmocka_unit_test(fully_disrupted_zone_next_to_a_healthy_one_is_tainted_at_the_normal_rate),
        cmocka_unit_test(node_that_returns_loses_its_taints),
        cmocka_unit_test(kubelet_not_ready_gets_not_ready_taints_swapped_on_unknown),
        cmocka_unit_test(broken_taint_eviction_never_adds_the_unreachable_noexecute_taint),
        cmocka_unit_test(deleted_node_is_forgotten),
        cmocka_unit_test(cordon_adds_the_unschedulable_noschedule_taint),
        cmocka_unit_test(silent_lease_stops_in_a_large_cluster_expire_at_the_exact_pass),
        cmocka_unit_test(waiting_nodes_are_tainted_in_id_order_and_one_left_in_place_goes_first),
        cmocka_unit_test(large_zone_state_follows_its_nodes_at_the_exact_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
