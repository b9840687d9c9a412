//! The desktop RPC between the shell (`src-tauri`) and its UI, and the headless CLI's output:
//! the agent's events, the settings, the recent-calls lists and the desk's state.

use serde::{Deserialize, Serialize};

use crate::codes::codes;
use crate::{CallVia, Caller, ErrorCode, ManagerInfo, ServerEvent, Team, Teammate};
// The commands' argument and result types, named only in their generated TypeScript.
#[cfg(test)]
use crate::{AccessKey, CallsExportQuery, CreatedAccessKey, Statistics, StatisticsQuery};
#[cfg(test)]
use crate::{AgentStatus, CallRecord, ChannelNumber, DialPlan, TransferKind};
#[cfg(test)]
use crate::{
    BulkClosed, Classification, ConversationDetail, ConversationNote, ConversationPage,
    ConversationQuery, SetConversationState, TranscriptHit, WrapUp,
};
#[cfg(test)]
use crate::{
    Callback, ContactDetail, ContactForm, ContactInfo, HistoryEntry, HistoryKind, NewCallback,
};
#[cfg(test)]
use crate::{
    OperatingHours, PromptInfo, PromptSource, Published, QueueSettings, SaveDraft,
    SimulationRequest, SimulationResult, StepAnalytics, WorkflowDetail, WorkflowSummary,
};

/// Whom a call can go to (desktop RPC): the in-call box's invite and transfer panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallTargets {
    /// The channel's managers.
    pub teammates: Vec<Teammate>,
    /// The channel's teams.
    pub teams: Vec<Team>,
}

/// Events the agent library reports to its front end: the desktop UI (as Tauri events, see
/// [`AGENT_EVENT`]) and the `ringdesk-agent` CLI (as JSON lines). This is the desktop RPC's event
/// half. What the cloud said is passed on whole ([`AgentEvent::Server`]); the rest is the
/// agent's own: the session, media and devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
        /// Why (the connection's error, for people).
        reason: String,
        /// Back-off before the next attempt.
        retry_in_ms: u64,
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
    /// The call's microphone stopped working and nothing could replace it: the call goes on
    /// (the agent hears the customer, who hears faint comfort noise) while the microphone is
    /// tried again; the call window warns and offers the device picker.
    MicrophoneLost {
        /// The call.
        call_id: i64,
        /// What failed.
        message: String,
    },
    /// A microphone works again in the call after [`AgentEvent::MicrophoneLost`].
    MicrophoneBack {
        /// The call.
        call_id: i64,
    },
    /// The saved token was refused (expired or revoked): the app must ask for the password.
    SessionExpired,
    /// A callback of ours comes due soon (its reminder time, 10 minutes ahead, has come):
    /// the app notifies and offers to dial it.
    CallbackDue {
        /// Which.
        callback: crate::Callback,
    },
    /// What the cloud said, passed on as it is (and the agent's own failures, as
    /// [`ServerEvent::Error`]). Same JSON as the signaling message, except that its kind is
    /// named by `event`, like every desktop event, instead of `type`.
    #[serde(untagged, with = "retag")]
    #[cfg_attr(test, ts(type = "Retagged<ServerEvent>"))]
    Server(ServerEvent),
}

impl From<ServerEvent> for AgentEvent {
    fn from(e: ServerEvent) -> Self {
        AgentEvent::Server(e)
    }
}

impl AgentEvent {
    /// The agent's own failure, reported like the cloud's (`error` with a code).
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        AgentEvent::Server(ServerEvent::Error {
            code,
            message: message.into(),
        })
    }
}

/// (De)serializes a `type`-tagged [`ServerEvent`] with its tag named `event`, field order and
/// all else unchanged, so the desktop and CLI JSON of a passed-on event is what it was when
/// [`AgentEvent`] mirrored each one.
mod retag {
    use serde::de::{DeserializeOwned, Deserializer, Error as _};
    use serde::ser::{Impossible, Serialize, SerializeStruct, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &T, to: S) -> Result<S::Ok, S::Error> {
        value.serialize(Retag(to))
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        from: D,
    ) -> Result<T, D::Error> {
        let mut value = <serde_json::Value as serde::Deserialize>::deserialize(from)?;
        let fields = value
            .as_object_mut()
            .ok_or_else(|| D::Error::custom("an event is an object"))?;
        if fields.contains_key("type") {
            return Err(D::Error::custom("a desktop event names its kind `event`"));
        }
        let kind = fields
            .remove("event")
            .ok_or_else(|| D::Error::missing_field("event"))?;
        fields.insert("type".into(), kind);
        T::deserialize(value).map_err(D::Error::custom)
    }

    /// A serializer that renames the field `type` of the struct it is given to `event`. An
    /// internally tagged enum serializes every variant (struct, unit, or newtype of a struct)
    /// as a struct whose first field is the tag, so that is all it needs to handle.
    struct Retag<S>(S);

    struct RetagFields<S>(S);

    impl<S: SerializeStruct> SerializeStruct for RetagFields<S> {
        type Ok = S::Ok;
        type Error = S::Error;

        fn serialize_field<T: Serialize + ?Sized>(
            &mut self,
            key: &'static str,
            value: &T,
        ) -> Result<(), S::Error> {
            let key = if key == "type" { "event" } else { key };
            self.0.serialize_field(key, value)
        }

        fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
            self.0.skip_field(key)
        }

        fn end(self) -> Result<S::Ok, S::Error> {
            self.0.end()
        }
    }

    fn not_tagged<E: serde::ser::Error>() -> E {
        E::custom("only a tagged message's fields can be renamed")
    }

    /// The `Serializer` methods a tagged enum never calls.
    macro_rules! not_tagged {
        ($($method:ident($($arg:ty),*);)*) => {$(
            fn $method(self, $(_: $arg),*) -> Result<S::Ok, S::Error> {
                Err(not_tagged())
            }
        )*};
    }

    impl<S: Serializer> Serializer for Retag<S> {
        type Ok = S::Ok;
        type Error = S::Error;
        type SerializeSeq = Impossible<S::Ok, S::Error>;
        type SerializeTuple = Impossible<S::Ok, S::Error>;
        type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
        type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
        type SerializeMap = Impossible<S::Ok, S::Error>;
        type SerializeStruct = RetagFields<S::SerializeStruct>;
        type SerializeStructVariant = Impossible<S::Ok, S::Error>;

        fn serialize_struct(
            self,
            name: &'static str,
            len: usize,
        ) -> Result<Self::SerializeStruct, S::Error> {
            self.0.serialize_struct(name, len).map(RetagFields)
        }

        not_tagged! {
            serialize_bool(bool);
            serialize_i8(i8);
            serialize_i16(i16);
            serialize_i32(i32);
            serialize_i64(i64);
            serialize_u8(u8);
            serialize_u16(u16);
            serialize_u32(u32);
            serialize_u64(u64);
            serialize_f32(f32);
            serialize_f64(f64);
            serialize_char(char);
            serialize_str(&str);
            serialize_bytes(&[u8]);
            serialize_none();
            serialize_unit();
            serialize_unit_struct(&'static str);
            serialize_unit_variant(&'static str, u32, &'static str);
        }

        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<S::Ok, S::Error> {
            Err(not_tagged())
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<S::Ok, S::Error> {
            Err(not_tagged())
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<S::Ok, S::Error> {
            Err(not_tagged())
        }

        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
            Err(not_tagged())
        }

        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
            Err(not_tagged())
        }

        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, S::Error> {
            Err(not_tagged())
        }

        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, S::Error> {
            Err(not_tagged())
        }

        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
            Err(not_tagged())
        }

        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, S::Error> {
            Err(not_tagged())
        }
    }
}

/// One line of the app's recent-calls list, kept in the local cache so it shows offline too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
    /// How it went for us (or how it goes, while it is going on).
    pub outcome: RecentCallOutcome,
    /// A teammate invited us and we did not answer: shown as "{name}'s invitation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<String>,
    /// A missed call whose customer a later answered call reached: redialling warns first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub already_handled: bool,
    /// How the customer was reached (a redial uses the same; a meet's visitor cannot be
    /// redialled).
    #[serde(default = "phone", skip_serializing_if = "is_phone")]
    pub medium: crate::CallMedium,
}

fn phone() -> crate::CallMedium {
    crate::CallMedium::Phone
}

fn is_phone(m: &crate::CallMedium) -> bool {
    *m == crate::CallMedium::Phone
}

codes! {
    /// How a call went for this app, as its recent-calls list shows it (kept in the local
    /// cache, so a line written by a newer version reads as `unknown`).
    pub enum RecentCallOutcome {
        /// Ringing here now.
        Ringing = "ringing",
        /// Answered here; still talking.
        InCall = "inCall",
        /// Answered here and over.
        Answered = "answered",
        /// Rang here and nobody here took it: timed out, the caller left, or we went offline.
        Missed = "missed",
        /// We declined it.
        Declined = "declined",
        /// Rang here, a teammate took it.
        AnsweredElsewhere = "answeredElsewhere",
        /// We placed it; the other end rings.
        Dialing = "dialing",
        /// We placed it, they answered, and it is over.
        Outbound = "outbound",
        /// We placed it and nobody answered (busy, rejected, or we gave up).
        NotReached = "notReached",
        /// An outcome this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

/// A global-hotkey action (`docs/product.md#hotkeys`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    /// `ko` or `en`; `None` follows the OS locale. Any other value saved by hand is reset to
    /// `None` before the UI sees it (`ringdesk_agent::settings::normalized`).
    #[cfg_attr(test, ts(as = "Option<Language>"))]
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
    /// The microphone's echo cancellation, noise suppression and gain control (all on unless
    /// turned off; settings saved before they existed get them on).
    #[serde(default)]
    pub voice: VoiceProcessing,
    /// The speaker's volume and the microphone's gain in calls (as is unless changed).
    #[serde(default)]
    pub volume: CallVolume,
    /// The network test has been offered (after the first login): taken or put off, it is
    /// not offered again; it stays in the settings.
    #[serde(default)]
    pub network_test_offered: bool,
}

/// What a network test measured on a short test call to the cloud's echo, and what it
/// means for calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NetworkTestResult {
    /// Round trip to the cloud and back, the median of every packet's, in ms.
    pub round_trip_ms: f64,
    /// Variation of the packets' transit (RFC 3550 inter-arrival jitter), in ms.
    pub jitter_ms: f64,
    /// Packets sent that never came back, in percent.
    pub loss_percent: f64,
    /// The microphone's loudest level during the test, in dBFS; `None` without a microphone.
    pub microphone_dbfs: Option<f64>,
    /// Estimated call quality, 1 (bad) to 4.5 (excellent): the E-model's rating from the
    /// delay, jitter and loss measured.
    pub mos: f64,
    /// Good, fair or poor.
    pub verdict: NetworkVerdict,
    /// Why it is not good: each measure past its threshold.
    pub issues: Vec<NetworkIssue>,
}

/// A network test's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum NetworkVerdict {
    /// Calls will sound good.
    Good,
    /// Calls will work, with some delay or a crackle now and then.
    Fair,
    /// Calls will break up or lag: fix what the issues say first.
    Poor,
}

/// One thing a network test found wrong, and how badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NetworkIssue {
    /// The round trip is long: people talk over each other.
    HighLatency {
        /// Poor rather than fair.
        severe: bool,
    },
    /// Packets arrive unevenly: the jitter buffer adds delay or audio crackles.
    HighJitter {
        /// Poor rather than fair.
        severe: bool,
    },
    /// Packets are lost: words drop out.
    PacketLoss {
        /// Poor rather than fair.
        severe: bool,
    },
    /// The microphone delivered only silence: the customer would hear nothing.
    MicrophoneSilent,
}

/// A call's speaker volume and microphone gain, in percent of the sound as it is: the agent
/// turns a loud customer down, or a quiet microphone up, from the call window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallVolume {
    /// What the agent hears, 0 (silent) to [`CallVolume::SPEAKER_MAX`].
    pub speaker: u16,
    /// What the agent sends, 0 (silent) to [`CallVolume::MICROPHONE_MAX`].
    pub microphone: u16,
}

impl CallVolume {
    /// The speaker goes no louder than the call is: the device's own volume is for more.
    pub const SPEAKER_MAX: u16 = 100;
    /// A quiet microphone may be raised up to this.
    pub const MICROPHONE_MAX: u16 = 200;

    /// Each within its range.
    pub fn clamped(self) -> CallVolume {
        CallVolume {
            speaker: self.speaker.min(Self::SPEAKER_MAX),
            microphone: self.microphone.min(Self::MICROPHONE_MAX),
        }
    }
}

impl Default for CallVolume {
    /// As is.
    fn default() -> Self {
        CallVolume {
            speaker: 100,
            microphone: 100,
        }
    }
}

/// Which voice processing steps clean the microphone before it goes out. Each can be turned
/// off: a studio microphone needs no gain control, and a user chasing a problem wants to hear
/// the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct VoiceProcessing {
    /// Take out what the speaker plays back into the microphone.
    pub echo_cancellation: bool,
    /// Take out steady background noise (fans, keyboards, a busy room).
    pub noise_suppression: bool,
    /// Bring a quiet or loud microphone to a steady speaking level.
    pub auto_gain: bool,
}

impl VoiceProcessing {
    /// Nothing done to the microphone.
    pub const OFF: VoiceProcessing = VoiceProcessing {
        echo_cancellation: false,
        noise_suppression: false,
        auto_gain: false,
    };
}

impl Default for VoiceProcessing {
    /// Everything on.
    fn default() -> Self {
        VoiceProcessing {
            echo_cancellation: true,
            noise_suppression: true,
            auto_gain: true,
        }
    }
}

/// The audio devices the machine has, for the settings screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AudioDeviceList {
    /// Microphones.
    pub inputs: Vec<String>,
    /// Speakers (also the ringer choices).
    pub outputs: Vec<String>,
}

/// The main window's two lists (desktop RPC), from the local cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RecentCallLists {
    /// The last 5 calls.
    pub recent: Vec<RecentCall>,
    /// Missed calls, newest first.
    pub missed: Vec<RecentCall>,
}

/// The desk as the shell sees it (desktop RPC), for windows that open mid-call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeskState {
    /// The call we are in.
    pub active_call: Option<i64>,
    /// The call that rings here.
    pub ringing_call: Option<i64>,
    /// Our microphone is muted.
    pub muted: bool,
    /// What the tray icon shows.
    pub tray: TrayState,
}

codes! {
    /// What the tray icon shows: the manager's status as far as calls go.
    pub enum TrayState {
        /// Green: calls ring.
        Available = "available",
        /// Grey: away.
        Away = "away",
        /// Red: in a call.
        InCall = "inCall",
        /// Do-not-disturb is on.
        DoNotDisturb = "doNotDisturb",
        /// No session with the cloud.
        Offline = "offline",
    }
}

impl Default for TrayState {
    /// Before any session: offline.
    fn default() -> Self {
        TrayState::Offline
    }
}

codes! {
    /// A UI language: Korean first (our first customers are Korean support teams), English.
    pub enum Language {
        /// 한국어.
        Ko = "ko",
        /// English.
        En = "en",
    }
}

/// What the desktop shell tells its UI at start-up (desktop RPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// The Tauri event that carries each [`AgentEvent`] to every window.
pub const AGENT_EVENT: &str = "agent-event";
/// The Tauri event that tells every window the settings changed; its payload is the new
/// [`DesktopSettings`].
pub const SETTINGS_CHANGED_EVENT: &str = "settings-changed";
/// The Tauri event that carries the microphone level meter's reading, in dBFS (a number), ten
/// times a second while the meter runs.
pub const INPUT_LEVEL_EVENT: &str = "input-level";
/// The Tauri event that tells the workspace window which page to show (a ring's history
/// button, a contact opened from elsewhere); its payload is the [`WorkspaceView`].
pub const WORKSPACE_VIEW_EVENT: &str = "workspace-view";

/// A page of the workspace window (the inbox window grown into the agent's workspace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "page",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkspaceView {
    /// The shared inbox.
    Inbox,
    /// A contact's page.
    Contact {
        /// Which contact.
        id: i64,
    },
    /// The manager's callbacks.
    Callbacks,
    /// The manager's call history.
    History,
    /// The statistics: the channel's for owners and admins, a manager's own row for others.
    Statistics,
    /// The live wallboard: who waits, how each manager is, today's service level.
    Wallboard,
}

/// The desktop events' TypeScript: event name → payload, for the UI's typed `listen`.
#[cfg(test)]
pub(crate) fn events_typescript(cfg: &ts_rs::Config) -> String {
    use ts_rs::TS;
    let events = [
        (AGENT_EVENT, AgentEvent::name(cfg)),
        (SETTINGS_CHANGED_EVENT, DesktopSettings::name(cfg)),
        (INPUT_LEVEL_EVENT, f64::name(cfg)),
        (WORKSPACE_VIEW_EVENT, WorkspaceView::name(cfg)),
    ];
    let mut ts = String::from(
        "/** The desktop events: what `listen` hears by name, and its payload. */\nexport interface Events {\n",
    );
    for (name, payload) in events {
        ts.push_str(&format!("  \"{name}\": {payload};\n"));
    }
    ts.push_str("}\n");
    ts
}

/// One desktop command as the shell implements it (`src-tauri/src/commands.rs`): what the UI
/// may `invoke`, its arguments and its result. The shell's test compares its handlers with
/// [`COMMANDS`] and the UI's typed `invoke` is generated from it, so the three cannot drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    /// The name `invoke` takes: the Rust function's.
    pub name: &'static str,
    /// Each argument's name (snake_case; the UI sends it camelCase) and Rust type, as written.
    pub args: &'static [(&'static str, &'static str)],
    /// The result's Rust type as written (`()` for none). A failure is an error code or, when
    /// the cause has none, a message.
    pub result: &'static str,
}

/// Declares the desktop commands once: [`COMMANDS`] for the shell's test, and (in tests) the
/// UI's `Commands` interface with each argument's and result's generated type.
macro_rules! desktop_commands {
    // `$d` is a `$` token, so the macro defined below can have metavariables of its own.
    (@with_dollar ($d:tt) $(
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $result:ty;
    )+) => {
        /// Calls `$callback! { fn name(arg: Type, …) -> Result; … }` with every desktop
        /// command: how the shell builds its dispatch from this one list, so a command's
        /// arguments there cannot differ from the UI's.
        #[macro_export]
        macro_rules! for_each_desktop_command {
            ($d callback:ident) => {
                $d callback! { $(fn $name($($arg: $ty),*) -> $result;)+ }
            };
        }

        /// Every desktop command, in the order the shell registers them.
        pub const COMMANDS: &[Command] = &[$(
            Command {
                name: stringify!($name),
                args: &[$((stringify!($arg), stringify!($ty))),*],
                result: stringify!($result),
            },
        )+];

        /// The commands' TypeScript: name → arguments and result, for the UI's typed `invoke`.
        #[cfg(test)]
        pub(crate) fn commands_typescript(cfg: &ts_rs::Config) -> String {
            use ts_rs::TS;
            let mut ts = String::from(concat!(
                "/**\n",
                " * The desktop commands: what `invoke` takes by name, with its arguments (camelCase)\n",
                " * and what it resolves to. It rejects with an error code (`ErrorCode`) or a message.\n",
                " */\n",
                "export interface Commands {\n",
            ));
            $(
                match &[$($doc),*][..] {
                    [] => {}
                    [line] => ts.push_str(&format!("  /**{line} */\n")),
                    lines => {
                        ts.push_str("  /**\n");
                        for line in lines {
                            ts.push_str(&format!("   *{line}\n"));
                        }
                        ts.push_str("   */\n");
                    }
                }
                let args: Vec<String> = vec![$(
                    format!("{}: {}", camel_case(stringify!($arg)), <$ty as TS>::name(cfg))
                ),*];
                let args = if args.is_empty() {
                    "Record<string, never>".to_string()
                } else {
                    format!("{{ {} }}", args.join("; "))
                };
                ts.push_str(&format!(
                    "  {}: {{ args: {}; result: {} }};\n",
                    stringify!($name),
                    args,
                    <$result as TS>::name(cfg)
                ));
            )+
            ts.push_str("}\n");
            ts
        }
    };
    ($($commands:tt)+) => {
        desktop_commands! { @with_dollar ($) $($commands)+ }
    };
}

/// `snake_case` → `camelCase`, as Tauri names a command's arguments.
#[cfg(test)]
fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

desktop_commands! {
    /// Where to log in by default, and whether a saved session can resume without a password.
    fn startup() -> DesktopStartup;
    /// Logs in with a password (the environment's, for the demo, when this one is empty); the
    /// token goes to the OS keyring.
    fn login(server: String, email: String, password: Option<String>) -> ManagerInfo;
    /// Resumes the last account with the token from the keyring (`sessionExpired` when the
    /// cloud refuses it).
    fn resume() -> ManagerInfo;
    /// Logs out: revokes the token, forgets it, stops the agent.
    fn logout() -> ();
    /// Chooses status (`available` or `away`) and do-not-disturb.
    fn set_status(status: AgentStatus, do_not_disturb: bool) -> ();
    /// Sets my assignment settings: the "phone" type and "ring me for unassigned calls".
    fn set_assignment(takes_phone_calls: bool, ring_unassigned: bool) -> ();
    /// Answers a ringing call.
    fn answer(call_id: i64) -> ();
    /// Declines a ringing call.
    fn decline(call_id: i64) -> ();
    /// Leaves a call (only me).
    fn hangup(call_id: i64) -> ();
    /// Ends a call for everyone.
    fn end_for_all(call_id: i64) -> ();
    /// Sends DTMF digits to the far end.
    fn dtmf(call_id: i64, digits: String) -> ();
    /// Mutes or unmutes our microphone in a call.
    fn set_muted(call_id: i64, muted: bool) -> ();
    /// Puts the customer on hold or takes them off it.
    fn set_hold(call_id: i64, held: bool) -> ();
    /// Pauses the call's recording (nothing said meanwhile is kept) or resumes it.
    fn set_recording_paused(call_id: i64, paused: bool) -> ();
    /// Takes a call ringing at a teammate; `leaveCurrent` leaves ours first (confirmed).
    fn pick_up(call_id: i64, leave_current: bool) -> ();
    /// Rings a teammate to join the call.
    fn invite(call_id: i64, manager_id: i64) -> ();
    /// Transfers the call, cold or warm, to a manager or a team (exactly one of the two).
    fn transfer(
        call_id: i64,
        kind: TransferKind,
        manager_id: Option<i64>,
        team_id: Option<i64>,
    ) -> ();
    /// Completes our warm transfer: hand over and leave.
    fn complete_transfer(call_id: i64) -> ();
    /// Takes our transfer back.
    fn cancel_transfer(call_id: i64) -> ();
    /// Holds the customer and calls a teammate or a number (exactly one) on a second line.
    fn parallel_call(call_id: i64, manager_id: Option<i64>, number: Option<String>) -> ();
    /// Moves to the other line of our parallel call.
    fn switch_line(call_id: i64) -> ();
    /// Joins both lines of our parallel call.
    fn merge(call_id: i64) -> ();
    /// Puts the call in a team's queue and leaves.
    fn transfer_to_queue(call_id: i64, team_id: i64) -> ();
    /// The channel's managers and teams, for the invite and transfer panel.
    fn call_targets() -> CallTargets;
    /// Places a call; `dialing` or `dialRefused` follows as an event.
    fn dial(number: String, caller_id: Option<String>) -> ();
    /// What dialing would be (E.164, caller-ID, the international price), or the refusal's
    /// code, before the call button is pressed.
    fn dial_check(number: String, caller_id: Option<String>) -> DialPlan;
    /// The channel's numbers, for the dialpad's caller-ID picker.
    fn channel_numbers() -> Vec<ChannelNumber>;
    /// The desk now: active call, ringing call, mute, tray.
    fn desk_state() -> DeskState;
    /// The settings, with each hotkey's registration error.
    fn get_settings() -> DesktopSettings;
    /// Saves and applies settings; returns them with registration errors filled in.
    fn save_settings(settings: DesktopSettings) -> DesktopSettings;
    /// Runs the network test: a short WebRTC call to the cloud's echo measuring round trip,
    /// jitter and loss, and the microphone's level, with a verdict (takes ~6 s).
    fn run_network_test() -> NetworkTestResult;
    /// Sets the speaker volume and microphone gain now (the running call too, without
    /// reopening its devices) and keeps them for later calls; returns them within range.
    fn set_volume(volume: CallVolume) -> CallVolume;
    /// The machine's microphones and speakers.
    fn audio_devices() -> AudioDeviceList;
    /// Starts the microphone level meter (`input-level` events).
    fn start_level_meter(microphone: Option<String>) -> ();
    /// Stops the level meter.
    fn stop_level_meter() -> ();
    /// Plays the one-second test tone on an output (speaker or ringer).
    fn play_test_tone(output: Option<String>) -> ();
    /// The recent and missed calls, from the local cache (works offline).
    fn recent_calls() -> RecentCallLists;
    /// A caller's earlier calls, from the cloud.
    fn caller_history(number: String) -> Vec<CallRecord>;
    /// The UI language: the chosen one, else the OS locale's.
    fn language() -> Language;
    /// Grows the in-call box for a panel, or shrinks it back.
    fn set_call_window_expanded(expanded: bool) -> ();
    /// The events a just-created call window replays to catch up.
    fn call_window_feed() -> Vec<AgentEvent>;
    /// The events a main window opened from the tray replays to show the running session.
    fn main_window_feed() -> Vec<AgentEvent>;
    /// The clipboard's text, for the dialpad's paste button.
    fn read_clipboard() -> String;
    /// Opens (or focuses) the workflow editor window (owners and admins).
    fn open_workflows() -> ();
    /// The channel's workflows, in list order.
    fn workflows() -> Vec<WorkflowSummary>;
    /// One workflow: its draft with its problems, and its versions.
    fn workflow_detail(id: i64) -> WorkflowDetail;
    /// Saves a workflow's draft; its problems come back listed.
    fn save_workflow_draft(id: i64, save: SaveDraft) -> WorkflowDetail;
    /// Publishes the saved draft as the next version (`workflowProblems` while it has any).
    fn publish_workflow(id: i64) -> Published;
    /// Walks the saved draft on a pretend call.
    fn simulate_workflow(id: i64, request: SimulationRequest) -> SimulationResult;
    /// Each step's figures for the current version.
    fn workflow_analytics(id: i64) -> Vec<StepAnalytics>;
    /// The channel's uploaded prompts.
    fn workflow_prompts() -> Vec<PromptInfo>;
    /// Plays a prompt on the speaker: an upload, or a text spoken now.
    fn play_prompt(prompt: PromptSource) -> ();
    /// Uploads a prompt recording (a PCM WAV file's bytes) under a name (`badAudio`,
    /// `tooLarge` when the cloud refuses it).
    fn upload_prompt(name: String, wav: Vec<u8>) -> PromptInfo;
    /// Starts recording a prompt from the microphone the settings chose.
    fn start_prompt_recording() -> ();
    /// Stops the recording and uploads it under a name.
    fn finish_prompt_recording(name: String) -> PromptInfo;
    /// Stops the recording and throws it away.
    fn cancel_prompt_recording() -> ();
    /// Links a number to a workflow (`None`: the first of the list).
    fn link_number(e164: String, workflow_id: Option<i64>) -> ();
    /// The channel's operating hours (`None`: never set, always open).
    fn operating_hours() -> Option<OperatingHours>;
    /// Saves the channel's operating hours (`badWorkflow` with what is wrong).
    fn save_operating_hours(hours: OperatingHours) -> ();
    /// Saves a team's queue settings (`badQueueSettings` naming the field).
    fn save_queue_settings(team_id: i64, settings: QueueSettings) -> ();
    /// Opens (or focuses) the inbox window: the channel's conversations.
    fn open_inbox() -> ();
    /// Who is logged in (the inbox's "mine"), as the cloud knows them.
    fn current_manager() -> ManagerInfo;
    /// A page of the channel's conversations, filtered.
    fn conversations(query: ConversationQuery) -> ConversationPage;
    /// One conversation whole: its call, recording, notes and wrap-up form.
    fn conversation_detail(id: i64) -> ConversationDetail;
    /// Opens, snoozes or closes a conversation (`missedCannotReopen`, `badState`).
    fn set_conversation_state(id: i64, change: SetConversationState) -> ();
    /// Assigns a conversation to a manager of the channel, or to nobody.
    fn set_conversation_assignee(id: i64, manager_id: Option<i64>) -> ();
    /// Replaces a conversation's tags (`badTag`).
    fn set_conversation_tags(id: i64, tags: Vec<String>) -> ();
    /// Adds an internal note (`badNote`).
    fn add_conversation_note(id: i64, text: String) -> ConversationNote;
    /// Saves the wrap-up form (`unknownClassification`).
    fn save_wrap_up(id: i64, wrap_up: WrapUp) -> ();
    /// Closes many conversations at once (the missed list).
    fn close_conversations(ids: Vec<i64>) -> BulkClosed;
    /// The channel's classifications for the wrap-up form.
    fn classifications() -> Vec<Classification>;
    /// The channel's transcript lines containing what was typed (`badQuery`).
    fn search_transcripts(query: String) -> Vec<TranscriptHit>;
    /// A call's recording as a `data:audio/mpeg` URL for the window's player
    /// (`recordingNotReady`, `notFound`).
    fn recording_audio(call_id: i64) -> String;
    /// Saves a call's recording as an MP3 in the Downloads folder; the file's path.
    fn download_recording(call_id: i64) -> String;
    /// The logged-in manager's call history from the cloud, newest first (`before`: only
    /// calls older than that one).
    fn history(kind: HistoryKind, before: Option<i64>) -> Vec<HistoryEntry>;
    /// Deletes one call from the manager's history (cloud and this app's cache).
    fn delete_history(call_id: i64) -> ();
    /// Deletes the manager's whole history (cloud and this app's cache).
    fn clear_history() -> ();
    /// Opens (or focuses) the workspace window on a page.
    fn open_workspace(view: WorkspaceView) -> ();
    /// Opens the workspace on the contact with this number (the ring's history button),
    /// before the call is answered.
    fn open_contact_by_number(number: String) -> ();
    /// The page the workspace was last asked to show, once (`None`: the inbox).
    fn take_workspace_view() -> Option<WorkspaceView>;
    /// Contacts whose name or number contains what was typed (suggestions; `badQuery`).
    fn search_contacts(query: String) -> Vec<ContactInfo>;
    /// A contact whole, with its newest calls (`notFound`).
    fn contact(id: i64) -> ContactDetail;
    /// Saves what a contact says (`badContact`, `numberTaken`).
    fn save_contact(id: i64, form: ContactForm) -> ContactDetail;
    /// Adds a lead contact (`badContact`, `numberTaken`).
    fn add_lead(form: ContactForm) -> ContactDetail;
    /// Books a callback (`badCallback`, `callerIdNotOurs`, `unknownManager`).
    fn book_callback(callback: NewCallback) -> Callback;
    /// The logged-in manager's callbacks, open ones soonest first (with `include_done`,
    /// the done ones after them).
    fn my_callbacks(include_done: bool) -> Vec<Callback>;
    /// Marks a callback done or still to do.
    fn set_callback_done(id: i64, done: bool) -> Callback;
    /// Callbacks reminded of and not dialled or dismissed yet (the main window's cards).
    fn due_callbacks() -> Vec<Callback>;
    /// Dials a callback from its caller-ID and takes it off the reminded cards.
    fn dial_callback(id: i64) -> ();
    /// Takes a callback off the reminded cards without dialling it.
    fn dismiss_callback(id: i64) -> ();
    /// A period's statistics (`periodReversed`, `periodTooLong`, `badThreshold`,
    /// `unknownTeam`).
    fn statistics(query: StatisticsQuery) -> Statistics;
    /// Saves a period's calls as CSV in the Downloads folder, streamed; the file's path
    /// (owners and admins).
    fn export_calls(query: CallsExportQuery) -> String;
    /// The channel's metrics API access keys (owners).
    fn access_keys() -> Vec<AccessKey>;
    /// Creates an access key; its secret is in the answer only (owners; `badAccessKey`).
    fn create_access_key(label: String) -> CreatedAccessKey;
    /// Revokes an access key (owners).
    fn revoke_access_key(id: i64) -> ();
    /// Starts or stops the live wallboard: while on, `wallboard` events come on every change.
    fn watch_wallboard(watch: bool) -> ();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        CallState, CallVia, EndCause, HangupCause, MissedReason, NotRingingReason, RingStopReason,
        ServerMessage,
    };

    fn call_state() -> CallState {
        CallState {
            call_id: 3,
            customer: Caller {
                number: "+821012345678".into(),
                name: None,
                fields: vec![],
            },
            via: CallVia {
                number: "+827076660100".into(),
                team_name: "t".into(),
            },
            held: false,
            managers: vec![],
            ringing: vec![],
            transfer: None,
            queued: false,
            dialing: false,
            parallel: None,
            customer_present: true,
            party_number: None,
            meet: false,
            callback: false,
            recording: true,
            recording_paused: false,
        }
    }

    /// The desktop and CLI JSON of every kind of event is what it was when `AgentEvent`
    /// mirrored the server's messages one by one (the UI, `agent_day.mjs` and the end-to-end
    /// suites read it): field order included.
    #[test]
    fn events_keep_their_desktop_json() {
        let cases: Vec<(AgentEvent, &str)> = vec![
            (AgentEvent::SessionExpired, r#"{"event":"sessionExpired"}"#),
            (
                AgentEvent::CallConnected { call_id: 4 },
                r#"{"event":"callConnected","callId":4}"#,
            ),
            (
                ServerEvent::Presence {
                    status: AgentStatus::Away,
                    do_not_disturb: false,
                    assignment: crate::Assignment::default(),
                    not_ringing: Some(NotRingingReason::Away),
                }
                .into(),
                r#"{"event":"presence","status":"away","doNotDisturb":false,"assignment":{"takesPhoneCalls":true,"ringUnassigned":true},"notRinging":"away"}"#,
            ),
            (
                ServerEvent::RingStopped {
                    call_id: 1,
                    reason: RingStopReason::TimedOut,
                }
                .into(),
                r#"{"event":"ringStopped","callId":1,"reason":"timedOut"}"#,
            ),
            (
                ServerEvent::CallEnded {
                    call_id: 2,
                    cause: HangupCause::CustomerHangup.into(),
                    missed_reason: Some(MissedReason::UserLeft),
                }
                .into(),
                r#"{"event":"callEnded","callId":2,"cause":"customerHangup","missedReason":"userleft"}"#,
            ),
            (
                ServerEvent::CallEnded {
                    call_id: 2,
                    cause: EndCause::TransferCancelled,
                    missed_reason: None,
                }
                .into(),
                r#"{"event":"callEnded","callId":2,"cause":"transferCancelled","missedReason":null}"#,
            ),
            (
                ServerEvent::CustomerLeft { call_id: 5 }.into(),
                r#"{"event":"customerLeft","callId":5}"#,
            ),
            (
                AgentEvent::error(ErrorCode::MediaFailed, "no route"),
                r#"{"event":"error","code":"mediaFailed","message":"no route"}"#,
            ),
        ];
        for (event, json) in cases {
            assert_eq!(serde_json::to_string(&event).unwrap(), json);
            assert_eq!(serde_json::from_str::<AgentEvent>(json).unwrap(), event);
        }
        let state = AgentEvent::from(ServerEvent::CallState(Box::new(call_state())));
        let json = serde_json::to_string(&state).unwrap();
        assert!(
            json.starts_with(r#"{"event":"callState","callId":3,"customer":"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<AgentEvent>(&json).unwrap(), state);
    }

    /// A passed-on event is its signaling message with the tag renamed, nothing else.
    #[test]
    fn a_passed_on_event_is_the_signaling_message_retagged() {
        let events = [
            ServerEvent::CallState(Box::new(call_state())),
            ServerEvent::RingingCalls {
                calls: vec![call_state()],
            },
            ServerEvent::DialAnswered { call_id: 9 },
        ];
        for e in events {
            let signaling = serde_json::to_string(&ServerMessage::from(e.clone())).unwrap();
            let desktop = serde_json::to_string(&AgentEvent::from(e)).unwrap();
            assert_eq!(
                desktop,
                signaling.replacen(r#"{"type":"#, r#"{"event":"#, 1)
            );
        }
        assert!(
            serde_json::from_str::<AgentEvent>(r#"{"type":"dialAnswered","callId":9}"#).is_err(),
            "desktop events are tagged by `event`"
        );
        assert!(serde_json::from_str::<AgentEvent>(r#"{"event":"teleport"}"#).is_err());
    }
}
