//! The recordings' API (`docs/protocol.md#recordings`): a call's recording — where it stands,
//! its pauses — and its MP3, for the managers of the call's channel only (another channel's
//! call is a 404, as is a call without a recording); the channel's retention, set by owners
//! and admins.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ringdesk_store::RecordingRow;
use ringdesk_store::recordings::{FAILED, READY};
use ringdesk_store::time::rfc3339;
use ringdesk_wire::{
    ErrorCode, RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, RecordingInfo, RecordingPause,
    RecordingRetention, RecordingState, TranscriptState,
};

use crate::api::{Admin, ApiErr, AppState, Authed, bad_json};

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/calls/{id}/recording", get(info))
        .route("/api/v1/calls/{id}/recording/mp3", get(mp3))
        .route(
            "/api/v1/recordings/retention",
            get(retention).put(set_retention),
        )
}

fn no_recording() -> ApiErr {
    ApiErr::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no recording for that call",
    )
}

async fn row(s: &AppState, channel_id: i64, call_id: i64) -> Result<RecordingRow, ApiErr> {
    s.store
        .recording(channel_id, call_id)
        .await?
        .ok_or_else(no_recording)
}

/// A row as the API shows it.
pub fn recording_info(r: RecordingRow) -> RecordingInfo {
    RecordingInfo {
        call_id: r.call_id,
        state: match r.state.as_str() {
            READY => RecordingState::Ready,
            FAILED => RecordingState::Failed,
            _ => RecordingState::Recording,
        },
        started_at: rfc3339(r.started_at_ms),
        duration_ms: r.duration_ms,
        mp3_bytes: r.mp3_bytes,
        pauses: r
            .pauses
            .into_iter()
            .map(|(from_ms, to_ms)| RecordingPause { from_ms, to_ms })
            .collect(),
        error: r.error,
        transcript: r
            .transcript_state
            .as_deref()
            .and_then(TranscriptState::parse),
    }
}

async fn info(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
) -> Result<Json<RecordingInfo>, ApiErr> {
    Ok(Json(recording_info(row(&s, m.channel_id, id).await?)))
}

async fn mp3(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
) -> Result<Response, ApiErr> {
    let r = row(&s, m.channel_id, id).await?;
    match r.state.as_str() {
        READY => {}
        FAILED => {
            let why = format!(
                "the recording could not be made: {}",
                r.error.unwrap_or_default()
            );
            return Err(ApiErr::new(
                StatusCode::GONE,
                ErrorCode::RecordingFailed,
                why,
            ));
        }
        _ => {
            let why = "the recording is still being written; its MP3 comes after the call";
            return Err(ApiErr::new(
                StatusCode::CONFLICT,
                ErrorCode::RecordingNotReady,
                why,
            ));
        }
    }
    let bytes = tokio::fs::read(s.recordings.mp3_path(id))
        .await
        .map_err(|e| ApiErr::internal(format!("reading call {id}'s recording: {e}")))?;
    let name = format!("attachment; filename=\"ringdesk-call-{id}.mp3\"");
    Ok((
        [
            (header::CONTENT_TYPE, "audio/mpeg".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

async fn retention(
    State(s): State<AppState>,
    Authed(m): Authed,
) -> Result<Json<RecordingRetention>, ApiErr> {
    let days = s
        .store
        .recording_retention_days(m.channel_id)
        .await?
        .ok_or_else(|| ApiErr::internal(format!("channel {} has no row", m.channel_id)))?;
    Ok(Json(RecordingRetention { days }))
}

async fn set_retention(
    State(s): State<AppState>,
    Admin(m): Admin,
    body: Result<Json<RecordingRetention>, JsonRejection>,
) -> Result<Json<RecordingRetention>, ApiErr> {
    let Json(r) = body.map_err(bad_json)?;
    if !(RETENTION_DAYS_MIN..=RETENTION_DAYS_MAX).contains(&r.days) {
        let why = format!(
            "days must be between {RETENTION_DAYS_MIN} and {RETENTION_DAYS_MAX}, not {}",
            r.days
        );
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadQuery,
            why,
        ));
    }
    s.store
        .set_recording_retention_days(m.channel_id, r.days)
        .await?;
    Ok(Json(r))
}
