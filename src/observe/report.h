/* The short human-readable report printed after a run. */
#ifndef SSSIM_REPORT_H
#define SSSIM_REPORT_H

#include "observe/history.h"
#include "util/util.h"

void report_build(const struct history *h, struct strbuf *out);

#endif
