-- Contacts grow into whole profiles: several numbers (the first stays in contacts.phone, the
-- one a call's caller-ID is shown with), an address, and every profile field editable. A
-- number names one contact of a channel: a call is linked by it.
ALTER TABLE contacts ADD COLUMN address TEXT;
ALTER TABLE contacts ADD COLUMN updated_at_ms BIGINT;

CREATE TABLE contact_numbers (
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    channel_id BIGINT NOT NULL REFERENCES channels(id),
    position BIGINT NOT NULL,
    e164 TEXT NOT NULL,
    PRIMARY KEY (contact_id, position)
);
CREATE INDEX contact_numbers_by_number ON contact_numbers (channel_id, e164);

INSERT INTO contact_numbers (contact_id, channel_id, position, e164)
    SELECT id, channel_id, 0, phone FROM contacts;
