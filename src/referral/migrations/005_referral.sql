-- SPDX-License-Identifier: Apache-2.0
-- Referral and reverse referral (紹介・逆紹介, issue 5) and the record shares they open.
-- Times are integer milliseconds since the epoch (UTC).

-- One referral letter and its workflow state. A reverse referral (逆紹介) is a row of kind
-- 'reverse' whose parent is the referral it answers (or NULL when it stands alone); a redirect
-- after a refusal is a new row whose parent is the refused one.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('referral', 'reverse')),
    parent_id TEXT REFERENCES referrals(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    from_org_id TEXT NOT NULL REFERENCES orgs(id),
    from_user_id TEXT NOT NULL REFERENCES users(id),  -- the signing clinician
    to_org_id TEXT NOT NULL REFERENCES orgs(id),
    to_department TEXT NOT NULL DEFAULT '',           -- directory department code, '' = none named
    urgency TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'routine')),
    purpose TEXT NOT NULL,                            -- code: workup, admission, surgery, ...
    status TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'scheduled', 'seen', 'replied',
                                           'closed', 'declined', 'redirected', 'cancelled')),
    letter TEXT NOT NULL,                             -- JSON: the signed 診療情報提供書
    letter_sha256 TEXT NOT NULL,                      -- hex digest of the letter as signed
    signed_at INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    accepted_at INTEGER,
    scheduled_for INTEGER,                            -- the appointment
    seen_at INTEGER,
    replied_at INTEGER,
    closed_at INTEGER,                                -- closed, declined, redirected or cancelled
    decline_reason TEXT,
    redirected_to TEXT REFERENCES referrals(id),
    reply TEXT,                                       -- JSON: the 返書 / 受診報告
    reply_by TEXT REFERENCES users(id),
    record_shared INTEGER NOT NULL DEFAULT 0,         -- consent allowed sharing the record
    idempotency_key TEXT,
    request_sha256 TEXT,                              -- digest of the creating request body
    fhir_service_request_id TEXT,
    fhir_task_id TEXT,
    fhir_composition_id TEXT,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX referrals_idempotency ON referrals(from_user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX referrals_to ON referrals(to_org_id, status, sent_at);
CREATE INDEX referrals_from ON referrals(from_org_id, status, sent_at);
CREATE INDEX referrals_patient ON referrals(patient_id, sent_at);
CREATE INDEX referrals_parent ON referrals(parent_id);

-- Every step of a referral: the timeline both sides see.
CREATE TABLE referral_events (
    id INTEGER PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    kind TEXT NOT NULL,            -- sent accepted declined redirected scheduled seen replied
                                   -- reverse_sent closed cancelled share_started share_ended
    at INTEGER NOT NULL,
    user_id TEXT REFERENCES users(id),
    org_id TEXT REFERENCES orgs(id),
    detail TEXT NOT NULL DEFAULT '{}'  -- JSON
);
CREATE INDEX referral_events_referral ON referral_events(referral_id, at, id);

-- Explicit shares of a patient's record with an organisation outside the care team, opened by
-- a referral or a shared-equipment booking for its purpose and time window. access_decide
-- counts an active share like care-team membership for reading, and only together with a
-- consent in force for that organisation.
CREATE TABLE record_shares (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),        -- the organisation the record is shared with
    source_kind TEXT NOT NULL CHECK (source_kind IN ('referral', 'booking')),
    source_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT                                   -- closed declined cancelled redirected ...
);
CREATE INDEX record_shares_org ON record_shares(org_id, patient_id, ended_at, expires_at);
CREATE INDEX record_shares_source ON record_shares(source_kind, source_id);
