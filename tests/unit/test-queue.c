/* Unit tests of the event queue: order, ties, cancellation, rebuild, clear, and the FIFO
 * lanes that take events scheduled with a recurring delay. */
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

/* A queue that uses lanes from its first event, however few are pending. */
static struct queue *lanes_queue(void)
{
    struct queue *q = queue_new();
    queue_set_lanes_from(q, 0);
    return q;
}

/* The last event popped, to check that each next one comes after it in (time, sequence). */
struct popped {
    int64_t time;
    uint64_t handle;
};
#define POPPED_NONE ((struct popped){INT64_MIN, 0})

static void assert_pops_after(struct popped *last, const struct event *ev)
{
    assert_true(ev->time > last->time || (ev->time == last->time && ev->handle > last->handle));
    last->time = ev->time;
    last->handle = ev->handle;
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
    struct popped last = POPPED_NONE;
    size_t n = 0;
    while (queue_pop(q, &ev)) {
        assert_int_equal(ev.a % 10, 0);
        assert_int_equal(ev.time, t[ev.a]);
        assert_pops_after(&last, &ev);
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

/* Move the queue's clock (the time of the last pop) to t: schedule an event at t and pop
 * it, which must then be the earliest. */
static void advance(struct queue *q, int64_t t)
{
    struct event ev;
    uint64_t h = queue_schedule(q, t, 9, 9, 0, 0, 0);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, h);
    assert_int_equal(ev.time, t);
}

/* A simulation in miniature: each pop schedules follow-ups, mostly after one of a few
 * constant delays (more of them than there are lanes) and otherwise after a random one,
 * and cancels pending events, in lanes and in the heap alike. Times are multiples of 10,
 * so records of different lanes and of the heap often tie. */
static void queue_lanes_and_heap_agree_with_a_reference_model(void **state)
{
    (void)state;
    enum { CAP = 1500, STEPS = 60000 };
    static const int64_t delays[] = {10, 50, 500, 1000, 2000, 3000, 4000, 8000, 16000, 123000};
    struct queue *q = lanes_queue();
    struct model_ev *m = xmalloc(CAP * sizeof(*m));
    size_t n = 0, most_in_lanes = 0, most_in_heap = 0;
    uint64_t rs = 31337;
    uint32_t next_a = 0;
    int64_t now = 0;
    struct event ev;

    for (int i = 0; i < 200; i++) {
        int64_t t = (int64_t)(next_rand(&rs) % 1000) * 10;
        m[n] = (struct model_ev){t, queue_schedule(q, t, 0, 0, next_a, 0, 0), next_a};
        next_a++;
        n++;
    }
    for (int step = 0; step < STEPS && n > 0; step++) {
        size_t i = model_min(m, n);
        assert_int_equal(queue_peek_time(q), m[i].time);
        if (step % 3 == 0) {
            assert_true(queue_top(q, &ev));
            queue_pop_top(q);
        } else {
            assert_true(queue_pop(q, &ev));
        }
        assert_int_equal(ev.time, m[i].time);
        assert_int_equal(ev.handle, m[i].handle);
        assert_int_equal(ev.a, m[i].a);
        now = ev.time;
        m[i] = m[--n];

        int follow = (int)(next_rand(&rs) % 3); /* 0, 1 or 2: the population drifts */
        if (n < 300)
            follow = 2;
        for (int k = 0; k < follow && n < CAP; k++) {
            uint64_t dice = next_rand(&rs) % 100;
            int64_t d = dice < 85 ? delays[dice % ARRAY_LEN(delays)]
                                  : (int64_t)(next_rand(&rs) % 2000) * 10;
            m[n] = (struct model_ev){now + d, queue_schedule(q, now + d, 0, 0, next_a, 0, 0),
                                     next_a};
            next_a++;
            n++;
        }
        if (next_rand(&rs) % 100 < 20 && n > 0) {
            size_t c = (size_t)(next_rand(&rs) % n);
            assert_true(queue_cancel(q, m[c].handle));
            assert_false(queue_pending(q, m[c].handle));
            m[c] = m[--n];
        }
        assert_int_equal(queue_size(q), n);
        size_t lanes = queue_lane_len(q);
        if (lanes > most_in_lanes)
            most_in_lanes = lanes;
        if (queue_heap_len(q) - lanes > most_in_heap)
            most_in_heap = queue_heap_len(q) - lanes;
    }
    /* Both kinds of record were there to be ordered against each other. */
    assert_true(most_in_lanes > 100);
    assert_true(most_in_heap > 100);
    while (n > 0) {
        size_t i = model_min(m, n);
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.handle, m[i].handle);
        m[i] = m[--n];
    }
    assert_false(queue_pop(q, &ev));
    assert_int_equal(queue_heap_len(q), 0);
    free(m);
    queue_free(q);
}

/* Events for one instant, scheduled from different times, hence with different delays
 * (a delay that recurs gets a lane, though its first event goes to the heap): they pop in
 * the order they were scheduled, whichever lane or heap holds them. */
static void queue_equal_times_across_lanes_and_heap_pop_in_schedule_order(void **state)
{
    (void)state;
    struct queue *q = lanes_queue();
    struct event ev;
    enum { T = 100000 };
    uint64_t first = 0, later = queue_schedule(q, T + 1, 0, 0, 0, 0, 0);

    for (int64_t at = T - 9000; at < T; at += 1000) {
        advance(q, at);
        for (int k = 0; k < 4; k++) {
            uint64_t h = queue_schedule(q, T, 0, 0, 0, 0, 0);
            if (first == 0)
                first = h;
        }
        /* A delay seen once only, which the heap takes. */
        advance(q, at + 500);
        queue_schedule(q, T, 0, 0, 0, 0, 0);
    }
    assert_true(queue_lane_len(q) >= 9);
    assert_true(queue_heap_len(q) - queue_lane_len(q) >= 9);

    uint64_t prev = 0;
    size_t n = 0;
    while (queue_peek_time(q) == T) {
        assert_true(queue_pop(q, &ev));
        assert_true(ev.handle > prev);
        if (n == 0)
            assert_int_equal(ev.handle, first);
        prev = ev.handle;
        n++;
    }
    assert_int_equal(n, 9 * 5);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, later);
    assert_false(queue_pop(q, &ev));
    queue_free(q);
}

/* A lane only takes a record that does not sort before its last one. After an event in
 * the past has run, the same delay gives an earlier time than the lane's tail: that record
 * must go elsewhere and still pop first. */
static void queue_record_before_its_lanes_tail_still_pops_in_order(void **state)
{
    (void)state;
    struct queue *q = lanes_queue();
    struct event ev;
    advance(q, 1000);
    uint64_t h[6];
    for (int k = 0; k < 6; k++)
        h[k] = queue_schedule(q, 1500, 0, 0, 0, 0, 0); /* delay 500 */
    assert_true(queue_lane_len(q) >= 2);
    uint64_t past = queue_schedule(q, 200, 0, 0, 0, 0, 0); /* before the last pop */
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, past);
    uint64_t early = queue_schedule(q, 700, 0, 0, 0, 0, 0); /* delay 500 again */
    assert_int_equal(queue_peek_time(q), 700);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, early);
    for (int k = 0; k < 6; k++) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.time, 1500);
        assert_int_equal(ev.handle, h[k]);
    }
    assert_false(queue_pop(q, &ev));
    queue_free(q);
}

/* Before the first pop the delay is the time itself: repeated times fill lanes, and the
 * lanes and the heap together still pop in (time, schedule order). */
static void queue_schedules_before_any_pop_at_varied_times_pop_sorted(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct queue *q = lanes_queue();
    struct pair *want = xmalloc(N * sizeof(*want));
    uint64_t rs = 5;
    for (uint32_t i = 0; i < N; i++) {
        /* Runs of one time, then a jump back or forth. */
        int64_t t = i % 7 == 0 ? (int64_t)(next_rand(&rs) % 40) * 25 : want[i - 1].time;
        queue_schedule(q, t, 0, 0, i, 0, 0);
        want[i].time = t;
        want[i].seq = i;
    }
    assert_true(queue_lane_len(q) > 0);
    qsort(want, N, sizeof(*want), pair_cmp);
    struct event ev;
    for (uint32_t i = 0; i < N; i++) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.time, want[i].time);
        assert_int_equal(ev.a, want[i].seq);
    }
    assert_false(queue_pop(q, &ev));
    free(want);
    queue_free(q);
}

/* Cancelling most of a lane's records compacts the lane (the records held shrink), keeps
 * the survivors in order, and leaves the lane sorted for what comes next. */
static void queue_rebuild_compacts_lanes_and_keeps_order(void **state)
{
    (void)state;
    enum { STEPS = 200, PER = 50, N = STEPS * PER };
    struct queue *q = lanes_queue();
    uint64_t *h = xmalloc(N * sizeof(*h));
    int64_t *t = xmalloc(N * sizeof(*t));
    uint64_t rs = 77;
    size_t n = 0;

    for (int s = 1; s <= STEPS; s++) {
        advance(q, 10 * s);
        for (int k = 0; k < PER; k++, n++) {
            /* Mostly the one delay; now and then a random one, for the heap. */
            int64_t d = k % 10 == 9 ? 5000 + (int64_t)(next_rand(&rs) % 100000) : 100000;
            t[n] = 10 * s + d;
            h[n] = queue_schedule(q, t[n], 0, 0, (uint32_t)n, 0, 0);
        }
    }
    assert_true(queue_lane_len(q) > N / 2);
    assert_int_equal(queue_heap_len(q), N);
    /* Stale records are dropped lazily until they are more than half of all records, the
     * lanes' included (the heap alone holds fewer than that). */
    for (size_t i = 0; i < N; i++)
        if (i % 10 >= 1 && i % 10 <= 4)
            assert_true(queue_cancel(q, h[i]));
    assert_int_equal(queue_heap_len(q), N);
    for (size_t i = 0; i < N; i++)
        if (i % 10 > 4)
            assert_true(queue_cancel(q, h[i]));
    assert_int_equal(queue_size(q), N / 10);
    assert_true(queue_heap_len(q) <= 2 * queue_size(q) + 1025);
    assert_true(queue_lane_len(q) <= queue_heap_len(q));

    /* After an event in the past, the lane's delay gives a time among its survivors: the
     * compacted lane must still know its last record, and not take that one. */
    advance(q, 1500);
    uint64_t tail = queue_schedule(q, 1500 + 100000, 0, 0, UINT32_MAX, 0, 0);

    struct event ev;
    struct popped last = POPPED_NONE;
    size_t seen = 0;
    bool saw_tail = false;
    while (queue_pop(q, &ev)) {
        assert_pops_after(&last, &ev);
        if (ev.handle == tail) {
            saw_tail = true;
            continue;
        }
        assert_int_equal(ev.a % 10, 0);
        assert_int_equal(ev.time, t[ev.a]);
        assert_int_equal(ev.handle, h[ev.a]);
        seen++;
    }
    assert_true(saw_tail);
    assert_int_equal(seen, N / 10);
    free(h);
    free(t);
    queue_free(q);
}

/* A burst fills a lane far beyond its usual length, then it runs with a few records for a
 * long time: its ring grows, shrinks back and goes round many times, and every event still
 * pops once, in order. */
static void queue_lane_ring_grows_shrinks_and_keeps_order(void **state)
{
    (void)state;
    enum { D = 200, BURST_STEPS = 100, PER = 50, STEPS = 5000 };
    struct queue *q = lanes_queue();
    struct event ev;
    uint64_t scheduled = 0, popped = 0, sum_in = 0, sum_out = 0;
    struct popped last = POPPED_NONE;
    size_t most = 0;

    for (int64_t now = 1; now <= STEPS; now++) {
        advance(q, now);
        /* Two bursts: the second grows a ring that shrank after the first, whose first
         * record may then sit anywhere in the old, larger ring. */
        bool burst = now <= BURST_STEPS || (now > STEPS / 2 && now <= STEPS / 2 + BURST_STEPS);
        int n = burst ? PER : 1 + (int)(now % 3 == 0);
        for (int k = 0; k < n; k++) {
            queue_schedule(q, now + D, 0, 0, (uint32_t)scheduled, 0, 0);
            sum_in += scheduled++;
        }
        if (queue_lane_len(q) > most)
            most = queue_lane_len(q);
        while (queue_peek_time(q) <= now + 1) {
            assert_true(queue_pop(q, &ev));
            assert_pops_after(&last, &ev);
            sum_out += ev.a;
            popped++;
        }
    }
    assert_true(most > BURST_STEPS * PER - 10);
    while (queue_pop(q, &ev)) {
        assert_pops_after(&last, &ev);
        sum_out += ev.a;
        popped++;
    }
    assert_int_equal(popped, scheduled);
    assert_int_equal(sum_out, sum_in);
    queue_free(q);
}

/* queue_clear empties the lanes too; the queue then works as new. */
/* A ring that halves on a pop keeps its first record where the smaller ring expects it,
 * so that filling it again at once (no pop in between) grows it without losing or
 * reordering records: 1,024 records of one delay, popped down to an eighth, then 400
 * more of the same delay before the next pop. */
static void queue_lane_ring_regrows_right_after_it_shrank(void **state)
{
    (void)state;
    enum { N = 1024, D = 50, MORE = 400 };
    struct queue *q = lanes_queue();
    struct event ev;
    advance(q, 100);
    for (int i = 0; i < N; i++)
        queue_schedule(q, 100 + D, 0, 0, 0, 0, 0);
    assert_true(queue_lane_len(q) > N - 8);
    struct popped last = POPPED_NONE;
    size_t popped = 0;
    while (queue_lane_len(q) > N / 8) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.time, 100 + D);
        assert_pops_after(&last, &ev);
        popped++;
    }
    size_t lane_before = queue_lane_len(q);
    for (int i = 0; i < MORE; i++)
        queue_schedule(q, 100 + 2 * D, 0, 0, 0, 0, 0);
    assert_int_equal(queue_lane_len(q), lane_before + MORE);
    while (queue_pop(q, &ev)) {
        assert_pops_after(&last, &ev);
        popped++;
    }
    assert_int_equal(popped, N + MORE);
    queue_free(q);
}

static void queue_clear_empties_lanes_and_the_queue_is_reusable(void **state)
{
    (void)state;
    struct queue *q = lanes_queue();
    struct event ev;
    for (int round = 0; round < 3; round++) {
        for (int s = 1; s <= 50; s++) {
            advance(q, 1000 * s);
            for (int k = 0; k < 20; k++) {
                uint64_t h = queue_schedule(q, 1000 * s + 50000 + k % 2, 0, 0, (uint32_t)k, 0, 0);
                if (k % 5 == 0)
                    assert_true(queue_cancel(q, h));
            }
        }
        if (round == 2) {
            /* Drain this time: every record comes out in order. */
            struct popped last = POPPED_NONE;
            size_t n = 0;
            while (queue_pop(q, &ev)) {
                assert_pops_after(&last, &ev);
                assert_true(ev.a % 5 != 0);
                n++;
            }
            assert_int_equal(n, 50 * 16);
            break;
        }
        assert_true(queue_lane_len(q) > 0);
        queue_clear(q);
        assert_int_equal(queue_size(q), 0);
        assert_int_equal(queue_heap_len(q), 0);
        assert_int_equal(queue_lane_len(q), 0);
        assert_int_equal(queue_peek_time(q), INT64_MAX);
        assert_false(queue_pop(q, &ev));
        /* Earlier times than the lanes held before the clear. */
        uint64_t a = queue_schedule(q, 7, 1, 2, 3, 4, 5);
        uint64_t b = queue_schedule(q, 7, 1, 2, 6, 4, 5);
        uint64_t c = queue_schedule(q, 3, 1, 2, 9, 4, 5);
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.handle, c);
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.handle, a);
        assert_int_equal(ev.a, 3);
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.handle, b);
        assert_false(queue_pop(q, &ev));
        queue_clear(q);
    }
    queue_free(q);
}

/* Below QUEUE_LANES_FROM pending events the heap alone holds them, even for a delay that
 * recurs (a lane would cost more than the sift it saves); past it, that delay gets a lane,
 * and the order is the same either way. */
static void queue_small_queues_keep_to_the_heap(void **state)
{
    (void)state;
    struct queue *q = queue_new();
    struct event ev;
    uint64_t h[2 * QUEUE_LANES_FROM];
    for (int i = 0; i < QUEUE_LANES_FROM - 1; i++)
        h[i] = queue_schedule(q, 1000, 0, 0, 0, 0, 0);
    assert_int_equal(queue_lane_len(q), 0);
    for (int i = QUEUE_LANES_FROM - 1; i < 2 * QUEUE_LANES_FROM; i++)
        h[i] = queue_schedule(q, 1000, 0, 0, 0, 0, 0);
    assert_true(queue_lane_len(q) > 0);
    for (int i = 0; i < 2 * QUEUE_LANES_FROM; i++) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.handle, h[i]);
    }
    assert_false(queue_pop(q, &ev));
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

/* queue_pop_top after the queue changed (an event scheduled later than the shown one)
 * still removes the earliest event, here a lane's, and nothing else. */
static void queue_pop_top_after_a_schedule_removes_the_earliest_lane_event(void **state)
{
    (void)state;
    struct queue *q = lanes_queue();
    struct event ev;
    advance(q, 100);
    uint64_t heap_ev = queue_schedule(q, 5000, 0, 0, 0, 0, 0); /* a delay seen once */
    /* The same delay until a lane takes it: the records before went to the heap. */
    uint64_t h[8];
    int n = 0;
    do {
        assert_true(n < 8);
        h[n++] = queue_schedule(q, 300, 0, 0, 0, 0, 0);
    } while (queue_lane_len(q) == 0);
    h[n] = queue_schedule(q, 300, 0, 0, 0, 0, 0);
    for (int k = 0; k < n - 1; k++) {
        assert_true(queue_pop(q, &ev));
        assert_int_equal(ev.handle, h[k]);
    }
    assert_true(queue_top(q, &ev));
    assert_int_equal(ev.handle, h[n - 1]);
    uint64_t later = queue_schedule(q, 4000, 0, 0, 0, 0, 0);
    queue_pop_top(q);
    assert_false(queue_pending(q, h[n - 1]));
    assert_true(queue_pending(q, heap_ev));
    assert_true(queue_pending(q, h[n]));
    assert_true(queue_pending(q, later));
    assert_int_equal(queue_size(q), 3);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, h[n]);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, later);
    assert_true(queue_pop(q, &ev));
    assert_int_equal(ev.handle, heap_ev);
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
        cmocka_unit_test(queue_lanes_and_heap_agree_with_a_reference_model),
        cmocka_unit_test(queue_equal_times_across_lanes_and_heap_pop_in_schedule_order),
        cmocka_unit_test(queue_record_before_its_lanes_tail_still_pops_in_order),
        cmocka_unit_test(queue_schedules_before_any_pop_at_varied_times_pop_sorted),
        cmocka_unit_test(queue_rebuild_compacts_lanes_and_keeps_order),
        cmocka_unit_test(queue_lane_ring_grows_shrinks_and_keeps_order),
        cmocka_unit_test(queue_lane_ring_regrows_right_after_it_shrank),
        cmocka_unit_test(queue_clear_empties_lanes_and_the_queue_is_reusable),
        cmocka_unit_test(queue_small_queues_keep_to_the_heap),
        cmocka_unit_test(queue_size_counts_live_events_only),
        cmocka_unit_test(queue_peek_time_skips_cancelled_events),
        cmocka_unit_test(queue_top_shows_the_next_event_until_pop_top_removes_it),
        cmocka_unit_test(queue_pop_top_after_a_schedule_removes_the_earliest_lane_event),
        cmocka_unit_test(queue_clear_forgets_events_and_restarts_handles),
        cmocka_unit_test(queue_free_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
