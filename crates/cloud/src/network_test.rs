//! The network test's far end (`POST /api/v1/network-test`, `docs/protocol.md#network-test`):
//! a WebRTC peer that sends back every packet the app sends, as it came, so the app can time
//! the round trip and count what is lost on the same kind of path a call takes.
//!
//! Only a logged-in manager may start one, a few a minute, and only so many run at once in the
//! whole cloud: each holds a UDP socket and a DTLS-SRTP peer for its seconds. The echo sends
//! back only probe-sized packets at a call's pace, so it is no bandwidth sink either.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use ringdesk_rtc::{AudioPeer, PeerEvent, spawn_udp_peer};
use ringdesk_wire::{ErrorCode, NetworkTestRequest, NetworkTestResponse};
use tokio::net::UdpSocket;

use crate::api::{ApiErr, AppState, Authed, bad_json, check_offer};

/// How long an echo lasts: the app's test takes ~6 s; an echo never outlives this.
pub const NETWORK_TEST_SECONDS: u32 = 15;
/// Network tests one manager may start per minute: a few retries, never a stream.
pub const NETWORK_TESTS_PER_MINUTE: u32 = 3;
/// Echoes running at once in the whole cloud: a team testing together fits; more waits.
pub const MAX_ECHOES: usize = 32;
/// The largest packet sent back: a probe is 5 bytes; call audio is not echoed.
const MAX_ECHOED_BYTES: usize = 16;
/// Packets sent back per second at most: a call's pace (50) with room for a burst.
const MAX_ECHOED_PER_SECOND: u32 = 100;

/// Echoes running now.
static ECHOES: AtomicUsize = AtomicUsize::new(0);

/// One running echo, counted in [`ECHOES`] while it lives.
struct EchoSlot;

impl EchoSlot {
    /// A slot, when fewer than [`MAX_ECHOES`] run.
    fn take() -> Option<EchoSlot> {
        ECHOES
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_ECHOES).then_some(n + 1)
            })
            .ok()
            .map(|_| EchoSlot)
    }
}

impl Drop for EchoSlot {
    fn drop(&mut self) {
        ECHOES.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Starts an echo for the manager's offer and answers it.
pub async fn start(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<NetworkTestRequest>, JsonRejection>,
) -> Result<Json<NetworkTestResponse>, ApiErr> {
    let Json(request) = body.map_err(bad_json)?;
    check_offer(&request.sdp_offer)?;
    let allowed = s
        .network_test_limit
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .allow(m.id, Instant::now());
    if !allowed {
        return Err(ApiErr::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyTests,
            format!("at most {NETWORK_TESTS_PER_MINUTE} network tests a minute; try again shortly"),
        ));
    }
    let slot = EchoSlot::take().ok_or_else(|| {
        ApiErr::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyTests,
            format!("{MAX_ECHOES} network tests are running; try again in a few seconds"),
        )
    })?;
    let socket = UdpSocket::bind(SocketAddr::new(s.media_ip, 0))
        .await
        .map_err(|e| ApiErr::internal(format!("network test socket: {e}")))?;
    let local = socket
        .local_addr()
        .map_err(|e| ApiErr::internal(e.to_string()))?;
    let (peer, sdp_answer) =
        AudioPeer::answer(Instant::now(), local, &request.sdp_offer).map_err(|e| {
            ApiErr::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadOffer,
                format!("the network test's offer could not be answered: {e}"),
            )
        })?;
    // Echoes lost on the way back must count as lost: no RED copies to fill the gaps.
    tokio::spawn(echo(peer.without_redundancy(), socket, slot));
    Ok(Json(NetworkTestResponse {
        sdp_answer,
        seconds: NETWORK_TEST_SECONDS,
    }))
}

/// Sends every probe back until the app closes or the time is up; `_slot` counts it running.
async fn echo(peer: AudioPeer, socket: UdpSocket, _slot: EchoSlot) {
    let mut link = spawn_udp_peer(peer, socket);
    let over = tokio::time::sleep(Duration::from_secs(u64::from(NETWORK_TEST_SECONDS)));
    tokio::pin!(over);
    let (mut second, mut echoed) = (Instant::now(), 0_u32);
    loop {
        tokio::select! {
            ev = link.events.recv() => match ev {
                Some(PeerEvent::Audio(a)) => {
                    if second.elapsed() >= Duration::from_secs(1) {
                        (second, echoed) = (Instant::now(), 0);
                    }
                    if a.payload.len() <= MAX_ECHOED_BYTES && echoed < MAX_ECHOED_PER_SECOND {
                        echoed += 1;
                        let _ = link.send.send(a.payload);
                    }
                }
                Some(PeerEvent::Connected) => {}
                Some(PeerEvent::Closed(_)) | None => break,
            },
            _ = &mut over => break,
        }
    }
    // Dropping the link's sender ends the peer and frees its socket.
}
