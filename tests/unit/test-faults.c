/* Unit tests of the fault timeline: faults run at their time in file order, are announced
 * before they act, resolve {"hosting": pod} to the pod's node at that moment, record the
 * pods they affect, and note (without acting) what they cannot resolve. Only the timeline's
 * events are dispatched; the kubelet calls go to whatever kubelet module is linked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/faults.h"
#include "sim/sim.h"
#include "util/util.h"

#include "fixture.h"

/* --- Harness ------------------------------------------------------------------------ */

/* Pop events up to `until`, dispatching only the timeline's. */
static void run_until(struct sim *sim, int64_t until)
{
    fixture_run_until(sim, MOD_FAULTS, faults_on_event, until);
}

static const char *const TWO_ZONES[FIXTURE_MAX_NODES] = {"z1", "z1", "z2"};

/* web-0 on node-a, web-1 and web-2 on node-b, web-3 not scheduled; the timeline started
 * with the faults given; trace messages on. */
static void start_with(struct fixture *fx, struct scn_fault *faults, uint32_t nfaults)
{
    fixture_init(fx, "faults", 3, TWO_ZONES);
    fx->scn.faults = faults;
    fx->scn.nfaults = nfaults;
    fixture_start(fx);
    fx->sim->store->want_text = true;
    fixture_add_pod(fx, 0, 0);
    fixture_add_pod(fx, 1, 1);
    fixture_add_pod(fx, 2, 1);
    store_pod_create(fx->sim->store, 0, 3, NONE_ID);
    faults_start(fx->sim);
}

static const struct log_entry *fault_entry(const struct change_log *l, uint32_t index)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].reason == CH_FAULT && l->e[i].obj == index)
            return &l->e[i];
    return NULL;
}

static uint64_t seq_of(const struct change_log *l, enum change_reason r, uint32_t obj)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].reason == r && l->e[i].obj == obj)
            return l->e[i].seq;
    return 0;
}

/* scenario-format.md: {"hosting": "web-1"} is the node of the live pod web-1 at the
 * fault's moment; the record keeps that node and the pods on it then. */
static void hosting_resolves_to_the_node_of_the_pod_at_that_moment(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(60), .what = DO_CORDON, .hosting = "web-1"}};
    struct fixture fx;
    start_with(&fx, f, 1);
    run_until(fx.sim, SEC(100));
    const struct fault_record *r = faults_record(fx.sim, 0);
    assert_true(r->applied);
    assert_int_equal(r->at, SEC(60));
    assert_int_equal(r->node, 1);
    assert_null(r->note);
    assert_int_equal(r->npods, 2);
    assert_true((r->pods[0] == 1 && r->pods[1] == 2) || (r->pods[0] == 2 && r->pods[1] == 1));
    assert_true(fx.sim->store->nodes[1].unschedulable);
    assert_false(fx.sim->store->nodes[0].unschedulable);
    fixture_fini(&fx);
}

/* The fault is announced (CH_FAULT, with its node) before anything it causes. */
static void fault_is_announced_before_it_acts(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(60), .what = DO_CORDON, .hosting = "web-1"},
                            {.at = SEC(90), .what = DO_NODE_CRASH, .hosting = "web-0"}};
    struct fixture fx;
    start_with(&fx, f, 2);
    run_until(fx.sim, SEC(100));
    const struct log_entry *e = fault_entry(fx.log, 0);
    assert_non_null(e);
    assert_int_equal(e->node, 1);
    assert_string_equal(e->text, "cordon node-b (hosting web-1)");
    assert_true(e->seq < seq_of(fx.log, CH_NODE_CORDONED, 1));
    e = fault_entry(fx.log, 1);
    assert_non_null(e);
    assert_int_equal(e->time, SEC(90));
    assert_string_equal(e->text, "nodeCrash node-a (hosting web-0)");
    assert_int_equal(faults_record(fx.sim, 1)->node, 0);
    assert_int_equal(faults_record(fx.sim, 1)->npods, 1);
    fixture_fini(&fx);
}

/* Faults at the same moment run in file order; faults out of order run by time. */
static void same_time_faults_run_in_file_order(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(50), .what = DO_CORDON, .node = "node-c"},
                            {.at = SEC(30), .what = DO_CORDON, .node = "node-b"},
                            {.at = SEC(30), .what = DO_CORDON, .node = "node-a"}};
    struct fixture fx;
    start_with(&fx, f, 3);
    run_until(fx.sim, SEC(100));
    uint64_t s0 = fault_entry(fx.log, 0)->seq, s1 = fault_entry(fx.log, 1)->seq;
    uint64_t s2 = fault_entry(fx.log, 2)->seq;
    assert_true(s1 < s2);
    assert_true(s2 < s0);
    fixture_fini(&fx);
}

/* References that do not resolve are noted, not applied, and do not stop the run. */
static void unresolvable_references_are_noted_without_acting(void **state)
{
    (void)state;
    struct scn_fault f[] = {
        {.at = SEC(10), .what = DO_NODE_CRASH, .hosting = "web-9"},
        {.at = SEC(20), .what = DO_CORDON, .hosting = "web-3"}, /* exists, not scheduled */
        {.at = SEC(30), .what = DO_POD_DELETE, .pod = "web-7"},
        {.at = SEC(40), .what = DO_SCALE, .statefulset = "db", .replicas = 5},
        {.at = SEC(50), .what = DO_VOLUME_LOSS, .claim = "data-web-1"},
        {.at = SEC(60), .what = DO_NODE_DELETE, .node = "node-c"},
        {.at = SEC(70),
         .what = DO_TAINT,
         .node = "node-c",
         .taint = {.key = "k", .value = "", .effect = EFFECT_NO_SCHEDULE}},
    };
    struct fixture fx;
    start_with(&fx, f, 7);
    run_until(fx.sim, SEC(100));
    const char *notes[] = {"web-9 is not on any node",        "web-3 is not on any node",
                           "pod web-7 does not exist",        "StatefulSet db does not exist",
                           "claim data-web-1 does not exist", NULL,
                           "node node-c was deleted"};
    for (uint32_t i = 0; i < 7; i++) {
        const struct fault_record *r = faults_record(fx.sim, i);
        assert_non_null(fault_entry(fx.log, i));
        if (notes[i] == NULL) {
            assert_true(r->applied);
            continue;
        }
        assert_false(r->applied);
        assert_string_equal(r->note, notes[i]);
        assert_int_equal(r->npods, 0);
    }
    assert_string_equal(fault_entry(fx.log, 0)->text,
                        "nodeCrash (hosting web-9): web-9 is not on any node");
    assert_int_equal(log_count(fx.log, CH_FAULT, NULL, EFFECT_NONE), 7);
    assert_int_equal(fx.sim->store->sets[0].replicas, 3);
    assert_int_equal(fx.sim->store->nodes[2].ntaints, 0);
    fixture_fini(&fx);
}

/* scale and updateImage write the StatefulSet spec, as kubectl scale / set image do. */
static void scale_and_update_image_change_the_set(void **state)
{
    (void)state;
    struct scn_fault f[] = {
        {.at = SEC(10), .what = DO_SCALE, .statefulset = "web", .replicas = 5},
        {.at = SEC(20), .what = DO_UPDATE_IMAGE, .statefulset = "web", .image = "nginx:1.27"},
    };
    struct fixture fx;
    start_with(&fx, f, 2);
    const struct statefulset *s = &fx.sim->store->sets[0];
    int64_t gen = s->generation;
    run_until(fx.sim, SEC(15));
    assert_int_equal(s->replicas, 5);
    run_until(fx.sim, SEC(30));
    assert_string_equal(store_template(fx.sim->store, s->template_id)->containers[0].image,
                        "nginx:1.27");
    assert_int_equal(s->generation, gen + 2);
    assert_true(faults_record(fx.sim, 0)->applied && faults_record(fx.sim, 1)->applied);
    assert_int_equal(faults_record(fx.sim, 0)->npods, 0);
    assert_string_equal(fault_entry(fx.log, 0)->text, "scale web to 5 replicas");
    fixture_fini(&fx);
}

/* kubectl drain (staging/src/k8s.io/kubectl/pkg/drain: cordon, then evict every pod with
 * its own grace period): the node is cordoned first, then each pod gets a deletion
 * timestamp 30 s ahead. */
static void drain_cordons_and_deletes_every_pod_gracefully(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(60), .what = DO_DRAIN, .node = "node-b"}};
    struct fixture fx;
    start_with(&fx, f, 1);
    run_until(fx.sim, SEC(100));
    const struct store *st = fx.sim->store;
    assert_true(st->nodes[1].unschedulable);
    assert_int_equal(st->pods[1].deletion_ts, SEC(60) + SEC(30));
    assert_int_equal(st->pods[2].deletion_ts, SEC(60) + SEC(30));
    assert_int_equal(st->pods[0].deletion_ts, TIME_NEVER);
    assert_true(seq_of(fx.log, CH_NODE_CORDONED, 1) < seq_of(fx.log, CH_POD_DELETE_REQUESTED, 1));
    fixture_fini(&fx);
}

/* podDelete is kubectl delete pod (graceful, the pod's terminationGracePeriodSeconds);
 * podForceDelete is --grace-period=0 --force and removes the object at once
 * (CheckGracefulDelete). */
static void pod_delete_is_graceful_and_force_delete_is_immediate(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(10), .what = DO_POD_DELETE, .pod = "web-0"},
                            {.at = SEC(20), .what = DO_POD_FORCE_DELETE, .pod = "web-1"}};
    struct fixture fx;
    start_with(&fx, f, 2);
    run_until(fx.sim, SEC(30));
    const struct store *st = fx.sim->store;
    assert_int_equal(st->pods[0].deletion_ts, SEC(40));
    assert_false(st->pods[0].gone);
    assert_true(st->pods[1].gone);
    assert_int_equal(log_first(fx.log, CH_POD_FORCE_DELETED, 1, NULL, EFFECT_NONE), SEC(20));
    assert_int_equal(faults_record(fx.sim, 1)->npods, 1);
    assert_int_equal(faults_record(fx.sim, 1)->pods[0], 1);
    assert_int_equal(faults_record(fx.sim, 1)->node, 1);
    fixture_fini(&fx);
}

/* A zone outage affects every pod on the zone's nodes; a taint and its removal go
 * through the store. */
static void zone_outage_records_the_pods_of_the_zone(void **state)
{
    (void)state;
    struct scn_fault f[] = {
        {.at = SEC(10), .what = DO_ZONE_OUTAGE, .zone = "z1"},
        {.at = SEC(20),
         .what = DO_TAINT,
         .node = "node-c",
         .taint = {.key = "node.kubernetes.io/out-of-service",
                   .value = "nodeshutdown",
                   .effect = EFFECT_NO_EXECUTE}},
        {.at = SEC(30),
         .what = DO_UNTAINT,
         .node = "node-c",
         .taint = {.key = "node.kubernetes.io/out-of-service", .value = "", .effect = EFFECT_NONE}},
    };
    struct fixture fx;
    start_with(&fx, f, 3);
    run_until(fx.sim, SEC(25));
    const struct fault_record *r = faults_record(fx.sim, 0);
    assert_true(r->applied);
    assert_int_equal(r->node, NONE_ID);
    assert_int_equal(r->npods, 3);
    assert_true(node_has_taint(&fx.sim->store->nodes[2], "node.kubernetes.io/out-of-service",
                               EFFECT_NO_EXECUTE));
    assert_string_equal(fault_entry(fx.log, 1)->text,
                        "taint node-c node.kubernetes.io/out-of-service=nodeshutdown:NoExecute");
    run_until(fx.sim, SEC(40));
    assert_int_equal(fx.sim->store->nodes[2].ntaints, 0);
    fixture_fini(&fx);
}

/* zoneRecover boots every stopped machine of the zone, each for its own bootTime; the
 * machines of a zone that did not go down are left alone. */
static void zone_recover_boots_the_stopped_nodes_of_the_zone(void **state)
{
    (void)state;
    struct scn_fault f[] = {
        {.at = SEC(10), .what = DO_ZONE_OUTAGE, .zone = "z1"},
        {.at = SEC(20), .what = DO_ZONE_RECOVER, .zone = "z2"},
        {.at = SEC(30),
         .what = DO_ZONE_RECOVER,
         .zone = "z1",
         .has_boot_time = true,
         .boot_time = {.kind = DIST_CONSTANT, .value = SEC(45)}},
    };
    struct fixture fx;
    start_with(&fx, f, 3);
    run_until(fx.sim, SEC(40));
    assert_true(faults_record(fx.sim, 1)->applied);
    assert_int_equal(faults_record(fx.sim, 1)->npods, 0);
    const struct fault_record *r = faults_record(fx.sim, 2);
    assert_true(r->applied);
    assert_int_equal(r->npods, 3);
    assert_string_equal(fault_entry(fx.log, 2)->text, "zoneRecover z1");
    assert_int_equal(log_count(fx.log, CH_NODE_BOOTING, NULL, 0), 2);
    for (size_t i = 0; i < fx.log->n; i++) {
        const struct log_entry *e = &fx.log->e[i];
        if (e->reason != CH_NODE_BOOTING)
            continue;
        assert_true(e->obj == 0 || e->obj == 1);
        assert_int_equal(e->time, SEC(30));
        assert_int_equal(e->b, SEC(45));
    }
    fixture_fini(&fx);
}

/* volumeLoss loses the PV bound to the named claim; the pod of that ordinal is affected. */
static void volume_loss_loses_the_claims_volume(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(10), .what = DO_VOLUME_LOSS, .claim = "data-web-1"}};
    struct scn_claim_template claim = {
        .name = "data", .access_modes = ACCESS_RWO, .storage_bytes = INT64_C(1) << 30};
    struct fixture fx;
    fixture_init(&fx, "faults", 3, TWO_ZONES);
    fx.set.claims = &claim;
    fx.set.nclaims = 1;
    fx.scn.faults = f;
    fx.scn.nfaults = 1;
    fixture_start(&fx);
    struct store *st = fx.sim->store;
    uint32_t pvc = store_pvc_create(st, 0, 0, 1);
    uint32_t pv = store_pv_create(st, pvc, 0);
    store_pvc_bind(st, pvc, pv);
    fixture_add_pod(&fx, 0, 0);
    uint32_t web1 = fixture_add_pod(&fx, 1, 1);
    faults_start(fx.sim);
    run_until(fx.sim, SEC(20));
    assert_true(st->pvs[pv].lost);
    const struct fault_record *r = faults_record(fx.sim, 0);
    assert_true(r->applied);
    assert_int_equal(r->npods, 1);
    assert_int_equal(r->pods[0], web1);
    assert_int_equal(r->node, 1);
    fixture_fini(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hosting_resolves_to_the_node_of_the_pod_at_that_moment),
        cmocka_unit_test(fault_is_announced_before_it_acts),
        cmocka_unit_test(same_time_faults_run_in_file_order),
        cmocka_unit_test(unresolvable_references_are_noted_without_acting),
        cmocka_unit_test(scale_and_update_image_change_the_set),
        cmocka_unit_test(drain_cordons_and_deletes_every_pod_gracefully),
        cmocka_unit_test(pod_delete_is_graceful_and_force_delete_is_immediate),
        cmocka_unit_test(zone_outage_records_the_pods_of_the_zone),
        cmocka_unit_test(zone_recover_boots_the_stopped_nodes_of_the_zone),
        cmocka_unit_test(volume_loss_loses_the_claims_volume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
