-- The FHIR resource store (DESIGN.md "Data model"): one row per resource with its current
-- version, every version in fhir_versions, and the search parameters of the current version in
-- the fhir_idx_* tables, all written in one transaction with the audit record.

CREATE TABLE fhir_resources (
    rid INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,      -- current version (1, 2, …)
    patient_id TEXT,               -- patient compartment (regional patient id), NULL outside any
    org_id TEXT NOT NULL,          -- organisation that recorded the current version
    last_updated INTEGER NOT NULL, -- UTC milliseconds
    deleted INTEGER NOT NULL DEFAULT 0,
    UNIQUE (type, id)
);
CREATE INDEX fhir_resources_patient ON fhir_resources(patient_id, type);
CREATE INDEX fhir_resources_updated ON fhir_resources(type, last_updated);

-- Every version, the current one included. json is NULL for a deletion; blob is the content
-- hash of a Binary's data (kept in the blob store, not in json).
CREATE TABLE fhir_versions (
    rid INTEGER NOT NULL,
    version INTEGER NOT NULL,
    method TEXT NOT NULL,          -- POST PUT DELETE
    org_id TEXT NOT NULL,
    user_id TEXT,
    last_updated INTEGER NOT NULL,
    json TEXT,
    blob TEXT,
    PRIMARY KEY (rid, version)
) WITHOUT ROWID;
CREATE INDEX fhir_versions_updated ON fhir_versions(last_updated);

-- Search index of the current versions (src/fhir/search_params.def). name is the parameter.
CREATE TABLE fhir_idx_token (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    system TEXT NOT NULL,          -- '' when the value has no system
    PRIMARY KEY (rid, name, code, system)
) WITHOUT ROWID;
CREATE INDEX fhir_idx_token_code ON fhir_idx_token(code, name);

CREATE TABLE fhir_idx_string (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL,             -- kana_normalize(original)
    original TEXT NOT NULL,
    PRIMARY KEY (rid, name, key, original)
) WITHOUT ROWID;
CREATE INDEX fhir_idx_string_key ON fhir_idx_string(key, name);

CREATE TABLE fhir_idx_date (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    low INTEGER NOT NULL,          -- UTC milliseconds, inclusive
    high INTEGER NOT NULL,
    PRIMARY KEY (rid, name, low, high)
) WITHOUT ROWID;

CREATE TABLE fhir_idx_ref (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    ref TEXT NOT NULL,             -- "Type/id", or an absolute URL
    PRIMARY KEY (rid, name, ref)
) WITHOUT ROWID;
CREATE INDEX fhir_idx_ref_ref ON fhir_idx_ref(ref, name);

CREATE TABLE fhir_idx_quantity (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    system TEXT NOT NULL,          -- '' when absent
    code TEXT NOT NULL,            -- UCUM code, or the unit when no code is given
    PRIMARY KEY (rid, name, value, system, code)
) WITHOUT ROWID;

CREATE TABLE fhir_idx_uri (
    rid INTEGER NOT NULL,
    name TEXT NOT NULL,
    uri TEXT NOT NULL,
    PRIMARY KEY (rid, name, uri)
) WITHOUT ROWID;
