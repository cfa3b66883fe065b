/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_REFERRAL_REFERRAL_H
#define TSUNAGU_REFERRAL_REFERRAL_H

/* What other features use of the referral module. */

#include <jansson.h>

#include "core/errors.h"
#include "http/request.h"
#include "op/op.h"

/**
 * The patient's record as a referral draft reads it, in short: {problems: [{text, code, onset}]
 * (active), medications: [{text}] (current), allergies: [{text, reaction}]} (a new object), or
 * NULL with err set. The router must have decided that the caller reads the clinical record of
 * req->patient_id (PAT_PATH, DATA_CLINICAL); each read is audited as the draft's are.
 */
json_t *referral_record_summary(struct error *err, struct request *req);

/**
 * The demo region's referral with images: みなみ総合病院 refers 佐藤 一郎 to さくらクリニック,
 * attaching his studies of the archive (shared with the clinic). Needs the archive's demo part
 * loaded first: called by the demo part of a module that comes after it (transfer).
 */
bool referral_demo_images(struct error *err, struct op *op);

#endif
