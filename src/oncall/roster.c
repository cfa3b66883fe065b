/* SPDX-License-Identifier: Apache-2.0 */
/* The on-call roster's routes: add and list shifts, swap a role, who is on call now, and "who do
 * I call now for this patient" (every organisation of the care team with consent). */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "oncall_int.h"

static bool phone_valid(const char *phone)
{
    for (const char *c = phone; c && *c; c++)
        if (!strchr("0123456789+-() ", *c))
            return false;
    return true;
}

static const struct jfield shift_fields[] = {
    {"starts_at", JV_STRING, true, 40, NULL},    {"ends_at", JV_STRING, true, 40, NULL},
    {"phone", JV_TEXT, true, 30, NULL},          {"backup_phone", JV_TEXT, false, 30, NULL},
    {"primary_user_id", JV_UUID, true, 0, NULL}, {"backup_user_id", JV_UUID, false, 0, NULL},
    {"note", JV_TEXT, false, 500, NULL},         {NULL, 0, false, 0, NULL},
};

bool oncall_shifts_create(struct error *err, struct request *req)
{
    struct oncall_shift_new s = {0};
    if (!jsonv_check(err, req->json, shift_fields) ||
        !oncall_parse_instant(err, jsonv_str(req->json, "starts_at"), "starts_at", &s.starts_at) ||
        !oncall_parse_instant(err, jsonv_str(req->json, "ends_at"), "ends_at", &s.ends_at))
        return false;
    s.phone = jsonv_str(req->json, "phone");
    s.backup_phone = jsonv_str(req->json, "backup_phone");
    if (!phone_valid(s.phone) || !phone_valid(s.backup_phone))
        return error_set(err, ERR_FIELD_VALUE, "phone: digits, +, -, ( ) and spaces");
    s.primary_user_id = jsonv_str(req->json, "primary_user_id");
    s.backup_user_id = jsonv_str(req->json, "backup_user_id");
    s.note = jsonv_str(req->json, "note");
    char id[UUID_STR_LEN];
    if (!oncall_shift_create(err, &req->op, &s, id))
        return false;
    response_json(req, 201, json_pack("{s:s}", "id", id));
    return true;
}

static json_t *swap_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:o}", "role", store_text(s, 0), "from",
                     api_id_name(s, 1, 2), "to", api_id_name(s, 3, 4), "reason",
                     api_text_or_null(s, 5), "at", api_time_or_null(s, 6));
}

static json_t *shift_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id", store_text(s, 0),
                     "starts_at", api_time_or_null(s, 1), "ends_at", api_time_or_null(s, 2),
                     "phone", store_text(s, 3), "backup_phone", api_text_or_null(s, 4), "primary",
                     api_id_name(s, 5, 6), "backup", api_id_name(s, 7, 8), "note",
                     api_text_or_null(s, 9));
}

/* Each shift's swaps, oldest first. */
static bool add_swaps(struct error *err, struct request *req, json_t *items)
{
    size_t i;
    json_t *shift;
    json_array_foreach(items, i, shift)
    {
        json_t *swaps = api_rows(
            err,
            store_query(err, req->op.conn,
                        "SELECT w.role, w.from_user_id, fu.name, w.to_user_id, tu.name, w.reason, "
                        "w.swapped_at FROM oncall_swaps w LEFT JOIN users fu ON fu.id = "
                        "w.from_user_id JOIN users tu ON tu.id = w.to_user_id WHERE w.shift_id = "
                        "? ORDER BY w.swapped_at, w.id",
                        "t", json_string_value(json_object_get(shift, "id"))),
            swap_row);
        if (!swaps)
            return false;
        json_object_set_new(shift, "swaps", swaps);
    }
    return true;
}

/* from= and to= (instants or dates), default the Tokyo week (Monday) around now. */
static bool list_window(struct error *err, struct request *req, int64_t *from, int64_t *to)
{
    const char *f = request_query(req, "from"), *t = request_query(req, "to");
    int64_t tokyo_day = (clock_now_ms() + 9 * 3600000LL) / 86400000;
    int64_t monday = tokyo_day - ((tokyo_day + 3) % 7); /* 1970-01-01 was a Thursday */
    *from = monday * 86400000 - 9 * 3600000LL;
    *to = *from + 7 * 86400000LL;
    if (f && !clock_parse_iso(f, from))
        return error_set(err, ERR_BAD_QUERY, "from");
    if (t && !clock_parse_iso(t, to))
        return error_set(err, ERR_BAD_QUERY, "to");
    if (f && !t)
        *to = *from + 7 * 86400000LL;
    if (*to <= *from || *to - *from > ONCALL_LIST_MAX_DAYS * 86400000LL)
        return error_set(err, ERR_BAD_QUERY, "to: after from, at most 62 days");
    return true;
}

bool oncall_shifts_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"from", "to", NULL};
    int64_t from, to;
    if (!request_query_check(err, req, allowed) || !request_require_org(err, req) ||
        !list_window(err, req, &from, &to))
        return false;
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT s.id, s.starts_at, s.ends_at, s.phone, s.backup_phone, "
                    "s.primary_user_id, pu.name, s.backup_user_id, bu.name, s.note FROM "
                    "oncall_shifts s JOIN users pu ON pu.id = s.primary_user_id LEFT JOIN users "
                    "bu ON bu.id = s.backup_user_id WHERE s.org_id = ? AND s.cancelled_at IS NULL "
                    "AND s.starts_at < ? AND s.ends_at > ? ORDER BY s.starts_at, s.id LIMIT 500",
                    "tii", req->op.principal.org_id, to, from),
        shift_row);
    if (items && !add_swaps(err, req, items)) {
        json_decref(items);
        return false;
    }
    return api_respond_items(req, items);
}

static const char *const roles[] = {"primary", "backup", NULL};
static const struct jfield swap_fields[] = {
    {"role", JV_STRING, true, 10, roles},
    {"to_user_id", JV_UUID, true, 0, NULL},
    {"reason", JV_TEXT, false, 500, NULL},
    {NULL, 0, false, 0, NULL},
};

bool oncall_shifts_swap(struct error *err, struct request *req)
{
    const char *sid = request_param(req, 0);
    if (!request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(sid))
        return error_set(err, ERR_ONCALL_SHIFT_NOT_FOUND, "malformed id");
    if (!jsonv_check(err, req->json, swap_fields) ||
        !oncall_shift_swap(err, &req->op, sid, jsonv_str(req->json, "role"),
                           jsonv_str(req->json, "to_user_id"), jsonv_str(req->json, "reason")))
        return false;
    response_json(req, 200, json_pack("{s:s}", "id", sid));
    return true;
}

bool oncall_shifts_cancel(struct error *err, struct request *req)
{
    const char *sid = request_param(req, 0);
    if (!request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(sid))
        return error_set(err, ERR_ONCALL_SHIFT_NOT_FOUND, "malformed id");
    if (!oncall_shift_cancel(err, &req->op, sid))
        return false;
    response_json(req, 200, json_pack("{s:s}", "id", sid));
    return true;
}

bool oncall_now_get(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"at", NULL};
    const char *at_text = request_query(req, "at");
    int64_t at = clock_now_ms();
    if (!request_query_check(err, req, allowed) || !request_require_org(err, req))
        return false;
    if (at_text && !clock_parse_iso(at_text, &at))
        return error_set(err, ERR_BAD_QUERY, "at");
    struct oncall_answer a;
    if (!oncall_now(err, req->op.conn, req->op.principal.org_id, at, &a))
        return false;
    response_json(req, 200, oncall_answer_json(&a));
    return true;
}
