# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the team's one stream about a patient (src/homecare/timeline_stream.c):
the timeline's threads together with visit records, schedule changes and referrals, newest first,
narrowed by types=, and nothing for an organisation without consent."""
import datetime

import helpers
from helpers import YAMADA_HANAKO, assert_problem, patient_id
import referral_helpers

ICHIRO = patient_id(1)  # team with consent: minami-gh, sakura, aoba, minami-vns, hikari, cmo
STREAM = f"/api/patients/{ICHIRO}/homecare/timeline"


def stream(session, patient=ICHIRO, **params):
    r = session.get(f"/api/patients/{patient}/homecare/timeline", params=params or None)
    assert r.status_code == 200, r.text
    return r.json()


def everything(session, **params):
    return helpers.fetch_all(session, STREAM, params=params or None)


def find(items, type_, id_):
    found = [i for i in items if i["type"] == type_ and i["id"] == id_]
    assert len(found) == 1, f"{type_} {id_}: {len(found)} items"
    return found[0]


def nursing_record(session, handover):
    end = helpers.tokyo_now().replace(microsecond=0) - datetime.timedelta(hours=2)
    start = end - datetime.timedelta(minutes=40)
    r = session.post(f"/api/patients/{ICHIRO}/homecare/records", json={
        "kind": "home_nursing", "visit_start": start.isoformat(), "visit_end": end.isoformat(),
        "content": {"observation": "呼吸音清", "care_given": "清拭",
                    "vitals": {"spo2": 95, "pulse": 76}},
        "handover": handover})
    assert r.status_code == 201, r.text
    return r.json()


def one_off_visit(session, days_ahead=9):
    day = helpers.tokyo_today() + datetime.timedelta(days=days_ahead)
    r = session.post(f"/api/patients/{ICHIRO}/homecare/visits", json={
        "kind": "home_medical", "date": day.isoformat(), "start": "16:00", "end": "16:20"})
    assert r.status_code == 201, r.text
    return r.json()


def test_the_stream_holds_posts_records_schedule_changes_and_referrals(server):
    vns, aoba, gh = (server.session(x) for x in ("vns.suzuki", "aoba.tanaka", "gh.sato"))
    post = vns.post(f"/api/patients/{ICHIRO}/homecare/posts",
                    json={"category": "report", "text": "一本の流れに載る投稿"}).json()
    reply = aoba.post(f"/api/patients/{ICHIRO}/homecare/posts",
                      json={"category": "report", "text": "返信", "parent_id": post["id"]})
    assert reply.status_code == 201, reply.text
    record = nursing_record(vns, "夜間の咳に注意")
    visit = one_off_visit(aoba)
    referral = referral_helpers.sent(gh, ICHIRO)

    items = everything(server.session("cm.yamazaki"))
    ats = [i["at"] for i in items]
    assert ats == sorted(ats, reverse=True), "newest first"

    thread = find(items, "post", post["id"])
    assert thread["text"] == "一本の流れに載る投稿"
    assert [r["text"] for r in thread["replies"]] == ["返信"]
    assert not any(i["type"] == "post" and i["id"] == reply.json()["id"] for i in items)

    rec = find(items, "visit_record", record["id"])
    assert rec["kind"] == "home_nursing" and rec["form"] == "nursing"
    assert rec["handover"] == "夜間の咳に注意" and rec["vitals"] == {"spo2": 95, "pulse": 76}
    assert rec["org"]["id"] == helpers.org_id("minami-vns")
    assert rec["author"]["id"] == helpers.user_id("vns.suzuki")
    assert rec["status"] == "draft" and rec["version"] == 1

    changes = [i for i in items if i["type"] == "schedule_change"
               and i["visit_id"] == visit["id"]]
    assert len(changes) == 1 and changes[0]["what"] == "created"
    assert changes[0]["org"]["id"] == helpers.org_id("aoba-homecare")
    assert changes[0]["kind"] == "home_medical" and changes[0]["starts_at"] == visit["starts_at"]

    ref = find(items, "referral", referral["id"])
    assert ref["kind"] == "referral" and ref["status"] == "sent"
    assert ref["from_org"]["id"] == helpers.org_id("minami-gh")
    assert "letter" not in ref and "労作時胸痛" not in str(ref)


def test_a_correction_shows_the_record_once_as_its_current_version(server):
    vns = server.session("vns.suzuki")
    record = nursing_record(vns, "初版")
    r = vns.post(f"/api/patients/{ICHIRO}/homecare/records/{record['id']}/corrections", json={
        "reason": "申し送りの追記", "content": record["content"], "handover": "第2版",
        "visit_start": record["visit_start"], "visit_end": record["visit_end"]})
    assert r.status_code == 201, r.text
    items = everything(vns, types="visit_record")
    rec = find(items, "visit_record", record["id"])
    assert rec["version"] == 2 and rec["handover"] == "第2版"


def test_types_narrow_the_stream(server):
    vns = server.session("vns.suzuki")
    nursing_record(vns, "種類で絞る")
    for types, expected in (("visit_record", {"visit_record"}),
                            ("post,schedule_change", {"post", "schedule_change"})):
        items = everything(vns, types=types)
        assert items and {i["type"] for i in items} <= expected


def test_paging_the_stream(server):
    s = server.session("vns.suzuki")
    first = stream(s, limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = stream(s, limit=2, cursor=first["next_cursor"])
    assert second["items"] and second["items"][0]["at"] <= first["items"][1]["at"]
    assert {(i["type"], i["id"]) for i in first["items"]}.isdisjoint(
        {(i["type"], i["id"]) for i in second["items"]})
    assert {t["id"] for t in first["team"]} >= {helpers.org_id("minami-vns")}


def test_bad_queries_are_refused(server):
    s = server.session("vns.suzuki")
    for params in ({"types": "post,gossip"}, {"types": ""}, {"limit": "0"}, {"since": "x"}):
        assert_problem(s.get(STREAM, params=params), 400)


def test_another_organisation_without_consent_sees_nothing(server):
    ito = server.session("ph.ito")  # ひかり薬局's 伊藤: not on 山田 花子's team
    r = ito.get(f"/api/patients/{YAMADA_HANAKO}/homecare/timeline")
    assert_problem(r, 404, "patient.not_found")


def test_reading_the_stream_is_audited(server):
    r = server.session("cm.yamazaki").get(STREAM, params={"limit": 1})
    assert r.status_code == 200
    [rec] = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert rec["event_id"] == "homecare_timeline_list" and rec["action"] == "R"
    assert rec["patient_id"] == ICHIRO and rec["user_login"] == "cm.yamazaki"
