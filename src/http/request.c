/* SPDX-License-Identifier: Apache-2.0 */
#include "request.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"
#include "events/events.h"
#include "router.h"

const char *request_query(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->mhd, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_header(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->mhd, MHD_HEADER_KIND, name);
}

const char *request_param(struct request *req, int i)
{
    return i < req->param_count ? req->params[i] : NULL;
}

struct query_check {
    const char *const *allowed;
    struct error *err;
    const char *seen[16];
    int seen_count;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct query_check *qc = cls;
    bool known = false;
    for (const char *const *a = qc->allowed; *a; a++)
        known |= strcmp(*a, key) == 0;
    if (!known) {
        error_set(qc->err, ERR_BAD_QUERY, "unknown parameter %.40s", key);
        return MHD_NO;
    }
    for (int i = 0; i < qc->seen_count; i++) {
        if (strcmp(qc->seen[i], key) == 0) {
            error_set(qc->err, ERR_BAD_QUERY, "repeated parameter %s", key);
            return MHD_NO;
        }
    }
    if (qc->seen_count < 16)
        qc->seen[qc->seen_count++] = key;
    if (value && (!utf8_valid(value, strlen(value)) || strlen(value) > 200)) {
        error_set(qc->err, ERR_BAD_QUERY, "parameter %s is not valid UTF-8 or too long", key);
        return MHD_NO;
    }
    return MHD_YES;
}

/* A query string's names and values as sent: a NUL byte (%00) would cut them short where they
 * are read as C strings, and everything we take is UTF-8. */
static enum MHD_Result check_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct error *err = cls;
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        error_set(err, ERR_BAD_QUERY, "a query parameter contains a NUL byte");
        return MHD_NO;
    }
    if (!utf8_valid(key, key_size) || (value && !utf8_valid(value, value_size))) {
        error_set(err, ERR_BAD_QUERY, "query parameter %.40s is not valid UTF-8",
                  utf8_valid(key, key_size) ? key : "(name)");
        return MHD_NO;
    }
    return MHD_YES;
}

bool request_query_valid(struct error *err, struct request *req)
{
    MHD_get_connection_values_n(req->mhd, MHD_GET_ARGUMENT_KIND, check_bytes, err);
    return err->code == ERR_NONE;
}

bool request_query_check(struct error *err, struct request *req, const char *const *allowed)
{
    struct query_check qc = {.allowed = allowed, .err = err};
    MHD_get_connection_values(req->mhd, MHD_GET_ARGUMENT_KIND, check_arg, &qc);
    return !err || err->code == ERR_NONE;
}

bool request_write_begin(struct error *err, struct request *req)
{
    if (req->writing)
        return true;
    if (store_in_txn(req->conn)) /* a GET's read snapshot cannot become a write */
        return error_set(err, ERR_INTERNAL, "write in a read-only request");
    if (!store_begin(err, req->conn, true))
        return false;
    req->writing = true;
    return true;
}

bool request_audit_txn(struct error *err, struct request *req, const char *event_id, char action,
                       const char *patient_id, const char *object_type, const char *object_id,
                       const char *detail)
{
    const struct principal *p = &req->principal;
    struct audit_record rec = {
        .event_id = event_id,
        .action = action,
        .outcome = AUDIT_SUCCESS,
        .user_id = p->user_id[0] ? p->user_id : NULL,
        .user_login = p->login[0] ? p->login : NULL,
        .org_id = p->org_id[0] ? p->org_id : NULL,
        .client = req->client,
        .patient_id = patient_id,
        .object_type = object_type,
        .object_id = object_id,
        .request_id = req->request_id,
        .detail = detail,
    };
    if (!audit_append_txn(err, req->conn, &rec))
        return false;
    req->audited = true;
    return true;
}

const char *request_emergency(struct request *req, const char *grant_id, const char *detail)
{
    if (!req->emergency_grant) {
        req->emergency_grant = arena_strdup(req->arena, grant_id);
        response_header(req, "X-Tsunagu-Emergency-Access", grant_id);
    }
    return detail ? arena_printf(req->arena, "emergency access %s; %s", grant_id, detail)
                  : arena_printf(req->arena, "emergency access %s", grant_id);
}

static bool same_patient(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The record already queued that a record for patient_id joins: the one of the same patient, or
 * a record without a patient when this one names one. NULL when it is new. */
static struct audit_record *queued_for(struct request *req, const char *patient_id)
{
    for (size_t i = 0; i < req->read_count; i++)
        if (same_patient(req->reads[i].patient_id, patient_id))
            return &req->reads[i];
    for (size_t i = 0; patient_id && i < req->read_count; i++)
        if (!req->reads[i].patient_id)
            return &req->reads[i];
    return NULL;
}

bool request_audit_queued(const struct request *req, const char *patient_id)
{
    for (size_t i = 0; i < req->read_count; i++)
        if (same_patient(req->reads[i].patient_id, patient_id))
            return true;
    return false;
}

void request_audit_read(struct request *req, const char *event_id, enum audit_outcome outcome,
                        const char *patient_id, const char *object_type, const char *object_id,
                        const char *detail)
{
    /* One record per patient a request touched, with its worst outcome; a record without a
     * patient only when none names one. */
    struct audit_record *same = queued_for(req, patient_id);
    if (!same && !patient_id && req->read_count > 0)
        return;
    if (same) {
        struct arena *a = req->arena;
        bool named = !same->patient_id && patient_id;
        if (named)
            same->patient_id = arena_strdup(a, patient_id);
        if (outcome < same->outcome || (outcome == same->outcome && !named))
            return; /* the record already says as much */
        same->outcome = outcome;
        same->event_id = arena_strdup(a, event_id);
        same->object_type = arena_strdup(a, object_type);
        same->object_id = arena_strdup(a, object_id);
        same->detail = arena_strdup(a, detail);
        return;
    }
    if (req->read_count == req->read_cap) {
        size_t cap = req->read_cap ? req->read_cap * 2 : 4;
        struct audit_record *recs = arena_alloc(req->arena, cap * sizeof(*recs));
        if (req->read_count)
            memcpy(recs, req->reads, req->read_count * sizeof(*recs));
        req->reads = recs;
        req->read_cap = cap;
    }
    const struct principal *p = &req->principal;
    struct arena *a = req->arena;
    req->reads[req->read_count++] = (struct audit_record){
        .event_id = arena_strdup(a, event_id),
        .action = req->route ? req->route->action : 'R',
        .outcome = outcome,
        .user_id = p->user_id[0] ? arena_strdup(a, p->user_id) : NULL,
        .user_login = p->login[0] ? arena_strdup(a, p->login) : NULL,
        .org_id = p->org_id[0] ? arena_strdup(a, p->org_id) : NULL,
        .client = req->client,
        .patient_id = arena_strdup(a, patient_id),
        .object_type = arena_strdup(a, object_type),
        .object_id = arena_strdup(a, object_id),
        .request_id = req->request_id,
        .detail = arena_strdup(a, detail),
    };
}

bool request_require_org(struct error *err, struct request *req)
{
    return req->principal.org_id[0] ? true : error_set(err, ERR_NO_ORG, NULL);
}

static bool parse_count(const char *s, int64_t max, int64_t *out)
{
    if (!s || !*s || strlen(s) > 9)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

bool request_page(struct error *err, struct request *req, int64_t *limit, int64_t *offset)
{
    const char *l = request_query(req, "limit"), *c = request_query(req, "cursor");
    *limit = 50;
    *offset = 0;
    if (l && (!parse_count(l, 100, limit) || *limit < 1))
        return error_set(err, ERR_BAD_QUERY, "limit must be 1 to 100");
    if (c && !parse_count(c, 100000000, offset))
        return error_set(err, ERR_BAD_QUERY, "invalid cursor");
    return true;
}

json_t *request_page_body(struct request *req, json_t *items, int64_t offset, int64_t limit,
                          bool has_more)
{
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    json_object_set_new(
        body, "next_cursor",
        has_more ? json_string(arena_printf(req->arena, "%lld", (long long)(offset + limit)))
                 : json_null());
    return body;
}

void request_publish_after_commit(struct request *req, const char *topic, const char *org_id,
                                  const char *json_data)
{
    struct request_event *e = arena_alloc(req->arena, sizeof(*e));
    e->topic = arena_strdup(req->arena, topic);
    e->org_id = org_id ? arena_strdup(req->arena, org_id) : NULL;
    e->data = arena_strdup(req->arena, json_data);
    e->next = NULL;
    if (!req->events_tail)
        req->events_tail = &req->events;
    *req->events_tail = e;
    req->events_tail = &e->next;
}

void request_publish_flush(struct request *req)
{
    for (struct request_event *e = req->events; e; e = e->next)
        events_publish(e->topic, e->org_id, e->data);
    req->events = NULL;
    req->events_tail = NULL;
}
