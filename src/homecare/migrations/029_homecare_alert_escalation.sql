-- SPDX-License-Identifier: Apache-2.0
-- Alerts that escalate (issue 17): an alert is told first to the on-call clinician of the
-- patient's home-care clinic (responsible_org); not acknowledged within the organisation's
-- minutes it goes to the shift's backup clinician, then to the organisation's administrators.
-- Vitals may also be entered without a visit record (a device at home, a family's reading).

ALTER TABLE homecare_alerts ADD COLUMN responsible_org TEXT REFERENCES orgs(id);
ALTER TABLE homecare_alerts ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0
    CHECK (escalation_level BETWEEN 0 AND 2);             -- 0 on call, 1 backup, 2 administrators
ALTER TABLE homecare_alerts ADD COLUMN next_escalation_at INTEGER;  -- NULL: no further step
ALTER TABLE homecare_alerts ADD COLUMN entry_id TEXT;     -- the vitals entry that carried the value
CREATE INDEX homecare_alerts_due ON homecare_alerts(next_escalation_at)
    WHERE state = 'open' AND next_escalation_at IS NOT NULL;

-- An organisation's minutes before an unacknowledged alert escalates (default 15).
CREATE TABLE homecare_alert_org_settings (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    escalate_after_minutes INTEGER NOT NULL CHECK (escalate_after_minutes BETWEEN 1 AND 240),
    set_by TEXT NOT NULL REFERENCES users(id),
    set_at INTEGER NOT NULL
);

-- Vitals entered without a visit record.
CREATE TABLE homecare_vital_entries (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    measured_at INTEGER NOT NULL,
    content TEXT NOT NULL,                                 -- JSON {"vitals": {...}, "note"?}
    entered_by TEXT NOT NULL REFERENCES users(id),
    entered_org TEXT NOT NULL REFERENCES orgs(id),
    entered_at INTEGER NOT NULL
);
CREATE INDEX homecare_vital_entries_patient ON homecare_vital_entries(patient_id, measured_at);
