/* The node lifecycle controller (upstream pkg/controller/nodelifecycle): node health from
 * Lease renewals, Ready=Unknown after the grace period, MarkPodsNotReady, NoSchedule and
 * rate-limited NoExecute taints per zone, zone disruption states. */
#ifndef SSSIM_NODELIFECYCLE_H
#define SSSIM_NODELIFECYCLE_H

#include "sim/sim.h"

struct nodelifecycle *nlc_new(struct sim *sim);
void nlc_free(struct nodelifecycle *n);
void nlc_start(struct sim *sim);
void nlc_on_event(struct sim *sim, const struct event *ev);
void nlc_on_change(void *sim, const struct change *c);
/* Zone state name for the report: "Normal", "PartialDisruption", "FullDisruption". */
const char *nlc_zone_state(const struct sim *sim, uint32_t zone);

/* Zone states (upstream ZoneState); CH_ZONE_STATE carries the new one in `a`, the old in `b`.
 * Initial is the state of a zone the controller has not passed over yet. */
enum nlc_zone_kind {
    NLC_ZONE_INITIAL,
    NLC_ZONE_NORMAL,
    NLC_ZONE_PARTIAL_DISRUPTION,
    NLC_ZONE_FULL_DISRUPTION,
};
/* "Initial", "Normal", "PartialDisruption", "FullDisruption". */
const char *nlc_zone_kind_name(enum nlc_zone_kind k);

#endif
