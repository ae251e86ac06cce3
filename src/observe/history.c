/* What happened to each identity, claim and fault, kept from the change stream. */
#include "observe/history.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/attachdetach.h"
#include "controllers/faults.h"
#include "util/util.h"

/* Private indexes and records, so that no change costs more than the objects it names.
 *
 * The incarnation of a pod is kept by pod id, in blocks that never move: a pod id is one
 * Pod object, so the record a change of a pod reads is found without an index, and it
 * names its identity. A change of a pod reads one line of the history (scheduled, running,
 * deletion), or that and its identity's (serving), where it read an index, the identity
 * and the identity's separately allocated array. */
struct pod_rec {
    uint32_t ident1; /* identity index + 1; 0 before the pod was seen created (a block is
                      * calloc'd) */
    /* The rest of its struct incarnation (the pod is the record's index): 64 bytes, one
     * cache line (lines_in). */
    uint32_t node;
    int64_t created, scheduled, attached, running, ready, deleted, gone;
};

#define REC_BLOCK_BITS 10 /* 1024 records, 64 KiB, a block */
#define REC_BLOCK (1u << REC_BLOCK_BITS)

/* Ordinal -> identity index (NONE_ID) of one set, in 32 bytes for the ordinals most sets
 * have (1 to 7 replicas); ordinals from SET_IDS_INLINE on in `set_more`. */
#define SET_IDS_INLINE 7
struct set_ids {
    uint32_t len; /* ordinals [0, len) have a slot, at least SET_IDS_INLINE */
    uint32_t inl[SET_IDS_INLINE];
};

/* Claims' attachments, in blocks that never move. */
#define ATT_BLOCK_BITS 11 /* 2048 attachments, 64 KiB, a block */
#define ATT_BLOCK (1u << ATT_BLOCK_BITS)

/* What a Ready change of a set reads: its count, and the range it counts in (replicas,
 * changed only with CH_STS_SCALED, and ordinals.start, fixed), kept here so that the
 * change does not read the set and its spec. */
struct set_state {
    _Alignas(16) int32_t ready; /* ordinals in [start, start + replicas) with a Ready pod */
    int32_t replicas, start;
};

/* Records in blocks of a fixed size that never move, each block zeroed and starting at a
 * cache line (util.h lines_in). */
struct block_table {
    void **lines; /* [b]: block b's records, NULL until made */
    void **mem;   /* [b]: what to free */
    size_t n;
};

/* Block b of t (made, zeroed, if need be). */
static void *block_get(struct block_table *t, size_t b, size_t bytes)
{
    if (b >= t->n) {
        size_t old = t->n, cap = old;
        grow_array((void **)&t->lines, &t->n, b + 1, sizeof *t->lines);
        grow_array((void **)&t->mem, &cap, b + 1, sizeof *t->mem);
        memset(&t->lines[old], 0, (t->n - old) * sizeof *t->lines);
        memset(&t->mem[old], 0, (t->n - old) * sizeof *t->mem);
    }
    if (t->lines[b] == NULL) {
        t->mem[b] = xcalloc(1, bytes + 64);
        t->lines[b] = lines_in(t->mem[b]);
    }
    return t->lines[b];
}

static void block_table_free(struct block_table *t)
{
    for (size_t b = 0; b < t->n; b++)
        free(t->mem[b]);
    free(t->mem);
    free(t->lines);
}

struct history_index {
    struct block_table recs; /* struct pod_rec [pod >> REC_BLOCK_BITS] */
    void *ids_block;      /* the memory h->ids is in (grow_lines) */
    struct set_ids *sets; /* [set] */
    void *sets_block;     /* the memory sets is in */
    uint32_t **set_more;  /* [set]: slots of ordinals SET_IDS_INLINE .. len - 1, owned */
    /* Identities that own arrays (down stretches, a second incarnation), maybe twice:
     * history_free frees those rather than reading every identity. */
    uint32_t *heap_ids;
    uint32_t nheap_ids, heap_ids_cap;
    struct block_table atts; /* struct claim_attachment [i >> ATT_BLOCK_BITS] */
    uint32_t natts;               /* in the pool */
    struct set_state *sets_ready; /* [set] */
    uint32_t incomplete;          /* sets with ready below replicas */
};

static struct history_index *hx(const struct history *h);

static uint32_t *id_slot(struct history_index *x, uint32_t sts, uint32_t ordinal)
{
    return ordinal < SET_IDS_INLINE ? &x->sets[sts].inl[ordinal]
                                    : &x->set_more[sts][ordinal - SET_IDS_INLINE];
}

/* The identity of (sts, ordinal); with `name` (its pods' name, "<set>-<ordinal>", owned by
 * the store, which outlives the history) made if need be, else NONE_ID if none. */
static uint32_t identity_index(struct history *h, uint32_t sts, int32_t ordinal, const char *name)
{
    struct history_index *x = hx(h);
    struct set_ids *s = &x->sets[sts];
    uint32_t len = s->len;
    if ((uint32_t)ordinal >= len) {
        if (name == NULL)
            return NONE_ID;
        uint32_t nlen = len;
        while (nlen <= (uint32_t)ordinal)
            nlen *= 2;
        x->set_more[sts] =
            xrealloc(x->set_more[sts], (nlen - SET_IDS_INLINE) * sizeof **x->set_more);
        for (uint32_t i = len; i < nlen; i++)
            x->set_more[sts][i - SET_IDS_INLINE] = NONE_ID;
        s->len = nlen;
    }
    uint32_t *slot = id_slot(x, sts, (uint32_t)ordinal);
    if (*slot != NONE_ID || name == NULL)
        return *slot;
    struct identity id = {
        .sts = sts,
        .ordinal = ordinal,
        .name = name,
        .first_serving = TIME_NEVER,
    };
    size_t cap = h->ids_cap;
    h->ids = grow_lines(&x->ids_block, h->ids, &cap, (size_t)h->nids + 1, sizeof *h->ids);
    h->ids_cap = (uint32_t)cap;
    h->ids[h->nids++] = id;
    *slot = h->nids - 1;
    return h->nids - 1;
}

/* The record of a pod seen created, or NULL. */
static struct pod_rec *rec_of(const struct history *h, uint32_t pod)
{
    const struct history_index *x = hx(h);
    size_t b = pod >> REC_BLOCK_BITS;
    if (b >= x->recs.n || x->recs.lines[b] == NULL)
        return NULL;
    struct pod_rec *r = (struct pod_rec *)x->recs.lines[b] + (pod & (REC_BLOCK - 1));
    return r->ident1 != 0 ? r : NULL;
}

/* The record of a pod, seen or not (its block made if need be). */
static struct pod_rec *rec_make(struct history *h, uint32_t pod)
{
    struct history_index *x = hx(h);
    struct pod_rec *block =
        block_get(&x->recs, pod >> REC_BLOCK_BITS, REC_BLOCK * sizeof(struct pod_rec));
    return &block[pod & (REC_BLOCK - 1)];
}

/* The identity a pod record names. */
static struct identity *identity_of_rec(struct history *h, const struct pod_rec *r)
{
    return &h->ids[r->ident1 - 1];
}

static const uint32_t *id_pods(const struct identity *id)
{
    return id->pods_cap > 1 ? id->pods.many : &id->pods.one;
}

static void note_heap(struct history *h, const struct identity *id)
{
    struct history_index *x = hx(h);
    VEC_PUSH(x->heap_ids, x->nheap_ids, x->heap_ids_cap, (uint32_t)(id - h->ids));
}

static void id_push_pod(struct history *h, struct identity *id, uint32_t pod)
{
    bool spilled;
    uint32_t *slot = small_vec_slot(&id->pods, id->nincs, &id->pods_cap, sizeof pod, &spilled);
    if (spilled)
        note_heap(h, id);
    *slot = pod;
    id->nincs++;
}

static bool in_range(const struct set_state *s, int32_t ordinal);

/* Serving: one incarnation has live containers and the API shows it Ready. An incarnation
 * seen gone is skipped without a look at its pod object: the store marks the object gone
 * before it tells, so the pod's own test would say no too. */
static void update_serving(struct history *h, struct identity *id, int64_t now)
{
    const struct store *st = h->sim->store;
    const uint32_t *pods = id_pods(id);
    bool serving = false;
    for (uint32_t i = 0; i < id->nincs && !serving; i++) {
        if (rec_of(h, pods[i])->gone != TIME_NEVER)
            continue;
        const struct pod *p = &st->pods[pods[i]];
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
    } else if (id->first_serving != TIME_NEVER &&
               in_range(&hx(h)->sets_ready[id->sts], id->ordinal)) {
        /* Out of range, the ordinal was scaled away: that is no downtime. */
        struct interval iv = {now, TIME_NEVER};
        if (id->down_cap == 0)
            note_heap(h, id);
        VEC_PUSH(id->down, id->ndown, id->down_cap, iv);
    }
}

/* fullReadySeconds: the first Ready change after which every set has a Ready pod at every
 * ordinal of [start, start + replicas). Counted per set from the changes, so that a Ready
 * pod does not cost a look at every set. */
static bool in_range(const struct set_state *s, int32_t ordinal)
{
    return ordinal >= s->start && ordinal - s->start < s->replicas;
}

static void set_ready_add(struct history *h, struct set_state *s, int32_t delta)
{
    struct history_index *x = hx(h);
    bool was = s->ready >= s->replicas;
    s->ready += delta;
    bool is = s->ready >= s->replicas;
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
    struct set_state *s = &x->sets_ready[sts];
    bool was = s->ready >= old_replicas;
    int32_t n = 0;
    int32_t start = set->spec->ordinals_start;
    for (int32_t o = start; o - start < set->replicas; o++) {
        uint32_t pid = store_sts_pod(st, sts, o);
        n += pid != NONE_ID && st->pods[pid].ready;
    }
    s->ready = n;
    s->replicas = set->replicas;
    bool is = n >= set->replicas;
    if (was && !is)
        x->incomplete++;
    else if (!was && is)
        x->incomplete--;
}

/* A scale-down ends the downtime of the ordinals it removes: an identity the set no longer
 * wants is not down (nor would a fault's recovery wait for it). */
static void end_downtime_above(struct history *h, uint32_t sts, int32_t old_replicas, int64_t now)
{
    const struct set_state *s = &hx(h)->sets_ready[sts];
    for (int32_t o = s->start + s->replicas; o < s->start + old_replicas; o++) {
        const struct identity *cid = history_identity_of(h, sts, o);
        if (cid == NULL)
            continue;
        struct identity *id = &h->ids[cid - h->ids];
        if (id->ndown > 0 && id->down[id->ndown - 1].end == TIME_NEVER)
            id->down[id->ndown - 1].end = now;
    }
}

static void check_full_ready(struct history *h, int64_t now)
{
    if (h->full_ready == TIME_NEVER && hx(h)->incomplete == 0)
        h->full_ready = now;
}

static struct claim_attachment *att_at(const struct history *h, uint32_t i)
{
    const struct history_index *x = hx(h);
    return (struct claim_attachment *)x->atts.lines[i >> ATT_BLOCK_BITS] + (i & (ATT_BLOCK - 1));
}

static void att_push(struct history *h, struct claim_history *ch, struct claim_attachment ca)
{
    struct history_index *x = hx(h);
    uint32_t i = x->natts++;
    block_get(&x->atts, i >> ATT_BLOCK_BITS, ATT_BLOCK * sizeof(struct claim_attachment));
    ca.next = NONE_ID;
    *att_at(h, i) = ca;
    if (ch->last == NONE_ID)
        ch->first = i;
    else
        att_at(h, ch->last)->next = i;
    ch->last = i;
    ch->natts++;
}

static struct claim_history *claim_of(struct history *h, uint32_t pvc)
{
    while (h->nclaims <= pvc) {
        struct claim_history c = {.ident = NONE_ID, .first = NONE_ID, .last = NONE_ID};
        VEC_PUSH(h->claims, h->nclaims, h->claims_cap, c);
    }
    return &h->claims[pvc];
}

/* Whether every volume of pod p is attached on `node`, as WaitForAttachAndMount waits for
 * all of them: each claim bound, its volume attached there. None to wait for without
 * claims. */
static bool volumes_attached(const struct store *st, const struct pod *p, uint32_t node)
{
    for (uint32_t t = 0; t < st->sets[p->sts].nclaims; t++) {
        uint32_t pvc = store_sts_claim(st, p->sts, t, p->ordinal);
        if (pvc == NONE_ID || st->pvcs[pvc].pv == NONE_ID)
            return false;
        const struct pv *v = &st->pvs[st->pvcs[pvc].pv];
        bool on = false;
        for (uint32_t i = 0; i < v->nattachments && !on; i++) {
            const struct attachment *a = &st->attachments[v->attachments[i]];
            on = !a->gone && a->node == node && a->state == ATTACH_ATTACHED;
        }
        if (!on)
            return false;
    }
    return true;
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
        att_push(h, ch, (struct claim_attachment){c->obj, node, c->time, TIME_NEVER, NONE_ID});
        /* A claim is of one (set, ordinal) and an identity, once made, stays. */
        if (ch->ident == NONE_ID) {
            const struct pvc *claim = &st->pvcs[pvc];
            ch->ident = identity_index(h, claim->sts, claim->ordinal, NULL);
            if (ch->ident == NONE_ID)
                return;
        }
        struct identity *id = &h->ids[ch->ident];
        const uint32_t *pods = id_pods(id);
        for (uint32_t i = id->nincs; i-- > 0;) {
            struct pod_rec *inc = rec_of(h, pods[i]);
            if (inc->node == node && inc->gone == TIME_NEVER) {
                /* The moment the last of its volumes is attached. */
                if (inc->attached == TIME_NEVER && volumes_attached(st, &st->pods[pods[i]], node))
                    inc->attached = c->time;
                break;
            }
        }
        return;
    }
    for (uint32_t i = ch->first; i != NONE_ID;) {
        struct claim_attachment *at = att_at(h, i);
        if (at->attachment == c->obj && at->detached == TIME_NEVER)
            at->detached = c->time;
        i = at->next;
    }
}

static void on_pod_created(struct history *h, const struct change *c)
{
    const struct pod *p = &h->sim->store->pods[c->obj];
    uint32_t idx = identity_index(h, p->sts, p->ordinal, p->name);
    struct pod_rec *r = rec_make(h, c->obj);
    *r = (struct pod_rec){
        .ident1 = idx + 1,
        .node = NONE_ID,
        .created = c->time,
        .scheduled = TIME_NEVER,
        .attached = TIME_NEVER,
        .running = TIME_NEVER,
        .ready = TIME_NEVER,
        .deleted = TIME_NEVER,
        .gone = TIME_NEVER,
    };
    id_push_pod(h, &h->ids[idx], c->obj);
}

/* A change of a pod that on_change keeps (see there). */
static void on_pod_change(struct history *h, const struct change *c)
{
    struct pod_rec *inc = rec_of(h, c->obj);
    if (inc == NULL)
        return;
    const struct pod *p = &h->sim->store->pods[c->obj];
    /* The Ready count of fullReadySeconds (a gone pod keeps its last Ready flag). */
    bool gone = c->reason == CH_POD_GONE || c->reason == CH_POD_FORCE_DELETED;
    int32_t delta = c->reason == CH_POD_READY                             ? 1
                    : c->reason == CH_POD_NOT_READY || (gone && p->ready) ? -1
                                                                          : 0;
    struct set_state *s = &hx(h)->sets_ready[p->sts];
    if (delta != 0 && in_range(s, p->ordinal))
        set_ready_add(h, s, delta);
    switch (c->reason) {
    case CH_POD_SCHEDULED:
        inc->scheduled = c->time;
        inc->node = c->node;
        /* Bound where its volumes already are (a restart on the same node), or without
         * any: nothing to wait for. */
        if (volumes_attached(h->sim->store, p, c->node))
            inc->attached = c->time;
        break;
    case CH_POD_RUNNING:
        if (inc->running == TIME_NEVER)
            inc->running = c->time;
        break;
    case CH_POD_READY:
        if (inc->ready == TIME_NEVER)
            inc->ready = c->time;
        update_serving(h, identity_of_rec(h, inc), c->time);
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
        update_serving(h, identity_of_rec(h, inc), c->time);
        break;
    case CH_POD_NOT_READY:
    case CH_POD_CONTAINER_STARTED:
    case CH_POD_CONTAINER_DIED:
        update_serving(h, identity_of_rec(h, inc), c->time);
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
        if (c->kind == KIND_STS) {
            set_ready_recount(h, c->obj, (int32_t)c->a);
            end_downtime_above(h, c->obj, (int32_t)c->a, c->time);
        }
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
    struct history_index *x = &box->x;
    x->sets_block = xmalloc((nsets ? nsets : 1) * sizeof *x->sets + 64);
    x->sets = lines_in(x->sets_block); /* 32-byte records: two a line */
    x->set_more = xcalloc(nsets ? nsets : 1, sizeof *x->set_more);
    for (uint32_t s = 0; s < nsets; s++) {
        x->sets[s].len = SET_IDS_INLINE;
        for (uint32_t i = 0; i < SET_IDS_INLINE; i++)
            x->sets[s].inl[i] = NONE_ID;
    }
    x->sets_ready = xcalloc(nsets ? nsets : 1, sizeof *x->sets_ready);
    for (uint32_t s = 0; s < nsets; s++) {
        const struct statefulset *set = &sim->store->sets[s];
        x->sets_ready[s].replicas = set->replicas;
        x->sets_ready[s].start = set->spec->ordinals_start;
        x->incomplete += set->replicas > 0;
    }
    store_watch(sim->store, on_change, h);
    return h;
}

void history_free(struct history *h)
{
    if (h == NULL)
        return;
    struct history_index *x = hx(h);
    /* An identity listed twice has its arrays freed the first time and cleared. */
    for (uint32_t i = 0; i < x->nheap_ids; i++) {
        struct identity *id = &h->ids[x->heap_ids[i]];
        if (id->pods_cap > 1)
            free(id->pods.many);
        free(id->down);
        id->pods_cap = 0;
        id->down = NULL;
    }
    free(x->heap_ids);
    block_table_free(&x->atts);
    for (uint32_t s = 0; s < h->sim->store->nsets; s++)
        free(x->set_more[s]);
    free(x->set_more);
    free(x->sets_block);
    block_table_free(&x->recs);
    free(x->ids_block);
    free(h->claims);
    free(h->violations);
    arena_free(h->arena);
    free(x->sets_ready);
    free(h);
}

const struct identity *history_identity_of(const struct history *h, uint32_t sts,
                                           int32_t ordinal)
{
    struct history_index *x = hx(h);
    if (sts >= h->sim->store->nsets || ordinal < 0 || (uint32_t)ordinal >= x->sets[sts].len)
        return NULL;
    uint32_t idx = *id_slot(x, sts, (uint32_t)ordinal);
    return idx == NONE_ID ? NULL : &h->ids[idx];
}

const struct claim_attachment *history_claim_first(const struct history *h,
                                                   const struct claim_history *ch)
{
    return ch->first != NONE_ID ? att_at(h, ch->first) : NULL;
}

const struct claim_attachment *history_claim_next(const struct history *h,
                                                  const struct claim_attachment *at)
{
    return at->next != NONE_ID ? att_at(h, at->next) : NULL;
}

uint32_t history_ordinal_bound(const struct history *h, uint32_t sts)
{
    return sts < h->sim->store->nsets ? hx(h)->sets[sts].len : 0;
}

struct incarnation history_incarnation(const struct history *h, const struct identity *id,
                                       uint32_t k)
{
    uint32_t pod = id_pods(id)[k];
    const struct pod_rec *r = rec_of(h, pod);
    return (struct incarnation){
        .pod = pod,
        .node = r->node,
        .created = r->created,
        .scheduled = r->scheduled,
        .attached = r->attached,
        .running = r->running,
        .ready = r->ready,
        .deleted = r->deleted,
        .gone = r->gone,
    };
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
            const struct incarnation ik = history_incarnation(h, id, k);
            const struct incarnation *inc = &ik;
            if (inc->pod == fr->pods[i] && inc->deleted != TIME_NEVER && inc->deleted >= at) {
                int64_t d = inc->deleted - at;
                if (out->to_deletion < 0 || d < out->to_deletion)
                    out->to_deletion = d;
            }
        }
        /* The replacement: the first incarnation created at or after the fault. */
        struct incarnation rep_inc;
        const struct incarnation *rep = NULL;
        for (uint32_t k = 0; k < id->nincs && rep == NULL; k++) {
            rep_inc = history_incarnation(h, id, k);
            if (rep_inc.created >= at && rep_inc.pod != fr->pods[i])
                rep = &rep_inc;
        }
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
