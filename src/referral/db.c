/* SPDX-License-Identifier: Apache-2.0 */
/* The stored referral: loading a row, making a new one (target checks, record share, first
 * event, FHIR resources, notification), the timeline and the notifications of each step. */
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "directory/directory.h"
#include "imaging/imaging.h"
#include "notify/notify.h"
#include "referral_int.h"

bool referral_may_sign(const char *profession)
{
    return profession &&
           (strcmp(profession, "physician") == 0 || strcmp(profession, "dentist") == 0);
}

static const char sql_load[] =
    "SELECT id, kind, status, patient_id, parent_id, from_org_id, from_user_id, to_org_id, "
    "to_department, urgency, purpose, letter, reply, fhir_service_request_id, fhir_task_id, "
    "fhir_composition_id, signed_at, sent_at, updated_at, scheduled_for, decline_reason "
    "FROM referrals WHERE id = ?";

static const char *col(struct request *req, struct store_stmt *s, int i)
{
    return store_is_null(s, i) ? NULL : arena_strdup(req->op.arena, store_text(s, i));
}

bool referral_load(struct error *err, struct request *req, const char *id, struct referral_row *out)
{
    struct store_stmt *s = store_query(err, req->op.conn, sql_load, "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_REFERRAL_NOT_FOUND, NULL);
    }
    *out = (struct referral_row){
        .id = col(req, s, 0),
        .kind = col(req, s, 1),
        .status = col(req, s, 2),
        .patient_id = col(req, s, 3),
        .parent_id = col(req, s, 4),
        .from_org = col(req, s, 5),
        .from_user = col(req, s, 6),
        .to_org = col(req, s, 7),
        .to_department = col(req, s, 8),
        .urgency = col(req, s, 9),
        .purpose = col(req, s, 10),
        .letter = col(req, s, 11),
        .reply = col(req, s, 12),
        .sr_id = col(req, s, 13),
        .task_id = col(req, s, 14),
        .composition_id = col(req, s, 15),
        .signed_at = store_int(s, 16),
        .sent_at = store_int(s, 17),
        .updated_at = store_int(s, 18),
        .scheduled_for = store_is_null(s, 19) ? 0 : store_int(s, 19),
        .decline_reason = col(req, s, 20),
    };
    store_done(s);
    return true;
}

/* Organisation types that take referrals: hospitals and clinics (a physician receives them). */
static bool receives_referrals(const char *type)
{
    return access_org_type_is_hospital(type) || strcmp(type, "clinic") == 0 ||
           strcmp(type, "home_care_clinic") == 0;
}

static bool department_listed(const char *departments_json, const char *dept, bool *listed)
{
    json_t *list = json_loads(departments_json ? departments_json : "[]", 0, NULL);
    *listed = !json_is_array(list) || json_array_size(list) == 0; /* none listed: any */
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) *listed =
        *listed || (json_is_string(v) && strcmp(json_string_value(v), dept) == 0);
    json_decref(list);
    return true;
}

/* The target must be another organisation that takes referrals, and accept the department when
 * its directory profile lists departments. */
static bool check_target(struct error *err, struct request *req, const char *to_org,
                         const char *dept)
{
    if (dept[0] && !codes_known(dir_department_codes, dept))
        return error_set(err, ERR_FIELD_VALUE, "to_department: unknown department code");
    if (strcmp(to_org, req->op.principal.org_id) == 0)
        return error_set(err, ERR_REFERRAL_TARGET_INVALID, "to_org_id: your own organisation");
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT o.type, pr.departments FROM orgs o LEFT JOIN "
                                       "org_profiles pr ON pr.org_id = o.id WHERE o.id = ?",
                                       "t", to_org);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool takes = r == STORE_ROW && receives_referrals(store_text(s, 0)), listed = true;
    if (r == STORE_ROW && dept[0])
        department_listed(store_is_null(s, 1) ? NULL : store_text(s, 1), dept, &listed);
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r != STORE_ROW)
        return error_set(err, ERR_REFERRAL_TARGET_INVALID, "to_org_id: no such organisation");
    if (!takes)
        return error_set(err, ERR_REFERRAL_TARGET_INVALID,
                         "to_org_id: this type of organisation does not take referrals");
    if (!listed)
        return error_set(err, ERR_REFERRAL_DEPARTMENT_NOT_ACCEPTED, "to_department: %s", dept);
    return true;
}

bool referral_event(struct error *err, struct request *req, const char *rid, const char *kind,
                    json_t *detail)
{
    bool ok = notify_timeline_append(err, &req->op, &referral_case, rid, kind, detail);
    json_decref(detail);
    return ok;
}

/* Shares the studies the letter attaches with the receiver for as long as the record share
 * (a consent naming the receiver is needed to open them, as for the record). */
static bool share_studies(struct error *err, struct request *req, const struct referral_new *n,
                          const char *id, int64_t expires)
{
    const json_t *imaging = json_object_get(n->letter, "imaging");
    for (size_t i = 0; i < json_array_size(imaging); i++) {
        const char *uid =
            json_string_value(json_object_get(json_array_get(imaging, i), "study_uid"));
        if (uid && uid[0] &&
            !imaging_share_start(err, &req->op, uid, n->patient_id, n->to_org_id,
                                 IMAGING_SHARE_REFERRAL, id, false, NULL, expires))
            return false;
    }
    return true;
}

/* Opens the record share of a new referral where consent allows, and notes it in the letter. */
static bool start_share(struct error *err, struct request *req, const struct referral_new *n,
                        const char *id, bool *shared)
{
    int64_t expires = clock_now_ms() + req->ctx->env.referral_share_ms;
    if (!access_share_start(err, &req->op, n->patient_id, n->to_org_id, &referral_case, id, expires,
                            shared) ||
        !share_studies(err, req, n, id, expires))
        return false;
    char until[32];
    clock_format_iso(expires, until);
    json_object_set_new(n->letter, "record_shared", json_boolean(*shared));
    json_object_set_new(n->letter, "share_expires_at", *shared ? json_string(until) : json_null());
    return true;
}

static const char sql_insert[] =
    "INSERT INTO referrals (id, kind, parent_id, patient_id, from_org_id, from_user_id, "
    "to_org_id, to_department, urgency, purpose, status, letter, letter_sha256, signed_at, "
    "sent_at, record_shared, idempotency_key, request_sha256, fhir_service_request_id, "
    "fhir_task_id, fhir_composition_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "'sent', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static bool insert_row(struct error *err, struct request *req, const struct referral_new *n,
                       const char *id, bool shared)
{
    const char *letter = referral_canonical(req, n->letter);
    char sha[SHA256_HEX_LEN], sr[UUID_STR_LEN], task[UUID_STR_LEN], comp[UUID_STR_LEN];
    ids_sha256_hex(letter, strlen(letter), sha);
    ids_uuid_new(sr);
    ids_uuid_new(task);
    ids_uuid_new(comp);
    int64_t now = clock_now_ms();
    const struct principal *p = &req->op.principal;
    if (store_exec(err, req->op.conn, NULL, sql_insert, "ttttttttttttiiittttti", id, n->kind,
                   n->parent_id, n->patient_id, p->org_id, p->user_id, n->to_org_id,
                   n->to_department, n->urgency, n->purpose, letter, sha, now, now, (int64_t)shared,
                   n->idem_key, n->idem_key ? n->request_sha : NULL, sr, task, comp, now))
        return true;
    if (!store_last_was_unique_violation(req->op.conn))
        return false;
    /* Writers are serialised (BEGIN IMMEDIATE) and the key was looked up first; a duplicate
     * here is a concurrent submission all the same. */
    error_clear(err);
    return error_set(err, ERR_REFERRAL_IDEMPOTENCY_CONFLICT, "concurrent submission");
}

bool referral_insert(struct error *err, struct request *req, const struct referral_new *n,
                     char id[UUID_STR_LEN])
{
    bool shared = false;
    ids_uuid_new(id);
    if (!check_target(err, req, n->to_org_id, n->to_department) ||
        !start_share(err, req, n, id, &shared) || !insert_row(err, req, n, id, shared))
        return false;
    json_t *detail = n->first_detail ? n->first_detail : json_object();
    json_object_set_new(detail, "to_org_id", json_string(n->to_org_id));
    if (!referral_event(err, req, id, n->first_event, detail))
        return false;
    if (shared && !referral_event(err, req, id, "share_started",
                                  json_pack("{s:s, s:O}", "org_id", n->to_org_id, "expires_at",
                                            json_object_get(n->letter, "share_expires_at"))))
        return false;
    struct referral_row row;
    return referral_load(err, req, id, &row) &&
           referral_fhir_create(err, req, &row, n->replaces_sr) &&
           referral_notify(err, req, &row, n->first_event, n->to_org_id);
}

/* ---- notifications ---------------------------------------------------------------------- */

/* The summary of a referral notification: no patient name (the receiver opens the referral,
 * which is audited); the organisations, what happened and by whom. */
static json_t *summary(struct error *err, struct request *req, const struct referral_row *r,
                       const char *event)
{
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT (SELECT name FROM orgs WHERE id = ?), "
                                       "(SELECT name FROM orgs WHERE id = ?)",
                                       "tt", r->from_org, r->to_org);
    if (!s)
        return NULL;
    enum store_step_result st = store_step(err, s);
    json_t *out =
        st != STORE_ROW
            ? NULL
            : json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "event", event,
                        "referral_id", r->id, "kind", r->kind, "status", r->status, "urgency",
                        r->urgency, "purpose", r->purpose, "from_org_name", api_text_or_null(s, 0),
                        "to_org_name", api_text_or_null(s, 1), "by_user_name",
                        req->op.principal.name, "by_org_id", req->op.principal.org_id);
    store_done(s);
    if (!out && st != STORE_FAIL)
        error_set(err, ERR_NOMEM, NULL);
    return out;
}

bool referral_notify(struct error *err, struct request *req, const struct referral_row *r,
                     const char *event, const char *org_id)
{
    if (org_id) {
        json_t *sum = summary(err, req, r, event);
        if (!sum)
            return false;
        json_t *extra = json_pack("{s:s}", "referral_id", r->id);
        /* names the patient: the list shows it to whom the referral's rule lets read it */
        struct notify_message m = {.kind = "referral",
                                   .patient_id = r->patient_id,
                                   .ref_id = r->id,
                                   .summary = sum,
                                   .event = extra};
        bool ok = notify_org(err, &req->op, org_id, &m);
        json_decref(sum);
        json_decref(extra);
        if (!ok)
            return false;
    }
    op_publish_json(&req->op, "referral", r->from_org,
                    json_pack("{s:s, s:s}", "referral_id", r->id, "event", event));
    op_publish_json(&req->op, "referral", r->to_org,
                    json_pack("{s:s, s:s}", "referral_id", r->id, "event", event));
    return true;
}
