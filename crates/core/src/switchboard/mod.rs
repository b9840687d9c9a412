//! The switchboard: which manager rings for which call, who is in each call, and how calls end.
//!
//! One switchboard sees every manager and every call of the service, so "already ringing for
//! another call" and "already in a call in any channel" (`docs/product.md#ring-eligibility`) are
//! facts it holds, not queries. A routed call rings one eligible manager at a time (longest idle
//! first); a ring timeout or a decline moves to the next; the call ends with the missed reasons of
//! `docs/product.md#missed-reasons`. Once answered, a call is a room of 1 customer and up to 9
//! managers: managers invite teammates, transfer it (cold, warm, to a team or to a queue), pick it
//! up while it rings elsewhere, hold it, leave it or end it for all. The hold is the call's, not a
//! manager's.
//!
//! Left out: which channel a manager belongs to (the runtime checks that both sides of an
//! invite or transfer are in the same channel), media, and persistence.

mod callback;
mod io;
mod parallel;
mod queue;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use crate::ids::{CallId, ManagerId};
use crate::presence::{NotRingingReason, Presence, ring_eligibility};

pub use callback::{CALLBACK_ATTEMPTS, CALLBACK_RETRY_PAUSE};
pub use io::{
    HangupCause, LegEnd, MissedReason, ParallelEnd, ParallelTarget, Refusal, Request, RingPurpose,
    RingStop, SwitchboardInput, SwitchboardOutput, TransferKind, TransferOutcome, TransferTarget,
};
pub use parallel::{Arrangement, ParallelView, Place};
pub use queue::{MIN_SAMPLES, QUEUE_CAPACITY, QUEUE_MAX_WAIT, QueueId, QueuePlace, SAMPLE_WINDOW};

/// At most 1 customer + 9 managers in a call (`docs/product.md#invite`).
pub const MAX_MANAGERS_PER_CALL: usize = 9;

/// A call as the managers in it see it: who is in, who rings, the hold and any transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallView {
    /// Managers in the call, in id order.
    pub managers: Vec<ManagerId>,
    /// Managers being rung for it, and why.
    pub ringing: Vec<(ManagerId, RingPurpose)>,
    /// The customer is on hold.
    pub held: bool,
    /// A transfer under way.
    pub transfer: Option<TransferView>,
    /// The call waits in a queue for a manager.
    pub queued: bool,
    /// A call a manager placed, not answered yet.
    pub dialing: bool,
    /// A parallel call under way.
    pub parallel: Option<ParallelView>,
    /// The customer is still on the line (a parallel or merged party may outlast them).
    pub customer_present: bool,
    /// A party called from the trunk on a parallel line was merged in: a second external leg.
    pub extra_external: bool,
    /// A browser visitor's call (a voice meet): no hold, so no warm transfer or parallel call.
    pub meet: bool,
    /// The caller asked to be called back: they are not on the line until a manager takes
    /// the call and the customer answers the dial.
    pub callback: bool,
}

/// A transfer under way, as [`CallView`] shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferView {
    /// Who transfers.
    pub by: ManagerId,
    /// Cold or warm.
    pub kind: TransferKind,
    /// The target of a warm transfer who answered and talks with the transferring manager.
    pub consulting: Option<ManagerId>,
}

#[derive(Debug, Clone)]
struct ManagerState {
    presence: Presence,
    ringing: Option<CallId>,
    in_call: Option<CallId>,
    last_call_ended: Option<Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Ring {
    purpose: RingPurpose,
    deadline: Instant,
}

/// Routing to a team's managers, one at a time.
#[derive(Debug, Clone)]
struct Routing {
    candidates: Vec<ManagerId>,
    tried: BTreeSet<ManagerId>,
    /// A call in a queue waits there for a manager instead of ending unanswered.
    queued: Option<Waiting>,
}

/// A call's wait in a queue.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    queue: QueueId,
    entered: Instant,
    /// Ends `abandonedInQueue` then.
    until: Instant,
    /// Arrival order across every queue: the longest waiting caller gets a free manager.
    seq: u64,
}

#[derive(Debug, Clone, Copy)]
struct Transfer {
    by: ManagerId,
    kind: TransferKind,
    /// The warm transfer's target, once they answered.
    consulting: Option<ManagerId>,
    /// The hold as it was before the transfer put the customer on hold.
    resume_hold: bool,
}

#[derive(Debug, Clone)]
struct CallState {
    routing: Option<Routing>,
    managers: BTreeSet<ManagerId>,
    rings: BTreeMap<ManagerId, Ring>,
    /// A manager has talked to the customer.
    answered: bool,
    /// The customer is on hold.
    held: bool,
    transfer: Option<Transfer>,
    /// A manager placed this call (the customer is the called party).
    outbound: bool,
    parallel: Option<parallel::Parallel>,
    customer_present: bool,
    extra_external: bool,
    /// A browser visitor's call (a "voice meet"): no hold.
    meet: bool,
    /// The call walks a workflow; nobody rings until it assigns the call.
    in_workflow: bool,
    /// The caller waits for a callback.
    callback: Option<callback::Callback>,
}

impl CallState {
    /// A call from a customer, nobody in it yet.
    fn incoming(routing: Option<Routing>, meet: bool) -> CallState {
        CallState {
            routing,
            managers: BTreeSet::new(),
            rings: BTreeMap::new(),
            answered: false,
            held: false,
            transfer: None,
            outbound: false,
            parallel: None,
            customer_present: true,
            extra_external: false,
            meet,
            in_workflow: false,
            callback: None,
        }
    }

    /// Managers in the call plus the seats its rings would fill (a transfer's rings fill one:
    /// only one of them can answer).
    fn seats_taken(&self) -> usize {
        let invites = self
            .rings
            .values()
            .filter(|r| {
                matches!(
                    r.purpose,
                    RingPurpose::Invite { .. } | RingPurpose::Parallel { .. }
                )
            })
            .count();
        let transfer = usize::from(self.transfer_rings().next().is_some());
        let external_party = usize::from(
            self.extra_external
                || self
                    .parallel
                    .as_ref()
                    .is_some_and(|p| p.target == ParallelTarget::External),
        );
        self.managers.len() + invites + transfer + external_party
    }

    fn transfer_rings(&self) -> impl Iterator<Item = ManagerId> + '_ {
        self.rings
            .iter()
            .filter(|(_, r)| matches!(r.purpose, RingPurpose::Transfer { .. }))
            .map(|(m, _)| *m)
    }

    fn route_ring(&self) -> Option<ManagerId> {
        self.rings
            .iter()
            .find(|(_, r)| r.purpose == RingPurpose::Route)
            .map(|(m, _)| *m)
    }

    fn involves(&self, manager: ManagerId) -> bool {
        self.managers.contains(&manager) || self.rings.contains_key(&manager)
    }

    /// Nobody has the call yet: it walks a workflow, or waits in a queue (where a workflow for
    /// waiting calls may talk to the caller, route the call on or end it).
    fn workflows_own(&self) -> bool {
        let waiting = self.routing.as_ref().is_some_and(|r| r.queued.is_some());
        self.in_workflow || waiting && self.managers.is_empty() && !self.answered
    }

    /// Someone from outside is on the line: the customer, or a party called from the trunk.
    fn has_external(&self) -> bool {
        self.customer_present
            || self.extra_external
            || self
                .parallel
                .as_ref()
                .is_some_and(|p| p.target == ParallelTarget::External)
    }
}

/// The routing and call-control state machine. See the module docs.
#[derive(Debug)]
pub struct Switchboard {
    ring_timeout: Duration,
    managers: BTreeMap<ManagerId, ManagerState>,
    calls: BTreeMap<CallId, CallState>,
    outputs: VecDeque<SwitchboardOutput>,
    /// Calls whose view changed during the current input.
    changed: BTreeSet<CallId>,
    /// Each queue's recent answers, for the estimated wait.
    histories: BTreeMap<QueueId, queue::QueueHistory>,
    /// The next caller's place in arrival order.
    next_seq: u64,
    /// The pause between a callback's tries.
    callback_pause: Duration,
}

impl Switchboard {
    /// A switchboard ringing each manager for `ring_timeout` (PRODUCT default: 30 s).
    pub fn new(ring_timeout: Duration) -> Self {
        Switchboard {
            ring_timeout,
            managers: BTreeMap::new(),
            calls: BTreeMap::new(),
            outputs: VecDeque::new(),
            changed: BTreeSet::new(),
            histories: BTreeMap::new(),
            next_seq: 0,
            callback_pause: CALLBACK_RETRY_PAUSE,
        }
    }

    /// The same, pausing `pause` between a callback's tries (shorter in tests).
    pub fn with_callback_pause(mut self, pause: Duration) -> Self {
        self.callback_pause = pause;
        self
    }

    /// Why `manager` would not be rung right now, or `Ok` if they would.
    pub fn eligibility(&self, manager: ManagerId) -> Result<(), NotRingingReason> {
        let Some(m) = self.managers.get(&manager) else {
            return Err(NotRingingReason::Offline);
        };
        ring_eligibility(&m.presence, m.ringing.is_some(), m.in_call.is_some())
    }

    /// The call a manager is in, if any.
    pub fn call_of(&self, manager: ManagerId) -> Option<CallId> {
        self.managers.get(&manager).and_then(|m| m.in_call)
    }

    /// The call as its managers see it; `None` once it ended.
    pub fn view(&self, call: CallId) -> Option<CallView> {
        let c = self.calls.get(&call)?;
        Some(CallView {
            managers: c.managers.iter().copied().collect(),
            ringing: c.rings.iter().map(|(m, r)| (*m, r.purpose)).collect(),
            held: c.held,
            transfer: c.transfer.map(|t| TransferView {
                by: t.by,
                kind: t.kind,
                consulting: t.consulting,
            }),
            queued: c.routing.as_ref().is_some_and(|r| r.queued.is_some()),
            dialing: c.outbound && !c.answered,
            parallel: c.parallel.as_ref().map(parallel::Parallel::view),
            customer_present: c.customer_present,
            extra_external: c.extra_external,
            meet: c.meet,
            callback: c.callback.is_some(),
        })
    }

    /// The next output for the runtime.
    pub fn poll_output(&mut self) -> Option<SwitchboardOutput> {
        self.outputs.pop_front()
    }

    /// The earliest deadline: a ring timeout, a queue's maximum wait or a callback's retry.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.calls
            .values()
            .flat_map(|c| {
                let rings = c.rings.values().map(|r| r.deadline);
                let wait = c.routing.as_ref().and_then(|r| r.queued).map(|w| w.until);
                rings.chain(wait)
            })
            .chain(self.next_redial())
            .min()
    }

    /// Expires ring deadlines and queue waits at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let rings: Vec<(CallId, ManagerId)> = self
            .calls
            .iter()
            .flat_map(|(id, c)| {
                c.rings
                    .iter()
                    .filter(|(_, r)| r.deadline <= now)
                    .map(|(m, _)| (*id, *m))
            })
            .collect();
        for (call, manager) in rings {
            self.ring_unanswered(now, call, manager, RingStop::TimedOut);
        }
        let waited: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                c.routing
                    .as_ref()
                    .and_then(|r| r.queued)
                    .is_some_and(|w| w.until <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        self.redial_due(now);
        for call in waited {
            let missed = Some(MissedReason::AbandonedInQueue);
            self.end(
                now,
                call,
                HangupCause::NotAnswered,
                missed,
                RingStop::CallEnded,
            );
        }
        self.finish_input(now);
    }

    /// Applies one input.
    pub fn handle_input(&mut self, now: Instant, input: SwitchboardInput) {
        match input {
            SwitchboardInput::Presence { manager, presence } => {
                self.set_presence(now, manager, presence)
            }
            SwitchboardInput::CallArrived { call, candidates } => {
                self.arrive(now, call, candidates, false)
            }
            SwitchboardInput::MeetArrived { call, candidates } => {
                self.arrive(now, call, candidates, true)
            }
            SwitchboardInput::WorkflowArrived { call } => self.workflow_arrived(call),
            SwitchboardInput::Route {
                call,
                queue,
                candidates,
                max_wait,
            } => self.route(now, call, queue, candidates, max_wait),
            SwitchboardInput::KeepPlaceForCallback { call } => self.keep_place_for_callback(call),
            SwitchboardInput::WorkflowEnded { call, missed } => {
                // Only a call still the workflow's: one a manager has is not.
                if self.calls.get(&call).is_some_and(CallState::workflows_own) {
                    self.end(
                        now,
                        call,
                        HangupCause::NotAnswered,
                        Some(missed),
                        RingStop::CallEnded,
                    );
                }
            }
            SwitchboardInput::Dial { call, manager } => self.dial(call, manager),
            SwitchboardInput::CustomerAnswered { call } => {
                if let Some(c) = self.calls.get_mut(&call).filter(|c| c.outbound) {
                    c.answered = true;
                    self.changed.insert(call);
                }
                self.callback_answered(call);
            }
            SwitchboardInput::DialFailed { call } => {
                if !self.callback_unanswered(now, call) {
                    self.end(
                        now,
                        call,
                        HangupCause::NotReached,
                        None,
                        RingStop::CallEnded,
                    );
                }
            }
            SwitchboardInput::ParallelCall { call, by, target } => {
                self.parallel_call(now, call, by, target)
            }
            SwitchboardInput::ParallelAnswered { call } => self.parallel_answered(call),
            SwitchboardInput::ParallelPartyGone { call } => self.parallel_party_gone(now, call),
            SwitchboardInput::SwitchLine { call, by } => self.switch_line(call, by),
            SwitchboardInput::Merge { call, by } => self.merge(call, by),
            SwitchboardInput::Answer { call, manager } => self.answer(now, call, manager),
            SwitchboardInput::PickUp {
                call,
                manager,
                leave_current,
            } => self.pick_up(now, call, manager, leave_current),
            SwitchboardInput::Decline { call, manager } => {
                if self
                    .calls
                    .get(&call)
                    .is_some_and(|c| c.rings.contains_key(&manager))
                {
                    self.ring_unanswered(now, call, manager, RingStop::Declined);
                }
            }
            SwitchboardInput::CustomerHungUp { call } => {
                self.customer_gone(now, call, HangupCause::CustomerHangup)
            }
            SwitchboardInput::CustomerLegFailed { call } => {
                self.customer_gone(now, call, HangupCause::CustomerLegFailed)
            }
            SwitchboardInput::ManagerHungUp { call, manager } => {
                self.manager_hung_up(now, call, manager)
            }
            SwitchboardInput::EndForAll { call, manager } => {
                if self.in_call(call, manager, Request::EndForAll) {
                    self.end(
                        now,
                        call,
                        HangupCause::EndedForAll,
                        None,
                        RingStop::CallEnded,
                    );
                }
            }
            SwitchboardInput::SetHold {
                call,
                manager,
                held,
            } => {
                if self.in_answered_call(call, manager, Request::Hold) {
                    if self.calls[&call].meet {
                        self.refuse(call, manager, Request::Hold, Refusal::NotInMeets);
                    } else {
                        self.set_held(call, held, manager);
                    }
                }
            }
            SwitchboardInput::Invite { call, by, invitee } => self.invite(now, call, by, invitee),
            SwitchboardInput::Transfer {
                call,
                by,
                kind,
                target,
            } => self.transfer(now, call, by, kind, target),
            SwitchboardInput::CompleteTransfer { call, by } => {
                self.complete_transfer(now, call, by)
            }
            SwitchboardInput::CancelTransfer { call, by } => self.cancel_transfer(now, call, by),
            SwitchboardInput::TransferToQueue {
                call,
                by,
                queue,
                candidates,
                max_wait,
            } => self.transfer_to_queue(now, call, by, (queue, max_wait), candidates),
        }
        self.finish_input(now);
    }

    /// Rings waiting queue calls whose managers may have become free, longest waiting first,
    /// then reports the calls that changed.
    fn finish_input(&mut self, now: Instant) {
        // Most of the time nobody is free: then there is nothing to look at. Otherwise only
        // the callers one of the free managers could take are tried, until none is free.
        let mut free: Vec<ManagerId> = self
            .managers
            .keys()
            .copied()
            .filter(|m| self.eligibility(*m).is_ok())
            .collect();
        if !free.is_empty() {
            let mut waiting: Vec<(u64, CallId)> = self
                .calls
                .iter()
                .filter(|(_, c)| c.route_ring().is_none())
                .filter_map(|(id, c)| Some((c.routing.as_ref()?.queued?.seq, *id)))
                .collect();
            waiting.sort_unstable();
            for (_, call) in waiting {
                let takes_one = self.calls[&call]
                    .routing
                    .as_ref()
                    .is_some_and(|r| r.candidates.iter().any(|m| free.contains(m)));
                if takes_one && self.ring_next(now, call) {
                    free.retain(|m| self.eligibility(*m).is_ok());
                    if free.is_empty() {
                        break;
                    }
                }
            }
        }
        for call in std::mem::take(&mut self.changed) {
            if self.calls.contains_key(&call) {
                self.outputs
                    .push_back(SwitchboardOutput::CallChanged { call });
            }
        }
    }

    fn refuse(&mut self, call: CallId, manager: ManagerId, request: Request, reason: Refusal) {
        self.outputs.push_back(SwitchboardOutput::Refused {
            call,
            manager,
            request,
            reason,
        });
    }

    /// True when `manager` is in `call`; otherwise refuses `request` and returns false.
    fn in_call(&mut self, call: CallId, manager: ManagerId, request: Request) -> bool {
        let reason = match self.calls.get(&call) {
            None => Refusal::UnknownCall,
            Some(c) if !c.managers.contains(&manager) => Refusal::NotInCall,
            Some(_) => return true,
        };
        self.refuse(call, manager, request, reason);
        false
    }

    /// Like [`Self::in_call`], and the customer must be on the line: a call still ringing at
    /// the party a manager dialled has nobody to hold, invite to or transfer.
    fn in_answered_call(&mut self, call: CallId, manager: ManagerId, request: Request) -> bool {
        if !self.in_call(call, manager, request) {
            return false;
        }
        if self.calls[&call].answered {
            return true;
        }
        self.refuse(call, manager, request, Refusal::NotAnsweredYet);
        false
    }

    /// Whether `manager` may place a call now: online with a seat, in no call and ringing
    /// for none. The runtime asks before it sends the INVITE.
    pub fn can_dial(&self, manager: ManagerId) -> Result<(), Refusal> {
        self.free_to_talk(manager, None)
    }

    /// A call from outside comes in (`meet`: from a browser, where there is no hold).
    fn arrive(&mut self, now: Instant, call: CallId, candidates: Vec<ManagerId>, meet: bool) {
        let routing = Routing {
            candidates,
            tried: BTreeSet::new(),
            queued: None,
        };
        self.calls
            .insert(call, CallState::incoming(Some(routing), meet));
        self.route_next(now, call);
    }

    fn workflow_arrived(&mut self, call: CallId) {
        self.calls.insert(
            call,
            CallState {
                in_workflow: true,
                ..CallState::incoming(None, false)
            },
        );
    }

    /// A workflow's call joins a queue (rung in [`Self::finish_input`], in arrival order); a
    /// call not in a workflow is left alone.
    fn route(
        &mut self,
        now: Instant,
        call: CallId,
        queue: QueueId,
        candidates: Vec<ManagerId>,
        max_wait: Duration,
    ) {
        if !self.calls.get(&call).is_some_and(CallState::workflows_own) {
            return;
        }
        // A waiting call sent to another queue stops ringing here first.
        if let Some(m) = self.calls.get(&call).and_then(CallState::route_ring) {
            self.stop_ring(call, m, Some(RingStop::CallEnded));
        }
        let turned_away = if self.queue_len(queue) >= QUEUE_CAPACITY {
            Some(MissedReason::ExceededQueue)
        } else if !candidates.iter().any(|m| self.could_take_calls(*m)) {
            Some(MissedReason::NoOperator)
        } else {
            None
        };
        if let Some(missed) = turned_away {
            return self.end(
                now,
                call,
                HangupCause::NotAnswered,
                Some(missed),
                RingStop::CallEnded,
            );
        }
        let waiting = self.start_waiting(now, queue, max_wait);
        if let Some(c) = self.calls.get_mut(&call) {
            c.in_workflow = false;
            // The queue music plays until a manager answers.
            c.held = true;
            c.routing = Some(Routing {
                candidates,
                tried: BTreeSet::new(),
                queued: Some(waiting),
            });
        }
        self.changed.insert(call);
    }

    /// A caller's wait in `queue` starting now.
    fn start_waiting(&mut self, now: Instant, queue: QueueId, max_wait: Duration) -> Waiting {
        self.next_seq += 1;
        Waiting {
            queue,
            entered: now,
            until: now + max_wait,
            seq: self.next_seq,
        }
    }

    /// Callers waiting in `queue` (being rung or not).
    fn queue_len(&self, queue: QueueId) -> usize {
        self.calls
            .values()
            .filter(|c| Self::waits_in(c, queue))
            .count()
    }

    fn waits_in(c: &CallState, queue: QueueId) -> bool {
        c.routing
            .as_ref()
            .and_then(|r| r.queued)
            .is_some_and(|w| w.queue == queue)
    }

    /// Whether `manager` could be rung once free: online with a seat and taking calls, maybe
    /// busy with another one. A queue nobody could ever answer turns callers away at once.
    fn could_take_calls(&self, manager: ManagerId) -> bool {
        let Some(m) = self.managers.get(&manager) else {
            return false;
        };
        matches!(
            ring_eligibility(&m.presence, false, false),
            Ok(()) | Err(NotRingingReason::InCall | NotRingingReason::WrapUp)
        )
    }

    /// Where `call` waits: its queue, its position and how many wait there.
    pub fn queue_place(&self, call: CallId) -> Option<QueuePlace> {
        let me = self.calls.get(&call)?.routing.as_ref()?.queued?;
        let ahead = self
            .calls
            .values()
            .filter_map(|c| c.routing.as_ref()?.queued)
            .filter(|w| w.queue == me.queue);
        let (mut position, mut waiting) = (0, 0);
        for w in ahead {
            waiting += 1;
            position += usize::from(w.seq <= me.seq);
        }
        Some(QueuePlace {
            queue: me.queue,
            position,
            waiting,
        })
    }

    /// How long `call` is likely still to wait, from its queue's recent answers; `None` when
    /// they are too few to say (a caller is told nothing rather than a wrong number).
    pub fn estimated_wait(&self, now: Instant, call: CallId) -> Option<Duration> {
        let place = self.queue_place(call)?;
        self.histories
            .get(&place.queue)?
            .estimate(now, place.position)
    }

    fn dial(&mut self, call: CallId, manager: ManagerId) {
        if let Err(reason) = self.can_dial(manager) {
            return self.refuse(call, manager, Request::Dial, reason);
        }
        self.calls.insert(
            call,
            CallState {
                routing: None,
                managers: BTreeSet::from([manager]),
                rings: BTreeMap::new(),
                answered: false,
                held: false,
                transfer: None,
                outbound: true,
                parallel: None,
                customer_present: true,
                extra_external: false,
                meet: false,
                in_workflow: false,
                callback: None,
            },
        );
        if let Some(m) = self.managers.get_mut(&manager) {
            m.in_call = Some(call);
        }
        self.changed.insert(call);
        self.outputs
            .push_back(SwitchboardOutput::Connected { call, manager });
    }

    fn set_presence(&mut self, now: Instant, manager: ManagerId, presence: Presence) {
        let state = self.managers.entry(manager).or_insert(ManagerState {
            presence,
            ringing: None,
            in_call: None,
            last_call_ended: None,
        });
        state.presence = presence;
        let Some(call) = state.ringing else {
            return;
        };
        // A manager who can no longer take calls stops ringing now; the call moves on.
        let stop = match ring_eligibility(&presence, false, false) {
            Err(NotRingingReason::Offline) => Some(RingStop::Disconnected),
            Err(_) => Some(RingStop::Unavailable),
            Ok(()) => None,
        };
        if let Some(reason) = stop {
            self.ring_unanswered(now, call, manager, reason);
        }
    }

    fn start_ring(&mut self, now: Instant, call: CallId, manager: ManagerId, purpose: RingPurpose) {
        let deadline = now + self.ring_timeout;
        if let Some(c) = self.calls.get_mut(&call) {
            c.rings.insert(manager, Ring { purpose, deadline });
        }
        if let Some(m) = self.managers.get_mut(&manager) {
            m.ringing = Some(call);
        }
        self.changed.insert(call);
        self.outputs.push_back(SwitchboardOutput::Ring {
            call,
            manager,
            purpose,
        });
    }

    /// Removes a ring; `reason` is `None` when an answer consumed it (nothing to tell).
    fn stop_ring(
        &mut self,
        call: CallId,
        manager: ManagerId,
        reason: Option<RingStop>,
    ) -> Option<RingPurpose> {
        let ring = self.calls.get_mut(&call)?.rings.remove(&manager)?;
        if let Some(m) = self.managers.get_mut(&manager)
            && m.ringing == Some(call)
        {
            m.ringing = None;
        }
        self.changed.insert(call);
        if let Some(reason) = reason {
            self.outputs.push_back(SwitchboardOutput::StopRinging {
                call,
                manager,
                reason,
            });
        }
        Some(ring.purpose)
    }

    /// A ring ended without an answer (declined, timed out, app gone).
    fn ring_unanswered(
        &mut self,
        now: Instant,
        call: CallId,
        manager: ManagerId,
        reason: RingStop,
    ) {
        let Some(purpose) = self.stop_ring(call, manager, Some(reason)) else {
            return;
        };
        match purpose {
            RingPurpose::Route => self.route_next(now, call),
            RingPurpose::Invite { by } => {
                self.outputs.push_back(SwitchboardOutput::InviteUnanswered {
                    call,
                    by,
                    invitee: manager,
                    reason,
                });
                self.end_if_empty(now, call);
            }
            RingPurpose::Parallel { .. } => {
                self.end_parallel(now, call, ParallelEnd::Unanswered(reason))
            }
            RingPurpose::Transfer { .. } => {
                let others = self
                    .calls
                    .get(&call)
                    .is_some_and(|c| c.transfer_rings().next().is_some());
                if !others {
                    self.transfer_over(now, call, TransferOutcome::Unanswered { reason });
                }
            }
        }
    }

    /// Rings the next manager of a routed call; when nobody is left, a queued call waits and
    /// any other ends unanswered.
    fn route_next(&mut self, now: Instant, call: CallId) {
        if self.ring_next(now, call) {
            return;
        }
        let Some(routing) = self.calls.get_mut(&call).and_then(|c| c.routing.as_mut()) else {
            return;
        };
        if let Some(waiting) = routing.queued {
            if waiting.queue.goes_round() {
                // A team's queue goes round its managers until one answers or the wait runs out.
                routing.tried.clear();
                return;
            }
            if routing.tried.is_empty() {
                // Its manager is busy: the caller waits for them.
                return;
            }
        }
        let missed = if routing.tried.is_empty() {
            MissedReason::NoOperator
        } else {
            MissedReason::RingTimeOver
        };
        self.end(
            now,
            call,
            HangupCause::NotAnswered,
            Some(missed),
            RingStop::CallEnded,
        );
    }

    /// Rings the best untried eligible candidate; false if there is none.
    fn ring_next(&mut self, now: Instant, call: CallId) -> bool {
        let Some(routing) = self.calls.get(&call).and_then(|c| c.routing.as_ref()) else {
            return false;
        };
        let mut eligible: Vec<(usize, ManagerId)> = routing
            .candidates
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, m)| !routing.tried.contains(m) && self.eligibility(*m).is_ok())
            .collect();
        // Longest idle first (never-called first), then the team's order.
        eligible.sort_by_key(|(pos, m)| (self.managers[m].last_call_ended, *pos));
        let Some(&(_, manager)) = eligible.first() else {
            return false;
        };
        if let Some(r) = self.calls.get_mut(&call).and_then(|c| c.routing.as_mut()) {
            r.tried.insert(manager);
        }
        self.start_ring(now, call, manager, RingPurpose::Route);
        true
    }

    fn answer(&mut self, now: Instant, call: CallId, manager: ManagerId) {
        let refusal = match self.calls.get(&call) {
            None => Some(Refusal::UnknownCall),
            Some(c) if !c.rings.contains_key(&manager) => Some(Refusal::NotRingingHere),
            Some(_) => None,
        };
        if let Some(reason) = refusal {
            self.refuse(call, manager, Request::Answer, reason);
            return;
        }
        let Some(purpose) = self.stop_ring(call, manager, None) else {
            return;
        };
        self.join(now, call, manager, purpose);
    }

    fn pick_up(&mut self, now: Instant, call: CallId, manager: ManagerId, leave_current: bool) {
        let ringing_at = match self.calls.get(&call) {
            None => Err(Refusal::UnknownCall),
            Some(c) => c.route_ring().ok_or(Refusal::NothingToPickUp),
        };
        // One call at a time: taking this one leaves the current one first, when the manager
        // confirmed that (and only once the call is known to be there to take).
        if leave_current
            && ringing_at.is_ok()
            && let Some(current) = self.call_of(manager).filter(|c| *c != call)
        {
            self.manager_hung_up(now, current, manager);
        }
        let ringing_at = match ringing_at {
            Ok(m) if m == manager => return self.answer(now, call, manager),
            Ok(m) => self.can_take(manager, call).map(|()| m),
            Err(e) => Err(e),
        };
        match ringing_at {
            Ok(elsewhere) => {
                self.stop_ring(call, elsewhere, Some(RingStop::PickedUp));
                self.join(now, call, manager, RingPurpose::Route);
            }
            Err(reason) => self.refuse(call, manager, Request::PickUp, reason),
        }
    }

    /// Whether `manager` may take `call` by their own action (pick-up): status and
    /// do-not-disturb don't matter, being online with a seat and free does.
    fn can_take(&self, manager: ManagerId, call: CallId) -> Result<(), Refusal> {
        self.free_to_talk(manager, Some(call))
    }

    /// Online with a seat, in no call, and ringing for no call but `ringing_ok`.
    fn free_to_talk(&self, manager: ManagerId, ringing_ok: Option<CallId>) -> Result<(), Refusal> {
        let Some(m) = self.managers.get(&manager) else {
            return Err(Refusal::Busy(NotRingingReason::Offline));
        };
        if !m.presence.online {
            Err(Refusal::Busy(NotRingingReason::Offline))
        } else if !m.presence.operator_seat {
            Err(Refusal::Busy(NotRingingReason::NoOperatorSeat))
        } else if m.in_call.is_some() {
            Err(Refusal::Busy(NotRingingReason::InCall))
        } else if m.ringing.is_some_and(|c| Some(c) != ringing_ok) {
            Err(Refusal::Busy(NotRingingReason::RingingForAnotherCall))
        } else {
            Ok(())
        }
    }

    /// `manager` joins `call`, taking the ring of `purpose`.
    fn join(&mut self, now: Instant, call: CallId, manager: ManagerId, purpose: RingPurpose) {
        if let Some(m) = self.managers.get_mut(&manager) {
            m.in_call = Some(call);
        }
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.managers.insert(manager);
        let first = !c.answered;
        c.answered = true;
        self.changed.insert(call);
        self.outputs
            .push_back(SwitchboardOutput::Connected { call, manager });
        match purpose {
            RingPurpose::Route => {
                let Some(waiting) = c.routing.take().and_then(|r| r.queued) else {
                    return;
                };
                // Out of the queue: the manager talks to the customer (the others in a
                // transferred call hear the hold end).
                if first {
                    c.held = false;
                }
                self.histories
                    .entry(waiting.queue)
                    .or_default()
                    .answered(now, waiting.entered);
                if !first {
                    self.set_held(call, false, manager);
                }
                self.callback_taken(call);
            }
            RingPurpose::Invite { .. } => self.joined_by_invite(call, manager),
            RingPurpose::Parallel { .. } => self.parallel_answered(call),
            RingPurpose::Transfer { by, kind } => {
                let others: Vec<ManagerId> = c.transfer_rings().collect();
                for other in others {
                    self.stop_ring(call, other, Some(RingStop::AnsweredElsewhere));
                }
                match kind {
                    TransferKind::Cold => self.hand_over(now, call, by, manager),
                    TransferKind::Warm => {
                        if let Some(t) = self.calls.get_mut(&call).and_then(|c| c.transfer.as_mut())
                        {
                            t.consulting = Some(manager);
                        }
                    }
                }
            }
        }
    }

    /// Completes a transfer: `by` leaves (if still in), the customer comes off hold with `to`.
    fn hand_over(&mut self, now: Instant, call: CallId, by: ManagerId, to: ManagerId) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.transfer = None;
        }
        self.leave(now, call, by, LegEnd::Transferred);
        self.set_held(call, false, by);
        self.outputs.push_back(SwitchboardOutput::TransferEnded {
            call,
            by,
            outcome: TransferOutcome::Completed { to },
        });
    }

    /// A transfer ended without handing over: the hold goes back to what it was.
    fn transfer_over(&mut self, now: Instant, call: CallId, outcome: TransferOutcome) {
        let Some(t) = self.calls.get_mut(&call).and_then(|c| c.transfer.take()) else {
            return;
        };
        self.changed.insert(call);
        self.set_held(call, t.resume_hold, t.by);
        self.outputs.push_back(SwitchboardOutput::TransferEnded {
            call,
            by: t.by,
            outcome,
        });
        self.end_if_empty(now, call);
    }

    fn set_held(&mut self, call: CallId, held: bool, by: ManagerId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        // Asking for what already is (a second click, two managers at once) changes nothing;
        // a browser visitor is never held (meets have no hold).
        if c.held != held && !c.meet {
            c.held = held;
            self.changed.insert(call);
            self.outputs
                .push_back(SwitchboardOutput::HoldChanged { call, held, by });
        }
    }

    /// Takes `manager`'s leg out of a call that goes on.
    fn leave(&mut self, now: Instant, call: CallId, manager: ManagerId, cause: LegEnd) -> bool {
        let Some(c) = self.calls.get_mut(&call) else {
            return false;
        };
        if !c.managers.remove(&manager) {
            return false;
        }
        if let Some(m) = self.managers.get_mut(&manager) {
            m.in_call = None;
            m.last_call_ended = Some(now);
        }
        self.changed.insert(call);
        self.outputs.push_back(SwitchboardOutput::ManagerLeft {
            call,
            manager,
            cause,
        });
        true
    }

    fn manager_hung_up(&mut self, now: Instant, call: CallId, manager: ManagerId) {
        if self.parallel_member_left(now, call, manager) {
            return;
        }
        let transfer = self.calls.get(&call).and_then(|c| c.transfer);
        match transfer {
            // The transferring manager hanging up on a warm transfer's talk hands over, as a
            // PBX's attended transfer does.
            Some(Transfer {
                by,
                consulting: Some(target),
                ..
            }) if by == manager => self.hand_over(now, call, by, target),
            Some(Transfer {
                consulting: Some(target),
                ..
            }) if target == manager => {
                self.leave(now, call, manager, LegEnd::Left);
                self.transfer_over(now, call, TransferOutcome::TargetLeft);
            }
            _ => {
                if self.leave(now, call, manager, LegEnd::Left) {
                    self.end_if_empty(now, call);
                }
            }
        }
    }

    /// Ends an answered call nobody is in any more, unless someone may still take it (a
    /// transfer ringing, a queue).
    fn end_if_empty(&mut self, now: Instant, call: CallId) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        let someone_coming = c.routing.is_some() || c.transfer_rings().next().is_some();
        if (c.answered || c.outbound) && c.managers.is_empty() && !someone_coming {
            self.end(
                now,
                call,
                HangupCause::ManagerHangup,
                None,
                RingStop::CallEnded,
            );
        } else if c.answered && !c.has_external() && c.parallel.is_none() && c.managers.len() <= 1 {
            // Every outside party is gone (the customer first, then the parallel one): a
            // manager alone has nobody to talk to.
            self.end(
                now,
                call,
                HangupCause::CustomerHangup,
                None,
                RingStop::CallEnded,
            );
        }
    }

    fn customer_gone(&mut self, now: Instant, call: CallId, cause: HangupCause) {
        if self.left_for_callback(call) {
            return;
        }
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        if c.answered && (c.parallel.is_some() || c.extra_external) {
            return self.customer_left_parallel(now, call);
        }
        // A call a manager placed is never a missed one, answered or not.
        let missed = (!c.answered && !c.outbound).then_some(MissedReason::UserLeft);
        self.end(now, call, cause, missed, RingStop::CallerLeft);
    }

    fn invite(&mut self, now: Instant, call: CallId, by: ManagerId, invitee: ManagerId) {
        if !self.in_answered_call(call, by, Request::Invite) {
            return;
        }
        let c = &self.calls[&call];
        let refusal = if invitee == by {
            Some(Refusal::SelfTarget)
        } else if c.involves(invitee) {
            Some(Refusal::AlreadyInCall)
        } else if c.seats_taken() >= MAX_MANAGERS_PER_CALL {
            Some(Refusal::CallFull)
        } else {
            self.eligibility(invitee)
                .err()
                .map(Refusal::TargetUnavailable)
        };
        match refusal {
            Some(reason) => self.refuse(call, by, Request::Invite, reason),
            None => {
                self.note_second_line_invite(call, by, invitee);
                self.start_ring(now, call, invitee, RingPurpose::Invite { by });
            }
        }
    }

    fn transfer(
        &mut self,
        now: Instant,
        call: CallId,
        by: ManagerId,
        kind: TransferKind,
        target: TransferTarget,
    ) {
        if !self.in_answered_call(call, by, Request::Transfer) {
            return;
        }
        let c = &self.calls[&call];
        let targets = if c.transfer.is_some() {
            Err(Refusal::TransferInProgress)
        } else if c.parallel.is_some() {
            Err(Refusal::ParallelInProgress)
        } else if kind == TransferKind::Warm && c.meet {
            // The talk with the target would happen in the visitor's hearing: a meet has no
            // hold to put them on. A cold transfer still hands a meet over.
            Err(Refusal::NotInMeets)
        } else if kind == TransferKind::Warm && c.seats_taken() >= MAX_MANAGERS_PER_CALL {
            // A warm transfer's target joins before anyone leaves.
            Err(Refusal::CallFull)
        } else {
            match target {
                TransferTarget::Manager(t) if t == by => Err(Refusal::SelfTarget),
                TransferTarget::Manager(t) if c.involves(t) => Err(Refusal::AlreadyInCall),
                TransferTarget::Manager(t) => self
                    .eligibility(t)
                    .map(|()| vec![t])
                    .map_err(Refusal::TargetUnavailable),
                TransferTarget::Team(members) => {
                    let free: Vec<ManagerId> = members
                        .into_iter()
                        .filter(|m| *m != by && !c.involves(*m) && self.eligibility(*m).is_ok())
                        .collect();
                    if free.is_empty() {
                        Err(Refusal::NobodyAvailable)
                    } else {
                        Ok(free)
                    }
                }
            }
        };
        let targets = match targets {
            Ok(t) => t,
            Err(reason) => return self.refuse(call, by, Request::Transfer, reason),
        };
        let held = self.calls[&call].held;
        if let Some(c) = self.calls.get_mut(&call) {
            c.transfer = Some(Transfer {
                by,
                kind,
                consulting: None,
                resume_hold: held,
            });
        }
        // The customer waits on hold until the target takes over (Freshdesk's rule too).
        self.set_held(call, true, by);
        for t in targets {
            self.start_ring(now, call, t, RingPurpose::Transfer { by, kind });
        }
    }

    /// The transfer of `call` if `by` started it; otherwise refuses `request`.
    fn own_transfer(&mut self, call: CallId, by: ManagerId, request: Request) -> Option<Transfer> {
        if !self.in_call(call, by, request) {
            return None;
        }
        match self.calls[&call].transfer {
            Some(t) if t.by == by => Some(t),
            _ => {
                self.refuse(call, by, request, Refusal::NoTransfer);
                None
            }
        }
    }

    fn complete_transfer(&mut self, now: Instant, call: CallId, by: ManagerId) {
        let Some(t) = self.own_transfer(call, by, Request::CompleteTransfer) else {
            return;
        };
        match t.consulting {
            Some(target) => self.hand_over(now, call, by, target),
            None => self.refuse(
                call,
                by,
                Request::CompleteTransfer,
                Refusal::TransferNotAnswered,
            ),
        }
    }

    fn cancel_transfer(&mut self, now: Instant, call: CallId, by: ManagerId) {
        let Some(t) = self.own_transfer(call, by, Request::CancelTransfer) else {
            return;
        };
        match t.consulting {
            Some(target) => {
                self.leave(now, call, target, LegEnd::TransferCancelled);
            }
            None => {
                let rings: Vec<ManagerId> = self.calls[&call].transfer_rings().collect();
                for m in rings {
                    self.stop_ring(call, m, Some(RingStop::Cancelled));
                }
            }
        }
        self.transfer_over(now, call, TransferOutcome::Cancelled);
    }

    fn transfer_to_queue(
        &mut self,
        now: Instant,
        call: CallId,
        by: ManagerId,
        (queue, max_wait): (QueueId, Duration),
        candidates: Vec<ManagerId>,
    ) {
        if !self.in_answered_call(call, by, Request::Transfer) {
            return;
        }
        let c = &self.calls[&call];
        let candidates: Vec<ManagerId> = candidates.into_iter().filter(|m| *m != by).collect();
        let refusal = if c.transfer.is_some() {
            Some(Refusal::TransferInProgress)
        } else if c.parallel.is_some() {
            Some(Refusal::ParallelInProgress)
        } else if candidates.is_empty() {
            Some(Refusal::NobodyAvailable)
        } else {
            None
        };
        if let Some(reason) = refusal {
            return self.refuse(call, by, Request::Transfer, reason);
        }
        let waiting = self.start_waiting(now, queue, max_wait);
        if let Some(c) = self.calls.get_mut(&call) {
            c.routing = Some(Routing {
                candidates,
                tried: BTreeSet::new(),
                queued: Some(waiting),
            });
        }
        self.set_held(call, true, by);
        self.leave(now, call, by, LegEnd::Transferred);
    }

    fn end(
        &mut self,
        now: Instant,
        call: CallId,
        cause: HangupCause,
        missed: Option<MissedReason>,
        ring_stop: RingStop,
    ) {
        let rings: Vec<ManagerId> = match self.calls.get(&call) {
            Some(c) => c.rings.keys().copied().collect(),
            None => return,
        };
        for m in rings {
            self.stop_ring(call, m, Some(ring_stop));
        }
        let Some(state) = self.calls.remove(&call) else {
            return;
        };
        for manager in &state.managers {
            if let Some(m) = self.managers.get_mut(manager) {
                m.in_call = None;
                m.last_call_ended = Some(now);
            }
        }
        self.outputs.push_back(SwitchboardOutput::Ended {
            call,
            cause,
            missed,
            managers: state.managers.into_iter().collect(),
        });
    }
}

#[cfg(test)]
mod tests;
