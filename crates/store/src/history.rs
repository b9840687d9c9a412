//! A manager's own call history, read from the calls they were part of (rung, answered,
//! placed): newest first, six months back, without what they deleted. Deleting hides a call
//! from their history only; the channel's call record stays.

use crate::{Result, Store, on_pool};

/// Six months (183 days) in milliseconds: how far back history reaches.
pub const HISTORY_KEEP_MS: i64 = 183 * 24 * 3600 * 1000;

/// Which of a manager's calls a history list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFilter {
    /// Every call.
    All,
    /// Inbound calls that rang them and that nobody answered.
    Missed,
    /// Inbound calls.
    Inbound,
    /// Outbound calls.
    Outbound,
}

/// One call of a manager's history, with what it was for them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryRow {
    /// The call.
    pub id: i64,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// The channel number (`meet` for a voice meet).
    pub number: String,
    /// The customer's number.
    pub caller_number: String,
    /// The customer's name, when known.
    pub caller_name: Option<String>,
    /// When it started (Unix ms).
    pub started_at_ms: i64,
    /// When someone answered it (Unix ms).
    pub answered_at_ms: Option<i64>,
    /// Talk time in seconds.
    pub duration_s: i64,
    /// Why it was missed, when it was.
    pub missed_reason: Option<String>,
    /// This manager answered it (or placed it).
    pub answered_by_me: bool,
    /// Who invited this manager into it, when they were invited.
    pub invited_by_id: Option<i64>,
    /// Their name.
    pub invited_by_name: Option<String>,
    /// A later call with the same customer was answered: a missed call already called back.
    pub handled_later: bool,
}

impl Store {
    /// A manager's history, newest first: at most `limit` calls started before
    /// `before_call` (a page's last id; `None`: from the newest), from the last six months
    /// before `now_ms` and after their last "delete all".
    pub async fn history(
        &self,
        manager_id: i64,
        filter: HistoryFilter,
        before_call: Option<i64>,
        limit: i64,
        now_ms: i64,
    ) -> Result<Vec<HistoryRow>> {
        let kind = match filter {
            HistoryFilter::All => "all",
            HistoryFilter::Missed => "missed",
            HistoryFilter::Inbound => "inbound",
            HistoryFilter::Outbound => "outbound",
        };
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT c.id, c.direction, c.number, c.caller_number, c.caller_name, \
             c.started_at_ms, c.answered_at_ms, c.duration_s, c.missed_reason, \
             EXISTS (SELECT 1 FROM call_managers a WHERE a.call_id = c.id \
                     AND a.manager_id = $1 AND a.role = 'answered') AS answered_by_me, \
             i.by_manager_id AS invited_by_id, w.name AS invited_by_name, \
             EXISTS (SELECT 1 FROM calls l WHERE l.channel_id = c.channel_id \
                     AND l.caller_number = c.caller_number AND l.started_at_ms > c.started_at_ms \
                     AND l.answered_at_ms IS NOT NULL) AS handled_later \
             FROM calls c \
             JOIN managers me ON me.id = $1 AND me.channel_id = c.channel_id \
             LEFT JOIN call_managers i ON i.id = ( \
                 SELECT MIN(r.id) FROM call_managers r WHERE r.call_id = c.id \
                 AND r.manager_id = $1 AND r.purpose = 'invite') \
             LEFT JOIN managers w ON w.id = i.by_manager_id \
             WHERE c.started_at_ms >= $2 \
             AND c.started_at_ms > COALESCE(me.history_cleared_at_ms, -1) \
             AND ($3 IS NULL OR c.id < $3) \
             AND EXISTS (SELECT 1 FROM call_managers m WHERE m.call_id = c.id AND m.manager_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM history_hidden h \
                             WHERE h.manager_id = $1 AND h.call_id = c.id) \
             AND ($4 = 'all' OR c.direction = $4 OR ($4 = 'missed' \
                  AND c.direction = 'inbound' AND c.missed_reason IS NOT NULL)) \
             ORDER BY c.id DESC LIMIT $5"
        )
        .bind(manager_id)
        .bind(now_ms - HISTORY_KEEP_MS)
        .bind(before_call)
        .bind(kind)
        .bind(limit)
        .fetch_all(p)
        .await?
        }))
    }

    /// Hides one call from a manager's history.
    pub async fn hide_from_history(&self, manager_id: i64, call_id: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO history_hidden (manager_id, call_id) \
             SELECT $1, c.id FROM calls c JOIN managers m ON m.id = $1 \
             AND m.channel_id = c.channel_id WHERE c.id = $2 ON CONFLICT DO NOTHING"
        )
        .bind(manager_id)
        .bind(call_id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Empties a manager's history: every call started up to `now_ms` is hidden from it.
    pub async fn clear_history(&self, manager_id: i64, now_ms: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE managers SET history_cleared_at_ms = $2 WHERE id = $1"
        )
        .bind(manager_id)
        .bind(now_ms)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
