-- Keyword search finds two-character words too (most Korean words are two syllables: 환불,
-- 배송, 분실). pg_trgm cannot look up fewer than three characters, so each line is indexed in
-- its search form: lower case, every character written twice ("환불" → "환환불불"). A query of
-- n characters becomes 2n, and "q is in the text" holds exactly when "the doubled q is in the
-- doubled text": every query of two characters or more goes through the index. The store
-- computes the form (`search_form`); here it is filled in for the lines already kept.
ALTER TABLE transcript_lines ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE transcript_lines SET search_text = regexp_replace(lower(text), '(.)', '\1\1', 'g');

DROP VIEW transcript_search;
DROP INDEX transcript_lines_trigrams;
CREATE INDEX transcript_lines_search ON transcript_lines USING gin (search_text gin_trgm_ops);
-- A frequent word's newest lines are read newest first, without collecting every match.
CREATE INDEX transcript_lines_newest ON transcript_lines (channel_id, id);
-- The name and columns SQLite's FTS5 table has, so both backends run one query text.
CREATE VIEW transcript_search AS
    SELECT id AS rowid, channel_id, search_text FROM transcript_lines;
