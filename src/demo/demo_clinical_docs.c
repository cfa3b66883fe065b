/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The documents of the demo history: hospital stays (Encounter) with their discharge summaries
 * (退院時サマリー, LOINC 18842-5) and referral letters (診療情報提供書, LOINC 57133-1), each as
 * a Composition plus a DocumentReference to a small PDF kept as a Binary.
 */
#include "demo/demo_clinical_int.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOINC "http://loinc.org"
#define TERM "http://terminology.hl7.org/CodeSystem/"
#define PDF_MAX 4096

/* ------------------------------------------------------------------------------------------- */
/* PDF 1.4 (ISO 32000-1 §7.5: header, body, cross-reference table, trailer)                     */

struct pdf {
    char *out;
    size_t cap, len;
    bool overflow;
};

__attribute__((format(printf, 2, 3))) static void put(struct pdf *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = p->overflow ? -1 : vsnprintf(p->out + p->len, p->cap - p->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= p->cap - p->len)
        p->overflow = true;
    else
        p->len += (size_t)n;
}

/* A literal string's text (§7.3.4.2): printable ASCII with \ ( ) escaped. */
static void put_text(struct pdf *p, const char *s)
{
    put(p, "(");
    for (; *s; s++) {
        if (*s == '(' || *s == ')' || *s == '\\')
            put(p, "\\%c", *s);
        else if (*s >= 0x20 && *s < 0x7f)
            put(p, "%c", *s);
    }
    put(p, ") Tj T*\n");
}

size_t clinical_pdf(char *out, size_t cap, const char *const *lines, int line_count)
{
    struct pdf p = {.out = out, .cap = cap};
    size_t offsets[6] = {0};
    char content[2048];
    struct pdf c = {.out = content, .cap = sizeof content};
    put(&c, "BT\n/F1 12 Tf\n16 TL\n56 780 Td\n");
    for (int i = 0; i < line_count; i++)
        put_text(&c, lines[i]);
    put(&c, "ET\n");
    if (c.overflow)
        return 0;

    put(&p, "%%PDF-1.4\n");
    offsets[1] = p.len;
    put(&p, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets[2] = p.len;
    put(&p, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    offsets[3] = p.len;
    put(&p, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
    offsets[4] = p.len;
    put(&p, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    offsets[5] = p.len;
    put(&p, "5 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n", c.len, content);
    size_t xref = p.len;
    /* §7.5.4: each entry is exactly 20 bytes, "nnnnnnnnnn ggggg n" and a two-byte EOL */
    put(&p, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i < 6; i++)
        put(&p, "%010zu 00000 n \n", offsets[i]);
    put(&p, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    return p.overflow ? 0 : p.len;
}

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

/* Binary with the PDF, referenced by the DocumentReference that follows; id gets its id. */
static bool emit_pdf(struct gen *g, const char *org, const char *const *lines, int n,
                     char id[UUID_STR_LEN], size_t *size)
{
    char pdf[PDF_MAX], b64[sodium_base64_ENCODED_LEN(PDF_MAX, sodium_base64_VARIANT_ORIGINAL)];
    *size = clinical_pdf(pdf, sizeof pdf, lines, n);
    if (*size == 0)
        return error_set(g->err, ERR_INTERNAL, "demo PDF too large");
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)pdf, *size,
                      sodium_base64_VARIANT_ORIGINAL);
    json_t *res = clinical_start(g, "Binary", id);
    json_object_set_new(res, "contentType", json_string("application/pdf"));
    json_object_set_new(res, "securityContext", clinical_ref("Patient", g->patient_ref + 8));
    json_object_set_new(res, "data", json_string(b64));
    return clinical_emit(g, res, org);
}

struct docref {
    const char *org;
    json_t *type; /* taken */
    const char *date, *title, *description;
    const char *binary, *composition, *encounter; /* ids; encounter may be NULL */
    size_t size;
};

static bool emit_docref(struct gen *g, struct docref *d)
{
    char id[UUID_STR_LEN], when[32], url[48];
    json_t *res = clinical_start(g, "DocumentReference", id);
    clinical_datetime(when, d->date, 17, 0);
    snprintf(url, sizeof url, "Binary/%s", d->binary);
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
                        json_pack("[{s:{s:s, s:s, s:s, s:I, s:s, s:s}}]", "attachment",
                                  "contentType", "application/pdf", "language", "ja", "url", url,
                                  "size", (json_int_t)d->size, "title", d->title, "creation",
                                  when));
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
    json_t *diagnosis = section("入院時診断", "46241-6", "Hospital admission diagnosis", a->reason);
    add_entries(diagnosis, "Condition", a->reason_condition, 1);
    json_t *discharge_meds =
        section("退院時処方", "10183-2", "Hospital discharge medications", a->meds_text);
    add_entries(discharge_meds, "MedicationRequest", a->meds, a->med_count);
    json_object_set_new(res, "section",
                        json_pack("[o, o, o, o]", diagnosis,
                                  section("入院経過", "8648-8", "Hospital course", a->course),
                                  discharge_meds,
                                  section("退院時の状況", "8650-4",
                                          "Hospital discharge disposition", a->disposition)));
    return clinical_emit(g, res, a->org);
}

bool clinical_admission(struct gen *g, const struct admission *a)
{
    char encounter[UUID_STR_LEN], comp[UUID_STR_LEN], binary[UUID_STR_LEN];
    char stay[64], who[48], org[48];
    snprintf(stay, sizeof stay, "Admission %s, discharge %s", a->start, a->end);
    snprintf(who, sizeof who, "Demo patient no. %d", g->index);
    snprintf(org, sizeof org, "Recorded by: %s", a->org);
    const char *lines[] = {"Discharge summary (demo, fictional)", who, stay, org,
                           "The full text is in the FHIR Composition (Japanese)."};
    struct docref d = {.org = a->org,
                       .date = a->end,
                       .title = "退院時サマリー",
                       .description = a->reason,
                       .binary = binary,
                       .composition = comp,
                       .encounter = encounter};
    if (!emit_encounter(g, a, encounter) || !emit_discharge_summary(g, a, encounter, comp) ||
        !emit_pdf(g, a->org, lines, 5, binary, &d.size))
        return false;
    d.type = loinc("18842-5", "Discharge summary", "退院時サマリー");
    return emit_docref(g, &d);
}

/* ------------------------------------------------------------------------------------------- */
/* Referral letter                                                                              */

bool clinical_referral(struct gen *g, const struct referral *r)
{
    char comp[UUID_STR_LEN], binary[UUID_STR_LEN], to[256], who[48], from[64], date[32];
    char description[160];
    const struct demo_org *dest = demo_org_find(r->to_org);
    snprintf(to, sizeof to, "%s 御中。%s", dest ? dest->name : r->to_org, r->purpose);
    snprintf(description, sizeof description, "診療情報提供書(%s宛)",
             dest ? dest->name : r->to_org);
    json_t *res = composition(g, r->from_org, loinc("57133-1", "Referral note", "診療情報提供書"),
                              r->date, "診療情報提供書", comp);
    json_t *problems = section("傷病名", "11450-4", "Problem list - Reported", "別記の傷病名");
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

    snprintf(who, sizeof who, "Demo patient no. %d", g->index);
    snprintf(from, sizeof from, "From %s to %s", r->from_org, r->to_org);
    snprintf(date, sizeof date, "Date: %s", r->date);
    const char *lines[] = {"Referral letter (demo, fictional)", who, from, date,
                           "The full text is in the FHIR Composition (Japanese)."};
    struct docref d = {.org = r->from_org,
                       .date = r->date,
                       .title = "診療情報提供書",
                       .description = description,
                       .binary = binary,
                       .composition = comp};
    if (!emit_pdf(g, r->from_org, lines, 5, binary, &d.size))
        return false;
    d.type = loinc("57133-1", "Referral note", "診療情報提供書");
    return emit_docref(g, &d);
}
