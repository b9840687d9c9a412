-- A manager's call history is read from the calls they were part of; what they delete is
-- hidden from their history only (the call record stays for the channel): one call, or every
-- call before a time ("delete all").
CREATE TABLE history_hidden (
    manager_id BIGINT NOT NULL REFERENCES managers(id),
    call_id BIGINT NOT NULL REFERENCES calls(id),
    PRIMARY KEY (manager_id, call_id)
);
ALTER TABLE managers ADD COLUMN history_cleared_at_ms BIGINT;
CREATE INDEX call_managers_by_manager ON call_managers (manager_id, call_id);
CREATE INDEX calls_by_caller ON calls (channel_id, caller_number, started_at_ms);
