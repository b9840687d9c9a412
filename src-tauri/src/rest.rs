//! The app at rest: in the tray with no window, no WebKit process should be left.
//!
//! A web view's own web process ends with its window, but WebKitGTK keeps its network process
//! (~30 MiB) for as long as the app lives, even with no web view left (Tauri keeps the web
//! context on Linux so that the next window reuses it). An agent's app spends most of the day
//! in the tray, so when the last window goes we end that process ourselves; WebKit starts a
//! new one for the next window, as it does after a crash. The UI keeps nothing in web
//! storage (the agent session lives in Rust), so nothing is lost with it.
//!
//! Order matters: a web process that is still closing its page when the network process
//! goes asks WebKit for a new one, which WebKit starts at once. So the network process is
//! ended only once the web processes have gone, and any that WebKit starts again while the
//! app is still windowless is ended too, for a few seconds after.
//!
//! Not under WebDriver (Tauri's `TAURI_WEBVIEW_AUTOMATION`): WebKit ends the automation
//! session with the network process, so the desktop test checks this without WebDriver.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The name the kernel gives WebKit's network process (`comm` is cut at 15 bytes).
const NETWORK_PROCESS: &str = "WebKitNetworkPr";
/// The name the kernel gives a WebKit web process (one per open web view).
const WEB_PROCESS: &str = "WebKitWebProces";
/// How long the closing web processes get to go before the network process is ended anyway.
const WEB_PROCESSES_GRACE: Duration = Duration::from_secs(5);
/// How long after that a network process WebKit starts again is still ended.
const RELAUNCH_WATCH: Duration = Duration::from_secs(3);
/// How often `/proc` is looked at meanwhile.
const POLL: Duration = Duration::from_millis(50);
/// Whether a watch is under way: two windows closing together start one.
#[cfg(target_os = "linux")]
static WATCHING: AtomicBool = AtomicBool::new(false);

/// Puts the app to rest once its last window has gone: waits for the web processes to end,
/// then ends WebKit's network process (and any WebKit starts again before a window opens).
/// Runs on a thread of its own; `windowless` says whether the app still has no window.
#[cfg(target_os = "linux")]
pub fn end_network_process(windowless: impl Fn() -> bool + Send + 'static) {
    if std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true") {
        return;
    }
    if WATCHING.swap(true, Ordering::AcqRel) {
        return;
    }
    std::thread::spawn(move || {
        watch(windowless);
        WATCHING.store(false, Ordering::Release);
    });
}

/// The watch itself: waits for the web processes, then ends the network process(es) while
/// the app stays windowless, until `RELAUNCH_WATCH` is over.
#[cfg(target_os = "linux")]
fn watch(windowless: impl Fn() -> bool) {
    let grace = Instant::now() + WEB_PROCESSES_GRACE;
    while !our_live_children(WEB_PROCESS).is_empty() && Instant::now() < grace {
        std::thread::sleep(POLL);
    }
    let until = Instant::now() + RELAUNCH_WATCH;
    let mut ended = Vec::new();
    loop {
        // A window opened meanwhile needs its processes: stop here.
        if !windowless() || !our_live_children(WEB_PROCESS).is_empty() {
            return;
        }
        for pid in our_live_children(NETWORK_PROCESS) {
            if !ended.contains(&pid) {
                ended.push(pid);
                terminate(pid);
            }
        }
        if Instant::now() >= until {
            return;
        }
        std::thread::sleep(POLL);
    }
}

/// Elsewhere WebKit's processes are the platform's business.
#[cfg(not(target_os = "linux"))]
pub fn end_network_process(_windowless: impl Fn() -> bool + Send + 'static) {}

/// Asks one process to end, saying so in the log.
#[cfg(target_os = "linux")]
fn terminate(pid: i32) {
    let Some(process) = rustix::process::Pid::from_raw(pid) else {
        return;
    };
    match rustix::process::kill_process(process, rustix::process::Signal::TERM) {
        Ok(()) => tracing::info!(pid, "no window open: WebKit's network process ended"),
        Err(e) => tracing::warn!(pid, "could not end WebKit's network process: {e}"),
    }
}

/// The pids of this process's children named `name` that are still running (an ended child
/// WebKit has not reaped yet, a zombie, holds nothing and is left alone).
#[cfg(target_os = "linux")]
fn our_live_children(name: &str) -> Vec<i32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                matches!(read_stat(&stat), Some(s) if s.parent == me && s.name == name && s.state != 'Z')
            })
        })
        .collect()
}

/// What `end_network_process` needs of a `/proc/<pid>/stat` line.
#[derive(Debug, PartialEq)]
struct Stat<'a> {
    name: &'a str,
    state: char,
    parent: u32,
}

/// Reads a `/proc/<pid>/stat` line, `pid (name) state ppid ...`, where the name may itself
/// hold spaces and parentheses (so the last `)` ends it).
fn read_stat(stat: &str) -> Option<Stat<'_>> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?;
    let mut fields = stat.get(close + 1..)?.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some(Stat {
        name,
        state,
        parent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_name_state_and_parent_even_with_odd_names() {
        let stat = "4242 (WebKitNetworkPr) S 4100 4100 4100 0 -1 4194560 1187 0 0 0";
        let read = Stat {
            name: NETWORK_PROCESS,
            state: 'S',
            parent: 4100,
        };
        assert_eq!(read_stat(stat), Some(read));
        let odd = "77 (a) b (c)) Z 1 77 77 0 -1 0";
        let read = Stat {
            name: "a) b (c)",
            state: 'Z',
            parent: 1,
        };
        assert_eq!(read_stat(odd), Some(read));
        assert_eq!(read_stat("77 (cut"), None);
        assert_eq!(read_stat("77 (x) R"), None);
    }
}
