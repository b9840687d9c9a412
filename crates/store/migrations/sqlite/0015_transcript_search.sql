-- Keyword search over transcripts: every substring of 3 characters or more (Korean words
-- inside longer words too) through FTS5's trigram index, kept in step with transcript_lines
-- by triggers. Queried as `SELECT rowid FROM transcript_search WHERE text LIKE '%…%'`, the
-- same text PostgreSQL answers from its view over a pg_trgm index.
CREATE VIRTUAL TABLE transcript_search USING fts5(
    text, content = 'transcript_lines', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER transcript_lines_indexed AFTER INSERT ON transcript_lines BEGIN
    INSERT INTO transcript_search (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER transcript_lines_unindexed AFTER DELETE ON transcript_lines BEGIN
    INSERT INTO transcript_search (transcript_search, rowid, text)
    VALUES ('delete', old.id, old.text);
END;
