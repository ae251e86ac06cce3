/* ControllerRevisions of a StatefulSet (upstream pkg/controller/history and the revision
 * functions of pkg/controller/statefulset). */
#include "controllers/revision.h"

#include <stdlib.h>
#include <string.h>

/* --- Template data ------------------------------------------------------------------- */

/* Indexes of kv pairs sorted by key: encoding/json writes map keys in sorted order, so the
 * order the scenario listed them in must not make a different revision. */
static void put_sorted_kv(struct strbuf *sb, const struct kv *kv, uint32_t n)
{
    uint32_t small[32];
    uint32_t *idx = n <= ARRAY_LEN(small) ? small : xmalloc(n * sizeof *idx);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        while (j > 0 && strcmp(kv[idx[j - 1]].key, kv[i].key) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    strbuf_putc(sb, '{');
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            strbuf_putc(sb, ',');
        strbuf_json_string(sb, kv[idx[i]].key);
        strbuf_putc(sb, ':');
        strbuf_json_string(sb, kv[idx[i]].value ? kv[idx[i]].value : "");
    }
    strbuf_putc(sb, '}');
    if (idx != small)
        free(idx);
}

/* `,"key":` (without the comma when first) and the value in decimal. The data is built
 * for every revision created, once per set: without printf it costs a fraction. */
static void put_int_field(struct strbuf *sb, const char *key, int64_t v, bool first)
{
    if (!first)
        strbuf_putc(sb, ',');
    strbuf_putc(sb, '"');
    strbuf_puts(sb, key);
    strbuf_puts(sb, "\":");
    strbuf_put_int(sb, v);
}

static void put_probe(struct strbuf *sb, const struct probe *p)
{
    if (!p->present) {
        strbuf_puts(sb, "null");
        return;
    }
    strbuf_putc(sb, '{');
    put_int_field(sb, "initialDelay", p->initial_delay_ns, true);
    put_int_field(sb, "period", p->period_ns, false);
    put_int_field(sb, "timeout", p->timeout_ns, false);
    put_int_field(sb, "success", p->success_threshold, false);
    put_int_field(sb, "failure", p->failure_threshold, false);
    strbuf_putc(sb, '}');
}

void rev_template_data(struct strbuf *sb, const struct scn_pod_template *t)
{
    strbuf_puts(sb, "{\"labels\":");
    put_sorted_kv(sb, t->labels, t->nlabels);
    strbuf_puts(sb, ",\"containers\":[");
    for (uint32_t i = 0; i < t->ncontainers; i++) {
        const struct scn_container *c = &t->containers[i];
        if (i)
            strbuf_putc(sb, ',');
        strbuf_puts(sb, "{\"name\":");
        strbuf_json_string(sb, c->name ? c->name : "");
        strbuf_puts(sb, ",\"image\":");
        strbuf_json_string(sb, c->image ? c->image : "");
        put_int_field(sb, "cpu", c->requests.cpu_milli, false);
        put_int_field(sb, "memory", c->requests.memory_bytes, false);
        strbuf_puts(sb, ",\"readinessProbe\":");
        put_probe(sb, &c->readiness);
        strbuf_putc(sb, '}');
    }
    strbuf_putc(sb, ']');
    put_int_field(sb, "terminationGracePeriod", t->termination_grace_ns, false);
    strbuf_puts(sb, ",\"tolerations\":[");
    for (uint32_t i = 0; i < t->ntolerations; i++) {
        const struct toleration *tol = &t->tolerations[i];
        if (i)
            strbuf_putc(sb, ',');
        strbuf_puts(sb, "{\"key\":");
        strbuf_json_string(sb, tol->key ? tol->key : "");
        put_int_field(sb, "op", (int)tol->op, false);
        strbuf_puts(sb, ",\"value\":");
        strbuf_json_string(sb, tol->value ? tol->value : "");
        put_int_field(sb, "effect", (int)tol->effect, false);
        if (tol->has_seconds)
            put_int_field(sb, "seconds", tol->seconds, false);
        strbuf_putc(sb, '}');
    }
    strbuf_puts(sb, "],\"nodeSelector\":");
    put_sorted_kv(sb, t->node_selector, t->nnode_selector);
    strbuf_puts(sb, ",\"zones\":[");
    for (uint32_t i = 0; i < t->nzones; i++) {
        if (i)
            strbuf_putc(sb, ',');
        strbuf_json_string(sb, t->zones[i]);
    }
    strbuf_putc(sb, ']');
    put_int_field(sb, "priority", t->priority, false);
    strbuf_putc(sb, '}');
}

/* --- Hash and name ------------------------------------------------------------------- */

#define FNV32_PRIME 16777619u

static uint32_t fnv1_32(const void *data, size_t len, uint32_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h *= FNV32_PRIME;
        h ^= p[i];
    }
    return h;
}

uint32_t rev_hash(const char *data, size_t len, int32_t collision_count)
{
    char probe[INT_DEC_LEN];
    size_t n = fmt_int(probe, collision_count);
    uint32_t h = fnv1_32(data, len, FNV32A_INIT); /* the FNV offset basis, same for FNV-1 */
    return fnv1_32(probe, n, h);
}

void rev_safe_encode(uint32_t hash, char out[REV_HASH_LEN])
{
    static const char alphanums[] = REV_ALPHANUMS;
    char digits[INT_DEC_LEN]; /* at most 10 digits and the NUL: fits out */
    size_t n = fmt_int(digits, hash);
    for (size_t i = 0; i < n; i++)
        out[i] = alphanums[(unsigned char)digits[i] % (sizeof alphanums - 1)];
    out[n] = '\0';
}

/* --- History ------------------------------------------------------------------------- */

void rev_sort(const struct store *st, uint32_t *ids, uint32_t n)
{
    /* Insertion sort is stable (sort.Stable upstream) and a set keeps few revisions. */
    for (uint32_t i = 1; i < n; i++) {
        uint32_t id = ids[i];
        uint32_t j = i;
        while (j > 0 && st->revisions[ids[j - 1]].number > st->revisions[id].number) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = id;
    }
}

/* The set's template data, built on first use: most syncs find the revision made from the
 * set's own template and never need it. */
struct lazy_data {
    const struct store *st;
    uint32_t template_id;
    bool built;
    struct strbuf sb;
};

static const struct strbuf *lazy_data_get(struct lazy_data *d)
{
    if (!d->built) {
        strbuf_init(&d->sb);
        rev_template_data(&d->sb, store_template(d->st, d->template_id));
        d->built = true;
    }
    return &d->sb;
}

/* history.EqualRevision: the data bytes are equal (the hash label of a StatefulSet revision
 * is safe-encoded, so it never parses as a number and only the data is compared). A
 * revision made from the same template has the same data without comparing. */
static bool revision_has_data(const struct store *st, uint32_t rev, struct lazy_data *ld,
                              uint32_t template_id, struct strbuf *tmp)
{
    const struct revision *r = &st->revisions[rev];
    if (r->template_id == template_id)
        return true;
    const struct strbuf *data = lazy_data_get(ld);
    strbuf_reset(tmp);
    rev_template_data(tmp, store_template(st, r->template_id));
    return tmp->len == data->len && memcmp(tmp->buf, data->buf, data->len) == 0;
}

static bool name_taken(const struct store *st, const struct statefulset *s, const char *name)
{
    for (uint32_t i = 0; i < s->nrevisions; i++)
        if (strcmp(st->revisions[s->revisions[i]].name, name) == 0)
            return true;
    return false;
}

void rev_get_set_revisions(struct store *st, uint32_t sts, const uint32_t *sorted, uint32_t n,
                           struct strbuf *scratch, struct rev_choice *out)
{
    const struct statefulset *s = &st->sets[sts];
    memset(out, 0, sizeof *out);
    out->collision_count = s->status.collision_count;

    /* newRevision(set, nextRevision(revisions), &collisionCount) */
    struct lazy_data ld = {.st = st, .template_id = s->template_id};
    int64_t next = n > 0 ? st->revisions[sorted[n - 1]].number + 1 : 1;

    /* history.FindEqualRevisions; the last one in revision order is the one upstream uses. */
    uint32_t equal_last = NONE_ID;
    for (uint32_t i = 0; i < n; i++)
        if (revision_has_data(st, sorted[i], &ld, s->template_id, scratch))
            equal_last = sorted[i];

    if (equal_last != NONE_ID && equal_last == sorted[n - 1]) {
        /* The equivalent revision is the newest: the update revision did not change. */
        out->update = equal_last;
    } else if (equal_last != NONE_ID) {
        /* Roll back: history.UpdateControllerRevision gives the old revision the next
         * number, so its name (and the pods that carry it) become current again. */
        store_revision_set_number(st, equal_last, next);
        out->update = equal_last;
        out->rolled_back = true;
    } else {
        /* history.CreateControllerRevision: a name taken by a revision with other data is a
         * hash collision; bump collisionCount and hash again. */
        char hash[REV_HASH_LEN];
        struct strbuf *name = scratch; /* free here: the data comparisons are done */
        uint32_t h;
        const struct strbuf *data = lazy_data_get(&ld);
        for (;;) {
            h = rev_hash(data->buf, data->len, out->collision_count);
            rev_safe_encode(h, hash);
            strbuf_reset(name);
            /* ControllerRevisionName truncates a prefix longer than 223 bytes. */
            size_t prefix = strlen(s->name);
            strbuf_add(name, s->name, prefix < 223 ? prefix : 223);
            strbuf_putc(name, '-');
            strbuf_puts(name, hash);
            if (!name_taken(st, s, name->buf))
                break;
            out->collision_count++;
        }
        out->update = store_revision_create(st, sts, name->buf, next, h, s->template_id);
        out->created = true;
    }
    if (ld.built)
        strbuf_fini(&ld.sb);

    /* The revision named by status.currentRevision, else the update revision (first sync). */
    out->current = out->update;
    for (uint32_t i = 0; i < n; i++)
        if (sorted[i] == s->status.current_revision)
            out->current = sorted[i];
}

void rev_truncate_history(struct store *st, const uint32_t *sorted, uint32_t n, const bool *live,
                          int32_t limit)
{
    if (limit < 0)
        return;
    uint32_t history = 0;
    for (uint32_t i = 0; i < n; i++)
        history += !live[i];
    if (history <= (uint32_t)limit)
        return;
    uint32_t excess = history - (uint32_t)limit;
    for (uint32_t i = 0; i < n && excess > 0; i++) {
        if (live[i])
            continue;
        store_revision_delete(st, sorted[i]);
        excess--;
    }
}
