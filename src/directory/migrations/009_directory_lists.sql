-- SPDX-License-Identifier: Apache-2.0
-- The profile's lists as rows (issue 12): searches by department, service or equipment join these
-- tables instead of reading JSON arrays, so their SQL is the same on SQLite and PostgreSQL. The
-- JSON columns of org_profiles stay the profile's document (what the API returns);
-- directory_profile_save writes both in one transaction.

CREATE TABLE org_departments (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    code TEXT NOT NULL,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE org_services (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    code TEXT NOT NULL,
    PRIMARY KEY (org_id, code)
);

CREATE TABLE org_equipment (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    code TEXT NOT NULL,
    shared_use INTEGER NOT NULL DEFAULT 0,         -- 1: offered to other organisations (共同利用)
    PRIMARY KEY (org_id, code)
);
CREATE INDEX org_departments_code ON org_departments(code);
CREATE INDEX org_services_code ON org_services(code);
CREATE INDEX org_equipment_code ON org_equipment(code);

-- the rows of the profiles saved before this migration (a one-time SQLite conversion)
INSERT INTO org_departments (org_id, code)
    SELECT DISTINCT p.org_id, d.value FROM org_profiles p, json_each(p.departments) d;
INSERT INTO org_services (org_id, code)
    SELECT DISTINCT p.org_id, v.value FROM org_profiles p, json_each(p.services) v;
INSERT INTO org_equipment (org_id, code, shared_use)
    SELECT p.org_id, json_extract(e.value, '$.code'), MAX(COALESCE(json_extract(e.value, '$.shared_use'), 0))
    FROM org_profiles p, json_each(p.equipment) e GROUP BY p.org_id, json_extract(e.value, '$.code');
