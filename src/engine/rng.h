/* Random streams: one GSL generator per purpose, each seeded from the scenario seed and
 * the purpose's name, so adding draws of one kind never shifts the draws of another. */
#ifndef SSSIM_RNG_H
#define SSSIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Purposes. Append only: the index is part of the seed derivation. */
enum rng_stream {
    RNG_PHASE,     /* phases of periodic loops (leases, controller passes, probes) */
    RNG_SCHEDULE,  /* scheduler latency and tie-breaking among equal scores */
    RNG_PROVISION, /* volume provisioning */
    RNG_ATTACH,    /* CSI attach */
    RNG_DETACH,    /* CSI detach */
    RNG_MOUNT,     /* kubelet mount / unmount */
    RNG_IMAGE,     /* image pull */
    RNG_START,     /* container start */
    RNG_SHUTDOWN,  /* application shutdown on SIGTERM */
    RNG_BOOT,      /* node boot */
    RNG_APP,       /* application warm-up before it passes readiness */
    RNG_FAULT,     /* fault timeline choices */
    RNG_MISC,
    RNG_STREAM_COUNT
};

struct rng_set {
    gsl_rng *streams[RNG_STREAM_COUNT];
};

/* Allocate the streams (gsl_rng_taus2: small state, cheap to seed per replication). */
void rng_init(struct rng_set *r, uint64_t seed);
/* Re-seed in place for another replication. */
void rng_reseed(struct rng_set *r, uint64_t seed);
void rng_fini(struct rng_set *r);
/* Seed of replication k of a run seeded `seed` (k = 0 is `seed` itself). */
uint64_t rng_replication_seed(uint64_t seed, uint64_t k);

/* Whether gsl_rng_uniform_int(r, n) would return 0, drawing exactly what it draws: a
 * reservoir sample asks this once per tie, hundreds of times per pod in a large cluster,
 * and GSL's version pays two 64-bit divisions per call where one 32-bit one will do for a
 * 32-bit generator. n must be at least 1. */
static inline int rng_one_in(const gsl_rng *r, unsigned long n)
{
    unsigned long offset = r->type->min, range = r->type->max - offset;
    unsigned long scale = range <= UINT32_MAX && n <= UINT32_MAX
                              ? (uint32_t)range / (uint32_t)n
                              : range / n;
    /* k = x / scale >= n  <=>  x >= n * scale (no overflow: n * scale <= range). */
    unsigned long limit = n * scale, x;
    do
        x = r->type->get(r->state) - offset;
    while (x >= limit);
    return x < scale;
}

#endif
