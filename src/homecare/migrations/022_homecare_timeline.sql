-- SPDX-License-Identifier: Apache-2.0
-- The team timeline of a patient cared for at home (issue 16): posts by the care team, replies in
-- threads, mentions, read receipts and photo attachments. Times are ms since the epoch (UTC).

CREATE TABLE homecare_posts (
    id TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),         -- the author's organisation when posting
    category TEXT NOT NULL CHECK (category IN ('report', 'consult', 'request', 'notice')),
    body TEXT NOT NULL,
    urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    parent_id TEXT REFERENCES homecare_posts(id),     -- the thread's first post, or NULL
    created_at INTEGER NOT NULL,
    idempotency_key TEXT,                             -- a tablet sending again after a dropout
    request_sha256 TEXT,                              -- of what was asked with that key
    fhir_communication_id TEXT                        -- its FHIR Communication, once written
);
CREATE UNIQUE INDEX homecare_posts_idempotency ON homecare_posts(user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX homecare_posts_patient ON homecare_posts(patient_id, created_at);
CREATE INDEX homecare_posts_parent ON homecare_posts(parent_id);

-- A mention of a person (user_id and the organisation through which they are on the team) or
-- of a whole organisation (user_id NULL).
CREATE TABLE homecare_post_mentions (
    post_id TEXT NOT NULL REFERENCES homecare_posts(id),
    seq INTEGER NOT NULL,
    user_id TEXT REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (post_id, seq)
);

-- Who has read a post (one receipt per person, the first time), in which organisation.
CREATE TABLE homecare_post_reads (
    post_id TEXT NOT NULL REFERENCES homecare_posts(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    read_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

-- A photo attached to a post: re-encoded without metadata, kept in the blob store.
CREATE TABLE homecare_post_attachments (
    post_id TEXT NOT NULL REFERENCES homecare_posts(id),
    n INTEGER NOT NULL,                               -- 1, 2, … within the post
    blob_key TEXT NOT NULL,
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size INTEGER NOT NULL,                            -- bytes stored
    original_size INTEGER NOT NULL,                   -- bytes uploaded
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, n)
);
