-- SPDX-License-Identifier: Apache-2.0
-- Safety before an examination (issue 13, item 4): the checklist a hospital sets per kind of
-- examination of its shared equipment (an equipment code such as mri, or 'contrast' for any
-- examination with contrast medium), and the items the ordering clinic ticked with a booking.
CREATE TABLE equipment_checklists (
    org_id TEXT NOT NULL REFERENCES orgs(id),   -- the hospital owning the equipment
    exam_kind TEXT NOT NULL,                     -- directory equipment code, or 'contrast'
    items TEXT NOT NULL DEFAULT '[]',            -- JSON array of strings, in order
    updated_at INTEGER NOT NULL,
    updated_by TEXT REFERENCES users(id),
    PRIMARY KEY (org_id, exam_kind)
);

-- The checklist as the ordering organisation answered it: [{"item", "checked"}].
ALTER TABLE equipment_bookings ADD COLUMN checklist TEXT NOT NULL DEFAULT '[]';
