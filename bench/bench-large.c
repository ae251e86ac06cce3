/* Benchmark: one run of a large scenario (default scenarios/large-zone-outage.json) as
 * `sssim run --quiet` makes it (history and invariants attached), on one core.
 * Goal (issue 8): under 10 s of wall time and under 2 GiB of peak memory. Prints the wall
 * time, the events, events per second, the peak resident set (getrusage ru_maxrss) and that
 * peak divided by the pods the run created. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "bench_common.h"
#include "sim/runner.h"

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *file = argc > 1 ? argv[1] : "scenarios/large-zone-outage.json";
    double t0 = bench_clock(CLOCK_MONOTONIC);
    struct scenario *scn = bench_load("bench-large", file, NULL, 0);
    if (scn == NULL)
        return 2;
    double t1 = bench_clock(CLOCK_MONOTONIC);
    struct runner r;
    runner_run(&r, scn, NULL, -1);
    double t2 = bench_clock(CLOCK_MONOTONIC);
    uint64_t events = r.sim->events;
    uint32_t pods = r.sim->store->npods, nodes = r.sim->store->nnodes;
    uint32_t sets = r.sim->store->nsets;
    uint32_t broken = runner_unexpected(&r);
    runner_fini(&r);
    scenario_free(scn);
    double t3 = bench_clock(CLOCK_MONOTONIC);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss * 1024.0; /* Linux: kilobytes */
    printf("scenario          %s\n", file);
    printf("cluster           %u nodes, %u StatefulSets, %u pod objects\n", nodes, sets, pods);
    printf("load              %.3f s\n", t1 - t0);
    printf("run               %.3f s\n", t2 - t1);
    printf("free              %.3f s\n", t3 - t2);
    printf("wall (total)      %.3f s\n", t3 - t0);
    printf("events            %llu\n", (unsigned long long)events);
    printf("events/s (run)    %.0f\n", (double)events / (t2 - t1));
    printf("peak RSS          %.1f MiB\n", rss / (1024.0 * 1024.0));
    printf("bytes per pod     %.0f\n", pods ? rss / pods : 0.0);
    printf("invariants        %s\n", broken ? "BROKEN" : "all held");
    return broken ? 1 : 0;
}
