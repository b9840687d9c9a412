//! The tray process's hold on the windows, which live in the window host ([`crate::host`],
//! a child process; [`crate::ipc`] says why). Opening a window starts the host if it is not
//! running; once the host reports that its last window has closed, and nothing more was asked
//! of it meanwhile, it is told to end — so in the tray no WebKit process is left. Events for
//! the pages go to the host while it runs and are dropped while it does not: a page that opens
//! later catches up from the desk ([`ringdesk_agent::desk::Desk::main_window_feed`]).
//!
//! Nothing here waits on the host: messages go through a channel to a writer thread, so a
//! host that is slow to start or hangs never holds up the agent's events or a ring.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use tauri::{AppHandle, Manager};

use crate::dispatch::{Dispatched, Outcome, dispatch};
pub use crate::ipc::CallShape;
use crate::ipc::{self, FromHost, ToHost, WindowOp};

/// Label of the main window (declared in tauri.conf.json).
pub const MAIN: &str = "main";
/// Names the ring / in-call window; the host gives each a fresh label.
pub const CALL: &str = "call";
/// Label of the dialpad window.
pub const DIALPAD: &str = "dialpad";
/// Label of the workflow editor window.
pub const WORKFLOWS: &str = "workflows";
/// Label of the inbox window.
pub const INBOX: &str = "inbox";

/// The argument that starts the binary as the window host rather than the app.
pub const HOST_FLAG: &str = "--window-host";

/// How many messages may wait for the host to read them. A host that leaves this many
/// unread is hung: it is ended, and the next window starts a new one.
const HOST_BACKLOG: usize = 1024;

/// The running window host, if any, and what the tray process knows of it.
#[derive(Default)]
pub struct WindowHost {
    link: Mutex<Option<Link>>,
    /// Counts hosts started, so a message from one that has ended is told apart.
    generations: AtomicU64,
    main_focused: AtomicBool,
}

/// One running host. Dropping it lets go of the host: its stdin closes and it ends.
struct Link {
    generation: u64,
    pid: u32,
    to_host: SyncSender<ToHost>,
    /// How many window operations were sent to it (against its `Idle { seen }`).
    ops_sent: u64,
}

impl WindowHost {
    fn link(&self) -> MutexGuard<'_, Option<Link>> {
        self.link.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Link {
    /// Whether host `generation`, idle after `seen` operations, may end: it is this link's
    /// host and has carried out every operation sent (one still on its way wants a window).
    fn done(&self, generation: u64, seen: u64) -> bool {
        self.generation == generation && self.ops_sent == seen
    }

    /// Sends a window operation, counted against the host's `Idle { seen }`; false as
    /// [`Link::send`].
    fn window(&mut self, op: WindowOp) -> bool {
        self.ops_sent += 1;
        self.send(ToHost::Window { op })
    }

    /// Queues a message for the host; false when the host has stopped reading (hung) or gone.
    fn send(&self, message: ToHost) -> bool {
        match self.to_host.try_send(message) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                tracing::warn!(
                    "window host {} reads nothing ({HOST_BACKLOG} messages waiting): ending it",
                    self.generation
                );
                kill(self.pid);
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

/// Ends a hung host (the thread waiting on it then reaps it).
fn kill(pid: u32) {
    #[cfg(unix)]
    {
        let process = i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        if let Some(process) = process {
            let _ = rustix::process::kill_process(process, rustix::process::Signal::KILL);
        }
    }
}

/// This binary, to start again: the running file even when a package upgrade has replaced
/// it on disk (then its path says "(deleted)" and only `/proc/self/exe` still opens it — and
/// the host must speak this version's link, not the new one's).
fn own_binary() -> std::io::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    #[cfg(target_os = "linux")]
    if !exe.exists() {
        return Ok(PathBuf::from("/proc/self/exe"));
    }
    Ok(exe)
}

/// Set (to "1") by [`restart_without_gl`] in the environment of the app it restarted, so the
/// window host it starts gets GL back.
const GL_OFF_BY_US: &str = "RINGDESK_GDK_GL_OFF";

/// Restarts the app (in place: same process, same arguments) with GTK's GL off, unless the
/// environment already says how GTK should use GL. GTK probes GL when it opens the display,
/// which loads the GL driver — under software rendering Mesa's llvmpipe, ~26 MiB of relocated
/// `libLLVM` (BENCHMARKS.md) — yet the app's own process never draws: its windows, which do,
/// run in the window host, which gets the environment as it was. The variable must be set
/// before GTK starts, and setting it in a running process is not safe Rust; hence the exec.
/// Returns only when it did not restart.
pub fn restart_without_gl() {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("GDK_GL").is_some() {
            return;
        }
        let exe = match own_binary() {
            Ok(exe) => exe,
            Err(e) => {
                tracing::warn!("not restarting without GL: {e}");
                return;
            }
        };
        let e = Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("GDK_GL", "disable")
            .env(GL_OFF_BY_US, "1")
            .exec();
        tracing::warn!("not restarting without GL: {e}");
    }
}

/// Whether the app runs under WebDriver (the desktop test): WebKit's automation session lives
/// in the host, so the host is kept when its windows close.
fn under_automation() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

/// Asks the host for a window operation, starting the host first if it is not running.
fn window_op(app: &AppHandle, op: WindowOp) {
    let host = app.state::<WindowHost>();
    let mut link = host.link();
    if link.is_none() {
        match start_host(app, &host) {
            Ok(started) => *link = Some(started),
            Err(e) => {
                tracing::warn!("starting the window host: {e}");
                return;
            }
        }
    }
    if link.as_mut().is_some_and(|l| !l.window(op)) {
        *link = None;
    }
}

/// Asks the running host, if any, for a window operation: without a host there is no window
/// to act on.
fn op_if_running(app: &AppHandle, op: WindowOp) {
    let host = app.state::<WindowHost>();
    let mut link = host.link();
    if link.as_mut().is_some_and(|l| !l.window(op)) {
        *link = None;
    }
}

/// Starts the binary again as the window host, with a writer thread for its stdin and a
/// reader thread for its stdout.
fn start_host(app: &AppHandle, host: &WindowHost) -> std::io::Result<Link> {
    let generation = host.generations.fetch_add(1, Ordering::Relaxed) + 1;
    let mut command = Command::new(own_binary()?);
    command
        .arg(HOST_FLAG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    if std::env::var_os(GL_OFF_BY_US).is_some() {
        // The windows draw with GL as the user's environment has it.
        command.env_remove("GDK_GL").env_remove(GL_OFF_BY_US);
    }
    let mut child = command.spawn()?;
    let pid = child.id();
    tracing::info!("window host {generation} started (pid {pid})");
    match link_threads(app, generation, &mut child) {
        Ok(to_host) => {
            let app = app.clone();
            let reaped = std::thread::Builder::new()
                .name("window-host-wait".into())
                .spawn(move || host_ended(&app, generation, child));
            reaped.map(|_| Link {
                generation,
                pid,
                to_host,
                ops_sent: 0,
            })
        }
        Err(e) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(e)
        }
    }
}

/// Starts the host's writer (from a bounded queue to its stdin) and reader (its stdout to
/// [`on_message`]) threads; returns the queue.
fn link_threads(
    app: &AppHandle,
    generation: u64,
    child: &mut Child,
) -> std::io::Result<SyncSender<ToHost>> {
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(std::io::Error::other("the window host has no pipes"));
    };
    let (to_host, outbox) = sync_channel::<ToHost>(HOST_BACKLOG);
    std::thread::Builder::new()
        .name("window-host-out".into())
        .spawn(move || {
            // Ends when the link is dropped (the host is let go: its stdin closes) or the
            // host has gone.
            for message in outbox {
                if let Err(e) = ipc::send(&mut stdin, &message) {
                    tracing::warn!("window host {generation}: {e}");
                    return;
                }
            }
        })?;
    let app = app.clone();
    std::thread::Builder::new()
        .name("window-host-in".into())
        .spawn(move || {
            ipc::receive(BufReader::new(stdout), |m| on_message(&app, generation, m));
        })?;
    Ok(to_host)
}

/// A message from host `generation`.
fn on_message(app: &AppHandle, generation: u64, message: FromHost) {
    let host = app.state::<WindowHost>();
    match message {
        FromHost::Invoke { id, command, args } => match dispatch(app.clone(), &command, args) {
            Dispatched::Done(result) => reply(app, generation, id, result),
            Dispatched::Pending(running) => {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    reply(&app, generation, id, running.await);
                });
            }
        },
        FromHost::MainFocused { focused } => {
            let link = host.link();
            if link.as_ref().is_some_and(|l| l.generation == generation) {
                host.main_focused.store(focused, Ordering::Release);
            }
        }
        FromHost::WorkspaceClosed => {
            // Not logged in: nothing is watched.
            let _ = app
                .state::<crate::shell::Shell>()
                .send(ringdesk_agent::AgentCommand::WatchWallboard(false));
        }
        FromHost::Idle { seen } => {
            let mut link = host.link();
            let done = link.as_ref().is_some_and(|l| l.done(generation, seen));
            if done && !under_automation() {
                // Letting go of the link closes the host's stdin: it ends.
                *link = None;
                host.main_focused.store(false, Ordering::Release);
                tracing::info!("no window left: window host {generation} ends");
            }
        }
    }
}

/// Answers command `id` of host `generation`, if that host still runs.
fn reply(app: &AppHandle, generation: u64, id: u64, result: Outcome) {
    let host = app.state::<WindowHost>();
    let link = host.link();
    if let Some(l) = link.as_ref().filter(|l| l.generation == generation) {
        l.send(ToHost::Reply { id, result });
    }
}

/// Waits for host `generation` to end (let go, crashed or killed), reaps it, and forgets it
/// if it had not been let go.
fn host_ended(app: &AppHandle, generation: u64, mut child: Child) {
    match child.wait() {
        Ok(status) if !status.success() => {
            tracing::warn!("window host {generation} exited: {status}")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("window host {generation}: {e}"),
    }
    let host = app.state::<WindowHost>();
    let mut link = host.link();
    if link.as_ref().is_some_and(|l| l.generation == generation) {
        tracing::warn!("window host {generation} ended by itself");
        *link = None;
        host.main_focused.store(false, Ordering::Release);
    }
}

/// Sends an event to every page, if a window host is running (else no page listens).
pub fn emit<T: Serialize>(app: &AppHandle, event: &str, payload: &T) {
    let host = app.state::<WindowHost>();
    let link = host.link();
    let Some(l) = link.as_ref() else { return };
    match serde_json::to_value(payload) {
        Ok(payload) => {
            l.send(ToHost::Emit {
                event: event.to_string(),
                payload,
            });
        }
        Err(e) => tracing::warn!("event {event}: {e}"),
    }
}

/// Shows the call window in `shape` (creating it if needed), on top, without stealing focus.
pub fn show_call_window(app: &AppHandle, shape: CallShape) {
    window_op(app, WindowOp::ShowCall { shape });
}

/// Closes the call window (nothing rings and no call is up), freeing its web process. With
/// no host running there is none to close.
pub fn close_call_window(app: &AppHandle) {
    op_if_running(app, WindowOp::CloseCall);
}

/// Shows and focuses a window (tray "open", notification clicks, a second launch); the main
/// window is built again when it was closed to the tray. Any other window exists only in a
/// running host, so for one of those no host is started.
pub fn focus(app: &AppHandle, label: &str) {
    let op = WindowOp::Focus {
        label: label.to_string(),
    };
    if label == MAIN {
        window_op(app, op);
    } else {
        op_if_running(app, op);
    }
}

/// Whether the main window is shown and focused (else a ring also raises a notification).
pub fn main_is_focused(app: &AppHandle) -> bool {
    app.state::<WindowHost>()
        .main_focused
        .load(Ordering::Acquire)
}

/// Opens (or focuses) the workflow editor.
pub fn open_workflows(app: &AppHandle) {
    window_op(app, WindowOp::OpenWorkflows);
}

/// Opens (or focuses) the inbox.
pub fn open_inbox(app: &AppHandle) {
    window_op(app, WindowOp::OpenInbox);
}

/// Opens (or focuses) the dialpad.
pub fn open_dialpad(app: &AppHandle) {
    window_op(app, WindowOp::OpenDialpad);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_ends_only_when_idle_after_everything_sent_to_it() {
        let (to_host, _outbox) = sync_channel(1);
        let link = Link {
            generation: 2,
            pid: 0,
            to_host,
            ops_sent: 3,
        };
        assert!(link.done(2, 3));
        // A window asked for after the host went idle is still on its way.
        assert!(!link.done(2, 2));
        // An ended host's last word is not about this one.
        assert!(!link.done(1, 3));
    }

    #[test]
    fn a_host_that_reads_nothing_or_has_gone_is_given_up() {
        let (to_host, outbox) = sync_channel(1);
        // pid 0 names no process: nothing is killed here.
        let mut link = Link {
            generation: 1,
            pid: 0,
            to_host,
            ops_sent: 0,
        };
        assert!(link.window(WindowOp::CloseCall));
        assert!(
            !link.window(WindowOp::CloseCall),
            "a full queue is a hung host"
        );
        assert_eq!(link.ops_sent, 2);
        drop(outbox);
        assert!(!link.send(ToHost::Reply {
            id: 1,
            result: Ok(serde_json::Value::Null)
        }));
    }
}
