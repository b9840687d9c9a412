//! The WebSocket signaling (`/api/v1/ws`): what the app sends ([`ClientMessage`]), what the
//! cloud sends ([`ServerMessage`]), and what they carry about calls.

use serde::{Deserialize, Serialize};

use crate::{
    AgentStatus, DialPlan, EndCause, ErrorCode, ManagerInfo, MissedReason, NotRingingReason,
    ParallelEndReason, RingStopReason, TransferKind, TransferOutcome,
};

/// Version of the signaling protocol, sent in `hello` so old apps can tell they are old.
pub const PROTOCOL_VERSION: u32 = 1;

/// One profile field shown on the ring popup (at most 3, `docs/product.md#ring`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProfileField {
    /// Field label.
    pub name: String,
    /// Field value.
    pub value: String,
}

/// The caller as the ring popup shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallVia {
    /// The channel number dialled.
    pub number: String,
    /// The team it is routed to.
    pub team_name: String,
}

/// A manager's assignment settings, as the cloud keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    /// The "phone" type is on: calls may ring me.
    pub takes_phone_calls: bool,
    /// Calls to a number without a team ring me.
    pub ring_unassigned: bool,
}

impl Default for Assignment {
    /// Both on, as for a new manager.
    fn default() -> Self {
        Assignment {
            takes_phone_calls: true,
            ring_unassigned: true,
        }
    }
}

/// Messages from the app to the cloud over the WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// Start or stop watching the channel's live wallboard: while on, this session gets a
    /// `wallboard` now and whenever it changes.
    WatchWallboard {
        /// On or off.
        watch: bool,
    },
    /// Change my assignment settings: the "phone" type (off: calls never ring me) and "ring
    /// me for unassigned calls".
    SetAssignment {
        /// The "phone" type is on.
        takes_phone_calls: bool,
        /// Calls to a number without a team ring me.
        ring_unassigned: bool,
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
    /// Pause the call's recording (what is said meanwhile is never written) or resume it. Any
    /// manager in the call may; everyone in it sees the state in `callState`.
    SetRecordingPaused {
        /// The call.
        call_id: i64,
        /// Paused (`true`) or recording again (`false`).
        paused: bool,
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

/// A manager as other managers see them in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ManagerRef {
    /// Manager id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// Why a call rings here: routed to us, or a teammate asking us in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RingingManager {
    /// Who rings.
    pub manager: ManagerRef,
    /// Why.
    pub purpose: RingPurpose,
}

/// A transfer under way, as the call's managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// The caller asked to be called back from a queue: a manager who takes it waits while
    /// the cloud dials the customer (`dialing`) until they answer.
    #[serde(default)]
    pub callback: bool,
    /// The call is being recorded (from when the customer and a manager are both on it).
    #[serde(default)]
    pub recording: bool,
    /// A manager paused the recording.
    #[serde(default)]
    pub recording_paused: bool,
}

fn yes() -> bool {
    true
}

/// Messages from the cloud to the app over the WebSocket: the session's own (`hello`, the
/// answer's SDP, `pong`) and the [`ServerEvent`]s, which the app passes on to its front end as
/// they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
        /// My assignment settings.
        #[serde(default)]
        assignment: Assignment,
    },
    /// The answer was accepted: here is the cloud's SDP answer.
    Connected {
        /// The call.
        call_id: i64,
        /// The cloud's SDP answer.
        sdp_answer: String,
    },
    /// Answer to `ping`.
    Pong,
    /// Everything else: what happens to the manager and their calls (same JSON: the event's
    /// own `type` tag).
    #[serde(untagged)]
    Event(ServerEvent),
}

impl From<ServerEvent> for ServerMessage {
    fn from(e: ServerEvent) -> Self {
        ServerMessage::Event(e)
    }
}

/// What the cloud tells an app about the manager and their calls. The app's front ends get
/// these unchanged (as [`crate::AgentEvent::Server`]), so each is declared once, here. The app
/// also reports its own failures as [`ServerEvent::Error`]: they read the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ServerEvent {
    /// The manager's presence changed; `notRinging` says why calls would not ring now.
    Presence {
        /// Current status.
        status: AgentStatus,
        /// Do-not-disturb.
        do_not_disturb: bool,
        /// My assignment settings.
        #[serde(default)]
        assignment: Assignment,
        /// Why calls would not ring now; `None` when they would.
        not_ringing: Option<NotRingingReason>,
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
        /// Why.
        reason: RingStopReason,
    },
    /// The call ended for this manager.
    CallEnded {
        /// The call.
        call_id: i64,
        /// The call's hangup cause, or how our leg alone ended while the call goes on.
        cause: EndCause,
        /// Why it was missed, when it was.
        missed_reason: Option<MissedReason>,
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
        /// Why their ring stopped.
        reason: RingStopReason,
    },
    /// Our transfer is over.
    TransferEnded {
        /// The call.
        call_id: i64,
        /// How.
        outcome: TransferOutcome,
        /// Who has the call now, when completed.
        to: Option<ManagerRef>,
        /// Why the last ring stopped, when unanswered.
        reason: Option<RingStopReason>,
    },
    /// Our parallel line ended unmerged; the customer is back (off hold unless they were held
    /// before).
    ParallelEnded {
        /// The call.
        call_id: i64,
        /// Why.
        reason: ParallelEndReason,
    },
    /// The customer hung up, but the call goes on with the parallel (or merged) party.
    CustomerLeft {
        /// The call.
        call_id: i64,
    },
    /// A conversation of the channel was opened or changed (its state, assignee, notes, tags,
    /// wrap-up): to every manager of the channel; an inbox showing it reads it again.
    ConversationChanged {
        /// The conversation.
        conversation_id: i64,
    },
    /// The manager's callbacks were booked or marked: the app reads them again
    /// (`GET /api/v1/callbacks`) and reminds them ahead of each.
    CallbacksChanged {},
    /// The channel's live wallboard: to a session watching it, at once and on every change.
    Wallboard(Box<crate::Wallboard>),
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
        /// Its reason phrase, as the carrier wrote it.
        reason: String,
    },
    /// Our `dial` was refused before anything rang, with the exact reason: a dial rule
    /// (`notANumber`, `callerIdNotOurs`, …), `busy`, `noOutboundTrunk`, `noChannelNumber`.
    DialRefused {
        /// Why.
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
    },
    /// A request failed; the session stays up.
    Error {
        /// Stable code: `badJson`, `unknownMessage`, `notRinging`, `unknownCall`, …
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
    },
}

/// Why a client message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageError {
    /// `badJson`, `unknownMessage` or `invalidMessage`.
    pub code: ErrorCode,
    /// The parser's explanation.
    pub message: String,
}

impl From<MessageError> for ServerMessage {
    fn from(e: MessageError) -> Self {
        ServerEvent::Error {
            code: e.code,
            message: e.message,
        }
        .into()
    }
}

/// Parses a client message, turning failure into the typed error the cloud sends back.
pub fn parse_client_message(text: &str) -> Result<ClientMessage, MessageError> {
    match serde_json::from_str::<ClientMessage>(text) {
        Ok(m) => Ok(m),
        Err(e) => {
            let code = match serde_json::from_str::<serde_json::Value>(text) {
                Err(_) => ErrorCode::BadJson,
                Ok(v)
                    if v.get("type")
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| !CLIENT_TYPES.contains(&t)) =>
                {
                    ErrorCode::UnknownMessage
                }
                Ok(_) => ErrorCode::InvalidMessage,
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
    "watchWallboard",
    "setAssignment",
    "answer",
    "decline",
    "hangup",
    "endForAll",
    "setHold",
    "setRecordingPaused",
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
        let r = ServerMessage::from(ServerEvent::RingStopped {
            call_id: 1,
            reason: RingStopReason::TimedOut,
        });
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"type":"ringStopped","callId":1,"reason":"timedOut"}"#
        );
    }

    #[test]
    fn bad_input_gets_typed_errors() {
        let code = |t: &str| parse_client_message(t).unwrap_err().code;
        assert_eq!(code("{not json"), ErrorCode::BadJson);
        assert_eq!(code(r#"{"type":"teleport"}"#), ErrorCode::UnknownMessage);
        assert_eq!(
            code(r#"{"type":"answer","callId":"x"}"#),
            ErrorCode::InvalidMessage
        );
        assert_eq!(code(r#"{"callId":1}"#), ErrorCode::InvalidMessage);
        assert_eq!(
            parse_client_message(r#"{"type":"ping"}"#),
            Ok(ClientMessage::Ping)
        );
        assert_eq!(
            code(r#"{"type":"transfer","callId":1,"kind":"lukewarm"}"#),
            ErrorCode::InvalidMessage
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
            ClientMessage::SetAssignment {
                takes_phone_calls: false,
                ring_unassigned: true,
            },
            ClientMessage::WatchWallboard { watch: true },
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
            ClientMessage::SetRecordingPaused {
                call_id: 1,
                paused: true,
            },
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
                | ClientMessage::SetAssignment { .. }
                | ClientMessage::WatchWallboard { .. }
                | ClientMessage::Answer { .. }
                | ClientMessage::Decline { .. }
                | ClientMessage::Hangup { .. }
                | ClientMessage::EndForAll { .. }
                | ClientMessage::SetHold { .. }
                | ClientMessage::SetRecordingPaused { .. }
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
            ServerMessage::Event(ServerEvent::Ring {
                purpose: RingPurpose::Route,
                ..
            })
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
