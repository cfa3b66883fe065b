/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_VALIDATE_H
#define TSUNAGU_FHIR_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/errors.h"

/** Deepest object nesting fhir_validate walks before it refuses the resource. */
#define FHIR_DEPTH_MAX 32
/** Most items one array may hold. */
#define FHIR_ARRAY_MAX 10000

/**
 * Validates a resource against the R4 base definition of its resourceType (pure: no I/O).
 * Checks the resourceType is one tsunagu stores, that every element is known for its type, the
 * JSON type and primitive format of each value, cardinality (required present, 0..1 not an
 * array, 0..* a non-empty array), choice elements (one allowed suffix, at most one), the
 * `required` bindings R4 defines (status codes and the like) and nested datatypes, contained
 * resources and Bundle entries. On failure sets err (ERR_FHIR_*) with the FHIRPath of the
 * offending element and what is wrong in err->detail, and returns false. Does not keep resource.
 */
bool fhir_validate(struct error *err, const json_t *resource);

/**
 * Checks the values of a clinical resource against the ranges of core/plausible.h: no clinical
 * date before the patient's birth (birth_date "YYYY-MM-DD", or NULL when the resource has no
 * patient) or in the future, a period's end after its start, doses a person can take at once
 * (doseQuantity, and "1回…" written in a dosage's text). On failure sets err (ERR_FHIR_RANGE,
 * detail "<FHIRPath>: why") and returns false.
 */
bool fhir_validate_values(struct error *err, const json_t *resource, const char *birth_date);

/** True if type is one of the resource types tsunagu stores. */
bool fhir_type_known(const char *type);

#endif
