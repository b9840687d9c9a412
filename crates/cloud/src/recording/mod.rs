//! Call recordings: every answered call is recorded from its room, stereo (the customer's side
//! left, the managers' right), at most an hour, and kept as an MP3 for its channel's retention.
//!
//! While the call goes the room feeds a [`Recorder`], which gathers a second of audio at a
//! time and hands it to a file task that appends it to a WAV file whose header is rewritten
//! after every block (`wav_file.rs`): a `kill -9` loses only the second being gathered, and
//! the restart ([`Recordings::recover`]) finishes what it finds. After the call the WAV file
//! becomes an MP3 (`encode.rs`, through `ringdesk-mp3`), one recording at a time so finished
//! calls never take the cores live calls need; then, when a Whisper model is installed, its
//! two channels are transcribed (`crate::transcribe`), and the WAV file is removed. Rows go through
//! the record writer, in order with the call's own. [`Recordings::spawn_retention`] purges
//! what is older than each channel keeps (`docs/product.md#recordings`).

pub mod api;
pub mod encode;
mod wav_file;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ringdesk_core::CallId;
use ringdesk_media::recording::StereoTap;
use ringdesk_store::Store;
use ringdesk_store::time::now_ms;
use tokio::sync::{Semaphore, mpsc};

use crate::writer::{RecordWriter, Write};
pub use wav_file::WavFile;

/// The longest recording: an hour (the rest of a longer call is not recorded).
pub const MAX_RECORDING: Duration = Duration::from_secs(3_600);
/// Frames gathered before a block goes to the file: a second, which is what a crash can lose.
const BLOCK_FRAMES: u32 = 50;
/// How often expired recordings are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3_600);

/// What a recording's rows say, queued to the record writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingWrite {
    /// Recording started.
    Started {
        /// The call.
        call_id: i64,
        /// Its channel.
        channel_id: i64,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// Paused or resumed, `at_ms` into the recording.
    Paused {
        /// The call.
        call_id: i64,
        /// Where in the recording.
        at_ms: i64,
        /// Paused (`true`) or resumed.
        paused: bool,
    },
    /// Its transcript is on its way.
    TranscriptPending {
        /// The call.
        call_id: i64,
    },
    /// Its transcript: the lines, or why there are none.
    Transcript {
        /// The call.
        call_id: i64,
        /// The lines in time order, or the reason.
        outcome: Result<Vec<ringdesk_store::TranscriptLineRow>, String>,
    },
    /// Finished: the MP3's size, or why there is none.
    Finished {
        /// The call.
        call_id: i64,
        /// Its length.
        duration_ms: i64,
        /// MP3 bytes, or the reason it failed.
        outcome: Result<i64, String>,
    },
}

/// The recordings of the service: where their files are, and the work after each call.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Recordings {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    writer: RecordWriter,
    /// One encoding at a time: finished calls wait, live calls never do.
    encoding: Semaphore,
    /// Transcribes recordings, when a Whisper model is installed.
    transcriber: Option<crate::transcribe::Transcriber>,
}

impl Recordings {
    /// Recordings kept in `<data_dir>/recordings`, their rows written by `writer`, transcribed
    /// by `transcriber` if there is one.
    pub fn new(
        data_dir: &Path,
        writer: RecordWriter,
        transcriber: Option<crate::transcribe::Transcriber>,
    ) -> std::io::Result<Recordings> {
        let dir = data_dir.join("recordings");
        std::fs::create_dir_all(&dir)?;
        Ok(Recordings {
            inner: Arc::new(Inner {
                dir,
                writer,
                encoding: Semaphore::new(1),
                transcriber,
            }),
        })
    }

    /// Where a call's MP3 is.
    pub fn mp3_path(&self, call_id: i64) -> PathBuf {
        self.inner.dir.join(format!("{call_id}.mp3"))
    }

    fn wav_path(&self, call_id: i64) -> PathBuf {
        self.inner.dir.join(format!("{call_id}.wav"))
    }

    /// Queues a recording's row write.
    pub fn write(&self, w: RecordingWrite) {
        self.inner.writer.send(Write::Recording(w));
    }

    /// A recorder for `call`, whose file task starts now; the room feeds it every frame.
    pub fn open(&self, call: CallId) -> Recorder {
        let (tx, rx) = mpsc::unbounded_channel();
        let this = self.clone();
        tokio::spawn(async move {
            let written = write_blocks(this.wav_path(call.0), rx).await;
            this.finish(call.0, written).await;
        });
        Recorder {
            tap: StereoTap::new(),
            block: Vec::new(),
            frames: 0,
            paused: false,
            tx,
        }
    }

    /// After the call: the WAV file becomes an MP3 (or the recording is marked failed).
    async fn finish(&self, call_id: i64, written: Result<u64, String>) {
        let wav = self.wav_path(call_id);
        let outcome = match written {
            Ok(duration_ms) => {
                let _turn = self.inner.encoding.acquire().await;
                let mp3 = self.mp3_path(call_id);
                let source = wav.clone();
                let encoded =
                    tokio::task::spawn_blocking(move || encode::wav_to_mp3(&source, &mp3))
                        .await
                        .unwrap_or_else(|e| Err(format!("the encoder stopped: {e}")));
                (duration_ms, encoded)
            }
            Err(why) => (0, Err(why)),
        };
        let (duration_ms, encoded) = outcome;
        match &encoded {
            Ok(bytes) => tracing::info!(call = call_id, bytes, duration_ms, "recording ready"),
            Err(why) => tracing::error!(call = call_id, "recording failed: {why}"),
        }
        let ready = encoded.is_ok();
        self.write(RecordingWrite::Finished {
            call_id,
            duration_ms: duration_ms as i64,
            outcome: encoded.map(|b| b as i64),
        });
        if ready {
            if self.inner.transcriber.is_some() {
                self.write(RecordingWrite::TranscriptPending { call_id });
                self.transcribe(call_id).await;
            }
            // The MP3 is what is kept; a failed one leaves the WAV file to look into.
            let _ = tokio::fs::remove_file(&wav).await;
        }
    }

    /// Transcribes the recording from its WAV file and writes the lines (or why there are
    /// none). Nothing without a transcriber.
    async fn transcribe(&self, call_id: i64) {
        let Some(transcriber) = &self.inner.transcriber else {
            return;
        };
        let wav = self.wav_path(call_id);
        let channels = tokio::task::spawn_blocking(move || read_channels(&wav))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        let outcome = match channels {
            Ok((customer, agents)) => transcriber.transcribe(customer, agents).await,
            Err(why) => Err(why),
        };
        match &outcome {
            Ok(lines) => tracing::info!(call = call_id, lines = lines.len(), "transcript ready"),
            Err(why) => tracing::error!(call = call_id, "transcript failed: {why}"),
        }
        self.write(RecordingWrite::Transcript { call_id, outcome });
    }

    /// Finishes the recordings a crash left being written (none is live at start-up): the
    /// WAV file's header is mended from its length, and it goes on as after a call. Returns
    /// how many there were; the work goes on in the background.
    pub async fn recover(&self, store: &Store) -> anyhow::Result<usize> {
        let left = store.unfinished_recordings().await?;
        for &call_id in &left {
            let wav = self.wav_path(call_id);
            let this = self.clone();
            tokio::spawn(async move {
                let repaired = tokio::task::spawn_blocking(move || WavFile::repair(&wav))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| format!("the recording's file: {e}")));
                this.finish(call_id, repaired).await;
            });
        }
        // Ready recordings whose transcript a stop interrupted: their WAV file is still here.
        for call_id in store.pending_transcripts().await? {
            let this = self.clone();
            tokio::spawn(async move {
                this.transcribe(call_id).await;
                let _ = tokio::fs::remove_file(this.wav_path(call_id)).await;
            });
        }
        Ok(left.len())
    }

    /// Purges, now and every hour, the recordings older than their channel keeps: the file,
    /// then the row.
    pub fn spawn_retention(&self, store: Store) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PURGE_EVERY);
            loop {
                every.tick().await;
                match this.purge(&store, now_ms()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!("purged {n} recordings past their retention"),
                    Err(e) => tracing::warn!("purging old recordings failed: {e}"),
                }
            }
        });
    }

    /// Purges the recordings expired at `now_ms`; returns how many.
    pub async fn purge(&self, store: &Store, now_ms: i64) -> anyhow::Result<usize> {
        let expired = store.expired_recordings(now_ms).await?;
        for &call_id in &expired {
            for path in [self.mp3_path(call_id), self.wav_path(call_id)] {
                match tokio::fs::remove_file(&path).await {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
            }
            store.delete_recording(call_id).await?;
        }
        Ok(expired.len())
    }
}

/// Appends each block to the call's WAV file until the recorder is done; its length in ms, or
/// why the file could not be written (the blocks after a failure are let go).
async fn write_blocks(
    path: PathBuf,
    mut blocks: mpsc::UnboundedReceiver<Vec<i16>>,
) -> Result<u64, String> {
    let create = path.clone();
    let mut file = tokio::task::spawn_blocking(move || WavFile::create(&create))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| format!("creating {}: {e}", path.display())));
    while let Some(block) = blocks.recv().await {
        let Ok(mut wav) = file else { continue };
        file = tokio::task::spawn_blocking(move || wav.append(&block).map(|()| wav))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| format!("writing {}: {e}", path.display())));
    }
    let wav = file?;
    tokio::task::spawn_blocking(move || wav.finish())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("finishing {}: {e}", path.display()))
}

/// A finished recording's two channels: the customer's (left) and the managers' (right).
fn read_channels(wav: &Path) -> Result<(Vec<i16>, Vec<i16>), String> {
    let reader =
        hound::WavReader::open(wav).map_err(|e| format!("reading {}: {e}", wav.display()))?;
    let mut customer = Vec::with_capacity(reader.len() as usize / 2);
    let mut agents = Vec::with_capacity(reader.len() as usize / 2);
    for (i, s) in reader.into_samples::<i16>().enumerate() {
        let s = s.map_err(|e| format!("reading {}: {e}", wav.display()))?;
        if i % 2 == 0 {
            customer.push(s);
        } else {
            agents.push(s);
        }
    }
    Ok((customer, agents))
}

/// A live call's recording, fed by its room every 20 ms frame.
#[derive(Debug)]
pub struct Recorder {
    tap: StereoTap,
    block: Vec<i16>,
    frames: u32,
    paused: bool,
    tx: mpsc::UnboundedSender<Vec<i16>>,
}

impl Recorder {
    /// Frames a recording holds at most ([`MAX_RECORDING`]).
    const MAX_FRAMES: u32 = (MAX_RECORDING.as_millis() / ringdesk_media::FRAME_MS as u128) as u32;

    /// One frame of each leg's own voice: the customer's side, then the managers'.
    pub fn push(&mut self, customer_side: &[&[i16]], managers: &[&[i16]]) {
        if self.frames >= Self::MAX_FRAMES {
            return;
        }
        self.tap
            .push(customer_side, managers, self.paused, &mut self.block);
        self.frames += 1;
        if self.frames.is_multiple_of(BLOCK_FRAMES) || self.frames == Self::MAX_FRAMES {
            let _ = self.tx.send(std::mem::take(&mut self.block));
        }
    }

    /// Pauses or resumes; returns where in the recording, in ms.
    pub fn set_paused(&mut self, paused: bool) -> u64 {
        self.paused = paused;
        u64::from(self.frames) * u64::from(ringdesk_media::FRAME_MS)
    }

    /// The call is over: the last block goes to the file, which then becomes an MP3.
    pub fn finish(mut self) {
        if !self.block.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.block));
        }
    }
}
