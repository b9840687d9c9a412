-- Prompts spoken by text-to-speech, rendered when a workflow is published and kept (48 kHz mono
-- WAV), so a call plays them without waiting for the engine.
CREATE TABLE speech_renders (
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    wav BYTEA NOT NULL,
    duration_ms BIGINT NOT NULL,
    rendered_at_ms BIGINT NOT NULL,
    PRIMARY KEY (language, text)
);
