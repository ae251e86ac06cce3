/* What the benchmarks share: a clock in seconds and loading a scenario with a one-line
 * error on stderr. */
#ifndef SSSIM_BENCH_COMMON_H
#define SSSIM_BENCH_COMMON_H

#include <stddef.h>
#include <time.h>

#include "scenario/scenario.h"

/* Seconds on clock id (CLOCK_MONOTONIC for wall time, CLOCK_PROCESS_CPUTIME_ID for CPU). */
double bench_clock(clockid_t id);
/* scenario_load, or NULL after "prog: FILE: $.path: ..." on stderr. */
struct scenario *bench_load(const char *prog, const char *file, const struct scn_override *ov,
                            size_t nov);

#endif
