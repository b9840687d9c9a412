-- Metrics API access keys (docs/statistics.md#metrics-api): an owner creates and revokes them
-- in the app; the secret is shown once and kept only as its SHA-256 digest (it is random and
-- long, so a fast digest is enough, as for session tokens). A revoked key stays listed.
CREATE TABLE access_keys (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    key_id TEXT NOT NULL UNIQUE,
    secret_sha256 TEXT NOT NULL,
    label TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES managers(id),
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
);
CREATE INDEX access_keys_by_channel ON access_keys (channel_id);

-- The raw calls' export reads a period in (start, id) order a page at a time.
CREATE INDEX calls_in_start_order ON calls (channel_id, started_at_ms, id);
