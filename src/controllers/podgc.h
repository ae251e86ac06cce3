/* The pod garbage collector (upstream pkg/controller/podgc): terminated-pod threshold,
 * out-of-service force deletion, orphans of deleted nodes after a quarantine. */
#ifndef SSSIM_PODGC_H
#define SSSIM_PODGC_H

#include "sim/sim.h"

struct podgc *podgc_new(struct sim *sim);
void podgc_free(struct podgc *g);
void podgc_start(struct sim *sim);
void podgc_on_event(struct sim *sim, const struct event *ev);
void podgc_on_change(void *sim, const struct change *c);

#endif
