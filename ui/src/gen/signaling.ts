// Generated from crates/wire/src/signaling.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type {
  AgentStatus,
  TransferKind,
  ErrorCode,
  NotRingingReason,
  RingStopReason,
  EndCause,
  MissedReason,
  TransferOutcome,
  ParallelEndReason,
} from "./codes";
import type { ManagerInfo, DialPlan } from "./rest";
import type { Wallboard } from "./statistics";

/** One profile field shown on the ring popup (at most 3, `docs/product.md#ring`). */
export type ProfileField = {
  /** Field label. */
  name: string,
  /** Field value. */
  value: string,
};

/** The caller as the ring popup shows them. */
export type Caller = {
  /** E.164 number, or the raw presented identity when it is not a number. */
  number: string,
  /** The contact's name when the number belongs to a known contact. */
  name: string | null,
  /** Up to 3 profile fields of the contact. */
  fields: Array<ProfileField>,
};

/** Where the call came in. */
export type CallVia = {
  /** The channel number dialled. */
  number: string,
  /** The team it is routed to. */
  teamName: string,
};

/** A manager's assignment settings, as the cloud keeps them. */
export type Assignment = {
  /** The "phone" type is on: calls may ring me. */
  takesPhoneCalls: boolean,
  /** Calls to a number without a team ring me. */
  ringUnassigned: boolean,
};

/** Messages from the app to the cloud over the WebSocket. */
export type ClientMessage =
  | {
      "type": "setStatus",
      /** The new status (`available` or `away`; the cloud owns `inCall`). */
      status: AgentStatus,
      /** Do-not-disturb. */
      doNotDisturb: boolean,
    }
  | {
      "type": "watchWallboard",
      /** On or off. */
      watch: boolean,
    }
  | {
      "type": "setAssignment",
      /** The "phone" type is on. */
      takesPhoneCalls: boolean,
      /** Calls to a number without a team ring me. */
      ringUnassigned: boolean,
    }
  | {
      "type": "answer",
      /** The call. */
      callId: number,
      /** The app's SDP offer (Opus, DTLS-SRTP, ICE host candidates). */
      sdpOffer: string,
    }
  | {
      "type": "decline",
      /** The call. */
      callId: number,
    }
  | {
      "type": "hangup",
      /** The call. */
      callId: number,
    }
  | {
      "type": "endForAll",
      /** The call. */
      callId: number,
    }
  | {
      "type": "setHold",
      /** The call. */
      callId: number,
      /** On hold (`true`) or back (`false`). */
      held: boolean,
    }
  | {
      "type": "setRecordingPaused",
      /** The call. */
      callId: number,
      /** Paused (`true`) or recording again (`false`). */
      paused: boolean,
    }
  | {
      "type": "dtmf",
      /** The call. */
      callId: number,
      /** Digits from `0-9*#A-D`. */
      digits: string,
    }
  | {
      "type": "pickUp",
      /** The call. */
      callId: number,
      /** The app's SDP offer. */
      sdpOffer: string,
      /**
       * We are in another call and leave it first (the app asked us to confirm): one call
       * at a time.
       */
      leaveCurrent: boolean,
    }
  | {
      "type": "invite",
      /** The call. */
      callId: number,
      /** Who to invite. */
      managerId: number,
    }
  | {
      "type": "transfer",
      /** The call. */
      callId: number,
      /** Cold (hand over on answer) or warm (talk to the target first). */
      kind: TransferKind,
      /** A manager to transfer to. */
      managerId: number | null,
      /** A team to transfer to (first of its available managers to answer). */
      teamId: number | null,
    }
  | {
      "type": "completeTransfer",
      /** The call. */
      callId: number,
    }
  | {
      "type": "cancelTransfer",
      /** The call. */
      callId: number,
    }
  | {
      "type": "transferToQueue",
      /** The call. */
      callId: number,
      /** The team. */
      teamId: number,
    }
  | {
      "type": "parallelCall",
      /** The call. */
      callId: number,
      /** A teammate to ring. */
      managerId: number | null,
      /** A number to dial. */
      number: string | null,
      /** The caller-ID for `number` (the channel's first number when absent). */
      callerId: string | null,
    }
  | {
      "type": "switchLine",
      /** The call. */
      callId: number,
    }
  | {
      "type": "merge",
      /** The call. */
      callId: number,
    }
  | {
      "type": "dial",
      /** What the manager typed or pasted: Korean national forms or `+` international. */
      number: string,
      /** One of the channel's numbers to show; the first of them when absent. */
      callerId: string | null,
      /** The app's SDP offer. */
      sdpOffer: string,
    }
  | { "type": "ping" };

/** A manager as other managers see them in a call. */
export type ManagerRef = {
  /** Manager id. */
  id: number,
  /** Display name. */
  name: string,
};

/** Why a call rings here: routed to us, or a teammate asking us in. */
export type RingPurpose =
  | { "kind": "route" }
  | {
      "kind": "invite",
      /** Who. */
      by: ManagerRef,
    }
  | {
      "kind": "transfer",
      /** Who. */
      by: ManagerRef,
      /** Cold or warm. */
      transfer: TransferKind,
    }
  | {
      "kind": "parallel",
      /** Who. */
      by: ManagerRef,
    };

/** A parallel call under way, as the call's managers see it. */
export type ParallelState = {
  /** Who made it. */
  by: ManagerRef,
  /** The teammate called, when it is one. */
  manager: ManagerRef | null,
  /** The number called, when it is one. */
  number: string | null,
  /** The second party answered. */
  answered: boolean,
  /** `by` is on the second line now (the customer waits on hold). */
  onSecond: boolean,
  /** Managers invited into the second line (its own conference: no merge until they leave). */
  secondLine: Array<ManagerRef>,
};

/** A manager being rung for a call, as the call's managers see it. */
export type RingingManager = {
  /** Who rings. */
  manager: ManagerRef,
  /** Why. */
  purpose: RingPurpose,
};

/** A transfer under way, as the call's managers see it. */
export type TransferState = {
  /** Who transfers. */
  by: ManagerRef,
  /** Cold or warm. */
  kind: TransferKind,
  /** The warm transfer's target once they answered (talking with `by`, customer on hold). */
  consulting: ManagerRef | null,
};

/**
 * Who is in a call and what it is doing: sent to every manager in it whenever it changes,
 * for the in-call box's participants.
 */
export type CallState = {
  /** The call. */
  callId: number,
  /** The customer. */
  customer: Caller,
  /** Which number and team it came through. */
  via: CallVia,
  /** The customer is on hold (hears the hold music). */
  held: boolean,
  /** Managers in the call. */
  managers: Array<ManagerRef>,
  /** Managers being rung for it (invitations, transfers). */
  ringing: Array<RingingManager>,
  /** A transfer under way. */
  transfer: TransferState | null,
  /** The call waits in a team's queue. */
  queued: boolean,
  /** A call a manager placed, still ringing at the called party. */
  dialing: boolean,
  /** A parallel call under way. */
  parallel: ParallelState | null,
  /** The customer is still on the line (a parallel or merged party may outlast them). */
  customerPresent: boolean,
  /** The number of a party called from the trunk that is in the call (parallel or merged). */
  partyNumber: string | null,
  /**
   * A browser visitor's call (a voice meet): the app offers no hold, parallel call or
   * warm transfer, which the cloud would refuse.
   */
  meet: boolean,
  /**
   * The caller asked to be called back from a queue: a manager who takes it waits while
   * the cloud dials the customer (`dialing`) until they answer.
   */
  callback: boolean,
  /** The call is being recorded (from when the customer and a manager are both on it). */
  recording: boolean,
  /** A manager paused the recording. */
  recordingPaused: boolean,
};

/**
 * Messages from the cloud to the app over the WebSocket: the session's own (`hello`, the
 * answer's SDP, `pong`) and the `ServerEvent`s, which the app passes on to its front end as
 * they are.
 */
export type ServerMessage =
  | {
      "type": "hello",
      /** Protocol version, see `PROTOCOL_VERSION`. */
      protocol: number,
      /** Who is logged in. */
      manager: ManagerInfo,
      /** The status the cloud has for them. */
      status: AgentStatus,
      /** Do-not-disturb. */
      doNotDisturb: boolean,
      /** My assignment settings. */
      assignment: Assignment,
    }
  | {
      "type": "connected",
      /** The call. */
      callId: number,
      /** The cloud's SDP answer. */
      sdpAnswer: string,
    }
  | { "type": "pong" }
  | ServerEvent;

/**
 * What the cloud tells an app about the manager and their calls. The app's front ends get
 * these unchanged (as `AgentEvent::Server`), so each is declared once, here. The app
 * also reports its own failures as `ServerEvent::Error`: they read the same.
 */
export type ServerEvent =
  | {
      "type": "presence",
      /** Current status. */
      status: AgentStatus,
      /** Do-not-disturb. */
      doNotDisturb: boolean,
      /** My assignment settings. */
      assignment: Assignment,
      /** Why calls would not ring now; `None` when they would. */
      notRinging: NotRingingReason | null,
    }
  | {
      "type": "ring",
      /** The call. */
      callId: number,
      /** Who calls. */
      caller: Caller,
      /** Which number and team it came through. */
      via: CallVia,
      /** How long it rings here before moving on, in milliseconds. */
      ringTimeoutMs: number,
      /** Routed here, or an invitation or transfer from a teammate. */
      purpose: RingPurpose,
    }
  | {
      "type": "ringStopped",
      /** The call. */
      callId: number,
      /** Why. */
      reason: RingStopReason,
    }
  | {
      "type": "callEnded",
      /** The call. */
      callId: number,
      /** The call's hangup cause, or how our leg alone ended while the call goes on. */
      cause: EndCause,
      /** Why it was missed, when it was. */
      missedReason: MissedReason | null,
    }
  | {
      "type": "dtmf",
      /** The call. */
      callId: number,
      /** The digit. */
      digit: string,
    }
  | {
      "type": "holdChanged",
      /** The call. */
      callId: number,
      /** On hold now. */
      held: boolean,
      /** The manager who changed it. */
      byManagerId: number,
    }
  | { "type": "callState" } & CallState
  | {
      "type": "inviteUnanswered",
      /** The call. */
      callId: number,
      /** Who we invited. */
      manager: ManagerRef,
      /** Why their ring stopped. */
      reason: RingStopReason,
    }
  | {
      "type": "transferEnded",
      /** The call. */
      callId: number,
      /** How. */
      outcome: TransferOutcome,
      /** Who has the call now, when completed. */
      to: ManagerRef | null,
      /** Why the last ring stopped, when unanswered. */
      reason: RingStopReason | null,
    }
  | {
      "type": "parallelEnded",
      /** The call. */
      callId: number,
      /** Why. */
      reason: ParallelEndReason,
    }
  | {
      "type": "customerLeft",
      /** The call. */
      callId: number,
    }
  | {
      "type": "conversationChanged",
      /** The conversation. */
      conversationId: number,
    }
  | { "type": "callbacksChanged" }
  | { "type": "wallboard" } & Wallboard
  | {
      "type": "ringingCalls",
      /** Calls with a routed ring, oldest first. */
      calls: Array<CallState>,
    }
  | {
      "type": "dialing",
      /** The new call. */
      callId: number,
      /** Who we call (a known contact's name when the number is theirs). */
      customer: Caller,
      /** The number, caller-ID and price. */
      plan: DialPlan,
    }
  | {
      "type": "dialProgress",
      /** The call. */
      callId: number,
      /** The carrier sends early media. */
      earlyMedia: boolean,
    }
  | {
      "type": "dialAnswered",
      /** The call. */
      callId: number,
    }
  | {
      "type": "dialFailed",
      /** The call. */
      callId: number,
      /** The carrier's SIP status (486 busy, 404 unknown, 480 unavailable, 408 no answer…). */
      sipCode: number,
      /** Its reason phrase, as the carrier wrote it. */
      reason: string,
    }
  | {
      "type": "dialRefused",
      /** Why. */
      code: ErrorCode,
      /** Human-readable explanation. */
      message: string,
    }
  | {
      "type": "error",
      /** Stable code: `badJson`, `unknownMessage`, `notRinging`, `unknownCall`, … */
      code: ErrorCode,
      /** Human-readable explanation. */
      message: string,
    };
