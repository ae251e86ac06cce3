#include "engine/rng.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/util.h"

/* Seed of stream i. gsl_rng_set for taus2 runs the seed through a 32-bit LCG and only the
 * low 32 bits count, so the 64-bit mix is folded to 32 bits here, on purpose and visibly.
 * GSL replaces seed 0 by its default seed 1, which would make two seeds give the same
 * stream; 0 is mapped to a fixed odd constant instead (2^-32 odds of meeting it). */
static unsigned long stream_seed(uint64_t seed, unsigned i)
{
    uint64_t x = mix64(seed ^ mix64((uint64_t)i + 1));
    unsigned long s = (unsigned long)((x ^ (x >> 32)) & 0xffffffffu);
    return s != 0 ? s : 0x9e3779b9ul;
}

void rng_init(struct rng_set *r, uint64_t seed)
{
    for (unsigned i = 0; i < RNG_STREAM_COUNT; i++) {
        r->streams[i] = gsl_rng_alloc(gsl_rng_taus2);
        if (r->streams[i] == NULL) {
            /* Same policy as xmalloc: running out of memory is not recoverable. */
            fprintf(stderr, "sssim: fatal: out of memory allocating a random stream\n");
            abort();
        }
    }
    rng_reseed(r, seed);
}

void rng_reseed(struct rng_set *r, uint64_t seed)
{
    for (unsigned i = 0; i < RNG_STREAM_COUNT; i++)
        gsl_rng_set(r->streams[i], stream_seed(seed, i));
}

void rng_fini(struct rng_set *r)
{
    for (unsigned i = 0; i < RNG_STREAM_COUNT; i++) {
        gsl_rng_free(r->streams[i]);
        r->streams[i] = NULL;
    }
}

uint64_t rng_replication_seed(uint64_t seed, uint64_t k)
{
    /* Replication 0 reproduces a single run with the same seed. The constant keeps
     * (seed, k) from colliding with the stream derivation above for small k. */
    if (k == 0)
        return seed;
    return mix64(seed ^ mix64(k ^ UINT64_C(0x5851f42d4c957f2d)));
}
