//! Parallel calls (`docs/product.md#parallel-call`): a manager in a call puts the customer on hold
//! and calls a second party — a teammate, or a number through the trunk — on a second line of the
//! same call; switches between the lines (the one left waits on hold); merges them into one
//! conversation. Freshdesk's rules: no transfer while a parallel call is up, and no merge while the
//! second line has its own conference (someone invited into it). If the customer hangs up, the
//! parallel line goes on and the managers are told.
//!
//! Who hears whom is an [`Arrangement`]: each participant is on a line (hearing the others on
//! it) or hears the hold music. The room mixes by it; it is computed here from the call's view
//! so the rules stay in one place.

use std::collections::BTreeSet;
use std::time::Instant;

use super::{CallView, Switchboard};
use crate::ids::{CallId, ManagerId};
use crate::switchboard::LegEnd;
use crate::switchboard::io::{
    ParallelEnd, ParallelTarget, Refusal, Request, RingPurpose, SwitchboardOutput,
};

/// A parallel call under way.
#[derive(Debug, Clone)]
pub(super) struct Parallel {
    pub by: ManagerId,
    pub target: ParallelTarget,
    /// The second party answered.
    pub answered: bool,
    /// `by` talks on the second line now (the customer waits on hold).
    pub on_second: bool,
    /// Managers who joined the second line by invitation: its own conference.
    pub second_line: BTreeSet<ManagerId>,
    /// Invitations made from the second line, still ringing.
    pub invited_to_second: BTreeSet<ManagerId>,
    /// The hold as it was before the parallel call put the customer on hold.
    pub resume_hold: bool,
}

impl Parallel {
    pub fn view(&self) -> ParallelView {
        ParallelView {
            by: self.by,
            target: self.target,
            answered: self.answered,
            on_second: self.on_second,
            second_line: self.second_line.iter().copied().collect(),
        }
    }
}

/// A parallel call, as [`CallView`] shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParallelView {
    /// Who made it.
    pub by: ManagerId,
    /// Whom it calls.
    pub target: ParallelTarget,
    /// The second party answered.
    pub answered: bool,
    /// `by` is on the second line now.
    pub on_second: bool,
    /// Managers invited into the second line.
    pub second_line: Vec<ManagerId>,
}

/// Where one participant's audio goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On a line (1: the customer's, 2: the parallel one): hears and is heard by that line.
    Line(u8),
    /// Hears the hold music; nobody hears them.
    Music,
}

/// Who hears whom in a call: the customer, the external party of a parallel call (if any) and
/// every manager in the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    /// The customer.
    pub customer: Place,
    /// A party called from the trunk (parallel or merged).
    pub party: Place,
    /// Each manager in the call.
    pub managers: Vec<(ManagerId, Place)>,
}

impl CallView {
    /// Who hears whom now. Without a parallel call everyone shares line 1 and a held customer
    /// hears the music; with one, its manager and the second party share line 2 while the
    /// manager is there, and whichever side they left waits with the music.
    pub fn arrangement(&self) -> Arrangement {
        let customer = if self.held {
            Place::Music
        } else {
            Place::Line(1)
        };
        let Some(p) = &self.parallel else {
            return Arrangement {
                customer,
                party: Place::Line(1),
                managers: self.managers.iter().map(|m| (*m, Place::Line(1))).collect(),
            };
        };
        // The second party waits on hold unless someone is with them on line 2.
        let party = if p.on_second || !p.second_line.is_empty() {
            Place::Line(2)
        } else {
            Place::Music
        };
        let party_manager = match p.target {
            ParallelTarget::Manager(m) => Some(m),
            ParallelTarget::External => None,
        };
        let managers = self
            .managers
            .iter()
            .map(|&m| {
                let place = if m == p.by {
                    Place::Line(if p.on_second { 2 } else { 1 })
                } else if Some(m) == party_manager {
                    party
                } else if p.second_line.contains(&m) {
                    Place::Line(2)
                } else {
                    Place::Line(1)
                };
                (m, place)
            })
            .collect();
        Arrangement {
            customer,
            party,
            managers,
        }
    }
}

impl Switchboard {
    /// Why `by` can't start a parallel call to `target` in `call` now, if they can't. The
    /// runtime asks before it dials a number.
    pub fn parallel_refusal(
        &self,
        call: CallId,
        by: ManagerId,
        target: ParallelTarget,
    ) -> Option<Refusal> {
        let c = match self.calls.get(&call) {
            None => return Some(Refusal::UnknownCall),
            Some(c) if !c.managers.contains(&by) => return Some(Refusal::NotInCall),
            Some(c) if !c.answered => return Some(Refusal::NotAnsweredYet),
            Some(c) => c,
        };
        if c.meet {
            // A parallel call puts the customer on hold, which a meet does not have.
            Some(Refusal::NotInMeets)
        } else if c.transfer.is_some() {
            Some(Refusal::TransferInProgress)
        } else if c.parallel.is_some() || c.extra_external {
            Some(Refusal::ParallelInProgress)
        } else if c.seats_taken() >= super::MAX_MANAGERS_PER_CALL {
            Some(Refusal::CallFull)
        } else {
            match target {
                ParallelTarget::Manager(t) if t == by => Some(Refusal::SelfTarget),
                ParallelTarget::Manager(t) if c.involves(t) => Some(Refusal::AlreadyInCall),
                ParallelTarget::Manager(t) => {
                    self.eligibility(t).err().map(Refusal::TargetUnavailable)
                }
                ParallelTarget::External => None,
            }
        }
    }

    pub(super) fn parallel_call(
        &mut self,
        now: Instant,
        call: CallId,
        by: ManagerId,
        target: ParallelTarget,
    ) {
        if let Some(reason) = self.parallel_refusal(call, by, target) {
            return self.refuse(call, by, Request::Parallel, reason);
        }
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.parallel = Some(Parallel {
            by,
            target,
            answered: false,
            on_second: true,
            second_line: BTreeSet::new(),
            invited_to_second: BTreeSet::new(),
            resume_hold: c.held,
        });
        self.changed.insert(call);
        self.set_held(call, true, by);
        if let ParallelTarget::Manager(t) = target {
            self.start_ring(now, call, t, RingPurpose::Parallel { by });
        }
    }

    /// The second party answered (the number, or the manager rung).
    pub(super) fn parallel_answered(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(p) = c.parallel.as_mut() else {
            return;
        };
        p.answered = true;
        let by = p.by;
        let customer_gone = !c.customer_present;
        self.changed.insert(call);
        if customer_gone {
            // Nobody waits on line 1: the lines are one conversation now.
            self.dissolve(call, by);
        }
    }

    pub(super) fn parallel_party_gone(&mut self, now: Instant, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        match &c.parallel {
            Some(p) if p.target == ParallelTarget::External => {
                let reason = if p.answered {
                    ParallelEnd::PartyLeft
                } else {
                    ParallelEnd::Unreachable
                };
                self.end_parallel(now, call, reason);
            }
            Some(_) => {}
            None if c.extra_external => {
                c.extra_external = false;
                self.changed.insert(call);
                self.end_if_empty(now, call);
            }
            None => {}
        }
    }

    /// The parallel call of `call` if `by` made it; otherwise refuses `request`.
    fn own_parallel(&mut self, call: CallId, by: ManagerId, request: Request) -> Option<Parallel> {
        if !self.in_call(call, by, request) {
            return None;
        }
        match &self.calls[&call].parallel {
            Some(p) if p.by == by => Some(p.clone()),
            _ => {
                self.refuse(call, by, request, Refusal::NoParallel);
                None
            }
        }
    }

    pub(super) fn switch_line(&mut self, call: CallId, by: ManagerId) {
        let Some(p) = self.own_parallel(call, by, Request::SwitchLine) else {
            return;
        };
        let on_second = !p.on_second;
        if let Some(p) = self.calls.get_mut(&call).and_then(|c| c.parallel.as_mut()) {
            p.on_second = on_second;
        }
        self.changed.insert(call);
        // The customer waits with the music exactly while their manager is on the other line.
        self.set_held(call, on_second, by);
    }

    pub(super) fn merge(&mut self, call: CallId, by: ManagerId) {
        let Some(p) = self.own_parallel(call, by, Request::Merge) else {
            return;
        };
        let refusal = if !p.answered {
            Some(Refusal::PartyNotAnswered)
        } else if !p.second_line.is_empty() || !p.invited_to_second.is_empty() {
            Some(Refusal::ParallelConference)
        } else {
            None
        };
        match refusal {
            Some(reason) => self.refuse(call, by, Request::Merge, reason),
            None => self.dissolve(call, by),
        }
    }

    /// The two lines become one conversation: the customer off hold, the second party in the
    /// call like anyone else.
    fn dissolve(&mut self, call: CallId, by: ManagerId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(p) = c.parallel.take() else {
            return;
        };
        c.extra_external = p.target == ParallelTarget::External;
        self.changed.insert(call);
        self.set_held(call, false, by);
    }

    /// The parallel line ends without a merge: tell its manager, bring the customer back.
    pub(super) fn end_parallel(&mut self, now: Instant, call: CallId, reason: ParallelEnd) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(p) = c.parallel.take() else {
            return;
        };
        let resume = p.resume_hold && c.customer_present;
        self.changed.insert(call);
        if let ParallelTarget::Manager(m) = p.target {
            // A teammate still ringing stops; one in the call leaves with the line.
            if self
                .stop_ring(call, m, Some(super::RingStop::Cancelled))
                .is_none()
                && reason == ParallelEnd::OwnerLeft
            {
                self.leave(now, call, m, LegEnd::Left);
            }
        }
        self.set_held(call, resume, p.by);
        self.outputs.push_back(SwitchboardOutput::ParallelEnded {
            call,
            by: p.by,
            reason,
        });
        self.end_if_empty(now, call);
    }

    /// Handles a manager leaving a call with a parallel line. Returns true when it did all
    /// there is to do.
    pub(super) fn parallel_member_left(
        &mut self,
        now: Instant,
        call: CallId,
        manager: ManagerId,
    ) -> bool {
        let Some(p) = self.calls.get(&call).and_then(|c| c.parallel.clone()) else {
            return false;
        };
        if p.target == ParallelTarget::Manager(manager) {
            self.leave(now, call, manager, LegEnd::Left);
            self.end_parallel(now, call, ParallelEnd::PartyLeft);
            return true;
        }
        if manager == p.by {
            self.end_parallel(now, call, ParallelEnd::OwnerLeft);
            if self.leave(now, call, manager, LegEnd::Left) {
                self.end_if_empty(now, call);
            }
            return true;
        }
        if let Some(p) = self.calls.get_mut(&call).and_then(|c| c.parallel.as_mut()) {
            p.second_line.remove(&manager);
        }
        false
    }

    /// An invitation made by the parallel call's manager from the second line joins that line.
    pub(super) fn note_second_line_invite(
        &mut self,
        call: CallId,
        by: ManagerId,
        invitee: ManagerId,
    ) {
        if let Some(p) = self.calls.get_mut(&call).and_then(|c| c.parallel.as_mut())
            && p.by == by
            && p.on_second
        {
            p.invited_to_second.insert(invitee);
        }
    }

    pub(super) fn joined_by_invite(&mut self, call: CallId, manager: ManagerId) {
        if let Some(p) = self.calls.get_mut(&call).and_then(|c| c.parallel.as_mut())
            && p.invited_to_second.remove(&manager)
        {
            p.second_line.insert(manager);
        }
    }

    /// The customer hung up while a parallel (or merged) party is on: the call goes on.
    pub(super) fn customer_left_parallel(&mut self, now: Instant, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.customer_present = false;
        let answered = c.parallel.as_ref().map(|p| (p.answered, p.by));
        self.changed.insert(call);
        self.outputs
            .push_back(SwitchboardOutput::CustomerLeft { call });
        match answered {
            Some((true, by)) => self.dissolve(call, by),
            Some((false, by)) => self.set_held(call, false, by),
            None => {}
        }
        self.end_if_empty(now, call);
    }
}
