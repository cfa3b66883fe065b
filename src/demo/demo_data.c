/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fictional demo region みなみ市. See demo_data.h. All names, addresses and numbers are
 * invented; telephone numbers are in the fictional 099-555-XXXX range.
 */
#include "demo/demo_data.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------- */
/* Organisations                                                                                */

const struct demo_org demo_orgs[] = {
    {"minami-uh", "みなみ大学附属医療センター", "ミナミダイガクフゾクイリョウセンター",
     "advanced_acute_hospital", "みなみ市学園町1-1", "099-555-0110", false, 600, "ER,ICU,CT,MRI"},
    {"minami-gh", "みなみ総合病院", "ミナミソウゴウビョウイン", "acute_hospital",
     "みなみ市中央町1-2-3", "099-555-0100", false, 400, "ER,CT,MRI"},
    {"minami-rehab", "みなみリハビリテーション病院", "ミナミリハビリテーションビョウイン",
     "recovery_hospital", "みなみ市若葉台3-4-1", "099-555-0120", false, 120, "REHAB,CT"},
    {"minami-ltc", "みなみ療養病院", "ミナミリョウヨウビョウイン", "chronic_hospital",
     "みなみ市北原2-7-5", "099-555-0130", false, 150, NULL},
    {"sakura-clinic", "さくらクリニック", "サクラクリニック", "clinic", "みなみ市桜台1-3-8",
     "099-555-0140", false, 0, NULL},
    {"aoba-homecare", "あおば在宅クリニック", "アオバザイタククリニック", "home_care_clinic",
     "みなみ市青葉町4-1-12", "099-555-0150", false, 0, "HOMECARE24H"},
    {"minami-vns", "みなみ訪問看護ステーション", "ミナミホウモンカンゴステーション",
     "visiting_nursing", "みなみ市中央町2-9-4", "099-555-0160", false, 0, NULL},
    {"hikari-pharmacy", "ひかり薬局", "ヒカリヤッキョク", "pharmacy", "みなみ市中央町1-5-2",
     "099-555-0170", false, 0, NULL},
    {"minami-cmo", "みなみ居宅介護支援事業所", "ミナミキョタクカイゴシエンジギョウショ",
     "care_management", "みなみ市東町3-2-6", "099-555-0180", false, 0, NULL},
    {"minami-chiiki", "みなみ市地域包括支援センター", "ミナミシチイキホウカツシエンセンター",
     "community_support_center", "みなみ市中央町2-1-1", "099-555-0190", false, 0, NULL},
    {"minami-care", "特別養護老人ホームみなみ苑", "トクベツヨウゴロウジンホームミナミエン",
     "care_facility", "みなみ市緑町5-10-1", "099-555-0195", false, 80, NULL},
    {"minami-city", "みなみ市役所", "ミナミシヤクショ", "municipality", "みなみ市中央町2-1-1",
     "099-555-0001", false, 0, NULL},
};
const int demo_org_count = (int)(sizeof demo_orgs / sizeof demo_orgs[0]);

/* ------------------------------------------------------------------------------------------- */
/* Users                                                                                        */

#define M1(o, r) {{(o), (r)}}, 1
#define M2(o1, r1, o2, r2) {{(o1), (r1)}, {(o2), (r2)}}, 2

const struct demo_user demo_users[] = {
    {"jimukyoku", "森本 彩", "モリモト アヤ", "clerk", true, M1("minami-city", "member"),
     "地域医療連携ネットワーク事務局(ネットワーク管理者)",
     "Network office (network administrator)"},
    {"city.admin", "前田 和夫", "マエダ カズオ", "clerk", false, M1("minami-city", "org_admin"),
     "みなみ市役所 高齢福祉課の管理者",
     "Organisation admin, elderly welfare division, Minami City Hall"},
    {"gh.sato", "佐藤 健一", "サトウ ケンイチ", "physician", false, M1("minami-gh", "member"),
     "みなみ総合病院の医師", "Physician at Minami General Hospital"},
    {"gh.admin", "高橋 由美", "タカハシ ユミ", "clerk", false, M1("minami-gh", "org_admin"),
     "みなみ総合病院の管理者(医事課)", "Organisation admin (clerk) at Minami General Hospital"},
    {"gh.renkei", "中村 美咲", "ナカムラ ミサキ", "msw", false, M1("minami-gh", "member"),
     "みなみ総合病院 地域連携室のMSW",
     "Medical social worker, patient liaison office, Minami General Hospital"},
    {"gh.yamamoto", "山本 さおり", "ヤマモト サオリ", "nurse", false, M1("minami-gh", "member"),
     "みなみ総合病院の看護師(退院支援)", "Nurse (discharge support) at Minami General Hospital"},
    {"multi.kobayashi", "小林 浩", "コバヤシ ヒロシ", "physician", false,
     M2("sakura-clinic", "member", "minami-gh", "member"),
     "さくらクリニックの医師、みなみ総合病院の外来も担当(所属切替)",
     "Physician at Sakura Clinic and Minami General Hospital (organisation switch)"},
    {"uh.admin", "松本 隆", "マツモト タカシ", "clerk", false, M1("minami-uh", "org_admin"),
     "みなみ大学附属医療センターの管理者",
     "Organisation admin at Minami University Medical Center"},
    {"uh.fujita", "藤田 真理", "フジタ マリ", "physician", false, M1("minami-uh", "member"),
     "みなみ大学附属医療センターの医師", "Physician at Minami University Medical Center"},
    {"rehab.admin", "井上 聡", "イノウエ サトシ", "clerk", false, M1("minami-rehab", "org_admin"),
     "みなみリハビリテーション病院の管理者",
     "Organisation admin at Minami Rehabilitation Hospital"},
    {"rehab.kimura", "木村 翔太", "キムラ ショウタ", "therapist", false,
     M1("minami-rehab", "member"), "みなみリハビリテーション病院の理学療法士",
     "Physical therapist at Minami Rehabilitation Hospital"},
    {"rehab.hayashi", "林 優子", "ハヤシ ユウコ", "msw", false, M1("minami-rehab", "member"),
     "みなみリハビリテーション病院のMSW",
     "Medical social worker at Minami Rehabilitation Hospital"},
    {"ltc.shimizu", "清水 正人", "シミズ マサト", "physician", false, M1("minami-ltc", "org_admin"),
     "みなみ療養病院の院長(管理者)",
     "Director (organisation admin) of Minami Long-Term Care Hospital"},
    {"ltc.ishikawa", "石川 智子", "イシカワ トモコ", "nurse", false, M1("minami-ltc", "member"),
     "みなみ療養病院の看護師", "Nurse at Minami Long-Term Care Hospital"},
    {"sc.admin", "山口 典子", "ヤマグチ ノリコ", "clerk", false, M1("sakura-clinic", "org_admin"),
     "さくらクリニックの管理者(医療事務)", "Organisation admin (clerk) at Sakura Clinic"},
    {"aoba.tanaka", "田中 誠", "タナカ マコト", "physician", false,
     M1("aoba-homecare", "org_admin"), "あおば在宅クリニックの院長(管理者)",
     "Director (organisation admin) of Aoba Home-Care Clinic"},
    {"aoba.nakajima", "中島 亜希", "ナカジマ アキ", "nurse", false, M1("aoba-homecare", "member"),
     "あおば在宅クリニックの看護師", "Nurse at Aoba Home-Care Clinic"},
    {"aoba.mori", "森 健太", "モリ ケンタ", "physician", false, M1("aoba-homecare", "member"),
     "あおば在宅クリニックの医師(夜間・休日の当番も担当)",
     "Physician at Aoba Home-Care Clinic (takes night and holiday calls)"},
    {"vns.kato", "加藤 洋子", "カトウ ヨウコ", "nurse", false, M1("minami-vns", "org_admin"),
     "みなみ訪問看護ステーションの所長(管理者)",
     "Head (organisation admin) of Minami Home-Visit Nursing Station"},
    {"vns.suzuki", "鈴木 恵子", "スズキ ケイコ", "nurse", false, M1("minami-vns", "member"),
     "みなみ訪問看護ステーションの看護師", "Nurse at Minami Home-Visit Nursing Station"},
    {"vns.ikeda", "池田 大輔", "イケダ ダイスケ", "therapist", false, M1("minami-vns", "member"),
     "みなみ訪問看護ステーションの作業療法士(訪問リハ)",
     "Occupational therapist (home-visit rehabilitation) at Minami Home-Visit Nursing Station"},
    {"ph.yoshida", "吉田 修", "ヨシダ オサム", "pharmacist", false,
     M1("hikari-pharmacy", "org_admin"), "ひかり薬局の管理薬剤師(管理者)",
     "Managing pharmacist (organisation admin) at Hikari Pharmacy"},
    {"ph.ito", "伊藤 直子", "イトウ ナオコ", "pharmacist", false, M1("hikari-pharmacy", "member"),
     "ひかり薬局の薬剤師", "Pharmacist at Hikari Pharmacy"},
    {"cm.yamazaki", "山崎 幸子", "ヤマザキ サチコ", "care_manager", false,
     M1("minami-cmo", "org_admin"), "みなみ居宅介護支援事業所の主任ケアマネジャー(管理者)",
     "Chief care manager (organisation admin) at Minami Care-Management Office"},
    {"cm.watanabe", "渡辺 久美子", "ワタナベ クミコ", "care_manager", false,
     M1("minami-cmo", "member"), "みなみ居宅介護支援事業所のケアマネジャー",
     "Care manager at Minami Care-Management Office"},
    {"chiiki.mori", "森 香織", "モリ カオリ", "nurse", false, M1("minami-chiiki", "org_admin"),
     "地域包括支援センターの保健師(管理者)",
     "Public health nurse (organisation admin) at the community comprehensive support centre"},
    {"chiiki.abe", "阿部 拓也", "アベ タクヤ", "care_manager", false, M1("minami-chiiki", "member"),
     "地域包括支援センターの主任ケアマネジャー",
     "Chief care manager at the community comprehensive support centre"},
    {"care.admin", "岡田 勉", "オカダ ツトム", "clerk", false, M1("minami-care", "org_admin"),
     "特別養護老人ホームみなみ苑の施設長(管理者)",
     "Director (organisation admin) of Minami-en care facility"},
    {"care.ogawa", "小川 京子", "オガワ キョウコ", "nurse", false, M1("minami-care", "member"),
     "特別養護老人ホームみなみ苑の看護職員", "Nurse at Minami-en care facility"},
    /* home care (issue 16): the facility's home-help service (訪問介護) */
    {"care.kondo", "近藤 真由美", "コンドウ マユミ", "care_worker", false,
     M1("minami-care", "member"), "特別養護老人ホームみなみ苑の介護福祉士(訪問介護)",
     "Care worker (home help) at Minami-en care facility"},
};
const int demo_user_count = (int)(sizeof demo_users / sizeof demo_users[0]);

#undef M1
#undef M2

const struct demo_org *demo_org_find(const char *code)
{
    if (!code)
        return NULL;
    for (int i = 0; i < demo_org_count; i++) {
        if (strcmp(demo_orgs[i].code, code) == 0)
            return &demo_orgs[i];
    }
    return NULL;
}

const struct demo_user *demo_user_find(const char *login)
{
    if (!login)
        return NULL;
    for (int i = 0; i < demo_user_count; i++) {
        if (strcmp(demo_users[i].login, login) == 0)
            return &demo_users[i];
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------- */
/* Name and address material                                                                    */

struct reading {
    const char *kanji;
    const char *kana;
};

/* 40 family names. */
static const struct reading family_names[] = {
    {"山田", "ヤマダ"},   {"佐藤", "サトウ"},   {"鈴木", "スズキ"},   {"高橋", "タカハシ"},
    {"田中", "タナカ"},   {"伊藤", "イトウ"},   {"渡辺", "ワタナベ"}, {"中村", "ナカムラ"},
    {"小林", "コバヤシ"}, {"加藤", "カトウ"},   {"吉田", "ヨシダ"},   {"山本", "ヤマモト"},
    {"松本", "マツモト"}, {"井上", "イノウエ"}, {"木村", "キムラ"},   {"林", "ハヤシ"},
    {"斎藤", "サイトウ"}, {"清水", "シミズ"},   {"山崎", "ヤマザキ"}, {"森", "モリ"},
    {"池田", "イケダ"},   {"橋本", "ハシモト"}, {"阿部", "アベ"},     {"石川", "イシカワ"},
    {"山下", "ヤマシタ"}, {"中島", "ナカジマ"}, {"前田", "マエダ"},   {"藤田", "フジタ"},
    {"小川", "オガワ"},   {"後藤", "ゴトウ"},   {"岡田", "オカダ"},   {"長谷川", "ハセガワ"},
    {"村上", "ムラカミ"}, {"近藤", "コンドウ"}, {"石井", "イシイ"},   {"坂本", "サカモト"},
    {"遠藤", "エンドウ"}, {"青木", "アオキ"},   {"藤井", "フジイ"},   {"西村", "ニシムラ"},
};
#define FAMILY_COUNT ((int)(sizeof family_names / sizeof family_names[0]))

/* 30 given names each; 花子 and 一郎 are left out so patients 0 and 1 stay unique. */
static const struct reading female_names[] = {
    {"幸子", "サチコ"},   {"和子", "カズコ"},   {"節子", "セツコ"},   {"洋子", "ヨウコ"},
    {"恵子", "ケイコ"},   {"京子", "キョウコ"}, {"美智子", "ミチコ"}, {"弘子", "ヒロコ"},
    {"久子", "ヒサコ"},   {"悦子", "エツコ"},   {"順子", "ジュンコ"}, {"良子", "ヨシコ"},
    {"文子", "フミコ"},   {"信子", "ノブコ"},   {"千代子", "チヨコ"}, {"富子", "トミコ"},
    {"静子", "シズコ"},   {"清子", "キヨコ"},   {"昭子", "アキコ"},   {"正子", "マサコ"},
    {"敏子", "トシコ"},   {"美代子", "ミヨコ"}, {"貞子", "サダコ"},   {"君子", "キミコ"},
    {"栄子", "エイコ"},   {"光子", "ミツコ"},   {"初江", "ハツエ"},   {"澄江", "スミエ"},
    {"美枝子", "ミエコ"}, {"由美子", "ユミコ"},
};
static const struct reading male_names[] = {
    {"茂", "シゲル"},     {"清", "キヨシ"},   {"勇", "イサム"},   {"博", "ヒロシ"},
    {"実", "ミノル"},     {"進", "ススム"},   {"正雄", "マサオ"}, {"和夫", "カズオ"},
    {"昭", "アキラ"},     {"武", "タケシ"},   {"勝", "マサル"},   {"隆", "タカシ"},
    {"修", "オサム"},     {"勉", "ツトム"},   {"豊", "ユタカ"},   {"三郎", "サブロウ"},
    {"次郎", "ジロウ"},   {"健二", "ケンジ"}, {"幸雄", "ユキオ"}, {"義男", "ヨシオ"},
    {"秀夫", "ヒデオ"},   {"俊夫", "トシオ"}, {"正", "タダシ"},   {"弘之", "ヒロユキ"},
    {"光男", "ミツオ"},   {"忠雄", "タダオ"}, {"保", "タモツ"},   {"功", "イサオ"},
    {"誠一", "セイイチ"}, {"孝雄", "タカオ"},
};
#define GIVEN_COUNT 30
_Static_assert(sizeof female_names / sizeof female_names[0] == GIVEN_COUNT, "female names");
_Static_assert(sizeof male_names / sizeof male_names[0] == GIVEN_COUNT, "male names");
_Static_assert(sizeof family_names / sizeof family_names[0] == 40, "family names");

static const char *const towns[] = {
    "中央町", "桜台", "青葉町", "東町", "西町", "南ヶ丘", "北原", "緑町",
    "旭町",   "本町", "若葉台", "港町", "宮前", "川端町", "栄町", "学園町",
};
#define TOWN_COUNT ((int)(sizeof towns / sizeof towns[0]))

static const char *const buildings[] = {
    "コーポ青葉", "みなみハイツ", "グリーンヒル", "メゾン旭", "サンライズみなみ",
};
#define BUILDING_COUNT ((int)(sizeof buildings / sizeof buildings[0]))

/* ------------------------------------------------------------------------------------------- */
/* Care patterns: who typically looks after a patient. The first organisation is the one that  */
/* registers the patient (always on the team, always with a local id).                          */

struct pattern_org {
    const char *code;
    int percent; /* chance to be on the team (the first: 100) */
};

struct pattern {
    int weight; /* out of 100 */
    bool elderly;
    struct pattern_org orgs[6];
};

static const struct pattern patterns[] = {
    /* 在宅: home-care clinic with nursing, pharmacy and care manager */
    {26,
     true,
     {{"aoba-homecare", 100},
      {"minami-gh", 70},
      {"minami-vns", 80},
      {"hikari-pharmacy", 70},
      {"minami-cmo", 80},
      {"minami-chiiki", 10}}},
    /* family doctor with the hospital behind */
    {18,
     false,
     {{"sakura-clinic", 100},
      {"minami-gh", 75},
      {"hikari-pharmacy", 60},
      {"minami-uh", 15},
      {"minami-vns", 10}}},
    /* acute hospital patient, sometimes back to the clinic */
    {16,
     false,
     {{"minami-gh", 100},
      {"sakura-clinic", 45},
      {"hikari-pharmacy", 40},
      {"minami-cmo", 30},
      {"minami-vns", 20},
      {"aoba-homecare", 15}}},
    /* after a stroke or a fracture: recovery hospital */
    {10,
     true,
     {{"minami-rehab", 100},
      {"minami-gh", 65},
      {"minami-uh", 30},
      {"minami-cmo", 60},
      {"sakura-clinic", 40},
      {"minami-vns", 30}}},
    /* long-term care hospital */
    {7,
     true,
     {{"minami-ltc", 100}, {"minami-gh", 70}, {"hikari-pharmacy", 20}, {"minami-care", 15}}},
    /* resident of the care facility */
    {8,
     true,
     {{"minami-care", 100}, {"aoba-homecare", 80}, {"hikari-pharmacy", 60}, {"minami-gh", 55}}},
    /* advanced acute care at the university centre */
    {8,
     false,
     {{"minami-uh", 100}, {"minami-gh", 50}, {"sakura-clinic", 50}, {"hikari-pharmacy", 30}}},
    /* elderly support case opened by the community support centre */
    {7,
     true,
     {{"minami-chiiki", 100},
      {"minami-cmo", 70},
      {"sakura-clinic", 60},
      {"minami-gh", 50},
      {"minami-vns", 20}}},
};
#define PATTERN_COUNT ((int)(sizeof patterns / sizeof patterns[0]))

/* Local ids: prefix-number, number = base + step * i (injective in i, hence unique per org). */
struct id_rule {
    const char *org_code;
    const char *prefix;
    int width;
    int base;
    int step;
    int percent; /* chance of a local id when on the team but not registering */
};

static const struct id_rule id_rules[] = {
    {"minami-gh", "GH", 6, 1, 1, 100}, /* patient 0: GH-000001, 1: GH-000002 */
    {"minami-uh", "UH", 7, 2400000, 13, 70},
    {"minami-rehab", "RH", 5, 20000, 11, 70},
    {"minami-ltc", "LT", 5, 30000, 7, 70},
    {"sakura-clinic", "SC", 4, 0, 1, 60}, /* patient 1: SC-0001 */
    {"aoba-homecare", "AB", 4, 100, 3, 60},
    {"minami-care", "CF", 4, 500, 1, 50},
    {"minami-chiiki", "CH", 4, 1, 1, 0},
};
#define ID_RULE_COUNT ((int)(sizeof id_rules / sizeof id_rules[0]))

/* ------------------------------------------------------------------------------------------- */
/* Deterministic generator and dates                                                            */

struct rng {
    uint64_t state;
};

/* splitmix64 */
static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* 0 <= result < n */
static int rng_below(struct rng *r, int n)
{
    return (int)(rng_next(r) % (uint64_t)n);
}

static int rng_between(struct rng *r, int lo, int hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

static bool rng_chance(struct rng *r, int percent)
{
    return rng_below(r, 100) < percent;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void format_date(char out[11], long days)
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* ------------------------------------------------------------------------------------------- */
/* Patients                                                                                     */

#define SEED UINT64_C(0x6D696E616D692026) /* "minami" 2026 */

/* Consents are dated 2024-04-01 .. 2026-03-31; withdrawals 30..179 days later. */
#define CONSENT_FIRST_DAY days_from_civil(2024, 4, 1)
#define CONSENT_DAYS 730

static bool team_has(const struct demo_patient *p, const char *code)
{
    for (int k = 0; k < p->team_count; k++) {
        if (strcmp(p->team_org_codes[k], code) == 0)
            return true;
    }
    return false;
}

static const struct id_rule *id_rule_for(const char *code)
{
    for (int k = 0; k < ID_RULE_COUNT; k++) {
        if (strcmp(id_rules[k].org_code, code) == 0)
            return &id_rules[k];
    }
    return NULL;
}

static void add_local_id(struct demo_patient *p, const struct id_rule *rule, int i)
{
    struct demo_local_id *lid = &p->local_ids[p->local_id_count++];
    lid->org_code = rule->org_code;
    snprintf(lid->local_id, sizeof lid->local_id, "%.8s-%0*d", rule->prefix, rule->width,
             rule->base + rule->step * i);
}

static const char *withdraw_reason_for(const char *code)
{
    const struct demo_org *org = demo_org_find(code);
    const char *type = org ? org->type : "";
    if (strcmp(type, "pharmacy") == 0)
        return "かかりつけ薬局を変更したため";
    if (strcmp(type, "visiting_nursing") == 0)
        return "訪問看護ステーションを変更したため";
    if (strcmp(type, "care_management") == 0)
        return "担当の居宅介護支援事業所を変更したため";
    return "本人の申し出により同意を撤回";
}

static void set_team(struct demo_patient *p, const char *const *codes, int n)
{
    p->team_count = n;
    p->consent_count = n;
    for (int k = 0; k < n; k++) {
        p->team_org_codes[k] = codes[k];
        p->consent_org_codes[k] = codes[k];
    }
}

/* The two patients the browser tests rely on. */
static void fixed_patient(int i, struct demo_patient *p)
{
    static const char *const team0[] = {"minami-gh", "aoba-homecare"};
    static const char *const team1[] = {"minami-gh",  "sakura-clinic",   "aoba-homecare",
                                        "minami-vns", "hikari-pharmacy", "minami-cmo"};
    p->consent_method = "written";
    if (i == 0) {
        snprintf(p->name, sizeof p->name, "%s", "山田 花子");
        snprintf(p->name_kana, sizeof p->name_kana, "%s", "ヤマダ ハナコ");
        p->sex = "female";
        snprintf(p->birth_date, sizeof p->birth_date, "%s", "1941-04-12");
        snprintf(p->address, sizeof p->address, "%s", "みなみ市桜台2-5-8");
        snprintf(p->phone, sizeof p->phone, "%s", "099-555-1000");
        add_local_id(p, id_rule_for("minami-gh"), 0);
        set_team(p, team0, 2);
        snprintf(p->consented_on, sizeof p->consented_on, "%s", "2025-10-01");
    } else {
        snprintf(p->name, sizeof p->name, "%s", "佐藤 一郎");
        snprintf(p->name_kana, sizeof p->name_kana, "%s", "サトウ イチロウ");
        p->sex = "male";
        snprintf(p->birth_date, sizeof p->birth_date, "%s", "1938-09-03");
        snprintf(p->address, sizeof p->address, "%s", "みなみ市中央町3-8-15");
        snprintf(p->phone, sizeof p->phone, "%s", "099-555-1379");
        add_local_id(p, id_rule_for("minami-gh"), 1);
        add_local_id(p, id_rule_for("sakura-clinic"), 1);
        set_team(p, team1, 6);
        snprintf(p->consented_on, sizeof p->consented_on, "%s", "2025-06-02");
    }
}

static const struct pattern *pick_pattern(struct rng *r)
{
    int x = rng_below(r, 100);
    for (int k = 0; k < PATTERN_COUNT; k++) {
        if (x < patterns[k].weight)
            return &patterns[k];
        x -= patterns[k].weight;
    }
    return &patterns[0];
}

static void generated_patient(int i, struct demo_patient *p)
{
    struct rng r = {SEED ^ (UINT64_C(0x100000001B3) * (uint64_t)(i + 1))};
    rng_next(&r);

    /* Name: (family, given) differ for every i of the same family, so no two patients share a
     * name (i = family + 40 q, given = 7 q + 3 family mod 30 with q = 0..4). */
    int family = i % FAMILY_COUNT;
    int q = i / FAMILY_COUNT;
    int given = (7 * q + 3 * family) % GIVEN_COUNT;
    bool female = rng_chance(&r, 58);
    const struct reading *fn = &family_names[family];
    const struct reading *gn = female ? &female_names[given] : &male_names[given];
    snprintf(p->name, sizeof p->name, "%s %s", fn->kanji, gn->kanji);
    snprintf(p->name_kana, sizeof p->name_kana, "%s %s", fn->kana, gn->kana);
    p->sex = female ? "female" : "male";

    const struct pattern *pat = pick_pattern(&r);

    /* Birth date: the elderly patterns 1925-1955, the others mostly 1930-1960, some younger. */
    int year;
    if (pat->elderly)
        year = rng_between(&r, 1925, 1955);
    else if (rng_chance(&r, 75))
        year = rng_between(&r, 1930, 1960);
    else
        year = rng_between(&r, 1961, 2000);
    long first = days_from_civil(year, 1, 1);
    long len = days_from_civil(year + 1, 1, 1) - first;
    format_date(p->birth_date, first + rng_below(&r, (int)len));

    /* Address and phone. */
    if (strcmp(pat->orgs[0].code, "minami-care") == 0) {
        const struct demo_org *care = demo_org_find("minami-care");
        snprintf(p->address, sizeof p->address, "%s %s", care->address, care->name);
    } else {
        int chome = rng_between(&r, 1, 5), ban = rng_between(&r, 1, 30);
        int go = rng_between(&r, 1, 20);
        const char *town = towns[rng_below(&r, TOWN_COUNT)];
        if (rng_chance(&r, 20)) {
            int room = rng_between(&r, 1, 4) * 100 + rng_between(&r, 1, 8);
            snprintf(p->address, sizeof p->address, "みなみ市%s%d-%d-%d %s%d", town, chome, ban, go,
                     buildings[rng_below(&r, BUILDING_COUNT)], room);
        } else {
            snprintf(p->address, sizeof p->address, "みなみ市%s%d-%d-%d", town, chome, ban, go);
        }
    }
    snprintf(p->phone, sizeof p->phone, "099-555-%04d", 1000 + (i * 379) % 9000);

    /* Care team: the registering organisation, then each other one by chance. */
    p->team_org_codes[p->team_count++] = pat->orgs[0].code;
    for (int k = 1; k < 6 && pat->orgs[k].code; k++) {
        if (rng_chance(&r, pat->orgs[k].percent))
            p->team_org_codes[p->team_count++] = pat->orgs[k].code;
    }

    /* Special consent cases need a second organisation on the team. */
    bool withdrawn = i % 20 == 7;    /* 10 patients: 5% */
    bool never_given = i % 25 == 11; /* 8 patients: a team organisation without consent */
    if ((withdrawn || never_given) && p->team_count < 2) {
        static const char *const extra[] = {"hikari-pharmacy", "minami-cmo", "minami-vns"};
        for (int k = 0; k < 3; k++) {
            if (!team_has(p, extra[k])) {
                p->team_org_codes[p->team_count++] = extra[k];
                break;
            }
        }
    }

    /* Local ids: the registering organisation always, minami-gh always, others by chance. */
    for (int k = 0; k < p->team_count && p->local_id_count < 4; k++) {
        const struct id_rule *rule = id_rule_for(p->team_org_codes[k]);
        if (rule && (k == 0 || rng_chance(&r, rule->percent)))
            add_local_id(p, rule, i);
    }

    /* Consent. */
    p->consent_count = never_given ? p->team_count - 1 : p->team_count;
    for (int k = 0; k < p->consent_count; k++)
        p->consent_org_codes[k] = p->team_org_codes[k];
    p->consent_method = rng_chance(&r, 15) ? "verbal" : "written";
    long consented = CONSENT_FIRST_DAY + rng_below(&r, CONSENT_DAYS);
    format_date(p->consented_on, consented);
    if (withdrawn) {
        p->consent_withdrawn_for_last = true;
        format_date(p->withdrawn_on, consented + rng_between(&r, 30, 179));
        p->withdraw_reason = withdraw_reason_for(p->consent_org_codes[p->consent_count - 1]);
    }
}

/* Two bed-bound home-care patients (池田 茂, 石川 悦子) also get home help (訪問介護) from
 * みなみ苑: the facility joins their team and consent. */
static void home_help(int i, struct demo_patient *p)
{
    if ((i != 20 && i != 23) || p->team_count >= 6 || p->consent_count >= DEMO_MAX_CONSENT_ORGS ||
        p->consent_withdrawn_for_last || team_has(p, "minami-care"))
        return;
    p->team_org_codes[p->team_count++] = "minami-care";
    p->consent_org_codes[p->consent_count++] = "minami-care";
}

void demo_patient_get(int i, struct demo_patient *out)
{
    memset(out, 0, sizeof *out);
    if (i < 0 || i >= DEMO_PATIENT_COUNT)
        return;
    if (i < 2)
        fixed_patient(i, out);
    else
        generated_patient(i, out);
    home_help(i, out);
}

bool demo_patient_visible_to(const struct demo_patient *p, const char *org_code)
{
    if (!p || !org_code || !team_has(p, org_code))
        return false;
    int n = p->consent_count - (p->consent_withdrawn_for_last ? 1 : 0);
    for (int k = 0; k < n; k++) {
        if (strcmp(p->consent_org_codes[k], org_code) == 0)
            return true;
    }
    return false;
}
