# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the standard visit records (訪問記録). One record per visit in the form
of its kind (SOAP, 訪問看護記録書II, pharmacy, rehab with the Barthel Index, care), with vitals
and 申し送り; offline resubmission with an Idempotency-Key stores once; the author signs (the
SHA-256 of the signed content is recorded and audited); corrections are new versions with a
reason; the vitals are FHIR Observations the record's searches find."""
import datetime
import hashlib
import itertools
import json

import pytest

import helpers
from helpers import YAMADA_HANAKO, assert_problem, store_snapshot
from test_events import Stream

SATO_ICHIRO = helpers.patient_id(1)  # team: gh, sakura, aoba, vns, hikari, cmo, all consented
VNS = helpers.org_id("minami-vns")
_keys = itertools.count(1)


def visit(hours_ago=3, minutes=30):
    """A visit that ended before now, as RFC 3339 with +09:00."""
    end = helpers.tokyo_now().replace(microsecond=0) - datetime.timedelta(hours=hours_ago)
    start = end - datetime.timedelta(minutes=minutes)
    return start.isoformat(), end.isoformat()


def body(kind, content, handover="", hours_ago=3):
    start, end = visit(hours_ago)
    return {"kind": kind, "visit_start": start, "visit_end": end, "content": content,
            "handover": handover}


VITALS = {"bp_systolic": 132, "bp_diastolic": 78, "pulse": 72, "spo2": 96, "temperature": 36.7,
          "respiratory_rate": 16, "weight": 48.5, "blood_glucose": 142, "pain_nrs": 2, "jcs": 0}
BARTHEL = {"feeding": 10, "bathing": 0, "grooming": 5, "dressing": 5, "bowels": 10,
           "bladder": 5, "toilet_use": 5, "transfers": 10, "mobility": 5, "stairs": 0}

FORMS = {
    "soap": ("aoba.tanaka", "home_medical", {
        "subjective": "夜間の息切れが少し楽になった", "objective": "下腿浮腫軽度、肺雑音なし",
        "assessment": "心不全は代償されている", "plan": "利尿薬継続、2週後再診",
        "vitals": {"bp_systolic": 118, "bp_diastolic": 70, "pulse": 88, "spo2": 95}}),
    "nursing": ("vns.suzuki", "home_nursing", {
        "vitals": VITALS, "observation": "仙骨部の発赤 2cm、表皮剥離なし",
        "care_given": "体位変換、清拭、褥瘡予防の除圧", "instructions": "2時間ごとの体位変換を家族に指導",
        "next_visit": (helpers.tokyo_today() + datetime.timedelta(days=3)).isoformat(),
        "next_visit_note": "木曜午前"}),
    "pharmacy": ("ph.ito", "home_pharmacy", {
        "adherence": "partial", "adherence_note": "夕食後の分を飲み忘れることがある",
        "remaining_drugs": [{"drug": "フロセミド錠20mg", "count": 12},
                            {"drug": "アムロジピン錠5mg", "count": 3}],
        "side_effects": "ふらつきなし", "proposals": "夕食後薬を朝食後へまとめることを提案",
        "vitals": {"bp_systolic": 124, "bp_diastolic": 72}}),
    "rehab": ("vns.ikeda", "home_rehab", {
        "function": "右下肢筋力 MMT4", "adl": BARTHEL, "goals": "屋内歩行の自立",
        "vitals": {"pulse": 80, "spo2": 97}}),
    "care": ("vns.suzuki", "home_bathing", {
        "meals": "全量摂取", "excretion": "排便あり", "bathing": "訪問入浴、異常なし",
        "changes": "いつもより口数が少ない", "vitals": {"temperature": 36.4}}),
}


def create(server, login, kind, content, patient=SATO_ICHIRO, key=None, **kwargs):
    headers = {"Idempotency-Key": key} if key else None
    return server.session(login).post(f"/api/patients/{patient}/homecare/records",
                                      json=body(kind, content, **kwargs), headers=headers)


def created(server, login, kind, content, patient=SATO_ICHIRO, **kwargs):
    r = create(server, login, kind, content, patient, **kwargs)
    assert r.status_code == 201, r.text
    return r.json()


def fhir_observations(session, patient, code):
    r = session.get("/fhir/Observation", params={"patient": patient, "code": code})
    assert r.status_code == 200, r.text
    return [e["resource"] for e in r.json().get("entry", [])]


# ---- each form -----------------------------------------------------------------------------

@pytest.mark.parametrize("form", list(FORMS))
def test_each_form_stores_and_reads_back(server, form):
    login, kind, content = FORMS[form]
    s = server.session(login)
    rec = created(server, login, kind, content, handover=f"{form}: 次回は家族同席")
    assert rec["form"] == form and rec["kind"] == kind and rec["version"] == 1
    assert rec["status"] == "draft" and rec["content_sha256"] is None
    assert rec["author"]["id"] == helpers.user_id(login)
    expected = json.loads(json.dumps(content))
    if form == "rehab":
        expected["adl"]["total"] = sum(BARTHEL.values())  # computed by the server: 55
        assert rec["content"]["adl"]["total"] == 55
    assert rec["content"] == expected
    assert rec["handover"] == f"{form}: 次回は家族同席"
    again = s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}")
    assert again.status_code == 200, again.text
    assert again.json()["content"] == expected and len(again.json()["versions"]) == 1
    listed = s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records", params={"kind": kind})
    assert rec["id"] in [i["id"] for i in listed.json()["items"]]
    # the FHIR record: an Encounter of class HH, one Observation per vital, a Composition
    enc = s.get(f"/fhir/Encounter/{rec['fhir']['encounter']}").json()
    assert enc["class"]["code"] == "HH" and enc["serviceProvider"]["reference"].startswith(
        "Organization/")
    assert set(rec["fhir"]["observations"]) == set(content["vitals"])
    comp = s.get(f"/fhir/Composition/{rec['fhir']['composition']}").json()
    assert comp["status"] == "preliminary"
    entries = [e["reference"] for sec in comp["section"] for e in sec.get("entry", [])]
    assert sorted(entries) == sorted(f"Observation/{i}"
                                     for i in rec["fhir"]["observations"].values())


def test_the_list_is_newest_first_and_filters_by_kind(server):
    _, _, nursing = FORMS["nursing"]
    older = created(server, "vns.suzuki", "home_nursing", nursing, hours_ago=30)
    newer = created(server, "vns.suzuki", "home_nursing", nursing, hours_ago=1)
    s = server.session("vns.suzuki")
    items = s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records",
                  params={"kind": "home_nursing", "limit": 100}).json()["items"]
    ids = [i["id"] for i in items]
    assert ids.index(newer["id"]) < ids.index(older["id"])
    assert {i["kind"] for i in items} == {"home_nursing"}
    assert all("versions" not in i and i["version_id"] for i in items)
    starts = [i["visit_start"] for i in items]
    assert starts == sorted(starts, reverse=True)
    r = s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records", params={"kind": "flying"})
    assert_problem(r, 400, "request.bad_query")


# ---- refusals ------------------------------------------------------------------------------

@pytest.mark.parametrize("vitals,field", [
    ({"spo2": 140}, "content.vitals.spo2"),
    ({"bp_systolic": 300, "bp_diastolic": 20}, "content.vitals.bp_systolic"),
    ({"bp_systolic": 120, "bp_diastolic": 20}, "content.vitals.bp_diastolic"),
    ({"bp_systolic": 80, "bp_diastolic": 90}, "content.vitals.bp_diastolic"),
    ({"temperature": 45}, "content.vitals.temperature"),
    ({"pulse": 0}, "content.vitals.pulse"),
    ({"jcs": 5}, "content.vitals.jcs"),
    ({"pain_nrs": 11}, "content.vitals.pain_nrs"),
], ids=lambda v: json.dumps(v) if isinstance(v, dict) else v)
def test_impossible_vitals_are_refused_and_nothing_is_stored(server, vitals, field):
    before = store_snapshot(server)
    r = create(server, "vns.suzuki", "home_nursing", {"vitals": vitals})
    problem = assert_problem(r, 400, "request.field_range")
    assert problem["field"] == field
    assert store_snapshot(server) == before


@pytest.mark.parametrize("content,code", [
    ({"vitals": {"spo2": "96"}}, "request.field_type"),
    ({"vitals": {"pain_nrs": 2.5}}, "request.field_type"),
    ({"vitals": {"spo2": 96, "heart": 1}}, "request.unknown_field"),
    ({"care_given": "清拭", "shoe_size": 24}, "request.unknown_field"),
    ({"subjective": "SOAP の項目は訪問看護の様式にない"}, "request.unknown_field"),
    ({"next_visit": "2020-01-01"}, "request.field_range"),
    ({"next_visit": "来週"}, "request.field_value"),
    ({"observation": "x" * 4001}, "request.field_too_long"),
], ids=range(8))
def test_bad_form_content_is_refused(server, content, code):
    before = store_snapshot(server)
    assert_problem(create(server, "vns.suzuki", "home_nursing", content), 400, code)
    assert store_snapshot(server) == before


@pytest.mark.parametrize("adl,code", [
    ({**BARTHEL, "bathing": 10}, "request.field_range"),    # bathing scores 0 or 5
    ({**BARTHEL, "transfers": 7}, "request.field_range"),
    ({k: v for k, v in BARTHEL.items() if k != "stairs"}, "request.field_missing"),
    ({**BARTHEL, "total": 100}, "request.field_value"),    # the items add up to 55
], ids=["bathing-10", "transfers-7", "no-stairs", "wrong-total"])
def test_barthel_scores_are_checked(server, adl, code):
    before = store_snapshot(server)
    assert_problem(create(server, "vns.ikeda", "home_rehab", {"adl": adl}), 400, code)
    assert store_snapshot(server) == before


def test_a_visit_ending_before_it_starts_is_refused(server):
    b = body("home_nursing", {"observation": "検証"})
    b["visit_start"], b["visit_end"] = b["visit_end"], b["visit_start"]
    before = store_snapshot(server)
    r = server.session("vns.suzuki").post(f"/api/patients/{SATO_ICHIRO}/homecare/records", json=b)
    assert assert_problem(r, 400, "request.field_range")["field"] == "visit_end"
    b = body("home_nursing", {"observation": "検証"})
    b["visit_start"] = "2026-12-07 10:00"
    r = server.session("vns.suzuki").post(f"/api/patients/{SATO_ICHIRO}/homecare/records", json=b)
    assert_problem(r, 400, "request.field_value")
    assert store_snapshot(server) == before


@pytest.mark.parametrize("login,kind", [("ph.ito", "home_nursing"), ("vns.suzuki", "home_medical"),
                                        ("aoba.tanaka", "home_pharmacy"),
                                        ("vns.suzuki", "home_rehab"), ("cm.watanabe", "home_help")])
def test_a_profession_that_does_not_make_the_kind_is_refused(server, login, kind):
    before = store_snapshot(server)
    assert_problem(create(server, login, kind, {}), 403, "homecare.records_profession")
    assert store_snapshot(server) == before


def test_an_unknown_kind_is_refused(server):
    assert_problem(create(server, "vns.suzuki", "home_flying", {}), 422, "homecare.kind_unknown")


# ---- idempotency ---------------------------------------------------------------------------

def test_offline_resubmission_with_the_same_key_stores_once(server):
    key = f"offline-draft-{next(_keys)}"
    b = body("home_nursing", FORMS["nursing"][2], handover="夜間の様子を家族に確認")
    s = server.session("vns.suzuki")
    path = f"/api/patients/{SATO_ICHIRO}/homecare/records"
    first = s.post(path, json=b, headers={"Idempotency-Key": key})
    assert first.status_code == 201, first.text
    before = store_snapshot(server)
    again = s.post(path, json=b, headers={"Idempotency-Key": key})
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["content"] == first.json()["content"]
    assert store_snapshot(server) == before  # nothing doubled: no row, no FHIR resource
    assert len(server.query("SELECT id FROM homecare_records WHERE idempotency_key = ?",
                            (key,))) == 1
    # the same key with another body is refused, and changes nothing
    other = dict(b, handover="別の内容")
    assert_problem(s.post(path, json=other, headers={"Idempotency-Key": key}), 409,
                   "homecare.records_idempotency_conflict")
    assert store_snapshot(server) == before
    # another user's key is their own
    mine = server.session("vns.kato").post(path, json=b, headers={"Idempotency-Key": key})
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]


def test_a_malformed_idempotency_key_is_refused(server):
    before = store_snapshot(server)
    r = create(server, "vns.suzuki", "home_nursing", {}, key="x" * 101)
    assert_problem(r, 400, "request.field_value")
    assert store_snapshot(server) == before


# ---- signing -------------------------------------------------------------------------------

def signed_sha(rec):
    doc = {"record_id": rec["id"], "version": rec["version"], "patient_id": rec["patient_id"],
           "org_id": rec["org"]["id"], "author_id": rec["author"]["id"], "kind": rec["kind"],
           "visit_start": rec["visit_start"], "visit_end": rec["visit_end"],
           "content": rec["content"], "handover": rec["handover"]}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_signing_records_the_sha256_and_only_the_author_signs(server):
    rec = created(server, "vns.suzuki", "home_nursing", FORMS["nursing"][2], handover="申し送り")
    path = f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}/sign"
    before = store_snapshot(server)
    # a colleague of the same station is not the author
    assert_problem(server.session("vns.kato").post(path), 403, "homecare.records_not_author")
    assert store_snapshot(server) == before
    r = server.session("vns.suzuki").post(path)
    assert r.status_code == 200, r.text
    signed = r.json()
    assert signed["status"] == "signed" and signed["signed_by"]["id"] == rec["author"]["id"]
    assert signed["content_sha256"] == signed_sha(rec)
    audit = server.query("SELECT detail FROM audit WHERE event_id = 'homecare_records_sign' "
                         "AND object_id = ? AND outcome = 0", (rec["id"],))
    assert len(audit) == 1 and signed["content_sha256"] in audit[0]["detail"]
    comp = server.session("vns.suzuki").get(
        f"/fhir/Composition/{rec['fhir']['composition']}").json()
    assert comp["status"] == "final" and comp["attester"][0]["mode"] == "legal"
    assert_problem(server.session("vns.suzuki").post(path), 409, "homecare.records_signed")


# ---- corrections ---------------------------------------------------------------------------

def test_a_correction_needs_a_reason_and_keeps_version_1_readable(server):
    content = {"vitals": {"spo2": 93, "temperature": 37.8, "pulse": 96},
               "observation": "湿性咳嗽あり"}
    rec = created(server, "vns.suzuki", "home_nursing", content)
    s = server.session("vns.suzuki")
    base = f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}"
    assert s.post(base + "/sign").status_code == 200
    fixed = {"vitals": {"spo2": 95, "pulse": 96}, "observation": "湿性咳嗽あり。SpO2 は再検で 95%"}
    b = body("home_nursing", fixed)
    del b["kind"]  # a correction keeps the record's kind
    before = store_snapshot(server)
    for reason in (None, "", " \u3000"):
        sent = dict(b) if reason is None else dict(b, reason=reason)
        assert_problem(s.post(base + "/corrections", json=sent), 422,
                       "homecare.records_reason_required")
    assert store_snapshot(server) == before
    # another organisation on the team may not correct the station's record
    r = server.session("aoba.tanaka").post(base + "/corrections", json=dict(b, reason="誤記"))
    assert_problem(r, 403, "homecare.records_wrong_org")
    r = s.post(base + "/corrections", json=dict(b, reason="SpO2 の誤記(再検値)、体温は未測定",
                                                base_version=1))
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert v2["version"] == 2 and v2["status"] == "draft" and v2["content"] == fixed
    assert v2["correction_reason"].startswith("SpO2 の誤記")
    assert [v["version"] for v in v2["versions"]] == [1, 2]
    v1 = v2["versions"][0]
    assert v1["content"] == content and v1["status"] == "signed" and v1["content_sha256"]
    assert v2["versions"][1]["previous_id"] == v1["id"]
    listed = s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records").json()["items"]
    assert next(i for i in listed if i["id"] == rec["id"])["version"] == 2
    # a stale base version is refused
    r = s.post(base + "/corrections", json=dict(b, reason="再訂正", base_version=1))
    assert_problem(r, 409, "homecare.records_version_conflict")
    # the FHIR record says what version 2 says: SpO2 corrected in place, temperature withdrawn
    spo2 = s.get(f"/fhir/Observation/{v2['fhir']['observations']['spo2']}").json()
    assert spo2["valueQuantity"]["value"] == 95 and spo2["meta"]["versionId"] == "2"
    assert v2["fhir"]["observations"]["spo2"] == v1["fhir"]["observations"]["spo2"]
    assert "temperature" not in v2["fhir"]["observations"]
    temp = s.get(f"/fhir/Observation/{v1['fhir']['observations']['temperature']}").json()
    assert temp["status"] == "entered-in-error"
    history = s.get(f"/fhir/Observation/{spo2['id']}/_history").json()
    assert sorted(e["resource"]["valueQuantity"]["value"] for e in history["entry"]) == [93, 95]
    # and the author signs version 2
    r = s.post(base + "/sign")
    assert r.status_code == 200 and r.json()["version"] == 2
    assert r.json()["content_sha256"] == signed_sha({**v2, "id": rec["id"]})


# ---- FHIR and access -----------------------------------------------------------------------

def test_the_vitals_are_found_through_fhir_observation(server):
    content = {"vitals": {"spo2": 91, "bp_systolic": 146, "bp_diastolic": 88, "jcs": 10}}
    rec = created(server, "vns.suzuki", "home_nursing", content)
    s = server.session("aoba.tanaka")  # the physician of the team reads them
    found = fhir_observations(s, SATO_ICHIRO, "http://loinc.org|59408-5")
    ids = {o["id"]: o for o in found}
    spo2 = ids[rec["fhir"]["observations"]["spo2"]]
    assert spo2["valueQuantity"] == {"value": 91, "unit": "%", "system":
                                     "http://unitsofmeasure.org", "code": "%"}
    assert spo2["category"][0]["coding"][0]["code"] == "vital-signs"
    assert spo2["encounter"]["reference"] == f"Encounter/{rec['fhir']['encounter']}"
    sys_ = fhir_observations(s, SATO_ICHIRO, "8480-6")
    assert rec["fhir"]["observations"]["bp_systolic"] in [o["id"] for o in sys_]
    jcs = s.get(f"/fhir/Observation/{rec['fhir']['observations']['jcs']}").json()
    assert jcs["code"]["coding"][0]["system"].endswith("japan-coma-scale")
    assert jcs["valueCodeableConcept"]["coding"][0]["code"] == "10"


def test_another_organisation_without_consent_sees_nothing(server):
    rec = created(server, "gh.sato", "home_medical", {
        "subjective": "外来から在宅へ", "vitals": {"spo2": 97, "pulse": 64}}, patient=YAMADA_HANAKO)
    outsider = server.session("ph.ito")  # on no consent of hers
    base = f"/api/patients/{YAMADA_HANAKO}/homecare/records"
    assert_problem(outsider.get(base), 404, "patient.not_found")
    assert_problem(outsider.get(f"{base}/{rec['id']}"), 404, "patient.not_found")
    assert_problem(outsider.post(f"{base}/{rec['id']}/sign"), 404, "patient.not_found")
    r = outsider.get("/fhir/Observation", params={"patient": YAMADA_HANAKO, "code": "59408-5"})
    assert r.status_code in (200, 404)
    assert rec["fhir"]["observations"]["spo2"] not in r.text
    r = outsider.get(f"/fhir/Observation/{rec['fhir']['observations']['spo2']}")
    assert r.status_code == 404
    # a record of another patient is not found through this one
    mine = server.session("gh.sato")
    assert_problem(mine.get(f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}"), 404,
                   "homecare.records_not_found")


def test_the_team_hears_of_a_new_record(server):
    doctor = server.session("aoba.tanaka")
    stream = Stream(doctor, "/api/events?topics=homecare.record")
    try:
        assert stream.response.status_code == 200
        rec = created(server, "vns.suzuki", "home_nursing", {"observation": "著変なし"})
        event = stream.next("the record event",
                            lambda e: "data" in e and rec["id"] in e["data"])
        assert event["event"] == "homecare.record"
        assert json.loads(event["data"]) == {"record_id": rec["id"], "event": "created"}
        assert SATO_ICHIRO not in event["data"]
    finally:
        stream.close()


def test_the_signed_record_is_a_fhir_document(server):
    content = {"observation": "褥瘡 d2、滲出液少量", "care_given": "洗浄と被覆材交換",
               "vitals": {"temperature": 36.9, "pain_nrs": 3}}
    rec = created(server, "vns.suzuki", "home_nursing", content, handover="家族へ除圧を再指導")
    s = server.session("vns.suzuki")
    assert s.post(f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}/sign").status_code \
        == 200
    r = s.get(f"/fhir/Composition/{rec['fhir']['composition']}/$document")
    assert r.status_code == 200, r.text
    bundle = r.json()
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types[0] == "Composition" and "Encounter" in types
    assert types.count("Observation") == 2
    comp = bundle["entry"][0]["resource"]
    titles = [sec["title"] for sec in comp["section"]]
    assert titles == ["観察項目・状態", "実施したケア", "バイタルサイン", "申し送り"]
    assert "家族へ除圧を再指導" in comp["section"][-1]["text"]["div"]


def test_a_correction_sent_again_with_its_key_stores_once(server):
    rec = created(server, "vns.suzuki", "home_nursing", {"vitals": {"pulse": 110}})
    s = server.session("vns.suzuki")
    path = f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}/corrections"
    b = body("home_nursing", {"vitals": {"pulse": 70}})
    del b["kind"]
    b.update(reason="脈拍の誤記", base_version=1)
    key = f"offline-correction-{next(_keys)}"
    first = s.post(path, json=b, headers={"Idempotency-Key": key})
    assert first.status_code == 201 and first.json()["version"] == 2, first.text
    before = store_snapshot(server)
    again = s.post(path, json=b, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json()["version"] == 2, again.text
    assert store_snapshot(server) == before
    assert_problem(s.post(path, json=dict(b, reason="別の理由"), headers={"Idempotency-Key": key}),
                   409, "homecare.records_idempotency_conflict")


def test_reads_and_writes_of_records_are_audited(server):
    rec = created(server, "vns.suzuki", "home_nursing", {"observation": "監査の確認"})
    s = server.session("aoba.tanaka")
    assert s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records/{rec['id']}").status_code == 200
    assert s.get(f"/api/patients/{SATO_ICHIRO}/homecare/records").status_code == 200
    rows = server.query("SELECT event_id, action, user_login, patient_id, object_id FROM audit "
                        "WHERE patient_id = ? AND event_id LIKE 'homecare_records_%' AND "
                        "outcome = 0", (SATO_ICHIRO,))
    seen = {(r["event_id"], r["user_login"], r["object_id"]) for r in rows}
    assert ("homecare_records_create", "vns.suzuki", rec["id"]) in seen
    assert ("homecare_records_read", "aoba.tanaka", rec["id"]) in seen
    assert any(e == "homecare_records_list" and u == "aoba.tanaka" for e, u, _ in seen)
