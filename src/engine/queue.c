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
 * half of all records: the cancels since the last rebuild pay for it. */
#define REBUILD_MIN 1024

/* Lanes. Events scheduled with one delay while the clock moves forward arrive in (time,
 * seq) order, so a ring per delay stays sorted at O(1) per event, where the heap paid a
 * sift through ~41k records (sift_down led the 1000x profile). Delays of the 1.92 M
 * schedules at 1000x: 10 ms 1.06 M, 1 s 219k, 2 s 133k, 50 ms 80k, 123 s 80k, 500 ms 62k,
 * 4 s 39k, 8 s 15k, 3 s 10k, then a long tail of one-offs; 88% end in lanes. A lane takes a
 * record only if it does not sort before the lane's last one, which alone keeps it sorted
 * whatever the clock did; the heap takes the rest. The least event is the least of the
 * heap root and of a tournament over the lanes' first records.
 * Eight lanes: sixteen took 3% more of the events at 1x, but cost 2% more instructions
 * per event. */
#define LANE_BITS 3
#define NLANES (1u << LANE_BITS)
#define TOP_HEAP NLANES       /* queue_top's event is the heap root */
#define TOP_NONE (NLANES + 1) /* no event, or not known yet */

/* Lanes are few, so they go to the delays that recur: a delay without a lane gets an empty
 * one when it came CLAIM_MIN times and more often than that lane was used lately, and a
 * lane keeps its delay while empty. Given to the first comer instead, lanes went to
 * one-off delays (a 600 s timer at start, random backoffs) and 18% of the events went to
 * the heap; with this, 11.5%, near the 10% whose delay comes fewer than three times. */
#define CLAIM_MIN 3
#define NCANDS 16          /* lane-less delays counted at once, by hash */
#define DECAY_PERIOD 65536 /* schedules between halvings of the lanes' use counts */
#define LANE_MIN_CAP 64
/* A small queue is the heap alone: with a few dozen pending events (a node-loss run) a
 * sift is short, and lanes cost more than they save (11% more instructions per event in
 * bench-replications when every queue had lanes). Lanes start once QUEUE_LANES_FROM
 * events are pending and stay in use while they hold any: the 77-pod 1x bench-scale
 * cluster gets there and runs 8% faster than with 256. */

/* A record, in the heap or a lane. `key` is the event's handle, so (time, key) orders by
 * time and then by insertion sequence, and a record is stale when its key no longer matches
 * its slot.
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

/* A ring of records sorted by (time, key), appended at the tail, popped at the head. */
struct lane {
    struct rec *buf; /* the ring is buf[0 .. cap), cap a power of two (0 before first use) */
    uint32_t head;   /* index of the first record */
    uint32_t len;
    uint32_t cap;
    uint32_t alloc; /* records buf can hold, cap or more */
    uint32_t uses;  /* appends, halved every DECAY_PERIOD schedules */
    uint64_t tail; /* time of the last record, 0 (the least time key) when empty */
};

/* A delay that found no lane, and how often in a row (for its hash bucket). */
struct cand {
    uint64_t delay;
    uint32_t n;
};

struct queue {
    struct rec *heap; /* heap[HEAP0 .. HEAP0 + len), aligned to CACHE_LINE */
    void *heap_mem;   /* what xmalloc returned for heap */
    size_t len;       /* records in the heap, stale ones included */
    size_t cap;       /* records heap can hold, HEAP0 padding included */
    size_t stale;     /* records whose event was cancelled, in the heap or a lane */
    size_t live;      /* pending events */
    struct slot *pool;
    uint32_t pool_len; /* slots ever handed out since the last clear */
    uint32_t pool_cap;
    uint32_t free_head;
    uint32_t lane_mask; /* bit l set while lane l holds records */
    size_t lane_recs;   /* records in all lanes, stale ones included */
    uint32_t bound;     /* bit l set once lane l took a delay */
    uint64_t next_seq;
    size_t lanes_from;  /* pending events from which lanes are used (QUEUE_LANES_FROM) */
    uint64_t now;       /* time key of the last popped event: delays count from it */
    unsigned top;       /* where queue_top found its event, or TOP_NONE */
    /* A tournament over the lanes' first records: tree[NLANES + l] is lane l's first record
     * (SENTINEL when empty), tree[i] the least of tree[2i] and tree[2i + 1], and from[i]
     * the lane it comes from. */
    struct rec tree[2 * NLANES];
    uint8_t from[2 * NLANES];
    uint64_t delay[NLANES]; /* the delay (time key - now) each lane takes */
    struct lane lanes[NLANES];
    struct cand cands[NCANDS];
};

/* Greater than every record (keys stay below 2^64 - 1): what an empty lane or heap
 * shows, so that finding the least record needs no emptiness tests. */
static const struct rec SENTINEL = {UINT64_MAX, UINT64_MAX};

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

/* Drop the root record, restoring the heap; an empty heap shows SENTINEL at its root. */
static inline void remove_root(struct queue *q)
{
    q->len--;
    if (q->len > 0)
        sift_down(q->heap, HEAP0 + q->len, HEAP0, q->heap[HEAP0 + q->len]);
    else
        q->heap[HEAP0] = SENTINEL;
}

static inline unsigned lowest_bit(uint32_t m)
{
#ifdef __GNUC__
    return (unsigned)__builtin_ctz(m);
#else
    unsigned i = 0;
    while (!(m >> i & 1))
        i++;
    return i;
#endif
}

/* Play again the matches on lane l's path to the root after its first record changed. */
static inline void replay(struct queue *q, unsigned l)
{
    unsigned i = NLANES + l;
    struct rec w = q->tree[i];
    unsigned wl = l;
    /* Unrolled, the three levels cost 0.6% fewer instructions per event at 1x. */
#pragma GCC unroll 8
    for (unsigned k = 0; k < LANE_BITS; k++, i >>= 1) {
        struct rec o = q->tree[i ^ 1];
        unsigned ol = q->from[i ^ 1];
        bool lost = rec_less(o, w);
        w = lost ? o : w;
        wl = lost ? ol : wl;
        q->tree[i >> 1] = w;
        q->from[i >> 1] = (uint8_t)wl;
    }
}

/* Play every match again, bottom up. */
static void replay_all(struct queue *q)
{
    for (unsigned i = NLANES - 1; i >= 1; i--) {
        bool right = rec_less(q->tree[2 * i + 1], q->tree[2 * i]);
        q->tree[i] = q->tree[2 * i + right];
        q->from[i] = q->from[2 * i + right];
    }
}

static void grow_lane(struct lane *ln)
{
    uint32_t ncap = ln->cap ? 2 * ln->cap : LANE_MIN_CAP;
    if (ncap > ln->alloc) {
        ln->buf = xrealloc(ln->buf, (size_t)ncap * sizeof *ln->buf);
        ln->alloc = ncap;
    }
    /* The lane is full: the records that wrapped to the front belong after the old end. */
    memcpy(ln->buf + ln->cap, ln->buf, (size_t)ln->head * sizeof *ln->buf);
    ln->cap = ncap;
}

/* Halve a ring that became mostly empty (it keeps its memory). After a burst a lane can
 * hold a few records in a large ring, and each append then goes to a line untouched since
 * the ring last went round: the 10 ms lane at 1000x, once 131072 records long, made a miss
 * every fourth append (cachegrind: 2.81 instead of 3.09 last-level misses per event; the
 * hardware prefetcher hides most of it, no wall-time change measured). A record past the
 * new end moves down by the new capacity; no two collide, as less than half is in use. */
static void shrink_lane(struct lane *ln)
{
    uint32_t ncap = ln->cap / 2;
    for (uint32_t i = 0; i < ln->len; i++) {
        uint32_t p = (ln->head + i) & (ln->cap - 1);
        if (p >= ncap)
            ln->buf[p - ncap] = ln->buf[p];
    }
    ln->head &= ncap - 1;
    ln->cap = ncap;
}

static inline void lane_push(struct queue *q, unsigned l, struct rec r)
{
    struct lane *ln = &q->lanes[l];
    if (ln->len == ln->cap)
        grow_lane(ln);
    ln->buf[(ln->head + ln->len) & (ln->cap - 1)] = r;
    ln->tail = r.time;
    ln->uses++;
    q->lane_recs++;
    if (ln->len++ == 0) {
        q->tree[NLANES + l] = r;
        q->lane_mask |= UINT32_C(1) << l;
        replay(q, l);
    }
}

static inline void lane_drop_head(struct queue *q, unsigned l)
{
    struct lane *ln = &q->lanes[l];
    ln->head = (ln->head + 1) & (ln->cap - 1);
    q->lane_recs--;
    if (--ln->len > 0) {
        q->tree[NLANES + l] = ln->buf[ln->head];
    } else {
        q->tree[NLANES + l] = SENTINEL;
        q->lane_mask &= ~(UINT32_C(1) << l);
        ln->tail = 0;
    }
    if (ln->len <= ln->cap / 8 && ln->cap > LANE_MIN_CAP)
        shrink_lane(ln);
    replay(q, l);
}

/* The least record into *r, and where it is: a lane, TOP_HEAP, or TOP_NONE when there is
 * none (*r is then SENTINEL). */
/* A record read as two 8-byte loads. The heap and the tournament write records as two
 * 8-byte stores, and a 16-byte load of a record just written cannot take its value from
 * them: it waits for the stores to reach the cache (measured: queue_top's time doubled in
 * bench-replications). The empty asm keeps the compiler from merging the two loads. */
static inline struct rec rec_load(const struct rec *p)
{
    uint64_t key = p->key, time = p->time;
#ifdef __GNUC__
    __asm__("" : "+r"(key));
#endif
    return (struct rec){.key = key, .time = time};
}

static inline unsigned least(const struct queue *q, struct rec *r)
{
    /* The heap alone, as before lanes: 25 fewer instructions per event in the hold model,
     * none more in bench-scale. */
    if (q->lane_mask == 0) {
        *r = rec_load(&q->heap[HEAP0]);
        return q->len > 0 ? TOP_HEAP : TOP_NONE;
    }
    struct rec lane = rec_load(&q->tree[1]), root = rec_load(&q->heap[HEAP0]);
    bool in_lane = rec_less(lane, root);
    *r = in_lane ? lane : root;
    return in_lane ? q->from[1] : TOP_HEAP;
}

static inline void remove_at(struct queue *q, unsigned src)
{
    if (src == TOP_HEAP)
        remove_root(q);
    else
        lane_drop_head(q, src);
}

static unsigned drop_stale(struct queue *q, struct rec *r, unsigned src)
{
    do {
        remove_at(q, src);
        q->stale--;
        src = least(q, r);
    } while (src != TOP_NONE && q->stale > 0 && !rec_is_live(q, *r));
    return src;
}

/* Find the least live record, discarding the stale records that surfaced before it. */
static inline unsigned settle(struct queue *q, struct rec *r)
{
    unsigned src = least(q, r);
    if (src == TOP_NONE || q->stale == 0 || rec_is_live(q, *r))
        return src;
    return drop_stale(q, r, src);
}

/* Keep the live records: lanes compacted in place (still sorted), the heap heapified
 * bottom-up (Floyd), O(n). */
static void rebuild(struct queue *q)
{
    for (unsigned l = 0; l < NLANES; l++) {
        struct lane *ln = &q->lanes[l];
        uint32_t mask = ln->cap - 1, kept = 0;
        for (uint32_t i = 0; i < ln->len; i++) {
            struct rec r = ln->buf[(ln->head + i) & mask];
            if (rec_is_live(q, r))
                ln->buf[(ln->head + kept++) & mask] = r;
        }
        q->lane_recs -= ln->len - kept;
        ln->len = kept;
        if (kept > 0) {
            q->tree[NLANES + l] = ln->buf[ln->head];
            ln->tail = ln->buf[(ln->head + kept - 1) & mask].time;
        } else {
            q->tree[NLANES + l] = SENTINEL;
            q->lane_mask &= ~(UINT32_C(1) << l);
            ln->tail = 0;
        }
    }
    replay_all(q);
    struct rec *h = q->heap;
    size_t end = HEAP0;
    for (size_t i = HEAP0; i < HEAP0 + q->len; i++)
        if (rec_is_live(q, h[i]))
            h[end++] = h[i];
    q->len = end - HEAP0;
    q->stale = 0;
    if (q->len == 0)
        h[HEAP0] = SENTINEL;
    if (q->len < 2)
        return;
    for (size_t p = parent_of(end - 1) + 1; p-- > HEAP0;)
        sift_down(h, end, p, h[p]);
}

/* Empty the heap and the lanes, keeping their memory, and forget what the lanes took. */
static void reset(struct queue *q)
{
    q->len = 0;
    q->heap[HEAP0] = SENTINEL;
    q->lane_mask = 0;
    q->lane_recs = 0;
    q->bound = 0;
    q->now = time_key(0);
    q->top = TOP_NONE;
    for (unsigned l = 0; l < NLANES; l++) {
        struct lane *ln = &q->lanes[l];
        ln->head = 0;
        ln->len = 0;
        ln->uses = 0;
        ln->tail = 0;
        q->delay[l] = UINT64_MAX;
        q->tree[NLANES + l] = SENTINEL;
        q->from[NLANES + l] = (uint8_t)l;
    }
    replay_all(q);
    for (unsigned i = 0; i < NCANDS; i++)
        q->cands[i] = (struct cand){UINT64_MAX, 0};
}

struct queue *queue_new(void)
{
    struct queue *q = xcalloc(1, sizeof(*q));
    q->free_head = NO_SLOT;
    q->next_seq = 1;
    q->lanes_from = QUEUE_LANES_FROM;
    grow_heap(q);
    reset(q);
    return q;
}

void queue_free(struct queue *q)
{
    if (q == NULL)
        return;
    for (unsigned l = 0; l < NLANES; l++)
        free(q->lanes[l].buf);
    free(q->heap_mem);
    free(q->pool);
    free(q);
}

void queue_clear(struct queue *q)
{
    /* Sequence numbers restart too: a replication is a new run, and handles printed in its
     * trace should not depend on how many runs came before it. */
    q->stale = 0;
    q->live = 0;
    q->pool_len = 0;
    q->free_head = NO_SLOT;
    q->next_seq = 1;
    reset(q);
}

/* The empty lane that delay d (lane-less) now gets, or NLANES: see CLAIM_MIN. */
static unsigned claim_lane(struct queue *q, uint64_t d)
{
    struct cand *c = &q->cands[(d * UINT64_C(0x9E3779B97F4A7C15)) >> 60];
    if (c->delay == d) {
        c->n++;
    } else {
        c->delay = d;
        c->n = 1;
    }
    if (c->n < CLAIM_MIN)
        return NLANES;
    unsigned best = NLANES;
    uint32_t best_uses = c->n;
    for (uint32_t m = ~q->lane_mask & ((UINT32_C(1) << NLANES) - 1); m != 0; m &= m - 1) {
        unsigned l = lowest_bit(m);
        if (q->lanes[l].uses < best_uses) {
            best = l;
            best_uses = q->lanes[l].uses;
        }
    }
    if (best < NLANES) {
        q->delay[best] = d;
        q->bound |= UINT32_C(1) << best;
        q->lanes[best].uses = c->n;
        c->delay = UINT64_MAX;
        c->n = 0;
    }
    return best;
}

/* The lane for a record at time key t, or NLANES for the heap. */
static inline unsigned pick_lane(struct queue *q, uint64_t t)
{
    uint64_t d = t - q->now;
    /* Skipped while no delay recurred, as in bench-engine's hold model, where each delay
     * is a random draw: 38 fewer instructions per event there (6%). */
    if (q->bound != 0) {
        for (unsigned l = 0; l < NLANES; l++) {
            if (q->delay[l] == d) {
                /* Keys only grow, so a time not below the tail's keeps the lane sorted. */
                return t >= q->lanes[l].tail ? l : NLANES;
            }
        }
    }
    return claim_lane(q, d);
}

/* Append r to its delay's lane; false if it belongs in the heap. Out of line, as is
 * pop_lane: inlined, the lane code made every schedule and pop of a small queue save and
 * restore more registers. */
__attribute__((noinline)) static bool schedule_in_lane(struct queue *q, struct rec r)
{
    if ((q->next_seq & (DECAY_PERIOD - 1)) == 0)
        for (unsigned l = 0; l < NLANES; l++)
            q->lanes[l].uses >>= 1;
    unsigned l = pick_lane(q, r.time);
    if (l == NLANES)
        return false;
    lane_push(q, l, r);
    return true;
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
    q->live++;
    q->top = TOP_NONE;
    struct rec r = {.key = handle, .time = time_key(time)};
    if ((q->live >= q->lanes_from || q->lane_mask != 0) && schedule_in_lane(q, r))
        return handle;
    if (HEAP0 + q->len + 1 > q->cap)
        grow_heap(q);
    sift_up(q->heap, HEAP0 + q->len, r);
    q->len++;
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
    q->top = TOP_NONE;
    if (q->stale > REBUILD_MIN && q->stale > (q->len + q->lane_recs) / 2)
        rebuild(q);
    return true;
}

bool queue_top(struct queue *q, struct event *out)
{
    struct rec r;
    unsigned src = settle(q, &r);
    q->top = src;
    if (src == TOP_NONE)
        return false;
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

__attribute__((noinline)) static void pop_lane(struct queue *q, unsigned l)
{
    struct rec r = q->tree[NLANES + l];
    free_slot(q, key_slot(r.key));
    q->now = r.time;
    lane_drop_head(q, l);
    if (q->lane_mask >> l & 1)
        PREFETCH(&q->pool[key_slot(q->tree[NLANES + l].key)]);
}

void queue_pop_top(struct queue *q)
{
    unsigned src = q->top;
    if (src == TOP_NONE) {
        struct rec r;
        src = settle(q, &r);
        if (src == TOP_NONE)
            return;
    }
    q->top = TOP_NONE;
    q->live--;
    /* The next pops read the slots of the new heap root and of its children, or of the
     * lane's next record. In a pool larger than the cache each is a miss, so start the
     * loads now, overlapping them with whatever the caller does in between. Measured: this
     * is what makes the engine as fast as a bare heap at 10^5 and 10^6 events, and it
     * still gains 5% at 1000x in bench-scale with lanes (the other lanes' first records
     * were fetched when they became first, or were just written). */
    if (src == TOP_HEAP) {
        struct rec r = q->heap[HEAP0];
        free_slot(q, key_slot(r.key));
        q->now = r.time;
        remove_root(q);
        for (size_t i = HEAP0; i < HEAP0 + 5 && i < HEAP0 + q->len; i++)
            PREFETCH(&q->pool[key_slot(q->heap[i].key)]);
    } else {
        pop_lane(q, src);
    }
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
    struct rec r;
    return settle(q, &r) == TOP_NONE ? INT64_MAX : key_time(r.time);
}

size_t queue_size(const struct queue *q)
{
    return q->live;
}

size_t queue_heap_len(const struct queue *q)
{
    return q->len + q->lane_recs;
}

void queue_set_lanes_from(struct queue *q, size_t n)
{
    q->lanes_from = n;
}

size_t queue_lane_len(const struct queue *q)
{
    return q->lane_recs;
}
