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
    # the patient's allergies and eGFR: the care team with consent, or a share the consent allows
    ("GET", "/api/patients/{id}/safety-summary"): (
        req("GET", "/api/patients/{P}/safety-summary", params={"exam": "造影CT"}), PATIENT,
        TEAM_READ),
    ("GET", "/api/equipment/checklists"): (
        req("GET", "/api/equipment/checklists", params={"org_id": helpers.org_id("minami-gh")}),
        granted(), EVERYONE),
    ("PUT", "/api/equipment/checklists/{kind}"): (
        req("PUT", "/api/equipment/checklists/mri", {"items": ["ペースメーカー・体内金属"]}),
        granted(), {"office"}),
}
