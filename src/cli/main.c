/* sssim: a discrete-event simulator of Kubernetes StatefulSet behaviour under failure.
 * This file parses the first argument and hands over to the subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "config.h"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "run a scenario and report what happened"},
    {"check", cmd_check, "run scenarios as a regression suite"},
    {"sweep", cmd_sweep, "run a grid of settings with replications"},
    {"validate", cmd_validate, "parse and validate scenarios only"},
    {"bench", cmd_bench, "measure engine throughput"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: sssim <command> [options]\n\n"
                 "sssim simulates Kubernetes StatefulSets under failure: nodes, Pods, volume\n"
                 "attach/detach and the controllers, second by second, in milliseconds.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'sssim <command> --help' describes a command; 'man sssim' has the rest.\n"
                 "exit status: 0 fine, 1 an invariant or expectation failed, 2 bad usage or "
                 "input\n");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("sssim %s\n", SSSIM_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    cli_error("unknown command '%s' (try 'sssim --help')", argv[1]);
    return EXIT_USAGE;
}
