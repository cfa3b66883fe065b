# SPDX-License-Identifier: Apache-2.0
"""The write matrix (issue 13): which professions may write which kind of clinical record.

The table is src/access/write_rules.def; this test reads it, makes one member of みなみ総合病院
(on 山田 花子's care team, named by her consent) of every profession the server knows, and has each
write an example of every kind through FHIR. Exactly the professions the table lists succeed;
the others get 403 access.write_forbidden and change nothing. Reading is not limited."""
import pathlib
import re

import pytest

import helpers
from fhir_helpers import FHIR_JSON, OBS_CATEGORY, allergy, observation
from helpers import YAMADA_HANAKO as P

GH = helpers.org_id("minami-gh")
LOINC = "http://loinc.org"
PASSWORD = "kakikomi-no-pass-1"
CHANGE_REASON = "https://tsunagu.example.jp/fhir/StructureDefinition/change-reason"
RULES_DEF = pathlib.Path(__file__).resolve().parents[2] / "src" / "access" / "write_rules.def"


def rules():
    """code → the set of professions, from write_rules.def."""
    found = re.findall(r'^RULE\(\w+, "(\w+)", "[^"]*", "[^"]*", "([^"]*)"\)',
                       RULES_DEF.read_text(encoding="utf-8"), re.M)
    return {code: set(professions.split()) for code, professions in found}


def subject():
    return {"reference": f"Patient/{P}"}


def document(type_code, title):
    return {"resourceType": "DocumentReference", "status": "current",
            "type": {"coding": [{"system": LOINC, "code": type_code}], "text": title},
            "subject": subject(), "date": "2026-11-01T09:00:00+09:00",
            "content": [{"attachment": {"contentType": "text/plain", "title": title,
                                        "data": "5pys5paH"}}]}


EXAMPLES = {
    "prescription": lambda: {
        "resourceType": "MedicationRequest", "status": "active", "intent": "order",
        "medicationCodeableConcept": {"text": "アムロジピン錠5mg"}, "subject": subject(),
        "authoredOn": "2026-11-01"},
    "diagnosis": lambda: {
        "resourceType": "Condition", "code": {"text": "高血圧症"}, "subject": subject(),
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "code": "active"}]}},
    "allergy": lambda: allergy(P, text="ヨード造影剤"),
    "lab": lambda: observation(P),
    "vitals": lambda: {
        "resourceType": "Observation", "status": "final",
        "category": [{"coding": [{"system": OBS_CATEGORY, "code": "vital-signs"}]}],
        "code": {"coding": [{"system": LOINC, "code": "8867-4"}], "text": "脈拍"},
        "subject": subject(), "effectiveDateTime": "2026-11-01T09:00:00+09:00",
        "valueQuantity": {"value": 72, "unit": "/min", "system": "http://unitsofmeasure.org",
                          "code": "/min"}},
    "report": lambda: {
        "resourceType": "DiagnosticReport", "status": "final", "code": {"text": "頭部MRI"},
        "subject": subject(), "conclusion": "異常なし"},
    "discharge_summary": lambda: document("18842-5", "退院時サマリー"),
    "referral_letter": lambda: document("57133-1", "診療情報提供書"),
    "nursing_summary": lambda: document("34745-0", "看護サマリー"),
    "document": lambda: document("11506-3", "経過記録"),
    "other": lambda: {
        "resourceType": "Appointment", "status": "booked", "description": "外来受診",
        "start": "2026-12-20T10:00:00+09:00", "end": "2026-12-20T10:30:00+09:00",
        "participant": [{"actor": subject(), "status": "accepted"}]},
}


@pytest.fixture(scope="module")
def writers(server):
    """A session of a member of みなみ総合病院 for every profession the server knows."""
    admin = server.session("gh.admin")
    professions = [p["code"] for p in admin.get("/api/professions").json()["items"]]
    sessions = {}
    for profession in professions:
        login = f"gh.write.{profession}"
        r = admin.post("/api/users", json={
            "login": login, "name": f"書込 {profession}", "profession": profession,
            "initial_password": PASSWORD, "memberships": [{"org_id": GH, "role": "member"}]})
        assert r.status_code == 201, r.text
        s = helpers.login(server, login, PASSWORD, expect_state="password_change_required")
        r = s.post("/api/auth/password", json={"current_password": PASSWORD,
                                               "new_password": PASSWORD + "-2"})
        assert r.status_code == 200 and r.json()["state"] == "active", r.text
        sessions[profession] = s
    return sessions


def test_every_kind_has_an_example_and_every_listed_profession_exists(server):
    assert set(EXAMPLES) == set(rules())
    known = {p["code"] for p in server.session("gh.sato").get("/api/professions").json()["items"]}
    for code, professions in rules().items():
        assert professions <= known, (code, professions - known)


@pytest.mark.parametrize("kind", sorted(rules()))
def test_who_may_write(server, writers, kind):
    allowed = rules()[kind]
    for profession, s in sorted(writers.items()):
        before = None if profession in allowed else helpers.store_snapshot(server)
        r = s.post(f"/fhir/{EXAMPLES[kind]()['resourceType']}", json=EXAMPLES[kind](),
                   headers={"Content-Type": FHIR_JSON})
        if profession in allowed:
            assert r.status_code == 201, (kind, profession, r.text[:300])
        else:
            assert r.status_code == 403, (kind, profession, r.status_code, r.text[:300])
            assert "access.write_forbidden" in r.text, r.text[:300]
            assert helpers.store_snapshot(server) == before


def test_an_update_or_delete_is_decided_by_the_kind_it_changes(server, writers):
    physician, nurse = writers["physician"], writers["nurse"]
    r = physician.post("/fhir/MedicationRequest", json=EXAMPLES["prescription"](),
                       headers={"Content-Type": FHIR_JSON})
    assert r.status_code == 201, r.text
    rx = r.json()
    # a nurse may write observations, but may not turn a prescription into one or delete it
    before = helpers.store_snapshot(server)
    changed = {**rx, "status": "stopped", "statusReason": {"text": "副作用のため"},
               "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": {
                   "start": rx["authoredOn"], "end": helpers.tokyo_today().isoformat()}}}}],
               "meta": {"extension": [{"url": CHANGE_REASON, "valueString": "処方中止"}]}}
    r = nurse.put(f"/fhir/MedicationRequest/{rx['id']}", json=changed,
                  headers={"Content-Type": FHIR_JSON})
    assert r.status_code == 403 and "access.write_forbidden" in r.text, r.text[:300]
    r = nurse.delete(f"/fhir/MedicationRequest/{rx['id']}")
    assert r.status_code == 403 and "access.write_forbidden" in r.text, r.text[:300]
    assert helpers.store_snapshot(server) == before
    # reading is not limited by profession
    assert nurse.get(f"/fhir/MedicationRequest/{rx['id']}").status_code == 200
    assert physician.put(f"/fhir/MedicationRequest/{rx['id']}", json=changed,
                         headers={"Content-Type": FHIR_JSON}).status_code == 200


def test_me_says_what_the_profession_may_write(writers):
    order = list(rules())  # the table's order
    for profession, s in writers.items():
        expected = [code for code in order if profession in rules()[code]]
        assert s.get("/api/me").json()["may_write"] == expected, profession


def test_docs_show_the_same_table():
    doc = (RULES_DEF.parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    shown = {code: set(re.findall(r"`(\w+)`", professions))
             for code, professions in re.findall(r"^\| `(\w+)` \| [^|]+ \| [^|]+ \| ([^|]+) \|$",
                                                 doc, re.M)}
    assert shown == rules()
