/* The pending-event set, ordered by (time, insertion sequence), over a pool of fixed-size
 * event records. Most events come a constant delay after the one being handled (on the
 * 1000x bench-scale cluster, seven delays make 87% of the 1.92 M schedules), so each
 * frequent delay gets a FIFO lane, sorted by construction; the other events go to a 4-ary
 * min-heap. */
#ifndef SSSIM_QUEUE_H
#define SSSIM_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An event as handlers see it. `module` picks the handler table entry, `kind` is the
 * module's own event kind, a/b/c are the module's arguments (object ids and the like). */
struct event {
    int64_t time;
    uint64_t handle; /* what queue_schedule returned; unique in the run */
    uint16_t module;
    uint16_t kind;
    uint32_t a;
    uint32_t b;
    uint32_t c;
};

/* A handle names one scheduled event. It packs the insertion sequence (high 40 bits)
 * and the pool slot (low 24 bits), so it is never reused within a run and comparing
 * two handles compares insertion order. 0 is "no event". */
#define QUEUE_NO_EVENT UINT64_C(0)

struct queue;

struct queue *queue_new(void);
void queue_free(struct queue *q);
/* Forget every event but keep the memory (between replications). */
void queue_clear(struct queue *q);

/* Schedule an event at `time`; returns its handle. Events at equal times pop in the
 * order they were scheduled. */
uint64_t queue_schedule(struct queue *q, int64_t time, uint16_t module, uint16_t kind,
                        uint32_t a, uint32_t b, uint32_t c);
/* Cancel by handle in O(1) (the record is dropped lazily when it surfaces).
 * Returns false if the event already ran or was cancelled. */
bool queue_cancel(struct queue *q, uint64_t handle);
/* True while the event named by handle is still pending. */
bool queue_pending(const struct queue *q, uint64_t handle);
/* Pop the earliest live event into *out; false when the queue is empty. */
bool queue_pop(struct queue *q, struct event *out);
/* The earliest live event into *out without removing it; false when the queue is empty.
 * queue_pop_top then removes it (or, if the queue changed in between, the earliest live
 * event): in between, the caller can start loading what the event's handler will read,
 * so that those loads overlap the queue's own work. */
bool queue_top(struct queue *q, struct event *out);
void queue_pop_top(struct queue *q);
/* Time of the earliest live event, or INT64_MAX when empty. */
int64_t queue_peek_time(struct queue *q);
/* Number of live (not cancelled) events. */
size_t queue_size(const struct queue *q);
/* Number of records held, in the heap and the lanes, cancelled ones not yet dropped
 * included (for tests and benchmarks: it shows when the records were compacted). */
size_t queue_heap_len(const struct queue *q);
/* How many of those are in lanes (for tests: it shows that the lanes are used). */
size_t queue_lane_len(const struct queue *q);
/* Lanes are used once this many events are pending (and while they hold any); below, the
 * heap alone is cheaper. queue_set_lanes_from changes it for one queue (for tests). */
#define QUEUE_LANES_FROM 64
void queue_set_lanes_from(struct queue *q, size_t n);

#endif
