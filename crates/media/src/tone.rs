//! Tone generation (ringback, test tones) and Goertzel detection.

/// A continuous sum of sine waves with an optional on/off cadence, streamed frame by frame.
///
/// Used for ringback to the caller while the agent's desktop rings, and for test signals.
#[derive(Debug, Clone)]
pub struct ToneGenerator {
    freqs_hz: Vec<f64>,
    amplitude: f64,
    rate_hz: u32,
    /// (on, off) durations in samples; `None` means always on.
    cadence: Option<(u64, u64)>,
    position: u64,
}

impl ToneGenerator {
    /// A tone of the given frequencies; `amplitude` is the peak of each component.
    pub fn new(rate_hz: u32, freqs_hz: &[f64], amplitude: f64) -> Self {
        ToneGenerator {
            freqs_hz: freqs_hz.to_vec(),
            amplitude,
            rate_hz,
            cadence: None,
            position: 0,
        }
    }

    /// Adds an on/off cadence in milliseconds.
    pub fn with_cadence(mut self, on_ms: u64, off_ms: u64) -> Self {
        let per_ms = u64::from(self.rate_hz) / 1000;
        self.cadence = Some((on_ms * per_ms, off_ms * per_ms));
        self
    }

    /// Korean ringback: 440 + 480 Hz, 1 s on, 2 s off (TTA standard, as carriers play it).
    pub fn korean_ringback(rate_hz: u32) -> Self {
        ToneGenerator::new(rate_hz, &[440.0, 480.0], 4_000.0).with_cadence(1_000, 2_000)
    }

    /// Fills `out` with the next samples.
    pub fn fill(&mut self, out: &mut [i16]) {
        let rate = f64::from(self.rate_hz);
        for s in out.iter_mut() {
            let on = match self.cadence {
                Some((on, off)) => self.position % (on + off) < on,
                None => true,
            };
            *s = if on {
                let t = self.position as f64 / rate;
                let v: f64 = self
                    .freqs_hz
                    .iter()
                    .map(|f| (2.0 * std::f64::consts::PI * f * t).sin())
                    .sum::<f64>()
                    * self.amplitude;
                v.round().clamp(-32768.0, 32767.0) as i16
            } else {
                0
            };
            self.position += 1;
        }
    }
}

/// `n` samples of one sine wave, for tests and test-signal files.
pub fn sine(rate_hz: u32, freq_hz: f64, amplitude: f64, n: usize) -> Vec<i16> {
    let mut g = ToneGenerator::new(rate_hz, &[freq_hz], amplitude);
    let mut v = vec![0; n];
    g.fill(&mut v);
    v
}

/// Power of `samples` at `freq_hz` by the Goertzel algorithm, normalised by length so blocks
/// of different sizes compare.
pub fn goertzel_power(samples: &[i16], rate_hz: u32, freq_hz: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * freq_hz / f64::from(rate_hz);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    power / (samples.len() as f64).powi(2)
}

/// The fraction of a block's energy that sits at `freq_hz` (0..=1). A pure sine at that
/// frequency gives ≈1; speech, noise or another tone give ≈0. Used by the end-to-end tests
/// to prove *which* tone crossed the call, not just that something did.
pub fn tone_energy_ratio(samples: &[i16], rate_hz: u32, freq_hz: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mean_square =
        samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64;
    if mean_square < 1.0 {
        return 0.0;
    }
    // A sine of amplitude A has Goertzel power A²/4 and mean square A²/2.
    (2.0 * goertzel_power(samples, rate_hz, freq_hz) / mean_square).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goertzel_finds_the_tone_and_not_its_neighbours() {
        let x = sine(48_000, 1_234.0, 8_000.0, 4_800);
        assert!(tone_energy_ratio(&x, 48_000, 1_234.0) > 0.9);
        assert!(tone_energy_ratio(&x, 48_000, 1_334.0) < 0.05);
        assert_eq!(tone_energy_ratio(&[0; 100], 48_000, 1_234.0), 0.0);
    }

    #[test]
    fn ringback_cadence_is_one_on_two_off() {
        let mut g = ToneGenerator::korean_ringback(8_000);
        let mut buf = vec![0i16; 24_000];
        g.fill(&mut buf);
        assert!(buf[..8_000].iter().any(|&s| s.abs() > 1_000));
        assert!(buf[8_000..24_000].iter().all(|&s| s == 0));
        assert!(tone_energy_ratio(&buf[..8_000], 8_000, 440.0) > 0.4);
        assert!(tone_energy_ratio(&buf[..8_000], 8_000, 480.0) > 0.4);
    }
}
