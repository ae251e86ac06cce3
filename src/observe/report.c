/* The short human-readable report printed after a run. */
#include "observe/report.h"

#include <stdlib.h>
#include <string.h>

#include "controllers/faults.h"
#include "controllers/statefulset.h"
#include "engine/duration.h"

static void clock_or_dash(struct strbuf *o, int64_t t)
{
    char buf[32];
    if (t == TIME_NEVER || t < 0) {
        strbuf_printf(o, " %12s", "-");
        return;
    }
    clock_format(t, buf, sizeof buf);
    strbuf_printf(o, " %12s", buf);
}

static const char *pod_state(const struct pod *p)
{
    if (p->gone)
        return "Deleted";
    if (pod_terminating(p))
        return "Terminating";
    if (p->phase == PHASE_RUNNING)
        return p->ready ? "Running, Ready" : "Running, not Ready";
    if (p->phase == PHASE_PENDING)
        return p->reason && strcmp(p->reason, "Pending") != 0 ? p->reason : "Pending";
    return pod_phase_name(p->phase);
}

void report_build(const struct history *h, struct strbuf *o)
{
    const struct sim *sim = h->sim;
    const struct store *st = sim->store;
    char dur[32];
    duration_format(sim->now, dur, sizeof dur);
    strbuf_printf(o, "%s (seed %llu): simulated %s, %llu events\n", sim->scn->name,
                  (unsigned long long)sim->seed, dur, (unsigned long long)sim->events);
    if (sim->hit_event_cap)
        strbuf_printf(o, "  stopped at the event cap (maxEvents %llu)\n",
                      (unsigned long long)sim->max_events);
    /* A cluster of many sets gets one line for all of them and detail for the first few
     * that are not whole: a report is for reading. */
    enum { DETAIL_SETS = 8 };
    uint32_t whole = 0, shown = 0;
    for (uint32_t s = 0; s < st->nsets; s++)
        if (st->sets[s].status.ready_replicas == st->sets[s].replicas)
            whole++;
    if (st->nsets > DETAIL_SETS)
        strbuf_printf(o, "\n%u StatefulSets: %u with every replica ready, %u not; details of "
                         "the first %d that are not:\n",
                      st->nsets, whole, st->nsets - whole, DETAIL_SETS);
    for (uint32_t s = 0; s < st->nsets; s++) {
        const struct statefulset *set = &st->sets[s];
        const struct sts_status *ss = &set->status;
        if (st->nsets > DETAIL_SETS &&
            (ss->ready_replicas == set->replicas || shown++ >= DETAIL_SETS))
            continue;
        strbuf_printf(o, "\nStatefulSet %s: %d/%d ready (replicas %d, current %d, updated %d, "
                         "available %d)\n",
                      set->name, ss->ready_replicas, set->replicas, ss->replicas,
                      ss->current_replicas, ss->updated_replicas, ss->available_replicas);
        const char *why = sts_blocked_reason(sim, s);
        if (why && why[0])
            strbuf_printf(o, "  blocked: %s\n", why);
        strbuf_printf(o, "  %-9s %-11s %-19s %12s %12s %12s %9s\n", "pod", "node", "state", "created", "ready", "deleted", "restarts");
        for (uint32_t ord = 0; ord < history_ordinal_bound(h, s); ord++) {
            const struct identity *id = history_identity_of(h, s, (int32_t)ord);
            if (id == NULL || id->nincs == 0)
                continue;
            const struct incarnation last = history_incarnation(h, id, id->nincs - 1);
            const struct incarnation *inc = &last;
            const struct pod *p = &st->pods[inc->pod];
            strbuf_printf(o, "  %-9s %-11s %-19s ", id->name,
                          inc->node != NONE_ID ? st->nodes[inc->node].name : "-", pod_state(p));
            clock_or_dash(o, inc->created);
            clock_or_dash(o, inc->ready);
            clock_or_dash(o, inc->deleted);
            strbuf_printf(o, " %9u", p->restarts);
            if (id->nincs > 1)
                strbuf_printf(o, "  (incarnation %u)", id->nincs);
            strbuf_putc(o, '\n');
        }
    }
    if (sim->scn->nfaults)
        strbuf_puts(o, "\nfaults:\n");
    for (uint32_t i = 0; i < sim->scn->nfaults; i++) {
        const struct scn_fault *f = &sim->scn->faults[i];
        const struct fault_record *fr = faults_record(sim, i);
        char at[32];
        clock_format(f->at, at, sizeof at);
        strbuf_printf(o, "  #%u %s %s", i, at, fault_do_name(f->what));
        if (fr->node != NONE_ID)
            strbuf_printf(o, " %s", st->nodes[fr->node].name);
        else if (f->zone != NULL)
            strbuf_printf(o, " %s", f->zone);
        if (!fr->applied) {
            strbuf_printf(o, ": not applied (%s)\n", fr->note ? fr->note : "not reached");
            continue;
        }
        if (fr->npods) {
            strbuf_puts(o, ", affected");
            for (uint32_t k = 0; k < fr->npods && k < 10; k++)
                strbuf_printf(o, " %s", st->pods[fr->pods[k]].name);
            if (fr->npods > 10)
                strbuf_printf(o, " and %u more", fr->npods - 10);
        }
        struct fault_figures ff;
        history_fault_figures(h, i, &ff);
        if (ff.recovery == TIME_NEVER) {
            strbuf_puts(o, ": NOT recovered by the end of the run\n");
        } else if (ff.recovery == 0) {
            strbuf_puts(o, ": no affected pod stopped serving\n");
        } else {
            /* Milliseconds are the precision a reader can use. */
            duration_format((ff.recovery + NS_PER_MS / 2) / NS_PER_MS * NS_PER_MS, dur,
                            sizeof dur);
            strbuf_printf(o, ": recovered after %s\n", dur);
        }
    }
    if (h->nviolations == 0) {
        strbuf_puts(o, "\ninvariants: all held\n");
        return;
    }
    strbuf_printf(o, "\ninvariants: %u violation(s)\n", h->nviolations);
    for (uint32_t i = 0; i < h->nviolations; i++) {
        const struct violation_record *v = &h->violations[i];
        char at[32];
        clock_format(v->at, at, sizeof at);
        strbuf_printf(o, "  %s %s: %s\n", at, invariant_name(v->invariant), v->message);
    }
}
