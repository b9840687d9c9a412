-- Statistics (docs/statistics.md): what happened to each call is kept as it happens, and every
-- metric is computed from it when asked. Raw events that had no home before go to
-- `call_events` (append-only); the timestamps the metrics read most are kept on the call too,
-- and summed, as each call ends, into 15-minute slots per team and queue (`call_figures`) and
-- per manager (`manager_figures_by_slot`, and `…_by_day` so a long period reads whole UTC
-- days). The sums are derived: the store rebuilds them from the calls whenever a definition
-- changes.
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

-- Each time a manager was rung for a call or joined it (a manager's figures are summed from
-- these when the call ends). A row opens at the ring (or at the join when nothing rang: a pick-up, a dial) and
-- closes when the ring stops or the leg ends.
CREATE TABLE call_legs (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
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

-- Each change of a manager's status as others saw it (`available`, `away`, `inCall`,
-- `wrapUp`, `offline`): time in each status is read from consecutive rows.
CREATE TABLE manager_statuses (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    status TEXT NOT NULL CHECK (status IN ('available', 'away', 'inCall', 'wrapUp', 'offline')),
    from_ms INTEGER NOT NULL
);
CREATE INDEX manager_statuses_by_manager ON manager_statuses (manager_id, id);

-- The sums of the calls that started in a 15-minute slot (`started_at_ms / 900000`), per team
-- of the number called, and per queue the call first waited in (0: none). Column meanings:
-- `ringdesk_store::statistics::CallFigures`; `answered_wait_N` and `abandon_wait_N` count
-- queue waits between the threshold edges the store lists.
CREATE TABLE call_figures (
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    slot INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    queue_team_id INTEGER NOT NULL,
    queue_manager_id INTEGER NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    inbound INTEGER NOT NULL DEFAULT 0,
    outbound INTEGER NOT NULL DEFAULT 0,
    inbound_answered INTEGER NOT NULL DEFAULT 0,
    outbound_answered INTEGER NOT NULL DEFAULT 0,
    missed_not_in_operation INTEGER NOT NULL DEFAULT 0,
    missed_no_operator INTEGER NOT NULL DEFAULT 0,
    missed_abandoned_in_queue INTEGER NOT NULL DEFAULT 0,
    missed_ring_time_over INTEGER NOT NULL DEFAULT 0,
    missed_user_left INTEGER NOT NULL DEFAULT 0,
    missed_exceeded_queue INTEGER NOT NULL DEFAULT 0,
    missed_workflow INTEGER NOT NULL DEFAULT 0,
    talked INTEGER NOT NULL DEFAULT 0,
    talk_ms INTEGER NOT NULL DEFAULT 0,
    hold_ms INTEGER NOT NULL DEFAULT 0,
    first_response_ms INTEGER NOT NULL DEFAULT 0,
    wrapped_up INTEGER NOT NULL DEFAULT 0,
    wrap_up_ms INTEGER NOT NULL DEFAULT 0,
    queued INTEGER NOT NULL DEFAULT 0,
    queued_answered INTEGER NOT NULL DEFAULT 0,
    queue_wait_ms INTEGER NOT NULL DEFAULT 0,
    answered_wait_0 INTEGER NOT NULL DEFAULT 0,
    answered_wait_1 INTEGER NOT NULL DEFAULT 0,
    answered_wait_2 INTEGER NOT NULL DEFAULT 0,
    answered_wait_3 INTEGER NOT NULL DEFAULT 0,
    answered_wait_4 INTEGER NOT NULL DEFAULT 0,
    answered_wait_5 INTEGER NOT NULL DEFAULT 0,
    answered_wait_6 INTEGER NOT NULL DEFAULT 0,
    answered_wait_7 INTEGER NOT NULL DEFAULT 0,
    answered_wait_8 INTEGER NOT NULL DEFAULT 0,
    answered_wait_9 INTEGER NOT NULL DEFAULT 0,
    answered_wait_10 INTEGER NOT NULL DEFAULT 0,
    abandon_wait_0 INTEGER NOT NULL DEFAULT 0,
    abandon_wait_1 INTEGER NOT NULL DEFAULT 0,
    abandon_wait_2 INTEGER NOT NULL DEFAULT 0,
    abandon_wait_3 INTEGER NOT NULL DEFAULT 0,
    abandon_wait_4 INTEGER NOT NULL DEFAULT 0,
    abandon_wait_5 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, slot, team_id, queue_team_id, queue_manager_id)
) WITHOUT ROWID;

-- Each manager's sums, per 15-minute slot and per UTC day: the calls they were part of
-- (counted in the slot the call started) and their time in each status.
CREATE TABLE manager_figures_by_slot (
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    slot INTEGER NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    calls INTEGER NOT NULL DEFAULT 0,
    outbound INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    talk_ms INTEGER NOT NULL DEFAULT 0,
    ring_ms INTEGER NOT NULL DEFAULT 0,
    missed_rings INTEGER NOT NULL DEFAULT 0,
    available_ms INTEGER NOT NULL DEFAULT 0,
    away_ms INTEGER NOT NULL DEFAULT 0,
    in_call_ms INTEGER NOT NULL DEFAULT 0,
    wrap_up_ms INTEGER NOT NULL DEFAULT 0,
    offline_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, slot, manager_id)
) WITHOUT ROWID;
CREATE TABLE manager_figures_by_day (
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    day INTEGER NOT NULL,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    calls INTEGER NOT NULL DEFAULT 0,
    outbound INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    talk_ms INTEGER NOT NULL DEFAULT 0,
    ring_ms INTEGER NOT NULL DEFAULT 0,
    missed_rings INTEGER NOT NULL DEFAULT 0,
    available_ms INTEGER NOT NULL DEFAULT 0,
    away_ms INTEGER NOT NULL DEFAULT 0,
    in_call_ms INTEGER NOT NULL DEFAULT 0,
    wrap_up_ms INTEGER NOT NULL DEFAULT 0,
    offline_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, day, manager_id)
) WITHOUT ROWID;
