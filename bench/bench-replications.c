/* Benchmark: replications per second of scenarios/node-loss.json at J=1 and J=2
 * (goal: 10,000 replications in under 2 seconds of wall time on 2 cores). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "bench_common.h"
#include "sim/replicate.h"

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *file = argc > 1 ? argv[1] : "scenarios/node-loss.json";
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
    struct scenario *scn = bench_load("bench-replications", file, NULL, 0);
    if (scn == NULL)
        return 2;
    printf("%-10s %12s %12s %14s %12s\n", "jobs", "replications", "seconds", "replications/s",
           "events/s");
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        struct sim_options opt = {0};
        struct replications r;
        double t0 = bench_clock(CLOCK_MONOTONIC);
        replicate(scn, &opt, n, jobs, false, &r);
        double dt = bench_clock(CLOCK_MONOTONIC) - t0;
        unsigned long long events = 0;
        for (size_t k = 0; k < n; k++)
            events += r.events[k];
        printf("%-10u %12zu %12.3f %14.0f %12.0f\n", jobs, n, dt, (double)n / dt,
               (double)events / dt);
        replications_fini(&r);
    }
    scenario_free(scn);
    return 0;
}
