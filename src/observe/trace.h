/* The trace: one record per change, kept in memory and written whole at the end
 * (JSON Lines by default; CSV). */
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
/* The trace text (valid until trace_free). */
const char *trace_text(struct trace *t, size_t *len);

#endif
