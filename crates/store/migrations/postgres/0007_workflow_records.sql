-- What a workflow leaves on a call: the digits typed into input forms, tags, the voicemail, and
-- each step the call walked (the step analytics count these at read time).
CREATE TABLE call_inputs (
    call_id BIGINT NOT NULL REFERENCES calls(id),
    label TEXT NOT NULL,
    value TEXT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX call_inputs_by_call ON call_inputs (call_id);

CREATE TABLE call_tags (
    call_id BIGINT NOT NULL REFERENCES calls(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (call_id, tag)
);

CREATE TABLE call_voicemails (
    call_id BIGINT PRIMARY KEY REFERENCES calls(id),
    wav BYTEA NOT NULL,
    duration_ms BIGINT NOT NULL,
    recorded_at_ms BIGINT NOT NULL
);

CREATE TABLE workflow_steps (
    call_id BIGINT NOT NULL REFERENCES calls(id),
    workflow_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    step_id BIGINT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('entered', 'dropped', 'pressed')),
    key TEXT,
    at_ms BIGINT NOT NULL
);
CREATE INDEX workflow_steps_by_version ON workflow_steps (workflow_id, version);
