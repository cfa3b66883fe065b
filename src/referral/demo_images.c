/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's referral with images (issue 15, 事例3): みなみ総合病院 (gh.sato) refers
 * 佐藤 一郎 (demo patient 1) to さくらクリニック for continuing care two hours before the load
 * time, attaching his MR study of the archive, so that the clinic sees the examination before he
 * walks in. Still "sent": the clinic may take the next steps. Loaded after the archive's demo part
 * (referral_demo_images is called by a module whose demo part comes after it). Fictional. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "imaging/imaging.h"
#include "referral/referral.h"
#include "referral_int.h"

#define DEMO_SHARE_MS (90LL * 24 * 3600 * 1000) /* the default --referral-share-days */

/* The patient's studies gh.sato may see, as the letter names them (a new array). */
static json_t *attached(struct error *err, struct op *op, const char *patient)
{
    json_t *uids = imaging_studies_visible(err, op, patient);
    json_t *out = uids ? json_array() : NULL;
    for (size_t i = 0; out && i < json_array_size(uids); i++) {
        json_t *b =
            imaging_study_attachable(err, op, patient, json_string_value(json_array_get(uids, i)));
        if (!b) {
            json_decref(out);
            out = NULL;
            break;
        }
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s, s:s, s:s}", "study_uid",
                           json_string_value(json_object_get(b, "study_uid")), "date",
                           json_string_value(json_object_get(b, "date")), "modality",
                           json_string_value(json_object_get(b, "modality")), "description",
                           json_string_value(json_object_get(b, "description")), "org_name",
                           json_string_value(json_object_get(b, "org_name"))));
        json_decref(b);
    }
    json_decref(uids);
    return out;
}

static char *letter_text(json_t *imaging, bool shared, int64_t expires)
{
    char until[32];
    clock_format_iso(expires, until);
    json_t *letter = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:s}], s:s, s:s, s:[{s:s}], s:[], s:[], s:[], s:O, s:s, "
        "s:s, s:b, s:o}",
        "purpose_text",
        "頭部MRIで慢性虚血性変化を認めました。今後の外来での経過観察をお願いします。",
        "chief_complaint", "ふらつき", "diagnoses", "text", "慢性虚血性変化（頭部MRI）", "code", "",
        "onset", "", "history", "高血圧症、脂質異常症", "course",
        "ふらつきの精査で頭部MRIを施行しました。急性期病変はありません。", "medications", "text",
        "アムロジピン錠5mg 1日1回 朝食後", "allergies", "labs", "documents", "imaging", imaging,
        "follow_up", "", "remarks", "画像は本紹介状に添付しています。", "record_shared", shared,
        "share_expires_at", shared ? json_string(until) : json_null());
    char *text = letter ? json_dumps(letter, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(letter);
    return text;
}

static bool insert_referral(struct error *err, struct op *op, const char *id, const char *patient,
                            const char *letter, bool shared, int64_t sent)
{
    char from[UUID_STR_LEN], to[UUID_STR_LEN], signer[UUID_STR_LEN], digest[SHA256_HEX_LEN];
    char sr[UUID_STR_LEN], task[UUID_STR_LEN], comp[UUID_STR_LEN];
    demo_clinical_uuid(from, "org", "minami-gh");
    demo_clinical_uuid(to, "org", "sakura-clinic");
    demo_clinical_uuid(signer, "user", "gh.sato");
    /* the FHIR projection is written by the next step (update as create) */
    demo_clinical_uuid(sr, "referral-images-sr", "1");
    demo_clinical_uuid(task, "referral-images-task", "1");
    demo_clinical_uuid(comp, "referral-images-composition", "1");
    ids_sha256_hex(letter, strlen(letter), digest);
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO referrals (id, kind, patient_id, from_org_id, from_user_id, "
                      "to_org_id, to_department, urgency, purpose, status, letter, letter_sha256, "
                      "signed_at, sent_at, record_shared, fhir_service_request_id, fhir_task_id, "
                      "fhir_composition_id, updated_at) VALUES (?, 'referral', ?, ?, ?, ?, "
                      "'internal', 'routine', 'follow_up', 'sent', ?, ?, ?, ?, ?, ?, ?, "
                      "?, ?)",
                      "tttttttiibttti", id, patient, from, signer, to, letter, digest, sent, sent,
                      shared, sr, task, comp, sent);
}

bool referral_demo_images(struct error *err, struct op *op)
{
    char id[UUID_STR_LEN], patient[UUID_STR_LEN], to[UUID_STR_LEN];
    int64_t now = op->now_ms, sent = now - 2 * 3600 * 1000LL, expires = sent + DEMO_SHARE_MS;
    demo_clinical_uuid(id, "referral", "images-1");
    demo_clinical_uuid(patient, "patient", "1");
    demo_clinical_uuid(to, "org", "sakura-clinic");
    demo_act(op, "gh.sato", "minami-gh", sent);
    json_t *imaging = attached(err, op, patient);
    bool shared = false, ok = imaging != NULL;
    ok = ok && access_share_start(err, op, patient, to, &referral_case, id, expires, &shared);
    char *letter = ok ? letter_text(imaging, shared, expires) : NULL;
    ok = ok && letter && insert_referral(err, op, id, patient, letter, shared, sent);
    for (size_t i = 0; ok && i < json_array_size(imaging); i++)
        ok = imaging_share_start(
            err, op, json_string_value(json_object_get(json_array_get(imaging, i), "study_uid")),
            patient, to, IMAGING_SHARE_REFERRAL, id, false, NULL, expires);
    json_t *detail = json_pack("{s:s}", "to_org_id", to);
    ok = ok && notify_timeline_append(err, op, &referral_case, id, "sent", detail);
    json_decref(detail);
    free(letter);
    json_decref(imaging);
    demo_act(op, "cli", NULL, now);
    return ok;
}
