-- SPDX-License-Identifier: Apache-2.0
-- One timeline for every kind of case (issue 12): what happened to a referral or a booking, when,
-- by whom, is a row of case_events, written only by notify_timeline_append (src/notify/). The
-- two per-feature tables it replaces had the same columns; their rows move here in order.

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_kind TEXT NOT NULL,       -- a module's case kind: referral, booking
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL,            -- the event, e.g. sent accepted declined (the module's list)
    at INTEGER NOT NULL,           -- milliseconds since the epoch (UTC)
    user_id TEXT REFERENCES users(id),
    org_id TEXT REFERENCES orgs(id),
    detail TEXT NOT NULL DEFAULT '{}'  -- JSON object
);
CREATE INDEX case_events_case ON case_events(case_kind, case_id, at, id);

INSERT INTO case_events (case_kind, case_id, kind, at, user_id, org_id, detail)
    SELECT 'referral', referral_id, kind, at, user_id, org_id, detail FROM referral_events ORDER BY id;
INSERT INTO case_events (case_kind, case_id, kind, at, user_id, org_id, detail)
    SELECT 'booking', booking_id, kind, at, user_id, org_id, detail FROM booking_events ORDER BY id;
DROP TABLE referral_events;
DROP TABLE booking_events;
