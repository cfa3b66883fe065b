/* SPDX-License-Identifier: Apache-2.0 */
/* A patient's access history: who, from any organisation, opened the patient's record, emergency
 * access included. The router decides it like the audit trail of the record (DATA_AUDIT: the
 * patient's care team with consent in force) and audits the reading. It tells the organisation,
 * the person's name and profession, the time, what kind of thing was opened and whether through
 * an emergency grant: never the records' details (search terms, reasons), client addresses or
 * request ids, and only records naming this patient. The patient portal will show the same. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auditlog_int.h"

static const char sql_access_log[] =
    "SELECT a.seq, a.time, a.event_id, a.action, a.object_type, a.org_id, o.name, u.name, "
    "u.profession, a.detail FROM audit a LEFT JOIN orgs o ON o.id = a.org_id "
    "LEFT JOIN users u ON u.id = a.user_id WHERE a.patient_id = ?1 AND a.outcome = 0 "
    "AND (CAST(?2 AS BIGINT) IS NULL OR a.seq < ?2) ORDER BY a.seq DESC LIMIT ?3";

static const char *const access_log_query[] = {"cursor", "limit", NULL};

static json_t *text_or_null(struct store_stmt *s, int col)
{
    return store_is_null(s, col) ? json_null() : json_string(store_text(s, col));
}

static json_t *access_row(struct store_stmt *s)
{
    const char *detail = store_is_null(s, 9) ? NULL : store_text(s, 9);
    const char *type = store_is_null(s, 4) ? NULL : store_text(s, 4);
    bool emergency =
        auditlog_detail_emergency(detail) || (type && strcmp(type, "emergency_access") == 0);
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:b}", "seq", (json_int_t)store_int(s, 0), "time",
                  store_text(s, 1), "event_id", store_text(s, 2), "action", store_text(s, 3),
                  "object_type", text_or_null(s, 4), "emergency", emergency);
    json_object_set_new(o, "org",
                        store_is_null(s, 5) ? json_null()
                                            : json_pack("{s:s, s:o}", "id", store_text(s, 5),
                                                        "name", text_or_null(s, 6)));
    json_object_set_new(o, "user",
                        store_is_null(s, 7) ? json_null()
                                            : json_pack("{s:s, s:o}", "name", store_text(s, 7),
                                                        "profession", text_or_null(s, 8)));
    return o;
}

static bool parse_cursor(struct error *err, struct request *req, int64_t *before)
{
    const char *cursor = request_query(req, "cursor");
    *before = 0;
    if (!cursor)
        return true;
    char *end;
    long long v = strtoll(cursor, &end, 10);
    if (*end || v <= 0)
        return error_set(err, ERR_BAD_QUERY, "invalid cursor");
    *before = v;
    return true;
}

bool audit_patient_access(struct error *err, struct request *req)
{
    int64_t before, limit, ignored;
    if (!request_query_check(err, req, access_log_query) || !parse_cursor(err, req, &before) ||
        !request_page(err, req, &limit, &ignored))
        return false;
    struct store_arg args[3] = {
        {.type = 't', .text = req->patient_id},
        before ? (struct store_arg){.type = 'i', .i = before}
               : (struct store_arg){.type = 't', .text = NULL},
        {.type = 'i', .i = limit + 1},
    };
    if (!audit_index_sync(err, req->op.conn))
        return false;
    struct store_stmt *s = store_query_args(err, req->op.conn, sql_access_log, args, 3);
    if (!s)
        return false;
    json_t *items = json_array();
    int64_t last = 0, n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < limit) {
        json_array_append_new(items, access_row(s));
        last = store_int(s, 0);
        n++;
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    req->object_type = "access_log";
    req->audit_detail = arena_printf(req->op.arena, "access history results=%lld", (long long)n);
    response_json(req, 200,
                  json_pack("{s:o, s:o}", "items", items, "next_cursor",
                            r == STORE_ROW
                                ? json_string(arena_printf(req->op.arena, "%lld", (long long)last))
                                : json_null()));
    return true;
}
