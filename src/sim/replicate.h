/* Independent replications of one scenario on J threads: replication k runs with seed
 * rng_replication_seed(seed, k), so it can be replayed alone with `sssim run --seed`, and
 * results are stored by k, so they are identical for any J. */
#ifndef SSSIM_REPLICATE_H
#define SSSIM_REPLICATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe/stats.h"
#include "scenario/scenario.h"
#include "sim/sim.h"

/* Figures kept per fault and replication, in this order. */
enum rep_fig {
    FIG_RECOVERY,
    FIG_TO_DELETION,
    FIG_REPLACEMENT_CREATED,
    FIG_REPLACEMENT_SCHEDULED,
    FIG_REPLACEMENT_ATTACHED,
    FIG_REPLACEMENT_READY,
    FIG_MULTI_ATTACH_WAIT,
    FIG_COUNT
};
extern const char *const rep_fig_names[FIG_COUNT]; /* summary names: "recoverySeconds" ... */

struct replications {
    const struct scenario *scn;
    size_t n;
    uint64_t *seeds;         /* [n] */
    double *full_ready;      /* [n] seconds, NaN if never */
    double *figs;            /* [n][nfaults][FIG_COUNT] seconds, NaN if never/not applicable */
    uint32_t *broken;        /* [n] invariant bits that broke */
    uint32_t *unexpected;    /* [n] broken, checked and not expected */
    uint64_t *events;        /* [n] */
    bool *hit_cap;           /* [n] */
    bool *expect_failed;     /* [n] the scenario's expect block was not met */
};

/* Run n replications on `jobs` threads (0: the number of online cores). `progress` draws
 * a bar on stderr. base->seed (if has_seed) replaces the scenario seed as the base seed;
 * base->until and base->mutations apply to every replication. */
void replicate(const struct scenario *scn, const struct sim_options *base, size_t n,
               unsigned jobs, bool progress, struct replications *out);
void replications_fini(struct replications *r);

/* The same replications split across the ranks of MPI_COMM_WORLD (builds configured with
 * -Dmpi=enabled): rank r runs k = r, r + size, ... on `jobs` threads of its own, then every
 * rank gathers every result, so *out is the same on all ranks and the same as replicate()
 * gives in one process. Collective: every rank calls it with the same arguments. Without
 * MPI, or before replicate_mpi_init, it is replicate(). Only rank 0 draws progress. */
void replicate_mpi(const struct scenario *scn, const struct sim_options *base, size_t n,
                   unsigned jobs, bool progress, struct replications *out);
bool replicate_mpi_built(void);    /* configured with -Dmpi=enabled */
int replicate_mpi_init(void);      /* MPI_Init once; 0, or -1 (no MPI, or it failed) */
int replicate_mpi_rank(void);      /* this process's rank; 0 without MPI */
void replicate_mpi_finalize(void); /* MPI_Finalize if initialised */
static inline double *rep_fig(const struct replications *r, size_t k, uint32_t fault,
                              enum rep_fig f)
{
    return &r->figs[(k * r->scn->nfaults + fault) * FIG_COUNT + f];
}
/* Statistics of one figure over all replications (fault ignored for fullReady). */
void replications_stats(const struct replications *r, int32_t fault, enum rep_fig f,
                        struct stats *out);
void replications_full_ready_stats(const struct replications *r, struct stats *out);
unsigned replicate_default_jobs(void);

#endif
