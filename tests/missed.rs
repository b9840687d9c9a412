//! The missed cases end to end: `noOperator`, `ringTimeOver`, `userleft` — what the caller
//! gets on the wire, what the agent sees, and what the call record says.

use std::time::Duration;

use ringdesk_tests::peers::call_in_background;
use ringdesk_tests::{AgentProc, Cloud, MINJI};
use ringdesk_wire::{
    AgentEvent, Assignment, HangupCause, MissedReason, NotRingingReason, RingStopReason,
    ServerEvent,
};

/// A call nobody can be rung for: the caller gets 480.
fn call_nobody_takes(cloud: &Cloud) {
    let run = call_in_background(
        "uac_unanswered.xml",
        &[("FINAL", "480")],
        cloud.sip,
        Duration::from_secs(20),
    )
    .join()
    .unwrap();
    assert!(run.success, "caller should get 480:\n{}", run.log);
}

#[test]
fn nobody_available_is_no_operator() {
    let cloud = Cloud::start(&[]);
    let _away = AgentProc::start(&cloud, MINJI, &["--wav", "--status", "away"]);
    call_nobody_takes(&cloud);
    let record = cloud.last_call();
    assert_eq!(record.missed_reason, Some(MissedReason::NoOperator));
    assert_eq!(record.hangup_cause, Some(HangupCause::NotAnswered));
    assert!(
        record.managers.is_empty(),
        "nobody was rung: {:?}",
        record.managers
    );
    assert_eq!(record.duration_s, 0);
}

#[test]
fn unanswered_ring_times_out_as_ring_time_over() {
    let cloud = Cloud::start(&["--ring-timeout-secs", "2"]);
    let mut agent = AgentProc::start(&cloud, MINJI, &["--wav"]);
    let caller = call_in_background(
        "uac_unanswered.xml",
        &[("FINAL", "480")],
        cloud.sip,
        Duration::from_secs(20),
    );
    let (rang_at, ring) = agent.wait_for("ring", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring {
        call_id,
        ring_timeout_ms,
        ..
    }) = ring
    else {
        unreachable!()
    };
    assert_eq!(ring_timeout_ms, 2_000);
    let (stopped_at, stopped) = agent.wait_for("ring stop", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::RingStopped { .. }))
    });
    assert_eq!(
        stopped,
        AgentEvent::Server(ServerEvent::RingStopped {
            call_id,
            reason: RingStopReason::TimedOut
        })
    );
    assert!(
        stopped_at - rang_at >= Duration::from_millis(1_500),
        "rang for {:?}",
        stopped_at - rang_at
    );
    let run = caller.join().unwrap();
    assert!(run.success, "caller should get 480:\n{}", run.log);
    let record = cloud.last_call();
    assert_eq!(record.missed_reason, Some(MissedReason::RingTimeOver));
    assert_eq!(
        record
            .managers
            .iter()
            .map(|m| m.role.as_str())
            .collect::<Vec<_>>(),
        ["rang"]
    );
}

#[test]
fn caller_hanging_up_while_ringing_is_userleft() {
    let cloud = Cloud::start(&[]);
    let mut agent = AgentProc::start(&cloud, MINJI, &["--wav"]);
    let caller = call_in_background(
        "uac_cancel.xml",
        &[("WAIT_MS", "1500")],
        cloud.sip,
        Duration::from_secs(20),
    );
    let (_, ring) = agent.wait_for("ring", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    let (_, stopped) = agent.wait_for("ring stop", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::RingStopped { .. }))
    });
    assert_eq!(
        stopped,
        AgentEvent::Server(ServerEvent::RingStopped {
            call_id,
            reason: RingStopReason::CallerLeft
        })
    );
    let run = caller.join().unwrap();
    assert!(
        run.success,
        "caller should get 200 + 487 for its CANCEL:\n{}",
        run.log
    );
    let record = cloud.last_call();
    assert_eq!(record.missed_reason, Some(MissedReason::UserLeft));
    assert_eq!(record.hangup_cause, Some(HangupCause::CustomerHangup));
}

#[test]
fn a_manager_with_phone_calls_off_is_never_rung_and_the_setting_is_kept() {
    let cloud = Cloud::start(&[]);
    let mut agent = AgentProc::start(&cloud, MINJI, &["--wav"]);
    agent.command("assignment no-phone");
    let phone_off = |e: &AgentEvent| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::Presence {
                assignment: Assignment {
                    takes_phone_calls: false,
                    ring_unassigned: true,
                },
                not_ringing: Some(NotRingingReason::PhoneOff),
                ..
            })
        )
    };
    agent.wait_for("phone calls off", Duration::from_secs(10), phone_off);
    call_nobody_takes(&cloud);
    assert_eq!(
        cloud.last_call().missed_reason,
        Some(MissedReason::NoOperator)
    );
    drop(agent);
    // After a restart of the cloud a new session finds the setting where it was left (in its
    // first presence).
    let cloud = cloud.restart();
    let again = AgentProc::start(&cloud, MINJI, &["--wav"]);
    assert!(
        again.seen.iter().any(|(_, e)| phone_off(e)),
        "still off: {:?}",
        again.seen
    );
}
