# SPDX-License-Identifier: Apache-2.0
"""Images before the patient arrives (issue 15): studies shared with another organisation for a
referral, a shared-equipment report or an emergency transfer (imaging_shares, migration 032).
Each share opens the study (QIDO, WADO metadata and frames) while it lasts, is audited, and a
third organisation sees nothing."""
import uuid

import dicom_helpers as dh
import helpers
import referral_helpers as rh
from helpers import assert_problem

THIRD = "rehab.kimura"  # みなみリハビリテーション病院: party to nothing here


def local_id():
    return f"SHR-{uuid.uuid4().hex[:10]}"


def stow_study(session, local, waiting=False, **attrs):
    """One CT study of the patient with local id `local` of session's organisation (or one
    that waits for reconciliation, when the local id is new); its UID."""
    study = dh.new_uid()
    r = dh.stow(session, [dh.instance("CT_small.dcm", study=study, PatientID=local, **attrs)])
    assert r.status_code in ((200, 202) if waiting else (200,)), r.text[:500]
    return study


def qido_uids(session, **params):
    r = session.get("/dicom-web/studies", params=params,
                    headers={"Accept": "application/dicom+json"})
    assert r.status_code == 200, r.text[:300]
    return {s["0020000D"]["Value"][0] for s in r.json()}


def sees_study(session, study):
    """Whether session's organisation reads the study; QIDO, the metadata and a frame agree."""
    listed = study in qido_uids(session, StudyInstanceUID=study)
    meta = session.get(f"/dicom-web/studies/{study}/metadata",
                       headers={"Accept": "application/dicom+json"})
    assert meta.status_code in (200, 404), meta.text[:300]
    if meta.status_code == 200:
        item = meta.json()[0]
        series, sop = item["0020000E"]["Value"][0], item["00080018"]["Value"][0]
        frame = session.get(f"/dicom-web/studies/{study}/series/{series}/instances/{sop}/frames/1",
                            headers={"Accept": "multipart/related; type=application/octet-stream"})
        assert frame.status_code == 200, frame.text[:300]
    else:
        assert_problem(meta, 404, "imaging.study_not_found")
    assert listed == (meta.status_code == 200), (listed, meta.status_code)
    return listed


def patient_study_uids(session, patient):
    """The patient's study list as session sees it (GET /api/patients/{id}/studies)."""
    r = session.get(f"/api/patients/{patient}/studies")
    assert r.status_code == 200, r.text[:300]
    return {s["study_uid"] for s in r.json()["items"]}


def referral_with(server, patient, studies, **fields):
    sato = server.session("gh.sato")
    letter = rh.letter(imaging=[{"study_uid": s} for s in studies])
    return rh.sent(sato, patient, letter=letter, **fields)


# ---- referral ---------------------------------------------------------------------------------

def test_referral_shares_its_attached_studies_and_ends_with_it(server):
    local = local_id()
    patient = rh.new_patient(server, local, share_with=[rh.UH])
    sato, fujita, third = (server.session(n) for n in ("gh.sato", "uh.fujita", THIRD))
    attached, other = stow_study(sato, local), stow_study(sato, local)
    assert not sees_study(fujita, attached)

    ref = referral_with(server, patient, [attached])
    item = ref["letter"]["imaging"][0]
    assert item["study_uid"] == attached and item["modality"] == "CT"
    assert item["date"] and item["org_name"]
    shared = ref["shared_studies"]
    assert [s["study_uid"] for s in shared] == [attached] and shared[0]["active"] is True
    assert shared[0]["consent_free"] is False
    assert sees_study(fujita, attached)
    assert attached in patient_study_uids(fujita, patient)
    assert not sees_study(third, attached) and not qido_uids(third, PatientID=local)
    assert_problem(third.get(f"/api/patients/{patient}/studies"), 404, "patient.not_found")
    # the receiver's read is audited against the patient
    audits = helpers.audit_rows(server, "object_id = ? AND org_id = ? AND outcome = 0",
                                (attached, rh.UH))
    assert audits and all(a["patient_id"] == patient for a in audits)

    # the share holds by itself: with the record share gone, the attached study stays readable,
    # the other one does not
    server.execute("UPDATE record_shares SET expires_at = 1 WHERE source_id = ?", (ref["id"],))
    assert sees_study(fujita, attached) and not sees_study(fujita, other)

    # ended with the referral (cancelled by the sender)
    rh.step(sato, ref["id"], "cancel", {"reason": "患者の希望により中止"})
    assert not sees_study(fujita, attached)
    assert_problem(fujita.get(f"/api/patients/{patient}/studies"), 404, "patient.not_found")
    full = sato.get(f"/api/referrals/{ref['id']}").json()
    assert full["shared_studies"][0]["active"] is False and full["shared_studies"][0]["ended_at"]
    rows = server.query("SELECT end_reason FROM imaging_shares WHERE source_id = ?", (ref["id"],))
    assert [r["end_reason"] for r in rows] == ["cancelled"]


def test_referral_images_need_the_patients_consent(server):
    local = local_id()
    patient = rh.new_patient(server, local)  # no consent names minami-uh
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    study = stow_study(sato, local)
    ref = referral_with(server, patient, [study])
    assert ref["letter"]["imaging"][0]["study_uid"] == study
    assert not sees_study(fujita, study)


def test_referral_refuses_studies_it_may_not_attach(server):
    local, other_local = local_id(), local_id()
    patient = rh.new_patient(server, local, share_with=[rh.UH])
    other_patient = rh.new_patient(server, other_local)
    sato = server.session("gh.sato")
    fujita = server.session("uh.fujita")
    mine = stow_study(sato, local)
    of_other_patient = stow_study(sato, other_local)
    # a study of minami-uh's own patient: gh.sato may not see it
    uh_local = local_id()
    rh.new_patient(server, uh_local, registrar="uh.fujita")
    of_other_org = stow_study(fujita, uh_local)
    before = server.query("SELECT count(*) AS n FROM referrals")[0]["n"]
    for uid, code in ((of_other_patient, "imaging.study_not_attachable"),
                      (of_other_org, "imaging.study_not_attachable"),
                      ("1.2.x", "imaging.study_not_attachable"),
                      ("9.9.9", "imaging.study_not_attachable")):
        r = rh.send(sato, patient, letter=rh.letter(imaging=[{"study_uid": uid}]))
        assert_problem(r, 422, code)
    r = rh.send(sato, patient, letter=rh.letter(imaging=[{"study_uid": mine}, {"study_uid": mine}]))
    assert_problem(r, 422, "referral.letter_invalid")
    r = rh.send(sato, patient, letter=rh.letter(imaging=[{"study_uid": mine, "colour": "red"}]))
    assert r.status_code in (400, 422), r.text
    assert server.query("SELECT count(*) AS n FROM referrals")[0]["n"] == before
    assert server.query("SELECT count(*) AS n FROM imaging_shares WHERE study_uid IN (?, ?, ?)",
                        (mine, of_other_patient, of_other_org))[0]["n"] == 0
    assert other_patient


# ---- shared-equipment report (共同利用) ---------------------------------------------------------

def booked_and_confirmed(server, patient):
    """A CT slot of minami-gh booked by aoba for patient and confirmed; the booking as gh sees it."""
    import test_bookings as tb
    [slot] = tb.publish(server, "gh.admin")
    r = tb.book(server.session("aoba.tanaka"), patient, slot["id"])
    assert r.status_code == 201, r.text
    b = r.json()
    r = server.session("gh.renkei").post(f"/api/bookings/{b['id']}/confirm", json={})
    assert r.status_code == 200, r.text
    return r.json(), slot


def hospital_study(server, patient, gh_local, **attrs):
    """A study stowed by minami-gh for patient (linked through gh's local id gh_local)."""
    sato = server.session("gh.sato")
    study = stow_study(sato, gh_local, waiting=True, **attrs)
    row = server.query("SELECT reconciliation FROM imaging_studies WHERE study_uid = ?", (study,))
    if row[0]["reconciliation"] == "waiting":
        r = sato.post(f"/api/imaging/studies/{study}/assign", json={"patient_id": patient})
        assert r.status_code == 200, r.text
    return study


def test_booking_report_shares_the_examinations_images_with_the_ordering_clinic(server):
    import test_bookings as tb
    patient = tb.new_patient(server, "aoba.tanaka", local_id(), consent_orgs=[rh.GH])
    clinic, third = server.session("aoba.tanaka"), server.session(THIRD)
    b, slot = booked_and_confirmed(server, patient)
    accession = b["accession_number"]
    assert len(accession) <= 16 and accession.startswith("TB")
    gh_local = local_id()
    by_accession = hospital_study(server, patient, gh_local, AccessionNumber=accession,
                                  StudyDate="20200101")
    day = slot["starts_at"][:10].replace("-", "")
    by_date = hospital_study(server, patient, gh_local, AccessionNumber="", StudyDate=day)
    unrelated = hospital_study(server, patient, gh_local, AccessionNumber="X1",
                               StudyDate="20200102")
    assert b["shared_studies"] == []

    r = server.session("gh.sato").post(f"/api/bookings/{b['id']}/report", json={
        "findings": "異常なし", "impression": "頭蓋内に明らかな異常なし。",
        "reason": "撮影は前倒しで実施"})
    assert r.status_code == 200, r.text
    shared = {s["study_uid"] for s in r.json()["shared_studies"]}
    assert shared == {by_accession, by_date}
    # the clinic sees them through the share even off the care team; the unrelated one not
    server.execute("UPDATE care_team SET removed_at = 1 WHERE patient_id = ? AND org_id = ?",
                   (patient, tb.AOBA))
    assert sees_study(clinic, by_accession) and sees_study(clinic, by_date)
    assert not sees_study(clinic, unrelated)
    assert not sees_study(third, by_accession)
    reads = helpers.audit_rows(server, "object_id = ? AND org_id = ? AND outcome = 0",
                               (by_accession, tb.AOBA))
    assert reads and all(r["patient_id"] == patient for r in reads)
    starts = helpers.audit_rows(server, "object_id = ? AND event_id = 'imaging.share'",
                                (by_accession,))
    assert starts and "booking" in starts[0]["detail"]
    listed = clinic.get(f"/api/bookings/{b['id']}").json()["shared_studies"]
    assert {s["study_uid"] for s in listed} == shared and all(s["active"] for s in listed)

    # a study that arrives after the report with the booking's accession is shared as well
    late = hospital_study(server, patient, gh_local, AccessionNumber=accession,
                          StudyDate="20200103")
    assert sees_study(clinic, late)
    rows = server.query("SELECT org_id, source_kind, consent_free FROM imaging_shares "
                        "WHERE study_uid = ?", (late,))
    assert [dict(r) for r in rows] == [{"org_id": tb.AOBA, "source_kind": "booking",
                                        "consent_free": 0}]
    # without the consent naming the clinic, the share opens nothing
    server.execute("UPDATE consents SET withdrawn_at = 1 WHERE patient_id = ?", (patient,))
    assert not sees_study(clinic, late)


# ---- emergency transfer (救急画像送信) -----------------------------------------------------------

AOBA = helpers.org_id("aoba-homecare")
GH = helpers.org_id("minami-gh")
VNS = helpers.org_id("minami-vns")
REHAB = helpers.org_id("minami-rehab")


def clinic_patient(server, consent_with=()):
    """A patient of aoba-homecare (its local id, linked study) whose consent names consent_with
    besides aoba; minami-vns is on the team with consent. Returns (patient, study)."""
    local = local_id()
    patient = rh.new_patient(server, local, share_with=[VNS, *consent_with],
                             registrar="aoba.tanaka")
    tanaka = server.session("aoba.tanaka")
    r = tanaka.post(f"/api/patients/{patient}/team", json={"org_id": VNS, "role": "訪問看護"})
    assert r.status_code == 201, r.text
    cond = tanaka.post("/fhir/AllergyIntolerance", json={
        "resourceType": "AllergyIntolerance", "patient": {"reference": f"Patient/{patient}"},
        "clinicalStatus": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            "code": "active"}]},
        "code": {"text": "ヨード造影剤"},
        "reaction": [{"manifestation": [{"text": "蕁麻疹"}]}]},
        headers={"Content-Type": "application/fhir+json"})
    assert cond.status_code == 201, cond.text
    return patient, stow_study(tanaka, local)


def send_transfer(session, patient, study_uids, to_org=GH, status=201, **fields):
    r = session.post(f"/api/patients/{patient}/transfers",
                     json={"to_org_id": to_org, "study_uids": study_uids, **fields})
    assert r.status_code == status, r.text[:600]
    return r.json()


def test_emergency_transfer_without_consent_is_an_emergency_share(server):
    import test_events as te
    patient, study = clinic_patient(server)
    tanaka = server.session("aoba.tanaka")
    sato, third = server.session("gh.sato"), server.session(THIRD)
    before = helpers.store_snapshot(server)
    # no consent names minami-gh: a reason is required, and nothing changes without one
    r = tanaka.post(f"/api/patients/{patient}/transfers",
                    json={"to_org_id": GH, "study_uids": [study], "note": "意識低下"})
    assert_problem(r, 422, "transfer.reason_required")
    assert helpers.store_snapshot(server) == before

    er = te.Stream(sato, "/api/events?topics=transfer")
    outsider = te.Stream(third, "/api/events?topics=transfer")
    try:
        t = send_transfer(tanaka, patient, [study], note="意識低下、救急搬送中。",
                          reason="意識障害で救急搬送、同意確認できず")
        assert t["consent_free"] is True and t["status"] == "sent"
        assert t["summary"]["allergies"][0]["text"] == "ヨード造影剤"
        got = er.next("the transfer event",
                      lambda e: "data" in e and t["id"] in e["data"])
        assert '"event":"sent"' in got["data"].replace(" ", "")
        # the ER reads the transfer, its summary and the images, not the record
        seen = sato.get(f"/api/transfers/{t['id']}").json()
        assert seen["summary"]["allergies"][0]["reaction"] == "蕁麻疹"
        assert seen["actions"] == ["accept", "close"]
        assert [s["study_uid"] for s in seen["studies"]] == [study]
        assert seen["studies"][0]["consent_free"] is True
        incoming = sato.get("/api/transfers", params={"box": "incoming"}).json()["items"]
        assert t["id"] in [i["id"] for i in incoming]
        assert sees_study(sato, study)
        assert_problem(sato.get(f"/api/patients/{patient}"), 404, "patient.not_found")
        assert_problem(sato.get(f"/api/patients/{patient}/studies"), 404, "patient.not_found")
        # every read through the share is flagged for the review
        flagged = helpers.audit_rows(server, "object_id = ? AND org_id = ? AND outcome = 0",
                                     (study, GH))
        assert flagged and all(a["detail"].startswith("emergency image share ") for a in flagged)
        # a third organisation: nothing, not even an event
        assert_problem(third.get(f"/api/transfers/{t['id']}"), 404, "transfer.not_found")
        assert not sees_study(third, study)
        assert t["id"] not in [i["id"] for i in
                               third.get("/api/transfers").json()["items"]]
        control = send_transfer(tanaka, patient, [], to_org=REHAB, reason="比較用")
        first = outsider.next("a transfer event", lambda e: "data" in e)
        assert control["id"] in first["data"] and t["id"] not in first["data"]
    finally:
        er.response.close()
        outsider.response.close()
    # the team hears of it; the sender's administrators review it with the break-the-glass ones
    vns = server.session("vns.suzuki").get("/api/notifications").json()["items"]
    assert any(n["kind"] == "transfer" and n.get("ref_id") == t["id"] for n in vns), vns
    reviews = server.session("aoba.tanaka").get("/api/emergency/reviews").json()
    assert t["id"] in [s["id"] for s in reviews["image_shares"]]
    # with what it opened: the ER's reads through the share, from the audit
    opened = server.session("aoba.tanaka").get(f"/api/transfers/{t['id']}/opened")
    assert opened.status_code == 200, opened.text
    items = opened.json()["items"]
    assert {a["seq"] for a in flagged} <= {i["seq"] for i in items}
    assert all(i["org"]["id"] == GH and i["object_id"] == study for i in items), items
    assert items[0]["org"]["name"] == "みなみ総合病院" and items[0]["user_login"] == "gh.sato"
    # to the receiver's and a third organisation's administrators it does not exist here
    for admin in ("gh.admin", "rehab.admin"):
        assert_problem(server.session(admin).get(f"/api/transfers/{t['id']}/opened"), 404,
                       "transfer.not_found")

    # closed by the ER: the images close again
    done = sato.post(f"/api/transfers/{t['id']}/close", json={}).json()
    assert done["status"] == "closed" and done["summary"] is None
    assert not sees_study(sato, study)
    r = server.session("aoba.tanaka").post(f"/api/transfers/{t['id']}/review",
                                          json={"comment": "救急搬送時の共有として妥当"})
    assert r.status_code == 200, r.text
    reviews = server.session("aoba.tanaka").get("/api/emergency/reviews").json()
    assert t["id"] not in [s["id"] for s in reviews["image_shares"]]


def test_emergency_transfer_with_consent_and_its_24_hours(server):
    patient, study = clinic_patient(server, consent_with=[GH])
    tanaka, sato = server.session("aoba.tanaka"), server.session("gh.sato")
    t = send_transfer(tanaka, patient, [study], note="胸痛")
    assert t["consent_free"] is False and t["reason"] is None
    assert sees_study(sato, study)
    audits = helpers.audit_rows(server, "object_id = ? AND org_id = ? AND outcome = 0",
                                (study, GH))
    assert audits and not any((a["detail"] or "").startswith("emergency") for a in audits)
    assert sato.post(f"/api/transfers/{t['id']}/accept", json={}).json()["status"] == "accepted"
    # the shares last 24 hours at most
    server.execute("UPDATE imaging_shares SET expires_at = 1 WHERE source_id = ?", (t["id"],))
    assert not sees_study(sato, study)
    # the consent withdrawn: a share with consent opens nothing
    server.execute("UPDATE imaging_shares SET expires_at = 9999999999999 WHERE source_id = ?",
                   (t["id"],))
    assert sees_study(sato, study)
    server.execute("UPDATE consents SET withdrawn_at = 1 WHERE patient_id = ?", (patient,))
    assert not sees_study(sato, study)


def test_emergency_transfer_refuses_bad_input_and_changes_nothing(server):
    patient, study = clinic_patient(server)
    tanaka = server.session("aoba.tanaka")
    other, other_study = clinic_patient(server)
    before = helpers.store_snapshot(server)
    cases = [
        ({"to_org_id": GH, "study_uids": [other_study], "reason": "x"}, 422,
         "imaging.study_not_attachable"),
        ({"to_org_id": GH, "study_uids": ["1.2.abc"], "reason": "x"}, 422,
         "imaging.study_not_attachable"),
        ({"to_org_id": GH, "study_uids": ["1." * 40], "reason": "x"}, 422,
         "imaging.study_not_attachable"),
        ({"to_org_id": GH, "study_uids": [study, study], "reason": "x"}, 422, None),
        ({"to_org_id": GH, "study_uids": [study]}, 422, "transfer.reason_required"),
        ({"to_org_id": GH, "study_uids": [study], "reason": "x", "note": "あ" * 501}, 422, None),
        ({"to_org_id": GH, "study_uids": [study], "reason": "x", "colour": "red"}, 422, None),
        ({"to_org_id": AOBA, "study_uids": [study], "reason": "x"}, 422,
         "transfer.target_invalid"),
        ({"to_org_id": helpers.org_id("hikari-pharmacy"), "study_uids": [], "reason": "x"}, 422,
         "transfer.target_invalid"),
        ({"to_org_id": "not-a-uuid", "study_uids": [], "reason": "x"}, 422, None),
        ({"study_uids": [study], "reason": "x"}, 422, None),
    ]
    for body, status, code in cases:
        r = tanaka.post(f"/api/patients/{patient}/transfers", json=body)
        assert r.status_code in (400, status), (body, r.status_code, r.text)
        if code:
            assert_problem(r, status, code)
    # a pharmacy may not send one
    r = server.session("ph.ito").post(f"/api/patients/{patient}/transfers",
                                      json={"to_org_id": GH, "study_uids": [], "reason": "x"})
    assert r.status_code == 404, r.text
    assert helpers.store_snapshot(server) == before
    assert other


def test_the_sweeper_closes_a_transfer_after_its_time(server):
    patient, study = clinic_patient(server)
    tanaka, sato = server.session("aoba.tanaka"), server.session("gh.sato")
    t = send_transfer(tanaka, patient, [study], reason="意識障害、同意確認できず")
    assert sees_study(sato, study)
    server.execute("UPDATE transfers SET expires_at = 1 WHERE id = ?", (t["id"],))
    helpers.wait_until(
        lambda: sato.get(f"/api/transfers/{t['id']}").json()["close_reason"] == "expired",
        20, "the sweeper to close the transfer")
    assert not sees_study(sato, study)
    rows = server.query("SELECT end_reason FROM imaging_shares WHERE source_id = ?", (t["id"],))
    assert [r["end_reason"] for r in rows] == ["expired"]
    assert helpers.audit_rows(server, "object_id = ? AND event_id = 'transfer.close'", (t["id"],))


# ---- the demo region --------------------------------------------------------------------------

def test_the_demo_has_a_referral_with_images_and_an_emergency_transfer(server):
    clinic = server.session("multi.kobayashi")
    inbox = clinic.get("/api/referrals", params={"box": "inbox", "limit": 100}).json()["items"]
    with_images = [clinic.get(f"/api/referrals/{r['id']}").json() for r in inbox
                   if r["status"] == "sent"]
    with_images = [r for r in with_images if r["letter"]["imaging"]]
    assert with_images, "a referral with images in さくらクリニック's inbox"
    ref = with_images[0]
    study = ref["letter"]["imaging"][0]
    assert study["modality"] and study["org_name"] == "みなみ総合病院"
    assert all(s["active"] for s in ref["shared_studies"])
    assert sees_study(clinic, study["study_uid"])

    er = server.session("uh.fujita")
    incoming = er.get("/api/transfers").json()["items"]
    assert incoming and incoming[0]["consent_free"] is True
    t = er.get(f"/api/transfers/{incoming[0]['id']}").json()
    assert t["summary"]["allergies"] and t["studies"]
    assert sees_study(er, t["studies"][0]["study_uid"])

    # the referral goes through its workflow; its first step writes its FHIR projection (the
    # demo made it without), and its end ends the image shares
    assert rh.step(clinic, ref["id"], "accept")["status"] == "accepted"
    for kind, rtype in (("task", "Task"), ("service_request", "ServiceRequest"),
                        ("composition", "Composition")):
        r = clinic.get(f"/fhir/{rtype}/{ref['fhir'][kind]}")
        assert r.status_code == 200, (rtype, r.text[:300])
    assert rh.step(clinic, ref["id"], "seen")["status"] == "seen"
    rh.step(clinic, ref["id"], "reply", {"reply": {"plan": "外来で経過観察します。"}})
    # closing it ends the image shares with the record share
    rh.step(clinic, ref["id"], "close", {"note": "返書送付済み"})
    full = clinic.get(f"/api/referrals/{ref['id']}").json()
    assert not any(s["active"] for s in full["shared_studies"])
