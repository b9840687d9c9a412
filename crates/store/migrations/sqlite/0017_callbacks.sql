-- Callbacks a manager books: call this customer back at this time, from this number. The
-- assignee's app reminds them ahead of it; done marks it handled (and may be undone).
CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    customer_number TEXT NOT NULL,
    conversation_id INTEGER REFERENCES conversations(id),
    assignee_id INTEGER NOT NULL REFERENCES managers(id),
    caller_id TEXT NOT NULL,
    due_at_ms INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    booked_by INTEGER NOT NULL REFERENCES managers(id),
    booked_at_ms INTEGER NOT NULL,
    done_at_ms INTEGER
);
CREATE INDEX callbacks_by_assignee ON callbacks (assignee_id, due_at_ms);
