/* SPDX-License-Identifier: Apache-2.0 */
/* Alerts that escalate (issue 17): an alert told to the on-call clinician of the responsible
 * organisation (alerts.c) and not acknowledged within that organisation's minutes (default 15,
 * set by its administrator) goes to the backup clinician of the shift then in force, and after as
 * many minutes again to the organisation's administrators. Each step is written in the alert's
 * life, told in the recipient's inbox and live, and audited. docs/api/homecare.md, "Alerts". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/text.h"
#include "homecare_int.h"
#include "notify/notify.h"
#include "oncall/oncall.h"

enum { ESCALATE_DEFAULT_MINUTES = 15, ESCALATE_MIN = 1, ESCALATE_MAX = 240, SWEEP_ALERTS = 20 };

bool homecare_alert_escalate_minutes(struct error *err, struct store_conn *conn, const char *org_id,
                                     int *minutes)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT escalate_after_minutes FROM homecare_alert_org_settings WHERE org_id = ?", "t",
        org_id);
    enum store_step_result r = s ? store_step(err, s) : STORE_FAIL;
    *minutes = r == STORE_ROW ? (int)store_int(s, 0) : ESCALATE_DEFAULT_MINUTES;
    if (s)
        store_done(s);
    return r != STORE_FAIL;
}

/* ---- the sweep ------------------------------------------------------------------------------ */

/* An open alert whose next escalation is due. */
struct due {
    char id[UUID_STR_LEN], patient_id[UUID_STR_LEN], org_id[UUID_STR_LEN];
    int level;
    char vital[24];
    double value, limit;
    char rule[8];
    char raised_by[128]; /* the name of who recorded the value */
};

static int due_alerts(struct error *err, struct op *op, struct due *out)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT a.id, a.patient_id, a.responsible_org, a.escalation_level, a.vital, a.value, "
        "a.limit_value, a.rule, u.name FROM homecare_alerts a JOIN users u ON u.id = a.raised_by "
        "WHERE a.state = 'open' AND a.next_escalation_at IS NOT NULL AND a.next_escalation_at <= "
        "? ORDER BY a.next_escalation_at, a.id LIMIT ?",
        "ii", op->now_ms, (int64_t)SWEEP_ALERTS);
    if (!s)
        return -1;
    int n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < SWEEP_ALERTS) {
        struct due *d = &out[n++];
        text_copy(d->id, sizeof d->id, store_text(s, 0));
        text_copy(d->patient_id, sizeof d->patient_id, store_text(s, 1));
        text_copy(d->org_id, sizeof d->org_id, store_text(s, 2));
        d->level = (int)store_int(s, 3);
        text_copy(d->vital, sizeof d->vital, store_text(s, 4));
        d->value = store_double(s, 5);
        d->limit = store_double(s, 6);
        text_copy(d->rule, sizeof d->rule, store_text(s, 7));
        text_copy(d->raised_by, sizeof d->raised_by, store_text(s, 8));
    }
    store_done(s);
    return r == STORE_FAIL ? -1 : n;
}

static bool write_step(struct error *err, struct op *op, const char *alert_id, const char *what,
                       const char *org_id, json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    bool ok = text && store_exec(err, op->conn, NULL,
                                 "INSERT INTO homecare_alert_steps (alert_id, at, step, org_id, "
                                 "detail) VALUES (?, ?, ?, ?, ?)",
                                 "tittt", alert_id, op->now_ms, what, org_id, text);
    free(text);
    return text ? ok : error_set(err, ERR_NOMEM, NULL);
}

/* The next step of d: level 1 the shift's backup (when it names one), level 2 the administrators.
 * Sets *level and, for the backup, who (user_id and name). */
static bool next_recipient(struct error *err, struct op *op, const struct due *d, int *level,
                           struct oncall_person *who)
{
    struct oncall_answer on = {0};
    memset(who, 0, sizeof *who);
    *level = 2;
    if (d->level >= 1)
        return true;
    if (!oncall_now(err, op->conn, d->org_id, op->now_ms, &on))
        return false;
    if (on.found && on.has_backup) {
        *level = 1;
        *who = on.backup;
    }
    return true;
}

static bool escalate_one(struct error *err, struct op *op, const struct due *d)
{
    bool sees = false;
    if (!access_org_sees(err, op->conn, d->org_id, d->patient_id, DATA_CLINICAL, &sees))
        return false;
    if (!sees) /* the consent no longer covers the organisation: nobody more is told */
        return store_exec(err, op->conn, NULL,
                          "UPDATE homecare_alerts SET next_escalation_at = NULL WHERE id = ?", "t",
                          d->id) &&
               write_step(err, op, d->id, "escalation_stopped", d->org_id,
                          json_pack("{s:s}", "reason", "no_consent"));
    int level, minutes = 0;
    struct oncall_person backup;
    const char *user = backup.user_id;
    if (!next_recipient(err, op, d, &level, &backup) ||
        !homecare_alert_escalate_minutes(err, op->conn, d->org_id, &minutes))
        return false;
    const char *role = level == 1 ? "backup" : "admins";
    const struct homecare_vital *v = &homecare_vitals[homecare_vital_index(d->vital)];
    json_t *summary =
        json_pack("{s:s, s:s, s:s, s:s?, s:f, s:s, s:f, s:i, s:s}", "event", "escalated",
                  "alert_id", d->id, "vital", v->name, "unit", v->unit, "value", d->value, "rule",
                  d->rule, "limit", d->limit, "level", level, "role", role);
    json_t *event = json_pack("{s:s, s:s}", "alert_id", d->id, "event", "escalated");
    struct notify_message m = {.kind = "homecare_alert",
                               .patient_id = d->patient_id,
                               .ref_id = d->id,
                               .summary = summary,
                               .event = event,
                               .admins_only = level == 2};
    bool ok = summary && event &&
              (level == 1 ? notify_user(err, op, d->org_id, user, &m)
                          : notify_org(err, op, d->org_id, &m));
    json_decref(summary);
    json_decref(event);
    int64_t next = op->now_ms + (int64_t)minutes * 60000;
    return ok &&
           store_exec(err, op->conn, NULL,
                      "UPDATE homecare_alerts SET escalation_level = ?, next_escalation_at = "
                      "CASE WHEN ? = 1 THEN ? END WHERE id = ?",
                      "iiit", (int64_t)level, (int64_t)level, next, d->id) &&
           write_step(err, op, d->id, "escalated", d->org_id,
                      level == 1 ? json_pack("{s:i, s:s, s:s, s:s}", "level", level, "role", role,
                                             "user_id", user, "name", backup.name)
                                 : json_pack("{s:i, s:s}", "level", level, "role", role)) &&
           op_audit(err, op, "homecare_alert_escalated", 'U', d->patient_id, "homecare_alert",
                    d->id,
                    arena_printf(op->arena, "escalated to the %s of the organisation", role)) &&
           homecare_publish_team(err, op, d->patient_id, "vitals.alert",
                                 json_pack("{s:s, s:s}", "alert_id", d->id, "event", "escalated"));
}

bool homecare_alerts_escalate(struct error *err, struct op *op)
{
    struct due *due = arena_alloc(op->arena, SWEEP_ALERTS * sizeof *due);
    int n = due ? due_alerts(err, op, due) : -1;
    if (n <= 0)
        return n == 0;
    bool ok = op_write_begin(err, op);
    for (int i = 0; ok && i < n; i++)
        ok = escalate_one(err, op, &due[i]);
    return ok;
}

/* ---- the organisation's minutes ------------------------------------------------------------- */

static bool respond_minutes(struct error *err, struct request *req)
{
    int minutes;
    if (!homecare_alert_escalate_minutes(err, req->op.conn, req->op.principal.org_id, &minutes))
        return false;
    response_json(req, 200,
                  json_pack("{s:i, s:i}", "escalate_after_minutes", minutes, "default",
                            ESCALATE_DEFAULT_MINUTES));
    return true;
}

bool homecare_alert_escalation_get(struct error *err, struct request *req)
{
    return request_query_check(err, req, (const char *const[]){NULL}) &&
           request_require_org(err, req) && respond_minutes(err, req);
}

bool homecare_alert_escalation_put(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"escalate_after_minutes", JV_INT, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields) || !request_require_org(err, req))
        return false;
    json_int_t minutes = json_integer_value(json_object_get(req->json, "escalate_after_minutes"));
    if (minutes < ESCALATE_MIN || minutes > ESCALATE_MAX)
        return error_set_bilingual(err, ERR_FIELD_RANGE,
                                   "escalate_after_minutes: from 1 to 240 minutes",
                                   "escalate_after_minutes: 1～240分で入力してください");
    struct op *op = &req->op;
    req->audit_detail = arena_printf(op->arena, "escalate after %d minutes", (int)minutes);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO homecare_alert_org_settings (org_id, escalate_after_minutes, "
                      "set_by, set_at) VALUES (?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET "
                      "escalate_after_minutes = excluded.escalate_after_minutes, set_by = "
                      "excluded.set_by, set_at = excluded.set_at",
                      "titi", op->principal.org_id, (int64_t)minutes, op->principal.user_id,
                      op->now_ms) &&
           respond_minutes(err, req);
}
