//! Routing decisions per second: the switchboard with 1,000 managers, every one of them in a
//! call, and 200 callers waiting in 10 team queues. Each round a manager hangs up, the
//! switchboard picks the longest-waiting caller they can take and rings them, the manager
//! answers, and a new caller joins a queue — so 200 keep waiting. Printed as decisions (rings
//! chosen) per second and the cost of each input. `cargo bench -p ringdesk-core`.

// A benchmark measures wall time; the library itself never reads the clock.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::time::{Duration, Instant};

use ringdesk_core::switchboard::{QUEUE_MAX_WAIT, QueueId, SwitchboardOutput};
use ringdesk_core::{CallId, ManagerId, Presence, Status, Switchboard, SwitchboardInput};

const MANAGERS: i64 = 1_000;
const TEAMS: i64 = 10;
const WAITING: i64 = 200;
const ROUNDS: i64 = 20_000;

fn team_of(manager: i64) -> i64 {
    manager % TEAMS
}

fn members(team: i64) -> Vec<ManagerId> {
    (0..MANAGERS)
        .filter(|m| team_of(*m) == team)
        .map(ManagerId)
        .collect()
}

/// Puts call `id` through a workflow into team `team`'s queue.
fn queue(sb: &mut Switchboard, now: Instant, id: i64, team: i64, teams: &[Vec<ManagerId>]) {
    let call = CallId(id);
    sb.handle_input(now, SwitchboardInput::WorkflowArrived { call });
    sb.handle_input(
        now,
        SwitchboardInput::Route {
            call,
            queue: QueueId::Team(team),
            candidates: teams[team as usize].clone(),
            max_wait: QUEUE_MAX_WAIT,
        },
    );
}

/// The rings the switchboard chose since the last look.
fn rings(sb: &mut Switchboard) -> Vec<(CallId, ManagerId)> {
    let mut rung = Vec::new();
    while let Some(out) = sb.poll_output() {
        if let SwitchboardOutput::Ring { call, manager, .. } = out {
            rung.push((call, manager));
        }
    }
    rung
}

fn main() {
    let teams: Vec<Vec<ManagerId>> = (0..TEAMS).map(members).collect();
    let mut sb = Switchboard::new(Duration::from_secs(30));
    let mut now = Instant::now();
    for m in 0..MANAGERS {
        let presence = Presence {
            operator_seat: true,
            status: Status::Available,
            do_not_disturb: false,
            takes_phone_calls: true,
            online: true,
        };
        sb.handle_input(
            now,
            SwitchboardInput::Presence {
                manager: ManagerId(m),
                presence,
            },
        );
    }
    // Every manager takes a call; then 200 more callers wait.
    let mut next_call = 0;
    for m in 0..MANAGERS {
        queue(&mut sb, now, next_call, team_of(m), &teams);
        for (call, manager) in rings(&mut sb) {
            sb.handle_input(now, SwitchboardInput::Answer { call, manager });
        }
        next_call += 1;
    }
    for i in 0..WAITING {
        queue(&mut sb, now, next_call, i % TEAMS, &teams);
        next_call += 1;
    }
    rings(&mut sb);
    let busy = (0..MANAGERS)
        .filter(|m| sb.call_of(ManagerId(*m)).is_some())
        .count();
    assert_eq!(busy as i64, MANAGERS, "every manager is in a call");

    let (mut inputs, mut decisions) = (0u64, 0u64);
    let start = Instant::now();
    for round in 0..ROUNDS {
        now += Duration::from_millis(10);
        let m = ManagerId((round * 37) % MANAGERS);
        let current = sb.call_of(m).expect("in a call");
        sb.handle_input(
            now,
            SwitchboardInput::ManagerHungUp {
                call: current,
                manager: m,
            },
        );
        inputs += 1;
        for (call, manager) in rings(&mut sb) {
            decisions += 1;
            sb.handle_input(now, SwitchboardInput::Answer { call, manager });
            inputs += 1;
        }
        rings(&mut sb);
        queue(&mut sb, now, next_call, team_of(m.0), &teams);
        inputs += 2;
        rings(&mut sb);
        next_call += 1;
    }
    let elapsed = start.elapsed();
    assert_eq!(
        decisions as i64, ROUNDS,
        "each hang-up rang one waiting caller"
    );
    let waiting = sb
        .queue_place(CallId(next_call - 1))
        .map_or(0, |p| p.waiting);
    println!(
        "routing with {MANAGERS} managers (all busy) and {WAITING} callers in {TEAMS} queues \
         (last queue: {waiting} waiting)"
    );
    println!(
        "  {:>10.0} routing decisions/s ({decisions} hang-up → longest waiter rung → answered rounds)",
        decisions as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  {:>10.1} µs per switchboard input ({inputs} inputs)",
        elapsed.as_secs_f64() * 1e6 / inputs as f64
    );
}
