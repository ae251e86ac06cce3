/* kube-scheduler: filters (resources, taints, nodeSelector, zone affinity of the pod and
 * of its volumes, cordon), a score, binding, and back-off for pods that fit nowhere. */
#ifndef SSSIM_SCHEDULER_H
#define SSSIM_SCHEDULER_H

#include "sim/sim.h"

struct scheduler *sched_new(struct sim *sim);
void sched_free(struct scheduler *s);
void sched_start(struct sim *sim);
void sched_on_event(struct sim *sim, const struct event *ev);
void sched_prefetch(const struct sim *sim, const struct event *ev);
void sched_on_change(void *sim, const struct change *c);

#endif
