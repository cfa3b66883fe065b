# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/auditlog/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/audit"): (req("GET", "/api/audit", params={"patient_id": P}), HER,
                            {"office"}),
    ("GET", "/api/audit.csv"): (req("GET", "/api/audit.csv", params={"patient_id": P}), HER,
                                {"office"}),
    # the history of who opened her record: her care team with consent, like her consents
    ("GET", "/api/patients/{id}/access-log"): (req("GET", "/api/patients/{P}/access-log"),
                                               PATIENT, TEAM_WRITE),
}
