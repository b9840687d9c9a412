//! The dispatcher: the one task that owns the switchboard and every live call and session.
//!
//! It turns trunk events, WebSocket messages and room events into switchboard inputs, and the
//! switchboard's outputs into effects: ring messages, SIP responses, room commands and call
//! records. Owning all of it in one task means no locks and a total order of events, which is
//! what makes "not already ringing for another call" exact.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ringdesk_core::presence::Presence;
use ringdesk_core::switchboard::RingStop;
use ringdesk_core::{
    CallId, ManagerId, Status, Switchboard, SwitchboardInput, SwitchboardOutput, number,
};
use ringdesk_sip::runtime::{TrunkCommand, TrunkHandle};
use ringdesk_sip::sdp;
use ringdesk_sip::trunk::{SipCall, TrunkEvent};
use ringdesk_store::{Manager, NewCall, Store, time::now_ms};
use ringdesk_wire::{
    AgentStatus, CallVia, Caller, ClientMessage, ManagerInfo, PROTOCOL_VERSION, ProfileField,
    ServerMessage,
};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;
use crate::room::{CustomerMedia, RoomCommand, RoomEvent, RoomHandle, RoomMedia, spawn_room};

/// Everything the dispatcher reacts to.
#[derive(Debug)]
pub enum Input {
    /// From the SIP trunk, stamped when the runtime saw it.
    Trunk(Instant, TrunkEvent),
    /// An app connected.
    SessionOpened {
        /// Who.
        manager: Manager,
        /// Session id.
        session: u64,
        /// Where to send their messages.
        tx: mpsc::UnboundedSender<ServerMessage>,
    },
    /// An app disconnected.
    SessionClosed {
        /// Who.
        manager: ManagerId,
        /// Session id.
        session: u64,
    },
    /// A message from an app.
    Client {
        /// Who.
        manager: ManagerId,
        /// Which session.
        session: u64,
        /// What.
        message: ClientMessage,
    },
    /// From a call's room.
    Room(CallId, RoomEvent),
    /// A manager's media leg was set up (or not).
    LegReady {
        /// The call.
        call: CallId,
        /// Who.
        manager: ManagerId,
        /// Session that answered.
        session: u64,
        /// SDP answer or error.
        result: Result<String, String>,
    },
}

struct Session {
    id: u64,
    tx: mpsc::UnboundedSender<ServerMessage>,
}

struct ManagerEntry {
    info: ManagerInfo,
    sessions: Vec<Session>,
    status: AgentStatus,
    do_not_disturb: bool,
    operator_seat: bool,
}

impl ManagerEntry {
    fn presence(&self) -> Presence {
        Presence {
            operator_seat: self.operator_seat,
            status: match self.status {
                AgentStatus::Available => Status::Available,
                AgentStatus::Away => Status::Away,
                AgentStatus::InCall => Status::InCall,
                AgentStatus::WrapUp => Status::WrapUp,
            },
            do_not_disturb: self.do_not_disturb,
            online: !self.sessions.is_empty(),
        }
    }

    fn send(&self, m: &ServerMessage) {
        for s in &self.sessions {
            let _ = s.tx.send(m.clone());
        }
    }
}

struct ActiveCall {
    sip: SipCall,
    room: RoomHandle,
    sip_answer: String,
    caller: Caller,
    via: CallVia,
    ringing: Option<ManagerId>,
    connected: Vec<ManagerId>,
    /// (manager, session, offer) of an answer in flight.
    pending_answer: Option<(ManagerId, u64, String)>,
    customer_gone: bool,
    invite_at: Instant,
    rung_once: bool,
}

/// The dispatcher's fixed settings.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Ring timeout per manager.
    pub ring_timeout: Duration,
    /// What every call's room gets: media IP, customer RTP timeout, hold music.
    pub room: RoomMedia,
}

/// See the module docs.
pub struct Dispatcher {
    config: DispatchConfig,
    store: Store,
    trunk: TrunkHandle,
    inbox: mpsc::UnboundedSender<Input>,
    switchboard: Switchboard,
    managers: HashMap<ManagerId, ManagerEntry>,
    calls: HashMap<CallId, ActiveCall>,
    by_sip: HashMap<SipCall, CallId>,
    room_events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
    metrics: Metrics,
}

fn status_code(s: AgentStatus) -> &'static str {
    match s {
        AgentStatus::Available => "available",
        AgentStatus::Away => "away",
        AgentStatus::InCall => "inCall",
        AgentStatus::WrapUp => "wrapUp",
    }
}

fn ring_stop_code(r: RingStop) -> &'static str {
    match r {
        RingStop::Declined => "declined",
        RingStop::TimedOut => "timedOut",
        RingStop::CallerLeft => "callerLeft",
        RingStop::Disconnected => "disconnected",
    }
}

fn error(code: &str, message: impl Into<String>) -> ServerMessage {
    ServerMessage::Error {
        code: code.into(),
        message: message.into(),
    }
}

impl Dispatcher {
    /// Starts the dispatcher task; returns the sender every other part uses to reach it.
    pub fn spawn(
        config: DispatchConfig,
        store: Store,
        trunk: TrunkHandle,
        mut trunk_events: mpsc::UnboundedReceiver<(Instant, TrunkEvent)>,
        metrics: Metrics,
    ) -> mpsc::UnboundedSender<Input> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (room_tx, mut room_rx) = mpsc::unbounded_channel();
        let mut d = Dispatcher {
            switchboard: Switchboard::new(config.ring_timeout),
            config,
            store,
            trunk,
            inbox: tx.clone(),
            managers: HashMap::new(),
            calls: HashMap::new(),
            by_sip: HashMap::new(),
            room_events: room_tx,
            metrics,
        };
        tokio::spawn(async move {
            loop {
                let deadline = d.switchboard.poll_timeout();
                let sleep = async {
                    match deadline {
                        Some(t) => tokio::time::sleep_until(t.into()).await,
                        None => std::future::pending().await,
                    }
                };
                let input = tokio::select! {
                    Some(i) = rx.recv() => i,
                    Some((at, e)) = trunk_events.recv() => Input::Trunk(at, e),
                    Some((call, e)) = room_rx.recv() => Input::Room(call, e),
                    _ = sleep => {
                        d.switchboard.handle_timeout(Instant::now());
                        d.apply_outputs().await;
                        continue;
                    }
                };
                d.handle(input).await;
                d.apply_outputs().await;
            }
        });
        tx
    }

    async fn handle(&mut self, input: Input) {
        match input {
            Input::Trunk(at, e) => self.handle_trunk(at, e).await,
            Input::SessionOpened {
                manager,
                session,
                tx,
            } => self.session_opened(manager, session, tx),
            Input::SessionClosed { manager, session } => {
                if let Some(m) = self.managers.get_mut(&manager) {
                    m.sessions.retain(|s| s.id != session);
                    let presence = m.presence();
                    self.switchboard.handle_input(
                        Instant::now(),
                        SwitchboardInput::Presence { manager, presence },
                    );
                }
            }
            Input::Client {
                manager,
                session,
                message,
            } => self.handle_client(manager, session, message).await,
            Input::Room(call, e) => self.handle_room(call, e),
            Input::LegReady {
                call,
                manager,
                session,
                result,
            } => self.leg_ready(call, manager, session, result),
        }
    }

    fn session_opened(
        &mut self,
        m: Manager,
        session: u64,
        tx: mpsc::UnboundedSender<ServerMessage>,
    ) {
        let id = ManagerId(m.id);
        let info = ManagerInfo {
            id: m.id,
            name: m.name.clone(),
            email: m.email.clone(),
            channel_id: m.channel_id,
            channel_name: m.channel_name.clone(),
        };
        let entry = self.managers.entry(id).or_insert_with(|| ManagerEntry {
            info: info.clone(),
            sessions: Vec::new(),
            status: if m.status == "away" {
                AgentStatus::Away
            } else {
                AgentStatus::Available
            },
            do_not_disturb: m.do_not_disturb,
            operator_seat: m.operator_seat,
        });
        entry.info = info.clone();
        let _ = tx.send(ServerMessage::Hello {
            protocol: PROTOCOL_VERSION,
            manager: info,
            status: entry.status,
            do_not_disturb: entry.do_not_disturb,
        });
        entry.sessions.push(Session { id: session, tx });
        let presence = entry.presence();
        self.switchboard.handle_input(
            Instant::now(),
            SwitchboardInput::Presence {
                manager: id,
                presence,
            },
        );
        self.send_presence(id);
    }

    fn send_presence(&self, manager: ManagerId) {
        let Some(m) = self.managers.get(&manager) else {
            return;
        };
        let in_call = self.switchboard.call_of(manager).is_some();
        let status = if in_call {
            AgentStatus::InCall
        } else {
            m.status
        };
        let not_ringing = self
            .switchboard
            .eligibility(manager)
            .err()
            .map(|r| r.code().to_string());
        m.send(&ServerMessage::Presence {
            status,
            do_not_disturb: m.do_not_disturb,
            not_ringing,
        });
    }

    fn send_to(&self, manager: ManagerId, session: Option<u64>, m: ServerMessage) {
        let Some(entry) = self.managers.get(&manager) else {
            return;
        };
        match session {
            Some(id) => {
                if let Some(s) = entry.sessions.iter().find(|s| s.id == id) {
                    let _ = s.tx.send(m);
                }
            }
            None => entry.send(&m),
        }
    }

    async fn handle_trunk(&mut self, at: Instant, event: TrunkEvent) {
        match event {
            TrunkEvent::Incoming {
                call,
                dialled,
                caller,
                caller_name,
                media,
                peer,
            } => {
                if let Err(e) = self
                    .incoming(at, call, &dialled, caller, caller_name, media)
                    .await
                {
                    tracing::warn!(%peer, "incoming call failed: {e}");
                    self.trunk.send(TrunkCommand::Reject {
                        call,
                        code: 500,
                        reason: "Server Internal Error".into(),
                    });
                }
            }
            TrunkEvent::Cancelled { call } | TrunkEvent::HungUp { call } => {
                if let Some(&id) = self.by_sip.get(&call) {
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.customer_gone = true;
                    }
                    self.switchboard.handle_input(
                        Instant::now(),
                        SwitchboardInput::CustomerHungUp { call: id },
                    );
                }
            }
            TrunkEvent::Failed { call, reason } => {
                if let Some(&id) = self.by_sip.get(&call) {
                    tracing::info!(%id, "customer leg failed: {reason}");
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.customer_gone = true;
                    }
                    self.switchboard.handle_input(
                        Instant::now(),
                        SwitchboardInput::CustomerLegFailed { call: id },
                    );
                }
            }
            TrunkEvent::Confirmed { .. } => {}
        }
    }

    async fn incoming(
        &mut self,
        at: Instant,
        sip: SipCall,
        dialled: &str,
        caller: Option<String>,
        caller_name: Option<String>,
        media: sdp::Negotiated,
    ) -> anyhow::Result<()> {
        // The dialled number is ours; before the lookup we can't know the channel's country, so a
        // national form is read as Korean (our trunks are Korean; carriers mostly send E.164).
        let route = match number::normalize(dialled, "82") {
            Some(e164) => self.store.number_route(&e164).await?,
            None => None,
        };
        let Some(route) = route else {
            self.trunk.send(TrunkCommand::Reject {
                call: sip,
                code: 404,
                reason: "Not Found (unknown number)".into(),
            });
            return Ok(());
        };
        let caller_number = caller
            .as_deref()
            .and_then(|c| number::normalize(c, &route.default_country_code))
            .or(caller)
            .unwrap_or_else(|| "anonymous".into());
        let contact = self
            .store
            .contact_by_phone(route.channel_id, &caller_number)
            .await?;
        let name = contact
            .as_ref()
            .and_then(|c| c.name.clone())
            .or(caller_name);
        let socket = UdpSocket::bind(SocketAddr::new(self.config.room.ip, 0)).await?;
        let local = socket.local_addr()?;
        let sip_answer = sdp::answer(local, rand::random::<u32>().into(), &media);
        let call_id = CallId(
            self.store
                .insert_call(&NewCall {
                    channel_id: route.channel_id,
                    direction: "inbound",
                    number: route.e164.clone(),
                    caller_number: caller_number.clone(),
                    caller_name: name.clone(),
                    contact_id: contact.as_ref().map(|c| c.id),
                    team_id: route.team_id,
                    started_at_ms: now_ms(),
                })
                .await?,
        );
        let room = spawn_room(
            call_id,
            CustomerMedia {
                socket,
                negotiated: media,
            },
            self.config.room.clone(),
            self.room_events.clone(),
        );
        // Early media: the caller hears our ringback while desktops ring.
        self.trunk.send(TrunkCommand::Progress {
            call: sip,
            sdp: Some(sip_answer.clone()),
        });
        let fields = contact
            .map(|c| {
                c.fields
                    .into_iter()
                    .take(3)
                    .map(|(name, value)| ProfileField { name, value })
                    .collect()
            })
            .unwrap_or_default();
        self.calls.insert(
            call_id,
            ActiveCall {
                sip,
                room,
                sip_answer,
                caller: Caller {
                    number: caller_number,
                    name,
                    fields,
                },
                via: CallVia {
                    number: route.e164,
                    team_name: route.team_name,
                },
                ringing: None,
                connected: Vec::new(),
                pending_answer: None,
                customer_gone: false,
                invite_at: at,
                rung_once: false,
            },
        );
        self.by_sip.insert(sip, call_id);
        let candidates = route.members.into_iter().map(ManagerId).collect();
        self.switchboard.handle_input(
            Instant::now(),
            SwitchboardInput::CallArrived {
                call: call_id,
                candidates,
            },
        );
        Ok(())
    }

    async fn handle_client(&mut self, manager: ManagerId, session: u64, message: ClientMessage) {
        let now = Instant::now();
        match message {
            ClientMessage::SetStatus {
                status,
                do_not_disturb,
            } => {
                if !matches!(status, AgentStatus::Available | AgentStatus::Away) {
                    self.send_to(manager, Some(session), error("statusNotSettable", "only available and away can be chosen; the cloud sets inCall and wrapUp"));
                    return;
                }
                let Some(m) = self.managers.get_mut(&manager) else {
                    return;
                };
                m.status = status;
                m.do_not_disturb = do_not_disturb;
                let presence = m.presence();
                if let Err(e) = self
                    .store
                    .save_status(manager.0, status_code(status), do_not_disturb)
                    .await
                {
                    tracing::warn!("saving status failed: {e}");
                }
                self.switchboard
                    .handle_input(now, SwitchboardInput::Presence { manager, presence });
                self.send_presence(manager);
            }
            ClientMessage::Answer { call_id, sdp_offer } => {
                let call = CallId(call_id);
                match self.calls.get_mut(&call) {
                    Some(c) if c.pending_answer.is_none() => {
                        c.pending_answer = Some((manager, session, sdp_offer))
                    }
                    Some(_) => {
                        self.send_to(
                            manager,
                            Some(session),
                            error("answerInProgress", "this call is already being answered"),
                        );
                        return;
                    }
                    None => {
                        self.send_to(
                            manager,
                            Some(session),
                            error("unknownCall", format!("call {call_id} is not active")),
                        );
                        return;
                    }
                }
                self.switchboard
                    .handle_input(now, SwitchboardInput::Answer { call, manager });
            }
            ClientMessage::Decline { call_id } => {
                self.switchboard.handle_input(
                    now,
                    SwitchboardInput::Decline {
                        call: CallId(call_id),
                        manager,
                    },
                );
            }
            ClientMessage::Hangup { call_id } => {
                let call = CallId(call_id);
                let Some(c) = self.calls.get(&call) else {
                    self.send_to(
                        manager,
                        Some(session),
                        error("unknownCall", format!("call {call_id} is not active")),
                    );
                    return;
                };
                let input = if c.ringing == Some(manager) {
                    SwitchboardInput::Decline { call, manager }
                } else {
                    SwitchboardInput::ManagerHungUp { call, manager }
                };
                self.switchboard.handle_input(now, input);
            }
            ClientMessage::SetHold { call_id, held } => self.switchboard.handle_input(
                now,
                SwitchboardInput::SetHold {
                    call: CallId(call_id),
                    manager,
                    held,
                },
            ),
            ClientMessage::EndForAll { call_id } => {
                let call = CallId(call_id);
                match self.calls.get(&call) {
                    Some(c) if c.connected.contains(&manager) => self
                        .switchboard
                        .handle_input(now, SwitchboardInput::EndForAll { call, manager }),
                    _ => self.send_to(
                        manager,
                        Some(session),
                        error("notInCall", format!("you are not in call {call_id}")),
                    ),
                }
            }
            ClientMessage::Dtmf { call_id, digits } => {
                let valid = !digits.is_empty()
                    && digits
                        .chars()
                        .all(|d| ringdesk_media::dtmf::digit_to_event(d).is_some());
                match self.calls.get(&CallId(call_id)) {
                    _ if !valid => self.send_to(
                        manager,
                        Some(session),
                        error("badDigits", "digits must be 0-9, *, # or A-D"),
                    ),
                    Some(c) if c.connected.contains(&manager) => {
                        c.room.send(RoomCommand::SendDtmf { digits })
                    }
                    _ => self.send_to(
                        manager,
                        Some(session),
                        error("notInCall", format!("you are not in call {call_id}")),
                    ),
                }
            }
            ClientMessage::Ping => self.send_to(manager, Some(session), ServerMessage::Pong),
        }
    }

    fn handle_room(&mut self, call: CallId, event: RoomEvent) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        match event {
            RoomEvent::CustomerDigit { digit } => {
                for m in &c.connected {
                    self.send_to(
                        *m,
                        None,
                        ServerMessage::Dtmf {
                            call_id: call.0,
                            digit: digit.to_string(),
                        },
                    );
                }
            }
            RoomEvent::ManagerAudioStarted { manager } => {
                tracing::debug!(%call, %manager, "manager audio reached the room")
            }
            RoomEvent::CustomerMediaTimeout => {
                // The trunk went quiet without a BYE: end the call, sending one ourselves.
                tracing::info!(%call, "no RTP from the customer; ending the call");
                self.switchboard
                    .handle_input(Instant::now(), SwitchboardInput::CustomerLegFailed { call });
            }
            RoomEvent::ManagerLegLost { manager, reason } => {
                tracing::info!(%call, %manager, "manager media lost: {reason}");
                self.switchboard.handle_input(
                    Instant::now(),
                    SwitchboardInput::ManagerHungUp { call, manager },
                );
            }
        }
    }

    fn leg_ready(
        &mut self,
        call: CallId,
        manager: ManagerId,
        session: u64,
        result: Result<String, String>,
    ) {
        if !self.calls.contains_key(&call) {
            // The call ended while the leg was being set up; don't start media toward it.
            self.send_to(
                manager,
                Some(session),
                error("unknownCall", format!("call {} has ended", call.0)),
            );
            return;
        }
        match result {
            Ok(sdp_answer) => self.send_to(
                manager,
                Some(session),
                ServerMessage::Connected {
                    call_id: call.0,
                    sdp_answer,
                },
            ),
            Err(e) => {
                self.send_to(
                    manager,
                    Some(session),
                    error("mediaFailed", format!("could not set up media: {e}")),
                );
                self.switchboard.handle_input(
                    Instant::now(),
                    SwitchboardInput::ManagerHungUp { call, manager },
                );
            }
        }
    }

    async fn apply_outputs(&mut self) {
        while let Some(out) = self.switchboard.poll_output() {
            let now_ms = now_ms();
            match out {
                SwitchboardOutput::Ring { call, manager } => {
                    let Some(c) = self.calls.get_mut(&call) else {
                        continue;
                    };
                    c.ringing = Some(manager);
                    let msg = ServerMessage::Ring {
                        call_id: call.0,
                        caller: c.caller.clone(),
                        via: c.via.clone(),
                        ring_timeout_ms: self.config.ring_timeout.as_millis() as u64,
                    };
                    if !c.rung_once {
                        c.rung_once = true;
                        self.metrics.record_ring_latency(c.invite_at.elapsed());
                    }
                    self.send_to(manager, None, msg);
                    self.send_presence(manager);
                    self.record(call.0, manager.0, "rang", now_ms).await;
                }
                SwitchboardOutput::StopRinging {
                    call,
                    manager,
                    reason,
                } => {
                    if let Some(c) = self.calls.get_mut(&call) {
                        c.ringing = None;
                    }
                    self.send_to(
                        manager,
                        None,
                        ServerMessage::RingStopped {
                            call_id: call.0,
                            reason: ring_stop_code(reason).into(),
                        },
                    );
                    self.send_presence(manager);
                    if reason == RingStop::Declined {
                        self.record(call.0, manager.0, "declined", now_ms).await;
                    }
                }
                SwitchboardOutput::Connected { call, manager } => {
                    self.connected(call, manager, now_ms).await
                }
                SwitchboardOutput::AnswerRefused {
                    call,
                    manager,
                    reason,
                } => {
                    let pending = self
                        .calls
                        .get_mut(&call)
                        .and_then(|c| c.pending_answer.take());
                    let session = pending.map(|p| p.1);
                    self.send_to(
                        manager,
                        session,
                        error(
                            "notRinging",
                            format!("call {} cannot be answered here: {reason:?}", call.0),
                        ),
                    );
                }
                SwitchboardOutput::ManagerLeft { call, manager } => {
                    if let Some(c) = self.calls.get_mut(&call) {
                        c.connected.retain(|m| *m != manager);
                        c.room.send(RoomCommand::RemoveManager { manager });
                    }
                    self.send_to(
                        manager,
                        None,
                        ServerMessage::CallEnded {
                            call_id: call.0,
                            cause: "left".into(),
                            missed_reason: None,
                        },
                    );
                    self.send_presence(manager);
                }
                SwitchboardOutput::HoldChanged {
                    call,
                    held,
                    by,
                    managers,
                } => {
                    if let Some(c) = self.calls.get(&call) {
                        c.room.send(RoomCommand::SetHold { held });
                    }
                    for m in managers {
                        self.send_to(
                            m,
                            None,
                            ServerMessage::HoldChanged {
                                call_id: call.0,
                                held,
                                by_manager_id: by.0,
                            },
                        );
                    }
                }
                SwitchboardOutput::HoldRefused {
                    call,
                    manager,
                    reason,
                } => self.send_to(
                    manager,
                    None,
                    error(
                        reason.code(),
                        format!("you are not in call {}, so you cannot hold it", call.0),
                    ),
                ),
                SwitchboardOutput::Ended {
                    call,
                    cause,
                    missed,
                } => {
                    let Some(c) = self.calls.remove(&call) else {
                        continue;
                    };
                    self.by_sip.remove(&c.sip);
                    if !c.customer_gone {
                        self.trunk.send(TrunkCommand::HangUp { call: c.sip });
                    }
                    // Dropping the handle ends the room task and its legs.
                    drop(c.room);
                    if let Err(e) = self
                        .store
                        .end_call(call.0, now_ms, cause.code(), missed.map(|m| m.code()))
                        .await
                    {
                        tracing::error!(%call, "closing call record failed: {e}");
                    }
                    let msg = ServerMessage::CallEnded {
                        call_id: call.0,
                        cause: cause.code().into(),
                        missed_reason: missed.map(|m| m.code().into()),
                    };
                    for m in &c.connected {
                        self.send_to(*m, None, msg.clone());
                        self.send_presence(*m);
                    }
                }
            }
        }
    }

    async fn connected(&mut self, call: CallId, manager: ManagerId, now_ms: i64) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.ringing = None;
        c.connected.push(manager);
        let Some((_, session, offer)) = c.pending_answer.take() else {
            return;
        };
        self.trunk.send(TrunkCommand::Answer {
            call: c.sip,
            sdp: c.sip_answer.clone(),
        });
        c.room.send(RoomCommand::StopRingback);
        let (reply_tx, reply_rx) = oneshot::channel();
        c.room.send(RoomCommand::AddManager {
            manager,
            offer,
            reply: reply_tx,
        });
        let inbox = self.inbox.clone();
        tokio::spawn(async move {
            let result = reply_rx.await.unwrap_or_else(|_| Err("room closed".into()));
            let _ = inbox.send(Input::LegReady {
                call,
                manager,
                session,
                result,
            });
        });
        self.send_presence(manager);
        self.record(call.0, manager.0, "answered", now_ms).await;
    }

    async fn record(&self, call: i64, manager: i64, role: &str, at_ms: i64) {
        if let Err(e) = self.store.record_manager(call, manager, role, at_ms).await {
            tracing::error!(call, "recording manager {role} failed: {e}");
        }
    }
}
