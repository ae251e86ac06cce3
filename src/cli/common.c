/* Helpers shared by the subcommands. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe/plot.h"
#include "sim/sim.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sssim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

struct scenario *cli_load(const char *file, const struct scn_override *ov, size_t nov)
{
    struct scn_error err;
    memset(&err, 0, sizeof err);
    struct scenario *s = scenario_load(file, ov, nov, &err);
    if (s == NULL) {
        char line[1600];
        scn_error_format(&err, line, sizeof line);
        cli_error("%s", line);
    }
    return s;
}

uint32_t cli_mutations(void)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } table[] = {
        {"sts-ignore-order", MUT_STS_IGNORE_ORDER},
        {"sts-scale-down-low", MUT_STS_SCALE_DOWN_LOW},
        {"sts-no-at-most-one", MUT_STS_NO_AT_MOST_ONE},
        {"adc-multi-attach", MUT_ADC_MULTI_ATTACH},
        {"sts-update-low-first", MUT_STS_UPDATE_LOW_FIRST},
        {"sts-update-no-wait", MUT_STS_UPDATE_NO_WAIT},
        {"sts-wrong-claim", MUT_STS_WRONG_CLAIM},
    };
    const char *env = getenv("SSSIM_TEST_MUTATION");
    if (env == NULL || env[0] == '\0')
        return 0;
    uint32_t bits = 0;
    char *copy = strdup(env);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool found = false;
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
            if (strcmp(tok, table[i].name) == 0) {
                bits |= table[i].bit;
                found = true;
            }
        }
        if (!found)
            cli_error("SSSIM_TEST_MUTATION: unknown mutation '%s' ignored", tok);
    }
    free(copy);
    if (bits)
        fprintf(stderr, "sssim: test-only mutation active (%s): results are wrong on purpose\n",
                env);
    return bits;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    /* Decimal digits only: strtoull alone would also take " 5", "+5" and "-5". */
    if (s == NULL || *s == '\0' || s[strspn(s, "0123456789")] != '\0')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Show what the plotter has to say: dumb plots on standard output (standard error when a
 * summary or trace took it), the no-gnuplot notice unless --quiet, errors always. */
int cli_plots_finish(struct plotter *pl, int rc, bool quiet, bool stdout_taken)
{
    size_t len;
    const char *text = plotter_text(pl, &len);
    if (len)
        fwrite(text, 1, len, stdout_taken ? stderr : stdout);
    if (rc == PLOT_ERROR)
        cli_error("%s", plotter_error(pl));
    else if (plotter_notice(pl) && !quiet)
        cli_error("%s", plotter_notice(pl));
    return rc == PLOT_ERROR ? EXIT_USAGE : EXIT_OK;
}

void cli_missing_value(const struct option *longopts, const char *arg)
{
    for (const struct option *o = longopts; o->name != NULL; o++)
        if (o->val == optopt) {
            cli_error("--%s: expected a value", o->name);
            return;
        }
    cli_error("%s: expected a value", arg);
}
