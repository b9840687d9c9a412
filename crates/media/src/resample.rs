//! Streaming rational resampler (polyphase windowed-sinc FIR), for 8 kHz G.711 ↔ 48 kHz Opus.
//!
//! Why our own instead of `rubato`: the trunk side only needs integer ratios (8k↔48k, 16k↔48k),
//! where a polyphase FIR is short, allocation-free per frame and deterministic; `rubato` stays
//! the choice for arbitrary ratios (e.g. uploaded prompts at 44.1 kHz) when those arrive.

/// Resamples a mono stream by `up/down`, keeping filter state across calls so frames join
/// without clicks.
#[derive(Debug, Clone)]
pub struct Resampler {
    up: usize,
    down: usize,
    /// Polyphase filter: coefficient `p + k*up` belongs to phase `p`, tap `k`.
    taps: Vec<f32>,
    taps_per_phase: usize,
    /// Input history: `history[i]` is global input sample `base + i`.
    history: Vec<f32>,
    base: u64,
    /// Global index of the next output sample.
    next_output: u64,
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Resampler {
    /// A resampler from `from_hz` to `to_hz`.
    ///
    /// Panics if either rate is zero: rates come from our own configuration, never from the
    /// network, so a zero is a programming error.
    pub fn new(from_hz: u32, to_hz: u32) -> Self {
        assert!(from_hz > 0 && to_hz > 0, "sample rates must be positive");
        let g = gcd(from_hz as usize, to_hz as usize);
        let up = to_hz as usize / g;
        let down = from_hz as usize / g;
        let factor = up.max(down);
        // 16 zero crossings per side of the wider ratio: ~60 dB stop band with Blackman.
        let taps_per_phase = (16 * factor).div_ceil(up).max(2);
        let len = taps_per_phase * up;
        // Cut-off at 90 % of the lower Nyquist frequency, in the upsampled domain.
        let cutoff = 0.9 * 0.5 / factor as f64;
        let centre = (len - 1) as f64 / 2.0;
        let mut taps: Vec<f64> = (0..len)
            .map(|n| {
                let x = n as f64 - centre;
                let sinc = if x == 0.0 {
                    2.0 * cutoff
                } else {
                    (2.0 * std::f64::consts::PI * cutoff * x).sin() / (std::f64::consts::PI * x)
                };
                let w = 2.0 * std::f64::consts::PI * n as f64 / (len - 1) as f64;
                let blackman = 0.42 - 0.5 * w.cos() + 0.08 * (2.0 * w).cos();
                sinc * blackman
            })
            .collect();
        // Unity passband gain after zero-stuffing by `up`.
        let sum: f64 = taps.iter().sum();
        for t in &mut taps {
            *t *= up as f64 / sum;
        }
        Resampler {
            up,
            down,
            taps: taps.into_iter().map(|t| t as f32).collect(),
            taps_per_phase,
            // Start with `taps_per_phase` zeros of history; real input begins at global index
            // `taps_per_phase`, and the first output is the first one that needs no earlier input.
            history: vec![0.0; taps_per_phase],
            base: 0,
            next_output: (taps_per_phase as u64 * up as u64).div_ceil(down as u64),
        }
    }

    /// Resamples `input`, appending to `out`. Over time `out` grows by `input.len()*up/down`.
    pub fn process(&mut self, input: &[i16], out: &mut Vec<i16>) {
        self.history.extend(input.iter().map(|&s| f32::from(s)));
        let available_end = self.base + self.history.len() as u64; // one past the last input
        loop {
            let pos = self.next_output * self.down as u64;
            let i = pos / self.up as u64; // newest input sample this output needs
            if i >= available_end {
                break;
            }
            let phase = (pos % self.up as u64) as usize;
            let newest = (i - self.base) as usize;
            let mut acc = 0.0f32;
            for k in 0..self.taps_per_phase {
                // History always holds `taps_per_phase` samples before `newest` (see `new`).
                acc += self.taps[phase + k * self.up] * self.history[newest - k];
            }
            out.push(acc.round().clamp(-32768.0, 32767.0) as i16);
            self.next_output += 1;
        }
        // Keep just enough history for the next output's filter span.
        let next_needed = (self.next_output * self.down as u64) / self.up as u64;
        let keep_from = next_needed
            .saturating_sub(self.taps_per_phase as u64)
            .max(self.base);
        let drop = (keep_from - self.base) as usize;
        self.history.drain(..drop);
        self.base = keep_from;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tone::{goertzel_power, sine};

    fn rms(x: &[i16]) -> f64 {
        (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn frame_sizes_are_exact_over_time() {
        let mut up = Resampler::new(8_000, 48_000);
        let mut down = Resampler::new(48_000, 8_000);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..50 {
            up.process(&[0; 160], &mut a);
            down.process(&[0; 960], &mut b);
        }
        // The filter delay holds back a few samples at the start, never more than one frame.
        assert!(a.len() <= 50 * 960 && a.len() > 49 * 960, "{}", a.len());
        assert!(b.len() <= 50 * 160 && b.len() > 49 * 160, "{}", b.len());
    }

    #[test]
    fn upsampling_keeps_tone_frequency_and_level() {
        let input = sine(8_000, 1_000.0, 10_000.0, 8_000);
        let mut r = Resampler::new(8_000, 48_000);
        let mut out = Vec::new();
        for chunk in input.chunks(160) {
            r.process(chunk, &mut out);
        }
        let steady = &out[4_800..];
        let level_db = 20.0 * (rms(steady) / rms(&input)).log10();
        assert!(level_db.abs() < 0.5, "level change {level_db} dB");
        let on = goertzel_power(steady, 48_000, 1_000.0);
        let image = goertzel_power(steady, 48_000, 7_000.0); // first image of 1 kHz at 8k
        assert!(
            on > 1000.0 * image,
            "image rejection too weak: {on} vs {image}"
        );
    }

    #[test]
    fn downsampling_rejects_content_above_nyquist() {
        let pass = sine(48_000, 1_000.0, 10_000.0, 48_000);
        let stop = sine(48_000, 6_000.0, 10_000.0, 48_000);
        let run = |x: &[i16]| {
            let mut r = Resampler::new(48_000, 8_000);
            let mut out = Vec::new();
            for c in x.chunks(960) {
                r.process(c, &mut out);
            }
            rms(&out[800..])
        };
        let pass_db = 20.0 * (run(&pass) / rms(&pass)).log10();
        let stop_db = 20.0 * (run(&stop) / rms(&stop)).log10();
        assert!(pass_db.abs() < 0.5, "passband {pass_db} dB");
        assert!(stop_db < -40.0, "alias at 6 kHz only {stop_db} dB down");
    }

    #[test]
    fn non_integer_ratio_works() {
        let mut r = Resampler::new(44_100, 48_000);
        let mut out = Vec::new();
        r.process(&vec![1000; 44_100], &mut out);
        assert!((out.len() as i64 - 48_000).abs() < 200, "{}", out.len());
        assert!((out[24_000] - 1000).abs() < 5, "DC passes: {}", out[24_000]);
    }
}
