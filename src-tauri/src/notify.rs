//! OS notifications (notify-rust → org.freedesktop.Notifications on Linux). They cannot carry
//! answer/decline buttons on desktop, so they only point at the window that can: clicking one
//! focuses it.

use notify_rust::Notification;
use tauri::AppHandle;

use crate::windows;

/// The notifications the app raises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A call rings while the main window is not in front.
    IncomingCall {
        /// Name or number.
        caller: String,
    },
    /// A call rang here and nobody took it.
    MissedCall {
        /// Name or number.
        caller: String,
    },
    /// The cloud connection dropped; retrying.
    Reconnecting,
    /// Back online.
    Reconnected,
    /// A callback's reminder time came.
    CallbackDue {
        /// Whom to call: name or number.
        customer: String,
        /// The note booked with it.
        note: String,
    },
    /// An audio device failed mid-call.
    DeviceLost {
        /// What failed and what is used now.
        detail: String,
    },
    /// The call goes on without a microphone.
    MicrophoneLost {
        /// What failed.
        detail: String,
    },
}

impl Notice {
    /// Summary and body in `language` (`ko` or `en`).
    pub fn text(&self, language: &str) -> (String, String) {
        let ko = language == "ko";
        let pick = |k: &str, e: &str| if ko { k.to_string() } else { e.to_string() };
        match self {
            Notice::IncomingCall { caller } => {
                (pick("전화가 왔어요", "Incoming call"), caller.clone())
            }
            Notice::MissedCall { caller } => (pick("부재중 전화", "Missed call"), caller.clone()),
            Notice::Reconnecting => (
                pick("연결이 끊겼어요", "Connection lost"),
                pick(
                    "서버에 다시 연결하는 중이에요",
                    "Reconnecting to the server",
                ),
            ),
            Notice::Reconnected => (
                pick("다시 연결됐어요", "Reconnected"),
                pick("전화를 받을 수 있어요", "Calls can ring again"),
            ),
            Notice::CallbackDue { customer, note } => (
                pick("콜백할 시간이에요", "Time for a callback"),
                if note.is_empty() {
                    customer.clone()
                } else {
                    format!("{customer} · {note}")
                },
            ),
            Notice::DeviceLost { detail } => (
                pick("오디오 장치가 분리됐어요", "Audio device lost"),
                detail.clone(),
            ),
            Notice::MicrophoneLost { detail } => (
                pick(
                    "마이크가 작동하지 않아요 — 통화는 계속돼요",
                    "Your microphone stopped — the call goes on",
                ),
                detail.clone(),
            ),
        }
    }

    /// The window a click brings forward.
    fn window(&self) -> &'static str {
        match self {
            Notice::IncomingCall { .. }
            | Notice::DeviceLost { .. }
            | Notice::MicrophoneLost { .. } => windows::CALL,
            _ => windows::MAIN,
        }
    }
}

/// Raises `notice`. Shown and waited on from a thread of its own: the D-Bus call and the wait
/// for a click must not hold up the event pump.
pub fn raise(app: &AppHandle, notice: Notice, language: &str) {
    let (summary, body) = notice.text(language);
    let app = app.clone();
    let spawned = std::thread::Builder::new()
        .name("ringdesk-notify".into())
        .spawn(move || {
            let shown = Notification::new()
                .appname("Ringdesk")
                .summary(&summary)
                .body(&body)
                .icon("call-start")
                .action("default", &summary)
                .show();
            match shown {
                Ok(handle) => {
                    #[cfg(all(unix, not(target_os = "macos")))]
                    handle.wait_for_action(|action| {
                        if action == "default" {
                            windows::focus(&app, notice.window());
                        }
                    });
                    #[cfg(not(all(unix, not(target_os = "macos"))))]
                    drop((handle, app, notice));
                }
                Err(e) => tracing::warn!("notification failed: {e}"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("notification thread: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_speak_both_languages_and_point_at_a_window() {
        let n = Notice::MissedCall {
            caller: "박서연".into(),
        };
        assert_eq!(n.text("ko"), ("부재중 전화".into(), "박서연".into()));
        assert_eq!(n.text("en").0, "Missed call");
        assert_eq!(n.window(), windows::MAIN);
        assert_eq!(
            Notice::IncomingCall { caller: "x".into() }.window(),
            windows::CALL
        );
    }
}
