/* The attach/detach controller and the CSI driver behind it (upstream
 * pkg/controller/volume/attachdetach): desired vs actual state, attach with latency,
 * Multi-Attach refusal for ReadWriteOnce, detach after unmount, out-of-service, or the
 * 6-minute force detach from an unhealthy node. */
#ifndef SSSIM_ATTACHDETACH_H
#define SSSIM_ATTACHDETACH_H

#include "sim/sim.h"

struct attachdetach *adc_new(struct sim *sim);
void adc_free(struct attachdetach *a);
void adc_start(struct sim *sim);
void adc_on_event(struct sim *sim, const struct event *ev);
void adc_prefetch(const struct sim *sim, const struct event *ev);
void adc_on_change(void *sim, const struct change *c);
/* Time the pod has waited on a Multi-Attach error (for metrics), 0 if none; TIME_NEVER
 * while a wait is still open (it has not ended yet). */
int64_t adc_multi_attach_wait(const struct sim *sim, uint32_t pod);

#endif
