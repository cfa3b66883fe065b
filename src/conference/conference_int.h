/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CONFERENCE_CONFERENCE_INT_H
#define TSUNAGU_CONFERENCE_CONFERENCE_INT_H

/*
 * Case conferences (カンファレンス, issue 17): what the module's files share. A conference is
 * organised by one organisation, names participant organisations (and people of them), and is
 * about one patient or none. Its time, title, place and participants are for every participant;
 * everything about its patient (the patient, agenda, materials, minutes, action items) only for
 * whom the access rule lets see the patient: the conference never widens access.
 */
#include <jansson.h>
#include <stdint.h>

#include "core/ids.h"
#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "conference/routes.def"
#undef ROUTE

enum {
    CONFERENCE_TITLE_MAX = 200,
    CONFERENCE_TEXT_MAX = 5000, /* agenda, minutes (code points; escaped, any fit a 64 KiB body) */
    CONFERENCE_PLACE_MAX = 500, /* a room or an online link */
    CONFERENCE_PARTICIPANTS_MAX = 40,
    CONFERENCE_ORGS_MAX = 64, /* participants and care team told of the minutes */
    CONFERENCE_ACTION_MAX = 1000,
};

/** A kind of conference. */
struct conference_kind {
    const char *code, *ja, *en;
};
/** Every kind, ended by a NULL code. */
extern const struct conference_kind conference_kinds[];
/** The kind with this code, or NULL. */
const struct conference_kind *conference_kind_find(const char *code);

/** What the module needs of a conference row. */
struct conference {
    char id[UUID_STR_LEN];
    char kind[16];
    char org_id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN]; /* "" for none */
    char status[12];
    int64_t starts_at, ends_at;
};

/** Reads conference id (ERR_CONFERENCE_NOT_FOUND when there is none or id is malformed). */
bool conference_load(struct error *err, struct store_conn *conn, const char *id,
                     struct conference *c);
/** Loads id for op's principal: its organisation must organise or take part (else
 *  ERR_CONFERENCE_NOT_FOUND, like a missing one). */
bool conference_load_for(struct error *err, struct op *op, const char *id, struct conference *c);
/** Whether op's principal may see c's patient under the access rule for action (true for a
 *  conference without a patient); an emergency grant never counts. */
bool conference_sees(struct error *err, struct op *op, const struct conference *c, char action,
                     bool *sees);
/** For a write by op's principal: its organisation organises c, c is not cancelled, and it may
 *  see c's patient for writing. */
bool conference_organiser_check(struct error *err, struct op *op, const struct conference *c);

/** The conference for a request (path parameter 0), checked with conference_load_for; *sees
 *  tells whether the caller may see its patient for action, and then the request's audit names
 *  the patient. */
bool conference_open(struct error *err, struct request *req, char action, struct conference *c,
                     bool *sees);

/** The conference as the API shows it; the patient's parts only when sees. */
json_t *conference_json(struct error *err, struct op *op, const struct conference *c, bool sees);
/** The organisations told of c: its participants and, with a patient and with_team, its care team,
 * each only when the access rule admits it for the patient; their number or -1. */
int conference_audience(struct error *err, struct op *op, const struct conference *c,
                        bool with_team, char orgs[][UUID_STR_LEN]);
/** Tells each organisation of orgs (n) of event about c: a notification and a "conference"
 *  event (naming no patient). */
bool conference_tell(struct error *err, struct op *op, const struct conference *c,
                     char orgs[][UUID_STR_LEN], int n, const char *event);

/* ---- domain functions (the demo calls them) ---- */

/** Schedules a conference of op's organisation (patient_id NULL: teaching) from body; id gets
 *  its id. */
bool conference_create(struct error *err, struct op *op, const char *patient_id, const json_t *body,
                       char id[UUID_STR_LEN]);
bool conference_update(struct error *err, struct op *op, const char *id, const json_t *body);
bool conference_cancel_op(struct error *err, struct op *op, const char *id, const char *reason);
bool conference_material_add(struct error *err, struct op *op, const char *id, const json_t *body,
                             char mid[UUID_STR_LEN]);
/** Writes the next version of the minutes; *version gets its number. */
bool conference_minutes_write(struct error *err, struct op *op, const char *id, const json_t *body,
                              int *version);
/** Shares the minutes; *told gets the number of organisations told. */
bool conference_minutes_share_op(struct error *err, struct op *op, const char *id, int *told);
bool conference_action_add(struct error *err, struct op *op, const char *id, const json_t *body,
                           char aid[UUID_STR_LEN]);
bool conference_action_done(struct error *err, struct op *op, const char *id, const char *aid);

/** The minutes of conference id, every version oldest first; NULL with err set. */
json_t *conference_minutes_json(struct error *err, struct store_conn *conn, const char *id);
/** The action items of conference id; NULL with err set. */
json_t *conference_actions_json(struct error *err, struct store_conn *conn, const char *id);

bool conference_demo_load(struct error *err, struct op *op);

#endif
