/* Names of the scenario format's enums (fault kinds, invariants, metrics) and the one-line
 * rendering of a scenario error. */
#include "scenario/scenario.h"

#include <stdio.h>
#include <string.h>

const char *fault_do_name(enum fault_do d)
{
    /* The JSON spelling of `do`; the loader reads faults through this table too, so a
     * kind added here is a kind the format accepts. */
    static const char *const names[DO_COUNT] = {
        [DO_NODE_CRASH] = "nodeCrash",
        [DO_NODE_SHUTDOWN] = "nodeShutdown",
        [DO_NODE_PARTITION] = "nodePartition",
        [DO_NODE_HEAL] = "nodeHeal",
        [DO_NODE_RECOVER] = "nodeRecover",
        [DO_NODE_DELETE] = "nodeDelete",
        [DO_ZONE_OUTAGE] = "zoneOutage",
        [DO_ZONE_RECOVER] = "zoneRecover",
        [DO_TAINT] = "taint",
        [DO_UNTAINT] = "untaint",
        [DO_CORDON] = "cordon",
        [DO_UNCORDON] = "uncordon",
        [DO_DRAIN] = "drain",
        [DO_POD_DELETE] = "podDelete",
        [DO_POD_FORCE_DELETE] = "podForceDelete",
        [DO_CONTAINER_CRASH] = "containerCrash",
        [DO_SCALE] = "scale",
        [DO_UPDATE_IMAGE] = "updateImage",
        [DO_VOLUME_LOSS] = "volumeLoss",
    };
    if ((unsigned)d >= DO_COUNT)
        return "?";
    return names[d];
}

static const char *const invariant_names[INV_COUNT] = {
    [INV_AT_MOST_ONE_PER_IDENTITY] = "atMostOnePerIdentity",
    [INV_ORDERED_CREATION] = "orderedCreation",
    [INV_ORDERED_TERMINATION] = "orderedTermination",
    [INV_STABLE_STORAGE] = "stableStorage",
    [INV_SINGLE_ATTACH_RWO] = "singleAttachRWO",
    [INV_UPDATE_ORDER] = "updateOrder",
};

const char *invariant_name(enum invariant i)
{
    if ((unsigned)i >= INV_COUNT)
        return "?";
    return invariant_names[i];
}

int invariant_from_name(const char *name)
{
    for (int i = 0; i < INV_COUNT; i++)
        if (strcmp(invariant_names[i], name) == 0)
            return i;
    return -1;
}

/* The order is part of the loader's contract: the first seven are per fault, the next five
 * per pod, the last three per run (load.c classifies a metric by its index here). */
const char *const scn_metric_names[] = {
    /* per fault */
    "recoverySeconds",
    "timeToDeletionRequest",
    "timeToReplacementCreated",
    "timeToReplacementScheduled",
    "timeToReplacementAttached",
    "timeToReplacementReady",
    "multiAttachWaitSeconds",
    /* per pod */
    "downtimeSeconds",
    "createdAt",
    "readyAt",
    "restarts",
    "incarnations",
    /* per run */
    "fullReadySeconds",
    "events",
    "violations",
};
const size_t scn_metric_count = sizeof(scn_metric_names) / sizeof(scn_metric_names[0]);

void scn_error_format(const struct scn_error *e, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    size_t n = 0;
    /* Each piece is appended only while there is room; snprintf truncates the last one. */
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (n < size) {                                                                            \
            int w = snprintf(buf + n, size - n, __VA_ARGS__);                                      \
            if (w > 0)                                                                             \
                n += (size_t)w;                                                                    \
        }                                                                                          \
    } while (0)
    if (e->file[0] != '\0')
        APPEND("%s: ", e->file);
    if (e->path[0] != '\0')
        APPEND("%s: ", e->path);
    if (e->expected[0] != '\0') {
        APPEND("expected %s", e->expected);
        if (e->found[0] != '\0')
            APPEND(", found %s", e->found);
    } else if (e->found[0] != '\0') {
        APPEND("found %s", e->found);
    }
#undef APPEND
    /* Drop a dangling ": " when there was nothing after the file or path. */
    if (n < size && n >= 2 && buf[n - 2] == ':' && buf[n - 1] == ' ')
        buf[n - 2] = '\0';
}
