/* SPDX-License-Identifier: Apache-2.0 */
/* Booking a slot of shared equipment (共同利用) for a patient, and what every step of a booking
 * shares: its timeline event, the notification of the other organisation, the real-time events
 * and the FHIR ServiceRequest that carries the order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "booking_int.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/text.h"
#include "fhir/rest.h"
#include "notify/notify.h"

enum {
    EXAM_MAX = 200, /* code points */
    QUESTION_MAX = 2000,
    ORDER_NOTES_MAX = 2000,
};

#define EQUIPMENT_SYSTEM "https://tsunagu.example.jp/fhir/CodeSystem/directory-equipment"

bool booking_may_report(const char *profession)
{
    return strcmp(profession, "physician") == 0 || strcmp(profession, "dentist") == 0;
}

bool booking_load(struct error *err, struct store_conn *conn, const char *id, struct booking *b)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT b.id, b.slot_id, b.patient_id, b.org_id, s.org_id, b.status, s.equipment, "
        "s.starts_at, s.ends_at, b.record_shared, COALESCE(b.fhir_service_request_id, '') "
        "FROM equipment_bookings b JOIN equipment_slots s ON s.id = b.slot_id WHERE b.id = ?",
        "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        text_copy(b->id, sizeof b->id, store_text(s, 0));
        text_copy(b->slot_id, sizeof b->slot_id, store_text(s, 1));
        text_copy(b->patient_id, sizeof b->patient_id, store_text(s, 2));
        text_copy(b->org_id, sizeof b->org_id, store_text(s, 3));
        text_copy(b->slot_org_id, sizeof b->slot_org_id, store_text(s, 4));
        text_copy(b->status, sizeof b->status, store_text(s, 5));
        text_copy(b->equipment, sizeof b->equipment, store_text(s, 6));
        b->starts_at = store_int(s, 7);
        b->ends_at = store_int(s, 8);
        b->record_shared = store_int(s, 9) != 0;
        text_copy(b->service_request, sizeof b->service_request, store_text(s, 10));
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_BOOKING_NOT_FOUND, NULL);
    return true;
}

bool booking_respond(struct error *err, struct request *req, int status, const char *id)
{
    json_t *b = booking_json(err, req, id);
    if (!b)
        return false;
    response_json(req, status, b);
    return true;
}

/* ---- the end of every step ------------------------------------------------------------------ */

static bool notify(struct error *err, struct request *req, const struct booking *b,
                   const char *kind, const char *to_org)
{
    struct store_stmt *s = store_query(err, req->op.conn, "SELECT name FROM orgs WHERE id = ?", "t",
                                       req->op.principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    char org_name[256] = "", starts[32];
    if (r == STORE_ROW)
        text_copy(org_name, sizeof org_name, store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    clock_format_iso(b->starts_at, starts);
    json_t *summary = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event", kind, "booking_id",
                                b->id, "equipment", b->equipment, "starts_at", starts, "org_name",
                                org_name, "user_name", req->op.principal.name);
    /* the event names no patient: the list is access-checked */
    json_t *extra = json_pack("{s:s, s:s}", "booking_id", b->id, "event", kind);
    struct notify_message m = {.kind = "booking",
                               .patient_id = b->patient_id,
                               .ref_id = b->id,
                               .summary = summary,
                               .event = extra};
    bool ok = summary && extra && notify_org(err, &req->op, to_org, &m);
    if (!summary || !extra)
        error_set(err, ERR_NOMEM, NULL);
    json_decref(summary);
    json_decref(extra);
    return ok;
}

bool booking_step_done(struct error *err, struct request *req, const struct booking *b,
                       const char *kind, json_t *detail)
{
    bool ok = notify_timeline_append(err, &req->op, &booking_case, b->id, kind, detail);
    json_decref(detail);
    bool ordering = strcmp(req->op.principal.org_id, b->org_id) == 0;
    if (!ok || !notify(err, req, b, kind, ordering ? b->slot_org_id : b->org_id))
        return false;
    op_publish_json(&req->op, "booking", b->org_id,
                    json_pack("{s:s, s:s}", "booking_id", b->id, "event", kind));
    op_publish_json(&req->op, "booking", b->slot_org_id,
                    json_pack("{s:s, s:s}", "booking_id", b->id, "event", kind));
    return true;
}

/* ---- the FHIR ServiceRequest ----------------------------------------------------------------- */

static const char sql_order[] =
    "SELECT b.patient_id, b.status, b.exam, b.clinical_question, b.order_notes, b.created_at, "
    "b.org_id, bo.name, u.name, s.org_id, so.name, s.starts_at, s.ends_at, s.equipment, "
    "b.fhir_service_request_id FROM equipment_bookings b "
    "JOIN equipment_slots s ON s.id = b.slot_id JOIN orgs bo ON bo.id = b.org_id "
    "JOIN orgs so ON so.id = s.org_id JOIN users u ON u.id = b.user_id WHERE b.id = ?";

static const char *request_status(const char *booking_status)
{
    if (strcmp(booking_status, "reported") == 0)
        return "completed";
    if (strcmp(booking_status, "declined") == 0 || strcmp(booking_status, "cancelled") == 0)
        return "revoked";
    return "active";
}

static json_t *ref(const char *type, const char *id, const char *display)
{
    char r[80];
    snprintf(r, sizeof r, "%s/%s", type, id);
    return json_pack("{s:s, s:s}", "reference", r, "display", display);
}

/* FHIR R4 ServiceRequest (the order) from a row of sql_order. */
static json_t *service_request(struct store_stmt *s, const char *id)
{
    char authored[32], start[32], end[32], requester[512];
    clock_format_iso(store_int(s, 5), authored);
    clock_format_iso(store_int(s, 11), start);
    clock_format_iso(store_int(s, 12), end);
    snprintf(requester, sizeof requester, "%s %s", store_text(s, 7), store_text(s, 8));
    json_t *sr = json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:s, s:[{s:[{s:s, s:s}]}], s:{s:s}, s:o, s:{s:s, s:s}, s:s, "
        "s:o, s:[o], s:[{s:s}]}",
        "resourceType", "ServiceRequest", "identifier", "system", BOOKING_ID_SYSTEM, "value", id,
        "status", request_status(store_text(s, 1)), "intent", "order", "category", "coding",
        "system", EQUIPMENT_SYSTEM, "code", store_text(s, 13), "code", "text", store_text(s, 2),
        "subject", ref("Patient", store_text(s, 0), ""), "occurrencePeriod", "start", start, "end",
        end, "authoredOn", authored, "requester", ref("Organization", store_text(s, 6), requester),
        "performer", ref("Organization", store_text(s, 9), store_text(s, 10)), "reasonCode", "text",
        store_text(s, 3));
    if (sr && store_text(s, 4)[0])
        json_object_set_new(sr, "note", json_pack("[{s:s}]", "text", store_text(s, 4)));
    json_object_del(json_object_get(sr, "subject"), "display");
    return sr;
}

bool booking_sync_service_request(struct error *err, struct request *req, const char *id)
{
    struct store_stmt *s = store_query(err, req->op.conn, sql_order, "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_BOOKING_NOT_FOUND, NULL);
    }
    json_t *sr = service_request(s, id);
    const char *fhir_id =
        store_is_null(s, 14) ? NULL : arena_strdup(req->op.arena, store_text(s, 14));
    store_done(s);
    struct fhir_row row;
    bool ok = fhir_put_as_principal(err, req, sr, fhir_id, NULL, &row);
    if (!ok || fhir_id)
        return ok;
    return store_exec(err, req->op.conn, NULL,
                      "UPDATE equipment_bookings SET fhir_service_request_id = ? WHERE id = ?",
                      "tt", row.id, id);
}

/* ---- creation -------------------------------------------------------------------------------- */

/* A repeat of an earlier request by the same user with the same key: *done when answered. */
static bool replay(struct error *err, struct request *req, const char *key, const char *digest,
                   bool *done)
{
    *done = false;
    const char *id;
    if (!api_idempotency_match(err, req->op.arena,
                               store_query(err, req->op.conn,
                                           "SELECT id, request_sha256 FROM equipment_bookings "
                                           "WHERE user_id = ? AND idempotency_key = ?",
                                           "tt", req->op.principal.user_id, key),
                               digest, ERR_BOOKING_IDEMPOTENCY_CONFLICT, &id))
        return false;
    if (!id)
        return true;
    *done = true;
    req->object_type = "booking";
    req->object_id = id;
    req->audit_detail = "idempotent repeat";
    return booking_respond(err, req, 200, id);
}

/* The slot must exist, be another organisation's, not have started, be of equipment still shared,
 * and be free (checked inside the write transaction, so two requests cannot both pass). */
static bool slot_bookable(struct error *err, struct request *req, const char *slot_id,
                          struct booking_slot *f)
{
    if (!booking_slot_load(err, req->op.conn, slot_id, f))
        return false;
    if (strcmp(f->org_id, req->op.principal.org_id) == 0)
        return error_set(err, ERR_BOOKING_OWN_EQUIPMENT, NULL);
    if (f->starts_at <= clock_now_ms())
        return error_set(err, ERR_BOOKING_SLOT_PAST, NULL);
    bool shared, held;
    if (!booking_equipment_shared(err, req->op.conn, f->org_id, f->equipment, &shared))
        return false;
    if (!shared)
        return error_set(err, ERR_BOOKING_EQUIPMENT_NOT_SHARED, "%s", f->equipment);
    if (!booking_slot_held(err, req->op.conn, slot_id, &held))
        return false;
    return held ? error_set(err, ERR_BOOKING_SLOT_TAKEN, NULL) : true;
}

static bool insert_booking(struct error *err, struct request *req, const char *id,
                           const struct booking_slot *f, const char *key, const char *digest)
{
    const char *slot_id = jsonv_str(req->json, "slot_id");
    const char *exam = api_trimmed(req, jsonv_str(req->json, "exam"));
    json_t *answer = booking_checklist_answer(err, req, f->org_id, f->equipment, exam);
    char *checklist = answer ? json_dumps(answer, JSON_COMPACT) : NULL;
    json_decref(answer);
    if (!checklist)
        return err->code ? false : error_set(err, ERR_NOMEM, NULL);
    arena_cleanup_add(req->op.arena, free, checklist);
    const char *question = api_trimmed(req, jsonv_str(req->json, "clinical_question"));
    const char *notes = api_trimmed(req, jsonv_str(req->json, "order_notes"));
    int64_t now = clock_now_ms();
    struct error e = {0};
    if (store_exec(&e, req->op.conn, NULL,
                   "INSERT INTO equipment_bookings (id, slot_id, patient_id, org_id, user_id, "
                   "status, exam, clinical_question, order_notes, idempotency_key, "
                   "request_sha256, created_at, updated_at, checklist) VALUES "
                   "(?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?, ?, ?, ?)",
                   "ttttttttttiit", id, slot_id, req->patient_id, req->op.principal.org_id,
                   req->op.principal.user_id, exam, question, notes ? notes : "", key,
                   key ? digest : NULL, now, now, checklist))
        return true;
    /* The unique index on active bookings of a slot is the last line against a double booking. */
    if (store_last_was_unique_violation(req->op.conn))
        return error_set(err, ERR_BOOKING_SLOT_TAKEN, NULL);
    *err = e;
    return false;
}

/* The order's text fields, required and not blank. */
static bool order_check(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"slot_id", JV_UUID, true, 0, NULL},
        {"exam", JV_STRING, true, EXAM_MAX, NULL},
        {"clinical_question", JV_STRING, true, QUESTION_MAX, NULL},
        {"order_notes", JV_STRING, false, ORDER_NOTES_MAX, NULL},
        {"checklist", JV_STRING_ARRAY, false, 12, NULL}, /* the items ticked */
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    if (!api_trimmed(req, jsonv_str(req->json, "exam"))[0])
        return error_set(err, ERR_BOOKING_ORDER_INCOMPLETE, "exam");
    if (!api_trimmed(req, jsonv_str(req->json, "clinical_question"))[0])
        return error_set(err, ERR_BOOKING_ORDER_INCOMPLETE, "clinical_question");
    return true;
}

/* Opens the patient's record to the equipment's organisation (where the consent names it). */
static bool share_record(struct error *err, struct request *req, const struct booking *b)
{
    bool shared;
    if (!access_share_start(err, &req->op, b->patient_id, b->slot_org_id, &booking_case, b->id,
                            b->ends_at + BOOKING_SHARE_AFTER_MS, &shared))
        return false;
    return !shared ||
           store_exec(err, req->op.conn, NULL,
                      "UPDATE equipment_bookings SET record_shared = 1 WHERE id = ?", "t", b->id);
}

bool bookings_create(struct error *err, struct request *req)
{
    const char *key;
    if (!req->json)
        return error_set(err, ERR_FIELD_MISSING, "slot_id");
    char digest[SHA256_HEX_LEN];
    if (!order_check(err, req) || !api_idempotency_key(err, req, ERR_FIELD_VALUE, &key, digest) ||
        !op_write_begin(err, &req->op))
        return false;
    if (key) {
        bool done;
        if (!replay(err, req, key, digest, &done))
            return false;
        if (done)
            return true;
    }
    const char *slot_id = jsonv_str(req->json, "slot_id");
    struct booking_slot f;
    char id[UUID_STR_LEN];
    ids_uuid_new(id);
    req->object_type = "booking";
    req->object_id = arena_strdup(req->op.arena, id);
    if (!slot_bookable(err, req, slot_id, &f) || !insert_booking(err, req, id, &f, key, digest))
        return false;
    struct booking b;
    if (!booking_load(err, req->op.conn, id, &b) || !share_record(err, req, &b) ||
        !booking_sync_service_request(err, req, id) || !booking_load(err, req->op.conn, id, &b) ||
        !booking_step_done(
            err, req, &b, "requested",
            json_pack("{s:s, s:b}", "slot_id", slot_id, "record_shared", (int)b.record_shared)))
        return false;
    return booking_respond(err, req, 201, id);
}
