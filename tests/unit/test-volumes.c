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

static struct fx *two_zones(const char *cls, enum binding_mode b, const char **zones,
                            uint32_t nzones)
{
    struct fx *f = fx_new();
    add_node(f, "a0", "zone-a");
    add_node(f, "b0", "zone-b");
    add_node(f, "c0", "zone-c");
    add_class(f, cls, b, zones, nzones);
    add_set(f, "web", 500, cls);
    fx_start(f);
    return f;
}

/* external-provisioner topology_test.go TestStatefulSetSpreading with the PV controller's
 * binding: an Immediate claim is bound timings.provision after it is created, to a PV pinned
 * to one zone, and the claims of consecutive ordinals go round-robin over the sorted zones. */
static void immediate_claims_bind_after_the_provision_latency_in_spread_zones(void **state)
{
    (void)state;
    struct fx *f = two_zones("standard", BIND_IMMEDIATE, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t pvc[3];
    for (int i = 0; i < 3; i++)
        pvc[i] = store_pvc_create(st, 0, 0, i);
    run_until(f, SEC(2) - 1);
    assert_int_equal(count(f, CH_PVC_BOUND, pvc[0]), 0);
    run_until(f, SEC(3));
    bool seen[3] = {false, false, false};
    for (int i = 0; i < 3; i++) {
        const struct pvc *c = &st->pvcs[pvc[i]];
        assert_int_equal(c->phase, PVC_BOUND);
        assert_int_equal(nth(f, CH_PVC_BOUND, pvc[i], 0)->time, SEC(2));
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
    fx_free(f);
}

/* topology.go GenerateAccessibilityRequirements: allowedTopologies are the only zones the
 * provisioner may use. */
static void allowed_topologies_limit_the_zone_of_an_immediate_volume(void **state)
{
    (void)state;
    static const char *only_b[] = {"zone-b"};
    struct fx *f = two_zones("zonal-b", BIND_IMMEDIATE, only_b, 1);
    struct store *st = f->sim->store;
    for (int i = 0; i < 3; i++)
        store_pvc_create(st, 0, 0, i);
    run_until(f, SEC(3));
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(st->pvs[st->pvcs[i].pv].zone, st->nodes[1].zone);
    fx_free(f);
}

/* Delayed binding: nothing is provisioned until the scheduler selects a node; then the
 * volume is created in that node's zone (the selected-node topology). */
static void a_wait_for_first_consumer_claim_waits_for_a_node(void **state)
{
    (void)state;
    struct fx *f = two_zones("wffc", BIND_WAIT_FOR_FIRST_CONSUMER, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t pvc = store_pvc_create(st, 0, 0, 0);
    run_until(f, SEC(60));
    assert_int_equal(st->pvcs[pvc].phase, PVC_PENDING);
    volumes_provision_for_node(f->sim, pvc, 2);
    volumes_provision_for_node(f->sim, pvc, 2); /* one CreateVolume in flight per claim */
    run_until(f, SEC(70));
    assert_int_equal(st->npvs, 1);
    assert_int_equal(nth(f, CH_PVC_BOUND, pvc, 0)->time, SEC(62));
    assert_int_equal(st->pvs[st->pvcs[pvc].pv].zone, st->nodes[2].zone);
    fx_free(f);
}

/* pvc_protection_controller_test.go TestPVCProtectionController ("deleted PVC with finalizer
 * + pod with the PVC and NodeName set" keeps it; "... pod deleted" removes it): a scheduled
 * pod keeps its deleted claim in the API; an unscheduled one does not. */
static void pvc_protection_keeps_a_deleted_claim_until_its_pod_is_gone(void **state)
{
    (void)state;
    struct fx *f = two_zones("standard", BIND_IMMEDIATE, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t used = store_pvc_create(st, 0, 0, 0);
    uint32_t unused = store_pvc_create(st, 0, 0, 1);
    run_until(f, SEC(3));
    uint32_t pod = create_pod(f, 0, 0);
    store_pod_bind(st, pod, 0);
    for (uint32_t n = 0; n < 3; n++)
        store_node_set_unschedulable(st, n, true);
    uint32_t pending = create_pod(f, 0, 1); /* cannot be scheduled */
    run_until(f, SEC(10));
    store_pvc_delete(st, used);
    store_pvc_delete(st, unused);
    run_until(f, SEC(100));
    assert_false(st->pvcs[used].gone);
    assert_int_equal(st->pvcs[used].deletion_ts, SEC(10));
    assert_int_equal(st->pods[pending].node, NONE_ID);
    assert_true(st->pvcs[unused].gone);
    assert_int_equal(nth(f, CH_PVC_GONE, unused, 0)->time, SEC(10) + MSEC(10));
    store_pod_delete(st, pod, 0, true);
    run_until(f, SEC(101));
    assert_true(st->pvcs[used].gone);
    assert_int_equal(nth(f, CH_PVC_GONE, used, 0)->time, SEC(100) + MSEC(10));
    fx_free(f);
}

/* garbagecollector attemptToDeleteItem with an absent owner (TestAttemptToDeleteItem,
 * "dependent with absent owner"): the claim whose controller ownerRef is a deleted pod
 * (StatefulSet whenScaled/whenDeleted: Delete) is deleted, and pvc-protection then removes
 * it since no pod uses it. A claim owned by a live pod stays. */
static void a_claim_owned_by_a_gone_pod_is_garbage_collected(void **state)
{
    (void)state;
    struct fx *f = two_zones("standard", BIND_IMMEDIATE, NULL, 0);
    struct store *st = f->sim->store;
    uint32_t c0 = store_pvc_create(st, 0, 0, 0);
    uint32_t c1 = store_pvc_create(st, 0, 0, 1);
    run_until(f, SEC(3));
    uint32_t p0 = create_pod(f, 0, 0);
    uint32_t p1 = create_pod(f, 0, 1);
    store_pod_bind(st, p0, 0);
    store_pod_bind(st, p1, 1);
    store_pvc_set_owner(st, c0, OWNER_POD, p0);
    store_pvc_set_owner(st, c1, OWNER_POD, p1);
    run_until(f, SEC(10));
    store_pod_delete(st, p0, 0, true);
    run_until(f, SEC(20));
    assert_int_equal(nth(f, CH_PVC_DELETE_REQUESTED, c0, 0)->time, SEC(10) + MSEC(10));
    assert_true(st->pvcs[c0].gone);
    assert_int_equal(nth(f, CH_PVC_GONE, c0, 0)->time, SEC(10) + MSEC(20));
    assert_false(st->pvcs[c1].gone);
    assert_int_equal(st->pvcs[c1].deletion_ts, TIME_NEVER);
    /* An ownerRef written after its owner is gone is collected too. */
    store_pod_delete(st, p1, 0, true);
    uint32_t c2 = store_pvc_create(st, 0, 0, 2);
    store_pvc_set_owner(st, c2, OWNER_POD, p1);
    run_until(f, SEC(30));
    assert_true(st->pvcs[c2].gone);
    fx_free(f);
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
