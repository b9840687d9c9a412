// Generated from crates/wire/src/rest.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type {
  AgentStatus,
  ErrorCode,
  NotRingingReason,
  HangupCause,
  EndCause,
  MissedReason,
  PartyOutcome,
  CallDirection,
  ManagerRole,
  JoinPurpose,
  RecordingState,
  TranscriptState,
  Speaker,
} from "./codes";
import type { QueueSettings } from "./workflows";
import type { ProfileField } from "./signaling";

/** Who the manager is, as the cloud tells the app after login. */
export type ManagerInfo = {
  /** Manager id. */
  id: number,
  /** Display name. */
  name: string,
  /** Login email. */
  email: string,
  /** The channel (tenant) the manager belongs to. */
  channelId: number,
  /** The channel's name. */
  channelName: string,
  /** An owner or admin: may change the channel's setup (its workflows, queues, rates). */
  canAdminister: boolean,
  /** An owner: may also create and revoke the metrics API's access keys. */
  isOwner: boolean,
};

/** `POST /api/v1/login` body. */
export type LoginRequest = {
  /** Login email. */
  email: string,
  /** Password. */
  password: string,
};

/** `POST /api/v1/login` answer. */
export type LoginResponse = {
  /** Bearer token for REST and the WebSocket. */
  token: string,
  /** Who logged in. */
  manager: ManagerInfo,
};

/** Every API error body: a stable `code` for programs, a `message` for people. */
export type ApiError = {
  /** Stable machine-readable code, e.g. `invalidCredentials`, `notFound`. */
  code: ErrorCode,
  /** Human-readable explanation. */
  message: string,
};

/**
 * An international destination's country and per-call price (`docs/product.md#international-dialing`), shown before
 * dialing.
 */
export type InternationalRate = {
  /** Calling code, digits only (`81`, `1`, `852`). */
  code: string,
  /** Country name. */
  country: string,
  /** Price per call in CU (1 CU = 1 KRW, VAT excluded). */
  priceCu: number,
};

/**
 * What a dial would be: the number in E.164, the caller-ID, and for an international call
 * its country and price (`POST /api/v1/dial/check`, and `dialing`).
 */
export type DialPlan = {
  /** The destination, E.164. */
  to: string,
  /** The caller-ID shown, E.164. */
  callerId: string,
  /** Set for an international call. */
  international: InternationalRate | null,
};

/** Body of `POST /api/v1/dial/check`. */
export type DialCheck = {
  /** As typed. */
  number: string,
  /** One of the channel's numbers; the first when absent. */
  callerId: string | null,
};

/** Body of `POST /api/v1/meet/{channelId}/calls`: a visitor's browser calls the channel. */
export type MeetCallRequest = {
  /** The browser's WebRTC offer (Opus). */
  sdpOffer: string,
};

/** Answer to a visitor's call: the call rings the channel's managers. */
export type MeetCallResponse = {
  /** The call. */
  callId: number,
  /** The cloud's WebRTC answer. */
  sdpAnswer: string,
  /** The visitor's secret for `POST /api/v1/meet/calls/{callId}/hangup`. */
  token: string,
};

/** Body of `POST /api/v1/meet/calls/{callId}/hangup`. */
export type MeetHangup = {
  /** The token the call was created with. */
  token: string,
};

/**
 * Body of `POST /api/v1/network-test`: the app's WebRTC offer for a test call to the
 * cloud's echo.
 */
export type NetworkTestRequest = {
  /** The app's WebRTC offer (Opus). */
  sdpOffer: string,
};

/**
 * The cloud's side of a network test: every packet the app sends comes back as it was,
 * for at most `seconds`.
 */
export type NetworkTestResponse = {
  /** The cloud's WebRTC answer. */
  sdpAnswer: string,
  /** How long the echo lasts. */
  seconds: number,
};

/** One of the channel's numbers, as the caller-ID picker shows it (`GET /api/v1/numbers`). */
export type ChannelNumber = {
  /** E.164. */
  e164: string,
  /** The admin's label (e.g. 대표번호). */
  label: string,
  /** International calls may leave from it (middle digits 7666, 7174, 4769, 4768). */
  international: boolean,
};

/** A contact of the channel (`GET /api/v1/contacts?phone=…`). */
export type ContactInfo = {
  /** Id. */
  id: number,
  /** Name, when someone gave one. */
  name: string | null,
  /** E.164 number. */
  phone: string,
  /** Made from an unknown caller's number by their first call. */
  lead: boolean,
  /** Profile fields (the first 3). */
  fields: Array<ProfileField>,
};

/** `GET /api/v1/contacts` query: one of the two. */
export type ContactQuery = {
  /** A phone number (E.164, or national in the channel's country): the contact with it. */
  phone: string | null,
  /**
   * What a manager typed (1–`CONTACT_QUERY_MAX` characters): contacts whose name
   * contains it, or whose number contains its digits. With neither this nor `phone`: the
   * contacts changed last.
   */
  query: string | null,
};

/**
 * A call's recording (`GET /api/v1/calls/{id}/recording`): the customer's side on the left
 * channel, the managers' on the right. Offsets are milliseconds into the recording.
 */
export type RecordingInfo = {
  /** The call. */
  callId: number,
  /** Where it stands. */
  state: RecordingState,
  /** When it started (the customer and a manager on the line), RFC 3339. */
  startedAt: string,
  /** Its length, once ready. */
  durationMs: number,
  /** The MP3's size, once ready. */
  mp3Bytes: number,
  /** Stretches a manager paused it: silence in the audio, marked in the player. */
  pauses: Array<RecordingPause>,
  /** Why it failed. */
  error: string | null,
  /** Its transcript's state; `None` when the cloud transcribes nothing (no model installed). */
  transcript: TranscriptState | null,
};

/** A paused stretch of a recording. */
export type RecordingPause = {
  /** Paused at, ms into the recording. */
  fromMs: number,
  /** Resumed at; `None`: paused to the end. */
  toMs: number | null,
};

/** One line of a call's transcript: who said what, where in the recording. */
export type TranscriptLine = {
  /** The customer or the managers. */
  speaker: Speaker,
  /** Where it starts, ms into the recording (the player seeks there). */
  startMs: number,
  /** Where it ends. */
  endMs: number,
  /** What was said. */
  text: string,
};

/** How long the channel keeps recordings (`GET`/`PUT /api/v1/recordings/retention`). */
export type RecordingRetention = {
  /** Days, `RETENTION_DAYS_MIN` to `RETENTION_DAYS_MAX`; older recordings are purged. */
  days: number,
};

/**
 * A manager of my channel as invite and transfer pickers show them
 * (`GET /api/v1/teammates`).
 */
export type Teammate = {
  /** Manager id. */
  id: number,
  /** Display name. */
  name: string,
  /** Has the app open. */
  online: boolean,
  /** Their status, when online. */
  status: AgentStatus | null,
  /**
   * Why a call would not ring them now (the same codes as `presence`); `None` when it
   * would.
   */
  notRinging: NotRingingReason | null,
};

/** A team of my channel (`GET /api/v1/teams`), for transfers to a team or its queue. */
export type Team = {
  /** Team id. */
  id: number,
  /** Name. */
  name: string,
  /** Member manager ids in ring order. */
  memberIds: Array<number>,
  /** How its queue treats callers (`PUT /api/v1/teams/{id}/queue`, owners and admins). */
  queue: QueueSettings,
};

/** One call record as the API returns it (`docs/product.md#call-records`). */
export type CallRecord = {
  /** Call id. */
  id: number,
  /** Inbound or outbound. */
  direction: CallDirection,
  /** The channel number involved. */
  number: string,
  /** The customer's number. */
  callerNumber: string,
  /** The customer's name, when known. */
  callerName: string | null,
  /** Managers who were rung or talked, in order. */
  managers: Array<CallManager>,
  /** RFC 3339 UTC. */
  startedAt: string,
  /** RFC 3339 UTC, when a manager answered. */
  answeredAt: string | null,
  /** RFC 3339 UTC, when it ended. */
  endedAt: string | null,
  /** Talk time in seconds (answer to end), 0 when missed. */
  durationS: number,
  /** Who or what ended it, once it has ended. */
  hangupCause: HangupCause | null,
  /** Why it was missed, when it was. */
  missedReason: MissedReason | null,
  /** Numbers called on a parallel line of this call, in order. */
  parties: Array<CallParty>,
  /** What the caller typed into the workflow's input forms, in order. */
  inputs: Array<CallInput>,
  /** Tags the workflow put on the call. */
  tags: Array<string>,
  /**
   * The caller's voicemail's length, when they left one
   * (`GET /api/v1/calls/{id}/voicemail` plays it).
   */
  voicemailMs: number | null,
  /** The queue callback the caller asked for, if they did. */
  callback: CallbackRecord | null,
  /** Text messages a workflow sent to the caller, in order. */
  sms: Array<CallSms>,
};

/** A queue callback as a call record keeps it. */
export type CallbackRecord = {
  /** When the caller asked for it (RFC 3339). */
  requestedAt: string,
  /** How many times the customer was dialled back. */
  attempts: number,
  /** When they answered (RFC 3339); `None`: not (yet) reached. */
  answeredAt: string | null,
};

/** A text message a workflow sent for a call. */
export type CallSms = {
  /** To whom (E.164). */
  to: string,
  /** What it said. */
  text: string,
  /** Why it was not sent; `None`: the SMS provider took it. */
  error: string | null,
};

/** What the cloud `POST`s to an SMS provider (`--sms-endpoint`) for a workflow's text message. */
export type SmsRequest = {
  /** The channel's number the customer called (E.164). */
  from: string,
  /** The customer's number (E.164). */
  to: string,
  /** What it says. */
  text: string,
};

/** Digits the caller typed into a workflow's input form (e.g. a reservation number). */
export type CallInput = {
  /** The form's label. */
  label: string,
  /** The digits. */
  value: string,
};

/** A number a manager called on a parallel line of a call. */
export type CallParty = {
  /** E.164. */
  number: string,
  /** Who called it. */
  byManagerId: number,
  /** RFC 3339 UTC. */
  startedAt: string,
  /** RFC 3339 UTC, when it answered. */
  answeredAt: string | null,
  /** RFC 3339 UTC, when its leg ended. */
  endedAt: string | null,
  /** Merged, its line's end, or the call's hangup cause; `None` while it is going on. */
  outcome: PartyOutcome | null,
};

/** A manager's part in a call. */
export type CallManager = {
  /** Manager id. */
  id: number,
  /** Manager name. */
  name: string,
  /** What this entry records: rung, declined, answered, left. */
  role: ManagerRole,
  /** How they came to the call (rang/answered). */
  purpose?: JoinPurpose | null,
  /** Who invited or transferred them. */
  byManagerId?: number | null,
  /** How their leg ended (left): on their own, handed over, or with the call. */
  cause?: EndCause | null,
};

/** Query of `GET /api/v1/calls`: `?page=1&perPage=50`. */
export type CallsQuery = {
  /** 1-based page (default 1). */
  page: number | null,
  /** Page size, 1–200 (default 50). */
  perPage: number | null,
  /** Only calls of this customer number (E.164), for the ring popup's history. */
  caller: string | null,
};

/** A page of call records. */
export type CallPage = {
  /** Records, newest first. */
  calls: Array<CallRecord>,
  /** 1-based page number. */
  page: number,
  /** Page size. */
  perPage: number,
  /** Records in all pages. */
  total: number,
};
