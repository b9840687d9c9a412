//! A call's room: the media anchor every leg of a call joins (DESIGN.md "every call is a room").
//!
//! One task per call owns the customer's RTP socket and every manager leg's receive path and
//! encoder. Every 20 ms it takes one frame from each leg's jitter buffer, mixes per listener
//! (each hears everyone but themselves), and sends each leg its mix: G.711 over RTP to the
//! trunk, Opus over WebRTC to managers. While nobody has answered, the customer hears
//! ringback instead; on a call a manager placed it is the other way round: the manager hears
//! our ringback until the carrier's early media or the answer. RFC 4733 digits from the
//! customer come out as [`RoomEvent::CustomerDigit`].

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use ringdesk_core::{CallId, ManagerId};
use ringdesk_media::dtmf::{DtmfReceiver, digit_packets};
use ringdesk_media::g711::G711Law;
use ringdesk_media::inbound::{G711Inbound, OpusInbound};
use ringdesk_media::mixer::{Hold, mix_room};
use ringdesk_media::opus_codec::OpusEncoder;
use ringdesk_media::prompt::{LoopingPlayer, Prompt};
use ringdesk_media::resample::Resampler;
use ringdesk_media::rtp::{RtpPacket, RtpSequencer, is_rtcp};
use ringdesk_media::tone::ToneGenerator;
use ringdesk_media::{NB_FRAME_SAMPLES, ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};
use ringdesk_rtc::{AudioPeer, PeerEvent, spawn_udp_peer};
use ringdesk_sip::sdp::{G711, Negotiated};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// Opus bitrate toward managers: wideband voice with room for FEC.
const OPUS_BITRATE_BPS: i32 = 32_000;
/// DTMF tone length we send (RFC 4733 events), 100 ms at 8 kHz.
const DTMF_DURATION_SAMPLES: u16 = 800;

/// Requests to a room.
#[derive(Debug)]
pub enum RoomCommand {
    /// Join a manager's WebRTC leg; replies with the SDP answer.
    AddManager {
        /// Who joins.
        manager: ManagerId,
        /// Their SDP offer.
        offer: String,
        /// The answer, or why not.
        reply: oneshot::Sender<Result<String, String>>,
    },
    /// A manager leaves.
    RemoveManager {
        /// Who leaves.
        manager: ManagerId,
    },
    /// Send DTMF to the customer.
    SendDtmf {
        /// Digits.
        digits: String,
    },
    /// Someone answered: stop the ringback.
    StopRingback,
    /// The placed call's media is known (from the carrier's early media or its answer):
    /// where to send RTP and in which codec. Our own ringback stops: the carrier's audio
    /// takes over.
    CustomerMedia(Negotiated),
    /// The customer goes on hold (hears the hold music, and no manager hears them) or comes
    /// back. The music starts from its beginning each time.
    SetHold {
        /// On hold.
        held: bool,
    },
}

/// What a room reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomEvent {
    /// The customer pressed a key.
    CustomerDigit {
        /// The digit.
        digit: char,
    },
    /// A manager's first audio reached the room (answer-to-audio figure).
    ManagerAudioStarted {
        /// Whose.
        manager: ManagerId,
    },
    /// No RTP from the answered customer for the configured time.
    CustomerMediaTimeout,
    /// A manager's media leg failed (ICE/DTLS gone).
    ManagerLegLost {
        /// Whose.
        manager: ManagerId,
        /// Why.
        reason: String,
    },
}

/// The handle the dispatcher keeps; dropping it closes the room.
#[derive(Debug, Clone)]
pub struct RoomHandle {
    tx: mpsc::UnboundedSender<RoomCommand>,
}

impl RoomHandle {
    /// Queues a command (a closed room ignores it).
    pub fn send(&self, c: RoomCommand) {
        let _ = self.tx.send(c);
    }
}

/// The customer's side of the media, as negotiated on the trunk.
#[derive(Debug)]
pub struct CustomerMedia {
    /// Bound RTP socket (its address is in our SDP).
    pub socket: UdpSocket,
    /// Codec, payload types and the remote RTP address; `None` for a call we place, until
    /// the carrier answers our offer ([`RoomCommand::CustomerMedia`]).
    pub negotiated: Option<Negotiated>,
}

struct ManagerLeg {
    id: ManagerId,
    send: mpsc::UnboundedSender<Vec<u8>>,
    inbound: OpusInbound,
    encoder: OpusEncoder,
    heard: bool,
}

struct CustomerLeg {
    socket: UdpSocket,
    /// Where RTP goes; `None` while a placed call has no answer to our offer yet.
    remote: Option<SocketAddr>,
    latched: bool,
    law: G711Law,
    codec_pt: u8,
    event_pt: Option<u8>,
    inbound: G711Inbound,
    downsampler: Resampler,
    sequencer: RtpSequencer,
    dtmf_in: DtmfReceiver,
    dtmf_out: VecDeque<(bool, [u8; 4])>,
    dtmf_timestamp: u32,
    /// Ringback the customer hears while the managers' apps ring (a call that came in).
    ringback: Option<ToneGenerator>,
    /// Ringback the managers hear while the party they called rings (a call we placed).
    ringback_to_managers: Option<ToneGenerator>,
    /// What the customer hears while on hold (hold music in a loop); `None` when not held.
    hold: Option<LoopingPlayer>,
    /// Last RTP from the customer since the answer; `None` while ringing (callers need not
    /// send media before they are answered).
    last_rtp: Option<Instant>,
    rtp_timeout: Duration,
    timed_out: bool,
}

/// What every room of the service shares.
#[derive(Debug, Clone)]
pub struct RoomMedia {
    /// Manager legs bind their UDP sockets here.
    pub ip: IpAddr,
    /// An answered customer silent this long is reported as
    /// [`RoomEvent::CustomerMediaTimeout`].
    pub rtp_timeout: Duration,
    /// What held customers hear.
    pub hold_music: Prompt,
}

/// Starts a room for `call`.
pub fn spawn_room(
    call: CallId,
    customer: CustomerMedia,
    media: RoomMedia,
    events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
) -> RoomHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let placed = customer.negotiated.is_none();
    let seed: u64 = rand::random();
    let mut leg = CustomerLeg {
        socket: customer.socket,
        remote: None,
        latched: false,
        law: G711Law::Mu,
        codec_pt: 0,
        event_pt: None,
        inbound: G711Inbound::new(G711Law::Mu),
        downsampler: Resampler::new(ROOM_RATE_HZ, 8_000),
        // RFC 3550 §5.1: random initial sequence number and timestamp.
        sequencer: RtpSequencer::new(seed as u32, (seed >> 32) as u16, (seed >> 16) as u32),
        dtmf_in: DtmfReceiver::default(),
        dtmf_out: VecDeque::new(),
        dtmf_timestamp: 0,
        ringback: (!placed).then(|| ToneGenerator::korean_ringback(8_000)),
        ringback_to_managers: placed.then(|| ToneGenerator::korean_ringback(ROOM_RATE_HZ)),
        hold: None,
        last_rtp: None,
        rtp_timeout: media.rtp_timeout,
        timed_out: false,
    };
    if let Some(n) = customer.negotiated {
        leg.set_media(n);
    }
    tokio::spawn(run(call, leg, media, rx, events));
    RoomHandle { tx }
}

impl CustomerLeg {
    /// Takes the trunk's negotiated codec and RTP address.
    fn set_media(&mut self, n: Negotiated) {
        let law = match n.codec {
            G711::Pcmu => G711Law::Mu,
            G711::Pcma => G711Law::A,
        };
        if self.remote.is_none() || law != self.law {
            self.inbound = G711Inbound::new(law);
        }
        if !self.latched {
            self.remote = Some(n.remote_rtp);
        }
        self.law = law;
        self.codec_pt = n.codec_pt;
        self.event_pt = n.telephone_event_pt;
    }
}

async fn run(
    call: CallId,
    mut customer: CustomerLeg,
    media: RoomMedia,
    mut commands: mpsc::UnboundedReceiver<RoomCommand>,
    events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
) {
    let mut managers: Vec<ManagerLeg> = Vec::new();
    let (leg_tx, mut leg_rx) = mpsc::unbounded_channel::<(ManagerId, PeerEvent)>();
    let mut tick =
        tokio::time::interval(Duration::from_millis(u64::from(ringdesk_media::FRAME_MS)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut buf = vec![0u8; 2048];
    let mut frames: Vec<Vec<i16>> = Vec::new();
    let mut mixes: Vec<Vec<i16>> = Vec::new();
    let mut tap: Vec<i16> = Vec::new();
    let mut music = vec![0i16; ROOM_FRAME_SAMPLES];
    let mut narrow: Vec<i16> = Vec::with_capacity(NB_FRAME_SAMPLES);
    let mut packet = Vec::with_capacity(200);
    loop {
        tokio::select! {
            r = customer.socket.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { continue };
                customer_packet(call, &mut customer, Instant::now(), from, &buf[..n], &events);
            }
            Some((manager, ev)) = leg_rx.recv() => match ev {
                PeerEvent::Audio(a) => {
                    if let Some(leg) = managers.iter_mut().find(|l| l.id == manager) {
                        leg.inbound.push(Instant::now(), a.sequence, a.timestamp, a.payload);
                        if !leg.heard {
                            leg.heard = true;
                            let _ = events.send((call, RoomEvent::ManagerAudioStarted { manager }));
                        }
                    }
                }
                PeerEvent::Connected => tracing::debug!(%call, %manager, "manager media connected"),
                PeerEvent::Closed(reason) => {
                    if managers.iter().any(|l| l.id == manager) {
                        managers.retain(|l| l.id != manager);
                        let _ = events.send((call, RoomEvent::ManagerLegLost { manager, reason }));
                    }
                }
            },
            c = commands.recv() => {
                let Some(c) = c else { break };
                match c {
                    RoomCommand::AddManager { manager, offer, reply } => {
                        let r = add_manager(manager, &offer, media.ip, &leg_tx).await;
                        match r {
                            Ok((leg, answer)) => {
                                managers.retain(|l| l.id != manager);
                                managers.push(leg);
                                let _ = reply.send(Ok(answer));
                            }
                            Err(e) => { let _ = reply.send(Err(e)); }
                        }
                    }
                    RoomCommand::RemoveManager { manager } => managers.retain(|l| l.id != manager),
                    RoomCommand::SendDtmf { digits } => {
                        for d in digits.chars() {
                            if let Some(p) = digit_packets(d, DTMF_DURATION_SAMPLES, NB_FRAME_SAMPLES as u16) {
                                customer.dtmf_out.extend(p);
                            }
                        }
                    }
                    RoomCommand::StopRingback => {
                        customer.ringback = None;
                        customer.ringback_to_managers = None;
                        customer.last_rtp = Some(Instant::now());
                    }
                    RoomCommand::CustomerMedia(n) => {
                        customer.set_media(n);
                        customer.ringback_to_managers = None;
                    }
                    RoomCommand::SetHold { held } => {
                        customer.hold = held.then(|| media.hold_music.looping());
                    }
                }
            }
            _ = tick.tick() => {
                let now = Instant::now();
                if !customer.timed_out
                    && customer.last_rtp.is_some_and(|t| now.duration_since(t) > customer.rtp_timeout)
                {
                    customer.timed_out = true;
                    let _ = events.send((call, RoomEvent::CustomerMediaTimeout));
                }
                frames.resize_with(1 + managers.len(), Vec::new);
                customer.inbound.pop_frame(now, &mut frames[0]);
                for (leg, frame) in managers.iter_mut().zip(frames.iter_mut().skip(1)) {
                    leg.inbound.pop_frame(now, frame);
                }
                let inputs: Vec<&[i16]> = frames.iter().map(|f| f.as_slice()).collect();
                let hold = match &mut customer.hold {
                    Some(player) => {
                        player.fill(&mut music);
                        Hold::On { customer: 0, music: &music }
                    }
                    None => Hold::Off,
                };
                // The tap (every voice, never the music) is what the recorder will take.
                mix_room(&inputs, hold, &mut mixes, &mut tap);
                narrow.clear();
                match &mut customer.ringback {
                    Some(tone) => {
                        narrow.resize(NB_FRAME_SAMPLES, 0);
                        tone.fill(&mut narrow);
                    }
                    None => {
                        customer.downsampler.process(&mixes[0], &mut narrow);
                        narrow.resize(NB_FRAME_SAMPLES, 0);
                    }
                }
                if let Some(remote) = customer.remote {
                    packet.clear();
                    customer_frame(&mut customer, &narrow, &mut packet);
                    if let Err(e) = customer.socket.send_to(&packet, remote).await {
                        tracing::debug!(%call, "RTP send failed: {e}");
                    }
                }
                if let Some(tone) = &mut customer.ringback_to_managers {
                    // Nobody else can be in a placed call before its answer: the tone is all
                    // the manager hears.
                    tone.fill(&mut music);
                    for mix in mixes.iter_mut().skip(1) {
                        mix.clear();
                        mix.extend_from_slice(&music);
                    }
                }
                for (leg, mix) in managers.iter_mut().zip(mixes.iter().skip(1)) {
                    if let Ok(opus) = leg.encoder.encode(mix) {
                        let _ = leg.send.send(opus.to_vec());
                    }
                }
            }
        }
    }
}

/// Handles one datagram on the customer's RTP port.
fn customer_packet(
    call: CallId,
    customer: &mut CustomerLeg,
    now: Instant,
    from: SocketAddr,
    bytes: &[u8],
    events: &mpsc::UnboundedSender<(CallId, RoomEvent)>,
) {
    // Any RTP or RTCP counts as a live trunk (silence suppression may pause RTP, not RTCP).
    if customer.last_rtp.is_some() {
        customer.last_rtp = Some(now);
    }
    if is_rtcp(bytes) {
        return;
    }
    let Ok(rtp) = RtpPacket::parse(bytes) else {
        return;
    };
    if customer.remote.is_none() {
        return; // a placed call's media before we know its codec
    }
    // Symmetric RTP: answer where the media really comes from (NAT'd trunks), once.
    if !customer.latched {
        customer.latched = true;
        customer.remote = Some(from);
    }
    if Some(rtp.payload_type) == customer.event_pt {
        if let Ok(Some(digit)) = customer.dtmf_in.handle_packet(rtp.timestamp, rtp.payload) {
            let _ = events.send((call, RoomEvent::CustomerDigit { digit }));
        }
    } else if rtp.payload_type == customer.codec_pt {
        customer
            .inbound
            .push(now, rtp.sequence, rtp.timestamp, rtp.payload.to_vec());
    }
}

/// Builds the next RTP packet toward the customer: a telephone-event while DTMF is queued,
/// else the frame in G.711.
fn customer_frame(customer: &mut CustomerLeg, narrow: &[i16], packet: &mut Vec<u8>) {
    if let (Some(event_pt), Some((first, payload))) =
        (customer.event_pt, customer.dtmf_out.pop_front())
    {
        if first {
            customer.dtmf_timestamp = customer.sequencer.current_timestamp();
        }
        let sequence = customer.sequencer.next_sequence_only();
        customer.sequencer.skip(NB_FRAME_SAMPLES as u32);
        RtpPacket {
            marker: first,
            payload_type: event_pt,
            sequence,
            timestamp: customer.dtmf_timestamp,
            ssrc: customer.sequencer.ssrc,
            payload: &payload,
        }
        .write(packet);
        return;
    }
    let mut payload = Vec::with_capacity(NB_FRAME_SAMPLES);
    customer.law.encode_frame(narrow, &mut payload);
    let (sequence, timestamp) = customer.sequencer.next(NB_FRAME_SAMPLES as u32);
    RtpPacket {
        marker: false,
        payload_type: customer.codec_pt,
        sequence,
        timestamp,
        ssrc: customer.sequencer.ssrc,
        payload: &payload,
    }
    .write(packet);
}

async fn add_manager(
    manager: ManagerId,
    offer: &str,
    media_ip: IpAddr,
    leg_tx: &mpsc::UnboundedSender<(ManagerId, PeerEvent)>,
) -> Result<(ManagerLeg, String), String> {
    let socket = UdpSocket::bind(SocketAddr::new(media_ip, 0))
        .await
        .map_err(|e| format!("media socket: {e}"))?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let (peer, answer) =
        AudioPeer::answer(Instant::now(), local, offer).map_err(|e| e.to_string())?;
    let mut link = spawn_udp_peer(peer, socket);
    let forward = leg_tx.clone();
    tokio::spawn(async move {
        while let Some(ev) = link.events.recv().await {
            if forward.send((manager, ev)).is_err() {
                break;
            }
        }
    });
    let leg = ManagerLeg {
        id: manager,
        send: link.send,
        inbound: OpusInbound::new().map_err(|e| e.to_string())?,
        encoder: OpusEncoder::new(OPUS_BITRATE_BPS).map_err(|e| e.to_string())?,
        heard: false,
    };
    Ok((leg, answer))
}
