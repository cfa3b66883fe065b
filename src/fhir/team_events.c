/* SPDX-License-Identifier: Apache-2.0 */
/* What the patient's team should hear of the FHIR writes (issue 17, the sharing rules): a
 * MedicationRequest or MedicationStatement created or updated (medication_change); an inpatient
 * Encounter (class IMP, as the home-care week reads admissions) started (admission) or ended
 * (discharge; death when its discharge disposition is "exp", expired). Told through
 * modules_team_event, which names no listener. */
#include <stdlib.h>
#include <string.h>

#include "rest_int.h"

/* HL7 v3 ActCode IMP; discharge-disposition "exp" (R4 §ValueSet/encounter-discharge-disposition).
 */
static bool inpatient(const json_t *enc)
{
    return enc && strcmp(fhir_json_str(json_object_get(enc, "class"), "code"), "IMP") == 0;
}

static bool started(const json_t *enc)
{
    static const char *const states[] = {"arrived", "triaged",  "in-progress",
                                         "onleave", "finished", NULL};
    const char *status = fhir_json_str(enc, "status");
    for (int i = 0; states[i]; i++)
        if (strcmp(status, states[i]) == 0)
            return true;
    return false;
}

static bool ended(const json_t *enc)
{
    return strcmp(fhir_json_str(enc, "status"), "finished") == 0 ||
           fhir_json_str(json_object_get(enc, "period"), "end")[0];
}

static bool expired(const json_t *enc)
{
    const json_t *cc =
        json_object_get(json_object_get(enc, "hospitalization"), "dischargeDisposition");
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(cc, "coding"), i,
                       c) if (strcmp(fhir_json_str(c, "code"), "exp") == 0) return true;
    return false;
}

/* The version of row before this write (NULL when none or a deletion); a new reference. */
static json_t *previous(struct error *err, struct op *op, const struct fhir_row *row,
                        int old_version, bool *ok)
{
    char *text = NULL;
    bool found = false;
    *ok = old_version <= 0 ||
          fhir_store_version(err, op->conn, row->rid, old_version, &text, NULL, &found);
    json_t *old = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return old;
}

static bool tell(struct error *err, struct op *op, const char *kind, const struct fhir_row *row,
                 const json_t *res, const char *change)
{
    const char *medication = fhir_concept_text(json_object_get(res, "medicationCodeableConcept"));
    const json_t *period = json_object_get(res, "period");
    json_t *what = json_pack(
        "{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "resource_type", row->type, "id", row->id,
        "change", change, "status",
        fhir_json_str(res, "status")[0] ? fhir_json_str(res, "status") : NULL, "medication",
        medication && medication[0] ? medication : NULL, "period_start",
        fhir_json_str(period, "start")[0] ? fhir_json_str(period, "start") : NULL, "period_end",
        fhir_json_str(period, "end")[0] ? fhir_json_str(period, "end") : NULL);
    const char *ref = arena_printf(op->arena, "%s/%s", row->type, row->id);
    struct team_event ev = {
        .kind = kind, .patient_id = row->patient_id, .ref_id = ref, .summary = what};
    bool ok = what ? modules_team_event(err, op, &ev) : error_set(err, ERR_NOMEM, NULL);
    json_decref(what);
    return ok;
}

bool fhir_team_events(struct error *err, struct op *op, const struct fhir_row *row, int old_version,
                      const json_t *res)
{
    if (!row->patient_id[0])
        return true;
    const char *change = old_version > 0 ? "updated" : "created";
    if (strcmp(row->type, "MedicationRequest") == 0 ||
        strcmp(row->type, "MedicationStatement") == 0)
        return tell(err, op, "medication_change", row, res, change);
    if (strcmp(row->type, "Encounter") != 0 || !inpatient(res) || !started(res))
        return true;
    bool ok;
    json_t *old = previous(err, op, row, old_version, &ok);
    bool was_in = inpatient(old) && started(old), was_out = was_in && ended(old);
    json_decref(old);
    if (!ok)
        return false;
    if (ended(res) && !was_out)
        return tell(err, op, expired(res) ? "death" : "discharge", row, res, change);
    if (!ended(res) && !was_in)
        return tell(err, op, "admission", row, res, change);
    return true;
}
