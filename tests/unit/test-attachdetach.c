/* Unit tests of the attach/detach controller: attach latency, Multi-Attach, the detach
 * conditions of reconciler.go (volumesInUse, out-of-service, the 6-minute timeout from an
 * unhealthy node), driven through a real sim; the tests play the kubelet and the node
 * lifecycle controller by writing the store. */
#include <stdarg.h>
#include <stdio.h>
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

/* --- Tests ---------------------------------------------------------------------------- */

/* Two nodes in one zone and web-0 with an Immediate RWO claim, bound to n0 at 3 s after
 * its volume was provisioned. `opts` may set mutations or Kubernetes settings. */
struct world {
    struct cp_fx *f;
    uint32_t pvc, pv, pod;
    int64_t attach_started; /* a reconciler tick: the grid is attach_started + k × 100 ms */
};

static void world_init(struct world *w, void (*tune)(struct cp_fx *), uint32_t mutations)
{
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_node(f, "n1", "zone-a");
    cp_add_class(f, "standard", BIND_IMMEDIATE, NULL, 0);
    cp_add_set(f, "web", 500, "standard");
    if (tune)
        tune(f);
    f->opts.mutations = mutations;
    cp_start(f);
    struct store *st = f->sim->store;
    w->f = f;
    w->pvc = store_pvc_create(st, 0, 0, 0);
    cp_run_until(f, SEC(3));
    w->pv = st->pvcs[w->pvc].pv;
    assert_int_not_equal(w->pv, NONE_ID);
    w->pod = cp_create_pod(f, 0, 0);
    store_pod_bind(st, w->pod, 0);
    store_pod_set_containers_running(st, w->pod, true);
    cp_run_until(f, SEC(15));
    const struct cp_rec *r = cp_nth(f, CH_ATTACH_STARTED, 0, 0);
    assert_non_null(r);
    w->attach_started = r->time;
    /* The kubelet mounted it and reports it in use. */
    store_node_set_volumes_in_use(st, 0, &w->pv, 1);
}

/* The first reconciler tick at or after t. */
static int64_t tick_at_or_after(const struct world *w, int64_t t)
{
    int64_t k = (t - w->attach_started + MSEC(100) - 1) / MSEC(100);
    return w->attach_started + k * MSEC(100);
}

/* reconciler_test.go Test_Run_Positive_OneDesiredVolumeAttach: the pod's volume enters the
 * desired state after the watch delay, the next 100 ms tick starts the attach, and the CSI
 * attach takes timings.attach (8 s here) before the node reports it attached. */
static void attach_starts_on_the_next_tick_and_takes_the_csi_latency(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    const struct store *st = f->sim->store;
    int64_t seen = SEC(3) + MSEC(10);
    assert_true(w.attach_started >= seen && w.attach_started < seen + MSEC(100));
    const struct cp_rec *done = cp_nth(f, CH_ATTACH_DONE, 0, 0);
    assert_non_null(done);
    assert_int_equal(done->time, w.attach_started + SEC(8));
    assert_int_equal(st->attachments[0].node, 0);
    assert_int_equal(st->nodes[0].nvolumes_attached, 1);
    assert_int_equal(st->nodes[0].volumes_attached[0], w.pv);
    cp_free(f);
}

/* The pod moves: the old object is force-deleted and web-0 is recreated on n1. */
static uint32_t move_pod(struct world *w, int64_t at)
{
    struct cp_fx *f = w->f;
    struct store *st = f->sim->store;
    cp_run_until(f, at);
    store_pod_delete(st, w->pod, 0, true);
    uint32_t pod = cp_create_pod(f, 0, 0);
    store_pod_bind(st, pod, 1);
    return pod;
}

/* reconciler_test.go Test_Run_OneVolumeAttachAndDetachMultipleNodesWithReadWriteOnce and
 * Test_ReportMultiAttachError: the RWO volume still attached to n0 is refused on n1 with one
 * FailedAttachVolume event; once the kubelet of n0 stops reporting it in use it is detached,
 * then attached to n1. */
static void multi_attach_is_refused_then_the_volume_follows_the_detach(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    struct store *st = f->sim->store;
    uint32_t pod = move_pod(&w, SEC(20));
    cp_run_until(f, SEC(30));
    assert_int_equal(cp_count(f, CH_ATTACH_MULTI, pod), 1);
    const struct cp_rec *m = cp_nth(f, CH_ATTACH_MULTI, pod, 0);
    int64_t refused = tick_at_or_after(&w, SEC(20) + MSEC(10));
    assert_int_equal(m->time, refused);
    assert_int_equal(m->node, 1);
    char want[256];
    snprintf(want, sizeof want,
             "Multi-Attach error for volume \"%s\" Volume is already exclusively attached to "
             "one node and can't be attached to another",
             st->pvs[0].name);
    assert_string_equal(m->text, want);
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    /* Still waiting: the wait has not ended (a never-ending wait fails any bound). */
    assert_int_equal(adc_multi_attach_wait(f->sim, pod), TIME_NEVER);

    store_node_set_volumes_in_use(st, 0, NULL, 0);
    cp_run_until(f, SEC(60));
    int64_t detach = tick_at_or_after(&w, SEC(30) + MSEC(10));
    assert_int_equal(cp_nth(f, CH_DETACH_STARTED, 0, 0)->time, detach);
    assert_int_equal(cp_nth(f, CH_DETACH_DONE, 0, 0)->time, detach + SEC(5));
    assert_int_equal(cp_count(f, CH_DETACH_FORCED, 0), 0);
    /* The detach's completion marks the volume; the pass of that tick attaches it. */
    int64_t attach = tick_at_or_after(&w, detach + SEC(5));
    const struct cp_rec *a1 = cp_nth(f, CH_ATTACH_STARTED, 1, 0);
    assert_non_null(a1);
    assert_int_equal(a1->time, attach);
    assert_int_equal(a1->node, 1);
    assert_int_equal(cp_nth(f, CH_ATTACH_DONE, 1, 0)->time, attach + SEC(8));
    assert_int_equal(cp_count(f, CH_ATTACH_MULTI, pod), 1);
    assert_int_equal(adc_multi_attach_wait(f->sim, pod), attach - refused);
    cp_free(f);
}

/* reconciler_test.go Test_Run_Positive_OneDesiredVolumeAttachThenDetachWithMountedVolume:
 * a volume no longer wanted is detached only when the node stops reporting it in use. */
static void detach_waits_for_volumes_in_use_to_clear(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    struct store *st = f->sim->store;
    cp_run_until(f, SEC(20));
    /* A graceful delete; the kubelet stopped the containers (IsPodTerminated). */
    store_pod_set_containers_running(st, w.pod, false);
    store_pod_delete(st, w.pod, SEC(30), false);
    cp_run_until(f, SEC(80));
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    store_node_set_volumes_in_use(st, 0, NULL, 0);
    cp_run_until(f, SEC(100));
    assert_int_equal(cp_nth(f, CH_DETACH_STARTED, 0, 0)->time,
                     tick_at_or_after(&w, SEC(80) + MSEC(10)));
    assert_int_equal(cp_count(f, CH_DETACH_FORCED, 0), 0);
    assert_true(st->attachments[0].gone);
    cp_free(f);
}

/* The node of the pod crashed: the node lifecycle controller made it Unknown; the kubelet's
 * last volumesInUse stays; the pod is force-deleted at 20 s. */
static void crash_and_force_delete(struct world *w)
{
    struct cp_fx *f = w->f;
    struct store *st = f->sim->store;
    cp_run_until(f, SEC(18));
    store_node_set_ready(st, 0, COND_UNKNOWN, "NodeStatusUnknown");
    cp_run_until(f, SEC(20));
    store_pod_delete(st, w->pod, 0, true);
}

/* reconciler_test.go Test_Run_OneVolumeDetachOnOutOfServiceTaintedNode: the out-of-service
 * taint skips the wait for unmount; the detach is forced (reason out-of-service). */
static void the_out_of_service_taint_force_detaches_at_once(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    struct store *st = f->sim->store;
    crash_and_force_delete(&w);
    cp_run_until(f, SEC(60));
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    struct taint oos = {"node.kubernetes.io/out-of-service", "nodeshutdown", EFFECT_NO_EXECUTE};
    store_node_add_taint(st, 0, &oos);
    cp_run_until(f, SEC(80));
    int64_t t = tick_at_or_after(&w, SEC(60) + MSEC(10));
    const struct cp_rec *forced = cp_nth(f, CH_DETACH_FORCED, 0, 0);
    assert_non_null(forced);
    assert_int_equal(forced->time, t);
    assert_int_equal(forced->b, 2);
    assert_int_equal(cp_nth(f, CH_DETACH_STARTED, 0, 0)->time, t);
    assert_int_equal(cp_nth(f, CH_DETACH_DONE, 0, 0)->time, t + SEC(5));
    cp_free(f);
}

/* reconciler_test.go Test_Run_OneVolumeDetachOnUnhealthyNode (k/k #110721): from a node
 * that is not Ready, a mounted volume is force-detached maxWaitForUnmountDuration (6 min)
 * after the detach was first requested, on the reconciler's grid. */
static void an_unhealthy_node_force_detaches_six_minutes_after_the_request(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    crash_and_force_delete(&w);
    int64_t requested = tick_at_or_after(&w, SEC(20) + MSEC(10));
    cp_run_until(f, requested + SEC(360) - 1);
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    cp_run_until(f, requested + SEC(400));
    const struct cp_rec *forced = cp_nth(f, CH_DETACH_FORCED, 0, 0);
    assert_non_null(forced);
    assert_int_equal(forced->time, requested + SEC(360));
    assert_int_equal(forced->b, 1);
    assert_int_equal(cp_nth(f, CH_DETACH_STARTED, 0, 0)->time, requested + SEC(360));
    cp_free(f);
}

static void disable_force_detach(struct cp_fx *f)
{
    f->scn.k8s.disable_force_detach_on_timeout = true;
}

/* Test_Run_OneVolumeDetachOnUnhealthyNodeWithForceDetachOnUnmountDisabled (k/k #120344):
 * with --disable-force-detach-on-timeout the volume stays attached. */
static void disabling_force_detach_on_timeout_keeps_the_volume_attached(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, disable_force_detach, 0);
    struct cp_fx *f = w.f;
    crash_and_force_delete(&w);
    cp_run_until(f, SEC(1800));
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    assert_int_equal(cp_count(f, CH_DETACH_FORCED, 0), 0);
    cp_free(f);
}

/* Test_Run_OneVolumeDetachOnUnhealthyNode, healthy case: a Ready node with a stale
 * volumesInUse never gets a forced detach, however long it takes. */
static void a_healthy_node_with_stale_volumes_in_use_is_never_force_detached(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    cp_run_until(f, SEC(20));
    store_pod_delete(f->sim->store, w.pod, 0, true);
    cp_run_until(f, SEC(1800));
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    /* Once the node turns unhealthy the expired request is acted on at the next tick. */
    store_node_set_ready(f->sim->store, 0, COND_UNKNOWN, "NodeStatusUnknown");
    cp_run_until(f, SEC(1801));
    assert_int_equal(cp_nth(f, CH_DETACH_FORCED, 0, 0)->time,
                     tick_at_or_after(&w, SEC(1800) + MSEC(10)));
    cp_free(f);
}

/* util.DetermineVolumeAction / IsPodTerminated (TestIsPodTerminated): a pod deleted
 * gracefully on a dead node still shows running containers, so its volume stays wanted and
 * no detach timer starts. */
static void a_terminating_pod_that_still_shows_running_containers_keeps_its_volume(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct cp_fx *f = w.f;
    struct store *st = f->sim->store;
    cp_run_until(f, SEC(18));
    store_node_set_ready(st, 0, COND_UNKNOWN, "NodeStatusUnknown");
    cp_run_until(f, SEC(355));
    assert_false(store_pod_delete(st, w.pod, SEC(30), false));
    cp_run_until(f, SEC(2400));
    assert_int_equal(cp_count(f, CH_DETACH_STARTED, 0), 0);
    assert_int_equal(cp_count(f, CH_DETACH_FORCED, 0), 0);
    assert_false(st->attachments[0].gone);
    cp_free(f);
}

/* MUT_ADC_MULTI_ATTACH (test-only): the refusal is skipped and the RWO volume ends up
 * attached to two nodes, which the singleAttachRWO invariant must catch. */
static void the_multi_attach_mutation_attaches_a_rwo_volume_twice(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, MUT_ADC_MULTI_ATTACH);
    struct cp_fx *f = w.f;
    uint32_t pod = move_pod(&w, SEC(20));
    cp_run_until(f, SEC(40));
    assert_int_equal(cp_count(f, CH_ATTACH_MULTI, pod), 0);
    const struct store *st = f->sim->store;
    assert_int_equal(st->attachments[0].state, ATTACH_ATTACHED);
    assert_int_equal(st->attachments[1].state, ATTACH_ATTACHED);
    assert_int_equal(st->attachments[1].node, 1);
    cp_free(f);
}

/* Three claim templates: web-0 adds three volumes to the desired state (more than a pod
 * record keeps inline); all three are attached to its node, and all three detached once
 * the pod is gone. */
static struct scn_claim_template three_claims[3] = {
    {"data", ACCESS_RWO, INT64_C(1) << 30, "standard"},
    {"logs", ACCESS_RWO, INT64_C(1) << 30, "standard"},
    {"wal", ACCESS_RWO, INT64_C(1) << 30, "standard"},
};

static void a_pod_with_three_claims_attaches_and_detaches_all_three(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_class(f, "standard", BIND_IMMEDIATE, NULL, 0);
    cp_add_set(f, "web", 500, "standard");
    f->sets[0].claims = three_claims;
    f->sets[0].nclaims = 3;
    cp_start(f);
    struct store *st = f->sim->store;
    for (uint32_t t = 0; t < 3; t++)
        store_pvc_create(st, 0, t, 0);
    cp_run_until(f, SEC(3));
    uint32_t pod = cp_create_pod(f, 0, 0);
    store_pod_bind(st, pod, 0);
    store_pod_set_containers_running(st, pod, true);
    cp_run_until(f, SEC(15));
    assert_int_equal(st->nattachments, 3);
    assert_int_equal(st->nodes[0].nvolumes_attached, 3);
    store_pod_delete(st, pod, 0, true);
    cp_run_until(f, SEC(30));
    for (uint32_t att = 0; att < 3; att++) {
        assert_int_equal(cp_count(f, CH_DETACH_DONE, att), 1);
        assert_true(st->attachments[att].gone);
    }
    assert_int_equal(st->nodes[0].nvolumes_attached, 0);
    cp_free(f);
}

/* One RWO volume wanted by three pods on three nodes (the claims of web-1 and web-2 bound
 * to the volume of web-0): the first want is attached, the other two are refused, each
 * naming the other pods; when web-0 goes, the volume moves to one of them. */
static void a_volume_wanted_by_three_pods_is_attached_once_and_refused_twice(void **state)
{
    (void)state;
    struct cp_fx *f = cp_new();
    cp_add_node(f, "n0", "zone-a");
    cp_add_node(f, "n1", "zone-a");
    cp_add_node(f, "n2", "zone-a");
    cp_add_class(f, "standard", BIND_IMMEDIATE, NULL, 0);
    cp_add_set(f, "web", 500, "standard");
    cp_start(f);
    struct store *st = f->sim->store;
    uint32_t pvc0 = store_pvc_create(st, 0, 0, 0);
    cp_run_until(f, SEC(3));
    uint32_t pv = st->pvcs[pvc0].pv;
    assert_int_not_equal(pv, NONE_ID);
    for (int32_t o = 1; o < 3; o++)
        store_pvc_bind(st, store_pvc_create(st, 0, 0, o), pv);
    uint32_t pods[3];
    for (uint32_t i = 0; i < 3; i++) {
        pods[i] = cp_create_pod(f, 0, (int32_t)i);
        store_pod_bind(st, pods[i], i);
        store_pod_set_containers_running(st, pods[i], true);
    }
    cp_run_until(f, SEC(20));
    assert_int_equal(st->nattachments, 1);
    assert_int_equal(st->attachments[0].node, 0);
    assert_int_equal(st->attachments[0].state, ATTACH_ATTACHED);
    const char *others[3] = {NULL, "web-0, web-2", "web-0, web-1"};
    for (uint32_t i = 1; i < 3; i++) {
        assert_int_equal(cp_count(f, CH_ATTACH_MULTI, pods[i]), 1);
        char want[256];
        snprintf(want, sizeof want,
                 "Multi-Attach error for volume \"%s\" Volume is already used by pod(s) %s",
                 st->pvs[pv].name, others[i]);
        assert_string_equal(cp_nth(f, CH_ATTACH_MULTI, pods[i], 0)->text, want);
    }
    int64_t refused = cp_nth(f, CH_ATTACH_MULTI, pods[1], 0)->time;

    store_pod_delete(st, pods[0], 0, true);
    cp_run_until(f, SEC(60));
    assert_true(st->attachments[0].gone);
    /* The last want took the place of web-0's: web-2 is attached, web-1 still waits. */
    assert_int_equal(st->nattachments, 2);
    assert_int_equal(st->attachments[1].node, 2);
    assert_int_equal(st->attachments[1].state, ATTACH_ATTACHED);
    assert_int_equal(cp_count(f, CH_ATTACH_MULTI, pods[1]), 1);
    (void)refused;
    assert_int_equal(adc_multi_attach_wait(f->sim, pods[1]), TIME_NEVER); /* still refused */
    assert_true(adc_multi_attach_wait(f->sim, pods[2]) > 0);
    assert_true(adc_multi_attach_wait(f->sim, pods[2]) < SEC(60) - refused);
    cp_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(attach_starts_on_the_next_tick_and_takes_the_csi_latency),
        cmocka_unit_test(multi_attach_is_refused_then_the_volume_follows_the_detach),
        cmocka_unit_test(detach_waits_for_volumes_in_use_to_clear),
        cmocka_unit_test(the_out_of_service_taint_force_detaches_at_once),
        cmocka_unit_test(an_unhealthy_node_force_detaches_six_minutes_after_the_request),
        cmocka_unit_test(disabling_force_detach_on_timeout_keeps_the_volume_attached),
        cmocka_unit_test(a_healthy_node_with_stale_volumes_in_use_is_never_force_detached),
        cmocka_unit_test(a_terminating_pod_that_still_shows_running_containers_keeps_its_volume),
        cmocka_unit_test(the_multi_attach_mutation_attaches_a_rwo_volume_twice),
        cmocka_unit_test(a_pod_with_three_claims_attaches_and_detaches_all_three),
        cmocka_unit_test(a_volume_wanted_by_three_pods_is_attached_once_and_refused_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
