/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_NOTIFY_NOTIFY_H
#define TSUNAGU_NOTIFY_NOTIFY_H

/*
 * What happens to cases, told to those concerned. A case is a referral, a booking or any other
 * kind a module defines (struct access_case_kind); its timeline is one list of events, appended
 * by notify_timeline_append and read by notify_timeline.
 *
 * Notifications to an organisation: the one way any feature tells an organisation that something
 * happened (a referral step, a booking step, emergency access to a patient of its team, an account
 * reset). The row is written in the op's transaction at op->now_ms and a "notification" event
 * is published to the organisation once the op commits. The list (GET /api/notifications) shows
 * one naming a patient only while the access rule lets the reader see it.
 */
#include <jansson.h>
#include <stdbool.h>

#include "access/access.h"
#include "core/errors.h"
#include "op/op.h"

/** What one notification says. Every pointer is borrowed for the call. */
struct notify_message {
    const char *kind;       /* a module's case kind ("referral", "booking") or an event kind */
    const char *patient_id; /* the patient it names, or NULL (nobody) */
    const char *ref_id;     /* the case or object it is about, or NULL */
    const json_t *summary;  /* what the list shows (an object) */
    const char *id;         /* NULL: a new random id; the demo passes a deterministic one */
    bool admins_only;       /* for the organisation's administrators only */
    const json_t *event;    /* fields the "notification" event adds to {id, kind}, or NULL */
};

/** Writes message m for organisation org_id and queues its event (see above). */
bool notify_org(struct error *err, struct op *op, const char *org_id,
                const struct notify_message *m);
/** notify_org for one member (user_id) of organisation org_id only: no other member lists it
 *  and its event reaches that member's streams only. */
bool notify_user(struct error *err, struct op *op, const char *org_id, const char *user_id,
                 const struct notify_message *m);

/** notify_org for every organisation of m->patient_id's care team (not removed) but except_org
 *  (NULL: none) that may see the patient (access_org_sees, consent in force). */
bool notify_care_team(struct error *err, struct op *op, const char *except_org,
                      const struct notify_message *m);

/**
 * Appends event (e.g. "accepted") to the timeline of case case_id of kind, by op's principal (its
 * user and organisation) at op->now_ms, in op's write transaction. detail (a JSON object,
 * borrowed; NULL: {}) says what the event carries.
 */
bool notify_timeline_append(struct error *err, struct op *op, const struct access_case_kind *kind,
                            const char *case_id, const char *event, const json_t *detail);

/** The timeline of case case_id of kind, oldest first: [{kind, at, user: {id, name} | null,
 *  org: {id, name} | null, detail}] (a new reference); NULL with err set. */
json_t *notify_timeline(struct error *err, struct store_conn *conn,
                        const struct access_case_kind *kind, const char *case_id);

/** An SQL expression: the detail (JSON text) of the latest event `event` of the case of kind
 *  `kind` whose id is the SQL expression `case_sql`, or NULL. Arguments are string literals. */
#define NOTIFY_LAST_DETAIL_SQL(kind, case_sql, event)                                              \
    "(SELECT ne.detail FROM case_events ne WHERE ne.case_kind = '" kind                            \
    "' AND ne.case_id = " case_sql " AND ne.kind = '" event "' ORDER BY ne.id DESC LIMIT 1)"

#endif
