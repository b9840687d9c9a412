//! Contacts and callbacks as the app uses them (`docs/protocol.md#contacts`,
//! `docs/protocol.md#callbacks`): suggestions as a manager types, a contact's page read and
//! edited, a lead added; callbacks booked, listed and marked done. Each is one REST call with
//! the session's token; refusals come back as `Api` errors with their code.

use reqwest::Method;
use ringdesk_wire::{
    Callback, ContactDetail, ContactForm, ContactInfo, NewCallback, SetCallbackDone,
};

use crate::AgentError;
use crate::admin::{answer, api_url, request};
use crate::client::{ServerConfig, checked, unreadable};

/// Contacts whose name or number contains what was typed (suggestions); with nothing typed,
/// the ones changed last.
pub async fn search(
    server: &ServerConfig,
    token: &str,
    query: &str,
) -> Result<Vec<ContactInfo>, AgentError> {
    let mut url = api_url(server, "/api/v1/contacts")?;
    // Nothing typed: the contacts changed last.
    if !query.trim().is_empty() {
        url.query_pairs_mut().append_pair("query", query);
    }
    let http = server.http()?;
    answer!(http.get(url).bearer_auth(token))
}

/// The contact with this number (every caller has one: an unknown number became a lead).
pub async fn by_number(
    server: &ServerConfig,
    token: &str,
    number: &str,
) -> Result<Option<ContactInfo>, AgentError> {
    let mut url = api_url(server, "/api/v1/contacts")?;
    url.query_pairs_mut().append_pair("phone", number);
    let http = server.http()?;
    let found: Vec<ContactInfo> = answer!(http.get(url).bearer_auth(token))?;
    Ok(found.into_iter().next())
}

/// A contact whole, with its newest calls.
pub async fn contact(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<ContactDetail, AgentError> {
    let path = format!("/api/v1/contacts/{id}");
    answer!(request(server, token, Method::GET, &path)?)
}

/// Saves what a contact says.
pub async fn save(
    server: &ServerConfig,
    token: &str,
    id: i64,
    form: &ContactForm,
) -> Result<ContactDetail, AgentError> {
    let path = format!("/api/v1/contacts/{id}");
    answer!(request(server, token, Method::PUT, &path)?.json(form))
}

/// Adds a lead contact.
pub async fn add_lead(
    server: &ServerConfig,
    token: &str,
    form: &ContactForm,
) -> Result<ContactDetail, AgentError> {
    answer!(request(server, token, Method::POST, "/api/v1/contacts")?.json(form))
}

/// Books a callback.
pub async fn book_callback(
    server: &ServerConfig,
    token: &str,
    callback: &NewCallback,
) -> Result<Callback, AgentError> {
    answer!(request(server, token, Method::POST, "/api/v1/callbacks")?.json(callback))
}

/// The logged-in manager's callbacks (open ones soonest first; with `include_done`, the
/// done ones after them).
pub async fn my_callbacks(
    server: &ServerConfig,
    token: &str,
    include_done: bool,
) -> Result<Vec<Callback>, AgentError> {
    let mut url = api_url(server, "/api/v1/callbacks")?;
    url.query_pairs_mut()
        .append_pair("includeDone", if include_done { "true" } else { "false" });
    let http = server.http()?;
    answer!(http.get(url).bearer_auth(token))
}

/// Marks a callback done, or still to do.
pub async fn set_callback_done(
    server: &ServerConfig,
    token: &str,
    id: i64,
    done: bool,
) -> Result<Callback, AgentError> {
    let path = format!("/api/v1/callbacks/{id}/done");
    answer!(request(server, token, Method::PUT, &path)?.json(&SetCallbackDone { done }))
}
