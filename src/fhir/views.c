/* SPDX-License-Identifier: Apache-2.0 */
/* Read-only FHIR views of the operational tables: Patient (the regional patient with the
 * organisations' local ids), Organization, Consent and AuditEvent. The operational tables stay
 * the one source of truth; these only render them as R4 resources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/kana.h"
#include "http/router.h"
#include "rest.h"
#include "rest_int.h"
#include "store/dialect.h"

#define LOCAL_ID_SYSTEM "urn:tsunagu:patient-id:"
#define ORG_CODE_SYSTEM "urn:tsunagu:org-code"
#define KANA_EXT "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"

/* "山田 花子" → family 山田, given [花子] */
static json_t *human_name(const char *text, bool kana)
{
    json_t *n = json_pack("{s:s, s:s}", "use", "official", "text", text);
    const char *sp = strchr(text, ' ');
    if (sp) {
        json_object_set_new(n, "family", json_stringn(text, (size_t)(sp - text)));
        json_object_set_new(n, "given", json_pack("[s]", sp + 1));
    }
    if (kana)
        json_object_set_new(n, "extension",
                            json_pack("[{s:s, s:s}]", "url", KANA_EXT, "valueCode", "SYL"));
    return n;
}

static json_t *patient_json(struct error *err, struct store_conn *conn, struct store_stmt *s)
{
    char iso[32];
    clock_format_iso(store_int(s, 7), iso);
    const char *id = store_text(s, 0);
    json_t *p = json_pack("{s:s, s:s, s:{s:s}, s:[o, o], s:s, s:s}", "resourceType", "Patient",
                          "id", id, "meta", "lastUpdated", iso, "name",
                          human_name(store_text(s, 1), false), human_name(store_text(s, 2), true),
                          "gender", store_text(s, 3), "birthDate", store_text(s, 4));
    if (store_text(s, 5)[0])
        json_object_set_new(p, "address", json_pack("[{s:s}]", "text", store_text(s, 5)));
    if (store_text(s, 6)[0])
        json_object_set_new(
            p, "telecom", json_pack("[{s:s, s:s}]", "system", "phone", "value", store_text(s, 6)));
    struct store_stmt *l = store_query(err, conn,
                                       "SELECT o.code, o.id, o.name, l.local_id FROM "
                                       "patient_local_ids l JOIN orgs o ON o.id = l.org_id "
                                       "WHERE l.patient_id = ? ORDER BY l.created_at",
                                       "t", id);
    if (!l) {
        json_decref(p);
        return NULL;
    }
    json_t *ids = json_array();
    while (store_step(err, l) == STORE_ROW) {
        char sys[160], ref[64];
        snprintf(sys, sizeof sys, LOCAL_ID_SYSTEM "%s", store_text(l, 0));
        snprintf(ref, sizeof ref, "Organization/%s", store_text(l, 1));
        json_array_append_new(ids, json_pack("{s:s, s:s, s:{s:s, s:s}}", "system", sys, "value",
                                             store_text(l, 3), "assigner", "reference", ref,
                                             "display", store_text(l, 2)));
    }
    store_done(l);
    if (json_array_size(ids))
        json_object_set_new(p, "identifier", ids);
    else
        json_decref(ids);
    return p;
}

#define PATIENT_COLUMNS                                                                            \
    "p.id, p.name, p.name_kana, p.sex, p.birth_date, p.address, p.phone, p.updated_at"

static json_t *org_json(struct store_stmt *s)
{
    json_t *o = json_pack("{s:s, s:s, s:[{s:s, s:s}], s:b, s:[{s:[{s:s, s:s}]}], s:s, s:[s]}",
                          "resourceType", "Organization", "id", store_text(s, 0), "identifier",
                          "system", ORG_CODE_SYSTEM, "value", store_text(s, 1), "active", 1, "type",
                          "coding", "system", "urn:tsunagu:org-type", "code", store_text(s, 4),
                          "name", store_text(s, 2), "alias", store_text(s, 3));
    if (store_text(s, 5)[0])
        json_object_set_new(o, "address", json_pack("[{s:s}]", "text", store_text(s, 5)));
    if (store_text(s, 6)[0])
        json_object_set_new(
            o, "telecom", json_pack("[{s:s, s:s}]", "system", "phone", "value", store_text(s, 6)));
    json_t *liaison = fhir_liaison_telecom(store_text(s, 7), store_text(s, 8), store_text(s, 9));
    if (liaison)
        json_object_set_new(
            o, "contact",
            json_pack("[{s:{s:[{s:s, s:s}], s:s}, s:{s:s}, s:o}]", "purpose", "coding", "system",
                      "http://terminology.hl7.org/CodeSystem/contactentity-type", "code", "ADMIN",
                      "text", "地域連携室", "name", "text", "地域連携室", "telecom", liaison));
    return o;
}

/* with the directory profile's 地域連携室 (liaison office) contact, "" without a profile */
#define ORG_COLUMNS                                                                                \
    "o.id, o.code, o.name, o.name_kana, o.type, o.address, o.phone, "                              \
    "(SELECT pr.liaison_phone FROM org_profiles pr WHERE pr.org_id = o.id), "                      \
    "(SELECT pr.liaison_fax FROM org_profiles pr WHERE pr.org_id = o.id), "                        \
    "(SELECT pr.liaison_email FROM org_profiles pr WHERE pr.org_id = o.id)"

static json_t *consent_json(struct error *err, struct store_conn *conn, struct store_stmt *s)
{
    const char *id = store_text(s, 0);
    char ref[64];
    snprintf(ref, sizeof ref, "Patient/%s", store_text(s, 1));
    json_t *c = json_pack(
        "{s:s, s:s, s:s, s:{s:[{s:s, s:s}]}, s:[{s:[{s:s, s:s}]}], s:{s:s}, s:s, s:{s:s}}",
        "resourceType", "Consent", "id", id, "status", store_is_null(s, 3) ? "active" : "inactive",
        "scope", "coding", "system", "http://terminology.hl7.org/CodeSystem/consentscope", "code",
        "patient-privacy", "category", "coding", "system", "http://loinc.org", "code", "59284-0",
        "patient", "reference", ref, "dateTime", store_text(s, 2), "policyRule", "text",
        "tsunagu: 地域医療連携ネットワークへの情報提供の同意");
    struct store_stmt *o =
        store_query(err, conn, "SELECT org_id FROM consent_orgs WHERE consent_id = ?", "t", id);
    if (!o) {
        json_decref(c);
        return NULL;
    }
    json_t *actors = json_array();
    while (store_step(err, o) == STORE_ROW) {
        char oref[64];
        snprintf(oref, sizeof oref, "Organization/%s", store_text(o, 0));
        json_array_append_new(
            actors, json_pack("{s:{s:[{s:s, s:s}]}, s:{s:s}}", "role", "coding", "system",
                              "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code",
                              "IRCP", "reference", "reference", oref));
    }
    store_done(o);
    json_object_set_new(c, "provision", json_pack("{s:s, s:o}", "type", "permit", "actor", actors));
    return c;
}

#define CONSENT_COLUMNS "c.id, c.patient_id, c.consented_on, c.withdrawn_at"

static json_t *audit_event_json(struct store_stmt *s)
{
    static const char *const outcomes[] = {"0", "4", "8", "12"};
    int64_t outcome = store_int(s, 3);
    json_t *e = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:s, s:s, s:s, s:[{s:{s:{s:s, s:s}, s:s}, "
        "s:b}], s:{s:{s:s}}}",
        "resourceType", "AuditEvent", "id", store_text(s, 0), "type", "system",
        "http://dicom.nema.org/resources/ontology/DCM", "code", "110110", "display",
        "Patient Record", "subtype", "code", store_text(s, 2), "action", store_text(s, 4),
        "recorded", store_text(s, 1), "outcome", outcomes[outcome / 4 & 3], "agent", "who",
        "identifier", "system", "urn:tsunagu:login", "value",
        store_is_null(s, 5) ? "-" : store_text(s, 5), "display",
        store_is_null(s, 5) ? "-" : store_text(s, 5), "requestor", 1, "source", "observer",
        "display", "tsunagu");
    if (!store_is_null(s, 7)) {
        char ref[64];
        snprintf(ref, sizeof ref, "Patient/%s", store_text(s, 7));
        json_object_set_new(e, "entity", json_pack("[{s:{s:s}}]", "what", "reference", ref));
    }
    if (!store_is_null(s, 6))
        json_object_set_new(json_array_get(json_object_get(e, "agent"), 0), "network",
                            json_pack("{s:s, s:s}", "address", store_text(s, 6), "type", "2"));
    return e;
}

/* An AuditEvent's id is its record's sequence number and the first 16 hex digits of its chain
 * hash ("1234-9f86d081884c7d65"): found by the primary key, but not walked by counting. */
#define AUDIT_COLUMNS                                                                              \
    "a.seq || '-' || substr(a.hash, 1, 16), a.time, a.event_id, a.outcome, a.action, "             \
    "a.user_login, a.client, a.patient_id, a.object_type"
/* The record whose AuditEvent id is parameter n. */
#define AUDIT_ID_IS(n)                                                                             \
    "a.seq = CAST(substr(?" n ", 1, " DIALECT_STRPOS "(?" n ", '-') - 1) AS INTEGER) AND "         \
    "substr(a.hash, 1, 16) = substr(?" n ", " DIALECT_STRPOS "(?" n ", '-') + 1)"

/* ---- read ------------------------------------------------------------------------------ */

static bool one_row(struct error *err, struct store_stmt *s, bool *found)
{
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *found = r == STORE_ROW;
    if (!*found)
        store_done(s);
    return r != STORE_FAIL;
}

static bool core_read(struct error *err, struct request *req, const char *type, const char *id,
                      json_t **out)
{
    *out = NULL;
    struct store_conn *conn = req->op.conn;
    bool found = false;
    struct store_stmt *s = NULL;
    if (strcmp(type, "Organization") == 0) {
        s = store_query(err, conn, "SELECT " ORG_COLUMNS " FROM orgs o WHERE o.id = ?", "t", id);
        if (!one_row(err, s, &found))
            return false;
        if (found && !fhir_allow(err, req, "", type, NULL, ACCESS_READ)) {
            store_done(s);
            return false;
        }
        if (found) {
            *out = org_json(s);
            store_done(s);
        }
    } else {
        const char *sql =
            strcmp(type, "Patient") == 0 ? "SELECT " PATIENT_COLUMNS
                                           ", p.id FROM patients p WHERE p.id = ?"
            : strcmp(type, "Consent") == 0
                ? "SELECT " CONSENT_COLUMNS ", c.patient_id FROM consents c WHERE c.id = ?"
                : "SELECT " AUDIT_COLUMNS ", a.patient_id FROM audit a WHERE " AUDIT_ID_IS(
                      "1") " AND a.patient_id IS NOT NULL";
        if (strcmp(type, "AuditEvent") == 0 && !audit_index_sync(err, conn))
            return false;
        s = store_query(err, conn, sql, "t", id);
        if (!one_row(err, s, &found))
            return false;
        if (found) {
            int col = strcmp(type, "Patient") == 0 ? 8 : strcmp(type, "Consent") == 0 ? 4 : 9;
            char patient[UUID_STR_LEN];
            snprintf(patient, sizeof patient, "%s", store_text(s, col));
            if (!fhir_allow(err, req, patient, type, id, ACCESS_READ)) {
                store_done(s);
                return false;
            }
            *out = strcmp(type, "Patient") == 0   ? patient_json(err, conn, s)
                   : strcmp(type, "Consent") == 0 ? consent_json(err, conn, s)
                                                  : audit_event_json(s);
            store_done(s);
            if (!*out)
                return false;
            if (!fhir_audit_patient_read(err, req, patient, type, id)) {
                json_decref(*out);
                *out = NULL;
                return false;
            }
        }
    }
    if (!found) {
        req->access_checked = true;
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", type, id);
    }
    return *out != NULL || error_set(err, ERR_NOMEM, NULL);
}

/* ---- search ---------------------------------------------------------------------------- */

bool fhir_view_arg(struct error *err, struct fhir_view_query *q, const char *text)
{
    if (q->n == FHIR_VIEW_ARGS)
        return error_set(err, ERR_BAD_QUERY, "too many search values");
    q->args[q->n++] = (struct store_arg){.type = 't', .text = text};
    return true;
}

bool fhir_view_paging(struct error *err, struct fhir_view_query *q, const char *name,
                      const char *value)
{
    char *end;
    long v = strtol(value, &end, 10);
    bool count = strcmp(name, "_count") == 0;
    if (*end || !value[0] || v < 0 || v > (count ? FHIR_VIEW_COUNT_MAX : 100000))
        return error_set(err, ERR_BAD_QUERY, "%s out of range", name);
    *(count ? &q->count : &q->offset) = (int)v;
    return true;
}

bool fhir_view_org_name(struct error *err, struct request *req, struct fhir_view_query *q,
                        const char *value)
{
    /* the name as typed, or its reading in katakana (kana_normalize folds kana to it) */
    char *key = kana_normalize(value);
    bool ok = fhir_view_arg(err, q, api_like(req, value)) &&
              fhir_view_arg(err, q, api_like(req, key ? key : value));
    free(key);
    if (ok)
        strbuf_printf(&q->sql,
                      " AND (o.name" DIALECT_LIKE_CI "?%d" STORE_LIKE_ESCAPE
                      " OR o.name_kana" DIALECT_LIKE_CI "?%d" STORE_LIKE_ESCAPE ")",
                      q->n - 1, q->n);
    return ok;
}

/* The conditions a view understands; anything else is refused. */
static bool view_cond(struct error *err, struct request *req, const char *type,
                      struct fhir_view_query *q, const char *name, const char *value)
{
    bool patient = strcmp(type, "Patient") == 0, org = strcmp(type, "Organization") == 0;
    const char *id_col = patient                    ? "p.id"
                         : org                      ? "o.id"
                         : !strcmp(type, "Consent") ? "c.id"
                                                    : "a.seq";
    if (strcmp(name, "_count") == 0 || strcmp(name, "_offset") == 0)
        return fhir_view_paging(err, q, name, value);
    if (strcmp(name, "_format") == 0)
        return true;
    if (org && !strcmp(name, "name"))
        return fhir_view_org_name(err, req, q, value);
    if (!fhir_view_arg(err, q, value))
        return false;
    int a = q->n;
    if (strcmp(name, "_id") == 0 && !patient && !org && strcmp(type, "Consent") != 0) {
        char n[12];
        snprintf(n, sizeof n, "%d", a);
        strbuf_puts(&q->sql, " AND ");
        strbuf_puts(&q->sql, arena_printf(req->op.arena, AUDIT_ID_IS("%s"), n, n, n, n));
    } else if (strcmp(name, "_id") == 0) {
        strbuf_printf(&q->sql, " AND %s = ?%d", id_col, a);
    } else if (patient &&
               (!strcmp(name, "name") || !strcmp(name, "family") || !strcmp(name, "given"))) {
        char *key = kana_normalize(value);
        if (!key)
            return error_set(err, ERR_NOMEM, NULL);
        q->args[a - 1].text = api_like(req, key);
        free(key);
        strbuf_printf(&q->sql,
                      " AND (p.name_key LIKE ?%d" STORE_LIKE_ESCAPE
                      " OR p.kana_key LIKE ?%d" STORE_LIKE_ESCAPE ")",
                      a, a);
    } else if (patient && !strcmp(name, "birthdate")) {
        strbuf_printf(&q->sql, " AND p.birth_date = ?%d", a);
    } else if (patient && !strcmp(name, "gender")) {
        strbuf_printf(&q->sql, " AND p.sex = ?%d", a);
    } else if (patient && !strcmp(name, "identifier")) {
        const char *bar = strchr(value, '|');
        q->args[a - 1].text = bar ? bar + 1 : value;
        strbuf_printf(&q->sql,
                      " AND EXISTS (SELECT 1 FROM patient_local_ids l WHERE l.patient_id = p.id "
                      "AND l.local_id = ?%d)",
                      a);
    } else if (org && !strcmp(name, "identifier")) {
        const char *bar = strchr(value, '|');
        q->args[a - 1].text = bar ? bar + 1 : value;
        strbuf_printf(&q->sql, " AND o.code = ?%d", a);
    } else if (!patient && !org && !strcmp(name, "patient")) {
        q->args[a - 1].text = strncmp(value, "Patient/", 8) == 0 ? value + 8 : value;
        strbuf_printf(&q->sql, " AND c.patient_id = ?%d", a);
    } else {
        return error_set(err, ERR_BAD_QUERY, "unknown search parameter %s for %s", name, type);
    }
    return true;
}

static bool view_rows(struct error *err, struct request *req, const char *type,
                      struct fhir_view_query *q, json_t *bundle)
{
    struct store_stmt *s = store_query_args(err, req->op.conn, q->sql.buf, q->args, q->n);
    if (!s)
        return false;
    enum store_step_result r;
    int got = 0;
    bool ok = true;
    while (ok && (r = store_step(err, s)) == STORE_ROW && got < q->count) {
        json_t *res = !strcmp(type, "Patient")        ? patient_json(err, req->op.conn, s)
                      : !strcmp(type, "Organization") ? org_json(s)
                      : !strcmp(type, "Consent")      ? consent_json(err, req->op.conn, s)
                                                      : audit_event_json(s);
        if (!res) {
            ok = false;
            break;
        }
        const char *id = json_string_value(json_object_get(res, "id"));
        json_array_append_new(
            json_object_get(bundle, "entry"),
            json_pack("{s:s, s:o, s:{s:s}}", "fullUrl",
                      arena_printf(req->op.arena, "%s/%s/%s", fhir_base_url(req), type, id),
                      "resource", res, "search", "mode", "match"));
        if (strcmp(type, "Organization") != 0) {
            int col = !strcmp(type, "Patient") ? 0 : !strcmp(type, "Consent") ? 1 : 7;
            if (!store_is_null(s, col) &&
                !fhir_audit_patient_read(err, req, store_text(s, col), type, id)) {
                ok = false;
                break;
            }
        }
        got++;
    }
    store_done(s);
    req->op.audited = req->op.read_count > 0;
    return ok && r != STORE_FAIL;
}

static bool core_search(struct error *err, struct request *req, const char *type,
                        const struct fhir_qparam *params, int n, json_t *bundle)
{
    struct access_rule_args rule;
    access_rule_args_of(&req->op.principal, &rule);
    struct fhir_view_query q = {.count = 50};
    access_rule_bind(&rule, q.args);
    q.n = ACCESS_RULE_PARAMS;
    /* every statement names all the rule's parameters (an unnamed one cannot be bound) */
    static const char all_params[] =
        " AND CAST(?3 AS TEXT) IS NOT NULL AND CAST(?4 AS BIGINT) IS NOT NULL";
    bool patient = !strcmp(type, "Patient"), org = !strcmp(type, "Organization");
    if (patient)
        strbuf_printf(&q.sql,
                      "SELECT " PATIENT_COLUMNS " FROM patients p WHERE " ACCESS_DEMOGRAPHICS_SQL
                      "%s",
                      all_params);
    else if (org)
        strbuf_printf(&q.sql,
                      "SELECT " ORG_COLUMNS " FROM orgs o WHERE CAST(?1 AS TEXT) IS NOT NULL AND "
                      "CAST(?2 AS TEXT) IS NOT NULL%s",
                      all_params);
    else if (!strcmp(type, "Consent"))
        strbuf_printf(&q.sql,
                      "SELECT " CONSENT_COLUMNS " FROM consents c JOIN patients p ON p.id "
                      "= c.patient_id WHERE " ACCESS_CONSENTS_SQL "%s",
                      all_params);
    else
        strbuf_printf(&q.sql,
                      "SELECT " AUDIT_COLUMNS " FROM audit a JOIN patients p ON p.id = "
                      "a.patient_id WHERE " ACCESS_TEAM_SQL "%s",
                      all_params);
    bool audit = !patient && !org && strcmp(type, "Consent") != 0;
    bool ok = !audit || audit_index_sync(err, req->op.conn);
    for (int i = 0; ok && i < n; i++) {
        if (audit && !strcmp(params[i].name, "patient")) {
            const char *v = params[i].value;
            ok = fhir_view_arg(err, &q, strncmp(v, "Patient/", 8) == 0 ? v + 8 : v);
            strbuf_printf(&q.sql, " AND a.patient_id = ?%d", q.n);
        } else {
            ok = view_cond(err, req, type, &q, params[i].name, params[i].value);
        }
    }
    if (ok) {
        const char *order = patient ? "p.kana_key, p.id"
                            : org   ? "o.code"
                            : audit ? "a.seq DESC"
                                    : "c.recorded_at";
        strbuf_printf(&q.sql, " ORDER BY %s LIMIT %d OFFSET %d", order, q.count + 1, q.offset);
        ok = view_rows(err, req, type, &q, bundle);
    }
    strbuf_release(&q.sql);
    if (ok)
        json_object_set_new(
            bundle, "total",
            json_integer((json_int_t)json_array_size(json_object_get(bundle, "entry")) + q.offset));
    return ok;
}

/* ---- the registry ------------------------------------------------------------------------ */

json_t *fhir_liaison_telecom(const char *phone, const char *fax, const char *email)
{
    const char *systems[] = {"phone", "fax", "email"}, *values[] = {phone, fax, email};
    json_t *t = json_array();
    for (int i = 0; i < 3; i++)
        if (values[i] && values[i][0])
            json_array_append_new(t, json_pack("{s:s, s:s, s:s}", "system", systems[i], "value",
                                               values[i], "use", "work"));
    if (json_array_size(t))
        return t;
    json_decref(t);
    return NULL;
}

static const struct fhir_view_param by_patient[] = {
    {"_id", "token"}, {"patient", "reference"}, {NULL, NULL}};

static const struct fhir_view patient_view = {
    .type = "Patient",
    .read = core_read,
    .search = core_search,
    .params = (const struct fhir_view_param[]){{"_id", "token"},
                                               {"identifier", "token"},
                                               {"name", "string"},
                                               {"family", "string"},
                                               {"given", "string"},
                                               {"birthdate", "date"},
                                               {"gender", "token"},
                                               {NULL, NULL}},
};
static const struct fhir_view organization_view = {
    .type = "Organization",
    .read = core_read,
    .search = core_search,
    .params =
        (const struct fhir_view_param[]){
            {"_id", "token"}, {"identifier", "token"}, {"name", "string"}, {NULL, NULL}},
};
static const struct fhir_view consent_view = {
    .type = "Consent", .read = core_read, .search = core_search, .params = by_patient};
static const struct fhir_view audit_event_view = {
    .type = "AuditEvent", .read = core_read, .search = core_search, .params = by_patient};

const struct fhir_view *const fhir_core_views[] = {&patient_view, &organization_view, &consent_view,
                                                   &audit_event_view, NULL};

const struct fhir_view *fhir_view_find(const char *type)
{
    for (const struct module *const *m = modules_all; type && *m; m++)
        for (const struct fhir_view *const *v = (*m)->fhir_views; v && *v; v++)
            if (strcmp((*v)->type, type) == 0)
                return *v;
    return NULL;
}

bool fhir_type_view(const char *type)
{
    return fhir_view_find(type) != NULL;
}

bool fhir_view_read(struct error *err, struct request *req, const char *type, const char *id,
                    json_t **out)
{
    const struct fhir_view *v = fhir_view_find(type);
    *out = NULL;
    if (!v)
        return error_set(err, ERR_FHIR_UNKNOWN_TYPE, "%s", type);
    return v->read(err, req, type, id, out);
}

bool fhir_view_search(struct error *err, struct request *req, const char *type,
                      const struct fhir_qparam *params, int n, json_t *bundle)
{
    const struct fhir_view *v = fhir_view_find(type);
    if (!v)
        return error_set(err, ERR_FHIR_UNKNOWN_TYPE, "%s", type);
    return v->search(err, req, type, params, n, bundle);
}
