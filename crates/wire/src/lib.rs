//! ringdesk-wire: every message that crosses a process boundary between the agent app and the
//! cloud, and between the desktop shell and its UI, as serde types.
//!
//! Contract: JSON, camelCase fields, messages tagged by `"type"` (desktop events by `"event"`).
//! Only this crate derives `Serialize`/`Deserialize` for cross-process data (`ARCHITECTURE.md`, Conventions), so each
//! protocol has one definition, documented in `docs/protocol.md`. Unknown or malformed messages
//! are rejected by the receiver with [`ServerMessage::Error`]; they never end a session.
//!
//! One module per contract, all re-exported here so users write `ringdesk_wire::X`:
//! - `rest`: the REST API's bodies;
//! - `signaling`: the WebSocket messages and what they carry;
//! - `desktop`: the desktop RPC (the agent's events, settings, the desk's state);
//! - `inbox`: the shared inbox's conversations, notes, tags and wrap-up;
//! - `workflows`: the IVR's definition and the admin API that edits and publishes it;
//! - `codes`: the vocabulary they share (statuses, reasons, outcomes).

mod callbacks;
mod codes;
mod contacts;
mod desktop;
mod history;
mod inbox;
mod rest;
mod signaling;
mod statistics;
#[cfg(test)]
mod typescript;
mod workflows;

pub use callbacks::*;
pub use codes::*;
pub use contacts::*;
pub use desktop::*;
pub use history::*;
pub use inbox::*;
pub use rest::*;
pub use signaling::*;
pub use statistics::*;
pub use workflows::*;
