//! The app at rest: in the tray with no window, no WebKit process should be left.
//!
//! A web view's own web process ends with its window, but WebKitGTK keeps its network process
//! (~30 MiB) for as long as the app lives, even with no web view left (Tauri keeps the web
//! context on Linux so that the next window reuses it). An agent's app spends most of the day
//! in the tray, so when the last window goes we end that process ourselves; WebKit starts a
//! new one for the next window, as it does after a crash. The UI keeps nothing in web
//! storage (the agent session lives in Rust), so nothing is lost with it.
//!
//! Not under WebDriver (Tauri's `TAURI_WEBVIEW_AUTOMATION`): WebKit ends the automation
//! session with the network process, so the desktop test checks this without WebDriver.

/// The name the kernel gives WebKit's network process (`comm` is cut at 15 bytes).
const NETWORK_PROCESS: &str = "WebKitNetworkPr";

/// Ends WebKit's network process if it is one of ours. Called when the last window has gone.
#[cfg(target_os = "linux")]
pub fn end_network_process() {
    if std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true") {
        return;
    }
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for pid in entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
    {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if parent_and_name(&stat) != Some((me, NETWORK_PROCESS)) {
            continue;
        }
        let Some(process) = rustix::process::Pid::from_raw(pid) else {
            continue;
        };
        match rustix::process::kill_process(process, rustix::process::Signal::TERM) {
            Ok(()) => tracing::info!(pid, "no window open: WebKit's network process ended"),
            Err(e) => tracing::warn!(pid, "could not end WebKit's network process: {e}"),
        }
    }
}

/// Elsewhere WebKit's processes are the platform's business.
#[cfg(not(target_os = "linux"))]
pub fn end_network_process() {}

/// The parent's pid and the name in a `/proc/<pid>/stat` line: `pid (name) state ppid ...`,
/// where the name may itself hold spaces and parentheses (so the last `)` ends it).
fn parent_and_name(stat: &str) -> Option<(u32, &str)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?;
    let ppid = stat
        .get(close + 1..)?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((ppid, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parent_and_the_name_even_with_odd_names() {
        let stat = "4242 (WebKitNetworkPr) S 4100 4100 4100 0 -1 4194560 1187 0 0 0";
        assert_eq!(parent_and_name(stat), Some((4100, NETWORK_PROCESS)));
        let odd = "77 (a) b (c)) R 1 77 77 0 -1 0";
        assert_eq!(parent_and_name(odd), Some((1, "a) b (c)")));
        assert_eq!(parent_and_name("77 (cut"), None);
        assert_eq!(parent_and_name("77 (x) R"), None);
    }
}
