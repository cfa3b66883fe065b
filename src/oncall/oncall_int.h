/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_ONCALL_ONCALL_INT_H
#define TSUNAGU_ONCALL_ONCALL_INT_H

/* On-call and backup (issue 17): what the module's files share. Its handlers are declared from
 * routes.def; the domain functions take struct op (the routes and the demo call them). */

#include <jansson.h>

#include "http/api.h"
#include "modules/module.h"
#include "oncall/oncall.h"

#define ROUTE ROUTE_DECLARE
#include "oncall/routes.def"
#undef ROUTE

enum {
    ONCALL_SHIFT_MAX_MS = 14 * 86400000, /* one shift lasts at most 14 days */
    ONCALL_DECLARATION_MAX_DAYS = 30,    /* a declaration's planned end, at most ahead */
    ONCALL_LIST_MAX_DAYS = 62,           /* a roster list covers at most this */
};
#define ONCALL_PLAUSIBLE_MS (366LL * 86400000) /* shifts within a year of now */

/** A shift as the roster route takes it (strings borrowed; backup_user_id, backup_phone and
 *  note may be NULL). */
struct oncall_shift_new {
    int64_t starts_at, ends_at;
    const char *phone, *backup_phone, *primary_user_id, *backup_user_id, *note;
};

/** Adds shift s to op's organisation's roster (its members only); id gets the new id. Audited. */
bool oncall_shift_create(struct error *err, struct op *op, const struct oncall_shift_new *s,
                         char *id);
/** Hands role ("primary", "backup") of shift sid of op's organisation to to_user_id (a member):
 *  op's principal must hold the role or administer the organisation. Records the swap; audited. */
bool oncall_shift_swap(struct error *err, struct op *op, const char *sid, const char *role,
                       const char *to_user_id, const char *reason);
/** Cancels shift sid of op's organisation (not ended, not cancelled yet). Audited. */
bool oncall_shift_cancel(struct error *err, struct op *op, const char *sid);
/** oncall_now as JSON: {found, shift_id, starts_at, ends_at, primary, backup} (new). */
json_t *oncall_answer_json(const struct oncall_answer *a);

/** Names partner_org_id as a backup partner of op's organisation; id gets the partnership's. */
bool oncall_partner_create(struct error *err, struct op *op, const char *partner_org_id, char *id);
/** Accepts partnership pid offered to op's organisation. */
bool oncall_partner_accept(struct error *err, struct op *op, const char *pid);
/** Ends partnership pid of op's organisation (either side): a declaration in force of either
 *  side stops opening the other's reading at once (its grant to that partner ends, audited). */
bool oncall_partner_end(struct error *err, struct op *op, const char *pid);
/** Declares op's organisation unavailable for reason until planned_end_at and opens a standby
 *  grant to each accepted partner; id gets the declaration's. */
bool oncall_declare(struct error *err, struct op *op, const char *reason, const char *note,
                    int64_t planned_end_at, char *id);
/** Ends declaration did of org_id (end_reason "ended" or "expired") and its standby grants. */
bool oncall_declaration_end(struct error *err, struct op *op, const char *org_id, const char *did,
                            const char *end_reason);
/** Sets patient_id's dependence (what the disaster view counts) with an optional note (e.g. the
 *  oxygen flow; NULL: none). Audited. */
bool oncall_dependence_set(struct error *err, struct op *op, const char *patient_id,
                           bool ventilator, bool oxygen, bool dialysis, const char *note);

/** Whether user_id is a member of org_id. */
bool oncall_is_member(struct error *err, struct store_conn *conn, const char *org_id,
                      const char *user_id, bool *member);
/** Parses an instant (ISO 8601 date-time with Z or an offset) of field into *ms; err otherwise. */
bool oncall_parse_instant(struct error *err, const char *text, const char *field, int64_t *ms);

bool oncall_demo_load(struct error *err, struct op *op);
/** Ends the declarations whose planned end has passed (the sweeper, about every second). */
bool oncall_sweep(struct error *err, struct op *op);

#endif
