/* The object store: API objects, their indexes, and change notification. */
#include "model/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simtime.h"
#include "util/util.h"

const char *obj_kind_name(enum obj_kind k)
{
    static const char *const names[KIND_COUNT] = {
        [KIND_NODE] = "Node",
        [KIND_POD] = "Pod",
        [KIND_PVC] = "PersistentVolumeClaim",
        [KIND_PV] = "PersistentVolume",
        [KIND_ATTACHMENT] = "VolumeAttachment",
        [KIND_STS] = "StatefulSet",
        [KIND_REVISION] = "ControllerRevision",
        [KIND_ZONE] = "Zone",
        [KIND_FAULT] = "Fault",
    };
    return names[k];
}

const char *pod_phase_name(enum pod_phase p)
{
    static const char *const names[] = {"", "Pending", "Running", "Succeeded", "Failed"};
    return names[p];
}

const char *cond_name(enum cond c)
{
    static const char *const names[] = {"True", "False", "Unknown"};
    return names[c];
}

const char *change_reason_name(enum change_reason r)
{
    static const char *const names[CH_COUNT] = {
#define X(id, name) [CH_##id] = name,
        CHANGE_REASONS(X)
#undef X
    };
    return names[r];
}

int64_t node_lease_renew_time(const struct node *n, int64_t now)
{
    if (!n->lease_renewing || now < n->lease_phase)
        return n->lease_last;
    return grid_prev(now, n->lease_phase, n->lease_period);
}

bool node_has_taint(const struct node *n, const char *key, enum taint_effect effect)
{
    for (uint32_t i = 0; i < n->ntaints; i++)
        if (n->taints[i].taint.effect == effect && taint_key_eq(n->taints[i].taint.key, key))
            return true;
    return false;
}

bool node_volume_in_use(const struct node *n, uint32_t pv)
{
    for (uint32_t i = 0; i < n->nvolumes_in_use; i++)
        if (n->volumes_in_use[i] == pv)
            return true;
    return false;
}

/* --- Name indexes ------------------------------------------------------------------- */

/* FNV-1a over the first len bytes of a name. */
static uint32_t name_hash(const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)name[i];
        h *= 16777619u;
    }
    return h;
}

/* The id whose name (name_of(ctx, id)) is the len bytes at name, or NONE_ID. */
static uint32_t names_find(const struct store_names *ix, const char *name, size_t len,
                           const char *(*name_of)(const struct store *, uint32_t),
                           const struct store *st)
{
    if (ix->used == 0)
        return NONE_ID;
    uint32_t mask = ix->cap - 1;
    for (uint32_t i = name_hash(name, len) & mask;; i = (i + 1) & mask) {
        uint32_t id = ix->slots[i];
        if (id == NONE_ID)
            return NONE_ID;
        const char *n = name_of(st, id);
        if (strncmp(n, name, len) == 0 && n[len] == '\0')
            return id;
    }
}

/* Add id under its name unless the name is already there (the first id keeps it, as a
 * linear search would find it first). */
static void names_add(struct store_names *ix, uint32_t id,
                      const char *(*name_of)(const struct store *, uint32_t),
                      const struct store *st)
{
    const char *name = name_of(st, id);
    size_t len = strlen(name);
    if (names_find(ix, name, len, name_of, st) != NONE_ID)
        return;
    if (2 * (ix->used + 1) > ix->cap) {
        uint32_t *old = ix->slots, old_cap = ix->cap;
        ix->cap = old_cap ? 2 * old_cap : 16;
        ix->slots = xmalloc(ix->cap * sizeof *ix->slots);
        for (uint32_t i = 0; i < ix->cap; i++)
            ix->slots[i] = NONE_ID;
        for (uint32_t k = 0; k < old_cap; k++) {
            if (old[k] == NONE_ID)
                continue;
            const char *n = name_of(st, old[k]);
            uint32_t i = name_hash(n, strlen(n)) & (ix->cap - 1);
            while (ix->slots[i] != NONE_ID)
                i = (i + 1) & (ix->cap - 1);
            ix->slots[i] = old[k];
        }
        free(old);
    }
    uint32_t i = name_hash(name, len) & (ix->cap - 1);
    while (ix->slots[i] != NONE_ID)
        i = (i + 1) & (ix->cap - 1);
    ix->slots[i] = id;
    ix->used++;
}

static const char *node_name_of(const struct store *st, uint32_t id)
{
    return st->nodes[id].name;
}

static const char *zone_name_of(const struct store *st, uint32_t id)
{
    return st->zones[id].name;
}

static const char *set_name_of(const struct store *st, uint32_t id)
{
    return st->sets[id].name;
}

static const char *class_name_of(const struct store *st, uint32_t id)
{
    return st->classes[id].spec->name;
}

static void notify(struct store *st, enum change_reason r, enum obj_kind k, uint32_t obj,
                   uint32_t node, uint32_t a, int64_t b, const char *text)
{
    struct change c = {
        .time = *st->now,
        .seq = ++st->change_seq,
        .reason = r,
        .kind = k,
        .obj = obj,
        .node = node,
        .a = a,
        .b = b,
        .text = text,
    };
    for (uint32_t i = 0; i < st->nwatchers; i++)
        st->watchers[i].fn(st->watchers[i].ctx, &c);
}

void store_emit(struct store *st, enum change_reason r, enum obj_kind k, uint32_t obj,
                uint32_t node, uint32_t a, int64_t b, const char *text)
{
    notify(st, r, k, obj, node, a, b, text);
}

void store_watch(struct store *st, store_watch_fn *fn, void *ctx)
{
    struct store_watcher w = {fn, ctx};
    VEC_PUSH(st->watchers, st->nwatchers, st->watchers_cap, w);
}

static uint32_t add_zone(struct store *st, const char *name)
{
    uint32_t z = store_find_zone(st, name);
    if (z != NONE_ID)
        return z;
    struct zone zn = {.id = st->nzones, .name = arena_strdup(st->arena, name)};
    VEC_PUSH(st->zones, st->nzones, st->zones_cap, zn);
    names_add(&st->zone_names, zn.id, zone_name_of, st);
    return zn.id;
}

static uint32_t add_template(struct store *st, const struct scn_pod_template *spec, bool owned)
{
    struct pod_template t = {.id = st->ntemplates, .spec = spec, .owned = owned};
    VEC_PUSH(st->templates, st->ntemplates, st->templates_cap, t);
    return t.id;
}

struct store *store_new(const struct scenario *scn, const int64_t *now)
{
    struct store *st = xcalloc(1, sizeof *st);
    st->scn = scn;
    st->now = now;
    st->arena = arena_new();
    strbuf_init(&st->name_buf);

    for (uint32_t i = 0; i < scn->nnodes; i++) {
        const struct scn_node *sn = &scn->nodes[i];
        struct node n = {
            .id = st->nnodes,
            .name = sn->name,
            .zone = add_zone(st, sn->zone ? sn->zone : ""),
            .allocatable = sn->allocatable,
            .labels = sn->labels,
            .nlabels = sn->nlabels,
            .exists = true,
            .unschedulable = sn->unschedulable,
            .ready = COND_TRUE,
            .ready_reason = "KubeletReady",
            .lease_last = -1,
            .lease_period = scn->k8s.node_lease_duration_ns / 4,
        };
        VEC_PUSH(st->nodes, st->nnodes, st->nodes_cap, n);
        names_add(&st->node_names, n.id, node_name_of, st);
        struct zone *z = &st->zones[st->nodes[n.id].zone];
        VEC_PUSH(z->nodes, z->nnodes, z->nodes_cap, n.id);
        for (uint32_t k = 0; k < sn->ntaints; k++) {
            struct node_taint t = {.taint = sn->taints[k], .added = 0};
            const char *known = taint_key_known(t.taint.key);
            if (known)
                t.taint.key = known;
            VEC_PUSH(st->nodes[n.id].taints, st->nodes[n.id].ntaints,
                     st->nodes[n.id].taints_cap, t);
        }
    }

    st->node_gen = xcalloc(st->nnodes ? st->nnodes : 1, sizeof *st->node_gen);

    st->nclasses = scn->nstorage_classes;
    st->classes = xcalloc(scn->nstorage_classes, sizeof *st->classes);
    st->default_class = NONE_ID;
    for (uint32_t i = 0; i < scn->nstorage_classes; i++) {
        st->classes[i].id = i;
        st->classes[i].spec = &scn->storage_classes[i];
        if (scn->storage_classes[i].is_default && st->default_class == NONE_ID)
            st->default_class = i;
        names_add(&st->class_names, i, class_name_of, st);
    }
    if (st->default_class == NONE_ID && st->nclasses > 0)
        st->default_class = 0;

    size_t sets_cap = 0;
    st->sets = grow_lines(&st->sets_mem, NULL, &sets_cap,
                          scn->nstatefulsets ? scn->nstatefulsets : 1, sizeof *st->sets);
    st->sets_cap = (uint32_t)sets_cap;
    for (uint32_t i = 0; i < scn->nstatefulsets; i++) {
        const struct scn_statefulset *ss = &scn->statefulsets[i];
        struct statefulset s = {
            .id = st->nsets,
            .spec = ss,
            .name = ss->name,
            .replicas = ss->replicas,
            .template_id = add_template(st, &ss->template_, false),
            .generation = 1,
            .deletion_ts = TIME_NEVER,
            .nclaims = ss->nclaims,
        };
        s.status.current_revision = s.status.update_revision = NONE_ID;
        for (uint32_t k = 0; k < scn->nservices; k++)
            if (strcmp(scn->services[k].name, ss->service_name ? ss->service_name : "") == 0)
                s.has_service = true;
        st->sets[st->nsets++] = s;
        names_add(&st->set_names, s.id, set_name_of, st);
    }
    return st;
}

static void free_template_copy(struct pod_template *t)
{
    if (!t->owned)
        return;
    struct scn_pod_template *spec = (struct scn_pod_template *)t->spec;
    free(spec->containers);
    free(spec);
}

void store_free(struct store *st)
{
    if (st == NULL)
        return;
    for (uint32_t i = 0; i < st->nnodes; i++) {
        free(st->nodes[i].taints);
        free(st->nodes[i].volumes_in_use);
        free(st->nodes[i].volumes_attached);
        free(st->nodes[i].pods);
    }
    for (uint32_t i = 0; i < st->nzones; i++)
        free(st->zones[i].nodes);
    for (uint32_t i = 0; i < st->nsets; i++) {
        free(st->sets[i].revisions);
        free(st->sets[i].by_ordinal);
    }
    for (uint32_t i = 0; i < st->npvs; i++)
        free(st->pvs[i].attachments);
    for (uint32_t i = 0; i < st->ntemplates; i++)
        free_template_copy(&st->templates[i]);
    free(st->nodes);
    free(st->node_gen);
    free(st->zones);
    free(st->pods_mem);
    free(st->pvcs_mem);
    free(st->pvs);
    free(st->attachments);
    free(st->sets_mem);
    free(st->revisions);
    free(st->templates);
    free(st->classes);
    free(st->watchers);
    free(st->node_names.slots);
    free(st->zone_names.slots);
    free(st->set_names.slots);
    free(st->class_names.slots);
    arena_free(st->arena);
    strbuf_fini(&st->name_buf);
    free(st);
}

uint32_t store_find_node(const struct store *st, const char *name)
{
    return names_find(&st->node_names, name, strlen(name), node_name_of, st);
}

uint32_t store_find_zone(const struct store *st, const char *name)
{
    return names_find(&st->zone_names, name, strlen(name), zone_name_of, st);
}

uint32_t store_find_sts(const struct store *st, const char *name)
{
    return names_find(&st->set_names, name, strlen(name), set_name_of, st);
}

uint32_t store_find_class(const struct store *st, const char *name)
{
    if (name == NULL)
        return st->default_class;
    return names_find(&st->class_names, name, strlen(name), class_name_of, st);
}

/* Split "<set>-<ordinal>"; the ordinal is the trailing digits (upstream getParentNameAndOrdinal). */
static bool split_pod_name(const char *name, size_t *set_len, int32_t *ordinal)
{
    size_t n = strlen(name);
    size_t i = n;
    while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
        i--;
    if (i == n || i < 2 || name[i - 1] != '-' || n - i > 9)
        return false;
    *set_len = i - 1;
    *ordinal = (int32_t)strtol(name + i, NULL, 10);
    return true;
}

uint32_t store_pod_by_name(const struct store *st, const char *name)
{
    size_t set_len;
    int32_t ordinal;
    if (!split_pod_name(name, &set_len, &ordinal))
        return NONE_ID;
    uint32_t sts = names_find(&st->set_names, name, set_len, set_name_of, st);
    return sts == NONE_ID ? NONE_ID : store_sts_pod(st, sts, ordinal);
}

/* Template and set names may hold dashes, so each dash of "<template>-<set>" is tried as
 * the split: a lookup in the set index per dash, not a scan of the sets. */
uint32_t store_pvc_by_name(const struct store *st, const char *name)
{
    size_t prefix_len;
    int32_t ordinal;
    if (!split_pod_name(name, &prefix_len, &ordinal))
        return NONE_ID;
    for (size_t dash = 1; dash + 1 < prefix_len; dash++) {
        if (name[dash] != '-')
            continue;
        uint32_t sts = names_find(&st->set_names, name + dash + 1, prefix_len - dash - 1,
                                  set_name_of, st);
        if (sts == NONE_ID)
            continue;
        const struct scn_statefulset *ss = st->sets[sts].spec;
        for (uint32_t t = 0; t < ss->nclaims; t++) {
            if (strlen(ss->claims[t].name) != dash || strncmp(ss->claims[t].name, name, dash) != 0)
                continue;
            uint32_t pvc = store_sts_claim(st, sts, t, ordinal);
            if (pvc != NONE_ID)
                return pvc;
        }
    }
    return NONE_ID;
}

/* Grow the per-ordinal index block of a set (pods, then claims per template) so that
 * `ordinal` fits. */
static void sts_ensure_ordinal(struct statefulset *s, int32_t ordinal)
{
    uint32_t need = (uint32_t)ordinal + 1;
    if (need <= s->by_ordinal_len)
        return;
    uint32_t old = s->by_ordinal_len, len = old ? old : 8;
    while (len < need)
        len *= 2;
    uint32_t rows = 1 + s->nclaims;
    uint32_t *block = xmalloc((size_t)rows * len * sizeof *block);
    for (uint32_t r = 0; r < rows; r++) {
        const uint32_t *from = s->by_ordinal + (size_t)r * old;
        for (uint32_t o = 0; o < len; o++)
            block[(size_t)r * len + o] = o < old ? from[o] : NONE_ID;
    }
    free(s->by_ordinal);
    s->by_ordinal = block;
    s->by_ordinal_len = len;
}

/* The index slot of claim template `tmpl` at `ordinal` (which must fit). */
static uint32_t *claim_slot(struct statefulset *s, uint32_t tmpl, int32_t ordinal)
{
    return &s->by_ordinal[(size_t)(1 + tmpl) * s->by_ordinal_len + (uint32_t)ordinal];
}

const struct scn_pod_template *store_template(const struct store *st, uint32_t template_id)
{
    return st->templates[template_id].spec;
}

const struct scn_pod_template *store_pod_spec(const struct store *st, const struct pod *p)
{
    if (p->spec != NULL)
        return p->spec;
    return store_template(st, st->sets[p->sts].template_id);
}

struct resources pod_requests(const struct scn_pod_template *t)
{
    struct resources r = {0, 0, 1};
    for (uint32_t i = 0; i < t->ncontainers; i++) {
        r.cpu_milli += t->containers[i].requests.cpu_milli;
        r.memory_bytes += t->containers[i].requests.memory_bytes;
    }
    return r;
}

const char *store_pod_dns_name(struct store *st, const struct pod *p)
{
    const struct scn_statefulset *ss = st->sets[p->sts].spec;
    return arena_printf(st->arena, "%s.%s.%s.svc.cluster.local", p->name,
                        ss->service_name ? ss->service_name : "",
                        ss->namespace_ ? ss->namespace_ : "default");
}

/* --- Names of created objects -------------------------------------------------------- */

/* "<prefix>-<set>-<ordinal>", or "<set>-<ordinal>" when prefix is NULL, in the arena. Built
 * without printf: every pod and claim creation makes one. */
static const char *ordinal_name(struct store *st, const char *prefix, const char *set,
                                int32_t ordinal)
{
    struct strbuf *sb = &st->name_buf;
    strbuf_reset(sb);
    if (prefix) {
        strbuf_puts(sb, prefix);
        strbuf_putc(sb, '-');
    }
    strbuf_puts(sb, set);
    strbuf_putc(sb, '-');
    strbuf_put_int(sb, ordinal);
    return arena_strndup(st->arena, sb->buf, sb->len);
}

/* A dynamically provisioned volume is named after its claim's UID, "pvc-<uid>": a claim
 * created again gets a new volume with a new name. The UID is derived from the claim id,
 * "%08x-%04x" of two hashes of it. */
static const char *volume_name(struct store *st, uint32_t pvc)
{
    uint64_t h = mix64(pvc + 1);
    struct strbuf *sb = &st->name_buf;
    strbuf_reset(sb);
    strbuf_puts(sb, "pvc-");
    strbuf_put_hex(sb, (uint32_t)(h >> 32), 8);
    strbuf_putc(sb, '-');
    strbuf_put_hex(sb, (uint32_t)h & 0xffff, 4);
    return arena_strndup(st->arena, sb->buf, sb->len);
}

/* --- Nodes ------------------------------------------------------------------------- */

void store_node_set_ready(struct store *st, uint32_t node, enum cond c, const char *reason)
{
    struct node *n = &st->nodes[node];
    if (n->ready == c && strcmp(n->ready_reason, reason) == 0)
        return;
    enum cond old = n->ready;
    n->ready = c;
    n->ready_reason = reason;
    if (old != c)
        n->ready_transition = *st->now;
    enum change_reason r = c == COND_TRUE    ? CH_NODE_READY
                           : c == COND_FALSE ? CH_NODE_NOT_READY
                                             : CH_NODE_UNKNOWN;
    notify(st, r, KIND_NODE, node, node, old, 0, reason);
}

bool store_node_add_taint(struct store *st, uint32_t node, const struct taint *t)
{
    struct node *n = &st->nodes[node];
    if (node_has_taint(n, t->key, t->effect))
        return false;
    const char *known = taint_key_known(t->key);
    struct node_taint nt = {
        .taint = {.key = known ? known : arena_strdup(st->arena, t->key),
                  .value = arena_strdup(st->arena, t->value ? t->value : ""),
                  .effect = t->effect},
        .added = *st->now,
    };
    VEC_PUSH(n->taints, n->ntaints, n->taints_cap, nt);
    st->node_gen[node]++;
    notify(st, CH_NODE_TAINTED, KIND_NODE, node, node, n->ntaints - 1, t->effect, NULL);
    return true;
}

bool store_node_remove_taint(struct store *st, uint32_t node, const char *key,
                             enum taint_effect effect)
{
    struct node *n = &st->nodes[node];
    for (uint32_t i = 0; i < n->ntaints; i++) {
        if (n->taints[i].taint.effect != effect || !taint_key_eq(n->taints[i].taint.key, key))
            continue;
        const char *k = n->taints[i].taint.key;
        memmove(&n->taints[i], &n->taints[i + 1], (n->ntaints - i - 1) * sizeof *n->taints);
        n->ntaints--;
        st->node_gen[node]++;
        notify(st, CH_NODE_UNTAINTED, KIND_NODE, node, node, 0, effect, k);
        return true;
    }
    return false;
}

void store_node_set_unschedulable(struct store *st, uint32_t node, bool on)
{
    struct node *n = &st->nodes[node];
    if (n->unschedulable == on)
        return;
    n->unschedulable = on;
    st->node_gen[node]++;
    notify(st, on ? CH_NODE_CORDONED : CH_NODE_UNCORDONED, KIND_NODE, node, node, 0, 0, NULL);
}

void store_node_delete(struct store *st, uint32_t node)
{
    struct node *n = &st->nodes[node];
    if (!n->exists)
        return;
    n->exists = false;
    st->node_gen[node]++;
    notify(st, CH_NODE_DELETED, KIND_NODE, node, node, 0, 0, NULL);
}

void store_node_set_volumes_in_use(struct store *st, uint32_t node, const uint32_t *pvs,
                                   uint32_t count)
{
    struct node *n = &st->nodes[node];
    bool same = count == n->nvolumes_in_use;
    for (uint32_t i = 0; same && i < count; i++)
        same = node_volume_in_use(n, pvs[i]);
    if (same)
        return;
    if (count > n->volumes_in_use_cap) {
        n->volumes_in_use = xrealloc(n->volumes_in_use, count * sizeof *n->volumes_in_use);
        n->volumes_in_use_cap = count;
    }
    if (count)
        memcpy(n->volumes_in_use, pvs, count * sizeof *pvs);
    n->nvolumes_in_use = count;
    notify(st, CH_NODE_VOLUMES_IN_USE, KIND_NODE, node, node, count, 0, NULL);
}

void store_node_set_volume_attached(struct store *st, uint32_t node, uint32_t pv, bool on)
{
    struct node *n = &st->nodes[node];
    for (uint32_t i = 0; i < n->nvolumes_attached; i++) {
        if (n->volumes_attached[i] != pv)
            continue;
        if (!on)
            n->volumes_attached[i] = n->volumes_attached[--n->nvolumes_attached];
        return;
    }
    if (on) {
        size_t cap = n->volumes_attached_cap;
        grow_array((void **)&n->volumes_attached, &cap, n->nvolumes_attached + 1,
                   sizeof *n->volumes_attached);
        n->volumes_attached_cap = (uint32_t)cap;
        n->volumes_attached[n->nvolumes_attached++] = pv;
    }
}

void store_node_lease_start(struct store *st, uint32_t node, int64_t phase)
{
    struct node *n = &st->nodes[node];
    n->lease_renewing = true;
    n->lease_phase = phase;
}

void store_node_lease_stop(struct store *st, uint32_t node)
{
    struct node *n = &st->nodes[node];
    n->lease_last = node_lease_renew_time(n, *st->now);
    n->lease_renewing = false;
}

/* --- StatefulSets and revisions ------------------------------------------------------ */

void store_sts_set_replicas(struct store *st, uint32_t sts, int32_t replicas)
{
    struct statefulset *s = &st->sets[sts];
    int32_t old = s->replicas;
    s->replicas = replicas;
    s->generation++;
    notify(st, CH_STS_SCALED, KIND_STS, sts, NONE_ID, (uint32_t)old, replicas, NULL);
}

uint32_t store_sts_set_image(struct store *st, uint32_t sts, const char *container,
                             const char *image)
{
    struct statefulset *s = &st->sets[sts];
    const struct scn_pod_template *cur = store_template(st, s->template_id);
    struct scn_pod_template *copy = xmalloc(sizeof *copy);
    *copy = *cur;
    copy->containers = xmalloc(cur->ncontainers * sizeof *copy->containers);
    memcpy(copy->containers, cur->containers, cur->ncontainers * sizeof *copy->containers);
    uint32_t idx = 0;
    for (uint32_t i = 0; container && i < cur->ncontainers; i++)
        if (strcmp(cur->containers[i].name, container) == 0)
            idx = i;
    copy->containers[idx].image = arena_strdup(st->arena, image);
    s->template_id = add_template(st, copy, true);
    s->generation++;
    notify(st, CH_STS_TEMPLATE, KIND_STS, sts, NONE_ID, s->template_id, 0,
           copy->containers[idx].image);
    return s->template_id;
}

uint32_t store_revision_create(struct store *st, uint32_t sts, const char *name,
                               int64_t number, uint32_t hash, uint32_t template_id)
{
    struct revision r = {
        .id = st->nrevisions,
        .sts = sts,
        .name = arena_strdup(st->arena, name),
        .number = number,
        .hash = hash,
        .template_id = template_id,
    };
    VEC_PUSH(st->revisions, st->nrevisions, st->revisions_cap, r);
    struct statefulset *s = &st->sets[sts];
    VEC_PUSH(s->revisions, s->nrevisions, s->revisions_cap, r.id);
    notify(st, CH_STS_REVISION, KIND_REVISION, r.id, NONE_ID, sts, number, r.name);
    return r.id;
}

void store_revision_set_number(struct store *st, uint32_t rev, int64_t number)
{
    st->revisions[rev].number = number;
}

void store_revision_delete(struct store *st, uint32_t rev)
{
    struct revision *r = &st->revisions[rev];
    if (r->gone)
        return;
    r->gone = true;
    struct statefulset *s = &st->sets[r->sts];
    for (uint32_t i = 0; i < s->nrevisions; i++) {
        if (s->revisions[i] == rev) {
            memmove(&s->revisions[i], &s->revisions[i + 1],
                    (s->nrevisions - i - 1) * sizeof *s->revisions);
            s->nrevisions--;
            break;
        }
    }
    notify(st, CH_STS_REVISION_DELETED, KIND_REVISION, rev, NONE_ID, r->sts, 0, r->name);
}

void store_sts_set_status(struct store *st, uint32_t sts, const struct sts_status *ns)
{
    struct statefulset *s = &st->sets[sts];
    const struct sts_status *o = &s->status;
    /* Field by field: the struct has padding that memcmp would compare. */
    if (o->replicas == ns->replicas && o->ready_replicas == ns->ready_replicas &&
        o->current_replicas == ns->current_replicas &&
        o->updated_replicas == ns->updated_replicas &&
        o->available_replicas == ns->available_replicas &&
        o->observed_generation == ns->observed_generation &&
        o->current_revision == ns->current_revision &&
        o->update_revision == ns->update_revision && o->collision_count == ns->collision_count)
        return;
    s->status = *ns;
    notify(st, CH_STS_STATUS, KIND_STS, sts, NONE_ID, 0, 0, NULL);
}

/* --- Pods --------------------------------------------------------------------------- */

/* Room for record n of an array of cache-line records in the block *mem (util.h
 * grow_lines); returns where the records now are. */
static void *room_for_one(void **mem, void *items, uint32_t n, uint32_t *cap, size_t elem)
{
    if (n < *cap)
        return items;
    size_t c = *cap;
    items = grow_lines(mem, items, &c, (size_t)n + 1, elem);
    *cap = (uint32_t)c;
    return items;
}

uint32_t store_pod_create(struct store *st, uint32_t sts, int32_t ordinal, uint32_t revision)
{
    struct statefulset *s = &st->sets[sts];
    sts_ensure_ordinal(s, ordinal);
    if (s->by_ordinal[ordinal] != NONE_ID)
        return NONE_ID; /* AlreadyExists: the name is taken until the old object is gone */
    struct pod p = {
        .id = st->npods,
        .name = ordinal_name(st, NULL, s->name, ordinal),
        .sts = sts,
        .ordinal = ordinal,
        .revision = revision,
        .node = NONE_ID,
        .phase = PHASE_PENDING,
        .reason = "Pending",
        .created = *st->now,
        .scheduled = TIME_NEVER,
        .deletion_ts = TIME_NEVER,
        .runtime_node = NONE_ID,
        /* A revision's template never changes (ControllerRevisions are immutable). */
        .spec = revision != NONE_ID ? store_template(st, st->revisions[revision].template_id)
                                    : NULL,
    };
    st->pods = room_for_one(&st->pods_mem, st->pods, st->npods, &st->pods_cap, sizeof p);
    st->pods[st->npods++] = p;
    s->by_ordinal[ordinal] = p.id;
    notify(st, CH_POD_CREATED, KIND_POD, p.id, NONE_ID, sts, ordinal, NULL);
    return p.id;
}

static void node_add_pod(struct store *st, uint32_t node, uint32_t pod)
{
    struct node *n = &st->nodes[node];
    struct pod *p = &st->pods[pod];
    p->node_slot = n->npods;
    VEC_PUSH(n->pods, n->npods, n->pods_cap, pod);
    struct resources r = pod_requests(store_pod_spec(st, p));
    n->requested.cpu_milli += r.cpu_milli;
    n->requested.memory_bytes += r.memory_bytes;
    n->requested.pods += 1;
    st->node_gen[node]++;
}

static void node_remove_pod(struct store *st, uint32_t node, uint32_t pod)
{
    struct node *n = &st->nodes[node];
    struct pod *p = &st->pods[pod];
    uint32_t slot = p->node_slot;
    uint32_t last = n->pods[--n->npods];
    n->pods[slot] = last;
    st->pods[last].node_slot = slot;
    struct resources r = pod_requests(store_pod_spec(st, p));
    n->requested.cpu_milli -= r.cpu_milli;
    n->requested.memory_bytes -= r.memory_bytes;
    n->requested.pods -= 1;
    st->node_gen[node]++;
}

void store_pod_bind(struct store *st, uint32_t pod, uint32_t node)
{
    struct pod *p = &st->pods[pod];
    if (p->gone || p->node != NONE_ID)
        return;
    p->node = node;
    p->scheduled = *st->now;
    node_add_pod(st, node, pod);
    notify(st, CH_POD_SCHEDULED, KIND_POD, pod, node, 0, 0, NULL);
}

void store_pod_set_phase(struct store *st, uint32_t pod, enum pod_phase phase,
                         const char *reason)
{
    struct pod *p = &st->pods[pod];
    if (p->gone || p->phase == phase)
        return;
    p->phase = phase;
    if (reason)
        p->reason = reason;
    enum change_reason r = phase == PHASE_RUNNING     ? CH_POD_RUNNING
                           : phase == PHASE_FAILED    ? CH_POD_FAILED
                           : phase == PHASE_SUCCEEDED ? CH_POD_SUCCEEDED
                                                      : CH_POD_WAITING;
    notify(st, r, KIND_POD, pod, p->node, phase, 0, reason);
}

void store_pod_set_ready(struct store *st, uint32_t pod, bool ready)
{
    struct pod *p = &st->pods[pod];
    if (p->gone || p->ready == ready)
        return;
    p->ready = ready;
    p->ready_transition = *st->now;
    notify(st, ready ? CH_POD_READY : CH_POD_NOT_READY, KIND_POD, pod, p->node, 0, 0, NULL);
}

void store_pod_set_containers_running(struct store *st, uint32_t pod, bool running)
{
    struct pod *p = &st->pods[pod];
    if (!p->gone)
        p->containers_running = running;
}

void store_pod_set_reason(struct store *st, uint32_t pod, const char *reason)
{
    struct pod *p = &st->pods[pod];
    if (p->gone || p->reason == reason || (p->reason && strcmp(p->reason, reason) == 0))
        return;
    p->reason = reason;
    notify(st, CH_POD_WAITING, KIND_POD, pod, p->node, 0, 0, reason);
}

void store_pod_set_restarts(struct store *st, uint32_t pod, uint32_t restarts)
{
    struct pod *p = &st->pods[pod];
    if (!p->gone)
        p->restarts = restarts;
}

void store_pod_set_disruption_target(struct store *st, uint32_t pod, const char *reason)
{
    struct pod *p = &st->pods[pod];
    if (!p->gone)
        p->disruption_target = true;
    (void)reason;
}

static void pod_remove(struct store *st, uint32_t pod, bool forced)
{
    struct pod *p = &st->pods[pod];
    if (p->gone)
        return;
    if (p->deletion_ts == TIME_NEVER)
        p->deletion_ts = *st->now;
    p->gone = true;
    if (p->node != NONE_ID)
        node_remove_pod(st, p->node, pod);
    struct statefulset *s = &st->sets[p->sts];
    if (s->by_ordinal[p->ordinal] == pod)
        s->by_ordinal[p->ordinal] = NONE_ID;
    notify(st, forced ? CH_POD_FORCE_DELETED : CH_POD_GONE, KIND_POD, pod, p->node, 0, 0,
           NULL);
}

bool store_pod_delete(struct store *st, uint32_t pod, int64_t grace_ns, bool force)
{
    struct pod *p = &st->pods[pod];
    if (p->gone)
        return true;
    /* Upstream pkg/registry/core/pod/strategy.go CheckGracefulDelete: unscheduled pods and
     * pods in a terminal phase are deleted with grace 0. */
    if (p->node == NONE_ID || p->phase == PHASE_FAILED || p->phase == PHASE_SUCCEEDED)
        grace_ns = 0;
    if (grace_ns <= 0) {
        pod_remove(st, pod, force);
        return true;
    }
    int64_t ts = *st->now + grace_ns;
    /* apiserver rest/delete.go BeforeDelete: a second delete may only shorten the grace. */
    if (p->deletion_ts != TIME_NEVER && ts >= p->deletion_ts)
        return false;
    bool first = p->deletion_ts == TIME_NEVER;
    p->deletion_ts = ts;
    p->deletion_grace_ns = grace_ns;
    if (first)
        notify(st, CH_POD_DELETE_REQUESTED, KIND_POD, pod, p->node, 0, grace_ns, NULL);
    return false;
}

void store_pod_runtime(struct store *st, uint32_t pod, uint32_t node, bool live)
{
    struct pod *p = &st->pods[pod];
    if (p->runtime_live == live)
        return;
    p->runtime_live = live;
    p->runtime_node = node;
    notify(st, live ? CH_POD_CONTAINER_STARTED : CH_POD_CONTAINER_DIED, KIND_POD, pod, node, 0,
           0, NULL);
}

/* --- Claims and volumes ------------------------------------------------------------- */

uint32_t store_pvc_create(struct store *st, uint32_t sts, uint32_t tmpl, int32_t ordinal)
{
    struct statefulset *s = &st->sets[sts];
    sts_ensure_ordinal(s, ordinal);
    uint32_t *slot = claim_slot(s, tmpl, ordinal);
    if (*slot != NONE_ID)
        return NONE_ID;
    const struct scn_claim_template *ct = &s->spec->claims[tmpl];
    struct pvc c = {
        .id = st->npvcs,
        .name = ordinal_name(st, ct->name, s->name, ordinal),
        .sts = sts,
        .template_index = tmpl,
        .ordinal = ordinal,
        .storage_class = store_find_class(st, ct->storage_class),
        .access_modes = ct->access_modes,
        .storage_bytes = ct->storage_bytes,
        .phase = PVC_PENDING,
        .pv = NONE_ID,
        .created = *st->now,
        .deletion_ts = TIME_NEVER,
        .owner = OWNER_NONE,
        .owner_pod = NONE_ID,
    };
    st->pvcs = room_for_one(&st->pvcs_mem, st->pvcs, st->npvcs, &st->pvcs_cap, sizeof c);
    st->pvcs[st->npvcs++] = c;
    *slot = c.id;
    notify(st, CH_PVC_CREATED, KIND_PVC, c.id, NONE_ID, sts, ordinal, NULL);
    return c.id;
}

void store_pvc_bind(struct store *st, uint32_t pvc, uint32_t pv)
{
    struct pvc *c = &st->pvcs[pvc];
    if (c->gone)
        return;
    c->pv = pv;
    c->phase = PVC_BOUND;
    st->pvs[pv].pvc = pvc;
    notify(st, CH_PVC_BOUND, KIND_PVC, pvc, NONE_ID, pv, 0, NULL);
}

void store_pvc_set_owner(struct store *st, uint32_t pvc, enum pvc_owner owner,
                         uint32_t owner_pod)
{
    struct pvc *c = &st->pvcs[pvc];
    if (c->gone || (c->owner == owner && c->owner_pod == owner_pod))
        return;
    struct statefulset *s = &st->sets[c->sts];
    if (c->owner == OWNER_NONE && owner != OWNER_NONE)
        s->owned_claims++;
    else if (c->owner != OWNER_NONE && owner == OWNER_NONE)
        s->owned_claims--;
    c->owner = owner;
    c->owner_pod = owner_pod;
    notify(st, CH_PVC_OWNER, KIND_PVC, pvc, NONE_ID, owner, owner_pod, NULL);
}

void store_pvc_delete(struct store *st, uint32_t pvc)
{
    struct pvc *c = &st->pvcs[pvc];
    if (c->gone || c->deletion_ts != TIME_NEVER)
        return;
    c->deletion_ts = *st->now;
    notify(st, CH_PVC_DELETE_REQUESTED, KIND_PVC, pvc, NONE_ID, 0, 0, NULL);
}

void store_pvc_remove(struct store *st, uint32_t pvc)
{
    struct pvc *c = &st->pvcs[pvc];
    if (c->gone)
        return;
    c->gone = true;
    if (c->deletion_ts == TIME_NEVER)
        c->deletion_ts = *st->now;
    struct statefulset *s = &st->sets[c->sts];
    uint32_t *slot = claim_slot(s, c->template_index, c->ordinal);
    if (*slot == pvc)
        *slot = NONE_ID;
    if (c->owner != OWNER_NONE)
        s->owned_claims--;
    notify(st, CH_PVC_GONE, KIND_PVC, pvc, NONE_ID, 0, 0, NULL);
}

uint32_t store_pv_create(struct store *st, uint32_t pvc, uint32_t zone)
{
    struct pv v = {
        .id = st->npvs,
        .name = volume_name(st, pvc),
        .pvc = pvc,
        .zone = zone,
    };
    VEC_PUSH(st->pvs, st->npvs, st->pvs_cap, v);
    return v.id;
}

void store_pv_lose(struct store *st, uint32_t pv)
{
    struct pv *v = &st->pvs[pv];
    if (v->lost)
        return;
    v->lost = true;
    if (v->pvc != NONE_ID && !st->pvcs[v->pvc].gone)
        st->pvcs[v->pvc].phase = PVC_LOST;
    notify(st, CH_PV_LOST, KIND_PV, pv, NONE_ID, v->pvc, 0, NULL);
}

uint32_t store_attachment_create(struct store *st, uint32_t pv, uint32_t node)
{
    struct attachment a = {
        .id = st->nattachments,
        .pv = pv,
        .node = node,
        .state = ATTACH_ATTACHING,
        .created = *st->now,
        .attached_at = TIME_NEVER,
    };
    VEC_PUSH(st->attachments, st->nattachments, st->attachments_cap, a);
    struct pv *v = &st->pvs[pv];
    size_t cap = v->attachments_cap;
    grow_array((void **)&v->attachments, &cap, v->nattachments + 1, sizeof *v->attachments);
    v->attachments_cap = (uint32_t)cap;
    v->attachments[v->nattachments++] = a.id;
    notify(st, CH_ATTACH_STARTED, KIND_ATTACHMENT, a.id, node, pv, 0, NULL);
    return a.id;
}

void store_attachment_set_state(struct store *st, uint32_t att, enum attach_state s)
{
    struct attachment *a = &st->attachments[att];
    if (a->gone || a->state == s)
        return;
    a->state = s;
    if (s == ATTACH_ATTACHED) {
        a->attached_at = *st->now;
        store_node_set_volume_attached(st, a->node, a->pv, true);
        notify(st, CH_ATTACH_DONE, KIND_ATTACHMENT, att, a->node, a->pv, 0, NULL);
    } else if (s == ATTACH_DETACHING) {
        store_node_set_volume_attached(st, a->node, a->pv, false);
        notify(st, CH_DETACH_STARTED, KIND_ATTACHMENT, att, a->node, a->pv, 0, NULL);
    }
}

void store_attachment_remove(struct store *st, uint32_t att)
{
    struct attachment *a = &st->attachments[att];
    if (a->gone)
        return;
    a->gone = true;
    store_node_set_volume_attached(st, a->node, a->pv, false);
    notify(st, CH_DETACH_DONE, KIND_ATTACHMENT, att, a->node, a->pv, 0, NULL);
}

uint32_t store_attachment_find(const struct store *st, uint32_t pv, uint32_t node)
{
    const struct pv *v = &st->pvs[pv];
    for (uint32_t i = 0; i < v->nattachments; i++) {
        const struct attachment *a = &st->attachments[v->attachments[i]];
        if (!a->gone && a->node == node)
            return a->id;
    }
    return NONE_ID;
}
