-- SPDX-License-Identifier: Apache-2.0
-- Emergency transfers (救急画像送信, issue 15): a hospital or clinic sends a patient's images and
-- a short summary to a receiving hospital's ER before the ambulance arrives. The summary is a
-- snapshot of the sender's view of the record at send time (the receiver needs no record
-- access for it); the images are imaging_shares rows of source_kind 'transfer' (migration 032).
-- Without a consent naming the receiver the transfer is an emergency share: reason required,
-- time-limited, reviewed later by the sender's administrators (like break-the-glass) and told
-- to the patient's care team. Times are integer milliseconds since the epoch (UTC).
CREATE TABLE transfers (
    id TEXT PRIMARY KEY,                          -- UUIDv7
    patient_id TEXT NOT NULL REFERENCES patients(id),
    from_org_id TEXT NOT NULL REFERENCES orgs(id),
    from_user_id TEXT NOT NULL REFERENCES users(id),
    to_org_id TEXT NOT NULL REFERENCES orgs(id),  -- the receiving hospital
    status TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'closed')),
    note TEXT NOT NULL DEFAULT '',                -- the sender's short note
    consent_free INTEGER NOT NULL CHECK (consent_free IN (0, 1)),
    reason TEXT,                                  -- why, when consent_free
    -- the patient as the sender saw it at send time
    patient_name TEXT NOT NULL,
    patient_name_kana TEXT NOT NULL DEFAULT '',
    patient_birth_date TEXT NOT NULL DEFAULT '',
    patient_sex TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,                        -- JSON {problems, medications, allergies}
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,                  -- the images' shares end then at the latest
    accepted_at INTEGER,
    accepted_by TEXT REFERENCES users(id),
    closed_at INTEGER,
    closed_by TEXT REFERENCES users(id),          -- NULL: expired
    close_reason TEXT,                            -- closed expired
    review_closed_at INTEGER,                     -- consent_free only: the sender's review
    review_closed_by TEXT REFERENCES users(id),
    review_comment TEXT,
    CHECK (consent_free = 0 OR (reason IS NOT NULL AND reason <> ''))
);
CREATE INDEX transfers_to ON transfers(to_org_id, created_at);
CREATE INDEX transfers_from ON transfers(from_org_id, created_at);
CREATE INDEX transfers_open ON transfers(status, expires_at);
