/* Unit tests of the loader's checks of the JSON text that cJSON does not make: the text is
 * UTF-8 (no overlong forms, surrogates or code points above U+10FFFF), no string or field
 * name holds an escaped NUL, and an integer is exactly the number its literal says; the
 * same for --set values. Also: an empty nodePools[].zones is an error. */
/* cmocka.h needs these before it. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_internal.h"

/* A valid scenario around `extra` (more top-level fields, each followed by a comma). */
static struct scenario *parse_around(const char *extra, const struct scn_override *ov, size_t nov,
                                     struct scn_error *err)
{
    char text[4096];
    snprintf(text, sizeof text, "{%s \"cluster\": {\"nodes\": [{\"name\": \"n1\"}]}}", extra);
    return scenario_parse("t.json", text, strlen(text), ov, nov, err);
}

/* The load fails with this path, expected and found. */
static void assert_refused(const char *extra, const struct scn_override *ov, size_t nov,
                           const char *path, const char *expected, const char *found)
{
    struct scn_error err;
    struct scenario *s = parse_around(extra, ov, nov, &err);
    if (s != NULL || strcmp(err.path, path) != 0 || strcmp(err.expected, expected) != 0 ||
        strcmp(err.found, found) != 0)
        print_error("%s: got %s: expected %s, found %s\n", extra, err.path, err.expected,
                    err.found);
    assert_null(s);
    assert_string_equal(err.path, path);
    assert_string_equal(err.expected, expected);
    assert_string_equal(err.found, found);
}

static struct scenario *assert_loads(const char *extra, const struct scn_override *ov, size_t nov)
{
    struct scn_error err;
    struct scenario *s = parse_around(extra, ov, nov, &err);
    if (s == NULL)
        print_error("%s: %s: expected %s, found %s\n", extra, err.path, err.expected, err.found);
    assert_non_null(s);
    return s;
}

static void utf8_check_accepts_well_formed_text(void **state)
{
    (void)state;
    static const char *const good[] = {
        "",
        "plain ASCII {}[]",
        "\xc2\x80 \xc3\xa9 \xdf\xbf",             /* U+0080, e acute, U+07FF */
        "\xe0\xa0\x80 \xe2\x82\xac \xef\xbf\xbf", /* U+0800, euro sign, U+FFFF */
        "\xed\x9f\xbf \xee\x80\x80",              /* U+D7FF, U+E000: around surrogates */
        "\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf",      /* U+10000, U+10FFFF */
        "\xef\xbb\xbf{}",                         /* a byte order mark */
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80", /* CJK, an emoji */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_int_equal(scn_utf8_check(good[i], strlen(good[i])), strlen(good[i]));
}

static void utf8_check_finds_the_first_bad_sequence(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t at;
    } bad[] = {
        {"\xff", 0},
        {"node-\xff\xfeloss", 5},
        {"ab\x80", 2},           /* a continuation byte with no lead */
        {"\xc0\xaf", 0},         /* overlong '/' */
        {"\xc1\xbf", 0},         /* overlong U+007F */
        {"\xe0\x80\xaf", 0},     /* overlong '/' in three bytes */
        {"\xe0\x9f\xbf", 0},     /* overlong U+07FF */
        {"\xf0\x80\x80\xaf", 0}, /* overlong '/' in four bytes */
        {"\xf0\x8f\xbf\xbf", 0}, /* overlong U+FFFF */
        {"x\xed\xa0\x80", 1},    /* U+D800, a surrogate */
        {"\xed\xbf\xbf", 0},     /* U+DFFF */
        {"\xf4\x90\x80\x80", 0}, /* U+110000 */
        {"\xf5\x80\x80\x80", 0}, /* no lead byte above F4 */
        {"\xe2\x28\xa1", 0},     /* a lead byte without its continuation */
        {"ok \xe2\x82", 3},      /* cut at the end of the text */
        {"\xc3", 0},
        {"\xc3\xa9\xc3", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t at = scn_utf8_check(bad[i].text, strlen(bad[i].text));
        if (at != bad[i].at)
            print_error("case %zu: at %zu\n", i, at);
        assert_int_equal(at, bad[i].at);
    }
}

static void invalid_utf8_is_a_whole_file_error_with_line_and_column(void **state)
{
    (void)state;
    assert_refused("\"name\": \"node-\xff\xfeloss\",", NULL, 0, "", "UTF-8 text",
                   "byte 0xff at line 1, column 16");
    assert_refused("\n \"description\": \"\xed\xa0\x80\",", NULL, 0, "", "UTF-8 text",
                   "byte 0xed at line 2, column 18");
    scenario_free(assert_loads("\"description\": \"caf\xc3\xa9 \xf0\x9f\x98\x80\",", NULL, 0));
}

#define NUL_STRING "a string without NUL characters (\\u0000)"
#define NUL_KEY "a field name without NUL characters (\\u0000)"

static void escaped_nul_fails_naming_the_json_path(void **state)
{
    (void)state;
    assert_refused("\"name\": \"web\\u0000x\",", NULL, 0, "$.name", NUL_STRING, "\"web\\u0000x\"");
    assert_refused("\"expect\": {\"invariants\": [\"atMostOnePerIdentity\", \"x\\u0000\"]},", NULL,
                   0, "$.expect.invariants[1]", NUL_STRING, "\"x\\u0000\"");
    /* A name cut at the NUL would be a known field: "name". */
    assert_refused("\"name\\u0000x\": \"a\",", NULL, 0, "$", NUL_KEY, "\"name\\u0000x\"");
    assert_refused("\"description\": \"\\u00000\",", NULL, 0, "$.description", NUL_STRING,
                   "\"\\u00000\"");
    /* A long string is shown cut. */
    assert_refused("\"description\": \"\\u0000 and then a description that goes on and on\",", NULL,
                   0, "$.description", NUL_STRING,
                   "\"\\u0000 and then a description that goes on and on\"");
    assert_refused("\"description\": \"\\u0000 and then a description that goes on and on and on, "
                   "longer\",",
                   NULL, 0, "$.description", NUL_STRING,
                   "\"\\u0000 and then a description that goes on and on and on, l...\"");
    /* An escaped backslash before u0000, and other escapes, are not NULs. */
    struct scenario *s = assert_loads(
        "\"description\": \"a\\\\u0000b \\u0001 \\\"u0000\\\" \\ud83d\\ude00\\n\",", NULL, 0);
    scenario_free(s);
    assert_refused("\"description\": \"\\\\\\u0000\",", NULL, 0, "$.description", NUL_STRING,
                   "\"\\\\\\u0000\"");
}

#define NON_NEGATIVE "a non-negative integer"

static void integers_must_be_exactly_their_literal(void **state)
{
    (void)state;
    assert_refused("\"seed\": 9007199254740993,", NULL, 0, "$.seed", NON_NEGATIVE,
                   "9007199254740993 (not exactly representable: read as 9007199254740992)");
    assert_refused("\"seed\": 90071992547409930e-1,", NULL, 0, "$.seed", NON_NEGATIVE,
                   "90071992547409930e-1 (not exactly representable: read as "
                   "9007199254740992)");
    assert_refused("\"seed\": 1.00000000000000001,", NULL, 0, "$.seed", NON_NEGATIVE,
                   "1.00000000000000001 (not exactly representable: read as 1)");
    assert_refused("\"seed\": 4503599627370496.5,", NULL, 0, "$.seed", NON_NEGATIVE,
                   "4503599627370496.5 (not exactly representable: read as 4503599627370496)");
    assert_refused("\"seed\": 1e-400,", NULL, 0, "$.seed", NON_NEGATIVE,
                   "1e-400 (not exactly representable: read as 0)");
    assert_refused("\"seed\": 1234567890123456"
                   "00000000000000000000000000000000000"
                   "1e-36,",
                   NULL, 0, "$.seed", NON_NEGATIVE,
                   "1234567890123456000000000000000000000000... (not exactly representable: "
                   "read as 1234567890123456)");
    /* Beyond 2^53 the value alone is refused, as before. */
    assert_refused("\"seed\": 9007199254740994,", NULL, 0, "$.seed", NON_NEGATIVE,
                   "9007199254740994");
    static const struct {
        const char *literal;
        uint64_t seed;
    } exact[] = {
        {"9007199254740992", UINT64_C(9007199254740992)},
        {"9007199254740992.000000000000000000000000000000000000000000000000000000000000000000000",
         UINT64_C(9007199254740992)},
        {"0.9007199254740992e16", UINT64_C(9007199254740992)},
        {"1e3", 1000},
        {"3.0", 3},
        {"30e-1", 3},
        {"0.5E1", 5},
        {"0", 0},
        {"-0", 0},
        {"0e99999999999999999999", 0},
        {"000012", 12},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        char extra[160];
        snprintf(extra, sizeof extra, "\"seed\": %s,", exact[i].literal);
        struct scenario *s = assert_loads(extra, NULL, 0);
        assert_int_equal(s->seed, exact[i].seed);
        scenario_free(s);
    }
    /* A field that takes any number takes a literal that rounds. */
    struct scenario *s = assert_loads("\"timings\": {\"attach\": 1.00000000000000001},", NULL, 0);
    scenario_free(s);
}

static void overrides_are_checked_like_the_file(void **state)
{
    (void)state;
    struct scn_override ov = {"seed", "9007199254740993"};
    assert_refused("", &ov, 1, "$.seed", NON_NEGATIVE,
                   "9007199254740993 (not exactly representable: read as 9007199254740992)");
    ov = (struct scn_override){"name", "\"a\\u0000b\""};
    assert_refused("", &ov, 1, "--set name", NUL_STRING, "\"a\\u0000b\"");
    ov = (struct scn_override){"cluster.nodes[0]", "{\"name\": \"n1\", \"labels\": [\"\\u0000\"]}"};
    assert_refused("", &ov, 1, "--set cluster.nodes[0].labels[0]", NUL_STRING, "\"\\u0000\"");
    ov = (struct scn_override){"name", "n\xc3\xa9\xff"};
    assert_refused("", &ov, 1, "--set name", "UTF-8 text", "byte 0xff at column 4 of the value");
    /* Text that is not JSON is the string itself: here backslash, u, 0000. */
    ov = (struct scn_override){"description", "x\\u0000"};
    struct scenario *s = assert_loads("", &ov, 1);
    assert_string_equal(s->description, "x\\u0000");
    scenario_free(s);
    ov = (struct scn_override){"seed", "9007199254740992"};
    s = assert_loads("", &ov, 1);
    assert_int_equal(s->seed, UINT64_C(9007199254740992));
    scenario_free(s);
}

#define POOL "{\"cluster\": {\"nodePools\": [{\"prefix\": \"p\", \"count\": 2%s}]}}"

static void empty_pool_zones_fail_and_missing_zones_default(void **state)
{
    (void)state;
    struct scn_error err;
    char text[256];
    snprintf(text, sizeof text, POOL, ", \"zones\": []");
    assert_null(scenario_parse("t.json", text, strlen(text), NULL, 0, &err));
    assert_string_equal(err.path, "$.cluster.nodePools[0].zones");
    assert_string_equal(err.expected, "at least one zone");
    assert_string_equal(err.found, "an empty array");
    snprintf(text, sizeof text, POOL, "");
    struct scenario *s = scenario_parse("t.json", text, strlen(text), NULL, 0, &err);
    assert_non_null(s);
    assert_int_equal(s->nnodes, 2);
    assert_string_equal(s->nodes[1].zone, "zone-a");
    scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_check_accepts_well_formed_text),
        cmocka_unit_test(utf8_check_finds_the_first_bad_sequence),
        cmocka_unit_test(invalid_utf8_is_a_whole_file_error_with_line_and_column),
        cmocka_unit_test(escaped_nul_fails_naming_the_json_path),
        cmocka_unit_test(integers_must_be_exactly_their_literal),
        cmocka_unit_test(overrides_are_checked_like_the_file),
        cmocka_unit_test(empty_pool_zones_fail_and_missing_zones_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
