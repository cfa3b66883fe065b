/* SPDX-License-Identifier: Apache-2.0 */
/* The team's one stream about a patient (issue 16): the timeline's threads together with the
 * events the team should read in the same place: visit records, schedule changes and referrals,
 * newest first (GET /api/patients/{id}/homecare/timeline, docs/api/homecare.md). The router has
 * decided access to the patient's clinical data and audits the read; referrals are read under
 * their own class (DATA_REFERRAL) and left out for a caller the rule does not admit to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "homecare_int.h"

enum stream_type {
    STREAM_POST = 1 << 0,
    STREAM_RECORD = 1 << 1,
    STREAM_SCHEDULE = 1 << 2,
    STREAM_REFERRAL = 1 << 3,
    STREAM_ALERT = 1 << 4,
    STREAM_ALL = (1 << 5) - 1,
};

static const char *const type_names[] = {"post",     "visit_record", "schedule_change",
                                         "referral", "alert",        NULL};

/* types= as a set: a comma-separated list of type names; none given: every type. */
static bool parse_types(struct error *err, const char *list, unsigned *types)
{
    *types = list ? 0 : STREAM_ALL;
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        int i = 0;
        while (type_names[i] && !(strlen(type_names[i]) == n && memcmp(type_names[i], p, n) == 0))
            i++;
        if (!type_names[i])
            return error_set(err, ERR_BAD_QUERY, "types: unknown type '%.*s'", (int)n, p);
        *types |= 1u << i;
        p += n + (p[n] == ',');
    }
    return *types ? true : error_set(err, ERR_BAD_QUERY, "types: empty");
}

/* ---- one item of each type ------------------------------------------------------------------ */

/* The row of the single-row statement s made into JSON by row, or NULL with err set (an item
 * that vanished between the list and its read is a store error here: it cannot happen inside
 * the read transaction). */
static json_t *one_row(struct error *err, struct store_stmt *s, api_row_fn row)
{
    json_t *rows = api_rows(err, s, row);
    json_t *item = json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (rows && !item)
        error_set(err, ERR_INTERNAL, "timeline item vanished");
    return item;
}

static json_t *vitals_of(const char *content)
{
    json_t *doc = json_loads(content ? content : "", 0, NULL);
    json_t *vitals = json_object_get(doc, "vitals");
    json_t *out = json_is_object(vitals) ? json_incref(vitals) : json_null();
    json_decref(doc);
    return out;
}

static json_t *record_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:s, s:I, s:s, s:o}", "type",
                     "visit_record", "id", store_text(s, 0), "at", api_time_or_null(s, 1), "org",
                     api_id_name(s, 2, 3), "author", api_id_name(s, 4, 5), "kind", store_text(s, 6),
                     "form", store_text(s, 7), "visit_start", api_time_or_null(s, 8), "visit_end",
                     api_time_or_null(s, 9), "status", store_text(s, 10), "version",
                     (json_int_t)store_int(s, 11), "handover", store_text(s, 12), "vitals",
                     vitals_of(store_text(s, 13)));
}

/* A visit record as its current version, at the time its first version was written. */
static json_t *record_item(struct error *err, struct store_conn *conn, const char *record_id)
{
    static const char sql[] =
        "SELECT r.record_id, f.created_at, r.org_id, o.name, r.author_id, u.name, r.kind, r.form, "
        "r.visit_start, r.visit_end, r.status, r.version, r.handover, r.content "
        "FROM homecare_records r JOIN homecare_records f ON f.record_id = r.record_id AND "
        "f.version = 1 JOIN orgs o ON o.id = r.org_id JOIN users u ON u.id = r.author_id "
        "WHERE r.record_id = ? ORDER BY r.version DESC LIMIT 1";
    return one_row(err, store_query(err, conn, sql, "t", record_id), record_row);
}

static json_t *detail_of(const char *text)
{
    json_t *doc = json_loads(text ? text : "", 0, NULL);
    if (json_is_object(doc))
        return doc;
    json_decref(doc);
    return json_object();
}

static json_t *change_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "type",
                     "schedule_change", "id", store_text(s, 0), "at", api_time_or_null(s, 1),
                     "what", store_text(s, 2), "reason", api_text_or_null(s, 3), "user",
                     api_id_name(s, 4, 5), "org", api_id_name(s, 6, 7), "visit_id",
                     api_text_or_null(s, 8), "plan_id", api_text_or_null(s, 9), "kind",
                     api_text_or_null(s, 10), "starts_at", api_time_or_null(s, 11), "ends_at",
                     api_time_or_null(s, 12), "detail", detail_of(store_text(s, 13)));
}

/* A change of the schedule: who changed what (the visit's times as they are now, the fields
 * before and after in detail). */
static json_t *change_item(struct error *err, struct store_conn *conn, const char *change_id)
{
    static const char sql[] =
        "SELECT CAST(c.id AS TEXT), c.at, c.what, c.reason, c.user_id, u.name, c.org_id, o.name, "
        "c.visit_id, c.plan_id, COALESCE(v.kind, p.kind), v.starts_at, v.ends_at, c.detail "
        "FROM homecare_schedule_changes c JOIN users u ON u.id = c.user_id "
        "JOIN orgs o ON o.id = c.org_id LEFT JOIN homecare_visits v ON v.id = c.visit_id "
        "LEFT JOIN homecare_plans p ON p.id = c.plan_id WHERE c.id = ?";
    return one_row(err, store_query(err, conn, sql, "i", (int64_t)strtoll(change_id, NULL, 10)),
                   change_row);
}

static json_t *referral_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:s}", "type", "referral", "id",
                     store_text(s, 0), "at", api_time_or_null(s, 1), "kind", store_text(s, 2),
                     "status", store_text(s, 3), "from_org", api_id_name(s, 4, 5), "to_org",
                     api_id_name(s, 6, 7), "urgency", store_text(s, 8), "purpose",
                     store_text(s, 9));
}

/* A referral or reverse referral: who to whom, where it stands; never its letter. */
static json_t *referral_item(struct error *err, struct store_conn *conn, const char *id)
{
    static const char sql[] =
        "SELECT r.id, r.sent_at, r.kind, r.status, r.from_org_id, fo.name, r.to_org_id, tor.name, "
        "r.urgency, r.purpose FROM referrals r JOIN orgs fo ON fo.id = r.from_org_id "
        "JOIN orgs tor ON tor.id = r.to_org_id WHERE r.id = ?";
    return one_row(err, store_query(err, conn, sql, "t", id), referral_row);
}

/* An alert of a vital out of range, with the steps of its life (raised, notified, acknowledged). */
static json_t *alert_item(struct error *err, struct store_conn *conn, const char *patient_id,
                          const char *id)
{
    json_t *alert = homecare_alert_json(err, conn, patient_id, id);
    if (alert) {
        json_object_set_new(alert, "type", json_string("alert"));
        json_object_set(alert, "at", json_object_get(alert, "raised_at"));
    }
    return alert;
}

/* ---- the stream ----------------------------------------------------------------------------- */

static json_t *item_of(struct error *err, struct request *req, const char *type, const char *id,
                       const json_t *team)
{
    struct store_conn *conn = req->op.conn;
    if (strcmp(type, "post") == 0)
        return timeline_thread(err, conn, req->patient_id, id, team);
    if (strcmp(type, "visit_record") == 0)
        return record_item(err, conn, id);
    if (strcmp(type, "schedule_change") == 0)
        return change_item(err, conn, id);
    if (strcmp(type, "alert") == 0)
        return alert_item(err, conn, req->patient_id, id);
    return referral_item(err, conn, id);
}

static json_t *key_row(struct store_stmt *s)
{
    return json_pack("[s, s]", store_text(s, 0), store_text(s, 1));
}

/* The page's (type, id) pairs, newest first. */
static json_t *page_keys(struct error *err, struct request *req, unsigned types, int64_t limit,
                         int64_t offset)
{
    static const char sql[] =
        "SELECT t, id FROM ("
        "SELECT 'post' AS t, id, created_at AS at FROM homecare_posts "
        "WHERE patient_id = ?1 AND parent_id IS NULL AND ?2 = 1 "
        "UNION ALL SELECT 'visit_record', record_id, created_at FROM homecare_records "
        "WHERE patient_id = ?1 AND version = 1 AND ?3 = 1 "
        "UNION ALL SELECT 'schedule_change', CAST(id AS TEXT), at FROM homecare_schedule_changes "
        "WHERE patient_id = ?1 AND ?4 = 1 "
        "UNION ALL SELECT 'referral', id, sent_at FROM referrals "
        "WHERE patient_id = ?1 AND ?5 = 1 "
        "UNION ALL SELECT 'alert', id, raised_at FROM homecare_alerts "
        "WHERE patient_id = ?1 AND ?6 = 1) s ORDER BY at DESC, t, id DESC LIMIT ?7 OFFSET ?8";
    return api_rows(err,
                    store_query(err, req->op.conn, sql, "tiiiiiii", req->patient_id,
                                (int64_t)((types & STREAM_POST) != 0),
                                (int64_t)((types & STREAM_RECORD) != 0),
                                (int64_t)((types & STREAM_SCHEDULE) != 0),
                                (int64_t)((types & STREAM_REFERRAL) != 0),
                                (int64_t)((types & STREAM_ALERT) != 0), limit + 1, offset),
                    key_row);
}

/* Leaves referrals out for a caller the access rule does not let read the patient's referrals. */
static bool referrals_allowed(struct error *err, struct request *req, unsigned *types)
{
    struct access_decision d;
    if (!(*types & STREAM_REFERRAL))
        return true;
    if (!access_decide(err, req->op.conn, &req->op.principal, req->patient_id, ACCESS_READ,
                       DATA_REFERRAL, &d))
        return false;
    if (!d.allow || d.emergency)
        *types &= ~(unsigned)STREAM_REFERRAL;
    return true;
}

bool homecare_timeline_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"limit", "cursor", "types", NULL};
    int64_t limit, offset;
    unsigned types;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset) ||
        !parse_types(err, request_query(req, "types"), &types) ||
        !referrals_allowed(err, req, &types))
        return false;
    json_t *team = timeline_team(err, req->op.conn, req->patient_id);
    json_t *keys = team ? page_keys(err, req, types, limit, offset) : NULL;
    json_t *items = keys ? json_array() : NULL;
    bool ok = items != NULL;
    for (size_t i = 0; ok && i < json_array_size(keys) && i < (size_t)limit; i++) {
        const json_t *k = json_array_get(keys, i);
        json_t *item = item_of(err, req, json_string_value(json_array_get(k, 0)),
                               json_string_value(json_array_get(k, 1)), team);
        ok = item && json_array_append_new(items, item) == 0;
    }
    bool more = ok && json_array_size(keys) > (size_t)limit;
    json_decref(keys);
    if (!ok) {
        json_decref(team);
        json_decref(items);
        return false;
    }
    json_t *body = request_page_body(req, items, offset, limit, more);
    json_object_set_new(body, "team", team);
    response_json(req, 200, body);
    return true;
}
