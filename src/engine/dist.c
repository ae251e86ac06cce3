#include "engine/dist.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "engine/simtime.h"
#include "util/util.h"

#define MAX_SAMPLE_NS (INT64_C(1000000) * NS_PER_SEC) /* 1e6 s, about 11.6 days */

static int64_t clamp_ns(int64_t ns)
{
    if (ns < 0)
        return 0;
    return ns > MAX_SAMPLE_NS ? MAX_SAMPLE_NS : ns;
}

/* Distributions are sampled in seconds as doubles (the scale GSL's parameters are natural
 * in) and rounded to whole nanoseconds. The clamp comes before the conversion so that a
 * huge or NaN draw cannot overflow int64_t. */
static int64_t sec_to_ns(double sec)
{
    if (!(sec > 0))
        return 0;
    if (sec >= 1e6)
        return MAX_SAMPLE_NS;
    return llround(sec * 1e9);
}

int64_t dist_sample(const struct dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        /* No draw at all: a constant timing must not shift the draws that follow it. */
        return clamp_ns(d->value);
    case DIST_UNIFORM:
        return sec_to_ns(gsl_ran_flat(r, ns_to_sec(d->min), ns_to_sec(d->max)));
    case DIST_EXPONENTIAL:
        return sec_to_ns(gsl_ran_exponential(r, ns_to_sec(d->mean)));
    case DIST_LOGNORMAL:
        /* The median of a lognormal is exp(zeta). */
        return sec_to_ns(gsl_ran_lognormal(r, log(ns_to_sec(d->median)), d->sigma));
    case DIST_GAMMA:
        /* GSL's gamma takes shape a and scale b; its mean is a * b. */
        return sec_to_ns(gsl_ran_gamma(r, d->shape, ns_to_sec(d->mean) / d->shape));
    case DIST_WEIBULL:
        /* gsl_ran_weibull(r, a, b): a is the scale, b the shape. */
        return sec_to_ns(gsl_ran_weibull(r, ns_to_sec(d->scale), d->shape));
    case DIST_EMPIRICAL:
        assert(d->nsamples > 0);
        if (d->nsamples == 0)
            return 0;
        return clamp_ns(d->samples[gsl_rng_uniform_int(r, d->nsamples)]);
    }
    assert(!"unknown distribution kind");
    return 0;
}

double dist_mean(const struct dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT:
        return (double)d->value;
    case DIST_UNIFORM:
        return ((double)d->min + (double)d->max) / 2;
    case DIST_EXPONENTIAL:
    case DIST_GAMMA:
        return (double)d->mean;
    case DIST_LOGNORMAL:
        return (double)d->median * exp(d->sigma * d->sigma / 2);
    case DIST_WEIBULL:
        /* Gamma overflows past GSL_SF_GAMMA_XMAX (shape below about 0.006), and GSL would
         * report that through its error handler; the true mean is that large anyway. */
        if (!(1 + 1 / d->shape < GSL_SF_GAMMA_XMAX))
            return HUGE_VAL;
        return (double)d->scale * gsl_sf_gamma(1 + 1 / d->shape);
    case DIST_EMPIRICAL: {
        double sum = 0;
        for (uint32_t i = 0; i < d->nsamples; i++)
            sum += (double)d->samples[i];
        return d->nsamples > 0 ? sum / d->nsamples : 0;
    }
    }
    assert(!"unknown distribution kind");
    return 0;
}

void dist_copy(struct dist *dst, const struct dist *src)
{
    *dst = *src;
    if (src->samples != NULL) {
        dst->samples = xmalloc((size_t)src->nsamples * sizeof(*src->samples));
        memcpy(dst->samples, src->samples, (size_t)src->nsamples * sizeof(*src->samples));
    }
}

void dist_fini(struct dist *d)
{
    free(d->samples);
    d->samples = NULL;
    d->nsamples = 0;
}

const char *dist_kind_name(enum dist_kind k)
{
    static const char *const names[] = {
        [DIST_CONSTANT] = "constant", [DIST_UNIFORM] = "uniform",
        [DIST_EXPONENTIAL] = "exponential", [DIST_LOGNORMAL] = "lognormal",
        [DIST_GAMMA] = "gamma", [DIST_WEIBULL] = "weibull",
        [DIST_EMPIRICAL] = "empirical",
    };
    if ((unsigned)k >= ARRAY_LEN(names))
        return "unknown";
    return names[k];
}
