//! Opus at 48 kHz mono, 20 ms frames, with in-band FEC and decoder-side concealment.

use crate::{MediaError, ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};

fn err(e: opus::Error) -> MediaError {
    MediaError::Opus(e.to_string())
}

/// Opus encoder tuned for voice over lossy networks (`docs/product.md#non-negotiables`: FEC on
/// the WebRTC side).
pub struct OpusEncoder {
    inner: opus::Encoder,
    buf: Vec<u8>,
}

impl std::fmt::Debug for OpusEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpusEncoder")
    }
}

impl OpusEncoder {
    /// A VoIP-mode encoder at `bitrate_bps` with in-band FEC sized for ~10 % loss.
    pub fn new(bitrate_bps: i32) -> Result<Self, MediaError> {
        let mut inner =
            opus::Encoder::new(ROOM_RATE_HZ, opus::Channels::Mono, opus::Application::Voip)
                .map_err(err)?;
        inner
            .set_bitrate(opus::Bitrate::Bits(bitrate_bps))
            .map_err(err)?;
        inner.set_inband_fec(true).map_err(err)?;
        inner.set_packet_loss_perc(10).map_err(err)?;
        Ok(OpusEncoder {
            inner,
            buf: vec![0; 1500],
        })
    }

    /// Encodes one 20 ms frame (960 samples).
    pub fn encode(&mut self, frame: &[i16]) -> Result<&[u8], MediaError> {
        if frame.len() != ROOM_FRAME_SAMPLES {
            return Err(MediaError::Opus(format!(
                "frame has {} samples, want {ROOM_FRAME_SAMPLES}",
                frame.len()
            )));
        }
        let n = self.inner.encode(frame, &mut self.buf).map_err(err)?;
        Ok(&self.buf[..n])
    }
}

/// Opus decoder producing 20 ms frames at 48 kHz.
pub struct OpusDecoder {
    inner: opus::Decoder,
}

impl std::fmt::Debug for OpusDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpusDecoder")
    }
}

impl OpusDecoder {
    /// A mono 48 kHz decoder.
    pub fn new() -> Result<Self, MediaError> {
        Ok(OpusDecoder {
            inner: opus::Decoder::new(ROOM_RATE_HZ, opus::Channels::Mono).map_err(err)?,
        })
    }

    /// Decodes a packet into `out` (resized to one frame).
    pub fn decode(&mut self, packet: &[u8], out: &mut Vec<i16>) -> Result<(), MediaError> {
        out.resize(ROOM_FRAME_SAMPLES * 6, 0); // room for a 120 ms packet
        let n = self.inner.decode(packet, out, false).map_err(err)?;
        out.truncate(n);
        Ok(())
    }

    /// Conceals one lost frame: from the next packet's FEC data when we have it, else PLC.
    pub fn conceal(
        &mut self,
        next_packet: Option<&[u8]>,
        out: &mut Vec<i16>,
    ) -> Result<(), MediaError> {
        out.resize(ROOM_FRAME_SAMPLES, 0);
        let n = match next_packet {
            Some(p) => self.inner.decode(p, out, true).map_err(err)?,
            None => self.inner.decode(&[], out, false).map_err(err)?,
        };
        out.truncate(n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tone::{sine, tone_energy_ratio};

    #[test]
    fn a_tone_survives_encode_decode() {
        let signal = sine(48_000, 700.0, 8_000.0, 48_000);
        let mut enc = OpusEncoder::new(32_000).unwrap();
        let mut dec = OpusDecoder::new().unwrap();
        let mut out = Vec::new();
        let mut frame = Vec::new();
        for chunk in signal.chunks(ROOM_FRAME_SAMPLES) {
            let packet = enc.encode(chunk).unwrap().to_vec();
            dec.decode(&packet, &mut frame).unwrap();
            out.extend_from_slice(&frame);
        }
        assert_eq!(out.len(), signal.len());
        assert!(tone_energy_ratio(&out[9_600..], 48_000, 700.0) > 0.9);
    }

    #[test]
    fn concealment_yields_a_frame_and_bad_input_errors() {
        let mut dec = OpusDecoder::new().unwrap();
        let mut out = Vec::new();
        dec.conceal(None, &mut out).unwrap();
        assert_eq!(out.len(), ROOM_FRAME_SAMPLES);
        let mut enc = OpusEncoder::new(24_000).unwrap();
        assert!(enc.encode(&[0; 10]).is_err());
    }
}
