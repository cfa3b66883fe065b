/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduling a conference: the organiser's organisation, the participants of several
 * organisations, a patient (whose care team with consent the organiser must be on, and whom every
 * participant organisation must be admitted to see) or none; changing and cancelling it. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "conference_int.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/text.h"

#define TWO_YEARS_MS (2 * 366 * 86400000LL)
enum { DAY_MS = 86400000 };

/* s trimmed of invisible characters at either end, in op's arena. */
static const char *trimmed(struct op *op, const char *s)
{
    const char *start;
    size_t n;
    if (!s || !text_visible(s))
        return "";
    text_trim(s, &start, &n);
    return arena_strndup(op->arena, start, n);
}

static const struct jfield fields_create[] = {
    {"kind", JV_STRING, true, 16, NULL},
    {"title", JV_TEXT, true, CONFERENCE_TITLE_MAX, NULL},
    {"starts_at", JV_STRING, true, 40, NULL},
    {"ends_at", JV_STRING, true, 40, NULL},
    {"place", JV_STRING, false, CONFERENCE_PLACE_MAX, NULL},
    {"agenda", JV_STRING, false, CONFERENCE_TEXT_MAX, NULL},
    {"participants", JV_OBJECT_ARRAY, true, CONFERENCE_PARTICIPANTS_MAX, NULL},
    {NULL, 0, false, 0, NULL},
};

static const struct jfield fields_participant[] = {
    {"org_id", JV_UUID, true, 0, NULL},
    {"user_id", JV_UUID, false, 0, NULL},
    {NULL, 0, false, 0, NULL},
};

/* The times of body (both or neither given when partial): an end after the start, at most a day
 * long, the start within two years of now. */
static bool times_of(struct error *err, struct op *op, const json_t *body, int64_t *starts,
                     int64_t *ends)
{
    const char *s = jsonv_str(body, "starts_at"), *e = jsonv_str(body, "ends_at");
    if (s && !clock_parse_iso(s, starts))
        return error_set(err, ERR_FIELD_VALUE, "starts_at");
    if (e && !clock_parse_iso(e, ends))
        return error_set(err, ERR_FIELD_VALUE, "ends_at");
    if (*ends <= *starts || *ends - *starts > DAY_MS)
        return error_set(err, ERR_CONFERENCE_TIME, "ends_at");
    if (*starts < op->now_ms - TWO_YEARS_MS || *starts > op->now_ms + TWO_YEARS_MS)
        return error_set(err, ERR_CONFERENCE_TIME, "starts_at");
    return true;
}

/* Whether user_id is a confirmed member of org_id (user_id NULL: org_id exists). */
static bool member_of(struct error *err, struct store_conn *conn, const char *org_id,
                      const char *user_id, bool *yes)
{
    struct store_stmt *s =
        user_id ? store_query(err, conn,
                              "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id "
                              "WHERE m.org_id = ? AND m.user_id = ? AND m.pending IS NULL "
                              "AND u.disabled = 0",
                              "tt", org_id, user_id)
                : store_query(err, conn, "SELECT 1 FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    *yes = r == STORE_ROW;
    return r != STORE_FAIL;
}

/* Checks one participant and stores it (the organisation once, the person once). */
static bool participant_add(struct error *err, struct op *op, const char *id,
                            const char *patient_id, const json_t *p, size_t i)
{
    char path[32];
    snprintf(path, sizeof path, "participants[%zu]", i);
    if (!jsonv_check_at(err, p, fields_participant, path))
        return false;
    const char *org = jsonv_str(p, "org_id"), *user = jsonv_str(p, "user_id");
    bool yes, sees = true;
    if (!member_of(err, op->conn, org, user, &yes))
        return false;
    if (!yes)
        return error_set(err, ERR_CONFERENCE_PARTICIPANT, "%s", path);
    if (patient_id && !access_org_sees(err, op->conn, org, patient_id, DATA_CLINICAL, &sees))
        return false;
    if (!sees)
        return error_set(err, ERR_CONFERENCE_PARTICIPANT_ACCESS, "%s", org);
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO conference_orgs (conference_id, org_id) VALUES (?, ?) "
                      "ON CONFLICT DO NOTHING",
                      "tt", id, org) &&
           (!user || store_exec(err, op->conn, NULL,
                                "INSERT INTO conference_people (conference_id, user_id, org_id) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                "ttt", id, user, org));
}

static bool participants_add(struct error *err, struct op *op, const char *id,
                             const char *patient_id, const json_t *list)
{
    size_t i;
    const json_t *p;
    json_array_foreach(list, i,
                       p) if (!participant_add(err, op, id, patient_id, p, i)) return false;
    /* the organiser takes part, with the person who scheduled it */
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO conference_orgs (conference_id, org_id) VALUES (?, ?) "
                      "ON CONFLICT DO NOTHING",
                      "tt", id, op->principal.org_id) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO conference_people (conference_id, user_id, org_id) "
                      "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                      "ttt", id, op->principal.user_id, op->principal.org_id);
}

static bool organiser_on_team(struct error *err, struct op *op, const char *patient_id)
{
    struct access_decision d;
    if (!access_decide(err, op->conn, &op->principal, patient_id, ACCESS_CREATE, DATA_CLINICAL, &d))
        return false;
    return d.allow && !d.emergency ? true : error_set(err, ERR_CONFERENCE_PATIENT_HIDDEN, NULL);
}

bool conference_create(struct error *err, struct op *op, const char *patient_id, const json_t *body,
                       char id[UUID_STR_LEN])
{
    int64_t starts = 0, ends = 0;
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "kind");
    if (!jsonv_check(err, body, fields_create))
        return false;
    if (!conference_kind_find(jsonv_str(body, "kind")))
        return error_set(err, ERR_CONFERENCE_KIND, "kind");
    if (!times_of(err, op, body, &starts, &ends) || !op_write_begin(err, op) ||
        (patient_id && !organiser_on_team(err, op, patient_id)))
        return false;
    const char *place = jsonv_str(body, "place"), *agenda = jsonv_str(body, "agenda");
    ids_uuid_new(id);
    struct conference c = {.starts_at = starts, .ends_at = ends};
    snprintf(c.id, sizeof c.id, "%s", id);
    snprintf(c.kind, sizeof c.kind, "%s", jsonv_str(body, "kind"));
    snprintf(c.patient_id, sizeof c.patient_id, "%s", patient_id ? patient_id : "");
    char orgs[CONFERENCE_ORGS_MAX][UUID_STR_LEN];
    int n;
    bool ok = store_exec(err, op->conn, NULL,
                         "INSERT INTO conferences (id, kind, title, starts_at, ends_at, place, "
                         "org_id, patient_id, agenda, created_by, created_at, updated_at) VALUES "
                         "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "tttiitttttii", id, c.kind, trimmed(op, jsonv_str(body, "title")), starts,
                         ends, place ? place : "", op->principal.org_id, patient_id,
                         agenda ? agenda : "", op->principal.user_id, op->now_ms, op->now_ms) &&
              participants_add(err, op, id, patient_id, json_object_get(body, "participants"));
    if (!ok || (n = conference_audience(err, op, &c, false, orgs)) < 0)
        return false;
    return conference_tell(err, op, &c, orgs, n, "scheduled");
}

static const struct jfield fields_change[] = {
    {"title", JV_TEXT, false, CONFERENCE_TITLE_MAX, NULL},
    {"starts_at", JV_STRING, false, 40, NULL},
    {"ends_at", JV_STRING, false, 40, NULL},
    {"place", JV_STRING, false, CONFERENCE_PLACE_MAX, NULL},
    {"agenda", JV_STRING, false, CONFERENCE_TEXT_MAX, NULL},
    {NULL, 0, false, 0, NULL},
};

bool conference_update(struct error *err, struct op *op, const char *id, const json_t *body)
{
    struct conference c;
    if (!body)
        return error_set(err, ERR_CONFERENCE_NOTHING, NULL);
    if (!jsonv_check(err, body, fields_change))
        return false;
    if (json_object_size(body) == 0)
        return error_set(err, ERR_CONFERENCE_NOTHING, NULL);
    if (!op_write_begin(err, op) || !conference_load_for(err, op, id, &c) ||
        !conference_organiser_check(err, op, &c))
        return false;
    int64_t starts = c.starts_at, ends = c.ends_at;
    if (!times_of(err, op, body, &starts, &ends))
        return false;
    const char *title = jsonv_str(body, "title");
    char orgs[CONFERENCE_ORGS_MAX][UUID_STR_LEN];
    int n;
    bool ok = store_exec(err, op->conn, NULL,
                         "UPDATE conferences SET title = COALESCE(?, title), starts_at = ?, "
                         "ends_at = ?, place = COALESCE(?, place), agenda = COALESCE(?, agenda), "
                         "updated_at = ? WHERE id = ?",
                         "tiittit", title ? trimmed(op, title) : NULL, starts, ends,
                         jsonv_str(body, "place"), jsonv_str(body, "agenda"), op->now_ms, id);
    if (!ok || (n = conference_audience(err, op, &c, false, orgs)) < 0)
        return false;
    return conference_tell(err, op, &c, orgs, n, "changed");
}

bool conference_cancel_op(struct error *err, struct op *op, const char *id, const char *reason)
{
    struct conference c;
    char orgs[CONFERENCE_ORGS_MAX][UUID_STR_LEN];
    int n;
    if (!op_write_begin(err, op) || !conference_load_for(err, op, id, &c) ||
        !conference_organiser_check(err, op, &c) ||
        !store_exec(err, op->conn, NULL,
                    "UPDATE conferences SET status = 'cancelled', cancel_reason = ?, "
                    "updated_at = ? WHERE id = ?",
                    "tit", trimmed(op, reason), op->now_ms, id) ||
        (n = conference_audience(err, op, &c, false, orgs)) < 0)
        return false;
    return conference_tell(err, op, &c, orgs, n, "cancelled");
}

/* ---- handlers -------------------------------------------------------------------------------- */

/* Answers conference id as the caller sees it, with status. */
static bool respond(struct error *err, struct request *req, const char *id, int status)
{
    struct conference c;
    bool sees;
    req->object_type = "conference";
    req->object_id = arena_strdup(req->op.arena, id);
    if (!conference_load(err, req->op.conn, id, &c) ||
        !conference_sees(err, &req->op, &c, ACCESS_READ, &sees))
        return false;
    if (sees && c.patient_id[0])
        req->patient_id = arena_strdup(req->op.arena, c.patient_id);
    json_t *body = conference_json(err, &req->op, &c, sees);
    if (!body)
        return false;
    response_json(req, status, body);
    return true;
}

bool conference_create_teaching(struct error *err, struct request *req)
{
    char id[UUID_STR_LEN];
    return request_require_org(err, req) && conference_create(err, &req->op, NULL, req->json, id) &&
           respond(err, req, id, 201);
}

bool conference_create_patient(struct error *err, struct request *req)
{
    char id[UUID_STR_LEN];
    return conference_create(err, &req->op, req->patient_id, req->json, id) &&
           respond(err, req, id, 201);
}

bool conference_change(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    struct conference c; /* who takes no part finds no conference, whatever the body */
    return request_require_org(err, req) && conference_load_for(err, &req->op, id, &c) &&
           conference_update(err, &req->op, id, req->json) && respond(err, req, id, 200);
}

bool conference_cancel(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_TEXT, true, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *id = request_param(req, 0);
    struct conference c; /* who takes no part finds no conference, whatever the body */
    if (!request_require_org(err, req) || !conference_load_for(err, &req->op, id, &c))
        return false;
    if (!req->json)
        return error_set(err, ERR_FIELD_MISSING, "reason");
    return jsonv_check(err, req->json, fields) &&
           conference_cancel_op(err, &req->op, id, jsonv_str(req->json, "reason")) &&
           respond(err, req, id, 200);
}

bool conference_read(struct error *err, struct request *req)
{
    struct conference c;
    bool sees;
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !conference_open(err, req, ACCESS_READ, &c, &sees))
        return false;
    json_t *body = conference_json(err, &req->op, &c, sees);
    if (!body)
        return false;
    response_json(req, 200, body);
    return true;
}
