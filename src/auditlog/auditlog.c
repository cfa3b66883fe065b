/* SPDX-License-Identifier: Apache-2.0 */
/* The audit view: an organisation's administrators see their organisation's records, the network
 * office sees all, with the patient data in their details hidden. Newest first; the cursor is
 * the last sequence number seen. Records carry the names of their user, organisation and patient
 * (the patient's only where the administrator's organisation may see the patient, never for the
 * office), and may be found by a patient's name, kana or local id. */
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "audit/audit.h"
#include "auditlog_int.h"
#include "core/clock.h"
#include "core/kana.h"

/* A patient's name is shown to an organisation (?1) that may see the patient now, or whose staff
 * opened the patient through an emergency grant (its administrators review that access). */
#define NAME_SHOWN_SQL                                                                             \
    "(?5 = 1 AND (" ACCESS_VISIBLE_SQL " OR EXISTS (SELECT 1 FROM emergency_access ea WHERE "      \
    "ea.patient_id = p.id AND ea.org_id = ?1)))"

/* ?1–?4 the access rule for the caller's organisation, ?5 names shown, ?6 the organisation
 * filter, then the filters, ?15 the limit. A patient is found by name only where the name would
 * be shown, so the search tells nothing about patients the organisation may not see. */
static const char sql_audit[] =
    "SELECT a.seq, a.time, a.event_id, a.action, a.outcome, a.user_id, a.user_login, a.org_id, "
    "a.client, a.patient_id, a.object_type, a.object_id, a.request_id, a.detail, u.name, o.name, "
    "CASE WHEN " NAME_SHOWN_SQL " THEN p.name END, CASE WHEN " NAME_SHOWN_SQL
    " THEN p.name_kana END FROM audit a LEFT JOIN users u ON u.id = a.user_id "
    "LEFT JOIN orgs o ON o.id = a.org_id LEFT JOIN patients p ON p.id = a.patient_id "
    "WHERE (CAST(?6 AS TEXT) IS NULL OR a.org_id = ?6) "
    "AND (CAST(?7 AS TEXT) IS NULL OR a.user_id = ?7) "
    "AND (CAST(?8 AS TEXT) IS NULL OR a.patient_id = ?8) "
    "AND (CAST(?9 AS TEXT) IS NULL OR a.action = ?9) "
    "AND (CAST(?10 AS TEXT) IS NULL OR a.time >= ?10) AND (CAST(?11 AS TEXT) IS NULL OR a.time < "
    "?11) AND (CAST(?12 AS BIGINT) IS NULL OR a.seq < ?12) "
    "AND ((CAST(?13 AS TEXT) IS NULL AND CAST(?14 AS TEXT) IS NULL) OR a.patient_id IN "
    "(SELECT p.id FROM patients p WHERE " NAME_SHOWN_SQL " AND ((CAST(?13 AS TEXT) IS NOT "
    "NULL AND (p.kana_key LIKE ?13" STORE_LIKE_ESCAPE " OR p.name_key LIKE ?13" STORE_LIKE_ESCAPE
    ")) OR EXISTS (SELECT 1 FROM patient_local_ids l WHERE l.patient_id = p.id AND l.local_id = "
    "?14)))) ORDER BY a.seq DESC LIMIT ?15";

static const char *const list_query[] = {"user_id", "patient_id", "patient", "action", "from",
                                         "to",      "cursor",     "limit",   NULL};

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

/* patient=: a name or kana (any part, any width or kana form) or a local id (exact). */
static bool patient_text(struct error *err, struct request *req, struct audit_filters *f)
{
    const char *q = request_query(req, "patient");
    f->patient_like = f->local_id = NULL;
    if (!q || !*q)
        return true;
    if (req->op.principal.network_admin)
        return error_set(err, ERR_FORBIDDEN,
                         "patient: the network office sees no patient names; use patient_id");
    char *key = kana_normalize(q);
    char *like = key && key[0] ? store_like("%", key, "%") : NULL;
    f->patient_like = like ? arena_strdup(req->op.arena, like) : NULL;
    f->local_id = q;
    free(key);
    free(like);
    return true;
}

bool auditlog_filters_parse(struct error *err, struct request *req, const char *const *allowed,
                            struct audit_filters *f)
{
    *f = (struct audit_filters){0};
    if (!request_query_check(err, req, allowed))
        return false;
    f->org = req->op.principal.network_admin ? NULL : req->op.principal.org_id;
    f->user = request_query(req, "user_id");
    f->patient = request_query(req, "patient_id");
    f->action = request_query(req, "action");
    if ((f->user && !ids_uuid_valid(f->user)) || (f->patient && !ids_uuid_valid(f->patient)))
        return error_set(err, ERR_BAD_QUERY,
                         "user_id and patient_id are ids; find a patient by name with patient");
    if (f->action && (strlen(f->action) != 1 || !strchr("CRUDE", f->action[0])))
        return error_set(err, ERR_BAD_QUERY, "action: one of C R U D E");
    const char *cursor = request_query(req, "cursor");
    if (cursor) {
        char *end;
        long long v = strtoll(cursor, &end, 10);
        if (*end || v <= 0)
            return error_set(err, ERR_BAD_QUERY, "invalid cursor");
        f->before = v;
    }
    return time_filter(err, req, "from", &f->from) && time_filter(err, req, "to", &f->to) &&
           patient_text(err, req, f);
}

struct store_stmt *auditlog_query(struct error *err, struct request *req,
                                  const struct audit_filters *f, int64_t limit)
{
    struct access_rule_args a;
    access_rule_args_org(f->org, &a);
    struct store_arg args[15];
    access_rule_bind(&a, args);
    const char *texts[] = {f->org, f->user, f->patient, f->action, f->from, f->to};
    args[4] = (struct store_arg){.type = 'i', .i = f->org != NULL};
    for (int i = 0; i < 6; i++)
        args[5 + i] = (struct store_arg){.type = 't', .text = texts[i]};
    args[11] = f->before ? (struct store_arg){.type = 'i', .i = f->before}
                         : (struct store_arg){.type = 't', .text = NULL};
    args[12] = (struct store_arg){.type = 't', .text = f->patient_like};
    args[13] = (struct store_arg){.type = 't', .text = f->local_id};
    args[14] = (struct store_arg){.type = 'i', .i = limit};
    if (!audit_index_sync(err, req->op.conn))
        return NULL;
    return store_query_args(err, req->op.conn, sql_audit, args, 15);
}

static json_t *str_or_null(struct store_stmt *s, int col)
{
    return store_is_null(s, col) ? json_null() : json_string(store_text(s, col));
}

json_t *auditlog_row_json(struct request *req, struct store_stmt *s)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:i}", "seq", (json_int_t)store_int(s, 0), "time",
                          store_text(s, 1), "event_id", store_text(s, 2), "action",
                          store_text(s, 3), "outcome", (int)store_int(s, 4));
    static const char *const names[] = {
        "user_id",     "user_login",   "org_id",           "client", "patient_id",
        "object_type", "object_id",    "request_id",       "detail", "user_name",
        "org_name",    "patient_name", "patient_name_kana"};
    for (int i = 0; i < 13; i++)
        json_object_set_new(o, names[i], str_or_null(s, 5 + i));
    const char *detail = store_is_null(s, 13) ? NULL : store_text(s, 13);
    json_object_set_new(o, "emergency", json_boolean(auditlog_detail_emergency(detail)));
    if (req->op.principal.network_admin && detail) {
        const char *shown = auditlog_detail_redacted(req, store_text(s, 2), detail);
        json_object_set_new(o, "detail", shown ? json_string(shown) : json_null());
    }
    return o;
}

bool audit_list(struct error *err, struct request *req)
{
    struct audit_filters f;
    int64_t limit, ignored;
    if (!auditlog_filters_parse(err, req, list_query, &f) ||
        !request_page(err, req, &limit, &ignored))
        return false;
    struct store_stmt *s = auditlog_query(err, req, &f, limit + 1);
    if (!s)
        return false;
    json_t *items = json_array();
    int64_t last = 0, n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < limit) {
        json_array_append_new(items, auditlog_row_json(req, s));
        last = store_int(s, 0);
        n++;
    }
    bool more = r == STORE_ROW;
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    op_audit_read(&req->op, "audit_list", AUDIT_SUCCESS, f.patient, "audit", NULL,
                  f.org ? "organisation records" : "all records");
    response_json(req, 200,
                  json_pack("{s:o, s:o}", "items", items, "next_cursor",
                            more ? json_string(arena_printf(req->op.arena, "%lld", (long long)last))
                                 : json_null()));
    return true;
}
