/* The attach/detach controller and the CSI driver behind it, on the store.
 *
 * attach_detach_controller.go's informer handlers (podAdd/podUpdate/podDelete through
 * util.DetermineVolumeAction and ProcessPodVolumes, the PVC worker, nodeUpdate) keep the
 * desired state of world: (volume, node) pairs wanted by pods. The actual state of world is
 * the store's VolumeAttachments plus, per attachment, the detachRequestedTime; each volume's
 * record keeps both worlds of the volume, its live attachments mirrored from the store
 * (which only this controller writes), so that a pass reads one record per volume. The
 * reconciler (reconciler/reconciler.go reconcile) runs on the 100 ms grid, detaches first,
 * then attaches. Operations go through a per-volume pending-operation lock and exponential
 * back-off (nestedpendingoperations, goroutinemap/exponentialbackoff); the CSI driver's
 * ControllerPublish/Unpublish take timings.attach/detach.
 *
 * Passes are lazy (docs/internals.md "Periodic loops"): a volume whose state may need an
 * action is marked dirty by the event that changed it, or by a timed wake for a deadline
 * (the unmount timeout, the end of a back-off); a pass looks at dirty volumes only. */
#include "controllers/attachdetach.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

/* goroutinemap/exponentialbackoff initialDurationBeforeRetry / maxDurationBeforeRetry. */
#define BACKOFF_INITIAL MSEC(500)
#define BACKOFF_MAX (SEC(122))

enum adc_event {
    EV_POD_SYNC,    /* a = pod: the pod informer's handler after the watch delay */
    EV_NODE_SYNC,   /* a = node: nodeUpdate / nodeDelete (volumesInUse, taints, Ready) */
    EV_PASS,        /* one reconcile() pass */
    EV_WAKE,        /* a = pv: a deadline of this volume came */
    EV_ATTACH_DONE, /* a = attachment, b = its pv: ControllerPublishVolume returned */
    EV_DETACH_DONE, /* a = attachment, b = its pv: ControllerUnpublishVolume returned */
};

/* Forced detach reasons (metrics ForceDetachReasonTimeout / ...OutOfService), the b of
 * CH_DETACH_FORCED. */
enum { FORCED_TIMEOUT = 1, FORCED_OUT_OF_SERVICE = 2 };

/* A desired (volume, node) pair for one scheduled pod (VolumeToAttach.ScheduledPods). */
struct want {
    uint32_t node;
    uint32_t pod;
    bool reported; /* MultiAttachErrorReported */
    bool waiting;  /* refused by Multi-Attach and not attached since */
};

/* The actual state of world of a volume on one node (actual_state_of_world.go
 * nodeAttachedTo): one live VolumeAttachment of the store, which only this controller
 * creates, changes and removes, kept here with the volume so that a pass reads the
 * volume's record rather than the store's attachments. */
struct attached {
    uint32_t att; /* the store's attachment */
    uint32_t node;
    int64_t detach_req;
    uint8_t state;  /* enum attach_state, as in the store */
    bool requested; /* detachRequestedTime is set */
    bool busy;      /* an operation on this (volume, node) is in flight */
};

/* Per volume, what a pass and every event on the volume read: the wanted nodes and the
 * live attachments in creation order (one of each inline, as a ReadWriteOnce volume mostly
 * has one; more on the heap) and the operation count, in 64 bytes, one cache line
 * (grow_lines). The dirty mark is a bit of its own (struct attachdetach): a node's status
 * marks every volume there, and a mark that read the record would load it once for the
 * mark and again for the pass. The back-off and the wake, read only when an action is due,
 * are in struct adc_retry. */
struct adc_pv {
    union {
        struct want one;   /* want_cap <= 1 */
        struct want *many; /* want_cap > 1: owned */
    } want;
    union {
        struct attached one;   /* att_cap <= 1 */
        struct attached *many; /* att_cap > 1: owned */
    } att;
    uint32_t nwant, want_cap;
    uint32_t natt, att_cap;
    uint32_t ops;     /* operations in flight on the volume */
    bool backing_off; /* its adc_retry has a back-off (so that none is read if not) */
};

/* Per volume, parallel to the adc_pv records. */
struct adc_retry {
    int64_t backoff;    /* durationBeforeRetry of the last failure; 0: none */
    int64_t last_error; /* lastErrorTime */
    uint64_t wake_ev;
    int64_t wake_at;
};

/* The most volumes a pod adds (its claim templates beyond are not looked at), and how
 * many are kept in the pod's record rather than on the heap. */
#define POD_PVS_MAX 16
#define POD_PVS_INLINE 2

/* Per pod, what every pod sync reads: 16 bytes, the volumes inline. Whether a sync is
 * queued, which every pod change asks, is a bit of its own (struct attachdetach). */
struct adc_pod {
    uint32_t node;
    uint8_t npvs; /* volumes this pod adds to the desired state */
    union {
        uint32_t inl[POD_PVS_INLINE]; /* npvs <= POD_PVS_INLINE */
        uint32_t *heap;               /* npvs > POD_PVS_INLINE: exactly npvs, owned */
    } pvs;
};

/* Per pod that ever waited on a Multi-Attach error (for metrics only). */
struct adc_wait {
    uint32_t waiting;   /* wants of this pod refused by Multi-Attach */
    int64_t wait_since; /* when `waiting` last became non-zero */
    int64_t wait_total; /* finished waits */
};

struct attachdetach {
    struct sim *sim;
    struct adc_pv *pvs;
    struct adc_retry *retry; /* parallel to pvs, same capacity */
    size_t pvs_cap;
    /* Records from pvs_init (pods_init) on are not initialised: each is zeroed when its
     * volume (pod) is first seen, as ids are given in order, rather than all at a growth,
     * which would write up to twice the records long before most are used. */
    size_t pvs_init, pods_init;
    void *pvs_block, *retry_block; /* what pvs and retry are in (grow_lines) */
    struct adc_pod *pods;
    size_t pods_cap;
    struct adc_wait *waits;
    size_t waits_cap;
    bool *node_queued;
    /* Bit sets, 10 KB for 80,000 volumes or pods, so that they stay in cache where the
     * records do not: a volume in `dirty`, a pod with a sync queued. */
    uint64_t *dirty_bits; /* [pv / 64] */
    size_t dirty_bits_cap;
    uint64_t *queued_bits; /* [pod / 64] */
    size_t queued_bits_cap;
    uint32_t *dirty;
    uint32_t ndirty;
    size_t dirty_cap;
    /* The volumes and pods that ever put an array on the heap, maybe twice: adc_free
     * frees those rather than reading every record (a walk of megabytes at teardown). */
    uint32_t *heap_pvs, *heap_pods;
    size_t nheap_pvs, heap_pvs_cap, nheap_pods, heap_pods_cap;
    uint32_t *work;
    size_t work_cap;
    int64_t phase, period;
    uint64_t pass_ev;
    int64_t pass_at, last_pass;
    struct strbuf msg;
};

static void *grow_zeroed(void *items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    size_t old = *cap;
    grow_array(&items, cap, need, elem);
    memset((char *)items + old * elem, 0, (*cap - old) * elem);
    return items;
}

/* Test and set bit i of a bit set grown on demand; true if it was set already. */
static bool bit_test_set(uint64_t **bits, size_t *cap, uint32_t i)
{
    *bits = grow_zeroed(*bits, cap, (size_t)i / 64 + 1, sizeof **bits);
    uint64_t m = UINT64_C(1) << (i % 64);
    bool was = ((*bits)[i / 64] & m) != 0;
    (*bits)[i / 64] |= m;
    return was;
}

/* Clear bit i of a bit set that has it (set by bit_test_set). */
static void bit_clear(uint64_t *bits, uint32_t i)
{
    bits[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

static struct adc_pv *pv_rec(struct attachdetach *a, uint32_t pv)
{
    if (pv >= a->pvs_init) {
        size_t cap = a->pvs_cap, n = (size_t)pv + 1 - a->pvs_init;
        a->pvs = grow_lines(&a->pvs_block, a->pvs, &a->pvs_cap, (size_t)pv + 1, sizeof *a->pvs);
        a->retry =
            grow_lines(&a->retry_block, a->retry, &cap, (size_t)pv + 1, sizeof *a->retry);
        memset(&a->pvs[a->pvs_init], 0, n * sizeof *a->pvs);
        memset(&a->retry[a->pvs_init], 0, n * sizeof *a->retry);
        a->pvs_init = (size_t)pv + 1;
    }
    return &a->pvs[pv];
}

/* The back-off and wake of a volume already seen by pv_rec. */
static struct adc_retry *retry_of(struct attachdetach *a, uint32_t pv)
{
    return &a->retry[pv];
}

static struct want *wants(struct adc_pv *v)
{
    return v->want_cap > 1 ? v->want.many : &v->want.one;
}

static void want_push(struct attachdetach *a, uint32_t pv, struct adc_pv *v, struct want w)
{
    bool spilled;
    struct want *slot = small_vec_slot(&v->want, v->nwant, &v->want_cap, sizeof w, &spilled);
    if (spilled)
        VEC_PUSH(a->heap_pvs, a->nheap_pvs, a->heap_pvs_cap, pv);
    *slot = w;
    v->nwant++;
}

static struct attached *attached_all(struct adc_pv *v)
{
    return v->att_cap > 1 ? v->att.many : &v->att.one;
}

static struct attached *attached_push(struct attachdetach *a, uint32_t pv, struct adc_pv *v,
                                      struct attached x)
{
    bool spilled;
    struct attached *at = small_vec_slot(&v->att, v->natt, &v->att_cap, sizeof x, &spilled);
    if (spilled)
        VEC_PUSH(a->heap_pvs, a->nheap_pvs, a->heap_pvs_cap, pv);
    *at = x;
    v->natt++;
    return at;
}

/* Keeps the others in creation order, the order of the store's index of the volume. */
static void attached_remove(struct adc_pv *v, const struct attached *at)
{
    struct attached *all = attached_all(v);
    size_t i = (size_t)(at - all);
    memmove(&all[i], &all[i + 1], (v->natt - i - 1) * sizeof *all);
    v->natt--;
}

/* The live attachment `att`, NULL once removed. */
static struct attached *attached_find(struct adc_pv *v, uint32_t att)
{
    struct attached *all = attached_all(v);
    for (uint32_t i = 0; i < v->natt; i++)
        if (all[i].att == att)
            return &all[i];
    return NULL;
}

/* store_attachment_find: the live attachment on `node`, or NULL. */
static struct attached *attached_on(struct adc_pv *v, uint32_t node)
{
    struct attached *all = attached_all(v);
    for (uint32_t i = 0; i < v->natt; i++)
        if (all[i].node == node)
            return &all[i];
    return NULL;
}

static struct adc_pod *pod_rec(struct attachdetach *a, uint32_t pod)
{
    if (pod >= a->pods_init) {
        grow_array((void **)&a->pods, &a->pods_cap, (size_t)pod + 1, sizeof *a->pods);
        memset(&a->pods[a->pods_init], 0, ((size_t)pod + 1 - a->pods_init) * sizeof *a->pods);
        a->pods_init = (size_t)pod + 1;
    }
    return &a->pods[pod];
}

static const uint32_t *pod_pvs(const struct adc_pod *ap)
{
    return ap->npvs > POD_PVS_INLINE ? ap->pvs.heap : ap->pvs.inl;
}

static void pod_set_pvs(struct attachdetach *a, uint32_t pod, struct adc_pod *ap,
                        const uint32_t *pvs, uint32_t n)
{
    uint32_t *heap = ap->npvs > POD_PVS_INLINE ? ap->pvs.heap : NULL;
    if (n > POD_PVS_INLINE) {
        if (heap == NULL)
            VEC_PUSH(a->heap_pods, a->nheap_pods, a->heap_pods_cap, pod);
        ap->pvs.heap = xrealloc(heap, n * sizeof *pvs);
        memcpy(ap->pvs.heap, pvs, n * sizeof *pvs);
    } else {
        free(heap);
        memcpy(ap->pvs.inl, pvs, n * sizeof *pvs);
    }
    ap->npvs = (uint8_t)n;
}

static struct adc_wait *wait_rec(struct attachdetach *a, uint32_t pod)
{
    a->waits = grow_zeroed(a->waits, &a->waits_cap, (size_t)pod + 1, sizeof *a->waits);
    return &a->waits[pod];
}

/* --- The reconciler's schedule ---------------------------------------------------------- */

static void ensure_pass(struct attachdetach *a)
{
    struct sim *sim = a->sim;
    int64_t t = grid_next(sim->now, a->phase, a->period);
    if (t <= a->last_pass)
        t = a->last_pass + a->period; /* this tick's pass already ran */
    if (a->pass_ev != QUEUE_NO_EVENT) {
        if (a->pass_at <= t)
            return;
        sim_cancel(sim, a->pass_ev);
    }
    a->pass_at = t;
    a->pass_ev = sim_at(sim, t, MOD_ADC, EV_PASS, 0, 0, 0);
}

static void mark_dirty(struct attachdetach *a, uint32_t pv)
{
    pv_rec(a, pv); /* grows the records; reads none */
    if (!bit_test_set(&a->dirty_bits, &a->dirty_bits_cap, pv))
        VEC_PUSH(a->dirty, a->ndirty, a->dirty_cap, pv);
    ensure_pass(a);
}

/* Look at the volume again at the first tick at or after `t`. */
static void wake_at(struct attachdetach *a, uint32_t pv, int64_t t)
{
    pv_rec(a, pv);
    struct adc_retry *v = retry_of(a, pv);
    t = grid_next(t, a->phase, a->period);
    if (v->wake_ev != QUEUE_NO_EVENT) {
        if (v->wake_at <= t)
            return;
        sim_cancel(a->sim, v->wake_ev);
    }
    v->wake_at = t;
    v->wake_ev = sim_at(a->sim, t, MOD_ADC, EV_WAKE, pv, 0, 0);
}

/* --- Desired state of world ------------------------------------------------------------ */

static bool wanted_on(struct adc_pv *v, uint32_t node)
{
    const struct want *w = wants(v);
    for (uint32_t i = 0; i < v->nwant; i++)
        if (w[i].node == node)
            return true;
    return false;
}

static void wait_begin(struct attachdetach *a, struct want *w)
{
    if (w->waiting)
        return;
    w->waiting = true;
    struct adc_wait *aw = wait_rec(a, w->pod);
    if (aw->waiting++ == 0)
        aw->wait_since = a->sim->now;
}

static void wait_end(struct attachdetach *a, struct want *w)
{
    if (!w->waiting)
        return;
    w->waiting = false;
    struct adc_wait *aw = &a->waits[w->pod]; /* made by wait_begin */
    if (--aw->waiting == 0)
        aw->wait_total += a->sim->now - aw->wait_since;
}

static void want_add(struct attachdetach *a, uint32_t pv, uint32_t node, uint32_t pod)
{
    struct adc_pv *v = pv_rec(a, pv);
    want_push(a, pv, v, (struct want){.node = node, .pod = pod});
    mark_dirty(a, pv);
}

static void want_remove(struct attachdetach *a, uint32_t pv, uint32_t node, uint32_t pod)
{
    struct adc_pv *v = pv_rec(a, pv);
    struct want *w = wants(v);
    for (uint32_t i = 0; i < v->nwant; i++) {
        if (w[i].node != node || w[i].pod != pod)
            continue;
        wait_end(a, &w[i]);
        w[i] = w[--v->nwant];
        break;
    }
    mark_dirty(a, pv);
}

/* pkg/volume/util IsPodTerminated: phase Failed or Succeeded, or deletionTimestamp set and
 * no container running per the pod status. A pod on a dead node keeps the last status
 * (running) forever, so its volumes stay wanted. */
static bool pod_terminated(const struct pod *p)
{
    return p->phase == PHASE_FAILED || p->phase == PHASE_SUCCEEDED ||
           (pod_terminating(p) && !p->containers_running);
}

static bool contains(const uint32_t *xs, uint32_t n, uint32_t x)
{
    for (uint32_t i = 0; i < n; i++)
        if (xs[i] == x)
            return true;
    return false;
}

/* podAdd / podUpdate / podDelete: DetermineVolumeAction then ProcessPodVolumes. A claim's
 * volume is added once the claim is Bound (CreateVolumeSpec); a volume already added is
 * kept while the pod wants it, whatever the claim's phase since. Pods on a deleted Node
 * keep their volumes (desiredStateOfWorld.DeleteNode refuses a node with volumes). */
static void pod_sync(struct attachdetach *a, uint32_t pod)
{
    const struct store *st = a->sim->store;
    const struct pod *p = &st->pods[pod];
    struct adc_pod *ap = pod_rec(a, pod);
    bit_clear(a->queued_bits, pod);
    const uint32_t *had = pod_pvs(ap);
    uint32_t nhad = ap->npvs;

    uint32_t now_pvs[POD_PVS_MAX];
    uint32_t n = 0;
    bool wanted = !p->gone && p->node != NONE_ID && !pod_terminated(p);
    if (wanted) {
        const struct statefulset *set = &st->sets[p->sts];
        /* The set's copy of spec->nclaims: the spec is one more line to read. */
        for (uint32_t t = 0; t < set->nclaims && n < ARRAY_LEN(now_pvs); t++) {
            uint32_t c = store_sts_claim(st, p->sts, t, p->ordinal);
            if (c == NONE_ID || st->pvcs[c].pv == NONE_ID)
                continue;
            uint32_t pv = st->pvcs[c].pv;
            if (st->pvcs[c].phase == PVC_BOUND || contains(had, nhad, pv))
                now_pvs[n++] = pv;
        }
    }
    /* (want_add and want_remove leave a->pods, and so ap and had, where they are.) */
    for (uint32_t i = 0; i < nhad; i++)
        if (!contains(now_pvs, n, had[i]))
            want_remove(a, had[i], ap->node, pod);
    for (uint32_t i = 0; i < n; i++)
        if (!contains(had, nhad, now_pvs[i]))
            want_add(a, now_pvs[i], p->node, pod);
    pod_set_pvs(a, pod, ap, now_pvs, n);
    ap->node = p->node;
}

static void queue_pod(struct attachdetach *a, uint32_t pod)
{
    pod_rec(a, pod); /* grows the records; reads none */
    if (bit_test_set(&a->queued_bits, &a->queued_bits_cap, pod))
        return;
    sim_after(a->sim, sim_watch_delay(a->sim), MOD_ADC, EV_POD_SYNC, pod, 0, 0);
}

/* nodeUpdate: processVolumesInUse (and the taints and Ready condition the reconciler reads):
 * every volume attached there may now be detachable. */
static void node_sync(struct attachdetach *a, uint32_t node)
{
    const struct node *n = &a->sim->store->nodes[node];
    a->node_queued[node] = false;
    for (uint32_t i = 0; i < n->nvolumes_attached; i++)
        mark_dirty(a, n->volumes_attached[i]);
}

static void queue_node(struct attachdetach *a, uint32_t node)
{
    if (a->node_queued[node])
        return;
    a->node_queued[node] = true;
    sim_after(a->sim, sim_watch_delay(a->sim), MOD_ADC, EV_NODE_SYNC, node, 0, 0);
}

/* --- Operations ----------------------------------------------------------------------- */

/* pkg/volume/util IsMultiAttachAllowed for a PV: allowed when its access modes include
 * ReadWriteMany or ReadOnlyMany, or name none. The PV has its claim's modes. */
static bool multi_attach_allowed(const struct store *st, uint32_t pv)
{
    uint32_t modes = st->pvcs[st->pvs[pv].pvc].access_modes;
    return modes == 0 || (modes & (ACCESS_RWX | ACCESS_ROX)) != 0;
}

/* nestedpendingoperations: a volume that cannot be multi-attached has one operation key
 * for the whole cluster; others one per (volume, node). A busy attachment's operation is
 * counted in its volume's ops, so a volume without any needs no look at its claim. */
static bool op_pending(struct attachdetach *a, uint32_t pv, const struct attached *at)
{
    if (a->pvs[pv].ops == 0)
        return false;
    if (!multi_attach_allowed(a->sim->store, pv))
        return true;
    return at != NULL && at->busy;
}

/* exponentialbackoff SafeToRetry; the end of a back-off is treated like the end of the
 * unmount wait below. */
static bool in_backoff(struct attachdetach *a, uint32_t pv)
{
    if (!a->pvs[pv].backing_off)
        return false;
    const struct adc_retry *v = retry_of(a, pv);
    return v->backoff > 0 && a->sim->now - v->last_error < v->backoff;
}

static void backoff_failed(struct attachdetach *a, uint32_t pv)
{
    pv_rec(a, pv)->backing_off = true;
    struct adc_retry *v = retry_of(a, pv);
    v->backoff = v->backoff == 0 ? BACKOFF_INITIAL : 2 * v->backoff;
    if (v->backoff > BACKOFF_MAX)
        v->backoff = BACKOFF_MAX;
    v->last_error = a->sim->now;
}

/* A completed operation forgets the volume's back-off. */
static void backoff_reset(struct attachdetach *a, uint32_t pv)
{
    if (a->pvs[pv].backing_off) {
        a->pvs[pv].backing_off = false;
        retry_of(a, pv)->backoff = 0;
    }
}

static void start_op(struct attachdetach *a, uint32_t pv, struct attached *at)
{
    a->pvs[pv].ops++;
    at->busy = true;
}

/* The attachment may be gone (at NULL): the volume's count still drops. */
static void end_op(struct attachdetach *a, uint32_t pv, struct attached *at)
{
    a->pvs[pv].ops--;
    if (at != NULL)
        at->busy = false;
}

static bool has_taint_key(const struct node *n, const char *key)
{
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (strcmp(n->taints[i].taint.key, key) == 0)
            return true;
    return false;
}

static void emit_forced(struct attachdetach *a, uint32_t pv, const struct attached *at, int why)
{
    struct store *st = a->sim->store;
    const char *text = NULL;
    if (store_wants_text(st)) {
        strbuf_reset(&a->msg);
        if (why == FORCED_TIMEOUT)
            strbuf_printf(&a->msg,
                          "volume \"%s\" on node \"%s\" is not safe to detach, but "
                          "maxWaitForUnmountDuration expired, force detaching",
                          st->pvs[pv].name, st->nodes[at->node].name);
        else
            strbuf_printf(&a->msg,
                          "node \"%s\" has out-of-service taint, force detaching volume \"%s\"",
                          st->nodes[at->node].name, st->pvs[pv].name);
        text = a->msg.buf;
    }
    store_emit(st, CH_DETACH_FORCED, KIND_ATTACHMENT, at->att, at->node, pv, why, text);
}

/* reconcile(), first loop, for one volume: each attachment no longer wanted on its node. */
static void reconcile_detach(struct attachdetach *a, uint32_t pv)
{
    struct sim *sim = a->sim;
    struct store *st = sim->store;
    const struct scn_kubernetes *k = &sim->scn->k8s;
    struct adc_pv *v = &a->pvs[pv];
    const struct adc_retry *r = retry_of(a, pv);
    struct attached *all = attached_all(v); /* no attachment comes or goes in this loop */
    for (uint32_t i = 0; i < v->natt; i++) {
        struct attached *at = &all[i];
        if (wanted_on(v, at->node))
            continue;
        if (op_pending(a, pv, at))
            continue; /* its completion marks the volume dirty */
        if (in_backoff(a, pv)) {
            wake_at(a, pv, r->last_error + r->backoff);
            continue;
        }
        if (!at->requested) {
            at->requested = true; /* SetDetachRequestTime */
            at->detach_req = sim->now;
        }
        /* Upstream compares wall-clock time (elapsed > maxWaitForUnmountDuration) in a
         * loop whose period slides by its own run time, so the first tick at or after the
         * deadline is already past it; on the exact grid that is ">=". */
        bool expired = sim->now - at->detach_req >= k->max_wait_for_unmount_ns;
        const struct node *n = &st->nodes[at->node];
        /* nodeIsHealthy: a Node missing from the informer is not healthy (k/k #110721:
         * force detach on timeout only from an unhealthy node). */
        bool healthy = n->exists && n->ready == COND_TRUE;
        bool force_timeout = expired && !k->disable_force_detach_on_timeout;
        bool force = !healthy && force_timeout;
        /* hasOutOfServiceTaint: the key, any effect; a missing Node has no taints. */
        bool oos = n->exists && has_taint_key(n, TAINT_OUT_OF_SERVICE);
        /* MountedByNode: the node's status.volumesInUse (kept as last reported when the
         * Node is deleted: nodeDelete re-applies it). */
        bool mounted = node_volume_in_use(n, pv);
        if (mounted && !force && !oos) {
            if (!expired && !k->disable_force_detach_on_timeout)
                wake_at(a, pv, at->detach_req + k->max_wait_for_unmount_ns);
            continue;
        }
        bool verify_safe = !(force_timeout || oos);
        if (!verify_safe)
            emit_forced(a, pv, at, force_timeout ? FORCED_TIMEOUT : FORCED_OUT_OF_SERVICE);
        /* RemoveVolumeFromReportAsAttached + node status, then DetachVolume. */
        at->state = ATTACH_DETACHING;
        store_attachment_set_state(st, at->att, ATTACH_DETACHING);
        start_op(a, pv, at);
        sim_after(sim, sim_sample(sim, &sim->scn->timings.detach, RNG_DETACH), MOD_ADC,
                  EV_DETACH_DONE, at->att, pv, 0);
    }
}

/* reportMultiAttachError: name the pods that use the volume on other nodes, if any. */
static void report_multi_attach(struct attachdetach *a, uint32_t pv, const struct want *w)
{
    struct store *st = a->sim->store;
    struct adc_pv *v = &a->pvs[pv];
    const struct want *all = wants(v);
    const char *text = NULL;
    if (store_wants_text(st)) {
        struct strbuf *m = &a->msg;
        strbuf_reset(m);
        strbuf_printf(m, "Multi-Attach error for volume \"%s\" ", st->pvs[pv].name);
        uint32_t others = 0;
        for (uint32_t i = 0; i < v->nwant; i++) {
            if (all[i].node == w->node)
                continue;
            strbuf_puts(m, others++ ? ", " : "Volume is already used by pod(s) ");
            strbuf_puts(m, st->pods[all[i].pod].name);
        }
        if (others == 0)
            strbuf_puts(m, "Volume is already exclusively attached to one node and can't be "
                           "attached to another");
        text = m->buf;
    }
    store_emit(st, CH_ATTACH_MULTI, KIND_POD, w->pod, w->node, pv, 0, text);
}

static bool attached_elsewhere(struct adc_pv *v, uint32_t node)
{
    const struct attached *all = attached_all(v);
    for (uint32_t i = 0; i < v->natt; i++)
        if (all[i].state == ATTACH_ATTACHED && all[i].node != node)
            return true;
    return false;
}

/* attachDesiredVolumes for one volume. */
static void reconcile_attach(struct attachdetach *a, uint32_t pv)
{
    struct sim *sim = a->sim;
    struct store *st = sim->store;
    for (uint32_t i = 0; i < a->pvs[pv].nwant; i++) {
        struct adc_pv *v = &a->pvs[pv];
        struct want *w = &wants(v)[i];
        struct attached *at = attached_on(v, w->node);
        if (op_pending(a, pv, at))
            continue;
        if (at != NULL && at->state == ATTACH_ATTACHED) {
            at->requested = false; /* ResetDetachRequestTime */
            wait_end(a, w);
            continue;
        }
        if (!multi_attach_allowed(st, pv) && !sim_mutated(sim, MUT_ADC_MULTI_ATTACH) &&
            attached_elsewhere(v, w->node)) {
            if (!w->reported) {
                w->reported = true;
                report_multi_attach(a, pv, w);
            }
            wait_begin(a, w);
            continue; /* the detach's completion marks the volume dirty */
        }
        if (in_backoff(a, pv)) {
            const struct adc_retry *r = retry_of(a, pv);
            wake_at(a, pv, r->last_error + r->backoff);
            continue;
        }
        /* AttachVolume; an attachment left uncertain by a failure is attached again. */
        wait_end(a, w);
        if (at == NULL) {
            uint32_t node = w->node; /* w is not read after the store call below */
            at = attached_push(a, pv, v,
                               (struct attached){.node = node, .state = ATTACH_ATTACHING});
            at->att = store_attachment_create(st, pv, node);
        }
        start_op(a, pv, at);
        sim_after(sim, sim_sample(sim, &sim->scn->timings.attach, RNG_ATTACH), MOD_ADC,
                  EV_ATTACH_DONE, at->att, pv, 0);
    }
}

static void reconcile(struct attachdetach *a)
{
    a->pass_ev = QUEUE_NO_EVENT;
    a->last_pass = a->sim->now;
    /* The dirty set is taken whole; marks made while acting start the next one. */
    a->work = grow_zeroed(a->work, &a->work_cap, a->ndirty ? a->ndirty : 1, sizeof *a->work);
    uint32_t n = a->ndirty;
    memcpy(a->work, a->dirty, n * sizeof *a->work);
    a->ndirty = 0;
    for (uint32_t i = 0; i < n; i++)
        bit_clear(a->dirty_bits, a->work[i]);
    /* Detaches before attaches, so that a volume moving between nodes leaves first. */
    for (uint32_t i = 0; i < n; i++)
        reconcile_detach(a, a->work[i]);
    for (uint32_t i = 0; i < n; i++)
        reconcile_attach(a, a->work[i]);
}

/* The CSI driver answered ControllerPublishVolume. A lost disk, or a node that is no
 * longer there, fails: the attachment stays uncertain and the operation backs off. */
static void on_attach_done(struct attachdetach *a, uint32_t att, uint32_t pv)
{
    struct store *st = a->sim->store;
    struct attached *at = attached_find(&a->pvs[pv], att);
    end_op(a, pv, at);
    if (at != NULL) {
        if (st->pvs[pv].lost || !st->nodes[at->node].exists) {
            backoff_failed(a, pv);
        } else {
            backoff_reset(a, pv);
            at->state = ATTACH_ATTACHED;
            store_attachment_set_state(st, att, ATTACH_ATTACHED);
        }
    }
    mark_dirty(a, pv);
}

static void on_detach_done(struct attachdetach *a, uint32_t att, uint32_t pv)
{
    struct adc_pv *v = &a->pvs[pv];
    struct attached *at = attached_find(v, att);
    end_op(a, pv, at);
    if (at != NULL)
        attached_remove(v, at);
    backoff_reset(a, pv);
    store_attachment_remove(a->sim->store, att);
    mark_dirty(a, pv);
}

/* --- Module interface ----------------------------------------------------------------- */

/* What the event's handler reads first (see sim_run): a pod sync's pod and record, an
 * operation's or a wake's volume record. */
void adc_prefetch(const struct sim *sim, const struct event *ev)
{
    const struct attachdetach *a = sim->adc;
    if (a == NULL)
        return;
    switch (ev->kind) {
    case EV_POD_SYNC:
        if (ev->a < sim->store->npods)
            PREFETCH(&sim->store->pods[ev->a]);
        if (ev->a < a->pods_init)
            PREFETCH(&a->pods[ev->a]);
        break;
    case EV_WAKE:
        if (ev->a < a->pvs_init)
            PREFETCH(&a->pvs[ev->a]);
        break;
    case EV_ATTACH_DONE:
    case EV_DETACH_DONE:
        if (ev->b < a->pvs_init)
            PREFETCH(&a->pvs[ev->b]);
        break;
    default: break;
    }
}

struct attachdetach *adc_new(struct sim *sim)
{
    struct attachdetach *a = xcalloc(1, sizeof *a);
    a->sim = sim;
    a->period = sim->scn->k8s.ad_reconciler_period_ns;
    if (a->period <= 0)
        a->period = MSEC(100);
    a->last_pass = -1;
    a->node_queued = xcalloc(sim->store->nnodes ? sim->store->nnodes : 1, sizeof(bool));
    strbuf_init(&a->msg);
    return a;
}

void adc_free(struct attachdetach *a)
{
    if (a == NULL)
        return;
    /* A record listed twice has its arrays freed the first time and its caps cleared. */
    for (size_t i = 0; i < a->nheap_pvs; i++) {
        struct adc_pv *v = &a->pvs[a->heap_pvs[i]];
        if (v->want_cap > 1)
            free(v->want.many);
        if (v->att_cap > 1)
            free(v->att.many);
        v->want_cap = v->att_cap = 0;
    }
    for (size_t i = 0; i < a->nheap_pods; i++) {
        struct adc_pod *ap = &a->pods[a->heap_pods[i]];
        if (ap->npvs > POD_PVS_INLINE)
            free(ap->pvs.heap);
        ap->npvs = 0;
    }
    free(a->heap_pvs);
    free(a->heap_pods);
    free(a->pvs_block);
    free(a->retry_block);
    free(a->waits);
    free(a->pods);
    free(a->node_queued);
    free(a->dirty);
    free(a->dirty_bits);
    free(a->queued_bits);
    free(a->work);
    strbuf_fini(&a->msg);
    free(a);
}

void adc_start(struct sim *sim)
{
    struct attachdetach *a = sim->adc;
    a->phase = sim_phase(sim, a->period);
}

void adc_on_event(struct sim *sim, const struct event *ev)
{
    struct attachdetach *a = sim->adc;
    switch ((enum adc_event)ev->kind) {
    case EV_POD_SYNC: pod_sync(a, ev->a); break;
    case EV_NODE_SYNC: node_sync(a, ev->a); break;
    case EV_PASS: reconcile(a); break;
    case EV_WAKE:
        retry_of(a, ev->a)->wake_ev = QUEUE_NO_EVENT;
        mark_dirty(a, ev->a);
        break;
    case EV_ATTACH_DONE: on_attach_done(a, ev->a, ev->b); break;
    case EV_DETACH_DONE: on_detach_done(a, ev->a, ev->b); break;
    }
}

void adc_on_change(void *ctx, const struct change *c)
{
    struct sim *sim = ctx;
    struct attachdetach *a = sim->adc;
    if (a == NULL)
        return;
    const struct store *st = sim->store;
    switch (c->reason) {
    /* Runtime notices (not API writes) and this module's own events are not pod updates. */
    case CH_POD_CONTAINER_DIED:
    case CH_POD_CONTAINER_STARTED:
    case CH_ATTACH_MULTI:
    case CH_POD_FAILED_SCHEDULING:
    case CH_POD_CREATED: break;
    case CH_PVC_BOUND: {
        const struct pvc *pc = &st->pvcs[c->obj];
        uint32_t pod = store_sts_pod(st, pc->sts, pc->ordinal);
        if (pod != NONE_ID && st->pods[pod].node != NONE_ID)
            queue_pod(a, pod);
        break;
    }
    case CH_NODE_VOLUMES_IN_USE:
    case CH_NODE_TAINTED:
    case CH_NODE_UNTAINTED:
    case CH_NODE_READY:
    case CH_NODE_NOT_READY:
    case CH_NODE_UNKNOWN:
    case CH_NODE_DELETED: queue_node(a, c->obj); break;
    default:
        if (c->kind == KIND_POD && c->obj < st->npods &&
            (st->pods[c->obj].node != NONE_ID ||
             (c->obj < a->pods_init && a->pods[c->obj].npvs > 0)))
            queue_pod(a, c->obj);
        break;
    }
}

int64_t adc_multi_attach_wait(const struct sim *sim, uint32_t pod)
{
    const struct attachdetach *a = sim->adc;
    if (a == NULL || pod >= a->waits_cap)
        return 0;
    const struct adc_wait *aw = &a->waits[pod];
    return aw->waiting ? TIME_NEVER : aw->wait_total;
}
