-- SPDX-License-Identifier: Apache-2.0
-- Referral figures (実績, issue 5). tsunagu counts referrals itself (tables referrals and
-- referral_events); the one figure it cannot know is how many first visits (初診患者数) an
-- organisation had in a month: the organisation enters it, and it is the denominator of
-- 紹介率 and 逆紹介率 (docs/api/referral-stats.md).

CREATE TABLE org_first_visits (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    month TEXT NOT NULL,                  -- 'YYYY-MM', a calendar month in Asia/Tokyo
    count INTEGER NOT NULL CHECK (count >= 0),
    updated_by TEXT REFERENCES users(id), -- NULL for figures loaded with the demo region
    updated_at INTEGER NOT NULL,          -- milliseconds since the epoch (UTC)
    PRIMARY KEY (org_id, month)
);
