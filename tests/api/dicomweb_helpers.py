# SPDX-License-Identifier: Apache-2.0
"""DICOMweb test helpers: fictional instances made from pydicom's sample files with new UIDs,
STOW-RS, and a strict reader of multipart/related answers."""
import io
import re
import struct

import pydicom
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

ROOT = "1.2.826.0.1.3680043.10.1414."  # fictional test UIDs


def uid():
    return generate_uid(prefix=ROOT)


def make_instance(sample, study, series, patient_id, name, date="20240115", time="101500",
                  accession="", description="", series_number=1, instance_number=1):
    """Part 10 bytes of a pydicom sample file with the given study/series, a new SOP instance
    UID and the given patient (UTF-8: ISO_IR 192)."""
    ds = pydicom.dcmread(get_testdata_file(sample))
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.SOPInstanceUID = uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.PatientID, ds.PatientName = patient_id, name
    if "IssuerOfPatientID" in ds:
        del ds.IssuerOfPatientID
    ds.StudyDate, ds.StudyTime = date, time
    ds.AccessionNumber, ds.StudyDescription = accession, description
    ds.SeriesNumber, ds.InstanceNumber = series_number, instance_number
    ds.ReferringPhysicianName = "Sato^Kenichi"
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def stow(session, files):
    boundary = "teststowboundary0123456789"
    body = b"".join(b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n"
                    + f + b"\r\n" for f in files) + b"--" + boundary.encode() + b"--\r\n"
    ctype = f'multipart/related; type="application/dicom"; boundary={boundary}'
    r = session.post("/dicom-web/studies", data=body, headers={"Content-Type": ctype,
                                                                "Accept": "application/dicom+json"})
    assert r.status_code in (200, 202), r.text  # 202: stored, with warnings (e.g. waiting)
    return r


def parse_multipart(r):
    """The parts of a multipart/related answer: [(headers dict (lower-case names), bytes)].
    Checks the framing strictly (RFC 2046 §5.1.1)."""
    ctype = r.headers["Content-Type"]
    assert ctype.startswith("multipart/related"), ctype
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    assert m, ctype
    delim = b"--" + m.group(1).encode()
    body = r.content
    assert body.startswith(delim + b"\r\n"), body[:80]
    assert body.endswith(delim + b"--\r\n"), body[-80:]
    chunks = body[len(delim) + 2:-(len(delim) + 4)].split(b"\r\n" + delim + b"\r\n")
    parts = []
    assert chunks[-1].endswith(b"\r\n")
    chunks[-1] = chunks[-1][:-2]  # the CRLF of the close delimiter
    for chunk in chunks:
        head, _, content = chunk.partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode().split("\r\n"):
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        parts.append((headers, content))
    return parts


def image_size(data):
    """(width, height) of a JPEG (its SOF marker) or PNG (IHDR)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    assert data[:2] == b"\xff\xd8", data[:4]
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise AssertionError("no SOF in JPEG")
