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
use ringdesk_cloud::network_test::NETWORK_TESTS_PER_MINUTE;
use ringdesk_cloud::recording::Recordings;
use ringdesk_cloud::speech::Espeak;
use ringdesk_cloud::writer::RecordWriter;
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
    (Method::GET, "/api/v1/calls/1/voicemail", ""),
    (Method::GET, "/api/v1/calls/1/recording", ""),
    (Method::GET, "/api/v1/calls/1/recording/mp3", ""),
    (Method::GET, "/api/v1/recordings/retention", ""),
    (Method::GET, "/api/v1/conversations", ""),
    (Method::GET, "/api/v1/conversations/1", ""),
    (
        Method::PUT,
        "/api/v1/conversations/1/state",
        r#"{"state":"closed"}"#,
    ),
    (
        Method::PUT,
        "/api/v1/conversations/1/assignee",
        r#"{"managerId":null}"#,
    ),
    (
        Method::PUT,
        "/api/v1/conversations/1/tags",
        r#"{"tags":["a"]}"#,
    ),
    (
        Method::POST,
        "/api/v1/conversations/1/notes",
        r#"{"text":"a"}"#,
    ),
    (Method::PUT, "/api/v1/conversations/1/wrap-up", "{}"),
    (
        Method::POST,
        "/api/v1/conversations/close",
        r#"{"ids":[1]}"#,
    ),
    (Method::GET, "/api/v1/classifications", ""),
    (Method::GET, "/api/v1/transcripts/search?q=refund", ""),
    (Method::GET, "/api/v1/contacts?query=a", ""),
    (Method::GET, "/api/v1/contacts/1", ""),
    (
        Method::PUT,
        "/api/v1/contacts/1",
        r#"{"numbers":["01012345678"]}"#,
    ),
    (
        Method::POST,
        "/api/v1/contacts",
        r#"{"numbers":["01012345678"]}"#,
    ),
    (Method::GET, "/api/v1/callbacks", ""),
    (
        Method::POST,
        "/api/v1/callbacks",
        r#"{"customerNumber":"01012345678","assigneeId":1,"callerId":"+827076660100","dueAt":"2099-01-01T00:00:00Z"}"#,
    ),
    (Method::PUT, "/api/v1/callbacks/1/done", r#"{"done":true}"#),
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
    (
        Method::POST,
        "/api/v1/network-test",
        r#"{"sdpOffer":"v=0"}"#,
    ),
];

/// Every route of the channel's setup (owners and admins only), with a body that would be
/// valid; `{id}` is a workflow, `{prompt}` a prompt of the demo channel.
const ADMIN: &[(Method, &str, &str)] = &[
    (Method::GET, "/api/v1/workflows", ""),
    (Method::POST, "/api/v1/workflows", r#"{"name":"메뉴"}"#),
    (Method::PUT, "/api/v1/workflows/order", r#"{"ids":[{id}]}"#),
    (Method::GET, "/api/v1/workflows/{id}", ""),
    (Method::PUT, "/api/v1/workflows/{id}/draft", "{draft}"),
    (Method::POST, "/api/v1/workflows/{id}/publish", ""),
    (
        Method::POST,
        "/api/v1/workflows/{id}/rollback",
        r#"{"version":1}"#,
    ),
    (Method::GET, "/api/v1/workflows/{id}/versions/1", ""),
    (Method::GET, "/api/v1/workflows/{id}/analytics", ""),
    (Method::DELETE, "/api/v1/workflows/{id}", ""),
    (
        Method::PUT,
        "/api/v1/numbers/+827076660100/workflow",
        r#"{"workflowId":null}"#,
    ),
    (Method::GET, "/api/v1/operating-hours", ""),
    (
        Method::PUT,
        "/api/v1/operating-hours",
        r#"{"timeZone":"Asia/Seoul","periods":[]}"#,
    ),
    (
        Method::PUT,
        "/api/v1/recordings/retention",
        r#"{"days":90}"#,
    ),
    (Method::GET, "/api/v1/prompts", ""),
    (Method::POST, "/api/v1/prompts?name=hi", "RIFF"),
    (Method::GET, "/api/v1/prompts/{prompt}/audio", ""),
    (Method::DELETE, "/api/v1/prompts/{prompt}", ""),
    (
        Method::PUT,
        "/api/v1/teams/{team}/queue",
        r#"{"maxWaitSeconds":60,"announceEverySeconds":0,"language":"ko"}"#,
    ),
    (Method::POST, "/api/v1/workflows/{id}/simulate", "{}"),
    (
        Method::POST,
        "/api/v1/speech/preview",
        r#"{"language":"en","text":"Hello"}"#,
    ),
];

/// The router's state over `store`, and the dispatcher's inbox (nothing here reaches it: the
/// routes that ask the dispatcher are refused before they do).
fn state(store: Store) -> (AppState, UnboundedReceiver<Input>) {
    state_speaking(store, Espeak::default())
}

/// The router's state, with spoken prompts rendered by `speech`.
fn state_speaking(store: Store, speech: Espeak) -> (AppState, UnboundedReceiver<Input>) {
    let (dispatcher, inbox) = tokio::sync::mpsc::unbounded_channel();
    let recordings =
        Recordings::new(recordings_dir(), RecordWriter::spawn(store.clone()), None).unwrap();
    let state = AppState {
        store,
        dispatcher,
        next_session: Arc::new(AtomicU64::new(1)),
        metrics: Metrics::default(),
        meet_limit: Arc::new(std::sync::Mutex::new(AttemptLimit::new(
            MEET_CALLS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        network_test_limit: Arc::new(std::sync::Mutex::new(AttemptLimit::new(
            NETWORK_TESTS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        metrics_api_limit: Arc::new(std::sync::Mutex::new(AttemptLimit::new(
            ringdesk_cloud::statistics::metrics_api::REQUESTS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        media_ip: std::net::Ipv4Addr::LOCALHOST.into(),
        trusted_proxies: Arc::new([]),
        speech: Arc::new(speech),
        recordings,
    };
    (state, inbox)
}

/// Where this test process's recordings go: one directory, removed when the process ends
/// normally (each recording is named by its call id, unique across the scratch databases).
fn recordings_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
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

/// The answer's status and JSON body (`null` when it has none).
async fn answer(state: &AppState, r: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = api::router(state.clone()).oneshot(r).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

async fn status_and_code(state: &AppState, r: Request<Body>) -> (StatusCode, String) {
    let (status, body) = answer(state, r).await;
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

    // Its recording: still being written, then ready; never the other channel's.
    let recording = |token: &str, what: &str| {
        request(
            &Method::GET,
            &format!("/api/v1/calls/{id}/recording{what}"),
            "",
            Some(token),
        )
    };
    assert_eq!(
        status_and_code(&state, recording(&ours, "")).await,
        (StatusCode::NOT_FOUND, "notFound".to_string()),
        "no recording yet"
    );
    state
        .store
        .recording_started(id, minji.channel_id, 1)
        .await
        .unwrap();
    state.store.recording_paused(id, 1_000, true).await.unwrap();
    assert_eq!(
        status_and_code(&state, recording(&ours, "/mp3")).await,
        (StatusCode::CONFLICT, "recordingNotReady".to_string())
    );
    let mp3 = b"\xff\xf3 an mp3".to_vec();
    std::fs::write(state.recordings.mp3_path(id), &mp3).unwrap();
    state
        .store
        .recording_finished(id, 4_000, Ok(mp3.len() as i64))
        .await
        .unwrap();
    let (status, info) = answer(&state, recording(&ours, "")).await;
    assert_eq!(status, StatusCode::OK);
    let info: ringdesk_wire::RecordingInfo = serde_json::from_value(info).unwrap();
    assert_eq!(info.state, ringdesk_wire::RecordingState::Ready);
    assert_eq!(info.duration_ms, 4_000);
    assert_eq!(
        info.pauses,
        vec![ringdesk_wire::RecordingPause {
            from_ms: 1_000,
            to_ms: None
        }]
    );
    let response = api::router(state.clone())
        .oneshot(recording(&ours, "/mp3"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "audio/mpeg");
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(body.to_vec(), mp3);
    for what in ["", "/mp3"] {
        assert_eq!(
            status_and_code(&state, recording(&theirs, what)).await,
            (StatusCode::NOT_FOUND, "notFound".to_string()),
            "another channel's recording{what} is not found"
        );
    }
    let missing = request(
        &Method::GET,
        "/api/v1/calls/987654/recording/mp3",
        "",
        Some(&ours),
    );
    assert_eq!(
        status_and_code(&state, missing).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn recordings_are_kept_between_a_day_and_ten_years() {
    let db = ScratchDatabase::new(Backend::Sqlite).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let owner = DEMO_MANAGERS[0];
    let owner = store
        .verify_login(owner.email, owner.password)
        .await
        .unwrap();
    let token = store
        .create_session(owner.id, ringdesk_store::time::now_ms())
        .await
        .unwrap();
    let (state, _inbox) = state(store);
    let put = |body: &str| {
        request(
            &Method::PUT,
            "/api/v1/recordings/retention",
            body,
            Some(&token),
        )
    };
    let get = || {
        request(
            &Method::GET,
            "/api/v1/recordings/retention",
            "",
            Some(&token),
        )
    };
    assert_eq!(
        answer(&state, get()).await.1["days"],
        183,
        "about six months by default"
    );
    for bad in [r#"{"days":0}"#, r#"{"days":3651}"#] {
        assert_eq!(
            status_and_code(&state, put(bad)).await,
            (StatusCode::BAD_REQUEST, "badQuery".to_string()),
            "{bad}"
        );
    }
    assert_eq!(
        status_and_code(&state, put(r#"{"days":"soon"}"#)).await,
        (StatusCode::BAD_REQUEST, "badJson".to_string())
    );
    assert_eq!(
        answer(&state, put(r#"{"days":30}"#)).await.0,
        StatusCode::OK
    );
    assert_eq!(answer(&state, get()).await.1["days"], 30);
}

/// A mono 16-bit PCM WAV file at `rate` (`format` 1) or the same header claiming 32-bit float
/// (`format` 3), for uploads.
fn wav(rate: u32, samples: &[i16], format: u16) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let bits: u16 = if format == 3 { 32 } else { 16 };
    let block = bits / 8;
    let mut v = Vec::new();
    v.extend(b"RIFF");
    v.extend((36 + data_len).to_le_bytes());
    v.extend(b"WAVEfmt ");
    v.extend(16u32.to_le_bytes());
    v.extend(format.to_le_bytes());
    v.extend(1u16.to_le_bytes());
    v.extend(rate.to_le_bytes());
    v.extend((rate * u32::from(block)).to_le_bytes());
    v.extend(block.to_le_bytes());
    v.extend(bits.to_le_bytes());
    v.extend(b"data");
    v.extend(data_len.to_le_bytes());
    for s in samples {
        v.extend(s.to_le_bytes());
    }
    v
}

fn raw_request(method: &Method, path: &str, body: Vec<u8>, token: &str) -> Request<Body> {
    let mut r = Request::builder()
        .method(method.clone())
        .uri(path)
        .header("content-type", "audio/wav")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body))
        .unwrap();
    let from: SocketAddr = "127.0.0.1:50000".parse().unwrap();
    r.extensions_mut().insert(ConnectInfo(from));
    r
}

/// The demo channel's owner, a plain manager of it, and another channel's owner, logged in.
struct Tokens {
    owner: String,
    manager: String,
    other: String,
}

async fn setup_channels() -> (ScratchDatabase, Store, Tokens) {
    let db = ScratchDatabase::new(Backend::Sqlite).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    store
        .create_channel("Other Co", "owner@other.test", "other-pw", "+8225559999", 1)
        .await
        .unwrap();
    let now = ringdesk_store::time::now_ms();
    let mut tokens = Vec::new();
    for (email, password) in [
        (DEMO_MANAGERS[0].email, DEMO_MANAGERS[0].password),
        (DEMO_MANAGERS[1].email, DEMO_MANAGERS[1].password),
        ("owner@other.test", "other-pw"),
    ] {
        let m = store.verify_login(email, password).await.unwrap();
        tokens.push(store.create_session(m.id, now).await.unwrap());
    }
    let [owner, manager, other] = tokens.try_into().unwrap();
    (
        db,
        store,
        Tokens {
            owner,
            manager,
            other,
        },
    )
}

async fn create_workflow(state: &AppState, token: &str, body: &str) -> serde_json::Value {
    let r = request(&Method::POST, "/api/v1/workflows", body, Some(token));
    let (status, detail) = answer(state, r).await;
    assert_eq!(status, StatusCode::CREATED, "{detail}");
    detail
}

#[tokio::test]
async fn the_channels_setup_is_for_its_owners_and_admins_only() {
    let (_db, store, t) = setup_channels().await;
    let demo = store
        .number_route(ringdesk_store::DEMO_NUMBER)
        .await
        .unwrap()
        .unwrap();
    let team = demo.team_id.unwrap();
    let (state, _inbox) = state(store);
    let detail = create_workflow(&state, &t.owner, r#"{"name":"메뉴"}"#).await;
    let id = detail["id"].as_i64().unwrap();
    let draft = serde_json::json!({ "name": "메뉴", "draft": detail["draft"] }).to_string();
    let upload = raw_request(
        &Method::POST,
        "/api/v1/prompts?name=인사",
        wav(8_000, &[0; 800], 1),
        &t.owner,
    );
    let (status, prompt) = answer(&state, upload).await;
    assert_eq!(status, StatusCode::CREATED, "{prompt}");
    let prompt = prompt["id"].as_i64().unwrap();
    let fill = |path: &str, body: &str| {
        (
            path.replace("{id}", &id.to_string())
                .replace("{prompt}", &prompt.to_string())
                .replace("{team}", &team.to_string()),
            body.replace("{id}", &id.to_string())
                .replace("{draft}", &draft),
        )
    };
    for (method, path, body) in ADMIN {
        let (path, body) = fill(path, body);
        assert_eq!(
            status_and_code(&state, request(method, &path, &body, None)).await,
            (StatusCode::UNAUTHORIZED, "unauthorized".to_string()),
            "{method} {path} without a token"
        );
        assert_eq!(
            status_and_code(&state, request(method, &path, &body, Some(&t.manager))).await,
            (StatusCode::FORBIDDEN, "forbidden".to_string()),
            "{method} {path} as a manager"
        );
        let ids_ours = path.contains(&format!("/{id}")) && !path.ends_with("/order")
            || path.contains(&format!("/prompts/{prompt}"))
            || path.contains("/numbers/")
            || path.contains("/teams/");
        if ids_ours {
            assert_eq!(
                status_and_code(&state, request(method, &path, &body, Some(&t.other))).await,
                (StatusCode::NOT_FOUND, "notFound".to_string()),
                "{method} {path} from another channel"
            );
        }
    }
    // The other channel's list is its own (empty), and nothing of ours was touched.
    let list = |token: &str| request(&Method::GET, "/api/v1/workflows", "", Some(token));
    assert_eq!(
        answer(&state, list(&t.other)).await.1,
        serde_json::json!([])
    );
    let ours = answer(&state, list(&t.owner)).await.1;
    assert_eq!(ours[0]["id"].as_i64(), Some(id));
    assert_eq!(
        ours[0]["numbers"],
        serde_json::json!(["+827076660100", "+827076660200"]),
        "first of the list"
    );
}

#[tokio::test]
async fn a_draft_is_kept_with_its_problems_and_published_only_without_them() {
    let (_db, store, t) = setup_channels().await;
    let (state, _inbox) = state(store);
    let owner = Some(t.owner.as_str());
    let detail = create_workflow(&state, &t.owner, r#"{"name":"예약 IVR","recipe":"ivr"}"#).await;
    let id = detail["id"].as_i64().unwrap();
    assert_eq!(
        detail["problems"],
        serde_json::json!([]),
        "a recipe is ready to publish"
    );
    assert_eq!(detail["draft"]["steps"].as_array().unwrap().len(), 5);
    let good = detail["draft"].clone();

    // A button to nowhere: saved, with the problem; publishing refuses and lists it.
    let mut broken = good.clone();
    broken["steps"][1]["action"]["buttons"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"key": 3, "next": 99}));
    let save = |draft: &serde_json::Value| {
        let body = serde_json::json!({"name": "예약 IVR", "draft": draft}).to_string();
        request(
            &Method::PUT,
            &format!("/api/v1/workflows/{id}/draft"),
            &body,
            owner,
        )
    };
    let publish = || {
        request(
            &Method::POST,
            &format!("/api/v1/workflows/{id}/publish"),
            "",
            owner,
        )
    };
    let (status, saved) = answer(&state, save(&broken)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        saved["problems"],
        serde_json::json!([{
            "code": "missingTarget",
            "stepId": 2,
            "message": "step #2 leads to #99, which does not exist"
        }])
    );
    let (status, refused) = answer(&state, publish()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["code"], "workflowProblems");
    assert_eq!(refused["problems"], saved["problems"]);

    // Fixed, it publishes as version 1, then 2; a rollback makes 1 current again.
    assert_eq!(answer(&state, save(&good)).await.0, StatusCode::OK);
    assert_eq!(
        answer(&state, publish()).await,
        (StatusCode::OK, serde_json::json!({"version": 1}))
    );
    assert_eq!(
        answer(&state, publish()).await.1,
        serde_json::json!({"version": 2})
    );
    let back = |version: i64| {
        request(
            &Method::POST,
            &format!("/api/v1/workflows/{id}/rollback"),
            &format!(r#"{{"version":{version}}}"#),
            owner,
        )
    };
    let (status, rolled) = answer(&state, back(1)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rolled["publishedVersion"], 1);
    let versions: Vec<i64> = rolled["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(
        status_and_code(&state, back(7)).await.0,
        StatusCode::NOT_FOUND
    );
    let v1 = request(
        &Method::GET,
        &format!("/api/v1/workflows/{id}/versions/1"),
        "",
        owner,
    );
    assert_eq!(answer(&state, v1).await.1, good);

    // What cannot be read is refused with the reason, and the draft stays as it was.
    let mut zoned = good.clone();
    zoned["active"] = serde_json::json!({"timeZone": "Mars/Olympus", "periods": []});
    assert_eq!(
        answer(&state, save(&zoned)).await,
        (
            StatusCode::BAD_REQUEST,
            serde_json::json!({
                "code": "badWorkflow",
                "message": "the workflow's schedule: time zone \"Mars/Olympus\" is not one \
                            (use an IANA name such as Asia/Seoul)"
            })
        )
    );
    let mut both = good.clone();
    both["steps"][4]["action"]["managerId"] = serde_json::json!(1);
    let (status, code) = status_and_code(&state, save(&both)).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "badWorkflow")
    );
    let garbage = request(
        &Method::PUT,
        &format!("/api/v1/workflows/{id}/draft"),
        r#"{"name":"x","draft":{"steps":"none"}}"#,
        owner,
    );
    assert_eq!(status_and_code(&state, garbage).await.1, "badJson");
    let detail = request(&Method::GET, &format!("/api/v1/workflows/{id}"), "", owner);
    assert_eq!(answer(&state, detail).await.1["draft"], good);

    // The demo number runs it once linked; a workflow of nowhere is refused.
    let link = |body: &str| {
        request(
            &Method::PUT,
            "/api/v1/numbers/+827076660100/workflow",
            body,
            owner,
        )
    };
    assert_eq!(
        answer(&state, link(&format!(r#"{{"workflowId":{id}}}"#)))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        status_and_code(&state, link(r#"{"workflowId":9999}"#)).await,
        (StatusCode::NOT_FOUND, "notFound".to_string())
    );

    // Operating hours: kept when they read, refused with the reason when not.
    let hours = r#"{"timeZone":"Asia/Seoul","periods":[{"day":"mon","start":"09:00","end":"18:00"}],"holidays":["2026-12-25"]}"#;
    let put_hours = |body: &str| request(&Method::PUT, "/api/v1/operating-hours", body, owner);
    assert_eq!(
        answer(&state, put_hours(hours)).await.0,
        StatusCode::NO_CONTENT
    );
    let got = answer(
        &state,
        request(&Method::GET, "/api/v1/operating-hours", "", owner),
    )
    .await;
    assert_eq!(
        got.1,
        serde_json::from_str::<serde_json::Value>(hours).unwrap()
    );
    let bad = hours.replace("09:00", "9시");
    assert_eq!(
        answer(&state, put_hours(&bad)).await.1["message"],
        "start \"9시\" is not a time of day (HH:MM)"
    );
}

#[tokio::test]
async fn prompts_are_checked_converted_and_kept_while_a_workflow_plays_them() {
    let (_db, store, t) = setup_channels().await;
    let (state, _inbox) = state(store);
    let upload = |name: &str, body: Vec<u8>| {
        raw_request(
            &Method::POST,
            &format!("/api/v1/prompts?name={name}"),
            body,
            &t.owner,
        )
    };
    let (status, body) = answer(&state, upload("mp3", b"ID3\x04 an mp3 file".to_vec())).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("badAudio"))
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("not a WAV file"),
        "{body}"
    );
    let (status, body) = answer(&state, upload("float", wav(8_000, &[0; 80], 3))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"], "32-bit Float audio: upload 16-bit PCM WAV");
    let huge = vec![0u8; ringdesk_cloud::workflows::MAX_PROMPT_BYTES + 1];
    assert_eq!(
        status_and_code(&state, upload("huge", huge)).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "tooLarge".to_string())
    );
    let no_name = raw_request(
        &Method::POST,
        "/api/v1/prompts",
        wav(8_000, &[0; 80], 1),
        &t.owner,
    );
    assert_eq!(status_and_code(&state, no_name).await.1, "badQuery");
    let listed = answer(
        &state,
        request(&Method::GET, "/api/v1/prompts", "", Some(&t.owner)),
    )
    .await;
    assert_eq!(listed.1, serde_json::json!([]), "nothing refused was kept");

    // One second at 8 kHz is kept as one second at 48 kHz.
    let tone: Vec<i16> = ringdesk_media::tone::sine(8_000, 440.0, 8_000.0, 8_000);
    let (status, prompt) = answer(&state, upload("안내", wav(8_000, &tone, 1))).await;
    assert_eq!(status, StatusCode::CREATED, "{prompt}");
    assert_eq!(prompt["durationMs"], 1000);
    let id = prompt["id"].as_i64().unwrap();
    let audio = raw_request(
        &Method::GET,
        &format!("/api/v1/prompts/{id}/audio"),
        Vec::new(),
        &t.owner,
    );
    let response = api::router(state.clone()).oneshot(audio).await.unwrap();
    assert_eq!(response.headers()["content-type"], "audio/wav");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    assert_eq!(
        u32::from_le_bytes(bytes[24..28].try_into().unwrap()),
        48_000
    );
    assert_eq!(bytes.len(), 44 + 2 * 48_000);

    // A draft that plays it keeps it; once no workflow does, it goes.
    let detail = create_workflow(&state, &t.owner, r#"{"name":"인사"}"#).await;
    let wf = detail["id"].as_i64().unwrap();
    let mut draft = detail["draft"].clone();
    draft["steps"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": 2, "name": "인사말",
            "action": {"kind": "message", "prompt": {"kind": "recording", "promptId": id}, "next": 1}
        }));
    draft["first"] = serde_json::json!(2);
    let save = |draft: &serde_json::Value| {
        let body = serde_json::json!({"name": "인사", "draft": draft}).to_string();
        request(
            &Method::PUT,
            &format!("/api/v1/workflows/{wf}/draft"),
            &body,
            Some(&t.owner),
        )
    };
    let (status, saved) = answer(&state, save(&draft)).await;
    assert_eq!(
        (status, &saved["problems"]),
        (StatusCode::OK, &serde_json::json!([]))
    );
    let remove = || {
        raw_request(
            &Method::DELETE,
            &format!("/api/v1/prompts/{id}"),
            Vec::new(),
            &t.owner,
        )
    };
    assert_eq!(
        answer(&state, remove()).await,
        (
            StatusCode::CONFLICT,
            serde_json::json!({"code": "promptInUse", "message": "the workflow \"인사\" plays this prompt"})
        )
    );
    // Version 1 plays it; version 2 and the draft do not, so it may go — and then version 1
    // cannot come back.
    let post = |path: String, body: &str| request(&Method::POST, &path, body, Some(&t.owner));
    let publish = || post(format!("/api/v1/workflows/{wf}/publish"), "");
    assert_eq!(
        answer(&state, publish()).await.1,
        serde_json::json!({"version": 1})
    );
    assert_eq!(
        answer(&state, save(&detail["draft"])).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&state, publish()).await.1,
        serde_json::json!({"version": 2})
    );
    assert_eq!(answer(&state, remove()).await.0, StatusCode::NO_CONTENT);
    let back = post(
        format!("/api/v1/workflows/{wf}/rollback"),
        r#"{"version":1}"#,
    );
    let (status, refused) = answer(&state, back).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["code"], "workflowProblems");
    assert_eq!(refused["problems"][0]["code"], "missingPrompt");
    let (_, saved) = answer(&state, save(&draft)).await;
    assert_eq!(
        saved["problems"][0]["code"], "missingPrompt",
        "a deleted prompt is missing"
    );
}

#[tokio::test]
async fn publishing_renders_spoken_prompts_once_and_refuses_when_it_cannot() {
    let (_db, store, t) = setup_channels().await;
    let (mute, _inbox) = state_speaking(store.clone(), Espeak::new("/nonexistent/espeak-ng"));
    let detail = create_workflow(&mute, &t.owner, r#"{"name":"예약 IVR","recipe":"ivr"}"#).await;
    let id = detail["id"].as_i64().unwrap();
    let publish = |state: &AppState| {
        let state = state.clone();
        let r = request(
            &Method::POST,
            &format!("/api/v1/workflows/{id}/publish"),
            "",
            Some(&t.owner),
        );
        async move { answer(&state, r).await }
    };
    let (status, refused) = publish(&mute).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("speechFailed"))
    );
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("upload a recording"),
        "{refused}"
    );
    let menu_text = detail["draft"]["steps"][1]["action"]["prompt"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(store.speech("ko", menu_text).await.unwrap(), None);
    let unpublished = request(
        &Method::GET,
        &format!("/api/v1/workflows/{id}"),
        "",
        Some(&t.owner),
    );
    assert_eq!(
        answer(&mute, unpublished).await.1["publishedVersion"],
        serde_json::Value::Null
    );

    let (speaking, _inbox) = state(store.clone());
    assert_eq!(
        publish(&speaking).await,
        (StatusCode::OK, serde_json::json!({"version": 1}))
    );
    let wav = store
        .speech("ko", menu_text)
        .await
        .unwrap()
        .expect("rendered at publish");
    let prompt = ringdesk_media::prompt::Prompt::from_wav(&wav).unwrap();
    assert!(prompt.duration_ms() > 1_000, "{} ms", prompt.duration_ms());
    // Kept: publishing again does not need the engine.
    assert_eq!(publish(&mute).await.1, serde_json::json!({"version": 2}));
}

#[tokio::test]
async fn the_simulator_walks_the_draft_on_a_pretend_call_and_speaks_its_prompts() {
    let (_db, store, t) = setup_channels().await;
    let (state, _inbox) = state(store);
    let owner = Some(t.owner.as_str());
    let detail = create_workflow(&state, &t.owner, r#"{"name":"예약 IVR","recipe":"ivr"}"#).await;
    let id = detail["id"].as_i64().unwrap();
    let simulate = |body: serde_json::Value| {
        let path = format!("/api/v1/workflows/{id}/simulate");
        request(&Method::POST, &path, &body.to_string(), owner)
    };
    let kinds = |result: &serde_json::Value| -> Vec<String> {
        result["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["event"]["kind"].as_str().unwrap().to_string())
            .collect()
    };
    // Open on weekdays, 9 to 6 in Seoul.
    let periods: Vec<serde_json::Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| serde_json::json!({"day": d, "start": "09:00", "end": "18:00"}))
        .collect();
    let hours = serde_json::json!({"timeZone": "Asia/Seoul", "periods": periods});
    let put = request(
        &Method::PUT,
        "/api/v1/operating-hours",
        &hours.to_string(),
        owner,
    );
    assert_eq!(answer(&state, put).await.0, StatusCode::NO_CONTENT);
    // A Tuesday morning: open; the menu plays and waits for a key.
    let tuesday = serde_json::json!({"at": "2026-12-01T10:00"});
    let (status, waiting) = answer(&state, simulate(tuesday)).await;
    assert_eq!(status, StatusCode::OK, "{waiting}");
    assert_eq!(kinds(&waiting), ["entered", "entered", "played"]);
    assert_eq!(waiting["end"], "waitsForCaller");
    assert_eq!(waiting["lines"][1]["event"]["name"], "문의 유형 선택");
    assert!(waiting["lines"][2]["event"]["durationMs"].as_u64().unwrap() > 0);
    // 1, a reservation number and # reach the team's queue behind 3 callers.
    let keys: Vec<serde_json::Value> = "1123456#"
        .chars()
        .map(|k| serde_json::json!({"kind": "press", "key": k.to_string()}))
        .collect();
    let body =
        serde_json::json!({"at": "2026-12-01T10:00", "actions": keys, "queue": {"waiting": 3}});
    let (_, queued) = answer(&state, simulate(body)).await;
    assert_eq!(queued["end"], "done");
    let last = queued["lines"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"]["kind"], "queued", "{queued}");
    assert_eq!(last["event"]["position"], 4);
    assert!(
        queued["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["event"]
                == serde_json::json!({"kind": "typed", "label": "예약 번호", "value": "123456"})),
        "{queued}"
    );
    // Sunday night: closed; the message plays and the call ends not in operation.
    let (_, closed) = answer(
        &state,
        simulate(serde_json::json!({"at": "2026-12-06T23:00"})),
    )
    .await;
    assert_eq!(kinds(&closed), ["entered", "entered", "played", "ended"]);
    assert_eq!(
        closed["lines"][3]["event"]["missedReason"],
        "notInOperation"
    );
    // Bad input: a key that is none, a time that is none.
    for body in [
        serde_json::json!({"actions": [{"kind": "press", "key": "12"}]}),
        serde_json::json!({"at": "tuesday"}),
    ] {
        let (status, error) = answer(&state, simulate(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert_eq!(error["code"], "invalidMessage");
    }

    // A prompt is heard before anything is published.
    let preview = request(
        &Method::POST,
        "/api/v1/speech/preview",
        r#"{"language":"en","text":"Press one for reservations."}"#,
        owner,
    );
    let response = api::router(state.clone()).oneshot(preview).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let wav = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    let prompt = ringdesk_media::prompt::Prompt::from_wav(&wav).expect("a playable WAV");
    assert!(prompt.duration_ms() > 500, "{} ms", prompt.duration_ms());
}

#[tokio::test]
async fn conversations_refuse_bad_input_and_do_not_exist_for_other_channels() {
    let db = ScratchDatabase::new(Backend::Sqlite).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    store
        .create_channel("Other Co", "owner@other.test", "other-pw", "+8225559999", 1)
        .await
        .unwrap();
    let demo = DEMO_MANAGERS[1];
    let junho = store.verify_login(demo.email, demo.password).await.unwrap();
    let call = |id, missed: Option<&'static str>| {
        let store = store.clone();
        async move {
            let new = NewCall {
                id,
                channel_id: junho.channel_id,
                direction: "inbound",
                number: ringdesk_store::DEMO_NUMBER.into(),
                caller_number: "+821012345678".into(),
                caller_name: None,
                contact_id: None,
                team_id: None,
                started_at_ms: 1,
            };
            store.record(&CallEvent::Started(new)).await.unwrap();
            let end = CallEvent::Ended {
                call_id: id,
                at_ms: 2,
                cause: "customerHangup",
                missed_reason: missed,
            };
            store.record(&end).await.unwrap();
        }
    };
    let ids = store.reserve_call_ids(2).await.unwrap();
    let (talked, missed) = (ids.start, ids.start + 1);
    call(talked, None).await;
    call(missed, Some("userleft")).await;
    let ours = store
        .create_session(junho.id, ringdesk_store::time::now_ms())
        .await
        .unwrap();
    let other = store
        .verify_login("owner@other.test", "other-pw")
        .await
        .unwrap();
    let theirs = store
        .create_session(other.id, ringdesk_store::time::now_ms())
        .await
        .unwrap();
    let (state, mut inbox) = state(store);
    let ask = |method: Method, path: String, body: &str, token: &str| {
        request(&method, &path, body, Some(token))
    };
    let on = |id: i64, what: &str| format!("/api/v1/conversations/{id}{what}");
    let expect = |status: StatusCode, code: &str| (status, code.to_string());
    let bad = StatusCode::BAD_REQUEST;

    // Another channel's conversation: not found, whatever is asked.
    for (method, what, body) in [
        (Method::GET, "", ""),
        (Method::PUT, "/state", r#"{"state":"closed"}"#),
        (Method::POST, "/notes", r#"{"text":"hi"}"#),
        (Method::PUT, "/tags", r#"{"tags":["x"]}"#),
        (Method::PUT, "/wrap-up", "{}"),
    ] {
        let r = ask(method.clone(), on(talked, what), body, &theirs);
        assert_eq!(
            status_and_code(&state, r).await,
            expect(StatusCode::NOT_FOUND, "notFound"),
            "{method} {what}"
        );
    }
    let r = ask(
        Method::POST,
        "/api/v1/conversations/close".into(),
        &format!(r#"{{"ids":[{talked}]}}"#),
        &theirs,
    );
    assert_eq!(
        answer(&state, r).await.1["closed"],
        0,
        "another channel closes nothing"
    );
    let list = ask(Method::GET, "/api/v1/conversations".into(), "", &theirs);
    assert_eq!(answer(&state, list).await.1["total"], 0);

    // Notes: 1–5000 characters.
    for text in ["", "   ", &"가".repeat(5_001)] {
        let body = serde_json::json!({ "text": text }).to_string();
        let r = ask(Method::POST, on(talked, "/notes"), &body, &ours);
        assert_eq!(status_and_code(&state, r).await, expect(bad, "badNote"));
    }
    let r = ask(
        Method::POST,
        on(talked, "/notes"),
        r#"{"text":" 환불 요청 "}"#,
        &ours,
    );
    let (status, note) = answer(&state, r).await;
    assert_eq!(
        (status, note["text"].as_str()),
        (StatusCode::CREATED, Some("환불 요청"))
    );
    // Tags: none empty or too long, at most 20.
    let too_many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    for tags in [
        serde_json::json!([""]),
        serde_json::json!(["x".repeat(51)]),
        serde_json::json!(too_many),
    ] {
        let body = serde_json::json!({ "tags": tags }).to_string();
        let r = ask(Method::PUT, on(talked, "/tags"), &body, &ours);
        assert_eq!(status_and_code(&state, r).await, expect(bad, "badTag"));
    }
    // States: never set missed; a snooze needs a future time; a missed one only closes.
    for body in [
        r#"{"state":"missed"}"#,
        r#"{"state":"snoozed"}"#,
        r#"{"state":"snoozed","snoozedUntil":"2020-01-01T00:00:00Z"}"#,
        r#"{"state":"snoozed","snoozedUntil":"tomorrow"}"#,
    ] {
        let r = ask(Method::PUT, on(talked, "/state"), body, &ours);
        assert_eq!(
            status_and_code(&state, r).await,
            expect(bad, "badState"),
            "{body}"
        );
    }
    let r = ask(
        Method::PUT,
        on(talked, "/state"),
        r#"{"state":"pending"}"#,
        &ours,
    );
    assert_eq!(status_and_code(&state, r).await, expect(bad, "badJson"));
    let r = ask(
        Method::PUT,
        on(missed, "/state"),
        r#"{"state":"open"}"#,
        &ours,
    );
    assert_eq!(
        status_and_code(&state, r).await,
        expect(StatusCode::CONFLICT, "missedCannotReopen")
    );
    // The wrap-up form: a classification of the channel only.
    let r = ask(
        Method::PUT,
        on(talked, "/wrap-up"),
        r#"{"classificationId":999}"#,
        &ours,
    );
    assert_eq!(
        status_and_code(&state, r).await,
        expect(bad, "unknownClassification")
    );
    let r = ask(
        Method::PUT,
        on(talked, "/wrap-up"),
        r#"{"sentiment":"ecstatic"}"#,
        &ours,
    );
    assert_eq!(status_and_code(&state, r).await, expect(bad, "badJson"));
    let r = ask(
        Method::PUT,
        on(talked, "/assignee"),
        &format!(r#"{{"managerId":{}}}"#, other.id),
        &ours,
    );
    assert_eq!(
        status_and_code(&state, r).await,
        expect(bad, "unknownManager")
    );
    // Bulk close: 1–500 ids.
    let r = ask(
        Method::POST,
        "/api/v1/conversations/close".into(),
        r#"{"ids":[]}"#,
        &ours,
    );
    assert_eq!(status_and_code(&state, r).await, expect(bad, "badQuery"));
    let body = format!(r#"{{"ids":[{talked},{missed}]}}"#);
    let r = ask(
        Method::POST,
        "/api/v1/conversations/close".into(),
        &body,
        &ours,
    );
    assert_eq!(answer(&state, r).await.1["closed"], 2);
    let r = ask(
        Method::GET,
        "/api/v1/conversations?state=nonsense".into(),
        "",
        &ours,
    );
    assert_eq!(status_and_code(&state, r).await, expect(bad, "badQuery"));
    // Transcript search: 1–200 characters.
    for q in ["", "%20%20", &"%EA%B0%80".repeat(201)] {
        let r = ask(
            Method::GET,
            format!("/api/v1/transcripts/search?q={q}"),
            "",
            &ours,
        );
        assert_eq!(
            status_and_code(&state, r).await,
            expect(bad, "badQuery"),
            "{q:?}"
        );
    }
    let r = ask(Method::GET, "/api/v1/transcripts/search".into(), "", &ours);
    assert_eq!(
        status_and_code(&state, r).await,
        expect(bad, "badQuery"),
        "no q"
    );
    // The dispatcher heard of each change, to push it and follow wrap-up.
    let mut told = 0;
    while let Ok(input) = inbox.try_recv() {
        if matches!(
            input,
            Input::ConversationChanged { .. } | Input::ConversationNoted { .. }
        ) {
            told += 1;
        }
    }
    assert_eq!(told, 3, "the note and the two closes");
}

/// A contact is read and edited whole: every number finds it, a number is one contact's only,
/// each wrong part is a `400 badContact` that changes nothing, and another channel's contact
/// does not exist.
#[tokio::test]
async fn contacts_are_edited_whole_and_do_not_exist_for_other_channels() {
    let (_db, store, tokens) = setup_channels().await;
    let (state, _inbox) = state(store.clone());
    let channel = store
        .verify_login(DEMO_MANAGERS[1].email, DEMO_MANAGERS[1].password)
        .await
        .unwrap()
        .channel_id;
    let ask = |method: Method, path: &str, body: &str, token: &str| {
        request(&method, path, body, Some(token))
    };
    // A lead added from the app, typed the Korean way.
    let form = r##"{"name":" 한지우 ","numbers":["010-5555-0101","+82 10 5555 0102"],
        "email":"jiwoo@example.kr","address":"서울시 중구 세종대로 110",
        "fields":[{"name":"등급","value":"VIP"},{"name":"최근 주문","value":"#42"},
                  {"name":"메모","value":"오전 통화 선호"},{"name":"회사","value":"지우상사"}]}"##;
    let (status, made) = answer(
        &state,
        ask(Method::POST, "/api/v1/contacts", form, &tokens.manager),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["name"], "한지우");
    assert_eq!(made["lead"], false, "named: a known contact");
    assert_eq!(
        made["numbers"],
        serde_json::json!(["+821055550101", "+821055550102"])
    );
    assert_eq!(
        made["fields"].as_array().unwrap().len(),
        4,
        "every field on the page"
    );
    // The second number finds it too; a ring shows its first 3 fields.
    let by_second = store
        .contact_by_phone(channel, "+821055550102")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_second.id, id);
    assert_eq!(by_second.fields.len(), 3);
    let (status, found) = answer(
        &state,
        ask(
            Method::GET,
            "/api/v1/contacts?query=5550102",
            "",
            &tokens.manager,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        found[0]["id"], id,
        "found by part of its second number: {found}"
    );
    // Before anything is typed, the list starts with the contact made last.
    let (status, recent) = answer(
        &state,
        ask(Method::GET, "/api/v1/contacts", "", &tokens.manager),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(recent[0]["id"], id, "{recent}");
    assert!(
        recent.as_array().unwrap().len() > 1,
        "the demo's too: {recent}"
    );
    let (status, _) = answer(
        &state,
        ask(
            Method::GET,
            "/api/v1/contacts?phone=01055550101&query=a",
            "",
            &tokens.manager,
        ),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a number and a text at once"
    );

    // Edited: a number dropped, a field changed.
    let edit = r#"{"name":"한지우","numbers":["+821055550101"],"fields":[{"name":"등급","value":"일반"}]}"#;
    let path = format!("/api/v1/contacts/{id}");
    let (status, edited) = answer(&state, ask(Method::PUT, &path, edit, &tokens.manager)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["numbers"], serde_json::json!(["+821055550101"]));
    assert_eq!(edited["email"], serde_json::Value::Null);
    assert!(
        store
            .contact_by_phone(channel, "+821055550102")
            .await
            .unwrap()
            .is_none()
    );

    // A number of another contact (박서연's) is refused, and nothing changed.
    let taken = r#"{"numbers":["+821055550101","010-1234-5678"]}"#;
    assert_eq!(
        status_and_code(&state, ask(Method::PUT, &path, taken, &tokens.manager)).await,
        (StatusCode::CONFLICT, "numberTaken".to_string())
    );
    assert_eq!(
        status_and_code(
            &state,
            ask(
                Method::POST,
                "/api/v1/contacts",
                r#"{"numbers":["01012345678"]}"#,
                &tokens.manager
            )
        )
        .await,
        (StatusCode::CONFLICT, "numberTaken".to_string())
    );
    for bad in [
        r#"{"numbers":[]}"#,
        r#"{"numbers":["call me"]}"#,
        r#"{"numbers":["01055550101"],"email":"nope"}"#,
        r#"{"numbers":["01055550101"],"fields":[{"name":"","value":"x"}]}"#,
    ] {
        assert_eq!(
            status_and_code(&state, ask(Method::PUT, &path, bad, &tokens.manager)).await,
            (StatusCode::BAD_REQUEST, "badContact".to_string()),
            "{bad}"
        );
    }
    assert_eq!(
        status_and_code(
            &state,
            ask(Method::PUT, &path, "{not json", &tokens.manager)
        )
        .await,
        (StatusCode::BAD_REQUEST, "badJson".to_string())
    );
    let (_, kept) = answer(&state, ask(Method::GET, &path, "", &tokens.manager)).await;
    assert_eq!(kept, edited, "refusals changed nothing");

    // Another channel: not found, nor found by search.
    for (method, body) in [(Method::GET, ""), (Method::PUT, edit)] {
        assert_eq!(
            status_and_code(&state, ask(method, &path, body, &tokens.other)).await,
            (StatusCode::NOT_FOUND, "notFound".to_string())
        );
    }
    let (_, theirs) = answer(
        &state,
        ask(
            Method::GET,
            "/api/v1/contacts?query=한지우",
            "",
            &tokens.other,
        ),
    )
    .await;
    assert_eq!(theirs, serde_json::json!([]));
}

/// Callbacks: booked for the future only, from the channel's numbers, for its managers, with
/// a note of bounded size — each refusal specific, nothing saved by one; listed per manager;
/// done and undone; the assignee is told; another channel's callback does not exist.
#[tokio::test]
async fn callbacks_are_booked_for_the_future_and_listed_per_manager() {
    let (_db, store, tokens) = setup_channels().await;
    let (state, mut inbox) = state(store.clone());
    let junho = store
        .verify_login(DEMO_MANAGERS[1].email, DEMO_MANAGERS[1].password)
        .await
        .unwrap();
    let ask = |method: Method, path: &str, body: String, token: &str| {
        request(&method, path, &body, Some(token))
    };
    let at = |minutes: i64| {
        ringdesk_store::time::rfc3339(ringdesk_store::time::now_ms() + minutes * 60_000)
    };
    let booking = |due: &str, note: &str, caller_id: &str, assignee: i64| {
        serde_json::json!({
            "customerNumber": "010-1234-5678", "assigneeId": assignee, "callerId": caller_id,
            "dueAt": due, "note": note,
        })
        .to_string()
    };
    let book = |body: String, token: &str| ask(Method::POST, "/api/v1/callbacks", body, token);
    let get =
        |path: &str, token: &str| answer(&state, request(&Method::GET, path, "", Some(token)));
    let demo = ringdesk_store::DEMO_NUMBER;
    let refusals = [
        (booking(&at(-1), "", demo, junho.id), "badCallback"),
        (
            booking(&at(60 * 24 * 400), "", demo, junho.id),
            "badCallback",
        ),
        (booking("tomorrow 3pm", "", demo, junho.id), "badCallback"),
        (
            booking(&at(30), &"가".repeat(1_001), demo, junho.id),
            "badCallback",
        ),
        (
            booking(&at(30), "", "+8225559999", junho.id),
            "callerIdNotOurs",
        ),
        (booking(&at(30), "", demo, 999_999), "unknownManager"),
    ];
    for (body, code) in refusals {
        assert_eq!(
            status_and_code(&state, book(body.clone(), &tokens.owner)).await,
            (StatusCode::BAD_REQUEST, code.to_string()),
            "{body}"
        );
    }
    let (_, none) = get(
        &format!("/api/v1/callbacks?assignee={}", junho.id),
        &tokens.owner,
    )
    .await;
    assert_eq!(none, serde_json::json!([]), "nothing saved by a refusal");
    assert!(inbox.try_recv().is_err(), "nobody told of a refusal");

    // Booked by the owner for Junho: Junho's list has it, soonest first, and he is told.
    let (status, later) = answer(
        &state,
        book(
            booking(&at(120), "배송 재확인", demo, junho.id),
            &tokens.owner,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{later}");
    let (_, sooner) = answer(
        &state,
        book(booking(&at(30), "", demo, junho.id), &tokens.owner),
    )
    .await;
    assert_eq!(later["customerNumber"], "+821012345678");
    assert_eq!(later["customerName"], "박서연", "the number's contact");
    assert_eq!(later["assignee"]["id"], junho.id);
    match inbox.try_recv() {
        Ok(Input::CallbacksChanged { manager_ids }) => assert_eq!(manager_ids, [junho.id]),
        other => panic!("expected callbacksChanged, got {other:?}"),
    }
    let (_, mine) = get("/api/v1/callbacks", &tokens.manager).await;
    let ids: Vec<i64> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            sooner["id"].as_i64().unwrap(),
            later["id"].as_i64().unwrap()
        ]
    );
    let (_, owners) = get("/api/v1/callbacks", &tokens.owner).await;
    assert_eq!(
        owners,
        serde_json::json!([]),
        "the owner's own list is empty"
    );

    // Done leaves the open list, stays in the full one; undone brings it back.
    let done_path = format!("/api/v1/callbacks/{}/done", sooner["id"]);
    let (status, done) = answer(
        &state,
        ask(
            Method::PUT,
            &done_path,
            r#"{"done":true}"#.into(),
            &tokens.manager,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(done["doneAt"].is_string());
    let (_, open) = get("/api/v1/callbacks", &tokens.manager).await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    let (_, all) = get("/api/v1/callbacks?includeDone=true", &tokens.manager).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, undone) = answer(
        &state,
        ask(
            Method::PUT,
            &done_path,
            r#"{"done":false}"#.into(),
            &tokens.manager,
        ),
    )
    .await;
    assert_eq!(undone["doneAt"], serde_json::Value::Null);

    // Another channel's callback: not found.
    assert_eq!(
        status_and_code(
            &state,
            ask(
                Method::PUT,
                &done_path,
                r#"{"done":true}"#.into(),
                &tokens.other
            )
        )
        .await,
        (StatusCode::NOT_FOUND, "notFound".to_string())
    );
    let (_, theirs) = get(
        &format!("/api/v1/callbacks?assignee={}", junho.id),
        &tokens.other,
    )
    .await;
    assert_eq!(theirs, serde_json::json!([]));
}

/// `--demo-activity`: past calls in the inbox (one missed still waiting, one already called
/// back), classifications, a callback for tomorrow and a week of traffic for the statistics —
/// and nobody left in wrap-up, so the first test call rings.
#[tokio::test]
async fn the_demo_activity_fills_the_workspace_and_leaves_nobody_in_wrap_up() {
    let db = ScratchDatabase::new(Backend::Sqlite).await;
    let store = db.open().await;
    let now = ringdesk_store::time::now_ms();
    store.seed_demo_if_empty(now).await.unwrap();
    ringdesk_cloud::demo_activity::seed(&store, now)
        .await
        .unwrap();
    let minji = store
        .verify_login(DEMO_MANAGERS[0].email, DEMO_MANAGERS[0].password)
        .await
        .unwrap();
    let filter = ringdesk_store::conversations::ConversationFilter::default();
    let (all, total) = store
        .conversations(minji.channel_id, &filter, 1, 500)
        .await
        .unwrap();
    assert!(total > 5, "the week's calls are conversations too: {all:?}");
    let week = store
        .period_figures(minji.channel_id, now - 7 * 86_400_000, now, None)
        .await
        .unwrap()
        .total;
    assert!(
        week.calls >= 50 && week.queued > 0 && week.wrapped_up > 0 && week.outbound > 0,
        "a week of every kind of call: {week:?}"
    );
    let open: Vec<&str> = all
        .iter()
        .map(|c| c.state.as_str())
        .filter(|s| *s != "closed")
        .collect();
    assert_eq!(
        open,
        ["missed"],
        "one missed call waits; the rest are written up"
    );
    assert!(
        store
            .wrap_up_conversations(minji.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.classifications(minji.channel_id).await.unwrap().len(),
        4
    );
    let callbacks = store
        .callbacks_of(minji.channel_id, minji.id, false)
        .await
        .unwrap();
    assert_eq!(callbacks.len(), 1);
    assert!(callbacks[0].due_at_ms > now);
    let history = store
        .history(
            minji.id,
            ringdesk_store::history::HistoryFilter::Missed,
            None,
            50,
            now,
        )
        .await
        .unwrap();
    let curated = |number: &str| {
        history
            .iter()
            .find(|h| h.caller_number == number)
            .unwrap_or_else(|| panic!("{number} among her missed calls: {history:?}"))
    };
    assert!(curated("+821055501234").handled_later, "called back");
    assert!(
        !curated("+821077004411").handled_later,
        "still to call back"
    );
}

#[tokio::test]
async fn a_network_test_echo_is_answered_for_managers_a_few_times_a_minute() {
    let (_db, store, tokens) = setup_channels().await;
    let (state, _inbox) = state(store);
    ringdesk_rtc::install_crypto();
    let offer = || {
        let local: SocketAddr = "127.0.0.1:40100".parse().unwrap();
        let (_, sdp) = ringdesk_rtc::AudioPeer::offer(std::time::Instant::now(), local).unwrap();
        serde_json::json!({ "sdpOffer": sdp }).to_string()
    };
    let ask =
        |body: &str, token: &str| request(&Method::POST, "/api/v1/network-test", body, Some(token));
    let (status, code) =
        status_and_code(&state, ask(r#"{"sdpOffer":"v=0"}"#, &tokens.manager)).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "badOffer")
    );
    // Too big to be an offer: refused before it counts.
    let huge = serde_json::json!({ "sdpOffer": format!("v=0\r\n{}", "a".repeat(70_000)) });
    let (status, code) = status_and_code(&state, ask(&huge.to_string(), &tokens.manager)).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "badOffer")
    );
    for _ in 1..NETWORK_TESTS_PER_MINUTE {
        let (status, echo) = answer(&state, ask(&offer(), &tokens.manager)).await;
        assert_eq!(status, StatusCode::OK, "{echo}");
        assert!(
            echo["sdpAnswer"].as_str().unwrap().contains("opus/48000"),
            "{echo}"
        );
        assert_eq!(echo["seconds"], 15);
    }
    let (status, code) = status_and_code(&state, ask(&offer(), &tokens.manager)).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "tooManyTests")
    );
    // The limit is each manager's own.
    let (status, echo) = answer(&state, ask(&offer(), &tokens.owner)).await;
    assert_eq!(status, StatusCode::OK, "{echo}");
}
