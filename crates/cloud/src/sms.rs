//! Text messages a workflow sends (`docs/product.md#workflow-rules`): one HTTP adapter for an
//! SMS provider's API, set with `--sms-endpoint` (and `--sms-api-key`).
//!
//! A message is `POST`ed as JSON `{from, to, text}` — `from` the number the customer called,
//! `to` the customer's — with the key as a bearer token. Any 2xx is sent; anything else, or no
//! answer in time, is a failure with the reason, kept on the call. Korean providers take this
//! shape behind a small relay, or accept it directly.

use std::time::Duration;

use ringdesk_wire::SmsRequest;

/// The longest a provider may take to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a provider's error body is kept with the failure.
const ERROR_BODY_CHARS: usize = 200;

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    /// The cloud has no provider configured.
    #[error("no SMS provider is configured (--sms-endpoint)")]
    NotConfigured,
    /// The provider could not be reached or did not answer in time.
    #[error("the SMS provider did not answer: {0}")]
    Unreachable(String),
    /// The provider answered with an error.
    #[error("the SMS provider refused it ({status}): {body}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The start of its answer.
        body: String,
    },
}

/// The configured provider.
#[derive(Debug, Clone)]
pub struct SmsProvider {
    client: reqwest::Client,
    endpoint: String,
    api_key: Option<String>,
}

impl SmsProvider {
    /// A provider at `endpoint` (an `http(s)://` URL), with an optional bearer key.
    pub fn new(endpoint: String, api_key: Option<String>) -> SmsProvider {
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .build()
            .expect("an HTTP client with a timeout builds");
        SmsProvider {
            client,
            endpoint,
            api_key,
        }
    }

    /// Sends one message.
    pub async fn send(&self, message: &SmsRequest) -> Result<(), SmsError> {
        let mut request = self.client.post(&self.endpoint).json(message);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| SmsError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(SmsError::Refused {
            status: status.as_u16(),
            body: body.chars().take(ERROR_BODY_CHARS).collect(),
        })
    }
}

/// Sends `message` through `provider`, if there is one.
pub async fn send(provider: Option<&SmsProvider>, message: &SmsRequest) -> Result<(), SmsError> {
    match provider {
        Some(p) => p.send(message).await,
        None => Err(SmsError::NotConfigured),
    }
}
