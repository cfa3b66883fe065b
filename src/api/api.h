/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_API_API_H
#define TSUNAGU_API_API_H

#include <jansson.h>

#include "http/request.h"

/* Handlers of every route in http/routes.def. */
#define ROUTE(method, pattern, handler, perm, patient, action, cls, summary)                       \
    bool handler(struct error *err, struct request *req);
#include "http/routes.def"
#undef ROUTE

/** Organisation type and profession codes with their labels. */
struct code_label {
    const char *code;
    const char *ja;
    const char *en;
};
extern const struct code_label api_org_types[];
extern const struct code_label api_professions[];
/** NULL-terminated lists of the codes, for jsonv "allowed". */
extern const char *const api_org_type_codes[];
extern const char *const api_profession_codes[];
extern const char *const api_role_codes[];
extern const char *const api_sex_codes[];
extern const char *const api_consent_scopes[];
extern const char *const api_consent_methods[];

/** Sets the session cookie (HttpOnly, SameSite=Strict, Secure under TLS), or clears it when
 *  token is NULL. */
void api_set_session_cookie(struct request *req, const char *token);

/** Body of GET /api/me for the request's principal. */
json_t *api_me_json(struct error *err, struct request *req);
/** The "me" answer of the login steps: {"state","csrf_token","me"}. */
bool api_login_answer(struct error *err, struct request *req, const char *state, const char *csrf);

/**
 * Records a failed proof of identity (login, TOTP, a password re-check): counts it towards the
 * lock-out of the account and the client, audits it under event_id with the reason, keeps those
 * writes although the request fails, and sets err to code without the reason (the answer must
 * not tell an unknown login from a wrong password). Always returns false.
 */
bool api_refuse_credentials(struct error *err, struct request *req, const char *event_id,
                            const char *user_id, const char *login, enum error_code code,
                            const char *why);
/** Fails with ERR_LOCKED (and Retry-After) while the account or the client is locked out. */
bool api_check_locked(struct error *err, struct request *req, const char *user_id,
                      const char *login);

/** Maps the current row of a statement to JSON (a new reference). */
typedef json_t *(*api_row_fn)(struct store_stmt *s);
/** Steps s (the result of store_query, NULL meaning it failed) to its end and returns the array of
 *  row(s) for each row; NULL with err set when the store fails. Calls store_done. */
json_t *api_rows(struct error *err, struct store_stmt *s, api_row_fn row);
/** Counts per code: an object with every code of the NULL-terminated list at 0, then the
 *  (code, count) rows of s (e.g. a GROUP BY status). Steps and finishes s; NULL (err set) when
 *  s is NULL or a step fails. */
/**
 * The Idempotency-Key header of a creating request: *key NULL when absent; else it must be 1–100
 * visible ASCII characters (err set to code `invalid` otherwise), and sha gets the digest of what
 * was asked (method, path and the body with sorted keys), so that a repeat with the same key can
 * be told from another request reusing it.
 */
bool api_idempotency_key(struct error *err, struct request *req, enum error_code invalid,
                         const char **key, char sha[SHA256_HEX_LEN]);
json_t *api_counts(struct error *err, struct store_stmt *s, const char *const *codes);
/** Answers 200 {"items": items}, taking items; false when items is NULL (the error is set). */
bool api_respond_items(struct request *req, json_t *items);
/** A millisecond time column as an ISO string, or null. */
json_t *api_time_or_null(struct store_stmt *s, int col);
/** A text column, or null. */
json_t *api_text_or_null(struct store_stmt *s, int col);

/** JSON of one organisation row selected with API_ORG_COLUMNS. */
#define API_ORG_COLUMNS "id, code, name, name_kana, type, address, phone, totp_required"
json_t *api_org_json(struct store_stmt *s);
/** JSON of a user by id (ERR_USER_NOT_FOUND if absent). */
json_t *api_user_json(struct error *err, struct store_conn *conn, const char *user_id);
/** Whether the principal may change user_id's account (an org admin: a member of their current
 *  organisation only, not a network administrator, not one who also belongs elsewhere; the
 *  network office: anyone). ERR_USER_NOT_FOUND or ERR_FORBIDDEN otherwise. */
bool api_user_may_change(struct error *err, struct request *req, const char *user_id);
/** JSON of a patient by id with local ids; full adds address and phone. */
json_t *api_patient_json(struct error *err, struct store_conn *conn, const char *patient_id,
                         bool full);
/** For routes that take no fields: a body, if sent, must be an empty JSON object (400
 *  request.unknown_field or request.field_type otherwise). */
bool api_no_fields(struct error *err, struct request *req);
/** Whether an organisation id exists. */
bool api_org_exists(struct error *err, struct store_conn *conn, const char *org_id, bool *exists);

/** A LIKE pattern (store_like) for "contains text", in the request's arena; use it with
 *  STORE_LIKE_ESCAPE. */
const char *api_like(struct request *req, const char *text);
/** s without invisible characters at either end (white space, U+3000, zero-width and other
 *  format characters: core/text.h), in the request's arena; "" when nothing in s is visible. */
const char *api_trimmed(struct request *req, const char *s);

/** Emergency grants with their patient, user, organisation and review, for api_emergency_row;
 *  append a WHERE clause on e (emergency_access). */
#define API_EMERGENCY_SELECT                                                                       \
    "SELECT e.id, e.patient_id, p.name, p.name_kana, e.user_id, u.name, u.profession, e.org_id, "  \
    "o.name, e.reason, e.started_at, e.expires_at, e.ended_at, e.end_reason, "                     \
    "e.review_closed_at, e.review_closed_by, r.name, e.review_comment FROM emergency_access e "    \
    "JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = e.user_id "                     \
    "JOIN orgs o ON o.id = e.org_id LEFT JOIN users r ON r.id = e.review_closed_by "
json_t *api_emergency_row(struct store_stmt *s);

#endif
