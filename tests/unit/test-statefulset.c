/* Unit tests of the StatefulSet controller, after upstream
 * pkg/controller/statefulset/stateful_set_control_test.go (S6), stateful_set_test.go (S7) and
 * test/e2e/apps/statefulset.go (S8), as listed in statefulset-controller.md §8.
 *
 * The harness plays upstream's fake pod control: it calls sts_sync directly and moves pods
 * through their phases by hand (bind, Running, Ready; a terminating pod is removed). The
 * other controllers' events land in the queue and are never run. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "controllers/revision.h"
#include "controllers/statefulset.h"
#include "engine/simtime.h"
#include "sim/sim.h"
#include "util/util.h"

#include "fixture.h"

#define MAX_REC 4096

struct rec {
    int32_t created[MAX_REC]; /* ordinals, in creation order */
    int ncreated;
    int32_t deleted[MAX_REC]; /* ordinals the controller deleted (graceful or at once) */
    int ndeleted;
    int nforced; /* force deletions (the harness's, or a mutation's) */
    uint64_t first_pvc_seq, first_pod_seq;
    char blocked[64][256]; /* CH_STS_BLOCKED texts */
    int nblocked;
    int update_done;
};

struct fx {
    struct scenario scn;
    struct scn_node nodes[3];
    struct scn_statefulset ss;
    struct scn_container ctr;
    struct kv labels[1];
    struct scn_claim_template claim;
    struct scn_storage_class sc;
    struct scn_service svc;
    struct sim *sim;
    struct store *st;
    struct rec rec;
};

static void record(void *ctx, const struct change *c)
{
    struct fx *f = ctx;
    struct rec *r = &f->rec;
    switch (c->reason) {
    case CH_POD_CREATED:
        if (r->ncreated < MAX_REC)
            r->created[r->ncreated++] = f->st->pods[c->obj].ordinal;
        if (!r->first_pod_seq)
            r->first_pod_seq = c->seq;
        break;
    case CH_POD_DELETE_REQUESTED:
    case CH_POD_GONE:
        /* A graceful delete shows up as Terminating; an immediate one only as Deleted. */
        if (c->reason == CH_POD_GONE && f->st->pods[c->obj].deletion_grace_ns > 0)
            break;
        if (r->ndeleted < MAX_REC)
            r->deleted[r->ndeleted++] = f->st->pods[c->obj].ordinal;
        break;
    case CH_POD_FORCE_DELETED: r->nforced++; break;
    case CH_PVC_CREATED:
        if (!r->first_pvc_seq)
            r->first_pvc_seq = c->seq;
        break;
    case CH_STS_BLOCKED:
        if (r->nblocked < 64) {
            strncpy(r->blocked[r->nblocked], c->text ? c->text : "", 255);
            r->nblocked++;
        }
        break;
    case CH_STS_UPDATE_DONE: r->update_done++; break;
    default: break;
    }
}

/* Three nodes in one zone and the set web of 3 nginx pods with a claim www; every Kubernetes
 * setting and timing at its upstream default. */
static struct fx *fx_new(void)
{
    struct fx *f = xcalloc(1, sizeof *f);
    struct scenario *s = &f->scn;
    fixture_scenario(s, "unit", 1, SEC(40 * 60));

    static const char *const node_names[3] = {"node-a", "node-b", "node-c"};
    for (int i = 0; i < 3; i++)
        fixture_node(&f->nodes[i], node_names[i], "zone-a");
    s->nodes = f->nodes;
    s->nnodes = 3;

    f->labels[0] = (struct kv){"app", "nginx"};
    f->ctr = (struct scn_container){
        .name = "nginx",
        .image = "nginx:1.25",
        .requests = {.cpu_milli = 100, .memory_bytes = INT64_C(128) << 20, .pods = 0},
    };
    f->claim = (struct scn_claim_template){
        .name = "www", .access_modes = ACCESS_RWO, .storage_bytes = INT64_C(1) << 30};
    struct scn_statefulset *ss = &f->ss;
    ss->name = "web";
    ss->namespace_ = "default";
    ss->service_name = "nginx";
    ss->replicas = 3;
    ss->pod_management = POD_MGMT_ORDERED_READY;
    ss->update_strategy = UPDATE_ROLLING;
    ss->partition = 0;
    ss->max_unavailable = 1;
    ss->max_unavailable_set = false;
    ss->min_ready_ns = 0;
    ss->ordinals_start = 0;
    ss->when_deleted = RETAIN;
    ss->when_scaled = RETAIN;
    ss->revision_history_limit = 10;
    ss->selector = f->labels;
    ss->nselector = 1;
    ss->template_.labels = f->labels;
    ss->template_.nlabels = 1;
    ss->template_.containers = &f->ctr;
    ss->template_.ncontainers = 1;
    ss->template_.termination_grace_ns = SEC(30);
    ss->claims = &f->claim;
    ss->nclaims = 1;
    s->statefulsets = ss;
    s->nstatefulsets = 1;

    f->sc = (struct scn_storage_class){
        .name = "standard", .binding = BIND_IMMEDIATE, .is_default = true};
    s->storage_classes = &f->sc;
    s->nstorage_classes = 1;
    f->svc = (struct scn_service){.name = "nginx", .namespace_ = "default", .headless = true};
    s->services = &f->svc;
    s->nservices = 1;
    return f;
}

static void fx_start(struct fx *f)
{
    f->sim = sim_new(&f->scn, NULL);
    f->st = f->sim->store;
    f->st->want_text = true;
    store_watch(f->st, record, f);
}

static struct fx *fx_started(void)
{
    struct fx *f = fx_new();
    fx_start(f);
    return f;
}

static void fx_free(struct fx *f)
{
    sim_free(f->sim);
    free(f);
}

/* --- Harness -------------------------------------------------------------------------- */

static const struct statefulset *set_of(struct fx *f)
{
    return &f->st->sets[0];
}

static uint32_t pod_at(struct fx *f, int32_t ord)
{
    return store_sts_pod(f->st, 0, ord);
}

static void sync(struct fx *f)
{
    sts_sync(f->sim, 0);
}

static void advance(struct fx *f, int64_t ns)
{
    f->sim->now += ns;
}

static int npods(struct fx *f)
{
    int n = 0;
    for (uint32_t i = 0; i < set_of(f)->by_ordinal_len; i++)
        n += set_of(f)->by_ordinal[i] != NONE_ID;
    return n;
}

static void run_pod(struct fx *f, int32_t ord)
{
    uint32_t id = pod_at(f, ord);
    assert_int_not_equal(id, NONE_ID);
    if (f->st->pods[id].node == NONE_ID)
        store_pod_bind(f->st, id, (uint32_t)ord % 3);
    store_pod_set_phase(f->st, id, PHASE_RUNNING, "Running");
}

static void ready_pod(struct fx *f, int32_t ord)
{
    run_pod(f, ord);
    store_pod_set_ready(f->st, pod_at(f, ord), true);
}

static void unready_pod(struct fx *f, int32_t ord)
{
    store_pod_set_ready(f->st, pod_at(f, ord), false);
}

/* The fake pod control's final removal (the kubelet's confirmation, or a force delete). */
static void remove_pod(struct fx *f, int32_t ord)
{
    store_pod_delete(f->st, pod_at(f, ord), 0, true);
}

/* A graceful DELETE by someone else (a user, the taint manager): the pod stays Terminating. */
static void terminate_pod(struct fx *f, int32_t ord)
{
    run_pod(f, ord);
    store_pod_delete(f->st, pod_at(f, ord), SEC(30), false);
}

static const char *image_of(struct fx *f, int32_t ord)
{
    uint32_t id = pod_at(f, ord);
    assert_int_not_equal(id, NONE_ID);
    return store_pod_spec(f->st, &f->st->pods[id])->containers[0].image;
}

/* One harness loop: a sync, then every pod created becomes Running and Ready and every
 * terminating pod is removed. Returns how many things happened. */
static int round_once(struct fx *f)
{
    int before = f->rec.ncreated + f->rec.ndeleted;
    sync(f);
    int acted = f->rec.ncreated + f->rec.ndeleted - before;
    for (uint32_t ord = 0; ord < set_of(f)->by_ordinal_len; ord++) {
        uint32_t id = set_of(f)->by_ordinal[ord];
        if (id == NONE_ID)
            continue;
        const struct pod *p = &f->st->pods[id];
        if (pod_terminating(p)) {
            remove_pod(f, (int32_t)ord);
            acted++;
        } else if (!p->ready || p->phase != PHASE_RUNNING) {
            ready_pod(f, (int32_t)ord);
            acted++;
        }
    }
    return acted;
}

static int settle(struct fx *f)
{
    for (int rounds = 1; rounds < 5000; rounds++)
        if (round_once(f) == 0)
            return rounds;
    fail_msg("the set never settled");
    return -1;
}

static void assert_status(struct fx *f, int32_t replicas, int32_t ready, int32_t updated)
{
    const struct sts_status *s = &set_of(f)->status;
    assert_int_equal(s->replicas, replicas);
    assert_int_equal(s->ready_replicas, ready);
    assert_int_equal(s->updated_replicas, updated);
}

static void set_image(struct fx *f, const char *image)
{
    store_sts_set_image(f->st, 0, NULL, image);
}

static void scale(struct fx *f, int32_t replicas)
{
    store_sts_set_replicas(f->st, 0, replicas);
}

/* Pop every pending event without running it; return the times of the controller's own. */
static int sts_event_times(struct fx *f, int64_t *out, int max)
{
    struct event ev;
    int n = 0;
    while (queue_pop(f->sim->q, &ev))
        if (ev.module == MOD_STS && n < max)
            out[n++] = ev.time;
    return n;
}

static bool has_time(const int64_t *times, int n, int64_t t)
{
    for (int i = 0; i < n; i++)
        if (times[i] == t)
            return true;
    return false;
}

static const struct pvc *claim_of(struct fx *f, int32_t ord)
{
    uint32_t id = store_sts_claim(f->st, 0, 0, ord);
    assert_int_not_equal(id, NONE_ID);
    return &f->st->pvcs[id];
}

static const char *last_blocked(struct fx *f)
{
    return f->rec.nblocked ? f->rec.blocked[f->rec.nblocked - 1] : "";
}

/* --- Creation and scaling (S6 / S8) ---------------------------------------------------- */

/* mirrors CreatesPodsWithPodIndexLabelFeature / TestStatefulSetControlCreatesPods: ordered
 * creation, one pod per pass, each only once its predecessor is Running and Ready; the
 * ordinal the pod carries is the one in its name. */
static void ordered_ready_creates_one_pod_per_pass_in_ordinal_order(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sync(f);
    assert_int_equal(npods(f), 1);
    sync(f); /* web-0 is Pending: nothing more */
    assert_int_equal(npods(f), 1);
    assert_string_equal(sts_blocked_reason(f->sim, 0), "waiting for web-0 to be Running and Ready");
    settle(f);
    assert_int_equal(f->rec.ncreated, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f->rec.created[i], i);
        const struct pod *p = &f->st->pods[pod_at(f, i)];
        char name[16];
        snprintf(name, sizeof name, "web-%d", i);
        assert_string_equal(p->name, name);
        assert_int_equal(p->ordinal, i);
    }
    assert_status(f, 3, 3, 3);
    assert_string_equal(sts_blocked_reason(f->sim, 0), "");
    fx_free(f);
}

/* mirrors ScalesUp */
static void scaling_up_a_ready_set_adds_the_next_ordinal(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    scale(f, 4);
    settle(f);
    assert_int_equal(f->rec.created[3], 3);
    assert_status(f, 4, 4, 4);
    fx_free(f);
}

/* mirrors ScalesDown: highest ordinal first, one at a time, each after the previous is gone */
static void scaling_down_deletes_the_highest_ordinal_first_one_at_a_time(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    scale(f, 0);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.deleted[0], 2);
    sync(f); /* web-2 still Terminating: no second deletion */
    assert_int_equal(f->rec.ndeleted, 1);
    assert_string_equal(sts_blocked_reason(f->sim, 0),
                        "waiting for web-2 to terminate (a pod with a deletionTimestamp keeps "
                        "its identity until it is gone)");
    settle(f);
    assert_int_equal(f->rec.ndeleted, 3);
    assert_int_equal(f->rec.deleted[1], 1);
    assert_int_equal(f->rec.deleted[2], 0);
    assert_status(f, 0, 0, 0);
    fx_free(f);
}

/* mirrors ReplacesPods: missing pods come back lowest first, one per pass; in-range claims
 * carry no pod ownerRef */
static void missing_pods_are_recreated_lowest_first_each_after_the_previous_is_ready(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 5;
    fx_start(f);
    settle(f);
    remove_pod(f, 0);
    remove_pod(f, 2);
    remove_pod(f, 4);
    int first = f->rec.ncreated;
    sync(f);
    sync(f);
    assert_int_equal(f->rec.ncreated - first, 1); /* web-0 only: it is not Ready yet */
    ready_pod(f, 0);
    sync(f);
    assert_int_equal(f->rec.created[first + 1], 2);
    settle(f);
    assert_int_equal(f->rec.ncreated - first, 3);
    assert_int_equal(f->rec.created[first + 2], 4);
    assert_status(f, 5, 5, 5);
    for (int i = 0; i < 5; i++)
        assert_int_not_equal(claim_of(f, i)->owner, OWNER_POD);
    fx_free(f);
}

static void failed_pod_case(enum pod_phase phase, enum pod_management mgmt)
{
    struct fx *f = fx_new();
    f->ss.pod_management = mgmt;
    fx_start(f);
    sync(f);
    int created = mgmt == POD_MGMT_PARALLEL ? 3 : 1;
    assert_int_equal(f->rec.ncreated, created);
    uint32_t old = pod_at(f, 0);
    run_pod(f, 0);
    store_pod_set_phase(f->st, old, phase, NULL);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.deleted[0], 0);
    assert_true(f->st->pods[old].gone); /* a terminal pod is deleted with grace 0 */
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.ncreated, created + 1);
    assert_int_not_equal(pod_at(f, 0), old); /* a new UID for the same name */
    assert_int_equal(f->st->pods[pod_at(f, 0)].phase, PHASE_PENDING);
    fx_free(f);
}

/* mirrors RecreatesFailedPod (Monotonic) and e2e "Should recreate evicted statefulset" */
static void a_failed_pod_is_deleted_then_recreated_on_the_next_pass(void **state)
{
    (void)state;
    failed_pod_case(PHASE_FAILED, POD_MGMT_ORDERED_READY);
}

/* mirrors RecreatesSucceededPod (k/k#121389) */
static void a_succeeded_pod_is_deleted_then_recreated_like_a_failed_one(void **state)
{
    (void)state;
    failed_pod_case(PHASE_SUCCEEDED, POD_MGMT_ORDERED_READY);
}

/* mirrors RecreatesFailedPod (Burst): replicas + 1 creations in all */
static void parallel_recreates_a_failed_pod_after_creating_every_replica(void **state)
{
    (void)state;
    failed_pod_case(PHASE_FAILED, POD_MGMT_PARALLEL);
}

/* mirrors RecreatesPVCForPendingPod and e2e "PVC should be recreated when pod is pending due
 * to missing PVC" */
static void a_pending_pod_gets_its_missing_claim_recreated(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sync(f);
    uint32_t old = store_sts_claim(f->st, 0, 0, 0);
    store_pvc_remove(f->st, old);
    assert_int_equal(store_sts_claim(f->st, 0, 0, 0), NONE_ID);
    sync(f);
    uint32_t again = store_sts_claim(f->st, 0, 0, 0);
    assert_int_not_equal(again, NONE_ID);
    assert_int_not_equal(again, old);
    assert_string_equal(f->st->pvcs[again].name, "www-web-0");
    fx_free(f);
}

/* mirrors CreatesPodsWithStartOrdinal */
static void pods_take_ordinals_from_the_start_ordinal(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.ordinals_start = 2;
    fx_start(f);
    settle(f);
    assert_int_equal(npods(f), 3);
    for (int i = 2; i <= 4; i++)
        assert_int_not_equal(pod_at(f, i), NONE_ID);
    assert_int_equal(pod_at(f, 0), NONE_ID);
    assert_string_equal(f->st->pods[pod_at(f, 2)].name, "web-2");
    assert_string_equal(claim_of(f, 2)->name, "www-web-2");
    assert_status(f, 3, 3, 3);
    fx_free(f);
}

/* mirrors e2e "Scaling StatefulSetStartOrdinal": moving the start condemns the old range */
static void changing_the_start_ordinal_moves_the_pods_to_the_new_range(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 2;
    fx_start(f);
    settle(f);
    f->ss.ordinals_start = 2;
    scale(f, 3);
    settle(f);
    assert_int_equal(npods(f), 3);
    for (int i = 2; i <= 4; i++)
        assert_int_not_equal(pod_at(f, i), NONE_ID);
    f->ss.ordinals_start = 4;
    scale(f, 2);
    settle(f);
    assert_int_equal(npods(f), 2);
    assert_int_not_equal(pod_at(f, 4), NONE_ID);
    assert_int_not_equal(pod_at(f, 5), NONE_ID);
    assert_int_equal(pod_at(f, 2), NONE_ID);
    fx_free(f);
}

/* mirrors TestParallelScale: Parallel creates every missing pod in one pass and scales down
 * all at once */
static void parallel_scales_up_and_down_in_one_pass(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    f->ss.pod_management = POD_MGMT_PARALLEL;
    sync(f);
    assert_int_equal(npods(f), 3);
    scale(f, 30);
    sync(f);
    assert_int_equal(npods(f), 30);
    assert_true(settle(f) <= 2);
    assert_status(f, 30, 30, 30);
    scale(f, 1);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 29);
    settle(f);
    assert_status(f, 1, 1, 1);
    scale(f, 1000);
    sync(f);
    assert_int_equal(npods(f), 1000);
    fx_free(f);
}

/* mirrors TestParallelScale's slowStartBatch: batches of 1, 2, 4 ...; a batch with an error
 * is finished but no later batch starts */
static void parallel_creation_stops_after_the_batch_with_an_error(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.pod_management = POD_MGMT_PARALLEL;
    f->ss.replicas = 10;
    fx_start(f);
    uint32_t c = store_pvc_create(f->st, 0, 0, 1);
    store_pvc_delete(f->st, c);
    sync(f);
    /* batch {0}, then batch {1, 2}: web-1 fails, web-2 is made, web-3.. wait */
    assert_int_equal(npods(f), 2);
    assert_int_not_equal(pod_at(f, 0), NONE_ID);
    assert_int_not_equal(pod_at(f, 2), NONE_ID);
    assert_int_equal(pod_at(f, 3), NONE_ID);
    fx_free(f);
}

/* mirrors TestStatefulSetControllerRespectsTermination: terminating pods are neither deleted
 * again nor replaced; once gone, scaling to 0 completes */
static void terminating_pods_are_left_alone_until_they_are_gone(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 5;
    fx_start(f);
    settle(f);
    scale(f, 3);
    terminate_pod(f, 3);
    terminate_pod(f, 4);
    int deleted = f->rec.ndeleted;
    sync(f);
    assert_int_equal(npods(f), 5);
    assert_int_equal(f->rec.ndeleted, deleted);
    remove_pod(f, 3);
    remove_pod(f, 4);
    scale(f, 0);
    settle(f);
    assert_int_equal(npods(f), 0);
    assert_status(f, 0, 0, 0);
    fx_free(f);
}

/* mirrors TestStatefulSetControllerBlocksScaling: a terminating web-0 blocks the scale-up;
 * once it is gone only web-0 comes back */
static void a_terminating_pod_blocks_scaling_and_is_replaced_only_once_gone(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    scale(f, 5);
    terminate_pod(f, 0);
    uint32_t old = pod_at(f, 0);
    sync(f);
    sync(f);
    assert_int_equal(npods(f), 3);
    assert_int_equal(pod_at(f, 0), old); /* at most one pod per identity */
    assert_string_equal(last_blocked(f),
                        "waiting for web-0 to terminate (a pod with a deletionTimestamp keeps "
                        "its identity until it is gone)");
    remove_pod(f, 0);
    int created = f->rec.ncreated;
    sync(f);
    assert_int_equal(f->rec.ncreated, created + 1);
    assert_int_equal(f->rec.created[created], 0);
    assert_int_equal(npods(f), 3);
    fx_free(f);
}

/* Parallel does not wait on a terminating pod either, but never replaces it while it is
 * there (§3: "both modes refuse to create the replacement") */
static void parallel_never_replaces_a_terminating_pod(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.pod_management = POD_MGMT_PARALLEL;
    fx_start(f);
    settle(f);
    terminate_pod(f, 1);
    uint32_t old = pod_at(f, 1);
    scale(f, 4);
    sync(f);
    assert_int_equal(pod_at(f, 1), old);
    assert_int_not_equal(pod_at(f, 3), NONE_ID);
    assert_true(strstr(last_blocked(f), "web-1 to terminate") != NULL);
    fx_free(f);
}

/* mirrors TestStatefulSetControllerDeletionTimestamp */
static void a_set_being_deleted_only_gets_its_status(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    f->st->sets[0].deletion_ts = 0; /* as the API shows a set being deleted */
    sync(f);
    assert_int_equal(npods(f), 0);
    assert_int_equal(set_of(f)->status.observed_generation, 1);
    assert_int_not_equal(set_of(f)->status.update_revision, NONE_ID);
    fx_free(f);
}

/* mirrors e2e "Scaling should happen in predictable order and halt if any stateful pod is
 * unhealthy" [Conformance] */
static void ordered_scaling_halts_on_an_unhealthy_pod_and_resumes_in_order(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 1;
    fx_start(f);
    settle(f);
    unready_pod(f, 0);
    scale(f, 3);
    for (int i = 0; i < 5; i++)
        sync(f);
    assert_int_equal(npods(f), 1);
    settle(f);
    assert_int_equal(f->rec.ncreated, 3);
    assert_int_equal(f->rec.created[1], 1);
    assert_int_equal(f->rec.created[2], 2);
    for (int i = 0; i < 3; i++)
        unready_pod(f, i);
    scale(f, 0);
    for (int i = 0; i < 5; i++)
        sync(f);
    assert_int_equal(npods(f), 3);
    assert_int_equal(f->rec.ndeleted, 0);
    assert_string_equal(sts_blocked_reason(f->sim, 0), "waiting for web-0 to be Running and Ready");
    for (int i = 0; i < 3; i++)
        ready_pod(f, i);
    settle(f);
    assert_int_equal(f->rec.ndeleted, 3);
    assert_int_equal(f->rec.deleted[0], 2);
    assert_int_equal(f->rec.deleted[1], 1);
    assert_int_equal(f->rec.deleted[2], 0);
    fx_free(f);
}

/* mirrors e2e "Burst scaling should run to completion even with unhealthy pods" */
static void burst_scaling_ignores_unhealthy_pods(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.pod_management = POD_MGMT_PARALLEL;
    f->ss.replicas = 1;
    fx_start(f);
    sync(f);
    run_pod(f, 0); /* Running, never Ready */
    scale(f, 3);
    sync(f);
    assert_int_equal(npods(f), 3);
    run_pod(f, 1);
    run_pod(f, 2);
    scale(f, 0);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 3);
    fx_free(f);
}

/* mirrors e2e "should not deadlock when a pod's predecessor fails" */
static void a_deleted_pod_is_recreated_even_when_its_successor_is_not_ready(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 2;
    fx_start(f);
    settle(f);
    unready_pod(f, 1);
    uint32_t old = pod_at(f, 0);
    remove_pod(f, 0);
    sync(f);
    assert_int_not_equal(pod_at(f, 0), NONE_ID);
    assert_int_not_equal(pod_at(f, 0), old);
    ready_pod(f, 0);
    ready_pod(f, 1);
    settle(f);
    assert_status(f, 2, 2, 2);
    fx_free(f);
}

/* --- Status (S6 computeReplicaStatus, completeRollingUpdate) ---------------------------- */

/* §3: readyReplicas and availableReplicas count a terminating pod that is still Running and
 * Ready; currentReplicas and updatedReplicas do not */
static void a_terminating_ready_pod_counts_as_ready_but_not_as_current(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    terminate_pod(f, 2); /* stays Running and Ready until the kubelet acts */
    sync(f);
    const struct sts_status *s = &set_of(f)->status;
    assert_int_equal(s->replicas, 3);
    assert_int_equal(s->ready_replicas, 3);
    assert_int_equal(s->available_replicas, 3);
    assert_int_equal(s->current_replicas, 2);
    assert_int_equal(s->updated_replicas, 2);
    fx_free(f);
}

/* mirrors NewRevisionDeletePodFailure (the successful delete): the returned status counts the
 * pod deleted for the update out of currentReplicas */
static void deleting_a_pod_for_update_lowers_current_replicas_at_once(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    set_image(f, "nginx:1.26");
    sync(f);
    const struct sts_status *s = &set_of(f)->status;
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(s->current_replicas, 2);
    assert_int_not_equal(s->current_revision, s->update_revision);
    fx_free(f);
}

/* mirrors TestStatefulSetAvailability */
static void available_replicas_count_pods_ready_for_min_ready_seconds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 1;
    f->ss.min_ready_ns = SEC(3600);
    fx_start(f);
    sync(f);
    ready_pod(f, 0);
    advance(f, SEC(30 * 60));
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 0);
    assert_int_equal(set_of(f)->status.ready_replicas, 1);
    advance(f, SEC(90 * 60));
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 1);
    fx_free(f);
}

/* mirrors e2e "AvailableReplicas should get updated accordingly when MinReadySeconds is
 * enabled" and TestStatefulSetZeroMinReadySeconds */
static void available_replicas_follow_changes_of_min_ready_seconds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 2;
    f->ss.pod_management = POD_MGMT_PARALLEL;
    f->ss.min_ready_ns = SEC(30);
    fx_start(f);
    sync(f);
    ready_pod(f, 0);
    ready_pod(f, 1);
    advance(f, SEC(5));
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 0);
    advance(f, SEC(26));
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 2);
    f->ss.min_ready_ns = SEC(3600);
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 0);
    f->ss.min_ready_ns = 0;
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 2);
    fx_free(f);
}

/* --- Revisions (getStatefulSetRevisions, truncateHistory) ------------------------------ */

/* mirrors TestStatefulSetControl_getSetRevisions */
static void revisions_are_created_reused_and_renumbered_on_rollback(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.update_strategy = UPDATE_ON_DELETE; /* keep the pods out of the way */
    fx_start(f);
    sync(f);
    const struct statefulset *s = set_of(f);
    assert_int_equal(s->nrevisions, 1);
    uint32_t rev1 = s->status.update_revision;
    assert_int_equal(s->status.current_revision, rev1);
    assert_int_equal(f->st->revisions[rev1].number, 1);

    set_image(f, "nginx:1.26");
    sync(f);
    assert_int_equal(s->nrevisions, 2);
    uint32_t rev2 = s->status.update_revision;
    assert_int_not_equal(rev2, rev1);
    assert_int_equal(s->status.current_revision, rev1);
    sync(f);
    assert_int_equal(s->nrevisions, 2);
    assert_int_equal(s->status.update_revision, rev2);

    set_image(f, "nginx:1.27");
    sync(f);
    assert_int_equal(s->nrevisions, 3);
    set_image(f, "nginx:1.26"); /* equal to rev2 while rev3 is the newest */
    sync(f);
    assert_int_equal(s->nrevisions, 3);
    assert_int_equal(s->status.update_revision, rev2);
    assert_int_equal(f->st->revisions[rev2].number, 4);
    fx_free(f);
}

/* history.ControllerRevisionName + HashControllerRevision + rand.SafeEncodeString */
static void revision_names_are_the_set_name_and_a_safe_encoded_hash(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sync(f);
    const struct revision *r = &f->st->revisions[set_of(f)->status.update_revision];
    assert_memory_equal(r->name, "web-", 4);
    size_t len = strlen(r->name + 4);
    assert_true(len >= 1 && len <= 10);
    for (const char *p = r->name + 4; *p; p++)
        assert_non_null(strchr(REV_ALPHANUMS, *p));
    char enc[REV_HASH_LEN];
    rev_safe_encode(r->hash, enc);
    assert_string_equal(r->name + 4, enc);
    /* The pod carries the revision as its controller-revision-hash label. */
    assert_int_equal(f->st->pods[pod_at(f, 0)].revision, r->id);
    fx_free(f);
}

static void history_case(int32_t limit, uint32_t max_expected)
{
    struct fx *f = fx_new();
    f->ss.update_strategy = UPDATE_ON_DELETE;
    f->ss.revision_history_limit = limit;
    fx_start(f);
    settle(f);
    char image[32];
    for (int i = 0; i < 10; i++) {
        snprintf(image, sizeof image, "nginx:2.%d", i);
        set_image(f, image);
        sync(f);
    }
    assert_true(set_of(f)->nrevisions <= max_expected);
    fx_free(f);
}

/* mirrors TestStatefulSetHonorRevisionHistoryLimit: current and update stay live */
static void history_is_truncated_to_the_revision_history_limit(void **state)
{
    (void)state;
    history_case(2, 2 + 2);
    history_case(0, 0 + 2);
    history_case(5, 5 + 2);
}

/* mirrors TestStatefulSetHonorRevisionHistoryLimit with a negative limit */
static void a_negative_history_limit_keeps_every_revision(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.update_strategy = UPDATE_ON_DELETE;
    f->ss.revision_history_limit = -2;
    fx_start(f);
    settle(f);
    char image[32];
    for (int i = 0; i < 10; i++) {
        snprintf(image, sizeof image, "nginx:2.%d", i);
        set_image(f, image);
        sync(f);
    }
    assert_int_equal(set_of(f)->nrevisions, 11);
    fx_free(f);
}

/* --- Updates --------------------------------------------------------------------------- */

static void rolling_update_case(enum pod_management mgmt)
{
    struct fx *f = fx_new();
    f->ss.pod_management = mgmt;
    fx_start(f);
    settle(f);
    uint32_t old_rev = set_of(f)->status.current_revision;
    set_image(f, "nginx:1.26");
    settle(f);
    assert_int_equal(f->rec.ndeleted, 3);
    assert_int_equal(f->rec.deleted[0], 2);
    assert_int_equal(f->rec.deleted[1], 1);
    assert_int_equal(f->rec.deleted[2], 0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(image_of(f, i), "nginx:1.26");
    const struct sts_status *s = &set_of(f)->status;
    assert_int_equal(s->current_revision, s->update_revision);
    assert_int_not_equal(s->current_revision, old_rev);
    assert_int_equal(s->current_replicas, 3);
    assert_int_equal(f->rec.update_done, 1);
    fx_free(f);
}

/* mirrors TestStatefulSetControlRollingUpdate (Monotonic) and e2e "rolling updates":
 * reverse ordinal order, currentRevision catches up at the end */
static void rolling_update_replaces_pods_from_the_highest_ordinal_down(void **state)
{
    (void)state;
    rolling_update_case(POD_MGMT_ORDERED_READY);
}

/* mirrors TestStatefulSetControlRollingUpdate (Burst) */
static void parallel_rolling_update_also_goes_one_pod_at_a_time_from_the_top(void **state)
{
    (void)state;
    rolling_update_case(POD_MGMT_PARALLEL);
}

/* mirrors TestStatefulSetControlRollingUpdate with scaling 3 -> 5 in the middle */
static void a_rolling_update_and_a_scale_up_end_with_every_pod_updated(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    set_image(f, "nginx:1.26");
    scale(f, 5);
    settle(f);
    for (int i = 0; i < 5; i++)
        assert_string_equal(image_of(f, i), "nginx:1.26");
    assert_status(f, 5, 5, 5);
    fx_free(f);
}

/* mirrors TestStatefulSetControlRollingUpdateWithPartition */
static void pods_below_the_partition_keep_the_current_revision(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.partition = 2;
    fx_start(f);
    settle(f);
    set_image(f, "nginx:1.26");
    settle(f);
    assert_string_equal(image_of(f, 0), "nginx:1.25");
    assert_string_equal(image_of(f, 1), "nginx:1.25");
    assert_string_equal(image_of(f, 2), "nginx:1.26");
    /* completeRollingUpdate never fires with a partition (k/k#136831) */
    assert_int_not_equal(set_of(f)->status.current_revision, set_of(f)->status.update_revision);
    fx_free(f);
}

/* mirrors e2e "should perform canary updates and phased rolling updates" [Conformance] */
static void canary_and_phased_updates_follow_the_partition(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.partition = 3;
    fx_start(f);
    settle(f);
    set_image(f, "nginx:1.26");
    settle(f);
    for (int i = 0; i < 3; i++)
        assert_string_equal(image_of(f, i), "nginx:1.25");
    assert_int_not_equal(set_of(f)->status.current_revision, set_of(f)->status.update_revision);
    f->ss.partition = 2;
    settle(f);
    assert_string_equal(image_of(f, 1), "nginx:1.25");
    assert_string_equal(image_of(f, 2), "nginx:1.26");
    /* Deleted pods come back at their own side of the partition. */
    remove_pod(f, 0);
    remove_pod(f, 2);
    settle(f);
    assert_string_equal(image_of(f, 0), "nginx:1.25");
    assert_string_equal(image_of(f, 2), "nginx:1.26");
    fx_free(f);
}

/* mirrors TestStatefulSetControlOnDeleteUpdate and e2e "legacy replacement ... OnDelete" */
static void on_delete_updates_only_pods_deleted_by_someone_else(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.update_strategy = UPDATE_ON_DELETE;
    fx_start(f);
    settle(f);
    set_image(f, "nginx:1.26");
    settle(f);
    assert_int_equal(f->rec.ndeleted, 0);
    for (int i = 0; i < 3; i++)
        assert_string_equal(image_of(f, i), "nginx:1.25");
    scale(f, 5); /* new ordinals get the update revision */
    settle(f);
    assert_string_equal(image_of(f, 2), "nginx:1.25");
    assert_string_equal(image_of(f, 3), "nginx:1.26");
    assert_string_equal(image_of(f, 4), "nginx:1.26");
    remove_pod(f, 0);
    settle(f);
    assert_string_equal(image_of(f, 0), "nginx:1.26");
    scale(f, 0);
    settle(f);
    scale(f, 5);
    settle(f);
    for (int i = 0; i < 5; i++)
        assert_string_equal(image_of(f, i), "nginx:1.26");
    for (int i = 0; i < 5; i++)
        assert_int_not_equal(claim_of(f, i)->owner, OWNER_POD);
    fx_free(f);
}

/* mirrors TestStatefulSetControlRollback and e2e "roll backs of template modifications" */
static void reverting_the_template_rolls_back_to_the_old_revision(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    uint32_t rev1 = set_of(f)->status.current_revision;
    set_image(f, "nginx:1.26");
    settle(f);
    set_image(f, "nginx:1.25");
    settle(f);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(image_of(f, i), "nginx:1.25");
        assert_int_equal(f->st->pods[pod_at(f, i)].revision, rev1);
    }
    assert_int_equal(set_of(f)->status.update_revision, rev1);
    assert_int_equal(set_of(f)->status.current_revision, rev1);
    assert_int_equal(f->st->revisions[rev1].number, 3);
    assert_int_equal(set_of(f)->nrevisions, 2);
    fx_free(f);
}

/* mirrors TestStatefulSetRollingUpdateRespectsMinReadySeconds */
static void a_rolling_update_waits_for_min_ready_seconds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 2;
    f->ss.min_ready_ns = SEC(30);
    fx_start(f);
    sync(f);
    ready_pod(f, 0);
    advance(f, SEC(31));
    sync(f);
    ready_pod(f, 1);
    advance(f, SEC(10));
    set_image(f, "nginx:1.26");
    sync(f);
    assert_int_equal(f->rec.ndeleted, 0);
    assert_string_equal(sts_blocked_reason(f->sim, 0),
                        "waiting for web-1 to be available for minReadySeconds (30s)");
    advance(f, SEC(50));
    sync(f);
    assert_int_equal(set_of(f)->status.available_replicas, 2);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.deleted[0], 1);
    fx_free(f);
}

/* mirrors TestStatefulSetScaleDownRespectsMinReadySeconds */
static void scaling_down_waits_for_min_ready_seconds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.pod_management = POD_MGMT_PARALLEL;
    fx_start(f);
    sync(f);
    f->ss.pod_management = POD_MGMT_ORDERED_READY;
    f->ss.min_ready_ns = SEC(30);
    for (int i = 0; i < 3; i++)
        ready_pod(f, i);
    advance(f, SEC(10));
    scale(f, 1);
    sync(f);
    assert_int_equal(npods(f), 3);
    assert_int_equal(f->rec.ndeleted, 0);
    fx_free(f);
}

/* mirrors TestStatefulSetPartitionRollingUpdateWithMinReadySeconds and
 * TestStatefulSetOnDeleteStrategyIgnoresMinReadySeconds */
static void partitioned_and_on_delete_updates_wait_or_ignore_min_ready_seconds(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.pod_management = POD_MGMT_PARALLEL;
    f->ss.replicas = 4;
    fx_start(f);
    sync(f);
    f->ss.pod_management = POD_MGMT_ORDERED_READY;
    f->ss.partition = 2;
    f->ss.min_ready_ns = SEC(30);
    for (int i = 0; i < 4; i++)
        ready_pod(f, i);
    advance(f, SEC(10));
    set_image(f, "nginx:1.26");
    sync(f);
    assert_int_equal(f->rec.ndeleted, 0);
    assert_int_equal(npods(f), 4);

    struct fx *g = fx_new();
    g->ss.update_strategy = UPDATE_ON_DELETE;
    g->ss.pod_management = POD_MGMT_PARALLEL;
    g->ss.min_ready_ns = SEC(30);
    fx_start(g);
    sync(g);
    for (int i = 0; i < 3; i++)
        ready_pod(g, i);
    set_image(g, "nginx:1.26");
    sync(g);
    assert_int_not_equal(set_of(g)->status.update_revision, set_of(g)->status.current_revision);
    assert_int_equal(set_of(g)->status.available_replicas, 0);
    assert_int_equal(g->rec.ndeleted, 0);
    fx_free(g);
    fx_free(f);
}

static struct fx *max_unavailable_fixture(enum pod_management mgmt)
{
    struct fx *f = fx_new();
    f->scn.k8s.gate_max_unavailable_statefulset = true;
    f->ss.pod_management = mgmt;
    f->ss.replicas = 6;
    f->ss.partition = 3;
    f->ss.max_unavailable = 2;
    f->ss.max_unavailable_set = true;
    fx_start(f);
    settle(f);
    set_image(f, "nginx:1.26");
    return f;
}

/* mirrors TestStatefulSetControlRollingUpdateWithMaxUnavailable (Burst) */
static void max_unavailable_deletes_up_to_the_budget_in_parallel(void **state)
{
    (void)state;
    struct fx *f = max_unavailable_fixture(POD_MGMT_PARALLEL);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 2);
    assert_int_equal(f->rec.deleted[0], 5);
    assert_int_equal(f->rec.deleted[1], 4);
    remove_pod(f, 4);
    remove_pod(f, 5);
    sync(f);
    assert_int_not_equal(pod_at(f, 4), NONE_ID);
    assert_int_not_equal(pod_at(f, 5), NONE_ID);
    ready_pod(f, 4);
    run_pod(f, 5); /* Running, not Ready: one unavailable, one left in the budget */
    sync(f);
    assert_int_equal(f->rec.ndeleted, 3);
    assert_int_equal(f->rec.deleted[2], 3);
    remove_pod(f, 3);
    settle(f);
    for (int i = 0; i < 3; i++)
        assert_string_equal(image_of(f, i), "nginx:1.25");
    for (int i = 3; i < 6; i++)
        assert_string_equal(image_of(f, i), "nginx:1.26");
    fx_free(f);
}

/* mirrors TestStatefulSetControlRollingUpdateWithMaxUnavailable (Monotonic) */
static void max_unavailable_in_ordered_mode_recreates_one_per_pass(void **state)
{
    (void)state;
    struct fx *f = max_unavailable_fixture(POD_MGMT_ORDERED_READY);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 2);
    remove_pod(f, 4);
    remove_pod(f, 5);
    sync(f);
    assert_int_not_equal(pod_at(f, 4), NONE_ID);
    assert_int_equal(pod_at(f, 5), NONE_ID);
    ready_pod(f, 4);
    sync(f);
    assert_int_not_equal(pod_at(f, 5), NONE_ID);
    assert_int_equal(f->rec.ndeleted, 2);
    ready_pod(f, 5);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 3);
    assert_int_equal(f->rec.deleted[2], 3);
    fx_free(f);
}

/* mirrors TestStatefulSetControlRollingUpdateWithMaxUnavailableInOrderedModeVerifyInvariant:
 * with k pods already terminating (below the partition too) one pass deletes max(0, 2 - k).
 * Parallel lets the pass reach the update with terminating pods, as the upstream test calls
 * the update function directly. */
static void max_unavailable_counts_every_unavailable_replica(void **state)
{
    (void)state;
    static const int cases[][4] = {
        /* n, ordinals... */
        {0, 0, 0, 0}, {1, 5, 0, 0}, {1, 3, 0, 0}, {1, 4, 0, 0}, {2, 5, 4, 0},
        {2, 5, 3, 0}, {2, 4, 3, 0}, {3, 5, 4, 3}, {1, 2, 0, 0}, {1, 1, 0, 0},
    };
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        struct fx *f = max_unavailable_fixture(POD_MGMT_PARALLEL);
        int k = cases[c][0];
        for (int i = 0; i < k; i++)
            terminate_pod(f, cases[c][1 + i]);
        int before = f->rec.ndeleted;
        sync(f);
        int want = 2 - k > 0 ? 2 - k : 0;
        assert_int_equal(f->rec.ndeleted - before - 0, want);
        fx_free(f);
    }
}

/* mirrors TestStatefulSetMetrics' accounting: 5 pods, maxUnavailable 2, one not Ready */
static void max_unavailable_budget_is_reduced_by_unready_pods(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->scn.k8s.gate_max_unavailable_statefulset = true;
    f->ss.pod_management = POD_MGMT_PARALLEL;
    f->ss.replicas = 5;
    f->ss.max_unavailable = 2;
    f->ss.max_unavailable_set = true;
    fx_start(f);
    settle(f);
    unready_pod(f, 0);
    set_image(f, "nginx:1.26");
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.deleted[0], 4);
    assert_string_equal(sts_blocked_reason(f->sim, 0),
                        "waiting for the rolling update: 2 pods unavailable, maxUnavailable is 2");
    fx_free(f);
}

/* getStatefulSetMaxUnavailable: a percentage rounds down, but never below 1 */
static void max_unavailable_percent_rounds_down_to_at_least_one(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->scn.k8s.gate_max_unavailable_statefulset = true;
    f->ss.pod_management = POD_MGMT_PARALLEL;
    f->ss.replicas = 5;
    f->ss.max_unavailable = 10; /* 10% of 5 = 0.5 -> 0 -> 1 */
    f->ss.max_unavailable_percent = true;
    f->ss.max_unavailable_set = true;
    fx_start(f);
    settle(f);
    set_image(f, "nginx:1.26");
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    fx_free(f);
}

/* The version setting: before 1.34 the update waited for readiness only (k/k#130909) */
static void before_1_34_a_parallel_update_does_not_wait_for_min_ready_seconds(void **state)
{
    (void)state;
    for (int old = 0; old < 2; old++) {
        struct fx *f = fx_new();
        f->scn.k8s.version = old ? "1.31" : "1.34";
        f->ss.pod_management = POD_MGMT_PARALLEL;
        f->ss.replicas = 2;
        f->ss.min_ready_ns = SEC(30);
        fx_start(f);
        sync(f);
        ready_pod(f, 0);
        ready_pod(f, 1);
        advance(f, SEC(60));
        set_image(f, "nginx:1.26");
        sync(f);
        assert_int_equal(f->rec.ndeleted, 1); /* web-1 */
        remove_pod(f, 1);
        sync(f);
        ready_pod(f, 1); /* Ready now, available only in 30 s */
        sync(f);
        assert_int_equal(f->rec.ndeleted, old ? 2 : 1);
        fx_free(f);
    }
}

/* --- Claims (stateful_pod_control.go) ------------------------------------------------- */

/* CreateStatefulPod: claims named <template>-<set>-<ordinal> exist before the pod */
static void claims_are_created_before_their_pod(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sync(f);
    assert_true(f->rec.first_pvc_seq != 0);
    assert_true(f->rec.first_pvc_seq < f->rec.first_pod_seq);
    assert_string_equal(claim_of(f, 0)->name, "www-web-0");
    settle(f);
    assert_string_equal(claim_of(f, 2)->name, "www-web-2");
    fx_free(f);
}

/* createPersistentVolumeClaims: "pvc ... is being deleted" blocks the pod and is an error,
 * retried with the workqueue's per-item exponential back-off (5 ms doubling) */
static void a_claim_being_deleted_blocks_the_pod_and_retries_with_backoff(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    uint32_t c = store_pvc_create(f->st, 0, 0, 3);
    store_pvc_delete(f->st, c);
    scale(f, 4);
    int64_t times[64];
    sts_event_times(f, times, 64);
    int64_t t0 = f->sim->now;
    sync(f);
    assert_int_equal(pod_at(f, 3), NONE_ID);
    assert_string_equal(sts_blocked_reason(f->sim, 0),
                        "cannot create web-3: pvc www-web-3 is being deleted");
    int n = sts_event_times(f, times, 64);
    assert_true(has_time(times, n, t0 + MSEC(5)));
    sync(f);
    n = sts_event_times(f, times, 64);
    assert_true(has_time(times, n, t0 + MSEC(10)));
    sync(f);
    n = sts_event_times(f, times, 64);
    assert_true(has_time(times, n, t0 + MSEC(20)));
    store_pvc_remove(f->st, c); /* the claim finally goes */
    sync(f);
    assert_int_not_equal(pod_at(f, 3), NONE_ID);
    assert_string_equal(sts_blocked_reason(f->sim, 0), "waiting for web-3 to be Running and Ready");
    fx_free(f);
}

struct policy_case {
    enum retention when_scaled, when_deleted;
    enum pvc_owner in_range, condemned;
};

/* mirrors the retention table (isClaimOwnerUpToDate, statefulset-controller.md §5) and e2e
 * "Non-retain PVC policy": refs set at creation, condemned claims fixed before deletion */
static void retention_policy_sets_claim_owners_for_all_four_combinations(void **state)
{
    (void)state;
    static const struct policy_case cases[] = {
        {RETAIN, RETAIN, OWNER_NONE, OWNER_NONE},
        {RETAIN, DELETE, OWNER_SET, OWNER_SET},
        {DELETE, RETAIN, OWNER_NONE, OWNER_POD},
        {DELETE, DELETE, OWNER_SET, OWNER_POD},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct fx *f = fx_new();
        f->ss.when_scaled = cases[i].when_scaled;
        f->ss.when_deleted = cases[i].when_deleted;
        fx_start(f);
        settle(f);
        for (int o = 0; o < 3; o++)
            assert_int_equal(claim_of(f, o)->owner, cases[i].in_range);
        uint32_t pod1 = pod_at(f, 1), pod2 = pod_at(f, 2);
        scale(f, 1);
        sync(f);
        /* Both condemned claims are fixed in the pass that deletes web-2. */
        assert_int_equal(f->rec.ndeleted, 1);
        assert_int_equal(claim_of(f, 0)->owner, cases[i].in_range);
        assert_int_equal(claim_of(f, 1)->owner, cases[i].condemned);
        assert_int_equal(claim_of(f, 2)->owner, cases[i].condemned);
        if (cases[i].condemned == OWNER_POD) {
            assert_int_equal(claim_of(f, 1)->owner_pod, pod1);
            assert_int_equal(claim_of(f, 2)->owner_pod, pod2);
        }
        fx_free(f);
    }
}

/* PodClaimIsStale: with whenScaled=Delete a claim still owned by the old pod of that name
 * blocks the new pod until the garbage collector removes it */
static void a_claim_owned_by_the_previous_pod_delays_the_new_pod(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.when_scaled = DELETE;
    fx_start(f);
    settle(f);
    scale(f, 2);
    settle(f);
    const struct pvc *c = claim_of(f, 2);
    assert_int_equal(c->owner, OWNER_POD);
    uint32_t claim2 = c->id;
    scale(f, 3);
    sync(f);
    assert_int_equal(pod_at(f, 2), NONE_ID);
    assert_true(strstr(sts_blocked_reason(f->sim, 0), "claim www-web-2 still belongs") != NULL);
    store_pvc_remove(f->st, claim2); /* the garbage collector's work */
    sync(f);
    assert_int_not_equal(pod_at(f, 2), NONE_ID);
    assert_int_not_equal(claim_of(f, 2)->id, claim2);
    fx_free(f);
}

/* A scale-up before the claim is collected, with the old pod still there: the ref goes */
static void a_claim_of_a_pod_back_in_range_loses_its_pod_owner(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.when_scaled = DELETE;
    f->ss.pod_management = POD_MGMT_PARALLEL;
    fx_start(f);
    settle(f);
    scale(f, 2);
    /* fixPodClaim runs on every pass over condemned pods; keep web-2 Terminating. */
    sync(f);
    assert_int_equal(claim_of(f, 2)->owner, OWNER_POD);
    scale(f, 3);
    sync(f);
    assert_int_equal(claim_of(f, 2)->owner, OWNER_NONE);
    fx_free(f);
}

/* --- The work queue (stateful_set.go) ---------------------------------------------------- */

/* queue.Add dedups a key that is already waiting */
static void enqueueing_twice_schedules_one_sync(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    int64_t times[16];
    sts_event_times(f, times, 16);
    for (int i = 0; i < 5; i++)
        sts_enqueue(f->sim, 0);
    int n = sts_event_times(f, times, 16);
    assert_int_equal(n, 1);
    assert_int_equal(times[0], MSEC(10));
    fx_free(f);
}

/* The informers' initial list: every set is synced after the informer delay */
static void start_syncs_every_set_after_the_informer_delay(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sts_start(f->sim);
    struct event ev;
    assert_true(queue_pop(f->sim->q, &ev));
    assert_int_equal(ev.module, MOD_STS);
    assert_int_equal(ev.time, MSEC(10));
    assert_int_equal(ev.a, 0);
    fx_free(f);
}

/* updatePod: minReadySeconds + 1 s after a pod turns Ready; syncStatefulSet: minReadySeconds
 * after a sync that left availableReplicas short */
static void min_ready_seconds_schedules_the_availability_rechecks(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->ss.replicas = 1;
    f->ss.min_ready_ns = SEC(10);
    fx_start(f);
    sync(f);
    int64_t times[16];
    sts_event_times(f, times, 16);
    advance(f, SEC(1));
    ready_pod(f, 0);
    int n = sts_event_times(f, times, 16);
    assert_true(has_time(times, n, SEC(1) + MSEC(10) + SEC(11)));
    sync(f);
    assert_string_equal(sts_blocked_reason(f->sim, 0),
                        "waiting for web-0 to be available for minReadySeconds (10s)");
    n = sts_event_times(f, times, 16);
    assert_true(has_time(times, n, SEC(1) + SEC(10)));
    fx_free(f);
}

/* The set informer's UpdateFunc enqueues on every update, status writes included; claims are
 * not watched ("TODO: Watch volumes") */
static void pod_and_set_changes_enqueue_but_claim_changes_do_not(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sync(f);
    int64_t times[16];
    assert_true(sts_event_times(f, times, 16) >= 1); /* pod created, status written */
    store_pvc_bind(f->st, store_sts_claim(f->st, 0, 0, 0), store_pv_create(f->st, 0, 0));
    assert_int_equal(sts_event_times(f, times, 16), 0);
    run_pod(f, 0);
    assert_int_equal(sts_event_times(f, times, 16), 1);
    scale(f, 2);
    assert_int_equal(sts_event_times(f, times, 16), 1);
    fx_free(f);
}

/* CH_STS_BLOCKED is emitted when the reason changes, not on every pass */
static void the_blocked_reason_is_emitted_only_when_it_changes(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    sync(f);
    sync(f);
    sync(f);
    assert_int_equal(f->rec.nblocked, 1);
    assert_string_equal(f->rec.blocked[0], "waiting for web-0 to be Running and Ready");
    ready_pod(f, 0);
    sync(f);
    assert_int_equal(f->rec.nblocked, 2);
    assert_string_equal(f->rec.blocked[1], "waiting for web-1 to be Running and Ready");
    fx_free(f);
}

/* --- Mutations (sim.h enum sim_mutation) ---------------------------------------------- */

static void ignore_order_mutation_creates_without_waiting_for_ready(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    f->sim->mutations = MUT_STS_IGNORE_ORDER;
    for (int i = 0; i < 4; i++)
        sync(f);
    assert_int_equal(npods(f), 3);
    fx_free(f);
}

static void scale_down_low_mutation_deletes_the_lowest_condemned_first(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    f->sim->mutations = MUT_STS_SCALE_DOWN_LOW;
    scale(f, 1);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.deleted[0], 1);
    fx_free(f);
}

static void no_at_most_one_mutation_replaces_a_terminating_pod_at_once(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    f->sim->mutations = MUT_STS_NO_AT_MOST_ONE;
    terminate_pod(f, 1);
    uint32_t old = pod_at(f, 1);
    int forced = f->rec.nforced;
    sync(f);
    assert_int_equal(f->rec.nforced, forced + 1);
    assert_int_not_equal(pod_at(f, 1), NONE_ID);
    assert_int_not_equal(pod_at(f, 1), old);
    fx_free(f);
}

static void update_low_first_mutation_updates_from_the_partition_up(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    settle(f);
    f->sim->mutations = MUT_STS_UPDATE_LOW_FIRST;
    set_image(f, "nginx:1.26");
    sync(f);
    assert_int_equal(f->rec.ndeleted, 1);
    assert_int_equal(f->rec.deleted[0], 0);
    fx_free(f);
}

/* The whole loop through sim_run: the informers' initial list, the sync after the informer
 * delay, and no event storm while nothing else moves (status writes enqueue once more, then
 * the set is quiet). */
static void sim_run_creates_every_replica_in_order_and_then_goes_quiet(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->scn.until = SEC(600);
    fx_start(f);
    sim_run(f->sim);
    /* With the whole model running, every replica comes up, one after the other. */
    assert_int_equal(npods(f), f->st->sets[0].replicas);
    assert_int_equal(f->st->pods[pod_at(f, 0)].created, MSEC(10));
    for (int32_t o = 1; o < f->st->sets[0].replicas; o++)
        assert_true(f->st->pods[pod_at(f, o)].created > f->st->pods[pod_at(f, o - 1)].ready_transition);
    assert_true(f->sim->events < 1000);
    assert_string_equal(sts_blocked_reason(f->sim, 0), "");
    fx_free(f);
}

/* Before 1.34 a Ready condemned pod short of minReadySeconds is not "unhealthy", so no
 * first unhealthy pod exists; the scale-down still waits for its availability */
static void before_1_34_scale_down_waits_for_availability_without_an_unhealthy_pod(void **state)
{
    (void)state;
    struct fx *f = fx_new();
    f->scn.k8s.version = "1.31";
    f->ss.pod_management = POD_MGMT_PARALLEL;
    fx_start(f);
    sync(f);
    for (int i = 0; i < 3; i++)
        ready_pod(f, i);
    f->ss.pod_management = POD_MGMT_ORDERED_READY;
    advance(f, SEC(60));
    f->ss.min_ready_ns = SEC(30);
    sync(f);
    store_pod_set_ready(f->st, pod_at(f, 2), false);
    store_pod_set_ready(f->st, pod_at(f, 2), true); /* Ready again, just now */
    scale(f, 2);
    sync(f);
    assert_int_equal(f->rec.ndeleted, 0);
    assert_string_equal(sts_blocked_reason(f->sim, 0),
                        "waiting for web-2 to be available for minReadySeconds (30s)");
    fx_free(f);
}

static void mutations_are_off_by_default(void **state)
{
    (void)state;
    struct fx *f = fx_started();
    assert_int_equal(f->sim->mutations, 0);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordered_ready_creates_one_pod_per_pass_in_ordinal_order),
        cmocka_unit_test(scaling_up_a_ready_set_adds_the_next_ordinal),
        cmocka_unit_test(scaling_down_deletes_the_highest_ordinal_first_one_at_a_time),
        cmocka_unit_test(missing_pods_are_recreated_lowest_first_each_after_the_previous_is_ready),
        cmocka_unit_test(a_failed_pod_is_deleted_then_recreated_on_the_next_pass),
        cmocka_unit_test(a_succeeded_pod_is_deleted_then_recreated_like_a_failed_one),
        cmocka_unit_test(parallel_recreates_a_failed_pod_after_creating_every_replica),
        cmocka_unit_test(a_pending_pod_gets_its_missing_claim_recreated),
        cmocka_unit_test(pods_take_ordinals_from_the_start_ordinal),
        cmocka_unit_test(changing_the_start_ordinal_moves_the_pods_to_the_new_range),
        cmocka_unit_test(parallel_scales_up_and_down_in_one_pass),
        cmocka_unit_test(parallel_creation_stops_after_the_batch_with_an_error),
        cmocka_unit_test(terminating_pods_are_left_alone_until_they_are_gone),
        cmocka_unit_test(a_terminating_pod_blocks_scaling_and_is_replaced_only_once_gone),
        cmocka_unit_test(parallel_never_replaces_a_terminating_pod),
        cmocka_unit_test(a_set_being_deleted_only_gets_its_status),
        cmocka_unit_test(ordered_scaling_halts_on_an_unhealthy_pod_and_resumes_in_order),
        cmocka_unit_test(burst_scaling_ignores_unhealthy_pods),
        cmocka_unit_test(a_deleted_pod_is_recreated_even_when_its_successor_is_not_ready),
        cmocka_unit_test(a_terminating_ready_pod_counts_as_ready_but_not_as_current),
        cmocka_unit_test(deleting_a_pod_for_update_lowers_current_replicas_at_once),
        cmocka_unit_test(available_replicas_count_pods_ready_for_min_ready_seconds),
        cmocka_unit_test(available_replicas_follow_changes_of_min_ready_seconds),
        cmocka_unit_test(revisions_are_created_reused_and_renumbered_on_rollback),
        cmocka_unit_test(revision_names_are_the_set_name_and_a_safe_encoded_hash),
        cmocka_unit_test(history_is_truncated_to_the_revision_history_limit),
        cmocka_unit_test(a_negative_history_limit_keeps_every_revision),
        cmocka_unit_test(rolling_update_replaces_pods_from_the_highest_ordinal_down),
        cmocka_unit_test(parallel_rolling_update_also_goes_one_pod_at_a_time_from_the_top),
        cmocka_unit_test(a_rolling_update_and_a_scale_up_end_with_every_pod_updated),
        cmocka_unit_test(pods_below_the_partition_keep_the_current_revision),
        cmocka_unit_test(canary_and_phased_updates_follow_the_partition),
        cmocka_unit_test(on_delete_updates_only_pods_deleted_by_someone_else),
        cmocka_unit_test(reverting_the_template_rolls_back_to_the_old_revision),
        cmocka_unit_test(a_rolling_update_waits_for_min_ready_seconds),
        cmocka_unit_test(scaling_down_waits_for_min_ready_seconds),
        cmocka_unit_test(partitioned_and_on_delete_updates_wait_or_ignore_min_ready_seconds),
        cmocka_unit_test(max_unavailable_deletes_up_to_the_budget_in_parallel),
        cmocka_unit_test(max_unavailable_in_ordered_mode_recreates_one_per_pass),
        cmocka_unit_test(max_unavailable_counts_every_unavailable_replica),
        cmocka_unit_test(max_unavailable_budget_is_reduced_by_unready_pods),
        cmocka_unit_test(max_unavailable_percent_rounds_down_to_at_least_one),
        cmocka_unit_test(before_1_34_a_parallel_update_does_not_wait_for_min_ready_seconds),
        cmocka_unit_test(claims_are_created_before_their_pod),
        cmocka_unit_test(a_claim_being_deleted_blocks_the_pod_and_retries_with_backoff),
        cmocka_unit_test(retention_policy_sets_claim_owners_for_all_four_combinations),
        cmocka_unit_test(a_claim_owned_by_the_previous_pod_delays_the_new_pod),
        cmocka_unit_test(a_claim_of_a_pod_back_in_range_loses_its_pod_owner),
        cmocka_unit_test(enqueueing_twice_schedules_one_sync),
        cmocka_unit_test(start_syncs_every_set_after_the_informer_delay),
        cmocka_unit_test(min_ready_seconds_schedules_the_availability_rechecks),
        cmocka_unit_test(pod_and_set_changes_enqueue_but_claim_changes_do_not),
        cmocka_unit_test(the_blocked_reason_is_emitted_only_when_it_changes),
        cmocka_unit_test(ignore_order_mutation_creates_without_waiting_for_ready),
        cmocka_unit_test(scale_down_low_mutation_deletes_the_lowest_condemned_first),
        cmocka_unit_test(no_at_most_one_mutation_replaces_a_terminating_pod_at_once),
        cmocka_unit_test(update_low_first_mutation_updates_from_the_partition_up),
        cmocka_unit_test(sim_run_creates_every_replica_in_order_and_then_goes_quiet),
        cmocka_unit_test(before_1_34_scale_down_waits_for_availability_without_an_unhealthy_pod),
        cmocka_unit_test(mutations_are_off_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
