/* Short human sentences for changes: the "message" of a trace record and the raw
 * material of the narration. */
#ifndef SSSIM_DESCRIBE_H
#define SSSIM_DESCRIBE_H

#include "sim/sim.h"
#include "util/util.h"

/* Name of the object a change is about ("web-1", "node-b", "www-web-1"). */
const char *describe_object(const struct sim *sim, const struct change *c);
/* Append a one-line message for the change (the change's own text when it has one). */
void describe_change(const struct sim *sim, const struct change *c, struct strbuf *out);

#endif
