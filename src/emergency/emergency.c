/* SPDX-License-Identifier: Apache-2.0 */
/* Emergency (break-the-glass) access, issue 3: a physician or nurse of a hospital that is not on
 * a patient's care team finds the patient by name and birth date, states a reason and reads the
 * emergency view for a limited time. access_decide lets the grant open the data; this file
 * creates, reuses and ends grants, audits them and notifies the patient's care team. */
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/kana.h"
#include "emergency_int.h"
#include "notify/notify.h"

enum { REASON_MAX = 1000, SEARCH_MAX = 10 };

json_t *emergency_grant_row(struct store_stmt *s)
{
    int64_t now = clock_now_ms(), expires = store_int(s, 11);
    bool ended = !store_is_null(s, 12);
    /* end_reason is 'ended' or 'expired'; an expired grant the sweep has not ended yet counts
     * as expired already */
    const char *status = ended ? store_text(s, 13) : expires <= now ? "expired" : "active";
    json_t *closed_by = store_is_null(s, 15) ? json_null()
                                             : json_pack("{s:s, s:s}", "id", store_text(s, 15),
                                                         "name", store_text(s, 16));
    json_t *review = json_pack("{s:o, s:o, s:o}", "closed_at", api_time_or_null(s, 14), "closed_by",
                               closed_by, "comment", api_text_or_null(s, 17));
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:s, s:o, s:o, s:o, s:s, "
        "s:I, s:o}",
        "id", store_text(s, 0), "patient", "id", store_text(s, 1), "name", store_text(s, 2),
        "name_kana", store_text(s, 3), "user", "id", store_text(s, 4), "name", store_text(s, 5),
        "profession", store_text(s, 6), "org", "id", store_text(s, 7), "name", store_text(s, 8),
        "reason", store_text(s, 9), "started_at", api_time_or_null(s, 10), "expires_at",
        api_time_or_null(s, 11), "ended_at", api_time_or_null(s, 12), "status", status,
        "remaining_seconds",
        (json_int_t)(!ended && expires > now ? (expires - now + 999) / 1000 : 0), "review", review);
}

static json_t *grant_json(struct error *err, struct request *req, const char *gid)
{
    json_t *items = api_rows(
        err, store_query(err, req->op.conn, EMERGENCY_GRANT_SELECT "WHERE e.id = ?", "t", gid),
        emergency_grant_row);
    if (!items)
        return NULL;
    json_t *g = json_incref(json_array_get(items, 0));
    json_decref(items);
    if (!g)
        error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    return g;
}

/* ---- search ------------------------------------------------------------------------------ */

static const char sql_search[] =
    "SELECT p.id, p.name, p.name_kana, p.birth_date, p.sex, (" ACCESS_VISIBLE_SQL ") "
    "FROM patients p WHERE p.birth_date = ?5 AND ((CAST(?6 AS TEXT) IS NOT NULL AND p.name_key = "
    "?6) "
    "OR (CAST(?7 AS TEXT) IS NOT NULL AND p.kana_key = ?7)) ORDER BY p.kana_key, p.id LIMIT ?8";

static json_t *candidate_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", store_text(s, 0), "name",
                     store_text(s, 1), "name_kana", store_text(s, 2), "birth_date",
                     store_text(s, 3), "sex", store_text(s, 4), "accessible", (int)store_int(s, 5));
}

/* The normalised form of an optional name field, or NULL when absent or blank. */
static const char *name_key(struct error *err, struct request *req, const char *field)
{
    const char *v = jsonv_str(req->json, field);
    if (!v)
        return NULL;
    char *key = kana_normalize(v);
    if (!key) {
        error_set(err, ERR_FIELD_VALUE, "%s: not a name", field);
        return NULL;
    }
    const char *out = key[0] ? arena_strdup(req->op.arena, key) : NULL;
    free(key);
    return out;
}

bool emergency_search(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"name", JV_STRING, false, 100, NULL},
        {"name_kana", JV_STRING, false, 100, NULL},
        {"birth_date", JV_DATE, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!access_emergency_eligible(err, req->op.conn, &req->op.principal) ||
        !jsonv_check(err, req->json, fields))
        return false;
    struct error key_err = {0};
    const char *name = name_key(&key_err, req, "name");
    const char *kana = name_key(&key_err, req, "name_kana");
    if (key_err.code)
        return error_set(err, key_err.code, "%s", key_err.detail);
    if (!name && !kana)
        return error_set(err, ERR_FIELD_MISSING, "name or name_kana");
    const char *birth = jsonv_str(req->json, "birth_date");
    struct access_rule_args a;
    access_rule_args_of(&req->op.principal, &a);
    json_t *items =
        api_rows(err,
                 store_query(err, req->op.conn, sql_search, "tttittti", a.org_id, a.today,
                             a.user_id, a.now_ms, birth, name, kana, (int64_t)SEARCH_MAX),
                 candidate_row);
    if (!items)
        return false;
    req->audit_detail = arena_printf(
        req->op.arena, "emergency search name=%s name_kana=%s birth_date=%s results=%zu",
        name ? jsonv_str(req->json, "name") : "-", kana ? jsonv_str(req->json, "name_kana") : "-",
        birth, json_array_size(items));
    return api_respond_items(req, items);
}

/* ---- start / reuse ------------------------------------------------------------------------ */

/* One notification for every organisation of the patient's care team that may see the patient,
 * in the transaction. */
static bool notify_team(struct error *err, struct request *req, const char *gid, const char *reason,
                        int64_t expires)
{
    struct store_stmt *s;
    char org_name[256] = "", until[32];
    s = store_query(err, req->op.conn, "SELECT name FROM orgs WHERE id = ?", "t",
                    req->op.principal.org_id);
    if (s && store_step(err, s) == STORE_ROW)
        snprintf(org_name, sizeof(org_name), "%s", store_text(s, 0));
    store_done(s);
    clock_format_iso(expires, until);
    json_t *summary =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "emergency_access_id", gid, "user_name",
                  req->op.principal.name, "profession", req->op.principal.profession, "org_name",
                  org_name, "reason", reason, "expires_at", until);
    /* the stream names no patient; the client fetches the notification, which passes the
     * access rule and is audited */
    struct notify_message m = {.kind = "emergency_access",
                               .patient_id = req->patient_id,
                               .ref_id = gid,
                               .summary = summary};
    bool ok = summary ? notify_care_team(err, &req->op, NULL, &m) : error_set(err, ERR_NOMEM, NULL);
    json_decref(summary);
    return ok;
}

static bool start_new(struct error *err, struct request *req)
{
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    if (!reason || !*reason)
        return error_set(err, ERR_EMERGENCY_REASON_REQUIRED, "reason");
    char gid[UUID_STR_LEN];
    int64_t expires = req->op.now_ms + req->op.env->emergency_access_ms;
    req->object_type = "emergency_access";
    if (!access_emergency_grant(err, &req->op, req->patient_id, reason, expires, gid))
        return false;
    req->object_id = arena_strdup(req->op.arena, gid);
    if (!notify_team(err, req, gid, reason, expires) ||
        !op_audit(err, &req->op, "emergency.start", 'E', req->patient_id, "emergency_access", gid,
                  arena_printf(req->op.arena, "emergency override start: %s", reason)))
        return false;
    json_t *g = grant_json(err, req, gid);
    if (!g)
        return false;
    response_json(req, 201, g);
    return true;
}

bool emergency_start(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_STRING, false, REASON_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *patient = request_param(req, 0);
    if (!ids_uuid_valid(patient))
        return error_set(err, ERR_PATIENT_NOT_FOUND, "malformed id");
    if (!access_emergency_eligible(err, req->op.conn, &req->op.principal) ||
        (req->json && !jsonv_check(err, req->json, fields)))
        return false;
    /* Decide inside the write transaction: two concurrent starts must not make two grants. */
    struct access_decision d;
    if (!op_write_begin(err, &req->op) ||
        !access_decide(err, req->op.conn, &req->op.principal, patient, ACCESS_READ,
                       DATA_CLINICAL_EMERGENCY, &d))
        return false;
    if (d.allow && !d.emergency)
        return error_set(err, ERR_EMERGENCY_NOT_NEEDED, NULL);
    bool exists = d.allow;
    if (!exists) {
        struct store_stmt *s =
            store_query(err, req->op.conn, "SELECT 1 FROM patients WHERE id = ?", "t", patient);
        if (!s)
            return false;
        enum store_step_result r = store_step(err, s);
        store_done(s);
        if (r == STORE_FAIL)
            return false;
        if (r != STORE_ROW)
            return error_set(err, ERR_PATIENT_NOT_FOUND, NULL);
    }
    req->patient_id = patient;
    if (!d.emergency)
        return start_new(err, req);
    /* A second use within the window: no new reason, but its own audit record. */
    req->object_type = "emergency_access";
    req->object_id = arena_strdup(req->op.arena, d.grant_id);
    if (!op_audit(err, &req->op, "emergency.reuse", 'E', patient, "emergency_access", d.grant_id,
                  "emergency override reused within its window"))
        return false;
    json_t *g = grant_json(err, req, d.grant_id);
    if (!g)
        return false;
    response_json(req, 200, g);
    return true;
}

/* ---- one's own grants ---------------------------------------------------------------------- */

bool emergency_active(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    EMERGENCY_GRANT_SELECT "WHERE e.user_id = ? AND e.org_id = ? AND e.ended_at IS "
                                           "NULL AND e.expires_at > ? ORDER BY e.started_at DESC",
                    "tti", req->op.principal.user_id, req->op.principal.org_id, clock_now_ms()),
        emergency_grant_row);
    if (!items)
        return false;
    return api_respond_items(req, items);
}

bool emergency_end(struct error *err, struct request *req)
{
    const char *gid = request_param(req, 0);
    if (!api_no_fields(err, req))
        return false;
    if (!ids_uuid_valid(gid))
        return error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT patient_id FROM emergency_access WHERE id = ? AND "
                                       "user_id = ? AND ended_at IS NULL AND expires_at > ?",
                                       "tti", gid, req->op.principal.user_id, clock_now_ms());
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    const char *patient = r == STORE_ROW ? arena_strdup(req->op.arena, store_text(s, 0)) : NULL;
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    req->patient_id = patient;
    req->object_type = "emergency_access";
    req->object_id = gid;
    bool ended;
    if (!access_emergency_end(err, &req->op, gid, &ended))
        return false;
    if (!ended)
        return error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    if (!op_audit(err, &req->op, "emergency.end", 'E', patient, "emergency_access", gid,
                  "emergency override end: ended by the user"))
        return false;
    json_t *g = grant_json(err, req, gid);
    if (!g)
        return false;
    response_json(req, 200, g);
    return true;
}
