/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_PATIENTS_PATIENTS_H
#define TSUNAGU_PATIENTS_PATIENTS_H

/* What other modules may call of the patients module: the organisations' local ids (患者ID)
 * through which data from a hospital's own systems (DICOM PatientID, HL7 PID-3) finds its
 * regional patient, as in IHE PIX. */

#include <stdbool.h>

#include "core/errors.h"
#include "core/ids.h"
#include "op/op.h"
#include "store/store.h"

/** The regional patient organisation org_id knows under local_id: patient_id (capacity
 *  UUID_STR_LEN) gets its id and *found is true, or *found is false. Fails only when the store
 *  cannot answer. */
bool patients_local_id_find(struct error *err, struct store_conn *conn, const char *org_id,
                            const char *local_id, char *patient_id, bool *found);

/** Links organisation org_id's local id (患者ID) to the patient. ERR_LOCAL_ID_TAKEN. */
bool patients_local_id_insert(struct error *err, struct op *op, const char *patient_id,
                              const char *org_id, const char *local_id);

#endif
