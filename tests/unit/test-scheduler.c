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

#include "fixture.h"

/* --- Fixture: taints on fixture.h's control plane ------------------------------------- */

static void add_taint(struct cp_fx *f, uint32_t node, const char *key, enum taint_effect e)
{
    struct scn_node *n = &f->nodes[node];
    struct taint *t = &f->taints[node];
    t->key = key;
    t->value = "";
    t->effect = e;
    n->taints = t;
    n->ntaints = 1;
}

/* --- Tests ---------------------------------------------------------------------------- */

/* podtopologyspread scoring.go (system default constraints) with LeastAllocated:
 * upstream TestPreScoreStateEmptyNodes / TestPodTopologySpreadScore "system defaulting". */
static void pods_of_a_set_are_spread_over_the_nodes(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_node(f, "n1", "zone-a");
    cp_add_node(f, "n2", "zone-a");
    cp_add_set(f, "web", 500, NULL);
    cp_start(f);
    uint32_t pods[3];
    for (int i = 0; i < 3; i++) {
        cp_run_until(f, SEC(i));
        pods[i] = cp_create_pod(f, 0, i);
    }
    cp_run_until(f, SEC(5));
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
    cp_free(f);
}

/* n empty nodes "n0".. in zone-a and the set "web", started with `seed`: the nodes tie
 * for the set's first pod. */
static struct cp_fx *equal_nodes(uint64_t seed, int n)
{
    static const char *const names[] = {"n0", "n1", "n2", "n3", "n4"};
    struct cp_fx *f = cp_new();
    f->scn.seed = seed;
    for (int i = 0; i < n; i++)
        cp_add_node(f, names[i], "zone-a");
    cp_add_set(f, "web", 500, NULL);
    cp_start(f);
    return f;
}

/* selectHost: among nodes with the best score the pick is uniform. Four empty nodes in one
 * zone tie for the first pod; over 400 seeds each gets it 100 times give or take (a node
 * that never or always wins means a biased tie-break). */
static void ties_between_equal_nodes_are_broken_uniformly(void **state)
{
    (void)state;
    uint32_t wins[4] = {0};
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct cp_fx *f = equal_nodes(seed, 4);
        uint32_t p = cp_create_pod(f, 0, 0);
        cp_run_until(f, SEC(1));
        uint32_t n = f->sim->store->pods[p].node;
        assert_true(n < 4);
        wins[n]++;
        cp_free(f);
    }
    /* Binomial(400, 1/4): mean 100, standard deviation 8.7. */
    for (int i = 0; i < 4; i++) {
        assert_in_range(wins[i], 65, 135);
    }
}

/* selectHost draws among the top-scoring nodes only. Five nodes in one zone: once the first
 * pod of the set holds one of them, that node scores lower (PodTopologySpread, and
 * LeastAllocated), so the second pod never goes there and is spread uniformly over the
 * other four, wherever the lower node falls in the window. */
static void ties_are_drawn_among_the_top_scoring_nodes_only(void **state)
{
    (void)state;
    uint32_t wins[4] = {0};
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct cp_fx *f = equal_nodes(seed, 5);
        uint32_t p0 = cp_create_pod(f, 0, 0);
        cp_run_until(f, SEC(1));
        uint32_t p1 = cp_create_pod(f, 0, 1);
        cp_run_until(f, SEC(2));
        const struct store *st = f->sim->store;
        uint32_t n0 = st->pods[p0].node, n1 = st->pods[p1].node;
        assert_true(n0 < 5 && n1 < 5);
        assert_int_not_equal(n1, n0);
        wins[n1 < n0 ? n1 : n1 - 1]++; /* rank among the four others */
        cp_free(f);
    }
    for (int i = 0; i < 4; i++) {
        assert_in_range(wins[i], 65, 135);
    }
}

/* The zone constraint (maxSkew 5) puts the second pod in the other zone. */
static void the_second_pod_of_a_set_goes_to_the_other_zone(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        struct cp_fx *f = cp_new();
        f->scn.seed = seed;
        cp_add_node(f, "a1", "zone-a");
        cp_add_node(f, "a2", "zone-a");
        cp_add_node(f, "b1", "zone-b");
        cp_add_node(f, "b2", "zone-b");
        cp_add_set(f, "web", 500, NULL);
        cp_start(f);
        uint32_t p0 = cp_create_pod(f, 0, 0);
        cp_run_until(f, SEC(1));
        uint32_t p1 = cp_create_pod(f, 0, 1);
        cp_run_until(f, SEC(2));
        const struct store *st = f->sim->store;
        uint32_t z0 = st->nodes[st->pods[p0].node].zone;
        uint32_t z1 = st->nodes[st->pods[p1].node].zone;
        assert_int_not_equal(z0, z1);
        cp_free(f);
    }
}

/* nodeunschedulable TestNodeUnschedulable, tainttoleration TestTaintTolerationFilter and
 * the DefaultTolerationSeconds admission (TestForgivenessAdmission): a cordoned node, a node
 * with the unreachable:NoSchedule taint and one with an untolerated custom taint are
 * skipped; unreachable:NoExecute alone is tolerated by the admitted default toleration. */
static void cordoned_and_untolerated_tainted_nodes_are_skipped(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "cordoned", "zone-a");
    cp_add_node(f, "unreachable", "zone-a");
    cp_add_node(f, "noexecute-only", "zone-a");
    cp_add_node(f, "dedicated", "zone-a");
    f->nodes[0].unschedulable = true;
    add_taint(f, 1, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE);
    add_taint(f, 2, "node.kubernetes.io/unreachable", EFFECT_NO_EXECUTE);
    add_taint(f, 3, "dedicated", EFFECT_NO_SCHEDULE);
    cp_add_set(f, "web", 100, NULL);
    cp_start(f);
    uint32_t pods[3];
    for (int i = 0; i < 3; i++)
        pods[i] = cp_create_pod(f, 0, i);
    cp_run_until(f, SEC(1));
    for (int i = 0; i < 3; i++)
        assert_int_equal(f->sim->store->pods[pods[i]].node, 2);
    cp_free(f);
}

/* tainttoleration TestIsSchedulableAfterNodeChange: removing a taint the pod tolerated
 * does not requeue it; removing the last untolerated one does, and it is scheduled after
 * the watch delay. */
static void only_removing_the_untolerated_taint_requeues_the_pod(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_set(f, "web", 500, NULL);
    cp_start(f);
    struct store *st = f->sim->store;
    struct taint ns = {"node.kubernetes.io/unreachable", "", EFFECT_NO_SCHEDULE};
    struct taint ne = {"node.kubernetes.io/unreachable", "", EFFECT_NO_EXECUTE};
    store_node_add_taint(st, 0, &ns);
    store_node_add_taint(st, 0, &ne);
    uint32_t pod = cp_create_pod(f, 0, 0);
    cp_run_until(f, SEC(20));
    assert_int_equal(cp_count(f, CH_POD_FAILED_SCHEDULING, pod), 1);
    store_node_remove_taint(st, 0, ne.key, EFFECT_NO_EXECUTE);
    cp_run_until(f, SEC(40));
    assert_int_equal(cp_count(f, CH_POD_FAILED_SCHEDULING, pod), 1);
    assert_int_equal(st->pods[pod].node, NONE_ID);
    store_node_remove_taint(st, 0, ns.key, EFFECT_NO_SCHEDULE);
    cp_run_until(f, SEC(41));
    assert_int_equal(st->pods[pod].node, 0);
    assert_int_equal(st->pods[pod].scheduled, SEC(40) + MSEC(10));
    cp_free(f);
}

static void fill_nodes(struct cp_fx *f, uint32_t filler_set, const uint32_t *nodes, int n)
{
    for (int i = 0; i < n; i++) {
        uint32_t p = cp_create_pod(f, filler_set, i);
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
        struct cp_fx *f = cp_new();
        f->scn.k8s.version = versions[v];
        cp_add_node(f, "n0", "zone-a");
        cp_add_node(f, "n1", "zone-a");
        cp_add_node(f, "n2", "zone-a");
        add_taint(f, 0, "node.kubernetes.io/unreachable", EFFECT_NO_SCHEDULE);
        uint32_t big = cp_add_set(f, "big", 3000, NULL);
        uint32_t filler = cp_add_set(f, "filler", 2000, NULL);
        cp_start(f);
        const uint32_t fill[] = {1, 2};
        fill_nodes(f, filler, fill, 2);
        uint32_t pod = cp_create_pod(f, big, 0);
        cp_run_until(f, SEC(1) / 2);
        const struct cp_rec *r = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 0);
        assert_non_null(r);
        assert_int_equal(r->time, MSEC(50));
        assert_string_equal(r->text, want[v]);
        /* kubectl shows it Pending. */
        assert_string_equal(f->sim->store->pods[pod].reason, "Pending");
        assert_int_equal(f->sim->store->pods[pod].node, NONE_ID);
        cp_free(f);
    }
}

/* scheduling_queue.go calculateBackoffDuration (TestPriorityQueue_calculateBackoffDuration)
 * and MoveAllToActiveOrBackoffQueue: every assigned pod deleted moves the NodeResourcesFit
 * rejection back, into backoffQ while its back-off runs; retries come 1, 2, 4, 8, 10, 10 s
 * apart. */
static void an_unschedulable_pod_retries_with_backoff_doubling_to_ten_seconds(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_node(f, "n1", "zone-a");
    uint32_t big = cp_add_set(f, "big", 3000, NULL);
    uint32_t filler = cp_add_set(f, "filler", 2000, NULL);
    uint32_t churn = cp_add_set(f, "churn", 0, NULL);
    cp_start(f);
    const uint32_t fill[] = {0, 1};
    fill_nodes(f, filler, fill, 2);
    uint32_t pod = cp_create_pod(f, big, 0);
    /* Pods that come and go on n0 all the time: each deletion is a cluster event. */
    for (int64_t t = MSEC(300); t <= SEC(40); t += MSEC(250)) {
        cp_run_until(f, t);
        uint32_t c = cp_create_pod(f, churn, 0);
        store_pod_bind(f->sim->store, c, 0);
        store_pod_delete(f->sim->store, c, 0, false);
    }
    cp_run_until(f, SEC(45));
    const int64_t gaps[] = {SEC(1), SEC(2), SEC(4), SEC(8), SEC(10), SEC(10)};
    assert_true(cp_count(f, CH_POD_FAILED_SCHEDULING, pod) >= 7);
    int64_t prev = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->time;
    assert_int_equal(prev, MSEC(50));
    for (uint32_t i = 0; i < ARRAY_LEN(gaps); i++) {
        int64_t t = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, i + 1)->time;
        assert_int_equal(t - prev, gaps[i]);
        prev = t;
    }
    cp_free(f);
}

/* flushUnschedulablePodsLeftover (TestPriorityQueue_FlushUnschedulableQLeftover): without
 * any event a rejected pod is retried once it has waited more than 5 minutes, on the
 * flush's 30 s grid. */
static void without_events_an_unschedulable_pod_is_retried_after_five_minutes(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    uint32_t big = cp_add_set(f, "big", 8000, NULL);
    cp_start(f);
    uint32_t pod = cp_create_pod(f, big, 0);
    cp_run_until(f, SEC(700));
    assert_int_equal(cp_count(f, CH_POD_FAILED_SCHEDULING, pod), 3);
    int64_t t0 = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->time;
    int64_t t1 = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 1)->time;
    int64_t t2 = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 2)->time;
    assert_true(t1 > t0 + SEC(300) && t1 <= t0 + SEC(330));
    assert_int_equal((t2 - t1) % SEC(30), 0);
    assert_true(t2 - t1 > SEC(300) && t2 - t1 <= SEC(330));
    /* A request above the node's allocatable: preemption cannot help. */
    assert_string_equal(cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->text,
                        "0/1 nodes are available: 1 Insufficient cpu. no new claims to "
                        "deallocate, preemption: 0/1 nodes are available: 1 Preemption is not "
                        "helpful for scheduling.");
    cp_free(f);
}

/* volumebinding TestVolumeBinding "bound and fits / node affinity conflict": a claim bound to
 * a zonal PV pins the pod to that zone; the pod stays Pending while the only node there is
 * cordoned, and is scheduled there once it is uncordoned. */
static void a_volume_in_another_zone_keeps_the_pod_pending(void **state)
{
    (void)state;
    static const char *only_a[] = {"zone-a"};
    struct cp_fx *f = cp_new();
    cp_add_node(f, "a0", "zone-a");
    cp_add_node(f, "b0", "zone-b");
    cp_add_node(f, "b1", "zone-b");
    f->nodes[0].unschedulable = true;
    cp_add_class(f, "zonal-a", BIND_IMMEDIATE, only_a, 1);
    uint32_t web = cp_add_set(f, "web", 500, "zonal-a");
    cp_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    cp_run_until(f, SEC(5));
    assert_int_not_equal(st->pvcs[pvc].pv, NONE_ID);
    uint32_t pod = cp_create_pod(f, web, 0);
    cp_run_until(f, SEC(200));
    assert_int_equal(st->pods[pod].node, NONE_ID);
    const struct cp_rec *r = cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 0);
    assert_non_null(r);
    assert_string_equal(r->text,
                        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had "
                        "volume node affinity conflict. no new claims to deallocate, "
                        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for "
                        "scheduling.");
    store_node_set_unschedulable(st, 0, false);
    cp_run_until(f, SEC(201));
    assert_int_equal(st->pods[pod].node, 0);
    /* The uncordon reaches the queue after the watch delay; the back-off is long over. */
    assert_int_equal(st->pods[pod].scheduled, SEC(200) + MSEC(10));
    cp_free(f);
}

/* volumebinding PreFilter (TestVolumeBinding "unbound immediate PVC"): the pod is rejected
 * on every node until the claim is bound; the bind moves it back. */
static void an_unbound_immediate_claim_rejects_the_pod_until_bound(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_node(f, "n1", "zone-a");
    cp_add_node(f, "n2", "zone-a");
    cp_add_class(f, "standard", BIND_IMMEDIATE, NULL, 0);
    uint32_t web = cp_add_set(f, "web", 500, "standard");
    cp_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    uint32_t pod = cp_create_pod(f, web, 0);
    cp_run_until(f, SEC(10));
    assert_int_equal(cp_count(f, CH_POD_FAILED_SCHEDULING, pod), 1);
    assert_string_equal(cp_nth(f, CH_POD_FAILED_SCHEDULING, pod, 0)->text,
                        "0/3 nodes are available: pod has unbound immediate "
                        "PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 "
                        "Preemption is not helpful for scheduling.");
    /* Provisioned at 2 s; the PVC event reaches the queue 10 ms later. */
    assert_int_equal(cp_nth(f, CH_PVC_BOUND, pvc, 0)->time, SEC(2));
    assert_int_equal(st->pods[pod].scheduled, SEC(2) + MSEC(10));
    cp_free(f);
}

/* volumebinding Reserve/PreBind with WaitForFirstConsumer (TestVolumeBinding "unbound
 * delayed-binding PVC" and the provisioner's selected-node topology): the volume is created
 * in the chosen node's zone and the pod is bound once the claim is. */
static void wait_for_first_consumer_provisions_in_the_chosen_zone_then_binds(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "a0", "zone-a");
    cp_add_node(f, "b0", "zone-b");
    f->nodes[0].unschedulable = true;
    cp_add_class(f, "wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    uint32_t web = cp_add_set(f, "web", 500, "wffc");
    cp_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    cp_run_until(f, SEC(30));
    assert_int_equal(st->pvcs[pvc].pv, NONE_ID);
    uint32_t pod = cp_create_pod(f, web, 0);
    cp_run_until(f, SEC(40));
    assert_int_not_equal(st->pvcs[pvc].pv, NONE_ID);
    assert_int_equal(st->pvs[st->pvcs[pvc].pv].zone, st->nodes[1].zone);
    assert_int_equal(cp_nth(f, CH_PVC_BOUND, pvc, 0)->time, SEC(30) + MSEC(50) + SEC(2));
    assert_int_equal(st->pods[pod].node, 1);
    assert_int_equal(st->pods[pod].scheduled, SEC(30) + MSEC(50) + SEC(2) + MSEC(10));
    assert_int_equal(cp_count(f, CH_POD_FAILED_SCHEDULING, pod), 0);
    cp_free(f);
}

/* skipPodSchedule / the binding cycle: a pod deleted while PreBind waits is never bound. */
static void a_pod_deleted_during_prebind_is_never_bound(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "b0", "zone-b");
    cp_add_class(f, "wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    uint32_t web = cp_add_set(f, "web", 500, "wffc");
    cp_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, web, 0, 0);
    uint32_t pod = cp_create_pod(f, web, 0);
    cp_run_until(f, SEC(1));
    assert_true(store_pod_delete(st, pod, SEC(30), false));
    cp_run_until(f, SEC(20));
    assert_int_not_equal(st->pvcs[pvc].pv, NONE_ID);
    assert_int_equal(cp_count(f, CH_POD_SCHEDULED, pod), 0);
    cp_free(f);
}

/* volumebinding PreBind (BindPodVolumes) waits bindTimeout, 600 s, for the claims to be
 * provisioned; then the binding cycle fails with FailedScheduling, the pod is unreserved
 * and retried, and it is bound once the claim is. Two pods entering PreBind 100 s apart
 * time out 100 s apart. */
static void prebind_gives_up_after_ten_minutes(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "b0", "zone-b");
    cp_add_class(f, "wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    uint32_t web = cp_add_set(f, "web", 500, "wffc");
    f->scn.timings.provision = dist_constant(SEC(700));
    cp_start(f);
    struct store *st = f->sim->store;
    store_pvc_create(st, web, 0, 0);
    store_pvc_create(st, web, 0, 1);
    uint32_t p0 = cp_create_pod(f, web, 0);
    cp_run_until(f, SEC(100));
    uint32_t p1 = cp_create_pod(f, web, 1);
    cp_run_until(f, SEC(900));
    const struct cp_rec *fail0 = cp_nth(f, CH_POD_FAILED_SCHEDULING, p0, 0);
    const struct cp_rec *fail1 = cp_nth(f, CH_POD_FAILED_SCHEDULING, p1, 0);
    assert_non_null(fail0);
    assert_non_null(fail1);
    assert_int_equal(fail0->time, MSEC(50) + SEC(600));
    assert_int_equal(fail1->time, SEC(100) + MSEC(50) + SEC(600));
    assert_string_equal(fail0->text, "running PreBind plugin \"VolumeBinding\": binding volumes: "
                                     "context deadline exceeded");
    assert_int_equal(cp_count(f, CH_POD_FAILED_SCHEDULING, p0), 1);
    /* Provisioned at 700.05 s, the retried pod is bound after the informer delay. */
    assert_int_equal(st->pods[p0].node, 0);
    assert_int_equal(st->pods[p0].scheduled, MSEC(50) + SEC(700) + MSEC(10));
    cp_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pods_of_a_set_are_spread_over_the_nodes),
        cmocka_unit_test(ties_between_equal_nodes_are_broken_uniformly),
        cmocka_unit_test(ties_are_drawn_among_the_top_scoring_nodes_only),
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
        cmocka_unit_test(prebind_gives_up_after_ten_minutes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
