# SPDX-License-Identifier: Apache-2.0
"""The demo region's images (src/imaging/demo.c): CT, MR and CR studies of demo patients at
みなみ総合病院, made from pydicom's samples by scripts/gen_demo_dicom.py and embedded in the
program; the CT patient's name (鈴木 正雄) in ISO 2022 IR 87 comes out exactly."""
import glob
import hashlib
import os
import subprocess

import pydicom

import helpers

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEMO_DIR = os.path.join(ROOT, "src", "imaging", "demo")
SUZUKI_NAME = "Suzuki^Masao=鈴木^正雄=すずき^まさお"
SUZUKI = helpers.patient_id(2)  # 鈴木 正雄, GH-000003 at minami-gh

# patient index → (modality, instances, PatientID at minami-gh)
EXPECTED = {2: ("CT", 3, "GH-000003"), 1: ("MR", 2, "GH-000002"), 3: ("CR", 2, "GH-000004")}


def studies(server):
    return server.query("SELECT * FROM imaging_studies ORDER BY study_date")


def test_demo_studies_are_linked_to_their_patients(server):
    rows = studies(server)
    assert len(rows) == 3
    gh = helpers.org_id("minami-gh")
    by_patient = {r["patient_id"]: r for r in rows}
    for index, (modality, count, local_id) in EXPECTED.items():
        row = by_patient[helpers.patient_id(index)]
        assert row["reconciliation"] == "linked" and row["link_method"] == "local_id"
        assert row["org_id"] == gh
        assert row["modalities_in_study"] == modality
        assert row["number_of_instances"] == count
        assert row["dicom_patient_id"] == local_id
        assert row["study_date"] < helpers.tokyo_today().strftime("%Y%m%d")
    # the CR study has a PA and a lateral series
    cr = by_patient[helpers.patient_id(3)]
    assert cr["number_of_series"] == 2
    # 山田 花子 has none (the archive's tests store hers)
    assert helpers.YAMADA_HANAKO not in by_patient


def test_the_japanese_name_comes_out_exactly(server):
    [ct] = [r for r in studies(server) if r["patient_id"] == SUZUKI]
    assert ct["patient_name"] == SUZUKI_NAME
    assert (ct["patient_name_alphabetic"], ct["patient_name_ideographic"],
            ct["patient_name_phonetic"]) == ("Suzuki^Masao", "鈴木^正雄", "すずき^まさお")
    assert ct["study_description"] == "胸部単純CT"


def test_the_stored_bytes_are_the_committed_files(server):
    committed = {}
    for path in glob.glob(os.path.join(DEMO_DIR, "*.dcm")):
        with open(path, "rb") as f:
            data = f.read()
        committed[hashlib.sha256(data).hexdigest()] = pydicom.dcmread(path)
    rows = server.query("SELECT sop_instance_uid, blob_key FROM imaging_instances")
    assert sorted(r["blob_key"] for r in rows) == sorted(committed)
    for r in rows:
        assert committed[r["blob_key"]].SOPInstanceUID == r["sop_instance_uid"]
    # the files carry the name in ISO 2022 IR 87, with escape sequences
    ct = next(ds for ds in committed.values() if ds.Modality == "CT")
    assert ct.SpecificCharacterSet == ["ISO 2022 IR 6", "ISO 2022 IR 87"]
    raw = ct["PatientName"].value.original_string
    jis = "鈴木".encode("iso2022_jp") + b"^" + "正雄".encode("iso2022_jp")
    assert raw.startswith(b"Suzuki^Masao=" + jis + b"=")  # ESC $ B … ESC ( B
    assert str(ct.PatientName) == SUZUKI_NAME


def test_the_demo_registers_the_hospitals_ae_titles(server):
    rows = server.query("SELECT aet, org_id FROM imaging_ae_titles ORDER BY aet")
    assert rows == [{"aet": "MINAMI-GH", "org_id": helpers.org_id("minami-gh")},
                    {"aet": "MINAMI-UH", "org_id": helpers.org_id("minami-uh")}]


def test_the_generator_reproduces_the_committed_files():
    r = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen_demo_dicom.py"),
                        "--check"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_hospital_sees_the_ct_on_the_patient_page(server):
    r = server.session("gh.sato").get(f"/api/patients/{SUZUKI}/studies")
    assert r.status_code == 200, r.text
    [study] = r.json()["items"]
    assert study["modalities"] == ["CT"] and study["description"] == "胸部単純CT"
    assert study["study_date"] == "2026-10-12" and study["number_of_instances"] == 3
    assert study["org"]["id"] == helpers.org_id("minami-gh")
    # an organisation off the patient's care team sees neither the patient nor the images
    other = server.session("rehab.kimura").get(f"/api/patients/{SUZUKI}/studies")
    assert other.status_code == 404


def test_qido_gives_the_name_in_its_three_groups(server):
    r = server.session("gh.sato").get("/dicom-web/studies",
                                      params={"PatientID": "GH-000003", "includefield": "00081030"},
                                      headers={"Accept": "application/dicom+json"})
    assert r.status_code == 200, r.text
    [study] = r.json()
    assert study["00100010"] == {"vr": "PN", "Value": [
        {"Alphabetic": "Suzuki^Masao", "Ideographic": "鈴木^正雄", "Phonetic": "すずき^まさお"}]}
    assert study["00081030"]["Value"] == ["胸部単純CT"]
