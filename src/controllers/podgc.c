/* The pod garbage collector, after upstream pkg/controller/podgc/gc_controller.go.
 *
 * Upstream lists every pod each 20 s and runs gcTerminated, gcTerminating, gcOrphaned and
 * gcUnscheduledTerminating. sssim keeps the 20 s grid but runs a pass only while something
 * is a candidate (docs/internals.md, "Periodic loops"):
 * - a node whose Node object is gone while pods are still bound to it (orphans);
 * - a node that is not Ready, has a taint with key node.kubernetes.io/out-of-service and
 *   holds a terminating pod;
 * - a terminating pod bound to no node;
 * - more terminated pods than --terminated-pod-gc-threshold.
 * Candidates are kept up to date from the change stream, so a pass costs what it deletes. */
#include "controllers/podgc.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"


enum podgc_event_kind { EV_GC };

struct podgc {
    int64_t period, phase;
    bool started;
    bool in_pass;      /* a pass is running: it decides about the next one at its end */
    uint64_t pass;     /* pending pass */
    int64_t last_pass; /* time of the last pass, TIME_NEVER before the first */
    /* Candidate nodes, unordered, with membership flags. */
    uint32_t *cand;
    size_t ncand, cand_cap;
    bool *is_cand;
    /* Orphaned-pod quarantine per node (the delaying queue's ready time is
     * quarantine_from + quarantineTime); TIME_NEVER when not queued. */
    int64_t *quarantine_from;
    uint32_t nnodes;
    /* Live pods in a terminal phase, with each pod's slot (by pod id, NONE_ID if absent). */
    uint32_t *terminated;
    size_t nterminated, terminated_cap;
    uint32_t *term_slot;
    size_t term_slot_len;
    /* Terminating pods without a node. */
    uint32_t *unscheduled;
    size_t nunscheduled, unscheduled_cap;
    /* Scratch. */
    uint32_t *scratch;
    size_t scratch_cap;
};

static bool has_taint_key(const struct node *n, const char *key)
{
    /* taints.TaintKeyExists: any effect. */
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (strcmp(n->taints[i].taint.key, key) == 0)
            return true;
    return false;
}

/* gcTerminating's node test (nodeutil.IsNodeReady is false and the out-of-service taint
 * key is present), without looking at the pods. */
static bool out_of_service(const struct node *n)
{
    return n->exists && n->ready != COND_TRUE && has_taint_key(n, TAINT_OUT_OF_SERVICE);
}

static bool node_is_candidate(const struct store *st, uint32_t node)
{
    const struct node *n = &st->nodes[node];
    if (!n->exists)
        return n->npods > 0;
    if (!out_of_service(n))
        return false;
    for (uint32_t i = 0; i < n->npods; i++)
        if (pod_terminating(&st->pods[n->pods[i]]))
            return true;
    return false;
}

static bool over_threshold(const struct sim *sim)
{
    int32_t threshold = sim->scn->k8s.pod_gc_terminated_threshold;
    return threshold > 0 && sim->podgc->nterminated > (size_t)threshold;
}

static bool has_candidates(const struct sim *sim)
{
    const struct podgc *g = sim->podgc;
    return g->ncand > 0 || g->nunscheduled > 0 || over_threshold(sim);
}

/* Schedule the next pass at the next tick of the grid, unless one is pending. A pass at
 * the current tick already ran when last_pass == now: then the tick after. */
static void ensure_pass(struct sim *sim)
{
    struct podgc *g = sim->podgc;
    if (!g->started || g->in_pass || g->pass != QUEUE_NO_EVENT || !has_candidates(sim))
        return;
    int64_t t = grid_next(sim->now, g->phase, g->period);
    if (t == g->last_pass)
        t += g->period;
    g->pass = sim_at(sim, t, MOD_PODGC, EV_GC, 0, 0, 0);
}

static void add_candidate(struct sim *sim, uint32_t node)
{
    struct podgc *g = sim->podgc;
    if (node >= g->nnodes || g->is_cand[node])
        return;
    if (!node_is_candidate(sim->store, node))
        return;
    g->is_cand[node] = true;
    VEC_PUSH(g->cand, g->ncand, g->cand_cap, node);
    ensure_pass(sim);
}

static void track_terminated(struct podgc *g, uint32_t pod, bool on)
{
    if (pod >= g->term_slot_len) {
        if (!on)
            return;
        size_t len = g->term_slot_len ? g->term_slot_len : 64;
        while (len <= pod)
            len *= 2;
        g->term_slot = xrealloc(g->term_slot, len * sizeof *g->term_slot);
        for (size_t i = g->term_slot_len; i < len; i++)
            g->term_slot[i] = NONE_ID;
        g->term_slot_len = len;
    }
    uint32_t slot = g->term_slot[pod];
    if (on && slot == NONE_ID) {
        g->term_slot[pod] = (uint32_t)g->nterminated;
        VEC_PUSH(g->terminated, g->nterminated, g->terminated_cap, pod);
    } else if (!on && slot != NONE_ID) {
        uint32_t last = g->terminated[--g->nterminated];
        g->terminated[slot] = last;
        g->term_slot[last] = slot;
        g->term_slot[pod] = NONE_ID;
    }
}

/* markFailedAndDeletePodWithCondition: patch phase Failed (with the condition, if any)
 * unless the pod already ended, then DELETE with grace 0. */
static void mark_failed_and_delete(struct sim *sim, uint32_t pod, const char *condition)
{
    struct store *st = sim->store;
    const struct pod *p = &st->pods[pod];
    if (p->gone)
        return; /* NotFound: the lister was stale */
    if (p->phase != PHASE_SUCCEEDED && p->phase != PHASE_FAILED) {
        if (condition != NULL)
            store_pod_set_disruption_target(st, pod, condition);
        store_pod_set_phase(st, pod, PHASE_FAILED, NULL);
    }
    store_pod_delete(st, pod, 0, true);
}

/* byEvictionAndCreationTimestamp: evicted pods first, then by creation, then by name. */
struct gc_key {
    bool evicted;
    int64_t created;
    const char *name;
    uint32_t id;
};

static int cmp_gc_key(const void *x, const void *y)
{
    const struct gc_key *a = x, *b = y;
    if (a->evicted != b->evicted)
        return a->evicted ? -1 : 1;
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c != 0)
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

static void sort_pods(uint32_t *ids, size_t n, const struct store *st)
{
    if (n < 2)
        return;
    struct gc_key *keys = xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const struct pod *p = &st->pods[ids[i]];
        /* eviction.PodIsEvicted: phase Failed with reason Evicted. */
        keys[i].evicted =
            p->phase == PHASE_FAILED && p->reason && strcmp(p->reason, "Evicted") == 0;
        keys[i].created = p->created;
        keys[i].name = p->name;
        keys[i].id = p->id;
    }
    qsort(keys, n, sizeof *keys, cmp_gc_key);
    for (size_t i = 0; i < n; i++)
        ids[i] = keys[i].id;
    free(keys);
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static uint32_t *scratch(struct podgc *g, size_t n)
{
    grow_array((void **)&g->scratch, &g->scratch_cap, n ? n : 1, sizeof *g->scratch);
    return g->scratch;
}

/* gcTerminated: above the threshold, force delete the oldest terminated pods. */
static void gc_terminated(struct sim *sim)
{
    struct podgc *g = sim->podgc;
    if (!over_threshold(sim))
        return;
    size_t n = g->nterminated;
    size_t excess = n - (size_t)sim->scn->k8s.pod_gc_terminated_threshold;
    uint32_t *ids = xmalloc(n * sizeof *ids);
    memcpy(ids, g->terminated, n * sizeof *ids);
    sort_pods(ids, n, sim->store);
    for (size_t i = 0; i < excess; i++)
        mark_failed_and_delete(sim, ids[i], NULL);
    free(ids);
}

/* gcTerminating: terminating pods on not-Ready nodes with the out-of-service taint. */
static void gc_terminating(struct sim *sim, const uint32_t *nodes, size_t nnodes)
{
    struct store *st = sim->store;
    size_t total = 0;
    for (size_t i = 0; i < nnodes; i++)
        if (out_of_service(&st->nodes[nodes[i]]))
            total += st->nodes[nodes[i]].npods;
    if (total == 0)
        return;
    uint32_t *ids = xmalloc(total * sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < nnodes; i++) {
        const struct node *nd = &st->nodes[nodes[i]];
        if (!out_of_service(nd))
            continue;
        for (uint32_t k = 0; k < nd->npods; k++)
            if (pod_terminating(&st->pods[nd->pods[k]]))
                ids[n++] = nd->pods[k];
    }
    sort_pods(ids, n, st);
    for (size_t i = 0; i < n; i++)
        mark_failed_and_delete(sim, ids[i], NULL);
    free(ids);
}

/* gcOrphaned: a node missing from the API is quarantined (a delaying queue, AddAfter
 * quarantineTime, refreshed only to an earlier time); on the first pass after that, if a
 * GET still finds no Node, its pods are force deleted with DisruptionTarget
 * DeletionByPodGC ("PodGC: node no longer exists"). */
static void gc_orphaned(struct sim *sim, const uint32_t *nodes, size_t nnodes)
{
    struct podgc *g = sim->podgc;
    struct store *st = sim->store;
    int64_t quarantine = sim->scn->k8s.pod_gc_quarantine_ns;
    for (size_t i = 0; i < nnodes; i++) {
        uint32_t node = nodes[i];
        const struct node *nd = &st->nodes[node];
        if (nd->exists || nd->npods == 0)
            continue;
        if (g->quarantine_from[node] == TIME_NEVER)
            g->quarantine_from[node] = sim->now;
    }
    for (size_t i = 0; i < nnodes; i++) {
        uint32_t node = nodes[i];
        const struct node *nd = &st->nodes[node];
        if (g->quarantine_from[node] == TIME_NEVER ||
            sim->now - g->quarantine_from[node] < quarantine)
            continue;
        /* discoverDeletedNodes takes the node out of the queue whatever the GET says. */
        g->quarantine_from[node] = TIME_NEVER;
        if (nd->exists || nd->npods == 0)
            continue;
        uint32_t *ids = xmalloc((nd->npods ? nd->npods : 1) * sizeof *ids);
        size_t n = nd->npods;
        memcpy(ids, nd->pods, n * sizeof *ids);
        sort_pods(ids, n, st);
        for (size_t k = 0; k < n; k++)
            mark_failed_and_delete(sim, ids[k], "DeletionByPodGC");
        free(ids);
    }
}

/* gcUnscheduledTerminating: terminating pods that never got a node. */
static void gc_unscheduled_terminating(struct sim *sim)
{
    struct podgc *g = sim->podgc;
    struct store *st = sim->store;
    size_t n = g->nunscheduled;
    if (n == 0)
        return;
    uint32_t *ids = scratch(g, n);
    memcpy(ids, g->unscheduled, n * sizeof *ids);
    g->nunscheduled = 0;
    for (size_t i = 0; i < n; i++) {
        const struct pod *p = &st->pods[ids[i]];
        if (!p->gone && pod_terminating(p) && p->node == NONE_ID)
            mark_failed_and_delete(sim, ids[i], NULL);
    }
}

/* PodGCController.gc. */
static void gc_pass(struct sim *sim)
{
    struct podgc *g = sim->podgc;
    struct store *st = sim->store;
    g->pass = QUEUE_NO_EVENT;
    g->last_pass = sim->now;
    g->in_pass = true;

    /* The candidate nodes as the pass starts, in id order (the lister's order does not
     * matter upstream; a fixed one keeps runs reproducible). */
    size_t n = g->ncand;
    uint32_t *nodes = xmalloc((n ? n : 1) * sizeof *nodes);
    if (n > 0)
        memcpy(nodes, g->cand, n * sizeof *nodes);
    qsort(nodes, n, sizeof *nodes, cmp_u32);

    gc_terminated(sim);
    gc_terminating(sim, nodes, n);
    gc_orphaned(sim, nodes, n);
    gc_unscheduled_terminating(sim);
    free(nodes);

    /* Keep the nodes that still need a pass: orphans waiting out their quarantine, and
     * anything that still qualifies. */
    size_t kept = 0;
    for (size_t i = 0; i < g->ncand; i++) {
        uint32_t node = g->cand[i];
        if (node_is_candidate(st, node))
            g->cand[kept++] = node;
        else
            g->is_cand[node] = false;
    }
    g->ncand = kept;
    g->in_pass = false;
    ensure_pass(sim);
}

struct podgc *podgc_new(struct sim *sim)
{
    struct podgc *g = xcalloc(1, sizeof *g);
    g->period = sim->scn->k8s.pod_gc_period_ns > 0 ? sim->scn->k8s.pod_gc_period_ns : SEC(20);
    g->last_pass = TIME_NEVER;
    g->nnodes = sim->store->nnodes;
    g->is_cand = xcalloc(g->nnodes ? g->nnodes : 1, sizeof *g->is_cand);
    g->quarantine_from = xmalloc((g->nnodes ? g->nnodes : 1) * sizeof *g->quarantine_from);
    for (uint32_t i = 0; i < g->nnodes; i++)
        g->quarantine_from[i] = TIME_NEVER;
    return g;
}

void podgc_free(struct podgc *g)
{
    if (g == NULL)
        return;
    free(g->cand);
    free(g->is_cand);
    free(g->quarantine_from);
    free(g->terminated);
    free(g->term_slot);
    free(g->unscheduled);
    free(g->scratch);
    free(g);
}

void podgc_start(struct sim *sim)
{
    struct podgc *g = sim->podgc;
    struct store *st = sim->store;
    g->phase = sim_phase(sim, g->period);
    g->started = true;
    /* Whatever the store already holds when the run starts. */
    for (uint32_t i = 0; i < st->npods; i++) {
        const struct pod *p = &st->pods[i];
        if (p->gone)
            continue;
        if (p->phase == PHASE_FAILED || p->phase == PHASE_SUCCEEDED)
            track_terminated(g, i, true);
        if (pod_terminating(p) && p->node == NONE_ID)
            VEC_PUSH(g->unscheduled, g->nunscheduled, g->unscheduled_cap, i);
    }
    for (uint32_t i = 0; i < g->nnodes; i++)
        add_candidate(sim, i);
    ensure_pass(sim);
}

void podgc_on_event(struct sim *sim, const struct event *ev)
{
    if (ev->kind == EV_GC && ev->handle == sim->podgc->pass)
        gc_pass(sim);
}

void podgc_on_change(void *ctx, const struct change *c)
{
    struct sim *sim = ctx;
    struct podgc *g = sim->podgc;
    if (g == NULL || !g->started)
        return;
    switch (c->reason) {
    case CH_NODE_DELETED:
    case CH_NODE_READY:
    case CH_NODE_NOT_READY:
    case CH_NODE_UNKNOWN:
    case CH_NODE_TAINTED:
    case CH_NODE_UNTAINTED: add_candidate(sim, c->obj); break;
    case CH_POD_DELETE_REQUESTED:
        if (c->node == NONE_ID) {
            VEC_PUSH(g->unscheduled, g->nunscheduled, g->unscheduled_cap, c->obj);
            ensure_pass(sim);
        } else if (c->node < g->nnodes && !g->is_cand[c->node] &&
                   out_of_service(&sim->store->nodes[c->node])) {
            add_candidate(sim, c->node);
        }
        break;
    case CH_POD_SCHEDULED:
        /* A pod bound to a node that is already gone is an orphan from the start. */
        add_candidate(sim, c->node);
        break;
    case CH_POD_FAILED:
    case CH_POD_SUCCEEDED:
        track_terminated(g, c->obj, true);
        ensure_pass(sim);
        break;
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED: track_terminated(g, c->obj, false); break;
    default: break;
    }
}
