//! A fake cloud for driving the agent's session in-process: real HTTP and a real WebSocket on
//! loopback (the agent's own client code talks to it), with the cloud's side scripted by the
//! test, message by message, and a real WebRTC peer answering calls.
//!
//! Every step is awaited with a deadline and written to a [`Trace`], so a test reads as the
//! conversation it expects and fails with the conversation it got.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::{SinkExt, StreamExt};
use ringdesk_agent::audio::wav::WavDevice;
use ringdesk_agent::client::ServerConfig;
use ringdesk_agent::{AgentCommand, AgentConfig, AudioSetup, Credentials, Started};
use ringdesk_media::ROOM_FRAME_SAMPLES;
use ringdesk_media::opus_codec::OpusEncoder;
use ringdesk_rtc::{AudioPeer, PeerEvent, PeerLink, spawn_udp_peer};
use ringdesk_wire::{
    AgentEvent, AgentStatus, ApiError, CallVia, Caller, ClientMessage, ErrorCode, LoginRequest,
    LoginResponse, ManagerInfo, PROTOCOL_VERSION, RingPurpose, ServerEvent, ServerMessage,
};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// How long any one step may take before the test fails.
pub const STEP: Duration = Duration::from_secs(10);

/// The fake cloud's one manager.
pub const EMAIL: &str = "minji@example.com";
/// Their password.
pub const PASSWORD: &str = "correct horse";

/// The conversation so far, one line per step, as the test observed it.
#[derive(Debug, Default)]
pub struct Trace(Vec<String>);

impl Trace {
    /// Adds a line.
    pub fn note(&mut self, line: impl Into<String>) {
        self.0.push(line.into());
    }

    /// The trace, for `expect!`.
    pub fn text(&self) -> String {
        self.0.join("\n") + "\n"
    }
}

/// JSON with what changes from run to run (SDP, back-off jitter, addresses in error texts)
/// masked.
fn masked(value: serde_json::Value) -> String {
    fn mask(v: &mut serde_json::Value) {
        if let serde_json::Value::Object(map) = v {
            for (key, field) in map.iter_mut() {
                match key.as_str() {
                    "sdpOffer" | "sdpAnswer" => *field = "<sdp>".into(),
                    "retryInMs" => *field = "<ms>".into(),
                    "message" => {
                        if let Some(text) = field.as_str() {
                            // A parser's words change with its version; what it parsed is
                            // enough: `SDP: …`.
                            *field = match text.split_once(": ") {
                                Some(("SDP", _)) => "SDP: …".into(),
                                _ => hex_masked(text).into(),
                            };
                        }
                    }
                    _ => mask(field),
                }
            }
        }
    }
    let mut value = value;
    mask(&mut value);
    value.to_string()
}

/// `text` with every `0x…` hex number replaced by `0x…` (pointers in parser errors).
fn hex_masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at + 2]);
        let digits = rest[at + 2..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len() - at - 2);
        if digits > 0 {
            out.push('…');
        }
        rest = &rest[at + 2 + digits..];
    }
    out.push_str(rest);
    out
}

#[derive(Default)]
struct Accounts {
    /// Tokens the cloud accepts.
    live: HashSet<String>,
    /// Logins so far (tokens are numbered by them).
    logins: u32,
    /// Refuse WebSocket connections with 503 (the cloud restarting).
    unavailable: bool,
    /// WebSocket connection attempts, taken or refused.
    attempts: u32,
}

#[derive(Clone)]
struct Shared {
    accounts: Arc<Mutex<Accounts>>,
    connections: mpsc::UnboundedSender<Connection>,
}

/// The fake cloud: `POST /api/v1/login`, `GET /api/v1/me` and the signaling WebSocket.
pub struct FakeCloud {
    /// `http://127.0.0.1:port`.
    pub url: String,
    accounts: Arc<Mutex<Accounts>>,
    connections: mpsc::UnboundedReceiver<Connection>,
}

fn manager() -> ManagerInfo {
    ManagerInfo {
        id: 7,
        name: "김민지".into(),
        email: EMAIL.into(),
        channel_id: 1,
        channel_name: "데모 상점".into(),
        can_administer: true,
        is_owner: true,
    }
}

fn refused() -> Response {
    let body = ApiError {
        code: ErrorCode::Unauthorized,
        message: "not logged in".into(),
    };
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    Some(value.strip_prefix("Bearer ")?.to_string())
}

impl Shared {
    fn accepts(&self, headers: &HeaderMap) -> Option<String> {
        let token = bearer(headers)?;
        let accounts = self.accounts.lock().unwrap();
        accounts.live.contains(&token).then_some(token)
    }
}

async fn login(State(s): State<Shared>, Json(body): Json<LoginRequest>) -> Response {
    if body.email != EMAIL || body.password != PASSWORD {
        let error = ApiError {
            code: ErrorCode::InvalidCredentials,
            message: "wrong email or password".into(),
        };
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    let mut accounts = s.accounts.lock().unwrap();
    accounts.logins += 1;
    let token = format!("token-{}", accounts.logins);
    accounts.live.insert(token.clone());
    Json(LoginResponse {
        token,
        manager: manager(),
    })
    .into_response()
}

async fn me(State(s): State<Shared>, headers: HeaderMap) -> Response {
    match s.accepts(&headers) {
        Some(_) => Json(manager()).into_response(),
        None => refused(),
    }
}

async fn ws(State(s): State<Shared>, headers: HeaderMap, upgrade: WebSocketUpgrade) -> Response {
    s.accounts.lock().unwrap().attempts += 1;
    if s.accounts.lock().unwrap().unavailable {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let Some(token) = s.accepts(&headers) else {
        return refused();
    };
    upgrade.on_upgrade(move |socket| bridge(socket, token, s.connections))
}

/// Moves the socket's traffic to and from the test's [`Connection`].
async fn bridge(socket: WebSocket, token: String, connections: mpsc::UnboundedSender<Connection>) {
    let (mut sink, mut stream) = socket.split();
    let (to_app, mut outgoing) = mpsc::unbounded_channel::<Message>();
    let (heard, from_app) = mpsc::unbounded_channel::<Option<String>>();
    let _ = connections.send(Connection {
        token,
        to_app,
        from_app,
    });
    loop {
        tokio::select! {
            m = outgoing.recv() => match m {
                Some(m) => {
                    let closing = matches!(m, Message::Close(_));
                    if sink.send(m).await.is_err() || closing {
                        break;
                    }
                }
                None => break,
            },
            m = stream.next() => match m {
                Some(Ok(Message::Text(text))) => {
                    let _ = heard.send(Some(text.to_string()));
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
        }
    }
    let _ = heard.send(None);
}

impl FakeCloud {
    /// Serves on a free loopback port.
    pub async fn start() -> FakeCloud {
        ringdesk_agent::install_crypto();
        let accounts = Arc::new(Mutex::new(Accounts::default()));
        let (tx, connections) = mpsc::unbounded_channel();
        let shared = Shared {
            accounts: accounts.clone(),
            connections: tx,
        };
        let app = Router::new()
            .route("/api/v1/login", post(login))
            .route("/api/v1/me", get(me))
            .route("/api/v1/ws", get(ws))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake cloud");
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeCloud {
            url: format!("http://{addr}"),
            accounts,
            connections,
        }
    }

    /// How many times the manager logged in.
    pub fn logins(&self) -> u32 {
        self.accounts.lock().unwrap().logins
    }

    /// Revokes every token (as an expiry or a logout elsewhere would).
    pub fn revoke_tokens(&self) {
        self.accounts.lock().unwrap().live.clear();
    }

    /// Refuses (`true`) or takes WebSocket connections again, as a restarting cloud would.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.accounts.lock().unwrap().unavailable = unavailable;
    }

    /// The agent's next WebSocket connection.
    pub async fn connection(&mut self, trace: &mut Trace) -> Connection {
        let c = tokio::time::timeout(STEP, self.connections.recv())
            .await
            .expect("the agent did not connect in time")
            .expect("fake cloud stopped");
        trace.note(format!("cloud: connected with {}", c.token));
        c
    }

    /// How many times the agent tried to open the WebSocket, taken or refused.
    pub fn ws_attempts(&self) -> u32 {
        self.accounts.lock().unwrap().attempts
    }

    /// Starts an agent against this cloud, with WAV-file audio and no ringer.
    pub async fn agent(
        &self,
        credentials: Credentials,
        cache_path: Option<PathBuf>,
    ) -> Result<TestAgent, ringdesk_agent::AgentError> {
        let started = ringdesk_agent::start(AgentConfig {
            server: ServerConfig::with_ca_file(&self.url, None)?,
            email: EMAIL.into(),
            credentials,
            initial_status: Some(AgentStatus::Available),
            audio: AudioSetup {
                call: Arc::new(WavDevice::default()),
                ringer: None,
            },
            start_muted: false,
            voice: ringdesk_wire::VoiceProcessing::default(),
            volume: ringdesk_wire::CallVolume::default(),
            cache_path,
            callback_lead: std::time::Duration::from_secs(600),
        })
        .await?;
        Ok(TestAgent { started })
    }
}

/// One WebSocket session as the cloud sees it.
pub struct Connection {
    /// The bearer token it was opened with.
    pub token: String,
    to_app: mpsc::UnboundedSender<Message>,
    from_app: mpsc::UnboundedReceiver<Option<String>>,
}

impl Connection {
    /// The app's next message other than a keep-alive ping (answered with `pong`), traced.
    pub async fn hear(&mut self, trace: &mut Trace) -> ClientMessage {
        loop {
            let text = tokio::time::timeout(STEP, self.from_app.recv())
                .await
                .expect("the app sent nothing in time")
                .flatten()
                .expect("the app closed the connection");
            let m: ClientMessage = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("the app sent {text:?}, not a message: {e}"));
            if m == ClientMessage::Ping {
                self.say(ServerMessage::Pong);
                continue;
            }
            trace.note(format!(
                "cloud ← {}",
                masked(serde_json::to_value(&m).unwrap())
            ));
            return m;
        }
    }

    /// Waits until the app closes the connection (pings aside), traced.
    pub async fn hear_close(&mut self, trace: &mut Trace) {
        loop {
            let next = tokio::time::timeout(STEP, self.from_app.recv())
                .await
                .expect("the app kept the connection open");
            match next.flatten() {
                None => break,
                Some(text) if text.contains("\"ping\"") => {}
                Some(text) => panic!("expected the app to close, it sent {text}"),
            }
        }
        trace.note("cloud: the app closed the connection");
    }

    /// Sends a message to the app (not traced: the app's reaction is).
    pub fn say(&self, m: impl Into<ServerMessage>) {
        let text = serde_json::to_string(&m.into()).unwrap();
        let _ = self.to_app.send(Message::Text(text.into()));
    }

    /// Sends a text frame as it is (for bad input).
    pub fn say_raw(&self, text: &str) {
        let _ = self.to_app.send(Message::Text(text.to_string().into()));
    }

    /// `hello`, as the cloud opens every session.
    pub fn hello(&self) {
        self.say(ServerMessage::Hello {
            protocol: PROTOCOL_VERSION,
            manager: manager(),
            status: AgentStatus::Available,
            do_not_disturb: false,
            assignment: Default::default(),
        });
    }

    /// Rings the manager for `call_id`.
    pub fn ring(&self, call_id: i64) {
        self.say(ServerEvent::Ring {
            call_id,
            caller: Caller {
                number: "+821098765432".into(),
                name: Some("최도윤".into()),
                fields: Vec::new(),
            },
            via: CallVia {
                number: "+827076660100".into(),
                team_name: "고객지원팀".into(),
            },
            ring_timeout_ms: 30_000,
            purpose: RingPurpose::Route,
        });
    }

    /// Drops the connection, as a network failure or a restarting cloud would.
    pub fn drop_connection(&self) {
        let _ = self.to_app.send(Message::Close(None));
    }

    /// Answers the app's SDP offer with a real WebRTC peer and tells the app `connected`.
    pub async fn connect_media(&self, call_id: i64, sdp_offer: &str) -> CloudMedia {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let local: SocketAddr = socket.local_addr().unwrap();
        let (peer, sdp_answer) =
            AudioPeer::answer(Instant::now(), local, sdp_offer).expect("the app's offer");
        self.say(ServerMessage::Connected {
            call_id,
            sdp_answer,
        });
        CloudMedia {
            link: spawn_udp_peer(peer, socket),
        }
    }
}

/// The cloud's end of a call's media.
pub struct CloudMedia {
    link: PeerLink,
}

impl CloudMedia {
    /// Sends `frames` 20 ms frames of a tone to the app, paced like a real call.
    pub async fn send_tone(&self, frames: usize) {
        let mut encoder = OpusEncoder::new(32_000).unwrap();
        let mut frame = vec![0i16; ROOM_FRAME_SAMPLES];
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        for n in 0..frames {
            for (i, s) in frame.iter_mut().enumerate() {
                let t = (n * ROOM_FRAME_SAMPLES + i) as f32 / 48_000.0;
                *s = (8_000.0 * (2.0 * std::f32::consts::PI * 440.0 * t).sin()) as i16;
            }
            let packet = encoder.encode(&frame).unwrap().to_vec();
            tick.tick().await;
            let _ = self.link.send.send(packet);
        }
    }

    /// Waits for the first audio packet from the app (its microphone reaching the cloud).
    pub async fn heard_audio(&mut self) -> bool {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            match tokio::time::timeout_at(deadline, self.link.events.recv()).await {
                Ok(Some(PeerEvent::Audio(_))) => return true,
                Ok(Some(PeerEvent::Connected)) => {}
                Ok(Some(PeerEvent::Closed(_)) | None) | Err(_) => return false,
            }
        }
    }
}

/// A started agent, its events traced as they are taken.
pub struct TestAgent {
    started: Started,
}

impl TestAgent {
    /// Sends a command, traced.
    pub fn send(&self, trace: &mut Trace, label: &str, c: AgentCommand) {
        trace.note(format!("app: {label}"));
        self.started.agent.send(c);
    }

    /// The agent's next event, traced.
    pub async fn event(&mut self, trace: &mut Trace) -> AgentEvent {
        let e = tokio::time::timeout(STEP, self.started.events.recv())
            .await
            .expect("the agent reported nothing in time")
            .expect("the agent stopped");
        trace.note(format!(
            "app → {}",
            masked(serde_json::to_value(&e).unwrap())
        ));
        e
    }

    /// Waits for the event `want` picks, tracing it but not the ones passed over (media
    /// events race each other: which of two comes first is not the session's to decide). An
    /// error passed over fails the test: those never race.
    pub async fn event_where(
        &mut self,
        trace: &mut Trace,
        want: impl Fn(&AgentEvent) -> bool,
    ) -> AgentEvent {
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            let e = tokio::time::timeout_at(deadline, self.started.events.recv())
                .await
                .expect("the awaited event did not come in time")
                .expect("the agent stopped");
            if want(&e) {
                trace.note(format!(
                    "app → {}",
                    masked(serde_json::to_value(&e).unwrap())
                ));
                return e;
            }
            assert!(
                !matches!(e, AgentEvent::Server(ServerEvent::Error { .. })),
                "an error while waiting: {e:?}"
            );
        }
    }

    /// Waits until the agent's event stream ends (the session task stopped).
    pub async fn stopped(&mut self, trace: &mut Trace) {
        loop {
            let e = tokio::time::timeout(STEP, self.started.events.recv())
                .await
                .expect("the agent did not stop in time");
            match e {
                None => break,
                Some(e) => trace.note(format!(
                    "app → {}",
                    masked(serde_json::to_value(&e).unwrap())
                )),
            }
        }
        trace.note("app: stopped");
    }
}

/// A fresh path for a local cache, removed with its directory on drop.
pub struct CacheFile {
    dir: PathBuf,
}

impl CacheFile {
    /// A new, empty directory under the system's temporary one.
    pub fn new() -> CacheFile {
        let dir = std::env::temp_dir().join(format!(
            "ringdesk-agent-test-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        CacheFile { dir }
    }

    /// The cache's file.
    pub fn path(&self) -> PathBuf {
        self.dir.join("cache.sqlite")
    }
}

impl Drop for CacheFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
