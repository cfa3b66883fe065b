/* SPDX-License-Identifier: Apache-2.0 */
/* The schedule as iCalendar (RFC 5545) by a private, revocable link: a staff member's own
 * visits, or one patient's schedule. The link's token is shown once and kept as its SHA-256; the
 * feed answers without a session while the link lives, is read as the link's maker in person
 * (no emergency grant counts), and every access is audited once per patient it shows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/strbuf.h"
#include "homecare_int.h"

enum { LABEL_MAX = 100, FEED_PAST_DAYS = 7, LINKS_MAX = 100, FOLD_OCTETS = 75 };

static const char ical_path[] = "/api/homecare/ical/";

/* ---- links ---------------------------------------------------------------------------------- */

static bool link_create(struct error *err, struct request *req, const char *patient_id)
{
    static const struct jfield fields[] = {
        {"label", JV_TEXT, false, LABEL_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!request_require_org(err, req) || (req->json && !jsonv_check(err, req->json, fields)) ||
        !op_write_begin(err, &req->op))
        return false;
    const char *label = req->json ? api_trimmed(req, jsonv_str(req->json, "label")) : NULL;
    char id[UUID_STR_LEN], token[TOKEN_STR_LEN], hash[SHA256_HEX_LEN];
    ids_uuid_new(id);
    ids_token_new(token);
    ids_sha256_hex(token, strlen(token), hash);
    req->object_type = "homecare_ical_link";
    req->object_id = arena_strdup(req->op.arena, id);
    if (!store_exec(err, req->op.conn, NULL,
                    "INSERT INTO homecare_ical_links (id, token_sha256, user_id, org_id, "
                    "patient_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "tttttti", id, hash, req->op.principal.user_id, req->op.principal.org_id,
                    patient_id, label ? label : "", req->op.now_ms))
        return false;
    char url[128], created[32];
    snprintf(url, sizeof url, "%s%s.ics", ical_path, token);
    clock_format_iso(req->op.now_ms, created);
    response_json(req, 201,
                  json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s}", "id", id, "scope",
                            patient_id ? "patient" : "staff", "token", token, "patient_id",
                            patient_id, "label", label ? label : "", "url", url, "created_at",
                            created));
    return true;
}

bool homecare_ical_links_create(struct error *err, struct request *req)
{
    return link_create(err, req, NULL);
}

bool homecare_ical_patient_link(struct error *err, struct request *req)
{
    return link_create(err, req, req->patient_id);
}

bool homecare_ical_links_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT id, patient_id, label, created_at, revoked_at "
                                       "FROM homecare_ical_links WHERE user_id = ? ORDER BY "
                                       "created_at DESC, id LIMIT 100",
                                       "t", req->op.principal.user_id);
    if (!s)
        return false;
    json_t *items = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        char created[32], revoked[32];
        clock_format_iso(store_int(s, 3), created);
        if (!store_is_null(s, 4))
            clock_format_iso(store_int(s, 4), revoked);
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s?}", "id", store_text(s, 0),
                                        "scope", store_is_null(s, 1) ? "staff" : "patient",
                                        "patient_id", store_is_null(s, 1) ? NULL : store_text(s, 1),
                                        "label", store_text(s, 2), "created_at", created,
                                        "revoked_at", store_is_null(s, 4) ? NULL : revoked));
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

bool homecare_ical_links_revoke(struct error *err, struct request *req)
{
    int64_t changes = 0;
    const char *id = request_param(req, 0);
    if (!api_no_fields(err, req) || !op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changes,
                    "UPDATE homecare_ical_links SET revoked_at = ? WHERE id = ? AND user_id = ? "
                    "AND revoked_at IS NULL",
                    "itt", req->op.now_ms, id, req->op.principal.user_id))
        return false;
    if (changes == 0)
        return error_set(err, ERR_HOMECARE_ICAL_NOT_FOUND, NULL);
    req->object_type = "homecare_ical_link";
    req->object_id = id;
    response_empty(req, 204);
    return true;
}

/* ---- RFC 5545 text ------------------------------------------------------------------------- */

/* Appends a content line: name (with its parameters and colon) then value, folded at 75 octets
 * (RFC 5545 §3.1: CRLF and one space; never inside a UTF-8 sequence), ended by CRLF. */
static void line(struct strbuf *sb, const char *name, const char *value)
{
    struct strbuf l = {0};
    strbuf_puts(&l, name);
    strbuf_puts(&l, value);
    size_t i = 0, room = FOLD_OCTETS;
    while (l.len - i > room) {
        size_t n = room;
        while (n > 0 && ((unsigned char)l.buf[i + n] & 0xC0) == 0x80)
            n--;
        strbuf_append(sb, l.buf + i, n);
        strbuf_puts(sb, "\r\n ");
        i += n;
        room = FOLD_OCTETS - 1;
    }
    strbuf_append(sb, l.buf + i, l.len - i);
    strbuf_puts(sb, "\r\n");
    strbuf_release(&l);
}

/* A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped. */
static void text_line(struct strbuf *sb, const char *name, const char *text)
{
    struct strbuf t = {0};
    strbuf_puts(&t, "");
    for (const char *p = text; *p; p++) {
        if (*p == '\\' || *p == ';' || *p == ',')
            strbuf_append(&t, "\\", 1);
        if (*p == '\n')
            strbuf_puts(&t, "\\n");
        else if (*p != '\r')
            strbuf_append(&t, p, 1);
    }
    line(sb, name, t.buf);
    strbuf_release(&t);
}

/* "YYYYMMDDTHHMMSS" local time (Asia/Tokyo), or with utc the UTC time and a "Z". */
static void ical_time(int64_t ms, bool utc, char out[20])
{
    int64_t shifted = utc ? ms : ms + 9 * 3600 * 1000LL;
    int64_t day = shifted >= 0 ? shifted / 86400000 : (shifted - 86399999) / 86400000;
    int64_t secs = (shifted - day * 86400000) / 1000;
    char date[11];
    schedule_days_date(day, date);
    snprintf(out, 20, "%.4s%.2s%.2sT%02d%02d%02d%s", date, date + 5, date + 8, (int)(secs / 3600),
             (int)(secs / 60 % 60), (int)(secs % 60), utc ? "Z" : "");
}

static void calendar_begin(struct strbuf *sb, const char *name)
{
    line(sb, "BEGIN:", "VCALENDAR");
    line(sb, "VERSION:", "2.0");
    line(sb, "PRODID:", "-//tsunagu//homecare schedule//JA");
    line(sb, "CALSCALE:", "GREGORIAN");
    line(sb, "METHOD:", "PUBLISH");
    text_line(sb, "X-WR-CALNAME:", name);
    line(sb, "X-WR-TIMEZONE:", "Asia/Tokyo");
    /* Asia/Tokyo: UTC+9 all year, no daylight saving time since 1951 */
    line(sb, "BEGIN:", "VTIMEZONE");
    line(sb, "TZID:", "Asia/Tokyo");
    line(sb, "BEGIN:", "STANDARD");
    line(sb, "DTSTART:", "19510908T000000");
    line(sb, "TZOFFSETFROM:", "+0900");
    line(sb, "TZOFFSETTO:", "+0900");
    line(sb, "TZNAME:", "JST");
    line(sb, "END:", "STANDARD");
    line(sb, "END:", "VTIMEZONE");
}

struct feed_event {
    const char *visit_id, *summary, *location, *status;
    int64_t starts_at, ends_at, updated_at;
};

static void event(struct strbuf *sb, const struct feed_event *e)
{
    char uid[64], t[20];
    line(sb, "BEGIN:", "VEVENT");
    snprintf(uid, sizeof uid, "%s@tsunagu", e->visit_id);
    line(sb, "UID:", uid);
    ical_time(e->updated_at, true, t);
    line(sb, "DTSTAMP:", t);
    ical_time(e->starts_at, false, t);
    line(sb, "DTSTART;TZID=Asia/Tokyo:", t);
    ical_time(e->ends_at, false, t);
    line(sb, "DTEND;TZID=Asia/Tokyo:", t);
    text_line(sb, "SUMMARY:", e->summary);
    if (e->location && e->location[0])
        text_line(sb, "LOCATION:", e->location);
    line(sb, "STATUS:", strcmp(e->status, "cancelled") == 0 ? "CANCELLED" : "CONFIRMED");
    line(sb, "TRANSP:", "OPAQUE");
    line(sb, "END:", "VEVENT");
}

/* ---- the feed -------------------------------------------------------------------------------- */

struct feed_link {
    char id[UUID_STR_LEN], patient_id[UUID_STR_LEN];
    char label[512];
};

/* The live link of the token, its maker still an active member of its organisation: the
 * request's principal becomes the maker (for the access rule and the audit). */
static bool feed_link(struct error *err, struct request *req, struct feed_link *l)
{
    const char *name = request_param(req, 0);
    size_t n = strlen(name);
    if (n != TOKEN_STR_LEN - 1 + 4 || strcmp(name + n - 4, ".ics") != 0)
        return error_set(err, ERR_HOMECARE_ICAL_NOT_FOUND, NULL);
    char hash[SHA256_HEX_LEN];
    ids_sha256_hex(name, n - 4, hash);
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT l.id, COALESCE(l.patient_id, ''), l.label, u.id, u.name, u.profession, l.org_id, "
        "u.login "
        "FROM homecare_ical_links l JOIN users u ON u.id = l.user_id JOIN memberships m ON "
        "m.user_id = l.user_id AND m.org_id = l.org_id WHERE l.token_sha256 = ? AND "
        "l.revoked_at IS NULL AND u.disabled = 0",
        "t", hash);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        struct principal *p = &req->op.principal;
        snprintf(l->id, sizeof l->id, "%s", store_text(s, 0));
        snprintf(l->patient_id, sizeof l->patient_id, "%s", store_text(s, 1));
        snprintf(l->label, sizeof l->label, "%s", store_text(s, 2));
        snprintf(p->user_id, sizeof p->user_id, "%s", store_text(s, 3));
        snprintf(p->name, sizeof p->name, "%s", store_text(s, 4));
        snprintf(p->profession, sizeof p->profession, "%s", store_text(s, 5));
        snprintf(p->org_id, sizeof p->org_id, "%s", store_text(s, 6));
        snprintf(p->login, sizeof p->login, "%s", store_text(s, 7));
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_ICAL_NOT_FOUND, NULL);
    req->object_type = "homecare_ical_link";
    req->object_id = arena_strdup(req->op.arena, l->id);
    return true;
}

static bool staff_event(struct error *err, struct request *req,
                        const struct schedule_staff_row *row, void *arg)
{
    (void)err;
    const struct homecare_kind *k = homecare_kind_find(row->kind);
    const char *summary =
        arena_printf(req->op.arena, "%s %s", k ? k->ja : row->kind, row->patient_name);
    struct feed_event e = {row->visit_id,  summary,      row->address,   row->status,
                           row->starts_at, row->ends_at, row->updated_at};
    event(arg, &e);
    op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, row->patient_id,
                  "homecare_visit", row->visit_id, "ical");
    return true;
}

/* The patient's visits of every organisation: the kind and the visiting organisation only. */
static bool patient_events(struct error *err, struct request *req, const char *patient_id,
                           const char *from, const char *until, struct strbuf *sb)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT v.id, v.kind, o.name, v.status, v.starts_at, v.ends_at, v.updated_at FROM "
        "homecare_visits v JOIN orgs o ON o.id = v.org_id WHERE v.patient_id = ? AND "
        "v.local_date BETWEEN ? AND ? ORDER BY v.starts_at, v.id",
        "ttt", patient_id, from, until);
    if (!s)
        return false;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        const struct homecare_kind *k = homecare_kind_find(store_text(s, 1));
        const char *summary =
            arena_printf(req->op.arena, "%s(%s)", k ? k->ja : store_text(s, 1), store_text(s, 2));
        struct feed_event e = {store_text(s, 0), summary,         NULL,           store_text(s, 3),
                               store_int(s, 4),  store_int(s, 5), store_int(s, 6)};
        event(sb, &e);
    }
    store_done(s);
    op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient_id, "patient",
                  patient_id, "ical");
    return r != STORE_FAIL;
}

bool homecare_ical_feed(struct error *err, struct request *req)
{
    struct feed_link l;
    if (!request_query_check(err, req, (const char *const[]){NULL}) || !feed_link(err, req, &l))
        return false;
    bool sees = true;
    if (l.patient_id[0] && !access_org_sees(err, req->op.conn, req->op.principal.org_id,
                                            l.patient_id, DATA_CLINICAL, &sees))
        return false;
    if (!sees) /* the organisation no longer sees the patient: the link shows nothing */
        return error_set(err, ERR_HOMECARE_ICAL_NOT_FOUND, NULL);
    char from[11], until[11];
    int64_t today = schedule_today();
    schedule_days_date(today - FEED_PAST_DAYS, from);
    schedule_days_date(today + SCHEDULE_WINDOW_DAYS, until);
    struct strbuf sb = {0};
    calendar_begin(&sb, l.label[0] ? l.label : l.patient_id[0] ? "在宅訪問予定" : "訪問予定");
    bool ok = l.patient_id[0] ? patient_events(err, req, l.patient_id, from, until, &sb)
                              : schedule_staff_each(err, req, req->op.principal.user_id,
                                                    req->op.principal.org_id, from, until, true,
                                                    staff_event, &sb);
    line(&sb, "END:", "VCALENDAR");
    if (!ok) {
        strbuf_release(&sb);
        return false;
    }
    size_t len = sb.len;
    response_csv(req, strbuf_steal(&sb), len, "schedule.ics");
    req->content_type = "text/calendar; charset=utf-8";
    response_header(req, "Cache-Control", "private, no-store");
    return true;
}
