# SPDX-License-Identifier: Apache-2.0
"""The DICOM archive's store (issue 14): STOW-RS (POST /dicom-web/studies), idempotency and
conflicts, bad parts among good ones, linking to the regional patient through the sender's
local id, the reconciliation queue (assign, reject) and the patient's list of studies, and who
sees what (the sending organisation; the patient's team with consent; nobody else, not even a
count). Instances are pydicom's sample files with new UIDs (dicom_helpers)."""
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import dicom_helpers as dh
import helpers
import referral_helpers as rh
from helpers import assert_problem

GH = helpers.org_id("minami-gh")


def new_local_id():
    return f"IMG-{uuid.uuid4().hex[:10]}"


def ok_stow(session, parts, status=200, study=None):
    r = dh.stow(session, parts, study=study)
    assert r.status_code == status, f"{r.status_code} {r.text[:800]}"
    assert r.headers["Content-Type"].startswith("application/dicom+json")
    return r.json()


def study_row(server, uid):
    rows = server.query("SELECT * FROM imaging_studies WHERE study_uid = ?", (uid,))
    return rows[0] if rows else None


def count(server, table, where="1", params=()):
    return server.query(f"SELECT count(*) AS n FROM {table} WHERE {where}", params)[0]["n"]


def blob_files(server):
    root = os.path.join(server.data_dir, "blobs")
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files)


def queue(session, state="waiting"):
    return helpers.fetch_all(session, "/api/imaging/reconciliation", {"state": state})


# ---- STOW-RS ----------------------------------------------------------------------------------

def test_stow_stores_links_and_answers_the_ps318_response(server):
    local = new_local_id()
    patient = rh.new_patient(server, local)
    sato = server.session("gh.sato")
    study = dh.new_uid()
    files = [dh.instance("CT_small.dcm", study=study, PatientID=local),
             dh.instance("MR_small.dcm", study=study, PatientID=local)]
    body = ok_stow(sato, files)
    assert len(dh.referenced(body)) == 2 and not dh.failed(body)
    assert dh.value(body, dh.RETRIEVE_URL).endswith(f"/dicom-web/studies/{study}")
    for item in dh.referenced(body):
        assert f"/dicom-web/studies/{study}/series/" in dh.value(item, dh.RETRIEVE_URL)
        assert dh.WARNING_REASON not in item
    row = study_row(server, study)
    assert row["reconciliation"] == "linked" and row["patient_id"] == patient
    assert row["link_method"] == "local_id" and row["org_id"] == GH
    assert row["number_of_series"] == 2 and row["number_of_instances"] == 2
    assert row["modalities_in_study"] == "CT\\MR"
    # the bytes are kept as sent, in the blob store
    inst = server.query("SELECT * FROM imaging_instances WHERE study_uid = ? ORDER BY size_bytes",
                        (study,))
    assert sorted(len(f) for f in files) == [i["size_bytes"] for i in inst]
    for i in inst:
        blob = f"{server.data_dir}/blobs/{i['blob_key'][:2]}/{i['blob_key']}"
        with open(blob, "rb") as f:
            assert f.read() in files
    # on the patient page, with its audit record
    studies = sato.get(f"/api/patients/{patient}/studies").json()["items"]
    assert [s["study_uid"] for s in studies] == [study]
    assert studies[0]["modalities"] == ["CT", "MR"] and studies[0]["number_of_instances"] == 2
    assert studies[0]["org"]["id"] == GH
    assert helpers.audit_rows(server, "event_id = 'imaging.store' AND object_id = ?", (study,))


SAMPLES = ["CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm",
           "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm", "JPEG-lossy.dcm",
           "image_dfl.dcm", "SC_rgb_rle_2frame.dcm"]


def test_every_transfer_syntax_is_stored_as_sent(server):
    sato = server.session("gh.sato")
    pid = new_local_id()
    files = {name: dh.dataset(name, PatientID=pid) for name in SAMPLES}
    body = ok_stow(sato, [dh.to_bytes(ds) for ds in files.values()], status=202)
    assert len(dh.referenced(body)) == len(SAMPLES), dh.failed(body)
    for name, ds in files.items():
        row = server.query("SELECT * FROM imaging_instances WHERE sop_instance_uid = ?",
                           (ds.SOPInstanceUID,))[0]
        assert row["transfer_syntax_uid"] == ds.file_meta.TransferSyntaxUID, name
        assert (row["pixel_rows"], row["pixel_columns"]) == (ds.Rows, ds.Columns), name
        assert row["number_of_frames"] == int(getattr(ds, "NumberOfFrames", 1)), name


def test_same_instance_again_is_idempotent_and_other_content_is_refused(server):
    sato = server.session("gh.sato")
    ds = dh.dataset("CT_small.dcm", PatientID=new_local_id())
    first = dh.to_bytes(ds)
    ok_stow(sato, [first], status=202)  # stored, its study waiting for a patient
    before = helpers.store_snapshot(server)
    again = ok_stow(sato, [first], status=200)
    assert [dh.sop_uid(i) for i in dh.referenced(again)] == [ds.SOPInstanceUID]
    assert "already stored" in dh.value(dh.referenced(again)[0], dh.REASON_TEXT)
    assert helpers.store_snapshot(server) == before
    ds.StudyDescription = "内容を変えた再送"
    blobs = blob_files(server)
    refused = ok_stow(sato, [dh.to_bytes(ds)], status=409)
    assert blob_files(server) == blobs  # the refused bytes are not kept
    item = dh.failed(refused)[0]
    assert dh.sop_uid(item) == ds.SOPInstanceUID
    assert dh.value(item, dh.FAILURE_REASON) == dh.STATUS_DUPLICATE
    assert "different content" in dh.value(item, dh.REASON_TEXT)
    assert helpers.store_snapshot(server) == before


def test_the_same_study_sent_at_once_by_several_clients_is_stored_once(server):
    ds = dh.dataset(PatientID="SAME-TIME-1")
    files = [dh.to_bytes(ds)] + [dh.instance("MR_small.dcm", study=ds.StudyInstanceUID,
                                             PatientID="SAME-TIME-1") for _ in range(3)]
    sessions = [helpers.login(server, "gh.sato") for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda s: dh.stow(s, files), sessions))
    for r in answers:  # stored (202: its study waits for a patient), or stored before (200)
        assert r.status_code in (200, 202), r.text[:500]
        assert len(dh.referenced(r.json())) == 4 and not dh.failed(r.json())
    assert 202 in [r.status_code for r in answers]
    assert count(server, "imaging_instances", "study_uid = ?", (ds.StudyInstanceUID,)) == 4
    row = study_row(server, ds.StudyInstanceUID)
    assert row["number_of_instances"] == 4 and row["number_of_series"] == 4


def test_a_bad_part_fails_alone(server):
    sato = server.session("gh.sato")
    pid = new_local_id()
    good = [dh.instance("CT_small.dcm", PatientID=pid), dh.instance("MR_small.dcm", PatientID=pid)]
    whole = dh.instance("CT_small.dcm", PatientID=pid)
    bad = {
        "not dicom": b"%PDF-1.4 this is not a DICOM file at all",
        "text part": ("text/plain", b"hello"),
        "truncated": whole[:len(whole) // 2],
        "lying length": dh.bare_part10(dh.lying_length(0xFFFFFFF0)),
        "deep nesting": dh.bare_part10(dh.deep_sequence(10000)),
        "illegal uid": dh.instance("CT_small.dcm", PatientID=pid, sop="1.2.3.abc<script>"),
        "no study uid": dh.instance("CT_small.dcm", PatientID=pid, StudyInstanceUID=None),
    }
    before = count(server, "imaging_instances")
    body = ok_stow(sato, [good[0], *bad.values(), good[1]], status=202)
    assert len(dh.referenced(body)) == 2
    failures = dh.failed(body)
    assert len(failures) == len(bad)
    for item in failures:
        assert dh.value(item, dh.FAILURE_REASON) == dh.STATUS_CANNOT_UNDERSTAND, item
        assert dh.value(item, dh.REASON_TEXT), item
    assert count(server, "imaging_instances") == before + 2
    texts = [dh.value(i, dh.REASON_TEXT) for i in failures]
    assert any("offset" in t for t in texts)  # the parser says where


def test_nothing_stored_when_every_part_fails(server):
    sato = server.session("gh.sato")
    before = helpers.store_snapshot(server)
    body = ok_stow(sato, [b"junk", dh.bare_part10(dh.deep_sequence(10000))], status=409)
    assert len(dh.failed(body)) == 2 and not dh.referenced(body)
    assert helpers.store_snapshot(server) == before


def test_a_script_in_the_patient_name_is_kept_as_text(server):
    sato = server.session("gh.sato")
    name = "<script>alert(1)</script>^Taro"
    ds = dh.dataset("CT_small.dcm", PatientID=new_local_id(), PatientName=name)
    ok_stow(sato, [dh.to_bytes(ds)], status=202)
    waiting = [q for q in queue(sato) if q["study_uid"] == ds.StudyInstanceUID]
    assert waiting[0]["dicom_patient"]["name"] == name
    assert study_row(server, ds.StudyInstanceUID)["patient_name"] == name


@pytest.mark.parametrize("sample,alphabetic", [("chrH31.dcm", "Yamada^Tarou"),
                                                ("chrH32.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ")])
def test_japanese_names_in_iso_2022_ir_87_are_indexed_as_utf8(server, sample, alphabetic):
    sato = server.session("gh.sato")
    ds = dh.dataset(sample, PatientID=new_local_id())
    ok_stow(sato, [dh.to_bytes(ds)], status=202)
    entry = next(q for q in queue(sato) if q["study_uid"] == ds.StudyInstanceUID)
    patient = entry["dicom_patient"]
    assert patient["name"] == f"{alphabetic}=山田^太郎=やまだ^たろう"
    assert (patient["name_alphabetic"], patient["name_ideographic"], patient["name_phonetic"]) == (
        alphabetic, "山田^太郎", "やまだ^たろう")
    row = study_row(server, ds.StudyInstanceUID)
    # the matching keys fold width and kana: ﾔﾏﾀﾞ and やまだ meet
    assert row["patient_name_key_phonetic"].startswith("ヤマダ^")
    if alphabetic.startswith("ﾔ"):
        assert row["patient_name_key_alphabetic"] == row["patient_name_key_phonetic"]


def test_stow_into_one_study_refuses_instances_of_another(server):
    sato = server.session("gh.sato")
    study = dh.new_uid()
    pid = new_local_id()
    body = ok_stow(sato, [dh.instance(study=study, PatientID=pid),
                          dh.instance(PatientID=pid)], status=202, study=study)
    assert len(dh.referenced(body)) == 1
    assert dh.value(dh.failed(body)[0], dh.FAILURE_REASON) == dh.STATUS_MISMATCH
    r = dh.stow(sato, [dh.instance()], study="1.2.bad")
    assert_problem(r, 400, "imaging.uid_invalid")


def test_an_instance_must_match_its_study(server):
    sato = server.session("gh.sato")
    study = dh.new_uid()
    ok_stow(sato, [dh.instance(study=study, PatientID="A-" + new_local_id())], status=202)
    blobs = blob_files(server)
    body = ok_stow(sato, [dh.instance(study=study, PatientID="B-" + new_local_id())], status=409)
    assert blob_files(server) == blobs  # nothing of a refused instance is kept
    item = dh.failed(body)[0]
    assert dh.value(item, dh.FAILURE_REASON) == dh.STATUS_MISMATCH
    assert "PatientID" in dh.value(item, dh.REASON_TEXT)
    # a study another organisation sent cannot be added to
    other = ok_stow(server.session("uh.fujita"),
                    [dh.instance(study=study, PatientID="A-x")], status=409)
    assert dh.failed(other)


@pytest.mark.parametrize("content_type", [
    "application/dicom", "application/json", 'multipart/related; type="application/dicom+json"; '
    "boundary=x", "multipart/form-data; boundary=x", None])
def test_stow_wants_multipart_related_dicom(server, content_type):
    sato = server.session("gh.sato")
    body, _ = dh.multipart([dh.instance()])
    headers = {"Content-Type": content_type} if content_type else {}
    before = helpers.store_snapshot(server)
    r = sato.post("/dicom-web/studies", data=body, headers=headers)
    assert_problem(r, 415, "imaging.not_multipart")
    assert helpers.store_snapshot(server) == before


def test_malformed_multipart_is_a_400(server):
    sato = server.session("gh.sato")
    ctype = 'multipart/related; type="application/dicom"; boundary=abc'
    for body in (b"", b"--abc\r\nContent-Type: application/dicom\r\n\r\nno end",
                 b"--abc--\r\n"):
        r = sato.post("/dicom-web/studies", data=body, headers={"Content-Type": ctype})
        assert_problem(r, 400, "request.bad_multipart")


def test_body_limit_of_dicomweb(start_server):
    server = start_server("--dicomweb-body-limit", "200000")
    sato = server.session("gh.sato")
    before = count(server, "imaging_instances")  # the demo's studies
    small = ok_stow(sato, [dh.instance(PatientID=new_local_id())], status=202)
    assert dh.referenced(small)
    big = [dh.instance(PatientID=new_local_id()) for _ in range(6)]  # ~240 kB
    r = dh.stow(sato, big)
    assert_problem(r, 413, "request.too_large")
    assert count(server, "imaging_instances") == before + 1


def test_api_token_and_unknown_paths(server):
    admin = server.session("gh.admin")
    token = admin.post("/api/tokens", json={"name": "modality",
                                            "user_id": helpers.user_id("gh.sato")}).json()["token"]
    api = helpers.bearer(server, token)
    body = ok_stow(api, [dh.instance(PatientID=new_local_id())], status=202)
    assert dh.referenced(body)
    assert server.anon().post("/dicom-web/studies", data=b"x").status_code == 401
    assert_problem(server.session("gh.sato").get("/dicom-web/no-such-thing"), 404)
    # a browser session needs its CSRF token for STOW as for any write
    s = helpers.login(server, "gh.sato")
    del s.headers["X-CSRF-Token"]
    assert_problem(dh.stow(s, [dh.instance()]), 403, "auth.csrf")


# ---- linking and reconciliation -----------------------------------------------------------------

def test_waiting_study_assigned_then_later_studies_link_by_themselves(server):
    sato = server.session("gh.sato")
    local = new_local_id()
    patient = rh.new_patient(server, new_local_id())  # registered under another local id
    first = dh.dataset(PatientID=local, IssuerOfPatientID="MINAMI-GH")
    body = ok_stow(sato, [dh.to_bytes(first)], status=202)
    item = dh.referenced(body)[0]
    assert dh.value(item, dh.WARNING_REASON) == dh.STATUS_NOT_LINKED
    assert "reconciliation" in dh.value(item, dh.REASON_TEXT)
    entry = next(q for q in queue(sato) if q["study_uid"] == first.StudyInstanceUID)
    assert entry["dicom_patient"]["patient_id"] == local
    assert entry["dicom_patient"]["issuer"] == "MINAMI-GH"
    assert entry["modalities"] == ["CT"] and entry["number_of_instances"] == 1
    assert sato.get(f"/api/patients/{patient}/studies").json()["items"] == []

    r = sato.post(f"/api/imaging/studies/{first.StudyInstanceUID}/assign",
                  json={"patient_id": patient})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "linked"
    assert first.StudyInstanceUID not in [q["study_uid"] for q in queue(sato)]
    row = study_row(server, first.StudyInstanceUID)
    assert row["patient_id"] == patient and row["link_method"] == "assigned"
    assert row["resolved_by"] == helpers.user_id("gh.sato")
    locals_ = sato.get(f"/api/patients/{patient}").json()["local_ids"]
    assert f"{local}^^^MINAMI-GH" in [l["local_id"] for l in locals_]
    assert helpers.audit_rows(server, "event_id = 'imaging.assign' AND object_id = ?",
                              (first.StudyInstanceUID,))
    # assigned once: not again
    again = sato.post(f"/api/imaging/studies/{first.StudyInstanceUID}/assign",
                      json={"patient_id": patient})
    assert_problem(again, 409, "imaging.not_waiting")
    # the next study of that patient links by itself
    later = dh.dataset("MR_small.dcm", PatientID=local, IssuerOfPatientID="MINAMI-GH")
    ok_stow(sato, [dh.to_bytes(later)], status=200)
    assert study_row(server, later.StudyInstanceUID)["patient_id"] == patient
    listed = sato.get(f"/api/patients/{patient}/studies").json()["items"]
    assert {s["study_uid"] for s in listed} == {first.StudyInstanceUID, later.StudyInstanceUID}
    # the same PatientID without the issuer is not the same local id: it waits
    other = dh.dataset(PatientID=local)
    ok_stow(sato, [dh.to_bytes(other)], status=202)
    assert study_row(server, other.StudyInstanceUID)["reconciliation"] == "waiting"


def test_assigning_one_study_links_the_others_of_the_same_patient_id(server):
    sato = server.session("gh.sato")
    local = new_local_id()
    patient = rh.new_patient(server, new_local_id())
    waiting = [dh.dataset(name, PatientID=local) for name in ("CT_small.dcm", "MR_small.dcm")]
    other = dh.dataset(PatientID=new_local_id())
    for ds in (*waiting, other):
        ok_stow(sato, [dh.to_bytes(ds)], status=202)
    r = sato.post(f"/api/imaging/studies/{waiting[0].StudyInstanceUID}/assign",
                  json={"patient_id": patient})
    assert r.status_code == 200, r.text
    for ds in waiting:
        assert study_row(server, ds.StudyInstanceUID)["patient_id"] == patient
    assert study_row(server, other.StudyInstanceUID)["reconciliation"] == "waiting"
    assert len(helpers.audit_rows(server, "event_id = 'imaging.assign' AND patient_id = ?",
                                  (patient,))) == 2


def test_assign_needs_a_patient_the_organisation_may_link(server):
    sato = server.session("gh.sato")
    ds = dh.dataset(PatientID=new_local_id())
    ok_stow(sato, [dh.to_bytes(ds)], status=202)
    stranger = rh.new_patient(server, new_local_id(), registrar="vns.suzuki")
    before = helpers.store_snapshot(server)
    for patient in (stranger, str(uuid.UUID(int=5))):
        r = sato.post(f"/api/imaging/studies/{ds.StudyInstanceUID}/assign",
                      json={"patient_id": patient})
        assert_problem(r, 404, "patient.not_found")
    assert helpers.store_snapshot(server) == before


def test_reject_keeps_the_study_hidden_and_refuses_more_of_it(server):
    sato = server.session("gh.sato")
    ds = dh.dataset(PatientID=new_local_id())
    ok_stow(sato, [dh.to_bytes(ds)], status=202)
    path = f"/api/imaging/studies/{ds.StudyInstanceUID}/reject"
    assert_problem(sato.post(path, json={}), 400, "request.field_missing")
    r = sato.post(path, json={"reason": "他院の患者の画像が混入したため"})
    assert r.status_code == 200, r.text
    assert ds.StudyInstanceUID not in [q["study_uid"] for q in queue(sato)]
    rejected = [q for q in queue(sato, "rejected") if q["study_uid"] == ds.StudyInstanceUID]
    assert rejected[0]["reject_reason"] == "他院の患者の画像が混入したため"
    assert rejected[0]["resolved_by"]["id"] == helpers.user_id("gh.sato")
    assert_problem(sato.post(path, json={"reason": "again"}), 404, "imaging.study_not_found")
    more = dh.instance("MR_small.dcm", study=ds.StudyInstanceUID, PatientID=ds.PatientID)
    body = ok_stow(sato, [more], status=409)
    assert "rejected" in dh.value(dh.failed(body)[0], dh.REASON_TEXT)
    assert helpers.audit_rows(server, "event_id = 'imaging.reject' AND object_id = ?",
                              (ds.StudyInstanceUID,))


def test_queue_query_is_checked(server):
    sato = server.session("gh.sato")
    assert_problem(sato.get("/api/imaging/reconciliation", params={"state": "linked"}), 400,
                   "request.bad_query")
    assert_problem(sato.get("/api/imaging/reconciliation", params={"x": "1"}), 400,
                   "request.bad_query")
    assert_problem(server.session("jimukyoku").get("/api/imaging/reconciliation"), 403)


# ---- who sees what ------------------------------------------------------------------------------

def test_other_organisations_see_nothing_not_even_a_count(server):
    sato = server.session("gh.sato")
    local = new_local_id()
    patient = rh.new_patient(server, local)  # gh's patient, consent naming gh only
    linked = dh.dataset(PatientID=local)
    waiting = dh.dataset(PatientID=new_local_id())
    ok_stow(sato, [dh.to_bytes(linked)])
    ok_stow(sato, [dh.to_bytes(waiting)], status=202)
    suzuki = server.session("vns.suzuki")
    assert_problem(suzuki.get(f"/api/patients/{patient}/studies"), 404, "patient.not_found")
    their_queue = [q["study_uid"] for q in queue(suzuki)]
    assert waiting.StudyInstanceUID not in their_queue
    assert linked.StudyInstanceUID not in their_queue
    for uid in (waiting.StudyInstanceUID, linked.StudyInstanceUID):
        for action, body in (("assign", {"patient_id": patient}), ("reject", {"reason": "x"})):
            r = suzuki.post(f"/api/imaging/studies/{uid}/{action}", json=body)
            assert_problem(r, 404, "imaging.study_not_found")
    assert study_row(server, waiting.StudyInstanceUID)["reconciliation"] == "waiting"


def test_a_consent_naming_another_organisation_shows_it_the_studies(server):
    local = new_local_id()
    patient = rh.new_patient(server, local, share_with=[helpers.org_id("minami-uh")])
    sato = server.session("gh.sato")
    ds = dh.dataset(PatientID=local)
    ok_stow(sato, [dh.to_bytes(ds)])
    # consent alone is not enough: みなみ大学 is not on the care team
    fujita = server.session("uh.fujita")
    assert fujita.get(f"/api/patients/{patient}/studies").status_code == 404
    r = sato.post(f"/api/patients/{patient}/team", json={"org_id": helpers.org_id("minami-uh")})
    assert r.status_code == 201, r.text
    listed = fujita.get(f"/api/patients/{patient}/studies").json()["items"]
    assert [s["study_uid"] for s in listed] == [ds.StudyInstanceUID]
    # it reads, it does not reconcile another's study
    r = fujita.post(f"/api/imaging/studies/{ds.StudyInstanceUID}/reject", json={"reason": "x"})
    assert_problem(r, 404, "imaging.study_not_found")
