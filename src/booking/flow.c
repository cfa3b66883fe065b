/* SPDX-License-Identifier: Apache-2.0 */
/* The steps of a booking after it is requested. The equipment's organisation confirms, proposes
 * another time, declines, and reports; the ordering organisation accepts a proposal or cancels.
 * Each step runs in one write transaction: side and state are checked inside it, so two
 * concurrent steps cannot both pass; a wrong side is 403, a wrong state 409, nothing written. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "booking_int.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "fhir/rest.h"
#include "notify/step.h"

enum {
    NOTE_MAX = 500, /* code points */
    FINDINGS_MAX = 8000,
    IMPRESSION_MAX = 2000,
};

/* HL7 v2 table 0074, diagnostic service section: RAD = radiology */
#define SERVICE_SECTION_SYSTEM "http://terminology.hl7.org/CodeSystem/v2-0074"

static bool reporter(const struct principal *p)
{
    return booking_may_report(p->profession);
}

#define FROM(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ACTIVE FROM("requested", "confirmed", "proposed")

/* Who may take each step from which states: the equipment's organisation (the receiver) confirms,
 * proposes another time, declines and reports (a physician); the ordering organisation (the
 * opener) accepts a proposal or cancels. The order is the order of the UI's actions. */
static const struct notify_step steps[] = {
    {"confirm", NULL, FROM("requested"), NOTIFY_RECEIVER, NULL, false},
    {"propose", NULL, ACTIVE, NOTIFY_RECEIVER, NULL, false},
    {"decline", NULL, ACTIVE, NOTIFY_RECEIVER, NULL, false},
    {"report", NULL, FROM("confirmed"), NOTIFY_RECEIVER, reporter, true},
    {"accept_proposal", NULL, FROM("proposed"), NOTIFY_OPENER, NULL, false},
    {"cancel", NULL, ACTIVE, NOTIFY_OPENER, NULL, false},
};

static const struct notify_step_errors step_errors = {
    ERR_BOOKING_WRONG_PARTY,        ERR_BOOKING_REPORTER_NOT_PHYSICIAN,
    ERR_BOOKING_INVALID_TRANSITION, ERR_BOOKING_BEFORE_APPOINTMENT_DAY,
    "the ordering organisation",    "the equipment's organisation"};

json_t *booking_actions(const struct principal *p, const char *status, const char *slot_org,
                        const char *ordering_org)
{
    const struct notify_case c = {NULL, status, ordering_org, slot_org, 0, NULL};
    return notify_step_actions(NOTIFY_STEPS(steps), p, &c);
}

json_t *booking_early_actions(const struct principal *p, const char *status, const char *slot_org,
                              const char *ordering_org, int64_t starts_at)
{
    const struct notify_case c = {NULL, status, ordering_org, slot_org, starts_at, NULL};
    return notify_step_early_actions(NOTIFY_STEPS(steps), p, &c);
}

/* Opens the write transaction, reads the booking and checks the caller's side and its state. */
static bool step_begin(struct error *err, struct request *req, const char *action,
                       struct booking *b)
{
    if (!op_write_begin(err, &req->op) ||
        !booking_load(err, req->op.conn, request_param(req, 0), b))
        return false;
    const char *reason = req->json ? api_trimmed(req, jsonv_str(req->json, "reason")) : NULL;
    const struct notify_case c = {NULL, b->status, b->org_id, b->slot_org_id, b->starts_at, reason};
    return notify_step_check(err, notify_step_find(NOTIFY_STEPS(steps), action, NULL),
                             &req->op.principal, &c, &step_errors);
}

static bool set_status(struct error *err, struct request *req, const struct booking *b,
                       const char *status)
{
    return store_exec(err, req->op.conn, NULL,
                      "UPDATE equipment_bookings SET status = ?, updated_at = ? WHERE id = ?",
                      "tit", status, clock_now_ms(), b->id);
}

/* The common end: ends the record share (end_reason not NULL), updates the FHIR order, appends
 * the event with its notification and answers with the booking. */
static bool step_finish(struct error *err, struct request *req, struct booking *b,
                        const char *event, json_t *detail, const char *end_reason)
{
    if (end_reason && !access_share_end(err, &req->op, &booking_case, b->id, end_reason, NULL)) {
        json_decref(detail);
        return false;
    }
    if (!booking_sync_service_request(err, req, b->id)) {
        json_decref(detail);
        return false;
    }
    return booking_step_done(err, req, b, event, detail) && booking_respond(err, req, 200, b->id);
}

static const char *trimmed_field(struct request *req, const char *name)
{
    const char *v = api_trimmed(req, jsonv_str(req->json, name));
    return v ? v : "";
}

/* For steps whose body is optional: absent, or an object of the declared fields. */
static bool optional_body(struct error *err, struct request *req, const struct jfield *fields)
{
    return !req->json || jsonv_check(err, req->json, fields);
}

/* ---- the equipment's organisation ------------------------------------------------------------ */

bool bookings_confirm(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct booking b;
    if (!optional_body(err, req, fields) || !step_begin(err, req, "confirm", &b) ||
        !set_status(err, req, &b, "confirmed"))
        return false;
    return step_finish(err, req, &b, "confirmed",
                       json_pack("{s:s}", "note", req->json ? trimmed_field(req, "note") : ""),
                       NULL);
}

/* The slot proposed instead: free, not started, same organisation and equipment. */
static bool proposal_slot(struct error *err, struct request *req, const struct booking *b,
                          const char *slot_id, int64_t *ends_at)
{
    struct booking_slot slot;
    if (!booking_slot_load(err, req->op.conn, slot_id, &slot))
        return false;
    bool same = strcmp(slot.org_id, b->slot_org_id) == 0 &&
                strcmp(slot.equipment, b->equipment) == 0 && strcmp(slot_id, b->slot_id) != 0;
    int64_t starts = slot.starts_at;
    *ends_at = slot.ends_at;
    if (!same)
        return error_set(err, ERR_BOOKING_SLOT_MISMATCH, NULL);
    if (starts <= clock_now_ms())
        return error_set(err, ERR_BOOKING_SLOT_PAST, NULL);
    bool held;
    if (!booking_slot_held(err, req->op.conn, slot_id, &held))
        return false;
    return held ? error_set(err, ERR_BOOKING_SLOT_TAKEN, NULL) : true;
}

/* A shared record follows the booking to its new time: the share is opened again until the new
 * slot's end (where the consent still names the organisation). */
static bool reshare(struct error *err, struct request *req, struct booking *b, int64_t ends_at)
{
    if (!b->record_shared)
        return true;
    bool shared;
    if (!access_share_end(err, &req->op, &booking_case, b->id, "rescheduled", NULL) ||
        !access_share_start(err, &req->op, b->patient_id, b->slot_org_id, &booking_case, b->id,
                            ends_at + BOOKING_SHARE_AFTER_MS, &shared))
        return false;
    b->record_shared = shared;
    return store_exec(err, req->op.conn, NULL,
                      "UPDATE equipment_bookings SET record_shared = ? WHERE id = ?", "it",
                      (int64_t)shared, b->id);
}

bool bookings_propose(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"slot_id", JV_UUID, true, 0, NULL},
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct booking b;
    int64_t ends_at;
    const char *slot_id = jsonv_str(req->json, "slot_id");
    if (!jsonv_check(err, req->json, fields) || !step_begin(err, req, "propose", &b) ||
        !proposal_slot(err, req, &b, slot_id, &ends_at))
        return false;
    const char *note = trimmed_field(req, "note");
    struct error e = {0};
    if (!store_exec(&e, req->op.conn, NULL,
                    "UPDATE equipment_bookings SET previous_slot_id = slot_id, slot_id = ?, "
                    "status = 'proposed', proposal_note = ?, updated_at = ? WHERE id = ?",
                    "ttit", slot_id, note, clock_now_ms(), b.id)) {
        if (store_last_was_unique_violation(req->op.conn))
            return error_set(err, ERR_BOOKING_SLOT_TAKEN, NULL);
        *err = e;
        return false;
    }
    json_t *detail = json_pack("{s:s, s:s, s:s}", "from_slot_id", b.slot_id, "to_slot_id", slot_id,
                               "note", note);
    if (!reshare(err, req, &b, ends_at) || !booking_load(err, req->op.conn, b.id, &b)) {
        json_decref(detail);
        return false;
    }
    return step_finish(err, req, &b, "proposed", detail, NULL);
}

bool bookings_decline(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_STRING, true, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct booking b;
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *reason = trimmed_field(req, "reason");
    if (!reason[0])
        return error_set(err, ERR_BOOKING_REASON_REQUIRED, "reason");
    if (!step_begin(err, req, "decline", &b) || !set_status(err, req, &b, "declined") ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE equipment_bookings SET decline_reason = ? WHERE id = ?", "tt", reason,
                    b.id))
        return false;
    return step_finish(err, req, &b, "declined", json_pack("{s:s}", "reason", reason), "declined");
}

/* ---- the report --------------------------------------------------------------------------------
 */

static json_t *findings_form(const char *findings)
{
    size_t n = strlen(findings);
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    if (!b64)
        return NULL;
    sodium_bin2base64(b64, cap, (const unsigned char *)findings, n, sodium_base64_VARIANT_ORIGINAL);
    json_t *form = json_pack("[{s:s, s:s, s:s, s:s}]", "contentType", "text/plain; charset=utf-8",
                             "language", "ja", "title", "所見", "data", b64);
    free(b64);
    return form;
}

/* FHIR R4 DiagnosticReport (final) of the booking: the conclusion is the impression, the findings
 * travel as a plain-text presented form. */
static json_t *diagnostic_report(struct request *req, const struct booking *b, const char *exam,
                                 const char *org_name, const char *findings, const char *impression)
{
    char effective[32], issued[32], subject[64], based_on[96], performer[64];
    clock_format_iso(b->starts_at, effective);
    clock_format_iso(clock_now_ms(), issued);
    snprintf(subject, sizeof subject, "Patient/%s", b->patient_id);
    snprintf(based_on, sizeof based_on, "ServiceRequest/%s", b->service_request);
    snprintf(performer, sizeof performer, "Organization/%s", b->slot_org_id);
    json_t *dr =
        json_pack("{s:s, s:[{s:s, s:s}], s:s, s:{s:s}, s:{s:s}, s:s, s:s, s:[{s:s, s:s}], "
                  "s:[{s:s}], s:s}",
                  "resourceType", "DiagnosticReport", "identifier", "system", BOOKING_ID_SYSTEM,
                  "value", b->id, "status", "final", "code", "text", exam, "subject", "reference",
                  subject, "effectiveDateTime", effective, "issued", issued, "performer",
                  "reference", performer, "display", org_name, "resultsInterpreter", "display",
                  req->op.principal.name, "conclusion", impression);
    if (!dr)
        return NULL;
    if (b->service_request[0])
        json_object_set_new(dr, "basedOn", json_pack("[{s:s}]", "reference", based_on));
    static const char *const imaging[] = {"ct",          "mri",        "pet_ct", "mammography",
                                          "angiography", "ultrasound", "xray",   NULL};
    for (const char *const *c = imaging; *c; c++)
        if (strcmp(*c, b->equipment) == 0)
            json_object_set_new(dr, "category",
                                json_pack("[{s:[{s:s, s:s, s:s}]}]", "coding", "system",
                                          SERVICE_SECTION_SYSTEM, "code", "RAD", "display",
                                          "Radiology"));
    if (findings[0])
        json_object_set_new(dr, "presentedForm", findings_form(findings));
    return dr;
}

/* Writes the DiagnosticReport as the reporting physician; out gets its id. */
static bool write_report(struct error *err, struct request *req, const struct booking *b,
                         const char *findings, const char *impression, char *out)
{
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT b.exam, o.name FROM equipment_bookings b "
                                       "JOIN orgs o ON o.id = ? WHERE b.id = ?",
                                       "tt", b->slot_org_id, b->id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    json_t *dr = r == STORE_ROW ? diagnostic_report(req, b, store_text(s, 0), store_text(s, 1),
                                                    findings, impression)
                                : NULL;
    store_done(s);
    if (!dr)
        return r == STORE_FAIL ? false : error_set(err, ERR_INTERNAL, "report of %s", b->id);
    struct fhir_row row;
    bool ok = fhir_put_as_principal(err, req, dr, NULL, NULL, &row);
    if (ok)
        snprintf(out, FHIR_ID_MAX + 1, "%s", row.id);
    return ok;
}

bool bookings_report(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"findings", JV_STRING, false, FINDINGS_MAX, NULL},
        {"impression", JV_STRING, true, IMPRESSION_MAX, NULL},
        {"reason", JV_STRING, false, NOTE_MAX, NULL}, /* of a report before the day */
        {NULL, 0, false, 0, NULL},
    };
    struct booking b;
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *findings = trimmed_field(req, "findings");
    const char *impression = trimmed_field(req, "impression");
    if (!impression[0])
        return error_set(err, ERR_BOOKING_REPORT_INCOMPLETE, "impression");
    if (!step_begin(err, req, "report", &b))
        return false;
    char report_id[FHIR_ID_MAX + 1];
    json_t *report = json_pack("{s:s, s:s}", "findings", findings, "impression", impression);
    char *text = report ? json_dumps(report, JSON_COMPACT) : NULL;
    json_decref(report);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    int64_t now = clock_now_ms();
    bool ok = write_report(err, req, &b, findings, impression, report_id) &&
              store_exec(err, req->op.conn, NULL,
                         "UPDATE equipment_bookings SET status = 'reported', report = ?, "
                         "reported_at = ?, reported_by = ?, fhir_diagnostic_report_id = ?, "
                         "updated_at = ? WHERE id = ?",
                         "tittit", text, now, req->op.principal.user_id, report_id, now, b.id);
    free(text);
    if (!ok || !booking_share_images(err, &req->op, &b))
        return false;
    json_t *detail = json_pack("{s:s}", "diagnostic_report", report_id);
    const char *reason = trimmed_field(req, "reason");
    if (detail && reason[0])
        json_object_set_new(detail, "reason", json_string(reason));
    return step_finish(err, req, &b, "reported", detail, "reported");
}

/* ---- the ordering organisation --------------------------------------------------------------- */

bool bookings_accept_proposal(struct error *err, struct request *req)
{
    struct booking b;
    if (!api_no_fields(err, req) || !step_begin(err, req, "accept_proposal", &b) ||
        !set_status(err, req, &b, "confirmed"))
        return false;
    return step_finish(err, req, &b, "proposal_accepted", json_pack("{s:s}", "slot_id", b.slot_id),
                       NULL);
}

bool bookings_cancel(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_STRING, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct booking b;
    if (!optional_body(err, req, fields) || !step_begin(err, req, "cancel", &b))
        return false;
    const char *reason = req->json ? trimmed_field(req, "reason") : "";
    if (!set_status(err, req, &b, "cancelled") ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE equipment_bookings SET cancel_reason = ? WHERE id = ?", "tt", reason,
                    b.id))
        return false;
    return step_finish(err, req, &b, "cancelled", json_pack("{s:s}", "reason", reason),
                       "cancelled");
}
