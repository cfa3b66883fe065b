/* SPDX-License-Identifier: Apache-2.0 */
/* A conference as the API shows it, and the list of the current organisation's conferences. Its
 * time, title, place and participants are for every participant; its patient, agenda, materials,
 * minutes and action items only for whom the access rule lets see the patient. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "conference_int.h"
#include "core/clock.h"
#include "fhir/store.h"

static json_t *time_json(int64_t ms)
{
    char iso[32];
    clock_format_iso(ms, iso);
    return json_string(iso);
}

static json_t *kind_json(const char *code)
{
    const struct conference_kind *k = conference_kind_find(code);
    return json_pack("{s:s, s:s?, s:s?}", "code", code, "ja", k ? k->ja : NULL, "en",
                     k ? k->en : NULL);
}

static json_t *person_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s}", "id", store_text(s, 0), "name", store_text(s, 1), "org_id",
                     store_text(s, 2));
}

static json_t *id_name_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s}", "id", store_text(s, 0), "name", store_text(s, 1));
}

static json_t *org_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:[]}", "id", store_text(s, 0), "name", store_text(s, 1),
                     "people");
}

/* [{id, name, people: [{id, name}]}], the organiser first. */
static json_t *participants_json(struct error *err, struct store_conn *conn, const char *id)
{
    json_t *orgs = api_rows(
        err,
        store_query(err, conn,
                    "SELECT o.id, o.name FROM conference_orgs co JOIN orgs o ON o.id = co.org_id "
                    "JOIN conferences c ON c.id = co.conference_id WHERE co.conference_id = ? "
                    "ORDER BY o.id <> c.org_id, o.name, o.id",
                    "t", id),
        org_row);
    json_t *people = orgs ? api_rows(err,
                                     store_query(err, conn,
                                                 "SELECT u.id, u.name, cp.org_id FROM "
                                                 "conference_people cp JOIN users u ON u.id = "
                                                 "cp.user_id WHERE cp.conference_id = ? "
                                                 "ORDER BY u.name, u.id",
                                                 "t", id),
                                     person_row)
                          : NULL;
    if (!people) {
        json_decref(orgs);
        return NULL;
    }
    size_t i, k;
    json_t *o, *p;
    json_array_foreach(orgs, i, o) json_array_foreach(people, k, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "org_id")),
                   json_string_value(json_object_get(o, "id"))) == 0)
            json_array_append(json_object_get(o, "people"), p);
    }
    json_decref(people);
    return orgs;
}

static json_t *material_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id", store_text(s, 0), "resource_type",
                     store_text(s, 1), "resource_id", store_text(s, 2), "note", store_text(s, 3),
                     "added_by", api_id_name(s, 4, 5), "added_at", api_time_or_null(s, 6));
}

/* The current version of a material's resource, or null when it was deleted since. */
static bool add_resource(struct error *err, struct store_conn *conn, json_t *m)
{
    struct fhir_row row;
    bool found;
    char *text = NULL, blob[BLOB_KEY_LEN];
    if (!fhir_store_lookup(err, conn, json_string_value(json_object_get(m, "resource_type")),
                           json_string_value(json_object_get(m, "resource_id")), &row, &found))
        return false;
    if (found && !row.deleted && !fhir_store_version(err, conn, row.rid, 0, &text, blob, &found))
        return false;
    json_t *res = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    json_object_set_new(m, "resource", res ? res : json_null());
    return true;
}

static json_t *materials_json(struct error *err, struct store_conn *conn, const char *id)
{
    json_t *items = api_rows(
        err,
        store_query(err, conn,
                    "SELECT m.id, m.resource_type, m.resource_id, m.note, m.added_by, u.name, "
                    "m.added_at FROM conference_materials m JOIN users u ON u.id = m.added_by "
                    "WHERE m.conference_id = ? ORDER BY m.added_at, m.id",
                    "t", id),
        material_row);
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m) if (!add_resource(err, conn, m))
    {
        json_decref(items);
        return NULL;
    }
    return items;
}

static json_t *minutes_row(struct store_stmt *s)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:o}", "version", (json_int_t)store_int(s, 0), "text",
                     store_text(s, 1), "by", api_id_name(s, 2, 3), "org", api_id_name(s, 4, 5),
                     "at", api_time_or_null(s, 6));
}

json_t *conference_minutes_json(struct error *err, struct store_conn *conn, const char *id)
{
    return api_rows(err,
                    store_query(err, conn,
                                "SELECT m.version, m.body, m.user_id, u.name, m.org_id, o.name, "
                                "m.at FROM conference_minutes m JOIN users u ON u.id = m.user_id "
                                "JOIN orgs o ON o.id = m.org_id WHERE m.conference_id = ? "
                                "ORDER BY m.version",
                                "t", id),
                    minutes_row);
}

static json_t *action_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "id", store_text(s, 0), "text",
                     store_text(s, 1), "owner", api_id_name(s, 2, 3), "owner_org_id",
                     store_text(s, 4), "due_date", store_text(s, 5), "done_at",
                     api_time_or_null(s, 6), "conference_id", api_text_or_null(s, 7));
}

json_t *conference_actions_json(struct error *err, struct store_conn *conn, const char *id)
{
    return api_rows(err,
                    store_query(err, conn,
                                "SELECT a.id, a.body, a.owner_user_id, u.name, a.owner_org_id, "
                                "a.due_date, a.done_at, a.conference_id FROM conference_actions a "
                                "JOIN users u ON u.id = a.owner_user_id WHERE a.conference_id = ? "
                                "ORDER BY a.due_date, a.created_at, a.id",
                                "t", id),
                    action_row);
}

static json_t *head_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:s, s:o, s:o, s:s, s:s, s:o, s:{s:s, s:s}, s:o, s:o, s:o, s:o}",
                     "id", store_text(s, 0), "kind", kind_json(store_text(s, 1)), "title",
                     store_text(s, 2), "starts_at", time_json(store_int(s, 3)), "ends_at",
                     time_json(store_int(s, 4)), "place", store_text(s, 5), "status",
                     store_text(s, 6), "cancel_reason", api_text_or_null(s, 7), "organiser", "id",
                     store_text(s, 8), "name", store_text(s, 9), "minutes_shared_at",
                     api_time_or_null(s, 10), "created_at", api_time_or_null(s, 11), "has_patient",
                     json_boolean(!store_is_null(s, 12)), "agenda", json_string(store_text(s, 13)));
}

/* The patient's parts: the patient, agenda, materials, minutes and action items. */
static bool add_patient_parts(struct error *err, struct store_conn *conn,
                              const struct conference *c, json_t *out)
{
    json_t *patient = json_null();
    if (c->patient_id[0]) {
        json_t *rows = api_rows(err,
                                store_query(err, conn, "SELECT id, name FROM patients WHERE id = ?",
                                            "t", c->patient_id),
                                id_name_row);
        if (!rows)
            return false;
        patient = json_incref(json_array_get(rows, 0));
        json_decref(rows);
    }
    json_t *materials = materials_json(err, conn, c->id);
    json_t *minutes = materials ? conference_minutes_json(err, conn, c->id) : NULL;
    json_t *actions = minutes ? conference_actions_json(err, conn, c->id) : NULL;
    json_object_set_new(out, "patient", patient);
    if (!actions) {
        json_decref(materials);
        json_decref(minutes);
        return false;
    }
    size_t n = json_array_size(minutes);
    json_object_set_new(out, "materials", materials);
    json_object_set(out, "minutes", n ? json_array_get(minutes, n - 1) : json_null());
    json_object_set_new(out, "minutes_versions", minutes);
    json_object_set_new(out, "action_items", actions);
    return true;
}

json_t *conference_json(struct error *err, struct op *op, const struct conference *c, bool sees)
{
    json_t *rows = api_rows(
        err,
        store_query(err, op->conn,
                    "SELECT c.id, c.kind, c.title, c.starts_at, c.ends_at, c.place, c.status, "
                    "c.cancel_reason, c.org_id, o.name, c.minutes_shared_at, c.created_at, "
                    "c.patient_id, c.agenda FROM conferences c JOIN orgs o ON o.id = c.org_id "
                    "WHERE c.id = ?",
                    "t", c->id),
        head_row);
    json_t *out = rows ? json_incref(json_array_get(rows, 0)) : NULL;
    json_decref(rows);
    if (!out)
        return rows ? (error_set(err, ERR_CONFERENCE_NOT_FOUND, NULL), NULL) : NULL;
    json_t *participants = participants_json(err, op->conn, c->id);
    if (!participants) {
        json_decref(out);
        return NULL;
    }
    json_object_set_new(out, "participants", participants);
    json_object_set_new(out, "patient_visible", json_boolean(sees));
    if (sees && !add_patient_parts(err, op->conn, c, out)) {
        json_decref(out);
        return NULL;
    }
    if (!sees)
        json_object_del(out, "agenda");
    return out;
}

/* ---- the list -------------------------------------------------------------------------------- */

/* The patient is joined only where the access rule lets the caller see it (?5: the caller may
 * see patients at all). */
static const char sql_list[] =
    "SELECT c.id, c.kind, c.title, c.starts_at, c.ends_at, c.place, c.status, c.org_id, o.name, "
    "c.minutes_shared_at, c.patient_id, p.id, p.name FROM conferences c JOIN orgs o ON o.id = "
    "c.org_id LEFT JOIN patients p ON p.id = c.patient_id AND ?5 = 1 AND " ACCESS_VISIBLE_SQL
    " WHERE EXISTS (SELECT 1 FROM conference_orgs co WHERE co.conference_id = c.id AND "
    "co.org_id = ?1) AND c.starts_at >= ?6 AND c.starts_at < ?7 ORDER BY c.starts_at, c.id "
    "LIMIT 500";

static json_t *list_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:s, s:o, s:o, s:s, s:s, s:{s:s, s:s}, s:o, s:b, s:b, s:o}", "id",
                     store_text(s, 0), "kind", kind_json(store_text(s, 1)), "title",
                     store_text(s, 2), "starts_at", time_json(store_int(s, 3)), "ends_at",
                     time_json(store_int(s, 4)), "place", store_text(s, 5), "status",
                     store_text(s, 6), "organiser", "id", store_text(s, 7), "name",
                     store_text(s, 8), "minutes_shared_at", api_time_or_null(s, 9), "has_patient",
                     !store_is_null(s, 10), "patient_visible", !store_is_null(s, 11), "patient",
                     api_id_name(s, 11, 12));
}

/* A date "YYYY-MM-DD" of query name as the instant of its local midnight (Asia/Tokyo). */
static bool date_param(struct error *err, struct request *req, const char *name, int64_t *ms)
{
    const char *v = request_query(req, name);
    int y, m, d;
    if (!v)
        return true;
    if (!clock_parse_date(v, &y, &m, &d))
        return error_set(err, ERR_FIELD_VALUE, "%s", name);
    *ms = clock_days_from_civil(y, m, d) * 86400000LL - 9 * 3600000LL;
    return true;
}

bool conference_list(struct error *err, struct request *req)
{
    int64_t from = INT64_MIN / 2, until = INT64_MAX / 2;
    if (!request_query_check(err, req, (const char *const[]){"from", "until", NULL}) ||
        !request_require_org(err, req) || !date_param(err, req, "from", &from) ||
        !date_param(err, req, "until", &until))
        return false;
    if (request_query(req, "until"))
        until += 86400000LL; /* the whole last day */
    struct access_rule_args rule;
    access_rule_args_of(&req->op.principal, &rule);
    struct store_arg args[ACCESS_RULE_PARAMS + 3];
    access_rule_bind(&rule, args);
    args[4] = (struct store_arg){.type = 'i', .i = access_may_search(&req->op.principal)};
    args[5] = (struct store_arg){.type = 'i', .i = from};
    args[6] = (struct store_arg){.type = 'i', .i = until};
    json_t *items = api_rows(err, store_query_args(err, req->op.conn, sql_list, args, 7), list_row);
    if (!items)
        return false;
    size_t i;
    json_t *c;
    json_array_foreach(items, i, c)
    {
        const json_t *patient = json_object_get(c, "patient");
        if (json_is_object(patient))
            op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS,
                          json_string_value(json_object_get(patient, "id")), "conference",
                          json_string_value(json_object_get(c, "id")), NULL);
    }
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}
