/* SPDX-License-Identifier: Apache-2.0 */
/* The audit index: the table audit, filled from the log (audit_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_int.h"
#include "core/log.h"
#include "core/strbuf.h"

static const char sql_insert[] =
    "INSERT INTO audit (seq, time, event_id, action, outcome, user_id, user_login, "
    "org_id, client, patient_id, object_type, object_id, request_id, detail, prev_hash, hash, "
    "committed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (seq) DO NOTHING";
static const char sql_state[] = "SELECT log_offset FROM audit_index_state WHERE id = 1";
static const char sql_set_state[] =
    "INSERT INTO audit_index_state (id, log_offset) VALUES (1, ?) "
    "ON CONFLICT (id) DO UPDATE SET log_offset = excluded.log_offset";

static bool insert_row(struct error *err, struct store_conn *conn, const struct audit_record *rec,
                       int64_t seq, const char *time, const char *prev, const char *hash,
                       bool committed)
{
    char action[2] = {rec->action, 0};
    return store_exec(err, conn, NULL, sql_insert,
                      "ittti"
                      "ttttttttttt"
                      "b",
                      seq, time, rec->event_id, action, (int64_t)rec->outcome, rec->user_id,
                      rec->user_login, rec->org_id, rec->client, rec->patient_id, rec->object_type,
                      rec->object_id, rec->request_id, rec->detail, prev, hash, committed);
}

bool audit_index_insert(struct error *err, struct store_conn *conn,
                        const struct audit_entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct audit_stamp *s = entries[i].stamp;
        if (!insert_row(err, conn, entries[i].rec, s->seq, s->time, s->prev, s->hash, true))
            return false;
    }
    return true;
}

/* ---- catching up ---------------------------------------------------------------------------- */

enum { BATCH_BYTES = 4 << 20 }; /* of log a transaction indexes at most (some 10,000 records) */

struct scan {
    struct store_conn *conn;
    struct error *err;
    off_t done; /* offset past the last indexed line */
    off_t limit;
    bool failed;
};

static bool index_line(void *arg, const char *text, size_t len, off_t next)
{
    struct scan *sc = arg;
    struct audit_line line;
    if (!audit_line_parse(text, len, &line)) {
        sc->failed = true;
        error_set(sc->err, ERR_AUDIT, "the audit log has an unreadable record at byte %lld",
                  (long long)(next - (off_t)len - 1));
        return false;
    }
    /* A txn record is already in the index if its transaction committed (the row is kept); one
     * still missing is of a transaction that ended without committing: nobody else holds the
     * write lock while this runs. */
    bool ok = insert_row(sc->err, sc->conn, &line.rec, line.seq, line.time, line.prev, line.hash,
                         !line.txn);
    audit_line_free(&line);
    if (!ok) {
        sc->failed = true;
        return false;
    }
    sc->done = next;
    return sc->done < sc->limit;
}

bool audit_index_offset(struct error *err, struct store_conn *conn, off_t *offset)
{
    struct store_stmt *s = store_query(err, conn, sql_state, "");
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *offset = r == STORE_ROW ? (off_t)store_int(s, 0) : 0;
    store_done(s);
    return r != STORE_FAIL;
}

/* ---- a trail kept in the database by an earlier version ----------------------------------- */

static const char sql_rows[] =
    "SELECT seq, time, event_id, action, outcome, user_id, user_login, org_id, client, "
    "patient_id, object_type, object_id, request_id, detail, prev_hash, hash FROM audit "
    "ORDER BY seq";

static bool write_all(int fd, const char *p, size_t n, off_t at)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, at);
        if (w <= 0)
            return false;
        p += w, n -= (size_t)w, at += w;
    }
    return true;
}

struct seed {
    struct store_conn *conn;
    off_t written;
};

static bool seed_locked(struct error *err, int fd, off_t end, void *arg)
{
    struct seed *sd = arg;
    if (end != 0)
        return true; /* someone wrote the log meanwhile */
    struct store_stmt *s = store_query(err, sd->conn, sql_rows, "");
    if (!s)
        return false;
    struct strbuf sb = {0};
    off_t at = 0;
    bool ok = true;
    enum store_step_result r = STORE_DONE;
    while (ok && (r = store_step(err, s)) == STORE_ROW) {
        const char *action = store_text(s, 3);
        struct audit_record rec = {
            .event_id = store_text(s, 2),
            .action = action ? action[0] : 0,
            .outcome = (enum audit_outcome)store_int(s, 4),
            .user_id = store_text(s, 5),
            .user_login = store_text(s, 6),
            .org_id = store_text(s, 7),
            .client = store_text(s, 8),
            .patient_id = store_text(s, 9),
            .object_type = store_text(s, 10),
            .object_id = store_text(s, 11),
            .request_id = store_text(s, 12),
            .detail = store_text(s, 13),
        };
        struct audit_stamp st = {.seq = store_int(s, 0)};
        snprintf(st.time, sizeof(st.time), "%s", store_text(s, 1));
        snprintf(st.prev, sizeof(st.prev), "%s", store_text(s, 14));
        snprintf(st.hash, sizeof(st.hash), "%s", store_text(s, 15));
        audit_line_format(&sb, &rec, &st, false);
        if (sb.len > (1u << 20)) {
            ok = write_all(fd, sb.buf, sb.len, at);
            at += (off_t)sb.len;
            sb.len = 0;
        }
    }
    store_done(s);
    ok = ok && r != STORE_FAIL && write_all(fd, sb.buf, sb.len, at) && fdatasync(fd) == 0;
    at += (off_t)sb.len;
    strbuf_release(&sb);
    if (!ok)
        return error_set(err, ERR_AUDIT, "cannot write the audit trail out to its log");
    sd->written = at;
    return true;
}

/* Writes the index's records out to the empty log (inside the caller's write transaction) and
 * notes them as indexed. */
static bool seed_log(struct error *err, struct store_conn *conn, struct audit_log *log,
                     off_t *reached)
{
    struct store_stmt *s = store_query(err, conn, "SELECT count(*) FROM audit", "");
    if (!s)
        return false;
    int64_t rows = store_step(err, s) == STORE_ROW ? store_int(s, 0) : 0;
    store_done(s);
    if (rows == 0)
        return true;
    struct seed sd = {.conn = conn};
    if (!audit_log_locked(err, log, seed_locked, &sd))
        return false;
    log_msg(LOG_INFO, "audit.log_seeded", "%lld records written out to %s", (long long)rows,
            audit_log_path(log));
    *reached = sd.written;
    return store_exec(err, conn, NULL, sql_set_state, "i", (int64_t)sd.written);
}

/* One transaction's worth: false on failure; *more when the log has more to index. */
static bool catch_up_once(struct error *err, struct store_conn *conn, struct audit_log *log,
                          bool *more, off_t *reached)
{
    *more = false;
    off_t offset, end;
    if (!store_begin(err, conn, true))
        return false;
    if (!audit_index_offset(err, conn, &offset) || !audit_log_durable_end(err, log, &end))
        goto fail;
    *reached = offset;
    if (end == 0 && offset == 0) {
        if (!seed_log(err, conn, log, reached))
            goto fail;
        return store_commit(err, conn);
    }
    if (end < offset) {
        error_set(err, ERR_AUDIT,
                  "the audit log is shorter (%lld bytes) than what was indexed "
                  "(%lld): it was cut or replaced",
                  (long long)end, (long long)offset);
        goto fail;
    }
    if (end == offset) {
        store_rollback(conn);
        return true;
    }
    struct scan sc = {.conn = conn, .err = err, .done = offset, .limit = offset + BATCH_BYTES};
    if (!audit_log_scan(err, audit_log_path(log), offset, end, index_line, &sc) || sc.failed)
        goto fail;
    if (sc.done == offset) {
        store_rollback(conn);
        return true;
    }
    if (!store_exec(err, conn, NULL, sql_set_state, "i", (int64_t)sc.done))
        goto fail;
    *more = sc.done < end;
    *reached = sc.done;
    return store_commit(err, conn);
fail:
    store_rollback(conn);
    return false;
}

bool audit_index_catch_up(struct error *err, struct store_conn *conn, struct audit_log *log,
                          off_t *reached)
{
    bool more = true;
    while (more)
        if (!catch_up_once(err, conn, log, &more, reached))
            return false;
    return true;
}
