/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_OP_OP_H
#define TSUNAGU_OP_OP_H

/*
 * One unit of work on the store on behalf of a principal: what every domain function takes, so
 * that the same write runs from an HTTP request, the command line, a background job or the demo
 * loader. An op carries its connection and transaction, who acts, "now" (one clock for every row
 * it writes), the audit records of what it read, and the events to publish once its writes have
 * committed. HTTP requests embed one (struct request.op); other callers start their own with
 * op_init and end it with op_commit or op_rollback.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "blobs/blobs.h"
#include "core/arena.h"
#include "core/errors.h"
#include "store/store.h"

/** What an operation may use besides its connection: objects and settings shared by the whole
 *  program (read-only once set up). */
struct op_env {
    struct store *store;
    struct blobs *blobs;         /* content-addressed files (Binary content) */
    int64_t emergency_access_ms; /* how long an emergency (break-the-glass) grant lasts */
    int64_t status_stale_ms;     /* directory status older than this is stale */
    int64_t referral_share_ms;   /* how long a referral opens the record to its receiver */
    const char *letter_font;     /* font file of the referral letter PDF; NULL: defaults */
};

/** Where an operation comes from (its audit records say it through op.client). */
enum op_source {
    OP_HTTP,
    OP_CLI,
    OP_JOB,
    OP_DEMO,
};

/** An event to publish once the op's transaction has committed (arena-owned). */
struct op_event {
    struct op_event *next;
    const char *topic;
    const char *org_id;  /* audience, or NULL for everyone */
    const char *user_id; /* narrower audience: one member of org_id, or NULL */
    const char *data;    /* JSON text */
};

struct op {
    struct arena *arena; /* everything the op allocates; freed by its owner */
    const struct op_env *env;
    struct store_conn *conn;
    struct principal principal; /* who acts */
    enum op_source source;
    const char *client;         /* for the audit: the client address, or "cli", "demo", a job */
    const char *request_id;     /* for the audit, or NULL */
    int64_t now_ms;             /* "now" for everything the op writes */
    char action;                /* the audit action of its read records (C R U D E) */
    bool writing;               /* the write transaction is open (op_write_begin) */
    bool audited;               /* op_audit appended a record in the transaction */
    struct audit_record *reads; /* queued read records (op_audit_read), arena-owned */
    size_t read_count, read_cap;
    struct op_event *events, **events_tail; /* published after a successful commit */
};

/**
 * Starts op on conn for principal p (copied; NULL for nobody) at the program's clock. arena
 * and env are borrowed and must outlive op; client names the caller in audit records.
 */
void op_init(struct op *op, struct arena *arena, const struct op_env *env, struct store_conn *conn,
             const struct principal *p, enum op_source source, const char *client);

/** Opens the op's write transaction (once; later calls do nothing). Fails if a read transaction
 *  is open on the connection (a read snapshot cannot become a write). */
bool op_write_begin(struct error *err, struct op *op);

/** Appends an audit record inside the open write transaction (marks the op audited). */
bool op_audit(struct error *err, struct op *op, const char *event_id, char action,
              const char *patient_id, const char *object_type, const char *object_id,
              const char *detail);

/** Queues a read's audit record. An op leaves one record per patient it touched, with the worst
 *  outcome (a second record for the same patient updates the first), and a record without a
 *  patient only when none names one. The strings are copied. */
void op_audit_read(struct op *op, const char *event_id, enum audit_outcome outcome,
                   const char *patient_id, const char *object_type, const char *object_id,
                   const char *detail);
/** Whether a read record naming patient_id is queued already. */
bool op_audit_queued(const struct op *op, const char *patient_id);

/** Publishes an event (events/events.h) once the op's writes have committed; dropped if the op
 *  fails. json_data is copied. Never publish uncommitted data directly. */
void op_publish(struct op *op, const char *topic, const char *org_id, const char *json_data);
/** op_publish of a JSON value, which it takes over (NULL: nothing is published). */
void op_publish_json(struct op *op, const char *topic, const char *org_id, json_t *data);
/** op_publish_json to one member user_id of organisation org_id only (events_publish_user). */
void op_publish_user_json(struct op *op, const char *topic, const char *org_id, const char *user_id,
                          json_t *data);
/** Publishes the queued events (after the commit). */
void op_publish_flush(struct op *op);

/**
 * Ends an op outside HTTP: appends its queued read records and commits its writes in one
 * transaction, then publishes its events. On failure everything is rolled back.
 */
bool op_commit(struct error *err, struct op *op);
/** Ends an op outside HTTP without its writes, read records or events. */
void op_rollback(struct op *op);

#endif
