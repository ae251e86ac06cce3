/* Unit tests of the rules that matter at scale, on clusters just large enough to show
 * them: the node lifecycle controller's zone disruption states (the 55 % unhealthy
 * threshold, the 50-node large-cluster rule, which is per zone), its eviction rates (0.1
 * node/s normal, 0.01 node/s secondary, none) and pod GC passes over many nodes and pods.
 * sssim's indexes and lazy loops must give exactly the behaviour of a small cluster; these
 * tests pin it down. Only the controller under test gets its events; the kubelets' Leases
 * and posts are simulated with store calls, as in test-nodelifecycle.c. */
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
#include "controllers/podgc.h"
#include "sim/sim.h"
#include "util/util.h"

#include "fixture.h"

static const char UNREACHABLE[] = "node.kubernetes.io/unreachable";

/* --- Fixture: n nodes in zones (fixture.h) ------------------------------------------ */

static void zones_init(struct fixture *fx, uint32_t nzones, uint32_t per_zone)
{
    fixture_zoned(fx, "scale", 11, nzones, per_zone);
}

/* --- The change stream -------------------------------------------------------------- */

/* The times of the NoExecute unreachable taints, in order; returns how many. */
static size_t noexecute_times(const struct change_log *l, int64_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct log_entry *e = &l->e[i];
        if (e->reason == CH_NODE_TAINTED && e->b == EFFECT_NO_EXECUTE && e->key &&
            strcmp(e->key, UNREACHABLE) == 0) {
            if (k < max)
                out[k] = e->time;
            k++;
        }
    }
    return k;
}

static size_t count(const struct change_log *l, enum change_reason r)
{
    return log_count(l, r, NULL, EFFECT_NONE);
}

static size_t count_noschedule_unreachable(const struct change_log *l)
{
    return log_count(l, CH_NODE_TAINTED, UNREACHABLE, EFFECT_NO_SCHEDULE);
}

/* Pop events up to `until`, dispatching only `module`'s; returns how many it got. */
static size_t run_until(struct sim *sim, enum sim_module module, int64_t until)
{
    return fixture_run_until(sim, module, module == MOD_NLC ? nlc_on_event : podgc_on_event, until);
}

/* --- Node lifecycle: zone states and eviction rates ----------------------------------- */

/* Every node renews its Lease from t = 2 s; at 120 s the Leases of nodes [first, first +
 * down) stop (a crash); the controller runs until `until`. */
static void lose_nodes(struct fixture *fx, uint32_t first, uint32_t down, int64_t until)
{
    fixture_start(fx);
    for (uint32_t i = 0; i < fx->scn.nnodes; i++)
        store_node_lease_start(fx->sim->store, i, SEC(2));
    nlc_start(fx->sim);
    run_until(fx->sim, MOD_NLC, SEC(120));
    for (uint32_t i = first; i < first + down; i++)
        store_node_lease_stop(fx->sim->store, i);
    run_until(fx->sim, MOD_NLC, until);
}

/* The token bucket's interval at the secondary rate: upstream keeps the QPS as a float32,
 * so 0.01 node/s is one token per 100.000000224 s, and the drain runs on the 100 ms grid:
 * consecutive taints are 100.1 s apart. */
#define SECONDARY_SPACING MSEC(100100)

/* Upstream ReducedQPSFunc: a zone of more than largeClusterSizeThreshold nodes in
 * PartialDisruption (at least 55 % not Ready) is tainted at secondaryNodeEvictionRate. */
static void zone_of_sixty_with_most_nodes_down_is_tainted_at_the_secondary_rate(void **state)
{
    (void)state;
    struct fixture fx;
    zones_init(&fx, 1, 60);
    lose_nodes(&fx, 0, 34, SEC(1000));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    int64_t t[16];
    size_t n = noexecute_times(fx.log, t, 16);
    /* Tainting starts a pass after the nodes turned Unknown (~175 s), one per 100.1 s. */
    assert_in_range(n, 8, 9);
    for (size_t i = 1; i < n && i < 16; i++)
        assert_int_equal(t[i] - t[i - 1], SECONDARY_SPACING);
    /* The NoSchedule taints are not rate limited. */
    assert_int_equal(count_noschedule_unreachable(fx.log), 34);
    fixture_fini(&fx);
}

/* ReducedQPSFunc for a zone of at most largeClusterSizeThreshold nodes: rate 0, no
 * NoExecute taint at all while the zone is in PartialDisruption. */
static void zone_of_forty_in_partial_disruption_is_not_tainted(void **state)
{
    (void)state;
    struct fixture fx;
    zones_init(&fx, 1, 40);
    lose_nodes(&fx, 0, 30, SEC(1500));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    int64_t t[1];
    assert_int_equal(noexecute_times(fx.log, t, 1), 0);
    assert_int_equal(count_noschedule_unreachable(fx.log), 30);
    fixture_fini(&fx);
}

/* The rule is zoneSize > largeClusterSizeThreshold: a zone of exactly 50 is small, one of
 * 51 is large. */
static void zone_of_exactly_fifty_counts_as_small_and_fifty_one_as_large(void **state)
{
    (void)state;
    struct fixture fx;
    int64_t t[16];
    zones_init(&fx, 1, 50);
    lose_nodes(&fx, 0, 40, SEC(800));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    assert_int_equal(noexecute_times(fx.log, t, 16), 0);
    fixture_fini(&fx);

    zones_init(&fx, 1, 51);
    lose_nodes(&fx, 0, 40, SEC(800));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    size_t n = noexecute_times(fx.log, t, 16);
    assert_in_range(n, 6, 7);
    assert_int_equal(t[1] - t[0], SECONDARY_SPACING);
    fixture_fini(&fx);
}

/* ComputeZoneState compares float32(notReady) / float32(notReady + ready) with the float32
 * threshold: 33 of 60 (exactly 55 %) is PartialDisruption; 32 of 60 stays Normal and is
 * tainted at the normal rate, 10 s apart. */
static void exactly_the_unhealthy_threshold_is_partial_disruption(void **state)
{
    (void)state;
    struct fixture fx;
    int64_t t[64];
    zones_init(&fx, 1, 60);
    lose_nodes(&fx, 0, 33, SEC(600));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "PartialDisruption");
    size_t n = noexecute_times(fx.log, t, 64);
    assert_in_range(n, 4, 5);
    assert_int_equal(t[1] - t[0], SECONDARY_SPACING);
    fixture_fini(&fx);

    zones_init(&fx, 1, 60);
    lose_nodes(&fx, 0, 32, SEC(600));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    assert_int_equal(count(fx.log, CH_ZONE_STATE), 0);
    n = noexecute_times(fx.log, t, 64);
    assert_int_equal(n, 32); /* 32 taints take 310 s from ~180 s */
    for (size_t i = 1; i < n; i++)
        assert_int_equal(t[i] - t[i - 1], SEC(10));
    fixture_fini(&fx);
}

/* The large-cluster rule looks at the zone's size, not the cluster's: three zones of 40
 * (120 nodes) with one zone 75 % down stop tainting that zone. */
static void large_cluster_rule_counts_the_nodes_of_the_zone(void **state)
{
    (void)state;
    struct fixture fx;
    int64_t t[1];
    zones_init(&fx, 3, 40);
    lose_nodes(&fx, 40, 30, SEC(1200));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    assert_string_equal(nlc_zone_state(fx.sim, 1), "PartialDisruption");
    assert_string_equal(nlc_zone_state(fx.sim, 2), "Normal");
    assert_int_equal(noexecute_times(fx.log, t, 1), 0);
    fixture_fini(&fx);
}

/* scenarios/large-zone-outage.json's rule: a zone of 1,700 nodes lost whole next to two
 * healthy ones is in FullDisruption while the cluster is not, so HealthyQPSFunc applies:
 * 0.1 node/s, exactly as for a zone of two (test-nodelifecycle.c). */
static void zone_of_1700_lost_next_to_healthy_zones_is_tainted_at_the_normal_rate(void **state)
{
    (void)state;
    struct fixture fx;
    static int64_t t[2000];
    zones_init(&fx, 3, 1700);
    lose_nodes(&fx, 1700, 1700, SEC(600));
    assert_string_equal(nlc_zone_state(fx.sim, 0), "Normal");
    assert_string_equal(nlc_zone_state(fx.sim, 1), "FullDisruption");
    assert_string_equal(nlc_zone_state(fx.sim, 2), "Normal");
    size_t n = noexecute_times(fx.log, t, 2000);
    /* From ~180 s to 600 s at one node per 10 s. */
    assert_in_range(n, 41, 43);
    for (size_t i = 1; i < n; i++)
        assert_int_equal(t[i] - t[i - 1], SEC(10));
    /* In queue order: the zone's nodes by id. */
    size_t k = 0;
    for (size_t i = 0; i < fx.log->n && k < n; i++) {
        const struct log_entry *e = &fx.log->e[i];
        if (e->reason == CH_NODE_TAINTED && e->b == EFFECT_NO_EXECUTE)
            assert_int_equal(e->obj, 1700 + k++);
    }
    assert_int_equal(count_noschedule_unreachable(fx.log), 1700);
    fixture_fini(&fx);
}

/* --- Pod GC over many nodes and pods -------------------------------------------------- */

/* Pods db-0 ... db-(n-1), db-k on node k % nnodes, Running and Ready. */
static void add_pods(struct fixture *fx, int32_t n)
{
    struct store *st = fx->sim->store;
    for (int32_t i = 0; i < n; i++) {
        uint32_t pod = store_pod_create(st, 0, i, NONE_ID);
        store_pod_bind(st, pod, (uint32_t)i % fx->scn.nnodes);
        store_pod_set_phase(st, pod, PHASE_RUNNING, "Running");
        store_pod_set_ready(st, pod, true);
    }
}

/* gcOrphaned for a whole zone deleted at once: every orphan goes in the first pass after
 * the 40 s quarantine, as the two orphans of one node do in test-podgc.c. */
static void orphans_of_a_deleted_zone_go_in_one_pass_after_the_quarantine(void **state)
{
    (void)state;
    struct fixture fx;
    zones_init(&fx, 3, 60);
    fixture_start(&fx);
    add_pods(&fx, 360); /* two per node */
    podgc_start(fx.sim);
    struct store *st = fx.sim->store;
    assert_int_equal(run_until(fx.sim, MOD_PODGC, SEC(100)), 0);
    for (uint32_t i = 60; i < 120; i++)
        store_node_delete(st, i);
    size_t passes = run_until(fx.sim, MOD_PODGC, SEC(400));
    assert_int_equal(passes, 3); /* first seen, +20 s, +40 s: deleted */
    int64_t when = -1;
    size_t deleted = 0;
    for (size_t i = 0; i < fx.log->n; i++) {
        const struct log_entry *e = &fx.log->e[i];
        if (e->reason != CH_POD_FORCE_DELETED)
            continue;
        if (when < 0)
            when = e->time;
        assert_int_equal(e->time, when);
        assert_int_equal(st->pods[e->obj].node / 60, 1);
        deleted++;
    }
    assert_int_equal(deleted, 120);
    assert_in_range(when, SEC(140), SEC(160));
    fixture_fini(&fx);
}

/* gcTerminated with many terminated pods: one pass deletes the excess over the threshold,
 * oldest first, leaving exactly the threshold. */
static void terminated_pods_over_the_threshold_go_in_one_pass_oldest_first(void **state)
{
    (void)state;
    struct fixture fx;
    zones_init(&fx, 3, 20);
    fx.scn.k8s.pod_gc_terminated_threshold = 100;
    fixture_start(&fx);
    podgc_start(fx.sim);
    struct store *st = fx.sim->store;
    for (int32_t i = 0; i < 250; i++) {
        run_until(fx.sim, MOD_PODGC, MSEC(100) * (i + 1));
        uint32_t pod = store_pod_create(st, 0, i, NONE_ID);
        store_pod_bind(st, pod, (uint32_t)i % 60);
        store_pod_set_phase(st, pod, PHASE_SUCCEEDED, "Completed");
    }
    run_until(fx.sim, MOD_PODGC, SEC(100));
    size_t gone = 0;
    for (uint32_t i = 0; i < st->npods; i++) {
        gone += st->pods[i].gone;
        assert_int_equal(st->pods[i].gone, i < 150);
    }
    assert_int_equal(gone, 150);
    fixture_fini(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zone_of_sixty_with_most_nodes_down_is_tainted_at_the_secondary_rate),
        cmocka_unit_test(zone_of_forty_in_partial_disruption_is_not_tainted),
        cmocka_unit_test(zone_of_exactly_fifty_counts_as_small_and_fifty_one_as_large),
        cmocka_unit_test(exactly_the_unhealthy_threshold_is_partial_disruption),
        cmocka_unit_test(large_cluster_rule_counts_the_nodes_of_the_zone),
        cmocka_unit_test(zone_of_1700_lost_next_to_healthy_zones_is_tainted_at_the_normal_rate),
        cmocka_unit_test(orphans_of_a_deleted_zone_go_in_one_pass_after_the_quarantine),
        cmocka_unit_test(terminated_pods_over_the_threshold_go_in_one_pass_oldest_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
