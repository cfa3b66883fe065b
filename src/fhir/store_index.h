/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_STORE_INDEX_H
#define TSUNAGU_FHIR_STORE_INDEX_H

/* The fhir_idx_* tables: the search parameters of each resource's current version. Private to
 * fhir/. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "store/store.h"

/** Replaces the index rows of rid by those of res (replace: rid may have rows already). */
bool fhir_index_write(struct error *err, struct store_conn *conn, int64_t rid, const json_t *res,
                      const char *base_url, bool replace);
/** Removes every index row of rid. */
bool fhir_index_clear(struct error *err, struct store_conn *conn, int64_t rid);

#endif
