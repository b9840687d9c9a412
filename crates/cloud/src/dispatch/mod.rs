//! The dispatcher: the one task that owns the switchboard and every live call and session.
//!
//! It turns trunk events, WebSocket messages and room events into switchboard inputs, and the
//! switchboard's outputs into effects: ring messages, SIP responses, room commands and call
//! records. Owning all of it in one task means no locks and a total order of events, which is
//! what makes "not already ringing for another call" exact.
//!
//! It never waits on I/O: a slow database or socket would stall every call of the service.
//! Lookups, socket binds and media set-up run on tasks of their own and hand their result back
//! as an input ([`Dispatcher::hand_back`]); records and saved statuses are queued to the
//! [`RecordWriter`]; call ids come from a block reserved ahead ([`ids::CallIds`]), so a call
//! rings before its record is written.
//!
//! - `trunk.rs`: calls arriving from and leaving through the SIP trunk.
//! - `dial.rs`: calls managers place through the trunk.
//! - `requests.rs`: what managers ask for over the WebSocket.
//! - `effects.rs`: the switchboard's outputs carried out.
//! - `snapshot.rs`: the live state the REST API shows (teammates, live calls).
//! - `workflow.rs`: calls walking a workflow (the IVR) before anyone rings.
//! - `wallboard.rs`: the live queue view pushed to the apps watching it.

mod callback;
mod dial;
mod effects;
mod ids;
mod inbox;
mod meet;
mod parallel;
mod queue;
mod recording;
mod requests;
mod snapshot;
mod trunk;
mod wallboard;
mod workflow;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk_core::presence::Presence;
use ringdesk_core::switchboard::RingPurpose;
use ringdesk_core::{CallId, ManagerId, Switchboard, SwitchboardInput};
use ringdesk_sip::runtime::TrunkHandle;
use ringdesk_sip::trunk::{SipCall, TrunkEvent};
use ringdesk_store::time::now_ms;
use ringdesk_store::{Manager, Store};
use ringdesk_wire::{
    AgentStatus, Assignment, CallState, CallVia, Caller, ClientMessage, ErrorCode, ManagerInfo,
    ManagerRef, PROTOCOL_VERSION, ServerEvent, ServerMessage,
};
use tokio::sync::{mpsc, oneshot};

use crate::codes::{ToWire, core_status};
use crate::metrics::Metrics;
use crate::room::{RoomCommand, RoomEvent, RoomHandle, RoomMedia};
use crate::sms::SmsProvider;
use crate::speech::SpeechEngine;
use crate::writer::{RecordWriter, Write};

pub use ids::BLOCK as CALL_ID_BLOCK;
pub use snapshot::ChannelSnapshot;

/// Everything the dispatcher reacts to.
#[derive(Debug)]
pub enum Input {
    /// From the SIP trunk, stamped when the runtime saw it.
    Trunk(Instant, TrunkEvent),
    /// An app connected.
    SessionOpened {
        /// Who.
        manager: Manager,
        /// Their open phone conversations whose call has ended: they are in wrap-up.
        wrap_up: Vec<i64>,
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
    /// A visitor calls from the channel's page (a voice meet).
    Meet {
        /// The channel.
        channel_id: i64,
        /// The browser's SDP offer.
        offer: String,
        /// The call, the SDP answer and the visitor's hang-up token — or an error code and
        /// message.
        reply: oneshot::Sender<Result<ringdesk_wire::MeetCallResponse, (ErrorCode, String)>>,
    },
    /// The visitor hangs up from the page.
    MeetHangup {
        /// The call.
        call: CallId,
        /// The token the call was created with.
        token: String,
        /// Whether it was theirs to hang up.
        reply: oneshot::Sender<bool>,
    },
    /// A placed call's ring time is up.
    DialTimeout {
        /// The call.
        call: CallId,
        /// The leg that rang (a callback dials one per try).
        sip: SipCall,
    },
    /// The REST API asks what is live in a channel now.
    Snapshot {
        /// The channel.
        channel_id: i64,
        /// Where the answer goes.
        reply: oneshot::Sender<ChannelSnapshot>,
    },
    /// `/healthz` asks whether the dispatcher still takes inputs; it answers at once.
    Health {
        /// Where the answer goes.
        reply: oneshot::Sender<()>,
    },
    /// Work done off the dispatcher's task hands its result back (see
    /// [`Dispatcher::hand_back`]).
    Resume(Resume),
    /// A block of call ids was reserved (or could not be).
    CallIdsReserved(Result<std::ops::Range<i64>, String>),
    /// The inbox changed a conversation's state or assignee (written already).
    ConversationChanged {
        /// Its channel.
        channel_id: i64,
        /// The conversation.
        id: i64,
        /// Its assignee now.
        assignee: Option<i64>,
        /// It is open now.
        open: bool,
    },
    /// Callbacks of these managers were booked or marked (written already): each is told,
    /// so their app reminds them of the right ones.
    CallbacksChanged {
        /// Whose.
        manager_ids: Vec<i64>,
    },
    /// The inbox changed a conversation's notes, tags or wrap-up form (written already).
    ConversationNoted {
        /// Its channel.
        channel_id: i64,
        /// The conversation.
        id: i64,
    },
}

/// The rest of a piece of dispatcher work, run when its I/O is done.
pub struct Resume(Box<dyn FnOnce(&mut Dispatcher) + Send>);

impl std::fmt::Debug for Resume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resume")
    }
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
    assignment: Assignment,
    /// Open phone conversations assigned to them whose call has ended: while any is, they
    /// are in wrap-up.
    wrap_up: BTreeSet<i64>,
    /// The status last written to their status log (for the time in each status).
    logged_status: std::cell::Cell<Option<&'static str>>,
    /// Since when they are in that status, Unix ms (the wallboard's "for 3:12").
    status_since_ms: std::cell::Cell<Option<i64>>,
}

impl ManagerEntry {
    /// Available, but wrapping up a call: what the switchboard and the apps see.
    fn wrapping_up(&self) -> bool {
        self.status == AgentStatus::Available && !self.wrap_up.is_empty()
    }

    fn presence(&self) -> Presence {
        Presence {
            operator_seat: self.operator_seat,
            status: if self.wrapping_up() {
                ringdesk_core::presence::Status::WrapUp
            } else {
                core_status(self.status)
            },
            do_not_disturb: self.do_not_disturb,
            takes_phone_calls: self.assignment.takes_phone_calls,
            online: !self.sessions.is_empty(),
        }
    }

    fn send(&self, m: &ServerMessage) {
        for s in &self.sessions {
            let _ = s.tx.send(m.clone());
        }
    }
}

/// An answer or pick-up on its way through the switchboard: where it came from and the
/// app's SDP offer, used when the switchboard connects the manager.
struct Joining {
    session: u64,
    offer: String,
    pick_up: bool,
}

struct ActiveCall {
    /// The customer's SIP leg; `None` for a visitor calling from the browser.
    sip: Option<SipCall>,
    /// The visitor's secret for hanging up a voice meet from the page.
    visitor_token: Option<String>,
    room: RoomHandle,
    sip_answer: String,
    channel_id: i64,
    caller: Caller,
    via: CallVia,
    joining: HashMap<ManagerId, Joining>,
    /// Why each manager was last rung, for the record of how they joined.
    rang_for: HashMap<ManagerId, RingPurpose>,
    /// A manager placed this call (the customer is the called party).
    placed: bool,
    /// The party a parallel call reached through the trunk (also once merged).
    party: Option<parallel::PartyLeg>,
    /// The customer is on the line: the trunk has our 200 OK, or answered the call we placed.
    customer_answered: bool,
    customer_gone: bool,
    invite_at: Instant,
    rung_once: bool,
    /// The workflow the call walks, until it routes or ends the call.
    workflow: Option<Box<workflow::CallWorkflow>>,
    /// The workflow it will walk once the caller's ACK confirms our answer (a prompt started
    /// before that would be clipped by carriers still setting up the media path).
    pending_workflow: Option<Box<(workflow::Prepared, ringdesk_core::workflow::CallFacts)>>,
    /// While it waits in a queue that tells callers where they are.
    announcing: Option<queue::Announcing>,
    /// The caller took a queue callback: they are let go when the workflow is done.
    callback_kept: bool,
    /// The workflow for waiting calls due to talk to the caller once they waited long enough.
    waiting_workflow: Option<Box<workflow::WaitingWorkflow>>,
    /// The room records the call (from when the customer and a manager are both on it).
    recording: bool,
    /// A manager paused the recording.
    recording_paused: bool,
    /// Whose conversation it is (as the store records it): who wraps it up after the call.
    assignee: Option<ManagerId>,
    /// The queue it waits in and since when, for the wallboard.
    queued_at: Option<wallboard::QueuedAt>,
    /// When it came, Unix ms (`invite_at` on the wall clock, for the wallboard).
    arrived_ms: i64,
}

impl ActiveCall {
    /// A call that has just come into being: no SIP or visitor leg yet, nobody joining or
    /// rung, not answered. Each way a call starts (a trunk INVITE, a meet, a dial) sets what
    /// is its own on top of this.
    fn new(room: RoomHandle, channel_id: i64, caller: Caller, via: CallVia, at: Instant) -> Self {
        ActiveCall {
            sip: None,
            visitor_token: None,
            room,
            sip_answer: String::new(),
            channel_id,
            caller,
            via,
            joining: HashMap::new(),
            rang_for: HashMap::new(),
            placed: false,
            party: None,
            customer_answered: false,
            customer_gone: false,
            invite_at: at,
            rung_once: false,
            workflow: None,
            pending_workflow: None,
            announcing: None,
            callback_kept: false,
            waiting_workflow: None,
            recording: false,
            recording_paused: false,
            assignee: None,
            queued_at: None,
            arrived_ms: now_ms() - at.elapsed().as_millis() as i64,
        }
    }
}

/// The dispatcher's fixed settings.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Ring timeout per manager.
    pub ring_timeout: Duration,
    /// An outbound route is configured: managers may place calls.
    pub can_dial_out: bool,
    /// How long a placed call may ring unanswered before we cancel it.
    pub dial_timeout: Duration,
    /// What every call's room gets: media IP, customer RTP timeout, hold music.
    pub room: RoomMedia,
    /// Speaks queue announcements.
    pub speech: Arc<dyn SpeechEngine>,
    /// Sends workflows' text messages; `None`: none configured.
    pub sms: Option<SmsProvider>,
}

/// See the module docs.
pub struct Dispatcher {
    config: DispatchConfig,
    /// Read from by work handed off the dispatcher's task, never awaited on it.
    store: Store,
    writer: RecordWriter,
    call_ids: ids::CallIds,
    /// Trunk calls whose lookups are under way; a CANCEL meanwhile takes them out.
    arriving: HashSet<SipCall>,
    trunk: TrunkHandle,
    inbox: mpsc::UnboundedSender<Input>,
    switchboard: Switchboard,
    managers: HashMap<ManagerId, ManagerEntry>,
    calls: HashMap<CallId, ActiveCall>,
    by_sip: HashMap<SipCall, CallId>,
    room_events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
    metrics: Metrics,
    /// Channels whose calls changed while carrying out the switchboard's outputs: their
    /// managers get `ringingCalls` once the outputs are done, if that list changed.
    live_changed: HashSet<i64>,
    /// The `ringingCalls` each channel's managers were sent last.
    ringing_sent: HashMap<i64, Vec<CallState>>,
    /// What published workflow versions play, decoded (shared with the arrival lookups).
    audio_cache: workflow::AudioCache,
    /// Queue announcements already spoken.
    rendered: queue::Rendered,
    /// The live wallboards being watched.
    wallboards: wallboard::Wallboards,
}

fn error(code: ErrorCode, message: impl Into<String>) -> ServerEvent {
    ServerEvent::Error {
        code,
        message: message.into(),
    }
}

/// A running dispatcher: the sender every other part reaches it with, and its task, which
/// ends only if the dispatcher panicked (the process must not go on without routing).
pub struct DispatcherHandle {
    /// Where inputs go.
    pub tx: mpsc::UnboundedSender<Input>,
    /// The dispatcher's task.
    pub task: tokio::task::JoinHandle<()>,
}

impl Dispatcher {
    /// Starts the dispatcher task. `first_ids` is a block of call ids reserved before the
    /// start (later blocks are reserved as they run low).
    pub fn spawn(
        config: DispatchConfig,
        store: Store,
        writer: RecordWriter,
        first_ids: std::ops::Range<i64>,
        trunk: TrunkHandle,
        mut trunk_events: mpsc::UnboundedReceiver<(Instant, TrunkEvent)>,
        metrics: Metrics,
    ) -> DispatcherHandle {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (room_tx, mut room_rx) = mpsc::unbounded_channel();
        let mut d = Dispatcher {
            switchboard: Switchboard::new(config.ring_timeout),
            config,
            store,
            writer,
            call_ids: ids::CallIds::new(first_ids),
            arriving: HashSet::new(),
            trunk,
            inbox: tx.clone(),
            managers: HashMap::new(),
            calls: HashMap::new(),
            by_sip: HashMap::new(),
            room_events: room_tx,
            metrics,
            live_changed: HashSet::new(),
            ringing_sent: HashMap::new(),
            audio_cache: Default::default(),
            rendered: Default::default(),
            wallboards: Default::default(),
        };
        let task = tokio::spawn(async move {
            loop {
                let deadline = [
                    d.switchboard.poll_timeout(),
                    d.workflow_deadline(),
                    d.announcement_deadline(),
                    d.wallboard_deadline(),
                ]
                .into_iter()
                .flatten()
                .min();
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
                        let now = Instant::now();
                        d.workflow_timeouts(now);
                        d.announce_due(now);
                        d.switchboard.handle_timeout(now);
                        d.apply_outputs();
                        continue;
                    }
                };
                d.handle(input);
                d.apply_outputs();
            }
        });
        DispatcherHandle { tx, task }
    }

    /// Runs `work` — database reads, socket binds, media set-up — on a task of its own and
    /// goes on with `then` when its result comes back as an input. Meanwhile the dispatcher
    /// routes every other call; `then` must check again whatever may have changed.
    fn hand_back<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
        then: impl FnOnce(&mut Dispatcher, T) + Send + 'static,
    ) {
        let inbox = self.inbox.clone();
        tokio::spawn(async move {
            let result = work.await;
            let resume = Resume(Box::new(move |d: &mut Dispatcher| then(d, result)));
            let _ = inbox.send(Input::Resume(resume));
        });
    }

    /// Queues a call event for its record.
    fn record_event(&self, event: ringdesk_store::CallEvent) {
        self.writer.send(Write::Call(event));
    }

    fn handle(&mut self, input: Input) {
        match input {
            Input::Trunk(at, e) => self.handle_trunk(at, e),
            Input::SessionOpened {
                manager,
                wrap_up,
                session,
                tx,
            } => self.session_opened(manager, wrap_up, session, tx),
            Input::ConversationChanged {
                channel_id,
                id,
                assignee,
                open,
            } => self.conversation_changed(channel_id, id, assignee, open),
            Input::ConversationNoted { channel_id, id } => {
                self.broadcast_conversation(channel_id, id)
            }
            Input::CallbacksChanged { manager_ids } => {
                let m = ServerEvent::CallbacksChanged {}.into();
                for id in manager_ids {
                    if let Some(e) = self.managers.get(&ManagerId(id)) {
                        e.send(&m);
                    }
                }
            }
            Input::SessionClosed { manager, session } => {
                if let Some(m) = self.managers.get_mut(&manager) {
                    m.sessions.retain(|s| s.id != session);
                    let presence = m.presence();
                    self.input(SwitchboardInput::Presence { manager, presence });
                    self.log_status(manager);
                }
                self.wallboard_session_closed(manager, session);
            }
            Input::Client {
                manager,
                session,
                message,
            } => self.handle_client(manager, session, message),
            Input::Room(call, e) => self.handle_room(call, e),
            Input::LegReady {
                call,
                manager,
                session,
                result,
            } => self.leg_ready(call, manager, session, result),
            Input::Meet {
                channel_id,
                offer,
                reply,
            } => self.meet(channel_id, offer, reply),
            Input::MeetHangup { call, token, reply } => {
                let _ = reply.send(self.meet_hangup(call, &token));
            }
            Input::DialTimeout { call, sip } => self.dial_timed_out(call, sip),
            Input::Snapshot { channel_id, reply } => {
                let _ = reply.send(self.snapshot(channel_id));
            }
            Input::Health { reply } => {
                let _ = reply.send(());
            }
            Input::Resume(Resume(then)) => then(self),
            Input::CallIdsReserved(block) => self.call_ids_reserved(block),
        }
    }

    /// Feeds the switchboard now; its outputs are carried out after the current input.
    fn input(&mut self, input: SwitchboardInput) {
        self.switchboard.handle_input(Instant::now(), input);
    }

    fn session_opened(
        &mut self,
        m: Manager,
        wrap_up: Vec<i64>,
        session: u64,
        tx: mpsc::UnboundedSender<ServerMessage>,
    ) {
        let id = ManagerId(m.id);
        let ringing = self.ringing_calls(m.channel_id);
        let info = crate::api::manager_info(&m);
        let entry = self.managers.entry(id).or_insert_with(|| ManagerEntry {
            info: info.clone(),
            sessions: Vec::new(),
            status: if m.status == AgentStatus::Away.as_str() {
                AgentStatus::Away
            } else {
                AgentStatus::Available
            },
            do_not_disturb: m.do_not_disturb,
            operator_seat: m.operator_seat,
            assignment: Assignment {
                takes_phone_calls: m.takes_phone_calls,
                ring_unassigned: m.ring_unassigned,
            },
            wrap_up: BTreeSet::new(),
            logged_status: std::cell::Cell::new(None),
            status_since_ms: std::cell::Cell::new(None),
        });
        entry.info = info.clone();
        // What the store says, less what a live call holds (its wrap-up starts at its end).
        let live = &self.calls;
        entry.wrap_up.extend(
            wrap_up
                .into_iter()
                .filter(|id| !live.contains_key(&CallId(*id))),
        );
        let _ = tx.send(ServerMessage::Hello {
            protocol: PROTOCOL_VERSION,
            manager: info,
            status: entry.status,
            do_not_disturb: entry.do_not_disturb,
            assignment: entry.assignment,
        });
        let _ = tx.send(ServerEvent::RingingCalls { calls: ringing }.into());
        entry.sessions.push(Session { id: session, tx });
        let presence = entry.presence();
        self.input(SwitchboardInput::Presence {
            manager: id,
            presence,
        });
        self.send_presence(id);
    }

    /// The status shown for a manager: in a call is the cloud's to say.
    fn shown_status(&self, manager: ManagerId, chosen: AgentStatus) -> AgentStatus {
        if self.switchboard.call_of(manager).is_some() {
            AgentStatus::InCall
        } else if self
            .managers
            .get(&manager)
            .is_some_and(ManagerEntry::wrapping_up)
        {
            AgentStatus::WrapUp
        } else {
            chosen
        }
    }

    /// Writes the manager's status to their status log when it changed: what others see, or
    /// `offline` with no app connected (the statistics' time in each status).
    fn log_status(&self, manager: ManagerId) {
        let Some(m) = self.managers.get(&manager) else {
            return;
        };
        let status = if m.sessions.is_empty() {
            "offline"
        } else {
            self.shown_status(manager, m.status).as_str()
        };
        if m.logged_status.replace(Some(status)) != Some(status) {
            let at_ms = now_ms();
            m.status_since_ms.set(Some(at_ms));
            self.writer.send(Write::StatusLog {
                channel_id: m.info.channel_id,
                manager_id: manager.0,
                status,
                at_ms,
            });
        }
    }

    fn send_presence(&self, manager: ManagerId) {
        self.log_status(manager);
        let Some(m) = self.managers.get(&manager) else {
            return;
        };
        let not_ringing = self
            .switchboard
            .eligibility(manager)
            .err()
            .map(ToWire::to_wire);
        m.send(
            &ServerEvent::Presence {
                status: self.shown_status(manager, m.status),
                do_not_disturb: m.do_not_disturb,
                assignment: m.assignment,
                not_ringing,
            }
            .into(),
        );
    }

    fn send_to(&self, manager: ManagerId, session: Option<u64>, m: impl Into<ServerMessage>) {
        let Some(entry) = self.managers.get(&manager) else {
            return;
        };
        let m = m.into();
        match session {
            Some(id) => {
                if let Some(s) = entry.sessions.iter().find(|s| s.id == id) {
                    let _ = s.tx.send(m);
                }
            }
            None => entry.send(&m),
        }
    }

    /// A manager as others see them; everyone the switchboard names has connected once.
    fn manager_ref(&self, manager: ManagerId) -> ManagerRef {
        ManagerRef {
            id: manager.0,
            name: self
                .managers
                .get(&manager)
                .map(|m| m.info.name.clone())
                .unwrap_or_default(),
        }
    }

    fn handle_room(&mut self, call: CallId, event: RoomEvent) {
        match event {
            RoomEvent::CustomerDigit { digit } => {
                if self.workflow_key(call, digit) {
                    return;
                }
                let Some(view) = self.switchboard.view(call) else {
                    return;
                };
                for m in view.managers {
                    self.send_to(
                        m,
                        None,
                        ServerEvent::Dtmf {
                            call_id: call.0,
                            digit: digit.to_string(),
                        },
                    );
                }
            }
            RoomEvent::RecordingPaused { paused, at_ms } => {
                self.recording_paused(call, paused, at_ms)
            }
            RoomEvent::ManagerAudioStarted { manager } => {
                tracing::debug!(%call, %manager, "manager audio reached the room")
            }
            RoomEvent::VisitorLeft => {
                // Closing the page is how a visitor hangs up, too.
                if let Some(c) = self.calls.get_mut(&call) {
                    c.customer_gone = true;
                }
                self.input(SwitchboardInput::CustomerHungUp { call });
            }
            RoomEvent::PartyMediaTimeout => {
                tracing::info!(%call, "no RTP from the parallel party; hanging it up");
                self.party_gone(call);
            }
            RoomEvent::CustomerMediaTimeout => {
                // The trunk went quiet without a BYE: end the call, sending one ourselves.
                tracing::info!(%call, "no RTP from the customer; ending the call");
                self.workflow_input(call, ringdesk_core::workflow::RunInput::CallerLeft);
                self.input(SwitchboardInput::CustomerLegFailed { call });
            }
            RoomEvent::ManagerLegLost { manager, reason } => {
                tracing::info!(%call, %manager, "manager media lost: {reason}");
                self.input(SwitchboardInput::ManagerHungUp { call, manager });
            }
            RoomEvent::PromptFinished { id } => {
                if id != queue::ANNOUNCEMENT_PLAY {
                    self.workflow_input(call, workflow::play_id(id));
                }
            }
            RoomEvent::Voicemail { wav, duration_ms } => {
                self.voicemail_recorded(call, wav, duration_ms)
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
        if self.switchboard.call_of(manager) != Some(call) {
            // The call ended (or we left it) while the leg was being set up; don't start
            // media toward it.
            if let Some(c) = self.calls.get(&call) {
                c.room.send(RoomCommand::RemoveManager { manager });
            }
            self.send_to(
                manager,
                Some(session),
                error(ErrorCode::UnknownCall, format!("call {} has ended", call.0)),
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
                    error(
                        ErrorCode::MediaFailed,
                        format!("could not set up media: {e}"),
                    ),
                );
                self.input(SwitchboardInput::ManagerHungUp { call, manager });
            }
        }
    }
}
