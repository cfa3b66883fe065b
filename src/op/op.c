/* SPDX-License-Identifier: Apache-2.0 */
#include "op.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "events/events.h"

void op_init(struct op *op, struct arena *arena, const struct op_env *env, struct store_conn *conn,
             const struct principal *p, enum op_source source, const char *client)
{
    *op = (struct op){.arena = arena,
                      .env = env,
                      .conn = conn,
                      .source = source,
                      .client = client,
                      .now_ms = clock_now_ms(),
                      .action = 'R'};
    if (p)
        op->principal = *p;
}

bool op_write_begin(struct error *err, struct op *op)
{
    if (op->writing)
        return true;
    if (store_in_txn(op->conn)) /* a read snapshot cannot become a write */
        return error_set(err, ERR_INTERNAL, "write in a read-only operation");
    if (!store_begin(err, op->conn, true))
        return false;
    op->writing = true;
    return true;
}

/* The principal's part of an audit record. */
static void record_who(const struct op *op, struct audit_record *rec, bool copy)
{
    const struct principal *p = &op->principal;
    rec->user_id = !p->user_id[0] ? NULL : copy ? arena_strdup(op->arena, p->user_id) : p->user_id;
    rec->user_login = !p->login[0] ? NULL : copy ? arena_strdup(op->arena, p->login) : p->login;
    rec->org_id = !p->org_id[0] ? NULL : copy ? arena_strdup(op->arena, p->org_id) : p->org_id;
    rec->client = op->client;
    rec->request_id = op->request_id;
}

bool op_audit(struct error *err, struct op *op, const char *event_id, char action,
              const char *patient_id, const char *object_type, const char *object_id,
              const char *detail)
{
    struct audit_record rec = {
        .event_id = event_id,
        .action = action,
        .outcome = AUDIT_SUCCESS,
        .patient_id = patient_id,
        .object_type = object_type,
        .object_id = object_id,
        .detail = detail,
    };
    record_who(op, &rec, false);
    if (!audit_append_txn(err, op->conn, &rec))
        return false;
    op->audited = true;
    return true;
}

static bool same_patient(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The record already queued that a record for patient_id joins: the one of the same patient, or
 * a record without a patient when this one names one. NULL when it is new. */
static struct audit_record *queued_for(struct op *op, const char *patient_id)
{
    for (size_t i = 0; i < op->read_count; i++)
        if (same_patient(op->reads[i].patient_id, patient_id))
            return &op->reads[i];
    for (size_t i = 0; patient_id && i < op->read_count; i++)
        if (!op->reads[i].patient_id)
            return &op->reads[i];
    return NULL;
}

bool op_audit_queued(const struct op *op, const char *patient_id)
{
    for (size_t i = 0; i < op->read_count; i++)
        if (same_patient(op->reads[i].patient_id, patient_id))
            return true;
    return false;
}

/* Makes same say the worse of what it said and the new record. */
static void read_join(struct op *op, struct audit_record *same, const char *event_id,
                      enum audit_outcome outcome, const char *patient_id, const char *object_type,
                      const char *object_id, const char *detail)
{
    struct arena *a = op->arena;
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
}

void op_audit_read(struct op *op, const char *event_id, enum audit_outcome outcome,
                   const char *patient_id, const char *object_type, const char *object_id,
                   const char *detail)
{
    struct audit_record *same = queued_for(op, patient_id);
    if (!same && !patient_id && op->read_count > 0)
        return;
    if (same) {
        read_join(op, same, event_id, outcome, patient_id, object_type, object_id, detail);
        return;
    }
    if (op->read_count == op->read_cap) {
        size_t cap = op->read_cap ? op->read_cap * 2 : 4;
        struct audit_record *recs = arena_alloc(op->arena, cap * sizeof(*recs));
        if (op->read_count)
            memcpy(recs, op->reads, op->read_count * sizeof(*recs));
        op->reads = recs;
        op->read_cap = cap;
    }
    struct arena *a = op->arena;
    struct audit_record *rec = &op->reads[op->read_count++];
    *rec = (struct audit_record){
        .event_id = arena_strdup(a, event_id),
        .action = op->action,
        .outcome = outcome,
        .patient_id = arena_strdup(a, patient_id),
        .object_type = arena_strdup(a, object_type),
        .object_id = arena_strdup(a, object_id),
        .detail = arena_strdup(a, detail),
    };
    record_who(op, rec, true);
}

static void publish_to(struct op *op, const char *topic, const char *org_id, const char *user_id,
                       const char *json_data)
{
    struct op_event *e = arena_alloc(op->arena, sizeof(*e));
    e->topic = arena_strdup(op->arena, topic);
    e->org_id = org_id ? arena_strdup(op->arena, org_id) : NULL;
    e->user_id = user_id ? arena_strdup(op->arena, user_id) : NULL;
    e->data = arena_strdup(op->arena, json_data);
    e->next = NULL;
    if (!op->events_tail)
        op->events_tail = &op->events;
    *op->events_tail = e;
    op->events_tail = &e->next;
}

void op_publish(struct op *op, const char *topic, const char *org_id, const char *json_data)
{
    publish_to(op, topic, org_id, NULL, json_data);
}

void op_publish_user_json(struct op *op, const char *topic, const char *org_id, const char *user_id,
                          json_t *data)
{
    char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
    json_decref(data);
    if (text)
        publish_to(op, topic, org_id, user_id, text);
    free(text);
}

void op_publish_json(struct op *op, const char *topic, const char *org_id, json_t *data)
{
    op_publish_user_json(op, topic, org_id, NULL, data);
}

void op_publish_flush(struct op *op)
{
    for (struct op_event *e = op->events; e; e = e->next)
        events_publish_user(e->topic, e->org_id, e->user_id, e->data);
    op->events = NULL;
    op->events_tail = NULL;
}

bool op_commit(struct error *err, struct op *op)
{
    bool ok = op->read_count == 0 || op_write_begin(err, op);
    for (size_t i = 0; ok && i < op->read_count; i++)
        ok = audit_append_txn(err, op->conn, &op->reads[i]);
    ok = ok && (!op->writing || store_commit(err, op->conn));
    if (!ok) {
        op_rollback(op);
        return false;
    }
    op->writing = false;
    op->read_count = 0;
    op_publish_flush(op);
    return true;
}

void op_rollback(struct op *op)
{
    if (op->writing)
        store_rollback(op->conn);
    op->writing = false;
    op->read_count = 0;
    op->events = NULL;
    op->events_tail = NULL;
}
