//! ringdesk (desktop): the only crate that depends on tauri. It is a view on `ringdesk-agent`:
//! UI commands become [`ringdesk_agent::AgentCommand`]s, every [`ringdesk_wire::AgentEvent`] is
//! emitted to the windows as `agent-event`, and the shell adds what only a desktop has — the
//! ring window, global hotkeys, the tray, OS notifications, the keyring-held session and
//! single-instance focus.
//!
//! Start-up settings may come from the environment so `cargo xtask run` opens the app already
//! logged in as a demo manager: `RINGDESK_SERVER`, `RINGDESK_CA_CERT`, `RINGDESK_EMAIL`,
//! `RINGDESK_PASSWORD`; `RINGDESK_AUDIO=wav` with `RINGDESK_WAV_PLAY`/`_RECORD`/`_RINGER` uses
//! WAV files instead of sound devices.

mod commands;
mod hotkeys;
mod notify;
mod rest;
mod shell;
mod tray;
mod windows;

use tauri::{Manager, RunEvent, WindowEvent};

use crate::shell::Shell;

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let handle = app.handle().clone();
    let data_dir = handle.path().app_data_dir()?;
    app.manage(Shell::new(data_dir.join("cache.sqlite3")));
    if let Some(main) = handle.get_webview_window(windows::MAIN) {
        windows::render_in_software(&main);
    }
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
    Ok(())
}

/// Starts the app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
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
        .on_window_event(|window, event| {
            // Closing the main window sends the app to the tray: the window and its WebKit
            // process go (an agent's app spends most of the day there), the app keeps
            // ringing, and the tray's "open" builds the window again. Once no window is
            // left, WebKit's network process goes too (rest.rs).
            if let WindowEvent::Destroyed = event {
                if window.label() == windows::MAIN {
                    tracing::info!("main window closed: in the tray");
                }
                let gone = window.label().to_string();
                let app = window.app_handle().clone();
                let windowless = move || app.webview_windows().keys().all(|l| *l == gone);
                if windowless() {
                    rest::end_network_process(windowless);
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::startup,
            commands::login,
            commands::resume,
            commands::logout,
            commands::set_status,
            commands::set_assignment,
            commands::answer,
            commands::decline,
            commands::hangup,
            commands::end_for_all,
            commands::dtmf,
            commands::set_muted,
            commands::set_hold,
            commands::set_recording_paused,
            commands::pick_up,
            commands::invite,
            commands::transfer,
            commands::complete_transfer,
            commands::cancel_transfer,
            commands::parallel_call,
            commands::switch_line,
            commands::merge,
            commands::transfer_to_queue,
            commands::call_targets,
            commands::dial,
            commands::dial_check,
            commands::channel_numbers,
            commands::desk_state,
            commands::get_settings,
            commands::save_settings,
            commands::run_network_test,
            commands::set_volume,
            commands::audio_devices,
            commands::start_level_meter,
            commands::stop_level_meter,
            commands::play_test_tone,
            commands::recent_calls,
            commands::caller_history,
            commands::language,
            commands::set_call_window_expanded,
            commands::call_window_feed,
            commands::main_window_feed,
            commands::read_clipboard,
            commands::open_workflows,
            commands::workflows,
            commands::workflow_detail,
            commands::save_workflow_draft,
            commands::publish_workflow,
            commands::simulate_workflow,
            commands::workflow_analytics,
            commands::workflow_prompts,
            commands::play_prompt,
            commands::upload_prompt,
            commands::start_prompt_recording,
            commands::finish_prompt_recording,
            commands::cancel_prompt_recording,
            commands::link_number,
            commands::operating_hours,
            commands::save_operating_hours,
            commands::save_queue_settings,
            commands::open_inbox,
            commands::current_manager,
            commands::conversations,
            commands::conversation_detail,
            commands::set_conversation_state,
            commands::set_conversation_assignee,
            commands::set_conversation_tags,
            commands::add_conversation_note,
            commands::save_wrap_up,
            commands::close_conversations,
            commands::classifications,
            commands::search_transcripts,
            commands::recording_audio,
            commands::download_recording,
            commands::history,
            commands::delete_history,
            commands::clear_history,
            commands::open_workspace,
            commands::open_contact_by_number,
            commands::take_workspace_view,
            commands::search_contacts,
            commands::contact,
            commands::save_contact,
            commands::add_lead,
            commands::book_callback,
            commands::my_callbacks,
            commands::set_callback_done,
            commands::due_callbacks,
            commands::dial_callback,
            commands::dismiss_callback,
        ])
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
