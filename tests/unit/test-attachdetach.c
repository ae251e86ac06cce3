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

/* Two nodes in one zone and web-0 with an Immediate RWO claim, bound to n0 at 3 s after
 * its volume was provisioned. `opts` may set mutations or Kubernetes settings. */
struct world {
    struct fx *f;
    uint32_t pvc, pv, pod;
    int64_t attach_started; /* a reconciler tick: the grid is attach_started + k × 100 ms */
};

static void world_init(struct world *w, void (*tune)(struct fx *), uint32_t mutations)
{
    struct fx *f = fx_new();
    add_node(f, "n0", "zone-a");
    add_node(f, "n1", "zone-a");
    add_class(f, "standard", BIND_IMMEDIATE, NULL, 0);
    add_set(f, "web", 500, "standard");
    if (tune)
        tune(f);
    f->opts.mutations = mutations;
    fx_start(f);
    struct store *st = f->sim->store;
    w->f = f;
    w->pvc = store_pvc_create(st, 0, 0, 0);
    run_until(f, SEC(3));
    w->pv = st->pvcs[w->pvc].pv;
    assert_int_not_equal(w->pv, NONE_ID);
    w->pod = create_pod(f, 0, 0);
    store_pod_bind(st, w->pod, 0);
    store_pod_set_containers_running(st, w->pod, true);
    run_until(f, SEC(15));
    const struct rec *r = nth(f, CH_ATTACH_STARTED, 0, 0);
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
    struct fx *f = w.f;
    const struct store *st = f->sim->store;
    int64_t seen = SEC(3) + MSEC(10);
    assert_true(w.attach_started >= seen && w.attach_started < seen + MSEC(100));
    const struct rec *done = nth(f, CH_ATTACH_DONE, 0, 0);
    assert_non_null(done);
    assert_int_equal(done->time, w.attach_started + SEC(8));
    assert_int_equal(st->attachments[0].node, 0);
    assert_int_equal(st->nodes[0].nvolumes_attached, 1);
    assert_int_equal(st->nodes[0].volumes_attached[0], w.pv);
    fx_free(f);
}

/* The pod moves: the old object is force-deleted and web-0 is recreated on n1. */
static uint32_t move_pod(struct world *w, int64_t at)
{
    struct fx *f = w->f;
    struct store *st = f->sim->store;
    run_until(f, at);
    store_pod_delete(st, w->pod, 0, true);
    uint32_t pod = create_pod(f, 0, 0);
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
    struct fx *f = w.f;
    struct store *st = f->sim->store;
    uint32_t pod = move_pod(&w, SEC(20));
    run_until(f, SEC(30));
    assert_int_equal(count(f, CH_ATTACH_MULTI, pod), 1);
    const struct rec *m = nth(f, CH_ATTACH_MULTI, pod, 0);
    int64_t refused = tick_at_or_after(&w, SEC(20) + MSEC(10));
    assert_int_equal(m->time, refused);
    assert_int_equal(m->node, 1);
    char want[256];
    snprintf(want, sizeof want,
             "Multi-Attach error for volume \"%s\" Volume is already exclusively attached to "
             "one node and can't be attached to another",
             st->pvs[0].name);
    assert_string_equal(m->text, want);
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    assert_int_equal(adc_multi_attach_wait(f->sim, pod), SEC(30) - refused);

    store_node_set_volumes_in_use(st, 0, NULL, 0);
    run_until(f, SEC(60));
    int64_t detach = tick_at_or_after(&w, SEC(30) + MSEC(10));
    assert_int_equal(nth(f, CH_DETACH_STARTED, 0, 0)->time, detach);
    assert_int_equal(nth(f, CH_DETACH_DONE, 0, 0)->time, detach + SEC(5));
    assert_int_equal(count(f, CH_DETACH_FORCED, 0), 0);
    /* The detach's completion marks the volume; the pass of that tick attaches it. */
    int64_t attach = tick_at_or_after(&w, detach + SEC(5));
    const struct rec *a1 = nth(f, CH_ATTACH_STARTED, 1, 0);
    assert_non_null(a1);
    assert_int_equal(a1->time, attach);
    assert_int_equal(a1->node, 1);
    assert_int_equal(nth(f, CH_ATTACH_DONE, 1, 0)->time, attach + SEC(8));
    assert_int_equal(count(f, CH_ATTACH_MULTI, pod), 1);
    assert_int_equal(adc_multi_attach_wait(f->sim, pod), attach - refused);
    fx_free(f);
}

/* reconciler_test.go Test_Run_Positive_OneDesiredVolumeAttachThenDetachWithMountedVolume:
 * a volume no longer wanted is detached only when the node stops reporting it in use. */
static void detach_waits_for_volumes_in_use_to_clear(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct fx *f = w.f;
    struct store *st = f->sim->store;
    run_until(f, SEC(20));
    /* A graceful delete; the kubelet stopped the containers (IsPodTerminated). */
    store_pod_set_containers_running(st, w.pod, false);
    store_pod_delete(st, w.pod, SEC(30), false);
    run_until(f, SEC(80));
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    store_node_set_volumes_in_use(st, 0, NULL, 0);
    run_until(f, SEC(100));
    assert_int_equal(nth(f, CH_DETACH_STARTED, 0, 0)->time,
                     tick_at_or_after(&w, SEC(80) + MSEC(10)));
    assert_int_equal(count(f, CH_DETACH_FORCED, 0), 0);
    assert_true(st->attachments[0].gone);
    fx_free(f);
}

/* The node of the pod crashed: the node lifecycle controller made it Unknown; the kubelet's
 * last volumesInUse stays; the pod is force-deleted at 20 s. */
static void crash_and_force_delete(struct world *w)
{
    struct fx *f = w->f;
    struct store *st = f->sim->store;
    run_until(f, SEC(18));
    store_node_set_ready(st, 0, COND_UNKNOWN, "NodeStatusUnknown");
    run_until(f, SEC(20));
    store_pod_delete(st, w->pod, 0, true);
}

/* reconciler_test.go Test_Run_OneVolumeDetachOnOutOfServiceTaintedNode: the out-of-service
 * taint skips the wait for unmount; the detach is forced (reason out-of-service). */
static void the_out_of_service_taint_force_detaches_at_once(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct fx *f = w.f;
    struct store *st = f->sim->store;
    crash_and_force_delete(&w);
    run_until(f, SEC(60));
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    struct taint oos = {"node.kubernetes.io/out-of-service", "nodeshutdown", EFFECT_NO_EXECUTE};
    store_node_add_taint(st, 0, &oos);
    run_until(f, SEC(80));
    int64_t t = tick_at_or_after(&w, SEC(60) + MSEC(10));
    const struct rec *forced = nth(f, CH_DETACH_FORCED, 0, 0);
    assert_non_null(forced);
    assert_int_equal(forced->time, t);
    assert_int_equal(forced->b, 2);
    assert_int_equal(nth(f, CH_DETACH_STARTED, 0, 0)->time, t);
    assert_int_equal(nth(f, CH_DETACH_DONE, 0, 0)->time, t + SEC(5));
    fx_free(f);
}

/* reconciler_test.go Test_Run_OneVolumeDetachOnUnhealthyNode (k/k #110721): from a node
 * that is not Ready, a mounted volume is force-detached maxWaitForUnmountDuration (6 min)
 * after the detach was first requested, on the reconciler's grid. */
static void an_unhealthy_node_force_detaches_six_minutes_after_the_request(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct fx *f = w.f;
    crash_and_force_delete(&w);
    int64_t requested = tick_at_or_after(&w, SEC(20) + MSEC(10));
    run_until(f, requested + SEC(360) - 1);
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    run_until(f, requested + SEC(400));
    const struct rec *forced = nth(f, CH_DETACH_FORCED, 0, 0);
    assert_non_null(forced);
    assert_int_equal(forced->time, requested + SEC(360));
    assert_int_equal(forced->b, 1);
    assert_int_equal(nth(f, CH_DETACH_STARTED, 0, 0)->time, requested + SEC(360));
    fx_free(f);
}

static void disable_force_detach(struct fx *f)
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
    struct fx *f = w.f;
    crash_and_force_delete(&w);
    run_until(f, SEC(1800));
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    assert_int_equal(count(f, CH_DETACH_FORCED, 0), 0);
    fx_free(f);
}

/* Test_Run_OneVolumeDetachOnUnhealthyNode, healthy case: a Ready node with a stale
 * volumesInUse never gets a forced detach, however long it takes. */
static void a_healthy_node_with_stale_volumes_in_use_is_never_force_detached(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct fx *f = w.f;
    run_until(f, SEC(20));
    store_pod_delete(f->sim->store, w.pod, 0, true);
    run_until(f, SEC(1800));
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    /* Once the node turns unhealthy the expired request is acted on at the next tick. */
    store_node_set_ready(f->sim->store, 0, COND_UNKNOWN, "NodeStatusUnknown");
    run_until(f, SEC(1801));
    assert_int_equal(nth(f, CH_DETACH_FORCED, 0, 0)->time,
                     tick_at_or_after(&w, SEC(1800) + MSEC(10)));
    fx_free(f);
}

/* util.DetermineVolumeAction / IsPodTerminated (TestIsPodTerminated): a pod deleted
 * gracefully on a dead node still shows running containers, so its volume stays wanted and
 * no detach timer starts. */
static void a_terminating_pod_that_still_shows_running_containers_keeps_its_volume(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, 0);
    struct fx *f = w.f;
    struct store *st = f->sim->store;
    run_until(f, SEC(18));
    store_node_set_ready(st, 0, COND_UNKNOWN, "NodeStatusUnknown");
    run_until(f, SEC(355));
    assert_false(store_pod_delete(st, w.pod, SEC(30), false));
    run_until(f, SEC(2400));
    assert_int_equal(count(f, CH_DETACH_STARTED, 0), 0);
    assert_int_equal(count(f, CH_DETACH_FORCED, 0), 0);
    assert_false(st->attachments[0].gone);
    fx_free(f);
}

/* MUT_ADC_MULTI_ATTACH (test-only): the refusal is skipped and the RWO volume ends up
 * attached to two nodes, which the singleAttachRWO invariant must catch. */
static void the_multi_attach_mutation_attaches_a_rwo_volume_twice(void **state)
{
    (void)state;
    struct world w;
    world_init(&w, NULL, MUT_ADC_MULTI_ATTACH);
    struct fx *f = w.f;
    uint32_t pod = move_pod(&w, SEC(20));
    run_until(f, SEC(40));
    assert_int_equal(count(f, CH_ATTACH_MULTI, pod), 0);
    const struct store *st = f->sim->store;
    assert_int_equal(st->attachments[0].state, ATTACH_ATTACHED);
    assert_int_equal(st->attachments[1].state, ATTACH_ATTACHED);
    assert_int_equal(st->attachments[1].node, 1);
    fx_free(f);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
