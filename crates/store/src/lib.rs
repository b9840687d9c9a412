//! ringdesk-store: everything the cloud must not lose — channels, managers, contacts, numbers,
//! sessions and call records — in SQLite (WAL) through sqlx, with one set of migrations.
//!
//! Contract: plain row structs in and out; no serde (the cloud maps rows to `ringdesk-wire`
//! types). Every write that records a call happens as the call progresses (start, ring,
//! answer, end), so a crash mid-call loses nothing already known. Passwords are Argon2id
//! hashes; session tokens are stored only as SHA-256 digests.
//!
//! Left out: PostgreSQL (the schema is written to port as is), retention jobs.

mod demo;
pub mod time;

use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use demo::{DEMO_MANAGERS, DEMO_NUMBER, DemoManager};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Email or password wrong (deliberately not saying which).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Hashing failed.
    #[error("password hashing: {0}")]
    Hash(String),
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A manager row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manager {
    /// Id.
    pub id: i64,
    /// Channel.
    pub channel_id: i64,
    /// Channel name.
    pub channel_name: String,
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Has an operator seat.
    pub operator_seat: bool,
    /// Saved status code (`available`, `away`).
    pub status: String,
    /// Saved do-not-disturb.
    pub do_not_disturb: bool,
    /// May place calls (PRODUCT.md §1).
    pub outbound_permission: bool,
    /// `owner`, `admin` or `manager`: owners and admins change the channel's settings.
    pub role: String,
}

/// One row of the international rate table: where calls may go and what one costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRow {
    /// Calling code, digits only.
    pub code: String,
    /// Price per call in CU.
    pub price_cu: u32,
    /// Country name.
    pub country: String,
}

/// How a dialled number routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRoute {
    /// The channel owning the number.
    pub channel_id: i64,
    /// The channel's default country code (for normalising callers' national numbers).
    pub default_country_code: String,
    /// The number, E.164.
    pub e164: String,
    /// Team the number rings.
    pub team_id: Option<i64>,
    /// The team's name.
    pub team_name: String,
    /// Team members in ring-preference order.
    pub members: Vec<i64>,
}

/// A contact, with its first profile fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Profile fields in display order.
    pub fields: Vec<(String, String)>,
}

/// A new inbound call.
#[derive(Debug, Clone)]
pub struct NewCall {
    /// Channel.
    pub channel_id: i64,
    /// `inbound`/`outbound`.
    pub direction: &'static str,
    /// Channel number.
    pub number: String,
    /// Customer number.
    pub caller_number: String,
    /// Customer name.
    pub caller_name: Option<String>,
    /// Matched contact.
    pub contact_id: Option<i64>,
    /// Routed team.
    pub team_id: Option<i64>,
    /// Start, Unix ms.
    pub started_at_ms: i64,
}

/// A stored call record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    /// Id.
    pub id: i64,
    /// Direction.
    pub direction: String,
    /// Channel number.
    pub number: String,
    /// Customer number.
    pub caller_number: String,
    /// Customer name.
    pub caller_name: Option<String>,
    /// Start, Unix ms.
    pub started_at_ms: i64,
    /// Answer, Unix ms.
    pub answered_at_ms: Option<i64>,
    /// End, Unix ms.
    pub ended_at_ms: Option<i64>,
    /// Talk seconds.
    pub duration_s: i64,
    /// Hangup cause code.
    pub hangup_cause: Option<String>,
    /// Missed reason code.
    pub missed_reason: Option<String>,
    /// Each manager's part, in order.
    pub managers: Vec<CallManagerRow>,
    /// Numbers called on a parallel line, in order.
    pub parties: Vec<CallPartyRow>,
}

/// A number a manager called on a parallel line of a call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallPartyRow {
    /// E.164.
    pub number: String,
    /// Who called it.
    pub by_manager_id: i64,
    /// When it was dialled, Unix ms.
    pub started_at_ms: i64,
    /// When it answered.
    pub answered_at_ms: Option<i64>,
    /// When its leg ended.
    pub ended_at_ms: Option<i64>,
    /// How its line ended (`merged`, `unreachable`, `partyLeft`, `ownerLeft`, or the call's
    /// cause).
    pub outcome: Option<String>,
}

/// One event of a manager's part in a call: rung, declined, answered, left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallManagerRow {
    /// Manager id.
    pub id: i64,
    /// Manager name.
    pub name: String,
    /// `rang`, `declined`, `answered`, `left`.
    pub role: String,
    /// How they came to the call (rang/answered): `route`, `invite`, `coldTransfer`,
    /// `warmTransfer`, `pickUp`.
    pub purpose: Option<String>,
    /// Who invited or transferred them.
    pub by_manager_id: Option<i64>,
    /// How their leg ended (left).
    pub cause: Option<String>,
}

/// A manager's part in a call, as it is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerPart<'a> {
    /// Rung for it: why, and by whom.
    Rang {
        /// `route`, `invite`, `coldTransfer`, `warmTransfer`.
        purpose: &'a str,
        /// Who invited or transferred.
        by: Option<i64>,
    },
    /// Declined the ring.
    Declined,
    /// Joined the call (sets the call's answer time the first time).
    Answered {
        /// `route`, `invite`, `coldTransfer`, `warmTransfer`, `pickUp`.
        purpose: &'a str,
    },
    /// Their leg ended.
    Left {
        /// `left`, `transferred`, `transferCancelled`, or the call's hangup cause.
        cause: &'a str,
    },
}

/// A team of a channel, for transfer pickers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Members in ring order.
    pub members: Vec<i64>,
}

/// The database handle; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
        .map_err(|e| StoreError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Hash(e.to_string()))
}

/// Columns read by `manager_from_row`, as a literal so queries stay static strings.
macro_rules! manager_columns {
    () => {
        "m.id, m.channel_id, c.name, m.name, m.email, m.operator_seat, m.status, m.do_not_disturb, m.outbound_permission, m.role"
    };
}

/// Columns read by `call_from_row`.
macro_rules! call_columns {
    () => {
        "id, direction, number, caller_number, caller_name, started_at_ms, answered_at_ms, ended_at_ms, duration_s, \
         hangup_cause, missed_reason"
    };
}

const SESSION_LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`, in WAL mode, and migrates it.
    pub async fn open(path: &str) -> Result<Store> {
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
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    /// The journal mode in effect (tests check WAL).
    pub async fn journal_mode(&self) -> Result<String> {
        Ok(sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Inserts the demo channel when the database is empty; returns whether it did.
    pub async fn seed_demo_if_empty(&self, now_ms: i64) -> Result<bool> {
        let channels: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM channels")
            .fetch_one(&self.pool)
            .await?;
        if channels > 0 {
            return Ok(false);
        }
        demo::seed(&self.pool, now_ms).await?;
        Ok(true)
    }

    /// Adds a channel with one team, one manager and one number — for tests of tenant isolation.
    pub async fn create_channel(
        &self,
        name: &str,
        manager_email: &str,
        password: &str,
        number: &str,
        now_ms: i64,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let channel: i64 = sqlx::query_scalar(
            "INSERT INTO channels (name, created_at_ms) VALUES (?, ?) RETURNING id",
        )
        .bind(name)
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?;
        let team: i64 = sqlx::query_scalar(
            "INSERT INTO teams (channel_id, name) VALUES (?, 'Support') RETURNING id",
        )
        .bind(channel)
        .fetch_one(&mut *tx)
        .await?;
        let manager: i64 = sqlx::query_scalar(
            "INSERT INTO managers (channel_id, name, email, password_hash, role) VALUES (?, ?, ?, ?, 'owner') RETURNING id",
        )
        .bind(channel)
        .bind(manager_email)
        .bind(manager_email)
        .bind(hash_password(password)?)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO team_members (team_id, manager_id, position) VALUES (?, ?, 0)")
            .bind(team)
            .bind(manager)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO numbers (channel_id, e164, team_id) VALUES (?, ?, ?)")
            .bind(channel)
            .bind(number)
            .bind(team)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(channel)
    }

    /// Adds an operator to the channel's first team, last in ring order (load tests and admin
    /// tooling; the admin UI is a later issue).
    pub async fn add_team_manager(
        &self,
        channel_id: i64,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<i64> {
        let mut tx = self.pool.begin().await?;
        let team: i64 =
            sqlx::query_scalar("SELECT id FROM teams WHERE channel_id = ? ORDER BY id LIMIT 1")
                .bind(channel_id)
                .fetch_one(&mut *tx)
                .await?;
        let manager: i64 = sqlx::query_scalar(
            "INSERT INTO managers (channel_id, name, email, password_hash, role) VALUES (?, ?, ?, ?, 'manager') RETURNING id",
        )
        .bind(channel_id)
        .bind(name)
        .bind(email)
        .bind(hash_password(password)?)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO team_members (team_id, manager_id, position) \
             VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM team_members WHERE team_id = ?))",
        )
        .bind(team)
        .bind(manager)
        .bind(team)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(manager)
    }

    fn manager_from_row(row: &sqlx::sqlite::SqliteRow) -> Manager {
        Manager {
            id: row.get(0),
            channel_id: row.get(1),
            channel_name: row.get(2),
            name: row.get(3),
            email: row.get(4),
            operator_seat: row.get(5),
            status: row.get(6),
            do_not_disturb: row.get(7),
            outbound_permission: row.get(8),
            role: row.get(9),
        }
    }

    /// Checks email and password. An unknown email costs the same hash work as a wrong
    /// password, so timing doesn't tell which one was wrong.
    pub async fn verify_login(&self, email: &str, password: &str) -> Result<Manager> {
        let row = sqlx::query(concat!("SELECT ", manager_columns!(), ", m.password_hash FROM managers m JOIN channels c ON c.id = m.channel_id WHERE m.email = ?"))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        // A fixed hash to verify against when the email is unknown.
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0IyqEUBL0eSfJ+2G9SMGTPzNA3Eio2/iLdCx43uUn1c";
        let (manager, hash) = match &row {
            Some(r) => (Some(Self::manager_from_row(r)), r.get::<String, _>(10)),
            None => (None, DUMMY.to_string()),
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| StoreError::Hash(e.to_string()))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        match manager {
            Some(m) if ok => Ok(m),
            _ => Err(StoreError::InvalidCredentials),
        }
    }

    /// Creates a session and returns its bearer token (only its digest is stored).
    pub async fn create_session(&self, manager_id: i64, now_ms: i64) -> Result<String> {
        let token = hex::encode(rand::rng().random::<[u8; 32]>());
        sqlx::query("INSERT INTO sessions (token_sha256, manager_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)")
            .bind(sha256_hex(&token))
            .bind(manager_id)
            .bind(now_ms)
            .bind(now_ms + SESSION_LIFETIME_MS)
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    /// Ends a session (logout); the token stops working at once. Unknown tokens are fine.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = ?")
            .bind(sha256_hex(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The manager a live token belongs to.
    pub async fn manager_for_token(&self, token: &str, now_ms: i64) -> Result<Option<Manager>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            manager_columns!(),
            " FROM sessions s JOIN managers m ON m.id = s.manager_id JOIN channels c ON c.id = m.channel_id \
             WHERE s.token_sha256 = ? AND s.expires_at_ms > ?"
        ))
        .bind(sha256_hex(token))
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(Self::manager_from_row))
    }

    /// A manager by id.
    pub async fn manager(&self, id: i64) -> Result<Option<Manager>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            manager_columns!(),
            " FROM managers m JOIN channels c ON c.id = m.channel_id WHERE m.id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(Self::manager_from_row))
    }

    /// Remembers a manager's chosen status across restarts.
    pub async fn save_status(
        &self,
        manager_id: i64,
        status: &str,
        do_not_disturb: bool,
    ) -> Result<()> {
        sqlx::query("UPDATE managers SET status = ?, do_not_disturb = ? WHERE id = ?")
            .bind(status)
            .bind(do_not_disturb)
            .bind(manager_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How a dialled E.164 number routes, if the service owns it.
    pub async fn number_route(&self, e164: &str) -> Result<Option<NumberRoute>> {
        let Some(row) = sqlx::query(
            "SELECT n.channel_id, c.default_country_code, n.e164, n.team_id, COALESCE(t.name, '') \
             FROM numbers n JOIN channels c ON c.id = n.channel_id LEFT JOIN teams t ON t.id = n.team_id WHERE n.e164 = ?",
        )
        .bind(e164)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let team_id: Option<i64> = row.get(3);
        let members: Vec<i64> = match team_id {
            Some(t) => sqlx::query_scalar("SELECT manager_id FROM team_members WHERE team_id = ? ORDER BY position, manager_id")
                .bind(t)
                .fetch_all(&self.pool)
                .await?,
            None => Vec::new(),
        };
        Ok(Some(NumberRoute {
            channel_id: row.get(0),
            default_country_code: row.get(1),
            e164: row.get(2),
            team_id,
            team_name: row.get(4),
            members,
        }))
    }

    /// The contact with this phone number in a channel, with up to 3 profile fields.
    pub async fn contact_by_phone(&self, channel_id: i64, e164: &str) -> Result<Option<Contact>> {
        let Some(row) = sqlx::query(
            "SELECT id, name FROM contacts WHERE channel_id = ? AND phone = ? ORDER BY id LIMIT 1",
        )
        .bind(channel_id)
        .bind(e164)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = row.get(0);
        let fields = sqlx::query(
            "SELECT name, value FROM contact_fields WHERE contact_id = ? ORDER BY position LIMIT 3",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
        Ok(Some(Contact {
            id,
            name: row.get(1),
            fields,
        }))
    }

    /// Records a new call as it starts.
    pub async fn insert_call(&self, c: &NewCall) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO calls (channel_id, direction, number, caller_number, caller_name, contact_id, team_id, started_at_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(c.channel_id)
        .bind(c.direction)
        .bind(&c.number)
        .bind(&c.caller_number)
        .bind(&c.caller_name)
        .bind(c.contact_id)
        .bind(c.team_id)
        .bind(c.started_at_ms)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Records one event of a manager's part in a call.
    pub async fn record_manager(
        &self,
        call_id: i64,
        manager_id: i64,
        part: ManagerPart<'_>,
        at_ms: i64,
    ) -> Result<()> {
        let (role, purpose, by, cause) = match part {
            ManagerPart::Rang { purpose, by } => ("rang", Some(purpose), by, None),
            ManagerPart::Declined => ("declined", None, None, None),
            ManagerPart::Answered { purpose } => ("answered", Some(purpose), None, None),
            ManagerPart::Left { cause } => ("left", None, None, Some(cause)),
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO call_managers (call_id, manager_id, role, at_ms, purpose, by_manager_id, cause) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(call_id)
        .bind(manager_id)
        .bind(role)
        .bind(at_ms)
        .bind(purpose)
        .bind(by)
        .bind(cause)
        .execute(&mut *tx)
        .await?;
        if role == "answered" {
            // A placed call is answered by the called party, not by the manager who dials.
            sqlx::query(
                "UPDATE calls SET answered_at_ms = COALESCE(answered_at_ms, ?) WHERE id = ? AND direction = 'inbound'",
            )
            .bind(at_ms)
            .bind(call_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The channel's teams with their members, for transfers; `team_id` picks one.
    pub async fn teams(&self, channel_id: i64, team_id: Option<i64>) -> Result<Vec<TeamRow>> {
        let rows = sqlx::query(
            "SELECT id, name FROM teams WHERE channel_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY id",
        )
        .bind(channel_id)
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        let mut teams = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.get(0);
            let members = sqlx::query_scalar(
                "SELECT manager_id FROM team_members WHERE team_id = ? ORDER BY position, manager_id",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            teams.push(TeamRow {
                id,
                name: r.get(1),
                members,
            });
        }
        Ok(teams)
    }

    /// Adds a number to a channel (admin tooling and tests; the admin UI is a later issue).
    pub async fn add_number(&self, channel_id: i64, e164: &str, label: &str) -> Result<()> {
        sqlx::query("INSERT INTO numbers (channel_id, e164, label) VALUES (?, ?, ?)")
            .bind(channel_id)
            .bind(e164)
            .bind(label)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The called party of a placed call answered: the talk time starts now.
    pub async fn outbound_answered(&self, call_id: i64, at_ms: i64) -> Result<()> {
        sqlx::query("UPDATE calls SET answered_at_ms = COALESCE(answered_at_ms, ?) WHERE id = ?")
            .bind(at_ms)
            .bind(call_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The channel's numbers (E.164, label) in the order they were added: the caller-IDs
    /// its managers may show, the first being the default.
    pub async fn channel_numbers(&self, channel_id: i64) -> Result<Vec<(String, String)>> {
        Ok(
            sqlx::query("SELECT e164, label FROM numbers WHERE channel_id = ? ORDER BY id")
                .bind(channel_id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect(),
        )
    }

    /// The international rate table, by calling code.
    pub async fn international_rates(&self) -> Result<Vec<RateRow>> {
        Ok(
            sqlx::query("SELECT code, price_cu, country FROM international_rates ORDER BY code")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| RateRow {
                    code: r.get(0),
                    price_cu: r.get::<i64, _>(1).clamp(0, i64::from(u32::MAX)) as u32,
                    country: r.get(2),
                })
                .collect(),
        )
    }

    /// Replaces the whole international rate table at once (an admin's edit, or the seed):
    /// a bad row rolls everything back, so calls never see half a table.
    pub async fn replace_international_rates(&self, rows: &[RateRow]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM international_rates")
            .execute(&mut *tx)
            .await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO international_rates (code, price_cu, country) VALUES (?, ?, ?)",
            )
            .bind(&r.code)
            .bind(i64::from(r.price_cu))
            .bind(&r.country)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The channel's managers (id, name), for invite and transfer pickers.
    pub async fn channel_managers(&self, channel_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(
            sqlx::query("SELECT id, name FROM managers WHERE channel_id = ? ORDER BY id")
                .bind(channel_id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect(),
        )
    }

    /// Closes a call record: end time, talk duration, cause and missed reason.
    pub async fn end_call(
        &self,
        call_id: i64,
        ended_at_ms: i64,
        cause: &str,
        missed_reason: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE calls SET ended_at_ms = ?, hangup_cause = ?, missed_reason = ?, \
             duration_s = CASE WHEN answered_at_ms IS NULL THEN 0 ELSE (? - answered_at_ms) / 1000 END \
             WHERE id = ? AND ended_at_ms IS NULL",
        )
        .bind(ended_at_ms)
        .bind(cause)
        .bind(missed_reason)
        .bind(ended_at_ms)
        .bind(call_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Closes records left open by a crash, so nothing stays "in progress" forever.
    pub async fn close_orphaned_calls(&self, now_ms: i64) -> Result<u64> {
        let r = sqlx::query(
            "UPDATE calls SET ended_at_ms = ?, hangup_cause = 'serviceRestart', \
             duration_s = CASE WHEN answered_at_ms IS NULL THEN 0 ELSE (? - answered_at_ms) / 1000 END \
             WHERE ended_at_ms IS NULL",
        )
        .bind(now_ms)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    async fn call_managers(&self, call_id: i64) -> Result<Vec<CallManagerRow>> {
        Ok(sqlx::query(
            "SELECT cm.manager_id, m.name, cm.role, cm.purpose, cm.by_manager_id, cm.cause \
             FROM call_managers cm JOIN managers m ON m.id = cm.manager_id \
             WHERE cm.call_id = ? ORDER BY cm.id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| CallManagerRow {
            id: r.get(0),
            name: r.get(1),
            role: r.get(2),
            purpose: r.get(3),
            by_manager_id: r.get(4),
            cause: r.get(5),
        })
        .collect())
    }

    async fn call_from_row(&self, r: &sqlx::sqlite::SqliteRow) -> Result<CallRow> {
        let id: i64 = r.get(0);
        Ok(CallRow {
            id,
            direction: r.get(1),
            number: r.get(2),
            caller_number: r.get(3),
            caller_name: r.get(4),
            started_at_ms: r.get(5),
            answered_at_ms: r.get(6),
            ended_at_ms: r.get(7),
            duration_s: r.get(8),
            hangup_cause: r.get(9),
            missed_reason: r.get(10),
            managers: self.call_managers(id).await?,
            parties: self.call_parties(id).await?,
        })
    }

    async fn call_parties(&self, call_id: i64) -> Result<Vec<CallPartyRow>> {
        Ok(sqlx::query(
            "SELECT number, by_manager_id, started_at_ms, answered_at_ms, ended_at_ms, outcome              FROM call_parties WHERE call_id = ? ORDER BY id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| CallPartyRow {
            number: r.get(0),
            by_manager_id: r.get(1),
            started_at_ms: r.get(2),
            answered_at_ms: r.get(3),
            ended_at_ms: r.get(4),
            outcome: r.get(5),
        })
        .collect())
    }

    /// A manager dialled `number` on a parallel line of `call_id`; returns the party's id.
    pub async fn party_dialled(
        &self,
        call_id: i64,
        number: &str,
        by_manager_id: i64,
        at_ms: i64,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO call_parties (call_id, number, by_manager_id, started_at_ms)              VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(call_id)
        .bind(number)
        .bind(by_manager_id)
        .bind(at_ms)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The parallel party answered.
    pub async fn party_answered(&self, party_id: i64, at_ms: i64) -> Result<()> {
        sqlx::query(
            "UPDATE call_parties SET answered_at_ms = ? WHERE id = ? AND answered_at_ms IS NULL",
        )
        .bind(at_ms)
        .bind(party_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How the parallel party's line went: `merged` (the party stays in the call; its end is
    /// recorded later with `ended`), or how it ended.
    pub async fn party_outcome(
        &self,
        party_id: i64,
        outcome: &str,
        ended_at_ms: Option<i64>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE call_parties SET outcome = COALESCE(outcome, ?),              ended_at_ms = COALESCE(ended_at_ms, ?) WHERE id = ?",
        )
        .bind(outcome)
        .bind(ended_at_ms)
        .bind(party_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// One page of a channel's calls, newest first, and the total count; with `caller`, only
    /// that customer's calls (the ring popup's history button).
    pub async fn list_calls(
        &self,
        channel_id: i64,
        caller: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<CallRow>, i64)> {
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM calls WHERE channel_id = ?1 AND (?2 IS NULL OR caller_number = ?2)",
        )
        .bind(channel_id)
        .bind(caller)
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            call_columns!(),
            " FROM calls WHERE channel_id = ?1 AND (?2 IS NULL OR caller_number = ?2) \
             ORDER BY started_at_ms DESC, id DESC LIMIT ?3 OFFSET ?4"
        ))
        .bind(channel_id)
        .bind(caller)
        .bind(i64::from(per_page))
        .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
        .fetch_all(&self.pool)
        .await?;
        let mut calls = Vec::with_capacity(rows.len());
        for r in &rows {
            calls.push(self.call_from_row(r).await?);
        }
        Ok((calls, total))
    }

    /// One call, only if it belongs to `channel_id` (other channels' calls don't exist for you).
    pub async fn get_call(&self, channel_id: i64, call_id: i64) -> Result<Option<CallRow>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            call_columns!(),
            " FROM calls WHERE channel_id = ? AND id = ?"
        ))
        .bind(channel_id)
        .bind(call_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(self.call_from_row(&r).await?)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests;
