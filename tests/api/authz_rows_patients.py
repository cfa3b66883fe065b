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
    # finding the same patient (issue 13, item 3): anyone who registers patients matches and
    # links (each candidate decided by the match rule); only the network office sees duplicates
    ("POST", "/api/patients/match"): (req("POST", "/api/patients/match", {}), granted(),
                                      IN_ORG),
    ("POST", "/api/patients/link"): (req("POST", "/api/patients/link", {}), granted(), IN_ORG),
    ("POST", "/fhir/Patient/$match"): (req("POST", "/fhir/Patient/$match", {}), granted(),
                                       IN_ORG),
    ("GET", "/api/patient-duplicates"): (req("GET", "/api/patient-duplicates"), granted(),
                                         {"office"}),
    ("POST", "/api/patient-duplicates/merge"): (
        req("POST", "/api/patient-duplicates/merge", {}), granted(), {"office"}),
    ("POST", "/api/patient-duplicates/distinct"): (
        req("POST", "/api/patient-duplicates/distinct", {}), granted(), {"office"}),
}
