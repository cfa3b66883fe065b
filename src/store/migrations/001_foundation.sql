-- SPDX-License-Identifier: Apache-2.0
-- Foundation: organisations, users, sessions, tokens, patients, consent, care teams, audit.
-- Times are integer milliseconds since the epoch (UTC) unless the column says otherwise.

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    totp_required INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL,
    network_admin INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    totp_secret TEXT,
    totp_enabled INTEGER NOT NULL DEFAULT 0,
    totp_pending_secret TEXT,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_org ON memberships(org_id);

CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT,
    state TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    ended_at INTEGER,
    end_reason TEXT
);
CREATE INDEX sessions_user ON sessions(user_id, ended_at);

CREATE TABLE client_failures (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_failure_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    name TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    created_by TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE policy (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE patients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    name_key TEXT NOT NULL,   -- kana_normalize(name)
    kana_key TEXT NOT NULL,   -- kana_normalize(name_kana)
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL, -- YYYY-MM-DD
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX patients_kana_key ON patients(kana_key);
CREATE INDEX patients_name_key ON patients(name_key);
CREATE INDEX patients_birth_date ON patients(birth_date);

CREATE TABLE patient_local_ids (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    local_id TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, local_id)
);
CREATE INDEX patient_local_ids_patient ON patient_local_ids(patient_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    scope TEXT NOT NULL,
    method TEXT NOT NULL,
    consented_on TEXT NOT NULL, -- YYYY-MM-DD
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_by_org TEXT,
    recorded_at INTEGER NOT NULL,
    withdrawn_at INTEGER,
    withdrawn_by TEXT,
    withdraw_reason TEXT
);
CREATE INDEX consents_patient ON consents(patient_id);

CREATE TABLE consent_orgs (
    consent_id TEXT NOT NULL REFERENCES consents(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    PRIMARY KEY (consent_id, org_id)
);
CREATE INDEX consent_orgs_org ON consent_orgs(org_id, patient_id);

CREATE TABLE care_team (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT REFERENCES users(id),
    role TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    removed_at INTEGER,
    removed_by TEXT
);
CREATE INDEX care_team_patient ON care_team(patient_id);
CREATE INDEX care_team_org ON care_team(org_id, patient_id);

-- Append-only, hash-chained audit trail (RFC 3881 / DICOM PS3.15 A.5 fields).
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    event_id TEXT NOT NULL,
    action TEXT NOT NULL,      -- C R U D E
    outcome INTEGER NOT NULL,  -- 0 success, 4 minor failure, 8 serious failure, 12 major failure
    user_id TEXT,
    user_login TEXT,
    org_id TEXT,
    client TEXT,
    patient_id TEXT,
    object_type TEXT,
    object_id TEXT,
    request_id TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_user ON audit(user_id, seq);
CREATE INDEX audit_patient ON audit(patient_id, seq);
CREATE INDEX audit_org ON audit(org_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
