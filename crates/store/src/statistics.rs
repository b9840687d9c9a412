//! The sums every statistic is computed from (`docs/statistics.md`), read at request time
//! from what was recorded as calls went: the calls' own timestamps, their managers' legs and
//! the managers' status changes. Nothing here is a rate or an average — only counts and sums
//! of milliseconds, which add up across slots, teams and queues — so the cloud derives every
//! metric from them with the thresholds the request gives, and a metric's definition can
//! change without losing history.
//!
//! A period is `[from_ms, to_ms)` on the calls' start. Each query is one pass over the
//! period's calls (or legs) on the `(channel_id, started_at_ms)` index.

use crate::{Result, Store, on_pool};

/// The length of the slots a period's calls are counted in: 15 minutes, so any time zone's
/// hours (some are offset by 30 or 45 minutes) are whole slots.
pub const SLOT_MS: i64 = 15 * 60 * 1000;

/// Thresholds a request sets for the figures that depend on one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A queued call answered within this long counts toward the service level.
    pub answer_within_ms: i64,
    /// A queued caller who hung up sooner than this is a short abandon: left out of the
    /// service level and the abandonment rate.
    pub short_abandon_ms: i64,
}

/// Counts and sums over a set of calls; every field adds up across sets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
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
    /// Answered calls that have ended (talk time is known).
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
    /// Queued calls answered within [`Thresholds::answer_within_ms`] of joining the queue.
    pub answered_in_time: i64,
    /// Sum over queued answered calls of queue entry → answer.
    pub queue_wait_ms: i64,
    /// Queued callers who hung up (or waited out the queue) after the short-abandon threshold.
    pub abandoned: i64,
    /// Queued callers who hung up before it.
    pub short_abandoned: i64,
}

impl CallFigures {
    /// Adds another set's figures to these.
    pub fn add(&mut self, o: &CallFigures) {
        let CallFigures {
            calls,
            inbound,
            outbound,
            inbound_answered,
            outbound_answered,
            missed_not_in_operation,
            missed_no_operator,
            missed_abandoned_in_queue,
            missed_ring_time_over,
            missed_user_left,
            missed_exceeded_queue,
            missed_workflow,
            talked,
            talk_ms,
            hold_ms,
            first_response_ms,
            wrapped_up,
            wrap_up_ms,
            queued,
            queued_answered,
            answered_in_time,
            queue_wait_ms,
            abandoned,
            short_abandoned,
        } = *o;
        self.calls += calls;
        self.inbound += inbound;
        self.outbound += outbound;
        self.inbound_answered += inbound_answered;
        self.outbound_answered += outbound_answered;
        self.missed_not_in_operation += missed_not_in_operation;
        self.missed_no_operator += missed_no_operator;
        self.missed_abandoned_in_queue += missed_abandoned_in_queue;
        self.missed_ring_time_over += missed_ring_time_over;
        self.missed_user_left += missed_user_left;
        self.missed_exceeded_queue += missed_exceeded_queue;
        self.missed_workflow += missed_workflow;
        self.talked += talked;
        self.talk_ms += talk_ms;
        self.hold_ms += hold_ms;
        self.first_response_ms += first_response_ms;
        self.wrapped_up += wrapped_up;
        self.wrap_up_ms += wrap_up_ms;
        self.queued += queued;
        self.queued_answered += queued_answered;
        self.answered_in_time += answered_in_time;
        self.queue_wait_ms += queue_wait_ms;
        self.abandoned += abandoned;
        self.short_abandoned += short_abandoned;
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
}

/// One 15-minute slot's figures ([`SLOT_MS`]): the slot is `started_at_ms / SLOT_MS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct SlotFigures {
    /// The slot's number.
    pub slot: i64,
    /// Its calls' figures.
    #[sqlx(flatten)]
    pub figures: CallFigures,
}

/// One team's figures: the calls to the numbers it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamFigures {
    /// The team; `None` for numbers without one.
    pub team_id: Option<i64>,
    /// Its calls' figures.
    #[sqlx(flatten)]
    pub figures: CallFigures,
}

/// One queue's figures: the calls that waited in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueFigures {
    /// A team's queue.
    pub team_id: Option<i64>,
    /// One manager's own queue.
    pub manager_id: Option<i64>,
    /// Its calls' figures.
    #[sqlx(flatten)]
    pub figures: CallFigures,
}

/// One manager's figures over a period's calls, from their legs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
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
}

/// How long a manager was in one status within a period.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatusTime {
    /// The manager.
    pub manager_id: i64,
    /// `available`, `away`, `inCall`, `wrapUp` or `offline`.
    pub status: String,
    /// Milliseconds.
    pub ms: i64,
}

/// The figures of [`CallFigures`] over `calls` (`$1` channel, `$2`/`$3` the period, `$4`
/// answer-within, `$5` short abandon), as a literal so each query stays a static string.
/// Sums are cast so both backends hand back a 64-bit integer (PostgreSQL's `SUM` of a
/// `BIGINT` is a `NUMERIC`).
macro_rules! call_figures {
    () => {
        "COUNT(*) AS calls, \
         CAST(COALESCE(SUM(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END), 0) AS BIGINT) AS inbound, \
         CAST(COALESCE(SUM(CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END), 0) AS BIGINT) AS outbound, \
         CAST(COALESCE(SUM(CASE WHEN direction = 'inbound' AND missed_reason IS NULL \
            AND answered_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS inbound_answered, \
         CAST(COALESCE(SUM(CASE WHEN direction = 'outbound' AND answered_at_ms IS NOT NULL \
            THEN 1 ELSE 0 END), 0) AS BIGINT) AS outbound_answered, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'notInOperation' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_not_in_operation, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'noOperator' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_no_operator, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'abandonedInQueue' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_abandoned_in_queue, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'ringTimeOver' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_ring_time_over, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'userleft' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_user_left, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'exceededQueue' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_exceeded_queue, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason = 'workflow' THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_workflow, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason IS NULL AND answered_at_ms IS NOT NULL \
            AND ended_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS talked, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason IS NULL AND answered_at_ms IS NOT NULL \
            AND ended_at_ms IS NOT NULL THEN ended_at_ms - answered_at_ms ELSE 0 END), 0) AS BIGINT) AS talk_ms, \
         CAST(COALESCE(SUM(CASE WHEN missed_reason IS NULL AND answered_at_ms IS NOT NULL \
            AND ended_at_ms IS NOT NULL THEN hold_ms ELSE 0 END), 0) AS BIGINT) AS hold_ms, \
         CAST(COALESCE(SUM(CASE WHEN direction = 'inbound' AND missed_reason IS NULL \
            AND answered_at_ms IS NOT NULL THEN answered_at_ms - started_at_ms ELSE 0 END), 0) AS BIGINT) AS first_response_ms, \
         CAST(COALESCE(SUM(CASE WHEN wrap_up_closed_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS wrapped_up, \
         CAST(COALESCE(SUM(CASE WHEN wrap_up_closed_at_ms IS NOT NULL \
            THEN wrap_up_closed_at_ms - ended_at_ms ELSE 0 END), 0) AS BIGINT) AS wrap_up_ms, \
         CAST(COALESCE(SUM(CASE WHEN queued_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS queued, \
         CAST(COALESCE(SUM(CASE WHEN queued_at_ms IS NOT NULL AND missed_reason IS NULL \
            AND answered_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS queued_answered, \
         CAST(COALESCE(SUM(CASE WHEN queued_at_ms IS NOT NULL AND missed_reason IS NULL \
            AND answered_at_ms IS NOT NULL AND answered_at_ms - queued_at_ms <= $4 \
            THEN 1 ELSE 0 END), 0) AS BIGINT) AS answered_in_time, \
         CAST(COALESCE(SUM(CASE WHEN queued_at_ms IS NOT NULL AND missed_reason IS NULL \
            AND answered_at_ms IS NOT NULL THEN answered_at_ms - queued_at_ms ELSE 0 END), 0) AS BIGINT) AS queue_wait_ms, \
         CAST(COALESCE(SUM(CASE WHEN queued_at_ms IS NOT NULL \
            AND missed_reason IN ('userleft', 'abandonedInQueue') \
            AND ended_at_ms - queued_at_ms >= $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS abandoned, \
         CAST(COALESCE(SUM(CASE WHEN queued_at_ms IS NOT NULL \
            AND missed_reason IN ('userleft', 'abandonedInQueue') \
            AND ended_at_ms - queued_at_ms < $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS short_abandoned \
         FROM calls WHERE channel_id = $1 AND started_at_ms >= $2 AND started_at_ms < $3"
    };
}

impl Store {
    /// A period's call figures per 15-minute slot ([`SLOT_MS`]); slots without calls are
    /// left out. Summed they are the period's; folded by local hour they are its traffic.
    pub async fn slot_figures(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
        t: Thresholds,
    ) -> Result<Vec<SlotFigures>> {
        let rows = on_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT started_at_ms / 900000 AS slot, ",
            call_figures!(),
            " GROUP BY started_at_ms / 900000 ORDER BY slot"
        ))
        .bind(channel_id)
        .bind(from_ms)
        .bind(to_ms)
        .bind(t.answer_within_ms)
        .bind(t.short_abandon_ms)
        .fetch_all(p)
        .await?);
        Ok(rows)
    }

    /// A period's call figures per team (of the number called).
    pub async fn team_figures(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
        t: Thresholds,
    ) -> Result<Vec<TeamFigures>> {
        let rows = on_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT team_id, ",
            call_figures!(),
            " GROUP BY team_id ORDER BY team_id IS NULL, team_id"
        ))
        .bind(channel_id)
        .bind(from_ms)
        .bind(to_ms)
        .bind(t.answer_within_ms)
        .bind(t.short_abandon_ms)
        .fetch_all(p)
        .await?);
        Ok(rows)
    }

    /// A period's call figures per queue the calls first waited in (calls never queued are
    /// left out).
    pub async fn queue_figures(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
        t: Thresholds,
    ) -> Result<Vec<QueueFigures>> {
        let rows = on_pool!(self, |p| sqlx::query_as(concat!(
            "SELECT queue_team_id AS team_id, queue_manager_id AS manager_id, ",
            call_figures!(),
            " AND queued_at_ms IS NOT NULL GROUP BY queue_team_id, queue_manager_id \
             ORDER BY queue_team_id IS NULL, queue_team_id, queue_manager_id"
        ))
        .bind(channel_id)
        .bind(from_ms)
        .bind(to_ms)
        .bind(t.answer_within_ms)
        .bind(t.short_abandon_ms)
        .fetch_all(p)
        .await?);
        Ok(rows)
    }

    /// Each manager's figures over the calls that started in a period.
    pub async fn manager_figures(
        &self,
        channel_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<ManagerFigures>> {
        let rows = on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT manager_id, COUNT(DISTINCT call_id) AS calls, \
             COUNT(DISTINCT CASE WHEN purpose = 'dial' THEN call_id END) AS outbound, \
             COUNT(DISTINCT CASE WHEN purpose <> 'dial' AND answered_at_ms IS NOT NULL \
                THEN call_id END) AS answered, \
             CAST(COALESCE(SUM(CASE WHEN answered_at_ms IS NOT NULL AND ended_at_ms IS NOT NULL \
                THEN ended_at_ms - answered_at_ms ELSE 0 END), 0) AS BIGINT) AS talk_ms, \
             CAST(COALESCE(SUM(CASE WHEN rang_at_ms IS NOT NULL \
                THEN COALESCE(answered_at_ms, ended_at_ms, rang_at_ms) - rang_at_ms ELSE 0 END), 0) \
                AS BIGINT) AS ring_ms, \
             CAST(COALESCE(SUM(CASE WHEN rang_at_ms IS NOT NULL AND answered_at_ms IS NULL \
                AND outcome IN ('timedOut', 'declined', 'unavailable', 'disconnected') \
                THEN 1 ELSE 0 END), 0) AS BIGINT) AS missed_rings \
             FROM call_legs \
             WHERE channel_id = $1 AND call_started_at_ms >= $2 AND call_started_at_ms < $3 \
             GROUP BY manager_id ORDER BY manager_id"
        )
        .bind(channel_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(p)
        .await?
        });
        Ok(rows)
    }

    /// Each manager's time in each status within `[from_ms, until_ms)`; the status they were
    /// in when it began counts from its start, the one they are in now up to `until_ms`
    /// (pass the earlier of the period's end and now).
    pub async fn status_times(
        &self,
        channel_id: i64,
        from_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<StatusTime>> {
        let rows = on_pool!(self, |p| sqlx::query_as(
            "SELECT manager_id, status, CAST(SUM(b - a) AS BIGINT) AS ms FROM ( \
               SELECT manager_id, status, \
                 CASE WHEN from_ms > $2 THEN from_ms ELSE $2 END AS a, \
                 CASE WHEN until_ms IS NULL OR until_ms > $3 THEN $3 ELSE until_ms END AS b \
               FROM ( \
                 SELECT manager_id, status, from_ms, \
                   LEAD(from_ms) OVER (PARTITION BY manager_id ORDER BY from_ms, id) AS until_ms \
                 FROM manager_statuses WHERE channel_id = $1 AND from_ms < $3 \
               ) AS changes \
             ) AS spans WHERE b > a GROUP BY manager_id, status ORDER BY manager_id, status"
        )
        .bind(channel_id)
        .bind(from_ms)
        .bind(until_ms)
        .fetch_all(p)
        .await?);
        Ok(rows)
    }
}
