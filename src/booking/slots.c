/* SPDX-License-Identifier: Apache-2.0 */
/* Slots of equipment open to shared use (共同利用): the region-wide list, publishing by the
 * organisation's admins and directory editors, and withdrawing a free slot. */
#include <stdlib.h>
#include <string.h>

#include "booking_int.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "directory/directory.h"

enum {
    SLOTS_MAX = 200,        /* slots in one publish request */
    PREPARATION_MAX = 1000, /* code points */
    SLOT_NOTE_MAX = 500,
};
#define MINUTE_MS (60LL * 1000)
#define DAY_MS (24LL * 3600 * 1000)
#define SLOT_MIN_MS (5 * MINUTE_MS)
#define SLOT_MAX_MS (12LL * 3600 * 1000)
#define LIST_DEFAULT_MS (14 * DAY_MS)
#define LIST_RANGE_MAX_MS (92 * DAY_MS)
#define TOKYO_OFFSET_MS (9LL * 3600 * 1000)

bool booking_time_parse(struct error *err, const char *field, const char *s, int64_t *ms)
{
    /* RFC 3339 §5.6: a full date-time always carries its offset. */
    if (!s || strlen(s) < 20 || s[10] != 'T' || !clock_parse_iso(s, ms))
        return error_set(err, ERR_FIELD_VALUE,
                         "%s: expected a date-time with offset, e.g. 2026-12-01T10:30:00+09:00",
                         field);
    return true;
}

bool booking_equipment_shared(struct error *err, struct store_conn *conn, const char *org_id,
                              const char *equipment, bool *shared)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT EXISTS (SELECT 1 FROM org_equipment e WHERE e.org_id = ? AND e.code = ? "
        "AND e.shared_use = 1)",
        "tt", org_id, equipment);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *shared = r == STORE_ROW && store_int(s, 0);
    store_done(s);
    return r != STORE_FAIL;
}

bool booking_slot_load(struct error *err, struct store_conn *conn, const char *slot_id,
                       struct booking_slot *out)
{
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT org_id, equipment, starts_at, ends_at FROM "
                                       "equipment_slots WHERE id = ? AND withdrawn_at IS NULL",
                                       "t", slot_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(out->org_id, sizeof out->org_id, "%s", store_text(s, 0));
        snprintf(out->equipment, sizeof out->equipment, "%s", store_text(s, 1));
        out->starts_at = store_int(s, 2);
        out->ends_at = store_int(s, 3);
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_BOOKING_SLOT_NOT_FOUND, NULL);
    return true;
}

bool booking_slot_held(struct error *err, struct store_conn *conn, const char *slot_id, bool *held)
{
    struct store_stmt *s =
        store_query(err, conn,
                    "SELECT EXISTS (SELECT 1 FROM equipment_bookings WHERE slot_id = ? "
                    "AND status IN " BOOKING_HOLDING_SQL ")",
                    "t", slot_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *held = r == STORE_ROW && store_int(s, 0);
    store_done(s);
    return r != STORE_FAIL;
}

static json_t *time_json(int64_t ms)
{
    char t[32];
    clock_format_iso(ms, t);
    return json_string(t);
}

/* ---- the list ------------------------------------------------------------------------------ */

/* A query bound: a date (YYYY-MM-DD, midnight Asia/Tokyo) or an RFC 3339 date-time. */
static bool query_time(struct error *err, struct request *req, const char *name, int64_t *ms)
{
    const char *v = request_query(req, name);
    if (!v)
        return true;
    int y, m, d;
    if (strlen(v) == 10 && clock_parse_date(v, &y, &m, &d)) {
        *ms = clock_days_from_civil(y, m, d) * DAY_MS - TOKYO_OFFSET_MS;
        return true;
    }
    struct error ignored = {0};
    if (!booking_time_parse(&ignored, name, v, ms))
        return error_set(err, ERR_BAD_QUERY, "%s: a date or a date-time with offset", name);
    return true;
}

struct slot_query {
    const char *equipment, *org_id;
    int available; /* -1 any, 0 booked, 1 free */
    int64_t from, to, limit, offset;
};

static bool slot_query_parse(struct error *err, struct request *req, struct slot_query *q)
{
    static const char *const allowed[] = {"equipment", "org_id", "from",   "to",
                                          "available", "limit",  "cursor", NULL};
    if (!request_query_check(err, req, allowed) || !request_require_org(err, req) ||
        !request_page(err, req, &q->limit, &q->offset))
        return false;
    q->equipment = request_query(req, "equipment");
    if (q->equipment && !codes_known(dir_equipment_codes, q->equipment))
        return error_set(err, ERR_BAD_QUERY, "equipment: unknown code");
    q->org_id = request_query(req, "org_id");
    if (q->org_id && !ids_uuid_valid(q->org_id))
        return error_set(err, ERR_BAD_QUERY, "org_id: not an id");
    const char *a = request_query(req, "available");
    q->available = !a ? -1 : strcmp(a, "true") == 0 ? 1 : strcmp(a, "false") == 0 ? 0 : -2;
    if (q->available == -2)
        return error_set(err, ERR_BAD_QUERY, "available: true or false");
    q->from = clock_now_ms();
    if (!query_time(err, req, "from", &q->from))
        return false;
    q->to = q->from + LIST_DEFAULT_MS;
    if (!query_time(err, req, "to", &q->to))
        return false;
    if (q->to <= q->from || q->to - q->from > LIST_RANGE_MAX_MS)
        return error_set(err, ERR_BAD_QUERY, "to must be after from, at most 92 days");
    return true;
}

/* Slots not withdrawn, of equipment its organisation lists for shared use (its own staff also
 * see its slots of equipment no longer shared), with the booking holding each, if any. */
static const char sql_slots[] =
    "SELECT s.id, s.org_id, o.name, s.equipment, s.starts_at, s.ends_at, s.preparation, s.note, "
    "b.id, b.status, b.org_id, bo.name, b.patient_id, p.name "
    "FROM equipment_slots s JOIN orgs o ON o.id = s.org_id "
    "LEFT JOIN equipment_bookings b ON b.slot_id = s.id "
    "AND b.status IN " BOOKING_HOLDING_SQL " "
    "LEFT JOIN orgs bo ON bo.id = b.org_id LEFT JOIN patients p ON p.id = b.patient_id "
    "WHERE s.withdrawn_at IS NULL AND s.ends_at > ?1 AND s.starts_at < ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR s.equipment = ?3) AND (CAST(?4 AS TEXT) IS NULL OR s.org_id "
    "= ?4) "
    "AND (?5 < 0 OR (?5 = 1 AND b.id IS NULL AND s.starts_at > ?9) "
    "     OR (?5 = 0 AND (b.id IS NOT NULL OR s.starts_at <= ?9))) "
    "AND (s.org_id = ?6 OR EXISTS (SELECT 1 FROM org_equipment e "
    "     WHERE e.org_id = s.org_id AND e.code = s.equipment AND e.shared_use = 1)) "
    "ORDER BY s.starts_at, o.name, s.id LIMIT ?7 OFFSET ?8";

static json_t *slot_base(const char *id, const char *org_id, const char *org_name,
                         const char *equipment, int64_t starts, int64_t ends, const char *prep,
                         const char *note)
{
    return json_pack("{s:s, s:{s:s, s:s}, s:s, s:o, s:o, s:s, s:s}", "id", id, "org", "id", org_id,
                     "name", org_name, "equipment", equipment, "starts_at", time_json(starts),
                     "ends_at", time_json(ends), "preparation", prep, "note", note);
}

/* One row of sql_slots. The booking's details only go to its two organisations; they read the
 * patient's name, which is audited. */
static json_t *slot_row(struct request *req, struct store_stmt *s, int64_t now)
{
    json_t *slot = slot_base(store_text(s, 0), store_text(s, 1), store_text(s, 2), store_text(s, 3),
                             store_int(s, 4), store_int(s, 5), store_text(s, 6), store_text(s, 7));
    bool booked = !store_is_null(s, 8);
    const char *me = req->op.principal.org_id;
    json_object_set_new(slot, "state", json_string(booked ? "booked" : "free"));
    json_object_set_new(slot, "bookable", json_boolean(!booked && store_int(s, 4) > now));
    json_t *booking = json_null();
    if (booked && (strcmp(store_text(s, 1), me) == 0 || strcmp(store_text(s, 10), me) == 0)) {
        booking = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "id", store_text(s, 8),
                            "status", store_text(s, 9), "ordering_org", "id", store_text(s, 10),
                            "name", store_text(s, 11), "patient", "id", store_text(s, 12), "name",
                            store_text(s, 13));
        op_audit_read(&req->op, "booking_slots_list", AUDIT_SUCCESS, store_text(s, 12), "booking",
                      store_text(s, 8), "listed with its slot");
    }
    json_object_set_new(slot, "booking", booking);
    return slot;
}

bool booking_slots_list(struct error *err, struct request *req)
{
    struct slot_query q;
    if (!slot_query_parse(err, req, &q))
        return false;
    int64_t now = clock_now_ms();
    struct store_stmt *s =
        store_query(err, req->op.conn, sql_slots, "iittitiii", q.from, q.to, q.equipment, q.org_id,
                    (int64_t)q.available, req->op.principal.org_id, q.limit + 1, q.offset, now);
    if (!s)
        return false;
    json_t *items = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        if (json_array_size(items) < (size_t)q.limit)
            json_array_append_new(items, slot_row(req, s, now));
        else
            break;
    bool more = r == STORE_ROW;
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    response_json(req, 200, request_page_body(req, items, q.offset, q.limit, more));
    return true;
}

/* ---- publishing ----------------------------------------------------------------------------- */

struct slot_time {
    int64_t starts, ends;
};

static int by_start(const void *a, const void *b)
{
    const struct slot_time *x = a, *y = b;
    return x->starts < y->starts ? -1 : x->starts > y->starts;
}

/* The requested times, checked and sorted; overlapping ones within the request fail. */
static bool slot_times(struct error *err, const json_t *list, struct slot_time *out, size_t *n)
{
    static const struct jfield item[] = {
        {"starts_at", JV_STRING, true, 40, NULL},
        {"ends_at", JV_STRING, true, 40, NULL},
        {NULL, 0, false, 0, NULL},
    };
    int64_t now = clock_now_ms();
    *n = json_array_size(list);
    if (*n == 0)
        return error_set(err, ERR_FIELD_VALUE, "slots: at least one slot");
    for (size_t i = 0; i < *n; i++) {
        const json_t *s = json_array_get(list, i);
        struct slot_time *t = &out[i];
        if (!jsonv_check(err, s, item) ||
            !booking_time_parse(err, "slots[].starts_at", jsonv_str(s, "starts_at"), &t->starts) ||
            !booking_time_parse(err, "slots[].ends_at", jsonv_str(s, "ends_at"), &t->ends))
            return false;
        if (t->ends - t->starts < SLOT_MIN_MS || t->ends - t->starts > SLOT_MAX_MS)
            return error_set(err, ERR_FIELD_VALUE, "slots[%zu]: 5 minutes to 12 hours long", i);
        char why[96];
        if (t->starts <= now || plausible_instant(PLAUSIBLE_APPOINTMENT, t->starts,
                                                  &(struct plausible_ctx){.now_ms = now}, why))
            return error_set(err, ERR_FIELD_RANGE, "slots[%zu].starts_at: %s", i,
                             t->starts <= now ? "in the past" : why);
    }
    qsort(out, *n, sizeof *out, by_start);
    for (size_t i = 1; i < *n; i++)
        if (out[i].starts < out[i - 1].ends)
            return error_set(err, ERR_BOOKING_SLOT_OVERLAP, "two slots of the request overlap");
    return true;
}

static bool overlaps_stored(struct error *err, struct request *req, const char *equipment,
                            const struct slot_time *t)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT starts_at FROM equipment_slots WHERE org_id = ? AND equipment = ? "
                    "AND withdrawn_at IS NULL AND starts_at < ? AND ends_at > ? LIMIT 1",
                    "ttii", req->op.principal.org_id, equipment, t->ends, t->starts);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    char at[32] = "";
    if (r == STORE_ROW)
        clock_format_iso(store_int(s, 0), at);
    store_done(s);
    if (r == STORE_ROW)
        return error_set(err, ERR_BOOKING_SLOT_OVERLAP, "the slot starting %s", at);
    return r != STORE_FAIL;
}

static bool org_name(struct error *err, struct request *req, const char *id, const char **out)
{
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT name FROM orgs WHERE id = ?", "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *out = arena_strdup(req->op.arena, r == STORE_ROW ? store_text(s, 0) : "");
    store_done(s);
    return r != STORE_FAIL;
}

/* Inserts the slots (the write transaction is open) and returns them as JSON items. */
static json_t *insert_slots(struct error *err, struct request *req, const char *equipment,
                            const struct slot_time *times, size_t n)
{
    const char *prep = api_trimmed(req, jsonv_str(req->json, "preparation"));
    const char *note = api_trimmed(req, jsonv_str(req->json, "note"));
    const char *name, *org = req->op.principal.org_id;
    int64_t now = clock_now_ms();
    if (!org_name(err, req, org, &name))
        return NULL;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        char id[UUID_STR_LEN];
        ids_uuid_new(id);
        if (!overlaps_stored(err, req, equipment, &times[i]) ||
            !store_exec(err, req->op.conn, NULL,
                        "INSERT INTO equipment_slots (id, org_id, equipment, starts_at, ends_at, "
                        "preparation, note, created_by, created_at) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        "tttiittti", id, org, equipment, times[i].starts, times[i].ends,
                        prep ? prep : "", note ? note : "", req->op.principal.user_id, now)) {
            json_decref(items);
            return NULL;
        }
        json_t *slot = slot_base(id, org, name, equipment, times[i].starts, times[i].ends,
                                 prep ? prep : "", note ? note : "");
        json_object_set_new(slot, "state", json_string("free"));
        json_object_set_new(slot, "bookable", json_true());
        json_object_set_new(slot, "booking", json_null());
        json_array_append_new(items, slot);
    }
    return items;
}

bool booking_slots_publish(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"equipment", JV_STRING, true, 0, dir_equipment_codes},
        {"preparation", JV_STRING, false, PREPARATION_MAX, NULL},
        {"note", JV_STRING, false, SLOT_NOTE_MAX, NULL},
        {"slots", JV_OBJECT_ARRAY, true, SLOTS_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields) || !request_require_org(err, req))
        return false;
    struct slot_time times[SLOTS_MAX];
    size_t n;
    const char *equipment = jsonv_str(req->json, "equipment");
    if (!slot_times(err, json_object_get(req->json, "slots"), times, &n) ||
        !dir_may_edit(err, req, req->op.principal.org_id))
        return false;
    bool shared;
    if (!booking_equipment_shared(err, req->op.conn, req->op.principal.org_id, equipment, &shared))
        return false;
    if (!shared)
        return error_set(err, ERR_BOOKING_EQUIPMENT_NOT_SHARED, "%s", equipment);
    if (!op_write_begin(err, &req->op))
        return false;
    json_t *items = insert_slots(err, req, equipment, times, n);
    if (!items)
        return false;
    req->object_type = "equipment_slot";
    req->object_id = arena_strdup(
        req->op.arena, json_string_value(json_object_get(json_array_get(items, 0), "id")));
    req->audit_detail = arena_printf(req->op.arena, "equipment=%s slots=%zu", equipment, n);
    response_json(req, 201, json_pack("{s:o}", "items", items));
    return true;
}

/* ---- withdrawing ---------------------------------------------------------------------------- */

bool booking_slots_withdraw(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_BOOKING_SLOT_NOT_FOUND, "malformed id");
    req->object_type = "equipment_slot";
    req->object_id = id;
    if (!op_write_begin(err, &req->op))
        return false;
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT org_id FROM equipment_slots WHERE id = ? AND withdrawn_at IS NULL", "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    char org[UUID_STR_LEN] = "";
    if (r == STORE_ROW)
        memcpy(org, store_text(s, 0), UUID_STR_LEN - 1);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_BOOKING_SLOT_NOT_FOUND, NULL);
    bool held;
    if (!dir_may_edit(err, req, org) || !booking_slot_held(err, req->op.conn, id, &held))
        return false;
    if (held)
        return error_set(err, ERR_BOOKING_SLOT_BOOKED, NULL);
    if (!store_exec(err, req->op.conn, NULL,
                    "UPDATE equipment_slots SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?",
                    "itt", clock_now_ms(), req->op.principal.user_id, id))
        return false;
    response_empty(req, 204);
    return true;
}
