//! The metrics API (`docs/statistics.md#metrics-api`): the same statistics for a channel's own
//! tools, authenticated by an access key and secret an owner creates and revokes in the app
//! (`/api/v1/access-keys`), rate limited per key, described by an OpenAPI document the cloud
//! serves (`/metrics-api/v1/openapi.json`).

use std::time::Instant;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use ringdesk_store::access_keys::{AccessKeyRow, KeyCheck};
use ringdesk_store::time::{now_ms, rfc3339};
use ringdesk_wire::{
    ACCESS_KEY_LABEL_MAX, AccessKey, CallsExportQuery, CreatedAccessKey, ErrorCode, ManagerRef,
    NewAccessKey, Statistics, StatisticsQuery,
};

use super::{Viewer, statistics};
use crate::api::{ApiErr, AppState, Authed, bad_json};

/// Requests one key may make per minute.
pub const REQUESTS_PER_MINUTE: u32 = 60;

/// The header carrying the key id.
pub const KEY_HEADER: &str = "x-access-key";
/// The header carrying the secret.
pub const SECRET_HEADER: &str = "x-access-secret";

/// The OpenAPI document of the metrics API.
const OPENAPI: &str = include_str!("openapi.json");

/// The routes: the owner's key management in the app's API, and the metrics API itself.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/access-keys", get(list_keys).post(create_key))
        .route("/api/v1/access-keys/{id}", delete(revoke_key))
        .route("/metrics-api/v1/statistics", get(api_statistics))
        .route("/metrics-api/v1/calls.csv", get(api_export))
        .route("/metrics-api/v1/openapi.json", get(openapi))
}

/// An owner of the channel (keys open its figures to other programs: the owner decides).
fn owner(m: &ringdesk_store::Manager) -> Result<(), ApiErr> {
    if m.role == "owner" {
        return Ok(());
    }
    Err(ApiErr::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Forbidden,
        "only the channel's owner manages metrics API keys",
    ))
}

fn key(r: AccessKeyRow, names: &[(i64, String)]) -> AccessKey {
    let name = names
        .iter()
        .find(|(id, _)| *id == r.created_by)
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    AccessKey {
        id: r.id,
        key_id: r.key_id,
        label: r.label,
        created_by: ManagerRef {
            id: r.created_by,
            name,
        },
        created_at: rfc3339(r.created_at_ms),
        revoked_at: r.revoked_at_ms.map(rfc3339),
    }
}

async fn list_keys(
    State(s): State<AppState>,
    Authed(m): Authed,
) -> Result<Json<Vec<AccessKey>>, ApiErr> {
    owner(&m)?;
    let names = s.store.channel_managers(m.channel_id).await?;
    let keys = s.store.access_keys(m.channel_id).await?;
    Ok(Json(keys.into_iter().map(|k| key(k, &names)).collect()))
}

async fn create_key(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<NewAccessKey>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedAccessKey>), ApiErr> {
    owner(&m)?;
    let Json(new) = body.map_err(bad_json)?;
    let label = new.label.trim();
    let length = label.chars().count();
    if !(1..=ACCESS_KEY_LABEL_MAX).contains(&length) {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidMessage,
            format!("a key's label is 1 to {ACCESS_KEY_LABEL_MAX} characters, not {length}"),
        ));
    }
    let (row, secret) = s
        .store
        .create_access_key(m.channel_id, m.id, label, now_ms())
        .await?;
    let names = [(m.id, m.name.clone())];
    let created = CreatedAccessKey {
        key: key(row, &names),
        secret,
    };
    Ok((StatusCode::CREATED, Json(created)))
}

async fn revoke_key(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiErr> {
    owner(&m)?;
    if s.store
        .revoke_access_key(m.channel_id, id, now_ms())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiErr::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("no access key {id} in this channel"),
        ))
    }
}

/// A request the metrics API let in: the channel its key belongs to.
pub struct KeyAuthed {
    /// The key's channel.
    pub channel_id: i64,
}

fn unauthorized(code: ErrorCode, why: &str) -> ApiErr {
    ApiErr::new(StatusCode::UNAUTHORIZED, code, why)
}

impl FromRequestParts<AppState> for KeyAuthed {
    type Rejection = ApiErr;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiErr> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let (Some(key_id), Some(secret)) = (header(KEY_HEADER), header(SECRET_HEADER)) else {
            return Err(unauthorized(
                ErrorCode::Unauthorized,
                "send the access key in X-Access-Key and its secret in X-Access-Secret",
            ));
        };
        let allowed = s
            .metrics_api_limit
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .allow(key_id.to_string(), Instant::now());
        if !allowed {
            return Err(ApiErr::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyRequests,
                format!(
                    "at most {REQUESTS_PER_MINUTE} requests a minute per key; try again shortly"
                ),
            ));
        }
        match s.store.check_access_key(key_id, secret).await? {
            KeyCheck::Valid { channel_id } => Ok(KeyAuthed { channel_id }),
            KeyCheck::Revoked => Err(unauthorized(
                ErrorCode::AccessKeyRevoked,
                "this access key was revoked; the channel's owner can create another",
            )),
            KeyCheck::Wrong => Err(unauthorized(
                ErrorCode::BadAccessKey,
                "the access key or its secret is not right",
            )),
        }
    }
}

async fn api_statistics(
    State(s): State<AppState>,
    KeyAuthed { channel_id }: KeyAuthed,
    q: Result<Query<StatisticsQuery>, QueryRejection>,
) -> Result<Json<Statistics>, ApiErr> {
    let Query(q) =
        q.map_err(|e| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text()))?;
    Ok(Json(
        statistics(&s.store, channel_id, &q, Viewer::Channel).await?,
    ))
}

async fn api_export(
    State(s): State<AppState>,
    KeyAuthed { channel_id }: KeyAuthed,
    q: Result<Query<CallsExportQuery>, QueryRejection>,
) -> Result<Response, ApiErr> {
    let Query(q) =
        q.map_err(|e| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text()))?;
    super::export(&s.store, channel_id, &q).await
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
