/* Unit tests of the revision helpers: upstream history.HashControllerRevision (fnv.New32,
 * i.e. FNV-1, plus the collision count), rand.SafeEncodeString, and the canonical template
 * data that stands in for getPatch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "controllers/revision.h"
#include "util/util.h"

/* Go's hash/fnv New32 is FNV-1: multiply, then xor. "a" + probe "0" → 0x70772d6a. */
static void the_hash_is_fnv1_of_the_data_and_the_decimal_collision_count(void **state)
{
    (void)state;
    assert_int_equal(rev_hash("a", 1, 0), 0x70772d6au);
    assert_int_equal(rev_hash("hello", 5, 1), 0x73408514u);
    assert_int_not_equal(rev_hash("a", 1, 0), rev_hash("a", 1, 1));
}

/* rand.SafeEncodeString(fmt.Sprint(hash)): each decimal digit into the 27-letter alphabet */
static void safe_encoding_maps_each_decimal_digit_into_the_alphabet(void **state)
{
    (void)state;
    char out[REV_HASH_LEN];
    rev_safe_encode(0, out);
    assert_string_equal(out, "4");
    rev_safe_encode(1886858602u, out);
    assert_string_equal(out, "5ddbd9db46");
    rev_safe_encode(UINT32_MAX, out);
    assert_string_equal(out, "86f8fbc6f9");
}

static struct scn_container ctr = {.name = "app", .image = "img:1"};

static void data_of(struct strbuf *sb, struct kv *labels, uint32_t n, const char *image)
{
    struct scn_container c = ctr;
    c.image = image;
    struct scn_pod_template t = {
        .labels = labels,
        .nlabels = n,
        .containers = &c,
        .ncontainers = 1,
        .termination_grace_ns = 30000000000,
    };
    strbuf_reset(sb);
    rev_template_data(sb, &t);
}

/* encoding/json sorts map keys: label order does not make a new revision */
static void template_data_ignores_label_order_but_not_images(void **state)
{
    (void)state;
    struct kv ab[2] = {{"a", "1"}, {"b", "2"}};
    struct kv ba[2] = {{"b", "2"}, {"a", "1"}};
    struct strbuf x, y;
    strbuf_init(&x);
    strbuf_init(&y);
    data_of(&x, ab, 2, "img:1");
    data_of(&y, ba, 2, "img:1");
    assert_string_equal(x.buf, y.buf);
    data_of(&y, ba, 2, "img:2");
    assert_string_not_equal(x.buf, y.buf);
    strbuf_fini(&x);
    strbuf_fini(&y);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_hash_is_fnv1_of_the_data_and_the_decimal_collision_count),
        cmocka_unit_test(safe_encoding_maps_each_decimal_digit_into_the_alphabet),
        cmocka_unit_test(template_data_ignores_label_order_but_not_images),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
