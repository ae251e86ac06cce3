/* Fixtures several unit tests share: hand-built scenarios whose Kubernetes settings and
 * timings are the loader's upstream defaults (scenario_kubernetes_defaults,
 * scenario_timing_defaults), and two harnesses built on them. Linked into every unit test. */
#ifndef SSSIM_TEST_FIXTURE_H
#define SSSIM_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/* --- Scenario parts ------------------------------------------------------------------- */

/* Name, seed and horizon of s, at most 50,000,000 events, and every Kubernetes setting
 * (v1.34) and timing at its upstream default. */
void fixture_scenario(struct scenario *s, const char *name, uint64_t seed, int64_t until);
/* A node with the default allocatable resources: 4 CPUs, 16 GiB, 110 pods. */
void fixture_node(struct scn_node *n, const char *name, const char *zone);
/* Load scenarios/<name>.json of the source tree (SSSIM_SOURCE_DIR), or skip the test
 * without one. The caller frees the result with scenario_free. */
struct scenario *fixture_load(const char *name);

/* --- One StatefulSet on a few nodes, the change stream logged ------------------------- */

#define FIXTURE_MAX_NODES 8

struct log_entry {
    int64_t time;
    uint64_t seq;
    enum change_reason reason;
    uint32_t obj, node, a;
    int64_t b;
    const char *key; /* taint key for Tainted / Untainted */
    char text[96];   /* the Fault message */
};

struct change_log {
    struct log_entry *e;
    size_t n, cap;
    const struct store *st;
};

struct fixture {
    struct scenario scn;
    struct scn_node *nodes; /* scn.nnodes of them, owned */
    char (*names)[16];      /* node names made up by the test, owned (NULL: none) */
    struct scn_statefulset set;
    struct scn_container container;
    struct sim *sim;
    struct change_log *log;
};

/* Scenario `name` (fixture_scenario) of n nodes, fx->nodes, zeroed for the caller to fill
 * (fixture_node). */
void fixture_begin(struct fixture *fx, const char *name, uint64_t seed, int64_t until, uint32_t n);
/* Its one StatefulSet `set` (serviceName `set`) of `replicas` pods running one container
 * `set` of `image`, keeping 10 revisions, with a 30 s termination grace; no pods yet. */
void fixture_add_set(struct fixture *fx, const char *set, const char *image, int32_t replicas);
/* Scenario `name` (seed, 4000 s) of nzones zones (zone-a, zone-b, zone-c at most) of
 * per_zone nodes each, named node-<i>; node i is in zone i / per_zone, so the nodes of zone
 * z are z * per_zone ... (z + 1) * per_zone - 1. One StatefulSet "db" without pods. */
void fixture_zoned(struct fixture *fx, const char *name, uint64_t seed, uint32_t nzones,
                   uint32_t per_zone);
/* Scenario `name` of n nodes node-a, node-b, ... (n <= FIXTURE_MAX_NODES), zones[i] being
 * node i's zone, seed 7, 40 min, and the StatefulSet "web" of 3 replicas (nginx). */
void fixture_init(struct fixture *fx, const char *name, uint32_t n, const char *const *zones);
/* The sim of the scenario, its change stream recorded in fx->log. */
void fixture_start(struct fixture *fx);
void fixture_fini(struct fixture *fx);
/* Pop events up to `until`, giving only `module`'s to `on_event`; returns how many it got. */
size_t fixture_run_until(struct sim *sim, enum sim_module module,
                         void (*on_event)(struct sim *, const struct event *), int64_t until);
/* A pod (set 0, ordinal) bound to `node`, Running and Ready. */
uint32_t fixture_add_pod(struct fixture *fx, int32_t ordinal, uint32_t node);

/* Time of the first change matching, or -1. key NULL matches any; effect 0 matches any. */
int64_t log_first(const struct change_log *l, enum change_reason r, uint32_t obj, const char *key,
                  enum taint_effect effect);
/* How many changes match; key NULL matches any, effect 0 matches any. */
size_t log_count(const struct change_log *l, enum change_reason r, const char *key,
                 enum taint_effect effect);

/* --- The control plane of scheduling and storage: scheduler, attach/detach, volumes --- */

struct cp_rec {
    int64_t time;
    enum change_reason reason;
    uint32_t obj, node, a;
    int64_t b;
    char *text;
};

struct cp_fx {
    struct scenario scn;
    struct scn_node nodes[6];
    struct scn_statefulset sets[3];
    struct scn_container ctr[3];
    struct scn_claim_template claim;
    struct scn_storage_class classes[2];
    struct taint taints[6];
    struct sim_options opts;
    struct sim *sim;
    struct cp_rec *recs;
    uint32_t nrecs;
    size_t recs_cap;
};

/* Every Kubernetes setting and timing at its upstream default; the attach and detach
 * latencies, distributions upstream, are constants at their median so that times can be
 * checked. Add nodes, sets and classes, then cp_start. */
struct cp_fx *cp_new(void);
void cp_add_node(struct cp_fx *f, const char *name, const char *zone);
/* A set of 3 pods each requesting `cpu` millicores, with one claim template of class `cls`
 * (NULL: no claims); returns its index. */
uint32_t cp_add_set(struct cp_fx *f, const char *name, int64_t cpu, const char *cls);
void cp_add_class(struct cp_fx *f, const char *name, enum binding_mode b, const char **zones,
                  uint32_t nzones);
/* The sim, recording every change (with its text), and the three controllers started. */
void cp_start(struct cp_fx *f);
void cp_free(struct cp_fx *f);
/* Run the three controllers' events up to t. */
void cp_run_until(struct cp_fx *f, int64_t t);
uint32_t cp_count(const struct cp_fx *f, enum change_reason r, uint32_t obj);
/* The k-th change (from 0) of reason r on obj, or NULL. */
const struct cp_rec *cp_nth(const struct cp_fx *f, enum change_reason r, uint32_t obj, uint32_t k);
uint32_t cp_create_pod(struct cp_fx *f, uint32_t set, int32_t ordinal);

#endif
