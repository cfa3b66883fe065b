-- SPDX-License-Identifier: Apache-2.0
-- Home care, the shared visit schedule (issue 16): the visit plans of every organisation on a
-- patient's team (a weekly pattern in Asia/Tokyo local time), and the visits (one-off ones, and
-- a plan's occurrences expanded for a rolling window). Instants are integer milliseconds since
-- the epoch (UTC); dates are "YYYY-MM-DD" in Asia/Tokyo.

-- A recurring visit plan: the pattern is kept, its occurrences are rows of homecare_visits.
CREATE TABLE homecare_plans (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- the organisation that visits
    kind TEXT NOT NULL,                               -- homecare_kinds code (kinds.c)
    staff_user_id TEXT REFERENCES users(id),          -- a user of org_id, or none
    weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127), -- bit 0 Monday .. bit 6 Sunday
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439), -- local time
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    first_date TEXT NOT NULL,
    end_date TEXT,                                    -- the last day, or none
    exceptions TEXT NOT NULL DEFAULT '[]',            -- JSON array of dates skipped
    gap_days INTEGER,                                 -- the gap flag's N (NULL: the default 7)
    note TEXT NOT NULL DEFAULT '',
    expanded_until TEXT NOT NULL,                     -- the last day expanded into visits
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at INTEGER NOT NULL
);
CREATE INDEX homecare_plans_patient ON homecare_plans(patient_id, first_date);

-- One visit: one-off (plan_id NULL) or an occurrence of a plan on local_date.
CREATE TABLE homecare_visits (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    staff_user_id TEXT REFERENCES users(id),
    plan_id TEXT REFERENCES homecare_plans(id),
    plan_date TEXT,                                   -- the occurrence's day in the plan
    local_date TEXT NOT NULL,                         -- the day it takes place (Asia/Tokyo)
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT,
    fhir_appointment_id TEXT,                         -- its FHIR Appointment (the projection)
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
-- A plan has at most one occurrence per day of its pattern, however often it is expanded.
CREATE UNIQUE INDEX homecare_visits_plan_date ON homecare_visits(plan_id, plan_date)
    WHERE plan_id IS NOT NULL;
CREATE INDEX homecare_visits_patient ON homecare_visits(patient_id, starts_at);
CREATE INDEX homecare_visits_staff ON homecare_visits(staff_user_id, local_date, starts_at);

-- Who changed what and when: every creation, change and cancellation of a visit or plan.
CREATE TABLE homecare_schedule_changes (
    id INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    visit_id TEXT REFERENCES homecare_visits(id),
    plan_id TEXT REFERENCES homecare_plans(id),
    what TEXT NOT NULL,          -- created changed cancelled plan_created plan_changed
    reason TEXT,
    detail TEXT NOT NULL DEFAULT '{}', -- JSON: the fields before and after
    at INTEGER NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id)
);
CREATE INDEX homecare_schedule_changes_patient ON homecare_schedule_changes(patient_id, at);

-- A private, revocable link to an iCalendar feed: a staff member's own visits (patient_id
-- NULL) or one patient's schedule. Only the SHA-256 of the token is kept.
CREATE TABLE homecare_ical_links (
    id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),       -- who made it; the feed is read as them
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- in this organisation
    patient_id TEXT REFERENCES patients(id),          -- a patient's feed, or NULL: the staff feed
    label TEXT NOT NULL DEFAULT '',                   -- the calendar's name, chosen by its maker
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX homecare_ical_links_user ON homecare_ical_links(user_id, created_at);
