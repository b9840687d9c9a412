//! ringdesk-agent: everything an agent's desktop does, without a window.
//!
//! Contract: [`session::start`] logs in and keeps a WSS session to the cloud (reconnecting
//! with back-off), reports [`ringdesk_wire::AgentEvent`]s and takes
//! [`session::AgentCommand`]s; each answered call's audio runs over WebRTC through an
//! [`audio::AudioDevice`] (real devices via cpal, or WAV files). The Tauri shell and the
//! `ringdesk-agent` CLI are both thin views on this.
//!
//! Around the session: the local cache of settings and recent calls ([`cache`]), the token in
//! the OS keyring ([`credentials`]), the ringtone on the ringer device ([`ringer`]), and the
//! pure rules the desktop shell applies to hotkeys and the tray ([`desk`], [`settings`]).
//!
//! Left out for now: echo cancellation and noise suppression (a later issue).

pub mod admin;
pub mod audio;
pub mod cache;
pub mod client;
pub mod contacts;
pub mod credentials;
pub mod desk;
pub mod history;
pub mod inbox;
pub mod media;
pub mod network_test;
pub mod records;
pub mod reminders;
pub mod ringer;
pub mod session;
pub mod settings;
pub mod statistics;

pub use ringdesk_rtc::install_crypto;
use ringdesk_wire::ErrorCode;
pub use session::{
    Agent, AgentCommand, AgentConfig, AudioSetup, Credentials, ParallelTo, Started, TransferTo,
    start,
};

/// Errors of the agent.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// Bad local configuration (URL, certificate file).
    #[error("configuration: {0}")]
    Config(String),
    /// The cloud could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// The OS keyring (Secret Service, Keychain, Credential Manager) failed.
    #[error("keyring: {0}")]
    Keyring(String),
    /// The local cache failed.
    #[error(transparent)]
    Cache(#[from] cache::CacheError),
    /// The cloud refused the request.
    #[error("{message} ({code}, HTTP {status})")]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code.
        code: ErrorCode,
        /// Message.
        message: String,
    },
}
