# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/sharing/routes.def that take a body (see
bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

NOBODY = "00000000-0000-4000-8000-000000000007"
RULES = "/api/sharing/rules"


def rule(**extra):
    body = {"kind": "visit_record", "recipients": [{"role": "care_manager"}], "timing": "daily",
            "at": "18:00", "note": "検証"}
    body.update(extra)
    return body


CASES = [
    Case("POST", RULES, "jimukyoku", rule(), "note", 500, ("kind", 1)),
    Case("PUT", f"{RULES}/{NOBODY}", "jimukyoku", rule(), "note", 500, ("timing", 1)),
    Case("POST", f"/api/patients/{P}/sharing/rules", "gh.sato", rule(), "note", 500,
         ("recipients", "care_manager")),
    Case("PUT", f"/api/patients/{P}/sharing/rules/{NOBODY}", "gh.sato", rule(), "note", 500,
         ("at", 1800)),
    Case("POST", f"/api/patients/{P}/sharing/preview", "gh.sato", {"kind": "visit_record"}, None,
         None, ("severity", 3)),
]

REQUIRED = {
    f"POST {RULES}": "kind",
    f"PUT {RULES}/{NOBODY}": "recipients",
    f"POST /api/patients/{P}/sharing/rules": "timing",
    f"PUT /api/patients/{P}/sharing/rules/{NOBODY}": "kind",
    f"POST /api/patients/{P}/sharing/preview": "kind",
}

TEXT = {
    f"POST {RULES}": ["note"],
    f"POST /api/patients/{P}/sharing/rules": ["note"],
}
