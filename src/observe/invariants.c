/* The invariant checker. */
#include "observe/invariants.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Per identity: live containers now, and whether the current episode was reported. */
struct identity_state {
    uint32_t live;
    bool reported;
};

/* The identities of one set, indexed by ordinal (the pointer and its length in one record). */
struct set_identities {
    struct identity_state *by_ordinal;
    uint32_t len;
};

struct invariants {
    struct sim *sim;
    struct history *h;
    uint32_t broken;
    struct set_identities *ids; /* per set */
    uint32_t *pvc_first_pv;    /* per pvc id: the first PV it was bound to */
    uint32_t npvc, pvc_cap;
    bool *pv_reported;         /* per pv id: a multi-attach episode was reported */
    uint32_t npv, pv_cap;
    bool *order_reported;      /* per set: one ordering violation of each kind per set */
    struct strbuf msg;
};

const char *invariants_guarantee(enum invariant i)
{
    static const char *const text[INV_COUNT] = {
        [INV_AT_MOST_ONE_PER_IDENTITY] =
            "a StatefulSet runs at most one Pod per identity at any time",
        [INV_ORDERED_CREATION] =
            "with OrderedReady, Pod k is created only while Pods below k are Running and Ready",
        [INV_ORDERED_TERMINATION] =
            "with OrderedReady, scale-down deletes Pod k only once every Pod above k is gone",
        [INV_STABLE_STORAGE] =
            "ordinal k only ever mounts its own claim <template>-<set>-k, which keeps its volume",
        [INV_SINGLE_ATTACH_RWO] =
            "a ReadWriteOnce volume is attached to at most one node at a time",
        [INV_UPDATE_ORDER] = ("a rolling update replaces Pods from the highest ordinal down, "
                              "never below the partition, and only while the Pods it waits "
                              "for are available"),
    };
    return text[i];
}

uint32_t invariants_broken(const struct invariants *inv)
{
    return inv->broken;
}

static void report(struct invariants *inv, enum invariant which, const struct change *cause,
                   uint32_t obj, enum obj_kind kind)
{
    inv->broken |= 1u << which;
    strbuf_puts(&inv->msg, ": ");
    strbuf_puts(&inv->msg, invariants_guarantee(which));
    history_add_violation(inv->h, which, cause->time, cause->seq, inv->msg.buf);
    store_emit(inv->sim->store, CH_VIOLATION, kind, obj, cause->node, which, (int64_t)cause->seq,
               inv->msg.buf);
}

static struct identity_state *identity(struct invariants *inv, uint32_t sts, int32_t ordinal)
{
    struct set_identities *s = &inv->ids[sts];
    if ((uint32_t)ordinal >= s->len) {
        uint32_t nlen = s->len ? s->len : 8;
        while (nlen <= (uint32_t)ordinal)
            nlen *= 2;
        s->by_ordinal = xrealloc(s->by_ordinal, nlen * sizeof *s->by_ordinal);
        memset(s->by_ordinal + s->len, 0, (nlen - s->len) * sizeof *s->by_ordinal);
        s->len = nlen;
    }
    return &s->by_ordinal[ordinal];
}

static void check_at_most_one(struct invariants *inv, const struct change *c, bool started)
{
    const struct store *st = inv->sim->store;
    const struct pod *p = &st->pods[c->obj];
    struct identity_state *id = identity(inv, p->sts, p->ordinal);
    if (!started) {
        if (id->live > 0)
            id->live--;
        if (id->live < 2)
            id->reported = false;
        return;
    }
    id->live++;
    if (id->live < 2 || id->reported)
        return;
    id->reported = true;
    strbuf_reset(&inv->msg);
    strbuf_printf(&inv->msg, "%s has %u live containers (", p->name, id->live);
    bool first = true;
    for (uint32_t i = 0; i < st->npods; i++) {
        const struct pod *q = &st->pods[i];
        if (q->sts != p->sts || q->ordinal != p->ordinal || !q->runtime_live)
            continue;
        strbuf_printf(&inv->msg, "%s%s on %s%s", first ? "" : ", ", q->name,
                      st->nodes[q->runtime_node].name, q->gone ? ", object deleted" : "");
        first = false;
    }
    strbuf_putc(&inv->msg, ')');
    report(inv, INV_AT_MOST_ONE_PER_IDENTITY, c, c->obj, KIND_POD);
}

static bool running_and_ready(const struct pod *p)
{
    return !p->gone && !pod_terminating(p) && p->phase == PHASE_RUNNING && p->ready;
}

static void check_ordered_creation(struct invariants *inv, const struct change *c)
{
    const struct store *st = inv->sim->store;
    const struct pod *p = &st->pods[c->obj];
    const struct statefulset *set = &st->sets[p->sts];
    if (set->spec->pod_management != POD_MGMT_ORDERED_READY)
        return;
    for (int32_t o = set->spec->ordinals_start; o < p->ordinal; o++) {
        uint32_t q = store_sts_pod(st, p->sts, o);
        if (q != NONE_ID && running_and_ready(&st->pods[q]))
            continue;
        strbuf_reset(&inv->msg);
        strbuf_printf(&inv->msg, "%s was created while %s-%d was %s", p->name, set->name, o,
                      q == NONE_ID ? "missing" : "not Running and Ready");
        report(inv, INV_ORDERED_CREATION, c, c->obj, KIND_POD);
        return;
    }
}

static bool in_range(const struct statefulset *set, int32_t ordinal)
{
    int32_t start = set->spec->ordinals_start;
    return ordinal >= start && ordinal < start + set->replicas;
}

static void check_ordered_termination(struct invariants *inv, const struct change *c,
                                      const struct pod *p)
{
    const struct store *st = inv->sim->store;
    const struct statefulset *set = &st->sets[p->sts];
    if (set->spec->pod_management != POD_MGMT_ORDERED_READY || in_range(set, p->ordinal))
        return;
    for (uint32_t o = (uint32_t)p->ordinal + 1; o < set->by_ordinal_len; o++) {
        uint32_t q = set->by_ordinal[o];
        if (q == NONE_ID || q == p->id)
            continue;
        strbuf_reset(&inv->msg);
        strbuf_printf(&inv->msg, "%s was deleted while %s still existed", p->name,
                      st->pods[q].name);
        report(inv, INV_ORDERED_TERMINATION, c, p->id, KIND_POD);
        return;
    }
}

/* Unavailable in-range pods of a set (missing, terminating, not Running and Ready) with
 * an ordinal from `from` on, the ordinal `skip` aside. By ordinal, not by pod: a pod
 * deleted with grace 0 has already left the set's index when its deletion is checked. */
static int32_t unavailable(const struct store *st, const struct statefulset *set, int32_t from,
                           int32_t skip)
{
    int32_t n = 0;
    int32_t start = set->spec->ordinals_start;
    for (int32_t o = from > start ? from : start; o < start + set->replicas; o++) {
        if (o == skip)
            continue;
        uint32_t q = store_sts_pod(st, set->id, o);
        if (q == NONE_ID || !running_and_ready(&st->pods[q]))
            n++;
    }
    return n;
}

static int32_t max_unavailable(const struct scenario *scn, const struct statefulset *set)
{
    const struct scn_statefulset *ss = set->spec;
    if (!scn->k8s.gate_max_unavailable_statefulset || !ss->max_unavailable_set)
        return 1;
    int32_t m = ss->max_unavailable_percent ? set->replicas * ss->max_unavailable / 100
                                            : ss->max_unavailable;
    return m < 1 ? 1 : m;
}

static void check_update_order(struct invariants *inv, const struct change *c, const struct pod *p)
{
    const struct store *st = inv->sim->store;
    const struct statefulset *set = &st->sets[p->sts];
    const struct scn_statefulset *ss = set->spec;
    uint32_t update = set->status.update_revision;
    if (ss->update_strategy != UPDATE_ROLLING || !in_range(set, p->ordinal) ||
        update == NONE_ID || p->revision == update || p->phase == PHASE_FAILED ||
        p->phase == PHASE_SUCCEEDED)
        return;
    strbuf_reset(&inv->msg);
    if (p->ordinal < ss->ordinals_start + ss->partition) {
        strbuf_printf(&inv->msg, "%s was replaced for an update below partition %d", p->name,
                      ss->partition);
        report(inv, INV_UPDATE_ORDER, c, p->id, KIND_POD);
        return;
    }
    int32_t start = ss->ordinals_start;
    for (int32_t o = p->ordinal + 1; o < start + set->replicas; o++) {
        uint32_t q = store_sts_pod(st, set->id, o);
        if (q == NONE_ID || st->pods[q].revision == update || pod_terminating(&st->pods[q]))
            continue;
        strbuf_printf(&inv->msg, "%s was replaced for an update before %s", p->name,
                      st->pods[q].name);
        report(inv, INV_UPDATE_ORDER, c, p->id, KIND_POD);
        return;
    }
    /* With the gate MaxUnavailableStatefulSet off (updateStatefulSet) the update waits
     * for every pod above its target to be healthy; only OrderedReady also waits for the
     * pods below (processReplica returns at the first unhealthy one), so a Parallel set
     * may replace a pod while one below the partition is down. */
    if (!inv->sim->scn->k8s.gate_max_unavailable_statefulset &&
        ss->pod_management == POD_MGMT_PARALLEL) {
        int32_t above = unavailable(st, set, p->ordinal + 1, p->ordinal);
        if (above > 0) {
            strbuf_printf(&inv->msg, "%s was replaced for an update while %d Pod(s) above it "
                                     "were unavailable",
                          p->name, above);
            report(inv, INV_UPDATE_ORDER, c, p->id, KIND_POD);
        }
        return;
    }
    bool was_available = running_and_ready(p) || (pod_terminating(p) && p->ready);
    int32_t others = unavailable(st, set, start, p->ordinal);
    int32_t limit = max_unavailable(inv->sim->scn, set);
    if (was_available && others >= limit) {
        strbuf_printf(&inv->msg, "%s was replaced for an update while %d other Pod(s) were "
                                 "unavailable (maxUnavailable %d)",
                      p->name, others, limit);
        report(inv, INV_UPDATE_ORDER, c, p->id, KIND_POD);
    }
}

static void on_pod_deleted(struct invariants *inv, const struct change *c)
{
    if (inv->sim->actor != MOD_STS)
        return; /* only the controller's own deletions carry its ordering promises */
    const struct pod *p = &inv->sim->store->pods[c->obj];
    check_ordered_termination(inv, c, p);
    check_update_order(inv, c, p);
}

static void check_mount(struct invariants *inv, const struct change *c)
{
    const struct store *st = inv->sim->store;
    const struct pod *p = &st->pods[c->obj];
    if (c->a == NONE_ID || c->a >= st->npvcs)
        return;
    const struct pvc *claim = &st->pvcs[c->a];
    if (claim->sts == p->sts && claim->ordinal == p->ordinal)
        return;
    strbuf_reset(&inv->msg);
    strbuf_printf(&inv->msg, "%s mounted %s, the claim of another ordinal", p->name, claim->name);
    report(inv, INV_STABLE_STORAGE, c, c->obj, KIND_POD);
}

static void check_bind(struct invariants *inv, const struct change *c)
{
    const struct store *st = inv->sim->store;
    while (inv->npvc <= c->obj) {
        uint32_t none = NONE_ID;
        VEC_PUSH(inv->pvc_first_pv, inv->npvc, inv->pvc_cap, none);
    }
    uint32_t *first = &inv->pvc_first_pv[c->obj];
    if (*first == NONE_ID || *first == c->a) {
        *first = c->a;
        return;
    }
    strbuf_reset(&inv->msg);
    strbuf_printf(&inv->msg, "%s was bound to %s after %s", st->pvcs[c->obj].name,
                  st->pvs[c->a].name, st->pvs[*first].name);
    report(inv, INV_STABLE_STORAGE, c, c->obj, KIND_PVC);
}

/* Whether a VolumeAttachment may hold its volume on its node. An attach to a Node that is
 * gone, or of a lost disk, fails when it completes (attachdetach.c on_attach_done) and
 * leaves an uncertain attachment that holds nothing; upstream's Multi-Attach check skips
 * it too (actual_state_of_world.go GetNodesForAttachedVolume counts attachedConfirmed
 * only), so another node may attach the volume meanwhile. */
static bool may_hold(const struct store *st, const struct attachment *a)
{
    if (a->gone)
        return false;
    if (a->state != ATTACH_ATTACHING)
        return true;
    return st->nodes[a->node].exists && !st->pvs[a->pv].lost;
}

static void check_attach(struct invariants *inv, const struct change *c, bool started)
{
    const struct store *st = inv->sim->store;
    uint32_t pv = c->a;
    while (inv->npv <= pv) {
        bool no = false;
        VEC_PUSH(inv->pv_reported, inv->npv, inv->pv_cap, no);
    }
    const struct pv *v = &st->pvs[pv];
    uint32_t nodes = 0;
    for (uint32_t i = 0; i < v->nattachments; i++)
        if (may_hold(st, &st->attachments[v->attachments[i]]))
            nodes++;
    if (!started || nodes < 2) {
        if (nodes < 2)
            inv->pv_reported[pv] = false;
        return;
    }
    if (v->pvc == NONE_ID ||
        !(st->pvcs[v->pvc].access_modes & (ACCESS_RWO | ACCESS_RWOP)) ||
        (st->pvcs[v->pvc].access_modes & ACCESS_RWX) || inv->pv_reported[pv])
        return;
    inv->pv_reported[pv] = true;
    strbuf_reset(&inv->msg);
    strbuf_printf(&inv->msg, "the ReadWriteOnce volume of %s is attached to %u nodes",
                  st->pvcs[v->pvc].name, nodes);
    report(inv, INV_SINGLE_ATTACH_RWO, c, c->obj, KIND_ATTACHMENT);
}

/* Every change of the run comes here: the reason decides before any object is read. */
static void on_change(void *ctx, const struct change *c)
{
    struct invariants *inv = ctx;
    switch (c->reason) {
    case CH_POD_CONTAINER_STARTED: check_at_most_one(inv, c, true); break;
    case CH_POD_CONTAINER_DIED: check_at_most_one(inv, c, false); break;
    case CH_POD_CREATED:
        if (inv->sim->actor == MOD_STS)
            check_ordered_creation(inv, c);
        break;
    case CH_POD_DELETE_REQUESTED:
    case CH_POD_FORCE_DELETED:
        on_pod_deleted(inv, c);
        break;
    case CH_POD_GONE:
        /* A delete that removed the object at once (grace 0) is a deletion request too;
         * a kubelet finishing a graceful delete is not the controller's act. */
        if (inv->sim->store->pods[c->obj].deletion_ts == c->time)
            on_pod_deleted(inv, c);
        break;
    case CH_POD_MOUNTED: check_mount(inv, c); break;
    case CH_PVC_BOUND: check_bind(inv, c); break;
    case CH_ATTACH_STARTED: check_attach(inv, c, true); break;
    case CH_DETACH_DONE: check_attach(inv, c, false); break;
    default: break;
    }
}

struct invariants *invariants_new(struct sim *sim, struct history *h)
{
    struct invariants *inv = xcalloc(1, sizeof *inv);
    inv->sim = sim;
    inv->h = h;
    uint32_t nsets = sim->store->nsets ? sim->store->nsets : 1;
    inv->ids = xcalloc(nsets, sizeof *inv->ids);
    inv->order_reported = xcalloc(nsets, sizeof *inv->order_reported);
    strbuf_init(&inv->msg);
    store_watch(sim->store, on_change, inv);
    return inv;
}

void invariants_free(struct invariants *inv)
{
    if (inv == NULL)
        return;
    for (uint32_t s = 0; s < inv->sim->store->nsets; s++)
        free(inv->ids[s].by_ordinal);
    free(inv->ids);
    free(inv->pvc_first_pv);
    free(inv->pv_reported);
    free(inv->order_reported);
    strbuf_fini(&inv->msg);
    free(inv);
}
