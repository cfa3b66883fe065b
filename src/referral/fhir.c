/* SPDX-License-Identifier: Apache-2.0 */
/* The FHIR projection of a referral, written with fhir_store_put in the referral's own write
 * transaction: the order is a ServiceRequest (category "Patient referral", priority from the
 * urgency), its workflow state a Task whose versions are the status history, the letter a
 * Composition (LOINC 57133-1 診療情報提供書, one section per part, ready for $document) and the
 * reply (返書) a Communication.
 *
 * Task.status from our status (businessStatus carries ours, code and text):
 *   sent → requested; accepted → accepted; scheduled, seen → in-progress;
 *   replied, closed → completed; declined, redirected → rejected; cancelled → cancelled.
 * ServiceRequest.status: sent … seen → active; replied, closed → completed;
 *   declined, redirected, cancelled → revoked. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "directory/directory.h"
#include "fhir/rest.h"
#include "referral_int.h"

#define CS "https://tsunagu.example.jp/fhir/CodeSystem/"
#define SNOMED "http://snomed.info/sct"

static const struct {
    const char *status, *task, *service_request;
} status_map[] = {
    {"sent", "requested", "active"},        {"accepted", "accepted", "active"},
    {"scheduled", "in-progress", "active"}, {"seen", "in-progress", "active"},
    {"replied", "completed", "completed"},  {"closed", "completed", "completed"},
    {"declined", "rejected", "revoked"},    {"redirected", "rejected", "revoked"},
    {"cancelled", "cancelled", "revoked"},
};

static const char *mapped(const char *status, bool task)
{
    for (size_t i = 0; i < sizeof status_map / sizeof status_map[0]; i++)
        if (strcmp(status_map[i].status, status) == 0)
            return task ? status_map[i].task : status_map[i].service_request;
    return task ? "requested" : "active";
}

static const char *priority(const char *urgency)
{
    return strcmp(urgency, "emergency") == 0 ? "stat"
           : strcmp(urgency, "urgent") == 0  ? "asap"
                                             : "routine";
}

static json_t *ref(struct request *req, const char *type, const char *id)
{
    return json_pack("{s:s}", "reference", arena_printf(req->op.arena, "%s/%s", type, id));
}

/* An Organization reference with the organisation's name as display. */
static json_t *org_ref(struct error *err, struct request *req, const char *org_id)
{
    json_t *r = ref(req, "Organization", org_id);
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT name FROM orgs WHERE id = ?", "t", org_id);
    if (!s) {
        json_decref(r);
        return NULL;
    }
    if (store_step(err, s) == STORE_ROW)
        json_object_set_new(r, "display", json_string(store_text(s, 0)));
    store_done(s);
    return r;
}

static json_t *concept(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", system, "code", code,
                     "display", display, "text", display);
}

static json_t *identifier(const struct referral_row *r)
{
    char value[64];
    snprintf(value, sizeof value, "urn:uuid:%s", r->id);
    return json_pack("{s:s, s:s}", "system", "urn:ietf:rfc:3986", "value", value);
}

static bool put(struct error *err, struct request *req, const struct referral_row *r, json_t *res,
                const char *id)
{
    if (!res)
        return error_set(err, ERR_NOMEM, "FHIR resource of referral %s", r->id);
    return fhir_put_as_principal(err, req, res, id, r->patient_id, NULL);
}

static json_t *iso(int64_t ms)
{
    char t[32];
    clock_format_iso(ms, t);
    return json_string(t);
}

/* ---- the letter ------------------------------------------------------------------------- */

static json_t *composition(struct error *err, struct request *req, const struct referral_row *r)
{
    json_t *letter = json_loads(r->letter, 0, NULL);
    json_t *from = org_ref(err, req, r->from_org);
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT name FROM users WHERE id = ?", "t", r->from_user);
    json_t *signer = s && store_step(err, s) == STORE_ROW
                         ? json_pack("{s:s}", "display", store_text(s, 0))
                         : json_pack("{s:s}", "display", "");
    store_done(s);
    if (!letter || !from || !signer) {
        json_decref(letter);
        json_decref(from);
        json_decref(signer);
        return NULL;
    }
    json_t *res = json_pack(
        "{s:s, s:o, s:s, s:o, s:[o], s:o, s:o, s:[O, O], s:s, s:s, s:[{s:s, s:o, s:O}], s:O, "
        "s:o}",
        "resourceType", "Composition", "identifier", identifier(r), "status", "final", "type",
        concept("http://loinc.org", "57133-1", "Referral note"), "category",
        concept(CS "referral-kind", r->kind, strcmp(r->kind, "reverse") == 0 ? "逆紹介" : "紹介"),
        "subject", ref(req, "Patient", r->patient_id), "date", iso(r->signed_at), "author", from,
        signer, "title", "診療情報提供書", "confidentiality", "N", "attester", "mode", "legal",
        "time", iso(r->signed_at), "party", signer, "custodian", from, "section",
        referral_fhir_sections(letter));
    json_decref(letter);
    json_decref(from);
    json_decref(signer);
    return res;
}

/* ---- the order and its task -------------------------------------------------------------- */

static json_t *service_request(struct error *err, struct request *req, const struct referral_row *r,
                               const char *replaces)
{
    json_t *from = org_ref(err, req, r->from_org), *to = org_ref(err, req, r->to_org);
    json_t *letter = json_loads(r->letter, 0, NULL);
    const char *purpose_text = json_string_value(json_object_get(letter, "purpose_text"));
    json_t *res = !from || !to
                      ? NULL
                      : json_pack("{s:s, s:[o], s:s, s:s, s:[o], s:s, s:o, s:o, s:o, "
                                  "s:o, s:[o], s:[{s:s}], s:[o]}",
                                  "resourceType", "ServiceRequest", "identifier", identifier(r),
                                  "status", mapped(r->status, false), "intent", "order", "category",
                                  concept(SNOMED, "3457005", "Patient referral"), "priority",
                                  priority(r->urgency), "code",
                                  concept(CS "referral-purpose", r->purpose,
                                          codes_label(referral_purposes, r->purpose, true)),
                                  "subject", ref(req, "Patient", r->patient_id), "authoredOn",
                                  iso(r->sent_at), "requester", from, "performer", to, "reasonCode",
                                  "text", purpose_text ? purpose_text : "", "supportingInfo",
                                  ref(req, "Composition", r->composition_id));
    if (!res) {
        json_decref(from);
        json_decref(to);
    }
    json_decref(letter);
    if (res && r->to_department[0])
        json_object_set_new(res, "performerType",
                            concept(CS "department", r->to_department,
                                    codes_label(dir_departments, r->to_department, true)));
    if (res && replaces)
        json_object_set_new(res, "replaces",
                            json_pack("[o]", ref(req, "ServiceRequest", replaces)));
    return res;
}

/* The reply's Communication, from the timeline. */
static bool reply_of(struct error *err, struct request *req, const char *rid, const char **id)
{
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT " NOTIFY_LAST_DETAIL_SQL("referral", "?", "replied"), "t", rid);
    if (!s)
        return false;
    enum store_step_result st = store_step(err, s);
    json_t *comm = st == STORE_ROW ? referral_reply_communication(s, 0) : NULL;
    *id = json_is_string(comm) ? arena_strdup(req->op.arena, json_string_value(comm)) : NULL;
    json_decref(comm);
    store_done(s);
    return st != STORE_FAIL;
}

static json_t *task(struct error *err, struct request *req, const struct referral_row *r)
{
    const char *reply;
    json_t *from = org_ref(err, req, r->from_org), *to = org_ref(err, req, r->to_org);
    if (!from || !to || !reply_of(err, req, r->id, &reply)) {
        json_decref(from);
        json_decref(to);
        return NULL;
    }
    const char *label = codes_label(referral_statuses, r->status, true);
    json_t *business = concept(CS "referral-status", r->status, label);
    json_object_set_new(business, "text", json_string(r->status)); /* our status, verbatim */
    json_t *res =
        json_pack("{s:s, s:[o], s:[o], s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, "
                  "s:[{s:{s:s}, s:o}]}",
                  "resourceType", "Task", "identifier", identifier(r), "basedOn",
                  ref(req, "ServiceRequest", r->sr_id), "status", mapped(r->status, true),
                  "businessStatus", business, "intent", "order", "priority", priority(r->urgency),
                  "focus", ref(req, "ServiceRequest", r->sr_id), "for",
                  ref(req, "Patient", r->patient_id), "authoredOn", iso(r->sent_at), "lastModified",
                  iso(r->updated_at), "requester", from, "owner", to, "input", "type", "text",
                  "letter", "valueReference", ref(req, "Composition", r->composition_id));
    if (res && r->scheduled_for)
        json_object_set_new(res, "executionPeriod",
                            json_pack("{s:o}", "start", iso(r->scheduled_for)));
    if (res && r->decline_reason && strcmp(r->status, "declined") == 0)
        json_object_set_new(res, "statusReason", json_pack("{s:s}", "text", r->decline_reason));
    if (res && reply)
        json_object_set_new(res, "output",
                            json_pack("[{s:{s:s}, s:o}]", "type", "text", "reply", "valueReference",
                                      ref(req, "Communication", reply)));
    return res;
}

bool referral_fhir_create(struct error *err, struct request *req, const struct referral_row *r,
                          const char *replaces_sr)
{
    return put(err, req, r, composition(err, req, r), r->composition_id) &&
           put(err, req, r, service_request(err, req, r, replaces_sr), r->sr_id) &&
           put(err, req, r, task(err, req, r), r->task_id);
}

/* Whether the referral's FHIR projection is still to be written: a referral the demo region
 * made live (its referral with images, demo_images.c) has the ids of its resources but not the
 * resources, which its first step writes. */
static bool projection_missing(struct error *err, struct request *req, const struct referral_row *r,
                               bool *missing)
{
    struct fhir_row row;
    bool found = true;
    *missing = false;
    if (r->sr_id && !fhir_store_lookup(err, req->op.conn, "ServiceRequest", r->sr_id, &row, &found))
        return false;
    *missing = r->sr_id && !found;
    return true;
}

bool referral_fhir_step(struct error *err, struct request *req, const struct referral_row *r,
                        const char *old_status)
{
    bool missing;
    if (!projection_missing(err, req, r, &missing))
        return false;
    if (missing)
        return referral_fhir_create(err, req, r, NULL);
    if (strcmp(mapped(old_status, false), mapped(r->status, false)) != 0) {
        const char *replaces = NULL;
        if (r->parent_id) { /* a redirect's order replaces the refused one */
            struct referral_row parent;
            if (!referral_load(err, req, r->parent_id, &parent))
                return false;
            if (strcmp(parent.status, "redirected") == 0 && strcmp(parent.kind, r->kind) == 0)
                replaces = parent.sr_id;
        }
        if (!put(err, req, r, service_request(err, req, r, replaces), r->sr_id))
            return false;
    }
    return put(err, req, r, task(err, req, r), r->task_id);
}

/* ---- the reply ---------------------------------------------------------------------------- */

bool referral_fhir_reply(struct error *err, struct request *req, const struct referral_row *r,
                         const json_t *reply, char id[UUID_STR_LEN])
{
    json_t *from = org_ref(err, req, r->to_org), *to = org_ref(err, req, r->from_org);
    ids_uuid_new(id);
    json_t *res =
        !from || !to
            ? NULL
            : json_pack("{s:s, s:[o], s:[o], s:[o], s:s, s:[o], s:o, s:o, "
                        "s:o, s:[o], s:o}",
                        "resourceType", "Communication", "identifier", identifier(r), "basedOn",
                        ref(req, "ServiceRequest", r->sr_id), "partOf",
                        ref(req, "Task", r->task_id), "status", "completed", "category",
                        concept(CS "referral-communication", "reply", "返書"), "subject",
                        ref(req, "Patient", r->patient_id), "sent", iso(clock_now_ms()), "sender",
                        from, "recipient", to, "payload", referral_fhir_reply_payload(reply));
    if (!res) {
        json_decref(from);
        json_decref(to);
    }
    return put(err, req, r, res, id);
}
