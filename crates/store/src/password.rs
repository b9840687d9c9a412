//! Password hashes (Argon2id with the crate's defaults: 19 MiB of memory, two passes), kept
//! off the async runtime and bounded.
//!
//! One hash takes a core for tens of milliseconds and 19 MiB while it runs. On the async
//! runtime it would stall a worker thread and every task queued behind it (a ring, a push);
//! unbounded, a morning's logins arriving together would each hold 19 MiB at once. So every
//! hash runs on a blocking thread, at most one per core at a time, and the others wait their
//! turn. (The memory going back to the system once a hash is done is the allocator's part:
//! the cloud sets it up for that at start, `ringdesk-cloud`'s `memory.rs`.)

use std::sync::{Arc, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use tokio::sync::Semaphore;

use crate::{Result, StoreError};

/// Turns to hash: one per core.
fn turns() -> Arc<Semaphore> {
    static TURNS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    TURNS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
            Arc::new(Semaphore::new(cores))
        })
        .clone()
}

/// Runs `work` on a blocking thread once a turn is free. The turn goes with the work, so a
/// caller that gives up waiting (a client gone) does not free it while the hash still runs.
async fn in_turn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let turn = turns()
        .acquire_owned()
        .await
        .map_err(|e| StoreError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let done = work();
        drop(turn);
        done
    })
    .await
    .map_err(|e| StoreError::Hash(e.to_string()))
}

/// Hashes a password with a random salt: the PHC string `managers.password_hash` keeps.
pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    in_turn(move || hash_now(&password)).await?
}

/// Whether `password` is the one `phc` (a PHC string from [`hash`]) was made from.
pub async fn verify(password: &str, phc: &str) -> Result<bool> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    in_turn(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| StoreError::Hash(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// [`hash`] on the calling thread.
fn hash_now(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
        .map_err(|e| StoreError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Hash(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let phc = hash("correct horse").await.unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify("correct horse", &phc).await.unwrap());
        assert!(!verify("correct hors", &phc).await.unwrap());
        assert_ne!(phc, hash("correct horse").await.unwrap(), "salted");
        assert!(verify("x", "not a hash").await.is_err());
    }

    /// Many at once: all answered, never more running than there are turns.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_take_turns() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs: Vec<_> = (0..8)
            .map(|i| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(async move {
                    in_turn(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        let phc = hash_now(&format!("pw{i}")).unwrap();
                        running.fetch_sub(1, Ordering::SeqCst);
                        phc
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        for job in jobs {
            assert!(job.await.unwrap().starts_with("$argon2id$"));
        }
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} at once on {cores} cores"
        );
    }
}
