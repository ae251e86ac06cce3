/* The StatefulSet controller: upstream pkg/controller/statefulset run on the store.
 *
 * stateful_set.go (the informer handlers and the work queue) becomes sts_on_change,
 * sts_enqueue and two event kinds; stateful_set_control.go UpdateStatefulSet becomes
 * sts_sync; stateful_pod_control.go becomes the claim and pod helpers below. A pass reads a
 * snapshot of the set's pods taken when it starts, as upstream reads its informer cache: the
 * writes a pass makes are not visible to the rest of that pass. */
#include "controllers/statefulset.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/revision.h"
#include "engine/simtime.h"
#include "util/util.h"

enum sts_event {
    EV_SYNC,       /* queue.Add after an informer event: the worker syncs the set */
    EV_SYNC_AFTER, /* queue.AddAfter / AddRateLimited: a delayed Add */
};

/* Why the last pass did not make (or finish) progress; sts_blocked_reason words it. */
enum blocked {
    BLK_NONE,
    BLK_TERMINATING,     /* a pod with a deletionTimestamp holds the ordinal */
    BLK_NOT_READY,       /* a pod is not Running and Ready */
    BLK_NOT_AVAILABLE,   /* a pod is Ready but not for minReadySeconds yet */
    BLK_FAILED,          /* a Failed/Succeeded pod is deleted and recreated on a later sync */
    BLK_CLAIM_DELETING,  /* CreateStatefulPod: "pvc ... is being deleted" (an error) */
    BLK_CLAIM_STALE,     /* PodClaimIsStale: a claim still owned by the previous pod */
    BLK_NAME_TAKEN,      /* pod create returned AlreadyExists (an error) */
    BLK_MAX_UNAVAILABLE, /* rolling update: the maxUnavailable budget is used up */
};

struct reason {
    enum blocked kind;
    uint32_t pod;    /* pod id, NONE_ID for a pod not created yet */
    int32_t ordinal; /* of that pod */
    uint32_t claim;  /* BLK_CLAIM_* */
    int32_t n, m;    /* BLK_MAX_UNAVAILABLE: unavailable pods, maxUnavailable */
};

struct sts_set_state {
    uint64_t sync_ev; /* pending EV_SYNC (the dedup of queue.Add) */
    int64_t sync_at;
    uint64_t after_ev; /* pending EV_SYNC_AFTER (the delaying queue keeps the earliest) */
    int64_t after_at;
    uint32_t failures; /* ItemExponentialFailureRateLimiter's count for this key */
    struct reason blocked;
    struct strbuf text; /* sts_blocked_reason's buffer */
};

/* A pod as the pass saw it when it started (the informer cache), or a placeholder for an
 * ordinal with no pod (upstream newVersionedStatefulSetPod: phase ""). */
struct pod_view {
    uint32_t id; /* NONE_ID: placeholder */
    int32_t ordinal;
    enum pod_phase phase;
    bool ready;
    bool terminating;
    int64_t ready_transition;
    uint32_t revision;
};

struct sts_ctrl {
    struct sim *sim;
    bool pre_134; /* k8s.version < 1.34 (see is_unavailable), parsed once */
    struct sts_set_state *sets;
    uint32_t nsets;
    /* Work buffers reused by every pass. */
    struct pod_view *replicas;
    size_t replicas_cap;
    struct pod_view *condemned;
    size_t condemned_cap;
    uint32_t *revs;
    size_t revs_cap;
    bool *live;
    size_t live_cap;
    struct strbuf scratch;
};

/* One UpdateStatefulSet call. */
struct pass {
    struct sim *sim;
    struct store *st;
    uint32_t sts;
    const struct statefulset *set;
    const struct scn_statefulset *ss;
    int64_t now;
    int64_t min_ready;
    int32_t start; /* getStartOrdinal */
    bool monotonic;
    bool pre_134;             /* k8s.version < 1.34: readiness, not availability, gates updates */
    uint32_t current, update; /* revision ids */
    struct pod_view *replicas;
    uint32_t nreplicas;
    struct pod_view *condemned;
    uint32_t ncondemned;
    const struct pod_view *first_unavailable;
    struct sts_status status;
    bool err; /* the sync returns an error: rate-limited retry */
    struct reason reason;
};

/* --- Small predicates (stateful_set_utils.go) ---------------------------------------- */

static bool is_created(const struct pod_view *v)
{
    return v->id != NONE_ID; /* stateful_set_utils.go isCreated: phase != "" */
}

static bool is_running_and_ready(const struct pod_view *v)
{
    return v->phase == PHASE_RUNNING && v->ready; /* stateful_set_utils.go isRunningAndReady */
}

/* stateful_set_utils.go isRunningAndAvailable = pkg/api/v1/pod IsPodAvailable: Ready, and
 * Ready since more than minReadySeconds (LastTransitionTime + minReadySeconds strictly before
 * now). Despite the name it does not look at the phase. */
static bool is_available(const struct pass *p, const struct pod_view *v)
{
    if (!v->ready)
        return false;
    return p->min_ready == 0 || v->ready_transition + p->min_ready < p->now;
}

/* stateful_set_utils.go isUnavailable since 1.34 (k/k#130909): not available or terminating.
 * Before, updateStatefulSet's first unhealthy pod and update waits used !isHealthy (not
 * Running and Ready, or terminating); k8s.version < 1.34 selects that. */
static bool is_unavailable(const struct pass *p, const struct pod_view *v)
{
    if (p->pre_134)
        return !(is_running_and_ready(v) && !v->terminating);
    return !is_available(p, v) || v->terminating;
}

static bool in_ordinal_range(const struct pass *p, int32_t ordinal)
{
    /* stateful_set_utils.go podInOrdinalRange, getStartOrdinal, getEndOrdinal */
    return ordinal >= p->start && ordinal < p->start + p->set->replicas;
}

/* "1.31" or "v1.31.4" → 31; anything else is the current version. */
static int k8s_minor(const char *version)
{
    if (version != NULL && version[0] == 'v')
        version++;
    if (version == NULL || strncmp(version, "1.", 2) != 0 || version[2] < '0' || version[2] > '9')
        return 34;
    return atoi(version + 2);
}

/* --- Blocked reasons ------------------------------------------------------------------ */

static void note(struct pass *p, enum blocked kind, const struct pod_view *v)
{
    if (p->reason.kind != BLK_NONE)
        return;
    p->reason.kind = kind;
    p->reason.pod = v ? v->id : NONE_ID;
    p->reason.ordinal = v ? v->ordinal : -1;
}

/* An error wins over a plain wait noted earlier in a burst pass. */
static void note_error(struct pass *p, enum blocked kind, int32_t ordinal, uint32_t pod,
                       uint32_t claim)
{
    if (!p->err) {
        p->reason = (struct reason){.kind = kind, .pod = pod, .ordinal = ordinal, .claim = claim};
    }
    p->err = true;
}

/* The wait a pod that is unavailable imposes. */
static void note_wait(struct pass *p, const struct pod_view *v)
{
    if (v->terminating)
        note(p, BLK_TERMINATING, v);
    else if (!is_running_and_ready(v))
        note(p, BLK_NOT_READY, v);
    else
        note(p, BLK_NOT_AVAILABLE, v);
}

static void pod_name(struct strbuf *sb, const struct store *st, uint32_t sts,
                     const struct reason *r)
{
    if (r->pod != NONE_ID)
        strbuf_puts(sb, st->pods[r->pod].name);
    else
        strbuf_printf(sb, "%s-%" PRId32, st->sets[sts].name, r->ordinal);
}

/* "10s", or "1.5s" for a duration that is not whole seconds. */
static void put_duration(struct strbuf *sb, int64_t ns)
{
    if (ns % NS_PER_SEC == 0)
        strbuf_printf(sb, "%" PRId64 "s", ns / NS_PER_SEC);
    else
        strbuf_printf(sb, "%gs", ns_to_sec(ns));
}

static void reason_text(struct strbuf *sb, const struct store *st, uint32_t sts,
                        const struct reason *r)
{
    strbuf_reset(sb);
    switch (r->kind) {
    case BLK_NONE: break;
    case BLK_TERMINATING:
        strbuf_puts(sb, "waiting for ");
        pod_name(sb, st, sts, r);
        strbuf_puts(sb, " to terminate (a pod with a deletionTimestamp keeps its identity until "
                        "it is gone)");
        break;
    case BLK_NOT_READY:
        strbuf_puts(sb, "waiting for ");
        pod_name(sb, st, sts, r);
        strbuf_puts(sb, " to be Running and Ready");
        break;
    case BLK_NOT_AVAILABLE:
        strbuf_puts(sb, "waiting for ");
        pod_name(sb, st, sts, r);
        strbuf_puts(sb, " to be available for minReadySeconds (");
        put_duration(sb, st->sets[sts].spec->min_ready_ns);
        strbuf_putc(sb, ')');
        break;
    case BLK_FAILED:
        strbuf_puts(sb, "waiting for the ");
        strbuf_puts(sb, r->pod != NONE_ID ? pod_phase_name(st->pods[r->pod].phase) : "failed");
        strbuf_puts(sb, " pod ");
        pod_name(sb, st, sts, r);
        strbuf_puts(sb, " to be removed before it is recreated");
        break;
    case BLK_CLAIM_DELETING:
        strbuf_puts(sb, "cannot create ");
        pod_name(sb, st, sts, r);
        strbuf_printf(sb, ": pvc %s is being deleted", st->pvcs[r->claim].name);
        break;
    case BLK_CLAIM_STALE:
        strbuf_puts(sb, "waiting to create ");
        pod_name(sb, st, sts, r);
        strbuf_printf(sb, ": claim %s still belongs to the previous pod of that name",
                      st->pvcs[r->claim].name);
        break;
    case BLK_NAME_TAKEN:
        strbuf_puts(sb, "cannot create ");
        pod_name(sb, st, sts, r);
        strbuf_puts(sb, ": a pod of that name already exists");
        break;
    case BLK_MAX_UNAVAILABLE:
        strbuf_printf(sb,
                      "waiting for the rolling update: %" PRId32
                      " pods unavailable, maxUnavailable is %" PRId32,
                      r->n, r->m);
        break;
    }
}

static bool reason_equal(const struct reason *a, const struct reason *b)
{
    return a->kind == b->kind && a->pod == b->pod && a->ordinal == b->ordinal &&
           a->claim == b->claim && a->n == b->n && a->m == b->m;
}

static void set_blocked(struct sts_ctrl *c, uint32_t sts, const struct reason *r)
{
    struct sts_set_state *s = &c->sets[sts];
    struct reason nr = *r;
    if (nr.kind == BLK_NONE)
        nr = (struct reason){.kind = BLK_NONE, .pod = NONE_ID, .ordinal = -1, .claim = NONE_ID};
    if (reason_equal(&s->blocked, &nr))
        return;
    s->blocked = nr;
    struct store *st = c->sim->store;
    const char *text = NULL;
    if (store_wants_text(st)) {
        reason_text(&s->text, st, sts, &nr);
        text = s->text.buf;
    }
    store_emit(st, CH_STS_BLOCKED, KIND_STS, sts, NONE_ID, nr.pod, 0, text);
}

/* --- Work queue (stateful_set.go, client-go workqueue) -------------------------------- */

/* stateful_set.go enqueueStatefulSet: workqueue Add, which dedups a key already queued. */
static void enqueue_at(struct sim *sim, uint32_t sts, int64_t at)
{
    struct sts_set_state *s = &sim->sts->sets[sts];
    /* A pending sync that runs no later sees this change too: one sync per set. */
    if (queue_pending(sim->q, s->sync_ev)) {
        if (s->sync_at <= at)
            return;
        sim_cancel(sim, s->sync_ev);
    }
    s->sync_at = at < sim->now ? sim->now : at;
    s->sync_ev = sim_at(sim, s->sync_at, MOD_STS, EV_SYNC, sts, 0, 0);
}

/* stateful_set.go enqueueSSAfter: client-go util/workqueue/delaying_queue.go AddAfter; a key
 * already waiting keeps the earlier ready time. */
static void add_after_at(struct sim *sim, uint32_t sts, int64_t at)
{
    struct sts_set_state *s = &sim->sts->sets[sts];
    if (at < sim->now)
        at = sim->now;
    if (queue_pending(sim->q, s->after_ev)) {
        if (s->after_at <= at)
            return;
        sim_cancel(sim, s->after_ev);
    }
    s->after_at = at;
    s->after_ev = sim_at(sim, at, MOD_STS, EV_SYNC_AFTER, sts, 0, 0);
}

static void add_after(struct sim *sim, uint32_t sts, int64_t delay)
{
    add_after_at(sim, sts, sim->now + (delay > 0 ? delay : 0));
}

/* client-go util/workqueue/default_rate_limiters.go DefaultTypedControllerRateLimiter: the
 * per-item ItemExponentialFailureRateLimiter(5ms, 1000s).When, 5 ms × 2^failures capped at
 * 1000 s. Its 10 qps / 100 burst bucket, shared by all keys, is not modelled. */
static int64_t rate_limiter_when(struct sts_set_state *s)
{
    const int64_t base = MSEC(5), max = SEC(1000);
    uint32_t exp = s->failures++;
    if (exp >= 40)
        return max;
    int64_t d = base << exp;
    return d > max ? max : d;
}

void sts_enqueue(struct sim *sim, uint32_t sts)
{
    if (sim->sts == NULL || sts >= sim->sts->nsets)
        return;
    enqueue_at(sim, sts, sim->now + sim_watch_delay(sim));
}

/* --- Claims (stateful_pod_control.go) ------------------------------------------------- */

/* The controller ownerRef a claim should carry (stateful_set_utils.go isClaimOwnerUpToDate /
 * updateClaimOwnerRefForSetAndPod):
 *   Retain/Retain  none;  whenDeleted=Delete only  the set;
 *   whenScaled=Delete only  the pod once it is condemned;
 *   Delete/Delete  the set while in range, the pod (and no set) once condemned. */
static enum pvc_owner wanted_owner(const struct scn_statefulset *ss, bool in_range)
{
    bool scaled_delete = ss->when_scaled == DELETE;
    bool deleted_delete = ss->when_deleted == DELETE;
    if (!scaled_delete)
        return deleted_delete ? OWNER_SET : OWNER_NONE;
    if (!in_range)
        return OWNER_POD;
    return deleted_delete ? OWNER_SET : OWNER_NONE;
}

/* stateful_set_utils.go hasStaleOwnerRef(claim, pod): a ref to a pod of this name with
 * another UID. A pod not yet created has no UID (NONE_ID), so any pod ref is stale for it. */
static bool claim_has_stale_pod_ref(const struct pvc *c, uint32_t pod)
{
    return c->owner == OWNER_POD && c->owner_pod != pod;
}

/* stateful_pod_control.go ClaimsMatchRetentionPolicy then UpdatePodClaimForRetentionPolicy:
 * missing claims are left for a later pass; a claim with a stale ref is not touched
 * (isClaimOwnerUpToDate says it is up to date). */
static void fix_claim_owners(struct pass *p, int32_t ordinal, uint32_t pod)
{
    bool in_range = in_ordinal_range(p, ordinal);
    enum pvc_owner want = wanted_owner(p->ss, in_range);
    /* No claim of the set has an ownerRef and none is wanted (Retain/Retain, the default):
     * every claim is up to date without looking at it. */
    if (want == OWNER_NONE && p->set->owned_claims == 0)
        return;
    for (uint32_t t = 0; t < p->set->nclaims; t++) {
        uint32_t id = store_sts_claim(p->st, p->sts, t, ordinal);
        if (id == NONE_ID)
            continue;
        const struct pvc *c = &p->st->pvcs[id];
        if (claim_has_stale_pod_ref(c, pod))
            continue;
        uint32_t want_pod = want == OWNER_POD ? pod : NONE_ID;
        if (c->owner != want || c->owner_pod != want_pod)
            store_pvc_set_owner(p->st, id, want, want_pod);
    }
}

/* stateful_pod_control.go PodClaimIsStale: only with whenScaled=Delete, where a claim of a
 * scaled-down pod is about to be garbage collected and must not be reused by the new pod. */
static uint32_t stale_claim(const struct pass *p, int32_t ordinal)
{
    if (p->ss->when_scaled != DELETE)
        return NONE_ID;
    for (uint32_t t = 0; t < p->set->nclaims; t++) {
        uint32_t id = store_sts_claim(p->st, p->sts, t, ordinal);
        if (id != NONE_ID && claim_has_stale_pod_ref(&p->st->pvcs[id], NONE_ID))
            return id;
    }
    return NONE_ID;
}

/* stateful_pod_control.go createPersistentVolumeClaims: create each missing claim; a claim
 * with a deletionTimestamp is an error ("pvc %s is being deleted"). Errors are aggregated:
 * every template is tried. */
static bool create_claims(struct pass *p, int32_t ordinal, uint32_t pod)
{
    bool ok = true;
    for (uint32_t t = 0; t < p->set->nclaims; t++) {
        uint32_t id = store_sts_claim(p->st, p->sts, t, ordinal);
        if (id == NONE_ID) {
            store_pvc_create(p->st, p->sts, t, ordinal);
        } else if (p->st->pvcs[id].deletion_ts != TIME_NEVER) {
            note_error(p, BLK_CLAIM_DELETING, ordinal, pod, id);
            ok = false;
        }
    }
    return ok;
}

/* stateful_pod_control.go CreateStatefulPod: the claims first, then the pod, then the claims'
 * ownerRefs. Returns the new pod id, or NONE_ID on error. */
static uint32_t create_pod(struct pass *p, const struct pod_view *v)
{
    if (!create_claims(p, v->ordinal, NONE_ID))
        return NONE_ID;
    uint32_t id = store_pod_create(p->st, p->sts, v->ordinal, v->revision);
    if (id == NONE_ID) {
        /* AlreadyExists is returned as an error (without an event) upstream. */
        note_error(p, BLK_NAME_TAKEN, v->ordinal, NONE_ID, NONE_ID);
        return NONE_ID;
    }
    fix_claim_owners(p, v->ordinal, id);
    return id;
}

/* stateful_pod_control.go DeleteStatefulPod: a DELETE with empty options, so the API server
 * takes the grace period from the pod's terminationGracePeriodSeconds (and 0 for unscheduled
 * or terminal pods, pkg/registry/core/pod/strategy.go CheckGracefulDelete). A pod already
 * gone is NotFound, which the callers ignore. */
static void delete_pod(struct pass *p, uint32_t id)
{
    if (id == NONE_ID || p->st->pods[id].gone)
        return;
    const struct pod *pod = &p->st->pods[id];
    store_pod_delete(p->st, id, store_pod_spec(p->st, pod)->termination_grace_ns, false);
}

/* --- The pass (stateful_set_control.go) ----------------------------------------------- */

/* stateful_set_utils.go newVersionedStatefulSetPod: ordinals below start + partition get the
 * current revision; OnDelete makes that condition false, so new pods get the update one. */
static uint32_t revision_for(const struct pass *p, int32_t ordinal)
{
    if (p->ss->update_strategy == UPDATE_ROLLING && ordinal < p->start + p->ss->partition)
        return p->current;
    return p->update;
}

static struct pod_view view_of(const struct store *st, uint32_t id)
{
    const struct pod *pod = &st->pods[id];
    struct pod_view v = {
        .id = id,
        .ordinal = pod->ordinal,
        .phase = pod->phase,
        .ready = pod->ready,
        .terminating = pod_terminating(pod),
        .ready_transition = pod->ready_transition,
        .revision = pod->revision,
    };
    return v;
}

/* Force the terminating pod out and create its replacement at once (test mutation). */
static void replace_now(struct pass *p, const struct pod_view *v)
{
    store_pod_delete(p->st, v->id, 0, true);
    struct pod_view ph = {
        .id = NONE_ID, .ordinal = v->ordinal, .revision = revision_for(p, v->ordinal)};
    uint32_t id = create_pod(p, &ph);
    if (id != NONE_ID && p->monotonic) {
        ph.id = id;
        note(p, BLK_NOT_READY, &ph);
    }
}

/* stateful_set_control.go processReplica: returns true when the pass must stop (shouldExit);
 * errors go to p->err. */
static bool process_replica(struct pass *p, uint32_t i)
{
    const struct pod_view *v = &p->replicas[i];

    /* Failed and Succeeded pods are deleted; the new pod comes on a later sync, once the
     * old object is gone (Succeeded since k/k#121389: evicted pods may exit 0). */
    if (is_created(v) && (v->phase == PHASE_FAILED || v->phase == PHASE_SUCCEEDED)) {
        if (!v->terminating)
            delete_pod(p, v->id);
        note(p, BLK_FAILED, v);
        return true;
    }

    if (!is_created(v)) {
        uint32_t stale = stale_claim(p, v->ordinal);
        if (stale != NONE_ID) {
            if (p->reason.kind == BLK_NONE) {
                note(p, BLK_CLAIM_STALE, v);
                p->reason.claim = stale;
            }
            return true;
        }
        uint32_t id = create_pod(p, v);
        if (id == NONE_ID)
            return true;
        if (p->monotonic) {
            /* One creation per pass: the next waits for this pod to be Running and Ready. */
            struct pod_view created = *v;
            created.id = id;
            note(p, BLK_NOT_READY, &created);
            return true;
        }
        /* Burst: the placeholder passes the remaining checks (claims just created are not
         * in the cache yet, so ClaimsMatchRetentionPolicy matches). */
        return false;
    }

    /* A Pending pod gets its missing claims again (createMissingPersistentVolumeClaims). */
    if (v->phase == PHASE_PENDING) {
        if (!create_claims(p, v->ordinal, v->id))
            return true;
        fix_claim_owners(p, v->ordinal, v->id);
    }

    if (v->terminating && sim_mutated(p->sim, MUT_STS_NO_AT_MOST_ONE)) {
        replace_now(p, v);
        return p->monotonic;
    }

    /* Graceful deletion must complete before progress: the name stays taken. */
    if (v->terminating) {
        note(p, BLK_TERMINATING, v);
        if (p->monotonic)
            return true;
    }

    bool ordered = p->monotonic && !sim_mutated(p->sim, MUT_STS_IGNORE_ORDER);
    if (!is_running_and_ready(v) && ordered) {
        note(p, BLK_NOT_READY, v);
        return true;
    }
    if (!is_available(p, v) && ordered) {
        note(p, BLK_NOT_AVAILABLE, v);
        return true;
    }

    /* Identity and storage always match in sssim; the retention ownerRefs are enforced
     * through UpdateStatefulPod. */
    fix_claim_owners(p, v->ordinal, v->id);
    return false;
}

/* stateful_set_control.go updateStatefulSet fixPodClaim: a condemned pod's claims get their
 * retention ownerRefs before any goes, so that "no Pod will be deleted before its owner
 * reference has been updated". */
static bool fix_pod_claim(struct pass *p, uint32_t i)
{
    fix_claim_owners(p, p->condemned[i].ordinal, p->condemned[i].id);
    return false;
}

/* stateful_set_control.go processCondemned */
static bool process_condemned(struct pass *p, uint32_t i)
{
    const struct pod_view *v = &p->condemned[i];
    if (v->terminating) {
        if (p->monotonic) {
            note(p, BLK_TERMINATING, v);
            return true;
        }
        return false;
    }
    /* Monotonic: only the first unhealthy pod may go while unhealthy; anything else waits
     * for it (upstream logs firstUnhealthyPod, which the pre-1.34 readiness rule may leave
     * nil for a Ready pod short of minReadySeconds). */
    const struct pod_view *first = p->first_unavailable ? p->first_unavailable : v;
    if (!is_running_and_ready(v) && p->monotonic && v != p->first_unavailable) {
        note_wait(p, first);
        return true;
    }
    if (!is_available(p, v) && p->monotonic && v != p->first_unavailable) {
        note_wait(p, first);
        return true;
    }
    delete_pod(p, v->id);
    if (p->monotonic) {
        struct pod_view gone = *v;
        gone.terminating = true;
        note(p, BLK_TERMINATING, &gone);
    }
    return true;
}

typedef bool pass_fn(struct pass *p, uint32_t i);

/* stateful_set_control.go MaxBatchSize: the in-flight limit of slowStartBatch. */
#define MAX_BATCH_SIZE 500u

/* stateful_set_control.go runForAll: monotonic stops at the first shouldExit or error; burst
 * runs slowStartBatch (batches of 1, 2, 4, ... up to 500, every call of a batch made,
 * shouldExit ignored) and stops after a batch with an error. A batch's calls happen at the
 * same instant in the simulator. */
static bool run_for_all(struct pass *p, uint32_t n, pass_fn *fn)
{
    if (p->monotonic) {
        for (uint32_t i = 0; i < n; i++)
            if (fn(p, i) || p->err)
                return true;
        return false;
    }
    uint32_t remaining = n, i = 0;
    for (uint32_t batch = remaining < 1 ? remaining : 1; batch > 0;) {
        for (uint32_t k = 0; k < batch; k++)
            (void)fn(p, i++);
        if (p->err)
            return true;
        remaining -= batch;
        batch = 2 * batch < remaining ? 2 * batch : remaining;
        if (batch > MAX_BATCH_SIZE)
            batch = MAX_BATCH_SIZE;
    }
    return false;
}

static bool has_revision(const struct store *st, uint32_t pod_rev, uint32_t rev)
{
    if (pod_rev == rev)
        return true;
    /* getPodRevision compares names: a revision recreated under an old name matches. */
    return pod_rev != NONE_ID && rev != NONE_ID &&
           strcmp(st->revisions[pod_rev].name, st->revisions[rev].name) == 0;
}

/* stateful_set_control.go computeReplicaStatus / updateStatus over the pods the pass started
 * from: pods created or deleted by the pass are counted as the cache saw them. */
static void compute_status(struct pass *p)
{
    struct sts_status *s = &p->status;
    const struct pod_view *lists[2] = {p->replicas, p->condemned};
    uint32_t counts[2] = {p->nreplicas, p->ncondemned};
    for (int l = 0; l < 2; l++) {
        for (uint32_t i = 0; i < counts[l]; i++) {
            const struct pod_view *v = &lists[l][i];
            if (!is_created(v))
                continue;
            s->replicas++;
            /* Ready and available counts do not look at the deletionTimestamp. */
            if (is_running_and_ready(v)) {
                s->ready_replicas++;
                if (is_available(p, v))
                    s->available_replicas++;
            }
            if (!v->terminating) {
                if (has_revision(p->st, v->revision, p->current))
                    s->current_replicas++;
                if (has_revision(p->st, v->revision, p->update))
                    s->updated_replicas++;
            }
        }
    }
}

/* stateful_set_utils.go getStatefulSetMaxUnavailable: an int or a percent of replicas rounded
 * down, at least 1 (default 1). */
static int32_t max_unavailable(const struct pass *p)
{
    if (!p->ss->max_unavailable_set)
        return 1;
    int64_t n = p->ss->max_unavailable;
    if (p->ss->max_unavailable_percent)
        n = n * p->set->replicas / 100;
    return n < 1 ? 1 : (int32_t)n;
}

/* stateful_set_control.go updateStatefulSet, the rolling update with the gate
 * MaxUnavailableStatefulSet off: the highest ordinal at or above the partition that is not at
 * the update revision is deleted, one per pass, once every higher pod is available. */
static void rolling_update_legacy(struct pass *p)
{
    int64_t lo = p->ss->partition, n = p->nreplicas;
    bool up = sim_mutated(p->sim, MUT_STS_UPDATE_LOW_FIRST);
    for (int64_t k = 0; k < n - lo; k++) {
        int64_t target = up ? lo + k : n - 1 - k;
        const struct pod_view *v = &p->replicas[target];
        if (!has_revision(p->st, v->revision, p->update) && !v->terminating) {
            delete_pod(p, v->id);
            p->status.current_replicas--;
            struct pod_view gone = *v;
            gone.terminating = true;
            note(p, BLK_TERMINATING, &gone);
            return;
        }
        if (is_unavailable(p, v) && !sim_mutated(p->sim, MUT_STS_UPDATE_NO_WAIT)) {
            note_wait(p, v);
            return;
        }
    }
}

/* stateful_set_control.go updateStatefulSetAfterInvariantEstablished (gate on): unavailable
 * pods are counted over every replica, partition or not; up to maxUnavailable minus that
 * many outdated pods are deleted, highest ordinal first. */
static void rolling_update_max_unavailable(struct pass *p)
{
    int32_t max = max_unavailable(p);
    int32_t unavailable = 0;
    for (uint32_t i = 0; i < p->nreplicas; i++)
        unavailable += is_unavailable(p, &p->replicas[i]);
    int64_t lo = p->ss->partition, n = p->nreplicas;
    bool up = sim_mutated(p->sim, MUT_STS_UPDATE_LOW_FIRST);
    int32_t deleted = 0, outdated_left = 0;
    for (int64_t k = 0; k < n - lo; k++) {
        int64_t target = up ? lo + k : n - 1 - k;
        const struct pod_view *v = &p->replicas[target];
        if (has_revision(p->st, v->revision, p->update) || v->terminating)
            continue;
        if (unavailable <= max && deleted < max - unavailable) {
            delete_pod(p, v->id);
            deleted++;
            p->status.current_replicas--;
        } else {
            outdated_left++;
        }
    }
    if (outdated_left > 0) {
        p->reason = (struct reason){.kind = BLK_MAX_UNAVAILABLE,
                                    .pod = NONE_ID,
                                    .ordinal = -1,
                                    .claim = NONE_ID,
                                    .n = unavailable + deleted,
                                    .m = max};
    }
}

static int cmp_ordinal_desc(const void *a, const void *b)
{
    const struct pod_view *x = a, *y = b;
    return (x->ordinal < y->ordinal) - (x->ordinal > y->ordinal);
}

static int cmp_ordinal_asc(const void *a, const void *b)
{
    return -cmp_ordinal_desc(a, b);
}

/* stateful_set_control.go updateStatefulSet: partition the set's pods into replicas
 * [start, start+replicas) with placeholders and condemned (descendingOrdinal), and find
 * firstUnavailablePod. */
static void build_views(struct sts_ctrl *c, struct pass *p)
{
    const struct statefulset *set = p->set;
    uint32_t n = set->replicas > 0 ? (uint32_t)set->replicas : 0;
    grow_array((void **)&c->replicas, &c->replicas_cap, n ? n : 1, sizeof *c->replicas);
    p->replicas = c->replicas;
    p->nreplicas = n;
    for (uint32_t i = 0; i < n; i++)
        p->replicas[i] = (struct pod_view){.id = NONE_ID};
    p->ncondemned = 0;
    for (uint32_t ord = 0; ord < set->by_ordinal_len; ord++) {
        uint32_t id = set->by_ordinal[ord];
        if (id == NONE_ID)
            continue;
        struct pod_view v = view_of(p->st, id);
        if (in_ordinal_range(p, v.ordinal)) {
            p->replicas[v.ordinal - p->start] = v;
        } else {
            grow_array((void **)&c->condemned, &c->condemned_cap, p->ncondemned + 1,
                       sizeof *c->condemned);
            c->condemned[p->ncondemned++] = v;
        }
    }
    p->condemned = c->condemned;
    for (uint32_t i = 0; i < n; i++) {
        if (p->replicas[i].id != NONE_ID)
            continue;
        int32_t ord = p->start + (int32_t)i;
        p->replicas[i].ordinal = ord;
        p->replicas[i].revision = revision_for(p, ord);
    }
    /* sort.Sort(descendingOrdinal(condemned)): scale-down starts at the highest ordinal. */
    if (p->ncondemned > 1)
        qsort(p->condemned, p->ncondemned, sizeof *p->condemned,
              sim_mutated(p->sim, MUT_STS_SCALE_DOWN_LOW) ? cmp_ordinal_asc : cmp_ordinal_desc);

    /* firstUnavailablePod: the lowest unavailable replica, else the lowest-ordinal
     * unavailable condemned pod. */
    p->first_unavailable = NULL;
    for (uint32_t i = 0; i < n && !p->first_unavailable; i++)
        if (is_unavailable(p, &p->replicas[i]))
            p->first_unavailable = &p->replicas[i];
    if (p->first_unavailable)
        return;
    for (uint32_t i = 0; i < p->ncondemned; i++) {
        const struct pod_view *v = &p->condemned[i];
        if (is_unavailable(p, v) &&
            (!p->first_unavailable || v->ordinal < p->first_unavailable->ordinal))
            p->first_unavailable = v;
    }
}

/* stateful_set_control.go updateStatefulSet: the core pass. */
static void update_pods(struct pass *p)
{
    compute_status(p);
    /* A set being deleted only gets its status; the garbage collector removes its pods. */
    if (p->set->deletion_ts != TIME_NEVER)
        return;
    if (run_for_all(p, p->nreplicas, process_replica))
        return;
    if (run_for_all(p, p->ncondemned, fix_pod_claim))
        return;
    /* Scaling takes precedence over updates. */
    if (run_for_all(p, p->ncondemned, process_condemned))
        return;
    if (p->ss->update_strategy == UPDATE_ON_DELETE)
        return;
    if (p->sim->scn->k8s.gate_max_unavailable_statefulset)
        rolling_update_max_unavailable(p);
    else
        rolling_update_legacy(p);
}

/* stateful_set_control.go updateStatefulSetStatus with stateful_set_utils.go
 * completeRollingUpdate; stateful_set_status_updater.go writes the status subresource (the
 * store notifies only when something differs, as inconsistentStatus skips the write). */
static void write_status(struct pass *p)
{
    struct sts_status *s = &p->status;
    if (p->ss->update_strategy == UPDATE_ROLLING && s->updated_replicas == p->set->replicas &&
        s->ready_replicas == p->set->replicas && s->replicas == p->set->replicas) {
        s->current_replicas = s->updated_replicas;
        s->current_revision = s->update_revision;
    }
    uint32_t was = p->set->status.current_revision;
    store_sts_set_status(p->st, p->sts, s);
    if (was != NONE_ID && was != s->current_revision && s->current_revision == s->update_revision)
        store_emit(p->st, CH_STS_UPDATE_DONE, KIND_STS, p->sts, NONE_ID, s->update_revision, 0,
                   store_wants_text(p->st) ? p->st->revisions[s->update_revision].name : NULL);
}

/* stateful_set_control.go truncateHistory: live revisions are current, update and any
 * revision a pod carries. */
static void truncate_history(struct sts_ctrl *c, struct pass *p, const uint32_t *sorted, uint32_t n)
{
    if (n == 0)
        return;
    grow_array((void **)&c->live, &c->live_cap, n, sizeof *c->live);
    for (uint32_t i = 0; i < n; i++)
        c->live[i] = sorted[i] == p->current || sorted[i] == p->update;
    const struct pod_view *lists[2] = {p->replicas, p->condemned};
    uint32_t counts[2] = {p->nreplicas, p->ncondemned};
    uint32_t last = 0;
    for (int l = 0; l < 2; l++) {
        for (uint32_t i = 0; i < counts[l]; i++) {
            const struct pod_view *v = &lists[l][i];
            if (!is_created(v))
                continue;
            if (sorted[last] == v->revision) {
                c->live[last] = true;
                continue;
            }
            for (uint32_t k = 0; k < n; k++) {
                if (has_revision(p->st, v->revision, sorted[k])) {
                    c->live[k] = true;
                    last = k;
                }
            }
        }
    }
    rev_truncate_history(p->st, sorted, n, c->live, p->ss->revision_history_limit);
}

/* stateful_set_control.go UpdateStatefulSet and performUpdate. */
static void update_stateful_set(struct sts_ctrl *c, struct pass *p)
{
    /* ListRevisions, sorted by number; the list stays as it was listed for the whole sync. */
    const struct statefulset *set = p->set;
    uint32_t n = set->nrevisions;
    grow_array((void **)&c->revs, &c->revs_cap, n ? n : 1, sizeof *c->revs);
    if (n)
        memcpy(c->revs, set->revisions, n * sizeof *c->revs);
    rev_sort(p->st, c->revs, n);

    struct rev_choice rc;
    rev_get_set_revisions(p->st, p->sts, c->revs, n, &c->scratch, &rc);
    p->current = rc.current;
    p->update = rc.update;

    build_views(c, p);
    memset(&p->status, 0, sizeof p->status);
    p->status.observed_generation = set->generation;
    p->status.current_revision = rc.current;
    p->status.update_revision = rc.update;
    p->status.collision_count = rc.collision_count;

    update_pods(p);
    /* The status is written even when the pass failed. */
    write_status(p);
    truncate_history(c, p, c->revs, n);
}

void sts_sync(struct sim *sim, uint32_t sts)
{
    struct sts_ctrl *c = sim->sts;
    if (c == NULL || sts >= c->nsets)
        return;
    struct store *st = sim->store;
    const struct statefulset *set = &st->sets[sts];
    struct pass p = {
        .sim = sim,
        .st = st,
        .sts = sts,
        .set = set,
        .ss = set->spec,
        .now = sim->now,
        .min_ready = set->spec->min_ready_ns,
        .start = set->spec->ordinals_start,
        .monotonic = set->spec->pod_management != POD_MGMT_PARALLEL,
        .pre_134 = c->pre_134,
        .reason = {.kind = BLK_NONE, .pod = NONE_ID, .ordinal = -1, .claim = NONE_ID},
    };
    update_stateful_set(c, &p);

    /* stateful_set.go processNextWorkItem (AddRateLimited or Forget) and syncStatefulSet. */
    struct sts_set_state *s = &c->sets[sts];
    if (p.err) {
        add_after(sim, sts, rate_limiter_when(s));
    } else {
        s->failures = 0; /* queue.Forget */
        /* One more sync for the clock skew of availability (syncStatefulSet). */
        if (p.min_ready > 0 && p.status.available_replicas != set->replicas)
            add_after(sim, sts, p.min_ready);
    }
    set_blocked(c, sts, &p.reason);
}

/* --- Module hooks ----------------------------------------------------------------------- */

struct sts_ctrl *sts_new(struct sim *sim)
{
    struct sts_ctrl *c = xcalloc(1, sizeof *c);
    c->sim = sim;
    c->pre_134 = k8s_minor(sim->scn->k8s.version) < 34;
    c->nsets = sim->store->nsets;
    c->sets = xcalloc(c->nsets ? c->nsets : 1, sizeof *c->sets);
    for (uint32_t i = 0; i < c->nsets; i++) {
        c->sets[i].blocked =
            (struct reason){.kind = BLK_NONE, .pod = NONE_ID, .ordinal = -1, .claim = NONE_ID};
        strbuf_init(&c->sets[i].text);
    }
    strbuf_init(&c->scratch);
    return c;
}

void sts_free(struct sts_ctrl *c)
{
    if (c == NULL)
        return;
    for (uint32_t i = 0; i < c->nsets; i++)
        strbuf_fini(&c->sets[i].text);
    free(c->sets);
    free(c->replicas);
    free(c->condemned);
    free(c->revs);
    free(c->live);
    strbuf_fini(&c->scratch);
    free(c);
}

/* The informers' initial list adds every set. */
void sts_start(struct sim *sim)
{
    for (uint32_t i = 0; i < sim->store->nsets; i++)
        sts_enqueue(sim, i);
}

/* What a sync reads first (see sim_run): the set's two lines and its queue state. */
void sts_prefetch(const struct sim *sim, const struct event *ev)
{
    if (sim->sts == NULL || ev->a >= sim->sts->nsets)
        return;
    const struct statefulset *set = &sim->store->sets[ev->a];
    PREFETCH(set);
    PREFETCH((const char *)set + 64);
    PREFETCH(&sim->sts->sets[ev->a]);
}

void sts_on_event(struct sim *sim, const struct event *ev)
{
    struct sts_ctrl *c = sim->sts;
    if (ev->a >= c->nsets)
        return;
    struct sts_set_state *s = &c->sets[ev->a];
    if (ev->kind == EV_SYNC && ev->handle == s->sync_ev)
        s->sync_ev = QUEUE_NO_EVENT;
    else if (ev->kind == EV_SYNC_AFTER && ev->handle == s->after_ev)
        s->after_ev = QUEUE_NO_EVENT;
    sts_sync(sim, ev->a);
}

/* The pod and set informer handlers (addPod, updatePod, deletePod, the set's Add/Update).
 * Any update of the set enqueues it, its own status writes included. Claims are not
 * watched (upstream: "TODO: Watch volumes"). */
void sts_on_change(void *ctx, const struct change *ch)
{
    struct sim *sim = ctx;
    if (sim->sts == NULL)
        return;
    switch (ch->reason) {
    case CH_POD_CREATED:
    case CH_POD_SCHEDULED:
    case CH_POD_RUNNING:
    case CH_POD_FAILED:
    case CH_POD_SUCCEEDED:
    case CH_POD_WAITING:
    case CH_POD_READY:
    case CH_POD_NOT_READY:
    case CH_POD_DELETE_REQUESTED:
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED: {
        if (ch->kind != KIND_POD || ch->obj >= sim->store->npods)
            return;
        uint32_t sts = sim->store->pods[ch->obj].sts;
        if (sts >= sim->sts->nsets)
            return;
        int64_t seen = sim->now + sim_watch_delay(sim);
        enqueue_at(sim, sts, seen);
        /* updatePod: a pod turning Ready re-enqueues after minReadySeconds + 1 s ("to avoid
         * milliseconds skew in AddAfter"), from the handler, so after the informer delay. */
        if (ch->reason == CH_POD_READY) {
            int64_t min_ready = sim->store->sets[sts].spec->min_ready_ns;
            if (min_ready > 0)
                add_after_at(sim, sts, seen + min_ready + SEC(1));
        }
        break;
    }
    case CH_STS_SCALED:
    case CH_STS_TEMPLATE:
    case CH_STS_STATUS:
        if (ch->kind == KIND_STS)
            sts_enqueue(sim, ch->obj);
        break;
    default: break;
    }
}

const char *sts_blocked_reason(const struct sim *sim, uint32_t sts)
{
    struct sts_ctrl *c = sim->sts;
    if (c == NULL || sts >= c->nsets || c->sets[sts].blocked.kind == BLK_NONE)
        return "";
    struct sts_set_state *s = &c->sets[sts];
    reason_text(&s->text, sim->store, sts, &s->blocked);
    return s->text.buf;
}
