-- Call control (invite, transfers, pick-up): a manager's part in a call also says how they came
-- to it (routed, invited or transferred by another manager, picked up) and how their leg ended.
-- SQLite cannot widen a CHECK in place, so the table is rebuilt with its rows.
CREATE TABLE call_managers_v2 (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    role TEXT NOT NULL CHECK (role IN ('rang', 'declined', 'answered', 'left')),
    at_ms INTEGER NOT NULL,
    -- rang/answered: 'route', 'invite', 'coldTransfer', 'warmTransfer' or 'pickUp'
    purpose TEXT,
    -- who invited or transferred
    by_manager_id INTEGER REFERENCES managers(id),
    -- left: 'left', 'transferred', 'transferCancelled', or the call's hangup cause
    cause TEXT
);
INSERT INTO call_managers_v2 (id, call_id, manager_id, role, at_ms)
    SELECT id, call_id, manager_id, role, at_ms FROM call_managers;
DROP TABLE call_managers;
ALTER TABLE call_managers_v2 RENAME TO call_managers;
CREATE INDEX call_managers_by_call ON call_managers (call_id);
