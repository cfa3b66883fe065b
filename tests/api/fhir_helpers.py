# SPDX-License-Identifier: Apache-2.0
"""Builders and checks shared by the FHIR API tests."""
import helpers

JLAC10 = "http://medis.or.jp/CodeSystem/master-JLAC10-17digits"
HBA1C = "3D046000001906202"
SOURCE_ORG = "https://tsunagu.example.jp/fhir/StructureDefinition/source-organization"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FHIR_JSON = "application/fhir+json"


def observation(patient, value=7.2, when="2026-11-01T09:00:00+09:00", code=HBA1C, **extra):
    body = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBS_CATEGORY, "code": "laboratory"}]}],
        "code": {"coding": [{"system": JLAC10, "code": code, "display": "HbA1c"}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": "%", "system": "http://unitsofmeasure.org",
                          "code": "%"},
    }
    body.update(extra)
    return body


def allergy(patient, text="ペニシリン", criticality="high"):
    return {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            "code": "active"}]},
        "verificationStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
            "code": "confirmed"}]},
        "type": "allergy",
        "category": ["medication"],
        "criticality": criticality,
        "code": {"text": text},
        "patient": {"reference": f"Patient/{patient}"},
    }


def assert_outcome(r, status, code=None, expression=None):
    """r is an OperationOutcome with this status (and error code, and FHIRPath); returns the
    issue."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:600]}"
    assert r.headers.get("Content-Type", "").startswith(FHIR_JSON), r.headers
    body = r.json()
    assert body["resourceType"] == "OperationOutcome", body
    issue = body["issue"][0]
    assert issue["severity"] == "error"
    assert issue["diagnostics"]
    if code is not None:
        assert issue["details"]["coding"][0]["code"] == code, issue
    if expression is not None:
        assert issue.get("expression") == [expression], issue
    return issue


def create(session, resource, status=201):
    r = session.post(f"/fhir/{resource['resourceType']}", json=resource)
    assert r.status_code == status, r.text[:600]
    return r.json() if r.content else None


def search(session, path, **params):
    r = session.get(f"/fhir/{path}", params=params)
    assert r.status_code == 200, r.text[:600]
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    return bundle


def matches(bundle):
    return [e["resource"] for e in bundle.get("entry", [])
            if e.get("search", {}).get("mode") == "match"]


def ids(bundle):
    return {r["id"] for r in matches(bundle)}


def audit_rows(server, **where):
    cond = " AND ".join(f"{k} = ?" for k in where)
    return server.query(f"SELECT * FROM audit WHERE {cond} ORDER BY seq", tuple(where.values()))


def session(server, login):
    return helpers.login(server, login)
