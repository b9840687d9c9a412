//! A manager's own call history from the cloud (`docs/protocol.md#history`): what each call
//! was for them, what can be redialled and how, and what was already handled.

use serde::{Deserialize, Serialize};

use crate::codes::codes;
use crate::{CallDirection, ManagerRef};

codes! {
    /// Which of the manager's calls a history list shows.
    pub enum HistoryKind {
        /// Every call, newest first.
        Recent = "recent",
        /// Inbound calls that rang them and that nobody answered.
        Missed = "missed",
        /// Inbound calls.
        Inbound = "inbound",
        /// Outbound calls.
        Outbound = "outbound",
    }
}

codes! {
    /// What a call was for the manager whose history it is in.
    pub enum HistoryOutcome {
        /// They talked (answered it, or placed it and it was answered).
        Answered = "answered",
        /// It rang them and nobody answered.
        Missed = "missed",
        /// It rang them and a teammate took it.
        TakenByTeammate = "takenByTeammate",
        /// They placed it and nobody answered.
        NotAnswered = "notAnswered",
    }
}

codes! {
    /// How the customer was reached: a redial uses the same.
    pub enum CallMedium {
        /// The phone network.
        Phone = "phone",
        /// A voice meet from the channel's web page (the visitor has no number to call).
        Meet = "meet",
    }
}

/// One call of the manager's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// The call.
    pub call_id: i64,
    /// Inbound or outbound.
    pub direction: CallDirection,
    /// Phone or voice meet.
    pub medium: CallMedium,
    /// The customer's number (E.164; empty for a meet's visitor).
    pub number: String,
    /// The customer's name, when known.
    pub name: Option<String>,
    /// What it was for this manager.
    pub outcome: HistoryOutcome,
    /// A teammate invited this manager and they did not answer: "{name}'s invitation".
    pub invited_by: Option<ManagerRef>,
    /// A missed call whose customer was reached by a later answered call: redialling warns
    /// first.
    pub already_handled: bool,
    /// The number to redial on the same medium; `None`: it cannot be redialled (a meet's
    /// visitor).
    pub redial: Option<String>,
    /// RFC 3339 UTC.
    pub started_at: String,
    /// Talk time in seconds.
    pub duration_s: i64,
}

/// `GET /api/v1/history` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryQuery {
    /// Which calls (default: recent).
    #[serde(default)]
    pub kind: Option<HistoryKind>,
    /// Only calls older than this call (the previous page's last).
    #[serde(default)]
    pub before: Option<i64>,
    /// Page size, 1–[`HISTORY_PAGE_MAX`] (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The largest history page.
pub const HISTORY_PAGE_MAX: u32 = 200;
