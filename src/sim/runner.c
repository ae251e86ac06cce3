/* One simulated run with its observers. */
#include "sim/runner.h"

void runner_run(struct runner *r, const struct scenario *scn, const struct sim_options *opt,
                int trace_format)
{
    r->sim = sim_new(scn, opt);
    r->hist = history_new(r->sim);
    r->trace = trace_format >= 0 ? trace_new(r->sim, (enum trace_format)trace_format) : NULL;
    r->inv = invariants_new(r->sim, r->hist);
    sim_run(r->sim);
}

uint32_t runner_unexpected(const struct runner *r)
{
    const struct scn_expect *e = &r->sim->scn->expect;
    return invariants_broken(r->inv) & e->invariants & ~e->violations;
}

void runner_fini(struct runner *r)
{
    invariants_free(r->inv);
    trace_free(r->trace);
    history_free(r->hist);
    sim_free(r->sim);
    *r = (struct runner){0};
}
