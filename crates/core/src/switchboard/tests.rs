//! Scenario traces of the switchboard on a virtual clock (expect_test snapshots).

// A test picks an origin instant for its virtual clock; the code under test never reads it.
#![allow(clippy::disallowed_methods)]

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
        takes_phone_calls: true,
        online: true,
    }
}

fn ids(ms: &[ManagerId]) -> String {
    let m: Vec<String> = ms.iter().map(ToString::to_string).collect();
    format!("[{}]", m.join(", "))
}

/// One line of the trace for an input.
fn label(input: &SwitchboardInput) -> String {
    match input {
        SwitchboardInput::Presence { manager, presence } => {
            format!("{manager} presence {presence:?}")
        }
        SwitchboardInput::CallArrived { call, candidates } => {
            format!("{call} arrives for {}", ids(candidates))
        }
        SwitchboardInput::MeetArrived { call, candidates } => {
            format!("{call} arrives from a browser for {}", ids(candidates))
        }
        SwitchboardInput::WorkflowArrived { call } => format!("{call} arrives into a workflow"),
        SwitchboardInput::Route {
            call,
            queue,
            candidates,
            max_wait,
        } => format!(
            "the workflow queues {call} in {queue} for {} (wait at most {}s)",
            ids(candidates),
            max_wait.as_secs()
        ),
        SwitchboardInput::WorkflowEnded { call, missed } => {
            format!("the workflow ends {call} ({})", missed.code())
        }
        SwitchboardInput::KeepPlaceForCallback { call } => format!("{call} asks to be called back"),
        SwitchboardInput::Dial { call, manager } => format!("{manager} dials out as {call}"),
        SwitchboardInput::CustomerAnswered { call } => format!("called party of {call} answers"),
        SwitchboardInput::DialFailed { call } => format!("called party of {call} unreachable"),
        SwitchboardInput::ParallelCall { call, by, target } => match target {
            ParallelTarget::Manager(m) => format!("{by} calls {m} in parallel to {call}"),
            ParallelTarget::External => format!("{by} calls a number in parallel to {call}"),
        },
        SwitchboardInput::ParallelAnswered { call } => format!("parallel party of {call} answers"),
        SwitchboardInput::ParallelPartyGone { call } => {
            format!("parallel party of {call} hangs up")
        }
        SwitchboardInput::SwitchLine { call, by } => format!("{by} switches lines of {call}"),
        SwitchboardInput::Merge { call, by } => format!("{by} merges the lines of {call}"),
        SwitchboardInput::Answer { call, manager } => format!("{manager} answers {call}"),
        SwitchboardInput::PickUp {
            call,
            manager,
            leave_current: false,
        } => format!("{manager} picks up {call}"),
        SwitchboardInput::PickUp { call, manager, .. } => {
            format!("{manager} leaves their call and picks up {call}")
        }
        SwitchboardInput::Decline { call, manager } => format!("{manager} declines {call}"),
        SwitchboardInput::CustomerHungUp { call } => format!("customer of {call} hangs up"),
        SwitchboardInput::CustomerLegFailed { call } => format!("customer leg of {call} fails"),
        SwitchboardInput::ManagerHungUp { call, manager } => format!("{manager} hangs up {call}"),
        SwitchboardInput::EndForAll { call, manager } => format!("{manager} ends {call} for all"),
        SwitchboardInput::SetHold {
            call,
            manager,
            held,
        } => format!("{manager} sets hold of {call} to {held}"),
        SwitchboardInput::Invite { call, by, invitee } => {
            format!("{by} invites {invitee} to {call}")
        }
        SwitchboardInput::Transfer {
            call,
            by,
            kind,
            target,
        } => {
            let to = match target {
                TransferTarget::Manager(m) => m.to_string(),
                TransferTarget::Team(ms) => format!("team {}", ids(ms)),
            };
            format!("{by} transfers {call} {} to {to}", kind.code())
        }
        SwitchboardInput::CompleteTransfer { call, by } => {
            format!("{by} completes the transfer of {call}")
        }
        SwitchboardInput::CancelTransfer { call, by } => {
            format!("{by} cancels the transfer of {call}")
        }
        SwitchboardInput::TransferToQueue {
            call,
            by,
            queue,
            candidates,
            ..
        } => format!("{by} puts {call} in {queue} of {}", ids(candidates)),
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

    /// `n` available managers m1..mn.
    fn available(n: i64) -> Self {
        let managers: Vec<(i64, Presence)> = (1..=n).map(|id| (id, available())).collect();
        Scenario::new(&managers)
    }

    fn input(&mut self, input: SwitchboardInput) -> &mut Self {
        let secs = (self.now - self.t0).as_secs();
        writeln!(self.trace, "t={secs:03}s > {}", label(&input)).unwrap();
        self.sb.handle_input(self.now, input);
        self.drain();
        self
    }

    fn wait(&mut self, secs: u64) -> &mut Self {
        let target = self.now + Duration::from_secs(secs);
        while let Some(deadline) = self.sb.poll_timeout().filter(|d| *d <= target) {
            self.now = deadline;
            let secs = (self.now - self.t0).as_secs();
            writeln!(self.trace, "t={secs:03}s > timeout").unwrap();
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

fn answer(call: i64, manager: i64) -> SwitchboardInput {
    SwitchboardInput::Answer {
        call: CallId(call),
        manager: ManagerId(manager),
    }
}

fn decline(call: i64, manager: i64) -> SwitchboardInput {
    SwitchboardInput::Decline {
        call: CallId(call),
        manager: ManagerId(manager),
    }
}

fn leave(call: i64, manager: i64) -> SwitchboardInput {
    SwitchboardInput::ManagerHungUp {
        call: CallId(call),
        manager: ManagerId(manager),
    }
}

fn pick_up(call: i64, manager: i64) -> SwitchboardInput {
    SwitchboardInput::PickUp {
        call: CallId(call),
        manager: ManagerId(manager),
        leave_current: false,
    }
}

fn invite(call: i64, by: i64, invitee: i64) -> SwitchboardInput {
    SwitchboardInput::Invite {
        call: CallId(call),
        by: ManagerId(by),
        invitee: ManagerId(invitee),
    }
}

fn transfer(call: i64, by: i64, kind: TransferKind, to: i64) -> SwitchboardInput {
    SwitchboardInput::Transfer {
        call: CallId(call),
        by: ManagerId(by),
        kind,
        target: TransferTarget::Manager(ManagerId(to)),
    }
}

fn transfer_to_team(call: i64, by: i64, kind: TransferKind, team: &[i64]) -> SwitchboardInput {
    SwitchboardInput::Transfer {
        call: CallId(call),
        by: ManagerId(by),
        kind,
        target: TransferTarget::Team(team.iter().map(|&m| ManagerId(m)).collect()),
    }
}

fn complete(call: i64, by: i64) -> SwitchboardInput {
    SwitchboardInput::CompleteTransfer {
        call: CallId(call),
        by: ManagerId(by),
    }
}

fn cancel(call: i64, by: i64) -> SwitchboardInput {
    SwitchboardInput::CancelTransfer {
        call: CallId(call),
        by: ManagerId(by),
    }
}

fn to_queue(call: i64, by: i64, team: &[i64]) -> SwitchboardInput {
    SwitchboardInput::TransferToQueue {
        call: CallId(call),
        by: ManagerId(by),
        queue: QueueId::Team(1),
        candidates: team.iter().map(|&m| ManagerId(m)).collect(),
        max_wait: QUEUE_MAX_WAIT,
    }
}

fn end_for_all(call: i64, manager: i64) -> SwitchboardInput {
    SwitchboardInput::EndForAll {
        call: CallId(call),
        manager: ManagerId(manager),
    }
}

fn customer_hangs_up(call: i64) -> SwitchboardInput {
    SwitchboardInput::CustomerHungUp { call: CallId(call) }
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
                 < c10 changed
        t=000s > m1 sets hold of c10 to true
                 < refuse setHold of c10 by m1: notInCall
        t=000s > m1 answers c10
                 < connect c10 to m1
                 < c10 changed
        t=010s > m1 sets hold of c10 to true
                 < c10 on hold by m1
                 < c10 changed
        t=010s > m1 sets hold of c10 to true
        t=010s > m2 sets hold of c10 to false
                 < refuse setHold of c10 by m2: notInCall
        t=010s > m1 sets hold of c11 to false
                 < refuse setHold of c11 by m1: unknownCall
        t=040s > m1 sets hold of c10 to false
                 < c10 off hold by m1
                 < c10 changed
        t=045s > m1 hangs up c10
                 < m1 left c10: left
                 < end c10: managerHangup
        t=045s > m1 sets hold of c10 to true
                 < refuse setHold of c10 by m1: unknownCall
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
                 < c10 changed
        t=005s > m1 answers c10
                 < connect c10 to m1
                 < c10 changed
        t=065s > customer of c10 hangs up
                 < end c10: customerHangup; hang up [m1]
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
                 < c7 changed
        t=030s > timeout
                 < stop ringing c7 at m1: timedOut
                 < ring c7 at m2
                 < c7 changed
        t=060s > timeout
                 < stop ringing c7 at m2: timedOut
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
                 < c3 changed
        t=004s > customer of c3 hangs up
                 < stop ringing c3 at m1: callerLeft
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
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > c2 arrives for [m1, m2, m3]
                 < ring c2 at m2
                 < c2 changed
        t=000s > c3 arrives for [m1, m2, m3]
                 < ring c3 at m3
                 < c3 changed
        t=000s > m2 declines c2
                 < stop ringing c2 at m2: declined
                 < end c2: notAnswered (missed: ringTimeOver)
        t=000s > m2 answers c2
                 < refuse answer of c2 by m2: unknownCall
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
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=010s > m1 hangs up c1
                 < m1 left c1: left
                 < end c1: managerHangup
        t=010s > c2 arrives for [m1, m2]
                 < ring c2 at m2
                 < c2 changed
        t=010s > m2 presence Presence { operator_seat: true, status: Available, do_not_disturb: false, takes_phone_calls: true, online: false }
                 < stop ringing c2 at m2: disconnected
                 < ring c2 at m1
                 < c2 changed
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
                 < c1 changed
        t=000s > m1 ends c1 for all
                 < refuse endForAll of c1 by m1: notInCall
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m2 ends c1 for all
                 < refuse endForAll of c1 by m2: notInCall
        t=005s > m1 ends c1 for all
                 < end c1: endedForAll; hang up [m1]
    "#]]);
    assert_eq!(s.sb.call_of(ManagerId(1)), None);
}

#[test]
fn invite_rings_a_teammate_who_joins_or_declines() {
    let mut s = Scenario::available(4);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(invite(1, 1, 2))
        .input(invite(1, 1, 2))
        .input(invite(1, 1, 1))
        .input(invite(1, 3, 4))
        .input(answer(1, 2))
        .input(invite(1, 2, 3))
        .input(decline(1, 3))
        .input(invite(1, 1, 4))
        .wait(31);
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 invites m2 to c1
                 < ring c1 at m2 (invite by m1)
                 < c1 changed
        t=000s > m1 invites m2 to c1
                 < refuse invite of c1 by m1: alreadyInCall
        t=000s > m1 invites m1 to c1
                 < refuse invite of c1 by m1: selfTarget
        t=000s > m3 invites m4 to c1
                 < refuse invite of c1 by m3: notInCall
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > m2 invites m3 to c1
                 < ring c1 at m3 (invite by m2)
                 < c1 changed
        t=000s > m3 declines c1
                 < stop ringing c1 at m3: declined
                 < tell m2: m3 did not join c1 (declined)
                 < c1 changed
        t=000s > m1 invites m4 to c1
                 < ring c1 at m4 (invite by m1)
                 < c1 changed
        t=030s > timeout
                 < stop ringing c1 at m4: timedOut
                 < tell m1: m4 did not join c1 (timedOut)
                 < c1 changed
    "#]]);
    let view = s.sb.view(CallId(1)).unwrap();
    assert_eq!(view.managers, vec![ManagerId(1), ManagerId(2)]);
    assert!(view.ringing.is_empty());
}

#[test]
fn a_call_holds_nine_managers_and_the_tenth_is_refused() {
    let mut s = Scenario::available(11);
    s.input(arrive(1, &[1])).input(answer(1, 1));
    for m in 2..=9 {
        s.input(invite(1, 1, m));
        if m % 2 == 0 {
            s.input(answer(1, m));
        }
    }
    // 5 managers in, 4 invitations ringing: the call is full.
    let before = s.trace.len();
    s.input(invite(1, 1, 10))
        .input(transfer(1, 1, TransferKind::Warm, 10))
        .input(decline(1, 3))
        .input(invite(1, 1, 10))
        .input(invite(1, 2, 11));
    let trace = s.trace[before..].to_string();
    expect![[r#"
        t=000s > m1 invites m10 to c1
                 < refuse invite of c1 by m1: callFull
        t=000s > m1 transfers c1 warm to m10
                 < refuse transfer of c1 by m1: callFull
        t=000s > m3 declines c1
                 < stop ringing c1 at m3: declined
                 < tell m1: m3 did not join c1 (declined)
                 < c1 changed
        t=000s > m1 invites m10 to c1
                 < ring c1 at m10 (invite by m1)
                 < c1 changed
        t=000s > m2 invites m11 to c1
                 < refuse invite of c1 by m2: callFull
    "#]]
    .assert_eq(&trace);
}

#[test]
fn an_invitee_who_is_busy_away_or_ringing_elsewhere_is_refused_with_the_reason() {
    let away = Presence {
        status: Status::Away,
        ..available()
    };
    let mut s = Scenario::new(&[
        (1, available()),
        (2, away),
        (3, available()),
        (4, available()),
    ]);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(arrive(2, &[3]))
        .input(invite(1, 1, 2))
        .input(invite(1, 1, 3))
        .input(invite(1, 1, 9));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > c2 arrives for [m3]
                 < ring c2 at m3
                 < c2 changed
        t=000s > m1 invites m2 to c1
                 < refuse invite of c1 by m1: targetUnavailable (away)
        t=000s > m1 invites m3 to c1
                 < refuse invite of c1 by m1: targetUnavailable (ringingForAnotherCall)
        t=000s > m1 invites m9 to c1
                 < refuse invite of c1 by m1: targetUnavailable (offline)
    "#]]);
}

#[test]
fn leave_keeps_the_call_for_the_others_and_the_last_to_leave_ends_it() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(invite(1, 1, 2))
        .input(answer(1, 2))
        .input(invite(1, 2, 3))
        .input(leave(1, 1))
        .input(leave(1, 2));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 invites m2 to c1
                 < ring c1 at m2 (invite by m1)
                 < c1 changed
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > m2 invites m3 to c1
                 < ring c1 at m3 (invite by m2)
                 < c1 changed
        t=000s > m1 hangs up c1
                 < m1 left c1: left
                 < c1 changed
        t=000s > m2 hangs up c1
                 < m2 left c1: left
                 < stop ringing c1 at m3: callEnded
                 < end c1: managerHangup
    "#]]);
    assert_eq!(s.sb.eligibility(ManagerId(3)), Ok(()));
}

#[test]
fn end_for_all_hangs_up_every_leg_and_stops_every_ring() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(invite(1, 1, 2))
        .input(answer(1, 2))
        .input(invite(1, 1, 3))
        .input(end_for_all(1, 2));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 invites m2 to c1
                 < ring c1 at m2 (invite by m1)
                 < c1 changed
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > m1 invites m3 to c1
                 < ring c1 at m3 (invite by m1)
                 < c1 changed
        t=000s > m2 ends c1 for all
                 < stop ringing c1 at m3: callEnded
                 < end c1: endedForAll; hang up [m1, m2]
    "#]]);
    assert_eq!(s.sb.call_of(ManagerId(1)), None);
    assert_eq!(s.sb.eligibility(ManagerId(3)), Ok(()));
}

#[test]
fn pick_up_takes_a_call_ringing_at_someone_else() {
    let dnd = Presence {
        do_not_disturb: true,
        ..available()
    };
    let mut s = Scenario::new(&[
        (1, available()),
        (2, dnd),
        (3, available()),
        (4, available()),
    ]);
    s.input(arrive(1, &[1]))
        .input(pick_up(2, 4))
        .input(arrive(2, &[3]))
        .input(pick_up(1, 3))
        .input(pick_up(1, 2))
        .input(pick_up(1, 4))
        .wait(40);
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m4 picks up c2
                 < refuse pickUp of c2 by m4: unknownCall
        t=000s > c2 arrives for [m3]
                 < ring c2 at m3
                 < c2 changed
        t=000s > m3 picks up c1
                 < refuse pickUp of c1 by m3: busy (ringingForAnotherCall)
        t=000s > m2 picks up c1
                 < stop ringing c1 at m1: pickedUp
                 < connect c1 to m2
                 < c1 changed
        t=000s > m4 picks up c1
                 < refuse pickUp of c1 by m4: nothingToPickUp
        t=030s > timeout
                 < stop ringing c2 at m3: timedOut
                 < end c2: notAnswered (missed: ringTimeOver)
    "#]]);
    assert_eq!(s.sb.call_of(ManagerId(2)), Some(CallId(1)));
}

#[test]
fn cold_transfer_hands_over_when_the_target_answers_and_comes_back_when_declined() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(transfer(1, 1, TransferKind::Cold, 2))
        .input(transfer(1, 1, TransferKind::Cold, 3))
        .input(decline(1, 2))
        .input(transfer(1, 1, TransferKind::Cold, 3))
        .input(answer(1, 3));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 transfers c1 cold to m2
                 < c1 on hold by m1
                 < ring c1 at m2 (cold transfer by m1)
                 < c1 changed
        t=000s > m1 transfers c1 cold to m3
                 < refuse transfer of c1 by m1: transferInProgress
        t=000s > m2 declines c1
                 < stop ringing c1 at m2: declined
                 < c1 off hold by m1
                 < tell m1: transfer of c1 unanswered (declined)
                 < c1 changed
        t=000s > m1 transfers c1 cold to m3
                 < c1 on hold by m1
                 < ring c1 at m3 (cold transfer by m1)
                 < c1 changed
        t=000s > m3 answers c1
                 < connect c1 to m3
                 < m1 left c1: transferred
                 < c1 off hold by m1
                 < tell m1: transfer of c1 completed to m3
                 < c1 changed
    "#]]);
    assert_eq!(s.sb.view(CallId(1)).unwrap().managers, vec![ManagerId(3)]);
    assert_eq!(s.sb.call_of(ManagerId(1)), None);
}

#[test]
fn a_customer_already_on_hold_stays_on_hold_when_a_transfer_fails() {
    let mut s = Scenario::available(2);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(hold(1, 1, true))
        .input(transfer(1, 1, TransferKind::Cold, 2))
        .wait(30);
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 sets hold of c1 to true
                 < c1 on hold by m1
                 < c1 changed
        t=000s > m1 transfers c1 cold to m2
                 < ring c1 at m2 (cold transfer by m1)
                 < c1 changed
        t=030s > timeout
                 < stop ringing c1 at m2: timedOut
                 < tell m1: transfer of c1 unanswered (timedOut)
                 < c1 changed
    "#]]);
    assert!(s.sb.view(CallId(1)).unwrap().held);
}

#[test]
fn a_transfer_to_a_team_rings_its_free_managers_and_the_first_answer_wins() {
    let away = Presence {
        status: Status::Away,
        ..available()
    };
    let mut s = Scenario::new(&[
        (1, available()),
        (2, available()),
        (3, away),
        (4, available()),
    ]);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(transfer_to_team(1, 1, TransferKind::Cold, &[3]))
        .input(transfer_to_team(1, 1, TransferKind::Cold, &[1, 2, 3, 4]))
        .input(answer(1, 4))
        .input(answer(1, 2));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 transfers c1 cold to team [m3]
                 < refuse transfer of c1 by m1: nobodyAvailable
        t=000s > m1 transfers c1 cold to team [m1, m2, m3, m4]
                 < c1 on hold by m1
                 < ring c1 at m2 (cold transfer by m1)
                 < ring c1 at m4 (cold transfer by m1)
                 < c1 changed
        t=000s > m4 answers c1
                 < connect c1 to m4
                 < stop ringing c1 at m2: answeredElsewhere
                 < m1 left c1: transferred
                 < c1 off hold by m1
                 < tell m1: transfer of c1 completed to m4
                 < c1 changed
        t=000s > m2 answers c1
                 < refuse answer of c1 by m2: notRinging
    "#]]);
}

#[test]
fn warm_transfer_talks_first_then_completes_or_cancels() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(transfer(1, 1, TransferKind::Warm, 2))
        .input(complete(1, 1))
        .input(answer(1, 2))
        .input(complete(1, 2))
        .input(cancel(1, 1))
        .input(transfer(1, 1, TransferKind::Warm, 3))
        .input(answer(1, 3))
        .input(complete(1, 1));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 transfers c1 warm to m2
                 < c1 on hold by m1
                 < ring c1 at m2 (warm transfer by m1)
                 < c1 changed
        t=000s > m1 completes the transfer of c1
                 < refuse completeTransfer of c1 by m1: transferNotAnswered
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > m2 completes the transfer of c1
                 < refuse completeTransfer of c1 by m2: noTransfer
        t=000s > m1 cancels the transfer of c1
                 < m2 left c1: transferCancelled
                 < c1 off hold by m1
                 < tell m1: transfer of c1 cancelled
                 < c1 changed
        t=000s > m1 transfers c1 warm to m3
                 < c1 on hold by m1
                 < ring c1 at m3 (warm transfer by m1)
                 < c1 changed
        t=000s > m3 answers c1
                 < connect c1 to m3
                 < c1 changed
        t=000s > m1 completes the transfer of c1
                 < m1 left c1: transferred
                 < c1 off hold by m1
                 < tell m1: transfer of c1 completed to m3
                 < c1 changed
    "#]]);
    assert_eq!(s.sb.view(CallId(1)).unwrap().managers, vec![ManagerId(3)]);
    assert_eq!(s.sb.eligibility(ManagerId(2)), Ok(()));
}

#[test]
fn warm_transfer_when_one_side_hangs_up() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(transfer(1, 1, TransferKind::Warm, 2))
        .input(answer(1, 2))
        .input(leave(1, 2))
        .input(transfer(1, 1, TransferKind::Warm, 3))
        .input(answer(1, 3))
        .input(leave(1, 1));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 transfers c1 warm to m2
                 < c1 on hold by m1
                 < ring c1 at m2 (warm transfer by m1)
                 < c1 changed
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > m2 hangs up c1
                 < m2 left c1: left
                 < c1 off hold by m1
                 < tell m1: transfer of c1 targetLeft
                 < c1 changed
        t=000s > m1 transfers c1 warm to m3
                 < c1 on hold by m1
                 < ring c1 at m3 (warm transfer by m1)
                 < c1 changed
        t=000s > m3 answers c1
                 < connect c1 to m3
                 < c1 changed
        t=000s > m1 hangs up c1
                 < m1 left c1: transferred
                 < c1 off hold by m1
                 < tell m1: transfer of c1 completed to m3
                 < c1 changed
    "#]]);
}

#[test]
fn a_transferring_manager_who_leaves_while_it_rings_leaves_the_call_to_the_target() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(transfer(1, 1, TransferKind::Cold, 2))
        .input(leave(1, 1))
        .input(answer(1, 2))
        .input(transfer(1, 2, TransferKind::Cold, 3))
        .input(leave(1, 2))
        .input(decline(1, 3));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 transfers c1 cold to m2
                 < c1 on hold by m1
                 < ring c1 at m2 (cold transfer by m1)
                 < c1 changed
        t=000s > m1 hangs up c1
                 < m1 left c1: left
                 < c1 changed
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 off hold by m1
                 < tell m1: transfer of c1 completed to m2
                 < c1 changed
        t=000s > m2 transfers c1 cold to m3
                 < c1 on hold by m2
                 < ring c1 at m3 (cold transfer by m2)
                 < c1 changed
        t=000s > m2 hangs up c1
                 < m2 left c1: left
                 < c1 changed
        t=000s > m3 declines c1
                 < stop ringing c1 at m3: declined
                 < c1 off hold by m2
                 < tell m2: transfer of c1 unanswered (declined)
                 < end c1: managerHangup
    "#]]);
}

#[test]
fn a_call_in_a_queue_waits_for_a_free_manager_up_to_an_hour() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(arrive(2, &[2]))
        .input(answer(2, 2))
        .input(to_queue(1, 1, &[1, 2]))
        .wait(10)
        .input(leave(2, 2))
        .wait(5)
        .input(answer(1, 2))
        .input(to_queue(1, 2, &[3]))
        .input(SwitchboardInput::Presence {
            manager: ManagerId(3),
            presence: Presence {
                status: Status::Away,
                ..available()
            },
        })
        .wait(3600);
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > c2 arrives for [m2]
                 < ring c2 at m2
                 < c2 changed
        t=000s > m2 answers c2
                 < connect c2 to m2
                 < c2 changed
        t=000s > m1 puts c1 in team1 of [m1, m2]
                 < c1 on hold by m1
                 < m1 left c1: transferred
                 < c1 changed
        t=010s > m2 hangs up c2
                 < m2 left c2: left
                 < end c2: managerHangup
                 < ring c1 at m2
                 < c1 changed
        t=015s > m2 answers c1
                 < connect c1 to m2
                 < c1 off hold by m2
                 < c1 changed
        t=015s > m2 puts c1 in team1 of [m3]
                 < c1 on hold by m2
                 < m2 left c1: transferred
                 < ring c1 at m3
                 < c1 changed
        t=015s > m3 presence Presence { operator_seat: true, status: Away, do_not_disturb: false, takes_phone_calls: true, online: true }
                 < stop ringing c1 at m3: unavailable
                 < c1 changed
        t=3615s > timeout
                 < end c1: notAnswered (missed: abandonedInQueue)
    "#]]);
}

#[test]
fn the_customer_hanging_up_stops_invites_and_transfers() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(invite(1, 1, 2))
        .input(transfer(1, 1, TransferKind::Cold, 3))
        .input(customer_hangs_up(1));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 invites m2 to c1
                 < ring c1 at m2 (invite by m1)
                 < c1 changed
        t=000s > m1 transfers c1 cold to m3
                 < c1 on hold by m1
                 < ring c1 at m3 (cold transfer by m1)
                 < c1 changed
        t=000s > customer of c1 hangs up
                 < stop ringing c1 at m2: callerLeft
                 < stop ringing c1 at m3: callerLeft
                 < end c1: customerHangup; hang up [m1]
    "#]]);
}

fn dial(call: i64, manager: i64) -> SwitchboardInput {
    SwitchboardInput::Dial {
        call: CallId(call),
        manager: ManagerId(manager),
    }
}

#[test]
fn a_placed_call_has_its_manager_in_at_once_and_nothing_to_control_until_answered() {
    let mut s = Scenario::available(2);
    s.input(dial(1, 1))
        .input(hold(1, 1, true))
        .input(invite(1, 1, 2))
        .input(arrive(2, &[1, 2]))
        .input(SwitchboardInput::CustomerAnswered { call: CallId(1) })
        .input(hold(1, 1, true))
        .input(SwitchboardInput::CustomerHungUp { call: CallId(1) })
        .input(dial(3, 1))
        .input(dial(4, 1))
        .input(SwitchboardInput::DialFailed { call: CallId(3) })
        .input(dial(5, 2));
    s.check(expect![[r#"
        t=000s > m1 dials out as c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 sets hold of c1 to true
                 < refuse setHold of c1 by m1: notAnsweredYet
        t=000s > m1 invites m2 to c1
                 < refuse invite of c1 by m1: notAnsweredYet
        t=000s > c2 arrives for [m1, m2]
                 < ring c2 at m2
                 < c2 changed
        t=000s > called party of c1 answers
                 < c1 changed
        t=000s > m1 sets hold of c1 to true
                 < c1 on hold by m1
                 < c1 changed
        t=000s > customer of c1 hangs up
                 < end c1: customerHangup; hang up [m1]
        t=000s > m1 dials out as c3
                 < connect c3 to m1
                 < c3 changed
        t=000s > m1 dials out as c4
                 < refuse dial of c4 by m1: busy (inCall)
        t=000s > called party of c3 unreachable
                 < end c3: notReached; hang up [m1]
        t=000s > m2 dials out as c5
                 < refuse dial of c5 by m2: busy (ringingForAnotherCall)
    "#]]);
}

#[test]
fn hanging_up_a_placed_call_before_the_answer_ends_it_without_a_missed_reason() {
    let mut s = Scenario::available(1);
    s.input(dial(1, 1))
        .input(leave(1, 1))
        .input(dial(2, 1))
        .input(SwitchboardInput::CustomerHungUp { call: CallId(2) });
    s.check(expect![[r#"
        t=000s > m1 dials out as c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 hangs up c1
                 < m1 left c1: left
                 < end c1: managerHangup
        t=000s > m1 dials out as c2
                 < connect c2 to m1
                 < c2 changed
        t=000s > customer of c2 hangs up
                 < end c2: customerHangup; hang up [m1]
    "#]]);
}

fn parallel(call: i64, by: i64, target: ParallelTarget) -> SwitchboardInput {
    SwitchboardInput::ParallelCall {
        call: CallId(call),
        by: ManagerId(by),
        target,
    }
}

fn switch(call: i64, by: i64) -> SwitchboardInput {
    SwitchboardInput::SwitchLine {
        call: CallId(call),
        by: ManagerId(by),
    }
}

fn merge(call: i64, by: i64) -> SwitchboardInput {
    SwitchboardInput::Merge {
        call: CallId(call),
        by: ManagerId(by),
    }
}

/// Each participant's place, compactly: `c:1 p:M m1:2 m2:2`.
fn places(s: &Scenario, call: i64) -> String {
    let a = s.sb.view(CallId(call)).expect("call is live").arrangement();
    let place = |p: Place| match p {
        Place::Line(n) => n.to_string(),
        Place::Music => "M".into(),
    };
    let mut out = format!("c:{} p:{}", place(a.customer), place(a.party));
    for (m, p) in a.managers {
        write!(out, " {m}:{}", place(p)).unwrap();
    }
    out
}

#[test]
fn a_parallel_call_to_a_teammate_switches_lines_and_merges() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1, 2, 3]))
        .input(answer(1, 1))
        .input(parallel(1, 1, ParallelTarget::Manager(ManagerId(2))));
    assert_eq!(
        places(&s, 1),
        "c:M p:2 m1:2",
        "the customer waits while m2 rings"
    );
    s.input(transfer(1, 1, TransferKind::Cold, 3))
        .input(parallel(1, 1, ParallelTarget::External))
        .input(answer(1, 2));
    assert_eq!(places(&s, 1), "c:M p:2 m1:2 m2:2");
    s.input(switch(1, 1));
    assert_eq!(
        places(&s, 1),
        "c:1 p:M m1:1 m2:M",
        "back with the customer; m2 waits"
    );
    s.input(switch(1, 2)).input(switch(1, 1)).input(merge(1, 1));
    assert_eq!(places(&s, 1), "c:1 p:1 m1:1 m2:1", "one conversation");
    s.input(transfer(1, 1, TransferKind::Cold, 3));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1, m2, m3]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 calls m2 in parallel to c1
                 < c1 on hold by m1
                 < ring c1 at m2 (parallel call by m1)
                 < c1 changed
        t=000s > m1 transfers c1 cold to m3
                 < refuse transfer of c1 by m1: parallelInProgress
        t=000s > m1 calls a number in parallel to c1
                 < refuse parallelCall of c1 by m1: parallelInProgress
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > m1 switches lines of c1
                 < c1 off hold by m1
                 < c1 changed
        t=000s > m2 switches lines of c1
                 < refuse switchLine of c1 by m2: noParallel
        t=000s > m1 switches lines of c1
                 < c1 on hold by m1
                 < c1 changed
        t=000s > m1 merges the lines of c1
                 < c1 off hold by m1
                 < c1 changed
        t=000s > m1 transfers c1 cold to m3
                 < c1 on hold by m1
                 < ring c1 at m3 (cold transfer by m1)
                 < c1 changed
    "#]]);
}

#[test]
fn a_second_line_with_its_own_conference_cannot_merge_and_the_customer_can_leave_first() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(parallel(1, 1, ParallelTarget::External))
        .input(merge(1, 1))
        .input(SwitchboardInput::ParallelAnswered { call: CallId(1) })
        .input(invite(1, 1, 3))
        .input(answer(1, 3));
    assert_eq!(
        places(&s, 1),
        "c:M p:2 m1:2 m3:2",
        "m3 joined the second line"
    );
    s.input(merge(1, 1)).input(switch(1, 1));
    assert_eq!(
        places(&s, 1),
        "c:1 p:2 m1:1 m3:2",
        "the second line's conference goes on without m1"
    );
    s.input(leave(1, 3)).input(merge(1, 1));
    assert_eq!(places(&s, 1), "c:1 p:1 m1:1");
    s.input(SwitchboardInput::CustomerHungUp { call: CallId(1) })
        .input(SwitchboardInput::ParallelPartyGone { call: CallId(1) });
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 calls a number in parallel to c1
                 < c1 on hold by m1
                 < c1 changed
        t=000s > m1 merges the lines of c1
                 < refuse merge of c1 by m1: partyNotAnswered
        t=000s > parallel party of c1 answers
                 < c1 changed
        t=000s > m1 invites m3 to c1
                 < ring c1 at m3 (invite by m1)
                 < c1 changed
        t=000s > m3 answers c1
                 < connect c1 to m3
                 < c1 changed
        t=000s > m1 merges the lines of c1
                 < refuse merge of c1 by m1: parallelConference
        t=000s > m1 switches lines of c1
                 < c1 off hold by m1
                 < c1 changed
        t=000s > m3 hangs up c1
                 < m3 left c1: left
                 < c1 changed
        t=000s > m1 merges the lines of c1
                 < c1 changed
        t=000s > customer of c1 hangs up
                 < customer left c1; it goes on
                 < c1 changed
        t=000s > parallel party of c1 hangs up
                 < end c1: customerHangup; hang up [m1]
    "#]]);
}

#[test]
fn the_parallel_line_survives_the_customer_and_ends_when_unanswered_or_left() {
    let mut s = Scenario::available(2);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(parallel(1, 1, ParallelTarget::Manager(ManagerId(2))))
        .input(decline(1, 2))
        .input(parallel(1, 1, ParallelTarget::Manager(ManagerId(2))))
        .input(answer(1, 2))
        .input(SwitchboardInput::CustomerHungUp { call: CallId(1) });
    assert_eq!(places(&s, 1), "c:1 p:1 m1:1 m2:1", "m1 and m2 talk on");
    s.input(leave(1, 2));
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 calls m2 in parallel to c1
                 < c1 on hold by m1
                 < ring c1 at m2 (parallel call by m1)
                 < c1 changed
        t=000s > m2 declines c1
                 < stop ringing c1 at m2: declined
                 < c1 off hold by m1
                 < tell m1: parallel line of c1 ended: unanswered (declined)
                 < c1 changed
        t=000s > m1 calls m2 in parallel to c1
                 < c1 on hold by m1
                 < ring c1 at m2 (parallel call by m1)
                 < c1 changed
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=000s > customer of c1 hangs up
                 < customer left c1; it goes on
                 < c1 off hold by m1
                 < c1 changed
        t=000s > m2 hangs up c1
                 < m2 left c1: left
                 < end c1: customerHangup; hang up [m1]
    "#]]);
}

#[test]
fn a_voice_meet_rings_like_a_call_but_is_never_held() {
    let mut s = Scenario::available(2);
    s.input(SwitchboardInput::MeetArrived {
        call: CallId(1),
        candidates: vec![ManagerId(1), ManagerId(2)],
    })
    .input(answer(1, 1))
    .input(hold(1, 1, true))
    .input(parallel(1, 1, ParallelTarget::External))
    .input(transfer(1, 1, TransferKind::Warm, 2))
    .input(transfer(1, 1, TransferKind::Cold, 2));
    assert_eq!(
        places(&s, 1),
        "c:1 p:1 m1:1",
        "while the cold transfer rings, the visitor still talks with m1, never to the music"
    );
    assert!(s.sb.view(CallId(1)).unwrap().meet);
    s.input(answer(1, 2));
    s.check(expect![[r#"
        t=000s > c1 arrives from a browser for [m1, m2]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m1 sets hold of c1 to true
                 < refuse setHold of c1 by m1: notSupportedInMeets
        t=000s > m1 calls a number in parallel to c1
                 < refuse parallelCall of c1 by m1: notSupportedInMeets
        t=000s > m1 transfers c1 warm to m2
                 < refuse transfer of c1 by m1: notSupportedInMeets
        t=000s > m1 transfers c1 cold to m2
                 < ring c1 at m2 (cold transfer by m1)
                 < c1 changed
        t=000s > m2 answers c1
                 < connect c1 to m2
                 < m1 left c1: transferred
                 < tell m1: transfer of c1 completed to m2
                 < c1 changed
    "#]]);
}

#[test]
fn picking_up_while_in_a_call_leaves_it_first_only_when_confirmed() {
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1]))
        .input(answer(1, 1))
        .input(arrive(2, &[2]))
        .input(pick_up(2, 1))
        .input(SwitchboardInput::PickUp {
            call: CallId(2),
            manager: ManagerId(1),
            leave_current: true,
        });
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1]
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > c2 arrives for [m2]
                 < ring c2 at m2
                 < c2 changed
        t=000s > m1 picks up c2
                 < refuse pickUp of c2 by m1: busy (inCall)
        t=000s > m1 leaves their call and picks up c2
                 < m1 left c1: left
                 < end c1: managerHangup
                 < stop ringing c2 at m2: pickedUp
                 < connect c2 to m1
                 < c2 changed
    "#]]);
}

fn in_workflow(call: i64) -> SwitchboardInput {
    SwitchboardInput::WorkflowArrived { call: CallId(call) }
}

/// The workflow puts `call` in team 1's queue of `candidates`.
fn route(call: i64, candidates: &[i64]) -> SwitchboardInput {
    route_to(call, QueueId::Team(1), candidates, QUEUE_MAX_WAIT)
}

fn route_to(call: i64, queue: QueueId, candidates: &[i64], max_wait: Duration) -> SwitchboardInput {
    SwitchboardInput::Route {
        call: CallId(call),
        queue,
        candidates: candidates.iter().map(|&m| ManagerId(m)).collect(),
        max_wait,
    }
}

fn workflow_ends(call: i64, missed: MissedReason) -> SwitchboardInput {
    SwitchboardInput::WorkflowEnded {
        call: CallId(call),
        missed,
    }
}

#[test]
fn a_call_in_a_workflow_rings_nobody_until_routed_and_the_workflow_may_end_it() {
    let mut s = Scenario::available(2);
    s.input(in_workflow(1))
        .wait(20)
        .input(route(1, &[2, 1]))
        .input(answer(1, 2))
        .input(workflow_ends(1, MissedReason::Workflow));
    s.input(in_workflow(2))
        .wait(5)
        .input(workflow_ends(2, MissedReason::NotInOperation))
        .input(route(2, &[1]));
    s.input(in_workflow(3))
        .input(SwitchboardInput::CustomerHungUp { call: CallId(3) });
    s.check(expect![[r#"
        t=000s > c1 arrives into a workflow
        t=020s > the workflow queues c1 in team1 for [m2, m1] (wait at most 3600s)
                 < ring c1 at m2
                 < c1 changed
        t=020s > m2 answers c1
                 < connect c1 to m2
                 < c1 changed
        t=020s > the workflow ends c1 (workflow)
        t=020s > c2 arrives into a workflow
        t=025s > the workflow ends c2 (notInOperation)
                 < end c2: notAnswered (missed: notInOperation)
        t=025s > the workflow queues c2 in team1 for [m1] (wait at most 3600s)
        t=025s > c3 arrives into a workflow
        t=025s > customer of c3 hangs up
                 < end c3: customerHangup (missed: userleft)
    "#]]);
}

#[test]
fn a_manager_who_goes_away_or_turns_on_do_not_disturb_stops_ringing_and_the_call_moves_on() {
    let away = Presence {
        status: Status::Away,
        ..available()
    };
    let dnd = Presence {
        do_not_disturb: true,
        ..available()
    };
    let mut s = Scenario::available(3);
    s.input(arrive(1, &[1, 2, 3]))
        .wait(5)
        .input(SwitchboardInput::Presence {
            manager: ManagerId(1),
            presence: away,
        })
        .wait(5)
        .input(SwitchboardInput::Presence {
            manager: ManagerId(2),
            presence: dnd,
        })
        .wait(5)
        .input(SwitchboardInput::Presence {
            manager: ManagerId(3),
            presence: available(),
        });
    s.check(expect![[r#"
        t=000s > c1 arrives for [m1, m2, m3]
                 < ring c1 at m1
                 < c1 changed
        t=005s > m1 presence Presence { operator_seat: true, status: Away, do_not_disturb: false, takes_phone_calls: true, online: true }
                 < stop ringing c1 at m1: unavailable
                 < ring c1 at m2
                 < c1 changed
        t=010s > m2 presence Presence { operator_seat: true, status: Available, do_not_disturb: true, takes_phone_calls: true, online: true }
                 < stop ringing c1 at m2: unavailable
                 < ring c1 at m3
                 < c1 changed
        t=015s > m3 presence Presence { operator_seat: true, status: Available, do_not_disturb: false, takes_phone_calls: true, online: true }
    "#]]);
}

impl Scenario {
    /// Applies `input` without tracing it (set-up that would drown the trace).
    fn quietly(&mut self, input: SwitchboardInput) -> &mut Self {
        self.sb.handle_input(self.now, input);
        while self.sb.poll_output().is_some() {}
        self
    }

    /// Where `call` waits, and what it would be told, as one line of the trace.
    fn note_place(&mut self, call: i64) -> &mut Self {
        let place = self.sb.queue_place(CallId(call));
        let wait = self.sb.estimated_wait(self.now, CallId(call));
        let line = match place {
            Some(p) => format!(
                "c{call} is {} of {} in {}; estimated wait {}",
                p.position,
                p.waiting,
                p.queue,
                wait.map_or("unknown".into(), |w| format!("{}s", w.as_secs()))
            ),
            None => format!("c{call} waits in no queue"),
        };
        writeln!(self.trace, "         = {line}").unwrap();
        self
    }
}

#[test]
fn a_team_queue_serves_callers_in_arrival_order_and_tells_them_where_they_are() {
    let mut s = Scenario::available(2);
    for call in 1..=5 {
        s.input(in_workflow(call)).input(route(call, &[1, 2]));
    }
    s.input(answer(1, 1)).input(answer(2, 2));
    assert_eq!(
        places(&s, 3),
        "c:M p:1",
        "a waiting caller hears the queue music"
    );
    s.note_place(3).note_place(4).note_place(5);
    // The caller in the middle gives up; the last moves up.
    s.input(SwitchboardInput::CustomerHungUp { call: CallId(4) })
        .note_place(5)
        .wait(40);
    // A manager comes free: the longest waiting caller rings, not the latest.
    s.input(leave(1, 1)).note_place(5).input(answer(3, 1));
    assert_eq!(places(&s, 3), "c:1 p:1 m1:1", "answered: out of the music");
    s.check(expect![[r#"
        t=000s > c1 arrives into a workflow
        t=000s > the workflow queues c1 in team1 for [m1, m2] (wait at most 3600s)
                 < ring c1 at m1
                 < c1 changed
        t=000s > c2 arrives into a workflow
        t=000s > the workflow queues c2 in team1 for [m1, m2] (wait at most 3600s)
                 < ring c2 at m2
                 < c2 changed
        t=000s > c3 arrives into a workflow
        t=000s > the workflow queues c3 in team1 for [m1, m2] (wait at most 3600s)
                 < c3 changed
        t=000s > c4 arrives into a workflow
        t=000s > the workflow queues c4 in team1 for [m1, m2] (wait at most 3600s)
                 < c4 changed
        t=000s > c5 arrives into a workflow
        t=000s > the workflow queues c5 in team1 for [m1, m2] (wait at most 3600s)
                 < c5 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < c1 changed
        t=000s > m2 answers c2
                 < connect c2 to m2
                 < c2 changed
                 = c3 is 1 of 3 in team1; estimated wait unknown
                 = c4 is 2 of 3 in team1; estimated wait unknown
                 = c5 is 3 of 3 in team1; estimated wait unknown
        t=000s > customer of c4 hangs up
                 < end c4: customerHangup (missed: userleft)
                 = c5 is 2 of 2 in team1; estimated wait unknown
        t=040s > m1 hangs up c1
                 < m1 left c1: left
                 < end c1: managerHangup
                 < ring c3 at m1
                 < c3 changed
                 = c5 is 2 of 2 in team1; estimated wait unknown
        t=040s > m1 answers c3
                 < connect c3 to m1
                 < c3 changed
    "#]]);
}

#[test]
fn the_estimated_wait_comes_from_recent_answers_only() {
    let mut s = Scenario::available(1);
    for call in 1..=6 {
        s.quietly(in_workflow(call)).quietly(route(call, &[1]));
    }
    // m1 takes a caller every 40 s: 10 s ringing, 30 s talking.
    for call in 1..=3 {
        s.wait(10)
            .quietly(answer(call, 1))
            .wait(30)
            .quietly(leave(call, 1));
    }
    s.note_place(4).note_place(6);
    // m1 takes the next caller; half an hour later the answers are too old to say anything.
    s.input(answer(4, 1)).wait(31 * 60).note_place(6);
    s.check(expect![[r#"
                 = c4 is 1 of 3 in team1; estimated wait 30s
                 = c6 is 3 of 3 in team1; estimated wait 90s
        t=120s > m1 answers c4
                 < connect c4 to m1
                 < c4 changed
                 = c6 is 2 of 2 in team1; estimated wait unknown
    "#]]);
}

#[test]
fn a_full_queue_turns_the_next_caller_away_and_so_does_a_queue_nobody_could_answer() {
    let away = Presence {
        status: Status::Away,
        ..available()
    };
    let phone_off = Presence {
        takes_phone_calls: false,
        ..available()
    };
    let mut s = Scenario::new(&[(1, available()), (2, away), (3, phone_off)]);
    s.quietly(arrive(1000, &[1])).quietly(answer(1000, 1));
    for call in 1..=QUEUE_CAPACITY as i64 {
        s.quietly(in_workflow(call)).quietly(route(call, &[1]));
    }
    s.note_place(QUEUE_CAPACITY as i64);
    let next = QUEUE_CAPACITY as i64 + 1;
    s.input(in_workflow(next)).input(route(next, &[1]));
    // Another queue is not full; but nobody in it could take a call: away, phone off, unknown.
    s.input(in_workflow(300))
        .input(route_to(300, QueueId::Team(2), &[2, 3, 4], QUEUE_MAX_WAIT));
    s.check(expect![[r#"
                 = c200 is 200 of 200 in team1; estimated wait unknown
        t=000s > c201 arrives into a workflow
        t=000s > the workflow queues c201 in team1 for [m1] (wait at most 3600s)
                 < end c201: notAnswered (missed: exceededQueue)
        t=000s > c300 arrives into a workflow
        t=000s > the workflow queues c300 in team2 for [m2, m3, m4] (wait at most 3600s)
                 < end c300: notAnswered (missed: noOperator)
    "#]]);
}

#[test]
fn a_call_for_one_manager_waits_while_they_are_busy_and_ends_ring_time_over_when_they_let_it_ring()
{
    let mut s = Scenario::available(2);
    let mine = QueueId::Manager(ManagerId(1));
    s.quietly(arrive(9, &[1])).quietly(answer(9, 1));
    s.input(in_workflow(1))
        .input(route_to(1, mine, &[1], QUEUE_MAX_WAIT))
        .wait(20)
        .input(leave(9, 1))
        .wait(31);
    s.input(in_workflow(2))
        .input(route_to(2, mine, &[1], QUEUE_MAX_WAIT))
        .input(decline(2, 1));
    s.check(expect![[r#"
        t=000s > c1 arrives into a workflow
        t=000s > the workflow queues c1 in m1's queue for [m1] (wait at most 3600s)
                 < c1 changed
        t=020s > m1 hangs up c9
                 < m1 left c9: left
                 < end c9: managerHangup
                 < ring c1 at m1
                 < c1 changed
        t=050s > timeout
                 < stop ringing c1 at m1: timedOut
                 < end c1: notAnswered (missed: ringTimeOver)
        t=051s > c2 arrives into a workflow
        t=051s > the workflow queues c2 in m1's queue for [m1] (wait at most 3600s)
                 < ring c2 at m1
                 < c2 changed
        t=051s > m1 declines c2
                 < stop ringing c2 at m1: declined
                 < end c2: notAnswered (missed: ringTimeOver)
    "#]]);
}

#[test]
fn a_caller_waits_at_most_the_queue_wait_and_goes_round_the_team_meanwhile() {
    let mut s = Scenario::available(2);
    s.input(in_workflow(1))
        .input(route_to(
            1,
            QueueId::Team(7),
            &[1, 2],
            Duration::from_secs(70),
        ))
        .wait(80);
    s.check(expect![[r#"
        t=000s > c1 arrives into a workflow
        t=000s > the workflow queues c1 in team7 for [m1, m2] (wait at most 70s)
                 < ring c1 at m1
                 < c1 changed
        t=030s > timeout
                 < stop ringing c1 at m1: timedOut
                 < ring c1 at m2
                 < c1 changed
        t=060s > timeout
                 < stop ringing c1 at m2: timedOut
                 < ring c1 at m1
                 < c1 changed
        t=070s > timeout
                 < stop ringing c1 at m1: callEnded
                 < end c1: notAnswered (missed: abandonedInQueue)
    "#]]);
}

#[test]
fn a_callback_keeps_the_callers_place_rings_a_manager_first_then_dials_the_customer() {
    let mut s = Scenario::available(1);
    s.sb = Switchboard::new(RING).with_callback_pause(Duration::from_secs(20));
    s.quietly(SwitchboardInput::Presence {
        manager: ManagerId(1),
        presence: available(),
    });
    s.quietly(arrive(9, &[1])).quietly(answer(9, 1));
    for call in 1..=3 {
        s.quietly(in_workflow(call)).quietly(route(call, &[1]));
    }
    // The first caller takes the callback offer and hangs up: still first in line.
    s.input(SwitchboardInput::KeepPlaceForCallback { call: CallId(1) })
        .input(SwitchboardInput::CustomerHungUp { call: CallId(1) })
        .note_place(1)
        .note_place(2);
    // m1 comes free: the callback rings first; m1 answers and the customer is dialled, twice.
    s.input(leave(9, 1)).input(answer(1, 1));
    assert!(
        s.sb.view(CallId(1)).unwrap().dialing,
        "m1 waits for the customer"
    );
    s.input(SwitchboardInput::SetHold {
        call: CallId(1),
        manager: ManagerId(1),
        held: true,
    })
    .input(SwitchboardInput::DialFailed { call: CallId(1) })
    .wait(20)
    .input(SwitchboardInput::CustomerAnswered { call: CallId(1) });
    assert!(s.sb.view(CallId(1)).unwrap().customer_present);
    s.input(SwitchboardInput::CustomerHungUp { call: CallId(1) });
    s.check(expect![[r#"
        t=000s > c1 asks to be called back
                 < c1 changed
        t=000s > customer of c1 hangs up
                 < c1 changed
                 = c1 is 1 of 3 in team1; estimated wait unknown
                 = c2 is 2 of 3 in team1; estimated wait unknown
        t=000s > m1 hangs up c9
                 < m1 left c9: left
                 < end c9: managerHangup
                 < ring c1 at m1
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < call the customer of c1 back (try 1)
                 < c1 changed
        t=000s > m1 sets hold of c1 to true
                 < refuse setHold of c1 by m1: notAnsweredYet
        t=000s > called party of c1 unreachable
                 < callback try 1 of c1 unanswered; again in 20s
        t=020s > timeout
                 < call the customer of c1 back (try 2)
        t=020s > called party of c1 answers
                 < c1 changed
        t=020s > customer of c1 hangs up
                 < end c1: customerHangup; hang up [m1]
                 < ring c2 at m1
                 < c2 changed
    "#]]);
}

#[test]
fn a_callback_nobody_answers_ends_after_its_last_try() {
    let mut s = Scenario::available(1);
    s.input(in_workflow(1))
        .input(route(1, &[1]))
        .input(SwitchboardInput::KeepPlaceForCallback { call: CallId(1) })
        .input(SwitchboardInput::CustomerHungUp { call: CallId(1) })
        .input(answer(1, 1));
    for _ in 0..CALLBACK_ATTEMPTS {
        s.input(SwitchboardInput::DialFailed { call: CallId(1) })
            .wait(CALLBACK_RETRY_PAUSE.as_secs());
    }
    s.check(expect![[r#"
        t=000s > c1 arrives into a workflow
        t=000s > the workflow queues c1 in team1 for [m1] (wait at most 3600s)
                 < ring c1 at m1
                 < c1 changed
        t=000s > c1 asks to be called back
                 < c1 changed
        t=000s > customer of c1 hangs up
                 < c1 changed
        t=000s > m1 answers c1
                 < connect c1 to m1
                 < call the customer of c1 back (try 1)
                 < c1 changed
        t=000s > called party of c1 unreachable
                 < callback try 1 of c1 unanswered; again in 30s
        t=030s > timeout
                 < call the customer of c1 back (try 2)
        t=030s > called party of c1 unreachable
                 < callback try 2 of c1 unanswered; again in 30s
        t=060s > timeout
                 < call the customer of c1 back (try 3)
        t=060s > called party of c1 unreachable
                 < callback try 3 of c1 unanswered; no more
                 < end c1: notReached (missed: userleft); hang up [m1]
    "#]]);
}
