# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/referral/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("POST", f"/api/patients/{P}/referrals", "gh.sato", rh.body(), None, None,
         ("urgency", 1)),
    Case("POST", f"/api/referrals/{REF}/accept", "uh.fujita", {"note": "検証"}, "note", 1000,
         ("note", 1)),
    Case("POST", f"/api/referrals/{REF}/decline", "uh.fujita", {"reason": "検証"}, "reason",
         1000, ("reason", 1)),
    Case("POST", f"/api/referrals/{REF}/redirect", "gh.sato",
         {"to_org_id": rh.REHAB, "to_department": "", "note": "検証"}, "note", 1000,
         ("to_org_id", 5)),
    Case("POST", f"/api/referrals/{REF}/schedule", "uh.fujita",
         {"appointment_at": rh.appointment()[0]}, "appointment_at", 40,
         ("appointment_at", 20261201)),
    Case("POST", f"/api/referrals/{REF}/seen", "uh.fujita", {"note": "検証"}, "note", 1000,
         ("note", [])),
    Case("POST", f"/api/referrals/{REF}/reply", "uh.fujita",
         {"reply": {"diagnosis": "検証"}, "note": "検証"}, "note", 1000, ("reply", "検証")),
    Case("POST", f"/api/referrals/{REF}/reverse", "uh.fujita",
         {"urgency": "routine", "purpose": "follow_up", "to_department": "",
          "letter": rh.letter()}, "to_department", 40, ("urgency", 2)),
    Case("POST", f"/api/referrals/{REF}/close", "gh.sato", {"note": "検証"}, "note", 1000,
         ("note", True)),
    Case("POST", f"/api/referrals/{REF}/cancel", "gh.sato", {"reason": "検証"}, "reason", 1000,
         ("reason", {})),
]

REQUIRED = {
    f"POST /api/patients/{P}/referrals": "purpose",
    f"POST /api/referrals/{REF}/decline": "reason",
    f"POST /api/referrals/{REF}/redirect": "to_org_id",
    f"POST /api/referrals/{REF}/schedule": "appointment_at",
    f"POST /api/referrals/{REF}/reply": "reply",
    f"POST /api/referrals/{REF}/reverse": "letter",
    f"POST /api/referrals/{REF}/cancel": "reason",
}

TEXT = {
    f"POST /api/referrals/{REF}/decline": ["reason"],
    f"POST /api/referrals/{REF}/cancel": ["reason"],
}

# One implausible value per kind of field (core/plausible.h).
PLAUSIBLE = {
    f"POST /api/patients/{P}/referrals": [
        ("letter.diagnoses[0].onset", {"letter": rh.letter(diagnoses=[
            {"text": "狭心症疑い", "code": "I209", "onset": "1800-01-01"}])}),
        ("letter.labs[0].date", {"letter": rh.letter(labs=[
            {"text": "LDL", "value": "162 mg/dL", "date": days_ahead(5)}])}),
    ],
    f"POST /api/referrals/{REF}/schedule": [
        ("appointment_at", {"appointment_at": "1800-01-01T10:00:00+09:00"}),
        ("appointment_at", {"appointment_at": f"{days_ahead(-1)}T10:00:00+09:00"}),
        ("appointment_at", {"appointment_at": f"{days_ahead(400)}T10:00:00+09:00"}),
    ],
}
