//! The shared inbox as the app uses it (`docs/protocol.md#inbox`): the channel's
//! conversations, one whole with its call, recording and notes, and what a manager changes on
//! them — state, assignee, tags, notes, the wrap-up form, a bulk close — plus a call's
//! recording, to play (as a `data:` URL the window's player takes) or to keep as an MP3 file.
//! Each is one REST call with the session's token; refusals come back as `Api` errors with
//! their code.

use reqwest::Method;
use ringdesk_wire::{
    BulkClose, BulkClosed, Classification, ConversationDetail, ConversationNote, ConversationPage,
    ConversationQuery, NewNote, SetAssignee, SetConversationState, SetTags, TranscriptHit, WrapUp,
};

use crate::AgentError;
use crate::admin::{answer, api_url, request};
use crate::client::{ServerConfig, checked, get, unreadable};

/// A page of the channel's conversations.
pub async fn conversations(
    server: &ServerConfig,
    token: &str,
    q: &ConversationQuery,
) -> Result<ConversationPage, AgentError> {
    let mut url = api_url(server, "/api/v1/conversations")?;
    {
        let mut pairs = url.query_pairs_mut();
        if let Some(s) = q.state {
            pairs.append_pair("state", s.as_str());
        }
        if let Some(a) = q.assignee {
            pairs.append_pair("assignee", &a.to_string());
        }
        if let Some(t) = &q.tag {
            pairs.append_pair("tag", t);
        }
        if let Some(c) = q.contact {
            pairs.append_pair("contact", &c.to_string());
        }
        if let Some(p) = q.page {
            pairs.append_pair("page", &p.to_string());
        }
        if let Some(p) = q.per_page {
            pairs.append_pair("perPage", &p.to_string());
        }
    }
    let http = server.http()?;
    answer!(http.get(url).bearer_auth(token))
}

/// One conversation whole.
pub async fn conversation(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<ConversationDetail, AgentError> {
    let path = format!("/api/v1/conversations/{id}");
    answer!(request(server, token, Method::GET, &path)?)
}

/// `PUT`s a JSON body (a wire type) to one of a conversation's parts.
macro_rules! put {
    ($server:expr, $token:expr, $id:expr, $part:literal, $body:expr) => {{
        let path = format!(concat!("/api/v1/conversations/{}/", $part), $id);
        checked(
            request($server, $token, Method::PUT, &path)?
                .json($body)
                .send()
                .await,
        )
        .await?;
        Ok(())
    }};
}

/// Opens, snoozes or closes a conversation.
pub async fn set_state(
    server: &ServerConfig,
    token: &str,
    id: i64,
    state: &SetConversationState,
) -> Result<(), AgentError> {
    put!(server, token, id, "state", state)
}

/// Assigns a conversation to a manager, or to nobody.
pub async fn set_assignee(
    server: &ServerConfig,
    token: &str,
    id: i64,
    manager_id: Option<i64>,
) -> Result<(), AgentError> {
    put!(server, token, id, "assignee", &SetAssignee { manager_id })
}

/// Replaces a conversation's tags.
pub async fn set_tags(
    server: &ServerConfig,
    token: &str,
    id: i64,
    tags: Vec<String>,
) -> Result<(), AgentError> {
    put!(server, token, id, "tags", &SetTags { tags })
}

/// Saves the wrap-up form.
pub async fn save_wrap_up(
    server: &ServerConfig,
    token: &str,
    id: i64,
    wrap_up: &WrapUp,
) -> Result<(), AgentError> {
    put!(server, token, id, "wrap-up", wrap_up)
}

/// Adds an internal note.
pub async fn add_note(
    server: &ServerConfig,
    token: &str,
    id: i64,
    text: String,
) -> Result<ConversationNote, AgentError> {
    let path = format!("/api/v1/conversations/{id}/notes");
    answer!(request(server, token, Method::POST, &path)?.json(&NewNote { text }))
}

/// Closes many conversations at once.
pub async fn close(
    server: &ServerConfig,
    token: &str,
    ids: Vec<i64>,
) -> Result<BulkClosed, AgentError> {
    let path = "/api/v1/conversations/close";
    answer!(request(server, token, Method::POST, path)?.json(&BulkClose { ids }))
}

/// The channel's classifications for the wrap-up form.
pub async fn classifications(
    server: &ServerConfig,
    token: &str,
) -> Result<Vec<Classification>, AgentError> {
    answer!(request(
        server,
        token,
        Method::GET,
        "/api/v1/classifications"
    )?)
}

/// A call's recording as MP3 bytes.
pub async fn recording_mp3(
    server: &ServerConfig,
    token: &str,
    call_id: i64,
) -> Result<Vec<u8>, AgentError> {
    let resp = get(
        server,
        token,
        &format!("/api/v1/calls/{call_id}/recording/mp3"),
    )
    .await?;
    Ok(resp.bytes().await.map_err(unreadable)?.to_vec())
}

/// The channel's transcript lines that contain `query`.
pub async fn search_transcripts(
    server: &ServerConfig,
    token: &str,
    query: &str,
) -> Result<Vec<TranscriptHit>, AgentError> {
    let mut url = api_url(server, "/api/v1/transcripts/search")?;
    url.query_pairs_mut().append_pair("q", query);
    let http = server.http()?;
    answer!(http.get(url).bearer_auth(token))
}
