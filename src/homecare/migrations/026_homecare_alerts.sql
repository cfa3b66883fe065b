-- SPDX-License-Identifier: Apache-2.0
-- Vitals that alert (issue 17): each patient's alert settings (a built-in profile of thresholds
-- and trend rules, src/homecare/alert_rules.c, with the physician's adjustments), the alerts a
-- value out of range raised, and every step of an alert's life. Times are integer milliseconds
-- since the epoch.

-- The profile a patient's vitals are judged by, and what the physician changed in it.
CREATE TABLE homecare_alert_settings (
    patient_id TEXT PRIMARY KEY REFERENCES patients(id),
    profile TEXT NOT NULL,                            -- elderly, heart_failure, copd
    overrides TEXT NOT NULL DEFAULT '{}',             -- JSON {vital: {low, high}, trend: value}
    set_by TEXT NOT NULL REFERENCES users(id),
    set_org TEXT NOT NULL REFERENCES orgs(id),
    set_at INTEGER NOT NULL
);

-- One alert: a value (of a visit record) outside a level or a trend rule.
CREATE TABLE homecare_alerts (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    record_id TEXT,                                   -- the visit record that carried the value
    vital TEXT NOT NULL,                              -- homecare_vitals name (spo2, weight, ...)
    value REAL NOT NULL,
    rule TEXT NOT NULL CHECK (rule IN ('low', 'high', 'rise', 'drop')),
    limit_value REAL NOT NULL,                        -- the level, or the change the trend allows
    baseline REAL,                                    -- a trend's reference value
    measured_at INTEGER NOT NULL,
    raised_at INTEGER NOT NULL,
    raised_by TEXT NOT NULL REFERENCES users(id),     -- who recorded the value
    raised_org TEXT NOT NULL REFERENCES orgs(id),
    state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged')),
    ack_by TEXT REFERENCES users(id),
    ack_org TEXT REFERENCES orgs(id),
    ack_at INTEGER,
    ack_action TEXT CHECK (ack_action IN ('phone_instruction', 'house_call', 'ambulance',
                                          'observation')),
    ack_note TEXT,
    CHECK (state = 'open' OR (ack_by IS NOT NULL AND ack_at IS NOT NULL AND ack_action IS NOT NULL))
);
CREATE INDEX homecare_alerts_patient ON homecare_alerts(patient_id, raised_at);
CREATE INDEX homecare_alerts_open ON homecare_alerts(state, raised_at);

-- The life of an alert: raised, notified (to whom), acknowledged (by whom, what they did).
CREATE TABLE homecare_alert_steps (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES homecare_alerts(id),
    at INTEGER NOT NULL,
    step TEXT NOT NULL,                               -- raised notified acknowledged
    user_id TEXT REFERENCES users(id),
    org_id TEXT REFERENCES orgs(id),
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX homecare_alert_steps_alert ON homecare_alert_steps(alert_id, id);
