/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_QIDO_INT_H
#define TSUNAGU_IMAGING_QIDO_INT_H

/*
 * QIDO-RS (PS3.18 §10.6): the query parameters of a search turned into one SQL statement over
 * the index of migration 017 (never a file read per row), and the attributes each level
 * returns. docs/api/dicomweb.md is the conformance statement of what is here.
 */
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "http/request.h"
#include "store/store.h"

enum qido_level { QIDO_STUDY, QIDO_SERIES, QIDO_INSTANCE, QIDO_ANY };

/** How a query key matches (PS3.4 §C.2.2.2). */
enum qido_match {
    QM_NONE,       /* returned, never a query key */
    QM_TEXT,       /* single value, wildcard (case-sensitive), list */
    QM_PN,         /* the same, case-insensitive, per component group; fuzzymatching */
    QM_UID,        /* single value or UID list */
    QM_DATE,       /* single value or range (open at either end), list */
    QM_TIME,       /* the same for TM */
    QM_INT,        /* single value or list of integers */
    QM_MODALITIES, /* ModalitiesInStudy: any series of the study with one of the values */
};

/** One attribute of the index: its tag, keyword and VR, the level it belongs to, how it
 *  matches, and the SQL expression of its value over the aliases st (imaging_studies), se
 *  (imaging_series) and i (imaging_instances); NULL for RetrieveURL, which is made. */
struct qido_attr {
    uint32_t tag;
    const char *keyword;
    const char *vr;
    enum qido_level level;
    enum qido_match match;
    const char *column;
    bool by_default; /* PS3.18 Table 6.7.1-2: returned without includefield */
};

/** The attributes, in ascending tag order (the order of a result's JSON). */
extern const struct qido_attr qido_attrs[];
extern const int qido_attr_count;
enum { QIDO_ATTR_MAX = 48, QIDO_LIMIT_MAX = 1000, QIDO_ARGS_MAX = 256 };

/** A parsed search, ready to run. */
struct qido_query {
    enum qido_level level;              /* what one result is */
    const char *study_uid, *series_uid; /* from the path, or NULL */
    bool include[QIDO_ATTR_MAX];        /* attributes each result carries */
    int64_t limit, offset;
    bool fuzzy;
    bool includefield_seen, limit_seen, offset_seen, fuzzy_seen;
    struct strbuf where; /* " AND …" conditions after the access rule's */
    struct store_arg args[QIDO_ARGS_MAX];
    int nargs; /* the access rule's ACCESS_RULE_PARAMS first */
    struct error *err;
    struct request *req;
};

/** Parses req's query parameters into q for results of level under the path's study_uid and
 *  series_uid (NULL when not in the path). 400 request.bad_query names the parameter when a
 *  key is unknown, not supported at the level, or its value is malformed. Free q->where with
 *  strbuf_release (done by qido_query_sql's caller through the request arena cleanup). */
bool qido_query_parse(struct error *err, struct request *req, enum qido_level level,
                      const char *study_uid, const char *series_uid, struct qido_query *q);

/** The statement of q (call once: it adds LIMIT and OFFSET to q's arguments): columns 0 study
 *  UID, 1 patient id, 2 series UID, 3 SOP instance UID, then the value of every included
 *  attribute with a column, in qido_attrs order; limit + 1 rows from offset (one more tells
 *  that the answer was cut). In the request's arena. */
const char *qido_query_sql(struct qido_query *q);

#endif
