//! The admin API for workflows, prompts and operating hours (`docs/protocol.md#workflows`).
//! Owners and admins only: a manager gets 403, another channel's ids 404. A draft is saved
//! whenever it can be read, problems and all; publishing refuses a draft with problems and
//! lists every one.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use ringdesk_core::workflow::{self as core, Known};
use ringdesk_media::prompt::Prompt;
use ringdesk_store::time::now_ms;
use ringdesk_store::{Store, WorkflowRow};
use ringdesk_wire::{
    AnalyticsQuery, ErrorCode, KeyCount, NewWorkflow, NumberWorkflow, OperatingHours, PromptInfo,
    PromptSource, PromptUpload, PublishRefused, Published, RollBack, SaveDraft, StepAnalytics,
    WorkflowAction, WorkflowDefinition, WorkflowDetail, WorkflowOrder, WorkflowProblem,
    WorkflowSummary, WorkflowVersion,
};

use super::speech::{Rendering, render_speech};
use super::{convert, recipes};
use crate::api::{Admin, ApiErr, AppState, bad_json};

/// The largest prompt upload.
pub const MAX_PROMPT_BYTES: usize = 20 * 1024 * 1024;
/// The longest prompt or workflow name.
const MAX_NAME_CHARS: usize = 100;

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/workflows", get(list).post(create))
        .route("/api/v1/workflows/order", put(reorder))
        .route("/api/v1/workflows/{id}", get(detail).delete(remove))
        .route("/api/v1/workflows/{id}/draft", put(save_draft))
        .route("/api/v1/workflows/{id}/publish", post(publish))
        .route("/api/v1/workflows/{id}/rollback", post(roll_back))
        .route("/api/v1/workflows/{id}/versions/{version}", get(version))
        .route("/api/v1/workflows/{id}/analytics", get(analytics))
        .route("/api/v1/numbers/{e164}/workflow", put(link_number))
        .route("/api/v1/operating-hours", get(hours).put(save_hours))
        .route("/api/v1/teams/{id}/queue", put(super::queues::save))
        .route(
            "/api/v1/workflows/{id}/simulate",
            post(super::simulate::simulate),
        )
        .route(
            "/api/v1/speech/preview",
            post(super::simulate::speech_preview),
        )
        .route(
            "/api/v1/prompts",
            get(prompts)
                .post(upload_prompt)
                // Room for the largest upload; past it the handler answers `tooLarge`.
                .layer(DefaultBodyLimit::max(MAX_PROMPT_BYTES)),
        )
        .route("/api/v1/prompts/{id}", delete(delete_prompt))
        .route("/api/v1/prompts/{id}/audio", get(prompt_audio))
}

pub(super) fn not_found(what: &str) -> ApiErr {
    ApiErr::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("no such {what}"),
    )
}

pub(super) fn unreadable(e: convert::ReadError) -> ApiErr {
    ApiErr::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::BadWorkflow,
        e.to_string(),
    )
}

fn checked_name(name: &str) -> Result<String, ApiErr> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidMessage,
            format!("a name has 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_string())
}

/// A definition the store keeps, read back; one it cannot read was written by a newer version.
pub(super) fn stored_definition(json: &str) -> Result<WorkflowDefinition, ApiErr> {
    serde_json::from_str(json)
        .map_err(|e| ApiErr::internal(format!("a stored workflow does not read: {e}")))
}

fn to_json(d: &WorkflowDefinition) -> String {
    serde_json::to_string(d).expect("a definition serialises")
}

/// What the channel has that a workflow may name.
async fn known(store: &Store, channel: i64) -> Result<Known, ApiErr> {
    Ok(Known {
        recordings: store.prompts(channel).await?.iter().map(|p| p.id).collect(),
        teams: store
            .teams(channel, None)
            .await?
            .iter()
            .map(|t| t.id)
            .collect(),
        managers: store
            .channel_managers(channel)
            .await?
            .iter()
            .map(|m| m.0)
            .collect(),
    })
}

/// Every problem of a definition, as the editor shows them.
pub(super) async fn problems(
    store: &Store,
    channel: i64,
    d: &WorkflowDefinition,
) -> Result<Vec<WorkflowProblem>, ApiErr> {
    let workflow = convert::workflow(d).map_err(unreadable)?;
    let known = known(store, channel).await?;
    Ok(core::validate(&workflow, &known)
        .iter()
        .map(convert::problem)
        .collect())
}

async fn list(
    State(s): State<AppState>,
    Admin(m): Admin,
) -> Result<Json<Vec<WorkflowSummary>>, ApiErr> {
    let links = s.store.number_workflows(m.channel_id).await?;
    let rows = s.store.workflows(m.channel_id).await?;
    let first = rows.first().map(|w| w.id);
    Ok(Json(
        rows.into_iter()
            .map(|w| WorkflowSummary {
                numbers: links
                    .iter()
                    .filter(|(_, linked)| linked.or(first) == Some(w.id))
                    .map(|(e164, _)| e164.clone())
                    .collect(),
                linked_numbers: links
                    .iter()
                    .filter(|(_, linked)| *linked == Some(w.id))
                    .map(|(e164, _)| e164.clone())
                    .collect(),
                id: w.id,
                name: w.name,
                published_version: w.published_version,
            })
            .collect(),
    ))
}

async fn create(
    State(s): State<AppState>,
    Admin(m): Admin,
    body: Result<Json<NewWorkflow>, JsonRejection>,
) -> Result<(StatusCode, Json<WorkflowDetail>), ApiErr> {
    let Json(new) = body.map_err(bad_json)?;
    let name = checked_name(&new.name)?;
    let Some(team) = s
        .store
        .teams(m.channel_id, None)
        .await?
        .first()
        .map(|t| t.id)
    else {
        return Err(ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::UnknownTeam,
            "the channel has no team to route calls to",
        ));
    };
    let draft = recipes::definition(new.recipe, team);
    let id = s
        .store
        .create_workflow(m.channel_id, &name, &to_json(&draft), now_ms())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&s.store, m.channel_id, id).await?),
    ))
}

async fn detail_of(store: &Store, channel: i64, id: i64) -> Result<WorkflowDetail, ApiErr> {
    let w: WorkflowRow = store
        .workflow(channel, id)
        .await?
        .ok_or_else(|| not_found("workflow"))?;
    let draft = stored_definition(&w.draft)?;
    let problems = problems(store, channel, &draft).await?;
    let versions = store
        .workflow_versions(channel, id)
        .await?
        .into_iter()
        .map(|v| WorkflowVersion {
            version: v.version,
            published_at_ms: v.published_at_ms,
            published_by: v.published_by,
        })
        .collect();
    Ok(WorkflowDetail {
        id: w.id,
        name: w.name,
        draft,
        problems,
        published_version: w.published_version,
        versions,
    })
}

async fn detail(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
) -> Result<Json<WorkflowDetail>, ApiErr> {
    Ok(Json(detail_of(&s.store, m.channel_id, id).await?))
}

async fn save_draft(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
    body: Result<Json<SaveDraft>, JsonRejection>,
) -> Result<Json<WorkflowDetail>, ApiErr> {
    let Json(save) = body.map_err(bad_json)?;
    let name = checked_name(&save.name)?;
    // Unreadable is refused; readable with problems is kept (a draft is work in progress).
    convert::workflow(&save.draft).map_err(unreadable)?;
    let saved = s
        .store
        .save_workflow_draft(m.channel_id, id, &name, &to_json(&save.draft), now_ms())
        .await?;
    if !saved {
        return Err(not_found("workflow"));
    }
    Ok(Json(detail_of(&s.store, m.channel_id, id).await?))
}

async fn publish(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
) -> Result<Response, ApiErr> {
    let w = s
        .store
        .workflow(m.channel_id, id)
        .await?
        .ok_or_else(|| not_found("workflow"))?;
    let draft = stored_definition(&w.draft)?;
    if let Some(refused) = ready_to_run(&s, m.channel_id, &draft, "the draft").await? {
        return Ok(refused);
    }
    let version = s
        .store
        .publish_workflow(m.channel_id, id, &w.draft, m.id, now_ms())
        .await?
        .ok_or_else(|| not_found("workflow"))?;
    tracing::info!(workflow = id, version, by = m.id, "workflow published");
    Ok(Json(Published { version }).into_response())
}

/// Makes an earlier version current again — checked against the channel as it is now (a
/// prompt or team it names may be gone since) like a publish.
async fn roll_back(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
    body: Result<Json<RollBack>, JsonRejection>,
) -> Result<Response, ApiErr> {
    let Json(to) = body.map_err(bad_json)?;
    let json = s
        .store
        .workflow_version(m.channel_id, id, to.version)
        .await?
        .ok_or_else(|| not_found("workflow version"))?;
    let definition = stored_definition(&json)?;
    let what = format!("version {}", to.version);
    if let Some(refused) = ready_to_run(&s, m.channel_id, &definition, &what).await? {
        return Ok(refused);
    }
    if !s
        .store
        .roll_back_workflow(m.channel_id, id, to.version)
        .await?
    {
        return Err(not_found("workflow version"));
    }
    tracing::info!(
        workflow = id,
        version = to.version,
        by = m.id,
        "workflow rolled back"
    );
    Ok(Json(detail_of(&s.store, m.channel_id, id).await?).into_response())
}

/// Checks that `definition` can run now — no problems, its spoken prompts rendered (and kept)
/// — or the 422 answer saying why not.
async fn ready_to_run(
    s: &AppState,
    channel: i64,
    definition: &WorkflowDefinition,
    what: &str,
) -> Result<Option<Response>, ApiErr> {
    let problems = problems(&s.store, channel, definition).await?;
    if !problems.is_empty() {
        let refused = PublishRefused {
            code: ErrorCode::WorkflowProblems,
            message: format!(
                "{what} has {} problem{} to fix first",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
            problems,
        };
        return Ok(Some(
            (StatusCode::UNPROCESSABLE_ENTITY, Json(refused)).into_response(),
        ));
    }
    let workflow = convert::workflow(definition).map_err(unreadable)?;
    render_speech(&s.store, &s.speech, &workflow)
        .await
        .map_err(|e| match e {
            Rendering::Store(e) => ApiErr::from(e),
            Rendering::Speech(e) => ApiErr::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::SpeechFailed,
                e.to_string(),
            ),
        })?;
    Ok(None)
}

async fn version(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path((id, version)): Path<(i64, i64)>,
) -> Result<Json<WorkflowDefinition>, ApiErr> {
    let json = s
        .store
        .workflow_version(m.channel_id, id, version)
        .await?
        .ok_or_else(|| not_found("workflow version"))?;
    Ok(Json(stored_definition(&json)?))
}

/// Each step's figures for a version (the current one by default): calls that entered,
/// dropped there, and the keys pressed.
async fn analytics(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
    query: Result<Query<AnalyticsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<StepAnalytics>>, ApiErr> {
    let Query(q) = query
        .map_err(|e| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text()))?;
    let w = s
        .store
        .workflow(m.channel_id, id)
        .await?
        .ok_or_else(|| not_found("workflow"))?;
    let Some(version) = q.version.or(w.published_version) else {
        return Ok(Json(Vec::new()));
    };
    let figures = s.store.step_figures(m.channel_id, id, version).await?;
    Ok(Json(
        figures
            .into_iter()
            .map(|f| StepAnalytics {
                step_id: f.step_id as u32,
                entered: f.entered,
                dropped: f.dropped,
                keys: f
                    .keys
                    .into_iter()
                    .map(|(key, count)| KeyCount { key, count })
                    .collect(),
            })
            .collect(),
    ))
}

async fn remove(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiErr> {
    if s.store.delete_workflow(m.channel_id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found("workflow"))
    }
}

async fn reorder(
    State(s): State<AppState>,
    Admin(m): Admin,
    body: Result<Json<WorkflowOrder>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(order) = body.map_err(bad_json)?;
    if s.store.reorder_workflows(m.channel_id, &order.ids).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidMessage,
            "list every workflow of the channel, each once",
        ))
    }
}

async fn link_number(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(e164): Path<String>,
    body: Result<Json<NumberWorkflow>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(link) = body.map_err(bad_json)?;
    if s.store
        .link_number_workflow(m.channel_id, &e164, link.workflow_id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found("number or workflow"))
    }
}

async fn hours(
    State(s): State<AppState>,
    Admin(m): Admin,
) -> Result<Json<Option<OperatingHours>>, ApiErr> {
    let hours = s.store.operating_hours(m.channel_id).await?;
    let hours = hours
        .map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| ApiErr::internal(format!("stored operating hours do not read: {e}")))
        })
        .transpose()?;
    Ok(Json(hours))
}

async fn save_hours(
    State(s): State<AppState>,
    Admin(m): Admin,
    body: Result<Json<OperatingHours>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(hours) = body.map_err(bad_json)?;
    let schedule = convert::schedule(&hours).map_err(unreadable)?;
    if let Some(problem) = schedule.problems().into_iter().next() {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadWorkflow,
            problem,
        ));
    }
    let json = serde_json::to_string(&hours).expect("hours serialise");
    s.store.save_operating_hours(m.channel_id, &json).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn prompts(
    State(s): State<AppState>,
    Admin(m): Admin,
) -> Result<Json<Vec<PromptInfo>>, ApiErr> {
    Ok(Json(
        s.store
            .prompts(m.channel_id)
            .await?
            .into_iter()
            .map(|p| PromptInfo {
                id: p.id,
                name: p.name,
                duration_ms: p.duration_ms,
                created_at_ms: p.created_at_ms,
            })
            .collect(),
    ))
}

/// A WAV upload (the body is the file): checked to be PCM, converted once to 48 kHz mono and
/// kept.
async fn upload_prompt(
    State(s): State<AppState>,
    Admin(m): Admin,
    query: Result<Query<PromptUpload>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PromptInfo>), ApiErr> {
    let Query(q) = query
        .map_err(|e| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text()))?;
    let name = checked_name(&q.name)?;
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiErr::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                format!(
                    "a prompt file is at most {} MB",
                    MAX_PROMPT_BYTES / (1024 * 1024)
                ),
            )
        } else {
            ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadAudio, e.body_text())
        }
    })?;
    // Decoding and resampling up to ten minutes of audio is CPU work: off the async threads.
    let decoded = tokio::task::spawn_blocking(move || Prompt::from_wav(&bytes))
        .await
        .map_err(|e| ApiErr::internal(format!("decoding a prompt: {e}")))?;
    let prompt = decoded.map_err(|e| {
        ApiErr::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadAudio,
            e.to_string(),
        )
    })?;
    let duration_ms = prompt.duration_ms() as i64;
    let created_at_ms = now_ms();
    let id = s
        .store
        .add_prompt(
            m.channel_id,
            &name,
            &prompt.to_wav(),
            duration_ms,
            created_at_ms,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PromptInfo {
            id,
            name,
            duration_ms,
            created_at_ms,
        }),
    ))
}

async fn prompt_audio(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
) -> Result<Response, ApiErr> {
    let wav = s
        .store
        .prompt_wav(m.channel_id, id)
        .await?
        .ok_or_else(|| not_found("prompt"))?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}

/// Whether a definition plays recording `id`.
fn plays(d: &WorkflowDefinition, id: i64) -> bool {
    d.steps.iter().any(|s| {
        let prompt = match &s.action {
            WorkflowAction::Menu { prompt, .. }
            | WorkflowAction::Message { prompt, .. }
            | WorkflowAction::Voicemail { prompt, .. }
            | WorkflowAction::InputForm { prompt, .. } => Some(prompt),
            _ => None,
        };
        matches!(prompt, Some(PromptSource::Recording { prompt_id }) if *prompt_id == id)
    })
}

/// Deletes a prompt no workflow plays — neither a draft nor the version calls run.
async fn delete_prompt(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiErr> {
    for w in s.store.workflows(m.channel_id).await? {
        let mut definitions = vec![w.draft.clone()];
        if let Some(v) = w.published_version
            && let Some(json) = s.store.workflow_version(m.channel_id, w.id, v).await?
        {
            definitions.push(json);
        }
        for json in definitions {
            if plays(&stored_definition(&json)?, id) {
                return Err(ApiErr::new(
                    StatusCode::CONFLICT,
                    ErrorCode::PromptInUse,
                    format!("the workflow {:?} plays this prompt", w.name),
                ));
            }
        }
    }
    if s.store.delete_prompt(m.channel_id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found("prompt"))
    }
}
