/* SPDX-License-Identifier: Apache-2.0 */
/* Standard visit records (訪問記録, issue 16): create (Idempotency-Key: an offline draft sent
 * again stores once), list, read with every version, correct (a new version with a reason) and
 * sign (the author; the act audited with the SHA-256 of the signed content). Each version is a
 * row of homecare_records; records_fhir.c writes it into the patient's FHIR record. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "homecare_int.h"

enum {
    HANDOVER_MAX = 4000, /* code points */
    REASON_MAX = 500,
};

#define TOKYO_OFFSET_MS (9LL * 3600 * 1000)

/* ---- reading rows --------------------------------------------------------------------------- */

#define RECORD_COLUMNS                                                                             \
    "r.id, r.record_id, r.version, r.previous_id, r.patient_id, r.org_id, r.author_id, r.kind, "   \
    "r.form, r.visit_start, r.visit_end, r.content, r.handover, r.status, r.correction_reason, "   \
    "r.content_sha256, r.signed_at, r.signed_by, r.fhir_encounter_id, r.fhir_composition_id, "     \
    "r.fhir_observations, r.created_at, u.name, o.name, su.name "                                  \
    "FROM homecare_records r JOIN users u ON u.id = r.author_id JOIN orgs o ON o.id = r.org_id "   \
    "LEFT JOIN users su ON su.id = r.signed_by "

static void row_to_record(struct op *op, struct store_stmt *s, struct homecare_record *r)
{
    text_copy(r->id, sizeof r->id, store_text(s, 0));
    text_copy(r->record_id, sizeof r->record_id, store_text(s, 1));
    r->version = (int)store_int(s, 2);
    text_copy(r->previous_id, sizeof r->previous_id, store_text(s, 3));
    text_copy(r->patient_id, sizeof r->patient_id, store_text(s, 4));
    text_copy(r->org_id, sizeof r->org_id, store_text(s, 5));
    text_copy(r->author_id, sizeof r->author_id, store_text(s, 6));
    r->kind = homecare_text_or_null(op, s, 7);
    r->form = homecare_text_or_null(op, s, 8);
    r->visit_start = store_int(s, 9);
    r->visit_end = store_int(s, 10);
    r->content = homecare_text_or_null(op, s, 11);
    r->handover = homecare_text_or_null(op, s, 12);
    r->status = homecare_text_or_null(op, s, 13);
    r->reason = homecare_text_or_null(op, s, 14);
    r->sha256 = homecare_text_or_null(op, s, 15);
    r->signed_at = store_is_null(s, 16) ? 0 : store_int(s, 16);
    text_copy(r->encounter_id, sizeof r->encounter_id, store_text(s, 18));
    text_copy(r->composition_id, sizeof r->composition_id, store_text(s, 19));
    r->observations = homecare_text_or_null(op, s, 20);
}

/* One version as the API shows it. */
static json_t *version_json(struct store_stmt *s)
{
    json_t *content = json_loads(store_text(s, 11), 0, NULL);
    json_t *observations = json_loads(store_text(s, 20), 0, NULL);
    json_t *v = json_pack(
        "{s:s, s:s, s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, "
        "s:o, s:o, s:{s:o, s:o, s:o}}",
        "id", store_text(s, 0), "record_id", store_text(s, 1), "version", store_int(s, 2),
        "previous_id", api_text_or_null(s, 3), "patient_id", store_text(s, 4), "kind",
        store_text(s, 7), "form", store_text(s, 8), "org", api_id_name(s, 5, 23), "author",
        api_id_name(s, 6, 22), "visit_start", api_time_or_null(s, 9), "visit_end",
        api_time_or_null(s, 10), "content", content ? content : json_object(), "handover",
        store_text(s, 12), "status", store_text(s, 13), "correction_reason",
        api_text_or_null(s, 14), "content_sha256", api_text_or_null(s, 15), "signed_at",
        api_time_or_null(s, 16), "signed_by", api_id_name(s, 17, 24), "created_at",
        api_time_or_null(s, 21), "fhir", "encounter", api_text_or_null(s, 18), "composition",
        api_text_or_null(s, 19), "observations", observations ? observations : json_object());
    return v;
}

bool homecare_record_load(struct error *err, struct op *op, const char *patient_id, const char *id,
                          struct homecare_record *r)
{
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT " RECORD_COLUMNS "WHERE r.record_id = ? AND r.patient_id = ? "
                    "ORDER BY r.version DESC LIMIT 1",
                    "tt", id, patient_id);
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    if (step == STORE_ROW)
        row_to_record(op, s, r);
    store_done(s);
    if (step != STORE_ROW)
        return step == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_RECORDS_NOT_FOUND, NULL);
    return true;
}

/* The record id with every version, the current one's fields at the top. */
static json_t *record_json(struct error *err, struct request *req, const char *record_id)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT " RECORD_COLUMNS "WHERE r.record_id = ? AND r.patient_id = ? "
                    "ORDER BY r.version",
                    "tt", record_id, req->patient_id);
    json_t *versions = api_rows(err, s, version_json);
    return versions ? homecare_versions_document(err, versions, "record_id",
                                                 ERR_HOMECARE_RECORDS_NOT_FOUND)
                    : NULL;
}

static bool respond(struct error *err, struct request *req, int status, const char *record_id)
{
    json_t *j = record_json(err, req, record_id);
    if (!j)
        return false;
    response_json(req, status, j);
    return true;
}

/* ---- what a version is made of -------------------------------------------------------------- */

struct visit {
    int64_t start, end;
    char day[11]; /* the visit's Tokyo date */
    json_t *content;
    const char *handover;
};

static bool patient_birth_date(struct error *err, struct op *op, const char *patient_id,
                               char out[16])
{
    struct store_stmt *s =
        store_query(err, op->conn, "SELECT birth_date FROM patients WHERE id = ?", "t", patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    text_copy(out, 16, r == STORE_ROW ? store_text(s, 0) : "");
    store_done(s);
    return r != STORE_FAIL;
}

/* An RFC 3339 date-time with its offset, plausible as a past event of this patient. */
static bool visit_time(struct error *err, const char *field, const char *value,
                       const struct plausible_ctx *ctx, int64_t *ms)
{
    if (strlen(value) < 20 || value[10] != 'T' || !clock_parse_iso(value, ms))
        return error_set(err, ERR_FIELD_VALUE, "%s: expected a date-time with its offset", field);
    return plausible_check_date(err, field, PLAUSIBLE_EVENT_DATE, value, ctx);
}

/* The visit's times, content (checked against the form) and hand-over from the body. */
static bool parse_visit(struct error *err, struct op *op, const char *patient_id,
                        const json_t *body, const char *form, struct visit *v)
{
    const char *start = jsonv_str(body, "visit_start"), *end = jsonv_str(body, "visit_end");
    char birth[16];
    if (!patient_birth_date(err, op, patient_id, birth))
        return false;
    struct plausible_ctx ctx = {.birth_date = birth[0] ? birth : NULL};
    if (!visit_time(err, "visit_start", start, &ctx, &v->start) ||
        !visit_time(err, "visit_end", end, &ctx, &v->end))
        return false;
    ctx.start = start;
    if (!plausible_check_date(err, "visit_end", PLAUSIBLE_PERIOD_END, end, &ctx))
        return false;
    int64_t local = v->start + TOKYO_OFFSET_MS;
    char iso[32];
    clock_format_iso(local, iso);
    text_copy(v->day, sizeof v->day, iso);
    v->content = homecare_form_check(err, form, json_object_get(body, "content"), v->day);
    if (!v->content)
        return false;
    arena_cleanup_add(op->arena, (arena_cleanup_fn)json_decref, v->content);
    const char *handover = jsonv_str(body, "handover");
    v->handover = handover ? homecare_trimmed(op, handover) : "";
    return true;
}

/* The author's profession must make this kind of visit (kinds.c). */
static bool may_write(struct error *err, struct op *op, const struct homecare_kind *k)
{
    if (!homecare_kind_profession(k, op->principal.profession))
        return error_set(err, ERR_HOMECARE_RECORDS_PROFESSION, "%s: %s", k->code,
                         op->principal.profession);
    return true;
}

struct version_new {
    const char *record_id, *previous_id, *kind, *form, *reason, *key, *digest;
    int version;
};

static bool insert_version(struct error *err, struct op *op, const char *patient_id,
                           const struct version_new *n, const struct visit *v,
                           char id[UUID_STR_LEN])
{
    const char *content = homecare_canonical(op, v->content);
    if (!content)
        return error_set(err, ERR_NOMEM, NULL);
    ids_uuid_new(id);
    const struct principal *p = &op->principal;
    struct error e = {0};
    if (store_exec(&e, op->conn, NULL,
                   "INSERT INTO homecare_records (id, record_id, version, previous_id, patient_id, "
                   "org_id, author_id, kind, form, visit_start, visit_end, content, handover, "
                   "status, correction_reason, idempotency_key, request_sha256, created_at) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)",
                   "ttittttttiittttti", id, n->record_id ? n->record_id : id, (int64_t)n->version,
                   n->previous_id, patient_id, p->org_id, p->user_id, n->kind, n->form, v->start,
                   v->end, content, v->handover, n->reason, n->key, n->key ? n->digest : NULL,
                   op->now_ms))
        return true;
    if (!store_last_was_unique_violation(op->conn)) {
        *err = e;
        return false;
    }
    /* writers are serialised and the key and version were read first: a concurrent repeat */
    return error_set(err,
                     n->key ? ERR_HOMECARE_RECORDS_IDEMPOTENCY_CONFLICT
                            : ERR_HOMECARE_RECORDS_VERSION_CONFLICT,
                     "concurrent submission");
}

/* The organisations on the patient's team that may read the record (access_org_sees) hear of
 * its change; no patient is named: the page reloads its list, which passes the access rule and
 * is audited. */
static bool publish(struct error *err, struct op *op, const char *patient_id, const char *record_id,
                    const char *event)
{
    return homecare_publish_team(err, op, patient_id, "homecare.record",
                                 json_pack("{s:s, s:s}", "record_id", record_id, "event", event));
}

/* ---- create --------------------------------------------------------------------------------- */

static const struct jfield record_fields[] = {
    {"kind", JV_STRING, true, 40, NULL},
    {"visit_start", JV_STRING, true, 40, NULL},
    {"visit_end", JV_STRING, true, 40, NULL},
    {"content", JV_OBJECT, true, 0, NULL},
    {"handover", JV_STRING, false, HANDOVER_MAX, NULL},
    {NULL, 0, false, 0, NULL},
};

/* A repeat of an earlier creation by the same user with the same key: *id gets the record's id
 * (NULL when the key is new). */
static bool replay(struct error *err, struct op *op, const char *key, const char *digest,
                   const char **id)
{
    return api_idempotency_match(
        err, op->arena,
        store_query(err, op->conn,
                    "SELECT record_id, request_sha256 FROM homecare_records "
                    "WHERE author_id = ? AND idempotency_key = ?",
                    "tt", op->principal.user_id, key),
        digest, ERR_HOMECARE_RECORDS_IDEMPOTENCY_CONFLICT, id);
}

/* Answers a repeat (replay found record id) with the record as it is now. */
static bool replayed(struct error *err, struct request *req, const char *id)
{
    req->object_type = "homecare_record";
    req->object_id = id;
    req->audit_detail = "idempotent repeat";
    return respond(err, req, 200, id);
}

/* Reads the version just written and writes it into the FHIR record. */
static bool project(struct error *err, struct op *op, const char *patient_id, const char *record_id,
                    const struct homecare_record *prev)
{
    struct homecare_record r;
    return homecare_record_load(err, op, patient_id, record_id, &r) &&
           homecare_record_fhir_write(err, op, &r, prev) &&
           /* a new record's values are judged once; a correction does not alert again */
           (prev || homecare_alerts_raise(err, op, &r));
}

/* Tells the modules that listen (the sharing rules) that a visit record was made. */
static bool team_event(struct error *err, struct op *op, const char *patient_id,
                       const char *record_id, const struct homecare_kind *k, const struct visit *v)
{
    char start[32], end[32];
    clock_format_iso(v->start, start);
    clock_format_iso(v->end, end);
    json_t *what =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "record_id", record_id, "visit_kind",
                  k->code, "visit_kind_ja", k->ja, "visit_start", start, "visit_end", end, "author",
                  op->principal.name, "handover", v->handover);
    struct team_event ev = {
        .kind = "visit_record", .patient_id = patient_id, .ref_id = record_id, .summary = what};
    bool ok = what ? modules_team_event(err, op, &ev) : error_set(err, ERR_NOMEM, NULL);
    json_decref(what);
    return ok;
}

bool homecare_record_create(struct error *err, struct op *op, const char *patient_id,
                            const json_t *body, const char *key, const char *digest,
                            char id[UUID_STR_LEN], bool *repeat)
{
    *repeat = false;
    if (!jsonv_check(err, body, record_fields))
        return false;
    const struct homecare_kind *k = homecare_kind_find(jsonv_str(body, "kind"));
    if (!k)
        return error_set(err, ERR_HOMECARE_KIND_UNKNOWN, "kind: %s", jsonv_str(body, "kind"));
    if (!may_write(err, op, k) || !op_write_begin(err, op))
        return false;
    if (key) {
        const char *old;
        if (!replay(err, op, key, digest, &old))
            return false;
        if (old) {
            text_copy(id, UUID_STR_LEN, old);
            *repeat = true;
            return true;
        }
    }
    struct visit v;
    struct version_new n = {
        .kind = k->code, .form = k->form_code, .key = key, .digest = digest, .version = 1};
    return parse_visit(err, op, patient_id, body, k->form_code, &v) &&
           insert_version(err, op, patient_id, &n, &v, id) &&
           project(err, op, patient_id, id, NULL) && publish(err, op, patient_id, id, "created") &&
           team_event(err, op, patient_id, id, k, &v);
}

bool homecare_records_create(struct error *err, struct request *req)
{
    const char *key;
    char digest[SHA256_HEX_LEN], id[UUID_STR_LEN] = "";
    bool repeat;
    /* homecare_record_create checks the body again: here first so that a bad body is told
     * before a bad Idempotency-Key */
    if (!jsonv_check(err, req->json, record_fields) ||
        !api_idempotency_key(err, req, ERR_FIELD_VALUE, &key, digest))
        return false;
    bool ok =
        homecare_record_create(err, &req->op, req->patient_id, req->json, key, digest, id, &repeat);
    if (id[0]) {
        req->object_type = "homecare_record";
        req->object_id = arena_strdup(req->op.arena, id);
    }
    if (!ok)
        return false;
    if (repeat)
        req->audit_detail = "idempotent repeat";
    return respond(err, req, repeat ? 200 : 201, id);
}

/* ---- list and read -------------------------------------------------------------------------- */

bool homecare_records_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"kind", "limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset))
        return false;
    const char *kind = request_query(req, "kind");
    if (kind && !homecare_kind_find(kind))
        return error_set(err, ERR_BAD_QUERY, "kind: %s", kind);
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT " RECORD_COLUMNS
        "WHERE r.patient_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR r.kind = ?2) "
        "AND r.version = (SELECT MAX(x.version) FROM homecare_records x "
        "WHERE x.record_id = r.record_id) ORDER BY r.visit_start DESC, r.record_id LIMIT ?3 "
        "OFFSET ?4",
        "ttii", req->patient_id, kind, limit + 1, offset);
    json_t *items = api_rows(err, s, version_json);
    if (!items)
        return false;
    bool more = (int64_t)json_array_size(items) > limit;
    if (more)
        json_array_remove(items, json_array_size(items) - 1);
    for (size_t i = 0; i < json_array_size(items); i++)
        homecare_as_document(json_array_get(items, i), "record_id");
    response_json(req, 200, request_page_body(req, items, offset, limit, more));
    return true;
}

bool homecare_records_read(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    const char *rid = request_param(req, 1);
    req->object_type = "homecare_record";
    req->object_id = rid;
    return respond(err, req, 200, rid);
}

/* ---- correct -------------------------------------------------------------------------------- */

static bool correction_allowed(struct error *err, struct request *req,
                               const struct homecare_record *cur)
{
    if (strcmp(cur->org_id, req->op.principal.org_id) != 0)
        return error_set(err, ERR_HOMECARE_RECORDS_WRONG_ORG, NULL);
    if (!may_write(err, &req->op, homecare_kind_find(cur->kind)))
        return false;
    json_t *base = json_object_get(req->json, "base_version");
    if (base && json_is_integer(base) && json_integer_value(base) != cur->version)
        return error_set(err, ERR_HOMECARE_RECORDS_VERSION_CONFLICT, "base_version: current is %d",
                         cur->version);
    return true;
}

bool homecare_records_correct(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_STRING, false, REASON_MAX, NULL},
        {"base_version", JV_INT, false, 0, NULL},
        {"visit_start", JV_STRING, true, 40, NULL},
        {"visit_end", JV_STRING, true, 40, NULL},
        {"content", JV_OBJECT, true, 0, NULL},
        {"handover", JV_STRING, false, HANDOVER_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *rid = request_param(req, 1);
    req->object_type = "homecare_record";
    req->object_id = rid;
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    if (!reason || !reason[0])
        return error_set(err, ERR_HOMECARE_RECORDS_REASON_REQUIRED, "reason: required");
    const char *key;
    char digest[SHA256_HEX_LEN];
    const char *old = NULL;
    if (!api_idempotency_key(err, req, ERR_FIELD_VALUE, &key, digest) ||
        !op_write_begin(err, &req->op) || (key && !replay(err, &req->op, key, digest, &old)))
        return false;
    if (old)
        return replayed(err, req, old);
    struct homecare_record cur;
    if (!homecare_record_load(err, &req->op, req->patient_id, rid, &cur) ||
        !correction_allowed(err, req, &cur))
        return false;
    struct visit v;
    struct version_new n = {.record_id = cur.record_id,
                            .previous_id = cur.id,
                            .kind = cur.kind,
                            .form = cur.form,
                            .reason = reason,
                            .key = key,
                            .digest = digest,
                            .version = cur.version + 1};
    char id[UUID_STR_LEN];
    if (!parse_visit(err, &req->op, req->patient_id, req->json, cur.form, &v) ||
        !insert_version(err, &req->op, req->patient_id, &n, &v, id))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "version %d: %s", n.version, reason);
    if (!project(err, &req->op, req->patient_id, rid, &cur) ||
        !publish(err, &req->op, req->patient_id, rid, "corrected"))
        return false;
    return respond(err, req, 201, rid);
}

/* ---- sign ----------------------------------------------------------------------------------- */

/* The SHA-256 of what is signed: the version's identity and everything it says, as JSON with
 * sorted keys and no white space (docs/api/homecare.md). */
static bool signed_digest(struct error *err, struct op *op, const struct homecare_record *r,
                          char sha[SHA256_HEX_LEN])
{
    char start[32], end[32];
    clock_format_iso(r->visit_start, start);
    clock_format_iso(r->visit_end, end);
    json_t *doc =
        json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "record_id", r->record_id,
                  "version", r->version, "patient_id", r->patient_id, "org_id", r->org_id,
                  "author_id", r->author_id, "kind", r->kind, "visit_start", start, "visit_end",
                  end, "content", json_loads(r->content, 0, NULL), "handover", r->handover);
    const char *text = doc ? homecare_canonical(op, doc) : NULL;
    json_decref(doc);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    ids_sha256_hex(text, strlen(text), sha);
    return true;
}

bool homecare_record_sign(struct error *err, struct op *op, const char *patient_id, const char *rid,
                          struct homecare_record *r)
{
    if (!op_write_begin(err, op) || !homecare_record_load(err, op, patient_id, rid, r))
        return false;
    if (strcmp(r->author_id, op->principal.user_id) != 0)
        return error_set(err, ERR_HOMECARE_RECORDS_NOT_AUTHOR, NULL);
    if (strcmp(r->status, "signed") == 0)
        return error_set(err, ERR_HOMECARE_RECORDS_SIGNED, "version %d", r->version);
    char sha[SHA256_HEX_LEN];
    if (!signed_digest(err, op, r, sha) ||
        !store_exec(err, op->conn, NULL,
                    "UPDATE homecare_records SET status = 'signed', content_sha256 = ?, "
                    "signed_at = ?, signed_by = ? WHERE id = ? AND status = 'draft'",
                    "titt", sha, op->now_ms, op->principal.user_id, r->id))
        return false;
    r->status = "signed";
    r->sha256 = arena_strdup(op->arena, sha);
    r->signed_at = op->now_ms;
    return homecare_record_fhir_sign(err, op, r) && publish(err, op, patient_id, rid, "signed");
}

bool homecare_records_sign(struct error *err, struct request *req)
{
    const char *rid = request_param(req, 1);
    req->object_type = "homecare_record";
    req->object_id = rid;
    struct homecare_record r;
    if (!api_no_fields(err, req) || !homecare_record_sign(err, &req->op, req->patient_id, rid, &r))
        return false;
    req->audit_detail =
        arena_printf(req->op.arena, "version %d signed, content_sha256 %s", r.version, r.sha256);
    return respond(err, req, 200, rid);
}
