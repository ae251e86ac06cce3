/* Unit tests of latency distributions: sample means, clamping, constant draws nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "engine/dist.h"
#include "engine/simtime.h"
#include "util/util.h"

#define NSAMPLES 100000

static int setup_rng(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (r == NULL)
        return -1;
    gsl_rng_set(r, 12345);
    *state = r;
    return 0;
}

static int teardown_rng(void **state)
{
    gsl_rng_free(*state);
    return 0;
}

static void check_sample_mean(const struct dist *d, gsl_rng *r, double tolerance)
{
    double sum = 0;
    for (int i = 0; i < NSAMPLES; i++) {
        int64_t x = dist_sample(d, r);
        assert_true(x >= 0);
        sum += (double)x;
    }
    double got = sum / NSAMPLES;
    double want = dist_mean(d);
    if (fabs(got - want) > tolerance * want)
        print_error("%s: sample mean %.6g, analytic mean %.6g\n", dist_kind_name(d->kind), got,
                    want);
    assert_true(fabs(got - want) <= tolerance * want);
}

static void dist_uniform_sample_mean_matches_dist_mean(void **state)
{
    struct dist d = {.kind = DIST_UNIFORM, .min = SEC(1), .max = SEC(3)};
    assert_true(dist_mean(&d) == 2e9);
    check_sample_mean(&d, *state, 0.02);
}

static void dist_uniform_stays_within_its_bounds(void **state)
{
    struct dist d = {.kind = DIST_UNIFORM, .min = MSEC(200), .max = MSEC(300)};
    for (int i = 0; i < 10000; i++) {
        int64_t x = dist_sample(&d, *state);
        assert_true(x >= MSEC(200) && x <= MSEC(300));
    }
}

static void dist_exponential_sample_mean_matches_dist_mean(void **state)
{
    struct dist d = {.kind = DIST_EXPONENTIAL, .mean = SEC(2)};
    assert_true(dist_mean(&d) == 2e9);
    check_sample_mean(&d, *state, 0.02);
}

static void dist_lognormal_sample_mean_matches_dist_mean(void **state)
{
    struct dist d = {.kind = DIST_LOGNORMAL, .median = SEC(1), .sigma = 0.8};
    assert_true(fabs(dist_mean(&d) - 1e9 * exp(0.32)) < 1);
    check_sample_mean(&d, *state, 0.02);
}

static void dist_lognormal_median_is_the_median(void **state)
{
    struct dist d = {.kind = DIST_LOGNORMAL, .median = MSEC(500), .sigma = 1.2};
    int below = 0;
    for (int i = 0; i < NSAMPLES; i++)
        below += dist_sample(&d, *state) < MSEC(500);
    assert_true(fabs((double)below / NSAMPLES - 0.5) < 0.01);
}

static void dist_gamma_sample_mean_matches_dist_mean(void **state)
{
    struct dist d = {.kind = DIST_GAMMA, .shape = 2.5, .mean = SEC(3)};
    assert_true(dist_mean(&d) == 3e9);
    check_sample_mean(&d, *state, 0.02);
    struct dist small = {.kind = DIST_GAMMA, .shape = 0.5, .mean = SEC(1)};
    check_sample_mean(&small, *state, 0.02);
}

static void dist_weibull_sample_mean_matches_dist_mean(void **state)
{
    struct dist d = {.kind = DIST_WEIBULL, .shape = 1.5, .scale = SEC(2)};
    /* Gamma(1 + 1/1.5) = Gamma(5/3) = 0.902745292950934 */
    assert_true(fabs(dist_mean(&d) - 2e9 * 0.902745292950934) < 1e3);
    check_sample_mean(&d, *state, 0.02);
    struct dist heavy = {.kind = DIST_WEIBULL, .shape = 0.8, .scale = SEC(1)};
    check_sample_mean(&heavy, *state, 0.02);
}

static void dist_empirical_returns_only_the_given_samples(void **state)
{
    int64_t samples[] = {MSEC(100), MSEC(250), SEC(7)};
    struct dist d = {.kind = DIST_EMPIRICAL, .samples = samples, .nsamples = 3};
    int seen[3] = {0};
    for (int i = 0; i < 30000; i++) {
        int64_t x = dist_sample(&d, *state);
        int k = x == samples[0] ? 0 : x == samples[1] ? 1 : x == samples[2] ? 2 : -1;
        assert_true(k >= 0);
        seen[k]++;
    }
    /* Each sample is picked with probability 1/3. */
    for (int k = 0; k < 3; k++)
        assert_true(seen[k] > 9000 && seen[k] < 11000);
    check_sample_mean(&d, *state, 0.02);
}

static void dist_constant_returns_its_value(void **state)
{
    struct dist d = dist_constant(MSEC(1500));
    assert_int_equal(dist_sample(&d, *state), MSEC(1500));
    assert_true(dist_mean(&d) == 1.5e9);
}

static void dist_constant_consumes_no_random_numbers(void **state)
{
    gsl_rng *r = *state;
    gsl_rng *twin = gsl_rng_clone(r);
    assert_non_null(twin);
    struct dist d = dist_constant(SEC(3));
    for (int i = 0; i < 10; i++)
        assert_int_equal(dist_sample(&d, r), SEC(3));
    assert_memory_equal(gsl_rng_state(r), gsl_rng_state(twin), gsl_rng_size(r));
    assert_int_equal(gsl_rng_get(r), gsl_rng_get(twin));

    /* A random kind does move the generator, so the comparison above means something. */
    struct dist e = {.kind = DIST_EXPONENTIAL, .mean = SEC(1)};
    dist_sample(&e, r);
    assert_true(gsl_rng_get(r) != gsl_rng_get(twin));
    gsl_rng_free(twin);
}

static void dist_sample_clamps_to_zero_and_a_million_seconds(void **state)
{
    struct dist neg = dist_constant(-SEC(5));
    assert_int_equal(dist_sample(&neg, *state), 0);
    struct dist huge = dist_constant(SEC(2000000));
    assert_int_equal(dist_sample(&huge, *state), SEC(1000000));

    struct dist below = {.kind = DIST_UNIFORM, .min = -SEC(1), .max = SEC(1)};
    int zeros = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t x = dist_sample(&below, *state);
        assert_true(x >= 0 && x <= SEC(1));
        zeros += x == 0;
    }
    assert_true(zeros > 4000);

    struct dist far = {.kind = DIST_EXPONENTIAL, .mean = SEC(100000000)};
    for (int i = 0; i < 1000; i++) {
        int64_t x = dist_sample(&far, *state);
        assert_true(x >= 0 && x <= SEC(1000000));
    }
}

static void dist_copy_duplicates_samples_and_fini_releases_them(void **state)
{
    (void)state;
    int64_t samples[] = {1, 2, 3, 4};
    struct dist src = {.kind = DIST_EMPIRICAL, .nsamples = 4};
    src.samples = xmalloc(sizeof(samples));
    memcpy(src.samples, samples, sizeof(samples));

    struct dist dst;
    dist_copy(&dst, &src);
    assert_int_equal(dst.kind, DIST_EMPIRICAL);
    assert_int_equal(dst.nsamples, 4);
    assert_ptr_not_equal(dst.samples, src.samples);
    assert_memory_equal(dst.samples, samples, sizeof(samples));
    dist_fini(&src);
    assert_null(src.samples);
    assert_int_equal(dst.samples[3], 4);
    dist_fini(&dst);

    struct dist c = dist_constant(7), c2;
    dist_copy(&c2, &c);
    assert_null(c2.samples);
    assert_int_equal(c2.value, 7);
    dist_fini(&c2);
}

static void dist_kind_name_names_every_kind(void **state)
{
    (void)state;
    assert_string_equal(dist_kind_name(DIST_CONSTANT), "constant");
    assert_string_equal(dist_kind_name(DIST_UNIFORM), "uniform");
    assert_string_equal(dist_kind_name(DIST_EXPONENTIAL), "exponential");
    assert_string_equal(dist_kind_name(DIST_LOGNORMAL), "lognormal");
    assert_string_equal(dist_kind_name(DIST_GAMMA), "gamma");
    assert_string_equal(dist_kind_name(DIST_WEIBULL), "weibull");
    assert_string_equal(dist_kind_name(DIST_EMPIRICAL), "empirical");
    assert_string_equal(dist_kind_name((enum dist_kind)99), "unknown");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup_rng, teardown_rng)
    const struct CMUnitTest tests[] = {
        T(dist_uniform_sample_mean_matches_dist_mean),
        T(dist_uniform_stays_within_its_bounds),
        T(dist_exponential_sample_mean_matches_dist_mean),
        T(dist_lognormal_sample_mean_matches_dist_mean),
        T(dist_lognormal_median_is_the_median),
        T(dist_gamma_sample_mean_matches_dist_mean),
        T(dist_weibull_sample_mean_matches_dist_mean),
        T(dist_empirical_returns_only_the_given_samples),
        T(dist_constant_returns_its_value),
        T(dist_constant_consumes_no_random_numbers),
        T(dist_sample_clamps_to_zero_and_a_million_seconds),
        T(dist_copy_duplicates_samples_and_fini_releases_them),
        T(dist_kind_name_names_every_kind),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
