//! Streaming rational resampler (polyphase windowed-sinc FIR), for 8 kHz G.711 ↔ 48 kHz Opus.
//!
//! Why our own instead of `rubato`: the trunk side only needs integer ratios (8k↔48k, 16k↔48k),
//! where a polyphase FIR is short, allocation-free per frame and deterministic; `rubato` stays
//! the choice for arbitrary ratios (e.g. uploaded prompts at 44.1 kHz) when those arrive.

/// Resamples a mono stream by `up/down`, keeping filter state across calls so frames join
/// without clicks.
///
/// Runs on every call's media path (the trunk's 8 kHz both ways, the recording's 16 kHz), so
/// each output sample is one contiguous dot product: the filter is stored phase by phase,
/// each phase's taps reversed to line up with the input history, which the compiler turns
/// into SIMD (profiled at a fifth of the cloud's media CPU when the taps were strided).
#[derive(Debug, Clone)]
pub struct Resampler {
    up: usize,
    down: usize,
    /// `up` phases of `taps_per_phase` taps each, phase after phase: tap `j` of phase `p`
    /// multiplies the input `taps_per_phase - 1 - j` samples before the newest one it needs.
    bank: Vec<f32>,
    taps_per_phase: usize,
    /// Input history: `history[i]` is global input sample `base + i`.
    history: Vec<f32>,
    base: u64,
    /// The next output sample, as the global index of the newest input it needs and its
    /// filter phase; stepped by `down/up` inputs per output with no division.
    next_newest: u64,
    next_phase: usize,
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
        // Coefficient `p + k*up` is phase `p`, tap `k` (k samples before the newest input);
        // stored phase-major and reversed, so a phase is a slice that lines up with history.
        let bank = (0..up)
            .flat_map(|p| {
                let taps = &taps;
                (0..taps_per_phase)
                    .rev()
                    .map(move |k| taps[p + k * up] as f32)
            })
            .collect();
        // The first output is the first one that needs no input before the history's zeros.
        let first_pos = (taps_per_phase as u64 * up as u64).div_ceil(down as u64) * down as u64;
        Resampler {
            up,
            down,
            bank,
            taps_per_phase,
            // Start with `taps_per_phase` zeros of history; real input begins at global index
            // `taps_per_phase`, and the first output is the first one that needs no earlier input.
            history: vec![0.0; taps_per_phase],
            base: 0,
            next_newest: first_pos / up as u64,
            next_phase: (first_pos % up as u64) as usize,
        }
    }

    /// Resamples `input`, appending to `out`. Over time `out` grows by `input.len()*up/down`.
    pub fn process(&mut self, input: &[i16], out: &mut Vec<i16>) {
        self.history.extend(input.iter().map(|&s| f32::from(s)));
        let available_end = self.base + self.history.len() as u64; // one past the last input
        let span = self.taps_per_phase;
        let (whole_step, phase_step) = ((self.down / self.up) as u64, self.down % self.up);
        while self.next_newest < available_end {
            let (phase, newest) = (self.next_phase, (self.next_newest - self.base) as usize);
            // History always holds `span` samples before `newest` (see `new`).
            let acc = dot(
                &self.bank[phase * span..][..span],
                &self.history[newest + 1 - span..=newest],
            );
            out.push(to_sample(acc));
            self.next_newest += whole_step;
            self.next_phase += phase_step;
            if self.next_phase >= self.up {
                self.next_phase -= self.up;
                self.next_newest += 1;
            }
        }
        // Keep just enough history for the next output's filter span.
        let keep_from = self.next_newest.saturating_sub(span as u64).max(self.base);
        let drop = (keep_from - self.base) as usize;
        self.history.drain(..drop);
        self.base = keep_from;
    }
}

/// `a · b` over equal-length slices, in eight running sums the compiler keeps in vector
/// registers (a single sum would be a chain of dependent additions it may not reorder).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Rounds to the nearest sample, halves away from zero, saturating: `as` clamps to the
/// `i16` range, and adding the half keeps clear of `f32::round` (a libm call on the baseline
/// x86-64 target, 10 % of the resampler's time).
fn to_sample(x: f32) -> i16 {
    (x + 0.5f32.copysign(x)) as i16
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

    /// The whole filter back out of the phase bank: `h[p + k*up]`.
    fn filter(r: &Resampler) -> Vec<f32> {
        let span = r.taps_per_phase;
        let mut h = vec![0.0; span * r.up];
        for p in 0..r.up {
            for k in 0..span {
                h[p + k * r.up] = r.bank[p * span + span - 1 - k];
            }
        }
        h
    }

    #[test]
    fn every_output_is_the_textbook_zero_stuffed_convolution() {
        // 2 → 3 has every phase and a fractional step; frames of odd sizes cross them.
        let mut r = Resampler::new(2_000, 3_000);
        let h = filter(&r);
        // The design is linear-phase: a bank laid out wrongly would not read back symmetric.
        let mirrored: Vec<f32> = h.iter().rev().copied().collect();
        assert_eq!(h, mirrored);
        let input: Vec<i16> = (0..2_000)
            .map(|n| ((n * 7919) % 20_001 - 10_000) as i16)
            .collect();
        let mut out = Vec::new();
        for chunk in input.chunks(37) {
            r.process(chunk, &mut out);
        }
        // Global input `n` is at `n + span` (the zeros of history come first); output `m`
        // sits at `m*down` in the upsampled stream and needs every input up to there.
        let (span, up, down) = (r.taps_per_phase, r.up, r.down);
        let first = (span * up).div_ceil(down);
        let at = |n: usize| -> f64 {
            if n < span {
                0.0
            } else {
                f64::from(input.get(n - span).copied().unwrap_or(0))
            }
        };
        for (j, &got) in out.iter().enumerate() {
            let pos = (first + j) * down;
            let want: f64 = (0..h.len())
                .filter(|t| t <= &pos && (pos - t) % up == 0)
                .map(|t| f64::from(h[t]) * at((pos - t) / up))
                .sum();
            assert!(
                (f64::from(got) - want).abs() <= 1.0,
                "output {j}: {got} vs {want}"
            );
        }
        assert!(out.len() > 2_900, "{}", out.len());
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
