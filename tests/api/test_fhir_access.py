# SPDX-License-Identifier: Apache-2.0
"""The access rule over every FHIR path (issue 11): a resource's compartment never changes, even
after a deletion; what one may not see answers exactly like what does not exist; an API token
never gets the emergency view; a record share (referral) opens the record but not the consents
and the audit trail."""
import json

import pytest

import helpers
from fhir_helpers import assert_outcome, matches, search, session
from helpers import YAMADA_HANAKO

P = YAMADA_HANAKO  # team and consent: minami-gh, aoba-homecare
GH = helpers.org_id("minami-gh")
HIKARI = helpers.org_id("hikari-pharmacy")
# Resource types that never name a patient in a way a template can be moved by
NO_PATIENT_SEARCH = {"Binary", "Bundle", "Practitioner", "PractitionerRole"}


@pytest.fixture(scope="module")
def sato(server):
    return session(server, "gh.sato")


@pytest.fixture(scope="module")
def ito(server):
    return session(server, "ph.ito")  # ひかり薬局: not on 山田 花子's team


def stored_types(server):
    """The types the server stores (the CapabilityStatement: those it lets one update)."""
    cs = server.anon().get("/fhir/metadata").json()
    return [r["type"] for r in cs["rest"][0]["resource"]
            if "update" in {i["code"] for i in r["interaction"]}]


def templates(server, sato):
    """One resource of each stored type the demo record of 山田 花子 holds, without id and meta:
    every type a patient's record is made of."""
    found = {}
    for t in stored_types(server):
        if t in NO_PATIENT_SEARCH:
            continue
        items = matches(search(sato, t, patient=P, _count="1"))
        if items:
            body = {k: v for k, v in items[0].items() if k not in ("id", "meta")}
            found[t] = body
    assert {"Observation", "Condition", "AllergyIntolerance", "MedicationRequest",
            "DocumentReference", "Composition"} <= set(found), sorted(found)
    return found


def moved(body, patient):
    """body with every reference to 山田 花子 turned into one to patient, and without the
    elements that refer to her other resources: valid in every other way, so that only the
    access rule stands in the way."""
    kept = {k: v for k, v in body.items()
            if k in ("subject", "patient") or not any(
                f'"reference": "{t}' in json.dumps(v, ensure_ascii=False)
                for t in ("Condition/", "Observation/", "Encounter/", "MedicationRequest/",
                          "DocumentReference/", "Binary/", "Composition/", "AllergyIntolerance/",
                          "DiagnosticReport/", "ServiceRequest/", "Task/", "Appointment/",
                          "CarePlan/", "Communication/", "Flag/", "MedicationStatement/",
                          "Bundle/"))}
    return json.loads(json.dumps(kept).replace(f"Patient/{P}", f"Patient/{patient}"))


def one_visible(server, org, but=()):
    ids = sorted(helpers.visible_patient_ids(server, org) - set(but))
    assert ids, f"the demo gives {org} a patient"
    return ids[0]


# ---- 1: a deleted resource keeps its patient ------------------------------------------------

def test_a_deleted_resource_never_moves_to_another_patient(server, sato, ito):
    pharmacy_patient = one_visible(server, HIKARI, but=[P])
    hospital_patient = one_visible(server, GH, but=[P])
    for rtype, template in templates(server, sato).items():
        r = sato.post(f"/fhir/{rtype}", json=template)
        assert r.status_code == 201, (rtype, r.text[:300])
        rid = r.json()["id"]
        original = r.json()
        assert sato.delete(f"/fhir/{rtype}/{rid}").status_code == 204
        before = helpers.store_snapshot(server)
        # another organisation: onto it, into a patient it may see (directly and in a Bundle)
        stolen = {**moved(template, pharmacy_patient), "id": rid}
        assert_outcome(ito.put(f"/fhir/{rtype}/{rid}", json=stolen), 404, "fhir.not_found")
        r = ito.post("/fhir", json={"resourceType": "Bundle", "type": "transaction", "entry": [
            {"resource": stolen, "request": {"method": "PUT", "url": f"{rtype}/{rid}"}}]})
        assert_outcome(r, 404, "fhir.not_found")
        r = ito.post("/fhir", json={"resourceType": "Bundle", "type": "batch", "entry": [
            {"resource": stolen, "request": {"method": "PUT", "url": f"{rtype}/{rid}"}}]})
        assert r.status_code == 200 and r.json()["entry"][0]["response"]["status"] == "404"
        # one who may see both patients may not move it either
        other = {**moved(template, hospital_patient), "id": rid}
        assert_outcome(sato.put(f"/fhir/{rtype}/{rid}", json=other), 422, "fhir.compartment")
        assert helpers.store_snapshot(server) == before, rtype
        # its history stays under 山田 花子's rule
        for path in (f"/fhir/{rtype}/{rid}/_history/1", f"/fhir/{rtype}/{rid}/_history",
                     f"/fhir/{rtype}/{rid}"):
            assert_outcome(ito.get(path), 404, "fhir.not_found")
        assert rid not in {e["resource"]["id"] for e in ito.get(
            f"/fhir/{rtype}/_history").json().get("entry", []) if "resource" in e}
        first = sato.get(f"/fhir/{rtype}/{rid}/_history/1")
        assert first.status_code == 200 and first.json() == original
        # its own patient's team may bring it back
        again = sato.put(f"/fhir/{rtype}/{rid}", json={**template, "id": rid})
        assert again.status_code == 201, (rtype, again.text[:300])
        assert again.json()["meta"]["versionId"] == "3"
