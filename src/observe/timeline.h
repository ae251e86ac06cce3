/* The timeline of a run: for each StatefulSet identity (web-0, web-1 ...) and each of its
 * incarnations (Pod objects), the phases it went through and when, on which node; and the
 * faults and operator actions as labelled instants. Kept from the change stream by a
 * read-only observer; the source of the timeline plot (observe/plot.h).
 *
 * The timeline copies every name it keeps, so it stays readable after sim_free. */
#ifndef SSSIM_TIMELINE_H
#define SSSIM_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

/* The phases shown on a bar, in the order a healthy pod goes through them. */
enum tl_phase {
    TL_PENDING,      /* created, not yet bound to a node */
    TL_ATTACHING,    /* bound; waiting for its volumes to be attached on the node */
    TL_MULTI_ATTACH, /* bound; attach refused: the volume is still attached elsewhere */
    TL_CREATING,     /* volumes attached; mount, image pull, container start */
    TL_NOT_READY,    /* ran at least once; now not Ready, or its containers are dead */
    TL_READY,        /* containers live and the API shows it Ready */
    TL_TERMINATING,  /* deletion requested, object not gone yet */
    TL_PHASE_COUNT
};
/* "Pending", "Attaching", "Multi-Attach wait", "ContainerCreating", "Running-not-Ready",
 * "Ready", "Terminating". */
const char *tl_phase_name(enum tl_phase p);

/* One stretch of one phase; end is TIME_NEVER while open. */
struct tl_segment {
    int64_t start, end;
    enum tl_phase phase;
};

/* One Pod object (one UID) of an identity. */
struct tl_incarnation {
    uint32_t pod;
    uint32_t node_id; /* the node it was bound to; NONE_ID if never bound */
    const char *node; /* its name; NULL if never bound */
    int64_t start;    /* creation */
    int64_t end;      /* the object left the API, or the end of the run; TIME_NEVER while open */
    struct tl_segment *segs;
    uint32_t nsegs, segs_cap;
    /* What the observer has seen so far; the phase is derived from these. */
    bool scheduled, attached, multi_attach, ran, terminating, ended;
};

/* One StatefulSet identity: one row of the plot. */
struct tl_row {
    uint32_t sts;
    int32_t ordinal;
    const char *name; /* the pod name, "web-1" */
    struct tl_incarnation *incs;
    uint32_t nincs, incs_cap;
};

/* A fault or operator action of the scenario's timeline. */
struct tl_mark {
    int64_t at;
    uint32_t fault;    /* index in scenario.faults */
    bool applied;      /* false when it could not apply (e.g. no node hosted the pod) */
    const char *label; /* "#0 nodeCrash node-b" */
};

struct timeline {
    struct sim *sim; /* only during the run; not read after CH_RUN_END */
    const char *scenario;
    uint64_t seed;
    int64_t end;         /* the end of the run, TIME_NEVER until it ended */
    struct tl_row *rows; /* in order of first appearance; see timeline_sorted_rows */
    uint32_t nrows, rows_cap;
    struct tl_mark *marks;
    uint32_t nmarks, marks_cap;
    /* pod id -> row and incarnation index (NONE_ID when the pod is not a set's) */
    uint32_t *pod_row, *pod_inc;
    uint32_t npods, pods_cap;
    struct arena *arena;
};

/* Start recording; registers a store watcher. Call after sim_new, before sim_run. */
struct timeline *timeline_new(struct sim *sim);
void timeline_free(struct timeline *tl);
/* Close every open segment at `now`. Done by the observer at CH_RUN_END; callers that stop
 * a run another way call it themselves. Idempotent. */
void timeline_close(struct timeline *tl, int64_t now);
/* Row indexes ordered by StatefulSet, then ordinal; out[] must hold tl->nrows entries. */
void timeline_sorted_rows(const struct timeline *tl, uint32_t *out);
/* How long identity `row` was without a Ready Pod from `from` to the end of the closed
 * timeline: no Pod object, or one in any phase but Ready. */
int64_t timeline_not_ready(const struct timeline *tl, uint32_t row, int64_t from);

#endif
