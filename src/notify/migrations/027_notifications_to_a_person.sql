-- SPDX-License-Identifier: Apache-2.0
-- A notification may be addressed to one member of its organisation (issue 17: an alert to the
-- on-call clinician, an escalation to the backup clinician, a sharing rule naming a person). Only
-- that member sees it in the organisation's list; NULL: every member, as before.
ALTER TABLE notifications ADD COLUMN user_id TEXT REFERENCES users(id);
CREATE INDEX notifications_user ON notifications(user_id) WHERE user_id IS NOT NULL;
