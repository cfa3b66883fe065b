/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_NOTIFY_STEP_H
#define TSUNAGU_NOTIFY_STEP_H

/*
 * The workflow of a two-party case (a referral: sender and receiver; a booking: the ordering
 * organisation and the equipment's): a feature writes its steps once, as a table of who may take
 * each from which states, and asks this engine both whether a step may be taken now (inside the
 * step's write transaction, so that two concurrent steps cannot both pass) and which steps the
 * caller may take (the "actions" the UI offers). The step's own writes, its timeline event and
 * its notification stay the feature's (notify.h).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/errors.h"

/** Who of the two parties may take a step: the case's opener, its receiver, or either. */
enum notify_party { NOTIFY_OPENER = 1, NOTIFY_RECEIVER = 2, NOTIFY_EITHER = 3 };

/** One step of a workflow: the first member of each row of a feature's table of steps. */
struct notify_step {
    const char *action;      /* as the route and the UI name it, e.g. "accept" */
    const char *variant;     /* the variant of case it is for (a referral's kind), NULL: any */
    const char *const *from; /* the states it may start from, NULL-terminated */
    enum notify_party party;
    /* who else must hold, e.g. "a physician signs" (NULL: anyone of the party) */
    bool (*may)(const struct principal *p);
    /* not before the case's appointment day (Asia/Tokyo calendar day, by clock_now_ms) unless
     * the caller states a reason: a visit reported, an examination reported */
    bool from_appointment_day;
};

/** A feature's table of steps, whose rows begin with a struct notify_step (the rest of a row is
 *  the feature's: what the step writes). Make one with NOTIFY_STEPS(array). */
struct notify_steps {
    const void *rows;
    size_t stride, count;
};
#define NOTIFY_STEPS(array)                                                                        \
    ((struct notify_steps){(array), sizeof((array)[0]), sizeof(array) / sizeof((array)[0])})

/** Where a case stands, as the engine needs it. */
struct notify_case {
    const char *variant;
    const char *status;
    const char *opener_org, *receiver_org;
    int64_t appointment_at; /* UTC ms of the appointment, 0: none (no day to wait for) */
    const char *reason;     /* the caller's stated reason for an early step, NULL or "": none */
};

/** The errors of a refused step, and the parties' names for their detail. */
struct notify_step_errors {
    enum error_code wrong_party, not_allowed, wrong_state;
    enum error_code too_early; /* before the appointment's day without a reason (field "reason") */
    const char *opener, *receiver; /* e.g. "the referring organisation" */
};

/** The row of steps named action for a case of variant (NULL: the first of that name), or NULL;
 *  it points at the row's first member (cast it to the feature's row type). */
const struct notify_step *notify_step_find(struct notify_steps steps, const char *action,
                                           const char *variant);

/** Whether principal p may take step s of case c now: of the step's party, allowed by its may
 *  (a detail naming the profession), from one of its states ("status→action"), and for a step
 *  from_appointment_day, on or after the appointment's day or with a reason (detail "reason"). */
bool notify_step_check(struct error *err, const struct notify_step *s, const struct principal *p,
                       const struct notify_case *c, const struct notify_step_errors *e);

/** The actions p may take on case c now, in the table's order (a new JSON array of strings;
 *  none for a network administrator, who acts for no party). */
json_t *notify_step_actions(struct notify_steps steps, const struct principal *p,
                            const struct notify_case *c);

/** Whether step s of case c, taken now, is early: before the JST calendar day of the case's
 *  appointment, so that it needs a stated reason. */
bool notify_step_early(const struct notify_step *s, const struct notify_case *c);

/** The actions of notify_step_actions that are early now (a new JSON array of strings): the UI
 *  asks for a reason with them. */
json_t *notify_step_early_actions(struct notify_steps steps, const struct principal *p,
                                  const struct notify_case *c);

#endif
