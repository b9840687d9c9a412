//! Queue callbacks in the cloud (`docs/product.md#queues`): the caller who took the offer is
//! let go while the call keeps its place; when a manager takes it, the customer is dialled
//! through the trunk from the number they called, into the same room, so the manager hears
//! ringback and then the customer. The switchboard decides when to try again.

use std::net::SocketAddr;

use ringdesk_core::{CallId, SwitchboardInput};
use ringdesk_sip::runtime::TrunkCommand;
use ringdesk_sip::sdp;
use ringdesk_sip::trunk::{DialRequest, SipCall};
use ringdesk_store::time::now_ms;
use ringdesk_store::{CallEvent, CallbackStep};
use tokio::net::UdpSocket;

use super::Dispatcher;
use crate::room::RoomCommand;

impl Dispatcher {
    /// The caller took the callback offer: their place is kept, if the cloud can call out at
    /// all (else the offer is void and the workflow's end ends the call).
    pub(super) fn keep_place_for_callback(&mut self, call: CallId) {
        if !self.config.can_dial_out {
            tracing::warn!(%call, "a callback was asked for, but there is no outbound trunk");
            return;
        }
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.callback_kept = true;
        self.record_callback(call, CallbackStep::Requested);
        self.input(SwitchboardInput::KeepPlaceForCallback { call });
    }

    /// Whether the caller of `call` is to be let go and called back.
    pub(super) fn awaits_callback(&self, call: CallId) -> bool {
        self.calls.get(&call).is_some_and(|c| c.callback_kept)
    }

    /// The workflow is done with a caller who will be called back: hang up their leg; the
    /// call stays in its queue.
    pub(super) fn let_caller_go(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if let Some(sip) = c.sip.take() {
            self.by_sip.remove(&sip);
            self.trunk.send(TrunkCommand::HangUp { call: sip });
        }
        c.customer_gone = true;
        c.room.send(RoomCommand::DropCustomer);
        self.input(SwitchboardInput::CustomerHungUp { call });
    }

    /// A manager took the callback (or the pause after an unanswered try is over): dial the
    /// customer. The socket is bound off the dispatcher's task.
    pub(super) fn call_customer_back(&mut self, call: CallId, attempt: u32) {
        let ip = self.config.room.ip;
        let work = async move {
            let socket = UdpSocket::bind(SocketAddr::new(ip, 0)).await?;
            let offer = sdp::offer(socket.local_addr()?, rand::random::<u32>().into());
            std::io::Result::Ok((socket, offer))
        };
        self.hand_back(work, move |d, bound| match bound {
            Ok((socket, offer)) => d.dial_back(call, socket, offer),
            Err(e) => {
                tracing::error!(%call, attempt, "a callback's media socket: {e}");
                d.input(SwitchboardInput::DialFailed { call });
            }
        });
    }

    fn dial_back(&mut self, call: CallId, socket: UdpSocket, offer: String) {
        // The manager may have left meanwhile, ending the call.
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let sip = self.trunk.dial(DialRequest {
            to: c.caller.number.clone(),
            caller_id: c.via.number.clone(),
            sdp: offer,
        });
        if let Some(old) = c.sip.replace(sip) {
            self.by_sip.remove(&old);
        }
        c.placed = true;
        c.customer_answered = false;
        c.customer_gone = false;
        c.room.send(RoomCommand::DialCustomerBack { socket });
        self.by_sip.insert(sip, call);
        self.record_callback(call, CallbackStep::Dialled);
        self.time_dial(call, sip);
    }

    /// A try went unanswered: its leg is let go (cancelled if still ringing).
    pub(super) fn callback_try_over(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if let Some(sip) = c.sip.take() {
            self.by_sip.remove(&sip);
            if !c.customer_gone {
                self.trunk.send(TrunkCommand::HangUp { call: sip });
            }
        }
        c.customer_gone = true;
    }

    /// Ends a dial that rings too long: the carrier may never answer.
    pub(super) fn time_dial(&self, call: CallId, sip: SipCall) {
        let (inbox, timeout) = (self.inbox.clone(), self.config.dial_timeout);
        tokio::spawn(async move {
            tokio::time::sleep(timeout).await;
            let _ = inbox.send(super::Input::DialTimeout { call, sip });
        });
    }

    pub(super) fn record_callback(&self, call: CallId, step: CallbackStep) {
        self.record_event(CallEvent::Callback {
            call_id: call.0,
            step,
            at_ms: now_ms(),
        });
    }
}
