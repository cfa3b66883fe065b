-- SPDX-License-Identifier: Apache-2.0
-- Shared use of equipment (共同利用, issue 5): hospitals publish bookable slots of equipment
-- their directory profile lists for shared use; a clinic books one for its patient with the
-- order and clinical question; the hospital confirms or proposes another time, and reports.
-- Times are integer milliseconds since the epoch (UTC).

-- One bookable time of one piece of equipment. A slot is free while no booking holds it: one
-- in an active state (requested, confirmed, proposed) or reported (the examination took place);
-- withdrawn slots are kept for the record.
CREATE TABLE equipment_slots (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),        -- the organisation owning the equipment
    equipment TEXT NOT NULL,                          -- directory equipment code (ct, mri, ...)
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    preparation TEXT NOT NULL DEFAULT '',             -- 前処置・持参物
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT REFERENCES users(id),
    created_at INTEGER NOT NULL,
    withdrawn_at INTEGER,
    withdrawn_by TEXT REFERENCES users(id),
    CHECK (ends_at > starts_at)
);
CREATE INDEX equipment_slots_time ON equipment_slots(equipment, starts_at);
CREATE INDEX equipment_slots_org ON equipment_slots(org_id, equipment, starts_at);

-- One booking of a slot for a patient by an ordering organisation. slot_id is the slot the
-- booking holds now: a proposal of another time moves it (previous_slot_id keeps the old one).
CREATE TABLE equipment_bookings (
    id TEXT PRIMARY KEY,
    slot_id TEXT NOT NULL REFERENCES equipment_slots(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- the ordering organisation
    user_id TEXT NOT NULL REFERENCES users(id),       -- who ordered
    status TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'proposed', 'declined',
                                           'cancelled', 'reported')),
    exam TEXT NOT NULL,                               -- e.g. 頭部単純CT
    clinical_question TEXT NOT NULL,                  -- 臨床上の疑問・依頼目的
    order_notes TEXT NOT NULL DEFAULT '',
    previous_slot_id TEXT REFERENCES equipment_slots(id), -- held before the last proposal
    proposal_note TEXT,
    decline_reason TEXT,
    cancel_reason TEXT,
    report TEXT,                                      -- JSON {"findings", "impression"}
    reported_at INTEGER,
    reported_by TEXT REFERENCES users(id),
    record_shared INTEGER NOT NULL DEFAULT 0,         -- consent allowed sharing the record
    idempotency_key TEXT,
    request_sha256 TEXT,                              -- digest of the creating request
    fhir_service_request_id TEXT,
    fhir_diagnostic_report_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- No double booking: at most one booking holding a slot (active or reported), whatever the race.
CREATE UNIQUE INDEX equipment_bookings_active_slot ON equipment_bookings(slot_id)
    WHERE status IN ('requested', 'confirmed', 'proposed', 'reported');
CREATE UNIQUE INDEX equipment_bookings_idempotency ON equipment_bookings(user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX equipment_bookings_slot ON equipment_bookings(slot_id);
CREATE INDEX equipment_bookings_org ON equipment_bookings(org_id, updated_at);
CREATE INDEX equipment_bookings_patient ON equipment_bookings(patient_id, updated_at);

-- Every step of a booking: the timeline both sides see.
CREATE TABLE booking_events (
    id INTEGER PRIMARY KEY,
    booking_id TEXT NOT NULL REFERENCES equipment_bookings(id),
    kind TEXT NOT NULL,            -- requested confirmed proposed proposal_accepted declined
                                   -- cancelled reported
    at INTEGER NOT NULL,
    user_id TEXT REFERENCES users(id),
    org_id TEXT REFERENCES orgs(id),
    detail TEXT NOT NULL DEFAULT '{}'  -- JSON
);
CREATE INDEX booking_events_booking ON booking_events(booking_id, at, id);
