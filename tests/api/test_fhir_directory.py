# SPDX-License-Identifier: Apache-2.0
"""The facility directory as FHIR (issue 4): Location and HealthcareService views with the live
status, the Organization's 地域連携室 contact, search, and the CapabilityStatement."""
import datetime

import pytest

import helpers
from fhir_helpers import assert_outcome, ids, matches, search, session

GH = helpers.org_id("minami-gh")
UH = helpers.org_id("minami-uh")
AOBA = helpers.org_id("aoba-homecare")
FREE_BEDS = "https://tsunagu.example.jp/fhir/StructureDefinition/free-beds"
EMERGENCY = "https://tsunagu.example.jp/fhir/StructureDefinition/emergency-acceptance"
CS = "https://tsunagu.example.jp/fhir/CodeSystem/"


@pytest.fixture(scope="module")
def sato(server):
    return session(server, "gh.sato")


def free_beds(location):
    out = {}
    for e in location.get("extension", []):
        if e["url"] == FREE_BEDS:
            parts = {p["url"]: p for p in e["extension"]}
            out[parts["kind"]["valueCode"]] = (parts["count"]["valueInteger"],
                                               parts["updated"]["valueInstant"])
    return out


def codes(concepts, system):
    return {c["code"] for cc in concepts for c in cc["coding"] if c["system"] == system}


def test_location_of_an_organisation(sato):
    r = sato.get(f"/fhir/Location/{GH}")
    assert r.status_code == 200, r.text
    loc = r.json()
    assert loc["resourceType"] == "Location" and loc["id"] == GH and loc["status"] == "active"
    assert loc["name"] == "みなみ総合病院"
    assert loc["managingOrganization"] == {"reference": f"Organization/{GH}"}
    assert loc["position"] == {"latitude": 33.5902, "longitude": 130.4017}
    assert {k: v[0] for k, v in free_beds(loc).items()} == {
        "general": 8, "icu_hcu": 1, "community_care": 3}
    assert loc["operationalStatus"]["system"] == "http://terminology.hl7.org/CodeSystem/v2-0116"
    assert loc["operationalStatus"]["code"] == "U"  # beds are free
    assert {t["system"] for t in loc.get("telecom", [])} <= {"phone", "fax", "email"}
    assert loc["address"]["text"]


def test_healthcare_service_of_an_organisation(sato):
    hs = sato.get(f"/fhir/HealthcareService/{GH}").json()
    assert hs["resourceType"] == "HealthcareService" and hs["active"] is True
    assert hs["providedBy"]["reference"] == f"Organization/{GH}"
    assert hs["location"] == [{"reference": f"Location/{GH}"}]
    assert codes(hs["category"], CS + "medical-function") == {"acute"}
    assert codes(hs["type"], CS + "service") == {"respite"}
    assert {"internal", "nephrology"} <= codes(hs["specialty"], CS + "department")
    shared = {c["coding"][0]["code"]: c["extension"][0]["valueBoolean"]
              for c in hs["characteristic"]}
    assert shared["ct"] is True and shared["dialysis"] is False
    until = (helpers.tokyo_today() + datetime.timedelta(days=14)).isoformat()  # demo: 2 weeks on
    assert hs["notAvailable"] == [{"description": "MRI 点検中", "during": {"end": until}}]
    assert hs["comment"] == "透析患者は要相談"
    assert hs["availabilityExceptions"] == "平日 8:30〜17:00、土 8:30〜12:00"
    ext = next(e for e in hs["extension"] if e["url"] == EMERGENCY)
    parts = {p["url"]: p for p in ext["extension"]}
    assert parts["acceptance"]["valueCode"] == "conditional"
    assert parts["note"]["valueString"] == "整形外科の手術は当面受入不可"


def test_organization_has_the_liaison_contact(sato):
    org = sato.get(f"/fhir/Organization/{GH}").json()
    contact = org["contact"][0]
    assert contact["purpose"]["text"] == "地域連携室"
    assert contact["telecom"] and contact["telecom"][0]["use"] == "work"


def test_unknown_ids_are_404_and_views_are_read_only(sato):
    assert_outcome(sato.get("/fhir/Location/nope"), 404)
    assert_outcome(sato.get("/fhir/HealthcareService/nope"), 404)
    r = sato.put(f"/fhir/Location/{GH}", json={"resourceType": "Location", "id": GH})
    assert r.status_code in (400, 405), r.text


def test_location_search(sato):
    assert ids(search(sato, "Location", organization=f"Organization/{GH}")) == {GH}
    assert ids(search(sato, "Location", _id=UH)) == {UH}
    assert GH in ids(search(sato, "Location", name="みなみ総合"))
    everyone = search(sato, "Location")
    assert {GH, UH, AOBA} <= ids(everyone) and everyone["total"] == len(matches(everyone))
    assert GH not in ids(search(sato, "Location", address="存在しない住所"))
    page = search(sato, "Location", _count="2")
    assert len(matches(page)) == 2


def test_healthcare_service_search(sato):
    assert ids(search(sato, "HealthcareService", organization=GH)) == {GH}
    home = ids(search(sato, "HealthcareService", **{"service-category": "home_visit"}))
    assert AOBA in home and GH not in home
    acute = ids(search(sato, "HealthcareService",
                       **{"service-category": CS + "medical-function|acute"}))
    assert GH in acute and AOBA not in acute
    assert GH in ids(search(sato, "HealthcareService", specialty="nephrology"))
    assert UH not in ids(search(sato, "HealthcareService", specialty="nephrology"))
    pet = ids(search(sato, "HealthcareService", characteristic=CS + "equipment|pet_ct"))
    assert pet == {UH}


@pytest.mark.parametrize("type_,param", [("Location", "near"), ("Location", "specialty"),
                                         ("HealthcareService", "name")])
def test_unknown_parameters_are_refused(sato, type_, param):
    assert_outcome(sato.get(f"/fhir/{type_}", params={param: "x"}), 400)


def test_free_beds_follow_a_status_change(fresh_server):
    admin = helpers.login(fresh_server, "gh.admin")
    before = free_beds(admin.get(f"/fhir/Location/{GH}").json())
    r = admin.patch(f"/api/directory/orgs/{GH}/status",
                    json={"beds": {"general": 0, "icu_hcu": 0, "community_care": 0}})
    assert r.status_code == 200, r.text
    loc = admin.get(f"/fhir/Location/{GH}").json()
    after = free_beds(loc)
    assert {k: v[0] for k, v in after.items()} == {"general": 0, "icu_hcu": 0,
                                                   "community_care": 0}
    assert after["general"][1] > before["general"][1]  # ISO instants in the same zone
    assert loc["operationalStatus"]["code"] == "O"


def test_capability_statement_lists_the_directory_types(server):
    cs = server.anon().get("/fhir/metadata").json()
    res = {r["type"]: r for r in cs["rest"][0]["resource"]}
    for t, params in (("Location", {"_id", "organization", "name", "address"}),
                      ("HealthcareService", {"_id", "organization", "service-category",
                                             "specialty", "characteristic"})):
        assert {i["code"] for i in res[t]["interaction"]} == {"read", "search-type"}
        assert {p["name"] for p in res[t]["searchParam"]} == params
