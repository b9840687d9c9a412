//! HTTPS REST API and the WebSocket upgrade.
//!
//! Errors are JSON `{code, message}` with the right status; internal details go to the log.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::rejection::JsonRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ringdesk_store::RateRow;
use ringdesk_store::time::{now_ms, rfc3339};
use ringdesk_store::{CallRow, Manager, Store, StoreError};
use ringdesk_wire::{
    ApiError, CallDirection, CallInput, CallManager, CallPage, CallParty, CallRecord, CallSms,
    CallState, CallbackRecord, CallsQuery, ChannelNumber, DialCheck, DialPlan, EndCause, ErrorCode,
    HangupCause, InternationalRate, JoinPurpose, LoginRequest, LoginResponse, ManagerInfo,
    ManagerRole, MeetCallRequest, MeetCallResponse, MeetHangup, MissedReason, NotRingingReason,
    PartyOutcome, Team, Teammate,
};

use crate::dialplan::{self, DialError};
use tokio::sync::{mpsc, oneshot};

use crate::dispatch::{ChannelSnapshot, Input};
use crate::metrics::Metrics;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    /// Database.
    pub store: Store,
    /// The dispatcher's inbox.
    pub dispatcher: mpsc::UnboundedSender<Input>,
    /// Session ids.
    pub next_session: Arc<AtomicU64>,
    /// Figures.
    pub metrics: Metrics,
    /// Voice-meet calls per visitor address (the page is public).
    pub meet_limit: Arc<std::sync::Mutex<crate::limit::AttemptLimit>>,
    /// Network tests per manager.
    pub network_test_limit: Arc<std::sync::Mutex<crate::limit::AttemptLimit<i64>>>,
    /// Metrics API requests per access key.
    pub metrics_api_limit: Arc<std::sync::Mutex<crate::limit::AttemptLimit<String>>>,
    /// The address media sockets bind to (a network test's echo too).
    pub media_ip: std::net::IpAddr,
    /// Reverse proxies whose `X-Forwarded-For` names the visitor (`--trusted-proxy`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Speaks workflow prompts written as text, when they are published.
    pub speech: Arc<dyn crate::speech::SpeechEngine>,
    /// Where call recordings' files are.
    pub recordings: crate::recording::Recordings,
}

/// How many voice-meet calls one address may start per minute: plenty for a visitor who
/// redials, too few to ring a team all day from a script.
pub const MEET_CALLS_PER_MINUTE: u32 = 5;

/// An API error: status + `{code, message}`.
#[derive(Debug)]
pub struct ApiErr {
    status: StatusCode,
    code: ErrorCode,
    message: String,
}

impl ApiErr {
    /// An error with this status, code and message.
    pub(crate) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiErr {
            status,
            code,
            message: message.into(),
        }
    }

    /// A failure on our side: logged with what failed; the client learns no more than that.
    pub(crate) fn internal(what: impl std::fmt::Display) -> Self {
        tracing::error!("{what}");
        ApiErr::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ApiError {
                code: self.code,
                message: self.message,
            }),
        )
            .into_response()
    }
}

impl From<StoreError> for ApiErr {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InvalidCredentials => ApiErr::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::InvalidCredentials,
                "email or password is incorrect",
            ),
            other => ApiErr::internal(format!("store error: {other}")),
        }
    }
}

/// A body that is not the JSON the endpoint takes: 400 `badJson` with serde's reason.
pub(crate) fn bad_json(rejection: JsonRejection) -> ApiErr {
    ApiErr::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::BadJson,
        rejection.body_text(),
    )
}

fn bearer_token(parts: &Parts) -> Option<String> {
    let header_token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let query_token = parts.uri.query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("token="))
            .map(str::to_string)
    });
    header_token.or(query_token)
}

fn missing_token() -> ApiErr {
    ApiErr::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthorized,
        "missing bearer token",
    )
}

/// The authenticated manager of a request (`Authorization: Bearer <token>`, or `?token=` for
/// WebSocket clients that cannot set headers).
pub struct Authed(pub Manager);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiErr;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer_token(parts) else {
            return Err(missing_token());
        };
        match state.store.manager_for_token(&token, now_ms()).await? {
            Some(m) => Ok(Authed(m)),
            None => Err(ApiErr::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "invalid or expired token",
            )),
        }
    }
}

/// An owner or admin of the channel: what changes the channel's setup (rates, workflows,
/// prompts, hours) takes. Managers get 403 `forbidden`.
pub struct Admin(pub Manager);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiErr;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Authed(m) = Authed::from_request_parts(parts, state).await?;
        if !m.can_administer() {
            return Err(ApiErr::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "only owners and admins may do this",
            ));
        }
        Ok(Admin(m))
    }
}

/// All routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/calls", get(list_calls))
        .route("/api/v1/calls/live", get(live_calls))
        .route("/api/v1/calls/{id}", get(get_call))
        .route("/api/v1/calls/{id}/voicemail", get(voicemail))
        .route("/api/v1/teammates", get(teammates))
        .route("/api/v1/teams", get(teams))
        .route("/api/v1/numbers", get(numbers))
        .route("/meet/{channel_id}", get(meet_page))
        .route("/api/v1/meet/{channel_id}/calls", post(meet_call))
        .route("/api/v1/meet/calls/{call_id}/hangup", post(meet_hangup))
        .route("/api/v1/dial/check", post(dial_check))
        .route("/api/v1/network-test", post(crate::network_test::start))
        .route(
            "/api/v1/international-rates",
            get(international_rates).put(replace_international_rates),
        )
        .merge(crate::workflows::routes())
        .merge(crate::recording::api::routes())
        .merge(crate::inbox::routes())
        .merge(crate::contacts::routes())
        .merge(crate::callbacks::routes())
        .merge(crate::history::routes())
        .merge(crate::statistics::routes())
        .route("/api/v1/ws", get(ws))
        .route("/healthz", get(healthz))
        .route(
            "/metrics",
            get(|State(s): State<AppState>| async move { s.metrics.render() }),
        )
        .fallback(|| async {
            ApiErr::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such endpoint",
            )
        })
        .with_state(state)
}

/// Who a manager is, as the app is told.
pub fn manager_info(m: &Manager) -> ManagerInfo {
    ManagerInfo {
        id: m.id,
        name: m.name.clone(),
        email: m.email.clone(),
        channel_id: m.channel_id,
        channel_name: m.channel_name.clone(),
        can_administer: m.can_administer(),
        is_owner: m.role == "owner",
    }
}

async fn login(
    State(s): State<AppState>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiErr> {
    let Json(req) = body.map_err(bad_json)?;
    let manager = s.store.verify_login(&req.email, &req.password).await?;
    let token = s.store.create_session(manager.id, now_ms()).await?;
    Ok(Json(LoginResponse {
        token,
        manager: manager_info(&manager),
    }))
}

/// Who a token belongs to: lets an app that kept its token (in the OS keyring) resume without
/// asking for the password again.
async fn me(Authed(m): Authed) -> Json<ManagerInfo> {
    Json(manager_info(&m))
}

/// Revokes the request's own token.
async fn logout(State(s): State<AppState>, parts: Parts) -> Result<StatusCode, ApiErr> {
    let Some(token) = bearer_token(&parts) else {
        return Err(missing_token());
    };
    s.store.delete_session(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A code the store kept, as the wire enum; one this build does not know (written by a newer
/// version) reads as `unknown` and is logged, so the record is still listed.
fn stored<T: Copy>(
    call: i64,
    what: &str,
    code: &str,
    parse: fn(&str) -> Option<T>,
    unknown: T,
) -> T {
    parse(code).unwrap_or_else(|| {
        tracing::warn!(call, "unknown {what} {code:?} in the call record");
        unknown
    })
}

/// A stored call as the API shows it.
pub(crate) fn call_record(r: CallRow) -> CallRecord {
    let id = r.id;
    CallRecord {
        id,
        direction: stored(
            id,
            "direction",
            &r.direction,
            CallDirection::parse,
            CallDirection::Unknown,
        ),
        number: r.number,
        caller_number: r.caller_number,
        caller_name: r.caller_name,
        managers: r
            .managers
            .into_iter()
            .map(|m| CallManager {
                id: m.id,
                name: m.name,
                role: stored(
                    id,
                    "role",
                    &m.role,
                    ManagerRole::parse,
                    ManagerRole::Unknown,
                ),
                purpose: m
                    .purpose
                    .map(|p| stored(id, "purpose", &p, JoinPurpose::parse, JoinPurpose::Unknown)),
                by_manager_id: m.by_manager_id,
                cause: m.cause.map(|c| {
                    let unknown = EndCause::Call(HangupCause::Unknown);
                    stored(id, "leg cause", &c, EndCause::parse, unknown)
                }),
            })
            .collect(),
        started_at: rfc3339(r.started_at_ms),
        answered_at: r.answered_at_ms.map(rfc3339),
        ended_at: r.ended_at_ms.map(rfc3339),
        duration_s: r.duration_s,
        hangup_cause: r.hangup_cause.map(|c| {
            stored(
                id,
                "hangup cause",
                &c,
                HangupCause::parse,
                HangupCause::Unknown,
            )
        }),
        missed_reason: r.missed_reason.map(|m| {
            stored(
                id,
                "missed reason",
                &m,
                MissedReason::parse,
                MissedReason::Unknown,
            )
        }),
        parties: r
            .parties
            .into_iter()
            .map(|p| CallParty {
                number: p.number,
                by_manager_id: p.by_manager_id,
                started_at: rfc3339(p.started_at_ms),
                answered_at: p.answered_at_ms.map(rfc3339),
                ended_at: p.ended_at_ms.map(rfc3339),
                outcome: p.outcome.map(|o| {
                    let unknown = PartyOutcome::Call(HangupCause::Unknown);
                    stored(id, "party outcome", &o, PartyOutcome::parse, unknown)
                }),
            })
            .collect(),
        inputs: r
            .inputs
            .into_iter()
            .map(|(label, value)| CallInput { label, value })
            .collect(),
        tags: r.tags,
        voicemail_ms: r.voicemail_ms,
        callback: r.callback_requested_at_ms.map(|at| CallbackRecord {
            requested_at: rfc3339(at),
            attempts: u32::try_from(r.callback_attempts).unwrap_or(0),
            answered_at: r.callback_answered_at_ms.map(rfc3339),
        }),
        sms: r
            .sms
            .into_iter()
            .map(|m| CallSms {
                to: m.to,
                text: m.text,
                error: m.error,
            })
            .collect(),
    }
}

/// A call's voicemail, for its channel's managers (`audio/wav`).
async fn voicemail(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
) -> Result<Response, ApiErr> {
    match s.store.voicemail(m.channel_id, id).await? {
        Some(wav) => Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response()),
        None => Err(ApiErr::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no voicemail for that call",
        )),
    }
}

async fn list_calls(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<CallsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CallPage>, ApiErr> {
    let Query(q) =
        q.map_err(|e| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text()))?;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadQuery,
            "perPage must be between 1 and 200",
        ));
    }
    let (rows, total) = s
        .store
        .list_calls(m.channel_id, q.caller.as_deref(), page, per_page)
        .await?;
    Ok(Json(CallPage {
        calls: rows.into_iter().map(call_record).collect(),
        page,
        per_page,
        total,
    }))
}

async fn get_call(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<String>,
) -> Result<Json<CallRecord>, ApiErr> {
    let not_found = || ApiErr::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such call");
    let id: i64 = id.parse().map_err(|_| not_found())?;
    // Another channel's call is indistinguishable from a missing one.
    let row = s
        .store
        .get_call(m.channel_id, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(call_record(row)))
}

/// How long `/healthz` waits for the dispatcher before calling it stuck.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Healthy means the dispatcher, which routes every call, takes inputs: asked through its
/// inbox, it answers within [`HEALTH_TIMEOUT`] (it never waits on I/O, so it always can).
async fn healthz(State(s): State<AppState>) -> Result<&'static str, ApiErr> {
    let stuck = || {
        ApiErr::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the call dispatcher does not answer",
        )
    };
    let (reply, answer) = oneshot::channel();
    s.dispatcher
        .send(Input::Health { reply })
        .map_err(|_| stuck())?;
    match tokio::time::timeout(HEALTH_TIMEOUT, answer).await {
        Ok(Ok(())) => Ok("ok"),
        _ => Err(stuck()),
    }
}

/// What is live in the manager's channel, from the dispatcher.
async fn snapshot(s: &AppState, channel_id: i64) -> Result<ChannelSnapshot, ApiErr> {
    let (reply, answer) = oneshot::channel();
    let unavailable = || {
        ApiErr::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the call service is not running",
        )
    };
    s.dispatcher
        .send(Input::Snapshot { channel_id, reply })
        .map_err(|_| unavailable())?;
    answer.await.map_err(|_| unavailable())
}

/// The channel's calls going on now: to pick one up while it rings elsewhere, or to see who
/// waits in a queue.
async fn live_calls(
    State(s): State<AppState>,
    Authed(m): Authed,
) -> Result<Json<Vec<CallState>>, ApiErr> {
    Ok(Json(snapshot(&s, m.channel_id).await?.calls))
}

/// The channel's managers and whether a call would ring them now, for invite and transfer
/// pickers.
async fn teammates(
    State(s): State<AppState>,
    Authed(m): Authed,
) -> Result<Json<Vec<Teammate>>, ApiErr> {
    let live = snapshot(&s, m.channel_id).await?;
    let everyone = s.store.channel_managers(m.channel_id).await?;
    Ok(Json(
        everyone
            .into_iter()
            .map(|(id, name)| {
                let online = live.online.iter().find(|(o, _, _)| *o == id);
                Teammate {
                    id,
                    name,
                    online: online.is_some(),
                    status: online.map(|(_, status, _)| *status),
                    not_ringing: match online {
                        Some((_, _, why)) => *why,
                        None => Some(NotRingingReason::Offline),
                    },
                }
            })
            .collect(),
    ))
}

/// The channel's teams, for transfers to a team or its queue.
async fn teams(State(s): State<AppState>, Authed(m): Authed) -> Result<Json<Vec<Team>>, ApiErr> {
    Ok(Json(
        s.store
            .teams(m.channel_id, None)
            .await?
            .into_iter()
            .map(|t| Team {
                queue: crate::workflows::queues::to_wire(&t.queue),
                id: t.id,
                name: t.name,
                member_ids: t.members,
            })
            .collect(),
    ))
}

/// The channel's numbers, for the caller-ID picker.
async fn numbers(
    State(s): State<AppState>,
    Authed(m): Authed,
) -> Result<Json<Vec<ChannelNumber>>, ApiErr> {
    Ok(Json(
        dialplan::channel_numbers(&s.store, m.channel_id).await?,
    ))
}

/// What a dial would be (E.164, caller-ID, the international price) or the exact reason it
/// would be refused: the dialpad shows it before the manager presses call.
async fn dial_check(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<DialCheck>, JsonRejection>,
) -> Result<Json<DialPlan>, ApiErr> {
    let Json(check) = body.map_err(bad_json)?;
    match dialplan::plan(&s.store, &m, &check).await {
        Ok(plan) => Ok(Json(plan)),
        Err(DialError::Store(e)) => Err(e.into()),
        Err(e) => Err(ApiErr::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.code(),
            e.to_string(),
        )),
    }
}

/// Where international calls may go and their prices (`docs/product.md#international-dialing`).
async fn international_rates(
    State(s): State<AppState>,
    Authed(_): Authed,
) -> Result<Json<Vec<InternationalRate>>, ApiErr> {
    Ok(Json(
        s.store
            .international_rates()
            .await?
            .into_iter()
            .map(|r| InternationalRate {
                code: r.code,
                country: r.country,
                price_cu: r.price_cu,
            })
            .collect(),
    ))
}

/// An owner or admin replaces the rate table (the whole list at once). Every row is checked
/// first; one bad row refuses the lot and says which.
async fn replace_international_rates(
    State(s): State<AppState>,
    Admin(_): Admin,
    body: Result<Json<Vec<InternationalRate>>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(rates) = body.map_err(bad_json)?;
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rates.iter().enumerate() {
        let problem = if r.code.is_empty() || !r.code.bytes().all(|b| b.is_ascii_digit()) {
            Some(format!(
                "code {:?} must be the calling code's digits",
                r.code
            ))
        } else if r.code.len() > 4 {
            Some(format!("code {} is longer than any calling code", r.code))
        } else if !seen.insert(r.code.as_str()) {
            Some(format!("code {} appears twice", r.code))
        } else if r.country.trim().is_empty() {
            Some("the country name is empty".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ApiErr::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadRate,
                format!("row {}: {problem}", i + 1),
            ));
        }
    }
    let rows: Vec<RateRow> = rates
        .into_iter()
        .map(|r| RateRow {
            code: r.code,
            price_cu: r.price_cu,
            country: r.country.trim().to_string(),
        })
        .collect();
    s.store.replace_international_rates(&rows).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The channel's voice-meet page: a visitor clicks "call", grants the microphone and rings
/// the channel's managers over WebRTC (no phone number on either side).
async fn meet_page(Path(_channel_id): Path<i64>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("meet.html"),
    )
}

/// The largest SDP offer a browser sends is a few KiB; anything much bigger is not one.
const MAX_OFFER_LEN: usize = 64 * 1024;

/// Refuses what cannot be a WebRTC offer before it reaches the WebRTC stack (a voice meet's, a
/// network test's): 422 `badOffer`.
pub(crate) fn check_offer(sdp: &str) -> Result<(), ApiErr> {
    if !sdp.starts_with("v=0") || sdp.len() > MAX_OFFER_LEN {
        return Err(ApiErr::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadOffer,
            "sdpOffer must be an SDP offer (v=0 …) of at most 64 KiB",
        ));
    }
    Ok(())
}

/// A visitor's call from the meet page. No login: the page is public, like a phone number.
async fn meet_call(
    State(s): State<AppState>,
    Path(channel_id): Path<i64>,
    ConnectInfo(from): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<MeetCallRequest>, JsonRejection>,
) -> Result<Json<MeetCallResponse>, ApiErr> {
    let forwarded_for = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let visitor = crate::limit::client_ip(from.ip(), forwarded_for, &s.trusted_proxies);
    let allowed = s
        .meet_limit
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .allow(visitor, std::time::Instant::now());
    if !allowed {
        return Err(ApiErr::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyCalls,
            format!(
                "at most {MEET_CALLS_PER_MINUTE} calls a minute from one address; try again shortly"
            ),
        ));
    }
    let Json(req) = body.map_err(bad_json)?;
    check_offer(&req.sdp_offer)?;
    let (reply, answer) = oneshot::channel();
    let input = Input::Meet {
        channel_id,
        offer: req.sdp_offer,
        reply,
    };
    let unavailable = || {
        ApiErr::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the service is shutting down",
        )
    };
    s.dispatcher.send(input).map_err(|_| unavailable())?;
    match answer.await.map_err(|_| unavailable())? {
        Ok(r) => Ok(Json(r)),
        Err((code, message)) => {
            let status = match code {
                ErrorCode::UnknownChannel => StatusCode::NOT_FOUND,
                ErrorCode::BadOffer => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            Err(ApiErr::new(status, code, message))
        }
    }
}

/// The visitor hangs up from the page (with the token their call was created with).
async fn meet_hangup(
    State(s): State<AppState>,
    Path(call_id): Path<i64>,
    body: Result<Json<MeetHangup>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(req) = body.map_err(bad_json)?;
    let (reply, done) = oneshot::channel();
    let input = Input::MeetHangup {
        call: ringdesk_core::CallId(call_id),
        token: req.token,
        reply,
    };
    let _ = s.dispatcher.send(input);
    match done.await {
        Ok(true) => Ok(StatusCode::NO_CONTENT),
        _ => Err(ApiErr::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such call of yours is going on",
        )),
    }
}

/// A signaling session's read buffer: a few messages' worth (each is a few hundred bytes).
const SESSION_BUFFER_BYTES: usize = 4 * 1024;

async fn ws(
    State(s): State<AppState>,
    Authed(m): Authed,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiErr> {
    let session = s.next_session.fetch_add(1, Ordering::Relaxed);
    let wrap_up = s.store.wrap_up_conversations(m.id).await?;
    Ok(upgrade
        // Signaling messages are a few hundred bytes; the 128 KiB buffers tungstenite
        // starts each session with would cost a channel of 1,000 agents ~150 MiB.
        .read_buffer_size(SESSION_BUFFER_BYTES)
        .write_buffer_size(0)
        .on_upgrade(move |socket| {
            crate::ws::run_session(socket, m, wrap_up, session, s.dispatcher)
        }))
}
