-- Statistics (docs/statistics.md): what happened to each call is kept as it happens, and every
-- metric is computed from it when asked. Raw events that had no home before go to
-- `call_events` (append-only); the timestamps the metrics read most are kept on the call too,
-- so a period's figures are one pass over its calls.
CREATE TABLE call_events (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
    kind TEXT NOT NULL CHECK (kind IN ('queued', 'held', 'resumed', 'ringStopped', 'wrapUpClosed')),
    at_ms INTEGER NOT NULL,
    manager_id INTEGER REFERENCES managers(id),
    team_id INTEGER REFERENCES teams(id),
    -- ringStopped: why (`timedOut`, `answeredElsewhere`, …)
    detail TEXT
);
CREATE INDEX call_events_by_call ON call_events (call_id);

-- The queue the call first waited in (a team's, or one manager's own) and since when.
ALTER TABLE calls ADD COLUMN queue_team_id INTEGER REFERENCES teams(id);
ALTER TABLE calls ADD COLUMN queue_manager_id INTEGER REFERENCES managers(id);
ALTER TABLE calls ADD COLUMN queued_at_ms INTEGER;
-- Time the customer spent on hold, and since when they are on hold now.
ALTER TABLE calls ADD COLUMN hold_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN held_since_ms INTEGER;
-- When its conversation was first closed after the call ended: the end of wrap-up.
ALTER TABLE calls ADD COLUMN wrap_up_closed_at_ms INTEGER;

-- Each time a manager was rung for a call or joined it: a manager's figures are sums over
-- these. A row opens at the ring (or at the join when nothing rang: a pick-up, a dial) and
-- closes when the ring stops or the leg ends.
CREATE TABLE call_legs (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    call_started_at_ms INTEGER NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    -- `route`, `invite`, `coldTransfer`, `warmTransfer`, `pickUp`, `dial`, `callback`
    purpose TEXT NOT NULL,
    rang_at_ms INTEGER,
    answered_at_ms INTEGER,
    ended_at_ms INTEGER,
    -- `declined`, a ring stop's reason, `left`, `transferred`, or the call's hangup cause
    outcome TEXT
);
CREATE INDEX call_legs_by_call ON call_legs (call_id, manager_id);
CREATE INDEX call_legs_for_statistics ON call_legs (channel_id, call_started_at_ms);

-- Each change of a manager's status as others saw it (`available`, `away`, `inCall`,
-- `wrapUp`, `offline`): time in each status is read from consecutive rows.
CREATE TABLE manager_statuses (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    status TEXT NOT NULL CHECK (status IN ('available', 'away', 'inCall', 'wrapUp', 'offline')),
    from_ms INTEGER NOT NULL
);
CREATE INDEX manager_statuses_by_channel ON manager_statuses (channel_id, from_ms);
