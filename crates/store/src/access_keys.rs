//! Metrics API access keys: a public key id and a secret, created and revoked by a channel's
//! owner. The secret is handed out once and kept as its SHA-256 digest.

use rand::Rng;

use crate::{Result, Store, on_pool, sha256_hex};

/// An access key as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessKeyRow {
    /// Row id (what revoking names).
    pub id: i64,
    /// The public half, sent with every request.
    pub key_id: String,
    /// What the owner called it.
    pub label: String,
    /// Who created it.
    pub created_by: i64,
    /// When, Unix ms.
    pub created_at_ms: i64,
    /// When it was revoked, if it was.
    pub revoked_at_ms: Option<i64>,
}

/// What a key and secret presented to the API are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// A live key of this channel.
    Valid {
        /// Its channel.
        channel_id: i64,
    },
    /// The right secret of a revoked key.
    Revoked,
    /// No such key, or the wrong secret (deliberately not saying which).
    Wrong,
}

/// Equal without stopping at the first difference, so the time taken says nothing about how
/// much of a guess was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |d, (x, y)| d | (x ^ y)) == 0
}

impl Store {
    /// Creates a key for the channel; returns it and its secret (shown once, never again).
    pub async fn create_access_key(
        &self,
        channel_id: i64,
        created_by: i64,
        label: &str,
        now_ms: i64,
    ) -> Result<(AccessKeyRow, String)> {
        let key_id = format!("rk_{}", hex::encode(rand::rng().random::<[u8; 8]>()));
        let secret = hex::encode(rand::rng().random::<[u8; 32]>());
        let id: i64 = on_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO access_keys \
             (channel_id, key_id, secret_sha256, label, created_by, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        )
        .bind(channel_id)
        .bind(&key_id)
        .bind(sha256_hex(&secret))
        .bind(label)
        .bind(created_by)
        .bind(now_ms)
        .fetch_one(p)
        .await?);
        let row = AccessKeyRow {
            id,
            key_id,
            label: label.to_string(),
            created_by,
            created_at_ms: now_ms,
            revoked_at_ms: None,
        };
        Ok((row, secret))
    }

    /// The channel's keys, newest first, revoked ones too.
    pub async fn access_keys(&self, channel_id: i64) -> Result<Vec<AccessKeyRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, key_id, label, created_by, created_at_ms, revoked_at_ms \
             FROM access_keys WHERE channel_id = $1 ORDER BY id DESC"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// Revokes one of the channel's keys; false when it has no such key. Revoking twice keeps
    /// the first time.
    pub async fn revoke_access_key(&self, channel_id: i64, id: i64, now_ms: i64) -> Result<bool> {
        let n = on_pool!(self, |p| sqlx::query(
            "UPDATE access_keys SET revoked_at_ms = COALESCE(revoked_at_ms, $3) \
             WHERE id = $1 AND channel_id = $2"
        )
        .bind(id)
        .bind(channel_id)
        .bind(now_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(n > 0)
    }

    /// What a presented key id and secret are.
    pub async fn check_access_key(&self, key_id: &str, secret: &str) -> Result<KeyCheck> {
        let row: Option<(i64, String, Option<i64>)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT channel_id, secret_sha256, revoked_at_ms FROM access_keys WHERE key_id = $1"
        )
        .bind(key_id)
        .fetch_optional(p)
        .await?);
        Ok(match row {
            Some((channel_id, digest, revoked)) if same(&digest, &sha256_hex(secret)) => {
                match revoked {
                    Some(_) => KeyCheck::Revoked,
                    None => KeyCheck::Valid { channel_id },
                }
            }
            _ => KeyCheck::Wrong,
        })
    }
}
