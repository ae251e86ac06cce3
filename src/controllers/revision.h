/* ControllerRevisions of a StatefulSet: the template data a revision records, its hash and
 * name, the choice of the current and update revisions, and history truncation (upstream
 * pkg/controller/history/controller_history.go and the revision parts of
 * pkg/controller/statefulset/stateful_set_control.go and stateful_set_utils.go). */
#ifndef SSSIM_REVISION_H
#define SSSIM_REVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/store.h"
#include "util/util.h"

/* k8s.io/apimachinery/pkg/util/rand: the alphabet of SafeEncodeString (no vowels, no 0/1/3,
 * so that hashes never spell words). */
#define REV_ALPHANUMS "bcdfghjklmnpqrstvwxz2456789"
/* Room for a safe-encoded uint32 (at most 10 decimal digits) and its NUL. */
#define REV_HASH_LEN 11

/* Append the canonical serialization of the template fields sssim models. It stands in for
 * upstream getPatch (the JSON of spec.template with "$patch": "replace"), which sssim cannot
 * byte-reproduce: two templates have equal data exactly when they differ in nothing sssim
 * models. Map-like fields (labels, nodeSelector) are sorted by key, as encoding/json sorts
 * map keys. */
void rev_template_data(struct strbuf *sb, const struct scn_pod_template *t);

/* Upstream history.HashControllerRevision: Go's fnv.New32 (FNV-1, not FNV-1a) over the data,
 * then the collision count written as a decimal string (the probe is never nil for
 * StatefulSets: newRevision passes &collisionCount). */
uint32_t rev_hash(const char *data, size_t len, int32_t collision_count);

/* rand.SafeEncodeString(fmt.Sprint(hash)): each decimal digit mapped into REV_ALPHANUMS. */
void rev_safe_encode(uint32_t hash, char out[REV_HASH_LEN]);

/* history.SortControllerRevisions: a stable sort of revision ids by .revision. */
void rev_sort(const struct store *st, uint32_t *ids, uint32_t n);

/* What getStatefulSetRevisions decided. */
struct rev_choice {
    uint32_t current;        /* revision id */
    uint32_t update;         /* revision id */
    int32_t collision_count; /* to carry into status.collisionCount */
    bool created;            /* a new revision was created */
    bool rolled_back;        /* an older revision was renumbered to become the newest */
};

/* Upstream stateful_set_control.go getStatefulSetRevisions. `sorted` holds the set's
 * revisions sorted by number as listed at the start of the sync (n of them); this may create
 * a revision (store_revision_create) or renumber one (store_revision_set_number). `scratch`
 * is a work buffer. */
void rev_get_set_revisions(struct store *st, uint32_t sts, const uint32_t *sorted, uint32_t n,
                           struct strbuf *scratch, struct rev_choice *out);

/* Upstream stateful_set_control.go truncateHistory: delete the oldest revisions of `sorted`
 * whose live[i] is false until at most `limit` such remain; a negative limit keeps all. */
void rev_truncate_history(struct store *st, const uint32_t *sorted, uint32_t n, const bool *live,
                          int32_t limit);

#endif
