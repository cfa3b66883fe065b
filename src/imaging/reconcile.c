/* SPDX-License-Identifier: Apache-2.0 */
/* The reconciliation queue: studies that match no patient, assigned or rejected by their sending
 * organisation; and the patient page's list of studies. */
#include "imaging_int.h"

bool imaging_queue_list(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_INTERNAL, "not yet");
}

bool imaging_study_assign_route(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_INTERNAL, "not yet");
}

bool imaging_study_reject_route(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_INTERNAL, "not yet");
}

bool imaging_patient_studies(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_INTERNAL, "not yet");
}
