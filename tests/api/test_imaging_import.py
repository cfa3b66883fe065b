# SPDX-License-Identifier: Apache-2.0
"""The CD import (POST /api/imaging/imports, POST /api/imaging/imports/patients/{id}): a zip of a
CD with or without DICOMDIR, or of a folder, stored file by file the way STOW-RS stores; a result
per file and a summary; entries that point outside the archive (`../`, absolute paths, links,
devices) and DICOMDIR references that do are refused; a zip bomb is stopped before anything is
stored; nothing is written outside the blob store."""
import io
import os
import zipfile

import pytest

import helpers
import import_helpers as ih
from helpers import YAMADA_HANAKO, assert_problem

ORG_IMPORT = "/api/imaging/imports"
PATIENT_IMPORT = f"/api/imaging/imports/patients/{YAMADA_HANAKO}"
ZIP = {"Content-Type": "application/zip"}


def post_zip(session, path, data, **headers):
    return session.post(path, data=data, headers={**ZIP, **headers})


def by_name(result):
    return {f["name"]: f for f in result["files"]}


def files_outside_blobs(server):
    """Every file of the data directory that is not a blob or the store itself."""
    found = set()
    for root, _dirs, files in os.walk(server.data_dir):
        rel = os.path.relpath(root, server.data_dir)
        if rel.split(os.sep)[0] == "blobs":
            continue
        found |= {os.path.join(rel, f) for f in files if not f.startswith("tsunagu.db")}
    return found


def stored_uids(server):
    return {r["sop_instance_uid"] for r in server.query(
        "SELECT sop_instance_uid FROM imaging_instances")}


# ---- archives that are not read at all ----------------------------------------------------------

def test_not_a_zip_content_type_is_refused(server):
    s = server.session("gh.sato")
    before = helpers.store_snapshot(server)
    r = s.post(ORG_IMPORT, json={"zip": "no"})
    assert_problem(r, 415, "imaging.not_zip")
    assert_problem(post_zip(s, ORG_IMPORT, b""), 400, "imaging.archive_invalid")
    assert_problem(post_zip(s, ORG_IMPORT, b"PK\x03\x04 not really a zip"), 400,
                   "imaging.archive_invalid")
    assert_problem(s.post(ORG_IMPORT + "?patient=x", data=ih.zip_of([("A", b"x")]), headers=ZIP),
                   400, "request.bad_query")
    assert helpers.store_snapshot(server) == before


def test_a_zip_bomb_is_stopped_before_anything_is_stored(server):
    s = server.session("gh.sato")
    data, ds = ih.instance()
    bomb = ih.bomb(first=("IM0001", data))
    assert len(bomb) < 1024 * 1024
    before = helpers.store_snapshot(server)
    outside = files_outside_blobs(server)
    r = post_zip(s, ORG_IMPORT, bomb)
    assert_problem(r, 413, "imaging.archive_too_large")
    assert helpers.store_snapshot(server) == before
    assert ds.SOPInstanceUID not in stored_uids(server)
    assert files_outside_blobs(server) == outside


def test_too_many_entries_is_a_bomb_too(server):
    # a small archive of very many empty entries: stopped by their count before any is read
    s = server.session("gh.sato")
    entries = [(f"F{i:05d}", b"") for i in range(20001)]
    r = post_zip(s, ORG_IMPORT, ih.zip_of(entries, zipfile.ZIP_STORED))
    assert_problem(r, 413, "imaging.archive_too_large")


def test_the_body_limit_applies(start_server):
    server = start_server("--dicomweb-body-limit", "65536")
    s = server.session("gh.sato")
    cd = ih.zip_of([(f"IM{n}", d) for n, (d, _ds) in enumerate(ih.study(3))], zipfile.ZIP_STORED)
    assert len(cd) > 65536
    assert_problem(post_zip(s, ORG_IMPORT, cd), 413, "request.too_large")


# ---- entries that are refused, files that are skipped -------------------------------------------

def test_entries_pointing_outside_are_refused_and_the_rest_is_stored(server):
    s = server.session("gh.sato")
    good, ds = ih.instance()
    evil, evil_ds = ih.instance()
    archive = ih.zip_of([
        ("../EVIL.DCM", evil),
        ("/tmp/tsunagu-import-absolute.dcm", evil),
        ("C:/EVIL.DCM", evil),
        ("DIR\\..\\..\\EVIL.DCM", evil),
        ih.symlink("LINK.DCM", "/etc/passwd"),
        ih.char_device("DEVICE"),
        ("IMAGES/IM0001", good),
        ("README.TXT", "このCDには画像が入っています".encode()),
    ])
    outside = files_outside_blobs(server)
    r = post_zip(s, ORG_IMPORT, archive)
    assert r.status_code == 200, r.text
    result = r.json()
    files = by_name(result)
    # (libarchive reads a Windows '\\' as '/')
    for name in ("../EVIL.DCM", "/tmp/tsunagu-import-absolute.dcm", "C:/EVIL.DCM",
                 "DIR/../../EVIL.DCM"):
        assert files[name]["status"] == "failed" and files[name]["code"] == "imaging.entry_outside"
    assert files["LINK.DCM"]["code"] == "imaging.entry_link"
    assert files["DEVICE"]["code"] == "imaging.entry_special"
    assert files["README.TXT"] == {"name": "README.TXT", "status": "skipped",
                                   "code": "imaging.not_dicom",
                                   "reason": "DICOM ファイルではありません。"}
    assert files["IMAGES/IM0001"]["status"] == "stored"
    assert files["IMAGES/IM0001"]["sop_instance_uid"] == ds.SOPInstanceUID
    assert result["summary"] == {"stored": 1, "duplicates": 0, "failed": 6, "skipped": 1}
    assert result["dicomdir"] is False
    assert evil_ds.SOPInstanceUID not in stored_uids(server)
    assert ds.SOPInstanceUID in stored_uids(server)
    assert not os.path.exists("/tmp/tsunagu-import-absolute.dcm")
    assert not os.path.exists(os.path.join(os.path.dirname(server.data_dir), "EVIL.DCM"))
    assert files_outside_blobs(server) == outside


def test_an_encrypted_entry_is_refused_alone(server):
    s = server.session("gh.sato")
    data, ds = ih.instance()
    archive = ih.encrypted_first_entry(
        ih.zip_of([("SECRET.DCM", data), ("IM1", ih.instance()[0])], zipfile.ZIP_STORED))
    result = post_zip(s, ORG_IMPORT, archive).json()
    files = by_name(result)
    assert files["SECRET.DCM"]["code"] == "imaging.entry_encrypted"
    assert files["IM1"]["status"] == "stored"
    assert ds.SOPInstanceUID not in stored_uids(server)


def test_english_reasons(server):
    s = server.session("gh.sato")
    r = post_zip(s, ORG_IMPORT, ih.zip_of([("NOTES.TXT", b"hello")]), **{"Accept-Language": "en"})
    assert r.json()["files"][0]["reason"] == "Not a DICOM file."


# ---- storing: folders, DICOMDIR, duplicates -----------------------------------------------------

def test_a_folder_without_dicomdir_is_stored_file_by_file(server):
    s = server.session("gh.sato")
    ct = ih.study(2)
    mr = ih.study(1, "MR_small.dcm")
    # as the browser packs a dropped folder: stored (not compressed), paths under the folder
    folder = ih.zip_of([(f"CD/DATA/IM{n}", d) for n, (d, _ds) in enumerate(ct + mr)] +
                       [("CD/AUTORUN.INF", b"[autorun]\r\nopen=viewer.exe\r\n")],
                       zipfile.ZIP_STORED)
    r = post_zip(s, PATIENT_IMPORT, folder)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["summary"] == {"stored": 3, "duplicates": 0, "failed": 0, "skipped": 1}
    studies = {st["study_uid"]: st for st in result["studies"]}
    assert studies[ct[0][1].StudyInstanceUID] == {
        "study_uid": ct[0][1].StudyInstanceUID, "state": "linked", "instances": 2,
        "this_patient": True}
    assert studies[mr[0][1].StudyInstanceUID]["instances"] == 1
    assert all("warning" not in f for f in result["files"])
    listed = s.get(f"/api/patients/{YAMADA_HANAKO}/studies").json()["items"]
    assert {ct[0][1].StudyInstanceUID, mr[0][1].StudyInstanceUID} <= {
        st["study_uid"] for st in listed}


def test_the_same_cd_twice_is_all_duplicates(server):
    s = server.session("gh.sato")
    cd = ih.zip_of([(f"IM{n}", d) for n, (d, _ds) in enumerate(ih.study(2))])
    first = post_zip(s, ORG_IMPORT, cd).json()
    assert first["summary"]["stored"] == 2
    before = helpers.store_snapshot(server)
    again = post_zip(s, ORG_IMPORT, cd).json()
    assert again["summary"] == {"stored": 0, "duplicates": 2, "failed": 0, "skipped": 0}
    assert {f["status"] for f in again["files"]} == {"duplicate"}
    assert helpers.store_snapshot(server) == before


def test_a_cd_with_dicomdir_reads_the_files_it_lists(server):
    s = server.session("gh.sato")
    ct = ih.study(2)
    stray, stray_ds = ih.instance()
    cd = ih.cd_zip(ct, extra=[("VIEWER/VIEWER.EXE", b"MZ\x90\x00"), ("STRAY.DCM", stray)],
                   top="MY_CD/")
    r = post_zip(s, ORG_IMPORT, cd)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["dicomdir"] is True
    files = by_name(result)
    assert files["VIEWER/VIEWER.EXE"]["code"] == "imaging.not_in_dicomdir"
    assert files["STRAY.DCM"]["status"] == "skipped"
    assert "MY_CD/DICOMDIR" not in files
    assert result["summary"] == {"stored": 2, "duplicates": 0, "failed": 0, "skipped": 2}
    assert stray_ds.SOPInstanceUID not in stored_uids(server)
    assert {d.SOPInstanceUID for _b, d in ct} <= stored_uids(server)


def test_a_dicomdir_reference_outside_the_archive_is_refused(server):
    s = server.session("gh.sato")
    ct = ih.study(2)
    for file_id in (["..", "..", "ETC", "PASSWD"], ["", "ETC", "PASSWD"], ["A:", "X"]):
        cd = ih.dicomdir_pointing(ih.cd_zip(ct), file_id)
        result = post_zip(s, ORG_IMPORT, cd).json()
        refused = [f for f in result["files"] if f.get("from_dicomdir")]
        assert len(refused) == 1 and refused[0]["code"] == "imaging.entry_outside", result
        assert result["summary"]["failed"] == 1
        # the file the record named before is no longer listed: not read
        assert result["summary"]["stored"] + result["summary"]["duplicates"] == 1


def test_a_dicomdir_reference_to_a_missing_file(server):
    s = server.session("gh.sato")
    cd = ih.dicomdir_pointing(ih.cd_zip(ih.study(1)), ["NOWHERE", "IM9"])
    result = post_zip(s, ORG_IMPORT, cd).json()
    assert [f["code"] for f in result["files"] if f.get("from_dicomdir")] == [
        "imaging.dicomdir_missing_file"]


def test_an_unreadable_dicomdir_falls_back_to_every_file(server):
    s = server.session("gh.sato")
    data, ds = ih.instance()
    result = post_zip(s, ORG_IMPORT, ih.zip_of([("DICOMDIR", b"garbage"), ("IM1", data)])).json()
    files = by_name(result)
    assert files["DICOMDIR"]["code"] == "imaging.dicomdir_invalid"
    assert files["IM1"]["status"] == "stored"


def test_a_broken_dicom_file_fails_alone(server):
    s = server.session("gh.sato")
    good, ds = ih.instance()
    truncated = good[:len(good) // 2]
    result = post_zip(s, ORG_IMPORT, ih.zip_of([("A/IM1", good), ("A/IM2", truncated)])).json()
    files = by_name(result)
    assert files["A/IM1"]["status"] == "stored"
    assert files["A/IM2"]["status"] == "failed" and files["A/IM2"]["reason"]


# ---- linking: nothing is guessed ------------------------------------------------------------------

def test_on_the_patient_page_another_patient_id_is_not_linked_to_her(server):
    s = server.session("gh.sato")
    unknown = ih.study(1, patient_id="CD-OTHER-77", name="Suzuki^Taro")
    second = ih.study(1, patient_id=ih.GH_SECOND, name="Other^Patient")
    cd = ih.zip_of([("IM1", unknown[0][0]), ("IM2", second[0][0])])
    r = post_zip(s, PATIENT_IMPORT, cd)
    assert r.status_code == 200, r.text
    files = by_name(r.json())
    assert files["IM1"]["status"] == "stored"
    assert files["IM1"]["warning"]["code"] == "imaging.patient_mismatch_queued"
    assert files["IM1"]["warning"]["reason"] == "警告: 患者IDが一致しません → 未照合に回しました。"
    assert files["IM2"]["warning"]["code"] == "imaging.patient_mismatch_other"
    rows = {r["study_uid"]: r for r in server.query(
        "SELECT study_uid, reconciliation, patient_id FROM imaging_studies")}
    assert rows[unknown[0][1].StudyInstanceUID]["reconciliation"] == "waiting"
    assert rows[second[0][1].StudyInstanceUID]["patient_id"] != YAMADA_HANAKO
    mine = {st["study_uid"] for st in
            s.get(f"/api/patients/{YAMADA_HANAKO}/studies").json()["items"]}
    assert unknown[0][1].StudyInstanceUID not in mine


def test_on_the_organisation_page_unknown_patients_wait(server):
    s = server.session("gh.sato")
    unknown = ih.study(1, patient_id="CD-OTHER-78", name="<script>alert(1)</script>")
    result = post_zip(s, ORG_IMPORT, ih.zip_of([("IM1", unknown[0][0])])).json()
    assert result["files"][0]["warning"]["code"] == "imaging.queued"
    assert result["studies"][0]["state"] == "waiting"
    queue = s.get("/api/imaging/reconciliation").json()["items"]
    assert unknown[0][1].StudyInstanceUID in {q["study_uid"] for q in queue}


def test_the_import_is_audited(server):
    s = server.session("gh.sato")
    cd = ih.zip_of([("IM1", ih.instance()[0])])
    r = post_zip(s, PATIENT_IMPORT, cd)
    assert r.status_code == 200
    rows = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert [(a["event_id"], a["action"], a["patient_id"], a["object_type"]) for a in rows] == [
        ("imaging.store", "C", YAMADA_HANAKO, "study"),
        ("imaging_import_patient", "C", YAMADA_HANAKO, "import")]
    assert "1 stored, 0 duplicates, 0 failed, 0 skipped" in rows[1]["detail"]
    # an import that stores nothing leaves its record too
    r = post_zip(s, ORG_IMPORT, ih.zip_of([("NOTES.TXT", b"hello")]))
    rows = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert [(a["event_id"], a["patient_id"]) for a in rows] == [("imaging_import_org", None)]


def test_only_the_care_team_imports_on_the_patient_page(server):
    data, ds = ih.instance()
    s = server.session("ph.ito")  # a pharmacy without her consent
    before = helpers.store_snapshot(server)
    assert_problem(post_zip(s, PATIENT_IMPORT, ih.zip_of([("IM1", data)])), 404,
                   "patient.not_found")
    assert helpers.store_snapshot(server) == before
    office = server.session("jimukyoku")  # the network office imports no images
    assert_problem(post_zip(office, ORG_IMPORT, ih.zip_of([("IM1", data)])), 403,
                   "access.forbidden")
