/* Unit tests of the record arrays in util: cache-line records and inline-one vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "util/util.h"

struct rec64 {
    uint64_t v[8];
};

/* grow_lines keeps the records on a 64-byte boundary and their contents through every
 * growth, whatever offset realloc's new block has. */
static void grow_lines_keeps_records_aligned_and_intact(void **state)
{
    (void)state;
    void *mem = NULL;
    struct rec64 *r = NULL;
    size_t cap = 0;
    for (uint64_t n = 0; n < 5000; n++) {
        r = grow_lines(&mem, r, &cap, n + 1, sizeof *r);
        assert_true(cap >= n + 1);
        assert_int_equal((uintptr_t)r % 64, 0);
        r[n].v[0] = n * 7 + 1;
        r[n].v[7] = n;
    }
    for (uint64_t n = 0; n < 5000; n++) {
        assert_int_equal(r[n].v[0], n * 7 + 1);
        assert_int_equal(r[n].v[7], n);
    }
    free(mem);
}

struct small {
    union {
        uint32_t one;
        uint32_t *many;
    } u;
    uint32_t n, cap;
};

/* One element stays inline; the second moves both to the heap (and says so once); later
 * growths keep every element in order. */
static void small_vec_spills_once_and_keeps_the_order(void **state)
{
    (void)state;
    struct small s = {.n = 0, .cap = 0};
    int spills = 0;
    for (uint32_t i = 0; i < 40; i++) {
        bool spilled;
        uint32_t *slot = small_vec_slot(&s.u, s.n, &s.cap, sizeof *slot, &spilled);
        spills += spilled;
        *slot = 100 + i;
        s.n++;
        if (i == 0)
            assert_ptr_equal(small_vec_items(&s.u, s.cap), &s.u);
    }
    assert_int_equal(spills, 1);
    const uint32_t *items = small_vec_items(&s.u, s.cap);
    assert_ptr_not_equal(items, &s.u);
    for (uint32_t i = 0; i < 40; i++)
        assert_int_equal(items[i], 100 + i);
    free(s.u.many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grow_lines_keeps_records_aligned_and_intact),
        cmocka_unit_test(small_vec_spills_once_and_keeps_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
