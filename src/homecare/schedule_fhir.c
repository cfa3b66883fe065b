/* SPDX-License-Identifier: Apache-2.0 */
/* The schedule in FHIR: every visit is written as an R4 Appointment in the patient's record
 * (status booked or cancelled, the kind as serviceType, the visiting organisation's service and
 * the staff member as participants), kept in step with the visit's row. The plan's pattern
 * stays in homecare_plans; each Appointment names its plan in an extension. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "fhir/rest.h"
#include "homecare_int.h"

#define KIND_SYSTEM "https://tsunagu.example.jp/fhir/CodeSystem/homecare-visit-kind"
#define PLAN_EXTENSION "https://tsunagu.example.jp/fhir/StructureDefinition/homecare-plan"

static const char sql_row[] =
    "SELECT v.patient_id, v.kind, v.org_id, o.name, u.name, v.starts_at, v.ends_at, v.status, "
    "v.cancel_reason, v.plan_id, v.fhir_appointment_id, v.created_at FROM homecare_visits v "
    "JOIN orgs o ON o.id = v.org_id LEFT JOIN users u ON u.id = v.staff_user_id WHERE v.id = ?";

static json_t *participants(struct store_stmt *s)
{
    char patient[64], service[64];
    snprintf(patient, sizeof patient, "Patient/%s", store_text(s, 0));
    snprintf(service, sizeof service, "Organization/%s", store_text(s, 2));
    json_t *list = json_pack("[{s:{s:s}, s:s}, {s:{s:s, s:s}, s:s}]", "actor", "reference", patient,
                             "status", "accepted", "actor", "reference", service, "display",
                             store_text(s, 3), "status", "accepted");
    if (list && !store_is_null(s, 4))
        json_array_append_new(list, json_pack("{s:{s:s}, s:s}", "actor", "display",
                                              store_text(s, 4), "status", "accepted"));
    return list;
}

/* FHIR R4 Appointment from a row of sql_row. */
static json_t *appointment(struct store_stmt *s, const char *id)
{
    const struct homecare_kind *k = homecare_kind_find(store_text(s, 1));
    char start[32], end[32], created[32];
    clock_format_iso(store_int(s, 5), start);
    clock_format_iso(store_int(s, 6), end);
    clock_format_iso(store_int(s, 11), created);
    bool cancelled = strcmp(store_text(s, 7), "cancelled") == 0;
    json_t *a = json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:[{s:[{s:s, s:s, s:s}]}], s:s, s:s, s:s, s:I, s:s, s:o}",
        "resourceType", "Appointment", "identifier", "system", SCHEDULE_VISIT_SYSTEM, "value", id,
        "status", cancelled ? "cancelled" : "booked", "serviceType", "coding", "system",
        KIND_SYSTEM, "code", store_text(s, 1), "display", k ? k->ja : store_text(s, 1),
        "description", k ? k->ja : store_text(s, 1), "start", start, "end", end, "minutesDuration",
        (json_int_t)((store_int(s, 6) - store_int(s, 5)) / 60000), "created", created,
        "participant", participants(s));
    if (a && cancelled && !store_is_null(s, 8))
        json_object_set_new(a, "cancelationReason", json_pack("{s:s}", "text", store_text(s, 8)));
    if (a && !store_is_null(s, 9))
        json_object_set_new(
            a, "extension",
            json_pack("[{s:s, s:s}]", "url", PLAN_EXTENSION, "valueString", store_text(s, 9)));
    return a;
}

bool homecare_fhir_put(struct error *err, struct op *op, json_t *res, const char *id,
                       const char *patient, struct fhir_row *row)
{
    if (!res)
        return error_set(err, ERR_NOMEM, NULL);
    /* the module's resources refer relatively: no base URL is needed to store them */
    const struct fhir_env env = {.blobs = op->env->blobs, .known_compartment = patient};
    struct fhir_actor actor = {.org_id = op->principal.org_id, .user_id = op->principal.user_id};
    struct fhir_row stored;
    bool created;
    bool ok =
        fhir_store_put(err, op->conn, &env, &actor, res, id, 0, row ? row : &stored, &created);
    json_decref(res);
    return ok;
}

bool schedule_sync_appointment(struct error *err, struct op *op, const char *id)
{
    struct store_stmt *s = store_query(err, op->conn, sql_row, "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_SCHEDULE_NOT_FOUND, NULL);
    }
    json_t *a = appointment(s, id);
    const char *patient = arena_strdup(op->arena, store_text(s, 0));
    const char *fhir_id = store_is_null(s, 10) ? NULL : arena_strdup(op->arena, store_text(s, 10));
    store_done(s);
    struct fhir_row row;
    if (!homecare_fhir_put(err, op, a, fhir_id, patient, &row))
        return false;
    return fhir_id || store_exec(err, op->conn, NULL,
                                 "UPDATE homecare_visits SET fhir_appointment_id = ? WHERE id = ?",
                                 "tt", row.id, id);
}

bool schedule_sync_plan_visits(struct error *err, struct op *op, const char *plan_id)
{
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT id FROM homecare_visits WHERE plan_id = ? AND "
                                       "(updated_at = ? OR fhir_appointment_id IS NULL) "
                                       "ORDER BY starts_at LIMIT 400",
                                       "ti", plan_id, op->now_ms);
    if (!s)
        return false;
    char(*ids)[UUID_STR_LEN] = arena_alloc(op->arena, 400 * UUID_STR_LEN);
    int n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < 400)
        snprintf(ids[n++], UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    bool ok = r != STORE_FAIL;
    for (int i = 0; ok && i < n; i++)
        ok = schedule_sync_appointment(err, op, ids[i]);
    return ok;
}
