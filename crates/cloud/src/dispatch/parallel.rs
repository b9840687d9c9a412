//! Parallel calls in the cloud: a teammate is rung through the switchboard; a number is
//! checked like a dial and called through the trunk into the same room, as its second trunk
//! leg. The room mixes by the switchboard's arrangement, sent on every change of the call.

use ringdesk_core::switchboard::{ParallelTarget, Place, Request};
use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_media::mixer::LegPlace;
use ringdesk_sip::sdp::Negotiated;
use ringdesk_sip::trunk::{DialRequest, SipCall, TrunkEvent};
use ringdesk_store::CallEvent;
use ringdesk_store::time::now_ms;
use ringdesk_wire::{ErrorCode, ParallelEndReason, PartyOutcome, ServerEvent};

use super::dial::{NotPlaced, Outbound};
use super::effects::refusal_message;
use super::{Dispatcher, error};
use crate::codes::ToWire;
use crate::room::RoomCommand;

/// The party a parallel call reached through the trunk.
pub(super) struct PartyLeg {
    pub sip: SipCall,
    pub number: String,
    /// Its leg is over at the trunk (it hung up, or never answered).
    pub gone: bool,
    /// The merge is recorded.
    pub merged: bool,
}

/// A manager's parallel-call request, as it came over the WebSocket.
pub(super) struct ParallelRequest {
    pub manager: ManagerId,
    pub session: u64,
    pub call: CallId,
    pub teammate: Option<ManagerId>,
    pub number: Option<String>,
    pub caller_id: Option<String>,
}

fn leg_place(p: Place) -> LegPlace {
    match p {
        Place::Line(n) => LegPlace::Line(n),
        Place::Music => LegPlace::Music,
    }
}

impl Dispatcher {
    pub(super) fn parallel_call(&mut self, r: ParallelRequest) {
        match (r.teammate, r.number.clone()) {
            (Some(t), None) => self.input(SwitchboardInput::ParallelCall {
                call: r.call,
                by: r.manager,
                target: ParallelTarget::Manager(t),
            }),
            (None, Some(number)) => {
                if self.refuse_parallel_number(&r) {
                    return;
                }
                let (manager, caller_id) = (r.manager, r.caller_id.clone());
                self.prepare_outbound(manager, number, caller_id, move |d, outbound| {
                    d.dial_party(r, outbound)
                });
            }
            _ => {
                let why = "give exactly one of managerId and number";
                let m = error(ErrorCode::InvalidMessage, why);
                self.send_to(r.manager, Some(r.session), m);
            }
        }
    }

    /// Tells the asker, and returns true, when the switchboard refuses a parallel call to a
    /// number now.
    fn refuse_parallel_number(&self, r: &ParallelRequest) -> bool {
        let Some(reason) =
            self.switchboard
                .parallel_refusal(r.call, r.manager, ParallelTarget::External)
        else {
            return false;
        };
        let message = refusal_message(r.call, Request::Parallel, reason);
        self.send_to(r.manager, Some(r.session), error(reason.to_wire(), message));
        true
    }

    /// The parallel number's checks are back: dial it into the call's room, if the call still
    /// takes a parallel line.
    fn dial_party(&mut self, r: ParallelRequest, outbound: Result<Outbound, NotPlaced>) {
        let o = match outbound {
            Ok(o) => o,
            Err(NotPlaced::Refused(code, message)) => {
                return self.send_to(r.manager, Some(r.session), error(code, message));
            }
            Err(NotPlaced::Failed(e)) => {
                tracing::error!(call = %r.call, "parallel call failed: {e}");
                let m = error(
                    ErrorCode::Internal,
                    format!("the parallel call failed: {e}"),
                );
                return self.send_to(r.manager, Some(r.session), m);
            }
        };
        if self.refuse_parallel_number(&r) {
            return;
        }
        let Some(c) = self.calls.get_mut(&r.call) else {
            return;
        };
        c.room.send(RoomCommand::AddParty { socket: o.socket });
        let sip = self.trunk.dial(DialRequest {
            to: o.plan.to.clone(),
            caller_id: o.plan.caller_id,
            sdp: o.offer,
        });
        c.party = Some(PartyLeg {
            sip,
            number: o.plan.to.clone(),
            gone: false,
            merged: false,
        });
        self.record_event(CallEvent::PartyDialled {
            call_id: r.call.0,
            number: o.plan.to,
            by_manager_id: r.manager.0,
            at_ms: now_ms(),
        });
        self.by_sip.insert(sip, r.call);
        self.input(SwitchboardInput::ParallelCall {
            call: r.call,
            by: r.manager,
            target: ParallelTarget::External,
        });
    }

    /// The call whose parallel party the trunk event is about, if it is about one.
    pub(super) fn party_call_of(&self, event: &TrunkEvent) -> Option<CallId> {
        let sip = match event {
            TrunkEvent::Incoming { .. } => return None,
            TrunkEvent::Cancelled { call }
            | TrunkEvent::Confirmed { call }
            | TrunkEvent::HungUp { call }
            | TrunkEvent::Failed { call, .. }
            | TrunkEvent::Progress { call, .. }
            | TrunkEvent::Answered { call, .. }
            | TrunkEvent::Rejected { call, .. } => *call,
        };
        let call = *self.by_sip.get(&sip)?;
        let c = self.calls.get(&call)?;
        c.party.as_ref().filter(|p| p.sip == sip).map(|_| call)
    }

    /// What the trunk says about a parallel party: early media, the answer, or its end.
    pub(super) fn party_event(&mut self, call: CallId, event: TrunkEvent) {
        match event {
            TrunkEvent::Progress {
                early_media: Some(n),
                ..
            } => {
                if let Some(c) = self.calls.get(&call) {
                    c.room.send(RoomCommand::PartyMedia(n));
                }
            }
            TrunkEvent::Answered { media, .. } => self.party_answered(call, media),
            TrunkEvent::Cancelled { .. }
            | TrunkEvent::HungUp { .. }
            | TrunkEvent::Failed { .. }
            | TrunkEvent::Rejected { .. } => self.party_gone(call),
            TrunkEvent::Progress { .. }
            | TrunkEvent::Confirmed { .. }
            | TrunkEvent::Incoming { .. } => {}
        }
    }

    fn party_answered(&mut self, call: CallId, media: Negotiated) {
        if let Some(c) = self.calls.get(&call) {
            c.room.send(RoomCommand::PartyMedia(media));
            c.room.send(RoomCommand::PartyAnswered);
        }
        if self.has_party(call) {
            self.record_event(CallEvent::PartyAnswered {
                call_id: call.0,
                at_ms: now_ms(),
            });
        }
        self.input(SwitchboardInput::ParallelAnswered { call });
    }

    /// The party's leg is over at the trunk (hung up, unreachable, failed).
    pub(super) fn party_gone(&mut self, call: CallId) {
        if let Some(p) = self.calls.get_mut(&call).and_then(|c| c.party.as_mut()) {
            p.gone = true;
        }
        let merged = self
            .switchboard
            .view(call)
            .is_some_and(|v| v.extra_external);
        self.input(SwitchboardInput::ParallelPartyGone { call });
        if merged {
            // A merged party has no line of its own to end: its leg just goes.
            self.record_party_end(call, PartyOutcome::PartyLeft);
            self.drop_party(call);
        }
    }

    /// Ends the party's leg, at the trunk unless it is gone there already, and in the room.
    pub(super) fn drop_party(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(p) = c.party.take() else {
            return;
        };
        c.room.send(RoomCommand::RemoveParty);
        self.by_sip.remove(&p.sip);
        if !p.gone {
            self.trunk
                .send(ringdesk_sip::runtime::TrunkCommand::HangUp { call: p.sip });
        }
    }

    /// Sends the room who hears whom now.
    pub(super) fn arrange(&self, call: CallId) {
        let (Some(view), Some(c)) = (self.switchboard.view(call), self.calls.get(&call)) else {
            return;
        };
        let a = view.arrangement();
        c.room.send(RoomCommand::Arrange {
            customer: leg_place(a.customer),
            party: leg_place(a.party),
            managers: a
                .managers
                .into_iter()
                .map(|(m, p)| (m, leg_place(p)))
                .collect(),
        });
    }

    /// Whether `manager`'s digits go to the parallel party: they are on its line.
    pub(super) fn digits_to_party(&self, call: CallId, manager: ManagerId) -> bool {
        self.switchboard.view(call).is_some_and(|v| {
            v.parallel.is_some_and(|p| {
                p.by == manager && p.on_second && p.target == ParallelTarget::External
            })
        })
    }

    /// Whether a number is (or was, until its line is dropped) on the call's parallel line.
    fn has_party(&self, call: CallId) -> bool {
        self.calls.get(&call).is_some_and(|c| c.party.is_some())
    }

    /// Records how the party's line went and when its leg ended (a merged party keeps
    /// `merged`, with the time it left).
    pub(super) fn record_party_end(&self, call: CallId, outcome: PartyOutcome) {
        if self.has_party(call) {
            self.record_event(CallEvent::PartyOutcome {
                call_id: call.0,
                outcome: outcome.as_str(),
                ended_at_ms: Some(now_ms()),
            });
        }
    }

    /// Records a merge the first time the call shows the party merged in.
    pub(super) fn note_merge(&mut self, call: CallId) {
        let merged = self
            .switchboard
            .view(call)
            .is_some_and(|v| v.extra_external);
        let Some(p) = self.calls.get_mut(&call).and_then(|c| c.party.as_mut()) else {
            return;
        };
        if !merged || p.merged {
            return;
        }
        p.merged = true;
        self.record_event(CallEvent::PartyOutcome {
            call_id: call.0,
            outcome: PartyOutcome::Merged.as_str(),
            ended_at_ms: None,
        });
    }

    /// Tells the manager who made it that the parallel line ended.
    pub(super) fn parallel_ended(
        &mut self,
        call: CallId,
        by: ManagerId,
        reason: ParallelEndReason,
    ) {
        self.record_party_end(call, reason.into());
        if self
            .calls
            .get(&call)
            .and_then(|c| c.party.as_ref())
            .is_some()
        {
            self.drop_party(call);
        }
        let m = ServerEvent::ParallelEnded {
            call_id: call.0,
            reason,
        };
        self.send_to(by, None, m);
    }
}
