/* One simulated run with its observers wired in the right order (history, trace,
 * invariants), shared by run and check. */
#ifndef SSSIM_RUNNER_H
#define SSSIM_RUNNER_H

#include "observe/history.h"
#include "observe/invariants.h"
#include "observe/narrate.h"
#include "observe/timeline.h"
#include "observe/trace.h"
#include "sim/sim.h"

struct runner {
    struct sim *sim;
    struct history *hist;
    struct trace *trace; /* NULL without a trace */
    struct invariants *inv;
    struct timeline *timeline; /* NULL unless asked for */
    struct narrator *narr;     /* NULL unless asked for */
};

/* Optional observers of one run, so a run with --trace, --plots and --explain is one run. */
struct runner_extras {
    int trace_format; /* < 0: no trace */
    bool timeline;
    int narrate_lang; /* < 0: no narration; else enum narr_lang */
};

/* Build and run. trace_format < 0: no trace. */
void runner_run(struct runner *r, const struct scenario *scn, const struct sim_options *opt,
                int trace_format);
/* Invariants that broke and that the scenario checks but does not expect to break. */
uint32_t runner_unexpected(const struct runner *r);
/* Build and run with the optional observers of `x`. */
void runner_run_with(struct runner *r, const struct scenario *scn, const struct sim_options *opt,
                     const struct runner_extras *x);
void runner_fini(struct runner *r);

#endif
