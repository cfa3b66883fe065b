/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/patients/{id}/referral-draft: a referral letter (LETTER, docs/api/referrals.md)
 * prefilled from the patient's shared FHIR record: active problems, past ones as history,
 * current medications, allergies, the latest laboratory results, documents and imaging studies.
 * The router has decided that the caller may read this patient's clinical record (PAT_PATH,
 * DATA_CLINICAL); the record is read through the same search as /fhir, restricted to the
 * patient. The clinician edits the draft before signing; nothing is written. With
 * ?reverse_of=<referral id> (a referral of this patient received by the caller's organisation)
 * it is the draft of the reverse referral (逆紹介): the reply written for that referral leads,
 * the record as the receiving organisation reads it fills the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "fhir/rest.h"
#include "referral/letter_pdf.h"
#include "referral/referral.h"
#include "referral_int.h"

/* Sizes within what a letter may hold (referral_letter.c): items per list, characters per text. */
enum {
    TEXT_SHORT = 200,
    PROBLEMS_MAX = 30,
    HISTORY_MAX = 20,
    MEDICATIONS_MAX = 40,
    ALLERGIES_MAX = 30,
    LABS_MAX = 15,
    LAB_WINDOW_DAYS = 90,
    DOCUMENTS_MAX = 20,
    IMAGING_MAX = 20,
};

/* ---- reading the record ----------------------------------------------------------------- */

/* ---- reading resources ------------------------------------------------------------------ */

/* The code of the first coding whose system contains want (e.g. "ICD10"), else the first. */
static const char *concept_code(const json_t *cc, const char *want)
{
    const json_t *codings = json_object_get(cc, "coding");
    for (size_t i = 0; i < json_array_size(codings); i++)
        if (strstr(fhir_json_str(json_array_get(codings, i), "system"), want))
            return fhir_json_str(json_array_get(codings, i), "code");
    return fhir_json_str(json_array_get(codings, 0), "code");
}

/* The first coding's code of a status CodeableConcept ("active", "resolved", …). */
static const char *status_code(const json_t *res, const char *key)
{
    return fhir_json_str(json_array_get(json_object_get(json_object_get(res, key), "coding"), 0),
                         "code");
}

/* "YYYY-MM-DD" from a FHIR date or dateTime (its local date), "" if it is not one. */
static void date_of(const char *s, char out[11])
{
    int y, m, d;
    snprintf(out, 11, "%s", s ? s : "");
    if (strlen(out) != 10 || !clock_parse_date(out, &y, &m, &d))
        out[0] = '\0';
}

static bool append(struct error *err, json_t *list, json_t *item)
{
    if (!item || json_array_append_new(list, item) != 0)
        return error_set(err, ERR_NOMEM, "referral draft");
    return true;
}

/* s as the letter may hold it (docs/api/referrals.md): at most max characters, without control
 * characters other than line feeds and tabs. In the request's arena. */
static const char *clip(struct request *req, const char *s, size_t max)
{
    size_t n = strlen(s), chars = 0, len = 0;
    char *out = arena_alloc(req->op.arena, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            continue;
        if ((c & 0xC0) != 0x80 && chars++ == max) /* the next character would be one too many */
            break;
        out[len++] = (char)c;
    }
    out[len] = '\0';
    return out;
}

/* ---- problems and history --------------------------------------------------------------- */

struct conditions {
    json_t *diagnoses; /* active: [{text, code, onset}] */
    struct strbuf history;
    int past;
};

static bool add_condition(struct error *err, struct request *req, json_t *res, void *arg)
{
    struct conditions *c = arg;
    const char *clinical = status_code(res, "clinicalStatus");
    const char *verification = status_code(res, "verificationStatus");
    if (!strcmp(verification, "refuted") || !strcmp(verification, "entered-in-error"))
        return true;
    const json_t *code = json_object_get(res, "code");
    char onset[11], abated[11];
    date_of(fhir_json_str(res, "onsetDateTime")[0]
                ? fhir_json_str(res, "onsetDateTime")
                : fhir_json_str(json_object_get(res, "onsetPeriod"), "start"),
            onset);
    if (!strcmp(clinical, "active") || !strcmp(clinical, "recurrence") ||
        !strcmp(clinical, "relapse")) {
        if (json_array_size(c->diagnoses) >= PROBLEMS_MAX)
            return true;
        return append(err, c->diagnoses,
                      json_pack("{s:s, s:s, s:s}", "text",
                                clip(req, fhir_concept_text(code), TEXT_SHORT), "code",
                                clip(req, concept_code(code, "ICD10"), 40), "onset", onset));
    }
    if (c->past >= HISTORY_MAX || !fhir_concept_text(code)[0])
        return true;
    /* 既往歴: 急性化膿性虫垂炎（2019年12月〜2020年2月） */
    date_of(fhir_json_str(res, "abatementDateTime"), abated);
    char period[64] = "";
    if (onset[0] && abated[0] && strncmp(abated, onset, 7) != 0)
        snprintf(period, sizeof period, "（%.4s年%d月〜%.4s年%d月）", onset, atoi(onset + 5),
                 abated, atoi(abated + 5));
    else if (onset[0])
        snprintf(period, sizeof period, "（%.4s年%d月）", onset, atoi(onset + 5));
    strbuf_printf(&c->history, "%s%s%s", c->past++ ? "、" : "既往歴: ", fhir_concept_text(code),
                  period);
    return true;
}

static bool problems(struct error *err, struct request *req, json_t *letter)
{
    struct conditions c = {.diagnoses = json_object_get(letter, "diagnoses")};
    const struct fhir_qparam active[] = {{"clinical-status", "active,recurrence,relapse"},
                                         {"_sort", "-onset-date"},
                                         {"_count", "100"}};
    const struct fhir_qparam past[] = {{"clinical-status", "resolved,remission,inactive"},
                                       {"_sort", "onset-date"},
                                       {"_count", "100"}};
    bool ok = fhir_record_each(err, req, "Condition", active, 3, add_condition, &c) &&
              fhir_record_each(err, req, "Condition", past, 3, add_condition, &c);
    if (ok && c.past > 0) {
        strbuf_puts(&c.history, "。");
        ok = json_object_set_new(letter, "history", json_string(clip(req, c.history.buf, 8000))) ==
             0;
    }
    strbuf_release(&c.history);
    return ok || err->code || error_set(err, ERR_NOMEM, "referral draft");
}

/* ---- medications ------------------------------------------------------------------------ */

/* "1回1錠 1日2回" from a Dosage without text. */
static void dosage_text(const json_t *dosage, struct strbuf *out)
{
    const json_t *dose =
        json_object_get(json_array_get(json_object_get(dosage, "doseAndRate"), 0), "doseQuantity");
    const json_t *repeat = json_object_get(json_object_get(dosage, "timing"), "repeat");
    if (json_is_number(json_object_get(dose, "value")))
        strbuf_printf(out, " 1回%g%s", json_number_value(json_object_get(dose, "value")),
                      fhir_json_str(dose, "unit"));
    if (json_is_integer(json_object_get(repeat, "frequency")) &&
        !strcmp(fhir_json_str(repeat, "periodUnit"), "d"))
        strbuf_printf(out, " 1日%lld回",
                      (long long)json_integer_value(json_object_get(repeat, "frequency")));
}

static bool add_medication(struct error *err, struct request *req, json_t *res, void *arg)
{
    json_t *list = arg;
    if (json_array_size(list) >= MEDICATIONS_MAX)
        return true;
    const json_t *cc = json_object_get(res, "medicationCodeableConcept");
    const char *name = cc ? fhir_concept_text(cc)
                          : fhir_json_str(json_object_get(res, "medicationReference"), "display");
    if (!name[0])
        return true;
    const json_t *dosage = json_array_get(json_object_get(res, "dosageInstruction"), 0);
    if (!dosage)
        dosage = json_array_get(json_object_get(res, "dosage"), 0); /* MedicationStatement */
    struct strbuf text = {0};
    strbuf_puts(&text, name);
    if (fhir_json_str(dosage, "text")[0])
        strbuf_printf(&text, " %s", fhir_json_str(dosage, "text"));
    else
        dosage_text(dosage, &text);
    /* the same drug and dosage from two organisations once */
    bool seen = false;
    for (size_t i = 0; i < json_array_size(list); i++)
        seen |= !strcmp(fhir_json_str(json_array_get(list, i), "text"), text.buf);
    bool ok = seen || append(err, list, json_pack("{s:s}", "text", clip(req, text.buf, 500)));
    strbuf_release(&text);
    return ok;
}

static bool medications(struct error *err, struct request *req, json_t *letter)
{
    json_t *list = json_object_get(letter, "medications");
    const struct fhir_qparam requests[] = {
        {"status", "active"}, {"_sort", "-authoredon"}, {"_count", "100"}};
    const struct fhir_qparam statements[] = {
        {"status", "active"}, {"_sort", "-effective"}, {"_count", "100"}};
    return fhir_record_each(err, req, "MedicationRequest", requests, 3, add_medication, list) &&
           fhir_record_each(err, req, "MedicationStatement", statements, 3, add_medication, list);
}

/* ---- allergies -------------------------------------------------------------------------- */

static bool add_allergy(struct error *err, struct request *req, json_t *res, void *arg)
{
    json_t *list = arg;
    const char *clinical = status_code(res, "clinicalStatus");
    const char *verification = status_code(res, "verificationStatus");
    if (json_array_size(list) >= ALLERGIES_MAX || !strcmp(clinical, "inactive") ||
        !strcmp(clinical, "resolved") || !strcmp(verification, "refuted") ||
        !strcmp(verification, "entered-in-error"))
        return true;
    const char *name = fhir_concept_text(json_object_get(res, "code"));
    if (!name[0])
        return true;
    struct strbuf reaction = {0};
    const json_t *reactions = json_object_get(res, "reaction");
    for (size_t i = 0; i < json_array_size(reactions); i++) {
        const json_t *m = json_object_get(json_array_get(reactions, i), "manifestation");
        for (size_t k = 0; k < json_array_size(m); k++)
            if (fhir_concept_text(json_array_get(m, k))[0])
                strbuf_printf(&reaction, "%s%s", reaction.len ? "、" : "",
                              fhir_concept_text(json_array_get(m, k)));
    }
    bool ok = append(err, list,
                     json_pack("{s:s, s:s}", "text", clip(req, name, TEXT_SHORT), "reaction",
                               clip(req, reaction.buf ? reaction.buf : "", TEXT_SHORT)));
    strbuf_release(&reaction);
    return ok;
}

static bool allergies(struct error *err, struct request *req, json_t *letter)
{
    const struct fhir_qparam params[] = {{"_sort", "-date"}, {"_count", "100"}};
    return fhir_record_each(err, req, "AllergyIntolerance", params, 2, add_allergy,
                            json_object_get(letter, "allergies"));
}

/* ---- a summary for another feature (an emergency transfer) ------------------------------ */

json_t *referral_record_summary(struct error *err, struct request *req)
{
    json_t *parts = json_pack("{s:[], s:s, s:[], s:[]}", "diagnoses", "history", "", "medications",
                              "allergies");
    if (!parts)
        return error_set(err, ERR_NOMEM, "record summary"), NULL;
    if (!problems(err, req, parts) || !medications(err, req, parts) ||
        !allergies(err, req, parts)) {
        json_decref(parts);
        return NULL;
    }
    json_t *out = json_pack("{s:O, s:O, s:O}", "problems", json_object_get(parts, "diagnoses"),
                            "medications", json_object_get(parts, "medications"), "allergies",
                            json_object_get(parts, "allergies"));
    json_decref(parts);
    return out ? out : (error_set(err, ERR_NOMEM, "record summary"), NULL);
}

/* ---- laboratory results ----------------------------------------------------------------- */

struct labs {
    json_t *list;
    json_t *seen;  /* test code → true */
    char from[11]; /* the window's first day: LAB_WINDOW_DAYS before the newest result */
};

/* A unit as people read it: UCUM's body surface "{1.73_m2}" or "1.73m2" as 1.73m². */
static const char *unit_text(struct request *req, const char *unit)
{
    const char *at = strstr(unit, "{1.73_m2}");
    size_t skip = at ? strlen("{1.73_m2}") : 0;
    if (!at && (at = strstr(unit, "1.73m2")) != NULL)
        skip = strlen("1.73m2");
    if (!at)
        return unit;
    return arena_printf(req->op.arena, "%.*s1.73m²%s", (int)(at - unit), unit, at + skip);
}

/* A result as text: "7.0 %", with （高値） or （低値） when flagged. */
static char *lab_value(struct request *req, const json_t *res)
{
    struct strbuf out = {0};
    const json_t *q = json_object_get(res, "valueQuantity");
    if (json_is_number(json_object_get(q, "value"))) {
        char *number =
            json_dumps(json_object_get(q, "value"), JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
        strbuf_printf(&out, "%s%s%s", number ? number : "", fhir_json_str(q, "unit")[0] ? " " : "",
                      unit_text(req, fhir_json_str(q, "unit")[0] ? fhir_json_str(q, "unit")
                                                                 : fhir_json_str(q, "code")));
        free(number);
    } else if (fhir_json_str(res, "valueString")[0]) {
        strbuf_puts(&out, fhir_json_str(res, "valueString"));
    } else {
        strbuf_puts(&out, fhir_concept_text(json_object_get(res, "valueCodeableConcept")));
    }
    const json_t *interp = json_array_get(json_object_get(res, "interpretation"), 0);
    const char *code = concept_code(interp, "ObservationInterpretation");
    const char *flag = fhir_json_str(interp, "text")[0]            ? fhir_json_str(interp, "text")
                       : !strcmp(code, "H") || !strcmp(code, "HH") ? "高値"
                       : !strcmp(code, "L") || !strcmp(code, "LL") ? "低値"
                                                                   : "";
    if (flag[0] && out.len)
        strbuf_printf(&out, "（%s）", flag);
    return strbuf_steal(&out);
}

static bool add_lab(struct error *err, struct request *req, json_t *res, void *arg)
{
    struct labs *l = arg;
    const char *status = fhir_json_str(res, "status");
    char date[11];
    date_of(fhir_json_str(res, "effectiveDateTime")[0] ? fhir_json_str(res, "effectiveDateTime")
            : fhir_json_str(res, "effectiveInstant")[0]
                ? fhir_json_str(res, "effectiveInstant")
                : fhir_json_str(json_object_get(res, "effectivePeriod"), "start"),
            date);
    if (!date[0] || !strcmp(status, "entered-in-error") || !strcmp(status, "cancelled"))
        return true;
    if (!l->from[0]) { /* the newest result comes first */
        int y, m, d;
        char iso[32];
        clock_parse_date(date, &y, &m, &d);
        clock_format_iso((clock_days_from_civil(y, m, d) - LAB_WINDOW_DAYS) * INT64_C(86400000),
                         iso);
        snprintf(l->from, sizeof l->from, "%.10s", iso);
    }
    const json_t *code = json_object_get(res, "code");
    const json_t *coding = json_array_get(json_object_get(code, "coding"), 0);
    char *key = NULL;
    if (strcmp(date, l->from) < 0 || json_array_size(l->list) >= LABS_MAX ||
        asprintf(&key, "%s|%s|%s", fhir_json_str(coding, "system"), fhir_json_str(coding, "code"),
                 coding ? "" : fhir_concept_text(code)) < 0)
        return true;
    bool ok = true;
    if (!json_object_get(l->seen, key) &&
        fhir_concept_text(code)[0]) { /* the latest of each test */
        char *value = lab_value(req, res);
        json_object_set_new(l->seen, key, json_true());
        ok = append(err, l->list,
                    json_pack("{s:s, s:s, s:s}", "text",
                              clip(req, fhir_concept_text(code), TEXT_SHORT), "value",
                              clip(req, value, 100), "date", date));
        free(value);
    }
    free(key);
    return ok;
}

static bool lab_results(struct error *err, struct request *req, json_t *letter)
{
    struct labs l = {.list = json_object_get(letter, "labs"), .seen = json_object()};
    const struct fhir_qparam params[] = {
        {"category", "laboratory"}, {"_sort", "-date"}, {"_count", "500"}};
    bool ok = l.seen && fhir_record_each(err, req, "Observation", params, 3, add_lab, &l);
    json_decref(l.seen);
    return ok || err->code || error_set(err, ERR_NOMEM, "referral draft");
}

/* ---- documents and imaging -------------------------------------------------------------- */

/* A DocumentReference as "退院時サマリー（2026年6月16日） 慢性心不全の急性増悪". */
static bool add_docref(struct error *err, struct request *req, json_t *res, void *arg)
{
    json_t *list = arg;
    if (json_array_size(list) >= DOCUMENTS_MAX)
        return true;
    const json_t *attachment =
        json_object_get(json_array_get(json_object_get(res, "content"), 0), "attachment");
    const char *title = fhir_json_str(attachment, "title")[0]
                            ? fhir_json_str(attachment, "title")
                            : fhir_concept_text(json_object_get(res, "type"));
    const char *description = fhir_json_str(res, "description");
    if (!title[0] || (description[0] && strstr(description, title)))
        title = description[0] ? description : "文書"; /* 診療情報提供書(…宛) says more */
    char date[11], date_ja[64] = "";
    date_of(fhir_json_str(res, "date"), date);
    if (date[0])
        letter_pdf_date_ja(date, date_ja, sizeof date_ja);
    struct strbuf text = {0};
    strbuf_printf(&text, "%s%s%s%s", title, date_ja[0] ? "（" : "", date_ja,
                  date_ja[0] ? "）" : "");
    if (description[0] && strcmp(description, title) != 0)
        strbuf_printf(&text, " %s", description);
    bool ok = append(
        err, list,
        json_pack("{s:s, s:s}", "reference",
                  arena_printf(req->op.arena, "DocumentReference/%s", fhir_json_str(res, "id")),
                  "title", clip(req, text.buf, TEXT_SHORT)));
    strbuf_release(&text);
    return ok;
}

/* Attached documents are DocumentReferences (a Composition is attached through the
 * DocumentReference that stands for it). Studies of the archive are attached by the sender in
 * the form (letter.imaging by study_uid, shared with the receiver): none by default. */
static bool documents(struct error *err, struct request *req, json_t *letter)
{
    const struct fhir_qparam docrefs[] = {
        {"status", "current"}, {"_sort", "-date"}, {"_count", "100"}};
    return fhir_record_each(err, req, "DocumentReference", docrefs, 3, add_docref,
                            json_object_get(letter, "documents"));
}

/* ---- a reverse referral: from the reply --------------------------------------------------- */

/* The referral reverse_of names: of this patient, received by the caller's organisation (whose
 * reverse referral the draft is for); a field error otherwise, which does not tell whether some
 * other referral has that id. */
static bool answered_referral(struct error *err, struct request *req, const char *rid,
                              struct referral_row *r)
{
    struct error e = {0};
    if (ids_uuid_valid(rid) && referral_load(&e, req, rid, r) &&
        strcmp(r->patient_id, req->patient_id) == 0 &&
        strcmp(r->to_org, req->op.principal.org_id) == 0 && strcmp(r->kind, "referral") == 0)
        return true;
    if (e.code && e.code != ERR_REFERRAL_NOT_FOUND) {
        *err = e;
        return false;
    }
    return error_set(err, ERR_FIELD_VALUE, "reverse_of");
}

/* The reverse referral's letter starts from the reply just written (返書): its diagnosis leads
 * the diagnoses, its findings and treatment are the course, its plan the follow-up, its remarks
 * the remarks. The purpose is the physician's to write. */
static bool from_reply(struct error *err, struct request *req, json_t *letter, const char *text)
{
    json_t *reply = text ? json_loads(text, 0, NULL) : NULL;
    if (!reply)
        return true; /* seen, not answered yet: the record only */
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, reply);
    const char *diagnosis = fhir_json_str(reply, "diagnosis"),
               *findings = fhir_json_str(reply, "findings");
    const char *treatment = fhir_json_str(reply, "treatment");
    if (diagnosis[0] &&
        json_array_insert_new(json_object_get(letter, "diagnoses"), 0,
                              json_pack("{s:s, s:s, s:s}", "text", clip(req, diagnosis, TEXT_SHORT),
                                        "code", "", "onset", "")) != 0)
        return error_set(err, ERR_NOMEM, "referral draft");
    const char *course = arena_printf(req->op.arena, "%s%s%s", findings,
                                      findings[0] && treatment[0] ? "\n" : "", treatment);
    json_object_set_new(letter, "course", json_string(clip(req, course, 8000)));
    json_object_set_new(letter, "follow_up",
                        json_string(clip(req, fhir_json_str(reply, "plan"), 8000)));
    json_object_set_new(letter, "remarks",
                        json_string(clip(req, fhir_json_str(reply, "remarks"), 8000)));
    return true;
}

/* ---- the route -------------------------------------------------------------------------- */

bool referrals_draft_get(struct error *err, struct request *req)
{
    struct referral_row answered;
    if (!request_query_check(err, req, (const char *const[]){"reverse_of", NULL}))
        return false;
    const char *reverse_of = request_query(req, "reverse_of");
    if (reverse_of && !answered_referral(err, req, reverse_of, &answered))
        return false;
    json_t *letter = json_pack("{s:s, s:s, s:[], s:s, s:s, s:[], s:[], s:[], s:[], s:[], s:s, s:s}",
                               "purpose_text", "", "chief_complaint", "", "diagnoses", "history",
                               "", "course", "", "medications", "allergies", "labs", "documents",
                               "imaging", "follow_up", "", "remarks", "");
    if (!letter)
        return error_set(err, ERR_NOMEM, "referral draft");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, letter);
    if (!problems(err, req, letter) || !medications(err, req, letter) ||
        !allergies(err, req, letter) || !lab_results(err, req, letter) ||
        !documents(err, req, letter) ||
        (reverse_of && !from_reply(err, req, letter, answered.reply)))
        return false;
    response_json(req, 200, json_pack("{s:O}", "letter", letter));
    return true;
}
