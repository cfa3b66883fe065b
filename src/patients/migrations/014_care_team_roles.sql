-- SPDX-License-Identifier: Apache-2.0
-- A care-team member's role as a code (issue 13, item 16): 主治医, 担当ケアマネ, 訪問看護担当 …
-- (patients_team_roles in src/patients/team.c), shown by name and given to FHIR as
-- CareTeam.participant.role. The free-text role column stays as a note beside it.

ALTER TABLE care_team ADD COLUMN role_code TEXT;
