# SPDX-License-Identifier: Apache-2.0
"""Notifications about a patient (issue 11): they go only to organisations that may see the
patient (care team with a consent in force), they are shown only while the reader may still see
the patient (the case's rule for a booking), each patient shown is audited, and the event
stream names no patient."""
import helpers
from helpers import YAMADA_HANAKO, assert_problem, tokyo_today
from test_events import Stream

P = YAMADA_HANAKO  # team and consent: minami-gh, aoba-homecare
GH = helpers.org_id("minami-gh")
AOBA = helpers.org_id("aoba-homecare")
HIKARI = helpers.org_id("hikari-pharmacy")
REASON = "意識障害で救急搬送。アレルギーと服薬の確認のため"


def consent(session, orgs):
    r = session.post(f"/api/patients/{P}/consents", json={
        "org_ids": orgs, "scope": "all", "method": "written",
        "consented_on": tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def withdraw(session, cid):
    r = session.post(f"/api/patients/{P}/consents/{cid}/withdraw", json={"reason": "本人の希望"})
    assert r.status_code == 200, r.text


def about_her(session):
    body = session.get("/api/notifications").json()
    return body, [n for n in body["items"] if (n["patient"] or {}).get("id") == P or
                  REASON in str(n["summary"])]


def test_emergency_notices_reach_only_organisations_that_may_see_her(fresh_server):
    server = fresh_server
    sato, ito = server.session("gh.sato"), server.session("ph.ito")
    # ひかり薬局 is on her team, with a consent that has been withdrawn
    assert sato.post(f"/api/patients/{P}/team", json={"org_id": HIKARI}).status_code == 201
    withdraw(sato, consent(sato, [GH, AOBA, HIKARI]))
    stream = Stream(ito, "/api/events?topics=notification,directory.status")
    assert stream.response.status_code == 200
    watching = Stream(server.session("aoba.tanaka"), "/api/events?topics=notification")
    # the demo's own notices (e.g. home care's urgent timeline post) are unread already
    unread_ito = ito.get("/api/notifications").json()["unread"]
    unread_tanaka = server.session("aoba.tanaka").get("/api/notifications").json()["unread"]

    r = server.session("uh.fujita").post(f"/api/patients/{P}/emergency", json={"reason": REASON})
    assert r.status_code == 201, r.text
    # a fence every stream receives after the notices: a directory status change
    assert server.session("gh.admin").patch(f"/api/directory/orgs/{GH}/status", json={
        "beds": {"icu_hcu": 2}}).status_code == 200
    before_fence = []
    while True:
        item = stream.next("the fence", lambda i: "event" in i)
        assert item is not None, "the stream ended"
        if item["event"] == "directory.status":
            break
        before_fence.append(item)
    assert before_fence == [], before_fence
    body, notes = about_her(ito)
    assert notes == [] and body["unread"] == unread_ito
    # the team member with consent is told, and its stream names no patient
    event = watching.event("notification")
    assert P not in event["data"] and "patient" not in event["data"]
    body, [note] = about_her(server.session("aoba.tanaka"))
    assert body["unread"] == unread_tanaka + 1 and note["patient"]["name"] == "山田 花子"
    [rec] = server.query("SELECT * FROM audit WHERE event_id = 'notifications_list' AND "
                         "user_login = 'aoba.tanaka' AND patient_id = ?", (P,))
    assert rec["outcome"] == 0 and rec["object_id"] == note["id"]


def test_a_notice_is_hidden_once_its_reader_may_no_longer_see_her(fresh_server):
    server = fresh_server
    sato, tanaka = server.session("gh.sato"), server.session("aoba.tanaka")
    unread = tanaka.get("/api/notifications").json()["unread"]  # the demo's own notices
    r = server.session("uh.fujita").post(f"/api/patients/{P}/emergency", json={"reason": REASON})
    assert r.status_code == 201, r.text
    _, [note] = about_her(tanaka)
    # her consent now names みなみ総合病院 only; the one naming あおば is withdrawn
    old = [c["id"] for c in sato.get(f"/api/patients/{P}/consents").json()["items"]
           if AOBA in {o["id"] for o in c["orgs"]} and c["withdrawn_at"] is None]
    consent(sato, [GH])
    for cid in old:
        withdraw(sato, cid)
    body, notes = about_her(tanaka)
    assert notes == [] and body["unread"] == unread
    assert_problem(tanaka.post(f"/api/notifications/{note['id']}/read"), 404,
                   "notification.not_found")
    # みなみ総合病院 still sees it
    _, [kept] = about_her(sato)
    assert sato.post(f"/api/notifications/{kept['id']}/read").status_code == 204
