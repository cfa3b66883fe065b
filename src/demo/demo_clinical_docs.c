/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The documents of the demo history: hospital stays (Encounter) with their discharge summaries
 * (退院時サマリー, LOINC 18842-5) and referral letters (診療情報提供書, LOINC 57133-1), each as
 * a Composition with its sections in Japanese (fictional) and a DocumentReference whose
 * attachment is that Composition (application/fhir+json): the document is its structured text,
 * which the 記録 tab shows section by section. No PDF: a placeholder PDF without the clinical
 * text told the reader nothing.
 */
#include "demo/demo_clinical_int.h"

#include <stdio.h>
#include <string.h>

#define LOINC "http://loinc.org"
#define TERM "http://terminology.hl7.org/CodeSystem/"
/* JP eDischargeSummary section codes (サマリー情報用セクション区分コード) */
#define JP_SECTION "http://jpfhir.jp/fhir/eDischargeSummary/CodeSystem/document-section"

/* ------------------------------------------------------------------------------------------- */
/* Shared pieces                                                                                */

static json_t *concept_ja(const char *system, const char *code, const char *display,
                          const char *text)
{
    json_t *cc = clinical_concept(system, code, display);
    json_object_set_new(cc, "text", json_string(text));
    return cc;
}

static json_t *loinc(const char *code, const char *display, const char *text)
{
    json_t *cc = clinical_concept(LOINC, code, display);
    json_object_set_new(cc, "text", json_string(text));
    return cc;
}

static json_t *section(const char *title, const char *code, const char *display, const char *text)
{
    return json_pack("{s:s, s:o, s:o}", "title", title, "code", loinc(code, display, title), "text",
                     clinical_narrative(text));
}

/* A discharge summary's section: its JP eDischargeSummary code first, then the LOINC one. */
static json_t *jp_section(const char *title, const char *jp_code, const char *jp_display,
                          const char *code, const char *display, const char *text)
{
    json_t *s = section(title, code, display, text);
    json_t *coding = json_object_get(json_object_get(s, "code"), "coding");
    json_array_insert_new(
        coding, 0,
        json_pack("{s:s, s:s, s:s}", "system", JP_SECTION, "code", jp_code, "display", jp_display));
    return s;
}

/* ids: n ids of UUID_STR_LEN bytes each */
static void add_entries(json_t *sect, const char *type, const void *ids, int n)
{
    if (n <= 0)
        return;
    json_t *entries = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(entries,
                              clinical_ref(type, (const char *)ids + (size_t)i * UUID_STR_LEN));
    json_object_set_new(sect, "entry", entries);
}

struct docref {
    const char *org;
    json_t *type; /* taken */
    const char *date, *title, *description;
    const char *composition, *encounter; /* ids; encounter may be NULL */
};

static bool emit_docref(struct gen *g, struct docref *d)
{
    char id[UUID_STR_LEN], when[32], url[64];
    json_t *res = clinical_start(g, "DocumentReference", id);
    clinical_datetime(when, d->date, 17, 0);
    snprintf(url, sizeof url, "Composition/%s", d->composition);
    json_t *context = json_pack("{s:[o]}", "related", clinical_ref("Composition", d->composition));
    if (d->encounter)
        json_object_set_new(context, "encounter",
                            json_pack("[o]", clinical_ref("Encounter", d->encounter)));
    json_object_set_new(res, "status", json_string("current"));
    json_object_set_new(res, "docStatus", json_string("final"));
    json_object_set_new(res, "type", d->type);
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "date", json_string(when));
    json_object_set_new(res, "author", json_pack("[o]", clinical_org_ref(d->org)));
    json_object_set_new(res, "custodian", clinical_org_ref(d->org));
    json_object_set_new(res, "description", json_string(d->description));
    json_object_set_new(res, "content",
                        json_pack("[{s:{s:s, s:s, s:s, s:s, s:s}}]", "attachment", "contentType",
                                  "application/fhir+json", "language", "ja", "url", url, "title",
                                  d->title, "creation", when));
    json_object_set_new(res, "context", context);
    return clinical_emit(g, res, d->org);
}

static json_t *composition(struct gen *g, const char *org, json_t *type, const char *date,
                           const char *title, char id[UUID_STR_LEN])
{
    char when[32];
    json_t *res = clinical_start(g, "Composition", id);
    clinical_datetime(when, date, 16, 0);
    json_object_set_new(res, "status", json_string("final"));
    json_object_set_new(res, "type", type);
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "date", json_string(when));
    json_object_set_new(res, "author", json_pack("[o]", clinical_org_ref(org)));
    json_object_set_new(res, "title", json_string(title));
    json_object_set_new(res, "confidentiality", json_string("N"));
    json_object_set_new(res, "custodian", clinical_org_ref(org));
    return res;
}

/* ------------------------------------------------------------------------------------------- */
/* Discharge summary                                                                            */

static bool emit_encounter(struct gen *g, const struct admission *a, char id[UUID_STR_LEN])
{
    char start[32], end[32];
    json_t *res = clinical_start(g, "Encounter", id);
    clinical_datetime(start, a->start, 10, 0);
    clinical_datetime(end, a->end, 11, 0);
    json_object_set_new(res, "status", json_string("finished"));
    json_object_set_new(res, "class",
                        clinical_coding(TERM "v3-ActCode", "IMP", "inpatient encounter"));
    json_object_set_new(res, "type", json_pack("[o]", clinical_text("入院")));
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "period", json_pack("{s:s, s:s}", "start", start, "end", end));
    json_object_set_new(res, "reasonCode", json_pack("[o]", clinical_text(a->reason)));
    json_object_set_new(
        res, "diagnosis",
        json_pack("[{s:o, s:o, s:i}]", "condition", clinical_ref("Condition", a->reason_condition),
                  "use",
                  concept_ja(TERM "diagnosis-role", "AD", "Admission diagnosis", "入院時診断"),
                  "rank", 1));
    json_object_set_new(res, "hospitalization",
                        json_pack("{s:o}", "dischargeDisposition", clinical_text(a->disposition)));
    json_object_set_new(res, "serviceProvider", clinical_org_ref(a->org));
    return clinical_emit(g, res, a->org);
}

static bool emit_discharge_summary(struct gen *g, const struct admission *a, const char *encounter,
                                   char id[UUID_STR_LEN])
{
    json_t *res = composition(g, a->org, loinc("18842-5", "Discharge summary", "退院時サマリー"),
                              a->end, "退院時サマリー", id);
    json_object_set_new(res, "encounter", clinical_ref("Encounter", encounter));
    json_t *diagnosis = jp_section("入院時診断", "342", "入院時診断セクション", "46241-6",
                                   "Hospital admission diagnosis", a->reason);
    add_entries(diagnosis, "Condition", a->reason_condition, 1);
    json_t *discharge_meds = jp_section("退院時処方", "444", "退院時投薬指示セクション", "10183-2",
                                        "Hospital discharge medications", a->meds_text);
    add_entries(discharge_meds, "MedicationRequest", a->meds, a->med_count);
    json_object_set_new(
        res, "section",
        json_pack("[o, o, o, o, o]", diagnosis,
                  jp_section("入院経過", "333", "入院中経過セクション", "8648-8", "Hospital course",
                             a->course),
                  discharge_meds,
                  jp_section("退院時の状況", "324", "退院時詳細セクション", "8650-4",
                             "Hospital discharge disposition", a->disposition),
                  jp_section("今後の方針", "424", "退院時方針指示セクション", "18776-5",
                             "Plan of care note", a->plan)));
    return clinical_emit(g, res, a->org);
}

bool clinical_admission(struct gen *g, const struct admission *a)
{
    char encounter[UUID_STR_LEN], comp[UUID_STR_LEN];
    struct docref d = {.org = a->org,
                       .date = a->end,
                       .title = "退院時サマリー",
                       .description = a->reason,
                       .composition = comp,
                       .encounter = encounter};
    if (!emit_encounter(g, a, encounter) || !emit_discharge_summary(g, a, encounter, comp))
        return false;
    d.type = loinc("18842-5", "Discharge summary", "退院時サマリー");
    return emit_docref(g, &d);
}

/* ------------------------------------------------------------------------------------------- */
/* Referral letter                                                                              */

bool clinical_referral(struct gen *g, const struct referral *r)
{
    char comp[UUID_STR_LEN], to[256], description[160];
    const struct demo_org *dest = demo_org_find(r->to_org);
    snprintf(to, sizeof to, "%s 御中。%s", dest ? dest->name : r->to_org, r->purpose);
    snprintf(description, sizeof description, "診療情報提供書(%s宛)",
             dest ? dest->name : r->to_org);
    json_t *res = composition(g, r->from_org, loinc("57133-1", "Referral note", "診療情報提供書"),
                              r->date, "診療情報提供書", comp);
    json_t *problems = section("傷病名", "11450-4", "Problem list - Reported", r->problems_text);
    add_entries(problems, "Condition", r->conditions, r->condition_count);
    json_t *medication =
        section("現在の処方", "10160-0", "History of Medication use", r->medication_text);
    add_entries(medication, "MedicationRequest", r->meds, r->med_count);
    json_object_set_new(
        res, "section",
        json_pack("[o, o, o, o]", section("紹介目的", "42349-1", "Reason for referral", to),
                  problems,
                  section("現病歴・経過", "10164-2", "History of Present illness", r->history),
                  medication));
    if (!clinical_emit(g, res, r->from_org))
        return false;

    struct docref d = {.org = r->from_org,
                       .date = r->date,
                       .title = "診療情報提供書",
                       .description = description,
                       .composition = comp};
    d.type = loinc("57133-1", "Referral note", "診療情報提供書");
    return emit_docref(g, &d);
}
