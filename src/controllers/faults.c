/* The scenario's timeline: each fault runs at its `at`, same-time faults in file order.
 * A fault is announced (CH_FAULT) before it acts, then acts through the same calls the
 * real actor makes: the kubelet module for what happens to a machine, store writes for
 * what an operator does through the API (kubectl cordon, drain, delete, taint, scale). */
#include "controllers/faults.h"

#include <stdlib.h>
#include <string.h>

#include "controllers/kubelet.h"
#include "util/util.h"

enum faults_event_kind { EV_FAULT };

struct faults {
    struct fault_record *records;
    uint32_t nrecords;
    struct strbuf text; /* the CH_FAULT message being emitted */
    struct strbuf note;
};

/* What a fault acts on, once resolved. */
struct target {
    uint32_t node, zone, pod, sts, pvc;
};

static bool is_node_fault(enum fault_do d)
{
    switch (d) {
    case DO_NODE_CRASH:
    case DO_NODE_SHUTDOWN:
    case DO_NODE_PARTITION:
    case DO_NODE_HEAL:
    case DO_NODE_RECOVER:
    case DO_NODE_DELETE:
    case DO_TAINT:
    case DO_UNTAINT:
    case DO_CORDON:
    case DO_UNCORDON:
    case DO_DRAIN: return true;
    default: return false;
    }
}

/* Faults on the machine act on it whatever the API shows; the others are API requests,
 * which fail with NotFound once the Node object is deleted. */
static bool needs_node_object(enum fault_do d)
{
    return d == DO_NODE_DELETE || d == DO_TAINT || d == DO_UNTAINT || d == DO_CORDON ||
           d == DO_UNCORDON || d == DO_DRAIN;
}

static void record_pod(struct fault_record *r, uint32_t pod)
{
    VEC_PUSH(r->pods, r->npods, r->pods_cap, pod);
}

static void record_node_pods(struct fault_record *r, const struct node *n)
{
    for (uint32_t i = 0; i < n->npods; i++)
        record_pod(r, n->pods[i]);
}

/* Find what the fault names at this moment; on failure fill the note and return false. */
static bool resolve(struct sim *sim, const struct scn_fault *f, struct target *t,
                    struct strbuf *note)
{
    struct store *st = sim->store;
    *t = (struct target){NONE_ID, NONE_ID, NONE_ID, NONE_ID, NONE_ID};
    if (is_node_fault(f->what)) {
        if (f->hosting != NULL) {
            uint32_t pod = store_pod_by_name(st, f->hosting);
            if (pod == NONE_ID || st->pods[pod].node == NONE_ID) {
                strbuf_printf(note, "%s is not on any node", f->hosting);
                return false;
            }
            t->node = st->pods[pod].node;
        } else {
            t->node = f->node ? store_find_node(st, f->node) : NONE_ID;
            if (t->node == NONE_ID) {
                strbuf_printf(note, "node %s does not exist", f->node ? f->node : "(none)");
                return false;
            }
        }
        if (needs_node_object(f->what) && !st->nodes[t->node].exists) {
            strbuf_printf(note, "node %s was deleted", st->nodes[t->node].name);
            return false;
        }
        return true;
    }
    switch (f->what) {
    case DO_ZONE_OUTAGE:
    case DO_ZONE_RECOVER:
        t->zone = f->zone ? store_find_zone(st, f->zone) : NONE_ID;
        if (t->zone == NONE_ID) {
            strbuf_printf(note, "zone %s does not exist", f->zone ? f->zone : "(none)");
            return false;
        }
        return true;
    case DO_POD_DELETE:
    case DO_POD_FORCE_DELETE:
    case DO_CONTAINER_CRASH:
        t->pod = f->pod ? store_pod_by_name(st, f->pod) : NONE_ID;
        if (t->pod == NONE_ID) {
            strbuf_printf(note, "pod %s does not exist", f->pod ? f->pod : "(none)");
            return false;
        }
        t->node = st->pods[t->pod].node;
        return true;
    case DO_SCALE:
    case DO_UPDATE_IMAGE:
        t->sts = f->statefulset ? store_find_sts(st, f->statefulset) : NONE_ID;
        if (t->sts == NONE_ID) {
            strbuf_printf(note, "StatefulSet %s does not exist",
                          f->statefulset ? f->statefulset : "(none)");
            return false;
        }
        return true;
    case DO_VOLUME_LOSS: {
        t->pvc = f->claim ? store_pvc_by_name(st, f->claim) : NONE_ID;
        if (t->pvc == NONE_ID) {
            strbuf_printf(note, "claim %s does not exist", f->claim ? f->claim : "(none)");
            return false;
        }
        if (st->pvcs[t->pvc].pv == NONE_ID) {
            strbuf_printf(note, "claim %s is not bound to a volume", f->claim);
            return false;
        }
        t->pod = store_sts_pod(st, st->pvcs[t->pvc].sts, st->pvcs[t->pvc].ordinal);
        if (t->pod != NONE_ID)
            t->node = st->pods[t->pod].node;
        return true;
    }
    default: strbuf_puts(note, "unknown fault"); return false;
    }
}

/* "nodeCrash node-b (hosting web-1)", "scale web to 5 replicas", ...; the note is added
 * after a colon when the fault cannot apply. */
static void describe(struct sim *sim, const struct scn_fault *f, const struct target *t,
                     const char *note, struct strbuf *sb)
{
    const struct store *st = sim->store;
    strbuf_puts(sb, fault_do_name(f->what));
    if (is_node_fault(f->what)) {
        if (t->node != NONE_ID)
            strbuf_printf(sb, " %s", st->nodes[t->node].name);
        else if (f->node)
            strbuf_printf(sb, " %s", f->node);
        if (f->hosting)
            strbuf_printf(sb, " (hosting %s)", f->hosting);
        if (f->what == DO_TAINT || f->what == DO_UNTAINT)
            strbuf_printf(sb, " %s%s%s%s%s", f->taint.key ? f->taint.key : "",
                          f->taint.value && f->taint.value[0] ? "=" : "",
                          f->taint.value ? f->taint.value : "",
                          f->taint.effect != EFFECT_NONE ? ":" : "",
                          taint_effect_name(f->taint.effect));
    } else if (f->what == DO_ZONE_OUTAGE || f->what == DO_ZONE_RECOVER) {
        strbuf_printf(sb, " %s", f->zone ? f->zone : "");
    } else if (f->what == DO_SCALE) {
        strbuf_printf(sb, " %s to %d replicas", f->statefulset ? f->statefulset : "", f->replicas);
    } else if (f->what == DO_UPDATE_IMAGE) {
        strbuf_printf(sb, " %s to %s", f->statefulset ? f->statefulset : "",
                      f->image ? f->image : "");
    } else if (f->what == DO_VOLUME_LOSS) {
        strbuf_printf(sb, " %s", f->claim ? f->claim : "");
    } else {
        strbuf_printf(sb, " %s", f->pod ? f->pod : "");
        if (t->node != NONE_ID)
            strbuf_printf(sb, " (on %s)", st->nodes[t->node].name);
    }
    if (note)
        strbuf_printf(sb, ": %s", note);
}

/* kubectl taint node NAME key[:effect]-: without an effect, every taint with the key. */
static void untaint(struct store *st, uint32_t node, const struct taint *t)
{
    if (t->effect != EFFECT_NONE) {
        store_node_remove_taint(st, node, t->key, t->effect);
        return;
    }
    static const enum taint_effect effects[] = {EFFECT_NO_SCHEDULE, EFFECT_PREFER_NO_SCHEDULE,
                                                EFFECT_NO_EXECUTE};
    for (size_t i = 0; i < ARRAY_LEN(effects); i++)
        store_node_remove_taint(st, node, t->key, effects[i]);
}

/* kubectl drain: cordon, then evict every pod through the Eviction API with the pod's own
 * grace period. No PodDisruptionBudgets and no DaemonSets exist in sssim. */
static void drain(struct sim *sim, uint32_t node, const struct fault_record *r)
{
    struct store *st = sim->store;
    store_node_set_unschedulable(st, node, true);
    /* The record holds the node's pods at this moment: deletions may reorder the index. */
    for (uint32_t i = 0; i < r->npods; i++) {
        const struct pod *p = &st->pods[r->pods[i]];
        if (p->gone || p->node != node)
            continue;
        store_pod_delete(st, p->id, store_pod_spec(st, p)->termination_grace_ns, false);
    }
}

/* A machine's boot: the fault's bootTime, else timings.nodeBoot. */
static int64_t boot_time(struct sim *sim, const struct scn_fault *f)
{
    const struct dist *d = f->has_boot_time ? &f->boot_time : &sim->scn->timings.node_boot;
    return sim_sample(sim, d, RNG_BOOT);
}

static void act(struct sim *sim, const struct scn_fault *f, const struct target *t,
                const struct fault_record *r)
{
    struct store *st = sim->store;
    switch (f->what) {
    case DO_NODE_CRASH: kubelet_crash(sim, t->node); break;
    case DO_NODE_SHUTDOWN: kubelet_shutdown(sim, t->node); break;
    case DO_NODE_PARTITION: kubelet_partition(sim, t->node); break;
    case DO_NODE_HEAL: kubelet_heal(sim, t->node); break;
    case DO_NODE_RECOVER: kubelet_recover(sim, t->node, boot_time(sim, f)); break;
    case DO_NODE_DELETE: store_node_delete(st, t->node); break;
    case DO_ZONE_OUTAGE: {
        const struct zone *z = &st->zones[t->zone];
        for (uint32_t i = 0; i < z->nnodes; i++)
            kubelet_crash(sim, z->nodes[i]);
        break;
    }
    case DO_ZONE_RECOVER: {
        /* Each machine boots in its own time; one that did not crash is left alone. */
        const struct zone *z = &st->zones[t->zone];
        for (uint32_t i = 0; i < z->nnodes; i++)
            kubelet_recover(sim, z->nodes[i], boot_time(sim, f));
        break;
    }
    case DO_TAINT: store_node_add_taint(st, t->node, &f->taint); break;
    case DO_UNTAINT: untaint(st, t->node, &f->taint); break;
    case DO_CORDON: store_node_set_unschedulable(st, t->node, true); break;
    case DO_UNCORDON: store_node_set_unschedulable(st, t->node, false); break;
    case DO_DRAIN: drain(sim, t->node, r); break;
    case DO_POD_DELETE:
        store_pod_delete(st, t->pod, store_pod_spec(st, &st->pods[t->pod])->termination_grace_ns,
                         false);
        break;
    case DO_POD_FORCE_DELETE: store_pod_delete(st, t->pod, 0, true); break;
    case DO_CONTAINER_CRASH:
        kubelet_container_crash(sim, t->pod, f->times > 0 ? (uint32_t)f->times : 1, f->for_ns);
        break;
    case DO_SCALE: store_sts_set_replicas(st, t->sts, f->replicas); break;
    case DO_UPDATE_IMAGE:
        store_sts_set_image(st, t->sts, f->container, f->image ? f->image : "");
        break;
    case DO_VOLUME_LOSS: {
        uint32_t pv = st->pvcs[t->pvc].pv;
        store_pv_lose(st, pv);
        kubelet_volume_lost(sim, pv);
        break;
    }
    case DO_COUNT: break;
    }
}

static void run_fault(struct sim *sim, uint32_t index)
{
    struct faults *fs = sim->faults;
    struct store *st = sim->store;
    const struct scn_fault *f = &sim->scn->faults[index];
    struct fault_record *r = &fs->records[index];
    r->at = sim->now;

    struct target t;
    strbuf_reset(&fs->note);
    bool ok = resolve(sim, f, &t, &fs->note);
    r->node = t.node;
    if (ok) {
        /* The pods affected, as they are at this moment. */
        if (is_node_fault(f->what))
            record_node_pods(r, &st->nodes[t.node]);
        else if (f->what == DO_ZONE_OUTAGE || f->what == DO_ZONE_RECOVER)
            for (uint32_t i = 0; i < st->zones[t.zone].nnodes; i++)
                record_node_pods(r, &st->nodes[st->zones[t.zone].nodes[i]]);
        else if (t.pod != NONE_ID)
            record_pod(r, t.pod);
    } else {
        r->note = xstrdup(fs->note.buf);
    }

    const char *text = NULL;
    if (store_wants_text(st)) {
        strbuf_reset(&fs->text);
        describe(sim, f, &t, ok ? NULL : r->note, &fs->text);
        text = fs->text.buf;
    }
    store_emit(st, CH_FAULT, KIND_FAULT, index, t.node, f->what, ok, text);
    if (!ok)
        return;
    r->applied = true;
    act(sim, f, &t, r);
}

struct faults *faults_new(struct sim *sim)
{
    struct faults *fs = xcalloc(1, sizeof *fs);
    fs->nrecords = sim->scn->nfaults;
    fs->records = xcalloc(fs->nrecords ? fs->nrecords : 1, sizeof *fs->records);
    for (uint32_t i = 0; i < fs->nrecords; i++) {
        fs->records[i].at = sim->scn->faults[i].at;
        fs->records[i].node = NONE_ID;
    }
    strbuf_init(&fs->text);
    strbuf_init(&fs->note);
    return fs;
}

void faults_free(struct faults *fs)
{
    if (fs == NULL)
        return;
    for (uint32_t i = 0; i < fs->nrecords; i++) {
        free(fs->records[i].pods);
        free((char *)fs->records[i].note);
    }
    free(fs->records);
    strbuf_fini(&fs->text);
    strbuf_fini(&fs->note);
    free(fs);
}

void faults_start(struct sim *sim)
{
    /* Scheduled in file order: the queue runs equal times in scheduling order. */
    for (uint32_t i = 0; i < sim->faults->nrecords; i++)
        sim_at(sim, sim->scn->faults[i].at, MOD_FAULTS, EV_FAULT, i, 0, 0);
}

void faults_on_event(struct sim *sim, const struct event *ev)
{
    if (ev->kind == EV_FAULT && ev->a < sim->faults->nrecords)
        run_fault(sim, ev->a);
}

const struct fault_record *faults_record(const struct sim *sim, uint32_t index)
{
    const struct faults *fs = sim->faults;
    if (fs == NULL || index >= fs->nrecords)
        return NULL;
    return &fs->records[index];
}
