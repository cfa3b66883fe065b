/* SPDX-License-Identifier: Apache-2.0 */
/* A patient's on-call routes: who to call now for the patient (every organisation of the care
 * team with consent in force, and while one has declared itself unavailable, its partners), and
 * the patient's dependence on a ventilator, oxygen or dialysis. */
#include <stdio.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "oncall_int.h"

/* The declaration in force of org_id ({id, reason, started_at, planned_end_at}) or null. */
static json_t *declaration_of(struct error *err, struct store_conn *conn, const char *org_id,
                              int64_t now)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT id, reason, started_at, planned_end_at FROM oncall_declarations WHERE org_id = ? "
        "AND ended_at IS NULL AND planned_end_at > ?",
        "ti", org_id, now);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *d = r == STORE_ROW ? json_pack("{s:s, s:s, s:o, s:o}", "id", store_text(s, 0), "reason",
                                           store_text(s, 1), "started_at", api_time_or_null(s, 2),
                                           "planned_end_at", api_time_or_null(s, 3))
                               : json_null();
    store_done(s);
    return r == STORE_FAIL ? (json_decref(d), NULL) : d;
}

/* One organisation: {id, name, phone, on_call, declaration}. */
static json_t *org_entry(struct error *err, struct store_conn *conn, const char *id,
                         const char *name, const char *phone, int64_t now)
{
    struct oncall_answer a;
    if (!oncall_now(err, conn, id, now, &a))
        return NULL;
    json_t *decl = declaration_of(err, conn, id, now);
    if (!decl)
        return NULL;
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", id, "name", name, "phone", phone, "on_call",
                     oncall_answer_json(&a), "declaration", decl);
}

/* The accepted partners of org_id (both ways), each as an org_entry, under "partners". */
static bool add_partners(struct error *err, struct store_conn *conn, json_t *entry,
                         const char *org_id, int64_t now)
{
    json_t *partners = json_array();
    json_object_set_new(entry, "partners", partners);
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT o.id, o.name, o.phone FROM oncall_partners pa JOIN orgs o ON o.id = CASE WHEN "
        "pa.org_id = ?1 THEN pa.partner_org_id ELSE pa.org_id END WHERE (pa.org_id = ?1 OR "
        "pa.partner_org_id = ?1) AND pa.accepted_at IS NOT NULL AND pa.ended_at IS NULL "
        "ORDER BY o.name",
        "t", org_id);
    if (!s)
        return false;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(err, s)) == STORE_ROW) {
        json_t *p = org_entry(err, conn, store_text(s, 0), store_text(s, 1), store_text(s, 2), now);
        ok = p && json_array_append_new(partners, p) == 0;
    }
    store_done(s);
    return ok && r != STORE_FAIL;
}

bool oncall_patient(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    char today[11];
    clock_today_tokyo(today);
    int64_t now = clock_now_ms();
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT DISTINCT o.id, o.name, o.phone FROM care_team t JOIN orgs o ON o.id = t.org_id "
        "WHERE t.patient_id = ?1 AND t.removed_at IS NULL AND EXISTS (SELECT 1 FROM consent_orgs "
        "co JOIN consents c ON c.id = co.consent_id WHERE co.patient_id = ?1 AND co.org_id = "
        "o.id AND c.withdrawn_at IS NULL AND c.consented_on <= ?2) ORDER BY o.name, o.id",
        "tt", req->patient_id, today);
    if (!s)
        return false;
    json_t *items = json_array();
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(err, s)) == STORE_ROW) {
        json_t *e =
            org_entry(err, req->op.conn, store_text(s, 0), store_text(s, 1), store_text(s, 2), now);
        ok = e && json_array_append_new(items, e) == 0 &&
             (json_is_null(json_object_get(e, "declaration")) ||
              add_partners(err, req->op.conn, e, store_text(s, 0), now));
    }
    store_done(s);
    if (!ok || r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    return api_respond_items(req, items);
}

static const struct jfield dependence_fields[] = {
    {"ventilator", JV_BOOL, true, 0, NULL},
    {"oxygen", JV_BOOL, true, 0, NULL},
    {"dialysis", JV_BOOL, true, 0, NULL},
    {"note", JV_TEXT, false, 200, NULL},
    {NULL, 0, false, 0, NULL},
};

bool oncall_dependence_put(struct error *err, struct request *req)
{
    if (!jsonv_check(err, req->json, dependence_fields))
        return false;
    bool v = jsonv_bool(req->json, "ventilator", false), o = jsonv_bool(req->json, "oxygen", false),
         d = jsonv_bool(req->json, "dialysis", false);
    if (!oncall_dependence_set(err, &req->op, req->patient_id, v, o, d,
                               jsonv_str(req->json, "note")))
        return false;
    response_json(req, 200,
                  json_pack("{s:b, s:b, s:b, s:s?}", "ventilator", v, "oxygen", o, "dialysis", d,
                            "note", jsonv_str(req->json, "note")));
    return true;
}

static json_t *dependence_row(struct store_stmt *s)
{
    return json_pack("{s:b, s:b, s:b, s:o, s:o, s:o}", "ventilator", store_int(s, 0) != 0, "oxygen",
                     store_int(s, 1) != 0, "dialysis", store_int(s, 2) != 0, "note",
                     api_text_or_null(s, 3), "set_by", api_id_name(s, 4, 5), "set_at",
                     api_time_or_null(s, 6));
}

/* What the PUT last set, so that a form changing one flag does not clear the others. */
bool oncall_dependence_get(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *rows = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT d.ventilator, d.oxygen, d.dialysis, d.note, d.set_by, u.name, "
                    "d.set_at FROM oncall_dependence d LEFT JOIN users u ON u.id = d.set_by "
                    "WHERE d.patient_id = ?",
                    "t", req->patient_id),
        dependence_row);
    if (!rows)
        return false;
    json_t *out = json_array_size(rows)
                      ? json_incref(json_array_get(rows, 0))
                      : json_pack("{s:b, s:b, s:b, s:n, s:n, s:n}", "ventilator", 0, "oxygen", 0,
                                  "dialysis", 0, "note", "set_by", "set_at");
    json_decref(rows);
    response_json(req, 200, out);
    return true;
}
