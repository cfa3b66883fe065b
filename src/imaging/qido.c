/* SPDX-License-Identifier: Apache-2.0 */
/* QIDO-RS handlers (PS3.18 §10.6): one indexed statement per search (qido_query.c), results as
 * the DICOM JSON model (PS3.18 §F.2) written straight from the rows, one audit record per
 * patient whose studies appear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicomweb_int.h"
#include "imaging_int.h"
#include "qido_int.h"

/* PS3.18 §8.3.4.4: said when more results match than one answer carries. */
#define QIDO_MORE_WARNING                                                                          \
    "299 tsunagu: The number of results exceeded the maximum supported by the server. "            \
    "Additional results can be requested."

static bool accepts_json(struct request *req)
{
    struct dicomweb_accept ranges[DICOMWEB_ACCEPT_MAX];
    int n = dicomweb_accept_parse(req, ranges);
    for (int i = 0; i < n; i++)
        if (dicomweb_accept_admits(&ranges[i], "application/dicom+json") ||
            strcmp(ranges[i].type, "application/json") == 0)
            return true;
    return false;
}

/* {"vr": "XX", "Value": [...]} opening, for a value that is present. Written without printf: an
 * answer of a thousand studies has over ten thousand of these. */
static void json_key(struct strbuf *out, const struct qido_attr *a, bool *first)
{
    static const char hex[] = "0123456789ABCDEF";
    char key[16];
    size_t n = 0;
    if (!*first)
        key[n++] = ',';
    key[n++] = '"';
    for (int shift = 28; shift >= 0; shift -= 4)
        key[n++] = hex[(a->tag >> shift) & 0xF];
    strbuf_append(out, key, n);
    strbuf_puts(out, "\":{\"vr\":\"");
    strbuf_puts(out, a->vr);
    strbuf_puts(out, "\"");
    *first = false;
}

/* A PN value "A=I=P" as its component groups (PS3.18 §F.2.2). */
static void json_pn(struct strbuf *out, const char *v)
{
    static const char *const names[] = {"\"Alphabetic\":", "\"Ideographic\":", "\"Phonetic\":"};
    strbuf_puts(out, ",\"Value\":[{");
    bool any = false;
    for (int g = 0; g < 3 && v; g++) {
        size_t n = strcspn(v, "=");
        if (n) {
            strbuf_puts(out, any ? "," : "");
            strbuf_puts(out, names[g]);
            strbuf_json_string_n(out, v, n);
            any = true;
        }
        v = v[n] ? v + n + 1 : NULL;
    }
    strbuf_puts(out, "}]");
}

/* Text values, '\'-separated (ModalitiesInStudy) or one. */
static void json_strings(struct strbuf *out, const char *v, bool multi)
{
    strbuf_puts(out, ",\"Value\":[");
    for (bool first = true;; first = false) {
        size_t n = multi ? strcspn(v, "\\") : strlen(v);
        strbuf_puts(out, first ? "" : ",");
        strbuf_json_string_n(out, v, n);
        if (!v[n])
            break;
        v += n + 1;
    }
    strbuf_puts(out, "]");
}

static void json_retrieve_url(struct strbuf *out, const char *base, struct store_stmt *s,
                              enum qido_level level)
{
    strbuf_puts(out, ",\"Value\":[\"");
    strbuf_puts(out, base);
    strbuf_puts(out, "/studies/");
    strbuf_puts(out, store_text(s, 0));
    if (level >= QIDO_SERIES) {
        strbuf_puts(out, "/series/");
        strbuf_puts(out, store_text(s, 2));
    }
    if (level == QIDO_INSTANCE) {
        strbuf_puts(out, "/instances/");
        strbuf_puts(out, store_text(s, 3));
    }
    strbuf_puts(out, "\"]");
}

/* One result: every included attribute, in tag order, from the row (UIDs are checked at
 * storage: digits and dots only, so they need no JSON escaping). */
static void json_row(struct strbuf *out, const struct qido_query *q, const char *base,
                     struct store_stmt *s)
{
    strbuf_puts(out, "{");
    bool first = true;
    int col = 5; /* after the study, patient, series, instance and emergency share */
    for (int i = 0; i < qido_attr_count; i++) {
        const struct qido_attr *a = &qido_attrs[i];
        if (!q->include[i])
            continue;
        json_key(out, a, &first);
        if (!a->column) {
            json_retrieve_url(out, base, s, q->level);
        } else if (!store_is_null(s, col)) {
            const char *v = store_text(s, col);
            if (strcmp(a->vr, "IS") == 0 || strcmp(a->vr, "US") == 0)
                strbuf_printf(out, ",\"Value\":[%lld]", (long long)store_int(s, col));
            else if (v && *v && strcmp(a->vr, "PN") == 0)
                json_pn(out, v);
            else if (v && *v)
                json_strings(out, v, a->match == QM_MODALITIES);
        }
        if (a->column)
            col++;
        strbuf_puts(out, "}");
    }
    strbuf_puts(out, "}");
}

/* Runs a parsed search and answers it. */
static bool qido_answer(struct error *err, struct request *req, struct qido_query *q)
{
    const char *sql = qido_query_sql(q);
    struct store_stmt *s = store_query_args_cached(err, req->op.conn, sql, q->args, q->nargs);
    if (!s)
        return false;
    const char *base = dicomweb_base(req);
    struct strbuf out = {0};
    strbuf_puts(&out, "[");
    int64_t rows = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        if (++rows > q->limit)
            break;
        if (rows > 1)
            strbuf_puts(&out, ",");
        json_row(&out, q, base, s);
        const char *patient = store_is_null(s, 1) ? NULL : store_text(s, 1);
        /* one record per patient; a study seen through an emergency share is flagged */
        const char *share = store_is_null(s, 4) ? NULL : store_text(s, 4);
        if (patient && (share || !op_audit_queued(&req->op, patient)))
            op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient, "study",
                          store_text(s, 0),
                          share ? arena_printf(req->op.arena, "emergency image share %s", share)
                                : NULL);
    }
    store_done(s);
    if (r == STORE_FAIL) {
        strbuf_release(&out);
        return false;
    }
    strbuf_puts(&out, "]");
    if (rows > q->limit)
        response_header(req, "Warning", QIDO_MORE_WARNING);
    size_t len = out.len;
    response_fhir_text(req, 200, strbuf_steal(&out), len);
    req->content_type = "application/dicom+json";
    return true;
}

/* A search of level under the path's study (param 0) and series (param 1), as given. */
static bool qido_search(struct error *err, struct request *req, enum qido_level level,
                        bool study_in_path, bool series_in_path)
{
    enum error_code refusal = access_search_refusal(&req->op.principal);
    if (refusal != ERR_NONE)
        return error_set(err, refusal, NULL);
    if (!accepts_json(req))
        return error_set(err, ERR_IMAGING_NOT_ACCEPTABLE,
                         "QIDO-RS answers application/dicom+json only");
    const char *series = series_in_path ? request_param(req, 1) : NULL;
    if (series && !imaging_uid_valid(series))
        return error_set(err, ERR_IMAGING_SERIES_NOT_FOUND, "malformed UID");
    struct qido_query *q = arena_alloc(req->op.arena, sizeof *q);
    if (!qido_query_parse(err, req, level, study_in_path ? request_param(req, 0) : NULL, series, q))
        return false;
    return qido_answer(err, req, q);
}

bool imaging_qido_studies(struct error *err, struct request *req)
{
    return qido_search(err, req, QIDO_STUDY, false, false);
}

bool imaging_qido_series(struct error *err, struct request *req)
{
    return qido_search(err, req, QIDO_SERIES, false, false);
}

bool imaging_qido_instances(struct error *err, struct request *req)
{
    return qido_search(err, req, QIDO_INSTANCE, false, false);
}

bool imaging_qido_study_series(struct error *err, struct request *req)
{
    return qido_search(err, req, QIDO_SERIES, true, false);
}

bool imaging_qido_study_instances(struct error *err, struct request *req)
{
    return qido_search(err, req, QIDO_INSTANCE, true, false);
}

bool imaging_qido_series_instances(struct error *err, struct request *req)
{
    return qido_search(err, req, QIDO_INSTANCE, true, true);
}
