/* Unit tests of the taint-eviction controller: when pods on a node with NoExecute taints are
 * deleted (tolerationSeconds from DefaultTolerationSeconds or the template), cancellation
 * when the taints go, immediate deletion when a taint is not tolerated. Only the
 * controller's own events are dispatched; taints and pods are set up with store calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "controllers/tainteviction.h"
#include "sim/sim.h"
#include "util/util.h"

#define MAX_NODES 8

static const char UNREACHABLE[] = "node.kubernetes.io/unreachable";
static const char NOT_READY[] = "node.kubernetes.io/not-ready";

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
    s->name = "tec";
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
    uint32_t obj, a;
    int64_t b;
    const char *key; /* taint key for Tainted / Untainted */
};

struct change_log {
    struct entry *e;
    size_t n, cap;
    const struct store *st;
};

static void record(void *ctx, const struct change *c)
{
    struct change_log *l = ctx;
    struct entry e = {c->time, c->seq, c->reason, c->obj, c->a, c->b, NULL};
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

/* Pop events up to `until`, dispatching only the taint-eviction controller's. */
static void run_until(struct sim *sim, int64_t until)
{
    struct event ev;
    while (queue_peek_time(sim->q) <= until && queue_pop(sim->q, &ev)) {
        sim->now = ev.time;
        if (ev.module == MOD_TAINT)
            tec_on_event(sim, &ev);
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

static const char *const ONE_ZONE[MAX_NODES] = {"z1", "z1", "z1"};

static void taint(struct fixture *fx, uint32_t node, const char *key, const char *value)
{
    struct taint t = {.key = key, .value = value, .effect = EFFECT_NO_EXECUTE};
    store_node_add_taint(fx->sim->store, node, &t);
}

/* Three nodes, web-0 on node-a and web-1 on node-b, the controller started. */
static void start_two_pods(struct fixture *fx)
{
    fixture_start(fx);
    add_pod(fx, 0, 0);
    add_pod(fx, 1, 1);
    tec_start(fx->sim);
}

static int64_t change_b(const struct change_log *l, enum change_reason r, uint32_t obj)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].reason == r && l->e[i].obj == obj)
            return l->e[i].b;
    return -1;
}

/* Upstream TestUpdateNode "Added tolerated taint", with the toleration the
 * DefaultTolerationSeconds admission plugin adds (300 s): the deletion is requested 300 s
 * after the controller saw the taint, as a graceful DELETE with the pod's 30 s grace. */
static void pod_is_deleted_tolerationseconds_after_the_taint(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(1000));

    const int64_t seen = SEC(100) + MSEC(10); /* the informer delay */
    assert_int_equal(first(fx.log, CH_POD_EVICTION_SCHEDULED, 1, NULL, EFFECT_NONE), seen);
    assert_int_equal(change_b(fx.log, CH_POD_EVICTION_SCHEDULED, 1), seen + SEC(300));
    assert_int_equal(first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE), seen + SEC(300));
    const struct pod *p = &fx.sim->store->pods[1];
    assert_int_equal(p->deletion_ts, seen + SEC(300) + SEC(30));
    assert_true(p->disruption_target);
    assert_false(p->gone); /* the kubelet has to finish a graceful delete */
    /* The pod on the untainted node is left alone. */
    assert_int_equal(first(fx.log, CH_POD_EVICTION_SCHEDULED, 0, NULL, EFFECT_NONE), -1);
    assert_int_equal(fx.sim->store->pods[0].deletion_ts, TIME_NEVER);
    fixture_fini(&fx);
}

/* defaulttolerationseconds/admission.go: a template that already tolerates
 * unreachable:NoExecute keeps its own tolerationSeconds (30 s), and getMinTolerationTime
 * (upstream TestGetMinTolerationTime) uses it. */
static void template_toleration_overrides_the_default_seconds(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    struct toleration tol = {.key = UNREACHABLE,
                             .op = TOL_EXISTS,
                             .value = "",
                             .effect = EFFECT_NO_EXECUTE,
                             .has_seconds = true,
                             .seconds = 30};
    fx.set.template_.tolerations = &tol;
    fx.set.template_.ntolerations = 1;
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(400));
    const int64_t seen = SEC(100) + MSEC(10);
    assert_int_equal(first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE), seen + SEC(30));
    assert_int_equal(fx.sim->store->pods[1].deletion_ts, seen + SEC(60));
    fixture_fini(&fx);
}

/* Upstream TestUpdateNode "Taint removed": the scheduled deletion is cancelled when the
 * NoExecute taints go before it fires. */
static void eviction_is_cancelled_when_the_taint_goes_before_it_fires(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(200));
    store_node_remove_taint(fx.sim->store, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    run_until(fx.sim, SEC(1000));
    assert_int_equal(first(fx.log, CH_POD_EVICTION_CANCELLED, 1, NULL, EFFECT_NONE),
                     SEC(200) + MSEC(10));
    assert_int_equal(count(fx.log, CH_POD_EVICTED, NULL, EFFECT_NONE), 0);
    assert_int_equal(fx.sim->store->pods[1].deletion_ts, TIME_NEVER);
    fixture_fini(&fx);
}

/* Upstream TestUpdateNode "Added taint, expect node patched and deleted": a NoExecute
 * taint no toleration matches deletes the pod at once (no PodDisruptionBudget is
 * consulted). */
static void pod_that_does_not_tolerate_the_taint_is_deleted_at_once(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, "dedicated", "db");
    run_until(fx.sim, SEC(200));
    const int64_t seen = SEC(100) + MSEC(10);
    assert_int_equal(first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE), seen);
    assert_int_equal(first(fx.log, CH_POD_EVICTION_SCHEDULED, 1, NULL, EFFECT_NONE), -1);
    assert_int_equal(fx.sim->store->pods[1].deletion_ts, seen + SEC(30));
    fixture_fini(&fx);
}

/* Upstream TestCreatePod "schedule on tainted Node with infinite toleration": a toleration
 * without tolerationSeconds tolerates the taint for ever. */
static void toleration_without_seconds_never_evicts(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    struct toleration tol = {
        .key = "", .op = TOL_EXISTS, .value = "", .effect = EFFECT_NONE, .has_seconds = false};
    fx.set.template_.tolerations = &tol;
    fx.set.template_.ntolerations = 1;
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(2000));
    assert_int_equal(count(fx.log, CH_POD_EVICTION_SCHEDULED, NULL, EFFECT_NONE), 0);
    assert_int_equal(count(fx.log, CH_POD_EVICTED, NULL, EFFECT_NONE), 0);
    fixture_fini(&fx);
}

/* processPodOnNode keeps work created earlier (upstream TestUpdatePod "lengthening
 * toleration shouldn't work"): swapping unreachable for not-ready does not push the
 * deletion back. */
static void taint_swap_keeps_the_earlier_scheduled_eviction(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(150));
    taint(&fx, 1, NOT_READY, "");
    store_node_remove_taint(fx.sim->store, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    run_until(fx.sim, SEC(1000));
    assert_int_equal(count(fx.log, CH_POD_EVICTION_SCHEDULED, NULL, EFFECT_NONE), 1);
    assert_int_equal(count(fx.log, CH_POD_EVICTION_CANCELLED, NULL, EFFECT_NONE), 0);
    assert_int_equal(first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE),
                     SEC(100) + MSEC(10) + SEC(300));
    fixture_fini(&fx);
}

/* Upstream TestUpdatePod "scheduling onto tainted Node": handlePodUpdate processes a pod
 * bound to a node that already carries NoExecute taints. */
static void pod_bound_to_a_tainted_node_is_scheduled_for_eviction(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    fixture_start(&fx);
    tec_start(fx.sim);
    run_until(fx.sim, SEC(100));
    taint(&fx, 2, UNREACHABLE, "");
    run_until(fx.sim, SEC(200));
    uint32_t pod = store_pod_create(fx.sim->store, 0, 2, NONE_ID);
    store_pod_bind(fx.sim->store, pod, 2);
    run_until(fx.sim, SEC(600));
    assert_int_equal(change_b(fx.log, CH_POD_EVICTION_SCHEDULED, pod),
                     SEC(200) + MSEC(10) + SEC(300));
    assert_int_equal(first(fx.log, CH_POD_EVICTED, pod, NULL, EFFECT_NONE),
                     SEC(200) + MSEC(10) + SEC(300));
    fixture_fini(&fx);
}

/* Upstream TestDeletePod: handlePodUpdate on a deleted pod cancels its work ("Noticed pod
 * deletion"). */
static void force_deleted_pod_has_its_eviction_cancelled(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(150));
    store_pod_delete(fx.sim->store, 1, 0, true);
    run_until(fx.sim, SEC(1000));
    assert_int_equal(first(fx.log, CH_POD_EVICTION_CANCELLED, 1, NULL, EFFECT_NONE),
                     SEC(150) + MSEC(10));
    assert_int_equal(count(fx.log, CH_POD_EVICTED, NULL, EFFECT_NONE), 0);
    fixture_fini(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pod_is_deleted_tolerationseconds_after_the_taint),
        cmocka_unit_test(template_toleration_overrides_the_default_seconds),
        cmocka_unit_test(eviction_is_cancelled_when_the_taint_goes_before_it_fires),
        cmocka_unit_test(pod_that_does_not_tolerate_the_taint_is_deleted_at_once),
        cmocka_unit_test(toleration_without_seconds_never_evicts),
        cmocka_unit_test(taint_swap_keeps_the_earlier_scheduled_eviction),
        cmocka_unit_test(pod_bound_to_a_tainted_node_is_scheduled_for_eviction),
        cmocka_unit_test(force_deleted_pod_has_its_eviction_cancelled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
