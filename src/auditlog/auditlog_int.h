/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUDITLOG_AUDITLOG_INT_H
#define TSUNAGU_AUDITLOG_AUDITLOG_INT_H

/* What the files of the auditlog module share: the filters of the audit view, its query and the
 * redaction for the network office, and the handlers. */

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "auditlog/routes.def"
#undef ROUTE

/** The filters of GET /api/audit and /api/audit.csv, from the query string (arena strings). */
struct audit_filters {
    const char *org;          /* the caller's organisation, NULL for the network office */
    const char *user;         /* user_id */
    const char *patient;      /* patient_id */
    const char *action;       /* C R U D E */
    const char *from, *to;    /* ISO times */
    const char *patient_like; /* patient=: a LIKE pattern on the name keys … */
    const char *local_id;     /* … or a local id */
    int64_t before;           /* the cursor: records older than this sequence number, or 0 */
};

/**
 * Reads the filters of the audit view (allowed: the names in `allowed`) into f. The network
 * office may not search patients by name (patient=): its view shows no patient data.
 */
bool auditlog_filters_parse(struct error *err, struct request *req, const char *const *allowed,
                            struct audit_filters *f);

/** The records matching f, newest first, at most limit: the audit record's columns (0–13),
 *  then the names of its user, organisation and patient (14–17; the patient's NULL where not
 *  shown), as auditlog_row_json reads them. The caller frees the statement with store_done. */
struct store_stmt *auditlog_query(struct error *err, struct request *req,
                                  const struct audit_filters *f, int64_t limit);

/** One record of auditlog_query as JSON, its detail redacted for the network office. */
json_t *auditlog_row_json(struct request *req, struct store_stmt *s);

/** Columns of auditlog_query after the audit record's own (0–13). */
enum {
    AUDIT_COL_USER_NAME = 14,
    AUDIT_COL_ORG_NAME,
    AUDIT_COL_PATIENT_NAME,
    AUDIT_COL_PATIENT_KANA
};

/** What the network office sees of a record's detail: search terms and free text hidden. */
const char *auditlog_detail_redacted(struct request *req, const char *event, const char *detail);

/** Whether a record's detail says it was made through an emergency grant (request_emergency). */
bool auditlog_detail_emergency(const char *detail);

#endif
