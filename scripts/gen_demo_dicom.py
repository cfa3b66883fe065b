#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Generate the demo region's DICOM studies (src/imaging/demo/*.dcm) from pydicom's sample files.

Run with Debian's interpreter, which sees python3-pydicom:

    /usr/bin/python3 scripts/gen_demo_dicom.py            # rewrite src/imaging/demo/
    /usr/bin/python3 scripts/gen_demo_dicom.py --check    # fail if the committed files differ

The output is committed: `tsunagu init --demo` embeds these files in the binary and stores them
through the imaging module (src/imaging/demo.c), on machines without pydicom.

Sources (pydicom 2.3's test data, Debian python3-pydicom):
  CT  test_files/CT_small.dcm               128x128 CT Image Storage, explicit VR LE
  MR  test_files/MR_small.dcm               64x64 MR Image Storage, explicit VR LE
  CR  test_files/dicomdirtests/77654033/CR1/6154 and CR2/6247
                                            16x16 CR Image Storage (MONOCHROME1), explicit VR LE
Each copy gets new deterministic UIDs (2.25.<uuid5 integer>), fictional patient attributes of a
demo patient (PatientID = the patient's local id at みなみ総合病院 (minami-gh), the organisation
the demo loader acts for), fixed study dates in the past, and nothing else of the original
patient or institution. The CT patient, 鈴木 正雄, is written in ISO 2022 IR 87 with the
alphabetic, ideographic and phonetic groups (PS3.5 H.3.1).
"""
import argparse
import os
import sys
import uuid

import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, '..', 'src', 'imaging', 'demo')
DATA = os.path.join(os.path.dirname(pydicom.__file__), 'data', 'test_files')
NAMESPACE = uuid.UUID('6f1d3c1e-2a57-4c1b-9d0e-5e6d656d6f31')  # fixed: tsunagu demo imaging

# The patients: demo patients 1, 2, 3 (src/demo/demo_data.c), their ids at minami-gh. (Patient
# 0, 山田 花子, is left without images: the archive's API tests store theirs for her.)
PATIENTS = {
    'GH-000002': {'name': 'Sato^Ichiro', 'sex': 'M', 'birth': '19380903', 'charset': None},
    'GH-000003': {'name': 'Suzuki^Masao=鈴木^正雄=すずき^まさお', 'sex': 'M', 'birth': '19440610',
                  'charset': ['ISO 2022 IR 6', 'ISO 2022 IR 87']},
    'GH-000004': {'name': 'Takahashi^Etsuko', 'sex': 'F', 'birth': '19400107', 'charset': None},
}

# (file name, source, patient, study key, study date/time, description, series, body part, z)
STUDIES = [
    ('ct_suzuki_1.dcm', 'CT_small.dcm', 'GH-000003', 'ct1', '20261012', '101500', '胸部単純CT',
     'Chest CT', 1, 'CHEST', 1),
    ('ct_suzuki_2.dcm', 'CT_small.dcm', 'GH-000003', 'ct1', '20261012', '101500', '胸部単純CT',
     'Chest CT', 1, 'CHEST', 2),
    ('ct_suzuki_3.dcm', 'CT_small.dcm', 'GH-000003', 'ct1', '20261012', '101500', '胸部単純CT',
     'Chest CT', 1, 'CHEST', 3),
    ('mr_sato_1.dcm', 'MR_small.dcm', 'GH-000002', 'mr1', '20260918', '143000', None,
     'MRI head', 1, 'HEAD', 1),
    ('mr_sato_2.dcm', 'MR_small.dcm', 'GH-000002', 'mr1', '20260918', '143000', None,
     'MRI head', 1, 'HEAD', 2),
    ('cr_takahashi_pa.dcm', 'dicomdirtests/77654033/CR1/6154', 'GH-000004', 'cr1', '20261105',
     '091000', None, 'Chest X-ray', 1, 'CHEST', 1),
    ('cr_takahashi_lat.dcm', 'dicomdirtests/77654033/CR2/6247', 'GH-000004', 'cr1', '20261105',
     '091000', None, 'Chest X-ray', 2, 'CHEST', 1),
]


def uid(*parts):
    return '2.25.%d' % uuid.uuid5(NAMESPACE, '/'.join(str(p) for p in parts)).int


# Attributes of the original patient, institution and staff that must not survive.
DROP = ['OtherPatientIDs', 'OtherPatientNames', 'PatientAge', 'PatientWeight', 'PatientSize',
        'PatientAddress', 'PatientTelephoneNumbers', 'MilitaryRank', 'EthnicGroup',
        'PatientComments', 'IssuerOfPatientID', 'InstitutionAddress', 'StationName',
        'InstitutionalDepartmentName', 'PerformingPhysicianName', 'OperatorsName',
        'NameOfPhysiciansReadingStudy', 'RequestingPhysician', 'PhysiciansOfRecord',
        'DeviceSerialNumber', 'RequestAttributesSequence', 'ReferencedStudySequence',
        'ReferencedPatientSequence', 'ReferencedImageSequence', 'SourceImageSequence',
        'AdmittingDiagnosesDescription', 'AdditionalPatientHistory', 'OtherStudyNumbers',
        'ProtocolName', 'ImageComments', 'RequestedProcedureDescription',
        'PerformedProcedureStepDescription', 'PerformedProcedureStepID']


def rewrite(row):
    (name, src, pid, study, date, time, desc_ja, desc_en, series_no, body, inst_no) = row
    ds = pydicom.dcmread(os.path.join(DATA, src))
    ds.remove_private_tags()
    for kw in DROP:
        if kw in ds:
            delattr(ds, kw)
    p = PATIENTS[pid]
    if p['charset']:
        ds.SpecificCharacterSet = p['charset']
    elif 'SpecificCharacterSet' in ds:
        del ds.SpecificCharacterSet
    ds.PatientName = p['name']
    ds.PatientID = pid
    ds.PatientBirthDate = p['birth']
    ds.PatientSex = p['sex']
    ds.StudyInstanceUID = uid('study', study)
    ds.SeriesInstanceUID = uid('series', study, series_no)
    ds.SOPInstanceUID = uid('instance', study, series_no, inst_no)
    ds.FrameOfReferenceUID = uid('frame', study)
    ds.StudyID = study.upper()
    ds.AccessionNumber = 'A%s%s' % (date[2:], study[-1])
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = date
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = time
    if 'AcquisitionDate' in ds:
        ds.AcquisitionDate = date
    ds.StudyDescription = desc_ja if (desc_ja and p['charset']) else desc_en
    ds.SeriesDescription = desc_en if series_no == 1 else desc_en + ' lateral'
    ds.SeriesNumber = series_no
    ds.InstanceNumber = inst_no
    ds.BodyPartExamined = body
    ds.InstitutionName = 'Minami General Hospital'
    ds.ReferringPhysicianName = 'Sato^Kenichi'
    ds.Manufacturer = 'tsunagu demo'
    if 'ImagePositionPatient' in ds:
        pos = list(ds.ImagePositionPatient)
        ds.ImagePositionPatient = [pos[0], pos[1], 5.0 * (inst_no - 1)]
        ds.SliceLocation = 5.0 * (inst_no - 1)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    meta.ImplementationVersionName = 'TSUNAGU_DEMO'
    ds.file_meta = meta
    ds.is_little_endian, ds.is_implicit_VR = True, False
    return name, ds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='compare with the committed files')
    ap.add_argument('--out', default=OUT_DIR)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    differ = []
    for row in STUDIES:
        name, ds = rewrite(row)
        path = os.path.join(args.out, name)
        tmp = path + '.tmp'
        ds.save_as(tmp, write_like_original=False)
        with open(tmp, 'rb') as f:
            data = f.read()
        if args.check:
            os.unlink(tmp)
            old = open(path, 'rb').read() if os.path.exists(path) else None
            if old != data:
                differ.append(name)
        else:
            os.replace(tmp, path)
    if differ:
        sys.exit('gen_demo_dicom.py: differs from the committed files: ' + ', '.join(differ))


if __name__ == '__main__':
    main()
