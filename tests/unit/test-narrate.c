/* Unit tests of the narrator: the story of real scenario runs (found through the
 * SSSIM_SOURCE_DIR environment variable) says what happened, why, and with which setting,
 * in English and in Japanese; the message tables are complete in every language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above first. */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe/history.h"
#include "observe/invariants.h"
#include "observe/narrate.h"
#include "observe/narrate_text.h"
#include "sim/sim.h"
#include "util/util.h"

#include "fixture.h"

/* --- Running a scenario with a narrator ------------------------------------------------ */

/* The story of one run, as `sssim run --explain` wires it (history, narrator, invariant
 * checker). The caller frees the result. */
static char *story_of(const struct scenario *scn, enum narr_lang lang)
{
    struct sim *sim = sim_new(scn, NULL);
    struct history *hist = history_new(sim);
    struct narrator *narr = narrator_new(sim, lang);
    struct invariants *inv = invariants_new(sim, hist);
    sim_run(sim);
    size_t len;
    const char *text = narrator_text(narr, &len);
    assert_int_equal(strlen(text), len);
    char *copy = xstrdup(text);
    invariants_free(inv);
    narrator_free(narr);
    history_free(hist);
    sim_free(sim);
    return copy;
}

static char *story(const char *scenario, enum narr_lang lang)
{
    struct scenario *scn = fixture_load(scenario);
    char *text = story_of(scn, lang);
    scenario_free(scn);
    return text;
}

/* assert that `needle` is in `text`, printing the story when it is not. */
#define assert_told(text, needle)                                                                  \
    do {                                                                                           \
        if (strstr((text), (needle)) == NULL)                                                      \
            fail_msg("the story lacks \"%s\":\n%s", (needle), (text));                             \
    } while (0)

#define assert_not_told(text, needle)                                                              \
    do {                                                                                           \
        if (strstr((text), (needle)) != NULL)                                                      \
            fail_msg("the story should not say \"%s\":\n%s", (needle), (text));                    \
    } while (0)

/* The line that contains `needle` (a pointer to its start), or NULL. */
static const char *line_with(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    if (hit == NULL)
        return NULL;
    while (hit > text && hit[-1] != '\n')
        hit--;
    return hit;
}

/* Both needles on one line. */
static void assert_same_line(const char *text, const char *a, const char *b)
{
    const char *line = line_with(text, a);
    if (line == NULL)
        fail_msg("the story lacks \"%s\":\n%s", a, text);
    const char *end = strchr(line, '\n');
    const char *hit = strstr(line, b);
    if (hit == NULL || (end && hit > end))
        fail_msg("the line \"%.*s\" lacks \"%s\"", end ? (int)(end - line) : 200, line, b);
}

/* --- The message tables --------------------------------------------------------------- */

/* The {placeholders} of a template, sorted and joined by spaces, into buf. */
static void placeholders(const char *tpl, char *buf, size_t size)
{
    const char *keys[32];
    size_t lens[32];
    size_t n = 0;
    for (const char *p = strchr(tpl, '{'); p && n < 32; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        assert_non_null(close);
        size_t len = (size_t)(close - p - 1);
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = lens[i] == len && memcmp(keys[i], p + 1, len) == 0;
        if (!seen) {
            keys[n] = p + 1;
            lens[n++] = len;
        }
    }
    /* Insertion sort by key. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            size_t m = lens[j] < lens[j - 1] ? lens[j] : lens[j - 1];
            int c = memcmp(keys[j - 1], keys[j], m);
            if (c < 0 || (c == 0 && lens[j - 1] <= lens[j]))
                break;
            const char *tk = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = tk;
            size_t tl = lens[j];
            lens[j] = lens[j - 1];
            lens[j - 1] = tl;
        }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%.*s", i ? " " : "", (int)lens[i], keys[i]);
    }
}

static void every_message_has_a_template_in_every_language_with_the_same_placeholders(void **state)
{
    (void)state;
    for (int m = 0; m < NM_COUNT; m++) {
        char en[512], other[512];
        assert_non_null(narr_msg_names[m]);
        assert_non_null(narr_templates[NARR_EN][m]);
        assert_true(narr_templates[NARR_EN][m][0] != '\0');
        placeholders(narr_templates[NARR_EN][m], en, sizeof en);
        for (int l = 0; l < NARR_LANG_COUNT; l++) {
            if (narr_templates[l][m] == NULL)
                fail_msg("message %s has no template in language %d", narr_msg_names[m], l);
            placeholders(narr_templates[l][m], other, sizeof other);
            if (strcmp(en, other) != 0)
                fail_msg("message %s: placeholders \"%s\" in English, \"%s\" in language %d",
                         narr_msg_names[m], en, other, l);
        }
    }
}

static void languages_parse_by_their_codes(void **state)
{
    (void)state;
    assert_int_equal(narr_lang_parse("en"), NARR_EN);
    assert_int_equal(narr_lang_parse("ja"), NARR_JA);
    assert_int_equal(narr_lang_parse("fr"), -1);
    assert_int_equal(narr_lang_parse(""), -1);
    narrator_free(NULL);
}

/* --- node-loss.json: the headline story ----------------------------------------------- */

static void node_loss_is_told_in_order_with_the_settings_that_caused_each_step(void **state)
{
    (void)state;
    char *s = story("node-loss", NARR_EN);
    /* Identity and ordered deployment. */
    assert_told(s, "web-0 created; stable name web-0, DNS web-0.nginx.default.svc.cluster.local;"
                   " its own claim www-web-0");
    assert_told(s, "web-1 created only now: OrderedReady waits until web-0 is Running and Ready");
    assert_told(s, "web-2 created only now: OrderedReady waits until web-1 is Running and Ready");
    /* The failure, with its settings. */
    assert_told(s, "00:02:00 node-a crashes, with web-1");
    assert_told(s, "00:02:50 node-a Unknown: no Lease renewal for nodeMonitorGracePeriod (50s)");
    assert_told(s, "web-1 will be evicted at 00:07:55");
    assert_same_line(s, "00:07:55 web-1 Terminating: evicted after tolerationSeconds 300",
                     "its kubelet is unreachable, so the StatefulSet will not start another "
                     "web-1 (at most one pod per identity)");
    /* What the set waits for and what an operator can do, when it blocks and at the end. */
    assert_same_line(s, "00:07:55 web waits for web-1 to be gone", "out-of-service");
    assert_told(s, "kubectl taint nodes node-a "
                   "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute");
    assert_told(s, "kubectl delete pod web-1 --grace-period=0 --force");
    assert_told(s, "a second copy of web-1");
    assert_same_line(s, "00:40:00 web waits for web-1 to be gone", "out-of-service");
    assert_told(s, "00:40:00 web: 2 of 3 pods Running and Ready");
    assert_told(s, "00:40:00 web-1 is still Terminating on node-a, since 00:07:55");
    assert_told(s, "00:40:00 every invariant held");
    /* Nobody stepped in: no replacement was ever created. */
    assert_not_told(s, "web-1 created again");
    assert_not_told(s, "INVARIANT BROKEN");

    /* One line per event, "HH:MM:SS text", in time order. */
    const char *line = s;
    char prev[16] = "00:00:00";
    int lines = 0;
    while (*line) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        assert_true(end - line > 9);
        assert_true(line[2] == ':' && line[5] == ':' && line[8] == ' ');
        assert_true(strncmp(prev, line, 8) <= 0);
        memcpy(prev, line, 8);
        line = end + 1;
        lines++;
    }
    /* Told, not traced: far fewer lines than changes (image pulls, mounts, status). */
    assert_in_range(lines, 20, 40);
    free(s);
}

static void node_loss_in_japanese_uses_the_terms_of_the_concept_documents(void **state)
{
    (void)state;
    char *s = story("node-loss", NARR_JA);
    assert_told(s, "安定したネットワーク識別子");
    assert_told(s, "永続ストレージ");
    assert_told(s, "順序付きのデプロイ");
    assert_told(s, "障害復旧");
    assert_told(s, "データの整合性");
    assert_told(s, "DNS名 web-0.nginx.default.svc.cluster.local");
    assert_told(s, "00:02:50 node-a が Unknown: nodeMonitorGracePeriod（50s）");
    assert_same_line(s, "00:07:55 web-1 が Terminating", "tolerationSeconds 300");
    assert_told(s, "1つの識別子につきPodは最大1つ");
    assert_told(s, "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute");
    assert_told(s, "web-1 は 00:07:55 から node-a で Terminating のまま");
    /* Sentences end the Japanese way; no English template slipped through. */
    assert_not_told(s, " created");
    assert_not_told(s, "waits for");
    assert_not_told(s, "{");
    free(s);
}

/* The settings come from the scenario: change them and the story changes. */
static void the_story_quotes_the_scenarios_own_settings(void **state)
{
    (void)state;
    struct scenario *scn = fixture_load("node-loss");
    scn->k8s.node_monitor_grace_ns = SEC(40);
    scn->k8s.unreachable_toleration_s = 120;
    char *s = story_of(scn, NARR_EN);
    assert_told(s, "no Lease renewal for nodeMonitorGracePeriod (40s)");
    assert_told(s, "evicted after tolerationSeconds 120");
    assert_not_told(s, "tolerationSeconds 300 (taint");
    free(s);
    scenario_free(scn);
}

static void the_story_is_the_same_for_the_same_seed(void **state)
{
    (void)state;
    struct scenario *scn = fixture_load("node-loss");
    char *a = story_of(scn, NARR_EN);
    char *b = story_of(scn, NARR_EN);
    assert_string_equal(a, b);
    free(a);
    free(b);
    scenario_free(scn);
}

/* --- Other scenarios ------------------------------------------------------------------- */

static void partition_force_delete_explains_the_broken_invariant(void **state)
{
    (void)state;
    char *s = story("partition-force-delete", NARR_EN);
    assert_told(s, "node-a is cut off from the API server, with web-1: its containers keep "
                   "running");
    assert_same_line(s,
                     "00:10:00 the operator force deletes web-1 (kubectl delete pod web-1 "
                     "--grace-period=0 --force)",
                     "if node-a is only partitioned, the old container keeps running");
    assert_told(s, "the same claim www-web-1, so its data follows it");
    assert_told(s, "Multi-Attach error, the ReadWriteOnce volume of www-web-1 is still attached "
                   "to node-a");
    assert_told(s, "maxWaitForUnmountDuration (6m0s)");
    assert_same_line(s, "INVARIANT BROKEN (atMostOnePerIdentity)",
                     "a StatefulSet runs at most one Pod per identity at any time");
    assert_told(s, "web-1's old container still runs on node-a, though its Pod object is gone");
    assert_told(s, "broken invariants: atMostOnePerIdentity");
    free(s);

    s = story("partition-force-delete", NARR_JA);
    assert_same_line(s, "不変条件違反（atMostOnePerIdentity）", "スプリットブレイン");
    assert_told(s, "一意性");
    assert_told(s, "破れた不変条件: atMostOnePerIdentity");
    free(s);
}

static void the_out_of_service_taint_is_told_as_the_way_out(void **state)
{
    (void)state;
    char *s = story("node-loss-out-of-service", NARR_EN);
    assert_told(s,
                "00:10:00 the operator, knowing node-a is off, applies the out-of-service taint");
    assert_told(s, "web-1 force deleted by the pod garbage collector: node-a has the "
                   "out-of-service taint");
    assert_told(s, "volume of www-web-1 force-detached from node-a at once");
    assert_told(s, "web-1 created again: a new Pod object with the same identity");
    assert_told(s, "web-1 Running and Ready again on node-c");
    assert_told(s, "web: 3 of 3 pods Running and Ready");
    /* The set is not blocked at the end: no advice. */
    assert_not_told(s, "00:30:00 web waits");
    free(s);
}

static void scale_down_is_told_highest_ordinal_first(void **state)
{
    (void)state;
    char *s = story("scale-down", NARR_EN);
    const char *w4 = strstr(s, "web-4 Terminating: the StatefulSet scales down to 2 replicas");
    const char *w3 = strstr(s, "web-3 Terminating: the StatefulSet scales down to 2 replicas");
    const char *w2 = strstr(s, "web-2 Terminating: the StatefulSet scales down to 2 replicas");
    assert_non_null(w4);
    assert_non_null(w3);
    assert_non_null(w2);
    assert_true(w4 < w3 && w3 < w2);
    assert_not_told(s, "web-1 Terminating");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_message_has_a_template_in_every_language_with_the_same_placeholders),
        cmocka_unit_test(languages_parse_by_their_codes),
        cmocka_unit_test(node_loss_is_told_in_order_with_the_settings_that_caused_each_step),
        cmocka_unit_test(node_loss_in_japanese_uses_the_terms_of_the_concept_documents),
        cmocka_unit_test(the_story_quotes_the_scenarios_own_settings),
        cmocka_unit_test(the_story_is_the_same_for_the_same_seed),
        cmocka_unit_test(partition_force_delete_explains_the_broken_invariant),
        cmocka_unit_test(the_out_of_service_taint_is_told_as_the_way_out),
        cmocka_unit_test(scale_down_is_told_highest_ordinal_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
