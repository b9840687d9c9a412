//! The admin API an owner or admin uses from the app's workflow editor: the channel's
//! workflows, their drafts, publishing, the simulator, step analytics and prompt audio
//! (`docs/protocol.md#workflows`). Each is one REST call with the session's token; the cloud's
//! refusals come back as `Api` errors with their code.

use reqwest::{Method, RequestBuilder};
use ringdesk_wire::{
    NumberWorkflow, OperatingHours, PromptInfo, PromptSource, Published, QueueSettings, SaveDraft,
    SimulationRequest, SimulationResult, SpeechPreview, StepAnalytics, WorkflowDetail,
    WorkflowSummary,
};

use crate::AgentError;
use crate::client::{ServerConfig, checked, get, unreadable};

/// `method path` with the token, ready for a body.
pub(crate) fn request(
    server: &ServerConfig,
    token: &str,
    method: Method,
    path: &str,
) -> Result<RequestBuilder, AgentError> {
    Ok(server
        .http()?
        .request(method, format!("{}{path}", server.url))
        .bearer_auth(token))
}

/// `path` on the server as a URL, to add escaped segments or a query to.
pub(crate) fn api_url(server: &ServerConfig, path: &str) -> Result<reqwest::Url, AgentError> {
    reqwest::Url::parse(&format!("{}{path}", server.url))
        .map_err(|e| AgentError::Config(format!("server URL {}: {e}", server.url)))
}

/// Reads a JSON answer (the wire's types know their shape).
macro_rules! answer {
    ($request:expr) => {
        checked($request.send().await)
            .await?
            .json()
            .await
            .map_err(unreadable)
    };
}
pub(crate) use answer;

/// The channel's workflows, in list order.
pub async fn workflows(
    server: &ServerConfig,
    token: &str,
) -> Result<Vec<WorkflowSummary>, AgentError> {
    answer!(request(server, token, Method::GET, "/api/v1/workflows")?)
}

/// One workflow: its draft, the draft's problems and its versions.
pub async fn workflow(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<WorkflowDetail, AgentError> {
    answer!(request(
        server,
        token,
        Method::GET,
        &format!("/api/v1/workflows/{id}")
    )?)
}

/// Saves a draft (kept with its problems, which come back listed).
pub async fn save_draft(
    server: &ServerConfig,
    token: &str,
    id: i64,
    save: &SaveDraft,
) -> Result<WorkflowDetail, AgentError> {
    let path = format!("/api/v1/workflows/{id}/draft");
    answer!(request(server, token, Method::PUT, &path)?.json(save))
}

/// Publishes the saved draft as the next version (refused with `workflowProblems`).
pub async fn publish(server: &ServerConfig, token: &str, id: i64) -> Result<Published, AgentError> {
    let path = format!("/api/v1/workflows/{id}/publish");
    answer!(request(server, token, Method::POST, &path)?)
}

/// Walks the saved draft on a pretend call.
pub async fn simulate(
    server: &ServerConfig,
    token: &str,
    id: i64,
    request: &SimulationRequest,
) -> Result<SimulationResult, AgentError> {
    let path = format!("/api/v1/workflows/{id}/simulate");
    answer!(self::request(server, token, Method::POST, &path)?.json(request))
}

/// Each step's figures for the current version.
pub async fn analytics(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<Vec<StepAnalytics>, AgentError> {
    let path = format!("/api/v1/workflows/{id}/analytics");
    answer!(request(server, token, Method::GET, &path)?)
}

/// The channel's uploaded prompts.
pub async fn prompts(server: &ServerConfig, token: &str) -> Result<Vec<PromptInfo>, AgentError> {
    answer!(request(server, token, Method::GET, "/api/v1/prompts")?)
}

/// Uploads a prompt recording (a PCM WAV) under `name`; the cloud refuses anything else with
/// the reason (`badAudio`, `tooLarge`).
pub async fn upload_prompt(
    server: &ServerConfig,
    token: &str,
    name: &str,
    wav: Vec<u8>,
) -> Result<PromptInfo, AgentError> {
    let mut url = api_url(server, "/api/v1/prompts")?;
    url.query_pairs_mut().append_pair("name", name);
    answer!(
        server
            .http()?
            .post(url)
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "audio/wav")
            .body(wav)
    )
}

/// Links a number to a workflow (`None`: the first of the list).
pub async fn link_number(
    server: &ServerConfig,
    token: &str,
    e164: &str,
    workflow_id: Option<i64>,
) -> Result<(), AgentError> {
    // The number is one path segment, escaped: whatever the UI sends cannot reach another path.
    let mut url = api_url(server, "/api/v1/numbers")?;
    url.path_segments_mut()
        .map_err(|()| AgentError::Config(format!("server URL {}", server.url)))?
        .push(e164)
        .push("workflow");
    let body = NumberWorkflow { workflow_id };
    let put = server.http()?.put(url).bearer_auth(token).json(&body);
    checked(put.send().await).await?;
    Ok(())
}

/// The channel's operating hours (`None`: never set, always open).
pub async fn operating_hours(
    server: &ServerConfig,
    token: &str,
) -> Result<Option<OperatingHours>, AgentError> {
    answer!(request(
        server,
        token,
        Method::GET,
        "/api/v1/operating-hours"
    )?)
}

/// Saves the channel's operating hours.
pub async fn save_operating_hours(
    server: &ServerConfig,
    token: &str,
    hours: &OperatingHours,
) -> Result<(), AgentError> {
    let put = request(server, token, Method::PUT, "/api/v1/operating-hours")?.json(hours);
    checked(put.send().await).await?;
    Ok(())
}

/// Saves a team's queue settings.
pub async fn save_queue_settings(
    server: &ServerConfig,
    token: &str,
    team_id: i64,
    settings: &QueueSettings,
) -> Result<(), AgentError> {
    let path = format!("/api/v1/teams/{team_id}/queue");
    checked(
        request(server, token, Method::PUT, &path)?
            .json(settings)
            .send()
            .await,
    )
    .await?;
    Ok(())
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
            let preview = request(server, token, Method::POST, "/api/v1/speech/preview")?;
            checked(preview.json(&preview_body(language, text)).send().await).await?
        }
    };
    Ok(resp.bytes().await.map_err(unreadable)?.to_vec())
}

fn preview_body(language: &ringdesk_wire::SpeechLanguage, text: &str) -> SpeechPreview {
    SpeechPreview {
        language: *language,
        text: text.to_string(),
    }
}
