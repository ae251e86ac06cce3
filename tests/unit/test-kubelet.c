/* Unit tests of the kubelets: pod start (volumes, images, probes), graceful termination,
 * CrashLoopBackOff and what crashes, partitions, reboots and shutdowns do to a machine.
 * Pods are bound and volumes attached with store calls, standing in for the scheduler and
 * the attach/detach controller; the event loop runs here so faults can land mid-run, and
 * only the kubelet's events are dispatched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/kubelet.h"
#include "engine/simtime.h"
#include "sim/sim.h"
#include "util/util.h"

/* --- Fixture: a small scenario filled by hand with upstream defaults ----------------- */

struct rec {
    int64_t time;
    enum change_reason reason;
    uint32_t obj, a;
    int64_t b;
};

struct fixture {
    struct scenario scn;
    struct scn_node nodes[2];
    struct scn_statefulset set;
    struct scn_container containers[1];
    struct scn_claim_template claims[1];
    struct sim *sim;
    struct rec *log;
    size_t nlog, log_cap;
};

static void record(void *ctx, const struct change *c)
{
    struct fixture *f = ctx;
    struct rec r = {c->time, c->reason, c->obj, c->a, c->b};
    VEC_PUSH(f->log, f->nlog, f->log_cap, r);
}

static struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct scenario *s = &f->scn;
    s->name = "kubelet-test";
    s->seed = 7;
    s->until = SEC(3600);
    s->max_events = 10000000;
    f->nodes[0] = (struct scn_node){.name = "n1", .zone = "z1",
                                    .allocatable = {4000, INT64_C(16) << 30, 110}};
    f->nodes[1] = (struct scn_node){.name = "n2", .zone = "z1",
                                    .allocatable = {4000, INT64_C(16) << 30, 110}};
    s->nodes = f->nodes;
    s->nnodes = 2;
    /* The upstream defaults of v1.34, with constant attach and detach latencies (medians of
     * the default distributions) so that times can be checked exactly. */
    scenario_kubernetes_defaults(&s->k8s, NULL);
    scenario_timing_defaults(&s->timings);
    s->timings.attach = dist_constant(SEC(8));
    s->timings.detach = dist_constant(SEC(5));
    f->containers[0] = (struct scn_container){.name = "app", .image = "nginx:1.27"};
    f->containers[0].readiness = (struct probe){.period_ns = SEC(10), .timeout_ns = SEC(1),
                                                .success_threshold = 1, .failure_threshold = 3};
    f->claims[0] = (struct scn_claim_template){.name = "data", .access_modes = 1,
                                               .storage_bytes = INT64_C(1) << 30};
    f->set = (struct scn_statefulset){.name = "web", .service_name = "web", .replicas = 2};
    f->set.template_.containers = f->containers;
    f->set.template_.ncontainers = 1;
    f->set.template_.termination_grace_ns = SEC(30);
    f->set.claims = f->claims;
    f->set.nclaims = 1;
    s->statefulsets = &f->set;
    s->nstatefulsets = 1;
    return f;
}

static struct sim *fixture_sim(struct fixture *f, uint32_t mutations)
{
    struct sim_options opt = {.mutations = mutations};
    f->sim = sim_new(&f->scn, &opt);
    store_watch(f->sim->store, record, f);
    return f->sim;
}

static void fixture_free(struct fixture *f)
{
    sim_free(f->sim);
    free(f->log);
    free(f);
}

/* sim_run's loop, in slices so a test can act between them, for the kubelet alone:
 * events of the other controllers are dropped (their watchers only schedule, internals.md
 * rule 1), so the test sees the kubelet whatever the other modules do. */
static void begin(struct sim *sim)
{
    kubelet_start(sim);
}

static void run_until(struct sim *sim, int64_t t)
{
    struct event ev;
    while (queue_peek_time(sim->q) <= t) {
        queue_pop(sim->q, &ev);
        sim->now = ev.time;
        sim->events++;
        if (ev.module == MOD_KUBELET)
            kubelet_on_event(sim, &ev);
    }
    sim->now = t;
}

/* A claim bound to a new PV for (set 0, ordinal); attached to `node` unless NONE_ID. */
static uint32_t make_volume(struct sim *sim, int32_t ordinal, uint32_t node)
{
    struct store *st = sim->store;
    uint32_t pvc = store_pvc_create(st, 0, 0, ordinal);
    uint32_t pv = store_pv_create(st, pvc, 0);
    store_pvc_bind(st, pvc, pv);
    if (node != NONE_ID)
        store_attachment_set_state(st, store_attachment_create(st, pv, node), ATTACH_ATTACHED);
    return pv;
}

static uint32_t make_pod(struct sim *sim, int32_t ordinal, uint32_t node)
{
    uint32_t pod = store_pod_create(sim->store, 0, ordinal, NONE_ID);
    store_pod_bind(sim->store, pod, node);
    return pod;
}

static int64_t first_at(const struct fixture *f, enum change_reason r, uint32_t obj)
{
    for (size_t i = 0; i < f->nlog; i++)
        if (f->log[i].reason == r && f->log[i].obj == obj)
            return f->log[i].time;
    return TIME_NEVER;
}

static int64_t last_at(const struct fixture *f, enum change_reason r, uint32_t obj)
{
    int64_t t = TIME_NEVER;
    for (size_t i = 0; i < f->nlog; i++)
        if (f->log[i].reason == r && f->log[i].obj == obj)
            t = f->log[i].time;
    return t;
}

static size_t count_of(const struct fixture *f, enum change_reason r, uint32_t obj)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nlog; i++)
        if (f->log[i].reason == r && f->log[i].obj == obj)
            n++;
    return n;
}

/* How many of the pending events are the kubelet's, at time `t` or, with TIME_NEVER, at
 * any time. Pops every event: the test checks the queue last. */
static size_t drain_kubelet_events(struct sim *sim, int64_t t)
{
    struct event ev;
    size_t n = 0;
    while (queue_pop(sim->q, &ev))
        if (ev.module == MOD_KUBELET && (t == TIME_NEVER || ev.time == t))
            n++;
    return n;
}

/* Bring pod 0 of node 0 to Running and Ready with an attached volume, by `t`. */
static uint32_t running_pod(struct fixture *f, int64_t t)
{
    struct sim *sim = fixture_sim(f, 0);
    make_volume(sim, 0, 0);
    uint32_t pod = make_pod(sim, 0, 0);
    begin(sim);
    run_until(sim, t);
    const struct pod *p = &sim->store->pods[pod];
    assert_int_equal(p->phase, PHASE_RUNNING);
    assert_true(p->ready);
    assert_true(p->runtime_live);
    return pod;
}

/* --- Pod start ------------------------------------------------------------------------ */

/* kubelet.go SyncPod; reconciler_common.go waitForVolumeAttach (ReportedInUse);
 * volume_manager.go WaitForAttachAndMount (300 ms polls from the start of SyncPod);
 * images.EnsureImageExists; prober_manager.go UpdatePodStatus (no probe: ready). */
static void a_pod_with_an_attached_volume_runs_then_is_ready_at_exact_times(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct sim *sim = fixture_sim(f, 0);
    uint32_t pv = make_volume(sim, 0, 0);
    uint32_t pod = make_pod(sim, 0, 0);
    begin(sim);
    run_until(sim, SEC(60));

    int64_t admitted = MSEC(10); /* bound at 0, informer delay 10 ms */
    int64_t reported = first_at(f, CH_NODE_VOLUMES_IN_USE, 0);
    assert_int_equal(reported, grid_next(admitted, kubelet_status_phase(sim, 0), SEC(10)));
    assert_true(node_volume_in_use(&sim->store->nodes[0], pv));
    assert_int_equal(first_at(f, CH_POD_WAITING, pod), admitted); /* ContainerCreating */
    int64_t mounted = reported + SEC(1);
    assert_int_equal(first_at(f, CH_POD_MOUNTED, pod), mounted);
    int64_t proceed = grid_next(mounted, admitted, MSEC(300));
    assert_int_equal(first_at(f, CH_POD_PULLING, pod), proceed);
    assert_int_equal(first_at(f, CH_POD_PULLED, pod), proceed + SEC(3));
    assert_int_equal(first_at(f, CH_POD_RUNNING, pod), proceed + SEC(4));
    assert_int_equal(first_at(f, CH_POD_READY, pod), proceed + SEC(4));
    const struct pod *p = &sim->store->pods[pod];
    assert_string_equal(p->reason, "Running");
    assert_true(p->containers_running);
    assert_int_equal(p->restarts, 0);
    fixture_free(f);
}

/* images/puller.go serialImagePuller and EnsureImageExists: a node pulls an image once;
 * a second pod waits for the pull in flight instead of pulling again. */
static void an_image_is_not_pulled_twice_on_one_node(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->set.nclaims = 0;
    struct sim *sim = fixture_sim(f, 0);
    uint32_t a = make_pod(sim, 0, 0);
    uint32_t b = make_pod(sim, 1, 0);
    begin(sim);
    run_until(sim, SEC(30));
    assert_int_equal(count_of(f, CH_POD_PULLING, a) + count_of(f, CH_POD_PULLING, b), 1);
    int64_t t0 = MSEC(10); /* no volumes: both go on at their first poll */
    assert_int_equal(first_at(f, CH_POD_RUNNING, a), t0 + SEC(4));
    assert_int_equal(first_at(f, CH_POD_RUNNING, b), t0 + SEC(4));
    /* A pod arriving later finds the image on the node. */
    uint32_t c = store_pod_create(sim->store, 0, 2, NONE_ID);
    store_pod_bind(sim->store, c, 0);
    run_until(sim, SEC(60));
    assert_int_equal(count_of(f, CH_POD_PULLING, c), 0);
    assert_int_equal(first_at(f, CH_POD_RUNNING, c), SEC(30) + MSEC(10) + SEC(1));
    fixture_free(f);
}

/* desired_state_of_world.go reportedInUse and kubelet_node_status.go markVolumesFromNode:
 * a volume is mountable only after a status update that happened once it was wanted, even
 * if the node already lists it. */
static void no_mount_happens_before_the_volume_is_reported_in_use(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct sim *sim = fixture_sim(f, 0);
    uint32_t pv = make_volume(sim, 0, 0);
    store_node_set_volumes_in_use(sim->store, 0, &pv, 1);
    uint32_t pod = make_pod(sim, 0, 0);
    begin(sim);
    run_until(sim, SEC(60));
    int64_t tick = grid_next(MSEC(10), kubelet_status_phase(sim, 0), SEC(10));
    assert_int_equal(first_at(f, CH_POD_MOUNTED, pod), tick + SEC(1));
    fixture_free(f);
}

/* operation_generator.go VerifyControllerAttachedVolume fails while the volume is not in
 * status.volumesAttached; exponentialbackoff.go retries after 0.5 s, 1 s, 2 s ... */
static void a_late_attach_is_seen_at_the_next_volume_back_off_retry(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct sim *sim = fixture_sim(f, 0);
    uint32_t pv = make_volume(sim, 0, NONE_ID);
    uint32_t pod = make_pod(sim, 0, 0);
    begin(sim);
    int64_t reported = grid_next(MSEC(10), kubelet_status_phase(sim, 0), SEC(10));
    run_until(sim, reported + SEC(3));
    assert_int_equal(first_at(f, CH_POD_MOUNTED, pod), TIME_NEVER);
    struct store *st = sim->store;
    store_attachment_set_state(st, store_attachment_create(st, pv, 0), ATTACH_ATTACHED);
    run_until(sim, SEC(60));
    /* Failures at +0, +0.5, +1.5; the retry at +3.5 finds it attached. */
    assert_int_equal(first_at(f, CH_POD_MOUNTED, pod), reported + MSEC(3500) + SEC(1));
    fixture_free(f);
}

/* volume_manager.go WaitForAttachAndMount (wait.PollUntilContextTimeout) stops its
 * podAttachAndMountTimeout once the volumes are mounted: a running pod leaves nothing of
 * the wait in the queue. */
static void a_finished_mount_wait_leaves_no_timeout_pending(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    running_pod(f, SEC(60));
    assert_int_equal(drain_kubelet_events(f->sim, TIME_NEVER), 0);
    fixture_free(f);
}

/* The wait also ends when the pod worker gives up on the pod: a delete during the wait,
 * or the machine going down. Admitted at 10 ms, the timeout would fire at 10 ms + 123 s. */
static void a_mount_wait_cut_short_by_a_delete_or_a_crash_leaves_no_timeout(void **state)
{
    (void)state;
    int64_t timeout_at = MSEC(10) + SEC(123);
    for (int crash = 0; crash < 2; crash++) {
        struct fixture *f = fixture_new();
        struct sim *sim = fixture_sim(f, 0);
        make_volume(sim, 0, NONE_ID); /* never attached: the wait goes on */
        uint32_t pod = make_pod(sim, 0, 0);
        begin(sim);
        run_until(sim, SEC(30));
        assert_int_equal(sim->store->pods[pod].phase, PHASE_PENDING);
        if (crash)
            kubelet_crash(sim, 0);
        else
            store_pod_delete(sim->store, pod, SEC(30), false);
        run_until(sim, SEC(60));
        assert_true(crash || sim->store->pods[pod].gone);
        assert_int_equal(drain_kubelet_events(sim, timeout_at), 0);
        fixture_free(f);
    }
}

/* prober/worker.go doProbe skips while int(seconds since start) < initialDelaySeconds;
 * the post-start status update triggers a probe at once (manualTriggerCh) and resets the
 * ticker, so probes fall at start + 0, 10, 20 s. */
static void a_probe_with_initial_delay_5_and_period_10_is_ready_at_start_plus_10(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->containers[0].readiness.present = true;
    f->containers[0].readiness.initial_delay_ns = SEC(5);
    struct sim *sim = fixture_sim(f, 0);
    make_volume(sim, 0, 0);
    uint32_t pod = make_pod(sim, 0, 0);
    begin(sim);
    run_until(sim, SEC(60));
    int64_t started = first_at(f, CH_POD_RUNNING, pod);
    assert_true(started < SEC(30));
    assert_int_equal(first_at(f, CH_POD_READY, pod), started + SEC(10));
    fixture_free(f);
}

/* The app answers only after appStartup (12 s): probes at +0 and +10 fail, +20 passes;
 * successThreshold 2 needs +30 too. */
static void readiness_waits_for_the_app_and_the_success_threshold(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->containers[0].readiness.present = true;
    f->containers[0].readiness.success_threshold = 2;
    f->scn.timings.app_startup = dist_constant(SEC(12));
    struct sim *sim = fixture_sim(f, 0);
    make_volume(sim, 0, 0);
    uint32_t pod = make_pod(sim, 0, 0);
    begin(sim);
    run_until(sim, SEC(90));
    int64_t started = first_at(f, CH_POD_RUNNING, pod);
    assert_int_equal(first_at(f, CH_POD_READY, pod), started + SEC(30));
    fixture_free(f);
}

/* --- Termination ---------------------------------------------------------------------- */

/* pod_workers.go / kubelet.go SyncTerminatingPod -> killContainer (SIGTERM, exit after
 * appShutdown), SyncTerminatedPod (unmount), status_manager.go canBeDeleted (final
 * DELETE); volumesInUse drops the volume at the next status update. */
static void a_graceful_delete_unreadies_then_stops_after_app_shutdown_then_unmounts(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    store_pod_delete(sim->store, pod, SEC(30), false);
    run_until(sim, SEC(100));
    int64_t seen = SEC(30) + MSEC(10);
    assert_int_equal(last_at(f, CH_POD_NOT_READY, pod), seen);
    assert_int_equal(first_at(f, CH_POD_KILLING, pod), seen);
    assert_int_equal(last_at(f, CH_POD_CONTAINER_DIED, pod), seen + SEC(2));
    assert_int_equal(first_at(f, CH_POD_UNMOUNTED, pod), seen + MSEC(2500));
    assert_int_equal(first_at(f, CH_POD_GONE, pod), seen + MSEC(2500));
    assert_true(sim->store->pods[pod].gone);
    int64_t tick = grid_next(seen + MSEC(2500), kubelet_status_phase(sim, 0), SEC(10));
    assert_int_equal(last_at(f, CH_NODE_VOLUMES_IN_USE, 0), tick);
    assert_int_equal(sim->store->nodes[0].nvolumes_in_use, 0);
    fixture_free(f);
}

/* killContainer: SIGKILL when the grace period ends before the app exits. */
static void a_grace_shorter_than_app_shutdown_kills_at_the_grace(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->scn.timings.app_shutdown = dist_constant(SEC(5));
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    store_pod_delete(sim->store, pod, SEC(3), false);
    run_until(sim, SEC(34));
    assert_false(sim->store->pods[pod].runtime_live);
    assert_int_equal(last_at(f, CH_POD_CONTAINER_DIED, pod), SEC(30) + MSEC(10) + SEC(3));
    assert_string_equal(sim->store->pods[pod].reason, "Error");
    fixture_free(f);
}

/* kubelet.go HandlePodRemoves: a force-deleted pod's containers are still stopped (with
 * the pod's own grace, calculateEffectiveGracePeriod), without writing to the API. */
static void a_force_deleted_pod_is_stopped_and_unmounted_without_api_writes(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    store_pod_delete(sim->store, pod, 0, true);
    size_t before = f->nlog;
    run_until(sim, SEC(60));
    assert_false(sim->store->pods[pod].runtime_live);
    assert_int_equal(last_at(f, CH_POD_CONTAINER_DIED, pod), SEC(30) + MSEC(10) + SEC(2));
    for (size_t i = before; i < f->nlog; i++)
        assert_false(f->log[i].obj == pod && (f->log[i].reason == CH_POD_NOT_READY ||
                                               f->log[i].reason == CH_POD_WAITING));
    fixture_free(f);
}

/* --- Machine faults ------------------------------------------------------------------ */

/* A power-off writes nothing: the API still says Running and Ready, the Lease stops, and a
 * graceful delete never completes (node-failure-timeline.md §2 "Why it sticks"). */
static void a_crash_kills_containers_at_once_and_leaves_the_api_running_and_ready(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    const struct node *n = &sim->store->nodes[0];
    int64_t renewed = node_lease_renew_time(n, sim->now);
    kubelet_crash(sim, 0);
    const struct pod *p = &sim->store->pods[pod];
    assert_false(p->runtime_live);
    assert_int_equal(first_at(f, CH_NODE_CRASHED, 0), SEC(30));
    assert_false(kubelet_machine_up(sim, 0));
    store_pod_delete(sim->store, pod, SEC(30), false);
    run_until(sim, SEC(600));
    assert_false(p->gone);
    assert_int_equal(p->phase, PHASE_RUNNING);
    assert_true(p->ready);
    assert_true(p->containers_running);
    assert_int_equal(node_lease_renew_time(n, sim->now), renewed);
    assert_true(node_volume_in_use(n, 0));
    fixture_free(f);
}

/* A partitioned kubelet keeps its containers (taint-and-toleration.md: pods "may continue
 * to run on the partitioned node") and only carries out the deletion after the heal. */
static void a_partition_keeps_containers_and_the_deletion_completes_only_after_heal(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_partition(sim, 0);
    assert_true(kubelet_machine_up(sim, 0));
    assert_false(kubelet_connected(sim, 0));
    store_pod_delete(sim->store, pod, SEC(30), false);
    run_until(sim, SEC(200));
    const struct pod *p = &sim->store->pods[pod];
    assert_true(p->runtime_live);
    assert_false(p->gone);
    kubelet_heal(sim, 0);
    run_until(sim, SEC(300));
    assert_true(p->gone);
    assert_int_equal(first_at(f, CH_POD_GONE, pod), SEC(200) + MSEC(10) + MSEC(2500));
    fixture_free(f);
}

/* controller.go backoffEnsureLease: after a long partition the Lease is renewed at the
 * first retry (200 ms doubling, 7 s cap) after the heal; the node posts Ready=True at its
 * next status update. */
static void after_a_partition_the_lease_resumes_at_the_next_retry_and_ready_is_posted(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    struct store *st = sim->store;
    const struct node *n = &st->nodes[0];
    int64_t fail = grid_next(SEC(30) + 1, n->lease_phase, n->lease_period);
    kubelet_partition(sim, 0);
    run_until(sim, SEC(100));
    store_node_set_ready(st, 0, COND_UNKNOWN, "NodeStatusUnknown"); /* as the NLC would */
    int64_t last = node_lease_renew_time(n, sim->now);
    assert_true(last <= SEC(30));
    kubelet_heal(sim, 0);
    /* 0.2+0.4+0.8+1.6+3.2+6.4 = 12.6 s, then every 7 s. */
    int64_t t = fail + MSEC(12600);
    while (t < SEC(100))
        t += SEC(7);
    assert_int_equal(node_lease_renew_time(n, t - 1), last);
    assert_int_equal(node_lease_renew_time(n, t), t);
    run_until(sim, SEC(120));
    assert_int_equal(n->ready, COND_TRUE);
    assert_int_equal(last_at(f, CH_NODE_READY, 0),
                     grid_next(SEC(100), kubelet_status_phase(sim, 0), SEC(10)));
    fixture_free(f);
}

/* After a reboot the kubelet restarts the pods still bound to it in place: same object,
 * restartCount + 1, mount again without attach (the attachment stayed), start, ready. */
static void a_recovered_node_restarts_its_pod_in_place_with_one_restart(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_crash(sim, 0);
    run_until(sim, SEC(40));
    kubelet_recover(sim, 0, SEC(60));
    assert_int_equal(first_at(f, CH_NODE_BOOTING, 0), SEC(40));
    run_until(sim, SEC(200));
    const struct pod *p = &sim->store->pods[pod];
    assert_int_equal(first_at(f, CH_KUBELET_STARTED, 0), SEC(100));
    assert_true(kubelet_machine_up(sim, 0));
    assert_int_equal(p->restarts, 1);
    assert_true(p->runtime_live);
    assert_true(p->ready);
    assert_int_equal(p->phase, PHASE_RUNNING);
    /* Reported at the first status tick of the new kubelet (boot + 10 s), mounted 1 s
     * later, then the 300 ms poll, no pull (the image is on disk), start 1 s. */
    int64_t admitted = SEC(100) + MSEC(10);
    int64_t mounted = SEC(110) + SEC(1);
    assert_int_equal(last_at(f, CH_POD_MOUNTED, pod), mounted);
    int64_t running = grid_next(mounted, admitted, MSEC(300)) + SEC(1);
    assert_int_equal(last_at(f, CH_POD_CONTAINER_STARTED, pod), running);
    assert_int_equal(count_of(f, CH_POD_PULLING, pod), 1);
    /* setters.VolumesInUse waits for the volume manager's sync: the rebooted kubelet never
     * posts the list without the volume of the pod it is about to restart. */
    assert_true(last_at(f, CH_NODE_VOLUMES_IN_USE, 0) < SEC(30));
    assert_true(node_volume_in_use(&sim->store->nodes[0], 0));
    fixture_free(f);
}

/* A pod deleted while its node was down: after the boot its volumes are torn down and the
 * kubelet sends the final DELETE. */
static void a_recovered_node_finishes_the_deletion_of_a_terminating_pod(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_crash(sim, 0);
    store_pod_delete(sim->store, pod, SEC(30), false);
    run_until(sim, SEC(100));
    assert_false(sim->store->pods[pod].gone);
    kubelet_recover(sim, 0, SEC(60));
    run_until(sim, SEC(300));
    assert_true(sim->store->pods[pod].gone);
    assert_int_equal(first_at(f, CH_POD_GONE, pod), SEC(160) + MSEC(10) + MSEC(500));
    assert_false(sim->store->pods[pod].runtime_live);
    fixture_free(f);
}

/* nodeshutdown_manager_linux.go processShutdownEvent with shutdownGracePeriod 30 s and
 * shutdownGracePeriodCriticalPods 10 s: Ready=False at once, regular pods get
 * min(30, 20) s, end Failed/"Terminated" with DisruptionTarget, the empty critical group
 * is skipped and the machine powers off. */
static void a_graceful_shutdown_fails_pods_as_terminated_and_the_node_not_ready(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->scn.k8s.shutdown_grace_ns = SEC(30);
    f->scn.k8s.shutdown_grace_critical_ns = SEC(10);
    f->scn.timings.app_shutdown = dist_constant(SEC(25));
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_shutdown(sim, 0);
    const struct node *n = &sim->store->nodes[0];
    assert_int_equal(n->ready, COND_FALSE);
    assert_string_equal(n->ready_reason, "KubeletNotReady");
    assert_int_equal(first_at(f, CH_NODE_SHUTTING_DOWN, 0), SEC(30));
    run_until(sim, SEC(60));
    const struct pod *p = &sim->store->pods[pod];
    assert_int_equal(p->phase, PHASE_FAILED);
    assert_string_equal(p->reason, "Terminated");
    assert_true(p->disruption_target);
    assert_int_equal(first_at(f, CH_POD_FAILED, pod), SEC(50)); /* SIGKILL at 20 s */
    /* The group's 20 s ran out with the SIGKILL: the manager stops waiting for the
     * unmount and the machine goes down with the volume still reported in use. */
    assert_int_equal(first_at(f, CH_NODE_POWERED_OFF, 0), SEC(50));
    assert_false(kubelet_machine_up(sim, 0));
    assert_true(node_volume_in_use(n, 0));
    fixture_free(f);
}

/* WaitForAllPodsUnmount: when the pods stop early, the manager waits for the unmount and
 * powers off as soon as the group is done; volumesInUse is only posted on the status
 * loop's own grid (no extra post before power-off). */
static void a_graceful_shutdown_powers_off_once_the_pods_are_stopped_and_unmounted(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->scn.k8s.shutdown_grace_ns = SEC(30);
    f->scn.k8s.shutdown_grace_critical_ns = SEC(10);
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_shutdown(sim, 0);
    run_until(sim, SEC(60));
    assert_int_equal(first_at(f, CH_POD_FAILED, pod), SEC(32));
    assert_int_equal(first_at(f, CH_POD_UNMOUNTED, pod), SEC(32) + MSEC(500));
    assert_int_equal(first_at(f, CH_NODE_POWERED_OFF, 0), SEC(32) + MSEC(500));
    int64_t tick = grid_next(SEC(32) + MSEC(500), kubelet_status_phase(sim, 0), SEC(10));
    assert_int_equal(node_volume_in_use(&sim->store->nodes[0], 0), tick > SEC(32) + MSEC(500));
    fixture_free(f);
}

/* shutdownGracePeriod 0 (the default): no shutdown manager, the shutdown is a power-off. */
static void a_shutdown_without_grace_period_is_a_crash(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_shutdown(sim, 0);
    run_until(sim, SEC(60));
    const struct pod *p = &sim->store->pods[pod];
    assert_int_equal(first_at(f, CH_NODE_CRASHED, 0), SEC(30));
    assert_int_equal(count_of(f, CH_NODE_SHUTTING_DOWN, 0), 0);
    assert_false(p->runtime_live);
    assert_int_equal(p->phase, PHASE_RUNNING);
    assert_true(p->ready);
    assert_int_equal(sim->store->nodes[0].ready, COND_TRUE);
    fixture_free(f);
}

/* --- CrashLoopBackOff -------------------------------------------------------------- */

/* kuberuntime_manager.go doBackOff + flowcontrol.Backoff: restart at once, then 10 s
 * doubling to 300 s; since v1.35 the pod worker requeues at the back-off's expiry with
 * wait.Jitter(0.5) (pod_workers.go completeWork, k/k #133066). */
static void crash_loop_back_off_delays_are_0_10_20_40_and_capped_at_300(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->scn.k8s.version = "1.35";
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_container_crash(sim, pod, 9, 0);
    run_until(sim, SEC(3600));
    static const int64_t want[] = {10, 20, 40, 80, 160, 300, 300, 300};
    size_t k = 0;
    int64_t died = TIME_NEVER;
    for (size_t i = 0; i < f->nlog; i++) {
        const struct rec *r = &f->log[i];
        if (r->obj != pod)
            continue;
        if (r->reason == CH_POD_CONTAINER_DIED)
            died = r->time;
        if (r->reason == CH_POD_BACK_OFF) {
            assert_true(k < ARRAY_LEN(want));
            assert_int_equal(r->b, SEC(want[k]));
            assert_int_equal(r->time, died);
            k++;
        }
        if (r->reason == CH_POD_CONTAINER_STARTED && died != TIME_NEVER) {
            /* restart begins between B and 1.5 B after the exit; start takes 1 s */
            int64_t delay = r->time - SEC(1) - died;
            int64_t b = k == 0 ? 0 : SEC(want[k - 1]);
            assert_true(delay >= b && delay <= b + b / 2);
            died = TIME_NEVER;
        }
    }
    assert_int_equal(k, ARRAY_LEN(want));
    const struct pod *p = &sim->store->pods[pod];
    assert_int_equal(p->restarts, 9);
    assert_true(p->runtime_live);
    assert_true(p->ready);
    fixture_free(f);
}

/* Before v1.35 the pod worker retries every backOffPeriod (10 s, jitter 0.5), adding up
 * to a period to each back-off (k/k #123602). */
static void before_1_35_the_restart_waits_for_the_pod_worker_retry(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_container_crash(sim, pod, 3, 0);
    run_until(sim, SEC(200));
    /* crash 1 at 30 (restart now, running at 31, fails), crash 2 at 31 (back-off 10),
     * crash 3 after its restart (back-off 20). */
    int64_t crash2 = SEC(31);
    assert_int_equal(first_at(f, CH_POD_BACK_OFF, pod), crash2);
    int64_t second_restart = TIME_NEVER;
    int n = 0;
    for (size_t i = 0; i < f->nlog; i++)
        if (f->log[i].obj == pod && f->log[i].reason == CH_POD_CONTAINER_STARTED &&
            ++n == 3)
            second_restart = f->log[i].time - SEC(1);
    assert_true(second_restart - crash2 >= SEC(10) && second_restart - crash2 <= SEC(15));
    assert_string_equal(sim->store->pods[pod].reason, "Running");
    assert_int_equal(sim->store->pods[pod].restarts, 3);
    fixture_free(f);
}

/* backoff.go hasExpired: a container that ran more than 10 min restarts at once again. */
static void crash_loop_back_off_resets_after_ten_minutes_running(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    f->scn.k8s.version = "1.35";
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    kubelet_container_crash(sim, pod, 2, 0); /* 30: at once; 31: back-off 10 s */
    run_until(sim, SEC(100));
    assert_int_equal(count_of(f, CH_POD_BACK_OFF, pod), 1);
    int64_t restarted = last_at(f, CH_POD_CONTAINER_STARTED, pod) - SEC(1);
    run_until(sim, restarted + SEC(11 * 60));
    kubelet_container_crash(sim, pod, 1, 0);
    run_until(sim, sim->now + SEC(5));
    assert_int_equal(count_of(f, CH_POD_BACK_OFF, pod), 1);
    assert_int_equal(last_at(f, CH_POD_CONTAINER_STARTED, pod), restarted + SEC(11 * 60) + SEC(1));
    assert_int_equal(sim->store->pods[pod].restarts, 3);
    fixture_free(f);
}

/* A lost volume: the running container crashes and never starts again (back-off grows to
 * its cap); a new pod mounting that volume gets FailedMount and stays ContainerCreating. */
static void a_lost_volume_keeps_the_pod_crash_looping_and_fails_new_mounts(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    uint32_t pod = running_pod(f, SEC(30));
    struct sim *sim = f->sim;
    struct store *st = sim->store;
    store_pv_lose(st, 0);
    kubelet_volume_lost(sim, 0);
    run_until(sim, SEC(1200));
    assert_false(st->pods[pod].runtime_live);
    assert_string_equal(st->pods[pod].reason, "CrashLoopBackOff");
    assert_true(count_of(f, CH_POD_BACK_OFF, pod) >= 5);

    uint32_t other = store_pod_create(st, 0, 1, NONE_ID);
    uint32_t pvc = store_pvc_create(st, 0, 0, 1);
    uint32_t pv = store_pv_create(st, pvc, 0);
    store_pvc_bind(st, pvc, pv);
    store_attachment_set_state(st, store_attachment_create(st, pv, 1), ATTACH_ATTACHED);
    store_pv_lose(st, pv);
    store_pod_bind(st, other, 1);
    run_until(sim, SEC(1300));
    assert_int_equal(count_of(f, CH_POD_FAILED_MOUNT, other), 1);
    assert_string_equal(st->pods[other].reason, "ContainerCreating");
    assert_false(st->pods[other].runtime_live);
    fixture_free(f);
}

/* MUT_STS_WRONG_CLAIM (test-only): ordinal 0 gets the data of ordinal 1's claim, which
 * CH_POD_MOUNTED reports in `a`; without it, the pod's own claim. */
static void the_wrong_claim_mutation_reports_the_neighbours_claim_as_mounted(void **state)
{
    (void)state;
    for (int mutated = 0; mutated < 2; mutated++) {
        struct fixture *f = fixture_new();
        struct sim *sim = fixture_sim(f, mutated ? MUT_STS_WRONG_CLAIM : 0);
        make_volume(sim, 0, 0); /* claim 0 */
        make_volume(sim, 1, 1); /* claim 1 */
        uint32_t pod = make_pod(sim, 0, 0);
        begin(sim);
        run_until(sim, SEC(60));
        size_t i = 0;
        while (i < f->nlog && !(f->log[i].reason == CH_POD_MOUNTED && f->log[i].obj == pod))
            i++;
        assert_true(i < f->nlog);
        assert_int_equal(f->log[i].a, mutated ? 1 : 0);
        fixture_free(f);
    }
}

/* kubelet.go nodeLeaseRenewIntervalFraction: each node renews every 10 s on its own grid,
 * last renewal before t = 0 within one period. */
static void every_node_renews_its_lease_every_ten_seconds_from_a_random_phase(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    struct sim *sim = fixture_sim(f, 0);
    begin(sim);
    for (uint32_t i = 0; i < 2; i++) {
        const struct node *n = &sim->store->nodes[i];
        assert_true(n->lease_renewing);
        int64_t r0 = node_lease_renew_time(n, 0);
        assert_true(r0 > -SEC(10) - 1 && r0 <= 0);
        int64_t r = node_lease_renew_time(n, SEC(35));
        assert_true(r > SEC(25) && r <= SEC(35));
        assert_int_equal((r - r0) % SEC(10), 0);
    }
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_pod_with_an_attached_volume_runs_then_is_ready_at_exact_times),
        cmocka_unit_test(an_image_is_not_pulled_twice_on_one_node),
        cmocka_unit_test(no_mount_happens_before_the_volume_is_reported_in_use),
        cmocka_unit_test(a_late_attach_is_seen_at_the_next_volume_back_off_retry),
        cmocka_unit_test(a_finished_mount_wait_leaves_no_timeout_pending),
        cmocka_unit_test(a_mount_wait_cut_short_by_a_delete_or_a_crash_leaves_no_timeout),
        cmocka_unit_test(a_probe_with_initial_delay_5_and_period_10_is_ready_at_start_plus_10),
        cmocka_unit_test(readiness_waits_for_the_app_and_the_success_threshold),
        cmocka_unit_test(a_graceful_delete_unreadies_then_stops_after_app_shutdown_then_unmounts),
        cmocka_unit_test(a_grace_shorter_than_app_shutdown_kills_at_the_grace),
        cmocka_unit_test(a_force_deleted_pod_is_stopped_and_unmounted_without_api_writes),
        cmocka_unit_test(a_crash_kills_containers_at_once_and_leaves_the_api_running_and_ready),
        cmocka_unit_test(a_partition_keeps_containers_and_the_deletion_completes_only_after_heal),
        cmocka_unit_test(after_a_partition_the_lease_resumes_at_the_next_retry_and_ready_is_posted),
        cmocka_unit_test(a_recovered_node_restarts_its_pod_in_place_with_one_restart),
        cmocka_unit_test(a_recovered_node_finishes_the_deletion_of_a_terminating_pod),
        cmocka_unit_test(a_graceful_shutdown_fails_pods_as_terminated_and_the_node_not_ready),
        cmocka_unit_test(a_graceful_shutdown_powers_off_once_the_pods_are_stopped_and_unmounted),
        cmocka_unit_test(a_shutdown_without_grace_period_is_a_crash),
        cmocka_unit_test(crash_loop_back_off_delays_are_0_10_20_40_and_capped_at_300),
        cmocka_unit_test(before_1_35_the_restart_waits_for_the_pod_worker_retry),
        cmocka_unit_test(crash_loop_back_off_resets_after_ten_minutes_running),
        cmocka_unit_test(a_lost_volume_keeps_the_pod_crash_looping_and_fails_new_mounts),
        cmocka_unit_test(the_wrong_claim_mutation_reports_the_neighbours_claim_as_mounted),
        cmocka_unit_test(every_node_renews_its_lease_every_ten_seconds_from_a_random_phase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
