/* The command line: one function per subcommand, dispatched from a table in main.c. */
#ifndef SSSIM_CLI_H
#define SSSIM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "scenario/scenario.h"

enum exit_status { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* Print "sssim: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long returned ':' (an option without its value): "--seed: expected a value".
 * `arg` is argv[optind - 1], named when optopt matches no long option. */
void cli_missing_value(const struct option *longopts, const char *arg);
/* Load a scenario or print its error; NULL on error. */
struct scenario *cli_load(const char *file, const struct scn_override *ov, size_t nov);
/* Test-only rule breakers from SSSIM_TEST_MUTATION ("sts-ignore-order,..."); 0 if unset. */
uint32_t cli_mutations(void);
struct plotter;
/* Show what the plotter has to say: dumb plots on standard output (standard error when a
 * summary or trace took it), the no-gnuplot notice unless quiet, errors always. Returns the
 * exit status for `rc` (a PLOT_* result). */
int cli_plots_finish(struct plotter *pl, int rc, bool quiet, bool stdout_taken);
/* Parse a non-negative integer argument; -1 on error. */
int cli_parse_u64(const char *s, uint64_t *out);

#endif
