//! The core's reasons and outcomes in wire terms.
//!
//! `ringdesk-core` is serde-free and `ringdesk-wire` knows nothing of the core, so their
//! meeting point is here: one exhaustive match per core enum, so a new core variant does not
//! compile until the wire has its code. The store keeps the core's `code()` strings and the
//! API reads them back as wire enums; the tests check the two spellings agree, so a record
//! reads back as what was sent.

use ringdesk_core::outbound::DialRefusal;
use ringdesk_core::presence::{NotRingingReason as CoreNotRinging, Status};
use ringdesk_core::switchboard::{
    HangupCause as CoreHangup, LegEnd, MissedReason as CoreMissed, ParallelEnd, Refusal,
    RingPurpose, RingStop, TransferKind as CoreKind, TransferOutcome as CoreTransfer,
};
use ringdesk_wire::{
    AgentStatus, EndCause, ErrorCode, HangupCause, JoinPurpose, MissedReason, NotRingingReason,
    ParallelEndReason, RingStopReason, TransferKind, TransferOutcome,
};

/// A core value's wire code.
pub trait ToWire {
    /// The wire enum it becomes.
    type Wire;

    /// The wire code.
    fn to_wire(self) -> Self::Wire;
}

impl ToWire for Refusal {
    type Wire = ErrorCode;

    fn to_wire(self) -> ErrorCode {
        match self {
            Refusal::UnknownCall => ErrorCode::UnknownCall,
            Refusal::NotRingingHere => ErrorCode::NotRinging,
            Refusal::NothingToPickUp => ErrorCode::NothingToPickUp,
            Refusal::NotInCall => ErrorCode::NotInCall,
            Refusal::CallFull => ErrorCode::CallFull,
            Refusal::AlreadyInCall => ErrorCode::AlreadyInCall,
            Refusal::SelfTarget => ErrorCode::SelfTarget,
            Refusal::TargetUnavailable(_) => ErrorCode::TargetUnavailable,
            Refusal::NobodyAvailable => ErrorCode::NobodyAvailable,
            Refusal::Busy(_) => ErrorCode::Busy,
            Refusal::TransferInProgress => ErrorCode::TransferInProgress,
            Refusal::NoTransfer => ErrorCode::NoTransfer,
            Refusal::TransferNotAnswered => ErrorCode::TransferNotAnswered,
            Refusal::NotAnsweredYet => ErrorCode::NotAnsweredYet,
            Refusal::ParallelInProgress => ErrorCode::ParallelInProgress,
            Refusal::NoParallel => ErrorCode::NoParallel,
            Refusal::ParallelConference => ErrorCode::ParallelConference,
            Refusal::PartyNotAnswered => ErrorCode::PartyNotAnswered,
            Refusal::NotInMeets => ErrorCode::NotSupportedInMeets,
        }
    }
}

impl ToWire for &DialRefusal {
    type Wire = ErrorCode;

    fn to_wire(self) -> ErrorCode {
        match self {
            DialRefusal::NoOperatorSeat => ErrorCode::NoOperatorSeat,
            DialRefusal::NoOutboundPermission => ErrorCode::NoOutboundPermission,
            DialRefusal::CallerIdNotOurs(_) => ErrorCode::CallerIdNotOurs,
            DialRefusal::NotANumber(_) => ErrorCode::NotANumber,
            DialRefusal::UnsupportedCountry(_) => ErrorCode::UnsupportedCountry,
            DialRefusal::CallerIdNotInternational(_) => ErrorCode::CallerIdNotInternational,
        }
    }
}

impl ToWire for CoreNotRinging {
    type Wire = NotRingingReason;

    fn to_wire(self) -> NotRingingReason {
        match self {
            CoreNotRinging::Offline => NotRingingReason::Offline,
            CoreNotRinging::NoOperatorSeat => NotRingingReason::NoOperatorSeat,
            CoreNotRinging::Away => NotRingingReason::Away,
            CoreNotRinging::InCall => NotRingingReason::InCall,
            CoreNotRinging::WrapUp => NotRingingReason::WrapUp,
            CoreNotRinging::DoNotDisturb => NotRingingReason::DoNotDisturb,
            CoreNotRinging::RingingForAnotherCall => NotRingingReason::RingingForAnotherCall,
            CoreNotRinging::PhoneOff => NotRingingReason::PhoneOff,
        }
    }
}

impl ToWire for RingStop {
    type Wire = RingStopReason;

    fn to_wire(self) -> RingStopReason {
        match self {
            RingStop::Declined => RingStopReason::Declined,
            RingStop::TimedOut => RingStopReason::TimedOut,
            RingStop::CallerLeft => RingStopReason::CallerLeft,
            RingStop::Disconnected => RingStopReason::Disconnected,
            RingStop::Unavailable => RingStopReason::Unavailable,
            RingStop::AnsweredElsewhere => RingStopReason::AnsweredElsewhere,
            RingStop::PickedUp => RingStopReason::PickedUp,
            RingStop::Cancelled => RingStopReason::Cancelled,
            RingStop::CallEnded => RingStopReason::CallEnded,
        }
    }
}

impl ToWire for CoreHangup {
    type Wire = HangupCause;

    fn to_wire(self) -> HangupCause {
        match self {
            CoreHangup::CustomerHangup => HangupCause::CustomerHangup,
            CoreHangup::ManagerHangup => HangupCause::ManagerHangup,
            CoreHangup::EndedForAll => HangupCause::EndedForAll,
            CoreHangup::NotAnswered => HangupCause::NotAnswered,
            CoreHangup::CustomerLegFailed => HangupCause::CustomerLegFailed,
            CoreHangup::NotReached => HangupCause::NotReached,
        }
    }
}

impl ToWire for LegEnd {
    type Wire = EndCause;

    fn to_wire(self) -> EndCause {
        match self {
            LegEnd::Left => EndCause::Left,
            LegEnd::Transferred => EndCause::Transferred,
            LegEnd::TransferCancelled => EndCause::TransferCancelled,
        }
    }
}

impl ToWire for CoreMissed {
    type Wire = MissedReason;

    fn to_wire(self) -> MissedReason {
        match self {
            CoreMissed::NotInOperation => MissedReason::NotInOperation,
            CoreMissed::NoOperator => MissedReason::NoOperator,
            CoreMissed::AbandonedInQueue => MissedReason::AbandonedInQueue,
            CoreMissed::RingTimeOver => MissedReason::RingTimeOver,
            CoreMissed::UserLeft => MissedReason::UserLeft,
            CoreMissed::ExceededQueue => MissedReason::ExceededQueue,
            CoreMissed::Workflow => MissedReason::Workflow,
        }
    }
}

impl ToWire for CoreTransfer {
    type Wire = TransferOutcome;

    fn to_wire(self) -> TransferOutcome {
        match self {
            CoreTransfer::Completed { .. } => TransferOutcome::Completed,
            CoreTransfer::Unanswered { .. } => TransferOutcome::Unanswered,
            CoreTransfer::Cancelled => TransferOutcome::Cancelled,
            CoreTransfer::TargetLeft => TransferOutcome::TargetLeft,
        }
    }
}

impl ToWire for ParallelEnd {
    type Wire = ParallelEndReason;

    fn to_wire(self) -> ParallelEndReason {
        match self {
            ParallelEnd::Unanswered(_) => ParallelEndReason::Unanswered,
            ParallelEnd::Unreachable => ParallelEndReason::Unreachable,
            ParallelEnd::PartyLeft => ParallelEndReason::PartyLeft,
            ParallelEnd::OwnerLeft => ParallelEndReason::OwnerLeft,
        }
    }
}

impl ToWire for CoreKind {
    type Wire = TransferKind;

    fn to_wire(self) -> TransferKind {
        match self {
            CoreKind::Cold => TransferKind::Cold,
            CoreKind::Warm => TransferKind::Warm,
        }
    }
}

/// How a ring's purpose is recorded when the manager joins or is rung (`managers[].purpose`).
impl ToWire for RingPurpose {
    type Wire = JoinPurpose;

    fn to_wire(self) -> JoinPurpose {
        match self {
            RingPurpose::Route => JoinPurpose::Route,
            RingPurpose::Invite { .. } => JoinPurpose::Invite,
            RingPurpose::Parallel { .. } => JoinPurpose::Parallel,
            RingPurpose::Transfer {
                kind: CoreKind::Cold,
                ..
            } => JoinPurpose::ColdTransfer,
            RingPurpose::Transfer {
                kind: CoreKind::Warm,
                ..
            } => JoinPurpose::WarmTransfer,
        }
    }
}

impl ToWire for Status {
    type Wire = AgentStatus;

    fn to_wire(self) -> AgentStatus {
        match self {
            Status::Available => AgentStatus::Available,
            Status::Away => AgentStatus::Away,
            Status::InCall => AgentStatus::InCall,
            Status::WrapUp => AgentStatus::WrapUp,
        }
    }
}

/// The core's status for the wire's (the switchboard decides with it).
pub fn core_status(status: AgentStatus) -> Status {
    match status {
        AgentStatus::Available => Status::Available,
        AgentStatus::Away => Status::Away,
        AgentStatus::InCall => Status::InCall,
        AgentStatus::WrapUp => Status::WrapUp,
    }
}

/// The core's transfer kind for the wire's.
pub fn core_kind(kind: TransferKind) -> CoreKind {
    match kind {
        TransferKind::Cold => CoreKind::Cold,
        TransferKind::Warm => CoreKind::Warm,
    }
}

#[cfg(test)]
mod tests {
    use ringdesk_core::ManagerId;
    use ringdesk_wire::PartyOutcome;

    use super::*;

    /// The core's codes (what the store keeps, and what was sent before the wire had enums)
    /// are the wire's: a record reads back as its mapping, and no message's JSON changed.
    #[test]
    fn core_codes_are_the_wire_codes() {
        let why = CoreNotRinging::Away;
        for r in [
            Refusal::UnknownCall,
            Refusal::NotRingingHere,
            Refusal::NothingToPickUp,
            Refusal::NotInCall,
            Refusal::CallFull,
            Refusal::AlreadyInCall,
            Refusal::SelfTarget,
            Refusal::TargetUnavailable(why),
            Refusal::NobodyAvailable,
            Refusal::Busy(why),
            Refusal::TransferInProgress,
            Refusal::NoTransfer,
            Refusal::TransferNotAnswered,
            Refusal::NotAnsweredYet,
            Refusal::ParallelInProgress,
            Refusal::NoParallel,
            Refusal::ParallelConference,
            Refusal::PartyNotAnswered,
            Refusal::NotInMeets,
        ] {
            assert_eq!(r.code(), r.to_wire().as_str());
        }
        let n = String::new;
        for r in [
            DialRefusal::NoOperatorSeat,
            DialRefusal::NoOutboundPermission,
            DialRefusal::CallerIdNotOurs(n()),
            DialRefusal::NotANumber(n()),
            DialRefusal::UnsupportedCountry(n()),
            DialRefusal::CallerIdNotInternational(n()),
        ] {
            assert_eq!(r.code(), r.to_wire().as_str());
        }
        for r in [
            CoreNotRinging::Offline,
            CoreNotRinging::NoOperatorSeat,
            CoreNotRinging::Away,
            CoreNotRinging::InCall,
            CoreNotRinging::WrapUp,
            CoreNotRinging::DoNotDisturb,
            CoreNotRinging::RingingForAnotherCall,
            CoreNotRinging::PhoneOff,
        ] {
            assert_eq!(r.code(), r.to_wire().as_str());
        }
        let stops = [
            RingStop::Declined,
            RingStop::TimedOut,
            RingStop::CallerLeft,
            RingStop::Disconnected,
            RingStop::Unavailable,
            RingStop::AnsweredElsewhere,
            RingStop::PickedUp,
            RingStop::Cancelled,
            RingStop::CallEnded,
        ];
        for r in stops {
            assert_eq!(r.code(), r.to_wire().as_str());
        }
        for c in [
            CoreHangup::CustomerHangup,
            CoreHangup::ManagerHangup,
            CoreHangup::EndedForAll,
            CoreHangup::NotAnswered,
            CoreHangup::CustomerLegFailed,
            CoreHangup::NotReached,
        ] {
            assert_eq!(c.code(), c.to_wire().as_str());
            // A leg ended with the call, and a parallel party's line, keep the call's cause.
            assert_eq!(EndCause::parse(c.code()), Some(c.to_wire().into()));
            assert_eq!(PartyOutcome::parse(c.code()), Some(c.to_wire().into()));
        }
        for e in [LegEnd::Left, LegEnd::Transferred, LegEnd::TransferCancelled] {
            assert_eq!(e.code(), e.to_wire().as_str());
        }
        for m in [
            CoreMissed::NotInOperation,
            CoreMissed::NoOperator,
            CoreMissed::AbandonedInQueue,
            CoreMissed::RingTimeOver,
            CoreMissed::UserLeft,
            CoreMissed::ExceededQueue,
            CoreMissed::Workflow,
        ] {
            assert_eq!(m.code(), m.to_wire().as_str());
        }
        for t in [
            CoreTransfer::Completed { to: ManagerId(1) },
            CoreTransfer::Unanswered {
                reason: RingStop::Declined,
            },
            CoreTransfer::Cancelled,
            CoreTransfer::TargetLeft,
        ] {
            assert_eq!(t.code(), t.to_wire().as_str());
        }
        for p in [
            ParallelEnd::Unanswered(RingStop::TimedOut),
            ParallelEnd::Unreachable,
            ParallelEnd::PartyLeft,
            ParallelEnd::OwnerLeft,
        ] {
            assert_eq!(p.code(), p.to_wire().as_str());
            assert_eq!(p.code(), PartyOutcome::from(p.to_wire()).as_str());
        }
        for k in [CoreKind::Cold, CoreKind::Warm] {
            assert_eq!(k.code(), k.to_wire().as_str());
            assert_eq!(core_kind(k.to_wire()), k);
        }
        for s in [
            Status::Available,
            Status::Away,
            Status::InCall,
            Status::WrapUp,
        ] {
            assert_eq!(core_status(s.to_wire()), s);
        }
    }
}
