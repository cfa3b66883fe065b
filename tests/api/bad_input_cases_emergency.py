# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/emergency/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("POST", "/api/emergency/search", "uh.fujita",
         {"name": "山田 花子", "birth_date": "1941-04-12"}, "name", 100,
         ("birth_date", 19410412)),
    Case("POST", f"/api/patients/{P}/emergency", "uh.fujita", {"reason": "検証"}, "reason", 1000,
         ("reason", 1)),
    Case("POST", f"/api/emergency/{GRANT}/end", "uh.fujita"),
    Case("POST", f"/api/emergency/{GRANT}/review", "uh.admin", {"comment": "検証"}, "comment",
         1000, ("comment", 1)),
]

REQUIRED = {
    "POST /api/emergency/search": "birth_date",
}

TEXT = {
    f"POST /api/patients/{P}/emergency": ["reason"],
}
