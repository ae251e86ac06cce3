/* A scenario's `expect` block judged against a finished run. */
#include "observe/expect.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "observe/summary.h"

static void add_reason(struct strbuf *why, int *fails, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_reason(struct strbuf *why, int *fails, const char *fmt, ...)
{
    va_list ap;
    if (why->len)
        strbuf_puts(why, "; ");
    va_start(ap, fmt);
    strbuf_vprintf(why, fmt, ap);
    va_end(ap);
    (*fails)++;
}

int expect_evaluate(const struct history *h, uint32_t broken, struct strbuf *why)
{
    const struct scn_expect *e = &h->sim->scn->expect;
    int fails = 0;
    for (int i = 0; i < INV_COUNT; i++) {
        uint32_t bit = 1u << i;
        bool expected = (e->violations & bit) != 0;
        bool checked = (e->invariants & bit) != 0 || expected;
        if (!checked)
            continue;
        if ((broken & bit) && !expected) {
            const char *msg = "";
            for (uint32_t k = 0; k < h->nviolations; k++)
                if (h->violations[k].invariant == (enum invariant)i) {
                    msg = h->violations[k].message;
                    break;
                }
            add_reason(why, &fails, "%s broke: %s", invariant_name((enum invariant)i), msg);
        } else if (!(broken & bit) && expected) {
            add_reason(why, &fails, "%s was expected to break and held",
                       invariant_name((enum invariant)i));
        }
    }
    for (uint32_t i = 0; i < e->nmetrics; i++) {
        const struct scn_metric_bound *m = &e->metrics[i];
        double v;
        if (summary_metric(h, m->metric, m->fault, m->pod, &v) != 0) {
            add_reason(why, &fails, "metric %s does not apply", m->metric);
            continue;
        }
        if (isnan(v))
            v = INFINITY;
        char where[96] = "";
        if (m->pod)
            snprintf(where, sizeof where, " of %s", m->pod);
        else if (m->fault >= 0)
            snprintf(where, sizeof where, " of fault %d", m->fault);
        if (m->has_min && v < m->min)
            add_reason(why, &fails, "%s%s = %g, expected >= %g", m->metric, where, v, m->min);
        if (m->has_max && v > m->max) {
            if (isinf(v))
                add_reason(why, &fails, "%s%s never came, expected <= %g", m->metric, where,
                           m->max);
            else
                add_reason(why, &fails, "%s%s = %g, expected <= %g", m->metric, where, v,
                           m->max);
        }
    }
    return fails;
}
