/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_BOOKING_BOOKING_INT_H
#define TSUNAGU_BOOKING_BOOKING_INT_H

/* Shared use of equipment (共同利用, issue 5): what bookings*.c share. Slots and bookings live in
 * equipment_slots / equipment_bookings (migration 006); every step of a booking appends a
 * booking_events row, notifies the other organisation and publishes topic "booking". */

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "booking/routes.def"
#undef ROUTE
#include "core/ids.h"
#include "fhir/store.h"
#include "http/router.h"
#include "notify/notify.h"

/* Identifies the booking in the FHIR resources written for it. */
#define BOOKING_ID_SYSTEM "https://tsunagu.example.jp/fhir/NamingSystem/equipment-booking"

/** The booking as a case (access_decide_case): its patient, the ordering organisation and the
 *  equipment's owner. */
extern const struct access_case_kind booking_case;
/** Routes whose first path parameter is a booking id. */
extern const struct route_locator booking_locator;
#define PAT_BOOKING (&booking_locator)

/** How long after its slot ends a booking's record share lasts at most (it ends earlier with
 *  the report, a refusal or a cancellation). */
#define BOOKING_SHARE_AFTER_MS (30LL * 24 * 3600 * 1000)

/** A booking as the workflow needs it, read inside the write transaction. */
struct booking {
    char id[UUID_STR_LEN];
    char slot_id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];      /* the ordering organisation */
    char slot_org_id[UUID_STR_LEN]; /* the organisation owning the equipment */
    char status[16];
    char equipment[24];
    int64_t starts_at, ends_at; /* of the slot held now */
    bool record_shared;
    char service_request[FHIR_ID_MAX + 1]; /* FHIR ServiceRequest id, "" if none */
};

/** Parses an RFC 3339 date-time with its offset ("2026-12-01T10:30:00+09:00" or "…Z") into
 *  UTC milliseconds; ERR_FIELD_VALUE naming field otherwise. */
bool booking_time_parse(struct error *err, const char *field, const char *s, int64_t *ms);

/** Whether org_id's directory profile lists equipment with shared_use true. */
bool booking_equipment_shared(struct error *err, struct store_conn *conn, const char *org_id,
                              const char *equipment, bool *shared);

/** The states of a booking that hold its slot (an SQL list, as in the partial unique index of
 *  migration 006): active ones, and reported (the examination took place). */
#define BOOKING_HOLDING_SQL "('requested', 'confirmed', 'proposed', 'reported')"

/** What a step needs to know of a slot that is not withdrawn. */
struct booking_slot {
    char org_id[UUID_STR_LEN];
    char equipment[24];
    int64_t starts_at, ends_at;
};
/** Reads slot slot_id (not withdrawn) into *out; ERR_BOOKING_SLOT_NOT_FOUND when there is none. */
bool booking_slot_load(struct error *err, struct store_conn *conn, const char *slot_id,
                       struct booking_slot *out);

/** Whether a booking holds slot_id (BOOKING_HOLDING_SQL). */
bool booking_slot_held(struct error *err, struct store_conn *conn, const char *slot_id, bool *held);

/** Reads booking id into *b; ERR_BOOKING_NOT_FOUND if there is none. */
bool booking_load(struct error *err, struct store_conn *conn, const char *id, struct booking *b);

/**
 * The end of a step, inside the write transaction: appends the timeline event kind with detail
 * (JSON object, taken; NULL for none), notifies the other organisation of the booking than the
 * caller's (notification kind "booking") and queues topic "booking" {"booking_id","event"} to both
 * organisations and topic "notification" to the notified one, for after the commit.
 */
bool booking_step_done(struct error *err, struct request *req, const struct booking *b,
                       const char *kind, json_t *detail);

/** Writes (creates or updates) the booking's FHIR ServiceRequest from its row; the booking row
 *  gets the resource id when it is new. */
bool booking_sync_service_request(struct error *err, struct request *req, const char *id);

/** The full booking JSON for the caller (slot, patient, order, report, timeline, actions, FHIR
 *  ids); ERR_BOOKING_NOT_FOUND if there is none. */
json_t *booking_json(struct error *err, struct request *req, const char *id);

/** Answers status with the full booking. */
bool booking_respond(struct error *err, struct request *req, int status, const char *id);

/** Whether a profession code may sign a report (physician or dentist). */
bool booking_may_report(const char *profession);

/** Whether an examination's text names contrast medium (造影). */
bool booking_exam_uses_contrast(const char *exam);

/** The checklist org_id set for an examination of equipment (and for contrast when exam uses
 *  it): a new array of strings, or NULL with err set. */
json_t *booking_checklist_for(struct error *err, struct store_conn *conn, const char *org_id,
                              const char *equipment, const char *exam);
/** The booking's answer to that checklist from the request's "checklist" (the ticked items):
 *  [{item, checked}] (new), or NULL (booking.checklist_unknown for an item not on the list). */
json_t *booking_checklist_answer(struct error *err, struct request *req, const char *org_id,
                                 const char *equipment, const char *exam);

/* ---- the images of the examination (images.c) ---------------------------------------------- */

/** An AccessionNumber (at most 16 characters) + NUL. */
#define BOOKING_ACCESSION_LEN 17
/** The AccessionNumber of booking_id, for the modality's worklist: "TB" and 14 hex digits. */
void booking_accession(const char *booking_id, char out[BOOKING_ACCESSION_LEN]);
/** Shares with the ordering organisation the equipment's organisation's studies of the patient
 *  with the booking's AccessionNumber or of the examination's day (at the report, in its write
 *  transaction). */
bool booking_share_images(struct error *err, struct op *op, const struct booking *b);
/** Registers the sharing of studies linked after the report (module init). */
void booking_images_init(void);

/** The module's part of the demo region (demo.c). */
bool booking_demo_load(struct error *err, struct op *op);

/** The steps principal p may take on a booking in status now (a new JSON array, flow.c). */
json_t *booking_actions(const struct principal *p, const char *status, const char *slot_org,
                        const char *ordering_org);
/** Of those, the ones that need a reason now: before the JST day of the slot's start. */
json_t *booking_early_actions(const struct principal *p, const char *status, const char *slot_org,
                              const char *ordering_org, int64_t starts_at);

#endif
