//! The network test (`docs/product.md#network-test`): a short WebRTC call to the cloud's echo
//! that measures what calls will meet on this network — round trip, jitter, loss — and the
//! microphone's level, and says good, fair or poor and why.
//!
//! The app sends a numbered probe every 20 ms, as a call sends its audio, over the same kind of
//! link a call uses (ICE, DTLS-SRTP, the same UDP path); the cloud sends each one back. The
//! rules that turn the figures into a verdict are pure ([`Probes`], [`judge`], [`mos`]) and
//! tested on their own.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk_media::ROOM_FRAME_SAMPLES;
use ringdesk_rtc::{PeerEvent, spawn_udp_peer};
use ringdesk_wire::{
    NetworkIssue, NetworkTestRequest, NetworkTestResponse, NetworkTestResult, NetworkVerdict,
};

use crate::AgentError;
use crate::admin::{answer, api_url};
use crate::audio::AudioDevice;
use crate::audio::check::level_dbfs;
use crate::client::{ServerConfig, checked, unreadable};

/// Probes sent: five seconds of a call's packets.
const PROBES: u32 = 250;
/// A probe's interval, a call's frame.
const PROBE_INTERVAL: Duration = Duration::from_millis(20);
/// How long the test waits after the last probe for those still out; any not back by then
/// count as lost.
const LATE_AFTER: Duration = Duration::from_secs(1);
/// How long the microphone may take to open; a device that hangs is reported as none.
const MICROPHONE_OPEN_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the link may take to come up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The first byte of a probe: an Opus TOC byte (a 20 ms CELT frame), so a probe looks like
/// call audio to anything on the path; the probe's number follows.
const PROBE_TOC: u8 = 0xF8;

/// Round trips at most this long are good; up to [`LATENCY_POOR_MS`] fair (ITU-T G.114: one
/// way under 150 ms is fine for most talk).
pub const LATENCY_GOOD_MS: f64 = 150.0;
/// Round trips over this are poor: people talk over each other.
pub const LATENCY_POOR_MS: f64 = 300.0;
/// Jitter at most this is good (a jitter buffer absorbs it unnoticed).
pub const JITTER_GOOD_MS: f64 = 30.0;
/// Jitter over this is poor.
pub const JITTER_POOR_MS: f64 = 50.0;
/// Loss at most this is good (Opus FEC and concealment hide it).
pub const LOSS_GOOD_PERCENT: f64 = 1.0;
/// Loss over this is poor: words drop out.
pub const LOSS_POOR_PERCENT: f64 = 5.0;
/// A microphone whose loudest moment is under this delivered only silence.
pub const MICROPHONE_SILENT_DBFS: f64 = -60.0;

/// What was sent when, and what came back. Loss is counted from the first probe back: the
/// link may drop what was sent in its first moments, before both ends had their keys, and
/// that is set-up, not the network.
#[derive(Debug, Default)]
pub struct Probes {
    sent: HashMap<u32, Instant>,
    first_back: Option<u32>,
    round_trips: Vec<Duration>,
    /// RFC 3550 inter-arrival jitter over the round trips, in seconds.
    jitter_s: f64,
    last_round_trip: Option<Duration>,
}

impl Probes {
    /// Probe `n` left at `at`.
    pub fn sent(&mut self, n: u32, at: Instant) {
        self.sent.insert(n, at);
    }

    /// Probe `n` came back at `at`; a duplicate or an unknown probe is ignored.
    pub fn echoed(&mut self, n: u32, at: Instant) {
        let Some(left) = self.sent.remove(&n) else {
            return;
        };
        self.first_back = Some(self.first_back.map_or(n, |f| f.min(n)));
        let round_trip = at.saturating_duration_since(left);
        if let Some(last) = self.last_round_trip {
            let d = round_trip.abs_diff(last).as_secs_f64();
            self.jitter_s += (d - self.jitter_s) / 16.0;
        }
        self.last_round_trip = Some(round_trip);
        self.round_trips.push(round_trip);
    }

    /// Probes sent since the first came back that are still out (all of them while none has
    /// come back).
    pub fn outstanding(&self) -> usize {
        match self.first_back {
            Some(first) => self.sent.keys().filter(|n| **n > first).count(),
            None => self.sent.len(),
        }
    }

    /// Median round trip, jitter (ms) and the share of probes lost (percent).
    pub fn figures(&self) -> (f64, f64, f64) {
        let mut sorted = self.round_trips.clone();
        sorted.sort();
        let median = sorted
            .get(sorted.len() / 2)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        let missing = self.outstanding();
        let total = self.round_trips.len() + missing;
        let lost = if self.round_trips.is_empty() {
            100.0
        } else {
            100.0 * missing as f64 / total as f64
        };
        (median, self.jitter_s * 1000.0, lost)
    }
}

/// A probe's bytes.
fn probe(n: u32) -> Vec<u8> {
    let mut bytes = vec![PROBE_TOC];
    bytes.extend_from_slice(&n.to_be_bytes());
    bytes
}

/// The number of a probe that came back.
fn probe_number(bytes: &[u8]) -> Option<u32> {
    match bytes {
        [PROBE_TOC, a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => None,
    }
}

/// The E-model's estimate of a call's quality (ITU-T G.107, in the simplified form VoIP
/// monitors use): the mouth-to-ear delay (half the round trip, twice the jitter for the jitter
/// buffer, 10 ms of codec) and the loss lower the rating R from 93.2; R maps to a MOS from 1
/// to 4.5.
pub fn mos(round_trip_ms: f64, jitter_ms: f64, loss_percent: f64) -> f64 {
    let delay = round_trip_ms / 2.0 + 2.0 * jitter_ms + 10.0;
    let delay_impairment = if delay < 160.0 {
        delay / 40.0
    } else {
        (delay - 120.0) / 10.0
    };
    let r = (93.2 - delay_impairment - 2.5 * loss_percent).clamp(0.0, 100.0);
    (1.0 + 0.035 * r + 7.0e-6 * r * (r - 60.0) * (100.0 - r)).clamp(1.0, 4.5)
}

/// The verdict for the figures, and each measure past its threshold.
pub fn judge(
    round_trip_ms: f64,
    jitter_ms: f64,
    loss_percent: f64,
    microphone_dbfs: Option<f64>,
) -> (NetworkVerdict, Vec<NetworkIssue>) {
    let past = |value: f64, good: f64, poor: f64| (value > good).then_some(value > poor);
    let mut issues = Vec::new();
    if let Some(severe) = past(round_trip_ms, LATENCY_GOOD_MS, LATENCY_POOR_MS) {
        issues.push(NetworkIssue::HighLatency { severe });
    }
    if let Some(severe) = past(jitter_ms, JITTER_GOOD_MS, JITTER_POOR_MS) {
        issues.push(NetworkIssue::HighJitter { severe });
    }
    if let Some(severe) = past(loss_percent, LOSS_GOOD_PERCENT, LOSS_POOR_PERCENT) {
        issues.push(NetworkIssue::PacketLoss { severe });
    }
    if microphone_dbfs.is_some_and(|l| l < MICROPHONE_SILENT_DBFS) {
        issues.push(NetworkIssue::MicrophoneSilent);
    }
    let verdict = if issues.iter().any(|i| {
        matches!(
            i,
            NetworkIssue::MicrophoneSilent
                | NetworkIssue::HighLatency { severe: true }
                | NetworkIssue::HighJitter { severe: true }
                | NetworkIssue::PacketLoss { severe: true }
        )
    }) {
        NetworkVerdict::Poor
    } else if issues.is_empty() {
        NetworkVerdict::Good
    } else {
        NetworkVerdict::Fair
    };
    (verdict, issues)
}

/// Runs the test against the cloud at `server`, listening to `microphone` meanwhile.
pub async fn run(
    server: &ServerConfig,
    token: &str,
    microphone: Option<Arc<dyn AudioDevice>>,
) -> Result<NetworkTestResult, AgentError> {
    let cloud = crate::session::server_socket_addr(&server.url).await?;
    let (peer, socket, sdp_offer) = crate::session::media_offer(cloud)
        .await
        .map_err(AgentError::Network)?;
    // Probes lost on the way must count as lost: no RED copies to fill the gaps.
    let mut peer = peer.without_redundancy();
    // The microphone first: the cloud's echo runs on a clock from the moment it answers.
    let capture = match microphone {
        Some(device) => tokio::time::timeout(
            MICROPHONE_OPEN_TIMEOUT,
            tokio::task::spawn_blocking(move || device.open_capture()),
        )
        .await
        .ok()
        .and_then(Result::ok)
        .and_then(Result::ok),
        None => None,
    };
    let mut listening = capture.map(|c| (c, vec![0_i16; ROOM_FRAME_SAMPLES], -90.0_f64));
    let http = server.http()?;
    let url = api_url(server, "/api/v1/network-test")?;
    let echo: NetworkTestResponse = answer!(
        http.post(url)
            .bearer_auth(token)
            .json(&NetworkTestRequest { sdp_offer })
    )?;
    peer.accept_answer(&echo.sdp_answer)
        .map_err(|e| AgentError::Network(format!("the cloud's answer: {e}")))?;
    let mut link = spawn_udp_peer(peer, socket);

    let deadline = Instant::now() + CONNECT_TIMEOUT;
    loop {
        match tokio::time::timeout_at(deadline.into(), link.events.recv()).await {
            Ok(Some(PeerEvent::Connected)) => break,
            Ok(Some(PeerEvent::Audio(_))) => {}
            Ok(Some(PeerEvent::Closed(why))) => {
                return Err(AgentError::Network(format!("the test call closed: {why}")));
            }
            Ok(None) | Err(_) => {
                return Err(AgentError::Network(format!(
                    "the test call did not connect in {} s: UDP to the cloud may be blocked",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
        }
    }

    let mut probes = Probes::default();
    let mut tick = tokio::time::interval(PROBE_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut next = 0_u32;
    let mut last_sent = None;
    loop {
        let late = last_sent.map(|at: Instant| at + LATE_AFTER);
        tokio::select! {
            _ = tick.tick(), if next < PROBES => {
                let now = Instant::now();
                probes.sent(next, now);
                let _ = link.send.send(probe(next));
                next += 1;
                if next == PROBES {
                    last_sent = Some(now);
                }
                if let Some((capture, frame, loudest)) = listening.as_mut() {
                    capture.read(frame);
                    *loudest = loudest.max(f64::from(level_dbfs(frame)));
                }
            }
            ev = link.events.recv() => match ev {
                Some(PeerEvent::Audio(a)) => {
                    if let Some(n) = probe_number(&a.payload) {
                        probes.echoed(n, Instant::now());
                    }
                    if next == PROBES && probes.outstanding() == 0 {
                        break;
                    }
                }
                Some(PeerEvent::Connected) => {}
                Some(PeerEvent::Closed(_)) | None => break,
            },
            _ = tokio::time::sleep_until(late.unwrap_or_else(|| Instant::now() + LATE_AFTER).into()), if late.is_some() => break,
        }
    }
    let (round_trip_ms, jitter_ms, loss_percent) = probes.figures();
    let microphone_dbfs = listening.map(|(_, _, loudest)| loudest);
    let (verdict, issues) = judge(round_trip_ms, jitter_ms, loss_percent, microphone_dbfs);
    Ok(NetworkTestResult {
        round_trip_ms,
        jitter_ms,
        loss_percent,
        microphone_dbfs,
        mos: mos(round_trip_ms, jitter_ms, loss_percent),
        verdict,
        issues,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_give_the_median_round_trip_the_jitter_and_the_loss() {
        let t0 = Instant::now();
        let mut p = Probes::default();
        for n in 0..100 {
            let left = t0 + PROBE_INTERVAL * n;
            p.sent(n, left);
            // Every tenth is lost; the others come back in 40 ms, every other one in 60.
            if n % 10 != 9 {
                let rtt = if n % 2 == 0 { 40 } else { 60 };
                p.echoed(n, left + Duration::from_millis(rtt));
            }
        }
        p.echoed(3, t0 + Duration::from_secs(9));
        p.echoed(1_000, t0);
        let (rtt, jitter, loss) = p.figures();
        // 50 came back in 40 ms, 40 in 60 ms.
        assert_eq!(rtt, 40.0);
        assert!((15.0..=20.0).contains(&jitter), "{jitter}");
        assert_eq!(loss, 10.0);
    }

    #[test]
    fn probes_sent_before_the_first_came_back_are_set_up_not_loss() {
        let t0 = Instant::now();
        let mut p = Probes::default();
        for n in 0..10 {
            p.sent(n, t0 + PROBE_INTERVAL * n);
        }
        assert_eq!(p.outstanding(), 10);
        // The link came up while probe 4 was on its way: 0–3 were dropped by it.
        for n in 4..10 {
            p.echoed(n, t0 + PROBE_INTERVAL * n + Duration::from_millis(2));
        }
        assert_eq!(p.outstanding(), 0);
        assert_eq!(p.figures().2, 0.0);
    }

    #[test]
    fn nothing_back_is_all_lost() {
        let mut p = Probes::default();
        p.sent(0, Instant::now());
        assert_eq!(p.figures(), (0.0, 0.0, 100.0));
    }

    #[test]
    fn a_probe_reads_back_and_nothing_else_does() {
        assert_eq!(probe_number(&probe(123_456)), Some(123_456));
        assert_eq!(probe_number(&[PROBE_TOC, 1, 2]), None);
        assert_eq!(probe_number(&[0x78, 0, 0, 0, 1]), None);
    }

    #[test]
    fn each_threshold_moves_the_verdict() {
        use NetworkIssue::*;
        use NetworkVerdict::*;
        /// Round trip, jitter, loss, microphone.
        type Figures = (f64, f64, f64, Option<f64>);
        let good = (40.0, 5.0, 0.0, Some(-20.0));
        let cases: &[(Figures, NetworkVerdict, &[NetworkIssue])] = &[
            (good, Good, &[]),
            ((150.0, 30.0, 1.0, Some(-59.0)), Good, &[]),
            (
                (150.1, 5.0, 0.0, None),
                Fair,
                &[HighLatency { severe: false }],
            ),
            (
                (300.1, 5.0, 0.0, None),
                Poor,
                &[HighLatency { severe: true }],
            ),
            (
                (40.0, 30.1, 0.0, None),
                Fair,
                &[HighJitter { severe: false }],
            ),
            (
                (40.0, 50.1, 0.0, None),
                Poor,
                &[HighJitter { severe: true }],
            ),
            (
                (40.0, 5.0, 1.1, None),
                Fair,
                &[PacketLoss { severe: false }],
            ),
            ((40.0, 5.0, 5.1, None), Poor, &[PacketLoss { severe: true }]),
            ((40.0, 5.0, 0.0, Some(-61.0)), Poor, &[MicrophoneSilent]),
            (
                (200.0, 40.0, 2.0, None),
                Fair,
                &[
                    HighLatency { severe: false },
                    HighJitter { severe: false },
                    PacketLoss { severe: false },
                ],
            ),
        ];
        for &((rtt, jitter, loss, mic), verdict, issues) in cases {
            assert_eq!(
                judge(rtt, jitter, loss, mic),
                (verdict, issues.to_vec()),
                "rtt {rtt}, jitter {jitter}, loss {loss}, mic {mic:?}"
            );
        }
    }

    #[test]
    fn the_mos_falls_with_delay_and_loss() {
        let clean = mos(2.0, 0.5, 0.0);
        assert!((4.3..=4.5).contains(&clean), "{clean}");
        let far = mos(400.0, 10.0, 0.0);
        let lossy = mos(40.0, 5.0, 10.0);
        assert!(far < clean && lossy < clean, "{far} {lossy}");
        assert!(lossy < 3.6, "10 % loss is fair at best: {lossy}");
        assert_eq!(mos(5_000.0, 500.0, 100.0), 1.0);
    }
}
