/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_REFERRALS_H
#define TSUNAGU_DEMO_DEMO_REFERRALS_H

#include <stdint.h>

#include "core/errors.h"
#include "store/store.h"

/** Inserts a fictional history of referrals and reverse referrals (紹介・逆紹介) over the 12
 *  months before now among the demo organisations that have physicians, every one finished
 *  (closed, declined, redirected or cancelled), with the events of each step, and the monthly
 *  first-visit counts (初診患者数) of minami-gh and minami-uh for the 12 months before the
 *  current one; inside the caller's transaction. Deterministic for a given now. */
bool demo_referrals_load(struct error *err, struct store_conn *conn, int64_t now);

#endif
