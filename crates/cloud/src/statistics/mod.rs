//! Statistics (`docs/statistics.md`): a period's metrics for the app's statistics view
//! (`GET /api/v1/statistics`, owners and admins see the channel, every manager their own row)
//! and for the metrics API. The store keeps sums as calls end; `metrics` divides them.

pub mod csv;
pub mod metrics;
pub mod metrics_api;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono_tz::Tz;
use ringdesk_store::Store;
use ringdesk_store::export::ExportCursor;
use ringdesk_store::time::now_ms;
use ringdesk_wire::{
    CallsExportQuery, ErrorCode, QueueMetrics, Statistics, StatisticsQuery, TeamMetrics,
    TodayFigures,
};

use crate::api::{ApiErr, AppState, Authed};
use metrics::{PeriodError, call_metrics, manager_metrics};

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/statistics", get(app_statistics))
        .route("/api/v1/statistics/calls.csv", get(app_export))
        .merge(metrics_api::routes())
}

/// Whose statistics a request may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The whole channel: an owner, an admin, or a metrics API key.
    Channel,
    /// One manager's own row.
    Manager(i64),
}

fn bad(code: ErrorCode, why: impl Into<String>) -> ApiErr {
    ApiErr::new(StatusCode::BAD_REQUEST, code, why)
}

impl From<PeriodError> for ApiErr {
    fn from(e: PeriodError) -> Self {
        let code = match e {
            PeriodError::NotADay { .. } => ErrorCode::BadQuery,
            PeriodError::Reversed { .. } => ErrorCode::PeriodReversed,
            PeriodError::TooLong { .. } => ErrorCode::PeriodTooLong,
        };
        bad(code, e.to_string())
    }
}

/// The channel's time zone (its operating hours'; Seoul when unset).
async fn channel_zone(store: &Store, channel_id: i64) -> Result<Tz, ApiErr> {
    let hours = crate::workflows::channel_hours(store, channel_id)
        .await
        .map_err(ApiErr::internal)?;
    Ok(hours.zone)
}

/// A period's statistics for a channel, as `viewer` may see them.
pub async fn statistics(
    store: &Store,
    channel_id: i64,
    q: &StatisticsQuery,
    viewer: Viewer,
) -> Result<Statistics, ApiErr> {
    let (answer_within_s, short_abandon_s) =
        metrics::thresholds(q.answer_within_s, q.short_abandon_s)
            .map_err(|why| bad(ErrorCode::BadThreshold, why))?;
    let zone = channel_zone(store, channel_id).await?;
    let period = metrics::period(&q.from, &q.to, zone)?;
    let teams = store.teams(channel_id, None).await?;
    if let Some(team) = q.team_id
        && !teams.iter().any(|t| t.id == team)
    {
        let why = format!("team {team} is not one of this channel's");
        return Err(ApiErr::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownTeam,
            why,
        ));
    }
    let names = store.channel_managers(channel_id).await?;
    let name_of = |id: i64| {
        names
            .iter()
            .find(|(m, _)| *m == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let team_name = |id: i64| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let managers = store
        .manager_figures(channel_id, period.from_ms, period.to_ms, now_ms())
        .await?
        .into_iter()
        .filter(|f| match viewer {
            Viewer::Channel => true,
            Viewer::Manager(id) => f.manager_id == id,
        })
        .map(|f| manager_metrics(&f, name_of(f.manager_id)))
        .collect();
    let mut out = Statistics {
        from: period.from.format("%Y-%m-%d").to_string(),
        to: period.to.format("%Y-%m-%d").to_string(),
        time_zone: zone.name().to_string(),
        answer_within_s,
        short_abandon_s,
        channel: None,
        teams: Vec::new(),
        queues: Vec::new(),
        managers,
        by_weekday_hour: Vec::new(),
        days: Vec::new(),
    };
    if viewer != Viewer::Channel {
        return Ok(out);
    }
    let figures = store
        .period_figures(channel_id, period.from_ms, period.to_ms, q.team_id)
        .await?;
    let metrics_of = |f| call_metrics(f, answer_within_s, short_abandon_s);
    out.channel = Some(metrics_of(&figures.total));
    out.teams = figures
        .teams
        .iter()
        .map(|t| TeamMetrics {
            team_id: t.team_id,
            name: t.team_id.map(team_name).unwrap_or_default(),
            metrics: metrics_of(&t.figures),
        })
        .collect();
    out.queues = figures
        .queues
        .iter()
        .map(|q| QueueMetrics {
            team_id: q.team_id,
            manager_id: q.manager_id,
            name: match (q.team_id, q.manager_id) {
                (Some(t), _) => team_name(t),
                (None, Some(m)) => name_of(m),
                (None, None) => String::new(),
            },
            metrics: metrics_of(&q.figures),
        })
        .collect();
    out.by_weekday_hour = metrics::by_weekday_hour(&figures.slots, zone);
    out.days = metrics::days(&figures.slots, &period, zone);
    Ok(out)
}

async fn app_statistics(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<StatisticsQuery>, QueryRejection>,
) -> Result<Json<Statistics>, ApiErr> {
    let Query(q) = q.map_err(|e| bad(ErrorCode::BadQuery, e.body_text()))?;
    let viewer = if m.can_administer() {
        Viewer::Channel
    } else {
        Viewer::Manager(m.id)
    };
    Ok(Json(statistics(&s.store, m.channel_id, &q, viewer).await?))
}

/// Calls read per page while exporting: a page at a time is all an export holds.
const EXPORT_PAGE: i64 = 1_000;

/// A period's calls as CSV, streamed a page at a time (`docs/statistics.md#csv-export`).
pub async fn export(
    store: &Store,
    channel_id: i64,
    q: &CallsExportQuery,
) -> Result<Response, ApiErr> {
    let zone = channel_zone(store, channel_id).await?;
    let period = metrics::period(&q.from, &q.to, zone)?;
    let filename = format!("ringdesk-calls-{}-{}.csv", q.from, q.to);
    let store = store.clone();
    let (from_ms, to_ms) = (period.from_ms, period.to_ms);
    // State: the next page's cursor, and whether the header went out; `None` once done.
    let start: Option<(Option<ExportCursor>, bool)> = Some((None, false));
    let pages = futures_util::stream::unfold(start, move |state| {
        let store = store.clone();
        async move {
            let (cursor, started) = state?;
            if !started {
                let head = axum::body::Bytes::from(csv::header());
                return Some((Ok(head), Some((None, true))));
            }
            match store
                .export_page(channel_id, from_ms, to_ms, cursor, EXPORT_PAGE)
                .await
            {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let full = rows.len() as i64 == EXPORT_PAGE;
                    let next = rows.last().map(|r| (r.started_at_ms, r.id));
                    let text: String = rows.iter().map(|r| csv::line(r, zone)).collect();
                    let state = full.then_some((next, true));
                    Some((Ok(axum::body::Bytes::from(text)), state))
                }
                Err(e) => {
                    tracing::error!(channel_id, "CSV export stopped: {e}");
                    Some((Err(std::io::Error::other(e.to_string())), None))
                }
            }
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )
        .body(Body::from_stream(pages))
        .map_err(ApiErr::internal)
}

async fn app_export(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<CallsExportQuery>, QueryRejection>,
) -> Result<Response, ApiErr> {
    let Query(q) = q.map_err(|e| bad(ErrorCode::BadQuery, e.body_text()))?;
    if !m.can_administer() {
        return Err(ApiErr::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "only owners and admins export the channel's calls",
        ));
    }
    export(&s.store, m.channel_id, &q).await
}

/// The wallboard's figures for the day `now_ms` falls in (in the channel's zone), with the
/// default thresholds, and when that day ends (Unix ms): read again then, and whenever a
/// call of the channel ends.
pub async fn today(
    store: &Store,
    channel_id: i64,
    now_ms: i64,
) -> anyhow::Result<(TodayFigures, i64)> {
    let zone = crate::workflows::channel_hours(store, channel_id)
        .await?
        .zone;
    let (answer_within_s, short_abandon_s) =
        metrics::thresholds(None, None).map_err(anyhow::Error::msg)?;
    let day = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .with_timezone(&zone)
        .date_naive();
    let from_ms = metrics::day_start(day, zone);
    let until_ms = metrics::day_start(day.succ_opt().unwrap_or(day), zone);
    let f = store
        .period_figures(channel_id, from_ms, until_ms, None)
        .await?
        .total;
    let (answered_in_time, service_level_calls) =
        metrics::service_level_parts(&f, answer_within_s, short_abandon_s);
    let figures = TodayFigures {
        day: day.format("%Y-%m-%d").to_string(),
        answer_within_s,
        short_abandon_s,
        inbound: f.inbound,
        answered: f.inbound_answered,
        missed: f.missed(),
        answered_in_time,
        service_level_calls,
    };
    Ok((figures, until_ms))
}
