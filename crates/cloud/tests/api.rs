//! The REST router in-process (axum's `oneshot`, no sockets, no TLS): every route but the
//! public ones refuses a request without a valid token, and one channel's ids do not exist
//! for another channel's managers.

#![allow(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use ringdesk_cloud::api::{self, AppState, MEET_CALLS_PER_MINUTE};
use ringdesk_cloud::dispatch::Input;
use ringdesk_cloud::limit::AttemptLimit;
use ringdesk_cloud::metrics::Metrics;
use ringdesk_store::scratch::ScratchDatabase;
use ringdesk_store::{Backend, CallEvent, DEMO_MANAGERS, NewCall, Store};
use tokio::sync::mpsc::UnboundedReceiver;
use tower::ServiceExt;

/// Every route that needs a manager, with a body that would be valid. (Logout takes any
/// token: logging out one that is already unknown is fine; it still needs one.)
const AUTHENTICATED: &[(Method, &str, &str)] = &[
    (Method::GET, "/api/v1/me", ""),
    (Method::GET, "/api/v1/calls", ""),
    (Method::GET, "/api/v1/calls/live", ""),
    (Method::GET, "/api/v1/calls/1", ""),
    (Method::GET, "/api/v1/teammates", ""),
    (Method::GET, "/api/v1/teams", ""),
    (Method::GET, "/api/v1/numbers", ""),
    (
        Method::POST,
        "/api/v1/dial/check",
        r#"{"number":"01012345678"}"#,
    ),
    (Method::GET, "/api/v1/international-rates", ""),
    (
        Method::PUT,
        "/api/v1/international-rates",
        r#"[{"code":"81","country":"Japan","priceCu":200}]"#,
    ),
    (Method::GET, "/api/v1/ws", ""),
];

/// The router's state over `store`, and the dispatcher's inbox (nothing here reaches it: the
/// routes that ask the dispatcher are refused before they do).
fn state(store: Store) -> (AppState, UnboundedReceiver<Input>) {
    let (dispatcher, inbox) = tokio::sync::mpsc::unbounded_channel();
    let state = AppState {
        store,
        dispatcher,
        next_session: Arc::new(AtomicU64::new(1)),
        metrics: Metrics::default(),
        meet_limit: Arc::new(std::sync::Mutex::new(AttemptLimit::new(
            MEET_CALLS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        trusted_proxies: Arc::new([]),
    };
    (state, inbox)
}

fn request(method: &Method, path: &str, body: &str, token: Option<&str>) -> Request<Body> {
    let mut r = Request::builder()
        .method(method.clone())
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    let mut r = r.body(Body::from(body.to_string())).unwrap();
    let from: SocketAddr = "127.0.0.1:50000".parse().unwrap();
    r.extensions_mut().insert(ConnectInfo(from));
    r
}

async fn status_and_code(state: &AppState, r: Request<Body>) -> (StatusCode, String) {
    let response = api::router(state.clone()).oneshot(r).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    (
        status,
        body["code"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn every_route_refuses_a_request_without_a_valid_token() {
    let db = ScratchDatabase::new(Backend::Sqlite).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let (state, _inbox) = state(store);
    for (method, path, body) in AUTHENTICATED {
        for token in [None, Some("forged-token")] {
            let (status, code) = status_and_code(&state, request(method, path, body, token)).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::UNAUTHORIZED, "unauthorized"),
                "{method} {path} with token {token:?}"
            );
        }
    }
    let logout = |token| request(&Method::POST, "/api/v1/logout", "", token);
    assert_eq!(
        status_and_code(&state, logout(None)).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".to_string())
    );
    assert_eq!(
        status_and_code(&state, logout(Some("gone-token"))).await.0,
        StatusCode::NO_CONTENT,
        "an unknown token is logged out already"
    );
}

#[tokio::test]
async fn another_channels_ids_do_not_exist() {
    let db = ScratchDatabase::new(Backend::Sqlite).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    store
        .create_channel("Other Co", "owner@other.test", "other-pw", "+8225559999", 1)
        .await
        .unwrap();
    // A call in the demo channel.
    let demo = DEMO_MANAGERS[0];
    let minji = store.verify_login(demo.email, demo.password).await.unwrap();
    let id = store.reserve_call_ids(1).await.unwrap().start;
    let call = NewCall {
        id,
        channel_id: minji.channel_id,
        direction: "inbound",
        number: ringdesk_store::DEMO_NUMBER.into(),
        caller_number: "+821012345678".into(),
        caller_name: None,
        contact_id: None,
        team_id: None,
        started_at_ms: 1,
    };
    store.record(&CallEvent::Started(call)).await.unwrap();
    let other = store
        .verify_login("owner@other.test", "other-pw")
        .await
        .unwrap();
    let theirs = store
        .create_session(other.id, ringdesk_store::time::now_ms())
        .await
        .unwrap();
    let ours = store
        .create_session(minji.id, ringdesk_store::time::now_ms())
        .await
        .unwrap();
    let (state, _inbox) = state(store);
    let get = |token: &str| {
        request(
            &Method::GET,
            &format!("/api/v1/calls/{id}"),
            "",
            Some(token),
        )
    };
    assert_eq!(
        status_and_code(&state, get(&ours)).await.0,
        StatusCode::OK,
        "the call's own channel sees it"
    );
    assert_eq!(
        status_and_code(&state, get(&theirs)).await,
        (StatusCode::NOT_FOUND, "notFound".to_string()),
        "another channel's call is not found, not forbidden"
    );
    // Nor does the other channel's list show it.
    let list = request(&Method::GET, "/api/v1/calls", "", Some(&theirs));
    let response = api::router(state.clone()).oneshot(list).await.unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let page: ringdesk_wire::CallPage = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(page.total, 0);
}
