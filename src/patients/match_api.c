/* SPDX-License-Identifier: Apache-2.0 */
/* Registration finds the patient first (名寄せ, issue 13 item 3): POST /api/patients/match shows
 * likely candidates, POST /api/patients/link links the organisation's local id to one of them,
 * and POST /fhir/Patient/$match answers the same as IHE PDQm. A candidate the caller may not see
 * is shown only at a high score, with only what was asked about, and under an offer id instead
 * of its id; every candidate shown is audited. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "patients_int.h"

#define OFFER_SECONDS 900 /* time to link after a match: a registration at the desk */

const struct route_locator patients_match_locator = {
    "no patient named: each candidate by access_match_may_show, audited", NULL, NULL, false, true};

bool patients_match_offer(struct error *err, struct op *op, const struct patients_match_hit *hit,
                          char id[UUID_STR_LEN])
{
    ids_uuid_new(id);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO patient_match_offers (id, patient_id, user_id, org_id, score, "
                      "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      "ttttdii", id, hit->id, op->principal.user_id, op->principal.org_id,
                      hit->score, op->now_ms, op->now_ms + OFFER_SECONDS * 1000);
}

bool patients_match_audit(struct error *err, struct op *op, const char *event_id,
                          const struct patients_match_hit *hits, int n)
{
    if (!op_write_begin(err, op) ||
        !op_audit(err, op, event_id, 'E', NULL, "patient_match", NULL,
                  arena_printf(op->arena, "match query, %d candidates shown", n)))
        return false;
    for (int i = 0; i < n; i++)
        if (!op_audit(err, op, event_id, 'E', hits[i].id, "patient", hits[i].id,
                      arena_printf(op->arena, "shown as a match candidate (score %.2f, %s)",
                                   hits[i].score, hits[i].visible ? "visible" : "not visible")))
            return false;
    return true;
}

/* A candidate for the API: all of it when the caller sees the patient; else only the name,
 * reading, sex and birth date that were matched. */
static json_t *hit_json(struct error *err, struct op *op, const struct patients_match_hit *h,
                        const char *offer)
{
    json_t *patient = h->visible
                          ? patients_patient_json(err, op->conn, h->id, false)
                          : json_pack("{s:s, s:s, s:s, s:s}", "name", h->name, "name_kana",
                                      h->name_kana, "sex", h->sex, "birth_date", h->birth_date);
    if (!patient)
        return NULL;
    return json_pack("{s:s, s:f, s:s, s:b, s:b, s:o}", "offer_id", offer, "score",
                     (double)(int)(h->score * 100 + 0.5) / 100, "grade",
                     patients_match_grade(h->score), "visible", h->visible, "consent_covers_org",
                     h->consented, "patient", patient);
}

static const struct jfield match_fields[] = {
    {"name", JV_TEXT, false, 100, NULL},
    {"name_kana", JV_TEXT, true, 100, NULL},
    {"sex", JV_STRING, true, 0, patients_sex_codes},
    {"birth_date", JV_DATE, true, 0, NULL},
    {NULL, 0, false, 0, NULL},
};

bool patients_match_run(struct error *err, struct op *op, const json_t *body, json_t **items)
{
    struct patients_match_keys q;
    struct patients_match_hit hits[PATIENTS_MATCH_MAX];
    int n = 0;
    *items = NULL;
    if (!patients_match_keys_of(op->arena, jsonv_str(body, "name"), jsonv_str(body, "name_kana"),
                                jsonv_str(body, "sex"), jsonv_str(body, "birth_date"), &q))
        return error_set(err, ERR_FIELD_VALUE, "name_kana: not a reading");
    if (!q.kana_key[0])
        return error_set(err, ERR_FIELD_VALUE, "name_kana: empty");
    if (!patients_match_find(err, op, &q, hits, &n) ||
        !patients_match_audit(err, op, "patients_match", hits, n))
        return false;
    *items = json_array();
    for (int i = 0; i < n; i++) {
        char offer[UUID_STR_LEN];
        json_t *item = patients_match_offer(err, op, &hits[i], offer)
                           ? hit_json(err, op, &hits[i], offer)
                           : NULL;
        if (!item) {
            json_decref(*items);
            *items = NULL;
            return false;
        }
        json_array_append_new(*items, item);
    }
    return true;
}

bool patients_match(struct error *err, struct request *req)
{
    if (!access_may_search(&req->op.principal))
        return error_set(err, access_search_refusal(&req->op.principal), NULL);
    json_t *items;
    if (!jsonv_check(err, req->json, match_fields) ||
        !patients_match_run(err, &req->op, req->json, &items))
        return false;
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

/* The patient an offer of the caller's stands for, while it is valid. */
static bool offer_patient(struct error *err, struct request *req, const char *offer, char *patient)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT patient_id FROM patient_match_offers WHERE id = ? AND user_id = ? AND org_id = ? "
        "AND used_at IS NULL AND expires_at > ?",
        "ttti", offer, req->op.principal.user_id, req->op.principal.org_id, req->op.now_ms);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        snprintf(patient, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_MATCH_OFFER_NOT_FOUND, NULL);
    return true;
}

/* The organisation joins the team (unless it is on it) and the consent given now, naming it,
 * is recorded. */
static bool link_team_and_consent(struct error *err, struct op *op, const char *patient,
                                  const json_t *consent)
{
    const char *org = op->principal.org_id;
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT 1 FROM care_team WHERE patient_id = ? AND org_id "
                                       "= ? AND user_id IS NULL AND removed_at IS NULL",
                                       "tt", patient, org);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    char team_id[UUID_STR_LEN] = "", consent_id[UUID_STR_LEN] = "";
    const struct patients_member m = {patient, org, NULL, "registering organisation", NULL};
    if (r == STORE_FAIL || (r == STORE_DONE && !patients_team_insert(err, op, &m, team_id)))
        return false;
    if (!consent)
        return true;
    const struct patients_consent c = {patient,
                                       jsonv_str(consent, "scope"),
                                       jsonv_str(consent, "method"),
                                       jsonv_str(consent, "consented_on"),
                                       jsonv_str(consent, "note"),
                                       &org,
                                       1};
    return patients_consent_insert(err, op, &c, consent_id);
}

bool patients_link(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"offer_id", JV_UUID, true, 0, NULL},
        {"local_id", JV_STRING, true, 32, NULL},
        {"consent", JV_OBJECT, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!access_may_search(&req->op.principal))
        return error_set(err, access_search_refusal(&req->op.principal), NULL);
    const json_t *consent = json_object_get(req->json, "consent");
    if (!jsonv_check(err, req->json, fields) ||
        (consent && !jsonv_check(err, consent, patients_consent_fields)))
        return false;
    char *patient = arena_alloc(req->op.arena, UUID_STR_LEN);
    if (!offer_patient(err, req, jsonv_str(req->json, "offer_id"), patient))
        return false;
    req->patient_id = patient; /* a refusal from here on is audited against the patient */
    if (consent && !patients_consent_date_check(err, req, "consent.consented_on",
                                                jsonv_str(consent, "consented_on")))
        return false;
    struct access_decision d;
    if (!access_decide_link(err, req->op.conn, &req->op.principal, patient, consent != NULL, &d))
        return false;
    if (!d.allow)
        return error_set(err, ERR_LINK_NEEDS_CONSENT,
                         "consent: no consent in force names your organisation; record one");
    if (!patients_local_id_insert(err, &req->op, patient, req->op.principal.org_id,
                                  jsonv_str(req->json, "local_id")) ||
        !link_team_and_consent(err, &req->op, patient, consent) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE patient_match_offers SET used_at = ? WHERE id = ?", "it",
                    req->op.now_ms, jsonv_str(req->json, "offer_id")))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "local id linked (%s)", d.reason);
    json_t *p = patients_patient_json(err, req->op.conn, patient, true);
    if (!p)
        return false;
    response_json(req, 201, p);
    return true;
}
