-- Every answered call's recording: written to a WAV file as the call goes (state
-- 'recording'), made an MP3 after it ('ready', or 'failed' with the reason). Offsets are
-- milliseconds into the recording. Each channel keeps recordings this many days.
ALTER TABLE channels ADD COLUMN recording_retention_days INTEGER NOT NULL DEFAULT 183;

CREATE TABLE recordings (
    call_id INTEGER PRIMARY KEY REFERENCES calls(id),
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    started_at_ms INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('recording', 'ready', 'failed')),
    duration_ms INTEGER NOT NULL DEFAULT 0,
    mp3_bytes INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX recordings_by_start ON recordings (started_at_ms);

-- A stretch where a manager paused the recording (silence in the file); resumed_at_ms NULL:
-- paused until the end.
CREATE TABLE recording_pauses (
    call_id INTEGER NOT NULL REFERENCES recordings(call_id),
    paused_at_ms INTEGER NOT NULL,
    resumed_at_ms INTEGER
);
CREATE INDEX recording_pauses_by_call ON recording_pauses (call_id);
