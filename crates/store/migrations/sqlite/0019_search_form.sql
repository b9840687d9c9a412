-- Keyword search finds two-character words too (most Korean words are two syllables: 환불,
-- 배송, 분실). A trigram index cannot look up fewer than three characters, so each line is
-- indexed in its search form: lower case, every character written twice ("환불" → "환환불불").
-- A query of n characters becomes 2n, and "q is in the text" holds exactly when "the doubled q
-- is in the doubled text": every query of two characters or more goes through the index. The
-- store computes the form (`search_form`); here it is filled in for the lines already kept.
ALTER TABLE transcript_lines ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE transcript_lines SET search_text = (
    WITH RECURSIVE doubled(i, s) AS (
        SELECT 1, ''
        UNION ALL
        SELECT i + 1,
               s || substr(lower(transcript_lines.text), i, 1)
                 || substr(lower(transcript_lines.text), i, 1)
        FROM doubled WHERE i <= length(transcript_lines.text)
    )
    SELECT s FROM doubled WHERE i = length(transcript_lines.text) + 1
);

DROP TRIGGER transcript_lines_indexed;
DROP TRIGGER transcript_lines_unindexed;
DROP TABLE transcript_search;
-- channel_id rides along (not indexed) so a search reads its channel's lines newest first
-- straight from the index and stops at the page's end.
CREATE VIRTUAL TABLE transcript_search USING fts5(
    search_text, channel_id UNINDEXED,
    content = 'transcript_lines', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO transcript_search (transcript_search) VALUES ('rebuild');
CREATE TRIGGER transcript_lines_indexed AFTER INSERT ON transcript_lines BEGIN
    INSERT INTO transcript_search (rowid, search_text, channel_id)
    VALUES (new.id, new.search_text, new.channel_id);
END;
CREATE TRIGGER transcript_lines_unindexed AFTER DELETE ON transcript_lines BEGIN
    INSERT INTO transcript_search (transcript_search, rowid, search_text, channel_id)
    VALUES ('delete', old.id, old.search_text, old.channel_id);
END;
