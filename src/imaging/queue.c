/* SPDX-License-Identifier: Apache-2.0 */
/* The reconciliation queue's decisions, taking struct op: a waiting study is assigned to a
 * regional patient (recording the sender's local id, so that later studies link by themselves)
 * or rejected. Only its sending organisation decides; every decision is audited. */
#include <stdio.h>
#include <string.h>

#include "imaging_int.h"
#include "patients/patients.h"

/* The waiting study uid of op's organisation: the patient as its files name it. */
struct waiting {
    const char *patient_id, *issuer, *local; /* local: NULL without a PatientID */
};

static bool waiting_study(struct error *err, struct op *op, const char *uid, struct waiting *w)
{
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT reconciliation, dicom_patient_id, dicom_patient_issuer FROM "
                    "imaging_studies WHERE study_uid = ? AND org_id = ?",
                    "tt", uid, op->principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool waiting = r == STORE_ROW && strcmp(store_text(s, 0), "waiting") == 0;
    if (r == STORE_ROW) {
        w->patient_id = arena_strdup(op->arena, store_text(s, 1));
        w->issuer = arena_strdup(op->arena, store_text(s, 2));
        w->local = imaging_local_id(op->arena, w->patient_id, w->issuer);
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r == STORE_DONE)
        return error_set(err, ERR_IMAGING_STUDY_NOT_FOUND, NULL);
    return waiting || error_set(err, ERR_IMAGING_NOT_WAITING, NULL);
}

/* The organisation's local id names patient_id from now on (or did already). */
static bool local_id_record(struct error *err, struct op *op, const char *local,
                            const char *patient_id)
{
    char known[UUID_STR_LEN];
    bool found;
    if (!patients_local_id_find(err, op->conn, op->principal.org_id, local, known, &found))
        return false;
    if (found)
        return strcmp(known, patient_id) == 0 ||
               error_set(err, ERR_IMAGING_LOCAL_ID_OTHER_PATIENT, "local id %s", local);
    return patients_local_id_insert(err, op, patient_id, op->principal.org_id, local);
}

static bool link_one(struct error *err, struct op *op, const char *uid, const char *patient_id,
                     const char *detail)
{
    int64_t changed = 0;
    return store_exec(err, op->conn, &changed,
                      "UPDATE imaging_studies SET reconciliation = 'linked', patient_id = ?, "
                      "link_method = 'assigned', resolved_by = ?, resolved_at = ?, "
                      "updated_at = ? WHERE study_uid = ? AND reconciliation = 'waiting'",
                      "ttiit", patient_id, op->principal.user_id[0] ? op->principal.user_id : NULL,
                      op->now_ms, op->now_ms, uid) &&
           (changed == 0 ||
            (op_audit(err, op, "imaging.assign", 'U', patient_id, "study", uid, detail) &&
             imaging_study_linked(err, op, uid)));
}

/* The organisation's other waiting studies of the same patient ID follow the decision. */
static bool link_siblings(struct error *err, struct op *op, const char *uid,
                          const struct waiting *w, const char *patient_id)
{
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT study_uid FROM imaging_studies WHERE org_id = ? AND "
                                       "reconciliation = 'waiting' AND dicom_patient_id = ? AND "
                                       "dicom_patient_issuer = ? AND study_uid <> ? LIMIT 1000",
                                       "tttt", op->principal.org_id, w->patient_id, w->issuer, uid);
    if (!s)
        return false;
    const char *uids[1000];
    int n = 0;
    enum store_step_result r;
    while (n < 1000 && (r = store_step(err, s)) == STORE_ROW)
        uids[n++] = arena_strdup(op->arena, store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    for (int i = 0; i < n; i++)
        if (!link_one(err, op, uids[i], patient_id, "linked with a study of the same patient ID"))
            return false;
    return true;
}

bool imaging_study_assign(struct error *err, struct op *op, const char *study_uid,
                          const char *patient_id)
{
    struct waiting w;
    if (!op_write_begin(err, op) || !waiting_study(err, op, study_uid, &w))
        return false;
    if (w.local && !local_id_record(err, op, w.local, patient_id))
        return false;
    const char *detail = w.local ? arena_printf(op->arena, "assigned; local id %s", w.local)
                                 : "assigned; the study has no PatientID";
    return link_one(err, op, study_uid, patient_id, detail) &&
           (!w.local || link_siblings(err, op, study_uid, &w, patient_id));
}

bool imaging_study_reject(struct error *err, struct op *op, const char *study_uid,
                          const char *reason)
{
    struct waiting w;
    if (!reason || !reason[0])
        return error_set(err, ERR_IMAGING_REASON_REQUIRED, "reason");
    if (!op_write_begin(err, op) || !waiting_study(err, op, study_uid, &w))
        return false;
    return store_exec(err, op->conn, NULL,
                      "UPDATE imaging_studies SET reconciliation = 'rejected', reject_reason = ?, "
                      "resolved_by = ?, resolved_at = ?, updated_at = ? WHERE study_uid = ?",
                      "ttiit", reason, op->principal.user_id[0] ? op->principal.user_id : NULL,
                      op->now_ms, op->now_ms, study_uid) &&
           op_audit(err, op, "imaging.reject", 'U', NULL, "study", study_uid, reason);
}
