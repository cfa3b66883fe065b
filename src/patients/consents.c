/* SPDX-License-Identifier: Apache-2.0 */
/* Consent records: the patient agrees to share with listed organisations; withdrawal keeps the
 * history. The router has already decided access to the patient. */
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "patients_int.h"

static const char sql_consents[] =
    "SELECT c.id, c.scope, c.method, c.consented_on, c.note, c.recorded_by, u.name, "
    "c.recorded_at, c.withdrawn_at, c.withdrawn_by, w.name, c.withdraw_reason "
    "FROM consents c JOIN users u ON u.id = c.recorded_by LEFT JOIN users w ON w.id = "
    "c.withdrawn_by WHERE c.patient_id = ?1 AND (?2 IS NULL OR c.id = ?2) "
    "ORDER BY c.recorded_at DESC, c.id";
static const char sql_consent_orgs[] =
    "SELECT o.id, o.name FROM consent_orgs co JOIN orgs o ON o.id = co.org_id "
    "WHERE co.consent_id = ? ORDER BY o.code";

static json_t *consent_row(struct store_stmt *s)
{
    bool withdrawn = !store_is_null(s, 8);
    json_t *by = store_is_null(s, 9)
                     ? json_null()
                     : json_pack("{s:s, s:s}", "id", store_text(s, 9), "name", store_text(s, 10));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:s, s:o, s:o, s:o}", "id",
                     store_text(s, 0), "scope", store_text(s, 1), "method", store_text(s, 2),
                     "consented_on", store_text(s, 3), "note", store_text(s, 4), "recorded_by",
                     "id", store_text(s, 5), "name", store_text(s, 6), "recorded_at",
                     api_time_or_null(s, 7), "status", withdrawn ? "withdrawn" : "active",
                     "withdrawn_at", api_time_or_null(s, 8), "withdrawn_by", by, "withdraw_reason",
                     store_is_null(s, 11) ? json_null() : json_string(store_text(s, 11)));
}

static json_t *org_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s}", "id", store_text(s, 0), "name", store_text(s, 1));
}

static bool add_orgs(struct error *err, struct store_conn *conn, json_t *consent)
{
    const char *id = json_string_value(json_object_get(consent, "id"));
    json_t *orgs = api_rows(err, store_query(err, conn, sql_consent_orgs, "t", id), org_row);
    return orgs && json_object_set_new(consent, "orgs", orgs) == 0;
}

/* Consents of the patient (all, or the one with consent_id), newest first. */
static json_t *consents_json(struct error *err, struct request *req, const char *consent_id)
{
    json_t *items = api_rows(
        err, store_query(err, req->op.conn, sql_consents, "tt", req->patient_id, consent_id),
        consent_row);
    size_t i;
    json_t *c;
    json_array_foreach(items, i, c)
    {
        if (!add_orgs(err, req->op.conn, c)) {
            json_decref(items);
            return NULL;
        }
    }
    return items;
}

bool consents_list(struct error *err, struct request *req)
{
    return api_respond_items(req, consents_json(err, req, NULL));
}

static bool respond_consent(struct error *err, struct request *req, const char *id, int status)
{
    json_t *items = consents_json(err, req, id);
    if (!items)
        return false;
    if (json_array_size(items) != 1) {
        json_decref(items);
        return error_set(err, ERR_CONSENT_NOT_FOUND, NULL);
    }
    response_json(req, status, json_incref(json_array_get(items, 0)));
    json_decref(items);
    return true;
}

static bool insert_orgs(struct error *err, struct request *req, const char *consent_id,
                        json_t *org_ids)
{
    size_t i;
    json_t *v;
    json_array_foreach(org_ids, i, v)
    {
        bool exists = false;
        if (!accounts_org_exists(err, req->op.conn, json_string_value(v), &exists))
            return false;
        if (!exists)
            return error_set(err, ERR_FIELD_VALUE, "org_ids[%zu]: no such organisation", i);
        if (!store_exec(err, req->op.conn, NULL,
                        "INSERT INTO consent_orgs (consent_id, org_id, patient_id) VALUES (?, ?, "
                        "?) ON CONFLICT DO NOTHING",
                        "ttt", consent_id, json_string_value(v), req->patient_id))
            return false;
    }
    return true;
}

bool consents_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"org_ids", JV_UUID_ARRAY, true, 50, NULL},
        {"scope", JV_STRING, true, 0, patients_consent_scopes},
        {"method", JV_STRING, true, 0, patients_consent_methods},
        {"consented_on", JV_DATE, true, 0, NULL},
        {"note", JV_STRING, false, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    json_t *org_ids = json_object_get(req->json, "org_ids");
    if (json_array_size(org_ids) == 0)
        return error_set(err, ERR_FIELD_VALUE, "org_ids: list at least one organisation");
    char id[UUID_STR_LEN];
    ids_uuid_new(id);
    const char *note = jsonv_str(req->json, "note");
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "INSERT INTO consents (id, patient_id, scope, method, consented_on, note, "
                    "recorded_by, recorded_by_org, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "tttttttti", id, req->patient_id, jsonv_str(req->json, "scope"),
                    jsonv_str(req->json, "method"), jsonv_str(req->json, "consented_on"),
                    note ? note : "", req->op.principal.user_id, req->op.principal.org_id,
                    clock_now_ms()) ||
        !insert_orgs(err, req, id, org_ids))
        return false;
    req->object_type = "consent";
    req->object_id = arena_strdup(req->op.arena, id);
    return respond_consent(err, req, req->object_id, 201);
}

bool consents_withdraw(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_TEXT, true, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *cid = request_param(req, 1);
    if (!ids_uuid_valid(cid))
        return error_set(err, ERR_CONSENT_NOT_FOUND, NULL);
    if (!jsonv_check(err, req->json, fields))
        return false;
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT withdrawn_at FROM consents WHERE id = ? AND patient_id = ?",
        "tt", cid, req->patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool withdrawn = r == STORE_ROW && !store_is_null(s, 0);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_CONSENT_NOT_FOUND, NULL);
    if (withdrawn)
        return error_set(err, ERR_CONSENT_WITHDRAWN, NULL);
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? "
                    "WHERE id = ? AND withdrawn_at IS NULL",
                    "ittt", clock_now_ms(), req->op.principal.user_id,
                    jsonv_str(req->json, "reason"), cid))
        return false;
    req->object_type = "consent";
    req->object_id = cid;
    req->audit_detail = "consent withdrawn";
    return respond_consent(err, req, cid, 200);
}
