//! Parallel calls in the cloud: a teammate is rung through the switchboard; a number is
//! checked like a dial and called through the trunk into the same room, as its second trunk
//! leg. The room mixes by the switchboard's arrangement, sent on every change of the call.

use ringdesk_core::switchboard::{ParallelTarget, Place, Request};
use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_media::mixer::LegPlace;
use ringdesk_sip::sdp::Negotiated;
use ringdesk_sip::trunk::{DialRequest, SipCall, TrunkEvent};
use ringdesk_store::time::now_ms;
use ringdesk_wire::{ErrorCode, ParallelEndReason, PartyOutcome, ServerEvent};

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
    /// Its row in the call record (`call_parties`), when it could be written.
    pub record: Option<i64>,
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
    pub(super) async fn parallel_call(&mut self, r: ParallelRequest) {
        match (r.teammate, r.number.clone()) {
            (Some(t), None) => self.input(SwitchboardInput::ParallelCall {
                call: r.call,
                by: r.manager,
                target: ParallelTarget::Manager(t),
            }),
            (None, Some(number)) => {
                if let Err(e) = self.parallel_number(&r, number).await {
                    tracing::error!(call = %r.call, "parallel call failed: {e}");
                    let m = error(
                        ErrorCode::Internal,
                        format!("the parallel call failed: {e}"),
                    );
                    self.send_to(r.manager, Some(r.session), m);
                }
            }
            _ => {
                let why = "give exactly one of managerId and number";
                let m = error(ErrorCode::InvalidMessage, why);
                self.send_to(r.manager, Some(r.session), m);
            }
        }
    }

    async fn parallel_number(&mut self, r: &ParallelRequest, number: String) -> anyhow::Result<()> {
        let refuse = |d: &Self, code: ErrorCode, message: String| {
            d.send_to(r.manager, Some(r.session), error(code, message));
        };
        if let Some(reason) =
            self.switchboard
                .parallel_refusal(r.call, r.manager, ParallelTarget::External)
        {
            let message = refusal_message(r.call, Request::Parallel, reason);
            refuse(self, reason.to_wire(), message);
            return Ok(());
        }
        let planned = self
            .outbound_plan(r.manager, number, r.caller_id.clone())
            .await?;
        let plan = match planned {
            Ok((_, plan)) => plan,
            Err((code, message)) => {
                refuse(self, code, message);
                return Ok(());
            }
        };
        let (socket, offer) = self.trunk_offer().await?;
        let Some(c) = self.calls.get(&r.call) else {
            return Ok(());
        };
        c.room.send(RoomCommand::AddParty { socket });
        let sip = self.trunk.dial(DialRequest {
            to: plan.to.clone(),
            caller_id: plan.caller_id,
            sdp: offer,
        });
        let record = self
            .store
            .party_dialled(r.call.0, &plan.to, r.manager.0, now_ms())
            .await
            .map_err(
                |e| tracing::error!(call = %r.call, "recording the parallel party failed: {e}"),
            )
            .ok();
        if let Some(c) = self.calls.get_mut(&r.call) {
            c.party = Some(PartyLeg {
                sip,
                number: plan.to,
                gone: false,
                record,
                merged: false,
            });
        }
        self.by_sip.insert(sip, r.call);
        self.input(SwitchboardInput::ParallelCall {
            call: r.call,
            by: r.manager,
            target: ParallelTarget::External,
        });
        Ok(())
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
    pub(super) async fn party_event(&mut self, call: CallId, event: TrunkEvent) {
        match event {
            TrunkEvent::Progress {
                early_media: Some(n),
                ..
            } => {
                if let Some(c) = self.calls.get(&call) {
                    c.room.send(RoomCommand::PartyMedia(n));
                }
            }
            TrunkEvent::Answered { media, .. } => self.party_answered(call, media).await,
            TrunkEvent::Cancelled { .. }
            | TrunkEvent::HungUp { .. }
            | TrunkEvent::Failed { .. }
            | TrunkEvent::Rejected { .. } => self.party_gone(call).await,
            TrunkEvent::Progress { .. }
            | TrunkEvent::Confirmed { .. }
            | TrunkEvent::Incoming { .. } => {}
        }
    }

    async fn party_answered(&mut self, call: CallId, media: Negotiated) {
        if let Some(c) = self.calls.get(&call) {
            c.room.send(RoomCommand::PartyMedia(media));
            c.room.send(RoomCommand::PartyAnswered);
        }
        if let Some(id) = self.party_record(call)
            && let Err(e) = self.store.party_answered(id, now_ms()).await
        {
            tracing::error!(%call, "recording the parallel party's answer failed: {e}");
        }
        self.input(SwitchboardInput::ParallelAnswered { call });
    }

    /// The party's leg is over at the trunk (hung up, unreachable, failed).
    pub(super) async fn party_gone(&mut self, call: CallId) {
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
            self.record_party_end(call, PartyOutcome::PartyLeft).await;
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

    fn party_record(&self, call: CallId) -> Option<i64> {
        self.calls.get(&call)?.party.as_ref()?.record
    }

    /// Records how the party's line went and when its leg ended (a merged party keeps
    /// `merged`, with the time it left).
    pub(super) async fn record_party_end(&self, call: CallId, outcome: PartyOutcome) {
        if let Some(id) = self.party_record(call)
            && let Err(e) = self
                .store
                .party_outcome(id, outcome.as_str(), Some(now_ms()))
                .await
        {
            tracing::error!(%call, "recording the parallel party's end failed: {e}");
        }
    }

    /// Records a merge the first time the call shows the party merged in.
    pub(super) async fn note_merge(&mut self, call: CallId) {
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
        if let Some(id) = p.record
            && let Err(e) = self
                .store
                .party_outcome(id, PartyOutcome::Merged.as_str(), None)
                .await
        {
            tracing::error!(%call, "recording the merge failed: {e}");
        }
    }

    /// Tells the manager who made it that the parallel line ended.
    pub(super) async fn parallel_ended(
        &mut self,
        call: CallId,
        by: ManagerId,
        reason: ParallelEndReason,
    ) {
        self.record_party_end(call, reason.into()).await;
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
