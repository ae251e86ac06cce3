/* Small Kubernetes value types: toleration matching and taint parsing. */
#include "model/k8s_types.h"

#include <string.h>

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
