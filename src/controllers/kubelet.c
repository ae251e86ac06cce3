/* The kubelets and the machines under them. Per node: the machine (powered, booted,
 * partitioned), the Lease, the node status loop (Ready, volumesInUse) and an image cache.
 * Per pod: the kubelet's pod worker, volume manager, image puller, prober and status
 * manager, reduced to the moments where they act. Upstream sources are
 * kubernetes/kubernetes unless a comment says otherwise.
 *
 * The kubelet keeps what it wants the API to show in each pod's `want` (the status
 * manager's cache) and writes it only while it can reach the API server; a partitioned
 * kubelet goes on running, killing and unmounting locally and posts the result when it
 * reconnects. A crash forgets everything but the image cache (images are on disk).
 *
 * Every pod event carries the pod's generation, bumped whenever the pod's local work is
 * reset (kill, container exit, crash); every node event the node's generation, bumped at
 * power-off. Handlers drop events whose generation is stale. */
#include "controllers/kubelet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "engine/simtime.h"
#include "util/util.h"

/* pkg/util/goroutinemap/exponentialbackoff: initialDurationBeforeRetry and
 * maxDurationBeforeRetry of failed volume operations (VerifyControllerAttachedVolume). */
#define VOL_BACKOFF_INITIAL MSEC(500)
#define VOL_BACKOFF_MAX (SEC(122))
/* pkg/kubelet/volumemanager/volume_manager.go: podAttachAndMountRetryInterval and
 * podAttachAndMountTimeout of WaitForAttachAndMount. */
#define MOUNT_POLL MSEC(300)
#define MOUNT_TIMEOUT (SEC(123))
/* pkg/kubelet/kubelet.go backOffPeriod: the pod worker's retry after a failed sync; it is
 * jittered by workerBackOffPeriodJitterFactor (pkg/kubelet/pod_workers.go). */
#define WORKER_BACKOFF SEC(10)
#define WORKER_JITTER 0.5
/* pod_workers.go calculateEffectiveGracePeriod: "we always supply a grace period of 1". */
#define MIN_GRACE SEC(1)
/* staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go
 * backoffEnsureLease: the sleep starts at 100 ms and doubles before each wait, up to
 * maxBackoff. */
#define LEASE_RETRY_FIRST MSEC(200)
#define LEASE_RETRY_MAX SEC(7)
/* pkg/kubelet/status/status_manager.go syncPeriod: syncBatch retries failed updates. */
#define STATUS_BATCH_PERIOD SEC(10)
/* client-go util/flowcontrol/backoff.go hasExpired: a container that ran this long starts
 * its back-off afresh. A flat 10 min since v1.32 (k/k #128356); 2 x max before. */
#define CRASHLOOP_STABLE SEC(600)
/* pkg/apis/scheduling SystemCriticalPriority: the critical group of graceful shutdown. */
#define SYSTEM_CRITICAL_PRIORITY 2000000000

/* kpods per chunk: 24 KiB, which a small run zeroes and frees once per replication (at
 * 1,024 a chunk, zeroing it was 5% of 10,000 replications of node-loss). */
#define KP_CHUNK 128u

enum kl_event {
    EV_POD_SYNC,       /* a pod: the pod worker sees an API change */
    EV_VERIFY,         /* a pod, b gen, c claim: VerifyControllerAttachedVolume retry */
    EV_MOUNTED,        /* a pod, b gen, c claim: MountVolume finished */
    EV_MOUNT_POLL,     /* a pod, b gen: WaitForAttachAndMount sees every volume mounted */
    EV_MOUNT_TIMEOUT,  /* a pod, b gen: WaitForAttachAndMount gave up */
    EV_SYNC_RETRY,     /* a pod, b gen: the pod worker retries SyncPod */
    EV_PULLED,         /* a pod, b gen, c container: image pulled */
    EV_PULL_WAIT,      /* a pod, b gen: another pod's pull of the same image is done */
    EV_STARTED,        /* a pod, b gen: containers running */
    EV_READY,          /* a pod, b gen: readiness probes passed */
    EV_BACKOFF_RETRY,  /* a pod, b gen: the pod worker requeues a pod in back-off */
    EV_EXITED,         /* a pod, b gen: containers exited after SIGTERM or SIGKILL */
    EV_UNMOUNTED,      /* a pod, b gen, c claim: TearDown finished */
    /* Node events from here on (kubelet_prefetch). */
    EV_NODE_STATUS,    /* a node, b node gen: syncNodeStatus tick */
    EV_STATUS_BATCH,   /* a node, b node gen: status manager syncBatch after a reconnect */
    EV_BOOTED,         /* a node, b node gen: boot done, kubelet starts */
    EV_SHUTDOWN_TIMER, /* a node, b node gen, c group: a shutdown group's period ran out */
};

/* Where a pod is in its life on this kubelet (struct kpod's state). */
enum kp_state {
    KP_NONE,       /* not known to this kubelet */
    KP_VOLUMES,    /* ContainerCreating: volumes attaching and mounting */
    KP_PULLING,    /* pulling images */
    KP_STARTING,   /* containers being created */
    KP_RUNNING,    /* containers running */
    KP_BACKOFF,    /* container exited; waiting to restart (CrashLoopBackOff) */
    KP_KILLING,    /* SIGTERM sent, waiting for the exit */
    KP_UNMOUNTING, /* containers gone, volumes being torn down */
    KP_DONE,       /* nothing left on the machine */
};

/* 32 bytes: a pod's claims sit inside its kpod (see struct kpod). */
struct kp_claim {
    uint32_t pvc;      /* the pod's claim, NONE_ID until it exists */
    uint32_t pv;       /* its volume in the desired state of world, NONE_ID until bound */
    uint32_t seen_pvc; /* the claim whose data the container gets (MUT_STS_WRONG_CLAIM) */
    bool reported : 1; /* desired state of world reportedInUse */
    bool mounting : 1, mounted : 1;
    bool lost_told : 1;    /* FailedMount for a lost volume emitted */
    bool retry_queued : 1; /* an EV_VERIFY is pending */
    int64_t backoff;       /* durationBeforeRetry of the last failed verify, 0 if none */
    int64_t retry_at;
};

/* What the status manager wants the API to show. */
struct kp_want {
    const char *reason;
    uint32_t restarts;
    uint8_t phase; /* enum pod_phase, in a byte to keep struct kpod small */
    bool ready : 1, running : 1, disruption : 1;
    bool del : 1; /* the final DELETE with grace 0 */
};

/* Claims kept inside the kpod; a pod with more has them in a malloc'd array. A
 * StatefulSet pod rarely has more than two volumeClaimTemplates. */
#define KP_INLINE_CLAIMS 2

/* The kubelet's view of one pod, from admission to the final delete.
 *
 * Laid out for the loops over a node's pods (in_use_set, node_status_stale,
 * node_post_status) and for pod_event_valid, which run for every pod of a node or every
 * event: what they read comes first, with the claims inline, so a pod with one claim
 * costs one cache line there. The struct is cache-line aligned (the chunks are allocated
 * aligned in kpod_at) and three lines long on LP64. */
struct kpod {
    _Alignas(64) uint8_t state; /* enum kp_state */
    int8_t sd_group;            /* shutdown group it was killed in, -1 if none */
    bool sync_queued;
    bool mount_wait; /* a WaitForAttachAndMount poll runs since sync_start */
    uint32_t gen;
    uint32_t node;    /* the tracking kubelet's node, NONE_ID when untracked */
    uint32_t nclaims;
    /* Cold, but here it fills the first line's slack and kubelet_free finds it there. */
    int64_t *wake; /* per container: a readiness worker's first probe not before this */
    union {                                    /* KP_CLAIMS picks the member */
        struct kp_claim inl[KP_INLINE_CLAIMS]; /* nclaims <= KP_INLINE_CLAIMS */
        struct kp_claim *heap;                 /* more: owned, malloc'd */
    } claims;
    /* Below: what only the pod's own events touch. */
    uint32_t slot; /* position in its node's list */
    uint32_t ncontainers;
    uint32_t next_image;
    uint32_t fail_starts;
    bool started_once : 1;     /* a container ran: the next start is a restart */
    bool restart_in_place : 1; /* it ran before the machine rebooted */
    bool api_gone : 1;         /* the object left the API: no more writes */
    bool delete_after : 1;     /* graceful delete: final DELETE once volumes are unmounted */
    bool shutdown_kill : 1;    /* killed by graceful node shutdown */
    bool vol_lost : 1;         /* a mounted volume vanished: every start fails */
    bool probers : 1;          /* probeManager.AddPod done */
    bool backoff_told : 1;
    bool killed_at_grace : 1;
    uint64_t mount_timeout_ev; /* WaitForAttachAndMount's timeout, QUEUE_NO_EVENT if none */
    int64_t sync_start;
    int64_t started_at, exit_at, crashed_at;
    int64_t backoff, backoff_update; /* the CrashLoopBackOff entry; 0 when none */
    int64_t fail_until;
    struct kp_want want;
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct kpod) == 192,
               "struct kpod grew past three cache lines");

/* The claims of a kpod (const when the kpod is). */
#define KP_CLAIMS(kp) ((kp)->nclaims <= KP_INLINE_CLAIMS ? (kp)->claims.inl : (kp)->claims.heap)

struct kimage {
    const char *name;
    int64_t ready_at; /* pulled from then on */
};

struct knode {
    bool powered, running, partitioned, shutting_down;
    bool posting;    /* inside node_post_status */
    bool vol_synced; /* the volume manager has synced its states since the kubelet started */
    uint32_t gen;
    int64_t kubelet_start;
    int64_t status_phase, batch_phase;
    uint64_t status_ev, batch_ev, shutdown_ev;
    int64_t lease_fail_from; /* first failed renewal while cut off, TIME_NEVER if none */
    uint32_t *pods;          /* local pods, unordered */
    uint32_t npods;
    size_t pods_cap;
    struct kimage *images;
    uint32_t nimages;
    size_t images_cap;
    int64_t pull_free_at; /* serializeImagePulls: the puller is busy until then */
    int shutdown_group;   /* group being killed, -1 before the first */
    uint32_t shutdown_left;
    bool shutdown_setup;
};

struct kubelets {
    struct knode *nodes;
    uint32_t nnodes;
    struct kpod **chunks; /* pod state in chunks, so pointers stay valid as pods come */
    uint32_t nchunks;
    int minor;              /* Kubernetes minor version of the scenario */
    int64_t status_period;  /* nodeStatusUpdateFrequency */
    bool started;
    uint32_t *scratch;
    size_t scratch_cap;
};

static struct kpod *kpod_at(struct kubelets *k, uint32_t id)
{
    uint32_t c = id / KP_CHUNK;
    if (c >= k->nchunks) {
        uint32_t n = k->nchunks ? k->nchunks : 4;
        while (n <= c)
            n *= 2;
        k->chunks = xrealloc(k->chunks, n * sizeof *k->chunks);
        memset(k->chunks + k->nchunks, 0, (n - k->nchunks) * sizeof *k->chunks);
        k->nchunks = n;
    }
    if (k->chunks[c] == NULL) {
        /* Aligned as struct kpod asks: the hot part of a pod is then one cache line. */
        size_t size = KP_CHUNK * sizeof **k->chunks;
        struct kpod *chunk = aligned_alloc(_Alignof(struct kpod), size);
        if (chunk == NULL) {
            fprintf(stderr, "sssim: out of memory allocating %zu bytes\n", size);
            abort();
        }
        memset(chunk, 0, size);
        for (uint32_t i = 0; i < KP_CHUNK; i++)
            chunk[i].node = NONE_ID;
        k->chunks[c] = chunk;
    }
    return &k->chunks[c][id % KP_CHUNK];
}

/* What the event's handler reads first (see sim_run): the node, or the pod's kpod and
 * its object. Reads nothing but the chunk table. */
void kubelet_prefetch(const struct sim *sim, const struct event *ev)
{
    const struct kubelets *k = sim->kubelets;
    if (ev->kind >= EV_NODE_STATUS) {
        if (ev->a < k->nnodes)
            PREFETCH(&k->nodes[ev->a]);
        return;
    }
    uint32_t c = ev->a / KP_CHUNK;
    if (c < k->nchunks && k->chunks[c] != NULL)
        PREFETCH(&k->chunks[c][ev->a % KP_CHUNK]);
    if (ev->a < sim->store->npods)
        PREFETCH(&sim->store->pods[ev->a]);
}

static struct kpod *kp_of(struct sim *sim, uint32_t id)
{
    return kpod_at(sim->kubelets, id);
}

static bool node_connected(const struct knode *kn)
{
    return kn->running && !kn->partitioned;
}

/* "1.34" -> 34; the scenario default when absent or unreadable. */
static int k8s_minor(const char *v)
{
    if (v == NULL)
        return 34;
    if (*v == 'v')
        v++;
    if (strncmp(v, "1.", 2) != 0)
        return 34;
    char *end;
    long m = strtol(v + 2, &end, 10);
    return end == v + 2 ? 34 : (int)m;
}

/* wait.Jitter(d, maxFactor): d plus up to maxFactor * d. */
static int64_t jitter(struct sim *sim, int64_t d, double factor)
{
    return d + (int64_t)(gsl_rng_uniform(sim->rng.streams[RNG_MISC]) * factor * (double)d);
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static void emit_pod(struct sim *sim, enum change_reason r, uint32_t id, uint32_t node,
                     uint32_t a, int64_t b, const char *text)
{
    store_emit(sim->store, r, KIND_POD, id, node, a, b,
               store_wants_text(sim->store) ? text : NULL);
}

static void emit_node(struct sim *sim, enum change_reason r, uint32_t node, int64_t b)
{
    store_emit(sim->store, r, KIND_NODE, node, node, 0, b, NULL);
}

static uint32_t *copy_ids(const uint32_t *ids, uint32_t n)
{
    uint32_t *out = xmalloc((n ? n : 1) * sizeof *out);
    if (n)
        memcpy(out, ids, n * sizeof *out);
    return out;
}

static void node_status_kick(struct sim *sim, uint32_t node, bool after_now);
static void try_mounts(struct sim *sim, uint32_t id);
static void pod_kill(struct sim *sim, uint32_t id, int64_t grace, bool api_delete,
                     bool shutdown);
static void shutdown_pod_done(struct sim *sim, uint32_t node, int group);
static void start_container(struct sim *sim, uint32_t id);

/* --- Tracking ---------------------------------------------------------------------- */

static void kp_free_claims(struct kpod *kp)
{
    if (kp->nclaims > KP_INLINE_CLAIMS)
        free(kp->claims.heap);
    kp->nclaims = 0;
}

/* volume_manager.go WaitForAttachAndMount ends (wait.PollUntilContextTimeout returns):
 * the volumes are mounted, or the pod worker gave up on the pod (kill, delete, the
 * machine going down). Its timeout goes with it rather than firing later as a no-op. */
static void mount_wait_end(struct sim *sim, struct kpod *kp)
{
    kp->mount_wait = false;
    sim_cancel(sim, kp->mount_timeout_ev);
    kp->mount_timeout_ev = QUEUE_NO_EVENT;
}

static void pod_track(struct sim *sim, uint32_t id, uint32_t node)
{
    struct kubelets *k = sim->kubelets;
    struct knode *kn = &k->nodes[node];
    const struct store *st = sim->store;
    const struct pod *p = &st->pods[id];
    struct kpod *kp = kp_of(sim, id);
    uint32_t gen = kp->gen + 1;
    bool queued = kp->sync_queued;
    /* pod_forget let go of the claims, wake and the timeout of an earlier stay. */
    memset(kp, 0, sizeof *kp);
    kp->gen = gen;
    kp->sync_queued = queued;
    kp->node = node;
    kp->sd_group = -1;
    kp->slot = kn->npods;
    VEC_PUSH(kn->pods, kn->npods, kn->pods_cap, id);
    kp->nclaims = st->sets[p->sts].spec->nclaims;
    if (kp->nclaims > KP_INLINE_CLAIMS)
        kp->claims.heap = xcalloc(kp->nclaims, sizeof *kp->claims.heap);
    struct kp_claim *claims = KP_CLAIMS(kp);
    for (uint32_t t = 0; t < kp->nclaims; t++)
        claims[t].pvc = claims[t].pv = claims[t].seen_pvc = NONE_ID;
    kp->want = (struct kp_want){
        .phase = p->phase,
        .reason = p->reason,
        .ready = p->ready,
        .running = p->containers_running,
        .disruption = p->disruption_target,
        .restarts = p->restarts,
    };
}

/* Drop the kubelet's state of a pod. Callers refresh the node status if they need to. */
static void pod_forget(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    if (kp->node == NONE_ID)
        return;
    struct knode *kn = &sim->kubelets->nodes[kp->node];
    uint32_t last = kn->pods[--kn->npods];
    kn->pods[kp->slot] = last;
    kp_of(sim, last)->slot = kp->slot;
    mount_wait_end(sim, kp);
    kp_free_claims(kp);
    free(kp->wake);
    kp->wake = NULL;
    kp->ncontainers = 0;
    kp->node = NONE_ID;
    kp->state = KP_NONE;
    kp->gen++;
}

/* --- Status manager ------------------------------------------------------------------ */

/* pkg/kubelet/status/status_manager.go syncPod: write what differs from the cached
 * status, and the final DELETE once the pod's resources are reclaimed (canBeDeleted).
 * Nothing is written while the API server cannot be reached. */
static void pod_push(struct sim *sim, uint32_t id)
{
    struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    if (kp->node == NONE_ID || kp->api_gone || !node_connected(&sim->kubelets->nodes[kp->node]))
        return;
    const struct pod *p = &st->pods[id];
    if (p->gone)
        return;
    if (p->restarts != kp->want.restarts)
        store_pod_set_restarts(st, id, kp->want.restarts);
    if (p->containers_running != kp->want.running)
        store_pod_set_containers_running(st, id, kp->want.running);
    if (kp->want.disruption && !p->disruption_target)
        store_pod_set_disruption_target(st, id, "TerminationByKubelet");
    if (p->phase != kp->want.phase)
        store_pod_set_phase(st, id, kp->want.phase, kp->want.reason);
    if (kp->want.reason && (p->reason == NULL || strcmp(p->reason, kp->want.reason) != 0))
        store_pod_set_reason(st, id, kp->want.reason);
    if (p->ready != kp->want.ready)
        store_pod_set_ready(st, id, kp->want.ready);
    if (kp->want.del) {
        uint32_t node = kp->node;
        store_pod_delete(st, id, 0, false);
        pod_forget(sim, id);
        node_status_kick(sim, node, false);
    }
}

/* --- Node status: volumesInUse and Ready ------------------------------------------- */

static void node_want_ready(const struct knode *kn, enum cond *c, const char **reason)
{
    /* nodeshutdown_manager_linux.go: the shutdown manager makes the Ready setter report
     * NotReady ("node is shutting down"). */
    *c = kn->shutting_down ? COND_FALSE : COND_TRUE;
    *reason = kn->shutting_down ? "KubeletNotReady" : "KubeletReady";
}

static bool in_dsw(const struct kpod *kp)
{
    /* The desired state of world holds a pod until its containers are stopped
     * (desired_state_of_world_populator.go findAndRemoveDeletedPods). */
    return kp->state >= KP_VOLUMES && kp->state <= KP_KILLING;
}

/* volume_manager.go GetVolumesInUse: volumes of the desired state of world, plus the
 * volumes still mounted (actual state) until they are torn down. Fills k->scratch. */
static uint32_t in_use_set(struct sim *sim, uint32_t node)
{
    struct kubelets *k = sim->kubelets;
    struct knode *kn = &k->nodes[node];
    uint32_t n = 0;
    for (uint32_t i = 0; i < kn->npods; i++) {
        const struct kpod *kp = kp_of(sim, kn->pods[i]);
        const struct kp_claim *claims = KP_CLAIMS(kp);
        bool dsw = in_dsw(kp);
        for (uint32_t t = 0; t < kp->nclaims; t++) {
            const struct kp_claim *c = &claims[t];
            if (c->pv == NONE_ID || !(dsw || c->mounted || c->mounting))
                continue;
            bool dup = false;
            for (uint32_t j = 0; j < n && !dup; j++)
                dup = k->scratch[j] == c->pv;
            if (!dup)
                VEC_PUSH(k->scratch, n, k->scratch_cap, c->pv);
        }
    }
    return n;
}

/* Whether a status update now would change the Node. `volumes`: the update would post
 * volumesInUse (the volume manager has synced by then, see node_post_status); before that
 * the list is left as it was, stale or not. */
static bool node_status_stale(struct sim *sim, uint32_t node, bool volumes)
{
    struct kubelets *k = sim->kubelets;
    struct knode *kn = &k->nodes[node];
    const struct node *n = &sim->store->nodes[node];
    if (!n->exists)
        return false;
    enum cond c;
    const char *reason;
    node_want_ready(kn, &c, &reason);
    if (n->ready != c || strcmp(n->ready_reason, reason) != 0)
        return true;
    if (volumes) {
        uint32_t cnt = in_use_set(sim, node);
        if (cnt != n->nvolumes_in_use)
            return true;
        for (uint32_t i = 0; i < cnt; i++)
            if (!node_volume_in_use(n, k->scratch[i]))
                return true;
    }
    /* A volume new in the desired state is reportedInUse only at a status update after
     * it was added, even when the node already lists it. */
    for (uint32_t i = 0; i < kn->npods; i++) {
        const struct kpod *kp = kp_of(sim, kn->pods[i]);
        if (!in_dsw(kp))
            continue;
        const struct kp_claim *claims = KP_CLAIMS(kp);
        for (uint32_t t = 0; t < kp->nclaims; t++)
            if (claims[t].pv != NONE_ID && !claims[t].reported)
                return true;
    }
    return false;
}

/* The status loop runs every nodeStatusUpdateFrequency on its grid; sssim only schedules
 * the ticks where the kubelet has something to post or to learn (internals.md). */
static void node_status_kick(struct sim *sim, uint32_t node, bool after_now)
{
    struct kubelets *k = sim->kubelets;
    struct knode *kn = &k->nodes[node];
    if (!node_connected(kn) || kn->posting || kn->status_ev != QUEUE_NO_EVENT)
        return;
    int64_t t = grid_next(sim->now + (after_now ? 1 : 0), kn->status_phase, k->status_period);
    /* A tick after the kubelet's start posts volumesInUse: after a reboot, the list the
     * Node kept from before the crash is corrected there (setters.go VolumesInUse). */
    if (!node_status_stale(sim, node, kn->vol_synced || t > kn->kubelet_start))
        return;
    kn->status_ev = sim_at(sim, t, MOD_KUBELET, EV_NODE_STATUS, node, kn->gen, 0);
}

/* kubelet_node_status.go syncNodeStatus / tryUpdateNodeStatus: post volumesInUse and
 * Ready, then markVolumesFromNode (the reconciler may now mount what was reported). */
static void node_post_status(struct sim *sim, uint32_t node)
{
    struct kubelets *k = sim->kubelets;
    struct store *st = sim->store;
    struct knode *kn = &k->nodes[node];
    const struct node *n = &st->nodes[node];
    if (!node_connected(kn) || !n->exists)
        return;
    kn->posting = true;
    /* kubelet_node_status.go setters.VolumesInUse: the list is left as it is until
     * ReconcilerStatesHasBeenSynced, which comes after the pods are admitted; the first
     * update after a start is sssim's cue. */
    if (!kn->vol_synced && sim->now > kn->kubelet_start)
        kn->vol_synced = true;
    if (kn->vol_synced) {
        uint32_t cnt = in_use_set(sim, node);
        store_node_set_volumes_in_use(st, node, k->scratch, cnt);
    }
    for (uint32_t i = 0; i < kn->npods; i++) {
        struct kpod *kp = kp_of(sim, kn->pods[i]);
        if (!in_dsw(kp))
            continue;
        struct kp_claim *claims = KP_CLAIMS(kp);
        for (uint32_t t = 0; t < kp->nclaims; t++)
            if (claims[t].pv != NONE_ID)
                claims[t].reported = node_volume_in_use(n, claims[t].pv);
    }
    enum cond c;
    const char *reason;
    node_want_ready(kn, &c, &reason);
    store_node_set_ready(st, node, c, reason);
    kn->posting = false;
    for (uint32_t i = 0; i < kn->npods; i++)
        if (kp_of(sim, kn->pods[i])->state == KP_VOLUMES)
            try_mounts(sim, kn->pods[i]);
}

/* --- Volumes ------------------------------------------------------------------------ */

static void pod_resolve_claims(struct sim *sim, uint32_t id)
{
    const struct store *st = sim->store;
    const struct pod *p = &st->pods[id];
    struct kpod *kp = kp_of(sim, id);
    for (uint32_t t = 0; t < kp->nclaims; t++) {
        struct kp_claim *c = &KP_CLAIMS(kp)[t];
        if (c->pv != NONE_ID)
            continue;
        /* desired_state_of_world_populator.go: an unbound claim keeps the pod out of the
         * desired state until it is bound. */
        uint32_t pvc = store_sts_claim(st, p->sts, t, p->ordinal);
        if (pvc == NONE_ID || st->pvcs[pvc].pv == NONE_ID)
            continue;
        c->pvc = pvc;
        c->pv = st->pvcs[pvc].pv;
        c->reported = false;
        c->seen_pvc = pvc;
        /* Test-only mutation: the container of ordinal 0 gets the data of ordinal 1. */
        if (sim_mutated(sim, MUT_STS_WRONG_CLAIM) && p->ordinal == 0) {
            uint32_t other = store_sts_claim(st, p->sts, t, 1);
            if (other != NONE_ID)
                c->seen_pvc = other;
        }
    }
}

static bool pv_attached(const struct node *n, uint32_t pv)
{
    for (uint32_t i = 0; i < n->nvolumes_attached; i++)
        if (n->volumes_attached[i] == pv)
            return true;
    return false;
}

static bool all_mounted(const struct kpod *kp)
{
    for (uint32_t t = 0; t < kp->nclaims; t++)
        if (!KP_CLAIMS(kp)[t].mounted)
            return false;
    return true;
}

static void pod_proceed(struct sim *sim, uint32_t id);

/* WaitForAttachAndMount polls every podAttachAndMountRetryInterval from the start of
 * SyncPod; the pod goes on at the first poll that sees every volume mounted. */
static void mounts_complete(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    if (!kp->mount_wait)
        return; /* between two SyncPod attempts: the next one sees it */
    int64_t t = grid_next(sim->now, kp->sync_start, MOUNT_POLL);
    if (t > kp->sync_start + MOUNT_TIMEOUT)
        return;
    if (t == sim->now)
        pod_proceed(sim, id);
    else
        sim_at(sim, t, MOD_KUBELET, EV_MOUNT_POLL, id, kp->gen, 0);
}

static void mount_wait_begin(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    mount_wait_end(sim, kp); /* none runs: admission, or the retry after a timeout */
    kp->mount_wait = true;
    kp->sync_start = sim->now;
    kp->mount_timeout_ev =
        sim_after(sim, MOUNT_TIMEOUT, MOD_KUBELET, EV_MOUNT_TIMEOUT, id, kp->gen, 0);
}

/* volumemanager/reconciler/reconciler_common.go mountOrAttachVolumes: for each volume of
 * the pod not mounted yet, waitForVolumeAttach returns at once while the volume is not
 * reportedInUse (no back-off); then VerifyControllerAttachedVolume (operation_generator.go)
 * GETs the Node and looks for the volume in status.volumesAttached, failing with an
 * exponential back-off per volume until it is there; then MountVolume. */
static void try_mounts(struct sim *sim, uint32_t id)
{
    struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    if (kp->state != KP_VOLUMES)
        return;
    struct knode *kn = &sim->kubelets->nodes[kp->node];
    const struct node *n = &st->nodes[kp->node];
    bool all = true;
    for (uint32_t t = 0; t < kp->nclaims; t++) {
        struct kp_claim *c = &KP_CLAIMS(kp)[t];
        if (c->mounted)
            continue;
        all = false;
        if (c->mounting || c->retry_queued || c->pv == NONE_ID || !c->reported)
            continue;
        if (st->pvs[c->pv].lost) {
            if (!c->lost_told)
                emit_pod(sim, CH_POD_FAILED_MOUNT, id, kp->node, c->pvc, 1,
                         "MountVolume.SetUp failed: the volume is gone");
            c->lost_told = true;
            continue;
        }
        if (sim->now < c->retry_at) {
            c->retry_queued = true;
            sim_at(sim, c->retry_at, MOD_KUBELET, EV_VERIFY, id, kp->gen, t);
            continue;
        }
        if (node_connected(kn) && pv_attached(n, c->pv)) {
            c->backoff = 0;
            c->mounting = true;
            sim_after(sim, sim_sample(sim, &sim->scn->timings.mount, RNG_MOUNT), MOD_KUBELET,
                      EV_MOUNTED, id, kp->gen, t);
        } else {
            /* "Volume not attached according to node status", or the GET failed. */
            c->backoff = c->backoff ? min64(2 * c->backoff, VOL_BACKOFF_MAX) : VOL_BACKOFF_INITIAL;
            c->retry_at = sim->now + c->backoff;
            c->retry_queued = true;
            sim_at(sim, c->retry_at, MOD_KUBELET, EV_VERIFY, id, kp->gen, t);
        }
    }
    if (all)
        mounts_complete(sim, id);
}

static void on_mounted(struct sim *sim, uint32_t id, uint32_t t)
{
    struct kpod *kp = kp_of(sim, id);
    struct kp_claim *c = &KP_CLAIMS(kp)[t];
    c->mounting = false;
    if (sim->store->pvs[c->pv].lost) {
        if (!c->lost_told)
            emit_pod(sim, CH_POD_FAILED_MOUNT, id, kp->node, c->pvc, 1,
                     "MountVolume.SetUp failed: the volume is gone");
        c->lost_told = true;
        return;
    }
    c->mounted = true;
    /* a: the claim whose data the container sees; b: the volume. */
    emit_pod(sim, CH_POD_MOUNTED, id, kp->node, c->seen_pvc, c->pv, "MountVolume.SetUp succeeded");
    if (all_mounted(kp))
        mounts_complete(sim, id);
}

static void start_unmount(struct sim *sim, uint32_t id);

/* kubelet.go SyncTerminatedPod waits for the volumes to be torn down; the status manager
 * then sends the final DELETE (status_manager.go canBeDeleted). */
static void unmount_done(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    uint32_t node = kp->node;
    int group = kp->sd_group;
    bool shutdown = kp->shutdown_kill;
    kp->state = KP_DONE;
    if (kp->api_gone) {
        pod_forget(sim, id);
    } else if (kp->delete_after) {
        kp->want.del = true;
        pod_push(sim, id);
    }
    node_status_kick(sim, node, false);
    if (shutdown)
        shutdown_pod_done(sim, node, group);
}

static void start_unmount(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    kp->state = KP_UNMOUNTING;
    bool any = false;
    for (uint32_t t = 0; t < kp->nclaims; t++) {
        struct kp_claim *c = &KP_CLAIMS(kp)[t];
        /* A mount cut short by the kill is torn down like a finished one. */
        if (!c->mounted && !c->mounting)
            continue;
        any = true;
        sim_after(sim, sim_sample(sim, &sim->scn->timings.unmount, RNG_MOUNT), MOD_KUBELET,
                  EV_UNMOUNTED, id, kp->gen, t);
    }
    node_status_kick(sim, kp->node, false);
    if (!any)
        unmount_done(sim, id);
}

static void on_unmounted(struct sim *sim, uint32_t id, uint32_t t)
{
    struct kpod *kp = kp_of(sim, id);
    struct kp_claim *claims = KP_CLAIMS(kp);
    struct kp_claim *c = &claims[t];
    c->mounted = c->mounting = false;
    emit_pod(sim, CH_POD_UNMOUNTED, id, kp->node, c->seen_pvc, c->pv, NULL);
    for (uint32_t i = 0; i < kp->nclaims; i++)
        if (claims[i].mounted || claims[i].mounting)
            return;
    unmount_done(sim, id);
}

/* --- Images and containers ---------------------------------------------------------- */

static struct kimage *image_find(struct knode *kn, const char *name)
{
    for (uint32_t i = 0; i < kn->nimages; i++)
        if (strcmp(kn->images[i].name, name) == 0)
            return &kn->images[i];
    return NULL;
}

/* kuberuntime_container.go startContainer -> images.EnsureImageExists: pull what the node
 * lacks. serializeImagePulls (default true) makes the node's pulls one at a time
 * (images/puller.go serialImagePuller); a pod wanting an image another pod is pulling
 * waits for that pull. imagePullPolicy is not modelled (IfNotPresent). */
static void pull_next(struct sim *sim, uint32_t id)
{
    const struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    struct knode *kn = &sim->kubelets->nodes[kp->node];
    const struct scn_pod_template *spec = store_pod_spec(st, &st->pods[id]);
    for (; kp->next_image < spec->ncontainers; kp->next_image++) {
        const char *img = spec->containers[kp->next_image].image;
        if (img == NULL)
            continue;
        struct kimage *e = image_find(kn, img);
        if (e && e->ready_at <= sim->now)
            continue;
        if (e) {
            sim_at(sim, e->ready_at, MOD_KUBELET, EV_PULL_WAIT, id, kp->gen, 0);
            return;
        }
        emit_pod(sim, CH_POD_PULLING, id, kp->node, kp->next_image, 0, img);
        int64_t start = max64(sim->now, kn->pull_free_at);
        int64_t done = start + sim_sample(sim, &sim->scn->timings.image_pull, RNG_IMAGE);
        kn->pull_free_at = done;
        struct kimage ni = {.name = img, .ready_at = done};
        VEC_PUSH(kn->images, kn->nimages, kn->images_cap, ni);
        sim_at(sim, done, MOD_KUBELET, EV_PULLED, id, kp->gen, kp->next_image);
        return;
    }
    start_container(sim, id);
}

static void start_container(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    kp->state = KP_STARTING;
    sim_after(sim, sim_sample(sim, &sim->scn->timings.container_start, RNG_START), MOD_KUBELET,
              EV_STARTED, id, kp->gen, 0);
}

/* After WaitForAttachAndMount: kubelet.go SyncPod calls probeManager.AddPod, then the
 * runtime's SyncPod pulls and starts. */
static void pod_proceed(struct sim *sim, uint32_t id)
{
    const struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    struct knode *kn = &sim->kubelets->nodes[kp->node];
    kp->state = KP_PULLING;
    mount_wait_end(sim, kp);
    if (!kp->probers) {
        /* prober/worker.go run: a worker created within one period of the kubelet's start
         * first sleeps a random part of the period. */
        const struct scn_pod_template *spec = store_pod_spec(st, &st->pods[id]);
        kp->probers = true;
        kp->ncontainers = spec->ncontainers;
        kp->wake = xcalloc(spec->ncontainers ? spec->ncontainers : 1, sizeof *kp->wake);
        for (uint32_t i = 0; i < spec->ncontainers; i++) {
            const struct probe *pr = &spec->containers[i].readiness;
            kp->wake[i] = sim->now;
            int64_t period = pr->period_ns > 0 ? pr->period_ns : SEC(10);
            if (pr->present && sim->now - kn->kubelet_start < period)
                kp->wake[i] += sim_phase(sim, period);
        }
    }
    kp->next_image = 0;
    pull_next(sim, id);
}

/* prober/worker.go and prober_manager.go. The worker probes at once and then on its
 * ticker; the status update that first shows the container running triggers a probe at
 * once (UpdatePodStatus -> manualTriggerCh) and resets the ticker, so probes fall at
 * start + k * periodSeconds (a worker still in its start-up sleep probes when it wakes).
 * doProbe skips while int(seconds since StartedAt) < initialDelaySeconds; the app
 * answers after timings.appStartup; Ready after successThreshold successes in a row.
 * The PLEG relist delay (up to 1 s) before that status update is not modelled. */
static int64_t ready_time(struct sim *sim, uint32_t id)
{
    const struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    const struct scn_pod_template *spec = store_pod_spec(st, &st->pods[id]);
    int64_t s = kp->started_at;
    int64_t ready = s;
    bool sampled = false;
    int64_t app = 0;
    for (uint32_t i = 0; i < spec->ncontainers; i++) {
        const struct probe *pr = &spec->containers[i].readiness;
        if (!pr->present)
            continue; /* UpdatePodStatus: no readinessProbe -> always ready */
        if (!sampled) {
            app = sim_sample(sim, &sim->scn->timings.app_startup, RNG_APP);
            sampled = true;
        }
        int64_t period = pr->period_ns > 0 ? pr->period_ns : SEC(10);
        int64_t first = s;
        if (kp->wake && i < kp->ncontainers)
            first = max64(s, kp->wake[i]);
        int64_t target = s + max64(pr->initial_delay_ns, app);
        int64_t k0 = first >= target ? 0 : (target - first + period - 1) / period;
        int64_t succ = pr->success_threshold > 0 ? pr->success_threshold : 1;
        ready = max64(ready, first + (k0 + succ - 1) * period);
    }
    return ready;
}

static bool fail_on_start(struct sim *sim, struct kpod *kp)
{
    if (kp->vol_lost || sim->now < kp->fail_until)
        return true;
    if (kp->fail_starts > 0) {
        kp->fail_starts--;
        return true;
    }
    return false;
}

static void container_died(struct sim *sim, uint32_t id);

static void container_started(struct sim *sim, uint32_t id)
{
    struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    kp->state = KP_RUNNING;
    kp->started_at = sim->now;
    /* kubelet_pods.go convertToAPIContainerStatuses: a container that replaces an exited
     * one (or one lost with the machine) counts a restart. */
    if (kp->started_once || kp->restart_in_place)
        kp->want.restarts++;
    kp->started_once = true;
    kp->restart_in_place = false;
    store_pod_runtime(st, id, kp->node, true);
    kp->want.running = true;
    kp->want.phase = PHASE_RUNNING;
    kp->want.reason = "Running";
    kp->want.ready = false;
    pod_push(sim, id);
    emit_pod(sim, CH_POD_STARTED, id, kp->node, kp->want.restarts, 0, "Started container");
    if (fail_on_start(sim, kp)) {
        container_died(sim, id);
        return;
    }
    int64_t t = ready_time(sim, id);
    if (t <= sim->now) {
        kp->want.ready = true;
        pod_push(sim, id);
    } else {
        sim_at(sim, t, MOD_KUBELET, EV_READY, id, kp->gen, 0);
    }
}

/* kuberuntime_manager.go doBackOff with the kubelet's flowcontrol.Backoff
 * (client-go util/flowcontrol/backoff.go): IsInBackOffSince(finishedAt) holds off the
 * restart while now - finishedAt < the entry's backoff; otherwise Next() (initial, then
 * doubling to the cap; afresh once hasExpired) and the container starts again. */
static void crashloop_decide(struct sim *sim, uint32_t id)
{
    const struct scn_kubernetes *k8s = &sim->scn->k8s;
    struct kubelets *k = sim->kubelets;
    struct kpod *kp = kp_of(sim, id);
    int64_t max = k8s->crashloop_max_ns > 0 ? k8s->crashloop_max_ns : SEC(300);
    /* KEP-4603: an initial delay above the configured maximum is lowered to it. */
    int64_t initial = k8s->crashloop_initial_ns > 0 ? k8s->crashloop_initial_ns : SEC(10);
    initial = min64(initial, max);
    int64_t stable = k->minor >= 32 ? CRASHLOOP_STABLE : 2 * max;
    bool expired = kp->crashed_at - kp->backoff_update > stable;
    if (kp->backoff > 0 && !expired && sim->now - kp->crashed_at < kp->backoff) {
        if (!kp->backoff_told) {
            kp->backoff_told = true;
            emit_pod(sim, CH_POD_BACK_OFF, id, kp->node, 0, kp->backoff,
                     "Back-off restarting failed container");
            kp->want.reason = "CrashLoopBackOff";
            pod_push(sim, id);
        }
        /* pod_workers.go completeWork requeues the pod: since v1.35 (k/k #133066) at the
         * back-off's expiry, jittered; before, after the jittered backOffPeriod. */
        int64_t wait = k->minor >= 35 ? kp->crashed_at + kp->backoff - sim->now : WORKER_BACKOFF;
        sim_after(sim, jitter(sim, wait, WORKER_JITTER), MOD_KUBELET, EV_BACKOFF_RETRY, id,
                  kp->gen, 0);
        return;
    }
    if (kp->backoff == 0 || expired)
        kp->backoff = initial;
    else
        kp->backoff = min64(2 * kp->backoff, max);
    kp->backoff_update = sim->now;
    kp->backoff_told = false;
    start_container(sim, id);
}

/* The container exited on its own (crash, volume gone): restartPolicy Always. */
static void container_died(struct sim *sim, uint32_t id)
{
    struct kpod *kp = kp_of(sim, id);
    kp->gen++;
    kp->state = KP_BACKOFF;
    kp->crashed_at = sim->now;
    store_pod_runtime(sim->store, id, kp->node, false);
    kp->want.running = false;
    kp->want.ready = false;
    kp->want.reason = "Error";
    pod_push(sim, id);
    crashloop_decide(sim, id);
}

/* --- Termination --------------------------------------------------------------------- */

static void containers_stopped(struct sim *sim, uint32_t id)
{
    struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    const struct pod *p = &st->pods[id];
    bool ran = kp->state == KP_KILLING;
    if (p->runtime_live && p->runtime_node == kp->node)
        store_pod_runtime(st, id, kp->node, false);
    kp->want.running = false;
    kp->want.ready = false;
    if (ran)
        kp->want.reason = kp->killed_at_grace ? "Error" : "Completed";
    if (kp->shutdown_kill) {
        /* nodeshutdown_manager_linux.go processShutdownEvent: phase Failed, reason
         * "Terminated"; status_manager.go mergePodStatus holds a terminal phase back until
         * no container can be running. */
        kp->want.phase = PHASE_FAILED;
        kp->want.reason = "Terminated";
    }
    pod_push(sim, id);
    start_unmount(sim, id);
}

/* pod_workers.go UpdatePod(SyncPodKill) -> kubelet.go SyncTerminatingPod -> killPod ->
 * kuberuntime_container.go killContainer: SIGTERM, SIGKILL when the grace runs out. The
 * grace is calculateEffectiveGracePeriod's: the smaller of what was asked, at least 1 s. */
static void pod_kill(struct sim *sim, uint32_t id, int64_t grace, bool api_delete, bool shutdown)
{
    struct store *st = sim->store;
    struct kpod *kp = kp_of(sim, id);
    if (grace < MIN_GRACE)
        grace = MIN_GRACE;
    kp->delete_after |= api_delete;
    kp->shutdown_kill |= shutdown;
    if (shutdown)
        kp->want.disruption = true; /* DisruptionTarget, TerminationByKubelet */
    switch (kp->state) {
    case KP_KILLING:
        if (sim->now + grace < kp->exit_at) {
            kp->gen++;
            kp->exit_at = sim->now + grace;
            kp->killed_at_grace = true;
            sim_at(sim, kp->exit_at, MOD_KUBELET, EV_EXITED, id, kp->gen, 0);
        }
        pod_push(sim, id);
        return;
    case KP_UNMOUNTING:
        pod_push(sim, id);
        return;
    case KP_DONE:
        if (kp->delete_after)
            kp->want.del = true;
        pod_push(sim, id);
        return;
    default:
        break;
    }
    kp->gen++; /* whatever was starting stops here */
    mount_wait_end(sim, kp);
    kp->want.ready = false;
    pod_push(sim, id);
    const struct pod *p = &st->pods[id];
    if (kp->state == KP_RUNNING && p->runtime_live && p->runtime_node == kp->node) {
        emit_pod(sim, CH_POD_KILLING, id, kp->node, 0, grace, "Stopping container");
        int64_t app = sim_sample(sim, &sim->scn->timings.app_shutdown, RNG_SHUTDOWN);
        kp->killed_at_grace = app > grace;
        kp->exit_at = sim->now + min64(app, grace);
        kp->state = KP_KILLING;
        sim_at(sim, kp->exit_at, MOD_KUBELET, EV_EXITED, id, kp->gen, 0);
        return;
    }
    containers_stopped(sim, id);
}

/* --- Pod worker: admission and reconciliation with the API ---------------------------- */

static void pod_admit(struct sim *sim, uint32_t id, uint32_t node)
{
    const struct store *st = sim->store;
    const struct pod *p = &st->pods[id];
    struct knode *kn = &sim->kubelets->nodes[node];
    pod_track(sim, id, node);
    struct kpod *kp = kp_of(sim, id);
    if (kn->shutting_down) {
        /* nodeshutdown_manager_linux.go Admit: nodeShutdownNotAdmittedReason. */
        kp->state = KP_DONE;
        kp->want.phase = PHASE_FAILED;
        kp->want.reason = "NodeShutdown";
        pod_push(sim, id);
        return;
    }
    if (pod_terminating(p)) {
        /* Nothing of it runs here: never started, or the machine rebooted. After a reboot
         * the volumes reconstructed from the pod's directories are torn down first
         * (reconciler reconstruct.go), then the final DELETE. */
        kp->delete_after = true;
        kp->want.ready = false;
        kp->want.running = false;
        if (p->phase == PHASE_RUNNING) {
            pod_resolve_claims(sim, id);
            struct kp_claim *claims = KP_CLAIMS(kp);
            for (uint32_t t = 0; t < kp->nclaims; t++)
                claims[t].mounted = claims[t].pv != NONE_ID;
        }
        start_unmount(sim, id);
        return;
    }
    /* A pod that ran before a reboot keeps phase Running while its containers are
     * recreated (kubelet_pods.go getPhase: waiting with a last termination = stopped). */
    kp->restart_in_place = p->phase == PHASE_RUNNING;
    kp->state = KP_VOLUMES;
    kp->want.reason = "ContainerCreating";
    kp->want.ready = false;
    kp->want.running = false;
    pod_push(sim, id);
    pod_resolve_claims(sim, id);
    mount_wait_begin(sim, id);
    node_status_kick(sim, node, false);
    try_mounts(sim, id);
}

/* What the pod worker does when the kubelet sees the pod's latest API state. */
static void pod_sync(struct sim *sim, uint32_t id)
{
    const struct store *st = sim->store;
    struct kubelets *k = sim->kubelets;
    const struct pod *p = &st->pods[id];
    struct kpod *kp = kp_of(sim, id);
    if (kp->node != NONE_ID) {
        uint32_t node = kp->node;
        if (!node_connected(&k->nodes[node]))
            return;
        if (p->gone) {
            /* kubelet.go HandlePodRemoves: the containers are killed without API writes;
             * the deleted object carries deletionGracePeriodSeconds 0, so
             * calculateEffectiveGracePeriod falls back to the pod's own grace. */
            kp->api_gone = true;
            if (kp->state == KP_DONE) {
                pod_forget(sim, id);
                node_status_kick(sim, node, false);
            } else if (kp->state < KP_KILLING) {
                pod_kill(sim, id, store_pod_spec(st, p)->termination_grace_ns, false, false);
            }
            return;
        }
        if (pod_terminating(p)) {
            if (!kp->delete_after || kp->state < KP_KILLING)
                pod_kill(sim, id, p->deletion_grace_ns, true, false);
            return;
        }
        if (kp->state == KP_VOLUMES) {
            pod_resolve_claims(sim, id);
            node_status_kick(sim, node, false);
            try_mounts(sim, id);
        }
        return;
    }
    if (p->gone || p->node == NONE_ID || !node_connected(&k->nodes[p->node]))
        return;
    if (p->phase == PHASE_FAILED || p->phase == PHASE_SUCCEEDED)
        return;
    pod_admit(sim, id, p->node);
}

static void queue_pod_sync(struct sim *sim, uint32_t id)
{
    const struct store *st = sim->store;
    const struct pod *p = &st->pods[id];
    struct kpod *kp = kp_of(sim, id);
    uint32_t node = kp->node != NONE_ID ? kp->node : p->node;
    if (node == NONE_ID || (kp->node == NONE_ID && p->gone) || kp->want.del)
        return;
    if (!node_connected(&sim->kubelets->nodes[node]) || kp->sync_queued)
        return;
    kp->sync_queued = true;
    sim_after(sim, sim_watch_delay(sim), MOD_KUBELET, EV_POD_SYNC, id, 0, 0);
}

/* The kubelet's informer lists again (start, reconnect): every pod bound to the node and
 * every pod the kubelet still has. */
static void relist(struct sim *sim, uint32_t node)
{
    const struct node *n = &sim->store->nodes[node];
    struct knode *kn = &sim->kubelets->nodes[node];
    for (uint32_t i = 0; i < n->npods; i++)
        queue_pod_sync(sim, n->pods[i]);
    for (uint32_t i = 0; i < kn->npods; i++)
        queue_pod_sync(sim, kn->pods[i]);
}

/* --- Machines ------------------------------------------------------------------------ */

static void cancel_node_events(struct sim *sim, struct knode *kn)
{
    sim_cancel(sim, kn->status_ev);
    sim_cancel(sim, kn->batch_ev);
    sim_cancel(sim, kn->shutdown_ev);
    kn->status_ev = kn->batch_ev = kn->shutdown_ev = QUEUE_NO_EVENT;
}

/* Power off: every container stops, the kubelet and all it knew are gone, nothing is
 * written to the API. Pulls in flight are lost; pulled images stay on disk. */
static void machine_off(struct sim *sim, uint32_t node)
{
    struct store *st = sim->store;
    struct knode *kn = &sim->kubelets->nodes[node];
    uint32_t n = kn->npods;
    uint32_t *ids = copy_ids(kn->pods, n);
    for (uint32_t i = 0; i < n; i++) {
        const struct pod *p = &st->pods[ids[i]];
        if (p->runtime_live && p->runtime_node == node)
            store_pod_runtime(st, ids[i], node, false);
        pod_forget(sim, ids[i]);
    }
    free(ids);
    if (st->nodes[node].lease_renewing)
        store_node_lease_stop(st, node);
    cancel_node_events(sim, kn);
    kn->powered = kn->running = kn->shutting_down = false;
    kn->gen++;
    kn->lease_fail_from = TIME_NEVER;
    kn->shutdown_group = -1;
    kn->shutdown_left = 0;
    uint32_t keep = 0;
    for (uint32_t i = 0; i < kn->nimages; i++)
        if (kn->images[i].ready_at <= sim->now)
            kn->images[keep++] = kn->images[i];
    kn->nimages = keep;
    kn->pull_free_at = sim->now;
}

/* The first renewal after a reconnect. With fail-fast requests the renewal loop
 * (controller.go sync, wait.JitterUntil sliding) keeps its grid until its first sync that
 * fails; from there backoffEnsureLease retries after 200 ms, 400 ms, ... 7 s and the first
 * retry after the reconnect renews; the loop then runs from that renewal. Requests that
 * hang until the client timeout and the 4 % jitter are not modelled. */
static void lease_resume(struct sim *sim, uint32_t node)
{
    struct store *st = sim->store;
    struct knode *kn = &sim->kubelets->nodes[node];
    const struct node *n = &st->nodes[node];
    int64_t now = sim->now;
    if (kn->lease_fail_from == TIME_NEVER || now <= kn->lease_fail_from) {
        store_node_lease_start(st, node, n->lease_phase);
    } else {
        int64_t t = kn->lease_fail_from;
        int64_t sleep = LEASE_RETRY_FIRST;
        while (t < now && sleep < LEASE_RETRY_MAX) {
            t += sleep;
            sleep *= 2;
        }
        if (t < now)
            t += (now - t + LEASE_RETRY_MAX - 1) / LEASE_RETRY_MAX * LEASE_RETRY_MAX;
        store_node_lease_start(st, node, t);
    }
    kn->lease_fail_from = TIME_NEVER;
}

/* processShutdownEvent: the groups from low to high priority; each group's pods are
 * killed with min(terminationGracePeriodSeconds, the group's period); the manager waits
 * until they are killed and their volumes unmounted (WaitForAllPodsUnmount) or the period
 * ends; groups without pods are skipped. Then the inhibit lock is released and the
 * machine powers off. Groups follow migrateConfig: priority below
 * SystemCriticalPriority gets shutdownGracePeriod - shutdownGracePeriodCriticalPods, the
 * rest shutdownGracePeriodCriticalPods. */
static void shutdown_advance(struct sim *sim, uint32_t node)
{
    const struct store *st = sim->store;
    const struct scn_kubernetes *k8s = &sim->scn->k8s;
    struct knode *kn = &sim->kubelets->nodes[node];
    int64_t period[2] = {k8s->shutdown_grace_ns - k8s->shutdown_grace_critical_ns,
                         k8s->shutdown_grace_critical_ns};
    for (int g = kn->shutdown_group + 1; g < 2; g++) {
        uint32_t n = kn->npods;
        uint32_t *ids = copy_ids(kn->pods, n);
        uint32_t count = 0;
        for (uint32_t i = 0; i < n; i++) {
            struct kpod *kp = kp_of(sim, ids[i]);
            int32_t prio = store_pod_spec(st, &st->pods[ids[i]])->priority;
            if (in_dsw(kp) && (prio >= SYSTEM_CRITICAL_PRIORITY) == (g == 1))
                ids[count++] = ids[i];
        }
        if (count == 0) {
            free(ids);
            continue;
        }
        kn->shutdown_group = g;
        kn->shutdown_left = count;
        kn->shutdown_setup = true;
        for (uint32_t i = 0; i < count; i++) {
            int64_t grace = period[g];
            int64_t tgps = store_pod_spec(st, &st->pods[ids[i]])->termination_grace_ns;
            if (tgps <= grace)
                grace = tgps;
            kp_of(sim, ids[i])->sd_group = (int8_t)g;
            pod_kill(sim, ids[i], grace, false, true);
        }
        free(ids);
        kn->shutdown_setup = false;
        if (kn->shutdown_left == 0)
            continue;
        kn->shutdown_ev = sim_after(sim, period[g], MOD_KUBELET, EV_SHUTDOWN_TIMER, node, kn->gen,
                                    (uint32_t)g);
        return;
    }
    machine_off(sim, node);
    emit_node(sim, CH_NODE_POWERED_OFF, node, 0);
}

static void shutdown_pod_done(struct sim *sim, uint32_t node, int group)
{
    struct knode *kn = &sim->kubelets->nodes[node];
    if (!kn->shutting_down || group != kn->shutdown_group || kn->shutdown_left == 0)
        return;
    if (--kn->shutdown_left > 0 || kn->shutdown_setup)
        return;
    sim_cancel(sim, kn->shutdown_ev);
    kn->shutdown_ev = QUEUE_NO_EVENT;
    shutdown_advance(sim, node);
}

/* --- Public entry points -------------------------------------------------------------- */

struct kubelets *kubelet_new(struct sim *sim)
{
    const struct scenario *scn = sim->scn;
    struct kubelets *k = xcalloc(1, sizeof *k);
    k->nnodes = sim->store->nnodes;
    k->nodes = xcalloc(k->nnodes ? k->nnodes : 1, sizeof *k->nodes);
    for (uint32_t i = 0; i < k->nnodes; i++) {
        struct knode *kn = &k->nodes[i];
        kn->powered = kn->running = kn->vol_synced = true;
        kn->lease_fail_from = TIME_NEVER;
        kn->shutdown_group = -1;
        /* Running long before the simulation starts: no probe start-up sleep. */
        kn->kubelet_start = INT64_MIN / 2;
        kn->pull_free_at = INT64_MIN / 2;
    }
    k->minor = k8s_minor(scn->k8s.version);
    k->status_period = scn->k8s.node_status_update_ns;
    if (k->status_period <= 0)
        k->status_period = SEC(10);
    return k;
}

void kubelet_free(struct kubelets *k)
{
    if (k == NULL)
        return;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        free(k->nodes[i].pods);
        free(k->nodes[i].images);
    }
    for (uint32_t c = 0; c < k->nchunks; c++) {
        if (k->chunks[c] == NULL)
            continue;
        for (uint32_t i = 0; i < KP_CHUNK; i++) {
            kp_free_claims(&k->chunks[c][i]);
            free(k->chunks[c][i].wake);
        }
        free(k->chunks[c]);
    }
    free(k->chunks);
    free(k->nodes);
    free(k->scratch);
    free(k);
}

/* Every kubelet has been renewing its Lease on its own grid (kubelet.go
 * nodeLeaseRenewIntervalFraction 0.25 of nodeLeaseDurationSeconds), with its last renewal
 * before t = 0 within the last period; the status loop and the status manager's batch
 * have their own random phases. */
void kubelet_start(struct sim *sim)
{
    struct kubelets *k = sim->kubelets;
    struct store *st = sim->store;
    if (k->started)
        return;
    k->started = true;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        int64_t period = st->nodes[i].lease_period;
        if (period > 0)
            store_node_lease_start(st, i, sim_phase(sim, period) - period);
        k->nodes[i].status_phase = sim_phase(sim, k->status_period);
        k->nodes[i].batch_phase = sim_phase(sim, STATUS_BATCH_PERIOD);
    }
}

static bool pod_event_valid(struct sim *sim, const struct event *ev, enum kp_state state)
{
    if (ev->a >= sim->store->npods)
        return false;
    const struct kpod *kp = kp_of(sim, ev->a);
    return kp->node != NONE_ID && kp->gen == ev->b && kp->state == state;
}

void kubelet_on_event(struct sim *sim, const struct event *ev)
{
    struct kubelets *k = sim->kubelets;
    switch ((enum kl_event)ev->kind) {
    case EV_POD_SYNC:
        kp_of(sim, ev->a)->sync_queued = false;
        pod_sync(sim, ev->a);
        break;
    case EV_VERIFY:
        if (pod_event_valid(sim, ev, KP_VOLUMES)) {
            KP_CLAIMS(kp_of(sim, ev->a))[ev->c].retry_queued = false;
            try_mounts(sim, ev->a);
        }
        break;
    case EV_MOUNTED:
        if (pod_event_valid(sim, ev, KP_VOLUMES))
            on_mounted(sim, ev->a, ev->c);
        break;
    case EV_MOUNT_POLL:
        if (pod_event_valid(sim, ev, KP_VOLUMES) && all_mounted(kp_of(sim, ev->a)))
            pod_proceed(sim, ev->a);
        break;
    case EV_MOUNT_TIMEOUT:
        if (pod_event_valid(sim, ev, KP_VOLUMES)) {
            struct kpod *kp = kp_of(sim, ev->a);
            if (kp->mount_timeout_ev == ev->handle)
                kp->mount_timeout_ev = QUEUE_NO_EVENT;
            if (!kp->mount_wait || all_mounted(kp))
                break;
            /* kubelet.go SyncPod: "Unable to attach or mount volumes: ... timed out
             * waiting for the condition"; the pod worker retries after backOffPeriod. */
            kp->mount_wait = false;
            const struct kp_claim *claims = KP_CLAIMS(kp);
            uint32_t pvc = NONE_ID;
            for (uint32_t t = 0; t < kp->nclaims && pvc == NONE_ID; t++)
                if (!claims[t].mounted)
                    pvc = claims[t].pvc;
            emit_pod(sim, CH_POD_FAILED_MOUNT, ev->a, kp->node, pvc, 0,
                     "Unable to attach or mount volumes: timed out waiting for the condition");
            sim_after(sim, jitter(sim, WORKER_BACKOFF, WORKER_JITTER), MOD_KUBELET,
                      EV_SYNC_RETRY, ev->a, kp->gen, 0);
        }
        break;
    case EV_SYNC_RETRY:
        if (pod_event_valid(sim, ev, KP_VOLUMES)) {
            mount_wait_begin(sim, ev->a);
            if (all_mounted(kp_of(sim, ev->a)))
                pod_proceed(sim, ev->a);
        }
        break;
    case EV_PULLED:
        if (pod_event_valid(sim, ev, KP_PULLING)) {
            struct kpod *kp = kp_of(sim, ev->a);
            emit_pod(sim, CH_POD_PULLED, ev->a, kp->node, ev->c, 0, "Successfully pulled image");
            kp->next_image = ev->c + 1;
            pull_next(sim, ev->a);
        }
        break;
    case EV_PULL_WAIT:
        if (pod_event_valid(sim, ev, KP_PULLING))
            pull_next(sim, ev->a);
        break;
    case EV_STARTED:
        if (pod_event_valid(sim, ev, KP_STARTING))
            container_started(sim, ev->a);
        break;
    case EV_READY:
        if (pod_event_valid(sim, ev, KP_RUNNING)) {
            kp_of(sim, ev->a)->want.ready = true;
            pod_push(sim, ev->a);
        }
        break;
    case EV_BACKOFF_RETRY:
        if (pod_event_valid(sim, ev, KP_BACKOFF))
            crashloop_decide(sim, ev->a);
        break;
    case EV_EXITED:
        if (pod_event_valid(sim, ev, KP_KILLING))
            containers_stopped(sim, ev->a);
        break;
    case EV_UNMOUNTED:
        if (pod_event_valid(sim, ev, KP_UNMOUNTING))
            on_unmounted(sim, ev->a, ev->c);
        break;
    case EV_NODE_STATUS: {
        struct knode *kn = &k->nodes[ev->a];
        if (kn->gen != ev->b)
            break;
        kn->status_ev = QUEUE_NO_EVENT;
        node_post_status(sim, ev->a);
        node_status_kick(sim, ev->a, true);
        break;
    }
    case EV_STATUS_BATCH: {
        struct knode *kn = &k->nodes[ev->a];
        if (kn->gen != ev->b)
            break;
        kn->batch_ev = QUEUE_NO_EVENT;
        uint32_t n = kn->npods;
        uint32_t *ids = copy_ids(kn->pods, n);
        for (uint32_t i = 0; i < n; i++)
            pod_push(sim, ids[i]);
        free(ids);
        break;
    }
    case EV_BOOTED: {
        struct knode *kn = &k->nodes[ev->a];
        struct store *st = sim->store;
        if (kn->gen != ev->b || !kn->powered || kn->running)
            break;
        kn->running = true;
        kn->vol_synced = false;
        kn->kubelet_start = sim->now;
        /* The status loop and the status manager start with the kubelet. */
        kn->status_phase = kn->batch_phase = sim->now;
        emit_node(sim, CH_KUBELET_STARTED, ev->a, 0);
        if (kn->partitioned) {
            kn->lease_fail_from = sim->now;
        } else {
            /* controller.go Run: the first sync renews at once; the first status update
             * posts Ready (volumesInUse waits for the volume manager's sync). */
            store_node_lease_start(st, ev->a, sim->now);
            enum cond c;
            const char *reason;
            node_want_ready(kn, &c, &reason);
            if (st->nodes[ev->a].exists)
                store_node_set_ready(st, ev->a, c, reason);
        }
        relist(sim, ev->a);
        break;
    }
    case EV_SHUTDOWN_TIMER: {
        struct knode *kn = &k->nodes[ev->a];
        if (kn->gen != ev->b || !kn->shutting_down || (int)ev->c != kn->shutdown_group)
            break;
        kn->shutdown_ev = QUEUE_NO_EVENT;
        shutdown_advance(sim, ev->a);
        break;
    }
    }
}

void kubelet_on_change(void *ctx, const struct change *c)
{
    struct sim *sim = ctx;
    const struct store *st = sim->store;
    switch (c->reason) {
    case CH_POD_SCHEDULED:
    case CH_POD_DELETE_REQUESTED:
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED:
        queue_pod_sync(sim, c->obj);
        break;
    case CH_PVC_BOUND: {
        const struct pvc *claim = &st->pvcs[c->obj];
        uint32_t pod = store_sts_pod(st, claim->sts, claim->ordinal);
        if (pod != NONE_ID && kp_of(sim, pod)->state == KP_VOLUMES)
            queue_pod_sync(sim, pod);
        break;
    }
    case CH_POD_MARKED_NOT_READY: {
        /* pkg/kubelet/status/status_manager.go syncBatch: every 10 s the status manager
         * reconciles pods whose API status differs from its cache (needsReconcile), so a
         * Ready condition the node lifecycle controller cleared while the kubelet was
         * connected and the container still passes its probe is written back. */
        const struct pod *p = &st->pods[c->obj];
        if (p->node >= sim->kubelets->nnodes)
            break;
        struct knode *kn = &sim->kubelets->nodes[p->node];
        struct kpod *kp = kp_of(sim, c->obj);
        if (!kn->running || !node_connected(kn) || !kp->want.ready ||
            kn->batch_ev != QUEUE_NO_EVENT)
            break;
        kn->batch_ev = sim_at(sim, grid_next(sim->now, kn->batch_phase, STATUS_BATCH_PERIOD),
                              MOD_KUBELET, EV_STATUS_BATCH, p->node, kn->gen, 0);
        break;
    }
    case CH_NODE_READY:
    case CH_NODE_NOT_READY:
    case CH_NODE_UNKNOWN:
        /* Someone else wrote the Ready condition (the node lifecycle controller): the next
         * status update puts the kubelet's own view back. */
        if (c->obj < sim->kubelets->nnodes)
            node_status_kick(sim, c->obj, false);
        break;
    default:
        break;
    }
}

void kubelet_crash(struct sim *sim, uint32_t node)
{
    struct knode *kn = &sim->kubelets->nodes[node];
    if (!kn->powered)
        return;
    machine_off(sim, node);
    emit_node(sim, CH_NODE_CRASHED, node, 0);
}

void kubelet_shutdown(struct sim *sim, uint32_t node)
{
    const struct scn_kubernetes *k8s = &sim->scn->k8s;
    struct knode *kn = &sim->kubelets->nodes[node];
    if (!kn->powered || kn->shutting_down)
        return;
    /* nodeshutdown_manager_linux.go NewManager/migrateConfig: with shutdownGracePeriod 0
     * (the default) there is no group and "node shutdown will be immediate". */
    if (k8s->shutdown_grace_ns <= 0 ||
        k8s->shutdown_grace_ns < k8s->shutdown_grace_critical_ns) {
        kubelet_crash(sim, node);
        return;
    }
    if (!kn->running) { /* still booting: no kubelet to hold the shutdown */
        machine_off(sim, node);
        emit_node(sim, CH_NODE_POWERED_OFF, node, 0);
        return;
    }
    kn->shutting_down = true;
    emit_node(sim, CH_NODE_SHUTTING_DOWN, node, k8s->shutdown_grace_ns);
    /* "go m.syncNodeStatus()": Ready=False at once. */
    if (node_connected(kn) && sim->store->nodes[node].exists)
        store_node_set_ready(sim->store, node, COND_FALSE, "KubeletNotReady");
    kn->shutdown_group = -1;
    shutdown_advance(sim, node);
}

void kubelet_partition(struct sim *sim, uint32_t node)
{
    struct store *st = sim->store;
    struct knode *kn = &sim->kubelets->nodes[node];
    if (kn->partitioned)
        return;
    kn->partitioned = true;
    emit_node(sim, CH_NODE_PARTITIONED, node, 0);
    if (!kn->running)
        return;
    const struct node *n = &st->nodes[node];
    if (n->lease_renewing && n->lease_period > 0)
        kn->lease_fail_from =
            max64(n->lease_phase, grid_next(sim->now + 1, n->lease_phase, n->lease_period));
    store_node_lease_stop(st, node);
    sim_cancel(sim, kn->status_ev);
    sim_cancel(sim, kn->batch_ev);
    kn->status_ev = kn->batch_ev = QUEUE_NO_EVENT;
}

void kubelet_heal(struct sim *sim, uint32_t node)
{
    struct knode *kn = &sim->kubelets->nodes[node];
    if (!kn->partitioned)
        return;
    kn->partitioned = false;
    emit_node(sim, CH_NODE_HEALED, node, 0);
    if (!kn->running)
        return;
    lease_resume(sim, node);
    node_status_kick(sim, node, false);
    /* Updates that failed while cut off go out at the status manager's next syncBatch. */
    kn->batch_ev = sim_at(sim, grid_next(sim->now, kn->batch_phase, STATUS_BATCH_PERIOD),
                          MOD_KUBELET, EV_STATUS_BATCH, node, kn->gen, 0);
    relist(sim, node);
}

void kubelet_recover(struct sim *sim, uint32_t node, int64_t boot_ns)
{
    struct knode *kn = &sim->kubelets->nodes[node];
    if (kn->powered)
        return;
    kn->powered = true;
    emit_node(sim, CH_NODE_BOOTING, node, boot_ns);
    sim_after(sim, boot_ns, MOD_KUBELET, EV_BOOTED, node, kn->gen, 0);
}

void kubelet_container_crash(struct sim *sim, uint32_t pod, uint32_t times, int64_t for_ns)
{
    if (pod >= sim->store->npods)
        return;
    struct kpod *kp = kp_of(sim, pod);
    if (kp->node == NONE_ID || !sim->kubelets->nodes[kp->node].running)
        return;
    kp->fail_starts = times > 1 ? times - 1 : 0;
    kp->fail_until = for_ns > 0 ? sim->now + for_ns : 0;
    if (kp->state == KP_RUNNING)
        container_died(sim, pod);
}

/* The data under the volume is gone: containers using it crash and cannot start again. */
void kubelet_volume_lost(struct sim *sim, uint32_t pv)
{
    const struct store *st = sim->store;
    const struct pv *v = &st->pvs[pv];
    for (uint32_t a = 0; a < v->nattachments; a++) {
        const struct attachment *att = &st->attachments[v->attachments[a]];
        if (att->gone)
            continue;
        struct knode *kn = &sim->kubelets->nodes[att->node];
        uint32_t n = kn->npods;
        uint32_t *ids = copy_ids(kn->pods, n);
        for (uint32_t i = 0; i < n; i++) {
            struct kpod *kp = kp_of(sim, ids[i]);
            for (uint32_t t = 0; t < kp->nclaims; t++) {
                const struct kp_claim *c = &KP_CLAIMS(kp)[t];
                if (c->pv != pv || !(c->mounted || c->mounting))
                    continue;
                kp->vol_lost = true;
                if (kp->state == KP_RUNNING)
                    container_died(sim, ids[i]);
                break;
            }
        }
        free(ids);
    }
}

bool kubelet_machine_up(const struct sim *sim, uint32_t node)
{
    const struct knode *kn = &sim->kubelets->nodes[node];
    return kn->powered && kn->running;
}

bool kubelet_connected(const struct sim *sim, uint32_t node)
{
    return node_connected(&sim->kubelets->nodes[node]);
}

int64_t kubelet_status_phase(const struct sim *sim, uint32_t node)
{
    return sim->kubelets->nodes[node].status_phase;
}
