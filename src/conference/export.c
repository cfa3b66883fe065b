/* SPDX-License-Identifier: Apache-2.0 */
/* The anonymised case study (症例検討) of a conference, for teaching: the patient's identifying
 * data removed (docs/api/conference.md lists what and how). The patient becomes an age band and
 * a sex; every date becomes a day relative to the conference (day 0); free text has the
 * patient's name, reading, local ids, phone, address and birth date replaced; materials keep
 * their type, code, value and relative day only; people are shown by role, never by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "conference_int.h"
#include "core/clock.h"
#include "core/strbuf.h"

enum { SECRETS_MAX = 48, DAY_MS = 86400000 };

/* What must not appear in the export: each text and what replaces it, longest first. */
struct secrets {
    const char *text[SECRETS_MAX];
    const char *mask[SECRETS_MAX];
    int n;
    int64_t day0; /* the conference's Asia/Tokyo day number */
};

static void secret_add(struct op *op, struct secrets *s, const char *text, size_t len,
                       const char *mask)
{
    if (len == 0 || s->n >= SECRETS_MAX)
        return;
    s->text[s->n] = arena_strndup(op->arena, text, len);
    s->mask[s->n++] = mask;
}

/* A name ("佐藤 一郎", space ASCII or U+3000) whole, without its space, and each part. */
static void name_add(struct op *op, struct secrets *s, const char *name)
{
    static const char *const spaces[] = {" ", "\xe3\x80\x80", NULL};
    secret_add(op, s, name, strlen(name), "[患者]");
    for (int k = 0; spaces[k]; k++) {
        const char *sp = strstr(name, spaces[k]);
        if (!sp)
            continue;
        size_t w = strlen(spaces[k]);
        char *joined = arena_alloc(op->arena, strlen(name) + 1);
        memcpy(joined, name, (size_t)(sp - name));
        strcpy(joined + (sp - name), sp + w);
        secret_add(op, s, joined, strlen(joined), "[患者]");
        secret_add(op, s, name, (size_t)(sp - name), "[患者]");
        secret_add(op, s, sp + w, strlen(sp + w), "[患者]");
    }
}

static int by_length(const void *a, const void *b)
{
    return (int)strlen(*(const char *const *)b) - (int)strlen(*(const char *const *)a);
}

/* Sorts the secrets longest first (a full name before its parts). */
static void secrets_sort(struct secrets *s)
{
    for (int i = 1; i < s->n; i++)
        for (int j = i; j > 0 && by_length(&s->text[j - 1], &s->text[j]) > 0; j--) {
            const char *t = s->text[j], *m = s->mask[j];
            s->text[j] = s->text[j - 1];
            s->mask[j] = s->mask[j - 1];
            s->text[j - 1] = t;
            s->mask[j - 1] = m;
        }
}

/* The patient's identifying data into s; *age_band and *sex get what the export keeps. */
static bool secrets_load(struct error *err, struct op *op, const struct conference *c,
                         struct secrets *s, char age_band[16], char sex[16])
{
    struct store_stmt *q = store_query(err, op->conn,
                                       "SELECT name, name_kana, birth_date, address, phone, sex "
                                       "FROM patients WHERE id = ?",
                                       "t", c->patient_id);
    if (!q)
        return false;
    enum store_step_result r = store_step(err, q);
    if (r == STORE_ROW) {
        int y, m, d, age = -1;
        name_add(op, s, store_text(q, 0));
        name_add(op, s, store_text(q, 1));
        const char *birth = store_text(q, 2);
        secret_add(op, s, birth, strlen(birth), "[生年月日]");
        if (clock_parse_date(birth, &y, &m, &d)) {
            char ja[40];
            snprintf(ja, sizeof ja, "%d年%d月%d日", y, m, d);
            secret_add(op, s, ja, strlen(ja), "[生年月日]");
            int64_t born = clock_days_from_civil(y, m, d);
            age = (int)((s->day0 - born) * 100 / 36525);
        }
        secret_add(op, s, store_text(q, 3), strlen(store_text(q, 3)), "[住所]");
        secret_add(op, s, store_text(q, 4), strlen(store_text(q, 4)), "[電話番号]");
        snprintf(sex, 16, "%s", store_text(q, 5));
        if (age >= 90)
            snprintf(age_band, 16, "90+");
        else if (age >= 0)
            snprintf(age_band, 16, "%d-%d", age / 10 * 10, age / 10 * 10 + 9);
    }
    store_done(q);
    if (r != STORE_ROW)
        return r == STORE_DONE ? error_set(err, ERR_CONFERENCE_NOT_FOUND, NULL) : false;
    q = store_query(err, op->conn, "SELECT local_id FROM patient_local_ids WHERE patient_id = ?",
                    "t", c->patient_id);
    if (!q)
        return false;
    while ((r = store_step(err, q)) == STORE_ROW)
        secret_add(op, s, store_text(q, 0), strlen(store_text(q, 0)), "[ID]");
    store_done(q);
    secret_add(op, s, c->patient_id, strlen(c->patient_id), "[ID]");
    secrets_sort(s);
    return r == STORE_DONE;
}

/* text with every secret replaced (a new JSON string). */
static json_t *masked(const struct secrets *s, const char *text)
{
    struct strbuf out = {0};
    const char *p = text ? text : "";
    while (*p) {
        int hit = -1;
        for (int i = 0; i < s->n && hit < 0; i++)
            if (strncmp(p, s->text[i], strlen(s->text[i])) == 0)
                hit = i;
        if (hit >= 0) {
            strbuf_puts(&out, s->mask[hit]);
            p += strlen(s->text[hit]);
        } else {
            strbuf_append(&out, p, 1);
            p++;
        }
    }
    json_t *j = json_string(out.buf ? out.buf : "");
    strbuf_release(&out);
    return j;
}

/* The day of an ISO date or date-time relative to the conference (null when not one). */
static json_t *relative_day(const struct secrets *s, const char *iso)
{
    int64_t ms;
    if (!iso || !clock_parse_iso(iso, &ms))
        return json_null();
    if (strlen(iso) == 10) /* a date: its local midnight */
        ms -= 9 * 3600000LL;
    int64_t day = (ms + 9 * 3600000LL) / DAY_MS;
    return json_integer(day - s->day0);
}

static const char *str_at(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    return json_string_value(b ? json_object_get(v, b) : v);
}

/* What a resource's code says: code.text, else its first coding's display. */
static const char *code_text(const json_t *res, const char *field)
{
    const json_t *code = json_object_get(res, field);
    const char *t = json_string_value(json_object_get(code, "text"));
    return t ? t : str_at(json_array_get(json_object_get(code, "coding"), 0), "display", NULL);
}

/* A material as the export keeps it: type, code, value and relative day. */
static json_t *material_anon(const struct secrets *s, const json_t *m)
{
    const json_t *res = json_object_get(m, "resource");
    static const char *const dates[] = {
        "effectiveDateTime", "onsetDateTime", "recordedDate", "date", "issued", "authoredOn", NULL};
    const char *when = NULL;
    for (int i = 0; dates[i] && !when; i++)
        when = str_at(res, dates[i], NULL);
    const char *code = code_text(res, "code");
    const char *title = code ? code : code_text(res, "type");
    json_t *out = json_pack("{s:O, s:o, s:o, s:o}", "resource_type",
                            json_object_get(m, "resource_type"), "code", masked(s, title), "day",
                            relative_day(s, when), "note", masked(s, str_at(m, "note", NULL)));
    const json_t *q = json_object_get(res, "valueQuantity");
    if (q)
        json_object_set_new(out, "value",
                            json_pack("{s:O?, s:O?}", "value", json_object_get(q, "value"), "unit",
                                      json_object_get(q, "unit")));
    if (str_at(res, "valueString", NULL))
        json_object_set_new(out, "value", masked(s, str_at(res, "valueString", NULL)));
    return out;
}

/* The conference's parts as the export keeps them (full is conference_json with the patient). */
static json_t *anonymise(const struct secrets *s, const json_t *full, const char *age_band,
                         const char *sex)
{
    json_t *out = json_pack("{s:O, s:o, s:o, s:i}", "kind", json_object_get(full, "kind"), "title",
                            masked(s, str_at(full, "title", NULL)), "agenda",
                            masked(s, str_at(full, "agenda", NULL)), "duration_minutes", 0);
    int64_t a, b;
    if (clock_parse_iso(str_at(full, "starts_at", NULL), &a) &&
        clock_parse_iso(str_at(full, "ends_at", NULL), &b))
        json_object_set_new(out, "duration_minutes", json_integer((b - a) / 60000));
    json_object_set_new(out, "patient",
                        json_pack("{s:s?, s:s?}", "age_band", age_band[0] ? age_band : NULL, "sex",
                                  sex[0] ? sex : NULL));
    json_t *materials = json_array(), *actions = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(full, "materials"), i, m)
        json_array_append_new(materials, material_anon(s, m));
    json_array_foreach(json_object_get(full, "action_items"), i, m) json_array_append_new(
        actions, json_pack("{s:o, s:o, s:b}", "text", masked(s, str_at(m, "text", NULL)), "due_day",
                           relative_day(s, str_at(m, "due_date", NULL)), "done",
                           !json_is_null(json_object_get(m, "done_at"))));
    const json_t *minutes = json_object_get(full, "minutes");
    json_object_set_new(out, "materials", materials);
    json_object_set_new(out, "action_items", actions);
    json_object_set_new(out, "minutes",
                        json_is_object(minutes)
                            ? json_pack("{s:o, s:o, s:O}", "text",
                                        masked(s, str_at(minutes, "text", NULL)), "day",
                                        relative_day(s, str_at(minutes, "at", NULL)), "version",
                                        json_object_get(minutes, "version"))
                            : json_null());
    return out;
}

/* The participating organisations' types (never their people). */
static json_t *participant_types(struct error *err, struct store_conn *conn, const char *id)
{
    json_t *out = json_array();
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT o.type, COUNT(*) FROM conference_orgs co JOIN "
                                       "orgs o ON o.id = co.org_id WHERE co.conference_id = ? "
                                       "GROUP BY o.type ORDER BY o.type",
                                       "t", id);
    enum store_step_result r = STORE_FAIL;
    while (s && (r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(out, json_pack("{s:s, s:I}", "org_type", store_text(s, 0), "count",
                                             (json_int_t)store_int(s, 1)));
    store_done(s);
    if (r != STORE_DONE) {
        json_decref(out);
        return NULL;
    }
    return out;
}

bool conference_export(struct error *err, struct request *req)
{
    struct conference c;
    bool sees;
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !conference_open(err, req, ACCESS_READ, &c, &sees))
        return false;
    if (!sees)
        return error_set(err, ERR_CONFERENCE_PATIENT_HIDDEN, NULL);
    req->audit_detail = "anonymised case study export";
    struct secrets s = {.n = 0, .day0 = (c.starts_at + 9 * 3600000LL) / DAY_MS};
    char age_band[16] = "", sex[16] = "";
    if (c.patient_id[0] && !secrets_load(err, &req->op, &c, &s, age_band, sex))
        return false;
    json_t *full = conference_json(err, &req->op, &c, true);
    json_t *types = full ? participant_types(err, req->op.conn, c.id) : NULL;
    if (!types) {
        json_decref(full);
        return false;
    }
    json_t *out = anonymise(&s, full, age_band, sex);
    json_decref(full);
    json_object_set_new(out, "participants", types);
    json_object_set_new(out, "anonymised", json_true());
    if (!c.patient_id[0])
        json_object_set_new(out, "patient", json_null());
    response_json(req, 200, out);
    return true;
}
