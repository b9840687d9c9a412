//! Logins, sessions and who a manager is.

use rand::Rng;

use crate::{Manager, Result, Store, StoreError, on_pool, sha256_hex};

/// A session lasts 30 days from login.
pub(crate) const SESSION_LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;

/// The `SELECT … FROM managers m JOIN channels c` that every [`Manager`] is read with.
macro_rules! select_manager {
    ($($rest:literal)?) => {
        concat!(
            "SELECT m.id, m.channel_id, c.name AS channel_name, m.name, m.email, m.operator_seat, \
             m.status, m.do_not_disturb, m.outbound_permission, m.role, m.takes_phone_calls, \
             m.ring_unassigned",
            $($rest,)?
        )
    };
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    manager: Manager,
    password_hash: String,
}

impl Store {
    /// Checks email and password. An unknown email costs the same hash work as a wrong
    /// password, so timing doesn't tell which one was wrong.
    pub async fn verify_login(&self, email: &str, password: &str) -> Result<Manager> {
        let email = email.trim().to_lowercase();
        let row: Option<LoginRow> = on_pool!(self, |p| sqlx::query_as(select_manager!(
            ", m.password_hash FROM managers m JOIN channels c ON c.id = m.channel_id \
             WHERE m.email = $1"
        ))
        .bind(&email)
        .fetch_optional(p)
        .await?);
        // A fixed hash to verify against when the email is unknown.
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0IyqEUBL0eSfJ+2G9SMGTPzNA3Eio2/iLdCx43uUn1c";
        let hash = row.as_ref().map_or(DUMMY, |r| r.password_hash.as_str());
        let ok = crate::password::verify(password, hash).await?;
        match row {
            Some(r) if ok => Ok(r.manager),
            _ => Err(StoreError::InvalidCredentials),
        }
    }

    /// Creates a session and returns its bearer token (only its digest is stored).
    pub async fn create_session(&self, manager_id: i64, now_ms: i64) -> Result<String> {
        let token = hex::encode(rand::rng().random::<[u8; 32]>());
        let digest = sha256_hex(&token);
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO sessions (token_sha256, manager_id, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4)"
        )
        .bind(&digest)
        .bind(manager_id)
        .bind(now_ms)
        .bind(now_ms + SESSION_LIFETIME_MS)
        .execute(p)
        .await?
        .rows_affected());
        Ok(token)
    }

    /// Ends a session (logout); the token stops working at once. Unknown tokens are fine.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        let digest = sha256_hex(token);
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE token_sha256 = $1"
        )
        .bind(&digest)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The manager a live token belongs to.
    pub async fn manager_for_token(&self, token: &str, now_ms: i64) -> Result<Option<Manager>> {
        let digest = sha256_hex(token);
        Ok(on_pool!(self, |p| sqlx::query_as(select_manager!(
            " FROM sessions s JOIN managers m ON m.id = s.manager_id \
             JOIN channels c ON c.id = m.channel_id \
             WHERE s.token_sha256 = $1 AND s.expires_at_ms > $2"
        ))
        .bind(&digest)
        .bind(now_ms)
        .fetch_optional(p)
        .await?))
    }

    /// A manager by id.
    pub async fn manager(&self, id: i64) -> Result<Option<Manager>> {
        Ok(on_pool!(self, |p| sqlx::query_as(select_manager!(
            " FROM managers m JOIN channels c ON c.id = m.channel_id WHERE m.id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await?))
    }

    /// Remembers a manager's chosen status across restarts.
    pub async fn save_status(
        &self,
        manager_id: i64,
        status: &str,
        do_not_disturb: bool,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE managers SET status = $1, do_not_disturb = $2 WHERE id = $3"
        )
        .bind(status)
        .bind(do_not_disturb)
        .bind(manager_id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }
}
