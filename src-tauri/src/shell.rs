//! The shell's state: the running agent, the [`Desk`] it feeds, the settings, and the effects
//! of each agent event on windows, notifications and the tray.
//!
//! Locking rule: the mutex guards data only. Tray and notification calls block on the main
//! thread (window calls only queue a message for the window host), so they run *after* the
//! lock is released, from a list of [`Effect`]s — a command waiting for the lock, or the main
//! thread, can then never deadlock with the event pump.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use ringdesk_agent::audio::AudioDevice;
use ringdesk_agent::audio::check::{LevelMeter, PromptRecorder};
use ringdesk_agent::audio::cpal_device::CpalDevice;
use ringdesk_agent::audio::wav::WavDevice;
use ringdesk_agent::cache::{CacheError, LocalCache, unix_now_ms};
use ringdesk_agent::client::ServerConfig;
use ringdesk_agent::desk::{Desk, DeskAction, TrayState};
use ringdesk_agent::{Agent, AgentCommand, AudioSetup, settings};
use ringdesk_wire::{
    AgentEvent, AgentStatus, DesktopSettings, ErrorCode, HotkeyAction, RingStopReason, ServerEvent,
};
use tauri::AppHandle;

use crate::notify::{self, Notice};
use crate::tray::{self, TrayMenu};
use crate::windows::{self, CallShape};

/// A logged-in agent.
pub struct Session {
    /// Its command handle.
    pub agent: Agent,
    /// The token (also in the keyring), for logout.
    pub token: String,
    /// `email on server`, the keyring and cache key.
    pub account: String,
    /// Where the cloud is.
    pub server: ServerConfig,
}

#[derive(Default)]
struct Inner {
    session: Option<Session>,
    desk: Desk,
    settings: Option<DesktopSettings>,
    hotkeys: HashMap<u32, HotkeyAction>,
    /// Callers of calls ringing here, for the missed-call notification.
    ringing: HashMap<i64, String>,
    /// A "reconnecting" notification is up; say "reconnected" when back.
    told_offline: bool,
    /// Callbacks whose reminder came and that were not dialled or dismissed yet: the main
    /// window shows them with a call button.
    due_callbacks: Vec<ringdesk_wire::Callback>,
    /// The page the workspace window was last asked to show, until it takes it.
    workspace_view: Option<ringdesk_wire::WorkspaceView>,
    meter: Option<LevelMeter>,
    /// The workflow editor's prompt recording under way.
    recorder: Option<PromptRecorder>,
    tray: Option<TrayMenu>,
    /// What the tray shows now, so it is redrawn only when that changes (not on every
    /// audio or DTMF event).
    tray_shown: Option<TrayView>,
}

/// The tray's icon state, chosen status and do-not-disturb check.
type TrayView = (TrayState, Option<AgentStatus>, bool);

fn tray_view(desk: &Desk) -> TrayView {
    (desk.tray(), desk.status(), desk.do_not_disturb())
}

/// Something to do once the lock is released.
enum Effect {
    ShowCall(CallShape),
    CloseCall,
    Notify(Notice),
    Tray(TrayView),
    ForgetToken(String),
}

/// The shell's managed state.
pub struct Shell {
    inner: Mutex<Inner>,
    /// Its own lock: held only for quick SQLite calls, never around window or tray calls.
    cache: Mutex<Option<LocalCache>>,
    /// The local cache file.
    pub cache_path: PathBuf,
    /// Cmd instead of Ctrl in default hotkeys.
    pub macos: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The devices chosen in `settings`; with `RINGDESK_AUDIO=wav`, WAV files from the environment
/// instead (headless machines without sound servers).
pub fn audio_setup(settings: &DesktopSettings) -> AudioSetup {
    if env("RINGDESK_AUDIO").as_deref() == Some("wav") {
        return AudioSetup {
            call: Arc::new(WavDevice {
                play: env("RINGDESK_WAV_PLAY").map(Into::into),
                record: env("RINGDESK_WAV_RECORD").map(Into::into),
                loop_play: true,
            }),
            ringer: env("RINGDESK_WAV_RINGER").map(|r| {
                Arc::new(WavDevice {
                    play: None,
                    record: Some(r.into()),
                    loop_play: false,
                }) as Arc<dyn AudioDevice>
            }),
        };
    }
    AudioSetup {
        call: Arc::new(CpalDevice {
            input: settings.microphone.clone(),
            output: settings.speaker.clone(),
        }),
        ringer: Some(Arc::new(CpalDevice {
            input: None,
            output: settings.ringer.clone(),
        })),
    }
}

fn caller_label(caller: &ringdesk_wire::Caller) -> String {
    match &caller.name {
        Some(name) => format!("{name} ({})", caller.number),
        None => caller.number.clone(),
    }
}

impl Shell {
    /// Remembers the page the workspace is to show (a new window asks for it at start).
    pub fn set_workspace_view(&self, view: ringdesk_wire::WorkspaceView) {
        self.lock().workspace_view = Some(view);
    }

    /// The page the workspace was last asked to show, once.
    pub fn take_workspace_view(&self) -> Option<ringdesk_wire::WorkspaceView> {
        self.lock().workspace_view.take()
    }

    /// Callbacks reminded of and still waiting for their call.
    pub fn due_callbacks(&self) -> Vec<ringdesk_wire::Callback> {
        self.lock().due_callbacks.clone()
    }

    /// Takes a callback off the reminded list (dialled, done or dismissed).
    pub fn dismiss_callback(&self, id: i64) {
        self.lock().due_callbacks.retain(|c| c.id != id);
    }

    /// State for a cache file.
    pub fn new(cache_path: PathBuf) -> Self {
        Shell {
            inner: Mutex::default(),
            cache: Mutex::default(),
            cache_path,
            macos: cfg!(target_os = "macos"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the ringing app down with it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the local cache, opened once for the app's life (opening prunes old history).
    pub fn with_cache<T>(
        &self,
        f: impl FnOnce(&LocalCache) -> Result<T, CacheError>,
    ) -> Result<T, String> {
        let mut slot = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let cache = match &mut *slot {
            Some(cache) => cache,
            empty => empty.insert(
                LocalCache::open(&self.cache_path, unix_now_ms()).map_err(|e| e.to_string())?,
            ),
        };
        f(cache).map_err(|e| e.to_string())
    }

    /// The settings (saved ones, else defaults), with the last registration errors.
    pub fn settings(&self) -> DesktopSettings {
        if let Some(s) = &self.lock().settings {
            return s.clone();
        }
        let loaded = match self.with_cache(LocalCache::settings) {
            Ok(Some(s)) => settings::normalized(s, self.macos),
            Ok(None) => settings::defaults(self.macos),
            Err(e) => {
                tracing::warn!("settings: {e}; using defaults");
                settings::defaults(self.macos)
            }
        };
        self.lock().settings = Some(loaded.clone());
        loaded
    }

    /// Keeps `settings` (already applied by the caller) in memory and in the cache.
    pub fn store_settings(&self, settings: DesktopSettings) -> Result<(), String> {
        self.with_cache(|c| c.save_settings(&settings))?;
        self.lock().settings = Some(settings);
        Ok(())
    }

    /// The UI language: the chosen one, else the OS locale's.
    pub fn language(&self) -> String {
        self.settings().language.unwrap_or_else(|| {
            let locale = env("LC_ALL")
                .or_else(|| env("LC_MESSAGES"))
                .or_else(|| env("LANG"));
            settings::language_for_locale(locale.as_deref()).to_string()
        })
    }

    /// Replaces the hotkey map after (re)registering.
    pub fn set_hotkeys(&self, map: HashMap<u32, HotkeyAction>) {
        self.lock().hotkeys = map;
    }

    /// The tray's menu handles, when there is a tray.
    pub fn tray_menu(&self) -> Option<TrayMenu> {
        self.lock().tray.clone()
    }

    /// Keeps the tray's menu handles.
    pub fn set_tray(&self, menu: TrayMenu) {
        self.lock().tray = Some(menu);
    }

    /// Starts using a new logged-in agent, shutting down any old one.
    pub fn start_session(&self, session: Session) {
        let mut inner = self.lock();
        if let Some(old) = inner.session.replace(session) {
            old.agent.send(AgentCommand::Shutdown);
        }
        inner.desk = Desk::default();
        inner.ringing.clear();
        inner.due_callbacks.clear();
    }

    /// Ends the session (logout, quit); returns it for the caller to revoke its token.
    pub fn end_session(&self) -> Option<Session> {
        let mut inner = self.lock();
        inner.desk = Desk::default();
        inner.ringing.clear();
        inner.due_callbacks.clear();
        let session = inner.session.take()?;
        session.agent.send(AgentCommand::Shutdown);
        Some(session)
    }

    /// The account and server of the running session.
    pub fn session_info(&self) -> Option<(String, String, ServerConfig)> {
        self.lock()
            .session
            .as_ref()
            .map(|s| (s.account.clone(), s.token.clone(), s.server.clone()))
    }

    /// Sends a command to the agent.
    pub fn send(&self, c: AgentCommand) -> Result<(), String> {
        match &self.lock().session {
            Some(s) => {
                s.agent.send(c);
                Ok(())
            }
            None => Err(ErrorCode::NotLoggedIn.to_string()),
        }
    }

    /// Sets status and/or do-not-disturb, keeping what isn't given.
    pub fn set_status(&self, status: Option<AgentStatus>, dnd: Option<bool>) {
        let (current, current_dnd) = {
            let inner = self.lock();
            (inner.desk.status(), inner.desk.do_not_disturb())
        };
        let status = match status.or(current) {
            Some(AgentStatus::Available) => AgentStatus::Available,
            _ => AgentStatus::Away,
        };
        let _ = self.send(AgentCommand::SetStatus {
            status,
            do_not_disturb: dnd.unwrap_or(current_dnd),
        });
    }

    /// Do-not-disturb as last reported.
    pub fn do_not_disturb(&self) -> bool {
        self.lock().desk.do_not_disturb()
    }

    /// A snapshot of the desk for windows that open late (dialpad) and for tests.
    pub fn desk(&self) -> Desk {
        self.lock().desk.clone()
    }

    /// Keeps the prompt recording under way (or, with `None`, hands it back to be finished);
    /// the one it replaces is discarded.
    pub fn swap_recorder(&self, recorder: Option<PromptRecorder>) -> Option<PromptRecorder> {
        std::mem::replace(&mut self.lock().recorder, recorder)
    }

    /// Replaces the level meter (or stops it with `None`).
    pub fn set_meter(&self, meter: Option<LevelMeter>) {
        self.lock().meter = meter;
    }

    /// Redraws the tray from the desk as it is (after a menu click changed a check by itself).
    pub fn redraw_tray(&self, app: &AppHandle) {
        let view = tray_view(&self.lock().desk);
        self.apply(app, vec![Effect::Tray(view)]);
    }

    /// A hotkey press: act on what is there, or do nothing.
    pub fn hotkey_pressed(&self, app: &AppHandle, shortcut_id: u32) {
        let (action, session) = {
            let inner = self.lock();
            let Some(&hotkey) = inner.hotkeys.get(&shortcut_id) else {
                return;
            };
            (
                inner.desk.hotkey(hotkey),
                inner.session.as_ref().map(|s| s.agent.clone()),
            )
        };
        match action {
            Some(DeskAction::OpenDialpad) => windows::open_dialpad(app),
            Some(DeskAction::Command(c)) => {
                if let Some(agent) = session {
                    agent.send(c);
                }
            }
            None => {}
        }
    }

    /// Folds an agent event into the desk and carries out what it means for the windows,
    /// notifications and tray.
    pub fn on_event(&self, app: &AppHandle, event: &AgentEvent) {
        let missed_on = self.settings().missed_call_notifications;
        let main_focused = matches!(event, AgentEvent::Server(ServerEvent::Ring { .. }))
            && windows::main_is_focused(app);
        let effects = {
            let mut inner = self.lock();
            let mut effects = Vec::new();
            let was_active = inner.desk.active_call();
            inner.desk.observe(event);
            match event {
                AgentEvent::Server(ServerEvent::Ring {
                    call_id, caller, ..
                }) => {
                    inner.ringing.insert(*call_id, caller_label(caller));
                    if was_active.is_none() {
                        effects.push(Effect::ShowCall(CallShape::Ring));
                    }
                    if !main_focused {
                        effects.push(Effect::Notify(Notice::IncomingCall {
                            caller: caller_label(caller),
                        }));
                    }
                }
                AgentEvent::Server(ServerEvent::RingStopped { call_id, reason }) => {
                    let caller = inner.ringing.remove(call_id);
                    if missed_on
                        && matches!(
                            reason,
                            RingStopReason::TimedOut | RingStopReason::CallerLeft
                        )
                        && let Some(caller) = caller
                    {
                        effects.push(Effect::Notify(Notice::MissedCall { caller }));
                    }
                }
                AgentEvent::CallConnected { call_id } => {
                    inner.ringing.remove(call_id);
                    effects.push(Effect::ShowCall(CallShape::InCall));
                }
                AgentEvent::Server(ServerEvent::Dialing { .. }) => {
                    effects.push(Effect::ShowCall(CallShape::InCall))
                }
                AgentEvent::Server(ServerEvent::CallEnded { call_id, .. }) => {
                    if let Some(caller) = inner.ringing.remove(call_id)
                        && missed_on
                    {
                        effects.push(Effect::Notify(Notice::MissedCall { caller }));
                    }
                }
                AgentEvent::SessionDown { .. } if !inner.told_offline => {
                    inner.told_offline = true;
                    effects.push(Effect::Notify(Notice::Reconnecting));
                }
                AgentEvent::SessionUp { .. } if inner.told_offline => {
                    inner.told_offline = false;
                    effects.push(Effect::Notify(Notice::Reconnected));
                }
                AgentEvent::CallbackDue { callback } => {
                    inner.due_callbacks.retain(|c| c.id != callback.id);
                    inner.due_callbacks.push(callback.clone());
                    effects.push(Effect::Notify(Notice::CallbackDue {
                        customer: callback
                            .customer_name
                            .clone()
                            .unwrap_or_else(|| callback.customer_number.clone()),
                        note: callback.note.clone(),
                    }));
                }
                AgentEvent::AudioDeviceLost { message, .. } => {
                    effects.push(Effect::Notify(Notice::DeviceLost {
                        detail: message.clone(),
                    }));
                }
                AgentEvent::MicrophoneLost { message, .. } => {
                    effects.push(Effect::Notify(Notice::MicrophoneLost {
                        detail: message.clone(),
                    }));
                }
                AgentEvent::SessionExpired => {
                    if let Some(s) = inner.session.take() {
                        effects.push(Effect::ForgetToken(s.account));
                    }
                }
                _ => {}
            }
            // The call window goes once nothing rings and no call is up here.
            let idle = inner.desk.active_call().is_none() && inner.desk.ringing_call().is_none();
            if idle
                && matches!(
                    event,
                    AgentEvent::Server(ServerEvent::RingStopped { .. })
                        | AgentEvent::Server(ServerEvent::CallEnded { .. })
                        | AgentEvent::SessionExpired
                        | AgentEvent::SessionDown { .. }
                )
            {
                effects.push(Effect::CloseCall);
            }
            let tray = tray_view(&inner.desk);
            if inner.tray_shown != Some(tray) {
                inner.tray_shown = Some(tray);
                effects.push(Effect::Tray(tray));
            }
            effects
        };
        self.apply(app, effects);
    }

    fn apply(&self, app: &AppHandle, effects: Vec<Effect>) {
        let language = self.language();
        for effect in effects {
            match effect {
                Effect::ShowCall(shape) => windows::show_call_window(app, shape),
                Effect::CloseCall => windows::close_call_window(app),
                Effect::Notify(n) => notify::raise(app, n, &language),
                Effect::Tray((state, status, dnd)) => {
                    if let Some(menu) = self.tray_menu() {
                        tray::update(app, &menu, state, status, dnd);
                    }
                }
                Effect::ForgetToken(account) => {
                    std::thread::spawn(move || {
                        if let Err(e) = ringdesk_agent::credentials::delete_token(&account) {
                            tracing::warn!("{e}");
                        }
                    });
                }
            }
        }
    }
}
