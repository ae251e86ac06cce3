/* What happened to each StatefulSet identity, claim and fault, kept from the change
 * stream: incarnations, serving intervals, attachments. The source of the summary, the
 * report, the metrics and the plots. Read-only towards the model. */
#ifndef SSSIM_HISTORY_H
#define SSSIM_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

/* One Pod object (one UID) of an identity, as history_incarnation gives it. Times are
 * TIME_NEVER until they happen. */
struct incarnation {
    uint32_t pod;
    uint32_t node; /* the node it was bound to, NONE_ID if never */
    int64_t created, scheduled, attached, running, ready, deleted, gone;
};

/* A stretch of time when an identity was not serving; end TIME_NEVER while open. */
struct interval {
    int64_t start, end;
};

/* 64 bytes. The incarnations are kept per pod id (history.c), so that a change of a pod
 * reads one record rather than an index, the identity and its array. */
struct identity {
    uint32_t sts;
    int32_t ordinal;
    const char *name;
    uint32_t nincs;        /* its incarnations: history_incarnation(h, id, 0 .. nincs - 1) */
    bool serving;          /* a live container of a Ready pod object of this identity */
    int64_t first_serving; /* TIME_NEVER until it first served */
    struct interval *down; /* not-serving stretches after it first served */
    uint32_t ndown, down_cap;
    /* Private to history.c: the pod ids of the incarnations, oldest first (one inline,
     * as most identities have one; more on the heap when pods_cap > 1). */
    uint32_t pods_cap;
    union {
        uint32_t one;
        uint32_t *many;
    } pods;
};

struct claim_attachment {
    uint32_t attachment;
    uint32_t node;
    int64_t attached, detached;
    uint32_t next; /* private: the claim's next one in history.c's pool, NONE_ID */
};

/* A claim's attachments, in order: history_claim_first, then history_claim_next. They
 * are kept in one pool of the history rather than in an array per claim. */
struct claim_history {
    uint32_t natts;
    /* Private to history.c: its identity's index once seen (else NONE_ID), and its first
     * and last attachments in the pool (NONE_ID while natts is 0). */
    uint32_t ident, first, last;
};

struct violation_record {
    enum invariant invariant;
    int64_t at;
    uint64_t seq;
    const char *message; /* owned by the history arena */
};

struct history {
    struct sim *sim;
    struct identity *ids; /* one per (set, ordinal) ever seen */
    uint32_t nids, ids_cap;
    struct claim_history *claims; /* indexed by pvc id, nclaims of them */
    uint32_t nclaims, claims_cap;
    struct violation_record *violations;
    uint32_t nviolations, violations_cap;
    struct arena *arena;
    int64_t full_ready; /* first moment every set had all replicas ready, TIME_NEVER */
};

struct history *history_new(struct sim *sim); /* registers itself as a watcher */
void history_free(struct history *h);
/* The identity of pod name "web-1", or NULL. */
const struct identity *history_identity(const struct history *h, const char *name);
const struct identity *history_identity_of(const struct history *h, uint32_t sts,
                                           int32_t ordinal);
/* One past the highest ordinal history_identity_of may find in set sts (a bound for a
 * walk: ordinals below it may have no identity). */
uint32_t history_ordinal_bound(const struct history *h, uint32_t sts);
/* A claim's first attachment, or NULL; the one after `at`, or NULL. */
const struct claim_attachment *history_claim_first(const struct history *h,
                                                   const struct claim_history *ch);
const struct claim_attachment *history_claim_next(const struct history *h,
                                                  const struct claim_attachment *at);
/* Incarnation k of an identity, oldest first; k < id->nincs. */
struct incarnation history_incarnation(const struct history *h, const struct identity *id,
                                       uint32_t k);
/* Record a violation (called by the invariant checker). */
void history_add_violation(struct history *h, enum invariant inv, int64_t at, uint64_t seq,
                           const char *message);

/* Per-fault figures (seconds as ns; TIME_NEVER = never, -1 = not applicable). */
struct fault_figures {
    bool applied;
    int64_t recovered_at;       /* TIME_NEVER: not recovered by the end */
    int64_t recovery;           /* recovered_at - at, 0 if nothing stopped serving */
    int64_t to_deletion;        /* fault → deletion requested of the first affected pod */
    int64_t to_replacement_created, to_replacement_scheduled, to_replacement_attached,
        to_replacement_ready;
    int64_t multi_attach_wait;  /* summed over the replacements */
};
void history_fault_figures(const struct history *h, uint32_t fault, struct fault_figures *out);
/* Total not-serving time of an identity after it first served, up to `until`. */
int64_t history_downtime(const struct identity *id, int64_t until);

#endif
