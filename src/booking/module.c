/* SPDX-License-Identifier: Apache-2.0 */
/* The booking module (booking of shared equipment (共同利用)): its descriptor. */
#include "booking_int.h"

const struct access_case_kind booking_case = {
    "booking",
    "SELECT b.patient_id, b.org_id, s.org_id FROM equipment_bookings b "
    "JOIN equipment_slots s ON s.id = b.slot_id WHERE b.id = ?",
    ERR_BOOKING_NOT_FOUND, NULL};
const struct route_locator booking_locator = ROUTER_CASE_LOCATOR(booking_case);

static const struct access_case_kind *const case_kinds[] = {&booking_case, NULL};

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module booking_module = {
    .name = "booking",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = booking_demo_load,
    .case_kinds = case_kinds,
    .init = booking_images_init,
};
