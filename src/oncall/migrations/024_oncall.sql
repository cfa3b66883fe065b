-- SPDX-License-Identifier: Apache-2.0
-- On-call and backup (issue 17): each organisation's on-call roster (shifts with a start and an
-- end instant, the phone carried, a primary and a backup clinician), swaps of a shift, backup
-- partnerships between organisations (災害時の相互支援), an organisation's declarations that it is
-- unavailable, the standby grants such a declaration opens to its partners (written only by
-- access/standby.c; the access rule reads them), and the dependence of a home-care patient on a
-- ventilator, oxygen or dialysis. Times are integer milliseconds since the epoch.
CREATE TABLE oncall_shifts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    phone TEXT NOT NULL,                                -- the phone the primary carries
    backup_phone TEXT,                                  -- the backup's phone (NULL: none)
    primary_user_id TEXT NOT NULL REFERENCES users(id),
    backup_user_id TEXT REFERENCES users(id),
    note TEXT,
    created_by TEXT REFERENCES users(id),
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    cancelled_by TEXT REFERENCES users(id),
    CHECK (ends_at > starts_at),
    CHECK (backup_user_id IS NULL OR backup_user_id <> primary_user_id)
);
CREATE INDEX oncall_shifts_org_time ON oncall_shifts (org_id, starts_at, ends_at);

-- A swap hands one role of a shift from one member to another; both are recorded.
CREATE TABLE oncall_swaps (
    id TEXT PRIMARY KEY,
    shift_id TEXT NOT NULL REFERENCES oncall_shifts(id),
    role TEXT NOT NULL CHECK (role IN ('primary', 'backup')),
    from_user_id TEXT REFERENCES users(id),
    to_user_id TEXT NOT NULL REFERENCES users(id),
    reason TEXT,
    swapped_by TEXT REFERENCES users(id),
    swapped_at INTEGER NOT NULL
);
CREATE INDEX oncall_swaps_shift ON oncall_swaps (shift_id, swapped_at);

-- org_id names partner_org_id as its backup; the partner accepts (accepted_at).
CREATE TABLE oncall_partners (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    partner_org_id TEXT NOT NULL REFERENCES orgs(id),
    proposed_by TEXT REFERENCES users(id),
    proposed_at INTEGER NOT NULL,
    accepted_by TEXT REFERENCES users(id),
    accepted_at INTEGER,
    ended_at INTEGER,
    CHECK (org_id <> partner_org_id)
);
CREATE UNIQUE INDEX oncall_partners_pair ON oncall_partners (org_id, partner_org_id)
    WHERE ended_at IS NULL;

CREATE TABLE oncall_declarations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    reason TEXT NOT NULL CHECK (reason IN ('disaster', 'illness', 'other')),
    note TEXT,
    started_at INTEGER NOT NULL,
    planned_end_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT CHECK (end_reason IN ('ended', 'expired')),
    declared_by TEXT REFERENCES users(id),
    ended_by TEXT REFERENCES users(id),
    CHECK (planned_end_at > started_at)
);
CREATE UNIQUE INDEX oncall_declarations_open ON oncall_declarations (org_id)
    WHERE ended_at IS NULL;

-- What a declaration opens to one partner (access/standby.c): reading the demographics and the
-- record of the declaring organisation's patients whose consent names the partner, until
-- expires_at or ended_at.
CREATE TABLE standby_grants (
    id TEXT PRIMARY KEY,
    declaration_id TEXT NOT NULL REFERENCES oncall_declarations(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),          -- the declaring organisation
    partner_org_id TEXT NOT NULL REFERENCES orgs(id),  -- who may read
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT
);
CREATE INDEX standby_grants_partner ON standby_grants (partner_org_id, ended_at);

-- A home-care patient's dependence (set by the team): what the disaster view counts.
CREATE TABLE oncall_dependence (
    patient_id TEXT PRIMARY KEY REFERENCES patients(id),
    ventilator INTEGER NOT NULL DEFAULT 0 CHECK (ventilator IN (0, 1)),
    oxygen INTEGER NOT NULL DEFAULT 0 CHECK (oxygen IN (0, 1)),
    dialysis INTEGER NOT NULL DEFAULT 0 CHECK (dialysis IN (0, 1)),
    note TEXT,                                          -- e.g. the oxygen flow
    set_by_org TEXT REFERENCES orgs(id),
    set_by TEXT REFERENCES users(id),
    set_at INTEGER NOT NULL
);
