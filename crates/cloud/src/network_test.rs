//! The network test's far end (`POST /api/v1/network-test`, `docs/protocol.md#network-test`):
//! a WebRTC peer that sends back every packet the app sends, as it came, so the app can time
//! the round trip and count what is lost on the same kind of path a call takes.
//!
//! Only a logged-in manager may start one, a few a minute: each holds a UDP socket and a
//! DTLS-SRTP peer, and an open echo could be used to reflect traffic.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use ringdesk_rtc::{AudioPeer, PeerEvent, spawn_udp_peer};
use ringdesk_wire::{ErrorCode, NetworkTestRequest, NetworkTestResponse};
use tokio::net::UdpSocket;

use crate::api::{ApiErr, AppState, Authed, bad_json};

/// How long an echo lasts: the app's test takes ~6 s; an echo never outlives this.
pub const NETWORK_TEST_SECONDS: u32 = 15;
/// Network tests one manager may start per minute: a few retries, never a stream.
pub const NETWORK_TESTS_PER_MINUTE: u32 = 3;

/// Starts an echo for the manager's offer and answers it.
pub async fn start(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<NetworkTestRequest>, JsonRejection>,
) -> Result<Json<NetworkTestResponse>, ApiErr> {
    let Json(request) = body.map_err(bad_json)?;
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
    let socket = UdpSocket::bind(SocketAddr::new(s.media_ip, 0))
        .await
        .map_err(|e| ApiErr::internal(format!("network test socket: {e}")))?;
    let local = socket
        .local_addr()
        .map_err(|e| ApiErr::internal(e.to_string()))?;
    let (peer, sdp_answer) =
        AudioPeer::answer(Instant::now(), local, &request.sdp_offer).map_err(|e| {
            ApiErr::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadOffer,
                format!("the network test's offer could not be answered: {e}"),
            )
        })?;
    tokio::spawn(echo(peer, socket));
    Ok(Json(NetworkTestResponse {
        sdp_answer,
        seconds: NETWORK_TEST_SECONDS,
    }))
}

/// Sends every packet back until the app closes or the time is up.
async fn echo(peer: AudioPeer, socket: UdpSocket) {
    let mut link = spawn_udp_peer(peer, socket);
    let over = tokio::time::sleep(Duration::from_secs(u64::from(NETWORK_TEST_SECONDS)));
    tokio::pin!(over);
    loop {
        tokio::select! {
            ev = link.events.recv() => match ev {
                Some(PeerEvent::Audio(a)) => {
                    let _ = link.send.send(a.payload);
                }
                Some(PeerEvent::Connected) => {}
                Some(PeerEvent::Closed(_)) | None => break,
            },
            _ = &mut over => break,
        }
    }
    // Dropping the link's sender ends the peer and frees its socket.
}
