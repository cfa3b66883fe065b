# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/conference/routes.def (see
test_authz_matrix.py). The world has one conference about her, organised by minami-gh (the
member's organisation, on her team with consent) with no other participant: every other kind,
whatever it may see of her record, takes no part and finds no such conference."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)


def setup(w):
    """A conference about her organised by gh.sato's organisation."""
    sato = w.server.session("gh.sato")
    day = tokyo_today().isoformat()
    r = sato.post(f"/api/patients/{P}/conferences",
                  json={"kind": "discharge", "title": "マトリクス用の退院前カンファレンス",
                        "starts_at": f"{day}T23:00:00+09:00", "ends_at": f"{day}T23:30:00+09:00",
                        "participants": []})
    assert r.status_code == 201, r.text
    w.conference = r.json()["id"]


CONFERENCE = granted("conference.not_found")
ORGANISER = {"member", "token"}
C = "/api/conferences/{w.conference}"

ROWS = {
    # codes, the same for everyone
    ("GET", "/api/conference-kinds"): (req("GET", "/api/conference-kinds"), granted(), EVERYONE),
    # lists of one's organisation or oneself, filtered by the rule (the office's organisation
    # takes part in none here and sees no patient)
    ("GET", "/api/conferences"): (req("GET", "/api/conferences"), granted(), EVERYONE),
    ("GET", "/api/conference-action-items"): (req("GET", "/api/conference-action-items"),
                                              granted(), EVERYONE),
    # a teaching conference names no patient (a malformed body changes nothing)
    ("POST", "/api/conferences"): (req("POST", "/api/conferences", BAD), granted(), EVERYONE),
    # a conference about her: the router's access rule for writes decides
    ("POST", "/api/patients/{id}/conferences"): (
        req("POST", "/api/patients/{P}/conferences", BAD), PATIENT, TEAM_WRITE),
    # one conference: its participants only (here the organiser); BAD bodies change nothing
    ("GET", "/api/conferences/{cid}"): (req("GET", C), CONFERENCE, ORGANISER),
    ("PATCH", "/api/conferences/{cid}"): (req("PATCH", C, BAD), CONFERENCE, ORGANISER),
    ("POST", "/api/conferences/{cid}/cancel"): (req("POST", C + "/cancel", BAD), CONFERENCE,
                                                ORGANISER),
    ("POST", "/api/conferences/{cid}/materials"): (req("POST", C + "/materials", BAD),
                                                   CONFERENCE, ORGANISER),
    ("PUT", "/api/conferences/{cid}/minutes"): (req("PUT", C + "/minutes", BAD), CONFERENCE,
                                                ORGANISER),
    # no minutes yet: a granted share is refused (409) and changes nothing
    ("POST", "/api/conferences/{cid}/minutes/share"): (req("POST", C + "/minutes/share"),
                                                       CONFERENCE, ORGANISER),
    ("POST", "/api/conferences/{cid}/action-items"): (req("POST", C + "/action-items", BAD),
                                                      CONFERENCE, ORGANISER),
    ("POST", "/api/conferences/{cid}/action-items/{aid}/done"): (
        req("POST", C + "/action-items/{NOBODY}/done"), CONFERENCE, ORGANISER),
    ("GET", "/api/conferences/{cid}/export"): (req("GET", C + "/export"), CONFERENCE, ORGANISER),
}
