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

/* True when toleration t tolerates taint k (upstream ToleratesTaint,
 * staging/src/k8s.io/api/core/v1/toleration.go). */
bool toleration_matches(const struct toleration *t, const struct taint *k);
const char *taint_effect_name(enum taint_effect e);
/* Parse "key=value:Effect" or "key:Effect"; pointers into *buf (modified in place). */
int taint_parse(char *buf, struct taint *out, const char **why);

#endif
