/* SPDX-License-Identifier: Apache-2.0 */
/* Bookings as JSON: the summary of the lists, the full booking with its timeline and the actions
 * the caller may take, and the read and list handlers. */
#include <string.h>

#include "booking_int.h"
#include "core/clock.h"
#include "imaging/imaging.h"

/* Every booking answer reads these columns (summary: 0–23 and 31; the full booking: all). */
#define BOOKING_SELECT                                                                             \
    "SELECT b.id, b.status, b.patient_id, p.name, p.name_kana, p.birth_date, p.sex, s.id, "        \
    "s.org_id, so.name, s.equipment, s.starts_at, s.ends_at, s.preparation, s.note, b.org_id, "    \
    "bo.name, b.user_id, u.name, b.exam, b.created_at, b.updated_at, b.reported_at, "              \
    "b.clinical_question, b.order_notes, b.previous_slot_id, ps.starts_at, ps.ends_at, "           \
    "b.proposal_note, b.decline_reason, b.cancel_reason, b.report, b.reported_by, ru.name, "       \
    "b.record_shared, b.fhir_service_request_id, b.fhir_diagnostic_report_id, b.checklist "        \
    "FROM equipment_bookings b JOIN patients p ON p.id = b.patient_id "                            \
    "JOIN equipment_slots s ON s.id = b.slot_id JOIN orgs so ON so.id = s.org_id "                 \
    "JOIN orgs bo ON bo.id = b.org_id JOIN users u ON u.id = b.user_id "                           \
    "LEFT JOIN equipment_slots ps ON ps.id = b.previous_slot_id "                                  \
    "LEFT JOIN users ru ON ru.id = b.reported_by "

static json_t *json_column(struct store_stmt *s, int col)
{
    json_t *v = store_is_null(s, col) ? NULL : json_loads(store_text(s, col), 0, NULL);
    return v ? v : json_null();
}

/* The summary of the lists, with the order's question and the report (what each side acts on
 * or waits for), and the caller's actions. */
static json_t *summary_row(struct store_stmt *s)
{
    json_t *patient = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", store_text(s, 2), "name",
                                store_text(s, 3), "name_kana", store_text(s, 4), "birth_date",
                                store_text(s, 5), "sex", store_text(s, 6));
    json_t *slot = json_pack("{s:s, s:o, s:s, s:o, s:o, s:s, s:s}", "id", store_text(s, 7), "org",
                             api_id_name(s, 8, 9), "equipment", store_text(s, 10), "starts_at",
                             api_time_or_null(s, 11), "ends_at", api_time_or_null(s, 12),
                             "preparation", store_text(s, 13), "note", store_text(s, 14));
    char accession[BOOKING_ACCESSION_LEN]; /* for the modality's worklist */
    booking_accession(store_text(s, 0), accession);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "id",
                     store_text(s, 0), "status", store_text(s, 1), "patient", patient, "slot", slot,
                     "ordering_org", api_id_name(s, 15, 16), "ordering_user",
                     api_id_name(s, 17, 18), "exam", store_text(s, 19), "clinical_question",
                     store_text(s, 23), "created_at", api_time_or_null(s, 20), "updated_at",
                     api_time_or_null(s, 21), "reported_at", api_time_or_null(s, 22), "report",
                     json_column(s, 31), "accession_number", accession);
}

/* The caller's actions, those of them that need a reason now (before the slot's day), and the
 * checklist as the booking answered it. */
static void set_actions(json_t *b, struct request *req, struct store_stmt *s)
{
    const struct principal *p = &req->op.principal;
    json_object_set_new(b, "actions",
                        booking_actions(p, store_text(s, 1), store_text(s, 8), store_text(s, 15)));
    json_object_set_new(b, "checklist", json_column(s, 37));
    json_object_set_new(b, "early_actions",
                        booking_early_actions(p, store_text(s, 1), store_text(s, 8),
                                              store_text(s, 15), store_int(s, 11)));
}

/* The full booking's own columns, added to its summary. */
static void add_details(json_t *b, struct store_stmt *s)
{
    json_t *previous = store_is_null(s, 25)
                           ? json_null()
                           : json_pack("{s:s, s:o, s:o}", "id", store_text(s, 25), "starts_at",
                                       api_time_or_null(s, 26), "ends_at", api_time_or_null(s, 27));
    json_object_set_new(b, "order_notes", json_string(store_text(s, 24)));
    json_object_set_new(b, "previous_slot", previous);
    json_object_set_new(b, "proposal_note", api_text_or_null(s, 28));
    json_object_set_new(b, "decline_reason", api_text_or_null(s, 29));
    json_object_set_new(b, "cancel_reason", api_text_or_null(s, 30));
    json_object_set_new(b, "reported_by", api_id_name(s, 32, 33));
    json_object_set_new(b, "record_shared", json_boolean(store_int(s, 34)));
    json_object_set_new(b, "fhir",
                        json_pack("{s:o, s:o}", "service_request", api_text_or_null(s, 35),
                                  "diagnostic_report", api_text_or_null(s, 36)));
}

json_t *booking_json(struct error *err, struct request *req, const char *id)
{
    struct store_stmt *s = store_query(err, req->op.conn, BOOKING_SELECT "WHERE b.id = ?", "t", id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *b = NULL;
    if (r == STORE_ROW) {
        b = summary_row(s);
        add_details(b, s);
        set_actions(b, req, s);
    }
    store_done(s);
    if (!b) {
        if (r != STORE_FAIL)
            error_set(err, ERR_BOOKING_NOT_FOUND, NULL);
        return NULL;
    }
    json_t *events = notify_timeline(err, req->op.conn, &booking_case, id);
    if (!events) {
        json_decref(b);
        return NULL;
    }
    json_object_set_new(b, "timeline", events);
    /* the studies shared back with the report */
    json_t *studies = imaging_shares_of(err, &req->op, IMAGING_SHARE_BOOKING, id);
    if (!studies) {
        json_decref(b);
        return NULL;
    }
    json_object_set_new(b, "shared_studies", studies);
    return b;
}

bool bookings_read(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    return booking_respond(err, req, 200, request_param(req, 0));
}

/* ---- lists ----------------------------------------------------------------------------------- */

static const char *const statuses[] = {"requested", "confirmed", "proposed", "declined",
                                       "cancelled", "reported",  NULL};

static bool status_known(const char *status)
{
    for (const char *const *s = statuses; *s; s++)
        if (strcmp(*s, status) == 0)
            return true;
    return false;
}

/* Runs a list query (its last two parameters limit+1 and offset), auditing each patient shown. */
static bool respond_page(struct error *err, struct request *req, const char *event,
                         struct store_stmt *s, int64_t limit, int64_t offset, json_t *extra)
{
    json_t *items = s ? json_array() : NULL;
    enum store_step_result r = STORE_FAIL;
    while (s && (r = store_step(err, s)) == STORE_ROW && json_array_size(items) < (size_t)limit) {
        json_t *item = summary_row(s);
        set_actions(item, req, s);
        json_array_append_new(items, item);
        op_audit_read(&req->op, event, AUDIT_SUCCESS, store_text(s, 2), "booking", store_text(s, 0),
                      "listed");
    }
    bool more = r == STORE_ROW;
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        json_decref(extra);
        return false;
    }
    json_t *body = request_page_body(req, items, offset, limit, more);
    if (extra)
        json_object_update(body, extra);
    json_decref(extra);
    response_json(req, 200, body);
    return true;
}

/* How many bookings of the box are in each state. */
static json_t *box_counts(struct error *err, struct request *req, bool received)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        received ? "SELECT b.status, COUNT(*) FROM equipment_bookings b JOIN equipment_slots s "
                   "ON s.id = b.slot_id WHERE s.org_id = ? GROUP BY b.status"
                 : "SELECT status, COUNT(*) FROM equipment_bookings WHERE org_id = ? "
                   "GROUP BY status",
        "t", req->op.principal.org_id);
    return api_counts(err, s, statuses);
}

bool bookings_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"box", "status", "limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_require_org(err, req) ||
        !request_page(err, req, &limit, &offset))
        return false;
    const char *box = request_query(req, "box"), *status = request_query(req, "status");
    if (box && strcmp(box, "ordered") != 0 && strcmp(box, "received") != 0)
        return error_set(err, ERR_BAD_QUERY, "box: ordered or received");
    if (status && !status_known(status))
        return error_set(err, ERR_BAD_QUERY, "status: unknown");
    bool received = box && strcmp(box, "received") == 0;
    json_t *counts = box_counts(err, req, received);
    if (!counts)
        return false;
    struct store_stmt *s = store_query(
        err, req->op.conn,
        received
            ? BOOKING_SELECT "WHERE s.org_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR b.status = ?2) "
                             "ORDER BY b.updated_at DESC, b.id LIMIT ?3 OFFSET ?4"
            : BOOKING_SELECT "WHERE b.org_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR b.status = ?2) "
                             "ORDER BY b.updated_at DESC, b.id LIMIT ?3 OFFSET ?4",
        "ttii", req->op.principal.org_id, status, limit + 1, offset);
    req->audit_detail = arena_printf(req->op.arena, "box=%s", received ? "received" : "ordered");
    return respond_page(err, req, "bookings_list", s, limit, offset,
                        json_pack("{s:o}", "counts", counts));
}

bool bookings_patient_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset))
        return false;
    struct store_stmt *s = store_query(err, req->op.conn,
                                       BOOKING_SELECT "WHERE b.patient_id = ? "
                                                      "ORDER BY b.updated_at DESC, b.id "
                                                      "LIMIT ? OFFSET ?",
                                       "tii", req->patient_id, limit + 1, offset);
    return respond_page(err, req, "bookings_patient_list", s, limit, offset, NULL);
}
