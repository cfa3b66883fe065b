/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_IMAGING_H
#define TSUNAGU_IMAGING_IMAGING_H

/*
 * What other features use of the archive: attaching studies to their cases and sharing them
 * with another organisation (issue 15, "images before the patient arrives"), and hearing of a
 * study newly linked to a patient. A share is one row of imaging_shares (migration 032); the
 * access rule reads it through the study's case kind (imaging_study_case.sql_shared) and the
 * archive's searches (IMAGING_STUDY_VISIBLE_SQL), never by hand.
 */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/errors.h"
#include "op/op.h"

/** The kinds of case a study is shared for (imaging_shares.source_kind). */
#define IMAGING_SHARE_REFERRAL "referral"
#define IMAGING_SHARE_TRANSFER "transfer"
#define IMAGING_SHARE_BOOKING "booking"

/**
 * Checks that op's principal may read study_uid (the study's access rule, never through an
 * emergency share) and that it is a linked study of patient_id, and returns what a case shows of
 * it (a new object: study_uid, date YYYY-MM-DD or "", modality e.g. "CT" or "CT/MR",
 * description, org_id, org_name, number_of_instances), or NULL with err set: a malformed UID, a
 * study of another patient or one the principal may not see answer imaging.study_not_attachable
 * (422) alike, and nothing is changed.
 */
json_t *imaging_study_attachable(struct error *err, struct op *op, const char *patient_id,
                                 const char *study_uid);

/**
 * Shares study_uid of patient_id with org_id for case source_id of kind (IMAGING_SHARE_*) from
 * op->now_ms until expires_at. consent_free marks an emergency share that opens the study
 * without a consent naming org_id; it needs reason. A share already open for the same study,
 * organisation and case is left as it is. Call inside the case's write transaction.
 */
bool imaging_share_start(struct error *err, struct op *op, const char *study_uid,
                         const char *patient_id, const char *org_id, const char *kind,
                         const char *source_id, bool consent_free, const char *reason,
                         int64_t expires_at);

/** Ends every open share of case source_id of kind with reason at op->now_ms; *ended (if not
 *  NULL) gets how many. Call inside the case's write transaction. */
bool imaging_share_end(struct error *err, struct op *op, const char *kind, const char *source_id,
                       const char *reason, int *ended);

/**
 * The studies shared for case source_id of kind (a new array, NULL with err set), each as
 * imaging_study_attachable describes it, with shared_at, expires_at, ended_at, consent_free and
 * active (in force now). The caller has decided access to the case.
 */
json_t *imaging_shares_of(struct error *err, struct op *op, const char *kind,
                          const char *source_id);

/** The UIDs of the linked studies of patient_id that op's principal may see (the archive's
 *  rule, IMAGING_STUDY_VISIBLE_SQL), newest first, at most 100: a new array, or NULL with err. */
json_t *imaging_studies_visible(struct error *err, struct op *op, const char *patient_id);

/**
 * The linked studies of patient_id sent by org_id whose AccessionNumber is accession (when not
 * "") or whose StudyDate is study_date (YYYYMMDD): a new array of their UIDs (at most 100), or
 * NULL with err set. For a feature that links its cases to the studies made for them.
 */
json_t *imaging_studies_matching(struct error *err, struct op *op, const char *org_id,
                                 const char *patient_id, const char *accession,
                                 const char *study_date);

/** A study that has just been linked to a patient (stored linked, or linked later). */
struct imaging_linked_study {
    const char *study_uid, *patient_id, *org_id; /* org_id: its sending organisation */
    const char *accession;                       /* AccessionNumber, "" when none */
    const char *study_date;                      /* StudyDate YYYYMMDD, "" when unknown */
};
/** Called in the linking write transaction; false (with err) fails the storing. */
typedef bool (*imaging_linked_fn)(struct error *err, struct op *op,
                                  const struct imaging_linked_study *study);
/** Registers fn to hear of each study linked to a patient (at start-up, before serving; at most
 *  8). A feature that shares studies of its cases as they arrive registers here, so that the
 *  archive needs to know no feature by name. */
void imaging_on_linked(imaging_linked_fn fn);

#endif
