//! Recorded audio the room plays to callers — hold music now, IVR prompts later — decoded once
//! from a PCM WAV (any rate, mono or stereo) to the room's 48 kHz mono, then played in a loop
//! frame by frame. Bytes in, samples out: the caller reads the file.

use std::sync::Arc;

use crate::ROOM_RATE_HZ;
use crate::resample::Resampler;

/// Why a file cannot be played. Admins upload these, so each says what to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PromptError {
    /// Not a WAV file at all.
    #[error("not a WAV file: {0}")]
    NotWav(String),
    /// A WAV file, but not 8/16/24-bit integer PCM (e.g. compressed or float).
    #[error("{0} audio: upload 16-bit PCM WAV")]
    NotPcm(String),
    /// Channels other than mono or stereo.
    #[error("{0} channels: upload mono or stereo")]
    Channels(u16),
    /// A sample rate that is not one audio files use.
    #[error("{0} Hz: upload audio at one of {RATES_TEXT} Hz")]
    Rate(u32),
    /// Longer than any prompt should be.
    #[error("{0} s long: a prompt is at most {MAX_PROMPT_SECONDS} s")]
    TooLong(u64),
    /// Nothing to play.
    #[error("the file has no audio")]
    Empty,
}

/// The sample rates a prompt file may have (the usual ones); anything else — a header saying
/// 0 Hz or 4 GHz — is refused before it reaches the resampler.
pub const PROMPT_RATES: [u32; 9] = [
    8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000,
];
const RATES_TEXT: &str = "8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000";
/// The longest prompt: ten minutes (hold music included).
pub const MAX_PROMPT_SECONDS: u64 = 600;

/// A decoded prompt: 48 kHz mono, shared by every room that plays it.
#[derive(Clone)]
pub struct Prompt {
    samples: Arc<[i16]>,
}

impl std::fmt::Debug for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the samples: configurations holding a prompt get logged.
        write!(
            f,
            "Prompt({} ms)",
            self.samples.len() * 1000 / ROOM_RATE_HZ as usize
        )
    }
}

impl Prompt {
    /// Decodes a PCM WAV file's bytes.
    pub fn from_wav(bytes: &[u8]) -> Result<Self, PromptError> {
        let reader = hound::WavReader::new(std::io::Cursor::new(bytes))
            .map_err(|e| PromptError::NotWav(e.to_string()))?;
        let spec = reader.spec();
        if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample > 24 {
            return Err(PromptError::NotPcm(format!(
                "{}-bit {:?}",
                spec.bits_per_sample, spec.sample_format
            )));
        }
        if !(1..=2).contains(&spec.channels) {
            return Err(PromptError::Channels(spec.channels));
        }
        if !PROMPT_RATES.contains(&spec.sample_rate) {
            return Err(PromptError::Rate(spec.sample_rate));
        }
        // Before decoding: the header says how long it is.
        let seconds = u64::from(reader.duration()) / u64::from(spec.sample_rate);
        if seconds > MAX_PROMPT_SECONDS {
            return Err(PromptError::TooLong(seconds));
        }
        // Scale any integer width to 16 bits.
        let shift = i32::from(spec.bits_per_sample) - 16;
        let samples: Vec<i32> = reader
            .into_samples::<i32>()
            .map(|s| s.map(|v| if shift >= 0 { v >> shift } else { v << -shift }))
            .collect::<Result<_, _>>()
            .map_err(|e| PromptError::NotWav(e.to_string()))?;
        let mono: Vec<i16> = samples
            .chunks(usize::from(spec.channels))
            .map(|frame| (frame.iter().sum::<i32>() / frame.len() as i32) as i16)
            .collect();
        if mono.is_empty() {
            return Err(PromptError::Empty);
        }
        let at_room_rate = if spec.sample_rate == ROOM_RATE_HZ {
            mono
        } else {
            let mut out = Vec::with_capacity(mono.len() * ROOM_RATE_HZ as usize / 8_000);
            Resampler::new(spec.sample_rate, ROOM_RATE_HZ).process(&mono, &mut out);
            out
        };
        Ok(Prompt {
            samples: at_room_rate.into(),
        })
    }

    /// Length at the room rate, in samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether it holds no audio (never, once decoded).
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Its length in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.samples.len() as u64 * 1000 / u64::from(ROOM_RATE_HZ)
    }

    /// The decoded audio as a WAV file (48 kHz mono 16-bit PCM), what the cloud keeps so it
    /// decodes and resamples an upload once.
    pub fn to_wav(&self) -> Vec<u8> {
        wav_bytes(&self.samples, ROOM_RATE_HZ)
    }

    /// A player that plays it once, from the beginning.
    pub fn once(&self) -> OncePlayer {
        OncePlayer {
            prompt: self.clone(),
            position: 0,
        }
    }

    /// A player that starts at the beginning and loops.
    pub fn looping(&self) -> LoopingPlayer {
        LoopingPlayer {
            prompt: self.clone(),
            position: 0,
        }
    }
}

/// Mono 16-bit PCM samples at `rate_hz` as the bytes of a WAV file.
pub fn wav_bytes(samples: &[i16], rate_hz: u32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate_hz,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = std::io::Cursor::new(Vec::with_capacity(44 + 2 * samples.len()));
    {
        // Writing to memory cannot fail but past 4 GiB, which no prompt or message reaches.
        let mut w = hound::WavWriter::new(&mut bytes, spec).expect("an in-memory WAV");
        for &s in samples {
            w.write_sample(s).expect("an in-memory WAV");
        }
        w.finalize().expect("an in-memory WAV");
    }
    bytes.into_inner()
}

/// Plays a prompt once, one frame at a time (an IVR prompt).
#[derive(Debug, Clone)]
pub struct OncePlayer {
    prompt: Prompt,
    position: usize,
}

impl OncePlayer {
    /// Fills `out` with the next samples, silence past the end; true once the whole prompt
    /// has been played.
    pub fn fill(&mut self, out: &mut [i16]) -> bool {
        let samples = &self.prompt.samples;
        let n = out.len().min(samples.len() - self.position);
        out[..n].copy_from_slice(&samples[self.position..self.position + n]);
        out[n..].fill(0);
        self.position += n;
        self.position == samples.len()
    }
}

/// Plays a prompt round and round, one frame at a time (hold music).
#[derive(Debug, Clone)]
pub struct LoopingPlayer {
    prompt: Prompt,
    position: usize,
}

impl LoopingPlayer {
    /// Fills `out` with the next samples, wrapping to the start at the end.
    pub fn fill(&mut self, out: &mut [i16]) {
        let samples = &self.prompt.samples;
        for s in out.iter_mut() {
            *s = samples[self.position];
            self.position = (self.position + 1) % samples.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(spec: hound::WavSpec, samples: &[i32]) -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut bytes, spec).unwrap();
        for &s in samples {
            if spec.sample_format == hound::SampleFormat::Float {
                w.write_sample(s as f32).unwrap();
            } else {
                w.write_sample(s).unwrap();
            }
        }
        w.finalize().unwrap();
        bytes.into_inner()
    }

    fn pcm(rate: u32, channels: u16, bits: u16) -> hound::WavSpec {
        hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: bits,
            sample_format: hound::SampleFormat::Int,
        }
    }

    #[test]
    fn any_rate_becomes_48k_mono_and_loops() {
        // One second at 8 kHz, stereo with the channels averaged.
        let frames: Vec<i32> = (0..8_000).flat_map(|_| [1000, 3000]).collect();
        let prompt = Prompt::from_wav(&wav(pcm(8_000, 2, 16), &frames)).unwrap();
        assert!(
            (47_900..=48_100).contains(&prompt.len()),
            "{}",
            prompt.len()
        );
        let mut player = prompt.looping();
        let mut frame = vec![0i16; 960];
        for _ in 0..60 {
            // 1.2 s: past the end, so it wrapped.
            player.fill(&mut frame);
        }
        let middle = frame[480];
        assert!((1900..=2100).contains(&middle), "stereo averaged: {middle}");
    }

    #[test]
    fn a_decoded_prompt_is_kept_as_48k_mono_wav_and_reads_back_the_same() {
        let frames: Vec<i32> = (0..16_000).map(|i| (i % 200) * 50).collect();
        let prompt = Prompt::from_wav(&wav(pcm(16_000, 1, 16), &frames)).unwrap();
        assert_eq!(prompt.duration_ms(), 1_000);
        let kept = prompt.to_wav();
        let spec = hound::WavReader::new(std::io::Cursor::new(&kept))
            .unwrap()
            .spec();
        assert_eq!(
            (spec.sample_rate, spec.channels, spec.bits_per_sample),
            (48_000, 1, 16)
        );
        let again = Prompt::from_wav(&kept).unwrap();
        assert_eq!(again.samples, prompt.samples);
    }

    #[test]
    fn a_prompt_played_once_ends_with_silence_and_says_so() {
        let prompt = Prompt::from_wav(&wav(pcm(48_000, 1, 16), &[7; 1_500])).unwrap();
        let mut player = prompt.once();
        let mut frame = [1i16; 960];
        assert!(!player.fill(&mut frame), "540 samples to go");
        assert!(frame.iter().all(|&s| s == 7));
        assert!(player.fill(&mut frame), "the end");
        assert!(frame[..540].iter().all(|&s| s == 7) && frame[540..].iter().all(|&s| s == 0));
        assert!(
            player.fill(&mut frame) && frame.iter().all(|&s| s == 0),
            "then silence"
        );
    }

    #[test]
    fn wider_pcm_is_scaled_to_16_bits() {
        let prompt = Prompt::from_wav(&wav(pcm(48_000, 1, 24), &[0x10_0000; 480])).unwrap();
        let mut frame = [0i16; 4];
        prompt.looping().fill(&mut frame);
        assert!(frame.iter().all(|&s| s == 0x1000), "{frame:?}");
    }

    #[test]
    fn what_cannot_be_played_says_why() {
        assert!(matches!(
            Prompt::from_wav(b"ID3 an mp3 file"),
            Err(PromptError::NotWav(_))
        ));
        let float = hound::WavSpec {
            sample_format: hound::SampleFormat::Float,
            bits_per_sample: 32,
            ..pcm(48_000, 1, 32)
        };
        let err = Prompt::from_wav(&wav(float, &[0; 10])).unwrap_err();
        assert_eq!(err, PromptError::NotPcm("32-bit Float".into()));
        assert!(err.to_string().contains("16-bit PCM"), "{err}");
        let err = Prompt::from_wav(&wav(pcm(8_000, 4, 16), &[0; 8])).unwrap_err();
        assert_eq!(err, PromptError::Channels(4));
        for rate in [1, 8, 1_000_000_000] {
            let err = Prompt::from_wav(&wav(pcm(rate, 1, 16), &[0; 8])).unwrap_err();
            assert_eq!(err, PromptError::Rate(rate));
        }
        let long = vec![0; 8_000 * 601];
        let err = Prompt::from_wav(&wav(pcm(8_000, 1, 16), &long)).unwrap_err();
        assert_eq!(err, PromptError::TooLong(601));
        let err = Prompt::from_wav(&wav(pcm(8_000, 1, 16), &[])).unwrap_err();
        assert_eq!(err, PromptError::Empty);
    }
}
