-- SPDX-License-Identifier: Apache-2.0
-- The monthly 訪問看護報告書 (issue 16): the report of a visiting nursing station to the
-- patient's physician for one month (Asia/Tokyo), prefilled from the month's visit records.
-- Every version is a row: a correction after signing adds the next version with its reason and
-- the earlier ones stay readable; the current version of a report is its highest. Times are
-- integer milliseconds since the epoch.
CREATE TABLE homecare_reports (
    id TEXT PRIMARY KEY,                              -- this version
    report_id TEXT NOT NULL,                          -- the report: the id of its version 1
    version INTEGER NOT NULL CHECK (version >= 1),
    previous_id TEXT REFERENCES homecare_reports(id), -- the version this one corrects
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- the nursing station that reports
    to_org_id TEXT NOT NULL REFERENCES orgs(id),      -- the physician's organisation
    month TEXT NOT NULL,                              -- YYYY-MM (Asia/Tokyo)
    author_id TEXT NOT NULL REFERENCES users(id),     -- who wrote this version
    content TEXT NOT NULL,                            -- the report as JSON (canonical)
    vitals TEXT NOT NULL DEFAULT '[]',                -- the month's vitals summary (JSON)
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    correction_reason TEXT,                           -- required from version 2 on
    content_sha256 TEXT,                              -- SHA-256 of the signed content
    signed_at INTEGER,                                -- signed and sent to to_org_id
    signed_by TEXT REFERENCES users(id),
    fhir_composition_id TEXT,                         -- one Composition per report
    fhir_document_reference_id TEXT,                  -- written when first signed
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (version = 1 OR (previous_id IS NOT NULL AND correction_reason IS NOT NULL)),
    CHECK (status = 'draft' OR (content_sha256 IS NOT NULL AND signed_at IS NOT NULL))
);
CREATE UNIQUE INDEX homecare_reports_version ON homecare_reports(report_id, version);
-- one report per patient, station and month
CREATE UNIQUE INDEX homecare_reports_month ON homecare_reports(patient_id, org_id, month)
    WHERE version = 1;
