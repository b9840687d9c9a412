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
mod speech;

pub use api::{MAX_PROMPT_BYTES, routes};
