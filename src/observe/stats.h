/* Summary statistics of a sample (GSL): n, mean, stddev, min, quantiles, max, and a 95%
 * confidence interval of the mean (Student's t). Values that never came (NaN) are counted
 * apart as `never`. */
#ifndef SSSIM_STATS_H
#define SSSIM_STATS_H

#include <stddef.h>

#include "util/util.h"

struct stats {
    size_t n;     /* finite values */
    size_t never; /* NaN values: the moment never came */
    double mean, stddev, min, p50, p90, p99, max, ci_lo, ci_hi;
};

/* Compute over values[0..count) (reordered in place). */
void stats_compute(double *values, size_t count, struct stats *out);
/* Append as a JSON object. */
void stats_json(const struct stats *s, struct strbuf *out);

#endif
