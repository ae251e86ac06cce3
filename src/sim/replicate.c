/* Independent replications of one scenario on J threads. */
#include "sim/replicate.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "sim/runner.h"
#include "observe/expect.h"
#include "observe/summary.h"
#include "util/util.h"

/* After config.h, which says whether this build has MPI. */
#if SSSIM_HAVE_MPI
#include <mpi.h>
#endif

const char *const rep_fig_names[FIG_COUNT] = {
    [FIG_RECOVERY] = "recoverySeconds",
    [FIG_TO_DELETION] = "timeToDeletionRequest",
    [FIG_REPLACEMENT_CREATED] = "timeToReplacementCreated",
    [FIG_REPLACEMENT_SCHEDULED] = "timeToReplacementScheduled",
    [FIG_REPLACEMENT_ATTACHED] = "timeToReplacementAttached",
    [FIG_REPLACEMENT_READY] = "timeToReplacementReady",
    [FIG_MULTI_ATTACH_WAIT] = "multiAttachWaitSeconds",
};

/* The replications a process runs: k = first + i * stride for i < count (all of them,
 * or one MPI rank's share). */
struct work {
    const struct scenario *scn;
    const struct sim_options *base;
    uint64_t base_seed;
    struct replications *out;
    size_t first, stride, count;
    atomic_size_t next; /* the next i */
    atomic_size_t done;
};

static void run_one(struct work *w, size_t k)
{
    struct replications *r = w->out;
    struct sim_options opt = *w->base;
    opt.has_seed = true;
    opt.seed = rng_replication_seed(w->base_seed, k);
    r->seeds[k] = opt.seed;
    struct runner run;
    runner_run(&run, w->scn, &opt, -1);
    double v;
    summary_metric(run.hist, "fullReadySeconds", -1, NULL, &v);
    r->full_ready[k] = v;
    for (uint32_t f = 0; f < w->scn->nfaults; f++)
        for (int g = 0; g < FIG_COUNT; g++) {
            if (summary_metric(run.hist, rep_fig_names[g], (int32_t)f, NULL, &v) != 0)
                v = NAN;
            *rep_fig(r, k, f, (enum rep_fig)g) = v;
        }
    r->broken[k] = invariants_broken(run.inv);
    r->unexpected[k] = runner_unexpected(&run);
    r->events[k] = run.sim->events;
    r->hit_cap[k] = run.sim->hit_event_cap;
    /* A run cut or stretched by --until is not the run the expect block describes. */
    if (!opt.has_until || opt.until == w->scn->until) {
        struct strbuf why;
        strbuf_init(&why);
        r->expect_failed[k] = expect_evaluate(run.hist, r->broken[k], &why) > 0;
        strbuf_fini(&why);
    }
    runner_fini(&run);
}

static void *worker(void *arg)
{
    struct work *w = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&w->next, 1);
        if (i >= w->count)
            return NULL;
        run_one(w, w->first + i * w->stride);
        atomic_fetch_add(&w->done, 1);
    }
}

static void draw_progress(size_t done, size_t n)
{
    int width = 40;
    int filled = n ? (int)((double)done / (double)n * width) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "########################################",
            width - filled, "", done, n);
    fflush(stderr);
}

unsigned replicate_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static void replications_alloc(const struct scenario *scn, size_t n, struct replications *out)
{
    *out = (struct replications){.scn = scn, .n = n};
    out->seeds = xcalloc(n, sizeof *out->seeds);
    out->full_ready = xcalloc(n, sizeof *out->full_ready);
    out->figs = xcalloc(n * (scn->nfaults ? scn->nfaults : 1) * FIG_COUNT, sizeof *out->figs);
    out->broken = xcalloc(n, sizeof *out->broken);
    out->unexpected = xcalloc(n, sizeof *out->unexpected);
    out->events = xcalloc(n, sizeof *out->events);
    out->hit_cap = xcalloc(n, sizeof *out->hit_cap);
    out->expect_failed = xcalloc(n, sizeof *out->expect_failed);
}

/* Run the replications first, first + stride, ... (count of them) on `jobs` threads. */
static void run_share(const struct scenario *scn, const struct sim_options *base, size_t first,
                      size_t stride, size_t count, unsigned jobs, bool progress,
                      struct replications *out)
{
    struct work w = {
        .scn = scn,
        .base = base,
        .base_seed = base->has_seed ? base->seed : scn->seed,
        .out = out,
        .first = first,
        .stride = stride,
        .count = count,
    };
    size_t n = count;
    atomic_init(&w.next, 0);
    atomic_init(&w.done, 0);
    if (jobs == 0)
        jobs = replicate_default_jobs();
    if (jobs > n)
        jobs = n ? (unsigned)n : 1;
    pthread_t *threads = xcalloc(jobs, sizeof *threads);
    unsigned started = 0;
    for (unsigned i = 1; i < jobs; i++)
        if (pthread_create(&threads[started], NULL, worker, &w) == 0)
            started++;
    /* The calling thread works too; it also draws the bar between replications. */
    for (;;) {
        size_t i = atomic_fetch_add(&w.next, 1);
        if (i >= n)
            break;
        run_one(&w, first + i * stride);
        size_t done = atomic_fetch_add(&w.done, 1) + 1;
        if (progress && (done % 64 == 0 || done == n))
            draw_progress(done, n);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (progress) {
        draw_progress(n, n);
        fputc('\n', stderr);
    }
    free(threads);
}

void replicate(const struct scenario *scn, const struct sim_options *base, size_t n,
               unsigned jobs, bool progress, struct replications *out)
{
    replications_alloc(scn, n, out);
    run_share(scn, base, 0, 1, n, jobs, progress, out);
}

/* --- Across MPI ranks ---------------------------------------------------------------- */

bool replicate_mpi_built(void)
{
    return SSSIM_HAVE_MPI != 0;
}

#if SSSIM_HAVE_MPI

int replicate_mpi_init(void)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized)
        return 0;
    /* Only the thread that called replicate_mpi talks to MPI; its workers do not. */
    int provided;
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS ? 0 : -1;
}

static bool mpi_live(void)
{
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    return initialized && !finalized;
}

int replicate_mpi_rank(void)
{
    int rank = 0;
    if (mpi_live())
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

void replicate_mpi_finalize(void)
{
    if (mpi_live())
        MPI_Finalize();
}

/* One replication's results as bytes. The ranks are copies of one binary on machines of
 * one architecture (what mpirun starts), so the native layout travels as it is. */
static size_t record_size(const struct scenario *scn)
{
    return 2 * sizeof(uint64_t) + sizeof(double) * (1 + (size_t)scn->nfaults * FIG_COUNT) +
           2 * sizeof(uint32_t) + 1;
}

static unsigned char *put(unsigned char *p, const void *v, size_t n)
{
    memcpy(p, v, n);
    return p + n;
}

static const unsigned char *get(const unsigned char *p, void *v, size_t n)
{
    memcpy(v, p, n);
    return p + n;
}

static void pack(const struct replications *r, size_t k, unsigned char *p)
{
    size_t nfig = (size_t)r->scn->nfaults * FIG_COUNT;
    p = put(p, &r->seeds[k], sizeof r->seeds[k]);
    p = put(p, &r->events[k], sizeof r->events[k]);
    p = put(p, &r->full_ready[k], sizeof r->full_ready[k]);
    if (nfig)
        p = put(p, rep_fig(r, k, 0, (enum rep_fig)0), nfig * sizeof(double));
    p = put(p, &r->broken[k], sizeof r->broken[k]);
    p = put(p, &r->unexpected[k], sizeof r->unexpected[k]);
    *p = (unsigned char)(r->hit_cap[k] | r->expect_failed[k] << 1);
}

static void unpack(struct replications *r, size_t k, const unsigned char *p)
{
    size_t nfig = (size_t)r->scn->nfaults * FIG_COUNT;
    p = get(p, &r->seeds[k], sizeof r->seeds[k]);
    p = get(p, &r->events[k], sizeof r->events[k]);
    p = get(p, &r->full_ready[k], sizeof r->full_ready[k]);
    if (nfig)
        p = get(p, rep_fig(r, k, 0, (enum rep_fig)0), nfig * sizeof(double));
    p = get(p, &r->broken[k], sizeof r->broken[k]);
    p = get(p, &r->unexpected[k], sizeof r->unexpected[k]);
    r->hit_cap[k] = (*p & 1) != 0;
    r->expect_failed[k] = (*p & 2) != 0;
}

/* The number of replications of rank `rank`: k = rank, rank + size, ... below n. */
static size_t share(size_t n, size_t rank, size_t size)
{
    return rank < n ? (n - rank + size - 1) / size : 0;
}

void replicate_mpi(const struct scenario *scn, const struct sim_options *base, size_t n,
                   unsigned jobs, bool progress, struct replications *out)
{
    if (!mpi_live()) {
        replicate(scn, base, n, jobs, progress, out);
        return;
    }
    int irank, isize;
    MPI_Comm_rank(MPI_COMM_WORLD, &irank);
    MPI_Comm_size(MPI_COMM_WORLD, &isize);
    size_t rank = (size_t)irank, size = (size_t)isize;
    replications_alloc(scn, n, out);
    /* Round robin, so that every rank gets early and late replications alike. */
    run_share(scn, base, rank, size, share(n, rank, size), jobs, progress && rank == 0, out);

    /* Allgather, so that every rank ends with the whole result (and the same exit status).
     * MPI counts are ints: large runs go in rounds of at most `per_round` records a rank. */
    size_t rec = record_size(scn);
    size_t per_round = (size_t)INT_MAX / (rec * size);
    if (per_round == 0)
        per_round = 1;
    size_t most = share(n, 0, size);
    unsigned char *sendbuf = xmalloc(per_round * rec);
    unsigned char *recvbuf = xmalloc(per_round * rec * size);
    int *counts = xcalloc(size, sizeof *counts), *displs = xcalloc(size, sizeof *displs);
    for (size_t from = 0; from < most; from += per_round) {
        for (size_t r = 0; r < size; r++) {
            size_t have = share(n, r, size);
            size_t m = have > from ? (have - from < per_round ? have - from : per_round) : 0;
            counts[r] = (int)(m * rec);
            displs[r] = (int)(r * per_round * rec);
        }
        size_t mine = (size_t)counts[rank] / rec;
        for (size_t i = 0; i < mine; i++)
            pack(out, rank + (from + i) * size, sendbuf + i * rec);
        MPI_Allgatherv(sendbuf, counts[rank], MPI_BYTE, recvbuf, counts, displs, MPI_BYTE,
                       MPI_COMM_WORLD);
        for (size_t r = 0; r < size; r++)
            for (size_t i = 0; i < (size_t)counts[r] / rec; i++)
                unpack(out, r + (from + i) * size, recvbuf + (size_t)displs[r] + i * rec);
    }
    free(counts);
    free(displs);
    free(sendbuf);
    free(recvbuf);
}

#else /* without MPI: one process is the whole world */

int replicate_mpi_init(void)
{
    return -1;
}

int replicate_mpi_rank(void)
{
    return 0;
}

void replicate_mpi_finalize(void)
{
}

void replicate_mpi(const struct scenario *scn, const struct sim_options *base, size_t n,
                   unsigned jobs, bool progress, struct replications *out)
{
    replicate(scn, base, n, jobs, progress, out);
}

#endif

void replications_fini(struct replications *r)
{
    free(r->seeds);
    free(r->full_ready);
    free(r->figs);
    free(r->broken);
    free(r->unexpected);
    free(r->events);
    free(r->hit_cap);
    free(r->expect_failed);
    *r = (struct replications){0};
}

void replications_stats(const struct replications *r, int32_t fault, enum rep_fig f,
                        struct stats *out)
{
    double *v = xmalloc((r->n ? r->n : 1) * sizeof *v);
    for (size_t k = 0; k < r->n; k++)
        v[k] = *rep_fig(r, k, (uint32_t)fault, f);
    stats_compute(v, r->n, out);
    free(v);
}

void replications_full_ready_stats(const struct replications *r, struct stats *out)
{
    double *v = xmalloc((r->n ? r->n : 1) * sizeof *v);
    for (size_t k = 0; k < r->n; k++)
        v[k] = r->full_ready[k];
    stats_compute(v, r->n, out);
    free(v);
}
