/* The timeline observer: phase segments per identity and incarnation, faults as marks. */
#include "observe/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

const char *tl_phase_name(enum tl_phase p)
{
    static const char *const names[TL_PHASE_COUNT] = {
        [TL_PENDING] = "Pending",
        [TL_ATTACHING] = "Attaching",
        [TL_MULTI_ATTACH] = "Multi-Attach wait",
        [TL_CREATING] = "ContainerCreating",
        [TL_NOT_READY] = "Running-not-Ready",
        [TL_READY] = "Ready",
        [TL_TERMINATING] = "Terminating",
    };
    return (unsigned)p < TL_PHASE_COUNT ? names[p] : "?";
}

/* Every claim of the pod is bound and its volume is in the node's volumesAttached. The
 * kubelet mounts only then, so this is the end of "Attaching" whoever did the attach
 * (a volume may still be attached from an earlier incarnation on the same node). */
static bool volumes_attached(const struct store *st, const struct pod *p, uint32_t node)
{
    if (node == NONE_ID)
        return false;
    const struct statefulset *set = &st->sets[p->sts];
    const struct node *n = &st->nodes[node];
    for (uint32_t t = 0; t < set->spec->nclaims; t++) {
        uint32_t c = store_sts_claim(st, p->sts, t, p->ordinal);
        if (c == NONE_ID || st->pvcs[c].pv == NONE_ID)
            return false;
        bool found = false;
        for (uint32_t i = 0; i < n->nvolumes_attached && !found; i++)
            found = n->volumes_attached[i] == st->pvcs[c].pv;
        if (!found)
            return false;
    }
    return true;
}

/* The phase follows from what was seen plus the pod as the store shows it now. A dead
 * container counts as not Ready even while the API still says Ready (a crashed node):
 * the bar shows what the identity's users see. */
static enum tl_phase derive_phase(const struct tl_incarnation *inc, const struct pod *p)
{
    if (inc->terminating)
        return TL_TERMINATING;
    if (!inc->scheduled)
        return TL_PENDING;
    if (!inc->attached)
        return inc->multi_attach ? TL_MULTI_ATTACH : TL_ATTACHING;
    if (!inc->ran)
        return TL_CREATING;
    return p->ready && p->runtime_live ? TL_READY : TL_NOT_READY;
}

static void set_phase(struct tl_incarnation *inc, enum tl_phase ph, int64_t t)
{
    if (inc->ended)
        return;
    if (inc->nsegs > 0) {
        struct tl_segment *last = &inc->segs[inc->nsegs - 1];
        if (last->phase == ph)
            return;
        if (last->start == t) {
            /* Several changes at one instant: keep only where they ended up. */
            inc->nsegs--;
            if (inc->nsegs > 0 && inc->segs[inc->nsegs - 1].phase == ph) {
                inc->segs[inc->nsegs - 1].end = TIME_NEVER;
                return;
            }
        } else {
            last->end = t;
        }
    }
    struct tl_segment seg = {t, TIME_NEVER, ph};
    VEC_PUSH(inc->segs, inc->nsegs, inc->segs_cap, seg);
}

static void end_incarnation(struct tl_incarnation *inc, int64_t t)
{
    if (inc->ended)
        return;
    if (inc->nsegs > 0)
        inc->segs[inc->nsegs - 1].end = t;
    inc->end = t;
    inc->ended = true;
}

static uint32_t row_of(struct timeline *tl, uint32_t sts, int32_t ordinal)
{
    for (uint32_t i = 0; i < tl->nrows; i++)
        if (tl->rows[i].sts == sts && tl->rows[i].ordinal == ordinal)
            return i;
    struct tl_row row = {
        .sts = sts,
        .ordinal = ordinal,
        .name = arena_printf(tl->arena, "%s-%d", tl->sim->store->sets[sts].name, ordinal),
    };
    VEC_PUSH(tl->rows, tl->nrows, tl->rows_cap, row);
    return tl->nrows - 1;
}

static void map_pod(struct timeline *tl, uint32_t pod, uint32_t row, uint32_t inc)
{
    if (pod >= tl->pods_cap) {
        uint32_t cap = tl->pods_cap ? tl->pods_cap : 64;
        while (cap <= pod)
            cap *= 2;
        tl->pod_row = xrealloc(tl->pod_row, cap * sizeof *tl->pod_row);
        tl->pod_inc = xrealloc(tl->pod_inc, cap * sizeof *tl->pod_inc);
        tl->pods_cap = cap;
    }
    for (; tl->npods <= pod; tl->npods++) {
        tl->pod_row[tl->npods] = NONE_ID;
        tl->pod_inc[tl->npods] = NONE_ID;
    }
    tl->pod_row[pod] = row;
    tl->pod_inc[pod] = inc;
}

static struct tl_incarnation *incarnation_of(struct timeline *tl, uint32_t pod)
{
    if (pod >= tl->npods || tl->pod_row[pod] == NONE_ID)
        return NULL;
    return &tl->rows[tl->pod_row[pod]].incs[tl->pod_inc[pod]];
}

static void on_created(struct timeline *tl, const struct change *c)
{
    const struct pod *p = &tl->sim->store->pods[c->obj];
    uint32_t r = row_of(tl, p->sts, p->ordinal);
    struct tl_row *row = &tl->rows[r];
    struct tl_incarnation inc = {
        .pod = c->obj,
        .node_id = NONE_ID,
        .start = c->time,
        .end = TIME_NEVER,
    };
    VEC_PUSH(row->incs, row->nincs, row->incs_cap, inc);
    map_pod(tl, c->obj, r, row->nincs - 1);
    set_phase(&row->incs[row->nincs - 1], TL_PENDING, c->time);
}

/* Volume events name a volume, not a pod: the pod is the live object of the claim's
 * identity, if it is bound to the node of the event. */
static struct tl_incarnation *incarnation_of_volume(struct timeline *tl, uint32_t pv, uint32_t node)
{
    const struct store *st = tl->sim->store;
    if (pv >= st->npvs || st->pvs[pv].pvc == NONE_ID)
        return NULL;
    const struct pvc *claim = &st->pvcs[st->pvs[pv].pvc];
    uint32_t pod = store_sts_pod(st, claim->sts, claim->ordinal);
    if (pod == NONE_ID)
        return NULL;
    struct tl_incarnation *inc = incarnation_of(tl, pod);
    return inc && inc->node_id == node ? inc : NULL;
}

static void on_volume(struct timeline *tl, const struct change *c)
{
    const struct store *st = tl->sim->store;
    uint32_t pv = c->kind == KIND_ATTACHMENT ? st->attachments[c->obj].pv : c->a;
    struct tl_incarnation *inc = incarnation_of_volume(tl, pv, c->node);
    if (inc == NULL || !inc->scheduled || inc->attached)
        return;
    const struct pod *p = &st->pods[inc->pod];
    if (c->reason == CH_ATTACH_MULTI)
        inc->multi_attach = true;
    else
        inc->attached = volumes_attached(st, p, inc->node_id);
    set_phase(inc, derive_phase(inc, p), c->time);
}

static void on_pod(struct timeline *tl, const struct change *c)
{
    struct tl_incarnation *inc = incarnation_of(tl, c->obj);
    if (inc == NULL || inc->ended)
        return;
    const struct store *st = tl->sim->store;
    const struct pod *p = &st->pods[c->obj];
    switch (c->reason) {
    case CH_POD_SCHEDULED:
        inc->scheduled = true;
        inc->node_id = c->node;
        inc->node = arena_strdup(tl->arena, st->nodes[c->node].name);
        inc->attached = volumes_attached(st, p, c->node);
        break;
    case CH_ATTACH_MULTI:
        if (!inc->attached)
            inc->multi_attach = true;
        break;
    case CH_POD_RUNNING:
    case CH_POD_CONTAINER_STARTED:
        /* Containers only start on mounted volumes: attached, whatever we missed. */
        inc->ran = true;
        inc->attached = true;
        break;
    case CH_POD_DELETE_REQUESTED: inc->terminating = true; break;
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED: end_incarnation(inc, c->time); return;
    default: break;
    }
    set_phase(inc, derive_phase(inc, p), c->time);
}

static const char *fault_label(struct timeline *tl, const struct change *c)
{
    const struct scn_fault *f = &tl->sim->scn->faults[c->obj];
    const struct store *st = tl->sim->store;
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "#%u %s", c->obj, fault_do_name(f->what));
    /* Name what the fault acts on: a pod fault its pod, a node fault the node it
     * resolved to (faults may name it through the pod it hosts). */
    const char *target = NULL;
    if (f->pod)
        target = f->pod;
    else if (f->claim)
        target = f->claim;
    else if (f->zone)
        target = f->zone;
    else if (c->node != NONE_ID && c->node < st->nnodes)
        target = st->nodes[c->node].name;
    else if (f->node)
        target = f->node;
    else if (f->hosting)
        target = f->hosting;
    if (target)
        strbuf_printf(&sb, " %s", target);
    if (f->what == DO_SCALE && f->statefulset)
        strbuf_printf(&sb, " %s=%d", f->statefulset, f->replicas);
    else if (f->what == DO_UPDATE_IMAGE && f->statefulset)
        strbuf_printf(&sb, " %s %s", f->statefulset, f->image ? f->image : "");
    else if ((f->what == DO_TAINT || f->what == DO_UNTAINT) && f->taint.key)
        strbuf_printf(&sb, " %s", f->taint.key);
    if (!c->b)
        strbuf_puts(&sb, " (not applied)");
    const char *label = arena_strdup(tl->arena, sb.buf);
    strbuf_fini(&sb);
    return label;
}

static void on_change(void *ctx, const struct change *c)
{
    struct timeline *tl = ctx;
    if (tl->end != TIME_NEVER)
        return;
    switch (c->reason) {
    case CH_RUN_END: timeline_close(tl, c->time); return;
    case CH_FAULT:
        if (c->obj < tl->sim->scn->nfaults) {
            struct tl_mark m = {c->time, c->obj, c->b != 0, fault_label(tl, c)};
            VEC_PUSH(tl->marks, tl->nmarks, tl->marks_cap, m);
        }
        return;
    case CH_POD_CREATED: on_created(tl, c); return;
    case CH_ATTACH_DONE: on_volume(tl, c); return;
    case CH_ATTACH_MULTI:
        /* attachdetach.c emits it on the pod; an attachment-keyed emitter works too. */
        if (c->kind == KIND_ATTACHMENT)
            on_volume(tl, c);
        else if (c->kind == KIND_POD)
            on_pod(tl, c);
        return;
    default:
        if (c->kind == KIND_POD)
            on_pod(tl, c);
        return;
    }
}

struct timeline *timeline_new(struct sim *sim)
{
    struct timeline *tl = xcalloc(1, sizeof *tl);
    tl->sim = sim;
    tl->arena = arena_new();
    tl->scenario = arena_strdup(tl->arena, sim->scn->name ? sim->scn->name : "");
    tl->seed = sim->seed;
    tl->end = TIME_NEVER;
    store_watch(sim->store, on_change, tl);
    return tl;
}

void timeline_free(struct timeline *tl)
{
    if (tl == NULL)
        return;
    for (uint32_t r = 0; r < tl->nrows; r++) {
        for (uint32_t i = 0; i < tl->rows[r].nincs; i++)
            free(tl->rows[r].incs[i].segs);
        free(tl->rows[r].incs);
    }
    free(tl->rows);
    free(tl->marks);
    free(tl->pod_row);
    free(tl->pod_inc);
    arena_free(tl->arena);
    free(tl);
}

void timeline_close(struct timeline *tl, int64_t now)
{
    if (tl->end != TIME_NEVER)
        return;
    for (uint32_t r = 0; r < tl->nrows; r++)
        for (uint32_t i = 0; i < tl->rows[r].nincs; i++)
            end_incarnation(&tl->rows[r].incs[i], now);
    tl->end = now;
}

/* A row's sort key: qsort has no context argument in C11, so the key travels with the
 * index. */
struct row_key {
    uint32_t sts;
    int32_t ordinal;
    uint32_t row;
};

static int row_key_cmp(const void *pa, const void *pb)
{
    const struct row_key *a = pa, *b = pb;
    if (a->sts != b->sts)
        return a->sts < b->sts ? -1 : 1;
    if (a->ordinal != b->ordinal)
        return a->ordinal < b->ordinal ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

void timeline_sorted_rows(const struct timeline *tl, uint32_t *out)
{
    /* Rows come in order of first appearance: with many StatefulSets starting at once that
     * is far from sorted, so an insertion sort would be quadratic (80,000 rows). */
    struct row_key *keys = xmalloc((tl->nrows ? tl->nrows : 1) * sizeof *keys);
    for (uint32_t i = 0; i < tl->nrows; i++)
        keys[i] = (struct row_key){tl->rows[i].sts, tl->rows[i].ordinal, i};
    qsort(keys, tl->nrows, sizeof *keys, row_key_cmp);
    for (uint32_t i = 0; i < tl->nrows; i++)
        out[i] = keys[i].row;
    free(keys);
}

int64_t timeline_not_ready(const struct timeline *tl, uint32_t row, int64_t from)
{
    int64_t end = tl->end;
    if (from >= end)
        return 0;
    int64_t ready = 0;
    const struct tl_row *r = &tl->rows[row];
    for (uint32_t i = 0; i < r->nincs; i++)
        for (uint32_t k = 0; k < r->incs[i].nsegs; k++) {
            const struct tl_segment *seg = &r->incs[i].segs[k];
            if (seg->phase != TL_READY)
                continue;
            int64_t a = seg->start > from ? seg->start : from;
            int64_t b = seg->end == TIME_NEVER || seg->end > end ? end : seg->end;
            if (b > a)
                ready += b - a;
        }
    return end - from - ready;
}
