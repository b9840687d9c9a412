//! The record writer: one task that writes what the dispatcher reports — call events and
//! managers' chosen status — to the store, in the order reported.
//!
//! The dispatcher routes every call of the service in one task, so it must never wait for the
//! database: a write blocked behind another (SQLite allows one writer at a time; its busy
//! timeout is seconds) would stall every ring in the meantime. Instead it queues writes here
//! and goes on. One queue keeps each call's events in order (its start before its rings, its
//! end last). A write that fails is retried with backoff — the usual failure is a database
//! busy or briefly unreachable — and logged as lost only after that; a clean shutdown
//! [`RecordWriter::flush`]es the queue first, so nothing reported is lost.

use std::time::Duration;

use ringdesk_store::{CallEvent, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

use crate::recording::RecordingWrite;

/// One write, as the dispatcher reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// An event of a call's record.
    Call(CallEvent),
    /// A manager's chosen status, kept across restarts.
    Status {
        /// The manager.
        manager_id: i64,
        /// `available` or `away`.
        status: &'static str,
        /// Do-not-disturb.
        do_not_disturb: bool,
    },
    /// A call's recording: started, paused, finished.
    Recording(crate::recording::RecordingWrite),
    /// A call's conversation is now this manager's (they took the call).
    Assigned {
        /// The call (and its conversation).
        call_id: i64,
        /// The manager.
        manager_id: i64,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// A manager's status as others see it changed (`offline`: no app connected).
    StatusLog {
        /// Their channel.
        channel_id: i64,
        /// The manager.
        manager_id: i64,
        /// `available`, `away`, `inCall`, `wrapUp` or `offline`.
        status: &'static str,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// A manager's assignment settings.
    Assignment {
        /// The manager.
        manager_id: i64,
        /// The "phone" type is on.
        takes_phone_calls: bool,
        /// Calls to a number without a team ring them.
        ring_unassigned: bool,
    },
}

enum Job {
    Write(Write),
    Flush(oneshot::Sender<()>),
}

/// The queue into the writer task; cheap to clone.
#[derive(Debug, Clone)]
pub struct RecordWriter {
    tx: mpsc::UnboundedSender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Job::Write(w) => f.debug_tuple("Write").field(w).finish(),
            Job::Flush(_) => f.write_str("Flush"),
        }
    }
}

/// How often a failing write is tried, and the wait before the first retry (doubling after).
const ATTEMPTS: u32 = 6;
const FIRST_RETRY: Duration = Duration::from_millis(200);

impl RecordWriter {
    /// Starts the writer task over `store`.
    pub fn spawn(store: Store) -> RecordWriter {
        let (tx, mut rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(job) = rx.recv().await {
                match job {
                    Job::Write(w) => write_with_retries(&store, &w).await,
                    Job::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        RecordWriter { tx }
    }

    /// Queues a write; returns at once.
    pub fn send(&self, write: Write) {
        if self.tx.send(Job::Write(write)).is_err() {
            // Only after the runtime shut down, when nothing can be written anyway.
            tracing::error!("the record writer is gone; a write was dropped");
        }
    }

    /// Waits until everything queued before this call is written (or given up on).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Job::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

async fn write_once(store: &Store, write: &Write) -> Result<(), StoreError> {
    match write {
        Write::Call(event) => store.record(event).await,
        Write::Status {
            manager_id,
            status,
            do_not_disturb,
        } => {
            store
                .save_status(*manager_id, status, *do_not_disturb)
                .await
        }
        Write::Assignment {
            manager_id,
            takes_phone_calls,
            ring_unassigned,
        } => {
            store
                .set_assignment(*manager_id, *takes_phone_calls, *ring_unassigned)
                .await
        }
        Write::StatusLog {
            channel_id,
            manager_id,
            status,
            at_ms,
        } => {
            store
                .log_status(*channel_id, *manager_id, status, *at_ms)
                .await
        }
        Write::Recording(r) => write_recording(store, r).await,
        Write::Assigned {
            call_id,
            manager_id,
            at_ms,
        } => {
            store
                .assign_call_conversation(*call_id, *manager_id, *at_ms)
                .await
        }
    }
}

async fn write_recording(store: &Store, w: &RecordingWrite) -> Result<(), StoreError> {
    match w {
        RecordingWrite::Started {
            call_id,
            channel_id,
            at_ms,
        } => store.recording_started(*call_id, *channel_id, *at_ms).await,
        RecordingWrite::Paused {
            call_id,
            at_ms,
            paused,
        } => store.recording_paused(*call_id, *at_ms, *paused).await,
        RecordingWrite::TranscriptPending { call_id } => store.transcript_pending(*call_id).await,
        RecordingWrite::Transcript { call_id, outcome } => {
            let outcome = outcome.as_deref().map_err(String::as_str);
            store.transcript_finished(*call_id, outcome).await
        }
        RecordingWrite::Finished {
            call_id,
            duration_ms,
            outcome,
        } => {
            let outcome = outcome.as_ref().map(|b| *b).map_err(String::as_str);
            store
                .recording_finished(*call_id, *duration_ms, outcome)
                .await
        }
    }
}

/// What a write is about, for logs: ids only (numbers and names are personal data).
fn subject(write: &Write) -> String {
    match write {
        Write::Call(e) => format!("call {}", e.call_id()),
        Write::Status { manager_id, .. } => format!("manager {manager_id}'s status"),
        Write::Assignment { manager_id, .. } => {
            format!("manager {manager_id}'s assignment settings")
        }
        Write::StatusLog { manager_id, .. } => format!("manager {manager_id}'s status log"),
        Write::Recording(
            RecordingWrite::Started { call_id, .. }
            | RecordingWrite::Paused { call_id, .. }
            | RecordingWrite::TranscriptPending { call_id }
            | RecordingWrite::Transcript { call_id, .. }
            | RecordingWrite::Finished { call_id, .. },
        ) => format!("call {call_id}'s recording"),
        Write::Assigned { call_id, .. } => format!("call {call_id}'s assignee"),
    }
}

async fn write_with_retries(store: &Store, write: &Write) {
    let mut wait = FIRST_RETRY;
    for attempt in 1..=ATTEMPTS {
        match write_once(store, write).await {
            Ok(()) => return,
            Err(e) if attempt < ATTEMPTS && e.is_transient() => {
                tracing::warn!(
                    "writing {} failed (attempt {attempt}), retrying in {wait:?}: {e}",
                    subject(write)
                );
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(
                    "writing {} failed (attempt {attempt}); giving it up: {e}",
                    subject(write)
                );
                return;
            }
        }
    }
}
