-- Ids the cloud hands out itself, reserved a block at a time, so a call can ring before its
-- record is written (the dispatcher never waits for the database).
CREATE TABLE id_blocks (
    name TEXT PRIMARY KEY,
    next_id BIGINT NOT NULL
);
INSERT INTO id_blocks (name, next_id) SELECT 'calls', COALESCE(MAX(id), 0) + 1 FROM calls;
