//! Workflows in the cloud: their JSON read into the core's model (`convert`), the recipes new
//! ones start from (`recipes`), and the admin API that edits, checks and publishes them, with
//! the prompts they play and the channel's operating hours (`api`).
//!
//! Left out for now: running them for calls (the dispatcher still rings a number's team
//! directly), text-to-speech rendering, step analytics.

mod api;
pub mod convert;
mod recipes;

pub use api::{MAX_PROMPT_BYTES, routes};
