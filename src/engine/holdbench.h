/* The classic hold-model benchmark of the event queue, measured against a bare binary heap
 * of (time, seq) pairs in the same run, so the ratio shows what the engine's extras cost. */
#ifndef SSSIM_HOLDBENCH_H
#define SSSIM_HOLDBENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct holdbench_result {
    size_t queue_size;
    uint64_t ops;      /* hold operations (one pop and one schedule each) per measurement */
    double engine_eps; /* engine queue, hold operations per second */
    double bare_eps;   /* bare binary heap, hold operations per second */
    double ratio;      /* engine_eps / bare_eps; above 1 the engine is faster */
};

/* Fill both queues with queue_size events, then time `ops` hold operations on each: pop
 * the earliest event and schedule one at its time plus an exponential increment. Both see
 * the same increments and must pop the same times (checked; a mismatch aborts). Each side
 * is measured three times, interleaved, and the fastest run counts, to damp noise from other
 * processes. */
void holdbench_run(size_t queue_size, uint64_t ops, struct holdbench_result *out);
/* Print results as an aligned table with a header line. */
void holdbench_print(FILE *out, const struct holdbench_result *r, size_t n);

#endif
