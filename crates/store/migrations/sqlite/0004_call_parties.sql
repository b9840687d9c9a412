-- Parallel calls: a number a manager called on a second line of a call, and how that went
-- (there may be several, one after another).
CREATE TABLE call_parties (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
    number TEXT NOT NULL,
    by_manager_id INTEGER NOT NULL REFERENCES managers(id),
    started_at_ms INTEGER NOT NULL,
    answered_at_ms INTEGER,
    ended_at_ms INTEGER,
    -- how its line ended: 'merged' stays in the call; 'unreachable', 'partyLeft', 'ownerLeft',
    -- or the call's hangup cause
    outcome TEXT
);
CREATE INDEX call_parties_by_call ON call_parties (call_id);
