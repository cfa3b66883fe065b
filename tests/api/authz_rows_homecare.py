# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/homecare/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    # a code list, the same for every signed-in user and token
    ("GET", "/api/homecare/visit-kinds"): (req("GET", "/api/homecare/visit-kinds"), granted(),
                                           EVERYONE),
}


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
})


def setup(w):
    """Every part's data for its rows: each part of the module defines its own setup_<part>(w)
    in this file (called here in name order)."""
    for name, make in sorted(globals().items()):
        if name.startswith("setup_") and callable(make):
            make(w)
