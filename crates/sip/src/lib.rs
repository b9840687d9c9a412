//! ringdesk-sip: the SIP trunk interface — how customers' phone calls reach Ringdesk.
//!
//! Contract: [`trunk::TrunkEngine`] is a sans-IO user agent for carrier/PBX trunks: it
//! receives calls (RFC 3261 UAS transactions, Digest auth of peers, SDP offer/answer for G.711 +
//! RFC 4733) and places them through one outbound route (INVITE client transactions, CANCEL,
//! answering the carrier's Digest challenge);
//! [`runtime`] drives it over tokio UDP and TCP sockets. Parsing never panics on remote input;
//! malformed requests get the specific 4xx the RFC asks for, or are dropped when no response
//! can be built.
//!
//! Left out (for now): REFER, TLS transport, placing calls over TCP, PRACK/100rel, SRTP on
//! the trunk. RTP itself is handled by the cloud's rooms, not here.

pub mod digest;
pub mod message;
pub mod runtime;
pub mod sdp;
pub mod trunk;

/// Errors from SIP and SDP handling.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SipError {
    /// The message could not be parsed.
    #[error("malformed SIP: {0}")]
    Malformed(String),
    /// The SDP body could not be parsed.
    #[error("malformed SDP: {0}")]
    BadSdp(String),
    /// The SDP was understood but offers nothing we can accept (→ 488).
    #[error("{0}")]
    NotAcceptable(String),
    /// A socket failed.
    #[error("transport: {0}")]
    Io(String),
}
