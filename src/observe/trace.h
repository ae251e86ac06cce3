/* The trace: one record per change, kept in memory and written whole at the end
 * (JSON Lines by default; CSV). Or a view of the run drawn from the same changes:
 * Chrome trace event JSON (for https://ui.perfetto.dev or chrome://tracing: a "pods"
 * process with one track per StatefulSet identity, complete events for its phases
 * Pending, ContainerCreating, Running, NotReady, Ready, Terminating, a track for a
 * container that outlived its Pod object, a "nodes" process with one track per node and
 * its Ready condition, instant events for faults, violations, Multi-Attach errors and
 * node events), or a Mermaid gantt chart (one section per identity, a bar per phase,
 * milestones for the scenario's faults and for violations) to paste into Markdown. */
#ifndef SSSIM_TRACE_H
#define SSSIM_TRACE_H

#include "sim/sim.h"

enum trace_format { TRACE_JSONL, TRACE_CSV, TRACE_CHROME, TRACE_MERMAID };

struct trace;

/* Parse "jsonl", "csv", "chrome", "mermaid"; -1 if unknown. */
int trace_format_parse(const char *name);
/* Start recording (registers a watcher and turns on message text in the store). */
struct trace *trace_new(struct sim *sim, enum trace_format fmt);
void trace_free(struct trace *t);
/* Write the trace to path ("-" = stdout), whole or not at all. 0 or -1 (errno). */
int trace_write(struct trace *t, const char *path);
/* The trace text (valid until trace_free). The chrome and mermaid views are built by the
 * first call, normally after the run: a call before CH_RUN_END draws the run so far and
 * ends the recording. */
const char *trace_text(struct trace *t, size_t *len);

#endif
