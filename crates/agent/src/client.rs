//! Talking to the cloud's REST API, and the TLS trust both REST and WSS use.

use std::path::Path;
use std::sync::Arc;

use ringdesk_wire::{
    ApiError, CallPage, ChannelNumber, DialCheck, DialPlan, ErrorCode, LoginRequest, LoginResponse,
    ManagerInfo, Team, Teammate,
};

use crate::AgentError;

/// Where the cloud is and which certificate to trust.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Base URL, `https://host:port` (or `http://` for a loopback dev cloud).
    pub url: String,
    /// PEM certificate to trust *instead of* the public roots (the embedded cloud's
    /// self-signed one). `None` trusts the usual web roots.
    pub ca_cert_pem: Option<Vec<u8>>,
}

impl ServerConfig {
    /// Reads the pinned certificate from a file.
    pub fn with_ca_file(url: &str, ca: Option<&Path>) -> Result<Self, AgentError> {
        let ca_cert_pem = match ca {
            Some(p) => Some(
                std::fs::read(p)
                    .map_err(|e| AgentError::Config(format!("reading {}: {e}", p.display())))?,
            ),
            None => None,
        };
        Ok(ServerConfig {
            url: url.trim_end_matches('/').to_string(),
            ca_cert_pem,
        })
    }

    /// The rustls client configuration for WSS.
    pub fn rustls_config(&self) -> Result<Arc<rustls::ClientConfig>, AgentError> {
        let mut roots = rustls::RootCertStore::empty();
        match &self.ca_cert_pem {
            Some(pem) => {
                for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                    let cert =
                        cert.map_err(|e| AgentError::Config(format!("bad CA certificate: {e}")))?;
                    roots
                        .add(cert)
                        .map_err(|e| AgentError::Config(format!("bad CA certificate: {e}")))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        Ok(Arc::new(
            rustls::ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth(),
        ))
    }

    pub(crate) fn http(&self) -> Result<reqwest::Client, AgentError> {
        let mut b = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15));
        if let Some(pem) = &self.ca_cert_pem {
            let cert = reqwest::Certificate::from_pem(pem)
                .map_err(|e| AgentError::Config(format!("bad CA certificate: {e}")))?;
            b = b.tls_certs_only([cert]);
        }
        b.build().map_err(|e| AgentError::Config(e.to_string()))
    }

    /// `wss://…/api/v1/ws` for this server.
    pub fn ws_url(&self) -> String {
        let rest = self
            .url
            .strip_prefix("https://")
            .map(|r| format!("wss://{r}"))
            .or_else(|| {
                self.url
                    .strip_prefix("http://")
                    .map(|r| format!("ws://{r}"))
            });
        format!("{}/api/v1/ws", rest.unwrap_or_else(|| self.url.clone()))
    }
}

async fn api_error(resp: reqwest::Response) -> AgentError {
    let status = resp.status().as_u16();
    match resp.json::<ApiError>().await {
        Ok(e) => AgentError::Api {
            status,
            code: e.code,
            message: e.message,
        },
        Err(_) => AgentError::Api {
            status,
            code: ErrorCode::Unknown,
            message: format!("HTTP {status}"),
        },
    }
}

/// Exchanges credentials for a token.
pub async fn login(
    server: &ServerConfig,
    email: &str,
    password: &str,
) -> Result<LoginResponse, AgentError> {
    let resp = server
        .http()?
        .post(format!("{}/api/v1/login", server.url))
        .json(&LoginRequest {
            email: email.into(),
            password: password.into(),
        })
        .send()
        .await;
    checked(resp).await?.json().await.map_err(unreadable)
}

/// The response when it is a success, else the cloud's `{code, message}` as an error.
pub(crate) async fn checked(
    resp: Result<reqwest::Response, reqwest::Error>,
) -> Result<reqwest::Response, AgentError> {
    let resp = resp.map_err(|e| AgentError::Network(e.to_string()))?;
    if resp.status().is_success() {
        Ok(resp)
    } else {
        Err(api_error(resp).await)
    }
}

/// `GET path` with the token; the response when it is a success.
pub(crate) async fn get(
    server: &ServerConfig,
    token: &str,
    path: &str,
) -> Result<reqwest::Response, AgentError> {
    let resp = server
        .http()?
        .get(format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .await;
    checked(resp).await
}

pub(crate) fn unreadable(e: reqwest::Error) -> AgentError {
    AgentError::Network(format!("unreadable answer: {e}"))
}

/// Who a saved token belongs to; a 401 `Api` error means it no longer works.
pub async fn me(server: &ServerConfig, token: &str) -> Result<ManagerInfo, AgentError> {
    get(server, token, "/api/v1/me")
        .await?
        .json()
        .await
        .map_err(unreadable)
}

/// The channel's managers and whether a call would ring them now (invite and transfer
/// pickers).
pub async fn teammates(server: &ServerConfig, token: &str) -> Result<Vec<Teammate>, AgentError> {
    get(server, token, "/api/v1/teammates")
        .await?
        .json()
        .await
        .map_err(unreadable)
}

/// The channel's teams (transfer to a team or its queue).
pub async fn teams(server: &ServerConfig, token: &str) -> Result<Vec<Team>, AgentError> {
    get(server, token, "/api/v1/teams")
        .await?
        .json()
        .await
        .map_err(unreadable)
}

/// The channel's numbers (the caller-ID picker).
pub async fn numbers(server: &ServerConfig, token: &str) -> Result<Vec<ChannelNumber>, AgentError> {
    get(server, token, "/api/v1/numbers")
        .await?
        .json()
        .await
        .map_err(unreadable)
}

/// What dialing `check` would be (E.164, caller-ID, international price), or the refusal as
/// an `Api` error with its code, before anything rings.
pub async fn dial_check(
    server: &ServerConfig,
    token: &str,
    check: &DialCheck,
) -> Result<DialPlan, AgentError> {
    let resp = server
        .http()?
        .post(format!("{}/api/v1/dial/check", server.url))
        .bearer_auth(token)
        .json(check)
        .send()
        .await;
    checked(resp).await?.json().await.map_err(unreadable)
}

/// Revokes a token at the cloud (logout).
pub async fn logout(server: &ServerConfig, token: &str) -> Result<(), AgentError> {
    let resp = server
        .http()?
        .post(format!("{}/api/v1/logout", server.url))
        .bearer_auth(token)
        .send()
        .await;
    checked(resp).await.map(drop)
}

/// One page of the channel's call records, newest first; with `caller`, only that customer's
/// (the ring popup's history button).
pub async fn calls(
    server: &ServerConfig,
    token: &str,
    caller: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<CallPage, AgentError> {
    let mut url = reqwest::Url::parse(&format!("{}/api/v1/calls", server.url))
        .map_err(|e| AgentError::Config(format!("bad server URL: {e}")))?;
    url.query_pairs_mut()
        .append_pair("page", &page.to_string())
        .append_pair("perPage", &per_page.to_string());
    if let Some(c) = caller {
        url.query_pairs_mut().append_pair("caller", c);
    }
    let resp = server.http()?.get(url).bearer_auth(token).send().await;
    checked(resp).await?.json().await.map_err(unreadable)
}
