/* SPDX-License-Identifier: Apache-2.0 */
/* The care team: organisations and named staff working on the patient. */
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "patients_int.h"

/* clang-format off */
#define TEAM_ROLES(X)                                                                              \
    X("attending_physician", "主治医", "Attending physician")                                      \
    X("hospital_physician", "病院担当医", "Hospital physician in charge")                          \
    X("care_manager", "担当ケアマネ", "Care manager in charge")                                    \
    X("visiting_nurse", "訪問看護担当", "Home-visit nurse in charge")                              \
    X("pharmacist", "担当薬剤師", "Pharmacist in charge")                                          \
    X("liaison", "地域連携担当", "Patient liaison")
/* clang-format on */

CODES_LIST(patients_team_roles, patients_team_role_codes, TEAM_ROLES)

static const char sql_team[] =
    "SELECT t.id, t.org_id, o.name, o.type, t.user_id, u.name, u.profession, t.role, "
    "t.added_at, EXISTS (SELECT 1 FROM consent_orgs co JOIN consents c ON c.id = co.consent_id "
    "WHERE co.patient_id = t.patient_id AND co.org_id = t.org_id AND c.withdrawn_at IS NULL "
    "AND c.consented_on <= ?2), t.role_code FROM care_team t JOIN orgs o ON o.id = t.org_id LEFT "
    "JOIN users u "
    "ON u.id = t.user_id WHERE t.patient_id = ?1 AND t.removed_at IS NULL "
    "AND (CAST(?3 AS TEXT) IS NULL OR t.id = ?3) ORDER BY t.added_at, o.code";

static json_t *member_row(struct store_stmt *s)
{
    json_t *row = json_pack(
        "{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:b, s:o}", "id", store_text(s, 0), "org_id",
        store_text(s, 1), "org_name", store_text(s, 2), "org_type", store_text(s, 3), "user_id",
        api_text_or_null(s, 4), "user_name", api_text_or_null(s, 5), "profession",
        api_text_or_null(s, 6), "role", store_text(s, 7), "added_at", api_time_or_null(s, 8),
        "consent_in_force", (int)store_int(s, 9), "role_code", api_text_or_null(s, 10));
    return row;
}

static json_t *team_json(struct error *err, struct request *req, const char *member_id)
{
    char today[11];
    clock_today_tokyo(today);
    return api_rows(
        err, store_query(err, req->op.conn, sql_team, "ttt", req->patient_id, today, member_id),
        member_row);
}

/* The members, with the coded roles and their labels (for the form that adds a member). */
bool team_list(struct error *err, struct request *req)
{
    json_t *items = team_json(err, req, NULL);
    if (!items)
        return false;
    response_json(
        req, 200,
        json_pack("{s:o, s:o}", "items", items, "roles", api_code_labels(patients_team_roles)));
    return true;
}

static bool check_member(struct error *err, struct request *req, const char *org, const char *user)
{
    bool exists = false;
    if (!accounts_org_exists(err, req->op.conn, org, &exists))
        return false;
    if (!exists)
        return error_set(err, ERR_FIELD_VALUE, "org_id: no such organisation");
    const char *sql = user ? "SELECT 1 FROM care_team WHERE patient_id = ? AND org_id = ? AND "
                             "user_id = ? AND removed_at IS NULL"
                           : "SELECT 1 FROM care_team WHERE patient_id = ? AND org_id = ? AND "
                             "user_id IS NULL AND removed_at IS NULL";
    struct store_stmt *s =
        user ? store_query(err, req->op.conn, sql, "ttt", req->patient_id, org, user)
             : store_query(err, req->op.conn, sql, "tt", req->patient_id, org);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r != STORE_DONE)
        return r == STORE_FAIL ? false : error_set(err, ERR_TEAM_DUPLICATE, NULL);
    if (!user)
        return true;
    s = store_query(err, req->op.conn, "SELECT 1 FROM memberships WHERE user_id = ? AND org_id = ?",
                    "tt", user, org);
    if (!s)
        return false;
    r = store_step(err, s);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL
                   ? false
                   : error_set(err, ERR_FIELD_VALUE, "user_id: not a member of that organisation");
    return true;
}

bool team_add(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"org_id", JV_UUID, true, 0, NULL},
        {"user_id", JV_UUID, false, 0, NULL},
        {"role", JV_STRING, false, 64, NULL},
        {"role_code", JV_STRING, false, 0, patients_team_role_codes},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *org = jsonv_str(req->json, "org_id"), *user = jsonv_str(req->json, "user_id");
    const char *role = jsonv_str(req->json, "role");
    if (!check_member(err, req, org, user))
        return false;
    char id[UUID_STR_LEN] = "";
    const struct patients_member m = {req->patient_id, org, user, role,
                                      jsonv_str(req->json, "role_code")};
    if (!patients_team_insert(err, &req->op, &m, id))
        return false;
    req->object_type = "care_team";
    req->object_id = arena_strdup(req->op.arena, id);
    json_t *items = team_json(err, req, id);
    if (!items)
        return false;
    response_json(req, 201, json_incref(json_array_get(items, 0)));
    json_decref(items);
    return true;
}

bool team_remove(struct error *err, struct request *req)
{
    const char *mid = request_param(req, 1);
    if (!ids_uuid_valid(mid))
        return error_set(err, ERR_TEAM_MEMBER_NOT_FOUND, NULL);
    if (!patients_team_remove(err, &req->op, req->patient_id, mid))
        return false;
    req->object_type = "care_team";
    req->object_id = mid;
    response_empty(req, 204);
    return true;
}
