# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/conference/routes.def that take a body (see
bad_input.py). The routes about one conference act on a conference about 山田 花子 organised by
gh.sato's organisation (minami-gh) with aoba.tanaka of あおば在宅クリニック, made once per
server."""
import datetime

import helpers
from bad_input import *  # noqa: F401,F403 (Case and the ids)

NOBODY = "00000000-0000-4000-8000-000000000007"
CONFERENCE = "{conference}"
C = f"/api/conferences/{CONFERENCE}"


def _at(hour):
    day = helpers.tokyo_today() + datetime.timedelta(days=5)
    return f"{day.isoformat()}T{hour:02d}:00:00+09:00"


_BODY = {"kind": "discharge", "title": "検証", "starts_at": _at(14), "ends_at": _at(15),
         "place": "検証", "agenda": "検証",
         "participants": [{"org_id": helpers.org_id("aoba-homecare"),
                           "user_id": helpers.user_id("aoba.tanaka")}]}


def conference(server):
    cid = getattr(server, "_conference", None)
    if cid is None:
        r = server.session("gh.sato").post(f"/api/patients/{P}/conferences", json=_BODY)
        assert r.status_code == 201, r.text
        cid = server._conference = r.json()["id"]
    return cid


PATHS = {CONFERENCE: conference}

_DUE = (helpers.tokyo_today() + datetime.timedelta(days=7)).isoformat()

CASES = [
    Case("POST", "/api/conferences", "gh.sato", {**_BODY, "kind": "case_study"}, "title", 200,
         ("participants", {})),
    Case("POST", f"/api/patients/{P}/conferences", "gh.sato", _BODY, "agenda", 5000,
         ("starts_at", 1)),
    Case("PATCH", C, "gh.sato", {"title": "検証"}, "place", 500, ("title", 1)),
    Case("POST", C + "/cancel", "gh.sato", {"reason": "検証"}, "reason", 500, ("reason", [])),
    Case("POST", C + "/materials", "gh.sato", {"resource": "Condition/x", "note": "検証"}, "note",
         1000, ("resource", 1)),
    Case("PUT", C + "/minutes", "gh.sato", {"text": "検証"}, "text", 5000, ("version", "1")),
    Case("POST", C + "/minutes/share", "gh.sato"),
    Case("POST", C + "/action-items", "gh.sato",
         {"text": "検証", "owner_user_id": helpers.user_id("aoba.tanaka"), "due_date": _DUE},
         "text", 1000, ("due_date", 20261231)),
    Case("POST", C + f"/action-items/{NOBODY}/done", "aoba.tanaka"),
]

REQUIRED = {
    "POST /api/conferences": "kind",
    f"POST /api/patients/{P}/conferences": "participants",
    f"POST {C}/cancel": "reason",
    f"POST {C}/materials": "resource",
    f"PUT {C}/minutes": "text",
    f"POST {C}/action-items": "owner_user_id",
}

TEXT = {
    "POST /api/conferences": ["title"],
    f"PATCH {C}": ["title"],
    f"POST {C}/cancel": ["reason"],
    f"PUT {C}/minutes": ["text"],
    f"POST {C}/action-items": ["text"],
}
