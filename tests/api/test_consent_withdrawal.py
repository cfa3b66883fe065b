# SPDX-License-Identifier: Apache-2.0
"""Withdrawing the only consent must not orphan the patient (issue 13, item 6): the registering
organisation still finds the patient and sees the demographics and the consents, so that a new
consent can be recorded, but nothing clinical; every other organisation loses the patient."""
import helpers
from helpers import assert_problem, tokyo_today

VNS = helpers.org_id("minami-vns")


def register(session, local_id):
    body = helpers.new_patient_body(local_id, name="撤回 試験", name_kana="テッカイ シケン",
                                    sex="female", birth_date="1939-07-08")
    r = session.post("/api/patients", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def found_by_search(session, patient, local_id):
    by_name = session.get("/api/patients", params={"q": "てっかい"}).json()["items"]
    by_id = session.get("/api/patients", params={"local_id": local_id}).json()["items"]
    return patient in {p["id"] for p in by_name} and patient in {p["id"] for p in by_id}


def test_registering_org_keeps_demographics_and_consents_after_withdrawal(fresh_server):
    server = fresh_server
    s = server.session("vns.suzuki")
    patient = register(s, "VNS-W-1")
    consents = s.get(f"/api/patients/{patient}/consents").json()["items"]
    assert len(consents) == 1
    allergy = {"resourceType": "AllergyIntolerance", "patient": {"reference": f"Patient/{patient}"},
               "code": {"text": "ヨード造影剤"}, "criticality": "high"}
    r = s.post("/fhir/AllergyIntolerance", json=allergy,
               headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 201, r.text

    r = s.post(f"/api/patients/{patient}/consents/{consents[0]['id']}/withdraw",
               json={"reason": "本人の申し出"})
    assert r.status_code == 200, r.text

    # found again, demographics and consents only
    assert found_by_search(s, patient, "VNS-W-1")
    read = s.get(f"/api/patients/{patient}")
    assert read.status_code == 200 and read.json()["demographics_only"] is True
    assert read.json()["name"] == "撤回 試験"
    history = s.get(f"/api/patients/{patient}/consents")
    assert history.status_code == 200 and history.json()["items"][0]["status"] == "withdrawn"
    assert s.get(f"/fhir/Patient/{patient}").status_code == 200
    fhir_consents = s.get("/fhir/Consent", params={"patient": patient}).json()
    assert fhir_consents.get("total") == 1
    # clinical data and the team: 403 (the patient is known, so not 404), and audited
    everything = s.get(f"/fhir/Patient/{patient}/$everything")
    assert everything.status_code == 403
    assert everything.json()["resourceType"] == "OperationOutcome"
    assert_problem(s.get(f"/api/patients/{patient}/team"), 403, "access.forbidden")
    assert_problem(s.patch(f"/api/patients/{patient}", json={"phone": "099-555-0001"}), 403,
                   "access.forbidden")
    bundle = s.get("/fhir/AllergyIntolerance", params={"patient": patient}).json()
    assert bundle.get("total", 0) == 0 and not bundle.get("entry")
    rows = helpers.audit_rows(server, "patient_id = ? AND event_id = 'fhir_everything'",
                              (patient,))
    assert rows and rows[-1]["outcome"] == 4

    # another organisation still sees nothing: 404 like a missing patient
    assert_problem(server.session("gh.sato").get(f"/api/patients/{patient}"), 404,
                   "patient.not_found")

    # a new consent is recorded and the record opens again
    r = s.post(f"/api/patients/{patient}/consents",
               json={"org_ids": [VNS], "scope": "all", "method": "written",
                     "consented_on": tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    assert s.get(f"/api/patients/{patient}").json()["demographics_only"] is False
    bundle = s.get("/fhir/AllergyIntolerance", params={"patient": patient}).json()
    assert bundle["total"] == 1
