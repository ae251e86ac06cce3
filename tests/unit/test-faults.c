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

#define MAX_NODES 8

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
    s->name = "faults";
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
    uint32_t obj, node, a;
    int64_t b;
    const char *key; /* taint key for Tainted / Untainted */
    char text[96];   /* the Fault message */
};

struct change_log {
    struct entry *e;
    size_t n, cap;
    const struct store *st;
};

static void record(void *ctx, const struct change *c)
{
    struct change_log *l = ctx;
    struct entry e = {c->time, c->seq, c->reason, c->obj, c->node, c->a, c->b, NULL, ""};
    if (c->reason == CH_FAULT && c->text)
        snprintf(e.text, sizeof e.text, "%s", c->text);
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

/* Pop events up to `until`, dispatching only the timeline's. */
static void run_until(struct sim *sim, int64_t until)
{
    struct event ev;
    while (queue_peek_time(sim->q) <= until && queue_pop(sim->q, &ev)) {
        sim->now = ev.time;
        if (ev.module == MOD_FAULTS)
            faults_on_event(sim, &ev);
    }
    if (sim->now < until)
        sim->now = until;
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

static const char *const TWO_ZONES[MAX_NODES] = {"z1", "z1", "z2"};

/* web-0 on node-a, web-1 and web-2 on node-b, web-3 not scheduled; the timeline started
 * with the faults given; trace messages on. */
static void start_with(struct fixture *fx, struct scn_fault *faults, uint32_t nfaults)
{
    fixture_init(fx, 3, TWO_ZONES);
    fx->scn.faults = faults;
    fx->scn.nfaults = nfaults;
    fixture_start(fx);
    fx->sim->store->want_text = true;
    add_pod(fx, 0, 0);
    add_pod(fx, 1, 1);
    add_pod(fx, 2, 1);
    store_pod_create(fx->sim->store, 0, 3, NONE_ID);
    faults_start(fx->sim);
}

static const struct entry *fault_entry(const struct change_log *l, uint32_t index)
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
    const struct entry *e = fault_entry(fx.log, 0);
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
    assert_int_equal(count(fx.log, CH_FAULT, NULL, EFFECT_NONE), 7);
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
    assert_int_equal(first(fx.log, CH_POD_FORCE_DELETED, 1, NULL, EFFECT_NONE), SEC(20));
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

/* volumeLoss loses the PV bound to the named claim; the pod of that ordinal is affected. */
static void volume_loss_loses_the_claims_volume(void **state)
{
    (void)state;
    struct scn_fault f[] = {{.at = SEC(10), .what = DO_VOLUME_LOSS, .claim = "data-web-1"}};
    struct scn_claim_template claim = {
        .name = "data", .access_modes = ACCESS_RWO, .storage_bytes = INT64_C(1) << 30};
    struct fixture fx;
    fixture_init(&fx, 3, TWO_ZONES);
    fx.set.claims = &claim;
    fx.set.nclaims = 1;
    fx.scn.faults = f;
    fx.scn.nfaults = 1;
    fixture_start(&fx);
    struct store *st = fx.sim->store;
    uint32_t pvc = store_pvc_create(st, 0, 0, 1);
    uint32_t pv = store_pv_create(st, pvc, 0);
    store_pvc_bind(st, pvc, pv);
    add_pod(&fx, 0, 0);
    uint32_t web1 = add_pod(&fx, 1, 1);
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
        cmocka_unit_test(volume_loss_loses_the_claims_volume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
