//! The tray icon: its colour is the status (available / away / in call / DND / offline), and its
//! menu sets the status, opens the main window, or quits. Closing the main window only hides
//! it, so the tray is how the app stays reachable — and keeps ringing.

use ringdesk_agent::desk::TrayState;
use ringdesk_wire::AgentStatus;
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager};

use crate::shell::Shell;
use crate::windows;

const TRAY_ID: &str = "ringdesk";

/// The tray's menu items that change with the status.
#[derive(Clone)]
pub struct TrayMenu {
    available: CheckMenuItem<tauri::Wry>,
    away: CheckMenuItem<tauri::Wry>,
    dnd: CheckMenuItem<tauri::Wry>,
}

fn icon(state: TrayState) -> Image<'static> {
    let bytes: &'static [u8] = match state {
        TrayState::Available => include_bytes!("../../icons/tray/available.png"),
        TrayState::Away => include_bytes!("../../icons/tray/away.png"),
        TrayState::InCall => include_bytes!("../../icons/tray/in-call.png"),
        TrayState::DoNotDisturb => include_bytes!("../../icons/tray/dnd.png"),
        TrayState::Offline => include_bytes!("../../icons/tray/offline.png"),
    };
    // The PNGs are ours and checked into the repository; decoding them cannot fail at run time
    // unless the binary itself is corrupt.
    Image::from_bytes(bytes).expect("bundled tray icon decodes")
}

/// The tooltip (and test-visible name) of a state.
pub fn state_name(state: TrayState) -> &'static str {
    match state {
        TrayState::Available => "available",
        TrayState::Away => "away",
        TrayState::InCall => "inCall",
        TrayState::DoNotDisturb => "doNotDisturb",
        TrayState::Offline => "offline",
    }
}

/// Builds the tray icon and its menu.
pub fn create(app: &AppHandle, korean: bool) -> tauri::Result<(TrayIcon, TrayMenu)> {
    let l = |k: &str, e: &str| if korean { k.to_string() } else { e.to_string() };
    let available = CheckMenuItem::with_id(
        app,
        "available",
        l("상담 가능", "Available"),
        true,
        false,
        None::<&str>,
    )?;
    let away = CheckMenuItem::with_id(
        app,
        "away",
        l("자리 비움", "Away"),
        true,
        false,
        None::<&str>,
    )?;
    let dnd = CheckMenuItem::with_id(
        app,
        "dnd",
        l("방해 금지", "Do not disturb"),
        true,
        false,
        None::<&str>,
    )?;
    let open = MenuItem::with_id(
        app,
        "open",
        l("링데스크 열기", "Open Ringdesk"),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", l("종료", "Quit"), true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&available, &away, &dnd, &separator, &open, &quit])?;
    let tray = TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(TrayState::Offline))
        .tooltip("Ringdesk")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
        .build(app)?;
    Ok((
        tray,
        TrayMenu {
            available,
            away,
            dnd,
        },
    ))
}

fn on_menu(app: &AppHandle, id: &str) {
    let shell = app.state::<Shell>();
    match id {
        "available" => shell.set_status(Some(AgentStatus::Available), None),
        "away" => shell.set_status(Some(AgentStatus::Away), None),
        "dnd" => shell.set_status(None, Some(!shell.do_not_disturb())),
        "open" => windows::focus(app, windows::MAIN),
        "quit" => {
            // Stop the agent (its socket closes cleanly) before the process goes.
            shell.end_session();
            app.exit(0);
        }
        _ => {}
    }
}

/// Shows `state` in the icon, tooltip and menu checks.
pub fn update(
    app: &AppHandle,
    menu: &TrayMenu,
    state: TrayState,
    status: Option<AgentStatus>,
    dnd: bool,
) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_icon(Some(icon(state)));
        let _ = tray.set_tooltip(Some(format!("Ringdesk — {}", state_name(state))));
    }
    let _ = menu
        .available
        .set_checked(status == Some(AgentStatus::Available));
    let _ = menu.away.set_checked(status == Some(AgentStatus::Away));
    let _ = menu.dnd.set_checked(dnd);
}
