# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/booking/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/equipment/slots"): (req("GET", "/api/equipment/slots"), granted(), EVERYONE),
    ("POST", "/api/equipment/slots"): (lambda w: ("POST", "/api/equipment/slots", {
        "equipment": "ct", "slots": w.slot_times()}, None), granted(), {"office"}),
    ("DELETE", "/api/equipment/slots/{id}"): (req("DELETE", "/api/equipment/slots/{w.slot}"),
                                              granted("booking.slot_not_found"), {"office"}),
    ("POST", "/api/patients/{id}/bookings"): (req("POST", "/api/patients/{P}/bookings", {}),
                                              PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/bookings"): (req("GET", "/api/patients/{P}/bookings"), PATIENT,
                                             TEAM_READ),
    ("GET", "/api/bookings"): (lambda w: ("BOXES", "/api/bookings", None, None),
                               names_her(lambda w: w.booking), PARTIES),
    ("GET", "/api/bookings/{bid}"): (req("GET", "/api/bookings/{w.booking}"), BOOKING,
                                     PARTIES),
}
