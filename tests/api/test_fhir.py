# SPDX-License-Identifier: Apache-2.0
"""The FHIR R4 REST API: CRUD with versions, search, history, bundles, $everything, and who
sees what. Everything against the real server and its demo region."""
import base64

import pytest

import helpers
from fhir_helpers import (FHIR_JSON, HBA1C, JLAC10, SOURCE_ORG, allergy, assert_outcome,
                          audit_rows, create, ids, matches, observation, search, session)
from helpers import YAMADA_HANAKO

P = YAMADA_HANAKO
GH = helpers.org_id("minami-gh")
OTHER = helpers.patient_id(1)  # a patient minami-gh does not necessarily see
CHANGE_REASON = "https://tsunagu.example.jp/fhir/StructureDefinition/change-reason"


@pytest.fixture(scope="module")
def sato(server):
    return session(server, "gh.sato")


@pytest.fixture(scope="module")
def ito(server):
    return session(server, "ph.ito")  # pharmacist, not on 山田 花子's team


# ---- CapabilityStatement -------------------------------------------------------------------

def test_metadata_is_public_r4_and_lists_the_types(server):
    r = server.anon().get("/fhir/metadata")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(FHIR_JSON)
    cs = r.json()
    assert cs["resourceType"] == "CapabilityStatement" and cs["fhirVersion"] == "4.0.1"
    types = {res["type"] for res in cs["rest"][0]["resource"]}
    for t in ("Patient", "Observation", "AllergyIntolerance", "MedicationRequest", "Condition",
              "DocumentReference", "Binary", "Composition", "Consent", "AuditEvent"):
        assert t in types
    assert {i["code"] for i in cs["rest"][0]["interaction"]} == {"transaction", "batch"}


def test_every_declared_search_parameter_is_accepted(server, sato):
    """The CapabilityStatement matches the server: each parameter it lists is understood."""
    cs = server.anon().get("/fhir/metadata").json()
    samples = {"token": "x", "string": "x", "date": "ge2026-01-01", "reference": f"Patient/{P}",
               "quantity": "5", "number": "5", "uri": "http://example.org"}
    for res in cs["rest"][0]["resource"]:
        for p in res.get("searchParam", []):
            value = P if p["name"] == "_id" and res["type"] == "Patient" else samples[p["type"]]
            r = sato.get(f"/fhir/{res['type']}", params={p["name"]: value})
            assert r.status_code == 200, (res["type"], p["name"], r.text[:300])
        interactions = {i["code"] for i in res["interaction"]}
        assert "read" in interactions and "search-type" in interactions


# ---- create, read, update, delete -----------------------------------------------------------

def test_create_read_update_delete_with_versions(server, sato):
    r = sato.post("/fhir/Observation", json=observation(P),
                  headers={"Content-Type": FHIR_JSON})
    assert r.status_code == 201, r.text
    obs = r.json()
    oid = obs["id"]
    assert r.headers["Location"].endswith(f"/fhir/Observation/{oid}/_history/1")
    assert r.headers["ETag"] == 'W/"1"'
    assert obs["meta"]["versionId"] == "1"
    source = [e for e in obs["meta"]["extension"] if e["url"] == SOURCE_ORG][0]
    assert source["valueReference"]["reference"] == f"Organization/{GH}"
    assert source["valueReference"]["display"] == "みなみ総合病院"
    read = sato.get(f"/fhir/Observation/{oid}")
    assert read.status_code == 200 and read.json() == obs
    assert read.json()["valueQuantity"]["value"] == 7.2

    obs["valueQuantity"]["value"] = 7.4
    obs["meta"]["extension"].append({"url": CHANGE_REASON, "valueString": "転記ミス"})
    r = sato.put(f"/fhir/Observation/{oid}", json=obs, headers={"If-Match": 'W/"1"'})
    assert r.status_code == 200 and r.json()["meta"]["versionId"] == "2"
    stale = sato.put(f"/fhir/Observation/{oid}", json=obs, headers={"If-Match": 'W/"1"'})
    assert_outcome(stale, 412, "fhir.version_conflict")
    v1 = sato.get(f"/fhir/Observation/{oid}/_history/1")
    assert v1.status_code == 200 and v1.json()["valueQuantity"]["value"] == 7.2
    assert sato.get(f"/fhir/Observation/{oid}/_history/2").json()["valueQuantity"]["value"] == 7.4
    assert_outcome(sato.get(f"/fhir/Observation/{oid}/_history/9"), 404)

    history = sato.get(f"/fhir/Observation/{oid}/_history").json()
    assert history["type"] == "history"
    assert [e["response"]["etag"] for e in history["entry"]] == ['W/"2"', 'W/"1"']

    assert sato.delete(f"/fhir/Observation/{oid}").status_code == 204
    assert_outcome(sato.get(f"/fhir/Observation/{oid}"), 410, "fhir.deleted")
    assert sato.delete(f"/fhir/Observation/{oid}").status_code == 204  # idempotent
    assert oid not in ids(search(sato, "Observation", _id=oid))
    assert len(sato.get(f"/fhir/Observation/{oid}/_history").json()["entry"]) == 3


def test_update_can_create_with_a_client_id_and_the_type_history_shows_it(sato):
    body = allergy(P, "キウイ", "low")
    body["id"] = "kiwi-allergy-1"
    r = sato.put("/fhir/AllergyIntolerance/kiwi-allergy-1", json=body)
    assert r.status_code == 201, r.text
    hist = sato.get("/fhir/AllergyIntolerance/_history", params={"_count": 5}).json()
    assert any(e["fullUrl"].endswith("/AllergyIntolerance/kiwi-allergy-1")
               for e in hist["entry"])


def test_prefer_return_minimal(sato):
    r = sato.post("/fhir/Observation", json=observation(P), headers={"Prefer": "return=minimal"})
    assert r.status_code == 201 and r.content == b"" and r.headers["Location"]


def test_views_are_read_only_and_patient_links_local_ids(sato):
    pat = sato.get(f"/fhir/Patient/{P}").json()
    assert pat["birthDate"] and pat["gender"] == "female"
    assert "GH-000001" in {i["value"] for i in pat["identifier"]}
    assert_outcome(sato.put(f"/fhir/Patient/{P}", json=pat), 405, "fhir.read_only")
    assert_outcome(sato.post("/fhir/Organization", json={"resourceType": "Organization"}), 405)
    org = sato.get(f"/fhir/Organization/{GH}").json()
    assert org["name"] == "みなみ総合病院"
    found = search(sato, "Patient", identifier="GH-000001")
    assert ids(found) == {P}


# ---- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, code, expression", [
    (lambda o: o.pop("status"), "fhir.required", "Observation.status"),
    (lambda o: o.update(status="bogus"), "fhir.code_invalid", "Observation.status"),
    (lambda o: o.update(valueQuantity={"value": "7.2"}), "fhir.element_type",
     "Observation.valueQuantity.value"),
    (lambda o: o.update(colour="red"), "fhir.unknown_element", "Observation.colour"),
    (lambda o: o.update(effectiveDateTime="2026-13-01"), "fhir.element_format",
     "Observation.effectiveDateTime"),
])
def test_invalid_resources_are_refused_with_the_fhirpath(server, sato, mutate, code, expression):
    before = helpers.store_snapshot(server)
    body = observation(P)
    mutate(body)
    assert_outcome(sato.post("/fhir/Observation", json=body), 422, code, expression)
    assert helpers.store_snapshot(server) == before


def test_references_must_resolve_within_the_patient(server, sato):
    missing = observation(P, derivedFrom=[{"reference": "Observation/no-such-thing"}])
    assert_outcome(sato.post("/fhir/Observation", json=missing), 422, "fhir.reference")
    # a patient that does not exist answers like one the caller may not see
    ghost = observation("3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b")
    assert_outcome(sato.post("/fhir/Observation", json=ghost), 403, "fhir.forbidden")
    # another patient's resource
    other = helpers.patient_id(3)
    mine = create(sato, observation(P))
    cross = observation(other, derivedFrom=[{"reference": f"Observation/{mine['id']}"}])
    r = sato.post("/fhir/Observation", json=cross)
    assert r.status_code in (403, 422), r.text  # 403 if minami-gh may not see patient 3
    if r.status_code == 422:  # another patient's resource answers like a missing one
        issue = assert_outcome(r, 422, "fhir.reference")
        assert issue["diagnostics"].replace(mine["id"], "X") == assert_outcome(
            sato.post("/fhir/Observation", json=observation(
                other, derivedFrom=[{"reference": "Observation/no-such-thing"}])),
            422, "fhir.reference")["diagnostics"].replace("no-such-thing", "X")


def test_an_update_may_not_move_a_record_to_another_patient(sato):
    visible = [p for p in (helpers.patient_id(i) for i in range(1, 40))
               if sato.get(f"/fhir/Patient/{p}").status_code == 200]
    obs = create(sato, observation(P))
    obs["subject"] = {"reference": f"Patient/{visible[0]}"}
    assert_outcome(sato.put(f"/fhir/Observation/{obs['id']}", json=obs), 422, "fhir.compartment")


def test_body_and_url_must_agree(sato):
    obs = create(sato, observation(P))
    assert_outcome(sato.put(f"/fhir/Observation/{obs['id']}", json={**obs, "id": "other"}), 400,
                   "fhir.id_mismatch")
    assert_outcome(sato.post("/fhir/Condition", json=observation(P)), 422, "fhir.invalid")
    assert_outcome(sato.get("/fhir/Spaceship"), 400, "fhir.unknown_type")


# ---- search ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def series(sato):
    """Three HbA1c results of 山田 花子 with a code no demo record uses."""
    code = "3D046000009999999"
    made = [create(sato, observation(P, v, when, code=code))["id"]
            for v, when in ((6.1, "2026-01-10T09:00:00+09:00"),
                            (6.8, "2026-03-10T09:00:00+09:00"),
                            (7.5, "2026-05-10T09:00:00+09:00"))]
    return code, made


@pytest.mark.parametrize("date, picked", [
    ("2026-03-10", [1]), ("ne2026-03-10", [0, 2]), ("lt2026-03-10", [0]),
    ("gt2026-03-10", [2]), ("le2026-03-10", [0, 1]), ("ge2026-03", [1, 2]),
    ("sa2026-02", [1, 2]), ("eb2026-03-10", [0]), ("2026", [0, 1, 2]),
])
def test_date_prefixes(sato, series, date, picked):
    code, made = series
    found = search(sato, "Observation", patient=P, code=f"{JLAC10}|{code}", date=date)
    assert ids(found) == {made[i] for i in picked}
    assert found["total"] == len(picked)


def test_sort_count_and_paging_links(sato, series):
    code, made = series
    first = search(sato, "Observation", patient=P, code=code, _sort="-date", _count=2)
    assert [r["id"] for r in matches(first)] == [made[2], made[1]]
    assert first["total"] == 3
    links = {link["relation"]: link["url"] for link in first["link"]}
    nxt = sato.get(links["next"]).json()
    assert [r["id"] for r in matches(nxt)] == [made[0]]
    assert "previous" in {link["relation"] for link in nxt["link"]}
    assert "next" not in {link["relation"] for link in nxt["link"]}


def test_summary_count_quantity_and_id(sato, series):
    code, made = series
    count = search(sato, "Observation", patient=P, code=code, _summary="count")
    assert count["total"] == 3 and "entry" not in count or count["entry"] == []
    assert ids(search(sato, "Observation", code=code, **{"value-quantity": "gt7"})) == {made[2]}
    assert ids(search(sato, "Observation", _id=f"{made[0]},{made[2]}")) == {made[0], made[2]}
    assert ids(search(sato, "Observation", code=code, _lastUpdated="ge2020-01-01")) == set(made)


def test_post_search_with_a_form_body(sato, series):
    code, made = series
    r = sato.post("/fhir/Observation/_search", data={"patient": P, "code": code},
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert ids(r.json()) == set(made)


def test_include_and_revinclude(sato, series):
    code, made = series
    inc = search(sato, "Observation", _id=made[0], _include="Observation:subject")
    included = [e["resource"] for e in inc["entry"] if e["search"]["mode"] == "include"]
    assert [(r["resourceType"], r["id"]) for r in included] == [("Patient", P)]
    derived = create(sato, observation(P, derivedFrom=[{"reference": f"Observation/{made[0]}"}],
                                       code="3D046000009999998"))
    rev = search(sato, "Observation", _id=made[0], _revinclude="Observation:derived-from")
    assert derived["id"] in {e["resource"]["id"] for e in rev["entry"]
                             if e["search"]["mode"] == "include"}


def test_bad_search_parameters_are_refused(sato):
    assert_outcome(sato.get("/fhir/Observation", params={"colour": "red"}), 400,
                   "request.bad_query")
    assert_outcome(sato.get("/fhir/Observation", params={"date": "yesterday"}), 400)
    assert_outcome(sato.get("/fhir/Observation", params={"_count": "-1"}), 400)
    assert_outcome(sato.get("/fhir/Observation", params={"_sort": "subject"}), 400)
    assert_outcome(sato.get("/fhir/Observation", params={"_format": "xml"}), 406)


def test_demo_history_is_searchable(sato):
    allergies = search(sato, "AllergyIntolerance", patient=P)
    assert allergies["total"] >= 1
    labs = search(sato, "Observation", patient=P, category="laboratory", _count=1000)
    assert labs["total"] >= 24
    docs = search(sato, "DocumentReference", patient=P, _sort="-date")
    assert docs["total"] >= 1


# ---- who sees what --------------------------------------------------------------------------

def test_another_organisation_sees_nothing_and_cannot_tell_what_exists(server, sato, ito):
    obs = create(sato, observation(P))
    missing = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"

    def answer(method, path, rid, body=None):
        r = ito.request(method, path.format(rid), json=body and {**body, "id": rid})
        issue = assert_outcome(r, 404, "fhir.not_found")
        return issue["diagnostics"].replace(rid, "X")

    for method, path in (("GET", "/fhir/Observation/{}"),
                         ("GET", "/fhir/Observation/{}/_history/1"),
                         ("GET", "/fhir/Observation/{}/_history"),
                         ("DELETE", "/fhir/Observation/{}")):
        assert answer(method, path, obs["id"]) == answer(method, path, missing), (method, path)
    # an update of it answers like a read of a missing one (an update of a missing id creates it)
    assert answer("PUT", "/fhir/Observation/{}", obs["id"], obs) == answer(
        "GET", "/fhir/Observation/{}", missing)
    assert_outcome(ito.post("/fhir/Observation", json=observation(P)), 403, "fhir.forbidden")
    assert matches(search(ito, "Observation", patient=P)) == []
    assert search(ito, "Observation", patient=P, _summary="count")["total"] == 0
    mine = search(sato, "Observation", patient=P, _summary="count")["total"]
    assert mine > 0
    assert answer("GET", "/fhir/Patient/{}", P) == answer("GET", "/fhir/Patient/{}", missing)
    assert ito.get(f"/fhir/Patient/{P}/$everything").status_code == 404
    refused = [a for a in audit_rows(server, patient_id=P, user_login="ph.ito")
               if a["outcome"] != 0]
    assert refused, "refusals are audited"


def test_search_totals_count_only_visible_records(sato, ito):
    everyone = search(ito, "Observation", code=f"{JLAC10}|{HBA1C}", _summary="count")["total"]
    hospital = search(sato, "Observation", code=f"{JLAC10}|{HBA1C}", _summary="count")["total"]
    listed = search(ito, "Observation", code=f"{JLAC10}|{HBA1C}", _count=1000)
    assert everyone == len(matches(listed))
    assert P not in {r["subject"]["reference"][8:] for r in matches(listed)}
    assert hospital >= 1


def test_network_admin_reads_no_clinical_data(server):
    admin = session(server, "jimukyoku")
    assert_outcome(admin.get("/fhir/Observation", params={"patient": P}), 403)
    assert_outcome(admin.get(f"/fhir/Patient/{P}"), 404, "fhir.not_found")


def test_reads_and_searches_are_audited_per_patient(server, sato):
    obs = create(sato, observation(P))
    sato.get(f"/fhir/Observation/{obs['id']}")
    reads = audit_rows(server, object_id=obs["id"], event_id="fhir_read")
    assert reads and reads[-1]["patient_id"] == P and reads[-1]["user_login"] == "gh.sato"
    writes = audit_rows(server, object_id=obs["id"], event_id="fhir_create")
    assert writes and writes[0]["action"] == "C"
    before = len(audit_rows(server, patient_id=P, event_id="fhir_search_get"))
    search(sato, "Condition", patient=P)
    assert len(audit_rows(server, patient_id=P, event_id="fhir_search_get")) == before + 1


# ---- bundles and operations -----------------------------------------------------------------

def transaction(entries, kind="transaction"):
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def post_entry(resource, full_url=None):
    e = {"resource": resource, "request": {"method": "POST",
                                           "url": resource["resourceType"]}}
    if full_url:
        e["fullUrl"] = full_url
    return e


def test_transaction_links_new_resources_and_is_all_or_nothing(server, sato):
    a, b = "urn:uuid:0b6d1a9e-3c1f-4b0e-9d6a-2f7e8c9d0a11", "urn:uuid:5c2e7f10-8a3b-4c5d-9e6f-1a2b3c4d5e6f"
    ok = sato.post("/fhir/", json=transaction([
        post_entry(observation(P, hasMember=[{"reference": b}]), a),
        post_entry(observation(P, 5.5), b),
    ]))
    assert ok.status_code == 200, ok.text
    resp = ok.json()
    assert resp["type"] == "transaction-response"
    locs = [e["response"]["location"] for e in resp["entry"]]
    assert all(e["response"]["status"].startswith("201") for e in resp["entry"])
    panel = sato.get(f"/fhir/{locs[0].rsplit('/_history', 1)[0]}").json()
    assert panel["hasMember"][0]["reference"] == locs[1].rsplit("/_history", 1)[0]

    before = helpers.store_snapshot(server)
    bad = observation(P)
    bad["status"] = "not-a-status"
    r = sato.post("/fhir", json=transaction([post_entry(observation(P)), post_entry(bad)]))
    assert_outcome(r, 422, "fhir.code_invalid", "Bundle.entry[1].resource.status")
    assert helpers.store_snapshot(server) == before


def test_batch_runs_entries_independently(sato):
    bad = observation(P)
    del bad["code"]
    r = sato.post("/fhir", json=transaction([post_entry(observation(P)), post_entry(bad)],
                                            "batch"))
    assert r.status_code == 200, r.text
    statuses = [e["response"]["status"] for e in r.json()["entry"]]
    assert statuses[0].startswith("201") and statuses[1] == "422"
    assert r.json()["entry"][1]["response"]["outcome"]["resourceType"] == "OperationOutcome"


def test_transaction_entries_pass_the_access_check(server, ito):
    before = helpers.store_snapshot(server)
    r = ito.post("/fhir", json=transaction([post_entry(observation(P))]))
    assert_outcome(r, 403, "fhir.forbidden")
    assert helpers.store_snapshot(server) == before


def test_id_and_last_updated_are_never_missing(sato):
    obs = create(sato, observation(P, 6.3))
    for name in ("_id", "_lastUpdated"):  # answered from fhir_resources: they have no index rows
        for missing, found in (("false", {obs["id"]}), ("true", set())):
            params = {"_id": obs["id"], f"{name}:missing": missing}
            assert ids(search(sato, "Observation", **params)) == found, (name, missing)
    r = sato.get("/fhir/Observation", params={"patient": P, "_id:missing": "maybe"})
    assert_outcome(r, 400)


def test_a_transaction_leaves_one_audit_record_per_patient(server, sato):
    other = sato.post("/api/patients", json=helpers.new_patient_body("BUNDLE-AUDIT-1")).json()["id"]
    entries = [post_entry(observation(P, 5.0 + i)) for i in range(3)]
    entries += [post_entry(observation(other, 6.0 + i)) for i in range(2)]
    r = sato.post("/fhir", json=transaction(entries))
    assert r.status_code == 200, r.text
    created = [e["response"]["location"].split("/")[1] for e in r.json()["entry"]]
    recs = server.query("SELECT * FROM audit WHERE request_id = ? ORDER BY seq",
                        (r.headers["X-Request-Id"],))
    assert sorted((x["patient_id"], x["action"], x["outcome"]) for x in recs) == sorted(
        [(P, "C", 0), (other, "C", 0)])
    for rec in recs:  # each record names what the Bundle wrote into her record
        mine = created[:3] if rec["patient_id"] == P else created[3:]
        assert all(f"Observation/{i}" in rec["detail"] for i in mine), rec["detail"]
        assert not any(f"Observation/{i}" in rec["detail"] for i in created if i not in mine)
    # every Observation was stored, version 1, with its search rows
    for i in created:
        assert sato.get(f"/fhir/Observation/{i}").json()["meta"]["versionId"] == "1"
    found = ids(search(sato, "Observation", patient=other))
    assert set(created[3:]) <= found


def test_a_transaction_is_refused_whole_for_one_patient_out_of_reach(server, sato):
    seen = helpers.listed_patient_ids(server, GH)
    hidden = next(r["id"] for r in server.query("SELECT id FROM patients ORDER BY id")
                  if r["id"] not in seen)
    before = helpers.store_snapshot(server)
    r = sato.post("/fhir", json=transaction([post_entry(observation(P)),
                                             post_entry(observation(P, 6.1)),
                                             post_entry(observation(hidden))]))
    assert_outcome(r, 403, "fhir.forbidden")
    assert helpers.store_snapshot(server) == before
    recs = server.query("SELECT * FROM audit WHERE request_id = ? ORDER BY seq",
                        (r.headers["X-Request-Id"],))
    assert [(x["patient_id"], x["outcome"]) for x in recs] == [(hidden, 4)], recs


def test_everything_returns_the_whole_record(sato):
    r = sato.get(f"/fhir/Patient/{P}/$everything")
    assert r.status_code == 200, r.text
    bundle = r.json()
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Observation", "AllergyIntolerance", "Condition",
            "MedicationRequest"} <= types
    assert bundle["total"] == len(bundle["entry"])


def test_binary_content_is_served_raw_to_browsers(sato):
    pdf = b"%PDF-1.4\n% tsunagu test\n%%EOF\n"
    body = {"resourceType": "Binary", "contentType": "application/pdf",
            "securityContext": {"reference": f"Patient/{P}"},
            "data": base64.b64encode(pdf).decode()}
    made = create(sato, body)
    assert "data" not in made
    raw = sato.get(f"/fhir/Binary/{made['id']}", headers={"Accept": "text/html,*/*"})
    assert raw.status_code == 200 and raw.content == pdf
    assert raw.headers["Content-Type"] == "application/pdf"
    assert raw.headers["X-Frame-Options"] == "SAMEORIGIN"
    js = sato.get(f"/fhir/Binary/{made['id']}", headers={"Accept": FHIR_JSON}).json()
    assert base64.b64decode(js["data"]) == pdf
    assert_outcome(sato.post("/fhir/Binary", json={**body, "securityContext": None}), 422)


def test_document_bundle_of_a_discharge_summary(sato, ito):
    comps = search(sato, "Composition", patient=P, type="http://loinc.org|18842-5")
    assert comps["total"] >= 1
    cid = matches(comps)[0]["id"]
    r = sato.get(f"/fhir/Composition/{cid}/$document")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["type"] == "document" and doc["identifier"]["value"].startswith("urn:uuid:")
    first = doc["entry"][0]["resource"]
    assert (first["resourceType"], first["id"]) == ("Composition", cid)
    inside = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in doc["entry"]}
    assert f"Patient/{P}" in inside
    for section in first.get("section", []):
        for ref in section.get("entry", []):
            assert ref["reference"] in inside, ref
    assert_outcome(ito.get(f"/fhir/Composition/{cid}/$document"), 404, "fhir.not_found")
    assert_outcome(sato.get("/fhir/Composition/nope/$document"), 404)


def test_consent_and_audit_event_views(server, sato):
    consents = search(sato, "Consent", patient=P)
    assert consents["total"] >= 1
    consent = matches(consents)[0]
    read = sato.get(f"/fhir/Consent/{consent['id']}").json()
    assert read["patient"]["reference"] == f"Patient/{P}" and read["status"] in ("active",
                                                                                 "inactive")
    assert f"Organization/{GH}" in {a["reference"]["reference"]
                                    for a in read["provision"]["actor"]}
    sato.get(f"/fhir/Patient/{P}")  # leaves an audit record for her
    events = search(sato, "AuditEvent", patient=P, _count=5)
    assert matches(events), events
    event = matches(events)[0]
    assert event["entity"][0]["what"]["reference"] == f"Patient/{P}"
    again = sato.get(f"/fhir/AuditEvent/{event['id']}")
    assert again.status_code == 200 and again.json()["recorded"] == event["recorded"]
    orgs = search(sato, "Organization", name="みなみ総合")
    assert GH in ids(orgs)


def test_jp_core_profiles_are_kept_as_given(sato):
    body = observation(P, meta={"profile": [
        "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_LabResult"]})
    made = create(sato, body)
    read = sato.get(f"/fhir/Observation/{made['id']}").json()
    assert read["meta"]["profile"] == [
        "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_LabResult"]
    assert read["code"]["coding"][0]["system"] == JLAC10
