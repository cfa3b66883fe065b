/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_CLINICAL_H
#define TSUNAGU_DEMO_DEMO_CLINICAL_H

/*
 * The fictional clinical history of the demo region (issue 3) as FHIR R4 resources: diagnoses
 * (傷病名), infections (感染症), allergies, drug contraindications (薬剤禁忌), prescriptions,
 * laboratory results over two years ending 2026-11-15, hospital admissions with discharge
 * summaries (退院時サマリー) and a referral letter (診療情報提供書), recorded by the
 * organisations on each patient's care team.
 *
 * Pure like demo_data.c: no clock, no I/O, no global state, fixed-seed generator; every run gives
 * the same resources with the same ids. Everything is fictional.
 */

#include <jansson.h>
#include <stdbool.h>

#include "core/errors.h"
#include "core/ids.h"

/** One clinical resource of the demo region. */
struct demo_resource {
    /** FHIR R4 JSON with a fixed "id"; owned by the generator, valid during the call only. */
    json_t *resource;
    /** demo_org code of the recording organisation, e.g. "minami-gh". */
    const char *org_code;
    /** demo_user login of the recorder, e.g. "gh.sato" (a member of org_code). */
    const char *user_login;
};

/** Receives one resource; returns false (with err set) to stop the walk. */
typedef bool (*demo_resource_fn)(struct error *err, const struct demo_resource *r, void *arg);

/**
 * Calls fn for every clinical resource of the demo region, referenced resources before those that
 * reference them. References name "Patient/<id>" and "Organization/<id>" with the ids demo.c
 * loads (demo_clinical_uuid("patient", "<index>") and ("org", "<code>")) or resources emitted
 * earlier. Returns false as soon as fn does (err as fn left it), or with ERR_INTERNAL if a
 * resource cannot be built.
 */
bool demo_clinical_each(struct error *err, demo_resource_fn fn, void *arg);

/**
 * The deterministic id of a demo object: a version 8 UUID (RFC 9562 §5.8) from SHA-256 of
 * "tsunagu-demo/<kind>/<key>", the same derivation demo.c uses for organisations ("org", code),
 * users ("user", login) and patients ("patient", index in decimal).
 */
void demo_clinical_uuid(char out[UUID_STR_LEN], const char *kind, const char *key);

#endif
