/* SPDX-License-Identifier: Apache-2.0 */
/* Referrals and reverse referrals (紹介・逆紹介, issue 5): create (sign and send), the
 * organisation's inbox and sent box, a patient's referrals, one referral, the code lists, and
 * idempotent submission (Idempotency-Key). The workflow steps are in referral_flow.c. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/jsonv.h"
#include "referral_int.h"

/* ---- idempotency ----------------------------------------------------------------------- */

bool referral_idem_begin(struct error *err, struct request *req, const char **key,
                         char sha[SHA256_HEX_LEN])
{
    return api_idempotency_key(err, req, ERR_REFERRAL_IDEMPOTENCY_KEY, key, sha);
}

bool referral_idem_find(struct error *err, struct request *req, const char *key, const char *sha,
                        char found[UUID_STR_LEN])
{
    found[0] = '\0';
    if (!key)
        return true;
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT id, request_sha256, from_org_id FROM referrals "
                                       "WHERE from_user_id = ? AND idempotency_key = ?",
                                       "tt", req->op.principal.user_id, key);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool same = r == STORE_ROW && !store_is_null(s, 1) && strcmp(store_text(s, 1), sha) == 0 &&
                strcmp(store_text(s, 2), req->op.principal.org_id) == 0;
    if (r == STORE_ROW && same)
        snprintf(found, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r == STORE_ROW && !same)
        return error_set(err, ERR_REFERRAL_IDEMPOTENCY_CONFLICT, "key used for another request");
    return true;
}

bool referral_respond(struct error *err, struct request *req, const char *id, int status)
{
    json_t *j = referral_json(err, req, id);
    if (!j)
        return false;
    response_json(req, status, j);
    return true;
}

/* ---- create ------------------------------------------------------------------------------ */

static const char *const kind_codes[] = {"referral", "reverse", NULL};

bool referrals_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"kind", JV_STRING, false, 0, kind_codes},
        {"to_org_id", JV_UUID, true, 0, NULL},
        {"to_department", JV_STRING, false, 40, NULL},
        {"urgency", JV_STRING, true, 0, referral_urgency_codes},
        {"purpose", JV_STRING, true, 0, referral_purpose_codes},
        {"letter", JV_OBJECT, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *key;
    char sha[SHA256_HEX_LEN], found[UUID_STR_LEN], id[UUID_STR_LEN];
    if (!jsonv_check(err, req->json, fields) || !referral_idem_begin(err, req, &key, sha))
        return false;
    json_t *letter =
        referral_letter_check(err, req, req->patient_id, json_object_get(req->json, "letter"));
    if (!letter)
        return false;
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, letter);
    if (!referral_may_sign(req->op.principal.profession))
        return error_set(err, ERR_REFERRAL_SIGNER_NOT_PHYSICIAN, "%s",
                         req->op.principal.profession);
    if (!op_write_begin(err, &req->op) || !referral_idem_find(err, req, key, sha, found))
        return false;
    if (found[0]) {
        req->object_type = "referral";
        req->object_id = arena_strdup(req->op.arena, found);
        req->audit_detail = "idempotent replay";
        return referral_respond(err, req, found, 200);
    }
    const char *kind = jsonv_str(req->json, "kind"), *dept = jsonv_str(req->json, "to_department");
    bool reverse = kind && strcmp(kind, "reverse") == 0;
    struct referral_new n = {
        .kind = reverse ? "reverse" : "referral",
        .patient_id = req->patient_id,
        .to_org_id = jsonv_str(req->json, "to_org_id"),
        .to_department = dept ? dept : "",
        .urgency = jsonv_str(req->json, "urgency"),
        .purpose = jsonv_str(req->json, "purpose"),
        .letter = letter,
        .idem_key = key,
        .request_sha = sha,
        .first_event = reverse ? "reverse_sent" : "sent",
    };
    if (!referral_insert(err, req, &n, id))
        return false;
    req->object_type = "referral";
    req->object_id = arena_strdup(req->op.arena, id);
    return referral_respond(err, req, id, 201);
}

bool referrals_read(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    return referral_respond(err, req, req->object_id, 200);
}

/* ---- lists ------------------------------------------------------------------------------- */

/* Audits each listed referral as a read of its patient's data, and answers the page. */
static json_t *audited_page(struct error *err, struct request *req, struct store_stmt *s,
                            const char *event_id, int64_t limit, bool *more)
{
    json_t *items = api_rows(err, s, referral_summary_row);
    if (!items)
        return NULL;
    *more = json_array_size(items) > (size_t)limit;
    if (*more)
        json_array_remove(items, json_array_size(items) - 1);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *pid = json_string_value(json_object_get(json_object_get(it, "patient"), "id"));
        op_audit_read(&req->op, event_id, AUDIT_SUCCESS, pid, "referral",
                      json_string_value(json_object_get(it, "id")), "listed in referrals");
    }
    return items;
}

static const char sql_box[] = REFERRAL_SUMMARY_SELECT
    "WHERE (CASE WHEN ?1 = 'inbox' THEN r.to_org_id ELSE r.from_org_id "
    "END) = ?2 AND (CAST(?3 AS TEXT) IS NULL OR r.status = ?3) AND (CAST(?4 AS TEXT) IS NULL OR "
    "r.patient_id = ?4) ORDER BY r.sent_at DESC, r.id DESC LIMIT ?5 "
    "OFFSET ?6";
static const char sql_counts[] =
    "SELECT status, count(*) FROM referrals r WHERE (CASE WHEN ?1 = 'inbox' THEN r.to_org_id "
    "ELSE r.from_org_id END) = ?2 AND (CAST(?3 AS TEXT) IS NULL OR r.patient_id = ?3) GROUP BY "
    "status";

static json_t *box_counts(struct error *err, struct request *req, const char *box,
                          const char *patient)
{
    return api_counts(
        err,
        store_query(err, req->op.conn, sql_counts, "ttt", box, req->op.principal.org_id, patient),
        referral_status_codes);
}

static bool box_query(struct error *err, struct request *req, const char **box, const char **status,
                      const char **patient)
{
    static const char *const boxes[] = {"inbox", "sent", NULL};
    static const struct jfield q[] = {
        {"box", JV_STRING, false, 0, boxes},
        {"status", JV_STRING, false, 0, referral_status_codes},
        {"patient_id", JV_UUID, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    json_t *o =
        json_pack("{s:s?, s:s?, s:s?}", "box", request_query(req, "box"), "status",
                  request_query(req, "status"), "patient_id", request_query(req, "patient_id"));
    bool ok = jsonv_check(err, o, q);
    json_decref(o);
    if (!ok) {
        char detail[sizeof err->detail];
        snprintf(detail, sizeof detail, "%s", err->detail);
        error_clear(err);
        return error_set(err, ERR_BAD_QUERY, "%s", detail);
    }
    *box = request_query(req, "box") ? request_query(req, "box") : "inbox";
    *status = request_query(req, "status");
    *patient = request_query(req, "patient_id");
    return true;
}

bool referrals_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"box", "status", "patient_id", "limit", "cursor", NULL};
    const char *box, *status, *patient;
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset) ||
        !box_query(err, req, &box, &status, &patient))
        return false;
    if (!access_may_search(&req->op.principal))
        return error_set(err, access_search_refusal(&req->op.principal), NULL);
    struct store_stmt *s =
        store_query(err, req->op.conn, sql_box, "ttttii", box, req->op.principal.org_id, status,
                    patient, limit + 1, offset);
    bool more = false;
    json_t *items = audited_page(err, req, s, "referrals_list", limit, &more);
    json_t *counts = items ? box_counts(err, req, box, patient) : NULL;
    if (!counts) {
        json_decref(items);
        return false;
    }
    req->audit_detail =
        arena_printf(req->op.arena, "box=%s results=%zu", box, json_array_size(items));
    json_t *body = request_page_body(req, items, offset, limit, more);
    json_object_set_new(body, "counts", counts);
    response_json(req, 200, body);
    return true;
}

bool referrals_patient_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *items = api_rows(err,
                             store_query(err, req->op.conn,
                                         REFERRAL_SUMMARY_SELECT
                                         "WHERE r.patient_id = ? ORDER BY r.sent_at DESC, r.id",
                                         "t", req->patient_id),
                             referral_summary_row);
    return api_respond_items(req, items);
}

/* ---- codes ------------------------------------------------------------------------------- */

static json_t *labels(const struct code_label *list)
{
    json_t *out = json_array();
    for (const struct code_label *c = list; c->code; c++)
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s}", "code", c->code, "ja", c->ja, "en", c->en));
    return out;
}

bool referral_codes_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    response_json(req, 200,
                  json_pack("{s:o, s:o, s:o, s:o, s:o}", "purposes", labels(referral_purposes),
                            "urgencies", labels(referral_urgencies), "statuses",
                            labels(referral_statuses), "actions", labels(referral_action_labels),
                            "events", labels(referral_event_labels)));
    return true;
}
