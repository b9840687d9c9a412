//! A call's recording as samples: the customer's side on the left channel, the managers' on
//! the right, at 16 kHz, so a transcript can tell who spoke and a player can pan them.
//!
//! The room hands in each leg's own voice (never the hold music, never a prompt), frame by
//! frame; [`StereoTap`] sums each side, brings it to [`RECORDING_RATE_HZ`] and interleaves the
//! two. While the recording is paused it writes silence of the same length, so a recording's
//! time stays the call's time (the player marks the pause; what was said is never kept).
//! [`stereo_wav_header`] is the header of the file a recording is written into as it grows.

use crate::resample::Resampler;

/// Recordings are kept at this rate: wideband speech (the customer's G.711 is 8 kHz, the
/// managers' Opus wider), at a third of the room's size.
pub const RECORDING_RATE_HZ: u32 = 16_000;
/// Two channels: the customer's side (left) and the managers' (right).
pub const RECORDING_CHANNELS: u16 = 2;
/// Bytes of the WAV header [`stereo_wav_header`] writes.
pub const WAV_HEADER_BYTES: usize = 44;

/// Sums each side of the call into one channel of a 16 kHz stereo stream.
#[derive(Debug, Clone)]
pub struct StereoTap {
    customer: Resampler,
    managers: Resampler,
    sum: Vec<i16>,
    left: Vec<i16>,
    right: Vec<i16>,
}

impl Default for StereoTap {
    fn default() -> Self {
        StereoTap::new()
    }
}

impl StereoTap {
    /// A tap taking room-rate frames.
    pub fn new() -> StereoTap {
        StereoTap {
            customer: Resampler::new(crate::ROOM_RATE_HZ, RECORDING_RATE_HZ),
            managers: Resampler::new(crate::ROOM_RATE_HZ, RECORDING_RATE_HZ),
            sum: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
        }
    }

    /// Takes one frame of every leg — `customer_side` (the customer, a parallel party) and
    /// `managers` — and appends the interleaved stereo samples to `out`. `paused` writes
    /// silence instead (the voices still pass the filters, which keeps both channels aligned).
    pub fn push(
        &mut self,
        customer_side: &[&[i16]],
        managers: &[&[i16]],
        paused: bool,
        out: &mut Vec<i16>,
    ) {
        self.left.clear();
        self.right.clear();
        sum_into(customer_side, &mut self.sum);
        self.customer.process(&self.sum, &mut self.left);
        sum_into(managers, &mut self.sum);
        self.managers.process(&self.sum, &mut self.right);
        // Both resamplers see the same number of input samples, so they give out the same
        // number of output samples.
        for (&l, &r) in self.left.iter().zip(&self.right) {
            if paused {
                out.extend([0, 0]);
            } else {
                out.extend([l, r]);
            }
        }
    }
}

/// `frames` summed sample by sample (saturating once at the end), into `out`; a frame of
/// silence when there are none.
fn sum_into(frames: &[&[i16]], out: &mut Vec<i16>) {
    let len = frames
        .iter()
        .map(|f| f.len())
        .max()
        .unwrap_or(crate::ROOM_FRAME_SAMPLES);
    out.clear();
    out.extend((0..len).map(|i| {
        let total: i32 = frames
            .iter()
            .filter_map(|f| f.get(i))
            .map(|&s| i32::from(s))
            .sum();
        total.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
    }));
}

/// The 44-byte header of a 16-bit PCM WAV file at `rate_hz` with `channels`, whose data is
/// `data_bytes` long. A recording rewrites it after every block it appends, so the file on
/// disk is a whole WAV file at every moment (a crash leaves what was written playable).
pub fn stereo_wav_header(rate_hz: u32, channels: u16, data_bytes: u32) -> [u8; WAV_HEADER_BYTES] {
    let block_align = channels * 2;
    let mut h = [0u8; WAV_HEADER_BYTES];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36u32.saturating_add(data_bytes)).to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&channels.to_le_bytes());
    h[24..28].copy_from_slice(&rate_hz.to_le_bytes());
    h[28..32].copy_from_slice(&(rate_hz * u32::from(block_align)).to_le_bytes());
    h[32..34].copy_from_slice(&block_align.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tone::goertzel_power;
    use crate::{ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};

    fn sine(hz: f64, n: usize, start: usize) -> Vec<i16> {
        (start..start + n)
            .map(|i| {
                let t = i as f64 / f64::from(ROOM_RATE_HZ);
                (8_000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
            })
            .collect()
    }

    fn channel(stereo: &[i16], which: usize) -> Vec<i16> {
        stereo.iter().skip(which).step_by(2).copied().collect()
    }

    #[test]
    fn the_customer_is_left_and_the_managers_right() {
        let mut tap = StereoTap::new();
        let mut out = Vec::new();
        for f in 0..25 {
            let customer = sine(440.0, ROOM_FRAME_SAMPLES, f * ROOM_FRAME_SAMPLES);
            let party = sine(1_300.0, ROOM_FRAME_SAMPLES, f * ROOM_FRAME_SAMPLES);
            let manager = sine(700.0, ROOM_FRAME_SAMPLES, f * ROOM_FRAME_SAMPLES);
            tap.push(&[&customer, &party], &[&manager], false, &mut out);
        }
        // Half a second in, 16 kHz, both channels the same length.
        assert_eq!(out.len() % 2, 0);
        let (left, right) = (channel(&out, 0), channel(&out, 1));
        let tail = |c: &[i16]| c[c.len() - 3_200..].to_vec();
        let power = |c: &[i16], hz| goertzel_power(&tail(c), RECORDING_RATE_HZ, hz);
        assert!(power(&left, 440.0) > 100.0 * power(&left, 700.0));
        assert!(power(&left, 1_300.0) > 100.0 * power(&left, 700.0));
        assert!(power(&right, 700.0) > 100.0 * power(&right, 440.0));
        assert!(power(&right, 700.0) > 100.0 * power(&right, 1_300.0));
    }

    #[test]
    fn a_paused_frame_is_silence_of_the_same_length() {
        let mut tap = StereoTap::new();
        let voice = sine(440.0, ROOM_FRAME_SAMPLES, 0);
        let (mut playing, mut paused) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            tap.push(&[&voice], &[&voice], false, &mut playing);
        }
        let mut again = tap.clone();
        let before = playing.len();
        tap.push(&[&voice], &[&voice], false, &mut playing);
        again.push(&[&voice], &[&voice], true, &mut paused);
        assert!(!paused.is_empty());
        assert_eq!(
            paused.len(),
            playing.len() - before,
            "the same length as when playing"
        );
        assert!(playing[before..].iter().any(|&s| s != 0));
        assert!(paused.iter().all(|&s| s == 0));
    }

    #[test]
    fn no_legs_on_a_side_is_silence_on_that_side() {
        let mut tap = StereoTap::new();
        let voice = sine(440.0, ROOM_FRAME_SAMPLES, 0);
        let mut out = Vec::new();
        for _ in 0..10 {
            tap.push(&[&voice], &[], false, &mut out);
        }
        assert!(channel(&out, 1).iter().all(|&s| s == 0));
        assert!(channel(&out, 0).iter().any(|&s| s.abs() > 1_000));
    }

    #[test]
    fn the_header_is_a_wav_header_for_the_data_so_far() {
        let data: Vec<i16> = vec![1, -1, 2, -2];
        let mut file = stereo_wav_header(RECORDING_RATE_HZ, 2, 8).to_vec();
        file.extend(data.iter().flat_map(|s| s.to_le_bytes()));
        let reader = hound::WavReader::new(std::io::Cursor::new(file)).expect("a WAV file");
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (2, 16_000, 16)
        );
        let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        assert_eq!(samples, data);
    }
}
