//! Statistics from the cloud (`docs/statistics.md`): a period's call metrics for the channel,
//! each team and each queue, each manager's figures, and the traffic by hour and weekday —
//! for the app (`GET /api/v1/statistics`) and the metrics API (`GET /metrics-api/v1/…`).
//!
//! Rates and averages are `None` when nothing was there to divide (no calls answered, say):
//! a dash, not a zero.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/statistics` and the metrics API's query. The period is whole days in the
/// channel's time zone, `from` to `to` inclusive, at most [`STATISTICS_MAX_DAYS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StatisticsQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: String,
    /// Service level: a queued call answered within this many seconds is answered in time
    /// (one of [`ANSWER_WITHIN_CHOICES`]; default 20).
    #[serde(default)]
    pub answer_within_s: Option<i64>,
    /// A queued caller who hangs up sooner is a short abandon, left out of the service level
    /// and the abandonment rate (one of [`SHORT_ABANDON_CHOICES`]; default 5).
    #[serde(default)]
    pub short_abandon_s: Option<i64>,
    /// Only this team's calls and queue (owners and admins).
    #[serde(default)]
    pub team_id: Option<i64>,
}

/// The longest period one query may cover.
pub const STATISTICS_MAX_DAYS: i64 = 90;

/// The service-level thresholds one may choose, seconds.
pub const ANSWER_WITHIN_CHOICES: [i64; 10] = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300];

/// The short-abandon thresholds one may choose, seconds (0: none).
pub const SHORT_ABANDON_CHOICES: [i64; 6] = [0, 5, 10, 15, 20, 30];

/// Missed inbound calls by reason (`docs/product.md#missed-reasons`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MissedByReason {
    /// Outside operating hours.
    pub not_in_operation: i64,
    /// No manager could take calls.
    pub no_operator: i64,
    /// Waited the queue's maximum.
    pub abandoned_in_queue: i64,
    /// Rang, nobody answered.
    pub ring_time_over: i64,
    /// The customer hung up first.
    pub user_left: i64,
    /// The queue was full.
    pub exceeded_queue: i64,
    /// A workflow ended it.
    pub workflow: i64,
}

/// The metrics of a set of calls (the channel's, a team's, a queue's) over a period. A call
/// counts once it has ended, in the day and hour it started.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallMetrics {
    /// Calls: `inbound + outbound`.
    pub total: i64,
    /// Calls that came in: `answered + missed`.
    pub inbound: i64,
    /// Calls managers placed.
    pub outbound: i64,
    /// Inbound calls a manager answered.
    pub answered: i64,
    /// Placed calls the called party answered.
    pub outbound_answered: i64,
    /// Inbound calls nobody answered: the sum of `missedByReason`.
    pub missed: i64,
    /// The missed calls by reason.
    pub missed_by_reason: MissedByReason,
    /// `answered ÷ inbound`.
    pub inbound_completion_rate: Option<f64>,
    /// `outboundAnswered ÷ outbound`.
    pub outbound_completion_rate: Option<f64>,
    /// Answer → end over talked calls, hold included, seconds.
    pub average_call_duration_s: Option<f64>,
    /// Call start → first manager connected over answered inbound calls, seconds.
    pub average_first_response_s: Option<f64>,
    /// Call end → conversation closed over calls wrapped up, seconds.
    pub average_wrap_up_s: Option<f64>,
    /// Time on hold per talked call, seconds.
    pub average_hold_s: Option<f64>,
    /// Talk (hold included) + wrap-up per talked call, seconds (a call not yet wrapped up
    /// adds no wrap-up).
    pub average_handle_time_s: Option<f64>,
    /// Inbound calls that waited in a queue.
    pub queued: i64,
    /// Queued calls answered within the threshold.
    pub answered_in_time: i64,
    /// Queued callers who hung up (or waited out the queue) after the short-abandon
    /// threshold.
    pub abandoned: i64,
    /// Queued callers who hung up sooner.
    pub short_abandoned: i64,
    /// `answeredInTime ÷ (queued calls answered + abandoned)`.
    pub service_level: Option<f64>,
    /// Queue entry → answer over queued calls answered, seconds.
    pub average_speed_of_answer_s: Option<f64>,
    /// `abandoned ÷ (queued − shortAbandoned)`.
    pub abandonment_rate: Option<f64>,
}

/// A team's metrics: the calls to the numbers it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TeamMetrics {
    /// The team; `None` for numbers without one.
    pub team_id: Option<i64>,
    /// Its name (empty for numbers without a team).
    pub name: String,
    /// The metrics.
    pub metrics: CallMetrics,
}

/// A queue's metrics: the calls that first waited in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueueMetrics {
    /// A team's queue.
    pub team_id: Option<i64>,
    /// One manager's own queue.
    pub manager_id: Option<i64>,
    /// The team's or the manager's name.
    pub name: String,
    /// The metrics.
    pub metrics: CallMetrics,
}

/// Time in each status, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StatusTimes {
    /// Available.
    pub available_s: i64,
    /// Away.
    pub away_s: i64,
    /// In a call.
    pub in_call_s: i64,
    /// Wrapping up.
    pub wrap_up_s: i64,
    /// No app connected.
    pub offline_s: i64,
}

/// One manager's figures over a period (the calls that started in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ManagerMetrics {
    /// The manager.
    pub manager_id: i64,
    /// Their name.
    pub name: String,
    /// Calls they were rung for, joined or placed.
    pub total: i64,
    /// Calls they placed.
    pub outbound: i64,
    /// Inbound calls they answered.
    pub answered: i64,
    /// Their time in calls, seconds.
    pub talk_s: i64,
    /// Ringing + talk, seconds.
    pub total_s: i64,
    /// Rings they let time out, declined, or lost by going away or offline.
    pub missed_rings: i64,
    /// Time in each status.
    pub status: StatusTimes,
}

/// One day's traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DayTraffic {
    /// `YYYY-MM-DD` in the channel's time zone.
    pub date: String,
    /// Calls.
    pub total: i64,
    /// Inbound calls answered.
    pub answered: i64,
    /// Inbound calls missed.
    pub missed: i64,
    /// Calls placed.
    pub outbound: i64,
}

/// A period's statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    /// First day.
    pub from: String,
    /// Last day (inclusive).
    pub to: String,
    /// The channel's time zone (IANA) the days and hours are in.
    pub time_zone: String,
    /// The service-level threshold used, seconds.
    pub answer_within_s: i64,
    /// The short-abandon threshold used, seconds.
    pub short_abandon_s: i64,
    /// The channel's metrics (or the team's, with `teamId`); `None` for a manager who is not
    /// an owner or admin: they see their own row only.
    pub channel: Option<CallMetrics>,
    /// Per team.
    pub teams: Vec<TeamMetrics>,
    /// Per queue.
    pub queues: Vec<QueueMetrics>,
    /// Per manager (only their own for a manager who is not an owner or admin).
    pub managers: Vec<ManagerMetrics>,
    /// Calls by weekday (Monday first) and hour (0–23) of their start.
    pub by_weekday_hour: Vec<Vec<i64>>,
    /// Each day of the period.
    pub days: Vec<DayTraffic>,
}

/// A metrics API access key as the owner's list shows it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessKey {
    /// What revoking names (`DELETE /api/v1/access-keys/{id}`).
    pub id: i64,
    /// The public half, sent with every request (`rk_…`).
    pub key_id: String,
    /// What the owner called it.
    pub label: String,
    /// Who created it.
    pub created_by: crate::ManagerRef,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC; a revoked key is refused.
    pub revoked_at: Option<String>,
}

/// `POST /api/v1/access-keys` (owners).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewAccessKey {
    /// What it is for, 1–[`ACCESS_KEY_LABEL_MAX`] characters.
    pub label: String,
}

/// The longest access key label.
pub const ACCESS_KEY_LABEL_MAX: usize = 60;

/// A new access key and its secret: shown this once, kept only hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CreatedAccessKey {
    /// The key.
    pub key: AccessKey,
    /// Its secret.
    pub secret: String,
}

/// `GET /api/v1/statistics/calls.csv` and `GET /metrics-api/v1/calls.csv`: the raw calls of a
/// period of whole days in the channel's zone (at most [`STATISTICS_MAX_DAYS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallsExportQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: String,
}

/// The live wallboard (the queue view): who waits, how each manager is, and today's service
/// level. The cloud pushes a new one to every app watching it whenever any of that changes
/// ([`crate::ClientMessage::WatchWallboard`]); the app counts the waits up itself between
/// pushes, from `serverNowMs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Wallboard {
    /// The cloud's clock when this was sent, epoch ms: the app's clock may differ, so waits
    /// are counted from this.
    pub server_now_ms: i64,
    /// Callers waiting in a queue for a manager, longest wait first.
    pub waiting: Vec<WaitingCaller>,
    /// The channel's managers, by name.
    pub managers: Vec<LiveManager>,
    /// Today's counts in the channel's time zone; `None` until first read.
    pub today: Option<TodayFigures>,
}

/// A caller waiting in a queue, as the wallboard shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WaitingCaller {
    /// The call.
    pub call_id: i64,
    /// Their number (E.164).
    pub number: String,
    /// Their contact's name, when they have one.
    pub name: Option<String>,
    /// The queue: its team's name, or the manager's whose own queue it is.
    pub queue: String,
    /// When they entered the queue, epoch ms (the cloud's clock).
    pub since_ms: i64,
    /// A manager's phone rings for them now.
    pub ringing: bool,
    /// They asked to be called back and hung up: they keep their place but are not on the
    /// line.
    pub callback: bool,
}

/// A manager as the wallboard shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LiveManager {
    /// Who.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// What their teammates see; `None`: no app open (offline).
    pub status: Option<crate::AgentStatus>,
    /// Since when, epoch ms (the cloud's clock); `None` when not since the cloud started.
    pub since_ms: Option<i64>,
}

/// Today's figures on the wallboard: counts, so the app computes the rates as the statistics
/// view does (service level = `answeredInTime ÷ serviceLevelCalls`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TodayFigures {
    /// The day, `YYYY-MM-DD` in the channel's zone.
    pub day: String,
    /// The service-level threshold, seconds (the statistics' default).
    pub answer_within_s: i64,
    /// The short-abandon threshold, seconds (the statistics' default).
    pub short_abandon_s: i64,
    /// Inbound calls ended today.
    pub inbound: i64,
    /// Of them, answered.
    pub answered: i64,
    /// Of them, missed.
    pub missed: i64,
    /// Queued calls answered within `answerWithinS`.
    pub answered_in_time: i64,
    /// The service level's denominator: queued calls answered, plus those abandoned after
    /// the short-abandon threshold.
    pub service_level_calls: i64,
}
