/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_BLOBS_BLOBS_H
#define TSUNAGU_BLOBS_BLOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/**
 * The blob store: files (documents, images) kept beside the SQL store and named by the SHA-256
 * of their content. Today it is the local filesystem under <data_dir>/blobs; an S3-compatible
 * backend can implement the same functions later (DESIGN.md "Two backends").
 *
 * Durability contract: blobs_put returns only after the file and its directory entry are on
 * stable storage (fsync of the file, then of every directory it created or renamed into), so a
 * caller may then commit the row that points to the key, and only then answer 2xx.
 */
struct blobs;

#define BLOB_KEY_LEN 65 /* 64 hex characters + NUL */

/** Opens (creating if needed) the blob store of data_dir. */
struct blobs *blobs_open(struct error *err, const char *data_dir);
void blobs_close(struct blobs *b);

/** Stores len bytes durably; key receives their SHA-256 (hex). Storing the same bytes twice is
 *  harmless and gives the same key. */
bool blobs_put(struct error *err, struct blobs *b, const void *data, size_t len,
               char key[BLOB_KEY_LEN]);
/** Reads a blob into a malloc'd buffer (caller frees *data). ERR_BAD_ID for a key that is not 64
 *  lower-case hex characters or not stored. */
bool blobs_get(struct error *err, struct blobs *b, const char *key, void **data, size_t *len);
/** Opens a blob for reading without loading it (to stream it): *fd (the caller closes it) and
 *  *size. ERR_BAD_ID for a key that is not 64 lower-case hex characters or not stored. */
bool blobs_open_fd(struct error *err, struct blobs *b, const char *key, int *fd, size_t *size);

#endif
