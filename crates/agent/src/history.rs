//! The recent-calls list: which events make a line, and what each line's outcome is. Pure (no
//! clock, no disk): the session feeds it events with the time, and stores what it returns in
//! the [`crate::cache::LocalCache`].

use std::collections::{HashMap, HashSet};

use ringdesk_wire::{
    AgentEvent, CallMedium, RecentCall, RecentCallOutcome as Outcome, RingPurpose, RingStopReason,
    ServerEvent,
};

/// The number a voice meet rings through (it has no phone number).
const MEET_VIA: &str = "meet";

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
            AgentEvent::Server(ServerEvent::Ring {
                call_id,
                caller,
                via,
                purpose,
                ..
            }) => {
                let line = RecentCall {
                    call_id: *call_id,
                    caller: caller.clone(),
                    via: via.clone(),
                    started_at_ms: now_ms,
                    answered_at_ms: None,
                    ended_at_ms: None,
                    outcome: Outcome::Ringing,
                    invited_by: match purpose {
                        RingPurpose::Invite { by } => Some(by.name.clone()),
                        _ => None,
                    },
                    already_handled: false,
                    medium: if via.number == MEET_VIA {
                        CallMedium::Meet
                    } else {
                        CallMedium::Phone
                    },
                };
                self.open.insert(*call_id, line.clone());
                Some(line)
            }
            AgentEvent::Server(ServerEvent::Dialing {
                call_id,
                customer,
                plan,
            }) => {
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
                    outcome: Outcome::Dialing,
                    invited_by: None,
                    already_handled: false,
                    medium: CallMedium::Phone,
                };
                self.placed.insert(*call_id);
                self.open.insert(*call_id, line.clone());
                Some(line)
            }
            AgentEvent::Server(ServerEvent::DialAnswered { call_id }) => {
                let line = self.open.get_mut(call_id)?;
                line.answered_at_ms = Some(now_ms);
                line.outcome = Outcome::InCall;
                Some(line.clone())
            }
            AgentEvent::CallConnected { call_id } => {
                let line = self.open.get_mut(call_id)?;
                if line.outcome == Outcome::Dialing {
                    // Our own media is up; the other end has not answered.
                    return None;
                }
                line.answered_at_ms = Some(now_ms);
                line.outcome = Outcome::InCall;
                Some(line.clone())
            }
            AgentEvent::Server(ServerEvent::RingStopped { call_id, reason }) => {
                let mut line = self.open.remove(call_id)?;
                line.ended_at_ms = Some(now_ms);
                line.outcome = match reason {
                    RingStopReason::Declined => Outcome::Declined,
                    RingStopReason::AnsweredElsewhere => Outcome::AnsweredElsewhere,
                    _ => Outcome::Missed,
                };
                Some(line)
            }
            AgentEvent::Server(ServerEvent::CallEnded { call_id, .. }) => {
                let mut line = self.open.remove(call_id)?;
                line.ended_at_ms = Some(now_ms);
                line.outcome = match (self.placed.remove(call_id), line.answered_at_ms) {
                    (true, Some(_)) => Outcome::Outbound,
                    (true, None) => Outcome::NotReached,
                    (false, Some(_)) => Outcome::Answered,
                    (false, None) => Outcome::Missed,
                };
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
    AgentEvent::Server(ServerEvent::Ring {
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
    })
}

#[cfg(test)]
mod tests {
    use super::test_ring as ring;
    use super::*;
    use ringdesk_wire::{EndCause, HangupCause};

    fn outcomes(events: &[AgentEvent]) -> Vec<(i64, Outcome)> {
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
        let stopped =
            |call_id, reason| AgentEvent::from(ServerEvent::RingStopped { call_id, reason });
        let ended = |call_id| {
            AgentEvent::from(ServerEvent::CallEnded {
                call_id,
                cause: HangupCause::CustomerHangup.into(),
                missed_reason: None,
            })
        };
        let got = outcomes(&[
            ring(1),
            AgentEvent::CallConnected { call_id: 1 },
            ended(1),
            ring(2),
            stopped(2, RingStopReason::TimedOut),
            ring(3),
            stopped(3, RingStopReason::Declined),
            ring(4),
            stopped(4, RingStopReason::AnsweredElsewhere),
            ring(5),
            ended(5),
            ended(99),
        ]);
        let want = [
            (1, Outcome::Ringing),
            (1, Outcome::InCall),
            (1, Outcome::Answered),
            (2, Outcome::Ringing),
            (2, Outcome::Missed),
            (3, Outcome::Ringing),
            (3, Outcome::Declined),
            (4, Outcome::Ringing),
            (4, Outcome::AnsweredElsewhere),
            (5, Outcome::Ringing),
            (5, Outcome::Missed),
        ];
        assert_eq!(got, want, "an unknown call's end adds nothing");
    }

    #[test]
    fn times_come_from_the_caller() {
        let mut t = CallTracker::default();
        t.observe(&ring(7), 1_000);
        t.observe(&AgentEvent::CallConnected { call_id: 7 }, 4_000);
        let done = t
            .observe(
                &ServerEvent::CallEnded {
                    call_id: 7,
                    cause: HangupCause::ManagerHangup.into(),
                    missed_reason: None,
                }
                .into(),
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
        let dialing = |call_id| {
            AgentEvent::from(ServerEvent::Dialing {
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
            })
        };
        let ended = |call_id| {
            AgentEvent::from(ServerEvent::CallEnded {
                call_id,
                cause: EndCause::Left,
                missed_reason: None,
            })
        };
        let got = outcomes(&[
            dialing(1),
            AgentEvent::CallConnected { call_id: 1 },
            ServerEvent::DialAnswered { call_id: 1 }.into(),
            ended(1),
            dialing(2),
            AgentEvent::CallConnected { call_id: 2 },
            ended(2),
        ]);
        assert_eq!(
            got,
            [
                (1, Outcome::Dialing),
                (1, Outcome::InCall),
                (1, Outcome::Outbound),
                (2, Outcome::Dialing),
                (2, Outcome::NotReached)
            ],
            "our own media coming up is not the other end answering"
        );
    }
}
