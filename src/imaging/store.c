/* SPDX-License-Identifier: Apache-2.0 */
/* Storing instances: parse and check each one, write its bytes to the blob store, make the
 * batch's bytes durable in one pass, then index it in the op's write transaction (index.c). An
 * instance that fails leaves nothing; the others go on. */
#include <stdio.h>
#include <string.h>

#include "dicom/dicom.h"
#include "imaging_int.h"

/* Limits for one instance beyond the parser's defaults: a deflated data set may not inflate
 * past this (the request body itself is bounded by --dicomweb-body-limit). */
enum { STORE_MAX_INFLATED = 256 * 1024 * 1024 };

struct imaging_pending {
    struct imaging_pending *next;
    struct imaging_attrs a;
    char key[BLOB_KEY_LEN];
    size_t size;
    struct imaging_stored *out;
    bool audited;
};

struct imaging_batch {
    struct op *op;
    const char *patient_id, *study_uid; /* the options, copied */
    struct blobs_batch *blobs;
    struct imaging_pending *first, **tail;
};

static void blobs_batch_cleanup(void *batch)
{
    blobs_batch_free(batch);
}

struct imaging_batch *imaging_batch_new(struct error *err, struct op *op,
                                        const struct imaging_store_opts *opts)
{
    struct imaging_batch *b = arena_alloc(op->arena, sizeof(*b));
    memset(b, 0, sizeof(*b));
    b->op = op;
    b->tail = &b->first;
    if (opts && opts->patient_id)
        b->patient_id = arena_strdup(op->arena, opts->patient_id);
    if (opts && opts->study_uid)
        b->study_uid = arena_strdup(op->arena, opts->study_uid);
    b->blobs = blobs_batch_new(err, op->env->blobs);
    if (!b->blobs)
        return NULL;
    arena_cleanup_add(op->arena, blobs_batch_cleanup, b->blobs);
    return b;
}

/* Refuses the instance: out says why; returns false for `return refuse(...)`. */
static bool refuse(struct imaging_stored *out, const struct error *e, uint16_t status,
                   struct arena *arena)
{
    out->outcome = IMAGING_FAILED;
    out->status = status;
    out->code = e->code;
    out->reason = e->detail[0] ? arena_strdup(arena, e->detail) : error_message(e->code, true);
    return false;
}

/* Part 10 only (PS3.18 §10.5: application/dicom is a PS3.10 file): a preamble with "DICM" or at
 * least a File Meta group. */
static bool looks_like_part10(const uint8_t *p, size_t len)
{
    if (len >= 132 && memcmp(p + 128, "DICM", 4) == 0)
        return true;
    return len >= 8 && p[0] == 0x02 && p[1] == 0x00; /* (0002,xxxx) little endian */
}

static void copy_uid(char dst[IMAGING_UID_MAX + 1], const char *src)
{
    snprintf(dst, IMAGING_UID_MAX + 1, "%s", src && dicom_uid_valid(src) ? src : "");
}

/* Parses and reads the attributes; fills out's UIDs with what could be read. */
static bool parse(struct error *err, struct imaging_batch *b, const uint8_t *bytes, size_t len,
                  struct imaging_attrs *a, struct imaging_stored *out)
{
    struct arena *arena = b->op->arena;
    struct error e = {0};
    if (!looks_like_part10(bytes, len)) {
        error_set(&e, ERR_IMAGING_NOT_DICOM, "no DICM prefix or File Meta (PS3.10 7.1)");
        refuse(out, &e, IMAGING_STATUS_CANNOT_UNDERSTAND, arena);
        return error_set(err, e.code, "%s", e.detail);
    }
    struct dicom_limits limits = {.max_inflated = STORE_MAX_INFLATED};
    struct dicom_file *f = NULL;
    if (!dicom_parse(&e, bytes, len, &limits, &f)) {
        if (e.code != ERR_NOMEM)
            e.code = ERR_IMAGING_INVALID;
        refuse(out, &e,
               e.code == ERR_NOMEM ? IMAGING_STATUS_OUT_OF_RESOURCES
                                   : IMAGING_STATUS_CANNOT_UNDERSTAND,
               arena);
        return error_set(err, e.code, "%s", e.detail);
    }
    copy_uid(out->sop_class_uid, f->sop_class_uid);
    copy_uid(out->sop_instance_uid, f->sop_instance_uid);
    copy_uid(out->transfer_syntax_uid, f->transfer_syntax);
    bool ok = imaging_attrs_read(&e, arena, f, a);
    dicom_free(f);
    if (!ok) {
        refuse(out, &e, IMAGING_STATUS_CANNOT_UNDERSTAND, arena);
        return error_set(err, e.code, "%s", e.detail);
    }
    copy_uid(out->sop_class_uid, a->sop_class_uid);
    copy_uid(out->sop_instance_uid, a->sop_instance_uid);
    copy_uid(out->study_uid, a->study_uid);
    copy_uid(out->series_uid, a->series_uid);
    return true;
}

/* Whether the instance is stored already: *found, and *same when with these bytes. */
static bool stored_before(struct error *err, struct store_conn *conn, const char *sop_uid,
                          const char *key, bool *found, bool *same)
{
    *found = *same = false;
    struct store_stmt *s =
        store_query(err, conn, "SELECT blob_key FROM imaging_instances WHERE sop_instance_uid = ?",
                    "t", sop_uid);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        *found = true;
        *same = strcmp(store_text(s, 0), key) == 0;
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* The answer for an instance stored before: idempotent with the same bytes, refused with others. */
static bool known_instance(struct error *err, struct imaging_stored *out, bool same,
                           struct arena *arena)
{
    if (same) {
        out->outcome = IMAGING_DUPLICATE;
        return true;
    }
    struct error e = {0};
    error_set(&e, ERR_IMAGING_CONFLICT,
              "SOP Instance UID %s is stored already with different content; an instance is "
              "never replaced",
              out->sop_instance_uid);
    refuse(out, &e, IMAGING_STATUS_DUPLICATE, arena);
    return error_set(err, e.code, "%s", e.detail);
}

bool imaging_batch_add(struct error *err, struct imaging_batch *b, const void *bytes, size_t len,
                       struct imaging_stored *out, bool *fatal)
{
    memset(out, 0, sizeof(*out));
    *fatal = false;
    struct imaging_attrs a;
    if (!parse(err, b, bytes, len, &a, out))
        return false;
    if (b->study_uid && strcmp(b->study_uid, a.study_uid) != 0) {
        struct error e = {0};
        error_set(&e, ERR_IMAGING_WRONG_STUDY, "StudyInstanceUID %s is not %s of the URL",
                  a.study_uid, b->study_uid);
        refuse(out, &e, IMAGING_STATUS_MISMATCH, b->op->arena);
        return error_set(err, e.code, "%s", e.detail);
    }
    struct imaging_pending *p = arena_alloc(b->op->arena, sizeof(*p));
    memset(p, 0, sizeof(*p));
    bool found, same;
    struct error e = {0};
    if (!imaging_index_precheck(&e, b->op, &a, b->patient_id, out)) {
        *fatal = true;
        refuse(out, &e, IMAGING_STATUS_OUT_OF_RESOURCES, b->op->arena);
        return error_set(err, e.code, "%s", e.detail);
    }
    if (out->outcome == IMAGING_FAILED) /* does not fit its study: nothing written */
        return error_set(err, out->code, "%s", out->reason);
    if (!blobs_batch_put(&e, b->blobs, bytes, len, p->key) ||
        !stored_before(&e, b->op->conn, a.sop_instance_uid, p->key, &found, &same)) {
        *fatal = true;
        refuse(out, &e, IMAGING_STATUS_OUT_OF_RESOURCES, b->op->arena);
        return error_set(err, e.code, "%s", e.detail);
    }
    if (found) { /* answered now; the commit looks again under the write lock */
        if (!same)
            blobs_batch_drop(b->blobs, p->key); /* refused: its bytes are not kept */
        return known_instance(err, out, same, b->op->arena);
    }
    p->a = a;
    p->size = len;
    p->out = out;
    out->outcome = IMAGING_STORED;
    *b->tail = p;
    b->tail = &p->next;
    return true;
}

/* One audit record per study the batch stored instances of, in the write transaction. */
static bool audit(struct error *err, struct imaging_batch *b)
{
    for (struct imaging_pending *p = b->first; p; p = p->next) {
        if (p->out->outcome != IMAGING_STORED || p->audited)
            continue;
        int n = 0;
        for (struct imaging_pending *q = p; q; q = q->next)
            if (q->out->outcome == IMAGING_STORED && strcmp(q->a.study_uid, p->a.study_uid) == 0) {
                q->audited = true;
                n++;
            }
        const char *detail = arena_printf(b->op->arena, "%d instance(s) stored%s", n,
                                          p->out->waiting ? ", study waiting for a patient" : "");
        if (!op_audit(err, b->op, "imaging.store", 'C',
                      p->out->patient_id[0] ? p->out->patient_id : NULL, "study", p->a.study_uid,
                      detail))
            return false;
    }
    return true;
}

bool imaging_batch_commit(struct error *err, struct imaging_batch *b)
{
    if (!b->first)
        return true;
    if (!blobs_batch_sync(err, b->blobs) || !op_write_begin(err, b->op))
        return false;
    for (struct imaging_pending *p = b->first; p; p = p->next) {
        bool found, same;
        if (!stored_before(err, b->op->conn, p->a.sop_instance_uid, p->key, &found, &same))
            return false;
        if (found) { /* stored meanwhile by another request, or twice in this batch */
            struct error ignored = {0};
            known_instance(&ignored, p->out, same, b->op->arena);
            continue;
        }
        if (!imaging_index_instance(err, b->op, &p->a, p->key, p->size, b->patient_id, p->out))
            return false;
    }
    return audit(err, b);
}

bool imaging_store_instance(struct error *err, struct op *op, const void *bytes, size_t len,
                            struct imaging_stored *out)
{
    bool fatal;
    struct imaging_batch *b = imaging_batch_new(err, op, NULL);
    if (!b) {
        memset(out, 0, sizeof(*out));
        out->outcome = IMAGING_FAILED;
        out->status = IMAGING_STATUS_OUT_OF_RESOURCES;
        out->code = err->code;
        out->reason = "out of memory";
        return false;
    }
    if (!imaging_batch_add(err, b, bytes, len, out, &fatal))
        return false;
    if (!imaging_batch_commit(err, b)) {
        out->outcome = IMAGING_FAILED;
        out->status = IMAGING_STATUS_OUT_OF_RESOURCES;
        out->code = err->code;
        out->reason = err->detail;
        return false;
    }
    return out->outcome != IMAGING_FAILED || error_set(err, out->code, "%s", out->reason);
}
