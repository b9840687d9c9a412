// Generated from crates/wire/src/codes.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

/**
 * A manager's status (`docs/product.md#status`): the one presence status of every contract —
 * chosen in `setStatus`, reported in `hello` and `presence`, listed for teammates, kept
 * in the database. `inCall` and `wrapUp` are set by the cloud, never chosen.
 */
export type AgentStatus = "available" | "away" | "inCall" | "wrapUp";

/** Cold or warm transfer (`docs/product.md#transfer`). */
export type TransferKind = "cold" | "warm";

/**
 * Every error's stable code: the REST API's `ApiError`, the signaling `error`
 * and `dialRefused` messages, and the desktop's `error` event and command failures. One
 * vocabulary, because the same refusal reaches the manager by several roads (a dial's
 * `notANumber` comes from `POST /dial/check`, from `dialRefused` and, for a parallel call
 * to a number, from `error`); the UI translates each one.
 */
export type ErrorCode =
  | "badJson"
  | "unknownMessage"
  | "invalidMessage"
  | "invalidCredentials"
  | "unauthorized"
  | "forbidden"
  | "notFound"
  | "badQuery"
  | "badRate"
  | "tooManyCalls"
  | "tooManyTests"
  | "badOffer"
  | "unknownChannel"
  | "unavailable"
  | "internal"
  | "statusNotSettable"
  | "answerInProgress"
  | "badDigits"
  | "unknownManager"
  | "unknownTeam"
  | "periodReversed"
  | "periodTooLong"
  | "badThreshold"
  | "badAccessKey"
  | "accessKeyRevoked"
  | "tooManyRequests"
  | "mediaFailed"
  | "unknownCall"
  | "notRinging"
  | "nothingToPickUp"
  | "notInCall"
  | "callFull"
  | "alreadyInCall"
  | "selfTarget"
  | "targetUnavailable"
  | "nobodyAvailable"
  | "busy"
  | "transferInProgress"
  | "noTransfer"
  | "transferNotAnswered"
  | "notAnsweredYet"
  | "parallelInProgress"
  | "noParallel"
  | "parallelConference"
  | "partyNotAnswered"
  | "notSupportedInMeets"
  | "noOperatorSeat"
  | "noOutboundPermission"
  | "callerIdNotOurs"
  | "notANumber"
  | "unsupportedCountry"
  | "callerIdNotInternational"
  | "noChannelNumber"
  | "noOutboundTrunk"
  | "workflowProblems"
  | "badWorkflow"
  | "badQueueSettings"
  | "badAudio"
  | "tooLarge"
  | "promptInUse"
  | "speechFailed"
  | "offline"
  | "badServerMessage"
  | "badCommand"
  | "passwordRequired"
  | "noSavedSession"
  | "sessionExpired"
  | "notLoggedIn"
  | "recordingNotReady"
  | "recordingFailed"
  | "notRecording"
  | "missedCannotReopen"
  | "badNote"
  | "badTag"
  | "badState"
  | "unknownClassification"
  | "duplicateName"
  | "badContact"
  | "numberTaken"
  | "badCallback"
  | "unknown";

/**
 * Why calls would not ring a manager now (`presence.notRinging`,
 * `teammates[].notRinging`), so nobody wonders why their phone is silent.
 */
export type NotRingingReason =
  | "offline"
  | "noOperatorSeat"
  | "away"
  | "inCall"
  | "wrapUp"
  | "doNotDisturb"
  | "ringingForAnotherCall"
  | "phoneOff"
  | "unknown";

/**
 * Why a call stopped ringing at a manager (`ringStopped`, `inviteUnanswered`,
 * `transferEnded`).
 */
export type RingStopReason =
  | "declined"
  | "timedOut"
  | "callerLeft"
  | "disconnected"
  | "unavailable"
  | "answeredElsewhere"
  | "pickedUp"
  | "cancelled"
  | "callEnded"
  | "unknown";

/** Who or what ended a call (the record's `hangupCause`). */
export type HangupCause =
  | "customerHangup"
  | "managerHangup"
  | "endedForAll"
  | "notAnswered"
  | "customerLegFailed"
  | "notReached"
  | "serviceRestart"
  | "unknown";

/**
 * How a call ended for one manager (`callEnded.cause`, a record's `managers[].cause`): their
 * own leg's end while the call goes on, or the call's hangup cause.
 */
export type EndCause = "left" | "transferred" | "transferCancelled" | HangupCause;

/** Why a call was missed — the exact codes of `docs/product.md#missed-reasons` (`userleft` is spelled so). */
export type MissedReason =
  | "notInOperation"
  | "noOperator"
  | "abandonedInQueue"
  | "ringTimeOver"
  | "userleft"
  | "exceededQueue"
  | "workflow"
  | "unknown";

/** How a transfer ended, told to the manager who started it (`transferEnded.outcome`). */
export type TransferOutcome = "completed" | "unanswered" | "cancelled" | "targetLeft" | "unknown";

/** Why a parallel line ended without being merged (`parallelEnded.reason`). */
export type ParallelEndReason = "unanswered" | "unreachable" | "partyLeft" | "ownerLeft" | "unknown";

/**
 * How a number called on a parallel line fared (a record's `parties[].outcome`): merged into
 * the call, its line's end, or the call's hangup cause when the call ended with it.
 */
export type PartyOutcome = "merged" | "unanswered" | "unreachable" | "partyLeft" | "ownerLeft" | HangupCause;

/** Which way a call went (a record's `direction`). */
export type CallDirection = "inbound" | "outbound" | "unknown";

/** A manager's part in a call, as the record lists it (`managers[].role`). */
export type ManagerRole = "rang" | "declined" | "answered" | "left" | "unknown";

/** How a manager came to a call, as the record keeps it (`managers[].purpose`). */
export type JoinPurpose =
  | "route"
  | "invite"
  | "parallel"
  | "coldTransfer"
  | "warmTransfer"
  | "pickUp"
  | "dial"
  | "unknown";

/** Where a call's recording stands. */
export type RecordingState = "recording" | "ready" | "failed";

/** Where a conversation stands in the inbox. */
export type ConversationState = "open" | "snoozed" | "closed" | "missed";

/** How the customer felt (the wrap-up form's 고객 감정). */
export type Sentiment = "positive" | "neutral" | "negative";

/** What kind of customer (the wrap-up form's 고객 등급). */
export type CustomerGrade = "new" | "regular" | "vip" | "caution";

/** Where the customer's matter stands (the wrap-up form's 처리 상태). */
export type ProcessingStatus = "resolved" | "inProgress" | "escalated";

/** Where a recording's transcript stands. */
export type TranscriptState = "pending" | "ready" | "failed";

/** Who speaks a transcript's line: the recording's left channel or its right. */
export type Speaker = "customer" | "agent";
