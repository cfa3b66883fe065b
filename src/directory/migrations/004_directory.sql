-- SPDX-License-Identifier: Apache-2.0
-- Facility directory with live capacity (issue 4): what each organisation publishes (profile),
-- its live status field by field, every status change, and the staff its admin designated to
-- edit them. Times are integer milliseconds since the epoch (UTC); JSON columns hold JSON text.

CREATE TABLE org_profiles (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    medical_function TEXT,                         -- highly_acute | acute | recovery | chronic | home
    departments TEXT NOT NULL DEFAULT '[]',        -- JSON array of department codes
    equipment TEXT NOT NULL DEFAULT '[]',          -- JSON array of {"code", "shared_use"}
    services TEXT NOT NULL DEFAULT '[]',           -- JSON array of service codes
    latitude REAL,
    longitude REAL,
    liaison_phone TEXT NOT NULL DEFAULT '',        -- 地域連携室
    liaison_fax TEXT NOT NULL DEFAULT '',
    liaison_email TEXT NOT NULL DEFAULT '',
    liaison_hours TEXT NOT NULL DEFAULT '',
    acceptance_notes TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id)
);

-- The live status, one row per field: beds (object kind → free count), emergency
-- (yes|conditional|no), emergency_note, homecare_new_this_month, specialists_today, restrictions.
CREATE TABLE org_status (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    field TEXT NOT NULL,
    value TEXT NOT NULL,                           -- JSON
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id),
    PRIMARY KEY (org_id, field)
);

CREATE TABLE org_status_history (
    id INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    field TEXT NOT NULL,
    value TEXT NOT NULL,                           -- JSON
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id)
);
CREATE INDEX org_status_history_org ON org_status_history(org_id, field, updated_at);

-- Members an organisation's admin designated to edit its profile and status.
CREATE TABLE directory_editors (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    PRIMARY KEY (org_id, user_id)
);
