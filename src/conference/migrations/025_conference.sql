-- SPDX-License-Identifier: Apache-2.0
-- Case conferences (カンファレンス, issue 17): a 退院前カンファレンス, サービス担当者会議 or
-- 症例検討会 organised by one organisation with participants of several, about one patient or
-- none (teaching); the record's resources attached as materials (references only: they are read
-- through the access rule), minutes with every version, and action items with an owner.

CREATE TABLE conferences (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                          -- discharge, service, case_study
    title TEXT NOT NULL,
    starts_at INTEGER NOT NULL,                  -- ms since the epoch (UTC)
    ends_at INTEGER NOT NULL,
    place TEXT NOT NULL DEFAULT '',              -- a room, or an online link as text
    org_id TEXT NOT NULL REFERENCES orgs(id),    -- the organiser
    patient_id TEXT REFERENCES patients(id),     -- NULL: no patient (teaching)
    agenda TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'scheduled',    -- scheduled, cancelled
    cancel_reason TEXT,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    minutes_shared_at INTEGER
);
CREATE INDEX conferences_org ON conferences(org_id, starts_at);
CREATE INDEX conferences_patient ON conferences(patient_id);

-- The participating organisations (the organiser's too), and the people of each.
CREATE TABLE conference_orgs (
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (conference_id, org_id)
);
CREATE INDEX conference_orgs_org ON conference_orgs(org_id);
CREATE TABLE conference_people (
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (conference_id, user_id)
);

CREATE TABLE conference_materials (
    id TEXT PRIMARY KEY,
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL REFERENCES users(id),
    added_at INTEGER NOT NULL,
    UNIQUE (conference_id, resource_type, resource_id)
);

-- Every version of the minutes; the newest is the current one.
CREATE TABLE conference_minutes (
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    at INTEGER NOT NULL,
    PRIMARY KEY (conference_id, version)
);

CREATE TABLE conference_actions (
    id TEXT PRIMARY KEY,
    conference_id TEXT NOT NULL REFERENCES conferences(id),
    body TEXT NOT NULL,
    owner_user_id TEXT NOT NULL REFERENCES users(id),
    owner_org_id TEXT NOT NULL REFERENCES orgs(id),
    due_date TEXT NOT NULL,                      -- YYYY-MM-DD (Asia/Tokyo)
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    done_by TEXT REFERENCES users(id)
);
CREATE INDEX conference_actions_owner ON conference_actions(owner_user_id, done_at);
CREATE INDEX conference_actions_conference ON conference_actions(conference_id);
