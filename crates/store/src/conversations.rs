//! The shared inbox's rows: a conversation per call (opened with the call's record, its id the
//! call's), its state and assignee, internal notes, tags and the wrap-up form, and each
//! channel's classifications. Every read and change is scoped to a channel: another channel's
//! conversation is never found.
//!
//! The state rules live here, next to the data they guard: a missed conversation may be
//! closed, never made open or snoozed again (`docs/product.md#inbox`).

use crate::{Result, Store, StoreError, on_pool};

/// Where a conversation stands, as stored (`open`, `snoozed`, `closed`, `missed`).
pub const OPEN: &str = "open";
/// Snoozed until a time.
pub const SNOOZED: &str = "snoozed";
/// Closed.
pub const CLOSED: &str = "closed";
/// A missed call not yet closed.
pub const MISSED: &str = "missed";

/// One conversation with what the inbox shows of its call and contact.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConversationRow {
    /// Id (its call's).
    pub id: i64,
    /// [`OPEN`], [`SNOOZED`], [`CLOSED`] or [`MISSED`].
    pub state: String,
    /// It began as a missed call.
    pub missed: bool,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// The customer's number.
    pub caller_number: String,
    /// The customer's contact.
    pub contact_id: Option<i64>,
    /// Its name.
    pub contact_name: Option<String>,
    /// Its number.
    pub contact_phone: Option<String>,
    /// It is a lead.
    pub contact_lead: Option<bool>,
    /// The assignee.
    pub assignee_id: Option<i64>,
    /// Their name.
    pub assignee_name: Option<String>,
    /// The call's team.
    pub team_id: Option<i64>,
    /// Its name.
    pub team_name: Option<String>,
    /// When the call started.
    pub started_at_ms: i64,
    /// When the call ended, once it has.
    pub ended_at_ms: Option<i64>,
    /// Last change.
    pub updated_at_ms: i64,
    /// Snoozed until.
    pub snoozed_until_ms: Option<i64>,
    /// Wrap-up: the classification.
    pub classification_id: Option<i64>,
    /// Wrap-up: `positive`, `neutral`, `negative`.
    pub sentiment: Option<String>,
    /// Wrap-up: `new`, `regular`, `vip`, `caution`.
    pub grade: Option<String>,
    /// Wrap-up: `resolved`, `inProgress`, `escalated`.
    pub processing: Option<String>,
    /// Its tags, sorted.
    #[sqlx(skip)]
    pub tags: Vec<String>,
    /// Its last note's text.
    #[sqlx(skip)]
    pub last_note: Option<String>,
}

/// An internal note.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NoteRow {
    /// Id.
    pub id: i64,
    /// Author.
    pub manager_id: i64,
    /// Their name.
    pub manager_name: String,
    /// Text.
    pub text: String,
    /// When.
    pub at_ms: i64,
}

/// Which conversations a list shows; every `Some` must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationFilter {
    /// This state.
    pub state: Option<String>,
    /// This assignee (`Some(0)`: nobody).
    pub assignee: Option<i64>,
    /// Carrying this tag.
    pub tag: Option<String>,
    /// This contact's.
    pub contact: Option<i64>,
}

/// What the wrap-up form holds, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WrapUpRow {
    /// A classification of the channel.
    pub classification_id: Option<i64>,
    /// Sentiment code.
    pub sentiment: Option<String>,
    /// Grade code.
    pub grade: Option<String>,
    /// Processing code.
    pub processing: Option<String>,
}

/// Why a conversation change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationRefusal {
    /// No such conversation in the channel.
    NotFound,
    /// A missed conversation cannot be made open or snoozed.
    MissedCannotReopen,
    /// No such manager in the channel.
    UnknownManager,
    /// No such classification in the channel.
    UnknownClassification,
}

/// A change's outcome: done (the conversation's assignee after it), or refused.
pub type Change = std::result::Result<Option<i64>, ConversationRefusal>;

/// The columns of a [`ConversationRow`] and the joins they come from.
macro_rules! select {
    () => {
        "SELECT v.id, v.state, v.missed, c.direction, c.caller_number, \
     c.contact_id, k.name AS contact_name, k.phone AS contact_phone, \
     k.is_lead AS contact_lead, v.assignee_id, m.name AS assignee_name, \
     c.team_id, t.name AS team_name, c.started_at_ms, c.ended_at_ms, v.updated_at_ms, \
     v.snoozed_until_ms, v.classification_id, v.sentiment, v.grade, v.processing \
     FROM conversations v JOIN calls c ON c.id = v.call_id \
     LEFT JOIN contacts k ON k.id = c.contact_id \
     LEFT JOIN managers m ON m.id = v.assignee_id \
     LEFT JOIN teams t ON t.id = c.team_id "
    };
}

/// A [`ConversationFilter`] as `$1`–`$5`.
macro_rules! filter {
    () => {
        "WHERE v.channel_id = $1 \
     AND ($2 IS NULL OR v.state = $2) \
     AND ($3 IS NULL OR v.assignee_id = $3 OR ($3 = 0 AND v.assignee_id IS NULL)) \
     AND ($4 IS NULL OR EXISTS (SELECT 1 FROM conversation_tags g \
          WHERE g.conversation_id = v.id AND g.tag = $4)) \
     AND ($5 IS NULL OR c.contact_id = $5) "
    };
}

/// A talked call's conversation closed for the first time after the call ended: its wrap-up
/// is over. Kept on the call (`wrap_up_closed_at_ms`) and as a `wrapUpClosed` event.
macro_rules! end_wrap_up {
    ($tx:expr, $call:expr, $at:expr) => {
        let first = sqlx::query(
            "UPDATE calls SET wrap_up_closed_at_ms = $2 WHERE id = $1 \
             AND ended_at_ms IS NOT NULL AND answered_at_ms IS NOT NULL \
             AND missed_reason IS NULL AND wrap_up_closed_at_ms IS NULL",
        )
        .bind($call)
        .bind($at)
        .execute($tx)
        .await?
        .rows_affected();
        if first > 0 {
            sqlx::query(
                "INSERT INTO call_events (call_id, kind, at_ms) VALUES ($1, 'wrapUpClosed', $2)",
            )
            .bind($call)
            .bind($at)
            .execute($tx)
            .await?;
            let facts: Option<$crate::statistics::CallFacts> =
                sqlx::query_as($crate::statistics::CALL_FACTS)
                    .bind($call)
                    .fetch_optional($tx)
                    .await?;
            if let Some(w) = facts.and_then(|f| $crate::statistics::wrap_up_write(&f, $at)) {
                $crate::statistics::write_sums!($tx, [w]);
            }
        }
    };
}

impl Store {
    /// A page of the channel's conversations, most recently changed first, and how many
    /// match in all.
    pub async fn conversations(
        &self,
        channel_id: i64,
        filter: &ConversationFilter,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<ConversationRow>, i64)> {
        let list = concat!(
            select!(),
            filter!(),
            "ORDER BY v.updated_at_ms DESC, v.id DESC LIMIT $6 OFFSET $7"
        );
        let count = concat!(
            "SELECT COUNT(*) FROM conversations v JOIN calls c ON c.id = v.call_id ",
            filter!()
        );
        let (mut rows, total): (Vec<ConversationRow>, i64) = on_pool!(self, |p| {
            let rows = sqlx::query_as(list)
                .bind(channel_id)
                .bind(&filter.state)
                .bind(filter.assignee)
                .bind(&filter.tag)
                .bind(filter.contact)
                .bind(per_page)
                .bind((page - 1) * per_page)
                .fetch_all(p)
                .await?;
            let total = sqlx::query_scalar(count)
                .bind(channel_id)
                .bind(&filter.state)
                .bind(filter.assignee)
                .bind(&filter.tag)
                .bind(filter.contact)
                .fetch_one(p)
                .await?;
            (rows, total)
        });
        for row in &mut rows {
            self.decorate(row).await?;
        }
        Ok((rows, total))
    }

    /// One of the channel's conversations.
    pub async fn conversation(&self, channel_id: i64, id: i64) -> Result<Option<ConversationRow>> {
        let one = concat!(select!(), "WHERE v.channel_id = $1 AND v.id = $2");
        let row: Option<ConversationRow> = on_pool!(self, |p| sqlx::query_as(one)
            .bind(channel_id)
            .bind(id)
            .fetch_optional(p)
            .await?);
        let Some(mut row) = row else { return Ok(None) };
        self.decorate(&mut row).await?;
        Ok(Some(row))
    }

    /// Its tags and last note.
    async fn decorate(&self, row: &mut ConversationRow) -> Result<()> {
        let (tags, last_note) = on_pool!(self, |p| {
            let tags = sqlx::query_scalar(
                "SELECT tag FROM conversation_tags WHERE conversation_id = $1 ORDER BY tag",
            )
            .bind(row.id)
            .fetch_all(p)
            .await?;
            let last = sqlx::query_scalar(
                "SELECT text FROM conversation_notes WHERE conversation_id = $1 \
                 ORDER BY at_ms DESC, id DESC LIMIT 1",
            )
            .bind(row.id)
            .fetch_optional(p)
            .await?;
            (tags, last)
        });
        row.tags = tags;
        row.last_note = last_note;
        Ok(())
    }

    /// A conversation's notes, oldest first.
    pub async fn notes(&self, conversation_id: i64) -> Result<Vec<NoteRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT n.id, n.manager_id, m.name AS manager_name, n.text, n.at_ms \
             FROM conversation_notes n JOIN managers m ON m.id = n.manager_id \
             WHERE n.conversation_id = $1 ORDER BY n.at_ms, n.id"
        )
        .bind(conversation_id)
        .fetch_all(p)
        .await?))
    }

    /// The channel's conversation's assignee, or why there is none to change.
    async fn assignee_of(&self, channel_id: i64, id: i64) -> Result<Change> {
        let found: Option<(Option<i64>,)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT assignee_id FROM conversations WHERE channel_id = $1 AND id = $2"
        )
        .bind(channel_id)
        .bind(id)
        .fetch_optional(p)
        .await?);
        Ok(found.map(|(a,)| a).ok_or(ConversationRefusal::NotFound))
    }

    /// Adds an internal note by `manager_id`.
    pub async fn add_note(
        &self,
        channel_id: i64,
        id: i64,
        manager_id: i64,
        text: &str,
        at_ms: i64,
    ) -> Result<std::result::Result<NoteRow, ConversationRefusal>> {
        if let Err(refusal) = self.assignee_of(channel_id, id).await? {
            return Ok(Err(refusal));
        }
        let note_id: i64 = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let note_id = sqlx::query_scalar(
                "INSERT INTO conversation_notes (conversation_id, manager_id, text, at_ms) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(id)
            .bind(manager_id)
            .bind(text)
            .bind(at_ms)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE conversations SET updated_at_ms = $2 WHERE id = $1")
                .bind(id)
                .bind(at_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            note_id
        });
        let notes = self.notes(id).await?;
        notes
            .into_iter()
            .find(|n| n.id == note_id)
            .map(Ok)
            .ok_or_else(|| StoreError::Db(sqlx::Error::RowNotFound))
    }

    /// Replaces the conversation's tags.
    pub async fn set_conversation_tags(
        &self,
        channel_id: i64,
        id: i64,
        tags: &[String],
        at_ms: i64,
    ) -> Result<Change> {
        let found = self.assignee_of(channel_id, id).await?;
        if found.is_err() {
            return Ok(found);
        }
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM conversation_tags WHERE conversation_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for tag in tags {
                sqlx::query(
                    "INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE conversations SET updated_at_ms = $2 WHERE id = $1")
                .bind(id)
                .bind(at_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(found)
    }

    /// The call's conversation is now `manager_id`'s (the dispatcher says who took the call).
    pub async fn assign_call_conversation(
        &self,
        call_id: i64,
        manager_id: i64,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE conversations SET assignee_id = $2, updated_at_ms = $3 WHERE id = $1"
        )
        .bind(call_id)
        .bind(manager_id)
        .bind(at_ms)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Assigns the conversation to a manager of the channel, or to nobody.
    pub async fn set_conversation_assignee(
        &self,
        channel_id: i64,
        id: i64,
        manager_id: Option<i64>,
        at_ms: i64,
    ) -> Result<Change> {
        if let Err(refusal) = self.assignee_of(channel_id, id).await? {
            return Ok(Err(refusal));
        }
        if let Some(m) = manager_id {
            let ours: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
                "SELECT id FROM managers WHERE id = $1 AND channel_id = $2"
            )
            .bind(m)
            .bind(channel_id)
            .fetch_optional(p)
            .await?);
            if ours.is_none() {
                return Ok(Err(ConversationRefusal::UnknownManager));
            }
        }
        on_pool!(self, |p| sqlx::query(
            "UPDATE conversations SET assignee_id = $2, updated_at_ms = $3 WHERE id = $1"
        )
        .bind(id)
        .bind(manager_id)
        .bind(at_ms)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(Ok(manager_id))
    }

    /// Sets the conversation's state (`open`, `snoozed` until a time, `closed`); a missed
    /// one may only be closed.
    pub async fn set_conversation_state(
        &self,
        channel_id: i64,
        id: i64,
        state: &str,
        snoozed_until_ms: Option<i64>,
        at_ms: i64,
    ) -> Result<Change> {
        let row = self.conversation(channel_id, id).await?;
        let Some(row) = row else {
            return Ok(Err(ConversationRefusal::NotFound));
        };
        if row.missed && state != CLOSED {
            return Ok(Err(ConversationRefusal::MissedCannotReopen));
        }
        let closed_at = (state == CLOSED).then_some(at_ms);
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE conversations SET state = $2, snoozed_until_ms = $3, \
                 closed_at_ms = COALESCE($4, closed_at_ms), updated_at_ms = $5 WHERE id = $1",
            )
            .bind(id)
            .bind(state)
            .bind(snoozed_until_ms.filter(|_| state == SNOOZED))
            .bind(closed_at)
            .bind(at_ms)
            .execute(&mut *tx)
            .await?;
            if state == CLOSED {
                end_wrap_up!(&mut *tx, id, at_ms);
            }
            tx.commit().await?;
        });
        Ok(Ok(row.assignee_id))
    }

    /// Closes many of the channel's conversations at once (missed ones too); those of another
    /// channel or closed already are left as they are. Returns those it closed.
    pub async fn close_conversations(
        &self,
        channel_id: i64,
        ids: &[i64],
        at_ms: i64,
    ) -> Result<Vec<i64>> {
        let mut closed = Vec::new();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for &id in ids {
                let n = sqlx::query(
                    "UPDATE conversations SET state = 'closed', snoozed_until_ms = NULL, \
                     closed_at_ms = $3, updated_at_ms = $3 \
                     WHERE id = $1 AND channel_id = $2 AND state <> 'closed'",
                )
                .bind(id)
                .bind(channel_id)
                .bind(at_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n > 0 {
                    end_wrap_up!(&mut *tx, id, at_ms);
                    closed.push(id);
                }
            }
            tx.commit().await?;
        });
        Ok(closed)
    }

    /// Saves the wrap-up form whole.
    pub async fn set_wrap_up(
        &self,
        channel_id: i64,
        id: i64,
        w: &WrapUpRow,
        at_ms: i64,
    ) -> Result<Change> {
        let found = self.assignee_of(channel_id, id).await?;
        if found.is_err() {
            return Ok(found);
        }
        if let Some(c) = w.classification_id
            && !self
                .classifications(channel_id)
                .await?
                .iter()
                .any(|(id, _)| *id == c)
        {
            return Ok(Err(ConversationRefusal::UnknownClassification));
        }
        on_pool!(self, |p| sqlx::query(
            "UPDATE conversations SET classification_id = $2, sentiment = $3, grade = $4, \
             processing = $5, updated_at_ms = $6 WHERE id = $1"
        )
        .bind(id)
        .bind(w.classification_id)
        .bind(&w.sentiment)
        .bind(&w.grade)
        .bind(&w.processing)
        .bind(at_ms)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(found)
    }

    /// The open conversations assigned to a manager whose call has ended: what keeps them in
    /// wrap-up.
    pub async fn wrap_up_conversations(&self, manager_id: i64) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT v.id FROM conversations v JOIN calls c ON c.id = v.call_id \
             WHERE v.assignee_id = $1 AND v.state = 'open' AND c.ended_at_ms IS NOT NULL \
             ORDER BY v.id"
        )
        .bind(manager_id)
        .fetch_all(p)
        .await?))
    }

    /// Snoozed conversations whose time has come are open again; returns them: id, channel,
    /// assignee.
    pub async fn wake_snoozed(&self, now_ms: i64) -> Result<Vec<(i64, i64, Option<i64>)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "UPDATE conversations SET state = 'open', snoozed_until_ms = NULL, \
             updated_at_ms = $1 WHERE state = 'snoozed' AND snoozed_until_ms <= $1 \
             RETURNING id, channel_id, assignee_id"
        )
        .bind(now_ms)
        .fetch_all(p)
        .await?))
    }

    /// The channel's classifications, by name.
    pub async fn classifications(&self, channel_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name FROM classifications WHERE channel_id = $1 ORDER BY name"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// Adds a classification; `None` when the channel has one of that name.
    pub async fn add_classification(&self, channel_id: i64, name: &str) -> Result<Option<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO classifications (channel_id, name) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING RETURNING id"
        )
        .bind(channel_id)
        .bind(name)
        .fetch_optional(p)
        .await?))
    }

    /// Removes a classification (conversations filed under it keep none); `false` when the
    /// channel has no such one.
    pub async fn delete_classification(&self, channel_id: i64, id: i64) -> Result<bool> {
        let deleted = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE conversations SET classification_id = NULL \
                 WHERE channel_id = $1 AND classification_id = $2",
            )
            .bind(channel_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let n = sqlx::query("DELETE FROM classifications WHERE channel_id = $1 AND id = $2")
                .bind(channel_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            n
        });
        Ok(deleted > 0)
    }
}
