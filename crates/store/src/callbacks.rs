//! Callbacks managers book for customers: who calls whom back, when, from which number, with
//! a note; listed per assignee (open ones by time), marked done or undone.

use crate::{Result, Store, on_pool};

/// A callback as stored, with the names the list shows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CallbackRow {
    /// Id.
    pub id: i64,
    /// Whom to call (E.164).
    pub customer_number: String,
    /// Their contact's name, when the number names one.
    pub customer_name: Option<String>,
    /// The conversation it was booked from.
    pub conversation_id: Option<i64>,
    /// Who calls back.
    pub assignee_id: i64,
    /// Their name.
    pub assignee_name: String,
    /// The channel number to call from.
    pub caller_id: String,
    /// When (Unix ms).
    pub due_at_ms: i64,
    /// The note.
    pub note: String,
    /// Who booked it.
    pub booked_by: i64,
    /// Their name.
    pub booked_by_name: String,
    /// When it was marked done (Unix ms).
    pub done_at_ms: Option<i64>,
}

/// A callback to book (checked by the caller: a future time, a channel number, a manager of
/// the channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCallbackRow {
    /// Whom to call (E.164).
    pub customer_number: String,
    /// The conversation it is booked from (of the same channel).
    pub conversation_id: Option<i64>,
    /// Who calls back.
    pub assignee_id: i64,
    /// The channel number to call from.
    pub caller_id: String,
    /// When (Unix ms).
    pub due_at_ms: i64,
    /// The note.
    pub note: String,
    /// Who books it.
    pub booked_by: i64,
}

macro_rules! callback_select {
    () => {
        "SELECT b.id, b.customer_number, \
         (SELECT c.name FROM contact_numbers n JOIN contacts c ON c.id = n.contact_id \
          WHERE n.channel_id = b.channel_id AND n.e164 = b.customer_number \
          ORDER BY c.id LIMIT 1) AS customer_name, \
         b.conversation_id, b.assignee_id, a.name AS assignee_name, b.caller_id, b.due_at_ms, \
         b.note, b.booked_by, w.name AS booked_by_name, b.done_at_ms \
         FROM callbacks b JOIN managers a ON a.id = b.assignee_id \
         JOIN managers w ON w.id = b.booked_by "
    };
}

impl Store {
    /// Books a callback; its id.
    pub async fn book_callback(
        &self,
        channel_id: i64,
        c: &NewCallbackRow,
        now_ms: i64,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO callbacks (channel_id, customer_number, conversation_id, assignee_id, \
             caller_id, due_at_ms, note, booked_by, booked_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
        )
        .bind(channel_id)
        .bind(&c.customer_number)
        .bind(c.conversation_id)
        .bind(c.assignee_id)
        .bind(&c.caller_id)
        .bind(c.due_at_ms)
        .bind(&c.note)
        .bind(c.booked_by)
        .bind(now_ms)
        .fetch_one(p)
        .await?))
    }

    /// One callback of the channel.
    pub async fn callback(&self, channel_id: i64, id: i64) -> Result<Option<CallbackRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(concat!(
            callback_select!(),
            "WHERE b.channel_id = $1 AND b.id = $2"
        ))
        .bind(channel_id)
        .bind(id)
        .fetch_optional(p)
        .await?))
    }

    /// A manager's callbacks: the open ones soonest first, then (with `include_done`) the done
    /// ones most recently done first.
    pub async fn callbacks_of(
        &self,
        channel_id: i64,
        assignee_id: i64,
        include_done: bool,
    ) -> Result<Vec<CallbackRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(concat!(
            callback_select!(),
            "WHERE b.channel_id = $1 AND b.assignee_id = $2 AND ($3 OR b.done_at_ms IS NULL) \
             ORDER BY CASE WHEN b.done_at_ms IS NULL THEN 0 ELSE 1 END, \
             CASE WHEN b.done_at_ms IS NULL THEN b.due_at_ms ELSE -b.done_at_ms END, b.id \
             LIMIT 500"
        ))
        .bind(channel_id)
        .bind(assignee_id)
        .bind(include_done)
        .fetch_all(p)
        .await?))
    }

    /// Marks a callback of the channel done (at `now_ms`) or still to do; `false` when there
    /// is no such callback in the channel.
    pub async fn set_callback_done(
        &self,
        channel_id: i64,
        id: i64,
        done: bool,
        now_ms: i64,
    ) -> Result<bool> {
        let done_at = done.then_some(now_ms);
        Ok(on_pool!(self, |p| sqlx::query(
            "UPDATE callbacks SET done_at_ms = $3 WHERE channel_id = $1 AND id = $2"
        )
        .bind(channel_id)
        .bind(id)
        .bind(done_at)
        .execute(p)
        .await?
        .rows_affected())
            == 1)
    }
}
