/* Simulated time: signed 64-bit nanoseconds from the start of the run, used everywhere.
 * Integers avoid ties made by rounding and keep traces byte-identical across machines. */
#ifndef SSSIM_SIMTIME_H
#define SSSIM_SIMTIME_H

#include <stdint.h>

#define NS_PER_SEC INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
#define SEC(s) ((int64_t)(s) * NS_PER_SEC)
#define MSEC(ms) ((int64_t)(ms) * NS_PER_MS)
#define TIME_NEVER INT64_MAX /* a moment that never comes */

static inline double ns_to_sec(int64_t ns)
{
    return (double)ns / 1e9;
}

/* The first tick of the grid phase + k * period (k integer) at or after t. */
static inline int64_t grid_next(int64_t t, int64_t phase, int64_t period)
{
    int64_t d = t - phase;
    int64_t k = d >= 0 ? (d + period - 1) / period : -((-d) / period);
    return phase + k * period;
}

/* The last tick of the grid at or before t. */
static inline int64_t grid_prev(int64_t t, int64_t phase, int64_t period)
{
    int64_t d = t - phase;
    int64_t k = d >= 0 ? d / period : -((-d + period - 1) / period);
    return phase + k * period;
}

#endif
