# SPDX-License-Identifier: Apache-2.0
"""Correcting the record (issue 13, item 5): the organisation that recorded an entry corrects it
with a FHIR update that carries a reason (meta extension change-reason), marks it
entered-in-error, or stops a prescription with a reason and an end date; every version stays in
_history and every action is audited. Another organisation, even one on the care team, gets 403
and changes nothing."""
import datetime

import pytest

import helpers
from fhir_helpers import FHIR_JSON, allergy, assert_outcome, create, ids, observation, search
from helpers import YAMADA_HANAKO as P

REASON_URL = "https://tsunagu.example.jp/fhir/StructureDefinition/change-reason"
HL7 = "http://terminology.hl7.org/CodeSystem"


@pytest.fixture(scope="module")
def sato(server):
    return helpers.login(server, "gh.sato")  # physician, みなみ総合病院 (the recording organisation)


@pytest.fixture(scope="module")
def tanaka(server):
    return helpers.login(server, "aoba.tanaka")  # physician, あおば在宅クリニック, on the team


def with_reason(resource, reason):
    """A copy of resource whose meta carries reason (and the server's own extensions)."""
    meta = dict(resource.get("meta", {}))
    kept = [e for e in meta.get("extension", []) if e["url"] != REASON_URL]
    meta["extension"] = kept + [{"url": REASON_URL, "valueString": reason}]
    return {**resource, "meta": meta}


def reason_of(resource):
    found = [e["valueString"] for e in resource["meta"].get("extension", [])
             if e["url"] == REASON_URL]
    return found[0] if found else None


def put(session, resource, version):
    return session.put(f"/fhir/{resource['resourceType']}/{resource['id']}", json=resource,
                       headers={"If-Match": f'W/"{version}"', "Content-Type": FHIR_JSON})


def days(n):
    return (helpers.tokyo_today() + datetime.timedelta(days=n)).isoformat()


def prescription(start):
    return {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
            "medicationCodeableConcept": {"text": "アムロジピン錠5mg"},
            "subject": {"reference": f"Patient/{P}"}, "authoredOn": start,
            "dosageInstruction": [{"text": "1回1錠 1日1回 朝食後",
                                   "timing": {"repeat": {"boundsPeriod": {"start": start}}}}]}


def stopped(rx, end, why="ふらつきのため中止", reason="処方中止"):
    body = with_reason(rx, reason)
    body["status"] = "stopped"
    if why is not None:
        body["statusReason"] = {"text": why}
    if end is not None:
        body["dosageInstruction"] = [
            {**d, "timing": {"repeat": {"boundsPeriod": {
                **d["timing"]["repeat"]["boundsPeriod"], "end": end}}}}
            for d in rx["dosageInstruction"]]
    return body


def test_the_recording_organisation_corrects_with_a_reason(server, sato):
    obs = create(sato, observation(P, value=7.2))
    r = put(sato, with_reason({**obs, "valueQuantity": {**obs["valueQuantity"], "value": 7.4}},
                              "転記ミス(7.2→7.4)"), 1)
    assert r.status_code == 200, r.text[:600]
    assert r.json()["meta"]["versionId"] == "2"
    read = sato.get(f"/fhir/Observation/{obs['id']}").json()
    assert read["valueQuantity"]["value"] == 7.4 and reason_of(read) == "転記ミス(7.2→7.4)"
    history = sato.get(f"/fhir/Observation/{obs['id']}/_history").json()
    versions = [e["resource"] for e in history["entry"]]
    assert [v["meta"]["versionId"] for v in versions] == ["2", "1"]
    assert versions[1]["valueQuantity"]["value"] == 7.2 and reason_of(versions[1]) is None
    rows = helpers.audit_rows(server, "object_id = ? AND action = 'U' AND outcome = 0",
                              (obs["id"],))
    assert len(rows) == 1 and "転記ミス" in rows[0]["detail"], rows


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_correction_without_a_reason_is_refused(server, sato, reason):
    obs = create(sato, observation(P, value=6.1))
    body = {**obs, "status": "amended"}
    if reason is not None:
        body = with_reason(body, reason)
    before = helpers.store_snapshot(server)
    assert_outcome(put(sato, body, 1), 422, "fhir.change_reason", "Observation.meta.extension")
    assert helpers.store_snapshot(server) == before


def test_another_organisation_on_the_team_may_not_correct_or_withdraw(server, sato, tanaka):
    entry = create(sato, allergy(P, text="セフェム系抗菌薬"))
    assert tanaka.get(f"/fhir/AllergyIntolerance/{entry['id']}").status_code == 200
    before = helpers.store_snapshot(server)
    changed = with_reason({**entry, "criticality": "low"}, "あおばでの確認結果")
    assert_outcome(put(tanaka, changed, 1), 403, "fhir.not_author")
    assert_outcome(tanaka.delete(f"/fhir/AllergyIntolerance/{entry['id']}"), 403,
                   "fhir.not_author")
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": changed, "request": {"method": "PUT",
                                          "url": f"AllergyIntolerance/{entry['id']}"}}]}
    assert_outcome(tanaka.post("/fhir", json=bundle), 403, "fhir.not_author")
    assert helpers.store_snapshot(server) == before
    assert sato.get(f"/fhir/AllergyIntolerance/{entry['id']}").json() == entry
    helpers.wait_until(lambda: helpers.audit_rows(
        server, "object_id = ? AND outcome = 4 AND detail LIKE '%recording organisation%'",
        (entry["id"],)), 10, "the refusal is audited")


def withdrawn(resource):
    """resource marked entered-in-error the way its type says it."""
    system = {"AllergyIntolerance": f"{HL7}/allergyintolerance-verification",
              "Condition": f"{HL7}/condition-ver-status"}.get(resource["resourceType"])
    if system:
        return {**resource, "verificationStatus": {
            "coding": [{"system": system, "code": "entered-in-error"}]}}
    return {**resource, "status": "entered-in-error"}


def condition():
    return {"resourceType": "Condition", "code": {"text": "高尿酸血症"},
            "subject": {"reference": f"Patient/{P}"},
            "clinicalStatus": {"coding": [{"system": f"{HL7}/condition-clinical",
                                           "code": "active"}]},
            "verificationStatus": {"coding": [{"system": f"{HL7}/condition-ver-status",
                                               "code": "confirmed"}]}}


def document():
    return {"resourceType": "DocumentReference", "status": "current",
            "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3"}],
                     "text": "経過記録"},
            "subject": {"reference": f"Patient/{P}"},
            "content": [{"attachment": {"contentType": "text/plain", "data": "5pys5paH"}}]}


@pytest.mark.parametrize("build", [
    lambda: allergy(P, text="ラテックス"), condition, lambda: prescription(days(-10)),
    lambda: observation(P, value=5.5), document])
def test_entered_in_error_stays_visible_with_its_reason(sato, build):
    entry = create(sato, build())
    rtype = entry["resourceType"]
    r = put(sato, with_reason(withdrawn(entry), "別の患者の記録を誤って登録"), 1)
    assert r.status_code == 200, r.text[:600]
    read = sato.get(f"/fhir/{rtype}/{entry['id']}")
    assert read.status_code == 200
    assert read.json() == withdrawn(read.json())  # marked, not removed
    assert reason_of(read.json()) == "別の患者の記録を誤って登録"
    history = sato.get(f"/fhir/{rtype}/{entry['id']}/_history").json()
    assert len(history["entry"]) == 2
    assert reason_of(history["entry"][0]["resource"]) == "別の患者の記録を誤って登録"
    patient_key = "patient" if rtype in ("AllergyIntolerance",) else "subject"
    assert patient_key in entry
    assert entry["id"] in ids(search(sato, rtype, patient=P, _id=entry["id"]))


def test_a_prescription_is_stopped_with_a_date_and_a_reason(server, sato):
    rx = create(sato, prescription(days(-30)))
    r = put(sato, stopped(rx, days(-1)), 1)
    assert r.status_code == 200, r.text[:600]
    read = sato.get(f"/fhir/MedicationRequest/{rx['id']}").json()
    assert read["status"] == "stopped" and read["statusReason"]["text"] == "ふらつきのため中止"
    assert read["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"] == days(-1)
    assert reason_of(read) == "処方中止"
    assert len(sato.get(f"/fhir/MedicationRequest/{rx['id']}/_history").json()["entry"]) == 2
    rows = helpers.audit_rows(server, "object_id = ? AND action = 'U'", (rx["id"],))
    assert len(rows) == 1 and "処方中止" in rows[0]["detail"]


END = "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end"


@pytest.mark.parametrize("why, end, expression", [
    (None, -1, "MedicationRequest.statusReason"),
    ("", -1, "MedicationRequest.statusReason"),
    ("ふらつき", None, END),
    ("ふらつき", -31, END),  # before the start
    ("ふらつき", 1, END),  # in the future
    ("ふらつき", "2026", END),  # not a full date
])
def test_a_stop_without_a_reason_or_a_sensible_date_is_refused(server, sato, why, end,
                                                                 expression):
    rx = create(sato, prescription(days(-30)))
    date = end if end is None or isinstance(end, str) else days(end)
    body = stopped(rx, date, why=why)
    before = helpers.store_snapshot(server)
    assert_outcome(put(sato, body, 1), 422, "fhir.stop_invalid", expression)
    assert helpers.store_snapshot(server) == before
