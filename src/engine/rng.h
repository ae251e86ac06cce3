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

#endif
