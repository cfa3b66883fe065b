/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_TRANSFER_TRANSFER_H
#define TSUNAGU_TRANSFER_TRANSFER_H

/* What other features use of the transfer module (救急画像送信). */

#include <jansson.h>

#include "core/errors.h"
#include "op/op.h"

/**
 * The emergency shares without consent made by organisation org_id's users (transfers with
 * consent_free), to review like break-the-glass: which = 0 open reviews, 1 closed, 2 all. A new
 * array of {id, patient: {id, name, name_kana}, from_user, to_org, reason, created_at,
 * expires_at, closed_at, review_closed_at, review_closed_by, review_comment}, or NULL with err.
 */
json_t *transfer_reviews(struct error *err, struct op *op, const char *org_id, int which);

#endif
