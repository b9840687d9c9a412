//! Throwaway databases for test suites: a fresh SQLite file in its own temporary directory, or
//! a fresh database on the PostgreSQL server that `RINGDESK_TEST_POSTGRES` names (`cargo xtask
//! test` starts a throwaway cluster and sets it). A suite gets the same empty, unmigrated
//! database either way and opens it with [`crate::Store::connect`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

use crate::{Backend, Store};

/// The variable holding the URL of a PostgreSQL database (any, e.g. `postgres`) on a server
/// where the tests may create databases: `postgres://USER@HOST:PORT/postgres`.
pub const POSTGRES_ENV: &str = "RINGDESK_TEST_POSTGRES";

/// A database made for one test. SQLite files are deleted when it drops; PostgreSQL databases
/// stay until their (throwaway) cluster is removed.
#[derive(Debug)]
pub struct ScratchDatabase {
    url: String,
    dir: Option<PathBuf>,
}

/// `url` with its database name replaced by `name` (`postgres://u@h:1/postgres?x` → `…/name?x`).
fn with_database(url: &str, name: &str) -> Option<String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let (authority, _) = base.rsplit_once('/')?;
    if !authority.contains("://") || authority.ends_with('/') {
        return None;
    }
    Some(match query {
        Some(q) => format!("{authority}/{name}?{q}"),
        None => format!("{authority}/{name}"),
    })
}

impl ScratchDatabase {
    /// Makes a fresh, empty database on `backend`.
    ///
    /// # Panics
    /// When it can't: no temporary directory, or for PostgreSQL `RINGDESK_TEST_POSTGRES`
    /// unset or its server refusing (the message says which). These are test-rig failures,
    /// and a test must fail on them rather than pass without its database.
    pub async fn new(backend: Backend) -> ScratchDatabase {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "ringdesk_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            rand::random::<u16>()
        );
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir)
                    .unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
                ScratchDatabase {
                    url: format!("sqlite://{}", dir.join("ringdesk.sqlite").display()),
                    dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
                    panic!(
                        "{POSTGRES_ENV} is not set: the PostgreSQL tests need a server \
                         (`cargo xtask test` starts one), e.g. \
                         {POSTGRES_ENV}=postgres://postgres@127.0.0.1:5432/postgres"
                    )
                });
                let url = with_database(&admin, &name).unwrap_or_else(|| {
                    panic!("{POSTGRES_ENV}={admin:?} is not a postgres://…/DATABASE URL")
                });
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("connecting to {POSTGRES_ENV}={admin}: {e}"));
                // The name is ours: a fixed prefix and numbers.
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
                conn.close().await.ok();
                ScratchDatabase { url, dir: None }
            }
        }
    }

    /// Its URL, for [`Store::connect`] or a cloud's `--database`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connects to it (migrating it the first time).
    ///
    /// # Panics
    /// When the database can't be opened or migrated.
    pub async fn open(&self) -> Store {
        Store::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("opening {}: {e}", self.url))
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            std::fs::remove_dir_all(dir).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://pg@127.0.0.1:5433/postgres", "t1").as_deref(),
            Some("postgres://pg@127.0.0.1:5433/t1")
        );
        assert_eq!(
            with_database("postgresql://pg@h/postgres?sslmode=disable", "t2").as_deref(),
            Some("postgresql://pg@h/t2?sslmode=disable")
        );
        assert_eq!(with_database("postgres://pg@h", "t3"), None);
    }
}
