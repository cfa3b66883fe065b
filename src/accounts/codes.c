/* SPDX-License-Identifier: Apache-2.0 */
/* Code lists of organisations and accounts with their labels (GLOSSARY.md). */
#include "accounts_int.h"

const struct code_label accounts_org_types[] = {
    {"advanced_acute_hospital", "高度急性期病院", "Advanced acute hospital"},
    {"acute_hospital", "急性期病院", "Acute hospital"},
    {"recovery_hospital", "回復期病院", "Recovery (rehabilitation) hospital"},
    {"chronic_hospital", "慢性期病院", "Long-term care hospital"},
    {"clinic", "診療所", "Clinic"},
    {"home_care_clinic", "在宅療養支援診療所", "Home-care support clinic"},
    {"visiting_nursing", "訪問看護ステーション", "Home-visit nursing station"},
    {"pharmacy", "薬局", "Pharmacy"},
    {"care_management", "居宅介護支援事業所", "Care-management office"},
    {"community_support_center", "地域包括支援センター", "Community comprehensive support centre"},
    {"care_facility", "介護施設", "Care facility"},
    {"municipality", "行政", "Municipality"},
    {NULL, NULL, NULL},
};

const struct code_label accounts_professions[] = {
    {"physician", "医師", "Physician"},
    {"dentist", "歯科医師", "Dentist"},
    {"nurse", "看護師", "Nurse"},
    {"pharmacist", "薬剤師", "Pharmacist"},
    {"care_manager", "ケアマネジャー", "Care manager"},
    {"msw", "医療ソーシャルワーカー(地域連携室)", "Medical social worker (patient liaison)"},
    {"therapist", "リハビリ職(PT・OT・ST)", "Therapist (PT/OT/ST)"},
    {"laboratory_technician", "臨床検査技師", "Medical laboratory technician"},
    {"care_worker", "介護職(介護福祉士・ヘルパー)", "Care worker"},
    {"clerk", "事務職", "Clerk"},
    {NULL, NULL, NULL},
};

const char *const accounts_org_type_codes[] = {
    "advanced_acute_hospital",
    "acute_hospital",
    "recovery_hospital",
    "chronic_hospital",
    "clinic",
    "home_care_clinic",
    "visiting_nursing",
    "pharmacy",
    "care_management",
    "community_support_center",
    "care_facility",
    "municipality",
    NULL,
};
const char *const accounts_profession_codes[] = {
    "physician",    "dentist", "nurse",     "pharmacist",
    "care_manager", "msw",     "therapist", "laboratory_technician",
    "care_worker",  "clerk",   NULL,
};
const char *const accounts_role_codes[] = {"member", "org_admin", NULL};

bool codes_org_types(struct error *err, struct request *req)
{
    (void)err;
    response_json(req, 200, json_pack("{s:o}", "items", api_code_labels(accounts_org_types)));
    return true;
}

bool codes_professions(struct error *err, struct request *req)
{
    (void)err;
    response_json(req, 200, json_pack("{s:o}", "items", api_code_labels(accounts_professions)));
    return true;
}
