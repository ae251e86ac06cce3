/* What the benchmarks share (bench_common.h). */
#include "bench_common.h"

#include <stdio.h>

double bench_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct scenario *bench_load(const char *prog, const char *file, const struct scn_override *ov,
                            size_t nov)
{
    struct scn_error err;
    struct scenario *scn = scenario_load(file, ov, nov, &err);
    if (scn == NULL) {
        char line[1600];
        scn_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s: %s\n", prog, line);
    }
    return scn;
}
