//! In-band DTMF: keys a caller presses heard in the audio itself, for carriers that send tones
//! in the voice path instead of RFC 4733 events.
//!
//! The audio is cut into blocks of 12.75 ms (102 samples at 8 kHz), and each block's power at
//! the eight DTMF frequencies is measured with the Goertzel algorithm. A block holds a key when
//! one low-group and one high-group frequency carry most of the block's energy, each clearly
//! above the others of its group, at a usable level and with a twist (high group vs low group)
//! within −8 dB … +4 dB, the limits of ITU-T Q.24. A key is reported once it holds for two blocks
//! in a row (so a tone needs ≥ ~26 ms; keys are pressed for ≥ 40 ms), and the same key again
//! only after three blocks (38 ms) without it — Q.24's shortest pause between keys is 40 ms — so
//! a tone broken by a lost packet or two is still one press.

use crate::tone::goertzel_power;

/// The low (row) group, Hz.
const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
/// The high (column) group, Hz.
const COLUMNS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
/// The keys, by row then column.
const KEYS: [[char; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];

/// Block length in seconds: 102 samples at 8 kHz, a frequency resolution of ~78 Hz, enough to
/// tell neighbouring DTMF frequencies apart (the closest are 73 Hz apart).
const BLOCK_SECONDS: f64 = 102.0 / 8_000.0;
/// Share of the block's energy the two tones must carry together (a clean key gives ~1; a key
/// off its frequency by the 1.5 % a sender may be off still gives > 0.7).
const MIN_PURITY: f64 = 0.6;
/// The weakest tone taken: amplitude 400 (about −35 dBm0); quieter is line noise.
const MIN_TONE_POWER: f64 = 400.0 * 400.0 / 4.0;
/// How much weaker than the group's strongest frequency the others must be (6 dB).
const GROUP_MARGIN: f64 = 0.25;
/// Twist limits, high group over low group, in dB.
const TWIST_DB: std::ops::RangeInclusive<f64> = -8.0..=4.0;

/// Finds keys in a stream of samples. Feed it the caller's audio in any slice sizes.
#[derive(Debug)]
pub struct DtmfDetector {
    rate_hz: u32,
    block: Vec<i16>,
    block_len: usize,
    /// The key of the last block, and for how many blocks in a row.
    last: Option<char>,
    run: u32,
    /// The key reported and not yet released.
    held: Option<char>,
    /// Blocks in a row without the held key.
    gap: u32,
}

impl DtmfDetector {
    /// A detector for audio at `rate_hz` (8 kHz from G.711, 48 kHz from the room).
    pub fn new(rate_hz: u32) -> DtmfDetector {
        let block_len = (f64::from(rate_hz) * BLOCK_SECONDS).round() as usize;
        DtmfDetector {
            rate_hz,
            block: Vec::with_capacity(block_len),
            block_len,
            last: None,
            run: 0,
            held: None,
            gap: 0,
        }
    }

    /// Takes more audio; returns the keys pressed in it, in order.
    pub fn push(&mut self, samples: &[i16]) -> Vec<char> {
        let mut keys = Vec::new();
        for &s in samples {
            self.block.push(s);
            if self.block.len() == self.block_len {
                let key = self.classify();
                self.block.clear();
                if let Some(k) = self.track(key) {
                    keys.push(k);
                }
            }
        }
        keys
    }

    /// The key one block holds, if any.
    fn classify(&self) -> Option<char> {
        let n = self.block.len() as f64;
        let mean_square = self
            .block
            .iter()
            .map(|&s| f64::from(s).powi(2))
            .sum::<f64>()
            / n;
        if mean_square < 1.0 {
            return None;
        }
        let rows = ROWS.map(|f| goertzel_power(&self.block, self.rate_hz, f));
        let columns = COLUMNS.map(|f| goertzel_power(&self.block, self.rate_hz, f));
        let (row, row_power) = strongest(&rows)?;
        let (column, column_power) = strongest(&columns)?;
        if row_power < MIN_TONE_POWER || column_power < MIN_TONE_POWER {
            return None;
        }
        // A sine of amplitude A has Goertzel power A²/4 and adds A²/2 to the mean square.
        if 2.0 * (row_power + column_power) / mean_square < MIN_PURITY {
            return None;
        }
        let twist = 10.0 * (column_power / row_power).log10();
        if !TWIST_DB.contains(&twist) {
            return None;
        }
        Some(KEYS[row][column])
    }

    /// Debounces block verdicts into presses.
    fn track(&mut self, key: Option<char>) -> Option<char> {
        if key == self.last {
            self.run += 1;
        } else {
            self.last = key;
            self.run = 1;
        }
        if self.held.is_some() && key != self.held {
            self.gap += 1;
            if self.gap >= 3 {
                self.held = None;
            }
        } else {
            self.gap = 0;
        }
        match key {
            Some(k) if self.run >= 2 && self.held.is_none() => {
                self.held = Some(k);
                self.gap = 0;
                Some(k)
            }
            _ => None,
        }
    }
}

/// The index and power of the strongest of a group, when it stands out from the others.
fn strongest(powers: &[f64; 4]) -> Option<(usize, f64)> {
    let (best, &power) = powers
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let others_quiet = powers
        .iter()
        .enumerate()
        .all(|(i, &p)| i == best || p <= power * GROUP_MARGIN);
    others_quiet.then_some((best, power))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tone::{ToneGenerator, sine};

    /// `ms` of the key's two tones, each at `amplitude`, the high one scaled by `twist_db`, both
    /// frequencies off by `offset` (0.015 = +1.5 %).
    fn key_tone(
        rate: u32,
        key: char,
        ms: u32,
        amplitude: f64,
        twist_db: f64,
        offset: f64,
    ) -> Vec<i16> {
        let (r, c) = (0..4)
            .flat_map(|r| (0..4).map(move |c| (r, c)))
            .find(|&(r, c)| KEYS[r][c] == key)
            .expect("a DTMF key");
        let n = (rate * ms / 1000) as usize;
        let low = sine(rate, ROWS[r] * (1.0 + offset), amplitude, n);
        let high_amplitude = amplitude * 10f64.powf(twist_db / 20.0);
        let high = sine(rate, COLUMNS[c] * (1.0 + offset), high_amplitude, n);
        low.iter()
            .zip(&high)
            .map(|(&a, &b)| a.saturating_add(b))
            .collect()
    }

    fn silence(rate: u32, ms: u32) -> Vec<i16> {
        vec![0; (rate * ms / 1000) as usize]
    }

    /// Keys pressed `ms` long with `gap_ms` between them, at 8 kHz.
    fn dialled(keys: &str, ms: u32, gap_ms: u32) -> Vec<i16> {
        keys.chars()
            .flat_map(|k| {
                let mut v = key_tone(8_000, k, ms, 6_000.0, 0.0, 0.0);
                v.extend(silence(8_000, gap_ms));
                v
            })
            .collect()
    }

    /// Deterministic noise (a linear congruential generator), amplitude up to `amplitude`.
    fn noise(n: usize, amplitude: f64, seed: u32) -> Vec<i16> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let unit = f64::from(x >> 8) / f64::from(1u32 << 24) * 2.0 - 1.0;
                (unit * amplitude) as i16
            })
            .collect()
    }

    fn detect(rate: u32, audio: &[i16]) -> String {
        let mut d = DtmfDetector::new(rate);
        // Odd slice sizes: the detector must not care how audio is cut.
        audio.chunks(37).flat_map(|c| d.push(c)).collect()
    }

    #[test]
    fn every_key_is_heard_at_8_and_48_khz() {
        let keys = "123A456B789C*0#D";
        assert_eq!(detect(8_000, &dialled(keys, 50, 50)), keys);
        let at_48k: Vec<i16> = keys
            .chars()
            .flat_map(|k| {
                let mut v = key_tone(48_000, k, 50, 6_000.0, 0.0, 0.0);
                v.extend(silence(48_000, 50));
                v
            })
            .collect();
        assert_eq!(detect(48_000, &at_48k), keys);
    }

    #[test]
    fn a_held_key_is_one_press_and_a_repeated_key_is_two() {
        assert_eq!(detect(8_000, &dialled("5", 2_000, 0)), "5");
        assert_eq!(detect(8_000, &dialled("55", 45, 45)), "55");
        // Two lost packets (40 ms of silence) inside a held key: still one press.
        let mut broken = key_tone(8_000, '5', 100, 6_000.0, 0.0, 0.0);
        broken.extend(silence(8_000, 24));
        broken.extend(key_tone(8_000, '5', 100, 6_000.0, 0.0, 0.0));
        assert_eq!(detect(8_000, &broken), "5");
    }

    #[test]
    fn tones_too_short_or_too_quiet_are_not_keys() {
        assert_eq!(detect(8_000, &dialled("1", 20, 50)), "");
        let quiet = key_tone(8_000, '1', 100, 200.0, 0.0, 0.0);
        assert_eq!(detect(8_000, &quiet), "");
    }

    #[test]
    fn off_frequency_keys_within_the_senders_tolerance_are_heard_and_beyond_it_are_not() {
        for offset in [-0.015, 0.015] {
            let k = key_tone(8_000, '9', 60, 6_000.0, 0.0, offset);
            assert_eq!(detect(8_000, &k), "9", "offset {offset}");
        }
        for offset in [-0.05, 0.05] {
            let k = key_tone(8_000, '9', 60, 6_000.0, 0.0, offset);
            assert_eq!(detect(8_000, &k), "", "offset {offset}");
        }
    }

    #[test]
    fn twist_within_the_limits_is_heard_and_beyond_them_is_not() {
        for twist in [-7.0, 3.0] {
            let k = key_tone(8_000, '0', 60, 6_000.0, twist, 0.0);
            assert_eq!(detect(8_000, &k), "0", "twist {twist} dB");
        }
        for twist in [-12.0, 8.0] {
            let k = key_tone(8_000, '0', 60, 6_000.0, twist, 0.0);
            assert_eq!(detect(8_000, &k), "", "twist {twist} dB");
        }
    }

    #[test]
    fn keys_are_heard_through_noise_and_noise_alone_is_no_key() {
        let mut noisy = dialled("#7", 60, 60);
        for (s, n) in noisy.iter_mut().zip(noise(100_000, 1_000.0, 7)) {
            *s = s.saturating_add(n);
        }
        assert_eq!(detect(8_000, &noisy), "#7");
        assert_eq!(detect(8_000, &noise(80_000, 10_000.0, 3)), "");
    }

    #[test]
    fn single_tones_ringback_and_voiced_sound_are_no_keys() {
        assert_eq!(detect(8_000, &sine(8_000, 697.0, 8_000.0, 8_000)), "");
        assert_eq!(detect(8_000, &sine(8_000, 1_336.0, 8_000.0, 8_000)), "");
        let mut ringback = ToneGenerator::korean_ringback(8_000);
        let mut rb = vec![0; 24_000];
        ringback.fill(&mut rb);
        assert_eq!(detect(8_000, &rb), "");
        // A voice at 140 Hz: its harmonics land near DTMF frequencies (700, 840, 1260, 1400 Hz),
        // but share the energy with many others.
        let n = 16_000;
        let voiced: Vec<i16> = (0..n)
            .map(|i| {
                let t = i as f64 / 8_000.0;
                let v: f64 = (1..=25)
                    .map(|h| {
                        let f = 140.0 * f64::from(h);
                        1_500.0 / f64::from(h).sqrt() * (2.0 * std::f64::consts::PI * f * t).sin()
                    })
                    .sum();
                v.clamp(-32_000.0, 32_000.0) as i16
            })
            .collect();
        assert_eq!(detect(8_000, &voiced), "");
    }
}
