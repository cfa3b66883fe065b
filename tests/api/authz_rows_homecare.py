# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/homecare/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    # a code list, the same for every signed-in user and token
    ("GET", "/api/homecare/visit-kinds"): (req("GET", "/api/homecare/visit-kinds"), granted(),
                                           EVERYONE),
}
