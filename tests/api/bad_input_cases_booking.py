# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/booking/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("POST", "/api/equipment/slots", "gh.admin",
         {"equipment": "ct", "preparation": "絶食", "slots": slot_times()}, "preparation", 1000,
         ("slots", "10:00")),
    Case("POST", f"/api/patients/{P}/bookings", "aoba.tanaka",
         {"slot_id": SLOT, "exam": "頭部単純CT", "clinical_question": "検証"},
         "clinical_question", 2000, ("slot_id", 5)),
    Case("POST", f"/api/bookings/{BOOKING}/confirm", "gh.renkei", {"note": "検証"}, "note", 500,
         ("note", 1)),
    Case("POST", f"/api/bookings/{BOOKING}/propose", "gh.renkei", {"slot_id": SLOT, "note": "検証"},
         "note", 500, ("slot_id", 7)),
    Case("POST", f"/api/bookings/{BOOKING}/accept-proposal", "multi.kobayashi"),
    Case("POST", f"/api/bookings/{BOOKING}/decline", "gh.renkei", {"reason": "検証"}, "reason",
         500, ("reason", 1)),
    Case("POST", f"/api/bookings/{BOOKING}/cancel", "multi.kobayashi", {"reason": "検証"},
         "reason", 500, ("reason", True)),
    Case("POST", f"/api/bookings/{BOOKING}/report", "gh.sato",
         {"findings": "検証", "impression": "検証"}, "impression", 2000, ("impression", [])),
    Case("PUT", "/api/equipment/checklists/mri", "gh.admin", {"items": ["体内金属"]}, None,
         None, ("items", "体内金属")),
]

REQUIRED = {
    "POST /api/equipment/slots": "slots",
    f"POST /api/patients/{P}/bookings": "clinical_question",
    f"POST /api/bookings/{BOOKING}/propose": "slot_id",
    f"POST /api/bookings/{BOOKING}/decline": "reason",
    f"POST /api/bookings/{BOOKING}/report": "impression",
    "PUT /api/equipment/checklists/mri": "items",
}

TEXT = {
    f"POST /api/patients/{P}/bookings": ["exam", "clinical_question"],
    f"POST /api/bookings/{BOOKING}/decline": ["reason"],
}

# One implausible value per kind of field (core/plausible.h).
PLAUSIBLE = {
    "POST /api/equipment/slots": [
        ("slots[0].starts_at", {"slots": [{"starts_at": "1800-01-01T10:00:00+09:00",
                                           "ends_at": "1800-01-01T10:30:00+09:00"}]}),
    ],
}
