/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo region's clinical history (demo_clinical.h): the walk over the patients, the
 * catalogues (diagnoses, allergens, drugs, laboratory tests) and one builder per kind of record.
 * The stories are in demo_clinical_story.c, the documents in demo_clinical_docs.c.
 *
 * Codes: ICD-10 (MHLW 2013), MEDIS 病名交換用コード only where the code is known, YJ codes of
 * real products, JLAC10 17-digit codes, UCUM units (docs: /work/shared/GLOSSARY.md).
 */
#include "demo/demo_clinical_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"

#define SYS_ICD10 "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full"
#define SYS_MEDIS "http://medis.or.jp/CodeSystem/master-disease-exCode"
#define SYS_YJ "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code"
#define SYS_JLAC10 "http://medis.or.jp/CodeSystem/master-JLAC10-17digits"
#define SYS_UCUM "http://unitsofmeasure.org"
#define SYS_RECORD_CATEGORY "https://tsunagu.example.jp/fhir/CodeSystem/record-category"
#define TERM "http://terminology.hl7.org/CodeSystem/"

/* ------------------------------------------------------------------------------------------- */
/* Catalogues                                                                                   */

static const struct dx diagnoses[] = {
    {"t2dm", "2型糖尿病", "E11.9", NULL},
    {"htn", "高血圧症", "I10", NULL},
    {"dyslipidemia", "脂質異常症", "E78.5", NULL},
    {"ckd", "慢性腎臓病", "N18.3", NULL},
    {"af", "心房細動", "I48", NULL},
    {"chf", "慢性心不全", "I50.0", NULL},
    {"osteoporosis", "骨粗鬆症", "M81.9", NULL},
    {"dementia", "アルツハイマー型認知症", "G30.9", NULL},
    {"stroke_sequela", "脳梗塞後遺症", "I69.3", NULL},
    {"copd", "慢性閉塞性肺疾患", "J44.9", NULL},
    {"knee_oa", "変形性膝関節症", "M17.9", NULL},
    {"insomnia", "不眠症", "G47.0", NULL},
    /* episodes that resolved */
    {"appendicitis", "急性化膿性虫垂炎", "K35.8", "HR19"},
    {"radius_fx", "橈骨遠位端骨折", "S52.5", "CJTR"},
    {"colitis", "大腸炎", "K52.9", "VSES"},
    {"aspiration_pneumonia", "誤嚥性肺炎", "J69.0", NULL},
    {"pneumonia", "肺炎", "J18.9", NULL},
    {"uti", "尿路感染症", "N39.0", NULL},
    {"hip_fx", "大腿骨頸部骨折", "S72.0", NULL},
    /* infections (感染症) */
    {"mrsa", "MRSA保菌", "Z22.3", NULL},
    {"hbv", "B型肝炎ウイルスキャリア", "Z22.5", NULL},
};

static const struct allergen allergens[] = {
    {"penicillin", "ペニシリン系抗菌薬", "medication", "high", "全身蕁麻疹・呼吸困難", "severe"},
    {"iodine", "ヨード造影剤", "medication", "high", "血圧低下・嘔吐", "severe"},
    {"loxoprofen", "ロキソプロフェン", "medication", "low", "蕁麻疹", "mild"},
    {"cephem", "セフェム系抗菌薬", "medication", "low", "薬疹", "moderate"},
    {"buckwheat", "そば", "food", "high", "アナフィラキシー", "severe"},
    {"egg", "鶏卵", "food", "low", "口腔内のかゆみ", "mild"},
    {"shrimp", "えび", "food", "low", "蕁麻疹", "moderate"},
    {"cedar", "スギ花粉", "environment", "low", "鼻汁・くしゃみ", "mild"},
    {"latex", "ラテックス", "environment", "high", "接触部位の発赤・腫脹", "moderate"},
    {"tape", "絆創膏(アクリル系粘着剤)", "environment", "low", "接触皮膚炎", "mild"},
};

static const struct drug drugs[] = {
    {"amlodipine", "2171022F1029", "ノルバスク錠2.5mg", "1回1錠 1日1回 朝食後", "PCM", 1, 1, "錠"},
    {"metformin", "3962002F2027", "メトグルコ錠250mg", "1回1錠 1日2回 朝夕食後", "PC", 2, 1, "錠"},
    {"empagliflozin", "3969023F1023", "ジャディアンス錠10mg", "1回1錠 1日1回 朝食後", "PCM", 1, 1,
     "錠"},
    {"glimepiride", "3961008F1217", "グリメピリド錠1mg「サワイ」", "1回1錠 1日1回 朝食後", "PCM", 1,
     1, "錠"},
    {"atorvastatin", "2189015F2020", "リピトール錠10mg", "1回1錠 1日1回 夕食後", "PCV", 1, 1, "錠"},
    {"warfarin", "3332001F1067", "ワーファリン錠1mg", "1回2錠 1日1回 朝食後", "PCM", 1, 2, "錠"},
    {"furosemide", "2139005F1060", "フロセミド錠20mg", "1回1錠 1日1回 朝食後", "PCM", 1, 1, "錠"},
    {"donepezil", "1190012F2026", "アリセプト錠5mg", "1回1錠 1日1回 朝食後", "PCM", 1, 1, "錠"},
    {"magnesium", "2344009F1086", "酸化マグネシウム錠330mg「ケンエー」", "1回1錠 1日3回 毎食後",
     "PC", 3, 1, "錠"},
    {"loxoprofen", "1149019F1706", "ロキソニン錠60mg", "1回1錠 1日3回 毎食後", "PC", 3, 1, "錠"},
    {"lansoprazole", "2329023F1101", "ランソプラゾールOD錠15mg「サワイ」", "1回1錠 1日1回 朝食後",
     "PCM", 1, 1, "錠"},
    {"fexofenadine", "4490023F1270", "アレグラ錠60mg", "1回1錠 1日2回 朝夕食後", "PC", 2, 1, "錠"},
};

/* Reference ranges: JCCLS common reference intervals (共用基準範囲); eGFR has a lower bound only.
 */
static const struct lab lab_tests[] = {
    {"hba1c", "3D046000001906202", "HbA1c(NGSP)", "%", 4.9, 6.0, 1, 0, 0},
    {"cre", "3C015000002327101", "クレアチニン", "mg/dL", 0.46, 0.79, 2, 0.65, 1.07},
    {"egfr", "8A065000002391901", "eGFR(クレアチニン)", "mL/min/{1.73_m2}", 60, 0, 1, 0, 0},
    {"k", "3H015000002326101", "カリウム", "mmol/L", 3.6, 4.8, 1, 0, 0},
    {"ldl", "3F077000002327101", "LDLコレステロール", "mg/dL", 65, 163, 0, 0, 0},
    {"ast", "3B035000002327201", "AST", "U/L", 13, 30, 0, 0, 0},
    {"alt", "3B045000002327201", "ALT", "U/L", 7, 23, 0, 10, 42},
    {"hb", "2A030000001930101", "ヘモグロビン", "g/dL", 11.6, 14.8, 1, 13.7, 16.8},
};

#define FIND(table, key)                                                                           \
    do {                                                                                           \
        for (size_t k_ = 0; k_ < sizeof table / sizeof table[0]; k_++)                             \
            if (strcmp(table[k_].key, key) == 0)                                                   \
                return &table[k_];                                                                 \
        return NULL;                                                                               \
    } while (0)

const struct dx *clinical_dx(const char *key)
{
    FIND(diagnoses, key);
}

const struct allergen *clinical_allergen(const char *key)
{
    FIND(allergens, key);
}

const struct drug *clinical_drug(const char *key)
{
    FIND(drugs, key);
}

const struct lab *clinical_lab_test(const char *key)
{
    FIND(lab_tests, key);
}

const char *clinical_recorder(const char *org_code)
{
    static const char *const preference[] = {"physician",    "nurse", "pharmacist", "therapist",
                                             "care_manager", "msw",   "clerk"};
    for (size_t p = 0; p < sizeof preference / sizeof preference[0]; p++)
        for (int u = 0; u < demo_user_count; u++)
            for (int m = 0; m < demo_users[u].membership_count; m++)
                if (strcmp(demo_users[u].memberships[m].org_code, org_code) == 0 &&
                    strcmp(demo_users[u].profession, preference[p]) == 0)
                    return demo_users[u].login;
    return NULL;
}

/* ------------------------------------------------------------------------------------------- */
/* Generator helpers                                                                            */

void demo_clinical_uuid(char out[UUID_STR_LEN], const char *kind, const char *key)
{
    char text[160];
    unsigned char h[crypto_hash_sha256_BYTES];
    int n = snprintf(text, sizeof(text), "tsunagu-demo/%s/%s", kind, key);
    crypto_hash_sha256(h, (const unsigned char *)text, (unsigned long long)n);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8 */
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* variant 10 */
    snprintf(out, UUID_STR_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
             h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
             h[15]);
}

/* splitmix64 */
int clinical_below(struct gen *g, int n)
{
    uint64_t z = (g->rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return (int)((z ^ (z >> 31)) % (uint64_t)n);
}

json_t *clinical_start(struct gen *g, const char *type, char id[UUID_STR_LEN])
{
    char key[32];
    snprintf(key, sizeof key, "%d/%d", g->index, ++g->seq);
    demo_clinical_uuid(id, type, key);
    return json_pack("{s:s, s:s}", "resourceType", type, "id", id);
}

bool clinical_emit(struct gen *g, json_t *res, const char *org_code)
{
    const char *login = clinical_recorder(org_code);
    if (!res || !login) {
        json_decref(res);
        return error_set(g->err, ERR_INTERNAL, "demo clinical resource %d/%d", g->index, g->seq);
    }
    struct demo_resource r = {.resource = res, .org_code = org_code, .user_login = login};
    bool ok = g->fn(g->err, &r, g->arg);
    json_decref(res);
    return ok;
}

void clinical_date_add(char out[11], const char *date, int days)
{
    int y = 2000, m = 1, d = 1;
    clock_parse_date(date, &y, &m, &d);
    char iso[32];
    clock_format_iso((clock_days_from_civil(y, m, d) + days) * INT64_C(86400000), iso);
    snprintf(out, 11, "%.10s", iso);
}

void clinical_datetime(char out[32], const char *date, int hour, int minute)
{
    snprintf(out, 32, "%.10sT%02d:%02d:00+09:00", date, hour % 24, minute % 60);
}

json_t *clinical_coding(const char *system, const char *code, const char *display)
{
    return json_pack("{s:s, s:s, s:s}", "system", system, "code", code, "display", display);
}

/* The same with Japanese text. */
static json_t *concept_ja(const char *system, const char *code, const char *display,
                          const char *text)
{
    json_t *cc = clinical_concept(system, code, display);
    json_object_set_new(cc, "text", json_string(text));
    return cc;
}

json_t *clinical_concept(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[o], s:s}", "coding", clinical_coding(system, code, display), "text",
                     display);
}

json_t *clinical_text(const char *text)
{
    return json_pack("{s:s}", "text", text);
}

json_t *clinical_ref(const char *type, const char *id)
{
    char ref[96];
    snprintf(ref, sizeof ref, "%s/%s", type, id);
    return json_pack("{s:s}", "reference", ref);
}

json_t *clinical_org_ref(const char *org_code)
{
    char id[UUID_STR_LEN];
    const struct demo_org *org = demo_org_find(org_code);
    demo_clinical_uuid(id, "org", org_code);
    json_t *ref = clinical_ref("Organization", id);
    if (org)
        json_object_set_new(ref, "display", json_string(org->name));
    return ref;
}

json_t *clinical_patient_ref(const struct gen *g)
{
    return json_pack("{s:s, s:s}", "reference", g->patient_ref, "display", g->patient.name);
}

json_t *clinical_narrative(const char *text)
{
    char div[1024];
    snprintf(div, sizeof div, "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>%s</p></div>", text);
    return json_pack("{s:s, s:s}", "status", "generated", "div", div);
}

/* ------------------------------------------------------------------------------------------- */
/* Records                                                                                      */

static json_t *status_concept(const char *system, const char *code)
{
    return json_pack("{s:[o]}", "coding", json_pack("{s:s, s:s}", "system", system, "code", code));
}

static json_t *condition_code(const struct dx *dx)
{
    json_t *codings = json_pack("[o]", clinical_coding(SYS_ICD10, dx->icd10, dx->name));
    if (dx->medis)
        json_array_append_new(codings, clinical_coding(SYS_MEDIS, dx->medis, dx->name));
    return json_pack("{s:o, s:s}", "coding", codings, "text", dx->name);
}

bool clinical_condition(struct gen *g, const char *org, const struct dx *dx, const char *onset,
                        const char *abated, bool infection, char id[UUID_STR_LEN])
{
    json_t *res = clinical_start(g, "Condition", id);
    json_t *category = json_pack("[o]", concept_ja(TERM "condition-category", "problem-list-item",
                                                   "Problem List Item", "傷病名"));
    if (infection)
        json_array_append_new(category,
                              clinical_concept(SYS_RECORD_CATEGORY, "infection", "感染症"));
    json_object_set_new(res, "clinicalStatus",
                        status_concept(TERM "condition-clinical", abated ? "resolved" : "active"));
    json_object_set_new(res, "verificationStatus",
                        status_concept(TERM "condition-ver-status", "confirmed"));
    json_object_set_new(res, "category", category);
    json_object_set_new(res, "code", condition_code(dx));
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "onsetDateTime", json_string(onset));
    if (abated)
        json_object_set_new(res, "abatementDateTime", json_string(abated));
    json_object_set_new(res, "recordedDate", json_string(abated ? abated : onset));
    return clinical_emit(g, res, org);
}

bool clinical_allergy(struct gen *g, const char *org, const struct allergen *a,
                      const char *recorded)
{
    char id[UUID_STR_LEN];
    json_t *res = clinical_start(g, "AllergyIntolerance", id);
    json_t *reaction = json_pack("{s:[o], s:s}", "manifestation", clinical_text(a->manifestation),
                                 "severity", a->severity);
    json_object_set_new(res, "clinicalStatus",
                        status_concept(TERM "allergyintolerance-clinical", "active"));
    json_object_set_new(res, "verificationStatus",
                        status_concept(TERM "allergyintolerance-verification", "confirmed"));
    json_object_set_new(res, "type", json_string("allergy"));
    json_object_set_new(res, "category", json_pack("[s]", a->category));
    json_object_set_new(res, "criticality", json_string(a->criticality));
    json_object_set_new(res, "code", clinical_text(a->name));
    json_object_set_new(res, "patient", clinical_patient_ref(g));
    json_object_set_new(res, "recordedDate", json_string(recorded));
    json_object_set_new(res, "reaction", json_pack("[o]", reaction));
    return clinical_emit(g, res, org);
}

bool clinical_flag(struct gen *g, const char *org, const char *text, const char *start)
{
    char id[UUID_STR_LEN];
    json_t *res = clinical_start(g, "Flag", id);
    json_t *category = clinical_concept(TERM "flag-category", "drug", "Drug");
    json_object_set_new(category, "text", json_string("薬剤禁忌"));
    json_object_set_new(res, "status", json_string("active"));
    json_object_set_new(res, "category", json_pack("[o]", category));
    json_object_set_new(res, "code", clinical_text(text));
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "period", json_pack("{s:s}", "start", start));
    json_object_set_new(res, "author", clinical_org_ref(org));
    return clinical_emit(g, res, org);
}

static json_t *dosage(const struct drug *d)
{
    json_t *repeat = json_pack("{s:i, s:i, s:s, s:[s]}", "frequency", d->per_day, "period", 1,
                               "periodUnit", "d", "when", d->when);
    json_t *dose = json_pack("{s:{s:f, s:s}}", "doseQuantity", "value", d->dose, "unit", d->unit);
    return json_pack("[{s:s, s:{s:o}, s:o, s:[o]}]", "text", d->dosage, "timing", "repeat", repeat,
                     "route", clinical_text("内服"), "doseAndRate", dose);
}

bool clinical_prescription(struct gen *g, const char *org, const struct drug *d,
                           const char *authored, bool active, char id[UUID_STR_LEN])
{
    json_t *res = clinical_start(g, "MedicationRequest", id);
    char when[32];
    clinical_datetime(when, authored, 10, 30);
    json_object_set_new(res, "status", json_string(active ? "active" : "completed"));
    json_object_set_new(res, "intent", json_string("order"));
    json_object_set_new(res, "category",
                        json_pack("[o]", concept_ja(TERM "medicationrequest-category", "outpatient",
                                                    "Outpatient", "外来処方")));
    json_object_set_new(res, "medicationCodeableConcept", clinical_concept(SYS_YJ, d->yj, d->name));
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "authoredOn", json_string(when));
    json_object_set_new(res, "requester", clinical_org_ref(org));
    json_object_set_new(res, "dosageInstruction", dosage(d));
    json_object_set_new(res, "dispenseRequest",
                        json_pack("{s:{s:i, s:s, s:s, s:s}}", "expectedSupplyDuration", "value", 28,
                                  "unit", "日", "system", SYS_UCUM, "code", "d"));
    return clinical_emit(g, res, org);
}

/* value rounded to the test's decimals, without libm */
static double rounded(double value, int decimals)
{
    double scale = decimals == 0 ? 1 : decimals == 1 ? 10 : 100;
    return (double)(long long)(value * scale + (value < 0 ? -0.5 : 0.5)) / scale;
}

static json_t *quantity(const struct lab *t, double value)
{
    return json_pack("{s:f, s:s, s:s, s:s}", "value", rounded(value, t->decimals), "unit",
                     strcmp(t->ucum, "mL/min/{1.73_m2}") == 0 ? "mL/min/1.73m2" : t->ucum, "system",
                     SYS_UCUM, "code", t->ucum);
}

static json_t *reference_range(const struct lab *t)
{
    json_t *range = json_pack("{s:o}", "low", quantity(t, t->low));
    if (t->high > 0)
        json_object_set_new(range, "high", quantity(t, t->high));
    return json_pack("[o]", range);
}

bool clinical_lab(struct gen *g, const char *org, const struct lab *test, const char *date,
                  double value)
{
    char id[UUID_STR_LEN], when[32], issued[32];
    struct lab range = *test;
    if (test->male_low > 0 && strcmp(g->patient.sex, "male") == 0) {
        range.low = test->male_low;
        range.high = test->male_high;
    }
    const struct lab *t = &range;
    json_t *res = clinical_start(g, "Observation", id);
    clinical_datetime(when, date, 9, 30);
    clinical_datetime(issued, date, 14, 0);
    value = rounded(value, t->decimals);
    json_object_set_new(res, "status", json_string("final"));
    json_t *category = clinical_concept(TERM "observation-category", "laboratory", "Laboratory");
    json_object_set_new(category, "text", json_string("検体検査"));
    json_object_set_new(res, "category", json_pack("[o]", category));
    json_object_set_new(res, "code", clinical_concept(SYS_JLAC10, t->jlac10, t->name));
    json_object_set_new(res, "subject", clinical_patient_ref(g));
    json_object_set_new(res, "effectiveDateTime", json_string(when));
    json_object_set_new(res, "issued", json_string(issued));
    json_object_set_new(res, "performer", json_pack("[o]", clinical_org_ref(org)));
    json_object_set_new(res, "valueQuantity", quantity(t, value));
    const char *flag = value < t->low ? "L" : t->high > 0 && value > t->high ? "H" : NULL;
    if (flag) {
        json_t *interp = clinical_concept(TERM "v3-ObservationInterpretation", flag,
                                          flag[0] == 'H' ? "High" : "Low");
        json_object_set_new(interp, "text", json_string(flag[0] == 'H' ? "高値" : "低値"));
        json_object_set_new(res, "interpretation", json_pack("[o]", interp));
    }
    json_object_set_new(res, "referenceRange", reference_range(t));
    return clinical_emit(g, res, org);
}

/* ------------------------------------------------------------------------------------------- */
/* The walk                                                                                     */

#define SEED UINT64_C(0x6B616C7465323032) /* "karte202" */

bool demo_clinical_each(struct error *err, demo_resource_fn fn, void *arg)
{
    for (int i = 0; i < DEMO_PATIENT_COUNT; i++) {
        struct gen g = {.err = err, .fn = fn, .arg = arg, .index = i};
        char key[16], id[UUID_STR_LEN];
        demo_patient_get(i, &g.patient);
        snprintf(key, sizeof key, "%d", i);
        demo_clinical_uuid(id, "patient", key);
        snprintf(g.patient_ref, sizeof g.patient_ref, "Patient/%s", id);
        g.rng = SEED ^ (UINT64_C(0x100000001B3) * (uint64_t)(i + 1));
        if (!(i == 0 ? clinical_patient0(&g) : clinical_generated(&g)))
            return false;
    }
    return true;
}
