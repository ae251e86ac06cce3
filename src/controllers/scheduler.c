/* kube-scheduler on the store.
 *
 * The scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go) becomes per-pod
 * state: a pod is active (an EV_ATTEMPT is pending), unschedulable (in the unschedulablePods
 * list until an informer event of a plugin that rejected it moves it, or the 5-minute
 * leftover flush), or waiting in PreBind for its WaitForFirstConsumer claims. One attempt is
 * one scheduling cycle of schedule_one.go: the PreFilter and Filter plugins of the default
 * profile in their order, PostFilter's message (preemption itself is not modelled), a score,
 * selectHost; then the binding cycle. Binding writes spec.nodeName (store_pod_bind). */
#include "controllers/scheduler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/volumes.h"
#include "engine/simtime.h"
#include "util/util.h"

#define LABEL_HOSTNAME "kubernetes.io/hostname"
#define LABEL_ZONE "topology.kubernetes.io/zone"

/* schedule_one.go numFeasibleNodesToFind: minFeasibleNodesToFind and
 * minFeasibleNodesPercentageToFind (percentageOfNodesToScore unset: adaptive). */
#define MIN_FEASIBLE_NODES 100
#define MIN_FEASIBLE_PERCENT 5
/* scheduling_queue.go Run: flushUnschedulablePodsLeftover every 30 s. */
#define UNSCHED_FLUSH_PERIOD SEC(30)
/* volumebinding DefaultBindTimeoutSeconds: how long PreBind waits for provisioning. */
#define BIND_TIMEOUT SEC(600)
/* pkg/scheduler/util DefaultMilliCPURequest / DefaultMemoryRequest: what scoring assumes
 * for a pod that requests nothing (GetNonzeroRequests). */
#define DEFAULT_MILLI_CPU 100
#define DEFAULT_MEMORY_BYTES (INT64_C(200) * 1024 * 1024)
/* podtopologyspread systemDefaultConstraints: hostname maxSkew 3, zone maxSkew 5, both
 * ScheduleAnyway (scoring only). */
#define SPREAD_HOST_MAX_SKEW 3
#define SPREAD_ZONE_MAX_SKEW 5
/* apis/config/v1 default_plugins.go weights of the scores kept here. */
#define WEIGHT_FIT 1
#define WEIGHT_SPREAD 2
#define MAX_NODE_SCORE 100

enum sched_event {
    EV_ATTEMPT,         /* a = pod: popped from activeQ / backoffQ, run a cycle */
    EV_MOVE,            /* informer events reached the queue: move unschedulable pods */
    EV_FLUSH,           /* a = pod: flushUnschedulablePodsLeftover picked it */
    EV_PREBIND,         /* a = pod: a claim of a pod in PreBind was bound */
    EV_PREBIND_TIMEOUT, /* the oldest PreBind deadline came: BindPodVolumes gives up */
};

/* The plugins that rejected a pod (Diagnosis.UnschedulablePlugins). Only events those
 * plugins register (EventsToRegister with their queueing hints) move the pod back. */
enum sched_plugin {
    PL_NODE_UNSCHEDULABLE = 1u << 0, /* Node add, spec.unschedulable cleared */
    PL_TAINT_TOLERATION = 1u << 1,   /* Node add, a taint removed */
    PL_NODE_AFFINITY = 1u << 2,      /* Node add, labels changed (never here) */
    PL_NODE_RESOURCES_FIT = 1u << 3, /* an assigned pod deleted */
    PL_VOLUME_BINDING = 1u << 4,     /* PVC added or bound */
};

enum qstate {
    Q_NONE,          /* not in the queue (not ours, bound, or gone) */
    Q_ACTIVE,        /* an EV_ATTEMPT is pending (activeQ or backoffQ) */
    Q_UNSCHEDULABLE, /* in unschedulablePods */
    Q_PREBIND,       /* assumed on a node, waiting for its claims to be provisioned */
};

struct sched_pod {
    enum qstate state;
    uint32_t attempts; /* QueuedPodInfo.Attempts */
    int64_t timestamp; /* QueuedPodInfo.Timestamp: when it last went back to the queue */
    uint32_t plugins;  /* enum sched_plugin bits of the last rejection */
    uint64_t ev;       /* EV_ATTEMPT or EV_FLUSH */
    uint32_t prebind_token; /* names the pod's current stay in PreBind */
    uint32_t slot; /* index in the unschedulable list */
    uint32_t node; /* Q_PREBIND: where it is assumed */
    struct resources assumed;
    bool prebind_queued;
};

struct tally {
    const char *reason;
    uint32_t count;
};

/* A pod's PreBind deadline. Every pod waits BIND_TIMEOUT, so the deadlines come due in
 * the order they were set: a FIFO with one timer for the oldest replaces an event per pod
 * that is nearly always cancelled and would sit in the event heap for ten minutes. */
struct prebind_wait {
    uint32_t pod, token;
    int64_t deadline;
};

/* Bound pods of one StatefulSet per node, for the hostname spread score: a small
 * open-addressing table (linear probing, backward-shift deletion). A set has few pods, so
 * its table is a cache line or two, where a sets x nodes matrix takes 400 MB at 20,000 sets
 * and 5,000 nodes. */
struct host_slot {
    uint32_t node; /* NONE_ID: empty */
    uint32_t count;
};

struct host_table {
    struct host_slot *slots;
    uint32_t cap; /* a power of two, or 0 */
    uint32_t used;
};

/* What the filters said of one node: the rejecting plugin (0: the node fits), whether
 * preemption could help, and the reasons for the FailedScheduling message. */
struct verdict {
    uint32_t plugin;
    bool unresolvable;
    uint32_t nwhy;
    const char *why[4];
};

/* The scheduler's snapshot (internal/cache Snapshot, refreshed by NodeInfo.Generation)
 * files every node under a class: nodes of one class (same zone, allocatable and requests
 * in use, schedulable, without a taint that filters) get the same filter verdict and the
 * same NodeResourcesFit score for any pod. A cycle samples hundreds of nodes but meets a
 * few classes, so it runs the filters and the score once per class it meets: the cost of
 * a cycle no longer grows with the number of plugins times the sampled nodes. Nodes that
 * fit no class (cordoned, tainted) are filtered one by one as before. */
#define CLASS_GONE UINT32_MAX      /* the Node object is deleted */
#define CLASS_ALONE (UINT32_MAX - 1) /* filtered on its own */

struct node_class {
    uint32_t zone;
    struct resources alloc, used; /* used: requested + assumed */
    /* The current cycle: the verdict (valid while stamp == cycle); for a class that fits,
     * its entry in the cycle's scored list (valid while win_stamp == cycle). */
    uint64_t stamp, win_stamp;
    uint32_t entry;
    struct verdict v;
};

/* What one cycle scores: a class met in the sampled window that fits (its nodes without
 * pods of the set score alike), or a feasible node scored on its own (filtered alone, or
 * holding pods of the set). */
struct scored {
    uint32_t cls;          /* the class, or NONE_ID for a node on its own */
    uint32_t zone, hosted; /* hosted: pods of the set on the node */
    uint32_t count;        /* the window's feasible nodes that take this entry's score */
    int64_t fit, raw, total;
};

/* A window entry of a node that does not fit or is gone. */
#define WIN_SKIP UINT32_MAX

struct scheduler {
    struct sim *sim;
    struct sched_pod *pods;
    size_t pods_cap;
    uint32_t *unsched; /* unschedulablePods, unordered */
    uint32_t nunsched;
    size_t unsched_cap;
    uint32_t move_mask; /* plugins with events not yet delivered to the queue */
    uint64_t move_ev;
    uint32_t *moved_nodes; /* nodes that lost a taint since the last move */
    uint32_t nmoved_nodes;
    size_t moved_nodes_cap;
    uint32_t *moved_claims; /* claims created or bound since the last move */
    uint32_t nmoved_claims;
    size_t moved_claims_cap;
    int64_t flush_phase;
    struct prebind_wait *waits; /* waits[waits_head .. nwaits): oldest first */
    uint32_t waits_head, nwaits;
    size_t waits_cap;
    uint64_t wait_timer; /* the EV_PREBIND_TIMEOUT pending, if any */
    uint32_t next_start; /* nextStartNodeIndex */
    uint32_t nexisting;  /* Node objects in the API */
    int minor;           /* k8s.version 1.<minor> */
    uint32_t nnodes, nzones, nsets;
    struct resources *assumed; /* per node: pods assumed in PreBind (the cache's view) */
    struct host_table *hosts;  /* [set]: bound pods of the set per node */
    uint32_t *zone_count;      /* [set * nzones + zone] */
    bool *zone_named;          /* [zone]: the zone label is set (a node in zone "" has none) */
    /* The snapshot: the class of each node as of node_gen == snap_gen[node]. */
    uint32_t *node_class, *snap_gen;
    struct node_class *classes;
    uint32_t nclasses;
    size_t classes_cap;
    uint32_t *class_slots; /* open addressing over classes, NONE_ID empty */
    uint32_t class_slots_cap;
    uint64_t cycle; /* the current cycle's stamp */
    /* Scratch of one cycle. The filter walk notes, for the j-th node it visits, its
     * entry in `scored` (WIN_SKIP if it does not fit), so that select_host's pass over the
     * window reads one small sequential buffer instead of per-node state. Every visited
     * node adds at most one entry, and taking a node of the set out of its class one
     * more: at most 2 x nnodes. */
    uint32_t *win;
    struct scored *scored;
    uint32_t nscored;
    bool *zone_seen;
    struct tally *tallies;
    uint32_t ntallies;
    size_t tallies_cap;
    char **interned; /* reason texts built at run time (taint keys) */
    uint32_t ninterned;
    size_t interned_cap;
    uint32_t not_helpful, no_victims; /* preemption's per-node verdicts */
    struct strbuf msg;
};

/* One scheduling cycle's view of the pod. */
struct cycle {
    uint32_t pod;
    const struct pod *p;
    const struct scn_pod_template *spec;
    struct resources req;
    bool text;
    bool tolerate_not_ready, tolerate_unreachable; /* declared by the template */
    uint32_t bound[8], nbound;                     /* claims with a PV */
    uint32_t bound_zone[8];                        /* the zone of each one's PV */
    uint32_t wffc[8], nwffc;                       /* unbound WaitForFirstConsumer claims */
    const struct scn_storage_class *wffc_class[8]; /* each one's class */
    uint32_t plugins;                              /* rejecting plugins over all nodes */
    bool per_node;                 /* a nodeSelector: labels differ within a class */
    int64_t score_cpu, score_mem; /* GetNonzeroRequests, for the score */
};

/* "1.31" → 31; anything else is the current version. */
static int k8s_minor(const char *version)
{
    if (version == NULL || strncmp(version, "1.", 2) != 0)
        return 99;
    return atoi(version + 2);
}

static struct sched_pod *pod_state(struct scheduler *s, uint32_t pod)
{
    if (pod >= s->pods_cap) {
        size_t old = s->pods_cap;
        grow_array((void **)&s->pods, &s->pods_cap, (size_t)pod + 1, sizeof *s->pods);
        memset(&s->pods[old], 0, (s->pods_cap - old) * sizeof *s->pods);
    }
    return &s->pods[pod];
}

/* --- Bound pods per set and node ------------------------------------------------------ */

static uint32_t host_home(uint32_t node, uint32_t cap)
{
    return (node * 2654435761u) & (cap - 1); /* Knuth's multiplicative hash */
}

static void host_put(struct host_table *t, uint32_t node, uint32_t count)
{
    uint32_t i = host_home(node, t->cap);
    while (t->slots[i].node != NONE_ID)
        i = (i + 1) & (t->cap - 1);
    t->slots[i] = (struct host_slot){node, count};
}

static void host_add(struct host_table *t, uint32_t node)
{
    for (uint32_t i = t->cap ? host_home(node, t->cap) : 0; t->used > 0;
         i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].node == node) {
            t->slots[i].count++;
            return;
        }
        if (t->slots[i].node == NONE_ID)
            break;
    }
    if (2 * (t->used + 1) > t->cap) {
        struct host_slot *old = t->slots;
        uint32_t old_cap = t->cap;
        t->cap = old_cap ? 2 * old_cap : 8;
        t->slots = xmalloc(t->cap * sizeof *t->slots);
        for (uint32_t i = 0; i < t->cap; i++)
            t->slots[i] = (struct host_slot){NONE_ID, 0};
        for (uint32_t i = 0; i < old_cap; i++)
            if (old[i].node != NONE_ID)
                host_put(t, old[i].node, old[i].count);
        free(old);
    }
    host_put(t, node, 1);
    t->used++;
}

static void host_remove(struct host_table *t, uint32_t node)
{
    if (t->used == 0)
        return;
    uint32_t mask = t->cap - 1, i = host_home(node, t->cap);
    while (t->slots[i].node != node) {
        if (t->slots[i].node == NONE_ID)
            return;
        i = (i + 1) & mask;
    }
    if (--t->slots[i].count > 0)
        return;
    /* Backward-shift deletion: pull later entries of the probe run into the hole unless
     * their home lies cyclically in (hole, entry]. */
    t->used--;
    for (uint32_t j = (i + 1) & mask; t->slots[j].node != NONE_ID; j = (j + 1) & mask) {
        uint32_t k = host_home(t->slots[j].node, t->cap);
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (stays)
            continue;
        t->slots[i] = t->slots[j];
        i = j;
    }
    t->slots[i] = (struct host_slot){NONE_ID, 0};
}

/* --- The queue ------------------------------------------------------------------------ */

/* calculateBackoffDuration: initial × 2^(attempts-1), capped. */
static int64_t backoff_duration(const struct scheduler *s, uint32_t attempts)
{
    const struct scn_kubernetes *k = &s->sim->scn->k8s;
    if (attempts == 0)
        return 0;
    int64_t d = k->sched_initial_backoff_ns;
    for (uint32_t i = 1; i < attempts; i++) {
        if (d > k->sched_max_backoff_ns - d)
            return k->sched_max_backoff_ns;
        d += d;
    }
    return d;
}

static void unsched_remove(struct scheduler *s, uint32_t pod)
{
    struct sched_pod *sp = &s->pods[pod];
    uint32_t last = s->unsched[--s->nunsched];
    s->unsched[sp->slot] = last;
    s->pods[last].slot = sp->slot;
}

static void snap_invalidate(struct scheduler *s, uint32_t id);

static void release_assumed(struct scheduler *s, struct sched_pod *sp)
{
    struct resources *a = &s->assumed[sp->node];
    a->cpu_milli -= sp->assumed.cpu_milli;
    a->memory_bytes -= sp->assumed.memory_bytes;
    a->pods -= sp->assumed.pods;
    memset(&sp->assumed, 0, sizeof sp->assumed);
    snap_invalidate(s, sp->node);
}

/* The pod leaves the queue for good (bound or deleted). */
static void forget(struct scheduler *s, uint32_t pod)
{
    if (pod >= s->pods_cap)
        return;
    struct sched_pod *sp = &s->pods[pod];
    sim_cancel(s->sim, sp->ev);
    sp->ev = QUEUE_NO_EVENT;
    if (sp->state == Q_UNSCHEDULABLE)
        unsched_remove(s, pod);
    if (sp->state == Q_PREBIND)
        release_assumed(s, sp);
    sp->state = Q_NONE;
}

/* Into activeQ, or backoffQ while the back-off of the last failure runs; the backoffQ pod
 * is popped when its back-off completes. */
static void activate(struct scheduler *s, uint32_t pod)
{
    struct sched_pod *sp = &s->pods[pod];
    sim_cancel(s->sim, sp->ev);
    if (sp->state == Q_UNSCHEDULABLE)
        unsched_remove(s, pod);
    sp->state = Q_ACTIVE;
    int64_t at = sp->timestamp + backoff_duration(s, sp->attempts);
    sp->ev = sim_at(s->sim, at > s->sim->now ? at : s->sim->now, MOD_SCHED, EV_ATTEMPT, pod, 0, 0);
}

/* AddUnschedulableIfNotPresent for a pod rejected by plugins; flushUnschedulablePodsLeftover
 * takes it back after podMaxInUnschedulablePodsDuration (strictly longer) on its 30 s grid. */
static void park(struct scheduler *s, uint32_t pod, uint32_t plugins)
{
    struct sched_pod *sp = &s->pods[pod];
    sp->state = Q_UNSCHEDULABLE;
    sp->plugins = plugins;
    sp->timestamp = s->sim->now;
    sp->slot = s->nunsched;
    VEC_PUSH(s->unsched, s->nunsched, s->unsched_cap, pod);
    int64_t due = sp->timestamp + s->sim->scn->k8s.sched_unschedulable_flush_ns + 1;
    sp->ev = sim_at(s->sim, grid_next(due, s->flush_phase, UNSCHED_FLUSH_PERIOD), MOD_SCHED,
                    EV_FLUSH, pod, 0, 0);
}

/* A scheduling error (not a rejection by plugins): straight to backoffQ. */
static void requeue_error(struct scheduler *s, uint32_t pod)
{
    struct sched_pod *sp = &s->pods[pod];
    sp->timestamp = s->sim->now;
    sp->plugins = 0;
    activate(s, pod);
}

/* Informer events are seen after the watch delay; one EV_MOVE carries all plugins whose
 * events arrived meanwhile (MoveAllToActiveOrBackoffQueue). */
static void queue_move(struct scheduler *s, uint32_t plugins)
{
    s->move_mask |= plugins;
    if (s->move_ev == QUEUE_NO_EVENT)
        s->move_ev = sim_after(s->sim, sim_watch_delay(s->sim), MOD_SCHED, EV_MOVE, 0, 0, 0);
}

/* The events whose queueing hint looks at the object: a node that lost a taint
 * (TaintToleration), a claim created or bound (VolumeBinding). */
static void queue_move_node(struct scheduler *s, uint32_t node)
{
    VEC_PUSH(s->moved_nodes, s->nmoved_nodes, s->moved_nodes_cap, node);
    queue_move(s, PL_TAINT_TOLERATION);
}

static void queue_move_claim(struct scheduler *s, uint32_t pvc)
{
    VEC_PUSH(s->moved_claims, s->nmoved_claims, s->moved_claims_cap, pvc);
    queue_move(s, PL_VOLUME_BINDING);
}

/* --- The snapshot --------------------------------------------------------------------- */

static uint64_t class_hash(const struct node_class *k)
{
    const int64_t f[] = {k->alloc.cpu_milli, k->alloc.memory_bytes, k->alloc.pods,
                         k->used.cpu_milli,  k->used.memory_bytes,  k->used.pods};
    uint64_t h = mix64(k->zone);
    for (size_t i = 0; i < ARRAY_LEN(f); i++)
        h = mix64(h ^ (uint64_t)f[i]);
    return h;
}

static bool same_resources(const struct resources *a, const struct resources *b)
{
    return a->cpu_milli == b->cpu_milli && a->memory_bytes == b->memory_bytes &&
           a->pods == b->pods;
}

static void class_slot_put(struct scheduler *s, uint32_t id)
{
    uint32_t mask = s->class_slots_cap - 1;
    uint32_t i = (uint32_t)class_hash(&s->classes[id]) & mask;
    while (s->class_slots[i] != NONE_ID)
        i = (i + 1) & mask;
    s->class_slots[i] = id;
}

/* The class with `key`'s zone and resources, made on first sight. Classes are never
 * dropped: a cluster has few (zones x fill levels x node shapes). */
static uint32_t class_intern(struct scheduler *s, const struct node_class *key)
{
    if (2 * (s->nclasses + 1) > s->class_slots_cap) {
        free(s->class_slots);
        s->class_slots_cap = s->class_slots_cap ? 2 * s->class_slots_cap : 64;
        s->class_slots = xmalloc(s->class_slots_cap * sizeof *s->class_slots);
        memset(s->class_slots, 0xff, s->class_slots_cap * sizeof *s->class_slots);
        for (uint32_t id = 0; id < s->nclasses; id++)
            class_slot_put(s, id);
    }
    uint32_t mask = s->class_slots_cap - 1;
    for (uint32_t i = (uint32_t)class_hash(key) & mask;; i = (i + 1) & mask) {
        uint32_t id = s->class_slots[i];
        if (id == NONE_ID)
            break;
        const struct node_class *c = &s->classes[id];
        if (c->zone == key->zone && same_resources(&c->alloc, &key->alloc) &&
            same_resources(&c->used, &key->used))
            return id;
    }
    struct node_class c = {.zone = key->zone, .alloc = key->alloc, .used = key->used};
    VEC_PUSH(s->classes, s->nclasses, s->classes_cap, c);
    class_slot_put(s, s->nclasses - 1);
    return s->nclasses - 1;
}

static struct resources node_used(const struct scheduler *s, const struct node *n)
{
    const struct resources *a = &s->assumed[n->id];
    return (struct resources){n->requested.cpu_milli + a->cpu_milli,
                              n->requested.memory_bytes + a->memory_bytes,
                              n->requested.pods + a->pods};
}

/* cache.UpdateSnapshot for one node whose generation moved. */
static void snap_refresh(struct scheduler *s, uint32_t id)
{
    const struct store *st = s->sim->store;
    const struct node *n = &st->nodes[id];
    s->snap_gen[id] = st->node_gen[id];
    if (!n->exists) {
        s->node_class[id] = CLASS_GONE;
        return;
    }
    bool alone = n->unschedulable;
    for (uint32_t i = 0; !alone && i < n->ntaints; i++)
        alone = n->taints[i].taint.effect == EFFECT_NO_SCHEDULE ||
                n->taints[i].taint.effect == EFFECT_NO_EXECUTE;
    if (alone) {
        s->node_class[id] = CLASS_ALONE;
        return;
    }
    struct node_class key = {.zone = n->zone, .alloc = n->allocatable, .used = node_used(s, n)};
    s->node_class[id] = class_intern(s, &key);
}

/* The scheduler's own change to a node (a pod assumed or forgotten) moves its NodeInfo. */
static void snap_invalidate(struct scheduler *s, uint32_t id)
{
    s->snap_gen[id] = s->sim->store->node_gen[id] - 1;
}

/* --- Reading the pod and the nodes ---------------------------------------------------- */

static const char *node_label(const struct store *st, const struct node *n, const char *key)
{
    /* The kubelet sets the hostname and zone labels itself. */
    if (strcmp(key, LABEL_HOSTNAME) == 0)
        return n->name;
    if (strcmp(key, LABEL_ZONE) == 0) {
        const char *z = st->zones[n->zone].name;
        return z[0] ? z : NULL;
    }
    for (uint32_t i = 0; i < n->nlabels; i++)
        if (strcmp(n->labels[i].key, key) == 0)
            return n->labels[i].value;
    return NULL;
}

static bool node_has_zone(const struct scheduler *s, const struct node *n)
{
    return s->zone_named[n->zone];
}

/* plugin/pkg/admission/defaulttolerationseconds: a pod without a toleration for the
 * not-ready (unreachable) NoExecute taint gets one (Exists, 300 s). A template toleration
 * with that key or an empty key, and effect NoExecute or empty, counts as one. */
static bool declares_toleration(const struct scn_pod_template *t, const char *key)
{
    for (uint32_t i = 0; i < t->ntolerations; i++) {
        const struct toleration *tol = &t->tolerations[i];
        if ((tol->key[0] == '\0' || strcmp(tol->key, key) == 0) &&
            (tol->effect == EFFECT_NONE || tol->effect == EFFECT_NO_EXECUTE))
            return true;
    }
    return false;
}

static bool tolerates(const struct cycle *cy, const struct taint *k)
{
    /* The admitted defaults only match the NoExecute taints: a failed node's
     * unreachable:NoSchedule taint is not tolerated. */
    if (k->effect == EFFECT_NO_EXECUTE) {
        if (!cy->tolerate_not_ready && taint_key_eq(k->key, TAINT_NOT_READY))
            return true;
        if (!cy->tolerate_unreachable && taint_key_eq(k->key, TAINT_UNREACHABLE))
            return true;
    }
    for (uint32_t i = 0; i < cy->spec->ntolerations; i++)
        if (toleration_matches(&cy->spec->tolerations[i], k))
            return true;
    return false;
}

static const struct storage_class *claim_class(const struct store *st, const struct pvc *c)
{
    return c->storage_class == NONE_ID ? NULL : &st->classes[c->storage_class];
}

static bool zone_in(const struct store *st, const char *const *zones, uint32_t n, uint32_t z)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(zones[i], st->zones[z].name) == 0)
            return true;
    return false;
}

/* The queueing hints (isSchedulableAfter...): TaintToleration queues a pod when a node it
 * did not tolerate now has no untolerated NoSchedule/NoExecute taint; VolumeBinding when one
 * of the pod's own claims changed; NodeUnschedulable on uncordon and NodeResourcesFit on
 * the deletion of an assigned pod queue it always. */
static bool taint_hint(const struct scheduler *s, const struct cycle *cy)
{
    const struct store *st = s->sim->store;
    for (uint32_t i = 0; i < s->nmoved_nodes; i++) {
        const struct node *n = &st->nodes[s->moved_nodes[i]];
        bool clean = n->exists;
        for (uint32_t k = 0; clean && k < n->ntaints; k++) {
            const struct taint *t = &n->taints[k].taint;
            if (t->effect == EFFECT_NO_SCHEDULE || t->effect == EFFECT_NO_EXECUTE)
                clean = tolerates(cy, t);
        }
        if (clean)
            return true;
    }
    return false;
}

static bool claim_hint(const struct scheduler *s, const struct pod *p)
{
    for (uint32_t i = 0; i < s->nmoved_claims; i++) {
        const struct pvc *c = &s->sim->store->pvcs[s->moved_claims[i]];
        if (c->sts == p->sts && c->ordinal == p->ordinal)
            return true;
    }
    return false;
}

static void on_move(struct scheduler *s)
{
    const struct store *st = s->sim->store;
    uint32_t mask = s->move_mask;
    s->move_mask = 0;
    s->move_ev = QUEUE_NO_EVENT;
    /* Downwards, so that swap-removal only moves entries already visited. */
    for (uint32_t i = s->nunsched; i-- > 0;) {
        uint32_t pod = s->unsched[i];
        uint32_t hit = s->pods[pod].plugins & mask;
        const struct pod *p = &st->pods[pod];
        bool queue = (hit & (PL_NODE_UNSCHEDULABLE | PL_NODE_RESOURCES_FIT)) != 0;
        if (!queue && (hit & PL_TAINT_TOLERATION)) {
            struct cycle cy = {.p = p, .spec = store_pod_spec(st, p)};
            cy.tolerate_not_ready = declares_toleration(cy.spec, TAINT_NOT_READY);
            cy.tolerate_unreachable = declares_toleration(cy.spec, TAINT_UNREACHABLE);
            queue = taint_hint(s, &cy);
        }
        if (!queue && (hit & PL_VOLUME_BINDING))
            queue = claim_hint(s, p);
        if (queue)
            activate(s, pod);
    }
    s->nmoved_nodes = s->nmoved_claims = 0;
}

/* --- Reasons and the FailedScheduling message ---------------------------------------- */

static const char *intern(struct scheduler *s, const char *text)
{
    for (uint32_t i = 0; i < s->ninterned; i++)
        if (strcmp(s->interned[i], text) == 0)
            return s->interned[i];
    char *copy = xstrdup(text);
    VEC_PUSH(s->interned, s->ninterned, s->interned_cap, copy);
    return copy;
}

/* A filter's reason for rejecting one node (kept only when messages are built). */
static void note(const struct cycle *cy, struct verdict *v, const char *reason)
{
    if (cy->text && v->nwhy < ARRAY_LEN(v->why))
        v->why[v->nwhy++] = reason;
}

/* Count one node's reasons (NodeToStatus, folded as the message does). */
static void tally(struct scheduler *s, const struct verdict *v)
{
    for (uint32_t w = 0; w < v->nwhy; w++) {
        uint32_t i = 0;
        while (i < s->ntallies && s->tallies[i].reason != v->why[w])
            i++;
        if (i < s->ntallies) {
            s->tallies[i].count++;
        } else {
            struct tally t = {v->why[w], 1};
            VEC_PUSH(s->tallies, s->ntallies, s->tallies_cap, t);
        }
    }
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* "<count> <reason>" for each entry, sorted as strings (sort.Strings), joined by ", ". */
static void put_histogram(struct strbuf *out, const struct tally *t, uint32_t n)
{
    char **items = xcalloc(n ? n : 1, sizeof *items);
    struct strbuf one;
    strbuf_init(&one);
    for (uint32_t i = 0; i < n; i++) {
        strbuf_reset(&one);
        strbuf_printf(&one, "%u %s", t[i].count, t[i].reason);
        items[i] = xstrdup(one.buf);
    }
    qsort(items, n, sizeof *items, cmp_str);
    for (uint32_t i = 0; i < n; i++) {
        strbuf_puts(out, i ? ", " : "");
        strbuf_puts(out, items[i]);
        free(items[i]);
    }
    strbuf_fini(&one);
    free(items);
}

/* framework/types.go FitError.Error: "0/N nodes are available: <PreFilterMsg or sorted
 * reasons>. <PostFilterMsg>". PostFilter is RunPostFilterPlugins joining the reasons of
 * DynamicResources ("no new claims to deallocate", in the default profile from 1.34) and
 * DefaultPreemption ("preemption: " + its own FitError over the per-node verdicts). */
static const char *fit_error(struct scheduler *s, const char *prefilter, uint32_t nnodes)
{
    struct strbuf *m = &s->msg;
    strbuf_reset(m);
    strbuf_printf(m, "0/%u nodes are available:", nnodes);
    if (prefilter) {
        strbuf_printf(m, " %s.", prefilter);
    } else if (s->ntallies) {
        strbuf_putc(m, ' ');
        put_histogram(m, s->tallies, s->ntallies);
        strbuf_putc(m, '.');
    }
    strbuf_putc(m, ' ');
    /* With a PreFilter rejection the DynamicResources PreFilter never ran; the public
     * events of that case show no DRA clause, so none is added. */
    if (s->minor >= 34 && !prefilter)
        strbuf_puts(m, "no new claims to deallocate, ");
    strbuf_printf(m, "preemption: 0/%u nodes are available: ", nnodes);
    struct tally pre[2];
    uint32_t npre = 0;
    if (s->not_helpful)
        pre[npre++] = (struct tally){"Preemption is not helpful for scheduling", s->not_helpful};
    if (s->no_victims)
        pre[npre++] = (struct tally){"No preemption victims found for incoming pod", s->no_victims};
    put_histogram(m, pre, npre);
    strbuf_putc(m, '.');
    return m->buf;
}

/* --- PreFilter and Filter ------------------------------------------------------------- */

/* VolumeBinding PreFilter (podVolumeClaims): every claim must exist and not be deleting;
 * an unbound claim of a class with Immediate binding (or of no class) rejects the pod on
 * every node. Returns the rejection message or NULL. */
static const char *prefilter_volumes(struct scheduler *s, struct cycle *cy)
{
    const struct store *st = s->sim->store;
    const struct statefulset *set = &st->sets[cy->p->sts];
    bool unbound_immediate = false;
    for (uint32_t t = 0; t < set->spec->nclaims && t < ARRAY_LEN(cy->bound); t++) {
        uint32_t c = store_sts_claim(st, cy->p->sts, t, cy->p->ordinal);
        if (c == NONE_ID) {
            if (!cy->text)
                return "";
            struct strbuf *m = &s->msg;
            strbuf_reset(m);
            strbuf_printf(m, "persistentvolumeclaim \"%s-%s-%d\" not found",
                          set->spec->claims[t].name, set->name, cy->p->ordinal);
            return intern(s, m->buf);
        }
        const struct pvc *pc = &st->pvcs[c];
        if (pc->deletion_ts != TIME_NEVER) {
            if (!cy->text)
                return "";
            struct strbuf *m = &s->msg;
            strbuf_reset(m);
            strbuf_printf(m, "persistentvolumeclaim \"%s\" is being deleted", pc->name);
            return intern(s, m->buf);
        }
        if (pc->pv != NONE_ID) {
            /* Filter compares every node with the PV's zone: read it once per cycle. */
            cy->bound_zone[cy->nbound] = st->pvs[pc->pv].zone;
            cy->bound[cy->nbound++] = c;
            continue;
        }
        const struct storage_class *sc = claim_class(st, pc);
        if (sc == NULL || sc->spec->binding == BIND_IMMEDIATE) {
            unbound_immediate = true;
        } else {
            cy->wffc_class[cy->nwffc] = sc->spec;
            cy->wffc[cy->nwffc++] = c;
        }
    }
    if (unbound_immediate)
        return "pod has unbound immediate PersistentVolumeClaims";
    return NULL;
}

/* The filters of the default profile in order (NodeUnschedulable, NodeName, TaintToleration,
 * NodeAffinity, NodePorts, NodeResourcesFit, VolumeRestrictions, NodeVolumeLimits,
 * VolumeBinding, VolumeZone, ...); RunFilterPlugins stops at the first rejection. Returns
 * the rejecting plugin in *v (0: the node fits). */
static void filter_node(struct scheduler *s, const struct cycle *cy, const struct node *n,
                        struct verdict *v)
{
    const struct store *st = s->sim->store;
    v->nwhy = 0;
    v->unresolvable = true;

    /* nodeunschedulable.Filter: spec.unschedulable unless the pod tolerates
     * node.kubernetes.io/unschedulable:NoSchedule. */
    struct taint unsched = {TAINT_UNSCHEDULABLE, "", EFFECT_NO_SCHEDULE};
    if (n->unschedulable && !tolerates(cy, &unsched)) {
        note(cy, v, "node(s) were unschedulable");
        v->plugin = PL_NODE_UNSCHEDULABLE;
        return;
    }

    /* tainttoleration.Filter: the first NoSchedule/NoExecute taint not tolerated
     * (FindMatchingUntoleratedTaint). Since k/k #134740 (1.35, cherry-picked to 1.34) the
     * message no longer names the taint. */
    for (uint32_t i = 0; i < n->ntaints; i++) {
        const struct taint *k = &n->taints[i].taint;
        if (k->effect != EFFECT_NO_SCHEDULE && k->effect != EFFECT_NO_EXECUTE)
            continue;
        if (tolerates(cy, k))
            continue;
        if (cy->text) {
            if (s->minor >= 34) {
                note(cy, v, "node(s) had untolerated taint(s)");
            } else {
                struct strbuf *m = &s->msg;
                strbuf_reset(m);
                strbuf_printf(m, "node(s) had untolerated taint {%s: %s}", k->key,
                              k->value ? k->value : "");
                note(cy, v, intern(s, m->buf));
            }
        }
        v->plugin = PL_TAINT_TOLERATION;
        return;
    }

    /* nodeaffinity.Filter: spec.nodeSelector and the required zone term (In). */
    bool match = true;
    for (uint32_t i = 0; match && i < cy->spec->nnode_selector; i++) {
        const char *val = node_label(st, n, cy->spec->node_selector[i].key);
        match = val != NULL && strcmp(val, cy->spec->node_selector[i].value) == 0;
    }
    if (match && cy->spec->nzones > 0)
        match = node_has_zone(s, n) && zone_in(st, cy->spec->zones, cy->spec->nzones, n->zone);
    if (!match) {
        note(cy, v, "node(s) didn't match Pod's node affinity/selector");
        v->plugin = PL_NODE_AFFINITY;
        return;
    }

    /* noderesources fitsRequest: all insufficient resources are reported; a request above
     * the node's allocatable is unresolvable (preemption cannot help). */
    const struct resources *a = &s->assumed[n->id];
    bool fits = true;
    v->unresolvable = false;
    if (n->requested.pods + a->pods + 1 > n->allocatable.pods) {
        note(cy, v, "Too many pods");
        fits = false;
        v->unresolvable |= n->allocatable.pods < 1;
    }
    int64_t cpu_free = n->allocatable.cpu_milli - n->requested.cpu_milli - a->cpu_milli;
    if (cy->req.cpu_milli > 0 && cy->req.cpu_milli > cpu_free) {
        note(cy, v, "Insufficient cpu");
        fits = false;
        v->unresolvable |= cy->req.cpu_milli > n->allocatable.cpu_milli;
    }
    int64_t mem_free = n->allocatable.memory_bytes - n->requested.memory_bytes - a->memory_bytes;
    if (cy->req.memory_bytes > 0 && cy->req.memory_bytes > mem_free) {
        note(cy, v, "Insufficient memory");
        fits = false;
        v->unresolvable |= cy->req.memory_bytes > n->allocatable.memory_bytes;
    }
    if (!fits) {
        v->plugin = PL_NODE_RESOURCES_FIT;
        return;
    }
    v->unresolvable = true;

    /* volumebinding.Filter (FindPodVolumes): a bound PV's node affinity (its zone) must
     * match the node; an unbound WaitForFirstConsumer claim needs the class's
     * allowedTopologies to include the node (checkVolumeProvisions). VolumeZone looks at
     * zone labels on PVs, which CSI-provisioned PVs do not carry. */
    bool node_conflict = false, bind_conflict = false;
    for (uint32_t i = 0; i < cy->nbound; i++)
        if (cy->bound_zone[i] != NONE_ID && cy->bound_zone[i] != n->zone)
            node_conflict = true;
    for (uint32_t i = 0; i < cy->nwffc; i++) {
        const struct scn_storage_class *sc = cy->wffc_class[i];
        if (sc->nzones > 0 && !(node_has_zone(s, n) && zone_in(st, sc->zones, sc->nzones, n->zone)))
            bind_conflict = true;
    }
    if (node_conflict)
        note(cy, v, "node(s) had volume node affinity conflict");
    if (bind_conflict)
        note(cy, v, "node(s) didn't find available persistent volumes to bind");
    v->plugin = node_conflict || bind_conflict ? PL_VOLUME_BINDING : 0;
}

/* --- Score and selectHost ------------------------------------------------------------- */

/* noderesources least_allocated.go leastRequestedScore: (capacity - requested) * 100 /
 * capacity in integers. The score loop runs this twice for each of hundreds of nodes per
 * pod, where a 64-bit integer division is the slowest instruction in sight, so it divides
 * in doubles when that gives the same integer: x = (capacity - requested) * 100 and
 * capacity are exact below 2^53, the quotient is correctly rounded, and when it is not a
 * whole number it lies at least 1/capacity below the next one, more than the half unit in
 * the last place of any value up to 128 (2^-47) while capacity is below 2^46; so its floor
 * is the integer quotient. */
#define EXACT_DOUBLE_DIVISOR (INT64_C(1) << 46)
static int64_t least_requested(int64_t requested, int64_t capacity)
{
    if (capacity == 0 || requested > capacity)
        return 0;
    int64_t x = (capacity - requested) * MAX_NODE_SCORE;
    if (capacity < EXACT_DOUBLE_DIVISOR && requested >= 0)
        return (int64_t)((double)x / (double)capacity);
    return x / capacity;
}

/* NodeResourcesFit with LeastAllocated over cpu and memory (weight 1 each) for a node with
 * `used` of `alloc` in use, adding the pod's non-zero requests. */
static int64_t fit_score(const struct resources *alloc, const struct resources *used,
                         const struct cycle *cy)
{
    int64_t fit = 0, wsum = 0;
    if (alloc->cpu_milli) {
        fit += least_requested(used->cpu_milli + cy->score_cpu, alloc->cpu_milli);
        wsum++;
    }
    if (alloc->memory_bytes) {
        fit += least_requested(used->memory_bytes + cy->score_mem, alloc->memory_bytes);
        wsum++;
    }
    /* fit is not negative: halving is the division by two. */
    return wsum == 2 ? fit >> 1 : wsum == 1 ? fit : 0;
}

/* A new entry of the cycle's scored list, taken by one feasible node so far. */
static uint32_t add_scored(struct scheduler *s, uint32_t cls, uint32_t zone, int64_t fit)
{
    s->scored[s->nscored] = (struct scored){.cls = cls, .zone = zone, .count = 1, .fit = fit};
    return s->nscored++;
}

/* One step of the filter walk: count a feasible node under its class, or keep it apart.
 * Returns its scored entry. */
static uint32_t add_feasible(struct scheduler *s, const struct cycle *cy, uint32_t id,
                             struct node_class *nc)
{
    const struct store *st = s->sim->store;
    if (nc == NULL || cy->per_node) {
        const struct node *n = &st->nodes[id];
        struct resources used = node_used(s, n);
        return add_scored(s, NONE_ID, n->zone, fit_score(&n->allocatable, &used, cy));
    }
    if (nc->win_stamp != s->cycle) {
        nc->win_stamp = s->cycle;
        nc->entry = add_scored(s, (uint32_t)(nc - s->classes), nc->zone,
                               fit_score(&nc->alloc, &nc->used, cy));
        return nc->entry;
    }
    s->scored[nc->entry].count++;
    return nc->entry;
}

/* podtopologyspread NormalizeScore: fewer matching pods score higher. */
static int64_t spread_normalized(int64_t raw, int64_t smin, int64_t smax)
{
    return smax == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE * (smax + smin - raw) / smax;
}

/* schedule_one.go selectHost: uniformly at random among the feasible nodes of the window
 * with the highest score. Upstream pops a heap of the scores and draws once per further
 * node with the top score (reservoir sampling); one draw of which of the `count` top nodes
 * gives the same distribution, where a draw per tie cost 11% of all instructions on the
 * 6,000-node bench-scale cluster. The top score and its count come from the scored entries (a class counts all its
 * window nodes); the window is walked only up to the chosen node. Returns the chosen node's
 * offset in the window (there is one: the walk found a feasible node). */
static uint32_t select_in_window(const uint32_t *win, const struct scored *scored,
                                 uint32_t nscored, const gsl_rng *rng)
{
    int64_t best = INT64_MIN;
    uint32_t count = 0;
    for (uint32_t i = 0; i < nscored; i++) {
        const struct scored *e = &scored[i];
        if (e->count == 0 || e->total < best)
            continue;
        if (e->total > best) {
            best = e->total;
            count = 0;
        }
        count += e->count;
    }
    uint32_t pick = count > 1 ? (uint32_t)gsl_rng_uniform_int(rng, count) : 0;
    for (const uint32_t *p = win;; p++)
        if (*p != WIN_SKIP && scored[*p].total == best && pick-- == 0)
            return (uint32_t)(p - win);
}

/* The score is kept to the two default scores that tell nodes apart for a StatefulSet
 * pod: NodeResourcesFit (LeastAllocated over cpu and memory, weight 1, with the pod's
 * non-zero requests; node usage is the sum of real requests) and PodTopologySpread with
 * the system default constraints (weight 2) over pods of the same set. The other default
 * scores (TaintToleration, NodeAffinity, InterPodAffinity: equal on every node without
 * preferred terms; BalancedAllocation, ImageLocality) are left out.
 *
 * Nodes of one class without pods of the set score alike, so they are scored once per
 * class; the nodes of the window that hold pods of the set (a set has few) are taken out
 * of their class and scored on their own. Ties are broken as selectHost does: uniformly at
 * random among the top-scoring nodes. The window is the k nodes from `start` (wrapping) that
 * filter_walk visited and noted in s->win. */
static uint32_t select_host(struct scheduler *s, const struct cycle *cy, uint32_t start,
                            uint32_t k, uint32_t nfeasible)
{
    uint32_t set = cy->p->sts;
    const struct host_table *hosts = &s->hosts[set];
    for (uint32_t i = 0; i < hosts->cap; i++) {
        uint32_t node = hosts->slots[i].node;
        if (node == NONE_ID)
            continue;
        uint32_t off = node >= start ? node - start : node + s->nnodes - start;
        if (off >= k || s->win[off] == WIN_SKIP)
            continue; /* outside the window, or not feasible */
        struct scored *e = &s->scored[s->win[off]];
        if (e->cls != NONE_ID) {
            e->count--;
            s->win[off] = add_scored(s, NONE_ID, e->zone, e->fit);
            e = &s->scored[s->win[off]];
        }
        e->hosted = hosts->slots[i].count;
    }

    uint32_t nzones = 0;
    memset(s->zone_seen, 0, s->nzones * sizeof *s->zone_seen);
    for (uint32_t i = 0; i < s->nscored; i++) {
        uint32_t z = s->scored[i].zone;
        if (s->zone_named[z] && !s->zone_seen[z]) {
            s->zone_seen[z] = true;
            nzones++;
        }
    }
    /* podtopologyspread scoring.go: topologyNormalizingWeight = log(size + 2), the
     * hostname size being the number of filtered nodes; scoreForCount: cnt × weight +
     * (maxSkew - 1) per constraint whose key the node has. */
    double w_host = log((double)nfeasible + 2);
    double w_zone = log((double)nzones + 2);
    int64_t smin = INT64_MAX, smax = 0;
    for (uint32_t i = 0; i < s->nscored; i++) {
        struct scored *e = &s->scored[i];
        if (e->count == 0)
            continue; /* a class whose window nodes all hold pods of the set */
        uint32_t z = e->zone;
        double raw = (double)e->hosted * w_host + (SPREAD_HOST_MAX_SKEW - 1);
        if (s->zone_named[z])
            raw += (double)s->zone_count[set * s->nzones + z] * w_zone + (SPREAD_ZONE_MAX_SKEW - 1);
        e->raw = llround(raw);
        smin = e->raw < smin ? e->raw : smin;
        smax = e->raw > smax ? e->raw : smax;
    }
    for (uint32_t i = 0; i < s->nscored; i++) {
        struct scored *e = &s->scored[i];
        if (e->count > 0)
            e->total = WEIGHT_FIT * e->fit + WEIGHT_SPREAD * spread_normalized(e->raw, smin, smax);
    }

    uint32_t chosen = select_in_window(s->win, s->scored, s->nscored, s->sim->rng.streams[RNG_SCHEDULE]);
    return chosen < s->nnodes - start ? start + chosen : chosen - (s->nnodes - start);
}

/* schedule_one.go numFeasibleNodesToFind with the adaptive percentage. */
static uint32_t feasible_to_find(uint32_t nall)
{
    if (nall < MIN_FEASIBLE_NODES)
        return nall;
    int32_t pct = 50 - (int32_t)nall / 125;
    if (pct < MIN_FEASIBLE_PERCENT)
        pct = MIN_FEASIBLE_PERCENT;
    uint32_t n = (uint32_t)((int64_t)nall * pct / 100);
    return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}

/* --- Binding -------------------------------------------------------------------------- */

static bool claims_bound(const struct store *st, const struct pod *p, bool *missing)
{
    const struct statefulset *set = &st->sets[p->sts];
    *missing = false;
    for (uint32_t t = 0; t < set->spec->nclaims; t++) {
        uint32_t c = store_sts_claim(st, p->sts, t, p->ordinal);
        if (c == NONE_ID) {
            *missing = true;
            return false;
        }
        if (st->pvcs[c].pv == NONE_ID)
            return false;
    }
    return true;
}

static void bind(struct scheduler *s, uint32_t pod, uint32_t node)
{
    forget(s, pod);
    store_pod_bind(s->sim->store, pod, node);
}

/* VolumeBinding Reserve + PreBind: the claims to provision get the selected node
 * (volumes_provision_for_node); the pod stays assumed on the node, its resources counted
 * there, until every claim is bound (then DefaultBinder binds it) or BindPodVolumes times
 * out (an error: unreserve and back-off). */
static void prebind(struct scheduler *s, const struct cycle *cy, uint32_t node)
{
    struct sched_pod *sp = &s->pods[cy->pod];
    for (uint32_t i = 0; i < cy->nwffc; i++)
        volumes_provision_for_node(s->sim, cy->wffc[i], node);
    sp->state = Q_PREBIND;
    sp->node = node;
    sp->assumed = cy->req;
    sp->assumed.pods = 1;
    struct resources *a = &s->assumed[node];
    a->cpu_milli += sp->assumed.cpu_milli;
    a->memory_bytes += sp->assumed.memory_bytes;
    a->pods += 1;
    snap_invalidate(s, node);
    struct prebind_wait w = {cy->pod, ++sp->prebind_token, s->sim->now + BIND_TIMEOUT};
    VEC_PUSH(s->waits, s->nwaits, s->waits_cap, w);
    if (s->wait_timer == QUEUE_NO_EVENT)
        s->wait_timer = sim_at(s->sim, w.deadline, MOD_SCHED, EV_PREBIND_TIMEOUT, 0, 0, 0);
}

static void on_prebind(struct scheduler *s, uint32_t pod)
{
    struct sched_pod *sp = &s->pods[pod];
    sp->prebind_queued = false;
    if (sp->state != Q_PREBIND)
        return;
    const struct store *st = s->sim->store;
    bool missing;
    if (claims_bound(st, &st->pods[pod], &missing)) {
        bind(s, pod, sp->node);
    } else if (missing) {
        /* A claim vanished under PreBind: BindPodVolumes fails, the pod is unreserved. */
        release_assumed(s, sp);
        requeue_error(s, pod);
    }
}

/* The timer of the oldest deadline: pods still in the same stay in PreBind whose
 * deadline passed time out (unreserve, back-off); the timer moves to the next one. */
static void on_prebind_timeout(struct scheduler *s)
{
    s->wait_timer = QUEUE_NO_EVENT;
    while (s->waits_head < s->nwaits) {
        const struct prebind_wait w = s->waits[s->waits_head];
        struct sched_pod *sp = &s->pods[w.pod];
        bool waiting = sp->state == Q_PREBIND && sp->prebind_token == w.token;
        if (waiting && w.deadline > s->sim->now)
            break;
        s->waits_head++;
        if (waiting) {
            /* handleBindingCycleError: the PreBind error becomes a FailedScheduling event
             * (BindPodVolumes' wait.PollUntilContextTimeout returns ctx.Err()). */
            struct store *st = s->sim->store;
            store_emit(st, CH_POD_FAILED_SCHEDULING, KIND_POD, w.pod, NONE_ID, 0, sp->attempts,
                       store_wants_text(st) ? "running PreBind plugin \"VolumeBinding\": "
                                              "binding volumes: context deadline exceeded"
                                            : NULL);
            release_assumed(s, sp);
            requeue_error(s, w.pod);
        }
    }
    if (s->waits_head == s->nwaits) {
        s->waits_head = s->nwaits = 0;
        return;
    }
    if (s->waits_head > 1024 && 2 * s->waits_head > s->nwaits) {
        s->nwaits -= s->waits_head;
        memmove(s->waits, s->waits + s->waits_head, s->nwaits * sizeof *s->waits);
        s->waits_head = 0;
    }
    s->wait_timer = sim_at(s->sim, s->waits[s->waits_head].deadline, MOD_SCHED,
                           EV_PREBIND_TIMEOUT, 0, 0, 0);
}

/* One node of the filter walk that its class does not settle: refresh its snapshot entry,
 * then count it under a class already known to fit, or run the filters (once per class,
 * or on its own). Returns its scored entry, WIN_SKIP if it does not fit or is gone. */
static uint32_t walk_node(struct scheduler *s, struct cycle *cy, uint32_t here)
{
    const struct store *st = s->sim->store;
    if (st->node_gen[here] != s->snap_gen[here])
        snap_refresh(s, here);
    uint32_t c = s->node_class[here];
    if (c == CLASS_GONE)
        return WIN_SKIP;
    struct node_class *nc = c == CLASS_ALONE ? NULL : &s->classes[c];
    struct verdict own;
    const struct verdict *v = &own;
    if (nc == NULL || cy->per_node) {
        filter_node(s, cy, &st->nodes[here], &own);
    } else {
        if (nc->stamp != s->cycle) {
            filter_node(s, cy, &st->nodes[here], &nc->v);
            nc->stamp = s->cycle;
        }
        v = &nc->v;
    }
    if (v->plugin == 0)
        return add_feasible(s, cy, here, nc);
    cy->plugins |= v->plugin;
    tally(s, v);
    /* preemption nodesWherePreemptionMightHelp / SelectVictimsOnNode: pods of equal
     * priority are never victims, and preemption is not modelled. */
    if (v->unresolvable)
        s->not_helpful++;
    else
        s->no_victims++;
    return WIN_SKIP;
}

/* findNodesThatPassFilters: filter nodes from nextStartNodeIndex on, wrapping, until
 * `want` fit or every node was tried; returns how many fit, *visited how many were tried,
 * and notes each tried node's scored entry in s->win. Most nodes are settled here with a
 * few loads: the snapshot is current and the node's class already fits this cycle (never
 * in a per_node cycle, where add_feasible stamps no class). */
static uint32_t filter_walk(struct scheduler *s, struct cycle *cy, uint32_t want,
                            uint32_t *visited)
{
    const uint32_t nnodes = s->nnodes;
    const uint64_t cycle = s->cycle;
    const uint32_t *node_gen = s->sim->store->node_gen, *snap_gen = s->snap_gen;
    const uint32_t *node_class = s->node_class;
    uint32_t *win = s->win;
    struct scored *scored = s->scored;
    const struct node_class *classes = s->classes;
    uint32_t nfeasible = 0, k = 0, id = s->next_start;
    while (k < nnodes && nfeasible < want) {
        /* A run of settled nodes, up to the end of the node array (no wrapping inside)
         * and as far as the walk may still go: a loop without calls, whose values stay
         * in registers. */
        uint32_t run = nnodes - id;
        run = run < nnodes - k ? run : nnodes - k;
        run = run < want - nfeasible ? run : want - nfeasible;
        const uint32_t *gen = node_gen + id, *snap = snap_gen + id, *cls = node_class + id;
        uint32_t *out = win + k, i = 0;
        for (; i < run; i++) {
            uint32_t c = cls[i];
            if (gen[i] != snap[i] || c >= CLASS_ALONE || classes[c].win_stamp != cycle)
                break;
            out[i] = classes[c].entry;
            scored[out[i]].count++;
        }
        k += i;
        nfeasible += i;
        id += i;
        if (i < run) {
            win[k] = walk_node(s, cy, id);
            classes = s->classes; /* interning a class may have moved them */
            nfeasible += win[k] != WIN_SKIP;
            id++;
            k++;
        }
        if (id == nnodes)
            id = 0;
    }
    *visited = k;
    return nfeasible;
}

/* --- One scheduling cycle ------------------------------------------------------------- */

static void attempt(struct scheduler *s, uint32_t pod)
{
    struct sim *sim = s->sim;
    struct store *st = sim->store;
    struct sched_pod *sp = &s->pods[pod];
    const struct pod *p = &st->pods[pod];
    sp->ev = QUEUE_NO_EVENT;
    /* skipPodSchedule: a deleted (or deleting) pod is not scheduled. */
    if (p->gone || pod_terminating(p) || p->node != NONE_ID) {
        forget(s, pod);
        return;
    }
    sp->attempts++;

    struct cycle cy = {
        .pod = pod,
        .p = p,
        .spec = store_pod_spec(st, p),
        .text = store_wants_text(st),
    };
    cy.req = pod_requests(cy.spec);
    cy.tolerate_not_ready = declares_toleration(cy.spec, TAINT_NOT_READY);
    cy.tolerate_unreachable = declares_toleration(cy.spec, TAINT_UNREACHABLE);
    s->ntallies = 0;
    s->not_helpful = s->no_victims = 0;

    if (s->nexisting == 0) {
        /* schedulePod: ErrNoNodesAvailable is an error, not a FitError. */
        store_emit(st, CH_POD_FAILED_SCHEDULING, KIND_POD, pod, NONE_ID, 0, sp->attempts,
                   cy.text ? "no nodes available to schedule pods" : NULL);
        requeue_error(s, pod);
        return;
    }

    const char *pre = prefilter_volumes(s, &cy);
    if (pre != NULL) {
        /* Every node gets the PreFilter status (UnschedulableAndUnresolvable). */
        s->not_helpful = s->nexisting;
        store_emit(st, CH_POD_FAILED_SCHEDULING, KIND_POD, pod, NONE_ID, s->nexisting, sp->attempts,
                   cy.text ? fit_error(s, pre, s->nexisting) : NULL);
        park(s, pod, PL_VOLUME_BINDING);
        return;
    }

    s->cycle++;
    cy.per_node = cy.spec->nnode_selector > 0;
    cy.score_cpu = cy.req.cpu_milli ? cy.req.cpu_milli : DEFAULT_MILLI_CPU;
    cy.score_mem = cy.req.memory_bytes ? cy.req.memory_bytes : DEFAULT_MEMORY_BYTES;
    s->nscored = 0;
    uint32_t want = feasible_to_find(s->nexisting);
    uint32_t start = s->next_start, k = 0;
    uint32_t nfeasible = filter_walk(s, &cy, want, &k);
    s->next_start = (s->next_start + k) % s->nnodes;

    if (nfeasible == 0) {
        store_emit(st, CH_POD_FAILED_SCHEDULING, KIND_POD, pod, NONE_ID, s->nexisting, sp->attempts,
                   cy.text ? fit_error(s, NULL, s->nexisting) : NULL);
        park(s, pod, cy.plugins);
        return;
    }
    uint32_t node = select_host(s, &cy, start, k, nfeasible);
    if (cy.nwffc > 0)
        prebind(s, &cy, node);
    else
        bind(s, pod, node);
}

/* --- Module interface ----------------------------------------------------------------- */

struct scheduler *sched_new(struct sim *sim)
{
    const struct store *st = sim->store;
    struct scheduler *s = xcalloc(1, sizeof *s);
    s->sim = sim;
    s->minor = k8s_minor(sim->scn->k8s.version);
    s->nnodes = st->nnodes;
    s->nzones = st->nzones;
    s->nsets = st->nsets;
    for (uint32_t i = 0; i < st->nnodes; i++)
        s->nexisting += st->nodes[i].exists;
    size_t nn = s->nnodes ? s->nnodes : 1;
    s->assumed = xcalloc(nn, sizeof *s->assumed);
    s->win = xcalloc(nn, sizeof *s->win);
    s->scored = xcalloc(2 * nn, sizeof *s->scored);
    s->node_class = xcalloc(nn, sizeof *s->node_class);
    s->snap_gen = xcalloc(nn, sizeof *s->snap_gen);
    for (uint32_t i = 0; i < s->nnodes; i++)
        snap_invalidate(s, i);
    s->zone_seen = xcalloc(s->nzones ? s->nzones : 1, sizeof *s->zone_seen);
    s->zone_named = xcalloc(s->nzones ? s->nzones : 1, sizeof *s->zone_named);
    for (uint32_t z = 0; z < s->nzones; z++)
        s->zone_named[z] = st->zones[z].name[0] != '\0';
    s->hosts = xcalloc(s->nsets ? s->nsets : 1, sizeof *s->hosts);
    s->zone_count = xcalloc((size_t)(s->nsets ? s->nsets : 1) * (s->nzones ? s->nzones : 1),
                            sizeof *s->zone_count);
    strbuf_init(&s->msg);
    return s;
}

void sched_free(struct scheduler *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < s->ninterned; i++)
        free(s->interned[i]);
    free(s->interned);
    free(s->tallies);
    strbuf_fini(&s->msg);
    free(s->zone_count);
    for (uint32_t i = 0; i < s->nsets; i++)
        free(s->hosts[i].slots);
    free(s->hosts);
    free(s->zone_named);
    free(s->zone_seen);
    free(s->win);
    free(s->scored);
    free(s->node_class);
    free(s->snap_gen);
    free(s->classes);
    free(s->class_slots);
    free(s->assumed);
    free(s->unsched);
    free(s->moved_nodes);
    free(s->moved_claims);
    free(s->waits);
    free(s->pods);
    free(s);
}

void sched_start(struct sim *sim)
{
    sim->sched->flush_phase = sim_phase(sim, UNSCHED_FLUSH_PERIOD);
}

/* What the event's handler reads first (see sim_run): the pod and its queue state. */
void sched_prefetch(const struct sim *sim, const struct event *ev)
{
    const struct scheduler *s = sim->sched;
    if (s == NULL || ev->kind == EV_MOVE || ev->kind == EV_PREBIND_TIMEOUT)
        return;
    if (ev->a < sim->store->npods)
        PREFETCH(&sim->store->pods[ev->a]);
    if (ev->a < s->pods_cap)
        PREFETCH(&s->pods[ev->a]);
}

void sched_on_event(struct sim *sim, const struct event *ev)
{
    struct scheduler *s = sim->sched;
    switch ((enum sched_event)ev->kind) {
    case EV_ATTEMPT: attempt(s, ev->a); break;
    case EV_MOVE: on_move(s); break;
    case EV_FLUSH:
        s->pods[ev->a].ev = QUEUE_NO_EVENT;
        if (s->pods[ev->a].state == Q_UNSCHEDULABLE)
            activate(s, ev->a);
        break;
    case EV_PREBIND: on_prebind(s, ev->a); break;
    case EV_PREBIND_TIMEOUT: on_prebind_timeout(s); break;
    }
}

/* The scheduler cache and queue follow the informers: private indexes are updated at once,
 * work on pods is scheduled after the watch delay. */
void sched_on_change(void *ctx, const struct change *c)
{
    struct sim *sim = ctx;
    struct scheduler *s = sim->sched;
    if (s == NULL)
        return;
    const struct store *st = sim->store;
    switch (c->reason) {
    case CH_POD_CREATED: {
        struct sched_pod *sp = pod_state(s, c->obj);
        sp->state = Q_ACTIVE;
        sp->ev = sim_after(sim, sim_sample(sim, &sim->scn->timings.schedule, RNG_SCHEDULE),
                           MOD_SCHED, EV_ATTEMPT, c->obj, 0, 0);
        break;
    }
    case CH_POD_SCHEDULED: {
        const struct pod *p = &st->pods[c->obj];
        host_add(&s->hosts[p->sts], c->node);
        s->zone_count[p->sts * s->nzones + st->nodes[c->node].zone]++;
        forget(s, c->obj);
        break;
    }
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED: {
        const struct pod *p = &st->pods[c->obj];
        forget(s, c->obj);
        if (c->node != NONE_ID) {
            host_remove(&s->hosts[p->sts], c->node);
            s->zone_count[p->sts * s->nzones + st->nodes[c->node].zone]--;
            queue_move(s, PL_NODE_RESOURCES_FIT);
        }
        break;
    }
    case CH_NODE_UNCORDONED: queue_move(s, PL_NODE_UNSCHEDULABLE); break;
    case CH_NODE_UNTAINTED: queue_move_node(s, c->obj); break;
    case CH_NODE_DELETED: s->nexisting--; break;
    case CH_PVC_CREATED: queue_move_claim(s, c->obj); break;
    case CH_PVC_BOUND: {
        queue_move_claim(s, c->obj);
        const struct pvc *pc = &st->pvcs[c->obj];
        uint32_t pod = store_sts_pod(st, pc->sts, pc->ordinal);
        if (pod != NONE_ID && pod < s->pods_cap && s->pods[pod].state == Q_PREBIND &&
            !s->pods[pod].prebind_queued) {
            s->pods[pod].prebind_queued = true;
            sim_after(sim, sim_watch_delay(sim), MOD_SCHED, EV_PREBIND, pod, 0, 0);
        }
        break;
    }
    default: break;
    }
}
