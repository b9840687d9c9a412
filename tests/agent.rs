//! The headless agent's own behaviour end to end: the ringtone on the ringer device, joining
//! muted and unmuting, end for all (the caller gets our BYE and the record says so), and the recent-calls list kept in
//! the local cache and readable with the cloud gone.

use std::path::Path;
use std::time::Duration;

use ringdesk_agent::ringer::RINGTONE_HZ;
use ringdesk_tests::audio::{best_tone_ratio, read_wav};
use ringdesk_tests::peers::call_in_background;
use ringdesk_tests::{AgentProc, Cloud, MINJI, TempDir, binary, block_on};
use ringdesk_wire::{
    AgentEvent, EndCause, HangupCause, RecentCallLists, RecentCallOutcome, ServerEvent,
};

/// The agent CLI's `--history`: the local cache's lists, read without the cloud.
fn history(api: &str, data: &Path) -> RecentCallLists {
    let out = std::process::Command::new(binary("ringdesk-agent"))
        .args([
            "--server",
            api,
            "--email",
            MINJI.0,
            "--history",
            "--data-dir",
        ])
        .arg(data)
        .output()
        .expect("run ringdesk-agent --history");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("history JSON")
}

#[test]
fn ringer_rings_until_answer_then_start_muted_and_end_for_all() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("agent-ringer");
    let ringer = dir.path("ringer.wav");
    let data = dir.path("data");
    let mut agent = AgentProc::start(
        &cloud,
        MINJI,
        &[
            "--wav",
            "--ringer",
            ringer.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "--start-muted",
        ],
    );
    let caller = call_in_background("uac_silent.xml", &[], cloud.sip, Duration::from_secs(30));
    let (_, ring) = agent.wait_for("ring", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    // Let it ring through one whole "on" second of the cadence before answering.
    std::thread::sleep(Duration::from_millis(1_500));
    agent.command(&format!("answer {call_id}"));
    agent.wait_for("media", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::MediaConnected { .. })
    });

    // The ringer device got the ringtone, and it stopped at the answer.
    let (rung, rate) = read_wav(&ringer);
    assert_eq!(rate, 48_000);
    for hz in RINGTONE_HZ {
        let ratio = best_tone_ratio(&rung, rate, hz);
        assert!(
            ratio > 0.3,
            "ringtone {hz} Hz missing on the ringer: {ratio:.3}"
        );
    }
    let rang_for = rung.len() as f64 / f64::from(rate);
    assert!(
        (1.0..4.0).contains(&rang_for),
        "the ringer played {rang_for:.1} s: it must stop when the call is answered"
    );

    assert!(
        agent
            .seen
            .iter()
            .any(|(_, e)| matches!(e, AgentEvent::MuteChanged { muted: true, .. })),
        "--start-muted joins the call muted: {:#?}",
        agent.seen
    );
    agent.command(&format!("mute {call_id} off"));
    agent.wait_for("unmuted", Duration::from_secs(5), |e| {
        matches!(e, AgentEvent::MuteChanged { muted: false, .. })
    });
    agent.command(&format!("end {call_id}"));
    let (_, ended) = agent.wait_for("end", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    assert!(
        matches!(&ended, AgentEvent::Server(ServerEvent::CallEnded { cause, .. }) if *cause == EndCause::Call(HangupCause::EndedForAll)),
        "{ended:?}"
    );
    let run = caller.join().unwrap();
    assert!(run.success, "the caller should get our BYE:\n{}", run.log);
    let record = block_on(cloud.calls(MINJI, "perPage=1")).calls.remove(0);
    assert_eq!(record.hangup_cause, Some(HangupCause::EndedForAll));

    // With the cloud gone, the local cache still lists the call.
    let api = cloud.api.clone();
    drop(cloud);
    let recent = history(&api, &data).recent;
    assert_eq!(recent.len(), 1, "{recent:?}");
    assert_eq!(recent[0].call_id, call_id);
    assert_eq!(recent[0].outcome, RecentCallOutcome::Answered);
    assert_eq!(recent[0].caller.number, "+821012345678");
    assert!(recent[0].answered_at_ms.is_some() && recent[0].ended_at_ms.is_some());
}

#[test]
fn a_call_nobody_here_answers_is_missed_in_the_cache() {
    let cloud = Cloud::start(&["--ring-timeout-secs", "1"]);
    let dir = TempDir::new("agent-missed");
    let data = dir.path("data");
    let mut agent = AgentProc::start(
        &cloud,
        MINJI,
        &["--wav", "--data-dir", data.to_str().unwrap()],
    );
    let caller = call_in_background(
        "uac_unanswered.xml",
        &[("FINAL", "480")],
        cloud.sip,
        Duration::from_secs(20),
    );
    agent.wait_for("ring stopped", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::RingStopped { .. }))
    });
    assert!(caller.join().unwrap().success);
    let missed = history(&cloud.api, &data).missed;
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert_eq!(missed[0].outcome, RecentCallOutcome::Missed);
    assert_eq!(missed[0].answered_at_ms, None);
}
