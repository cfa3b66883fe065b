/* SPDX-License-Identifier: Apache-2.0 */
/* Patients: search (only those one may see), registration, demographics, local ids. */
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/kana.h"
#include "core/plausible.h"
#include "patients_int.h"

static const char sql_patient[] =
    "SELECT id, name, name_kana, sex, birth_date, address, phone FROM patients WHERE id = ?";
static const char sql_local_ids[] =
    "SELECT l.org_id, o.name, l.local_id FROM patient_local_ids l JOIN orgs o ON o.id = l.org_id "
    "WHERE l.patient_id = ? ORDER BY l.created_at, o.code";

static json_t *local_id_row(struct store_stmt *s)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "org_id", json_string(store_text(s, 0)));
    json_object_set_new_nocheck(o, "org_name", json_string(store_text(s, 1)));
    json_object_set_new_nocheck(o, "local_id", json_string(store_text(s, 2)));
    return o;
}

static json_t *local_ids_json(struct error *err, struct store_conn *conn, const char *id)
{
    return api_rows(err, store_query(err, conn, sql_local_ids, "t", id), local_id_row);
}

/* Both directions of a patient's merges in one statement: the record it was merged into (at
 * most one, first) and the records merged into it, oldest first. */
static const char sql_merges[] =
    "SELECT 0 AS into_first, survivor_id, at FROM patient_merges WHERE merged_id = ?1 "
    "UNION ALL SELECT 1, merged_id, at FROM patient_merges WHERE survivor_id = ?1 "
    "ORDER BY into_first, at";

json_t *patients_merges_add(struct error *err, struct store_conn *conn, const char *id, json_t *p)
{
    struct store_stmt *s = store_query(err, conn, sql_merges, "t", id);
    json_t *into = json_null(), *from = json_array();
    enum store_step_result r = s ? STORE_ROW : STORE_FAIL;
    while (s && (r = store_step(err, s)) == STORE_ROW) {
        if (store_int(s, 0) == 0)
            into = json_string(store_text(s, 1));
        else
            json_array_append_new(from, json_string(store_text(s, 1)));
    }
    if (s)
        store_done(s);
    if (r == STORE_FAIL) {
        json_decref(into);
        json_decref(from);
        json_decref(p);
        return NULL;
    }
    json_object_set_new_nocheck(p, "merged_into", into);
    json_object_set_new_nocheck(p, "merged_from", from);
    return p;
}

json_t *patients_patient_json(struct error *err, struct store_conn *conn, const char *patient_id,
                              bool full)
{
    struct store_stmt *s = store_query(err, conn, sql_patient, "t", patient_id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        if (r != STORE_FAIL)
            error_set(err, ERR_PATIENT_NOT_FOUND, NULL);
        return NULL;
    }
    int age = clock_age_years(store_text(s, 4));
    json_t *p = json_object();
    static const char *const names[] = {"id", "name", "name_kana", "sex", "birth_date"};
    for (int i = 0; i < 5; i++)
        json_object_set_new_nocheck(p, names[i], json_string(store_text(s, i)));
    json_object_set_new_nocheck(p, "age", age >= 0 ? json_integer(age) : json_null());
    if (full) {
        json_object_set_new_nocheck(p, "address", json_string(store_text(s, 5)));
        json_object_set_new_nocheck(p, "phone", json_string(store_text(s, 6)));
    }
    store_done(s);
    json_t *ids = local_ids_json(err, conn, patient_id);
    if (!ids) {
        json_decref(p);
        return NULL;
    }
    json_object_set_new_nocheck(p, "local_ids", ids);
    return full ? patients_merges_add(err, conn, patient_id, p) : p;
}

/* Search pattern for LIKE: the normalised key, matched literally, inside %…%. */
static char *like_pattern(struct request *req, const char *q)
{
    char *key = kana_normalize(q);
    char *like = key ? store_like("%", key, "%") : NULL;
    char *out = like ? arena_strdup(req->op.arena, like) : NULL;
    free(key);
    free(like);
    return out;
}

static const char sql_search[] =
    "SELECT p.id FROM patients p WHERE " ACCESS_DEMOGRAPHICS_SQL
    " AND (CAST(?5 AS TEXT) IS NULL OR p.kana_key LIKE ?5" STORE_LIKE_ESCAPE " OR p.name_key LIKE "
    "?5" STORE_LIKE_ESCAPE ")"
    " AND (CAST(?6 AS TEXT) IS NULL OR p.birth_date = ?6)"
    " AND (CAST(?7 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM patient_local_ids l WHERE "
    "l.patient_id = p.id"
    "      AND l.local_id = ?7))"
    " ORDER BY p.kana_key, p.id LIMIT ?8 OFFSET ?9";

static const char *const search_query[] = {"q", "birth_date", "local_id", "limit", "cursor", NULL};

static bool search_terms(struct error *err, struct request *req, const char **like,
                         const char **birth, const char **local_id)
{
    const char *q = request_query(req, "q");
    int y, m, d;
    *like = NULL;
    *birth = request_query(req, "birth_date");
    *local_id = request_query(req, "local_id");
    if (*birth && !**birth)
        *birth = NULL;
    if (*local_id && !**local_id)
        *local_id = NULL;
    if (*birth && !clock_parse_date(*birth, &y, &m, &d))
        return error_set(err, ERR_BAD_QUERY, "birth_date: expected YYYY-MM-DD");
    if (q && *q) {
        *like = like_pattern(req, q);
        if (!*like)
            return error_set(err, ERR_BAD_QUERY, "q: invalid UTF-8");
        if (strcmp(*like, "%%") == 0)
            *like = NULL;
    }
    return true;
}

bool patients_search(struct error *err, struct request *req)
{
    const char *like, *birth, *local_id;
    int64_t limit, offset;
    if (!request_query_check(err, req, search_query) || !request_page(err, req, &limit, &offset) ||
        !search_terms(err, req, &like, &birth, &local_id))
        return false;
    if (!access_may_search(&req->op.principal))
        return error_set(err, access_search_refusal(&req->op.principal), NULL);
    struct access_rule_args a;
    access_rule_args_of(&req->op.principal, &a);
    struct store_stmt *s =
        store_query(err, req->op.conn, sql_search, "tttitttii", a.org_id, a.today, a.user_id,
                    a.now_ms, like, birth, local_id, limit + 1, offset);
    if (!s)
        return false;
    json_t *ids = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(ids, json_string(store_text(s, 0)));
    store_done(s);
    bool more = json_array_size(ids) > (size_t)limit;
    json_t *items = json_array();
    for (size_t i = 0; r != STORE_FAIL && i < json_array_size(ids) && i < (size_t)limit; i++) {
        const char *id = json_string_value(json_array_get(ids, i));
        json_t *p = patients_patient_json(err, req->op.conn, id, false);
        if (!p) {
            r = STORE_FAIL;
            break;
        }
        json_array_append_new(items, p);
        op_audit_read(&req->op, "patients_search", AUDIT_SUCCESS, id, "patient", id,
                      "listed in search results");
    }
    json_decref(ids);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    req->audit_detail = arena_printf(req->op.arena, "results=%zu", json_array_size(items));
    response_json(req, 200, request_page_body(req, items, offset, limit, more));
    return true;
}

static const struct jfield demographics[] = {
    {"name", JV_TEXT, false, 100, NULL},
    {"name_kana", JV_TEXT, false, 100, NULL},
    {"sex", JV_STRING, false, 0, patients_sex_codes},
    {"birth_date", JV_DATE, false, 0, NULL},
    {"address", JV_STRING, false, 200, NULL},
    {"phone", JV_STRING, false, 32, NULL},
    {NULL, 0, false, 0, NULL},
};

/* The ranges of core/plausible.h: the birth date, the phone and, at registration, the date of
 * the consent (not before the birth date given with it). */
static bool check_plausible(struct error *err, const json_t *body)
{
    const char *birth = jsonv_str(body, "birth_date");
    const struct plausible_ctx ctx = {.birth_date = birth};
    return plausible_check_date(err, "birth_date", PLAUSIBLE_BIRTH_DATE, birth, NULL) &&
           plausible_check_phone(err, "phone", jsonv_str(body, "phone")) &&
           plausible_check_date(err, "consent.consented_on", PLAUSIBLE_EVENT_DATE,
                                jsonv_str(json_object_get(body, "consent"), "consented_on"), &ctx);
}

/* The registering organisation joins the care team and its consent is recorded. */
static bool register_team_and_consent(struct error *err, struct op *op, const char *patient,
                                      json_t *consent)
{
    char team_id[UUID_STR_LEN] = "", consent_id[UUID_STR_LEN] = "";
    const char *org = op->principal.org_id;
    const struct patients_member m = {patient, org, NULL, "registering organisation", NULL};
    const struct patients_consent c = {patient,
                                       jsonv_str(consent, "scope"),
                                       jsonv_str(consent, "method"),
                                       jsonv_str(consent, "consented_on"),
                                       jsonv_str(consent, "note"),
                                       &org,
                                       1};
    return patients_team_insert(err, op, &m, team_id) &&
           patients_consent_insert(err, op, &c, consent_id);
}

const char *const patients_sex_codes[] = {"male", "female", "other", "unknown", NULL};
const char *const patients_consent_scopes[] = {"all", NULL};
const char *const patients_consent_methods[] = {"written", "verbal", NULL};

const struct jfield patients_consent_fields[] = {
    {"method", JV_STRING, true, 0, patients_consent_methods},
    {"consented_on", JV_DATE, true, 0, NULL},
    {"scope", JV_STRING, true, 0, patients_consent_scopes},
    {"note", JV_STRING, false, 500, NULL},
    {NULL, 0, false, 0, NULL},
};

/* The patient as the caller sees it, answered with status: its facts; "care_team", whether the
 * caller reads it as the care team with consent in force (its consents, its access history)
 * rather than through a record share or an emergency grant; and "demographics_only", whether
 * the caller is the registering organisation without a consent in force, which sees only this
 * and the consents (issue 13, item 6). Both are what the access layer found of the caller's
 * standing (struct access_decision: team, visible, registered), from the one decision that
 * also opens the demographics, so the page offers only what it may open. */
static bool answer_patient(struct error *err, struct request *req, int status)
{
    struct access_decision d;
    if (!access_decide(err, req->op.conn, &req->op.principal, req->patient_id, ACCESS_READ,
                       DATA_DEMOGRAPHICS, &d))
        return false;
    json_t *p = patients_patient_json(err, req->op.conn, req->patient_id, true);
    if (!p)
        return false;
    json_object_set_new(p, "care_team", json_boolean(d.team));
    json_object_set_new(p, "demographics_only", json_boolean(!d.visible && d.registered));
    response_json(req, status, p);
    return true;
}

/* How many candidates the caller is shown that are likely the same person (a registration
 * anew then needs a reason). The match is audited like POST /api/patients/match. */
static bool likely_matches(struct error *err, struct request *req, int *likely)
{
    struct patients_match_keys q;
    struct patients_match_hit hits[PATIENTS_MATCH_MAX];
    int n = 0;
    const json_t *b = req->json;
    *likely = 0;
    if (!patients_match_keys_of(req->op.arena, jsonv_str(b, "name"), jsonv_str(b, "name_kana"),
                                jsonv_str(b, "sex"), jsonv_str(b, "birth_date"), &q))
        return error_set(err, ERR_NOMEM, NULL); /* the texts are valid UTF-8 by now */
    if (!patients_match_find(err, &req->op, &q, hits, &n))
        return false;
    for (int i = 0; i < n; i++)
        *likely += hits[i].score >= PATIENTS_MATCH_LIKELY;
    return true;
}

static bool new_reason_insert(struct error *err, struct op *op, const char *patient,
                              const char *reason, int likely)
{
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO patient_new_reasons (patient_id, org_id, user_id, reason, "
                      "candidates, at) VALUES (?, ?, ?, ?, ?, ?)",
                      "ttttii", patient, op->principal.org_id, op->principal.user_id, reason,
                      (int64_t)likely, op->now_ms);
}

bool patients_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"name", JV_TEXT, true, 100, NULL},
        {"name_kana", JV_TEXT, true, 100, NULL},
        {"sex", JV_STRING, true, 0, patients_sex_codes},
        {"birth_date", JV_DATE, true, 0, NULL},
        {"address", JV_STRING, false, 200, NULL},
        {"phone", JV_STRING, false, 32, NULL},
        {"local_id", JV_STRING, true, 32, NULL},
        {"consent", JV_OBJECT, true, 0, NULL},
        {"new_patient_reason", JV_TEXT, false, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!access_may_search(&req->op.principal)) /* who may, before what they sent */
        return error_set(err, access_search_refusal(&req->op.principal),
                         "registering patients needs an organisation");
    if (!jsonv_check(err, req->json, fields))
        return false;
    json_t *consent = json_object_get(req->json, "consent");
    if (!jsonv_check(err, consent, patients_consent_fields) || !check_plausible(err, req->json))
        return false;
    const json_t *b = req->json;
    const struct patients_new p = {jsonv_str(b, "name"),    jsonv_str(b, "name_kana"),
                                   jsonv_str(b, "sex"),     jsonv_str(b, "birth_date"),
                                   jsonv_str(b, "address"), jsonv_str(b, "phone")};
    int likely = 0;
    if (!likely_matches(err, req, &likely))
        return false;
    const char *reason = jsonv_str(b, "new_patient_reason");
    if (likely > 0 && !reason)
        return error_set(err, ERR_POSSIBLE_DUPLICATE,
                         "new_patient_reason: %d likely match(es); link one (POST "
                         "/api/patients/link) or state why this is a new patient",
                         likely);
    char id[UUID_STR_LEN] = "";
    if (!patients_patient_create(err, &req->op, &p, id) ||
        !patients_local_id_insert(err, &req->op, id, req->op.principal.org_id,
                                  jsonv_str(b, "local_id")) ||
        !register_team_and_consent(err, &req->op, id, consent) ||
        (reason && !new_reason_insert(err, &req->op, id, reason, likely)))
        return false;
    req->patient_id = arena_strdup(req->op.arena, id);
    if (reason)
        req->audit_detail = arena_printf(
            req->op.arena, "registered anew despite %d likely match(es): %s", likely, reason);
    return answer_patient(err, req, 201);
}

bool patients_read(struct error *err, struct request *req)
{
    return answer_patient(err, req, 200);
}

bool patients_update(struct error *err, struct request *req)
{
    if (!jsonv_check(err, req->json, demographics) || !check_plausible(err, req->json))
        return false;
    const char *name = jsonv_str(req->json, "name"), *kana = jsonv_str(req->json, "name_kana");
    char *name_key = name ? kana_normalize(name) : NULL,
         *kana_key = kana ? kana_normalize(kana) : NULL;
    bool ok = (!name || (name_key && name_key[0])) && (!kana || (kana_key && kana_key[0]));
    if (!ok)
        error_set(err, ERR_FIELD_VALUE, "name and name_kana must not be empty");
    ok = ok && op_write_begin(err, &req->op) &&
         store_exec(err, req->op.conn, NULL,
                    "UPDATE patients SET name = COALESCE(?, name), name_key = COALESCE(?, "
                    "name_key), name_kana = COALESCE(?, name_kana), kana_key = COALESCE(?, "
                    "kana_key), sex = COALESCE(?, sex), birth_date = COALESCE(?, birth_date), "
                    "address = COALESCE(?, address), phone = COALESCE(?, phone), updated_at = ? "
                    "WHERE id = ?",
                    "ttttttttit", name, name_key, kana, kana_key, jsonv_str(req->json, "sex"),
                    jsonv_str(req->json, "birth_date"), jsonv_str(req->json, "address"),
                    jsonv_str(req->json, "phone"), clock_now_ms(), req->patient_id);
    free(name_key);
    free(kana_key);
    return ok && patients_read(err, req);
}

bool patients_local_id_add(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"local_id", JV_STRING, true, 32, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields) ||
        !patients_local_id_insert(err, &req->op, req->patient_id, req->op.principal.org_id,
                                  jsonv_str(req->json, "local_id")))
        return false;
    req->object_type = "local_id";
    req->object_id = arena_strdup(req->op.arena, jsonv_str(req->json, "local_id"));
    return answer_patient(err, req, 201);
}
