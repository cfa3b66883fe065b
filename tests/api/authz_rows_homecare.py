# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/homecare/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    # a code list, the same for every signed-in user and token
    ("GET", "/api/homecare/visit-kinds"): (req("GET", "/api/homecare/visit-kinds"), granted(),
                                           EVERYONE),
    # ---- schedule (the shared visit schedule) ----
    # a patient's schedule: the rule decides before the handler (an empty or unknown-field body
    # is refused after); {NOBODY} is no visit or plan
    ("POST", "/api/patients/{id}/homecare/visits"): (
        req("POST", "/api/patients/{P}/homecare/visits", {}), PATIENT, TEAM_WRITE),
    ("PATCH", "/api/patients/{id}/homecare/visits/{vid}"): (
        req("PATCH", "/api/patients/{P}/homecare/visits/{NOBODY}", {}), PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/homecare/visits/{vid}/cancel"): (
        req("POST", "/api/patients/{P}/homecare/visits/{NOBODY}/cancel", {}), PATIENT,
        TEAM_WRITE),
    ("POST", "/api/patients/{id}/homecare/plans"): (
        req("POST", "/api/patients/{P}/homecare/plans", {}), PATIENT, TEAM_WRITE),
    ("PATCH", "/api/patients/{id}/homecare/plans/{pid}"): (
        req("PATCH", "/api/patients/{P}/homecare/plans/{NOBODY}", {}), PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/schedule"): (
        req("GET", "/api/patients/{P}/homecare/schedule"), PATIENT, TEAM_READ),
    ("POST", "/api/patients/{id}/homecare/ical-links"): (
        req("POST", "/api/patients/{P}/homecare/ical-links", BAD), PATIENT, TEAM_WRITE),
    # one's own visits and links: every user (the lists filter by the rule)
    ("GET", "/api/homecare/my-day"): (req("GET", "/api/homecare/my-day"), granted(), EVERYONE),
    ("POST", "/api/homecare/ical-links"): (req("POST", "/api/homecare/ical-links", BAD),
                                           granted(), EVERYONE),
    ("GET", "/api/homecare/ical-links"): (req("GET", "/api/homecare/ical-links"), granted(),
                                          EVERYONE),
    ("DELETE", "/api/homecare/ical-links/{lid}"): (
        req("DELETE", "/api/homecare/ical-links/{NOBODY}"), granted(), EVERYONE),
    # the feed needs no session: a token that is no live link finds nothing
    ("GET", "/api/homecare/ical/{token}"): (
        req("GET", "/api/homecare/ical/" + "A" * 43 + ".ics"), granted(), EVERYONE),
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
