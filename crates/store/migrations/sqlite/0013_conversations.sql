-- The shared inbox: every call is a conversation (its id the call's), opened with the call.
-- `missed`: it began as a missed call, so it may be closed but never made open or snoozed
-- again. The wrap-up form's fields sit on the conversation; classifications are each
-- channel's own list.
CREATE TABLE classifications (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    name TEXT NOT NULL,
    UNIQUE (channel_id, name)
);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id),
    state TEXT NOT NULL CHECK (state IN ('open', 'snoozed', 'closed', 'missed')),
    missed INTEGER NOT NULL DEFAULT 0,
    assignee_id INTEGER REFERENCES managers(id),
    snoozed_until_ms INTEGER,
    updated_at_ms INTEGER NOT NULL,
    closed_at_ms INTEGER,
    classification_id INTEGER REFERENCES classifications(id),
    sentiment TEXT CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    grade TEXT CHECK (grade IN ('new', 'regular', 'vip', 'caution')),
    processing TEXT CHECK (processing IN ('resolved', 'inProgress', 'escalated'))
);
CREATE INDEX conversations_by_channel ON conversations (channel_id, updated_at_ms DESC);
CREATE INDEX conversations_by_assignee ON conversations (assignee_id, state);

CREATE TABLE conversation_notes (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    text TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX conversation_notes_by_conversation ON conversation_notes (conversation_id);

CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_by_tag ON conversation_tags (tag);

-- Calls recorded before the inbox existed become closed conversations.
INSERT INTO conversations (id, channel_id, call_id, state, missed, updated_at_ms, closed_at_ms)
SELECT id, channel_id, id, 'closed', CASE WHEN missed_reason IS NULL THEN 0 ELSE 1 END,
       COALESCE(ended_at_ms, started_at_ms), COALESCE(ended_at_ms, started_at_ms)
FROM calls;
