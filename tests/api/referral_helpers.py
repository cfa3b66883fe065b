# SPDX-License-Identifier: Apache-2.0
"""Builders shared by the referral tests (issue 5): letters, sending a referral, patients
whose consent names an organisation outside their care team, and the steps of the loop."""
import datetime

import helpers

GH = helpers.org_id("minami-gh")        # みなみ総合病院 (gh.sato, physician)
UH = helpers.org_id("minami-uh")        # みなみ大学附属医療センター (uh.fujita, physician)
REHAB = helpers.org_id("minami-rehab")  # みなみリハビリテーション病院
LTC = helpers.org_id("minami-ltc")      # みなみ療養病院 (ltc.shimizu, physician)
SAKURA = helpers.org_id("sakura-clinic")
HIKARI = helpers.org_id("hikari-pharmacy")
CITY = helpers.org_id("minami-city")

SUMMARY_KEYS = {"id", "kind", "status", "urgency", "purpose", "patient", "from_org",
                "from_user", "to_org", "to_department", "sent_at", "updated_at",
                "scheduled_for"}
FULL_KEYS = SUMMARY_KEYS | {
    "parent_id", "redirected_to", "letter", "letter_sha256", "signed_at", "accepted_at",
    "seen_at", "replied_at", "closed_at", "decline_reason", "reply", "reply_by", "share",
    "children", "timeline", "actions", "fhir"}


def appointment(days=7):
    """An appointment days ahead at 10:30 Tokyo (the server refuses one in the past): the
    RFC 3339 text to send and the UTC instant the server answers."""
    day = helpers.tokyo_today() + datetime.timedelta(days=days)
    return f"{day.isoformat()}T10:30:00+09:00", f"{day.isoformat()}T01:30:00.000Z"


def letter(**parts):
    body = {
        "purpose_text": "労作時胸痛の精査をお願いします。",
        "chief_complaint": "階段昇降時の胸部圧迫感",
        "diagnoses": [{"text": "狭心症疑い", "code": "I209", "onset": "2026-10-01"}],
        "history": "高血圧症(10年前から内服)。父 心筋梗塞。",
        "course": "1か月前から労作時に胸部圧迫感。安静で数分で改善。\n心電図で明らかな異常なし。",
        "medications": [{"text": "アムロジピン錠5mg 1日1回 朝食後"}],
        "allergies": [{"text": "ペニシリン", "reaction": "発疹"}],
        "labs": [{"text": "LDLコレステロール", "value": "162 mg/dL", "date": "2026-10-15"}],
        "documents": [],
        "imaging": [],
        "remarks": "",
    }
    body.update(parts)
    return body


def body(to_org=UH, **fields):
    b = {"to_org_id": to_org, "to_department": "cardiology", "urgency": "urgent",
         "purpose": "workup", "letter": letter()}
    b.update(fields)
    return b


def send(session, patient, key=None, **fields):
    """POSTs a referral of patient (default: to minami-uh cardiology); returns the response."""
    headers = {"Idempotency-Key": key} if key else None
    return session.post(f"/api/patients/{patient}/referrals", json=body(**fields),
                        headers=headers)


def sent(session, patient, **fields):
    r = send(session, patient, **fields)
    assert r.status_code == 201, r.text
    return r.json()


def step(session, rid, action, body=None, status=200):
    r = session.post(f"/api/referrals/{rid}/{action}", json=body if body is not None else {})
    assert r.status_code == status, f"{action}: {r.status_code} {r.text[:500]}"
    return r.json()


def new_patient(server, local_id, share_with=(), registrar="gh.sato", **fields):
    """A patient registered by registrar's organisation (the only team member) whose consent
    also names the organisations in share_with; returns the id."""
    s = server.session(registrar)
    r = s.post("/api/patients", json=helpers.new_patient_body(local_id, **fields))
    assert r.status_code == 201, r.text
    patient = r.json()["id"]
    if share_with:
        orgs = [s.login_body["me"]["org_id"], *share_with]
        r = s.post(f"/api/patients/{patient}/consents",
                   json={"org_ids": orgs, "scope": "all", "method": "written",
                         "consented_on": helpers.tokyo_today().isoformat()})
        assert r.status_code == 201, r.text
    return patient


def condition(session, patient, text="高血圧症"):
    """Records a Condition (as a team member) and returns its id."""
    r = session.post("/fhir/Condition", json={
        "resourceType": "Condition", "subject": {"reference": f"Patient/{patient}"},
        "code": {"text": text}}, headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def conditions(session, patient):
    r = session.get("/fhir/Condition", params={"patient": patient})
    assert r.status_code == 200, r.text
    return [e["resource"]["id"] for e in r.json().get("entry", [])]


def timeline(session, rid):
    return [e["kind"] for e in session.get(f"/api/referrals/{rid}").json()["timeline"]]


def fixture_referral(server):
    """One referral from gh.sato (minami-gh) to minami-uh for the demo patient 0, still "sent",
    made once per server (for tests of bad input on the workflow routes)."""
    rid = getattr(server, "_fixture_referral", None)
    if rid is None:
        rid = sent(server.session("gh.sato"), helpers.YAMADA_HANAKO)["id"]
        server._fixture_referral = rid
    return rid
