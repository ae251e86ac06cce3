/* The taint-eviction controller (upstream pkg/controller/tainteviction): pods on a node
 * with NoExecute taints are deleted after the smallest matching tolerationSeconds. */
#ifndef SSSIM_TAINTEVICTION_H
#define SSSIM_TAINTEVICTION_H

#include "sim/sim.h"

struct taint_eviction *tec_new(struct sim *sim);
void tec_free(struct taint_eviction *t);
void tec_start(struct sim *sim);
void tec_on_event(struct sim *sim, const struct event *ev);
void tec_on_change(void *sim, const struct change *c);

#endif
