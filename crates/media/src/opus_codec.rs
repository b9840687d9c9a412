//! Opus at 48 kHz mono, 20 ms frames, with in-band FEC and decoder-side concealment.

use crate::{MediaError, ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};

fn err(e: opus::Error) -> MediaError {
    MediaError::Opus(e.to_string())
}

/// How wide a sound an encoder's listener is sent, chosen by what their mix carries.
///
/// A mix of phone-band voices (a G.711 customer, a parallel party, tones) has nothing above
/// 4 kHz: Opus narrowband (SILK) carries it as well as full band does, at a seventh of the
/// CPU. Measured on Korean and English speech through G.711 (`bench/opus_bands.py`): PESQ
/// (P.862 NB, against the G.711-decoded speech) 4.37 / 4.32 for [`MixBand::Phone`] at 31 µs a
/// frame, 4.36 / 4.35 for [`MixBand::Full`] at 176 µs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MixBand {
    /// Only phone-band sources: narrowband, complexity 1, 32 kb/s, FEC on.
    Phone,
    /// Anything wider (another app's or a browser's voice, the 16 kHz hold music): full band,
    /// complexity 10, 32 kb/s.
    Full,
}

impl MixBand {
    fn max_bandwidth(self) -> opus::Bandwidth {
        match self {
            MixBand::Phone => opus::Bandwidth::Narrowband,
            MixBand::Full => opus::Bandwidth::Fullband,
        }
    }

    fn complexity(self) -> i32 {
        match self {
            // Not 0: at complexity 0 libopus's narrowband encoder sends no FEC at all (a lost
            // frame recovered from the next packet was no better than plain concealment).
            MixBand::Phone => 1,
            MixBand::Full => 10,
        }
    }

    fn bitrate_bps(self, full: i32) -> i32 {
        match self {
            MixBand::Phone => PHONE_BITRATE_BPS.min(full),
            MixBand::Full => full,
        }
    }
}

/// Narrowband speech with its FEC: at 24 kb/s the FEC's share cost 0.2 PESQ (4.15 / 4.11).
const PHONE_BITRATE_BPS: i32 = 32_000;

/// Opus encoder tuned for voice over lossy networks (`docs/product.md#non-negotiables`: FEC on
/// the WebRTC side).
pub struct OpusEncoder {
    inner: opus::Encoder,
    buf: Vec<u8>,
    /// The bitrate asked for at full band.
    bitrate_bps: i32,
    band: MixBand,
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
        inner
            .set_complexity(MixBand::Full.complexity())
            .map_err(err)?;
        Ok(OpusEncoder {
            inner,
            buf: vec![0; 1500],
            bitrate_bps,
            band: MixBand::Full,
        })
    }

    /// Fits the encoder to what its listener's mix now carries (a no-op when unchanged, so
    /// a room may call it every frame).
    pub fn set_band(&mut self, band: MixBand) -> Result<(), MediaError> {
        if band == self.band {
            return Ok(());
        }
        // Opus keeps its bandwidth decision in its state: out of narrowband it would not widen
        // again (a test showed 6 kHz still cut seconds later). A fresh state, settings kept,
        // costs one frame's smoothness when the room's mix changes.
        self.inner.reset_state().map_err(err)?;
        self.inner
            .set_max_bandwidth(band.max_bandwidth())
            .map_err(err)?;
        self.inner.set_complexity(band.complexity()).map_err(err)?;
        self.inner
            .set_bitrate(opus::Bitrate::Bits(band.bitrate_bps(self.bitrate_bps)))
            .map_err(err)?;
        self.band = band;
        Ok(())
    }

    /// The band it encodes now.
    pub fn band(&self) -> MixBand {
        self.band
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

    /// Each band sends in-band FEC: a lost frame rebuilt from the next packet is far closer
    /// to what was sent than plain concealment.
    #[test]
    fn each_band_carries_fec() {
        let voiced: Vec<i16> = (0..48_000 * 2)
            .map(|i| {
                let t = f64::from(i) / 48_000.0;
                let syllables = (0.5 + 0.5 * (2.0 * std::f64::consts::PI * 3.0 * t).sin()).max(0.0);
                let w = 2.0 * std::f64::consts::PI * 160.0 * t;
                let harmonics = w.sin() + 0.5 * (2.0 * w).sin() + 0.3 * (3.0 * w).sin();
                (syllables * 8_000.0 * harmonics) as i16
            })
            .collect();
        for band in [MixBand::Phone, MixBand::Full] {
            let mut enc = OpusEncoder::new(32_000).unwrap();
            enc.set_band(band).unwrap();
            let packets: Vec<Vec<u8>> = voiced
                .chunks(ROOM_FRAME_SAMPLES)
                .map(|c| enc.encode(c).unwrap().to_vec())
                .collect();
            let (mut error_fec, mut error_plc, mut energy) = (0.0, 0.0, 0.0);
            for lost in (10..packets.len() - 1).step_by(10) {
                let (mut fec, mut plc, mut whole) = (
                    OpusDecoder::new().unwrap(),
                    OpusDecoder::new().unwrap(),
                    OpusDecoder::new().unwrap(),
                );
                let mut frame = Vec::new();
                for p in &packets[..lost] {
                    for d in [&mut fec, &mut plc, &mut whole] {
                        d.decode(p, &mut frame).unwrap();
                    }
                }
                let (mut from_fec, mut concealed, mut sent) = (Vec::new(), Vec::new(), Vec::new());
                fec.conceal(Some(&packets[lost + 1]), &mut from_fec)
                    .unwrap();
                plc.conceal(None, &mut concealed).unwrap();
                whole.decode(&packets[lost], &mut sent).unwrap();
                for ((&s, &f), &c) in sent.iter().zip(&from_fec).zip(&concealed) {
                    energy += f64::from(s).powi(2);
                    error_fec += (f64::from(s) - f64::from(f)).powi(2);
                    error_plc += (f64::from(s) - f64::from(c)).powi(2);
                }
            }
            let db = |error: f64| 10.0 * (energy / error).log10();
            assert!(
                db(error_fec) > db(error_plc) + 6.0,
                "{band:?}: FEC {:.1} dB, concealment {:.1} dB",
                db(error_fec),
                db(error_plc)
            );
        }
    }

    /// A phone-band encoder keeps a phone-band voice and drops what a phone never carries.
    #[test]
    fn the_phone_band_keeps_speech_frequencies_and_cuts_above_4_khz() {
        let mut phone = OpusEncoder::new(32_000).unwrap();
        phone.set_band(MixBand::Phone).unwrap();
        assert_eq!(phone.band(), MixBand::Phone);
        let through = |enc: &mut OpusEncoder, hz: f64| {
            let signal = sine(48_000, hz, 8_000.0, 48_000);
            let mut dec = OpusDecoder::new().unwrap();
            let (mut out, mut frame) = (Vec::new(), Vec::new());
            let mut bytes = 0;
            for chunk in signal.chunks(ROOM_FRAME_SAMPLES) {
                let packet = enc.encode(chunk).unwrap().to_vec();
                bytes += packet.len();
                dec.decode(&packet, &mut frame).unwrap();
                out.extend_from_slice(&frame);
            }
            (tone_energy_ratio(&out[9_600..], 48_000, hz), bytes)
        };
        assert!(
            through(&mut phone, 1_000.0).0 > 0.9,
            "a voice's band passes"
        );
        assert!(through(&mut phone, 6_000.0).0 < 0.1, "nothing above 4 kHz");
        let mut full = OpusEncoder::new(32_000).unwrap();
        assert!(through(&mut full, 6_000.0).0 > 0.9, "full band keeps 6 kHz");
        // Back to full band on the same encoder, and the lower phone bitrate.
        let (_, phone_bytes) = through(&mut phone, 1_000.0);
        phone.set_band(MixBand::Full).unwrap();
        let (kept, full_bytes) = through(&mut phone, 6_000.0);
        assert!(kept > 0.9, "full band again: {kept}");
        assert!(phone_bytes < full_bytes, "{phone_bytes} < {full_bytes}");
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
