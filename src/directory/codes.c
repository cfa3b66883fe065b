/* SPDX-License-Identifier: Apache-2.0 */
/* Code lists of the facility directory (GLOSSARY.md): medical functions (病床機能), departments
 * (診療科), equipment, services, bed kinds and emergency acceptance, with their labels. */
#include <string.h>

#include "directory_int.h"

/* clang-format off */
#define FUNCTIONS(X)                                                                               \
    X("highly_acute", "高度急性期", "Highly acute")                                               \
    X("acute", "急性期", "Acute")                                                                  \
    X("recovery", "回復期", "Recovery")                                                            \
    X("chronic", "慢性期", "Chronic")                                                              \
    X("home", "在宅", "Home care")

#define DEPARTMENTS(X)                                                                             \
    X("internal", "内科", "Internal medicine")                                                     \
    X("cardiology", "循環器内科", "Cardiology")                                                    \
    X("gastroenterology", "消化器内科", "Gastroenterology")                                        \
    X("respiratory", "呼吸器内科", "Respiratory medicine")                                         \
    X("neurology", "脳神経内科", "Neurology")                                                      \
    X("nephrology", "腎臓内科", "Nephrology")                                                      \
    X("diabetes", "糖尿病内科", "Diabetology")                                                     \
    X("surgery", "外科", "Surgery")                                                                \
    X("orthopedics", "整形外科", "Orthopaedics")                                                   \
    X("neurosurgery", "脳神経外科", "Neurosurgery")                                                \
    X("cardiovascular_surgery", "心臓血管外科", "Cardiovascular surgery")                          \
    X("pediatrics", "小児科", "Paediatrics")                                                       \
    X("obstetrics", "産婦人科", "Obstetrics and gynaecology")                                      \
    X("psychiatry", "精神科", "Psychiatry")                                                        \
    X("dermatology", "皮膚科", "Dermatology")                                                      \
    X("urology", "泌尿器科", "Urology")                                                            \
    X("ophthalmology", "眼科", "Ophthalmology")                                                    \
    X("ent", "耳鼻咽喉科", "Otorhinolaryngology")                                                  \
    X("rehabilitation", "リハビリテーション科", "Rehabilitation medicine")                         \
    X("radiology", "放射線科", "Radiology")                                                        \
    X("anesthesiology", "麻酔科", "Anaesthesiology")                                               \
    X("emergency", "救急科", "Emergency medicine")                                                 \
    X("palliative", "緩和ケア内科", "Palliative medicine")                                         \
    X("dentistry", "歯科", "Dentistry")

#define EQUIPMENT(X)                                                                               \
    X("ct", "CT", "CT")                                                                            \
    X("mri", "MRI", "MRI")                                                                         \
    X("pet_ct", "PET-CT", "PET-CT")                                                                \
    X("mammography", "マンモグラフィ", "Mammography")                                              \
    X("endoscopy", "内視鏡", "Endoscopy")                                                          \
    X("angiography", "血管造影装置", "Angiography")                                                \
    X("dialysis", "透析装置", "Dialysis")                                                          \
    X("ultrasound", "超音波診断装置", "Ultrasound")                                                \
    X("xray", "一般X線撮影", "X-ray")                                                              \
    X("radiotherapy", "放射線治療装置", "Radiotherapy")

#define SERVICES(X)                                                                                \
    X("home_visit", "訪問診療", "Home visits")                                                     \
    X("on_call_24h", "24時間対応", "24-hour on-call")                                              \
    X("end_of_life", "看取り", "End-of-life care")                                                 \
    X("home_oxygen", "在宅酸素", "Home oxygen therapy")                                            \
    X("ventilator", "人工呼吸器管理", "Ventilator management")                                     \
    X("pediatric_home", "小児在宅", "Paediatric home care")                                        \
    X("dementia", "認知症対応", "Dementia care")                                                   \
    X("home_rehab", "訪問リハ", "Home rehabilitation")                                             \
    X("sterile_compounding", "無菌調剤", "Sterile compounding")                                    \
    X("home_nursing", "訪問看護", "Home nursing")                                                  \
    X("respite", "レスパイト入院", "Respite admission")                                            \
    X("tube_feeding", "経管栄養", "Tube feeding")

#define BED_KINDS(X)                                                                               \
    X("general", "一般", "General")                                                                \
    X("icu_hcu", "ICU/HCU", "ICU/HCU")                                                             \
    X("recovery_rehab", "回復期リハ", "Recovery rehabilitation")                                   \
    X("community_care", "地域包括ケア", "Community-based care")                                    \
    X("long_term", "療養", "Long-term care")                                                       \
    X("palliative", "緩和ケア", "Palliative care")

#define EMERGENCY(X)                                                                               \
    X("yes", "受入可", "Accepting")                                                                \
    X("conditional", "条件付き", "Conditional")                                                    \
    X("no", "受入不可", "Not accepting")
/* clang-format on */

CODES_LIST(dir_functions, dir_function_codes, FUNCTIONS)
CODES_LIST(dir_departments, dir_department_codes, DEPARTMENTS)
CODES_LIST(dir_equipment, dir_equipment_codes, EQUIPMENT)
CODES_LIST(dir_services, dir_service_codes, SERVICES)
CODES_LIST(dir_bed_kinds, dir_bed_kind_codes, BED_KINDS)
CODES_LIST(dir_emergency, dir_emergency_codes, EMERGENCY)

const char *const dir_status_fields[] = {
    "beds",         "emergency", "emergency_note", "homecare_new_this_month", "specialists_today",
    "restrictions", NULL,
};

/* What each type of organisation reports on its live status (GLOSSARY.md): hospitals their free
 * beds by the kinds of ward they run and whether they accept emergencies; home care its new
 * patients; pharmacies and care-management offices only restrictions; the community support
 * centre and the city nothing. The directory and the board show only what a type reports. */
#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})
static const struct dir_type_report {
    const char *type;
    const char *const *fields;
    const char *const *bed_kinds;
} type_reports[] = {
    {"advanced_acute_hospital",
     FIELDS("beds", "emergency", "emergency_note", "specialists_today", "restrictions"),
     FIELDS("general", "icu_hcu", "palliative")},
    {"acute_hospital",
     FIELDS("beds", "emergency", "emergency_note", "specialists_today", "restrictions"),
     FIELDS("general", "icu_hcu", "community_care", "palliative")},
    {"recovery_hospital", FIELDS("beds", "emergency", "emergency_note", "restrictions"),
     FIELDS("recovery_rehab", "community_care")},
    {"chronic_hospital", FIELDS("beds", "emergency", "emergency_note", "restrictions"),
     FIELDS("long_term", "palliative")},
    {"clinic", FIELDS("emergency", "emergency_note", "specialists_today", "restrictions"), NONE},
    {"home_care_clinic", FIELDS("emergency", "homecare_new_this_month", "restrictions"), NONE},
    {"visiting_nursing", FIELDS("emergency", "homecare_new_this_month", "restrictions"), NONE},
    {"care_facility", FIELDS("beds", "emergency", "restrictions"), FIELDS("long_term")},
    {"pharmacy", FIELDS("restrictions"), NONE},
    {"care_management", FIELDS("restrictions"), NONE},
    {"community_support_center", NONE, NONE},
    {"municipality", NONE, NONE},
};
#undef FIELDS
#undef NONE

static json_t *string_array(const char *const *codes)
{
    json_t *out = json_array();
    for (size_t i = 0; codes[i]; i++)
        json_array_append_new(out, json_string(codes[i]));
    return out;
}

/* {"<type>": {"fields": [...], "bed_kinds": [...]}} for every type of organisation. */
static json_t *type_reports_json(void)
{
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof type_reports / sizeof type_reports[0]; i++)
        json_object_set_new(out, type_reports[i].type,
                            json_pack("{s:o, s:o}", "fields", string_array(type_reports[i].fields),
                                      "bed_kinds", string_array(type_reports[i].bed_kinds)));
    return out;
}

bool directory_codes(struct error *err, struct request *req)
{
    static const char *const no_query[] = {NULL};
    if (!request_query_check(err, req, no_query))
        return false;
    response_json(
        req, 200,
        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "functions",
                  api_code_labels(dir_functions), "departments", api_code_labels(dir_departments),
                  "equipment", api_code_labels(dir_equipment), "services",
                  api_code_labels(dir_services), "bed_kinds", api_code_labels(dir_bed_kinds),
                  "emergency", api_code_labels(dir_emergency), "org_types", type_reports_json()));
    return true;
}
