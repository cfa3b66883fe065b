# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/coview/routes.def (see
test_authz_matrix.py). A co-viewing session on her study, started by gh.sato, has no other
participant and invites nobody: only its starter (the member, and the member's token, which acts
as gh.sato) finds it; anyone else, whatever it may see of her, finds no such session. Starting
one is reading the study: whoever may read it."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)
from authz_rows_imaging import imaging

SESSION = granted("coview.not_found")
STARTER = {"member", "token"}


def session_id(w):
    """The world's session, started again if it ended (it ends after 15 idle minutes)."""
    sato = w.server.session("gh.sato")
    sid = getattr(w, "coview", None)
    if sid is None or sato.get(f"/api/coview/{sid}").status_code != 200:
        r = sato.post(f"/api/imaging/studies/{imaging(w)[0]}/coview", json={})
        assert r.status_code == 201, r.text
        sid = w.coview = r.json()["id"]
    return sid


def setup(w):
    """The session, made before any probe (a probe compares the store before and after)."""
    session_id(w)


def on_session(method, tail="", body=None):
    return lambda w: (method, f"/api/coview/{session_id(w)}{tail}", body, None)


ROWS = {
    ("POST", "/api/imaging/studies/{study}/coview"): (
        lambda w: ("POST", f"/api/imaging/studies/{imaging(w)[0]}/coview", BAD, None),
        granted("imaging.study_not_found"), TEAM_READ),
    ("GET", "/api/coview/{sid}"): (on_session("GET"), SESSION, STARTER),
    # a stream probe is closed before its body is read: the status alone says (404 refused)
    ("GET", "/api/coview/{sid}/stream"): (on_session("STREAM", "/stream"),
                                          lambda r, w: r.status_code == 200, STARTER),
    ("POST", "/api/coview/{sid}/invite"): (on_session("POST", "/invite", BAD), SESSION, STARTER),
    ("POST", "/api/coview/{sid}/join"): (on_session("POST", "/join", BAD), SESSION, STARTER),
    ("POST", "/api/coview/{sid}/leave"): (on_session("POST", "/leave", BAD), SESSION, STARTER),
    ("PUT", "/api/coview/{sid}/view"): (on_session("PUT", "/view", BAD), SESSION, STARTER),
    ("PUT", "/api/coview/{sid}/pointer"): (on_session("PUT", "/pointer", BAD), SESSION, STARTER),
    ("POST", "/api/coview/{sid}/messages"): (on_session("POST", "/messages", BAD), SESSION,
                                             STARTER),
    ("POST", "/api/coview/{sid}/presenter"): (on_session("POST", "/presenter", BAD), SESSION,
                                              STARTER),
}
