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

#include "fixture.h"

static const char UNREACHABLE[] = "node.kubernetes.io/unreachable";
static const char NOT_READY[] = "node.kubernetes.io/not-ready";

/* --- Harness ------------------------------------------------------------------------ */

/* Pop events up to `until`, dispatching only the taint-eviction controller's. */
static void run_until(struct sim *sim, int64_t until)
{
    fixture_run_until(sim, MOD_TAINT, tec_on_event, until);
}

static const char *const ONE_ZONE[FIXTURE_MAX_NODES] = {"z1", "z1", "z1"};

static void taint(struct fixture *fx, uint32_t node, const char *key, const char *value)
{
    struct taint t = {.key = key, .value = value, .effect = EFFECT_NO_EXECUTE};
    store_node_add_taint(fx->sim->store, node, &t);
}

/* Three nodes, web-0 on node-a and web-1 on node-b, the controller started. */
static void start_two_pods(struct fixture *fx)
{
    fixture_start(fx);
    fixture_add_pod(fx, 0, 0);
    fixture_add_pod(fx, 1, 1);
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
    fixture_init(&fx, "tec", 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(1000));

    const int64_t seen = SEC(100) + MSEC(10); /* the informer delay */
    assert_int_equal(log_first(fx.log, CH_POD_EVICTION_SCHEDULED, 1, NULL, EFFECT_NONE), seen);
    assert_int_equal(change_b(fx.log, CH_POD_EVICTION_SCHEDULED, 1), seen + SEC(300));
    assert_int_equal(log_first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE), seen + SEC(300));
    const struct pod *p = &fx.sim->store->pods[1];
    assert_int_equal(p->deletion_ts, seen + SEC(300) + SEC(30));
    assert_true(p->disruption_target);
    assert_false(p->gone); /* the kubelet has to finish a graceful delete */
    /* The pod on the untainted node is left alone. */
    assert_int_equal(log_first(fx.log, CH_POD_EVICTION_SCHEDULED, 0, NULL, EFFECT_NONE), -1);
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
    fixture_init(&fx, "tec", 3, ONE_ZONE);
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
    assert_int_equal(log_first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE), seen + SEC(30));
    assert_int_equal(fx.sim->store->pods[1].deletion_ts, seen + SEC(60));
    fixture_fini(&fx);
}

/* Upstream TestUpdateNode "Taint removed": the scheduled deletion is cancelled when the
 * NoExecute taints go before it fires. */
static void eviction_is_cancelled_when_the_taint_goes_before_it_fires(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "tec", 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(200));
    store_node_remove_taint(fx.sim->store, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    run_until(fx.sim, SEC(1000));
    assert_int_equal(log_first(fx.log, CH_POD_EVICTION_CANCELLED, 1, NULL, EFFECT_NONE),
                     SEC(200) + MSEC(10));
    assert_int_equal(log_count(fx.log, CH_POD_EVICTED, NULL, EFFECT_NONE), 0);
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
    fixture_init(&fx, "tec", 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, "dedicated", "db");
    run_until(fx.sim, SEC(200));
    const int64_t seen = SEC(100) + MSEC(10);
    assert_int_equal(log_first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE), seen);
    assert_int_equal(log_first(fx.log, CH_POD_EVICTION_SCHEDULED, 1, NULL, EFFECT_NONE), -1);
    assert_int_equal(fx.sim->store->pods[1].deletion_ts, seen + SEC(30));
    fixture_fini(&fx);
}

/* Upstream TestCreatePod "schedule on tainted Node with infinite toleration": a toleration
 * without tolerationSeconds tolerates the taint for ever. */
static void toleration_without_seconds_never_evicts(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "tec", 3, ONE_ZONE);
    struct toleration tol = {
        .key = "", .op = TOL_EXISTS, .value = "", .effect = EFFECT_NONE, .has_seconds = false};
    fx.set.template_.tolerations = &tol;
    fx.set.template_.ntolerations = 1;
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(2000));
    assert_int_equal(log_count(fx.log, CH_POD_EVICTION_SCHEDULED, NULL, EFFECT_NONE), 0);
    assert_int_equal(log_count(fx.log, CH_POD_EVICTED, NULL, EFFECT_NONE), 0);
    fixture_fini(&fx);
}

/* processPodOnNode keeps work created earlier (upstream TestUpdatePod "lengthening
 * toleration shouldn't work"): swapping unreachable for not-ready does not push the
 * deletion back. */
static void taint_swap_keeps_the_earlier_scheduled_eviction(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "tec", 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(150));
    taint(&fx, 1, NOT_READY, "");
    store_node_remove_taint(fx.sim->store, 1, UNREACHABLE, EFFECT_NO_EXECUTE);
    run_until(fx.sim, SEC(1000));
    assert_int_equal(log_count(fx.log, CH_POD_EVICTION_SCHEDULED, NULL, EFFECT_NONE), 1);
    assert_int_equal(log_count(fx.log, CH_POD_EVICTION_CANCELLED, NULL, EFFECT_NONE), 0);
    assert_int_equal(log_first(fx.log, CH_POD_EVICTED, 1, NULL, EFFECT_NONE),
                     SEC(100) + MSEC(10) + SEC(300));
    fixture_fini(&fx);
}

/* Upstream TestUpdatePod "scheduling onto tainted Node": handlePodUpdate processes a pod
 * bound to a node that already carries NoExecute taints. */
static void pod_bound_to_a_tainted_node_is_scheduled_for_eviction(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "tec", 3, ONE_ZONE);
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
    assert_int_equal(log_first(fx.log, CH_POD_EVICTED, pod, NULL, EFFECT_NONE),
                     SEC(200) + MSEC(10) + SEC(300));
    fixture_fini(&fx);
}

/* Upstream TestDeletePod: handlePodUpdate on a deleted pod cancels its work ("Noticed pod
 * deletion"). */
static void force_deleted_pod_has_its_eviction_cancelled(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, "tec", 3, ONE_ZONE);
    start_two_pods(&fx);
    run_until(fx.sim, SEC(100));
    taint(&fx, 1, UNREACHABLE, "");
    run_until(fx.sim, SEC(150));
    store_pod_delete(fx.sim->store, 1, 0, true);
    run_until(fx.sim, SEC(1000));
    assert_int_equal(log_first(fx.log, CH_POD_EVICTION_CANCELLED, 1, NULL, EFFECT_NONE),
                     SEC(150) + MSEC(10));
    assert_int_equal(log_count(fx.log, CH_POD_EVICTED, NULL, EFFECT_NONE), 0);
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
