# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/homecare/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    # a code list, the same for every signed-in user and token
    ("GET", "/api/homecare/visit-kinds"): (req("GET", "/api/homecare/visit-kinds"), granted(),
                                           EVERYONE),
}

# visit records (訪問記録): the care team with consent writes; the team and a share read. The
# bodies are malformed (BAD), so a granted write changes nothing; {NOBODY} is no record of hers
# (404 homecare.records_not_found once access is granted).
ROWS.update({
    ("POST", "/api/patients/{id}/homecare/records"): (
        req("POST", "/api/patients/{P}/homecare/records", BAD), PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/records"): (
        req("GET", "/api/patients/{P}/homecare/records"), PATIENT, TEAM_READ),
    ("GET", "/api/patients/{id}/homecare/records/{rid}"): (
        req("GET", "/api/patients/{P}/homecare/records/{NOBODY}"), PATIENT, TEAM_READ),
    ("POST", "/api/patients/{id}/homecare/records/{rid}/corrections"): (
        req("POST", "/api/patients/{P}/homecare/records/{NOBODY}/corrections", BAD), PATIENT,
        TEAM_WRITE),
    ("POST", "/api/patients/{id}/homecare/records/{rid}/sign"): (
        req("POST", "/api/patients/{P}/homecare/records/{NOBODY}/sign"), PATIENT, TEAM_WRITE),
})
