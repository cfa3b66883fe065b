/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's images before the patient arrives (issue 15): the referral with images
 * (the referral module's, loaded here because it needs the archive's studies, whose demo part
 * comes before this module's) and one emergency transfer (事例2): さくらクリニック sends
 * 佐藤 一郎's studies to みなみ大学附属医療センター's ER 20 minutes before the load time. His
 * consent does not name the university hospital, so it is an emergency share with a reason, open
 * for 24 hours and waiting for the clinic's review. The summary is the snapshot the clinic's view
 * of his record gave (fictional). */
#include <stdio.h>
#include <stdlib.h>

#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "imaging/imaging.h"
#include "notify/notify.h"
#include "referral/referral.h"
#include "transfer_int.h"

static const char demo_summary[] =
    "{\"allergies\":[{\"reaction\":\"蕁麻疹\",\"text\":\"ヨード造影剤\"}],"
    "\"medications\":[{\"text\":\"アムロジピン錠5mg 1日1回 朝食後\"},"
    "{\"text\":\"アトルバスタチン錠10mg 1日1回 夕食後\"}],"
    "\"problems\":[{\"code\":\"I10\",\"onset\":\"\",\"text\":\"高血圧症\"},"
    "{\"code\":\"E785\",\"onset\":\"\",\"text\":\"脂質異常症\"}]}";

static const char demo_reason[] =
    "自宅で意識障害、救急搬送。本人確認はできたが同意の範囲確認が間に合わないため";

static bool insert_transfer(struct error *err, struct op *op, struct transfer_row *t,
                            const char *user)
{
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO transfers (id, patient_id, from_org_id, from_user_id, "
                      "to_org_id, status, note, consent_free, reason, patient_name, "
                      "patient_name_kana, patient_birth_date, patient_sex, summary, created_at, "
                      "expires_at) SELECT ?1, p.id, ?2, ?3, ?4, 'sent', ?5, 1, ?6, p.name, "
                      "p.name_kana, p.birth_date, p.sex, ?7, ?8, ?9 FROM patients p WHERE "
                      "p.id = ?10",
                      "tttttttiit", t->id, t->from_org, user, t->to_org,
                      "意識レベル JCS II-10、血圧 182/104。脳血管障害疑いで救急搬送中。",
                      demo_reason, demo_summary, op->now_ms, t->expires_at, t->patient_id);
}

static bool demo_transfer(struct error *err, struct op *op)
{
    struct transfer_row t = {.consent_free = true};
    char user[UUID_STR_LEN];
    int64_t now = op->now_ms, sent = now - 20 * 60 * 1000LL;
    demo_clinical_uuid(t.id, "transfer", "1");
    demo_clinical_uuid(t.patient_id, "patient", "1");
    demo_clinical_uuid(t.from_org, "org", "sakura-clinic");
    demo_clinical_uuid(t.to_org, "org", "minami-uh");
    demo_clinical_uuid(user, "user", "multi.kobayashi");
    snprintf(t.status, sizeof t.status, "sent");
    t.expires_at = sent + TRANSFER_SHARE_MS;
    demo_act(op, "multi.kobayashi", "sakura-clinic", sent);
    json_t *uids = imaging_studies_visible(err, op, t.patient_id);
    bool ok = uids && insert_transfer(err, op, &t, user);
    for (size_t i = 0; ok && i < json_array_size(uids); i++)
        ok = imaging_share_start(err, op, json_string_value(json_array_get(uids, i)), t.patient_id,
                                 t.to_org, IMAGING_SHARE_TRANSFER, t.id, true, demo_reason,
                                 t.expires_at);
    json_t *detail = json_pack("{s:s, s:b, s:I}", "to_org_id", t.to_org, "consent_free", 1,
                               "studies", (json_int_t)json_array_size(uids));
    ok = ok && notify_timeline_append(err, op, &transfer_case, t.id, "sent", detail);
    json_decref(detail);
    json_decref(uids);
    demo_act(op, "cli", NULL, now);
    return ok;
}

bool transfer_demo_load(struct error *err, struct op *op)
{
    return referral_demo_images(err, op) && demo_transfer(err, op);
}
