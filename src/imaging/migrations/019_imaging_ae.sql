-- SPDX-License-Identifier: Apache-2.0
-- The DICOM application entities that may send to the C-STORE SCP (src/imaging/scp.c): a calling
-- AE title names the organisation whose op stores what it sends (its local ids link the studies).
-- A calling AE title that is not listed (or removed) is rejected at association. Managed with
-- `tsunagu imaging ae add|list|remove`.
CREATE TABLE imaging_ae_titles (
    aet TEXT PRIMARY KEY,                     -- calling AE title, trimmed (PS3.5 AE: 1-16 chars)
    org_id TEXT NOT NULL REFERENCES orgs(id), -- the organisation it sends for
    description TEXT NOT NULL DEFAULT '',     -- e.g. "CT room 2"
    -- the only address it may call from (IPv4 or IPv6 literal), '' for any: an AE title is a
    -- name, not a credential, so where the network allows, pin it to the modality's address
    host TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    removed_at INTEGER                        -- NULL while it may send
);
CREATE INDEX imaging_ae_titles_org ON imaging_ae_titles(org_id);
