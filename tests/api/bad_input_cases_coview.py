# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/coview/routes.def (see bad_input.py). They act on a
co-viewing session of gh.sato on a study of 山田 花子 that gh.sato sent, made once per server
(again if it ended, after 15 idle minutes). The view state itself is the viewer's opaque JSON
object (its size and shape: test_coview.py)."""
import helpers
from bad_input import *  # noqa: F401,F403 (Case and the ids)
from coview_helpers import AOBA, her_study

SID = "{coview_session}"
STUDY = "{coview_study}"
S = f"/api/coview/{SID}"


def session(server):
    sato = server.session("gh.sato")
    sid = getattr(server, "_coview_session", None)
    if sid is None or sato.get(f"/api/coview/{sid}").status_code != 200:
        r = sato.post(f"/api/imaging/studies/{her_study(server)}/coview", json={})
        assert r.status_code == 201, r.text
        sid = server._coview_session = r.json()["id"]
    return sid


PATHS = {SID: session, STUDY: her_study}

CASES = [
    Case("POST", f"/api/imaging/studies/{STUDY}/coview", "gh.sato", {}),
    Case("POST", f"{S}/invite", "gh.sato", {"org_id": AOBA}, None, None, ("org_id", 5)),
    Case("POST", f"{S}/join", "gh.sato", {}),
    Case("POST", f"{S}/leave", "gh.sato", {}),
    Case("PUT", f"{S}/view", "gh.sato", {"view": {"layout": "1x1"}}, None, None, ("view", "1x1")),
    Case("PUT", f"{S}/pointer", "gh.sato", {"pointer": {"pane": 0, "x": 0.5, "y": 0.5}}, None,
         None, ("pointer", 3)),
    Case("POST", f"{S}/messages", "gh.sato", {"text": "検証"}, "text", 500, ("text", 1)),
    Case("POST", f"{S}/presenter", "gh.sato",
         {"user_id": helpers.user_id("gh.sato"), "org_id": helpers.org_id("minami-gh")}, None,
         None, ("user_id", 5)),
]

REQUIRED = {
    f"POST {S}/invite": "org_id",
    f"PUT {S}/view": "view",
    f"POST {S}/messages": "text",
    f"POST {S}/presenter": "user_id",
}

TEXT = {
    f"POST {S}/messages": ["text"],
}
