//! A stand-in for an SMS provider's HTTP API (the one mock the IVR suite allows): it takes the
//! cloud's `POST`s, answers with the status it was started with, and hands each request to the
//! test.

use std::net::SocketAddr;
use std::sync::mpsc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

/// One request the provider got: its bearer token and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct SmsRequest {
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The body.
    pub body: Value,
}

/// The running stand-in.
pub struct SmsProviderStub {
    /// Where the cloud sends (`--sms-endpoint`).
    pub url: String,
    /// What it got.
    pub requests: mpsc::Receiver<SmsRequest>,
}

impl SmsProviderStub {
    /// Starts one on a free loopback port, answering every request with `status`.
    pub fn start(status: u16) -> SmsProviderStub {
        let (tx, rx) = mpsc::channel();
        let (addr_tx, addr_rx) = mpsc::channel::<SocketAddr>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let status = StatusCode::from_u16(status).unwrap();
                let app = Router::new().route(
                    "/v1/messages",
                    post(move |headers: HeaderMap, body: String| {
                        let tx = tx.clone();
                        async move {
                            let authorization = headers
                                .get("authorization")
                                .and_then(|v| v.to_str().ok())
                                .map(str::to_string);
                            let body = serde_json::from_str(&body).unwrap_or(Value::Null);
                            let _ = tx.send(SmsRequest {
                                authorization,
                                body,
                            });
                            (status, "provider says so")
                        }
                    }),
                );
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = addr_rx.recv().expect("the SMS stand-in starts");
        SmsProviderStub {
            url: format!("http://{addr}/v1/messages"),
            requests: rx,
        }
    }
}
