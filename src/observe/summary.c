/* The summary document of a run. */
#include "observe/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/faults.h"
#include "controllers/statefulset.h"

void summary_uid(uint32_t pod, char buf[37])
{
    uint64_t a = mix64(pod + 1), b = mix64(a ^ 0x5555);
    snprintf(buf, 37, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff, (unsigned)(b >> 52) & 0xfff,
             (unsigned long long)(b & 0xffffffffffffull));
}

static void put_time(struct strbuf *o, int64_t t)
{
    if (t == TIME_NEVER || t < 0)
        strbuf_puts(o, "null");
    else
        strbuf_seconds(o, t);
}

static int cmp_identity(const void *a, const void *b)
{
    const struct identity *x = *(const struct identity *const *)a;
    const struct identity *y = *(const struct identity *const *)b;
    if (x->sts != y->sts)
        return x->sts < y->sts ? -1 : 1;
    return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
}

/* Identities sorted by set, then ordinal. Caller frees. */
static const struct identity **sorted_identities(const struct history *h)
{
    const struct identity **ids = xmalloc((h->nids ? h->nids : 1) * sizeof *ids);
    for (uint32_t i = 0; i < h->nids; i++)
        ids[i] = &h->ids[i];
    qsort(ids, h->nids, sizeof *ids, cmp_identity);
    return ids;
}

static void put_sets(const struct history *h, struct strbuf *o)
{
    const struct sim *sim = h->sim;
    const struct store *st = sim->store;
    strbuf_puts(o, "  \"statefulSets\": {");
    for (uint32_t s = 0; s < st->nsets; s++) {
        const struct statefulset *set = &st->sets[s];
        const struct sts_status *ss = &set->status;
        strbuf_puts(o, s ? ",\n    " : "\n    ");
        strbuf_json_string(o, set->name);
        strbuf_printf(o, ": {\"replicas\": %d, \"readyReplicas\": %d, \"currentReplicas\": %d, "
                         "\"updatedReplicas\": %d, \"availableReplicas\": %d, "
                         "\"specReplicas\": %d, \"currentRevision\": ",
                      ss->replicas, ss->ready_replicas, ss->current_replicas,
                      ss->updated_replicas, ss->available_replicas, set->replicas);
        if (ss->current_revision != NONE_ID)
            strbuf_json_string(o, st->revisions[ss->current_revision].name);
        else
            strbuf_puts(o, "null");
        strbuf_puts(o, ", \"updateRevision\": ");
        if (ss->update_revision != NONE_ID)
            strbuf_json_string(o, st->revisions[ss->update_revision].name);
        else
            strbuf_puts(o, "null");
        strbuf_printf(o, ", \"observedGeneration\": %lld, \"blocked\": ",
                      (long long)ss->observed_generation);
        strbuf_json_string(o, sts_blocked_reason(sim, s));
        strbuf_puts(o, "}");
    }
    strbuf_puts(o, st->nsets ? "\n  },\n" : "},\n");
}

static void put_pods(const struct history *h, struct strbuf *o)
{
    const struct store *st = h->sim->store;
    const struct identity **ids = sorted_identities(h);
    strbuf_puts(o, "  \"pods\": [");
    for (uint32_t i = 0; i < h->nids; i++) {
        const struct identity *id = ids[i];
        strbuf_puts(o, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        strbuf_json_string(o, id->name);
        strbuf_puts(o, ", \"statefulSet\": ");
        strbuf_json_string(o, st->sets[id->sts].name);
        strbuf_printf(o, ", \"ordinal\": %d, \"serving\": %s, \"downtimeSeconds\": ", id->ordinal,
                      id->serving ? "true" : "false");
        put_time(o, history_downtime(id, h->sim->now));
        strbuf_puts(o, ", \"incarnations\": [");
        for (uint32_t k = 0; k < id->nincs; k++) {
            const struct incarnation ik = history_incarnation(h, id, k);
            const struct incarnation *inc = &ik;
            const struct pod *p = &st->pods[inc->pod];
            char uid[37];
            summary_uid(inc->pod, uid);
            strbuf_puts(o, k ? ",\n      {\"uid\": " : "\n      {\"uid\": ");
            strbuf_json_string(o, uid);
            strbuf_puts(o, ", \"node\": ");
            if (inc->node != NONE_ID)
                strbuf_json_string(o, st->nodes[inc->node].name);
            else
                strbuf_puts(o, "null");
            strbuf_puts(o, ", \"revision\": ");
            if (p->revision != NONE_ID)
                strbuf_json_string(o, st->revisions[p->revision].name);
            else
                strbuf_puts(o, "null");
            const char *names[] = {"created", "scheduled", "attached", "running",
                                   "ready",   "deleted",   "gone"};
            const int64_t vals[] = {inc->created, inc->scheduled, inc->attached, inc->running,
                                    inc->ready,   inc->deleted,   inc->gone};
            for (size_t f = 0; f < ARRAY_LEN(names); f++) {
                strbuf_printf(o, ", \"%s\": ", names[f]);
                put_time(o, vals[f]);
            }
            strbuf_printf(o, ", \"restarts\": %u, \"phase\": ", p->restarts);
            strbuf_json_string(o, p->gone ? "Deleted"
                                  : pod_terminating(p) ? "Terminating"
                                                       : pod_phase_name(p->phase));
            strbuf_printf(o, ", \"readyAtEnd\": %s}", (!p->gone && p->ready) ? "true" : "false");
        }
        strbuf_puts(o, id->nincs ? "\n    ]}" : "]}");
    }
    strbuf_puts(o, h->nids ? "\n  ],\n" : "],\n");
    free(ids);
}

static void put_claims(const struct history *h, struct strbuf *o)
{
    const struct store *st = h->sim->store;
    strbuf_puts(o, "  \"claims\": [");
    for (uint32_t i = 0; i < st->npvcs; i++) {
        const struct pvc *c = &st->pvcs[i];
        strbuf_puts(o, i ? ",\n    {\"name\": " : "\n    {\"name\": ");
        strbuf_json_string(o, c->name);
        strbuf_puts(o, ", \"created\": ");
        put_time(o, c->created);
        strbuf_puts(o, ", \"deleted\": ");
        put_time(o, c->deletion_ts);
        strbuf_puts(o, ", \"volume\": ");
        if (c->pv != NONE_ID)
            strbuf_json_string(o, st->pvs[c->pv].name);
        else
            strbuf_puts(o, "null");
        strbuf_puts(o, ", \"zone\": ");
        if (c->pv != NONE_ID && st->pvs[c->pv].zone != NONE_ID)
            strbuf_json_string(o, st->zones[st->pvs[c->pv].zone].name);
        else
            strbuf_puts(o, "null");
        strbuf_puts(o, ", \"attachments\": [");
        const struct claim_history *ch = i < h->nclaims ? &h->claims[i] : NULL;
        const struct claim_attachment *at = ch ? history_claim_first(h, ch) : NULL;
        for (uint32_t k = 0; at != NULL; k++, at = history_claim_next(h, at)) {
            strbuf_puts(o, k ? ", {\"node\": " : "{\"node\": ");
            strbuf_json_string(o, st->nodes[at->node].name);
            strbuf_puts(o, ", \"attached\": ");
            put_time(o, at->attached);
            strbuf_puts(o, ", \"detached\": ");
            put_time(o, at->detached);
            strbuf_puts(o, "}");
        }
        strbuf_puts(o, "]}");
    }
    strbuf_puts(o, st->npvcs ? "\n  ],\n" : "],\n");
}

static void put_faults(const struct history *h, struct strbuf *o)
{
    const struct sim *sim = h->sim;
    const struct store *st = sim->store;
    strbuf_puts(o, "  \"faults\": [");
    for (uint32_t i = 0; i < sim->scn->nfaults; i++) {
        const struct fault_record *fr = faults_record(sim, i);
        struct fault_figures ff;
        history_fault_figures(h, i, &ff);
        strbuf_printf(o, "%s{\"index\": %u, \"do\": ", i ? ",\n    " : "\n    ", i);
        strbuf_json_string(o, fault_do_name(sim->scn->faults[i].what));
        strbuf_puts(o, ", \"at\": ");
        strbuf_seconds(o, sim->scn->faults[i].at);
        strbuf_printf(o, ", \"applied\": %s, \"node\": ", fr->applied ? "true" : "false");
        if (fr->node != NONE_ID)
            strbuf_json_string(o, st->nodes[fr->node].name);
        else
            strbuf_puts(o, "null");
        strbuf_puts(o, ", \"affectedPods\": [");
        for (uint32_t k = 0; k < fr->npods; k++) {
            if (k)
                strbuf_puts(o, ", ");
            strbuf_json_string(o, st->pods[fr->pods[k]].name);
        }
        strbuf_puts(o, "], \"recoveredAt\": ");
        put_time(o, fr->applied ? ff.recovered_at : TIME_NEVER);
        strbuf_puts(o, ", \"recoverySeconds\": ");
        put_time(o, fr->applied ? ff.recovery : TIME_NEVER);
        const char *names[] = {"timeToDeletionRequest", "timeToReplacementCreated",
                               "timeToReplacementScheduled", "timeToReplacementAttached",
                               "timeToReplacementReady", "multiAttachWaitSeconds"};
        const int64_t vals[] = {ff.to_deletion, ff.to_replacement_created,
                                ff.to_replacement_scheduled, ff.to_replacement_attached,
                                ff.to_replacement_ready, ff.multi_attach_wait};
        for (size_t f = 0; f < ARRAY_LEN(names); f++) {
            strbuf_printf(o, ", \"%s\": ", names[f]);
            put_time(o, vals[f]);
        }
        if (fr->note) {
            strbuf_puts(o, ", \"note\": ");
            strbuf_json_string(o, fr->note);
        }
        strbuf_puts(o, "}");
    }
    strbuf_puts(o, sim->scn->nfaults ? "\n  ],\n" : "],\n");
}

static void put_violations(const struct history *h, struct strbuf *o)
{
    strbuf_puts(o, "  \"violations\": [");
    for (uint32_t i = 0; i < h->nviolations; i++) {
        const struct violation_record *v = &h->violations[i];
        strbuf_puts(o, i ? ",\n    {\"invariant\": " : "\n    {\"invariant\": ");
        strbuf_json_string(o, invariant_name(v->invariant));
        strbuf_puts(o, ", \"at\": ");
        strbuf_seconds(o, v->at);
        strbuf_printf(o, ", \"seq\": %llu, \"message\": ", (unsigned long long)v->seq);
        strbuf_json_string(o, v->message);
        strbuf_puts(o, "}");
    }
    strbuf_puts(o, h->nviolations ? "\n  ]\n" : "]\n");
}

void summary_build(const struct history *h, struct strbuf *o)
{
    const struct sim *sim = h->sim;
    strbuf_puts(o, "{\n  \"scenario\": ");
    strbuf_json_string(o, sim->scn->name);
    strbuf_printf(o, ",\n  \"seed\": %llu,\n  \"simulatedSeconds\": ",
                  (unsigned long long)sim->seed);
    strbuf_seconds(o, sim->now);
    strbuf_printf(o, ",\n  \"events\": %llu,\n  \"stoppedAtEventCap\": %s,\n",
                  (unsigned long long)sim->events, sim->hit_event_cap ? "true" : "false");
    strbuf_puts(o, "  \"metrics\": {\"fullReadySeconds\": ");
    put_time(o, h->full_ready);
    strbuf_puts(o, "},\n");
    put_sets(h, o);
    put_pods(h, o);
    put_claims(h, o);
    put_faults(h, o);
    put_violations(h, o);
    strbuf_puts(o, "}\n");
}

static double as_seconds(int64_t t)
{
    return t == TIME_NEVER || t < 0 ? NAN : ns_to_sec(t);
}

int summary_metric(const struct history *h, const char *metric, int32_t fault, const char *pod,
                   double *value)
{
    const struct sim *sim = h->sim;
    if (strcmp(metric, "events") == 0) {
        *value = (double)sim->events;
        return 0;
    }
    if (strcmp(metric, "violations") == 0) {
        *value = h->nviolations;
        return 0;
    }
    if (strcmp(metric, "fullReadySeconds") == 0) {
        *value = as_seconds(h->full_ready);
        return 0;
    }
    if (pod != NULL) {
        const struct identity *id = history_identity(h, pod);
        if (id == NULL)
            return -1;
        if (strcmp(metric, "downtimeSeconds") == 0)
            *value = ns_to_sec(history_downtime(id, sim->now));
        else if (strcmp(metric, "createdAt") == 0)
            *value = id->nincs ? as_seconds(history_incarnation(h, id, 0).created) : NAN;
        else if (strcmp(metric, "readyAt") == 0)
            *value = id->nincs ? as_seconds(history_incarnation(h, id, 0).ready) : NAN;
        else if (strcmp(metric, "incarnations") == 0)
            *value = id->nincs;
        else if (strcmp(metric, "restarts") == 0) {
            uint32_t last = id->nincs ? history_incarnation(h, id, id->nincs - 1).pod : NONE_ID;
            *value = last != NONE_ID ? sim->store->pods[last].restarts : 0;
        } else
            return -1;
        return 0;
    }
    if (fault < 0 || (uint32_t)fault >= sim->scn->nfaults)
        return -1;
    struct fault_figures ff;
    history_fault_figures(h, (uint32_t)fault, &ff);
    static const char *const names[] = {
        "recoverySeconds",          "timeToDeletionRequest",      "timeToReplacementCreated",
        "timeToReplacementScheduled", "timeToReplacementAttached", "timeToReplacementReady",
        "multiAttachWaitSeconds"};
    const int64_t vals[] = {ff.recovery,
                            ff.to_deletion,
                            ff.to_replacement_created,
                            ff.to_replacement_scheduled,
                            ff.to_replacement_attached,
                            ff.to_replacement_ready,
                            ff.multi_attach_wait};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        if (strcmp(metric, names[i]) == 0) {
            *value = ff.applied ? as_seconds(vals[i]) : NAN;
            return 0;
        }
    }
    return -1;
}
