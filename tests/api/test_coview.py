# SPDX-License-Identifier: Apache-2.0
"""Co-viewing (相談, issue 15): gh.sato of minami-gh (who sent 山田 花子's study) starts a session,
invites aoba.tanaka of あおば在宅クリニック (on her team, named by her consent), who is told at
once and joins; the presenter's view state, everyone's pointers and the messages reach the
others' streams; the presenter role is handed over; the last one out ends the session, and so
does an idle time-out; joining and leaving are audited; a third organisation (minami-vns) finds
nothing, not even on its own event stream; a withdrawn consent ends the reader's stream."""
import pytest

import conftest
import helpers
from coview_helpers import AOBA, GH, VNS, Stream, her_study, invite, joined, start
from helpers import YAMADA_HANAKO, assert_problem

HEARTBEAT = ("--sse-heartbeat-seconds", "1")
VIEW = {"layout": "1x2", "active": 0,
        "panes": [{"studyUid": "1.2.3", "seriesUid": "1.2.3.4", "index": 41,
                   "voi": {"center": 40, "width": 400}, "invert": False, "zoom": 1.5,
                   "pan": [10, -4]}]}


@pytest.fixture(scope="module")
def server():
    s = conftest.serve(*HEARTBEAT)
    yield s
    helpers.finish(s)


def stream(server, login, sid):
    st = Stream(server.session(login), f"/api/coview/{sid}/stream")
    assert st.status == 200, st.response.text
    return st


def test_the_starter_is_the_first_participant_and_presenter(server):
    sid = start(server)
    r = server.session("gh.sato").get(f"/api/coview/{sid}")
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["study_uid"] == her_study(server) and s["presenter"] == helpers.user_id("gh.sato")
    assert [p["name"] for p in s["participants"]] == ["佐藤 健一"]
    assert s["participants"][0]["org_name"] == "みなみ総合病院"
    assert s["view"] is None and s["messages"] == [] and s["invited"] == []
    assert s["patient_id"] == YAMADA_HANAKO


def test_the_invitee_alone_is_told_at_once(server):
    sid = start(server)
    streams = {login: Stream(server.session(login), "/api/events?topics=notification")
               for login in ("aoba.tanaka", "aoba.mori", "vns.suzuki")}
    r = invite(server, sid, AOBA, "aoba.tanaka")
    assert r.status_code == 200, r.text
    assert r.json()["invited"] == [{"org_id": AOBA, "user_id": helpers.user_id("aoba.tanaka")}]
    told = streams["aoba.tanaka"].next("the invitation", lambda i: "data" in i and
                                       i["data"].get("session_id") == sid)
    assert told["data"]["kind"] == "coview" and YAMADA_HANAKO not in str(told["data"])
    for login in ("aoba.mori", "vns.suzuki"):  # a colleague not invited, a third organisation
        seen = streams[login].events_until_heartbeats()
        assert not [e for e in seen if e["data"].get("session_id") == sid], login
    # the inbox says who invites to what, with the way in
    items = server.session("aoba.tanaka").get("/api/notifications").json()["items"]
    mine = [n for n in items if n["kind"] == "coview" and n["ref_id"] == sid]
    assert mine and mine[0]["summary"]["study_uid"] == her_study(server)
    assert mine[0]["summary"]["from_name"] == "佐藤 健一"
    assert mine[0]["patient"]["id"] == YAMADA_HANAKO
    for s in streams.values():
        s.close()


def test_an_organisation_invited_as_a_whole_lets_each_member_join(server):
    sid = start(server)
    assert invite(server, sid, AOBA).status_code == 200
    r = server.session("aoba.mori").post(f"/api/coview/{sid}/join", json={})
    assert r.status_code == 200, r.text
    assert {p["name"] for p in r.json()["participants"]} == {"佐藤 健一", "森 健太"}


def test_only_the_invited_user_may_join(server):
    sid = start(server)
    assert invite(server, sid, AOBA, "aoba.tanaka").status_code == 200
    colleague = server.session("aoba.mori")  # may see her, but was not invited
    for method, path in (("GET", ""), ("POST", "/join"), ("GET", "/stream")):
        r = colleague.request(method, f"/api/coview/{sid}{path}",
                              json={} if method == "POST" else None)
        assert_problem(r, 404, "coview.not_found")


def test_the_view_state_follows_the_presenter(server):
    sid = joined(server)
    guest = stream(server, "aoba.tanaka", sid)
    first = guest.state(lambda s: True)
    assert first["view"] is None and len(first["participants"]) == 2
    r = server.session("gh.sato").put(f"/api/coview/{sid}/view", json={"view": VIEW})
    assert r.status_code == 204, r.text
    got = guest.state(lambda s: s["view"] is not None)
    assert got["view"] == VIEW and got["version"] > first["version"]
    # the guest is no presenter: its view changes nothing
    r = server.session("aoba.tanaka").put(f"/api/coview/{sid}/view", json={"view": VIEW})
    assert_problem(r, 403, "coview.not_presenter")
    guest.close()


def test_pointers_show_with_the_name(server):
    sid = joined(server)
    host = stream(server, "gh.sato", sid)
    r = server.session("aoba.tanaka").put(f"/api/coview/{sid}/pointer",
                                          json={"pointer": {"pane": 1, "x": 0.25, "y": 0.75}})
    assert r.status_code == 204, r.text

    def pointed(s):
        return any(p["pointer"] for p in s["participants"])
    got = host.state(pointed)
    who = next(p for p in got["participants"] if p["pointer"])
    assert who["name"] == "田中 誠" and who["org_name"] == "あおば在宅クリニック"
    assert who["pointer"] == {"pane": 1, "x": 0.25, "y": 0.75}
    r = server.session("aoba.tanaka").put(f"/api/coview/{sid}/pointer", json={"pointer": None})
    assert r.status_code == 204
    host.state(lambda s: not pointed(s))
    host.close()


def test_messages_reach_everyone_and_stay_with_the_session(server):
    sid = joined(server)
    host = stream(server, "gh.sato", sid)
    r = server.session("aoba.tanaka").post(f"/api/coview/{sid}/messages",
                                           json={"text": "右下葉の結節、前回より増大していますね"})
    assert r.status_code == 201, r.text
    m = host.event("message")
    assert m["text"] == "右下葉の結節、前回より増大していますね" and m["name"] == "田中 誠"
    s = server.session("gh.sato").get(f"/api/coview/{sid}").json()
    assert [x["text"] for x in s["messages"]] == ["右下葉の結節、前回より増大していますね"]
    # a reader that joins later gets the messages so far
    late = stream(server, "aoba.tanaka", sid)
    assert late.event("message")["seq"] == m["seq"]
    host.close()
    late.close()


def test_the_presenter_hands_over(server):
    sid = joined(server)
    gh, aoba = server.session("gh.sato"), server.session("aoba.tanaka")
    host = stream(server, "gh.sato", sid)
    r = gh.post(f"/api/coview/{sid}/presenter",
                json={"user_id": helpers.user_id("aoba.tanaka"), "org_id": AOBA})
    assert r.status_code == 200, r.text
    assert r.json()["presenter"] == helpers.user_id("aoba.tanaka")
    assert aoba.put(f"/api/coview/{sid}/view", json={"view": VIEW}).status_code == 204
    assert host.state(lambda s: s["view"] == VIEW)["presenter"] == helpers.user_id("aoba.tanaka")
    r = gh.put(f"/api/coview/{sid}/view", json={"view": VIEW})
    assert_problem(r, 403, "coview.not_presenter")
    # only the presenter hands over, and only to a participant
    r = gh.post(f"/api/coview/{sid}/presenter",
                json={"user_id": helpers.user_id("gh.sato"), "org_id": GH})
    assert_problem(r, 403, "coview.not_presenter")
    r = aoba.post(f"/api/coview/{sid}/presenter",
                  json={"user_id": helpers.user_id("aoba.mori"), "org_id": AOBA})
    assert_problem(r, 422, "coview.presenter_target")
    host.close()


def test_leaving_and_the_last_one_out_ends_the_session(server):
    sid = joined(server)
    host, guest = stream(server, "gh.sato", sid), stream(server, "aoba.tanaka", sid)
    r = server.session("gh.sato").post(f"/api/coview/{sid}/leave", json={})
    assert r.status_code == 200 and r.json() == {"ended": False}
    assert host.ended()  # the one who left has no stream
    # the presenter role passed to the one left
    got = guest.state(lambda s: len(s["participants"]) == 1)
    assert got["presenter"] == helpers.user_id("aoba.tanaka")
    r = server.session("aoba.tanaka").post(f"/api/coview/{sid}/leave", json={})
    assert r.status_code == 200 and r.json() == {"ended": True}
    assert guest.event("ended")["end_reason"] == "left"
    assert guest.ended()
    assert_problem(server.session("gh.sato").get(f"/api/coview/{sid}"), 404, "coview.not_found")
    assert_problem(server.session("aoba.tanaka").post(f"/api/coview/{sid}/join", json={}), 404,
                   "coview.not_found")


def test_joining_and_leaving_are_audited(server):
    sid = joined(server)
    for login in ("aoba.tanaka", "gh.sato"):
        assert server.session(login).post(f"/api/coview/{sid}/leave", json={}).status_code == 200
    rows = helpers.audit_rows(server, "object_id = ?", (sid,))
    events = [(r["event_id"], r["user_id"]) for r in rows]
    assert ("coview_start", helpers.user_id("gh.sato")) in events
    assert ("coview_invite", helpers.user_id("gh.sato")) in events
    assert ("coview_join", helpers.user_id("aoba.tanaka")) in events
    assert ("coview_leave", helpers.user_id("aoba.tanaka")) in events
    assert ("coview_leave", helpers.user_id("gh.sato")) in events
    assert all(r["patient_id"] == YAMADA_HANAKO for r in rows)
    last = [r for r in rows if r["event_id"] == "coview_leave"][-1]
    assert "ended" in last["detail"]


def test_a_message_is_audited_without_its_text(server):
    sid = joined(server)
    r = server.session("aoba.tanaka").post(f"/api/coview/{sid}/messages",
                                           json={"text": "造影の有無を確認させてください"})
    assert r.status_code == 201
    rows = helpers.audit_rows(server, "object_id = ? AND event_id = 'coview_message'", (sid,))
    assert len(rows) == 1 and rows[0]["patient_id"] == YAMADA_HANAKO
    assert "造影" not in (rows[0]["detail"] or "")


def test_an_idle_session_ends(server):
    sid = joined(server)
    guest = stream(server, "aoba.tanaka", sid)
    guest.state(lambda s: True)
    server.advance_clock(16 * 60 * 1000)
    assert guest.event("ended")["end_reason"] == "idle"
    assert guest.ended()
    assert_problem(server.session("gh.sato").get(f"/api/coview/{sid}"), 404, "coview.not_found")
    rows = helpers.audit_rows(server, "object_id = ? AND event_id = 'coview_idle_end'", (sid,))
    assert len(rows) == 1 and rows[0]["patient_id"] == YAMADA_HANAKO


def test_a_third_organisation_finds_nothing(server):
    sid = joined(server)
    outsider = server.session("vns.suzuki")
    events = Stream(outsider, "/api/events")
    for method, path, body in (("GET", "", None), ("GET", "/stream", None),
                               ("POST", "/join", {}), ("POST", "/leave", {}),
                               ("POST", "/invite", {"org_id": VNS}),
                               ("PUT", "/view", {"view": VIEW}), ("PUT", "/pointer", {"pointer": None}),
                               ("POST", "/messages", {"text": "見えますか"}),
                               ("POST", "/presenter", {"user_id": helpers.user_id("vns.suzuki"),
                                                       "org_id": VNS})):
        r = outsider.request(method, f"/api/coview/{sid}{path}", json=body)
        assert_problem(r, 404, "coview.not_found")
    # nor may it start one on her study, nor be invited to one (nothing is sent to it)
    r = outsider.post(f"/api/imaging/studies/{her_study(server)}/coview", json={})
    assert_problem(r, 404, "imaging.study_not_found")
    r = invite(server, sid, VNS, "vns.suzuki")
    assert_problem(r, 422, "coview.invitee_access")
    assert invite(server, sid, VNS).status_code == 422
    r = server.session("gh.sato").put(f"/api/coview/{sid}/view", json={"view": VIEW})
    assert r.status_code == 204
    seen = events.events_until_heartbeats()
    assert not [e for e in seen if sid in str(e["data"])]
    items = outsider.get("/api/notifications").json()["items"]
    assert not [n for n in items if n.get("ref_id") == sid]
    events.close()


def test_a_stranger_session_id_is_404(server):
    gh = server.session("gh.sato")
    assert_problem(gh.get("/api/coview/00000000-0000-4000-8000-000000000007"), 404,
                   "coview.not_found")
    assert_problem(gh.get("/api/coview/not-a-session"), 404, "coview.not_found")
    r = gh.post("/api/imaging/studies/1.2.3.999999/coview", json={})
    assert_problem(r, 404, "imaging.study_not_found")


@pytest.mark.parametrize("body, status, code", [
    ({"view": [1, 2]}, 400, "request.field_type"),
    ({"view": "1x1"}, 400, "request.field_type"),
    ({}, 400, "request.field_missing"),
    ({"view": {"layout": "1x1", "note": "x" * 9000}}, 422, "coview.view"),
])
def test_a_bad_view_state_changes_nothing(server, body, status, code):
    sid = start(server)
    gh = server.session("gh.sato")
    before = gh.get(f"/api/coview/{sid}").json()["version"]
    assert_problem(gh.put(f"/api/coview/{sid}/view", json=body), status, code)
    assert gh.get(f"/api/coview/{sid}").json()["version"] == before


@pytest.mark.parametrize("body, code", [
    ({}, "request.field_missing"),
    ({"pointer": {"pane": 0, "x": 1.5, "y": 0.5}}, "request.field_range"),
    ({"pointer": {"pane": 7, "x": 0.5, "y": 0.5}}, "request.field_range"),
    ({"pointer": {"pane": 0, "x": "left", "y": 0.5}}, "request.field_type"),
    ({"pointer": {"pane": 0, "x": 0.5}}, "request.field_missing"),
])
def test_a_bad_pointer_is_400(server, body, code):
    sid = start(server)
    assert_problem(server.session("gh.sato").put(f"/api/coview/{sid}/pointer", json=body), 400,
                   code)


def test_a_message_has_a_length_limit(server):
    sid = start(server)
    gh = server.session("gh.sato")
    assert_problem(gh.post(f"/api/coview/{sid}/messages", json={"text": "あ" * 501}), 400,
                   "request.field_too_long")
    assert_problem(gh.post(f"/api/coview/{sid}/messages", json={"text": "  "}), 400)
    assert gh.post(f"/api/coview/{sid}/messages", json={"text": "あ" * 500}).status_code == 201
    assert len(gh.get(f"/api/coview/{sid}").json()["messages"]) == 1


def test_a_withdrawn_consent_ends_the_readers_stream(start_server):
    server = start_server(*HEARTBEAT)
    sid = joined(server)
    quiet = joined(server)  # the guest joined this one but opens no stream
    guest = stream(server, "aoba.tanaka", sid)
    guest.state(lambda s: True)
    gh = server.session("gh.sato")
    consents = gh.get(f"/api/patients/{YAMADA_HANAKO}/consents").json()["items"]
    naming = [c for c in consents if c["status"] == "active"
              and AOBA in {o["id"] if isinstance(o, dict) else o for o in c.get("orgs", [])}]
    assert naming, consents
    for c in naming:
        r = gh.post(f"/api/patients/{YAMADA_HANAKO}/consents/{c['id']}/withdraw",
                    json={"reason": "本人の申し出"})
        assert r.status_code == 200, r.text
    # the next change ends the stream of the one who may no longer see her
    assert gh.put(f"/api/coview/{sid}/view", json={"view": VIEW}).status_code == 204
    assert guest.ended()
    assert_problem(server.session("aoba.tanaka").get(f"/api/coview/{sid}"), 404,
                   "coview.not_found")
    # the sender of the study goes on, alone
    s = gh.get(f"/api/coview/{sid}").json()
    assert [p["name"] for p in s["participants"]] == ["佐藤 健一"]
    # without a stream, the guest's next request finds nothing and takes it out of the session
    r = server.session("aoba.tanaka").post(f"/api/coview/{quiet}/messages", json={"text": "見えますか"})
    assert_problem(r, 404, "coview.not_found")
    s = gh.get(f"/api/coview/{quiet}").json()
    assert [p["name"] for p in s["participants"]] == ["佐藤 健一"] and s["messages"] == []
    assert gh.post(f"/api/coview/{quiet}/leave", json={}).json() == {"ended": True}
