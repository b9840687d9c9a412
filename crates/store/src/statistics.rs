//! The sums every statistic is computed from (`docs/statistics.md`).
//!
//! What happened to each call is recorded as it happens (the call's timestamps, its managers'
//! legs, `call_events`, managers' status changes). When a call ends, its contribution — counts
//! and milliseconds, nothing divided — is added to its 15-minute slot's sums per team and queue
//! (`call_figures`) and to each of its managers' sums (`manager_figures_by_slot` and
//! `…_by_day`); a status change adds the time spent in the status it leaves. A period's
//! figures are then a sum over a few thousand rows, whatever the number of calls, and the
//! cloud derives every rate and average from them at request time, with the thresholds the
//! request names. The sums are derived data: [`Store::rebuild_statistics`] recomputes them
//! from the record, as when a definition changes.
//!
//! Thresholds are read from histograms of queue waits, so they are chosen from fixed edges
//! ([`ANSWER_WITHIN_SECONDS`], [`SHORT_ABANDON_SECONDS`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::{Result, Store, on_pool};

/// The length of the slots calls are summed in: 15 minutes, so a day in any time zone (some
/// are offset by 30 or 45 minutes) is whole slots.
pub const SLOT_MS: i64 = 15 * 60 * 1000;

/// A UTC day: managers' sums are also kept per day, so a 90-day period reads 90 rows each.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The service-level thresholds a request may name: a queued call answered within this many
/// seconds of joining the queue counts as answered in time.
pub const ANSWER_WITHIN_SECONDS: [i64; 10] = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300];

/// The short-abandon thresholds a request may name: a queued caller who hung up sooner than
/// this many seconds is left out of the service level and the abandonment rate (0: none is).
pub const SHORT_ABANDON_SECONDS: [i64; 6] = [0, 5, 10, 15, 20, 30];

/// The statuses whose time is summed, with their columns.
pub const STATUSES: [(&str, &str); 5] = [
    ("available", "available_ms"),
    ("away", "away_ms"),
    ("inCall", "in_call_ms"),
    ("wrapUp", "wrap_up_ms"),
    ("offline", "offline_ms"),
];

/// Counts and sums over a set of calls; every field adds up across sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallFigures {
    /// Calls.
    pub calls: i64,
    /// Calls that came in.
    pub inbound: i64,
    /// Calls a manager placed.
    pub outbound: i64,
    /// Inbound calls a manager answered.
    pub inbound_answered: i64,
    /// Placed calls the called party answered.
    pub outbound_answered: i64,
    /// Missed: outside operating hours.
    pub missed_not_in_operation: i64,
    /// Missed: no manager could take calls.
    pub missed_no_operator: i64,
    /// Missed: waited the queue's maximum.
    pub missed_abandoned_in_queue: i64,
    /// Missed: rang, nobody answered.
    pub missed_ring_time_over: i64,
    /// Missed: the customer hung up first.
    pub missed_user_left: i64,
    /// Missed: the queue was full.
    pub missed_exceeded_queue: i64,
    /// Missed: a workflow ended it.
    pub missed_workflow: i64,
    /// Answered calls (both directions) that ended: their talk time is known.
    pub talked: i64,
    /// Their time from answer to end, hold included.
    pub talk_ms: i64,
    /// Their time on hold.
    pub hold_ms: i64,
    /// Sum over inbound answered calls of start → first manager connected.
    pub first_response_ms: i64,
    /// Talked calls whose conversation was closed after they ended.
    pub wrapped_up: i64,
    /// Their time from end to close.
    pub wrap_up_ms: i64,
    /// Inbound calls that waited in a queue.
    pub queued: i64,
    /// Queued calls answered.
    pub queued_answered: i64,
    /// Sum over queued answered calls of queue entry → answer.
    pub queue_wait_ms: i64,
    /// Queued answered calls by wait: `[i]` waited more than the edge before
    /// ([`ANSWER_WITHIN_SECONDS`]) and at most edge `i`; the last, more than the last edge.
    pub answered_waits: [i64; 11],
    /// Queued callers who hung up or waited out the queue, by wait: `[0]` under 5 s, `[i]` at
    /// least edge `i` ([`SHORT_ABANDON_SECONDS`]) and under the next; the last, 30 s or more.
    pub abandon_waits: [i64; 6],
}

/// The names of [`CallFigures`]' columns, in [`CallFigures::values`] order.
const CALL_COLUMNS: [&str; 38] = [
    "calls",
    "inbound",
    "outbound",
    "inbound_answered",
    "outbound_answered",
    "missed_not_in_operation",
    "missed_no_operator",
    "missed_abandoned_in_queue",
    "missed_ring_time_over",
    "missed_user_left",
    "missed_exceeded_queue",
    "missed_workflow",
    "talked",
    "talk_ms",
    "hold_ms",
    "first_response_ms",
    "wrapped_up",
    "wrap_up_ms",
    "queued",
    "queued_answered",
    "queue_wait_ms",
    "answered_wait_0",
    "answered_wait_1",
    "answered_wait_2",
    "answered_wait_3",
    "answered_wait_4",
    "answered_wait_5",
    "answered_wait_6",
    "answered_wait_7",
    "answered_wait_8",
    "answered_wait_9",
    "answered_wait_10",
    "abandon_wait_0",
    "abandon_wait_1",
    "abandon_wait_2",
    "abandon_wait_3",
    "abandon_wait_4",
    "abandon_wait_5",
];

impl CallFigures {
    /// Every field, in [`CALL_COLUMNS`] order.
    fn values(&self) -> [i64; 38] {
        let mut v = [0; 38];
        let scalars = [
            self.calls,
            self.inbound,
            self.outbound,
            self.inbound_answered,
            self.outbound_answered,
            self.missed_not_in_operation,
            self.missed_no_operator,
            self.missed_abandoned_in_queue,
            self.missed_ring_time_over,
            self.missed_user_left,
            self.missed_exceeded_queue,
            self.missed_workflow,
            self.talked,
            self.talk_ms,
            self.hold_ms,
            self.first_response_ms,
            self.wrapped_up,
            self.wrap_up_ms,
            self.queued,
            self.queued_answered,
            self.queue_wait_ms,
        ];
        v[..21].copy_from_slice(&scalars);
        v[21..32].copy_from_slice(&self.answered_waits);
        v[32..].copy_from_slice(&self.abandon_waits);
        v
    }

    /// The inverse of [`CallFigures::values`].
    fn from_values(v: &[i64; 38]) -> CallFigures {
        let mut answered_waits = [0; 11];
        answered_waits.copy_from_slice(&v[21..32]);
        let mut abandon_waits = [0; 6];
        abandon_waits.copy_from_slice(&v[32..]);
        CallFigures {
            calls: v[0],
            inbound: v[1],
            outbound: v[2],
            inbound_answered: v[3],
            outbound_answered: v[4],
            missed_not_in_operation: v[5],
            missed_no_operator: v[6],
            missed_abandoned_in_queue: v[7],
            missed_ring_time_over: v[8],
            missed_user_left: v[9],
            missed_exceeded_queue: v[10],
            missed_workflow: v[11],
            talked: v[12],
            talk_ms: v[13],
            hold_ms: v[14],
            first_response_ms: v[15],
            wrapped_up: v[16],
            wrap_up_ms: v[17],
            queued: v[18],
            queued_answered: v[19],
            queue_wait_ms: v[20],
            answered_waits,
            abandon_waits,
        }
    }

    /// Adds another set's figures to these.
    pub fn add(&mut self, o: &CallFigures) {
        let mut v = self.values();
        for (a, b) in v.iter_mut().zip(o.values()) {
            *a += b;
        }
        *self = CallFigures::from_values(&v);
    }

    /// Missed inbound calls, all reasons.
    pub fn missed(&self) -> i64 {
        self.missed_not_in_operation
            + self.missed_no_operator
            + self.missed_abandoned_in_queue
            + self.missed_ring_time_over
            + self.missed_user_left
            + self.missed_exceeded_queue
            + self.missed_workflow
    }

    /// Queued calls answered within `seconds` of joining the queue; `None` when `seconds` is
    /// not one of [`ANSWER_WITHIN_SECONDS`].
    pub fn answered_within(&self, seconds: i64) -> Option<i64> {
        let edge = ANSWER_WITHIN_SECONDS.iter().position(|&s| s == seconds)?;
        Some(self.answered_waits[..=edge].iter().sum())
    }

    /// Queued callers who hung up (or waited out the queue) after `short_seconds`, and those
    /// who hung up sooner; `None` when it is not one of [`SHORT_ABANDON_SECONDS`].
    pub fn abandons(&self, short_seconds: i64) -> Option<(i64, i64)> {
        let edge = SHORT_ABANDON_SECONDS
            .iter()
            .position(|&s| s == short_seconds)?;
        let short: i64 = self.abandon_waits[..edge].iter().sum();
        let all: i64 = self.abandon_waits.iter().sum();
        Some((all - short, short))
    }

    /// What one call adds.
    fn of_call(c: &CallFacts) -> CallFigures {
        let count = |b: bool| i64::from(b);
        let inbound = c.direction == "inbound";
        let missed = c.missed_reason.as_deref();
        let answered = missed.is_none() && c.answered_at_ms.is_some();
        let talk = match (c.answered_at_ms, c.ended_at_ms, missed) {
            (Some(a), Some(e), None) => Some(e - a),
            _ => None,
        };
        let is = |reason: &str| count(missed == Some(reason));
        let mut f = CallFigures {
            calls: 1,
            inbound: count(inbound),
            outbound: count(!inbound),
            inbound_answered: count(inbound && answered),
            outbound_answered: count(!inbound && c.answered_at_ms.is_some()),
            missed_not_in_operation: is("notInOperation"),
            missed_no_operator: is("noOperator"),
            missed_abandoned_in_queue: is("abandonedInQueue"),
            missed_ring_time_over: is("ringTimeOver"),
            missed_user_left: is("userleft"),
            missed_exceeded_queue: is("exceededQueue"),
            missed_workflow: is("workflow"),
            talked: count(talk.is_some()),
            talk_ms: talk.unwrap_or(0),
            hold_ms: if talk.is_some() { c.hold_ms } else { 0 },
            first_response_ms: match c.answered_at_ms {
                Some(a) if inbound && answered => a - c.started_at_ms,
                _ => 0,
            },
            ..CallFigures::default()
        };
        if let (Some(closed), Some(ended)) = (c.wrap_up_closed_at_ms, c.ended_at_ms) {
            f.wrapped_up = 1;
            f.wrap_up_ms = closed - ended;
        }
        if let Some(queued) = c.queued_at_ms {
            f.queued = 1;
            if let (true, Some(a)) = (answered, c.answered_at_ms) {
                let wait = a - queued;
                f.queued_answered = 1;
                f.queue_wait_ms = wait;
                let bucket = ANSWER_WITHIN_SECONDS
                    .iter()
                    .position(|&s| wait <= s * 1000)
                    .unwrap_or(ANSWER_WITHIN_SECONDS.len());
                f.answered_waits[bucket] = 1;
            }
            if let (Some("userleft" | "abandonedInQueue"), Some(e)) = (missed, c.ended_at_ms) {
                let waited = e - queued;
                let bucket = SHORT_ABANDON_SECONDS
                    .iter()
                    .rposition(|&s| waited >= s * 1000)
                    .unwrap_or(0);
                f.abandon_waits[bucket] = 1;
            }
        }
        f
    }
}

/// What the sums need of one call.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct CallFacts {
    id: i64,
    channel_id: i64,
    direction: String,
    team_id: Option<i64>,
    queue_team_id: Option<i64>,
    queue_manager_id: Option<i64>,
    started_at_ms: i64,
    answered_at_ms: Option<i64>,
    ended_at_ms: Option<i64>,
    missed_reason: Option<String>,
    hold_ms: i64,
    queued_at_ms: Option<i64>,
    wrap_up_closed_at_ms: Option<i64>,
}

/// The row of `call_figures` a call's sums go to: `(slot, team, queue team, queue manager)`,
/// 0 for none.
type CallKey = (i64, i64, i64, i64);

impl CallFacts {
    fn key(&self) -> CallKey {
        (
            self.started_at_ms / SLOT_MS,
            self.team_id.unwrap_or(0),
            self.queue_team_id.unwrap_or(0),
            self.queue_manager_id.unwrap_or(0),
        )
    }
}

/// A call's facts, `$1` its id.
pub(crate) const CALL_FACTS: &str = concat!(call_facts!(), " WHERE id = $1");

/// The columns of [`CallFacts`] from `calls`, as a literal so queries stay static strings.
macro_rules! call_facts {
    () => {
        "SELECT id, channel_id, direction, team_id, queue_team_id, queue_manager_id, \
         started_at_ms, answered_at_ms, ended_at_ms, missed_reason, hold_ms, queued_at_ms, \
         wrap_up_closed_at_ms FROM calls"
    };
}
use call_facts;

/// One manager's figures over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ManagerFigures {
    /// The manager.
    pub manager_id: i64,
    /// Calls they were rung for, joined or placed.
    pub calls: i64,
    /// Calls they placed.
    pub outbound: i64,
    /// Calls that came in that they answered (routed, transferred, invited, picked up).
    pub answered: i64,
    /// Their time in calls, from joining to leaving.
    pub talk_ms: i64,
    /// Their time being rung.
    pub ring_ms: i64,
    /// Rings they let time out, declined, or lost by going away or offline.
    pub missed_rings: i64,
    /// Milliseconds in each of [`STATUSES`], in its order.
    pub status_ms: [i64; 5],
}

const MANAGER_COLUMNS: [&str; 11] = [
    "calls",
    "outbound",
    "answered",
    "talk_ms",
    "ring_ms",
    "missed_rings",
    "available_ms",
    "away_ms",
    "in_call_ms",
    "wrap_up_ms",
    "offline_ms",
];

impl ManagerFigures {
    fn values(&self) -> [i64; 11] {
        let s = self.status_ms;
        [
            self.calls,
            self.outbound,
            self.answered,
            self.talk_ms,
            self.ring_ms,
            self.missed_rings,
            s[0],
            s[1],
            s[2],
            s[3],
            s[4],
        ]
    }

    fn from_values(manager_id: i64, v: &[i64; 11]) -> ManagerFigures {
        ManagerFigures {
            manager_id,
            calls: v[0],
            outbound: v[1],
            answered: v[2],
            talk_ms: v[3],
            ring_ms: v[4],
            missed_rings: v[5],
            status_ms: [v[6], v[7], v[8], v[9], v[10]],
        }
    }

    fn add(&mut self, o: &ManagerFigures) {
        let mut v = self.values();
        for (a, b) in v.iter_mut().zip(o.values()) {
            *a += b;
        }
        *self = ManagerFigures::from_values(self.manager_id, &v);
    }

    /// What one leg adds to its manager's figures for its call (the call itself is counted
    /// once per manager by the caller).
    fn of_leg(l: &LegFacts) -> ManagerFigures {
        let dial = l.purpose == "dial";
        let missed = l.rang_at_ms.is_some()
            && l.answered_at_ms.is_none()
            && matches!(
                l.outcome.as_deref(),
                Some("timedOut" | "declined" | "unavailable" | "disconnected")
            );
        ManagerFigures {
            manager_id: l.manager_id,
            outbound: i64::from(dial),
            answered: i64::from(!dial && l.answered_at_ms.is_some()),
            talk_ms: match (l.answered_at_ms, l.ended_at_ms) {
                (Some(a), Some(e)) => e - a,
                _ => 0,
            },
            ring_ms: match l.rang_at_ms {
                Some(r) => l.answered_at_ms.or(l.ended_at_ms).unwrap_or(r) - r,
                None => 0,
            },
            missed_rings: i64::from(missed),
            ..ManagerFigures::default()
        }
    }
}

/// What the sums need of one leg.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct LegFacts {
    call_id: i64,
    manager_id: i64,
    purpose: String,
    rang_at_ms: Option<i64>,
    answered_at_ms: Option<i64>,
    ended_at_ms: Option<i64>,
    outcome: Option<String>,
}

/// A call's legs in order, `$1` its id.
pub(crate) const LEG_FACTS: &str = "SELECT call_id, manager_id, purpose, rang_at_ms, answered_at_ms, \
     ended_at_ms, outcome FROM call_legs WHERE call_id = $1 ORDER BY id";

/// Each manager's figures for one call from its legs, the call counted once each.
fn managers_of_call(legs: &[LegFacts]) -> Vec<ManagerFigures> {
    let mut by_manager: Vec<ManagerFigures> = Vec::new();
    for leg in legs {
        let f = ManagerFigures::of_leg(leg);
        match by_manager
            .iter_mut()
            .find(|m| m.manager_id == leg.manager_id)
        {
            Some(m) => {
                // A call is placed or answered once, however many legs it took.
                let (outbound, answered) = (m.outbound.max(f.outbound), m.answered.max(f.answered));
                m.add(&f);
                m.outbound = outbound;
                m.answered = answered;
            }
            None => by_manager.push(ManagerFigures { calls: 1, ..f }),
        }
    }
    by_manager
}

/// Pieces of a stretch of time: `(slot or day number, milliseconds in it)`.
type Pieces = Vec<(i64, i64)>;

/// The milliseconds of `[from_ms, until_ms)` in each 15-minute slot and each UTC day it
/// touches: `(slots, days)`.
fn split_time(from_ms: i64, until_ms: i64) -> (Pieces, Pieces) {
    let pieces = |size: i64| {
        let mut out = Vec::new();
        let mut at = from_ms;
        while at < until_ms {
            let n = at.div_euclid(size);
            let end = ((n + 1) * size).min(until_ms);
            out.push((n, end - at));
            at = end;
        }
        out
    };
    (pieces(SLOT_MS), pieces(DAY_MS))
}

/// `INSERT … ON CONFLICT DO UPDATE` adding to the sums of one row of `table`, keyed by `key`
/// then the `columns` (`$1`…), built once from the column lists.
fn upsert(table: &str, key: &[&str], columns: &[&str]) -> String {
    let names: Vec<&str> = key.iter().chain(columns).copied().collect();
    let params: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let adds: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
        names.join(", "),
        params.join(", "),
        key.join(", "),
        adds.join(", ")
    )
}

/// The sums of `columns` of `table` as 64-bit integers (PostgreSQL's `SUM` of a `BIGINT` is a
/// `NUMERIC`).
fn sums(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

static ADD_CALL: LazyLock<String> = LazyLock::new(|| {
    upsert(
        "call_figures",
        &[
            "channel_id",
            "slot",
            "team_id",
            "queue_team_id",
            "queue_manager_id",
        ],
        &CALL_COLUMNS,
    )
});
static ADD_MANAGER_SLOT: LazyLock<String> = LazyLock::new(|| {
    upsert(
        "manager_figures_by_slot",
        &["channel_id", "slot", "manager_id"],
        &MANAGER_COLUMNS,
    )
});
static ADD_MANAGER_DAY: LazyLock<String> = LazyLock::new(|| {
    upsert(
        "manager_figures_by_day",
        &["channel_id", "day", "manager_id"],
        &MANAGER_COLUMNS,
    )
});

/// A period's call sums (`$1` channel, `$2`/`$3` the slots, `$4` one team or all) per team
/// and queue: a few rows.
static READ_CALLS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT team_id, queue_team_id, queue_manager_id, {} FROM call_figures \
         WHERE channel_id = $1 AND slot >= $2 AND slot < $3 AND ($4 IS NULL OR team_id = $4) \
         GROUP BY team_id, queue_team_id, queue_manager_id",
        sums(&CALL_COLUMNS)
    )
});

/// A period's traffic per slot: what the charts over time show.
const READ_SLOTS: &str = "SELECT slot, CAST(SUM(calls) AS BIGINT), \
     CAST(SUM(inbound) AS BIGINT), CAST(SUM(inbound_answered) AS BIGINT), \
     CAST(SUM(outbound) AS BIGINT), CAST(SUM(outbound_answered) AS BIGINT), \
     CAST(SUM(missed_not_in_operation + missed_no_operator + missed_abandoned_in_queue \
       + missed_ring_time_over + missed_user_left + missed_exceeded_queue + missed_workflow) \
       AS BIGINT) \
     FROM call_figures WHERE channel_id = $1 AND slot >= $2 AND slot < $3 \
     AND ($4 IS NULL OR team_id = $4) GROUP BY slot ORDER BY slot";

/// Whole UTC days from the daily sums (`$2`/`$3`), the period's ragged ends from the slots
/// (`$4`–`$7`).
static READ_MANAGERS: LazyLock<String> = LazyLock::new(|| {
    let columns = MANAGER_COLUMNS.join(", ");
    format!(
        "SELECT manager_id, {} FROM ( \
           SELECT manager_id, {columns} FROM manager_figures_by_day \
             WHERE channel_id = $1 AND day >= $2 AND day < $3 \
           UNION ALL SELECT manager_id, {columns} FROM manager_figures_by_slot \
             WHERE channel_id = $1 AND ((slot >= $4 AND slot < $5) OR (slot >= $6 AND slot < $7)) \
         ) AS f GROUP BY manager_id ORDER BY manager_id",
        sums(&MANAGER_COLUMNS)
    )
});

/// Reads `N` 64-bit integers from a row, from column `first` on.
fn row_values<R: sqlx::Row, const N: usize>(row: &R, first: usize) -> Result<[i64; N]>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut v = [0; N];
    for (i, slot) in v.iter_mut().enumerate() {
        *slot = row.try_get::<i64, _>(first + i)?;
    }
    Ok(v)
}

/// Runs [`SumWrite`]s inside the transaction `$tx`.
macro_rules! write_sums {
    ($tx:expr, $writes:expr) => {
        for w in $writes {
            let mut q = sqlx::query(w.sql);
            for v in w.values {
                q = q.bind(v);
            }
            q.execute(&mut *$tx).await?;
        }
    };
}
pub(crate) use write_sums;

/// Adds an ended call's contribution to the sums, inside the transaction `$tx` that ended it:
/// its slot's figures, and each manager's for its legs and their slot and day.
macro_rules! add_call_to_statistics {
    ($tx:expr, $call_id:expr) => {{
        let facts: Option<$crate::statistics::CallFacts> =
            sqlx::query_as($crate::statistics::CALL_FACTS)
                .bind($call_id)
                .fetch_optional(&mut *$tx)
                .await?;
        if let Some(facts) = facts {
            let legs: Vec<$crate::statistics::LegFacts> =
                sqlx::query_as($crate::statistics::LEG_FACTS)
                    .bind($call_id)
                    .fetch_all(&mut *$tx)
                    .await?;
            $crate::statistics::write_sums!($tx, $crate::statistics::call_writes(&facts, &legs));
        }
    }};
}
pub(crate) use add_call_to_statistics;

/// One write to the sums: an upsert and its values in order.
pub(crate) struct SumWrite {
    pub(crate) sql: &'static str,
    pub(crate) values: Vec<i64>,
}

fn call_write(channel_id: i64, key: CallKey, f: &CallFigures) -> SumWrite {
    let mut values = vec![channel_id, key.0, key.1, key.2, key.3];
    values.extend(f.values());
    SumWrite {
        sql: ADD_CALL.as_str(),
        values,
    }
}

fn manager_writes(channel_id: i64, at_ms: i64, m: &ManagerFigures) -> [SumWrite; 2] {
    [
        manager_write(channel_id, false, at_ms.div_euclid(SLOT_MS), m),
        manager_write(channel_id, true, at_ms.div_euclid(DAY_MS), m),
    ]
}

/// The writes an ended call makes to the sums.
pub(crate) fn call_writes(facts: &CallFacts, legs: &[LegFacts]) -> Vec<SumWrite> {
    let mut writes = vec![call_write(
        facts.channel_id,
        facts.key(),
        &CallFigures::of_call(facts),
    )];
    for m in managers_of_call(legs) {
        writes.extend(manager_writes(facts.channel_id, facts.started_at_ms, &m));
    }
    writes
}

/// The writes a wrap-up closed at `closed_at_ms` makes: its call's slot gains one wrapped-up
/// call and its time.
pub(crate) fn wrap_up_write(facts: &CallFacts, closed_at_ms: i64) -> Option<SumWrite> {
    let ended = facts.ended_at_ms?;
    let f = CallFigures {
        wrapped_up: 1,
        wrap_up_ms: closed_at_ms - ended,
        ..CallFigures::default()
    };
    Some(call_write(facts.channel_id, facts.key(), &f))
}

/// A manager's time in `status` over `[from_ms, until_ms)`, cut into the slots and UTC days
/// it touches: `(per day, slot or day number, figures)`.
fn status_time(
    manager_id: i64,
    status: &str,
    from_ms: i64,
    until_ms: i64,
) -> Vec<(bool, i64, ManagerFigures)> {
    let Some(column) = STATUSES.iter().position(|(s, _)| *s == status) else {
        return Vec::new();
    };
    let (slots, days) = split_time(from_ms, until_ms);
    let pieces = slots.into_iter().map(|(n, ms)| (false, n, ms));
    pieces
        .chain(days.into_iter().map(|(n, ms)| (true, n, ms)))
        .map(|(per_day, n, ms)| {
            let mut m = ManagerFigures {
                manager_id,
                ..ManagerFigures::default()
            };
            m.status_ms[column] = ms;
            (per_day, n, m)
        })
        .collect()
}

/// One write of a manager's sums, per slot or per day.
fn manager_write(channel_id: i64, per_day: bool, n: i64, m: &ManagerFigures) -> SumWrite {
    let sql = if per_day {
        ADD_MANAGER_DAY.as_str()
    } else {
        ADD_MANAGER_SLOT.as_str()
    };
    let mut values = vec![channel_id, n, m.manager_id];
    values.extend(m.values());
    SumWrite { sql, values }
}

/// The writes a manager's time in `status` over `[from_ms, until_ms)` makes.
pub(crate) fn status_writes(
    channel_id: i64,
    manager_id: i64,
    status: &str,
    from_ms: i64,
    until_ms: i64,
) -> Vec<SumWrite> {
    status_time(manager_id, status, from_ms, until_ms)
        .iter()
        .map(|(per_day, n, m)| manager_write(channel_id, *per_day, *n, m))
        .collect()
}

/// A period of whole 15-minute slots, `[from_ms, to_ms)` rounded down to slots.
fn slots_of(from_ms: i64, to_ms: i64) -> (i64, i64) {
    (from_ms.div_euclid(SLOT_MS), to_ms.div_euclid(SLOT_MS))
}

/// One slot's traffic: the slot is `started_at_ms / SLOT_MS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotCounts {
    /// The slot's number.
    pub slot: i64,
    /// Calls.
    pub calls: i64,
    /// Calls that came in.
    pub inbound: i64,
    /// Of those, answered.
    pub inbound_answered: i64,
    /// Calls placed.
    pub outbound: i64,
    /// Of those, answered.
    pub outbound_answered: i64,
    /// Inbound calls missed, all reasons.
    pub missed: i64,
}

/// One team's figures: the calls to the numbers it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamFigures {
    /// The team; `None` for numbers without one.
    pub team_id: Option<i64>,
    /// Its calls' figures.
    pub figures: CallFigures,
}

/// One queue's figures: the calls that first waited in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFigures {
    /// A team's queue.
    pub team_id: Option<i64>,
    /// One manager's own queue.
    pub manager_id: Option<i64>,
    /// Its calls' figures.
    pub figures: CallFigures,
}

/// A period's call figures: in all, per team, per queue, and its traffic per slot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFigures {
    /// The whole period's.
    pub total: CallFigures,
    /// Per team of the number called, teamless numbers last.
    pub teams: Vec<TeamFigures>,
    /// Per queue the calls first waited in.
    pub queues: Vec<QueueFigures>,
    /// Per 15-minute slot with calls, in order.
    pub slots: Vec<SlotCounts>,
}

impl PeriodFigures {
    /// Folds the per-team-and-queue rows.
    fn fold(rows: &[([i64; 3], CallFigures)], slots: Vec<SlotCounts>) -> PeriodFigures {
        let mut total = CallFigures::default();
        let mut teams: HashMap<i64, CallFigures> = HashMap::new();
        let mut queues: HashMap<(i64, i64), CallFigures> = HashMap::new();
        for ([team, queue_team, queue_manager], f) in rows {
            total.add(f);
            teams.entry(*team).or_default().add(f);
            if (*queue_team, *queue_manager) != (0, 0) {
                queues
                    .entry((*queue_team, *queue_manager))
                    .or_default()
                    .add(f);
            }
        }
        let mut out = PeriodFigures {
            total,
            teams: teams
                .into_iter()
                .map(|(team, figures)| TeamFigures {
                    team_id: some_id(team),
                    figures,
                })
                .collect(),
            queues: queues
                .into_iter()
                .map(|((team, manager), figures)| QueueFigures {
                    team_id: some_id(team),
                    manager_id: some_id(manager),
                    figures,
                })
                .collect(),
            slots,
        };
        out.teams.sort_by_key(|t| (t.team_id.is_none(), t.team_id));
        out.queues
            .sort_by_key(|q| (q.team_id.is_none(), q.team_id, q.manager_id));
        out
    }
}

fn some_id(id: i64) -> Option<i64> {
    (id != 0).then_some(id)
}

impl Store {
    /// The call figures of a period's ended calls (the period rounded down to 15-minute
    /// slots): in all, per team of the number called, per queue the calls first waited in,
    /// and the traffic of each slot with calls (folded by local hour, the period's traffic).
    /// With `team_id`, only the calls to that team's numbers.
    pub async fn period_figures(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
        team_id: Option<i64>,
    ) -> Result<PeriodFigures> {
        let (from, to) = slots_of(from_ms, to_ms);
        let (rows, slots) = on_pool!(self, |p| {
            let rows = sqlx::query(READ_CALLS.as_str())
                .bind(channel_id)
                .bind(from)
                .bind(to)
                .bind(team_id)
                .fetch_all(p)
                .await?;
            let rows: Vec<([i64; 3], CallFigures)> = rows
                .iter()
                .map(|r| {
                    Ok((
                        row_values(r, 0)?,
                        CallFigures::from_values(&row_values(r, 3)?),
                    ))
                })
                .collect::<Result<_>>()?;
            let slots = sqlx::query(READ_SLOTS)
                .bind(channel_id)
                .bind(from)
                .bind(to)
                .bind(team_id)
                .fetch_all(p)
                .await?;
            let slots: Vec<SlotCounts> = slots
                .iter()
                .map(|r| {
                    let [
                        slot,
                        calls,
                        inbound,
                        inbound_answered,
                        outbound,
                        outbound_answered,
                        missed,
                    ] = row_values(r, 0)?;
                    Ok(SlotCounts {
                        slot,
                        calls,
                        inbound,
                        inbound_answered,
                        outbound,
                        outbound_answered,
                        missed,
                    })
                })
                .collect::<Result<_>>()?;
            (rows, slots)
        });
        Ok(PeriodFigures::fold(&rows, slots))
    }

    /// Each manager's figures over a period (rounded down to slots): the calls that started
    /// in it, and their time in each status within it up to `now_ms` (the status they are in
    /// now counts until then).
    pub async fn manager_figures(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
        now_ms: i64,
    ) -> Result<Vec<ManagerFigures>> {
        let (from, to) = slots_of(from_ms, to_ms);
        let per_day = DAY_MS / SLOT_MS;
        // Whole UTC days inside the period, and the slots before and after them.
        let (first_day, end_day) = (
            (from + per_day - 1).div_euclid(per_day),
            to.div_euclid(per_day),
        );
        let (days, ends) = if first_day < end_day {
            (
                (first_day, end_day),
                [(from, first_day * per_day), (end_day * per_day, to)],
            )
        } else {
            ((0, 0), [(from, to), (0, 0)])
        };
        let mut figures: Vec<ManagerFigures> = on_pool!(self, |p| {
            let rows = sqlx::query(READ_MANAGERS.as_str())
                .bind(channel_id)
                .bind(days.0)
                .bind(days.1)
                .bind(ends[0].0)
                .bind(ends[0].1)
                .bind(ends[1].0)
                .bind(ends[1].1)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    let id: i64 = sqlx::Row::try_get(r, 0)?;
                    Ok(ManagerFigures::from_values(id, &row_values(r, 1)?))
                })
                .collect::<Result<_>>()?
        });
        // The status each manager is in now has not been summed yet.
        let (period_from, period_to) = (from * SLOT_MS, (to * SLOT_MS).min(now_ms));
        let current: Vec<(i64, String, i64)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT s.manager_id, s.status, s.from_ms FROM managers m \
             JOIN manager_statuses s ON s.id = \
               (SELECT MAX(id) FROM manager_statuses WHERE manager_id = m.id) \
             WHERE m.channel_id = $1 AND s.from_ms < $2"
        )
        .bind(channel_id)
        .bind(period_to)
        .fetch_all(p)
        .await?);
        for (manager_id, status, since) in current {
            let Some(column) = STATUSES.iter().position(|(s, _)| *s == status) else {
                continue;
            };
            let ms = period_to - since.max(period_from);
            if ms <= 0 {
                continue;
            }
            let i = match figures.iter().position(|f| f.manager_id == manager_id) {
                Some(i) => i,
                None => {
                    figures.push(ManagerFigures {
                        manager_id,
                        ..ManagerFigures::default()
                    });
                    figures.len() - 1
                }
            };
            figures[i].status_ms[column] += ms;
        }
        figures.sort_by_key(|f| f.manager_id);
        Ok(figures)
    }

    /// Recomputes a channel's sums from its record: every ended call, its legs, and its
    /// managers' status changes. For when a definition changes, or sums written before one
    /// existed; the figures read afterwards are those of the current definitions.
    pub async fn rebuild_statistics(&self, channel_id: i64) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for table in [
                "DELETE FROM call_figures WHERE channel_id = $1",
                "DELETE FROM manager_figures_by_slot WHERE channel_id = $1",
                "DELETE FROM manager_figures_by_day WHERE channel_id = $1",
            ] {
                sqlx::query(table)
                    .bind(channel_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let calls: Vec<CallFacts> = sqlx::query_as(concat!(
                call_facts!(),
                " WHERE channel_id = $1 AND ended_at_ms IS NOT NULL"
            ))
            .bind(channel_id)
            .fetch_all(&mut *tx)
            .await?;
            let legs: Vec<LegFacts> = sqlx::query_as(
                "SELECT l.call_id, l.manager_id, l.purpose, l.rang_at_ms, l.answered_at_ms, \
                 l.ended_at_ms, l.outcome FROM call_legs l JOIN calls c ON c.id = l.call_id \
                 WHERE c.channel_id = $1 AND c.ended_at_ms IS NOT NULL ORDER BY l.call_id, l.id",
            )
            .bind(channel_id)
            .fetch_all(&mut *tx)
            .await?;
            let statuses: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT manager_id, status, from_ms FROM manager_statuses \
                 WHERE channel_id = $1 ORDER BY manager_id, id",
            )
            .bind(channel_id)
            .fetch_all(&mut *tx)
            .await?;
            write_sums!(tx, rebuilt(channel_id, &calls, &legs, &statuses));
            tx.commit().await?;
        });
        Ok(())
    }
}

/// The sums of a whole record, one write per row. `legs` are in call order, `statuses` in
/// each manager's order.
fn rebuilt(
    channel_id: i64,
    calls: &[CallFacts],
    legs: &[LegFacts],
    statuses: &[(i64, String, i64)],
) -> Vec<SumWrite> {
    let mut call_sums: HashMap<CallKey, CallFigures> = HashMap::new();
    for c in calls {
        call_sums
            .entry(c.key())
            .or_default()
            .add(&CallFigures::of_call(c));
    }
    let started: HashMap<i64, i64> = calls.iter().map(|c| (c.id, c.started_at_ms)).collect();
    // Keyed by (per day, slot or day number, manager).
    let mut manager_sums: HashMap<(bool, i64, i64), ManagerFigures> = HashMap::new();
    let mut add = |per_day: bool, n: i64, m: &ManagerFigures| {
        manager_sums
            .entry((per_day, n, m.manager_id))
            .or_insert(ManagerFigures {
                manager_id: m.manager_id,
                ..ManagerFigures::default()
            })
            .add(m);
    };
    for call_legs in legs.chunk_by(|a, b| a.call_id == b.call_id) {
        let Some(&at) = started.get(&call_legs[0].call_id) else {
            continue;
        };
        for m in managers_of_call(call_legs) {
            add(false, at.div_euclid(SLOT_MS), &m);
            add(true, at.div_euclid(DAY_MS), &m);
        }
    }
    for pair in statuses.windows(2) {
        let ((manager_id, status, from), (next_manager, _, until)) = (&pair[0], &pair[1]);
        if manager_id != next_manager {
            continue;
        }
        for (per_day, n, m) in status_time(*manager_id, status, *from, *until) {
            add(per_day, n, &m);
        }
    }
    let mut writes: Vec<SumWrite> = call_sums
        .iter()
        .map(|(key, f)| call_write(channel_id, *key, f))
        .collect();
    for ((per_day, n, _), m) in manager_sums {
        writes.push(manager_write(channel_id, per_day, n, &m));
    }
    writes
}
