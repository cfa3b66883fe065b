-- SPDX-License-Identifier: Apache-2.0
-- Sharing rules (issue 17): who of a patient's team hears of what, and when. A rule is the
-- region's (patient_id NULL, set by the network office) or one patient's (set by the team).
-- Instants are integer milliseconds since the epoch (UTC); times of day are Asia/Tokyo.

CREATE TABLE sharing_rules (
    id TEXT PRIMARY KEY,
    patient_id TEXT REFERENCES patients(id),          -- NULL: a region rule
    kind TEXT NOT NULL,                               -- a team event kind (modules/module.h)
    professions TEXT NOT NULL DEFAULT '',             -- condition: the author's profession in
    severities TEXT NOT NULL DEFAULT '',              -- condition: the event's severity in
    org_types TEXT NOT NULL DEFAULT '',               -- condition: the author's organisation type in
                                                      -- (each space-separated codes; '' any)
    recipients TEXT NOT NULL,                         -- "r:<role>", "o:<org>", "u:<org>/<user>", space-separated
    timing TEXT NOT NULL CHECK (timing IN ('immediate', 'daily', 'weekly')),
    weekday INTEGER CHECK (weekday BETWEEN 1 AND 7),  -- weekly: 1 Monday .. 7 Sunday
    at_minute INTEGER CHECK (at_minute BETWEEN 0 AND 1439), -- daily, weekly: Tokyo time of day
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_org TEXT REFERENCES orgs(id),
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,                               -- deleted rules stay for the log
    deleted_by TEXT REFERENCES users(id)
);
-- the rules of a kind in force: the region's and one patient's, in one indexed read
CREATE INDEX sharing_rules_kind ON sharing_rules(kind, patient_id) WHERE deleted_at IS NULL;
CREATE INDEX sharing_rules_patient ON sharing_rules(patient_id, created_at);

-- A team event that at least one rule matched: what happened, once.
CREATE TABLE sharing_events (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    kind TEXT NOT NULL,
    ref_id TEXT,
    summary TEXT NOT NULL,                            -- what happened (JSON object)
    severity TEXT,
    author_id TEXT REFERENCES users(id),              -- who caused it
    created_at INTEGER NOT NULL
);
CREATE INDEX sharing_events_patient ON sharing_events(patient_id, created_at);

-- What each rule did with an event, one row per recipient: sent at once, queued for a digest
-- (then sent by the sweep, or skipped there), or skipped (no consent, told already, a duplicate
-- of another rule's delivery at the same time).
CREATE TABLE sharing_deliveries (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES sharing_events(id),
    rule_id TEXT NOT NULL REFERENCES sharing_rules(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- the recipient organisation
    user_id TEXT REFERENCES users(id),                -- one member of it, or NULL for all
    timing TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'queued', 'skipped_no_consent',
                                             'skipped_told', 'duplicate')),
    due_at INTEGER,                                   -- a digest's time
    sent_at INTEGER,
    notification_id TEXT
);
CREATE INDEX sharing_deliveries_event ON sharing_deliveries(event_id);
CREATE INDEX sharing_deliveries_due ON sharing_deliveries(due_at) WHERE outcome = 'queued';
