# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/patients/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/patients"): (req("GET", "/api/patients", params={"q": "山田花子"}), HER,
                               TEAM_READ),
    ("POST", "/api/patients"): (req("POST", "/api/patients", {}), granted(), IN_ORG),
    ("GET", "/api/patients/{id}"): (req("GET", "/api/patients/{P}"), PATIENT,
                                    CLINICAL_EMERGENCY),
    ("PATCH", "/api/patients/{id}"): (req("PATCH", "/api/patients/{P}", BAD), PATIENT,
                                      TEAM_WRITE),
    ("POST", "/api/patients/{id}/local-ids"): (req("POST", "/api/patients/{P}/local-ids", {}),
                                               PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/consents"): (req("GET", "/api/patients/{P}/consents"),
                                             PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/consents"): (req("POST", "/api/patients/{P}/consents", {}),
                                              PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/consents/{cid}/withdraw"): (
        req("POST", "/api/patients/{P}/consents/{w.consent}/withdraw", {}), PATIENT,
        TEAM_WRITE),
    ("GET", "/api/patients/{id}/team"): (req("GET", "/api/patients/{P}/team"), PATIENT,
                                         TEAM_READ),
    ("POST", "/api/patients/{id}/team"): (req("POST", "/api/patients/{P}/team", {}), PATIENT,
                                          TEAM_WRITE),
    ("DELETE", "/api/patients/{id}/team/{mid}"): (
        req("DELETE", "/api/patients/{P}/team/{NOBODY}"), PATIENT, TEAM_WRITE),
}
