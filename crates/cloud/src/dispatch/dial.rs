//! Calls managers place: the dial rules checked (off the dispatcher's task), then the record,
//! the room and the trunk's INVITE; then what the carrier says (rings, answers, can't reach).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use ringdesk_core::switchboard::Request;
use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_sip::sdp::{self, Negotiated};
use ringdesk_sip::trunk::{DialRequest, SipCall};
use ringdesk_store::time::now_ms;
use ringdesk_store::{CallEvent, CallbackStep, Contact, Manager, NewCall, Store};
use ringdesk_wire::{CallDirection, CallVia, Caller, DialCheck, DialPlan, ErrorCode, ServerEvent};
use tokio::net::UdpSocket;

use super::effects::refusal_message;
use super::{ActiveCall, Dispatcher, Joining};
use crate::codes::ToWire;
use crate::dialplan::{self, DialError};
use crate::room::{CustomerMedia, RoomCommand, spawn_room};

/// A manager's dial request, as it came over the WebSocket.
pub(super) struct Dial {
    pub manager: ManagerId,
    pub session: u64,
    pub number: String,
    pub caller_id: Option<String>,
    pub offer: String,
}

/// What a call to a number needs before it is placed — the dial rules' verdict, the called
/// contact, an RTP socket and our SDP offer — gathered off the dispatcher's task.
pub(super) struct Outbound {
    pub manager: Manager,
    pub plan: DialPlan,
    pub contact: Option<Contact>,
    pub socket: UdpSocket,
    pub offer: String,
}

/// Why a call to a number does not go ahead.
pub(super) enum NotPlaced {
    /// The rules (or the set-up) refuse it: a code and words for the manager.
    Refused(ErrorCode, String),
    /// Something failed on our side (logged; the manager hears `internal`).
    Failed(anyhow::Error),
}

impl From<ringdesk_store::StoreError> for NotPlaced {
    fn from(e: ringdesk_store::StoreError) -> Self {
        NotPlaced::Failed(e.into())
    }
}

impl From<std::io::Error> for NotPlaced {
    fn from(e: std::io::Error) -> Self {
        NotPlaced::Failed(e.into())
    }
}

/// Checks a call to `check.number` for `manager` — the dial rules, and that there is a trunk
/// to call through — and prepares its trunk leg. The dial and a parallel call to a number
/// share it.
pub(super) async fn prepare_outbound(
    store: Store,
    can_dial_out: bool,
    media_ip: IpAddr,
    manager: ManagerId,
    check: DialCheck,
) -> Result<Outbound, NotPlaced> {
    let Some(m) = store.manager(manager.0).await? else {
        return Err(NotPlaced::Refused(
            ErrorCode::UnknownManager,
            "your account is gone".into(),
        ));
    };
    let plan = match dialplan::plan(&store, &m, &check).await {
        Ok(p) => p,
        Err(DialError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(NotPlaced::Refused(e.code(), e.to_string())),
    };
    if !can_dial_out {
        let why = "no outbound trunk is configured (start the cloud with --trunk-outbound)";
        return Err(NotPlaced::Refused(ErrorCode::NoOutboundTrunk, why.into()));
    }
    let contact = store.contact_by_phone(m.channel_id, &plan.to).await?;
    let socket = UdpSocket::bind(SocketAddr::new(media_ip, 0)).await?;
    let offer = sdp::offer(socket.local_addr()?, rand::random::<u32>().into());
    Ok(Outbound {
        manager: m,
        plan,
        contact,
        socket,
        offer,
    })
}

impl Dispatcher {
    fn refuse_dial(&self, d: &Dial, code: ErrorCode, message: String) {
        let m = ServerEvent::DialRefused { code, message };
        self.send_to(d.manager, Some(d.session), m);
    }

    /// Gathers what a call to a number needs off the dispatcher's task, then goes on with
    /// `then` (see [`prepare_outbound`]).
    pub(super) fn prepare_outbound(
        &self,
        manager: ManagerId,
        number: String,
        caller_id: Option<String>,
        then: impl FnOnce(&mut Dispatcher, Result<Outbound, NotPlaced>) + Send + 'static,
    ) {
        let work = prepare_outbound(
            self.store.clone(),
            self.config.can_dial_out,
            self.config.room.ip,
            manager,
            DialCheck { number, caller_id },
        );
        self.hand_back(work, then);
    }

    pub(super) fn dial(&mut self, d: Dial) {
        if let Err(r) = self.switchboard.can_dial(d.manager) {
            // The call has no id yet; the busy refusal's words don't name one.
            let message = refusal_message(CallId(0), Request::Dial, r);
            self.refuse_dial(&d, r.to_wire(), message);
            return;
        }
        let (number, caller_id) = (d.number.clone(), d.caller_id.clone());
        self.prepare_outbound(d.manager, number, caller_id, move |disp, outbound| {
            disp.place(d, outbound)
        });
    }

    /// The dial's checks are back: place the call, if the manager is still free to.
    fn place(&mut self, d: Dial, outbound: Result<Outbound, NotPlaced>) {
        let o = match outbound {
            Ok(o) => o,
            Err(NotPlaced::Refused(code, message)) => return self.refuse_dial(&d, code, message),
            Err(NotPlaced::Failed(e)) => {
                tracing::error!(manager = %d.manager, "dial failed: {e}");
                let why = format!("the call could not be placed: {e}");
                return self.refuse_dial(&d, ErrorCode::Internal, why);
            }
        };
        // The manager may have answered a call or dialled again meanwhile.
        if let Err(r) = self.switchboard.can_dial(d.manager) {
            let message = refusal_message(CallId(0), Request::Dial, r);
            return self.refuse_dial(&d, r.to_wire(), message);
        }
        let Some(call) = self.next_call_id() else {
            let why = "too many calls are starting at once; try again".to_string();
            return self.refuse_dial(&d, ErrorCode::Internal, why);
        };
        let Outbound {
            manager,
            plan,
            contact,
            socket,
            offer,
        } = o;
        let customer = Caller {
            number: plan.to.clone(),
            name: contact.as_ref().and_then(|c| c.name.clone()),
            fields: Vec::new(),
        };
        self.record_event(CallEvent::Started(NewCall {
            id: call.0,
            channel_id: manager.channel_id,
            direction: CallDirection::Outbound.as_str(),
            number: plan.caller_id.clone(),
            caller_number: plan.to.clone(),
            caller_name: customer.name.clone(),
            contact_id: contact.as_ref().map(|c| c.id),
            team_id: None,
            started_at_ms: now_ms(),
        }));
        self.push_conversation(manager.channel_id, call.0);
        let room = spawn_room(
            call,
            CustomerMedia {
                socket,
                negotiated: None,
            },
            self.config.room.clone(),
            self.room_events.clone(),
        );
        let sip = self.trunk.dial(DialRequest {
            to: plan.to.clone(),
            caller_id: plan.caller_id.clone(),
            sdp: offer,
        });
        let joining = Joining {
            session: d.session,
            offer: d.offer,
            pick_up: false,
        };
        self.calls.insert(
            call,
            ActiveCall {
                sip: Some(sip),
                joining: HashMap::from([(d.manager, joining)]),
                placed: true,
                // Nobody is rung for a call we place: no ring latency to record.
                rung_once: true,
                ..ActiveCall::new(
                    room,
                    manager.channel_id,
                    customer.clone(),
                    CallVia {
                        number: plan.caller_id.clone(),
                        team_name: String::new(),
                    },
                    Instant::now(),
                )
            },
        );
        self.by_sip.insert(sip, call);
        self.time_dial(call, sip);
        let dialing = ServerEvent::Dialing {
            call_id: call.0,
            customer,
            plan,
        };
        self.send_to(d.manager, Some(d.session), dialing);
        self.input(SwitchboardInput::Dial {
            call,
            manager: d.manager,
        });
    }

    /// The called party rings; early media replaces our ringback.
    pub(super) fn dial_progress(&mut self, sip: SipCall, early_media: Option<Negotiated>) {
        let Some((call, c)) = self.placed_call(sip) else {
            return;
        };
        if let Some(n) = early_media {
            c.room.send(RoomCommand::CustomerMedia(n));
        }
        let m = ServerEvent::DialProgress {
            call_id: call.0,
            early_media: early_media.is_some(),
        };
        self.tell_call(call, &m);
    }

    /// The called party answered: media both ways, and the talk time starts.
    pub(super) fn dial_answered(&mut self, sip: SipCall, media: Negotiated) {
        let Some((call, c)) = self.placed_call(sip) else {
            return;
        };
        c.customer_answered = true;
        c.room.send(RoomCommand::CustomerMedia(media));
        c.room.send(RoomCommand::StopRingback);
        if c.callback_kept {
            self.record_callback(call, CallbackStep::Answered);
        } else {
            self.record_event(CallEvent::OutboundAnswered {
                call_id: call.0,
                at_ms: now_ms(),
            });
        }
        self.start_recording(call);
        self.input(SwitchboardInput::CustomerAnswered { call });
        self.tell_call(call, &ServerEvent::DialAnswered { call_id: call.0 });
    }

    /// The carrier could not reach the called party.
    pub(super) fn dial_failed(&mut self, sip: SipCall, code: u16, reason: String) {
        let Some((call, c)) = self.placed_call(sip) else {
            return;
        };
        c.customer_gone = true;
        let m = ServerEvent::DialFailed {
            call_id: call.0,
            sip_code: code,
            reason,
        };
        self.tell_call(call, &m);
        self.input(SwitchboardInput::DialFailed { call });
    }

    /// Nobody answered the call we placed in time: tell the manager and end it, which
    /// cancels the INVITE at the carrier.
    pub(super) fn dial_timed_out(&mut self, call: CallId, sip: SipCall) {
        let unanswered = self.calls.get(&call).is_some_and(|c| {
            c.placed && c.sip == Some(sip) && !c.customer_answered && !c.customer_gone
        });
        if !unanswered {
            return;
        }
        let secs = self.config.dial_timeout.as_secs();
        let m = ServerEvent::DialFailed {
            call_id: call.0,
            sip_code: 408,
            reason: format!("No answer within {secs} s"),
        };
        self.tell_call(call, &m);
        self.input(SwitchboardInput::DialFailed { call });
    }

    fn placed_call(&mut self, sip: SipCall) -> Option<(CallId, &mut ActiveCall)> {
        let call = *self.by_sip.get(&sip)?;
        let c = self
            .calls
            .get_mut(&call)
            .filter(|c| c.placed && c.sip == Some(sip))?;
        Some((call, c))
    }
}
