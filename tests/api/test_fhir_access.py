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


# ---- 3: an API token never gets the emergency view ------------------------------------------

EMERGENCY_TYPES = ("AllergyIntolerance", "Condition", "Flag", "MedicationRequest",
                   "MedicationStatement", "DocumentReference", "Composition")
REASON = "意識障害で救急搬送。アレルギーと服薬の確認のため"


def emergency_grant(server):
    """uh.fujita (みなみ大学, not on 山田 花子's team) holds an emergency grant on her."""
    fujita = server.session("uh.fujita")
    r = fujita.post(f"/api/patients/{P}/emergency", json={"reason": REASON})
    assert r.status_code in (200, 201), r.text
    return fujita, r.json()["id"]


def token_for(server, admin, login):
    r = server.session(admin).post("/api/tokens", json={"name": "連携テスト",
                                                         "user_id": helpers.user_id(login)})
    assert r.status_code == 201, r.text
    return helpers.bearer(server, r.json()["token"])


def entries_of(bundle, patient):
    return [e for e in bundle.get("entry", []) if "resource" in e and json.dumps(
        e["resource"]).find(f"Patient/{patient}") >= 0]


def test_an_api_token_never_gets_the_emergency_view(fresh_server):
    server = fresh_server
    fujita, gid = emergency_grant(server)
    token = token_for(server, "uh.admin", "uh.fujita")
    other = helpers.patient_id(5)
    some = matches(search(fujita, "AllergyIntolerance", patient=P))[0]["id"]
    sato = server.session("gh.sato")
    for rtype in EMERGENCY_TYPES:
        held = search(sato, rtype, patient=P)["total"]
        assert search(fujita, rtype, patient=P)["total"] == held, rtype  # the grant works
        for params in ({"patient": f"{P},{other}"}, {"patient": P},
                       {"subject": f"Patient/{P}"} if rtype not in (
                           "AllergyIntolerance",) else {"patient": f"Patient/{P}"}):
            r = token.get(f"/fhir/{rtype}", params=params)
            assert r.status_code == 200 and "X-Tsunagu-Emergency-Access" not in r.headers
            assert entries_of(r.json(), P) == [], (rtype, params)
        r = token.get(f"/fhir/{rtype}/_history")
        assert r.status_code == 200 and entries_of(r.json(), P) == [], rtype
    assert_outcome(token.get(f"/fhir/AllergyIntolerance/{some}"), 404, "fhir.not_found")
    assert token.get(f"/api/patients/{P}").status_code == 404
    assert token.get(f"/fhir/Patient/{P}").status_code == 404
    # the same user in person: the answers come marked and audited as emergency access
    r = fujita.get("/fhir/AllergyIntolerance", params={"patient": f"{P},{other}"})
    assert r.status_code == 200 and entries_of(r.json(), P)
    assert r.headers["X-Tsunagu-Emergency-Access"] == gid
    [rec] = server.query("SELECT * FROM audit WHERE request_id = ? AND patient_id = ?",
                         (r.headers["X-Request-Id"], P))
    assert rec["detail"].startswith(f"emergency access {gid}")
    r = fujita.get("/fhir/Condition/_history")
    assert r.status_code == 200 and entries_of(r.json(), P)
    assert r.headers["X-Tsunagu-Emergency-Access"] == gid


# ---- 4: a record share opens the record, not the consents and the audit trail -----------------

def test_a_record_share_opens_neither_consents_nor_the_audit_trail(server):
    import referral_helpers as rh
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    patient = rh.new_patient(server, "SHARE-VIEWS", share_with=[rh.UH])
    rh.condition(sato, patient)
    rh.sent(sato, patient)  # to みなみ大学: the record is shared with it
    assert search(fujita, "Condition", patient=patient)["total"] >= 1
    consents = sato.get(f"/api/patients/{patient}/consents").json()["items"]
    audit_ids = [e["resource"]["id"] for e in sato.get(
        "/fhir/AuditEvent", params={"patient": patient}).json()["entry"]]
    assert consents and audit_ids
    for rtype, ids in (("Consent", [c["id"] for c in consents]), ("AuditEvent", audit_ids)):
        for params in ({"patient": patient}, {"patient": f"Patient/{patient}"}, {}):
            bundle = search(fujita, rtype, **params)
            assert not [e for e in bundle.get("entry", []) if e["resource"]["id"] in ids], (
                rtype, params)
        for rid in ids[:3]:
            assert_outcome(fujita.get(f"/fhir/{rtype}/{rid}"), 404, "fhir.not_found")
    assert fujita.get(f"/api/patients/{patient}/consents").status_code == 404
    # nor does an emergency grant
    fujita_grant, _ = emergency_grant(server)
    assert search(fujita_grant, "Consent", patient=P).get("entry", []) == []
    assert search(fujita_grant, "AuditEvent", patient=P).get("entry", []) == []


# ---- 7: one request, one record per patient, with the right outcome ---------------------------

def records(server, r):
    return server.query("SELECT * FROM audit WHERE request_id = ? ORDER BY seq",
                        (r.headers["X-Request-Id"],))


def test_one_record_per_patient_per_request(server, sato, ito):
    import referral_helpers as rh
    comp = matches(search(sato, "Composition", patient=P))[0]["id"]
    consent = sato.get(f"/api/patients/{P}/consents").json()["items"][0]["id"]
    ref = rh.sent(sato, P)
    for path in (f"/fhir/Patient/{P}", f"/fhir/Consent/{consent}",
                 f"/fhir/Composition/{comp}/$document", f"/api/referrals/{ref['id']}/document",
                 f"/fhir/Patient/{P}/$everything"):
        r = sato.get(path)
        assert r.status_code == 200, (path, r.text[:200])
        recs = records(server, r)
        assert [(x["patient_id"], x["outcome"]) for x in recs] == [(P, 0)], (path, recs)


def test_a_refusal_leaves_one_record_against_the_patient(server, sato, ito):
    template = matches(search(sato, "Observation", patient=P, _count="1"))[0]
    obs = sato.post("/fhir/Observation", json={
        k: v for k, v in template.items() if k not in ("id", "meta")}).json()
    binary_id = sato.post("/fhir/Binary", json={
        "resourceType": "Binary", "contentType": "application/pdf",
        "securityContext": {"reference": f"Patient/{P}"},
        "data": "JVBERi0xLjQKJSVFT0YK"}).json()["id"]
    tries = [("GET", f"/fhir/Observation/{obs['id']}", None),
             ("GET", f"/fhir/Observation/{obs['id']}/_history/1", None),
             ("GET", f"/fhir/Observation/{obs['id']}/_history", None),
             ("PUT", f"/fhir/Observation/{obs['id']}", obs),
             ("DELETE", f"/fhir/Observation/{obs['id']}", None),
             ("POST", "/fhir/Observation", {k: v for k, v in obs.items() if k != "id"}),
             ("GET", f"/fhir/Binary/{binary_id}", None),
             ("GET", "/fhir/Observation", {"patient": P}),
             ("GET", "/fhir/Condition", {"subject": f"Patient/{P}"})]
    for method, path, body in tries:
        if method == "GET":
            r = ito.get(path, params=body)
        else:
            r = ito.request(method, path, json=body)
        assert r.status_code in (200, 403, 404), (path, r.text[:200])
        recs = records(server, r)
        assert [(x["patient_id"], x["outcome"]) for x in recs] == [(P, 4)], (method, path, recs)


# ---- 11: absolute URLs come from the configuration, never from the Host header --------------

def absolute_urls(server, session):
    """Every absolute URL a FHIR create, search, history and document answer carries, asked for
    with a forged Host (session: a token, whose Authorization a Host header does not change)."""
    obs = matches(search(session, "Observation", patient=P, _count="1"))[0]
    body = {k: v for k, v in obs.items() if k not in ("id", "meta")}
    evil = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}
    created = session.post("/fhir/Observation", json=body, headers=evil)
    assert created.status_code == 201, created.text
    urls = [created.headers["Location"]]
    for path, params in (("/fhir/Observation", {"patient": P, "_count": "1"}),
                         ("/fhir/Observation/_history", {"_count": "2"}),
                         (f"/fhir/Patient/{P}/$everything", {"_count": "2"})):
        bundle = session.get(path, params=params, headers=evil).json()
        urls += [e["fullUrl"] for e in bundle.get("entry", []) if "fullUrl" in e]
        urls += [link["url"] for link in bundle.get("link", [])]
    comp = matches(search(session, "Composition", patient=P))[0]["id"]
    doc = session.get(f"/fhir/Composition/{comp}/$document", headers=evil).json()
    urls += [e["fullUrl"] for e in doc["entry"] if e.get("fullUrl", "").startswith("http")]
    return urls


def test_fhir_links_use_the_public_url(start_server):
    server = start_server("--public-url", "https://renkei.example.jp/tsunagu/")
    urls = absolute_urls(server, token_for(server, "gh.admin", "gh.sato"))
    assert len(urls) > 5
    for url in urls:
        assert url.startswith("https://renkei.example.jp/tsunagu/fhir/"), url


def test_fhir_links_default_to_the_listen_address(server):
    for url in absolute_urls(server, token_for(server, "gh.admin", "gh.sato")):
        assert url.startswith(f"{server.base_url}/fhir/"), url


@pytest.mark.parametrize("value", ["renkei.example.jp", "ftp://renkei.example.jp",
                                   "https://", "https://host/a?b=c", "https://host/#x",
                                   "https://ho st", "https://host/a b", "javascript:alert(1)"])
def test_a_bad_public_url_is_refused(value):
    r = helpers.run_cli("serve", "--public-url", value, "--data-dir", "/nonexistent")
    assert r.returncode == 2 and "--public-url" in r.stderr, r.stderr


# ---- 6: AuditEvent ids cannot be walked --------------------------------------------------------

def test_audit_event_ids_cannot_be_walked(server, sato):
    import re
    # reads of the patient leave audit records (durable before each answer leaves)
    for _ in range(2):
        assert sato.get(f"/api/patients/{P}").status_code == 200
    bundle = search(sato, "AuditEvent", patient=P, _count="5")
    ids = [e["resource"]["id"] for e in bundle["entry"]]
    assert ids and all(re.fullmatch(r"[0-9]+-[0-9a-f]{16}", i) for i in ids), ids
    first = ids[0]
    assert sato.get(f"/fhir/AuditEvent/{first}").json()["id"] == first
    assert [e["resource"]["id"] for e in search(sato, "AuditEvent", _id=first)["entry"]] == [first]
    seq, tag = first.split("-")
    for guess in (seq, f"{seq}-0000000000000000", f"{int(seq) + 1}-{tag}", f"{seq}-{tag[:8]}",
                  f"-{tag}", f"{seq}-{tag}-"):
        assert_outcome(sato.get(f"/fhir/AuditEvent/{guess}"), 404, "fhir.not_found")
        assert search(sato, "AuditEvent", _id=guess).get("entry", []) == []
