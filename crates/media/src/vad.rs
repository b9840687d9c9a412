//! Where someone speaks in a recording's channel: an energy voice-activity detector.
//!
//! Whisper, given silence or line noise, invents text ("Thank you for watching", "다음 영상에서
//! 만나요"); its own no-speech probability is unreliable in the whisper.cpp we build. So only the
//! stretches this finds are transcribed. A call's channel is one speaker on a clean digital
//! path: a frame is speech when it stands well above the channel's own noise floor (its quiet
//! tenth, capped) and above an absolute floor; short gaps inside speech are bridged, short bursts
//! (a click, a breath) dropped, and each stretch padded so words are not clipped.

/// Frame length the detector judges, in ms.
const FRAME_MS: usize = 30;
/// How far above the channel's noise floor speech stands, in dB.
const ABOVE_FLOOR_DB: f64 = 15.0;
/// Nothing quieter than this is speech, in dBFS (digital silence, comfort noise).
const ABSOLUTE_FLOOR_DBFS: f64 = -48.0;
/// The noise floor is taken no higher than this, in dBFS: a channel where someone talks
/// throughout has no quiet tenth to measure.
const FLOOR_CAP_DBFS: f64 = -40.0;
/// Gaps shorter than this inside speech are bridged (pauses between words).
const BRIDGE_MS: usize = 600;
/// Stretches shorter than this are dropped (clicks).
const MIN_SPEECH_MS: usize = 240;
/// Each stretch is widened by this on both sides.
const PAD_MS: usize = 200;
/// Stretches are cut to at most this long (one Whisper window is 30 s).
pub const MAX_STRETCH_MS: usize = 28_000;

/// A stretch of speech: sample indices, `start..end`.
pub type Stretch = std::ops::Range<usize>;

/// The speech stretches of `samples` (mono, `rate_hz`), in order, none longer than
/// [`MAX_STRETCH_MS`].
pub fn speech_stretches(samples: &[i16], rate_hz: u32) -> Vec<Stretch> {
    let frame = rate_hz as usize * FRAME_MS / 1000;
    if frame == 0 || samples.len() < frame {
        return Vec::new();
    }
    let levels: Vec<f64> = samples.chunks_exact(frame).map(dbfs).collect();
    let mut sorted = levels.clone();
    sorted.sort_by(f64::total_cmp);
    let floor = sorted[sorted.len() / 10].min(FLOOR_CAP_DBFS);
    let threshold = (floor + ABOVE_FLOOR_DB).max(ABSOLUTE_FLOOR_DBFS);
    let frames = |ms: usize| ms.div_ceil(FRAME_MS);
    // Runs of loud frames, bridged across short gaps.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, _) in levels.iter().enumerate().filter(|(_, l)| **l > threshold) {
        match runs.last_mut() {
            Some((_, end)) if i - *end <= frames(BRIDGE_MS) => *end = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let pad = frames(PAD_MS);
    let last = levels.len();
    let mut stretches = Vec::new();
    for (start, end) in runs
        .into_iter()
        .filter(|(s, e)| e - s >= frames(MIN_SPEECH_MS))
    {
        let (start, end) = (start.saturating_sub(pad), (end + pad).min(last));
        let max = MAX_STRETCH_MS / FRAME_MS;
        let mut at = start;
        while at < end {
            let to = (at + max).min(end);
            stretches.push(at * frame..(to * frame).min(samples.len()));
            at = to;
        }
    }
    // Padding may make neighbours touch: join them unless that makes one too long.
    let mut joined: Vec<Stretch> = Vec::new();
    for s in stretches {
        match joined.last_mut() {
            Some(prev)
                if prev.end >= s.start
                    && s.end - prev.start <= rate_hz as usize * MAX_STRETCH_MS / 1000 =>
            {
                prev.end = s.end
            }
            _ => joined.push(s),
        }
    }
    joined
}

/// A frame's level in dBFS (−120 for digital silence).
fn dbfs(frame: &[i16]) -> f64 {
    let mean_square = frame
        .iter()
        .map(|&s| f64::from(s) * f64::from(s))
        .sum::<f64>()
        / frame.len() as f64;
    if mean_square <= 0.0 {
        return -120.0;
    }
    10.0 * (mean_square / (32_768.0 * 32_768.0)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    /// A voice-like signal: harmonics under a syllable envelope.
    fn voice(ms: usize) -> Vec<i16> {
        (0..RATE as usize * ms / 1000)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                let syllables = 0.6 + 0.4 * (2.0 * std::f64::consts::PI * 4.0 * t).sin();
                let v: f64 = (1..6)
                    .map(|h| (2.0 * std::f64::consts::PI * 150.0 * h as f64 * t).sin() / h as f64)
                    .sum();
                (5_000.0 * syllables * v) as i16
            })
            .collect()
    }

    /// Quiet line noise at about −60 dBFS.
    fn hiss(ms: usize, seed: u64) -> Vec<i16> {
        let mut x = seed;
        (0..RATE as usize * ms / 1000)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                ((x >> 33) % 61) as i16 - 30
            })
            .collect()
    }

    fn ms(samples: usize) -> usize {
        samples * 1000 / RATE as usize
    }

    #[test]
    fn speech_between_silences_is_found_padded() {
        let mut audio = hiss(2_000, 1);
        audio.extend(voice(1_500));
        audio.extend(hiss(3_000, 2));
        audio.extend(voice(800));
        audio.extend(hiss(1_000, 3));
        let found = speech_stretches(&audio, RATE);
        assert_eq!(found.len(), 2, "{found:?}");
        let (a, b) = (&found[0], &found[1]);
        assert!((1_700..=2_000).contains(&ms(a.start)), "{a:?}");
        assert!((3_500..=3_800).contains(&ms(a.end)), "{a:?}");
        assert!((6_200..=6_500).contains(&ms(b.start)), "{b:?}");
    }

    #[test]
    fn silence_and_noise_alone_have_no_speech() {
        assert!(speech_stretches(&vec![0; 16_000 * 5], RATE).is_empty());
        assert!(speech_stretches(&hiss(5_000, 9), RATE).is_empty());
        assert!(speech_stretches(&[], RATE).is_empty());
    }

    #[test]
    fn a_click_is_not_speech_and_pauses_between_words_are_bridged() {
        let mut audio = hiss(1_000, 4);
        audio.extend(voice(90));
        audio.extend(hiss(1_000, 5));
        assert!(speech_stretches(&audio, RATE).is_empty(), "a 90 ms click");
        let mut words = voice(700);
        words.extend(vec![0; 8_000 * 400 / 500]);
        words.extend(voice(700));
        let mut audio = hiss(1_000, 6);
        audio.extend(words);
        audio.extend(hiss(1_000, 7));
        assert_eq!(
            speech_stretches(&audio, RATE).len(),
            1,
            "a 400 ms pause is bridged"
        );
    }

    #[test]
    fn long_speech_is_cut_to_whisper_windows() {
        let audio = voice(70_000);
        let found = speech_stretches(&audio, RATE);
        assert!(found.len() >= 3, "{found:?}");
        assert!(found.iter().all(|s| ms(s.end - s.start) <= MAX_STRETCH_MS));
        assert_eq!(found.first().unwrap().start, 0);
        assert_eq!(found.last().unwrap().end, audio.len() / 480 * 480);
    }
}
