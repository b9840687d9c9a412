//! ringdesk (desktop): the only crate that depends on tauri. It is a view on `ringdesk-agent`:
//! UI commands become [`ringdesk_agent::AgentCommand`]s, every [`ringdesk_wire::AgentEvent`] is
//! emitted to the windows as `agent-event`, and the shell adds what only a desktop has — the
//! ring window, global hotkeys, the tray, OS notifications, the keyring-held session and
//! single-instance focus.
//!
//! Two processes: the app itself (the session, tray, hotkeys, ringer, notifications; it never
//! creates a web view) and the window host it starts for its windows and ends when the last
//! one closes ([`ipc`] says why and how they talk).
//!
//! Start-up settings may come from the environment so `cargo xtask run` opens the app already
//! logged in as a demo manager: `RINGDESK_SERVER`, `RINGDESK_CA_CERT`, `RINGDESK_EMAIL`,
//! `RINGDESK_PASSWORD`; `RINGDESK_AUDIO=wav` with `RINGDESK_WAV_PLAY`/`_RECORD`/`_RINGER` uses
//! WAV files instead of sound devices.

mod commands;
mod dispatch;
mod host;
mod hotkeys;
mod ipc;
mod notify;
mod shell;
mod tray;
mod windows;

use tauri::{Manager, RunEvent};

use crate::shell::Shell;

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let handle = app.handle().clone();
    let data_dir = handle.path().app_data_dir()?;
    app.manage(Shell::new(data_dir.join("cache.sqlite3")));
    app.manage(windows::WindowHost::default());
    let shell = handle.state::<Shell>();
    let korean = shell.language() == "ko";
    match tray::create(&handle, korean) {
        Ok((_tray, menu)) => shell.set_tray(menu),
        // No tray host (a bare X server): the app works without one.
        Err(e) => tracing::warn!("tray: {e}"),
    }
    let mut settings = shell.settings();
    commands::apply_hotkeys(&handle, &mut settings);
    if let Err(e) = shell.store_settings(settings) {
        tracing::warn!("{e}");
    }
    windows::focus(&handle, windows::MAIN);
    Ok(())
}

/// Starts the app — or, started with [`windows::HOST_FLAG`], the window host that the app
/// runs its windows in.
pub fn run() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == windows::HOST_FLAG)
    {
        host::run();
        return;
    }
    windows::restart_without_gl();
    ringdesk_agent::install_crypto();
    let result = tauri::Builder::default()
        // First: a second launch only focuses the running app (and then exits).
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            windows::focus(app, windows::MAIN);
        }))
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(hotkeys::on_shortcut)
                .build(),
        )
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(setup)
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|_app, event| {
            // The last window closing is not quitting: the app lives on in the tray. Only the
            // tray's "quit" (an explicit exit code) ends it.
            if let RunEvent::ExitRequested {
                code: None, api, ..
            } = event
            {
                api.prevent_exit();
            }
        }),
        Err(e) => {
            eprintln!("ringdesk: could not start the desktop app: {e}");
            std::process::exit(1);
        }
    }
}
