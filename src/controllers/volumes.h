/* Storage control plane besides attach/detach: the provisioner (PVC → PV, Immediate or
 * WaitForFirstConsumer), the pvc-protection finalizer (a claim in use is not removed) and
 * the garbage collector of claims owned by deleted pods or sets (retention policy). */
#ifndef SSSIM_VOLUMES_H
#define SSSIM_VOLUMES_H

#include "sim/sim.h"

struct volumes *volumes_new(struct sim *sim);
void volumes_free(struct volumes *v);
void volumes_start(struct sim *sim);
void volumes_on_event(struct sim *sim, const struct event *ev);
void volumes_on_change(void *sim, const struct change *c);
/* WaitForFirstConsumer: the scheduler chose `node` for a pod whose claim `pvc` is
 * unbound; provision in the node's zone and bind (after timings.provision). */
void volumes_provision_for_node(struct sim *sim, uint32_t pvc, uint32_t node);

#endif
