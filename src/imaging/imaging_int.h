/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_IMAGING_INT_H
#define TSUNAGU_IMAGING_IMAGING_INT_H

/*
 * The DICOM archive (issue 14): what the files of the imaging module share. Instances are kept
 * as their original bytes in the blob store and indexed in imaging_studies / imaging_series /
 * imaging_instances (migration 017, whose comments name every column). A study is linked to a
 * regional patient through its sending organisation's local id, or waits in that organisation's
 * reconciliation queue; nothing is guessed.
 *
 * One way in: imaging_store_instance (or, for many instances at once, an imaging_batch) is what
 * STOW-RS, the CD/zip import and the C-STORE SCP all call.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"
#include "http/api.h"
#include "http/router.h"
#include "modules/module.h"
#include "op/op.h"

#define ROUTE ROUTE_DECLARE
#include "imaging/routes.def"
#undef ROUTE

/** A DICOM UID: at most 64 characters (PS3.5 §9.1), + NUL. */
#define IMAGING_UID_MAX 64

/* ---- Access: a study is a case of its own kind ----------------------------------------------
 */

/**
 * The study as a case (access_decide_case): its patient (NULL while it waits, "" to access/) and
 * its sending organisation (both parties). The sender may act on what it sent, waiting studies
 * included; anyone else may only read a linked study whose patient it may see (care team with a
 * consent in force, or a record share). A rejected study is not found by anyone (a 404).
 */
extern const struct access_case_kind imaging_study_case;
/** Routes whose first path parameter is a StudyInstanceUID: the router decides (a malformed UID
 *  answers 404 imaging.study_not_found like a hidden study) and names the study's patient for
 *  the audit record (object type "study", object id the UID). */
extern const struct route_locator imaging_study_locator;
#define PAT_STUDY (&imaging_study_locator)

/**
 * The studies a principal may see, as an SQL condition on a study row aliased `st`
 * (imaging_studies st), for QIDO and every list of studies. Bind the access rule's parameters
 * first (access_rule_args_of, access_rule_bind: ?1 organisation, ?2 today, ?3 emergency user,
 * ?4 now), and check access_may_search (or access_search_refusal) before running it:
 *  - the sending organisation sees what it sent, linked or waiting;
 *  - anyone else sees a linked study whose patient is visible to it (ACCESS_VISIBLE_SQL: care
 *    team or a record share, and a consent in force);
 *  - and an organisation holding a share of the study in force (imaging_shares: a referral, a
 *    transfer, a booking report) sees it when a consent in force names it, or without one
 *    through an emergency share (consent_free), as imaging_study_case.sql_shared decides;
 *  - a rejected study is seen by no one (the reconciliation list shows it to its sender).
 * A waiting study of another organisation never matches, so it is never counted either. Series
 * and instances are visible with their study: join them to `st` on study_uid.
 */
#define IMAGING_STUDY_VISIBLE_SQL                                                                  \
    "((st.org_id = ?1 AND st.reconciliation IN ('linked', 'waiting')) OR "                         \
    "(st.reconciliation = 'linked' AND EXISTS (SELECT 1 FROM patients p WHERE "                    \
    "p.id = st.patient_id AND (" ACCESS_VISIBLE_SQL " OR EXISTS (SELECT 1 FROM imaging_shares "    \
    "ish WHERE " IMAGING_SHARE_COND " AND (ish.consent_free = 1 OR " ACCESS_CONSENT_SQL "))))))"

/** A share of study `st` to organisation ?1 in force at ?4 (on `ish`). */
#define IMAGING_SHARE_COND                                                                         \
    "ish.study_uid = st.study_uid AND ish.org_id = ?1 AND ish.ended_at IS NULL AND "               \
    "ish.expires_at > ?4"
/** The id of an emergency share (consent-free) of study `st` to ?1 in force at ?4, or NULL: a
 *  read through it is flagged in its audit record ("emergency image share <id>"). */
#define IMAGING_EMERGENCY_SHARE_SQL                                                                \
    "(SELECT ish.id FROM imaging_shares ish WHERE " IMAGING_SHARE_COND                             \
    " AND ish.consent_free = 1 ORDER BY ish.started_at DESC LIMIT 1)"

/** Tells those registered with imaging_on_linked (imaging.h) that study_uid is now linked to
 *  its patient; in the linking write transaction. */
bool imaging_study_linked(struct error *err, struct op *op, const char *study_uid);

/* ---- Storing instances ------------------------------------------------------------------------
 */

/** What happened to one instance (one STOW part, one file of an import, one C-STORE). */
enum imaging_outcome {
    IMAGING_STORED,    /* new: its bytes are durable and its index rows committed with the op */
    IMAGING_DUPLICATE, /* the same SOP Instance UID with the same bytes was stored before:
                          nothing changed (idempotent) */
    IMAGING_FAILED,    /* refused: nothing of it was stored (failure, code, reason below) */
};

/** The PS3.18 / PS3.4 status codes of a STOW-RS response (FailureReason (0008,1197), WarningReason
 *  (0008,1196)) and of a C-STORE response. */
enum imaging_status {
    IMAGING_STATUS_OK = 0x0000,
    IMAGING_STATUS_PROCESSING_FAILURE =
        0x0110,                        /* e.g. a study of another sender or a rejected one */
    IMAGING_STATUS_DUPLICATE = 0x0111, /* same SOP Instance UID, different content */
    IMAGING_STATUS_SOP_CLASS_NOT_SUPPORTED = 0x0122,
    IMAGING_STATUS_OUT_OF_RESOURCES = 0xA700,
    IMAGING_STATUS_MISMATCH = 0xA900,          /* data set does not match (its study, the URL) */
    IMAGING_STATUS_CANNOT_UNDERSTAND = 0xC000, /* not DICOM, malformed, illegal or missing UIDs */
    IMAGING_STATUS_TS_NOT_SUPPORTED = 0xC122,
    /* warning: stored but its study waits for a patient. No standard WarningReason says so;
       0xB000 (coercion) is the closest, and the reason's text goes with it. */
    IMAGING_STATUS_NOT_LINKED = 0xB000,
};

/** The result for one instance. Strings are NUL-terminated and "" when unknown. */
struct imaging_stored {
    enum imaging_outcome outcome;
    char sop_class_uid[IMAGING_UID_MAX + 1];
    char sop_instance_uid[IMAGING_UID_MAX + 1];
    char study_uid[IMAGING_UID_MAX + 1];
    char series_uid[IMAGING_UID_MAX + 1];
    char transfer_syntax_uid[IMAGING_UID_MAX + 1];
    /** The regional patient of its study, "" while the study waits (or for a duplicate the
     *  caller may not see). */
    char patient_id[UUID_STR_LEN];
    /** Its study waits in the sending organisation's reconciliation queue. */
    bool waiting;
    /** 0, or the FailureReason (IMAGING_FAILED) / WarningReason (stored but not linked:
     *  IMAGING_STATUS_NOT_LINKED) of enum imaging_status. */
    uint16_t status;
    /** Why it failed or was warned about: an error code of errors.def (its Japanese and English
     *  message, for a per-file result) and an English detail naming the tag or offset (for a
     *  FailedSOPSequence and the logs; arena-owned or static). ERR_NONE when stored cleanly. */
    enum error_code code;
    const char *reason;
};

/** Options of a batch (NULL: none). */
struct imaging_store_opts {
    /** Uploaded on this patient's page: a new study is linked to this regional patient (the user
     *  said so; the caller must have decided access to write to it) unless the sender's local id
     *  of PatientID names another patient (then the instance fails, IMAGING_STATUS_MISMATCH). */
    const char *patient_id;
    /** STOW-RS to /dicom-web/studies/{study}: every instance must belong to this study
     *  (IMAGING_STATUS_MISMATCH otherwise). */
    const char *study_uid;
};

/**
 * A batch of instances stored together by one op: each is parsed and checked, its bytes are
 * written to the blob store as it is added (blobs_batch, not yet synced), and the commit makes
 * all their bytes durable in one pass (blobs_batch_sync) before it writes their index rows in
 * op's write transaction. The bytes of every added instance must stay valid until
 * imaging_batch_commit returns; so must the struct imaging_stored each result goes to.
 * Everything lives in op's arena.
 */
struct imaging_batch;

struct imaging_batch *imaging_batch_new(struct error *err, struct op *op,
                                        const struct imaging_store_opts *opts);
/**
 * Parses and checks one instance and writes its bytes (unsynced). bytes is a PS3.10 file: File
 * Meta required (a DIMSE data set must be wrapped in one first), the preamble optional. False when
 * this instance is refused: out says why (outcome IMAGING_FAILED, status, code, reason) and nothing
 * of it is kept; the batch goes on. *fatal (never NULL) is set when the failure is the store's or
 * the file system's rather than the instance's: the caller should then give up the whole op.
 */
bool imaging_batch_add(struct error *err, struct imaging_batch *b, const void *bytes, size_t len,
                       struct imaging_stored *out, bool *fatal);
/**
 * Makes the added instances' bytes durable, then indexes them in op's write transaction (opened
 * here; the caller commits it: the router for a request, op_commit elsewhere). An instance found
 * to conflict only now (a concurrent store of the same UID or study) has its out turned to
 * IMAGING_FAILED (its bytes may stay behind as an unreferenced blob; nothing points to them). False
 * only for a failure of the store or the file system (nothing of the batch is then indexed once the
 * caller rolls back).
 */
bool imaging_batch_commit(struct error *err, struct imaging_batch *b);

/**
 * One instance, alone: imaging_batch_new + add + commit (one fsync pass for its bytes), in op's
 * write transaction, which the caller commits. Returns false when the instance is refused (out
 * says why: a FailedSOPSequence item or a per-file result; nothing stored) or the store fails
 * (err; out->status IMAGING_STATUS_OUT_OF_RESOURCES or PROCESSING_FAILURE; roll back the op).
 * A duplicate (same bytes) is a success with outcome IMAGING_DUPLICATE.
 */
bool imaging_store_instance(struct error *err, struct op *op, const void *bytes, size_t len,
                            struct imaging_stored *out);

/** Whether s is a legal DICOM UID (PS3.5 §9.1: 1–64 characters, digits in dot-separated
 *  components, no leading zero in a component other than "0"). */
bool imaging_uid_valid(const char *s);

/* ---- Reconciliation --------------------------------------------------------------------------
 */

/**
 * Links waiting study study_uid of op's organisation to patient_id, records the organisation's
 * local id for that patient (DICOM PatientID, qualified by IssuerOfPatientID: imaging_local_id)
 * through the patients module so that later studies link by themselves, and audits it, in op's
 * write transaction. ERR_IMAGING_STUDY_NOT_FOUND for a study that is not the organisation's,
 * ERR_IMAGING_NOT_WAITING for one already resolved.
 */
bool imaging_study_assign(struct error *err, struct op *op, const char *study_uid,
                          const char *patient_id);
/** Rejects waiting study study_uid of op's organisation with reason (required). */
bool imaging_study_reject(struct error *err, struct op *op, const char *study_uid,
                          const char *reason);

/**
 * The local id under which an organisation knows the patient of a DICOM file: PatientID alone,
 * or "PatientID^^^IssuerOfPatientID" (HL7 v2 CX with its assigning authority) when the file
 * names an issuer, so that ids of another issuer (a CD from another hospital) never match the
 * organisation's own. In op's arena; NULL when PatientID is empty.
 */
const char *imaging_local_id(struct arena *arena, const char *patient_id, const char *issuer);

/* ---- Inside the store (attrs.c, store.c) -----------------------------------------------------
 */

struct dicom_file;

/** What the index keeps of one instance, read from its data set (attrs.c): UTF-8, trimmed,
 *  control characters replaced, capped in length; "" when absent; in the op's arena. */
struct imaging_attrs {
    const char *sop_class_uid, *sop_instance_uid, *study_uid, *series_uid, *transfer_syntax_uid;
    const char *patient_id, *issuer, *patient_name, *name_groups[3], *name_keys[3];
    const char *birth_date, *sex;
    const char *study_date, *study_time, *accession, *study_id, *study_description, *referring;
    const char *modality, *series_description, *body_part, *series_date, *series_time;
    int64_t series_number, instance_number; /* -1: absent */
    int64_t rows, columns, frames;          /* -1: absent (no pixel data) */
};

/** Reads and checks the attributes of a parsed instance: its UIDs must be present and legal
 *  (ERR_IMAGING_UID_INVALID / ERR_IMAGING_ATTRIBUTE_MISSING naming the tag otherwise). */
bool imaging_attrs_read(struct error *err, struct arena *arena, const struct dicom_file *f,
                        struct imaging_attrs *a);

/**
 * Indexes one instance whose bytes are durable (key, size) in op's write transaction: its study
 * (created, or checked against the instance: same sender, same PatientID and issuer, not
 * rejected; a waiting study is linked once the sender's local id resolves), its series and the
 * instance row. upload_patient: struct imaging_store_opts.patient_id. An instance that does not
 * fit its study is refused in out (and nothing of it written) and true is returned; false only
 * when the store fails.
 */
/** The same checks against the study and series as stored, without writing (before the
 *  instance's bytes are written; imaging_index_instance checks again under the write lock): out
 *  is refused when it does not fit. False only when the store fails. */
bool imaging_index_precheck(struct error *err, struct op *op, const struct imaging_attrs *a,
                            const char *upload_patient, struct imaging_stored *out);
bool imaging_index_instance(struct error *err, struct op *op, const struct imaging_attrs *a,
                            const char *key, size_t size, const char *upload_patient,
                            struct imaging_stored *out);

/** The module's part of the demo region (demo.c): the demo studies and AE titles. */
bool imaging_demo_load(struct error *err, struct op *op);

#endif
