//! A team's queue settings over the admin API: `PUT /api/v1/teams/{id}/queue` (owners and
//! admins; another channel's team is 404), read back with the teams (`GET /api/v1/teams`).

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use ringdesk_store::QueueSettingsRow;
use ringdesk_wire::{
    ANNOUNCE_EVERY_SECONDS, ErrorCode, QUEUE_WAIT_SECONDS, QueueSettings, SpeechLanguage,
};

use crate::api::{Admin, ApiErr, AppState, bad_json};

/// A team's queue settings as the API shows them.
pub fn to_wire(row: &QueueSettingsRow) -> QueueSettings {
    QueueSettings {
        max_wait_seconds: u32::try_from(row.max_wait_seconds).unwrap_or(u32::MAX),
        announce_every_seconds: u32::try_from(row.announce_every_seconds).unwrap_or(0),
        language: match row.language.as_str() {
            "en" => SpeechLanguage::English,
            _ => SpeechLanguage::Korean,
        },
    }
}

/// The settings to keep, or why they cannot be.
fn checked(settings: &QueueSettings) -> Result<QueueSettingsRow, String> {
    if !QUEUE_WAIT_SECONDS.contains(&settings.max_wait_seconds) {
        return Err(format!(
            "maxWaitSeconds must be {} to {} seconds, not {}",
            QUEUE_WAIT_SECONDS.start(),
            QUEUE_WAIT_SECONDS.end(),
            settings.max_wait_seconds
        ));
    }
    let every = settings.announce_every_seconds;
    if every != 0 && !ANNOUNCE_EVERY_SECONDS.contains(&every) {
        return Err(format!(
            "announceEverySeconds must be 0 (never) or {} to {} seconds, not {every}",
            ANNOUNCE_EVERY_SECONDS.start(),
            ANNOUNCE_EVERY_SECONDS.end(),
        ));
    }
    let language = match settings.language {
        SpeechLanguage::Korean => "ko",
        SpeechLanguage::English => "en",
    };
    Ok(QueueSettingsRow {
        max_wait_seconds: settings.max_wait_seconds.into(),
        announce_every_seconds: every.into(),
        language: language.into(),
    })
}

/// `PUT /api/v1/teams/{id}/queue`: new calls the team's queue takes follow them.
pub async fn save(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(team_id): Path<i64>,
    body: Result<Json<QueueSettings>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(settings) = body.map_err(bad_json)?;
    let row = checked(&settings)
        .map_err(|why| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQueueSettings, why))?;
    if !s
        .store
        .set_queue_settings(m.channel_id, team_id, &row)
        .await?
    {
        let why = format!("there is no team {team_id} in your channel");
        return Err(ApiErr::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, why));
    }
    Ok(StatusCode::NO_CONTENT)
}
