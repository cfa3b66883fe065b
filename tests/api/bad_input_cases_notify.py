# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/notify/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("POST", f"/api/notifications/{GRANT}/read", "aoba.tanaka"),
]
