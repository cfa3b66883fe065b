# SPDX-License-Identifier: Apache-2.0
"""Helpers of the co-viewing tests (test_coview.py): a study of 山田 花子 sent by minami-gh, a
session on it, and a reader of Server-Sent Events streams."""
import json
import queue
import threading
import time

import helpers
from dicomweb_helpers import make_instance, stow, uid

AOBA = helpers.org_id("aoba-homecare")  # on her team, named by her consent
GH = helpers.org_id("minami-gh")        # sends the study (a party to it)
VNS = helpers.org_id("minami-vns")      # a third organisation: sees nothing of her
DEADLINE = 20  # seconds (sanitizer builds are slow)


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


class Stream:
    """An open event stream read by a thread: events (dicts with id, event, data parsed) and
    comments go to a queue; None marks the end of the stream."""

    def __init__(self, session, path):
        self.items = queue.Queue()
        self.response = session.get(path, stream=True, timeout=(10, 60))
        self.status = self.response.status_code
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = {}
        try:
            for line in self.response.iter_lines(chunk_size=None, decode_unicode=True):
                if line.startswith(":"):
                    self.items.put({"comment": line[1:].strip()})
                elif line == "":
                    if "data" in event:
                        event["data"] = json.loads(event["data"])
                        event["received"] = time.monotonic()
                        self.items.put(event)
                    event = {}
                else:
                    name, _, value = line.partition(":")
                    event[name] = value[1:] if value.startswith(" ") else value
        except Exception:  # noqa: BLE001 - the connection went away: the stream ended
            pass
        self.items.put(None)

    def next(self, what, match, timeout=DEADLINE):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            try:
                item = self.items.get(timeout=left)
            except queue.Empty:
                raise AssertionError(f"timed out waiting for {what}") from None
            if item is None or match(item):
                return item

    def event(self, name, match=lambda data: True):
        item = self.next(f"event {name}", lambda i: i.get("event") == name and match(i["data"]))
        assert item is not None, f"the stream ended before event {name}"
        return item["data"]

    def state(self, match):
        return self.event("state", match)

    def events_until_heartbeats(self, count=2):
        """Events received before count further heartbeats (a heartbeat goes out only after
        everything already due for the stream)."""
        seen = []
        while count:
            item = self.next("a heartbeat", lambda i: True)
            assert item is not None, "the stream ended"
            if "comment" in item:
                count -= item["comment"] == "heartbeat"
            else:
                seen.append(item)
        return seen

    def ended(self):
        return self.next("the end of the stream", lambda i: False) is None

    def close(self):
        self.response.close()
