/* SPDX-License-Identifier: Apache-2.0 */
/* The kinds of home-care visit (GLOSSARY.md), shared by the schedule, the visit records and the
 * figures. */
#include <string.h>

#include "core/text.h"
#include "homecare_int.h"

const struct homecare_kind homecare_kinds[] = {
    {"home_medical", "訪問診療", "Scheduled home medical visit", HOMECARE_FORM_SOAP, "soap",
     "physician dentist",
     "home_care_clinic clinic acute_hospital recovery_hospital chronic_hospital", false},
    {"house_call", "往診", "Urgent house call", HOMECARE_FORM_SOAP, "soap", "physician dentist",
     "home_care_clinic clinic acute_hospital recovery_hospital chronic_hospital", false},
    {"home_nursing", "訪問看護", "Home-visit nursing", HOMECARE_FORM_NURSING, "nursing",
     "nurse therapist", "visiting_nursing home_care_clinic clinic", true},
    {"home_pharmacy", "訪問薬剤管理指導", "Home pharmaceutical care", HOMECARE_FORM_PHARMACY,
     "pharmacy", "pharmacist", "pharmacy acute_hospital clinic home_care_clinic", false},
    {"home_rehab", "訪問リハビリ", "Home-visit rehabilitation", HOMECARE_FORM_REHAB, "rehab",
     "therapist", "visiting_nursing recovery_hospital clinic home_care_clinic care_facility",
     false},
    {"home_help", "訪問介護", "Home help (personal care)", HOMECARE_FORM_CARE, "care",
     "care_worker", "care_facility", false},
    {"home_bathing", "訪問入浴", "Home bathing service", HOMECARE_FORM_CARE, "care",
     "care_worker nurse", "care_facility", false},
    {"day_service", "デイサービス", "Day service", HOMECARE_FORM_CARE, "care",
     "care_worker nurse therapist", "care_facility", false},
    {"short_stay", "ショートステイ", "Short stay", HOMECARE_FORM_CARE, "care", "care_worker nurse",
     "care_facility", false},
    {NULL, NULL, NULL, HOMECARE_FORM_CARE, NULL, NULL, NULL, false},
};

const struct homecare_kind *homecare_kind_find(const char *code)
{
    for (const struct homecare_kind *k = homecare_kinds; code && k->code; k++)
        if (strcmp(k->code, code) == 0)
            return k;
    return NULL;
}

bool homecare_kind_profession(const struct homecare_kind *k, const char *profession)
{
    return k && text_word_listed(k->professions, profession);
}

bool homecare_visit_kinds(struct error *err, struct request *req)
{
    (void)err;
    json_t *items = json_array();
    for (const struct homecare_kind *k = homecare_kinds; k->code; k++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "code",
                                               k->code, "ja", k->ja, "en", k->en, "form",
                                               k->form_code, "professions", k->professions,
                                               "org_types", k->org_types, "nursing", k->nursing));
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}
