# SPDX-License-Identifier: Apache-2.0
"""Warnings where they matter (issue 13, item 4): before an examination is booked, drafted as a
referral or performed, the server gives the patient's safety summary (high-criticality allergies,
contraindications, the latest eGFR when the examination uses contrast) through the access
decision, audited; and the checklist the hospital sets per kind of examination, whose ticked
items the booking keeps."""
import helpers
from helpers import YAMADA_HANAKO, assert_problem, store_snapshot
from test_bookings import book, new_patient, publish

GH = helpers.org_id("minami-gh")


def summary(session, patient, exam=None):
    return session.get(f"/api/patients/{patient}/safety-summary",
                       params={"exam": exam} if exam else None)


def test_contrast_ct_for_hanako_warns_of_her_allergy_and_egfr(server):
    r = summary(server.session("aoba.tanaka"), YAMADA_HANAKO, "腹部造影CT")
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["contrast"] is True
    iodine = [a for a in s["allergies"] if a["text"] == "ヨード造影剤"]
    assert iodine and iodine[0]["criticality"] == "high" and iodine[0]["reaction"]
    assert all(a["criticality"] == "high" for a in s["allergies"])
    assert any("eGFR 45未満" in c["text"] for c in s["contraindications"])
    egfr = s["egfr"]
    assert egfr["low"] is True and egfr["value"] < 45 and round(egfr["value"]) == 42
    assert egfr["date"] and len(egfr["date"]) == 10 and egfr["unit"] == "mL/min/1.73m²"
    # without contrast no eGFR, the allergies still
    plain = summary(server.session("aoba.tanaka"), YAMADA_HANAKO, "頭部単純CT").json()
    assert plain["contrast"] is False and plain["egfr"] is None
    assert plain["allergies"] == s["allergies"]


def audited(server, r):
    return server.query("SELECT patient_id, user_login, outcome FROM audit WHERE request_id = ?",
                        (r.headers["X-Request-Id"],))


def test_safety_summary_goes_through_the_access_decision_and_is_audited(server):
    r = summary(server.session("gh.sato"), YAMADA_HANAKO, "造影CT")
    assert r.status_code == 200
    assert {"patient_id": YAMADA_HANAKO, "user_login": "gh.sato", "outcome": 0} in audited(
        server, r)
    # an outsider (a pharmacy her consent does not name) learns nothing, and the refusal is kept
    r = summary(server.session("ph.ito"), YAMADA_HANAKO, "造影CT")
    assert_problem(r, 404, "patient.not_found")
    assert any(a["outcome"] != 0 and a["user_login"] == "ph.ito" for a in audited(server, r))


def test_the_examining_hospital_sees_it_only_where_the_consent_allows(server):
    clinic, doctor = server.session("aoba.tanaka"), server.session("gh.sato")
    shared = new_patient(server, "aoba.tanaka", "SAFE-SHARE-1", consent_orgs=[GH])
    private = new_patient(server, "aoba.tanaka", "SAFE-PRIV-1")
    for patient in (shared, private):
        assert_problem(summary(doctor, patient), 404, "patient.not_found")
    slots = publish(server, "gh.admin", n=2)
    for patient, slot in zip((shared, private), slots):
        assert book(clinic, patient, slot["id"]).status_code == 201
    assert summary(doctor, shared, "造影CT").status_code == 200
    assert_problem(summary(doctor, private, "造影CT"), 404, "patient.not_found")


def test_the_hospital_sets_checklists_and_the_booking_keeps_the_ticks(server):
    admin, doctor, clinic = (server.session(u) for u in ("gh.admin", "gh.sato", "aoba.tanaka"))
    lists = {i["kind"]: i["items"] for i in clinic.get(
        "/api/equipment/checklists", params={"org_id": GH}).json()["items"]}
    assert lists["mri"] == ["ペースメーカー・体内金属"]  # the demo's
    assert lists["contrast"] == ["妊娠の可能性", "絶食"]

    before = store_snapshot(server)
    assert doctor.put("/api/equipment/checklists/ct", json={"items": ["x"]}).status_code == 403
    assert_problem(admin.put("/api/equipment/checklists/xray-tube", json={"items": ["x"]}),
                   400, "request.field_value")
    assert_problem(admin.put("/api/equipment/checklists/ct", json={"items": [" "]}), 400,
                   "request.field_value")
    assert store_snapshot(server) == before
    r = admin.put("/api/equipment/checklists/ct", json={"items": [" 体内金属 ", "閉所恐怖症"]})
    assert r.status_code == 200, r.text
    assert r.json()["items"] == ["体内金属", "閉所恐怖症"]

    [slot, other] = publish(server, "gh.admin", n=2)
    before = store_snapshot(server)
    assert_problem(book(clinic, YAMADA_HANAKO, slot["id"], exam="腹部造影CT",
                        checklist=["持参薬"]), 422, "booking.checklist_unknown")
    assert store_snapshot(server) == before
    r = book(clinic, YAMADA_HANAKO, slot["id"], exam="腹部造影CT", checklist=["絶食", "体内金属"])
    assert r.status_code == 201, r.text
    assert r.json()["checklist"] == [
        {"item": "体内金属", "checked": True}, {"item": "閉所恐怖症", "checked": False},
        {"item": "妊娠の可能性", "checked": False}, {"item": "絶食", "checked": True}]
    # a plain examination: the equipment's list only
    r = book(clinic, YAMADA_HANAKO, other["id"], exam="頭部単純CT")
    assert [c["item"] for c in r.json()["checklist"]] == ["体内金属", "閉所恐怖症"]
    assert doctor.get(f"/api/bookings/{r.json()['id']}").json()["checklist"][0]["checked"] is False
