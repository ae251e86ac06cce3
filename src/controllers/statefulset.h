/* The StatefulSet controller (upstream pkg/controller/statefulset): a work queue of sets,
 * and the sync pass of stateful_set_control.go run on the store. */
#ifndef SSSIM_STATEFULSET_H
#define SSSIM_STATEFULSET_H

#include "sim/sim.h"

struct sts_ctrl *sts_new(struct sim *sim);
void sts_free(struct sts_ctrl *c);
void sts_start(struct sim *sim);
void sts_on_event(struct sim *sim, const struct event *ev);
void sts_prefetch(const struct sim *sim, const struct event *ev);
void sts_on_change(void *sim, const struct change *c);
/* Enqueue a set for a sync after the informer delay (deduplicated, as the work queue). */
void sts_enqueue(struct sim *sim, uint32_t sts);
/* One sync pass now (UpdateStatefulSet); exposed for unit tests. */
void sts_sync(struct sim *sim, uint32_t sts);
/* Why the set is not progressing, for the report and narration ("" when it is not
 * blocked): e.g. "waiting for web-1 to terminate". */
const char *sts_blocked_reason(const struct sim *sim, uint32_t sts);

#endif
