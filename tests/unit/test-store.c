/* Unit tests of the object store: the API server rules it applies on writes (deletion
 * grace, AlreadyExists, taint identity), its indexes, and change notification. */
#include <setjmp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/simtime.h"
#include "model/store.h"
#include "util/util.h"

static const char scenario_json[] =
    "{\"name\": \"store\", \"cluster\": {\"nodes\": ["
    "{\"name\": \"node-a\", \"zone\": \"zone-a\"}, {\"name\": \"node-b\", \"zone\": \"zone-b\"}]},"
    "\"objects\": [{\"apiVersion\": \"apps/v1\", \"kind\": \"StatefulSet\","
    " \"metadata\": {\"name\": \"web\"}, \"spec\": {\"serviceName\": \"nginx\", \"replicas\": 3,"
    " \"selector\": {\"matchLabels\": {\"app\": \"nginx\"}},"
    " \"template\": {\"metadata\": {\"labels\": {\"app\": \"nginx\"}}, \"spec\": {"
    "  \"terminationGracePeriodSeconds\": 30,"
    "  \"containers\": [{\"name\": \"nginx\", \"image\": \"nginx:1.21\","
    "   \"resources\": {\"requests\": {\"cpu\": \"250m\", \"memory\": \"64Mi\"}}}]}},"
    " \"volumeClaimTemplates\": [{\"metadata\": {\"name\": \"www\"}, \"spec\": {"
    "  \"accessModes\": [\"ReadWriteOnce\"], \"resources\": {\"requests\": {\"storage\": \"1Gi\"}}}}]}}]}";

struct fx {
    struct scenario *scn;
    struct store *st;
    int64_t now;
    struct change log[64];
    size_t nlog;
};

static void record(void *ctx, const struct change *c)
{
    struct fx *f = ctx;
    if (f->nlog < ARRAY_LEN(f->log))
        f->log[f->nlog++] = *c;
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    struct scn_error err;
    f->scn = scenario_parse("store.json", scenario_json, strlen(scenario_json), NULL, 0, &err);
    assert_non_null(f->scn);
    f->st = store_new(f->scn, &f->now);
    store_watch(f->st, record, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_free(f->st);
    scenario_free(f->scn);
    free(f);
    return 0;
}

static size_t count(const struct fx *f, enum change_reason r)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nlog; i++)
        n += f->log[i].reason == r;
    return n;
}

/* pkg/registry/core/pod/strategy.go CheckGracefulDelete: an unscheduled pod goes at once. */
static void an_unscheduled_pod_is_deleted_at_once(void **state)
{
    struct fx *f = *state;
    uint32_t p = store_pod_create(f->st, 0, 0, NONE_ID);
    assert_true(store_pod_delete(f->st, p, SEC(30), false));
    assert_true(f->st->pods[p].gone);
    assert_int_equal(count(f, CH_POD_GONE), 1);
    assert_int_equal(count(f, CH_POD_DELETE_REQUESTED), 0);
}

/* A bound pod gets deletionTimestamp = now + grace and stays until its kubelet removes it;
 * a second delete may shorten the grace, never lengthen it (rest/delete.go BeforeDelete). */
static void a_bound_pod_stays_terminating_until_removed(void **state)
{
    struct fx *f = *state;
    uint32_t p = store_pod_create(f->st, 0, 1, NONE_ID);
    store_pod_bind(f->st, p, 0);
    f->now = SEC(100);
    assert_false(store_pod_delete(f->st, p, SEC(30), false));
    assert_true(pod_terminating(&f->st->pods[p]));
    assert_int_equal(f->st->pods[p].deletion_ts, SEC(130));
    assert_false(store_pod_delete(f->st, p, SEC(60), false));
    assert_int_equal(f->st->pods[p].deletion_ts, SEC(130));
    assert_false(store_pod_delete(f->st, p, SEC(10), false));
    assert_int_equal(f->st->pods[p].deletion_ts, SEC(110));
    assert_int_equal(count(f, CH_POD_DELETE_REQUESTED), 1);
    /* The name stays taken while the object exists: at most one pod per identity. */
    assert_int_equal(store_pod_create(f->st, 0, 1, NONE_ID), NONE_ID);
    assert_true(store_pod_delete(f->st, p, 0, true));
    assert_int_equal(count(f, CH_POD_FORCE_DELETED), 1);
    assert_int_not_equal(store_pod_create(f->st, 0, 1, NONE_ID), NONE_ID);
}

/* A pod in a terminal phase is removed with grace 0. */
static void a_failed_pod_is_removed_with_grace_zero(void **state)
{
    struct fx *f = *state;
    uint32_t p = store_pod_create(f->st, 0, 2, NONE_ID);
    store_pod_bind(f->st, p, 1);
    store_pod_set_phase(f->st, p, PHASE_FAILED, "Terminated");
    assert_true(store_pod_delete(f->st, p, SEC(30), false));
    assert_true(f->st->pods[p].gone);
    assert_int_equal(f->st->nodes[1].npods, 0);
}

/* The node index and requested resources follow binding and removal. */
static void binding_counts_requests_on_the_node(void **state)
{
    struct fx *f = *state;
    uint32_t a = store_pod_create(f->st, 0, 0, NONE_ID);
    uint32_t b = store_pod_create(f->st, 0, 1, NONE_ID);
    store_pod_bind(f->st, a, 0);
    store_pod_bind(f->st, b, 0);
    assert_int_equal(f->st->nodes[0].npods, 2);
    assert_int_equal(f->st->nodes[0].requested.cpu_milli, 500);
    store_pod_delete(f->st, a, 0, true);
    assert_int_equal(f->st->nodes[0].npods, 1);
    assert_int_equal(f->st->nodes[0].pods[0], b);
    assert_int_equal(f->st->nodes[0].requested.cpu_milli, 250);
    assert_int_equal(f->st->nodes[0].requested.memory_bytes, 64 << 20);
}

/* A taint is identified by key and effect: adding it twice adds it once. */
static void taints_are_unique_by_key_and_effect(void **state)
{
    struct fx *f = *state;
    struct taint t = {"node.kubernetes.io/unreachable", "", EFFECT_NO_SCHEDULE};
    assert_true(store_node_add_taint(f->st, 0, &t));
    assert_false(store_node_add_taint(f->st, 0, &t));
    t.effect = EFFECT_NO_EXECUTE;
    assert_true(store_node_add_taint(f->st, 0, &t));
    assert_int_equal(f->st->nodes[0].ntaints, 2);
    assert_true(node_has_taint(&f->st->nodes[0], t.key, EFFECT_NO_EXECUTE));
    assert_true(store_node_remove_taint(f->st, 0, t.key, EFFECT_NO_SCHEDULE));
    assert_false(store_node_remove_taint(f->st, 0, t.key, EFFECT_NO_SCHEDULE));
    assert_int_equal(f->st->nodes[0].ntaints, 1);
    assert_int_equal(count(f, CH_NODE_TAINTED), 2);
    assert_int_equal(count(f, CH_NODE_UNTAINTED), 1);
}

/* A well-known taint key is found whatever string holds it: the store keeps the one
 * well-known pointer (so that keys compare by address), and a copy, the constant or an
 * unknown key all compare by value. */
static void well_known_taint_keys_match_by_value_whatever_their_pointer(void **state)
{
    struct fx *f = *state;
    char copy[] = "node.kubernetes.io/not-ready";
    char other[] = "example.com/not-ready";
    struct taint t = {copy, "", EFFECT_NO_EXECUTE};
    assert_true(store_node_add_taint(f->st, 0, &t));
    assert_ptr_equal(f->st->nodes[0].taints[0].taint.key, TAINT_NOT_READY);
    assert_true(node_has_taint(&f->st->nodes[0], copy, EFFECT_NO_EXECUTE));
    assert_true(node_has_taint(&f->st->nodes[0], TAINT_NOT_READY, EFFECT_NO_EXECUTE));
    assert_false(node_has_taint(&f->st->nodes[0], TAINT_UNREACHABLE, EFFECT_NO_EXECUTE));
    assert_true(taint_key_eq(copy, TAINT_NOT_READY));
    assert_false(taint_key_eq(TAINT_NOT_READY, TAINT_UNREACHABLE));
    assert_false(taint_key_eq(other, TAINT_NOT_READY));
    assert_null(taint_key_known(other));
    struct taint u = {other, "", EFFECT_NO_EXECUTE};
    assert_true(store_node_add_taint(f->st, 0, &u));
    assert_ptr_not_equal(f->st->nodes[0].taints[1].taint.key, other); /* the store's copy */
    assert_true(store_node_remove_taint(f->st, 0, "example.com/not-ready", EFFECT_NO_EXECUTE));
    assert_true(store_node_remove_taint(f->st, 0, copy, EFFECT_NO_EXECUTE));
    assert_int_equal(f->st->nodes[0].ntaints, 0);
}

/* The Lease is renewed on a grid while the kubelet renews, and frozen when it stops. */
static void the_lease_renew_time_follows_the_grid(void **state)
{
    struct fx *f = *state;
    store_node_lease_start(f->st, 0, -SEC(3));
    const struct node *n = &f->st->nodes[0];
    assert_int_equal(node_lease_renew_time(n, SEC(0)), -SEC(3));
    assert_int_equal(node_lease_renew_time(n, SEC(25)), SEC(17));
    f->now = SEC(25);
    store_node_lease_stop(f->st, 0);
    assert_int_equal(node_lease_renew_time(n, SEC(500)), SEC(17));
}

/* Claims are named <template>-<set>-<ordinal>; a claim made again gets a new volume name. */
static void claims_are_indexed_by_ordinal_and_volumes_named_per_claim(void **state)
{
    struct fx *f = *state;
    uint32_t c = store_pvc_create(f->st, 0, 0, 4);
    assert_string_equal(f->st->pvcs[c].name, "www-web-4");
    assert_int_equal(store_sts_claim(f->st, 0, 0, 4), c);
    assert_int_equal(store_pvc_create(f->st, 0, 0, 4), NONE_ID);
    uint32_t v = store_pv_create(f->st, c, 0);
    store_pvc_bind(f->st, c, v);
    store_pvc_remove(f->st, c);
    assert_int_equal(store_sts_claim(f->st, 0, 0, 4), NONE_ID);
    uint32_t c2 = store_pvc_create(f->st, 0, 0, 4);
    uint32_t v2 = store_pv_create(f->st, c2, 0);
    assert_string_not_equal(f->st->pvs[v].name, f->st->pvs[v2].name);
}

/* A claim is found by name through the set index, with dashes in template and set names
 * (sssim.io/copies makes db-1 and db-11). */
static void claims_are_found_by_name(void **state)
{
    (void)state;
    static const char json[] =
        "{\"name\": \"names\", \"cluster\": {\"nodes\": [{\"name\": \"node-a\"}]},"
        "\"objects\": [{\"apiVersion\": \"apps/v1\", \"kind\": \"StatefulSet\","
        " \"metadata\": {\"name\": \"db\", \"annotations\": {\"sssim.io/copies\": \"12\"}},"
        " \"spec\": {\"serviceName\": \"db\", \"replicas\": 1,"
        " \"selector\": {\"matchLabels\": {\"app\": \"db\"}},"
        " \"template\": {\"metadata\": {\"labels\": {\"app\": \"db\"}}, \"spec\": {"
        "  \"containers\": [{\"name\": \"db\", \"image\": \"postgres\"}]}},"
        " \"volumeClaimTemplates\": [{\"metadata\": {\"name\": \"my-data\"}, \"spec\": {"
        "  \"accessModes\": [\"ReadWriteOnce\"], \"resources\": {\"requests\": {\"storage\": "
        "\"1Gi\"}}}}]}}]}";
    struct scn_error err;
    struct scenario *scn = scenario_parse("names.json", json, strlen(json), NULL, 0, &err);
    assert_non_null(scn);
    int64_t now = 0;
    struct store *st = store_new(scn, &now);
    uint32_t db1 = store_find_sts(st, "db-1"), db11 = store_find_sts(st, "db-11");
    uint32_t c1 = store_pvc_create(st, db1, 0, 0);
    uint32_t c11 = store_pvc_create(st, db11, 0, 0);
    assert_string_equal(st->pvcs[c11].name, "my-data-db-11-0");
    assert_int_equal(store_pvc_by_name(st, "my-data-db-1-0"), c1);
    assert_int_equal(store_pvc_by_name(st, "my-data-db-11-0"), c11);
    assert_int_equal(store_pvc_by_name(st, "my-data-db-1-1"), NONE_ID);
    assert_int_equal(store_pvc_by_name(st, "data-db-1-0"), NONE_ID);
    assert_int_equal(store_pvc_by_name(st, "my-data-db-1"), NONE_ID);
    store_free(st);
    scenario_free(scn);
}

/* The per-ordinal block (pods, then claims) keeps every entry when it grows past 8 and 16
 * ordinals, and a volume is named "pvc-%08x-%04x" of its claim's UID hash. */
static void the_ordinal_index_keeps_pods_and_claims_as_it_grows(void **state)
{
    struct fx *f = *state;
    uint32_t pods[40], claims[40];
    for (int32_t o = 0; o < 40; o += 3) {
        claims[o] = store_pvc_create(f->st, 0, 0, o);
        pods[o] = store_pod_create(f->st, 0, o, NONE_ID);
    }
    for (int32_t o = 0; o < 40; o++) {
        bool made = o % 3 == 0;
        assert_int_equal(store_sts_pod(f->st, 0, o), made ? pods[o] : NONE_ID);
        assert_int_equal(store_sts_claim(f->st, 0, 0, o), made ? claims[o] : NONE_ID);
    }
    assert_int_equal(store_sts_claim(f->st, 0, 1, 3), NONE_ID); /* no second template */
    assert_int_equal(store_sts_pod(f->st, 0, 64), NONE_ID);
    assert_string_equal(f->st->pods[pods[39]].name, "web-39");
    assert_string_equal(f->st->pvcs[claims[39]].name, "www-web-39");
    uint32_t v = store_pv_create(f->st, claims[39], 0);
    uint64_t h = mix64(claims[39] + 1);
    char want[32];
    snprintf(want, sizeof want, "pvc-%08" PRIx32 "-%04" PRIx32, (uint32_t)(h >> 32),
             (uint32_t)h & 0xffff);
    assert_string_equal(f->st->pvs[v].name, want);
}

/* owned_claims counts the live claims of a set with an ownerRef: the StatefulSet controller
 * skips the claims of a set with none when none is wanted. */
static void owned_claims_count_live_claims_with_an_owner(void **state)
{
    struct fx *f = *state;
    struct statefulset *s = &f->st->sets[0];
    uint32_t c0 = store_pvc_create(f->st, 0, 0, 0), c1 = store_pvc_create(f->st, 0, 0, 1);
    assert_int_equal(s->owned_claims, 0);
    store_pvc_set_owner(f->st, c0, OWNER_SET, NONE_ID);
    store_pvc_set_owner(f->st, c1, OWNER_POD, 7);
    store_pvc_set_owner(f->st, c1, OWNER_SET, NONE_ID); /* owned either way */
    assert_int_equal(s->owned_claims, 2);
    store_pvc_set_owner(f->st, c0, OWNER_NONE, NONE_ID);
    assert_int_equal(s->owned_claims, 1);
    store_pvc_remove(f->st, c1);
    assert_int_equal(s->owned_claims, 0);
    store_pvc_set_owner(f->st, c1, OWNER_POD, 7); /* gone: not written */
    assert_int_equal(s->owned_claims, 0);
}

/* The printf-free helpers the store names objects with write what printf would, JSON
 * strings are escaped run by run, and arena_printf gives whole strings whether or not they
 * fit the current block. */
static void name_helpers_match_printf(void **state)
{
    (void)state;
    const int64_t ints[] = {0, 7, -7, 10, 2147483647, -2147483648LL, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < ARRAY_LEN(ints); i++) {
        char want[INT_DEC_LEN + 8], got[INT_DEC_LEN];
        snprintf(want, sizeof want, "%" PRId64, ints[i]);
        assert_int_equal(fmt_int(got, ints[i]), strlen(want));
        assert_string_equal(got, want);
    }
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_put_hex(&sb, 0xabc, 4);
    strbuf_putc(&sb, ' ');
    strbuf_put_hex(&sb, 0, 2);
    strbuf_putc(&sb, ' ');
    strbuf_put_hex(&sb, 0x123456789ULL, 4);
    assert_string_equal(sb.buf, "0abc 00 123456789");
    strbuf_reset(&sb);
    strbuf_json_string(&sb, "a\"b\\c\n\x01\xc3\xa9" "d");
    assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9" "d\"");
    strbuf_fini(&sb);

    struct arena *a = arena_new();
    char big[20000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    const char *first = arena_printf(a, "%s-%d", "web", 3);
    for (int i = 0; i < 3; i++) /* the block fills up: the next string starts a new one */
        assert_int_equal(strlen(arena_printf(a, "%s", big + 8000)), sizeof big - 8001);
    assert_int_equal(strlen(arena_printf(a, "%s", big)), sizeof big - 1);
    assert_string_equal(first, "web-3");
    assert_string_equal(arena_printf(a, "%s", ""), "");
    arena_free(a);
}

/* Changes reach watchers in order with increasing sequence numbers and the clock's time. */
static void changes_are_numbered_in_order(void **state)
{
    struct fx *f = *state;
    f->now = SEC(7);
    store_pod_create(f->st, 0, 0, NONE_ID);
    store_node_set_unschedulable(f->st, 1, true);
    store_node_set_unschedulable(f->st, 1, true); /* no change, no notification */
    assert_int_equal(f->nlog, 2);
    assert_true(f->log[1].seq == f->log[0].seq + 1);
    assert_int_equal(f->log[0].time, SEC(7));
    assert_int_equal(f->log[1].reason, CH_NODE_CORDONED);
    assert_int_equal(store_pod_by_name(f->st, "web-0"), f->log[0].obj);
    assert_int_equal(store_pod_by_name(f->st, "web-9"), NONE_ID);
    assert_int_equal(store_find_node(f->st, "node-b"), 1);
    assert_string_equal(store_pod_dns_name(f->st, &f->st->pods[f->log[0].obj]),
                        "web-0.nginx.default.svc.cluster.local");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(an_unscheduled_pod_is_deleted_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bound_pod_stays_terminating_until_removed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failed_pod_is_removed_with_grace_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(binding_counts_requests_on_the_node, setup, teardown),
        cmocka_unit_test_setup_teardown(taints_are_unique_by_key_and_effect, setup, teardown),
        cmocka_unit_test_setup_teardown(well_known_taint_keys_match_by_value_whatever_their_pointer,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_lease_renew_time_follows_the_grid, setup, teardown),
        cmocka_unit_test_setup_teardown(claims_are_indexed_by_ordinal_and_volumes_named_per_claim,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_ordinal_index_keeps_pods_and_claims_as_it_grows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(owned_claims_count_live_claims_with_an_owner, setup,
                                        teardown),
        cmocka_unit_test(name_helpers_match_printf),
        cmocka_unit_test(claims_are_found_by_name),
        cmocka_unit_test_setup_teardown(changes_are_numbered_in_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
