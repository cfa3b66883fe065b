-- SPDX-License-Identifier: Apache-2.0
-- The change count (issue 18): the version of everything the session lookup and the access
-- decision read. The server caches a session's principal and its access decisions in memory and
-- keeps an entry only while the count is the one it was computed at (store_version;
-- docs/security.md, "The session and decision caches"). The triggers below raise it with every
-- change to those tables, inside the writing transaction and whichever process writes (the
-- server, the command line, an operator's SQL), so a committed change is seen by the very next
-- request. Columns no rule reads (a session's last-seen time, a user's failed logins) do not
-- count, so that the everyday path does not empty the caches.

CREATE TABLE change_count (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO change_count (id, n) VALUES (1, 0);

-- users: the principal's user (not its password, TOTP or failed-login columns)
CREATE TRIGGER change_count_users_delete AFTER DELETE ON users
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_users_update AFTER UPDATE OF id, login, name, profession, network_admin, disabled ON users
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- memberships: the principal's organisation, role and pending state
CREATE TRIGGER change_count_memberships_insert AFTER INSERT ON memberships
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_memberships_delete AFTER DELETE ON memberships
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_memberships_update AFTER UPDATE ON memberships
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- orgs: the order of a user's organisations (a session's fallback)
CREATE TRIGGER change_count_orgs_delete AFTER DELETE ON orgs
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_orgs_update AFTER UPDATE OF id, code ON orgs
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- sessions: not INSERT (a new token is in no cache) nor last_seen_at (the per-request touch: the cache keeps it itself)
CREATE TRIGGER change_count_sessions_delete AFTER DELETE ON sessions
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_sessions_update AFTER UPDATE OF id, token_hash, user_id, org_id, state, csrf_token, created_at, ended_at ON sessions
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
-- last_seen_at moving forward (the touch) leaves a cached session's time older than the store's,
-- which only makes the server look again; moved back (an operator ageing a session) it counts.
CREATE TRIGGER change_count_sessions_seen_back AFTER UPDATE OF last_seen_at ON sessions
WHEN NEW.last_seen_at < OLD.last_seen_at
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- api_tokens: not INSERT nor last_used_at, as for sessions
CREATE TRIGGER change_count_api_tokens_delete AFTER DELETE ON api_tokens
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_api_tokens_update AFTER UPDATE OF id, token_hash, user_id, org_id, revoked_at ON api_tokens
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- patients: whether the patient exists (not its demographics)
CREATE TRIGGER change_count_patients_insert AFTER INSERT ON patients
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_patients_delete AFTER DELETE ON patients
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_patients_update AFTER UPDATE OF id ON patients
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- patient_merges: a merged patient is decided as its survivor
CREATE TRIGGER change_count_patient_merges_insert AFTER INSERT ON patient_merges
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_patient_merges_delete AFTER DELETE ON patient_merges
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_patient_merges_update AFTER UPDATE ON patient_merges
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- patient_local_ids: the registering organisation
CREATE TRIGGER change_count_patient_local_ids_insert AFTER INSERT ON patient_local_ids
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_patient_local_ids_delete AFTER DELETE ON patient_local_ids
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_patient_local_ids_update AFTER UPDATE ON patient_local_ids
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- care_team: the care team, also of a standby grant's organisation
CREATE TRIGGER change_count_care_team_insert AFTER INSERT ON care_team
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_care_team_delete AFTER DELETE ON care_team
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_care_team_update AFTER UPDATE ON care_team
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- consents: consents in force
CREATE TRIGGER change_count_consents_insert AFTER INSERT ON consents
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_consents_delete AFTER DELETE ON consents
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_consents_update AFTER UPDATE ON consents
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- consent_orgs: the organisations a consent names
CREATE TRIGGER change_count_consent_orgs_insert AFTER INSERT ON consent_orgs
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_consent_orgs_delete AFTER DELETE ON consent_orgs
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_consent_orgs_update AFTER UPDATE ON consent_orgs
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- record_shares: record shares (referrals, bookings)
CREATE TRIGGER change_count_record_shares_insert AFTER INSERT ON record_shares
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_record_shares_delete AFTER DELETE ON record_shares
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_record_shares_update AFTER UPDATE ON record_shares
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- emergency_access: emergency grants (not their review)
CREATE TRIGGER change_count_emergency_access_insert AFTER INSERT ON emergency_access
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_emergency_access_delete AFTER DELETE ON emergency_access
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_emergency_access_update AFTER UPDATE OF id, user_id, org_id, patient_id, started_at, expires_at, ended_at ON emergency_access
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;

-- standby_grants: standby grants of a declaration
CREATE TRIGGER change_count_standby_grants_insert AFTER INSERT ON standby_grants
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_standby_grants_delete AFTER DELETE ON standby_grants
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER change_count_standby_grants_update AFTER UPDATE ON standby_grants
BEGIN UPDATE change_count SET n = n + 1 WHERE id = 1; END;
