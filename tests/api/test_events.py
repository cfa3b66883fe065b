# SPDX-License-Identifier: Apache-2.0
"""The real-time channel (issue 4): GET /api/events streams Server-Sent Events. Events with an
audience (an organisation) reach only the streams of its members; a reconnecting client resumes
with Last-Event-ID; a stream ends with its session; shutdown ends every stream at once."""
import json
import queue
import threading
import time

import helpers
from helpers import YAMADA_HANAKO, assert_problem

AOBA = helpers.org_id("aoba-homecare")  # on patient 0's team
HEARTBEAT = ("--sse-heartbeat-seconds", "1")
DEADLINE = 20  # seconds (sanitizer builds are slow)
REASON = "意識障害で救急搬送。服薬の確認のため"


class Stream:
    """An open event stream read by a thread: events (dicts with id, event, data) and
    heartbeats go to a queue; None marks the end of the stream."""

    def __init__(self, session, path="/api/events", headers=None):
        self.items = queue.Queue()
        self.response = session.get(path, stream=True, headers=headers, timeout=(10, 60))
        if self.response.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = {}
        try:
            for line in self.response.iter_lines(chunk_size=None, decode_unicode=True):
                if line.startswith(":"):
                    self.items.put({"comment": line[1:].strip()})
                elif line == "":
                    if "data" in event:  # a bare "retry:" block is no event
                        self.items.put(self._item(event))
                    event = {}
                else:
                    name, _, value = line.partition(":")
                    event[name] = value[1:] if value.startswith(" ") else value
        except Exception:  # noqa: BLE001 - the connection went away: the stream ended
            pass
        self.items.put(None)

    def next(self, what, match=lambda item: True, timeout=DEADLINE):
        """The next item that matches (skipping others), or an AssertionError at the deadline."""
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

    def _item(self, event):
        """What goes to the queue for one event (a subclass may parse its data)."""
        return event

    def event(self, name, timeout=DEADLINE):
        item = self.next(f"event {name}", lambda i: i.get("event") == name, timeout)
        assert item is not None, f"the stream ended before event {name}"
        return item

    def events_until_heartbeats(self, count=2):
        """Events received before count further heartbeats: a heartbeat goes out only after
        everything already published for the stream."""
        seen = []
        while count:
            item = self.next("a heartbeat", lambda i: True)
            assert item is not None, "the stream ended"
            if "comment" in item:
                count -= item["comment"] == "heartbeat"
            else:
                seen.append(item)
        return seen

    def ended(self, timeout=DEADLINE):
        return self.next("the end of the stream", lambda i: False, timeout) is None

    def close(self):
        self.response.close()


def start_emergency(server):
    fujita = server.session("uh.fujita")
    r = fujita.post(f"/api/patients/{YAMADA_HANAKO}/emergency", json={"reason": REASON})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def notification_of(server, grant, org):
    [row] = server.query("SELECT id FROM notifications WHERE ref_id = ? AND org_id = ?",
                         (grant, org))
    return row["id"]


def test_notification_reaches_the_team_organisation_only(start_server):
    server = start_server(*HEARTBEAT)
    aoba = Stream(server.session("aoba.tanaka"))
    assert aoba.response.status_code == 200
    assert aoba.response.headers["Content-Type"].startswith("text/event-stream")
    assert aoba.response.headers["Cache-Control"] == "no-store"
    assert aoba.response.headers["X-Accel-Buffering"] == "no"
    only = Stream(server.session("aoba.nakajima"), "/api/events?topics=notification")
    other = Stream(server.session("ph.ito"))  # a pharmacy, not on the patient's team
    grant = start_emergency(server)
    # ids only, and no patient: the notification list is access-checked and audited
    expected = {"id": notification_of(server, grant, AOBA), "kind": "emergency_access"}
    got = aoba.event("notification")
    assert json.loads(got["data"]) == expected and int(got["id"]) > 0
    assert json.loads(only.event("notification")["data"]) == expected
    assert other.events_until_heartbeats() == []
    for s in (aoba, only, other):
        s.close()


def test_bad_requests(start_server):
    server = start_server(*HEARTBEAT)
    s = server.session("aoba.tanaka")
    assert_problem(server.anon().get("/api/events"), 401, "auth.required")
    assert_problem(s.get("/api/events?topics=notification,nope"), 400, "request.bad_query")
    assert_problem(s.get("/api/events?topics="), 400, "request.bad_query")
    assert_problem(s.get("/api/events?other=1"), 400, "request.bad_query")
    assert_problem(s.get("/api/events", headers={"Last-Event-ID": "-1"}), 400,
                   "request.bad_query")
    assert_problem(s.get("/api/events?last_event_id=x"), 400, "request.bad_query")


def test_last_event_id_replays_from_the_ring(start_server):
    server = start_server(*HEARTBEAT)
    s = server.session("aoba.tanaka")
    live = Stream(s)
    start_emergency(server)
    first = live.event("notification")
    live.close()
    event_id = int(first["id"])
    # a reconnecting client gets what it missed, by header or query parameter
    again = Stream(s, headers={"Last-Event-ID": str(event_id - 1)})
    assert again.event("notification") == first
    again.close()
    by_query = Stream(s, f"/api/events?last_event_id={event_id - 1}")
    assert by_query.event("notification") == first
    by_query.close()
    # nothing is replayed past the given id, nor for topics not asked for
    up_to_date = Stream(s, headers={"Last-Event-ID": str(event_id)})
    assert up_to_date.events_until_heartbeats() == []
    up_to_date.close()
    other_topic = Stream(s, f"/api/events?topics=directory.status&last_event_id={event_id - 1}")
    assert other_topic.events_until_heartbeats() == []
    other_topic.close()
    # an id the server does not have (e.g. from before a restart): "reset", refetch everything
    lost = Stream(s, headers={"Last-Event-ID": str(event_id + 1000)})
    assert lost.event("reset")["data"] == "{}"
    lost.close()


def test_the_stream_ends_with_its_session(start_server):
    server = start_server(*HEARTBEAT)
    s = helpers.login(server, "aoba.tanaka")
    stream = Stream(s)
    assert stream.next("a heartbeat", lambda i: i.get("comment") == "heartbeat") is not None
    assert s.post("/api/auth/logout").status_code in (200, 204)
    assert stream.ended()


def test_shutdown_ends_open_streams(start_server):
    server = start_server()  # the default 15 s heartbeat: shutdown must not wait for it
    streams = [Stream(server.session(login)) for login in ("aoba.tanaka", "gh.sato", "ph.ito")]
    assert all(st.response.status_code == 200 for st in streams)
    began = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - began < 10
    for st in streams:
        assert st.ended(timeout=5)


def test_api_token_stream_ends_when_revoked(start_server):
    server = start_server(*HEARTBEAT)
    admin = server.session("aoba.tanaka")  # org admin of aoba-homecare
    r = admin.post("/api/tokens", json={"name": "通知連携",
                                        "user_id": helpers.user_id("aoba.nakajima")})
    assert r.status_code == 201, r.text
    stream = Stream(helpers.bearer(server, r.json()["token"]))
    assert stream.response.status_code == 200
    start_emergency(server)
    assert json.loads(stream.event("notification")["data"])["kind"] == "emergency_access"
    assert admin.delete(f"/api/tokens/{r.json()['id']}").status_code in (200, 204)
    assert stream.ended()


def test_a_directory_status_change_reaches_every_board(start_server):
    """Any logged-in user's stream sees a status change of any organisation (the capacity board
    listens to directory.status), and only once it is committed."""
    server = start_server(*HEARTBEAT)
    gh = helpers.org_id("minami-gh")
    watcher = Stream(server.session("ph.ito"), "/api/events?topics=directory.status")
    assert watcher.response.status_code == 200
    admin = server.session("gh.admin")
    r = admin.patch(f"/api/directory/orgs/{gh}/status", json={"beds": {"icu_hcu": 3}})
    assert r.status_code == 200, r.text
    got = watcher.event("directory.status")
    data = json.loads(got["data"])
    assert data["org_id"] == gh and "beds" in data["fields"]
    # a refused change publishes nothing
    refused = admin.patch(f"/api/directory/orgs/{gh}/status", json={"beds": {"icu_hcu": -1}})
    assert refused.status_code == 400
    assert watcher.events_until_heartbeats() == []
    watcher.close()
