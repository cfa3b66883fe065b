/* SPDX-License-Identifier: Apache-2.0 */
/* Correcting the record (issue 13, item 5): who may change or withdraw an entry of a patient's
 * record through the REST API, and what the change must say. An update of a live resource in a
 * patient compartment is a correction: only the organisation that recorded its first version may
 * make it, and the new version carries its reason in meta (the change-reason extension). A
 * prescription stopped by an update (MedicationRequest.status stopped) needs statusReason and
 * the date it stopped, dosageInstruction.timing.repeat.boundsPeriod.end, between its start and
 * today. Withdrawal is the resource's own entered-in-error status, never a physical deletion. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "rest.h"

enum { REASON_MAX_BYTES = 2000 }; /* about 500 Japanese characters */

const char *fhir_change_reason(const json_t *res)
{
    const json_t *ext = json_object_get(json_object_get(res, "meta"), "extension");
    for (size_t i = 0; i < json_array_size(ext); i++) {
        const json_t *e = json_array_get(ext, i);
        const char *url = json_string_value(json_object_get(e, "url"));
        if (url && strcmp(url, FHIR_EXT_CHANGE_REASON) == 0)
            return json_string_value(json_object_get(e, "valueString"));
    }
    return NULL;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* The organisation that recorded the first version, and no other, may change it. */
static bool author_check(struct error *err, struct request *req, const char *type,
                         const struct fhir_row *old)
{
    char author[UUID_STR_LEN];
    if (!fhir_store_author_org(err, req->op.conn, old->rid, author))
        return false;
    if (!author[0] || strcmp(author, req->op.principal.org_id) == 0)
        return true;
    op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, old->patient_id, type,
                  old->id, "correction refused: not the recording organisation");
    return error_set(err, ERR_FHIR_NOT_AUTHOR, "%s/%s", type, old->id);
}

static bool reason_check(struct error *err, const char *type, const json_t *res)
{
    const char *reason = fhir_change_reason(res);
    if (blank(reason))
        return error_set(err, ERR_FHIR_CHANGE_REASON,
                         "%s.meta.extension: the extension %s with a valueString (the reason) is "
                         "required to change a recorded entry",
                         type, FHIR_EXT_CHANGE_REASON);
    if (strlen(reason) > REASON_MAX_BYTES)
        return error_set(err, ERR_FHIR_CHANGE_REASON,
                         "%s.meta.extension: the reason is longer than %d bytes", type,
                         REASON_MAX_BYTES);
    return true;
}

static bool concept_given(const json_t *concept)
{
    if (!blank(json_string_value(json_object_get(concept, "text"))))
        return true;
    const json_t *coding = json_object_get(concept, "coding");
    for (size_t i = 0; i < json_array_size(coding); i++)
        if (!blank(json_string_value(json_object_get(json_array_get(coding, i), "code"))))
            return true;
    return false;
}

/* The first ten characters of a date or dateTime when it is a full date, else NULL. */
static const char *full_date(const char *value, char out[11])
{
    if (!value || strlen(value) < 10)
        return NULL;
    memcpy(out, value, 10);
    out[10] = '\0';
    return out;
}

/* The latest start the prescription states (authoredOn, boundsPeriod.start), "" if none. */
static void latest_start(const json_t *res, char start[11])
{
    char d[11];
    start[0] = '\0';
    if (full_date(json_string_value(json_object_get(res, "authoredOn")), d))
        memcpy(start, d, 11);
    const json_t *dosage = json_object_get(res, "dosageInstruction");
    for (size_t i = 0; i < json_array_size(dosage); i++) {
        const json_t *bounds = json_object_get(
            json_object_get(json_object_get(json_array_get(dosage, i), "timing"), "repeat"),
            "boundsPeriod");
        if (full_date(json_string_value(json_object_get(bounds, "start")), d) &&
            strcmp(d, start) > 0)
            memcpy(start, d, 11);
    }
}

#define END_PATH "MedicationRequest.dosageInstruction[%zu].timing.repeat.boundsPeriod.end"

/* Every stated end of a stopped prescription lies between its start and today; one is given. */
static bool stop_dates_check(struct error *err, const json_t *res)
{
    char start[11], today[11], end[11];
    latest_start(res, start);
    clock_today_tokyo(today);
    const json_t *dosage = json_object_get(res, "dosageInstruction");
    size_t ends = 0;
    for (size_t i = 0; i < json_array_size(dosage); i++) {
        const json_t *bounds = json_object_get(
            json_object_get(json_object_get(json_array_get(dosage, i), "timing"), "repeat"),
            "boundsPeriod");
        const char *value = json_string_value(json_object_get(bounds, "end"));
        if (!value)
            continue;
        ends++;
        if (!full_date(value, end))
            return error_set(err, ERR_FHIR_STOP, END_PATH ": a full date (YYYY-MM-DD) is needed",
                             i);
        if (strcmp(end, start[0] ? start : "1900-01-01") < 0)
            return error_set(err, ERR_FHIR_STOP, END_PATH ": %s is before the start %s", i, end,
                             start[0] ? start : "1900-01-01");
        if (strcmp(end, today) > 0)
            return error_set(err, ERR_FHIR_STOP, END_PATH ": %s is after today (%s)", i, end,
                             today);
    }
    if (ends == 0)
        return error_set(err, ERR_FHIR_STOP,
                         "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end: "
                         "the date the prescription stopped is required");
    return true;
}

/* A prescription newly stopped says why and when. */
static bool stop_check(struct error *err, struct request *req, const struct fhir_row *old,
                       const json_t *res)
{
    const char *status = json_string_value(json_object_get(res, "status"));
    if (strcmp(old->type, "MedicationRequest") != 0 || !status || strcmp(status, "stopped") != 0)
        return true;
    char *json = NULL, blob[BLOB_KEY_LEN];
    bool found = false;
    if (!fhir_store_version(err, req->op.conn, old->rid, 0, &json, blob, &found))
        return false;
    json_t *before = json ? json_loads(json, 0, NULL) : NULL;
    const char *was = json_string_value(json_object_get(before, "status"));
    bool already = was && strcmp(was, "stopped") == 0;
    json_decref(before);
    free(json);
    if (already)
        return true;
    if (!concept_given(json_object_get(res, "statusReason")))
        return error_set(err, ERR_FHIR_STOP,
                         "MedicationRequest.statusReason: the reason for stopping is required");
    return stop_dates_check(err, res);
}

bool fhir_change_allowed(struct error *err, struct request *req, const char *type,
                         const struct fhir_row *old, const json_t *res)
{
    if (!old->patient_id[0] || old->deleted)
        return true; /* outside a record, or brought back after a deletion: a new entry */
    if (!author_check(err, req, type, old))
        return false;
    return !res || (reason_check(err, type, res) && stop_check(err, req, old, res));
}
