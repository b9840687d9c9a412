//! Workflows in the cloud: their JSON read into the core's model (`convert`), the recipes new
//! ones start from (`recipes`), and the admin API that edits, checks and publishes them, with
//! the prompts they play and the channel's operating hours (`api`).
//!
//! Running them for calls is the dispatcher's (`dispatch/workflow.rs`). Left out for now:
//! text-to-speech rendering, text messages, callbacks.

mod api;
pub mod convert;
pub mod demo;
pub mod queues;
mod recipes;
mod simulate;
mod speech;

pub use api::{MAX_PROMPT_BYTES, routes};

use ringdesk_core::workflow::Schedule;
use ringdesk_store::Store;
use ringdesk_wire::OperatingHours;

/// A channel without operating hours set is always open, in Seoul.
fn always_open() -> Schedule {
    Schedule::always(chrono_tz::Asia::Seoul)
}

/// The channel's operating hours; unset or unreadable (logged) is always open.
pub async fn channel_hours(store: &Store, channel_id: i64) -> anyhow::Result<Schedule> {
    let Some(json) = store.operating_hours(channel_id).await? else {
        return Ok(always_open());
    };
    let read = serde_json::from_str::<OperatingHours>(&json)
        .map_err(|e| e.to_string())
        .and_then(|h| convert::schedule(&h).map_err(|e| e.to_string()));
    Ok(read.unwrap_or_else(|e| {
        tracing::error!(
            channel_id,
            "operating hours do not read ({e}); taken as always open"
        );
        always_open()
    }))
}
