/* Benchmark: cost per event as the cluster grows. The shape of
 * scenarios/large-zone-outage.json (three zones, StatefulSets of 1 to 7 replicas with a
 * zonal claim, a zone outage at 10m, 30m simulated) at 1, 10, 100 and 1000 times a base
 * cluster of 3 zones x 2 nodes and 20 StatefulSets, made with --set style overrides of the
 * node pool's count and the sssim.io/copies annotation. Each size runs in a child process
 * (so its peak RSS is its own), repeated until it has run for a second. Goal (issue 8):
 * events per second within a factor 2 across the sizes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "bench_common.h"
#include "sim/runner.h"

struct result {
    uint32_t nodes, sets, pods;
    uint64_t events; /* of one run */
    uint32_t runs;
    double seconds; /* wall time of all runs */
    double cpu;     /* CPU time of all runs */
    long maxrss_kb;
    int status; /* 0 ok, 1 invariant broken, 2 load error */
};

static void measure(const char *file, unsigned factor, struct result *res)
{
    char count[32], copies[32];
    snprintf(count, sizeof count, "%u", 6 * factor);
    snprintf(copies, sizeof copies, "\"%u\"", 20 * factor);
    const struct scn_override ov[] = {
        {"cluster.nodePools[0].count", count},
        {"objects[2].metadata.annotations[\"sssim.io/copies\"]", copies},
    };
    struct scenario *scn = bench_load("bench-scale", file, ov, 2);
    if (scn == NULL) {
        res->status = 2;
        return;
    }
    double start = bench_clock(CLOCK_MONOTONIC), cpu0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
    do {
        struct runner r;
        runner_run(&r, scn, NULL, -1);
        res->nodes = r.sim->store->nnodes;
        res->sets = r.sim->store->nsets;
        res->pods = r.sim->store->npods;
        res->events = r.sim->events;
        if (runner_unexpected(&r))
            res->status = 1;
        runner_fini(&r);
        res->runs++;
        res->seconds = bench_clock(CLOCK_MONOTONIC) - start;
        res->cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    } while (res->cpu < 1.0);
    scenario_free(scn);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    res->maxrss_kb = ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *file = argc > 1 ? argv[1] : "scenarios/large-zone-outage.json";
    /* The sizes to run: the arguments after the file, or 1 10 100 1000. */
    unsigned factors[16] = {1, 10, 100, 1000};
    size_t nf = 4;
    if (argc > 2) {
        nf = 0;
        for (int i = 2; i < argc && nf < 16; i++)
            factors[nf++] = (unsigned)strtoul(argv[i], NULL, 10);
    }
    struct result res[16] = {{0}};
    int rc = 0;
    for (size_t i = 0; i < nf; i++) {
        int fd[2];
        if (pipe(fd) != 0)
            return 2;
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0) {
            close(fd[0]);
            struct result r = {0};
            measure(file, factors[i], &r);
            ssize_t w = write(fd[1], &r, sizeof r);
            _exit(w == (ssize_t)sizeof r ? 0 : 2);
        }
        close(fd[1]);
        if (read(fd[0], &res[i], sizeof res[i]) != (ssize_t)sizeof res[i])
            res[i].status = 2;
        close(fd[0]);
        waitpid(pid, NULL, 0);
    }
    /* Rates are per CPU second of the child: on a shared machine wall time measures the
     * neighbours too. */
    printf("%-6s %7s %7s %8s %10s %5s %8s %8s %10s %9s %9s\n", "size", "nodes", "sets", "pods",
           "events", "runs", "wall s", "cpu s", "events/s", "ns/event", "peak MiB");
    double lo = 0, hi = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct result *r = &res[i];
        if (r->status == 2) {
            printf("%-5ux failed\n", factors[i]);
            rc = 2;
            continue;
        }
        double total = (double)r->events * r->runs;
        double eps = total / r->cpu;
        lo = lo == 0 || eps < lo ? eps : lo;
        hi = eps > hi ? eps : hi;
        printf("%-5ux %7" PRIu32 " %7" PRIu32 " %8" PRIu32 " %10" PRIu64 " %5" PRIu32
               " %8.3f %8.3f %10.0f %9.0f %9.1f%s\n",
               factors[i], r->nodes, r->sets, r->pods, r->events, r->runs, r->seconds, r->cpu, eps,
               1e9 / eps, (double)r->maxrss_kb / 1024.0, r->status ? "  (invariant broken)" : "");
        if (r->status)
            rc = 1;
    }
    if (hi > 0)
        printf("fastest / slowest events/s: %.2f (goal: at most 2)\n", hi / lo);
    return rc;
}
