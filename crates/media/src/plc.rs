//! Packet loss concealment for G.711 (narrowband, 8 kHz), after ITU-T G.711 Appendix I: a lost
//! frame is filled by repeating the last pitch period of what was heard, not the last 20 ms
//! (which is not a whole number of periods, so it clicks at every repeat and buzzes at 50 Hz).
//! Later frames of the same gap repeat two, then three periods (less tonal); the level falls by
//! a fifth every 10 ms after the first 10 ms, reaching silence at 60 ms. The first frame after
//! a gap is cross-faded from the synthetic continuation, so the gap ends without a click.

use crate::NB_FRAME_SAMPLES;

/// History kept: the longest pitch period searched, three times, plus the search window.
const HISTORY: usize = 3 * MAX_PITCH + WINDOW;
/// Shortest pitch period searched: 5 ms (200 Hz).
const MIN_PITCH: usize = 40;
/// Longest pitch period searched: 15 ms (66 Hz).
const MAX_PITCH: usize = 120;
/// The stretch whose period is estimated: the last 20 ms heard.
const WINDOW: usize = NB_FRAME_SAMPLES;
/// Full level for the first 10 ms of a gap.
const HOLD: usize = 80;
/// Then down by a fifth each 10 ms: silent 60 ms into the gap.
const FADE: usize = 400;

/// One stream's concealer: told each frame that was heard, asked for each that was lost.
#[derive(Debug, Clone)]
pub struct Concealer {
    /// What was played last, concealment included.
    history: Vec<i16>,
    /// The period found when the gap began (0: not in a gap).
    pitch: usize,
    /// The last three periods heard when the gap began: what the gap repeats.
    periods: Vec<i16>,
    /// Samples synthesised so far in this gap.
    position: usize,
    /// Frames lost in a row.
    lost: usize,
}

impl Default for Concealer {
    fn default() -> Self {
        Concealer {
            history: vec![0; HISTORY],
            pitch: 0,
            periods: Vec::new(),
            position: 0,
            lost: 0,
        }
    }
}

impl Concealer {
    /// A concealer with silence as its history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the next lost frame would still have something to play: a gap longer than
    /// 60 ms has faded to silence. (Before anything is heard it "conceals" silence.)
    pub fn can_conceal(&self) -> bool {
        self.position + NB_FRAME_SAMPLES <= HOLD + FADE
    }

    /// Silence was played instead (nothing to conceal, or the stream paused): a gap in
    /// progress is over, and the next frame heard fades in from silence rather than from
    /// what was heard before the pause.
    pub fn silence(&mut self) {
        if self.lost == 0 {
            self.pitch = MIN_PITCH;
            self.periods = vec![0; 3 * MIN_PITCH];
        }
        self.lost = self.lost.max(1);
        self.position = HOLD + FADE;
        self.remember(&[0; NB_FRAME_SAMPLES]);
    }

    /// A frame was heard: ends a gap (cross-fading from the synthetic signal into `frame`,
    /// which is changed in place) and remembers it.
    pub fn heard(&mut self, frame: &mut [i16]) {
        if self.lost > 0 {
            let overlap = (self.pitch / 4 + 32).min(frame.len());
            let mut tail = vec![0; overlap];
            self.synthesise(&mut tail);
            for (i, (s, t)) in frame.iter_mut().zip(tail).enumerate() {
                let w = (i + 1) as f32 / (overlap + 1) as f32;
                *s = (f32::from(*s) * w + f32::from(t) * (1.0 - w)) as i16;
            }
        }
        self.pitch = 0;
        self.position = 0;
        self.lost = 0;
        self.remember(frame);
    }

    /// A frame was lost: fills `out` with its concealment (silence once faded).
    pub fn conceal(&mut self, out: &mut Vec<i16>) {
        if self.lost == 0 {
            self.pitch = self.find_pitch();
            self.periods = self.history[HISTORY - 3 * self.pitch..].to_vec();
        }
        self.lost += 1;
        out.clear();
        out.resize(NB_FRAME_SAMPLES, 0);
        self.synthesise(out);
        self.remember(out);
    }

    /// Fills `out` with the gap's next samples: the last `lost` (at most three) periods
    /// repeated, at the fading level.
    fn synthesise(&mut self, out: &mut [i16]) {
        let length = self.pitch * self.lost.clamp(1, 3);
        let start = self.periods.len() - length;
        for s in out.iter_mut() {
            let t = self.position;
            let gain = match t {
                t if t < HOLD => 1.0,
                t if t < HOLD + FADE => 1.0 - (t - HOLD) as f32 / FADE as f32,
                _ => 0.0,
            };
            *s = (f32::from(self.periods[start + t % length]) * gain) as i16;
            self.position += 1;
        }
    }

    /// The lag (in samples) at which the last 20 ms best matches what came before it.
    fn find_pitch(&self) -> usize {
        let recent = &self.history[HISTORY - WINDOW..];
        let mut best = (MIN_PITCH, f64::MIN);
        for lag in MIN_PITCH..=MAX_PITCH {
            let earlier = &self.history[HISTORY - WINDOW - lag..HISTORY - lag];
            let (mut dot, mut energy) = (0.0, 1.0);
            for (&x, &y) in recent.iter().zip(earlier) {
                dot += f64::from(x) * f64::from(y);
                energy += f64::from(y) * f64::from(y);
            }
            let score = dot / energy.sqrt();
            if score > best.1 {
                best = (lag, score);
            }
        }
        best.0
    }

    fn remember(&mut self, frame: &[i16]) {
        let n = frame.len().min(HISTORY);
        self.history.drain(..n);
        self.history.extend_from_slice(&frame[frame.len() - n..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A voiced-speech stand-in: a 180 Hz buzz with three harmonics (period 44.4 samples,
    /// so 20 ms is not a whole number of periods).
    fn voiced(from: usize, n: usize) -> Vec<i16> {
        (from..from + n)
            .map(|i| {
                let t = i as f64 / 8_000.0;
                let w = 2.0 * std::f64::consts::PI * 180.0 * t;
                (6_000.0 * (w.sin() + 0.5 * (2.0 * w).sin() + 0.25 * (3.0 * w).sin())) as i16
            })
            .collect()
    }

    /// A concealer that has heard the first 200 ms of [`voiced`].
    fn after_200_ms_of_voice() -> Concealer {
        let mut c = Concealer::new();
        for f in 0..10 {
            c.heard(&mut voiced(f * 160, 160));
        }
        c
    }

    fn energy(x: impl Iterator<Item = f64>) -> f64 {
        x.map(|v| v * v).sum()
    }

    /// Error against the true signal, dB below it (higher is better).
    fn snr(truth: &[i16], got: &[i16]) -> f64 {
        let signal = energy(truth.iter().map(|&s| f64::from(s)));
        let noise = energy(
            truth
                .iter()
                .zip(got)
                .map(|(&a, &b)| f64::from(a) - f64::from(b)),
        );
        10.0 * (signal / noise.max(1.0)).log10()
    }

    #[test]
    fn a_lost_frame_of_voiced_speech_continues_its_period() {
        let mut c = after_200_ms_of_voice();
        let mut out = Vec::new();
        c.conceal(&mut out);
        let truth = voiced(1_600, 160);
        // The first 10 ms at full level follow the waveform closely.
        let close = snr(&truth[..80], &out[..80]);
        assert!(close > 15.0, "{close:.1} dB");
        // Repeating the last 20 ms instead (the old way) is far off.
        let repeated = voiced(1_440, 160);
        let old = snr(&truth[..80], &repeated[..80]);
        assert!(old < 3.0, "the old way's {old:.1} dB");
    }

    #[test]
    fn a_gap_fades_to_silence_by_60_ms_and_ends_without_a_click() {
        let mut c = after_200_ms_of_voice();
        let mut out = Vec::new();
        let mut gap = Vec::new();
        for _ in 0..3 {
            assert!(c.can_conceal());
            c.conceal(&mut out);
            gap.extend_from_slice(&out);
        }
        assert!(!c.can_conceal(), "60 ms into the gap nothing is left");
        let last_ms = &gap[gap.len() - 8..];
        assert!(last_ms.iter().all(|s| s.abs() < 300), "{last_ms:?}");
        // The gap ends: the next frame starts from where the synthesis was, not with a jump.
        let mut c = after_200_ms_of_voice();
        c.conceal(&mut out);
        let end_of_gap = *out.last().unwrap();
        let mut next = voiced(1_760, 160);
        c.heard(&mut next);
        let jump = (i32::from(next[0]) - i32::from(end_of_gap)).abs();
        let steepest = voiced(0, 1_600)
            .windows(2)
            .map(|w| (i32::from(w[1]) - i32::from(w[0])).abs())
            .max()
            .unwrap();
        assert!(
            jump <= steepest * 2,
            "jump {jump}, the signal's own steepest step {steepest}"
        );
        assert!(c.can_conceal(), "a new gap can be concealed again");
    }

    #[test]
    fn after_a_pause_speech_fades_in_from_silence_not_from_before_the_pause() {
        let mut c = after_200_ms_of_voice();
        c.silence();
        assert!(!c.can_conceal(), "a pause is not concealed");
        let mut next = vec![0_i16; 160];
        c.heard(&mut next);
        assert!(
            next.iter().all(|&s| s == 0),
            "nothing from before the pause: {next:?}"
        );
        let mut out = Vec::new();
        c.conceal(&mut out);
        assert!(
            out.iter().all(|&s| s == 0),
            "a gap after the pause repeats the pause"
        );
    }
}
