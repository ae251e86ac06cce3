/* sssim check: scenarios as a regression suite. Each scenario runs (once, or once per
 * replication), its invariants and `expect` block are judged, one line is printed per
 * scenario, and the exit status says whether all passed. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "sim/runner.h"
#include "observe/expect.h"
#include "util/util.h"

static const char check_usage[] =
    "usage: sssim check [--replications N] SCENARIO|DIRECTORY...\n\n"
    "Run each scenario (every *.json of a directory), check its invariants and its expect\n"
    "block, print 'ok' or 'FAIL' with the reason per scenario and a total.\n"
    "  --replications N  check N replications (seeds derived from the scenario seed) and\n"
    "                    report the first failing seed, to replay with sssim run --seed\n"
    "Exit status: 0 all passed, 1 a scenario failed, 2 bad usage or a bad scenario.\n";

struct file_list {
    char **items;
    size_t len, cap;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand a directory to its *.json files (sorted); a file stands for itself. */
static int collect(const char *arg, struct file_list *out)
{
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
        VEC_PUSH(out->items, out->len, out->cap, xstrdup(arg));
        return 0;
    }
    DIR *d = opendir(arg);
    if (d == NULL) {
        cli_error("cannot open directory '%s'", arg);
        return -1;
    }
    size_t first = out->len;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 && e->d_name[0] != '.') {
            size_t len = strlen(arg) + n + 2;
            char *path = xmalloc(len);
            snprintf(path, len, "%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/",
                     e->d_name);
            VEC_PUSH(out->items, out->len, out->cap, path);
        }
    }
    closedir(d);
    qsort(out->items + first, out->len - first, sizeof *out->items, cmp_str);
    return 0;
}

/* Check one scenario; 0 ok, 1 failed, 2 bad input. */
static int check_one(const char *file, uint64_t replications, uint32_t mutations)
{
    struct scenario *scn = cli_load(file, NULL, 0);
    if (scn == NULL) {
        printf("FAIL %s: bad scenario (see above)\n", file);
        return EXIT_USAGE;
    }
    int result = EXIT_OK;
    struct strbuf why;
    strbuf_init(&why);
    uint64_t seed = 0;
    for (uint64_t k = 0; k < replications; k++) {
        struct sim_options opt = {.has_seed = true, .seed = rng_replication_seed(scn->seed, k),
                                  .mutations = mutations};
        struct runner r;
        runner_run(&r, scn, &opt, -1);
        int fails = expect_evaluate(r.hist, invariants_broken(r.inv), &why);
        if (r.sim->hit_event_cap) {
            strbuf_printf(&why, "%sthe run hit the event cap", why.len ? "; " : "");
            fails++;
        }
        runner_fini(&r);
        if (fails) {
            seed = opt.seed;
            result = EXIT_FAILED;
            break;
        }
    }
    if (result == EXIT_OK) {
        if (replications > 1)
            printf("ok   %s (%llu replications)\n", file, (unsigned long long)replications);
        else
            printf("ok   %s\n", file);
    } else {
        printf("FAIL %s: %s (seed %llu; replay with: sssim run %s --seed %llu)\n", file, why.buf,
               (unsigned long long)seed, file, (unsigned long long)seed);
    }
    strbuf_fini(&why);
    scenario_free(scn);
    return result;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"replications", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t replications = 1;
    optind = 1;
    opterr = 0;
    int c;
    /* The leading ':' makes a missing value ':' rather than an unknown option. */
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (cli_parse_u64(optarg, &replications) != 0 || replications == 0 ||
                replications > 10000000) {
                cli_error("--replications: expected an integer from 1 to 10000000, found '%s'",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(check_usage, stdout); return EXIT_OK;
        case ':': cli_missing_value(longopts, argv[optind - 1]); return EXIT_USAGE;
        default: cli_error("check: unknown option '%s'\n%s", argv[optind - 1], check_usage); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("check: expected at least one SCENARIO or DIRECTORY\n%s", check_usage);
        return EXIT_USAGE;
    }
    struct file_list files = {0};
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++)
        if (collect(argv[i], &files) != 0)
            status = EXIT_USAGE;
    size_t ok = 0, failed = 0, bad = 0;
    uint32_t mutations = cli_mutations();
    for (size_t i = 0; i < files.len; i++) {
        int r = check_one(files.items[i], replications, mutations);
        if (r == EXIT_OK)
            ok++;
        else if (r == EXIT_FAILED)
            failed++;
        else
            bad++;
        free(files.items[i]);
    }
    free(files.items);
    printf("%zu scenario(s): %zu ok, %zu failed%s\n", ok + failed + bad, ok, failed + bad,
           bad ? " (some could not be read)" : "");
    if (bad || status == EXIT_USAGE)
        return EXIT_USAGE;
    return failed ? EXIT_FAILED : EXIT_OK;
}
