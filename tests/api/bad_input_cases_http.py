# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/http/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
    Case("POST", "/api/test/clock", "jimukyoku", {"advance_ms": 1}, wrong_type=("advance_ms", "60000")),
]
