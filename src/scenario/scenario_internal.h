/* Private to src/scenario: the loader's context, JSON paths, typed access to cJSON fields
 * with error reporting, and the entry points of the loader's parts. Nothing outside
 * src/scenario includes this (it is the only place that sees cJSON). */
#ifndef SSSIM_SCENARIO_INTERNAL_H
#define SSSIM_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "scenario/scenario.h"

/* Room for a JSON path; a longer one is cut (only error messages see it whole). */
#define JP_MAX 512

/* Limits the format promises (docs/scenario-reference.md). */
#define SCN_MAX_REPLICAS 1000000
#define SCN_MAX_COUNT 100000                /* nodes in a pool, samples of a distribution */
#define SCN_MAX_SAFE_INT 9007199254740992.0 /* 2^53: every integer below is exact */

/* One load in progress. The scenario under construction owns every allocation made so far,
 * so an error anywhere leaves it ready for scenario_free. */
struct scn_ctx {
    struct scenario *s;
    struct scn_error *err;
    bool failed;
    size_t nodes_cap;
    size_t classes_cap;
    size_t ignored_cap;
    size_t warnings_cap;
};

/* --- JSON paths (json_util.c) --------------------------------------------------------- */

/* parent + ".key" (or "[\"key\"]" for keys that are not identifiers) into buf[JP_MAX]. */
const char *jp_key(char *buf, const char *parent, const char *key);
/* parent + "[i]" into buf[JP_MAX]. */
const char *jp_index(char *buf, const char *parent, size_t i);

/* --- Errors, warnings, ignored fields (json_util.c) ----------------------------------- */

/* Record the first error of the load; later ones are dropped. Always returns -1 so that a
 * caller can `return scn_fail(...)`. found_fmt may be NULL for "nothing to show". */
int scn_fail(struct scn_ctx *c, const char *path, const char *expected, const char *found_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Same, with `found` describing the JSON value v (NULL: "nothing"). */
int scn_fail_value(struct scn_ctx *c, const char *path, const char *expected, const cJSON *v);
/* A short one-line rendering of a value: "\"abc\"", "12", "an object", "nothing". */
void scn_describe(const cJSON *v, char *buf, size_t size);
/* Note a Kubernetes field that is accepted but not modelled (each path once). */
void scn_ignore(struct scn_ctx *c, const char *path);
void scn_warn(struct scn_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- Fields of an object (json_util.c) ------------------------------------------------ */

enum scn_field_use {
    FIELD_USED,    /* read by the loader */
    FIELD_IGNORED, /* a Kubernetes field sssim does not model: listed in s->ignored */
    FIELD_SILENT,  /* accepted without a note (a probe's handler, annotations) */
};
struct scn_field {
    const char *name;
    enum scn_field_use use;
};
/* Check that v is an object whose keys all appear in fields (terminated by {NULL}), each
 * once; note the ignored ones. `what` names the object in messages ("a container"). */
int scn_check_object(struct scn_ctx *c, const cJSON *v, const char *path, const char *what,
                     const struct scn_field *fields);
/* The name in fields closest to word (at most two edits away), for "did you mean", or NULL. */
const char *scn_suggest(const char *word, const struct scn_field *fields);

/* --- Typed values (json_util.c, json_values.c) ---------------------------------------- *
 * The scn_get_* functions read obj[key] (path is obj's path) and return 0 when the field is
 * present and valid (*out set), 1 when it is absent or null (*out untouched), -1 on error.
 * The scn_*_value functions check a value already in hand, at its own path: 0 or -1. */

const cJSON *scn_field(const cJSON *obj, const char *key);

int scn_get_object(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   const cJSON **out);
int scn_get_array(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                  const cJSON **out);
int scn_string_value(struct scn_ctx *c, const cJSON *v, const char *path, const char **out);
int scn_get_string(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   const char **out);
/* A string that must be present and non-empty; `what` says what it is for. */
int scn_require_string(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                       const char *what, const char **out);
int scn_get_bool(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path, bool *out);
int scn_int_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t min, int64_t max,
                  int64_t *out);
int scn_get_int(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path, int64_t min,
                int64_t max, int64_t *out);
int scn_get_int32(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                  int32_t min, int32_t max, int32_t *out);
int scn_get_number(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   double min, double max, double *out);
/* One of the strings of names[] (terminated by NULL); *out is its index. */
int scn_get_enum(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                 const char *const *names, int *out);

int scn_duration_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t *out);
int scn_get_duration(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                     int64_t *out);
/* A duration that must be above zero (periods: a zero period would never advance). */
int scn_get_period(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                   int64_t *out);
/* Whole seconds as Kubernetes writes them (terminationGracePeriodSeconds), in ns. */
int scn_get_seconds(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                    int64_t min_s, int64_t *out_ns);
/* A duration (constant) or a distribution object. On success the old *out is released. */
int scn_latency_value(struct scn_ctx *c, const cJSON *v, const char *path, struct dist *out);
int scn_get_latency(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                    struct dist *out);

/* Kubernetes quantities: "500m", "2", 0.5 (cores) -> millicores; "16Gi", "1G", bytes. */
int scn_cpu_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t *milli);
int scn_bytes_value(struct scn_ctx *c, const cJSON *v, const char *path, int64_t *bytes);

/* An object of string values (labels, nodeSelector). out NULL: check only. The array is
 * malloc'd; the caller hangs it on the scenario at once. */
int scn_get_string_map(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                       struct kv **out, uint32_t *n);
/* An array of strings. out NULL: check only. */
int scn_get_string_array(struct scn_ctx *c, const cJSON *obj, const char *key, const char *path,
                         const char ***out, uint32_t *n);

enum scn_name_kind {
    NAME_DNS_LABEL,     /* RFC 1123 label: pods, containers, StatefulSets */
    NAME_DNS_1035,      /* RFC 1035 label: Services (must start with a letter) */
    NAME_DNS_SUBDOMAIN, /* RFC 1123 subdomain: nodes, claims, storage classes */
};
/* Check an object name as the API server would; `what` names it in the message. */
int scn_check_name(struct scn_ctx *c, const char *path, const char *name, enum scn_name_kind kind,
                   const char *what);
/* A taint as "key=value:Effect" or {"key", "value", "effect"}. */
int scn_taint_value(struct scn_ctx *c, const cJSON *v, const char *path, struct taint *out);

/* --- Shared lookups (parse_faults.c) -------------------------------------------------- */

/* Resolve "<set>-<ordinal>" to a StatefulSet of the scenario; on failure fill why[] with a
 * reason for the message and return -1. */
int scn_find_pod(const struct scenario *s, const char *pod, uint32_t *set, int32_t *ordinal,
                 char *why, size_t why_size);
int scn_find_statefulset(const struct scenario *s, const char *name);

/* --- Metadata of an object (parse_objects.c) ------------------------------------------ */

enum {
    META_NAME = 1 << 0,
    META_NAMESPACE = 1 << 1,
    META_LABELS = 1 << 2,
    META_ANNOTATIONS = 1 << 3,
};
struct scn_meta {
    const char *name;       /* NULL when absent */
    const char *namespace_; /* "default" when absent */
    struct kv *labels;      /* malloc'd when META_LABELS; the caller takes it */
    uint32_t nlabels;
    bool default_class; /* the is-default-class annotation is "true" */
};
/* Read an ObjectMeta; fields outside `use` are noted as ignored. */
int scn_parse_meta(struct scn_ctx *c, const cJSON *obj, const char *path, unsigned use,
                   struct scn_meta *m);

/* --- The loader's parts ---------------------------------------------------------------- */

/* Parse JSON text with cJSON under the loader's lock (cJSON writes a global error slot on
 * every parse). On failure *end is where the parse stopped. (load.c) */
cJSON *scn_json_parse(const char *text, size_t len, const char **end);
/* After cJSON failed: the offset of the first syntax error and what was expected there.
 * False (outputs untouched) when the scanner finds none (json_locate.c). */
bool scn_json_locate(const char *text, size_t len, size_t *pos, const char **expected);
/* The offset of the first byte of text[0..len) that does not begin valid UTF-8 (RFC 3629:
 * no overlong forms, surrogates or code points above U+10FFFF), or len (json_locate.c). */
size_t scn_utf8_check(const char *text, size_t len);
/* After cJSON parsed text[0..len) into root: refuse a string or field name holding an
 * escaped NUL (\u0000, where the decoded C string would end), naming its path under `path`
 * ("$", or "--set PATH" for an override); and mark each number whose literal is not exactly
 * the integer cJSON read (9007199254740993 reads as 2^53), for scn_inexact_integer. 0 or -1
 * (json_locate.c). */
int scn_json_check_tree(struct scn_ctx *c, cJSON *root, const char *text, size_t len,
                        const char *path);
/* A number marked by scn_json_check_tree: it keeps its literal in valuestring (which cJSON
 * leaves unused for numbers and frees with the node); integer fields refuse it. */
bool scn_inexact_integer(const cJSON *v);
/* Apply --set overrides to the tree (overrides.c). */
int scn_apply_overrides(struct scn_ctx *c, cJSON *root, const struct scn_override *ov, size_t n);
int scn_parse_cluster(struct scn_ctx *c, const cJSON *root);    /* parse_cluster.c */
int scn_parse_kubernetes(struct scn_ctx *c, const cJSON *root); /* parse_cluster.c */
int scn_parse_timings(struct scn_ctx *c, const cJSON *root);    /* parse_cluster.c */
int scn_parse_objects(struct scn_ctx *c, const cJSON *root);    /* parse_objects.c */
int scn_parse_statefulset(struct scn_ctx *c, const cJSON *obj, const char *path);
/* template.spec of a StatefulSet into t (parse_podspec.c); spec may be NULL. */
int scn_parse_pod_spec(struct scn_ctx *c, const cJSON *spec, const char *path,
                       struct scn_pod_template *t);
int scn_parse_faults(struct scn_ctx *c, const cJSON *root); /* parse_faults.c */
int scn_parse_expect(struct scn_ctx *c, const cJSON *root); /* parse_faults.c */
/* Names made from set `set` up to its highest ordinal must fit: pods in 63 characters (a
 * label value), claims in 253; path names what made them (parse_statefulset.c). */
int scn_check_pod_names(struct scn_ctx *c, const struct scn_statefulset *set,
                        int64_t highest_ordinal, const char *path);

#endif
