/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"

const char audit_genesis_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void hash_field(crypto_hash_sha256_state *st, const char *s)
{
    /* A field is its length-prefixed bytes, so no choice of values can shift a boundary; NULL
     * differs from the empty string. */
    char len[24];
    int n = s ? snprintf(len, sizeof(len), "%zu:", strlen(s)) : snprintf(len, sizeof(len), "-:");
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
    if (s)
        crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
}

void audit_hash(const char *prev_hash, int64_t seq, const char *time,
                const struct audit_record *rec, char out[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    char buf[48];
    char action[2] = {rec->action, 0};
    hash_field(&st, prev_hash);
    snprintf(buf, sizeof(buf), "%lld", (long long)seq);
    hash_field(&st, buf);
    hash_field(&st, time);
    hash_field(&st, rec->event_id);
    hash_field(&st, action);
    snprintf(buf, sizeof(buf), "%d", (int)rec->outcome);
    hash_field(&st, buf);
    hash_field(&st, rec->user_id);
    hash_field(&st, rec->user_login);
    hash_field(&st, rec->org_id);
    hash_field(&st, rec->client);
    hash_field(&st, rec->patient_id);
    hash_field(&st, rec->object_type);
    hash_field(&st, rec->object_id);
    hash_field(&st, rec->request_id);
    hash_field(&st, rec->detail);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

static const char sql_head[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
static const char sql_insert[] =
    "INSERT INTO audit (seq, time, event_id, action, outcome, user_id, user_login, org_id, "
    "client, patient_id, object_type, object_id, request_id, detail, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static bool chain_head(struct error *err, struct store_conn *conn, int64_t *seq, char hash[65])
{
    struct store_stmt *s = store_query(err, conn, sql_head, "");
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        *seq = store_int(s, 0);
        snprintf(hash, 65, "%s", store_text(s, 1));
    } else {
        *seq = 0;
        memcpy(hash, audit_genesis_hash, 65);
    }
    store_done(s);
    return r != STORE_FAIL;
}

static bool insert_after(struct error *err, struct store_conn *conn, int64_t *seq, char hash[65],
                         const struct audit_record *rec)
{
    char now[32], next[65];
    clock_format_iso(clock_now_ms(), now);
    int64_t n = *seq + 1;
    audit_hash(hash, n, now, rec, next);
    char action[2] = {rec->action, 0};
    if (!store_exec(err, conn, NULL, sql_insert,
                    "ittti"
                    "ttttttttttt",
                    n, now, rec->event_id, action, (int64_t)rec->outcome, rec->user_id,
                    rec->user_login, rec->org_id, rec->client, rec->patient_id, rec->object_type,
                    rec->object_id, rec->request_id, rec->detail, hash, next))
        return false;
    *seq = n;
    memcpy(hash, next, 65);
    return true;
}

/* A failed append fails the request as ERR_AUDIT, unless the store said why writes fail (no
 * room, a read-only file system): that is what an administrator must be told. */
static enum error_code failure_code(const struct error *e)
{
    return e->code == ERR_STORE_FULL || e->code == ERR_STORE_READONLY ? e->code : ERR_AUDIT;
}

static _Atomic int last_failure = ERR_AUDIT;

enum error_code audit_failure_code(void)
{
    return (enum error_code)atomic_load(&last_failure);
}

bool audit_append_txn(struct error *err, struct store_conn *conn, const struct audit_record *rec)
{
    struct error e = {0};
    int64_t seq;
    char hash[65];
    if (!chain_head(&e, conn, &seq, hash) || !insert_after(&e, conn, &seq, hash, rec)) {
        log_msg(LOG_ERROR, "audit.append_failed", "%s", e.detail);
        return error_set(err, failure_code(&e), "%s", e.detail);
    }
    return true;
}

static bool append_batch(struct error *err, struct store_conn *conn,
                         const struct audit_record *const *recs, size_t n)
{
    struct error e = {0};
    int64_t seq;
    char hash[65];
    if (!store_begin(&e, conn, true))
        goto fail;
    if (!chain_head(&e, conn, &seq, hash))
        goto fail_rollback;
    for (size_t i = 0; i < n; i++)
        if (!insert_after(&e, conn, &seq, hash, recs[i]))
            goto fail_rollback;
    if (!store_commit(&e, conn))
        goto fail;
    return true;
fail_rollback:
    store_rollback(conn);
fail:
    log_msg(LOG_ERROR, "audit.append_failed", "%s", e.detail);
    atomic_store(&last_failure, (int)failure_code(&e));
    return error_set(err, failure_code(&e), "%s", e.detail);
}

/* Group commit: callers queue their records and sleep; the writer thread takes everything queued,
 * appends it in one transaction and wakes them. The batches form by themselves: what arrives
 * while a commit runs goes into the next one. The writer never waits for company: holding a batch
 * open for up to 1 ms (as it once did) halved WADO-RS throughput at 8 connections and cost the
 * patient read at 64 connections 10 %, because every waiting request then waited that long too. */
struct waiter {
    struct waiter *next;
    const struct audit_record *recs;
    size_t n;
    audit_done_fn done_fn; /* asynchronous waiter, or NULL for a blocked thread */
    void *done_arg;
    bool done;
    bool ok;
    pthread_cond_t wake; /* one per blocked waiter: a batch wakes only its own requests */
};
_Static_assert(sizeof(struct waiter) <= sizeof(struct audit_ticket), "audit_ticket too small");

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake_writer;
    pthread_t thread;
    struct store_conn *conn;
    struct waiter *head, **tail;
    bool running, stopping;
} writer = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake_writer = PTHREAD_COND_INITIALIZER,
};

static void write_group(struct waiter *group)
{
    size_t total = 0;
    for (struct waiter *w = group; w; w = w->next)
        total += w->n;
    const struct audit_record **all = malloc(total * sizeof(*all) + 1);
    size_t k = 0;
    for (struct waiter *w = group; all && w; w = w->next)
        for (size_t i = 0; i < w->n; i++)
            all[k++] = &w->recs[i];
    bool ok = all && append_batch(NULL, writer.conn, all, total);
    free(all);
    /* A blocked waiter's frame may be gone as soon as it is woken, and an asynchronous one's
     * memory as soon as its callback runs: touch neither afterwards. Asynchronous waiters are
     * moved to a list of their own under the lock and called after it is released. */
    struct waiter *async_head = NULL, **async_tail = &async_head;
    pthread_mutex_lock(&writer.lock);
    for (struct waiter *w = group, *next; w; w = next) {
        next = w->next;
        if (w->done_fn) {
            w->next = NULL;
            *async_tail = w;
            async_tail = &w->next;
            continue;
        }
        w->ok = ok;
        w->done = true;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&writer.lock);
    for (struct waiter *w = async_head, *next; w; w = next) {
        next = w->next;
        w->done_fn(w->done_arg, ok);
    }
}

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&writer.lock);
    for (;;) {
        while (!writer.head && !writer.stopping)
            pthread_cond_wait(&writer.wake_writer, &writer.lock);
        if (!writer.head && writer.stopping)
            break;
        struct waiter *group = writer.head;
        writer.head = NULL;
        writer.tail = &writer.head;
        pthread_mutex_unlock(&writer.lock);
        write_group(group);
        pthread_mutex_lock(&writer.lock);
    }
    pthread_mutex_unlock(&writer.lock);
    return NULL;
}

bool audit_writer_start(struct error *err, struct store *st)
{
    writer.conn = store_conn_open(err, st);
    if (!writer.conn)
        return false;
    writer.head = NULL;
    writer.tail = &writer.head;
    writer.stopping = false;
    if (pthread_create(&writer.thread, NULL, writer_main, NULL) != 0) {
        store_conn_free(writer.conn);
        writer.conn = NULL;
        return error_set(err, ERR_INTERNAL, "cannot start the audit writer");
    }
    writer.running = true;
    return true;
}

void audit_writer_stop(void)
{
    if (!writer.running)
        return;
    pthread_mutex_lock(&writer.lock);
    writer.stopping = true;
    pthread_cond_signal(&writer.wake_writer);
    pthread_mutex_unlock(&writer.lock);
    pthread_join(writer.thread, NULL);
    store_conn_free(writer.conn);
    writer.conn = NULL;
    writer.running = false;
}

static bool append_direct(struct error *err, struct store *st, const struct audit_record *recs,
                          size_t n)
{
    struct store_conn *conn = store_conn_get(err, st);
    if (!conn)
        return error_set(err, ERR_AUDIT, "no store connection");
    const struct audit_record **all = malloc(n * sizeof(*all));
    if (!all)
        return error_set(err, ERR_AUDIT, "out of memory");
    for (size_t i = 0; i < n; i++)
        all[i] = &recs[i];
    bool ok = append_batch(err, conn, all, n);
    free(all);
    return ok;
}

void audit_append_async(struct store *st, const struct audit_record *recs, size_t n,
                        struct audit_ticket *ticket, audit_done_fn done, void *arg)
{
    pthread_mutex_lock(&writer.lock);
    if (!writer.running || writer.stopping || n == 0) {
        pthread_mutex_unlock(&writer.lock);
        done(arg, n == 0 || append_direct(NULL, st, recs, n));
        return;
    }
    struct waiter *w = (struct waiter *)ticket;
    *w = (struct waiter){.recs = recs, .n = n, .done_fn = done, .done_arg = arg};
    *writer.tail = w;
    writer.tail = &w->next;
    pthread_cond_signal(&writer.wake_writer);
    pthread_mutex_unlock(&writer.lock);
}

bool audit_append_durable(struct error *err, struct store *st, const struct audit_record *recs,
                          size_t n)
{
    if (n == 0)
        return true;
    if (!writer.running)
        return append_direct(err, st, recs, n);
    struct waiter w = {.recs = recs, .n = n};
    pthread_cond_init(&w.wake, NULL);
    pthread_mutex_lock(&writer.lock);
    if (writer.stopping) {
        pthread_mutex_unlock(&writer.lock);
        pthread_cond_destroy(&w.wake);
        return error_set(err, ERR_AUDIT, "audit writer stopping");
    }
    *writer.tail = &w;
    writer.tail = &w.next;
    pthread_cond_signal(&writer.wake_writer);
    while (!w.done)
        pthread_cond_wait(&w.wake, &writer.lock);
    pthread_mutex_unlock(&writer.lock);
    pthread_cond_destroy(&w.wake);
    return w.ok ? true : error_set(err, audit_failure_code(), "group commit failed");
}
