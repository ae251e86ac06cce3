/* Independent replications of one scenario on J threads. */
#include "sim/replicate.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/runner.h"
#include "observe/summary.h"
#include "util/util.h"

const char *const rep_fig_names[FIG_COUNT] = {
    [FIG_RECOVERY] = "recoverySeconds",
    [FIG_TO_DELETION] = "timeToDeletionRequest",
    [FIG_REPLACEMENT_CREATED] = "timeToReplacementCreated",
    [FIG_REPLACEMENT_SCHEDULED] = "timeToReplacementScheduled",
    [FIG_REPLACEMENT_ATTACHED] = "timeToReplacementAttached",
    [FIG_REPLACEMENT_READY] = "timeToReplacementReady",
    [FIG_MULTI_ATTACH_WAIT] = "multiAttachWaitSeconds",
};

struct work {
    const struct scenario *scn;
    const struct sim_options *base;
    uint64_t base_seed;
    struct replications *out;
    atomic_size_t next;
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
    runner_fini(&run);
}

static void *worker(void *arg)
{
    struct work *w = arg;
    for (;;) {
        size_t k = atomic_fetch_add(&w->next, 1);
        if (k >= w->out->n)
            return NULL;
        run_one(w, k);
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

void replicate(const struct scenario *scn, const struct sim_options *base, size_t n,
               unsigned jobs, bool progress, struct replications *out)
{
    *out = (struct replications){.scn = scn, .n = n};
    out->seeds = xcalloc(n, sizeof *out->seeds);
    out->full_ready = xcalloc(n, sizeof *out->full_ready);
    out->figs = xcalloc(n * (scn->nfaults ? scn->nfaults : 1) * FIG_COUNT, sizeof *out->figs);
    out->broken = xcalloc(n, sizeof *out->broken);
    out->unexpected = xcalloc(n, sizeof *out->unexpected);
    out->events = xcalloc(n, sizeof *out->events);
    out->hit_cap = xcalloc(n, sizeof *out->hit_cap);
    struct work w = {
        .scn = scn,
        .base = base,
        .base_seed = base->has_seed ? base->seed : scn->seed,
        .out = out,
    };
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
        size_t k = atomic_fetch_add(&w.next, 1);
        if (k >= n)
            break;
        run_one(&w, k);
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

void replications_fini(struct replications *r)
{
    free(r->seeds);
    free(r->full_ready);
    free(r->figs);
    free(r->broken);
    free(r->unexpected);
    free(r->events);
    free(r->hit_cap);
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
