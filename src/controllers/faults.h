/* The scenario's timeline: faults of the world and operator actions, applied at their
 * moments through the same store writes and kubelet calls the real actors would make. */
#ifndef SSSIM_FAULTS_H
#define SSSIM_FAULTS_H

#include "sim/sim.h"

struct faults *faults_new(struct sim *sim);
void faults_free(struct faults *f);
void faults_start(struct sim *sim);
void faults_on_event(struct sim *sim, const struct event *ev);

/* Each fault emits CH_FAULT (kind KIND_FAULT) before it acts: obj = its index, node = the
 * node it resolved to (NONE_ID if none), a = its enum fault_do, b = 1 when it applies, 0
 * when it could not resolve (the record's note says why); text "nodeCrash node-b (hosting
 * web-1)" when store_wants_text(). */

/* What happened at a fault (for the summary): the node it resolved to and the pods it
 * affected at that moment. Valid after the fault ran; node NONE_ID if none. */
struct fault_record {
    bool applied;
    int64_t at;
    uint32_t node;
    uint32_t *pods; /* affected pod ids (objects at that moment) */
    uint32_t npods, pods_cap;
    const char *note; /* why it could not apply, e.g. "web-1 is not on any node" */
};
const struct fault_record *faults_record(const struct sim *sim, uint32_t index);

#endif
