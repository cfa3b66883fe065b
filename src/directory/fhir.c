/* SPDX-License-Identifier: Apache-2.0 */
/* Read-only FHIR views of the facility directory (issue 4): one Location and one
 * HealthcareService per organisation with a published profile, both with the organisation's id.
 * They render org_profiles and the live org_status; the directory stays the source of truth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kana.h"
#include "directory_int.h"
#include "fhir/rest.h"
#include "http/router.h"
#include "store/dialect.h"

#define TSUNAGU_FHIR "https://tsunagu.example.jp/fhir/"
#define CS TSUNAGU_FHIR "CodeSystem/"
#define SD TSUNAGU_FHIR "StructureDefinition/"
#define V2_0116 "http://terminology.hl7.org/CodeSystem/v2-0116"

#define DIR_COLUMNS                                                                                \
    "o.id, o.name, o.type, o.address, p.medical_function, p.departments, p.equipment, "            \
    "p.services, p.latitude, p.longitude, p.liaison_phone, p.liaison_fax, p.liaison_email, "       \
    "p.liaison_hours, p.acceptance_notes"
#define DIR_FROM " FROM orgs o JOIN org_profiles p ON p.org_id = o.id"

static void set_list(json_t *o, const char *key, json_t *list)
{
    if (list && json_array_size(list))
        json_object_set_new(o, key, list);
    else
        json_decref(list);
}

static json_t *concept(const char *system, const struct code_label *list, const char *code)
{
    const char *display = code;
    for (const struct code_label *c = list; c->code; c++)
        if (!strcmp(c->code, code))
            display = c->ja;
    return json_pack("{s:[{s:s, s:s, s:s}]}", "coding", "system", system, "code", code, "display",
                     display);
}

/* A JSON array column of codes as CodeableConcepts. */
static json_t *concepts(const char *json, const char *system, const struct code_label *list)
{
    json_t *codes = json_loads(json, 0, NULL), *out = json_array(), *v;
    size_t i;
    json_array_foreach(codes, i, v) if (json_is_string(v))
        json_array_append_new(out, concept(system, list, json_string_value(v)));
    json_decref(codes);
    return out;
}

/* org_status of one organisation: field → {"value", "updated" (instant)}. */
static json_t *status_of(struct error *err, struct store_conn *conn, const char *org)
{
    struct store_stmt *s = store_query(
        err, conn, "SELECT field, value, updated_at FROM org_status WHERE org_id = ?", "t", org);
    if (!s)
        return NULL;
    json_t *st = json_object();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        char iso[32];
        clock_format_iso(store_int(s, 2), iso);
        json_t *v = json_loads(store_text(s, 1), JSON_DECODE_ANY, NULL);
        if (v)
            json_object_set_new(st, store_text(s, 0),
                                json_pack("{s:o, s:s}", "value", v, "updated", iso));
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(st);
        return NULL;
    }
    return st;
}

static json_t *status_value(json_t *status, const char *field, const char **updated)
{
    json_t *f = json_object_get(status, field);
    if (updated)
        *updated = json_string_value(json_object_get(f, "updated"));
    return json_object_get(f, "value");
}

static json_t *ref(const char *type, const char *id)
{
    char r[96];
    snprintf(r, sizeof r, "%s/%s", type, id);
    return json_pack("{s:s}", "reference", r);
}

/* One free-beds extension per bed kind, in code-list order; sets *any_free. */
static json_t *free_beds(json_t *status, bool *known, bool *any_free)
{
    const char *updated;
    json_t *beds = status_value(status, "beds", &updated), *out = json_array();
    *known = *any_free = false;
    for (const struct code_label *k = dir_bed_kinds; k->code; k++) {
        json_t *n = json_object_get(beds, k->code);
        if (!json_is_integer(n))
            continue;
        *known = true;
        *any_free |= json_integer_value(n) > 0;
        json_array_append_new(out, json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:I}, {s:s, s:s}]}", "url",
                                             SD "free-beds", "extension", "url", "kind",
                                             "valueCode", k->code, "url", "count", "valueInteger",
                                             (json_int_t)json_integer_value(n), "url", "updated",
                                             "valueInstant", updated));
    }
    return out;
}

static json_t *location_json(struct store_stmt *s, json_t *status)
{
    const char *id = store_text(s, 0);
    json_t *l =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:[{s:s, s:s}]}], s:o}", "resourceType",
                  "Location", "id", id, "status", "active", "name", store_text(s, 1), "mode",
                  "instance", "type", "coding", "system", "urn:tsunagu:org-type", "code",
                  store_text(s, 2), "managingOrganization", ref("Organization", id));
    bool known, any_free;
    json_t *ext = free_beds(status, &known, &any_free);
    if (known)
        json_object_set_new(l, "operationalStatus",
                            json_pack("{s:s, s:s, s:s}", "system", V2_0116, "code",
                                      any_free ? "U" : "O", "display",
                                      any_free ? "Unoccupied" : "Occupied"));
    set_list(l, "extension", ext);
    set_list(l, "telecom",
             fhir_liaison_telecom(store_text(s, 10), store_text(s, 11), store_text(s, 12)));
    if (store_text(s, 3)[0])
        json_object_set_new(l, "address", json_pack("{s:s}", "text", store_text(s, 3)));
    if (!store_is_null(s, 8) && !store_is_null(s, 9))
        json_object_set_new(l, "position",
                            json_pack("{s:f, s:f}", "longitude", store_double(s, 9), "latitude",
                                      store_double(s, 8)));
    return l;
}

static json_t *characteristics(const char *json)
{
    json_t *items = json_loads(json, 0, NULL), *out = json_array(), *v;
    size_t i;
    json_array_foreach(items, i, v)
    {
        const char *code = json_string_value(json_object_get(v, "code"));
        if (!code)
            continue;
        json_t *c = concept(CS "equipment", dir_equipment, code);
        json_object_set_new(c, "extension",
                            json_pack("[{s:s, s:b}]", "url", SD "shared-use", "valueBoolean",
                                      json_is_true(json_object_get(v, "shared_use"))));
        json_array_append_new(out, c);
    }
    json_decref(items);
    return out;
}

static json_t *not_available(json_t *status)
{
    json_t *out = json_array(), *r;
    json_t *current = dir_restrictions_current(status_value(status, "restrictions", NULL));
    size_t i;
    json_array_foreach(current, i, r)
    {
        const char *text = json_string_value(json_object_get(r, "text"));
        const char *until = json_string_value(json_object_get(r, "until"));
        if (!text)
            continue;
        json_t *n = json_pack("{s:s}", "description", text);
        if (until)
            json_object_set_new(n, "during", json_pack("{s:s}", "end", until));
        json_array_append_new(out, n);
    }
    json_decref(current);
    return out;
}

static json_t *emergency_ext(json_t *status)
{
    const char *updated;
    const char *code = json_string_value(status_value(status, "emergency", &updated));
    if (!code)
        return NULL;
    json_t *parts = json_pack("[{s:s, s:s}, {s:s, s:s}]", "url", "acceptance", "valueCode", code,
                              "url", "updated", "valueInstant", updated);
    const char *note = json_string_value(status_value(status, "emergency_note", NULL));
    if (note && note[0])
        json_array_append_new(parts, json_pack("{s:s, s:s}", "url", "note", "valueString", note));
    return json_pack("[{s:s, s:o}]", "url", SD "emergency-acceptance", "extension", parts);
}

static json_t *service_json(struct store_stmt *s, json_t *status)
{
    const char *id = store_text(s, 0);
    json_t *h = json_pack("{s:s, s:s, s:b, s:o, s:[o], s:s}", "resourceType", "HealthcareService",
                          "id", id, "active", 1, "providedBy", ref("Organization", id), "location",
                          ref("Location", id), "name", store_text(s, 1));
    json_object_set_new(json_object_get(h, "providedBy"), "display", json_string(store_text(s, 1)));
    set_list(h, "extension", emergency_ext(status));
    if (!store_is_null(s, 4))
        json_object_set_new(
            h, "category",
            json_pack("[o]", concept(CS "medical-function", dir_functions, store_text(s, 4))));
    set_list(h, "type", concepts(store_text(s, 7), CS "service", dir_services));
    set_list(h, "specialty", concepts(store_text(s, 5), CS "department", dir_departments));
    set_list(h, "telecom",
             fhir_liaison_telecom(store_text(s, 10), store_text(s, 11), store_text(s, 12)));
    if (store_text(s, 14)[0])
        json_object_set_new(h, "comment", json_string(store_text(s, 14)));
    set_list(h, "characteristic", characteristics(store_text(s, 6)));
    set_list(h, "notAvailable", not_available(status));
    if (store_text(s, 13)[0])
        json_object_set_new(h, "availabilityExceptions", json_string(store_text(s, 13)));
    return h;
}

static json_t *dir_json(struct error *err, struct request *req, const char *type,
                        struct store_stmt *s)
{
    json_t *status = status_of(err, req->op.conn, store_text(s, 0));
    if (!status)
        return NULL;
    json_t *res = !strcmp(type, "Location") ? location_json(s, status) : service_json(s, status);
    json_decref(status);
    return res;
}

static bool dir_read(struct error *err, struct request *req, const char *type, const char *id,
                     json_t **out)
{
    *out = NULL;
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT " DIR_COLUMNS DIR_FROM " WHERE o.id = ?", "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        if (r == STORE_FAIL)
            return false;
        req->access_checked = true;
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", type, id);
    }
    if (!fhir_allow(err, req, "", type, NULL, ACCESS_READ)) {
        store_done(s);
        return false;
    }
    *out = dir_json(err, req, type, s);
    store_done(s);
    return *out != NULL;
}

/* ---- search ---------------------------------------------------------------------------- */

static const char *token_code(const char *v)
{
    const char *bar = strchr(v, '|');
    return bar ? bar + 1 : v;
}

/* The conditions these views understand; anything else is refused. */
static bool dir_cond(struct error *err, struct request *req, bool location,
                     struct fhir_view_query *q, const char *name, const char *value)
{
    if (!strcmp(name, "_count") || !strcmp(name, "_offset"))
        return fhir_view_paging(err, q, name, value);
    if (!strcmp(name, "_format"))
        return true;
    if (location && !strcmp(name, "name"))
        return fhir_view_org_name(err, req, q, value);
    if (!fhir_view_arg(err, q, value))
        return false;
    int a = q->n;
    if (!strcmp(name, "_id")) {
        strbuf_printf(&q->sql, " AND o.id = ?%d", a);
    } else if (!strcmp(name, "organization")) {
        q->args[a - 1].text = !strncmp(value, "Organization/", 13) ? value + 13 : value;
        strbuf_printf(&q->sql, " AND o.id = ?%d", a);
    } else if (location && !strcmp(name, "address")) {
        q->args[a - 1].text = api_like(req, value);
        strbuf_printf(&q->sql, " AND o.address" DIALECT_LIKE_CI "?%d" STORE_LIKE_ESCAPE, a);
    } else if (!location && !strcmp(name, "service-category")) {
        q->args[a - 1].text = token_code(value);
        strbuf_printf(&q->sql,
                      " AND (p.medical_function = ?%d OR EXISTS (SELECT 1 FROM "
                      "org_services v WHERE v.org_id = o.id AND v.code = ?%d))",
                      a, a);
    } else if (!location && !strcmp(name, "specialty")) {
        q->args[a - 1].text = token_code(value);
        strbuf_printf(&q->sql,
                      " AND EXISTS (SELECT 1 FROM org_departments d WHERE d.org_id = o.id AND "
                      "d.code = ?%d)",
                      a);
    } else if (!location && !strcmp(name, "characteristic")) {
        q->args[a - 1].text = token_code(value);
        strbuf_printf(&q->sql,
                      " AND EXISTS (SELECT 1 FROM org_equipment e WHERE e.org_id = o.id AND "
                      "e.code = ?%d)",
                      a);
    } else {
        return error_set(err, ERR_BAD_QUERY, "unknown search parameter %s for %s", name,
                         location ? "Location" : "HealthcareService");
    }
    return true;
}

static bool dir_rows(struct error *err, struct request *req, const char *type,
                     struct fhir_view_query *q, json_t *bundle)
{
    struct store_stmt *s = store_query_args(err, req->op.conn, q->sql.buf, q->args, q->n);
    if (!s)
        return false;
    enum store_step_result r = STORE_DONE;
    for (int got = 0; got < q->count && (r = store_step(err, s)) == STORE_ROW; got++) {
        json_t *res = dir_json(err, req, type, s);
        if (!res) {
            store_done(s);
            return false;
        }
        const char *id = json_string_value(json_object_get(res, "id"));
        json_array_append_new(
            json_object_get(bundle, "entry"),
            json_pack("{s:s, s:o, s:{s:s}}", "fullUrl",
                      arena_printf(req->op.arena, "%s/%s/%s", fhir_base_url(req), type, id),
                      "resource", res, "search", "mode", "match"));
    }
    store_done(s);
    return r != STORE_FAIL;
}

static bool dir_search(struct error *err, struct request *req, const char *type,
                       const struct fhir_qparam *params, int n, json_t *bundle)
{
    struct fhir_view_query q = {.count = 50};
    q.args[q.n++] = (struct store_arg){.type = 't', .text = req->op.principal.org_id};
    strbuf_puts(&q.sql, "SELECT " DIR_COLUMNS DIR_FROM " WHERE CAST(?1 AS TEXT) IS NOT NULL");
    bool location = !strcmp(type, "Location"), ok = true;
    for (int i = 0; ok && i < n; i++)
        ok = dir_cond(err, req, location, &q, params[i].name, params[i].value);
    if (ok) {
        strbuf_printf(&q.sql, " ORDER BY o.code LIMIT %d OFFSET %d", q.count, q.offset);
        ok = dir_rows(err, req, type, &q, bundle);
    }
    strbuf_release(&q.sql);
    if (ok)
        json_object_set_new(
            bundle, "total",
            json_integer((json_int_t)json_array_size(json_object_get(bundle, "entry")) + q.offset));
    return ok;
}

/* ---- the views ----------------------------------------------------------------------------- */

static const struct fhir_view location_view = {
    .type = "Location",
    .read = dir_read,
    .search = dir_search,
    .params = (const struct fhir_view_param[]){{"_id", "token"},
                                               {"organization", "reference"},
                                               {"name", "string"},
                                               {"address", "string"},
                                               {NULL, NULL}},
};

static const struct fhir_view service_view = {
    .type = "HealthcareService",
    .read = dir_read,
    .search = dir_search,
    .params = (const struct fhir_view_param[]){{"_id", "token"},
                                               {"organization", "reference"},
                                               {"service-category", "token"},
                                               {"specialty", "token"},
                                               {"characteristic", "token"},
                                               {NULL, NULL}},
};

const struct fhir_view *const directory_fhir_views[] = {&location_view, &service_view, NULL};
