/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON API of the archive: the reconciliation queue (its list, assign, reject) and the
 * patient page's list of studies. Dates go out as YYYY-MM-DD. */
#include <string.h>

#include "core/jsonv.h"
#include "imaging_int.h"

/* A DICOM DA column (YYYYMMDD) as "YYYY-MM-DD", or null. */
static json_t *iso_date(struct store_stmt *s, int col)
{
    const char *d = store_text(s, col);
    if (!d || strlen(d) != 8)
        return json_null();
    return json_sprintf("%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

/* ModalitiesInStudy ('\'-separated) as an array. */
static json_t *modalities(struct store_stmt *s, int col)
{
    json_t *out = json_array();
    const char *p = store_text(s, col);
    while (p && *p) {
        size_t n = strcspn(p, "\\");
        json_array_append_new(out, json_stringn(p, n));
        p += n + (p[n] == '\\');
    }
    return out;
}

#define QUEUE_COLUMNS                                                                              \
    "st.study_uid, st.reconciliation, st.dicom_patient_id, st.dicom_patient_issuer, "              \
    "st.patient_name, st.patient_name_alphabetic, st.patient_name_ideographic, "                   \
    "st.patient_name_phonetic, st.patient_birth_date, st.patient_sex, st.study_date, "             \
    "st.study_time, st.accession_number, st.study_description, st.modalities_in_study, "           \
    "st.number_of_series, st.number_of_instances, st.created_at, st.reject_reason, "               \
    "st.resolved_at, st.resolved_by, u.name"

static json_t *queue_row(struct store_stmt *s)
{
    json_t *patient =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "patient_id", store_text(s, 2),
                  "issuer", store_text(s, 3), "name", store_text(s, 4), "name_alphabetic",
                  store_text(s, 5), "name_ideographic", store_text(s, 6), "name_phonetic",
                  store_text(s, 7), "birth_date", iso_date(s, 8), "sex", store_text(s, 9));
    return json_pack(
        "{s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:o}", "study_uid",
        store_text(s, 0), "state", store_text(s, 1), "dicom_patient", patient, "study_date",
        iso_date(s, 10), "study_time", store_text(s, 11), "accession_number", store_text(s, 12),
        "description", store_text(s, 13), "modalities", modalities(s, 14), "number_of_series",
        (json_int_t)store_int(s, 15), "number_of_instances", (json_int_t)store_int(s, 16),
        "received_at", api_time_or_null(s, 17), "reject_reason", api_text_or_null(s, 18),
        "resolved_at", api_time_or_null(s, 19), "resolved_by", api_id_name(s, 20, 21));
}

bool imaging_queue_list(struct error *err, struct request *req)
{
    static const char *const query[] = {"state", "limit", "cursor", NULL};
    int64_t limit, offset;
    enum error_code refusal = access_search_refusal(&req->op.principal);
    if (refusal != ERR_NONE)
        return error_set(err, refusal, "the reconciliation queue of one's organisation");
    if (!request_query_check(err, req, query) || !request_page(err, req, &limit, &offset))
        return false;
    const char *state = request_query(req, "state");
    if (!state)
        state = "waiting";
    if (strcmp(state, "waiting") != 0 && strcmp(state, "rejected") != 0)
        return error_set(err, ERR_BAD_QUERY, "state: waiting or rejected");
    json_t *items =
        api_rows(err,
                 store_query(err, req->op.conn,
                             "SELECT " QUEUE_COLUMNS " FROM imaging_studies st "
                             "LEFT JOIN users u ON u.id = st.resolved_by "
                             "WHERE st.org_id = ? AND st.reconciliation = ? "
                             "ORDER BY st.created_at DESC, st.study_uid LIMIT ? OFFSET ?",
                             "ttii", req->op.principal.org_id, state, limit + 1, offset),
                 queue_row);
    return request_respond_page(req, items, offset, limit);
}

bool imaging_study_assign_route(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"patient_id", JV_UUID, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *patient = jsonv_str(req->json, "patient_id");
    struct access_decision d;
    if (!access_decide_link(err, req->op.conn, &req->op.principal, patient, false, &d))
        return false;
    if (!d.allow)
        return error_set(err, ERR_PATIENT_NOT_FOUND, "%s", d.reason);
    if (!imaging_study_assign(err, &req->op, req->object_id, patient))
        return false;
    req->patient_id = arena_strdup(req->op.arena, patient);
    response_json(req, 200,
                  json_pack("{s:s, s:s, s:s}", "study_uid", req->object_id, "state", "linked",
                            "patient_id", patient));
    return true;
}

bool imaging_study_reject_route(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_TEXT, true, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    if (!imaging_study_reject(err, &req->op, req->object_id, reason))
        return false;
    response_json(req, 200,
                  json_pack("{s:s, s:s, s:s}", "study_uid", req->object_id, "state", "rejected",
                            "reject_reason", reason));
    return true;
}

static json_t *patient_study_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:s, s:o, s:s, s:s, s:o, s:I, s:I, s:o}", "study_uid",
                     store_text(s, 0), "study_date", iso_date(s, 1), "study_time", store_text(s, 2),
                     "modalities", modalities(s, 3), "description", store_text(s, 4),
                     "accession_number", store_text(s, 5), "org", api_id_name(s, 6, 7),
                     "number_of_series", (json_int_t)store_int(s, 8), "number_of_instances",
                     (json_int_t)store_int(s, 9), "received_at", api_time_or_null(s, 10));
}

bool imaging_patient_studies(struct error *err, struct request *req)
{
    static const char *const query[] = {"limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, query) || !request_page(err, req, &limit, &offset))
        return false;
    /* The router decided that the caller sees the patient, so every linked study of the patient
     * is part of the record; the rule is applied all the same, as every list of studies does. */
    struct access_rule_args a;
    access_rule_args_of(&req->op.principal, &a);
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT st.study_uid, st.study_date, st.study_time, st.modalities_in_study, "
                    "st.study_description, st.accession_number, st.org_id, o.name, "
                    "st.number_of_series, st.number_of_instances, st.created_at "
                    "FROM imaging_studies st JOIN orgs o ON o.id = st.org_id "
                    "WHERE st.patient_id = ?5 AND st.reconciliation = 'linked' "
                    "AND " IMAGING_STUDY_VISIBLE_SQL " ORDER BY st.study_date DESC, "
                    "st.study_time DESC, st.created_at DESC, st.study_uid LIMIT ?6 OFFSET ?7",
                    "tttitii", a.org_id, a.today, a.user_id, a.now_ms, req->patient_id, limit + 1,
                    offset),
        patient_study_row);
    return request_respond_page(req, items, offset, limit);
}
