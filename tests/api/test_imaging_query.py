# SPDX-License-Identifier: Apache-2.0
"""QIDO-RS and WADO-RS (docs/api/dicomweb.md): every matching rule, includefield, paging, fuzzy
kana names; every retrieval service against the stored bytes and pydicom; Accept negotiation;
one audit record per request; and a third organisation that sees nothing."""
import io
import json

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.encaps import generate_pixel_data_frame

import helpers
from dicomweb_helpers import image_size, make_instance, parse_multipart, stow, uid

NAME = "Yamada^Hanako=山田^花子=やまだ^はなこ"
DJ = {"Accept": "application/dicom+json"}


@pytest.fixture(scope="module")
def world(server):
    gh = server.session("gh.sato")
    w = {"gh": gh, "a": uid(), "b": uid(), "wait": uid(), "other_wait": uid()}
    w["a_ct"], w["a_mr"], w["b_ot"] = uid(), uid(), uid()
    w["files"] = {}
    pid = "GH-000001"  # 山田 花子's local id at minami-gh (demo)
    a = [make_instance("CT_small.dcm", w["a"], w["a_ct"], pid, NAME, accession="ACC-A1",
                       description="胸部CT", instance_number=n) for n in (1, 2)]
    a.append(make_instance("MR_small.dcm", w["a"], w["a_mr"], pid, NAME, accession="ACC-A1",
                           series_number=2))
    b = [make_instance("SC_rgb_rle_2frame.dcm", w["b"], w["b_ot"], pid, NAME, date="20240220",
                       time="153000", accession="ACC-B2", instance_number=1),
         make_instance("SC_rgb_jpeg_dcmtk.dcm", w["b"], w["b_ot"], pid, NAME, date="20240220",
                       time="153000", accession="ACC-B2", instance_number=2)]
    wait = [make_instance("MR_small.dcm", w["wait"], uid(), "GH-NOBODY-9", "Nobody^Known",
                          date="20240116")]
    for f in a + b + wait:
        ds = pydicom.dcmread(io.BytesIO(f))
        w["files"][ds.SOPInstanceUID] = (f, ds)
    stow(gh, a + b)
    stow(gh, wait)
    # a study another organisation sent that waits in its queue, with the same PatientID
    other = [make_instance("MR_small.dcm", w["other_wait"], uid(), pid, NAME, date="20240115")]
    stow(server.session("uh.fujita"), other)
    return w


def qido(session, path, **params):
    r = session.get(path, params=params, headers=DJ)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/dicom+json")
    return r.json()


def uids(results, tag="0020000D"):
    return sorted(x[tag]["Value"][0] for x in results)


# ---- QIDO-RS matching ---------------------------------------------------------------------

def test_single_value_patient_id_by_keyword_and_by_tag(world):
    gh = world["gh"]
    want = sorted([world["a"], world["b"]])
    assert uids(qido(gh, "/dicom-web/studies", PatientID="GH-000001")) == want
    assert uids(qido(gh, "/dicom-web/studies", **{"00100020": "GH-000001"})) == want


def test_a_waiting_study_shows_to_its_sender_only(world):
    gh = world["gh"]
    got = uids(qido(gh, "/dicom-web/studies", StudyDate="20240101-20241231"))
    assert world["wait"] in got and world["other_wait"] not in got


def test_date_ranges_closed_and_open(world):
    gh = world["gh"]
    q = lambda d: uids(qido(gh, "/dicom-web/studies", PatientID="GH-000001", StudyDate=d))
    assert q("20240101-20240131") == [world["a"]]
    assert q("20240201-") == [world["b"]]
    assert q("-20240131") == [world["a"]]
    assert q("20240220") == [world["b"]]
    assert q("20230101-20231231") == []


def test_time_range(world):
    gh = world["gh"]
    got = qido(gh, "/dicom-web/studies", PatientID="GH-000001", StudyTime="1000-1015")
    assert uids(got) == [world["a"]]
    assert uids(qido(gh, "/dicom-web/studies", PatientID="GH-000001", StudyTime="15-")) == [
        world["b"]]


def test_uid_list_and_value_list(world):
    gh = world["gh"]
    both = sorted([world["a"], world["b"]])
    assert uids(qido(gh, "/dicom-web/studies",
                     StudyInstanceUID=f"{world['a']},{world['b']}")) == both
    assert uids(qido(gh, "/dicom-web/studies", AccessionNumber="ACC-A1,ACC-B2")) == both


def test_wildcards_are_case_sensitive_except_for_names(world):
    gh = world["gh"]
    assert uids(qido(gh, "/dicom-web/studies", AccessionNumber="ACC-A*")) == [world["a"]]
    assert uids(qido(gh, "/dicom-web/studies", AccessionNumber="ACC-?2")) == [world["b"]]
    assert qido(gh, "/dicom-web/studies", AccessionNumber="acc-a*") == []
    # LIKE and GLOB characters in a value are literal
    assert qido(gh, "/dicom-web/studies", AccessionNumber="ACC%") == []
    assert qido(gh, "/dicom-web/studies", AccessionNumber="ACC-[AB]1") == []
    want = sorted([world["a"], world["b"]])
    assert uids(qido(gh, "/dicom-web/studies", PatientName="yamada*",
                     PatientID="GH-000001")) == want
    assert uids(qido(gh, "/dicom-web/studies", PatientName="山田*", PatientID="GH-000001")) == want


def test_fuzzy_kana_names(world):
    gh = world["gh"]
    want = sorted([world["a"], world["b"]])
    for name in ("ﾔﾏﾀﾞ", "ヤマダ", "やまだ", "ﾔﾏﾀﾞ^ﾊﾅｺ", "YAMADA", "ﾊﾅｺ"):
        got = qido(gh, "/dicom-web/studies", PatientName=name, fuzzymatching="true")
        assert uids(got) == want, name
    assert qido(gh, "/dicom-web/studies", PatientName="ﾔﾏﾀﾞ") == []
    assert qido(gh, "/dicom-web/studies", PatientName="ｻﾄｳ", fuzzymatching="true") == []


def test_default_attributes_of_a_study(world):
    [s] = qido(world["gh"], "/dicom-web/studies", StudyInstanceUID=world["a"])
    for tag in ("00080020", "00080030", "00080050", "00080061", "00080090", "00081190",
                "00100010", "00100020", "00100030", "00100040", "0020000D", "00200010",
                "00201206", "00201208"):
        assert tag in s, tag
    assert s["00201206"]["Value"] == [2] and s["00201208"]["Value"] == [3]
    assert sorted(s["00080061"]["Value"]) == ["CT", "MR"]
    assert s["00100010"]["Value"][0] == {"Alphabetic": "Yamada^Hanako", "Ideographic": "山田^花子",
                                         "Phonetic": "やまだ^はなこ"}
    assert s["00081190"]["Value"][0].endswith(f"/dicom-web/studies/{world['a']}")
    assert "00081030" not in s


def test_includefield_list_and_all(world):
    gh = world["gh"]
    [s] = qido(gh, "/dicom-web/studies", StudyInstanceUID=world["a"], includefield="00081030")
    assert s["00081030"]["Value"] == ["胸部CT"]
    [s] = qido(gh, "/dicom-web/studies", StudyInstanceUID=world["a"],
               includefield="StudyDescription,IssuerOfPatientID")
    assert "00081030" in s
    [s] = qido(gh, "/dicom-web/studies", StudyInstanceUID=world["a"], includefield="all")
    assert "00081030" in s and "00100021" in s
    # an attribute the index lacks is left out, not an error (OHIF asks for Modality here)
    [s] = qido(gh, "/dicom-web/studies", StudyInstanceUID=world["a"],
               includefield="00081030,00080060")
    assert "00081030" in s


def test_limit_and_offset(world):
    gh = world["gh"]
    r = gh.get("/dicom-web/studies", params={"PatientID": "GH-000001", "limit": 1}, headers=DJ)
    assert r.status_code == 200 and len(r.json()) == 1
    assert r.headers["Warning"].startswith("299")
    first = uids(r.json())
    second = uids(qido(gh, "/dicom-web/studies", PatientID="GH-000001", limit=1, offset=1))
    assert sorted(first + second) == sorted([world["a"], world["b"]])
    assert qido(gh, "/dicom-web/studies", PatientID="GH-000001", offset=2) == []


def test_series_and_instance_levels(world):
    gh = world["gh"]
    series = qido(gh, f"/dicom-web/studies/{world['a']}/series")
    assert uids(series, "0020000E") == sorted([world["a_ct"], world["a_mr"]])
    assert {s["00080060"]["Value"][0] for s in series} == {"CT", "MR"}
    ct = qido(gh, "/dicom-web/series", Modality="CT", PatientID="GH-000001")
    assert uids(ct, "0020000E") == [world["a_ct"]]
    assert "00100010" in ct[0]  # the study's attributes come with an all-series search
    inst = qido(gh, f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/instances")
    assert [i["00200013"]["Value"][0] for i in inst] == [1, 2]
    assert inst[0]["00280010"]["Value"] == [128]
    assert len(qido(gh, f"/dicom-web/studies/{world['a']}/instances")) == 3
    sop = inst[1]["00080018"]["Value"][0]
    assert uids(qido(gh, "/dicom-web/instances", SOPInstanceUID=sop), "00080018") == [sop]
    assert uids(qido(gh, "/dicom-web/instances", InstanceNumber="2", SeriesInstanceUID=world["a_ct"]),
                "00080018") == [sop]


@pytest.mark.parametrize("params,says", [
    ({"NoSuchKey": "1"}, "unknown query parameter"),
    ({"TimezoneOffsetFromUTC": "+0900"}, "not a supported query key"),
    ({"StudyDate": "2024-01-01"}, "StudyDate"),
    ({"StudyDate": "20240201-20240101"}, "StudyDate"),
    ({"StudyInstanceUID": "1.2.abc"}, "StudyInstanceUID"),
    ({"SOPInstanceUID": "1.2.3"}, "SOPInstanceUID"),  # an instance key at the study level
    ({"limit": "0"}, "limit"),
    ({"fuzzymatching": "yes"}, "fuzzymatching"),
    ({"includefield": "NotAnAttribute"}, "includefield"),
])
def test_bad_query_keys_are_400_with_a_reason(world, params, says):
    r = world["gh"].get("/dicom-web/studies", params=params, headers=DJ)
    helpers.assert_problem(r, 400, "request.bad_query")
    assert says in r.json()["detail"]


def test_qido_refuses_what_it_cannot_answer_406(world):
    r = world["gh"].get("/dicom-web/studies", headers={"Accept": "application/dicom+xml"})
    helpers.assert_problem(r, 406, "imaging.not_acceptable")


# ---- WADO-RS ------------------------------------------------------------------------------

MP_DICOM = 'multipart/related; type="application/dicom"; transfer-syntax=*'


def retrieve(session, path, accept=MP_DICOM, status=200):
    r = session.get(path, headers={"Accept": accept})
    assert r.status_code == status, r.text
    return r


def test_study_series_instance_retrieval_is_byte_for_byte(world):
    gh = world["gh"]
    parts = parse_multipart(retrieve(gh, f"/dicom-web/studies/{world['a']}"))
    assert len(parts) == 3
    for headers, content in parts:
        ds = pydicom.dcmread(io.BytesIO(content))
        assert content == world["files"][ds.SOPInstanceUID][0]
        assert headers["content-type"] == (
            f"application/dicom; transfer-syntax={ds.file_meta.TransferSyntaxUID}")
    parts = parse_multipart(retrieve(gh, f"/dicom-web/studies/{world['b']}/series/{world['b_ot']}",
                                     accept='multipart/related; type="application/dicom"'))
    assert len(parts) == 2
    sop = next(iter(world["files"]))
    f, ds = world["files"][sop]
    [(h, content)] = parse_multipart(retrieve(
        gh, f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}"
            f"/instances/{sop}", accept="*/*"))
    assert content == f
    # one instance may also come as a single application/dicom body
    r = retrieve(gh, f"/dicom-web/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}"
                     f"/instances/{sop}", accept="application/dicom")
    assert r.content == f and r.headers["Content-Type"].startswith("application/dicom;")


def test_retrieval_in_another_transfer_syntax_is_406(world):
    r = retrieve(world["gh"], f"/dicom-web/studies/{world['a']}", status=406,
                 accept='multipart/related; type="application/dicom"; '
                        'transfer-syntax=1.2.840.10008.1.2.4.50')
    helpers.assert_problem(r, 406, "imaging.not_acceptable")
    retrieve(world["gh"], f"/dicom-web/studies/{world['a']}", accept="application/zip",
             status=406)


def test_metadata_matches_pydicom_and_bulk_data(world):
    gh = world["gh"]
    r = gh.get(f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/metadata", headers=DJ)
    assert r.status_code == 200, r.text
    meta = r.json()
    assert len(meta) == 2
    for m in meta:
        sop = m["00080018"]["Value"][0]
        f, ds = world["files"][sop]
        want = ds.to_json_dict(bulk_data_threshold=10 ** 9)
        for tag, el in want.items():
            if el["vr"] in ("OB", "OW", "OF", "OD", "UN", "SQ"):
                continue
            assert tag in m, tag
            if el["vr"] in ("FL", "FD"):  # single precision prints shorter; same number
                assert m[tag].get("Value") == pytest.approx(el.get("Value"), rel=1e-6), tag
            else:
                assert m[tag].get("Value") == el.get("Value"), tag
        uri = m["7FE00010"]["BulkDataURI"]
        path = uri[uri.index("/dicom-web/"):]
        parts = parse_multipart(retrieve(gh, path, accept='multipart/related; '
                                                         'type="application/octet-stream"'))
        assert parts[0][1] == ds.PixelData
    assert len(gh.get(f"/dicom-web/studies/{world['a']}/metadata", headers=DJ).json()) == 3
    one = meta[0]["00080018"]["Value"][0]
    r = gh.get(f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/instances/{one}/metadata",
               headers=DJ)
    assert [x["00080018"]["Value"][0] for x in r.json()] == [one]


def _by_number(world, study, series, number):
    for sop, (f, ds) in world["files"].items():
        if ds.SeriesInstanceUID == series and ds.InstanceNumber == number:
            return sop, ds
    raise AssertionError("no such instance")


def test_frames_in_the_stored_transfer_syntax(world):
    gh = world["gh"]
    sop, ds = _by_number(world, world["b"], world["b_ot"], 1)  # RLE, 2 frames
    base = f"/dicom-web/studies/{world['b']}/series/{world['b_ot']}/instances/{sop}"
    parts = parse_multipart(retrieve(gh, f"{base}/frames/1,2",
                                     accept='multipart/related; type="application/octet-stream"; '
                                            'transfer-syntax=*'))
    frames = list(generate_pixel_data_frame(ds.PixelData, 2))
    assert [p[1] for p in parts] == frames
    assert parts[0][0]["content-type"] == ("application/octet-stream; "
                                           "transfer-syntax=1.2.840.10008.1.2.5")
    sop, ds = _by_number(world, world["a"], world["a_ct"], 1)  # native
    [(h, content)] = parse_multipart(retrieve(
        gh, f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/instances/{sop}/frames/1",
        accept='multipart/related; type="application/octet-stream"'))
    assert content == ds.PixelData
    r = gh.get(f"{base}/frames/3", headers={"Accept": "multipart/related; "
                                                       'type="application/octet-stream"'})
    helpers.assert_problem(r, 404, "imaging.frame_not_found")
    retrieve(gh, f"{base}/frames/1", status=406,
             accept='multipart/related; type="application/octet-stream"; '
                    'transfer-syntax=1.2.840.10008.1.2.1')


def test_rendered_and_thumbnail_are_images_of_the_asked_size(world):
    gh = world["gh"]
    sop, ds = _by_number(world, world["a"], world["a_ct"], 1)
    base = f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/instances/{sop}"
    r = gh.get(f"{base}/rendered", params={"viewport": "64,64", "window": "40,400,linear",
                                           "quality": "80"}, headers={"Accept": "image/jpeg"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "image/jpeg" and image_size(r.content) == (64, 64)
    r = gh.get(f"{base}/rendered", headers={"Accept": "image/png"})
    assert r.headers["Content-Type"] == "image/png" and image_size(r.content) == (128, 128)
    r = gh.get(f"{base}/thumbnail", headers={"Accept": "image/jpeg"})
    assert r.status_code == 200 and max(image_size(r.content)) <= 128
    r = gh.get(f"{base}/frames/1/rendered", params={"viewport": "32,32"},
               headers={"Accept": "image/png"})
    assert image_size(r.content) == (32, 32)
    r = gh.get(f"{base}/frames/1/thumbnail", headers={"Accept": "image/png"})
    assert r.status_code == 200 and max(image_size(r.content)) <= 128
    r = gh.get(f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/rendered",
               params={"viewport": "16,16"},
               headers={"Accept": 'multipart/related; type="image/jpeg"'})
    assert [image_size(p[1]) for p in parse_multipart(r)] == [(16, 16), (16, 16)]
    r = gh.get(f"/dicom-web/studies/{world['a']}/rendered", params={"viewport": "16,16"},
               headers={"Accept": 'multipart/related; type="image/jpeg"'})
    assert len(parse_multipart(r)) == 3
    for path in (f"/dicom-web/studies/{world['a']}/thumbnail",
                 f"/dicom-web/studies/{world['a']}/series/{world['a_mr']}/thumbnail"):
        r = gh.get(path, headers={"Accept": "image/jpeg"})
        assert r.status_code == 200 and max(image_size(r.content)) <= 128
    r = gh.get(f"{base}/rendered", headers={"Accept": "image/gif"})
    helpers.assert_problem(r, 406, "imaging.not_acceptable")
    r = gh.get(f"{base}/rendered", params={"window": "40,0"}, headers={"Accept": "image/jpeg"})
    helpers.assert_problem(r, 400, "request.bad_query")


# ---- audit and access -----------------------------------------------------------------------

def test_one_audit_record_per_patient_per_request(server, world):
    gh = world["gh"]
    for path in (f"/dicom-web/studies/{world['a']}", f"/dicom-web/studies/{world['a']}/metadata"):
        r = gh.get(path, headers={"Accept": "*/*"})
        assert r.status_code == 200
        rows = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
        assert len(rows) == 1, rows
        assert rows[0]["patient_id"] == helpers.YAMADA_HANAKO
        assert rows[0]["object_id"] == world["a"]
    r = gh.get("/dicom-web/instances", params={"PatientID": "GH-000001"}, headers=DJ)
    assert len(r.json()) == 5
    rows = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert [row["patient_id"] for row in rows] == [helpers.YAMADA_HANAKO]


def test_a_third_organisation_sees_nothing(server, world):
    outsider = next(o for o in ("minami-uh", "minami-rehab", "minami-ltc")
                    if helpers.YAMADA_HANAKO not in helpers.visible_patient_ids(server,
                                                                                helpers.org_id(o)))
    login = {"minami-uh": "uh.fujita", "minami-rehab": "rehab.kimura",
             "minami-ltc": "ltc.shimizu"}[outsider]
    s = server.session(login)
    got = qido(s, "/dicom-web/studies", PatientID="GH-000001")
    assert world["a"] not in uids(got) and world["b"] not in uids(got)
    assert qido(s, "/dicom-web/series", StudyInstanceUID=world["a"]) == []
    assert qido(s, "/dicom-web/instances", StudyInstanceUID=world["a"]) == []
    for path in (f"/dicom-web/studies/{world['a']}", f"/dicom-web/studies/{world['a']}/metadata",
                 f"/dicom-web/studies/{world['a']}/series",
                 f"/dicom-web/studies/{world['a']}/series/{world['a_ct']}/thumbnail"):
        r = s.get(path, headers={"Accept": "*/*"})
        helpers.assert_problem(r, 404, "imaging.study_not_found")
    # nor a waiting study of another organisation
    assert qido(s, "/dicom-web/studies", StudyInstanceUID=world["wait"]) == []
    r = s.get(f"/dicom-web/studies/{world['wait']}", headers={"Accept": "*/*"})
    helpers.assert_problem(r, 404, "imaging.study_not_found")
