# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/stats/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("PUT", "/api/referral-stats/first-visits", "gh.admin",
         {"org_id": GH, "month": "2026-01", "count": 1200}, "month", 7, ("count", "1200")),
]

REQUIRED = {
    "PUT /api/referral-stats/first-visits": "count",
}
