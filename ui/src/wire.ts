// The desktop RPC's types, mirroring ringdesk-wire (AgentEvent, DesktopStartup, ManagerInfo).
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

export interface DesktopStartup { server: string; email: string | null; autoLogin: boolean }

export type AgentEvent =
  | { event: "sessionUp"; manager: ManagerInfo }
  | { event: "sessionDown"; reason: string; retryInMs: number }
  | { event: "presence"; status: AgentStatus; doNotDisturb: boolean; notRinging: string | null }
  | { event: "ring"; callId: number; caller: Caller; via: CallVia; ringTimeoutMs: number }
  | { event: "ringStopped"; callId: number; reason: string }
  | { event: "callConnected"; callId: number }
  | { event: "mediaConnected"; callId: number }
  | { event: "remoteAudio"; callId: number }
  | { event: "dtmf"; callId: number; digit: string }
  | { event: "callEnded"; callId: number; cause: string; missedReason: string | null }
  | { event: "error"; code: string; message: string };
