/* SPDX-License-Identifier: Apache-2.0 */
/* Which kind of clinical record a FHIR resource is, for the write matrix
 * (access/write_rules.def): by its type, and for observations and documents by their category
 * or document type. */
#include <string.h>

#include "rest.h"

#define LOINC "http://loinc.org"

/* Whether the CodeableConcept (or array of them) under key has a coding with code (and system,
 * when system is not NULL). */
static bool has_code(const json_t *res, const char *key, const char *system, const char *code)
{
    const json_t *v = json_object_get(res, key);
    const json_t *concepts = json_is_array(v) ? v : NULL;
    size_t n = concepts ? json_array_size(concepts) : (v ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        const json_t *concept = concepts ? json_array_get(concepts, i) : v;
        const json_t *coding = json_object_get(concept, "coding");
        for (size_t j = 0; j < json_array_size(coding); j++) {
            const json_t *c = json_array_get(coding, j);
            const char *s = json_string_value(json_object_get(c, "system"));
            const char *k = json_string_value(json_object_get(c, "code"));
            if (k && strcmp(k, code) == 0 && (!system || (s && strcmp(s, system) == 0)))
                return true;
        }
    }
    return false;
}

static enum access_record_kind document_kind(const json_t *res)
{
    if (has_code(res, "type", LOINC, "18842-5"))
        return RECORD_DISCHARGE;
    if (has_code(res, "type", LOINC, "57133-1"))
        return RECORD_REFERRAL_LETTER;
    if (has_code(res, "type", LOINC, "34745-0"))
        return RECORD_NURSING_SUMMARY;
    return RECORD_DOCUMENT;
}

enum access_record_kind fhir_record_kind(const char *type, const json_t *res)
{
    static const struct {
        const char *type;
        enum access_record_kind kind;
    } by_type[] = {
        {"MedicationRequest", RECORD_PRESCRIPTION},
        {"MedicationStatement", RECORD_PRESCRIPTION},
        {"Condition", RECORD_DIAGNOSIS},
        {"AllergyIntolerance", RECORD_ALLERGY},
        {"Flag", RECORD_ALLERGY},
        {"DiagnosticReport", RECORD_REPORT},
        {"Binary", RECORD_DOCUMENT},
    };
    if (strcmp(type, "Observation") == 0)
        return has_code(res, "category", NULL, "laboratory")    ? RECORD_LAB
               : has_code(res, "category", NULL, "vital-signs") ? RECORD_VITALS
                                                                : RECORD_OTHER;
    if (strcmp(type, "DocumentReference") == 0 || strcmp(type, "Composition") == 0)
        return document_kind(res);
    for (size_t i = 0; i < sizeof by_type / sizeof by_type[0]; i++)
        if (strcmp(by_type[i].type, type) == 0)
            return by_type[i].kind;
    return RECORD_OTHER;
}
