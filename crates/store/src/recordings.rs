//! Call recordings' rows: which call each belongs to, where it stands (being written, ready as
//! an MP3, or failed), how long it is, where managers paused it, and how long each channel
//! keeps them. The audio itself lives in files beside the database (`ringdesk-cloud`'s
//! `recording` module); a row never outlives its file's purge.

use crate::{Result, Store, on_pool};

/// A recording being written: the file grows as the call goes.
pub const RECORDING: &str = "recording";
/// The MP3 is made and may be played.
pub const READY: &str = "ready";
/// Making the MP3 failed (the reason is kept).
pub const FAILED: &str = "failed";

/// How long a channel keeps recordings unless it says otherwise: about six months.
pub const DEFAULT_RETENTION_DAYS: i64 = 183;

/// One day in milliseconds.
const DAY_MS: i64 = 86_400_000;

/// A recording as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecordingRow {
    /// The call (one recording per call).
    pub call_id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// When the recording started (the customer and a manager both on the line), Unix ms.
    pub started_at_ms: i64,
    /// [`RECORDING`], [`READY`] or [`FAILED`].
    pub state: String,
    /// Its length (0 while recording).
    pub duration_ms: i64,
    /// The MP3's size.
    pub mp3_bytes: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// `pending`, `ready` or `failed`; `None` when nothing transcribes.
    pub transcript_state: Option<String>,
    /// Paused stretches: from, and until (`None`: to the end), ms into the recording.
    #[sqlx(skip)]
    pub pauses: Vec<(i64, Option<i64>)>,
}

/// The fewest characters a keyword search looks for (the API's `SEARCH_QUERY_MIN`): one
/// character would match most lines and no index can narrow it.
pub const SEARCH_QUERY_MIN_CHARS: usize = 2;

/// How a transcript line is indexed for keyword search: lower case, every character written
/// twice ("환불 OK" → "환환불불  ookk").
///
/// Trigram indexes (FTS5's, pg_trgm) cannot look up fewer than three characters, and most
/// Korean words are two syllables. Doubled, a two-character query is four characters long, so
/// the index serves it; and the match stays exact: the doubled query `q1q1…qnqn` appears in the
/// doubled text only where `q` appears in the text (at an even offset it is `q` itself; at an
/// odd one it forces `q1 = … = qn` and the text holds that character n + 1 times).
///
/// Lines kept before the form existed were given it by migration 0019 with the database's
/// own lower-casing: the same for Korean and English (what transcripts are), but on SQLite a
/// capital outside ASCII in such a line stays a capital.
pub fn search_form(text: &str) -> String {
    text.to_lowercase().chars().flat_map(|c| [c, c]).collect()
}

/// A transcript line a keyword search found, with its call.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TranscriptHitRow {
    /// The call (and its conversation).
    pub call_id: i64,
    /// `customer` or `agent`.
    pub speaker: String,
    /// Where the line starts, ms into the recording.
    pub start_ms: i64,
    /// What was said.
    pub text: String,
    /// When the call started.
    pub started_at_ms: i64,
    /// The customer's number.
    pub caller_number: String,
    /// The customer's name, when known.
    pub contact_name: Option<String>,
}

/// One line of a transcript.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TranscriptLineRow {
    /// `customer` (the recording's left channel) or `agent` (the right).
    pub speaker: String,
    /// Where it starts, ms into the recording.
    pub start_ms: i64,
    /// Where it ends.
    pub end_ms: i64,
    /// What was said.
    pub text: String,
}

impl Store {
    /// A call's recording has started.
    pub async fn recording_started(
        &self,
        call_id: i64,
        channel_id: i64,
        started_at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO recordings (call_id, channel_id, started_at_ms, state) \
             VALUES ($1, $2, $3, 'recording')"
        )
        .bind(call_id)
        .bind(channel_id)
        .bind(started_at_ms)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A manager paused (`paused`) or resumed the recording, `at_ms` into it.
    pub async fn recording_paused(&self, call_id: i64, at_ms: i64, paused: bool) -> Result<()> {
        if paused {
            on_pool!(self, |p| sqlx::query(
                "INSERT INTO recording_pauses (call_id, paused_at_ms) VALUES ($1, $2)"
            )
            .bind(call_id)
            .bind(at_ms)
            .execute(p)
            .await
            .map(|_| ()))?;
        } else {
            on_pool!(self, |p| sqlx::query(
                "UPDATE recording_pauses SET resumed_at_ms = $2 \
                 WHERE call_id = $1 AND resumed_at_ms IS NULL"
            )
            .bind(call_id)
            .bind(at_ms)
            .execute(p)
            .await
            .map(|_| ()))?;
        }
        Ok(())
    }

    /// The recording is finished: `Ok(mp3 bytes)` ready, or `Err(why)` failed.
    pub async fn recording_finished(
        &self,
        call_id: i64,
        duration_ms: i64,
        outcome: std::result::Result<i64, &str>,
    ) -> Result<()> {
        let (state, bytes, error) = match outcome {
            Ok(bytes) => (READY, bytes, None),
            Err(why) => (FAILED, 0, Some(why)),
        };
        on_pool!(self, |p| sqlx::query(
            "UPDATE recordings SET state = $2, duration_ms = $3, mp3_bytes = $4, error = $5 \
             WHERE call_id = $1"
        )
        .bind(call_id)
        .bind(state)
        .bind(duration_ms)
        .bind(bytes)
        .bind(error)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The recording of one of `channel_id`'s calls, with its pauses; `None` for a call of
    /// another channel, as for one without a recording.
    pub async fn recording(&self, channel_id: i64, call_id: i64) -> Result<Option<RecordingRow>> {
        let row: Option<RecordingRow> = on_pool!(self, |p| sqlx::query_as(
            "SELECT call_id, channel_id, started_at_ms, state, duration_ms, mp3_bytes, error, \
             transcript_state FROM recordings WHERE channel_id = $1 AND call_id = $2"
        )
        .bind(channel_id)
        .bind(call_id)
        .fetch_optional(p)
        .await)?;
        let Some(mut row) = row else { return Ok(None) };
        row.pauses = on_pool!(self, |p| sqlx::query_as(
            "SELECT paused_at_ms, resumed_at_ms FROM recording_pauses \
             WHERE call_id = $1 ORDER BY paused_at_ms"
        )
        .bind(call_id)
        .fetch_all(p)
        .await)?;
        Ok(Some(row))
    }

    /// Recordings left being written — by a crash, as none is live at start-up.
    pub async fn unfinished_recordings(&self) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT call_id FROM recordings WHERE state = 'recording' ORDER BY call_id"
        )
        .fetch_all(p)
        .await)?)
    }

    /// The recording's transcript is on its way.
    pub async fn transcript_pending(&self, call_id: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE recordings SET transcript_state = 'pending' WHERE call_id = $1"
        )
        .bind(call_id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The recording's transcript: its lines (replacing any), or why there are none.
    pub async fn transcript_finished(
        &self,
        call_id: i64,
        outcome: std::result::Result<&[TranscriptLineRow], &str>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM transcript_lines WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            for line in outcome.unwrap_or_default() {
                sqlx::query(
                    "INSERT INTO transcript_lines \
                     (call_id, channel_id, speaker, start_ms, end_ms, text, search_text) \
                     SELECT call_id, channel_id, $2, $3, $4, $5, $6 FROM recordings \
                     WHERE call_id = $1",
                )
                .bind(call_id)
                .bind(&line.speaker)
                .bind(line.start_ms)
                .bind(line.end_ms)
                .bind(&line.text)
                .bind(search_form(&line.text))
                .execute(&mut *tx)
                .await?;
            }
            let state = if outcome.is_ok() { "ready" } else { "failed" };
            sqlx::query("UPDATE recordings SET transcript_state = $2 WHERE call_id = $1")
                .bind(call_id)
                .bind(state)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A recording's transcript, in order; empty for another channel's call.
    pub async fn transcript(
        &self,
        channel_id: i64,
        call_id: i64,
    ) -> Result<Vec<TranscriptLineRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT speaker, start_ms, end_ms, text FROM transcript_lines \
             WHERE channel_id = $1 AND call_id = $2 ORDER BY start_ms, id"
        )
        .bind(channel_id)
        .bind(call_id)
        .fetch_all(p)
        .await?))
    }

    /// The channel's transcript lines containing `query` (any case; `%`, `_` and `\` taken
    /// out: LIKE's wildcards, and PostgreSQL's escape): the `limit` written last (the most
    /// recently transcribed), shown newest call first. A query shorter than
    /// [`SEARCH_QUERY_MIN_CHARS`] finds nothing.
    ///
    /// Both backends answer from a trigram index over the lines' [`search_form`] (FTS5,
    /// pg_trgm), read newest line first and stopped at `limit`: a frequent word costs what a
    /// rare one does, and a two-character Korean word is looked up like a longer one
    /// (`BENCHMARKS.md`, keyword search).
    pub async fn search_transcripts(
        &self,
        channel_id: i64,
        query: &str,
        limit: i64,
    ) -> Result<Vec<TranscriptHitRow>> {
        let needle: String = query.replace(['%', '_', '\\'], "");
        if needle.trim().chars().count() < SEARCH_QUERY_MIN_CHARS {
            return Ok(Vec::new());
        }
        let pattern = format!("%{}%", search_form(&needle));
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT l.call_id, l.speaker, l.start_ms, l.text, c.started_at_ms, \
             c.caller_number, k.name AS contact_name \
             FROM transcript_lines l JOIN calls c ON c.id = l.call_id \
             LEFT JOIN contacts k ON k.id = c.contact_id \
             WHERE l.id IN (SELECT rowid FROM transcript_search \
                 WHERE search_text LIKE $2 AND channel_id = $1 \
                 ORDER BY rowid DESC LIMIT $3) \
             ORDER BY l.call_id DESC, l.start_ms"
        )
        .bind(channel_id)
        .bind(pattern)
        .bind(limit)
        .fetch_all(p)
        .await?))
    }

    /// Ready recordings whose transcript a stop left pending (their WAV file is still there).
    pub async fn pending_transcripts(&self) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT call_id FROM recordings \
             WHERE state = 'ready' AND transcript_state = 'pending' ORDER BY call_id"
        )
        .fetch_all(p)
        .await?))
    }

    /// Recordings older than their channel keeps them, at `now_ms`.
    pub async fn expired_recordings(&self, now_ms: i64) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT r.call_id FROM recordings r JOIN channels c ON c.id = r.channel_id \
             WHERE r.state <> 'recording' \
             AND r.started_at_ms < $1 - c.recording_retention_days * $2 ORDER BY r.call_id"
        )
        .bind(now_ms)
        .bind(DAY_MS)
        .fetch_all(p)
        .await)?)
    }

    /// Forgets a recording (its file is gone).
    pub async fn delete_recording(&self, call_id: i64) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM transcript_lines WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM recording_pauses WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM recordings WHERE call_id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// How many days `channel_id` keeps recordings.
    pub async fn recording_retention_days(&self, channel_id: i64) -> Result<Option<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT recording_retention_days FROM channels WHERE id = $1"
        )
        .bind(channel_id)
        .fetch_optional(p)
        .await)?)
    }

    /// Sets how many days `channel_id` keeps recordings.
    pub async fn set_recording_retention_days(&self, channel_id: i64, days: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE channels SET recording_retention_days = $2 WHERE id = $1"
        )
        .bind(channel_id)
        .bind(days)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::search_form;

    /// Every text of up to 6 characters over a small alphabet (a repeated letter, a space and
    /// a Hangul syllable among them) against every query of 1 to 3: the doubled query is in
    /// the doubled text exactly when the query is in the text.
    #[test]
    fn the_search_form_keeps_containment_exact() {
        let alphabet = ['a', 'B', ' ', '환'];
        let all = |len: usize| -> Vec<String> {
            (0..alphabet.len().pow(len as u32))
                .map(|mut n| {
                    (0..len)
                        .map(|_| {
                            let c = alphabet[n % alphabet.len()];
                            n /= alphabet.len();
                            c
                        })
                        .collect()
                })
                .collect()
        };
        let texts: Vec<String> = (0..=6).flat_map(all).collect();
        let queries: Vec<String> = (1..=3).flat_map(all).collect();
        for text in &texts {
            for query in &queries {
                assert_eq!(
                    search_form(text).contains(&search_form(query)),
                    text.to_lowercase().contains(&query.to_lowercase()),
                    "{query:?} in {text:?}"
                );
            }
        }
        assert_eq!(search_form("환불 OK"), "환환불불  ookk");
    }
}
