# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/stats/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/referral-stats"): (req("GET", "/api/referral-stats", params={"org_id": GH}),
                                     granted(), {"member", "token", "office"}),
    ("GET", "/api/referral-stats.csv"): (req("GET", "/api/referral-stats.csv",
                                             params={"org_id": GH}),
                                         granted(), {"member", "token", "office"}),
    ("PUT", "/api/referral-stats/first-visits"): (
        req("PUT", "/api/referral-stats/first-visits", {"org_id": GH, "month": "2026-01",
                                                        "count": 1000}), granted(), {"office"}),
}
