# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/sharing/routes.def (see
test_authz_matrix.py). The region's rules are read by everyone and written by the network office
only; a patient's rules, the preview and the log go through the access rule like the care team."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

RULE = {"kind": "visit_record", "recipients": [{"role": "care_manager"}], "timing": "immediate",
        "unknown_field": True}

ROWS = {
    # ---- the region's rules ----
    ("GET", "/api/sharing/vocabulary"): (req("GET", "/api/sharing/vocabulary"), granted(),
                                         EVERYONE),
    ("GET", "/api/sharing/rules"): (req("GET", "/api/sharing/rules"), granted(), EVERYONE),
    ("POST", "/api/sharing/rules"): (req("POST", "/api/sharing/rules", RULE), granted(),
                                     {"office"}),
    ("PUT", "/api/sharing/rules/{rid}"): (req("PUT", "/api/sharing/rules/{NOBODY}", RULE),
                                          granted(), {"office"}),
    ("DELETE", "/api/sharing/rules/{rid}"): (req("DELETE", "/api/sharing/rules/{NOBODY}"),
                                             granted(), {"office"}),
    # ---- a patient's: the rule decides ----
    ("GET", "/api/patients/{id}/sharing/rules"): (req("GET", "/api/patients/{P}/sharing/rules"),
                                                  PATIENT, TEAM_READ),
    ("POST", "/api/patients/{id}/sharing/rules"): (
        req("POST", "/api/patients/{P}/sharing/rules", RULE), PATIENT, TEAM_WRITE),
    ("PUT", "/api/patients/{id}/sharing/rules/{rid}"): (
        req("PUT", "/api/patients/{P}/sharing/rules/{NOBODY}", RULE), PATIENT, TEAM_WRITE),
    ("DELETE", "/api/patients/{id}/sharing/rules/{rid}"): (
        req("DELETE", "/api/patients/{P}/sharing/rules/{NOBODY}"), PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/sharing/preview"): (
        req("POST", "/api/patients/{P}/sharing/preview", {"kind": "visit_record"}), PATIENT,
        TEAM_READ),
    ("GET", "/api/patients/{id}/sharing/deliveries"): (
        req("GET", "/api/patients/{P}/sharing/deliveries"), PATIENT, TEAM_READ),
}
