//! The desktop RPC between the shell (`src-tauri`) and its UI, and the headless CLI's output:
//! the agent's events, the settings, the recent-calls lists and the desk's state.

use serde::{Deserialize, Serialize};

use crate::{
    AgentStatus, CallState, CallVia, Caller, DialPlan, ManagerInfo, ManagerRef, RingPurpose, Team,
    Teammate,
};

/// Whom a call can go to (desktop RPC): the in-call box's invite and transfer panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallTargets {
    /// The channel's managers.
    pub teammates: Vec<Teammate>,
    /// The channel's teams.
    pub teams: Vec<Team>,
}

/// Events the agent library reports to its front end: the desktop UI (as Tauri events) and
/// the `ringdesk-agent` CLI (as JSON lines). This is the desktop RPC's event half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AgentEvent {
    /// Logged in; the WebSocket session is up.
    SessionUp {
        /// Who.
        manager: ManagerInfo,
    },
    /// The WebSocket session dropped; the agent retries after `retry_in_ms`.
    SessionDown {
        /// Why.
        reason: String,
        /// Back-off before the next attempt.
        retry_in_ms: u64,
    },
    /// Presence as the cloud sees it.
    Presence {
        /// Status.
        status: AgentStatus,
        /// Do-not-disturb.
        do_not_disturb: bool,
        /// Why calls would not ring now.
        not_ringing: Option<String>,
    },
    /// A call rings.
    Ring {
        /// The call.
        call_id: i64,
        /// Who calls.
        caller: Caller,
        /// Through which number and team.
        via: CallVia,
        /// How long it rings here.
        ring_timeout_ms: u64,
        /// Routed here, or an invitation or transfer from a teammate.
        #[serde(default)]
        purpose: RingPurpose,
    },
    /// It stopped ringing here.
    RingStopped {
        /// The call.
        call_id: i64,
        /// Why.
        reason: String,
    },
    /// Our answer was accepted; media is being set up.
    CallConnected {
        /// The call.
        call_id: i64,
    },
    /// WebRTC media is up (ICE + DTLS).
    MediaConnected {
        /// The call.
        call_id: i64,
    },
    /// The first audio from the call was played out.
    RemoteAudio {
        /// The call.
        call_id: i64,
    },
    /// The customer pressed a key.
    Dtmf {
        /// The call.
        call_id: i64,
        /// The digit.
        digit: String,
    },
    /// The call ended for us.
    CallEnded {
        /// The call.
        call_id: i64,
        /// Hangup cause.
        cause: String,
        /// Missed reason, if missed.
        missed_reason: Option<String>,
    },
    /// The customer went on hold or came back (by us or another manager in the call).
    HoldChanged {
        /// The call.
        call_id: i64,
        /// On hold now.
        held: bool,
        /// The manager who changed it.
        by_manager_id: i64,
    },
    /// Who is in the call and what it is doing (participants, hold, transfer).
    CallState(Box<CallState>),
    /// An invitation we sent was not answered.
    InviteUnanswered {
        /// The call.
        call_id: i64,
        /// Who we invited.
        manager: ManagerRef,
        /// Why their ring stopped.
        reason: String,
    },
    /// A transfer we started is over.
    TransferEnded {
        /// The call.
        call_id: i64,
        /// `completed`, `unanswered`, `cancelled`, `targetLeft`.
        outcome: String,
        /// Who has the call now, when completed.
        to: Option<ManagerRef>,
        /// Why the last ring stopped, when unanswered.
        reason: Option<String>,
    },
    /// Our parallel line ended unmerged.
    ParallelEnded {
        /// The call.
        call_id: i64,
        /// `unanswered`, `unreachable`, `partyLeft`, `ownerLeft`.
        reason: String,
    },
    /// The customer hung up; the call goes on with the parallel (or merged) party.
    CustomerLeft {
        /// The call.
        call_id: i64,
    },
    /// The channel's calls ringing at a manager changed (any of them can be picked up).
    RingingCalls {
        /// Calls with a routed ring, oldest first.
        calls: Vec<CallState>,
    },
    /// Our dial went ahead: the call rings out (`callConnected` follows when media is set up).
    Dialing {
        /// The new call.
        call_id: i64,
        /// Who we call.
        customer: Caller,
        /// The number, caller-ID and price.
        plan: DialPlan,
    },
    /// The called party rings; with early media we hear the carrier's audio.
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
    /// The called party could not be reached (the call ends next).
    DialFailed {
        /// The call.
        call_id: i64,
        /// The carrier's SIP status.
        sip_code: u16,
        /// Its reason phrase.
        reason: String,
    },
    /// Our dial was refused before anything rang.
    DialRefused {
        /// Stable code (see the `dialRefused` server message).
        code: String,
        /// Explanation.
        message: String,
    },
    /// Our microphone was muted or unmuted in this call.
    MuteChanged {
        /// The call.
        call_id: i64,
        /// Whether the far end now hears silence from us.
        muted: bool,
    },
    /// An audio device failed mid-call (e.g. unplugged); the call moved to the system default.
    AudioDeviceLost {
        /// The call, if one was running.
        call_id: Option<i64>,
        /// What failed, for the notification.
        message: String,
    },
    /// The saved token was refused (expired or revoked): the app must ask for the password.
    SessionExpired,
    /// Something failed; the session goes on.
    Error {
        /// Stable code.
        code: String,
        /// Explanation.
        message: String,
    },
}

/// One line of the app's recent-calls list, kept in the local cache so it shows offline too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentCall {
    /// The cloud's call id.
    pub call_id: i64,
    /// Who called.
    pub caller: Caller,
    /// Which number and team it came through.
    pub via: CallVia,
    /// When it started ringing here, Unix milliseconds.
    pub started_at_ms: i64,
    /// When we answered, if we did.
    pub answered_at_ms: Option<i64>,
    /// When it ended for us, if it has.
    pub ended_at_ms: Option<i64>,
    /// `missed` when it rang here and nobody here answered (declined, timed out, caller
    /// left), `answered` otherwise; `ringing` / `inCall` while it is still going.
    pub outcome: String,
}

/// A global-hotkey action (PRODUCT.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HotkeyAction {
    /// Open the dialpad window.
    OpenDialpad,
    /// Answer the ringing call.
    Answer,
    /// Mute / unmute the microphone.
    ToggleMute,
    /// Hold / resume (needs cloud hold).
    ToggleHold,
    /// End the call for everyone.
    EndForAll,
    /// Leave the call (only me).
    Leave,
}

/// One hotkey as configured, and whether the OS let us register it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HotkeyBinding {
    /// What it does.
    pub action: HotkeyAction,
    /// Accelerator, e.g. `Ctrl+Shift+M` (`Cmd` on macOS).
    pub accelerator: String,
    /// Why it could not be registered (taken by another app, bad syntax), when it could not.
    pub error: Option<String>,
}

/// The desktop app's settings, kept in the local cache (never the token: that is in the OS
/// keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    /// `ko` or `en`; `None` follows the OS locale.
    pub language: Option<String>,
    /// Microphone by device name; `None` is the system default.
    pub microphone: Option<String>,
    /// Speaker by device name; `None` is the system default.
    pub speaker: Option<String>,
    /// Where the ringtone plays; `None` is the system default output.
    pub ringer: Option<String>,
    /// Join every call muted.
    pub start_muted: bool,
    /// Raise a notification for missed calls.
    pub missed_call_notifications: bool,
    /// Global hotkeys.
    pub hotkeys: Vec<HotkeyBinding>,
}

/// The audio devices the machine has, for the settings screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioDeviceList {
    /// Microphones.
    pub inputs: Vec<String>,
    /// Speakers (also the ringer choices).
    pub outputs: Vec<String>,
}

/// The main window's two lists (desktop RPC), from the local cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentCallLists {
    /// The last 5 calls.
    pub recent: Vec<RecentCall>,
    /// Missed calls, newest first.
    pub missed: Vec<RecentCall>,
}

/// The desk as the shell sees it (desktop RPC), for windows that open mid-call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeskState {
    /// The call we are in.
    pub active_call: Option<i64>,
    /// The call that rings here.
    pub ringing_call: Option<i64>,
    /// Our microphone is muted.
    pub muted: bool,
    /// The tray icon: `available`, `away`, `inCall`, `doNotDisturb` or `offline`.
    pub tray: String,
}

/// What the desktop shell tells its UI at start-up (desktop RPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesktopStartup {
    /// Cloud URL to log in to.
    pub server: String,
    /// Pre-filled email.
    pub email: Option<String>,
    /// Log in right away with credentials from the environment (demo quickstart).
    pub auto_login: bool,
    /// A token for `server`/`email` is in the OS keyring: the app can resume without a password.
    pub saved_session: bool,
}
