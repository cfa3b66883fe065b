/* SPDX-License-Identifier: Apache-2.0 */
/* Sending an emergency transfer (救急画像送信) and reading transfers: the receiver, the studies,
 * the note, the snapshot of the record as the sender sees it, and the consent test that decides
 * between a share with consent and an emergency share (reason, 24 h, review, team told). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/jsonv.h"
#include "imaging/imaging.h"
#include "notify/notify.h"
#include "referral/referral.h"
#include "transfer_int.h"

/* What a new transfer is made of, checked. */
struct transfer_new {
    const char *to_org, *note, *reason;
    json_t *studies; /* the briefs (imaging_study_attachable), borrowed from the request */
    json_t *summary; /* the snapshot of the record */
    bool consent_free;
};

/* A person of a hospital or clinic sends; the receiver is another hospital. */
static bool check_parties(struct error *err, struct request *req, const char *to_org)
{
    const struct principal *p = &req->op.principal;
    if (p->via_token || access_search_refusal(p) != ERR_NONE)
        return error_set(err, ERR_TRANSFER_NOT_ELIGIBLE, NULL);
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT (SELECT type FROM orgs WHERE id = ?), "
                                       "(SELECT type FROM orgs WHERE id = ?)",
                                       "tt", p->org_id, to_org);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    const char *own = r == STORE_ROW && !store_is_null(s, 0) ? store_text(s, 0) : "";
    const char *to = r == STORE_ROW && !store_is_null(s, 1) ? store_text(s, 1) : "";
    bool sends = access_org_type_is_hospital(own) || strcmp(own, "clinic") == 0 ||
                 strcmp(own, "home_care_clinic") == 0;
    bool receives = access_org_type_is_hospital(to) && strcmp(to_org, p->org_id) != 0;
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (!sends)
        return error_set(err, ERR_TRANSFER_NOT_ELIGIBLE, NULL);
    return receives || error_set(err, ERR_TRANSFER_TARGET_INVALID, "to_org_id");
}

/* The studies named (each one the sender may see, of this patient, named once). */
static bool check_studies(struct error *err, struct request *req, const json_t *uids, json_t *out)
{
    for (size_t i = 0; i < json_array_size(uids); i++) {
        const char *uid = json_string_value(json_array_get(uids, i));
        for (size_t k = 0; k < i; k++)
            if (strcmp(uid, json_string_value(json_array_get(uids, k))) == 0)
                return error_set(err, ERR_FIELD_VALUE, "study_uids[%zu]: named twice", i);
        json_t *brief = imaging_study_attachable(err, &req->op, req->patient_id, uid);
        if (!brief) {
            if (err->code == ERR_IMAGING_STUDY_NOT_ATTACHABLE) {
                error_clear(err);
                error_set(err, ERR_IMAGING_STUDY_NOT_ATTACHABLE, "study_uids[%zu]", i);
            }
            return false;
        }
        json_array_append_new(out, brief);
    }
    return true;
}

static bool check_new(struct error *err, struct request *req, struct transfer_new *n)
{
    static const struct jfield fields[] = {
        {"to_org_id", JV_UUID, true, 0, NULL},
        {"study_uids", JV_STRING_ARRAY, false, TRANSFER_STUDIES_MAX, NULL},
        {"note", JV_STRING, false, TRANSFER_NOTE_MAX, NULL},
        {"reason", JV_TEXT, false, TRANSFER_REASON_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    n->to_org = jsonv_str(req->json, "to_org_id");
    n->note = api_trimmed(req, jsonv_str(req->json, "note"));
    n->note = n->note ? n->note : "";
    n->reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    bool consent;
    if (!check_parties(err, req, n->to_org) ||
        !access_consent_names(err, req->op.conn, n->to_org, req->patient_id, &consent))
        return false;
    n->consent_free = !consent;
    if (n->consent_free && (!n->reason || !n->reason[0]))
        return error_set(err, ERR_TRANSFER_REASON_REQUIRED, "reason");
    n->studies = json_array();
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, n->studies);
    return check_studies(err, req, json_object_get(req->json, "study_uids"), n->studies);
}

static const char sql_insert[] =
    "INSERT INTO transfers (id, patient_id, from_org_id, from_user_id, to_org_id, status, note, "
    "consent_free, reason, patient_name, patient_name_kana, patient_birth_date, patient_sex, "
    "summary, created_at, expires_at) SELECT ?1, p.id, ?2, ?3, ?4, 'sent', ?5, ?6, ?7, p.name, "
    "p.name_kana, p.birth_date, p.sex, ?8, ?9, ?10 FROM patients p WHERE p.id = ?11";

static bool insert_row(struct error *err, struct request *req, const struct transfer_new *n,
                       struct transfer_row *t)
{
    const struct principal *p = &req->op.principal;
    char *summary = json_dumps(n->summary, JSON_COMPACT | JSON_SORT_KEYS);
    if (!summary)
        return error_set(err, ERR_NOMEM, NULL);
    int64_t changed = 0;
    bool ok = store_exec(err, req->op.conn, &changed, sql_insert, "tttttittiit", t->id, p->org_id,
                         p->user_id, n->to_org, n->note, (int64_t)n->consent_free,
                         n->consent_free ? n->reason : NULL, summary, req->op.now_ms, t->expires_at,
                         req->patient_id);
    free(summary);
    return ok && (changed == 1 || error_set(err, ERR_PATIENT_NOT_FOUND, NULL));
}

/* The receiver is told (the ER page hears topic "transfer"); the team too for a share without
 * consent. No notification summary names the patient. */
static bool notify_sent(struct error *err, struct request *req, const struct transfer_row *t,
                        const struct transfer_new *n)
{
    json_t *summary =
        json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:I}", "event", "sent", "transfer_id", t->id,
                  "by_user_name", req->op.principal.name, "by_org_id", req->op.principal.org_id,
                  "consent_free", n->consent_free, "reason", n->consent_free ? n->reason : "",
                  "studies", (json_int_t)json_array_size(n->studies));
    if (!summary)
        return error_set(err, ERR_NOMEM, NULL);
    struct notify_message m = {
        .kind = "transfer", .patient_id = t->patient_id, .ref_id = t->id, .summary = summary};
    bool ok = notify_org(err, &req->op, t->to_org, &m) &&
              (!n->consent_free || notify_care_team(err, &req->op, t->from_org, &m));
    json_decref(summary);
    return ok;
}

static bool send_transfer(struct error *err, struct request *req, const struct transfer_new *n,
                          struct transfer_row *t)
{
    for (size_t i = 0; i < json_array_size(n->studies); i++)
        if (!imaging_share_start(err, &req->op,
                                 jsonv_str(json_array_get(n->studies, i), "study_uid"),
                                 t->patient_id, t->to_org, IMAGING_SHARE_TRANSFER, t->id,
                                 n->consent_free, n->reason, t->expires_at))
            return false;
    json_t *detail = json_pack("{s:s, s:b, s:I}", "to_org_id", t->to_org, "consent_free",
                               n->consent_free, "studies", (json_int_t)json_array_size(n->studies));
    bool ok =
        transfer_event(err, &req->op, t, "sent", detail) &&
        op_audit(err, &req->op, "transfer.send", 'C', t->patient_id, "transfer", t->id,
                 n->consent_free
                     ? arena_printf(req->op.arena, "emergency share without consent to %s: %s",
                                    t->to_org, n->reason)
                     : arena_printf(req->op.arena, "shared with consent to %s", t->to_org)) &&
        notify_sent(err, req, t, n);
    json_decref(detail);
    return ok;
}

bool transfers_create(struct error *err, struct request *req)
{
    struct transfer_new n = {0};
    if (!check_new(err, req, &n))
        return false;
    /* the snapshot: the record as the sender reads it now (each read audited) */
    n.summary = referral_record_summary(err, req);
    if (!n.summary)
        return false;
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, n.summary);
    struct transfer_row t = {.consent_free = n.consent_free};
    ids_uuid_new(t.id);
    snprintf(t.patient_id, sizeof t.patient_id, "%s", req->patient_id);
    snprintf(t.from_org, sizeof t.from_org, "%s", req->op.principal.org_id);
    snprintf(t.to_org, sizeof t.to_org, "%s", n.to_org);
    snprintf(t.status, sizeof t.status, "sent");
    if (!op_write_begin(err, &req->op))
        return false;
    t.expires_at = req->op.now_ms + TRANSFER_SHARE_MS;
    if (!insert_row(err, req, &n, &t) || !send_transfer(err, req, &n, &t))
        return false;
    req->object_type = "transfer";
    req->object_id = arena_strdup(req->op.arena, t.id);
    json_t *out = transfer_json(err, req, t.id);
    if (!out)
        return false;
    response_json(req, 201, out);
    return true;
}
