/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's facility directory: what each organisation publishes and its live status.
 * Codes are those of src/api/directory_codes.c; everything is fictional. */
#include "demo_directory.h"

#include <stdio.h>
#include <string.h>

#include "core/ids.h"
#include "demo_clinical.h"
#include "demo_data.h"

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
     "[{\"text\":\"MRI 点検中\",\"until\":\"2026-12-03\"}]", 45},
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

static void id_of(char out[UUID_STR_LEN], const char *kind, const char *key)
{
    demo_clinical_uuid(out, kind, key);
}

static bool put_status(struct error *err, struct store_conn *conn, const char *org,
                       const char *field, const char *value, int64_t at, const char *user)
{
    if (!value)
        return true;
    return store_exec(err, conn, NULL,
                      "INSERT INTO org_status (org_id, field, value, updated_at, updated_by) "
                      "VALUES (?, ?, ?, ?, ?)",
                      "tttit", org, field, value, at, user) &&
           store_exec(err, conn, NULL,
                      "INSERT INTO org_status_history (org_id, field, value, updated_at, "
                      "updated_by) VALUES (?, ?, ?, ?, ?)",
                      "tttit", org, field, value, at, user);
}

static bool load_one(struct error *err, struct store_conn *conn, const struct demo_profile *p,
                     int64_t now)
{
    const struct demo_org *o = demo_org_find(p->org_code);
    char org[UUID_STR_LEN], user[UUID_STR_LEN], note[256], homecare[16];
    id_of(org, "org", p->org_code);
    id_of(user, "user", p->editor ? p->editor : "jimukyoku");
    if (!store_exec(err, conn, NULL,
                    "INSERT INTO org_profiles (org_id, medical_function, departments, equipment, "
                    "services, latitude, longitude, liaison_phone, liaison_fax, liaison_email, "
                    "liaison_hours, acceptance_notes, updated_at, updated_by) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "tttttddtttttit", org, p->function, p->departments, p->equipment, p->services,
                    p->lat, p->lon, o ? o->phone : "", o ? o->phone : "", "renkei@example.invalid",
                    p->hours, p->notes, now - 86400000, user))
        return false;
    int64_t at = now - (int64_t)p->age_minutes * 60000;
    snprintf(note, sizeof note, "\"%s\"", p->emergency_note ? p->emergency_note : "");
    snprintf(homecare, sizeof homecare, "%d", p->homecare_new);
    return put_status(err, conn, org, "beds", p->beds, at, user) &&
           put_status(err, conn, org, "emergency", p->emergency, at, user) &&
           put_status(err, conn, org, "emergency_note", p->emergency_note ? note : NULL, at,
                      user) &&
           put_status(err, conn, org, "homecare_new_this_month", p->beds ? homecare : NULL, at,
                      user) &&
           put_status(err, conn, org, "specialists_today", p->specialists, at, user) &&
           put_status(err, conn, org, "restrictions", p->restrictions, at, user);
}

bool demo_directory_load(struct error *err, struct store_conn *conn, int64_t now)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (!load_one(err, conn, &profiles[i], now))
            return false;
    return true;
}
