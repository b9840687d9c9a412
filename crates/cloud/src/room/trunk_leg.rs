//! One leg of a room that comes through the SIP trunk: the customer, or the party a manager
//! called on a parallel line. G.711 over RTP at 8 kHz, RFC 4733 digits both ways, symmetric RTP,
//! and the silence watchdog of an answered leg.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ringdesk_media::NB_FRAME_SAMPLES;
use ringdesk_media::ROOM_RATE_HZ;
use ringdesk_media::dtmf::{DtmfReceiver, digit_packets};
use ringdesk_media::g711::G711Law;
use ringdesk_media::inbound::G711Inbound;
use ringdesk_media::resample::Resampler;
use ringdesk_media::rtp::{RtpPacket, RtpSequencer, is_rtcp};
use ringdesk_sip::sdp::{G711, Negotiated};
use tokio::net::UdpSocket;

/// DTMF tone length we send (RFC 4733 events), 100 ms at 8 kHz.
const DTMF_DURATION_SAMPLES: u16 = 800;

/// A trunk leg's media state.
pub(super) struct TrunkLeg {
    pub socket: UdpSocket,
    /// Where RTP goes; `None` until the codec is known (a placed call before its answer), or
    /// after the leg hung up.
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
    /// Last RTP or RTCP since the answer; `None` before it (callers need not send media
    /// before they are answered) and after the leg hung up.
    last_rtp: Option<Instant>,
    rtp_timeout: Duration,
    timed_out: bool,
}

impl TrunkLeg {
    pub fn new(socket: UdpSocket, negotiated: Option<Negotiated>, rtp_timeout: Duration) -> Self {
        let seed: u64 = rand::random();
        let mut leg = TrunkLeg {
            socket,
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
            last_rtp: None,
            rtp_timeout,
            timed_out: false,
        };
        if let Some(n) = negotiated {
            leg.set_media(n);
        }
        leg
    }

    /// Takes the trunk's negotiated codec and RTP address.
    pub fn set_media(&mut self, n: Negotiated) {
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

    /// The leg is answered: from now on its silence counts.
    pub fn answered(&mut self, now: Instant) {
        self.last_rtp = Some(now);
    }

    /// The leg hung up: nothing more goes to it and its silence no longer counts.
    pub fn drop_media(&mut self) {
        self.remote = None;
        self.last_rtp = None;
    }

    /// Whether it just went silent for too long (reported once).
    pub fn check_timeout(&mut self, now: Instant) -> bool {
        if !self.timed_out
            && self
                .last_rtp
                .is_some_and(|t| now.duration_since(t) > self.rtp_timeout)
        {
            self.timed_out = true;
            return true;
        }
        false
    }

    /// Queues digits to send as RFC 4733 events.
    pub fn queue_digits(&mut self, digits: &str) {
        for d in digits.chars() {
            if let Some(p) = digit_packets(d, DTMF_DURATION_SAMPLES, NB_FRAME_SAMPLES as u16) {
                self.dtmf_out.extend(p);
            }
        }
    }

    /// Handles one datagram from the leg; returns a digit it completed.
    pub fn packet(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) -> Option<char> {
        // Any RTP or RTCP counts as a live trunk (silence suppression may pause RTP, not RTCP).
        if self.last_rtp.is_some() {
            self.last_rtp = Some(now);
        }
        if is_rtcp(bytes) || self.remote.is_none() {
            return None; // RTCP, or media before we know its codec
        }
        let rtp = RtpPacket::parse(bytes).ok()?;
        // Symmetric RTP: answer where the media really comes from (NAT'd trunks), once.
        if !self.latched {
            self.latched = true;
            self.remote = Some(from);
        }
        if Some(rtp.payload_type) == self.event_pt {
            return self
                .dtmf_in
                .handle_packet(rtp.timestamp, rtp.payload)
                .ok()
                .flatten();
        }
        if rtp.payload_type == self.codec_pt {
            self.inbound
                .push(now, rtp.sequence, rtp.timestamp, rtp.payload.to_vec());
        }
        None
    }

    /// Its next 20 ms frame at the room's rate.
    pub fn pop_frame(&mut self, now: Instant, out: &mut Vec<i16>) {
        self.inbound.pop_frame(now, out);
    }

    /// Sends what the leg hears this frame: `narrow` at 8 kHz when given (our ringback), else
    /// `wide` at the room's rate, resampled.
    pub async fn send(&mut self, wide: &[i16], narrow: Option<&[i16]>) -> std::io::Result<()> {
        let Some(remote) = self.remote else {
            return Ok(());
        };
        let mut frame = Vec::with_capacity(NB_FRAME_SAMPLES);
        match narrow {
            Some(n) => frame.extend_from_slice(n),
            None => self.downsampler.process(wide, &mut frame),
        }
        frame.resize(NB_FRAME_SAMPLES, 0);
        let mut packet = Vec::with_capacity(200);
        self.frame_packet(&frame, &mut packet);
        self.socket.send_to(&packet, remote).await.map(drop)
    }

    /// The next RTP packet: a telephone-event while DTMF is queued, else the frame in G.711.
    fn frame_packet(&mut self, narrow: &[i16], packet: &mut Vec<u8>) {
        if let (Some(event_pt), Some((first, payload))) = (self.event_pt, self.dtmf_out.pop_front())
        {
            if first {
                self.dtmf_timestamp = self.sequencer.current_timestamp();
            }
            let sequence = self.sequencer.next_sequence_only();
            self.sequencer.skip(NB_FRAME_SAMPLES as u32);
            RtpPacket {
                marker: first,
                payload_type: event_pt,
                sequence,
                timestamp: self.dtmf_timestamp,
                ssrc: self.sequencer.ssrc,
                payload: &payload,
            }
            .write(packet);
            return;
        }
        let mut payload = Vec::with_capacity(NB_FRAME_SAMPLES);
        self.law.encode_frame(narrow, &mut payload);
        let (sequence, timestamp) = self.sequencer.next(NB_FRAME_SAMPLES as u32);
        RtpPacket {
            marker: false,
            payload_type: self.codec_pt,
            sequence,
            timestamp,
            ssrc: self.sequencer.ssrc,
            payload: &payload,
        }
        .write(packet);
    }
}
