//! The codes every contract shares: presence, transfer kinds, and the reasons, causes and
//! outcomes that messages and call records carry.
//!
//! Each is an enum whose values travel as fixed camelCase strings, so a program matches on
//! them and the UI's translation tables are keyed by them (a missing translation fails `tsc`).
//! The core crate has its own, serde-free enums for the same ideas; the cloud maps them here
//! with exhaustive matches, so a new core reason does not compile until the wire has it.
//!
//! **Unknown codes.** A code that comes from another process or from the database may be one
//! this build does not know: a newer cloud's new refusal, a record written by a newer version.
//! The enums a reader receives that way end in an `Unknown` variant (`"unknown"`) that takes
//! any other string, so the message or record still arrives (and the UI shows a generic text)
//! instead of being dropped. Nobody sends `unknown` on purpose. Enums that only travel *to*
//! the cloud ([`AgentStatus`] in `setStatus`, [`TransferKind`]) have no such fallback: the
//! cloud refuses what it does not know with `invalidMessage`.

/// Declares a code enum: each variant travels as the string given with it. Adds `ALL` (every
/// value, for tests and exhaustive tables), `as_str` (the code, also as the database keeps
/// it), `parse` (the value of a code this build knows) and `Display`; in tests it derives
/// `ts_rs::TS`, so the UI's union type is generated from the same list.
macro_rules! codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(test, derive(ts_rs::TS))]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $code)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code as it travels, and as the database keeps it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The value of `code`, when it is one this build knows.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use codes;

codes! {
    /// A manager's status (`docs/product.md#status`): the one presence status of every contract —
    /// chosen in `setStatus`, reported in `hello` and `presence`, listed for teammates, kept
    /// in the database. `inCall` and `wrapUp` are set by the cloud, never chosen.
    pub enum AgentStatus {
        /// Green: takes calls.
        Available = "available",
        /// Grey: no calls.
        Away = "away",
        /// Red: in a call.
        InCall = "inCall",
        /// After a call.
        WrapUp = "wrapUp",
    }
}

codes! {
    /// Where a conversation stands in the inbox.
    pub enum ConversationState {
        /// Being handled (after a call: the assignee's wrap-up).
        Open = "open",
        /// Put aside until a time; back to open then.
        Snoozed = "snoozed",
        /// Done.
        Closed = "closed",
        /// A missed call, in the missed list until closed.
        Missed = "missed",
    }
}

codes! {
    /// How the customer felt (the wrap-up form's 고객 감정).
    pub enum Sentiment {
        /// Pleased.
        Positive = "positive",
        /// Neither.
        Neutral = "neutral",
        /// Upset.
        Negative = "negative",
    }
}

codes! {
    /// What kind of customer (the wrap-up form's 고객 등급).
    pub enum CustomerGrade {
        /// First contact.
        New = "new",
        /// A regular customer.
        Regular = "regular",
        /// A VIP.
        Vip = "vip",
        /// Handle with care.
        Caution = "caution",
    }
}

codes! {
    /// Where the customer's matter stands (the wrap-up form's 처리 상태).
    pub enum ProcessingStatus {
        /// Settled.
        Resolved = "resolved",
        /// Still being worked on.
        InProgress = "inProgress",
        /// Handed to someone else.
        Escalated = "escalated",
    }
}

codes! {
    /// Where a recording's transcript stands.
    pub enum TranscriptState {
        /// Waiting for, or in, the transcription worker.
        Pending = "pending",
        /// Its lines are there.
        Ready = "ready",
        /// Transcribing failed.
        Failed = "failed",
    }
}

codes! {
    /// Who speaks a transcript's line: the recording's left channel or its right.
    pub enum Speaker {
        /// The customer (and a party called on a parallel line).
        Customer = "customer",
        /// The managers in the call.
        Agent = "agent",
    }
}

codes! {
    /// Where a call's recording stands.
    pub enum RecordingState {
        /// Being written as the call goes.
        Recording = "recording",
        /// Its MP3 is made: play or download it.
        Ready = "ready",
        /// Making it failed (the reason is given).
        Failed = "failed",
    }
}

codes! {
    /// Cold or warm transfer (`docs/product.md#transfer`).
    pub enum TransferKind {
        /// Ring the target; hand over as soon as they answer.
        Cold = "cold",
        /// Ring the target and talk to them first; hand over with `completeTransfer`.
        Warm = "warm",
    }
}

codes! {
    /// Every error's stable code: the REST API's [`crate::ApiError`], the signaling `error`
    /// and `dialRefused` messages, and the desktop's `error` event and command failures. One
    /// vocabulary, because the same refusal reaches the manager by several roads (a dial's
    /// `notANumber` comes from `POST /dial/check`, from `dialRefused` and, for a parallel call
    /// to a number, from `error`); the UI translates each one.
    pub enum ErrorCode {
        /// The body or message is not JSON (or is a binary WebSocket frame).
        BadJson = "badJson",
        /// A signaling message of a type the cloud does not know.
        UnknownMessage = "unknownMessage",
        /// A known message with missing or malformed fields, or naming both or neither of
        /// two alternative targets (transfer, parallel call).
        InvalidMessage = "invalidMessage",
        /// Login: the email or password is wrong.
        InvalidCredentials = "invalidCredentials",
        /// The bearer token is missing, expired or revoked.
        Unauthorized = "unauthorized",
        /// The manager's role may not do this (only owners and admins change the channel's setup).
        Forbidden = "forbidden",
        /// No such endpoint, call or visitor call (another channel's look the same).
        NotFound = "notFound",
        /// The query string is malformed or out of range.
        BadQuery = "badQuery",
        /// A row of a new international rate table is wrong; the message says which.
        BadRate = "badRate",
        /// Too many voice-meet calls from one address in a minute.
        TooManyCalls = "tooManyCalls",
        /// Too many network tests by one manager in a minute.
        TooManyTests = "tooManyTests",
        /// A WebRTC offer (a voice-meet call's, a network test's) is not one, or could not be
        /// answered.
        BadOffer = "badOffer",
        /// A voice-meet page of a channel that does not exist.
        UnknownChannel = "unknownChannel",
        /// The call service is not running (starting or shutting down) or does not answer.
        Unavailable = "unavailable",
        /// Something failed inside the cloud (the log says what).
        Internal = "internal",
        /// `setStatus` chose a status the cloud sets (`inCall`, `wrapUp`).
        StatusNotSettable = "statusNotSettable",
        /// A second answer for a call whose answer is being set up.
        AnswerInProgress = "answerInProgress",
        /// DTMF digits other than `0-9*#A-D`.
        BadDigits = "badDigits",
        /// A manager id that is not in the asker's channel.
        UnknownManager = "unknownManager",
        /// A team id that is not in the asker's channel.
        UnknownTeam = "unknownTeam",
        /// A statistics period ends before it starts.
        PeriodReversed = "periodReversed",
        /// A statistics period is longer than one query may cover.
        PeriodTooLong = "periodTooLong",
        /// A statistics threshold is not one of the choices.
        BadThreshold = "badThreshold",
        /// A metrics API key or secret that is not right (not saying which).
        BadAccessKey = "badAccessKey",
        /// A metrics API key that was revoked.
        AccessKeyRevoked = "accessKeyRevoked",
        /// Too many requests in a short time; try again in a minute.
        TooManyRequests = "tooManyRequests",
        /// Media for a call could not be set up (in the cloud or the app).
        MediaFailed = "mediaFailed",
        /// Switchboard: no such call (ended already, or never existed).
        UnknownCall = "unknownCall",
        /// Switchboard: the call is not ringing for this manager.
        NotRinging = "notRinging",
        /// Switchboard: the call is not ringing anywhere it could be picked up from.
        NothingToPickUp = "nothingToPickUp",
        /// Switchboard: the manager is not in this call.
        NotInCall = "notInCall",
        /// Switchboard: a call holds at most 1 customer and 9 managers.
        CallFull = "callFull",
        /// Switchboard: the target is already in this call or ringing for it.
        AlreadyInCall = "alreadyInCall",
        /// Switchboard: inviting or transferring to oneself.
        SelfTarget = "selfTarget",
        /// Switchboard: the target cannot be rung now (the message says why).
        TargetUnavailable = "targetUnavailable",
        /// Switchboard: nobody in the team can be rung now.
        NobodyAvailable = "nobodyAvailable",
        /// Switchboard: the manager is in another call or ringing for one.
        Busy = "busy",
        /// Switchboard: another transfer of this call is under way.
        TransferInProgress = "transferInProgress",
        /// Switchboard: the manager has no transfer of this call under way.
        NoTransfer = "noTransfer",
        /// Switchboard: the warm transfer's target has not answered yet.
        TransferNotAnswered = "transferNotAnswered",
        /// Switchboard: the placed call has not been answered yet.
        NotAnsweredYet = "notAnsweredYet",
        /// Switchboard: a parallel call is up (end or merge it first).
        ParallelInProgress = "parallelInProgress",
        /// Switchboard: the manager has no parallel call in this call.
        NoParallel = "noParallel",
        /// Switchboard: the parallel line has its own conference, so it can't be merged.
        ParallelConference = "parallelConference",
        /// Switchboard: the parallel call's party has not answered yet.
        PartyNotAnswered = "partyNotAnswered",
        /// Switchboard: voice meets have no hold, so no hold, parallel call or warm transfer.
        NotSupportedInMeets = "notSupportedInMeets",
        /// Dial: taking or placing calls needs an operator seat.
        NoOperatorSeat = "noOperatorSeat",
        /// Dial: the manager lacks the outbound-call permission.
        NoOutboundPermission = "noOutboundPermission",
        /// Dial: the caller-ID is not one of the channel's numbers.
        CallerIdNotOurs = "callerIdNotOurs",
        /// Dial: not something that can be dialled.
        NotANumber = "notANumber",
        /// Dial: an international destination outside the rate table.
        UnsupportedCountry = "unsupportedCountry",
        /// Dial: international calls only leave from numbers on the network that carries them.
        CallerIdNotInternational = "callerIdNotInternational",
        /// Dial: the channel has no number to call from.
        NoChannelNumber = "noChannelNumber",
        /// Dial: the cloud has no outbound route (`--trunk-outbound`).
        NoOutboundTrunk = "noOutboundTrunk",
        /// Workflows: the draft has problems (listed with the error) and was not published.
        WorkflowProblems = "workflowProblems",
        /// Workflows: a definition or operating hours that cannot be read (a time zone, a
        /// time of day or a date that is not one); the message says which.
        BadWorkflow = "badWorkflow",
        /// Queues: a maximum wait or announcement interval outside its range; the message
        /// says which.
        BadQueueSettings = "badQueueSettings",
        /// Prompts: the upload is not audio a call can play (not a WAV, not PCM…).
        BadAudio = "badAudio",
        /// An upload larger than the endpoint takes.
        TooLarge = "tooLarge",
        /// Prompts: a workflow still plays it.
        PromptInUse = "promptInUse",
        /// Workflows: a spoken prompt could not be rendered at publish (no text-to-speech
        /// engine, or it failed); the message says why. Nothing was published.
        SpeechFailed = "speechFailed",
        /// The app: not connected to the cloud (it retries).
        Offline = "offline",
        /// The app: the cloud sent a message this app cannot read.
        BadServerMessage = "badServerMessage",
        /// The headless agent: a line on stdin that is not a command.
        BadCommand = "badCommand",
        /// The desktop app: logging in needs a password.
        PasswordRequired = "passwordRequired",
        /// The desktop app: no saved session to resume.
        NoSavedSession = "noSavedSession",
        /// The desktop app: the saved session was refused; log in again.
        SessionExpired = "sessionExpired",
        /// The desktop app: the command needs a logged-in session.
        NotLoggedIn = "notLoggedIn",
        /// The call's recording is still being written (its MP3 comes after the call).
        RecordingNotReady = "recordingNotReady",
        /// Making the call's recording failed; there is nothing to play.
        RecordingFailed = "recordingFailed",
        /// The call is not being recorded (nobody has answered it yet).
        NotRecording = "notRecording",
        /// A missed conversation may be closed, never made open or snoozed again.
        MissedCannotReopen = "missedCannotReopen",
        /// A note that is empty or too long.
        BadNote = "badNote",
        /// A tag that is empty or too long, or too many tags.
        BadTag = "badTag",
        /// A conversation state that cannot be set so (`missed`, a snooze without a future
        /// time).
        BadState = "badState",
        /// No such classification in the channel.
        UnknownClassification = "unknownClassification",
        /// A classification of that name exists already.
        DuplicateName = "duplicateName",
        /// A contact form that cannot be kept (a number that is not one, too many fields, a
        /// field too long); the message says which.
        BadContact = "badContact",
        /// A number that already names another contact of the channel.
        NumberTaken = "numberTaken",
        /// A callback that cannot be booked so (a time in the past or too far ahead, a note
        /// too long, a number that is not one); the message says which.
        BadCallback = "badCallback",
        /// A code this build does not know, or an HTTP error without a readable body.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// Why calls would not ring a manager now (`presence.notRinging`,
    /// `teammates[].notRinging`), so nobody wonders why their phone is silent.
    pub enum NotRingingReason {
        /// No app session is connected.
        Offline = "offline",
        /// The manager has no operator seat.
        NoOperatorSeat = "noOperatorSeat",
        /// Status is away.
        Away = "away",
        /// Already in a call.
        InCall = "inCall",
        /// Still wrapping up the previous call.
        WrapUp = "wrapUp",
        /// Do-not-disturb is on.
        DoNotDisturb = "doNotDisturb",
        /// Already ringing for another call.
        RingingForAnotherCall = "ringingForAnotherCall",
        /// The "phone" type is off in their assignment settings.
        PhoneOff = "phoneOff",
        /// A reason this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// Why a call stopped ringing at a manager (`ringStopped`, `inviteUnanswered`,
    /// `transferEnded`).
    pub enum RingStopReason {
        /// The manager declined.
        Declined = "declined",
        /// Nobody answered within the ring timeout.
        TimedOut = "timedOut",
        /// The customer hung up.
        CallerLeft = "callerLeft",
        /// The manager's app went offline.
        Disconnected = "disconnected",
        /// The manager went away, turned on do-not-disturb or lost their seat while it rang.
        Unavailable = "unavailable",
        /// Another manager answered first (a transfer to a team rings all its managers).
        AnsweredElsewhere = "answeredElsewhere",
        /// Another manager picked the call up.
        PickedUp = "pickedUp",
        /// The manager who asked for the ring took it back (a cancelled transfer).
        Cancelled = "cancelled",
        /// The call ended for everyone.
        CallEnded = "callEnded",
        /// A reason this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// Who or what ended a call (the record's `hangupCause`).
    pub enum HangupCause {
        /// The customer hung up.
        CustomerHangup = "customerHangup",
        /// The last manager hung up.
        ManagerHangup = "managerHangup",
        /// A manager ended the call for everyone.
        EndedForAll = "endedForAll",
        /// Nobody answered (the record's missed reason says why).
        NotAnswered = "notAnswered",
        /// The customer's leg failed (no ACK, media timeout).
        CustomerLegFailed = "customerLegFailed",
        /// A call a manager placed was not answered: busy, rejected, unreachable.
        NotReached = "notReached",
        /// The cloud restarted while the call was up; the record was closed at the next start.
        ServiceRestart = "serviceRestart",
        /// A cause this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

/// How a call ended for one manager (`callEnded.cause`, a record's `managers[].cause`): their
/// own leg's end while the call goes on, or the call's hangup cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum EndCause {
    /// They left ("leave"), or their app or media went away.
    #[serde(rename = "left")]
    Left,
    /// They handed the call over (a completed transfer, or a transfer to a queue).
    #[serde(rename = "transferred")]
    Transferred,
    /// They were a warm transfer's target and the transferring manager cancelled it.
    #[serde(rename = "transferCancelled")]
    TransferCancelled,
    /// The call ended, for this cause (any other code lands here, as `unknown`).
    #[serde(untagged)]
    Call(HangupCause),
}

impl EndCause {
    /// The code as it travels, and as the database keeps it.
    pub fn as_str(self) -> &'static str {
        match self {
            EndCause::Left => "left",
            EndCause::Transferred => "transferred",
            EndCause::TransferCancelled => "transferCancelled",
            EndCause::Call(cause) => cause.as_str(),
        }
    }

    /// The value of `code`, when it is one this build knows.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "left" => Some(EndCause::Left),
            "transferred" => Some(EndCause::Transferred),
            "transferCancelled" => Some(EndCause::TransferCancelled),
            other => HangupCause::parse(other).map(EndCause::Call),
        }
    }
}

impl From<HangupCause> for EndCause {
    fn from(cause: HangupCause) -> Self {
        EndCause::Call(cause)
    }
}

impl std::fmt::Display for EndCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    /// Why a call was missed — the exact codes of `docs/product.md#missed-reasons` (`userleft` is spelled so).
    pub enum MissedReason {
        /// Outside operating hours.
        NotInOperation = "notInOperation",
        /// No manager could take calls.
        NoOperator = "noOperator",
        /// Waited the queue's maximum (1 hour).
        AbandonedInQueue = "abandonedInQueue",
        /// Rang after assignment but nobody answered in time.
        RingTimeOver = "ringTimeOver",
        /// The customer hung up first.
        UserLeft = "userleft",
        /// More than 200 callers were waiting.
        ExceededQueue = "exceededQueue",
        /// Ended by a workflow action.
        Workflow = "workflow",
        /// A reason this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// How a transfer ended, told to the manager who started it (`transferEnded.outcome`).
    pub enum TransferOutcome {
        /// The target took the call over.
        Completed = "completed",
        /// Nobody took it; the customer is back with the transferring manager.
        Unanswered = "unanswered",
        /// The transferring manager took it back.
        Cancelled = "cancelled",
        /// The warm transfer's target hung up before it was completed.
        TargetLeft = "targetLeft",
        /// An outcome this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// Why a parallel line ended without being merged (`parallelEnded.reason`).
    pub enum ParallelEndReason {
        /// The teammate called did not answer.
        Unanswered = "unanswered",
        /// The number called could not be reached.
        Unreachable = "unreachable",
        /// The second party hung up.
        PartyLeft = "partyLeft",
        /// The manager who made it left the call.
        OwnerLeft = "ownerLeft",
        /// A reason this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

/// How a number called on a parallel line fared (a record's `parties[].outcome`): merged into
/// the call, its line's end, or the call's hangup cause when the call ended with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum PartyOutcome {
    /// It was merged into the call (and left when the record's `endedAt` says).
    #[serde(rename = "merged")]
    Merged,
    /// Not answered.
    #[serde(rename = "unanswered")]
    Unanswered,
    /// Could not be reached.
    #[serde(rename = "unreachable")]
    Unreachable,
    /// It hung up.
    #[serde(rename = "partyLeft")]
    PartyLeft,
    /// The manager who called it left the call.
    #[serde(rename = "ownerLeft")]
    OwnerLeft,
    /// The call ended with the party on it, for this cause (any other code lands here, as
    /// `unknown`).
    #[serde(untagged)]
    Call(HangupCause),
}

impl PartyOutcome {
    /// The code as it travels, and as the database keeps it.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyOutcome::Merged => "merged",
            PartyOutcome::Unanswered => "unanswered",
            PartyOutcome::Unreachable => "unreachable",
            PartyOutcome::PartyLeft => "partyLeft",
            PartyOutcome::OwnerLeft => "ownerLeft",
            PartyOutcome::Call(cause) => cause.as_str(),
        }
    }

    /// The value of `code`, when it is one this build knows.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "merged" => Some(PartyOutcome::Merged),
            "unanswered" => Some(PartyOutcome::Unanswered),
            "unreachable" => Some(PartyOutcome::Unreachable),
            "partyLeft" => Some(PartyOutcome::PartyLeft),
            "ownerLeft" => Some(PartyOutcome::OwnerLeft),
            other => HangupCause::parse(other).map(PartyOutcome::Call),
        }
    }
}

impl From<HangupCause> for PartyOutcome {
    fn from(cause: HangupCause) -> Self {
        PartyOutcome::Call(cause)
    }
}

impl From<ParallelEndReason> for PartyOutcome {
    fn from(reason: ParallelEndReason) -> Self {
        match reason {
            ParallelEndReason::Unanswered => PartyOutcome::Unanswered,
            ParallelEndReason::Unreachable => PartyOutcome::Unreachable,
            ParallelEndReason::PartyLeft => PartyOutcome::PartyLeft,
            ParallelEndReason::OwnerLeft => PartyOutcome::OwnerLeft,
            ParallelEndReason::Unknown => PartyOutcome::Call(HangupCause::Unknown),
        }
    }
}

impl std::fmt::Display for PartyOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    /// Which way a call went (a record's `direction`).
    pub enum CallDirection {
        /// A customer called the channel (a phone call or a voice meet).
        Inbound = "inbound",
        /// A manager placed it.
        Outbound = "outbound",
        /// A direction this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// A manager's part in a call, as the record lists it (`managers[].role`).
    pub enum ManagerRole {
        /// They were rung.
        Rang = "rang",
        /// They declined.
        Declined = "declined",
        /// They answered (or joined by pick-up, invitation, transfer, dial).
        Answered = "answered",
        /// Their leg ended (`cause` says how).
        Left = "left",
        /// A role this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

codes! {
    /// How a manager came to a call, as the record keeps it (`managers[].purpose`).
    pub enum JoinPurpose {
        /// Routed to them (from the number, or a queue).
        Route = "route",
        /// Invited by a teammate in the call.
        Invite = "invite",
        /// Called by a teammate on a parallel line.
        Parallel = "parallel",
        /// Handed over by a cold transfer.
        ColdTransfer = "coldTransfer",
        /// Handed over by a warm transfer.
        WarmTransfer = "warmTransfer",
        /// Took it while it rang at someone else.
        PickUp = "pickUp",
        /// Placed it.
        Dial = "dial",
        /// A purpose this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code serializes as its `as_str` and parses back; a stranger becomes `unknown`
    /// where the enum has a fallback.
    #[test]
    fn codes_travel_as_their_strings() {
        fn check<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
        where
            T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
        {
            for &c in all {
                let json = serde_json::to_string(&c).unwrap();
                assert_eq!(json, format!("\"{}\"", as_str(c)));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), c);
                assert_eq!(parse(as_str(c)), Some(c));
            }
        }
        check(AgentStatus::ALL, AgentStatus::as_str, AgentStatus::parse);
        check(TransferKind::ALL, TransferKind::as_str, TransferKind::parse);
        check(ErrorCode::ALL, ErrorCode::as_str, ErrorCode::parse);
        check(
            NotRingingReason::ALL,
            NotRingingReason::as_str,
            NotRingingReason::parse,
        );
        check(
            RingStopReason::ALL,
            RingStopReason::as_str,
            RingStopReason::parse,
        );
        check(HangupCause::ALL, HangupCause::as_str, HangupCause::parse);
        check(MissedReason::ALL, MissedReason::as_str, MissedReason::parse);
        check(
            TransferOutcome::ALL,
            TransferOutcome::as_str,
            TransferOutcome::parse,
        );
        check(
            ParallelEndReason::ALL,
            ParallelEndReason::as_str,
            ParallelEndReason::parse,
        );
        check(
            CallDirection::ALL,
            CallDirection::as_str,
            CallDirection::parse,
        );
        check(ManagerRole::ALL, ManagerRole::as_str, ManagerRole::parse);
        check(JoinPurpose::ALL, JoinPurpose::as_str, JoinPurpose::parse);
        let ends: Vec<EndCause> = [
            EndCause::Left,
            EndCause::Transferred,
            EndCause::TransferCancelled,
        ]
        .into_iter()
        .chain(HangupCause::ALL.iter().map(|&c| c.into()))
        .collect();
        check(&ends, EndCause::as_str, EndCause::parse);
        let parties: Vec<PartyOutcome> = std::iter::once(PartyOutcome::Merged)
            .chain(ParallelEndReason::ALL.iter().map(|&r| r.into()))
            .chain(HangupCause::ALL.iter().map(|&c| c.into()))
            .collect();
        check(&parties, PartyOutcome::as_str, PartyOutcome::parse);

        let stranger = "\"fromTheFuture\"";
        assert_eq!(
            serde_json::from_str::<ErrorCode>(stranger).unwrap(),
            ErrorCode::Unknown
        );
        assert_eq!(
            serde_json::from_str::<EndCause>(stranger).unwrap(),
            EndCause::Call(HangupCause::Unknown)
        );
        assert_eq!(
            serde_json::from_str::<PartyOutcome>(stranger).unwrap(),
            PartyOutcome::Call(HangupCause::Unknown)
        );
        assert_eq!(ErrorCode::parse("fromTheFuture"), None);
        // What the cloud accepts from apps has no fallback: `invalidMessage`, not a guess.
        assert!(serde_json::from_str::<AgentStatus>(stranger).is_err());
        assert!(serde_json::from_str::<TransferKind>(stranger).is_err());
    }
}
