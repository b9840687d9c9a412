//! ringdesk-agent: everything an agent's desktop does, without a window.
//!
//! Contract: [`session::start`] logs in and keeps a WSS session to the cloud (reconnecting
//! with back-off), reports [`ringdesk_wire::AgentEvent`]s and takes
//! [`session::AgentCommand`]s; each answered call's audio runs over WebRTC through an
//! [`audio::AudioDevice`] (real devices via cpal, or WAV files). The Tauri shell and the
//! `ringdesk-agent` CLI are both thin views on this.
//!
//! Left out for now: echo cancellation and noise suppression, local history cache, keyring,
//! hotkeys (later issues).

pub mod audio;
pub mod client;
pub mod media;
pub mod session;

pub use ringdesk_rtc::install_crypto;
pub use session::{Agent, AgentCommand, AgentConfig, Started, start};

/// Errors of the agent.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// Bad local configuration (URL, certificate file).
    #[error("configuration: {0}")]
    Config(String),
    /// The cloud could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// The cloud refused the request.
    #[error("{message} ({code}, HTTP {status})")]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code.
        code: String,
        /// Message.
        message: String,
    },
}
