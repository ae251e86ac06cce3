/* Small Kubernetes value types: toleration matching and taint parsing. */
#include "model/k8s_types.h"

#include <stdint.h>
#include <string.h>

const char k8s_taint_keys[TK_COUNT][48] = {
    [TK_NOT_READY] = "node.kubernetes.io/not-ready",
    [TK_UNREACHABLE] = "node.kubernetes.io/unreachable",
    [TK_UNSCHEDULABLE] = "node.kubernetes.io/unschedulable",
    [TK_NETWORK_UNAVAILABLE] = "node.kubernetes.io/network-unavailable",
    [TK_MEMORY_PRESSURE] = "node.kubernetes.io/memory-pressure",
    [TK_DISK_PRESSURE] = "node.kubernetes.io/disk-pressure",
    [TK_PID_PRESSURE] = "node.kubernetes.io/pid-pressure",
    [TK_OUT_OF_SERVICE] = "node.kubernetes.io/out-of-service",
};

/* A pointer into the table is one of its strings: nothing else points inside it. */
static bool is_known(const char *key)
{
    return (uintptr_t)key - (uintptr_t)k8s_taint_keys < sizeof k8s_taint_keys;
}

const char *taint_key_known(const char *key)
{
    for (int i = 0; i < TK_COUNT; i++)
        if (strcmp(key, k8s_taint_keys[i]) == 0)
            return k8s_taint_keys[i];
    return NULL;
}

bool taint_key_eq(const char *a, const char *b)
{
    if (a == b)
        return true;
    if (is_known(a) && is_known(b))
        return false;
    return strcmp(a, b) == 0;
}

bool toleration_matches(const struct toleration *t, const struct taint *k)
{
    /* Upstream Toleration.ToleratesTaint: effect must match unless the toleration's is
     * empty; an empty key with Exists matches all taints. */
    if (t->effect != EFFECT_NONE && t->effect != k->effect)
        return false;
    if (t->key[0] != '\0' && strcmp(t->key, k->key) != 0)
        return false;
    if (t->op == TOL_EXISTS)
        return true;
    return strcmp(t->value ? t->value : "", k->value ? k->value : "") == 0;
}

const char *taint_effect_name(enum taint_effect e)
{
    static const char *const names[] = {
        [EFFECT_NONE] = "",
        [EFFECT_NO_SCHEDULE] = "NoSchedule",
        [EFFECT_PREFER_NO_SCHEDULE] = "PreferNoSchedule",
        [EFFECT_NO_EXECUTE] = "NoExecute",
    };
    return names[e];
}

int taint_parse(char *buf, struct taint *out, const char **why)
{
    char *colon = strrchr(buf, ':');
    if (colon == NULL) {
        *why = "a taint \"key=value:Effect\" (no ':Effect' found)";
        return -1;
    }
    *colon = '\0';
    const char *eff = colon + 1;
    if (strcmp(eff, "NoSchedule") == 0)
        out->effect = EFFECT_NO_SCHEDULE;
    else if (strcmp(eff, "PreferNoSchedule") == 0)
        out->effect = EFFECT_PREFER_NO_SCHEDULE;
    else if (strcmp(eff, "NoExecute") == 0)
        out->effect = EFFECT_NO_EXECUTE;
    else {
        *why = "an effect of NoSchedule, PreferNoSchedule or NoExecute";
        return -1;
    }
    char *eq = strchr(buf, '=');
    if (eq) {
        *eq = '\0';
        out->value = eq + 1;
    } else {
        out->value = "";
    }
    out->key = buf;
    if (buf[0] == '\0') {
        *why = "a non-empty taint key";
        return -1;
    }
    return 0;
}
