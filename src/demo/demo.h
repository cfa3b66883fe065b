/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_H
#define TSUNAGU_DEMO_DEMO_H

#include <stdbool.h>

#include "blobs/blobs.h"
#include "core/errors.h"
#include "op/op.h"
#include "store/store.h"

/** Loads the fictional region みなみ市 (demo_data.h) into an empty store, in one transaction
 *  with its audit record. Fails (ERR_USAGE) if the store already has organisations. */
bool demo_load(struct error *err, struct store *st, struct blobs *blobs);
/** For the modules' demo parts: makes op act as demo user login (a member of org_code, NULL
 *  for none; a login that is no demo user acts as nobody, e.g. "cli") at time at. */
void demo_act(struct op *op, const char *login, const char *org_code, int64_t at);
/** Prints the URL and, when the store holds the demo region, the demo logins (stdout). */
void demo_announce(struct store *st, const char *url);
/** Prints the table of demo logins. */
void demo_print_logins(void);

#endif
