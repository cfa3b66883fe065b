/* SPDX-License-Identifier: Apache-2.0 */
/* The audit view: an organisation's administrators see their organisation's records, the network
 * office sees all, with the patient data in their details hidden. Newest first; the cursor is
 * the last sequence number seen. */
#include <stdlib.h>
#include <string.h>

#include "auditlog_int.h"
#include "core/clock.h"
#include "core/strbuf.h"

static const char sql_audit[] =
    "SELECT seq, time, event_id, action, outcome, user_id, user_login, org_id, client, "
    "patient_id, object_type, object_id, request_id, detail FROM audit "
    "WHERE (CAST(?1 AS TEXT) IS NULL OR org_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR user_id = "
    "?2) "
    "AND (CAST(?3 AS TEXT) IS NULL OR patient_id = ?3) AND (CAST(?4 AS TEXT) IS NULL OR action = "
    "?4) "
    "AND (CAST(?5 AS TEXT) IS NULL OR time >= ?5) AND (CAST(?6 AS TEXT) IS NULL OR time < ?6) "
    "AND (CAST(?7 AS BIGINT) IS NULL OR seq < ?7) ORDER BY seq DESC LIMIT ?8";

static const char *const audit_query[] = {"user_id", "patient_id", "action", "from",
                                          "to",      "cursor",     "limit",  NULL};

static bool time_filter(struct error *err, struct request *req, const char *name, const char **out)
{
    const char *v = request_query(req, name);
    int64_t ms;
    *out = NULL;
    if (!v)
        return true;
    if (!clock_parse_iso(v, &ms))
        return error_set(err, ERR_BAD_QUERY, "%s: expected an ISO 8601 date or time", name);
    char *t = arena_alloc(req->op.arena, 32);
    clock_format_iso(ms, t);
    *out = t;
    return true;
}

static json_t *str_or_null(struct store_stmt *s, int col)
{
    return store_is_null(s, col) ? json_null() : json_string(store_text(s, col));
}

/* ---- what the network office sees --------------------------------------------------------
 * The office reviews the whole region's audit without reading patient data: in a record's
 * detail, search terms (names, kana, birth dates, FHIR query values) and free text (an emergency
 * access's reason, a review's comment) are hidden. An organisation's administrators see them. */

static const char HIDDEN[] = "…";

/* A FHIR query as audited ("name=%E5%B1%B1&birthdate=1941-04-12"), its values hidden; an
 * "emergency access <grant>; " prefix is kept. */
static const char *hide_query_values(struct request *req, const char *detail)
{
    struct strbuf sb = {0};
    const char *q = detail, *semi = strstr(detail, "; ");
    if (strncmp(detail, "emergency access ", 17) == 0 && semi) {
        strbuf_append(&sb, detail, (size_t)(semi + 2 - detail));
        q = semi + 2;
    }
    while (*q) {
        size_t pair = strcspn(q, "&"), key = strcspn(q, "=&");
        strbuf_append(&sb, q, key);
        if (key < pair)
            strbuf_printf(&sb, "=%s", HIDDEN);
        q += pair;
        if (*q == '&')
            strbuf_puts(&sb, "&"), q++;
    }
    const char *out = arena_strdup(req->op.arena, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return out;
}

static const char *redacted(struct request *req, const char *event, const char *detail)
{
    if (!detail)
        return NULL;
    if (strcmp(event, "emergency_search") == 0) { /* keep only how many were found */
        const char *results = strstr(detail, "results=");
        return arena_printf(req->op.arena, "emergency search name=%s name_kana=%s birth_date=%s %s",
                            HIDDEN, HIDDEN, HIDDEN, results ? results : "");
    }
    if (strncmp(event, "fhir_", 5) == 0 && strchr(detail, '='))
        return hide_query_values(req, detail);
    if (strcmp(event, "emergency.start") == 0 || strcmp(event, "emergency.reuse") == 0 ||
        strcmp(event, "emergency.review") == 0) { /* "…: <reason or comment>" */
        const char *colon = strstr(detail, ": ");
        return colon
                   ? arena_printf(req->op.arena, "%.*s: %s", (int)(colon - detail), detail, HIDDEN)
                   : detail;
    }
    return detail;
}

static json_t *row_json(struct store_stmt *s)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:i}", "seq", (json_int_t)store_int(s, 0), "time",
                          store_text(s, 1), "event_id", store_text(s, 2), "action",
                          store_text(s, 3), "outcome", (int)store_int(s, 4));
    static const char *const names[] = {"user_id",   "user_login", "org_id",
                                        "client",    "patient_id", "object_type",
                                        "object_id", "request_id", "detail"};
    for (int i = 0; i < 9; i++)
        json_object_set_new(o, names[i], str_or_null(s, 5 + i));
    return o;
}

static bool parse_filters(struct error *err, struct request *req, const char **user,
                          const char **patient, const char **action, int64_t *before)
{
    *user = request_query(req, "user_id");
    *patient = request_query(req, "patient_id");
    *action = request_query(req, "action");
    const char *cursor = request_query(req, "cursor");
    if ((*user && !ids_uuid_valid(*user)) || (*patient && !ids_uuid_valid(*patient)))
        return error_set(err, ERR_BAD_QUERY, "user_id and patient_id are ids");
    if (*action && (strlen(*action) != 1 || !strchr("CRUDE", (*action)[0])))
        return error_set(err, ERR_BAD_QUERY, "action: one of C R U D E");
    *before = 0;
    if (cursor) {
        char *end;
        long long v = strtoll(cursor, &end, 10);
        if (*end || v <= 0)
            return error_set(err, ERR_BAD_QUERY, "invalid cursor");
        *before = v;
    }
    return true;
}

bool audit_list(struct error *err, struct request *req)
{
    const char *user, *patient, *action, *from, *to;
    int64_t before, limit, ignored;
    if (!request_query_check(err, req, audit_query) ||
        !parse_filters(err, req, &user, &patient, &action, &before) ||
        !time_filter(err, req, "from", &from) || !time_filter(err, req, "to", &to) ||
        !request_page(err, req, &limit, &ignored))
        return false;
    const char *org = req->op.principal.network_admin ? NULL : req->op.principal.org_id;
    /* ?7 (the cursor) is an integer when given and NULL otherwise */
    struct store_stmt *s =
        before ? store_query(err, req->op.conn, sql_audit, "ttttttii", org, user, patient, action,
                             from, to, before, limit + 1)
               : store_query(err, req->op.conn, sql_audit, "ttttttti", org, user, patient, action,
                             from, to, (const char *)NULL, limit + 1);
    if (!s)
        return false;
    json_t *items = json_array();
    int64_t last = 0, n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < limit) {
        json_t *row = row_json(s);
        if (req->op.principal.network_admin) {
            json_t *d = json_object_get(row, "detail");
            const char *shown =
                json_is_string(d) ? redacted(req, store_text(s, 2), json_string_value(d)) : NULL;
            if (shown)
                json_object_set_new(row, "detail", json_string(shown));
        }
        json_array_append_new(items, row);
        last = store_int(s, 0);
        n++;
    }
    bool more = r == STORE_ROW;
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    op_audit_read(&req->op, "audit_list", AUDIT_SUCCESS, patient, "audit", NULL,
                  org ? "organisation records" : "all records");
    response_json(req, 200,
                  json_pack("{s:o, s:o}", "items", items, "next_cursor",
                            more ? json_string(arena_printf(req->op.arena, "%lld", (long long)last))
                                 : json_null()));
    return true;
}
