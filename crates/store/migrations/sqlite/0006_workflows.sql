-- Workflows (the IVR): a draft an admin edits and immutable published versions; calls run the
-- version that was current when they arrived. Definitions are JSON the cloud reads and checks;
-- the store keeps them as text. Ids are never reused (AUTOINCREMENT): a deleted workflow's or
-- prompt's id must not come back naming another channel's.
CREATE TABLE workflows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    name TEXT NOT NULL,
    -- Place in the channel's list: a number without a workflow of its own runs the first one.
    position INTEGER NOT NULL,
    draft TEXT NOT NULL,
    draft_saved_at_ms INTEGER NOT NULL,
    published_version INTEGER,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX workflows_by_channel ON workflows (channel_id, position);

CREATE TABLE workflow_versions (
    workflow_id INTEGER NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    published_at_ms INTEGER NOT NULL,
    published_by INTEGER NOT NULL REFERENCES managers(id),
    PRIMARY KEY (workflow_id, version)
);

-- A number's own workflow (NULL: the channel's first).
ALTER TABLE numbers ADD COLUMN workflow_id INTEGER REFERENCES workflows(id) ON DELETE SET NULL;

-- The channel's operating hours as JSON (NULL: always open).
ALTER TABLE channels ADD COLUMN operating_hours TEXT;

-- Prompts admins upload: kept as 16-bit PCM WAV at 48 kHz mono, checked and converted once.
CREATE TABLE prompts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    name TEXT NOT NULL,
    wav BLOB NOT NULL,
    duration_ms INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX prompts_by_channel ON prompts (channel_id);
