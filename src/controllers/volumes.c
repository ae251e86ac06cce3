/* The storage control plane besides attach/detach, on the store.
 *
 * - Provisioning: the external-provisioner sidecar with a zonal CSI driver and the PV
 *   controller's binding, folded into one step: after timings.provision a PV pinned to one
 *   zone exists and the claim is bound to it. Immediate claims are provisioned when
 *   created; WaitForFirstConsumer claims when the scheduler selects a node.
 * - pvc-protection (pkg/controller/volume/pvcprotection): a deleted claim keeps its
 *   finalizer, and so stays in the API, while a scheduled pod object uses it.
 * - The garbage collector (pkg/controller/garbagecollector) for claims whose controller
 *   owner (set by the StatefulSet retention policy) is gone or being deleted.
 *
 * The PV of a removed claim is not deleted (reclaimPolicy Delete would): the store has no
 * call for it, and nothing reads a PV whose claim is gone. */
#include "controllers/volumes.h"

#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

enum volumes_event {
    EV_PROVISION, /* a = pvc, b = zone (NONE_ID: any): CreateVolume returned */
    EV_PROTECT,   /* a = pvc: pvc-protection processPVC */
    EV_GC,        /* a = pvc: garbage collector attemptToDeleteItem */
};

enum pvc_flag {
    F_PROVISIONING = 1u << 0,
    F_PROTECT_QUEUED = 1u << 1,
    F_GC_QUEUED = 1u << 2,
};

struct volumes {
    struct sim *sim;
    uint8_t *flags; /* enum pvc_flag per claim id */
    size_t flags_cap;
    /* aggregateTopologies: the named zones with an existing node, sorted by name. They
     * change only when a Node is deleted, so they are kept rather than found again for
     * every claim. */
    uint32_t *node_zones;
    uint32_t nnode_zones;
    bool node_zones_valid;
};

static uint8_t *pvc_flags(struct volumes *v, uint32_t pvc)
{
    if (pvc >= v->flags_cap) {
        size_t old = v->flags_cap;
        grow_array((void **)&v->flags, &v->flags_cap, (size_t)pvc + 1, sizeof *v->flags);
        memset(&v->flags[old], 0, v->flags_cap - old);
    }
    return &v->flags[pvc];
}

/* --- Provisioning ---------------------------------------------------------------------- */

/* Go's hash/fnv New32 (FNV-1, not FNV-1a). */
static uint32_t fnv1_32(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h *= 16777619u;
        h ^= (uint8_t)s[i];
    }
    return h;
}

/* external-provisioner topology.go getPVCNameHashAndIndexOffset (also in-tree
 * pkg/volume/util): "<claim>-<set>-<ordinal>" hashes only "<set>" (after the last dash of
 * the prefix) and offsets by the ordinal, so a set's volumes go round-robin over zones and
 * the claims of one pod land in the same zone. */
static uint32_t claim_zone_index(const char *name)
{
    size_t len = strlen(name);
    const char *dash = strrchr(name, '-');
    uint32_t index = 0;
    const char *hs = name;
    size_t hn = len;
    if (dash != NULL && dash[1] != '\0') {
        const char *id = dash + 1;
        bool digits = true;
        uint64_t val = 0;
        for (const char *q = id; *q && digits; q++) {
            digits = *q >= '0' && *q <= '9';
            val = val * 10 + (uint64_t)(*q - '0');
            digits = digits && val <= UINT32_MAX;
        }
        if (digits) {
            index = (uint32_t)val;
            hn = (size_t)(dash - name);
            for (size_t i = hn; i-- > 0;) {
                if (name[i] == '-') {
                    hs = name + i + 1;
                    hn = hn - i - 1;
                    break;
                }
            }
        }
    }
    return fnv1_32(hs, hn) + index;
}

/* Insertion sort by name: a handful of zones. */
static void sort_zones(const struct store *st, uint32_t *z, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t key = z[i];
        uint32_t j = i;
        while (j > 0 && strcmp(st->zones[z[j - 1]].name, st->zones[key].name) > 0) {
            z[j] = z[j - 1];
            j--;
        }
        z[j] = key;
    }
}

static bool zone_has_node(const struct store *st, uint32_t zone)
{
    const struct zone *z = &st->zones[zone];
    for (uint32_t i = 0; i < z->nnodes; i++)
        if (st->nodes[z->nodes[i]].exists)
            return true;
    return false;
}

/* external-provisioner topology.go GenerateAccessibilityRequirements, Immediate binding:
 * the requisite topologies are the class's allowedTopologies, or every zone that nodes of
 * the cluster carry (aggregateTopologies), sorted; the preferred list is that rotated by
 * the claim name's hash and ordinal. A zonal CSI driver creates the disk in the first
 * preferred zone. Allowed zones that no node names cannot be represented and are skipped. */
static uint32_t immediate_zone(struct volumes *v, const struct store *st, const struct pvc *c)
{
    const struct scn_storage_class *sc =
        c->storage_class == NONE_ID ? NULL : st->classes[c->storage_class].spec;
    if (sc == NULL || sc->nzones == 0) {
        if (!v->node_zones_valid) {
            free(v->node_zones);
            v->node_zones = xcalloc(st->nzones ? st->nzones : 1, sizeof *v->node_zones);
            v->nnode_zones = 0;
            for (uint32_t z = 0; z < st->nzones; z++)
                if (st->zones[z].name[0] != '\0' && zone_has_node(st, z))
                    v->node_zones[v->nnode_zones++] = z;
            sort_zones(st, v->node_zones, v->nnode_zones);
            v->node_zones_valid = true;
        }
        uint32_t n = v->nnode_zones;
        return n > 0 ? v->node_zones[claim_zone_index(c->name) % n] : NONE_ID;
    }
    uint32_t *zones = xcalloc(sc->nzones, sizeof *zones);
    uint32_t n = 0;
    for (uint32_t i = 0; i < sc->nzones; i++) {
        uint32_t z = store_find_zone(st, sc->zones[i]);
        bool dup = false;
        for (uint32_t k = 0; k < n; k++)
            dup |= zones[k] == z;
        if (z != NONE_ID && !dup)
            zones[n++] = z;
    }
    uint32_t zone = NONE_ID;
    if (n > 0) {
        sort_zones(st, zones, n);
        zone = zones[claim_zone_index(c->name) % n];
    }
    free(zones);
    return zone;
}

static void provision(struct volumes *v, uint32_t pvc, uint32_t zone)
{
    uint8_t *f = pvc_flags(v, pvc);
    if (*f & F_PROVISIONING)
        return;
    *f |= F_PROVISIONING;
    struct sim *sim = v->sim;
    sim_after(sim, sim_sample(sim, &sim->scn->timings.provision, RNG_PROVISION), MOD_VOLUMES,
              EV_PROVISION, pvc, zone, 0);
}

static void on_provisioned(struct volumes *v, uint32_t pvc, uint32_t zone)
{
    struct store *st = v->sim->store;
    *pvc_flags(v, pvc) &= (uint8_t)~F_PROVISIONING;
    const struct pvc *c = &st->pvcs[pvc];
    if (c->gone || c->pv != NONE_ID)
        return;
    /* The PV carries node affinity for the disk's zone (zonal block storage). */
    uint32_t pv = store_pv_create(st, pvc, zone);
    store_pvc_bind(st, pvc, pv);
}

void volumes_provision_for_node(struct sim *sim, uint32_t pvc, uint32_t node)
{
    const struct store *st = sim->store;
    const struct pvc *c = &st->pvcs[pvc];
    if (c->gone || c->pv != NONE_ID)
        return;
    /* Delayed binding: the topology of the selected node (volume.kubernetes.io/selected-node). */
    const struct node *n = &st->nodes[node];
    uint32_t zone = st->zones[n->zone].name[0] != '\0' ? n->zone : NONE_ID;
    provision(sim->volumes, pvc, zone);
}

/* --- pvc-protection and the garbage collector ------------------------------------------ */

static void queue_protect(struct volumes *v, uint32_t pvc)
{
    uint8_t *f = pvc_flags(v, pvc);
    if (*f & F_PROTECT_QUEUED)
        return;
    *f |= F_PROTECT_QUEUED;
    sim_after(v->sim, sim_watch_delay(v->sim), MOD_VOLUMES, EV_PROTECT, pvc, 0, 0);
}

static void queue_gc(struct volumes *v, uint32_t pvc)
{
    uint8_t *f = pvc_flags(v, pvc);
    if (*f & F_GC_QUEUED)
        return;
    *f |= F_GC_QUEUED;
    sim_after(v->sim, sim_watch_delay(v->sim), MOD_VOLUMES, EV_GC, pvc, 0, 0);
}

/* pvc_protection_controller.go processPVC / isBeingUsed / podUsesPVC: only a pod object
 * with spec.nodeName set counts (the kubelet refuses to start a pod whose claim is being
 * deleted). The claim <tmpl>-<set>-<ordinal> is used by the pod <set>-<ordinal>. */
static void on_protect(struct volumes *v, uint32_t pvc)
{
    struct store *st = v->sim->store;
    *pvc_flags(v, pvc) &= (uint8_t)~F_PROTECT_QUEUED;
    const struct pvc *c = &st->pvcs[pvc];
    if (c->gone || c->deletion_ts == TIME_NEVER)
        return;
    uint32_t pod = store_sts_pod(st, c->sts, c->ordinal);
    if (pod != NONE_ID && st->pods[pod].node != NONE_ID)
        return; /* re-checked when that pod is deleted */
    store_pvc_remove(st, pvc);
}

/* garbagecollector attemptToDeleteItem: a dependent whose owner is absent is deleted
 * (background propagation); one whose owner is being deleted in the foreground, too. */
static void on_gc(struct volumes *v, uint32_t pvc)
{
    struct store *st = v->sim->store;
    *pvc_flags(v, pvc) &= (uint8_t)~F_GC_QUEUED;
    const struct pvc *c = &st->pvcs[pvc];
    if (c->gone || c->deletion_ts != TIME_NEVER)
        return;
    bool orphaned = false;
    if (c->owner == OWNER_POD)
        orphaned = c->owner_pod < st->npods && st->pods[c->owner_pod].gone;
    else if (c->owner == OWNER_SET)
        orphaned = st->sets[c->sts].deletion_ts != TIME_NEVER;
    if (orphaned)
        store_pvc_delete(st, pvc);
}

/* --- Module interface ------------------------------------------------------------------ */

struct volumes *volumes_new(struct sim *sim)
{
    struct volumes *v = xcalloc(1, sizeof *v);
    v->sim = sim;
    return v;
}

void volumes_free(struct volumes *v)
{
    if (v == NULL)
        return;
    free(v->flags);
    free(v->node_zones);
    free(v);
}

void volumes_start(struct sim *sim)
{
    (void)sim;
}

void volumes_on_event(struct sim *sim, const struct event *ev)
{
    struct volumes *v = sim->volumes;
    switch ((enum volumes_event)ev->kind) {
    case EV_PROVISION: on_provisioned(v, ev->a, ev->b); break;
    case EV_PROTECT: on_protect(v, ev->a); break;
    case EV_GC: on_gc(v, ev->a); break;
    }
}

void volumes_on_change(void *ctx, const struct change *c)
{
    struct sim *sim = ctx;
    struct volumes *v = sim->volumes;
    if (v == NULL)
        return;
    const struct store *st = sim->store;
    switch (c->reason) {
    case CH_PVC_CREATED: {
        const struct pvc *pc = &st->pvcs[c->obj];
        if (pc->storage_class == NONE_ID)
            break; /* no class: nothing provisions it */
        if (st->classes[pc->storage_class].spec->binding == BIND_IMMEDIATE)
            provision(v, c->obj, immediate_zone(v, st, pc));
        break;
    }
    case CH_NODE_DELETED: v->node_zones_valid = false; break;
    case CH_PVC_DELETE_REQUESTED: queue_protect(v, c->obj); break;
    case CH_PVC_OWNER: {
        const struct pvc *pc = &st->pvcs[c->obj];
        if ((pc->owner == OWNER_POD && pc->owner_pod < st->npods && st->pods[pc->owner_pod].gone) ||
            (pc->owner == OWNER_SET && st->sets[pc->sts].deletion_ts != TIME_NEVER))
            queue_gc(v, c->obj);
        break;
    }
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED: {
        const struct pod *p = &st->pods[c->obj];
        const struct statefulset *set = &st->sets[p->sts];
        for (uint32_t t = 0; t < set->spec->nclaims; t++) {
            uint32_t pvc = store_sts_claim(st, p->sts, t, p->ordinal);
            if (pvc == NONE_ID)
                continue;
            const struct pvc *pc = &st->pvcs[pvc];
            if (pc->deletion_ts != TIME_NEVER)
                queue_protect(v, pvc);
            if (pc->owner == OWNER_POD && pc->owner_pod == c->obj)
                queue_gc(v, pvc);
        }
        break;
    }
    default: break;
    }
}
