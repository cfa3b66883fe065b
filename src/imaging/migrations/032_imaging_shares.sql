-- SPDX-License-Identifier: Apache-2.0
-- Shares of studies (issue 15, "images before the patient arrives"): a study opened for reading
-- to an organisation that is neither its sender nor on its patient's care team, for a case of
-- another feature: a referral that attaches it, a shared-equipment booking whose report it
-- belongs to, an emergency transfer (救急画像送信). The access rule reads them through
-- imaging_study_case.sql_shared and IMAGING_STUDY_VISIBLE_SQL (never by hand): a share in force
-- opens the study when a consent in force names the organisation, or without one when it is an
-- emergency share (consent_free = 1, reason required, time-limited, reviewed later).
-- Times are integer milliseconds since the epoch (UTC).
CREATE TABLE imaging_shares (
    id TEXT PRIMARY KEY,                          -- UUIDv7
    study_uid TEXT NOT NULL REFERENCES imaging_studies(study_uid),
    patient_id TEXT NOT NULL REFERENCES patients(id), -- the study's patient when shared
    org_id TEXT NOT NULL REFERENCES orgs(id),     -- the receiving organisation
    source_kind TEXT NOT NULL CHECK (source_kind IN ('referral', 'transfer', 'booking')),
    source_id TEXT NOT NULL,                      -- the referral, transfer or booking
    consent_free INTEGER NOT NULL DEFAULT 0 CHECK (consent_free IN (0, 1)),
    reason TEXT,                                  -- why, for an emergency share without consent
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT,                              -- closed declined cancelled expired ...
    created_by TEXT REFERENCES users(id),         -- NULL: made by the server (a late study)
    CHECK (consent_free = 0 OR (reason IS NOT NULL AND reason <> ''))
);
CREATE INDEX imaging_shares_study_org ON imaging_shares(study_uid, org_id, ended_at);
CREATE INDEX imaging_shares_source ON imaging_shares(source_kind, source_id);
CREATE INDEX imaging_shares_org ON imaging_shares(org_id, ended_at, expires_at);
