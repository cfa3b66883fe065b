/* SPDX-License-Identifier: Apache-2.0 */
/* Shares of studies (imaging.h): attaching a study to another feature's case, opening it to the
 * case's receiving organisation, ending the shares with the case, and the registry of those who
 * hear of newly linked studies. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "imaging.h"
#include "imaging_int.h"

#define BRIEF_COLUMNS                                                                              \
    "st.study_uid, st.study_date, st.modalities_in_study, st.study_description, st.org_id, "       \
    "o.name, st.number_of_instances"

/* YYYYMMDD as YYYY-MM-DD, else "". */
static json_t *brief_date(const char *d)
{
    if (!d || strlen(d) != 8)
        return json_string("");
    return json_sprintf("%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

/* 'CT\MR' as "CT/MR". */
static json_t *brief_modality(const char *m)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", m ? m : "");
    for (char *c = buf; *c; c++)
        if (*c == '\\')
            *c = '/';
    return json_string(buf);
}

/* The brief of the study in columns 0–6 (BRIEF_COLUMNS). */
static json_t *brief_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:I}", "study_uid", store_text(s, 0), "date",
                     brief_date(store_text(s, 1)), "modality", brief_modality(store_text(s, 2)),
                     "description", store_text(s, 3), "org_id", store_text(s, 4), "org_name",
                     store_text(s, 5), "number_of_instances", (json_int_t)store_int(s, 6));
}

json_t *imaging_study_attachable(struct error *err, struct op *op, const char *patient_id,
                                 const char *study_uid)
{
    if (!imaging_uid_valid(study_uid))
        return error_set(err, ERR_IMAGING_STUDY_NOT_ATTACHABLE, "malformed UID"), NULL;
    char patient[UUID_STR_LEN];
    struct access_decision d;
    if (!access_decide_case(err, op->conn, &op->principal, &imaging_study_case, study_uid,
                            ACCESS_READ, &d, patient))
        return NULL;
    /* what one sees only through an emergency share is not passed on */
    if (!d.allow || d.emergency_share || strcmp(patient, patient_id) != 0)
        return error_set(err, ERR_IMAGING_STUDY_NOT_ATTACHABLE, "%s", study_uid), NULL;
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT " BRIEF_COLUMNS " FROM imaging_studies st "
                                       "JOIN orgs o ON o.id = st.org_id WHERE st.study_uid = ? "
                                       "AND st.reconciliation = 'linked'",
                                       "t", study_uid);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *out = r == STORE_ROW ? brief_row(s) : NULL;
    store_done(s);
    if (r == STORE_DONE)
        error_set(err, ERR_IMAGING_STUDY_NOT_ATTACHABLE, "%s", study_uid);
    return out;
}

bool imaging_share_start(struct error *err, struct op *op, const char *study_uid,
                         const char *patient_id, const char *org_id, const char *kind,
                         const char *source_id, bool consent_free, const char *reason,
                         int64_t expires_at)
{
    if (consent_free && (!reason || !reason[0]))
        return error_set(err, ERR_INTERNAL, "an emergency share needs a reason");
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT 1 FROM imaging_shares WHERE study_uid = ? AND "
                                       "org_id = ? AND source_kind = ? AND source_id = ? AND "
                                       "ended_at IS NULL",
                                       "tttt", study_uid, org_id, kind, source_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r != STORE_DONE)
        return r == STORE_ROW;
    char id[UUID_STR_LEN];
    ids_uuid_new(id);
    const char *user = op->principal.user_id[0] ? op->principal.user_id : NULL;
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO imaging_shares (id, study_uid, patient_id, org_id, source_kind, "
                      "source_id, consent_free, reason, started_at, expires_at, created_by) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttttttitiit", id, study_uid, patient_id, org_id, kind, source_id,
                      (int64_t)consent_free, consent_free ? reason : NULL, op->now_ms, expires_at,
                      user) &&
           op_audit(err, op, "imaging.share", 'C', patient_id, "study", study_uid,
                    arena_printf(op->arena, "%s %s to %s%s", kind, source_id, org_id,
                                 consent_free ? "; emergency share without consent" : ""));
}

bool imaging_share_end(struct error *err, struct op *op, const char *kind, const char *source_id,
                       const char *reason, int *ended)
{
    int64_t changed = 0;
    if (!store_exec(err, op->conn, &changed,
                    "UPDATE imaging_shares SET ended_at = ?, end_reason = ? "
                    "WHERE source_kind = ? AND source_id = ? AND ended_at IS NULL",
                    "ittt", op->now_ms, reason, kind, source_id))
        return false;
    if (ended)
        *ended = (int)changed;
    return true;
}

static json_t *share_row(struct store_stmt *s)
{
    json_t *out = brief_row(s);
    json_object_set_new(out, "shared_at", api_time_or_null(s, 7));
    json_object_set_new(out, "expires_at", api_time_or_null(s, 8));
    json_object_set_new(out, "ended_at", api_time_or_null(s, 9));
    json_object_set_new(out, "consent_free", json_boolean(store_int(s, 10)));
    json_object_set_new(out, "active", json_boolean(store_int(s, 11)));
    return out;
}

json_t *imaging_shares_of(struct error *err, struct op *op, const char *kind, const char *source_id)
{
    /* one row per study: its latest share for the case */
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT " BRIEF_COLUMNS ", sh.started_at, sh.expires_at, sh.ended_at, sh.consent_free, "
        "(sh.ended_at IS NULL AND sh.expires_at > ?3) FROM imaging_shares sh "
        "JOIN imaging_studies st ON st.study_uid = sh.study_uid JOIN orgs o ON o.id = st.org_id "
        "WHERE sh.source_kind = ?1 AND sh.source_id = ?2 AND st.reconciliation = 'linked' "
        "AND sh.started_at = (SELECT MAX(s2.started_at) FROM imaging_shares s2 WHERE "
        "s2.study_uid = sh.study_uid AND s2.source_kind = ?1 AND s2.source_id = ?2) "
        "ORDER BY st.study_date DESC, st.study_time DESC, st.study_uid LIMIT 100",
        "tti", kind, source_id, op->now_ms);
    return api_rows(err, s, share_row);
}

/* The first column of every row of s as an array of strings (s done; NULL on failure). */
static json_t *uid_column(struct error *err, struct store_stmt *s)
{
    if (!s)
        return NULL;
    json_t *out = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(out, json_string(store_text(s, 0)));
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(out);
        return NULL;
    }
    return out;
}

json_t *imaging_studies_visible(struct error *err, struct op *op, const char *patient_id)
{
    struct access_rule_args a;
    access_rule_args_of(&op->principal, &a);
    return uid_column(
        err,
        store_query(
            err, op->conn,
            "SELECT st.study_uid FROM imaging_studies st WHERE "
            "st.patient_id = ?5 AND st.reconciliation = 'linked' AND " IMAGING_STUDY_VISIBLE_SQL
            " ORDER BY st.study_date DESC, "
            "st.study_uid LIMIT 100",
            "tttit", a.org_id, a.today, a.user_id, a.now_ms, patient_id));
}

json_t *imaging_studies_matching(struct error *err, struct op *op, const char *org_id,
                                 const char *patient_id, const char *accession,
                                 const char *study_date)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT study_uid FROM imaging_studies WHERE org_id = ?1 AND patient_id = ?2 AND "
        "reconciliation = 'linked' AND ((?3 <> '' AND accession_number = ?3) OR "
        "(?4 <> '' AND study_date = ?4)) ORDER BY study_date, study_time, study_uid LIMIT 100",
        "tttt", org_id, patient_id, accession, study_date);
    return uid_column(err, s);
}

/* ---- hearing of linked studies --------------------------------------------------------------
 */

enum { LINKED_MAX = 8 };
static imaging_linked_fn linked_fns[LINKED_MAX];
static int linked_count;

void imaging_on_linked(imaging_linked_fn fn)
{
    for (int i = 0; i < linked_count; i++)
        if (linked_fns[i] == fn)
            return;
    if (linked_count < LINKED_MAX)
        linked_fns[linked_count++] = fn;
}

bool imaging_study_linked(struct error *err, struct op *op, const char *study_uid)
{
    if (linked_count == 0)
        return true;
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT patient_id, org_id, accession_number, study_date "
                                       "FROM imaging_studies WHERE study_uid = ? AND "
                                       "reconciliation = 'linked'",
                                       "t", study_uid);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    struct imaging_linked_study st = {study_uid, NULL, NULL, NULL, NULL};
    if (r == STORE_ROW) {
        st.patient_id = arena_strdup(op->arena, store_text(s, 0));
        st.org_id = arena_strdup(op->arena, store_text(s, 1));
        st.accession = arena_strdup(op->arena, store_text(s, 2));
        st.study_date = arena_strdup(op->arena, store_text(s, 3));
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_DONE;
    for (int i = 0; i < linked_count; i++)
        if (!linked_fns[i](err, op, &st))
            return false;
    return true;
}
