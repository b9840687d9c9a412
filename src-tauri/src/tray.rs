//! The tray icon: its colour is the status (available / away / in call / DND / offline), and its
//! menu sets the status, opens the main window, or quits. Closing the main window sends the app
//! here (the window is destroyed with its WebKit process), so the tray is how the app stays
//! reachable — and it keeps ringing.

use ringdesk_agent::desk::TrayState;
use ringdesk_wire::AgentStatus;
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager};

use crate::shell::Shell;
use crate::windows;

const TRAY_ID: &str = "ringdesk";

/// The tray's menu items that change with the status or the language.
#[derive(Clone)]
pub struct TrayMenu {
    available: CheckMenuItem<tauri::Wry>,
    away: CheckMenuItem<tauri::Wry>,
    dnd: CheckMenuItem<tauri::Wry>,
    open: MenuItem<tauri::Wry>,
    quit: MenuItem<tauri::Wry>,
}

/// Puts the menu in the UI language (after it is switched in the settings).
pub fn relabel(menu: &TrayMenu, korean: bool) {
    let [available, away, dnd, open, quit] = labels(korean);
    let _ = menu.available.set_text(available);
    let _ = menu.away.set_text(away);
    let _ = menu.dnd.set_text(dnd);
    let _ = menu.open.set_text(open);
    let _ = menu.quit.set_text(quit);
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

/// The menu's labels in the UI language, in menu order: available, away, do not disturb,
/// open, quit.
fn labels(korean: bool) -> [&'static str; 5] {
    if korean {
        [
            "상담 가능",
            "자리 비움",
            "방해 금지",
            "링데스크 열기",
            "종료",
        ]
    } else {
        [
            "Available",
            "Away",
            "Do not disturb",
            "Open Ringdesk",
            "Quit",
        ]
    }
}

/// Builds the tray icon and its menu.
pub fn create(app: &AppHandle, korean: bool) -> tauri::Result<(TrayIcon, TrayMenu)> {
    let [available, away, dnd, open, quit] = labels(korean);
    let check =
        |id: &str, label: &str| CheckMenuItem::with_id(app, id, label, true, false, None::<&str>);
    let available = check("available", available)?;
    let away = check("away", away)?;
    let dnd = check("dnd", dnd)?;
    let open = MenuItem::with_id(app, "open", open, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", quit, true, None::<&str>)?;
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
            open,
            quit,
        },
    ))
}

fn on_menu(app: &AppHandle, id: &str) {
    let shell = app.state::<Shell>();
    match id {
        "available" | "away" | "dnd" => {
            match id {
                "available" => shell.set_status(Some(AgentStatus::Available), None),
                "away" => shell.set_status(Some(AgentStatus::Away), None),
                _ => shell.set_status(None, Some(!shell.do_not_disturb())),
            }
            // The menu toggled the clicked check itself (clicking the checked status would
            // uncheck it); the checks follow the cloud's presence, so put them back until
            // that arrives.
            shell.redraw_tray(app);
        }
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
        // The tooltip names the state by its code, as `desk_state` reports it.
        let _ = tray.set_tooltip(Some(format!("Ringdesk — {}", state.as_str())));
    }
    let _ = menu
        .available
        .set_checked(status == Some(AgentStatus::Available));
    let _ = menu.away.set_checked(status == Some(AgentStatus::Away));
    let _ = menu.dnd.set_checked(dnd);
}
