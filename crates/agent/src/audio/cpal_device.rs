//! Real audio devices through cpal.
//!
//! cpal streams are not `Send` on every platform, so they live on a dedicated thread for the
//! length of a call; samples cross to and from the media loop through small shared queues.
//! The device's own rate and channel count are converted to 48 kHz mono here.

use std::collections::VecDeque;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, Sample, SampleFormat, SizedSample};
use ringdesk_media::ROOM_RATE_HZ;
use ringdesk_media::resample::Resampler;

use super::{AudioDevice, AudioError, AudioStreams, Capture, Playback};

/// At most this much audio waits in either queue (200 ms): more means a clock mismatch, and
/// dropping old audio keeps latency bounded.
const MAX_QUEUED_MS: usize = 200;

/// The microphone's period: one 20 ms media frame. Left to its defaults, ALSA's pulse plugin
/// (PulseAudio and PipeWire desktops) moves audio in ~2 s fragments, far more than the 200 ms
/// queues hold: most of the microphone would be dropped, and the speaker would lag.
const CAPTURE_PERIOD_MS: u32 = 20;
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

/// Set by a stream's error callback when the device goes away; read by the media loop.
type FailureFlag = Arc<Mutex<Option<String>>>;

fn read_flag(flag: &FailureFlag) -> Option<String> {
    flag.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

fn error_callback(kind: &'static str, flag: FailureFlag) -> impl FnMut(cpal::Error) {
    let mut reported = 0u64;
    move |e| {
        // A stream in trouble can report the same error hundreds of times a second: log the
        // first, then every thousandth.
        if reported.is_multiple_of(1000) {
            tracing::warn!("{kind} stream error ({} so far): {e}", reported + 1);
        }
        reported += 1;
        // Only a device that is gone ends the stream; transient xruns are survivable.
        if matches!(
            e.kind(),
            cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::HostUnavailable
        ) {
            let mut f = flag.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert_with(|| format!("{kind} disconnected"));
        }
    }
}

fn push_bounded(q: &Queue, samples: impl IntoIterator<Item = i16>, max: usize) {
    let mut q = q.lock().unwrap_or_else(|p| p.into_inner());
    q.extend(samples);
    let excess = q.len().saturating_sub(max);
    q.drain(..excess);
}

struct QueueCapture {
    queue: Queue,
    failed: FailureFlag,
    /// Dropping this (and the playback's) stops the device thread.
    _stop: std_mpsc::Sender<()>,
}

impl Capture for QueueCapture {
    fn read(&mut self, out: &mut [i16]) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        for s in out.iter_mut() {
            *s = q.pop_front().unwrap_or(0);
        }
    }

    fn failure(&self) -> Option<String> {
        read_flag(&self.failed)
    }
}

struct QueuePlayback {
    queue: Queue,
    resampler: Resampler,
    scratch: Vec<i16>,
    max: usize,
    failed: FailureFlag,
    /// Dropping this (and the capture's) stops the device thread.
    _stop: std_mpsc::Sender<()>,
}

impl Playback for QueuePlayback {
    fn write(&mut self, frame: &[i16]) {
        self.scratch.clear();
        self.resampler.process(frame, &mut self.scratch);
        push_bounded(&self.queue, self.scratch.iter().copied(), self.max);
    }

    fn failure(&self) -> Option<String> {
        read_flag(&self.failed)
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
    failed: FailureFlag,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels.max(1));
    let mut resampler = Resampler::new(config.sample_rate, ROOM_RATE_HZ);
    let max = ROOM_RATE_HZ as usize * MAX_QUEUED_MS / 1000;
    let (mut mono, mut converted) = (Vec::new(), Vec::new());
    device
        .build_input_stream::<T, _, _>(
            config,
            move |data: &[T], _| {
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
            error_callback("microphone", failed),
            None,
        )
        .map_err(device_error)
}

fn output_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    queue: Queue,
    failed: FailureFlag,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample + FromSample<f32>,
{
    let channels = usize::from(config.channels.max(1));
    device
        .build_output_stream::<T, _, _>(
            config,
            move |data: &mut [T], _| {
                let mut q = queue.lock().unwrap_or_else(|p| p.into_inner());
                for frame in data.chunks_mut(channels) {
                    let s = f32::from(q.pop_front().unwrap_or(0)) / 32768.0;
                    frame.fill(T::from_sample(s));
                }
            },
            error_callback("speaker", failed),
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
    failed: FailureFlag,
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
    failed: FailureFlag,
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

/// Opens the chosen sides on a dedicated thread that holds the streams until every handle
/// (each keeps a clone of the stop sender) is dropped.
fn open_on_thread(sides: Sides) -> Result<Opened, AudioError> {
    let (stop_tx, stop_rx) = std_mpsc::channel::<()>();
    let (ready_tx, ready_rx) = std_mpsc::channel::<Result<u32, AudioError>>();
    let (capture, playback): (Queue, Queue) = (Arc::default(), Arc::default());
    let (capture_failed, playback_failed): (FailureFlag, FailureFlag) =
        (Arc::default(), Arc::default());
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
                Ok((_input, _output, rate)) => {
                    let _ = ready_tx.send(Ok(rate));
                    // Hold the streams until every handle is dropped.
                    let _ = stop_rx.recv();
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
            _stop: stop_tx.clone(),
        }),
        playback: with_output.then(|| QueuePlayback {
            queue: playback,
            resampler: Resampler::new(ROOM_RATE_HZ, output_rate),
            scratch: Vec::new(),
            max: output_rate as usize * MAX_QUEUED_MS / 1000,
            failed: playback_failed,
            _stop: stop_tx.clone(),
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

    fn fallback(&self) -> Option<Arc<dyn AudioDevice>> {
        (self.input.is_some() || self.output.is_some())
            .then(|| Arc::new(CpalDevice::default()) as Arc<dyn AudioDevice>)
    }

    fn describe(&self) -> String {
        let name = |n: &Option<String>| n.clone().unwrap_or_else(|| "default".into());
        format!("{} / {}", name(&self.input), name(&self.output))
    }
}
