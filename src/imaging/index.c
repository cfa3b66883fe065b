/* SPDX-License-Identifier: Apache-2.0 */
/* The index rows of one instance, in the op's write transaction: its study (created and linked
 * to the patient through the sender's local id, or checked), its series, the instance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imaging_int.h"
#include "patients/patients.h"

const char *imaging_local_id(struct arena *arena, const char *patient_id, const char *issuer)
{
    if (!patient_id || !patient_id[0])
        return NULL;
    if (!issuer || !issuer[0])
        return patient_id;
    return arena_printf(arena, "%s^^^%s", patient_id, issuer);
}

/* What a check of an existing study needs of it. */
struct study_row {
    char org_id[UUID_STR_LEN], patient_id[UUID_STR_LEN];
    char state[16];
    const char *dicom_patient_id, *issuer, *modalities;
};

static bool study_load(struct error *err, struct op *op, const char *uid, struct study_row *st,
                       bool *exists)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT org_id, reconciliation, COALESCE(patient_id, ''), dicom_patient_id, "
        "dicom_patient_issuer, modalities_in_study FROM imaging_studies WHERE study_uid = ?",
        "t", uid);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *exists = r == STORE_ROW;
    if (*exists) {
        snprintf(st->org_id, sizeof(st->org_id), "%s", store_text(s, 0));
        snprintf(st->state, sizeof(st->state), "%s", store_text(s, 1));
        snprintf(st->patient_id, sizeof(st->patient_id), "%s", store_text(s, 2));
        st->dicom_patient_id = arena_strdup(op->arena, store_text(s, 3));
        st->issuer = arena_strdup(op->arena, store_text(s, 4));
        st->modalities = arena_strdup(op->arena, store_text(s, 5));
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* The regional patient of the instance for op's organisation: patient gets it, or "" (the study
 * will wait); *method how. A local id of another patient than the one uploaded to refuses. */
static bool resolve(struct error *err, struct op *op, const struct imaging_attrs *a,
                    const char *upload_patient, char patient[UUID_STR_LEN], const char **method,
                    struct error *refusal)
{
    patient[0] = '\0';
    *method = NULL;
    bool found = false;
    const char *local = imaging_local_id(op->arena, a->patient_id, a->issuer);
    if (local &&
        !patients_local_id_find(err, op->conn, op->principal.org_id, local, patient, &found))
        return false;
    if (upload_patient) {
        if (found && strcmp(patient, upload_patient) != 0) {
            error_set(refusal, ERR_IMAGING_LOCAL_ID_OTHER_PATIENT,
                      "PatientID %s is the local id of another patient", local);
            return true;
        }
        snprintf(patient, UUID_STR_LEN, "%s", upload_patient);
        *method = found ? "local_id" : "upload";
    } else if (found) {
        *method = "local_id";
    } else {
        patient[0] = '\0';
    }
    return true;
}

/* Whether the instance fits the study stored before (refusal set when not). */
static void study_check(const struct study_row *st, const struct op *op,
                        const struct imaging_attrs *a, const char *upload_patient,
                        struct error *refusal, uint16_t *status)
{
    *status = IMAGING_STATUS_MISMATCH;
    if (strcmp(st->org_id, op->principal.org_id) != 0) {
        *status = IMAGING_STATUS_PROCESSING_FAILURE;
        error_set(refusal, ERR_IMAGING_STUDY_MISMATCH,
                  "study %s was stored by another organisation", a->study_uid);
    } else if (strcmp(st->state, "rejected") == 0) {
        *status = IMAGING_STATUS_PROCESSING_FAILURE;
        error_set(refusal, ERR_IMAGING_STUDY_REJECTED, "study %s was rejected", a->study_uid);
    } else if (strcmp(st->dicom_patient_id, a->patient_id) != 0 ||
               strcmp(st->issuer, a->issuer) != 0) {
        error_set(refusal, ERR_IMAGING_STUDY_MISMATCH,
                  "PatientID/IssuerOfPatientID (0010,0020/0021) differ from those of study %s",
                  a->study_uid);
    } else if (upload_patient && st->patient_id[0] && strcmp(st->patient_id, upload_patient)) {
        error_set(refusal, ERR_IMAGING_STUDY_MISMATCH, "study %s belongs to another patient",
                  a->study_uid);
    }
}

static bool study_insert(struct error *err, struct op *op, const struct imaging_attrs *a,
                         const char *patient, const char *method)
{
    return store_exec(
        err, op->conn, NULL,
        "INSERT INTO imaging_studies (study_uid, org_id, reconciliation, patient_id, link_method, "
        "resolved_at, dicom_patient_id, dicom_patient_issuer, patient_name, "
        "patient_name_alphabetic, patient_name_ideographic, patient_name_phonetic, "
        "patient_name_key_alphabetic, patient_name_key_ideographic, patient_name_key_phonetic, "
        "patient_birth_date, patient_sex, study_date, study_time, accession_number, study_id, "
        "study_description, referring_physician, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
        "NULLIF(?6, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "tttttitttttttttttttttttii", a->study_uid, op->principal.org_id,
        patient[0] ? "linked" : "waiting", patient[0] ? patient : NULL, method,
        patient[0] ? op->now_ms : (int64_t)0, a->patient_id, a->issuer, a->patient_name,
        a->name_groups[0], a->name_groups[1], a->name_groups[2], a->name_keys[0], a->name_keys[1],
        a->name_keys[2], a->birth_date, a->sex, a->study_date, a->study_time, a->accession,
        a->study_id, a->study_description, a->referring, op->now_ms, op->now_ms);
}

/* A waiting study whose PatientID has become a local id of the sender is linked now. */
static bool study_link_late(struct error *err, struct op *op, const char *uid, const char *patient,
                            const char *method)
{
    return store_exec(err, op->conn, NULL,
                      "UPDATE imaging_studies SET reconciliation = 'linked', patient_id = ?, "
                      "link_method = ?, resolved_at = ?, updated_at = ? "
                      "WHERE study_uid = ? AND reconciliation = 'waiting'",
                      "ttiit", patient, method, op->now_ms, op->now_ms, uid);
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* modalities ('\'-separated, sorted, distinct) with m added; in the arena. */
static const char *modalities_add(struct arena *arena, const char *modalities, const char *m)
{
    if (!m[0] || strchr(m, '\\'))
        return modalities;
    const char *list[64];
    size_t n = 0;
    char *copy = arena_strdup(arena, modalities);
    for (char *tok = copy, *next; tok && *tok && n < 63; tok = next) {
        next = strchr(tok, '\\');
        if (next)
            *next++ = '\0';
        if (strcmp(tok, m) == 0)
            return modalities;
        list[n++] = tok;
    }
    list[n++] = m;
    qsort(list, n, sizeof(*list), compare_text);
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&sb, "%s%s", i ? "\\" : "", list[i]);
    const char *out = arena_strdup(arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

/* Whether the series exists (*exists); a series of another study refuses. */
static bool series_check(struct error *err, struct op *op, const struct imaging_attrs *a,
                         bool *exists, struct error *refusal)
{
    struct store_stmt *s =
        store_query(err, op->conn, "SELECT study_uid FROM imaging_series WHERE series_uid = ?", "t",
                    a->series_uid);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *exists = r == STORE_ROW;
    if (r == STORE_ROW && strcmp(store_text(s, 0), a->study_uid) != 0)
        error_set(refusal, ERR_IMAGING_STUDY_MISMATCH,
                  "SeriesInstanceUID %s belongs to another study", a->series_uid);
    store_done(s);
    return r != STORE_FAIL;
}

/* The series of the instance: *is_new when created now. */
static bool series_upsert(struct error *err, struct op *op, const struct imaging_attrs *a,
                          bool *is_new, struct error *refusal)
{
    bool exists;
    if (!series_check(err, op, a, &exists, refusal))
        return false;
    *is_new = !exists;
    if (exists || refusal->code != ERR_NONE)
        return true;
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO imaging_series (series_uid, study_uid, modality, series_number, "
                      "series_description, body_part_examined, series_date, series_time, "
                      "created_at) VALUES (?, ?, ?, NULLIF(?4, -1), ?, ?, ?, ?, ?)",
                      "tttitttti", a->series_uid, a->study_uid, a->modality, a->series_number,
                      a->series_description, a->body_part, a->series_date, a->series_time,
                      op->now_ms);
}

static bool instance_insert(struct error *err, struct op *op, const struct imaging_attrs *a,
                            const char *key, size_t size)
{
    return store_exec(
        err, op->conn, NULL,
        "INSERT INTO imaging_instances (sop_instance_uid, series_uid, study_uid, sop_class_uid, "
        "instance_number, transfer_syntax_uid, pixel_rows, pixel_columns, number_of_frames, "
        "blob_key, size_bytes, org_id, created_by, created_at) VALUES (?, ?, ?, ?, "
        "NULLIF(?5, -1), ?, NULLIF(?7, -1), NULLIF(?8, -1), NULLIF(?9, -1), ?, ?, ?, ?, ?)",
        "ttttitiiititti", a->sop_instance_uid, a->series_uid, a->study_uid, a->sop_class_uid,
        a->instance_number, a->transfer_syntax_uid, a->rows, a->columns, a->frames, key,
        (int64_t)size, op->principal.org_id,
        op->principal.user_id[0] ? op->principal.user_id : NULL, op->now_ms);
}

/* The counters of the series and the study, and the study's modalities. */
static bool counts_update(struct error *err, struct op *op, const struct imaging_attrs *a,
                          size_t size, bool new_series, const char *modalities)
{
    return store_exec(err, op->conn, NULL,
                      "UPDATE imaging_series SET number_of_instances = number_of_instances + 1 "
                      "WHERE series_uid = ?",
                      "t", a->series_uid) &&
           store_exec(err, op->conn, NULL,
                      "UPDATE imaging_studies SET number_of_instances = number_of_instances + 1, "
                      "number_of_series = number_of_series + ?, size_bytes = size_bytes + ?, "
                      "modalities_in_study = ?, updated_at = ? WHERE study_uid = ?",
                      "iitit", (int64_t)(new_series ? 1 : 0), (int64_t)size, modalities, op->now_ms,
                      a->study_uid);
}

static bool refused(struct imaging_stored *out, const struct error *e, uint16_t status,
                    struct arena *arena)
{
    out->outcome = IMAGING_FAILED;
    out->status = status;
    out->code = e->code;
    out->reason = arena_strdup(arena, e->detail);
    return true;
}

/* The study of the instance, created or checked; patient gets its regional patient ("" while it
 * waits). */
static bool study_upsert(struct error *err, struct op *op, const struct imaging_attrs *a,
                         const char *upload_patient, char patient[UUID_STR_LEN],
                         const char **modalities, struct error *refusal, uint16_t *status)
{
    struct study_row st;
    bool exists;
    const char *method;
    *status = IMAGING_STATUS_MISMATCH;
    if (!study_load(err, op, a->study_uid, &st, &exists))
        return false;
    if (exists) {
        study_check(&st, op, a, upload_patient, refusal, status);
        if (refusal->code != ERR_NONE)
            return true;
        *modalities = st.modalities;
        snprintf(patient, UUID_STR_LEN, "%s", st.patient_id);
        if (patient[0])
            return true;
    }
    if (!resolve(err, op, a, upload_patient, patient, &method, refusal))
        return false;
    if (refusal->code != ERR_NONE)
        return true;
    if (!exists)
        *modalities = "";
    if (!exists ? !study_insert(err, op, a, patient, method)
                : patient[0] && !study_link_late(err, op, a->study_uid, patient, method))
        return false;
    return !patient[0] || imaging_study_linked(err, op, a->study_uid);
}

bool imaging_index_instance(struct error *err, struct op *op, const struct imaging_attrs *a,
                            const char *key, size_t size, const char *upload_patient,
                            struct imaging_stored *out)
{
    struct error refusal = {0};
    uint16_t status;
    char patient[UUID_STR_LEN];
    const char *modalities = "";
    bool new_series;
    if (!study_upsert(err, op, a, upload_patient, patient, &modalities, &refusal, &status))
        return false;
    if (refusal.code == ERR_NONE && !series_upsert(err, op, a, &new_series, &refusal))
        return false;
    if (refusal.code != ERR_NONE)
        return refused(out, &refusal, status, op->arena);
    if (new_series)
        modalities = modalities_add(op->arena, modalities, a->modality);
    if (!instance_insert(err, op, a, key, size) ||
        !counts_update(err, op, a, size, new_series, modalities))
        return false;
    out->outcome = IMAGING_STORED;
    snprintf(out->patient_id, sizeof(out->patient_id), "%s", patient);
    out->waiting = !patient[0];
    if (out->waiting) {
        out->status = IMAGING_STATUS_NOT_LINKED;
        out->reason = a->patient_id[0]
                          ? arena_printf(op->arena,
                                         "stored; no patient has the local id %s of your "
                                         "organisation: the study waits for reconciliation",
                                         imaging_local_id(op->arena, a->patient_id, a->issuer))
                          : "stored; the file has no PatientID: the study waits for "
                            "reconciliation";
    }
    return true;
}

bool imaging_index_precheck(struct error *err, struct op *op, const struct imaging_attrs *a,
                            const char *upload_patient, struct imaging_stored *out)
{
    struct study_row st;
    bool exists, series_exists;
    struct error refusal = {0};
    uint16_t status = IMAGING_STATUS_MISMATCH;
    if (!study_load(err, op, a->study_uid, &st, &exists))
        return false;
    if (exists)
        study_check(&st, op, a, upload_patient, &refusal, &status);
    if (refusal.code == ERR_NONE && !series_check(err, op, a, &series_exists, &refusal))
        return false;
    if (refusal.code != ERR_NONE)
        refused(out, &refusal, status, op->arena);
    return true;
}
