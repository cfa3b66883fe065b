# SPDX-License-Identifier: Apache-2.0
"""Helpers of the co-viewing tests (test_coview.py): a study of 山田 花子 sent by minami-gh, a
session on it, and a reader of Server-Sent Events streams."""
import json
import time

import helpers
import test_events
from dicomweb_helpers import make_instance, stow, uid

AOBA = helpers.org_id("aoba-homecare")  # on her team, named by her consent
GH = helpers.org_id("minami-gh")        # sends the study (a party to it)
VNS = helpers.org_id("minami-vns")      # a third organisation: sees nothing of her


def her_study(server):
    """A CT study of 山田 花子 (GH-000001) sent by gh.sato, once per server."""
    study = getattr(server, "_coview_study", None)
    if study is None:
        study = uid()
        files = [make_instance("CT_small.dcm", study, uid(), "GH-000001",
                               "Yamada^Hanako=山田^花子=やまだ^はなこ", description="胸部CT",
                               instance_number=n) for n in (1, 2)]
        stow(server.session("gh.sato"), files)
        server._coview_study = study
    return study


def start(server, login="gh.sato"):
    r = server.session(login).post(f"/api/imaging/studies/{her_study(server)}/coview", json={})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def invite(server, sid, org, user=None, login="gh.sato"):
    body = {"org_id": org}
    if user:
        body["user_id"] = helpers.user_id(user)
    return server.session(login).post(f"/api/coview/{sid}/invite", json=body)


def joined(server, guest="aoba.tanaka"):
    """A session of gh.sato with guest (of あおば在宅クリニック) invited and joined."""
    sid = start(server)
    r = invite(server, sid, AOBA, guest)
    assert r.status_code == 200, r.text
    r = server.session(guest).post(f"/api/coview/{sid}/join", json={})
    assert r.status_code == 200, r.text
    return sid


class Stream(test_events.Stream):
    """An open event stream read by a thread (test_events.Stream), each event's data parsed as
    JSON and stamped with the time it arrived."""

    def __init__(self, session, path):
        super().__init__(session, path)
        self.status = self.response.status_code

    def _item(self, event):
        event["data"] = json.loads(event["data"])
        event["received"] = time.monotonic()
        return event

    def event(self, name, match=lambda data: True):
        item = self.next(f"event {name}", lambda i: i.get("event") == name and match(i["data"]))
        assert item is not None, f"the stream ended before event {name}"
        return item["data"]

    def state(self, match):
        return self.event("state", match)
