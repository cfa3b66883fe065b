/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's home care (issue 16): the home-care patients of みなみ市 (those whose team has
 * あおば在宅クリニック, みなみ訪問看護ステーション, ひかり薬局 and みなみ居宅介護支援事業所 with
 * consent), their conditions (bed-bound, a pressure ulcer, heart failure), a month of visit plans
 * around the load time, visit records with vitals of the past weeks and a few timeline threads.
 * Everything is written through the module's own operations (homecare_plan_create and the
 * others the route handlers call), acting as the demo users, so the demo passes the same
 * validation as the API. Everything is fictional. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"
#include "fhir/store.h"
#include "homecare_int.h"

enum { HOME_PATIENTS = 11 };

/* The organisations every home-care patient has on the team with consent. */
static const char *const home_team[] = {"aoba-homecare", "minami-vns", "hikari-pharmacy",
                                        "minami-cmo"};

/* Demo patient indexes of the home-care patients, 佐藤 一郎 (1, heart failure) first. */
static int home_patients(int out[HOME_PATIENTS])
{
    int n = 0;
    for (int i = 1; i < DEMO_PATIENT_COUNT && n < HOME_PATIENTS; i++) {
        struct demo_patient p;
        demo_patient_get(i, &p);
        bool all = true;
        for (size_t k = 0; k < sizeof home_team / sizeof home_team[0]; k++)
            all = all && demo_patient_visible_to(&p, home_team[k]);
        if (all)
            out[n++] = i;
    }
    return n;
}

/* ---- acting as a demo user: the module's own operations, at a time of the past --------------- */

/* Who the load acted as, and when, before acting as a demo user for one step. */
struct acting {
    struct principal principal;
    int64_t now_ms;
};

static struct acting act(struct op *op, const char *login, const char *org, int64_t at)
{
    struct acting was = {op->principal, op->now_ms};
    demo_act(op, login, org, at);
    return was;
}

static void act_done(struct op *op, const struct acting *was)
{
    op->principal = was->principal;
    op->now_ms = was->now_ms;
}

/* Makes a visit plan of patient as login of org at at (body taken), then goes back to the load's
 * time and actor. */
static bool plan_new(struct error *err, struct op *op, const char *login, const char *org,
                     int64_t at, const char *patient, json_t *body)
{
    if (!body)
        return error_set(err, ERR_NOMEM, NULL);
    struct acting was = act(op, login, org, at);
    char id[UUID_STR_LEN];
    bool ok = homecare_plan_create(err, op, patient, body, id);
    json_decref(body);
    act_done(op, &was);
    return ok;
}

/* ---- conditions ------------------------------------------------------------------------------ */

static bool condition(struct error *err, struct op *op, const char *patient, int nth,
                      const char *icd10, const char *name, int ago)
{
    char id[UUID_STR_LEN], key[64], onset[32], subject[64], org[UUID_STR_LEN], user[UUID_STR_LEN];
    snprintf(key, sizeof key, "%d/%s", nth, icd10);
    demo_clinical_uuid(id, "homecare-condition", key);
    demo_clinical_uuid(org, "org", "aoba-homecare");
    demo_clinical_uuid(user, "user", "aoba.tanaka");
    snprintf(subject, sizeof subject, "Patient/%s", patient);
    clock_format_iso(op->now_ms - (int64_t)ago * 86400000, onset);
    onset[10] = '\0';
    json_t *res = json_pack(
        "{s:s, s:{s:[{s:s, s:s}]}, s:{s:[{s:s, s:s}]}, s:[{s:[{s:s, s:s, s:s}], s:s}], "
        "s:{s:[{s:s, s:s, s:s}], s:s}, s:{s:s}, s:s, s:s}",
        "resourceType", "Condition", "clinicalStatus", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/condition-clinical", "code", "active",
        "verificationStatus", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code", "confirmed",
        "category", "coding", "system", "http://terminology.hl7.org/CodeSystem/condition-category",
        "code", "problem-list-item", "display", "Problem List Item", "text", "傷病名", "code",
        "coding", "system", "http://hl7.org/fhir/sid/icd-10", "code", icd10, "display", name,
        "text", name, "subject", "reference", subject, "onsetDateTime", onset, "recordedDate",
        onset);
    if (!res)
        return error_set(err, ERR_NOMEM, NULL);
    const struct fhir_env env = {.blobs = op->env->blobs};
    struct fhir_actor actor = {.org_id = org, .user_id = user};
    struct fhir_row row;
    bool created;
    bool ok = fhir_store_put(err, op->conn, &env, &actor, res, id, 0, &row, &created);
    json_decref(res);
    return ok;
}

/* Bed-bound patients (寝たきり, R26.3 immobility): the 2nd to 5th; the 2nd has a pressure ulcer
 * (仙骨部褥瘡, L89.1). 佐藤 一郎's heart failure is in his clinical history already. */
static bool conditions(struct error *err, struct op *op, char ids[][UUID_STR_LEN], int n)
{
    for (int k = 1; k < n && k <= 4; k++)
        if (!condition(err, op, ids[k], k, "R26.3", "寝たきり状態(廃用症候群)", 400 + 30 * k))
            return false;
    return n < 2 || condition(err, op, ids[1], 1, "L89.1", "仙骨部褥瘡(DESIGN-R d2)", 20);
}

/* ---- schedule: a month of plans around the load time -------------------------------------------
 * From 16 days before to 13 days after the load day: never into the weeks from the third Monday
 * on, where the schedule's tests plan their own visits for 佐藤 一郎. */

#define DAY_MS 86400000LL

struct plan {
    const char *login, *org, *kind, *days[3];
    int hour, minutes; /* the first visit of the round, and how long each lasts */
    int every, phase;  /* for the patients whose nth % every == phase */
};

/* Each staff member's round: the patients of a plan follow one another an hour apart. */
static const struct plan plans[] = {
    {"aoba.tanaka", "aoba-homecare", "home_medical", {"tue"}, 13, 30, 2, 0},
    {"aoba.tanaka", "aoba-homecare", "home_medical", {"fri"}, 13, 30, 2, 1},
    {"vns.suzuki", "minami-vns", "home_nursing", {"mon", "thu"}, 9, 45, 2, 0},
    {"vns.kato", "minami-vns", "home_nursing", {"tue", "fri"}, 9, 45, 2, 1},
    {"ph.yoshida", "hikari-pharmacy", "home_pharmacy", {"wed"}, 14, 30, 2, 0},
    {"ph.yoshida", "hikari-pharmacy", "home_pharmacy", {"thu"}, 14, 30, 2, 1},
    {"vns.ikeda", "minami-vns", "home_rehab", {"wed"}, 10, 40, 3, 0},
};

static bool schedule(struct error *err, struct op *op, const char *patient, int nth)
{
    char first[11], last[11], staff[UUID_STR_LEN];
    schedule_days_date(schedule_today() - 16, first);
    schedule_days_date(schedule_today() + 13, last);
    for (size_t k = 0; k < sizeof plans / sizeof plans[0]; k++) {
        const struct plan *p = &plans[k];
        if (nth % p->every != p->phase)
            continue;
        json_t *days = json_array();
        for (int d = 0; d < 3 && p->days[d]; d++)
            json_array_append_new(days, json_string(p->days[d]));
        demo_clinical_uuid(staff, "user", p->login);
        char start[6], end[6];
        int hour = p->hour + nth / p->every;
        snprintf(start, sizeof start, "%02d:00", hour);
        snprintf(end, sizeof end, "%02d:%02d", hour, p->minutes);
        json_t *body = json_pack("{s:s, s:o, s:s, s:s, s:s, s:s, s:s}", "kind", p->kind, "weekdays",
                                 days, "start", start, "end", end, "first_date", first, "end_date",
                                 last, "staff_user_id", staff);
        if (!plan_new(err, op, p->login, p->org, op->now_ms - 16LL * 86400000, patient, body))
            return false;
    }
    return true;
}

/* The pharmacist's extra visit to 佐藤 一郎 next Thursday at 09:15, while the nurse is there:
 * the collision the week view flags (重複). */
static bool collision(struct error *err, struct op *op, const char *patient)
{
    int64_t day = schedule_today() + 1;
    while (schedule_weekday(day) != 3) /* Thursday (bit 3, Monday 0) */
        day++;
    char date[11], staff[UUID_STR_LEN];
    schedule_days_date(day, date);
    demo_clinical_uuid(staff, "user", "ph.yoshida");
    json_t *body =
        json_pack("{s:s, s:[s], s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "home_pharmacy", "weekdays",
                  "thu", "start", "09:15", "end", "09:45", "first_date", date, "end_date", date,
                  "staff_user_id", staff, "note", "利尿薬の増量に伴う臨時の服薬指導");
    return plan_new(err, op, "ph.yoshida", "hikari-pharmacy", op->now_ms - DAY_MS, patient, body);
}

/* ---- visit records of the past weeks --------------------------------------------------------- */

/* The instant hh:00 Tokyo time, ago days before the load time. */
static void visit_at(const struct op *op, int ago, int hour, int minutes, char out[32])
{
    int64_t day = schedule_ms_days(op->now_ms) - ago;
    clock_format_iso(schedule_local_ms(day, hour * 60 + minutes), out);
}

static bool record(struct error *err, struct op *op, const char *patient, const char *login,
                   const char *org, const char *kind, int ago, int hour, json_t *content,
                   const char *handover)
{
    char start[32], end[32];
    visit_at(op, ago, hour, 0, start);
    visit_at(op, ago, hour, 40, end);
    json_t *body = json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", kind, "visit_start", start,
                             "visit_end", end, "content", content, "handover", handover);
    if (!body)
        return error_set(err, ERR_NOMEM, NULL);
    struct acting was = act(op, login, org, op->now_ms - (int64_t)ago * DAY_MS + 3600000);
    char id[UUID_STR_LEN];
    bool repeat;
    bool ok = homecare_record_create(err, op, patient, body, NULL, NULL, id, &repeat);
    json_decref(body);
    /* signed by its author, as a record is once the visit is written up; the last two days'
     * records are still drafts */
    struct homecare_record r;
    if (ok && ago > 2)
        ok = homecare_record_sign(err, op, patient, id, &r);
    act_done(op, &was);
    return ok;
}

/* Nursing visits 12, 9, 5 and 2 days ago; 佐藤 一郎 (nth 0) gains weight: heart failure. */
static bool nursing_records(struct error *err, struct op *op, const char *patient, int nth)
{
    static const int ago[] = {12, 9, 5, 2};
    static const double hf_weight[] = {58.2, 58.4, 59.3, 60.4};
    for (int k = 0; k < 4; k++) {
        json_t *vitals =
            json_pack("{s:i, s:i, s:i, s:i, s:f}", "bp_systolic", 118 + (nth * 7 + k * 3) % 24,
                      "bp_diastolic", 66 + (nth * 5 + k) % 14, "pulse", 68 + (nth * 3 + k * 5) % 20,
                      "spo2", 95 + (nth + k) % 4, "temperature", 36.2 + 0.1 * ((nth + k) % 6));
        const char *observation = "全身状態は安定。食事・水分摂取良好。";
        const char *care = "バイタル測定、全身清拭、服薬確認。";
        const char *handover = "特記事項なし。";
        if (nth == 0) {
            json_object_set_new(vitals, "weight", json_real(hf_weight[k]));
            if (k >= 2) {
                observation = "下腿浮腫(+)、労作時の息切れあり。体重が前回から増加。";
                handover = "体重増加と浮腫あり。心不全の増悪に注意。主治医に報告済み。";
            }
        } else if (nth == 1) {
            observation = "仙骨部褥瘡 2.5×2.0cm、浅い潰瘍、滲出液少量、周囲の発赤軽度。";
            care = "褥瘡の洗浄と被覆材交換、体位変換の指導、エアマット圧の確認。";
            handover = "褥瘡は縮小傾向。2時間ごとの体位変換を家族と継続。";
        } else if (nth <= 4) {
            observation = "寝たきり。関節拘縮の進行なし。皮膚トラブルなし。";
            care = "全身清拭、関節可動域訓練、おむつ交換、体位変換。";
        }
        json_t *content = json_pack("{s:s, s:s, s:o}", "observation", observation, "care_given",
                                    care, "vitals", vitals);
        /* the nurse of the patient's round (plans above), at its hour */
        if (!record(err, op, patient, nth % 2 ? "vns.kato" : "vns.suzuki", "minami-vns",
                    "home_nursing", ago[k], 9 + nth / 2, content, handover))
            return false;
    }
    return true;
}

static bool other_records(struct error *err, struct op *op, const char *patient, int nth)
{
    json_t *soap = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}}", "subjective",
        nth == 0 ? "少し息が切れる。足がむくむ。" : "変わりない。よく眠れている。", "objective",
        nth == 0 ? "下腿浮腫軽度。肺野にラ音なし。" : "胸部聴診異常なし。腹部平坦軟。",
        "assessment", nth == 0 ? "慢性心不全、体液貯留傾向。" : "状態安定。", "plan",
        nth == 0 ? "利尿薬を増量し、体重を毎回測定。" : "現行治療を継続。", "vitals", "bp_systolic",
        124 + nth % 10, "bp_diastolic", 72, "pulse", 72 + nth % 8, "spo2", 96);
    json_t *pharmacy = json_pack(
        "{s:s, s:s, s:[{s:s, s:i}], s:s, s:s}", "adherence", nth % 3 ? "good" : "partial",
        "adherence_note", nth % 3 ? "一包化で飲み忘れなし。" : "夕食後の飲み忘れが週に2回ほど。",
        "remaining_drugs", "drug", "アムロジピン錠5mg", "count", 3 + nth % 5, "side_effects",
        "なし", "proposals",
        nth % 3 ? "特になし。" : "夕食後薬を朝食後へまとめることを主治医に提案。");
    return record(err, op, patient, "aoba.tanaka", "aoba-homecare", "home_medical", 6, 13 + nth / 2,
                  soap, nth == 0 ? "次回も体重と浮腫を確認。" : "特記事項なし。") &&
           record(err, op, patient, "ph.yoshida", "hikari-pharmacy", "home_pharmacy", 3,
                  14 + nth / 2, pharmacy, "残薬を調整済み。");
}

/* ---- timeline: an urgent thread with a mention and replies, reports, read receipts ----------- */

static bool post(struct error *err, struct op *op, const char *patient, const char *login,
                 const char *org, int64_t at, json_t *body, char id[UUID_STR_LEN])
{
    if (!body)
        return error_set(err, ERR_NOMEM, NULL);
    struct acting was = act(op, login, org, at);
    bool repeat;
    bool ok = homecare_post_create(err, op, patient, body, NULL, NULL, id, &repeat);
    json_decref(body);
    act_done(op, &was);
    return ok;
}

static bool read_by(struct error *err, struct op *op, const char *patient, const char *post_id,
                    const char *login, const char *org, int64_t at)
{
    struct acting was = act(op, login, org, at);
    bool ok = homecare_post_mark_read(err, op, patient, post_id, NULL);
    act_done(op, &was);
    return ok;
}

/* 佐藤 一郎: the nurse's urgent report of his weight gain to the physician, and the answers. */
static bool heart_failure_thread(struct error *err, struct op *op, const char *patient)
{
    int64_t at = op->now_ms - 2 * DAY_MS;
    char root[UUID_STR_LEN], reply[UUID_STR_LEN], user[UUID_STR_LEN];
    demo_clinical_uuid(user, "user", "aoba.tanaka");
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:[{s:s}]}", "category", "consult", "urgency", "urgent", "text",
        "本日の訪問で体重60.4kg(3日前より+1.1kg、12日前より+2.2kg)、下腿浮腫(+)、労作時の息切れ"
        "あり。SpO2は保たれています。利尿薬の調整をご検討いただけますか。",
        "mentions", "user_id", user);
    if (!post(err, op, patient, "vns.suzuki", "minami-vns", at, body, root))
        return false;
    body = json_pack("{s:s, s:s, s:s}", "category", "notice", "parent_id", root, "text",
                     "ご報告ありがとうございます。本日夕方に往診します。フロセミドを増量し、"
                     "毎日の体重測定をご家族にお願いしてください。");
    if (!post(err, op, patient, "aoba.tanaka", "aoba-homecare", at + 2 * 3600000, body, reply))
        return false;
    body = json_pack("{s:s, s:s, s:s}", "category", "notice", "parent_id", root, "text",
                     "処方変更を確認しました。明日お届けの際に飲み方をご説明します。");
    char third[UUID_STR_LEN];
    return post(err, op, patient, "ph.yoshida", "hikari-pharmacy", at + 5 * 3600000, body, third) &&
           read_by(err, op, patient, root, "aoba.tanaka", "aoba-homecare", at + 3600000) &&
           read_by(err, op, patient, root, "ph.yoshida", "hikari-pharmacy", at + 4 * 3600000) &&
           read_by(err, op, patient, reply, "vns.suzuki", "minami-vns", at + 3 * 3600000) &&
           read_by(err, op, patient, reply, "cm.yamazaki", "minami-cmo", at + 6 * 3600000);
}

/* The pressure ulcer: the nurse's report, the care manager's request about an air mattress. */
static bool ulcer_thread(struct error *err, struct op *op, const char *patient)
{
    int64_t at = op->now_ms - 5 * DAY_MS;
    char root[UUID_STR_LEN], reply[UUID_STR_LEN], org[UUID_STR_LEN];
    demo_clinical_uuid(org, "org", "minami-cmo");
    json_t *body =
        json_pack("{s:s, s:s, s:[{s:s}]}", "category", "report", "text",
                  "仙骨部の褥瘡は2.5×2.0cmで縮小傾向です。体位変換が夜間に空きがちなため、"
                  "体圧分散マットレスの変更をご相談したいです。",
                  "mentions", "org_id", org);
    if (!post(err, op, patient, "vns.kato", "minami-vns", at, body, root))
        return false;
    body = json_pack("{s:s, s:s, s:s}", "category", "request", "parent_id", root, "text",
                     "福祉用具事業所に連絡し、明後日に高機能エアマットへ交換します。");
    return post(err, op, patient, "cm.yamazaki", "minami-cmo", at + 5 * 3600000, body, reply) &&
           read_by(err, op, patient, root, "aoba.tanaka", "aoba-homecare", at + 3600000) &&
           read_by(err, op, patient, reply, "vns.kato", "minami-vns", at + 7 * 3600000);
}

/* A notice on every other patient: the month's plan from the care manager. */
static bool notice(struct error *err, struct op *op, const char *patient, int nth)
{
    char id[UUID_STR_LEN];
    json_t *body =
        json_pack("{s:s, s:s}", "category", "notice", "text",
                  nth % 2 ? "今月のサービス提供票を更新しました。訪問日程に変更はありません。"
                          : "ご家族の希望で、来週から訪問薬剤管理指導を金曜午後に固定します。");
    return post(err, op, patient, "cm.yamazaki", "minami-cmo", op->now_ms - (7 + nth) * DAY_MS,
                body, id) &&
           read_by(err, op, patient, id, "vns.suzuki", "minami-vns",
                   op->now_ms - (6 + nth) * DAY_MS);
}

/* Home help (訪問介護) by みなみ苑's care worker, Mon/Wed/Fri, where the facility is on the team.
 */
static bool home_help(struct error *err, struct op *op, const char *patient, int nth)
{
    char first[11], last[11], staff[UUID_STR_LEN];
    schedule_days_date(schedule_today() - 16, first);
    schedule_days_date(schedule_today() + 13, last);
    demo_clinical_uuid(staff, "user", "care.kondo");
    json_t *body = json_pack("{s:s, s:[s, s, s], s:s, s:s, s:s, s:s, s:s}", "kind", "home_help",
                             "weekdays", "mon", "wed", "fri", "start", nth % 2 ? "16:00" : "17:00",
                             "end", nth % 2 ? "16:45" : "17:45", "first_date", first, "end_date",
                             last, "staff_user_id", staff);
    json_t *care = json_pack("{s:s, s:s, s:s, s:s, s:{s:i, s:i, s:f}}", "meals",
                             "夕食は全粥を8割摂取。むせなし。", "excretion",
                             "おむつ交換2回、排便あり(普通便)。", "bathing", "全身清拭と陰部洗浄。",
                             "changes", "仙骨部に新たな発赤なし。表情穏やか。", "vitals",
                             "bp_systolic", 128, "bp_diastolic", 74, "temperature", 36.5);
    return plan_new(err, op, "care.kondo", "minami-care", op->now_ms - 16 * DAY_MS, patient,
                    body) &&
           record(err, op, patient, "care.kondo", "minami-care", "home_help", 4, 16, care,
                  "体位変換の時間を家族と共有しました。");
}

/* 佐藤 一郎's alerts follow the heart-failure profile (weight +2 kg in 3 days, SpO2 below 92), set
 * by the clinic's director before the nursing records below. */
static bool heart_failure_profile(struct error *err, struct op *op, const char *patient)
{
    return store_exec(
        err, op->conn, NULL,
        "INSERT INTO homecare_alert_settings (patient_id, profile, overrides, set_by, "
        "set_org, set_at) SELECT ?, 'heart_failure', '{}', u.id, o.id, ? FROM users "
        "u, orgs o WHERE u.login = 'aoba.tanaka' AND o.code = 'aoba-homecare'",
        "ti", patient, op->now_ms - 20 * DAY_MS);
}

bool homecare_demo_load(struct error *err, struct op *op)
{
    int index[HOME_PATIENTS];
    char ids[HOME_PATIENTS][UUID_STR_LEN];
    int n = home_patients(index);
    for (int k = 0; k < n; k++) {
        char key[16];
        snprintf(key, sizeof key, "%d", index[k]);
        demo_clinical_uuid(ids[k], "patient", key);
    }
    if (!conditions(err, op, ids, n) || (n > 0 && !heart_failure_profile(err, op, ids[0])))
        return false;
    for (int k = 0; k < n; k++)
        if (!schedule(err, op, ids[k], k) || (k == 0 && !collision(err, op, ids[k])) ||
            !nursing_records(err, op, ids[k], k) || !other_records(err, op, ids[k], k) ||
            (k >= 2 && !notice(err, op, ids[k], k)))
            return false;
    for (int k = 0; k < n; k++) {
        struct demo_patient p;
        demo_patient_get(index[k], &p);
        if (demo_patient_visible_to(&p, "minami-care") && !home_help(err, op, ids[k], k))
            return false;
    }
    return (n < 1 || heart_failure_thread(err, op, ids[0])) &&
           (n < 2 || ulcer_thread(err, op, ids[1]));
}
