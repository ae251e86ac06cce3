/* Latency distributions of the scenario format, sampled with GSL. */
#ifndef SSSIM_DIST_H
#define SSSIM_DIST_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

enum dist_kind {
    DIST_CONSTANT,
    DIST_UNIFORM,
    DIST_EXPONENTIAL,
    DIST_LOGNORMAL,
    DIST_GAMMA,
    DIST_WEIBULL,
    DIST_EMPIRICAL,
};

/* All durations in nanoseconds. Which fields matter depends on kind:
 * constant: value; uniform: min, max; exponential: mean; lognormal: median, sigma;
 * gamma: shape, mean; weibull: shape, scale; empirical: samples[n]. */
struct dist {
    enum dist_kind kind;
    int64_t value, min, max, mean, median, scale;
    double sigma, shape;
    int64_t *samples; /* owned; empirical only */
    uint32_t nsamples;
};

static inline struct dist dist_constant(int64_t ns)
{
    struct dist d = {.kind = DIST_CONSTANT, .value = ns};
    return d;
}

/* Draw one latency, clamped to [0, 1e6 s]: a latency is never negative. */
int64_t dist_sample(const struct dist *d, gsl_rng *r);
/* The distribution's mean in nanoseconds (analytic), for tests and docs. */
double dist_mean(const struct dist *d);
/* Deep copy (samples duplicated) and release. */
void dist_copy(struct dist *dst, const struct dist *src);
void dist_fini(struct dist *d);
const char *dist_kind_name(enum dist_kind k);

#endif
