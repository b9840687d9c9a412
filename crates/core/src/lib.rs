//! ringdesk-core: the call-center's domain logic, free of I/O and of the clock.
//!
//! Contract: state machines here take `handle_input(now, input)` and hand back work through
//! `poll_output()` and deadlines through `poll_timeout()` (str0m's sans-IO shape). The runtimes
//! in `ringdesk-cloud` own sockets, databases and timers, feed inputs in and carry outputs out.
//! Because nothing here reads a clock, every scenario replays exactly in tests.
//!
//! Left out: SIP, SDP, media, persistence, serialisation (see `ringdesk-wire`).

pub mod ids;
pub mod number;
pub mod outbound;
pub mod presence;
pub mod switchboard;
pub mod workflow;

pub use ids::{CallId, ManagerId};
pub use presence::{NotRingingReason, Presence, Status};
pub use switchboard::{
    HangupCause, MissedReason, Switchboard, SwitchboardInput, SwitchboardOutput,
};
