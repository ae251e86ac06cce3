/* The taint-eviction controller, after upstream
 * pkg/controller/tainteviction/taint_eviction.go and timed_workers.go, with the tolerations
 * the DefaultTolerationSeconds admission plugin
 * (plugin/pkg/admission/defaulttolerationseconds/admission.go) adds to every pod.
 *
 * Node updates that change the NoExecute taint set, and pods bound to a tainted node, are
 * handled after the informer delay. A pod that does not tolerate every NoExecute taint is
 * deleted at once; otherwise its deletion is scheduled at now + the smallest
 * tolerationSeconds among the matching tolerations, and cancelled when the taints go.
 * Scheduled work is keyed by the pod's name, as upstream keys it by namespace/name. */
#include "controllers/tainteviction.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"


enum tec_event_kind {
    EV_NODE_UPDATE, /* handleNodeUpdate for node a */
    EV_POD_UPDATE,  /* handlePodUpdate for pod a, bound to node b when it changed */
    EV_FIRE,        /* the timed worker of set a, ordinal b fires */
};

/* A TimedWorker: the deletion of the pod named <set>-<ordinal>. */
struct tec_work {
    uint64_t handle; /* QUEUE_NO_EVENT when there is no pending work */
    int64_t created; /* CreatedAt */
    int64_t fire;    /* FireAt */
    uint32_t pod;    /* the pod object it was scheduled for (for the events) */
};

struct tec_set {
    struct tec_work *works; /* by ordinal */
    uint32_t nworks;
};

/* taintedNodes: the node's NoExecute taints as the last handleNodeUpdate saw them. */
struct tec_node {
    struct taint *taints;
    uint32_t ntaints, taints_cap;
    bool pending; /* a node update is queued */
};

struct taint_eviction {
    struct tec_node *nodes;
    uint32_t nnodes;
    struct tec_set *sets;
    uint32_t nsets;
    uint8_t *pod_pending; /* by pod id: a pod update is queued */
    size_t pod_pending_len;
    struct strbuf text; /* the message of the change being emitted */
    /* Scratch space reused by every handler. */
    struct toleration *tols;
    size_t tols_cap;
    uint32_t *pods;
    size_t pods_cap;
};

static struct tec_work *work_of(struct taint_eviction *t, const struct pod *p)
{
    if (p->sts >= t->nsets || p->ordinal < 0)
        return NULL;
    struct tec_set *s = &t->sets[p->sts];
    uint32_t need = (uint32_t)p->ordinal + 1;
    if (need > s->nworks) {
        uint32_t len = s->nworks ? s->nworks : 8;
        while (len < need)
            len *= 2;
        s->works = xrealloc(s->works, len * sizeof *s->works);
        memset(&s->works[s->nworks], 0, (len - s->nworks) * sizeof *s->works);
        s->nworks = len;
    }
    return &s->works[p->ordinal];
}

/* The event message naming the pod as namespace/name; valid until the next message. */
static const char *pod_ref(struct sim *sim, const struct pod *p, const char *what)
{
    struct store *st = sim->store;
    if (!store_wants_text(st))
        return NULL;
    const char *ns = st->sets[p->sts].spec->namespace_;
    struct strbuf *sb = &sim->tec->text;
    strbuf_reset(sb);
    strbuf_printf(sb, "%s Pod %s/%s", what, ns ? ns : "default", p->name);
    return sb->buf;
}

/* cancelWorkWithEvent: "Cancelling deletion of Pod ns/name" when work was pending. */
static void cancel_work(struct sim *sim, const struct pod *p)
{
    struct tec_work *w = work_of(sim->tec, p);
    if (w == NULL || w->handle == QUEUE_NO_EVENT)
        return;
    sim_cancel(sim, w->handle);
    w->handle = QUEUE_NO_EVENT;
    uint32_t pod = w->pod;
    const struct pod *named = &sim->store->pods[pod];
    store_emit(sim->store, CH_POD_EVICTION_CANCELLED, KIND_POD, pod, named->node, 0, 0,
               pod_ref(sim, named, "Cancelling deletion of"));
}

/* deletePodHandler + addConditionAndDeletePod: the TaintManagerEviction event, then a GET
 * by name, the DisruptionTarget condition and a DELETE with empty options, so the pod's
 * own terminationGracePeriodSeconds applies and no PodDisruptionBudget is consulted. */
static void evict(struct sim *sim, uint32_t sts, int32_t ordinal, uint32_t scheduled_for)
{
    struct store *st = sim->store;
    uint32_t pod = store_sts_pod(st, sts, ordinal);
    uint32_t ref = pod != NONE_ID ? pod : scheduled_for;
    const struct pod *rp = &st->pods[ref];
    store_emit(st, CH_POD_EVICTED, KIND_POD, ref, rp->node, 0, 0,
               pod_ref(sim, rp, "Marking for deletion"));
    if (pod == NONE_ID)
        return; /* NotFound: the retries give up */
    store_pod_set_disruption_target(st, pod, "DeletionByTaintManager");
    const struct scn_pod_template *spec = store_pod_spec(st, &st->pods[pod]);
    store_pod_delete(st, pod, spec->termination_grace_ns, false);
}

/* The pod's tolerations after admission: its template's, then the DefaultTolerationSeconds
 * ones for not-ready and unreachable unless a toleration with that key (or an empty key)
 * and effect NoExecute (or no effect) is already there. */
static uint32_t pod_tolerations(struct sim *sim, const struct pod *p)
{
    struct taint_eviction *t = sim->tec;
    const struct scn_pod_template *spec = store_pod_spec(sim->store, p);
    grow_array((void **)&t->tols, &t->tols_cap, (size_t)spec->ntolerations + 2, sizeof *t->tols);
    bool not_ready = false, unreachable = false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < spec->ntolerations; i++) {
        const struct toleration *tol = &spec->tolerations[i];
        const char *key = tol->key ? tol->key : "";
        bool no_execute = tol->effect == EFFECT_NO_EXECUTE || tol->effect == EFFECT_NONE;
        if (no_execute && (key[0] == '\0' || strcmp(key, TAINT_NOT_READY) == 0))
            not_ready = true;
        if (no_execute && (key[0] == '\0' || strcmp(key, TAINT_UNREACHABLE) == 0))
            unreachable = true;
        t->tols[n] = *tol;
        t->tols[n].key = key;
        n++;
    }
    const struct scn_kubernetes *k = &sim->scn->k8s;
    if (!not_ready) {
        struct toleration d = {.key = TAINT_NOT_READY,
                               .op = TOL_EXISTS,
                               .value = "",
                               .effect = EFFECT_NO_EXECUTE,
                               .has_seconds = true,
                               .seconds = k->not_ready_toleration_s};
        t->tols[n++] = d;
    }
    if (!unreachable) {
        struct toleration d = {.key = TAINT_UNREACHABLE,
                               .op = TOL_EXISTS,
                               .value = "",
                               .effect = EFFECT_NO_EXECUTE,
                               .has_seconds = true,
                               .seconds = k->unreachable_toleration_s};
        t->tols[n++] = d;
    }
    return n;
}

/* v1helper.GetMatchingTolerations + getMinTolerationTime: the first toleration matching
 * each taint counts. Returns -2 when some taint is not tolerated, -1 when the matching
 * tolerations tolerate forever, else the delay in ns (0: now). */
static int64_t toleration_delay(const struct toleration *tols, uint32_t ntols,
                                const struct taint *taints, uint32_t ntaints)
{
    int64_t min_s = INT64_MAX;
    bool any_used = false;
    for (uint32_t i = 0; i < ntaints; i++) {
        const struct toleration *used = NULL;
        for (uint32_t j = 0; j < ntols && used == NULL; j++)
            if (toleration_matches(&tols[j], &taints[i]))
                used = &tols[j];
        if (used == NULL)
            return -2;
        any_used = true;
        if (!used->has_seconds)
            continue;
        if (used->seconds <= 0)
            min_s = 0;
        else if (used->seconds < min_s)
            min_s = used->seconds;
    }
    if (!any_used || min_s == 0)
        return 0;
    if (min_s == INT64_MAX)
        return -1;
    return min_s > INT64_MAX / NS_PER_SEC ? INT64_MAX : SEC(min_s);
}

/* processPodOnNode. */
static void process_pod_on_node(struct sim *sim, uint32_t pod, const struct tec_node *tn)
{
    struct store *st = sim->store;
    const struct pod *p = &st->pods[pod];
    struct tec_work *w = work_of(sim->tec, p);
    if (w == NULL)
        return;
    if (tn->ntaints == 0)
        cancel_work(sim, p);
    uint32_t ntols = pod_tolerations(sim, p);
    int64_t delay = toleration_delay(sim->tec->tols, ntols, tn->taints, tn->ntaints);
    if (delay == -2) {
        /* Not all taints tolerated: cancel, and delete right away. */
        cancel_work(sim, p);
        evict(sim, p->sts, p->ordinal, pod);
        return;
    }
    if (delay == -1) {
        cancel_work(sim, p);
        return;
    }
    int64_t now = sim->now;
    int64_t trigger = delay > TIME_NEVER - 1 - now ? TIME_NEVER - 1 : now + delay;
    if (w->handle != QUEUE_NO_EVENT) {
        /* Upstream compares CreatedAt + minTolerationTime with now + minTolerationTime:
         * any work created before now is kept, with its own fire time. */
        if (w->created < now)
            return;
        cancel_work(sim, p);
    }
    if (delay == 0) {
        /* createWorker runs work whose delay is not positive at once. */
        evict(sim, p->sts, p->ordinal, pod);
        return;
    }
    w->created = now;
    w->fire = trigger;
    w->pod = pod;
    w->handle = sim_at(sim, trigger, MOD_TAINT, EV_FIRE, p->sts, (uint32_t)p->ordinal, 0);
    store_emit(st, CH_POD_EVICTION_SCHEDULED, KIND_POD, pod, p->node, 0, trigger,
               pod_ref(sim, p, "Scheduled deletion of"));
}

/* handleNodeUpdate. */
static void handle_node_update(struct sim *sim, uint32_t node)
{
    struct taint_eviction *t = sim->tec;
    struct store *st = sim->store;
    struct tec_node *tn = &t->nodes[node];
    tn->pending = false;
    const struct node *n = &st->nodes[node];
    tn->ntaints = 0;
    if (!n->exists)
        return; /* "Noticed node deletion": forget its taints, keep scheduled work */
    for (uint32_t i = 0; i < n->ntaints; i++) {
        if (n->taints[i].taint.effect != EFFECT_NO_EXECUTE)
            continue;
        VEC_PUSH(tn->taints, tn->ntaints, tn->taints_cap, n->taints[i].taint);
    }
    if (n->npods == 0)
        return;
    /* Evictions of terminal pods remove them from the node's index: walk a copy, as
     * upstream walks the list it fetched. */
    grow_array((void **)&t->pods, &t->pods_cap, n->npods, sizeof *t->pods);
    uint32_t npods = n->npods;
    memcpy(t->pods, n->pods, npods * sizeof *t->pods);
    for (uint32_t i = 0; i < npods; i++) {
        const struct pod *p = &st->pods[t->pods[i]];
        if (p->gone)
            continue;
        if (tn->ntaints == 0)
            cancel_work(sim, p); /* all NoExecute taints gone */
        else
            process_pod_on_node(sim, t->pods[i], tn);
    }
}

/* handlePodUpdate. Upstream looks the pod up by name in its lister. A pod that left the
 * API is NotFound there even if the StatefulSet has already re-created the name: the new
 * object reaches the informer only after the deletion did, whereas sssim may run both at
 * the same instant. So a pod that is gone cancels its work ("Noticed pod deletion"). */
static void handle_pod_update(struct sim *sim, uint32_t pod, uint32_t node)
{
    struct taint_eviction *t = sim->tec;
    struct store *st = sim->store;
    t->pod_pending[pod] = 0;
    const struct pod *p = &st->pods[pod];
    if (p->gone) {
        cancel_work(sim, p);
        return;
    }
    if (p->node != node || node == NONE_ID || node >= t->nnodes)
        return;
    const struct tec_node *tn = &t->nodes[node];
    if (tn->ntaints == 0)
        return;
    process_pod_on_node(sim, pod, tn);
}

static void enqueue_node(struct sim *sim, uint32_t node)
{
    struct taint_eviction *t = sim->tec;
    if (node >= t->nnodes || t->nodes[node].pending)
        return;
    t->nodes[node].pending = true;
    sim_after(sim, sim_watch_delay(sim), MOD_TAINT, EV_NODE_UPDATE, node, 0, 0);
}

static void enqueue_pod(struct sim *sim, uint32_t pod, uint32_t node)
{
    struct taint_eviction *t = sim->tec;
    if (pod >= t->pod_pending_len) {
        size_t len = t->pod_pending_len ? t->pod_pending_len : 64;
        while (len <= pod)
            len *= 2;
        t->pod_pending = xrealloc(t->pod_pending, len);
        memset(t->pod_pending + t->pod_pending_len, 0, len - t->pod_pending_len);
        t->pod_pending_len = len;
    }
    if (t->pod_pending[pod])
        return;
    t->pod_pending[pod] = 1;
    sim_after(sim, sim_watch_delay(sim), MOD_TAINT, EV_POD_UPDATE, pod, node, 0);
}

struct taint_eviction *tec_new(struct sim *sim)
{
    struct taint_eviction *t = xcalloc(1, sizeof *t);
    t->nnodes = sim->store->nnodes;
    t->nodes = xcalloc(t->nnodes ? t->nnodes : 1, sizeof *t->nodes);
    t->nsets = sim->store->nsets;
    t->sets = xcalloc(t->nsets ? t->nsets : 1, sizeof *t->sets);
    strbuf_init(&t->text);
    return t;
}

void tec_free(struct taint_eviction *t)
{
    if (t == NULL)
        return;
    for (uint32_t i = 0; i < t->nnodes; i++)
        free(t->nodes[i].taints);
    for (uint32_t i = 0; i < t->nsets; i++)
        free(t->sets[i].works);
    free(t->nodes);
    free(t->sets);
    free(t->pod_pending);
    free(t->tols);
    free(t->pods);
    strbuf_fini(&t->text);
    free(t);
}

void tec_start(struct sim *sim)
{
    /* The node informer's initial list: nodes that start with NoExecute taints. */
    struct store *st = sim->store;
    for (uint32_t i = 0; i < st->nnodes; i++)
        for (uint32_t k = 0; k < st->nodes[i].ntaints; k++)
            if (st->nodes[i].taints[k].taint.effect == EFFECT_NO_EXECUTE)
                enqueue_node(sim, i);
}

void tec_on_event(struct sim *sim, const struct event *ev)
{
    struct taint_eviction *t = sim->tec;
    switch ((enum tec_event_kind)ev->kind) {
    case EV_NODE_UPDATE: handle_node_update(sim, ev->a); break;
    case EV_POD_UPDATE: handle_pod_update(sim, ev->a, ev->b); break;
    case EV_FIRE: {
        if (ev->a >= t->nsets || ev->b >= t->sets[ev->a].nworks)
            break;
        struct tec_work *w = &t->sets[ev->a].works[ev->b];
        if (w->handle != ev->handle)
            break;
        /* getWrappedWorkerFunc removes the work once it ran. */
        w->handle = QUEUE_NO_EVENT;
        evict(sim, ev->a, (int32_t)ev->b, w->pod);
        break;
    }
    }
}

void tec_on_change(void *ctx, const struct change *c)
{
    struct sim *sim = ctx;
    if (sim->tec == NULL)
        return;
    switch (c->reason) {
    case CH_NODE_TAINTED:
    case CH_NODE_UNTAINTED:
        /* NodeUpdated: only a change of the NoExecute taints matters. */
        if (c->b == EFFECT_NO_EXECUTE)
            enqueue_node(sim, c->obj);
        break;
    case CH_NODE_DELETED: enqueue_node(sim, c->obj); break;
    case CH_POD_SCHEDULED:
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED:
        /* PodUpdated: a new nodeName, or the pod's deletion. */
        enqueue_pod(sim, c->obj, c->node);
        break;
    default: break;
    }
}
