// Generated from crates/wire/src/desktop.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type { AgentStatus, TransferKind } from "./codes";
import type {
  ManagerInfo,
  DialPlan,
  ChannelNumber,
  ContactInfo,
  Teammate,
  Team,
  CallRecord,
} from "./rest";
import type {
  ConversationDetail,
  ConversationNote,
  WrapUp,
  Classification,
  ConversationQuery,
  ConversationPage,
  SetConversationState,
  BulkClosed,
  TranscriptHit,
} from "./inbox";
import type { ContactDetail, ContactForm } from "./contacts";
import type { HistoryKind, CallMedium, HistoryEntry } from "./history";
import type {
  StatisticsQuery,
  Statistics,
  AccessKey,
  CreatedAccessKey,
  CallsExportQuery,
} from "./statistics";
import type { Callback, NewCallback } from "./callbacks";
import type {
  OperatingHours,
  PromptSource,
  WorkflowSummary,
  WorkflowDetail,
  SaveDraft,
  Published,
  PromptInfo,
  StepAnalytics,
  QueueSettings,
  SimulationRequest,
  SimulationResult,
} from "./workflows";
import type { Caller, CallVia, ServerEvent } from "./signaling";

/**
 * A signaling event as the desktop RPC carries it: the same fields, with its kind
 * named `event` instead of `type`.
 */
export type Retagged<E> = E extends { type: infer K } ? Omit<E, "type"> & { event: K } : never;

/**
 * Events the agent library reports to its front end: the desktop UI (as Tauri events, see
 * `AGENT_EVENT`) and the `ringdesk-agent` CLI (as JSON lines). This is the desktop RPC's event
 * half. What the cloud said is passed on whole (`AgentEvent::Server`); the rest is the
 * agent's own: the session, media and devices.
 */
export type AgentEvent =
  | {
      "event": "sessionUp",
      /** Who. */
      manager: ManagerInfo,
    }
  | {
      "event": "sessionDown",
      /** Why (the connection's error, for people). */
      reason: string,
      /** Back-off before the next attempt. */
      retryInMs: number,
    }
  | {
      "event": "callConnected",
      /** The call. */
      callId: number,
    }
  | {
      "event": "mediaConnected",
      /** The call. */
      callId: number,
    }
  | {
      "event": "remoteAudio",
      /** The call. */
      callId: number,
    }
  | {
      "event": "muteChanged",
      /** The call. */
      callId: number,
      /** Whether the far end now hears silence from us. */
      muted: boolean,
    }
  | {
      "event": "audioDeviceLost",
      /** The call, if one was running. */
      callId: number | null,
      /** What failed, for the notification. */
      message: string,
    }
  | {
      "event": "microphoneLost",
      /** The call. */
      callId: number,
      /** What failed. */
      message: string,
    }
  | {
      "event": "microphoneBack",
      /** The call. */
      callId: number,
    }
  | { "event": "sessionExpired" }
  | {
      "event": "callbackDue",
      /** Which. */
      callback: Callback,
    }
  | Retagged<ServerEvent>;

/** Whom a call can go to (desktop RPC): the in-call box's invite and transfer panel. */
export type CallTargets = {
  /** The channel's managers. */
  teammates: Array<Teammate>,
  /** The channel's teams. */
  teams: Array<Team>,
};

/** One line of the app's recent-calls list, kept in the local cache so it shows offline too. */
export type RecentCall = {
  /** The cloud's call id. */
  callId: number,
  /** Who called. */
  caller: Caller,
  /** Which number and team it came through. */
  via: CallVia,
  /** When it started ringing here, Unix milliseconds. */
  startedAtMs: number,
  /** When we answered, if we did. */
  answeredAtMs: number | null,
  /** When it ended for us, if it has. */
  endedAtMs: number | null,
  /** How it went for us (or how it goes, while it is going on). */
  outcome: RecentCallOutcome,
  /** A teammate invited us and we did not answer: shown as "{name}'s invitation". */
  invitedBy?: string | null,
  /** A missed call whose customer a later answered call reached: redialling warns first. */
  alreadyHandled?: boolean,
  /**
   * How the customer was reached (a redial uses the same; a meet's visitor cannot be
   * redialled).
   */
  medium?: CallMedium,
};

/**
 * How a call went for this app, as its recent-calls list shows it (kept in the local
 * cache, so a line written by a newer version reads as `unknown`).
 */
export type RecentCallOutcome =
  | "ringing"
  | "inCall"
  | "answered"
  | "missed"
  | "declined"
  | "answeredElsewhere"
  | "dialing"
  | "outbound"
  | "notReached"
  | "unknown";

/** A global-hotkey action (`docs/product.md#hotkeys`). */
export type HotkeyAction = "openDialpad" | "answer" | "toggleMute" | "toggleHold" | "endForAll" | "leave";

/** One hotkey as configured, and whether the OS let us register it. */
export type HotkeyBinding = {
  /** What it does. */
  action: HotkeyAction,
  /** Accelerator, e.g. `Ctrl+Shift+M` (`Cmd` on macOS). */
  accelerator: string,
  /** Why it could not be registered (taken by another app, bad syntax), when it could not. */
  error: string | null,
};

/**
 * The desktop app's settings, kept in the local cache (never the token: that is in the OS
 * keyring).
 */
export type DesktopSettings = {
  /**
   * `ko` or `en`; `None` follows the OS locale. Any other value saved by hand is reset to
   * `None` before the UI sees it (`ringdesk_agent::settings::normalized`).
   */
  language: Language | null,
  /** Microphone by device name; `None` is the system default. */
  microphone: string | null,
  /** Speaker by device name; `None` is the system default. */
  speaker: string | null,
  /** Where the ringtone plays; `None` is the system default output. */
  ringer: string | null,
  /** Join every call muted. */
  startMuted: boolean,
  /** Raise a notification for missed calls. */
  missedCallNotifications: boolean,
  /** Global hotkeys. */
  hotkeys: Array<HotkeyBinding>,
  /**
   * The microphone's echo cancellation, noise suppression and gain control (all on unless
   * turned off; settings saved before they existed get them on).
   */
  voice: VoiceProcessing,
  /** The speaker's volume and the microphone's gain in calls (as is unless changed). */
  volume: CallVolume,
  /**
   * The network test has been offered (after the first login): taken or put off, it is
   * not offered again; it stays in the settings.
   */
  networkTestOffered: boolean,
};

/**
 * Which voice processing steps clean the microphone before it goes out. Each can be turned
 * off: a studio microphone needs no gain control, and a user chasing a problem wants to hear
 * the difference.
 */
export type VoiceProcessing = {
  /** Take out what the speaker plays back into the microphone. */
  echoCancellation: boolean,
  /** Take out steady background noise (fans, keyboards, a busy room). */
  noiseSuppression: boolean,
  /** Bring a quiet or loud microphone to a steady speaking level. */
  autoGain: boolean,
};

/**
 * A call's speaker volume and microphone gain, in percent of the sound as it is: the agent
 * turns a loud customer down, or a quiet microphone up, from the call window.
 */
export type CallVolume = {
  /** What the agent hears, 0 (silent) to `CallVolume::SPEAKER_MAX`. */
  speaker: number,
  /** What the agent sends, 0 (silent) to `CallVolume::MICROPHONE_MAX`. */
  microphone: number,
};

/**
 * What a network test measured on a short test call to the cloud's echo, and what it
 * means for calls.
 */
export type NetworkTestResult = {
  /** Round trip to the cloud and back, the median of every packet's, in ms. */
  roundTripMs: number,
  /** Variation of the packets' transit (RFC 3550 inter-arrival jitter), in ms. */
  jitterMs: number,
  /** Packets sent that never came back, in percent. */
  lossPercent: number,
  /** The microphone's loudest level during the test, in dBFS; `None` without a microphone. */
  microphoneDbfs: number | null,
  /**
   * Estimated call quality, 1 (bad) to 4.5 (excellent): the E-model's rating from the
   * delay, jitter and loss measured.
   */
  mos: number,
  /** Good, fair or poor. */
  verdict: NetworkVerdict,
  /** Why it is not good: each measure past its threshold. */
  issues: Array<NetworkIssue>,
};

/** A network test's verdict. */
export type NetworkVerdict = "good" | "fair" | "poor";

/** One thing a network test found wrong, and how badly. */
export type NetworkIssue =
  | {
      "kind": "highLatency",
      /** Poor rather than fair. */
      severe: boolean,
    }
  | {
      "kind": "highJitter",
      /** Poor rather than fair. */
      severe: boolean,
    }
  | {
      "kind": "packetLoss",
      /** Poor rather than fair. */
      severe: boolean,
    }
  | { "kind": "microphoneSilent" };

/** The audio devices the machine has, for the settings screen. */
export type AudioDeviceList = {
  /** Microphones. */
  inputs: Array<string>,
  /** Speakers (also the ringer choices). */
  outputs: Array<string>,
};

/** The main window's two lists (desktop RPC), from the local cache. */
export type RecentCallLists = {
  /** The last 5 calls. */
  recent: Array<RecentCall>,
  /** Missed calls, newest first. */
  missed: Array<RecentCall>,
};

/** The desk as the shell sees it (desktop RPC), for windows that open mid-call. */
export type DeskState = {
  /** The call we are in. */
  activeCall: number | null,
  /** The call that rings here. */
  ringingCall: number | null,
  /** Our microphone is muted. */
  muted: boolean,
  /** What the tray icon shows. */
  tray: TrayState,
};

/** What the tray icon shows: the manager's status as far as calls go. */
export type TrayState = "available" | "away" | "inCall" | "doNotDisturb" | "offline";

/** A UI language: Korean first (our first customers are Korean support teams), English. */
export type Language = "ko" | "en";

/** What the desktop shell tells its UI at start-up (desktop RPC). */
export type DesktopStartup = {
  /** Cloud URL to log in to. */
  server: string,
  /** Pre-filled email. */
  email: string | null,
  /** Log in right away with credentials from the environment (demo quickstart). */
  autoLogin: boolean,
  /** A token for `server`/`email` is in the OS keyring: the app can resume without a password. */
  savedSession: boolean,
};

/** A page of the workspace window (the inbox window grown into the agent's workspace). */
export type WorkspaceView =
  | { "page": "inbox" }
  | {
      "page": "contact",
      /** Which contact. */
      id: number,
    }
  | { "page": "callbacks" }
  | { "page": "history" }
  | { "page": "statistics" }
  | { "page": "wallboard" };

/** The desktop events: what `listen` hears by name, and its payload. */
export interface Events {
  "agent-event": AgentEvent;
  "settings-changed": DesktopSettings;
  "input-level": number;
  "workspace-view": WorkspaceView;
}

/**
 * The desktop commands: what `invoke` takes by name, with its arguments (camelCase)
 * and what it resolves to. It rejects with an error code (`ErrorCode`) or a message.
 */
export interface Commands {
  /** Where to log in by default, and whether a saved session can resume without a password. */
  startup: { args: Record<string, never>; result: DesktopStartup };
  /**
   * Logs in with a password (the environment's, for the demo, when this one is empty); the
   * token goes to the OS keyring.
   */
  login: { args: { server: string; email: string; password: string | null }; result: ManagerInfo };
  /**
   * Resumes the last account with the token from the keyring (`sessionExpired` when the
   * cloud refuses it).
   */
  resume: { args: Record<string, never>; result: ManagerInfo };
  /** Logs out: revokes the token, forgets it, stops the agent. */
  logout: { args: Record<string, never>; result: null };
  /** Chooses status (`available` or `away`) and do-not-disturb. */
  set_status: { args: { status: AgentStatus; doNotDisturb: boolean }; result: null };
  /** Sets my assignment settings: the "phone" type and "ring me for unassigned calls". */
  set_assignment: { args: { takesPhoneCalls: boolean; ringUnassigned: boolean }; result: null };
  /** Answers a ringing call. */
  answer: { args: { callId: number }; result: null };
  /** Declines a ringing call. */
  decline: { args: { callId: number }; result: null };
  /** Leaves a call (only me). */
  hangup: { args: { callId: number }; result: null };
  /** Ends a call for everyone. */
  end_for_all: { args: { callId: number }; result: null };
  /** Sends DTMF digits to the far end. */
  dtmf: { args: { callId: number; digits: string }; result: null };
  /** Mutes or unmutes our microphone in a call. */
  set_muted: { args: { callId: number; muted: boolean }; result: null };
  /** Puts the customer on hold or takes them off it. */
  set_hold: { args: { callId: number; held: boolean }; result: null };
  /** Pauses the call's recording (nothing said meanwhile is kept) or resumes it. */
  set_recording_paused: { args: { callId: number; paused: boolean }; result: null };
  /** Takes a call ringing at a teammate; `leaveCurrent` leaves ours first (confirmed). */
  pick_up: { args: { callId: number; leaveCurrent: boolean }; result: null };
  /** Rings a teammate to join the call. */
  invite: { args: { callId: number; managerId: number }; result: null };
  /** Transfers the call, cold or warm, to a manager or a team (exactly one of the two). */
  transfer: { args: { callId: number; kind: TransferKind; managerId: number | null; teamId: number | null }; result: null };
  /** Completes our warm transfer: hand over and leave. */
  complete_transfer: { args: { callId: number }; result: null };
  /** Takes our transfer back. */
  cancel_transfer: { args: { callId: number }; result: null };
  /** Holds the customer and calls a teammate or a number (exactly one) on a second line. */
  parallel_call: { args: { callId: number; managerId: number | null; number: string | null }; result: null };
  /** Moves to the other line of our parallel call. */
  switch_line: { args: { callId: number }; result: null };
  /** Joins both lines of our parallel call. */
  merge: { args: { callId: number }; result: null };
  /** Puts the call in a team's queue and leaves. */
  transfer_to_queue: { args: { callId: number; teamId: number }; result: null };
  /** The channel's managers and teams, for the invite and transfer panel. */
  call_targets: { args: Record<string, never>; result: CallTargets };
  /** Places a call; `dialing` or `dialRefused` follows as an event. */
  dial: { args: { number: string; callerId: string | null }; result: null };
  /**
   * What dialing would be (E.164, caller-ID, the international price), or the refusal's
   * code, before the call button is pressed.
   */
  dial_check: { args: { number: string; callerId: string | null }; result: DialPlan };
  /** The channel's numbers, for the dialpad's caller-ID picker. */
  channel_numbers: { args: Record<string, never>; result: Array<ChannelNumber> };
  /** The desk now: active call, ringing call, mute, tray. */
  desk_state: { args: Record<string, never>; result: DeskState };
  /** The settings, with each hotkey's registration error. */
  get_settings: { args: Record<string, never>; result: DesktopSettings };
  /** Saves and applies settings; returns them with registration errors filled in. */
  save_settings: { args: { settings: DesktopSettings }; result: DesktopSettings };
  /**
   * Runs the network test: a short WebRTC call to the cloud's echo measuring round trip,
   * jitter and loss, and the microphone's level, with a verdict (takes ~6 s).
   */
  run_network_test: { args: Record<string, never>; result: NetworkTestResult };
  /**
   * Sets the speaker volume and microphone gain now (the running call too, without
   * reopening its devices) and keeps them for later calls; returns them within range.
   */
  set_volume: { args: { volume: CallVolume }; result: CallVolume };
  /** The machine's microphones and speakers. */
  audio_devices: { args: Record<string, never>; result: AudioDeviceList };
  /** Starts the microphone level meter (`input-level` events). */
  start_level_meter: { args: { microphone: string | null }; result: null };
  /** Stops the level meter. */
  stop_level_meter: { args: Record<string, never>; result: null };
  /** Plays the one-second test tone on an output (speaker or ringer). */
  play_test_tone: { args: { output: string | null }; result: null };
  /** The recent and missed calls, from the local cache (works offline). */
  recent_calls: { args: Record<string, never>; result: RecentCallLists };
  /** A caller's earlier calls, from the cloud. */
  caller_history: { args: { number: string }; result: Array<CallRecord> };
  /** The UI language: the chosen one, else the OS locale's. */
  language: { args: Record<string, never>; result: Language };
  /** Grows the in-call box for a panel, or shrinks it back. */
  set_call_window_expanded: { args: { expanded: boolean }; result: null };
  /** The events a just-created call window replays to catch up. */
  call_window_feed: { args: Record<string, never>; result: Array<AgentEvent> };
  /** The events a main window opened from the tray replays to show the running session. */
  main_window_feed: { args: Record<string, never>; result: Array<AgentEvent> };
  /** The clipboard's text, for the dialpad's paste button. */
  read_clipboard: { args: Record<string, never>; result: string };
  /** Opens (or focuses) the workflow editor window (owners and admins). */
  open_workflows: { args: Record<string, never>; result: null };
  /** The channel's workflows, in list order. */
  workflows: { args: Record<string, never>; result: Array<WorkflowSummary> };
  /** One workflow: its draft with its problems, and its versions. */
  workflow_detail: { args: { id: number }; result: WorkflowDetail };
  /** Saves a workflow's draft; its problems come back listed. */
  save_workflow_draft: { args: { id: number; save: SaveDraft }; result: WorkflowDetail };
  /** Publishes the saved draft as the next version (`workflowProblems` while it has any). */
  publish_workflow: { args: { id: number }; result: Published };
  /** Walks the saved draft on a pretend call. */
  simulate_workflow: { args: { id: number; request: SimulationRequest }; result: SimulationResult };
  /** Each step's figures for the current version. */
  workflow_analytics: { args: { id: number }; result: Array<StepAnalytics> };
  /** The channel's uploaded prompts. */
  workflow_prompts: { args: Record<string, never>; result: Array<PromptInfo> };
  /** Plays a prompt on the speaker: an upload, or a text spoken now. */
  play_prompt: { args: { prompt: PromptSource }; result: null };
  /**
   * Uploads a prompt recording (a PCM WAV file's bytes) under a name (`badAudio`,
   * `tooLarge` when the cloud refuses it).
   */
  upload_prompt: { args: { name: string; wav: Array<number> }; result: PromptInfo };
  /** Starts recording a prompt from the microphone the settings chose. */
  start_prompt_recording: { args: Record<string, never>; result: null };
  /** Stops the recording and uploads it under a name. */
  finish_prompt_recording: { args: { name: string }; result: PromptInfo };
  /** Stops the recording and throws it away. */
  cancel_prompt_recording: { args: Record<string, never>; result: null };
  /** Links a number to a workflow (`None`: the first of the list). */
  link_number: { args: { e164: string; workflowId: number | null }; result: null };
  /** The channel's operating hours (`None`: never set, always open). */
  operating_hours: { args: Record<string, never>; result: OperatingHours | null };
  /** Saves the channel's operating hours (`badWorkflow` with what is wrong). */
  save_operating_hours: { args: { hours: OperatingHours }; result: null };
  /** Saves a team's queue settings (`badQueueSettings` naming the field). */
  save_queue_settings: { args: { teamId: number; settings: QueueSettings }; result: null };
  /** Opens (or focuses) the inbox window: the channel's conversations. */
  open_inbox: { args: Record<string, never>; result: null };
  /** Who is logged in (the inbox's "mine"), as the cloud knows them. */
  current_manager: { args: Record<string, never>; result: ManagerInfo };
  /** A page of the channel's conversations, filtered. */
  conversations: { args: { query: ConversationQuery }; result: ConversationPage };
  /** One conversation whole: its call, recording, notes and wrap-up form. */
  conversation_detail: { args: { id: number }; result: ConversationDetail };
  /** Opens, snoozes or closes a conversation (`missedCannotReopen`, `badState`). */
  set_conversation_state: { args: { id: number; change: SetConversationState }; result: null };
  /** Assigns a conversation to a manager of the channel, or to nobody. */
  set_conversation_assignee: { args: { id: number; managerId: number | null }; result: null };
  /** Replaces a conversation's tags (`badTag`). */
  set_conversation_tags: { args: { id: number; tags: Array<string> }; result: null };
  /** Adds an internal note (`badNote`). */
  add_conversation_note: { args: { id: number; text: string }; result: ConversationNote };
  /** Saves the wrap-up form (`unknownClassification`). */
  save_wrap_up: { args: { id: number; wrapUp: WrapUp }; result: null };
  /** Closes many conversations at once (the missed list). */
  close_conversations: { args: { ids: Array<number> }; result: BulkClosed };
  /** The channel's classifications for the wrap-up form. */
  classifications: { args: Record<string, never>; result: Array<Classification> };
  /** The channel's transcript lines containing what was typed (`badQuery`). */
  search_transcripts: { args: { query: string }; result: Array<TranscriptHit> };
  /**
   * A call's recording as a `data:audio/mpeg` URL for the window's player
   * (`recordingNotReady`, `notFound`).
   */
  recording_audio: { args: { callId: number }; result: string };
  /** Saves a call's recording as an MP3 in the Downloads folder; the file's path. */
  download_recording: { args: { callId: number }; result: string };
  /**
   * The logged-in manager's call history from the cloud, newest first (`before`: only
   * calls older than that one).
   */
  history: { args: { kind: HistoryKind; before: number | null }; result: Array<HistoryEntry> };
  /** Deletes one call from the manager's history (cloud and this app's cache). */
  delete_history: { args: { callId: number }; result: null };
  /** Deletes the manager's whole history (cloud and this app's cache). */
  clear_history: { args: Record<string, never>; result: null };
  /** Opens (or focuses) the workspace window on a page. */
  open_workspace: { args: { view: WorkspaceView }; result: null };
  /**
   * Opens the workspace on the contact with this number (the ring's history button),
   * before the call is answered.
   */
  open_contact_by_number: { args: { number: string }; result: null };
  /** The page the workspace was last asked to show, once (`None`: the inbox). */
  take_workspace_view: { args: Record<string, never>; result: WorkspaceView | null };
  /** Contacts whose name or number contains what was typed (suggestions; `badQuery`). */
  search_contacts: { args: { query: string }; result: Array<ContactInfo> };
  /** A contact whole, with its newest calls (`notFound`). */
  contact: { args: { id: number }; result: ContactDetail };
  /** Saves what a contact says (`badContact`, `numberTaken`). */
  save_contact: { args: { id: number; form: ContactForm }; result: ContactDetail };
  /** Adds a lead contact (`badContact`, `numberTaken`). */
  add_lead: { args: { form: ContactForm }; result: ContactDetail };
  /** Books a callback (`badCallback`, `callerIdNotOurs`, `unknownManager`). */
  book_callback: { args: { callback: NewCallback }; result: Callback };
  /**
   * The logged-in manager's callbacks, open ones soonest first (with `include_done`,
   * the done ones after them).
   */
  my_callbacks: { args: { includeDone: boolean }; result: Array<Callback> };
  /** Marks a callback done or still to do. */
  set_callback_done: { args: { id: number; done: boolean }; result: Callback };
  /** Callbacks reminded of and not dialled or dismissed yet (the main window's cards). */
  due_callbacks: { args: Record<string, never>; result: Array<Callback> };
  /** Dials a callback from its caller-ID and takes it off the reminded cards. */
  dial_callback: { args: { id: number }; result: null };
  /** Takes a callback off the reminded cards without dialling it. */
  dismiss_callback: { args: { id: number }; result: null };
  /**
   * A period's statistics (`periodReversed`, `periodTooLong`, `badThreshold`,
   * `unknownTeam`).
   */
  statistics: { args: { query: StatisticsQuery }; result: Statistics };
  /**
   * Saves a period's calls as CSV in the Downloads folder, streamed; the file's path
   * (owners and admins).
   */
  export_calls: { args: { query: CallsExportQuery }; result: string };
  /** The channel's metrics API access keys (owners). */
  access_keys: { args: Record<string, never>; result: Array<AccessKey> };
  /** Creates an access key; its secret is in the answer only (owners; `badAccessKey`). */
  create_access_key: { args: { label: string }; result: CreatedAccessKey };
  /** Revokes an access key (owners). */
  revoke_access_key: { args: { id: number }; result: null };
  /** Starts or stops the live wallboard: while on, `wallboard` events come on every change. */
  watch_wallboard: { args: { watch: boolean }; result: null };
}
