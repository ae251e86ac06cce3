/* The trace writer. JSON Lines and CSV are one record per change, appended as the changes
 * come. The two views, Chrome trace events and Mermaid gantt, are drawn from phase
 * segments recorded per StatefulSet identity and per node, and built whole at the end. */
#include "observe/trace.h"

#include <stdlib.h>
#include <string.h>

#include "observe/describe.h"
#include "util/util.h"

struct views;

struct trace {
    struct sim *sim;
    enum trace_format fmt;
    struct strbuf out;
    struct strbuf msg;
    bool finished;
    struct views *views; /* TRACE_CHROME and TRACE_MERMAID only */
};

static struct views *views_new(struct sim *sim);
static void views_free(struct views *v);
static void views_on_change(struct views *v, const struct change *c);
static void views_build(struct views *v, enum trace_format fmt, struct strbuf *out);

int trace_format_parse(const char *name)
{
    static const char *const names[] = {"jsonl", "csv", "chrome", "mermaid"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

static void csv_field(struct strbuf *sb, const char *s)
{
    bool quote = strpbrk(s, ",\"\n") != NULL;
    if (!quote) {
        strbuf_puts(sb, s);
        return;
    }
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

static void on_change(void *ctx, const struct change *c)
{
    struct trace *t = ctx;
    const struct sim *sim = t->sim;
    if (t->views) {
        views_on_change(t->views, c);
        return;
    }
    strbuf_reset(&t->msg);
    describe_change(sim, c, &t->msg);
    const char *node = c->node == NONE_ID ? "" : sim->store->nodes[c->node].name;
    const char *obj = describe_object(sim, c);
    struct strbuf *o = &t->out;
    if (t->fmt == TRACE_CSV) {
        strbuf_seconds(o, c->time);
        strbuf_printf(o, ",%llu,", (unsigned long long)c->seq);
        csv_field(o, obj_kind_name(c->kind));
        strbuf_putc(o, ',');
        csv_field(o, obj);
        strbuf_putc(o, ',');
        csv_field(o, node);
        strbuf_putc(o, ',');
        csv_field(o, change_reason_name(c->reason));
        strbuf_putc(o, ',');
        csv_field(o, t->msg.buf);
        strbuf_putc(o, '\n');
        return;
    }
    strbuf_puts(o, "{\"t\":");
    strbuf_seconds(o, c->time);
    strbuf_printf(o, ",\"seq\":%llu,\"kind\":", (unsigned long long)c->seq);
    strbuf_json_string(o, obj_kind_name(c->kind));
    strbuf_puts(o, ",\"object\":");
    strbuf_json_string(o, obj);
    strbuf_puts(o, ",\"node\":");
    strbuf_json_string(o, node);
    strbuf_puts(o, ",\"reason\":");
    strbuf_json_string(o, change_reason_name(c->reason));
    strbuf_puts(o, ",\"message\":");
    strbuf_json_string(o, t->msg.buf);
    strbuf_puts(o, "}\n");
}

struct trace *trace_new(struct sim *sim, enum trace_format fmt)
{
    struct trace *t = xcalloc(1, sizeof *t);
    t->sim = sim;
    t->fmt = fmt;
    strbuf_init(&t->out);
    strbuf_init(&t->msg);
    if (fmt == TRACE_CSV)
        strbuf_puts(&t->out, "t,seq,kind,object,node,reason,message\n");
    if (fmt == TRACE_CHROME || fmt == TRACE_MERMAID)
        t->views = views_new(sim);
    sim->store->want_text = true;
    store_watch(sim->store, on_change, t);
    return t;
}

void trace_free(struct trace *t)
{
    if (t == NULL)
        return;
    strbuf_fini(&t->out);
    strbuf_fini(&t->msg);
    views_free(t->views);
    free(t);
}

const char *trace_text(struct trace *t, size_t *len)
{
    if (t->views && !t->finished) {
        views_build(t->views, t->fmt, &t->out);
        t->finished = true;
    }
    *len = t->out.len;
    return t->out.buf;
}

int trace_write(struct trace *t, const char *path)
{
    size_t len;
    const char *text = trace_text(t, &len);
    return write_file_atomic(path, text, len);
}

/* --- Views: phase segments per identity and per node ---------------------------------- *
 *
 * Self-contained on purpose (observe/timeline.c keeps a richer model for the plots): a pod
 * object's phase follows from what the stream said of it, and one identity's objects never
 * overlap in time, since a name is taken until its object is gone. A container that
 * outlives its object (a force delete on a partitioned node) gets a track of its own. */

enum view_phase {
    VP_PENDING,     /* created, not bound to a node */
    VP_CREATING,    /* bound: attach, mount, image pull, start */
    VP_RUNNING,     /* containers live, not Ready */
    VP_NOT_READY,   /* started once; containers dead now (crash, back-off, dead node) */
    VP_READY,       /* containers live and Ready */
    VP_TERMINATING, /* deletionTimestamp set, object not gone */
    VP_ORPHAN,      /* a container still running after its object left the API */
    VP_COUNT
};

static const char *const view_phase_names[VP_COUNT] = {
    [VP_PENDING] = "Pending",
    [VP_CREATING] = "ContainerCreating",
    [VP_RUNNING] = "Running",
    [VP_NOT_READY] = "NotReady",
    [VP_READY] = "Ready",
    [VP_TERMINATING] = "Terminating",
    [VP_ORPHAN] = "orphaned container",
};

/* Mermaid task tags: grey-blue for the way up, red for trouble, plain for Ready. */
static const char *const view_phase_tags[VP_COUNT] = {
    [VP_PENDING] = "active, ", [VP_CREATING] = "active, ",
    [VP_RUNNING] = "active, ", [VP_NOT_READY] = "crit, ",
    [VP_READY] = "",           [VP_TERMINATING] = "crit, ",
    [VP_ORPHAN] = "crit, ",
};

struct vseg {
    int64_t start, end; /* end TIME_NEVER while open */
    enum view_phase phase;
    uint32_t pod;  /* the pod object (UID) */
    uint32_t node; /* its node then, NONE_ID if none */
};

struct vtrack {
    struct vseg *segs;
    uint32_t nsegs, cap;
};

struct vrow { /* one StatefulSet identity */
    uint32_t sts;
    int32_t ordinal;
    char *name;
    struct vtrack api;    /* the pod objects of the identity, one after another */
    struct vtrack orphan; /* containers whose object is gone */
};

enum vinst_scope { VI_GLOBAL, VI_POD, VI_NODE };

struct vinst { /* an instant: a fault, a violation, a Multi-Attach error, a taint */
    int64_t t;
    enum vinst_scope scope;
    uint32_t track; /* row or node index */
    char *name;
    char *detail;
    bool milestone;  /* a Mermaid milestone of the "timeline" section */
    const char *cat; /* Chrome category: "timeline", "invariant", "pod", "node" */
};

struct vpod { /* what the stream said of a pod object */
    uint32_t row;
    bool scheduled, ran, terminating, gone, orphan_open;
};

struct vnode {
    struct vtrack api; /* the Ready condition: its segments' phase holds an enum cond */
    bool deleted;
};

struct vset { /* per StatefulSet: ordinal -> row index (NONE_ID) */
    uint32_t *row;
    uint32_t len;
};

struct views {
    struct sim *sim;
    char *scenario;
    uint64_t seed;
    int64_t end; /* TIME_NEVER until the run ended */
    struct vrow *rows;
    uint32_t nrows, rows_cap;
    struct vset *sets;
    uint32_t nsets;
    struct vpod *pods;
    uint32_t npods, pods_cap;
    struct vnode *nodes;
    char **node_names;
    uint32_t nnodes;
    struct vinst *insts;
    uint32_t ninsts, insts_cap;
    struct strbuf msg;
};

static const char *const cond_phase_names[] = {
    [COND_TRUE] = "Ready", [COND_FALSE] = "NotReady", [COND_UNKNOWN] = "Unknown"};

/* Start phase `ph` at t on the track, closing the open segment. Several changes at one
 * instant keep only where they ended up, so no segment is empty. */
static void track_set(struct vtrack *tr, enum view_phase ph, int64_t t, uint32_t pod, uint32_t node)
{
    if (tr->nsegs > 0 && tr->segs[tr->nsegs - 1].end == TIME_NEVER) {
        struct vseg *last = &tr->segs[tr->nsegs - 1];
        if (last->phase == ph && last->pod == pod) {
            last->node = node;
            return;
        }
        if (last->start == t) {
            tr->nsegs--;
            if (tr->nsegs > 0) {
                struct vseg *prev = &tr->segs[tr->nsegs - 1];
                if (prev->end == t && prev->phase == ph && prev->pod == pod) {
                    prev->end = TIME_NEVER;
                    prev->node = node;
                    return;
                }
            }
        } else {
            last->end = t;
        }
    }
    struct vseg seg = {t, TIME_NEVER, ph, pod, node};
    VEC_PUSH(tr->segs, tr->nsegs, tr->cap, seg);
}

static void track_close(struct vtrack *tr, int64_t t)
{
    if (tr->nsegs == 0 || tr->segs[tr->nsegs - 1].end != TIME_NEVER)
        return;
    struct vseg *last = &tr->segs[tr->nsegs - 1];
    if (last->start == t)
        tr->nsegs--; /* empty: drop it */
    else
        last->end = t;
}

static struct views *views_new(struct sim *sim)
{
    struct views *v = xcalloc(1, sizeof *v);
    const struct store *st = sim->store;
    v->sim = sim;
    v->scenario = xstrdup(sim->scn->name ? sim->scn->name : "");
    v->seed = sim->seed;
    v->end = TIME_NEVER;
    strbuf_init(&v->msg);
    v->nsets = st->nsets;
    v->sets = xcalloc(v->nsets ? v->nsets : 1, sizeof *v->sets);
    v->nnodes = st->nnodes;
    v->nodes = xcalloc(v->nnodes ? v->nnodes : 1, sizeof *v->nodes);
    v->node_names = xcalloc(v->nnodes ? v->nnodes : 1, sizeof *v->node_names);
    for (uint32_t i = 0; i < v->nnodes; i++) {
        v->node_names[i] = xstrdup(st->nodes[i].name);
        if (st->nodes[i].exists)
            track_set(&v->nodes[i].api, (enum view_phase)st->nodes[i].ready, 0, NONE_ID, NONE_ID);
    }
    return v;
}

static void views_free(struct views *v)
{
    if (v == NULL)
        return;
    for (uint32_t r = 0; r < v->nrows; r++) {
        free(v->rows[r].name);
        free(v->rows[r].api.segs);
        free(v->rows[r].orphan.segs);
    }
    free(v->rows);
    for (uint32_t i = 0; i < v->nsets; i++)
        free(v->sets[i].row);
    free(v->sets);
    free(v->pods);
    for (uint32_t i = 0; i < v->nnodes; i++) {
        free(v->nodes[i].api.segs);
        free(v->node_names[i]);
    }
    free(v->nodes);
    free(v->node_names);
    for (uint32_t i = 0; i < v->ninsts; i++) {
        free(v->insts[i].name);
        free(v->insts[i].detail);
    }
    free(v->insts);
    free(v->scenario);
    strbuf_fini(&v->msg);
    free(v);
}

static uint32_t row_of(struct views *v, uint32_t sts, int32_t ordinal, const char *name)
{
    if (sts >= v->nsets || ordinal < 0)
        return NONE_ID;
    struct vset *vs = &v->sets[sts];
    if ((uint32_t)ordinal >= vs->len) {
        uint32_t len = vs->len ? vs->len : 8;
        while (len <= (uint32_t)ordinal)
            len *= 2;
        vs->row = xrealloc(vs->row, len * sizeof *vs->row);
        for (uint32_t i = vs->len; i < len; i++)
            vs->row[i] = NONE_ID;
        vs->len = len;
    }
    if (vs->row[ordinal] != NONE_ID)
        return vs->row[ordinal];
    struct vrow row = {.sts = sts, .ordinal = ordinal, .name = xstrdup(name)};
    VEC_PUSH(v->rows, v->nrows, v->rows_cap, row);
    vs->row[ordinal] = v->nrows - 1;
    return v->nrows - 1;
}

static struct vpod *vpod_of(struct views *v, uint32_t pod)
{
    return pod < v->npods && v->pods[pod].row != NONE_ID ? &v->pods[pod] : NULL;
}

static void add_inst(struct views *v, const struct change *c, enum vinst_scope scope,
                     uint32_t track, const char *name, const char *detail, const char *cat)
{
    struct vinst in = {
        c->time, scope, track, xstrdup(name), xstrdup(detail ? detail : ""), scope == VI_GLOBAL,
        cat};
    VEC_PUSH(v->insts, v->ninsts, v->insts_cap, in);
}

/* The phase of a pod object from what was seen and the store now. A dead container is
 * not Ready even while the API still says Ready (a crashed node): the bar shows what the
 * identity's users see. */
static enum view_phase pod_phase(const struct vpod *vp, const struct pod *p)
{
    if (vp->terminating)
        return VP_TERMINATING;
    if (!vp->scheduled)
        return VP_PENDING;
    if (!vp->ran)
        return VP_CREATING;
    if (!p->runtime_live)
        return VP_NOT_READY;
    return p->ready ? VP_READY : VP_RUNNING;
}

static void on_pod_view(struct views *v, const struct change *c)
{
    const struct store *st = v->sim->store;
    if (c->obj >= st->npods)
        return;
    const struct pod *p = &st->pods[c->obj];
    if (c->reason == CH_POD_CREATED) {
        uint32_t r = row_of(v, p->sts, p->ordinal, p->name);
        if (r == NONE_ID)
            return;
        if (c->obj >= v->pods_cap) {
            size_t cap = v->pods_cap;
            grow_array((void **)&v->pods, &cap, (size_t)c->obj + 1, sizeof *v->pods);
            v->pods_cap = (uint32_t)cap;
        }
        for (; v->npods <= c->obj; v->npods++)
            v->pods[v->npods] = (struct vpod){.row = NONE_ID};
        v->pods[c->obj] = (struct vpod){.row = r};
        track_set(&v->rows[r].api, VP_PENDING, c->time, c->obj, NONE_ID);
        return;
    }
    struct vpod *vp = vpod_of(v, c->obj);
    if (vp == NULL)
        return;
    struct vrow *row = &v->rows[vp->row];
    if (vp->gone) {
        /* Only the runtime of a gone object still matters: its orphaned container. */
        if (c->reason == CH_POD_CONTAINER_DIED && vp->orphan_open) {
            track_close(&row->orphan, c->time);
            vp->orphan_open = false;
        }
        return;
    }
    switch (c->reason) {
    case CH_POD_SCHEDULED: vp->scheduled = true; break;
    case CH_POD_RUNNING:
    case CH_POD_CONTAINER_STARTED: vp->ran = true; break;
    case CH_POD_DELETE_REQUESTED: vp->terminating = true; break;
    case CH_ATTACH_MULTI:
        strbuf_reset(&v->msg);
        describe_change(v->sim, c, &v->msg);
        add_inst(v, c, VI_POD, vp->row, "Multi-Attach error", v->msg.buf, "pod");
        return;
    case CH_POD_GONE:
    case CH_POD_FORCE_DELETED:
        vp->gone = true;
        track_close(&row->api, c->time);
        if (p->runtime_live) {
            track_set(&row->orphan, VP_ORPHAN, c->time, c->obj, p->runtime_node);
            vp->orphan_open = true;
        }
        return;
    default: break;
    }
    track_set(&row->api, pod_phase(vp, p), c->time, c->obj, p->node);
}

/* "fault 0 nodeCrash node-a": the fault, and the node it resolved to or what it names. */
static void on_fault_view(struct views *v, const struct change *c)
{
    const struct scenario *scn = v->sim->scn;
    const struct store *st = v->sim->store;
    if (c->obj >= scn->nfaults)
        return;
    const struct scn_fault *f = &scn->faults[c->obj];
    struct strbuf name;
    strbuf_init(&name);
    strbuf_printf(&name, "fault %u %s", c->obj, fault_do_name(f->what));
    if (f->pod)
        strbuf_printf(&name, " %s", f->pod);
    else if (f->claim)
        strbuf_printf(&name, " %s", f->claim);
    else if (f->zone)
        strbuf_printf(&name, " %s", f->zone);
    else if (c->node != NONE_ID && c->node < st->nnodes)
        strbuf_printf(&name, " %s", st->nodes[c->node].name);
    else if (f->statefulset)
        strbuf_printf(&name, " %s", f->statefulset);
    if (!c->b)
        strbuf_puts(&name, " (not applied)");
    strbuf_reset(&v->msg);
    describe_change(v->sim, c, &v->msg);
    add_inst(v, c, VI_GLOBAL, NONE_ID, name.buf, v->msg.buf, "timeline");
    strbuf_fini(&name);
}

static void on_node_view(struct views *v, const struct change *c)
{
    if (c->obj >= v->nnodes)
        return;
    struct vnode *vn = &v->nodes[c->obj];
    switch (c->reason) {
    case CH_NODE_READY:
    case CH_NODE_NOT_READY:
    case CH_NODE_UNKNOWN:
        if (!vn->deleted)
            track_set(&vn->api, (enum view_phase)v->sim->store->nodes[c->obj].ready, c->time,
                      NONE_ID, NONE_ID);
        return;
    case CH_NODE_DELETED:
        vn->deleted = true;
        track_close(&vn->api, c->time);
        break;
    case CH_NODE_TAINTED:
    case CH_NODE_UNTAINTED:
    case CH_NODE_CRASHED:
    case CH_NODE_SHUTTING_DOWN:
    case CH_NODE_POWERED_OFF:
    case CH_NODE_PARTITIONED:
    case CH_NODE_HEALED:
    case CH_NODE_BOOTING:
    case CH_KUBELET_STARTED:
    case CH_NODE_CORDONED:
    case CH_NODE_UNCORDONED: break;
    default: return;
    }
    strbuf_reset(&v->msg);
    describe_change(v->sim, c, &v->msg);
    add_inst(v, c, VI_NODE, c->obj, change_reason_name(c->reason), v->msg.buf, "node");
}

static void views_on_change(struct views *v, const struct change *c)
{
    if (v->end != TIME_NEVER)
        return;
    switch (c->reason) {
    case CH_RUN_END:
        v->end = c->time;
        for (uint32_t r = 0; r < v->nrows; r++) {
            track_close(&v->rows[r].api, c->time);
            track_close(&v->rows[r].orphan, c->time);
        }
        for (uint32_t i = 0; i < v->nnodes; i++)
            track_close(&v->nodes[i].api, c->time);
        return;
    case CH_FAULT: on_fault_view(v, c); return;
    case CH_VIOLATION: {
        char name[96];
        snprintf(name, sizeof name, "violation %s",
                 c->a < INV_COUNT ? invariant_name((enum invariant)c->a) : "?");
        add_inst(v, c, VI_GLOBAL, NONE_ID, name, c->text, "invariant");
        return;
    }
    default: break;
    }
    if (c->kind == KIND_POD)
        on_pod_view(v, c);
    else if (c->kind == KIND_NODE)
        on_node_view(v, c);
}

/* Row indexes by StatefulSet, then ordinal, from the per-set index. */
static uint32_t *sorted_rows(const struct views *v)
{
    uint32_t *out = xmalloc((v->nrows ? v->nrows : 1) * sizeof *out);
    uint32_t n = 0;
    for (uint32_t s = 0; s < v->nsets; s++)
        for (uint32_t o = 0; o < v->sets[s].len; o++)
            if (v->sets[s].row[o] != NONE_ID)
                out[n++] = v->sets[s].row[o];
    return out;
}

/* --- Chrome trace event format (https://ui.perfetto.dev, chrome://tracing) ------------- */

enum { PID_PODS = 1, PID_NODES = 2, TID_ORPHAN_BASE = 1000 };

/* Microseconds from nanoseconds, exact: "120000000", "170619.494". */
static void put_us(struct strbuf *o, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    strbuf_printf(o, "%lld", (long long)(ns / 1000));
    int rem = (int)(ns % 1000);
    if (rem) {
        char d[8];
        snprintf(d, sizeof d, "%03d", rem);
        for (int k = 2; k > 0 && d[k] == '0'; k--)
            d[k] = '\0';
        strbuf_printf(o, ".%s", d);
    }
}

static void chrome_meta(struct strbuf *o, const char *what, int pid, int tid, const char *key,
                        const char *name, int sort)
{
    strbuf_printf(o,
                  ",\n{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"args\":{\"%s\":", what,
                  pid, tid, key);
    if (name)
        strbuf_json_string(o, name);
    else
        strbuf_printf(o, "%d", sort);
    strbuf_puts(o, "}}");
}

static void chrome_track(struct views *v, struct strbuf *o, const struct vtrack *tr, int pid,
                         int tid, const char *cat)
{
    const struct store *st = v->sim->store;
    for (uint32_t i = 0; i < tr->nsegs; i++) {
        const struct vseg *s = &tr->segs[i];
        int64_t end = s->end == TIME_NEVER ? v->end : s->end;
        if (end == TIME_NEVER || end <= s->start)
            continue;
        const char *name =
            pid == PID_NODES ? cond_phase_names[s->phase] : view_phase_names[s->phase];
        strbuf_puts(o, ",\n{\"name\":");
        strbuf_json_string(o, name);
        strbuf_printf(o, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":", cat);
        put_us(o, s->start);
        strbuf_puts(o, ",\"dur\":");
        put_us(o, end - s->start);
        strbuf_printf(o, ",\"pid\":%d,\"tid\":%d", pid, tid);
        if (s->pod != NONE_ID) {
            strbuf_printf(o, ",\"args\":{\"pod\":");
            strbuf_json_string(o, st->pods[s->pod].name);
            strbuf_printf(o, ",\"uid\":%u,\"node\":", s->pod);
            strbuf_json_string(o, s->node != NONE_ID ? v->node_names[s->node] : "");
            strbuf_putc(o, '}');
        }
        strbuf_putc(o, '}');
    }
}

static void chrome_build(struct views *v, struct strbuf *o)
{
    uint32_t *order = sorted_rows(v);
    uint32_t *tid_of = xmalloc((v->nrows ? v->nrows : 1) * sizeof *tid_of);
    for (uint32_t k = 0; k < v->nrows; k++)
        tid_of[order[k]] = k + 1;
    strbuf_puts(o, "{\"traceEvents\":[\n");
    strbuf_printf(o,
                  "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,"
                  "\"args\":{\"name\":\"pods\"}}",
                  PID_PODS);
    chrome_meta(o, "process_sort_index", PID_PODS, 0, "sort_index", NULL, 1);
    chrome_meta(o, "process_name", PID_NODES, 0, "name", "nodes", 0);
    chrome_meta(o, "process_sort_index", PID_NODES, 0, "sort_index", NULL, 2);
    for (uint32_t k = 0; k < v->nrows; k++) {
        const struct vrow *r = &v->rows[order[k]];
        chrome_meta(o, "thread_name", PID_PODS, (int)(k + 1), "name", r->name, 0);
        chrome_meta(o, "thread_sort_index", PID_PODS, (int)(k + 1), "sort_index", NULL,
                    (int)(k + 1));
        if (r->orphan.nsegs) {
            char name[160];
            snprintf(name, sizeof name, "%s (orphaned container)", r->name);
            int tid = TID_ORPHAN_BASE + (int)(k + 1);
            chrome_meta(o, "thread_name", PID_PODS, tid, "name", name, 0);
            chrome_meta(o, "thread_sort_index", PID_PODS, tid, "sort_index", NULL, (int)(k + 1));
        }
    }
    for (uint32_t i = 0; i < v->nnodes; i++) {
        chrome_meta(o, "thread_name", PID_NODES, (int)(i + 1), "name", v->node_names[i], 0);
        chrome_meta(o, "thread_sort_index", PID_NODES, (int)(i + 1), "sort_index", NULL,
                    (int)(i + 1));
    }
    for (uint32_t k = 0; k < v->nrows; k++) {
        const struct vrow *r = &v->rows[order[k]];
        chrome_track(v, o, &r->api, PID_PODS, (int)(k + 1), "pod");
        chrome_track(v, o, &r->orphan, PID_PODS, TID_ORPHAN_BASE + (int)(k + 1), "pod");
    }
    for (uint32_t i = 0; i < v->nnodes; i++)
        chrome_track(v, o, &v->nodes[i].api, PID_NODES, (int)(i + 1), "node");
    for (uint32_t i = 0; i < v->ninsts; i++) {
        const struct vinst *in = &v->insts[i];
        strbuf_puts(o, ",\n{\"name\":");
        strbuf_json_string(o, in->name);
        strbuf_puts(o, ",\"ph\":\"i\",\"ts\":");
        put_us(o, in->t);
        if (in->scope == VI_GLOBAL)
            strbuf_printf(o, ",\"s\":\"g\",\"cat\":\"%s\",\"pid\":%d,\"tid\":0", in->cat, PID_PODS);
        else
            strbuf_printf(o, ",\"s\":\"t\",\"cat\":\"%s\",\"pid\":%d,\"tid\":%u", in->cat,
                          in->scope == VI_POD ? PID_PODS : PID_NODES,
                          in->scope == VI_POD ? tid_of[in->track] : in->track + 1);
        strbuf_puts(o, ",\"args\":{\"message\":");
        strbuf_json_string(o, in->detail);
        strbuf_puts(o, "}}");
    }
    strbuf_puts(o, "\n],\n\"displayTimeUnit\":\"ms\",\"otherData\":{\"scenario\":");
    strbuf_json_string(o, v->scenario);
    strbuf_printf(o, ",\"seed\":%llu}}\n", (unsigned long long)v->seed);
    free(tid_of);
    free(order);
}

/* --- Mermaid gantt ----------------------------------------------------------------------- */

/* A task name: Mermaid ends it at ':' and reads '#' and ';' as syntax. */
static void mermaid_name(struct strbuf *o, const char *s)
{
    for (; *s; s++)
        strbuf_putc(o, (*s == ':' || *s == '#' || *s == ';' || *s == '\n') ? ' ' : *s);
}

/* Seconds with milliseconds, for dateFormat X: "170.619". */
static void mermaid_time(struct strbuf *o, int64_t ns)
{
    if (ns < 0)
        ns = 0;
    int64_t ms = ns / 1000000;
    strbuf_printf(o, "%lld.%03d", (long long)(ms / 1000), (int)(ms % 1000));
}

/* One instant as a gantt milestone; tag is "" or "crit, ". */
static void mermaid_milestone(struct strbuf *o, const struct vinst *in, const char *tag)
{
    strbuf_puts(o, "    ");
    mermaid_name(o, in->name);
    strbuf_printf(o, " :milestone, %s", tag);
    mermaid_time(o, in->t);
    strbuf_puts(o, ", ");
    mermaid_time(o, in->t);
    strbuf_putc(o, '\n');
}

static void mermaid_track(struct views *v, struct strbuf *o, const struct vtrack *tr,
                          const char *suffix)
{
    for (uint32_t i = 0; i < tr->nsegs; i++) {
        const struct vseg *s = &tr->segs[i];
        int64_t end = s->end == TIME_NEVER ? v->end : s->end;
        /* A bar shorter than a millisecond would print as zero width. */
        if (end == TIME_NEVER || end / 1000000 <= s->start / 1000000)
            continue;
        strbuf_puts(o, "    ");
        mermaid_name(o, view_phase_names[s->phase]);
        if (s->node != NONE_ID) {
            strbuf_puts(o, " on ");
            mermaid_name(o, v->node_names[s->node]);
        }
        strbuf_puts(o, suffix);
        strbuf_printf(o, " :%s", view_phase_tags[s->phase]);
        mermaid_time(o, s->start);
        strbuf_puts(o, ", ");
        mermaid_time(o, end);
        strbuf_putc(o, '\n');
    }
}

static void mermaid_build(struct views *v, struct strbuf *o)
{
    uint32_t *order = sorted_rows(v);
    /* Each row's instants, in time order: a list through next[], heads by row. */
    uint32_t *head = xmalloc((v->nrows ? v->nrows : 1) * sizeof *head);
    uint32_t *next = xmalloc((v->ninsts ? v->ninsts : 1) * sizeof *next);
    for (uint32_t r = 0; r < v->nrows; r++)
        head[r] = NONE_ID;
    for (uint32_t i = v->ninsts; i-- > 0;) {
        if (v->insts[i].scope != VI_POD)
            continue;
        next[i] = head[v->insts[i].track];
        head[v->insts[i].track] = i;
    }
    strbuf_puts(o, "gantt\n    title ");
    mermaid_name(o, v->scenario);
    strbuf_printf(o, " (seed %llu)\n", (unsigned long long)v->seed);
    strbuf_puts(o, "    dateFormat X\n    axisFormat %M:%S\n    todayMarker off\n");
    for (uint32_t k = 0; k < v->nrows; k++) {
        const struct vrow *r = &v->rows[order[k]];
        strbuf_puts(o, "    section ");
        mermaid_name(o, r->name);
        strbuf_putc(o, '\n');
        mermaid_track(v, o, &r->api, "");
        mermaid_track(v, o, &r->orphan, " (object gone)");
        for (uint32_t i = head[order[k]]; i != NONE_ID; i = next[i]) {
            mermaid_milestone(o, &v->insts[i], "");
        }
    }
    bool any = false;
    for (uint32_t i = 0; i < v->ninsts; i++) {
        const struct vinst *in = &v->insts[i];
        if (in->scope != VI_GLOBAL)
            continue;
        if (!any)
            strbuf_puts(o, "    section timeline\n");
        any = true;
        mermaid_milestone(o, in, "crit, ");
    }
    free(next);
    free(head);
    free(order);
}

static void views_build(struct views *v, enum trace_format fmt, struct strbuf *out)
{
    /* A trace read before the run ended shows what was seen so far. */
    if (v->end == TIME_NEVER) {
        struct change c = {.time = v->sim->now, .reason = CH_RUN_END};
        views_on_change(v, &c);
    }
    strbuf_reset(out);
    if (fmt == TRACE_CHROME)
        chrome_build(v, out);
    else
        mermaid_build(v, out);
}
