-- SPDX-License-Identifier: Apache-2.0
-- Break-the-glass emergency access (issue 3) and the notifications it sends to care teams.
-- Times are integer milliseconds since the epoch (UTC).

CREATE TABLE emergency_access (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),     -- the user's current organisation at the start
    patient_id TEXT NOT NULL REFERENCES patients(id),
    reason TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER,                             -- NULL while the grant may still be used
    end_reason TEXT,                              -- 'ended' (by the user) | 'expired'
    review_closed_at INTEGER,                     -- the org admin's review
    review_closed_by TEXT REFERENCES users(id),
    review_comment TEXT
);
CREATE INDEX emergency_access_user ON emergency_access(user_id, patient_id, ended_at);
CREATE INDEX emergency_access_review ON emergency_access(org_id, review_closed_at);
CREATE INDEX emergency_access_open ON emergency_access(ended_at, expires_at);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),     -- the organisation notified
    kind TEXT NOT NULL,                           -- 'emergency_access'
    patient_id TEXT REFERENCES patients(id),
    ref_id TEXT,                                  -- e.g. the emergency_access id
    summary TEXT NOT NULL,                        -- JSON object with the details of the kind
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    read_by TEXT REFERENCES users(id)
);
CREATE INDEX notifications_org ON notifications(org_id, read_at, created_at);
