/* A scenario as plain structs: the v1 JSON format of docs/scenario-format.md, parsed,
 * defaulted and validated. Only src/scenario sees cJSON; everything else reads this. */
#ifndef SSSIM_SCENARIO_H
#define SSSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/dist.h"
#include "model/k8s_types.h"

struct arena;

/* Why a scenario was refused: enough for "file: $.faults[2].at: expected X, found Y". */
struct scn_error {
    char file[512];
    char path[256];     /* JSON path, e.g. "$.faults[2].at"; "" for whole-file errors */
    char expected[256]; /* what was expected */
    char found[256];    /* what was found ("" if not applicable) */
};
/* Format as one line: "FILE: PATH: expected EXPECTED, found FOUND". */
void scn_error_format(const struct scn_error *e, char *buf, size_t size);

struct scn_node {
    const char *name;
    const char *zone;
    struct resources allocatable; /* default cpu 4, memory 16Gi, pods 110 */
    struct kv *labels;            /* user labels; hostname and zone labels are implied */
    uint32_t nlabels;
    struct taint *taints;
    uint32_t ntaints;
    bool unschedulable;
};

struct scn_container {
    const char *name;
    const char *image;
    struct resources requests;
    struct probe readiness;
};

struct scn_pod_template {
    struct kv *labels;
    uint32_t nlabels;
    struct scn_container *containers;
    uint32_t ncontainers;
    int64_t termination_grace_ns; /* terminationGracePeriodSeconds, default 30 s */
    struct toleration *tolerations;
    uint32_t ntolerations;
    struct kv *node_selector;
    uint32_t nnode_selector;
    const char **zones; /* required node affinity on topology.kubernetes.io/zone (In) */
    uint32_t nzones;
    int32_t priority; /* priority of the pod (graceful shutdown groups); default 0 */
};

struct scn_claim_template {
    const char *name;
    uint32_t access_modes; /* enum access_mode bits */
    int64_t storage_bytes;
    const char *storage_class; /* NULL: the default class */
};

struct scn_statefulset {
    const char *name;
    const char *namespace_; /* default "default" */
    const char *service_name;
    int32_t replicas; /* default 1 */
    enum pod_management pod_management;
    enum update_strategy update_strategy;
    int32_t partition;
    int32_t max_unavailable;  /* absolute, or percent when max_unavailable_percent */
    bool max_unavailable_percent;
    bool max_unavailable_set; /* default 1 when unset */
    int64_t min_ready_ns;     /* minReadySeconds */
    int32_t ordinals_start;
    enum retention when_deleted, when_scaled; /* default Retain/Retain */
    int32_t revision_history_limit;           /* default 10 */
    struct kv *selector;                      /* matchLabels */
    uint32_t nselector;
    struct scn_pod_template template_;
    struct scn_claim_template *claims;
    uint32_t nclaims;
};

struct scn_service {
    const char *name;
    const char *namespace_;
    bool headless; /* clusterIP: None */
};

struct scn_storage_class {
    const char *name;
    enum binding_mode binding;
    const char **zones; /* allowedTopologies on topology.kubernetes.io/zone; none = any */
    uint32_t nzones;
    bool is_default; /* annotation storageclass.kubernetes.io/is-default-class */
};

enum fault_do {
    DO_NODE_CRASH,
    DO_NODE_SHUTDOWN,
    DO_NODE_PARTITION,
    DO_NODE_HEAL,
    DO_NODE_RECOVER,
    DO_NODE_DELETE,
    DO_ZONE_OUTAGE,
    DO_ZONE_RECOVER,
    DO_TAINT,
    DO_UNTAINT,
    DO_CORDON,
    DO_UNCORDON,
    DO_DRAIN,
    DO_POD_DELETE,
    DO_POD_FORCE_DELETE,
    DO_CONTAINER_CRASH,
    DO_SCALE,
    DO_UPDATE_IMAGE,
    DO_VOLUME_LOSS,
    DO_COUNT
};
const char *fault_do_name(enum fault_do d);

struct scn_fault {
    int64_t at;
    enum fault_do what;
    const char *node;         /* a node by name, or NULL */
    const char *hosting;      /* "node": {"hosting": "web-1"}: the node of that pod then */
    const char *zone;         /* zoneOutage, zoneRecover */
    struct taint taint;       /* taint / untaint */
    const char *pod;          /* pod faults */
    const char *container;    /* containerCrash: NULL = the first container */
    int32_t times;            /* containerCrash, default 1 */
    int64_t for_ns;           /* containerCrash "for", 0 if absent */
    const char *statefulset;  /* scale / updateImage */
    int32_t replicas;         /* scale */
    const char *image;        /* updateImage */
    const char *claim;        /* volumeLoss */
    bool has_boot_time;
    struct dist boot_time;    /* nodeRecover/zoneRecover bootTime; else timings.nodeBoot */
};

/* Invariants of the catalogue, as bits. */
enum invariant {
    INV_AT_MOST_ONE_PER_IDENTITY,
    INV_ORDERED_CREATION,
    INV_ORDERED_TERMINATION,
    INV_STABLE_STORAGE,
    INV_SINGLE_ATTACH_RWO,
    INV_UPDATE_ORDER,
    INV_COUNT
};
const char *invariant_name(enum invariant i);
int invariant_from_name(const char *name); /* -1 if unknown */

struct scn_metric_bound {
    const char *metric; /* a name from the summary's metrics (docs/scenario-format.md) */
    int32_t fault;      /* -1 when absent */
    const char *pod;    /* NULL when absent */
    bool has_min, has_max;
    double min, max;
};

struct scn_expect {
    uint32_t invariants; /* bits of enum invariant to check; all by default */
    uint32_t violations; /* bits that must break */
    struct scn_metric_bound *metrics;
    uint32_t nmetrics;
};

/* Kubernetes settings; every field has the upstream default of `version` (docs/defaults.md). */
struct scn_kubernetes {
    const char *version;                /* "1.34" by default; "1.31" selects 40 s grace */
    int64_t node_monitor_grace_ns;      /* 50 s (40 s before v1.32) */
    int64_t node_monitor_period_ns;     /* 5 s */
    int64_t node_startup_grace_ns;      /* 60 s */
    int64_t node_lease_duration_ns;     /* 40 s; renew every 0.25 of it */
    int64_t node_status_update_ns;      /* nodeStatusUpdateFrequency 10 s */
    int64_t not_ready_toleration_s;     /* defaultNotReadyTolerationSeconds 300 */
    int64_t unreachable_toleration_s;   /* defaultUnreachableTolerationSeconds 300 */
    double node_eviction_rate;          /* 0.1 node/s */
    double secondary_node_eviction_rate; /* 0.01 node/s */
    double unhealthy_zone_threshold;    /* 0.55 */
    int32_t large_cluster_size_threshold; /* 50 */
    int64_t pod_gc_period_ns;           /* 20 s */
    int64_t pod_gc_quarantine_ns;       /* 40 s */
    int32_t pod_gc_terminated_threshold; /* 12500 */
    int64_t ad_reconciler_period_ns;    /* 100 ms */
    int64_t max_wait_for_unmount_ns;    /* 6 min */
    bool disable_force_detach_on_timeout; /* false */
    int64_t shutdown_grace_ns;          /* shutdownGracePeriod 0 (feature inactive) */
    int64_t shutdown_grace_critical_ns; /* shutdownGracePeriodCriticalPods 0 */
    int64_t crashloop_initial_ns;       /* 10 s */
    int64_t crashloop_max_ns;           /* 300 s */
    int64_t sched_initial_backoff_ns;   /* 1 s */
    int64_t sched_max_backoff_ns;       /* 10 s */
    int64_t sched_unschedulable_flush_ns; /* 5 min */
    bool gate_max_unavailable_statefulset; /* featureGates.MaxUnavailableStatefulSet, false */
    bool taint_eviction_broken;         /* the v1.19-1.20 "no NoExecute taint" quirk, false */
};

/* Latencies of the world; defaults in docs/defaults.md. */
struct scn_timings {
    struct dist watch;           /* informer delay between a write and a controller seeing it */
    struct dist schedule;        /* 50 ms */
    struct dist provision;       /* 2 s */
    struct dist attach;          /* lognormal median 8 s sigma 0.4 */
    struct dist detach;          /* lognormal median 5 s sigma 0.4 */
    struct dist mount;           /* 1 s */
    struct dist unmount;         /* 500 ms */
    struct dist image_pull;      /* 3 s (when the node lacks the image) */
    struct dist container_start; /* 1 s */
    struct dist app_startup;     /* 0 s: time after start until readiness can pass */
    struct dist app_shutdown;    /* 2 s: time from SIGTERM to exit */
    struct dist node_boot;       /* 60 s: nodeRecover boot time */
};

/* Fill k with the upstream defaults of version (a string the loader accepts; NULL: "1.34"). */
void scenario_kubernetes_defaults(struct scn_kubernetes *k, const char *version);
/* Fill t with the default latencies of the timings block (the loader's). */
void scenario_timing_defaults(struct scn_timings *t);

struct scenario {
    struct arena *arena; /* owns every string below */
    const char *file;
    const char *name;
    const char *description;
    uint64_t seed;
    int64_t until; /* default 40m */
    uint64_t max_events; /* default 50,000,000 */
    struct scn_node *nodes;
    uint32_t nnodes;
    struct scn_kubernetes k8s;
    struct scn_timings timings;
    struct scn_statefulset *statefulsets;
    uint32_t nstatefulsets;
    struct scn_service *services;
    uint32_t nservices;
    struct scn_storage_class *storage_classes;
    uint32_t nstorage_classes;
    struct scn_fault *faults;
    uint32_t nfaults;
    struct scn_expect expect;
    const char **ignored; /* JSON paths accepted but not modelled, each once */
    uint32_t nignored;
    const char **warnings; /* e.g. a serviceName naming no Service */
    uint32_t nwarnings;
};

/* A PATH=VALUE override applied to the JSON before it is read (sssim sweep --set).
 * PATH is dotted from the top ("kubernetes.nodeMonitorGracePeriod",
 * "objects[0].spec.replicas"); VALUE is JSON if it parses as JSON, else a string. */
struct scn_override {
    const char *path;
    const char *value;
};

/* Load and validate a scenario file. Returns NULL and fills *err on any error.
 * The result is immutable afterwards and may be shared by threads. */
struct scenario *scenario_load(const char *file, const struct scn_override *overrides,
                               size_t noverrides, struct scn_error *err);
/* Same, from a buffer; `file` names it in errors. */
struct scenario *scenario_parse(const char *file, const char *json, size_t len,
                                const struct scn_override *overrides, size_t noverrides,
                                struct scn_error *err);
void scenario_free(struct scenario *s);

/* Names of the metrics that expect.metrics may bound. */
extern const char *const scn_metric_names[];
extern const size_t scn_metric_count;

#endif
