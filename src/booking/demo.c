/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's shared-equipment booking (共同利用): bookable CT and MRI slots relative to
 * today, and three bookings of さくらクリニック at みなみ総合病院 in different states. Everything
 * is fictional. */
#include "booking_int.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/ids.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"
#include "notify/notify.h"

#define DAY_MS (24LL * 3600 * 1000)
#define TOKYO_OFFSET_MS (9LL * 3600 * 1000)
#define SLOT_DAYS 14

static const char *const equipment[] = {"ct", "mri"};

static const char *preparation(const char *eq)
{
    if (strcmp(eq, "ct") == 0)
        return "検査2時間前から絶食(水・お茶は可)。造影検査では同意書と3か月以内の腎機能(eGFR)の"
               "結果を持参。金属類は外してきてください。受付は検査15分前までに地域連携室へ。";
    return "ペースメーカー・体内金属・刺青の有無を事前に確認してください。検査前に金属類・磁気"
           "カードを外します。閉所が苦手な方は事前にご相談ください。受付は検査15分前までに。";
}

/* Days since the epoch of today in Asia/Tokyo. */
static int64_t tokyo_day(int64_t now)
{
    return (now + TOKYO_OFFSET_MS) / DAY_MS;
}

static int64_t tokyo_time(int64_t day, int hhmm)
{
    return day * DAY_MS + (int64_t)(hhmm / 100) * 3600000 + (int64_t)(hhmm % 100) * 60000 -
           TOKYO_OFFSET_MS;
}

static bool weekday(int64_t day)
{
    int wd = (int)((day + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    return wd != 0 && wd != 6;
}

static void slot_id(char out[UUID_STR_LEN], const char *org_code, const char *eq, int offset,
                    int hhmm)
{
    char key[96];
    snprintf(key, sizeof key, "%s/%s/%d/%04d", org_code, eq, offset, hhmm);
    demo_clinical_uuid(out, "slot", key);
}

static bool insert_slot(struct error *err, struct store_conn *conn, const char *org_code,
                        const char *eq, int64_t day, int offset, int hhmm, int64_t now)
{
    char id[UUID_STR_LEN], org[UUID_STR_LEN], user[UUID_STR_LEN];
    slot_id(id, org_code, eq, offset, hhmm);
    demo_clinical_uuid(org, "org", org_code);
    demo_clinical_uuid(user, "user", "jimukyoku");
    int64_t starts = tokyo_time(day, hhmm);
    return store_exec(err, conn, NULL,
                      "INSERT INTO equipment_slots (id, org_id, equipment, starts_at, ends_at, "
                      "preparation, note, created_by, created_at) VALUES "
                      "(?, ?, ?, ?, ?, ?, '', ?, ?)",
                      "tttiitti", id, org, eq, starts, starts + 30 * 60000, preparation(eq), user,
                      now - DAY_MS);
}

static bool shared(struct error *err, struct store_conn *conn, const char *org_code, const char *eq,
                   bool *yes)
{
    char org[UUID_STR_LEN];
    demo_clinical_uuid(org, "org", org_code);
    return booking_equipment_shared(err, conn, org, eq, yes);
}

static bool load_slots(struct error *err, struct store_conn *conn, int64_t now)
{
    int64_t today = tokyo_day(now);
    for (int o = 0; o < demo_org_count; o++) {
        for (size_t e = 0; e < sizeof equipment / sizeof equipment[0]; e++) {
            bool yes;
            if (!shared(err, conn, demo_orgs[o].code, equipment[e], &yes))
                return false;
            for (int offset = 1; yes && offset <= SLOT_DAYS; offset++) {
                if (!weekday(today + offset))
                    continue;
                for (int hhmm = 900; hhmm < 1600; hhmm += hhmm % 100 ? 70 : 30)
                    if (!insert_slot(err, conn, demo_orgs[o].code, equipment[e], today + offset,
                                     offset, hhmm, now))
                        return false;
            }
        }
    }
    return true;
}

/* ---- bookings ----------------------------------------------------------------------------------
 */

struct demo_booking {
    const char *key;
    const char *eq;
    int weekday; /* the n-th weekday after today, or minus days ago (a slot of its own) */
    int hhmm;
    const char *status;
    const char *exam, *question, *notes;
    const char *findings, *impression; /* reported only */
};

static const struct demo_booking bookings[] = {
    {"1", "ct", 2, 1000, "requested", "胸部単純CT",
     "2か月続く咳嗽と体重減少(-3kg)。肺野の腫瘤影や縦隔リンパ節腫大の有無を確認したい。",
     "喫煙歴 20本×30年。造影は不要と考えます。", NULL, NULL},
    {"2", "mri", 3, 1400, "confirmed", "頭部MRI(単純)・MRA",
     "1週間前からの回転性めまいとふらつき。小脳・脳幹の梗塞を除外したい。",
     "体内金属なし(本人確認済み)。", NULL, NULL},
    {"3", "ct", -3, 1000, "reported", "腹部単純CT", "右季肋部痛が2週間続く。胆石・胆嚢炎の有無。",
     "",
     "胆嚢内に径12mmの石灰化結石を1個認める。胆嚢壁の肥厚なし。周囲脂肪織の濃度上昇なし。"
     "肝・膵・両腎に特記すべき所見なし。",
     "胆嚢結石症。急性胆嚢炎を示唆する所見なし。"},
};

/* The slot of a demo booking: on the n-th weekday's grid, or a slot of its own in the past. */
static bool booking_slot(struct error *err, struct store_conn *conn, const struct demo_booking *d,
                         int64_t now, char id[UUID_STR_LEN], int64_t *starts)
{
    int64_t today = tokyo_day(now);
    if (d->weekday < 0) {
        *starts = tokyo_time(today + d->weekday, d->hhmm);
        slot_id(id, "minami-gh", d->eq, d->weekday, d->hhmm);
        return insert_slot(err, conn, "minami-gh", d->eq, today + d->weekday, d->weekday, d->hhmm,
                           now - 10 * DAY_MS);
    }
    int offset = 0;
    for (int n = 0; n < d->weekday;)
        n += weekday(today + ++offset);
    *starts = tokyo_time(today + offset, d->hhmm);
    slot_id(id, "minami-gh", d->eq, offset, d->hhmm);
    return true;
}

/* The k-th demo patient (0-based) whose record さくらクリニック may see. */
static void ordering_patient(int k, char out[UUID_STR_LEN])
{
    for (int i = 1; i < DEMO_PATIENT_COUNT; i++) {
        struct demo_patient p;
        demo_patient_get(i, &p);
        if (demo_patient_visible_to(&p, "sakura-clinic") && k-- == 0) {
            char key[16];
            snprintf(key, sizeof key, "%d", i);
            demo_clinical_uuid(out, "patient", key);
            return;
        }
    }
    demo_clinical_uuid(out, "patient", "1");
}

struct parties {
    char clinic[UUID_STR_LEN], hospital[UUID_STR_LEN];
    char orderer[UUID_STR_LEN], liaison[UUID_STR_LEN], radiologist[UUID_STR_LEN];
};

/* A step of the booking's timeline, taken by login of org_code at `at`. */
static bool event(struct error *err, struct op *op, const char *booking, const char *kind,
                  int64_t at, const char *login, const char *org_code)
{
    struct principal was = op->principal;
    int64_t now = op->now_ms;
    demo_act(op, login, org_code, at);
    bool ok = notify_timeline_append(err, op, &booking_case, booking, kind, NULL);
    op->principal = was;
    op->now_ms = now;
    return ok;
}

/* The notification of the clinic, as the booking's step at `at` sent it. */
static bool notify(struct error *err, struct op *op, const char *booking, const char *patient,
                   const char *kind, const char *to_org, const struct demo_booking *d,
                   int64_t starts, int64_t at)
{
    char id[UUID_STR_LEN], when[32];
    demo_clinical_uuid(id, "booking-notification", booking);
    clock_format_iso(starts, when);
    json_t *summary =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event", kind, "booking_id", booking,
                  "equipment", d->eq, "starts_at", when, "org_name", "みなみ総合病院", "user_name",
                  strcmp(kind, "confirmed") == 0 ? "中村 美咲" : "佐藤 健一");
    if (!summary)
        return error_set(err, ERR_NOMEM, NULL);
    struct notify_message m = {
        .kind = "booking", .patient_id = patient, .ref_id = booking, .summary = summary, .id = id};
    int64_t now = op->now_ms;
    op->now_ms = at;
    bool ok = notify_org(err, op, to_org, &m);
    op->now_ms = now;
    json_decref(summary);
    return ok;
}

static bool write_report(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                         const struct parties *who, const char *booking, const char *patient,
                         const struct demo_booking *d, int64_t starts, char *report_id)
{
    char subject[64], performer[64], effective[32], issued[32];
    snprintf(subject, sizeof subject, "Patient/%s", patient);
    snprintf(performer, sizeof performer, "Organization/%s", who->hospital);
    clock_format_iso(starts, effective);
    clock_format_iso(starts + 4 * 3600000, issued);
    json_t *dr = json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:[{s:[{s:s, s:s, s:s}]}], s:{s:s}, s:{s:s}, s:s, s:s, "
        "s:[{s:s, s:s}], s:[{s:s}], s:s}",
        "resourceType", "DiagnosticReport", "identifier", "system", BOOKING_ID_SYSTEM, "value",
        booking, "status", "final", "category", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/v2-0074", "code", "RAD", "display", "Radiology",
        "code", "text", d->exam, "subject", "reference", subject, "effectiveDateTime", effective,
        "issued", issued, "performer", "reference", performer, "display", "みなみ総合病院",
        "resultsInterpreter", "display", "佐藤 健一", "conclusion", d->impression);
    struct fhir_actor actor = {.org_id = who->hospital, .user_id = who->radiologist};
    struct fhir_row row;
    bool created;
    demo_clinical_uuid(report_id, "report", booking);
    bool ok = dr && fhir_store_put(err, conn, env, &actor, dr, report_id, 0, &row, &created);
    json_decref(dr);
    return dr ? ok : error_set(err, ERR_NOMEM, NULL);
}

/* The booking's record share, started or ended by its step at `at`. */
static bool share(struct error *err, struct op *op, const char *patient, const char *hospital,
                  const char *booking, int64_t at, int64_t expires, bool *shared)
{
    int64_t now = op->now_ms;
    op->now_ms = at;
    bool ok = patient ? access_share_start(err, op, patient, hospital, &booking_case, booking,
                                           expires, shared)
                      : access_share_end(err, op, &booking_case, booking, "reported", NULL);
    op->now_ms = now;
    return ok;
}

/* The steps after the request, with their times, for the booking's state. */
static bool later_steps(struct error *err, struct op *op, const struct fhir_env *env,
                        const struct parties *who, const char *id, const char *patient,
                        const struct demo_booking *d, int64_t starts, int64_t at)
{
    struct store_conn *conn = op->conn;
    /* Only the clinic's side has unread demo notifications: the hospital's inbox stays as the
     * emergency-access tour expects it. */
    if (strcmp(d->status, "requested") == 0)
        return true;
    if (!event(err, op, id, "confirmed", at + 3600000, "gh.renkei", "minami-gh"))
        return false;
    if (strcmp(d->status, "confirmed") == 0)
        return notify(err, op, id, patient, "confirmed", who->clinic, d, starts, at + 3600000);
    char report_id[UUID_STR_LEN], report[1200];
    int64_t reported = starts + 4 * 3600000;
    snprintf(report, sizeof report, "{\"findings\":\"%s\",\"impression\":\"%s\"}", d->findings,
             d->impression);
    return write_report(err, conn, env, who, id, patient, d, starts, report_id) &&
           store_exec(err, conn, NULL,
                      "UPDATE equipment_bookings SET report = ?, reported_at = ?, "
                      "reported_by = ?, fhir_diagnostic_report_id = ?, updated_at = ? "
                      "WHERE id = ?",
                      "tittit", report, reported, who->radiologist, report_id, reported, id) &&
           event(err, op, id, "reported", reported, "gh.sato", "minami-gh") &&
           share(err, op, NULL, NULL, id, reported, 0, NULL) &&
           notify(err, op, id, patient, "reported", who->clinic, d, starts, reported);
}

static bool load_booking(struct error *err, struct op *op, const struct fhir_env *env,
                         const struct parties *who, int k, int64_t now)
{
    struct store_conn *conn = op->conn;
    const struct demo_booking *d = &bookings[k];
    char id[UUID_STR_LEN], slot[UUID_STR_LEN], patient[UUID_STR_LEN];
    int64_t starts;
    demo_clinical_uuid(id, "booking", d->key);
    ordering_patient(k, patient);
    if (!booking_slot(err, conn, d, now, slot, &starts))
        return false;
    int64_t at = d->weekday < 0 ? starts - 5 * DAY_MS : now - (int64_t)(k + 1) * DAY_MS;
    bool shared;
    return store_exec(err, conn, NULL,
                      "INSERT INTO equipment_bookings (id, slot_id, patient_id, org_id, user_id, "
                      "status, exam, clinical_question, order_notes, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "tttttttttii", id, slot, patient, who->clinic, who->orderer, d->status,
                      d->exam, d->question, d->notes, at, at) &&
           share(err, op, patient, who->hospital, id, at, starts + 30 * DAY_MS, &shared) &&
           store_exec(err, conn, NULL,
                      "UPDATE equipment_bookings SET record_shared = ? WHERE id = ?", "it",
                      (int64_t)shared, id) &&
           event(err, op, id, "requested", at, "multi.kobayashi", "sakura-clinic") &&
           later_steps(err, op, env, who, id, patient, d, starts, at);
}

/* The checklists minami-gh sets for its examinations (issue 13, item 4). */
static bool load_checklists(struct error *err, struct store_conn *conn, int64_t now)
{
    static const char *const lists[][2] = {
        {"mri", "[\"ペースメーカー・体内金属\"]"},
        {"contrast", "[\"妊娠の可能性\",\"絶食\"]"},
    };
    char org[UUID_STR_LEN];
    demo_clinical_uuid(org, "org", "minami-gh");
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (!store_exec(err, conn, NULL,
                        "INSERT INTO equipment_checklists (org_id, exam_kind, items, updated_at) "
                        "VALUES (?, ?, ?, ?)",
                        "ttti", org, lists[i][0], lists[i][1], now))
            return false;
    return true;
}

bool booking_demo_load(struct error *err, struct op *op)
{
    struct store_conn *conn = op->conn;
    int64_t now = op->now_ms;
    const struct fhir_env fenv = {.blobs = op->env->blobs}, *env = &fenv;
    struct parties who;
    demo_clinical_uuid(who.clinic, "org", "sakura-clinic");
    demo_clinical_uuid(who.hospital, "org", "minami-gh");
    demo_clinical_uuid(who.orderer, "user", "multi.kobayashi");
    demo_clinical_uuid(who.liaison, "user", "gh.renkei");
    demo_clinical_uuid(who.radiologist, "user", "gh.sato");
    if (!load_slots(err, conn, now) || !load_checklists(err, conn, now))
        return false;
    for (int k = 0; k < (int)(sizeof bookings / sizeof bookings[0]); k++)
        if (!load_booking(err, op, env, &who, k, now))
            return false;
    return true;
}
