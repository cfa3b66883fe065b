# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/http/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/health"): (req("GET", "/api/health"), granted(), EVERYONE),
}
# test builds only: a body the route refuses after deciding who may call it
ROWS[("POST", "/api/test/clock")] = (req("POST", "/api/test/clock", BAD), granted(), {"office"})
