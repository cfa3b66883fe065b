/* SPDX-License-Identifier: Apache-2.0 */
/* Action items of a conference: an owner (a participant) and a due date. Each appears in its
 * owner's inbox (a notification to the owner's organisation naming the owner, and the owner's
 * own list GET /api/conference-action-items); the owner marks it done. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "conference_int.h"
#include "core/jsonv.h"
#include "notify/notify.h"

/* The organisation owner takes part for (a participant of c), into org. */
static bool owner_org(struct error *err, struct op *op, const struct conference *c,
                      const char *owner, char org[UUID_STR_LEN])
{
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT org_id FROM conference_people WHERE conference_id = ? AND user_id = ?",
                    "tt", c->id, owner);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        snprintf(org, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r == STORE_DONE)
        return error_set(err, ERR_CONFERENCE_OWNER, "owner_user_id");
    bool sees = true;
    if (r == STORE_ROW && c->patient_id[0] &&
        !access_org_sees(err, op->conn, org, c->patient_id, DATA_CLINICAL, &sees))
        return false;
    if (!sees)
        return error_set(err, ERR_CONFERENCE_PARTICIPANT_ACCESS, "owner_user_id");
    return r == STORE_ROW;
}

static bool tell_owner(struct error *err, struct op *op, const struct conference *c,
                       const char *aid, const char *owner, const char *org, const char *due)
{
    json_t *summary =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event", "action_item", "conference_id", c->id,
                  "kind", c->kind, "action_item_id", aid, "owner_user_id", owner, "due_date", due);
    json_t *ev = json_pack("{s:s, s:s, s:s}", "conference_id", c->id, "event", "action_item",
                           "owner_user_id", owner);
    struct notify_message m = {.kind = "conference",
                               .patient_id = c->patient_id[0] ? c->patient_id : NULL,
                               .ref_id = c->id,
                               .summary = summary,
                               .event = ev};
    /* in the owner's own inbox: a colleague of the organisation does not list it */
    bool ok =
        summary && ev ? notify_user(err, op, org, owner, &m) : error_set(err, ERR_NOMEM, NULL);
    json_decref(summary);
    json_decref(ev);
    return ok;
}

bool conference_action_add(struct error *err, struct op *op, const char *id, const json_t *body,
                           char aid[UUID_STR_LEN])
{
    static const struct jfield fields[] = {
        {"text", JV_TEXT, true, CONFERENCE_ACTION_MAX, NULL},
        {"owner_user_id", JV_UUID, true, 0, NULL},
        {"due_date", JV_DATE, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct conference c;
    char org[UUID_STR_LEN];
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "text");
    if (!jsonv_check(err, body, fields) || !op_write_begin(err, op) ||
        !conference_load_for(err, op, id, &c) || !conference_organiser_check(err, op, &c))
        return false;
    const char *owner = jsonv_str(body, "owner_user_id"), *due = jsonv_str(body, "due_date");
    if (!owner_org(err, op, &c, owner, org))
        return false;
    ids_uuid_new(aid);
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO conference_actions (id, conference_id, body, owner_user_id, "
                      "owner_org_id, due_date, created_by, created_at) VALUES "
                      "(?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttttttti", aid, id, jsonv_str(body, "text"), owner, org, due,
                      op->principal.user_id, op->now_ms) &&
           tell_owner(err, op, &c, aid, owner, org, due);
}

bool conference_action_done(struct error *err, struct op *op, const char *id, const char *aid)
{
    struct conference c;
    bool sees;
    if (!op_write_begin(err, op) || !conference_load_for(err, op, id, &c) ||
        !conference_sees(err, op, &c, ACCESS_UPDATE, &sees))
        return false;
    if (!sees) /* an item about a patient the owner's organisation no longer sees */
        return error_set(err, ERR_CONFERENCE_PATIENT_HIDDEN, NULL);
    if (!ids_uuid_valid(aid))
        return error_set(err, ERR_CONFERENCE_ACTION_NOT_FOUND, "malformed id");
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT owner_user_id FROM conference_actions WHERE id = ? AND conference_id = ?", "tt",
        aid, id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool own = r == STORE_ROW && strcmp(store_text(s, 0), op->principal.user_id) == 0;
    store_done(s);
    if (r == STORE_DONE)
        return error_set(err, ERR_CONFERENCE_ACTION_NOT_FOUND, NULL);
    if (r == STORE_FAIL)
        return false;
    if (!own)
        return error_set(err, ERR_CONFERENCE_ACTION_NOT_OWNER, NULL);
    return store_exec(err, op->conn, NULL,
                      "UPDATE conference_actions SET done_at = COALESCE(done_at, ?), "
                      "done_by = COALESCE(done_by, ?) WHERE id = ?",
                      "itt", op->now_ms, op->principal.user_id, aid);
}

/* ---- handlers -------------------------------------------------------------------------------- */

/* The action item aid of conference id as the API shows it. */
static json_t *action_one(struct error *err, struct store_conn *conn, const char *id,
                          const char *aid)
{
    json_t *all = conference_actions_json(err, conn, id);
    size_t i;
    json_t *a, *out = NULL;
    json_array_foreach(all, i, a) if (strcmp(json_string_value(json_object_get(a, "id")), aid) == 0)
        out = json_incref(a);
    json_decref(all);
    if (!out && all)
        error_set(err, ERR_CONFERENCE_ACTION_NOT_FOUND, NULL);
    return out;
}

bool conference_actions_create(struct error *err, struct request *req)
{
    struct conference c;
    bool sees;
    char aid[UUID_STR_LEN];
    if (!conference_open(err, req, ACCESS_UPDATE, &c, &sees) ||
        !conference_action_add(err, &req->op, c.id, req->json, aid))
        return false;
    json_t *a = action_one(err, req->op.conn, c.id, aid);
    if (!a)
        return false;
    response_json(req, 201, a);
    return true;
}

bool conference_actions_done(struct error *err, struct request *req)
{
    struct conference c;
    bool sees;
    const char *aid = request_param(req, 1);
    if (!api_no_fields(err, req) || !conference_open(err, req, ACCESS_UPDATE, &c, &sees) ||
        !conference_action_done(err, &req->op, c.id, aid))
        return false;
    json_t *a = action_one(err, req->op.conn, c.id, aid);
    if (!a)
        return false;
    response_json(req, 200, a);
    return true;
}

/* The owner's open items; an item about a patient only while the owner's organisation may see
 * the patient (each one listed is audited). */
static const char sql_mine[] =
    "SELECT a.id, a.body, a.owner_user_id, u.name, a.owner_org_id, a.due_date, a.done_at, "
    "a.conference_id, c.title, c.patient_id FROM conference_actions a JOIN conferences c ON "
    "c.id = a.conference_id JOIN users u ON u.id = a.owner_user_id WHERE a.owner_user_id = ?5 "
    "AND a.owner_org_id = ?1 AND a.done_at IS NULL AND c.status <> 'cancelled' AND "
    "(c.patient_id IS NULL OR (?6 = 1 AND EXISTS (SELECT 1 FROM patients p WHERE "
    "p.id = c.patient_id AND " ACCESS_VISIBLE_SQL "))) ORDER BY a.due_date, a.created_at, a.id";

static json_t *mine_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:{s:s, s:s}, s:o}", "id", store_text(s, 0),
                     "text", store_text(s, 1), "owner", api_id_name(s, 2, 3), "owner_org_id",
                     store_text(s, 4), "due_date", store_text(s, 5), "done_at",
                     api_time_or_null(s, 6), "conference", "id", store_text(s, 7), "title",
                     store_text(s, 8), "patient_id", api_text_or_null(s, 9));
}

bool conference_actions_mine(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    struct access_rule_args rule;
    access_rule_args_of(&req->op.principal, &rule);
    struct store_arg args[ACCESS_RULE_PARAMS + 2];
    access_rule_bind(&rule, args);
    args[4] = (struct store_arg){.type = 't', .text = req->op.principal.user_id};
    args[5] = (struct store_arg){.type = 'i', .i = access_may_search(&req->op.principal)};
    json_t *items = api_rows(err, store_query_args(err, req->op.conn, sql_mine, args, 6), mine_row);
    if (!items)
        return false;
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        const char *patient = json_string_value(json_object_get(a, "patient_id"));
        if (patient)
            op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient,
                          "conference_action", json_string_value(json_object_get(a, "id")), NULL);
    }
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}
