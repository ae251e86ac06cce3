/* Unit tests of the event queue: order, ties, cancellation, rebuild, clear. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "engine/queue.h"
#include "util/util.h"

struct pair {
    int64_t time;
    uint64_t seq;
};

static int pair_cmp(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A small deterministic generator so that the tests do not depend on libc's rand. */
static uint64_t next_rand(uint64_t *state)
{
    *state += 1;
    return mix64(*state);
}

static void queue_pops_equal_times_in_schedule_order(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    for (uint32_t i = 0; i < 100; i++)
        queue_schedule(q, 50, 0, 0, i, 0, 0);
    struct event ev;
    for (uint32_t i = 0; i < 100; i++) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.time, 50);
        assert_int_equal(ev.a, i);
    }
    assert_false(queue_pop(q, &ev));
    queue_free(q);
}

static void queue_keeps_schedule_order_of_ties_across_interleaved_pops(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    struct event ev;
    uint32_t next_a = 0, expect_a = 0;

    /* Events at time 10 scheduled in bursts between pops, plus later events that must not
     * overtake them; the ties must come out in the order they went in. */
    for (int round = 0; round < 50; round++) {
        for (int k = 0; k < 7; k++)
            queue_schedule(q, 10, 0, 0, next_a++, 0, 0);
        queue_schedule(q, 20, 0, 1, 0, 0, 0);
        for (int k = 0; k < 3; k++) {
            assert_true(queue_pop(q, &ev));
            assert_int_equal(ev.time, 10);
            assert_int_equal(ev.a, expect_a++);
        }
    }
    while (queue_peek_time(q) == 10) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.a, expect_a++);
    }
    assert_int_equal(expect_a, next_a);
    assert_int_equal(queue_size(q), 50);
    uint64_t prev = 0;
    while (queue_pop(q, &ev)) {
        assert_int_equal(ev.time, 20);
        assert_true(ev.handle > prev);
        prev = ev.handle;
    }
    queue_free(q);
}

static void queue_pops_random_insertions_sorted_by_time_then_seq(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct queue *q = queue_new();
    struct pair *want = xmalloc(N * sizeof(*want));
    uint64_t rs = 42;

    for (uint32_t i = 0; i < N; i++) {
        /* Few distinct times, so there are many ties to order. */
        int64_t t = (int64_t)(next_rand(&rs) % 500) - 100;
        queue_schedule(q, t, 3, 4, i, i * 2u, i * 3u);
        want[i].time = t;
        want[i].seq = i;
    }
    qsort(want, N, sizeof(*want), pair_cmp);
    assert_int_equal(queue_size(q), N);

    struct event ev;
    for (size_t i = 0; i < N; i++) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.time, want[i].time);
        assert_int_equal(ev.a, want[i].seq);
        assert_int_equal(ev.b, want[i].seq * 2);
        assert_int_equal(ev.c, want[i].seq * 3);
        assert_int_equal(ev.module, 3);
        assert_int_equal(ev.kind, 4);
    }
    assert_false(queue_pop(q, &ev));
    assert_int_equal(queue_size(q), 0);
    free(want);
    queue_free(q);
}

static void queue_stays_sorted_when_pops_and_schedules_interleave(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    struct event ev;
    uint64_t rs = 7;
    int64_t now = 0;

    for (int i = 0; i < 1000; i++)
        queue_schedule(q, (int64_t)(next_rand(&rs) % 1000), 0, 0, 0, 0, 0);
    for (int i = 0; i < 100000; i++) {
        assert_true(queue_pop(q, &ev));
        assert_true(ev.time >= now);
        now = ev.time;
        queue_schedule(q, now + (int64_t)(next_rand(&rs) % 1000), 0, 0, 0, 0, 0);
    }
    assert_int_equal(queue_size(q), 1000);
    queue_free(q);
}

static void queue_handles_are_nonzero_and_increasing(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    uint64_t prev = QUEUE_NO_EVENT;
    for (int i = 0; i < 100; i++) {
        uint64_t h = queue_schedule(q, 100 - i, 0, 0, 0, 0, 0);
        assert_true(h != QUEUE_NO_EVENT);
        assert_true(h > prev);
        prev = h;
    }
    queue_free(q);
}

static void queue_never_pops_a_cancelled_event(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    uint64_t h[10];
    for (uint32_t i = 0; i < 10; i++)
        h[i] = queue_schedule(q, (int64_t)i, 0, 0, i, 0, 0);
    assert_true(queue_cancel(q, h[0]));
    assert_true(queue_cancel(q, h[5]));
    assert_true(queue_cancel(q, h[9]));
    assert_int_equal(queue_size(q), 7);
    assert_int_equal(queue_peek_time(q), 1);

    struct event ev;
    uint32_t seen = 0;
    while (queue_pop(q, &ev)) {
        assert_true(ev.a != 0 && ev.a != 5 && ev.a != 9);
        seen++;
    }
    assert_int_equal(seen, 7);
    assert_int_equal(queue_size(q), 0);
    queue_free(q);
}

static void queue_cancel_twice_returns_false(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    uint64_t h = queue_schedule(q, 5, 0, 0, 0, 0, 0);
    assert_true(queue_pending(q, h));
    assert_true(queue_cancel(q, h));
    assert_false(queue_pending(q, h));
    assert_false(queue_cancel(q, h));
    assert_int_equal(queue_size(q), 0);
    assert_int_equal(queue_peek_time(q), INT64_MAX);
    queue_free(q);
}

static void queue_cancel_after_pop_returns_false(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    struct event ev;
    uint64_t h = queue_schedule(q, 5, 0, 0, 0, 0, 0);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, h);
    assert_false(queue_pending(q, h));
    assert_false(queue_cancel(q, h));
    queue_free(q);
}

static void queue_old_handle_does_not_cancel_the_event_reusing_its_slot(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    uint64_t old = queue_schedule(q, 5, 0, 0, 1, 0, 0);
    assert_true(queue_cancel(q, old));
    /* The new event takes the freed slot; the old handle must not name it. */
    uint64_t fresh = queue_schedule(q, 6, 0, 0, 2, 0, 0);
    assert_false(queue_pending(q, old));
    assert_false(queue_cancel(q, old));
    assert_true(queue_pending(q, fresh));

    struct event ev;
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.a, 2);
    assert_int_equal(ev.handle, fresh);
    assert_false(queue_pop(q, &ev));
    queue_free(q);
}

static void queue_pending_rejects_no_event_and_unknown_handles(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    assert_false(queue_pending(q, QUEUE_NO_EVENT));
    assert_false(queue_cancel(q, QUEUE_NO_EVENT));
    assert_false(queue_pending(q, (UINT64_C(5) << 24) | 123));
    assert_false(queue_cancel(q, (UINT64_C(5) << 24) | 123));
    queue_free(q);
}

static void queue_heavy_cancel_rebuilds_the_heap_and_keeps_order(void **state)
{
    (void)state;
    enum { N = 50000 };
    struct queue *q = queue_new();
    uint64_t *h = xmalloc(N * sizeof(*h));
    uint64_t rs = 99;
    int64_t *t = xmalloc(N * sizeof(*t));

    for (uint32_t i = 0; i < N; i++) {
        t[i] = (int64_t)(next_rand(&rs) % 100000);
        h[i] = queue_schedule(q, t[i], 0, 0, i, 0, 0);
    }
    /* Cancel everything except every tenth event. */
    size_t cancelled = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (i % 10 == 0)
            continue;
        assert_true(queue_cancel(q, h[i]));
        cancelled++;
        assert_int_equal(queue_size(q), N - cancelled);
    }
    assert_int_equal(queue_size(q), N / 10);
    /* Without a rebuild every record would still be in the heap. */
    assert_true(queue_heap_len(q) <= 2 * queue_size(q) + 1025);

    struct event ev;
    int64_t prev_t = INT64_MIN;
    uint64_t prev_h = 0;
    size_t n = 0;
    while (queue_pop(q, &ev)) {
        assert_int_equal(ev.a % 10, 0);
        assert_int_equal(ev.time, t[ev.a]);
        assert_true(ev.time > prev_t || (ev.time == prev_t && ev.handle > prev_h));
        prev_t = ev.time;
        prev_h = ev.handle;
        n++;
    }
    assert_int_equal(n, N / 10);
    free(h);
    free(t);
    queue_free(q);
}

/* The reference model: pending events in an unsorted array, the minimum found by a scan. */
struct model_ev {
    int64_t time;
    uint64_t handle;
    uint32_t a;
};

static size_t model_min(const struct model_ev *m, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (m[i].time < m[best].time ||
            (m[i].time == m[best].time && m[i].handle < m[best].handle))
            best = i;
    return best;
}

static void queue_agrees_with_a_reference_model_under_random_operations(void **state)
{
    (void)state;
    enum { CAP = 6000 };
    struct queue *q = queue_new();
    struct model_ev *m = xmalloc(CAP * sizeof(*m));
    size_t n = 0;
    uint64_t rs = 2718;
    uint32_t next_a = 0;
    int64_t now = 0;
    size_t rebuilt = 0;

    for (int step = 0; step < 200000; step++) {
        /* Phases shift the mix so that the queue grows, churns, and then loses most of its
         * events to cancellation (which must trigger rebuilds). */
        int phase = (step / 20000) % 3;
        uint64_t dice = next_rand(&rs) % 100;
        int sched_pct = phase == 0 ? 70 : phase == 1 ? 45 : 20;
        int cancel_pct = phase == 2 ? 75 : 10;
        struct event ev;

        if (dice < (uint64_t)sched_pct && n < CAP) {
            int64_t t = now + (int64_t)(next_rand(&rs) % 64);
            m[n].time = t;
            m[n].a = next_a;
            m[n].handle = queue_schedule(q, t, 0, 0, next_a++, 0, 0);
            n++;
        } else if (dice < (uint64_t)(sched_pct + cancel_pct) && n > 0) {
            size_t i = (size_t)(next_rand(&rs) % n);
            size_t before = queue_heap_len(q);
            assert_true(queue_cancel(q, m[i].handle));
            assert_false(queue_cancel(q, m[i].handle));
            rebuilt += queue_heap_len(q) < before;
            m[i] = m[--n];
        } else if (n > 0) {
            size_t i = model_min(m, n);
            assert_int_equal(queue_peek_time(q), m[i].time);
            assert_true(queue_pop(q, &ev));
            assert_int_equal(ev.time, m[i].time);
            assert_int_equal(ev.handle, m[i].handle);
            assert_int_equal(ev.a, m[i].a);
            assert_false(queue_pending(q, ev.handle));
            now = ev.time;
            m[i] = m[--n];
        } else {
            assert_false(queue_pop(q, &ev));
        }
        assert_int_equal(queue_size(q), n);
    }
    assert_true(rebuilt > 0);
    free(m);
    queue_free(q);
}

static void queue_size_counts_live_events_only(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    struct event ev;
    assert_int_equal(queue_size(q), 0);
    uint64_t a = queue_schedule(q, 1, 0, 0, 0, 0, 0);
    queue_schedule(q, 2, 0, 0, 0, 0, 0);
    queue_schedule(q, 3, 0, 0, 0, 0, 0);
    assert_int_equal(queue_size(q), 3);
    assert_true(queue_cancel(q, a));
    assert_int_equal(queue_size(q), 2);
    assert_int_equal(queue_heap_len(q), 3); /* dropped lazily */
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.time, 2);
    assert_int_equal(queue_size(q), 1);
    assert_int_equal(queue_heap_len(q), 1);
    queue_free(q);
}

static void queue_peek_time_skips_cancelled_events(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    assert_int_equal(queue_peek_time(q), INT64_MAX);
    uint64_t a = queue_schedule(q, 1, 0, 0, 0, 0, 0);
    uint64_t b = queue_schedule(q, 2, 0, 0, 0, 0, 0);
    queue_schedule(q, 3, 0, 0, 0, 0, 0);
    assert_int_equal(queue_peek_time(q), 1);
    queue_cancel(q, a);
    queue_cancel(q, b);
    assert_int_equal(queue_peek_time(q), 3);
    queue_free(q);
}

/* sim_run looks at the next event with queue_top, prefetches for it, then removes it with
 * queue_pop_top: top must skip cancelled events, show the same event until it is popped,
 * and pop_top must remove exactly that one. */
static void queue_top_shows_the_next_event_until_pop_top_removes_it(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    uint64_t h1 = queue_schedule(q, 10, 1, 2, 100, 0, 0);
    queue_schedule(q, 20, 1, 2, 200, 0, 0);
    uint64_t h3 = queue_schedule(q, 5, 1, 2, 300, 0, 0);
    assert_true(queue_cancel(q, h3));
    struct event a, b;
    assert_true(queue_top(q, &a));
    assert_true(queue_top(q, &b));
    assert_int_equal(a.handle, h1);
    assert_int_equal(b.handle, h1);
    assert_int_equal(a.time, 10);
    assert_int_equal(a.a, 100);
    assert_int_equal(queue_size(q), 2);
    queue_pop_top(q);
    assert_false(queue_pending(q, h1));
    assert_int_equal(queue_size(q), 1);
    assert_true(queue_top(q, &a));
    assert_int_equal(a.a, 200);
    queue_pop_top(q);
    assert_false(queue_top(q, &a));
    queue_free(q);
}

static void queue_clear_forgets_events_and_restarts_handles(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    struct event ev;
    uint64_t first = queue_schedule(q, 10, 0, 0, 1, 0, 0);
    for (int i = 0; i < 5000; i++)
        queue_schedule(q, i, 0, 0, 0, 0, 0);
    queue_cancel(q, first);
    queue_clear(q);
    assert_int_equal(queue_size(q), 0);
    assert_int_equal(queue_heap_len(q), 0);
    assert_int_equal(queue_peek_time(q), INT64_MAX);
    assert_false(queue_pop(q, &ev));

    uint64_t again = queue_schedule(q, 7, 1, 2, 3, 4, 5);
    assert_int_equal(again, first);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.time, 7);
    assert_int_equal(ev.module, 1);
    assert_int_equal(ev.c, 5);
    assert_false(queue_pop(q, &ev));
    queue_free(q);
}

static void queue_free_accepts_null(void **state)
{
    (void)state;
    queue_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_pops_equal_times_in_schedule_order),
        cmocka_unit_test(queue_keeps_schedule_order_of_ties_across_interleaved_pops),
        cmocka_unit_test(queue_pops_random_insertions_sorted_by_time_then_seq),
        cmocka_unit_test(queue_stays_sorted_when_pops_and_schedules_interleave),
        cmocka_unit_test(queue_handles_are_nonzero_and_increasing),
        cmocka_unit_test(queue_never_pops_a_cancelled_event),
        cmocka_unit_test(queue_cancel_twice_returns_false),
        cmocka_unit_test(queue_cancel_after_pop_returns_false),
        cmocka_unit_test(queue_old_handle_does_not_cancel_the_event_reusing_its_slot),
        cmocka_unit_test(queue_pending_rejects_no_event_and_unknown_handles),
        cmocka_unit_test(queue_heavy_cancel_rebuilds_the_heap_and_keeps_order),
        cmocka_unit_test(queue_agrees_with_a_reference_model_under_random_operations),
        cmocka_unit_test(queue_size_counts_live_events_only),
        cmocka_unit_test(queue_peek_time_skips_cancelled_events),
        cmocka_unit_test(queue_top_shows_the_next_event_until_pop_top_removes_it),
        cmocka_unit_test(queue_clear_forgets_events_and_restarts_handles),
        cmocka_unit_test(queue_free_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
