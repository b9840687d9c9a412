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

/// The system's devices; `None` names mean the default ones.
#[derive(Debug, Clone, Default)]
pub struct CpalDevice {
    /// Microphone name (as [`list_devices`] reports), or default.
    pub input: Option<String>,
    /// Speaker name, or default.
    pub output: Option<String>,
}

/// Names of input and output devices, for the device-settings screen.
pub fn list_devices() -> Result<(Vec<String>, Vec<String>), AudioError> {
    let host = cpal::default_host();
    let names = |it: Result<Box<dyn Iterator<Item = cpal::Device>>, AudioError>| -> Result<Vec<String>, AudioError> {
        Ok(it?.filter_map(|d| d.description().ok().map(|x| x.name().to_string())).collect())
    };
    let inputs = names(
        host.input_devices()
            .map(|d| Box::new(d) as Box<dyn Iterator<Item = _>>)
            .map_err(|e| AudioError::Device(e.to_string())),
    )?;
    let outputs = names(
        host.output_devices()
            .map(|d| Box::new(d) as Box<dyn Iterator<Item = _>>)
            .map_err(|e| AudioError::Device(e.to_string())),
    )?;
    Ok((inputs, outputs))
}

type Queue = Arc<Mutex<VecDeque<i16>>>;

fn push_bounded(q: &Queue, samples: impl IntoIterator<Item = i16>, max: usize) {
    let mut q = q.lock().unwrap_or_else(|p| p.into_inner());
    q.extend(samples);
    let excess = q.len().saturating_sub(max);
    q.drain(..excess);
}

struct QueueCapture {
    queue: Queue,
}

impl Capture for QueueCapture {
    fn read(&mut self, out: &mut [i16]) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        for s in out.iter_mut() {
            *s = q.pop_front().unwrap_or(0);
        }
    }
}

struct QueuePlayback {
    queue: Queue,
    resampler: Resampler,
    scratch: Vec<i16>,
    max: usize,
    /// Dropping this stops the device thread.
    _stop: std_mpsc::Sender<()>,
}

impl Playback for QueuePlayback {
    fn write(&mut self, frame: &[i16]) {
        self.scratch.clear();
        self.resampler.process(frame, &mut self.scratch);
        push_bounded(&self.queue, self.scratch.iter().copied(), self.max);
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
            .map_err(|e| AudioError::Device(e.to_string()))?;
            devices
                .find(|d| d.description().is_ok_and(|x| x.name() == n))
                .ok_or_else(|| AudioError::NoDevice(format!("{kind} {n:?} not found")))
        }
    }
}

fn input_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    queue: Queue,
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
            |e| tracing::warn!("microphone stream error: {e}"),
            None,
        )
        .map_err(|e| AudioError::Device(e.to_string()))
}

fn output_stream<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    queue: Queue,
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
            |e| tracing::warn!("speaker stream error: {e}"),
            None,
        )
        .map_err(|e| AudioError::Device(e.to_string()))
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

impl AudioDevice for CpalDevice {
    fn open(&self) -> Result<AudioStreams, AudioError> {
        let capture: Queue = Arc::default();
        let playback: Queue = Arc::default();
        let (stop_tx, stop_rx) = std_mpsc::channel::<()>();
        let (ready_tx, ready_rx) = std_mpsc::channel::<Result<u32, AudioError>>();
        let (input, output) = (self.input.clone(), self.output.clone());
        let (cq, pq) = (capture.clone(), playback.clone());
        std::thread::Builder::new()
            .name("ringdesk-audio".into())
            .spawn(move || {
                let host = cpal::default_host();
                let opened = (|| {
                    let mic = find(&host, input.as_deref(), true)?;
                    let spk = find(&host, output.as_deref(), false)?;
                    let mic_cfg = mic
                        .default_input_config()
                        .map_err(|e| AudioError::Device(e.to_string()))?;
                    let spk_cfg = spk
                        .default_output_config()
                        .map_err(|e| AudioError::Device(e.to_string()))?;
                    let input_stream = by_format!(
                        mic_cfg.sample_format(),
                        input_stream,
                        &mic,
                        mic_cfg.config(),
                        cq
                    )?;
                    let output_stream = by_format!(
                        spk_cfg.sample_format(),
                        output_stream,
                        &spk,
                        spk_cfg.config(),
                        pq
                    )?;
                    input_stream
                        .play()
                        .map_err(|e| AudioError::Device(e.to_string()))?;
                    output_stream
                        .play()
                        .map_err(|e| AudioError::Device(e.to_string()))?;
                    Ok((input_stream, output_stream, spk_cfg.sample_rate()))
                })();
                match opened {
                    Ok((_i, _o, rate)) => {
                        let _ = ready_tx.send(Ok(rate));
                        // Hold the streams until the call's playback handle is dropped.
                        let _ = stop_rx.recv();
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            })
            .map_err(|e| AudioError::Device(e.to_string()))?;
        let output_rate = ready_rx
            .recv()
            .map_err(|_| AudioError::Device("audio thread died".into()))??;
        Ok(AudioStreams {
            capture: Box::new(QueueCapture { queue: capture }),
            playback: Box::new(QueuePlayback {
                queue: playback,
                resampler: Resampler::new(ROOM_RATE_HZ, output_rate),
                scratch: Vec::new(),
                max: output_rate as usize * MAX_QUEUED_MS / 1000,
                _stop: stop_tx,
            }),
        })
    }
}
