# SPDX-License-Identifier: Apache-2.0
"""DICOM files and STOW-RS requests for the API tests: instances made from pydicom's sample
files with new UIDs (and whatever patient attributes a test needs), multipart/related bodies, and
readers of the PS3.18 Store Instances Response in DICOM JSON."""
import io
import uuid

import pydicom
from pydicom.data import get_charset_files, get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset

# tags of the Store Instances Response (PS3.18 §10.5.3)
RETRIEVE_URL = "00081190"
FAILED_SOP_SEQUENCE = "00081198"
REFERENCED_SOP_SEQUENCE = "00081199"
REFERENCED_SOP_INSTANCE_UID = "00081155"
WARNING_REASON = "00081196"
FAILURE_REASON = "00081197"
REASON_TEXT = "00091001"  # tsunagu's private element: the reason in words

STATUS_DUPLICATE = 0x0111
STATUS_MISMATCH = 0xA900
STATUS_CANNOT_UNDERSTAND = 0xC000
STATUS_NOT_LINKED = 0xB000


def new_uid():
    """A fresh UID under the UUID-derived root 2.25 (PS3.5 §B.2)."""
    return f"2.25.{uuid.uuid4().int}"


def dataset(sample="CT_small.dcm", study=None, series=None, sop=None, **attrs):
    """A pydicom Dataset of a sample file (test_files, or charset_files when its name starts with
    "chr") with new UIDs (or the given ones) and attrs set (keyword=value; None deletes)."""
    path = get_charset_files(sample)[0] if sample.startswith("chr") else get_testdata_file(sample)
    ds = pydicom.dcmread(path)
    ds.StudyInstanceUID = study or new_uid()
    ds.SeriesInstanceUID = series or new_uid()
    ds.SOPInstanceUID = sop or new_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    for keyword, value in attrs.items():
        if value is None:
            if keyword in ds:
                delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    return ds


def to_bytes(ds):
    buf = io.BytesIO()
    ds.save_as(buf, write_like_original=False)
    return buf.getvalue()


def instance(sample="CT_small.dcm", **kwargs):
    """The Part 10 bytes of dataset(sample, **kwargs)."""
    return to_bytes(dataset(sample, **kwargs))


def bare_part10(extra=b"", **attrs):
    """A minimal Part 10 file (explicit VR little endian, no pixel data) with new UIDs and attrs,
    followed by the raw bytes extra (appended to its data set)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = attrs.get("SOPInstanceUID") or new_uid()
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientID = "BARE-1"
    ds.StudyInstanceUID = new_uid()
    ds.SeriesInstanceUID = new_uid()
    for keyword, value in attrs.items():
        setattr(ds, keyword, value)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    buf = io.BytesIO()
    pydicom.dcmwrite(buf, ds, write_like_original=False)
    return buf.getvalue() + extra


def deep_sequence(depth):
    """Raw explicit-VR-LE bytes of (0040,A730) sequences nested depth deep, undefined lengths,
    each closed (PS3.5 §7.5)."""
    open_sq = b"\x40\x00\x30\xa7SQ\x00\x00\xff\xff\xff\xff"
    open_item = b"\xfe\xff\x00\xe0\xff\xff\xff\xff"
    close_item = b"\xfe\xff\x0d\xe0\x00\x00\x00\x00"
    close_sq = b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    return (open_sq + open_item) * depth + (close_item + close_sq) * depth


def lying_length(length=0xFFFFFFF0):
    """Raw bytes of an element (0040,A160) UT whose length field says length."""
    return b"\x40\x00\x60\xa1UT\x00\x00" + length.to_bytes(4, "little") + b"short"


def multipart(parts, boundary=None):
    """(body, Content-Type) of a multipart/related; type="application/dicom" request; a part is
    bytes (sent as application/dicom) or (content type or None, bytes)."""
    boundary = boundary or f"tsunagu-{uuid.uuid4().hex}"
    out = io.BytesIO()
    for part in parts:
        ctype, data = part if isinstance(part, tuple) else ("application/dicom", part)
        out.write(f"--{boundary}\r\n".encode())
        if ctype:
            out.write(f"Content-Type: {ctype}\r\n".encode())
        out.write(b"\r\n" + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f'multipart/related; type="application/dicom"; boundary={boundary}'


def stow(session, parts, study=None, content_type=None):
    """POST /dicom-web/studies[/{study}] with parts; returns the response."""
    body, ctype = multipart(parts)
    path = "/dicom-web/studies" + (f"/{study}" if study else "")
    return session.post(path, data=body, headers={
        "Content-Type": content_type or ctype, "Accept": "application/dicom+json"})


def referenced(body):
    return body.get(REFERENCED_SOP_SEQUENCE, {}).get("Value", [])


def failed(body):
    return body.get(FAILED_SOP_SEQUENCE, {}).get("Value", [])


def sop_uid(item):
    return item.get(REFERENCED_SOP_INSTANCE_UID, {}).get("Value", [None])[0]


def value(item, tag):
    return item.get(tag, {}).get("Value", [None])[0]
