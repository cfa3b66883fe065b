/* SPDX-License-Identifier: Apache-2.0 */
/* STOW-RS (PS3.18 §10.5): POST /dicom-web/studies[/{study}]. */
#include "imaging_int.h"

bool imaging_stow(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_INTERNAL, "not yet");
}

bool imaging_stow_study(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_INTERNAL, "not yet");
}
