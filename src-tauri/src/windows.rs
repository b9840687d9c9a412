//! The app's three windows. `main` (login, status, recent calls, settings); `call`, the ring
//! popup that shrinks into the in-call box — small, undecorated, always on top, at the
//! bottom-left of the primary screen's work area, shown even when `main` is hidden; and
//! `dialpad`, opened by Ctrl+Shift+D.
//!
//! The call window is created when something rings and destroyed when nothing rings and no
//! call is up: a hidden window would keep a WebKit web process (~65 MiB) alive all day for a
//! popup that is up minutes an hour. Creating it costs ~0.1 s before it paints (BENCHMARKS.md);
//! the ringtone and the notification do not wait for it. It catches up on the ring it missed
//! while loading from [`ringdesk_agent::desk::Desk::call_window_feed`].

use std::sync::atomic::{AtomicU64, Ordering};

use tauri::{
    AppHandle, LogicalSize, Manager, PhysicalPosition, WebviewUrl, WebviewWindow,
    WebviewWindowBuilder,
};

/// Label of the main window (declared in tauri.conf.json).
pub const MAIN: &str = "main";
/// Names the ring / in-call window in [`focus`]; its real label is `call-<generation>`.
pub const CALL: &str = "call";

/// The call window's generation. Each new call window gets a fresh label, so a ring that
/// arrives while the last window is still being torn down never finds that dying window.
static CALL_GENERATION: AtomicU64 = AtomicU64::new(1);

fn call_label() -> String {
    format!("{CALL}-{}", CALL_GENERATION.load(Ordering::SeqCst))
}

/// Label of the dialpad window.
pub const DIALPAD: &str = "dialpad";

/// Title of the call window; tests find the X window by it.
pub const CALL_TITLE: &str = "Ringdesk call";
/// Title of the dialpad window.
pub const DIALPAD_TITLE: &str = "Ringdesk dialpad";

/// Gap between the call window and the screen edges, in logical pixels.
const EDGE_MARGIN: f64 = 16.0;

/// The call window's shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallShape {
    /// Ringing: caller, profile fields, answer/decline.
    Ring,
    /// In a call: the small box.
    InCall,
    /// The box with its dialpad or device panel open.
    InCallExpanded,
}

impl CallShape {
    fn size(self) -> LogicalSize<f64> {
        match self {
            CallShape::Ring => LogicalSize::new(340.0, 300.0),
            CallShape::InCall => LogicalSize::new(340.0, 240.0),
            CallShape::InCallExpanded => LogicalSize::new(340.0, 420.0),
        }
    }
}

/// Top-left corner that puts a `window`-sized box at the bottom-left of `area`, `margin` in.
/// All in physical pixels; `area` is (x, y, width, height).
pub fn bottom_left(area: (i32, i32, u32, u32), window: (u32, u32), margin: u32) -> (i32, i32) {
    let (x, y, _, height) = area;
    let bottom = i64::from(y) + i64::from(height) - i64::from(window.1) - i64::from(margin);
    (
        x + margin as i32,
        bottom.max(i64::from(y)).try_into().unwrap_or(y),
    )
}

/// Renders `w` without GPU compositing. On WebKitGTK compositing costs ~65 MiB in the main
/// window's web process (GL surfaces and buffers; BENCHMARKS.md) and buys nothing for a few
/// static panels.
pub fn render_in_software(w: &WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let tuned = w.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = tuned {
            tracing::warn!("turning GPU compositing off: {e}");
        }
    }
}

/// Creates the call window, hidden until placed.
fn create_call_window(app: &AppHandle) -> tauri::Result<WebviewWindow> {
    let size = CallShape::Ring.size();
    WebviewWindowBuilder::new(app, call_label(), WebviewUrl::App("index.html#call".into()))
        .title(CALL_TITLE)
        .inner_size(size.width, size.height)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .visible_on_all_workspaces(true)
        .skip_taskbar(true)
        .focused(false)
        .visible(false)
        .build()
}

fn window(app: &AppHandle, label: &str) -> Option<WebviewWindow> {
    if label == CALL {
        return app.get_webview_window(&call_label());
    }
    app.get_webview_window(label)
}

/// Resizes the call window to `shape` and moves it to the bottom-left of the primary screen.
fn place_call_window(w: &WebviewWindow, shape: CallShape) -> tauri::Result<()> {
    let size = shape.size();
    w.set_size(size)?;
    let Some(monitor) = w.primary_monitor()?.or(w.current_monitor()?) else {
        return Ok(());
    };
    let scale = monitor.scale_factor();
    let area = monitor.work_area();
    let physical = size.to_physical::<u32>(scale);
    let (x, y) = bottom_left(
        (
            area.position.x,
            area.position.y,
            area.size.width,
            area.size.height,
        ),
        (physical.width, physical.height),
        (EDGE_MARGIN * scale).round() as u32,
    );
    w.set_position(PhysicalPosition::new(x, y))
}

/// Shows the call window in `shape` (creating it if needed), on top, without stealing focus
/// from the agent's work.
pub fn show_call_window(app: &AppHandle, shape: CallShape) {
    let (w, created) = match window(app, CALL) {
        Some(w) => (w, false),
        None => match create_call_window(app) {
            Ok(w) => {
                tracing::info!("call window {} created ({shape:?})", w.label());
                (w, true)
            }
            Err(e) => {
                tracing::warn!("creating the call window: {e}");
                return;
            }
        },
    };
    let shown = place_call_window(&w, shape)
        .and_then(|()| w.set_always_on_top(true))
        .and_then(|()| w.show())
        .and_then(|()| w.unminimize());
    if let Err(e) = shown {
        tracing::warn!("showing the call window: {e}");
    }
    // Only once shown: tuning a web view that is still hidden loses it from WebKit's
    // automation (the desktop test's WebDriver).
    if created {
        render_in_software(&w);
    }
}

/// Closes the call window (nothing rings and no call is up), freeing its web process.
pub fn close_call_window(app: &AppHandle) {
    let Some(w) = window(app, CALL) else { return };
    CALL_GENERATION.fetch_add(1, Ordering::SeqCst);
    tracing::info!("call window {} closed", w.label());
    let closed = w.hide().and_then(|()| w.destroy());
    if let Err(e) = closed {
        tracing::warn!("closing the call window: {e}");
    }
}

/// Shows and focuses a window (tray "open", notification clicks, a second launch). The main
/// window is built again (from tauri.conf.json) when it was closed to the tray.
pub fn focus(app: &AppHandle, label: &str) {
    if label == MAIN && window(app, MAIN).is_none() {
        open_main(app);
        return;
    }
    if let Some(w) = window(app, label) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Builds the main window as at launch; its page replays the running session
/// ([`ringdesk_agent::desk::Desk::main_window_feed`]) instead of logging in again.
fn open_main(app: &AppHandle) {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        tracing::warn!("tauri.conf.json declares no main window");
        return;
    };
    match WebviewWindowBuilder::from_config(app, config).and_then(|b| b.build()) {
        Ok(w) => {
            tracing::info!("main window opened from the tray");
            render_in_software(&w);
            let _ = w.set_focus();
        }
        Err(e) => tracing::warn!("opening the main window: {e}"),
    }
}

/// Whether the main window is visible and focused (else a ring also raises a notification).
pub fn main_is_focused(app: &AppHandle) -> bool {
    window(app, MAIN).is_some_and(|w| {
        w.is_visible().unwrap_or(false)
            && !w.is_minimized().unwrap_or(false)
            && w.is_focused().unwrap_or(false)
    })
}

/// Label of the workflow editor window.
pub const WORKFLOWS: &str = "workflows";

/// Opens (or focuses) the workflow editor window: big enough for the steps and the simulator
/// side by side.
pub fn open_workflows(app: &AppHandle) {
    if window(app, WORKFLOWS).is_some() {
        focus(app, WORKFLOWS);
        return;
    }
    let built = WebviewWindowBuilder::new(
        app,
        WORKFLOWS,
        WebviewUrl::App("index.html#workflows".into()),
    )
    .title("Ringdesk IVR")
    .inner_size(1100.0, 720.0)
    .build();
    match built {
        Ok(w) => render_in_software(&w),
        Err(e) => tracing::warn!("opening the workflow editor: {e}"),
    }
}

/// Label of the inbox window.
pub const INBOX: &str = "inbox";

/// Opens (or focuses) the inbox window: the list beside the conversation, wide enough for
/// both and the player.
pub fn open_inbox(app: &AppHandle) {
    if window(app, INBOX).is_some() {
        focus(app, INBOX);
        return;
    }
    let built = WebviewWindowBuilder::new(app, INBOX, WebviewUrl::App("index.html#inbox".into()))
        .title("Ringdesk 상담함 · Inbox")
        .inner_size(1000.0, 680.0)
        .min_inner_size(760.0, 480.0)
        .build();
    match built {
        Ok(w) => render_in_software(&w),
        Err(e) => tracing::warn!("opening the inbox: {e}"),
    }
}

/// Opens (or focuses) the dialpad window.
pub fn open_dialpad(app: &AppHandle) {
    if window(app, DIALPAD).is_some() {
        focus(app, DIALPAD);
        return;
    }
    let built =
        WebviewWindowBuilder::new(app, DIALPAD, WebviewUrl::App("index.html#dialpad".into()))
            .title(DIALPAD_TITLE)
            // The keypad, the contact suggestions, the caller-ID picker, the price line and
            // the call button, without scrolling.
            .inner_size(300.0, 560.0)
            .resizable(false)
            .always_on_top(true)
            .build();
    match built {
        Ok(w) => render_in_software(&w),
        Err(e) => tracing::warn!("opening the dialpad: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::bottom_left;

    #[test]
    fn sits_at_the_bottom_left_of_the_work_area() {
        // 1280×800 screen with a 32 px panel at the top.
        assert_eq!(bottom_left((0, 32, 1280, 768), (340, 260), 16), (16, 524));
        // A second monitor to the right, HiDPI.
        assert_eq!(
            bottom_left((1280, 0, 2560, 1440), (680, 520), 32),
            (1312, 888)
        );
        // A window taller than the area stays at its top.
        assert_eq!(bottom_left((0, 0, 300, 200), (340, 260), 16), (16, 0));
    }
}
