# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/fhir/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/fhir/metadata"): (req("GET", "/fhir/metadata"), granted(), EVERYONE),
    ("POST", "/fhir"): (lambda w: ("POST", "/fhir", {
        "resourceType": "Bundle", "type": "transaction", "entry": [
            {"resource": {**observation(P), "status": "not-a-status"},
             "request": {"method": "POST", "url": "Observation"}}]}, None),
        granted(), TEAM_WRITE),
    ("POST", "/fhir/"): (lambda w: ("POST", "/fhir/", {
        "resourceType": "Bundle", "type": "batch", "entry": [
            {"request": {"method": "GET", "url": f"Observation/{w.observation}"}}]}, None),
        lambda r, w: r.status_code == 200 and r.json()["entry"][0]["response"][
            "status"].startswith("200"), TEAM_READ),
    ("GET", "/fhir/Patient/{id}/$everything"): (req("GET", "/fhir/Patient/{P}/$everything"),
                                                PATIENT, TEAM_READ),
    ("GET", "/fhir/Composition/{id}/$document"): (
        req("GET", "/fhir/Composition/{w.composition}/$document"), FHIR, CLINICAL_EMERGENCY),
    ("GET", "/fhir/{type}/_history"): (req("GET", "/fhir/Observation/_history"),
                                       names_her(lambda w: w.observation), TEAM_READ),
    ("POST", "/fhir/{type}/_search"): (
        lambda w: ("FORM", "/fhir/AllergyIntolerance/_search", {"patient": P}, None),
        names_her(lambda w: f"Patient/{P}"), CLINICAL_EMERGENCY),
    ("GET", "/fhir/{type}/{id}/_history/{vid}"): (
        req("GET", "/fhir/Observation/{w.observation}/_history/1"), FHIR, TEAM_READ),
    ("GET", "/fhir/{type}/{id}/_history"): (
        req("GET", "/fhir/Observation/{w.observation}/_history"), FHIR, TEAM_READ),
    ("GET", "/fhir/{type}/{id}"): (req("GET", "/fhir/Observation/{w.observation}"), FHIR,
                                   TEAM_READ),
    ("PUT", "/fhir/{type}/{id}"): (
        lambda w: ("PUT", f"/fhir/Observation/{w.observation}",
                   {"resourceType": "Observation", "id": w.observation}, None), FHIR,
        TEAM_WRITE),
    ("DELETE", "/fhir/{type}/{id}"): (
        lambda w: ("DELETE", f"/fhir/Observation/{w.observation}", None,
                   {"If-Match": 'W/"999"'}), FHIR, TEAM_WRITE),
    ("GET", "/fhir/{type}"): (req("GET", "/fhir/AllergyIntolerance", params={"patient": P}),
                              names_her(lambda w: f"Patient/{P}"), CLINICAL_EMERGENCY),
    ("POST", "/fhir/{type}"): (req("POST", "/fhir/Observation",
                                   {**observation(P), "status": "not-a-status"}),
                               lambda r, w: r.status_code not in (401, 403), TEAM_WRITE),
}
