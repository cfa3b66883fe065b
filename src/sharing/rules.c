/* SPDX-License-Identifier: Apache-2.0 */
/* Sharing rules (issue 17): their vocabulary, the checks of a rule before it is saved (a patient's
 * rule never names an organisation the patient's consent does not cover), and their store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/text.h"
#include "sharing_int.h"

const char *const sharing_kinds[] = {TEAM_EVENT_KINDS, NULL};
const char *const sharing_roles[] = {
    "oncall_physician", "care_manager",      "pharmacy", "visiting_nurse",
    "whole_team",       "municipal_support", NULL};
const char *const sharing_severities[] = {"high", "medium", "low", NULL};
const char *const sharing_timings[] = {"immediate", "daily", "weekly", NULL};
const char *const sharing_weekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

static const struct jfield rule_fields[] = {
    {"kind", JV_STRING, true, 24, sharing_kinds},
    {"condition", JV_OBJECT, false, 0, NULL},
    {"recipients", JV_OBJECT_ARRAY, true, SHARING_RECIPIENTS_MAX, NULL},
    {"timing", JV_STRING, true, 12, sharing_timings},
    {"at", JV_STRING, false, 5, NULL},
    {"weekday", JV_STRING, false, 3, sharing_weekdays},
    {"note", JV_TEXT, false, SHARING_NOTE_MAX, NULL},
    {NULL, 0, false, 0, NULL},
};

static const struct jfield condition_fields[] = {
    {"professions", JV_STRING_ARRAY, false, SHARING_CODES_MAX, accounts_profession_codes},
    {"severities", JV_STRING_ARRAY, false, SHARING_CODES_MAX, sharing_severities},
    {"org_types", JV_STRING_ARRAY, false, SHARING_CODES_MAX, accounts_org_type_codes},
    {NULL, 0, false, 0, NULL},
};

static const struct jfield recipient_fields[] = {
    {"role", JV_STRING, false, 24, sharing_roles},
    {"org_id", JV_UUID, false, 0, NULL},
    {"user_id", JV_UUID, false, 0, NULL},
    {NULL, 0, false, 0, NULL},
};

bool sharing_in_list(const char *list, const char *code)
{
    if (!list[0])
        return true;
    if (!code || !code[0])
        return false;
    size_t n = strlen(code);
    for (const char *p = list; (p = strstr(p, code)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

void sharing_hhmm(int minute, char out[6])
{
    unsigned h = (unsigned)(minute / 60) % 24u, m = (unsigned)minute % 60u;
    out[0] = (char)('0' + h / 10);
    out[1] = (char)('0' + h % 10);
    out[2] = ':';
    out[3] = (char)('0' + m / 10);
    out[4] = (char)('0' + m % 10);
    out[5] = '\0';
}

/* A JSON array of codes (checked by jsonv) as a space-separated list. */
static void codes_join(const json_t *array, char *out, size_t size)
{
    size_t i, used = 0;
    const json_t *v;
    out[0] = '\0';
    json_array_foreach(array, i, v)
    {
        int w = snprintf(out + used, size - used, "%s%s", used ? " " : "", json_string_value(v));
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

/* "HH:MM" (00:00–23:59) as a minute of the day, or -1. */
static int parse_hhmm(const char *s)
{
    int h, m;
    if (!s || strlen(s) != 5 || s[2] != ':' || !clock_digits(s, 2, &h) ||
        !clock_digits(s + 3, 2, &m) || h > 23 || m > 59)
        return -1;
    return h * 60 + m;
}

static bool parse_timing(struct error *err, const json_t *body, struct sharing_rule *r)
{
    const char *at = jsonv_str(body, "at"), *weekday = jsonv_str(body, "weekday");
    snprintf(r->timing, sizeof r->timing, "%s", jsonv_str(body, "timing"));
    r->weekday = 0;
    r->at_minute = -1;
    if (strcmp(r->timing, "immediate") == 0) {
        if (at || weekday)
            return error_set(err, ERR_SHARING_TIMING, "at, weekday: not with timing immediate");
        return true;
    }
    r->at_minute = parse_hhmm(at);
    if (r->at_minute < 0)
        return error_set(err, ERR_SHARING_TIMING, "at: a time of day HH:MM (Asia/Tokyo)");
    bool weekly = strcmp(r->timing, "weekly") == 0;
    if (weekly != (weekday != NULL))
        return error_set(err, ERR_SHARING_TIMING, "weekday: %s",
                         weekly ? "required with timing weekly" : "only with timing weekly");
    for (int i = 0; weekly && sharing_weekdays[i]; i++)
        if (strcmp(sharing_weekdays[i], weekday) == 0)
            r->weekday = i + 1;
    return true;
}

static bool org_name(struct error *err, struct store_conn *conn, const char *org_id, char *name,
                     size_t size, bool *found)
{
    struct store_stmt *s =
        store_query(err, conn, "SELECT name FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    *found = step == STORE_ROW;
    if (*found)
        snprintf(name, size, "%s", store_text(s, 0));
    store_done(s);
    return step != STORE_FAIL;
}

static bool exists(struct error *err, struct store_stmt *s, bool *found)
{
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    *found = step == STORE_ROW;
    store_done(s);
    return step != STORE_FAIL;
}

/* Recipient i names an organisation (and maybe a person of it): it must exist, the person must
 * be a member, and the patient's consent must cover it (access_org_sees). */
static bool check_named(struct error *err, struct op *op, const char *patient_id, size_t i,
                        const struct sharing_recipient *rc)
{
    char name[256];
    bool found = false;
    if (!org_name(err, op->conn, rc->org_id, name, sizeof name, &found))
        return false;
    if (!found)
        return error_set(err, ERR_SHARING_RECIPIENT, "recipients[%zu].org_id: no such organisation",
                         i);
    if (rc->user_id[0]) {
        if (!exists(err,
                    store_query(err, op->conn,
                                "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id "
                                "WHERE m.user_id = ? AND m.org_id = ? AND u.disabled = 0",
                                "tt", rc->user_id, rc->org_id),
                    &found))
            return false;
        if (!found)
            return error_set(err, ERR_SHARING_RECIPIENT,
                             "recipients[%zu].user_id: not a member of the organisation", i);
    }
    bool sees = false, on_team = false;
    if (!access_org_sees(err, op->conn, rc->org_id, patient_id, DATA_CLINICAL, &sees))
        return false;
    if (sees)
        return true;
    if (!exists(err,
                store_query(err, op->conn,
                            "SELECT 1 FROM care_team WHERE patient_id = ? AND org_id = ? AND "
                            "removed_at IS NULL",
                            "tt", patient_id, rc->org_id),
                &found))
        return false;
    on_team = found;
    char en[600], ja[600];
    snprintf(en, sizeof en, "recipients[%zu]: %s: %s", i, name,
             on_team ? "no consent in force names this organisation"
                     : "not on the patient's care team, and no share of the record");
    snprintf(ja, sizeof ja, "recipients[%zu]: %s: %s", i, name,
             on_team ? "有効な同意(撤回されていないもの)の対象に含まれていません"
                     : "この患者のケアチームに入っておらず、記録の共有もありません");
    return error_set_bilingual(err, ERR_SHARING_NOT_CONSENTED, en, ja);
}

static bool parse_recipient(struct error *err, struct op *op, const json_t *v, size_t i,
                            const char *patient_id, struct sharing_recipient *rc)
{
    char path[32];
    snprintf(path, sizeof path, "recipients[%zu]", i);
    if (!jsonv_check_at(err, v, recipient_fields, path))
        return false;
    const char *role = jsonv_str(v, "role"), *org = jsonv_str(v, "org_id"),
               *user = jsonv_str(v, "user_id");
    if ((role != NULL) == (org != NULL) || (user && !org))
        return error_set(err, ERR_FIELD_VALUE,
                         "%s: a role, or an org_id (and, for one person, a user_id)", path);
    if (org && !patient_id)
        return error_set(err, ERR_SHARING_REGION_RECIPIENT, "%s: a team role", path);
    snprintf(rc->role, sizeof rc->role, "%s", role ? role : "");
    snprintf(rc->org_id, sizeof rc->org_id, "%s", org ? org : "");
    snprintf(rc->user_id, sizeof rc->user_id, "%s", user ? user : "");
    return role || check_named(err, op, patient_id, i, rc);
}

bool sharing_rule_parse(struct error *err, struct op *op, const json_t *body,
                        const char *patient_id, struct sharing_rule *r, const char **note)
{
    memset(r, 0, sizeof *r);
    if (!jsonv_check(err, body, rule_fields))
        return false;
    const json_t *cond = json_object_get(body, "condition");
    if (cond && !json_is_null(cond) && !jsonv_check_at(err, cond, condition_fields, "condition"))
        return false;
    snprintf(r->kind, sizeof r->kind, "%s", jsonv_str(body, "kind"));
    snprintf(r->patient_id, sizeof r->patient_id, "%s", patient_id ? patient_id : "");
    codes_join(json_object_get(cond, "professions"), r->professions, sizeof r->professions);
    codes_join(json_object_get(cond, "severities"), r->severities, sizeof r->severities);
    codes_join(json_object_get(cond, "org_types"), r->org_types, sizeof r->org_types);
    const json_t *list = json_object_get(body, "recipients");
    if (json_array_size(list) == 0)
        return error_set(err, ERR_FIELD_VALUE, "recipients: name at least one");
    if (!parse_timing(err, body, r))
        return false;
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!parse_recipient(err, op, v, i, patient_id, &r->recipients[i]))
            return false;
        r->recipient_count = (int)i + 1;
    }
    *note = jsonv_str(body, "note");
    return true;
}

/* ---- store ---------------------------------------------------------------------------------- */

/* The recipients as stored: space-separated tokens "r:<role>", "o:<org id>" or
 * "u:<org id>/<user id>", read without a JSON parser on every event (engine.c). */
static void recipients_text(const struct sharing_rule *r, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < r->recipient_count; i++) {
        const struct sharing_recipient *rc = &r->recipients[i];
        int w = rc->role[0] ? snprintf(out + used, size - used, "%sr:%s", i ? " " : "", rc->role)
                : rc->user_id[0]
                    ? snprintf(out + used, size - used, "%su:%s/%s", i ? " " : "", rc->org_id,
                               rc->user_id)
                    : snprintf(out + used, size - used, "%so:%s", i ? " " : "", rc->org_id);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

bool sharing_rule_save(struct error *err, struct op *op, struct sharing_rule *r, const char *note,
                       bool is_new)
{
    char text[SHARING_RECIPIENTS_MAX * 80];
    recipients_text(r, text, sizeof text);
    const char *patient = r->patient_id[0] ? r->patient_id : NULL;
    int64_t changed = 0;
    if (is_new)
        ids_uuid_new(r->id);
    bool ok = op_write_begin(err, op);
    if (ok && is_new)
        ok = store_exec(err, op->conn, &changed,
                        "INSERT INTO sharing_rules (id, patient_id, kind, professions, severities, "
                        "org_types, recipients, timing, weekday, at_minute, note, created_by, "
                        "created_org, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, "
                        "?, ?, ?, NULLIF(?, 0), NULLIF(?, -1), ?, ?, NULLIF(?, ''), ?, ?, ?)",
                        "ttttttttiitttiti", r->id, patient, r->kind, r->professions, r->severities,
                        r->org_types, text, r->timing, (int64_t)r->weekday, (int64_t)r->at_minute,
                        note ? note : "", op->principal.user_id, op->principal.org_id, op->now_ms,
                        op->principal.user_id, op->now_ms);
    else if (ok)
        ok = store_exec(err, op->conn, &changed,
                        "UPDATE sharing_rules SET kind = ?, professions = ?, severities = ?, "
                        "org_types = ?, recipients = ?, timing = ?, weekday = NULLIF(?, 0), "
                        "at_minute = NULLIF(?, -1), note = ?, updated_by = ?, updated_at = ? "
                        "WHERE id = ? AND COALESCE(patient_id, '') = ? AND deleted_at IS NULL",
                        "ttttttiittitt", r->kind, r->professions, r->severities, r->org_types, text,
                        r->timing, (int64_t)r->weekday, (int64_t)r->at_minute, note ? note : "",
                        op->principal.user_id, op->now_ms, r->id, r->patient_id);
    if (ok && changed != 1)
        return error_set(err, ERR_SHARING_RULE_NOT_FOUND, NULL);
    return ok && op_audit(err, op, is_new ? "sharing.rule_create" : "sharing.rule_update",
                          is_new ? 'C' : 'U', patient, "sharing_rule", r->id, r->kind);
}

bool sharing_rule_delete(struct error *err, struct op *op, const char *patient_id, const char *id)
{
    int64_t changed = 0;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_SHARING_RULE_NOT_FOUND, "malformed id");
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE sharing_rules SET deleted_at = ?, deleted_by = ? WHERE id = ? AND "
                    "COALESCE(patient_id, '') = ? AND deleted_at IS NULL",
                    "ittt", op->now_ms, op->principal.user_id, id, patient_id ? patient_id : ""))
        return false;
    if (changed != 1)
        return error_set(err, ERR_SHARING_RULE_NOT_FOUND, NULL);
    return op_audit(err, op, "sharing.rule_delete", 'D', patient_id, "sharing_rule", id, NULL);
}

bool sharing_rule_from_row(struct store_stmt *s, struct sharing_rule *r)
{
    memset(r, 0, sizeof *r);
    text_copy(r->id, sizeof r->id, store_text(s, 0));
    text_copy(r->patient_id, sizeof r->patient_id, store_text(s, 1));
    text_copy(r->kind, sizeof r->kind, store_text(s, 2));
    text_copy(r->professions, sizeof r->professions, store_text(s, 3));
    text_copy(r->severities, sizeof r->severities, store_text(s, 4));
    text_copy(r->org_types, sizeof r->org_types, store_text(s, 5));
    text_copy(r->timing, sizeof r->timing, store_text(s, 7));
    r->weekday = (int)store_int(s, 8);
    r->at_minute = (int)store_int(s, 9);
    const char *p = store_text(s, 6);
    while (*p && r->recipient_count < SHARING_RECIPIENTS_MAX) {
        size_t n = strcspn(p, " ");
        struct sharing_recipient *rc = &r->recipients[r->recipient_count];
        if (n > 2 && p[1] == ':') {
            const char *v = p + 2, *slash = memchr(v, '/', n - 2);
            size_t vn = n - 2;
            if (p[0] == 'r' && vn < sizeof rc->role)
                memcpy(rc->role, v, vn), rc->role[vn] = '\0';
            else if (p[0] == 'o' && vn < UUID_STR_LEN)
                memcpy(rc->org_id, v, vn), rc->org_id[vn] = '\0';
            else if (p[0] == 'u' && slash && (size_t)(slash - v) < UUID_STR_LEN &&
                     (size_t)(v + vn - slash - 1) < UUID_STR_LEN) {
                memcpy(rc->org_id, v, (size_t)(slash - v)), rc->org_id[slash - v] = '\0';
                memcpy(rc->user_id, slash + 1, (size_t)(v + vn - slash - 1));
                rc->user_id[v + vn - slash - 1] = '\0';
            }
            if (rc->role[0] || rc->org_id[0])
                r->recipient_count++;
        }
        p += n + (p[n] == ' ');
    }
    return r->recipient_count > 0;
}
