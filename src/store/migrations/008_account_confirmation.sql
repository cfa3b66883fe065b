-- SPDX-License-Identifier: Apache-2.0
-- Accounts the network office created or reset (issue 11): the office manages accounts but must
-- never reach patient data through one. Such a membership waits for an administrator of its
-- organisation (not the account itself) to confirm it; until then the account opens no patient
-- data and administers nothing (access_decide, the router).

ALTER TABLE memberships ADD COLUMN pending TEXT;         -- NULL: confirmed; 'created' | 'reset'
ALTER TABLE memberships ADD COLUMN pending_since INTEGER; -- milliseconds since the epoch (UTC)

-- Who in an organisation a notification is for: every member, or its administrators only (an
-- account of theirs was reset).
ALTER TABLE notifications ADD COLUMN audience TEXT NOT NULL DEFAULT 'members';
