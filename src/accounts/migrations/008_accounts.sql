-- SPDX-License-Identifier: Apache-2.0
-- Accounts (issue 11).
-- Accounts the network office created or reset: the office manages accounts but must never
-- reach patient data through one. Such a membership waits for an administrator of its
-- organisation (not the account itself) to confirm it; until then the account opens no patient
-- data and administers nothing (access_decide, the router).

ALTER TABLE memberships ADD COLUMN pending TEXT;         -- NULL: confirmed; 'created' | 'reset'
ALTER TABLE memberships ADD COLUMN pending_since INTEGER; -- milliseconds since the epoch (UTC)

-- Who in an organisation a notification is for: every member, or its administrators only (an
-- account of theirs was reset).
ALTER TABLE notifications ADD COLUMN audience TEXT NOT NULL DEFAULT 'members';

-- Failed logins for login names no account has: counted and locked out exactly like an
-- account's (users.failed_logins, locked_until), so that lock-out does not tell which logins
-- exist. Rows idle for a day are forgotten (auth/lockout.c).
CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
);
