/* SPDX-License-Identifier: Apache-2.0 */
/* Vitals entered without a visit record (issue 17): a reading from a device at home, or taken by
 * a care worker or the family and passed on by a member of the team. They are judged like a
 * visit record's vitals (alerts.c) and count in the patient's baselines. docs/api/homecare.md,
 * "Alerts". */
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "homecare_int.h"

enum { NOTE_MAX = 1000, FUTURE_SLACK_MS = 5 * 60 * 1000 };

/* measured_at: an RFC 3339 date-time with its offset, plausible, not in the future. */
static bool measured_time(struct error *err, struct op *op, const char *value, int64_t *ms)
{
    struct plausible_ctx ctx = {0};
    if (strlen(value) < 20 || value[10] != 'T' || !clock_parse_iso(value, ms))
        return error_set(err, ERR_FIELD_VALUE, "measured_at: expected a date-time with its offset");
    if (*ms > op->now_ms + FUTURE_SLACK_MS)
        return error_set_bilingual(err, ERR_FIELD_RANGE, "measured_at: in the future",
                                   "measured_at: 未来の日時は入力できません");
    return plausible_check_date(err, "measured_at", PLAUSIBLE_EVENT_DATE, value, &ctx);
}

static json_t *first_text(struct store_stmt *s)
{
    return json_string(store_text(s, 0));
}

bool homecare_vitals_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"measured_at", JV_STRING, true, 40, NULL},
        {"vitals", JV_OBJECT, true, 0, NULL},
        {"note", JV_TEXT, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct op *op = &req->op;
    int64_t at;
    bool on = false;
    const json_t *vitals = json_object_get(req->json, "vitals");
    if (!jsonv_check(err, req->json, fields) ||
        !measured_time(err, op, jsonv_str(req->json, "measured_at"), &at) ||
        !homecare_vitals_check(err, vitals, "vitals"))
        return false;
    if (json_object_size(vitals) == 0)
        return error_set(err, ERR_FIELD_MISSING, "vitals");
    if (!timeline_org_on_team(err, op->conn, op->principal.org_id, req->patient_id, &on))
        return false;
    if (!on)
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_TEAM, NULL);
    json_t *content =
        json_pack("{s:O, s:O?}", "vitals", vitals, "note", json_object_get(req->json, "note"));
    const char *text = content ? homecare_canonical(op, content) : NULL;
    json_decref(content);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    char id[UUID_STR_LEN];
    ids_uuid_new(id);
    req->object_type = "homecare_vitals";
    req->object_id = arena_strdup(op->arena, id);
    struct alert_source src = {req->patient_id, id, true, at, text};
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, NULL,
                    "INSERT INTO homecare_vital_entries (id, patient_id, measured_at, content, "
                    "entered_by, entered_org, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "ttittti", id, req->patient_id, at, text, op->principal.user_id,
                    op->principal.org_id, op->now_ms) ||
        !homecare_alerts_raise_from(err, op, &src))
        return false;
    json_t *alerts = api_rows(err,
                              store_query(err, op->conn,
                                          "SELECT id FROM homecare_alerts WHERE entry_id = ? "
                                          "ORDER BY vital",
                                          "t", id),
                              first_text);
    if (!alerts)
        return false;
    response_json(req, 201, json_pack("{s:s, s:o}", "id", id, "alerts", alerts));
    return true;
}

static json_t *entry_row(struct store_stmt *s)
{
    json_t *content = json_loads(store_text(s, 2), 0, NULL);
    json_t *row =
        json_pack("{s:s, s:o, s:O, s:O, s:o, s:o, s:o}", "id", store_text(s, 0), "measured_at",
                  api_time_or_null(s, 1), "vitals", json_object_get(content, "vitals"), "note",
                  json_object_get(content, "note") ? json_object_get(content, "note") : json_null(),
                  "entered_by", api_id_name(s, 3, 4), "org", api_id_name(s, 5, 6), "entered_at",
                  api_time_or_null(s, 7));
    json_decref(content);
    return row;
}

bool homecare_vitals_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset))
        return false;
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT e.id, e.measured_at, e.content, e.entered_by, u.name, e.entered_org, "
                    "o.name, e.entered_at FROM homecare_vital_entries e JOIN users u ON u.id = "
                    "e.entered_by JOIN orgs o ON o.id = e.entered_org WHERE e.patient_id = ? "
                    "ORDER BY e.measured_at DESC, e.id LIMIT ? OFFSET ?",
                    "tii", req->patient_id, limit + 1, offset),
        entry_row);
    return request_respond_page(req, items, offset, limit);
}
