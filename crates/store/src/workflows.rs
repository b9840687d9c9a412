//! Workflows (drafts, immutable published versions, the list order, numbers' links), the
//! prompts they play and the channel's operating hours. Definitions and hours are JSON the
//! cloud checks; here they are text. Every read and write is scoped to a channel: another
//! channel's workflow is `None`, as if it did not exist.

use crate::{Result, Store, on_pool};

/// A workflow as its list and editor show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkflowRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Place in the channel's list (the first runs for numbers without their own).
    pub position: i64,
    /// The draft's JSON.
    pub draft: String,
    /// When the draft was last saved.
    pub draft_saved_at_ms: i64,
    /// The version calls run now; `None` until first published.
    pub published_version: Option<i64>,
}

/// One published version, without its definition.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    /// The version number, from 1.
    pub version: i64,
    /// When it was published.
    pub published_at_ms: i64,
    /// Who published it.
    pub published_by: i64,
}

/// A published version calls can run.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveWorkflow {
    /// The workflow.
    pub workflow_id: i64,
    /// Its current version.
    pub version: i64,
    /// That version's JSON.
    pub definition: String,
}

/// An uploaded prompt, without its audio.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PromptRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Length.
    pub duration_ms: i64,
    /// When it was uploaded.
    pub created_at_ms: i64,
}

/// A `SELECT` of [`WorkflowRow`]'s columns with the rest of the query appended (sqlx takes only
/// SQL known at compile time).
macro_rules! select_workflows {
    ($rest:literal) => {
        concat!(
            "SELECT id, name, position, draft, draft_saved_at_ms, published_version \
             FROM workflows ",
            $rest
        )
    };
}

impl Store {
    /// Adds a workflow at the end of the channel's list, with `draft` as its draft.
    pub async fn create_workflow(
        &self,
        channel_id: i64,
        name: &str,
        draft: &str,
        now_ms: i64,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO workflows (channel_id, name, position, draft, draft_saved_at_ms, \
             created_at_ms) \
             SELECT $1, $2, COALESCE(MAX(position), 0) + 1, $3, $4, $4 FROM workflows \
             WHERE channel_id = $1 RETURNING id"
        )
        .bind(channel_id)
        .bind(name)
        .bind(draft)
        .bind(now_ms)
        .fetch_one(p)
        .await?))
    }

    /// The channel's workflows in list order.
    pub async fn workflows(&self, channel_id: i64) -> Result<Vec<WorkflowRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(select_workflows!(
            "WHERE channel_id = $1 ORDER BY position, id"
        ))
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// One workflow of the channel.
    pub async fn workflow(&self, channel_id: i64, id: i64) -> Result<Option<WorkflowRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(select_workflows!(
            "WHERE channel_id = $1 AND id = $2"
        ))
        .bind(channel_id)
        .bind(id)
        .fetch_optional(p)
        .await?))
    }

    /// Saves a draft (and the name); false when the channel has no such workflow.
    pub async fn save_workflow_draft(
        &self,
        channel_id: i64,
        id: i64,
        name: &str,
        draft: &str,
        now_ms: i64,
    ) -> Result<bool> {
        let done = on_pool!(self, |p| sqlx::query(
            "UPDATE workflows SET name = $3, draft = $4, draft_saved_at_ms = $5 \
             WHERE channel_id = $1 AND id = $2"
        )
        .bind(channel_id)
        .bind(id)
        .bind(name)
        .bind(draft)
        .bind(now_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Publishes `definition` as the workflow's next version and makes it current, in one
    /// transaction: calls arriving after it run it, calls before keep theirs. `None` when the
    /// channel has no such workflow.
    pub async fn publish_workflow(
        &self,
        channel_id: i64,
        id: i64,
        definition: &str,
        by_manager: i64,
        now_ms: i64,
    ) -> Result<Option<i64>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // A write first: it locks the workflow's row (PostgreSQL) or makes the transaction
            // the writer (SQLite), so two publishes take turns instead of colliding on a
            // version number or failing to upgrade a read.
            let exists = sqlx::query(
                "UPDATE workflows SET draft_saved_at_ms = draft_saved_at_ms \
                 WHERE channel_id = $1 AND id = $2",
            )
            .bind(channel_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if exists == 0 {
                return Ok(None);
            }
            let version: i64 = sqlx::query_scalar(
                "INSERT INTO workflow_versions \
                 (workflow_id, version, definition, published_at_ms, published_by) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM workflow_versions \
                 WHERE workflow_id = $1 RETURNING version",
            )
            .bind(id)
            .bind(definition)
            .bind(now_ms)
            .bind(by_manager)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE workflows SET published_version = $2 WHERE id = $1")
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Some(version))
        })
    }

    /// The workflow's published versions, newest first.
    pub async fn workflow_versions(&self, channel_id: i64, id: i64) -> Result<Vec<VersionRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT v.version, v.published_at_ms, v.published_by FROM workflow_versions v \
             JOIN workflows w ON w.id = v.workflow_id \
             WHERE w.channel_id = $1 AND w.id = $2 ORDER BY v.version DESC"
        )
        .bind(channel_id)
        .bind(id)
        .fetch_all(p)
        .await?))
    }

    /// One published version's definition.
    pub async fn workflow_version(
        &self,
        channel_id: i64,
        id: i64,
        version: i64,
    ) -> Result<Option<String>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT v.definition FROM workflow_versions v \
             JOIN workflows w ON w.id = v.workflow_id \
             WHERE w.channel_id = $1 AND w.id = $2 AND v.version = $3"
        )
        .bind(channel_id)
        .bind(id)
        .bind(version)
        .fetch_optional(p)
        .await?))
    }

    /// Makes an earlier version current again; false when there is no such version.
    pub async fn roll_back_workflow(&self, channel_id: i64, id: i64, version: i64) -> Result<bool> {
        let done = on_pool!(self, |p| sqlx::query(
            "UPDATE workflows SET published_version = $3 \
             WHERE channel_id = $1 AND id = $2 AND EXISTS \
             (SELECT 1 FROM workflow_versions WHERE workflow_id = $2 AND version = $3)"
        )
        .bind(channel_id)
        .bind(id)
        .bind(version)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Deletes a workflow, its versions and its step analytics; numbers linked to it fall back
    /// to the first.
    pub async fn delete_workflow(&self, channel_id: i64, id: i64) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query("DELETE FROM workflows WHERE channel_id = $1 AND id = $2")
                .bind(channel_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 1 {
                sqlx::query("DELETE FROM workflow_steps WHERE workflow_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(done == 1)
        })
    }

    /// Puts the channel's workflows in this order. `ids` must be exactly the channel's
    /// workflows; otherwise nothing changes and the answer is false.
    pub async fn reorder_workflows(&self, channel_id: i64, ids: &[i64]) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // A write first, as in `publish_workflow`: concurrent reorders take turns.
            sqlx::query("UPDATE workflows SET position = position WHERE channel_id = $1")
                .bind(channel_id)
                .execute(&mut *tx)
                .await?;
            let mut have: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM workflows WHERE channel_id = $1")
                    .bind(channel_id)
                    .fetch_all(&mut *tx)
                    .await?;
            have.sort_unstable();
            let mut given = ids.to_vec();
            given.sort_unstable();
            if have != given {
                return Ok(false);
            }
            for (position, id) in ids.iter().enumerate() {
                sqlx::query("UPDATE workflows SET position = $2 WHERE id = $1")
                    .bind(id)
                    .bind(position as i64 + 1)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Links a channel number to one of the channel's workflows (`None`: back to the first of
    /// the list). False when the number or the workflow is not the channel's.
    pub async fn link_number_workflow(
        &self,
        channel_id: i64,
        e164: &str,
        workflow_id: Option<i64>,
    ) -> Result<bool> {
        let done = on_pool!(self, |p| sqlx::query(
            "UPDATE numbers SET workflow_id = $3 WHERE channel_id = $1 AND e164 = $2 \
             AND ($3 IS NULL OR EXISTS \
             (SELECT 1 FROM workflows WHERE id = $3 AND channel_id = $1))"
        )
        .bind(channel_id)
        .bind(e164)
        .bind(workflow_id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// The workflows linked to each of the channel's numbers: `(e164, workflow id)`.
    pub async fn number_workflows(&self, channel_id: i64) -> Result<Vec<(String, Option<i64>)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT e164, workflow_id FROM numbers WHERE channel_id = $1 ORDER BY e164"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// The published workflows a call to `e164` may run, the number's own first, then the
    /// channel's in list order (the cloud takes the first whose trigger and filters fit).
    pub async fn live_workflows_for_number(&self, e164: &str) -> Result<Vec<LiveWorkflow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT w.id AS workflow_id, v.version, v.definition \
             FROM numbers n JOIN workflows w ON w.channel_id = n.channel_id \
             JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.published_version \
             WHERE n.e164 = $1 \
             ORDER BY CASE WHEN w.id = n.workflow_id THEN 0 ELSE 1 END, w.position, w.id"
        )
        .bind(e164)
        .fetch_all(p)
        .await?))
    }

    /// The channel's operating hours (JSON), `None` when never set (always open).
    pub async fn operating_hours(&self, channel_id: i64) -> Result<Option<String>> {
        let hours: Option<Option<String>> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT operating_hours FROM channels WHERE id = $1"
        )
        .bind(channel_id)
        .fetch_optional(p)
        .await?);
        Ok(hours.flatten())
    }

    /// Replaces the channel's operating hours.
    pub async fn save_operating_hours(&self, channel_id: i64, hours: &str) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE channels SET operating_hours = $2 WHERE id = $1"
        )
        .bind(channel_id)
        .bind(hours)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The kept rendering of `text` spoken in `language` (a WAV), if there is one.
    pub async fn speech(&self, language: &str, text: &str) -> Result<Option<Vec<u8>>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT wav FROM speech_renders WHERE language = $1 AND text = $2"
        )
        .bind(language)
        .bind(text)
        .fetch_optional(p)
        .await?))
    }

    /// How long the kept rendering of `text` in `language` plays, if there is one.
    pub async fn speech_length(&self, language: &str, text: &str) -> Result<Option<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT duration_ms FROM speech_renders WHERE language = $1 AND text = $2"
        )
        .bind(language)
        .bind(text)
        .fetch_optional(p)
        .await?))
    }

    /// Keeps the rendering of `text` spoken in `language` (a later one replaces it).
    pub async fn save_speech(
        &self,
        language: &str,
        text: &str,
        wav: &[u8],
        duration_ms: i64,
        now_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO speech_renders (language, text, wav, duration_ms, rendered_at_ms) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (language, text) DO UPDATE SET wav = $3, duration_ms = $4, \
             rendered_at_ms = $5"
        )
        .bind(language)
        .bind(text)
        .bind(wav)
        .bind(duration_ms)
        .bind(now_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Keeps an uploaded prompt (already checked and converted).
    pub async fn add_prompt(
        &self,
        channel_id: i64,
        name: &str,
        wav: &[u8],
        duration_ms: i64,
        now_ms: i64,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO prompts (channel_id, name, wav, duration_ms, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id"
        )
        .bind(channel_id)
        .bind(name)
        .bind(wav)
        .bind(duration_ms)
        .bind(now_ms)
        .fetch_one(p)
        .await?))
    }

    /// The channel's prompts, newest first.
    pub async fn prompts(&self, channel_id: i64) -> Result<Vec<PromptRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name, duration_ms, created_at_ms FROM prompts WHERE channel_id = $1 \
             ORDER BY id DESC"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// A prompt's audio (WAV).
    pub async fn prompt_wav(&self, channel_id: i64, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT wav FROM prompts WHERE channel_id = $1 AND id = $2"
        )
        .bind(channel_id)
        .bind(id)
        .fetch_optional(p)
        .await?))
    }

    /// Deletes a prompt (the API first checks that no workflow plays it).
    pub async fn delete_prompt(&self, channel_id: i64, id: i64) -> Result<bool> {
        let done = on_pool!(self, |p| sqlx::query(
            "DELETE FROM prompts WHERE channel_id = $1 AND id = $2"
        )
        .bind(channel_id)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }
}
