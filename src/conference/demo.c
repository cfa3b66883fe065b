/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's conferences (issue 17): a past サービス担当者会議 for 佐藤 一郎 organised by
 * the care manager with the home-care team (minutes shared, two action items), and an upcoming
 * 症例検討会 without a patient for the region's newcomers. Written through the module's own
 * operations, acting as the demo users. Everything is fictional. */
#include <stdio.h>
#include <string.h>

#include "conference_int.h"
#include "core/clock.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"

enum { DEMO_DAY_MS = 86400000, TOKYO_MS = 9 * 3600000 };

/* The instant of hour:00 in Asia/Tokyo, days from the load's day, as ISO text. */
static void local_iso(const struct op *op, int days, int hour, char out[32])
{
    int64_t day = (op->now_ms + TOKYO_MS) / DEMO_DAY_MS + days;
    clock_format_iso(day * DEMO_DAY_MS + (int64_t)hour * 3600000 - TOKYO_MS, out);
}

static void date_of(const struct op *op, int days, char out[11])
{
    char iso[32];
    local_iso(op, days, 12, iso);
    memcpy(out, iso, 10);
    out[10] = '\0';
}

static json_t *participant(const char *org, const char *login)
{
    char o[UUID_STR_LEN], u[UUID_STR_LEN];
    demo_clinical_uuid(o, "org", org);
    demo_clinical_uuid(u, "user", login);
    return json_pack("{s:s, s:s}", "org_id", o, "user_id", u);
}

/* Acts as login of org at at for one step; step's result, then back to the load's actor. */
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

static bool done(struct op *op, const struct acting *was, bool ok)
{
    op->principal = was->principal;
    op->now_ms = was->now_ms;
    return ok;
}

static bool service_meeting_minutes(struct error *err, struct op *op, const char *id, int64_t at)
{
    char owner1[UUID_STR_LEN], owner2[UUID_STR_LEN], due1[11], due2[11], aid[UUID_STR_LEN];
    demo_clinical_uuid(owner1, "user", "vns.suzuki");
    demo_clinical_uuid(owner2, "user", "ph.yoshida");
    date_of(op, -3, due1);
    date_of(op, 4, due2);
    json_t *minutes = json_pack(
        "{s:s}", "text",
        "出席: 本人・長女、あおば在宅クリニック 田中医師、みなみ訪問看護ステーション 鈴木看護師、"
        "ひかり薬局 吉田薬剤師、みなみ居宅介護支援事業所 山崎。\n"
        "1. 心不全の経過: 佐藤さんは体重が3日で+1.1kg、下腿浮腫あり。利尿薬増量後に改善傾向。\n"
        "2. 方針: 毎朝の体重測定を継続し、+2kg/3日で訪問看護から主治医へ連絡する。\n"
        "3. 服薬: 一包化で飲み忘れが減った。残薬確認を継続。\n"
        "4. 介護: 訪問看護を週2回から週3回へ増やす(ケアプラン変更)。");
    json_t *a1 =
        json_pack("{s:s, s:s, s:s}", "text", "体重記録表を自宅に設置し、ご家族に記入方法を説明する",
                  "owner_user_id", owner1, "due_date", due1);
    json_t *a2 = json_pack("{s:s, s:s, s:s}", "text",
                           "利尿薬増量後の服薬状況と残薬を確認し、主治医へ報告する",
                           "owner_user_id", owner2, "due_date", due2);
    int version, told;
    struct acting was = act(op, "cm.yamazaki", "minami-cmo", at);
    bool ok = minutes && a1 && a2 && conference_minutes_write(err, op, id, minutes, &version) &&
              conference_minutes_share_op(err, op, id, &told) &&
              conference_action_add(err, op, id, a1, aid) &&
              conference_action_add(err, op, id, a2, aid);
    json_decref(minutes);
    json_decref(a1);
    json_decref(a2);
    return done(op, &was, ok);
}

/* 佐藤 一郎 (demo patient 1): the care manager's サービス担当者会議, ten days ago. */
static bool service_meeting(struct error *err, struct op *op)
{
    char patient[UUID_STR_LEN], starts[32], ends[32], id[UUID_STR_LEN];
    demo_clinical_uuid(patient, "patient", "1");
    local_iso(op, -10, 14, starts);
    local_iso(op, -10, 15, ends);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[o, o, o]}", "kind", "service",
                             "title", "サービス担当者会議(ケアプラン見直し)", "starts_at", starts,
                             "ends_at", ends, "place", "ご自宅(みなみ市)", "agenda",
                             "心不全の増悪予防と訪問看護の回数見直し。体重増加時の連絡基準の確認。",
                             "participants", participant("aoba-homecare", "aoba.tanaka"),
                             participant("minami-vns", "vns.suzuki"),
                             participant("hikari-pharmacy", "ph.yoshida"));
    struct acting was = act(op, "cm.yamazaki", "minami-cmo", op->now_ms - 14 * DEMO_DAY_MS);
    bool ok = body && conference_create(err, op, patient, body, id);
    json_decref(body);
    int64_t after = 0; /* two hours after the meeting ended */
    ok = clock_parse_iso(ends, &after) && ok;
    return done(op, &was, ok) && service_meeting_minutes(err, op, id, after + 2 * 3600000);
}

/* An upcoming 症例検討会 for newcomers, without a patient. */
static bool case_study(struct error *err, struct op *op)
{
    char starts[32], ends[32], id[UUID_STR_LEN];
    local_iso(op, 9, 18, starts);
    local_iso(op, 9, 19, ends);
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[o, o]}", "kind", "case_study", "title",
                  "新人向け症例検討会: 在宅での心不全管理", "starts_at", starts, "ends_at", ends,
                  "place", "オンライン(会議URLは前日にお知らせします)", "agenda",
                  "在宅療養中の心不全の増悪サインと多職種の連絡基準を、匿名化した事例で学ぶ。",
                  "participants", participant("minami-vns", "vns.kato"),
                  participant("hikari-pharmacy", "ph.ito"));
    struct acting was = act(op, "aoba.tanaka", "aoba-homecare", op->now_ms - 2 * DEMO_DAY_MS);
    bool ok = body && conference_create(err, op, NULL, body, id);
    json_decref(body);
    return done(op, &was, ok);
}

bool conference_demo_load(struct error *err, struct op *op)
{
    return service_meeting(err, op) && case_study(err, op);
}
