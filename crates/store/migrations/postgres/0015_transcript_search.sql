-- Keyword search over transcripts: a pg_trgm index over the lower-cased text answers
-- `LIKE '%…%'` for 3 characters or more; the view gives it the name and columns SQLite's FTS5
-- table has, so both backends run one query text.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX transcript_lines_trigrams ON transcript_lines USING gin (lower(text) gin_trgm_ops);
CREATE VIEW transcript_search AS SELECT id AS rowid, lower(text) AS text FROM transcript_lines;
