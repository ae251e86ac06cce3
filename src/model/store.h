/* The object store: what the API server shows (Nodes, Pods, PVCs, PVs, VolumeAttachments,
 * StatefulSets, ControllerRevisions) plus the small part of the world observers need
 * (which containers really run). Every write goes through a store_ function that notifies
 * the watchers with a struct change, in order, synchronously.
 *
 * Ownership: the store owns every object; ids are array indexes and are never reused in a
 * run (a pod id doubles as its UID). Objects that left the API stay in the arrays with
 * `gone` set, so observers can still name them. Fields are public for reading; only the
 * store_ functions write them (the runtime fields say who owns them). */
#ifndef SSSIM_STORE_H
#define SSSIM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/k8s_types.h"
#include "scenario/scenario.h"
#include "util/util.h"

struct arena;

enum obj_kind {
    KIND_NODE,
    KIND_POD,
    KIND_PVC,
    KIND_PV,
    KIND_ATTACHMENT,
    KIND_STS,
    KIND_REVISION,
    KIND_ZONE,
    KIND_FAULT,
    KIND_COUNT
};
const char *obj_kind_name(enum obj_kind k); /* "Pod", "PersistentVolumeClaim", ... */

enum pod_phase { PHASE_NONE, PHASE_PENDING, PHASE_RUNNING, PHASE_SUCCEEDED, PHASE_FAILED };
const char *pod_phase_name(enum pod_phase p);

enum cond { COND_TRUE, COND_FALSE, COND_UNKNOWN };
const char *cond_name(enum cond c);

/* --- Nodes -------------------------------------------------------------------------- */

struct node_taint {
    struct taint taint; /* strings owned by the store arena */
    int64_t added;      /* timeAdded */
};

struct node {
    /* First what the node lifecycle controller's pass reads of every node every 5 s
     * (existence, Ready, the Lease, whether it has taints): with thousands of nodes that
     * pass is otherwise the largest source of cache misses. */
    uint32_t id;
    uint32_t zone;
    uint32_t ntaints;
    enum cond ready; /* the Ready condition as the API shows it */
    bool exists;        /* false once the Node object is deleted */
    bool unschedulable; /* spec.unschedulable (cordon) */
    /* The Lease as the API shows it, without an event per renewal: while `lease_renewing`
     * the kubelet renews at lease_phase + k * lease_period; otherwise the last renewal is
     * lease_last. Written by the kubelet only (store_node_lease_*). */
    bool lease_renewing;
    int64_t ready_transition;
    const char *ready_reason; /* "KubeletReady", "NodeStatusUnknown", "KubeletNotReady" */
    int64_t lease_phase, lease_period, lease_last;
    struct node_taint *taints;
    uint32_t taints_cap;
    const char *name;
    struct resources allocatable;
    struct resources requested; /* requests of bound, non-terminal pods */
    const struct kv *labels;
    uint32_t nlabels;
    /* status.volumesInUse and status.volumesAttached (PV ids). */
    uint32_t *volumes_in_use;
    uint32_t nvolumes_in_use, volumes_in_use_cap;
    uint32_t *volumes_attached;
    uint32_t nvolumes_attached, volumes_attached_cap;
    /* Index: live pod objects bound to this node (unordered). */
    uint32_t *pods;
    uint32_t npods, pods_cap;
};

/* The Lease's renewTime at `now` (see struct node). TIME_NEVER-less: -1 if never renewed. */
int64_t node_lease_renew_time(const struct node *n, int64_t now);
bool node_has_taint(const struct node *n, const char *key, enum taint_effect effect);

struct zone {
    uint32_t id;
    const char *name;
    uint32_t *nodes;
    uint32_t nnodes, nodes_cap;
};

/* --- Workloads ---------------------------------------------------------------------- */

/* A pod template as a revision holds it: the scenario's template, maybe with new images. */
struct pod_template {
    uint32_t id;
    const struct scn_pod_template *spec; /* the scenario's, or an owned copy */
    bool owned;
};

struct revision {
    uint32_t id;
    uint32_t sts;
    const char *name; /* "<set>-<hash>" */
    int64_t number;   /* .revision */
    uint32_t hash;
    uint32_t template_id;
    bool gone;
};

struct sts_status {
    int32_t replicas, ready_replicas, current_replicas, updated_replicas, available_replicas;
    uint32_t current_revision, update_revision; /* revision ids, NONE_ID at first */
    int32_t collision_count;
    int64_t observed_generation;
};

/* Two cache lines, aligned (the store allocates the array so): every sync reads the first
 * (the spec, the indexes' pointers and the counts) and the second (the status, which
 * ListRevisions' collision count and the status write compare). */
struct statefulset {
    _Alignas(64) const struct scn_statefulset *spec; /* immutable fields; mutable ones below */
    /* Index, one block: the live pod object per ordinal (NONE_ID when none) for ordinals
     * < by_ordinal_len, then the claims per (template index t, ordinal) at
     * by_ordinal[(1 + t) * by_ordinal_len + ordinal] (see store_sts_claim). */
    uint32_t *by_ordinal;
    uint32_t *revisions; /* revision ids, creation order */
    int64_t generation;
    int64_t deletion_ts; /* TIME_NEVER unless the set is being deleted */
    int32_t replicas;
    uint32_t template_id; /* spec.template */
    uint32_t by_ordinal_len;
    uint32_t nclaims;      /* spec->nclaims, kept here so a claim lookup skips the spec */
    uint32_t owned_claims; /* live claims of the set with an ownerRef (owner != OWNER_NONE) */
    uint32_t nrevisions;
    struct sts_status status;
    uint32_t revisions_cap;
    uint32_t id;
    const char *name;
    bool has_service; /* serviceName names a Service of the scenario */
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct statefulset) == 128,
               "struct statefulset grew past two cache lines");

/* --- Pods --------------------------------------------------------------------------- */

/* Two cache lines, aligned (the store allocates the array so). The first holds what the
 * handlers of nearly every pod change read: a StatefulSet sync's view of the pod, the
 * binding, the phase and conditions, and the runtime flags the observers check. */
struct pod {
    _Alignas(64) uint32_t id; /* also the UID */
    uint32_t sts;
    int32_t ordinal;
    uint32_t revision;     /* controller-revision-hash label (revision id) */
    uint32_t node;         /* spec.nodeName, NONE_ID until bound */
    enum pod_phase phase;
    int64_t ready_transition;
    int64_t deletion_ts; /* deletionTimestamp, TIME_NEVER when not being deleted */
    bool ready;          /* Ready condition */
    bool gone;           /* the object left the API */
    bool containers_running; /* status.containerStatuses: running (for IsPodTerminated) */
    bool disruption_target;
    /* Runtime, owned by the kubelet of `runtime_node`: the containers that really run,
     * whatever the API says (a force-deleted pod on a partitioned node keeps running). */
    bool runtime_live;
    uint32_t runtime_node;
    uint32_t node_slot; /* position in the node's pod index */
    /* Its revision's template (store_pod_spec), kept here: the revision and the template
     * records are two more lines to read. NULL for a pod without a revision, which follows
     * its set's current template. */
    const struct scn_pod_template *spec;
    uint32_t restarts;
    const char *name;
    const char *reason; /* status/waiting reason shown by kubectl: "ContainerCreating" */
    int64_t created, scheduled;
    int64_t deletion_grace_ns;
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct pod) == 128,
               "struct pod grew past two cache lines");

static inline bool pod_terminating(const struct pod *p)
{
    return p->deletion_ts != INT64_MAX;
}

/* --- Storage ------------------------------------------------------------------------ */

enum pvc_phase { PVC_PENDING, PVC_BOUND, PVC_LOST };
enum pvc_owner { OWNER_NONE, OWNER_SET, OWNER_POD };

/* One cache line, aligned (the store allocates the array so): claims are read by the
 * StatefulSet sync (deletionTimestamp, the ownerRef), the scheduler, attach/detach and
 * the kubelet, each for a field or two. */
struct pvc {
    _Alignas(64) uint32_t id;
    uint32_t owner_pod; /* pod UID when owner == OWNER_POD */
    uint32_t sts;
    int32_t ordinal;
    uint32_t template_index;
    uint32_t storage_class;
    uint32_t pv;          /* NONE_ID until bound */
    uint8_t owner;        /* enum pvc_owner: the controller ownerRef the retention policy set */
    uint8_t phase;        /* enum pvc_phase */
    uint8_t access_modes; /* enum access_mode bits */
    bool gone;
    int64_t deletion_ts;
    int64_t storage_bytes;
    int64_t created;
    const char *name;
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct pvc) == 64,
               "struct pvc grew past one cache line");

struct pv {
    uint32_t id;
    const char *name;
    uint32_t pvc;
    uint32_t zone; /* node affinity; NONE_ID = any zone */
    bool lost;
    bool gone;
    uint32_t *attachments; /* index: attachment ids of this volume, gone ones included */
    uint32_t nattachments, attachments_cap;
};

enum attach_state { ATTACH_ATTACHING, ATTACH_ATTACHED, ATTACH_DETACHING };

/* A VolumeAttachment: the cloud's view of a disk on a node. */
struct attachment {
    uint32_t id;
    uint32_t pv;
    uint32_t node;
    enum attach_state state;
    int64_t created, attached_at;
    bool gone;
};

struct storage_class {
    uint32_t id;
    const struct scn_storage_class *spec;
};

/* --- Changes ------------------------------------------------------------------------ */

/* Every state change and every event worth a trace line. The names (reason_name) follow
 * Kubernetes event reasons where one exists. Append new reasons anywhere: nothing stores
 * their numeric values. */
#define CHANGE_REASONS(X)                                                                \
    /* nodes and the world */                                                            \
    X(NODE_READY, "NodeReady")                                                           \
    X(NODE_NOT_READY, "NodeNotReady")                                                    \
    X(NODE_UNKNOWN, "NodeStatusUnknown")                                                 \
    X(NODE_TAINTED, "Tainted")                                                           \
    X(NODE_UNTAINTED, "Untainted")                                                       \
    X(NODE_CORDONED, "NodeNotSchedulable")                                               \
    X(NODE_UNCORDONED, "NodeSchedulable")                                                \
    X(NODE_DELETED, "NodeDeleted")                                                       \
    X(NODE_VOLUMES_IN_USE, "VolumesInUse")                                               \
    X(NODE_CRASHED, "NodeCrashed")                                                       \
    X(NODE_SHUTTING_DOWN, "NodeShuttingDown")                                            \
    X(NODE_POWERED_OFF, "NodePoweredOff")                                                \
    X(NODE_PARTITIONED, "NodePartitioned")                                               \
    X(NODE_HEALED, "NodeHealed")                                                         \
    X(NODE_BOOTING, "NodeBooting")                                                       \
    X(KUBELET_STARTED, "KubeletStarted")                                                 \
    X(ZONE_STATE, "ZoneState")                                                           \
    /* pods */                                                                           \
    X(POD_CREATED, "SuccessfulCreate")                                                   \
    X(POD_CREATE_BLOCKED, "CreateBlocked")                                               \
    X(POD_SCHEDULED, "Scheduled")                                                        \
    X(POD_FAILED_SCHEDULING, "FailedScheduling")                                         \
    X(POD_PULLING, "Pulling")                                                            \
    X(POD_PULLED, "Pulled")                                                              \
    X(POD_STARTED, "Started")                                                            \
    X(POD_RUNNING, "Running")                                                            \
    X(POD_READY, "Ready")                                                                \
    X(POD_NOT_READY, "NotReady")                                                         \
    X(POD_KILLING, "Killing")                                                            \
    X(POD_DELETE_REQUESTED, "Terminating")                                               \
    X(POD_EVICTION_SCHEDULED, "EvictionScheduled")                                       \
    X(POD_EVICTION_CANCELLED, "EvictionCancelled")                                       \
    X(POD_EVICTED, "TaintManagerEviction")                                               \
    X(POD_GONE, "Deleted")                                                               \
    X(POD_FORCE_DELETED, "ForceDeleted")                                                 \
    X(POD_FAILED, "Failed")                                                              \
    X(POD_SUCCEEDED, "Succeeded")                                                        \
    X(POD_BACK_OFF, "BackOff")                                                           \
    X(POD_CONTAINER_DIED, "ContainerDied")                                               \
    X(POD_CONTAINER_STARTED, "ContainerStarted")                                         \
    X(POD_MARKED_NOT_READY, "MarkedNotReady")                                            \
    X(POD_WAITING, "Waiting")                                                            \
    X(POD_FAILED_MOUNT, "FailedMount")                                                   \
    X(POD_MOUNTED, "SuccessfulMountVolume")                                              \
    X(POD_UNMOUNTED, "VolumeUnmounted")                                                  \
    /* claims and volumes */                                                             \
    X(PVC_CREATED, "ClaimCreated")                                                       \
    X(PVC_BOUND, "ProvisioningSucceeded")                                                \
    X(PVC_DELETE_REQUESTED, "ClaimDeleting")                                             \
    X(PVC_GONE, "ClaimDeleted")                                                          \
    X(PVC_OWNER, "ClaimOwnerUpdated")                                                    \
    X(PV_LOST, "VolumeLost")                                                             \
    X(ATTACH_STARTED, "AttachVolume")                                                    \
    X(ATTACH_DONE, "SuccessfulAttachVolume")                                             \
    X(ATTACH_MULTI, "FailedAttachVolume")                                                \
    X(DETACH_STARTED, "DetachVolume")                                                    \
    X(DETACH_FORCED, "ForceDetach")                                                      \
    X(DETACH_DONE, "SuccessfulDetachVolume")                                             \
    /* statefulsets */                                                                   \
    X(STS_SCALED, "Scaled")                                                              \
    X(STS_TEMPLATE, "TemplateUpdated")                                                   \
    X(STS_REVISION, "RevisionCreated")                                                   \
    X(STS_REVISION_DELETED, "RevisionDeleted")                                           \
    X(STS_STATUS, "StatusUpdated")                                                       \
    X(STS_BLOCKED, "Waiting")                                                            \
    X(STS_UPDATE_DONE, "RollingUpdateComplete")                                          \
    /* the timeline and the observers */                                                 \
    X(FAULT, "Fault")                                                                    \
    X(VIOLATION, "InvariantViolated")                                                    \
    X(RUN_END, "RunEnd")

enum change_reason {
#define X(id, name) CH_##id,
    CHANGE_REASONS(X)
#undef X
        CH_COUNT
};
const char *change_reason_name(enum change_reason r);

/* One change. `obj` is an id of kind `kind`; `node` the node involved or NONE_ID; a and b
 * carry reason-specific values documented where they are emitted (e.g. a pv id); `text`
 * is a short human message or NULL (only built when store_wants_text() is true). */
struct change {
    int64_t time;
    uint64_t seq; /* change sequence number in the run, from 1 */
    enum change_reason reason;
    enum obj_kind kind;
    uint32_t obj;
    uint32_t node;
    uint32_t a;
    int64_t b;
    const char *text;
};

typedef void store_watch_fn(void *ctx, const struct change *c);

/* --- The store ---------------------------------------------------------------------- */

/* A name index: open addressing (linear probing) over object ids, NONE_ID for empty. */
struct store_names {
    uint32_t *slots;
    uint32_t cap; /* a power of two, or 0 */
    uint32_t used;
};

struct store {
    const struct scenario *scn;
    const int64_t *now; /* the engine clock */
    struct arena *arena;
    struct strbuf name_buf; /* where the names of created objects are put together */
    uint64_t change_seq;
    bool want_text; /* a trace or narration sink is attached: build messages */

    struct node *nodes;
    uint32_t nnodes, nodes_cap;
    /* [node]: bumped by every change a scheduler's NodeInfo reflects (pods bound or
     * released, taints, cordon, deletion), like internal/cache NodeInfo.Generation; kept
     * apart from struct node so that a walk over many nodes reads 4 bytes per node. */
    uint32_t *node_gen;
    struct zone *zones;
    uint32_t nzones, zones_cap;
    /* pods, pvcs and sets are arrays of cache-line records in the blocks *_mem (util.h
     * grow_lines). */
    struct pod *pods;
    uint32_t npods, pods_cap;
    struct pvc *pvcs;
    uint32_t npvcs, pvcs_cap;
    struct pv *pvs;
    uint32_t npvs, pvs_cap;
    struct attachment *attachments;
    uint32_t nattachments, attachments_cap;
    struct statefulset *sets;
    uint32_t nsets, sets_cap;
    void *pods_mem, *pvcs_mem, *sets_mem;
    struct revision *revisions;
    uint32_t nrevisions, revisions_cap;
    struct pod_template *templates;
    uint32_t ntemplates, templates_cap;
    struct storage_class *classes;
    uint32_t nclasses;
    uint32_t default_class;

    struct store_watcher {
        store_watch_fn *fn;
        void *ctx;
    } *watchers;
    uint32_t nwatchers, watchers_cap;

    /* Indexes behind store_find_* and store_pod_by_name, so that a lookup by name costs
     * the same with 5 nodes or 50,000. */
    struct store_names node_names, zone_names, set_names, class_names;
};

/* Build the store from a scenario: nodes, zones, storage classes and StatefulSets (no
 * pods). `now` points at the engine clock. */
struct store *store_new(const struct scenario *scn, const int64_t *now);
void store_free(struct store *st);
/* Watchers are called in registration order for every change. */
void store_watch(struct store *st, store_watch_fn *fn, void *ctx);
static inline bool store_wants_text(const struct store *st)
{
    return st->want_text;
}
/* Notify an event that is not a field write (FailedScheduling, Multi-Attach ...). */
void store_emit(struct store *st, enum change_reason r, enum obj_kind k, uint32_t obj,
                uint32_t node, uint32_t a, int64_t b, const char *text);

/* Lookups (NONE_ID when absent). */
uint32_t store_find_node(const struct store *st, const char *name);
uint32_t store_find_zone(const struct store *st, const char *name);
uint32_t store_find_sts(const struct store *st, const char *name);
uint32_t store_find_class(const struct store *st, const char *name); /* NULL: default */
/* The live pod object named <set>-<ordinal>, or NONE_ID. */
uint32_t store_pod_by_name(const struct store *st, const char *name);
/* The claim named <template>-<set>-<ordinal> that exists (even if being deleted), or
 * NONE_ID. */
uint32_t store_pvc_by_name(const struct store *st, const char *name);
static inline uint32_t store_sts_pod(const struct store *st, uint32_t sts, int32_t ordinal)
{
    const struct statefulset *s = &st->sets[sts];
    if (ordinal < 0 || (uint32_t)ordinal >= s->by_ordinal_len)
        return NONE_ID;
    return s->by_ordinal[ordinal];
}
/* The claim <template>-<set>-<ordinal> that exists (not gone), or NONE_ID. Inline: a sync
 * looks up every claim of every pod of the set. */
static inline uint32_t store_sts_claim(const struct store *st, uint32_t sts, uint32_t tmpl,
                                       int32_t ordinal)
{
    const struct statefulset *s = &st->sets[sts];
    if (ordinal < 0 || (uint32_t)ordinal >= s->by_ordinal_len || tmpl >= s->nclaims)
        return NONE_ID;
    return s->by_ordinal[(size_t)(1 + tmpl) * s->by_ordinal_len + (uint32_t)ordinal];
}
const struct scn_pod_template *store_pod_spec(const struct store *st, const struct pod *p);
const struct scn_pod_template *store_template(const struct store *st, uint32_t template_id);
struct resources pod_requests(const struct scn_pod_template *t);
/* "<pod>.<service>.<namespace>.svc.cluster.local" (arena string). */
const char *store_pod_dns_name(struct store *st, const struct pod *p);

/* Nodes. */
void store_node_set_ready(struct store *st, uint32_t node, enum cond c, const char *reason);
/* Adds the taint unless one with the same key and effect exists; returns true if added. */
bool store_node_add_taint(struct store *st, uint32_t node, const struct taint *t);
bool store_node_remove_taint(struct store *st, uint32_t node, const char *key,
                             enum taint_effect effect);
void store_node_set_unschedulable(struct store *st, uint32_t node, bool on);
void store_node_delete(struct store *st, uint32_t node);
void store_node_set_volumes_in_use(struct store *st, uint32_t node, const uint32_t *pvs,
                                   uint32_t n);
void store_node_set_volume_attached(struct store *st, uint32_t node, uint32_t pv, bool on);
void store_node_lease_start(struct store *st, uint32_t node, int64_t phase);
void store_node_lease_stop(struct store *st, uint32_t node);
bool node_volume_in_use(const struct node *n, uint32_t pv);

/* StatefulSets and revisions. */
void store_sts_set_replicas(struct store *st, uint32_t sts, int32_t replicas);
/* Replace spec.template with a copy whose container `container` (NULL: the first) runs
 * `image`; bumps generation. Returns the new template id. */
uint32_t store_sts_set_image(struct store *st, uint32_t sts, const char *container,
                             const char *image);
uint32_t store_revision_create(struct store *st, uint32_t sts, const char *name,
                               int64_t number, uint32_t hash, uint32_t template_id);
void store_revision_set_number(struct store *st, uint32_t rev, int64_t number);
void store_revision_delete(struct store *st, uint32_t rev);
/* Write status; emits CH_STS_STATUS only when something differs. */
void store_sts_set_status(struct store *st, uint32_t sts, const struct sts_status *s);

/* Pods. */
uint32_t store_pod_create(struct store *st, uint32_t sts, int32_t ordinal, uint32_t revision);
void store_pod_bind(struct store *st, uint32_t pod, uint32_t node);
void store_pod_set_phase(struct store *st, uint32_t pod, enum pod_phase phase,
                         const char *reason);
void store_pod_set_ready(struct store *st, uint32_t pod, bool ready);
void store_pod_set_containers_running(struct store *st, uint32_t pod, bool running);
void store_pod_set_reason(struct store *st, uint32_t pod, const char *reason);
void store_pod_set_restarts(struct store *st, uint32_t pod, uint32_t restarts);
void store_pod_set_disruption_target(struct store *st, uint32_t pod, const char *reason);
/* A DELETE with grace period `grace_ns` (upstream BeforeDelete + CheckGracefulDelete):
 * an unscheduled pod or one in a terminal phase goes at once; grace 0 removes it at once
 * (force); otherwise deletionTimestamp = now + grace and the kubelet must finish it.
 * A second graceful DELETE may shorten the grace, never lengthen it. Returns true when
 * the object is gone. */
bool store_pod_delete(struct store *st, uint32_t pod, int64_t grace_ns, bool force);
/* Runtime (kubelet only): containers of `pod` start or stop on `node`'s machine. */
void store_pod_runtime(struct store *st, uint32_t pod, uint32_t node, bool live);

/* Claims and volumes. */
uint32_t store_pvc_create(struct store *st, uint32_t sts, uint32_t tmpl, int32_t ordinal);
void store_pvc_bind(struct store *st, uint32_t pvc, uint32_t pv);
void store_pvc_set_owner(struct store *st, uint32_t pvc, enum pvc_owner owner,
                         uint32_t owner_pod);
void store_pvc_delete(struct store *st, uint32_t pvc); /* sets deletionTimestamp */
void store_pvc_remove(struct store *st, uint32_t pvc); /* the object leaves the API */
uint32_t store_pv_create(struct store *st, uint32_t pvc, uint32_t zone);
void store_pv_lose(struct store *st, uint32_t pv);
uint32_t store_attachment_create(struct store *st, uint32_t pv, uint32_t node);
void store_attachment_set_state(struct store *st, uint32_t att, enum attach_state s);
void store_attachment_remove(struct store *st, uint32_t att);
/* The attachment of pv on node that is not gone, or NONE_ID. */
uint32_t store_attachment_find(const struct store *st, uint32_t pv, uint32_t node);

#endif
