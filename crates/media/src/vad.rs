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

/// Speech stretches laid end to end, with a short silence between, into one buffer of at most
/// [`MAX_STRETCH_MS`]: Whisper's encoder costs a whole 30 s window however little is in it, so
/// a call's many short sentences transcribed one by one would cost a window each. The
/// silences between them are left out (they are where Whisper invents text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Each stretch and where it starts in the window's buffer, in order.
    pub parts: Vec<(usize, Stretch)>,
    /// The buffer's length in samples.
    pub len: usize,
}

impl Window {
    /// The window's audio: each stretch of `samples`, with `gap` samples of silence between.
    pub fn audio(&self, samples: &[i16]) -> Vec<i16> {
        let mut buffer = vec![0; self.len];
        for (at, stretch) in &self.parts {
            buffer[*at..*at + stretch.len()].copy_from_slice(&samples[stretch.clone()]);
        }
        buffer
    }

    /// Where a sample index of the window's buffer lies in the recording: in the stretch it
    /// falls in, or at the end of the one before (a silence between), or the first's start.
    pub fn to_recording(&self, at: usize) -> usize {
        let mut place = self.parts.first().map_or(0, |(_, s)| s.start);
        for (start, stretch) in &self.parts {
            if at < *start {
                break;
            }
            place = (stretch.start + (at - start)).min(stretch.end);
        }
        place
    }
}

/// Packs `stretches` (in order, each at most [`MAX_STRETCH_MS`]) into windows of at most
/// [`MAX_STRETCH_MS`], `gap_ms` of silence between neighbours, in order.
pub fn pack(stretches: &[Stretch], rate_hz: u32, gap_ms: usize) -> Vec<Window> {
    let max = rate_hz as usize * MAX_STRETCH_MS / 1000;
    let gap = rate_hz as usize * gap_ms / 1000;
    let mut windows: Vec<Window> = Vec::new();
    for stretch in stretches {
        match windows.last_mut() {
            Some(w) if w.len + gap + stretch.len() <= max => {
                w.parts.push((w.len + gap, stretch.clone()));
                w.len += gap + stretch.len();
            }
            _ => windows.push(Window {
                parts: vec![(0, stretch.clone())],
                len: stretch.len(),
            }),
        }
    }
    windows
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
    fn stretches_are_packed_into_windows_and_times_map_back() {
        let rate = 1_000; // one sample per ms, for reading
        let stretches = [100..5_100, 9_000..20_000, 30_000..43_000, 60_000..61_000];
        let windows = pack(&stretches, rate, 300);
        // 5 s + 0.3 + 11 s = 16.3 s; + 0.3 + 13 s would pass 28 s: a new window.
        assert_eq!(windows.len(), 2, "{windows:?}");
        assert_eq!(windows[0].parts, [(0, 100..5_100), (5_300, 9_000..20_000)]);
        assert_eq!(windows[0].len, 16_300);
        assert_eq!(
            windows[1].parts,
            [(0, 30_000..43_000), (13_300, 60_000..61_000)]
        );
        let w = &windows[0];
        assert_eq!(w.to_recording(0), 100);
        assert_eq!(w.to_recording(4_999), 5_099);
        assert_eq!(
            w.to_recording(5_100),
            5_100,
            "in the silence: the end of the one before"
        );
        assert_eq!(w.to_recording(5_300), 9_000);
        assert_eq!(w.to_recording(6_300), 10_000);
        let samples: Vec<i16> = (0..62_000).map(|i| (i % 1_000) as i16 + 1).collect();
        let audio = w.audio(&samples);
        assert_eq!(audio.len(), 16_300);
        assert_eq!(&audio[..3], &samples[100..103]);
        assert!(
            audio[5_000..5_300].iter().all(|&s| s == 0),
            "the gap is silent"
        );
        assert_eq!(audio[5_300], samples[9_000]);
        assert!(pack(&[], rate, 300).is_empty());
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
