//! ringdesk-media: the pure signal-processing pieces of a call.
//!
//! Contract: every type here works on samples and packets handed in by the caller and returns
//! samples and packets; nothing reads a clock, a socket or a file. Time enters as arguments
//! (`Instant`s passed to the jitter buffer). The room runtime in `ringdesk-cloud` and the agent's
//! media loop wire these together.
//!
//! Left out on purpose: call semantics (who hears whom is decided by the room, which hands this
//! crate a list of frames), SIP/SDP, sockets, device I/O.
//!
//! Internal sample format: signed 16-bit mono PCM. The room mixes at [`ROOM_RATE_HZ`] in frames
//! of [`FRAME_MS`].

pub mod dtmf;
pub mod dtmf_detect;
pub mod g711;
pub mod inbound;
pub mod jitter;
pub mod mixer;
pub mod opus_codec;
pub mod pace;
pub mod plc;
pub mod prompt;
pub mod recording;
pub mod resample;
pub mod rtp;
pub mod tone;
pub mod vad;

/// Sample rate of the room mixer and of Opus, in Hz. Everything is converted to this rate so the
/// mixer never has to resample per listener.
pub const ROOM_RATE_HZ: u32 = 48_000;
/// Frame duration used everywhere (RTP ptime, mixer tick), in milliseconds.
pub const FRAME_MS: u32 = 20;
/// Samples in one room frame (48 kHz × 20 ms).
pub const ROOM_FRAME_SAMPLES: usize = (ROOM_RATE_HZ * FRAME_MS / 1000) as usize;
/// Samples in one narrowband (8 kHz) frame, the G.711 trunk side.
pub const NB_FRAME_SAMPLES: usize = (8_000 * FRAME_MS / 1000) as usize;

/// Errors from the media pieces that can fail on remote input.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    /// An RTP packet was shorter than its header says it is.
    #[error("rtp packet truncated: {0}")]
    Truncated(&'static str),
    /// An RTP packet had a version other than 2 (RFC 3550 §5.1).
    #[error("rtp version {0} is not 2")]
    BadVersion(u8),
    /// An RFC 4733 event payload was malformed.
    #[error("telephone-event payload invalid: {0}")]
    BadEvent(&'static str),
    /// The Opus codec rejected the data.
    #[error("opus: {0}")]
    Opus(String),
}
