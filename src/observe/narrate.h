/* The narrator: `sssim run --explain` tells a run as a story, one line per meaningful
 * event (creations, scheduling, Ready, node Unknown, taints, evictions, deletions, force
 * deletions, Multi-Attach, detach and attach, faults, what the StatefulSet waits for,
 * invariant violations, the end state), each saying what happened and why, in the words
 * of the concept documents, with the setting that caused it ("no Lease renewal for
 * nodeMonitorGracePeriod (50s)"). In English or in Japanese, from the same change stream.
 *
 * A read-only observer: it reads the store and the scenario, never writes the model and
 * never schedules events. It turns on message text in the store (the StatefulSet's
 * waiting reasons are read from it). Register it after the history; its lines are kept
 * in change order whatever the registration order. */
#ifndef SSSIM_NARRATE_H
#define SSSIM_NARRATE_H

#include <stddef.h>

#include "sim/sim.h"

enum narr_lang { NARR_EN, NARR_JA, NARR_LANG_COUNT };

struct narrator;

/* Parse "en" or "ja"; -1 if unknown. */
int narr_lang_parse(const char *name);
/* Start narrating a run: registers a store watcher. Call after sim_new (and history_new),
 * before sim_run. */
struct narrator *narrator_new(struct sim *sim, enum narr_lang lang);
/* Accepts NULL. */
void narrator_free(struct narrator *n);
/* The story so far, one line per event, each ending in a newline: "00:02:50 node-a
 * Unknown: ...". Complete once the run ended (CH_RUN_END adds the end state). Valid
 * until the next call or narrator_free; *len may be NULL. */
const char *narrator_text(struct narrator *n, size_t *len);

#endif
