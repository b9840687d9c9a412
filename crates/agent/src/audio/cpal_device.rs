//! Real audio devices through cpal.
//!
//! cpal streams are not `Send` on every platform, so they live on a dedicated thread for the
//! length of a call; samples cross to and from the media loop through small shared queues.
//! The device's own rate and channel count are converted to 48 kHz mono here.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, Sample, SampleFormat, SizedSample};
use ringdesk_media::ROOM_RATE_HZ;
use ringdesk_media::resample::Resampler;

use super::{AudioDevice, AudioError, AudioSide, AudioStreams, Capture, Playback};

/// At most this much audio waits in either queue (200 ms): more means a clock mismatch, and
/// dropping old audio keeps latency bounded.
const MAX_QUEUED_MS: usize = 200;

/// The microphone's period: half a 20 ms media frame. Left to its defaults, ALSA's pulse
/// plugin (PulseAudio and PipeWire desktops) moves audio in ~2 s fragments, far more than the
/// 200 ms queues hold: most of the microphone would be dropped, and the speaker would lag. A
/// 20 ms period made cpal's capture loop spin on the plugin's early wake-ups (12 % of a core
/// in a call); 10, 30 and 40 ms cost under 1 % (`bench/desktop_footprint.mjs`).
const CAPTURE_PERIOD_MS: u32 = 10;
/// The speaker's period. cpal keeps two periods queued, so 50 ms leaves 100 ms of slack for a
/// busy machine before the device underruns (a 20 ms period underran under load in our rig).
const PLAYBACK_PERIOD_MS: u32 = 50;

/// A device's default format with the given period, when the device accepts it.
fn with_period(supported: &cpal::SupportedStreamConfig, period_ms: u32) -> cpal::StreamConfig {
    let mut config = supported.config();
    let frames = config.sample_rate * period_ms / 1000;
    config.buffer_size = match supported.buffer_size() {
        cpal::SupportedBufferSize::Range { min, max } => {
            cpal::BufferSize::Fixed(frames.clamp(*min, *max))
        }
        cpal::SupportedBufferSize::Unknown => cpal::BufferSize::Fixed(frames),
    };
    config
}

/// The system's devices; `None` names mean the default ones.
#[derive(Debug, Clone, Default)]
pub struct CpalDevice {
    /// Microphone name (as [`list_devices`] reports), or default.
    pub input: Option<String>,
    /// Speaker name, or default.
    pub output: Option<String>,
}

/// The platform's audio system (ALSA on Linux, through which PulseAudio and PipeWire serve).
fn host() -> cpal::Host {
    cpal::default_host()
}

/// Names of input and output devices, for the device-settings screen.
pub fn list_devices() -> Result<(Vec<String>, Vec<String>), AudioError> {
    let host = host();
    let names = |it: Result<Box<dyn Iterator<Item = cpal::Device>>, AudioError>| -> Result<Vec<String>, AudioError> {
        Ok(it?.filter_map(|d| d.description().ok().map(|x| x.name().to_string())).collect())
    };
    let inputs = names(
        host.input_devices()
            .map(|d| Box::new(d) as Box<dyn Iterator<Item = _>>)
            .map_err(device_error),
    )?;
    let outputs = names(
        host.output_devices()
            .map(|d| Box::new(d) as Box<dyn Iterator<Item = _>>)
            .map_err(device_error),
    )?;
    Ok((inputs, outputs))
}

type Queue = Arc<Mutex<VecDeque<i16>>>;

/// This many stream errors in a row, with no audio moving in between, mean a stream that was
/// working is gone even when the backend does not say so: when the sound server drops a
/// stream, ALSA's pulse plugin fails every call with EIO, thousands of times a second. A
/// transient xrun is one error and then audio flows again. (A stream that is still starting
/// floods EIO too, briefly: those errors are left to the stall check.)
const GONE_AFTER_ERRORS_IN_A_ROW: u32 = 50;

/// Whether a stream that reported `kind` as its `errors_in_a_row`-th error in a row is gone;
/// `started`: audio has moved on it before.
fn device_gone(kind: cpal::ErrorKind, errors_in_a_row: u32, started: bool) -> bool {
    matches!(
        kind,
        cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::HostUnavailable
    ) || (started && errors_in_a_row >= GONE_AFTER_ERRORS_IN_A_ROW)
}

/// A stream whose data callback has not run for this long is stalled. A PulseAudio stream
/// whose sink is unplugged is killed by the server, and ALSA's pulse plugin then waits
/// forever: no error and no audio. Our periods are 10–50 ms, so two seconds is no hiccup.
const STALLED_AFTER: Duration = Duration::from_secs(2);

/// A stream's health: written by its data and error callbacks, read by the media loop.
struct Health {
    /// `microphone` or `speaker`, for the failure text.
    kind: &'static str,
    /// Why the device is gone, once an error said so.
    failure: Mutex<Option<String>>,
    errors_in_a_row: AtomicU32,
    opened: Instant,
    /// When audio last moved, in ms after `opened` (0: not yet).
    last_data_ms: AtomicU64,
}

type SharedHealth = Arc<Health>;

impl Health {
    fn new(kind: &'static str) -> SharedHealth {
        Arc::new(Health {
            kind,
            failure: Mutex::default(),
            errors_in_a_row: AtomicU32::new(0),
            opened: Instant::now(),
            last_data_ms: AtomicU64::new(0),
        })
    }

    /// Why the device no longer works, if it doesn't: an error said so, or audio stopped.
    fn failure(&self) -> Option<String> {
        if let Some(f) = self
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Some(f);
        }
        let last = Duration::from_millis(self.last_data_ms.load(Ordering::Relaxed));
        (self.opened.elapsed().saturating_sub(last) >= STALLED_AFTER).then(|| {
            format!(
                "{} stopped working: no audio for {} s",
                self.kind,
                STALLED_AFTER.as_secs()
            )
        })
    }

    /// Audio moved: the errors before were transient.
    fn on_data(&self) {
        self.errors_in_a_row.store(0, Ordering::Relaxed);
        let now = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_data_ms.store(now.max(1), Ordering::Relaxed);
    }
}

fn error_callback(health: SharedHealth) -> impl FnMut(cpal::Error) {
    let mut reported = 0u64;
    move |e| {
        let kind = health.kind;
        // A stream in trouble can report the same error a million times a second until the
        // media loop drops it: log the 1st, 10th, 100th, ... only.
        reported += 1;
        if 10u64.pow(reported.ilog10()) == reported {
            tracing::warn!("{kind} stream error ({reported} so far): {e}");
        }
        let in_a_row = health.errors_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
        let started = health.last_data_ms.load(Ordering::Relaxed) > 0;
        if device_gone(e.kind(), in_a_row, started) {
            let mut f = health.failure.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert_with(|| format!("{kind} stopped working: {e}"));
        }
    }
}

fn push_bounded(q: &Queue, samples: impl IntoIterator<Item = i16>, max: usize) {
    let mut q = q.lock().unwrap_or_else(|p| p.into_inner());
    q.extend(samples);
    let excess = q.len().saturating_sub(max);
    q.drain(..excess);
}

/// Which of the device thread's streams a handle stands for.
#[derive(Debug, Clone, Copy)]
enum StreamSide {
    Input,
    Output,
}

/// Closes its side's stream when the handle holding it is dropped. Each side goes on its own:
/// a dead microphone replaced by comfort noise must not live on beside the speaker that is
/// still playing (ALSA reports a dead stream's error again and again, a core's worth of it).
struct CloseOnDrop {
    side: StreamSide,
    close: std_mpsc::Sender<StreamSide>,
}

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let _ = self.close.send(self.side);
    }
}

struct QueueCapture {
    queue: Queue,
    failed: SharedHealth,
    _close: CloseOnDrop,
}

impl Capture for QueueCapture {
    fn read(&mut self, out: &mut [i16]) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        for s in out.iter_mut() {
            *s = q.pop_front().unwrap_or(0);
        }
    }

    fn failure(&self) -> Option<String> {
        self.failed.failure()
    }
}

struct QueuePlayback {
    queue: Queue,
    resampler: Resampler,
    scratch: Vec<i16>,
    max: usize,
    failed: SharedHealth,
    _close: CloseOnDrop,
}

impl Playback for QueuePlayback {
    fn write(&mut self, frame: &[i16]) {
        self.scratch.clear();
        self.resampler.process(frame, &mut self.scratch);
        push_bounded(&self.queue, self.scratch.iter().copied(), self.max);
    }

    fn failure(&self) -> Option<String> {
        self.failed.failure()
    }
}

fn find(host: &cpal::Host, name: Option<&str>, input: bool) -> Result<cpal::Device, AudioError> {
    let default = if input {
        host.default_input_device()
    } else {
        host.default_output_device()
    };
    let kind = if input { "microphone" } else { "speaker" };
    match name {
        None => default.ok_or_else(|| AudioError::NoDevice(format!("no default {kind}"))),
        Some(n) => {
            let mut devices = if input {
                host.input_devices()
            } else {
                host.output_devices()
            }
            .map_err(device_error)?;
            match devices.find(|d| d.description().is_ok_and(|x| x.name() == n)) {
                Some(d) => Ok(d),
                // A saved choice that is unplugged now: use the default rather than fail the call.
                None => {
                    tracing::warn!("{kind} {n:?} not found; using the default");
                    default.ok_or_else(|| AudioError::NoDevice(format!("{kind} {n:?} not found")))
                }
            }
        }
    }
}

fn input_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    queue: Queue,
    failed: SharedHealth,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels.max(1));
    let health = failed.clone();
    let mut resampler = Resampler::new(config.sample_rate, ROOM_RATE_HZ);
    let max = ROOM_RATE_HZ as usize * MAX_QUEUED_MS / 1000;
    let (mut mono, mut converted) = (Vec::new(), Vec::new());
    device
        .build_input_stream::<T, _, _>(
            config,
            move |data: &[T], _| {
                health.on_data();
                mono.clear();
                mono.extend(
                    data.iter()
                        .step_by(channels)
                        .map(|&s| (f32::from_sample(s) * 32767.0) as i16),
                );
                converted.clear();
                resampler.process(&mono, &mut converted);
                push_bounded(&queue, converted.iter().copied(), max);
            },
            error_callback(failed),
            None,
        )
        .map_err(device_error)
}

fn output_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    queue: Queue,
    failed: SharedHealth,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    let health = failed.clone();
    device
        .build_output_stream::<T, _, _>(
            config,
            move |data: &mut [T], _| {
                health.on_data();
                let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
                for frame in data.chunks_mut(channels) {
                    let s = f32::from(q.pop_front().unwrap_or(0)) / 32768.0;
                    frame.fill(T::from_sample(s));
                }
            },
            error_callback(failed),
            None,
        )
        .map_err(device_error)
}

macro_rules! by_format {
    ($fmt:expr, $f:ident, $($arg:expr),*) => {
        match $fmt {
            SampleFormat::F32 => $f::<f32>($($arg),*),
            SampleFormat::I16 => $f::<i16>($($arg),*),
            SampleFormat::I32 => $f::<i32>($($arg),*),
            SampleFormat::U16 => $f::<u16>($($arg),*),
            other => Err(AudioError::Device(format!("unsupported sample format {other:?}"))),
        }
    };
}

fn device_error(e: impl std::fmt::Display) -> AudioError {
    AudioError::Device(e.to_string())
}

/// Builds and starts the microphone stream (20 ms periods) feeding `queue`.
fn start_input(
    host: &cpal::Host,
    name: Option<&str>,
    queue: Queue,
    failed: SharedHealth,
) -> Result<cpal::Stream, AudioError> {
    let mic = find(host, name, true)?;
    let cfg = mic.default_input_config().map_err(device_error)?;
    let config = with_period(&cfg, CAPTURE_PERIOD_MS);
    let stream = by_format!(
        cfg.sample_format(),
        input_stream,
        &mic,
        config,
        queue,
        failed
    )?;
    stream.play().map_err(device_error)?;
    Ok(stream)
}

/// Builds and starts the speaker stream (50 ms periods) draining `queue`; returns its rate.
fn start_output(
    host: &cpal::Host,
    name: Option<&str>,
    queue: Queue,
    failed: SharedHealth,
) -> Result<(cpal::Stream, u32), AudioError> {
    let spk = find(host, name, false)?;
    let cfg = spk.default_output_config().map_err(device_error)?;
    let config = with_period(&cfg, PLAYBACK_PERIOD_MS);
    let stream = by_format!(
        cfg.sample_format(),
        output_stream,
        &spk,
        config,
        queue,
        failed
    )?;
    stream.play().map_err(device_error)?;
    Ok((stream, cfg.sample_rate()))
}

/// Streams opened on the device thread, for the handles the media loop holds.
struct Opened {
    capture: Option<QueueCapture>,
    playback: Option<QueuePlayback>,
}

/// Which devices to open: `Some(name)` opens that side (`Some(None)` its default).
struct Sides {
    input: Option<Option<String>>,
    output: Option<Option<String>>,
}

/// Opens the chosen sides on a dedicated thread that holds each stream until its handle is
/// dropped, and ends when both are.
fn open_on_thread(sides: Sides) -> Result<Opened, AudioError> {
    let (close_tx, close_rx) = std_mpsc::channel::<StreamSide>();
    let (ready_tx, ready_rx) = std_mpsc::channel::<Result<u32, AudioError>>();
    let (capture, playback): (Queue, Queue) = (Arc::default(), Arc::default());
    let (capture_failed, playback_failed) = (Health::new("microphone"), Health::new("speaker"));
    let (with_input, with_output) = (sides.input.is_some(), sides.output.is_some());
    let (cq, pq) = (capture.clone(), playback.clone());
    let (cf, pf) = (capture_failed.clone(), playback_failed.clone());
    std::thread::Builder::new()
        .name("ringdesk-audio".into())
        .spawn(move || {
            let host = host();
            let opened = (|| {
                let input = match sides.input {
                    Some(name) => Some(start_input(&host, name.as_deref(), cq, cf)?),
                    None => None,
                };
                let (output, output_rate) = match sides.output {
                    Some(name) => {
                        let (stream, rate) = start_output(&host, name.as_deref(), pq, pf)?;
                        (Some(stream), rate)
                    }
                    None => (None, ROOM_RATE_HZ),
                };
                Ok::<_, AudioError>((input, output, output_rate))
            })();
            match opened {
                Ok((mut input, mut output, rate)) => {
                    let _ = ready_tx.send(Ok(rate));
                    while input.is_some() || output.is_some() {
                        match close_rx.recv() {
                            Ok(StreamSide::Input) => input = None,
                            Ok(StreamSide::Output) => output = None,
                            Err(_) => break,
                        }
                    }
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            }
        })
        .map_err(device_error)?;
    let output_rate = ready_rx
        .recv()
        .map_err(|_| AudioError::Device("audio thread died".into()))??;
    Ok(Opened {
        capture: with_input.then(|| QueueCapture {
            queue: capture,
            failed: capture_failed,
            _close: CloseOnDrop {
                side: StreamSide::Input,
                close: close_tx.clone(),
            },
        }),
        playback: with_output.then(|| QueuePlayback {
            queue: playback,
            resampler: Resampler::new(ROOM_RATE_HZ, output_rate),
            scratch: Vec::new(),
            max: output_rate as usize * MAX_QUEUED_MS / 1000,
            failed: playback_failed,
            _close: CloseOnDrop {
                side: StreamSide::Output,
                close: close_tx.clone(),
            },
        }),
    })
}

fn not_opened(side: &str) -> AudioError {
    AudioError::Device(format!("{side} was not opened"))
}

impl AudioDevice for CpalDevice {
    fn open(&self) -> Result<AudioStreams, AudioError> {
        let opened = open_on_thread(Sides {
            input: Some(self.input.clone()),
            output: Some(self.output.clone()),
        })?;
        Ok(AudioStreams {
            capture: Box::new(opened.capture.ok_or_else(|| not_opened("microphone"))?),
            playback: Box::new(opened.playback.ok_or_else(|| not_opened("speaker"))?),
        })
    }

    fn open_capture(&self) -> Result<Box<dyn Capture>, AudioError> {
        let opened = open_on_thread(Sides {
            input: Some(self.input.clone()),
            output: None,
        })?;
        Ok(Box::new(
            opened.capture.ok_or_else(|| not_opened("microphone"))?,
        ))
    }

    fn open_playback(&self) -> Result<Box<dyn Playback>, AudioError> {
        let opened = open_on_thread(Sides {
            input: None,
            output: Some(self.output.clone()),
        })?;
        Ok(Box::new(
            opened.playback.ok_or_else(|| not_opened("speaker"))?,
        ))
    }

    fn fallback(&self, failed: AudioSide) -> Option<Arc<dyn AudioDevice>> {
        let mut to = self.clone();
        let side = match failed {
            AudioSide::Microphone => &mut to.input,
            AudioSide::Speaker => &mut to.output,
        };
        side.take()?;
        Some(Arc::new(to))
    }

    fn describe(&self) -> String {
        let name = |n: &Option<String>| n.clone().unwrap_or_else(|| "default".into());
        format!("{} / {}", name(&self.input), name(&self.output))
    }

    fn microphone(&self) -> Option<String> {
        Some(self.input.clone().unwrap_or_else(|| "default".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_gone_when_the_backend_says_so_or_errors_never_stop() {
        use cpal::ErrorKind::*;
        let flood = GONE_AFTER_ERRORS_IN_A_ROW;
        assert!(device_gone(DeviceNotAvailable, 1, true));
        assert!(device_gone(HostUnavailable, 1, false));
        // One xrun, or a few, is survivable.
        assert!(!device_gone(Xrun, 1, true));
        assert!(!device_gone(BackendError, flood - 1, true));
        // The flood a dropped PulseAudio stream causes (EIO on every call) is not...
        assert!(device_gone(BackendError, flood, true));
        // ...unless the stream is still starting (the pulse plugin floods EIO then too).
        assert!(!device_gone(BackendError, flood * 10, false));
    }

    #[test]
    fn only_the_failed_side_falls_back_to_the_default() {
        let headset = CpalDevice {
            input: Some("USB headset".into()),
            output: Some("USB headset".into()),
        };
        let to = headset
            .fallback(AudioSide::Speaker)
            .expect("a named speaker");
        assert_eq!(to.describe(), "USB headset / default");
        let to = headset
            .fallback(AudioSide::Microphone)
            .expect("a named microphone");
        assert_eq!(to.describe(), "default / USB headset");
        let defaults = CpalDevice::default();
        assert!(
            defaults.fallback(AudioSide::Speaker).is_none(),
            "nothing left"
        );
    }

    #[test]
    fn a_stream_whose_audio_stops_is_stalled() {
        let old = Instant::now().checked_sub(STALLED_AFTER + Duration::from_millis(500));
        let health = Health {
            opened: old.expect("the machine has been up for seconds"),
            ..Arc::into_inner(Health::new("speaker")).expect("not shared yet")
        };
        assert!(
            health.failure().is_some_and(|f| f.contains("no audio")),
            "opened long ago and never delivered"
        );
        health.on_data();
        assert_eq!(health.failure(), None, "audio just moved");
        assert_eq!(Health::new("microphone").failure(), None, "just opened");
    }

    #[test]
    fn audio_moving_between_errors_keeps_the_stream() {
        let health = Health::new("speaker");
        let mut on_error = error_callback(health.clone());
        let backend = || cpal::Error::with_message(cpal::ErrorKind::BackendError, "EIO");
        for _ in 0..GONE_AFTER_ERRORS_IN_A_ROW * 2 {
            on_error(backend());
        }
        assert_eq!(health.failure(), None, "a starting stream's errors");
        health.on_data();
        for _ in 0..3 {
            for _ in 0..GONE_AFTER_ERRORS_IN_A_ROW - 1 {
                on_error(backend());
            }
            health.on_data();
        }
        assert_eq!(health.failure(), None);
        for _ in 0..GONE_AFTER_ERRORS_IN_A_ROW {
            on_error(backend());
        }
        assert!(
            health
                .failure()
                .is_some_and(|f| f.starts_with("speaker stopped working"))
        );
    }
}
