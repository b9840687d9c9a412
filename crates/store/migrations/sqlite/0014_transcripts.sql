-- A recording's transcript: each line a speaker's (the customer's channel or the managers'),
-- with where it is in the recording. transcript_state on the recording: NULL when nothing
-- transcribes, 'pending' until the lines are written, then 'ready' or 'failed'.
ALTER TABLE recordings ADD COLUMN transcript_state TEXT
    CHECK (transcript_state IN ('pending', 'ready', 'failed'));

CREATE TABLE transcript_lines (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES recordings(call_id),
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    speaker TEXT NOT NULL CHECK (speaker IN ('customer', 'agent')),
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX transcript_lines_by_call ON transcript_lines (call_id, start_ms);
