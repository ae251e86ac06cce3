/* One simulated run with its observers wired in the right order (history, trace,
 * invariants), shared by run and check. */
#ifndef SSSIM_RUNNER_H
#define SSSIM_RUNNER_H

#include "observe/history.h"
#include "observe/invariants.h"
#include "observe/trace.h"
#include "sim/sim.h"

struct runner {
    struct sim *sim;
    struct history *hist;
    struct trace *trace; /* NULL without a trace */
    struct invariants *inv;
};

/* Build and run. trace_format < 0: no trace. */
void runner_run(struct runner *r, const struct scenario *scn, const struct sim_options *opt,
                int trace_format);
/* Invariants that broke and that the scenario checks but does not expect to break. */
uint32_t runner_unexpected(const struct runner *r);
void runner_fini(struct runner *r);

#endif
