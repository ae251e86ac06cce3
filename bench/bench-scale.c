/* Benchmark: cost per event as the cluster grows. The shape of
 * scenarios/large-zone-outage.json (three zones, StatefulSets of 1 to 7 replicas with a
 * zonal claim, a zone outage at 10m, 30m simulated) at 1, 10, 100 and 1000 times a base
 * cluster of 3 zones x 2 nodes and 20 StatefulSets, made with --set style overrides of the
 * node pool's count and the sssim.io/copies annotation. Each size runs in a child process
 * (so its peak RSS is its own), repeated until it has run for a CPU second; the sizes take
 * turns for a number of rounds (5), so that a slow spell of the shared machine falls on all
 * of them, and the table gives each size's best and median round. Goal (issue 8): events
 * per second within a factor 2 across the sizes.
 *
 * usage: bench-scale [--rounds N | --events N] [FILE [SIZE...]]
 * --events N runs each size in this process, one round, repeated until it has handled N
 * events, for a profiler or cachegrind (bench/cachegrind-scale.py); peak MiB is then the
 * process's so far. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void measure(const char *file, unsigned factor, uint64_t events, struct result *res)
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
    } while (events ? res->events * res->runs < events : res->cpu < 1.0);
    scenario_free(scn);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    res->maxrss_kb = ru.ru_maxrss;
}

static double ns_per_event(const struct result *r)
{
    return 1e9 * r->cpu / ((double)r->events * r->runs);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One size in a child process, so that its peak RSS is its own. */
static void measure_in_child(const char *file, unsigned factor, struct result *out)
{
    *out = (struct result){.status = 2};
    int fd[2];
    if (pipe(fd) != 0)
        return;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return;
    }
    if (pid == 0) {
        close(fd[0]);
        struct result r = {0};
        measure(file, factor, 0, &r);
        ssize_t w = write(fd[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 2);
    }
    close(fd[1]);
    if (read(fd[0], out, sizeof *out) != (ssize_t)sizeof *out)
        out->status = 2;
    close(fd[0]);
    waitpid(pid, NULL, 0);
}

enum { MAX_SIZES = 16, MAX_ROUNDS = 100 };

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    unsigned rounds = 5;
    uint64_t events = 0; /* --events: in this process, until so many events */
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            char *end;
            events = strtoull(argv[++i], &end, 10);
            if (*end != '\0' || events < 1) {
                fprintf(stderr, "bench-scale: --events takes a positive count\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            char *end;
            unsigned long n = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || n < 1 || n > MAX_ROUNDS) {
                fprintf(stderr, "bench-scale: --rounds takes 1 to %d\n", MAX_ROUNDS);
                return 2;
            }
            rounds = (unsigned)n;
        } else {
            fprintf(stderr, "usage: bench-scale [--rounds N | --events N] [FILE [SIZE...]]\n");
            return 2;
        }
    }
    const char *file = i < argc ? argv[i++] : "scenarios/large-zone-outage.json";
    /* The sizes to run: the arguments after the file, or 1 10 100 1000. */
    unsigned factors[MAX_SIZES] = {1, 10, 100, 1000};
    size_t nf = 4;
    if (i < argc) {
        nf = 0;
        for (; i < argc && nf < MAX_SIZES; i++) {
            char *end;
            unsigned long f = strtoul(argv[i], &end, 10);
            if (*end != '\0' || f < 1 || f > 100000) {
                fprintf(stderr, "bench-scale: a size is a factor from 1 to 100000, not '%s'\n",
                        argv[i]);
                return 2;
            }
            factors[nf++] = (unsigned)f;
        }
    }
    if (events)
        rounds = 1;
    /* A file that does not load gives one error here rather than one per run. */
    struct scenario *probe = bench_load("bench-scale", file, NULL, 0);
    if (probe == NULL)
        return 2;
    scenario_free(probe);
    static struct result res[MAX_SIZES][MAX_ROUNDS];
    for (unsigned k = 0; k < rounds; k++)
        for (size_t s = 0; s < nf; s++) {
            if (events)
                measure(file, factors[s], events, &res[s][k]);
            else
                measure_in_child(file, factors[s], &res[s][k]);
        }

    /* Rates are per CPU second of the child: on a shared machine wall time measures the
     * neighbours too. */
    printf("%-6s %7s %7s %8s %10s %5s %10s %9s %9s %9s\n", "size", "nodes", "sets", "pods",
           "events", "runs", "events/s", "ns/event", "median", "peak MiB");
    double best_lo = 0, best_hi = 0, med_lo = 0, med_hi = 0;
    int rc = 0;
    for (size_t s = 0; s < nf; s++) {
        double ns[MAX_ROUNDS];
        unsigned n = 0, runs = 0;
        const struct result *last = NULL;
        long rss = 0;
        bool broken = false;
        for (unsigned k = 0; k < rounds; k++) {
            const struct result *r = &res[s][k];
            if (r->status == 2)
                continue;
            ns[n++] = ns_per_event(r);
            runs += r->runs;
            rss = r->maxrss_kb > rss ? r->maxrss_kb : rss;
            last = r;
            broken |= r->status != 0;
        }
        if (n == 0) {
            printf("%-5ux failed\n", factors[s]);
            rc = 2;
            continue;
        }
        if (broken)
            rc = 1;
        qsort(ns, n, sizeof ns[0], cmp_double);
        double best = 1e9 / ns[0], med = 1e9 / ns[n / 2];
        best_lo = best_lo == 0 || best < best_lo ? best : best_lo;
        best_hi = best > best_hi ? best : best_hi;
        med_lo = med_lo == 0 || med < med_lo ? med : med_lo;
        med_hi = med > med_hi ? med : med_hi;
        printf("%-5ux %7" PRIu32 " %7" PRIu32 " %8" PRIu32 " %10" PRIu64 " %5u %10.0f %9.0f %9.0f"
               " %9.1f%s\n",
               factors[s], last->nodes, last->sets, last->pods, last->events, runs, best, ns[0],
               ns[n / 2], (double)rss / 1024.0, broken ? "  (invariant broken)" : "");
    }
    if (best_hi > 0)
        printf("fastest / slowest events/s: %.2f best of %u round%s, %.2f median (goal: at "
               "most 2)\n",
               best_hi / best_lo, rounds, rounds == 1 ? "" : "s", med_hi / med_lo);
    return rc;
}
