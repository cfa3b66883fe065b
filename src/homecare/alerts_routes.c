/* SPDX-License-Identifier: Apache-2.0 */
/* The routes of vitals that alert (issue 17): the built-in profiles, a patient's alert settings
 * (read by the team, set by a physician of the team), the patient's alerts with their steps, and
 * acknowledging one with what was done. docs/api/homecare.md, "Alerts". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/text.h"
#include "homecare_int.h"

enum { NOTE_MAX = 1000 };

static const char *const actions[] = {"phone_instruction", "house_call", "ambulance", "observation",
                                      NULL};

bool homecare_alert_profiles_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *items = json_array();
    for (const struct alert_profile *p = homecare_alert_profiles; p->code; p++) {
        struct alert_settings s;
        memset(&s, 0, sizeof s);
        s.profile = p;
        for (int i = 0; i < HOMECARE_VITALS; i++) {
            s.low[i] = p->levels[i][0];
            s.high[i] = p->levels[i][1];
        }
        s.weight_rise_kg = p->weight_rise_kg;
        s.weight_rise_days = p->weight_rise_days;
        s.spo2_drop = p->spo2_drop;
        json_array_append_new(items, homecare_alert_settings_json(&s));
    }
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

bool homecare_alert_settings_get(struct error *err, struct request *req)
{
    struct alert_settings s;
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !homecare_alert_settings_load(err, req->op.conn, req->patient_id, &s))
        return false;
    response_json(req, 200, homecare_alert_settings_json(&s));
    return true;
}

/* A physician of an organisation on the team with consent (the rule of the route, stated where
 * it is used: the router has decided the patient already). */
static bool physician_on_team(struct error *err, struct op *op, const char *patient_id)
{
    bool on = false;
    if (!timeline_org_on_team(err, op->conn, op->principal.org_id, patient_id, &on))
        return false;
    if (!on)
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_TEAM, NULL);
    return strcmp(op->principal.profession, "physician") == 0
               ? true
               : error_set(err, ERR_HOMECARE_ALERT_NOT_PHYSICIAN, NULL);
}

bool homecare_alert_settings_put(struct error *err, struct request *req)
{
    if (!homecare_alert_settings_check(err, req->json) ||
        !physician_on_team(err, &req->op, req->patient_id) || !op_write_begin(err, &req->op))
        return false;
    json_t *o = json_deep_copy(req->json);
    json_object_del(o, "profile");
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    struct op *op = &req->op;
    bool ok = store_exec(err, op->conn, NULL,
                         "INSERT INTO homecare_alert_settings (patient_id, profile, overrides, "
                         "set_by, set_org, set_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                         "(patient_id) DO UPDATE SET profile = excluded.profile, overrides = "
                         "excluded.overrides, set_by = excluded.set_by, set_org = "
                         "excluded.set_org, set_at = excluded.set_at",
                         "ttttti", req->patient_id, jsonv_str(req->json, "profile"), text,
                         op->principal.user_id, op->principal.org_id, op->now_ms);
    req->audit_detail = arena_printf(op->arena, "alert settings: %s", text);
    free(text);
    struct alert_settings s;
    if (!ok || !homecare_alert_settings_load(err, op->conn, req->patient_id, &s))
        return false;
    response_json(req, 200, homecare_alert_settings_json(&s));
    return true;
}

/* ---- the patient's alerts ---------------------------------------------------------------------
 */

#define ALERT_COLUMNS                                                                              \
    "a.id, a.vital, a.value, a.rule, a.limit_value, a.baseline, a.measured_at, a.raised_at, "      \
    "a.raised_by, ru.name, a.raised_org, ro.name, a.state, a.ack_by, au.name, a.ack_org, "         \
    "ao.name, "                                                                                    \
    "a.ack_at, a.ack_action, a.ack_note, a.record_id, a.entry_id, a.responsible_org, rso.name, "   \
    "a.escalation_level, a.next_escalation_at FROM homecare_alerts a "                             \
    "JOIN users ru ON ru.id = a.raised_by JOIN orgs ro ON ro.id = a.raised_org "                   \
    "LEFT JOIN users au ON au.id = a.ack_by LEFT JOIN orgs ao ON ao.id = a.ack_org "               \
    "LEFT JOIN orgs rso ON rso.id = a.responsible_org "

static json_t *alert_row(struct store_stmt *s)
{
    const struct homecare_vital *v = &homecare_vitals[homecare_vital_index(store_text(s, 1))];
    json_t *ack = store_is_null(s, 13)
                      ? json_null()
                      : json_pack("{s:o, s:o, s:o, s:s, s:o}", "by", api_id_name(s, 13, 14), "org",
                                  api_id_name(s, 15, 16), "at", api_time_or_null(s, 17), "action",
                                  store_text(s, 18), "note", api_text_or_null(s, 19));
    json_t *row =
        json_pack("{s:s, s:s, s:s, s:s?, s:f, s:s, s:f, s:o, s:o, s:o, s:o, s:o, s:s, s:o, "
                  "s:o}",
                  "id", store_text(s, 0), "vital", v->name, "ja", v->ja, "unit", v->unit, "value",
                  store_double(s, 2), "rule", store_text(s, 3), "limit", store_double(s, 4),
                  "baseline", store_is_null(s, 5) ? json_null() : json_real(store_double(s, 5)),
                  "measured_at", api_time_or_null(s, 6), "raised_at", api_time_or_null(s, 7),
                  "raised_by", api_id_name(s, 8, 9), "raised_org", api_id_name(s, 10, 11), "state",
                  store_text(s, 12), "acknowledged", ack, "record_id", api_text_or_null(s, 20));
    json_object_set_new(row, "entry_id", api_text_or_null(s, 21));
    json_object_set_new(row, "responsible_org",
                        store_is_null(s, 22) ? json_null() : api_id_name(s, 22, 23));
    json_object_set_new(row, "escalation_level", json_integer(store_int(s, 24)));
    json_object_set_new(row, "next_escalation_at", api_time_or_null(s, 25));
    return row;
}

static json_t *step_row(struct store_stmt *s)
{
    json_t *detail = json_loads(store_text(s, 5), 0, NULL);
    return json_pack("{s:o, s:s, s:o, s:o}", "at", api_time_or_null(s, 0), "step", store_text(s, 1),
                     "user", store_is_null(s, 2) ? json_null() : api_id_name(s, 2, 3), "detail",
                     detail ? detail : json_object());
}

bool homecare_alert_steps_add(struct error *err, struct store_conn *conn, json_t *alert)
{
    const char *id = json_string_value(json_object_get(alert, "id"));
    json_t *steps =
        api_rows(err,
                 store_query(err, conn,
                             "SELECT st.at, st.step, st.user_id, u.name, st.org_id, st.detail "
                             "FROM homecare_alert_steps st LEFT JOIN users u ON u.id = st.user_id "
                             "WHERE st.alert_id = ? ORDER BY st.id",
                             "t", id),
                 step_row);
    return steps && json_object_set_new(alert, "steps", steps) == 0;
}

json_t *homecare_alert_json(struct error *err, struct store_conn *conn, const char *patient_id,
                            const char *alert_id)
{
    json_t *rows = api_rows(
        err,
        store_query(err, conn, "SELECT " ALERT_COLUMNS "WHERE a.id = ? AND a.patient_id = ?", "tt",
                    alert_id, patient_id),
        alert_row);
    json_t *alert = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (rows && !alert)
        error_set(err, ERR_HOMECARE_ALERT_NOT_FOUND, NULL);
    if (alert && !homecare_alert_steps_add(err, conn, alert)) {
        json_decref(alert);
        return NULL;
    }
    return alert;
}

bool homecare_alerts_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"state", "limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset))
        return false;
    const char *state = request_query(req, "state");
    if (state && !text_word_listed("open acknowledged", state))
        return error_set(err, ERR_BAD_QUERY, "state: open or acknowledged");
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT " ALERT_COLUMNS "WHERE a.patient_id = ?1 AND (CAST(?2 AS TEXT) IS "
                    "NULL OR a.state = ?2) ORDER BY a.raised_at DESC, a.id LIMIT ?3 OFFSET ?4",
                    "ttii", req->patient_id, state, limit + 1, offset),
        alert_row);
    bool ok = items != NULL;
    for (size_t i = 0; ok && i < json_array_size(items); i++)
        ok = homecare_alert_steps_add(err, req->op.conn, json_array_get(items, i));
    if (!ok) {
        json_decref(items);
        return false;
    }
    bool more = json_array_size(items) > (size_t)limit;
    if (more)
        json_array_remove(items, (size_t)limit);
    response_json(req, 200, request_page_body(req, items, offset, limit, more));
    return true;
}

/* ---- acknowledging ------------------------------------------------------------------------- */

static bool clinician_on_team(struct error *err, struct op *op, const char *patient_id)
{
    bool on = false;
    if (!timeline_org_on_team(err, op->conn, op->principal.org_id, patient_id, &on))
        return false;
    if (!on)
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_TEAM, NULL);
    const char *p = op->principal.profession;
    return strcmp(p, "physician") == 0 || strcmp(p, "nurse") == 0
               ? true
               : error_set(err, ERR_HOMECARE_ALERT_NOT_CLINICIAN, NULL);
}

bool homecare_alert_acknowledge(struct error *err, struct op *op, const char *patient_id,
                                const char *alert_id, const json_t *body)
{
    static const struct jfield fields[] = {
        {"action", JV_STRING, true, 0, actions},
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "action");
    if (!jsonv_check(err, body, fields) || !clinician_on_team(err, op, patient_id) ||
        !op_write_begin(err, op))
        return false;
    json_t *alert = homecare_alert_json(err, op->conn, patient_id, alert_id);
    if (!alert)
        return false;
    bool open = strcmp(json_string_value(json_object_get(alert, "state")), "open") == 0;
    json_decref(alert);
    if (!open)
        return error_set(err, ERR_HOMECARE_ALERT_ACKNOWLEDGED, NULL);
    const char *action = jsonv_str(body, "action"), *note = jsonv_str(body, "note");
    json_t *detail = json_pack("{s:s, s:s?}", "action", action, "note", note);
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    bool ok = text &&
              store_exec(err, op->conn, NULL,
                         "UPDATE homecare_alerts SET state = 'acknowledged', ack_by = ?, ack_org = "
                         "?, ack_at = ?, ack_action = ?, ack_note = ? WHERE id = ? AND state = "
                         "'open'",
                         "ttittt", op->principal.user_id, op->principal.org_id, op->now_ms, action,
                         note, alert_id) &&
              store_exec(err, op->conn, NULL,
                         "INSERT INTO homecare_alert_steps (alert_id, at, step, user_id, org_id, "
                         "detail) VALUES (?, ?, 'acknowledged', ?, ?, ?)",
                         "tittt", alert_id, op->now_ms, op->principal.user_id, op->principal.org_id,
                         text) &&
              homecare_publish_team(
                  err, op, patient_id, "vitals.alert",
                  json_pack("{s:s, s:s}", "alert_id", alert_id, "event", "acknowledged"));
    free(text);
    return ok;
}

bool homecare_alerts_acknowledge(struct error *err, struct request *req)
{
    const char *alert_id = request_param(req, 1);
    if (!ids_uuid_valid(alert_id))
        return error_set(err, ERR_HOMECARE_ALERT_NOT_FOUND, "malformed id");
    req->object_type = "homecare_alert";
    req->object_id = alert_id;
    if (!homecare_alert_acknowledge(err, &req->op, req->patient_id, alert_id, req->json))
        return false;
    req->audit_detail =
        arena_printf(req->op.arena, "acknowledged: %s", jsonv_str(req->json, "action"));
    json_t *alert = homecare_alert_json(err, req->op.conn, req->patient_id, alert_id);
    if (!alert)
        return false;
    response_json(req, 200, alert);
    return true;
}
