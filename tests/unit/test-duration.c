/* Unit tests of Go-style duration parsing and formatting and of clock formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "engine/duration.h"
#include "engine/simtime.h"

#define US INT64_C(1000)
#define MIN (60 * NS_PER_SEC)
#define HOUR (60 * MIN)

static void duration_parse_accepts_what_go_accepts(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t ns;
    } cases[] = {
        {"0", 0},
        {"0s", 0},
        {"+0", 0},
        {"1h30m", HOUR + 30 * MIN},
        {"300ms", 300 * NS_PER_MS},
        {"1.5s", 1500 * NS_PER_MS},
        {"2h45m30.5s", 2 * HOUR + 45 * MIN + 30 * NS_PER_SEC + 500 * NS_PER_MS},
        {"5us", 5 * US},
        {"5\xc2\xb5s", 5 * US}, /* micro sign */
        {"5\xce\xbcs", 5 * US}, /* Greek mu */
        {"10ns", 10},
        {".5s", 500 * NS_PER_MS},
        {"1.s", NS_PER_SEC},
        {"+5s", 5 * NS_PER_SEC},
        {"1.000000001s", NS_PER_SEC + 1},
        {"1.0000000001s", NS_PER_SEC}, /* below a nanosecond is dropped, as in Go */
        {"1h1h", 2 * HOUR},
        {"3m2s1ms", 3 * MIN + 2 * NS_PER_SEC + NS_PER_MS},
        {"0.1h", 6 * MIN},
        {"2562047h", 2562047 * HOUR},
        {"9223372036854775807ns", INT64_MAX},
        {"2562047h47m16.854775807s", INT64_MAX},
        {"1.00000000000000000000000000000000000000000001s", NS_PER_SEC},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ns = -42;
        const char *why = NULL;
        int rc = duration_parse(cases[i].in, &ns, &why);
        if (rc != 0)
            print_error("\"%s\": %s\n", cases[i].in, why);
        assert_int_equal(rc, 0);
        assert_int_equal(ns, cases[i].ns);
    }
}

static void duration_parse_rejects_malformed_negative_and_overflowing_strings(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "-1s", "-0s", "5", "1x", "s", ".s", ".", "1.", "+", "-", "1s ", " 1s", "1 s",
        "NaN", "nan", "inf", "1e3s", "1,5s", "1S", "1sec", "5m-3s", "9999999999h",
        "9223372036854775808ns", "2562047h47m16.854775808s", "99999999999999999999ns",
        "2562048h", "1h2562047h",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ns = 42;
        const char *why = NULL;
        int rc = duration_parse(bad[i], &ns, &why);
        if (rc != -1)
            print_error("\"%s\" was accepted as %lld\n", bad[i], (long long)ns);
        assert_int_equal(rc, -1);
        assert_non_null(why);
        assert_int_equal(ns, 42);
    }
}

static void duration_format_matches_go(void **state)
{
    (void)state;
    static const struct {
        int64_t ns;
        const char *out;
    } cases[] = {
        {0, "0s"},
        {1, "1ns"},
        {999, "999ns"},
        {US, "1us"},
        {1500, "1.5us"},
        {300 * NS_PER_MS, "300ms"},
        {1500 * US, "1.5ms"},
        {NS_PER_SEC, "1s"},
        {1500 * NS_PER_MS, "1.5s"},
        {5 * MIN, "5m0s"},
        {HOUR + 30 * MIN, "1h30m0s"},
        {2 * HOUR + 45 * MIN + 30 * NS_PER_SEC + 500 * NS_PER_MS, "2h45m30.5s"},
        {NS_PER_SEC + 1, "1.000000001s"},
        {-5 * NS_PER_SEC, "-5s"},
        {INT64_MAX, "2562047h47m16.854775807s"},
        {INT64_MIN, "-2562047h47m16.854775808s"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        duration_format(cases[i].ns, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].out);
    }
}

static void duration_format_truncates_to_the_buffer(void **state)
{
    (void)state;
    char buf[4];
    duration_format(HOUR + 30 * MIN, buf, sizeof(buf));
    assert_string_equal(buf, "1h3");
}

static void duration_format_output_parses_back_to_the_same_value(void **state)
{
    (void)state;
    static const int64_t values[] = {0, 1, 999, 1000, 123456, 300 * NS_PER_MS,
                                     61 * NS_PER_SEC + 1, 25 * HOUR + 7, INT64_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char buf[64];
        int64_t ns;
        const char *why;
        duration_format(values[i], buf, sizeof(buf));
        assert_int_equal(duration_parse(buf, &ns, &why), 0);
        assert_int_equal(ns, values[i]);
    }
}

static void duration_from_seconds_accepts_finite_non_negative_values(void **state)
{
    (void)state;
    int64_t ns;
    const char *why;
    assert_int_equal(duration_from_seconds(0, &ns, &why), 0);
    assert_int_equal(ns, 0);
    assert_int_equal(duration_from_seconds(-0.0, &ns, &why), 0);
    assert_int_equal(ns, 0);
    assert_int_equal(duration_from_seconds(1.5, &ns, &why), 0);
    assert_int_equal(ns, 1500 * NS_PER_MS);
    assert_int_equal(duration_from_seconds(0.1, &ns, &why), 0);
    assert_int_equal(ns, 100 * NS_PER_MS);
    assert_int_equal(duration_from_seconds(1e-9, &ns, &why), 0);
    assert_int_equal(ns, 1);
    assert_int_equal(duration_from_seconds(9.2e9, &ns, &why), 0);
    assert_int_equal(ns, INT64_C(9200000000000000000));
}

static void duration_from_seconds_rejects_negative_nan_infinite_and_huge_values(void **state)
{
    (void)state;
    static const double bad[] = {-1, -1e-9, NAN, INFINITY, -INFINITY, 9.3e9, 1e300};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ns = 42;
        const char *why = NULL;
        assert_int_equal(duration_from_seconds(bad[i], &ns, &why), -1);
        assert_non_null(why);
        assert_int_equal(ns, 42);
    }
}

static void clock_format_prints_hours_minutes_seconds_and_milliseconds(void **state)
{
    (void)state;
    static const struct {
        int64_t ns;
        const char *out;
    } cases[] = {
        {0, "00:00:00"},
        {170 * NS_PER_SEC, "00:02:50"},
        {170 * NS_PER_SEC + 125 * NS_PER_MS, "00:02:50.125"},
        {170 * NS_PER_SEC + 999999999, "00:02:50.999"},
        {NS_PER_SEC + 1, "00:00:01.000"},
        {HOUR + MIN + NS_PER_SEC, "01:01:01"},
        {100 * HOUR, "100:00:00"},
        {-1500 * NS_PER_MS, "-00:00:01.500"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        clock_format(cases[i].ns, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(duration_parse_accepts_what_go_accepts),
        cmocka_unit_test(duration_parse_rejects_malformed_negative_and_overflowing_strings),
        cmocka_unit_test(duration_format_matches_go),
        cmocka_unit_test(duration_format_truncates_to_the_buffer),
        cmocka_unit_test(duration_format_output_parses_back_to_the_same_value),
        cmocka_unit_test(duration_from_seconds_accepts_finite_non_negative_values),
        cmocka_unit_test(duration_from_seconds_rejects_negative_nan_infinite_and_huge_values),
        cmocka_unit_test(clock_format_prints_hours_minutes_seconds_and_milliseconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
