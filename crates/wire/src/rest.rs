//! The REST API's bodies (`/api/v1/…`): login, call records, teammates and teams, numbers,
//! the dial check, the international rate table, and voice meets.

use serde::{Deserialize, Serialize};

use crate::{
    AgentStatus, CallDirection, EndCause, ErrorCode, HangupCause, JoinPurpose, ManagerRole,
    MissedReason, NotRingingReason, PartyOutcome, QueueSettings,
};

/// Who the manager is, as the cloud tells the app after login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ManagerInfo {
    /// Manager id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// The channel (tenant) the manager belongs to.
    pub channel_id: i64,
    /// The channel's name.
    pub channel_name: String,
    /// An owner or admin: may change the channel's setup (its workflows, queues, rates).
    #[serde(default)]
    pub can_administer: bool,
    /// An owner: may also create and revoke the metrics API's access keys.
    #[serde(default)]
    pub is_owner: bool,
}

/// `POST /api/v1/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /api/v1/login` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// Bearer token for REST and the WebSocket.
    pub token: String,
    /// Who logged in.
    pub manager: ManagerInfo,
}

/// Every API error body: a stable `code` for programs, a `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `invalidCredentials`, `notFound`.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

/// An international destination's country and per-call price (`docs/product.md#international-dialing`), shown before
/// dialing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InternationalRate {
    /// Calling code, digits only (`81`, `1`, `852`).
    pub code: String,
    /// Country name.
    pub country: String,
    /// Price per call in CU (1 CU = 1 KRW, VAT excluded).
    pub price_cu: u32,
}

/// What a dial would be: the number in E.164, the caller-ID, and for an international call
/// its country and price (`POST /api/v1/dial/check`, and `dialing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DialPlan {
    /// The destination, E.164.
    pub to: String,
    /// The caller-ID shown, E.164.
    pub caller_id: String,
    /// Set for an international call.
    pub international: Option<InternationalRate>,
}

/// Body of `POST /api/v1/dial/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DialCheck {
    /// As typed.
    pub number: String,
    /// One of the channel's numbers; the first when absent.
    #[serde(default)]
    pub caller_id: Option<String>,
}

/// Body of `POST /api/v1/meet/{channelId}/calls`: a visitor's browser calls the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MeetCallRequest {
    /// The browser's WebRTC offer (Opus).
    pub sdp_offer: String,
}

/// Answer to a visitor's call: the call rings the channel's managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MeetCallResponse {
    /// The call.
    pub call_id: i64,
    /// The cloud's WebRTC answer.
    pub sdp_answer: String,
    /// The visitor's secret for `POST /api/v1/meet/calls/{callId}/hangup`.
    pub token: String,
}

/// Body of `POST /api/v1/network-test`: the app's WebRTC offer for a test call to the
/// cloud's echo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NetworkTestRequest {
    /// The app's WebRTC offer (Opus).
    pub sdp_offer: String,
}

/// The cloud's side of a network test: every packet the app sends comes back as it was,
/// for at most `seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NetworkTestResponse {
    /// The cloud's WebRTC answer.
    pub sdp_answer: String,
    /// How long the echo lasts.
    pub seconds: u32,
}

/// Body of `POST /api/v1/meet/calls/{callId}/hangup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MeetHangup {
    /// The token the call was created with.
    pub token: String,
}

/// A contact of the channel (`GET /api/v1/contacts?phone=…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    /// Id.
    pub id: i64,
    /// Name, when someone gave one.
    pub name: Option<String>,
    /// E.164 number.
    pub phone: String,
    /// Made from an unknown caller's number by their first call.
    pub lead: bool,
    /// Profile fields (the first 3).
    pub fields: Vec<crate::ProfileField>,
}

/// `GET /api/v1/contacts` query: one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactQuery {
    /// A phone number (E.164, or national in the channel's country): the contact with it.
    #[serde(default)]
    pub phone: Option<String>,
    /// What a manager typed (1–[`CONTACT_QUERY_MAX`] characters): contacts whose name
    /// contains it, or whose number contains its digits. With neither this nor `phone`: the
    /// contacts changed last.
    #[serde(default)]
    pub query: Option<String>,
}

/// The longest contact search, in characters.
pub const CONTACT_QUERY_MAX: usize = 100;

/// A call's recording (`GET /api/v1/calls/{id}/recording`): the customer's side on the left
/// channel, the managers' on the right. Offsets are milliseconds into the recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecordingInfo {
    /// The call.
    pub call_id: i64,
    /// Where it stands.
    pub state: crate::RecordingState,
    /// When it started (the customer and a manager on the line), RFC 3339.
    pub started_at: String,
    /// Its length, once ready.
    pub duration_ms: i64,
    /// The MP3's size, once ready.
    pub mp3_bytes: i64,
    /// Stretches a manager paused it: silence in the audio, marked in the player.
    pub pauses: Vec<RecordingPause>,
    /// Why it failed.
    pub error: Option<String>,
    /// Its transcript's state; `None` when the cloud transcribes nothing (no model installed).
    #[serde(default)]
    pub transcript: Option<crate::TranscriptState>,
}

/// One line of a call's transcript: who said what, where in the recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TranscriptLine {
    /// The customer or the managers.
    pub speaker: crate::Speaker,
    /// Where it starts, ms into the recording (the player seeks there).
    pub start_ms: i64,
    /// Where it ends.
    pub end_ms: i64,
    /// What was said.
    pub text: String,
}

/// A paused stretch of a recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecordingPause {
    /// Paused at, ms into the recording.
    pub from_ms: i64,
    /// Resumed at; `None`: paused to the end.
    pub to_ms: Option<i64>,
}

/// How long the channel keeps recordings (`GET`/`PUT /api/v1/recordings/retention`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecordingRetention {
    /// Days, [`RETENTION_DAYS_MIN`] to [`RETENTION_DAYS_MAX`]; older recordings are purged.
    pub days: i64,
}

/// The shortest retention: a day.
pub const RETENTION_DAYS_MIN: i64 = 1;
/// The longest retention: ten years.
pub const RETENTION_DAYS_MAX: i64 = 3_650;

/// One of the channel's numbers, as the caller-ID picker shows it (`GET /api/v1/numbers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChannelNumber {
    /// E.164.
    pub e164: String,
    /// The admin's label (e.g. 대표번호).
    pub label: String,
    /// International calls may leave from it (middle digits 7666, 7174, 4769, 4768).
    pub international: bool,
}

/// A manager of my channel as invite and transfer pickers show them
/// (`GET /api/v1/teammates`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Teammate {
    /// Manager id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Has the app open.
    pub online: bool,
    /// Their status, when online.
    pub status: Option<AgentStatus>,
    /// Why a call would not ring them now (the same codes as `presence`); `None` when it
    /// would.
    pub not_ringing: Option<NotRingingReason>,
}

/// A team of my channel (`GET /api/v1/teams`), for transfers to a team or its queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Team {
    /// Team id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Member manager ids in ring order.
    pub member_ids: Vec<i64>,
    /// How its queue treats callers (`PUT /api/v1/teams/{id}/queue`, owners and admins).
    pub queue: QueueSettings,
}

/// One call record as the API returns it (`docs/product.md#call-records`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    /// Call id.
    pub id: i64,
    /// Inbound or outbound.
    pub direction: CallDirection,
    /// The channel number involved.
    pub number: String,
    /// The customer's number.
    pub caller_number: String,
    /// The customer's name, when known.
    pub caller_name: Option<String>,
    /// Managers who were rung or talked, in order.
    pub managers: Vec<CallManager>,
    /// RFC 3339 UTC.
    pub started_at: String,
    /// RFC 3339 UTC, when a manager answered.
    pub answered_at: Option<String>,
    /// RFC 3339 UTC, when it ended.
    pub ended_at: Option<String>,
    /// Talk time in seconds (answer to end), 0 when missed.
    pub duration_s: i64,
    /// Who or what ended it, once it has ended.
    pub hangup_cause: Option<HangupCause>,
    /// Why it was missed, when it was.
    pub missed_reason: Option<MissedReason>,
    /// Numbers called on a parallel line of this call, in order.
    #[serde(default)]
    pub parties: Vec<CallParty>,
    /// What the caller typed into the workflow's input forms, in order.
    #[serde(default)]
    pub inputs: Vec<CallInput>,
    /// Tags the workflow put on the call.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The caller's voicemail's length, when they left one
    /// (`GET /api/v1/calls/{id}/voicemail` plays it).
    #[serde(default)]
    pub voicemail_ms: Option<i64>,
    /// The queue callback the caller asked for, if they did.
    #[serde(default)]
    pub callback: Option<CallbackRecord>,
    /// Text messages a workflow sent to the caller, in order.
    #[serde(default)]
    pub sms: Vec<CallSms>,
}

/// A text message a workflow sent for a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallSms {
    /// To whom (E.164).
    pub to: String,
    /// What it said.
    pub text: String,
    /// Why it was not sent; `None`: the SMS provider took it.
    pub error: Option<String>,
}

/// A queue callback as a call record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallbackRecord {
    /// When the caller asked for it (RFC 3339).
    pub requested_at: String,
    /// How many times the customer was dialled back.
    pub attempts: u32,
    /// When they answered (RFC 3339); `None`: not (yet) reached.
    pub answered_at: Option<String>,
}

/// Digits the caller typed into a workflow's input form (e.g. a reservation number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallInput {
    /// The form's label.
    pub label: String,
    /// The digits.
    pub value: String,
}

/// A number a manager called on a parallel line of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallParty {
    /// E.164.
    pub number: String,
    /// Who called it.
    pub by_manager_id: i64,
    /// RFC 3339 UTC.
    pub started_at: String,
    /// RFC 3339 UTC, when it answered.
    pub answered_at: Option<String>,
    /// RFC 3339 UTC, when its leg ended.
    pub ended_at: Option<String>,
    /// Merged, its line's end, or the call's hangup cause; `None` while it is going on.
    pub outcome: Option<PartyOutcome>,
}

/// A manager's part in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallManager {
    /// Manager id.
    pub id: i64,
    /// Manager name.
    pub name: String,
    /// What this entry records: rung, declined, answered, left.
    pub role: ManagerRole,
    /// How they came to the call (rang/answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<JoinPurpose>,
    /// Who invited or transferred them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_manager_id: Option<i64>,
    /// How their leg ended (left): on their own, handed over, or with the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<EndCause>,
}

/// Query of `GET /api/v1/calls`: `?page=1&perPage=50`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallsQuery {
    /// 1-based page (default 1).
    pub page: Option<u32>,
    /// Page size, 1–200 (default 50).
    pub per_page: Option<u32>,
    /// Only calls of this customer number (E.164), for the ring popup's history.
    pub caller: Option<String>,
}

/// A page of call records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallPage {
    /// Records, newest first.
    pub calls: Vec<CallRecord>,
    /// 1-based page number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Records in all pages.
    pub total: i64,
}

/// What the cloud `POST`s to an SMS provider (`--sms-endpoint`) for a workflow's text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SmsRequest {
    /// The channel's number the customer called (E.164).
    pub from: String,
    /// The customer's number (E.164).
    pub to: String,
    /// What it says.
    pub text: String,
}
