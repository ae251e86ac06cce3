/* Small Kubernetes value types shared by the scenario loader and the object model:
 * resources, labels, taints, tolerations, probes and the enums behind them. */
#ifndef SSSIM_K8S_TYPES_H
#define SSSIM_K8S_TYPES_H

#include <stdbool.h>
#include <stdint.h>

enum taint_effect {
    EFFECT_NONE = 0, /* in a toleration: matches every effect */
    EFFECT_NO_SCHEDULE,
    EFFECT_PREFER_NO_SCHEDULE,
    EFFECT_NO_EXECUTE,
};

enum toleration_op { TOL_EQUAL, TOL_EXISTS };

enum access_mode {
    ACCESS_RWO = 1 << 0,  /* ReadWriteOnce */
    ACCESS_ROX = 1 << 1,  /* ReadOnlyMany */
    ACCESS_RWX = 1 << 2,  /* ReadWriteMany */
    ACCESS_RWOP = 1 << 3, /* ReadWriteOncePod */
};

enum pod_management { POD_MGMT_ORDERED_READY, POD_MGMT_PARALLEL };
enum update_strategy { UPDATE_ROLLING, UPDATE_ON_DELETE };
enum retention { RETAIN, DELETE };
enum binding_mode { BIND_IMMEDIATE, BIND_WAIT_FOR_FIRST_CONSUMER };

struct resources {
    int64_t cpu_milli;
    int64_t memory_bytes;
    int64_t pods;
};

struct kv {
    const char *key;
    const char *value;
};

struct taint {
    const char *key;
    const char *value; /* "" when absent */
    enum taint_effect effect;
};

struct toleration {
    const char *key; /* "" with TOL_EXISTS matches every key */
    enum toleration_op op;
    const char *value;
    enum taint_effect effect; /* EFFECT_NONE matches all effects */
    bool has_seconds;
    int64_t seconds; /* tolerationSeconds; <= 0 means evict at once */
};

/* readinessProbe timing (what the simulator needs of it). */
struct probe {
    bool present;
    int64_t initial_delay_ns; /* initialDelaySeconds, default 0 */
    int64_t period_ns;        /* periodSeconds, default 10 */
    int64_t timeout_ns;       /* timeoutSeconds, default 1 */
    int32_t success_threshold; /* default 1 */
    int32_t failure_threshold; /* default 3 */
};

/* The well-known taint keys of the node lifecycle controller, kube-scheduler and the
 * node shutdown flow (staging/src/k8s.io/api/core/v1/well_known_taints.go), each one
 * string of the program. The store keeps these pointers for taints with such a key, so
 * that two well-known keys compare by address (taint_key_eq): the node lifecycle pass
 * compares keys for every node it visits. */
enum well_known_taint {
    TK_NOT_READY,
    TK_UNREACHABLE,
    TK_UNSCHEDULABLE,
    TK_NETWORK_UNAVAILABLE,
    TK_MEMORY_PRESSURE,
    TK_DISK_PRESSURE,
    TK_PID_PRESSURE,
    TK_OUT_OF_SERVICE,
    TK_COUNT
};
extern const char k8s_taint_keys[TK_COUNT][48];
#define TAINT_NOT_READY (k8s_taint_keys[TK_NOT_READY])
#define TAINT_UNREACHABLE (k8s_taint_keys[TK_UNREACHABLE])
#define TAINT_UNSCHEDULABLE (k8s_taint_keys[TK_UNSCHEDULABLE])
#define TAINT_OUT_OF_SERVICE (k8s_taint_keys[TK_OUT_OF_SERVICE])
/* The well-known string equal to key, or NULL. */
const char *taint_key_known(const char *key);
/* strcmp(a, b) == 0, by address when both are well-known keys. */
bool taint_key_eq(const char *a, const char *b);

/* True when toleration t tolerates taint k (upstream ToleratesTaint,
 * staging/src/k8s.io/api/core/v1/toleration.go). */
bool toleration_matches(const struct toleration *t, const struct taint *k);
const char *taint_effect_name(enum taint_effect e);
/* Parse "key=value:Effect" or "key:Effect"; pointers into *buf (modified in place). */
int taint_parse(char *buf, struct taint *out, const char **why);

#endif
