-- Text messages a workflow sent for a call: to whom, what, and why it failed (NULL: the
-- provider took it).
CREATE TABLE call_sms (
    call_id BIGINT NOT NULL REFERENCES calls(id),
    to_number TEXT NOT NULL,
    text TEXT NOT NULL,
    error TEXT,
    at_ms BIGINT NOT NULL
);
CREATE INDEX call_sms_by_call ON call_sms (call_id);
