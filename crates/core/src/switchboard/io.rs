//! What goes into the switchboard and what comes out: the vocabulary of call control.

use std::fmt;
use std::time::Duration;

use super::queue::QueueId;

use crate::ids::{CallId, ManagerId};
use crate::presence::{NotRingingReason, Presence};

/// Why a call was missed — the exact codes of `docs/product.md#missed-reasons`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissedReason {
    /// Outside operating hours.
    NotInOperation,
    /// No manager could take calls.
    NoOperator,
    /// Waited the queue's maximum (1 hour).
    AbandonedInQueue,
    /// Rang after assignment but nobody answered in time.
    RingTimeOver,
    /// The customer hung up first.
    UserLeft,
    /// More than 200 callers were waiting.
    ExceededQueue,
    /// Ended by a workflow action.
    Workflow,
}

impl MissedReason {
    /// The wire/database code, exactly as `docs/product.md#missed-reasons` spells it.
    pub fn code(self) -> &'static str {
        match self {
            MissedReason::NotInOperation => "notInOperation",
            MissedReason::NoOperator => "noOperator",
            MissedReason::AbandonedInQueue => "abandonedInQueue",
            MissedReason::RingTimeOver => "ringTimeOver",
            MissedReason::UserLeft => "userleft",
            MissedReason::ExceededQueue => "exceededQueue",
            MissedReason::Workflow => "workflow",
        }
    }
}

/// Who or what ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HangupCause {
    /// The customer hung up (BYE or CANCEL).
    CustomerHangup,
    /// The last manager hung up.
    ManagerHangup,
    /// A manager ended the call for everyone ("end for all", `docs/product.md#leave-and-end`).
    EndedForAll,
    /// Nobody answered (see the missed reason).
    NotAnswered,
    /// The customer's leg failed (e.g. no ACK, media timeout).
    CustomerLegFailed,
    /// A call we placed was not answered: busy, rejected, unreachable, or no response.
    NotReached,
}

impl HangupCause {
    /// The wire/database code.
    pub fn code(self) -> &'static str {
        match self {
            HangupCause::CustomerHangup => "customerHangup",
            HangupCause::ManagerHangup => "managerHangup",
            HangupCause::EndedForAll => "endedForAll",
            HangupCause::NotAnswered => "notAnswered",
            HangupCause::CustomerLegFailed => "customerLegFailed",
            HangupCause::NotReached => "notReached",
        }
    }
}

/// How one manager's leg left a call that goes on (the per-leg hangup cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegEnd {
    /// They left ("leave", `docs/product.md#leave-and-end`), or their app or media went away.
    Left,
    /// They handed the call over (a completed transfer, or a transfer to a queue).
    Transferred,
    /// They were the target of a warm transfer that the transferring manager cancelled.
    TransferCancelled,
}

impl LegEnd {
    /// The wire/database code.
    pub fn code(self) -> &'static str {
        match self {
            LegEnd::Left => "left",
            LegEnd::Transferred => "transferred",
            LegEnd::TransferCancelled => "transferCancelled",
        }
    }
}

/// Why a ring stopped at one manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingStop {
    /// The manager declined.
    Declined,
    /// Nobody answered within the ring timeout.
    TimedOut,
    /// The customer hung up.
    CallerLeft,
    /// The manager's app went offline.
    Disconnected,
    /// The manager went away, turned on do-not-disturb or lost their operator seat while it
    /// rang: the call moves on at once instead of ringing out the timeout.
    Unavailable,
    /// Another manager answered first (a transfer to a team rings all its managers).
    AnsweredElsewhere,
    /// Another manager picked the call up.
    PickedUp,
    /// The manager who asked for the ring took it back (a cancelled transfer).
    Cancelled,
    /// The call ended for everyone.
    CallEnded,
}

impl RingStop {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            RingStop::Declined => "declined",
            RingStop::TimedOut => "timedOut",
            RingStop::CallerLeft => "callerLeft",
            RingStop::Disconnected => "disconnected",
            RingStop::Unavailable => "unavailable",
            RingStop::AnsweredElsewhere => "answeredElsewhere",
            RingStop::PickedUp => "pickedUp",
            RingStop::Cancelled => "cancelled",
            RingStop::CallEnded => "callEnded",
        }
    }
}

/// A warm transfer lets the transferring manager talk to the target first (the customer on
/// hold) and hand over when ready; a cold one hands over as soon as the target answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    /// Hand over when the target answers.
    Cold,
    /// Talk to the target first; complete or cancel later.
    Warm,
}

impl TransferKind {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            TransferKind::Cold => "cold",
            TransferKind::Warm => "warm",
        }
    }
}

/// Whom a transfer rings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTarget {
    /// One manager.
    Manager(ManagerId),
    /// Every available manager of a team at once; the first to answer takes the call.
    Team(Vec<ManagerId>),
}

/// Why a ring is happening — the ring popup says "invited by …" or "transferred by …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingPurpose {
    /// The call is routed here (from the trunk, or waiting in a queue).
    Route,
    /// A manager in the call asks this one to join.
    Invite {
        /// Who invited.
        by: ManagerId,
    },
    /// A manager in the call hands it over to this one.
    Transfer {
        /// Who transfers.
        by: ManagerId,
        /// Cold or warm.
        kind: TransferKind,
    },
    /// A manager in the call calls this one on a second line (a parallel call), the
    /// customer waiting on hold.
    Parallel {
        /// Who calls.
        by: ManagerId,
    },
}

/// Whom a parallel call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParallelTarget {
    /// A manager of the channel (rung like an invitation).
    Manager(ManagerId),
    /// A phone number through the trunk (the runtime places the call).
    External,
}

/// How a parallel line ended without being merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParallelEnd {
    /// The manager called did not answer.
    Unanswered(RingStop),
    /// The number called could not be reached.
    Unreachable,
    /// The second party hung up.
    PartyLeft,
    /// The manager who made it left the call.
    OwnerLeft,
}

impl ParallelEnd {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            ParallelEnd::Unanswered(_) => "unanswered",
            ParallelEnd::Unreachable => "unreachable",
            ParallelEnd::PartyLeft => "partyLeft",
            ParallelEnd::OwnerLeft => "ownerLeft",
        }
    }
}

/// How a transfer ended, told to the manager who started it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferOutcome {
    /// The target took the call over.
    Completed {
        /// Who has the call now.
        to: ManagerId,
    },
    /// Nobody took it; the customer is back with the transferring manager.
    Unanswered {
        /// Why the last ring stopped.
        reason: RingStop,
    },
    /// The transferring manager took it back.
    Cancelled,
    /// The target of a warm transfer hung up before it was completed.
    TargetLeft,
}

impl TransferOutcome {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            TransferOutcome::Completed { .. } => "completed",
            TransferOutcome::Unanswered { .. } => "unanswered",
            TransferOutcome::Cancelled => "cancelled",
            TransferOutcome::TargetLeft => "targetLeft",
        }
    }
}

/// The request a refusal answers, so the app can tell which button failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Answer a ringing call.
    Answer,
    /// Take a call ringing at someone else.
    PickUp,
    /// Hold or resume.
    Hold,
    /// Invite a manager.
    Invite,
    /// Start a transfer.
    Transfer,
    /// Complete a warm transfer.
    CompleteTransfer,
    /// Cancel a transfer.
    CancelTransfer,
    /// End the call for all.
    EndForAll,
    /// Place a call.
    Dial,
    /// Start a parallel call.
    Parallel,
    /// Switch between the customer's line and the parallel one.
    SwitchLine,
    /// Merge the parallel line into the call.
    Merge,
}

impl Request {
    /// The wire name (the client message it answers).
    pub fn code(self) -> &'static str {
        match self {
            Request::Answer => "answer",
            Request::PickUp => "pickUp",
            Request::Hold => "setHold",
            Request::Invite => "invite",
            Request::Transfer => "transfer",
            Request::CompleteTransfer => "completeTransfer",
            Request::CancelTransfer => "cancelTransfer",
            Request::EndForAll => "endForAll",
            Request::Dial => "dial",
            Request::Parallel => "parallelCall",
            Request::SwitchLine => "switchLine",
            Request::Merge => "merge",
        }
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such call (ended already, or never existed).
    UnknownCall,
    /// The call is not ringing at this manager.
    NotRingingHere,
    /// The call is not ringing anywhere that can be picked up.
    NothingToPickUp,
    /// The manager is not in this call.
    NotInCall,
    /// A call holds at most 1 customer + 9 managers (`docs/product.md#invite`).
    CallFull,
    /// The target is already in (or ringing for) this call.
    AlreadyInCall,
    /// A manager cannot invite or transfer to themselves.
    SelfTarget,
    /// The target cannot be rung now, and why.
    TargetUnavailable(NotRingingReason),
    /// No manager of the team can be rung now.
    NobodyAvailable,
    /// The manager is busy: in another call or ringing for one.
    Busy(NotRingingReason),
    /// Another transfer of this call is under way.
    TransferInProgress,
    /// No transfer of this call is under way (or it is someone else's).
    NoTransfer,
    /// The warm transfer's target has not answered yet.
    TransferNotAnswered,
    /// The call we placed has not been answered yet: nothing to hold, invite to or transfer.
    NotAnsweredYet,
    /// A parallel call is up: no second one, and no transfer until it ends or is merged.
    ParallelInProgress,
    /// No parallel call of this manager is up.
    NoParallel,
    /// The parallel line has its own conference (someone joined it): it can't be merged.
    ParallelConference,
    /// The parallel call's party has not answered yet.
    PartyNotAnswered,
    /// Voice meets (browser calls) have no hold (`docs/product.md#hold`), so neither what
    /// rests on it: a parallel call or a warm transfer.
    NotInMeets,
}

impl Refusal {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::UnknownCall => "unknownCall",
            Refusal::NotRingingHere => "notRinging",
            Refusal::NothingToPickUp => "nothingToPickUp",
            Refusal::NotInCall => "notInCall",
            Refusal::CallFull => "callFull",
            Refusal::AlreadyInCall => "alreadyInCall",
            Refusal::SelfTarget => "selfTarget",
            Refusal::TargetUnavailable(_) => "targetUnavailable",
            Refusal::NobodyAvailable => "nobodyAvailable",
            Refusal::Busy(_) => "busy",
            Refusal::TransferInProgress => "transferInProgress",
            Refusal::NoTransfer => "noTransfer",
            Refusal::TransferNotAnswered => "transferNotAnswered",
            Refusal::NotAnsweredYet => "notAnsweredYet",
            Refusal::ParallelInProgress => "parallelInProgress",
            Refusal::NoParallel => "noParallel",
            Refusal::ParallelConference => "parallelConference",
            Refusal::PartyNotAnswered => "partyNotAnswered",
            Refusal::NotInMeets => "notSupportedInMeets",
        }
    }

    /// The reason a manager could not be rung, when that is what the refusal is about.
    pub fn not_ringing(self) -> Option<NotRingingReason> {
        match self {
            Refusal::TargetUnavailable(r) | Refusal::Busy(r) => Some(r),
            _ => None,
        }
    }
}

/// Inputs to the switchboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchboardInput {
    /// A manager's presence, sent on connect, status change and disconnect.
    Presence {
        /// Who.
        manager: ManagerId,
        /// Their current presence.
        presence: Presence,
    },
    /// A new inbound call to a team; `candidates` are its members in preference order.
    CallArrived {
        /// The call.
        call: CallId,
        /// Team members who could be rung.
        candidates: Vec<ManagerId>,
    },
    /// A visitor calls from the browser page of the channel (a "voice meet"): routed like a
    /// phone call, but never held.
    MeetArrived {
        /// The call.
        call: CallId,
        /// Team members who could be rung.
        candidates: Vec<ManagerId>,
    },
    /// A call comes in and walks a workflow (the IVR) before anyone rings: it is live — the
    /// customer may hang up — but routed only when the workflow assigns it ([`Route`]) and
    /// ended by the workflow ([`WorkflowEnded`]).
    ///
    /// [`Route`]: SwitchboardInput::Route
    /// [`WorkflowEnded`]: SwitchboardInput::WorkflowEnded
    WorkflowArrived {
        /// The call.
        call: CallId,
    },
    /// The workflow assigned the call to a queue: it waits there, hearing the queue music, in
    /// arrival order behind the queue's other callers until one of `candidates` answers. It
    /// is turned away `exceededQueue` when the queue is full and `noOperator` when none of
    /// them could take calls at all; it ends `abandonedInQueue` after `max_wait`.
    Route {
        /// The call.
        call: CallId,
        /// A team's queue, or one manager's own.
        queue: QueueId,
        /// Who could be rung, in preference order.
        candidates: Vec<ManagerId>,
        /// The longest it waits.
        max_wait: Duration,
    },
    /// The caller waiting in a queue asked to be called back: the call keeps its place while
    /// the caller hangs up. When a manager takes it, the customer is dialled
    /// ([`SwitchboardOutput::CallCustomerBack`]).
    KeepPlaceForCallback {
        /// The call.
        call: CallId,
    },
    /// The workflow ended the call before any manager took it.
    WorkflowEnded {
        /// The call.
        call: CallId,
        /// `workflow`, or `notInOperation` outside operating hours.
        missed: MissedReason,
    },
    /// A manager places a call (the runtime checked the number and the permission, and
    /// sends the INVITE): they are in it at once, hearing it ring.
    Dial {
        /// The new call.
        call: CallId,
        /// Who dials.
        manager: ManagerId,
    },
    /// The party a manager called answered.
    CustomerAnswered {
        /// The call.
        call: CallId,
    },
    /// The party a manager called could not be reached (busy, rejected, no response).
    DialFailed {
        /// The call.
        call: CallId,
    },
    /// A manager in the call puts the customer on hold and calls a second party: a manager
    /// (rung) or a number (the runtime checked it and sends the INVITE).
    ParallelCall {
        /// The call.
        call: CallId,
        /// Who calls.
        by: ManagerId,
        /// Whom.
        target: ParallelTarget,
    },
    /// The number a parallel call went to answered.
    ParallelAnswered {
        /// The call.
        call: CallId,
    },
    /// The number a parallel call went to hung up or could not be reached.
    ParallelPartyGone {
        /// The call.
        call: CallId,
    },
    /// The manager of a parallel call moves to the other line; the line left waits on hold.
    SwitchLine {
        /// The call.
        call: CallId,
        /// Who switches.
        by: ManagerId,
    },
    /// The manager of a parallel call joins both lines into one conversation.
    Merge {
        /// The call.
        call: CallId,
        /// Who merges.
        by: ManagerId,
    },
    /// A manager answers a call ringing at them.
    Answer {
        /// The call.
        call: CallId,
        /// Who answers.
        manager: ManagerId,
    },
    /// A manager takes a call that is ringing at another manager (`docs/product.md#pick-up`).
    PickUp {
        /// The call.
        call: CallId,
        /// Who takes it.
        manager: ManagerId,
        /// They are in another call and confirmed leaving it first (one call at a time).
        leave_current: bool,
    },
    /// A manager declines a ringing call.
    Decline {
        /// The call.
        call: CallId,
        /// Who declines.
        manager: ManagerId,
    },
    /// The customer hung up or cancelled.
    CustomerHungUp {
        /// The call.
        call: CallId,
    },
    /// The customer leg failed.
    CustomerLegFailed {
        /// The call.
        call: CallId,
    },
    /// A manager left the call ("leave"; also their app or media going away).
    ManagerHungUp {
        /// The call.
        call: CallId,
        /// Who left.
        manager: ManagerId,
    },
    /// A manager in the call hangs up every leg. Refused from anyone not in the call, so a
    /// stale hotkey press can't end someone else's call.
    EndForAll {
        /// The call.
        call: CallId,
        /// Who ends it.
        manager: ManagerId,
    },
    /// A manager in the call puts the customer on hold or takes them off it. The hold is the
    /// call's, not the manager's: it stays when that manager leaves, and any manager in the
    /// call resumes.
    SetHold {
        /// The call.
        call: CallId,
        /// Who asks.
        manager: ManagerId,
        /// On hold (`true`) or back (`false`).
        held: bool,
    },
    /// A manager in the call rings a teammate to join it.
    Invite {
        /// The call.
        call: CallId,
        /// Who invites.
        by: ManagerId,
        /// Who is invited.
        invitee: ManagerId,
    },
    /// A manager in the call hands it to a manager or a team; the customer waits on hold.
    Transfer {
        /// The call.
        call: CallId,
        /// Who transfers.
        by: ManagerId,
        /// Cold or warm.
        kind: TransferKind,
        /// To whom.
        target: TransferTarget,
    },
    /// The transferring manager of a warm transfer hands over and leaves.
    CompleteTransfer {
        /// The call.
        call: CallId,
        /// Who transfers.
        by: ManagerId,
    },
    /// The transferring manager takes the call back (stops the rings, or drops the target).
    CancelTransfer {
        /// The call.
        call: CallId,
        /// Who transfers.
        by: ManagerId,
    },
    /// A manager in the call puts it back in a team's waiting line and leaves; the customer
    /// hears hold music until a manager of the team answers.
    TransferToQueue {
        /// The call.
        call: CallId,
        /// Who transfers.
        by: ManagerId,
        /// The team's queue.
        queue: QueueId,
        /// The team's members in ring order.
        candidates: Vec<ManagerId>,
        /// The longest the customer waits there.
        max_wait: Duration,
    },
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchboardOutput {
    /// A manager took a callback: dial the customer now ([`SwitchboardInput::CustomerAnswered`]
    /// or [`SwitchboardInput::DialFailed`] say how it went).
    CallCustomerBack {
        /// The call.
        call: CallId,
        /// 1 for the first try.
        attempt: u32,
    },
    /// A callback's dial was not answered; `retry_in` says when the next try is, `None` when
    /// there is none left (the call ends).
    CallbackUnanswered {
        /// The call.
        call: CallId,
        /// The try that failed.
        attempt: u32,
        /// When the customer is dialled again.
        retry_in: Option<Duration>,
    },
    /// Ring this manager's app for this call.
    Ring {
        /// The call.
        call: CallId,
        /// Who to ring.
        manager: ManagerId,
        /// Why it rings.
        purpose: RingPurpose,
    },
    /// Stop ringing at this manager.
    StopRinging {
        /// The call.
        call: CallId,
        /// Where it rang.
        manager: ManagerId,
        /// Why.
        reason: RingStop,
    },
    /// The manager is in the call now: bridge their leg into the call's room (and answer the
    /// customer, the first time).
    Connected {
        /// The call.
        call: CallId,
        /// Who joined.
        manager: ManagerId,
    },
    /// A request could not be honoured; tell the manager who made it.
    Refused {
        /// The call.
        call: CallId,
        /// Who asked.
        manager: ManagerId,
        /// What they asked for.
        request: Request,
        /// Why not.
        reason: Refusal,
    },
    /// A manager's leg left a call that goes on.
    ManagerLeft {
        /// The call.
        call: CallId,
        /// Who left.
        manager: ManagerId,
        /// How.
        cause: LegEnd,
    },
    /// The customer went on hold or came back: the room switches what the customer hears
    /// (hold music) and every manager in the call is told.
    HoldChanged {
        /// The call.
        call: CallId,
        /// On hold now.
        held: bool,
        /// Who changed it.
        by: ManagerId,
    },
    /// An invitation was not answered; tell the inviter.
    InviteUnanswered {
        /// The call.
        call: CallId,
        /// Who invited.
        by: ManagerId,
        /// Who was invited.
        invitee: ManagerId,
        /// Why the ring stopped.
        reason: RingStop,
    },
    /// A parallel line ended unmerged; tell the manager who made it (and hang up an
    /// external party still on it).
    ParallelEnded {
        /// The call.
        call: CallId,
        /// Who made it.
        by: ManagerId,
        /// How it ended.
        reason: ParallelEnd,
    },
    /// The customer hung up but the call goes on with its parallel (or merged) party: tell
    /// its managers.
    CustomerLeft {
        /// The call.
        call: CallId,
    },
    /// A transfer is over; tell the manager who started it.
    TransferEnded {
        /// The call.
        call: CallId,
        /// Who started it.
        by: ManagerId,
        /// How it ended.
        outcome: TransferOutcome,
    },
    /// Who is in the call, rings for it, or holds it changed: send every manager in it the
    /// new [`CallView`](super::CallView). At most one per call per input.
    CallChanged {
        /// The call.
        call: CallId,
    },
    /// The call is over: tear down every leg and close the record.
    Ended {
        /// The call.
        call: CallId,
        /// What ended it.
        cause: HangupCause,
        /// Set when nobody talked to the customer.
        missed: Option<MissedReason>,
        /// The managers who were in it at the end.
        managers: Vec<ManagerId>,
    },
}

impl fmt::Display for RingPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingPurpose::Route => f.write_str("route"),
            RingPurpose::Invite { by } => write!(f, "invite by {by}"),
            RingPurpose::Transfer { by, kind } => write!(f, "{} transfer by {by}", kind.code()),
            RingPurpose::Parallel { by } => write!(f, "parallel call by {by}"),
        }
    }
}

impl fmt::Display for SwitchboardOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SwitchboardOutput::Ring {
                call,
                manager,
                purpose: RingPurpose::Route,
            } => write!(f, "ring {call} at {manager}"),
            SwitchboardOutput::Ring {
                call,
                manager,
                purpose,
            } => write!(f, "ring {call} at {manager} ({purpose})"),
            SwitchboardOutput::StopRinging {
                call,
                manager,
                reason,
            } => write!(f, "stop ringing {call} at {manager}: {}", reason.code()),
            SwitchboardOutput::Connected { call, manager } => {
                write!(f, "connect {call} to {manager}")
            }
            SwitchboardOutput::Refused {
                call,
                manager,
                request,
                reason,
            } => {
                write!(
                    f,
                    "refuse {} of {call} by {manager}: {}",
                    request.code(),
                    reason.code()
                )?;
                match reason.not_ringing() {
                    Some(r) => write!(f, " ({})", r.code()),
                    None => Ok(()),
                }
            }
            SwitchboardOutput::ManagerLeft {
                call,
                manager,
                cause,
            } => write!(f, "{manager} left {call}: {}", cause.code()),
            SwitchboardOutput::HoldChanged { call, held, by } => {
                let what = if *held { "on hold" } else { "off hold" };
                write!(f, "{call} {what} by {by}")
            }
            SwitchboardOutput::InviteUnanswered {
                call,
                by,
                invitee,
                reason,
            } => write!(
                f,
                "tell {by}: {invitee} did not join {call} ({})",
                reason.code()
            ),
            SwitchboardOutput::TransferEnded { call, by, outcome } => {
                write!(f, "tell {by}: transfer of {call} {}", outcome.code())?;
                match outcome {
                    TransferOutcome::Completed { to } => write!(f, " to {to}"),
                    TransferOutcome::Unanswered { reason } => write!(f, " ({})", reason.code()),
                    TransferOutcome::Cancelled | TransferOutcome::TargetLeft => Ok(()),
                }
            }
            SwitchboardOutput::CallChanged { call } => write!(f, "{call} changed"),
            SwitchboardOutput::ParallelEnded { call, by, reason } => {
                write!(
                    f,
                    "tell {by}: parallel line of {call} ended: {}",
                    reason.code()
                )?;
                match reason {
                    ParallelEnd::Unanswered(r) => write!(f, " ({})", r.code()),
                    _ => Ok(()),
                }
            }
            SwitchboardOutput::CustomerLeft { call } => {
                write!(f, "customer left {call}; it goes on")
            }
            SwitchboardOutput::CallCustomerBack { call, attempt } => {
                write!(f, "call the customer of {call} back (try {attempt})")
            }
            SwitchboardOutput::CallbackUnanswered {
                call,
                attempt,
                retry_in,
            } => match retry_in {
                Some(d) => write!(
                    f,
                    "callback try {attempt} of {call} unanswered; again in {}s",
                    d.as_secs()
                ),
                None => write!(f, "callback try {attempt} of {call} unanswered; no more"),
            },
            SwitchboardOutput::Ended {
                call,
                cause,
                missed,
                managers,
            } => {
                write!(f, "end {call}: {}", cause.code())?;
                if let Some(m) = missed {
                    write!(f, " (missed: {})", m.code())?;
                }
                if !managers.is_empty() {
                    let m: Vec<String> = managers.iter().map(ToString::to_string).collect();
                    write!(f, "; hang up [{}]", m.join(", "))?;
                }
                Ok(())
            }
        }
    }
}
