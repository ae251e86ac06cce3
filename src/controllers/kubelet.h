/* The kubelets, one per node, and the machines they run on: lease, node status
 * (volumesInUse), pod admission, volume mount, image pull, container start, readiness
 * probes, graceful termination, CrashLoopBackOff; and what faults do to a machine. */
#ifndef SSSIM_KUBELET_H
#define SSSIM_KUBELET_H

#include "sim/sim.h"

struct kubelets *kubelet_new(struct sim *sim);
void kubelet_free(struct kubelets *k);
void kubelet_start(struct sim *sim);
void kubelet_on_event(struct sim *sim, const struct event *ev);
void kubelet_prefetch(const struct sim *sim, const struct event *ev);
void kubelet_on_change(void *sim, const struct change *c);

/* What the world and the operator do to a node (called by the fault timeline). */
void kubelet_crash(struct sim *sim, uint32_t node);     /* power off, no warning */
void kubelet_shutdown(struct sim *sim, uint32_t node);  /* graceful node shutdown */
void kubelet_partition(struct sim *sim, uint32_t node); /* cut from the API server */
void kubelet_heal(struct sim *sim, uint32_t node);
void kubelet_recover(struct sim *sim, uint32_t node, int64_t boot_ns); /* boot again */
/* The container of `pod` exits non-zero now; with times > 1 it also fails right after
 * each of its next times-1 starts; with for_ns > 0 it fails on every start until then. */
void kubelet_container_crash(struct sim *sim, uint32_t pod, uint32_t times, int64_t for_ns);
/* The volume under a running pod vanished (volumeLoss). */
void kubelet_volume_lost(struct sim *sim, uint32_t pv);

/* True while the machine is powered and its kubelet runs (partitioned or not). */
bool kubelet_machine_up(const struct sim *sim, uint32_t node);
/* True while the kubelet can reach the API server. */
bool kubelet_connected(const struct sim *sim, uint32_t node);
/* Where the node's status loop ticks (phase + k * nodeStatusUpdateFrequency); moves to
 * the boot time when the kubelet starts again. For tests and narration. */
int64_t kubelet_status_phase(const struct sim *sim, uint32_t node);

#endif
