//! ringdesk (desktop): the only crate that depends on tauri. It is a view on
//! `ringdesk-agent`: commands from the UI become [`AgentCommand`]s, and every
//! [`ringdesk_wire::AgentEvent`] is emitted to the UI as the `agent-event` event.
//!
//! Start-up settings come from the environment so `cargo xtask run` can open the app already
//! logged in as a demo manager: `RINGDESK_SERVER`, `RINGDESK_CA_CERT`, `RINGDESK_EMAIL`,
//! `RINGDESK_PASSWORD`. Without them the login screen asks.

use std::sync::{Arc, Mutex};

use ringdesk_agent::audio::AudioDevice;
use ringdesk_agent::audio::cpal_device::CpalDevice;
use ringdesk_agent::audio::wav::WavDevice;
use ringdesk_agent::client::ServerConfig;
use ringdesk_agent::{Agent, AgentCommand, AgentConfig};
use ringdesk_wire::{AgentStatus, DesktopStartup, ManagerInfo};
use tauri::{AppHandle, Emitter, State};

/// The running agent, once logged in.
#[derive(Default)]
struct Shell {
    agent: Mutex<Option<Agent>>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Where call audio goes: real devices, or WAV files when `RINGDESK_AUDIO=wav` (headless test
/// machines have no sound card).
fn audio_device() -> Arc<dyn AudioDevice> {
    if env("RINGDESK_AUDIO").as_deref() == Some("wav") {
        Arc::new(WavDevice {
            play: env("RINGDESK_WAV_PLAY").map(Into::into),
            record: env("RINGDESK_WAV_RECORD").map(Into::into),
            loop_play: true,
        })
    } else {
        Arc::new(CpalDevice::default())
    }
}

#[tauri::command]
fn startup() -> DesktopStartup {
    DesktopStartup {
        server: env("RINGDESK_SERVER").unwrap_or_else(|| "https://127.0.0.1:8443".into()),
        email: env("RINGDESK_EMAIL"),
        auto_login: env("RINGDESK_EMAIL").is_some() && env("RINGDESK_PASSWORD").is_some(),
        saved_session: false,
    }
}

#[tauri::command]
async fn login(
    app: AppHandle,
    shell: State<'_, Shell>,
    server: String,
    email: String,
    password: Option<String>,
) -> Result<ManagerInfo, String> {
    // The password field may be left empty when the environment supplies it (demo auto-login).
    let password = password
        .filter(|p| !p.is_empty())
        .or_else(|| env("RINGDESK_PASSWORD"))
        .ok_or("password required")?;
    let ca = env("RINGDESK_CA_CERT");
    let config = AgentConfig {
        server: ServerConfig::with_ca_file(&server, ca.as_deref().map(std::path::Path::new))
            .map_err(|e| e.to_string())?,
        email,
        credentials: ringdesk_agent::Credentials::Password(password),
        initial_status: None,
        audio: ringdesk_agent::AudioSetup {
            call: audio_device(),
            ringer: None,
        },
        start_muted: false,
        cache_path: None,
    };
    let ringdesk_agent::Started {
        agent,
        mut events,
        manager,
        ..
    } = ringdesk_agent::start(config)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(old) = shell
        .agent
        .lock()
        .map_err(|e| e.to_string())?
        .replace(agent)
    {
        old.send(AgentCommand::Shutdown);
    }
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            if let Err(e) = app.emit("agent-event", &event) {
                tracing::warn!("emitting to the UI failed: {e}");
            }
        }
    });
    Ok(manager)
}

fn send(shell: &State<'_, Shell>, c: AgentCommand) -> Result<(), String> {
    match shell.agent.lock().map_err(|e| e.to_string())?.as_ref() {
        Some(a) => {
            a.send(c);
            Ok(())
        }
        None => Err("not logged in".into()),
    }
}

#[tauri::command]
fn set_status(
    shell: State<'_, Shell>,
    status: AgentStatus,
    do_not_disturb: bool,
) -> Result<(), String> {
    send(
        &shell,
        AgentCommand::SetStatus {
            status,
            do_not_disturb,
        },
    )
}

#[tauri::command]
fn answer(shell: State<'_, Shell>, call_id: i64) -> Result<(), String> {
    send(&shell, AgentCommand::Answer(call_id))
}

#[tauri::command]
fn decline(shell: State<'_, Shell>, call_id: i64) -> Result<(), String> {
    send(&shell, AgentCommand::Decline(call_id))
}

#[tauri::command]
fn hangup(shell: State<'_, Shell>, call_id: i64) -> Result<(), String> {
    send(&shell, AgentCommand::Hangup(call_id))
}

#[tauri::command]
fn dtmf(shell: State<'_, Shell>, call_id: i64, digits: String) -> Result<(), String> {
    send(&shell, AgentCommand::Dtmf(call_id, digits))
}

/// Starts the app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    ringdesk_agent::install_crypto();
    let result = tauri::Builder::default()
        .manage(Shell::default())
        .invoke_handler(tauri::generate_handler![
            startup, login, set_status, answer, decline, hangup, dtmf
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("ringdesk: could not start the desktop app: {e}");
        std::process::exit(1);
    }
}
