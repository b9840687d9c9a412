//! The desktop RPC's command half: what the UI may ask of the shell. Each is a thin call into
//! [`Shell`] or `ringdesk-agent`; errors are error codes ([`ErrorCode`], which the UI
//! translates) or, when the cause has none, messages it shows as they are.
//!
//! Every command here is declared in [`ringdesk_wire::COMMANDS`], from which the UI's typed
//! `invoke` and the app's dispatch ([`crate::dispatch`]) are generated: a handler whose
//! arguments or result differ from the declaration does not compile. Each takes the app's
//! handle first, then the declared arguments. A plain `fn` is quick and local and runs in the
//! order the commands came; an `async fn` waits on the cloud or a device and runs apart.

use std::sync::Arc;

use ringdesk_agent::audio::AudioDevice;
use ringdesk_agent::audio::check;
use ringdesk_agent::audio::cpal_device::{CpalDevice, list_devices};
use ringdesk_agent::cache::LocalCache;
use ringdesk_agent::client::{self, ServerConfig};
use ringdesk_agent::{
    AgentCommand, AgentConfig, AgentError, Credentials, ParallelTo, TransferTo, credentials,
    settings,
};
use ringdesk_agent::{admin, contacts, inbox, records, statistics};
use ringdesk_wire::{
    AGENT_EVENT, AgentEvent, AgentStatus, Assignment, AudioDeviceList, CallRecord, CallTargets,
    CallVolume, ChannelNumber, DeskState, DesktopSettings, DesktopStartup, DialCheck, DialPlan,
    ErrorCode, INPUT_LEVEL_EVENT, Language, ManagerInfo, NetworkTestResult, OperatingHours,
    PromptInfo, PromptSource, Published, QueueSettings, RecentCallLists, SETTINGS_CHANGED_EVENT,
    SaveDraft, SimulationRequest, SimulationResult, StepAnalytics, TransferKind, WorkflowDetail,
    WorkflowSummary,
};
use ringdesk_wire::{AccessKey, CallsExportQuery, CreatedAccessKey, Statistics, StatisticsQuery};
use ringdesk_wire::{
    BulkClosed, Classification, ConversationDetail, ConversationNote, ConversationPage,
    ConversationQuery, SetConversationState, TranscriptHit, WrapUp,
};
use ringdesk_wire::{
    Callback, ContactDetail, ContactForm, ContactInfo, HistoryEntry, HistoryKind, NewCallback,
    WORKSPACE_VIEW_EVENT, WorkspaceView,
};
use tauri::{AppHandle, Manager, State};

use crate::shell::{Session, Shell, audio_setup};
use crate::{hotkeys, tray, windows};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The UI shows the cloud's code (translated) or the message.
fn ui_error(e: AgentError) -> String {
    match e {
        AgentError::Api { code, .. } => code.to_string(),
        other => other.to_string(),
    }
}

/// A command's failure with a code the UI translates.
fn code(code: ErrorCode) -> String {
    code.to_string()
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| e.to_string())?
}

/// Where to log in by default, and whether a saved session can resume without a password.
pub async fn startup(app: AppHandle) -> Result<DesktopStartup, String> {
    let shell = app.state::<Shell>();
    let last = shell.with_cache(LocalCache::last_account)?;
    let server = env("RINGDESK_SERVER")
        .or_else(|| last.as_ref().map(|(s, _)| s.clone()))
        .unwrap_or_else(|| "https://127.0.0.1:8443".into());
    let email = env("RINGDESK_EMAIL").or_else(|| last.as_ref().map(|(_, e)| e.clone()));
    let saved_session = match &email {
        Some(e) => {
            let account = credentials::account(&server, e);
            blocking(move || credentials::load_token(&account).map_err(|e| e.to_string()))
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!("{e}");
                    None
                })
                .is_some()
        }
        None => false,
    };
    Ok(DesktopStartup {
        server,
        auto_login: env("RINGDESK_EMAIL").is_some() && env("RINGDESK_PASSWORD").is_some(),
        email,
        saved_session,
    })
}

fn server_config(server: &str) -> Result<ServerConfig, String> {
    let ca = env("RINGDESK_CA_CERT");
    ServerConfig::with_ca_file(server, ca.as_deref().map(std::path::Path::new)).map_err(ui_error)
}

/// How long before a callback's time its reminder comes: 10 minutes, or
/// `RINGDESK_CALLBACK_LEAD_S` seconds (the desktop test shortens it).
fn callback_lead() -> std::time::Duration {
    let seconds = std::env::var("RINGDESK_CALLBACK_LEAD_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ringdesk_wire::CALLBACK_REMINDER_LEAD_S as u64);
    std::time::Duration::from_secs(seconds)
}

async fn start_agent(
    app: AppHandle,
    server: ServerConfig,
    email: String,
    credentials: Credentials,
) -> Result<ManagerInfo, String> {
    let shell = app.state::<Shell>();
    let settings = shell.settings();
    let config = AgentConfig {
        server: server.clone(),
        email: email.clone(),
        credentials,
        initial_status: None,
        audio: audio_setup(&settings),
        start_muted: settings.start_muted,
        voice: settings.voice,
        volume: settings.volume,
        cache_path: Some(shell.cache_path.clone()),
        callback_lead: callback_lead(),
    };
    let ringdesk_agent::Started {
        agent,
        mut events,
        manager,
        token,
    } = ringdesk_agent::start(config).await.map_err(ui_error)?;
    let account = credentials::account(&server.url, &email);
    {
        let (account, token) = (account.clone(), token.clone());
        // A keyring that fails (no Secret Service) costs only the saved session.
        if let Err(e) =
            blocking(move || credentials::save_token(&account, &token).map_err(|e| e.to_string()))
                .await
        {
            tracing::warn!("{e}");
        }
    }
    shell.start_session(Session {
        agent,
        token,
        account,
        server,
    });
    let pump = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            pump.state::<Shell>().on_event(&pump, &event);
            windows::emit(&pump, AGENT_EVENT, &event);
        }
    });
    Ok(manager)
}

/// Logs in with a password; the token goes to the OS keyring.
pub async fn login(
    app: AppHandle,
    server: String,
    email: String,
    password: Option<String>,
) -> Result<ManagerInfo, String> {
    // The password field may be left empty when the environment supplies it (demo auto-login).
    let password = password
        .filter(|p| !p.is_empty())
        .or_else(|| env("RINGDESK_PASSWORD"))
        .ok_or_else(|| code(ErrorCode::PasswordRequired))?;
    let server = server_config(&server)?;
    start_agent(app, server, email, Credentials::Password(password)).await
}

/// Resumes the last account with the token from the keyring.
pub async fn resume(app: AppHandle) -> Result<ManagerInfo, String> {
    let shell = app.state::<Shell>();
    let (server, email) = shell
        .with_cache(LocalCache::last_account)?
        .ok_or_else(|| code(ErrorCode::NoSavedSession))?;
    let account = credentials::account(&server, &email);
    let token = {
        let account = account.clone();
        blocking(move || credentials::load_token(&account).map_err(|e| e.to_string())).await?
    }
    .ok_or_else(|| code(ErrorCode::NoSavedSession))?;
    let result = start_agent(
        app.clone(),
        server_config(&server)?,
        email,
        Credentials::Token(token),
    )
    .await;
    if result.as_ref().err() == Some(&code(ErrorCode::Unauthorized)) {
        blocking(move || credentials::delete_token(&account).map_err(|e| e.to_string())).await?;
        return Err(code(ErrorCode::SessionExpired));
    }
    result
}

/// Logs out: revokes the token at the cloud, deletes it from the keyring, stops the agent.
pub async fn logout(app: AppHandle) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let Some(session) = shell.end_session() else {
        return Ok(());
    };
    windows::close_call_window(&app);
    if let Err(e) = client::logout(&session.server, &session.token).await {
        // Offline: the token is still forgotten here; the cloud lets it expire.
        tracing::warn!("logout at the cloud: {e}");
    }
    let account = session.account;
    blocking(move || credentials::delete_token(&account).map_err(|e| e.to_string())).await
}

/// Sets my assignment settings: the "phone" type and "ring me for unassigned calls".
pub fn set_assignment(
    app: AppHandle,
    takes_phone_calls: bool,
    ring_unassigned: bool,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::SetAssignment(Assignment {
        takes_phone_calls,
        ring_unassigned,
    }))
}

/// Sets status and do-not-disturb.
pub fn set_status(app: AppHandle, status: AgentStatus, do_not_disturb: bool) {
    let shell = app.state::<Shell>();
    shell.set_status(Some(status), Some(do_not_disturb));
}

/// Answers a ringing call.
pub fn answer(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Answer(call_id))
}

/// Declines a ringing call.
pub fn decline(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Decline(call_id))
}

/// Leaves a call (only me).
pub fn hangup(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Hangup(call_id))
}

/// Ends a call for everyone.
pub fn end_for_all(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::EndForAll(call_id))
}

/// Sends DTMF digits to the far end.
pub fn dtmf(app: AppHandle, call_id: i64, digits: String) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Dtmf(call_id, digits))
}

/// Puts the call's customer on hold (they hear the hold music) or takes them off it.
pub fn set_hold(app: AppHandle, call_id: i64, held: bool) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::SetHold(call_id, held))
}

/// Pauses the call's recording (silence is kept meanwhile, and the pause marked) or resumes
/// it; everyone in the call sees it in `callState`.
pub fn set_recording_paused(app: AppHandle, call_id: i64, paused: bool) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::SetRecordingPaused(call_id, paused))
}

/// Takes a call that rings at a teammate (pick-up); `leave_current` leaves the call we are in
/// first (the window asked us to confirm: one call at a time).
pub fn pick_up(app: AppHandle, call_id: i64, leave_current: bool) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(if leave_current {
        AgentCommand::PickUpLeavingCurrent(call_id)
    } else {
        AgentCommand::PickUp(call_id)
    })
}

/// Rings a teammate to join the call.
pub fn invite(app: AppHandle, call_id: i64, manager_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Invite(call_id, manager_id))
}

/// Transfers the call, cold or warm, to a manager or to a team (exactly one of the two ids).
pub fn transfer(
    app: AppHandle,
    call_id: i64,
    kind: TransferKind,
    manager_id: Option<i64>,
    team_id: Option<i64>,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let to = match (manager_id, team_id) {
        (Some(m), None) => TransferTo::Manager(m),
        (None, Some(t)) => TransferTo::Team(t),
        _ => return Err(code(ErrorCode::InvalidMessage)),
    };
    shell.send(AgentCommand::Transfer { call_id, kind, to })
}

/// Completes our warm transfer: hand over and leave.
pub fn complete_transfer(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::CompleteTransfer(call_id))
}

/// Puts the customer on hold and calls a teammate or a number (exactly one) on a second line.
pub fn parallel_call(
    app: AppHandle,
    call_id: i64,
    manager_id: Option<i64>,
    number: Option<String>,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let to = match (manager_id, number) {
        (Some(id), None) => ParallelTo::Manager(id),
        (None, Some(n)) => ParallelTo::Number(n, None),
        _ => return Err(code(ErrorCode::InvalidMessage)),
    };
    shell.send(AgentCommand::ParallelCall { call_id, to })
}

/// Moves to the other line of our parallel call.
pub fn switch_line(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::SwitchLine(call_id))
}

/// Joins both lines of our parallel call.
pub fn merge(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Merge(call_id))
}

/// Takes our transfer back.
pub fn cancel_transfer(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::CancelTransfer(call_id))
}

/// Puts the call in a team's queue and leaves.
pub fn transfer_to_queue(app: AppHandle, call_id: i64, team_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::TransferToQueue(call_id, team_id))
}

/// The channel's managers and teams for the invite/transfer panel, from the cloud.
pub async fn call_targets(app: AppHandle) -> Result<CallTargets, String> {
    let shell = app.state::<Shell>();
    let (_, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    let (teammates, teams) = tokio::try_join!(
        client::teammates(&server, &token),
        client::teams(&server, &token)
    )
    .map_err(ui_error)?;
    Ok(CallTargets { teammates, teams })
}

/// Places a call (the dialpad's call button); `dialing` or `dialRefused` follows as an event.
pub fn dial(app: AppHandle, number: String, caller_id: Option<String>) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::Dial { number, caller_id })
}

/// What dialing would be — E.164, caller-ID, the international price — or the refusal's
/// code, shown in the dialpad before the call button is pressed.
pub async fn dial_check(
    app: AppHandle,
    number: String,
    caller_id: Option<String>,
) -> Result<DialPlan, String> {
    let shell = app.state::<Shell>();
    let (_, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    let check = DialCheck { number, caller_id };
    client::dial_check(&server, &token, &check)
        .await
        .map_err(ui_error)
}

/// The channel's numbers, for the dialpad's caller-ID picker.
pub async fn channel_numbers(app: AppHandle) -> Result<Vec<ChannelNumber>, String> {
    let shell = app.state::<Shell>();
    let (_, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    client::numbers(&server, &token).await.map_err(ui_error)
}

/// Mutes or unmutes our microphone in a call.
pub fn set_muted(app: AppHandle, call_id: i64, muted: bool) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::SetMuted(call_id, muted))
}

/// The desk now (active call, ringing call, mute, tray icon).
pub fn desk_state(app: AppHandle) -> DeskState {
    let shell = app.state::<Shell>();
    let desk = shell.desk();
    DeskState {
        active_call: desk.active_call(),
        ringing_call: desk.ringing_call(),
        muted: desk.muted(),
        tray: desk.tray(),
    }
}

/// The events a just-created call window replays to catch up (who we are, the ring, the call).
pub fn call_window_feed(app: AppHandle) -> Vec<AgentEvent> {
    let shell = app.state::<Shell>();
    shell.desk().call_window_feed()
}

/// The events a main window opened from the tray replays to show the running session (who we
/// are, presence, calls to pick up) instead of the login form.
pub fn main_window_feed(app: AppHandle) -> Vec<AgentEvent> {
    let shell = app.state::<Shell>();
    shell.desk().main_window_feed()
}

/// The settings, with each hotkey's registration error.
pub fn get_settings(app: AppHandle) -> DesktopSettings {
    let shell = app.state::<Shell>();
    shell.settings()
}

/// Registers the settings' hotkeys, recording failures on them, and installs the map.
pub fn apply_hotkeys(app: &AppHandle, settings: &mut DesktopSettings) {
    let map = hotkeys::register(app, &mut settings.hotkeys);
    app.state::<Shell>().set_hotkeys(map);
}

/// Saves and applies settings: hotkeys re-registered, devices switched (also mid-call),
/// start-muted and voice processing passed on (both for the next call). Returns them with
/// registration errors filled in.
pub fn save_settings(app: AppHandle, settings: DesktopSettings) -> Result<DesktopSettings, String> {
    let shell = app.state::<Shell>();
    let mut settings = settings::normalized(settings, shell.macos);
    apply_hotkeys(&app, &mut settings);
    let before = shell.settings();
    // What has its own command is kept as it is, never overwritten by a form opened before
    // it changed: the call window's volume, and the network test's offer once made.
    settings.volume = before.volume;
    settings.network_test_offered |= before.network_test_offered;
    // A running call moves to the devices (a call on a fallback goes back to the chosen ones;
    // one already on them stays as it is). Not logged in is fine: they are used from the
    // next login.
    let _ = shell.send(AgentCommand::SetAudio(audio_setup(&settings)));
    let _ = shell.send(AgentCommand::SetStartMuted(settings.start_muted));
    let _ = shell.send(AgentCommand::SetVoiceProcessing(settings.voice));
    shell.store_settings(settings.clone())?;
    // Every window re-reads the language; the tray menu follows it too.
    windows::emit(&app, SETTINGS_CHANGED_EVENT, &settings);
    if let Some(menu) = shell.tray_menu() {
        tray::relabel(&menu, shell.language() == "ko");
    }
    Ok(settings)
}

/// Runs the network test against the cloud we are logged in to, listening to the chosen
/// microphone meanwhile.
pub async fn run_network_test(app: AppHandle) -> Result<NetworkTestResult, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let microphone = audio_setup(&shell.settings()).call;
    ringdesk_agent::network_test::run(&server, &token, Some(microphone))
        .await
        .map_err(ui_error)
}

/// Sets the speaker volume and microphone gain in the running call (no device reopened, so the
/// echo canceller keeps what it learnt) and keeps them in the settings for later calls.
pub fn set_volume(app: AppHandle, volume: CallVolume) -> Result<CallVolume, String> {
    let shell = app.state::<Shell>();
    let volume = volume.clamped();
    let _ = shell.send(AgentCommand::SetVolume(volume));
    let mut settings = shell.settings();
    settings.volume = volume;
    shell.store_settings(settings)?;
    Ok(volume)
}

/// The machine's microphones and speakers.
pub async fn audio_devices(_app: AppHandle) -> Result<AudioDeviceList, String> {
    blocking(|| {
        let (inputs, outputs) = list_devices().map_err(|e| e.to_string())?;
        Ok(AudioDeviceList { inputs, outputs })
    })
    .await
}

/// Starts the microphone level meter: `input-level` events with dBFS, ten a second.
pub async fn start_level_meter(app: AppHandle, microphone: Option<String>) -> Result<(), String> {
    let device: Arc<dyn AudioDevice> = Arc::new(CpalDevice {
        input: microphone,
        output: None,
    });
    let emitter = app.clone();
    let meter = blocking(move || {
        check::start_level_meter(device, move |dbfs| {
            windows::emit(&emitter, INPUT_LEVEL_EVENT, &dbfs);
        })
        .map_err(|e| e.to_string())
    })
    .await?;
    app.state::<Shell>().set_meter(Some(meter));
    Ok(())
}

/// Stops the level meter.
pub fn stop_level_meter(app: AppHandle) {
    let shell = app.state::<Shell>();
    shell.set_meter(None);
}

/// Plays the one-second test tone on an output (speaker or ringer).
pub async fn play_test_tone(_app: AppHandle, output: Option<String>) -> Result<(), String> {
    blocking(move || {
        check::play_test_tone(&CpalDevice {
            input: None,
            output,
        })
        .map_err(|e| e.to_string())
    })
    .await
}

/// The clipboard's text, for the dialpad's paste button: WebKitGTK's `navigator.clipboard`
/// cannot read it without a permission prompt.
pub fn read_clipboard(app: AppHandle) -> Result<String, String> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    app.clipboard().read_text().map_err(|e| e.to_string())
}

/// The logged-in manager's recent and missed calls: the cloud's history, with the cache's
/// lines of calls going on now; from the local cache alone while offline. Nobody logged in:
/// none — a shared desk's login screen shows no one's customers.
pub async fn recent_calls(app: AppHandle) -> Result<RecentCallLists, String> {
    let shell = app.state::<Shell>();
    let Some((account, token, server)) = shell.session_info() else {
        return Ok(RecentCallLists::default());
    };
    let cached = shell.with_cache(|cache| {
        Ok(RecentCallLists {
            recent: cache.recent_calls(&account, 5)?,
            missed: cache.missed_calls(&account, 20)?,
        })
    })?;
    let (recent, missed) = tokio::join!(
        records::history(&server, &token, HistoryKind::Recent, None, 5),
        records::history(&server, &token, HistoryKind::Missed, None, 20),
    );
    match (recent, missed) {
        (Ok(recent), Ok(missed)) => {
            let lists = RecentCallLists {
                recent: records::merged(&recent, &cached.recent, 5),
                missed: records::merged(&missed, &[], 20),
            };
            // Kept for the next time the cloud cannot be reached.
            let keep = lists
                .recent
                .iter()
                .chain(&lists.missed)
                .cloned()
                .collect::<Vec<_>>();
            shell
                .with_cache(|cache| keep.iter().try_for_each(|l| cache.record_call(&account, l)))?;
            Ok(lists)
        }
        (Err(e), _) | (_, Err(e)) => {
            tracing::info!("history from the cache: {e}");
            Ok(cached)
        }
    }
}

/// The logged-in manager's call history from the cloud.
pub async fn history(
    app: AppHandle,
    kind: HistoryKind,
    before: Option<i64>,
) -> Result<Vec<HistoryEntry>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    records::history(&server, &token, kind, before, 50)
        .await
        .map_err(ui_error)
}

/// Deletes one call from the manager's history, in the cloud and this app's cache.
pub async fn delete_history(app: AppHandle, call_id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (account, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    records::delete(&server, &token, call_id)
        .await
        .map_err(ui_error)?;
    shell.with_cache(|cache| cache.delete_call(&account, call_id))
}

/// Deletes the manager's whole history, in the cloud and this app's cache.
pub async fn clear_history(app: AppHandle) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (account, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    records::clear(&server, &token).await.map_err(ui_error)?;
    shell.with_cache(|cache| cache.clear_calls(&account))
}

/// A caller's earlier calls, from the cloud (the ring window's history button).
pub async fn caller_history(app: AppHandle, number: String) -> Result<Vec<CallRecord>, String> {
    let shell = app.state::<Shell>();
    let (_, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    let page = client::calls(&server, &token, Some(&number), 1, 20)
        .await
        .map_err(ui_error)?;
    Ok(page.calls)
}

/// The UI language: the chosen one, else the OS locale's.
pub fn language(app: AppHandle) -> Language {
    let shell = app.state::<Shell>();
    // The shell only ever has `ko` or `en` (settings are normalized; locales map to one).
    Language::parse(&shell.language()).unwrap_or(Language::Ko)
}

/// Grows the in-call box for its dialpad or device panel, or shrinks it back.
pub fn set_call_window_expanded(app: AppHandle, expanded: bool) {
    let shell = app.state::<Shell>();
    if shell.desk().active_call().is_some() {
        let shape = if expanded {
            windows::CallShape::InCallExpanded
        } else {
            windows::CallShape::InCall
        };
        windows::show_call_window(&app, shape);
    }
}

/// Opens (or focuses) the workflow editor window.
pub fn open_workflows(app: AppHandle) {
    crate::windows::open_workflows(&app);
}

/// The session's server and token, for the admin API.
fn admin_session(shell: &State<'_, Shell>) -> Result<(String, ServerConfig), String> {
    let (_, token, server) = shell
        .session_info()
        .ok_or_else(|| code(ErrorCode::NotLoggedIn))?;
    Ok((token, server))
}

/// The channel's workflows, in list order.
pub async fn workflows(app: AppHandle) -> Result<Vec<WorkflowSummary>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::workflows(&server, &token).await.map_err(ui_error)
}

/// One workflow: its draft with its problems, and its versions.
pub async fn workflow_detail(app: AppHandle, id: i64) -> Result<WorkflowDetail, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::workflow(&server, &token, id).await.map_err(ui_error)
}

/// Saves a workflow's draft; its problems come back listed.
pub async fn save_workflow_draft(
    app: AppHandle,
    id: i64,
    save: SaveDraft,
) -> Result<WorkflowDetail, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::save_draft(&server, &token, id, &save)
        .await
        .map_err(ui_error)
}

/// Publishes the saved draft as the next version.
pub async fn publish_workflow(app: AppHandle, id: i64) -> Result<Published, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::publish(&server, &token, id).await.map_err(ui_error)
}

/// Walks the saved draft on a pretend call.
pub async fn simulate_workflow(
    app: AppHandle,
    id: i64,
    request: SimulationRequest,
) -> Result<SimulationResult, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::simulate(&server, &token, id, &request)
        .await
        .map_err(ui_error)
}

/// Each step's figures for the current version.
pub async fn workflow_analytics(app: AppHandle, id: i64) -> Result<Vec<StepAnalytics>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::analytics(&server, &token, id)
        .await
        .map_err(ui_error)
}

/// The channel's uploaded prompts.
pub async fn workflow_prompts(app: AppHandle) -> Result<Vec<PromptInfo>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::prompts(&server, &token).await.map_err(ui_error)
}

/// Uploads a prompt recording (a WAV file the admin picked) under a name.
pub async fn upload_prompt(
    app: AppHandle,
    name: String,
    wav: Vec<u8>,
) -> Result<PromptInfo, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::upload_prompt(&server, &token, &name, wav)
        .await
        .map_err(ui_error)
}

/// Starts recording a prompt from the microphone the settings chose.
pub async fn start_prompt_recording(app: AppHandle) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let device: Arc<dyn AudioDevice> = Arc::new(CpalDevice {
        input: shell.settings().microphone,
        output: None,
    });
    let recorder =
        blocking(move || check::start_prompt_recording(device).map_err(|e| e.to_string())).await?;
    shell.swap_recorder(Some(recorder));
    Ok(())
}

/// Stops the recording and uploads it under `name`.
pub async fn finish_prompt_recording(app: AppHandle, name: String) -> Result<PromptInfo, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let recorder = shell
        .swap_recorder(None)
        .ok_or("no recording is under way")?;
    let wav = blocking(move || recorder.finish().map_err(|e| e.to_string())).await?;
    admin::upload_prompt(&server, &token, &name, wav)
        .await
        .map_err(ui_error)
}

/// Stops the recording and throws it away.
pub fn cancel_prompt_recording(app: AppHandle) {
    let shell = app.state::<Shell>();
    shell.swap_recorder(None);
}

/// Links a number to a workflow (`None`: the first of the list).
pub async fn link_number(
    app: AppHandle,
    e164: String,
    workflow_id: Option<i64>,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::link_number(&server, &token, &e164, workflow_id)
        .await
        .map_err(ui_error)
}

/// The channel's operating hours (`None`: never set, always open).
pub async fn operating_hours(app: AppHandle) -> Result<Option<OperatingHours>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::operating_hours(&server, &token)
        .await
        .map_err(ui_error)
}

/// Saves the channel's operating hours.
pub async fn save_operating_hours(app: AppHandle, hours: OperatingHours) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::save_operating_hours(&server, &token, &hours)
        .await
        .map_err(ui_error)
}

/// Saves a team's queue settings.
pub async fn save_queue_settings(
    app: AppHandle,
    team_id: i64,
    settings: QueueSettings,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    admin::save_queue_settings(&server, &token, team_id, &settings)
        .await
        .map_err(ui_error)
}

/// Plays a prompt on the speaker the settings chose: an upload, or a text spoken now.
pub async fn play_prompt(app: AppHandle, prompt: PromptSource) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let wav = admin::prompt_wav(&server, &token, &prompt)
        .await
        .map_err(ui_error)?;
    let output = shell.settings().speaker;
    blocking(move || {
        check::play_wav(
            &CpalDevice {
                input: None,
                output,
            },
            &wav,
        )
        .map_err(|e| e.to_string())
    })
    .await
}

/// Opens (or focuses) the inbox window.
pub fn open_inbox(app: AppHandle) {
    crate::windows::open_inbox(&app);
}

/// Who is logged in, as the cloud knows them.
pub async fn current_manager(app: AppHandle) -> Result<ManagerInfo, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    client::me(&server, &token).await.map_err(ui_error)
}

/// A page of the channel's conversations, filtered.
pub async fn conversations(
    app: AppHandle,
    query: ConversationQuery,
) -> Result<ConversationPage, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::conversations(&server, &token, &query)
        .await
        .map_err(ui_error)
}

/// One conversation whole.
pub async fn conversation_detail(app: AppHandle, id: i64) -> Result<ConversationDetail, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::conversation(&server, &token, id)
        .await
        .map_err(ui_error)
}

/// Opens, snoozes or closes a conversation.
pub async fn set_conversation_state(
    app: AppHandle,
    id: i64,
    change: SetConversationState,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::set_state(&server, &token, id, &change)
        .await
        .map_err(ui_error)
}

/// Assigns a conversation to a manager, or to nobody.
pub async fn set_conversation_assignee(
    app: AppHandle,
    id: i64,
    manager_id: Option<i64>,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::set_assignee(&server, &token, id, manager_id)
        .await
        .map_err(ui_error)
}

/// Replaces a conversation's tags.
pub async fn set_conversation_tags(
    app: AppHandle,
    id: i64,
    tags: Vec<String>,
) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::set_tags(&server, &token, id, tags)
        .await
        .map_err(ui_error)
}

/// Adds an internal note.
pub async fn add_conversation_note(
    app: AppHandle,
    id: i64,
    text: String,
) -> Result<ConversationNote, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::add_note(&server, &token, id, text)
        .await
        .map_err(ui_error)
}

/// Saves the wrap-up form.
pub async fn save_wrap_up(app: AppHandle, id: i64, wrap_up: WrapUp) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::save_wrap_up(&server, &token, id, &wrap_up)
        .await
        .map_err(ui_error)
}

/// Closes many conversations at once.
pub async fn close_conversations(app: AppHandle, ids: Vec<i64>) -> Result<BulkClosed, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::close(&server, &token, ids).await.map_err(ui_error)
}

/// The channel's classifications.
pub async fn classifications(app: AppHandle) -> Result<Vec<Classification>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::classifications(&server, &token)
        .await
        .map_err(ui_error)
}

/// The channel's transcript lines containing `query`.
pub async fn search_transcripts(
    app: AppHandle,
    query: String,
) -> Result<Vec<TranscriptHit>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    inbox::search_transcripts(&server, &token, &query)
        .await
        .map_err(ui_error)
}

/// A call's recording as a `data:` URL: the window's `<audio>` plays it with seeking and
/// speeds of its own (base64 in a string crosses the IPC at 4/3 of the MP3's size, where a
/// byte array would take about four times).
pub async fn recording_audio(app: AppHandle, call_id: i64) -> Result<String, String> {
    let shell = app.state::<Shell>();
    use base64::Engine;
    let (token, server) = admin_session(&shell)?;
    let mp3 = inbox::recording_mp3(&server, &token, call_id)
        .await
        .map_err(ui_error)?;
    Ok(format!(
        "data:audio/mpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(mp3)
    ))
}

/// Saves a call's recording in the Downloads folder (the home folder when there is none) as
/// `ringdesk-call-<id>.mp3`; its path.
pub async fn download_recording(app: AppHandle, call_id: i64) -> Result<String, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let mp3 = inbox::recording_mp3(&server, &token, call_id)
        .await
        .map_err(ui_error)?;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| e.to_string())?;
    let path = dir.join(format!("ringdesk-call-{call_id}.mp3"));
    blocking(move || {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::write(&path, mp3).map_err(|e| format!("writing {}: {e}", path.display()))?;
        Ok(path.display().to_string())
    })
    .await
}

/// Opens (or focuses) the workspace window on a page.
pub fn open_workspace(app: AppHandle, view: WorkspaceView) {
    let shell = app.state::<Shell>();
    shell.set_workspace_view(view.clone());
    crate::windows::open_inbox(&app);
    // A window already open hears it; a new one asks for it when it starts.
    windows::emit(&app, WORKSPACE_VIEW_EVENT, &view);
}

/// Opens the workspace on the contact with this number (the ring's history button).
pub async fn open_contact_by_number(app: AppHandle, number: String) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let found = contacts::by_number(&server, &token, &number)
        .await
        .map_err(ui_error)?
        .ok_or_else(|| code(ErrorCode::NotFound))?;
    open_workspace(app.clone(), WorkspaceView::Contact { id: found.id });
    Ok(())
}

/// The page the workspace was last asked to show, once.
pub fn take_workspace_view(app: AppHandle) -> Option<WorkspaceView> {
    let shell = app.state::<Shell>();
    shell.take_workspace_view()
}

/// Contacts whose name or number contains what was typed.
pub async fn search_contacts(app: AppHandle, query: String) -> Result<Vec<ContactInfo>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    contacts::search(&server, &token, &query)
        .await
        .map_err(ui_error)
}

/// A contact whole.
pub async fn contact(app: AppHandle, id: i64) -> Result<ContactDetail, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    contacts::contact(&server, &token, id)
        .await
        .map_err(ui_error)
}

/// Saves what a contact says.
pub async fn save_contact(
    app: AppHandle,
    id: i64,
    form: ContactForm,
) -> Result<ContactDetail, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    contacts::save(&server, &token, id, &form)
        .await
        .map_err(ui_error)
}

/// Adds a lead contact.
pub async fn add_lead(app: AppHandle, form: ContactForm) -> Result<ContactDetail, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    contacts::add_lead(&server, &token, &form)
        .await
        .map_err(ui_error)
}

/// Books a callback.
pub async fn book_callback(app: AppHandle, callback: NewCallback) -> Result<Callback, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    contacts::book_callback(&server, &token, &callback)
        .await
        .map_err(ui_error)
}

/// The logged-in manager's callbacks.
pub async fn my_callbacks(app: AppHandle, include_done: bool) -> Result<Vec<Callback>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    contacts::my_callbacks(&server, &token, include_done)
        .await
        .map_err(ui_error)
}

/// Marks a callback done or still to do; a done one leaves the reminded cards.
pub async fn set_callback_done(app: AppHandle, id: i64, done: bool) -> Result<Callback, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let marked = contacts::set_callback_done(&server, &token, id, done)
        .await
        .map_err(ui_error)?;
    if done {
        shell.dismiss_callback(id);
    }
    Ok(marked)
}

/// Callbacks reminded of and not dialled or dismissed yet.
pub fn due_callbacks(app: AppHandle) -> Vec<Callback> {
    let shell = app.state::<Shell>();
    shell.due_callbacks()
}

/// Dials a reminded callback from its caller-ID (one click on the card).
pub fn dial_callback(app: AppHandle, id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let callback = shell
        .due_callbacks()
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| code(ErrorCode::NotFound))?;
    shell.send(AgentCommand::Dial {
        number: callback.customer_number,
        caller_id: Some(callback.caller_id),
    })?;
    shell.dismiss_callback(id);
    Ok(())
}

/// Takes a callback off the reminded cards without dialling it.
pub fn dismiss_callback(app: AppHandle, id: i64) {
    let shell = app.state::<Shell>();
    shell.dismiss_callback(id);
}

/// A period's statistics.
pub async fn statistics(app: AppHandle, query: StatisticsQuery) -> Result<Statistics, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    statistics::statistics(&server, &token, &query)
        .await
        .map_err(ui_error)
}

/// Saves a period's calls as `ringdesk-calls-<from>-<to>.csv` in the Downloads folder (the
/// home folder when there is none), streamed; its path.
pub async fn export_calls(app: AppHandle, query: CallsExportQuery) -> Result<String, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // The days are checked by the cloud; here they only name the file, so keep them tame.
    let tame = |d: &str| -> String {
        d.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    let path = dir.join(format!(
        "ringdesk-calls-{}-{}.csv",
        tame(&query.from),
        tame(&query.to)
    ));
    statistics::export_calls(&server, &token, &query, &path)
        .await
        .map_err(ui_error)?;
    Ok(path.display().to_string())
}

/// The channel's metrics API access keys.
pub async fn access_keys(app: AppHandle) -> Result<Vec<AccessKey>, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    statistics::access_keys(&server, &token)
        .await
        .map_err(ui_error)
}

/// Creates an access key; its secret is shown this once.
pub async fn create_access_key(app: AppHandle, label: String) -> Result<CreatedAccessKey, String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    statistics::create_access_key(&server, &token, &label)
        .await
        .map_err(ui_error)
}

/// Revokes an access key.
pub async fn revoke_access_key(app: AppHandle, id: i64) -> Result<(), String> {
    let shell = app.state::<Shell>();
    let (token, server) = admin_session(&shell)?;
    statistics::revoke_access_key(&server, &token, id)
        .await
        .map_err(ui_error)
}

/// Starts or stops the live wallboard's pushes to this app.
pub fn watch_wallboard(app: AppHandle, watch: bool) -> Result<(), String> {
    let shell = app.state::<Shell>();
    shell.send(AgentCommand::WatchWallboard(watch))
}
