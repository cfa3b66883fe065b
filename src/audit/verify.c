/* SPDX-License-Identifier: Apache-2.0 */
/* tsunagu audit verify: the log's chain, and the index against the log (audit_int.h). */
#include <stdio.h>
#include <string.h>

#include "audit_int.h"

static const char sql_walk[] =
    "SELECT seq, time, event_id, action, outcome, user_id, user_login, org_id, client, "
    "patient_id, object_type, object_id, request_id, detail, prev_hash, hash "
    "FROM audit ORDER BY seq";

struct walk {
    struct audit_verify_result *res;
    struct error *err;
    struct store_stmt *index; /* stepping through the index in seq order */
    bool index_row;           /* index holds a current row */
    off_t indexed;            /* the log is indexed up to here */
    int64_t expected;
    char prev[65];
    bool broken, failed;
};

static bool broken(struct walk *w, int64_t seq, const char *why)
{
    w->res->bad_seq = seq;
    snprintf(w->res->reason, sizeof(w->res->reason), "%s", why);
    w->broken = true;
    return false;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The index row the cursor is on against the log's record: every field and the hashes. */
static bool index_matches(struct store_stmt *s, const struct audit_line *l)
{
    const char *action = store_text(s, 3);
    const struct audit_record *r = &l->rec;
    return same(store_text(s, 1), l->time) && same(store_text(s, 2), r->event_id) && action &&
           action[0] == r->action && !action[1] && store_int(s, 4) == (int64_t)r->outcome &&
           same(store_text(s, 5), r->user_id) && same(store_text(s, 6), r->user_login) &&
           same(store_text(s, 7), r->org_id) && same(store_text(s, 8), r->client) &&
           same(store_text(s, 9), r->patient_id) && same(store_text(s, 10), r->object_type) &&
           same(store_text(s, 11), r->object_id) && same(store_text(s, 12), r->request_id) &&
           same(store_text(s, 13), r->detail) && same(store_text(s, 14), l->prev) &&
           same(store_text(s, 15), l->hash);
}

static bool index_next(struct walk *w)
{
    enum store_step_result r = store_step(w->err, w->index);
    if (r == STORE_FAIL)
        w->failed = true;
    w->index_row = r == STORE_ROW;
    return r != STORE_FAIL;
}

/* The log's record at `next` against the index: in it, the same, and nothing left out before. */
static bool check_index(struct walk *w, const struct audit_line *l, off_t next)
{
    if (w->index_row && store_int(w->index, 0) < l->seq)
        return broken(w, store_int(w->index, 0),
                      "the index holds a record the log does not (index changed or log cut)");
    if (!w->index_row || store_int(w->index, 0) > l->seq) {
        if (next <= w->indexed)
            return broken(w, l->seq, "record missing from the index (index changed)");
        w->res->unindexed++;
        return true;
    }
    if (!index_matches(w->index, l))
        return broken(w, l->seq, "the index differs from the log's record (index changed)");
    return index_next(w);
}

static bool check_line(void *arg, const char *text, size_t len, off_t next)
{
    struct walk *w = arg;
    struct audit_line l;
    if (!audit_line_parse(text, len, &l))
        return broken(w, w->expected, "unreadable record in the log (log changed)");
    bool ok = true;
    char computed[65];
    if (l.seq != w->expected)
        ok = broken(w, w->expected,
                    l.seq > w->expected ? "record missing (gap in sequence)"
                                        : "record out of order");
    else if (strcmp(l.prev, w->prev) != 0)
        ok = broken(w, l.seq,
                    "previous-hash link does not match (record inserted, removed or reordered)");
    else if (audit_hash(w->prev, l.seq, l.time, &l.rec, computed), strcmp(computed, l.hash) != 0)
        ok = broken(w, l.seq, "record content does not match its hash (record changed)");
    else
        ok = check_index(w, &l, next);
    if (ok) {
        snprintf(w->prev, sizeof(w->prev), "%s", l.hash);
        w->expected++;
        w->res->records++;
    }
    audit_line_free(&l);
    return ok;
}

bool audit_verify(struct error *err, struct store_conn *conn, struct audit_verify_result *res)
{
    memset(res, 0, sizeof(*res));
    struct walk w = {.res = res, .err = err, .expected = 1};
    memcpy(w.prev, audit_genesis_hash, 65);
    struct audit_log *log = audit_log_of(err, store_data_dir(store_of(conn)));
    off_t end;
    if (!log || !audit_log_durable_end(err, log, &end) ||
        !audit_index_offset(err, conn, &w.indexed))
        return false;
    w.index = store_query(err, conn, sql_walk, "");
    if (!w.index)
        return false;
    bool ok = index_next(&w) && audit_log_scan(err, audit_log_path(log), 0, end, check_line, &w) &&
              !w.failed;
    if (ok && !w.broken && w.index_row)
        broken(&w, store_int(w.index, 0),
               w.expected == 1 ? "the index holds records but the log is empty (log removed, "
                                 "or not yet written out: start the server once)"
                               : "the index holds a record the log does not (index changed or "
                                 "log cut)");
    store_done(w.index);
    memcpy(res->head_hash, w.prev, 65);
    return ok && !w.broken;
}
