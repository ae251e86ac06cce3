/* Summary statistics of a sample (GSL). */
#include "observe/stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

void stats_compute(double *values, size_t count, struct stats *out)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (!isnan(values[i]))
            values[n++] = values[i];
    *out = (struct stats){.n = n, .never = count - n};
    if (n == 0) {
        out->mean = out->stddev = out->min = out->p50 = out->p90 = out->p99 = out->max =
            out->ci_lo = out->ci_hi = NAN;
        return;
    }
    gsl_sort(values, 1, n);
    out->mean = gsl_stats_mean(values, 1, n);
    out->stddev = n > 1 ? gsl_stats_sd_m(values, 1, n, out->mean) : 0.0;
    out->min = values[0];
    out->max = values[n - 1];
    out->p50 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.50);
    out->p90 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.90);
    out->p99 = gsl_stats_quantile_from_sorted_data(values, 1, n, 0.99);
    double half = 0.0;
    if (n > 1)
        half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * out->stddev / sqrt((double)n);
    out->ci_lo = out->mean - half;
    out->ci_hi = out->mean + half;
}

static void num(struct strbuf *o, double v)
{
    if (isnan(v) || isinf(v))
        strbuf_puts(o, "null");
    else
        strbuf_printf(o, "%.6g", v);
}

void stats_json(const struct stats *s, struct strbuf *o)
{
    strbuf_printf(o, "{\"n\": %zu, \"never\": %zu, \"mean\": ", s->n, s->never);
    num(o, s->mean);
    const char *names[] = {"stddev", "min", "p50", "p90", "p99", "max"};
    const double vals[] = {s->stddev, s->min, s->p50, s->p90, s->p99, s->max};
    for (size_t i = 0; i < 6; i++) {
        strbuf_printf(o, ", \"%s\": ", names[i]);
        num(o, vals[i]);
    }
    strbuf_puts(o, ", \"ci95\": [");
    num(o, s->ci_lo);
    strbuf_puts(o, ", ");
    num(o, s->ci_hi);
    strbuf_puts(o, "]}");
}
