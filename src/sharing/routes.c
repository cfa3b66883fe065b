/* SPDX-License-Identifier: Apache-2.0 */
/* The handlers of the sharing rules (issue 17): the vocabulary, the region's rules (the network
 * office) and a patient's (the team), each as the API shows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/jsonv.h"
#include "core/text.h"
#include "sharing_int.h"

/* A space-separated list as a JSON array. */
static json_t *codes_json(const char *list)
{
    json_t *a = json_array();
    const char *p = list;
    while (a && *p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p += n + (end ? 1 : 0);
    }
    return a;
}

json_t *sharing_named(struct error *err, struct store_conn *conn, bool user, const char *id)
{
    if (!id || !id[0])
        return json_null();
    struct store_stmt *s = store_query(err, conn,
                                       user ? "SELECT id, name FROM users WHERE id = ?"
                                            : "SELECT id, name FROM orgs "
                                              "WHERE id = ?",
                                       "t", id);
    if (!s)
        return NULL;
    json_t *out = store_step(err, s) == STORE_ROW ? api_id_name(s, 0, 1)
                                                  : json_pack("{s:s, s:n}", "id", id, "name");
    store_done(s);
    return out;
}

static json_t *rule_json(struct error *err, struct op *op, struct store_stmt *s)
{
    struct sharing_rule r;
    sharing_rule_from_row(s, &r);
    json_t *recipients = json_array();
    for (int i = 0; recipients && i < r.recipient_count; i++) {
        const struct sharing_recipient *rc = &r.recipients[i];
        json_array_append_new(
            recipients,
            rc->role[0]
                ? json_pack("{s:s}", "role", rc->role)
                : json_pack("{s:o, s:o}", "org", sharing_named(err, op->conn, false, rc->org_id),
                            "user", sharing_named(err, op->conn, true, rc->user_id)));
    }
    char at[6] = "";
    if (r.at_minute >= 0)
        sharing_hhmm(r.at_minute, at);
    return json_pack("{s:s, s:s, s:s, s:{s:o, s:o, s:o}, s:o, s:s, s:s?, s:s?, s:o, s:o, s:o, s:o}",
                     "id", r.id, "scope", r.patient_id[0] ? "patient" : "region", "kind", r.kind,
                     "condition", "professions", codes_json(r.professions), "severities",
                     codes_json(r.severities), "org_types", codes_json(r.org_types), "recipients",
                     recipients, "timing", r.timing, "at", at[0] ? at : NULL, "weekday",
                     r.weekday ? sharing_weekdays[r.weekday - 1] : NULL, "note",
                     api_text_or_null(s, 10), "created_by", api_id_name(s, 11, 12), "created_at",
                     api_time_or_null(s, 13), "updated_at", api_time_or_null(s, 14));
}

#define RULE_SELECT                                                                                \
    "SELECT r.id, COALESCE(r.patient_id, ''), r.kind, r.professions, r.severities, r.org_types, "  \
    "r.recipients, r.timing, COALESCE(r.weekday, 0), COALESCE(r.at_minute, -1), r.note, "          \
    "r.created_by, u.name, r.created_at, r.updated_at FROM sharing_rules r LEFT JOIN users u ON "  \
    "u.id = r.created_by "

static json_t *rules_of(struct error *err, struct op *op, struct store_stmt *s)
{
    if (!s)
        return NULL;
    json_t *items = json_array();
    enum store_step_result step = STORE_DONE;
    bool ok = items != NULL;
    while (ok && (step = store_step(err, s)) == STORE_ROW) {
        json_t *one = rule_json(err, op, s);
        ok = one && json_array_append_new(items, one) == 0;
    }
    store_done(s);
    if (!ok && err->code == ERR_NONE)
        error_set(err, ERR_NOMEM, "rules");
    if (!ok || step == STORE_FAIL) {
        json_decref(items);
        return NULL;
    }
    return items;
}

json_t *sharing_rules_json(struct error *err, struct op *op, const char *patient_id)
{
    return rules_of(err, op,
                    store_query(err, op->conn,
                                RULE_SELECT "WHERE COALESCE(r.patient_id, '') = ? AND "
                                            "r.deleted_at IS NULL ORDER BY r.created_at, r.id",
                                "t", patient_id ? patient_id : ""));
}

json_t *sharing_rule_json(struct error *err, struct op *op, const char *id)
{
    json_t *items = rules_of(
        err, op,
        store_query(err, op->conn, RULE_SELECT "WHERE r.id = ? AND r.deleted_at IS NULL", "t", id));
    json_t *one = json_incref(json_array_get(items, 0));
    json_decref(items);
    if (!one && err->code == ERR_NONE)
        error_set(err, ERR_SHARING_RULE_NOT_FOUND, NULL);
    return one;
}

/* ---- handlers -------------------------------------------------------------------------------- */

static json_t *labels(const char *const *codes, const char *const *ja, const char *const *en)
{
    json_t *a = json_array();
    for (int i = 0; a && codes[i]; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s}", "code", codes[i], "ja", ja[i], "en", en[i]));
    return a;
}

bool sharing_vocabulary(struct error *err, struct request *req)
{
    static const char *const kind_ja[] = {"バイタル異常", "訪問記録", "処方・服薬の変更", "入院",
                                          "退院",         "死亡",     "在宅療養の終了"};
    static const char *const kind_en[] = {"Abnormal vitals", "Visit record", "Medication change",
                                          "Admission",       "Discharge",    "Death",
                                          "End of home care"};
    static const char *const role_ja[] = {"オンコール医師", "ケアマネジャー",
                                          "薬局",           "訪問看護",
                                          "チーム全員",     "地域包括支援センター"};
    static const char *const role_en[] = {"On-call physician", "Care manager",
                                          "Pharmacy",          "Visiting nurse",
                                          "Whole team",        "Municipal support centre"};
    static const char *const sev_ja[] = {"高", "中", "低"};
    static const char *const sev_en[] = {"High", "Medium", "Low"};
    static const char *const timing_ja[] = {"即時", "毎日まとめて", "毎週まとめて"};
    static const char *const timing_en[] = {"At once", "Daily digest", "Weekly digest"};
    static const char *const wd_ja[] = {"月", "火", "水", "木", "金", "土", "日"};
    static const char *const wd_en[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    response_json(req, 200,
                  json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "kinds",
                            labels(sharing_kinds, kind_ja, kind_en), "roles",
                            labels(sharing_roles, role_ja, role_en), "severities",
                            labels(sharing_severities, sev_ja, sev_en), "timings",
                            labels(sharing_timings, timing_ja, timing_en), "weekdays",
                            labels(sharing_weekdays, wd_ja, wd_en), "professions",
                            api_code_labels(accounts_professions), "org_types",
                            api_code_labels(accounts_org_types)));
    return true;
}

static bool respond_rule(struct error *err, struct request *req, int status, const char *id)
{
    json_t *one = sharing_rule_json(err, &req->op, id);
    if (!one)
        return false;
    req->object_type = "sharing_rule";
    req->object_id = arena_strdup(req->op.arena, id);
    response_json(req, status, one);
    return true;
}

static bool save(struct error *err, struct request *req, const char *patient_id, const char *id)
{
    struct sharing_rule r;
    const char *note = NULL;
    if (id && !ids_uuid_valid(id))
        return error_set(err, ERR_SHARING_RULE_NOT_FOUND, "malformed id");
    if (!sharing_rule_parse(err, &req->op, req->json, patient_id, &r, &note))
        return false;
    if (id)
        text_copy(r.id, sizeof r.id, id);
    return sharing_rule_save(err, &req->op, &r, note, id == NULL) &&
           respond_rule(err, req, id ? 200 : 201, r.id);
}

bool sharing_region_list(struct error *err, struct request *req)
{
    return request_query_check(err, req, (const char *const[]){NULL}) &&
           api_respond_items(req, sharing_rules_json(err, &req->op, NULL));
}

bool sharing_region_create(struct error *err, struct request *req)
{
    return save(err, req, NULL, NULL);
}

bool sharing_region_update(struct error *err, struct request *req)
{
    return save(err, req, NULL, request_param(req, 0));
}

bool sharing_region_delete(struct error *err, struct request *req)
{
    if (!sharing_rule_delete(err, &req->op, NULL, request_param(req, 0)))
        return false;
    response_empty(req, 204);
    return true;
}

bool sharing_patient_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *own = sharing_rules_json(err, &req->op, req->patient_id);
    json_t *region = own ? sharing_rules_json(err, &req->op, NULL) : NULL;
    if (!region) {
        json_decref(own);
        return false;
    }
    response_json(req, 200, json_pack("{s:o, s:o}", "items", own, "region", region));
    return true;
}

bool sharing_patient_create(struct error *err, struct request *req)
{
    return save(err, req, req->patient_id, NULL);
}

bool sharing_patient_update(struct error *err, struct request *req)
{
    return save(err, req, req->patient_id, request_param(req, 1));
}

bool sharing_patient_delete(struct error *err, struct request *req)
{
    if (!sharing_rule_delete(err, &req->op, req->patient_id, request_param(req, 1)))
        return false;
    response_empty(req, 204);
    return true;
}
