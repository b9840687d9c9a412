//! ringdesk-wire: every message that crosses a process boundary between the agent app and the
//! cloud — the REST bodies and the WebSocket signaling — as serde types.
//!
//! Contract: JSON, camelCase fields, messages tagged by `"type"`. Only this crate derives
//! `Serialize`/`Deserialize` for cross-process data (`ARCHITECTURE.md`, Conventions), so the
//! protocol has one definition, documented in `docs/protocol.md`. Unknown or malformed messages are
//! rejected by the receiver with [`ServerMessage::Error`]; they never end a session.

use serde::{Deserialize, Serialize};

/// Version of the signaling protocol, sent in `hello` so old apps can tell they are old.
pub const PROTOCOL_VERSION: u32 = 1;

/// A manager's chosen status (`docs/product.md#status`). `inCall` is set by the cloud, not chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AgentStatus {
    /// Green: takes calls.
    Available,
    /// Grey: no calls.
    Away,
    /// Red: in a call.
    InCall,
    /// After a call.
    WrapUp,
}

/// Who the manager is, as the cloud tells the app after login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// `POST /api/v1/login` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// Login email.
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /api/v1/login` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// Bearer token for REST and the WebSocket.
    pub token: String,
    /// Who logged in.
    pub manager: ManagerInfo,
}

/// Every API error body: a stable `code` for programs, a `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `invalidCredentials`, `notFound`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

/// One profile field shown on the ring popup (at most 3, `docs/product.md#ring`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileField {
    /// Field label.
    pub name: String,
    /// Field value.
    pub value: String,
}

/// The caller as the ring popup shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Caller {
    /// E.164 number, or the raw presented identity when it is not a number.
    pub number: String,
    /// The contact's name when the number belongs to a known contact.
    pub name: Option<String>,
    /// Up to 3 profile fields of the contact.
    pub fields: Vec<ProfileField>,
}

/// Where the call came in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallVia {
    /// The channel number dialled.
    pub number: String,
    /// The team it is routed to.
    pub team_name: String,
}

/// Messages from the app to the cloud over the WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ClientMessage {
    /// Choose a status and do-not-disturb.
    SetStatus {
        /// The new status (`available` or `away`; the cloud owns `inCall`).
        status: AgentStatus,
        /// Do-not-disturb.
        #[serde(default)]
        do_not_disturb: bool,
    },
    /// Answer a ringing call, offering WebRTC media.
    Answer {
        /// The call.
        call_id: i64,
        /// The app's SDP offer (Opus, DTLS-SRTP, ICE host candidates).
        sdp_offer: String,
    },
    /// Decline a ringing call; it moves on to the next manager.
    Decline {
        /// The call.
        call_id: i64,
    },
    /// Leave the call (ends it when no other manager remains).
    Hangup {
        /// The call.
        call_id: i64,
    },
    /// End the call for everyone in it: the customer and every manager.
    EndForAll {
        /// The call.
        call_id: i64,
    },
    /// Put the customer on hold (they hear hold music) or take them off it. Any manager in
    /// the call may; the hold stays when that manager leaves.
    SetHold {
        /// The call.
        call_id: i64,
        /// On hold (`true`) or back (`false`).
        held: bool,
    },
    /// Send DTMF digits to the customer (RFC 4733 on the trunk).
    Dtmf {
        /// The call.
        call_id: i64,
        /// Digits from `0-9*#A-D`.
        digits: String,
    },
    /// Take a call that rings at another manager of the channel ("pick-up"), offering media
    /// as `answer` does.
    PickUp {
        /// The call.
        call_id: i64,
        /// The app's SDP offer.
        sdp_offer: String,
        /// We are in another call and leave it first (the app asked us to confirm): one call
        /// at a time.
        #[serde(default)]
        leave_current: bool,
    },
    /// Ring a teammate to join the call (at most 1 customer + 9 managers).
    Invite {
        /// The call.
        call_id: i64,
        /// Who to invite.
        manager_id: i64,
    },
    /// Hand the call to a manager or to every available manager of a team; the customer
    /// waits on hold until the target answers. Give exactly one of `managerId` and `teamId`.
    Transfer {
        /// The call.
        call_id: i64,
        /// Cold (hand over on answer) or warm (talk to the target first).
        kind: TransferKind,
        /// A manager to transfer to.
        #[serde(default)]
        manager_id: Option<i64>,
        /// A team to transfer to (first of its available managers to answer).
        #[serde(default)]
        team_id: Option<i64>,
    },
    /// Complete a warm transfer whose target answered: hand over and leave.
    CompleteTransfer {
        /// The call.
        call_id: i64,
    },
    /// Take a transfer back: stop its rings, or drop the warm transfer's target.
    CancelTransfer {
        /// The call.
        call_id: i64,
    },
    /// Put the call in a team's waiting line and leave; the customer hears hold music until
    /// one of its managers answers.
    TransferToQueue {
        /// The call.
        call_id: i64,
        /// The team.
        team_id: i64,
    },
    /// Put the customer on hold and call a second party on a parallel line: a teammate
    /// (`managerId`) or a number through the trunk (`number`, checked like `dial`). Exactly one
    /// of the two.
    ParallelCall {
        /// The call.
        call_id: i64,
        /// A teammate to ring.
        #[serde(default)]
        manager_id: Option<i64>,
        /// A number to dial.
        #[serde(default)]
        number: Option<String>,
        /// The caller-ID for `number` (the channel's first number when absent).
        #[serde(default)]
        caller_id: Option<String>,
    },
    /// Move to the other line of our parallel call; the line left waits with the hold music.
    SwitchLine {
        /// The call.
        call_id: i64,
    },
    /// Join both lines of our parallel call into one conversation.
    Merge {
        /// The call.
        call_id: i64,
    },
    /// Place a call through the trunk, offering WebRTC media as `answer` does. The cloud
    /// checks the number, the permission and the caller-ID (`docs/product.md#outbound`) and answers
    /// `dialing` (then `connected` with its SDP answer) or `dialRefused`.
    Dial {
        /// What the manager typed or pasted: Korean national forms or `+` international.
        number: String,
        /// One of the channel's numbers to show; the first of them when absent.
        #[serde(default)]
        caller_id: Option<String>,
        /// The app's SDP offer.
        sdp_offer: String,
    },
    /// Keep-alive; answered with `pong`.
    Ping,
}

/// An international destination's country and per-call price
/// (`docs/product.md#international-dialing`), shown before dialing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(rename_all = "camelCase")]
pub struct MeetCallRequest {
    /// The browser's WebRTC offer (Opus).
    pub sdp_offer: String,
}

/// Answer to a visitor's call: the call rings the channel's managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetCallResponse {
    /// The call.
    pub call_id: i64,
    /// The cloud's WebRTC answer.
    pub sdp_answer: String,
    /// The visitor's secret for `POST /api/v1/meet/calls/{callId}/hangup`.
    pub token: String,
}

/// Body of `POST /api/v1/meet/calls/{callId}/hangup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeetHangup {
    /// The token the call was created with.
    pub token: String,
}

/// One of the channel's numbers, as the caller-ID picker shows it (`GET /api/v1/numbers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelNumber {
    /// E.164.
    pub e164: String,
    /// The admin's label (e.g. 대표번호).
    pub label: String,
    /// International calls may leave from it (middle digits 7666, 7174, 4769, 4768).
    pub international: bool,
}

/// Cold or warm transfer (`docs/product.md#transfer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TransferKind {
    /// Ring the target; hand over as soon as they answer.
    Cold,
    /// Ring the target and talk to them first; hand over with `completeTransfer`.
    Warm,
}

/// A manager as other managers see them in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagerRef {
    /// Manager id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// Why a call rings here: routed to us, or a teammate asking us in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RingPurpose {
    /// The call was routed to us (from the number, or a queue).
    #[default]
    Route,
    /// A manager in the call invites us to join.
    Invite {
        /// Who.
        by: ManagerRef,
    },
    /// A manager in the call transfers it to us.
    Transfer {
        /// Who.
        by: ManagerRef,
        /// Cold or warm.
        transfer: TransferKind,
    },
    /// A manager in a call calls us on a parallel line (their customer waits on hold).
    Parallel {
        /// Who.
        by: ManagerRef,
    },
}

/// A parallel call under way, as the call's managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParallelState {
    /// Who made it.
    pub by: ManagerRef,
    /// The teammate called, when it is one.
    pub manager: Option<ManagerRef>,
    /// The number called, when it is one.
    pub number: Option<String>,
    /// The second party answered.
    pub answered: bool,
    /// `by` is on the second line now (the customer waits on hold).
    pub on_second: bool,
    /// Managers invited into the second line (its own conference: no merge until they leave).
    pub second_line: Vec<ManagerRef>,
}

/// A manager being rung for a call, as the call's managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RingingManager {
    /// Who rings.
    pub manager: ManagerRef,
    /// Why.
    pub purpose: RingPurpose,
}

/// A transfer under way, as the call's managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferState {
    /// Who transfers.
    pub by: ManagerRef,
    /// Cold or warm.
    pub kind: TransferKind,
    /// The warm transfer's target once they answered (talking with `by`, customer on hold).
    pub consulting: Option<ManagerRef>,
}

/// Who is in a call and what it is doing: sent to every manager in it whenever it changes,
/// for the in-call box's participants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallState {
    /// The call.
    pub call_id: i64,
    /// The customer.
    pub customer: Caller,
    /// Which number and team it came through.
    pub via: CallVia,
    /// The customer is on hold (hears the hold music).
    pub held: bool,
    /// Managers in the call.
    pub managers: Vec<ManagerRef>,
    /// Managers being rung for it (invitations, transfers).
    pub ringing: Vec<RingingManager>,
    /// A transfer under way.
    pub transfer: Option<TransferState>,
    /// The call waits in a team's queue.
    pub queued: bool,
    /// A call a manager placed, still ringing at the called party.
    #[serde(default)]
    pub dialing: bool,
    /// A parallel call under way.
    #[serde(default)]
    pub parallel: Option<ParallelState>,
    /// The customer is still on the line (a parallel or merged party may outlast them).
    #[serde(default = "yes")]
    pub customer_present: bool,
    /// The number of a party called from the trunk that is in the call (parallel or merged).
    #[serde(default)]
    pub party_number: Option<String>,
    /// A browser visitor's call (a voice meet): the app offers no hold, parallel call or
    /// warm transfer, which the cloud would refuse.
    #[serde(default)]
    pub meet: bool,
}

fn yes() -> bool {
    true
}

/// Messages from the cloud to the app over the WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ServerMessage {
    /// First message of every session.
    Hello {
        /// Protocol version, see [`PROTOCOL_VERSION`].
        protocol: u32,
        /// Who is logged in.
        manager: ManagerInfo,
        /// The status the cloud has for them.
        status: AgentStatus,
        /// Do-not-disturb.
        do_not_disturb: bool,
    },
    /// The manager's presence changed; `notRinging` says why calls would not ring now.
    Presence {
        /// Current status.
        status: AgentStatus,
        /// Do-not-disturb.
        do_not_disturb: bool,
        /// Reason code when not eligible to ring (e.g. `away`, `doNotDisturb`).
        not_ringing: Option<String>,
    },
    /// A call rings this manager.
    Ring {
        /// The call.
        call_id: i64,
        /// Who calls.
        caller: Caller,
        /// Which number and team it came through.
        via: CallVia,
        /// How long it rings here before moving on, in milliseconds.
        ring_timeout_ms: u64,
        /// Routed here, or an invitation or transfer from a teammate.
        #[serde(default)]
        purpose: RingPurpose,
    },
    /// The call stopped ringing here.
    RingStopped {
        /// The call.
        call_id: i64,
        /// `declined`, `timedOut`, `callerLeft`, `disconnected`, `answeredElsewhere`,
        /// `pickedUp`, `cancelled`, `callEnded`.
        reason: String,
    },
    /// The answer was accepted: here is the cloud's SDP answer.
    Connected {
        /// The call.
        call_id: i64,
        /// The cloud's SDP answer.
        sdp_answer: String,
    },
    /// The call ended for this manager.
    CallEnded {
        /// The call.
        call_id: i64,
        /// The call's hangup cause, or how our leg alone ended while the call goes on:
        /// `left`, `transferred`, `transferCancelled`.
        cause: String,
        /// Missed reason code, when the call was missed.
        missed_reason: Option<String>,
    },
    /// A DTMF digit the customer pressed.
    Dtmf {
        /// The call.
        call_id: i64,
        /// The digit.
        digit: String,
    },
    /// The customer went on hold or came back; sent to every manager in the call.
    HoldChanged {
        /// The call.
        call_id: i64,
        /// On hold now.
        held: bool,
        /// The manager who changed it.
        by_manager_id: i64,
    },
    /// Who is in the call and what it is doing; sent to its managers on every change.
    CallState(Box<CallState>),
    /// Our invitation was not answered.
    InviteUnanswered {
        /// The call.
        call_id: i64,
        /// Who we invited.
        manager: ManagerRef,
        /// Why their ring stopped (`declined`, `timedOut`, …).
        reason: String,
    },
    /// Our transfer is over.
    TransferEnded {
        /// The call.
        call_id: i64,
        /// `completed`, `unanswered`, `cancelled`, `targetLeft`.
        outcome: String,
        /// Who has the call now, when completed.
        to: Option<ManagerRef>,
        /// Why the last ring stopped, when unanswered.
        reason: Option<String>,
    },
    /// Our parallel line ended unmerged: `unanswered`, `unreachable`, `partyLeft`,
    /// `ownerLeft`; the customer is back (off hold unless they were held before).
    ParallelEnded {
        /// The call.
        call_id: i64,
        /// Why.
        reason: String,
    },
    /// The customer hung up, but the call goes on with the parallel (or merged) party.
    CustomerLeft {
        /// The call.
        call_id: i64,
    },
    /// The channel's calls ringing at a manager, the ones that can be picked up: to every
    /// manager of the channel whenever that list changes (and once when a session opens), so
    /// the app lists them without polling.
    RingingCalls {
        /// Calls with a routed ring, oldest first.
        calls: Vec<CallState>,
    },
    /// Our `dial` went ahead: the call exists and rings out (`connected` follows with the
    /// media answer; `callState` says `dialing` until the called party answers).
    Dialing {
        /// The new call.
        call_id: i64,
        /// Who we call (a known contact's name when the number is theirs).
        customer: Caller,
        /// The number, caller-ID and price.
        plan: DialPlan,
    },
    /// The called party rings (`earlyMedia`: we hear the carrier's audio, else our ringback).
    DialProgress {
        /// The call.
        call_id: i64,
        /// The carrier sends early media.
        early_media: bool,
    },
    /// The called party answered.
    DialAnswered {
        /// The call.
        call_id: i64,
    },
    /// The called party could not be reached; `callEnded` (`notReached`) follows.
    DialFailed {
        /// The call.
        call_id: i64,
        /// The carrier's SIP status (486 busy, 404 unknown, 480 unavailable, 408 no answer…).
        sip_code: u16,
        /// Its reason phrase.
        reason: String,
    },
    /// Our `dial` was refused before anything rang, with the exact reason.
    DialRefused {
        /// `noOperatorSeat`, `noOutboundPermission`, `callerIdNotOurs`, `notANumber`,
        /// `unsupportedCountry`, `callerIdNotInternational`, `busy`, `noOutboundTrunk`.
        code: String,
        /// Human-readable explanation.
        message: String,
    },
    /// Answer to `ping`.
    Pong,
    /// A request failed; the session stays up.
    Error {
        /// Stable code: `badJson`, `unknownMessage`, `notRinging`, `unknownCall`, …
        code: String,
        /// Human-readable explanation.
        message: String,
    },
}

/// A manager of my channel as invite and transfer pickers show them
/// (`GET /api/v1/teammates`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub not_ringing: Option<String>,
}

/// A team of my channel (`GET /api/v1/teams`), for transfers to a team or its queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    /// Team id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Member manager ids in ring order.
    pub member_ids: Vec<i64>,
}

/// Whom a call can go to (desktop RPC): the in-call box's invite and transfer panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallTargets {
    /// The channel's managers.
    pub teammates: Vec<Teammate>,
    /// The channel's teams.
    pub teams: Vec<Team>,
}

/// One call record as the API returns it (`docs/product.md#call-records`: the raw data of the
/// statistics).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    /// Call id.
    pub id: i64,
    /// `inbound` or `outbound`.
    pub direction: String,
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
    /// Hangup cause code.
    pub hangup_cause: Option<String>,
    /// Missed reason code.
    pub missed_reason: Option<String>,
    /// Numbers called on a parallel line of this call, in order.
    #[serde(default)]
    pub parties: Vec<CallParty>,
}

/// A number a manager called on a parallel line of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// `merged`, `unreachable`, `partyLeft`, `ownerLeft`, or the call's hangup cause.
    pub outcome: Option<String>,
}

/// A manager's part in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallManager {
    /// Manager id.
    pub id: i64,
    /// Manager name.
    pub name: String,
    /// `rang`, `declined`, `answered`, `left`.
    pub role: String,
    /// How they came to the call (rang/answered): `route`, `invite`, `coldTransfer`,
    /// `warmTransfer`, `pickUp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Who invited or transferred them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_manager_id: Option<i64>,
    /// How their leg ended (left): `left`, `transferred`, `transferCancelled`, or the call's
    /// hangup cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// Query of `GET /api/v1/calls`: `?page=1&perPage=50`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// Events the agent library reports to its front end: the desktop UI (as Tauri events) and
/// the `ringdesk-agent` CLI (as JSON lines). This is the desktop RPC's event half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AgentEvent {
    /// Logged in; the WebSocket session is up.
    SessionUp {
        /// Who.
        manager: ManagerInfo,
    },
    /// The WebSocket session dropped; the agent retries after `retry_in_ms`.
    SessionDown {
        /// Why.
        reason: String,
        /// Back-off before the next attempt.
        retry_in_ms: u64,
    },
    /// Presence as the cloud sees it.
    Presence {
        /// Status.
        status: AgentStatus,
        /// Do-not-disturb.
        do_not_disturb: bool,
        /// Why calls would not ring now.
        not_ringing: Option<String>,
    },
    /// A call rings.
    Ring {
        /// The call.
        call_id: i64,
        /// Who calls.
        caller: Caller,
        /// Through which number and team.
        via: CallVia,
        /// How long it rings here.
        ring_timeout_ms: u64,
        /// Routed here, or an invitation or transfer from a teammate.
        #[serde(default)]
        purpose: RingPurpose,
    },
    /// It stopped ringing here.
    RingStopped {
        /// The call.
        call_id: i64,
        /// Why.
        reason: String,
    },
    /// Our answer was accepted; media is being set up.
    CallConnected {
        /// The call.
        call_id: i64,
    },
    /// WebRTC media is up (ICE + DTLS).
    MediaConnected {
        /// The call.
        call_id: i64,
    },
    /// The first audio from the call was played out.
    RemoteAudio {
        /// The call.
        call_id: i64,
    },
    /// The customer pressed a key.
    Dtmf {
        /// The call.
        call_id: i64,
        /// The digit.
        digit: String,
    },
    /// The call ended for us.
    CallEnded {
        /// The call.
        call_id: i64,
        /// Hangup cause.
        cause: String,
        /// Missed reason, if missed.
        missed_reason: Option<String>,
    },
    /// The customer went on hold or came back (by us or another manager in the call).
    HoldChanged {
        /// The call.
        call_id: i64,
        /// On hold now.
        held: bool,
        /// The manager who changed it.
        by_manager_id: i64,
    },
    /// Who is in the call and what it is doing (participants, hold, transfer).
    CallState(Box<CallState>),
    /// An invitation we sent was not answered.
    InviteUnanswered {
        /// The call.
        call_id: i64,
        /// Who we invited.
        manager: ManagerRef,
        /// Why their ring stopped.
        reason: String,
    },
    /// A transfer we started is over.
    TransferEnded {
        /// The call.
        call_id: i64,
        /// `completed`, `unanswered`, `cancelled`, `targetLeft`.
        outcome: String,
        /// Who has the call now, when completed.
        to: Option<ManagerRef>,
        /// Why the last ring stopped, when unanswered.
        reason: Option<String>,
    },
    /// Our parallel line ended unmerged.
    ParallelEnded {
        /// The call.
        call_id: i64,
        /// `unanswered`, `unreachable`, `partyLeft`, `ownerLeft`.
        reason: String,
    },
    /// The customer hung up; the call goes on with the parallel (or merged) party.
    CustomerLeft {
        /// The call.
        call_id: i64,
    },
    /// The channel's calls ringing at a manager changed (any of them can be picked up).
    RingingCalls {
        /// Calls with a routed ring, oldest first.
        calls: Vec<CallState>,
    },
    /// Our dial went ahead: the call rings out (`callConnected` follows when media is set up).
    Dialing {
        /// The new call.
        call_id: i64,
        /// Who we call.
        customer: Caller,
        /// The number, caller-ID and price.
        plan: DialPlan,
    },
    /// The called party rings; with early media we hear the carrier's audio.
    DialProgress {
        /// The call.
        call_id: i64,
        /// The carrier sends early media.
        early_media: bool,
    },
    /// The called party answered.
    DialAnswered {
        /// The call.
        call_id: i64,
    },
    /// The called party could not be reached (the call ends next).
    DialFailed {
        /// The call.
        call_id: i64,
        /// The carrier's SIP status.
        sip_code: u16,
        /// Its reason phrase.
        reason: String,
    },
    /// Our dial was refused before anything rang.
    DialRefused {
        /// Stable code (see the `dialRefused` server message).
        code: String,
        /// Explanation.
        message: String,
    },
    /// Our microphone was muted or unmuted in this call.
    MuteChanged {
        /// The call.
        call_id: i64,
        /// Whether the far end now hears silence from us.
        muted: bool,
    },
    /// An audio device failed mid-call (e.g. unplugged); the call moved to the system default.
    AudioDeviceLost {
        /// The call, if one was running.
        call_id: Option<i64>,
        /// What failed, for the notification.
        message: String,
    },
    /// The saved token was refused (expired or revoked): the app must ask for the password.
    SessionExpired,
    /// Something failed; the session goes on.
    Error {
        /// Stable code.
        code: String,
        /// Explanation.
        message: String,
    },
}

/// One line of the app's recent-calls list, kept in the local cache so it shows offline too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentCall {
    /// The cloud's call id.
    pub call_id: i64,
    /// Who called.
    pub caller: Caller,
    /// Which number and team it came through.
    pub via: CallVia,
    /// When it started ringing here, Unix milliseconds.
    pub started_at_ms: i64,
    /// When we answered, if we did.
    pub answered_at_ms: Option<i64>,
    /// When it ended for us, if it has.
    pub ended_at_ms: Option<i64>,
    /// `missed` when it rang here and nobody here answered (declined, timed out, caller
    /// left), `answered` otherwise; `ringing` / `inCall` while it is still going.
    pub outcome: String,
}

/// A global-hotkey action (`docs/product.md#hotkeys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HotkeyAction {
    /// Open the dialpad window.
    OpenDialpad,
    /// Answer the ringing call.
    Answer,
    /// Mute / unmute the microphone.
    ToggleMute,
    /// Hold / resume (needs cloud hold).
    ToggleHold,
    /// End the call for everyone.
    EndForAll,
    /// Leave the call (only me).
    Leave,
}

/// One hotkey as configured, and whether the OS let us register it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HotkeyBinding {
    /// What it does.
    pub action: HotkeyAction,
    /// Accelerator, e.g. `Ctrl+Shift+M` (`Cmd` on macOS).
    pub accelerator: String,
    /// Why it could not be registered (taken by another app, bad syntax), when it could not.
    pub error: Option<String>,
}

/// The desktop app's settings, kept in the local cache (never the token: that is in the OS
/// keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    /// `ko` or `en`; `None` follows the OS locale.
    pub language: Option<String>,
    /// Microphone by device name; `None` is the system default.
    pub microphone: Option<String>,
    /// Speaker by device name; `None` is the system default.
    pub speaker: Option<String>,
    /// Where the ringtone plays; `None` is the system default output.
    pub ringer: Option<String>,
    /// Join every call muted.
    pub start_muted: bool,
    /// Raise a notification for missed calls.
    pub missed_call_notifications: bool,
    /// Global hotkeys.
    pub hotkeys: Vec<HotkeyBinding>,
}

/// The audio devices the machine has, for the settings screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioDeviceList {
    /// Microphones.
    pub inputs: Vec<String>,
    /// Speakers (also the ringer choices).
    pub outputs: Vec<String>,
}

/// The main window's two lists (desktop RPC), from the local cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentCallLists {
    /// The last 5 calls.
    pub recent: Vec<RecentCall>,
    /// Missed calls, newest first.
    pub missed: Vec<RecentCall>,
}

/// The desk as the shell sees it (desktop RPC), for windows that open mid-call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeskState {
    /// The call we are in.
    pub active_call: Option<i64>,
    /// The call that rings here.
    pub ringing_call: Option<i64>,
    /// Our microphone is muted.
    pub muted: bool,
    /// The tray icon: `available`, `away`, `inCall`, `doNotDisturb` or `offline`.
    pub tray: String,
}

/// What the desktop shell tells its UI at start-up (desktop RPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesktopStartup {
    /// Cloud URL to log in to.
    pub server: String,
    /// Pre-filled email.
    pub email: Option<String>,
    /// Log in right away with credentials from the environment (demo quickstart).
    pub auto_login: bool,
    /// A token for `server`/`email` is in the OS keyring: the app can resume without a password.
    pub saved_session: bool,
}

/// Why a client message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageError {
    /// `badJson`, `unknownMessage` or `invalidMessage`.
    pub code: &'static str,
    /// The parser's explanation.
    pub message: String,
}

impl From<MessageError> for ServerMessage {
    fn from(e: MessageError) -> Self {
        ServerMessage::Error {
            code: e.code.into(),
            message: e.message,
        }
    }
}

/// Parses a client message, turning failure into the typed error the cloud sends back.
pub fn parse_client_message(text: &str) -> Result<ClientMessage, MessageError> {
    match serde_json::from_str::<ClientMessage>(text) {
        Ok(m) => Ok(m),
        Err(e) => {
            let code = match serde_json::from_str::<serde_json::Value>(text) {
                Err(_) => "badJson",
                Ok(v)
                    if v.get("type")
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| !CLIENT_TYPES.contains(&t)) =>
                {
                    "unknownMessage"
                }
                Ok(_) => "invalidMessage",
            };
            Err(MessageError {
                code,
                message: e.to_string(),
            })
        }
    }
}

const CLIENT_TYPES: &[&str] = &[
    "setStatus",
    "answer",
    "decline",
    "hangup",
    "endForAll",
    "setHold",
    "dtmf",
    "pickUp",
    "invite",
    "transfer",
    "completeTransfer",
    "cancelTransfer",
    "transferToQueue",
    "parallelCall",
    "switchLine",
    "merge",
    "dial",
    "ping",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_use_the_documented_shape() {
        let m = ClientMessage::Answer {
            call_id: 7,
            sdp_offer: "v=0".into(),
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"type":"answer","callId":7,"sdpOffer":"v=0"}"#
        );
        let s: ClientMessage =
            serde_json::from_str(r#"{"type":"setStatus","status":"away"}"#).unwrap();
        assert_eq!(
            s,
            ClientMessage::SetStatus {
                status: AgentStatus::Away,
                do_not_disturb: false
            }
        );
        let r = ServerMessage::RingStopped {
            call_id: 1,
            reason: "timedOut".into(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"type":"ringStopped","callId":1,"reason":"timedOut"}"#
        );
    }

    #[test]
    fn bad_input_gets_typed_errors() {
        let code = |t: &str| parse_client_message(t).unwrap_err().code;
        assert_eq!(code("{not json"), "badJson");
        assert_eq!(code(r#"{"type":"teleport"}"#), "unknownMessage");
        assert_eq!(code(r#"{"type":"answer","callId":"x"}"#), "invalidMessage");
        assert_eq!(code(r#"{"callId":1}"#), "invalidMessage");
        assert_eq!(
            parse_client_message(r#"{"type":"ping"}"#),
            Ok(ClientMessage::Ping)
        );
        assert_eq!(
            code(r#"{"type":"transfer","callId":1,"kind":"lukewarm"}"#),
            "invalidMessage"
        );
    }

    /// Every message type is known to the error classifier, so a malformed one is
    /// `invalidMessage`, never `unknownMessage`.
    #[test]
    fn every_client_message_type_is_classified() {
        let samples = [
            ClientMessage::SetStatus {
                status: AgentStatus::Available,
                do_not_disturb: false,
            },
            ClientMessage::Answer {
                call_id: 1,
                sdp_offer: String::new(),
            },
            ClientMessage::Decline { call_id: 1 },
            ClientMessage::Hangup { call_id: 1 },
            ClientMessage::EndForAll { call_id: 1 },
            ClientMessage::SetHold {
                call_id: 1,
                held: true,
            },
            ClientMessage::Dtmf {
                call_id: 1,
                digits: "1".into(),
            },
            ClientMessage::PickUp {
                call_id: 1,
                sdp_offer: String::new(),
                leave_current: false,
            },
            ClientMessage::Invite {
                call_id: 1,
                manager_id: 2,
            },
            ClientMessage::Transfer {
                call_id: 1,
                kind: TransferKind::Warm,
                manager_id: Some(2),
                team_id: None,
            },
            ClientMessage::CompleteTransfer { call_id: 1 },
            ClientMessage::CancelTransfer { call_id: 1 },
            ClientMessage::TransferToQueue {
                call_id: 1,
                team_id: 1,
            },
            ClientMessage::ParallelCall {
                call_id: 1,
                manager_id: None,
                number: Some("02-555-1234".into()),
                caller_id: None,
            },
            ClientMessage::SwitchLine { call_id: 1 },
            ClientMessage::Merge { call_id: 1 },
            ClientMessage::Dial {
                number: "010-1234-5678".into(),
                caller_id: None,
                sdp_offer: "v=0".into(),
            },
            ClientMessage::Ping,
        ];
        for m in &samples {
            // A new variant must be added to the samples (and CLIENT_TYPES): this match
            // stops compiling until it is.
            match m {
                ClientMessage::SetStatus { .. }
                | ClientMessage::Answer { .. }
                | ClientMessage::Decline { .. }
                | ClientMessage::Hangup { .. }
                | ClientMessage::EndForAll { .. }
                | ClientMessage::SetHold { .. }
                | ClientMessage::Dtmf { .. }
                | ClientMessage::PickUp { .. }
                | ClientMessage::Invite { .. }
                | ClientMessage::Transfer { .. }
                | ClientMessage::CompleteTransfer { .. }
                | ClientMessage::CancelTransfer { .. }
                | ClientMessage::TransferToQueue { .. }
                | ClientMessage::ParallelCall { .. }
                | ClientMessage::SwitchLine { .. }
                | ClientMessage::Merge { .. }
                | ClientMessage::Dial { .. }
                | ClientMessage::Ping => {}
            }
            let json = serde_json::to_value(m).unwrap();
            let kind = json["type"].as_str().unwrap();
            assert!(
                CLIENT_TYPES.contains(&kind),
                "{kind} is not in CLIENT_TYPES"
            );
            assert_eq!(parse_client_message(&json.to_string()).as_ref(), Ok(m));
        }
        assert_eq!(samples.len(), CLIENT_TYPES.len());
    }

    #[test]
    fn ring_purpose_defaults_to_route_and_names_the_teammate() {
        let ring: ServerMessage = serde_json::from_str(
            r#"{"type":"ring","callId":1,"caller":{"number":"+821012345678","name":null,"fields":[]},"via":{"number":"+827076660100","teamName":"t"},"ringTimeoutMs":30000}"#,
        )
        .unwrap();
        assert!(matches!(
            ring,
            ServerMessage::Ring {
                purpose: RingPurpose::Route,
                ..
            }
        ));
        let purpose = RingPurpose::Transfer {
            by: ManagerRef {
                id: 2,
                name: "이준호".into(),
            },
            transfer: TransferKind::Cold,
        };
        assert_eq!(
            serde_json::to_string(&purpose).unwrap(),
            r#"{"kind":"transfer","by":{"id":2,"name":"이준호"},"transfer":"cold"}"#
        );
    }
}
