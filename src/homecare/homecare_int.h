/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HOMECARE_HOMECARE_INT_H
#define TSUNAGU_HOMECARE_HOMECARE_INT_H

/* Home care (issue 16): what the module's files share. Its handlers are declared from
 * routes.def. */

#include "homecare/homecare.h"
#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "homecare/routes.def"
#undef ROUTE

/* ---- visit records (訪問記録): records*.c ---------------------------------------------------- */
#include "core/ids.h"
#include "fhir/store.h"

/** Identifies a visit record in the FHIR resources written for it. */
#define HOMECARE_RECORD_SYSTEM "https://tsunagu.example.jp/fhir/NamingSystem/homecare-record"

/** One version of a visit record, as read from homecare_records (strings in the arena). */
struct homecare_record {
    char id[UUID_STR_LEN], record_id[UUID_STR_LEN], previous_id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN], org_id[UUID_STR_LEN], author_id[UUID_STR_LEN];
    const char *kind, *form, *content, *handover, *status, *reason, *sha256;
    int version;
    int64_t visit_start, visit_end, signed_at;
    char encounter_id[FHIR_ID_MAX + 1], composition_id[FHIR_ID_MAX + 1];
    const char *observations; /* JSON {vital: Observation id} */
};

/**
 * Checks a record's content against the form (soap, nursing, pharmacy, rehab, care): no unknown
 * field, each field of its type and plausible range (vitals: core/plausible.h), field names
 * given as "content.<path>" in the error. visit_day is the visit's Tokyo date (YYYY-MM-DD).
 * Returns the content to store (new reference: the rehab form gains its Barthel total), or NULL
 * with err set.
 */
json_t *homecare_form_check(struct error *err, const char *form, const json_t *content,
                            const char *visit_day);

/** The vitals a form may carry (field name, LOINC code and display, Japanese name, UCUM unit);
 *  ends with a NULL name. jcs has no LOINC code: its system is HOMECARE_JCS_SYSTEM. */
struct homecare_vital {
    const char *name, *loinc, *display, *ja, *unit;
};
extern const struct homecare_vital homecare_vitals[];
#define HOMECARE_JCS_SYSTEM "https://tsunagu.example.jp/fhir/CodeSystem/japan-coma-scale"

/** Reads version id (or, when id is a record id and by_record, its current version) into *r;
 *  the record must belong to patient_id (ERR_HOMECARE_RECORDS_NOT_FOUND otherwise). */
bool homecare_record_load(struct error *err, struct request *req, const char *id,
                          struct homecare_record *r);

/**
 * Writes version r into the patient's FHIR record (records_fhir.c): the Encounter (class HH),
 * one vital-signs Observation per vital and the Composition referencing them; prev (or NULL)
 * is the version r corrects, whose resources get new versions (a vital no longer given: its
 * Observation entered-in-error). Stores the ids on r's row.
 */
bool homecare_record_fhir_write(struct error *err, struct request *req,
                                const struct homecare_record *r,
                                const struct homecare_record *prev);
/** After signing r: the Composition's next version, final and attested by the author. */
bool homecare_record_fhir_sign(struct error *err, struct request *req,
                               const struct homecare_record *r);

#endif
