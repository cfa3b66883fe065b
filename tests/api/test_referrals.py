# SPDX-License-Identifier: Apache-2.0
"""Referrals and reverse referrals (紹介・逆紹介, issue 5): the whole loop with its timeline,
actions and FHIR projection, decline and redirect, lists and their audit, notifications and
real-time events, and bad input that changes nothing."""
import json

import helpers
import referral_helpers as rh
from helpers import YAMADA_HANAKO as P
from helpers import assert_problem, store_snapshot
from test_events import Stream

MISSING = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"
SNOMED_REFERRAL = "3457005"


def test_the_whole_loop(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    clerk = server.session("uh.admin")  # receiving organisation, not a physician
    patient = rh.new_patient(server, "REF-LOOP-1", share_with=[rh.UH])
    ref = rh.sent(sato, patient)
    rid = ref["id"]
    assert set(ref) >= rh.FULL_KEYS
    assert ref["status"] == "sent" and ref["kind"] == "referral" and ref["parent_id"] is None
    assert ref["from_org"] == {"id": rh.GH, "name": "みなみ総合病院"}
    assert ref["to_org"]["id"] == rh.UH and ref["to_department"] == "cardiology"
    assert ref["from_user"]["id"] == helpers.user_id("gh.sato")
    assert ref["patient"]["id"] == patient and ref["patient"]["name"] == "試験 太郎"
    assert ref["letter"]["purpose_text"] == rh.letter()["purpose_text"]
    assert ref["letter"]["record_shared"] is True and ref["share"]["record_shared"] is True
    assert ref["letter_sha256"] and len(ref["letter_sha256"]) == 64
    assert ref["actions"] == ["cancel"]
    assert fujita.get(f"/api/referrals/{rid}").json()["actions"] == ["accept", "decline"]
    assert clerk.get(f"/api/referrals/{rid}").json()["actions"] == ["accept", "decline"]

    assert rh.step(clerk, rid, "accept", {"note": "循環器内科で受けます"})["status"] == "accepted"
    at, utc = rh.appointment()
    s = rh.step(clerk, rid, "schedule", {"appointment_at": at})
    assert s["status"] == "scheduled" and s["scheduled_for"] == utc
    assert rh.step(fujita, rid, "seen")["status"] == "seen"
    assert clerk.get(f"/api/referrals/{rid}").json()["actions"] == []  # reply: physicians
    assert fujita.get(f"/api/referrals/{rid}").json()["actions"] == ["reply", "reverse"]
    reply = {"diagnosis": "労作性狭心症", "findings": "冠動脈CTで左前下行枝に75%狭窄",
             "treatment": "PCI施行", "plan": "抗血小板薬2剤を継続", "remarks": ""}
    r = rh.step(fujita, rid, "reply", {"reply": reply})
    assert r["status"] == "replied" and r["reply"] == reply
    assert r["reply_by"]["id"] == helpers.user_id("uh.fujita") and r["replied_at"]

    reverse = rh.step(fujita, rid, "reverse", {
        "urgency": "routine", "purpose": "follow_up",
        "letter": rh.letter(purpose_text="PCI後の継続加療をお願いします。",
                            follow_up="3か月後に当院外来で再評価します。")}, status=201)
    assert reverse["kind"] == "reverse" and reverse["parent_id"] == rid
    assert reverse["from_org"]["id"] == rh.UH and reverse["to_org"]["id"] == rh.GH
    assert reverse["status"] == "sent" and reverse["timeline"][0]["kind"] == "reverse_sent"
    assert rh.step(sato, rid, "close")["status"] == "closed"
    assert rh.step(sato, reverse["id"], "accept")["status"] == "accepted"
    assert rh.step(fujita, reverse["id"], "close")["status"] == "closed"

    full = sato.get(f"/api/referrals/{rid}").json()
    assert [e["kind"] for e in full["timeline"]] == [
        "sent", "share_started", "accepted", "scheduled", "seen", "replied", "reverse_sent",
        "closed", "share_ended"]
    assert full["timeline"][2]["detail"] == {"note": "循環器内科で受けます"}
    assert full["timeline"][2]["user"]["id"] == helpers.user_id("uh.admin")
    assert full["timeline"][2]["org"]["id"] == rh.UH
    assert full["timeline"][6]["detail"] == {"referral_id": reverse["id"]}
    assert [c["id"] for c in full["children"]] == [reverse["id"]]
    assert full["share"]["ended_at"] and full["share"]["end_reason"] == "closed"
    assert full["actions"] == [] and full["closed_at"]
    check_fhir(server, full)


def check_fhir(server, ref):
    """The FHIR projection, read by a care-team member through /fhir."""
    sato = server.session("gh.sato")
    ids = ref["fhir"]
    history = sato.get(f"/fhir/Task/{ids['task']}/_history").json()
    versions = [e["resource"] for e in reversed(history["entry"])]
    assert [v["businessStatus"]["text"] for v in versions] == [
        "sent", "accepted", "scheduled", "seen", "replied", "closed"]
    assert [v["status"] for v in versions] == [
        "requested", "accepted", "in-progress", "in-progress", "completed", "completed"]
    task = versions[-1]
    assert task["focus"]["reference"] == f"ServiceRequest/{ids['service_request']}"
    assert task["for"]["reference"] == f"Patient/{ref['patient']['id']}"
    assert task["owner"]["reference"] == f"Organization/{rh.UH}"
    assert task["output"][0]["valueReference"]["reference"] == \
        f"Communication/{ids['communication']}"
    sr = sato.get(f"/fhir/ServiceRequest/{ids['service_request']}").json()
    assert sr["status"] == "completed" and sr["intent"] == "order" and sr["priority"] == "asap"
    assert sr["category"][0]["coding"][0]["code"] == SNOMED_REFERRAL
    assert sr["requester"]["reference"] == f"Organization/{rh.GH}"
    assert sr["performer"][0]["reference"] == f"Organization/{rh.UH}"
    assert sr["supportingInfo"][0]["reference"] == f"Composition/{ids['composition']}"
    comp = sato.get(f"/fhir/Composition/{ids['composition']}").json()
    assert comp["type"]["coding"][0]["code"] == "57133-1" and comp["title"] == "診療情報提供書"
    titles = [s["title"] for s in comp["section"]]
    assert titles[:3] == ["紹介目的", "主訴", "傷病名"] and "備考" not in titles  # empty part
    doc = sato.get(f"/fhir/Composition/{ids['composition']}/$document")
    assert doc.status_code == 200, doc.text
    bundle = doc.json()
    assert bundle["type"] == "document"
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types[0] == "Composition" and "Patient" in types and "Organization" in types
    comm = sato.get(f"/fhir/Communication/{ids['communication']}").json()
    assert comm["status"] == "completed" and comm["sender"]["reference"] == f"Organization/{rh.UH}"
    assert "診断: 労作性狭心症" in [p["contentString"] for p in comm["payload"]]


def test_priority_follows_urgency_and_narrative_is_escaped(server):
    sato = server.session("gh.sato")
    ref = rh.sent(sato, P, urgency="emergency", letter=rh.letter(
        course="<b>太字</b> & 改行\n二行目"))
    sr = sato.get(f"/fhir/ServiceRequest/{ref['fhir']['service_request']}").json()
    assert sr["priority"] == "stat" and sr["status"] == "active"
    comp = sato.get(f"/fhir/Composition/{ref['fhir']['composition']}").json()
    course = next(s for s in comp["section"] if s["title"] == "症状経過・検査結果・治療経過")
    assert "&lt;b&gt;太字&lt;/b&gt; &amp; 改行<br/>二行目" in course["text"]["div"]
    rh.step(sato, ref["id"], "cancel", {"reason": "患者の希望で取り下げ"})


def test_decline_then_redirect_to_another_hospital(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    ref = rh.sent(sato, P)
    rid = ref["id"]
    assert_problem(fujita.post(f"/api/referrals/{rid}/decline", json={"reason": " 　"}), 422,
                   "referral.reason_required")
    d = rh.step(fujita, rid, "decline", {"reason": "循環器病床が満床のため"})
    assert d["status"] == "declined" and d["decline_reason"] == "循環器病床が満床のため"
    assert d["closed_at"] and d["actions"] == []
    assert sato.get(f"/api/referrals/{rid}").json()["actions"] == ["redirect"]
    # redirect is the referring physician's: not the receiver's, not the MSW's
    target = {"to_org_id": rh.REHAB, "to_department": "rehabilitation", "note": "回復期へ"}
    assert_problem(fujita.post(f"/api/referrals/{rid}/redirect", json=target), 403,
                   "referral.wrong_party")
    assert_problem(server.session("gh.renkei").post(f"/api/referrals/{rid}/redirect",
                                                    json=target), 403,
                   "referral.signer_not_physician")
    new = rh.step(sato, rid, "redirect", target, status=201)
    assert new["id"] != rid and new["parent_id"] == rid and new["status"] == "sent"
    assert new["to_org"]["id"] == rh.REHAB and new["to_department"] == "rehabilitation"
    assert new["letter"]["purpose_text"] == ref["letter"]["purpose_text"]
    assert new["urgency"] == ref["urgency"] and new["purpose"] == ref["purpose"]
    assert new["timeline"][0]["detail"]["parent_id"] == rid
    old = sato.get(f"/api/referrals/{rid}").json()
    assert old["status"] == "redirected" and old["redirected_to"] == new["id"]
    assert [c["id"] for c in old["children"]] == [new["id"]]
    assert [e["kind"] for e in old["timeline"]] == ["sent", "declined", "redirected"]
    assert old["timeline"][1]["detail"] == {"reason": "循環器病床が満床のため"}
    # the new order replaces the refused one; the refused order is revoked
    sr = sato.get(f"/fhir/ServiceRequest/{new['fhir']['service_request']}").json()
    assert sr["replaces"] == [{"reference": f"ServiceRequest/{old['fhir']['service_request']}"}]
    old_sr = sato.get(f"/fhir/ServiceRequest/{old['fhir']['service_request']}").json()
    assert old_sr["status"] == "revoked"
    task = sato.get(f"/fhir/Task/{old['fhir']['task']}").json()
    assert task["status"] == "rejected" and task["businessStatus"]["text"] == "redirected"
    # the new receiver sees it in its inbox; redirecting twice is refused
    inbox = server.session("rehab.admin").get("/api/referrals", params={"box": "inbox"}).json()
    assert new["id"] in [i["id"] for i in inbox["items"]]
    assert_problem(sato.post(f"/api/referrals/{rid}/redirect", json=target), 409,
                   "referral.invalid_transition")


def test_lists_counts_filters_and_audit(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    patient = rh.new_patient(server, "REF-LIST-1")
    a = rh.sent(sato, patient)
    b = rh.sent(sato, patient, urgency="routine")
    rh.step(fujita, b["id"], "accept")
    r = fujita.get("/api/referrals", params={"box": "inbox", "patient_id": patient})
    assert r.status_code == 200, r.text
    page = r.json()
    assert [i["id"] for i in page["items"]] == [b["id"], a["id"]]  # newest first
    assert set(page["items"][0]) == rh.SUMMARY_KEYS and page["next_cursor"] is None
    assert page["counts"]["sent"] == 1 and page["counts"]["accepted"] == 1
    assert page["counts"]["closed"] == 0
    only = fujita.get("/api/referrals", params={"box": "inbox", "patient_id": patient,
                                                "status": "sent"}).json()["items"]
    assert [i["id"] for i in only] == [a["id"]]
    sent_box = sato.get("/api/referrals", params={"box": "sent", "patient_id": patient,
                                                  "limit": 1})
    assert [i["id"] for i in sent_box.json()["items"]] == [b["id"]]
    assert sent_box.json()["next_cursor"] is not None
    # sato's organisation received none of them
    inbox = sato.get("/api/referrals", params={"patient_id": patient}).json()
    assert inbox["items"] == [] and sum(inbox["counts"].values()) == 0
    # the listed referrals are audited as a read of their patient's data: one record per patient
    rows = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    listed = [(x["patient_id"], x["object_type"], x["outcome"]) for x in rows
              if x["event_id"] == "referrals_list"]
    assert listed == [(patient, "referral", 0)]
    # the patient's referrals, for its team
    mine = sato.get(f"/api/patients/{patient}/referrals").json()["items"]
    assert {i["id"] for i in mine} == {a["id"], b["id"]}
    for bad in ({"box": "outbox"}, {"status": "lost"}, {"patient_id": "x"}, {"page": "2"}):
        assert_problem(sato.get("/api/referrals", params=bad), 400, "request.bad_query")
    assert_problem(server.session("jimukyoku").get("/api/referrals"), 403, "access.forbidden")


def test_codes(server):
    codes = server.session("ph.ito").get("/api/referral-codes").json()
    assert [c["code"] for c in codes["urgencies"]] == ["emergency", "urgent", "routine"]
    assert {"code": "workup", "ja": "精査", "en": "Work-up"} in codes["purposes"]
    assert {c["code"] for c in codes["statuses"]} >= {"sent", "replied", "redirected"}
    assert {c["code"] for c in codes["actions"]} == {
        "accept", "decline", "redirect", "schedule", "seen", "reply", "reverse", "close",
        "cancel"}
    assert "share_ended" in {c["code"] for c in codes["events"]}


def test_who_may_see_a_referral(server):
    sato = server.session("gh.sato")
    rid = rh.sent(sato, P)["id"]
    # the patient's team (aoba-homecare) may read it, but not act on it
    aoba = server.session("aoba.tanaka")
    r = aoba.get(f"/api/referrals/{rid}")
    assert r.status_code == 200 and r.json()["actions"] == []
    before = store_snapshot(server)
    assert_problem(aoba.post(f"/api/referrals/{rid}/close", json={}), 404, "referral.not_found")
    # another organisation: exactly like a referral that does not exist
    ito = server.session("ph.ito")
    hidden = assert_problem(ito.get(f"/api/referrals/{rid}"), 404, "referral.not_found")
    missing = assert_problem(ito.get(f"/api/referrals/{MISSING}"), 404, "referral.not_found")
    assert helpers.without_request_id(hidden) == helpers.without_request_id(missing)
    assert_problem(ito.post(f"/api/referrals/{rid}/accept", json={}), 404, "referral.not_found")
    assert_problem(sato.get("/api/referrals/not-a-uuid"), 404, "referral.not_found")
    assert_problem(sato.post("/api/referrals/not-a-uuid/accept", json={}), 404,
                   "referral.not_found")
    assert store_snapshot(server) == before
    rh.step(sato, rid, "cancel", {"reason": "入力誤り"})


def events(stream, n):
    """The next n events of a stream by name."""
    got = {}
    for _ in range(n):
        item = stream.next("an event", lambda i: "event" in i)
        assert item is not None, "the stream ended"
        got[item["event"]] = item
    return got


def test_notifications_and_events_reach_both_parties(start_server):
    server = start_server("--sse-heartbeat-seconds", "1")  # closed streams end soon
    uh = Stream(server.session("uh.admin"), "/api/events?topics=referral,notification")
    gh = Stream(server.session("gh.renkei"), "/api/events?topics=referral")
    rid = rh.sent(server.session("gh.sato"), P)["id"]
    got = events(uh, 2)  # in either order
    assert json.loads(got["referral"]["data"]) == {"referral_id": rid, "event": "sent"}
    note = json.loads(got["notification"]["data"])
    assert note["kind"] == "referral" and note["referral_id"] == rid
    assert json.loads(gh.event("referral")["data"]) == {"referral_id": rid, "event": "sent"}
    items = server.session("uh.admin").get("/api/notifications").json()["items"]
    n = next(i for i in items if i["id"] == note["id"])
    assert n["kind"] == "referral" and n["ref_id"] == rid
    # it names the patient, not only the doctor who took the step (issue 13, item 14)
    assert n["patient"] == {"id": P, "name": "山田 花子"}
    assert n["summary"]["event"] == "sent" and n["summary"]["from_org_name"] == "みなみ総合病院"
    # the next step notifies the other side (the referring organisation)
    gh_notes = Stream(server.session("gh.renkei"), "/api/events?topics=notification")
    rh.step(server.session("uh.fujita"), rid, "accept")
    assert json.loads(gh.event("referral")["data"]) == {"referral_id": rid, "event": "accepted"}
    assert json.loads(gh_notes.event("notification")["data"])["referral_id"] == rid
    for s in (uh, gh, gh_notes):
        s.close()


def test_wrong_party_signer_and_state_change_nothing(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    rid = rh.sent(sato, P)["id"]
    before = store_snapshot(server)
    reply = {"reply": {"diagnosis": "問題なし"}}
    assert_problem(sato.post(f"/api/referrals/{rid}/accept", json={}), 403,
                   "referral.wrong_party")
    assert_problem(sato.post(f"/api/referrals/{rid}/reply", json=reply), 403,
                   "referral.wrong_party")
    assert_problem(fujita.post(f"/api/referrals/{rid}/cancel", json={"reason": "x"}), 403,
                   "referral.wrong_party")
    assert_problem(fujita.post(f"/api/referrals/{rid}/reply", json=reply), 409,
                   "referral.invalid_transition")
    p = assert_problem(fujita.post(f"/api/referrals/{rid}/seen", json={}), 409,
                       "referral.invalid_transition")
    assert "sent→seen" in p["detail"]
    assert_problem(fujita.post(f"/api/referrals/{rid}/close", json={}), 409,
                   "referral.invalid_transition")
    assert store_snapshot(server) == before
    rh.step(fujita, rid, "accept")
    rh.step(fujita, rid, "seen")
    before = store_snapshot(server)
    assert_problem(server.session("uh.admin").post(f"/api/referrals/{rid}/reply", json=reply),
                   403, "referral.signer_not_physician")
    assert_problem(fujita.post(f"/api/referrals/{rid}/reply", json={"reply": {"plan": " "}}),
                   422, "referral.reply_empty")
    assert_problem(fujita.post(f"/api/referrals/{rid}/accept", json={}), 409,
                   "referral.invalid_transition")
    assert_problem(fujita.post(f"/api/referrals/{rid}/schedule",
                               json={"appointment_at": "2026-12-01T10:30:00"}), 422,
                   "referral.appointment_invalid")
    assert_problem(fujita.post(f"/api/referrals/{rid}/decline", json={}), 400,
                   "request.field_missing")
    assert store_snapshot(server) == before


def test_bad_referrals_are_refused_and_change_nothing(server):
    sato = server.session("gh.sato")
    before = store_snapshot(server)

    def refused(status, code, session=sato, **fields):
        return assert_problem(rh.send(session, P, **fields), status, code)

    refused(403, "referral.signer_not_physician", session=server.session("gh.renkei"))
    refused(422, "referral.department_not_accepted", to_department="gastroenterology")
    refused(400, "request.field_value", to_department="no_such_department")
    for org in (rh.GH, rh.HIKARI, rh.CITY, MISSING):
        refused(422, "referral.target_invalid", to_org_id=org)
    refused(400, "request.field_value", to_org_id="minami-uh")
    refused(400, "request.field_value", purpose="tea")
    refused(400, "request.field_type", urgency=1)
    refused(400, "request.field_type", letter="診療情報提供書")
    for letter in ({**rh.letter(), "purpose_text": " \n　"}, {"course": "経過のみ"}):
        p = refused(422, "referral.letter_incomplete", letter=letter)
        assert "letter.purpose_text" in p["detail"]
    p = refused(400, "request.unknown_field", letter={**rh.letter(), "signature": "x"})
    assert "letter.signature" in p["detail"]
    p = refused(400, "request.field_type", letter=rh.letter(diagnoses="狭心症"))
    assert "letter.diagnoses" in p["detail"]
    p = refused(400, "request.field_value",
                letter=rh.letter(labs=[{"text": "HbA1c", "value": "7.0", "date": "昨日"}]))
    assert "letter.labs[0].date" in p["detail"]
    refused(422, "referral.letter_invalid",
            letter=rh.letter(documents=[{"reference": f"DocumentReference/{MISSING}"}]))
    refused(422, "referral.letter_invalid",
            letter=rh.letter(documents=[{"reference": "Binary/x", "title": "画像"}]))
    r = sato.post(f"/api/patients/{P}/referrals", json={**rh.body(), "priority": "high"})
    assert_problem(r, 400, "request.unknown_field")
    r = sato.post(f"/api/patients/{P}/referrals", json=rh.body(),
                  headers={"Idempotency-Key": "x" * 101})
    assert_problem(r, 400, "referral.idempotency_key")
    # a patient the organisation cannot see
    assert_problem(server.session("ph.ito").post(f"/api/patients/{P}/referrals",
                                                 json=rh.body()), 404, "patient.not_found")
    assert store_snapshot(server) == before


def test_attached_documents_become_section_entries(server):
    sato = server.session("gh.sato")
    docs = sato.get("/fhir/DocumentReference", params={"patient": P}).json().get("entry", [])
    assert docs, "the demo patient has documents"
    doc = docs[0]["resource"]["id"]
    ref = rh.sent(sato, P, letter=rh.letter(documents=[
        {"reference": f"DocumentReference/{doc}", "title": "退院時サマリー"}]))
    comp = sato.get(f"/fhir/Composition/{ref['fhir']['composition']}").json()
    section = next(s for s in comp["section"] if s["title"] == "添付資料")
    assert section["entry"] == [{"reference": f"DocumentReference/{doc}"}]
    bundle = sato.get(f"/fhir/Composition/{ref['fhir']['composition']}/$document").json()
    assert ("DocumentReference", doc) in [(e["resource"]["resourceType"], e["resource"]["id"])
                                          for e in bundle["entry"]]
    rh.step(sato, ref["id"], "cancel", {"reason": "重複"})
