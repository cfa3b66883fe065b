# SPDX-License-Identifier: Apache-2.0
"""Shared use of equipment (共同利用, issue 5): hospitals publish slots of equipment their
directory profile lists for shared use; a clinic books one for its patient with the order; the
hospital confirms, proposes another time, declines or reports; the report goes back to the
clinic (booking, notification, event stream, FHIR DiagnosticReport). Concurrent bookings of one
slot: exactly one wins. Wrong side, wrong state and bad input change nothing."""
import datetime
import itertools
import threading

import pytest

import helpers
from helpers import YAMADA_HANAKO, assert_problem, store_snapshot
from test_events import Stream

GH = helpers.org_id("minami-gh")
UH = helpers.org_id("minami-uh")
AOBA = helpers.org_id("aoba-homecare")
SAKURA = helpers.org_id("sakura-clinic")
REHAB = helpers.org_id("minami-rehab")
JST = datetime.timezone(datetime.timedelta(hours=9))
NO_SUCH = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"
ORDER = {"exam": "頭部単純CT", "clinical_question": "転倒後の頭痛。慢性硬膜下血腫の除外",
         "order_notes": "抗凝固薬内服中"}

_days = itertools.count(40)  # each test's slots on days of their own, after the demo's


def times(n=1, minutes=30, day=None):
    """n consecutive slots (RFC 3339, +09:00) from 9:00 on a day no other call uses."""
    d = helpers.tokyo_today() + datetime.timedelta(days=next(_days) if day is None else day)
    start = datetime.datetime(d.year, d.month, d.day, 9, 0, tzinfo=JST)
    step = datetime.timedelta(minutes=minutes)
    return [{"starts_at": (start + i * step).isoformat(),
             "ends_at": (start + (i + 1) * step).isoformat()} for i in range(n)]


def publish(server, login, equipment="ct", n=1, **extra):
    r = server.session(login).post("/api/equipment/slots", json={
        "equipment": equipment, "preparation": "検査2時間前から絶食", "slots": times(n),
        **extra})
    assert r.status_code == 201, r.text
    return r.json()["items"]


def book(session, patient, slot_id, key=None, **order):
    headers = {"Idempotency-Key": key} if key else None
    return session.post(f"/api/patients/{patient}/bookings",
                        json={"slot_id": slot_id, **ORDER, **order}, headers=headers)


def new_patient(server, registrar, local_id, consent_orgs=()):
    """A patient registered by registrar's organisation; a further consent names consent_orgs."""
    s = server.session(registrar)
    r = s.post("/api/patients", json=helpers.new_patient_body(local_id))
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    if consent_orgs:
        own = s.get("/api/me").json()["org_id"]
        r = s.post(f"/api/patients/{pid}/consents", json={
            "org_ids": [own, *consent_orgs], "scope": "all", "method": "written",
            "consented_on": helpers.tokyo_today().isoformat()})
        assert r.status_code == 201, r.text
    return pid


def slot_listing(session, slot):
    """The slot as the list shows it to session (None if not listed)."""
    day = slot["starts_at"][:10]
    r = session.get("/api/equipment/slots", params={
        "from": day, "to": (datetime.date.fromisoformat(day) +
                            datetime.timedelta(days=1)).isoformat(), "limit": 100})
    assert r.status_code == 200, r.text
    return next((s for s in r.json()["items"] if s["id"] == slot["id"]), None)


def bookings_for_slot(server, slot_id):
    return server.query("SELECT * FROM equipment_bookings WHERE slot_id = ?", (slot_id,))


# ---- the whole loop ------------------------------------------------------------------------

def test_publish_book_confirm_report_goes_back_to_the_clinic(server):
    clinic, liaison, doctor = (server.session(u) for u in ("aoba.tanaka", "gh.renkei", "gh.sato"))
    patient = new_patient(server, "aoba.tanaka", "BK-FLOW-1", consent_orgs=[GH])
    assert_problem(doctor.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    [slot] = publish(server, "gh.admin", note="CT室2")
    assert slot["state"] == "free" and slot["booking"] is None and slot["org"]["id"] == GH
    assert slot_listing(clinic, slot)["bookable"] is True

    stream = Stream(clinic, "/api/events?topics=booking,notification")
    try:
        r = book(clinic, patient, slot["id"])
        assert r.status_code == 201, r.text
        b = r.json()
        assert b["status"] == "requested" and b["record_shared"] is True
        assert b["slot"]["id"] == slot["id"] and b["ordering_org"]["id"] == AOBA
        assert b["actions"] == ["cancel"] and b["report"] is None
        assert [e["kind"] for e in b["timeline"]] == ["requested"]
        # the slot is booked for everyone; only the parties see whose booking it is
        assert slot_listing(clinic, slot)["booking"]["patient"]["id"] == patient
        outsider = slot_listing(server.session("ph.ito"), slot)
        assert outsider["state"] == "booked" and outsider["booking"] is None
        # the hospital reads the record while the booking shares it, and has it in its box
        assert doctor.get(f"/api/patients/{patient}").status_code == 200
        received = liaison.get("/api/bookings", params={"box": "received"}).json()
        assert b["id"] in [i["id"] for i in received["items"]]
        assert received["counts"]["requested"] >= 1
        assert liaison.get(f"/api/bookings/{b['id']}").json()["actions"] == [
            "confirm", "propose", "decline"]

        r = liaison.post(f"/api/bookings/{b['id']}/confirm", json={"note": "15分前に受付へ"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "confirmed"
        assert "report" not in r.json()["actions"]  # an MSW may not report
        assert doctor.get(f"/api/bookings/{b['id']}").json()["actions"] == [
            "propose", "decline", "report"]

        report = {"findings": "右前頭部に厚さ8mmの三日月状の高吸収域。正中偏位なし。",
                  "impression": "右慢性硬膜下血腫(少量)。"}
        # the slot is days ahead: a report before its day states why (test_workflow_guards)
        r = doctor.post(f"/api/bookings/{b['id']}/report",
                        json={**report, "reason": "撮影は前倒しで実施"})
        assert r.status_code == 200, r.text
        done = r.json()
        assert done["status"] == "reported" and done["report"] == report
        assert done["reported_by"]["id"] == helpers.user_id("gh.sato")
        assert [e["kind"] for e in done["timeline"]] == ["requested", "confirmed", "reported"]

        # it goes back to the clinic at once: event stream and notification
        seen = set()
        while seen != {"booking", "notification"}:
            item = stream.next("the report's events", lambda i: b["id"] in i.get("data", "")
                               and '"reported"' in i["data"])
            assert item is not None, "the stream ended"
            seen.add(item["event"])
    finally:
        stream.response.close()
    notes = clinic.get("/api/notifications").json()["items"]
    mine = [n for n in notes if n["kind"] == "booking" and n["ref_id"] == b["id"]]
    assert {n["summary"]["event"] for n in mine} == {"confirmed", "reported"}
    assert all(n["patient"]["id"] == patient for n in mine)
    assert clinic.get(f"/api/bookings/{b['id']}").json()["report"] == report
    assert clinic.get(f"/api/patients/{patient}/bookings").json()["items"][0]["report"] == report

    # the report is in the patient's FHIR record, for the clinic's team
    dr_id = done["fhir"]["diagnostic_report"]
    dr = clinic.get(f"/fhir/DiagnosticReport/{dr_id}")
    assert dr.status_code == 200, dr.text
    dr = dr.json()
    assert dr["status"] == "final" and dr["conclusion"] == report["impression"]
    assert dr["subject"]["reference"] == f"Patient/{patient}"
    assert dr["basedOn"] == [{"reference": f"ServiceRequest/{done['fhir']['service_request']}"}]
    found = clinic.get("/fhir/DiagnosticReport", params={"patient": patient}).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [dr_id]
    sr = clinic.get(f"/fhir/ServiceRequest/{done['fhir']['service_request']}").json()
    assert sr["status"] == "completed" and sr["reasonCode"][0]["text"] == ORDER[
        "clinical_question"]
    # the share ended with the report
    assert_problem(doctor.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    assert server.query("SELECT end_reason FROM record_shares WHERE source_id = ?",
                        (b["id"],)) == [{"end_reason": "reported"}]
    # a reported slot stays taken
    assert slot_listing(clinic, slot)["state"] == "booked"
    assert_problem(book(clinic, patient, slot["id"]), 409, "booking.slot_taken")


def test_no_share_without_consent_but_the_booking_goes_ahead(server):
    clinic = server.session("aoba.tanaka")
    patient = new_patient(server, "aoba.tanaka", "BK-NOSHARE-1")
    [slot] = publish(server, "gh.admin")
    r = book(clinic, patient, slot["id"])
    assert r.status_code == 201, r.text
    assert r.json()["record_shared"] is False
    doctor = server.session("gh.sato")
    assert_problem(doctor.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    assert doctor.get(f"/api/bookings/{r.json()['id']}").json()["patient"]["id"] == patient


def test_propose_another_time_and_accept(server):
    clinic, liaison = server.session("aoba.tanaka"), server.session("gh.renkei")
    first, second = publish(server, "gh.admin", "mri", n=2)
    b = book(clinic, YAMADA_HANAKO, first["id"], exam="腰椎MRI").json()
    r = liaison.post(f"/api/bookings/{b['id']}/propose",
                     json={"slot_id": second["id"], "note": "装置点検のため30分後でお願いします"})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["status"] == "proposed" and moved["slot"]["id"] == second["id"]
    assert moved["previous_slot"]["id"] == first["id"]
    assert moved["proposal_note"] == "装置点検のため30分後でお願いします"
    # the old slot is free again, the new one held
    assert slot_listing(clinic, first)["state"] == "free"
    assert slot_listing(clinic, second)["booking"]["id"] == b["id"]
    assert clinic.get(f"/api/bookings/{b['id']}").json()["actions"] == [
        "accept_proposal", "cancel"]
    r = clinic.post(f"/api/bookings/{b['id']}/accept-proposal")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed"
    assert [e["kind"] for e in r.json()["timeline"]] == [
        "requested", "proposed", "proposal_accepted"]
    detail = r.json()["timeline"][1]["detail"]
    assert detail["from_slot_id"] == first["id"] and detail["to_slot_id"] == second["id"]
    # the freed slot can be booked by someone else
    other = new_patient(server, "aoba.tanaka", "BK-PROP-2")
    assert book(clinic, other, first["id"]).status_code == 201


def test_propose_needs_a_free_slot_of_the_same_equipment(server):
    clinic, liaison = server.session("aoba.tanaka"), server.session("gh.renkei")
    a, b_slot, c = publish(server, "gh.admin", "ct", n=3)
    [mri] = publish(server, "gh.admin", "mri")
    [uh] = publish(server, "uh.admin", "ct")
    b = book(clinic, YAMADA_HANAKO, a["id"]).json()
    book(clinic, new_patient(server, "aoba.tanaka", "BK-PROP-3"), c["id"])
    url = f"/api/bookings/{b['id']}/propose"
    before = store_snapshot(server)
    for slot_id, status, code in [(mri["id"], 422, "booking.slot_mismatch"),
                                  (uh["id"], 422, "booking.slot_mismatch"),
                                  (a["id"], 422, "booking.slot_mismatch"),
                                  (c["id"], 409, "booking.slot_taken"),
                                  (NO_SUCH, 404, "booking.slot_not_found")]:
        assert_problem(liaison.post(url, json={"slot_id": slot_id}), status, code)
    assert store_snapshot(server) == before
    assert liaison.post(url, json={"slot_id": b_slot["id"]}).status_code == 200


def test_decline_and_cancel_end_the_share_and_free_the_slot(server):
    clinic, liaison = server.session("aoba.tanaka"), server.session("gh.renkei")
    patient = new_patient(server, "aoba.tanaka", "BK-END-1", consent_orgs=[GH])
    first, second = publish(server, "gh.admin", n=2)
    b1 = book(clinic, patient, first["id"]).json()
    assert_problem(liaison.post(f"/api/bookings/{b1['id']}/decline", json={"reason": "　 "}),
                   422, "booking.reason_required")
    r = liaison.post(f"/api/bookings/{b1['id']}/decline", json={"reason": "当日は装置点検のため"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "declined" and r.json()["decline_reason"] == "当日は装置点検のため"
    assert r.json()["actions"] == []
    assert slot_listing(clinic, first)["state"] == "free"
    b2 = book(clinic, patient, second["id"]).json()
    r = clinic.post(f"/api/bookings/{b2['id']}/cancel", json={"reason": "症状が改善したため"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "症状が改善したため"
    shares = server.query("SELECT source_id, end_reason FROM record_shares WHERE patient_id = ? "
                          "ORDER BY started_at", (patient,))
    assert shares == [{"source_id": b1["id"], "end_reason": "declined"},
                      {"source_id": b2["id"], "end_reason": "cancelled"}]
    assert_problem(server.session("gh.sato").get(f"/api/patients/{patient}"), 404)
    # ended bookings accept no further step
    for path, who in [("confirm", liaison), ("cancel", clinic), ("decline", liaison)]:
        body = {"reason": "x"} if path == "decline" else None
        assert_problem(who.post(f"/api/bookings/{b2['id']}/{path}", json=body), 409,
                       "booking.invalid_transition")
    ordered = clinic.get("/api/bookings", params={"box": "ordered", "status": "cancelled"})
    assert b2["id"] in [i["id"] for i in ordered.json()["items"]]
    assert all(i["status"] == "cancelled" for i in ordered.json()["items"])


def test_withdrawal_rules(server):
    admin, clinic = server.session("gh.admin"), server.session("aoba.tanaka")
    free, taken = publish(server, "gh.admin", n=2)
    book(clinic, YAMADA_HANAKO, taken["id"])
    before = store_snapshot(server)
    assert_problem(admin.delete(f"/api/equipment/slots/{taken['id']}"), 409,
                   "booking.slot_booked")
    assert_problem(server.session("uh.admin").delete(f"/api/equipment/slots/{free['id']}"), 403,
                   "access.forbidden")
    assert_problem(server.session("gh.sato").delete(f"/api/equipment/slots/{free['id']}"), 403,
                   "access.forbidden")
    assert_problem(admin.delete(f"/api/equipment/slots/{NO_SUCH}"), 404,
                   "booking.slot_not_found")
    assert_problem(admin.delete("/api/equipment/slots/not-an-id"), 404, "booking.slot_not_found")
    assert store_snapshot(server) == before
    assert admin.delete(f"/api/equipment/slots/{free['id']}").status_code == 204
    assert slot_listing(clinic, free) is None
    assert_problem(admin.delete(f"/api/equipment/slots/{free['id']}"), 404,
                   "booking.slot_not_found")
    assert_problem(book(clinic, YAMADA_HANAKO, free["id"]), 404, "booking.slot_not_found")


def test_publish_rules(server):
    admin = server.session("gh.admin")
    before = store_snapshot(server)
    # equipment the profile does not list for shared use, or does not list at all
    for eq in ("endoscopy", "pet_ct"):
        r = admin.post("/api/equipment/slots", json={"equipment": eq, "slots": times()})
        assert_problem(r, 422, "booking.equipment_not_shared")
    # only the organisation's admins and designated directory editors
    r = server.session("gh.sato").post("/api/equipment/slots",
                                       json={"equipment": "ct", "slots": times()})
    assert_problem(r, 403, "access.forbidden")
    overlapping = times(2, minutes=30)
    overlapping[1]["starts_at"] = overlapping[0]["starts_at"]
    [backwards] = times()
    bad = [
        ([{"starts_at": "2030-01-01", "ends_at": "2030-01-02"}], "request.field_value"),
        ([{"starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T10:30:00"}],
         "request.field_value"),  # no offset
        ([{"starts_at": "2020-01-06T10:00:00+09:00", "ends_at": "2020-01-06T10:30:00+09:00"}],
         "request.field_range"),  # in the past (core/plausible.h)
        ([{"starts_at": backwards["ends_at"], "ends_at": backwards["starts_at"]}],
         "request.field_value"),  # ends before it starts
        ([], "request.field_value"),
        ([{"starts_at": times()[0]["starts_at"]}], "request.field_missing"),
        ([{**times()[0], "room": 2}], "request.unknown_field"),
        ([{"starts_at": 1, "ends_at": 2}], "request.field_type"),
    ]
    for slots, code in bad:
        assert_problem(admin.post("/api/equipment/slots", json={"equipment": "ct", "slots": slots}),
                       400, code)
    assert_problem(admin.post("/api/equipment/slots",
                              json={"equipment": "ct", "slots": overlapping}),
                   409, "booking.slot_overlap")
    assert_problem(admin.post("/api/equipment/slots", json={"equipment": "xx", "slots": times()}),
                   400, "request.field_value")
    assert store_snapshot(server) == before
    # a slot overlapping a stored one of the same equipment; another equipment may overlap
    [slot] = publish(server, "gh.admin")
    shifted = {"starts_at": slot["starts_at"].replace(":00:00", ":15:00"),
               "ends_at": slot["ends_at"].replace(":30:00", ":45:00")}
    before = store_snapshot(server)
    assert_problem(admin.post("/api/equipment/slots", json={"equipment": "ct",
                                                            "slots": [shifted]}),
                   409, "booking.slot_overlap")
    assert store_snapshot(server) == before
    r = admin.post("/api/equipment/slots", json={"equipment": "mri", "slots": [shifted]})
    assert r.status_code == 201, r.text


def test_equipment_no_longer_shared_cannot_be_booked(server):
    [slot] = publish(server, "rehab.admin")
    r = server.session("rehab.admin").put(f"/api/directory/orgs/{REHAB}/profile", json={
        "medical_function": "recovery", "equipment": [{"code": "ct", "shared_use": False}]})
    assert r.status_code == 200, r.text
    clinic = server.session("aoba.tanaka")
    before = store_snapshot(server)
    assert_problem(book(clinic, YAMADA_HANAKO, slot["id"]), 422, "booking.equipment_not_shared")
    assert store_snapshot(server) == before
    assert slot_listing(clinic, slot) is None  # others no longer see it
    assert slot_listing(server.session("rehab.admin"), slot)["state"] == "free"  # its owner does


# ---- concurrency and idempotency -----------------------------------------------------------

def test_concurrent_bookings_of_one_slot_have_one_winner(server):
    # a patient three organisations may order for
    gh = server.session("gh.sato")
    patient = new_patient(server, "gh.sato", "BK-RACE-1")
    for org in (AOBA, SAKURA):
        assert gh.post(f"/api/patients/{patient}/team", json={"org_id": org}).status_code == 201
    r = gh.post(f"/api/patients/{patient}/consents", json={
        "org_ids": [GH, AOBA, SAKURA], "scope": "all", "method": "written",
        "consented_on": helpers.tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    [slot] = publish(server, "uh.admin")
    logins = ["gh.sato", "gh.renkei", "gh.yamamoto", "aoba.tanaka", "aoba.nakajima", "sc.admin",
              "multi.kobayashi"]
    sessions = [helpers.login(server, logins[i % len(logins)]) for i in range(12)]
    barrier = threading.Barrier(len(sessions))
    answers = [None] * len(sessions)

    def go(i):
        barrier.wait()
        answers[i] = book(sessions[i], patient, slot["id"], exam=f"胸部CT {i}")

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] + [409] * 11, [(r.status_code, r.text[:200]) for r in answers]
    for r in answers:
        if r.status_code == 409:
            assert_problem(r, 409, "booking.slot_taken")
    winner = next(r.json() for r in answers if r.status_code == 201)
    rows = bookings_for_slot(server, slot["id"])
    assert [row["id"] for row in rows] == [winner["id"]]
    assert len(server.query("SELECT id FROM case_events WHERE case_kind = 'booking' AND case_id = ?",
                            (winner["id"],))) == 1
    assert len(server.query("SELECT id FROM notifications WHERE ref_id = ?",
                            (winner["id"],))) == 1


def test_idempotent_repeat(server):
    clinic = server.session("aoba.tanaka")
    [slot] = publish(server, "gh.admin")
    first = book(clinic, YAMADA_HANAKO, slot["id"], key="bk-key-1")
    assert first.status_code == 201, first.text
    before = store_snapshot(server)
    again = book(clinic, YAMADA_HANAKO, slot["id"], key="bk-key-1")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert store_snapshot(server) == before
    assert_problem(book(clinic, YAMADA_HANAKO, slot["id"], key="bk-key-1", exam="胸部CT"), 409,
                   "booking.idempotency_conflict")
    assert_problem(book(clinic, YAMADA_HANAKO, slot["id"], key="bk-key-2"), 409,
                   "booking.slot_taken")
    for key in ("x" * 101, "with space", "改行"):
        r = clinic.post(f"/api/patients/{YAMADA_HANAKO}/bookings",
                        json={"slot_id": slot["id"], **ORDER},
                        headers={"Idempotency-Key": key.encode().decode("latin-1")})
        assert_problem(r, 400, "request.field_value")
    assert store_snapshot(server) == before
    # the key is the user's: another user's same key is a new request
    other = book(server.session("aoba.nakajima"), YAMADA_HANAKO, slot["id"], key="bk-key-1")
    assert_problem(other, 409, "booking.slot_taken")
    assert len(bookings_for_slot(server, slot["id"])) == 1


# ---- who may do what -------------------------------------------------------------------------

def test_wrong_side_and_wrong_state_change_nothing(server):
    clinic, liaison, doctor = (server.session(u) for u in ("aoba.tanaka", "gh.renkei", "gh.sato"))
    first, second = publish(server, "gh.admin", n=2)
    b = book(clinic, YAMADA_HANAKO, first["id"]).json()
    url = f"/api/bookings/{b['id']}"
    before = store_snapshot(server)
    for who, step, body in [
        (clinic, "confirm", None), (clinic, "propose", {"slot_id": second["id"]}),
        (clinic, "decline", {"reason": "x"}), (clinic, "report", {"impression": "x"}),
        (liaison, "cancel", None), (liaison, "accept-proposal", None),
    ]:
        assert_problem(who.post(f"{url}/{step}", json=body), 403, "booking.wrong_party")
    assert_problem(doctor.post(f"{url}/report", json={"impression": "x"}), 409,
                   "booking.invalid_transition")
    assert_problem(clinic.post(f"{url}/accept-proposal"), 409, "booking.invalid_transition")
    assert store_snapshot(server) == before
    assert liaison.post(f"{url}/confirm").status_code == 200
    before = store_snapshot(server)
    assert_problem(liaison.post(f"{url}/confirm"), 409, "booking.invalid_transition")
    assert_problem(liaison.post(f"{url}/report", json={"impression": "x"}), 403,
                   "booking.reporter_not_physician")
    for blank in (" ", "\u200b", "\u3000\ufeff", "\u0301"):  # nothing visible
        assert_problem(doctor.post(f"{url}/report", json={"findings": "所見のみ",
                                                           "impression": blank}),
                       422, "booking.report_incomplete")
    assert store_snapshot(server) == before


def test_outsiders_see_no_booking(server):
    clinic = server.session("aoba.tanaka")
    [slot] = publish(server, "uh.admin")
    b = book(clinic, YAMADA_HANAKO, slot["id"]).json()
    # patient 0's team (minami-gh) may read the booking as part of the record, not act on it
    gh = server.session("gh.sato")
    assert gh.get(f"/api/bookings/{b['id']}").json()["actions"] == []
    before = store_snapshot(server)
    assert_problem(gh.post(f"/api/bookings/{b['id']}/confirm"), 404, "booking.not_found")
    # others: the same 404 as a booking that does not exist
    for login in ("ph.ito", "rehab.admin"):
        s = server.session(login)
        hidden = assert_problem(s.get(f"/api/bookings/{b['id']}"), 404, "booking.not_found")
        missing = assert_problem(s.get(f"/api/bookings/{NO_SUCH}"), 404, "booking.not_found")
        assert helpers.without_request_id(hidden) == helpers.without_request_id(missing)
        assert_problem(s.post(f"/api/bookings/{b['id']}/cancel"), 404, "booking.not_found")
        assert b["id"] not in s.get("/api/bookings", params={"box": "received"}).text
        assert_problem(s.get(f"/api/patients/{YAMADA_HANAKO}/bookings"), 404)
    for bad in ("not-a-uuid", "3F1D2C4B-5A69-4788-9A0B-1C2D3E4F5A6", "%00"):
        assert_problem(clinic.get(f"/api/bookings/{bad}"), 404, "booking.not_found")
    assert store_snapshot(server) == before
    assert_problem(server.session("jimukyoku").get(f"/api/bookings/{b['id']}"), 404)


def test_booking_input_is_checked(server):
    clinic = server.session("aoba.tanaka")
    [slot] = publish(server, "gh.admin")
    url = f"/api/patients/{YAMADA_HANAKO}/bookings"
    base = {"slot_id": slot["id"], **ORDER}
    before = store_snapshot(server)
    cases = [
        ({**base, "priority": "high"}, 400, "request.unknown_field"),
        ({**base, "slot_id": 5}, 400, "request.field_type"),
        ({**base, "slot_id": "slot-1"}, 400, "request.field_value"),
        ({**base, "exam": ["CT"]}, 400, "request.field_type"),
        ({k: v for k, v in base.items() if k != "clinical_question"}, 400,
         "request.field_missing"),
        ({**base, "clinical_question": " \u3000"}, 422, "booking.order_incomplete"),
        ({**base, "exam": ""}, 422, "booking.order_incomplete"),
        ({**base, "slot_id": NO_SUCH}, 404, "booking.slot_not_found"),
        ({**base, "slot_id": helpers.demo_id("slot", "minami-gh/ct/-3/1000")}, 409,
         "booking.slot_past"),
    ]
    for body, status, code in cases:
        assert_problem(clinic.post(url, json=body), status, code)
    # a hospital may not book its own equipment for shared use
    gh = server.session("gh.sato")
    assert_problem(gh.post(url, json=base), 422, "booking.own_equipment")
    assert store_snapshot(server) == before


@pytest.mark.parametrize("query", [
    {"box": "sent"}, {"status": "done"}, {"box": "ordered", "x": "1"}, {"limit": "0"},
])
def test_bad_booking_list_queries(server, query):
    assert_problem(server.session("aoba.tanaka").get("/api/bookings", params=query), 400,
                   "request.bad_query")


@pytest.mark.parametrize("query", [
    {"equipment": "zz"}, {"org_id": "x"}, {"from": "tomorrow"}, {"available": "yes"},
    {"from": "2026-12-01", "to": "2026-11-01"}, {"from": "2026-01-01", "to": "2026-12-31"},
    {"from": "2026-12-01T10:00:00"},
])
def test_bad_slot_list_queries(server, query):
    assert_problem(server.session("aoba.tanaka").get("/api/equipment/slots", params=query), 400,
                   "request.bad_query")


# ---- the demo region ---------------------------------------------------------------------------

def test_demo_slots_and_bookings(start_server):
    # about the demo region as `tsunagu init --demo` leaves it: a server of its own, which no
    # other test adds bookings or slots to
    server = start_server()
    clinic = server.session("multi.kobayashi")  # さくらクリニック
    slots = helpers.fetch_all(clinic, "/api/equipment/slots", {"org_id": GH, "equipment": "ct"})
    assert slots and all(s["org"]["id"] == GH and s["equipment"] == "ct" for s in slots)
    for s in slots:
        start = datetime.datetime.fromisoformat(s["starts_at"].replace("Z", "+00:00"))
        local = start.astimezone(JST)
        assert local.weekday() < 5 and 9 <= local.hour < 16 and local.minute in (0, 30)
        assert "絶食" in s["preparation"]
    assert {s["org"]["id"] for s in helpers.fetch_all(
        clinic, "/api/equipment/slots", {"equipment": "mri"})} == {GH, UH}
    ordered = helpers.fetch_all(clinic, "/api/bookings", {"box": "ordered"})
    assert {b["status"] for b in ordered} >= {"requested", "confirmed", "reported"}
    reported = next(b for b in ordered if b["status"] == "reported")
    assert reported["report"]["impression"].startswith("胆嚢結石症")
    full = clinic.get(f"/api/bookings/{reported['id']}").json()
    dr = clinic.get(f"/fhir/DiagnosticReport/{full['fhir']['diagnostic_report']}")
    assert dr.status_code == 200 and dr.json()["conclusion"] == reported["report"]["impression"]
    received = helpers.fetch_all(server.session("gh.renkei"), "/api/bookings", {"box": "received"})
    assert {b["id"] for b in ordered} <= {b["id"] for b in received}
