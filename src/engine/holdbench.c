#include "engine/holdbench.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "engine/queue.h"
#include "util/util.h"

/* A power of two, so picking an increment is a mask; large enough that the increments do
 * not visibly repeat, small enough to stay in L1 for both sides. */
#define NINC 4096
#define MEAN_INC_NS 1e6
#define ROUNDS 3

/* The baseline: the textbook binary heap of (time, seq) pairs a careful programmer would
 * write without an event pool or cancellation, holes instead of swaps. */
struct bare_rec {
    int64_t time;
    uint64_t seq;
};

struct bare_heap {
    struct bare_rec *h;
    size_t len;
    size_t cap;
    uint64_t next_seq;
};

static inline bool bare_less(struct bare_rec x, struct bare_rec y)
{
    return x.time < y.time || (x.time == y.time && x.seq < y.seq);
}

static inline void bare_push(struct bare_heap *b, int64_t time)
{
    if (b->len == b->cap)
        grow_array((void **)&b->h, &b->cap, b->len + 1, sizeof(*b->h));
    struct bare_rec x = {time, b->next_seq++};
    size_t i = b->len++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!bare_less(x, b->h[p]))
            break;
        b->h[i] = b->h[p];
        i = p;
    }
    b->h[i] = x;
}

static inline struct bare_rec bare_pop(struct bare_heap *b)
{
    struct bare_rec top = b->h[0];
    struct bare_rec x = b->h[--b->len];
    size_t n = b->len;
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && bare_less(b->h[c + 1], b->h[c]))
            c++;
        if (!bare_less(b->h[c], x))
            break;
        b->h[i] = b->h[c];
        i = c;
    }
    if (n > 0)
        b->h[i] = x;
    return top;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Exponential draws from a counter hashed by mix64: cheap, and the same on both sides. */
static int64_t exp_draw(uint64_t i)
{
    double u = (double)((mix64(i) >> 11) + 1) * 0x1p-53; /* in (0, 1] */
    return (int64_t)(-log(u) * MEAN_INC_NS);
}

static double run_engine(size_t n, uint64_t ops, const int64_t *init, const int64_t *inc,
                         uint64_t *sum)
{
    struct queue *q = queue_new();
    for (size_t i = 0; i < n; i++)
        queue_schedule(q, init[i], 1, 2, (uint32_t)i, 0, 0);

    uint64_t s = 0;
    struct event ev;
    double t0 = now_sec();
    for (uint64_t k = 0; k < ops; k++) {
        queue_pop(q, &ev);
        s += (uint64_t)ev.time;
        queue_schedule(q, ev.time + inc[k & (NINC - 1)], ev.module, ev.kind, ev.a, ev.b,
                       ev.c);
    }
    double t = now_sec() - t0;
    queue_free(q);
    *sum = s;
    return t;
}

static double run_bare(size_t n, uint64_t ops, const int64_t *init, const int64_t *inc,
                       uint64_t *sum)
{
    struct bare_heap b = {NULL, 0, 0, 1};
    for (size_t i = 0; i < n; i++)
        bare_push(&b, init[i]);

    uint64_t s = 0;
    double t0 = now_sec();
    for (uint64_t k = 0; k < ops; k++) {
        struct bare_rec r = bare_pop(&b);
        s += (uint64_t)r.time;
        bare_push(&b, r.time + inc[k & (NINC - 1)]);
    }
    double t = now_sec() - t0;
    free(b.h);
    *sum = s;
    return t;
}

void holdbench_run(size_t queue_size, uint64_t ops, struct holdbench_result *out)
{
    int64_t inc[NINC];
    int64_t *init = xmalloc((queue_size ? queue_size : 1) * sizeof(*init));
    for (size_t i = 0; i < NINC; i++)
        inc[i] = exp_draw(i);
    for (size_t i = 0; i < queue_size; i++)
        init[i] = exp_draw(NINC + i);
    if (queue_size == 0)
        ops = 0; /* nothing to hold */

    double best_engine = INFINITY, best_bare = INFINITY;
    for (int round = 0; round < ROUNDS; round++) {
        uint64_t sum_engine, sum_bare;
        double te = run_engine(queue_size, ops, init, inc, &sum_engine);
        double tb = run_bare(queue_size, ops, init, inc, &sum_bare);
        if (sum_engine != sum_bare) {
            fprintf(stderr, "sssim: fatal: holdbench: engine and bare heap popped different "
                            "times at queue size %zu\n", queue_size);
            abort();
        }
        best_engine = te < best_engine ? te : best_engine;
        best_bare = tb < best_bare ? tb : best_bare;
    }
    free(init);

    out->queue_size = queue_size;
    out->ops = ops;
    out->engine_eps = best_engine > 0 ? (double)ops / best_engine : 0;
    out->bare_eps = best_bare > 0 ? (double)ops / best_bare : 0;
    out->ratio = out->bare_eps > 0 ? out->engine_eps / out->bare_eps : 0;
}

void holdbench_print(FILE *out, const struct holdbench_result *r, size_t n)
{
    fprintf(out, "%10s  %10s  %15s  %15s  %6s\n", "queue size", "hold ops", "engine ev/s",
            "bare heap ev/s", "ratio");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%10zu  %10llu  %15.0f  %15.0f  %6.3f\n", r[i].queue_size,
                (unsigned long long)r[i].ops, r[i].engine_eps, r[i].bare_eps, r[i].ratio);
}
