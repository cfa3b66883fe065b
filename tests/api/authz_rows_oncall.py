# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/oncall/routes.def (see
test_authz_matrix.py). Every login of the matrix acts in an organisation (the network office in
みなみ市役所), so every one reads its own roster. None of them administers an organisation, so
the administrators' routes admit nobody of it; the disaster view is the network office's."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    # ---- rosters ----
    ("POST", "/api/oncall/shifts"): (req("POST", "/api/oncall/shifts", BAD), granted(), set()),
    ("GET", "/api/oncall/shifts"): (req("GET", "/api/oncall/shifts"), granted(), EVERYONE),
    ("POST", "/api/oncall/shifts/{sid}/swap"): (
        req("POST", "/api/oncall/shifts/{NOBODY}/swap", BAD), granted(), EVERYONE),
    ("DELETE", "/api/oncall/shifts/{sid}"): (req("DELETE", "/api/oncall/shifts/{NOBODY}"),
                                             granted(), set()),
    ("GET", "/api/oncall/now"): (req("GET", "/api/oncall/now"), granted(), EVERYONE),
    # a patient's: the rule decides (the team is read like the care team)
    ("GET", "/api/patients/{id}/oncall"): (req("GET", "/api/patients/{P}/oncall"), PATIENT,
                                           TEAM_READ),
    ("GET", "/api/patients/{id}/oncall/dependence"): (
        req("GET", "/api/patients/{P}/oncall/dependence"), PATIENT, TEAM_READ),
    ("PUT", "/api/patients/{id}/oncall/dependence"): (
        req("PUT", "/api/patients/{P}/oncall/dependence", BAD), PATIENT, TEAM_WRITE),
    # ---- backup ----
    ("POST", "/api/oncall/partners"): (req("POST", "/api/oncall/partners", BAD), granted(),
                                       set()),
    ("GET", "/api/oncall/partners"): (req("GET", "/api/oncall/partners"), granted(), EVERYONE),
    ("POST", "/api/oncall/partners/{pid}/accept"): (
        req("POST", "/api/oncall/partners/{NOBODY}/accept", BAD), granted(), set()),
    ("POST", "/api/oncall/partners/{pid}/end"): (
        req("POST", "/api/oncall/partners/{NOBODY}/end", BAD), granted(), set()),
    ("POST", "/api/oncall/declarations"): (req("POST", "/api/oncall/declarations", BAD),
                                           granted(), set()),
    ("GET", "/api/oncall/declarations"): (req("GET", "/api/oncall/declarations"), granted(),
                                          EVERYONE),
    ("POST", "/api/oncall/declarations/{did}/end"): (
        req("POST", "/api/oncall/declarations/{NOBODY}/end", BAD), granted(), set()),
    ("GET", "/api/oncall/disaster"): (req("GET", "/api/oncall/disaster"), granted(), {"office"}),
}
