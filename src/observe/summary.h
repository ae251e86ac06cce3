/* The summary document of a run (docs/scenario-format.md, "Summary"): the contract that
 * scripts, checks and plots read. */
#ifndef SSSIM_SUMMARY_H
#define SSSIM_SUMMARY_H

#include "observe/history.h"
#include "util/util.h"

/* Append the summary JSON of a finished run. */
void summary_build(const struct history *h, struct strbuf *out);
/* A figure by metric name (scn_metric_names) for expect.metrics: fault index or pod name
 * as the metric needs. Returns 0 and sets *value (NAN when the moment never came), or -1
 * when the metric does not apply (e.g. a fault index out of range). */
int summary_metric(const struct history *h, const char *metric, int32_t fault, const char *pod,
                   double *value);
/* A stable UID for a pod id. */
void summary_uid(uint32_t pod, char buf[37]);

#endif
