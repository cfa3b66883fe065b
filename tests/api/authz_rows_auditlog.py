# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/auditlog/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/audit"): (req("GET", "/api/audit", params={"patient_id": P}), HER,
                            {"office"}),
}
