-- SPDX-License-Identifier: Apache-2.0
-- The beds an organisation has, by kind (issue 13): a JSON object kind → count, set with the
-- profile. The live status's free beds of a kind may not exceed the beds registered of it.
ALTER TABLE org_profiles ADD COLUMN registered_beds TEXT NOT NULL DEFAULT '{}';
