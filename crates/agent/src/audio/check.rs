//! Device checks for the settings screen: an input level meter and an output test tone, so an
//! agent can see the microphone works and hear the speaker or ringer before a call comes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ringdesk_media::prompt::Prompt;
use ringdesk_media::tone::ToneGenerator;
use ringdesk_media::{ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};

use super::{AudioDevice, AudioError};

/// The test tone: 440 Hz for one second.
pub const TEST_TONE_HZ: f64 = 440.0;
const TEST_TONE_MS: u64 = 1_000;
/// Level meter updates per second.
const METER_UPDATES_PER_S: u64 = 10;

/// The level of a block of samples in dBFS (0 = full scale), floored at -90 for silence.
pub fn level_dbfs(samples: &[i16]) -> f32 {
    if samples.is_empty() {
        return -90.0;
    }
    let mean_square = samples
        .iter()
        .map(|&s| f64::from(s) * f64::from(s))
        .sum::<f64>()
        / samples.len() as f64;
    let rms = mean_square.sqrt() / 32768.0;
    if rms <= 0.0 {
        return -90.0;
    }
    (20.0 * rms.log10()).max(-90.0) as f32
}

/// A running level meter; dropping it closes the microphone.
#[derive(Debug)]
pub struct LevelMeter {
    stop: Arc<AtomicBool>,
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Opens `device`'s microphone on a thread and reports its level (dBFS) ten times a second.
pub fn start_level_meter(
    device: Arc<dyn AudioDevice>,
    mut on_level: impl FnMut(f32) + Send + 'static,
) -> Result<LevelMeter, AudioError> {
    let mut capture = device.open_capture()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let period = Duration::from_millis(1000 / METER_UPDATES_PER_S);
    let frames_per_update = (1000 / METER_UPDATES_PER_S / 20) as usize;
    std::thread::Builder::new()
        .name("ringdesk-level-meter".into())
        .spawn(move || {
            let mut block = vec![0i16; ROOM_FRAME_SAMPLES * frames_per_update];
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(period);
                for frame in block.chunks_mut(ROOM_FRAME_SAMPLES) {
                    capture.read(frame);
                }
                on_level(level_dbfs(&block));
            }
        })
        .map_err(|e| AudioError::Device(e.to_string()))?;
    Ok(LevelMeter { stop })
}

/// Plays the one-second test tone on `device`'s output (speaker or ringer), blocking until done.
pub fn play_test_tone(device: &dyn AudioDevice) -> Result<(), AudioError> {
    let mut tone = ToneGenerator::new(ROOM_RATE_HZ, &[TEST_TONE_HZ], 8_000.0);
    let mut frames = TEST_TONE_MS / 20;
    play_frames(device, |frame| {
        tone.fill(frame);
        frames -= 1;
        frames > 0
    })
}

/// Plays a WAV file (any PCM rate) once on `device`'s output, blocking until done: how the
/// workflow editor lets an admin hear a prompt.
pub fn play_wav(device: &dyn AudioDevice, wav: &[u8]) -> Result<(), AudioError> {
    let clip = Prompt::from_wav(wav).map_err(|e| AudioError::Wav {
        path: "(prompt)".into(),
        message: e.to_string(),
    })?;
    let mut player = clip.once();
    play_frames(device, |frame| !player.fill(frame))
}

/// Writes the frames `next` fills (until it says there are no more) to `device`'s output.
fn play_frames(
    device: &dyn AudioDevice,
    mut next: impl FnMut(&mut [i16]) -> bool,
) -> Result<(), AudioError> {
    let mut playback = device.open_playback()?;
    let mut frame = vec![0i16; ROOM_FRAME_SAMPLES];
    // Frames go out on a fixed schedule, a few ahead of the device: paced by plain sleeps
    // (which only ever run long) they fell behind it, and it played the gaps as silence.
    let start = Instant::now();
    for i in 0.. {
        let due = start + Duration::from_millis(20 * u64::saturating_sub(i, TONE_LEAD_FRAMES));
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let more = next(&mut frame);
        playback.write(&frame);
        if !more {
            break;
        }
    }
    // Let what is queued (up to 200 ms) and in the device's buffer play out before the
    // stream closes, or the sound's end is cut off.
    std::thread::sleep(TONE_DRAIN);
    Ok(())
}

/// The rate a prompt recording is kept at: wideband speech, more than a phone line carries.
const RECORDING_RATE_HZ: u32 = 16_000;

/// The longest prompt recording: what the cloud keeps of an upload (ten minutes).
pub const MAX_RECORDING_MS: u64 = ringdesk_media::prompt::MAX_PROMPT_SECONDS * 1000;

/// A prompt being recorded from the microphone (the workflow editor's record button), on its
/// own thread until [`PromptRecorder::finish`] or ten minutes; dropping it discards it.
#[derive(Debug)]
pub struct PromptRecorder {
    stop: Arc<AtomicBool>,
    recorded_ms: Arc<std::sync::atomic::AtomicU64>,
    thread: Option<std::thread::JoinHandle<Result<Vec<i16>, AudioError>>>,
}

impl PromptRecorder {
    /// How much has been recorded so far.
    pub fn recorded_ms(&self) -> u64 {
        self.recorded_ms.load(Ordering::Relaxed)
    }

    /// Stops and returns the recording as a 16 kHz mono WAV file (a phone line carries less;
    /// ten minutes of it stay under the cloud's 20 MB upload limit), or why the microphone
    /// failed.
    pub fn finish(mut self) -> Result<Vec<u8>, AudioError> {
        self.stop.store(true, Ordering::Relaxed);
        let samples = self
            .thread
            .take()
            .map(|t| {
                t.join().unwrap_or_else(|panic| {
                    let why = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    Err(AudioError::Device(format!("the recorder stopped: {why}")))
                })
            })
            .unwrap_or_else(|| Ok(Vec::new()))?;
        let mut kept = Vec::with_capacity(samples.len() / 3 + 1);
        ringdesk_media::resample::Resampler::new(ROOM_RATE_HZ, RECORDING_RATE_HZ)
            .process(&samples, &mut kept);
        Ok(ringdesk_media::prompt::wav_bytes(&kept, RECORDING_RATE_HZ))
    }
}

impl Drop for PromptRecorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts recording `device`'s microphone, 20 ms frames read on a fixed schedule.
pub fn start_prompt_recording(device: Arc<dyn AudioDevice>) -> Result<PromptRecorder, AudioError> {
    let mut capture = device.open_capture()?;
    let stop = Arc::new(AtomicBool::new(false));
    let recorded_ms = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (stopped, progress) = (stop.clone(), recorded_ms.clone());
    let thread = std::thread::Builder::new()
        .name("ringdesk-prompt-recorder".into())
        .spawn(move || {
            let mut samples: Vec<i16> = Vec::new();
            let start = Instant::now();
            for i in 1..=MAX_RECORDING_MS / 20 {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let due = start + Duration::from_millis(20 * i);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                let mut frame = [0i16; ROOM_FRAME_SAMPLES];
                capture.read(&mut frame);
                if let Some(failure) = capture.failure() {
                    return Err(AudioError::Device(failure));
                }
                samples.extend_from_slice(&frame);
                progress.store(20 * i, Ordering::Relaxed);
            }
            Ok(samples)
        })
        .map_err(|e| AudioError::Device(e.to_string()))?;
    Ok(PromptRecorder {
        stop,
        recorded_ms,
        thread: Some(thread),
    })
}

/// How many 20 ms frames the test tone keeps queued ahead of the device (its cushion
/// against scheduling delays).
const TONE_LEAD_FRAMES: u64 = 4;

/// How long the end of a test tone takes to reach the speaker after the last write.
const TONE_DRAIN: Duration = Duration::from_millis(400);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::wav::{WavDevice, read_wav_48k, write_test_wav};
    use ringdesk_media::tone::{sine, tone_energy_ratio};

    #[test]
    fn level_of_known_signals() {
        assert_eq!(level_dbfs(&[]), -90.0);
        assert_eq!(level_dbfs(&[0; 960]), -90.0);
        let full = sine(48_000, 1_000.0, 32_767.0, 4_800);
        assert!(
            (level_dbfs(&full) - -3.01).abs() < 0.05,
            "{}",
            level_dbfs(&full)
        );
        let quiet = sine(48_000, 1_000.0, 327.67, 4_800);
        assert!((level_dbfs(&quiet) - -43.01).abs() < 0.05);
    }

    #[test]
    fn meter_reports_the_microphone_and_tone_reaches_the_output() {
        let dir = std::env::temp_dir().join(format!("ringdesk-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mic = dir.join("mic.wav");
        write_test_wav(&mic, 48_000, &sine(48_000, 700.0, 3_276.7, 48_000));
        let device = Arc::new(WavDevice {
            play: Some(mic),
            record: Some(dir.join("out.wav")),
            loop_play: true,
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let meter = start_level_meter(device.clone(), move |l| {
            let _ = tx.send(l);
        })
        .unwrap();
        let level = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        drop(meter);
        // A 0.1 full-scale sine is -23 dBFS.
        assert!((level - -23.0).abs() < 0.5, "{level}");
        play_test_tone(device.as_ref()).unwrap();
        let out = read_wav_48k(&dir.join("out.wav")).unwrap();
        assert_eq!(out.len(), 48_000);
        assert!(tone_energy_ratio(&out, 48_000, TEST_TONE_HZ) > 0.9);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_recording_keeps_what_the_microphone_heard() {
        let dir = std::env::temp_dir().join(format!("ringdesk-rec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mic = dir.join("mic.wav");
        write_test_wav(&mic, 48_000, &sine(48_000, 500.0, 8_000.0, 48_000));
        let device = Arc::new(WavDevice {
            play: Some(mic),
            record: None,
            loop_play: true,
        });
        let recorder = start_prompt_recording(device).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while recorder.recorded_ms() < 400 {
            assert!(Instant::now() < deadline, "nothing recorded");
            std::thread::sleep(Duration::from_millis(10));
        }
        let wav = recorder.finish().unwrap();
        assert_eq!(
            u32::from_le_bytes(wav[24..28].try_into().unwrap()),
            16_000,
            "kept at 16 kHz"
        );
        let prompt = Prompt::from_wav(&wav).unwrap();
        assert!(prompt.duration_ms() >= 400, "{} ms", prompt.duration_ms());
        let mut heard = vec![0i16; prompt.len()];
        prompt.once().fill(&mut heard);
        assert!(tone_energy_ratio(&heard, 48_000, 500.0) > 0.9);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_prompt_is_played_whole_on_the_output() {
        let dir = std::env::temp_dir().join(format!("ringdesk-clip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let device = WavDevice {
            play: None,
            record: Some(dir.join("out.wav")),
            loop_play: false,
        };
        // 0.51 s of 600 Hz: the last frame is part-filled, then silence.
        let wav = ringdesk_media::prompt::wav_bytes(&sine(48_000, 600.0, 8_000.0, 24_480), 48_000);
        play_wav(&device, &wav).unwrap();
        assert!(play_wav(&device, b"RIFF not really").is_err(), "not a WAV");
        let out = read_wav_48k(&dir.join("out.wav")).unwrap();
        assert_eq!(out.len(), 26 * 960, "whole frames, the last one padded");
        assert!(tone_energy_ratio(&out[..24_480], 48_000, 600.0) > 0.9);
        std::fs::remove_dir_all(dir).ok();
    }
}
