# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/emergency/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("POST", "/api/emergency/search"): (req("POST", "/api/emergency/search", {
        "name": "山田 花子", "birth_date": "1941-04-12"}), HER, {"member", "share",
                                                               "emergency"}),
    # granted: it reaches its business rules (a reason is required, or no emergency is needed)
    ("POST", "/api/patients/{id}/emergency"): (req("POST", "/api/patients/{P}/emergency", {}),
                                               granted("patient.not_found"),
                                               {"member", "share", "emergency"}),
    ("GET", "/api/emergency/active"): (req("GET", "/api/emergency/active"), HER,
                                       {"emergency"}),
    ("POST", "/api/emergency/{gid}/end"): (req("POST", "/api/emergency/{w.grant}/end"),
                                           granted("emergency.not_found"), {"emergency"}),
    ("GET", "/api/emergency/reviews"): (req("GET", "/api/emergency/reviews"), granted(),
                                        set()),
    ("GET", "/api/emergency/{gid}/opened"): (req("GET", "/api/emergency/{w.grant}/opened"),
                                             granted(), set()),
    ("POST", "/api/emergency/{gid}/review"): (
        req("POST", "/api/emergency/{w.grant}/review", {}), granted(), set()),
}
