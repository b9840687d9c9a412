-- A team's queue: how long a caller waits at most, how often they hear their position and
-- estimated wait (0: never), and in which language. A team without a row has the defaults.
CREATE TABLE queue_settings (
    team_id INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    max_wait_seconds INTEGER NOT NULL,
    announce_every_seconds INTEGER NOT NULL,
    language TEXT NOT NULL
);

-- A manager's assignment settings: the "phone" type (off: never rung for calls) and "ring me
-- for unassigned calls" (calls to a number without a team ring those who have it on).
ALTER TABLE managers ADD COLUMN takes_phone_calls INTEGER NOT NULL DEFAULT 1;
ALTER TABLE managers ADD COLUMN ring_unassigned INTEGER NOT NULL DEFAULT 1;
