//! The agent's live session with the cloud: one task that keeps the WSS connection up
//! (reconnecting with exponential back-off), turns app commands into signaling, and owns the
//! media of each call.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use ringdesk_rtc::{AudioPeer, local_ip_towards, spawn_udp_peer};
use ringdesk_wire::{
    AgentEvent, AgentStatus, Assignment, ClientMessage, ErrorCode, ManagerInfo, ServerEvent,
    ServerMessage, TransferKind,
};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::AgentError;
use crate::audio::AudioDevice;
use crate::cache::{LocalCache, unix_now_ms};
use crate::client::{ServerConfig, login};
use crate::history::CallTracker;
use crate::media::{MediaControl, MediaNotice, MediaOptions, run_call_media};
use crate::ringer::{self, Ringtone};

/// How the agent proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// Log in with the password; kept in memory to log in again when the token expires (the
    /// headless CLI).
    Password(String),
    /// A token saved from an earlier login (the desktop app keeps it in the OS keyring). When
    /// the cloud refuses it the agent reports [`AgentEvent::SessionExpired`] and stops.
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.write_str(match self {
            Credentials::Password(_) => "Password(…)",
            Credentials::Token(_) => "Token(…)",
        })
    }
}

/// Where call audio and the ringtone go.
#[derive(Clone)]
pub struct AudioSetup {
    /// Microphone and speaker of calls.
    pub call: Arc<dyn AudioDevice>,
    /// The ringtone's device; `None` rings silently (the headless CLI).
    pub ringer: Option<Arc<dyn AudioDevice>>,
}

impl std::fmt::Debug for AudioSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioSetup")
            .field("call", &self.call.describe())
            .field("ringer", &self.ringer.as_ref().map(|r| r.describe()))
            .finish()
    }
}

impl PartialEq for AudioSetup {
    fn eq(&self, other: &Self) -> bool {
        let same_ringer = match (&self.ringer, &other.ringer) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        Arc::ptr_eq(&self.call, &other.call) && same_ringer
    }
}

impl Eq for AudioSetup {}

/// What an app asks of its agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentCommand {
    /// Choose status and do-not-disturb (kept and re-sent after reconnects).
    SetStatus {
        /// `available` or `away`.
        status: AgentStatus,
        /// Do-not-disturb.
        do_not_disturb: bool,
    },
    /// Change the assignment settings (the cloud keeps them).
    SetAssignment(Assignment),
    /// Watch the live wallboard (or stop): kept and re-sent after reconnects.
    WatchWallboard(bool),
    /// Answer a ringing call.
    Answer(i64),
    /// Take a call that rings at another manager.
    PickUp(i64),
    /// Take a call that rings at another manager, leaving the call we are in first (the
    /// manager confirmed that: one call at a time).
    PickUpLeavingCurrent(i64),
    /// Place a call to a number (as typed), from a caller-ID of the channel (its first
    /// number when `None`).
    Dial {
        /// Korean national form or `+` international.
        number: String,
        /// One of the channel's numbers.
        caller_id: Option<String>,
    },
    /// Ring a teammate (by manager id) to join the call.
    Invite(i64, i64),
    /// Hand the call to a manager or team; the customer waits on hold.
    Transfer {
        /// The call.
        call_id: i64,
        /// Cold or warm.
        kind: TransferKind,
        /// To whom.
        to: TransferTo,
    },
    /// Put the customer on hold and call a teammate (`Manager`) or a number on a second line.
    ParallelCall {
        /// The call.
        call_id: i64,
        /// Whom.
        to: ParallelTo,
    },
    /// Move to the other line of our parallel call.
    SwitchLine(i64),
    /// Join both lines of our parallel call.
    Merge(i64),
    /// Complete our warm transfer (hand over and leave).
    CompleteTransfer(i64),
    /// Take our transfer back.
    CancelTransfer(i64),
    /// Put the call in a team's queue (by team id) and leave.
    TransferToQueue(i64, i64),
    /// Decline a ringing call.
    Decline(i64),
    /// Leave a call.
    Hangup(i64),
    /// End a call for everyone in it.
    EndForAll(i64),
    /// Send DTMF digits.
    Dtmf(i64, String),
    /// Mute (`true`) or unmute our microphone in a call.
    SetMuted(i64, bool),
    /// Put the call's customer on hold (`true`) or take them off it.
    SetHold(i64, bool),
    /// Pause (`true`) or resume the call's recording.
    SetRecordingPaused(i64, bool),
    /// Use other devices from now on, including in the running call.
    SetAudio(AudioSetup),
    /// Join later calls muted (or not).
    SetStartMuted(bool),
    /// Process later calls' microphone with these steps.
    SetVoiceProcessing(ringdesk_wire::VoiceProcessing),
    /// Turn the speaker and microphone to these levels, in the running call and later ones.
    SetVolume(ringdesk_wire::CallVolume),
    /// Close the session for good.
    Shutdown,
}

/// The second party of a parallel call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParallelTo {
    /// A teammate, by id.
    Manager(i64),
    /// A number as typed, with an optional caller-ID.
    Number(String, Option<String>),
}

/// The target of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferTo {
    /// A manager, by id.
    Manager(i64),
    /// Every available manager of a team, by team id.
    Team(i64),
}

/// Everything needed to run an agent.
pub struct AgentConfig {
    /// The cloud.
    pub server: ServerConfig,
    /// Login email.
    pub email: String,
    /// Password or saved token.
    pub credentials: Credentials,
    /// Status to set once connected.
    pub initial_status: Option<AgentStatus>,
    /// Where call audio and the ringtone go.
    pub audio: AudioSetup,
    /// Join calls muted.
    pub start_muted: bool,
    /// The microphone's voice processing for calls from now on.
    pub voice: ringdesk_wire::VoiceProcessing,
    /// The speaker's volume and the microphone's gain.
    pub volume: ringdesk_wire::CallVolume,
    /// The local cache that keeps the recent-calls list; `None` keeps none.
    pub cache_path: Option<PathBuf>,
    /// How long before a callback's time its reminder comes (10 minutes; tests shorten it).
    pub callback_lead: Duration,
}

/// Handle to a running agent.
#[derive(Debug, Clone)]
pub struct Agent {
    commands: mpsc::UnboundedSender<AgentCommand>,
}

impl Agent {
    /// Sends a command; a stopped agent ignores it.
    pub fn send(&self, c: AgentCommand) {
        let _ = self.commands.send(c);
    }
}

/// A started agent: its handle, its events, and who logged in.
#[derive(Debug)]
pub struct Started {
    /// Send commands here.
    pub agent: Agent,
    /// Events for the front end.
    pub events: mpsc::UnboundedReceiver<AgentEvent>,
    /// The logged-in manager.
    pub manager: ManagerInfo,
    /// The session token, for the app to keep in the OS keyring.
    pub token: String,
}

/// Logs in (failing fast on wrong credentials or a refused token) and starts the session task.
pub async fn start(config: AgentConfig) -> Result<Started, AgentError> {
    let (token, manager) = match &config.credentials {
        Credentials::Password(password) => {
            let l = login(&config.server, &config.email, password).await?;
            (l.token, l.manager)
        }
        Credentials::Token(token) => (
            token.clone(),
            crate::client::me(&config.server, token).await?,
        ),
    };
    let history = match &config.cache_path {
        Some(path) => {
            let cache = LocalCache::open(path, unix_now_ms())?;
            cache.save_last_account(&config.server.url, &config.email)?;
            Some(History {
                cache: Mutex::new(cache),
                account: crate::credentials::account(&config.server.url, &config.email),
                tracker: CallTracker::default(),
            })
        }
        None => None,
    };
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let server_addr = server_socket_addr(&config.server.url).await?;
    let (reminder_wake, wake_rx) = mpsc::unbounded_channel();
    let log = config
        .cache_path
        .clone()
        .map(|path| crate::reminders::ReminderLog {
            path,
            account: crate::credentials::account(&config.server.url, &config.email),
        });
    tokio::spawn(crate::reminders::run(
        config.server.clone(),
        config.callback_lead,
        log,
        wake_rx,
        ev_tx.clone(),
    ));
    let session = Session {
        reminder_wake,
        token: token.clone(),
        desired_status: config.initial_status.map(|s| (s, false)),
        watching_wallboard: false,
        calls: HashMap::new(),
        dial_pending: None,
        ringtone: None,
        history,
        events: ev_tx,
        server_addr,
        config,
    };
    tokio::spawn(session.run(cmd_rx));
    Ok(Started {
        agent: Agent { commands: cmd_tx },
        events: ev_rx,
        manager,
        token,
    })
}

/// The recent-calls list being kept.
struct History {
    /// A mutex only to make the session `Sync`; one task uses it.
    cache: Mutex<LocalCache>,
    account: String,
    tracker: CallTracker,
}

pub(crate) async fn server_socket_addr(url: &str) -> Result<SocketAddr, AgentError> {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else if url.starts_with("https") {
        format!("{authority}:443")
    } else {
        format!("{authority}:80")
    };
    tokio::net::lookup_host(&with_port)
        .await
        .map_err(|e| AgentError::Network(format!("resolving {with_port}: {e}")))?
        .next()
        .ok_or_else(|| AgentError::Network(format!("{with_port} has no address")))
}

/// A WebRTC peer for a call (or a network test) with the cloud at `cloud`: a UDP socket on
/// the address that routes there, and the SDP offer for it.
pub(crate) async fn media_offer(
    cloud: SocketAddr,
) -> Result<(AudioPeer, UdpSocket, String), String> {
    let ip = local_ip_towards(cloud.ip()).map_err(|e| format!("no route to the cloud: {e}"))?;
    let socket = UdpSocket::bind(SocketAddr::new(ip, 0))
        .await
        .map_err(|e| format!("media socket: {e}"))?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let (peer, offer) =
        AudioPeer::offer(Instant::now(), local).map_err(|e| format!("WebRTC offer: {e}"))?;
    Ok((peer, socket, offer))
}

/// Exponential back-off with jitter: 0.5 s doubling to 10 s.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(500);
    const MAX: Duration = Duration::from_secs(10);

    /// Starts at the first delay.
    pub fn new() -> Self {
        Backoff { next: Self::FIRST }
    }

    /// The delay before the next attempt, with ±20 % jitter so a restarted cloud isn't hit by
    /// every agent at once.
    pub fn next_delay(&mut self, jitter: f64) -> Duration {
        let d = self
            .next
            .mul_f64(1.0 + 0.4 * (jitter.clamp(0.0, 1.0) - 0.5));
        self.next = (self.next * 2).min(Self::MAX);
        d
    }

    /// After a successful connection.
    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

enum CallMedia {
    /// Offer sent, waiting for the cloud's answer.
    Offered {
        peer: Box<AudioPeer>,
        socket: UdpSocket,
    },
    /// Media running.
    Running {
        stop: oneshot::Sender<()>,
        controls: mpsc::UnboundedSender<MediaControl>,
    },
}

struct Session {
    config: AgentConfig,
    token: String,
    desired_status: Option<(AgentStatus, bool)>,
    /// A window shows the wallboard: the cloud is asked for it again after a reconnect.
    watching_wallboard: bool,
    calls: HashMap<i64, CallMedia>,
    /// Media offered with a `dial` the cloud has not numbered yet (`dialing` does).
    dial_pending: Option<CallMedia>,
    /// The call ringing on the ringer device now.
    ringtone: Option<(i64, Ringtone)>,
    history: Option<History>,
    events: mpsc::UnboundedSender<AgentEvent>,
    server_addr: SocketAddr,
    /// Tells the callback reminders to read the callbacks again (with the token to do it).
    reminder_wake: mpsc::UnboundedSender<String>,
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

enum Ended {
    Shutdown,
    Lost(String),
}

/// Why a connection attempt failed.
enum NotConnected {
    /// Try again after the back-off.
    Retry(String),
    /// The saved token was refused; only a new login helps.
    Expired,
}

impl From<String> for NotConnected {
    fn from(reason: String) -> Self {
        NotConnected::Retry(reason)
    }
}

impl Session {
    fn emit(&mut self, e: AgentEvent) {
        match &e {
            AgentEvent::Server(ServerEvent::RingStopped { call_id, .. })
            | AgentEvent::CallConnected { call_id }
            | AgentEvent::Server(ServerEvent::CallEnded { call_id, .. }) => {
                self.stop_ringtone(*call_id)
            }
            AgentEvent::SessionDown { .. } | AgentEvent::SessionExpired => self.ringtone = None,
            _ => {}
        }
        if let Some(h) = &mut self.history
            && let Some(line) = h.tracker.observe(&e, unix_now_ms())
        {
            let cache = h.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(err) = cache.record_call(&h.account, &line) {
                tracing::warn!("recent calls: {err}");
            }
        }
        let _ = self.events.send(e);
    }

    fn stop_ringtone(&mut self, call_id: i64) {
        if self.ringtone.as_ref().is_some_and(|(c, _)| *c == call_id) {
            self.ringtone = None;
        }
    }

    fn start_ringtone(&mut self, call_id: i64) {
        if let Some(device) = &self.config.audio.ringer {
            self.ringtone = Some((call_id, ringer::start(device.clone())));
        }
    }

    async fn connect(&mut self) -> Result<Ws, NotConnected> {
        let mut request = self
            .config
            .server
            .ws_url()
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let auth = format!("Bearer {}", self.token)
            .parse()
            .map_err(|_| "token is not a header value".to_string())?;
        request.headers_mut().insert("authorization", auth);
        let tls = self
            .config
            .server
            .rustls_config()
            .map_err(|e| e.to_string())?;
        match tokio_tungstenite::connect_async_tls_with_config(
            request,
            None,
            false,
            Some(tokio_tungstenite::Connector::Rustls(tls)),
        )
        .await
        {
            Ok((ws, _)) => Ok(ws),
            Err(tungstenite::Error::Http(resp)) if resp.status() == 401 => {
                let Credentials::Password(password) = &self.config.credentials else {
                    return Err(NotConnected::Expired);
                };
                // Token expired or revoked: log in again and let the next attempt use it.
                match login(&self.config.server, &self.config.email, password).await {
                    Ok(l) => {
                        self.token = l.token;
                        Err("session expired; logged in again".to_string().into())
                    }
                    Err(e) => Err(format!("login failed: {e}").into()),
                }
            }
            Err(e) => Err(e.to_string().into()),
        }
    }

    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<AgentCommand>) {
        let (notice_tx, mut notices) = mpsc::unbounded_channel::<(i64, MediaNotice)>();
        let mut backoff = Backoff::new();
        loop {
            let reason = match self.connect().await {
                Ok(ws) => {
                    backoff.reset();
                    match self
                        .connected(ws, &mut commands, &notice_tx, &mut notices)
                        .await
                    {
                        Ended::Shutdown => return,
                        Ended::Lost(r) => r,
                    }
                }
                Err(NotConnected::Retry(r)) => r,
                Err(NotConnected::Expired) => {
                    self.emit(AgentEvent::SessionExpired);
                    return;
                }
            };
            let wait = backoff.next_delay(rand::random());
            self.emit(AgentEvent::SessionDown {
                reason,
                retry_in_ms: wait.as_millis() as u64,
            });
            let sleep = tokio::time::sleep(wait);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = &mut sleep => break,
                    c = commands.recv() => match c {
                        None | Some(AgentCommand::Shutdown) => return,
                        Some(AgentCommand::SetStatus { status, do_not_disturb }) => self.desired_status = Some((status, do_not_disturb)),
                        Some(AgentCommand::WatchWallboard(watch)) => self.watching_wallboard = watch,
                        Some(c @ (AgentCommand::SetAudio(_) | AgentCommand::SetStartMuted(_) | AgentCommand::SetVoiceProcessing(_) | AgentCommand::SetVolume(_) | AgentCommand::SetMuted(..))) => self.local_command(c),
                        Some(_) => self.emit(AgentEvent::error(ErrorCode::Offline, "not connected to the cloud; retrying")),
                    },
                    Some((call, n)) = notices.recv() => self.media_notice(call, n, None).await,
                }
            }
        }
    }

    async fn send(ws: &mut Ws, m: &ClientMessage) -> Result<(), String> {
        let text = serde_json::to_string(m).map_err(|e| e.to_string())?;
        ws.send(Message::Text(text.into()))
            .await
            .map_err(|e| e.to_string())
    }

    async fn connected(
        &mut self,
        mut ws: Ws,
        commands: &mut mpsc::UnboundedReceiver<AgentCommand>,
        notice_tx: &mpsc::UnboundedSender<(i64, MediaNotice)>,
        notices: &mut mpsc::UnboundedReceiver<(i64, MediaNotice)>,
    ) -> Ended {
        if let Some((status, do_not_disturb)) = self.desired_status
            && let Err(e) = Self::send(
                &mut ws,
                &ClientMessage::SetStatus {
                    status,
                    do_not_disturb,
                },
            )
            .await
        {
            return Ended::Lost(e);
        }
        if self.watching_wallboard
            && let Err(e) =
                Self::send(&mut ws, &ClientMessage::WatchWallboard { watch: true }).await
        {
            return Ended::Lost(e);
        }
        let mut keepalive = tokio::time::interval(Duration::from_secs(20));
        loop {
            tokio::select! {
                msg = ws.next() => match msg {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerMessage>(&text) {
                        Ok(m) => self.server_message(m, notice_tx).await,
                        Err(e) => self.emit(AgentEvent::error(ErrorCode::BadServerMessage, e.to_string())),
                    },
                    Some(Ok(Message::Close(_))) | None => return Ended::Lost("connection closed".into()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Ended::Lost(e.to_string()),
                },
                c = commands.recv() => {
                    let Some(c) = c else { return Ended::Shutdown };
                    if matches!(c, AgentCommand::Shutdown) {
                        let _ = ws.close(None).await;
                        return Ended::Shutdown;
                    }
                    if let Err(e) = self.command(&mut ws, c).await {
                        return Ended::Lost(e);
                    }
                }
                Some((call, n)) = notices.recv() => self.media_notice(call, n, Some(&mut ws)).await,
                _ = keepalive.tick() => {
                    if let Err(e) = Self::send(&mut ws, &ClientMessage::Ping).await {
                        return Ended::Lost(e);
                    }
                }
            }
        }
    }

    /// Commands that need no cloud: they work offline too.
    fn local_command(&mut self, c: AgentCommand) {
        match c {
            AgentCommand::SetMuted(call_id, muted) => match self.calls.get(&call_id) {
                Some(CallMedia::Running { controls, .. }) => {
                    let _ = controls.send(MediaControl::Mute(muted));
                    self.emit(AgentEvent::MuteChanged { call_id, muted });
                }
                _ => self.emit(AgentEvent::error(
                    ErrorCode::NotInCall,
                    format!("no media running for call {call_id}"),
                )),
            },
            AgentCommand::SetAudio(setup) => {
                for media in self.calls.values() {
                    if let CallMedia::Running { controls, .. } = media {
                        let _ = controls.send(MediaControl::SwitchDevice(setup.call.clone()));
                    }
                }
                self.config.audio = setup;
                if let Some((call_id, _)) = self.ringtone.take() {
                    self.start_ringtone(call_id);
                }
            }
            AgentCommand::SetStartMuted(m) => self.config.start_muted = m,
            AgentCommand::SetVoiceProcessing(v) => self.config.voice = v,
            AgentCommand::SetVolume(v) => {
                for media in self.calls.values() {
                    if let CallMedia::Running { controls, .. } = media {
                        let _ = controls.send(MediaControl::Volume(v));
                    }
                }
                self.config.volume = v;
            }
            _ => {}
        }
    }

    async fn command(&mut self, ws: &mut Ws, c: AgentCommand) -> Result<(), String> {
        let message = match c {
            AgentCommand::SetStatus {
                status,
                do_not_disturb,
            } => {
                self.desired_status = Some((status, do_not_disturb));
                ClientMessage::SetStatus {
                    status,
                    do_not_disturb,
                }
            }
            AgentCommand::WatchWallboard(watch) => {
                self.watching_wallboard = watch;
                ClientMessage::WatchWallboard { watch }
            }
            AgentCommand::SetAssignment(a) => ClientMessage::SetAssignment {
                takes_phone_calls: a.takes_phone_calls,
                ring_unassigned: a.ring_unassigned,
            },
            c @ (AgentCommand::Answer(call_id)
            | AgentCommand::PickUp(call_id)
            | AgentCommand::PickUpLeavingCurrent(call_id)) => match self.offer().await {
                Ok((peer, socket, sdp_offer)) => {
                    self.calls.insert(
                        call_id,
                        CallMedia::Offered {
                            peer: Box::new(peer),
                            socket,
                        },
                    );
                    match c {
                        AgentCommand::PickUp(_) => ClientMessage::PickUp {
                            call_id,
                            sdp_offer,
                            leave_current: false,
                        },
                        AgentCommand::PickUpLeavingCurrent(_) => ClientMessage::PickUp {
                            call_id,
                            sdp_offer,
                            leave_current: true,
                        },
                        _ => ClientMessage::Answer { call_id, sdp_offer },
                    }
                }
                Err(e) => {
                    self.emit(AgentEvent::error(ErrorCode::MediaFailed, e));
                    return Ok(());
                }
            },
            AgentCommand::Dial { number, caller_id } => match self.offer().await {
                Ok((peer, socket, sdp_offer)) => {
                    self.dial_pending = Some(CallMedia::Offered {
                        peer: Box::new(peer),
                        socket,
                    });
                    ClientMessage::Dial {
                        number,
                        caller_id,
                        sdp_offer,
                    }
                }
                Err(e) => {
                    self.emit(AgentEvent::error(ErrorCode::MediaFailed, e));
                    return Ok(());
                }
            },
            AgentCommand::Decline(call_id) => {
                self.stop_ringtone(call_id);
                ClientMessage::Decline { call_id }
            }
            AgentCommand::Hangup(call_id) => {
                self.stop_media(call_id);
                ClientMessage::Hangup { call_id }
            }
            AgentCommand::EndForAll(call_id) => {
                self.stop_media(call_id);
                ClientMessage::EndForAll { call_id }
            }
            AgentCommand::Dtmf(call_id, digits) => ClientMessage::Dtmf { call_id, digits },
            AgentCommand::SetHold(call_id, held) => ClientMessage::SetHold { call_id, held },
            AgentCommand::SetRecordingPaused(call_id, paused) => {
                ClientMessage::SetRecordingPaused { call_id, paused }
            }
            AgentCommand::Invite(call_id, manager_id) => ClientMessage::Invite {
                call_id,
                manager_id,
            },
            AgentCommand::Transfer { call_id, kind, to } => {
                let (manager_id, team_id) = match to {
                    TransferTo::Manager(id) => (Some(id), None),
                    TransferTo::Team(id) => (None, Some(id)),
                };
                ClientMessage::Transfer {
                    call_id,
                    kind,
                    manager_id,
                    team_id,
                }
            }
            AgentCommand::ParallelCall { call_id, to } => {
                let (manager_id, number, caller_id) = match to {
                    ParallelTo::Manager(id) => (Some(id), None, None),
                    ParallelTo::Number(n, c) => (None, Some(n), c),
                };
                ClientMessage::ParallelCall {
                    call_id,
                    manager_id,
                    number,
                    caller_id,
                }
            }
            AgentCommand::SwitchLine(call_id) => ClientMessage::SwitchLine { call_id },
            AgentCommand::Merge(call_id) => ClientMessage::Merge { call_id },
            AgentCommand::CompleteTransfer(call_id) => ClientMessage::CompleteTransfer { call_id },
            AgentCommand::CancelTransfer(call_id) => ClientMessage::CancelTransfer { call_id },
            AgentCommand::TransferToQueue(call_id, team_id) => {
                ClientMessage::TransferToQueue { call_id, team_id }
            }
            c @ (AgentCommand::SetMuted(..)
            | AgentCommand::SetAudio(_)
            | AgentCommand::SetStartMuted(_)
            | AgentCommand::SetVoiceProcessing(_)
            | AgentCommand::SetVolume(_)) => {
                self.local_command(c);
                return Ok(());
            }
            AgentCommand::Shutdown => return Ok(()),
        };
        Self::send(ws, &message).await
    }

    async fn offer(&self) -> Result<(AudioPeer, UdpSocket, String), String> {
        media_offer(self.server_addr).await
    }

    fn stop_media(&mut self, call_id: i64) {
        if let Some(CallMedia::Running { stop, .. }) = self.calls.remove(&call_id) {
            let _ = stop.send(());
        }
    }

    async fn server_message(
        &mut self,
        m: ServerMessage,
        notice_tx: &mpsc::UnboundedSender<(i64, MediaNotice)>,
    ) {
        let event = match m {
            ServerMessage::Hello { manager, .. } => {
                let _ = self.reminder_wake.send(self.token.clone());
                AgentEvent::SessionUp { manager }
            }
            ServerMessage::Connected {
                call_id,
                sdp_answer,
            } => {
                let Some(CallMedia::Offered { mut peer, socket }) = self.calls.remove(&call_id)
                else {
                    return;
                };
                if let Err(e) = peer.accept_answer(&sdp_answer) {
                    self.emit(AgentEvent::error(ErrorCode::MediaFailed, e.to_string()));
                    return;
                }
                let link = spawn_udp_peer(*peer, socket);
                let (stop_tx, stop_rx) = oneshot::channel();
                let (control_tx, control_rx) = mpsc::unbounded_channel();
                let (tx, mut rx) = mpsc::unbounded_channel();
                let forward = notice_tx.clone();
                tokio::spawn(async move {
                    while let Some(n) = rx.recv().await {
                        let _ = forward.send((call_id, n));
                    }
                });
                tokio::spawn(run_call_media(
                    link,
                    self.config.audio.call.clone(),
                    MediaOptions {
                        start_muted: self.config.start_muted,
                        voice: self.config.voice,
                        volume: self.config.volume,
                    },
                    tx,
                    control_rx,
                    stop_rx,
                ));
                self.calls.insert(
                    call_id,
                    CallMedia::Running {
                        stop: stop_tx,
                        controls: control_tx,
                    },
                );
                self.emit(AgentEvent::CallConnected { call_id });
                if self.config.start_muted {
                    AgentEvent::MuteChanged {
                        call_id,
                        muted: true,
                    }
                } else {
                    return;
                }
            }
            ServerMessage::Pong => return,
            ServerMessage::Event(e) => {
                // What the event means for our media and ringtone; the front end gets it as
                // it came.
                match &e {
                    ServerEvent::Ring { call_id, .. } => self.start_ringtone(*call_id),
                    ServerEvent::RingStopped { call_id, .. } => {
                        self.calls.remove(call_id);
                    }
                    ServerEvent::CallEnded { call_id, .. } => self.stop_media(*call_id),
                    ServerEvent::Dialing { call_id, .. } => {
                        if let Some(media) = self.dial_pending.take() {
                            self.calls.insert(*call_id, media);
                        }
                    }
                    ServerEvent::DialRefused { .. } => self.dial_pending = None,
                    ServerEvent::CallbacksChanged {} => {
                        let _ = self.reminder_wake.send(self.token.clone());
                    }
                    _ => {}
                }
                AgentEvent::Server(e)
            }
        };
        self.emit(event);
    }

    async fn media_notice(&mut self, call_id: i64, notice: MediaNotice, ws: Option<&mut Ws>) {
        match notice {
            MediaNotice::Connected => self.emit(AgentEvent::MediaConnected { call_id }),
            MediaNotice::FirstAudio => self.emit(AgentEvent::RemoteAudio { call_id }),
            MediaNotice::DeviceFellBack(message) => self.emit(AgentEvent::AudioDeviceLost {
                call_id: Some(call_id),
                message,
            }),
            MediaNotice::MicrophoneLost(message) => {
                tracing::warn!("call {call_id} goes on without a microphone: {message}");
                self.emit(AgentEvent::MicrophoneLost { call_id, message });
            }
            MediaNotice::MicrophoneBack => self.emit(AgentEvent::MicrophoneBack { call_id }),
            MediaNotice::Closed(reason) => {
                // Media died under a call we still think is live: leave it cleanly.
                if self.calls.remove(&call_id).is_some() {
                    self.emit(AgentEvent::error(ErrorCode::MediaFailed, reason));
                    if let Some(ws) = ws {
                        let _ = Self::send(ws, &ClientMessage::Hangup { call_id }).await;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_to_a_cap_and_resets() {
        let mut b = Backoff::new();
        let mid: Vec<Duration> = (0..7).map(|_| b.next_delay(0.5)).collect();
        assert_eq!(
            mid.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
            [500, 1000, 2000, 4000, 8000, 10000, 10000]
        );
        assert_eq!(b.next_delay(0.0), Duration::from_secs(8), "-20 % jitter");
        b.reset();
        assert_eq!(
            b.next_delay(1.0),
            Duration::from_millis(600),
            "+20 % jitter"
        );
    }
}
