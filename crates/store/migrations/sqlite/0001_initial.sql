-- Ringdesk's first schema. Times are UTC Unix milliseconds (INTEGER): sortable, no zone
-- ambiguity, the same in SQLite and PostgreSQL.

CREATE TABLE channels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    default_country_code TEXT NOT NULL DEFAULT '82',
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    name TEXT NOT NULL
);

CREATE TABLE managers (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager')),
    operator_seat INTEGER NOT NULL DEFAULT 1,
    outbound_permission INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'available',
    do_not_disturb INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (team_id, manager_id)
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    name TEXT,
    phone TEXT NOT NULL,
    email TEXT,
    is_lead INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX contacts_by_phone ON contacts (channel_id, phone);

CREATE TABLE contact_fields (
    contact_id INTEGER NOT NULL REFERENCES contacts(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
);

CREATE TABLE numbers (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    e164 TEXT NOT NULL UNIQUE,
    team_id INTEGER REFERENCES teams(id),
    label TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
);

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    number TEXT NOT NULL,
    caller_number TEXT NOT NULL,
    caller_name TEXT,
    contact_id INTEGER REFERENCES contacts(id),
    team_id INTEGER REFERENCES teams(id),
    started_at_ms INTEGER NOT NULL,
    answered_at_ms INTEGER,
    ended_at_ms INTEGER,
    duration_s INTEGER NOT NULL DEFAULT 0,
    hangup_cause TEXT,
    missed_reason TEXT
);
CREATE INDEX calls_by_channel ON calls (channel_id, started_at_ms DESC);

CREATE TABLE call_managers (
    id INTEGER PRIMARY KEY,
    call_id INTEGER NOT NULL REFERENCES calls(id),
    manager_id INTEGER NOT NULL REFERENCES managers(id),
    role TEXT NOT NULL CHECK (role IN ('rang', 'declined', 'answered')),
    at_ms INTEGER NOT NULL
);
CREATE INDEX call_managers_by_call ON call_managers (call_id);
