/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_DIRECTORY_H
#define TSUNAGU_DEMO_DEMO_DIRECTORY_H

#include <stdint.h>

#include "core/errors.h"
#include "store/store.h"

/** Inserts the facility-directory profile and live status of every demo organisation (fixed
 *  values, positions around a fictional みなみ市 near 33.59 N 130.40 E), inside the caller's
 *  transaction; status times are now minus a fixed age per field. */
bool demo_directory_load(struct error *err, struct store_conn *conn, int64_t now);

#endif
