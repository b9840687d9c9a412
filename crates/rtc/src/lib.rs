//! ringdesk-rtc: one WebRTC audio peer (Opus 48 kHz, DTLS-SRTP, ICE) on top of str0m.
//!
//! Contract: [`AudioPeer`] is sans-IO like str0m itself — datagrams, time and Opus frames in;
//! datagrams, received Opus packets and connection events out. [`spawn_udp_peer`] drives one
//! over a tokio UDP socket in its own task, talking to its owner through channels. The cloud
//! (answerer, ICE-lite) and the agent (offerer, full ICE) both use it, so both ends of our
//! media path are the same code.
//!
//! Audio carries redundant frames (RFC 2198 RED, [`redundancy`]) while the far end reports
//! loss; both ends receive it, and so do browsers that offer it. A network test's peers never
//! send it ([`AudioPeer::without_redundancy`]).
//!
//! Left out: video, data channels, TURN/TCP candidates (a later issue: agents behind strict
//! firewalls), bandwidth estimation.

pub mod redundancy;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc, RtcConfig};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::redundancy::{RED_DISTANCES, Redundancy};

/// Errors of the WebRTC layer.
#[derive(Debug, thiserror::Error)]
pub enum RtcError {
    /// The remote SDP could not be parsed or accepted.
    #[error("SDP: {0}")]
    Sdp(String),
    /// str0m refused an operation.
    #[error("webrtc: {0}")]
    Engine(#[from] str0m::RtcError),
    /// Socket trouble.
    #[error("socket: {0}")]
    Io(#[from] std::io::Error),
}

/// One received Opus packet, with the RTP numbers the jitter buffer orders by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioPacket {
    /// RTP sequence number (low 16 bits of str0m's extended number).
    pub sequence: u16,
    /// RTP timestamp at 48 kHz.
    pub timestamp: u32,
    /// The Opus payload.
    pub payload: Vec<u8>,
}

/// What the peer hands back to its driver.
#[derive(Debug)]
pub enum PeerOutput {
    /// Send a datagram.
    Transmit {
        /// Destination.
        to: SocketAddr,
        /// Bytes (STUN, DTLS or SRTP).
        bytes: Vec<u8>,
    },
    /// ICE and DTLS are up: media flows.
    Connected,
    /// ICE gave up or the peer closed.
    Disconnected,
    /// Audio from the remote.
    Audio(AudioPacket),
    /// Call again at this instant.
    Timeout(Instant),
}

/// A WebRTC peer carrying one Opus audio track each way.
pub struct AudioPeer {
    rtc: Rtc,
    local: SocketAddr,
    mid: Option<Mid>,
    pending: Option<SdpPendingOffer>,
    samples_sent: u64,
    /// Whether ICE and DTLS are up. Frames given before are dropped, not queued: str0m would
    /// hold them until the keys exist and then send the whole set-up time's audio at once,
    /// and the far end's jitter buffer would play that stale burst for as long as set-up took.
    connected: bool,
    /// Whether our packets carry redundant frames now.
    redundancy: Redundancy,
    /// Whether they may at all (not on a network test, whose loss figure copies would hide).
    redundancy_allowed: bool,
}

impl std::fmt::Debug for AudioPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioPeer")
            .field("local", &self.local)
            .field("mid", &self.mid)
            .finish()
    }
}

fn config(ice_lite: bool) -> RtcConfig {
    RtcConfig::new()
        .clear_codecs()
        .enable_opus(true, true)
        .set_red_distances(&RED_DISTANCES)
        // The far end's loss, from its receiver reports, decides whether redundancy is sent:
        // reports each second (str0m's default for audio is 5 s), read each second.
        .set_rtcp_report_interval_audio(Duration::from_secs(1))
        .set_stats_interval(Some(Duration::from_secs(1)))
        .set_ice_lite(ice_lite)
        // Hand each packet over as it arrives, in any order: the receiver's jitter buffer
        // orders them and conceals a gap when its slot comes. str0m's default held 15 packets
        // (300 ms) behind every lost one and then released them in a burst, which the jitter
        // buffer had to skip — each lost packet cost ~0.3 s of speech (PESQ 1.5 at 1 % loss,
        // bench/call_quality.py).
        .set_reordering_size_audio(0)
}

impl AudioPeer {
    /// The agent's side: creates an offer for one sendrecv audio track with a host candidate
    /// at `local` (the UDP socket the driver will use).
    pub fn offer(now: Instant, local: SocketAddr) -> Result<(AudioPeer, String), RtcError> {
        let mut rtc = config(false).build(now);
        let candidate = Candidate::host(local, "udp").map_err(|e| RtcError::Sdp(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let mut change = rtc.sdp_api();
        let mid = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let (offer, pending) = change
            .apply()
            .ok_or_else(|| RtcError::Sdp("nothing to offer".into()))?;
        let peer = AudioPeer {
            rtc,
            local,
            mid: Some(mid),
            pending: Some(pending),
            samples_sent: 0,
            connected: false,
            redundancy: Redundancy::default(),
            redundancy_allowed: true,
        };
        Ok((peer, offer.to_sdp_string()))
    }

    /// Applies the remote answer to our offer.
    pub fn accept_answer(&mut self, answer_sdp: &str) -> Result<(), RtcError> {
        let pending = self
            .pending
            .take()
            .ok_or_else(|| RtcError::Sdp("no offer pending".into()))?;
        let answer =
            SdpAnswer::from_sdp_string(answer_sdp).map_err(|e| RtcError::Sdp(e.to_string()))?;
        self.rtc.sdp_api().accept_answer(pending, answer)?;
        Ok(())
    }

    /// The cloud's side: accepts an offer (ICE-lite, as servers with a known address do) and
    /// returns the answer.
    pub fn answer(
        now: Instant,
        local: SocketAddr,
        offer_sdp: &str,
    ) -> Result<(AudioPeer, String), RtcError> {
        let mut rtc = config(true).build(now);
        let candidate = Candidate::host(local, "udp").map_err(|e| RtcError::Sdp(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let offer =
            SdpOffer::from_sdp_string(offer_sdp).map_err(|e| RtcError::Sdp(e.to_string()))?;
        let answer = rtc.sdp_api().accept_offer(offer)?;
        Ok((
            AudioPeer {
                rtc,
                local,
                mid: None,
                pending: None,
                samples_sent: 0,
                connected: false,
                redundancy: Redundancy::default(),
                redundancy_allowed: true,
            },
            answer.to_sdp_string(),
        ))
    }

    /// Feeds a received datagram. Datagrams str0m does not recognise are dropped.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        from: SocketAddr,
        bytes: &[u8],
    ) -> Result<(), RtcError> {
        let Ok(contents) = bytes.try_into() else {
            return Ok(());
        };
        let input = Input::Receive(
            now,
            Receive {
                proto: Protocol::Udp,
                source: from,
                destination: self.local,
                contents,
            },
        );
        if self.rtc.accepts(&input) {
            self.rtc.handle_input(input)?;
        }
        Ok(())
    }

    /// Advances time.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), RtcError> {
        self.rtc.handle_input(Input::Timeout(now))?;
        Ok(())
    }

    /// Sends one 20 ms Opus frame. Dropped silently before the media path is up (so the far
    /// end's first packet is live audio, not a backlog) or the track is negotiated.
    pub fn send_opus(&mut self, now: Instant, packet: &[u8]) -> Result<(), RtcError> {
        if !self.connected {
            return Ok(());
        }
        let Some(mid) = self.mid else { return Ok(()) };
        let Some(writer) = self.rtc.writer(mid) else {
            return Ok(());
        };
        let Some(pt) = writer
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .map(|p| p.pt())
        else {
            return Ok(());
        };
        let time = MediaTime::new(self.samples_sent, Frequency::FORTY_EIGHT_KHZ);
        self.samples_sent += u64::from(ringdesk_media::ROOM_FRAME_SAMPLES as u32);
        writer.write(pt, now, time, packet.to_vec())?;
        Ok(())
    }

    /// Never sends redundant frames: for a network test, which counts the link's loss from
    /// its probes and must not have RED copies fill the gaps.
    pub fn without_redundancy(mut self) -> Self {
        self.redundancy_allowed = false;
        self
    }

    /// Next output; drain until [`PeerOutput::Timeout`] after every handle/send call.
    pub fn poll_output(&mut self) -> Result<PeerOutput, RtcError> {
        loop {
            match self.rtc.poll_output()? {
                Output::Timeout(t) => return Ok(PeerOutput::Timeout(t)),
                Output::Transmit(t) => {
                    return Ok(PeerOutput::Transmit {
                        to: t.destination,
                        bytes: t.contents.to_vec(),
                    });
                }
                Output::Event(e) => match e {
                    Event::Connected => {
                        self.connected = true;
                        // str0m wraps in RED whenever it is negotiated; we do only while the
                        // far end loses (and set it again when that changes, below).
                        if let Some(mid) = self.mid {
                            let on = self.redundancy_allowed && self.redundancy.on();
                            self.rtc.direct_api().set_red_send(mid, on);
                        }
                        return Ok(PeerOutput::Connected);
                    }
                    Event::IceConnectionStateChange(IceConnectionState::Disconnected)
                    | Event::Closed => {
                        return Ok(PeerOutput::Disconnected);
                    }
                    Event::MediaAdded(m) if m.kind == MediaKind::Audio && self.mid.is_none() => {
                        self.mid = Some(m.mid);
                    }
                    Event::MediaEgressStats(stats)
                        if Some(stats.mid) == self.mid && self.redundancy_allowed =>
                    {
                        if let Some(on) = stats
                            .loss
                            .and_then(|loss| self.redundancy.observe(stats.timestamp, loss))
                        {
                            tracing::debug!("redundant audio {}", if on { "on" } else { "off" });
                            self.rtc.direct_api().set_red_send(stats.mid, on);
                        }
                    }
                    Event::MediaData(d) => {
                        let sequence = *d.seq_range.start();
                        return Ok(PeerOutput::Audio(AudioPacket {
                            sequence: *sequence as u16,
                            timestamp: d.time.numer() as u32,
                            payload: d.data.to_vec(),
                        }));
                    }
                    _ => {}
                },
            }
        }
    }
}

/// Events from a driven peer.
#[derive(Debug)]
pub enum PeerEvent {
    /// Media path is up.
    Connected,
    /// Audio arrived.
    Audio(AudioPacket),
    /// The peer is gone (ICE failure, remote close, or the owner dropped the link).
    Closed(String),
}

/// The owner's end of a driven peer.
#[derive(Debug)]
pub struct PeerLink {
    /// Opus frames to send.
    pub send: mpsc::UnboundedSender<Vec<u8>>,
    /// What happened.
    pub events: mpsc::UnboundedReceiver<PeerEvent>,
}

/// Runs `peer` on `socket` in a new task. Dropping [`PeerLink::send`] ends the task.
pub fn spawn_udp_peer(peer: AudioPeer, socket: UdpSocket) -> PeerLink {
    let (send_tx, send_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let reason = match drive(peer, socket, send_rx, &event_tx).await {
            Ok(reason) => reason,
            Err(e) => e.to_string(),
        };
        let _ = event_tx.send(PeerEvent::Closed(reason));
    });
    PeerLink {
        send: send_tx,
        events: event_rx,
    }
}

async fn drive(
    mut peer: AudioPeer,
    socket: UdpSocket,
    mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
    events: &mpsc::UnboundedSender<PeerEvent>,
) -> Result<String, RtcError> {
    let mut buf = vec![0u8; 2000];
    loop {
        let deadline = loop {
            match peer.poll_output()? {
                PeerOutput::Timeout(t) => break t,
                PeerOutput::Transmit { to, bytes } => {
                    if let Err(e) = socket.send_to(&bytes, to).await {
                        tracing::debug!("webrtc send failed: {e}");
                    }
                }
                PeerOutput::Connected => {
                    let _ = events.send(PeerEvent::Connected);
                }
                PeerOutput::Disconnected => return Ok("ice disconnected".into()),
                PeerOutput::Audio(a) => {
                    let _ = events.send(PeerEvent::Audio(a));
                }
            }
        };
        tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, from)) => peer.handle_datagram(Instant::now(), from, &buf[..n])?,
                Err(e) => tracing::debug!("webrtc receive error: {e}"),
            },
            frame = outgoing.recv() => match frame {
                Some(f) => peer.send_opus(Instant::now(), &f)?,
                None => return Ok("closed by owner".into()),
            },
            _ = tokio::time::sleep_until(deadline.into()) => peer.handle_timeout(Instant::now())?,
        }
    }
}

/// Installs the process-wide crypto providers once: rustls (HTTPS/WSS) and str0m (DTLS-SRTP)
/// both use aws-lc-rs, so a process carries one crypto library, not two.
pub fn install_crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        str0m::crypto::from_feature_flags().install_process_default();
    });
}

/// The local address the OS would use to reach `remote` — the right host candidate for an
/// agent talking to a given cloud (no packets are sent).
pub fn local_ip_towards(remote: std::net::IpAddr) -> std::io::Result<std::net::IpAddr> {
    let bind = if remote.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let s = std::net::UdpSocket::bind(bind)?;
    s.connect(SocketAddr::new(remote, 9))?;
    Ok(s.local_addr()?.ip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Drains one peer: returns datagrams to deliver and notes events.
    fn drain(
        peer: &mut AudioPeer,
        connected: &mut bool,
        audio: &mut Vec<AudioPacket>,
    ) -> Vec<(SocketAddr, Vec<u8>)> {
        let mut wire = Vec::new();
        loop {
            match peer.poll_output().unwrap() {
                PeerOutput::Timeout(_) => return wire,
                PeerOutput::Transmit { to, bytes } => wire.push((to, bytes)),
                PeerOutput::Connected => *connected = true,
                PeerOutput::Audio(p) => audio.push(p),
                PeerOutput::Disconnected => panic!("disconnected"),
            }
        }
    }

    /// Offerer and ICE-lite answerer joined by an in-memory network on a virtual clock
    /// (str0m's own test style): they connect and Opus frames cross in both directions.
    #[test]
    fn offer_answer_connect_and_carry_audio() {
        let _ = std::panic::catch_unwind(|| {
            str0m::crypto::from_feature_flags().install_process_default()
        });
        let mut now = Instant::now();
        let a_addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let b_addr: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        let (mut a, offer) = AudioPeer::offer(now, a_addr).unwrap();
        assert!(offer.contains("opus/48000/2"), "{offer}");
        let (mut b, answer) = AudioPeer::answer(now, b_addr, &offer).unwrap();
        a.accept_answer(&answer).unwrap();
        let (mut a_up, mut b_up) = (false, false);
        let (mut a_heard, mut b_heard) = (Vec::new(), Vec::new());
        for step in 0..400 {
            let to_b = drain(&mut a, &mut a_up, &mut a_heard);
            let to_a = drain(&mut b, &mut b_up, &mut b_heard);
            for (to, bytes) in to_b {
                assert_eq!(to, b_addr);
                b.handle_datagram(now, a_addr, &bytes).unwrap();
            }
            for (to, bytes) in to_a {
                assert_eq!(to, a_addr);
                a.handle_datagram(now, b_addr, &bytes).unwrap();
            }
            now += Duration::from_millis(10);
            a.handle_timeout(now).unwrap();
            b.handle_timeout(now).unwrap();
            if a_up && b_up && step % 2 == 0 {
                a.send_opus(now, &[0xF8, 1, 2, 3]).unwrap();
                b.send_opus(now, &[0xF8, 4, 5, 6]).unwrap();
            }
        }
        assert!(a_up && b_up, "both ends connect");
        assert!(
            b_heard.len() > 10 && a_heard.len() > 10,
            "{} / {}",
            a_heard.len(),
            b_heard.len()
        );
        assert_eq!(b_heard[0].payload, vec![0xF8, 1, 2, 3]);
        assert_eq!(a_heard[0].payload, vec![0xF8, 4, 5, 6]);
        let steps: Vec<u32> = b_heard
            .windows(2)
            .map(|w| w[1].timestamp.wrapping_sub(w[0].timestamp))
            .collect();
        assert!(
            steps.iter().all(|s| *s == 960),
            "20 ms at 48 kHz per packet: {steps:?}"
        );
    }

    /// Two connected-up peers on a virtual clock, the network between them a function that
    /// may drop, hold or reorder what `a` sends.
    struct Pair {
        a: AudioPeer,
        b: AudioPeer,
        up: (bool, bool),
        heard: (Vec<AudioPacket>, Vec<AudioPacket>),
        now: Instant,
    }

    impl Pair {
        /// Offerer on `a_port`, answerer on `b_port`, connected over a clean network; also
        /// returns the offer.
        /// `plain`: the offerer never sends redundancy (as a network test's).
        fn connect(a_port: u16, b_port: u16, plain: bool) -> (Pair, String) {
            let _ = std::panic::catch_unwind(|| {
                str0m::crypto::from_feature_flags().install_process_default()
            });
            let now = Instant::now();
            let local = |port| SocketAddr::from(([127, 0, 0, 1], port));
            let (a, offer) = AudioPeer::offer(now, local(a_port)).unwrap();
            let a = if plain { a.without_redundancy() } else { a };
            let (b, answer) = AudioPeer::answer(now, local(b_port), &offer).unwrap();
            let mut pair = Pair {
                a,
                b,
                up: (false, false),
                heard: (Vec::new(), Vec::new()),
                now,
            };
            pair.a.accept_answer(&answer).unwrap();
            for _ in 0..100 {
                pair.exchange(&mut |bytes| vec![bytes], Duration::from_millis(10));
            }
            assert!(pair.up.0 && pair.up.1, "both ends connect");
            (pair, offer)
        }

        fn exchange(&mut self, network: &mut dyn FnMut(Vec<u8>) -> Vec<Vec<u8>>, step: Duration) {
            let (a_addr, b_addr) = (self.a.local, self.b.local);
            for (_, bytes) in drain(&mut self.a, &mut self.up.0, &mut self.heard.0) {
                for bytes in network(bytes) {
                    self.b.handle_datagram(self.now, a_addr, &bytes).unwrap();
                }
            }
            for (_, bytes) in drain(&mut self.b, &mut self.up.1, &mut self.heard.1) {
                self.a.handle_datagram(self.now, b_addr, &bytes).unwrap();
            }
            self.now += step;
            self.a.handle_timeout(self.now).unwrap();
            self.b.handle_timeout(self.now).unwrap();
        }

        /// Sends `frames` Opus frames from a to b at 20 ms, numbering each in its payload from
        /// `*frame` on; `drop(n)` decides the fate of the n-th media packet of this phase.
        /// Returns the payload types seen on the wire and the frame numbers b heard.
        fn send_frames(
            &mut self,
            frame: &mut u16,
            frames: u16,
            drop: &dyn Fn(u16) -> bool,
        ) -> (Vec<u8>, Vec<u16>) {
            let (mut types, mut heard) = (Vec::new(), Vec::new());
            let mut n = 0_u16;
            for _ in 0..frames {
                let [hi, lo] = frame.to_be_bytes();
                self.a.send_opus(self.now, &[0xF8, hi, lo]).unwrap();
                *frame += 1;
                let before = self.heard.1.len();
                self.exchange(
                    &mut |bytes| {
                        if !is_rtp(&bytes) {
                            return vec![bytes];
                        }
                        types.push(payload_type(&bytes));
                        n += 1;
                        if drop(n - 1) { vec![] } else { vec![bytes] }
                    },
                    Duration::from_millis(20),
                );
                heard.extend(
                    self.heard.1[before..]
                        .iter()
                        .map(|p| u16::from_be_bytes([p.payload[1], p.payload[2]])),
                );
            }
            (types, heard)
        }
    }

    /// Whether a datagram is RTP media (not RTCP, STUN or DTLS).
    fn is_rtp(bytes: &[u8]) -> bool {
        bytes[0] >> 6 == 2 && !(72..=76).contains(&(bytes[1] & 0x7f))
    }

    /// A lost packet does not hold back the ones after it, and a late one is still handed
    /// over: ordering and concealment are the receiver's jitter buffer's job.
    #[test]
    fn packets_after_a_gap_or_out_of_order_are_handed_over_at_once() {
        let (mut pair, _) = Pair::connect(40004, 40005, false);
        // Frame 5 is lost on the way; frame 8 is overtaken by frame 9. (Frames are counted
        // as their packets go by: str0m sends each on a later poll than it was given.)
        let (mut sent, mut held) = (0_u8, None);
        let mut heard_after = Vec::new();
        for n in 0..20_u8 {
            pair.a.send_opus(pair.now, &[0xF8, n]).unwrap();
            let mut network = |bytes: Vec<u8>| {
                if !is_rtp(&bytes) {
                    return vec![bytes];
                }
                sent += 1;
                match sent - 1 {
                    5 => vec![],
                    8 => {
                        held = Some(bytes);
                        vec![]
                    }
                    9 => vec![bytes, held.take().expect("frame 8")],
                    _ => vec![bytes],
                }
            };
            let before = pair.heard.1.len();
            pair.exchange(&mut network, Duration::from_millis(20));
            heard_after.extend(pair.heard.1[before..].iter().map(|p| (sent, p.payload[1])));
        }
        // Each frame is heard in the exchange that delivered it: by then `sent` packets went.
        let when = |frame: u8| heard_after.iter().find(|h| h.1 == frame).map(|h| h.0);
        assert_eq!(when(5), None, "frame 5 was lost");
        assert_eq!(when(6), Some(7), "frame 6 is handed over as it arrives");
        assert_eq!(when(8), Some(10), "frame 8, late, is still handed over");
        assert_eq!(when(9), Some(10), "frame 9 with it");
    }

    /// The RTP payload type of a datagram.
    fn payload_type(bytes: &[u8]) -> u8 {
        bytes[1] & 0x7f
    }

    /// Plain Opus on a clean link; once the far end reports loss, each packet also carries the
    /// two frames before it (RED), and a burst of two lost packets is rebuilt from the next.
    #[test]
    fn reported_loss_turns_on_redundancy_that_rebuilds_a_burst() {
        let (mut pair, offer) = Pair::connect(40006, 40007, false);
        assert!(offer.contains("red/48000/2"), "{offer}");
        let mut frame = 1_u16;
        let (clean, _) = pair.send_frames(&mut frame, 100, &|_| false);
        let opus = clean[0];
        assert!(
            clean.iter().all(|t| *t == opus),
            "clean: one payload type {clean:?}"
        );
        // One packet in eight lost (12 %) for six seconds: the reports say so.
        let (lossy, _) = pair.send_frames(&mut frame, 300, &|n| n % 8 == 7);
        let red = *lossy.last().unwrap();
        assert_ne!(red, opus, "redundancy after reported loss");
        // Two packets in a row lost: every frame is heard all the same.
        let first = frame;
        let (_, heard) = pair.send_frames(&mut frame, 20, &|n| n == 10 || n == 11);
        for f in first + 5..first + 15 {
            assert!(
                heard.contains(&f),
                "frame {f} rebuilt from redundancy: {heard:?}"
            );
        }
    }

    /// A network test counts the link's loss from its probes: its peer sends every packet
    /// plain, even once the far end reports loss.
    #[test]
    fn a_peer_without_redundancy_never_sends_copies() {
        let (mut pair, _) = Pair::connect(40008, 40009, true);
        // One packet in eight lost for six seconds: the reports say 12 %.
        let (types, heard) = pair.send_frames(&mut 1, 300, &|n| n % 8 == 7);
        assert!(types.len() > 250, "{}", types.len());
        assert!(
            types.iter().all(|t| *t == types[0]),
            "one payload type: {types:?}"
        );
        assert!(heard.len() < types.len(), "the losses are not filled in");
    }

    /// An owner may hand frames over before the media path is up (a room sends every leg its
    /// mix from the moment it joins); what the far end hears first must be live audio, not the
    /// set-up time's backlog played late.
    #[test]
    fn frames_given_before_the_link_is_up_are_not_sent_later() {
        let _ = std::panic::catch_unwind(|| {
            str0m::crypto::from_feature_flags().install_process_default()
        });
        let mut now = Instant::now();
        let a_addr: SocketAddr = "127.0.0.1:40002".parse().unwrap();
        let b_addr: SocketAddr = "127.0.0.1:40003".parse().unwrap();
        let (mut a, offer) = AudioPeer::offer(now, a_addr).unwrap();
        let (mut b, answer) = AudioPeer::answer(now, b_addr, &offer).unwrap();
        a.accept_answer(&answer).unwrap();
        let (mut a_up, mut b_up) = (false, false);
        let (mut a_heard, mut b_heard) = (Vec::new(), Vec::new());
        let mut a_up_at = None;
        // Long enough for DTLS's retransmission back-off: the cloud's first handshake
        // packets were lost while the checks did not arrive, and its timer doubles (a 2 s run
        // failed one time in twenty).
        for step in 0..1000u16 {
            let to_b = drain(&mut a, &mut a_up, &mut a_heard);
            let to_a = drain(&mut b, &mut b_up, &mut b_heard);
            // The agent's checks reach the cloud only after a while (the answer travels over
            // the WebSocket, the machine is busy): the room has been sending all along.
            if step >= 60 {
                for (_, bytes) in to_b {
                    b.handle_datagram(now, a_addr, &bytes).unwrap();
                }
            }
            for (_, bytes) in to_a {
                a.handle_datagram(now, b_addr, &bytes).unwrap();
            }
            if a_up {
                a_up_at.get_or_insert(step);
            }
            now += Duration::from_millis(10);
            a.handle_timeout(now).unwrap();
            b.handle_timeout(now).unwrap();
            // The owner sends every 20 ms whether or not the link is up yet.
            if step % 2 == 0 {
                let [hi, lo] = step.to_be_bytes();
                a.send_opus(now, &[0xF8, hi, lo]).unwrap();
            }
        }
        let a_up_at = a_up_at.expect("the link comes up");
        assert!(a_up_at > 0, "set-up takes some steps");
        let first = &b_heard.first().expect("audio flows once up").payload;
        let sent_at = u16::from_be_bytes([first[1], first[2]]);
        assert!(
            sent_at >= a_up_at,
            "the first frame heard was given at step {sent_at}, before the link was up at {a_up_at}"
        );
    }
}
