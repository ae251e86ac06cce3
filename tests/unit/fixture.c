/* Fixtures several unit tests share (fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "controllers/attachdetach.h"
#include "controllers/scheduler.h"
#include "controllers/volumes.h"
#include "engine/simtime.h"
#include "util/util.h"

/* --- Scenario parts ------------------------------------------------------------------- */

void fixture_scenario(struct scenario *s, const char *name, uint64_t seed, int64_t until)
{
    s->name = name;
    s->seed = seed;
    s->until = until;
    s->max_events = 50000000;
    scenario_kubernetes_defaults(&s->k8s, NULL);
    scenario_timing_defaults(&s->timings);
}

void fixture_node(struct scn_node *n, const char *name, const char *zone)
{
    n->name = name;
    n->zone = zone;
    n->allocatable = (struct resources){4000, INT64_C(16) << 30, 110};
}

/* A StatefulSet `name` (serviceName `name`) of `replicas` pods that run the one container
 * `ctr`, keeping 10 revisions, with a 30 s termination grace. */
static void fixture_statefulset(struct scn_statefulset *ss, struct scn_container *ctr,
                                const char *name, int32_t replicas)
{
    ss->name = name;
    ss->service_name = name;
    ss->replicas = replicas;
    ss->revision_history_limit = 10;
    ss->template_.containers = ctr;
    ss->template_.ncontainers = 1;
    ss->template_.termination_grace_ns = SEC(30);
}

struct scenario *fixture_load(const char *name)
{
    const char *src = getenv("SSSIM_SOURCE_DIR");
    if (src == NULL || *src == '\0') {
        fprintf(stderr, "SSSIM_SOURCE_DIR is not set: skipped\n");
        skip();
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/%s.json", src, name);
    struct scn_error err;
    memset(&err, 0, sizeof err);
    struct scenario *scn = scenario_load(path, NULL, 0, &err);
    if (scn == NULL) {
        char line[1600];
        scn_error_format(&err, line, sizeof line);
        fail_msg("cannot load %s: %s", path, line);
    }
    return scn;
}

/* --- One StatefulSet on a few nodes, the change stream logged ------------------------- */

static const char *const NODE_NAMES[FIXTURE_MAX_NODES] = {"node-a", "node-b", "node-c", "node-d",
                                                          "node-e", "node-f", "node-g", "node-h"};

void fixture_begin(struct fixture *fx, const char *name, uint64_t seed, int64_t until, uint32_t n)
{
    memset(fx, 0, sizeof *fx);
    fixture_scenario(&fx->scn, name, seed, until);
    fx->nodes = xcalloc(n, sizeof *fx->nodes);
    fx->scn.nodes = fx->nodes;
    fx->scn.nnodes = n;
}

void fixture_add_set(struct fixture *fx, const char *set, const char *image, int32_t replicas)
{
    fx->container = (struct scn_container){.name = set, .image = image};
    fixture_statefulset(&fx->set, &fx->container, set, replicas);
    fx->scn.statefulsets = &fx->set;
    fx->scn.nstatefulsets = 1;
}

void fixture_zoned(struct fixture *fx, const char *name, uint64_t seed, uint32_t nzones,
                   uint32_t per_zone)
{
    static const char *const zones[] = {"zone-a", "zone-b", "zone-c"};
    uint32_t n = nzones * per_zone;
    fixture_begin(fx, name, seed, SEC(4000), n);
    fx->names = calloc(n, sizeof *fx->names);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(fx->names[i], sizeof fx->names[i], "node-%u", i);
        fixture_node(&fx->nodes[i], fx->names[i], zones[i / per_zone]);
    }
    fixture_add_set(fx, "db", "postgres", 1);
}

void fixture_init(struct fixture *fx, const char *name, uint32_t n, const char *const *zones)
{
    fixture_begin(fx, name, 7, SEC(2400), n);
    for (uint32_t i = 0; i < n; i++)
        fixture_node(&fx->nodes[i], NODE_NAMES[i], zones[i]);
    fixture_add_set(fx, "web", "nginx", 3);
}

static void record_log(void *ctx, const struct change *c)
{
    struct change_log *l = ctx;
    struct log_entry e = {c->time, c->seq, c->reason, c->obj, c->node, c->a, c->b, NULL, ""};
    if (c->reason == CH_FAULT && c->text)
        snprintf(e.text, sizeof e.text, "%s", c->text);
    if (c->reason == CH_NODE_TAINTED)
        e.key = l->st->nodes[c->obj].taints[c->a].taint.key;
    else if (c->reason == CH_NODE_UNTAINTED)
        e.key = c->text;
    VEC_PUSH(l->e, l->n, l->cap, e);
}

void fixture_start(struct fixture *fx)
{
    fx->sim = sim_new(&fx->scn, NULL);
    fx->log = xcalloc(1, sizeof *fx->log);
    fx->log->st = fx->sim->store;
    store_watch(fx->sim->store, record_log, fx->log);
}

void fixture_fini(struct fixture *fx)
{
    sim_free(fx->sim);
    free(fx->log->e);
    free(fx->log);
    free(fx->nodes);
    free(fx->names);
}

size_t fixture_run_until(struct sim *sim, enum sim_module module,
                         void (*on_event)(struct sim *, const struct event *), int64_t until)
{
    struct event ev;
    size_t n = 0;
    while (queue_peek_time(sim->q) <= until && queue_pop(sim->q, &ev)) {
        sim->now = ev.time;
        if (ev.module == module) {
            on_event(sim, &ev);
            n++;
        }
    }
    if (sim->now < until)
        sim->now = until;
    return n;
}

uint32_t fixture_add_pod(struct fixture *fx, int32_t ordinal, uint32_t node)
{
    struct store *st = fx->sim->store;
    uint32_t pod = store_pod_create(st, 0, ordinal, NONE_ID);
    store_pod_bind(st, pod, node);
    store_pod_set_phase(st, pod, PHASE_RUNNING, "Running");
    store_pod_set_ready(st, pod, true);
    return pod;
}

static bool log_matches(const struct log_entry *e, enum change_reason r, const char *key,
                        enum taint_effect effect)
{
    return e->reason == r && (!key || (e->key && strcmp(e->key, key) == 0)) &&
           (effect == EFFECT_NONE || e->b == effect);
}

int64_t log_first(const struct change_log *l, enum change_reason r, uint32_t obj, const char *key,
                  enum taint_effect effect)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].obj == obj && log_matches(&l->e[i], r, key, effect))
            return l->e[i].time;
    return -1;
}

size_t log_count(const struct change_log *l, enum change_reason r, const char *key,
                 enum taint_effect effect)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        k += log_matches(&l->e[i], r, key, effect);
    return k;
}

/* --- The control plane of scheduling and storage -------------------------------------- */

static void record_cp(void *ctx, const struct change *c)
{
    struct cp_fx *f = ctx;
    struct cp_rec r = {
        c->time, c->reason, c->obj, c->node, c->a, c->b, c->text ? xstrdup(c->text) : NULL};
    VEC_PUSH(f->recs, f->nrecs, f->recs_cap, r);
}

struct cp_fx *cp_new(void)
{
    struct cp_fx *f = xcalloc(1, sizeof *f);
    fixture_scenario(&f->scn, "test", 7, SEC(2400));
    f->scn.timings.attach = dist_constant(SEC(8));
    f->scn.timings.detach = dist_constant(SEC(5));
    return f;
}

void cp_add_node(struct cp_fx *f, const char *name, const char *zone)
{
    fixture_node(&f->nodes[f->scn.nnodes++], name, zone);
}

uint32_t cp_add_set(struct cp_fx *f, const char *name, int64_t cpu, const char *cls)
{
    uint32_t i = f->scn.nstatefulsets++;
    struct scn_statefulset *ss = &f->sets[i];
    f->ctr[i] = (struct scn_container){.name = "app", .image = "nginx:1", .requests = {cpu, 0, 0}};
    fixture_statefulset(ss, &f->ctr[i], name, 3);
    ss->namespace_ = "default";
    if (cls) {
        f->claim = (struct scn_claim_template){"data", ACCESS_RWO, INT64_C(1) << 30, cls};
        ss->claims = &f->claim;
        ss->nclaims = 1;
    }
    return i;
}

void cp_add_class(struct cp_fx *f, const char *name, enum binding_mode b, const char **zones,
                  uint32_t nzones)
{
    struct scn_storage_class *c = &f->classes[f->scn.nstorage_classes++];
    c->name = name;
    c->binding = b;
    c->zones = zones;
    c->nzones = nzones;
}

void cp_start(struct cp_fx *f)
{
    f->scn.nodes = f->nodes;
    f->scn.statefulsets = f->sets;
    f->scn.storage_classes = f->classes;
    f->sim = sim_new(&f->scn, &f->opts);
    f->sim->store->want_text = true;
    store_watch(f->sim->store, record_cp, f);
    sched_start(f->sim);
    adc_start(f->sim);
    volumes_start(f->sim);
}

void cp_free(struct cp_fx *f)
{
    sim_free(f->sim);
    for (uint32_t i = 0; i < f->nrecs; i++)
        free(f->recs[i].text);
    free(f->recs);
    free(f);
}

static void cp_dispatch(struct sim *sim, const struct event *ev)
{
    switch (ev->module) {
    case MOD_SCHED: sched_on_event(sim, ev); break;
    case MOD_ADC: adc_on_event(sim, ev); break;
    case MOD_VOLUMES: volumes_on_event(sim, ev); break;
    default: break;
    }
}

void cp_run_until(struct cp_fx *f, int64_t t)
{
    struct event ev;
    while (queue_peek_time(f->sim->q) <= t) {
        queue_pop(f->sim->q, &ev);
        f->sim->now = ev.time;
        cp_dispatch(f->sim, &ev);
    }
    f->sim->now = t;
}

uint32_t cp_count(const struct cp_fx *f, enum change_reason r, uint32_t obj)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->nrecs; i++)
        n += f->recs[i].reason == r && f->recs[i].obj == obj;
    return n;
}

const struct cp_rec *cp_nth(const struct cp_fx *f, enum change_reason r, uint32_t obj, uint32_t k)
{
    for (uint32_t i = 0; i < f->nrecs; i++)
        if (f->recs[i].reason == r && f->recs[i].obj == obj && k-- == 0)
            return &f->recs[i];
    return NULL;
}

uint32_t cp_create_pod(struct cp_fx *f, uint32_t set, int32_t ordinal)
{
    uint32_t pod = store_pod_create(f->sim->store, set, ordinal, NONE_ID);
    assert_int_not_equal(pod, NONE_ID);
    return pod;
}
