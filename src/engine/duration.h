/* Go/Kubernetes duration strings ("300ms", "1h30m", "-1.5h" is rejected) and their
 * formatting, in nanoseconds. */
#ifndef SSSIM_DURATION_H
#define SSSIM_DURATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse a Go duration string: a sequence of decimal numbers with units
 * ns, us (or µs), ms, s, m, h. A bare "0" is allowed. Negative values, empty strings,
 * missing units and overflow (> about 292 years) are errors.
 * Returns 0 and sets *ns, or -1 with *why set to a short reason. */
int duration_parse(const char *s, int64_t *ns, const char **why);
/* Seconds given as a JSON number; same rules (non-negative, finite, in range). */
int duration_from_seconds(double sec, int64_t *ns, const char **why);
/* Format like Go's Duration.String(): "5m0s", "1h30m0s", "300ms", "0s", except that
 * microseconds print as "us" rather than "µs" to keep all output ASCII. */
void duration_format(int64_t ns, char *buf, size_t size);
/* Format a point in time as HH:MM:SS (or HH:MM:SS.mmm when not whole seconds). */
void clock_format(int64_t ns, char *buf, size_t size);

#endif
