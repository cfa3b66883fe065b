/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's on-call and backup (issue 17): three weeks of rosters around the load time
 * for あおば在宅クリニック and みなみ訪問看護ステーション (a 24-hour shift from 09:00 Asia/Tokyo
 * each day, primary and backup taking turns), one swap, the backup partnership of
 * あおば在宅クリニック and さくらクリニック (named by the clinic, accepted by さくらクリニック; it
 * covers the home-care patients whose consent names さくらクリニック), and the dependence of three
 * home-care patients (oxygen, a ventilator, dialysis). Written through the module's own operations,
 * acting as the demo users. Everything is fictional. */
#include <stdio.h>

#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"
#include "oncall_int.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL

struct roster {
    const char *org, *admin, *people[2], *phone, *backup_phone;
};

static const struct roster rosters[] = {
    {"aoba-homecare",
     "aoba.tanaka",
     {"aoba.tanaka", "aoba.nakajima"},
     "099-555-0101",
     "099-555-0102"},
    {"minami-vns", "vns.kato", {"vns.suzuki", "vns.kato"}, "099-555-0201", "099-555-0202"},
};

/* Acts as login of org at at for one step, then goes back to the load's actor and time. */
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

/* From 7 days before to 13 days after the load day (Asia/Tokyo), made 8 days before the load. */
static bool roster(struct error *err, struct op *op, const struct roster *r)
{
    int64_t load = op->now_ms, tokyo_day = (load + 9 * HOUR_MS) / DAY_MS;
    char people[2][UUID_STR_LEN], first[UUID_STR_LEN] = "";
    int64_t first_start = 0;
    for (int i = 0; i < 2; i++)
        demo_clinical_uuid(people[i], "user", r->people[i]);
    struct acting was = act(op, r->admin, r->org, load - 8 * DAY_MS);
    bool ok = true;
    for (int d = -7; ok && d <= 13; d++) {
        int64_t start = (tokyo_day + d) * DAY_MS; /* 09:00 JST is 00:00 UTC */
        int who = (int)((tokyo_day + d) % 2);
        struct oncall_shift_new s = {start,       start + DAY_MS,  r->phone, r->backup_phone,
                                     people[who], people[1 - who], NULL};
        char id[UUID_STR_LEN];
        ok = oncall_shift_create(err, op, &s, id);
        if (ok && d == 2) {
            snprintf(first, sizeof first, "%s", id);
            first_start = start;
        }
    }
    act_done(op, &was);
    if (!ok || !first[0])
        return ok;
    /* the primary of the shift two days ahead trades roles with the backup, giving a reason */
    was = act(op, r->admin, r->org, load - DAY_MS);
    struct oncall_answer a;
    /* asked at the shift's own start, whatever the hour of the load (a Tokyo day starts at
     * 15:00 UTC, so "two days after the load" may fall in the shift before) */
    ok = oncall_now(err, op->conn, op->principal.org_id, first_start + HOUR_MS, &a) &&
         (!a.found || !a.has_backup ||
          oncall_shift_swap(err, op, first, "primary", a.backup.user_id,
                            "家族の行事のため当番を交代(デモ)"));
    act_done(op, &was);
    return ok;
}

static bool partnership(struct error *err, struct op *op)
{
    char sakura[UUID_STR_LEN], id[UUID_STR_LEN];
    demo_clinical_uuid(sakura, "org", "sakura-clinic");
    struct acting was = act(op, "aoba.tanaka", "aoba-homecare", op->now_ms - 30 * DAY_MS);
    bool ok = oncall_partner_create(err, op, sakura, id);
    act_done(op, &was);
    if (!ok)
        return false;
    was = act(op, "sc.admin", "sakura-clinic", op->now_ms - 29 * DAY_MS);
    ok = oncall_partner_accept(err, op, id);
    act_done(op, &was);
    return ok;
}

/* The first three home-care patients (on the teams of both organisations, visible to both):
 * oxygen at home (在宅酸素), a ventilator (在宅人工呼吸), dialysis (通院透析). */
static bool dependence(struct error *err, struct op *op)
{
    int n = 0;
    struct acting was = act(op, "aoba.tanaka", "aoba-homecare", op->now_ms - 20 * DAY_MS);
    bool ok = true;
    for (int i = 1; ok && i < DEMO_PATIENT_COUNT && n < 3; i++) {
        struct demo_patient p;
        demo_patient_get(i, &p);
        if (!demo_patient_visible_to(&p, "aoba-homecare") ||
            !demo_patient_visible_to(&p, "minami-vns"))
            continue;
        char key[16], id[UUID_STR_LEN];
        snprintf(key, sizeof key, "%d", i);
        demo_clinical_uuid(id, "patient", key);
        static const char *const notes[] = {"在宅酸素 2L/分", "在宅人工呼吸(夜間)", "透析 月水金"};
        ok = oncall_dependence_set(err, op, id, n == 1, n == 0, n == 2, notes[n]);
        n++;
    }
    act_done(op, &was);
    return ok;
}

bool oncall_demo_load(struct error *err, struct op *op)
{
    for (size_t i = 0; i < sizeof rosters / sizeof rosters[0]; i++)
        if (!roster(err, op, &rosters[i]))
            return false;
    return partnership(err, op) && dependence(err, op);
}
