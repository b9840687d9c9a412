//! The agent's live session with the cloud: one task that keeps the WSS connection up
//! (reconnecting with exponential back-off), turns app commands into signaling, and owns the
//! media of each call.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use ringdesk_rtc::{AudioPeer, local_ip_towards, spawn_udp_peer};
use ringdesk_wire::{AgentEvent, AgentStatus, ClientMessage, ManagerInfo, ServerMessage};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use crate::AgentError;
use crate::audio::AudioDevice;
use crate::client::{ServerConfig, login};
use crate::media::{MediaNotice, run_call_media};

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
    /// Answer a ringing call.
    Answer(i64),
    /// Decline a ringing call.
    Decline(i64),
    /// Leave a call.
    Hangup(i64),
    /// Send DTMF digits.
    Dtmf(i64, String),
    /// Close the session for good.
    Shutdown,
}

/// Everything needed to run an agent.
pub struct AgentConfig {
    /// The cloud.
    pub server: ServerConfig,
    /// Login email.
    pub email: String,
    /// Password (kept in memory to log in again when the token expires).
    pub password: String,
    /// Status to set once connected.
    pub initial_status: Option<AgentStatus>,
    /// Where call audio goes.
    pub device: Arc<dyn AudioDevice>,
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
}

/// Logs in (failing fast on wrong credentials) and starts the session task.
pub async fn start(config: AgentConfig) -> Result<Started, AgentError> {
    let login = login(&config.server, &config.email, &config.password).await?;
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let server_addr = server_socket_addr(&config.server.url).await?;
    let manager = login.manager;
    let session = Session {
        token: login.token,
        desired_status: config.initial_status.map(|s| (s, false)),
        calls: HashMap::new(),
        events: ev_tx,
        server_addr,
        config,
    };
    tokio::spawn(session.run(cmd_rx));
    Ok(Started {
        agent: Agent { commands: cmd_tx },
        events: ev_rx,
        manager,
    })
}

async fn server_socket_addr(url: &str) -> Result<SocketAddr, AgentError> {
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
    Running { stop: oneshot::Sender<()> },
}

struct Session {
    config: AgentConfig,
    token: String,
    desired_status: Option<(AgentStatus, bool)>,
    calls: HashMap<i64, CallMedia>,
    events: mpsc::UnboundedSender<AgentEvent>,
    server_addr: SocketAddr,
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

enum Ended {
    Shutdown,
    Lost(String),
}

impl Session {
    fn emit(&self, e: AgentEvent) {
        let _ = self.events.send(e);
    }

    async fn connect(&mut self) -> Result<Ws, String> {
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
                // Token expired or revoked: log in again and let the next attempt use it.
                match login(
                    &self.config.server,
                    &self.config.email,
                    &self.config.password,
                )
                .await
                {
                    Ok(l) => {
                        self.token = l.token;
                        Err("session expired; logged in again".into())
                    }
                    Err(e) => Err(format!("login failed: {e}")),
                }
            }
            Err(e) => Err(e.to_string()),
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
                Err(r) => r,
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
                        Some(_) => self.emit(AgentEvent::Error { code: "offline".into(), message: "not connected to the cloud; retrying".into() }),
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
        let mut keepalive = tokio::time::interval(Duration::from_secs(20));
        loop {
            tokio::select! {
                msg = ws.next() => match msg {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<ServerMessage>(&text) {
                        Ok(m) => self.server_message(m, notice_tx).await,
                        Err(e) => self.emit(AgentEvent::Error { code: "badServerMessage".into(), message: e.to_string() }),
                    },
                    Some(Ok(Message::Close(_))) | None => return Ended::Lost("connection closed".into()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Ended::Lost(e.to_string()),
                },
                c = commands.recv() => {
                    let Some(c) = c else { return Ended::Shutdown };
                    if c == AgentCommand::Shutdown {
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
            AgentCommand::Answer(call_id) => match self.offer().await {
                Ok((peer, socket, sdp_offer)) => {
                    self.calls.insert(
                        call_id,
                        CallMedia::Offered {
                            peer: Box::new(peer),
                            socket,
                        },
                    );
                    ClientMessage::Answer { call_id, sdp_offer }
                }
                Err(e) => {
                    self.emit(AgentEvent::Error {
                        code: "mediaFailed".into(),
                        message: e,
                    });
                    return Ok(());
                }
            },
            AgentCommand::Decline(call_id) => ClientMessage::Decline { call_id },
            AgentCommand::Hangup(call_id) => {
                self.stop_media(call_id);
                ClientMessage::Hangup { call_id }
            }
            AgentCommand::Dtmf(call_id, digits) => ClientMessage::Dtmf { call_id, digits },
            AgentCommand::Shutdown => return Ok(()),
        };
        Self::send(ws, &message).await
    }

    async fn offer(&self) -> Result<(AudioPeer, UdpSocket, String), String> {
        let ip = local_ip_towards(self.server_addr.ip())
            .map_err(|e| format!("no route to the cloud: {e}"))?;
        let socket = UdpSocket::bind(SocketAddr::new(ip, 0))
            .await
            .map_err(|e| e.to_string())?;
        let local = socket.local_addr().map_err(|e| e.to_string())?;
        let (peer, offer) = AudioPeer::offer(Instant::now(), local).map_err(|e| e.to_string())?;
        Ok((peer, socket, offer))
    }

    fn stop_media(&mut self, call_id: i64) {
        if let Some(CallMedia::Running { stop }) = self.calls.remove(&call_id) {
            let _ = stop.send(());
        }
    }

    async fn server_message(
        &mut self,
        m: ServerMessage,
        notice_tx: &mpsc::UnboundedSender<(i64, MediaNotice)>,
    ) {
        let event = match m {
            ServerMessage::Hello { manager, .. } => AgentEvent::SessionUp { manager },
            ServerMessage::Presence {
                status,
                do_not_disturb,
                not_ringing,
            } => AgentEvent::Presence {
                status,
                do_not_disturb,
                not_ringing,
            },
            ServerMessage::Ring {
                call_id,
                caller,
                via,
                ring_timeout_ms,
            } => AgentEvent::Ring {
                call_id,
                caller,
                via,
                ring_timeout_ms,
            },
            ServerMessage::RingStopped { call_id, reason } => {
                self.calls.remove(&call_id);
                AgentEvent::RingStopped { call_id, reason }
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
                    self.emit(AgentEvent::Error {
                        code: "mediaFailed".into(),
                        message: e.to_string(),
                    });
                    return;
                }
                let link = spawn_udp_peer(*peer, socket);
                let (stop_tx, stop_rx) = oneshot::channel();
                let (tx, mut rx) = mpsc::unbounded_channel();
                let forward = notice_tx.clone();
                tokio::spawn(async move {
                    while let Some(n) = rx.recv().await {
                        let _ = forward.send((call_id, n));
                    }
                });
                tokio::spawn(run_call_media(
                    link,
                    self.config.device.clone(),
                    tx,
                    stop_rx,
                ));
                self.calls
                    .insert(call_id, CallMedia::Running { stop: stop_tx });
                AgentEvent::CallConnected { call_id }
            }
            ServerMessage::CallEnded {
                call_id,
                cause,
                missed_reason,
            } => {
                self.stop_media(call_id);
                AgentEvent::CallEnded {
                    call_id,
                    cause,
                    missed_reason,
                }
            }
            ServerMessage::Dtmf { call_id, digit } => AgentEvent::Dtmf { call_id, digit },
            ServerMessage::Pong => return,
            ServerMessage::Error { code, message } => AgentEvent::Error { code, message },
        };
        self.emit(event);
    }

    async fn media_notice(&mut self, call_id: i64, notice: MediaNotice, ws: Option<&mut Ws>) {
        match notice {
            MediaNotice::Connected => self.emit(AgentEvent::MediaConnected { call_id }),
            MediaNotice::FirstAudio => self.emit(AgentEvent::RemoteAudio { call_id }),
            MediaNotice::Closed(reason) => {
                // Media died under a call we still think is live: leave it cleanly.
                if self.calls.remove(&call_id).is_some() {
                    self.emit(AgentEvent::Error {
                        code: "mediaFailed".into(),
                        message: reason,
                    });
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
