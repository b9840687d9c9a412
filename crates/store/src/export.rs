//! The raw per-call export (CSV, `docs/statistics.md#csv-export`), read a page at a time in
//! start order so a year of calls never sits in memory at once.

use std::collections::HashMap;

use crate::{Result, Store, on_pool};

/// One call as the export shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRow {
    /// The call.
    pub id: i64,
    /// `inbound`/`outbound`.
    pub direction: String,
    /// Start, answer, end, queue entry, wrap-up closed: Unix ms.
    pub started_at_ms: i64,
    /// When answered.
    pub answered_at_ms: Option<i64>,
    /// When it ended.
    pub ended_at_ms: Option<i64>,
    /// Talk seconds.
    pub duration_s: i64,
    /// Why nobody answered.
    pub missed_reason: Option<String>,
    /// What ended it.
    pub hangup_cause: Option<String>,
    /// The channel's number.
    pub number: String,
    /// The customer's number.
    pub customer_number: String,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The team of the number called.
    pub team: Option<String>,
    /// The queue it first waited in (a team's, or a manager's own).
    pub queue: Option<String>,
    /// When it joined it.
    pub queued_at_ms: Option<i64>,
    /// Milliseconds on hold.
    pub hold_ms: i64,
    /// When its wrap-up ended.
    pub wrap_up_closed_at_ms: Option<i64>,
    /// The managers who talked in it, in the order they joined.
    pub managers: Vec<String>,
    /// The workflow steps it entered, in order, as `workflow/version/step`.
    pub workflow_path: Vec<String>,
    /// Its conversation's wrap-up: classification, sentiment, grade, processing.
    pub classification: Option<String>,
    /// Positive, neutral, negative.
    pub sentiment: Option<String>,
    /// New, regular, VIP, caution.
    pub grade: Option<String>,
    /// Resolved, in progress, escalated.
    pub processing: Option<String>,
    /// Its conversation's tags.
    pub tags: Vec<String>,
}

/// A page's managers `(call, name)`, workflow steps `(call, workflow, version, step)` and tags
/// `(call, tag)`.
type PageParts = (
    Vec<(i64, String)>,
    Vec<(i64, i64, i64, i64)>,
    Vec<(i64, String)>,
);

/// Where a page starts: after this `(started_at_ms, id)`.
pub type ExportCursor = (i64, i64);

impl Store {
    /// Up to `limit` of the channel's calls that started in `[from_ms, to_ms)`, after
    /// `cursor` in start order; the cursor of the next page is the last row's.
    pub async fn export_page(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
        cursor: Option<ExportCursor>,
        limit: i64,
    ) -> Result<Vec<ExportRow>> {
        let (after_ms, after_id) = cursor.unwrap_or((from_ms, i64::MIN));
        let mut out: Vec<ExportRow> = on_pool!(self, |p| {
            let rows: Vec<ExportSql> = sqlx::query_as(
                "SELECT c.id, c.direction, c.started_at_ms, c.answered_at_ms, c.ended_at_ms, \
                 c.duration_s, c.missed_reason, c.hangup_cause, c.number, c.caller_number, \
                 c.caller_name, t.name AS team, COALESCE(qt.name, qm.name) AS queue, \
                 c.queued_at_ms, c.hold_ms, c.wrap_up_closed_at_ms, cl.name AS classification, \
                 v.sentiment, v.grade, v.processing \
                 FROM calls c \
                 LEFT JOIN teams t ON t.id = c.team_id \
                 LEFT JOIN teams qt ON qt.id = c.queue_team_id \
                 LEFT JOIN managers qm ON qm.id = c.queue_manager_id \
                 LEFT JOIN conversations v ON v.id = c.id \
                 LEFT JOIN classifications cl ON cl.id = v.classification_id \
                 WHERE c.channel_id = $1 AND c.started_at_ms >= $2 AND c.started_at_ms < $3 \
                 AND c.started_at_ms >= $4 AND (c.started_at_ms > $4 OR c.id > $5) \
                 ORDER BY c.started_at_ms, c.id LIMIT $6",
            )
            .bind(channel_id)
            .bind(from_ms)
            .bind(to_ms)
            .bind(after_ms)
            .bind(after_id)
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.into_iter().map(ExportSql::into_row).collect()
        });
        let (Some(first), Some(last)) = (out.first(), out.last()) else {
            return Ok(out);
        };
        // The page's managers, steps and tags: one query each over the page's start times.
        let (lo, hi) = (first.started_at_ms, last.started_at_ms);
        let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let (managers, steps, tags): PageParts = on_pool!(self, |p| {
            let managers = sqlx::query_as(
                "SELECT cm.call_id, m.name FROM call_managers cm \
                     JOIN calls c ON c.id = cm.call_id JOIN managers m ON m.id = cm.manager_id \
                     WHERE c.channel_id = $1 AND c.started_at_ms >= $2 AND c.started_at_ms <= $3 \
                     AND cm.role = 'answered' ORDER BY cm.id",
            )
            .bind(channel_id)
            .bind(lo)
            .bind(hi)
            .fetch_all(p)
            .await?;
            let steps = sqlx::query_as(
                "SELECT s.call_id, s.workflow_id, s.version, s.step_id FROM workflow_steps s \
                     JOIN calls c ON c.id = s.call_id \
                     WHERE c.channel_id = $1 AND c.started_at_ms >= $2 AND c.started_at_ms <= $3 \
                     AND s.event = 'entered' ORDER BY s.at_ms",
            )
            .bind(channel_id)
            .bind(lo)
            .bind(hi)
            .fetch_all(p)
            .await?;
            let tags = sqlx::query_as(
                "SELECT g.conversation_id, g.tag FROM conversation_tags g \
                     JOIN calls c ON c.id = g.conversation_id \
                     WHERE c.channel_id = $1 AND c.started_at_ms >= $2 AND c.started_at_ms <= $3 \
                     ORDER BY g.tag",
            )
            .bind(channel_id)
            .bind(lo)
            .bind(hi)
            .fetch_all(p)
            .await?;
            (managers, steps, tags)
        });
        for (call, name) in managers {
            if let Some(&i) = index.get(&call) {
                let names = &mut out[i].managers;
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        for (call, workflow, version, step) in steps {
            if let Some(&i) = index.get(&call) {
                out[i]
                    .workflow_path
                    .push(format!("{workflow}/{version}/{step}"));
            }
        }
        for (call, tag) in tags {
            if let Some(&i) = index.get(&call) {
                out[i].tags.push(tag);
            }
        }
        Ok(out)
    }
}

/// A page row as SQL gives it (more columns than a tuple decodes).
#[derive(sqlx::FromRow)]
struct ExportSql {
    id: i64,
    direction: String,
    started_at_ms: i64,
    answered_at_ms: Option<i64>,
    ended_at_ms: Option<i64>,
    duration_s: i64,
    missed_reason: Option<String>,
    hangup_cause: Option<String>,
    number: String,
    caller_number: String,
    caller_name: Option<String>,
    team: Option<String>,
    queue: Option<String>,
    queued_at_ms: Option<i64>,
    hold_ms: i64,
    wrap_up_closed_at_ms: Option<i64>,
    classification: Option<String>,
    sentiment: Option<String>,
    grade: Option<String>,
    processing: Option<String>,
}

impl ExportSql {
    fn into_row(self) -> ExportRow {
        ExportRow {
            id: self.id,
            direction: self.direction,
            started_at_ms: self.started_at_ms,
            answered_at_ms: self.answered_at_ms,
            ended_at_ms: self.ended_at_ms,
            duration_s: self.duration_s,
            missed_reason: self.missed_reason,
            hangup_cause: self.hangup_cause,
            number: self.number,
            customer_number: self.caller_number,
            customer_name: self.caller_name,
            team: self.team,
            queue: self.queue,
            queued_at_ms: self.queued_at_ms,
            hold_ms: self.hold_ms,
            wrap_up_closed_at_ms: self.wrap_up_closed_at_ms,
            classification: self.classification,
            sentiment: self.sentiment,
            grade: self.grade,
            processing: self.processing,
            ..ExportRow::default()
        }
    }
}
