/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's facility directory: what each organisation publishes and its live status.
 * Codes are those of codes.c; everything is fictional. */
#include "directory_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ids.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"

struct demo_profile {
    const char *org_code;
    const char *editor; /* login of the admin who published it */
    const char *function;
    const char *departments, *equipment, *services; /* JSON arrays */
    double lat, lon;
    const char *hours, *notes;
    /* live status (JSON values) */
    const char *beds, *emergency, *emergency_note;
    int homecare_new;
    const char *specialists, *restrictions;
    int age_minutes; /* how long ago the status was last updated */
};

#define EQ(c, s) "{\"code\":\"" c "\",\"shared_use\":" s "}"

static const struct demo_profile profiles[] = {
    {"minami-uh", "uh.admin", "highly_acute",
     "[\"internal\",\"cardiology\",\"neurosurgery\",\"cardiovascular_surgery\",\"surgery\","
     "\"pediatrics\",\"emergency\",\"radiology\",\"anesthesiology\"]",
     "[" EQ("ct", "true") "," EQ("mri", "true") "," EQ("pet_ct", "true") "," EQ(
         "angiography", "false") "," EQ("radiotherapy", "true") "]",
     "[\"ventilator\"]", 33.6010, 130.3850, "平日 8:30〜17:00",
     "三次救急対応。転院相談は地域連携室へ", "{\"general\":12,\"icu_hcu\":2,\"palliative\":1}",
     "\"yes\"", "", 0, "[\"循環器内科 田村\",\"脳神経外科 石田\"]", "[]", 20},
    {"minami-gh", "gh.admin", "acute",
     "[\"internal\",\"gastroenterology\",\"respiratory\",\"surgery\",\"orthopedics\","
     "\"nephrology\",\"emergency\"]",
     "[" EQ("ct", "true") "," EQ("mri", "true") "," EQ("endoscopy", "false") "," EQ(
         "dialysis", "false") "," EQ("mammography", "true") "]",
     "[\"respite\"]", 33.5902, 130.4017, "平日 8:30〜17:00、土 8:30〜12:00", "透析患者は要相談",
     "{\"general\":8,\"icu_hcu\":1,\"community_care\":3}", "\"conditional\"",
     "整形外科の手術は当面受入不可", 0, "[\"消化器内科 佐藤\"]",
     "[{\"text\":\"MRI 点検中\",\"until\":\"\"}]", 45},
    {"minami-rehab", "rehab.admin", "recovery",
     "[\"rehabilitation\",\"orthopedics\",\"neurology\"]", "[" EQ("ct", "true") "]",
     "[\"home_rehab\"]", 33.5785, 130.4190, "平日 9:00〜17:00",
     "脳血管疾患・大腿骨骨折の回復期リハ受入", "{\"recovery_rehab\":5,\"community_care\":2}",
     "\"no\"", "", 0, "[]", "[]", 90},
    {"minami-ltc", NULL, "chronic", "[\"internal\",\"rehabilitation\"]",
     "[" EQ("xray", "false") "]", "[\"tube_feeding\",\"end_of_life\"]", 33.6155, 130.4102,
     "平日 9:00〜16:00", "医療区分2・3の方を優先", "{\"long_term\":4,\"palliative\":0}", "\"no\"",
     "", 0, "[]", "[]", 60 * 30},
    {"sakura-clinic", NULL, "home", "[\"internal\",\"pediatrics\"]",
     "[" EQ("ultrasound", "false") "," EQ("endoscopy", "true") "]", "[\"home_visit\"]", 33.5870,
     130.3935, "平日 9:00〜18:00", "胃カメラの共同利用可", NULL, NULL, NULL, 0, NULL, NULL, 0},
    {"aoba-homecare", NULL, "home", "[\"internal\",\"palliative\"]", "[]",
     "[\"home_visit\",\"on_call_24h\",\"end_of_life\",\"home_oxygen\",\"ventilator\","
     "\"pediatric_home\",\"dementia\"]",
     33.5960, 130.4230, "24時間", "がん末期・人工呼吸器の方も相談可", "{}", "\"no\"", "", 3,
     "[\"在宅医 青木\"]", "[]", 120},
    {"minami-vns", NULL, "home", "[]", "[]",
     "[\"home_nursing\",\"on_call_24h\",\"end_of_life\",\"home_rehab\",\"pediatric_home\"]",
     33.5921, 130.4068, "平日 9:00〜17:30(緊急時24時間)", "小児の訪問看護は要相談", "{}", "\"no\"",
     "", 5, "[]", "[]", 60 * 26},
    {"hikari-pharmacy", NULL, "home", "[]", "[]", "[\"sterile_compounding\",\"on_call_24h\"]",
     33.5895, 130.4031, "平日 9:00〜19:00、土 9:00〜13:00", "無菌調剤室あり", NULL, NULL, NULL, 0,
     NULL, NULL, 0},
    {"minami-cmo", NULL, "home", "[]", "[]", "[\"dementia\"]", 33.5990, 130.4305,
     "平日 9:00〜17:00", "", NULL, NULL, NULL, 2, NULL, NULL, 240},
    {"minami-chiiki", NULL, "home", "[]", "[]", "[\"dementia\"]", 33.5915, 130.4050,
     "平日 8:30〜17:15", "総合相談窓口", NULL, NULL, NULL, 0, NULL, NULL, 0},
    {"minami-care", NULL, "chronic", "[]", "[]", "[\"end_of_life\",\"dementia\",\"respite\"]",
     33.6080, 130.3760, "平日 9:00〜17:00", "ショートステイ空きは要確認", "{\"long_term\":1}",
     "\"no\"", "", 0, "[]", "[]", 180},
    {"minami-city", NULL, NULL, "[]", "[]", "[]", 33.5915, 130.4050, "平日 8:30〜17:15", "", NULL,
     NULL, NULL, 0, NULL, NULL, 0},
};

/* The beds each hospital has, by kind (the free beds of the status stay within them). */
static const struct {
    const char *org_code, *beds;
} registered_beds[] = {
    {"minami-uh", "{\"general\":400,\"icu_hcu\":20,\"palliative\":20}"},
    {"minami-gh", "{\"general\":200,\"icu_hcu\":8,\"community_care\":40}"},
    {"minami-rehab", "{\"recovery_rehab\":120,\"community_care\":30}"},
    {"minami-ltc", "{\"long_term\":100,\"palliative\":10}"},
    {"minami-care", "{\"long_term\":80}"},
};

static json_t *registered_beds_of(const char *org_code)
{
    for (size_t i = 0; i < sizeof registered_beds / sizeof registered_beds[0]; i++)
        if (strcmp(registered_beds[i].org_code, org_code) == 0)
            return json_loads(registered_beds[i].beds, 0, NULL);
    return json_object();
}

/* The restrictions with each "until" set to two weeks after now (Tokyo), so that a
 * restriction's end is always to come (core/plausible.h). Owned by the caller. */
static char *restrictions_text(const char *list, int64_t now)
{
    json_t *items = list ? json_loads(list, 0, NULL) : NULL;
    if (!items)
        return NULL;
    time_t secs = (time_t)(now / 1000) + 9 * 3600 + 14 * 86400;
    struct tm tm;
    char until[16];
    gmtime_r(&secs, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) if (json_object_get(item, "until"))
        json_object_set_new(item, "until", json_string(until));
    char *text = json_dumps(items, JSON_COMPACT);
    json_decref(items);
    return text;
}

/* Sets one status field (JSON text, NULL: not set) as the profile's editor at time at. */
static bool put_status(struct error *err, struct op *op, const char *org, const char *field,
                       const char *value)
{
    if (!value)
        return true;
    json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);
    bool ok = v ? directory_status_set(err, op, org, field, v)
                : error_set(err, ERR_INTERNAL, "demo status %s is not JSON", field);
    json_decref(v);
    return ok;
}

/* The profile as the API takes it. */
static json_t *profile_body(const struct demo_profile *p, const struct demo_org *o)
{
    json_t *b = json_pack(
        "{s:s?, s:o, s:o, s:f, s:f, s:s, s:s, s:s, s:s?, s:s?}", "medical_function", p->function,
        "departments", json_loads(p->departments, 0, NULL), "services",
        json_loads(p->services, 0, NULL), "latitude", p->lat, "longitude", p->lon, "liaison_phone",
        o ? o->phone : "", "liaison_fax", o ? o->phone : "", "liaison_email",
        "renkei@example.invalid", "liaison_hours", p->hours, "acceptance_notes", p->notes);
    json_object_set_new(b, "registered_beds", registered_beds_of(p->org_code));
    return b;
}

static bool load_one(struct error *err, struct op *op, const struct demo_profile *p, int64_t now)
{
    const struct demo_org *o = demo_org_find(p->org_code);
    const char *editor = p->editor ? p->editor : "jimukyoku";
    char org[UUID_STR_LEN], note[256], homecare[16];
    demo_clinical_uuid(org, "org", p->org_code);
    json_t *body = profile_body(p, o), *equip = json_loads(p->equipment, 0, NULL);
    demo_act(op, editor, p->org_code, now - 86400000);
    bool ok = body && equip ? directory_profile_save(err, op, org, body, equip)
                            : error_set(err, ERR_INTERNAL, "demo profile %s", p->org_code);
    json_decref(body);
    json_decref(equip);
    if (!ok)
        return false;
    demo_act(op, editor, p->org_code, now - (int64_t)p->age_minutes * 60000);
    snprintf(note, sizeof note, "\"%s\"", p->emergency_note ? p->emergency_note : "");
    snprintf(homecare, sizeof homecare, "%d", p->homecare_new);
    char *restrictions = restrictions_text(p->restrictions, now);
    ok = put_status(err, op, org, "beds", p->beds) &&
         put_status(err, op, org, "emergency", p->emergency) &&
         put_status(err, op, org, "emergency_note", p->emergency_note ? note : NULL) &&
         put_status(err, op, org, "homecare_new_this_month", p->beds ? homecare : NULL) &&
         put_status(err, op, org, "specialists_today", p->specialists) &&
         put_status(err, op, org, "restrictions", restrictions);
    free(restrictions);
    return ok;
}

bool directory_demo_load(struct error *err, struct op *op)
{
    int64_t now = op->now_ms;
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (!load_one(err, op, &profiles[i], now))
            return false;
    return true;
}
