/* SPDX-License-Identifier: Apache-2.0 */
/* The monthly 訪問看護報告書 (issue 16): the report of a visiting nursing station to the
 * patient's physician. Prefilled from the month's visit records (report_content.c), saved as a
 * draft and edited by its author, signed and sent (the act audited with the SHA-256 of what is
 * signed; the physician's organisation notified; written into the FHIR record by
 * report_fhir.c), corrected after signing as new versions with a reason. Each version is a row
 * of homecare_reports. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "homecare_int.h"
#include "notify/notify.h"

enum { REASON_MAX = 500 };

/* ---- reading rows --------------------------------------------------------------------------- */

/* Who sees a version: a draft only the station that writes it, a signed version the team (the
 * access rule has decided for the patient). ?V is the caller's organisation. */
#define REPORT_VISIBLE(alias, param) "(" alias ".status = 'signed' OR " alias ".org_id = " param ")"

#define REPORT_COLUMNS                                                                             \
    "r.id, r.report_id, r.version, r.previous_id, r.patient_id, r.org_id, r.to_org_id, r.month, "  \
    "r.author_id, r.content, r.vitals, r.status, r.correction_reason, r.content_sha256, "          \
    "r.signed_at, r.signed_by, r.fhir_composition_id, r.fhir_document_reference_id, "              \
    "r.created_at, r.updated_at, o.name, t.name, u.name, su.name "                                 \
    "FROM homecare_reports r JOIN orgs o ON o.id = r.org_id JOIN orgs t ON t.id = r.to_org_id "    \
    "JOIN users u ON u.id = r.author_id LEFT JOIN users su ON su.id = r.signed_by "

static void row_to_report(struct op *op, struct store_stmt *s, struct homecare_report *r)
{
    text_copy(r->id, sizeof r->id, store_text(s, 0));
    text_copy(r->report_id, sizeof r->report_id, store_text(s, 1));
    r->version = (int)store_int(s, 2);
    text_copy(r->previous_id, sizeof r->previous_id, store_text(s, 3));
    text_copy(r->patient_id, sizeof r->patient_id, store_text(s, 4));
    text_copy(r->org_id, sizeof r->org_id, store_text(s, 5));
    text_copy(r->to_org_id, sizeof r->to_org_id, store_text(s, 6));
    text_copy(r->month, sizeof r->month, store_text(s, 7));
    text_copy(r->author_id, sizeof r->author_id, store_text(s, 8));
    r->content = homecare_text_or_null(op, s, 9);
    r->vitals = homecare_text_or_null(op, s, 10);
    r->status = homecare_text_or_null(op, s, 11);
    r->reason = homecare_text_or_null(op, s, 12);
    r->sha256 = homecare_text_or_null(op, s, 13);
    r->signed_at = store_is_null(s, 14) ? 0 : store_int(s, 14);
    text_copy(r->composition_id, sizeof r->composition_id, store_text(s, 16));
    text_copy(r->docref_id, sizeof r->docref_id, store_text(s, 17));
    r->org_name = homecare_text_or_null(op, s, 20);
    r->to_org_name = homecare_text_or_null(op, s, 21);
    r->author_name = homecare_text_or_null(op, s, 22);
}

/* One version as the API shows it. */
static json_t *version_json(struct store_stmt *s)
{
    json_t *content = json_loads(store_text(s, 9), 0, NULL);
    json_t *vitals = json_loads(store_text(s, 10), 0, NULL);
    return json_pack(
        "{s:s, s:s, s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, "
        "s:o, s:{s:o, s:o}}",
        "id", store_text(s, 0), "report_id", store_text(s, 1), "version", store_int(s, 2),
        "previous_id", api_text_or_null(s, 3), "patient_id", store_text(s, 4), "month",
        store_text(s, 7), "org", api_id_name(s, 5, 20), "to_org", api_id_name(s, 6, 21), "author",
        api_id_name(s, 8, 22), "content", content ? content : json_object(), "vitals",
        vitals ? vitals : json_array(), "status", store_text(s, 11), "correction_reason",
        api_text_or_null(s, 12), "content_sha256", api_text_or_null(s, 13), "signed_at",
        api_time_or_null(s, 14), "signed_by", api_id_name(s, 15, 23), "created_at",
        api_time_or_null(s, 18), "updated_at", api_time_or_null(s, 19), "fhir", "composition",
        api_text_or_null(s, 16), "document_reference", api_text_or_null(s, 17));
}

bool report_load(struct error *err, struct op *op, const char *patient_id, const char *report_id,
                 int version, struct homecare_report *r)
{
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT " REPORT_COLUMNS "WHERE r.report_id = ?1 AND r.patient_id = ?2 AND "
                    "(?3 = 0 OR r.version = ?3) AND " REPORT_VISIBLE(
                        "r", "?4") " ORDER BY r.version DESC LIMIT 1",
                    "ttit", report_id, patient_id, (int64_t)version, op->principal.org_id);
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    if (step == STORE_ROW)
        row_to_report(op, s, r);
    store_done(s);
    if (step != STORE_ROW)
        return step == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_REPORT_NOT_FOUND, NULL);
    return true;
}

static bool respond(struct error *err, struct request *req, int status, const char *report_id)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT " REPORT_COLUMNS "WHERE r.report_id = ?1 AND r.patient_id = ?2 "
                    "AND " REPORT_VISIBLE("r", "?3") " ORDER BY r.version",
                    "ttt", report_id, req->patient_id, req->op.principal.org_id);
    json_t *versions = api_rows(err, s, version_json);
    json_t *out = versions ? homecare_versions_document(err, versions, "report_id",
                                                        ERR_HOMECARE_REPORT_NOT_FOUND)
                           : NULL;
    if (!out)
        return false;
    response_json(req, status, out);
    return true;
}

static void audit_object(struct request *req, const char *report_id)
{
    req->object_type = "homecare_report";
    req->object_id = report_id;
}

/* The organisations on the patient's team that may read the report hear of its change (no
 * patient named: an open list reloads through the access rule). */
static bool publish(struct error *err, struct op *op, const char *patient_id, const char *report_id,
                    const char *event)
{
    return homecare_publish_team(err, op, patient_id, "homecare.report",
                                 json_pack("{s:s, s:s}", "report_id", report_id, "event", event));
}

/* ---- what a version is made of -------------------------------------------------------------- */

/* The content checked for month and the vitals summary of the month, as stored text. */
struct version_body {
    const char *content, *vitals;
};

static bool version_body(struct error *err, struct op *op, const char *patient_id,
                         const json_t *content, const char *month, struct version_body *b)
{
    json_t *checked = report_content_check(err, content, month);
    if (!checked)
        return false;
    json_t *vitals = report_vitals(err, op, patient_id, op->principal.org_id, month);
    b->content = homecare_canonical(op, checked);
    b->vitals = vitals ? homecare_canonical(op, vitals) : NULL;
    json_decref(checked);
    json_decref(vitals);
    if (!vitals)
        return false;
    return b->content && b->vitals ? true : error_set(err, ERR_NOMEM, NULL);
}

struct version_new {
    const char *report_id, *previous_id, *to_org_id, *month, *reason;
    int version;
};

static bool insert_version(struct error *err, struct op *op, const char *patient_id,
                           const struct version_new *n, const struct version_body *b,
                           char id[UUID_STR_LEN])
{
    ids_uuid_new(id);
    struct error e = {0};
    if (store_exec(&e, op->conn, NULL,
                   "INSERT INTO homecare_reports (id, report_id, version, previous_id, "
                   "patient_id, org_id, to_org_id, month, author_id, content, vitals, status, "
                   "correction_reason, fhir_composition_id, fhir_document_reference_id, "
                   "created_at, updated_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                   "'draft', ?12, p.fhir_composition_id, p.fhir_document_reference_id, ?13, ?13 "
                   "FROM (SELECT 1) x LEFT JOIN homecare_reports p ON p.id = ?4",
                   "ttittttttttti", id, n->report_id ? n->report_id : id, (int64_t)n->version,
                   n->previous_id, patient_id, op->principal.org_id, n->to_org_id, n->month,
                   op->principal.user_id, b->content, b->vitals, n->reason, op->now_ms))
        return true;
    if (!store_last_was_unique_violation(op->conn)) {
        *err = e;
        return false;
    }
    /* writers are serialised and the month and version were read first: a concurrent twin */
    return error_set(
        err, n->version == 1 ? ERR_HOMECARE_REPORT_EXISTS : ERR_HOMECARE_REPORT_VERSION_CONFLICT,
        "concurrent submission");
}

/* ---- list, prefill and read ----------------------------------------------------------------- */

bool homecare_reports_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT " REPORT_COLUMNS "WHERE r.patient_id = ?1 AND r.version = (SELECT MAX(x.version) "
        "FROM homecare_reports x WHERE x.report_id = r.report_id AND " REPORT_VISIBLE(
            "x", "?2") ") ORDER BY r.month DESC, o.name, r.report_id LIMIT 500",
        "tt", req->patient_id, req->op.principal.org_id);
    json_t *items = api_rows(err, s, version_json);
    if (!items)
        return false;
    for (size_t i = 0; i < json_array_size(items); i++)
        homecare_as_document(json_array_get(items, i), "report_id");
    /* whether the caller may write reports of the patient, so that a page offers only what
     * the server would accept (the decision stays report_may_write's) */
    struct error refused = {0};
    bool may_write = report_may_write(&refused, &req->op, req->patient_id);
    if (!may_write && refused.code != ERR_HOMECARE_REPORT_NOT_STATION &&
        refused.code != ERR_HOMECARE_REPORT_PROFESSION) {
        json_decref(items);
        *err = refused;
        return false;
    }
    response_json(req, 200, json_pack("{s:o, s:b}", "items", items, "may_write", may_write));
    return true;
}

bool homecare_reports_prefill(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"month", NULL};
    if (!request_query_check(err, req, allowed))
        return false;
    const char *month = request_query(req, "month");
    if (!month)
        return error_set(err, ERR_BAD_QUERY, "month: required");
    if (!report_month_check(err, "month", month, true) ||
        !report_may_write(err, &req->op, req->patient_id))
        return false;
    req->object_type = "homecare_report";
    req->audit_detail = arena_printf(req->op.arena, "prefill %s", month);
    json_t *draft = report_prefill(err, &req->op, req->patient_id, month);
    if (!draft)
        return false;
    response_json(req, 200, draft);
    return true;
}

bool homecare_reports_read(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    const char *rid = request_param(req, 1);
    audit_object(req, rid);
    return respond(err, req, 200, rid);
}

/* ---- create and edit the draft -------------------------------------------------------------- */

bool homecare_reports_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"month", JV_STRING, true, 7, NULL},
        {"to_org_id", JV_UUID, true, 0, NULL},
        {"content", JV_OBJECT, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const json_t *body = req->json;
    const char *month = jsonv_str(body, "month");
    struct version_body b;
    if (!jsonv_check(err, body, fields) || !report_month_check(err, "month", month, false) ||
        !report_may_write(err, &req->op, req->patient_id) ||
        !report_addressee_check(err, &req->op, req->patient_id, jsonv_str(body, "to_org_id")) ||
        !version_body(err, &req->op, req->patient_id, json_object_get(body, "content"), month,
                      &b) ||
        !op_write_begin(err, &req->op))
        return false;
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT report_id FROM homecare_reports WHERE patient_id = "
                                       "? AND org_id = ? AND month = ? AND version = 1",
                                       "ttt", req->patient_id, req->op.principal.org_id, month);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        error_set(err, ERR_HOMECARE_REPORT_EXISTS, "report %s", store_text(s, 0));
    store_done(s);
    if (r != STORE_DONE)
        return false;
    struct version_new n = {
        .to_org_id = jsonv_str(body, "to_org_id"), .month = month, .version = 1};
    char id[UUID_STR_LEN];
    if (!insert_version(err, &req->op, req->patient_id, &n, &b, id))
        return false;
    audit_object(req, arena_strdup(req->op.arena, id));
    req->audit_detail = arena_printf(req->op.arena, "draft %s", month);
    return publish(err, &req->op, req->patient_id, id, "created") && respond(err, req, 201, id);
}

/* The current version must be a draft by the caller; base_version (when given) must be it. */
static bool draft_of_caller(struct error *err, struct request *req, const struct homecare_report *r)
{
    if (strcmp(r->status, "draft") != 0)
        return error_set(err, ERR_HOMECARE_REPORT_SIGNED, "version %d", r->version);
    if (strcmp(r->author_id, req->op.principal.user_id) != 0)
        return error_set(err, ERR_HOMECARE_REPORT_NOT_AUTHOR, NULL);
    json_t *base = json_object_get(req->json, "base_version");
    if (json_is_integer(base) && json_integer_value(base) != r->version)
        return error_set(err, ERR_HOMECARE_REPORT_VERSION_CONFLICT, "base_version: current is %d",
                         r->version);
    return true;
}

bool homecare_reports_update(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"to_org_id", JV_UUID, false, 0, NULL},
        {"content", JV_OBJECT, false, 0, NULL},
        {"base_version", JV_INT, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *rid = request_param(req, 1);
    audit_object(req, rid);
    struct homecare_report r;
    if (!jsonv_check(err, req->json, fields) || !report_may_write(err, &req->op, req->patient_id) ||
        !op_write_begin(err, &req->op) ||
        !report_load(err, &req->op, req->patient_id, rid, 0, &r) || !draft_of_caller(err, req, &r))
        return false;
    const char *to = jsonv_str(req->json, "to_org_id");
    const json_t *content = json_object_get(req->json, "content");
    json_t *old = content ? NULL : json_loads(r.content, 0, NULL);
    struct version_body b;
    bool ok = (!to || report_addressee_check(err, &req->op, req->patient_id, to)) &&
              version_body(err, &req->op, req->patient_id, content ? content : old, r.month, &b);
    json_decref(old);
    if (!ok ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE homecare_reports SET to_org_id = ?, content = ?, vitals = ?, "
                    "updated_at = ? WHERE id = ? AND status = 'draft'",
                    "tttit", to ? to : r.to_org_id, b.content, b.vitals, req->op.now_ms, r.id))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "version %d edited", r.version);
    return publish(err, &req->op, req->patient_id, rid, "edited") && respond(err, req, 200, rid);
}

/* ---- sign and send -------------------------------------------------------------------------- */

/* The SHA-256 of what is signed: the version's identity and everything it says, as JSON with
 * sorted keys and no white space (docs/api/homecare.md). */
static bool signed_digest(struct error *err, struct op *op, const struct homecare_report *r,
                          char sha[SHA256_HEX_LEN])
{
    json_t *doc = json_pack(
        "{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "report_id", r->report_id, "version",
        r->version, "patient_id", r->patient_id, "org_id", r->org_id, "to_org_id", r->to_org_id,
        "author_id", r->author_id, "month", r->month, "content", json_loads(r->content, 0, NULL),
        "vitals", json_loads(r->vitals, 0, NULL));
    const char *text = doc ? homecare_canonical(op, doc) : NULL;
    json_decref(doc);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    ids_sha256_hex(text, strlen(text), sha);
    return true;
}

/* Tells the physician's organisation, when the access rule lets it see the patient. */
static bool notify_addressee(struct error *err, struct request *req,
                             const struct homecare_report *r)
{
    bool sees;
    if (!access_org_sees(err, req->op.conn, r->to_org_id, r->patient_id, DATA_CLINICAL, &sees))
        return false;
    if (!sees)
        return true;
    json_t *summary = json_pack(
        "{s:s, s:s, s:s, s:i, s:s, s:s}", "event", r->version > 1 ? "corrected" : "signed",
        "report_id", r->report_id, "month", r->month, "version", r->version, "org_name",
        r->org_name ? r->org_name : "", "user_name", req->op.principal.name);
    json_t *event = json_pack("{s:s}", "report_id", r->report_id);
    struct notify_message m = {.kind = "homecare_report",
                               .patient_id = r->patient_id,
                               .ref_id = r->report_id,
                               .summary = summary,
                               .event = event};
    bool ok = summary && event ? notify_org(err, &req->op, r->to_org_id, &m)
                               : error_set(err, ERR_NOMEM, NULL);
    json_decref(summary);
    json_decref(event);
    return ok;
}

bool homecare_reports_sign(struct error *err, struct request *req)
{
    const char *rid = request_param(req, 1);
    audit_object(req, rid);
    struct homecare_report r;
    if (!api_no_fields(err, req) || !op_write_begin(err, &req->op) ||
        !report_load(err, &req->op, req->patient_id, rid, 0, &r) ||
        !report_may_write(err, &req->op, req->patient_id) || !draft_of_caller(err, req, &r))
        return false;
    char sha[SHA256_HEX_LEN];
    if (!signed_digest(err, &req->op, &r, sha) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE homecare_reports SET status = 'signed', content_sha256 = ?, "
                    "signed_at = ?, signed_by = ?, updated_at = ? WHERE id = ? AND "
                    "status = 'draft'",
                    "titit", sha, req->op.now_ms, req->op.principal.user_id, req->op.now_ms, r.id))
        return false;
    r.status = "signed";
    r.sha256 = arena_strdup(req->op.arena, sha);
    r.signed_at = req->op.now_ms;
    req->audit_detail = arena_printf(req->op.arena, "version %d signed and sent, content_sha256 %s",
                                     r.version, sha);
    return report_fhir_write(err, &req->op, &r) && notify_addressee(err, req, &r) &&
           publish(err, &req->op, req->patient_id, rid, "signed") && respond(err, req, 200, rid);
}

/* ---- correct -------------------------------------------------------------------------------- */

bool homecare_reports_correct(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_STRING, false, REASON_MAX, NULL},
        {"content", JV_OBJECT, true, 0, NULL},
        {"to_org_id", JV_UUID, false, 0, NULL},
        {"base_version", JV_INT, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *rid = request_param(req, 1);
    audit_object(req, rid);
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    if (!reason || !reason[0])
        return error_set(err, ERR_HOMECARE_REPORT_REASON_REQUIRED, "reason: required");
    struct homecare_report cur;
    if (!report_may_write(err, &req->op, req->patient_id) || !op_write_begin(err, &req->op) ||
        !report_load(err, &req->op, req->patient_id, rid, 0, &cur))
        return false;
    if (strcmp(cur.org_id, req->op.principal.org_id) != 0)
        return error_set(err, ERR_HOMECARE_REPORT_WRONG_ORG, NULL);
    if (strcmp(cur.status, "signed") != 0)
        return error_set(err, ERR_HOMECARE_REPORT_DRAFT, "version %d", cur.version);
    json_t *base = json_object_get(req->json, "base_version");
    if (json_is_integer(base) && json_integer_value(base) != cur.version)
        return error_set(err, ERR_HOMECARE_REPORT_VERSION_CONFLICT, "base_version: current is %d",
                         cur.version);
    const char *to = jsonv_str(req->json, "to_org_id");
    struct version_body b;
    if ((to && !report_addressee_check(err, &req->op, req->patient_id, to)) ||
        !version_body(err, &req->op, req->patient_id, json_object_get(req->json, "content"),
                      cur.month, &b))
        return false;
    struct version_new n = {.report_id = cur.report_id,
                            .previous_id = cur.id,
                            .to_org_id = to ? to : cur.to_org_id,
                            .month = cur.month,
                            .reason = reason,
                            .version = cur.version + 1};
    char id[UUID_STR_LEN];
    if (!insert_version(err, &req->op, req->patient_id, &n, &b, id))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "version %d: %s", n.version, reason);
    return publish(err, &req->op, req->patient_id, rid, "corrected") && respond(err, req, 201, rid);
}
