/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_API_H
#define TSUNAGU_HTTP_API_H

/* What the JSON API's handlers share, whatever their module: rows to JSON, paging answers, text
 * helpers, the Idempotency-Key header and code lists with labels. */

#include <jansson.h>

#include "core/codes.h"
#include "http/request.h"

/** A code list as the JSON the UI reads: [{"code", "ja", "en"}] (a new reference). */
json_t *api_code_labels(const struct code_label *list);

/** Maps the current row of a statement to JSON (a new reference). */
typedef json_t *(*api_row_fn)(struct store_stmt *s);
/** Steps s (the result of store_query, NULL meaning it failed) to its end and returns the array of
 *  row(s) for each row; NULL with err set when the store fails. Calls store_done. */
json_t *api_rows(struct error *err, struct store_stmt *s, api_row_fn row);
/** Counts per code: an object with every code of the NULL-terminated list at 0, then the
 *  (code, count) rows of s (e.g. a GROUP BY status). Steps and finishes s; NULL (err set) when
 *  s is NULL or a step fails. */
json_t *api_counts(struct error *err, struct store_stmt *s, const char *const *codes);
/** Answers 200 {"items": items}, taking items; false when items is NULL (the error is set). */
bool api_respond_items(struct request *req, json_t *items);
/** A millisecond time column as an ISO string, or null. */
json_t *api_time_or_null(struct store_stmt *s, int col);
/** A text column, or null. */
json_t *api_text_or_null(struct store_stmt *s, int col);
/** {"id", "name"} of an id column and its name column (null when absent), or null when the id
 *  is NULL: a user, an organisation or a patient a row refers to. */
json_t *api_id_name(struct store_stmt *s, int id_col, int name_col);

/** A text the API gives in the request's language: Japanese, or English (`?lang=en`). */
struct api_text {
    const char *key, *ja, *en;
};
/** {key: text} of the n texts in the request's language (e.g. the definitions of figures). */
json_t *api_texts(const struct request *req, const struct api_text *texts, size_t n);

/**
 * The Idempotency-Key header of a creating request: *key NULL when absent; else it must be 1–100
 * visible ASCII characters (err set to code `invalid` otherwise), and sha gets the digest of what
 * was asked (method, path and the body with sorted keys), so that a repeat with the same key can
 * be told from another request reusing it.
 */
bool api_idempotency_key(struct error *err, struct request *req, enum error_code invalid,
                         const char **key, char sha[SHA256_HEX_LEN]);

/**
 * The look-up of a repeat, on a feature's own table: s is its query of (id, request digest) for
 * the user's key, bound and not yet stepped (NULL when store_query failed). *id gets the earlier
 * request's id (in arena) when its digest is sha, NULL when the key is new; a row with another
 * digest is err `conflict` (the key reused for another request). s is done afterwards.
 */
bool api_idempotency_match(struct error *err, struct arena *a, struct store_stmt *s,
                           const char *sha, enum error_code conflict, const char **id);

/** For routes that take no fields: a body, if sent, must be an empty JSON object (400
 *  request.unknown_field or request.field_type otherwise). */
bool api_no_fields(struct error *err, struct request *req);

/** A LIKE pattern (store_like) for "contains text", in the request's arena; use it with
 *  STORE_LIKE_ESCAPE. */
const char *api_like(struct request *req, const char *text);
/** s without invisible characters at either end (white space, U+3000, zero-width and other
 *  format characters: core/text.h), in the request's arena; "" when nothing in s is visible. */
const char *api_trimmed(struct request *req, const char *s);

#endif
