/* One simulated run with its observers. */
#include "sim/runner.h"

void runner_run_with(struct runner *r, const struct scenario *scn, const struct sim_options *opt,
                     const struct runner_extras *x)
{
    *r = (struct runner){0};
    r->sim = sim_new(scn, opt);
    /* Registration order matters: the history first, then the writers, and the invariant
     * checker last, so a violation line follows its cause in the trace. */
    r->hist = history_new(r->sim);
    if (x->trace_format >= 0)
        r->trace = trace_new(r->sim, (enum trace_format)x->trace_format);
    if (x->timeline)
        r->timeline = timeline_new(r->sim);
    if (x->narrate_lang >= 0)
        r->narr = narrator_new(r->sim, (enum narr_lang)x->narrate_lang);
    r->inv = invariants_new(r->sim, r->hist);
    sim_run(r->sim);
}

void runner_run(struct runner *r, const struct scenario *scn, const struct sim_options *opt,
                int trace_format)
{
    struct runner_extras x = {.trace_format = trace_format, .narrate_lang = -1};
    runner_run_with(r, scn, opt, &x);
}

uint32_t runner_unexpected(const struct runner *r)
{
    const struct scn_expect *e = &r->sim->scn->expect;
    return invariants_broken(r->inv) & e->invariants & ~e->violations;
}

void runner_fini(struct runner *r)
{
    invariants_free(r->inv);
    narrator_free(r->narr);
    timeline_free(r->timeline);
    trace_free(r->trace);
    history_free(r->hist);
    sim_free(r->sim);
    *r = (struct runner){0};
}
