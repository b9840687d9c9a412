//! A bare SIP caller: one UDP socket for SIP, one for RTP (PCMU and RFC 4733 events), every
//! packet timestamped as it arrives — sipp and baresip cannot say when a prompt's first packet
//! reached them (the IVR figures), nor hand a test what the caller heard so far.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use std::collections::VecDeque;

use ringdesk_media::dtmf::digit_packets;
use ringdesk_media::g711::{G711Law, ulaw_decode, ulaw_encode};
use ringdesk_media::inbound::G711Inbound;
use ringdesk_media::resample::Resampler;
use ringdesk_media::tone::tone_energy_ratio;

use crate::impair::Relay;

/// One call from the caller's side.
pub struct RtpCaller {
    sip: UdpSocket,
    rtp: UdpSocket,
    cloud: SocketAddr,
    call_id: String,
    to_tag: String,
    media_to: SocketAddr,
    seq: u16,
    timestamp: u32,
}

/// How long a packet's tone must dominate it to count as the prompt (0..1 of its energy).
const TONE_SHARE: f64 = 0.6;

impl RtpCaller {
    /// Calls `number` at `cloud`; returns once the call is answered, with the moment the 200 OK
    /// arrived.
    pub fn call(cloud: SocketAddr, number: &str) -> (RtpCaller, Instant) {
        RtpCaller::call_from(cloud, number, "01012345678")
    }

    /// [`RtpCaller::call`] from the caller `from` (as a Korean carrier presents it).
    pub fn call_from(cloud: SocketAddr, number: &str, from: &str) -> (RtpCaller, Instant) {
        match RtpCaller::try_call_from(cloud, number, from) {
            Ok(answered) => answered,
            Err(response) => panic!("the call was refused: {response}"),
        }
    }

    /// [`RtpCaller::call_from`], or the final response that refused the call.
    pub fn try_call_from(
        cloud: SocketAddr,
        number: &str,
        from: &str,
    ) -> Result<(RtpCaller, Instant), String> {
        RtpCaller::try_call_via(cloud, number, from, None)
    }

    /// [`RtpCaller::call`] with the media through `relay` both ways (the network emulator in
    /// front of the customer's leg): the offer names the relay's far side, so the cloud's
    /// media comes back through it, and the caller sends to the relay.
    pub fn call_through(cloud: SocketAddr, number: &str, relay: &Relay) -> (RtpCaller, Instant) {
        match RtpCaller::try_call_via(cloud, number, "01012345678", Some(relay)) {
            Ok(answered) => answered,
            Err(response) => panic!("the call was refused: {response}"),
        }
    }

    fn try_call_via(
        cloud: SocketAddr,
        number: &str,
        from: &str,
        relay: Option<&Relay>,
    ) -> Result<(RtpCaller, Instant), String> {
        let sip = UdpSocket::bind("127.0.0.1:0").unwrap();
        let rtp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let sip_port = sip.local_addr().unwrap().port();
        let rtp_port = relay
            .map(|r| r.far_side)
            .unwrap_or_else(|| rtp.local_addr().unwrap())
            .port();
        let call_id = format!("rtp-caller-{}@127.0.0.1", rand_id());
        let sdp = format!(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {rtp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n"
        );
        let invite = format!(
            "INVITE sip:{number}@{cloud} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{sip_port};branch=z9hG4bK{call_id}\r\nFrom: <sip:{from}@127.0.0.1>;tag=caller\r\nTo: <sip:{number}@{cloud}>\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:{sip_port}>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
            sdp.len()
        );
        sip.send_to(invite.as_bytes(), cloud).unwrap();
        sip.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 8192];
        loop {
            let (n, _) = sip
                .recv_from(&mut buf)
                .expect("the cloud answers the INVITE");
            let answered = Instant::now();
            let text = String::from_utf8_lossy(&buf[..n]).to_string();
            let status: u16 = text
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if status < 200 {
                continue;
            }
            if status != 200 {
                let ack = format!(
                    "ACK sip:{number}@{cloud} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{sip_port};branch=z9hG4bK{call_id}\r\nFrom: <sip:{from}@127.0.0.1>;tag=caller\r\n{}\r\nCall-ID: {call_id}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
                    text.lines()
                        .find(|l| l.starts_with("To:"))
                        .unwrap_or("To: <sip:x@x>")
                );
                sip.send_to(ack.as_bytes(), cloud).unwrap();
                return Err(text);
            }
            let to_tag = header(&text, "To")
                .and_then(|to| to.split(";tag=").nth(1))
                .map(|t| t.split(';').next().unwrap_or(t).trim().to_string())
                .expect("a To tag");
            let media_ip = text
                .lines()
                .find_map(|l| l.strip_prefix("c=IN IP4 "))
                .expect("c= line")
                .trim()
                .to_string();
            let media_port = text
                .lines()
                .find_map(|l| l.strip_prefix("m=audio "))
                .and_then(|m| m.split_whitespace().next())
                .expect("m= line");
            let mut media_to: SocketAddr = format!("{media_ip}:{media_port}").parse().unwrap();
            if let Some(relay) = relay {
                relay.connect(media_to);
                media_to = relay.addr;
            }
            let caller = RtpCaller {
                sip,
                rtp,
                cloud,
                call_id,
                to_tag,
                media_to,
                seq: 1,
                timestamp: 0,
            };
            caller.send_in_dialog("ACK", 1);
            return Ok((caller, answered));
        }
    }

    fn send_in_dialog(&self, method: &str, cseq: u32) {
        let port = self.sip.local_addr().unwrap().port();
        let msg = format!(
            "{method} sip:ringdesk@{} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{method}{}\r\nFrom: <sip:01012345678@127.0.0.1>;tag=caller\r\nTo: <sip:ringdesk@{}>;tag={}\r\nCall-ID: {}\r\nCSeq: {cseq} {method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
            self.cloud,
            rand_id(),
            self.cloud,
            self.to_tag,
            self.call_id
        );
        self.sip.send_to(msg.as_bytes(), self.cloud).unwrap();
    }

    /// Sends RTP every 20 ms (silence, or `key` as an RFC 4733 event once its time is reached:
    /// 100 ms of tone, then its three end packets, on the stream's clock) and watches what
    /// arrives, until the first packet in which `freq_hz` dominates — from the key's first
    /// packet on, if one is pressed. Returns when that packet arrived, and when the key's first
    /// packet was sent (the cloud acts on it: a key is known from its start).
    pub fn until_tone(
        &mut self,
        freq_hz: f64,
        press: Option<(char, Instant)>,
        limit: Duration,
    ) -> (Instant, Option<Instant>) {
        let deadline = Instant::now() + limit;
        let mut next_send = Instant::now();
        let mut key: VecDeque<(bool, [u8; 4])> = VecDeque::new();
        let mut key_timestamp = 0;
        let mut key_sent: Option<Instant> = None;
        let mut buf = [0u8; 2048];
        self.rtp
            .set_read_timeout(Some(Duration::from_millis(2)))
            .unwrap();
        loop {
            let now = Instant::now();
            assert!(now < deadline, "no {freq_hz} Hz prompt within {limit:?}");
            // The key starts when it is pressed, whatever the phase of the 20 ms sending so
            // far, and its packets replace the audio (as a phone sends them).
            if key_sent.is_none()
                && let Some((digit, at)) = press
                && now >= at
            {
                key = digit_packets(digit, 800, 160).expect("a DTMF key").into();
                key_timestamp = self.timestamp.wrapping_add(160);
                key_sent = Some(now);
                next_send = now;
            }
            if now >= next_send {
                next_send += Duration::from_millis(20);
                match key.pop_front() {
                    Some((marker, payload)) => {
                        self.timestamp = self.timestamp.wrapping_add(160);
                        self.send_rtp(101, key_timestamp, marker, &payload);
                    }
                    None => self.send_silence(),
                }
            }
            if let Some(samples) = self.receive_pcmu(&mut buf) {
                let arrived = Instant::now();
                let loud = samples.iter().any(|s| s.unsigned_abs() > 500);
                if loud
                    && tone_energy_ratio(&samples, 8_000, freq_hz) > TONE_SHARE
                    && (press.is_none() || key_sent.is_some())
                {
                    return (arrived, key_sent);
                }
            }
        }
    }

    /// Listens for `length` (sending silence every 20 ms, as a phone does) and returns what
    /// arrived, decoded: 8 kHz samples in arrival order.
    pub fn listen(&mut self, length: Duration) -> Vec<i16> {
        self.talk(&vec![0; length.as_millis() as usize * 8])
    }

    /// Says `samples` (8 kHz), one 20 ms PCMU packet at a time in real time, and returns what
    /// arrived meanwhile, decoded, in arrival order.
    pub fn talk(&mut self, samples: &[i16]) -> Vec<i16> {
        let mut next_send = Instant::now();
        let mut heard = Vec::new();
        let mut buf = [0u8; 2048];
        let mut packets = samples.chunks(160);
        self.rtp
            .set_read_timeout(Some(Duration::from_millis(2)))
            .unwrap();
        loop {
            if Instant::now() >= next_send {
                let Some(packet) = packets.next() else { break };
                next_send += Duration::from_millis(20);
                self.timestamp = self.timestamp.wrapping_add(160);
                let payload: Vec<u8> = packet.iter().map(|&s| ulaw_encode(s)).collect();
                self.send_rtp(0, self.timestamp, false, &payload);
            }
            if let Some(samples) = self.receive_pcmu(&mut buf) {
                heard.extend(samples);
            }
        }
        heard
    }

    /// Says `samples` (8 kHz) in real time, one 20 ms PCMU packet at a time, and hears the
    /// call as a phone does: what arrives goes through a jitter buffer with G.711 concealment
    /// (the cloud's own receive path, [`G711Inbound`]) and is played out on the same 20 ms
    /// clock that sends. Returns what was played, 8 kHz, one frame per tick; the first tick
    /// sends the first packet and plays the first frame.
    pub fn converse(&mut self, samples: &[i16]) -> Vec<i16> {
        let mut ear = G711Inbound::new(G711Law::Mu);
        let mut down = Resampler::new(ringdesk_media::ROOM_RATE_HZ, 8_000);
        let mut played = Vec::with_capacity(samples.len());
        let mut frame = Vec::new();
        let mut buf = [0u8; 2048];
        let mut tick = Instant::now();
        let mut hear = |ear: &mut G711Inbound, rtp: &UdpSocket, wait: Option<Duration>| {
            rtp.set_read_timeout(wait).unwrap();
            rtp.set_nonblocking(wait.is_none()).unwrap();
            let Ok((n, _)) = rtp.recv_from(&mut buf) else {
                return false;
            };
            if n > 12 && buf[1] & 0x7f == 0 {
                let seq = u16::from_be_bytes([buf[2], buf[3]]);
                let ts = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
                ear.push(Instant::now(), seq, ts, buf[12..n].to_vec());
            }
            true
        };
        for packet in samples.chunks(160) {
            loop {
                let now = Instant::now();
                if now >= tick {
                    break;
                }
                hear(
                    &mut ear,
                    &self.rtp,
                    Some((tick - now).max(Duration::from_micros(100))),
                );
            }
            // Behind schedule, what is waiting is still heard before the frame is played.
            while hear(&mut ear, &self.rtp, None) {}
            self.timestamp = self.timestamp.wrapping_add(160);
            let payload: Vec<u8> = packet.iter().map(|&s| ulaw_encode(s)).collect();
            self.send_rtp(0, self.timestamp, false, &payload);
            ear.pop_frame(tick, &mut frame);
            down.process(&frame, &mut played);
            tick += Duration::from_millis(20);
        }
        self.rtp.set_nonblocking(false).unwrap();
        played
    }

    /// Sends one 20 ms PCMU packet (already μ-law coded) and reads, without waiting, what
    /// has arrived: for a generator that paces many calls itself. Returns the packets read.
    pub fn send_and_drain(&mut self, pcmu: &[u8]) -> usize {
        self.timestamp = self.timestamp.wrapping_add(160);
        let timestamp = self.timestamp;
        self.send_rtp(0, timestamp, false, pcmu);
        self.rtp.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 2048];
        let mut read = 0;
        while self.rtp.recv_from(&mut buf).is_ok() {
            read += 1;
        }
        read
    }

    /// One 20 ms packet of PCMU silence, the stream's clock moved on by it.
    fn send_silence(&mut self) {
        self.timestamp = self.timestamp.wrapping_add(160);
        let timestamp = self.timestamp;
        self.send_rtp(0, timestamp, false, &[ulaw_encode(0); 160]);
    }

    /// The next PCMU packet's samples, if one arrives within the socket's read timeout.
    fn receive_pcmu(&self, buf: &mut [u8]) -> Option<Vec<i16>> {
        let (n, _) = self.rtp.recv_from(buf).ok()?;
        (n > 12 && buf[1] & 0x7f == 0).then(|| buf[12..n].iter().map(|&b| ulaw_decode(b)).collect())
    }

    fn send_rtp(&mut self, payload_type: u8, timestamp: u32, marker: bool, payload: &[u8]) {
        let mut packet = vec![0x80, payload_type | if marker { 0x80 } else { 0 }];
        packet.extend(self.seq.to_be_bytes());
        packet.extend(timestamp.to_be_bytes());
        packet.extend(0x1234_5678_u32.to_be_bytes());
        packet.extend_from_slice(payload);
        self.seq = self.seq.wrapping_add(1);
        let _ = self.rtp.send_to(&packet, self.media_to);
    }

    /// Hangs up.
    pub fn hang_up(self) {
        self.send_in_dialog("BYE", 2);
    }
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now())
}
