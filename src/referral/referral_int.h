/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_REFERRAL_REFERRAL_INT_H
#define TSUNAGU_REFERRAL_REFERRAL_INT_H

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "referral/routes.def"
#undef ROUTE
#include "fhir/store.h"
#include "http/router.h"
#include "notify/notify.h"

/** The referral as a case (access_decide_case): its patient, sender and receiver. */
extern const struct access_case_kind referral_case;
/** Routes whose first path parameter is a referral id. */
extern const struct route_locator referral_locator;
#define PAT_REFERRAL (&referral_locator)

/* Code lists of referrals (referral_codes.c) with their labels, and NULL-terminated code arrays
 * for jsonv "allowed". */
extern const struct code_label referral_purposes[];
extern const struct code_label referral_urgencies[];
extern const struct code_label referral_statuses[];
extern const struct code_label referral_action_labels[];
extern const struct code_label referral_event_labels[];
extern const char *const referral_purpose_codes[];
extern const char *const referral_urgency_codes[];
extern const char *const referral_status_codes[];

/* ---- the stored referral (referral_store.c) ------------------------------------------------ */

/** The columns of a referral the workflow needs (referral_load); strings live in the request's
 *  arena. */
struct referral_row {
    const char *id, *kind, *status, *patient_id, *parent_id; /* parent_id NULL when none */
    const char *from_org, *from_user, *to_org, *to_department, *urgency, *purpose;
    const char *letter; /* JSON text */
    const char *reply;  /* JSON text, or NULL */
    const char *sr_id, *task_id, *composition_id;
    const char *decline_reason;                            /* or NULL */
    int64_t signed_at, sent_at, updated_at, scheduled_for; /* scheduled_for 0: none */
};

/** Loads referral id (ERR_REFERRAL_NOT_FOUND when absent). */
bool referral_load(struct error *err, struct request *req, const char *id,
                   struct referral_row *out);

/** What a new referral is made of; the letter is checked already (referral_letter_check). */
struct referral_new {
    const char *kind;      /* "referral" or "reverse" */
    const char *parent_id; /* the redirected or answered referral, or NULL */
    const char *patient_id;
    const char *to_org_id, *to_department, *urgency, *purpose;
    json_t *letter;          /* borrowed; record_shared and share_expires_at are set here */
    const char *idem_key;    /* Idempotency-Key, or NULL */
    const char *request_sha; /* digest of the creating request, with idem_key */
    const char *first_event; /* "sent" or "reverse_sent" */
    json_t *first_detail;    /* detail of that event (taken), or NULL */
    const char *replaces_sr; /* a redirect: the ServiceRequest it replaces, or NULL */
};

/**
 * Signs and sends a new referral from the principal's organisation, in the open write
 * transaction: checks the target (referral.target_invalid, referral.department_not_accepted),
 * opens the record share where consent allows, stores the row, its first event and the FHIR
 * resources, and notifies the receiver. id receives the new referral's id.
 */
bool referral_insert(struct error *err, struct request *req, const struct referral_new *n,
                     char id[UUID_STR_LEN]);

/** Appends an event to the referral's timeline (detail taken, NULL for {}). */
bool referral_event(struct error *err, struct request *req, const char *rid, const char *kind,
                    json_t *detail);

/** Notifies org_id of event on referral r (a notifications row of kind "referral" and the
 *  "notification" topic), and publishes the "referral" topic to both parties; after commit. */
bool referral_notify(struct error *err, struct request *req, const struct referral_row *r,
                     const char *event, const char *org_id);

/** Whether a profession may sign referral letters and replies (physician or dentist). */
bool referral_may_sign(const char *profession);

/* ---- idempotent creation (referrals.c) ------------------------------------------------------ */

/**
 * Reads the Idempotency-Key header (*key NULL when absent; referral.idempotency_key when
 * malformed) and the digest of this request (method, path and canonical body) into sha.
 */
bool referral_idem_begin(struct error *err, struct request *req, const char **key,
                         char sha[SHA256_HEX_LEN]);
/**
 * In the write transaction: whether this user already made a referral with key. found receives
 * its id ("" when none); a key used with another request fails with
 * referral.idempotency_conflict.
 */
bool referral_idem_find(struct error *err, struct request *req, const char *key, const char *sha,
                        char found[UUID_STR_LEN]);

/** Answers status with the full REFERRAL of id. */
bool referral_respond(struct error *err, struct request *req, const char *id, int status);

/* ---- the letter and the reply (referral_letter.c) ------------------------------------------- */

/**
 * Checks a LETTER object (types, lengths, attached documents of this patient) and returns a
 * normalised copy with every part present (a new reference), or NULL with err set. The purpose
 * text must not be blank (referral.letter_incomplete).
 */
json_t *referral_letter_check(struct error *err, struct request *req, const char *patient_id,
                              const json_t *letter);
/** Checks a REPLY object and returns a normalised copy, or NULL (referral.reply_empty when every
 *  part is blank). */
json_t *referral_reply_check(struct error *err, struct request *req, const json_t *reply);
/** Canonical JSON text (sorted keys, compact) of j in the arena. */
const char *referral_canonical(struct request *req, const json_t *j);

/* ---- JSON answers (referral_json.c) --------------------------------------------------------- */

/** The columns of REFERRAL_SUMMARY for referral_summary_row; append WHERE on r. */
#define REFERRAL_SUMMARY_SELECT                                                                    \
    "SELECT r.id, r.kind, r.status, r.urgency, r.purpose, p.id, p.name, p.name_kana, "             \
    "p.birth_date, p.sex, fo.id, fo.name, fu.id, fu.name, t.id, t.name, r.to_department, "         \
    "r.sent_at, r.updated_at, r.scheduled_for FROM referrals r "                                   \
    "JOIN patients p ON p.id = r.patient_id JOIN orgs fo ON fo.id = r.from_org_id "                \
    "JOIN users fu ON fu.id = r.from_user_id JOIN orgs t ON t.id = r.to_org_id "
json_t *referral_summary_row(struct store_stmt *s);
/** The FHIR Communication id of the reply event whose detail (JSON) is column col, or JSON
 *  null (new reference). */
json_t *referral_reply_communication(struct store_stmt *s, int col);
/** The full REFERRAL of id as the principal sees it (actions are the principal's). */
json_t *referral_json(struct error *err, struct request *req, const char *id);

/* ---- the workflow (referral_flow.c) --------------------------------------------------------- */

/** The actions the principal may take now on a referral of kind in status between from_org and
 *  to_org (a new array). */
json_t *referral_actions(const struct principal *p, const char *kind, const char *status,
                         const char *from_org, const char *to_org);
/** Of those, the ones that need a reason now: before the JST day of appointment_at (0: none). */
json_t *referral_early_actions(const struct principal *p, const char *kind, const char *status,
                               const char *from_org, const char *to_org, int64_t appointment_at);

/* ---- FHIR projection (referral_fhir.c) ------------------------------------------------------ */

/** Writes the Composition (letter), ServiceRequest and Task of a new referral under the ids in
 *  r (sr_id, task_id, composition_id); replaces_sr names a replaced ServiceRequest or NULL. */
bool referral_fhir_create(struct error *err, struct request *req, const struct referral_row *r,
                          const char *replaces_sr);
/** Brings the Task (and the ServiceRequest when its status changes) up to r's status. */
bool referral_fhir_step(struct error *err, struct request *req, const struct referral_row *r,
                        const char *old_status);
/** The Composition sections of a letter: one per non-empty part (referral_fhir_text.c). */
json_t *referral_fhir_sections(const json_t *letter);
/** The Communication payload of a reply: one contentString per non-empty part. */
json_t *referral_fhir_reply_payload(const json_t *reply);
/** Writes the reply of r as a Communication; id receives its id. */
bool referral_fhir_reply(struct error *err, struct request *req, const struct referral_row *r,
                         const json_t *reply, char id[UUID_STR_LEN]);

/** The module's part of the demo region (demo.c). */
bool referral_demo_load(struct error *err, struct op *op);

#endif
