/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's referral history (紹介・逆紹介) over the last 12 months, for the figures
 * (実績) and the referral lists: clinics, the home-care clinic and the long-term care hospital
 * refer to みなみ総合病院 and みなみ大学附属医療センター (and the hospitals to each other and to
 * the long-term care hospital); the hospitals send reverse referrals back. Every case is finished
 * (closed, declined, redirected or cancelled) before the load time, so the record shares it
 * opened (where the patient's consent names the receiver) have all ended, and it sends no
 * notification. Steps of non-emergency cases fall in office hours. Historical rows have no FHIR
 * projection (ServiceRequest, Task, Composition): their fhir_* ids are NULL. Only organisations
 * with a physician sign or reply (みなみリハビリテーション病院 has none, so it is left out).
 * Deterministic: a fixed-seed generator, times relative to the load time. Fictional. */
#include "referral_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"

enum {
    BASE_REFERRALS = 135, /* plus redirects and reverse referrals: about 200 rows */
    MAX_STEPS = 8,
    PATIENT_FIRST = 2, /* patients 0 and 1 carry the clinical story; leave them alone */
};

#define MIN_MS INT64_C(60000)
#define HOUR_MS INT64_C(3600000)
#define DAY_MS INT64_C(86400000)

/* ---- who acts for each organisation ----------------------------------------------------- */

struct side {
    const char *org;       /* demo org code */
    const char *physician; /* signs, sees, replies, closes */
    const char *desk;      /* 地域連携室 or the front desk: accepts, schedules, declines */
};

static const struct side sides[] = {
    {"minami-gh", "gh.sato", "gh.renkei"},
    {"minami-uh", "uh.fujita", "uh.admin"},
    {"minami-ltc", "ltc.shimizu", "ltc.ishikawa"},
    {"sakura-clinic", "multi.kobayashi", "sc.admin"},
    {"aoba-homecare", "aoba.tanaka", "aoba.nakajima"},
};
enum { SIDE_COUNT = sizeof(sides) / sizeof(sides[0]) };

static const struct side *side_of(const char *org)
{
    for (int i = 0; i < SIDE_COUNT; i++)
        if (strcmp(sides[i].org, org) == 0)
            return &sides[i];
    return &sides[0];
}

/* Who refers to whom, weighted (the weights add up to 100). */
static const struct {
    const char *from, *to;
    int weight;
} routes[] = {
    {"sakura-clinic", "minami-gh", 30}, {"sakura-clinic", "minami-uh", 12},
    {"aoba-homecare", "minami-gh", 15}, {"aoba-homecare", "minami-uh", 8},
    {"minami-ltc", "minami-gh", 10},    {"minami-ltc", "minami-uh", 5},
    {"minami-gh", "minami-uh", 8},      {"minami-uh", "minami-gh", 4},
    {"minami-gh", "minami-ltc", 5},     {"minami-uh", "minami-ltc", 3},
};

/* What a referral to an organisation is about (departments from its directory profile). */
struct scenario {
    const char *to, *department, *purpose, *text, *complaint, *diagnosis;
};

static const struct scenario scenarios[] = {
    {"minami-gh", "gastroenterology", "workup",
     "上部消化管内視鏡検査による精査をお願いいたします。", "心窩部痛", "胃潰瘍疑い"},
    {"minami-gh", "respiratory", "workup", "胸部X線の異常陰影について精査をお願いいたします。",
     "2か月続く咳嗽", "胸部異常陰影"},
    {"minami-gh", "internal", "admission", "心不全増悪のため入院加療をお願いいたします。",
     "息切れ・下腿浮腫", "慢性心不全の急性増悪"},
    {"minami-gh", "surgery", "surgery", "手術適応についてご判断をお願いいたします。", "右下腹部痛",
     "虫垂炎疑い"},
    {"minami-gh", "nephrology", "specialist", "腎機能低下について専門的な治療をお願いいたします。",
     "倦怠感", "慢性腎臓病"},
    {"minami-uh", "cardiology", "workup", "冠動脈疾患の精査をお願いいたします。", "労作時胸痛",
     "労作性狭心症疑い"},
    {"minami-uh", "neurosurgery", "specialist",
     "頭部MRIで指摘された病変の精査加療をお願いいたします。", "頭痛", "未破裂脳動脈瘤疑い"},
    {"minami-uh", "cardiovascular_surgery", "surgery",
     "大動脈弁狭窄症の手術適応についてご判断をお願いいたします。", "労作時息切れ",
     "大動脈弁狭窄症"},
    {"minami-uh", "internal", "consultation",
     "原因のわからない発熱についてご意見をお願いいたします。", "発熱", "不明熱"},
    {"minami-ltc", "internal", "admission", "急性期治療後の療養目的の入院をお願いいたします。",
     "ADL低下", "誤嚥性肺炎後"},
    {"minami-ltc", "rehabilitation", "rehabilitation",
     "廃用症候群に対するリハビリテーション目的の入院をお願いいたします。", "歩行困難",
     "廃用症候群"},
};
enum { SCENARIO_COUNT = sizeof(scenarios) / sizeof(scenarios[0]) };

static const char *const decline_reasons[] = {
    "満床のため受入が困難です。",
    "担当医が不在のため、他院へのご紹介をお願いいたします。",
    "当院では対応できない内容のため、他院をご検討ください。",
};
static const char *const cancel_reasons[] = {
    "患者さんのご希望により取り消します。",
    "症状が改善したため取り消します。",
};

/* ---- the generator ---------------------------------------------------------------------- */

struct patients_by_org {
    int index[DEMO_PATIENT_COUNT];
    int count;
};

struct rgen {
    struct error *err;
    struct op *op;
    struct store_conn *conn;
    int64_t now, limit; /* every event happens before limit */
    uint64_t rng;
    int seq;
    struct patients_by_org visible[SIDE_COUNT];
};

/* splitmix64 */
static uint64_t next(struct rgen *g)
{
    uint64_t z = (g->rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int below(struct rgen *g, int n)
{
    return (int)(next(g) % (uint64_t)n);
}

/* A uniform time span in [lo, hi] milliseconds, rounded to the minute. */
static int64_t span(struct rgen *g, int64_t lo, int64_t hi)
{
    int64_t ms = lo + (int64_t)(next(g) % (uint64_t)(hi - lo + 1));
    return ms - ms % MIN_MS;
}

/* A patient the sending organisation sees (on its team, with consent), not patient 0 or 1. */
static int pick_patient(struct rgen *g, const char *org)
{
    const struct patients_by_org *p = &g->visible[side_of(org) - sides];
    return p->count ? p->index[below(g, p->count)] : PATIENT_FIRST + below(g, 100);
}

static void index_patients(struct rgen *g)
{
    for (int s = 0; s < SIDE_COUNT; s++)
        g->visible[s].count = 0;
    for (int i = PATIENT_FIRST; i < DEMO_PATIENT_COUNT; i++) {
        struct demo_patient p;
        demo_patient_get(i, &p);
        for (int s = 0; s < SIDE_COUNT; s++)
            if (demo_patient_visible_to(&p, sides[s].org))
                g->visible[s].index[g->visible[s].count++] = i;
    }
}

/* ---- one case ----------------------------------------------------------------------------- */

struct step {
    const char *kind;
    int64_t at;
    const char *login, *org;
    char detail[200]; /* JSON */
};

struct story {
    char id[UUID_STR_LEN];
    const char *parent; /* id or NULL */
    const char *kind;   /* referral | reverse */
    const char *from, *to;
    const struct scenario *sc; /* NULL for a reverse referral */
    const char *urgency, *status, *decline_reason;
    int patient;
    char redirected_to[UUID_STR_LEN];
    struct step steps[MAX_STEPS];
    int n;
};

static struct step *add_step(struct story *s, const char *kind, int64_t at, const char *login,
                             const char *org)
{
    struct step *st = &s->steps[s->n++];
    *st = (struct step){.kind = kind, .at = at, .login = login, .org = org};
    snprintf(st->detail, sizeof(st->detail), "{}");
    return st;
}

static int64_t last_at(const struct story *s)
{
    return s->steps[s->n - 1].at;
}

static void story_start(struct rgen *g, struct story *s, const char *kind, const char *from,
                        const char *to, int64_t sent)
{
    memset(s, 0, sizeof(*s));
    char key[16];
    snprintf(key, sizeof(key), "%d", g->seq++);
    demo_clinical_uuid(s->id, "referral", key);
    s->kind = kind;
    s->from = from;
    s->to = to;
    add_step(s, "sent", sent, side_of(from)->physician, from);
}

/* A referral accepted, scheduled (not for emergencies), seen, replied to and closed. */
static void flow_full(struct rgen *g, struct story *s)
{
    const struct side *rx = side_of(s->to), *tx = side_of(s->from);
    bool emergency = strcmp(s->urgency, "emergency") == 0;
    bool urgent = strcmp(s->urgency, "urgent") == 0;
    int64_t t = last_at(s) + (emergency ? span(g, 10 * MIN_MS, 2 * HOUR_MS)
                              : urgent  ? span(g, HOUR_MS, 12 * HOUR_MS)
                                        : span(g, 2 * HOUR_MS, 72 * HOUR_MS));
    add_step(s, "accepted", t, rx->desk, rx->org);
    if (emergency) {
        t += span(g, 30 * MIN_MS, 3 * HOUR_MS);
    } else {
        add_step(s, "scheduled", t + span(g, 10 * MIN_MS, 6 * HOUR_MS), rx->desk, rx->org);
        t += urgent ? span(g, DAY_MS, 4 * DAY_MS) : span(g, 3 * DAY_MS, 14 * DAY_MS);
        t = t > last_at(s) + HOUR_MS ? t : last_at(s) + HOUR_MS;
    }
    add_step(s, "seen", t, rx->physician, rx->org);
    t += emergency ? span(g, HOUR_MS, 2 * DAY_MS) : span(g, 3 * HOUR_MS, 10 * DAY_MS);
    add_step(s, "replied", t, rx->physician, rx->org);
    add_step(s, "closed", t + span(g, HOUR_MS, 4 * DAY_MS), tx->physician, tx->org);
    s->status = "closed";
}

/* Declined by the receiver (sometimes after accepting); *redirect says whether the sender
 * sends it elsewhere. */
static void flow_declined(struct rgen *g, struct story *s)
{
    const struct side *rx = side_of(s->to);
    if (below(g, 10) < 3)
        add_step(s, "accepted", last_at(s) + span(g, HOUR_MS, 24 * HOUR_MS), rx->desk, rx->org);
    struct step *d =
        add_step(s, "declined", last_at(s) + span(g, HOUR_MS, 36 * HOUR_MS), rx->desk, rx->org);
    s->decline_reason = decline_reasons[below(g, 3)];
    snprintf(d->detail, sizeof(d->detail), "{\"reason\":\"%s\"}", s->decline_reason);
    s->status = "declined";
}

static void flow_cancelled(struct rgen *g, struct story *s)
{
    const struct side *rx = side_of(s->to), *tx = side_of(s->from);
    if (below(g, 2) == 0)
        add_step(s, "accepted", last_at(s) + span(g, HOUR_MS, 24 * HOUR_MS), rx->desk, rx->org);
    struct step *c = add_step(s, "cancelled", last_at(s) + span(g, 2 * HOUR_MS, 72 * HOUR_MS),
                              tx->physician, tx->org);
    snprintf(c->detail, sizeof(c->detail), "{\"reason\":\"%s\"}", cancel_reasons[below(g, 2)]);
    s->status = "cancelled";
}

/* A reverse referral: sent by the hospital's physician, accepted and closed by the clinic. */
static void flow_reverse(struct rgen *g, struct story *s)
{
    const struct side *rx = side_of(s->to);
    int64_t t = last_at(s) + span(g, HOUR_MS, 3 * DAY_MS);
    add_step(s, "accepted", t, rx->desk, rx->org);
    add_step(s, "closed", t + span(g, DAY_MS, 20 * DAY_MS), rx->physician, rx->org);
    s->status = "closed";
}

/* Squeezes the steps after the first into [first, g->limit] when the last is later. */
static void fit_before_limit(const struct rgen *g, struct story *s)
{
    int64_t t0 = s->steps[0].at, end = last_at(s);
    if (end <= g->limit)
        return;
    double k = (double)(g->limit - t0) / (double)(end - t0);
    for (int i = 1; i < s->n; i++)
        s->steps[i].at = t0 + (int64_t)((double)(s->steps[i].at - t0) * k) + i;
}

/* The time itself when it falls in office hours (weekdays 8:30–17:30 Asia/Tokyo), else a time
 * in the next office hours; never earlier than at. */
static int64_t office_time(int64_t at)
{
    enum { OPEN = 8 * 60 + 30, CLOSE = 17 * 60 + 30 };
    int64_t local = at + 9 * HOUR_MS, day = local - local % DAY_MS;
    int64_t minute = (local - day) / MIN_MS;
    int weekday = (int)((day / DAY_MS + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
    bool workday = weekday != 0 && weekday != 6;
    if (workday && minute >= OPEN && minute < CLOSE)
        return at;
    if (!(workday && minute < OPEN)) {
        do {
            day += DAY_MS;
            weekday = (weekday + 1) % 7;
        } while (weekday == 0 || weekday == 6);
    }
    return day + (OPEN + (minute * 7) % (CLOSE - OPEN)) * MIN_MS - 9 * HOUR_MS;
}

/* Moves the steps of a non-emergency case into office hours, in order, unless that would pass
 * the history's end; emergencies keep their night-time steps. */
static void keep_office_hours(const struct rgen *g, struct story *s)
{
    if (strcmp(s->urgency, "emergency") == 0)
        return;
    int64_t moved[MAX_STEPS];
    for (int i = 0; i < s->n; i++) {
        int64_t t = office_time(s->steps[i].at);
        if (i > 0 && t <= moved[i - 1])
            t = office_time(moved[i - 1] + 10 * MIN_MS);
        moved[i] = t;
    }
    if (moved[s->n - 1] > g->limit)
        return;
    for (int i = 0; i < s->n; i++)
        s->steps[i].at = moved[i];
}

static int64_t step_at(const struct story *s, const char *kind)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->steps[i].kind, kind) == 0)
            return s->steps[i].at;
    return -1;
}

/* ---- storing a case --------------------------------------------------------------------- */

/* Whether the patient's consent names the receiver: then sending opened a record share, which
 * the end of the case closed. */
static bool story_shared(const struct story *s)
{
    struct demo_patient p;
    demo_patient_get(s->patient, &p);
    return demo_patient_visible_to(&p, s->to);
}

static int64_t share_expiry(const struct story *s)
{
    return s->steps[0].at + 90 * DAY_MS; /* the default --referral-share-days */
}

static json_t *iso_time(int64_t ms)
{
    char text[32];
    clock_format_iso(ms, text);
    return json_string(text);
}

static char *letter_json(const struct story *s)
{
    bool reverse = strcmp(s->kind, "reverse") == 0;
    bool home = strcmp(s->to, "aoba-homecare") == 0;
    const char *text = reverse
                           ? (home ? "在宅での療養継続をお願いいたします。"
                                   : "当院での治療が終了しましたので、継続診療をお願いいたします。")
                           : s->sc->text;
    const char *follow = reverse ? "内服を継続し、定期的な経過観察をお願いいたします。" : "";
    json_t *letter = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:s}], s:s, s:s, s:[], s:[], s:[], s:[], s:[], s:s, s:s, "
        "s:b, s:o}",
        "purpose_text", text, "chief_complaint", reverse ? "" : s->sc->complaint, "diagnoses",
        "text", s->sc ? s->sc->diagnosis : "", "code", "", "onset", "", "history", "", "course",
        reverse ? "当院にて精査・加療を行い、症状は安定しています。" : "", "medications",
        "allergies", "labs", "documents", "imaging", "follow_up", follow, "remarks", "",
        "record_shared", story_shared(s), "share_expires_at",
        story_shared(s) ? iso_time(share_expiry(s)) : json_null());
    char *text_out = letter ? json_dumps(letter, JSON_COMPACT) : NULL;
    json_decref(letter);
    return text_out;
}

static char *reply_json(const struct story *s)
{
    json_t *reply = json_pack("{s:s, s:s, s:s, s:s, s:s}", "diagnosis", s->sc->diagnosis,
                              "findings", "ご紹介いただいた症状について精査いたしました。",
                              "treatment", "外来にて治療を開始しました。", "plan",
                              "経過は改めてご報告いたします。", "remarks", "");
    char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    json_decref(reply);
    return text;
}

static bool insert_steps(struct rgen *g, const struct story *s)
{
    bool ok = true;
    for (int i = 0; ok && i < s->n; i++) {
        const struct step *st = &s->steps[i];
        json_t *detail = json_loads(st->detail, 0, NULL);
        demo_act(g->op, st->login, st->org, st->at);
        ok = detail ? notify_timeline_append(g->err, g->op, &referral_case, s->id, st->kind, detail)
                    : error_set(g->err, ERR_INTERNAL, "demo step detail %s", st->detail);
        json_decref(detail);
    }
    demo_act(g->op, "cli", NULL, g->now);
    return ok;
}

/* Sets a time column when the case reached that step. */
static bool set_time(struct rgen *g, const struct story *s, const char *sql, const char *kind)
{
    int64_t at = step_at(s, kind);
    return at < 0 || store_exec(g->err, g->conn, NULL, sql, "it", at, s->id);
}

static const char *purpose_of(const struct story *s)
{
    if (strcmp(s->kind, "referral") == 0)
        return s->sc->purpose;
    return strcmp(s->to, "aoba-homecare") == 0 ? "home_transition" : "follow_up";
}

/* The share the case opened and closed (its end reason is the final status, or "expired"). */
static bool insert_share(struct rgen *g, const struct story *s, const char *patient, const char *to)
{
    if (!story_shared(s))
        return true;
    int64_t end = last_at(s), expiry = share_expiry(s);
    bool shared, ok;
    g->op->now_ms = s->steps[0].at;
    ok = access_share_start(g->err, g->op, patient, to, &referral_case, s->id, expiry, &shared);
    g->op->now_ms = end < expiry ? end : expiry;
    ok = ok && access_share_end(g->err, g->op, &referral_case, s->id,
                                end < expiry ? s->status : "expired", NULL);
    g->op->now_ms = g->now;
    return ok;
}

static bool insert_row(struct rgen *g, const struct story *s, const char *letter, const char *reply)
{
    char patient[UUID_STR_LEN], from[UUID_STR_LEN], to[UUID_STR_LEN], signer[UUID_STR_LEN],
        replier[UUID_STR_LEN], key[16], digest[SHA256_HEX_LEN];
    snprintf(key, sizeof(key), "%d", s->patient);
    demo_clinical_uuid(patient, "patient", key);
    demo_clinical_uuid(from, "org", s->from);
    demo_clinical_uuid(to, "org", s->to);
    demo_clinical_uuid(signer, "user", side_of(s->from)->physician);
    demo_clinical_uuid(replier, "user", side_of(s->to)->physician);
    ids_sha256_hex(letter, strlen(letter), digest);
    bool referral = strcmp(s->kind, "referral") == 0;
    int64_t sent = s->steps[0].at, end = last_at(s); /* every case is finished */
    return store_exec(g->err, g->conn, NULL,
                      "INSERT INTO referrals (id, kind, parent_id, patient_id, from_org_id, "
                      "from_user_id, to_org_id, to_department, urgency, purpose, status, letter, "
                      "letter_sha256, signed_at, sent_at, closed_at, decline_reason, reply, "
                      "reply_by, record_shared, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "tttttttttttttiiitttbi", s->id, s->kind, s->parent, patient, from, signer, to,
                      referral ? s->sc->department : "", s->urgency, purpose_of(s), s->status,
                      letter, digest, sent, sent, end, s->decline_reason, reply,
                      reply ? replier : NULL, story_shared(s), end) &&
           insert_share(g, s, patient, to) &&
           set_time(g, s, "UPDATE referrals SET accepted_at = ? WHERE id = ?", "accepted") &&
           set_time(g, s, "UPDATE referrals SET seen_at = ? WHERE id = ?", "seen") &&
           (step_at(s, "scheduled") < 0 || /* the appointment was the visit */
            store_exec(g->err, g->conn, NULL,
                       "UPDATE referrals SET scheduled_for = seen_at WHERE id = ?", "t", s->id)) &&
           set_time(g, s, "UPDATE referrals SET replied_at = ? WHERE id = ?", "replied");
}

static bool story_store(struct rgen *g, struct story *s)
{
    fit_before_limit(g, s);
    keep_office_hours(g, s);
    char *letter = letter_json(s);
    char *reply = step_at(s, "replied") >= 0 ? reply_json(s) : NULL;
    bool ok = letter && insert_row(g, s, letter, reply) && insert_steps(g, s);
    free(letter);
    free(reply);
    return ok;
}

static const struct scenario *pick_scenario(struct rgen *g, const char *to)
{
    int n = 0;
    for (int i = 0; i < SCENARIO_COUNT; i++)
        n += strcmp(scenarios[i].to, to) == 0;
    int k = below(g, n);
    for (int i = 0; i < SCENARIO_COUNT; i++)
        if (strcmp(scenarios[i].to, to) == 0 && k-- == 0)
            return &scenarios[i];
    return &scenarios[0];
}

/* Some weeks after the visit the hospital sends the patient back to the referring clinic. */
static bool maybe_reverse(struct rgen *g, const struct story *parent)
{
    bool hospital = strcmp(parent->to, "minami-gh") == 0 || strcmp(parent->to, "minami-uh") == 0;
    bool community =
        strcmp(parent->from, "minami-gh") != 0 && strcmp(parent->from, "minami-uh") != 0;
    if (!hospital || !community || strcmp(parent->status, "closed") != 0 || below(g, 100) >= 55)
        return true;
    int64_t sent = step_at(parent, "seen") + span(g, 3 * DAY_MS, 45 * DAY_MS);
    if (sent > g->now - DAY_MS)
        return true;
    struct story r;
    story_start(g, &r, "reverse", parent->to, parent->from, sent);
    r.parent = parent->id;
    r.patient = parent->patient;
    r.sc = parent->sc;
    r.urgency = "routine";
    flow_reverse(g, &r);
    /* The referral's own timeline shows the reverse referral too. */
    struct step mark = {.kind = "reverse_sent",
                        .at = sent,
                        .login = side_of(parent->to)->physician,
                        .org = parent->to};
    snprintf(mark.detail, sizeof(mark.detail), "{\"referral_id\":\"%s\"}", r.id);
    struct story only = {.n = 1};
    memcpy(only.id, parent->id, sizeof(only.id));
    only.steps[0] = mark;
    return story_store(g, &r) && insert_steps(g, &only);
}

/* After a refusal the sender sends the case to the other hospital (a new referral). */
static bool redirect(struct rgen *g, struct story *s)
{
    const char *alt = strcmp(s->to, "minami-gh") == 0 ? "minami-uh" : "minami-gh";
    if (strcmp(alt, s->from) == 0 || below(g, 10) >= 6)
        return story_store(g, s);
    struct story child;
    int64_t at = last_at(s) + span(g, 30 * MIN_MS, 24 * HOUR_MS);
    story_start(g, &child, "referral", s->from, alt, at);
    child.parent = s->id;
    child.patient = s->patient;
    child.urgency = s->urgency;
    child.sc = pick_scenario(g, alt);
    char alt_id[UUID_STR_LEN];
    demo_clinical_uuid(alt_id, "org", alt);
    struct step *r = add_step(s, "redirected", at, side_of(s->from)->physician, s->from);
    snprintf(r->detail, sizeof(r->detail), "{\"referral_id\":\"%s\",\"to_org_id\":\"%s\"}",
             child.id, alt_id);
    s->status = "redirected";
    memcpy(s->redirected_to, child.id, sizeof(child.id));
    flow_full(g, &child);
    return story_store(g, s) && story_store(g, &child) &&
           store_exec(g->err, g->conn, NULL, "UPDATE referrals SET redirected_to = ? WHERE id = ?",
                      "tt", child.id, s->id) &&
           maybe_reverse(g, &child);
}

static const char *pick_urgency(struct rgen *g)
{
    int u = below(g, 100);
    return u < 8 ? "emergency" : u < 30 ? "urgent" : "routine";
}

static bool one_referral(struct rgen *g, int64_t sent)
{
    int w = below(g, 100), r = 0;
    while (w >= routes[r].weight) {
        w -= routes[r].weight;
        r++;
    }
    struct story s;
    story_start(g, &s, "referral", routes[r].from, routes[r].to, sent);
    s.patient = pick_patient(g, routes[r].from);
    s.urgency = pick_urgency(g);
    s.sc = pick_scenario(g, routes[r].to);
    int outcome = below(g, 100);
    if (outcome < 10) {
        flow_declined(g, &s);
        return redirect(g, &s);
    }
    if (outcome < 16)
        flow_cancelled(g, &s);
    else
        flow_full(g, &s);
    return story_store(g, &s) && maybe_reverse(g, &s);
}

bool referral_demo_load(struct error *err, struct op *op)
{
    int64_t now = op->now_ms;
    struct rgen g = {.err = err, .op = op, .conn = op->conn, .now = now, .limit = now - HOUR_MS};
    g.rng = UINT64_C(0x7375676172756d69);
    index_patients(&g);
    int64_t first = now - 360 * DAY_MS, last = now - 7 * DAY_MS;
    for (int i = 0; i < BASE_REFERRALS; i++) {
        /* spread evenly with some jitter, so that every month has its share */
        int64_t sent = first + (last - first) * i / BASE_REFERRALS + span(&g, 0, 2 * DAY_MS);
        if (!one_referral(&g, sent - sent % MIN_MS))
            return false;
    }
    return true;
}
