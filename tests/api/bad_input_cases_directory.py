# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/directory/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("PUT", f"/api/directory/orgs/{GH}/profile", "gh.admin",
         {"medical_function": "acute", "departments": ["internal"]}, "acceptance_notes", 1000,
         ("latitude", "33.5")),
    Case("PATCH", f"/api/directory/orgs/{GH}/status", "gh.admin",
         {"emergency": "yes", "emergency_note": "検証"}, "emergency_note", 200,
         ("homecare_new_this_month", "3")),
    Case("PUT", f"/api/directory/orgs/{GH}/editors", "gh.admin",
         {"user_ids": [helpers.user_id("gh.renkei")]}, None, None, ("user_ids", SATO)),
]

# One implausible value per kind of field (core/plausible.h); みなみ総合病院 registers 200
# general beds in the demo.
PLAUSIBLE = {
    f"PUT /api/directory/orgs/{GH}/profile": [
        ("registered_beds.general", {"registered_beds": {"general": 99999}}),
        ("liaison_phone", {"liaison_phone": "abc"}),
    ],
    f"PATCH /api/directory/orgs/{GH}/status": [
        ("beds.general", {"beds": {"general": 9999}}),
        ("restrictions[0].until",
         {"restrictions": [{"text": "MRI 点検中", "until": "1800-01-01"}]}),
    ],
}
