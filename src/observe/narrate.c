/* The narrator: a read-only observer that turns the change stream into a story.
 *
 * Each change that means something to a reader of the concept documents becomes one line
 * made of one or more message templates (observe/narrate_text.c) filled with names and
 * settings; the rest (image pulls, mounts, status updates ...) is left to the trace. The
 * narrator keeps a little memory of its own (was this pod evicted, was this identity
 * serving, what does the set wait for) so that a line can say *why*: "Terminating:
 * evicted after tolerationSeconds 300". Who made a write comes from sim->actor: an
 * operator's action (the scenario's timeline) is told once, by its fault line. */
#include "observe/narrate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/faults.h"
#include "engine/duration.h"
#include "observe/describe.h"
#include "observe/narrate_text.h"
#include "util/util.h"

/* attachdetach.c's CH_DETACH_FORCED reasons (change.b). */
enum { FORCED_TIMEOUT = 1, FORCED_OUT_OF_SERVICE = 2 };


struct narr_line {
    uint64_t seq;   /* the change that made it (0: the opening) */
    uint32_t order; /* tie-break: the order lines were made in */
    char *text;
};

/* What the narrator remembers of a Pod object (by pod id). */
struct pod_note {
    bool evicted;            /* TaintManagerEviction seen, Terminating not told yet */
    bool eviction_scheduled; /* tolerationSeconds below are known */
    bool terminating;
    bool ran; /* its containers started once */
    bool ever_ready;
    bool told_unschedulable, told_multi_attach;
    bool backing_off;      /* in CrashLoopBackOff since the last Ready */
    int64_t tol_s;         /* tolerationSeconds of the scheduled eviction */
    const char *taint_key; /* the NoExecute taint it tolerated for tol_s (store arena) */
    uint32_t multi_other;  /* node holding its volume at the Multi-Attach error */
    char *unschedulable;   /* the last FailedScheduling message (owned), NULL if none */
    int64_t terminating_since;
};

/* What it remembers of a StatefulSet identity (set, ordinal). */
struct ident_note {
    uint32_t incarnations;
    uint32_t last_node; /* node of the previous incarnation, NONE_ID if none */
    bool serving;       /* a live container of a Ready pod object */
    int64_t down_since; /* when it stopped serving; TIME_NEVER when serving or never served */
};

struct set_note {
    struct ident_note *ids; /* by ordinal */
    uint32_t nids;
    bool complete; /* all replicas Ready at the update revision */
    char *blocked; /* the last waiting reason, "" when not waiting */
    uint32_t blocked_pod;
};

/* Named values for one template: "{pod}" -> "web-1". */
#define NARR_MAX_ARGS 16
struct nargs {
    uint32_t n;
    const char *key[NARR_MAX_ARGS];
    const char *val[NARR_MAX_ARGS];
    char buf[NARR_MAX_ARGS][64]; /* storage for formatted values */
};

struct narrator {
    struct sim *sim;
    enum narr_lang lang;
    struct narr_line *lines;
    uint32_t nlines, lines_cap;
    struct strbuf line; /* the line being built */
    uint32_t nfrags;    /* templates in it so far */
    struct strbuf text; /* narrator_text's result */
    struct strbuf tmp;  /* scratch for list values (claims, pods) */
    struct strbuf tmp2;
    struct pod_note *pods;
    size_t npods;
    struct set_note *sets;
    uint32_t nsets;
    uint32_t broken; /* bits of enum invariant seen in CH_VIOLATION */
    int64_t last_fault_at;
    enum fault_do last_fault;
    bool ended;
};

int narr_lang_parse(const char *name)
{
    static const char *const names[NARR_LANG_COUNT] = {[NARR_EN] = "en", [NARR_JA] = "ja"};
    for (int i = 0; i < NARR_LANG_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* --- Templates ----------------------------------------------------------------------- */

static void arg(struct nargs *a, const char *key, const char *val)
{
    if (a->n >= NARR_MAX_ARGS)
        abort(); /* a programming error: raise NARR_MAX_ARGS */
    a->key[a->n] = key;
    a->val[a->n] = val ? val : "";
    a->n++;
}

__attribute__((format(printf, 3, 4))) static void argf(struct nargs *a, const char *key,
                                                       const char *fmt, ...)
{
    if (a->n >= NARR_MAX_ARGS)
        abort();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->buf[a->n], sizeof a->buf[a->n], fmt, ap);
    va_end(ap);
    a->key[a->n] = key;
    a->val[a->n] = a->buf[a->n];
    a->n++;
}

static void arg_duration(struct nargs *a, const char *key, int64_t ns)
{
    char d[32];
    /* Whole seconds from a minute up ("13m28s", not "13m28.378407547s"); tenths below. */
    int64_t unit = ns >= SEC(60) ? NS_PER_SEC : NS_PER_SEC / 10;
    if (ns > 0 && ns < INT64_MAX - unit)
        ns = (ns + unit / 2) / unit * unit;
    duration_format(ns, d, sizeof d);
    argf(a, key, "%s", d);
}

/* HH:MM:SS, truncated to the second: a line never shows the next second early. */
static void clock_seconds(int64_t ns, char *buf, size_t size)
{
    if (ns < 0)
        ns = 0;
    int64_t s = ns / NS_PER_SEC;
    snprintf(buf, size, "%02lld:%02d:%02d", (long long)(s / 3600), (int)(s / 60 % 60),
             (int)(s % 60));
}

static void arg_clock(struct nargs *a, const char *key, int64_t ns)
{
    char t[32];
    clock_seconds(ns, t, sizeof t);
    argf(a, key, "%s", t);
}

/* Append template `tpl` with each {key} replaced by its value; an unknown {key} stays as
 * it is, so a mistake shows in the output (and the unit test catches it). */
static void expand(struct strbuf *out, const char *tpl, const struct nargs *a)
{
    const char *p = tpl;
    while (*p) {
        const char *open = strchr(p, '{');
        if (open == NULL) {
            strbuf_puts(out, p);
            return;
        }
        strbuf_add(out, p, (size_t)(open - p));
        const char *close = strchr(open + 1, '}');
        if (close == NULL) {
            strbuf_puts(out, open);
            return;
        }
        size_t klen = (size_t)(close - open - 1);
        const char *val = NULL;
        /* The last value given for a key wins, so a handler may override a default. */
        for (uint32_t i = a->n; i-- > 0 && val == NULL;)
            if (strlen(a->key[i]) == klen && memcmp(a->key[i], open + 1, klen) == 0)
                val = a->val[i];
        if (val)
            strbuf_puts(out, val);
        else
            strbuf_add(out, open, klen + 2);
        p = close + 1;
    }
}

static void begin(struct narrator *n)
{
    strbuf_reset(&n->line);
    n->nfrags = 0;
}

static void frag(struct narrator *n, enum narr_msg m, const struct nargs *a)
{
    if (n->nfrags++)
        strbuf_puts(&n->line, narr_separator[n->lang]);
    expand(&n->line, narr_templates[n->lang][m], a);
}

static void commit_at(struct narrator *n, int64_t time, uint64_t seq)
{
    if (n->nfrags == 0)
        return;
    char t[32];
    clock_seconds(time, t, sizeof t);
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_printf(&sb, "%s %s%s\n", t, n->line.buf, narr_line_end[n->lang]);
    struct narr_line l = {seq, n->nlines, xstrdup(sb.buf)};
    strbuf_fini(&sb);
    VEC_PUSH(n->lines, n->nlines, n->lines_cap, l);
    begin(n);
}

static void commit(struct narrator *n, const struct change *c)
{
    commit_at(n, c->time, c->seq);
}

/* A one-template line. */
static void say(struct narrator *n, const struct change *c, enum narr_msg m, const struct nargs *a)
{
    begin(n);
    frag(n, m, a);
    commit(n, c);
}

/* --- Memory -------------------------------------------------------------------------- */

static struct pod_note *pod_note(struct narrator *n, uint32_t pod)
{
    if (pod >= n->npods) {
        size_t len = n->npods ? n->npods : 64;
        while (len <= pod)
            len *= 2;
        n->pods = xrealloc(n->pods, len * sizeof *n->pods);
        for (size_t i = n->npods; i < len; i++)
            n->pods[i] = (struct pod_note){.multi_other = NONE_ID, .terminating_since = TIME_NEVER};
        n->npods = len;
    }
    return &n->pods[pod];
}

static struct ident_note *ident_note(struct narrator *n, uint32_t sts, int32_t ordinal)
{
    struct set_note *s = &n->sets[sts];
    uint32_t need = ordinal < 0 ? 1 : (uint32_t)ordinal + 1;
    if (need > s->nids) {
        uint32_t len = s->nids ? s->nids : 8;
        while (len < need)
            len *= 2;
        s->ids = xrealloc(s->ids, len * sizeof *s->ids);
        for (uint32_t i = s->nids; i < len; i++)
            s->ids[i] = (struct ident_note){.last_node = NONE_ID, .down_since = TIME_NEVER};
        s->nids = len;
    }
    return &s->ids[ordinal < 0 ? 0 : ordinal];
}

static struct ident_note *ident_of_pod(struct narrator *n, const struct pod *p)
{
    return ident_note(n, p->sts, p->ordinal);
}

/* The identity stops serving (its users lose it) at `t`. */
static void ident_down(struct ident_note *id, int64_t t)
{
    if (!id->serving)
        return;
    id->serving = false;
    id->down_since = t;
}

/* --- Helpers over the store ---------------------------------------------------------- */

static const struct store *store_of(const struct narrator *n)
{
    return n->sim->store;
}

static const char *node_name(const struct narrator *n, uint32_t node)
{
    return node == NONE_ID || node >= store_of(n)->nnodes ? "" : store_of(n)->nodes[node].name;
}

/* The API shows the node Ready (a kubelet that answers). */
static bool node_ok(const struct narrator *n, uint32_t node)
{
    if (node == NONE_ID || node >= store_of(n)->nnodes)
        return false;
    const struct node *nd = &store_of(n)->nodes[node];
    return nd->exists && nd->ready == COND_TRUE;
}

static const char *namespace_of(const struct scn_statefulset *ss)
{
    return ss->namespace_ ? ss->namespace_ : "default";
}

static const char *claim_of_pv(const struct narrator *n, uint32_t pv)
{
    const struct store *st = store_of(n);
    if (pv >= st->npvs)
        return "";
    const struct pv *v = &st->pvs[pv];
    return v->pvc != NONE_ID ? st->pvcs[v->pvc].name : v->name;
}

/* "www-web-1, data-web-1" into n->tmp; *all_old tells whether every claim existed before
 * `now` (so a recreated pod finds its data). */
static const char *claims_of(struct narrator *n, uint32_t sts, int32_t ordinal, int64_t now,
                             bool *all_old)
{
    const struct store *st = store_of(n);
    const struct scn_statefulset *ss = st->sets[sts].spec;
    strbuf_reset(&n->tmp);
    *all_old = ss->nclaims > 0;
    for (uint32_t t = 0; t < ss->nclaims; t++) {
        uint32_t c = store_sts_claim(st, sts, t, ordinal);
        if (t)
            strbuf_puts(&n->tmp, ", ");
        if (c != NONE_ID) {
            strbuf_puts(&n->tmp, st->pvcs[c].name);
            if (st->pvcs[c].created >= now)
                *all_old = false;
        } else {
            strbuf_printf(&n->tmp, "%s-%s-%d", ss->claims[t].name, ss->name, ordinal);
            *all_old = false;
        }
    }
    return n->tmp.buf;
}

/* The pods bound to node (or to every node of zone when node is NONE_ID), "web-1, web-2",
 * into n->tmp; "no pods" when none. A zone holds thousands: the first NAMED_PODS_MAX are
 * named, then "… +N". */
#define NAMED_PODS_MAX 10
static int cmp_id(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static void add_node_pods(const struct store *st, uint32_t node, uint32_t **ids, uint32_t *n,
                          size_t *cap)
{
    const struct node *nd = &st->nodes[node];
    for (uint32_t i = 0; i < nd->npods; i++)
        VEC_PUSH(*ids, *n, *cap, nd->pods[i]);
}

static const char *pods_on(struct narrator *n, uint32_t node, uint32_t zone)
{
    const struct store *st = store_of(n);
    /* From the node index (live pods bound there), by pod id: creation order, the same in
     * every run. */
    uint32_t *ids = NULL, count = 0;
    size_t cap = 0;
    if (node != NONE_ID) {
        add_node_pods(st, node, &ids, &count, &cap);
    } else if (zone != NONE_ID) {
        for (uint32_t i = 0; i < st->zones[zone].nnodes; i++)
            add_node_pods(st, st->zones[zone].nodes[i], &ids, &count, &cap);
    }
    qsort(ids, count, sizeof *ids, cmp_id);
    strbuf_reset(&n->tmp);
    for (uint32_t i = 0; i < count && i < NAMED_PODS_MAX; i++) {
        strbuf_puts(&n->tmp, i ? ", " : "");
        strbuf_puts(&n->tmp, st->pods[ids[i]].name);
    }
    free(ids);
    if (count == 0)
        strbuf_puts(&n->tmp, narr_templates[n->lang][NM_NO_PODS]);
    else if (count > NAMED_PODS_MAX)
        strbuf_printf(&n->tmp, " … +%u", count - NAMED_PODS_MAX);
    return n->tmp.buf;
}

static void set_pod_args(struct narrator *n, struct nargs *a, const struct pod *p)
{
    arg(a, "pod", p->name);
    arg(a, "set", store_of(n)->sets[p->sts].name);
    arg(a, "node", node_name(n, p->node));
}

static const char *taint_text(struct strbuf *sb, const struct taint *t, bool effect)
{
    strbuf_reset(sb);
    strbuf_puts(sb, t->key);
    if (t->value && t->value[0])
        strbuf_printf(sb, "=%s", t->value);
    if (effect)
        strbuf_printf(sb, ":%s", taint_effect_name(t->effect));
    return sb->buf;
}

/* --- Pods ---------------------------------------------------------------------------- */

static void on_created(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    const struct pod *p = &st->pods[c->obj];
    const struct statefulset *set = &st->sets[p->sts];
    const struct scn_statefulset *ss = set->spec;
    struct ident_note *id = ident_of_pod(n, p);
    struct nargs a = {0};
    arg(&a, "pod", p->name);
    char prev[128];
    snprintf(prev, sizeof prev, "%s-%d", set->name, p->ordinal - 1);
    arg(&a, "prev", prev);
    arg_duration(&a, "min", ss->min_ready_ns);
    begin(n);
    if (id->incarnations > 0)
        frag(n, NM_CREATED_AGAIN, &a);
    else if (p->ordinal > ss->ordinals_start && ss->pod_management == POD_MGMT_ORDERED_READY)
        frag(n, ss->min_ready_ns > 0 ? NM_CREATED_ORDERED_MIN_READY : NM_CREATED_ORDERED, &a);
    else if (p->ordinal > ss->ordinals_start)
        frag(n, NM_CREATED_PARALLEL, &a);
    else
        frag(n, NM_CREATED_FIRST, &a);
    id->incarnations++;

    struct nargs b = {0};
    arg(&b, "pod", p->name);
    arg(&b, "svc", ss->service_name);
    if (set->has_service) {
        strbuf_reset(&n->tmp2);
        strbuf_printf(&n->tmp2, "%s.%s.%s.svc.cluster.local", p->name, ss->service_name,
                      namespace_of(ss));
        arg(&b, "dns", n->tmp2.buf);
        frag(n, NM_IDENTITY_DNS, &b);
    } else {
        frag(n, NM_IDENTITY_NO_DNS, &b);
    }
    if (ss->nclaims > 0) {
        bool all_old;
        arg(&b, "claims", claims_of(n, p->sts, p->ordinal, c->time, &all_old));
        frag(n, all_old ? NM_CLAIM_SAME : NM_CLAIM_NEW, &b);
    }
    commit(n, c);
}

static void on_scheduled(struct narrator *n, const struct change *c)
{
    const struct pod *p = &store_of(n)->pods[c->obj];
    struct ident_note *id = ident_of_pod(n, p);
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    arg(&a, "old", node_name(n, id->last_node));
    bool moved = id->incarnations > 1 && id->last_node != NONE_ID && id->last_node != p->node;
    say(n, c, moved ? NM_SCHEDULED_MOVED : NM_SCHEDULED, &a);
    id->last_node = p->node;
}

/* The node other than `node` that holds an attachment of pv, or NONE_ID. */
static uint32_t attached_elsewhere(const struct narrator *n, uint32_t pv, uint32_t node)
{
    const struct store *st = store_of(n);
    if (pv >= st->npvs)
        return NONE_ID;
    const struct pv *v = &st->pvs[pv];
    for (uint32_t i = 0; i < v->nattachments; i++) {
        const struct attachment *at = &st->attachments[v->attachments[i]];
        if (!at->gone && at->node != node)
            return at->node;
    }
    return NONE_ID;
}

static void on_multi_attach(struct narrator *n, const struct change *c)
{
    if (c->kind != KIND_POD)
        return;
    struct pod_note *pn = pod_note(n, c->obj);
    uint32_t other = attached_elsewhere(n, c->a, c->node);
    pn->multi_other = other;
    if (pn->told_multi_attach)
        return;
    pn->told_multi_attach = true;
    const struct pod *p = &store_of(n)->pods[c->obj];
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    arg(&a, "claim", claim_of_pv(n, c->a));
    arg(&a, "other", other != NONE_ID ? node_name(n, other) : "?");
    arg_duration(&a, "maxwait", n->sim->scn->k8s.max_wait_for_unmount_ns);
    begin(n);
    frag(n, NM_MULTI_ATTACH, &a);
    frag(n,
         n->sim->scn->k8s.disable_force_detach_on_timeout ? NM_MULTI_ATTACH_NO_FORCE
                                                          : NM_MULTI_ATTACH_TIMEOUT,
         &a);
    commit(n, c);
}

static void on_volume(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    struct nargs a = {0};
    uint32_t pv = c->kind == KIND_ATTACHMENT ? st->attachments[c->obj].pv : c->a;
    arg(&a, "claim", claim_of_pv(n, pv));
    arg(&a, "node", node_name(n, c->node));
    arg_duration(&a, "maxwait", n->sim->scn->k8s.max_wait_for_unmount_ns);
    switch (c->reason) {
    case CH_ATTACH_DONE: say(n, c, NM_ATTACHED, &a); break;
    case CH_DETACH_DONE: say(n, c, NM_DETACHED, &a); break;
    case CH_DETACH_FORCED:
        say(n, c, c->b == FORCED_TIMEOUT ? NM_FORCE_DETACH_TIMEOUT : NM_FORCE_DETACH_OOS, &a);
        break;
    default: break;
    }
}

static void on_ready(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    const struct pod *p = &st->pods[c->obj];
    struct pod_note *pn = pod_note(n, c->obj);
    struct ident_note *id = ident_of_pod(n, p);
    pn->ever_ready = true;
    pn->backing_off = false;
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    const struct statefulset *set = &st->sets[p->sts];
    arg(&a, "svc", set->spec->service_name);
    enum narr_msg m = set->has_service ? NM_READY : NM_READY_NO_SERVICE;
    if (id->down_since != TIME_NEVER) {
        arg_duration(&a, "down", c->time - id->down_since);
        m = NM_READY_AGAIN;
    }
    id->serving = true;
    id->down_since = TIME_NEVER;
    say(n, c, m, &a);
}

/* Which NoExecute taint of the node the eviction is for: the first one the pod tolerates
 * for a while, else the first NoExecute taint. */
static const struct taint *eviction_taint(const struct narrator *n, const struct pod *p)
{
    const struct store *st = store_of(n);
    if (p->node == NONE_ID)
        return NULL;
    const struct node *nd = &st->nodes[p->node];
    const struct taint *first = NULL;
    for (uint32_t i = 0; i < nd->ntaints; i++) {
        const struct taint *t = &nd->taints[i].taint;
        if (t->effect != EFFECT_NO_EXECUTE)
            continue;
        if (first == NULL)
            first = t;
        if (strcmp(t->key, "node.kubernetes.io/unreachable") == 0 ||
            strcmp(t->key, "node.kubernetes.io/not-ready") == 0)
            return t;
    }
    return first;
}

static void on_eviction_scheduled(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    const struct pod *p = &st->pods[c->obj];
    struct pod_note *pn = pod_note(n, c->obj);
    const struct taint *t = eviction_taint(n, p);
    int64_t delay = c->b > c->time ? c->b - c->time : 0;
    pn->eviction_scheduled = true;
    pn->tol_s = (delay + NS_PER_SEC / 2) / NS_PER_SEC;
    pn->taint_key = t ? t->key : "";
    /* Where the toleration comes from: the template, or the admission plugin's default. */
    bool from_template = false;
    const struct scn_pod_template *spec = store_pod_spec(st, p);
    for (uint32_t i = 0; t && i < spec->ntolerations && !from_template; i++) {
        struct toleration tol = spec->tolerations[i];
        if (tol.key == NULL)
            tol.key = "";
        from_template = toleration_matches(&tol, t);
    }
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    arg_clock(&a, "at", c->b);
    arg(&a, "taint", pn->taint_key);
    argf(&a, "tol", "%lld", (long long)pn->tol_s);
    arg(&a, "source",
        narr_templates[n->lang][from_template ? NM_TOLERATION_TEMPLATE : NM_TOLERATION_DEFAULT]);
    say(n, c, NM_EVICTION_SCHEDULED, &a);
}

/* The revision of the set's current template (the update revision, which the status may
 * show only after the sync that starts the update), or NONE_ID. */
static uint32_t update_revision(const struct store *st, const struct statefulset *set)
{
    for (uint32_t i = set->nrevisions; i-- > 0;) {
        const struct revision *r = &st->revisions[set->revisions[i]];
        if (!r->gone && r->template_id == set->template_id)
            return r->id;
    }
    return set->status.update_revision;
}

static void on_delete_requested(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    const struct pod *p = &st->pods[c->obj];
    const struct statefulset *set = &st->sets[p->sts];
    struct pod_note *pn = pod_note(n, c->obj);
    ident_down(ident_of_pod(n, p), c->time);
    pn->terminating = true;
    pn->terminating_since = c->time;
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    arg_duration(&a, "grace", c->b);
    argf(&a, "tol", "%lld", (long long)pn->tol_s);
    arg(&a, "taint", pn->taint_key);
    argf(&a, "replicas", "%d", set->replicas);
    arg(&a, "phase", pod_phase_name(p->phase));
    uint32_t rev = update_revision(st, set);
    arg(&a, "rev", rev != NONE_ID ? st->revisions[rev].name : "");

    enum narr_msg m = NM_TERM_OTHER;
    enum sim_module actor = n->sim->actor;
    if (pn->evicted)
        m = pn->eviction_scheduled ? NM_TERM_EVICTED : NM_TERM_EVICTED_NOW;
    else if (actor == MOD_FAULTS)
        m = n->last_fault == DO_DRAIN ? NM_TERM_DRAIN : NM_TERM_OPERATOR;
    else if (actor == MOD_STS) {
        if (p->ordinal >= set->spec->ordinals_start + set->replicas)
            m = NM_TERM_SCALE_DOWN;
        else if (p->phase == PHASE_FAILED || p->phase == PHASE_SUCCEEDED)
            m = NM_TERM_FAILED;
        else if (rev != NONE_ID && p->revision != rev)
            m = NM_TERM_UPDATE;
    } else if (actor == MOD_KUBELET)
        m = NM_TERM_SHUTDOWN;
    pn->evicted = false;
    begin(n);
    frag(n, m, &a);
    if (p->node != NONE_ID)
        frag(n, node_ok(n, p->node) ? NM_KUBELET_STOPS : NM_KUBELET_UNREACHABLE, &a);
    commit(n, c);
}

static bool in_replicas(const struct statefulset *set, int32_t ordinal)
{
    return set->deletion_ts == TIME_NEVER && ordinal >= set->spec->ordinals_start &&
           ordinal < set->spec->ordinals_start + set->replicas;
}

static void on_gone(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    const struct pod *p = &st->pods[c->obj];
    const struct statefulset *set = &st->sets[p->sts];
    ident_down(ident_of_pod(n, p), c->time);
    struct pod_note *pn = pod_note(n, c->obj);
    pn->terminating = false;
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    arg_duration(&a, "quarantine", n->sim->scn->k8s.pod_gc_quarantine_ns);
    begin(n);
    if (c->reason == CH_POD_GONE) {
        frag(n, NM_GONE, &a);
    } else {
        enum sim_module actor = n->sim->actor;
        if (actor == MOD_FAULTS)
            return; /* the operator's force delete: its fault line told it */
        if (actor == MOD_PODGC && p->node != NONE_ID && !st->nodes[p->node].exists)
            frag(n, NM_FORCE_PODGC_ORPHAN, &a);
        else if (actor == MOD_PODGC && p->node != NONE_ID &&
                 node_has_taint(&st->nodes[p->node], TAINT_OUT_OF_SERVICE, EFFECT_NO_EXECUTE))
            frag(n, NM_FORCE_PODGC_OOS, &a);
        else
            frag(n, NM_FORCE_OTHER, &a);
    }
    if (in_replicas(set, p->ordinal))
        frag(n, NM_GONE_RECREATE, &a);
    commit(n, c);
}

static void on_pod(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    if (c->obj == NONE_ID || c->obj >= st->npods)
        return;
    const struct pod *p = &st->pods[c->obj];
    struct pod_note *pn = pod_note(n, c->obj);
    struct ident_note *id = ident_of_pod(n, p);
    struct nargs a = {0};
    set_pod_args(n, &a, p);
    bool by_fault_now = n->sim->actor == MOD_FAULTS;
    switch (c->reason) {
    case CH_POD_CREATED: on_created(n, c); return;
    case CH_POD_SCHEDULED:
        free(pn->unschedulable);
        pn->unschedulable = NULL;
        on_scheduled(n, c);
        return;
    case CH_POD_FAILED_SCHEDULING:
        free(pn->unschedulable);
        pn->unschedulable = xstrdup(c->text ? c->text : "");
        if (pn->told_unschedulable)
            return;
        pn->told_unschedulable = true;
        arg(&a, "why", c->text ? c->text : "");
        say(n, c, NM_FAILED_SCHEDULING, &a);
        return;
    case CH_ATTACH_MULTI: on_multi_attach(n, c); return;
    case CH_POD_RUNNING:
        if (!p->ready && store_pod_spec(st, p)->ncontainers > 0 &&
            store_pod_spec(st, p)->containers[0].readiness.present)
            say(n, c, NM_RUNNING_PROBE, &a);
        return;
    case CH_POD_READY: on_ready(n, c); return;
    case CH_POD_NOT_READY:
        /* A node that stopped reporting: MarkedNotReady, which follows, tells it. A pod
         * being deleted: its Terminating line told it. */
        ident_down(id, c->time);
        if (!pn->terminating && !pod_terminating(p) && node_ok(n, p->node))
            say(n, c, NM_NOT_READY, &a);
        return;
    case CH_POD_MARKED_NOT_READY:
        ident_down(id, c->time);
        say(n, c, NM_MARKED_NOT_READY, &a);
        return;
    case CH_POD_CONTAINER_DIED: {
        if (!p->gone)
            ident_down(id, c->time);
        /* A crash told by its fault line, the normal end of a terminating pod, or one more
         * turn of a crash loop (its BackOff line tells it). */
        if (by_fault_now && n->last_fault_at == c->time)
            return;
        if ((!p->gone && pod_terminating(p)) || pn->backing_off)
            return;
        arg(&a, "node", node_name(n, c->node));
        say(n, c, NM_CONTAINER_DIED, &a);
        return;
    }
    case CH_POD_CONTAINER_STARTED: pn->ran = true; return;
    case CH_POD_STARTED:
        /* a: the restart count, which counts this start. */
        if (c->a > 0 && !pn->backing_off) {
            argf(&a, "n", "%u", c->a);
            say(n, c, NM_RESTARTED, &a);
        }
        return;
    case CH_POD_BACK_OFF:
        pn->backing_off = true;
        arg_duration(&a, "backoff", c->b);
        arg_duration(&a, "initial", n->sim->scn->k8s.crashloop_initial_ns);
        arg_duration(&a, "max", n->sim->scn->k8s.crashloop_max_ns);
        say(n, c, NM_BACK_OFF, &a);
        return;
    case CH_POD_FAILED:
        if (n->sim->actor == MOD_PODGC)
            return; /* pod GC marks it Failed before it force-deletes it: told then */
        arg(&a, "why", c->text && c->text[0] ? c->text : p->reason);
        say(n, c, NM_FAILED, &a);
        return;
    case CH_POD_EVICTION_SCHEDULED: on_eviction_scheduled(n, c); return;
    case CH_POD_EVICTION_CANCELLED:
        pn->eviction_scheduled = false;
        say(n, c, NM_EVICTION_CANCELLED, &a);
        return;
    case CH_POD_EVICTED:
        /* Told with the Terminating line it causes; an eviction of a pod that is already
         * terminating changes nothing. */
        if (!pod_terminating(p))
            pn->evicted = true;
        return;
    case CH_POD_DELETE_REQUESTED: on_delete_requested(n, c); return;
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED: on_gone(n, c); return;
    default: return;
    }
}

/* --- Nodes --------------------------------------------------------------------------- */

static void on_node(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    if (c->obj >= st->nnodes)
        return;
    const struct node *nd = &st->nodes[c->obj];
    const struct scn_kubernetes *k = &n->sim->scn->k8s;
    bool by_fault = n->sim->actor == MOD_FAULTS;
    struct nargs a = {0};
    arg(&a, "node", nd->name);
    arg_duration(&a, "quarantine", k->pod_gc_quarantine_ns);
    switch (c->reason) {
    case CH_NODE_UNKNOWN:
        arg_duration(&a, "grace", k->node_monitor_grace_ns);
        say(n, c, NM_NODE_UNKNOWN, &a);
        return;
    case CH_NODE_NOT_READY:
        arg(&a, "why", c->text ? c->text : nd->ready_reason);
        say(n, c, NM_NODE_NOT_READY, &a);
        return;
    case CH_NODE_READY: say(n, c, NM_NODE_READY, &a); return;
    case CH_NODE_TAINTED: {
        if (by_fault || c->a >= nd->ntaints)
            return;
        const struct taint *t = &nd->taints[c->a].taint;
        bool oos = strcmp(t->key, TAINT_OUT_OF_SERVICE) == 0;
        arg(&a, "taint",
            taint_text(&n->tmp, t,
                       oos || (t->effect != EFFECT_NO_SCHEDULE && t->effect != EFFECT_NO_EXECUTE)));
        if (oos)
            say(n, c, NM_TAINT_OUT_OF_SERVICE, &a);
        else if (t->effect == EFFECT_NO_SCHEDULE)
            say(n, c, NM_TAINT_NO_SCHEDULE, &a);
        else if (t->effect == EFFECT_NO_EXECUTE)
            say(n, c, NM_TAINT_NO_EXECUTE, &a);
        else
            say(n, c, NM_TAINT_OTHER, &a);
        return;
    }
    case CH_NODE_UNTAINTED:
        if (by_fault)
            return;
        strbuf_reset(&n->tmp);
        strbuf_printf(&n->tmp, "%s:%s", c->text ? c->text : "",
                      taint_effect_name((enum taint_effect)c->b));
        arg(&a, "taint", n->tmp.buf);
        say(n, c, NM_UNTAINTED, &a);
        return;
    case CH_NODE_CORDONED:
    case CH_NODE_UNCORDONED:
        if (!by_fault)
            say(n, c, c->reason == CH_NODE_CORDONED ? NM_CORDONED : NM_UNCORDONED, &a);
        return;
    case CH_NODE_DELETED:
        if (!by_fault)
            say(n, c, NM_NODE_DELETED, &a);
        return;
    case CH_NODE_CRASHED:
    case CH_NODE_POWERED_OFF:
        /* The fault line told a crash or power-off it caused at once. */
        if (!by_fault)
            say(n, c, c->reason == CH_NODE_CRASHED ? NM_NODE_CRASHED : NM_NODE_POWERED_OFF, &a);
        return;
    case CH_KUBELET_STARTED: say(n, c, NM_KUBELET_STARTED, &a); return;
    default: return;
    }
}

/* --- The timeline -------------------------------------------------------------------- */

static void on_fault(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    const struct scenario *scn = n->sim->scn;
    if (c->obj >= scn->nfaults)
        return;
    const struct scn_fault *f = &scn->faults[c->obj];
    n->last_fault = f->what;
    n->last_fault_at = c->time;
    struct nargs a = {0};
    uint32_t node = c->node;
    arg(&a, "node", node_name(n, node));
    arg(&a, "pod", f->pod);
    arg(&a, "zone", f->zone);
    arg(&a, "claim", f->claim);
    arg(&a, "set", f->statefulset);
    arg(&a, "image", f->image);
    arg_duration(&a, "quarantine", scn->k8s.pod_gc_quarantine_ns);
    if (!c->b) {
        const struct fault_record *r = faults_record(n->sim, c->obj);
        argf(&a, "i", "%u", c->obj);
        arg(&a, "do", fault_do_name(f->what));
        arg(&a, "note", r && r->note ? r->note : "");
        say(n, c, NM_FAULT_NOT_APPLIED, &a);
        return;
    }
    begin(n);
    switch (f->what) {
    case DO_NODE_CRASH:
        arg(&a, "pods", pods_on(n, node, NONE_ID));
        frag(n, NM_FAULT_NODE_CRASH, &a);
        break;
    case DO_NODE_SHUTDOWN:
        arg(&a, "pods", pods_on(n, node, NONE_ID));
        arg_duration(&a, "sgp", scn->k8s.shutdown_grace_ns);
        frag(n,
             scn->k8s.shutdown_grace_ns > 0 ? NM_FAULT_NODE_SHUTDOWN_GRACEFUL
                                            : NM_FAULT_NODE_SHUTDOWN,
             &a);
        break;
    case DO_NODE_PARTITION:
        arg(&a, "pods", pods_on(n, node, NONE_ID));
        frag(n, NM_FAULT_NODE_PARTITION, &a);
        break;
    case DO_NODE_HEAL: frag(n, NM_FAULT_NODE_HEAL, &a); break;
    case DO_NODE_RECOVER: frag(n, NM_FAULT_NODE_RECOVER, &a); break;
    case DO_NODE_DELETE: frag(n, NM_FAULT_NODE_DELETE, &a); break;
    case DO_ZONE_OUTAGE:
        arg(&a, "pods", pods_on(n, NONE_ID, f->zone ? store_find_zone(st, f->zone) : NONE_ID));
        frag(n, NM_FAULT_ZONE_OUTAGE, &a);
        break;
    case DO_ZONE_RECOVER: frag(n, NM_FAULT_ZONE_RECOVER, &a); break;
    case DO_TAINT:
    case DO_UNTAINT: {
        bool oos = f->taint.key && strcmp(f->taint.key, TAINT_OUT_OF_SERVICE) == 0;
        arg(&a, "taint", f->taint.key ? taint_text(&n->tmp, &f->taint, true) : "");
        if (f->what == DO_UNTAINT)
            frag(n, NM_FAULT_UNTAINT, &a);
        else
            frag(n, oos ? NM_FAULT_TAINT_OUT_OF_SERVICE : NM_FAULT_TAINT, &a);
        break;
    }
    case DO_CORDON: frag(n, NM_FAULT_CORDON, &a); break;
    case DO_UNCORDON: frag(n, NM_FAULT_UNCORDON, &a); break;
    case DO_DRAIN: frag(n, NM_FAULT_DRAIN, &a); break;
    case DO_POD_DELETE: frag(n, NM_FAULT_POD_DELETE, &a); break;
    case DO_POD_FORCE_DELETE:
        frag(n, NM_FAULT_POD_FORCE_DELETE, &a);
        if (node != NONE_ID && !node_ok(n, node))
            frag(n, NM_FORCE_RISK, &a);
        break;
    case DO_CONTAINER_CRASH: frag(n, NM_FAULT_CONTAINER_CRASH, &a); break;
    case DO_SCALE: {
        uint32_t sts = f->statefulset ? store_find_sts(st, f->statefulset) : NONE_ID;
        int32_t from = sts != NONE_ID ? st->sets[sts].replicas : 0;
        argf(&a, "from", "%d", from);
        argf(&a, "to", "%d", f->replicas);
        frag(n, f->replicas < from ? NM_FAULT_SCALE_DOWN : NM_FAULT_SCALE_UP, &a);
        break;
    }
    case DO_UPDATE_IMAGE: {
        uint32_t sts = f->statefulset ? store_find_sts(st, f->statefulset) : NONE_ID;
        bool on_delete = sts != NONE_ID && st->sets[sts].spec->update_strategy == UPDATE_ON_DELETE;
        frag(n, on_delete ? NM_FAULT_UPDATE_ON_DELETE : NM_FAULT_UPDATE_IMAGE, &a);
        break;
    }
    case DO_VOLUME_LOSS: frag(n, NM_FAULT_VOLUME_LOSS, &a); break;
    default: break;
    }
    commit(n, c);
}

/* --- The StatefulSet ----------------------------------------------------------------- */

/* The waiting reasons of controllers/statefulset.c (reason_text), recognised by their
 * words: the change carries the text and the pod, not the kind. */
enum wait_kind {
    WAIT_TERMINATING,
    WAIT_NOT_READY,
    WAIT_NOT_AVAILABLE,
    WAIT_FAILED,
    WAIT_CLAIM_DELETING,
    WAIT_CLAIM_STALE,
    WAIT_NAME_TAKEN,
    WAIT_MAX_UNAVAILABLE,
    WAIT_OTHER,
};

static const struct {
    const char *words;
    enum wait_kind kind;
} wait_patterns[] = {
    {" to terminate", WAIT_TERMINATING},
    {" to be Running and Ready", WAIT_NOT_READY},
    {"minReadySeconds", WAIT_NOT_AVAILABLE},
    {"to be removed before it is recreated", WAIT_FAILED},
    {"is being deleted", WAIT_CLAIM_DELETING},
    {"still belongs to the previous pod", WAIT_CLAIM_STALE},
    {"already exists", WAIT_NAME_TAKEN},
    {"maxUnavailable", WAIT_MAX_UNAVAILABLE},
};

static enum wait_kind wait_kind_of(const char *text)
{
    for (size_t i = 0; i < ARRAY_LEN(wait_patterns); i++)
        if (strstr(text, wait_patterns[i].words))
            return wait_patterns[i].kind;
    return WAIT_OTHER;
}

/* The pod the reason names: the change's pod, or the first "<set>-<digits>" word. */
static const char *waited_pod_name(struct narrator *n, uint32_t sts, uint32_t pod, const char *text)
{
    const struct store *st = store_of(n);
    if (pod != NONE_ID && pod < st->npods)
        return st->pods[pod].name;
    const char *set = st->sets[sts].name;
    size_t sl = strlen(set);
    for (const char *p = strstr(text, set); p; p = strstr(p + 1, set)) {
        size_t nd = strspn(p + sl + 1, "0123456789");
        if (p[sl] == '-' && nd > 0) {
            strbuf_reset(&n->tmp2);
            strbuf_add(&n->tmp2, p, sl + 1 + nd);
            return n->tmp2.buf;
        }
    }
    return "";
}

/* Tell what the set waits for; `at_end` adds what an operator can do in every case, not
 * only when Kubernetes went as far as it will go. Returns false when nothing was said. */
static bool tell_wait(struct narrator *n, uint32_t sts, const char *text, uint32_t pod, bool at_end)
{
    const struct store *st = store_of(n);
    const struct statefulset *set = &st->sets[sts];
    enum wait_kind k = wait_kind_of(text);
    const struct pod *p = pod != NONE_ID && pod < st->npods ? &st->pods[pod] : NULL;
    struct pod_note *pn = p ? pod_note(n, pod) : NULL;
    uint32_t node = p ? p->node : NONE_ID;
    struct nargs a = {0};
    arg(&a, "set", set->name);
    arg(&a, "pod", waited_pod_name(n, sts, pod, text));
    arg(&a, "node", node_name(n, node));
    arg(&a, "text", text);
    arg(&a, "phase", p ? pod_phase_name(p->phase) : "Failed");
    arg_duration(&a, "min", set->spec->min_ready_ns);
    arg_duration(&a, "maxwait", n->sim->scn->k8s.max_wait_for_unmount_ns);
    switch (k) {
    case WAIT_TERMINATING:
        if (node != NONE_ID && !node_ok(n, node)) {
            frag(n, NM_BLOCKED_TERMINATING_UNREACHABLE, &a);
            frag(n, st->nodes[node].exists ? NM_ADVICE_UNREACHABLE : NM_ADVICE_ORPHAN, &a);
        } else if (at_end) {
            frag(n, NM_BLOCKED_TERMINATING, &a);
        } else {
            return false; /* a healthy kubelet finishes it within the grace period */
        }
        return true;
    case WAIT_NOT_READY:
        /* A pod that never was Ready yet: its creation line told why the set waits. */
        if (!at_end && (pn == NULL || !pn->ever_ready))
            return false;
        frag(n, NM_BLOCKED_NOT_READY, &a);
        if (at_end && p && !p->gone) {
            if (pn->multi_other != NONE_ID && !pn->ran) {
                arg(&a, "other", node_name(n, pn->multi_other));
                frag(n, NM_ADVICE_MULTI_ATTACH, &a);
            } else if (node != NONE_ID && !node_ok(n, node)) {
                frag(n, st->nodes[node].exists ? NM_ADVICE_WAIT_EVICTION : NM_ADVICE_ORPHAN, &a);
            }
        }
        return true;
    case WAIT_NOT_AVAILABLE: frag(n, NM_BLOCKED_NOT_AVAILABLE, &a); return true;
    case WAIT_FAILED:
        if (!at_end && p && p->gone)
            return false; /* its "gone" line told it, and that it is created again */
        frag(n, NM_BLOCKED_FAILED, &a);
        return true;
    case WAIT_CLAIM_DELETING: frag(n, NM_BLOCKED_CLAIM_DELETING, &a); return true;
    case WAIT_CLAIM_STALE: frag(n, NM_BLOCKED_CLAIM_STALE, &a); return true;
    case WAIT_NAME_TAKEN: frag(n, NM_BLOCKED_NAME_TAKEN, &a); return true;
    case WAIT_MAX_UNAVAILABLE: frag(n, NM_BLOCKED_MAX_UNAVAILABLE, &a); return true;
    case WAIT_OTHER: frag(n, NM_BLOCKED_OTHER, &a); return true;
    }
    return false;
}

static void on_blocked(struct narrator *n, const struct change *c)
{
    if (c->obj >= n->nsets)
        return;
    struct set_note *s = &n->sets[c->obj];
    const char *text = c->text ? c->text : "";
    free(s->blocked);
    s->blocked = xstrdup(text);
    s->blocked_pod = c->a;
    if (text[0] == '\0')
        return;
    begin(n);
    if (tell_wait(n, c->obj, text, c->a, false))
        commit(n, c);
}

/* Every replica Ready and, during a RollingUpdate, every pod the update should replace
 * (ordinals from the partition up) at the new revision. */
static bool set_complete(const struct statefulset *set)
{
    const struct sts_status *ss = &set->status;
    const struct scn_statefulset *spec = set->spec;
    if (set->replicas <= 0 || ss->ready_replicas != set->replicas || ss->replicas != set->replicas)
        return false;
    if (spec->update_strategy == UPDATE_ON_DELETE)
        return true;
    int32_t start = spec->ordinals_start, end = start + set->replicas;
    int32_t from = spec->partition > start ? spec->partition : start;
    int32_t want = from < end ? end - from : 0;
    return ss->updated_replicas >= want;
}

static void on_sts(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    if (c->obj >= st->nsets)
        return;
    const struct statefulset *set = &st->sets[c->obj];
    struct set_note *s = &n->sets[c->obj];
    bool by_fault = n->sim->actor == MOD_FAULTS;
    struct nargs a = {0};
    arg(&a, "set", set->name);
    switch (c->reason) {
    case CH_STS_BLOCKED: on_blocked(n, c); return;
    case CH_STS_STATUS: {
        bool complete = set_complete(set);
        if (complete && !s->complete) {
            argf(&a, "n", "%d", set->replicas);
            say(n, c, NM_SET_COMPLETE, &a);
        }
        s->complete = complete;
        return;
    }
    case CH_STS_SCALED:
        if (by_fault)
            return;
        argf(&a, "from", "%u", c->a);
        argf(&a, "to", "%lld", (long long)c->b);
        say(n, c, NM_SCALED, &a);
        return;
    case CH_STS_TEMPLATE:
        if (by_fault)
            return;
        arg(&a, "image", c->text);
        say(n, c, NM_TEMPLATE_UPDATED, &a);
        return;
    case CH_STS_UPDATE_DONE:
        arg(&a, "rev", c->a < st->nrevisions ? st->revisions[c->a].name : "");
        say(n, c, NM_UPDATE_DONE, &a);
        return;
    default: return;
    }
}

/* --- Claims, violations, the end ----------------------------------------------------- */

static void on_claim(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    struct nargs a = {0};
    if (c->reason == CH_PVC_GONE && c->obj < st->npvcs) {
        const struct pvc *pvc = &st->pvcs[c->obj];
        arg(&a, "claim", pvc->name);
        say(n, c,
            pvc->owner == OWNER_POD   ? NM_PVC_DELETED_SCALED
            : pvc->owner == OWNER_SET ? NM_PVC_DELETED_SET
                                      : NM_PVC_DELETED,
            &a);
    } else if (c->reason == CH_PV_LOST && n->sim->actor != MOD_FAULTS) {
        arg(&a, "claim", claim_of_pv(n, c->obj));
        say(n, c, NM_PV_LOST, &a);
    }
}

static const enum narr_msg invariant_msgs[INV_COUNT] = {
    [INV_AT_MOST_ONE_PER_IDENTITY] = NM_INV_AT_MOST_ONE,
    [INV_ORDERED_CREATION] = NM_INV_ORDERED_CREATION,
    [INV_ORDERED_TERMINATION] = NM_INV_ORDERED_TERMINATION,
    [INV_STABLE_STORAGE] = NM_INV_STABLE_STORAGE,
    [INV_SINGLE_ATTACH_RWO] = NM_INV_SINGLE_ATTACH,
    [INV_UPDATE_ORDER] = NM_INV_UPDATE_ORDER,
};

static void on_violation(struct narrator *n, const struct change *c)
{
    struct nargs a = {0};
    enum invariant inv = c->a < INV_COUNT ? (enum invariant)c->a : INV_AT_MOST_ONE_PER_IDENTITY;
    n->broken |= 1u << inv;
    arg(&a, "inv", invariant_name(inv));
    arg(&a, "obj", describe_object(n->sim, c));
    /* English: the checker's own sentence names the copies and nodes; other languages
     * state the guarantee from the table. */
    strbuf_reset(&n->tmp);
    if (n->lang == NARR_EN && c->text)
        strbuf_puts(&n->tmp, c->text);
    else
        expand(&n->tmp, narr_templates[n->lang][invariant_msgs[inv]], &a);
    arg(&a, "detail", n->tmp.buf);
    say(n, c, NM_VIOLATION, &a);
}

static const char *pod_state(const struct pod *p)
{
    if (pod_terminating(p))
        return "Terminating";
    if (p->phase == PHASE_RUNNING)
        return p->ready ? (p->runtime_live ? "Running, Ready" : "Ready (container dead)")
                        : "Running, not Ready";
    if (p->phase == PHASE_PENDING)
        return p->reason && p->reason[0] ? p->reason : "Pending";
    return pod_phase_name(p->phase);
}

static void on_end(struct narrator *n, const struct change *c)
{
    const struct store *st = store_of(n);
    n->ended = true;
    struct nargs a = {0};
    argf(&a, "max", "%llu", (unsigned long long)n->sim->max_events);
    say(n, c, c->a ? NM_END_CAP : NM_END, &a);
    for (uint32_t s = 0; s < st->nsets; s++) {
        const struct statefulset *set = &st->sets[s];
        struct nargs b = {0};
        arg(&b, "set", set->name);
        argf(&b, "ready", "%d", set->status.ready_replicas);
        argf(&b, "replicas", "%d", set->replicas);
        say(n, c, NM_END_SET, &b);
        const struct set_note *sn = &n->sets[s];
        if (sn->blocked && sn->blocked[0]) {
            begin(n);
            if (tell_wait(n, s, sn->blocked, sn->blocked_pod, true))
                commit(n, c);
        }
        /* Each identity that does not serve, by ordinal. */
        for (uint32_t o = 0; o < set->by_ordinal_len; o++) {
            uint32_t pod = set->by_ordinal[o];
            if (pod == NONE_ID)
                continue;
            const struct pod *p = &st->pods[pod];
            if (p->gone || (p->ready && p->runtime_live && !pod_terminating(p)))
                continue;
            struct nargs d = {0};
            set_pod_args(n, &d, p);
            arg(&d, "state", pod_state(p));
            const struct pod_note *pn = pod_note(n, pod);
            if (pod_terminating(p) && pn->terminating_since != TIME_NEVER) {
                arg_clock(&d, "since", pn->terminating_since);
                say(n, c, NM_END_POD_TERMINATING, &d);
            } else {
                say(n, c, NM_END_POD_NOT_SERVING, &d);
            }
            if (p->node == NONE_ID && pn->unschedulable) {
                arg(&d, "why", pn->unschedulable);
                say(n, c, NM_FAILED_SCHEDULING, &d);
            }
        }
    }
    /* Containers whose Pod object is gone but which still run: a force delete's leftovers. */
    for (uint32_t i = 0; i < st->npods; i++) {
        const struct pod *p = &st->pods[i];
        if (!p->gone || !p->runtime_live)
            continue;
        struct nargs d = {0};
        arg(&d, "pod", p->name);
        arg(&d, "node", node_name(n, p->runtime_node));
        say(n, c, NM_END_POD_ORPHAN, &d);
    }
    if (n->broken == 0) {
        say(n, c, NM_END_INVARIANTS_HELD, &a);
        return;
    }
    strbuf_reset(&n->tmp2);
    for (int i = 0; i < INV_COUNT; i++)
        if (n->broken & (1u << i))
            strbuf_printf(&n->tmp2, "%s%s", n->tmp2.len ? ", " : "",
                          invariant_name((enum invariant)i));
    arg(&a, "list", n->tmp2.buf);
    say(n, c, NM_END_INVARIANTS_BROKEN, &a);
}

static void on_change(void *ctx, const struct change *c)
{
    struct narrator *n = ctx;
    if (n->ended)
        return;
    switch (c->reason) {
    case CH_FAULT: on_fault(n, c); return;
    case CH_VIOLATION: on_violation(n, c); return;
    case CH_RUN_END: on_end(n, c); return;
    case CH_ATTACH_DONE:
    case CH_DETACH_DONE:
    case CH_DETACH_FORCED: on_volume(n, c); return;
    case CH_ZONE_STATE: {
        struct nargs a = {0};
        arg(&a, "zone", c->obj < store_of(n)->nzones ? store_of(n)->zones[c->obj].name : "");
        arg(&a, "state", c->text);
        if (c->text)
            say(n, c, NM_ZONE_STATE, &a);
        return;
    }
    case CH_PVC_GONE:
    case CH_PV_LOST: on_claim(n, c); return;
    default: break;
    }
    switch (c->kind) {
    case KIND_POD: on_pod(n, c); return;
    case KIND_NODE: on_node(n, c); return;
    case KIND_STS: on_sts(n, c); return;
    default: return;
    }
}

/* --- The opening and the text -------------------------------------------------------- */

static void opening(struct narrator *n)
{
    const struct scenario *scn = n->sim->scn;
    const struct store *st = store_of(n);
    struct nargs a = {0};
    arg(&a, "scenario", scn->name);
    argf(&a, "seed", "%llu", (unsigned long long)n->sim->seed);
    arg(&a, "version", scn->k8s.version);
    arg_duration(&a, "until", n->sim->until);
    begin(n);
    frag(n, NM_HEADER, &a);
    commit_at(n, 0, 0);
    for (uint32_t s = 0; s < st->nsets; s++) {
        const struct statefulset *set = &st->sets[s];
        const struct scn_statefulset *ss = set->spec;
        struct nargs b = {0};
        arg(&b, "set", set->name);
        argf(&b, "replicas", "%d", set->replicas);
        arg(&b, "policy", ss->pod_management == POD_MGMT_PARALLEL ? "Parallel" : "OrderedReady");
        arg(&b, "strategy", ss->update_strategy == UPDATE_ON_DELETE ? "OnDelete" : "RollingUpdate");
        arg(&b, "svc", ss->service_name);
        argf(&b, "start", "%d", ss->ordinals_start);
        strbuf_reset(&n->tmp);
        for (uint32_t t = 0; t < ss->nclaims; t++)
            strbuf_printf(&n->tmp, "%s%s-%s-N %s", t ? ", " : "", ss->claims[t].name, ss->name,
                          (ss->claims[t].access_modes & ACCESS_RWO)    ? "ReadWriteOnce"
                          : (ss->claims[t].access_modes & ACCESS_RWOP) ? "ReadWriteOncePod"
                          : (ss->claims[t].access_modes & ACCESS_RWX)  ? "ReadWriteMany"
                                                                       : "ReadOnlyMany");
        arg(&b, "claims", n->tmp.buf);
        begin(n);
        frag(n, NM_SET_INTRO, &b);
        frag(n, ss->nclaims ? NM_SET_INTRO_CLAIMS : NM_SET_INTRO_NO_CLAIMS, &b);
        commit_at(n, 0, 0);
    }
}

struct narrator *narrator_new(struct sim *sim, enum narr_lang lang)
{
    struct narrator *n = xcalloc(1, sizeof *n);
    n->sim = sim;
    n->lang = (unsigned)lang < NARR_LANG_COUNT ? lang : NARR_EN;
    strbuf_init(&n->line);
    strbuf_init(&n->text);
    strbuf_init(&n->tmp);
    strbuf_init(&n->tmp2);
    n->nsets = sim->store->nsets;
    n->sets = xcalloc(n->nsets ? n->nsets : 1, sizeof *n->sets);
    for (uint32_t s = 0; s < n->nsets; s++)
        n->sets[s].blocked_pod = NONE_ID;
    n->last_fault_at = -1;
    n->last_fault = DO_COUNT;
    opening(n);
    /* The StatefulSet's waiting reasons and the checker's sentences are text. */
    sim->store->want_text = true;
    store_watch(sim->store, on_change, n);
    return n;
}

void narrator_free(struct narrator *n)
{
    if (n == NULL)
        return;
    for (uint32_t i = 0; i < n->nlines; i++)
        free(n->lines[i].text);
    free(n->lines);
    for (uint32_t s = 0; s < n->nsets; s++) {
        free(n->sets[s].ids);
        free(n->sets[s].blocked);
    }
    free(n->sets);
    for (size_t i = 0; i < n->npods; i++)
        free(n->pods[i].unschedulable);
    free(n->pods);
    strbuf_fini(&n->line);
    strbuf_fini(&n->text);
    strbuf_fini(&n->tmp);
    strbuf_fini(&n->tmp2);
    free(n);
}

static int line_cmp(const void *pa, const void *pb)
{
    const struct narr_line *a = pa, *b = pb;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

const char *narrator_text(struct narrator *n, size_t *len)
{
    /* In change order: the invariant checker emits a violation from inside the dispatch
     * of its cause, so a narrator registered after it sees the two the other way round.
     * (seq, order) is a total order, so qsort's instability does not matter. */
    qsort(n->lines, n->nlines, sizeof *n->lines, line_cmp);
    strbuf_reset(&n->text);
    for (uint32_t i = 0; i < n->nlines; i++)
        strbuf_puts(&n->text, n->lines[i].text);
    if (len)
        *len = n->text.len;
    return n->text.buf;
}
