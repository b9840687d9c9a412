//! Callbacks a manager books for a customer (`docs/protocol.md#callbacks`): call this number
//! back at this time, from this caller-ID; the assignee's app reminds them ahead of it.

use serde::{Deserialize, Serialize};

use crate::ManagerRef;

/// The longest callback note, in characters.
pub const CALLBACK_NOTE_MAX: usize = 1_000;
/// How far ahead a callback may be booked, in days.
pub const CALLBACK_AHEAD_MAX_DAYS: i64 = 366;
/// How long before a callback's time the assignee's app reminds them, in seconds.
pub const CALLBACK_REMINDER_LEAD_S: i64 = 600;

/// A booked callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    /// Id.
    pub id: i64,
    /// Whom to call (E.164).
    pub customer_number: String,
    /// Their contact's name, when the number has one.
    pub customer_name: Option<String>,
    /// The conversation it was booked from, if any.
    pub conversation_id: Option<i64>,
    /// Who calls them back.
    pub assignee: ManagerRef,
    /// The channel number to call from.
    pub caller_id: String,
    /// When, RFC 3339.
    pub due_at: String,
    /// What to say or check.
    pub note: String,
    /// Who booked it.
    pub booked_by: ManagerRef,
    /// When it was marked done, RFC 3339; `None`: still to do.
    pub done_at: Option<String>,
}

/// `POST /api/v1/callbacks`: books a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewCallback {
    /// Whom to call (E.164 or national in the channel's country).
    pub customer_number: String,
    /// The conversation (or missed call's conversation) it is booked from.
    #[serde(default)]
    pub conversation_id: Option<i64>,
    /// Who calls them back (a manager of the channel).
    pub assignee_id: i64,
    /// One of the channel's numbers.
    pub caller_id: String,
    /// When, RFC 3339 with an offset; in the future, at most
    /// [`CALLBACK_AHEAD_MAX_DAYS`] ahead.
    pub due_at: String,
    /// Up to [`CALLBACK_NOTE_MAX`] characters.
    #[serde(default)]
    pub note: String,
}

/// `GET /api/v1/callbacks` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CallbackQuery {
    /// Whose (default: the asker's own).
    #[serde(default)]
    pub assignee: Option<i64>,
    /// `true`: also those marked done (newest first after the open ones).
    #[serde(default)]
    pub include_done: Option<bool>,
}

/// `PUT /api/v1/callbacks/{id}/done`: marks a callback done or still to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetCallbackDone {
    /// Done (`true`) or still to do.
    pub done: bool,
}
