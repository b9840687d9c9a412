//! What a workflow leaves on a call — the digits typed into its forms, its tags, the caller's
//! voicemail, the text messages it sent — and the steps each call walked, which the step
//! analytics count when asked.

use crate::{CallRow, CallSmsRow, Result, Store, on_pool};

/// One step's figures for one published version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepFigures {
    /// The step.
    pub step_id: i64,
    /// Calls that entered it (a call entering twice counts twice).
    pub entered: i64,
    /// Calls whose caller hung up there.
    pub dropped: i64,
    /// Keys pressed there and how often, by key.
    pub keys: Vec<(String, i64)>,
}

/// The inputs, tags and voicemails of the calls `WHERE call_id …` picks.
macro_rules! records_where {
    ($select:literal, $table:literal, $order:literal, $($condition:tt)*) => {
        concat!("SELECT call_id, ", $select, " FROM ", $table, " WHERE call_id ",
                $($condition)*, " ORDER BY ", $order)
    };
}
pub(crate) use records_where;

/// What a workflow left on some calls, read in four queries.
#[derive(Default)]
pub(crate) struct WorkflowRecords {
    pub inputs: Vec<(i64, String, String)>,
    pub tags: Vec<(i64, String)>,
    pub voicemails: Vec<(i64, i64)>,
    pub sms: Vec<(i64, String, String, Option<String>)>,
}

impl WorkflowRecords {
    /// Puts each record on its call.
    pub(crate) fn attach(self, calls: &mut [CallRow]) {
        for (call_id, label, value) in self.inputs {
            if let Some(c) = calls.iter_mut().find(|c| c.id == call_id) {
                c.inputs.push((label, value));
            }
        }
        for (call_id, tag) in self.tags {
            if let Some(c) = calls.iter_mut().find(|c| c.id == call_id) {
                c.tags.push(tag);
            }
        }
        for (call_id, ms) in self.voicemails {
            if let Some(c) = calls.iter_mut().find(|c| c.id == call_id) {
                c.voicemail_ms = Some(ms);
            }
        }
        for (call_id, to, text, error) in self.sms {
            if let Some(c) = calls.iter_mut().find(|c| c.id == call_id) {
                c.sms.push(CallSmsRow { to, text, error });
            }
        }
    }
}

impl Store {
    /// Records a text message a workflow sent for a call (`error`: why it failed).
    pub(crate) async fn record_sms(
        &self,
        call_id: i64,
        to: &str,
        text: &str,
        error: Option<&str>,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO call_sms (call_id, to_number, text, error, at_ms) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(call_id)
        .bind(to)
        .bind(text)
        .bind(error)
        .bind(at_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Records a step a call walked.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_step(
        &self,
        call_id: i64,
        workflow_id: i64,
        version: i64,
        step_id: i64,
        event: &str,
        key: Option<char>,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO workflow_steps (call_id, workflow_id, version, step_id, event, key, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(call_id)
        .bind(workflow_id)
        .bind(version)
        .bind(step_id)
        .bind(event)
        .bind(key.map(String::from))
        .bind(at_ms)
        .execute(p)
        .await?
        .rows_affected()
        });
        Ok(())
    }

    /// Records what the caller typed into an input form.
    pub(crate) async fn record_input(
        &self,
        call_id: i64,
        label: &str,
        value: &str,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO call_inputs (call_id, label, value, at_ms) VALUES ($1, $2, $3, $4)"
        )
        .bind(call_id)
        .bind(label)
        .bind(value)
        .bind(at_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Tags a call (a tag it has already is kept once).
    pub(crate) async fn record_tag(&self, call_id: i64, tag: &str) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO call_tags (call_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(call_id)
        .bind(tag)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Keeps the caller's voicemail.
    pub(crate) async fn record_voicemail(
        &self,
        call_id: i64,
        wav: &[u8],
        duration_ms: i64,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO call_voicemails (call_id, wav, duration_ms, recorded_at_ms) \
             VALUES ($1, $2, $3, $4)"
        )
        .bind(call_id)
        .bind(wav)
        .bind(duration_ms)
        .bind(at_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// A call's voicemail (WAV), only if the call is the channel's.
    pub async fn voicemail(&self, channel_id: i64, call_id: i64) -> Result<Option<Vec<u8>>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT v.wav FROM call_voicemails v JOIN calls c ON c.id = v.call_id \
             WHERE c.channel_id = $1 AND v.call_id = $2"
        )
        .bind(channel_id)
        .bind(call_id)
        .fetch_optional(p)
        .await?))
    }

    /// Each step's figures for one version of a channel's workflow, by step id.
    pub async fn step_figures(
        &self,
        channel_id: i64,
        workflow_id: i64,
        version: i64,
    ) -> Result<Vec<StepFigures>> {
        let rows: Vec<(i64, String, Option<String>, i64)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT s.step_id, s.event, s.key, COUNT(*) FROM workflow_steps s \
             JOIN calls c ON c.id = s.call_id \
             WHERE c.channel_id = $1 AND s.workflow_id = $2 AND s.version = $3 \
             GROUP BY s.step_id, s.event, s.key ORDER BY s.step_id, s.event, s.key"
        )
        .bind(channel_id)
        .bind(workflow_id)
        .bind(version)
        .fetch_all(p)
        .await?);
        let mut figures: Vec<StepFigures> = Vec::new();
        for (step_id, event, key, count) in rows {
            if figures.last().is_none_or(|f| f.step_id != step_id) {
                figures.push(StepFigures {
                    step_id,
                    ..StepFigures::default()
                });
            }
            let f = figures.last_mut().expect("pushed above");
            match (event.as_str(), key) {
                ("entered", _) => f.entered += count,
                ("dropped", _) => f.dropped += count,
                (_, Some(key)) => f.keys.push((key, count)),
                _ => {}
            }
        }
        Ok(figures)
    }
}
