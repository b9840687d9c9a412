//! The window host: the child process the windows live in ([`crate::ipc`] says why). It
//! opens, shows and closes windows as the tray process asks, forwards every command of its
//! pages to it and gives back the answers, passes its events on to the pages, and reports when
//! its last window has closed — then the tray process lets go of it (closes its stdin) and it
//! ends.
//!
//! The windows: `main` (login, status, recent calls, settings); `call`, the ring popup that
//! shrinks into the in-call box — small, undecorated, always on top, at the bottom-left of the
//! primary screen's work area, shown even when `main` is closed; `dialpad`, opened by
//! Ctrl+Shift+D; the inbox and the workflow editor.
//!
//! The call window is created when something rings and destroyed when nothing rings and no
//! call is up: a hidden window would keep a WebKit web process (~65 MiB) alive all day for a
//! popup that is up minutes an hour. It catches up on the ring it missed while loading from
//! [`ringdesk_agent::desk::Desk::call_window_feed`].

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::ipc::{Invoke, InvokeBody, InvokeResolver};
use tauri::{
    AppHandle, Emitter, LogicalSize, Manager, PhysicalPosition, RunEvent, WebviewUrl,
    WebviewWindow, WebviewWindowBuilder, WindowEvent, Wry,
};

use crate::ipc::{self, CallShape, FromHost, ToHost, WindowOp};
use crate::windows::{CALL, DIALPAD, INBOX, MAIN, WORKFLOWS};

/// The call window's generation. Each new call window gets a fresh label, so a ring that
/// arrives while the last window is still being torn down never finds that dying window.
static CALL_GENERATION: AtomicU64 = AtomicU64::new(1);

fn call_label() -> String {
    format!("{CALL}-{}", CALL_GENERATION.load(Ordering::SeqCst))
}

/// Title of the call window; tests find the X window by it.
const CALL_TITLE: &str = "Ringdesk call";
/// Title of the dialpad window.
const DIALPAD_TITLE: &str = "Ringdesk dialpad";

/// Gap between the call window and the screen edges, in logical pixels.
const EDGE_MARGIN: f64 = 16.0;

fn call_size(shape: CallShape) -> LogicalSize<f64> {
    match shape {
        CallShape::Ring => LogicalSize::new(340.0, 300.0),
        CallShape::InCall => LogicalSize::new(340.0, 240.0),
        CallShape::InCallExpanded => LogicalSize::new(340.0, 420.0),
    }
}

/// The host's link to the tray process: commands waiting for their answer, how many window
/// operations it has carried out, and where messages to the tray process go.
struct Link {
    pending: Mutex<HashMap<u64, InvokeResolver<Wry>>>,
    next_id: AtomicU64,
    seen: AtomicU64,
    out: Mutex<File>,
}

impl Link {
    /// Writes a message to the tray process.
    fn send(&self, message: &FromHost) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = ipc::send(&mut *out, message) {
            tracing::warn!("window host: {e}");
        }
    }

    /// Tells the tray process when no window is left. `seen` is read first: a window that an
    /// operation is building meanwhile either shows up in the check or makes the count
    /// differ from what the tray process sent.
    fn report_if_idle(&self, app: &AppHandle, closing: Option<&str>) {
        let seen = self.seen.load(Ordering::SeqCst);
        let windowless = app
            .webview_windows()
            .keys()
            .all(|label| Some(label.as_str()) == closing);
        if windowless {
            self.send(&FromHost::Idle { seen });
        }
    }
}

/// How long the host has to close its windows once the tray process has let go of it.
const EXIT_GRACE: Duration = Duration::from_secs(5);

/// Takes the link (stdin, stdout) for the host alone: a private copy of each that no process
/// the host starts inherits, with fd 0 then reading nothing and fd 1 going to stderr — so
/// WebKit's processes, which inherit them, can neither write into the link nor keep it open
/// after the host has gone.
#[cfg(unix)]
fn take_link() -> std::io::Result<(File, File)> {
    let input = File::from(rustix::io::fcntl_dupfd_cloexec(std::io::stdin(), 3)?);
    let output = File::from(rustix::io::fcntl_dupfd_cloexec(std::io::stdout(), 3)?);
    rustix::stdio::dup2_stdin(File::open("/dev/null")?)?;
    rustix::stdio::dup2_stdout(std::io::stderr())?;
    Ok((input, output))
}

/// Elsewhere the link stays on stdin and stdout.
#[cfg(not(unix))]
fn take_link() -> std::io::Result<(File, File)> {
    Err(std::io::Error::other(
        "the window host runs on Linux and macOS",
    ))
}

/// Runs the window host until the tray process lets go of it (its stdin ends).
pub fn run() {
    let (input, output) = match take_link() {
        Ok(link) => link,
        Err(e) => {
            eprintln!("ringdesk: the window host could not take its link: {e}");
            std::process::exit(1);
        }
    };
    let output = Mutex::new(output);
    let result = tauri::Builder::default()
        .setup(move |app| {
            app.manage(Link {
                pending: Mutex::default(),
                next_id: AtomicU64::new(0),
                seen: AtomicU64::new(0),
                out: output,
            });
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("tray-link-in".into())
                .spawn(move || {
                    ipc::receive(BufReader::new(input), |m| on_message(&handle, m));
                    // The tray process let go (or has gone): so do the windows. Should the
                    // event loop not end them, the process ends anyway.
                    handle.exit(0);
                    std::thread::sleep(EXIT_GRACE);
                    std::process::exit(0);
                })?;
            Ok(())
        })
        .on_window_event(|window, event| {
            let link = window.app_handle().state::<Link>();
            match event {
                WindowEvent::Focused(focused) if window.label() == MAIN => {
                    link.send(&FromHost::MainFocused { focused: *focused });
                }
                WindowEvent::Destroyed => {
                    if window.label() == MAIN {
                        link.send(&FromHost::MainFocused { focused: false });
                    }
                    if window.label() == INBOX {
                        link.send(&FromHost::WorkspaceClosed);
                    }
                    link.report_if_idle(window.app_handle(), Some(window.label()));
                }
                _ => {}
            }
        })
        .invoke_handler(forward)
        .build(tauri::generate_context!());
    match result {
        // The last window closing is not the end: the tray process says when.
        Ok(app) => app.run(|_app, event| {
            if let RunEvent::ExitRequested {
                code: None, api, ..
            } = event
            {
                api.prevent_exit();
            }
        }),
        Err(e) => {
            eprintln!("ringdesk: could not start the window host: {e}");
            std::process::exit(1);
        }
    }
}

/// Hands a page's command to the tray process; the answer comes back in a [`ToHost::Reply`].
fn forward(invoke: Invoke<Wry>) -> bool {
    let app = invoke.message.webview().app_handle().clone();
    let link = app.state::<Link>();
    let args = match invoke.message.payload() {
        InvokeBody::Json(serde_json::Value::Null) => serde_json::json!({}),
        InvokeBody::Json(args) => args.clone(),
        InvokeBody::Raw(_) => {
            invoke.resolver.reject(format!(
                "{}: arguments must be JSON",
                invoke.message.command()
            ));
            return true;
        }
    };
    let id = link.next_id.fetch_add(1, Ordering::Relaxed);
    let command = invoke.message.command().to_string();
    link.pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, invoke.resolver);
    link.send(&FromHost::Invoke { id, command, args });
    true
}

/// A message from the tray process.
fn on_message(app: &AppHandle, message: ToHost) {
    let link = app.state::<Link>();
    match message {
        ToHost::Window { op } => {
            match op {
                WindowOp::Focus { label } => focus(app, &label),
                WindowOp::ShowCall { shape } => show_call_window(app, shape),
                WindowOp::CloseCall => close_call_window(app),
                WindowOp::OpenWorkflows => open_workflows(app),
                WindowOp::OpenInbox => open_inbox(app),
                WindowOp::OpenDialpad => open_dialpad(app),
            }
            link.seen.fetch_add(1, Ordering::SeqCst);
            link.report_if_idle(app, None);
        }
        ToHost::Emit { event, payload } => {
            if let Err(e) = app.emit(&event, payload) {
                tracing::warn!("emitting {event}: {e}");
            }
        }
        ToHost::Reply { id, result } => {
            let resolver = link
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
            match (resolver, result) {
                (Some(r), Ok(value)) => r.resolve(value),
                (Some(r), Err(e)) => r.reject(e),
                (None, _) => tracing::warn!("a reply to no command ({id})"),
            }
        }
    }
}

/// Top-left corner that puts a `window`-sized box at the bottom-left of `area`, `margin` in.
/// All in physical pixels; `area` is (x, y, width, height).
fn bottom_left(area: (i32, i32, u32, u32), window: (u32, u32), margin: u32) -> (i32, i32) {
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
fn render_in_software(w: &WebviewWindow) {
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
    let size = call_size(CallShape::Ring);
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
    let size = call_size(shape);
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
fn show_call_window(app: &AppHandle, shape: CallShape) {
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
fn close_call_window(app: &AppHandle) {
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
fn focus(app: &AppHandle, label: &str) {
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
            tracing::info!("main window opened");
            render_in_software(&w);
            let _ = w.set_focus();
        }
        Err(e) => tracing::warn!("opening the main window: {e}"),
    }
}

/// Opens (or focuses) the workflow editor window: big enough for the steps and the simulator
/// side by side.
fn open_workflows(app: &AppHandle) {
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

/// Opens (or focuses) the inbox window: the list beside the conversation, wide enough for
/// both and the player.
fn open_inbox(app: &AppHandle) {
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
fn open_dialpad(app: &AppHandle) {
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
