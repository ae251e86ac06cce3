/* The narrator's message tables: one template per message id and language. Private to
 * observe/narrate.c (and its unit test, which checks that every language has every
 * message with the same placeholders).
 *
 * A template is text with named placeholders, "{pod} scheduled to {node}", so that a
 * translation may put the words in its own order. A line of the story is one or more
 * templates joined by the language's separator ("; " in English, "。" in Japanese). */
#ifndef SSSIM_NARRATE_TEXT_H
#define SSSIM_NARRATE_TEXT_H

#include "observe/narrate.h"

#define NARR_MESSAGES(X)                                                                           \
    /* the opening */                                                                              \
    X(HEADER)                                                                                      \
    X(SET_INTRO)                                                                                   \
    X(SET_INTRO_CLAIMS)                                                                            \
    X(SET_INTRO_NO_CLAIMS)                                                                         \
    /* creation and identity */                                                                    \
    X(CREATED_FIRST)                                                                               \
    X(CREATED_ORDERED)                                                                             \
    X(CREATED_ORDERED_MIN_READY)                                                                   \
    X(CREATED_PARALLEL)                                                                            \
    X(CREATED_AGAIN)                                                                               \
    X(IDENTITY_DNS)                                                                                \
    X(IDENTITY_NO_DNS)                                                                             \
    X(CLAIM_NEW)                                                                                   \
    X(CLAIM_SAME)                                                                                  \
    /* scheduling, volumes, start */                                                               \
    X(SCHEDULED)                                                                                   \
    X(SCHEDULED_MOVED)                                                                             \
    X(FAILED_SCHEDULING)                                                                           \
    X(ATTACHED)                                                                                    \
    X(MULTI_ATTACH)                                                                                \
    X(MULTI_ATTACH_TIMEOUT)                                                                        \
    X(MULTI_ATTACH_NO_FORCE)                                                                       \
    X(FORCE_DETACH_TIMEOUT)                                                                        \
    X(FORCE_DETACH_OOS)                                                                            \
    X(DETACHED)                                                                                    \
    X(RUNNING_PROBE)                                                                               \
    X(READY)                                                                                       \
    X(READY_NO_SERVICE)                                                                            \
    X(READY_AGAIN)                                                                                 \
    X(NOT_READY)                                                                                   \
    X(MARKED_NOT_READY)                                                                            \
    X(CONTAINER_DIED)                                                                              \
    X(RESTARTED)                                                                                   \
    X(BACK_OFF)                                                                                    \
    X(FAILED)                                                                                      \
    /* deletion */                                                                                 \
    X(EVICTION_SCHEDULED)                                                                          \
    X(TOLERATION_DEFAULT)                                                                          \
    X(TOLERATION_TEMPLATE)                                                                         \
    X(EVICTION_CANCELLED)                                                                          \
    X(TERM_EVICTED)                                                                                \
    X(TERM_EVICTED_NOW)                                                                            \
    X(TERM_OPERATOR)                                                                               \
    X(TERM_DRAIN)                                                                                  \
    X(TERM_SCALE_DOWN)                                                                             \
    X(TERM_UPDATE)                                                                                 \
    X(TERM_FAILED)                                                                                 \
    X(TERM_SHUTDOWN)                                                                               \
    X(TERM_OTHER)                                                                                  \
    X(KUBELET_UNREACHABLE)                                                                         \
    X(KUBELET_STOPS)                                                                               \
    X(GONE)                                                                                        \
    X(GONE_RECREATE)                                                                               \
    X(FORCE_RISK)                                                                                  \
    X(FORCE_PODGC_OOS)                                                                             \
    X(FORCE_PODGC_ORPHAN)                                                                          \
    X(FORCE_OTHER)                                                                                 \
    /* nodes */                                                                                    \
    X(NODE_UNKNOWN)                                                                                \
    X(NODE_NOT_READY)                                                                              \
    X(NODE_READY)                                                                                  \
    X(TAINT_NO_SCHEDULE)                                                                           \
    X(TAINT_NO_EXECUTE)                                                                            \
    X(TAINT_OUT_OF_SERVICE)                                                                        \
    X(TAINT_OTHER)                                                                                 \
    X(UNTAINTED)                                                                                   \
    X(CORDONED)                                                                                    \
    X(UNCORDONED)                                                                                  \
    X(NODE_DELETED)                                                                                \
    X(NODE_POWERED_OFF)                                                                            \
    X(NODE_CRASHED)                                                                                \
    X(KUBELET_STARTED)                                                                             \
    X(ZONE_STATE)                                                                                  \
    /* the scenario's timeline */                                                                  \
    X(FAULT_NODE_CRASH)                                                                            \
    X(FAULT_NODE_SHUTDOWN)                                                                         \
    X(FAULT_NODE_SHUTDOWN_GRACEFUL)                                                                \
    X(FAULT_NODE_PARTITION)                                                                        \
    X(FAULT_NODE_HEAL)                                                                             \
    X(FAULT_NODE_RECOVER)                                                                          \
    X(FAULT_NODE_DELETE)                                                                           \
    X(FAULT_ZONE_OUTAGE)                                                                           \
    X(FAULT_ZONE_RECOVER)                                                                          \
    X(FAULT_TAINT)                                                                                 \
    X(FAULT_TAINT_OUT_OF_SERVICE)                                                                  \
    X(FAULT_UNTAINT)                                                                               \
    X(FAULT_CORDON)                                                                                \
    X(FAULT_UNCORDON)                                                                              \
    X(FAULT_DRAIN)                                                                                 \
    X(FAULT_POD_DELETE)                                                                            \
    X(FAULT_POD_FORCE_DELETE)                                                                      \
    X(FAULT_CONTAINER_CRASH)                                                                       \
    X(FAULT_SCALE_UP)                                                                              \
    X(FAULT_SCALE_DOWN)                                                                            \
    X(FAULT_UPDATE_IMAGE)                                                                          \
    X(FAULT_UPDATE_ON_DELETE)                                                                      \
    X(FAULT_VOLUME_LOSS)                                                                           \
    X(FAULT_NOT_APPLIED)                                                                           \
    /* the StatefulSet */                                                                          \
    X(BLOCKED_TERMINATING_UNREACHABLE)                                                             \
    X(BLOCKED_TERMINATING)                                                                         \
    X(BLOCKED_NOT_READY)                                                                           \
    X(BLOCKED_NOT_AVAILABLE)                                                                       \
    X(BLOCKED_FAILED)                                                                              \
    X(BLOCKED_CLAIM_DELETING)                                                                      \
    X(BLOCKED_CLAIM_STALE)                                                                         \
    X(BLOCKED_NAME_TAKEN)                                                                          \
    X(BLOCKED_MAX_UNAVAILABLE)                                                                     \
    X(BLOCKED_OTHER)                                                                               \
    X(ADVICE_UNREACHABLE)                                                                          \
    X(ADVICE_MULTI_ATTACH)                                                                         \
    X(ADVICE_WAIT_EVICTION)                                                                        \
    X(ADVICE_ORPHAN)                                                                               \
    X(SET_COMPLETE)                                                                                \
    X(SCALED)                                                                                      \
    X(TEMPLATE_UPDATED)                                                                            \
    X(UPDATE_DONE)                                                                                 \
    /* claims and volumes */                                                                       \
    X(PVC_DELETED_SCALED)                                                                          \
    X(PVC_DELETED_SET)                                                                             \
    X(PVC_DELETED)                                                                                 \
    X(PV_LOST)                                                                                     \
    /* invariants */                                                                               \
    X(VIOLATION)                                                                                   \
    X(INV_AT_MOST_ONE)                                                                             \
    X(INV_ORDERED_CREATION)                                                                        \
    X(INV_ORDERED_TERMINATION)                                                                     \
    X(INV_STABLE_STORAGE)                                                                          \
    X(INV_SINGLE_ATTACH)                                                                           \
    X(INV_UPDATE_ORDER)                                                                            \
    /* the end */                                                                                  \
    X(END)                                                                                         \
    X(END_CAP)                                                                                     \
    X(END_SET)                                                                                     \
    X(END_POD_TERMINATING)                                                                         \
    X(END_POD_NOT_SERVING)                                                                         \
    X(END_POD_ORPHAN)                                                                              \
    X(END_INVARIANTS_HELD)                                                                         \
    X(END_INVARIANTS_BROKEN)                                                                       \
    /* words */                                                                                    \
    X(NO_PODS)

enum narr_msg {
#define X(id) NM_##id,
    NARR_MESSAGES(X)
#undef X
        NM_COUNT
};

/* narr_templates[lang][msg]: every entry is set (the unit test checks it). */
extern const char *const narr_templates[NARR_LANG_COUNT][NM_COUNT];
/* "HEADER", "SET_INTRO" ... for tests and diagnostics. */
extern const char *const narr_msg_names[NM_COUNT];
/* Joins the templates of one line ("; " / "。") and ends a line ("" / "。"). */
extern const char *const narr_separator[NARR_LANG_COUNT];
extern const char *const narr_line_end[NARR_LANG_COUNT];

#endif
