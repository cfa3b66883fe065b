# SPDX-License-Identifier: Apache-2.0
"""Bad input on every /fhir route that takes a body: each refusal is an OperationOutcome 4xx
that changes nothing in the store (and nothing ever answers 5xx: conftest checks the log)."""
import datetime
import json

import pytest

import helpers
from fhir_helpers import FHIR_JSON, allergy, assert_outcome, observation, session
from helpers import YAMADA_HANAKO, store_snapshot

P = YAMADA_HANAKO
OBS_ID = "bad-input-obs"


@pytest.fixture(scope="module")
def sato(server):
    s = session(server, "gh.sato")
    body = observation(P)
    body["id"] = OBS_ID
    assert s.put(f"/fhir/Observation/{OBS_ID}", json=body).status_code == 201
    return s


def bodies():
    obs = observation(P)
    return [
        ("POST", "/fhir/Observation", obs),
        ("PUT", f"/fhir/Observation/{OBS_ID}", {**obs, "id": OBS_ID}),
        ("POST", "/fhir", {"resourceType": "Bundle", "type": "transaction", "entry": [
            {"resource": obs, "request": {"method": "POST", "url": "Observation"}}]}),
        ("POST", "/fhir/", {"resourceType": "Bundle", "type": "batch", "entry": []}),
    ]


def send(server, s, method, path, data, content_type=FHIR_JSON):
    before = store_snapshot(server)
    headers = {"Content-Type": content_type} if content_type else {}
    r = s.request(method, path, data=data, headers=headers)
    assert 400 <= r.status_code < 500, f"{r.status_code} {r.text[:300]}"
    assert store_snapshot(server) == before, f"{method} {path}: the store changed"
    return r


@pytest.mark.parametrize("method, path, body", bodies(), ids=lambda v: str(v)[:30])
@pytest.mark.parametrize("data", [
    b'{"resourceType": ', b'{"a": 1,}', b'{"a": 1} trailing', b'{"a": 1, "a": 2}',
    b'{"a": "\\ud800"}', b"[" * 5000 + b"]" * 5000, b"",
], ids=["truncated", "trailing-comma", "garbage", "duplicate-keys", "surrogate", "deep", "empty"])
def test_malformed_json(server, sato, method, path, body, data):
    r = send(server, sato, method, path, data)
    assert_outcome(r, 400)


@pytest.mark.parametrize("method, path, body", bodies(), ids=lambda v: str(v)[:30])
def test_invalid_utf8_and_content_types(server, sato, method, path, body):
    assert_outcome(send(server, sato, method, path, b'{"resourceType": "\xff\xfe"}'), 400,
                   "request.bad_utf8")
    for ct in ("text/plain", "application/fhir+xml", "application/xml", None):
        assert_outcome(send(server, sato, method, path, json.dumps(body).encode(), ct), 415,
                       "request.content_type")


@pytest.mark.parametrize("method, path, body", bodies(), ids=lambda v: str(v)[:30])
def test_wrong_shapes(server, sato, method, path, body):
    for wrong in ([], "text", 5, {"resourceType": "Spaceship"}, {}):
        r = send(server, sato, method, path, json.dumps(wrong).encode())
        assert_outcome(r, r.status_code)
        assert r.status_code in (400, 405, 422), r.text


def test_oversized_bodies_are_refused(start_server):
    server = start_server("--fhir-body-limit", "4096")
    s = session(server, "gh.sato")
    big = observation(P, note=[{"text": "x" * 5000}])
    assert_outcome(send(server, s, "POST", "/fhir/Observation", json.dumps(big).encode()), 413,
                   "request.too_large")


@pytest.mark.parametrize("path", [
    "/fhir/Observation/..%2F..%2Fetc%2Fpasswd", "/fhir/Observation/a%00b",
    "/fhir/Observation/" + "x" * 65, "/fhir/Observation/%E3%81%82",
    "/fhir/Observation/x/_history/abc", "/fhir/Observation/x/_history/-1",
])
def test_path_tricks(sato, path):
    r = sato.get(path)
    assert r.status_code in (400, 404), (path, r.status_code, r.text[:200])


def test_unknown_elements_and_another_patients_ids(server, sato):
    body = observation(P)
    body["subject"]["colour"] = "red"
    assert_outcome(send(server, sato, "POST", "/fhir/Observation", json.dumps(body).encode()),
                   422, "fhir.unknown_element", "Observation.subject.colour")
    ito = session(server, "ph.ito")
    assert_outcome(send(server, ito, "PUT", f"/fhir/Observation/{OBS_ID}",
                        json.dumps({**observation(P), "id": OBS_ID}).encode()), 404,
                   "fhir.not_found")


def test_search_values_must_be_utf8_and_well_formed(sato):
    for params in ({"patient": P, "date": "2026-02-30"}, {"code": "a|b|c"},
                   {"value-quantity": "abc"}, {"_count": "many"}, {"_include": "Foo:bar"}):
        assert_outcome(sato.get("/fhir/Observation", params=params), 400)
    r = sato.get("/fhir/Observation?code=%FF%FE")
    assert_outcome(r, 400)


# ---- plausible values (core/plausible.h): one case per kind of field, per resource ----------

YJ = "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code"


def days_ahead(days):
    return (helpers.tokyo_today() + datetime.timedelta(days=days)).isoformat()


def medication(patient, **extra):
    body = {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
            "medicationCodeableConcept": {"text": "アムロジピン錠5mg"},
            "subject": {"reference": f"Patient/{patient}"}, "authoredOn": days_ahead(0),
            "dosageInstruction": [{"text": "1回1錠 1日1回 朝食後"}]}
    body.update(extra)
    return body


def condition(patient, **extra):
    return {"resourceType": "Condition", "code": {"text": "高血圧症"},
            "subject": {"reference": f"Patient/{patient}"}, **extra}


def dose(value, unit="錠"):
    return [{"text": "朝食後", "doseAndRate": [{"doseQuantity": {"value": value, "unit": unit}}]}]


# (resource, the FHIRPath named); 山田 花子 (P) was born in 1941.
IMPLAUSIBLE = [
    (observation(P, when="1800-01-01"), "Observation.effectiveDateTime"),  # before 1900
    (observation(P, when="1930-05-01T09:00:00+09:00"), "Observation.effectiveDateTime"),
    (observation(P, when=days_ahead(2)), "Observation.effectiveDateTime"),  # a result to come
    (observation(P, issued="1899-12-31T23:00:00Z"), "Observation.issued"),
    (medication(P, authoredOn="1800-01-01"), "MedicationRequest.authoredOn"),
    (medication(P, dosageInstruction=[{"text": "1回100錠 1日3回"}]),
     "MedicationRequest.dosageInstruction[0].text"),
    (medication(P, dosageInstruction=[{"text": "１回　３０錠"}]),
     "MedicationRequest.dosageInstruction[0].text"),
    (medication(P, dosageInstruction=dose(100)),
     "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity"),
    (medication(P, dosageInstruction=dose(0, "mg")),
     "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity"),
    (medication(P, dosageInstruction=[{"timing": {"repeat": {"boundsPeriod": {
        "start": days_ahead(0), "end": days_ahead(-30)}}}}]),  # ends before it starts
     "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end"),
    (medication(P, dispenseRequest={"validityPeriod": {"start": "1800-01-01"}}),
     "MedicationRequest.dispenseRequest.validityPeriod.start"),
    (condition(P, onsetDateTime="1935"), "Condition.onsetDateTime"),  # a year before birth
    (condition(P, recordedDate=days_ahead(3)), "Condition.recordedDate"),
    (allergy(P) | {"onsetDateTime": "1800-01-01T10:00:00+09:00"},
     "AllergyIntolerance.onsetDateTime"),
]


@pytest.mark.parametrize("resource,path", IMPLAUSIBLE,
                         ids=[f"{p}:{i}" for i, (_r, p) in enumerate(IMPLAUSIBLE)])
def test_implausible_values_are_refused(server, sato, resource, path):
    r = send(server, sato, "POST", f"/fhir/{resource['resourceType']}",
             json.dumps(resource).encode())
    assert_outcome(r, 422, "fhir.value_range", path)


def test_plausible_values_are_kept(server, sato):
    # the edges: born 1941 (a year of it is fine), a result today, 20 tablets, a partial date
    for resource in (observation(P, when=days_ahead(0)), condition(P, onsetDateTime="1941"),
                     medication(P, dosageInstruction=dose(20)),
                     medication(P, dosageInstruction=[{"text": "1日1回 1回2錠 朝食後"}])):
        r = sato.post(f"/fhir/{resource['resourceType']}", json=resource)
        assert r.status_code == 201, r.text[:300]


def test_an_implausible_entry_refuses_the_whole_transaction(server, sato):
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": observation(P), "request": {"method": "POST", "url": "Observation"}},
        {"resource": observation(P, when="1800-01-01"),
         "request": {"method": "POST", "url": "Observation"}}]}
    r = send(server, sato, "POST", "/fhir", json.dumps(bundle).encode())
    assert_outcome(r, 422, "fhir.value_range")
