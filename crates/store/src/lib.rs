//! ringdesk-store: everything the cloud must not lose — channels, managers, contacts, numbers,
//! sessions and call records — in SQLite (WAL, the embedded default) or PostgreSQL (when a team
//! outgrows one machine), through sqlx, behind one API.
//!
//! Contract: plain row structs in and out; no serde (the cloud maps rows to `ringdesk-wire`
//! types). Every write that records a call happens as the call progresses (start, ring,
//! answer, end), so a crash mid-call loses nothing already known. Passwords are Argon2id
//! hashes; session tokens are stored only as SHA-256 digests. Rows are read with `FromRow`
//! (`try_get` underneath), so a schema that disagrees with the code is an error, not a panic.
//!
//! Two backends, one SQL text: every query is written once with `$1`-style placeholders, which
//! both SQLite and PostgreSQL read, and runs through [`on_pool!`] on whichever pool the store
//! holds. Where the dialects must differ — the schema — each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`) with the same versions, one change per version.
//!
//! Left out: retention jobs.

pub mod access_keys;
mod auth;
pub mod callbacks;
mod calls;
pub mod contacts;
pub mod conversations;
mod demo;
mod directory;
pub mod export;
pub mod history;
pub mod password;
pub mod recordings;
mod rows;
pub mod scratch;
pub mod statistics;
pub mod time;
mod workflow_records;
mod workflows;

use std::str::FromStr;

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use contacts::{CONTACT_FIELDS_SHOWN, ContactEdit, ContactRecord, ContactRefusal};
pub use demo::{DEMO_IVR_NUMBER, DEMO_MANAGERS, DEMO_NUMBER, DemoManager};
pub use recordings::{DEFAULT_RETENTION_DAYS, RecordingRow, TranscriptHitRow, TranscriptLineRow};
pub use rows::*;
pub use workflow_records::StepFigures;
pub use workflows::{LiveWorkflow, PromptRow, VersionRow, WorkflowRow};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (or a row did not match the schema the code expects).
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL names no backend we support.
    #[error("unsupported database URL {0:?}: expected sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// Email or password wrong (deliberately not saying which).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Hashing failed.
    #[error("password hashing: {0}")]
    Hash(String),
}

impl StoreError {
    /// Whether the same write may succeed later: the database was busy, locked or unreachable.
    /// A broken constraint, bad credentials or a schema mismatch never heal by waiting.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                matches!(e.kind(), sqlx::error::ErrorKind::Other)
            }
            StoreError::Db(e) => matches!(
                e,
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
            ),
            _ => false,
        }
    }
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file: one machine, nothing to run beside the cloud.
    Sqlite,
    /// A PostgreSQL server: several cloud processes, or a team past one machine.
    Postgres,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's pool, whichever backend it is. The body is
/// compiled once per backend, so one SQL text (with `$1` placeholders) and one piece of Rust
/// serve both; `$pool` may also begin a transaction.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The database handle; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A database URL fit for logs and status lines: the password, if any, replaced by `***`.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Opens the database a URL names and migrates it: `sqlite://PATH` (created if missing) or
    /// `postgres://USER@HOST:PORT/DB` (the database must exist).
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
            // Several cloud processes may start at once: sqlx takes an advisory lock.
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Ok(Store {
                pool: Pool::Postgres(pool),
            })
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Self::open_sqlite(path).await
        } else {
            Err(StoreError::UnsupportedUrl(url.to_string()))
        }
    }

    /// Opens (creating if needed) the SQLite database at `path`, in WAL mode, and migrates it.
    pub async fn open_sqlite(path: &str) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL survives a process crash without losing committed data.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// SQLite's journal mode (tests check WAL); `None` on PostgreSQL, which has no such thing.
    pub async fn journal_mode(&self) -> Result<Option<String>> {
        match &self.pool {
            Pool::Sqlite(p) => Ok(Some(
                sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(p)
                    .await?,
            )),
            Pool::Postgres(_) => Ok(None),
        }
    }

    /// Waits for queries in flight and closes every connection (a clean shutdown).
    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }

    /// Inserts the demo channel when the database is empty; returns whether it did.
    pub async fn seed_demo_if_empty(&self, now_ms: i64) -> Result<bool> {
        let channels: i64 = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM channels"
        )
        .fetch_one(p)
        .await?);
        if channels > 0 {
            return Ok(false);
        }
        demo::seed(self, now_ms).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
