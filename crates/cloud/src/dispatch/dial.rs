//! Calls managers place: the dial rules checked, then the record, the room and the trunk's
//! INVITE; then what the carrier says (rings, answers, can't reach).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Instant;

use ringdesk_core::switchboard::Request;
use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_sip::sdp::{self, Negotiated};
use ringdesk_sip::trunk::{DialRequest, SipCall};
use ringdesk_store::time::now_ms;
use ringdesk_store::{Manager, NewCall};
use ringdesk_wire::{CallDirection, CallVia, Caller, DialCheck, DialPlan, ErrorCode, ServerEvent};
use tokio::net::UdpSocket;

use super::effects::refusal_message;
use super::{ActiveCall, Dispatcher, Joining};
use crate::codes::ToWire;
use crate::dialplan;
use crate::room::{CustomerMedia, RoomCommand, spawn_room};

/// A manager's dial request, as it came over the WebSocket.
pub(super) struct Dial {
    pub manager: ManagerId,
    pub session: u64,
    pub number: String,
    pub caller_id: Option<String>,
    pub offer: String,
}

impl Dispatcher {
    fn refuse_dial(&self, d: &Dial, code: ErrorCode, message: String) {
        let m = ServerEvent::DialRefused { code, message };
        self.send_to(d.manager, Some(d.session), m);
    }

    pub(super) async fn dial(&mut self, d: Dial) {
        if let Err(e) = self.try_dial(&d).await {
            tracing::error!(manager = %d.manager, "dial failed: {e}");
            let message = format!("the call could not be placed: {e}");
            self.refuse_dial(&d, ErrorCode::Internal, message);
        }
    }

    /// Checks what a manager wants to call — the dial rules, and that there is a trunk to call
    /// through — before anything rings; the dial and a parallel call to a number share it.
    /// `Ok(Err((code, message)))` is a refusal for the manager.
    pub(super) async fn outbound_plan(
        &self,
        manager: ManagerId,
        number: String,
        caller_id: Option<String>,
    ) -> anyhow::Result<Result<(Manager, DialPlan), (ErrorCode, String)>> {
        let Some(m) = self.store.manager(manager.0).await? else {
            let why = "your account is gone".to_string();
            return Ok(Err((ErrorCode::UnknownManager, why)));
        };
        let check = DialCheck { number, caller_id };
        let plan = match dialplan::plan(&self.store, &m, &check).await {
            Ok(p) => p,
            Err(e) => return Ok(Err((e.code(), e.to_string()))),
        };
        if !self.config.can_dial_out {
            let why = "no outbound trunk is configured (start the cloud with --trunk-outbound)";
            return Ok(Err((ErrorCode::NoOutboundTrunk, why.into())));
        }
        Ok(Ok((m, plan)))
    }

    /// An RTP socket for a new leg through the trunk, and our SDP offer for it.
    pub(super) async fn trunk_offer(&self) -> std::io::Result<(UdpSocket, String)> {
        let socket = UdpSocket::bind(SocketAddr::new(self.config.room.ip, 0)).await?;
        let offer = sdp::offer(socket.local_addr()?, rand::random::<u32>().into());
        Ok((socket, offer))
    }

    async fn try_dial(&mut self, d: &Dial) -> anyhow::Result<()> {
        if let Err(r) = self.switchboard.can_dial(d.manager) {
            // The call has no id yet; the busy refusal's words don't name one.
            let message = refusal_message(CallId(0), Request::Dial, r);
            self.refuse_dial(d, r.to_wire(), message);
            return Ok(());
        }
        let planned = self
            .outbound_plan(d.manager, d.number.clone(), d.caller_id.clone())
            .await?;
        let (manager, plan) = match planned {
            Ok(p) => p,
            Err((code, message)) => {
                self.refuse_dial(d, code, message);
                return Ok(());
            }
        };
        let contact = self
            .store
            .contact_by_phone(manager.channel_id, &plan.to)
            .await?;
        let (socket, offer) = self.trunk_offer().await?;
        let customer = Caller {
            number: plan.to.clone(),
            name: contact.as_ref().and_then(|c| c.name.clone()),
            fields: Vec::new(),
        };
        let call = CallId(
            self.store
                .insert_call(&NewCall {
                    channel_id: manager.channel_id,
                    direction: CallDirection::Outbound.as_str(),
                    number: plan.caller_id.clone(),
                    caller_number: plan.to.clone(),
                    caller_name: customer.name.clone(),
                    contact_id: contact.as_ref().map(|c| c.id),
                    team_id: None,
                    started_at_ms: now_ms(),
                })
                .await?,
        );
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
            offer: d.offer.clone(),
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
        let (inbox, timeout) = (self.inbox.clone(), self.config.dial_timeout);
        tokio::spawn(async move {
            tokio::time::sleep(timeout).await;
            let _ = inbox.send(super::Input::DialTimeout { call });
        });
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
        Ok(())
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
    pub(super) async fn dial_answered(&mut self, sip: SipCall, media: Negotiated) {
        let Some((call, c)) = self.placed_call(sip) else {
            return;
        };
        c.customer_answered = true;
        c.room.send(RoomCommand::CustomerMedia(media));
        c.room.send(RoomCommand::StopRingback);
        if let Err(e) = self.store.outbound_answered(call.0, now_ms()).await {
            tracing::error!(%call, "recording the answer failed: {e}");
        }
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
    pub(super) fn dial_timed_out(&mut self, call: CallId) {
        let unanswered = self
            .calls
            .get(&call)
            .is_some_and(|c| c.placed && !c.customer_answered && !c.customer_gone);
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
