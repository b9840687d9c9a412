//! The app's local cache (SQLite through rusqlite): settings and the recent-calls list, so the
//! main window has them at start-up and while offline. Never secrets: the token lives in the
//! OS keyring ([`crate::credentials`]).
//!
//! Lines are stored per account (`email on server`) so two managers sharing a machine don't see
//! each other's calls. History older than six months is dropped when the cache opens
//! (`docs/product.md#history`).

use std::path::Path;

use ringdesk_wire::{DesktopSettings, RecentCall, RecentCallOutcome};
use rusqlite::{Connection, OptionalExtension, params};

/// Unix milliseconds now: the clock the cache's times are in.
pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Six months (183 days) in milliseconds.
pub const HISTORY_KEEP_MS: i64 = 183 * 24 * 3600 * 1000;

/// Cache errors.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// SQLite failed (disk full, corrupt file, locked).
    #[error("local cache: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The cache was written by a newer app (its schema version is past ours): reading it
    /// could misread it, so it is left alone.
    #[error(
        "local cache: written by a newer Ringdesk (schema version {found}, this app knows up to {known}); update the app"
    )]
    TooNew {
        /// The file's `user_version`.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A stored value no longer parses (written by another version).
    #[error("local cache: stored {what} is unreadable: {message}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// Parser message.
        message: String,
    },
}

/// One open cache file.
#[derive(Debug)]
pub struct LocalCache {
    conn: Connection,
}

/// The cache's schema, one step per version (SQLite's `PRAGMA user_version`): step `i` takes a
/// cache at version `i` to `i + 1`, in a transaction. Add a step for every change; never edit
/// one that shipped. Step 1 creates only what is missing, so caches made before the schema was
/// versioned (version 0, same tables) take it harmlessly.
const MIGRATIONS: &[&str] = &[SCHEMA_V1, SCHEMA_V2];

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS recent_calls (
    account TEXT NOT NULL,
    call_id INTEGER NOT NULL,
    started_at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (account, call_id)
);
CREATE INDEX IF NOT EXISTS recent_calls_by_time ON recent_calls (account, started_at_ms DESC);
";

/// Callback reminders given, per account: a restart does not repeat them.
const SCHEMA_V2: &str = "
CREATE TABLE callback_reminders (
    account TEXT NOT NULL,
    callback_id INTEGER NOT NULL,
    due_at_ms INTEGER NOT NULL,
    PRIMARY KEY (account, callback_id, due_at_ms)
);
";

const DESKTOP_SETTINGS: &str = "desktop";
const LAST_SERVER: &str = "account.server";
const LAST_EMAIL: &str = "account.email";

/// Brings the cache's schema to the newest version this build knows.
fn migrate(conn: &mut Connection) -> Result<(), CacheError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(CacheError::TooNew { found, known });
    }
    for (version, step) in (1..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(found).unwrap_or(0))
    {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

impl LocalCache {
    /// Opens (creating) the cache and drops history older than six months before `now_ms`.
    pub fn open(path: &Path, now_ms: i64) -> Result<Self, CacheError> {
        if let Some(dir) = path.parent() {
            // A missing directory surfaces as SQLite's own "unable to open" error below.
            let _ = std::fs::create_dir_all(dir);
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        migrate(&mut conn)?;
        conn.execute(
            "DELETE FROM recent_calls WHERE started_at_ms < ?1",
            params![now_ms - HISTORY_KEEP_MS],
        )?;
        conn.execute(
            "DELETE FROM callback_reminders WHERE due_at_ms < ?1",
            params![now_ms - HISTORY_KEEP_MS],
        )?;
        Ok(LocalCache { conn })
    }

    fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The saved desktop settings, if any were saved.
    pub fn settings(&self) -> Result<Option<DesktopSettings>, CacheError> {
        self.get(DESKTOP_SETTINGS)?
            .map(|json| {
                serde_json::from_str(&json).map_err(|e| CacheError::Corrupt {
                    what: "settings",
                    message: e.to_string(),
                })
            })
            .transpose()
    }

    /// Saves the desktop settings.
    pub fn save_settings(&self, settings: &DesktopSettings) -> Result<(), CacheError> {
        let json = serde_json::to_string(settings).map_err(|e| CacheError::Corrupt {
            what: "settings",
            message: e.to_string(),
        })?;
        self.set(DESKTOP_SETTINGS, &json)
    }

    /// The server and email of the last login, to offer the saved session at start-up.
    pub fn last_account(&self) -> Result<Option<(String, String)>, CacheError> {
        Ok(self.get(LAST_SERVER)?.zip(self.get(LAST_EMAIL)?))
    }

    /// Remembers the server and email of a login (not the password, not the token).
    pub fn save_last_account(&self, server: &str, email: &str) -> Result<(), CacheError> {
        self.set(LAST_SERVER, server)?;
        self.set(LAST_EMAIL, email)
    }

    /// Stores or updates one recent-calls line.
    pub fn record_call(&self, account: &str, line: &RecentCall) -> Result<(), CacheError> {
        let json = serde_json::to_string(line).map_err(|e| CacheError::Corrupt {
            what: "call",
            message: e.to_string(),
        })?;
        self.conn.execute(
            "INSERT INTO recent_calls (account, call_id, started_at_ms, outcome, line) \
             VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (account, call_id) DO UPDATE SET \
             started_at_ms = excluded.started_at_ms, outcome = excluded.outcome, line = excluded.line",
            params![account, line.call_id, line.started_at_ms, line.outcome.as_str(), json],
        )?;
        Ok(())
    }

    fn lines(
        &self,
        account: &str,
        missed_only: bool,
        limit: u32,
    ) -> Result<Vec<RecentCall>, CacheError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT line FROM recent_calls WHERE account = ?1 AND (?2 = 0 OR outcome = ?3) \
             ORDER BY started_at_ms DESC, call_id DESC LIMIT ?4",
        )?;
        let missed = RecentCallOutcome::Missed.as_str();
        let rows = stmt.query_map(params![account, missed_only, missed, limit], |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for json in rows {
            // A line that no longer parses is skipped rather than hiding the whole list.
            match serde_json::from_str(&json?) {
                Ok(line) => out.push(line),
                Err(e) => tracing::warn!("skipping unreadable cached call: {e}"),
            }
        }
        Ok(out)
    }

    /// The newest `limit` calls of an account.
    pub fn recent_calls(&self, account: &str, limit: u32) -> Result<Vec<RecentCall>, CacheError> {
        self.lines(account, false, limit)
    }

    /// The newest `limit` missed calls of an account.
    pub fn missed_calls(&self, account: &str, limit: u32) -> Result<Vec<RecentCall>, CacheError> {
        self.lines(account, true, limit)
    }

    /// Deletes one line ("delete one record").
    pub fn delete_call(&self, account: &str, call_id: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "DELETE FROM recent_calls WHERE account = ?1 AND call_id = ?2",
            params![account, call_id],
        )?;
        Ok(())
    }

    /// The callback reminders an account was given, as `(callback id, due time)`.
    pub fn reminded_callbacks(&self, account: &str) -> Result<Vec<(i64, i64)>, CacheError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT callback_id, due_at_ms FROM callback_reminders WHERE account = ?1",
        )?;
        let rows = stmt.query_map(params![account], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps that a callback's reminder (for its due time) was given.
    pub fn mark_callback_reminded(
        &self,
        account: &str,
        callback_id: i64,
        due_at_ms: i64,
    ) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO callback_reminders (account, callback_id, due_at_ms) VALUES (?1, ?2, ?3) \
             ON CONFLICT DO NOTHING",
            params![account, callback_id, due_at_ms],
        )?;
        Ok(())
    }

    /// Deletes every line of an account ("delete all").
    pub fn clear_calls(&self, account: &str) -> Result<(), CacheError> {
        self.conn.execute(
            "DELETE FROM recent_calls WHERE account = ?1",
            params![account],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringdesk_wire::{CallVia, Caller};

    fn line(call_id: i64, started_at_ms: i64, outcome: &str) -> RecentCall {
        RecentCall {
            call_id,
            caller: Caller {
                number: format!("+82101234{call_id:04}"),
                name: None,
                fields: vec![],
            },
            via: CallVia {
                number: "+827076660100".into(),
                team_name: "고객지원팀".into(),
            },
            started_at_ms,
            answered_at_ms: None,
            ended_at_ms: None,
            outcome: RecentCallOutcome::parse(outcome).unwrap(),
            invited_by: None,
            already_handled: false,
            medium: ringdesk_wire::CallMedium::Phone,
        }
    }

    #[test]
    fn the_schema_is_versioned_and_a_newer_cache_is_left_alone() {
        let path = temp_path("versions");
        let version = |p: &std::path::Path| -> i64 {
            Connection::open(p)
                .unwrap()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap()
        };
        // A cache from before versioning: the tables, version 0, a saved line.
        {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(SCHEMA_V1).unwrap();
        }
        let cache = LocalCache::open(&path, 0).unwrap();
        cache.record_call("a", &line(1, 5, "answered")).unwrap();
        drop(cache);
        assert_eq!(version(&path), MIGRATIONS.len() as i64);
        let cache = LocalCache::open(&path, 0).unwrap();
        assert_eq!(
            cache.recent_calls("a", 10).unwrap().len(),
            1,
            "kept across opens"
        );
        drop(cache);
        // A newer app wrote it: refused clearly, and the file is not touched.
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = LocalCache::open(&path, 0).unwrap_err();
        assert!(matches!(err, CacheError::TooNew { found: 99, .. }), "{err}");
        assert_eq!(version(&path), 99);
    }

    fn temp_path(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ringdesk-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("cache.sqlite3")
    }

    #[test]
    fn keeps_lines_per_account_newest_first_and_updates_in_place() {
        let path = temp_path("lines");
        let cache = LocalCache::open(&path, 10_000).unwrap();
        for (id, at, o) in [
            (1, 1_000, "answered"),
            (2, 2_000, "missed"),
            (3, 3_000, "ringing"),
        ] {
            cache.record_call("a", &line(id, at, o)).unwrap();
        }
        cache.record_call("b", &line(9, 5_000, "missed")).unwrap();
        cache.record_call("a", &line(3, 3_000, "missed")).unwrap();
        let ids = |v: Vec<RecentCall>| v.into_iter().map(|l| l.call_id).collect::<Vec<_>>();
        assert_eq!(ids(cache.recent_calls("a", 5).unwrap()), [3, 2, 1]);
        assert_eq!(ids(cache.recent_calls("a", 2).unwrap()), [3, 2]);
        assert_eq!(ids(cache.missed_calls("a", 5).unwrap()), [3, 2]);
        assert_eq!(ids(cache.recent_calls("b", 5).unwrap()), [9]);
        cache.delete_call("a", 2).unwrap();
        assert_eq!(ids(cache.recent_calls("a", 5).unwrap()), [3, 1]);
        cache.clear_calls("a").unwrap();
        assert!(cache.recent_calls("a", 5).unwrap().is_empty());
        assert_eq!(
            ids(cache.recent_calls("b", 5).unwrap()),
            [9],
            "other account kept"
        );
        std::fs::remove_dir_all(path.parent().unwrap()).ok();
    }

    #[test]
    fn drops_history_older_than_six_months_on_open() {
        let path = temp_path("prune");
        let now = HISTORY_KEEP_MS + 50_000;
        {
            let cache = LocalCache::open(&path, 0).unwrap();
            cache
                .record_call("a", &line(1, 10_000, "answered"))
                .unwrap();
            cache
                .record_call("a", &line(2, 60_000, "answered"))
                .unwrap();
        }
        let cache = LocalCache::open(&path, now).unwrap();
        let kept: Vec<i64> = cache
            .recent_calls("a", 5)
            .unwrap()
            .into_iter()
            .map(|l| l.call_id)
            .collect();
        assert_eq!(kept, [2]);
        std::fs::remove_dir_all(path.parent().unwrap()).ok();
    }

    #[test]
    fn settings_and_last_account_survive_reopening() {
        let path = temp_path("settings");
        let settings = crate::settings::defaults(false);
        {
            let cache = LocalCache::open(&path, 0).unwrap();
            assert_eq!(cache.settings().unwrap(), None);
            assert_eq!(cache.last_account().unwrap(), None);
            let mut changed = settings.clone();
            changed.start_muted = true;
            changed.speaker = Some("USB 헤드셋".into());
            cache.save_settings(&changed).unwrap();
            cache.save_last_account("https://x", "minji@x").unwrap();
        }
        let cache = LocalCache::open(&path, 0).unwrap();
        let loaded = cache.settings().unwrap().unwrap();
        assert!(loaded.start_muted);
        assert_eq!(loaded.speaker.as_deref(), Some("USB 헤드셋"));
        assert_eq!(
            cache.last_account().unwrap(),
            Some(("https://x".into(), "minji@x".into()))
        );
        cache.set(DESKTOP_SETTINGS, "{not json").unwrap();
        assert!(matches!(
            cache.settings(),
            Err(CacheError::Corrupt {
                what: "settings",
                ..
            })
        ));
        std::fs::remove_dir_all(path.parent().unwrap()).ok();
    }
}
