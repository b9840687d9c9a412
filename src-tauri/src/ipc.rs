//! Between the tray process and its window host: one JSON message per line, the tray process
//! writing to the host's stdin and reading its stdout.
//!
//! The tray process holds everything that must live all day — the agent session, the tray,
//! the hotkeys, the ringer and notifications — and never creates a web view, so WebKit never
//! runs in it. The windows live in a child process, the window host, started when a window is
//! wanted and ended once the last one has closed: an agent's app spends most of the day in
//! the tray, and WebKit and the pages it has touched are most of what a window costs.
//!
//! The host forwards each `invoke` of its pages and reports focus and that it has no window
//! left; the tray process answers, sends the events the pages listen to, and tells the host
//! which window to open or close.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The call window's shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallShape {
    /// Ringing: caller, profile fields, answer/decline.
    Ring,
    /// In a call: the small box.
    InCall,
    /// The box with its dialpad or device panel open.
    InCallExpanded,
}

/// A window the host is asked to open, show, or close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum WindowOp {
    /// Shows and focuses a window by label, building the main one again if it was closed.
    Focus {
        /// The window's label ([`crate::windows::MAIN`], …).
        label: String,
    },
    /// Shows the call window in a shape, creating it if needed.
    ShowCall {
        /// How big, for what.
        shape: CallShape,
    },
    /// Closes the call window: nothing rings and no call is up.
    CloseCall,
    /// Opens (or focuses) the workflow editor.
    OpenWorkflows,
    /// Opens (or focuses) the inbox.
    OpenInbox,
    /// Opens (or focuses) the dialpad.
    OpenDialpad,
}

/// From the tray process to the window host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ToHost {
    /// Open, show or close a window.
    Window {
        /// Which, and how.
        op: WindowOp,
    },
    /// An event for every page (`listen` in the UI).
    Emit {
        /// The event's name ([`ringdesk_wire::AGENT_EVENT`], …).
        event: String,
        /// Its payload.
        payload: Value,
    },
    /// A command's answer.
    Reply {
        /// The [`FromHost::Invoke`] it answers.
        id: u64,
        /// Its result, or the error code or message the UI shows.
        result: Result<Value, String>,
    },
}

/// From the window host to the tray process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FromHost {
    /// A page's command, to be answered with a [`ToHost::Reply`] of the same `id`.
    Invoke {
        /// The host's number for it.
        id: u64,
        /// The command's name.
        command: String,
        /// Its arguments, as the page sent them.
        args: Value,
    },
    /// Whether the main window is now shown and focused (a ring then needs no notification).
    MainFocused {
        /// Shown and focused.
        focused: bool,
    },
    /// The workspace window closed: nothing shows the live wallboard any more, so the app
    /// stops watching it (a closing page cannot be relied on to say so itself).
    WorkspaceClosed,
    /// No window is left, after the first `seen` window operations: the tray process may end
    /// the host, unless it has sent more since (the count tells).
    Idle {
        /// How many [`ToHost::Window`] operations the host had carried out.
        seen: u64,
    },
}

/// Writes one message as a line.
pub fn send<T: Serialize>(out: &mut impl Write, message: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// Reads messages line by line until the stream ends (or fails), handing each to
/// `on_message`. A line that is not a message — not JSON, not UTF-8 — is logged and skipped:
/// one bad line must not end the link and with it every window.
pub fn receive<T: for<'de> Deserialize<'de>>(
    mut input: impl BufRead,
    mut on_message: impl FnMut(T),
) {
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice(&line) {
            Ok(message) => on_message(message),
            Err(e) => tracing::warn!(
                "window link: not a message ({e}): {}",
                String::from_utf8_lossy(&line)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_the_line_format_and_noise_is_skipped() {
        let sent = vec![
            FromHost::Invoke {
                id: 7,
                command: "answer".into(),
                args: serde_json::json!({ "callId": 42 }),
            },
            FromHost::MainFocused { focused: true },
            FromHost::Idle { seen: 3 },
        ];
        let mut wire = Vec::new();
        for m in &sent {
            send(&mut wire, m).unwrap();
        }
        // A stray line, an empty one and one that is not UTF-8 between messages.
        let mut noisy = b"Gtk-Message: something\n\n\xff\xfe\n".to_vec();
        noisy.extend(&wire);
        let mut got = Vec::new();
        receive(&noisy[..], |m: FromHost| got.push(m));
        assert_eq!(got, sent);
    }

    #[test]
    fn a_reply_carries_a_failure_as_the_ui_shows_it() {
        let reply = ToHost::Reply {
            id: 1,
            result: Err("notInCall".into()),
        };
        let mut wire = Vec::new();
        send(&mut wire, &reply).unwrap();
        let mut got = Vec::new();
        receive(&wire[..], |m: ToHost| got.push(m));
        assert_eq!(got, vec![reply]);
        let window = ToHost::Window {
            op: WindowOp::ShowCall {
                shape: CallShape::InCallExpanded,
            },
        };
        let line = serde_json::to_string(&window).unwrap();
        assert_eq!(
            line,
            r#"{"type":"window","op":{"kind":"showCall","shape":"inCallExpanded"}}"#
        );
    }
}
