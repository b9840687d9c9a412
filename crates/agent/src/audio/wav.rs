//! WAV files as audio devices: play a file as the microphone, record what the call sounds like.

use std::path::{Path, PathBuf};

use ringdesk_media::ROOM_RATE_HZ;
use ringdesk_media::resample::Resampler;

use super::{AudioDevice, AudioError, AudioStreams, Capture, Playback};

/// Plays `play` (any rate, mono or first channel, 16-bit PCM) as the microphone and records
/// everything heard to `record` (48 kHz mono 16-bit). Either may be absent (silence / discard).
#[derive(Debug, Clone, Default)]
pub struct WavDevice {
    /// Microphone file.
    pub play: Option<PathBuf>,
    /// Recording file.
    pub record: Option<PathBuf>,
    /// Loop the microphone file instead of going silent at its end.
    pub loop_play: bool,
}

fn wav_err(path: &Path, e: impl std::fmt::Display) -> AudioError {
    AudioError::Wav {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Reads a PCM WAV as 48 kHz mono samples. Non-PCM or non-16-bit files are refused with a
/// clear error rather than played as noise.
pub fn read_wav_48k(path: &Path) -> Result<Vec<i16>, AudioError> {
    let mut reader = hound::WavReader::open(path).map_err(|e| wav_err(path, e))?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
        return Err(wav_err(
            path,
            format!(
                "need 16-bit PCM, got {:?} {}-bit",
                spec.sample_format, spec.bits_per_sample
            ),
        ));
    }
    let channels = usize::from(spec.channels.max(1));
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .step_by(channels)
        .collect::<Result<_, _>>()
        .map_err(|e| wav_err(path, e))?;
    if spec.sample_rate == ROOM_RATE_HZ {
        return Ok(samples);
    }
    let mut out = Vec::new();
    Resampler::new(spec.sample_rate, ROOM_RATE_HZ).process(&samples, &mut out);
    Ok(out)
}

/// 16-bit PCM mono: what we record, and what tests write as input.
fn pcm16_mono(sample_rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

/// Writes `samples` as a 16-bit mono WAV (test input files).
#[cfg(test)]
pub(crate) fn write_test_wav(path: &Path, sample_rate: u32, samples: &[i16]) {
    let mut w = hound::WavWriter::create(path, pcm16_mono(sample_rate)).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

struct FileCapture {
    samples: Vec<i16>,
    position: usize,
    looped: bool,
}

impl Capture for FileCapture {
    fn read(&mut self, out: &mut [i16]) {
        for s in out.iter_mut() {
            if self.position >= self.samples.len() && self.looped && !self.samples.is_empty() {
                self.position = 0;
            }
            *s = self.samples.get(self.position).copied().unwrap_or(0);
            self.position += 1;
        }
    }
}

struct FileRecorder {
    writer: Option<hound::WavWriter<std::io::BufWriter<std::fs::File>>>,
    frames: u32,
}

impl Playback for FileRecorder {
    fn write(&mut self, frame: &[i16]) {
        let Some(w) = &mut self.writer else { return };
        for &s in frame {
            if w.write_sample(s).is_err() {
                self.writer = None;
                return;
            }
        }
        self.frames += 1;
        // Keep the header valid about once a second, so a killed process leaves a usable file.
        if self.frames.is_multiple_of(50) {
            let _ = w.flush();
        }
    }
}

impl Drop for FileRecorder {
    fn drop(&mut self) {
        if let Some(w) = self.writer.take() {
            let _ = w.finalize();
        }
    }
}

impl WavDevice {
    fn player(&self) -> Result<FileCapture, AudioError> {
        let samples = match &self.play {
            Some(p) => read_wav_48k(p)?,
            None => Vec::new(),
        };
        Ok(FileCapture {
            samples,
            position: 0,
            looped: self.loop_play,
        })
    }

    fn recorder(&self) -> Result<FileRecorder, AudioError> {
        let writer = match &self.record {
            Some(p) => Some(
                hound::WavWriter::create(p, pcm16_mono(ROOM_RATE_HZ)).map_err(|e| wav_err(p, e))?,
            ),
            None => None,
        };
        Ok(FileRecorder { writer, frames: 0 })
    }
}

impl AudioDevice for WavDevice {
    fn open(&self) -> Result<AudioStreams, AudioError> {
        Ok(AudioStreams {
            capture: Box::new(self.player()?),
            playback: Box::new(self.recorder()?),
        })
    }

    fn open_capture(&self) -> Result<Box<dyn Capture>, AudioError> {
        Ok(Box::new(self.player()?))
    }

    fn open_playback(&self) -> Result<Box<dyn Playback>, AudioError> {
        Ok(Box::new(self.recorder()?))
    }

    fn describe(&self) -> String {
        let name = |p: &Option<PathBuf>| {
            p.as_ref()
                .map_or_else(|| "none".into(), |p| p.display().to_string())
        };
        format!("WAV {} / {}", name(&self.play), name(&self.record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringdesk_media::tone::{sine, tone_energy_ratio};

    #[test]
    fn plays_a_file_and_records_what_it_hears() {
        let dir = std::env::temp_dir().join(format!("ringdesk-wav-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("in.wav");
        write_test_wav(&input, 8_000, &sine(8_000, 900.0, 8_000.0, 8_000));
        let device = WavDevice {
            play: Some(input),
            record: Some(dir.join("out.wav")),
            loop_play: false,
        };
        let mut streams = device.open().unwrap();
        let mut frame = vec![0i16; 960];
        for _ in 0..50 {
            streams.capture.read(&mut frame);
            streams.playback.write(&frame);
        }
        drop(streams);
        let recorded = read_wav_48k(&dir.join("out.wav")).unwrap();
        assert_eq!(recorded.len(), 48_000);
        assert!(tone_energy_ratio(&recorded[4_800..], 48_000, 900.0) > 0.9);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn refuses_non_pcm_files() {
        let dir = std::env::temp_dir().join(format!("ringdesk-wav-float-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("float.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 48_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        w.write_sample(0.5f32).unwrap();
        w.finalize().unwrap();
        let err = read_wav_48k(&path).unwrap_err().to_string();
        assert!(err.contains("need 16-bit PCM"), "{err}");
        assert!(read_wav_48k(&dir.join("missing.wav")).is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
