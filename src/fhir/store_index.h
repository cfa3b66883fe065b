/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_STORE_INDEX_H
#define TSUNAGU_FHIR_STORE_INDEX_H

/* The fhir_idx_* tables: the search parameters of each resource's current version. Private to
 * fhir/. _id and _lastUpdated get no rows: search reads them from fhir_resources. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "store/store.h"

/** One index row as its table stores it (texts malloc'd, owned by the set). */
struct fhir_index_row {
    const struct fhir_search_param *param;
    char *text[3]; /* token code, system; string key, original; ref; quantity system, code; uri */
    int64_t low, high; /* date */
    double value;      /* quantity, number */
};

/** The index rows of one resource, extracted before the write transaction
 *  (fhir_index_collect) and inserted inside it (fhir_index_insert). */
struct fhir_index_rows {
    struct fhir_index_row *rows;
    size_t n, cap;
};

/** Extracts the index rows of res into out (empty on entry); no database. On failure out holds
 *  what was extracted so far: free it all the same. */
bool fhir_index_collect(struct error *err, const json_t *res, const char *base_url,
                        struct fhir_index_rows *out);
/** Inserts rows for rid (which has none yet). */
bool fhir_index_insert(struct error *err, struct store_conn *conn, int64_t rid,
                       const struct fhir_index_rows *rows);
/** Frees the rows' texts and array; the set is empty again. */
void fhir_index_rows_free(struct fhir_index_rows *rows);

/** Replaces the index rows of rid by those of res (replace: rid may have rows already). */
bool fhir_index_write(struct error *err, struct store_conn *conn, int64_t rid, const json_t *res,
                      const char *base_url, bool replace);
/** Removes every index row of rid. */
bool fhir_index_clear(struct error *err, struct store_conn *conn, int64_t rid);

#endif
