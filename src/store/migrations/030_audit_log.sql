-- Issue 18: the audit trail is kept in an append-only log file (<data-dir>/audit.log); the table
-- audit becomes its index, filled in the background (src/audit/audit_int.h).
-- committed: 0 for a write's record whose transaction did not commit (logged, then rolled back
-- or cut short by a crash); its change was never made.
ALTER TABLE audit ADD COLUMN committed INTEGER NOT NULL DEFAULT 1 CHECK (committed IN (0, 1));
-- How far the log is indexed: the byte offset just past the last indexed record.
CREATE TABLE audit_index_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    log_offset INTEGER NOT NULL CHECK (log_offset >= 0)
);
