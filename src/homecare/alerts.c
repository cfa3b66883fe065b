/* SPDX-License-Identifier: Apache-2.0 */
/* Vitals that alert (issue 17): a visit record's value out of the patient's levels or trend rules
 * (alert_rules.c) raises an alert, kept with every step of its life, told to the physicians of
 * the patient's team in their inbox and live; a clinician of the team acknowledges it with what
 * was done. docs/api/homecare.md, "Alerts". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ids.h"
#include "core/jsonv.h"
#include "homecare_int.h"
#include "notify/notify.h"
#include "oncall/oncall.h"

#define DAY_MS 86400000LL
enum { BASELINE_DAYS = 14 };

/* The organisation types whose physicians are alerted. */
#define ALERTED_ORG_TYPES                                                                          \
    "('home_care_clinic', 'clinic', 'acute_hospital', 'recovery_hospital', 'chronic_hospital')"

/* ---- the patient's earlier values ------------------------------------------------------------ */

/* The values of vital in the patient's visit records (current versions) and vitals entries other
 * than src, measured in [from, src's time): their minimum, mean and count. */
static bool history(struct error *err, struct store_conn *conn, const struct alert_source *src,
                    const char *vital, int64_t from, double *min, double *mean, int *n)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT content FROM (SELECT r.content, r.visit_end AS t FROM homecare_records r WHERE "
        "r.patient_id = ?1 AND r.record_id <> ?2 AND r.visit_end >= ?3 AND r.visit_end < ?4 AND "
        "r.version = (SELECT MAX(x.version) FROM homecare_records x WHERE x.record_id = "
        "r.record_id) UNION ALL SELECT e.content, e.measured_at FROM homecare_vital_entries e "
        "WHERE e.patient_id = ?1 AND e.id <> ?2 AND e.measured_at >= ?3 AND e.measured_at < ?4) "
        "ORDER BY t DESC LIMIT 200",
        "ttii", src->patient_id, src->id, from, src->measured_at);
    if (!s)
        return false;
    double sum = 0;
    *n = 0;
    *min = NAN;
    enum store_step_result step;
    while ((step = store_step(err, s)) == STORE_ROW) {
        json_t *doc = json_loads(store_text(s, 0), 0, NULL);
        const json_t *v = json_object_get(json_object_get(doc, "vitals"), vital);
        if (json_is_number(v)) {
            double x = json_number_value(v);
            sum += x;
            *min = *n == 0 || x < *min ? x : *min;
            (*n)++;
        }
        json_decref(doc);
    }
    store_done(s);
    *mean = *n ? sum / *n : NAN;
    return step == STORE_DONE;
}

/* The trend rules: weight rising within its days; SpO2 below the patient's baseline (the mean of
 * the past two weeks, from at least two values). 1 and *out when a rule is broken. */
static int trends(struct error *err, struct store_conn *conn, const struct alert_settings *set,
                  const struct alert_source *r, int vital, double value, struct alert_finding *out,
                  bool *failed)
{
    double min, mean;
    int n;
    const char *name = homecare_vitals[vital].name;
    if (strcmp(name, "weight") == 0 && !isnan(set->weight_rise_kg)) {
        int64_t from = r->measured_at - (int64_t)set->weight_rise_days * DAY_MS;
        if (!history(err, conn, r, name, from, &min, &mean, &n))
            return *failed = true, 0;
        if (n > 0 && value - min >= set->weight_rise_kg - 1e-9) {
            *out = (struct alert_finding){vital, value, "rise", set->weight_rise_kg, min};
            return 1;
        }
    }
    if (strcmp(name, "spo2") == 0 && !isnan(set->spo2_drop)) {
        if (!history(err, conn, r, name, r->measured_at - BASELINE_DAYS * DAY_MS, &min, &mean, &n))
            return *failed = true, 0;
        if (n >= 2 && mean - value >= set->spo2_drop - 1e-9) {
            *out =
                (struct alert_finding){vital, value, "drop", set->spo2_drop, round(mean * 10) / 10};
            return 1;
        }
    }
    return 0;
}

/* ---- raising --------------------------------------------------------------------------------- */

/* Appends a step of alert_id's life; detail is taken (NULL: {}). */
static bool step(struct error *err, struct op *op, const char *alert_id, const char *what,
                 const char *org_id, json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    bool ok = store_exec(err, op->conn, NULL,
                         "INSERT INTO homecare_alert_steps (alert_id, at, step, user_id, org_id, "
                         "detail) VALUES (?, ?, ?, ?, ?, ?)",
                         "titttt", alert_id, op->now_ms, what,
                         op->principal.user_id[0] ? op->principal.user_id : NULL, org_id,
                         text ? text : "{}");
    free(text);
    return ok;
}

static json_t *finding_summary(struct op *op, const struct alert_finding *f, const char *alert_id)
{
    const struct homecare_vital *v = &homecare_vitals[f->vital];
    return json_pack("{s:s, s:s, s:s, s:s?, s:f, s:s, s:f, s:o, s:s, s:s}", "event", "raised",
                     "alert_id", alert_id, "vital", v->name, "unit", v->unit, "value", f->value,
                     "rule", f->rule, "limit", f->limit, "baseline",
                     isnan(f->baseline) ? json_null() : json_real(f->baseline), "user_name",
                     op->principal.name, "by_org_id", op->principal.org_id);
}

/* Whether organisation org_id is one whose physicians are alerted, and whether it is a home-care
 * clinic (the organisation responsible for the alert when it is on the team). */
static bool physicians_org(struct error *err, struct store_conn *conn, const char *org_id,
                           bool *physicians, bool *clinic)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT type = 'home_care_clinic' FROM orgs WHERE id = ? AND type IN " ALERTED_ORG_TYPES,
        "t", org_id);
    enum store_step_result found = s ? store_step(err, s) : STORE_FAIL;
    *physicians = found == STORE_ROW;
    *clinic = *physicians && store_int(s, 0) != 0;
    if (s)
        store_done(s);
    return found != STORE_FAIL;
}

/* The physicians' organisations of the team that see the patient, into orgs (n of them); the
 * responsible one (the first home-care clinic, else the first of them) is orgs[0]. */
static int alerted_orgs(struct error *err, struct op *op, const char *patient_id,
                        char (*orgs)[UUID_STR_LEN])
{
    char(*team)[UUID_STR_LEN] = arena_alloc(op->arena, HOMECARE_TEAM_MAX * UUID_STR_LEN);
    int n = team ? homecare_team_orgs(err, op->conn, patient_id, team) : -1, count = 0;
    bool have_clinic = false;
    for (int i = 0; i < n; i++) {
        bool sees = false, physicians = false, clinic = false;
        if (!physicians_org(err, op->conn, team[i], &physicians, &clinic) ||
            !access_org_sees(err, op->conn, team[i], patient_id, DATA_CLINICAL, &sees))
            return -1;
        if (!sees || !physicians)
            continue;
        if (clinic && !have_clinic) { /* the first home-care clinic goes first */
            memcpy(orgs[count], orgs[0], UUID_STR_LEN);
            snprintf(orgs[0], UUID_STR_LEN, "%s", team[i]);
            have_clinic = true;
        } else {
            snprintf(orgs[count], UUID_STR_LEN, "%s", team[i]);
        }
        count++;
    }
    return n < 0 ? -1 : count;
}

/* Tells the alert: to the on-call clinician of the responsible organisation (orgs[0]) in person,
 * or to all of it when nobody is on call; to the other physicians' organisations of the team;
 * records who and when it escalates. told gets the user told in person ("" when none). */
static bool tell(struct error *err, struct op *op, const char *patient_id,
                 const struct alert_finding *f, const char *alert_id, char told[UUID_STR_LEN])
{
    char(*orgs)[UUID_STR_LEN] = arena_alloc(op->arena, HOMECARE_TEAM_MAX * UUID_STR_LEN);
    int n = orgs ? alerted_orgs(err, op, patient_id, orgs) : -1;
    json_t *summary = finding_summary(op, f, alert_id);
    json_t *told_orgs = json_array(), *told_users = json_array();
    /* the live event says which alert, never what was measured or of whom */
    json_t *event = json_pack("{s:s, s:s}", "alert_id", alert_id, "event", "raised");
    struct oncall_answer on = {0};
    told[0] = '\0';
    bool ok = n >= 0 && summary && told_orgs && told_users && event &&
              (n == 0 || oncall_now(err, op->conn, orgs[0], op->now_ms, &on));
    for (int i = 0; ok && i < n; i++) {
        struct notify_message m = {.kind = "homecare_alert",
                                   .patient_id = patient_id,
                                   .ref_id = alert_id,
                                   .summary = summary,
                                   .event = event};
        if (i == 0 && on.found) {
            ok = notify_user(err, op, orgs[0], on.primary.user_id, &m) &&
                 json_array_append_new(told_users,
                                       json_pack("{s:s, s:s, s:s, s:s}", "user_id",
                                                 on.primary.user_id, "name", on.primary.name,
                                                 "org_id", orgs[0], "role", "on_call")) == 0;
            snprintf(told, UUID_STR_LEN, "%s", on.primary.user_id);
        } else {
            ok = notify_org(err, op, orgs[i], &m) &&
                 json_array_append_new(told_orgs, json_string(orgs[i])) == 0;
        }
    }
    int minutes = 0;
    ok = ok && (n == 0 || homecare_alert_escalate_minutes(err, op->conn, orgs[0], &minutes)) &&
         step(err, op, alert_id, "notified", NULL,
              json_pack("{s:O, s:O}", "orgs", told_orgs, "users", told_users)) &&
         (n == 0 ||
          store_exec(err, op->conn, NULL,
                     "UPDATE homecare_alerts SET responsible_org = ?, next_escalation_at = ? "
                     "WHERE id = ?",
                     "tit", orgs[0], op->now_ms + (int64_t)minutes * 60000, alert_id));
    json_decref(summary);
    json_decref(event);
    json_decref(told_orgs);
    json_decref(told_users);
    return ok;
}

static bool store_alert(struct error *err, struct op *op, const struct alert_source *r,
                        const struct alert_finding *f, char id[UUID_STR_LEN])
{
    ids_uuid_new(id);
    const char *vital = homecare_vitals[f->vital].name;
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO homecare_alerts (id, patient_id, record_id, entry_id, vital, "
                      "value, rule, limit_value, measured_at, raised_at, raised_by, raised_org, "
                      "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')",
                      "tttttdtdiitt", id, r->patient_id, r->entry ? NULL : r->id,
                      r->entry ? r->id : NULL, vital, f->value, f->rule, f->limit, r->measured_at,
                      op->now_ms, op->principal.user_id, op->principal.org_id) &&
           (isnan(f->baseline) ||
            store_exec(err, op->conn, NULL, "UPDATE homecare_alerts SET baseline = ? WHERE id = ?",
                       "dt", f->baseline, id)) &&
           step(err, op, id, "raised", op->principal.org_id,
                json_pack("{s:s, s:f, s:s}", "vital", vital, "value", f->value, "rule", f->rule));
}

bool homecare_alerts_raise_from(struct error *err, struct op *op, const struct alert_source *r)
{
    json_t *doc = json_loads(r->content ? r->content : "", 0, NULL);
    const json_t *vitals = json_object_get(doc, "vitals");
    struct alert_settings set;
    bool ok = homecare_alert_settings_load(err, op->conn, r->patient_id, &set);
    for (int i = 0; ok && i < HOMECARE_VITALS; i++) {
        const json_t *v = json_object_get(vitals, homecare_vitals[i].name);
        if (!json_is_number(v))
            continue;
        struct alert_finding f;
        bool failed = false;
        if (!homecare_alert_levels(&set, i, json_number_value(v), &f) &&
            !trends(err, op->conn, &set, r, i, json_number_value(v), &f, &failed)) {
            ok = !failed;
            continue;
        }
        char id[UUID_STR_LEN], told[UUID_STR_LEN];
        ok = store_alert(err, op, r, &f, id) && tell(err, op, r->patient_id, &f, id, told);
        /* the sharing rules' recipients (not the clinician told in person again) */
        json_t *summary = ok ? finding_summary(op, &f, id) : NULL;
        ok = ok && summary &&
             modules_team_event(
                 err, op,
                 &(struct team_event){.kind = "vitals_abnormal",
                                      .patient_id = r->patient_id,
                                      .ref_id = id,
                                      .summary = summary,
                                      .severity = "high",
                                      .told_users = (const char *const[]){told, NULL}}) &&
             homecare_publish_team(err, op, r->patient_id, "vitals.alert",
                                   json_pack("{s:s, s:s}", "alert_id", id, "event", "raised"));
        json_decref(summary);
    }
    json_decref(doc);
    return ok;
}

bool homecare_alerts_raise(struct error *err, struct op *op, const struct homecare_record *r)
{
    struct alert_source src = {r->patient_id, r->record_id, false, r->visit_end, r->content};
    return homecare_alerts_raise_from(err, op, &src);
}
