/* A scenario's `expect` block judged against a finished run: invariants that broke
 * without being expected, expected violations that did not happen, metrics out of bounds. */
#ifndef SSSIM_EXPECT_H
#define SSSIM_EXPECT_H

#include "observe/history.h"
#include "util/util.h"

/* Returns the number of failed expectations and appends one reason per failure to `why`
 * ("; "-separated). `broken` is the bit set from invariants_broken(). A metric whose
 * moment never came counts as +infinity. */
int expect_evaluate(const struct history *h, uint32_t broken, struct strbuf *why);

#endif
