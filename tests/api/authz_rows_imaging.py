# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/imaging/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    # the CD import: a JSON body, which the route refuses (415) once access is decided
    ("POST", "/api/imaging/imports"): (req("POST", "/api/imaging/imports", {}), granted(),
                                       IN_ORG),
    ("POST", "/api/imaging/imports/patients/{id}"): (
        req("POST", "/api/imaging/imports/patients/{P}", {}), PATIENT, TEAM_WRITE),
}
