#include "engine/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define SLOT_BITS 24
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define MAX_SLOTS ((uint32_t)SLOT_MASK) /* at most 2^24 - 1 events pending at once */
#define MAX_SEQ ((UINT64_C(1) << 40) - 1)
#define NO_SLOT UINT32_MAX

/* The root lives at index 3 of a 64-byte aligned array (libev's HEAP0 = DHEAP - 1 trick):
 * the four children of any node then fill exactly one cache line, so choosing the smallest
 * child costs one line fill instead of two. */
#define HEAP0 3
#define CACHE_LINE 64

/* Rebuilding costs O(n), so it waits until stale records are both numerous and more than
 * half of the heap: the cancels since the last rebuild pay for it. */
#define REBUILD_MIN 1024

/* A heap record. `key` is the event's handle, so (time, key) orders by time and then by
 * insertion sequence, and a record is stale when its key no longer matches its slot.
 * `time` is stored with its sign bit flipped (time_key), so that the pair compares as one
 * unsigned 128-bit number (a cmp and an sbb) instead of three 64-bit comparisons: a sift
 * makes four comparisons on each of the eight levels of a large heap. Measured: -3.5%
 * instructions per event on the 1000x bench-scale cluster. */
struct rec {
    uint64_t key;
    uint64_t time;
};

static inline uint64_t time_key(int64_t t)
{
    return (uint64_t)t ^ (UINT64_C(1) << 63);
}

static inline int64_t key_time(uint64_t k)
{
    return (int64_t)(k ^ (UINT64_C(1) << 63));
}

struct slot {
    uint64_t handle; /* 0 while the slot is free */
    uint16_t module;
    uint16_t kind;
    uint32_t a; /* while free: the next free slot */
    uint32_t b;
    uint32_t c;
};

struct queue {
    struct rec *heap; /* heap[HEAP0 .. HEAP0 + len), aligned to CACHE_LINE */
    void *heap_mem;   /* what xmalloc returned for heap */
    size_t len;       /* records in the heap, stale ones included */
    size_t cap;       /* records heap can hold, HEAP0 padding included */
    size_t stale;     /* records whose event was cancelled */
    size_t live;      /* pending events */
    struct slot *pool;
    uint32_t pool_len; /* slots ever handed out since the last clear */
    uint32_t pool_cap;
    uint32_t free_head;
    uint64_t next_seq;
};

static void fatal(const char *msg)
{
    fprintf(stderr, "sssim: fatal: %s\n", msg);
    abort();
}

#ifdef __SIZEOF_INT128__
static inline bool rec_less(struct rec x, struct rec y)
{
    return ((unsigned __int128)x.time << 64 | x.key) < ((unsigned __int128)y.time << 64 | y.key);
}
#else
static inline bool rec_less(struct rec x, struct rec y)
{
    return (x.time < y.time) | ((x.time == y.time) & (x.key < y.key));
}
#endif

static inline uint32_t key_slot(uint64_t key)
{
    return (uint32_t)(key & SLOT_MASK);
}

/* Move the hole at p down to where x belongs and store x there. end is one past the last
 * physical index in use. */
static inline void sift_down(struct rec *h, size_t end, size_t p, struct rec x)
{
    for (;;) {
        size_t c = 4 * (p - HEAP0) + 1 + HEAP0; /* first child of p */
        size_t m;
        if (c + 3 < end) {
            /* The grandchildren of p are the children of c..c+3: four consecutive lines.
             * Fetching them now overlaps the next level's miss with this level's
             * comparisons; in a heap larger than the cache that is most of the cost. */
            size_t g = 4 * (c - HEAP0) + 1 + HEAP0;
            if (g < end) {
                /* Unrolled and without bounds: a prefetch past the end does no harm (the
                 * address is computed as an integer, not as a pointer past the array). */
                uintptr_t line = (uintptr_t)&h[g];
                for (int k = 0; k < 4; k++)
                    PREFETCH((const void *)(line + (uintptr_t)k * 4 * sizeof *h));
            }
            /* Branch-free tournament: the two first comparisons are independent, and the
             * outcome is data-dependent noise a branch predictor would keep missing. */
            size_t m01 = c + rec_less(h[c + 1], h[c]);
            size_t m23 = c + 2 + rec_less(h[c + 3], h[c + 2]);
            m = rec_less(h[m23], h[m01]) ? m23 : m01;
        } else {
            if (c >= end)
                break;
            m = c;
            for (size_t i = c + 1; i < end; i++)
                if (rec_less(h[i], h[m]))
                    m = i;
        }
        if (!rec_less(h[m], x))
            break;
        h[p] = h[m];
        p = m;
    }
    h[p] = x;
}

static inline size_t parent_of(size_t p)
{
    return (p - HEAP0 - 1) / 4 + HEAP0;
}

static inline void sift_up(struct rec *h, size_t p, struct rec x)
{
    while (p > HEAP0) {
        size_t parent = parent_of(p);
        if (!rec_less(x, h[parent]))
            break;
        h[p] = h[parent];
        p = parent;
    }
    h[p] = x;
}

static void grow_heap(struct queue *q)
{
    size_t ncap = q->cap ? q->cap * 2 : 256;
    void *mem = xmalloc(ncap * sizeof(struct rec) + CACHE_LINE);
    uintptr_t aligned = ((uintptr_t)mem + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
    struct rec *h = (struct rec *)aligned;
    if (q->len > 0)
        memcpy(h + HEAP0, q->heap + HEAP0, q->len * sizeof(struct rec));
    free(q->heap_mem);
    q->heap_mem = mem;
    q->heap = h;
    q->cap = ncap;
}

static uint32_t alloc_slot(struct queue *q)
{
    uint32_t s = q->free_head;
    if (s != NO_SLOT) {
        q->free_head = q->pool[s].a;
        return s;
    }
    if (q->pool_len == MAX_SLOTS)
        fatal("more than 16777215 events pending at once (queue slot space exhausted)");
    if (q->pool_len == q->pool_cap) {
        size_t cap = q->pool_cap;
        grow_array((void **)&q->pool, &cap, (size_t)q->pool_len + 1, sizeof(struct slot));
        q->pool_cap = cap > MAX_SLOTS ? MAX_SLOTS : (uint32_t)cap;
    }
    return q->pool_len++;
}

static inline void free_slot(struct queue *q, uint32_t s)
{
    q->pool[s].handle = QUEUE_NO_EVENT;
    q->pool[s].a = q->free_head;
    q->free_head = s;
}

static inline bool rec_is_live(const struct queue *q, struct rec r)
{
    return q->pool[key_slot(r.key)].handle == r.key;
}

/* Drop the root record, restoring the heap. */
static inline void remove_root(struct queue *q)
{
    q->len--;
    if (q->len > 0)
        sift_down(q->heap, HEAP0 + q->len, HEAP0, q->heap[HEAP0 + q->len]);
}

/* Discard stale records that surfaced at the root, so the root (if any) is live. */
static inline void drop_stale_top(struct queue *q)
{
    while (q->stale > 0 && q->len > 0 && !rec_is_live(q, q->heap[HEAP0])) {
        remove_root(q);
        q->stale--;
    }
}

/* Keep the live records and heapify them bottom-up (Floyd), O(n). */
static void rebuild(struct queue *q)
{
    struct rec *h = q->heap;
    size_t end = HEAP0;
    for (size_t i = HEAP0; i < HEAP0 + q->len; i++)
        if (rec_is_live(q, h[i]))
            h[end++] = h[i];
    q->len = end - HEAP0;
    q->stale = 0;
    if (q->len < 2)
        return;
    for (size_t p = parent_of(end - 1) + 1; p-- > HEAP0;)
        sift_down(h, end, p, h[p]);
}

struct queue *queue_new(void)
{
    struct queue *q = xcalloc(1, sizeof(*q));
    q->free_head = NO_SLOT;
    q->next_seq = 1;
    return q;
}

void queue_free(struct queue *q)
{
    if (q == NULL)
        return;
    free(q->heap_mem);
    free(q->pool);
    free(q);
}

void queue_clear(struct queue *q)
{
    /* Sequence numbers restart too: a replication is a new run, and handles printed in its
     * trace should not depend on how many runs came before it. */
    q->len = 0;
    q->stale = 0;
    q->live = 0;
    q->pool_len = 0;
    q->free_head = NO_SLOT;
    q->next_seq = 1;
}

uint64_t queue_schedule(struct queue *q, int64_t time, uint16_t module, uint16_t kind,
                        uint32_t a, uint32_t b, uint32_t c)
{
    if (q->next_seq > MAX_SEQ)
        fatal("more than 2^40 events scheduled in one run (queue sequence space exhausted)");
    uint32_t s = alloc_slot(q);
    uint64_t handle = (q->next_seq++ << SLOT_BITS) | s;
    struct slot *sl = &q->pool[s];
    sl->handle = handle;
    sl->module = module;
    sl->kind = kind;
    sl->a = a;
    sl->b = b;
    sl->c = c;

    if (HEAP0 + q->len + 1 > q->cap)
        grow_heap(q);
    struct rec r = {.key = handle, .time = time_key(time)};
    sift_up(q->heap, HEAP0 + q->len, r);
    q->len++;
    q->live++;
    return handle;
}

bool queue_pending(const struct queue *q, uint64_t handle)
{
    uint32_t s = key_slot(handle);
    return handle != QUEUE_NO_EVENT && s < q->pool_len && q->pool[s].handle == handle;
}

bool queue_cancel(struct queue *q, uint64_t handle)
{
    if (!queue_pending(q, handle))
        return false;
    free_slot(q, key_slot(handle));
    q->live--;
    q->stale++;
    if (q->stale > REBUILD_MIN && q->stale > q->len / 2)
        rebuild(q);
    return true;
}

bool queue_top(struct queue *q, struct event *out)
{
    drop_stale_top(q);
    if (q->len == 0)
        return false;
    struct rec r = q->heap[HEAP0];
    const struct slot *sl = &q->pool[key_slot(r.key)];
    out->time = key_time(r.time);
    out->handle = r.key;
    out->module = sl->module;
    out->kind = sl->kind;
    out->a = sl->a;
    out->b = sl->b;
    out->c = sl->c;
    return true;
}

void queue_pop_top(struct queue *q)
{
    free_slot(q, key_slot(q->heap[HEAP0].key));
    q->live--;
    remove_root(q);
    /* The next pop reads the new root's slot and, usually, the one after reads the slot of
     * one of the root's children. In a pool larger than the cache each is a miss, so start
     * the loads now, overlapping them with whatever the caller does in between. Measured:
     * this is what makes the engine as fast as a bare heap at 10^5 and 10^6 events. */
    for (size_t i = HEAP0; i < HEAP0 + 5 && i < HEAP0 + q->len; i++)
        PREFETCH(&q->pool[key_slot(q->heap[i].key)]);
}

bool queue_pop(struct queue *q, struct event *out)
{
    if (!queue_top(q, out))
        return false;
    queue_pop_top(q);
    return true;
}

int64_t queue_peek_time(struct queue *q)
{
    drop_stale_top(q);
    return q->len > 0 ? key_time(q->heap[HEAP0].time) : INT64_MAX;
}

size_t queue_size(const struct queue *q)
{
    return q->live;
}

size_t queue_heap_len(const struct queue *q)
{
    return q->len;
}
