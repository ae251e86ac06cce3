/* The node lifecycle controller, after upstream
 * pkg/controller/nodelifecycle/node_lifecycle_controller.go and
 * pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go.
 *
 * Three loops, as upstream runs them:
 * - monitorNodeHealth on the node-monitor grid (5 s): probe timestamps from Lease renewals,
 *   Ready=Unknown after the grace period, MarkPodsNotReady, processTaintBaseEviction, then
 *   handleDisruption (zone states and eviction rates). Upstream passes over every node on
 *   every tick, so this one does too: one event per period, O(nodes) per pass.
 * - doNoExecuteTaintingPass on a 100 ms grid: each zone's RateLimitedTimedQueue behind a
 *   token bucket of burst 1. Instead of an event every 100 ms, each zone schedules one event
 *   at the first tick of that grid where its bucket holds a token and its queue is not empty.
 * - doNoScheduleTaintingPass, a worker fed by node updates after the informer delay. */
#include "controllers/nodelifecycle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* scheduler.NodeEvictionPeriod: how often the NoExecute tainting pass drains the queues. */
#define NLC_DRAIN_PERIOD MSEC(100)

/* isNodeExcludedFromDisruptionChecks: nodes with this label are not counted in zones. */
static const char LABEL_EXCLUDE_DISRUPTION[] = "node.kubernetes.io/exclude-disruption";

/* taintKeyToNodeConditionMap plus the unschedulable key: the NoSchedule taints that
 * doNoScheduleTaintingPass owns and may remove. */
static const char *const OWNED_NOSCHEDULE_KEYS[] = {
    k8s_taint_keys[TK_NOT_READY],         k8s_taint_keys[TK_UNREACHABLE],
    k8s_taint_keys[TK_NETWORK_UNAVAILABLE], k8s_taint_keys[TK_MEMORY_PRESSURE],
    k8s_taint_keys[TK_DISK_PRESSURE],     k8s_taint_keys[TK_PID_PRESSURE],
    k8s_taint_keys[TK_UNSCHEDULABLE],
};

enum nlc_event_kind {
    EV_MONITOR,   /* monitorNodeHealth pass */
    EV_DRAIN,     /* doNoExecuteTaintingPass for zone a */
    EV_NOSCHED,   /* doNoScheduleTaintingPass for node a */
    EV_POD_BOUND, /* processPod: pod a was bound to node b */
};

/* A flowcontrol.RateLimiter as SwapLimiter builds them: a token bucket of burst 1
 * (NewTokenBucketRateLimiter(qps, EvictionRateLimiterBurst)) or a fake "never" limiter. */
struct limiter {
    bool never;      /* NewFakeNeverRateLimiter: TryAccept is always false */
    float qps;       /* upstream keeps float32 */
    int64_t full_at; /* the bucket holds its single token from this time on */
};

struct nlc_zone {
    enum nlc_zone_kind state;
    bool tracked; /* present in upstream zoneStates */
    struct limiter lim;
    /* The RateLimitedTimedQueue. Every Add has ProcessAt = now and now only grows, so
     * the heap ordered by ProcessAt is a FIFO: a list threaded through the nodes. */
    uint32_t head, tail, len;
    uint64_t drain; /* pending EV_DRAIN */
    int64_t drain_at;
    /* Per pass: the Ready conditions gathered for ComputeZoneState. */
    uint32_t pass_ready, pass_not_ready;
};

/* Per node: upstream nodeHealthData, knownNodeSet and the zone queue membership. */
struct nlc_node {
    /* 56 bytes: each pass reads them for every node. */
    bool seen;  /* nodeHealthMap has an entry */
    bool known; /* knownNodeSet */
    bool excluded;
    bool in_set;          /* UniqueQueue.set: Add is refused while set */
    bool in_queue;        /* still waiting in the queue */
    bool nosched_pending; /* queued for the NoSchedule worker */
    /* The saved Ready condition: a kubelet post changes at least one of these. */
    enum cond saved_ready;
    uint32_t prev, next;
    int64_t probe;       /* probeTimestamp, on the controller's clock */
    int64_t saved_renew; /* renewTime of the saved Lease, -1 when none */
    const char *saved_reason;
    int64_t saved_transition;
};

struct nodelifecycle {
    int64_t period, grace;
    int64_t phase, drain_phase;
    bool started;
    struct nlc_node *nodes;
    uint32_t nnodes;
    struct nlc_zone *zones;
    uint32_t nzones;
};

const char *nlc_zone_kind_name(enum nlc_zone_kind k)
{
    static const char *const names[] = {
        [NLC_ZONE_INITIAL] = "Initial",
        [NLC_ZONE_NORMAL] = "Normal",
        [NLC_ZONE_PARTIAL_DISRUPTION] = "PartialDisruption",
        [NLC_ZONE_FULL_DISRUPTION] = "FullDisruption",
    };
    return (unsigned)k < ARRAY_LEN(names) ? names[k] : "";
}

const char *nlc_zone_state(const struct sim *sim, uint32_t zone)
{
    const struct nodelifecycle *c = sim->nlc;
    if (c == NULL || zone >= c->nzones)
        return "";
    return nlc_zone_kind_name(c->zones[zone].state);
}

/* --- The token bucket (client-go flowcontrol over golang.org/x/time/rate) ------------- */

/* Time for an empty bucket to hold one token again: x/time/rate counts
 * elapsed.Seconds() * float64(limit) tokens, limit being the float32 QPS. */
static int64_t token_interval(float qps)
{
    if (!(qps > 0.0f))
        return TIME_NEVER; /* a zero limit gives its burst once, then never again */
    double ns = ceil(1e9 / (double)qps);
    return ns >= 1e18 ? TIME_NEVER : (int64_t)ns;
}

static struct limiter limiter_bucket(float qps, int64_t full_at)
{
    struct limiter l = {.never = false, .qps = qps, .full_at = full_at};
    return l;
}

/* TryAccept: take the token if the bucket holds it. */
static bool limiter_try_accept(struct limiter *l, int64_t now)
{
    if (l->never || now < l->full_at)
        return false;
    int64_t dt = token_interval(l->qps);
    l->full_at = dt == TIME_NEVER || now > TIME_NEVER - dt ? TIME_NEVER : now + dt;
    return true;
}

/* RateLimitedTimedQueue.SwapLimiter. The fake never-limiter reports QPS 1, so swapping it
 * for a bucket of exactly 1 QPS is a no-op upstream; kept. A new bucket starts full unless
 * the old limiter had no token, then it starts drained ("good approach when Burst is 1"). */
static void limiter_swap(struct limiter *l, float new_qps, int64_t now)
{
    float reported = l->never ? 1.0f : l->qps;
    if (reported == new_qps)
        return;
    if (new_qps <= 0.0f) {
        l->never = true;
        return;
    }
    bool had_token = limiter_try_accept(l, now);
    struct limiter n = limiter_bucket(new_qps, INT64_MIN);
    if (!had_token)
        limiter_try_accept(&n, now);
    *l = n;
}

/* --- Helpers ------------------------------------------------------------------------ */

static bool node_excluded(const struct node *n)
{
    for (uint32_t i = 0; i < n->nlabels; i++)
        if (strcmp(n->labels[i].key, LABEL_EXCLUDE_DISRUPTION) == 0)
            return true;
    return false;
}

static void save_status(struct nlc_node *h, const struct node *n)
{
    h->saved_ready = n->ready;
    h->saved_reason = n->ready_reason;
    h->saved_transition = n->ready_transition;
}

static bool status_differs(const struct nlc_node *h, const struct node *n)
{
    if (h->saved_ready != n->ready || h->saved_transition != n->ready_transition)
        return true;
    if (h->saved_reason == n->ready_reason)
        return false;
    return h->saved_reason == NULL || n->ready_reason == NULL ||
           strcmp(h->saved_reason, n->ready_reason) != 0;
}

static void add_taint(struct sim *sim, uint32_t node, const char *key, enum taint_effect e)
{
    struct taint t = {.key = key, .value = "", .effect = e};
    store_node_add_taint(sim->store, node, &t);
}

/* controllerutil.SwapNodeControllerTaint: add first, then remove. */
static void swap_taint(struct sim *sim, uint32_t node, const char *add, const char *remove)
{
    add_taint(sim, node, add, EFFECT_NO_EXECUTE);
    store_node_remove_taint(sim->store, node, remove, EFFECT_NO_EXECUTE);
}

/* --- The zone queues ---------------------------------------------------------------- */

static void queue_unlink(struct nodelifecycle *c, struct nlc_zone *z, uint32_t i)
{
    struct nlc_node *h = &c->nodes[i];
    if (!h->in_queue)
        return;
    if (h->prev != NONE_ID)
        c->nodes[h->prev].next = h->next;
    else
        z->head = h->next;
    if (h->next != NONE_ID)
        c->nodes[h->next].prev = h->prev;
    else
        z->tail = h->prev;
    h->prev = h->next = NONE_ID;
    h->in_queue = false;
    z->len--;
}

/* Schedule the zone's next drain: the first 100 ms tick at which the bucket has a token,
 * while something waits and the limiter can ever accept. */
static void zone_schedule_drain(struct sim *sim, uint32_t zi)
{
    struct nodelifecycle *c = sim->nlc;
    struct nlc_zone *z = &c->zones[zi];
    int64_t t = TIME_NEVER;
    if (c->started && z->len > 0 && !z->lim.never && z->lim.full_at != TIME_NEVER) {
        int64_t from = z->lim.full_at > sim->now ? z->lim.full_at : sim->now;
        t = grid_next(from, c->drain_phase, NLC_DRAIN_PERIOD);
    }
    if (z->drain != QUEUE_NO_EVENT && z->drain_at == t)
        return;
    sim_cancel(sim, z->drain);
    z->drain = QUEUE_NO_EVENT;
    if (t == TIME_NEVER)
        return;
    z->drain = sim_at(sim, t, MOD_NLC, EV_DRAIN, zi, 0, 0);
    z->drain_at = t;
}

/* UniqueQueue.Add through RateLimitedTimedQueue.Add: refused while the value is in the set,
 * even after it was processed (RemoveFromQueue keeps it there). */
static bool zone_queue_add(struct sim *sim, uint32_t i)
{
    struct nodelifecycle *c = sim->nlc;
    struct nlc_node *h = &c->nodes[i];
    uint32_t zi = sim->store->nodes[i].zone;
    struct nlc_zone *z = &c->zones[zi];
    if (h->in_set)
        return false;
    h->in_set = h->in_queue = true;
    h->next = NONE_ID;
    h->prev = z->tail;
    if (z->tail != NONE_ID)
        c->nodes[z->tail].next = i;
    else
        z->head = i;
    z->tail = i;
    z->len++;
    zone_schedule_drain(sim, zi);
    return true;
}

/* UniqueQueue.Remove: out of the queue and of the set, so it may be added again. */
static bool zone_queue_remove(struct sim *sim, uint32_t i)
{
    struct nodelifecycle *c = sim->nlc;
    struct nlc_node *h = &c->nodes[i];
    if (!h->in_set)
        return false;
    h->in_set = false;
    struct nlc_zone *z = &c->zones[sim->store->nodes[i].zone];
    queue_unlink(c, z, i);
    if (z->len == 0)
        zone_schedule_drain(sim, sim->store->nodes[i].zone);
    return true;
}

/* addPodEvictorForNewZone: a zone seen for the first time (or again after it had no
 * nodes) gets state Initial and a fresh queue behind a full bucket at the normal rate. */
static void zone_track(struct sim *sim, uint32_t zi)
{
    struct nodelifecycle *c = sim->nlc;
    struct nlc_zone *z = &c->zones[zi];
    if (z->tracked)
        return;
    z->tracked = true;
    z->state = NLC_ZONE_INITIAL;
    z->lim = limiter_bucket((float)sim->scn->k8s.node_eviction_rate, INT64_MIN);
    for (uint32_t i = z->head; i != NONE_ID;) {
        uint32_t next = c->nodes[i].next;
        c->nodes[i].in_queue = c->nodes[i].in_set = false;
        c->nodes[i].prev = c->nodes[i].next = NONE_ID;
        i = next;
    }
    z->head = z->tail = NONE_ID;
    z->len = 0;
    zone_schedule_drain(sim, zi);
}

/* --- monitorNodeHealth and its helpers ---------------------------------------------- */

/* markNodeAsReachable: drop both NoExecute taints and forget the node in its queue. */
static void mark_node_as_reachable(struct sim *sim, uint32_t i)
{
    store_node_remove_taint(sim->store, i, TAINT_UNREACHABLE, EFFECT_NO_EXECUTE);
    store_node_remove_taint(sim->store, i, TAINT_NOT_READY, EFFECT_NO_EXECUTE);
    zone_queue_remove(sim, i);
}

/* markNodeForTainting: a node whose NoExecute taint is missing is removed and added again
 * (k/k #89059 reconciles a taint someone removed); one already tainted stays in the set. */
static void mark_node_for_tainting(struct sim *sim, uint32_t i, enum cond status)
{
    const struct node *n = &sim->store->nodes[i];
    if (status == COND_FALSE && !node_has_taint(n, TAINT_NOT_READY, EFFECT_NO_EXECUTE))
        zone_queue_remove(sim, i);
    if (status == COND_UNKNOWN && !node_has_taint(n, TAINT_UNREACHABLE, EFFECT_NO_EXECUTE))
        zone_queue_remove(sim, i);
    zone_queue_add(sim, i);
}

/* processTaintBaseEviction switches on the Ready condition observed before this pass's
 * update, so a node that turns Unknown in this pass is queued on the next one. */
static void process_taint_base_eviction(struct sim *sim, uint32_t i, enum cond observed)
{
    const struct node *n = &sim->store->nodes[i];
    switch (observed) {
    case COND_FALSE:
        if (node_has_taint(n, TAINT_UNREACHABLE, EFFECT_NO_EXECUTE))
            swap_taint(sim, i, TAINT_NOT_READY, TAINT_UNREACHABLE);
        else
            mark_node_for_tainting(sim, i, COND_FALSE);
        break;
    case COND_UNKNOWN:
        /* k8s.taint_eviction_broken: the v1.19-1.20 regression (k/k #94183, #96183, fixed
         * by #96876) where an unreachable node never got its NoExecute taint. */
        if (sim->scn->k8s.taint_eviction_broken)
            break;
        if (node_has_taint(n, TAINT_NOT_READY, EFFECT_NO_EXECUTE))
            swap_taint(sim, i, TAINT_UNREACHABLE, TAINT_NOT_READY);
        else
            mark_node_for_tainting(sim, i, COND_UNKNOWN);
        break;
    case COND_TRUE: mark_node_as_reachable(sim, i); break;
    }
}

/* controllerutil.MarkPodsNotReady: Ready=False on every pod of the node that is Ready,
 * with a NodeNotReady event on each pod updated. The phase is left as it is. */
static void mark_pods_not_ready(struct sim *sim, uint32_t i)
{
    struct store *st = sim->store;
    const struct node *n = &st->nodes[i];
    for (uint32_t k = 0; k < n->npods; k++) {
        uint32_t pod = n->pods[k];
        if (st->pods[pod].gone || !st->pods[pod].ready)
            continue;
        store_pod_set_ready(st, pod, false);
        store_emit(st, CH_POD_MARKED_NOT_READY, KIND_POD, pod, i, 0, 0,
                   store_wants_text(st) ? "Node is not ready" : NULL);
    }
}

/* tryUpdateNodeHealth: refresh probeTimestamp from a new Lease renewal or a new status
 * posted by the kubelet; past the grace period, post Ready=Unknown ("NodeStatusUnknown",
 * "Kubelet stopped posting node status."). MemoryPressure and the other conditions go
 * Unknown too upstream; sssim models only Ready. */
static void try_update_node_health(struct sim *sim, uint32_t i)
{
    struct nodelifecycle *c = sim->nlc;
    struct nlc_node *h = &c->nodes[i];
    const struct node *n = &sim->store->nodes[i];
    int64_t now = sim->now;

    if (!h->seen || status_differs(h, n)) {
        /* "Missing timestamp for Node. Assuming now", or a new LastHeartbeatTime. */
        h->seen = true;
        h->probe = now;
        save_status(h, n);
    }
    int64_t renew = node_lease_renew_time(n, now);
    if (renew >= 0 && (h->saved_renew < 0 || h->saved_renew < renew)) {
        h->saved_renew = renew;
        h->probe = now;
    }
    /* Upstream tests now.After(probe + grace). Its loop period is sliding
     * (wait.UntilWithContext): each pass starts a period after the previous one ended, so
     * the pass that falls grace/period ticks after the probe runs slightly later than
     * probe + grace and already sees it expired. sssim's ticks are exact, hence >=. */
    if (now - h->probe >= c->grace && n->ready != COND_UNKNOWN) {
        store_node_set_ready(sim->store, i, COND_UNKNOWN, "NodeStatusUnknown");
        save_status(h, n);
    }
}

/* ReducedQPSFunc / HealthyQPSFunc through setLimiterInZone. */
static void set_limiter_in_zone(struct sim *sim, uint32_t zi, uint32_t size,
                                enum nlc_zone_kind state)
{
    const struct scn_kubernetes *k = &sim->scn->k8s;
    struct nlc_zone *z = &sim->nlc->zones[zi];
    float qps = (float)k->node_eviction_rate;
    if (state == NLC_ZONE_PARTIAL_DISRUPTION)
        qps = (int32_t)size > k->large_cluster_size_threshold
                  ? (float)k->secondary_node_eviction_rate
                  : 0.0f;
    limiter_swap(&z->lim, qps, sim->now);
    zone_schedule_drain(sim, zi);
}

/* ComputeZoneState: no Ready node is FullDisruption; more than 2 not Ready and at least
 * unhealthyZoneThreshold of them is PartialDisruption. The ratio is float32 upstream. */
static enum nlc_zone_kind compute_zone_state(const struct sim *sim, const struct nlc_zone *z)
{
    uint32_t ready = z->pass_ready, not_ready = z->pass_not_ready;
    if (ready == 0 && not_ready > 0)
        return NLC_ZONE_FULL_DISRUPTION;
    if (not_ready > 2 && (float)not_ready / (float)(not_ready + ready) >=
                             (float)sim->scn->k8s.unhealthy_zone_threshold)
        return NLC_ZONE_PARTIAL_DISRUPTION;
    return NLC_ZONE_NORMAL;
}

static void set_zone_state(struct sim *sim, uint32_t zi, enum nlc_zone_kind state)
{
    struct nlc_zone *z = &sim->nlc->zones[zi];
    enum nlc_zone_kind old = z->state;
    if (old == state)
        return;
    z->state = state;
    /* Initial -> Normal is every zone's first pass: not worth a trace line. */
    if (old == NLC_ZONE_INITIAL && state == NLC_ZONE_NORMAL)
        return;
    struct store *st = sim->store;
    store_emit(st, CH_ZONE_STATE, KIND_ZONE, zi, NONE_ID, state, old,
               store_wants_text(st) ? nlc_zone_kind_name(state) : NULL);
}

/* handleDisruption: new zone states; when every zone is fully disrupted the controller
 * assumes its own connectivity is at fault, removes the NoExecute taints of every node and
 * stops tainting; on leaving that mode it resets every node's probe timestamp. */
static void handle_disruption(struct sim *sim)
{
    struct nodelifecycle *c = sim->nlc;
    struct store *st = sim->store;
    enum nlc_zone_kind *next = xmalloc((c->nzones ? c->nzones : 1) * sizeof *next);
    bool all_are_full = true;
    for (uint32_t zi = 0; zi < c->nzones; zi++) {
        struct nlc_zone *z = &c->zones[zi];
        if (z->pass_ready + z->pass_not_ready == 0)
            continue;
        next[zi] = compute_zone_state(sim, z);
        if (next[zi] != NLC_ZONE_FULL_DISRUPTION)
            all_are_full = false;
        if (!z->tracked) {
            z->tracked = true;
            z->state = NLC_ZONE_INITIAL;
        }
    }
    bool all_were_full = true;
    for (uint32_t zi = 0; zi < c->nzones; zi++) {
        struct nlc_zone *z = &c->zones[zi];
        if (!z->tracked)
            continue;
        if (z->pass_ready + z->pass_not_ready == 0) {
            /* A zone without nodes leaves zoneStates; its queue stays. */
            z->tracked = false;
            z->state = NLC_ZONE_INITIAL;
            continue;
        }
        if (z->state != NLC_ZONE_FULL_DISRUPTION)
            all_were_full = false;
    }

    if (all_are_full && all_were_full) {
        free(next);
        return;
    }
    if (all_are_full) {
        /* "Entering master disruption mode". */
        for (uint32_t i = 0; i < c->nnodes; i++)
            if (st->nodes[i].exists)
                mark_node_as_reachable(sim, i);
        for (uint32_t zi = 0; zi < c->nzones; zi++) {
            if (!c->zones[zi].tracked)
                continue;
            limiter_swap(&c->zones[zi].lim, 0.0f, sim->now);
            zone_schedule_drain(sim, zi);
        }
        for (uint32_t zi = 0; zi < c->nzones; zi++)
            if (c->zones[zi].tracked)
                set_zone_state(sim, zi, NLC_ZONE_FULL_DISRUPTION);
    } else if (all_were_full) {
        /* "Exiting master disruption mode". */
        for (uint32_t i = 0; i < c->nnodes; i++)
            if (st->nodes[i].exists && c->nodes[i].seen)
                c->nodes[i].probe = sim->now;
        for (uint32_t zi = 0; zi < c->nzones; zi++) {
            struct nlc_zone *z = &c->zones[zi];
            if (!z->tracked)
                continue;
            set_limiter_in_zone(sim, zi, z->pass_ready + z->pass_not_ready, next[zi]);
            set_zone_state(sim, zi, next[zi]);
        }
    } else {
        for (uint32_t zi = 0; zi < c->nzones; zi++) {
            struct nlc_zone *z = &c->zones[zi];
            if (!z->tracked || z->state == next[zi])
                continue;
            set_limiter_in_zone(sim, zi, z->pass_ready + z->pass_not_ready, next[zi]);
            set_zone_state(sim, zi, next[zi]);
        }
    }
    free(next);
}

/* monitorNodeHealth: one pass over every node the API lists. */
static void monitor_node_health(struct sim *sim)
{
    struct nodelifecycle *c = sim->nlc;
    struct store *st = sim->store;

    /* classifyNodes: new nodes are registered and marked reachable; deleted ones are
     * forgotten (their health data and queue entries stay, as upstream's do). */
    for (uint32_t i = 0; i < c->nnodes; i++) {
        struct nlc_node *h = &c->nodes[i];
        const struct node *n = &st->nodes[i];
        if (n->exists && !h->known) {
            h->known = true;
            zone_track(sim, n->zone);
            mark_node_as_reachable(sim, i);
        } else if (n->exists && !c->zones[n->zone].tracked) {
            zone_track(sim, n->zone);
        } else if (!n->exists && h->known) {
            h->known = false;
        }
    }
    for (uint32_t zi = 0; zi < c->nzones; zi++)
        c->zones[zi].pass_ready = c->zones[zi].pass_not_ready = 0;

    for (uint32_t i = 0; i < c->nnodes; i++) {
        const struct node *n = &st->nodes[i];
        if (!n->exists)
            continue;
        enum cond observed = n->ready;
        try_update_node_health(sim, i);
        enum cond current = n->ready;
        if (!c->nodes[i].excluded) {
            struct nlc_zone *z = &c->zones[n->zone];
            if (current == COND_TRUE)
                z->pass_ready++;
            else
                z->pass_not_ready++;
        }
        process_taint_base_eviction(sim, i, observed);
        /* Only the controller's own transition marks pods: a NotReady posted by the
         * kubelet was already the observed condition. */
        if (current != COND_TRUE && observed == COND_TRUE)
            mark_pods_not_ready(sim, i);
    }
    handle_disruption(sim);
}

/* One doNoExecuteTaintingPass over zone zi: RateLimitedTimedQueue.Try takes a token for
 * the head, then the action reads the node's current Ready condition. */
static void drain_zone(struct sim *sim, uint32_t zi)
{
    struct nodelifecycle *c = sim->nlc;
    struct store *st = sim->store;
    struct nlc_zone *z = &c->zones[zi];
    z->drain = QUEUE_NO_EVENT;
    if (z->len == 0 || !limiter_try_accept(&z->lim, sim->now)) {
        zone_schedule_drain(sim, zi);
        return;
    }
    uint32_t i = z->head;
    const struct node *n = &st->nodes[i];
    if (n->exists) {
        if (n->ready == COND_FALSE)
            swap_taint(sim, i, TAINT_NOT_READY, TAINT_UNREACHABLE);
        else if (n->ready == COND_UNKNOWN && !sim->scn->k8s.taint_eviction_broken)
            swap_taint(sim, i, TAINT_UNREACHABLE, TAINT_NOT_READY);
        /* Ready again: "no need to taint it"; the token is spent all the same. */
    }
    /* RemoveFromQueue: processed, but kept in the set. */
    queue_unlink(c, z, i);
    zone_schedule_drain(sim, zi);
}

/* --- doNoScheduleTaintingPass ------------------------------------------------------- */

struct nosched_diff {
    const char *add[2];
    uint32_t nadd;
    const char *del[ARRAY_LEN(OWNED_NOSCHEDULE_KEYS)];
    uint32_t ndel;
};

static bool owned_noschedule_key(const char *key)
{
    for (size_t k = 0; k < ARRAY_LEN(OWNED_NOSCHEDULE_KEYS); k++)
        if (taint_key_eq(key, OWNED_NOSCHEDULE_KEYS[k]))
            return true;
    return false;
}

/* The NoSchedule taints the node's conditions and spec.unschedulable call for, against
 * the condition taints it has (taintutils.TaintSetDiff). */
static bool nosched_compute(const struct node *n, struct nosched_diff *d)
{
    const char *want[2];
    uint32_t nwant = 0;
    if (n->ready == COND_FALSE)
        want[nwant++] = TAINT_NOT_READY;
    else if (n->ready == COND_UNKNOWN)
        want[nwant++] = TAINT_UNREACHABLE;
    if (n->unschedulable)
        want[nwant++] = TAINT_UNSCHEDULABLE;
    d->nadd = d->ndel = 0;
    for (uint32_t w = 0; w < nwant; w++)
        if (!node_has_taint(n, want[w], EFFECT_NO_SCHEDULE))
            d->add[d->nadd++] = want[w];
    for (uint32_t t = 0; t < n->ntaints; t++) {
        const struct taint *k = &n->taints[t].taint;
        if (k->effect != EFFECT_NO_SCHEDULE || !owned_noschedule_key(k->key))
            continue;
        bool wanted = false;
        for (uint32_t w = 0; w < nwant; w++)
            wanted = wanted || taint_key_eq(k->key, want[w]);
        if (!wanted && d->ndel < ARRAY_LEN(d->del))
            d->del[d->ndel++] = k->key;
    }
    return d->nadd + d->ndel > 0;
}

static void enqueue_nosched(struct sim *sim, uint32_t i)
{
    struct nlc_node *h = &sim->nlc->nodes[i];
    struct nosched_diff d;
    if (h->nosched_pending || !sim->store->nodes[i].exists ||
        !nosched_compute(&sim->store->nodes[i], &d))
        return;
    h->nosched_pending = true;
    sim_after(sim, sim_watch_delay(sim), MOD_NLC, EV_NOSCHED, i, 0, 0);
}

static void nosched_pass(struct sim *sim, uint32_t i)
{
    sim->nlc->nodes[i].nosched_pending = false;
    const struct node *n = &sim->store->nodes[i];
    struct nosched_diff d;
    if (!n->exists || !nosched_compute(n, &d))
        return;
    /* SwapNodeControllerTaint: additions first. Keys are arena strings, so they outlive
     * the removals that shift the node's taint array. */
    for (uint32_t k = 0; k < d.nadd; k++)
        add_taint(sim, i, d.add[k], EFFECT_NO_SCHEDULE);
    for (uint32_t k = 0; k < d.ndel; k++)
        store_node_remove_taint(sim->store, i, d.del[k], EFFECT_NO_SCHEDULE);
}

/* processPod: a pod bound to a node whose saved Ready condition is not True is marked not
 * Ready at once instead of waiting for a transition. */
static void process_pod(struct sim *sim, uint32_t pod, uint32_t node)
{
    struct store *st = sim->store;
    const struct pod *p = &st->pods[pod];
    const struct nlc_node *h = &sim->nlc->nodes[node];
    if (p->gone || p->node != node || !h->seen || !st->nodes[node].exists)
        return;
    if (h->saved_ready != COND_TRUE && p->ready) {
        store_pod_set_ready(st, pod, false);
        store_emit(st, CH_POD_MARKED_NOT_READY, KIND_POD, pod, node, 0, 0,
                   store_wants_text(st) ? "Node is not ready" : NULL);
    }
}

/* --- Module interface --------------------------------------------------------------- */

struct nodelifecycle *nlc_new(struct sim *sim)
{
    const struct store *st = sim->store;
    struct nodelifecycle *c = xcalloc(1, sizeof *c);
    c->period = sim->scn->k8s.node_monitor_period_ns;
    c->grace = sim->scn->k8s.node_monitor_grace_ns;
    c->nnodes = st->nnodes;
    c->nodes = xcalloc(c->nnodes ? c->nnodes : 1, sizeof *c->nodes);
    for (uint32_t i = 0; i < c->nnodes; i++) {
        struct nlc_node *h = &c->nodes[i];
        h->saved_renew = -1;
        h->prev = h->next = NONE_ID;
        h->excluded = node_excluded(&st->nodes[i]);
    }
    c->nzones = st->nzones;
    c->zones = xcalloc(c->nzones ? c->nzones : 1, sizeof *c->zones);
    for (uint32_t z = 0; z < c->nzones; z++) {
        c->zones[z].head = c->zones[z].tail = NONE_ID;
        c->zones[z].lim = limiter_bucket((float)sim->scn->k8s.node_eviction_rate, INT64_MIN);
    }
    return c;
}

void nlc_free(struct nodelifecycle *c)
{
    if (c == NULL)
        return;
    free(c->nodes);
    free(c->zones);
    free(c);
}

void nlc_start(struct sim *sim)
{
    struct nodelifecycle *c = sim->nlc;
    if (c->period <= 0)
        c->period = SEC(5);
    c->phase = sim_phase(sim, c->period);
    c->drain_phase = sim_phase(sim, NLC_DRAIN_PERIOD);
    c->started = true;
    sim_at(sim, c->phase, MOD_NLC, EV_MONITOR, 0, 0, 0);
    /* The node informer's initial list: every node goes through the NoSchedule worker. */
    for (uint32_t i = 0; i < c->nnodes; i++)
        enqueue_nosched(sim, i);
}

void nlc_on_event(struct sim *sim, const struct event *ev)
{
    switch ((enum nlc_event_kind)ev->kind) {
    case EV_MONITOR:
        monitor_node_health(sim);
        sim_after(sim, sim->nlc->period, MOD_NLC, EV_MONITOR, 0, 0, 0);
        break;
    case EV_DRAIN:
        if (ev->a < sim->nlc->nzones && sim->nlc->zones[ev->a].drain == ev->handle)
            drain_zone(sim, ev->a);
        break;
    case EV_NOSCHED: nosched_pass(sim, ev->a); break;
    case EV_POD_BOUND: process_pod(sim, ev->a, ev->b); break;
    }
}

void nlc_on_change(void *ctx, const struct change *ch)
{
    struct sim *sim = ctx;
    struct nodelifecycle *c = sim->nlc;
    if (c == NULL || !c->started)
        return;
    switch (ch->reason) {
    case CH_NODE_READY:
    case CH_NODE_NOT_READY:
    case CH_NODE_UNKNOWN:
    case CH_NODE_CORDONED:
    case CH_NODE_UNCORDONED:
        if (ch->obj < c->nnodes)
            enqueue_nosched(sim, ch->obj);
        break;
    case CH_NODE_TAINTED:
    case CH_NODE_UNTAINTED:
        if (ch->obj < c->nnodes && ch->b == EFFECT_NO_SCHEDULE)
            enqueue_nosched(sim, ch->obj);
        break;
    case CH_POD_SCHEDULED:
        /* podUpdated: a pod newly bound to a node the controller saw not Ready. */
        if (ch->node < c->nnodes && c->nodes[ch->node].seen &&
            c->nodes[ch->node].saved_ready != COND_TRUE)
            sim_after(sim, sim_watch_delay(sim), MOD_NLC, EV_POD_BOUND, ch->obj, ch->node, 0);
        break;
    default: break;
    }
}
