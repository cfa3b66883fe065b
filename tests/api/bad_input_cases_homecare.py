# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/homecare/routes.def that take a body (see
bad_input.py). Each part of the module (schedule, records, timeline) appends its own block."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

NOBODY = "00000000-0000-4000-8000-000000000007"

CASES = [
    # ---- schedule (the shared visit schedule) ----
    Case("POST", f"/api/patients/{P}/homecare/visits", "aoba.tanaka",
         {"kind": "home_medical", "date": days_ahead(7), "start": "10:00", "end": "10:30",
          "note": "検証"}, "note", 1000, ("start", 1000)),
    Case("PATCH", f"/api/patients/{P}/homecare/visits/{NOBODY}", "aoba.tanaka",
         {"start": "10:00", "reason": "検証"}, "reason", 500, ("reason", 1)),
    Case("POST", f"/api/patients/{P}/homecare/visits/{NOBODY}/cancel", "aoba.tanaka",
         {"reason": "検証"}, "reason", 500, ("reason", True)),
    Case("POST", f"/api/patients/{P}/homecare/plans", "aoba.tanaka",
         {"kind": "home_medical", "weekdays": ["tue"], "start": "10:00", "end": "10:30",
          "first_date": days_ahead(7), "note": "検証"}, "note", 1000, ("weekdays", "tue")),
    Case("PATCH", f"/api/patients/{P}/homecare/plans/{NOBODY}", "aoba.tanaka",
         {"note": "検証", "reason": "検証"}, "reason", 500, ("gap_days", "7")),
    Case("POST", "/api/homecare/ical-links", "aoba.tanaka", {"label": "検証"}, "label", 100,
         ("label", 1)),
    Case("POST", f"/api/patients/{P}/homecare/ical-links", "aoba.tanaka", {"label": "検証"},
         "label", 100, ("label", [])),
]

REQUIRED = {
    f"POST /api/patients/{P}/homecare/visits": "kind",
    f"PATCH /api/patients/{P}/homecare/visits/{NOBODY}": "reason",
    f"POST /api/patients/{P}/homecare/visits/{NOBODY}/cancel": "reason",
    f"POST /api/patients/{P}/homecare/plans": "weekdays",
    f"PATCH /api/patients/{P}/homecare/plans/{NOBODY}": "reason",
}

TEXT = {
    f"PATCH /api/patients/{P}/homecare/visits/{NOBODY}": ["reason"],
    f"POST /api/patients/{P}/homecare/visits/{NOBODY}/cancel": ["reason"],
    f"PATCH /api/patients/{P}/homecare/plans/{NOBODY}": ["reason"],
    "POST /api/homecare/ical-links": ["label"],
}
