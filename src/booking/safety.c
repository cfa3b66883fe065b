/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/patients/{id}/safety-summary: what must be seen before an examination is ordered,
 * booked or performed (issue 13, item 4): the patient's active high-criticality allergies
 * (AllergyIntolerance), contraindications (active Flag), and, when the examination uses contrast,
 * the latest eGFR with its date and a warning under 45 mL/min/1.73m² (ヨード造影剤: 腎機能).
 * The router has decided that the caller may read this patient's clinical record (PAT_PATH,
 * DATA_CLINICAL: the care team with consent, or the record share of a booking or referral the
 * consent allows) and audits the read; the record is read through the same search as /fhir. */
#include <string.h>

#include "booking_int.h"
#include "fhir/rest.h"

enum { SAFETY_ITEMS_MAX = 30 };

/* JLAC10 17-digit code of eGFR (クレアチニン), as the demo's laboratory results carry it. */
#define EGFR_JLAC10 "8A065000002391901"
#define EGFR_WARN_BELOW 45.0

typedef bool (*resource_fn)(struct error *err, const json_t *res, json_t *out);

/* Calls fn for each resource of type in the patient's compartment matching params. */
static bool each(struct error *err, struct request *req, const char *type,
                 const struct fhir_qparam *params, int n, resource_fn fn, json_t *out)
{
    /* the router decided this patient's whole clinical record (PAT_PATH, DATA_CLINICAL) */
    struct fhir_search_in in = {.type = type,
                                .params = params,
                                .n = n,
                                .base_url = fhir_base_url(req),
                                .compartment = req->patient_id,
                                .visibility_decided = true};
    access_rule_args_of(&req->op.principal, &in.viewer.rule);
    struct fhir_search_out found;
    bool ok = fhir_search(err, req->op.conn, &in, &found);
    for (size_t i = 0; ok && i < found.n; i++) {
        if (found.hits[i].include)
            continue;
        json_t *res = json_loads(found.hits[i].json, 0, NULL);
        if (!res) {
            ok = error_set(err, ERR_INTERNAL, "stored %s unreadable", type);
            break;
        }
        ok = fn(err, res, out);
        json_decref(res);
    }
    fhir_search_free(&found);
    return ok;
}

static const char *str(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "";
}

/* The text of a CodeableConcept: its text, else the first coding's display, else its code. */
static const char *concept_text(const json_t *cc)
{
    const json_t *coding = json_array_get(json_object_get(cc, "coding"), 0);
    if (str(cc, "text")[0])
        return str(cc, "text");
    return str(coding, "display")[0] ? str(coding, "display") : str(coding, "code");
}

static bool append(struct error *err, json_t *list, json_t *item)
{
    if (json_array_size(list) >= SAFETY_ITEMS_MAX) {
        json_decref(item);
        return true;
    }
    if (!item || json_array_append_new(list, item) != 0)
        return error_set(err, ERR_NOMEM, "safety summary");
    return true;
}

static bool add_allergy(struct error *err, const json_t *res, json_t *out)
{
    const char *verification = str(
        json_array_get(json_object_get(json_object_get(res, "verificationStatus"), "coding"), 0),
        "code");
    if (strcmp(str(res, "criticality"), "high") != 0 || !strcmp(verification, "refuted") ||
        !strcmp(verification, "entered-in-error"))
        return true;
    const json_t *reaction = json_array_get(json_object_get(res, "reaction"), 0);
    const json_t *manifestation = json_array_get(json_object_get(reaction, "manifestation"), 0);
    return append(err, out,
                  json_pack("{s:s, s:s, s:s}", "text", concept_text(json_object_get(res, "code")),
                            "criticality", "high", "reaction", concept_text(manifestation)));
}

static bool add_flag(struct error *err, const json_t *res, json_t *out)
{
    const json_t *period = json_object_get(res, "period");
    char start[11];
    snprintf(start, sizeof start, "%s", str(period, "start"));
    return append(err, out,
                  json_pack("{s:s, s:s, s:s}", "text", concept_text(json_object_get(res, "code")),
                            "category",
                            concept_text(json_array_get(json_object_get(res, "category"), 0)),
                            "since", start));
}

/* The latest eGFR (the search sorts newest first and returns one). */
static bool add_egfr(struct error *err, const json_t *res, json_t *out)
{
    (void)err;
    const json_t *q = json_object_get(res, "valueQuantity");
    if (!json_is_number(json_object_get(q, "value")))
        return true;
    double value = json_number_value(json_object_get(q, "value"));
    char date[11];
    snprintf(date, sizeof date, "%s", str(res, "effectiveDateTime"));
    json_object_set_new(out, "value", json_real(value));
    json_object_set_new(out, "unit", json_string("mL/min/1.73m²"));
    json_object_set_new(out, "date", json_string(date));
    json_object_set_new(out, "low", json_boolean(value < EGFR_WARN_BELOW));
    json_object_set_new(out, "threshold", json_real(EGFR_WARN_BELOW));
    return true;
}

bool booking_exam_uses_contrast(const char *exam)
{
    return exam && (strstr(exam, "造影") || strstr(exam, "contrast") || strstr(exam, "Contrast"));
}

bool booking_safety_summary(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){"exam", NULL}))
        return false;
    const char *exam = request_query(req, "exam");
    bool contrast = booking_exam_uses_contrast(exam);
    json_t *body = json_pack("{s:[], s:[], s:b, s:n}", "allergies", "contraindications", "contrast",
                             contrast, "egfr");
    if (!body)
        return error_set(err, ERR_NOMEM, "safety summary");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, body);
    const struct fhir_qparam allergy[] = {{"clinical-status", "active"}, {"_count", "100"}};
    const struct fhir_qparam flag[] = {{"status", "active"}, {"_count", "100"}};
    const struct fhir_qparam egfr[] = {{"code", EGFR_JLAC10}, {"_sort", "-date"}, {"_count", "1"}};
    json_t *latest = json_object();
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, latest);
    if (!each(err, req, "AllergyIntolerance", allergy, 2, add_allergy,
              json_object_get(body, "allergies")) ||
        !each(err, req, "Flag", flag, 2, add_flag, json_object_get(body, "contraindications")) ||
        (contrast && !each(err, req, "Observation", egfr, 3, add_egfr, latest)))
        return false;
    if (json_object_size(latest) > 0)
        json_object_set(body, "egfr", latest);
    req->audit_detail = contrast ? "contrast" : NULL;
    response_json(req, 200, json_incref(body));
    return true;
}
