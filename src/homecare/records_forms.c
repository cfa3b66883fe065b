/* SPDX-License-Identifier: Apache-2.0 */
/* The forms of the visit records (訪問記録), one per profession (kinds.c names each kind's
 * form): their fields, types and ranges. Every form carries vitals (core/plausible.h ranges);
 * unknown fields are refused and every error names its field as "content.<path>". */
#include <stdio.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/plausible.h"
#include "homecare_int.h"

enum {
    TEXT_MAX = 4000, /* code points of one free-text field */
    DRUGS_MAX = 50,  /* remaining-drug lines */
    DRUG_NAME_MAX = 200,
};

/* LOINC vital-signs codes (the FHIR vital signs profile's where it names one). */
const struct homecare_vital homecare_vitals[] = {
    {"bp_systolic", "8480-6", "Systolic blood pressure", "収縮期血圧", "mm[Hg]"},
    {"bp_diastolic", "8462-4", "Diastolic blood pressure", "拡張期血圧", "mm[Hg]"},
    {"pulse", "8867-4", "Heart rate", "脈拍", "/min"},
    {"spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "SpO2", "%"},
    {"temperature", "8310-5", "Body temperature", "体温", "Cel"},
    {"respiratory_rate", "9279-1", "Respiratory rate", "呼吸数", "/min"},
    {"weight", "29463-7", "Body weight", "体重", "kg"},
    {"blood_glucose", "2339-0", "Glucose [Mass/volume] in Blood", "血糖", "mg/dL"},
    {"pain_nrs", "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
     "痛み(NRS)", "{score}"},
    {"jcs", NULL, "Japan Coma Scale", "意識レベル(JCS)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* The Barthel Index (Mahoney & Barthel 1965): ten items, each with the scores it allows. */
static const struct {
    const char *item;
    int scores[4], n;
} barthel[] = {
    {"feeding", {0, 5, 10}, 3},      {"bathing", {0, 5}, 2},
    {"grooming", {0, 5}, 2},         {"dressing", {0, 5, 10}, 3},
    {"bowels", {0, 5, 10}, 3},       {"bladder", {0, 5, 10}, 3},
    {"toilet_use", {0, 5, 10}, 3},   {"transfers", {0, 5, 10, 15}, 4},
    {"mobility", {0, 5, 10, 15}, 4}, {"stairs", {0, 5, 10}, 3},
};
#define BARTHEL_ITEMS (sizeof barthel / sizeof barthel[0])

static const int jcs_values[] = {0, 1, 2, 3, 10, 20, 30, 100, 200, 300};

/* Rewrites err's detail so that its field reads "<prefix>.<field>" (details without a field
 * name, such as an unknown field's, get the prefix and a separator). */
static bool prefixed(struct error *err, const char *prefix)
{
    char en[512], ja[512];
    snprintf(en, sizeof en, "%.200s.%s", prefix, err->detail);
    snprintf(ja, sizeof ja, "%.200s%s%s", err->detail_ja[0] ? prefix : "",
             err->detail_ja[0] ? "." : "", err->detail_ja);
    enum error_code code = err->code;
    error_clear(err);
    return error_set_bilingual(err, code, en, ja);
}

static bool check_fields(struct error *err, const json_t *obj, const struct jfield *fields,
                         const char *prefix)
{
    return jsonv_check(err, obj, fields) || prefixed(err, prefix);
}

/* ---- vitals --------------------------------------------------------------------------------- */

static bool check_jcs(struct error *err, const json_t *v, const char *field)
{
    if (!json_is_integer(v))
        return error_set(err, ERR_FIELD_TYPE, "%s: expected an integer", field);
    for (size_t i = 0; i < sizeof jcs_values / sizeof jcs_values[0]; i++)
        if (json_integer_value(v) == jcs_values[i])
            return true;
    char en[128], ja[192];
    snprintf(en, sizeof en, "%s: one of 0, 1, 2, 3, 10, 20, 30, 100, 200, 300", field);
    snprintf(ja, sizeof ja,
             "%s: 0, 1, 2, 3, 10, 20, 30, 100, 200, 300 のいずれかを入力してください", field);
    return error_set_bilingual(err, ERR_FIELD_RANGE, en, ja);
}

static bool check_vital(struct error *err, const char *prefix, const char *name, const json_t *v)
{
    char field[64];
    snprintf(field, sizeof field, "%s.%s", prefix, name);
    if (strcmp(name, "jcs") == 0)
        return check_jcs(err, v, field);
    if (strcmp(name, "pain_nrs") == 0 && !json_is_integer(v))
        return error_set(err, ERR_FIELD_TYPE, "%s: expected an integer", field);
    struct plausible_why why;
    if (plausible_number(PLAUSIBLE_VITAL, json_number_value(v), name, NULL, &why))
        return plausible_error(err, ERR_FIELD_RANGE, field, &why);
    return true;
}

bool homecare_vitals_check(struct error *err, const json_t *vitals, const char *prefix)
{
    static const struct jfield fields[] = {
        {"bp_systolic", JV_NUMBER, false, 0, NULL},
        {"bp_diastolic", JV_NUMBER, false, 0, NULL},
        {"pulse", JV_NUMBER, false, 0, NULL},
        {"spo2", JV_NUMBER, false, 0, NULL},
        {"temperature", JV_NUMBER, false, 0, NULL},
        {"respiratory_rate", JV_NUMBER, false, 0, NULL},
        {"weight", JV_NUMBER, false, 0, NULL},
        {"blood_glucose", JV_NUMBER, false, 0, NULL},
        {"pain_nrs", JV_NUMBER, false, 0, NULL},
        {"jcs", JV_NUMBER, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!check_fields(err, vitals, fields, prefix))
        return false;
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)vitals, name, v)
    {
        if (!json_is_null(v) && !check_vital(err, prefix, name, v))
            return false;
    }
    json_t *sys = json_object_get(vitals, "bp_systolic"),
           *dia = json_object_get(vitals, "bp_diastolic");
    if (json_is_number(sys) && json_is_number(dia) &&
        json_number_value(sys) <= json_number_value(dia)) {
        char en[128], ja[160];
        snprintf(en, sizeof en, "%s.bp_diastolic: below the systolic pressure", prefix);
        snprintf(ja, sizeof ja, "%s.bp_diastolic: 収縮期血圧より低い値にしてください", prefix);
        return error_set_bilingual(err, ERR_FIELD_RANGE, en, ja);
    }
    return true;
}

/* ---- the forms ------------------------------------------------------------------------------ */

#define TEXT(name)                                                                                 \
    {                                                                                              \
        name, JV_STRING, false, TEXT_MAX, NULL                                                     \
    }
#define VITALS                                                                                     \
    {                                                                                              \
        "vitals", JV_OBJECT, false, 0, NULL                                                        \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, 0, false, 0, NULL                                                                    \
    }

static const struct jfield soap_fields[] = {
    TEXT("subjective"), TEXT("objective"), TEXT("assessment"), TEXT("plan"), VITALS, END,
};
static const struct jfield nursing_fields[] = {
    TEXT("observation"),
    TEXT("care_given"),
    TEXT("instructions"),
    {"next_visit", JV_DATE, false, 0, NULL},
    TEXT("next_visit_note"),
    VITALS,
    END,
};
static const char *const adherence_codes[] = {"good", "partial", "poor", NULL};
static const struct jfield pharmacy_fields[] = {
    {"adherence", JV_STRING, false, 0, adherence_codes},
    TEXT("adherence_note"),
    {"remaining_drugs", JV_OBJECT_ARRAY, false, DRUGS_MAX, NULL},
    TEXT("side_effects"),
    TEXT("proposals"),
    VITALS,
    END,
};
static const struct jfield rehab_fields[] = {
    TEXT("function"), {"adl", JV_OBJECT, false, 0, NULL}, TEXT("goals"), VITALS, END,
};
static const struct jfield care_fields[] = {
    TEXT("meals"), TEXT("excretion"), TEXT("bathing"), TEXT("changes"), VITALS, END,
};

static bool check_drugs(struct error *err, const json_t *drugs)
{
    static const struct jfield fields[] = {
        {"drug", JV_TEXT, true, DRUG_NAME_MAX, NULL},
        {"count", JV_NUMBER, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    for (size_t i = 0; i < json_array_size(drugs); i++) {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "content.remaining_drugs[%zu]", i);
        const json_t *d = json_array_get(drugs, i);
        if (!check_fields(err, d, fields, prefix))
            return false;
        struct plausible_why why;
        char field[64];
        snprintf(field, sizeof field, "%s.count", prefix);
        if (plausible_number(PLAUSIBLE_COUNT, json_number_value(json_object_get(d, "count")), NULL,
                             NULL, &why))
            return plausible_error(err, ERR_FIELD_RANGE, field, &why);
    }
    return true;
}

/* The Barthel Index: every item with one of its scores; the total is computed (a total sent
 * back as read must match). Sets the total on adl. */
static bool check_adl(struct error *err, json_t *adl)
{
    struct jfield fields[BARTHEL_ITEMS + 2];
    for (size_t i = 0; i < BARTHEL_ITEMS; i++)
        fields[i] = (struct jfield){barthel[i].item, JV_INT, true, 0, NULL};
    fields[BARTHEL_ITEMS] = (struct jfield){"total", JV_INT, false, 0, NULL};
    fields[BARTHEL_ITEMS + 1] = (struct jfield){NULL, 0, false, 0, NULL};
    if (!check_fields(err, adl, fields, "content.adl"))
        return false;
    json_int_t total = 0;
    for (size_t i = 0; i < BARTHEL_ITEMS; i++) {
        json_int_t v = json_integer_value(json_object_get(adl, barthel[i].item));
        bool allowed = false;
        for (int k = 0; k < barthel[i].n; k++)
            allowed = allowed || v == barthel[i].scores[k];
        if (!allowed)
            return error_set(err, ERR_FIELD_RANGE, "content.adl.%s: not a score of this item (%s)",
                             barthel[i].item,
                             barthel[i].n == 2   ? "0, 5"
                             : barthel[i].n == 3 ? "0, 5, 10"
                                                 : "0, 5, 10, 15");
        total += v;
    }
    json_t *sent = json_object_get(adl, "total");
    if (sent && !json_is_null(sent) && json_integer_value(sent) != total)
        return error_set(err, ERR_FIELD_VALUE, "content.adl.total: the items add up to %lld",
                         (long long)total);
    json_object_set_new(adl, "total", json_integer(total));
    return true;
}

static const struct jfield *form_fields(const char *form)
{
    static const struct {
        const char *form;
        const struct jfield *fields;
    } forms[] = {{"soap", soap_fields},
                 {"nursing", nursing_fields},
                 {"pharmacy", pharmacy_fields},
                 {"rehab", rehab_fields},
                 {"care", care_fields}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(forms[i].form, form) == 0)
            return forms[i].fields;
    return NULL;
}

/* Drops null members: an absent field and a null one mean the same, and the stored form (and
 * so its SHA-256) does not depend on which the client sent. */
static void drop_nulls(json_t *obj)
{
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v)
    {
        if (json_is_null(v))
            json_object_del(obj, key);
    }
}

json_t *homecare_form_check(struct error *err, const char *form, const json_t *content,
                            const char *visit_day)
{
    const struct jfield *fields = form_fields(form);
    if (!fields) {
        error_set(err, ERR_INTERNAL, "form %s", form);
        return NULL;
    }
    if (!check_fields(err, content, fields, "content"))
        return NULL;
    json_t *out = json_deep_copy(content);
    if (!out) {
        error_set(err, ERR_NOMEM, NULL);
        return NULL;
    }
    drop_nulls(out);
    json_t *vitals = json_object_get(out, "vitals"), *adl = json_object_get(out, "adl");
    const char *next = jsonv_str(out, "next_visit");
    bool ok = (!vitals || homecare_vitals_check(err, vitals, "content.vitals")) &&
              check_drugs(err, json_object_get(out, "remaining_drugs")) &&
              (!adl || check_adl(err, adl));
    if (ok && next && strcmp(next, visit_day) < 0)
        ok = error_set_bilingual(err, ERR_FIELD_RANGE, "content.next_visit: before the visit",
                                 "content.next_visit: 訪問日より前の日付です");
    if (ok && vitals) {
        drop_nulls(vitals);
        if (json_object_size(vitals) == 0)
            json_object_del(out, "vitals");
    }
    if (!ok) {
        json_decref(out);
        return NULL;
    }
    return out;
}
