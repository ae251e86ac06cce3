/* Unit tests of the storage control plane: provisioning (Immediate and WaitForFirstConsumer),
 * pvc-protection and the garbage collection of claims owned by pods, driven through a real
 * sim on hand-built scenarios. */
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

/* --- Tests ---------------------------------------------------------------------------- */

static struct cp_fx *two_zones(const char *cls, enum binding_mode b, const char **zones,
                            uint32_t nzones)
{
    struct cp_fx *f = cp_new();
    cp_add_node(f, "a0", "zone-a");
    cp_add_node(f, "b0", "zone-b");
    cp_add_node(f, "c0", "zone-c");
    cp_add_class(f, cls, b, zones, nzones);
    cp_add_set(f, "web", 500, cls);
    cp_start(f);
    return f;
}

/* external-provisioner topology_test.go TestStatefulSetSpreading with the PV controller's
 * binding: an Immediate claim is bound timings.provision after it is created, to a PV pinned
 * to one zone, and the claims of consecutive ordinals go round-robin over the sorted zones. */
static void immediate_claims_bind_after_the_provision_latency_in_spread_zones(void **state)
{
    (void)state;
    struct cp_fx *f = two_zones("standard", BIND_IMMEDIATE, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t pvc[3];
    for (int i = 0; i < 3; i++)
        pvc[i] = store_pvc_create(st, 0, 0, i);
    cp_run_until(f, SEC(2) - 1);
    assert_int_equal(cp_count(f, CH_PVC_BOUND, pvc[0]), 0);
    cp_run_until(f, SEC(3));
    bool seen[3] = {false, false, false};
    for (int i = 0; i < 3; i++) {
        const struct pvc *c = &st->pvcs[pvc[i]];
        assert_int_equal(c->phase, PVC_BOUND);
        assert_int_equal(cp_nth(f, CH_PVC_BOUND, pvc[i], 0)->time, SEC(2));
        const struct pv *v = &st->pvs[c->pv];
        assert_int_equal(v->pvc, pvc[i]);
        assert_int_not_equal(v->zone, NONE_ID);
        assert_false(seen[v->zone]);
        seen[v->zone] = true;
    }
    /* (hash + ordinal) mod 3 over zones sorted by name: consecutive ordinals, next zone. */
    for (int i = 0; i + 1 < 3; i++) {
        uint32_t z = st->pvs[st->pvcs[pvc[i]].pv].zone;
        uint32_t next = st->pvs[st->pvcs[pvc[i + 1]].pv].zone;
        assert_int_equal(next, (z + 1) % 3);
    }
    cp_free(f);
}

/* topology.go GenerateAccessibilityRequirements: allowedTopologies are the only zones the
 * provisioner may use. */
static void allowed_topologies_limit_the_zone_of_an_immediate_volume(void **state)
{
    (void)state;
    static const char *only_b[] = {"zone-b"};
    struct cp_fx *f = two_zones("zonal-b", BIND_IMMEDIATE, only_b, 1);
    struct store *st = f->sim->store;
    for (int i = 0; i < 3; i++)
        store_pvc_create(st, 0, 0, i);
    cp_run_until(f, SEC(3));
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(st->pvs[st->pvcs[i].pv].zone, st->nodes[1].zone);
    cp_free(f);
}

/* Delayed binding: nothing is provisioned until the scheduler selects a node; then the
 * volume is created in that node's zone (the selected-node topology). */
static void a_wait_for_first_consumer_claim_waits_for_a_node(void **state)
{
    (void)state;
    struct cp_fx *f = two_zones("wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, 0, 0, 0);
    cp_run_until(f, SEC(60));
    assert_int_equal(st->pvcs[pvc].phase, PVC_PENDING);
    volumes_provision_for_node(f->sim, pvc, 2);
    volumes_provision_for_node(f->sim, pvc, 2); /* one CreateVolume in flight per claim */
    cp_run_until(f, SEC(70));
    assert_int_equal(st->npvs, 1);
    assert_int_equal(cp_nth(f, CH_PVC_BOUND, pvc, 0)->time, SEC(62));
    assert_int_equal(st->pvs[st->pvcs[pvc].pv].zone, st->nodes[2].zone);
    cp_free(f);
}

/* pvc_protection_controller_test.go TestPVCProtectionController ("deleted PVC with finalizer
 * + pod with the PVC and NodeName set" keeps it; "... pod deleted" removes it): a scheduled
 * pod keeps its deleted claim in the API; an unscheduled one does not. */
static void pvc_protection_keeps_a_deleted_claim_until_its_pod_is_gone(void **state)
{
    (void)state;
    struct cp_fx *f = two_zones("standard", BIND_IMMEDIATE, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t used = store_pvc_create(st, 0, 0, 0);
    uint32_t unused = store_pvc_create(st, 0, 0, 1);
    cp_run_until(f, SEC(3));
    uint32_t pod = cp_create_pod(f, 0, 0);
    store_pod_bind(st, pod, 0);
    for (uint32_t n = 0; n < 3; n++)
        store_node_set_unschedulable(st, n, true);
    uint32_t pending = cp_create_pod(f, 0, 1); /* cannot be scheduled */
    cp_run_until(f, SEC(10));
    store_pvc_delete(st, used);
    store_pvc_delete(st, unused);
    cp_run_until(f, SEC(100));
    assert_false(st->pvcs[used].gone);
    assert_int_equal(st->pvcs[used].deletion_ts, SEC(10));
    assert_int_equal(st->pods[pending].node, NONE_ID);
    assert_true(st->pvcs[unused].gone);
    assert_int_equal(cp_nth(f, CH_PVC_GONE, unused, 0)->time, SEC(10) + MSEC(10));
    store_pod_delete(st, pod, 0, true);
    cp_run_until(f, SEC(101));
    assert_true(st->pvcs[used].gone);
    assert_int_equal(cp_nth(f, CH_PVC_GONE, used, 0)->time, SEC(100) + MSEC(10));
    cp_free(f);
}

/* garbagecollector attemptToDeleteItem with an absent owner (TestAttemptToDeleteItem,
 * "dependent with absent owner"): the claim whose controller ownerRef is a deleted pod
 * (StatefulSet whenScaled/whenDeleted: Delete) is deleted, and pvc-protection then removes
 * it since no pod uses it. A claim owned by a live pod stays. */
static void a_claim_owned_by_a_gone_pod_is_garbage_collected(void **state)
{
    (void)state;
    struct cp_fx *f = two_zones("standard", BIND_IMMEDIATE, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t c0 = store_pvc_create(st, 0, 0, 0);
    uint32_t c1 = store_pvc_create(st, 0, 0, 1);
    cp_run_until(f, SEC(3));
    uint32_t p0 = cp_create_pod(f, 0, 0);
    uint32_t p1 = cp_create_pod(f, 0, 1);
    store_pod_bind(st, p0, 0);
    store_pod_bind(st, p1, 1);
    store_pvc_set_owner(st, c0, OWNER_POD, p0);
    store_pvc_set_owner(st, c1, OWNER_POD, p1);
    cp_run_until(f, SEC(10));
    store_pod_delete(st, p0, 0, true);
    cp_run_until(f, SEC(20));
    assert_int_equal(cp_nth(f, CH_PVC_DELETE_REQUESTED, c0, 0)->time, SEC(10) + MSEC(10));
    assert_true(st->pvcs[c0].gone);
    assert_int_equal(cp_nth(f, CH_PVC_GONE, c0, 0)->time, SEC(10) + MSEC(20));
    assert_false(st->pvcs[c1].gone);
    assert_int_equal(st->pvcs[c1].deletion_ts, TIME_NEVER);
    /* An ownerRef written after its owner is gone is collected too. */
    store_pod_delete(st, p1, 0, true);
    uint32_t c2 = store_pvc_create(st, 0, 0, 2);
    store_pvc_set_owner(st, c2, OWNER_POD, p1);
    cp_run_until(f, SEC(30));
    assert_true(st->pvcs[c2].gone);
    cp_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(immediate_claims_bind_after_the_provision_latency_in_spread_zones),
        cmocka_unit_test(allowed_topologies_limit_the_zone_of_an_immediate_volume),
        cmocka_unit_test(a_wait_for_first_consumer_claim_waits_for_a_node),
        cmocka_unit_test(pvc_protection_keeps_a_deleted_claim_until_its_pod_is_gone),
        cmocka_unit_test(a_claim_owned_by_a_gone_pod_is_garbage_collected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
