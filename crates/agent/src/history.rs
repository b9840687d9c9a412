//! The recent-calls list: which events make a line, and what each line's outcome is. Pure (no
//! clock, no disk): the session feeds it events with the time, and stores what it returns in
//! the [`crate::cache::LocalCache`].

use std::collections::{HashMap, HashSet};

use ringdesk_wire::{AgentEvent, RecentCall};

/// Outcome codes of [`RecentCall::outcome`].
pub mod outcome {
    /// Ringing here now.
    pub const RINGING: &str = "ringing";
    /// Answered here; still talking.
    pub const IN_CALL: &str = "inCall";
    /// Answered here and over.
    pub const ANSWERED: &str = "answered";
    /// Rang here and nobody here took it: timed out, the caller left, or we went offline.
    pub const MISSED: &str = "missed";
    /// We declined it.
    pub const DECLINED: &str = "declined";
    /// Rang here, a teammate took it.
    pub const ANSWERED_ELSEWHERE: &str = "answeredElsewhere";
    /// We placed it; the other end rings.
    pub const DIALING: &str = "dialing";
    /// We placed it, they answered, and it is over.
    pub const OUTBOUND: &str = "outbound";
    /// We placed it and nobody answered (busy, rejected, or we gave up).
    pub const NOT_REACHED: &str = "notReached";
}

/// Calls seen in this session, by id, until they end.
#[derive(Debug, Default)]
pub struct CallTracker {
    open: HashMap<i64, RecentCall>,
    /// The open calls we placed.
    placed: HashSet<i64>,
}

impl CallTracker {
    /// Updates the list with one event; returns the line to store when it changed.
    pub fn observe(&mut self, event: &AgentEvent, now_ms: i64) -> Option<RecentCall> {
        match event {
            AgentEvent::Ring {
                call_id,
                caller,
                via,
                ..
            } => {
                let line = RecentCall {
                    call_id: *call_id,
                    caller: caller.clone(),
                    via: via.clone(),
                    started_at_ms: now_ms,
                    answered_at_ms: None,
                    ended_at_ms: None,
                    outcome: outcome::RINGING.into(),
                };
                self.open.insert(*call_id, line.clone());
                Some(line)
            }
            AgentEvent::Dialing {
                call_id,
                customer,
                plan,
            } => {
                let line = RecentCall {
                    call_id: *call_id,
                    caller: customer.clone(),
                    via: ringdesk_wire::CallVia {
                        number: plan.caller_id.clone(),
                        team_name: String::new(),
                    },
                    started_at_ms: now_ms,
                    answered_at_ms: None,
                    ended_at_ms: None,
                    outcome: outcome::DIALING.into(),
                };
                self.placed.insert(*call_id);
                self.open.insert(*call_id, line.clone());
                Some(line)
            }
            AgentEvent::DialAnswered { call_id } => {
                let line = self.open.get_mut(call_id)?;
                line.answered_at_ms = Some(now_ms);
                line.outcome = outcome::IN_CALL.into();
                Some(line.clone())
            }
            AgentEvent::CallConnected { call_id } => {
                let line = self.open.get_mut(call_id)?;
                if line.outcome == outcome::DIALING {
                    // Our own media is up; the other end has not answered.
                    return None;
                }
                line.answered_at_ms = Some(now_ms);
                line.outcome = outcome::IN_CALL.into();
                Some(line.clone())
            }
            AgentEvent::RingStopped { call_id, reason } => {
                let mut line = self.open.remove(call_id)?;
                line.ended_at_ms = Some(now_ms);
                line.outcome = match reason.as_str() {
                    "declined" => outcome::DECLINED,
                    "answeredElsewhere" => outcome::ANSWERED_ELSEWHERE,
                    _ => outcome::MISSED,
                }
                .into();
                Some(line)
            }
            AgentEvent::CallEnded { call_id, .. } => {
                let mut line = self.open.remove(call_id)?;
                line.ended_at_ms = Some(now_ms);
                line.outcome = match (self.placed.remove(call_id), line.answered_at_ms) {
                    (true, Some(_)) => outcome::OUTBOUND,
                    (true, None) => outcome::NOT_REACHED,
                    (false, Some(_)) => outcome::ANSWERED,
                    (false, None) => outcome::MISSED,
                }
                .into();
                Some(line)
            }
            _ => None,
        }
    }
}

/// A ring event for tests of everything that folds agent events.
#[cfg(test)]
pub(crate) fn test_ring(call_id: i64) -> AgentEvent {
    use ringdesk_wire::{CallVia, Caller};
    AgentEvent::Ring {
        call_id,
        caller: Caller {
            number: "+821012345678".into(),
            name: Some("박서연".into()),
            fields: vec![],
        },
        via: CallVia {
            number: "+827076660100".into(),
            team_name: "고객지원팀".into(),
        },
        ring_timeout_ms: 30_000,
        purpose: ringdesk_wire::RingPurpose::Route,
    }
}

#[cfg(test)]
mod tests {
    use super::test_ring as ring;
    use super::*;

    fn outcomes(events: &[AgentEvent]) -> Vec<(i64, String)> {
        let mut t = CallTracker::default();
        events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| t.observe(e, i as i64 * 1000))
            .map(|l| (l.call_id, l.outcome))
            .collect()
    }

    #[test]
    fn each_way_a_ring_ends_has_its_outcome() {
        let stopped = |call_id, reason: &str| AgentEvent::RingStopped {
            call_id,
            reason: reason.into(),
        };
        let ended = |call_id| AgentEvent::CallEnded {
            call_id,
            cause: "customerHangup".into(),
            missed_reason: None,
        };
        let got = outcomes(&[
            ring(1),
            AgentEvent::CallConnected { call_id: 1 },
            ended(1),
            ring(2),
            stopped(2, "timedOut"),
            ring(3),
            stopped(3, "declined"),
            ring(4),
            stopped(4, "answeredElsewhere"),
            ring(5),
            ended(5),
            ended(99),
        ]);
        let want: Vec<(i64, String)> = [
            (1, "ringing"),
            (1, "inCall"),
            (1, "answered"),
            (2, "ringing"),
            (2, "missed"),
            (3, "ringing"),
            (3, "declined"),
            (4, "ringing"),
            (4, "answeredElsewhere"),
            (5, "ringing"),
            (5, "missed"),
        ]
        .into_iter()
        .map(|(c, o)| (c, o.to_string()))
        .collect();
        assert_eq!(got, want, "an unknown call's end adds nothing");
    }

    #[test]
    fn times_come_from_the_caller() {
        let mut t = CallTracker::default();
        t.observe(&ring(7), 1_000);
        t.observe(&AgentEvent::CallConnected { call_id: 7 }, 4_000);
        let done = t
            .observe(
                &AgentEvent::CallEnded {
                    call_id: 7,
                    cause: "managerHangup".into(),
                    missed_reason: None,
                },
                64_000,
            )
            .unwrap();
        assert_eq!(
            (done.started_at_ms, done.answered_at_ms, done.ended_at_ms),
            (1_000, Some(4_000), Some(64_000))
        );
    }

    #[test]
    fn calls_we_place_are_outbound_or_not_reached() {
        let dialing = |call_id| AgentEvent::Dialing {
            call_id,
            customer: ringdesk_wire::Caller {
                number: "+821012345678".into(),
                name: None,
                fields: vec![],
            },
            plan: ringdesk_wire::DialPlan {
                to: "+821012345678".into(),
                caller_id: "+827076660100".into(),
                international: None,
            },
        };
        let ended = |call_id| AgentEvent::CallEnded {
            call_id,
            cause: "left".into(),
            missed_reason: None,
        };
        let got = outcomes(&[
            dialing(1),
            AgentEvent::CallConnected { call_id: 1 },
            AgentEvent::DialAnswered { call_id: 1 },
            ended(1),
            dialing(2),
            AgentEvent::CallConnected { call_id: 2 },
            ended(2),
        ]);
        let got: Vec<(i64, &str)> = got.iter().map(|(c, o)| (*c, o.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, "dialing"),
                (1, "inCall"),
                (1, "outbound"),
                (2, "dialing"),
                (2, "notReached")
            ],
            "our own media coming up is not the other end answering"
        );
    }
}
