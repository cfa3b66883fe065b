-- SPDX-License-Identifier: Apache-2.0
-- Finding the same patient registered twice (名寄せ, issue 13 item 3): what a match offered to
-- whom, why a patient was registered anew despite likely matches, and the network office's
-- decisions on possible duplicates (merged, or marked distinct). Written only by src/patients/.

-- A candidate that a match showed to a user, who may link the organisation's local id to it
-- within a few minutes. The patient's id is never shown to a user who may not see the patient:
-- the offer's id stands for it.
CREATE TABLE patient_match_offers (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    score REAL NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX patient_match_offers_user ON patient_match_offers(user_id, expires_at);

-- A registration made although a match found likely candidates: the reason the user gave.
CREATE TABLE patient_new_reasons (
    patient_id TEXT PRIMARY KEY REFERENCES patients(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    candidates INTEGER NOT NULL,   -- how many likely matches were set aside
    at INTEGER NOT NULL
);

-- A merge by the network office: merged_id now stands for survivor_id. What moved (local ids,
-- consents, care-team members) is listed in moved (JSON), so that the merge can be explained
-- and, by hand, undone. The merged patient's clinical records stay under its id.
CREATE TABLE patient_merges (
    merged_id TEXT PRIMARY KEY REFERENCES patients(id),
    survivor_id TEXT NOT NULL REFERENCES patients(id),
    reason TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    moved TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX patient_merges_survivor ON patient_merges(survivor_id);

-- Two patients the network office found to be different people: never proposed again.
CREATE TABLE patient_distinct_pairs (
    patient_a TEXT NOT NULL REFERENCES patients(id), -- the smaller id
    patient_b TEXT NOT NULL REFERENCES patients(id),
    reason TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    PRIMARY KEY (patient_a, patient_b)
);
