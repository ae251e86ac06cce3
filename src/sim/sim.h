/* The simulation context: one run of one scenario with one seed. It owns the clock, the
 * event queue, the random streams, the store and every controller; nothing is global,
 * so replications run in threads with one context each. */
#ifndef SSSIM_SIM_H
#define SSSIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/dist.h"
#include "engine/queue.h"
#include "engine/rng.h"
#include "engine/simtime.h"
#include "model/store.h"
#include "scenario/scenario.h"

/* Modules that receive events; the table in sim.c maps each to its handler. */
enum sim_module {
    MOD_STS,      /* controllers/statefulset.c */
    MOD_SCHED,    /* controllers/scheduler.c */
    MOD_KUBELET,  /* controllers/kubelet.c */
    MOD_NLC,      /* controllers/nodelifecycle.c */
    MOD_TAINT,    /* controllers/tainteviction.c */
    MOD_PODGC,    /* controllers/podgc.c */
    MOD_ADC,      /* controllers/attachdetach.c */
    MOD_VOLUMES,  /* controllers/volumes.c: provisioner, pvc-protection, claim GC */
    MOD_FAULTS,   /* controllers/faults.c: the scenario timeline */
    MOD_COUNT
};

/* Test-only switches that break one controller rule on purpose, so the invariant checks
 * can be shown to catch it (issue: "mutation check"). All off unless a test sets them
 * through the SSSIM_TEST_MUTATION environment variable, read by the CLI only. */
enum sim_mutation {
    MUT_STS_IGNORE_ORDER = 1u << 0,    /* OrderedReady creates without waiting for Ready */
    MUT_STS_SCALE_DOWN_LOW = 1u << 1,  /* scale-down deletes the lowest condemned first */
    MUT_STS_NO_AT_MOST_ONE = 1u << 2,  /* replaces a terminating pod without waiting */
    MUT_ADC_MULTI_ATTACH = 1u << 3,    /* attaches RWO volumes to a second node */
    MUT_STS_UPDATE_LOW_FIRST = 1u << 4, /* rolling update from the lowest ordinal */
    MUT_STS_WRONG_CLAIM = 1u << 5,     /* gives a pod its neighbour's claim */
    MUT_STS_UPDATE_NO_WAIT = 1u << 6,  /* rolling update passes an unhealthy pod above */
};

struct sim_options {
    uint64_t seed;       /* overrides the scenario's when has_seed */
    bool has_seed;
    int64_t until;       /* overrides the scenario's when has_until */
    bool has_until;
    uint32_t mutations;  /* enum sim_mutation bits */
};

struct sts_ctrl;
struct scheduler;
struct kubelets;
struct nodelifecycle;
struct taint_eviction;
struct podgc;
struct attachdetach;
struct volumes;
struct faults;

struct sim {
    const struct scenario *scn;
    uint64_t seed;
    int64_t now;
    int64_t until;
    uint64_t max_events;
    uint64_t events;    /* events dispatched */
    bool hit_event_cap; /* the run stopped at max_events */
    uint32_t mutations;
    /* The module whose event (or start hook) is running: who made the current writes.
     * Observers use it to tell the StatefulSet controller's deletions from an operator's. */
    enum sim_module actor;
    struct queue *q;
    struct rng_set rng;
    struct store *store;

    struct sts_ctrl *sts;
    struct scheduler *sched;
    struct kubelets *kubelets;
    struct nodelifecycle *nlc;
    struct taint_eviction *tec;
    struct podgc *podgc;
    struct attachdetach *adc;
    struct volumes *volumes;
    struct faults *faults;
};

/* Build a run: store, controllers, random streams. Attach observers with store_watch()
 * on sim->store after this and before sim_run(). */
struct sim *sim_new(const struct scenario *scn, const struct sim_options *opt);
void sim_free(struct sim *sim);
/* Start every controller and run until the queue is empty, `until` is passed or the event
 * cap is hit. Emits CH_RUN_END at the end. */
void sim_run(struct sim *sim);

/* Schedule an event for `module` after `delay` (>= 0) or at `time` (>= now). */
uint64_t sim_after(struct sim *sim, int64_t delay, enum sim_module module, uint16_t kind,
                   uint32_t a, uint32_t b, uint32_t c);
uint64_t sim_at(struct sim *sim, int64_t time, enum sim_module module, uint16_t kind,
                uint32_t a, uint32_t b, uint32_t c);
static inline bool sim_cancel(struct sim *sim, uint64_t handle)
{
    return handle != QUEUE_NO_EVENT && queue_cancel(sim->q, handle);
}
/* A latency drawn from `d` on stream `s`. */
int64_t sim_sample(struct sim *sim, const struct dist *d, enum rng_stream s);
/* The informer delay between a write and a controller acting on it (timings.watch). */
int64_t sim_watch_delay(struct sim *sim);
/* A uniform phase in [0, period) on the phase stream: where a periodic loop's ticks fall. */
int64_t sim_phase(struct sim *sim, int64_t period);
static inline bool sim_mutated(const struct sim *sim, enum sim_mutation m)
{
    return (sim->mutations & m) != 0;
}

#endif
