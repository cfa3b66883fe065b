# SPDX-License-Identifier: Apache-2.0
"""Zips of CDs for the import tests (test_imaging_import.py): DICOM files made from pydicom's
sample files with new UIDs and the patient ids of the demo region, with or without DICOMDIR,
and the hostile archives (links, `../`, absolute paths, devices, bombs). Everything fictional."""
import io
import os
import stat
import tempfile
import warnings
import zipfile

import pydicom
from pydicom.data import get_testdata_file
from pydicom.fileset import FileSet
from pydicom.uid import generate_uid

GH_HANAKO = "GH-000001"   # みなみ総合病院's local id of 山田 花子 (helpers.YAMADA_HANAKO)
GH_SECOND = "GH-000002"   # its local id of the demo's second patient
SAMPLES = ("CT_small.dcm", "MR_small.dcm")


def instance(sample="CT_small.dcm", patient_id=GH_HANAKO, name="Yamada^Hanako", study=None,
             series=None, number=1):
    """A Part 10 file (bytes, dataset) made from a pydicom sample with new UIDs."""
    ds = pydicom.dcmread(get_testdata_file(sample))
    ds.PatientID = patient_id
    ds.PatientName = name
    ds.StudyInstanceUID = study or generate_uid()
    ds.SeriesInstanceUID = series or generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.InstanceNumber = number
    ds.StudyDescription = "頭部CT" if sample.startswith("CT") else "頭部MRI"
    ds.SpecificCharacterSet = "ISO_IR 192"
    buf = io.BytesIO()
    ds.save_as(buf, write_like_original=False)
    return buf.getvalue(), ds


def study(count=2, sample="CT_small.dcm", patient_id=GH_HANAKO, name="Yamada^Hanako"):
    """count instances of one new study and series: [(bytes, dataset)]."""
    st, se = generate_uid(), generate_uid()
    return [instance(sample, patient_id, name, st, se, n + 1) for n in range(count)]


def zip_of(entries, compression=zipfile.ZIP_DEFLATED):
    """A zip of (name, bytes) or (ZipInfo, bytes) pairs."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def cd_zip(instances, extra=(), top=""):
    """A zip of a CD written by pydicom's FileSet: DICOMDIR and PT000000/ST000000/…, plus extra
    (name, bytes) entries; top: a folder the whole CD sits in."""
    with tempfile.TemporaryDirectory(prefix="tsunagu-cd-") as d:
        fs = FileSet()
        for _data, ds in instances:
            fs.add(ds)
        fs.write(d)
        entries = []
        for root, _dirs, files in os.walk(d):
            for f in sorted(files):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    entries.append((top + os.path.relpath(path, d), fh.read()))
    return zip_of(entries + list(extra))


def dicomdir_pointing(cd, file_id):
    """The zip cd with its DICOMDIR's first image record pointing at file_id (a list of
    components) instead."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(cd)) as z:
        for info in z.infolist():
            data = z.read(info)
            if info.filename.upper().endswith("DICOMDIR"):
                with warnings.catch_warnings():
                    # pydicom's DicomDir class, and the illegal CS values we write on purpose
                    warnings.simplefilter("ignore")
                    ds = pydicom.dcmread(io.BytesIO(data))
                    for record in ds.DirectoryRecordSequence:
                        if "ReferencedFileID" in record:
                            record.ReferencedFileID = file_id
                            break
                buf = io.BytesIO()
                ds.save_as(buf, write_like_original=True)
                data = buf.getvalue()
            entries.append((info.filename, data))
    return zip_of(entries)


def special(name, mode, data=b""):
    """A ZipInfo made on Unix with the file type bits of mode (a link, a device)."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info, data


def symlink(name, target):
    return special(name, stat.S_IFLNK | 0o777, target.encode())


def char_device(name):
    return special(name, stat.S_IFCHR | 0o644)


def bomb(first=None, size=64 * 1024 * 1024):
    """A zip whose one entry unpacks to size zero bytes (a ratio near 1000), after first."""
    entries = [first] if first else []
    return zip_of(entries + [("DATA/ZEROS.BIN", b"\0" * size)])


def encrypted_first_entry(zip_bytes):
    """The zip with its first entry marked encrypted (general purpose bit 0, APPNOTE 4.4.4), in
    its local header and its central directory record."""
    data = bytearray(zip_bytes)
    assert data[:4] == b"PK\x03\x04"
    data[6] |= 1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 1
    return bytes(data)
