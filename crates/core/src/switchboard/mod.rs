//! The switchboard: which manager rings for which call, and how calls end.
//!
//! One switchboard sees every manager and every call of the service, so "already ringing for
//! another call" and "already in a call in any channel" (PRODUCT.md §2) are facts it holds, not
//! queries. Calls ring one eligible manager at a time (longest idle first); a ring timeout or a
//! decline moves to the next; the call ends with the missed reasons of PRODUCT.md §5.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use crate::ids::{CallId, ManagerId};
use crate::presence::{NotRingingReason, Presence, ring_eligibility};

/// Why a call was missed — the exact codes of PRODUCT.md §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissedReason {
    /// Outside operating hours.
    NotInOperation,
    /// No manager could take calls.
    NoOperator,
    /// Waited the queue's maximum (1 hour).
    AbandonedInQueue,
    /// Rang after assignment but nobody answered in time.
    RingTimeOver,
    /// The customer hung up first.
    UserLeft,
    /// More than 200 callers were waiting.
    ExceededQueue,
    /// Ended by a workflow action.
    Workflow,
}

impl MissedReason {
    /// The wire/database code, exactly as PRODUCT.md spells it.
    pub fn code(self) -> &'static str {
        match self {
            MissedReason::NotInOperation => "notInOperation",
            MissedReason::NoOperator => "noOperator",
            MissedReason::AbandonedInQueue => "abandonedInQueue",
            MissedReason::RingTimeOver => "ringTimeOver",
            MissedReason::UserLeft => "userleft",
            MissedReason::ExceededQueue => "exceededQueue",
            MissedReason::Workflow => "workflow",
        }
    }
}

/// Who or what ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HangupCause {
    /// The customer hung up (BYE or CANCEL).
    CustomerHangup,
    /// The last manager hung up.
    ManagerHangup,
    /// A manager ended the call for everyone ("end for all", PRODUCT.md §2).
    EndedForAll,
    /// Nobody answered (see the missed reason).
    NotAnswered,
    /// The customer's leg failed (e.g. no ACK, media timeout).
    CustomerLegFailed,
}

impl HangupCause {
    /// The wire/database code.
    pub fn code(self) -> &'static str {
        match self {
            HangupCause::CustomerHangup => "customerHangup",
            HangupCause::ManagerHangup => "managerHangup",
            HangupCause::EndedForAll => "endedForAll",
            HangupCause::NotAnswered => "notAnswered",
            HangupCause::CustomerLegFailed => "customerLegFailed",
        }
    }
}

/// Why a ring stopped at one manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingStop {
    /// The manager declined.
    Declined,
    /// Nobody answered within the ring timeout.
    TimedOut,
    /// The customer hung up.
    CallerLeft,
    /// The manager's app went offline.
    Disconnected,
}

/// Why an answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRefusal {
    /// No such call (ended already, or never existed).
    UnknownCall,
    /// The call is not ringing at this manager.
    NotRingingHere,
}

/// Inputs to the switchboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchboardInput {
    /// A manager's presence, sent on connect, status change and disconnect.
    Presence {
        /// Who.
        manager: ManagerId,
        /// Their current presence.
        presence: Presence,
    },
    /// A new inbound call to a team; `candidates` are its members in preference order.
    CallArrived {
        /// The call.
        call: CallId,
        /// Team members who could be rung.
        candidates: Vec<ManagerId>,
    },
    /// A manager answers.
    Answer {
        /// The call.
        call: CallId,
        /// Who answers.
        manager: ManagerId,
    },
    /// A manager declines a ringing call.
    Decline {
        /// The call.
        call: CallId,
        /// Who declines.
        manager: ManagerId,
    },
    /// The customer hung up or cancelled.
    CustomerHungUp {
        /// The call.
        call: CallId,
    },
    /// The customer leg failed.
    CustomerLegFailed {
        /// The call.
        call: CallId,
    },
    /// A manager left the call.
    ManagerHungUp {
        /// The call.
        call: CallId,
        /// Who left.
        manager: ManagerId,
    },
    /// A manager in the call hangs up every leg. Ignored from anyone not in the call, so a
    /// stale hotkey press can't end someone else's call.
    EndForAll {
        /// The call.
        call: CallId,
        /// Who ends it.
        manager: ManagerId,
    },
    /// A manager in the call puts the customer on hold or takes them off it. The hold is the
    /// call's, not the manager's: it stays when that manager leaves, and any manager in the
    /// call resumes.
    SetHold {
        /// The call.
        call: CallId,
        /// Who asks.
        manager: ManagerId,
        /// On hold (`true`) or back (`false`).
        held: bool,
    },
}

/// Why a hold request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldRefusal {
    /// The manager is not in this call (it ended, still rings, or is someone else's).
    NotInCall,
}

impl HoldRefusal {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            HoldRefusal::NotInCall => "notInCall",
        }
    }
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchboardOutput {
    /// Ring this manager's app for this call.
    Ring {
        /// The call.
        call: CallId,
        /// Who to ring.
        manager: ManagerId,
    },
    /// Stop ringing at this manager.
    StopRinging {
        /// The call.
        call: CallId,
        /// Where it rang.
        manager: ManagerId,
        /// Why.
        reason: RingStop,
    },
    /// The manager answered: bridge their leg into the call's room and answer the customer.
    Connected {
        /// The call.
        call: CallId,
        /// Who answered.
        manager: ManagerId,
    },
    /// An answer could not be honoured.
    AnswerRefused {
        /// The call.
        call: CallId,
        /// Who tried.
        manager: ManagerId,
        /// Why not.
        reason: AnswerRefusal,
    },
    /// A manager left a call that goes on.
    ManagerLeft {
        /// The call.
        call: CallId,
        /// Who left.
        manager: ManagerId,
    },
    /// The customer went on hold or came back: the room switches what the customer hears
    /// (hold music) and every manager in the call is told.
    HoldChanged {
        /// The call.
        call: CallId,
        /// On hold now.
        held: bool,
        /// Who changed it.
        by: ManagerId,
        /// The managers in the call, to tell.
        managers: Vec<ManagerId>,
    },
    /// A hold request could not be honoured.
    HoldRefused {
        /// The call.
        call: CallId,
        /// Who asked.
        manager: ManagerId,
        /// Why not.
        reason: HoldRefusal,
    },
    /// The call is over: tear down every leg and close the record.
    Ended {
        /// The call.
        call: CallId,
        /// What ended it.
        cause: HangupCause,
        /// Set when nobody talked to the customer.
        missed: Option<MissedReason>,
    },
}

impl fmt::Display for SwitchboardOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SwitchboardOutput::Ring { call, manager } => write!(f, "ring {call} at {manager}"),
            SwitchboardOutput::StopRinging {
                call,
                manager,
                reason,
            } => {
                write!(f, "stop ringing {call} at {manager}: {reason:?}")
            }
            SwitchboardOutput::Connected { call, manager } => {
                write!(f, "connect {call} to {manager}")
            }
            SwitchboardOutput::AnswerRefused {
                call,
                manager,
                reason,
            } => {
                write!(f, "refuse answer of {call} by {manager}: {reason:?}")
            }
            SwitchboardOutput::ManagerLeft { call, manager } => write!(f, "{manager} left {call}"),
            SwitchboardOutput::HoldChanged {
                call,
                held,
                by,
                managers,
            } => {
                let what = if *held { "on hold" } else { "off hold" };
                let tell: Vec<String> = managers.iter().map(ToString::to_string).collect();
                write!(f, "{call} {what} by {by}; tell [{}]", tell.join(", "))
            }
            SwitchboardOutput::HoldRefused {
                call,
                manager,
                reason,
            } => write!(f, "refuse hold of {call} by {manager}: {}", reason.code()),
            SwitchboardOutput::Ended {
                call,
                cause,
                missed,
            } => match missed {
                Some(m) => write!(f, "end {call}: {} (missed: {})", cause.code(), m.code()),
                None => write!(f, "end {call}: {}", cause.code()),
            },
        }
    }
}

#[derive(Debug, Clone)]
struct ManagerState {
    presence: Presence,
    ringing: Option<CallId>,
    in_call: Option<CallId>,
    last_call_ended: Option<Instant>,
}

#[derive(Debug, Clone)]
enum Phase {
    Ringing {
        manager: ManagerId,
        deadline: Instant,
    },
    Connected {
        managers: BTreeSet<ManagerId>,
    },
}

#[derive(Debug, Clone)]
struct CallState {
    candidates: Vec<ManagerId>,
    tried: BTreeSet<ManagerId>,
    phase: Phase,
    /// The customer is on hold.
    held: bool,
}

/// The routing state machine. See the module docs.
#[derive(Debug)]
pub struct Switchboard {
    ring_timeout: Duration,
    managers: BTreeMap<ManagerId, ManagerState>,
    calls: BTreeMap<CallId, CallState>,
    outputs: VecDeque<SwitchboardOutput>,
}

impl Switchboard {
    /// A switchboard ringing each manager for `ring_timeout` (PRODUCT default: 30 s).
    pub fn new(ring_timeout: Duration) -> Self {
        Switchboard {
            ring_timeout,
            managers: BTreeMap::new(),
            calls: BTreeMap::new(),
            outputs: VecDeque::new(),
        }
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

    /// The next output for the runtime.
    pub fn poll_output(&mut self) -> Option<SwitchboardOutput> {
        self.outputs.pop_front()
    }

    /// The earliest ring deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter_map(|c| match c.phase {
                Phase::Ringing { deadline, .. } => Some(deadline),
                Phase::Connected { .. } => None,
            })
            .min()
    }

    /// Expires ring deadlines at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let expired: Vec<(CallId, ManagerId)> = self
            .calls
            .iter()
            .filter_map(|(id, c)| match c.phase {
                Phase::Ringing { manager, deadline } if deadline <= now => Some((*id, manager)),
                _ => None,
            })
            .collect();
        for (call, manager) in expired {
            self.ring_ended(now, call, manager, RingStop::TimedOut);
        }
    }

    /// Applies one input.
    pub fn handle_input(&mut self, now: Instant, input: SwitchboardInput) {
        match input {
            SwitchboardInput::Presence { manager, presence } => {
                self.set_presence(now, manager, presence)
            }
            SwitchboardInput::CallArrived { call, candidates } => {
                self.calls.insert(
                    call,
                    CallState {
                        candidates,
                        tried: BTreeSet::new(),
                        phase: Phase::Connected {
                            managers: BTreeSet::new(),
                        },
                        held: false,
                    },
                );
                if !self.ring_next(now, call) {
                    self.end(
                        now,
                        call,
                        HangupCause::NotAnswered,
                        Some(MissedReason::NoOperator),
                    );
                }
            }
            SwitchboardInput::Answer { call, manager } => self.answer(call, manager),
            SwitchboardInput::Decline { call, manager } => {
                if self.ringing_at(call) == Some(manager) {
                    self.ring_ended(now, call, manager, RingStop::Declined);
                }
            }
            SwitchboardInput::CustomerHungUp { call } => {
                self.customer_gone(now, call, HangupCause::CustomerHangup)
            }
            SwitchboardInput::CustomerLegFailed { call } => {
                self.customer_gone(now, call, HangupCause::CustomerLegFailed)
            }
            SwitchboardInput::ManagerHungUp { call, manager } => {
                self.manager_left(now, call, manager)
            }
            SwitchboardInput::EndForAll { call, manager } => {
                let in_call = self.calls.get(&call).is_some_and(
                    |c| matches!(&c.phase, Phase::Connected { managers } if managers.contains(&manager)),
                );
                if in_call {
                    self.end(now, call, HangupCause::EndedForAll, None);
                }
            }
            SwitchboardInput::SetHold {
                call,
                manager,
                held,
            } => self.set_hold(call, manager, held),
        }
    }

    fn set_hold(&mut self, call: CallId, manager: ManagerId, held: bool) {
        let state = self.calls.get_mut(&call).and_then(|c| match &c.phase {
            Phase::Connected { managers } if managers.contains(&manager) => {
                Some((managers.iter().copied().collect::<Vec<_>>(), &mut c.held))
            }
            _ => None,
        });
        let Some((managers, current)) = state else {
            self.outputs.push_back(SwitchboardOutput::HoldRefused {
                call,
                manager,
                reason: HoldRefusal::NotInCall,
            });
            return;
        };
        // Asking for what already is (a second click, two managers at once) changes nothing.
        if *current != held {
            *current = held;
            self.outputs.push_back(SwitchboardOutput::HoldChanged {
                call,
                held,
                by: manager,
                managers,
            });
        }
    }

    fn set_presence(&mut self, now: Instant, manager: ManagerId, presence: Presence) {
        let state = self.managers.entry(manager).or_insert(ManagerState {
            presence,
            ringing: None,
            in_call: None,
            last_call_ended: None,
        });
        state.presence = presence;
        if !presence.online
            && let Some(call) = state.ringing
        {
            self.ring_ended(now, call, manager, RingStop::Disconnected);
        }
    }

    fn ringing_at(&self, call: CallId) -> Option<ManagerId> {
        match self.calls.get(&call)?.phase {
            Phase::Ringing { manager, .. } => Some(manager),
            Phase::Connected { .. } => None,
        }
    }

    /// Rings the best untried eligible candidate; false if there is none.
    fn ring_next(&mut self, now: Instant, call: CallId) -> bool {
        let Some(state) = self.calls.get(&call) else {
            return false;
        };
        let mut eligible: Vec<(usize, ManagerId)> = state
            .candidates
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, m)| !state.tried.contains(m) && self.eligibility(*m).is_ok())
            .collect();
        // Longest idle first (never-called first), then the team's order.
        eligible.sort_by_key(|(pos, m)| (self.managers[m].last_call_ended, *pos));
        let Some(&(_, manager)) = eligible.first() else {
            return false;
        };
        let deadline = now + self.ring_timeout;
        if let Some(state) = self.calls.get_mut(&call) {
            state.tried.insert(manager);
            state.phase = Phase::Ringing { manager, deadline };
        }
        if let Some(m) = self.managers.get_mut(&manager) {
            m.ringing = Some(call);
        }
        self.outputs
            .push_back(SwitchboardOutput::Ring { call, manager });
        true
    }

    fn ring_ended(&mut self, now: Instant, call: CallId, manager: ManagerId, reason: RingStop) {
        if let Some(m) = self.managers.get_mut(&manager) {
            m.ringing = None;
        }
        self.outputs.push_back(SwitchboardOutput::StopRinging {
            call,
            manager,
            reason,
        });
        if reason == RingStop::CallerLeft {
            return;
        }
        if !self.ring_next(now, call) {
            self.end(
                now,
                call,
                HangupCause::NotAnswered,
                Some(MissedReason::RingTimeOver),
            );
        }
    }

    fn answer(&mut self, call: CallId, manager: ManagerId) {
        let refusal = match self.calls.get(&call) {
            None => Some(AnswerRefusal::UnknownCall),
            Some(_) if self.ringing_at(call) != Some(manager) => {
                Some(AnswerRefusal::NotRingingHere)
            }
            Some(_) => None,
        };
        if let Some(reason) = refusal {
            self.outputs.push_back(SwitchboardOutput::AnswerRefused {
                call,
                manager,
                reason,
            });
            return;
        }
        if let Some(state) = self.calls.get_mut(&call) {
            state.phase = Phase::Connected {
                managers: BTreeSet::from([manager]),
            };
        }
        if let Some(m) = self.managers.get_mut(&manager) {
            m.ringing = None;
            m.in_call = Some(call);
        }
        self.outputs
            .push_back(SwitchboardOutput::Connected { call, manager });
    }

    fn customer_gone(&mut self, now: Instant, call: CallId, cause: HangupCause) {
        let Some(state) = self.calls.get(&call) else {
            return;
        };
        match state.phase {
            Phase::Ringing { manager, .. } => {
                self.ring_ended(now, call, manager, RingStop::CallerLeft);
                self.end(now, call, cause, Some(MissedReason::UserLeft));
            }
            Phase::Connected { ref managers } if managers.is_empty() => {
                self.end(now, call, cause, Some(MissedReason::UserLeft));
            }
            Phase::Connected { .. } => self.end(now, call, cause, None),
        }
    }

    fn manager_left(&mut self, now: Instant, call: CallId, manager: ManagerId) {
        let Some(state) = self.calls.get_mut(&call) else {
            return;
        };
        let Phase::Connected { managers } = &mut state.phase else {
            return;
        };
        if !managers.remove(&manager) {
            return;
        }
        let last = managers.is_empty();
        if let Some(m) = self.managers.get_mut(&manager) {
            m.in_call = None;
            m.last_call_ended = Some(now);
        }
        if last {
            self.end(now, call, HangupCause::ManagerHangup, None);
        } else {
            self.outputs
                .push_back(SwitchboardOutput::ManagerLeft { call, manager });
        }
    }

    fn end(
        &mut self,
        now: Instant,
        call: CallId,
        cause: HangupCause,
        missed: Option<MissedReason>,
    ) {
        let Some(state) = self.calls.remove(&call) else {
            return;
        };
        if let Phase::Connected { managers } = state.phase {
            for manager in managers {
                if let Some(m) = self.managers.get_mut(&manager) {
                    m.in_call = None;
                    m.last_call_ended = Some(now);
                }
            }
        }
        self.outputs.push_back(SwitchboardOutput::Ended {
            call,
            cause,
            missed,
        });
    }
}

#[cfg(test)]
// A test picks an origin instant for its virtual clock; the code under test never reads it.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use crate::presence::Status;
    use expect_test::{Expect, expect};
    use std::fmt::Write;

    const RING: Duration = Duration::from_secs(30);

    fn available() -> Presence {
        Presence {
            operator_seat: true,
            status: Status::Available,
            do_not_disturb: false,
            online: true,
        }
    }

    /// Drives a switchboard on a virtual clock and records a trace.
    struct Scenario {
        sb: Switchboard,
        t0: Instant,
        now: Instant,
        trace: String,
    }

    impl Scenario {
        fn new(managers: &[(i64, Presence)]) -> Self {
            let t0 = Instant::now();
            let mut s = Scenario {
                sb: Switchboard::new(RING),
                t0,
                now: t0,
                trace: String::new(),
            };
            for &(id, presence) in managers {
                s.sb.handle_input(
                    t0,
                    SwitchboardInput::Presence {
                        manager: ManagerId(id),
                        presence,
                    },
                );
            }
            s.drain();
            s
        }

        fn input(&mut self, input: SwitchboardInput) -> &mut Self {
            let label = match &input {
                SwitchboardInput::Presence { manager, presence } => {
                    format!("{manager} presence {presence:?}")
                }
                SwitchboardInput::CallArrived { call, candidates } => {
                    let c: Vec<String> = candidates.iter().map(|m| m.to_string()).collect();
                    format!("{call} arrives for [{}]", c.join(", "))
                }
                SwitchboardInput::Answer { call, manager } => format!("{manager} answers {call}"),
                SwitchboardInput::Decline { call, manager } => format!("{manager} declines {call}"),
                SwitchboardInput::CustomerHungUp { call } => format!("customer of {call} hangs up"),
                SwitchboardInput::CustomerLegFailed { call } => {
                    format!("customer leg of {call} fails")
                }
                SwitchboardInput::ManagerHungUp { call, manager } => {
                    format!("{manager} hangs up {call}")
                }
                SwitchboardInput::EndForAll { call, manager } => {
                    format!("{manager} ends {call} for all")
                }
                SwitchboardInput::SetHold {
                    call,
                    manager,
                    held,
                } => format!("{manager} sets hold of {call} to {held}"),
            };
            writeln!(
                self.trace,
                "t={:03}s > {label}",
                (self.now - self.t0).as_secs()
            )
            .unwrap();
            self.sb.handle_input(self.now, input);
            self.drain();
            self
        }

        fn wait(&mut self, secs: u64) -> &mut Self {
            let target = self.now + Duration::from_secs(secs);
            while let Some(deadline) = self.sb.poll_timeout().filter(|d| *d <= target) {
                self.now = deadline;
                writeln!(
                    self.trace,
                    "t={:03}s > timeout",
                    (self.now - self.t0).as_secs()
                )
                .unwrap();
                self.sb.handle_timeout(self.now);
                self.drain();
            }
            self.now = target;
            self
        }

        fn drain(&mut self) {
            while let Some(out) = self.sb.poll_output() {
                writeln!(self.trace, "         < {out}").unwrap();
            }
        }

        fn check(&self, expect: Expect) {
            expect.assert_eq(&self.trace);
        }
    }

    fn arrive(call: i64, candidates: &[i64]) -> SwitchboardInput {
        SwitchboardInput::CallArrived {
            call: CallId(call),
            candidates: candidates.iter().map(|&m| ManagerId(m)).collect(),
        }
    }

    fn hold(call: i64, manager: i64, held: bool) -> SwitchboardInput {
        SwitchboardInput::SetHold {
            call: CallId(call),
            manager: ManagerId(manager),
            held,
        }
    }

    #[test]
    fn hold_is_the_calls_and_only_its_managers_change_it() {
        let mut s = Scenario::new(&[(1, available()), (2, available())]);
        s.input(arrive(10, &[1, 2]))
            .input(hold(10, 1, true))
            .input(SwitchboardInput::Answer {
                call: CallId(10),
                manager: ManagerId(1),
            })
            .wait(10)
            .input(hold(10, 1, true))
            .input(hold(10, 1, true))
            .input(hold(10, 2, false))
            .input(hold(11, 1, false))
            .wait(30)
            .input(hold(10, 1, false))
            .wait(5)
            .input(SwitchboardInput::ManagerHungUp {
                call: CallId(10),
                manager: ManagerId(1),
            })
            .input(hold(10, 1, true));
        s.check(expect![[r#"
            t=000s > c10 arrives for [m1, m2]
                     < ring c10 at m1
            t=000s > m1 sets hold of c10 to true
                     < refuse hold of c10 by m1: notInCall
            t=000s > m1 answers c10
                     < connect c10 to m1
            t=010s > m1 sets hold of c10 to true
                     < c10 on hold by m1; tell [m1]
            t=010s > m1 sets hold of c10 to true
            t=010s > m2 sets hold of c10 to false
                     < refuse hold of c10 by m2: notInCall
            t=010s > m1 sets hold of c11 to false
                     < refuse hold of c11 by m1: notInCall
            t=040s > m1 sets hold of c10 to false
                     < c10 off hold by m1; tell [m1]
            t=045s > m1 hangs up c10
                     < end c10: managerHangup
            t=045s > m1 sets hold of c10 to true
                     < refuse hold of c10 by m1: notInCall
        "#]]);
    }

    #[test]
    fn answered_call_then_customer_hangs_up() {
        let mut s = Scenario::new(&[(1, available()), (2, available())]);
        s.input(arrive(10, &[1, 2]))
            .wait(5)
            .input(SwitchboardInput::Answer {
                call: CallId(10),
                manager: ManagerId(1),
            })
            .wait(60)
            .input(SwitchboardInput::CustomerHungUp { call: CallId(10) });
        s.check(expect![[r#"
            t=000s > c10 arrives for [m1, m2]
                     < ring c10 at m1
            t=005s > m1 answers c10
                     < connect c10 to m1
            t=065s > customer of c10 hangs up
                     < end c10: customerHangup
        "#]]);
    }

    #[test]
    fn nobody_eligible_is_no_operator() {
        let away = Presence {
            status: Status::Away,
            ..available()
        };
        let dnd = Presence {
            do_not_disturb: true,
            ..available()
        };
        let seatless = Presence {
            operator_seat: false,
            ..available()
        };
        let mut s = Scenario::new(&[(1, away), (2, dnd), (3, seatless)]);
        s.input(arrive(1, &[1, 2, 3, 4]));
        s.check(expect![[r#"
            t=000s > c1 arrives for [m1, m2, m3, m4]
                     < end c1: notAnswered (missed: noOperator)
        "#]]);
    }

    #[test]
    fn ring_timeout_moves_on_then_ring_time_over() {
        let mut s = Scenario::new(&[(1, available()), (2, available())]);
        s.input(arrive(7, &[1, 2])).wait(100);
        s.check(expect![[r#"
            t=000s > c7 arrives for [m1, m2]
                     < ring c7 at m1
            t=030s > timeout
                     < stop ringing c7 at m1: TimedOut
                     < ring c7 at m2
            t=060s > timeout
                     < stop ringing c7 at m2: TimedOut
                     < end c7: notAnswered (missed: ringTimeOver)
        "#]]);
    }

    #[test]
    fn customer_leaves_while_ringing_is_userleft() {
        let mut s = Scenario::new(&[(1, available())]);
        s.input(arrive(3, &[1]))
            .wait(4)
            .input(SwitchboardInput::CustomerHungUp { call: CallId(3) });
        s.check(expect![[r#"
            t=000s > c3 arrives for [m1]
                     < ring c3 at m1
            t=004s > customer of c3 hangs up
                     < stop ringing c3 at m1: CallerLeft
                     < end c3: customerHangup (missed: userleft)
        "#]]);
    }

    #[test]
    fn busy_managers_are_skipped_and_decline_moves_on() {
        let mut s = Scenario::new(&[(1, available()), (2, available()), (3, available())]);
        s.input(arrive(1, &[1, 2, 3]))
            .input(SwitchboardInput::Answer {
                call: CallId(1),
                manager: ManagerId(1),
            })
            .input(arrive(2, &[1, 2, 3]))
            .input(arrive(3, &[1, 2, 3]))
            .input(SwitchboardInput::Decline {
                call: CallId(2),
                manager: ManagerId(2),
            })
            .input(SwitchboardInput::Answer {
                call: CallId(2),
                manager: ManagerId(2),
            });
        s.check(expect![[r#"
            t=000s > c1 arrives for [m1, m2, m3]
                     < ring c1 at m1
            t=000s > m1 answers c1
                     < connect c1 to m1
            t=000s > c2 arrives for [m1, m2, m3]
                     < ring c2 at m2
            t=000s > c3 arrives for [m1, m2, m3]
                     < ring c3 at m3
            t=000s > m2 declines c2
                     < stop ringing c2 at m2: Declined
                     < end c2: notAnswered (missed: ringTimeOver)
            t=000s > m2 answers c2
                     < refuse answer of c2 by m2: UnknownCall
        "#]]);
    }

    #[test]
    fn longest_idle_manager_rings_first_and_offline_moves_on() {
        let mut s = Scenario::new(&[(1, available()), (2, available())]);
        s.input(arrive(1, &[1, 2]))
            .input(SwitchboardInput::Answer {
                call: CallId(1),
                manager: ManagerId(1),
            })
            .wait(10)
            .input(SwitchboardInput::ManagerHungUp {
                call: CallId(1),
                manager: ManagerId(1),
            })
            .input(arrive(2, &[1, 2]))
            .input(SwitchboardInput::Presence {
                manager: ManagerId(2),
                presence: Presence {
                    online: false,
                    ..available()
                },
            });
        s.check(expect![[r#"
            t=000s > c1 arrives for [m1, m2]
                     < ring c1 at m1
            t=000s > m1 answers c1
                     < connect c1 to m1
            t=010s > m1 hangs up c1
                     < end c1: managerHangup
            t=010s > c2 arrives for [m1, m2]
                     < ring c2 at m2
            t=010s > m2 presence Presence { operator_seat: true, status: Available, do_not_disturb: false, online: false }
                     < stop ringing c2 at m2: Disconnected
                     < ring c2 at m1
        "#]]);
        assert_eq!(
            s.sb.eligibility(ManagerId(1)),
            Err(NotRingingReason::RingingForAnotherCall)
        );
        assert_eq!(
            s.sb.eligibility(ManagerId(2)),
            Err(NotRingingReason::Offline)
        );
    }

    #[test]
    fn end_for_all_only_from_a_manager_in_the_call() {
        let mut s = Scenario::new(&[(1, available()), (2, available())]);
        s.input(arrive(1, &[1, 2]))
            .input(SwitchboardInput::EndForAll {
                call: CallId(1),
                manager: ManagerId(1),
            })
            .input(SwitchboardInput::Answer {
                call: CallId(1),
                manager: ManagerId(1),
            })
            .input(SwitchboardInput::EndForAll {
                call: CallId(1),
                manager: ManagerId(2),
            })
            .wait(5)
            .input(SwitchboardInput::EndForAll {
                call: CallId(1),
                manager: ManagerId(1),
            });
        s.check(expect![[r#"
            t=000s > c1 arrives for [m1, m2]
                     < ring c1 at m1
            t=000s > m1 ends c1 for all
            t=000s > m1 answers c1
                     < connect c1 to m1
            t=000s > m2 ends c1 for all
            t=005s > m1 ends c1 for all
                     < end c1: endedForAll
        "#]]);
        assert_eq!(s.sb.call_of(ManagerId(1)), None);
    }
}
