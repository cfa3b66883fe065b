-- SPDX-License-Identifier: Apache-2.0
-- The DICOM archive (issue 14): the index of the stored instances, by study, series and instance,
-- and the reconciliation state of each study (linked to a regional patient, waiting in its
-- sending organisation's queue, or rejected). The bytes of every instance are kept as they came,
-- in the blob store (blob_key = SHA-256 of the file); these tables only index them.
-- Times are integer milliseconds since the epoch (UTC). DICOM dates and times are kept as
-- recorded (DA 'YYYYMMDD', TM 'HHMMSS.FFFFFF'), '' when absent or malformed, so that QIDO range
-- matching compares them as text. Text is UTF-8, converted from the Specific Character Set.
-- Who may see a study: imaging_int.h, IMAGING_STUDY_VISIBLE_SQL (never by hand).

-- One study (0020,000D). Patient-level attributes live here: the archive has no patient table
-- of its own (the regional patient is patients.id, through patient_id once linked).
CREATE TABLE imaging_studies (
    study_uid TEXT PRIMARY KEY,                   -- StudyInstanceUID (0020,000D)
    org_id TEXT NOT NULL REFERENCES orgs(id),     -- the sending organisation (its first sender)
    -- reconciliation: 'linked' (patient_id set), 'waiting' (in org_id's queue), 'rejected'
    reconciliation TEXT NOT NULL CHECK (reconciliation IN ('linked', 'waiting', 'rejected')),
    patient_id TEXT REFERENCES patients(id),      -- the regional patient, when linked
    -- how it was linked: 'local_id' (the sender's local id matched PatientID), 'assigned' (a
    -- user of the sender resolved the queue entry), 'upload' (uploaded on the patient's page)
    link_method TEXT CHECK (link_method IN ('local_id', 'assigned', 'upload')),
    resolved_by TEXT REFERENCES users(id),        -- who assigned or rejected it (NULL: automatic)
    resolved_at INTEGER,                          -- when it was linked or rejected
    reject_reason TEXT,                           -- why it was rejected
    -- the patient as the DICOM files name it (shown in the reconciliation queue as text)
    dicom_patient_id TEXT NOT NULL DEFAULT '',    -- PatientID (0010,0020)
    dicom_patient_issuer TEXT NOT NULL DEFAULT '',-- IssuerOfPatientID (0010,0021)
    patient_name TEXT NOT NULL DEFAULT '',        -- PatientName (0010,0010): all groups, A=I=P
    patient_name_alphabetic TEXT NOT NULL DEFAULT '',  -- its three component groups
    patient_name_ideographic TEXT NOT NULL DEFAULT '',
    patient_name_phonetic TEXT NOT NULL DEFAULT '',
    -- kana_match_key (core/kana.h) of each group: width, kana and long-vowel variants folded,
    -- lower-cased, spaces removed, '^' kept between components ('' for an empty group)
    patient_name_key_alphabetic TEXT NOT NULL DEFAULT '',
    patient_name_key_ideographic TEXT NOT NULL DEFAULT '',
    patient_name_key_phonetic TEXT NOT NULL DEFAULT '',
    patient_birth_date TEXT NOT NULL DEFAULT '',  -- PatientBirthDate (0010,0030), YYYYMMDD
    patient_sex TEXT NOT NULL DEFAULT '',         -- PatientSex (0010,0040): M, F, O or ''
    study_date TEXT NOT NULL DEFAULT '',          -- StudyDate (0008,0020), YYYYMMDD
    study_time TEXT NOT NULL DEFAULT '',          -- StudyTime (0008,0030), as recorded
    accession_number TEXT NOT NULL DEFAULT '',    -- AccessionNumber (0008,0050)
    study_id TEXT NOT NULL DEFAULT '',            -- StudyID (0020,0010)
    study_description TEXT NOT NULL DEFAULT '',   -- StudyDescription (0008,1030)
    referring_physician TEXT NOT NULL DEFAULT '', -- ReferringPhysicianName (0008,0090), A=I=P
    modalities_in_study TEXT NOT NULL DEFAULT '', -- ModalitiesInStudy: its series' modalities,
                                                  -- distinct, sorted, '\'-separated
    number_of_series INTEGER NOT NULL DEFAULT 0,  -- NumberOfStudyRelatedSeries
    number_of_instances INTEGER NOT NULL DEFAULT 0, -- NumberOfStudyRelatedInstances
    size_bytes INTEGER NOT NULL DEFAULT 0,        -- sum of the instances' file sizes
    created_at INTEGER NOT NULL,                  -- first instance stored
    updated_at INTEGER NOT NULL,                  -- last instance stored or state change
    CHECK ((reconciliation = 'linked') = (patient_id IS NOT NULL))
);
CREATE INDEX imaging_studies_patient ON imaging_studies(patient_id, study_date);
CREATE INDEX imaging_studies_dicom_patient_id ON imaging_studies(dicom_patient_id);
CREATE INDEX imaging_studies_date ON imaging_studies(study_date, study_time);
CREATE INDEX imaging_studies_accession ON imaging_studies(accession_number);
CREATE INDEX imaging_studies_org_state ON imaging_studies(org_id, reconciliation, created_at);
CREATE INDEX imaging_studies_name_a ON imaging_studies(patient_name_key_alphabetic);
CREATE INDEX imaging_studies_name_i ON imaging_studies(patient_name_key_ideographic);
CREATE INDEX imaging_studies_name_p ON imaging_studies(patient_name_key_phonetic);

-- One series (0020,000E) of a study.
CREATE TABLE imaging_series (
    series_uid TEXT PRIMARY KEY,                  -- SeriesInstanceUID (0020,000E)
    study_uid TEXT NOT NULL REFERENCES imaging_studies(study_uid),
    modality TEXT NOT NULL DEFAULT '',            -- Modality (0008,0060)
    series_number INTEGER,                        -- SeriesNumber (0020,0011), NULL if absent
    series_description TEXT NOT NULL DEFAULT '',  -- SeriesDescription (0008,103E)
    body_part_examined TEXT NOT NULL DEFAULT '',  -- BodyPartExamined (0018,0015)
    series_date TEXT NOT NULL DEFAULT '',         -- SeriesDate (0008,0021), YYYYMMDD
    series_time TEXT NOT NULL DEFAULT '',         -- SeriesTime (0008,0031)
    number_of_instances INTEGER NOT NULL DEFAULT 0, -- NumberOfSeriesRelatedInstances
    created_at INTEGER NOT NULL
);
CREATE INDEX imaging_series_study ON imaging_series(study_uid, series_number);
CREATE INDEX imaging_series_modality ON imaging_series(modality);

-- One instance (0008,0018): its original Part 10 bytes are the blob blob_key.
CREATE TABLE imaging_instances (
    sop_instance_uid TEXT PRIMARY KEY,            -- SOPInstanceUID (0008,0018)
    series_uid TEXT NOT NULL REFERENCES imaging_series(series_uid),
    study_uid TEXT NOT NULL REFERENCES imaging_studies(study_uid),
    sop_class_uid TEXT NOT NULL,                  -- SOPClassUID (0008,0016)
    instance_number INTEGER,                      -- InstanceNumber (0020,0013), NULL if absent
    transfer_syntax_uid TEXT NOT NULL,            -- TransferSyntaxUID (0002,0010) as stored
    pixel_rows INTEGER,                           -- Rows (0028,0010), NULL without pixels
    pixel_columns INTEGER,                        -- Columns (0028,0011)
    number_of_frames INTEGER,                     -- NumberOfFrames (0028,0008); 1 if absent
                                                  -- with pixel data, NULL without
    blob_key TEXT NOT NULL,                       -- SHA-256 (hex) of the file: blobs_get key
    size_bytes INTEGER NOT NULL,                  -- the file's size
    org_id TEXT NOT NULL REFERENCES orgs(id),     -- who sent this instance
    created_by TEXT REFERENCES users(id),         -- who stored it (NULL: a job or the demo)
    created_at INTEGER NOT NULL
);
CREATE INDEX imaging_instances_series ON imaging_instances(series_uid, instance_number);
CREATE INDEX imaging_instances_study ON imaging_instances(study_uid);
CREATE INDEX imaging_instances_sop_class ON imaging_instances(sop_class_uid);
