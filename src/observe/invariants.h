/* The invariant checker: the guarantees of docs/scenario-format.md ("Invariants") checked
 * online after every change. It reads the store and the change stream, never writes the
 * model, and reports each violation once per episode (in the history, and as a
 * CH_VIOLATION change that the trace shows right after its cause). Register it after the
 * history and the trace. */
#ifndef SSSIM_INVARIANTS_H
#define SSSIM_INVARIANTS_H

#include "observe/history.h"

struct invariants;

struct invariants *invariants_new(struct sim *sim, struct history *h);
void invariants_free(struct invariants *inv);
/* Bits of enum invariant that broke at least once. */
uint32_t invariants_broken(const struct invariants *inv);
/* One-sentence statement of the guarantee (for reports and docs). */
const char *invariants_guarantee(enum invariant i);

#endif
