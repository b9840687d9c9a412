//! The admin API an owner or admin uses from the app's workflow editor: the channel's
//! workflows, their drafts, publishing, the simulator, step analytics and prompt audio
//! (`docs/protocol.md#workflows`). Each is one REST call with the session's token; the cloud's
//! refusals come back as `Api` errors with their code.

use reqwest::Method;
use ringdesk_wire::{
    PromptInfo, PromptSource, Published, SaveDraft, SimulationRequest, SimulationResult,
    SpeechPreview, StepAnalytics, WorkflowDetail, WorkflowSummary,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::AgentError;
use crate::client::{ServerConfig, checked, get, unreadable};

/// `method path` with a JSON body; the answer read as `T`.
async fn send<B: Serialize, T: DeserializeOwned>(
    server: &ServerConfig,
    token: &str,
    method: Method,
    path: &str,
    body: &B,
) -> Result<T, AgentError> {
    let resp = server
        .http()?
        .request(method, format!("{}{path}", server.url))
        .bearer_auth(token)
        .json(body)
        .send()
        .await;
    checked(resp).await?.json().await.map_err(unreadable)
}

async fn read<T: DeserializeOwned>(
    server: &ServerConfig,
    token: &str,
    path: &str,
) -> Result<T, AgentError> {
    get(server, token, path)
        .await?
        .json()
        .await
        .map_err(unreadable)
}

/// The channel's workflows, in list order.
pub async fn workflows(
    server: &ServerConfig,
    token: &str,
) -> Result<Vec<WorkflowSummary>, AgentError> {
    read(server, token, "/api/v1/workflows").await
}

/// One workflow: its draft, the draft's problems and its versions.
pub async fn workflow(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<WorkflowDetail, AgentError> {
    read(server, token, &format!("/api/v1/workflows/{id}")).await
}

/// Saves a draft (kept with its problems, which come back listed).
pub async fn save_draft(
    server: &ServerConfig,
    token: &str,
    id: i64,
    save: &SaveDraft,
) -> Result<WorkflowDetail, AgentError> {
    let path = format!("/api/v1/workflows/{id}/draft");
    send(server, token, Method::PUT, &path, save).await
}

/// Publishes the saved draft as the next version (refused with `workflowProblems`).
pub async fn publish(server: &ServerConfig, token: &str, id: i64) -> Result<Published, AgentError> {
    let path = format!("/api/v1/workflows/{id}/publish");
    send(server, token, Method::POST, &path, &()).await
}

/// Walks the saved draft on a pretend call.
pub async fn simulate(
    server: &ServerConfig,
    token: &str,
    id: i64,
    request: &SimulationRequest,
) -> Result<SimulationResult, AgentError> {
    let path = format!("/api/v1/workflows/{id}/simulate");
    send(server, token, Method::POST, &path, request).await
}

/// Each step's figures for the current version.
pub async fn analytics(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<Vec<StepAnalytics>, AgentError> {
    read(server, token, &format!("/api/v1/workflows/{id}/analytics")).await
}

/// The channel's uploaded prompts.
pub async fn prompts(server: &ServerConfig, token: &str) -> Result<Vec<PromptInfo>, AgentError> {
    read(server, token, "/api/v1/prompts").await
}

/// A prompt's audio as a WAV: an upload as kept, or a text spoken now.
pub async fn prompt_wav(
    server: &ServerConfig,
    token: &str,
    prompt: &PromptSource,
) -> Result<Vec<u8>, AgentError> {
    let resp = match prompt {
        PromptSource::Recording { prompt_id } => {
            get(server, token, &format!("/api/v1/prompts/{prompt_id}/audio")).await?
        }
        PromptSource::Speech { language, text } => {
            let preview = SpeechPreview {
                language: *language,
                text: text.clone(),
            };
            let resp = server
                .http()?
                .post(format!("{}/api/v1/speech/preview", server.url))
                .bearer_auth(token)
                .json(&preview)
                .send()
                .await;
            checked(resp).await?
        }
    };
    Ok(resp.bytes().await.map_err(unreadable)?.to_vec())
}
