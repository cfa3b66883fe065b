# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/oncall/routes.def that take a body (see
bad_input.py)."""
import datetime

import helpers
from bad_input import *  # noqa: F401,F403 (Case and the ids)

NOBODY = "00000000-0000-4000-8000-000000000007"
AOBA_NURSE = helpers.user_id("aoba.nakajima")
SAKURA = helpers.org_id("sakura-clinic")
LATER = (helpers.tokyo_today() + datetime.timedelta(days=230)).isoformat()
SHIFTS = "/api/oncall/shifts"

CASES = [
    # ---- rosters ----
    Case("POST", SHIFTS, "aoba.tanaka",
         {"starts_at": f"{LATER}T18:00:00+09:00", "ends_at": f"{LATER}T23:00:00+09:00",
          "phone": "099-555-7001", "primary_user_id": AOBA_NURSE, "note": "検証"}, "note", 500,
         ("primary_user_id", 1)),
    Case("POST", f"{SHIFTS}/{NOBODY}/swap", "aoba.tanaka",
         {"role": "primary", "to_user_id": AOBA_NURSE, "reason": "検証"}, "reason", 500,
         ("role", 1)),
    Case("PUT", f"/api/patients/{P}/oncall/dependence", "aoba.tanaka",
         {"ventilator": False, "oxygen": True, "dialysis": False, "note": "検証"}, "note", 200,
         ("ventilator", "yes")),
    # ---- backup ----
    Case("POST", "/api/oncall/partners", "aoba.tanaka", {"partner_org_id": SAKURA}, None, None,
         ("partner_org_id", 1)),
    Case("POST", f"/api/oncall/partners/{NOBODY}/accept", "aoba.tanaka"),
    Case("POST", f"/api/oncall/partners/{NOBODY}/end", "aoba.tanaka"),
    Case("POST", "/api/oncall/declarations", "aoba.tanaka",
         {"reason": "illness", "note": "検証", "planned_end_at": f"{LATER}T18:00:00+09:00"},
         "note", 500, ("reason", 1)),
    Case("POST", f"/api/oncall/declarations/{NOBODY}/end", "aoba.tanaka"),
]

REQUIRED = {
    f"POST {SHIFTS}": "phone",
    f"POST {SHIFTS}/{NOBODY}/swap": "to_user_id",
    f"PUT /api/patients/{P}/oncall/dependence": "oxygen",
    "POST /api/oncall/partners": "partner_org_id",
    "POST /api/oncall/declarations": "reason",
}

TEXT = {
    f"POST {SHIFTS}": ["phone", "note"],
    f"POST {SHIFTS}/{NOBODY}/swap": ["reason"],
    f"PUT /api/patients/{P}/oncall/dependence": ["note"],
    "POST /api/oncall/declarations": ["note"],
}
