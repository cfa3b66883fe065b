/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who had what: patient 0 (山田 花子) gets a rich, hand-written history across みなみ総合病院
 * and あおば在宅クリニック; every other patient a modest one drawn from the catalogues by the
 * fixed-seed generator, recorded only by organisations that see the patient.
 */
#include "demo/demo_clinical_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAB_LAST_DAY "2026-11-15"
#define LAB_DRAWS 9 /* quarterly over two years: 2024-11-17 .. 2026-11-15 */

static void draw_date(char out[11], int k)
{
    clinical_date_add(out, LAB_LAST_DAY, -(LAB_DRAWS - 1 - k) * 91);
}

/* ------------------------------------------------------------------------------------------- */
/* Patient 0: 山田 花子, born 1941, minami-gh and aoba-homecare                                  */

#define GH "minami-gh"
#define AB "aoba-homecare"
#define HOME_CARE_FROM "2026-06-16" /* discharged to home care; aoba draws the labs after that */

static bool p0_labs(struct gen *g)
{
    static const struct {
        const char *test;
        double v[LAB_DRAWS];
    } series[] = {
        /* HbA1c rises, then improves once the regimen changes; eGFR falls slowly; one high K */
        {"hba1c", {7.2, 7.5, 7.9, 8.3, 8.6, 8.1, 7.6, 7.3, 7.0}},
        {"egfr", {52.4, 51.0, 49.3, 48.1, 46.8, 45.2, 44.0, 43.1, 42.3}},
        {"cre", {0.79, 0.81, 0.84, 0.86, 0.88, 0.91, 0.93, 0.95, 0.97}},
        {"k", {4.4, 4.6, 4.5, 4.7, 5.8, 4.6, 4.7, 4.6, 4.5}},
        {"ldl", {128, 122, 118, 110, 104, 98, 96, 94, 92}},
        {"ast", {22, 24, 21, 26, 23, 25, 22, 21, 24}},
        {"alt", {18, 20, 17, 22, 19, 21, 18, 16, 19}},
        {"hb", {11.8, 11.6, 11.5, 11.4, 11.2, 11.3, 11.1, 11.0, 11.2}},
    };
    for (int k = 0; k < LAB_DRAWS; k++) {
        char date[11];
        draw_date(date, k);
        const char *org = strcmp(date, HOME_CARE_FROM) < 0 ? GH : AB;
        for (size_t t = 0; t < sizeof series / sizeof series[0]; t++)
            if (!clinical_lab(g, org, clinical_lab_test(series[t].test), date, series[t].v[k]))
                return false;
    }
    return true;
}

struct p0_ids {
    char htn[UUID_STR_LEN], t2dm[UUID_STR_LEN], lipid[UUID_STR_LEN], ckd[UUID_STR_LEN];
    char af[UUID_STR_LEN], chf[UUID_STR_LEN], mrsa[UUID_STR_LEN], pneumonia[UUID_STR_LEN];
};

static bool p0_background(struct gen *g, struct p0_ids *c)
{
    char id[UUID_STR_LEN];
    return clinical_condition(g, GH, clinical_dx("htn"), "2005-06-01", NULL, false, c->htn) &&
           clinical_condition(g, GH, clinical_dx("t2dm"), "2012-04-10", NULL, false, c->t2dm) &&
           clinical_condition(g, GH, clinical_dx("dyslipidemia"), "2012-04-10", NULL, false,
                              c->lipid) &&
           clinical_condition(g, GH, clinical_dx("osteoporosis"), "2018-03-05", NULL, false, id) &&
           clinical_condition(g, GH, clinical_dx("radius_fx"), "2019-12-20", "2020-02-28", false,
                              id) &&
           clinical_allergy(g, GH, clinical_allergen("penicillin"), "2019-12-22") &&
           clinical_condition(g, GH, clinical_dx("ckd"), "2021-09-15", NULL, false, c->ckd) &&
           clinical_allergy(g, GH, clinical_allergen("iodine"), "2021-09-20");
}

/* 2025-01: aspiration pneumonia; MRSA carriage and atrial fibrillation found in hospital. */
static bool p0_first_stay(struct gen *g, struct p0_ids *c)
{
    static const char *const before[] = {"metformin", "amlodipine", "atorvastatin"};
    char id[UUID_STR_LEN];
    for (int i = 0; i < 3; i++)
        if (!clinical_prescription(g, GH, clinical_drug(before[i]), "2024-11-18", false, id))
            return false;
    struct admission a = {
        .org = GH,
        .start = "2025-01-08",
        .end = "2025-01-22",
        .reason = "誤嚥性肺炎",
        .course = "発熱と湿性咳嗽のため救急搬送。胸部CTで右下葉に浸潤影を認め誤嚥性肺炎として入院。"
                  "ペニシリン系抗菌薬アレルギーのためレボフロキサシン点滴で加療し改善。喀痰培養で"
                  "MRSAを検出、保菌と判断し接触予防策を実施。入院中に心房細動を認めワルファリンを"
                  "開始。嚥下評価のうえ、とろみ食で自宅退院。",
        .disposition = "自宅退院(外来通院継続)",
        .meds_text = "ワーファリン錠1mg 1回2錠 1日1回 朝食後を追加。入院前の内服は継続。",
        .plan = "2週間後に当院内科外来でPT-INRを確認し、ワルファリン量を調整する。"
                "食事はとろみ食を継続し、むせ込みや発熱があれば早めに受診するよう説明した。",
        .med_count = 1,
    };
    if (!clinical_condition(g, GH, clinical_dx("aspiration_pneumonia"), "2025-01-08", "2025-01-22",
                            false, c->pneumonia) ||
        !clinical_condition(g, GH, clinical_dx("mrsa"), "2025-01-10", NULL, true, c->mrsa) ||
        !clinical_condition(g, GH, clinical_dx("af"), "2025-01-12", NULL, false, c->af) ||
        !clinical_prescription(g, GH, clinical_drug("warfarin"), "2025-01-22", false, a.meds[0]))
        return false;
    memcpy(a.reason_condition, c->pneumonia, UUID_STR_LEN);
    return clinical_admission(g, &a) &&
           clinical_flag(g, GH,
                         "ワルファリン併用禁忌: ミコナゾール(経口・ゲル)は併用禁忌。"
                         "NSAIDs・抗菌薬の追加時はPT-INRを確認すること。",
                         "2025-01-22");
}

static const char *const p0_home_meds[] = {"furosemide", "empagliflozin", "warfarin", "amlodipine",
                                           "atorvastatin"};
#define P0_HOME_MEDS 5

/* 2026-06: heart failure; discharged to home care with a referral letter to aoba-homecare. */
static bool p0_second_stay(struct gen *g, struct p0_ids *c)
{
    struct admission a = {
        .org = GH,
        .start = "2026-06-02",
        .end = HOME_CARE_FROM,
        .reason = "慢性心不全の急性増悪",
        .course = "2週間前からの下腿浮腫と労作時息切れで受診。心不全増悪の診断で入院し、"
                  "利尿薬静注で体重が3kg減少して症状改善。eGFR低下のためメトホルミンを中止し"
                  "ジャディアンスを開始。通院が難しくなったため、退院後はあおば在宅クリニックの"
                  "訪問診療へ移行。",
        .disposition = "自宅退院(訪問診療へ移行)",
        .meds_text = "フロセミド錠20mg、ジャディアンス錠10mg、ワーファリン錠1mg、"
                     "ノルバスク錠2.5mg、リピトール錠10mg。メトホルミンは中止。",
        .plan = "あおば在宅クリニックの訪問診療(月2回)とみなみ訪問看護ステーションの訪問看護"
                "(週1回)で在宅療養。毎日の体重測定を継続し、2kg以上の増加や息切れの悪化時は"
                "当院循環器内科へ連絡。1か月後にeGFRとカリウムを再検。",
        .med_count = P0_HOME_MEDS,
    };
    if (!clinical_condition(g, GH, clinical_dx("chf"), "2026-06-02", NULL, false, c->chf))
        return false;
    memcpy(a.reason_condition, c->chf, UUID_STR_LEN);
    for (int i = 0; i < P0_HOME_MEDS; i++)
        if (!clinical_prescription(g, GH, clinical_drug(p0_home_meds[i]), HOME_CARE_FROM, false,
                                   a.meds[i]))
            return false;
    if (!clinical_admission(g, &a))
        return false;
    struct referral r = {
        .from_org = GH,
        .to_org = AB,
        .date = HOME_CARE_FROM,
        .purpose = "退院後の訪問診療と服薬管理をお願いいたします。",
        .problems_text = "慢性心不全(急性増悪で入院、改善)、心房細動、2型糖尿病、慢性腎臓病、"
                         "高血圧症、MRSA保菌",
        .history = "2型糖尿病、高血圧症、慢性腎臓病で当院外来通院中。2025年1月に誤嚥性肺炎で入院"
                   "(MRSA保菌、心房細動を指摘)。2026年6月に慢性心不全の急性増悪で入院し、利尿薬で"
                   "改善。ペニシリン系抗菌薬・ヨード造影剤にアレルギーあり。",
        .medication_text = "退院時処方を継続してください(メトホルミンは腎機能低下のため中止)。",
        .condition_count = 6,
        .med_count = P0_HOME_MEDS,
    };
    const char *conditions[] = {c->chf, c->af, c->t2dm, c->ckd, c->htn, c->mrsa};
    for (int i = 0; i < 6; i++)
        memcpy(r.conditions[i], conditions[i], UUID_STR_LEN);
    memcpy(r.meds, a.meds, sizeof r.meds);
    return clinical_referral(g, &r);
}

/* Home care from 2026-06: aoba-homecare's own records and prescriptions. */
static bool p0_home_care(struct gen *g)
{
    char id[UUID_STR_LEN];
    if (!clinical_allergy(g, AB, clinical_allergen("buckwheat"), "2026-06-25") ||
        !clinical_flag(g, AB,
                       "腎機能低下(eGFR 45未満): NSAIDs・ヨード造影剤は原則使用しない。"
                       "メトホルミンは中止済み。",
                       "2026-06-25"))
        return false;
    for (int i = 0; i < P0_HOME_MEDS; i++)
        if (!clinical_prescription(g, AB, clinical_drug(p0_home_meds[i]), "2026-10-20", true, id))
            return false;
    return true;
}

bool clinical_patient0(struct gen *g)
{
    struct p0_ids c;
    return p0_background(g, &c) && p0_first_stay(g, &c) && p0_second_stay(g, &c) &&
           p0_home_care(g) && p0_labs(g);
}

/* ------------------------------------------------------------------------------------------- */
/* The other patients                                                                           */

static bool has_type(const char *org_code, const char *const *types)
{
    const struct demo_org *org = demo_org_find(org_code);
    for (; org && *types; types++)
        if (strcmp(org->type, *types) == 0)
            return true;
    return false;
}

/* The first team organisation of one of the types that sees the patient, or NULL. */
static const char *visible_org(const struct gen *g, const char *const *types)
{
    for (int k = 0; k < g->patient.team_count; k++) {
        const char *code = g->patient.team_org_codes[k];
        if (has_type(code, types) && demo_patient_visible_to(&g->patient, code))
            return code;
    }
    return NULL;
}

static const char *const hospital_types[] = {"advanced_acute_hospital", "acute_hospital",
                                             "recovery_hospital", "chronic_hospital", NULL};
static const char *const clinic_types[] = {"clinic", "home_care_clinic", NULL};
static const char *const nursing_types[] = {"care_facility", "visiting_nursing", NULL};

struct plan {
    const char *hospital, *primary;
    bool elderly, female;
    const char *chronic[3];
    int chronic_count;
    char meds[CLINICAL_DOC_ITEMS][UUID_STR_LEN];
    int med_count;
};

static bool has(const struct plan *p, const char *key)
{
    for (int i = 0; i < p->chronic_count; i++)
        if (strcmp(p->chronic[i], key) == 0)
            return true;
    return false;
}

static void random_date(struct gen *g, char out[11], int first_year, int last_year)
{
    unsigned year = (unsigned)(first_year + clinical_below(g, last_year - first_year + 1));
    unsigned month = 1u + (unsigned)clinical_below(g, 12),
             day = 1u + (unsigned)clinical_below(g, 28);
    snprintf(out, 11, "%04u-%02u-%02u", year % 10000u, month % 100u, day % 100u);
}

static void pick_chronic(struct gen *g, struct plan *p)
{
    static const char *const pool[] = {
        "htn", "htn",          "t2dm",     "t2dm", "dyslipidemia", "ckd",      "af",
        "chf", "osteoporosis", "dementia", "copd", "knee_oa",      "insomnia", "stroke_sequela"};
    int want = 1 + clinical_below(g, 3);
    for (int tries = 0; tries < 20 && p->chronic_count < want; tries++) {
        const char *key = pool[clinical_below(g, (int)(sizeof pool / sizeof pool[0]))];
        if (!has(p, key) && (p->elderly || strcmp(key, "dementia") != 0))
            p->chronic[p->chronic_count++] = key;
    }
}

static const char *drug_for(const struct plan *p, const char *condition)
{
    static const char *const map[][2] = {
        {"htn", "amlodipine"},
        {"t2dm", "metformin"},
        {"dyslipidemia", "atorvastatin"},
        {"af", "warfarin"},
        {"chf", "furosemide"},
        {"dementia", "donepezil"},
        {"knee_oa", "loxoprofen"},
        {"stroke_sequela", "magnesium"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(map[i][0], condition) != 0)
            continue;
        if (has(p, "ckd") && strcmp(map[i][1], "metformin") == 0)
            return "glimepiride"; // metformin is avoided when the kidneys fail
        if (has(p, "ckd") && strcmp(map[i][1], "loxoprofen") == 0)
            return NULL;
        return map[i][1];
    }
    return NULL;
}

static bool chronic_records(struct gen *g, struct plan *p)
{
    char id[UUID_STR_LEN], onset[11], authored[11];
    for (int i = 0; i < p->chronic_count; i++) {
        random_date(g, onset, 2005, 2024);
        if (!clinical_condition(g, p->primary, clinical_dx(p->chronic[i]), onset, NULL, false, id))
            return false;
    }
    for (int i = 0; i < p->chronic_count; i++) {
        const char *drug = drug_for(p, p->chronic[i]);
        if (!drug)
            continue;
        random_date(g, authored, 2026, 2026);
        memcpy(authored, "2026-10", 7); // the current prescriptions: October 2026
        if (!clinical_prescription(g, p->primary, clinical_drug(drug), authored, true,
                                   p->meds[p->med_count++]))
            return false;
        if (strcmp(drug, "warfarin") == 0 &&
            !clinical_flag(g, p->primary,
                           "ワルファリン併用禁忌: ミコナゾール(経口・ゲル)は併用禁忌。"
                           "NSAIDs・抗菌薬の追加時はPT-INRを確認すること。",
                           authored))
            return false;
    }
    return true;
}

/* Quarterly labs for diabetes and kidney disease; two check-ups for the others. */
static bool lab_records(struct gen *g, const struct plan *p)
{
    double hba1c = 6.4 + clinical_below(g, 21) / 10.0;
    double egfr = 35 + clinical_below(g, 21), drift = clinical_below(g, 6) / 8.0;
    double cre_factor = p->female ? 41 : 54; // Cr ≈ factor / eGFR for the elderly (JSN formula)
    for (int k = 0; k < LAB_DRAWS; k++) {
        char date[11];
        draw_date(date, k);
        double noise = (clinical_below(g, 7) - 3) / 10.0;
        bool ok = true;
        if (has(p, "t2dm"))
            ok = clinical_lab(g, p->primary, clinical_lab_test("hba1c"), date, hba1c + noise);
        if (ok && has(p, "ckd")) {
            double e = egfr - drift * k + noise * 2;
            ok = clinical_lab(g, p->primary, clinical_lab_test("egfr"), date, e) &&
                 clinical_lab(g, p->primary, clinical_lab_test("cre"), date, cre_factor / e);
        }
        if (ok && !has(p, "t2dm") && !has(p, "ckd") && (k == 4 || k == LAB_DRAWS - 1))
            ok = clinical_lab(g, p->primary, clinical_lab_test("ldl"), date,
                              100 + clinical_below(g, 70)) &&
                 clinical_lab(g, p->primary, clinical_lab_test("ast"), date,
                              16 + clinical_below(g, 20)) &&
                 clinical_lab(g, p->primary, clinical_lab_test("alt"), date,
                              10 + clinical_below(g, 25));
        if (!ok)
            return false;
    }
    return true;
}

/* An acute episode that resolved; a hospital admits the patient for the serious ones. */
static bool episode(struct gen *g, const struct plan *p)
{
    static const char *const pool[] = {"pneumonia",    "uti",     "hip_fx",
                                       "appendicitis", "colitis", "aspiration_pneumonia"};
    const char *key = pool[clinical_below(g, 6)];
    const struct dx *dx = clinical_dx(key);
    const char *org = p->hospital ? p->hospital : p->primary;
    char onset[11], end[11];
    random_date(g, onset, 2024, 2026);
    if (strcmp(onset, "2026-10-01") > 0)
        memcpy(onset, "2025", 4);
    clinical_date_add(end, onset, 10 + clinical_below(g, 15));
    struct admission a = {.org = org, .start = onset, .end = end, .reason = dx->name};
    if (!clinical_condition(g, org, dx, onset, end, false, a.reason_condition))
        return false;
    bool serious = strcmp(key, "uti") != 0 && strcmp(key, "colitis") != 0;
    if (!p->hospital || !serious || clinical_below(g, 100) >= 60)
        return true;
    char course[512];
    snprintf(course, sizeof course,
             "%sの診断で入院。保存的治療および必要な処置を行い経過良好。リハビリテーションを"
             "行い、ADLは入院前の水準に回復。",
             dx->name);
    a.course = course;
    a.disposition = "自宅退院";
    a.meds_text = p->med_count ? "入院前の内服を継続。" : "退院時処方なし。";
    a.plan = "かかりつけ医での外来通院を継続。症状の再燃があれば当院を受診するよう説明した。";
    a.med_count = p->med_count;
    memcpy(a.meds, p->meds, sizeof a.meds);
    return clinical_admission(g, &a);
}

static bool other_records(struct gen *g, const struct plan *p)
{
    static const char *const pool[] = {"penicillin", "iodine", "loxoprofen", "cephem", "buckwheat",
                                       "egg",        "shrimp", "cedar",      "latex",  "tape"};
    char date[11], id[UUID_STR_LEN];
    if (p->elderly && p->hospital && clinical_below(g, 100) < 12) {
        random_date(g, date, 2022, 2026);
        if (!clinical_condition(g, p->hospital, clinical_dx("mrsa"), date, NULL, true, id))
            return false;
    }
    if (clinical_below(g, 100) < 5) {
        random_date(g, date, 2010, 2024);
        if (!clinical_condition(g, p->primary, clinical_dx("hbv"), date, NULL, true, id))
            return false;
    }
    if (clinical_below(g, 100) < 35) {
        const struct allergen *a = clinical_allergen(pool[clinical_below(g, 10)]);
        random_date(g, date, 2015, 2025);
        if (!clinical_allergy(g, p->primary, a, date))
            return false;
        if (strcmp(a->key, "iodine") == 0 &&
            !clinical_flag(g, p->primary,
                           "ヨード造影剤禁忌: 造影剤で血圧低下の既往。造影検査は代替法を検討。",
                           date))
            return false;
    }
    return clinical_below(g, 100) >= 30 || episode(g, p);
}

bool clinical_generated(struct gen *g)
{
    struct plan p = {0};
    p.hospital = visible_org(g, hospital_types);
    const char *clinic = visible_org(g, clinic_types);
    p.primary = clinic ? clinic : p.hospital;
    p.elderly = atoi(g->patient.birth_date) < 1950;
    p.female = strcmp(g->patient.sex, "female") == 0;
    if (!p.primary) {
        // only nurses or carers see the patient: at most a known allergy
        const char *nursing = visible_org(g, nursing_types);
        char date[11];
        random_date(g, date, 2018, 2025);
        return !nursing || clinical_below(g, 100) >= 40 ||
               clinical_allergy(g, nursing, clinical_allergen("tape"), date);
    }
    pick_chronic(g, &p);
    return chronic_records(g, &p) && lab_records(g, &p) && other_records(g, &p);
}
