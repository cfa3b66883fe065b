# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/transfer/routes.def that take a body (救急画像送信; see
bad_input.py). The routes about one transfer act on an emergency transfer of 山田 花子 from
gh.sato's organisation (minami-gh) to minami-uh, made once per server."""
import helpers
from bad_input import *  # noqa: F401,F403 (Case and the ids)

UH = helpers.org_id("minami-uh")
TRANSFER = "{transfer}"
T = f"/api/transfers/{TRANSFER}"
_BODY = {"to_org_id": UH, "study_uids": [], "note": "検証", "reason": "検証"}


def transfer(server):
    tid = getattr(server, "_transfer", None)
    if tid is None:
        r = server.session("gh.sato").post(f"/api/patients/{P}/transfers", json=_BODY)
        assert r.status_code == 201, r.text
        tid = server._transfer = r.json()["id"]
    return tid


PATHS = {TRANSFER: transfer}

CASES = [
    Case("POST", f"/api/patients/{P}/transfers", "gh.sato", _BODY, "note", 500,
         ("study_uids", "1.2.3")),
    Case("POST", f"{T}/accept", "uh.fujita"),
    Case("POST", f"{T}/close", "gh.sato"),
    Case("POST", f"{T}/review", "gh.admin", {"comment": "検証"}, "comment", 1000, ("comment", 1)),
]

REQUIRED = {
    f"POST /api/patients/{P}/transfers": "to_org_id",
}

TEXT = {
    f"POST /api/patients/{P}/transfers": ["reason"],
}
