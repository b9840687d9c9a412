//! The switchboard's outputs carried out: messages to apps, room commands, SIP answers and
//! hangups, and the call record.

use ringdesk_core::switchboard::{
    CallView, ParallelTarget, Refusal, Request, RingPurpose, RingStop, TransferOutcome,
};
use ringdesk_core::{CallId, ManagerId, SwitchboardOutput};
use ringdesk_sip::runtime::TrunkCommand;
use ringdesk_store::time::now_ms;
use ringdesk_store::{CallEvent, ManagerPart};
use ringdesk_wire::{
    CallState, EndCause, JoinPurpose, ParallelState, RingPurpose as WirePurpose, RingingManager,
    ServerEvent, TransferState,
};
use tokio::sync::oneshot;

use super::{Dispatcher, Input, error};
use crate::codes::ToWire;
use crate::room::RoomCommand;

/// What a refusal tells the manager, in words.
pub(super) fn refusal_message(call: CallId, request: Request, reason: Refusal) -> String {
    let what = request.code();
    let why = match reason {
        Refusal::UnknownCall => format!("call {} is not active", call.0),
        Refusal::NotRingingHere => format!("call {} is not ringing for you", call.0),
        Refusal::NothingToPickUp => format!("call {} is not ringing at anyone", call.0),
        Refusal::NotInCall => format!("you are not in call {}", call.0),
        Refusal::CallFull => "a call holds at most 1 customer and 9 managers".into(),
        Refusal::AlreadyInCall => "that manager is already in this call or ringing for it".into(),
        Refusal::SelfTarget => "you cannot invite or transfer to yourself".into(),
        Refusal::TargetUnavailable(r) => format!("that manager cannot be rung now ({})", r.code()),
        Refusal::NobodyAvailable => "nobody in that team can be rung now".into(),
        Refusal::Busy(r) => format!("you cannot take a call now ({})", r.code()),
        Refusal::TransferInProgress => "another transfer of this call is under way".into(),
        Refusal::NoTransfer => "you have no transfer of this call under way".into(),
        Refusal::TransferNotAnswered => "the transfer's target has not answered yet".into(),
        Refusal::NotAnsweredYet => "the called party has not answered yet".into(),
        Refusal::ParallelInProgress => "a parallel call is up: end or merge it first".into(),
        Refusal::NoParallel => "you have no parallel call in this call".into(),
        Refusal::ParallelConference => {
            "the parallel line has its own conference: wait until the others leave it".into()
        }
        Refusal::PartyNotAnswered => "the parallel call has not been answered yet".into(),
        Refusal::NotInMeets => "voice meets (browser calls) have no hold".into(),
    };
    format!("{what} refused: {why}")
}

impl Dispatcher {
    fn wire_purpose(&self, p: RingPurpose) -> WirePurpose {
        match p {
            RingPurpose::Route => WirePurpose::Route,
            RingPurpose::Invite { by } => WirePurpose::Invite {
                by: self.manager_ref(by),
            },
            RingPurpose::Transfer { by, kind } => WirePurpose::Transfer {
                by: self.manager_ref(by),
                transfer: kind.to_wire(),
            },
            RingPurpose::Parallel { by } => WirePurpose::Parallel {
                by: self.manager_ref(by),
            },
        }
    }

    /// The call as its managers see it, in wire form.
    pub(super) fn call_state(&self, call: CallId, view: &CallView) -> Option<CallState> {
        let c = self.calls.get(&call)?;
        Some(CallState {
            call_id: call.0,
            customer: c.caller.clone(),
            via: c.via.clone(),
            held: view.held,
            managers: view.managers.iter().map(|m| self.manager_ref(*m)).collect(),
            ringing: view
                .ringing
                .iter()
                .map(|(m, p)| RingingManager {
                    manager: self.manager_ref(*m),
                    purpose: self.wire_purpose(*p),
                })
                .collect(),
            transfer: view.transfer.map(|t| TransferState {
                by: self.manager_ref(t.by),
                kind: t.kind.to_wire(),
                consulting: t.consulting.map(|m| self.manager_ref(m)),
            }),
            queued: view.queued,
            dialing: view.dialing,
            parallel: view.parallel.as_ref().map(|p| ParallelState {
                by: self.manager_ref(p.by),
                manager: match p.target {
                    ParallelTarget::Manager(m) => Some(self.manager_ref(m)),
                    ParallelTarget::External => None,
                },
                number: match p.target {
                    ParallelTarget::Manager(_) => None,
                    ParallelTarget::External => c.party.as_ref().map(|p| p.number.clone()),
                },
                answered: p.answered,
                on_second: p.on_second,
                second_line: p.second_line.iter().map(|m| self.manager_ref(*m)).collect(),
            }),
            customer_present: view.customer_present,
            party_number: c.party.as_ref().map(|p| p.number.clone()),
            meet: view.meet,
            callback: view.callback,
            recording: c.recording,
            recording_paused: c.recording_paused,
        })
    }

    /// Sends `m` to every manager in the call.
    pub(super) fn tell_call(&self, call: CallId, m: &ServerEvent) {
        if let Some(view) = self.switchboard.view(call) {
            for manager in view.managers {
                self.send_to(manager, None, m.clone());
            }
        }
    }

    pub(super) fn apply_outputs(&mut self) {
        while let Some(out) = self.switchboard.poll_output() {
            match out {
                SwitchboardOutput::CallCustomerBack { call, attempt } => {
                    self.call_customer_back(call, attempt)
                }
                SwitchboardOutput::CallbackUnanswered { call, .. } => self.callback_try_over(call),
                SwitchboardOutput::Ring {
                    call,
                    manager,
                    purpose,
                } => self.ring(call, manager, purpose),
                SwitchboardOutput::StopRinging {
                    call,
                    manager,
                    reason,
                } => {
                    self.send_to(
                        manager,
                        None,
                        ServerEvent::RingStopped {
                            call_id: call.0,
                            reason: reason.to_wire(),
                        },
                    );
                    self.send_presence(manager);
                    let part = match reason {
                        RingStop::Declined => ManagerPart::Declined,
                        other => ManagerPart::RingStopped {
                            reason: other.code(),
                        },
                    };
                    self.record(call, manager, part);
                }
                SwitchboardOutput::Connected { call, manager } => self.connected(call, manager),
                SwitchboardOutput::Refused {
                    call,
                    manager,
                    request,
                    reason,
                } => {
                    // An answer or pick-up that failed leaves its offer behind: drop it and
                    // answer the session that sent it.
                    let session = match request {
                        Request::Answer | Request::PickUp => self
                            .calls
                            .get_mut(&call)
                            .and_then(|c| c.joining.remove(&manager))
                            .map(|j| j.session),
                        _ => None,
                    };
                    let message = refusal_message(call, request, reason);
                    self.send_to(manager, session, error(reason.to_wire(), message));
                }
                SwitchboardOutput::ManagerLeft {
                    call,
                    manager,
                    cause,
                } => {
                    if let Some(c) = self.calls.get(&call) {
                        c.room.send(RoomCommand::RemoveManager { manager });
                    }
                    self.send_to(
                        manager,
                        None,
                        ServerEvent::CallEnded {
                            call_id: call.0,
                            cause: cause.to_wire(),
                            missed_reason: None,
                        },
                    );
                    self.send_presence(manager);
                    let part = ManagerPart::Left {
                        cause: cause.code(),
                    };
                    self.record(call, manager, part);
                }
                SwitchboardOutput::HoldChanged { call, held, by } => {
                    self.record_event(CallEvent::Hold {
                        call_id: call.0,
                        held,
                        by_manager_id: by.0,
                        at_ms: now_ms(),
                    });
                    // The room hears of it with the call's arrangement (`CallChanged`).
                    let m = ServerEvent::HoldChanged {
                        call_id: call.0,
                        held,
                        by_manager_id: by.0,
                    };
                    self.tell_call(call, &m);
                }
                SwitchboardOutput::InviteUnanswered {
                    call,
                    by,
                    invitee,
                    reason,
                } => {
                    let m = ServerEvent::InviteUnanswered {
                        call_id: call.0,
                        manager: self.manager_ref(invitee),
                        reason: reason.to_wire(),
                    };
                    self.send_to(by, None, m);
                }
                SwitchboardOutput::TransferEnded { call, by, outcome } => {
                    let (to, reason) = match outcome {
                        TransferOutcome::Completed { to } => {
                            self.assign_conversation(call, to);
                            (Some(self.manager_ref(to)), None)
                        }
                        TransferOutcome::Unanswered { reason } => (None, Some(reason.to_wire())),
                        TransferOutcome::Cancelled | TransferOutcome::TargetLeft => (None, None),
                    };
                    let m = ServerEvent::TransferEnded {
                        call_id: call.0,
                        outcome: outcome.to_wire(),
                        to,
                        reason,
                    };
                    self.send_to(by, None, m);
                }
                SwitchboardOutput::ParallelEnded { call, by, reason } => {
                    self.parallel_ended(call, by, reason.to_wire());
                }
                SwitchboardOutput::CustomerLeft { call } => {
                    if let Some(c) = self.calls.get(&call) {
                        c.room.send(RoomCommand::DropCustomer);
                    }
                    self.tell_call(call, &ServerEvent::CustomerLeft { call_id: call.0 });
                }
                SwitchboardOutput::CallChanged { call } => {
                    if let Some(c) = self.calls.get(&call) {
                        self.live_changed.insert(c.channel_id);
                    }
                    self.arrange(call);
                    self.note_merge(call);
                    self.publish_call_state(call);
                }
                SwitchboardOutput::Ended {
                    call,
                    cause,
                    missed,
                    managers,
                } => {
                    self.record_party_end(call, cause.to_wire().into());
                    self.drop_party(call);
                    let Some(c) = self.calls.remove(&call) else {
                        continue;
                    };
                    self.live_changed.insert(c.channel_id);
                    self.wallboard_call_ended(c.channel_id);
                    if let Some(sip) = c.sip {
                        self.by_sip.remove(&sip);
                        if !c.customer_gone {
                            self.trunk.send(TrunkCommand::HangUp { call: sip });
                        }
                    }
                    // A voicemail still recording is kept (the room reports it before it ends).
                    if c.workflow.is_some() {
                        c.room.send(RoomCommand::StopVoicemail);
                    }
                    // Dropping the handle ends the room task and its legs.
                    drop(c.room);
                    self.record_event(CallEvent::Ended {
                        call_id: call.0,
                        at_ms: now_ms(),
                        cause: cause.code(),
                        missed_reason: missed.map(|m| m.code()),
                    });
                    self.push_conversation(c.channel_id, call.0);
                    // Its assignee wraps up a call that was talked (a missed call or a
                    // number never reached has nothing to wrap up).
                    if missed.is_none() && c.customer_answered {
                        self.set_wrap_up(call.0, c.assignee);
                    }
                    let msg = ServerEvent::CallEnded {
                        call_id: call.0,
                        cause: EndCause::from(cause.to_wire()),
                        missed_reason: missed.map(ToWire::to_wire),
                    };
                    for m in managers {
                        self.send_to(m, None, msg.clone());
                        self.send_presence(m);
                        let part = ManagerPart::Left {
                            cause: cause.code(),
                        };
                        self.record(call, m, part);
                    }
                }
            }
        }
        self.publish_ringing_calls();
        self.publish_wallboards();
    }

    fn ring(&mut self, call: CallId, manager: ManagerId, purpose: RingPurpose) {
        let wire_purpose = self.wire_purpose(purpose);
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.rang_for.insert(manager, purpose);
        let msg = ServerEvent::Ring {
            call_id: call.0,
            caller: c.caller.clone(),
            via: c.via.clone(),
            ring_timeout_ms: self.config.ring_timeout.as_millis() as u64,
            purpose: wire_purpose,
        };
        if !c.rung_once {
            c.rung_once = true;
            self.metrics.record_ring_latency(c.invite_at.elapsed());
        }
        self.send_to(manager, None, msg);
        self.send_presence(manager);
        let by = match purpose {
            RingPurpose::Route => None,
            RingPurpose::Invite { by }
            | RingPurpose::Transfer { by, .. }
            | RingPurpose::Parallel { by } => Some(by.0),
        };
        let part = ManagerPart::Rang {
            purpose: purpose.to_wire().as_str(),
            by,
        };
        self.record(call, manager, part);
    }

    /// The switchboard put `manager` in the call: answer the customer the first time, add
    /// the manager's WebRTC leg to the room, and send them the SDP answer when it is ready.
    fn connected(&mut self, call: CallId, manager: ManagerId) {
        self.stop_announcing(call);
        self.stop_waiting_workflow(call);
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(joining) = c.joining.remove(&manager) else {
            tracing::error!(%call, %manager, "connected without an offer");
            return;
        };
        if !c.placed {
            // A workflow may have answered the customer already.
            if !c.customer_answered {
                c.customer_answered = true;
                if let Some(sip) = c.sip {
                    self.trunk.send(TrunkCommand::Answer {
                        call: sip,
                        sdp: c.sip_answer.clone(),
                    });
                }
            }
            c.room.send(RoomCommand::StopRingback);
        }
        // A placed call records from the called party's answer (`dial_answered`).
        let record = c.customer_answered;
        let purpose = match c.rang_for.remove(&manager) {
            _ if joining.pick_up => JoinPurpose::PickUp,
            Some(p) => p.to_wire(),
            None if c.placed => JoinPurpose::Dial,
            None => JoinPurpose::Route,
        };
        let (reply_tx, reply_rx) = oneshot::channel();
        c.room.send(RoomCommand::AddManager {
            manager,
            offer: joining.offer,
            reply: reply_tx,
        });
        let inbox = self.inbox.clone();
        let session = joining.session;
        tokio::spawn(async move {
            let result = reply_rx.await.unwrap_or_else(|_| Err("room closed".into()));
            let _ = inbox.send(Input::LegReady {
                call,
                manager,
                session,
                result,
            });
        });
        if record {
            self.start_recording(call);
        }
        if super::inbox::assigns(purpose) {
            self.assign_conversation(call, manager);
        }
        self.send_presence(manager);
        let purpose = purpose.as_str();
        self.record(call, manager, ManagerPart::Answered { purpose });
    }

    /// Queues a manager's part in a call for its record.
    fn record(&self, call: CallId, manager: ManagerId, part: ManagerPart<'static>) {
        self.record_event(CallEvent::Manager {
            call_id: call.0,
            manager_id: manager.0,
            part,
            at_ms: now_ms(),
        });
    }
}
