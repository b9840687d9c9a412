-- A queue callback on the call: when the caller asked for it, how many times they were
-- dialled back, and when they answered.
ALTER TABLE calls ADD COLUMN callback_requested_at_ms INTEGER;
ALTER TABLE calls ADD COLUMN callback_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN callback_answered_at_ms INTEGER;
