/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DEMO_DEMO_BOOKING_H
#define TSUNAGU_DEMO_DEMO_BOOKING_H

#include <stdint.h>

#include "core/errors.h"
#include "fhir/store.h"
#include "store/store.h"

/**
 * Publishes the demo region's shared-equipment slots (共同利用) and a few bookings, inside the
 * caller's transaction, after the directory profiles and the patients: 30-minute CT and MRI
 * slots on weekdays 9:00–16:00 Asia/Tokyo for the 14 days after today at every organisation
 * whose profile lists that equipment for shared use, and three bookings by さくらクリニック at
 * みなみ総合病院 (requested, confirmed, and one reported a few days ago with its FHIR
 * DiagnosticReport written through env). Ids are deterministic (demo_clinical_uuid).
 */
bool demo_booking_load(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                       int64_t now);

#endif
