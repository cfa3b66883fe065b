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

# ---- timeline: the team timeline of a patient (test_homecare_timeline.py) ----------------------

def setup_timeline(w):
    """A post about her by gh.sato with one photo."""
    from homecare_timeline_helpers import grey_jpeg
    sato = w.server.session("gh.sato")
    r = sato.post(f"/api/patients/{P}/homecare/posts", json={"category": "report",
                                                              "text": "マトリクス用の投稿"})
    assert r.status_code == 201, r.text
    w.timeline_post = r.json()["id"]
    r = sato.post(f"/api/patients/{P}/homecare/posts/{w.timeline_post}/attachments",
                  data=grey_jpeg(32, 32), headers={"Content-Type": "image/jpeg"})
    assert r.status_code == 201, r.text


TIMELINE = "/api/patients/{P}/homecare/posts"
ROWS.update({
    # posting, marking read and attaching are writes: the care team with consent only (a share
    # holder reads the timeline but does not post)
    ("POST", "/api/patients/{id}/homecare/posts"): (req("POST", TIMELINE, BAD), PATIENT,
                                                    TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/posts"): (req("GET", TIMELINE), PATIENT, TEAM_READ),
    ("POST", "/api/patients/{id}/homecare/posts/{post}/read"): (
        req("POST", TIMELINE + "/{w.timeline_post}/read", BAD), PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/homecare/posts/{post}/attachments"): (
        req("POST", TIMELINE + "/{w.timeline_post}/attachments", BAD), PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/posts/{post}/attachments/{n}"): (
        req("GET", TIMELINE + "/{w.timeline_post}/attachments/1"), PATIENT, TEAM_READ),
    # the one stream (timeline_stream.c): read like the timeline
    ("GET", "/api/patients/{id}/homecare/timeline"): (
        req("GET", "/api/patients/{P}/homecare/timeline"), PATIENT, TEAM_READ),
})


def setup(w):
    """Every part's data for its rows: each part of the module defines its own setup_<part>(w)
    in this file (called here in name order)."""
    for name, make in sorted(globals().items()):
        if name.startswith("setup_") and callable(make):
            make(w)

# ---- figures: visit figures of an organisation (test_homecare_figures.py) ----------------------
# counts only, like the referral figures: the organisation's members (and their tokens) and the
# network office; anyone else 403
ROWS.update({
    ("GET", "/api/homecare/figures"): (
        req("GET", "/api/homecare/figures", params={"org_id": GH}), granted(),
        {"member", "token", "office"}),
    ("GET", "/api/homecare/figures.csv"): (
        req("GET", "/api/homecare/figures.csv", params={"org_id": GH}), granted(),
        {"member", "token", "office"}),
})

# ---- report: the monthly 訪問看護報告書 (test_homecare_report.py) ------------------------------
# The rule decides the patient before the handler (the team with consent writes, the team and a
# share read); the handler then lets only a nurse of the team's nursing station write (403
# homecare.report_not_station, tested in test_homecare_report.py). The bodies are malformed
# (BAD) and {NOBODY} is no report of hers (404 homecare.report_not_found once access is granted),
# so a granted request changes nothing.
REPORTS = "/api/patients/{P}/homecare/reports"
ROWS.update({
    ("GET", "/api/patients/{id}/homecare/reports"): (req("GET", REPORTS), PATIENT, TEAM_READ),
    ("GET", "/api/patients/{id}/homecare/reports/prefill"): (
        req("GET", REPORTS + "/prefill?month=1999-13"), PATIENT, TEAM_READ),
    ("POST", "/api/patients/{id}/homecare/reports"): (req("POST", REPORTS, BAD), PATIENT,
                                                      TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/reports/{rid}"): (
        req("GET", REPORTS + "/{NOBODY}"), PATIENT, TEAM_READ),
    ("PATCH", "/api/patients/{id}/homecare/reports/{rid}"): (
        req("PATCH", REPORTS + "/{NOBODY}", BAD), PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/homecare/reports/{rid}/sign"): (
        req("POST", REPORTS + "/{NOBODY}/sign"), PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/homecare/reports/{rid}/corrections"): (
        req("POST", REPORTS + "/{NOBODY}/corrections", BAD), PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/reports/{rid}/report.pdf"): (
        req("GET", REPORTS + "/{NOBODY}/report.pdf"), PATIENT, TEAM_READ),
})

# ---- alerts: vitals that alert (test_homecare_alerts.py, issue 17) ------------------------------
# The rule decides the patient before the handler (the team with consent writes, the team and a
# share read); the handler then lets only a physician set the settings and a physician or nurse
# acknowledge (tested in test_homecare_alerts.py). The bodies are malformed (BAD) and {NOBODY} is
# no alert of hers, so a granted request changes nothing.
ALERTS = "/api/patients/{P}/homecare"
ROWS.update({
    ("GET", "/api/homecare/alert-profiles"): (req("GET", "/api/homecare/alert-profiles"),
                                              granted(), EVERYONE),
    ("GET", "/api/patients/{id}/homecare/alert-settings"): (
        req("GET", ALERTS + "/alert-settings"), PATIENT, TEAM_READ),
    ("PUT", "/api/patients/{id}/homecare/alert-settings"): (
        req("PUT", ALERTS + "/alert-settings", BAD), PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/alerts"): (req("GET", ALERTS + "/alerts"), PATIENT,
                                                    TEAM_READ),
    ("POST", "/api/patients/{id}/homecare/alerts/{aid}/acknowledge"): (
        req("POST", ALERTS + "/alerts/{NOBODY}/acknowledge", BAD), PATIENT, TEAM_WRITE),
})

# ---- alerts that escalate, vitals entered alone (test_homecare_escalation.py, issue 17) ----------
# The escalation minutes are each organisation's (its administrator sets them: none of the matrix's
# logins administers one); vitals entered alone follow the patient's rule like a record's.
ROWS.update({
    ("GET", "/api/homecare/alert-escalation"): (req("GET", "/api/homecare/alert-escalation"),
                                                granted(), EVERYONE),
    ("PUT", "/api/homecare/alert-escalation"): (
        req("PUT", "/api/homecare/alert-escalation", BAD), granted(), set()),
    ("POST", "/api/patients/{id}/homecare/vitals"): (req("POST", ALERTS + "/vitals", BAD),
                                                     PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/homecare/vitals"): (req("GET", ALERTS + "/vitals"), PATIENT,
                                                    TEAM_READ),
})
