/* SPDX-License-Identifier: Apache-2.0 */
/* POST /fhir/Patient/$match (FHIR R4 Patient-match operation, IHE PDQm ITI-119): a Parameters
 * resource with the Patient to find → a searchset Bundle, best first, each entry with
 * search.score and the match-grade extension. The same candidates, rule and audit as
 * POST /api/patients/match (match_api.c). */
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "http/server.h"
#include "patients_int.h"

#define KANA_EXT "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"
#define GRADE_EXT "http://hl7.org/fhir/StructureDefinition/match-grade"
#define OFFER_EXT "urn:tsunagu:match-offer"

/* Whether json is an object of resourceType type. */
static bool resource_is(const json_t *json, const char *type)
{
    const char *t = json_string_value(json_object_get(json, "resourceType"));
    return json_is_object(json) && t && strcmp(t, type) == 0;
}

/* The text of a HumanName: its text, or family and given joined by a space. */
static const char *name_text(struct arena *arena, const json_t *name)
{
    const char *text = json_string_value(json_object_get(name, "text"));
    if (text)
        return text;
    const char *family = json_string_value(json_object_get(name, "family"));
    const char *given = json_string_value(json_array_get(json_object_get(name, "given"), 0));
    if (!family)
        return NULL;
    return given ? arena_printf(arena, "%s %s", family, given) : family;
}

static bool is_reading(const json_t *name)
{
    const json_t *ext = json_array_get(json_object_get(name, "extension"), 0);
    const char *url = json_string_value(json_object_get(ext, "url"));
    const char *code = json_string_value(json_object_get(ext, "valueCode"));
    return url && code && !strcmp(url, KANA_EXT) && !strcmp(code, "SYL");
}

/* The match input from Parameters.parameter[name=resource].resource (a Patient). */
static bool input_of(struct error *err, struct request *req, const json_t *params, json_t **in,
                     int *count, bool *only_certain)
{
    const json_t *patient = NULL, *p;
    size_t i;
    *count = PATIENTS_MATCH_MAX;
    *only_certain = false;
    if (!resource_is(params, "Parameters"))
        return error_set(err, ERR_FIELD_VALUE, "resourceType: expected Parameters");
    json_array_foreach(json_object_get(params, "parameter"), i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        if (name && !strcmp(name, "resource"))
            patient = json_object_get(p, "resource");
        else if (name && !strcmp(name, "count") &&
                 json_is_integer(json_object_get(p, "valueInteger")))
            *count = (int)json_integer_value(json_object_get(p, "valueInteger"));
        else if (name && !strcmp(name, "onlyCertainMatches"))
            *only_certain = json_is_true(json_object_get(p, "valueBoolean"));
    }
    if (!resource_is(patient, "Patient"))
        return error_set(err, ERR_FIELD_VALUE, "parameter.resource: a Patient is required");
    const char *kanji = NULL, *kana = NULL;
    json_array_foreach(json_object_get(patient, "name"), i, p)
    {
        if (is_reading(p))
            kana = name_text(req->op.arena, p);
        else if (!kanji)
            kanji = name_text(req->op.arena, p);
    }
    const char *sex = json_string_value(json_object_get(patient, "gender"));
    const char *birth = json_string_value(json_object_get(patient, "birthDate"));
    int y, m, d;
    if (!kana)
        return error_set(err, ERR_FIELD_VALUE, "Patient.name: the reading (SYL) is required");
    if (!sex || !birth || !clock_parse_date(birth, &y, &m, &d))
        return error_set(err, ERR_FIELD_VALUE, "Patient.gender and Patient.birthDate are required");
    if (*count < 1 || *count > PATIENTS_MATCH_MAX)
        *count = PATIENTS_MATCH_MAX;
    *in = json_pack("{s:s, s:s, s:s, s:s}", "name", kanji ? kanji : "", "name_kana", kana, "sex",
                    sex, "birth_date", birth);
    return true;
}

static json_t *human_names(const json_t *patient)
{
    return json_pack("[{s:s}, {s:s, s:[{s:s, s:s}]}]", "text",
                     json_string_value(json_object_get(patient, "name")), "text",
                     json_string_value(json_object_get(patient, "name_kana")), "extension", "url",
                     KANA_EXT, "valueCode", "SYL");
}

/* One entry: the Patient (with its id and local ids only when the caller sees it). */
static json_t *entry_of(struct request *req, const json_t *item)
{
    const json_t *p = json_object_get(item, "patient");
    const char *id = json_string_value(json_object_get(p, "id"));
    json_t *res = json_pack("{s:s, s:o, s:s, s:s}", "resourceType", "Patient", "name",
                            human_names(p), "gender", json_string_value(json_object_get(p, "sex")),
                            "birthDate", json_string_value(json_object_get(p, "birth_date")));
    json_t *entry =
        json_pack("{s:o, s:{s:s, s:O, s:[{s:s, s:O}, {s:s, s:O}]}}", "resource", res, "search",
                  "mode", "match", "score", json_object_get(item, "score"), "extension", "url",
                  GRADE_EXT, "valueCode", json_object_get(item, "grade"), "url", OFFER_EXT,
                  "valueString", json_object_get(item, "offer_id"));
    if (id) {
        json_object_set_new(res, "id", json_string(id));
        json_object_set_new(entry, "fullUrl",
                            json_sprintf("%s/fhir/Patient/%s", server_public_url(), id));
    }
    (void)req;
    return entry;
}

bool patients_fhir_match(struct error *err, struct request *req)
{
    json_t *in = NULL, *items = NULL;
    int count;
    bool only_certain;
    if (!access_may_search(&req->op.principal))
        return error_set(err, access_search_refusal(&req->op.principal), NULL);
    if (!input_of(err, req, req->json, &in, &count, &only_certain))
        return false;
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, in);
    if (!patients_match_run(err, &req->op, in, &items))
        return false;
    json_t *entries = json_array(), *item;
    size_t i;
    json_array_foreach(items, i, item)
    {
        const char *grade = json_string_value(json_object_get(item, "grade"));
        if ((int)json_array_size(entries) < count && (!only_certain || !strcmp(grade, "certain")))
            json_array_append_new(entries, entry_of(req, item));
    }
    json_decref(items);
    response_fhir(req, 200,
                  json_pack("{s:s, s:s, s:I, s:o}", "resourceType", "Bundle", "type", "searchset",
                            "total", (json_int_t)json_array_size(entries), "entry", entries));
    return true;
}
