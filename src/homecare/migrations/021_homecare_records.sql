-- SPDX-License-Identifier: Apache-2.0
-- Standard visit records (訪問記録, issue 16): one record per home-care visit, in the form of
-- its kind (src/homecare/kinds.c: soap, nursing, pharmacy, rehab, care). Every version is a row:
-- a correction adds the next version with its reason and the earlier ones stay readable. The
-- current version of a record is its highest. Times are integer milliseconds since the epoch.
CREATE TABLE homecare_records (
    id TEXT PRIMARY KEY,                              -- this version
    record_id TEXT NOT NULL,                          -- the record: the id of its version 1
    version INTEGER NOT NULL CHECK (version >= 1),
    previous_id TEXT REFERENCES homecare_records(id), -- the version this one corrects
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- the organisation that made the visit
    author_id TEXT NOT NULL REFERENCES users(id),     -- who wrote this version
    kind TEXT NOT NULL,                               -- homecare_kinds code (home_nursing, ...)
    form TEXT NOT NULL CHECK (form IN ('soap', 'nursing', 'pharmacy', 'rehab', 'care')),
    visit_start INTEGER NOT NULL,
    visit_end INTEGER NOT NULL,
    content TEXT NOT NULL,                            -- the form as JSON (canonical, sorted keys)
    handover TEXT NOT NULL DEFAULT '',                -- 申し送り
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    correction_reason TEXT,                           -- required from version 2 on
    content_sha256 TEXT,                              -- SHA-256 of the signed content
    signed_at INTEGER,
    signed_by TEXT REFERENCES users(id),
    fhir_encounter_id TEXT,
    fhir_composition_id TEXT,
    fhir_observations TEXT NOT NULL DEFAULT '{}',     -- JSON {vital: Observation id}
    idempotency_key TEXT,                             -- of the creating request (version 1)
    request_sha256 TEXT,                              -- digest of the creating request
    created_at INTEGER NOT NULL,
    CHECK (visit_end >= visit_start),
    CHECK (version = 1 OR (previous_id IS NOT NULL AND correction_reason IS NOT NULL)),
    CHECK (status = 'draft' OR (content_sha256 IS NOT NULL AND signed_at IS NOT NULL))
);
CREATE UNIQUE INDEX homecare_records_version ON homecare_records(record_id, version);
CREATE UNIQUE INDEX homecare_records_idempotency ON homecare_records(author_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX homecare_records_patient ON homecare_records(patient_id, visit_start);
