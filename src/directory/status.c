/* SPDX-License-Identifier: Apache-2.0 */
/* Facility directory: the live status, field by field (who changed it, when), and its history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "directory_int.h"

static bool check_beds(struct error *err, const json_t *beds)
{
    const char *kind;
    json_t *v;
    json_object_foreach((json_t *)beds, kind, v)
    {
        if (!codes_known(dir_bed_kind_codes, kind))
            return error_set(err, ERR_FIELD_VALUE, "beds: unknown kind %s", kind);
        if (!json_is_integer(v))
            return error_set(err, ERR_FIELD_TYPE, "beds.%s: expected an integer", kind);
    }
    return true;
}

json_t *dir_restrictions_current(const json_t *list)
{
    char today[11];
    clock_today_tokyo(today);
    json_t *out = json_array(), *r;
    size_t i;
    json_array_foreach((json_t *)list, i, r)
    {
        const char *until = json_string_value(json_object_get(r, "until"));
        // "YYYY-MM-DD" dates compare as strings; the end date is the last day in force.
        if (!until || strcmp(until, today) >= 0)
            json_array_append(out, r);
    }
    return out;
}

static bool check_restrictions(struct error *err, const json_t *list)
{
    static const struct jfield item[] = {
        {"text", JV_TEXT, true, 200, NULL},
        {"until", JV_DATE, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        char field[48];
        snprintf(field, sizeof field, "restrictions[%zu].until", i);
        /* a restriction ends today or later: its period starts now */
        if (!jsonv_check(err, r, item) ||
            !plausible_check_date(err, field, PLAUSIBLE_PERIOD_END, jsonv_str(r, "until"), NULL))
            return false;
    }
    return true;
}

/* Free beds of a kind: 0 to the beds registered of it in the profile (none registered: 0). */
static bool check_free_beds(struct error *err, struct request *req, const char *id)
{
    const json_t *beds = json_object_get(req->json, "beds");
    if (!beds)
        return true;
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT registered_beds FROM org_profiles WHERE org_id = ?", "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    json_t *registered = r == STORE_ROW ? json_loads(store_text(s, 0), 0, NULL) : NULL;
    store_done(s);
    const char *kind;
    json_t *v;
    struct plausible_why why;
    bool ok = r != STORE_FAIL;
    json_object_foreach((json_t *)beds, kind, v)
    {
        struct plausible_ctx ctx = {.limit = json_integer_value(json_object_get(registered, kind))};
        if (ok && plausible_number(PLAUSIBLE_BEDS_FREE, (double)json_integer_value(v), NULL, &ctx,
                                   &why)) {
            char field[64];
            snprintf(field, sizeof field, "beds.%s", kind);
            ok = plausible_error(err, ERR_FIELD_RANGE, field, &why);
        }
    }
    json_decref(registered);
    return ok;
}

static bool check_status(struct error *err, const json_t *body)
{
    static const struct jfield fields[] = {
        {"beds", JV_OBJECT, false, 0, NULL},
        {"emergency", JV_STRING, false, 0, dir_emergency_codes},
        {"emergency_note", JV_STRING, false, 200, NULL},
        {"homecare_new_this_month", JV_INT, false, 0, NULL},
        {"specialists_today", JV_STRING_ARRAY, false, 30, NULL},
        {"restrictions", JV_OBJECT_ARRAY, false, 20, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, body, fields))
        return false;
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)body, name, v) if (json_is_null(v)) return error_set(
        err, ERR_FIELD_TYPE, "%s: null is not a value", name);
    if (json_object_size(body) == 0)
        return error_set(err, ERR_FIELD_VALUE, "no status field given");
    json_t *n = json_object_get(body, "homecare_new_this_month");
    struct plausible_why why;
    if (n && plausible_number(PLAUSIBLE_COUNT, (double)json_integer_value(n), NULL, NULL, &why))
        return plausible_error(err, ERR_FIELD_RANGE, "homecare_new_this_month", &why);
    json_t *beds = json_object_get(body, "beds"), *r = json_object_get(body, "restrictions");
    return (!beds || check_beds(err, beds)) && (!r || check_restrictions(err, r));
}

/* The beds value after the change: the kinds given replace those stored, the others stay. */
static json_t *merged_beds(struct error *err, struct request *req, const char *id,
                           const json_t *given)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT value FROM org_status WHERE org_id = ? AND field = 'beds'", "t", id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *beds = r == STORE_ROW ? json_loads(store_text(s, 0), 0, NULL) : NULL;
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(beds);
        return NULL;
    }
    if (!json_is_object(beds)) {
        json_decref(beds);
        beds = json_object();
    }
    json_object_update(beds, (json_t *)given);
    return beds;
}

bool directory_status_patch(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    if (!dir_org_check(err, req, id) || !check_status(err, req->json) ||
        !check_free_beds(err, req, id) || !dir_may_edit(err, req, id))
        return false;
    struct strbuf names = {0};
    bool ok = true;
    for (const char *const *f = dir_status_fields; ok && *f; f++) {
        json_t *v = json_object_get(req->json, *f);
        if (!v)
            continue;
        json_t *value = strcmp(*f, "beds") == 0 ? merged_beds(err, req, id, v) : json_incref(v);
        ok = value && directory_status_set(err, &req->op, id, *f, value);
        json_decref(value);
        strbuf_printf(&names, "%s%s", names.len ? "," : "", *f);
    }
    req->object_type = "org_status";
    req->object_id = id;
    req->audit_detail = arena_printf(req->op.arena, "fields=%s", names.buf ? names.buf : "");
    strbuf_release(&names);
    /* Every open capacity board learns of it once it is committed; it fetches the status
     * through the API. */
    if (ok)
        op_publish(&req->op, "directory.status", NULL,
                   arena_printf(req->op.arena, "{\"org_id\":\"%s\",\"fields\":\"%s\"}", id,
                                req->audit_detail + strlen("fields=")));
    return ok && directory_org_read(err, req);
}

static json_t *history_row(struct store_stmt *s)
{
    json_t *v = json_loads(store_text(s, 1), JSON_DECODE_ANY, NULL);
    json_t *by = api_id_name(s, 3, 4);
    return json_pack("{s:s, s:o, s:o, s:o}", "field", store_text(s, 0), "value",
                     v ? v : json_null(), "updated_at", api_time_or_null(s, 2), "updated_by", by);
}

/* A time bound of the history query: a date or date-time; a date "to" covers its whole day. */
static bool time_bound(struct error *err, struct request *req, const char *name, int64_t dflt,
                       int64_t *out)
{
    const char *v = request_query(req, name);
    *out = dflt;
    if (!v)
        return true;
    if (!clock_parse_iso(v, out))
        return error_set(err, ERR_BAD_QUERY, "%s: a date or date-time", name);
    if (strcmp(name, "to") == 0 && strlen(v) == 10)
        *out += 86400 * 1000 - 1;
    return true;
}

bool directory_history(struct error *err, struct request *req)
{
    static const char *const query[] = {"field", "from", "to", "limit", "cursor", NULL};
    const char *id = request_param(req, 0), *field = request_query(req, "field");
    int64_t from, to, limit, offset;
    if (!request_query_check(err, req, query) || !dir_org_check(err, req, id) ||
        !request_page(err, req, &limit, &offset) || !time_bound(err, req, "from", 0, &from) ||
        !time_bound(err, req, "to", INT64_MAX, &to))
        return false;
    if (field && !codes_known(dir_status_fields, field))
        return error_set(err, ERR_BAD_QUERY, "field: unknown status field");
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT h.field, h.value, h.updated_at, h.updated_by, u.name FROM org_status_history h "
        "LEFT JOIN users u ON u.id = h.updated_by WHERE h.org_id = ? AND (CAST(? AS TEXT) IS NULL "
        "OR "
        "h.field = ?) AND h.updated_at >= ? AND h.updated_at <= ? ORDER BY h.updated_at, h.id "
        "LIMIT ? OFFSET ?",
        "tttiiii", id, field, field, from, to, limit + 1, offset);
    json_t *items = api_rows(err, s, history_row);
    return request_respond_page(req, items, offset, limit);
}
