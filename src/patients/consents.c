/* SPDX-License-Identifier: Apache-2.0 */
/* Consent records: the patient agrees to share with listed organisations; withdrawal keeps the
 * history. The router has already decided access to the patient. */
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "patients_int.h"

static const char sql_consents[] =
    "SELECT c.id, c.scope, c.method, c.consented_on, c.note, c.recorded_by, u.name, "
    "c.recorded_at, c.withdrawn_at, c.withdrawn_by, w.name, c.withdraw_reason "
    "FROM consents c JOIN users u ON u.id = c.recorded_by LEFT JOIN users w ON w.id = "
    "c.withdrawn_by WHERE c.patient_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR c.id = ?2) "
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

bool patients_consent_date_check(struct error *err, struct request *req, const char *field,
                                 const char *consented_on)
{
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT birth_date FROM patients WHERE id = ?", "t", req->patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    struct plausible_ctx ctx = {0};
    if (r == STORE_ROW)
        ctx.birth_date = arena_strdup(req->op.arena, store_text(s, 0));
    store_done(s);
    return r != STORE_FAIL &&
           plausible_check_date(err, field, PLAUSIBLE_EVENT_DATE, consented_on, &ctx);
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
    if (!jsonv_check(err, req->json, fields) ||
        !patients_consent_date_check(err, req, "consented_on",
                                     jsonv_str(req->json, "consented_on")))
        return false;
    json_t *org_ids = json_object_get(req->json, "org_ids");
    size_t n = json_array_size(org_ids);
    const char **orgs = arena_alloc(req->op.arena, (n ? n : 1) * sizeof *orgs);
    for (size_t i = 0; i < n; i++)
        orgs[i] = json_string_value(json_array_get(org_ids, i));
    const struct patients_consent c = {req->patient_id,
                                       jsonv_str(req->json, "scope"),
                                       jsonv_str(req->json, "method"),
                                       jsonv_str(req->json, "consented_on"),
                                       jsonv_str(req->json, "note"),
                                       orgs,
                                       n};
    char id[UUID_STR_LEN] = "";
    if (!patients_consent_insert(err, &req->op, &c, id))
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
    if (!patients_consent_withdraw(err, &req->op, req->patient_id, cid,
                                   jsonv_str(req->json, "reason")))
        return false;
    req->object_type = "consent";
    req->object_id = cid;
    req->audit_detail = "consent withdrawn";
    return respond_consent(err, req, cid, 200);
}
