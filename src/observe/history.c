/* What happened to each identity, claim and fault, kept from the change stream. */
#include "observe/history.h"

#include <stdlib.h>
#include <string.h>

#include "controllers/attachdetach.h"
#include "controllers/faults.h"
#include "util/util.h"

/* Private indexes, so that no change costs more than the objects it names: the identity
 * and incarnation of each pod id, and the Ready count behind fullReadySeconds. */
struct pod_slot {
    uint32_t ident; /* identity index, NONE_ID before the pod was seen */
    uint32_t inc;   /* its incarnation's index in that identity's incs */
};

struct history_index {
    struct pod_slot *pods; /* [pod] */
    size_t pods_cap;
    int32_t *set_ready;  /* [set]: ordinals in [start, start + replicas) with a Ready pod */
    uint32_t incomplete; /* sets with set_ready below replicas */
};

static struct history_index *hx(const struct history *h);

static uint32_t identity_index(struct history *h, uint32_t sts, int32_t ordinal, bool create)
{
    uint32_t len = h->id_index_len[sts];
    if ((uint32_t)ordinal >= len) {
        if (!create)
            return NONE_ID;
        uint32_t nlen = len ? len : 8;
        while (nlen <= (uint32_t)ordinal)
            nlen *= 2;
        h->id_index[sts] = xrealloc(h->id_index[sts], nlen * sizeof **h->id_index);
        for (uint32_t i = len; i < nlen; i++)
            h->id_index[sts][i] = NONE_ID;
        h->id_index_len[sts] = nlen;
    }
    uint32_t idx = h->id_index[sts][ordinal];
    if (idx != NONE_ID || !create)
        return idx;
    struct identity id = {
        .sts = sts,
        .ordinal = ordinal,
        .name = arena_printf(h->arena, "%s-%d", h->sim->store->sets[sts].name, ordinal),
        .first_serving = TIME_NEVER,
    };
    VEC_PUSH(h->ids, h->nids, h->ids_cap, id);
    h->id_index[sts][ordinal] = h->nids - 1;
    return h->nids - 1;
}

/* The identity of a pod seen created, or NULL; *inc its incarnation. */
static struct identity *identity_of_pod(struct history *h, uint32_t pod, struct incarnation **inc)
{
    const struct history_index *x = hx(h);
    if (pod >= x->pods_cap || x->pods[pod].ident == NONE_ID)
        return NULL;
    struct identity *id = &h->ids[x->pods[pod].ident];
    *inc = &id->incs[x->pods[pod].inc];
    return id;
}

static void index_pod(struct history *h, uint32_t pod, uint32_t ident, uint32_t inc)
{
    struct history_index *x = hx(h);
    if (pod >= x->pods_cap) {
        size_t old = x->pods_cap;
        grow_array((void **)&x->pods, &x->pods_cap, (size_t)pod + 1, sizeof *x->pods);
        for (size_t i = old; i < x->pods_cap; i++)
            x->pods[i].ident = NONE_ID;
    }
    x->pods[pod] = (struct pod_slot){ident, inc};
}

/* Serving: one incarnation has live containers and the API shows it Ready. An incarnation
 * seen gone is skipped without a look at its pod object: the store marks the object gone
 * before it tells, so the pod's own test would say no too. */
static void update_serving(struct history *h, struct identity *id, int64_t now)
{
    const struct store *st = h->sim->store;
    bool serving = false;
    for (uint32_t i = 0; i < id->nincs && !serving; i++) {
        if (id->incs[i].gone != TIME_NEVER)
            continue;
        const struct pod *p = &st->pods[id->incs[i].pod];
        serving = !p->gone && p->ready && p->runtime_live;
    }
    if (serving == id->serving)
        return;
    id->serving = serving;
    if (serving) {
        if (id->first_serving == TIME_NEVER)
            id->first_serving = now;
        else if (id->ndown > 0 && id->down[id->ndown - 1].end == TIME_NEVER)
            id->down[id->ndown - 1].end = now;
    } else if (id->first_serving != TIME_NEVER) {
        struct interval iv = {now, TIME_NEVER};
        VEC_PUSH(id->down, id->ndown, id->down_cap, iv);
    }
}

/* fullReadySeconds: the first Ready change after which every set has a Ready pod at every
 * ordinal of [start, start + replicas). Counted per set from the changes, so that a Ready
 * pod does not cost a look at every set. */
static bool in_range(const struct statefulset *set, int32_t ordinal)
{
    int32_t start = set->spec->ordinals_start;
    return ordinal >= start && ordinal - start < set->replicas;
}

static void set_ready_add(struct history *h, uint32_t sts, int32_t delta)
{
    struct history_index *x = hx(h);
    int32_t replicas = h->sim->store->sets[sts].replicas;
    bool was = x->set_ready[sts] >= replicas;
    x->set_ready[sts] += delta;
    bool is = x->set_ready[sts] >= replicas;
    if (was && !is)
        x->incomplete++;
    else if (!was && is)
        x->incomplete--;
}

/* After a scale: count the set again (a new range, and its own replicas to compare with). */
static void set_ready_recount(struct history *h, uint32_t sts, int32_t old_replicas)
{
    struct history_index *x = hx(h);
    const struct store *st = h->sim->store;
    const struct statefulset *set = &st->sets[sts];
    bool was = x->set_ready[sts] >= old_replicas;
    int32_t n = 0;
    int32_t start = set->spec->ordinals_start;
    for (int32_t o = start; o - start < set->replicas; o++) {
        uint32_t pid = store_sts_pod(st, sts, o);
        n += pid != NONE_ID && st->pods[pid].ready;
    }
    x->set_ready[sts] = n;
    bool is = n >= set->replicas;
    if (was && !is)
        x->incomplete++;
    else if (!was && is)
        x->incomplete--;
}

static void check_full_ready(struct history *h, int64_t now)
{
    if (h->full_ready == TIME_NEVER && hx(h)->incomplete == 0)
        h->full_ready = now;
}

static struct claim_history *claim_of(struct history *h, uint32_t pvc)
{
    while (h->nclaims <= pvc) {
        struct claim_history c = {.pvc = h->nclaims};
        VEC_PUSH(h->claims, h->nclaims, h->claims_cap, c);
    }
    return &h->claims[pvc];
}

/* A change of an attachment names its volume (a) and node. */
static void on_attach(struct history *h, const struct change *c, bool attached)
{
    const struct store *st = h->sim->store;
    uint32_t node = c->node;
    uint32_t pvc = st->pvs[c->a].pvc;
    if (pvc == NONE_ID)
        return;
    struct claim_history *ch = claim_of(h, pvc);
    if (attached) {
        struct claim_attachment ca = {c->obj, node, c->time, TIME_NEVER};
        VEC_PUSH(ch->atts, ch->natts, ch->atts_cap, ca);
        const struct pvc *claim = &st->pvcs[pvc];
        uint32_t idx = identity_index(h, claim->sts, claim->ordinal, false);
        if (idx == NONE_ID)
            return;
        struct identity *id = &h->ids[idx];
        for (uint32_t i = id->nincs; i-- > 0;) {
            struct incarnation *inc = &id->incs[i];
            if (inc->node == node && inc->gone == TIME_NEVER) {
                inc->attached = c->time;
                break;
            }
        }
        return;
    }
    for (uint32_t i = 0; i < ch->natts; i++)
        if (ch->atts[i].attachment == c->obj && ch->atts[i].detached == TIME_NEVER)
            ch->atts[i].detached = c->time;
}

static void on_pod_created(struct history *h, const struct change *c)
{
    const struct pod *p = &h->sim->store->pods[c->obj];
    uint32_t idx = identity_index(h, p->sts, p->ordinal, true);
    struct incarnation inc = {
        .pod = c->obj,
        .node = NONE_ID,
        .created = c->time,
        .scheduled = TIME_NEVER,
        .attached = TIME_NEVER,
        .running = TIME_NEVER,
        .ready = TIME_NEVER,
        .deleted = TIME_NEVER,
        .gone = TIME_NEVER,
    };
    struct identity *id = &h->ids[idx];
    VEC_PUSH(id->incs, id->nincs, id->incs_cap, inc);
    index_pod(h, c->obj, idx, id->nincs - 1);
}

/* A change of a pod that on_change keeps (see there). */
static void on_pod_change(struct history *h, const struct change *c)
{
    struct incarnation *inc = NULL;
    struct identity *id = identity_of_pod(h, c->obj, &inc);
    if (id == NULL)
        return;
    const struct pod *p = &h->sim->store->pods[c->obj];
    /* The Ready count of fullReadySeconds (a gone pod keeps its last Ready flag). */
    bool gone = c->reason == CH_POD_GONE || c->reason == CH_POD_FORCE_DELETED;
    int32_t delta = c->reason == CH_POD_READY                             ? 1
                    : c->reason == CH_POD_NOT_READY || (gone && p->ready) ? -1
                                                                          : 0;
    if (delta != 0 && in_range(&h->sim->store->sets[p->sts], p->ordinal))
        set_ready_add(h, p->sts, delta);
    switch (c->reason) {
    case CH_POD_SCHEDULED:
        inc->scheduled = c->time;
        inc->node = c->node;
        break;
    case CH_POD_RUNNING:
        if (inc->running == TIME_NEVER)
            inc->running = c->time;
        break;
    case CH_POD_READY:
        if (inc->ready == TIME_NEVER)
            inc->ready = c->time;
        update_serving(h, id, c->time);
        check_full_ready(h, c->time);
        break;
    case CH_POD_DELETE_REQUESTED:
        if (inc->deleted == TIME_NEVER)
            inc->deleted = c->time;
        break;
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED:
        if (inc->deleted == TIME_NEVER)
            inc->deleted = c->time;
        inc->gone = c->time;
        update_serving(h, id, c->time);
        break;
    case CH_POD_NOT_READY:
    case CH_POD_CONTAINER_STARTED:
    case CH_POD_CONTAINER_DIED:
        update_serving(h, id, c->time);
        break;
    default:
        break;
    }
}

/* Every change of the run comes here, most of them of no interest to the history: the
 * reason decides before any object is read. */
static void on_change(void *ctx, const struct change *c)
{
    struct history *h = ctx;
    switch (c->reason) {
    case CH_ATTACH_DONE:
    case CH_DETACH_DONE:
        if (c->kind == KIND_ATTACHMENT)
            on_attach(h, c, c->reason == CH_ATTACH_DONE);
        break;
    case CH_STS_SCALED:
        if (c->kind == KIND_STS)
            set_ready_recount(h, c->obj, (int32_t)c->a);
        break;
    case CH_POD_CREATED:
        if (c->kind == KIND_POD)
            on_pod_created(h, c);
        break;
    case CH_POD_SCHEDULED:
    case CH_POD_RUNNING:
    case CH_POD_READY:
    case CH_POD_NOT_READY:
    case CH_POD_DELETE_REQUESTED:
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED:
    case CH_POD_CONTAINER_STARTED:
    case CH_POD_CONTAINER_DIED:
        if (c->kind == KIND_POD)
            on_pod_change(h, c);
        break;
    default:
        break;
    }
}

/* The history and its private indexes in one allocation (history.h stays as it is). */
struct history_box {
    struct history h;
    struct history_index x;
};

static struct history_index *hx(const struct history *h)
{
    return &((struct history_box *)(void *)h)->x;
}

struct history *history_new(struct sim *sim)
{
    struct history_box *box = xcalloc(1, sizeof *box);
    struct history *h = &box->h;
    h->sim = sim;
    h->arena = arena_new();
    h->full_ready = TIME_NEVER;
    uint32_t nsets = sim->store->nsets;
    h->id_index = xcalloc(nsets ? nsets : 1, sizeof *h->id_index);
    h->id_index_len = xcalloc(nsets ? nsets : 1, sizeof *h->id_index_len);
    struct history_index *x = &box->x;
    x->set_ready = xcalloc(nsets ? nsets : 1, sizeof *x->set_ready);
    for (uint32_t s = 0; s < nsets; s++)
        x->incomplete += sim->store->sets[s].replicas > 0;
    store_watch(sim->store, on_change, h);
    return h;
}

void history_free(struct history *h)
{
    if (h == NULL)
        return;
    for (uint32_t i = 0; i < h->nids; i++) {
        free(h->ids[i].incs);
        free(h->ids[i].down);
    }
    for (uint32_t i = 0; i < h->nclaims; i++)
        free(h->claims[i].atts);
    for (uint32_t s = 0; s < h->sim->store->nsets; s++)
        free(h->id_index[s]);
    free(h->id_index);
    free(h->id_index_len);
    free(h->ids);
    free(h->claims);
    free(h->violations);
    arena_free(h->arena);
    struct history_index *x = hx(h);
    free(x->pods);
    free(x->set_ready);
    free(h);
}

const struct identity *history_identity_of(const struct history *h, uint32_t sts,
                                           int32_t ordinal)
{
    if (sts >= h->sim->store->nsets || ordinal < 0 || (uint32_t)ordinal >= h->id_index_len[sts])
        return NULL;
    uint32_t idx = h->id_index[sts][ordinal];
    return idx == NONE_ID ? NULL : &h->ids[idx];
}

const struct identity *history_identity(const struct history *h, const char *name)
{
    for (uint32_t i = 0; i < h->nids; i++)
        if (strcmp(h->ids[i].name, name) == 0)
            return &h->ids[i];
    return NULL;
}

void history_add_violation(struct history *h, enum invariant inv, int64_t at, uint64_t seq,
                           const char *message)
{
    struct violation_record v = {inv, at, seq, arena_strdup(h->arena, message)};
    VEC_PUSH(h->violations, h->nviolations, h->violations_cap, v);
}

int64_t history_downtime(const struct identity *id, int64_t until)
{
    int64_t total = 0;
    for (uint32_t i = 0; i < id->ndown; i++) {
        int64_t end = id->down[i].end == TIME_NEVER ? until : id->down[i].end;
        if (end > id->down[i].start)
            total += end - id->down[i].start;
    }
    return total;
}

static int64_t later(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

void history_fault_figures(const struct history *h, uint32_t fault, struct fault_figures *out)
{
    const struct fault_record *fr = faults_record(h->sim, fault);
    int64_t at = fr->at;
    *out = (struct fault_figures){
        .applied = fr->applied,
        .recovered_at = at,
        .recovery = 0,
        .to_deletion = -1,
        .to_replacement_created = -1,
        .to_replacement_scheduled = -1,
        .to_replacement_attached = -1,
        .to_replacement_ready = -1,
        .multi_attach_wait = -1,
    };
    if (!fr->applied)
        return;
    bool any_replacement = false;
    for (uint32_t i = 0; i < fr->npods; i++) {
        const struct pod *p = &h->sim->store->pods[fr->pods[i]];
        const struct identity *id = history_identity_of(h, p->sts, p->ordinal);
        if (id == NULL)
            continue;
        for (uint32_t k = 0; k < id->ndown; k++) {
            if (id->down[k].start < at)
                continue;
            out->recovered_at = id->down[k].end == TIME_NEVER || out->recovered_at == TIME_NEVER
                                    ? TIME_NEVER
                                    : later(out->recovered_at, id->down[k].end);
        }
        for (uint32_t k = 0; k < id->nincs; k++) {
            const struct incarnation *inc = &id->incs[k];
            if (inc->pod == fr->pods[i] && inc->deleted != TIME_NEVER && inc->deleted >= at) {
                int64_t d = inc->deleted - at;
                if (out->to_deletion < 0 || d < out->to_deletion)
                    out->to_deletion = d;
            }
        }
        /* The replacement: the first incarnation created at or after the fault. */
        const struct incarnation *rep = NULL;
        for (uint32_t k = 0; k < id->nincs && rep == NULL; k++)
            if (id->incs[k].created >= at && id->incs[k].pod != fr->pods[i])
                rep = &id->incs[k];
        if (rep == NULL) {
            out->to_replacement_created = out->to_replacement_scheduled =
                out->to_replacement_attached = out->to_replacement_ready = TIME_NEVER;
            continue;
        }
        if (out->to_replacement_created == TIME_NEVER)
            continue;
        any_replacement = true;
        const int64_t marks[4] = {rep->created, rep->scheduled, rep->attached, rep->ready};
        int64_t *fields[4] = {&out->to_replacement_created, &out->to_replacement_scheduled,
                              &out->to_replacement_attached, &out->to_replacement_ready};
        for (int m = 0; m < 4; m++) {
            int64_t v = marks[m] == TIME_NEVER ? TIME_NEVER : marks[m] - at;
            if (*fields[m] != TIME_NEVER)
                *fields[m] = v == TIME_NEVER ? TIME_NEVER : later(*fields[m], v);
        }
        /* Like the times above, the worst over the affected Pods: a sum would add up the
         * waits of Pods that waited side by side. */
        int64_t w = adc_multi_attach_wait(h->sim, rep->pod);
        out->multi_attach_wait = later(out->multi_attach_wait, w);
    }
    (void)any_replacement;
    if (out->recovered_at == TIME_NEVER)
        out->recovery = TIME_NEVER;
    else
        out->recovery = out->recovered_at - at;
}
