/* SPDX-License-Identifier: Apache-2.0 */
/* The care team as FHIR R4 CareTeam (one per patient, id = the patient's id): each member a
 * participant, the organisation as onBehalfOf (or as the member when the whole organisation is
 * on the team), the coded role as participant.role. Read and searched through the same access
 * rule as the patient's record; every read is audited. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/ids.h"
#include "fhir/rest.h"
#include "http/router.h"
#include "patients_int.h"

#define ROLE_SYSTEM "https://tsunagu.example.jp/fhir/CodeSystem/care-team-role"

static json_t *reference(const char *type, const char *id, const char *display)
{
    char ref[96];
    snprintf(ref, sizeof ref, "%s/%s", type, id);
    return json_pack("{s:s, s:s}", "reference", ref, "display", display);
}

/* One participant from a care_team row (columns of sql_members). */
static json_t *participant(struct store_stmt *s)
{
    json_t *p = json_object();
    const char *role_code = store_is_null(s, 5) ? NULL : store_text(s, 5);
    const char *note = store_text(s, 4);
    if (role_code || note[0]) {
        json_t *role = json_object();
        if (role_code)
            json_object_set_new(role, "coding",
                                json_pack("[{s:s, s:s, s:s}]", "system", ROLE_SYSTEM, "code",
                                          role_code, "display",
                                          codes_label(patients_team_roles, role_code, true)));
        if (note[0])
            json_object_set_new(role, "text", json_string(note));
        json_object_set_new(p, "role", json_pack("[o]", role));
    }
    json_t *org = reference("Organization", store_text(s, 0), store_text(s, 1));
    if (store_is_null(s, 2)) {
        json_object_set_new(p, "member", org);
    } else {
        // Staff are not Practitioner resources here: the member is named, on behalf of the org.
        json_object_set_new(p, "member", json_pack("{s:s}", "display", store_text(s, 3)));
        json_object_set_new(p, "onBehalfOf", org);
    }
    return p;
}

static const char sql_members[] =
    "SELECT t.org_id, o.name, t.user_id, u.name, t.role, t.role_code FROM care_team t "
    "JOIN orgs o ON o.id = t.org_id LEFT JOIN users u ON u.id = t.user_id "
    "WHERE t.patient_id = ? AND t.removed_at IS NULL ORDER BY t.added_at, o.code, t.id";

/* The CareTeam of patient id (who was checked to exist and be readable). */
static json_t *care_team_json(struct error *err, struct request *req, const char *id)
{
    struct store_stmt *s = store_query(err, req->op.conn, sql_members, "t", id);
    if (!s)
        return NULL;
    json_t *participants = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(participants, participant(s));
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(participants);
        return NULL;
    }
    char subject[64];
    snprintf(subject, sizeof subject, "Patient/%s", id);
    return json_pack("{s:s, s:s, s:s, s:{s:s}, s:o}", "resourceType", "CareTeam", "id", id,
                     "status", "active", "subject", "reference", subject, "participant",
                     participants);
}

static bool patient_exists(struct error *err, struct request *req, const char *id, bool *found)
{
    *found = false;
    if (!ids_uuid_valid(id))
        return true;
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT 1 FROM patients WHERE id = ?", "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    *found = r == STORE_ROW;
    return r != STORE_FAIL;
}

static bool team_read(struct error *err, struct request *req, const char *type, const char *id,
                      json_t **out)
{
    *out = NULL;
    bool found = false;
    if (!patient_exists(err, req, id, &found))
        return false;
    if (!found) {
        req->access_checked = true;
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", type, id);
    }
    if (!fhir_allow(err, req, id, type, id, ACCESS_READ))
        return false;
    *out = care_team_json(err, req, id);
    if (!*out)
        return false;
    if (!fhir_audit_patient_read(err, req, id, type, id)) {
        json_decref(*out);
        *out = NULL;
        return false;
    }
    return true;
}

/* Appends the CareTeam of every visible patient the query selects (column 0: patient id). */
static bool team_rows(struct error *err, struct request *req, struct fhir_view_query *q,
                      json_t *bundle)
{
    struct store_stmt *s = store_query_args(err, req->op.conn, q->sql.buf, q->args, q->n);
    if (!s)
        return false;
    enum store_step_result r;
    int got = 0;
    bool ok = true;
    while (ok && got < q->count && (r = store_step(err, s)) == STORE_ROW) {
        const char *id = arena_strdup(req->op.arena, store_text(s, 0));
        json_t *res = care_team_json(err, req, id);
        ok = res && fhir_audit_patient_read(err, req, id, "CareTeam", id);
        if (res)
            json_array_append_new(
                json_object_get(bundle, "entry"),
                json_pack("{s:s, s:o, s:{s:s}}", "fullUrl",
                          arena_printf(req->op.arena, "%s/CareTeam/%s", fhir_base_url(req), id),
                          "resource", res, "search", "mode", "match"));
        got++;
    }
    store_done(s);
    req->op.audited = req->op.read_count > 0;
    return ok && r != STORE_FAIL;
}

static bool team_search(struct error *err, struct request *req, const char *type,
                        const struct fhir_qparam *params, int n, json_t *bundle)
{
    (void)type;
    if (!access_may_search(&req->op.principal)) {
        json_object_set_new(bundle, "total", json_integer(0));
        return true;
    }
    struct access_rule_args rule;
    access_rule_args_of(&req->op.principal, &rule);
    struct fhir_view_query q = {.count = 50};
    access_rule_bind(&rule, q.args);
    q.n = ACCESS_RULE_PARAMS;
    strbuf_printf(&q.sql, "SELECT p.id FROM patients p WHERE " ACCESS_VISIBLE_SQL
                          " AND CAST(?3 AS TEXT) IS NOT NULL AND CAST(?4 AS BIGINT) IS NOT NULL");
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        const char *name = params[i].name, *v = params[i].value;
        if (!strcmp(name, "patient") || !strcmp(name, "subject") || !strcmp(name, "_id")) {
            ok = fhir_view_arg(err, &q, strncmp(v, "Patient/", 8) == 0 ? v + 8 : v);
            strbuf_printf(&q.sql, " AND p.id = ?%d", q.n);
        } else {
            ok = fhir_view_paging(err, &q, name, v);
        }
    }
    if (ok) {
        strbuf_printf(&q.sql, " ORDER BY p.kana_key, p.id LIMIT %d OFFSET %d", q.count + 1,
                      q.offset);
        ok = team_rows(err, req, &q, bundle);
    }
    strbuf_release(&q.sql);
    if (ok)
        json_object_set_new(
            bundle, "total",
            json_integer((json_int_t)json_array_size(json_object_get(bundle, "entry")) + q.offset));
    return ok;
}

static const struct fhir_view care_team_view = {
    .type = "CareTeam",
    .read = team_read,
    .search = team_search,
    .params =
        (const struct fhir_view_param[]){
            {"_id", "token"}, {"patient", "reference"}, {"subject", "reference"}, {NULL, NULL}},
};

const struct fhir_view *const patients_fhir_views[] = {&care_team_view, NULL};
