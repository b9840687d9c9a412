//! Receive paths: packets in (any order, any timing), one 48 kHz frame out per tick.
//!
//! These join the jitter buffer, the decoder, the resampler and concealment into the one
//! thing both the cloud's room and the agent need per remote stream.

use std::time::Instant;

use crate::g711::G711Law;
use crate::jitter::{JitterBuffer, JitterConfig, Playout, PushOutcome};
use crate::opus_codec::OpusDecoder;
use crate::plc::Concealer;
use crate::resample::Resampler;
use crate::{MediaError, ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};

/// What a popped frame is made of (for quality counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameSource {
    /// Decoded from its own packet.
    Decoded,
    /// Rebuilt by FEC or PLC.
    Concealed,
    /// Nothing to play: zeros.
    Silence,
}

/// An Opus stream from a WebRTC peer.
#[derive(Debug)]
pub struct OpusInbound {
    jitter: JitterBuffer<Vec<u8>>,
    decoder: OpusDecoder,
    scratch: Vec<i16>,
}

impl OpusInbound {
    /// A receive path with a voice-tuned jitter buffer.
    pub fn new() -> Result<Self, MediaError> {
        Ok(OpusInbound {
            jitter: JitterBuffer::new(JitterConfig::voice_with_fec(ROOM_RATE_HZ)),
            decoder: OpusDecoder::new()?,
            scratch: Vec::new(),
        })
    }

    /// Stores a received packet.
    pub fn push(
        &mut self,
        now: Instant,
        sequence: u16,
        timestamp: u32,
        payload: Vec<u8>,
    ) -> PushOutcome {
        self.jitter.push(now, sequence, timestamp, payload)
    }

    /// Fills `out` with the next 20 ms at 48 kHz.
    pub fn pop_frame(&mut self, now: Instant, out: &mut Vec<i16>) -> FrameSource {
        out.clear();
        let source = match self.jitter.pop(now) {
            Playout::Frame(p) => match self.decoder.decode(&p, &mut self.scratch) {
                Ok(()) => FrameSource::Decoded,
                Err(_) => self.conceal(None),
            },
            Playout::Missing => {
                let next = self.jitter.peek_next().cloned();
                self.conceal(next.as_deref())
            }
            Playout::Stalled => self.conceal(None),
            Playout::Empty => FrameSource::Silence,
        };
        match source {
            FrameSource::Silence => out.resize(ROOM_FRAME_SAMPLES, 0),
            _ => {
                out.extend_from_slice(&self.scratch);
                out.resize(ROOM_FRAME_SAMPLES, 0);
            }
        }
        source
    }

    fn conceal(&mut self, next: Option<&[u8]>) -> FrameSource {
        match self.decoder.conceal(next, &mut self.scratch) {
            Ok(()) => FrameSource::Concealed,
            Err(_) => FrameSource::Silence,
        }
    }
}

/// A G.711 stream from the SIP trunk, decoded and upsampled to 48 kHz.
#[derive(Debug)]
pub struct G711Inbound {
    law: G711Law,
    jitter: JitterBuffer<Vec<u8>>,
    upsampler: Resampler,
    concealer: Concealer,
    narrow: Vec<i16>,
}

impl G711Inbound {
    /// A receive path for `law`.
    pub fn new(law: G711Law) -> Self {
        G711Inbound {
            law,
            jitter: JitterBuffer::new(JitterConfig::voice(8_000)),
            upsampler: Resampler::new(8_000, ROOM_RATE_HZ),
            concealer: Concealer::new(),
            narrow: Vec::new(),
        }
    }

    /// Stores a received packet.
    pub fn push(
        &mut self,
        now: Instant,
        sequence: u16,
        timestamp: u32,
        payload: Vec<u8>,
    ) -> PushOutcome {
        self.jitter.push(now, sequence, timestamp, payload)
    }

    /// Fills `out` with the next 20 ms at 48 kHz. A lost packet is concealed by repeating the
    /// last pitch period at a falling level (G.711 Appendix I; [`Concealer`]), then silence.
    pub fn pop_frame(&mut self, now: Instant, out: &mut Vec<i16>) -> FrameSource {
        self.narrow.clear();
        let source = match self.jitter.pop(now) {
            Playout::Frame(p) => {
                self.law.decode_frame(&p, &mut self.narrow);
                self.narrow.resize(crate::NB_FRAME_SAMPLES, 0);
                self.concealer.heard(&mut self.narrow);
                FrameSource::Decoded
            }
            Playout::Missing | Playout::Stalled if self.concealer.can_conceal() => {
                self.concealer.conceal(&mut self.narrow);
                FrameSource::Concealed
            }
            Playout::Missing | Playout::Stalled | Playout::Empty => {
                self.concealer.silence();
                self.narrow.resize(crate::NB_FRAME_SAMPLES, 0);
                FrameSource::Silence
            }
        };
        out.clear();
        self.upsampler.process(&self.narrow, out);
        // The resampler's start-up delay can leave the very first frames a few samples short.
        out.resize(ROOM_FRAME_SAMPLES, 0);
        source
    }
}

#[cfg(test)]
// A test picks an origin instant for its virtual clock; the code under test never reads it.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use crate::opus_codec::OpusEncoder;
    use crate::tone::{sine, tone_energy_ratio};
    use std::time::Duration;

    #[test]
    fn g711_path_carries_a_tone_through_loss() {
        let t0 = Instant::now();
        let tone = sine(8_000, 1_000.0, 8_000.0, 8_000);
        let mut rx = G711Inbound::new(G711Law::A);
        let mut heard = Vec::new();
        let mut frame = Vec::new();
        for (i, chunk) in tone.chunks(160).enumerate() {
            let now = t0 + Duration::from_millis(20 * i as u64);
            if i % 10 != 5 {
                let mut payload = Vec::new();
                G711Law::A.encode_frame(chunk, &mut payload);
                rx.push(now, i as u16, (i * 160) as u32, payload);
            }
            rx.pop_frame(now, &mut frame);
            assert_eq!(frame.len(), ROOM_FRAME_SAMPLES);
            heard.extend_from_slice(&frame);
        }
        assert!(tone_energy_ratio(&heard[4_800..], 48_000, 1_000.0) > 0.8);
    }

    #[test]
    fn opus_path_recovers_a_lost_packet_with_fec() {
        let t0 = Instant::now();
        let tone = sine(48_000, 600.0, 8_000.0, 48_000);
        let mut enc = OpusEncoder::new(32_000).unwrap();
        let mut rx = OpusInbound::new().unwrap();
        let mut frame = Vec::new();
        let mut sources = Vec::new();
        let mut concealed = Vec::new();
        let packets: Vec<Vec<u8>> = tone
            .chunks(ROOM_FRAME_SAMPLES)
            .map(|c| enc.encode(c).unwrap().to_vec())
            .collect();
        for (i, p) in packets.iter().enumerate() {
            let now = t0 + Duration::from_millis(20 * i as u64);
            if i != 20 {
                rx.push(now, i as u16, (i * 960) as u32, p.clone());
            }
            // Let the packet after the loss arrive before its slot is played.
            if i == 20 {
                rx.push(now, 21, 21 * 960, packets[21].clone());
            }
            let source = rx.pop_frame(now, &mut frame);
            if source == FrameSource::Concealed {
                concealed = frame.clone();
            }
            sources.push(source);
        }
        let rebuilt = sources
            .iter()
            .filter(|s| **s == FrameSource::Concealed)
            .count();
        assert_eq!(rebuilt, 1, "exactly the lost frame is rebuilt: {sources:?}");
        // The rebuilt frame itself carries the tone (FEC from the next packet), not silence.
        let ratio = tone_energy_ratio(&concealed, 48_000, 600.0);
        assert!(ratio > 0.8, "the rebuilt frame's 600 Hz share: {ratio:.3}");
    }
}
