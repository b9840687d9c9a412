// The desktop RPC's types, mirroring ringdesk-wire (AgentEvent, DesktopStartup, settings…).
// Keep in step with crates/wire/src/lib.rs; docs/protocol.md describes both.

export type AgentStatus = "available" | "away" | "inCall" | "wrapUp";

export interface ManagerInfo {
  id: number;
  name: string;
  email: string;
  channelId: number;
  channelName: string;
}

export interface ProfileField { name: string; value: string }
export interface Caller { number: string; name: string | null; fields: ProfileField[] }
export interface CallVia { number: string; teamName: string }

export interface ManagerRef { id: number; name: string }
export type TransferKind = "cold" | "warm";
export type RingPurpose =
  | { kind: "route" }
  | { kind: "invite"; by: ManagerRef }
  | { kind: "transfer"; by: ManagerRef; transfer: TransferKind }
  | { kind: "parallel"; by: ManagerRef };
export interface ParallelState {
  by: ManagerRef;
  manager: ManagerRef | null;
  number: string | null;
  answered: boolean;
  onSecond: boolean;
  secondLine: ManagerRef[];
}
export interface RingingManager { manager: ManagerRef; purpose: RingPurpose }
export interface TransferState { by: ManagerRef; kind: TransferKind; consulting: ManagerRef | null }
export interface CallState {
  callId: number;
  customer: Caller;
  via: CallVia;
  held: boolean;
  managers: ManagerRef[];
  ringing: RingingManager[];
  transfer: TransferState | null;
  queued: boolean;
  dialing: boolean;
  parallel: ParallelState | null;
  customerPresent: boolean;
  partyNumber: string | null;
  /** A browser visitor's call: no hold, parallel call or talk-first transfer. */
  meet: boolean;
}
export interface InternationalRate { code: string; country: string; priceCu: number }
export interface DialPlan { to: string; callerId: string; international: InternationalRate | null }
export interface ChannelNumber { e164: string; label: string; international: boolean }
export interface Teammate { id: number; name: string; online: boolean; status: AgentStatus | null; notRinging: string | null }
export interface Team { id: number; name: string; memberIds: number[] }
export interface CallTargets { teammates: Teammate[]; teams: Team[] }

export interface DesktopStartup { server: string; email: string | null; autoLogin: boolean; savedSession: boolean }

export type HotkeyAction = "openDialpad" | "answer" | "toggleMute" | "toggleHold" | "endForAll" | "leave";
export interface HotkeyBinding { action: HotkeyAction; accelerator: string; error: string | null }

export interface DesktopSettings {
  language: "ko" | "en" | null;
  microphone: string | null;
  speaker: string | null;
  ringer: string | null;
  startMuted: boolean;
  missedCallNotifications: boolean;
  hotkeys: HotkeyBinding[];
}

export interface AudioDeviceList { inputs: string[]; outputs: string[] }

export interface RecentCall {
  callId: number;
  caller: Caller;
  via: CallVia;
  startedAtMs: number;
  answeredAtMs: number | null;
  endedAtMs: number | null;
  outcome: string;
}
export interface RecentCallLists { recent: RecentCall[]; missed: RecentCall[] }

export interface DeskState { activeCall: number | null; ringingCall: number | null; muted: boolean; tray: string }

export interface CallRecord {
  id: number;
  direction: string;
  number: string;
  callerNumber: string;
  callerName: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationS: number;
  hangupCause: string | null;
  missedReason: string | null;
}

export type AgentEvent =
  | { event: "sessionUp"; manager: ManagerInfo }
  | { event: "sessionDown"; reason: string; retryInMs: number }
  | { event: "presence"; status: AgentStatus; doNotDisturb: boolean; notRinging: string | null }
  | { event: "ring"; callId: number; caller: Caller; via: CallVia; ringTimeoutMs: number; purpose: RingPurpose }
  | { event: "ringStopped"; callId: number; reason: string }
  | { event: "callConnected"; callId: number }
  | { event: "mediaConnected"; callId: number }
  | { event: "remoteAudio"; callId: number }
  | { event: "dtmf"; callId: number; digit: string }
  | { event: "callEnded"; callId: number; cause: string; missedReason: string | null }
  | { event: "muteChanged"; callId: number; muted: boolean }
  | { event: "holdChanged"; callId: number; held: boolean; byManagerId: number }
  | ({ event: "callState" } & CallState)
  | { event: "inviteUnanswered"; callId: number; manager: ManagerRef; reason: string }
  | { event: "transferEnded"; callId: number; outcome: string; to: ManagerRef | null; reason: string | null }
  | { event: "parallelEnded"; callId: number; reason: string }
  | { event: "customerLeft"; callId: number }
  | { event: "ringingCalls"; calls: CallState[] }
  | { event: "dialing"; callId: number; customer: Caller; plan: DialPlan }
  | { event: "dialProgress"; callId: number; earlyMedia: boolean }
  | { event: "dialAnswered"; callId: number }
  | { event: "dialFailed"; callId: number; sipCode: number; reason: string }
  | { event: "dialRefused"; code: string; message: string }
  | { event: "audioDeviceLost"; callId: number | null; message: string }
  | { event: "sessionExpired" }
  | { event: "error"; code: string; message: string };
