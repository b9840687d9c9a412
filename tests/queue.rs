//! End to end: ACD queues. A published workflow assigns every call to the demo team; real SIP
//! callers (sipp) wait in its queue. A full queue turns the 201st caller away
//! (`exceededQueue`); nobody who could answer ends a call at once (`noOperator`); a ring that
//! times out moves to the next manager, round the team, until the queue's maximum wait ends the
//! call (`abandonedInQueue`); a waiting caller hears their place announced over the music.

use std::time::{Duration, Instant};

use ringdesk_tests::admin::{admin, publish, publish_named, upload_tone_prompt};
use ringdesk_tests::audio::{write_tone_pcap, write_tone_wav};
use ringdesk_tests::peers::{
    call_in_background, carrier_args, carrier_in_background, run_sipp, scenario,
};
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::{
    AgentProc, Cloud, DEMO_NUMBER, DEMO_SERVICE, JUNHO, MINJI, TempDir, block_on, free_port,
};
use ringdesk_wire::{
    AgentEvent, CallRecord, HangupCause, MissedReason, RingStopReason, ServerEvent,
};
use serde_json::{Value, json};

/// The demo team's id.
fn demo_team(cloud: &Cloud) -> i64 {
    block_on(async {
        let (status, teams) =
            admin(cloud, reqwest::Method::GET, "/api/v1/teams", json!(null)).await;
        assert_eq!(status, 200, "{teams}");
        teams[0]["id"].as_i64().expect("a team")
    })
}

/// Publishes a workflow whose only step assigns the call to `team`.
fn assign_everything_to(cloud: &Cloud, team: i64) {
    let steps =
        json!([{"id": 1, "name": "지원팀 대기열", "action": {"kind": "assign", "teamId": team}}]);
    block_on(publish(cloud, steps, 1));
}

/// Sets the team's queue settings; the status the API answers.
fn set_queue(cloud: &Cloud, team: i64, settings: Value) -> (u16, Value) {
    let path = format!("/api/v1/teams/{team}/queue");
    block_on(admin(cloud, reqwest::Method::PUT, &path, settings))
}

/// The demo channel's newest `n` call records.
fn newest_calls(cloud: &Cloud, n: usize) -> Vec<CallRecord> {
    let mut calls = Vec::new();
    let mut page = 1;
    while calls.len() < n {
        let query = format!("perPage=200&page={page}");
        let got = block_on(cloud.calls(MINJI, &query)).calls;
        assert!(!got.is_empty(), "only {} records", calls.len());
        calls.extend(got);
        page += 1;
    }
    calls.truncate(n);
    calls
}

/// Waits until the newest `n` records are all closed.
fn closed_calls(cloud: &Cloud, n: usize) -> Vec<CallRecord> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let calls = newest_calls(cloud, n);
        if calls.iter().all(|c| c.ended_at.is_some()) {
            return calls;
        }
        assert!(Instant::now() < deadline, "records were left open");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_201st_caller_waiting_at_once_is_turned_away_as_exceeded_queue() {
    let cloud = Cloud::start(&[]);
    let team = demo_team(&cloud);
    assign_everything_to(&cloud, team);
    // Minji is there but does not answer: the first caller rings her, the others wait.
    let mut minji = AgentProc::start(&cloud, MINJI, &["--wav"]);
    let dir = TempDir::new("queue-load");
    let sf = scenario(&dir, "uac_queue.xml", &[("HOLD_MS", "12000")]);
    let run = run_sipp(
        &dir,
        &sf,
        cloud.sip,
        DEMO_SERVICE,
        201,
        &["-r", "40", "-l", "201"],
        Duration::from_secs(60),
    );
    assert!(
        run.success,
        "every caller's scenario ends well:\n{}",
        run.log
    );
    minji.wait_for("the first caller rings", Duration::from_secs(5), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let calls = closed_calls(&cloud, 201);
    let turned_away: Vec<&CallRecord> = calls
        .iter()
        .filter(|c| c.missed_reason == Some(MissedReason::ExceededQueue))
        .collect();
    assert_eq!(
        turned_away.len(),
        1,
        "exactly one caller finds the queue full"
    );
    assert_eq!(turned_away[0].hangup_cause, Some(HangupCause::NotAnswered));
    assert!(turned_away[0].managers.is_empty(), "nobody rang for it");
    let gave_up = calls
        .iter()
        .filter(|c| c.missed_reason == Some(MissedReason::UserLeft))
        .count();
    assert_eq!(gave_up, 200, "the 200 who waited hung up themselves");
}

/// Places one call that waits until the cloud hangs up; its record once closed.
fn waiting_call(cloud: &Cloud) -> std::thread::JoinHandle<ringdesk_tests::peers::SippRun> {
    call_in_background(
        "uac_queue.xml",
        &[("HOLD_MS", "30000")],
        cloud.sip,
        Duration::from_secs(40),
    )
}

#[test]
fn a_ring_timeout_rings_the_next_manager_round_the_team_until_the_queue_wait_runs_out() {
    let cloud = Cloud::start(&["--ring-timeout-secs", "2"]);
    let team = demo_team(&cloud);
    assign_everything_to(&cloud, team);

    // Nobody logged in: nobody could ever answer, so the call ends at once.
    let run = waiting_call(&cloud).join().unwrap();
    assert!(run.success, "{}", run.log);
    let record = closed_calls(&cloud, 1).remove(0);
    assert_eq!(record.missed_reason, Some(MissedReason::NoOperator));

    // Bad settings are refused whole.
    for (settings, code) in [
        (
            json!({"maxWaitSeconds": 4, "announceEverySeconds": 0, "language": "ko"}),
            400,
        ),
        (
            json!({"maxWaitSeconds": 60, "announceEverySeconds": 5, "language": "ko"}),
            400,
        ),
        (
            json!({"maxWaitSeconds": 60, "announceEverySeconds": 0, "language": "fr"}),
            400,
        ),
    ] {
        let (status, body) = set_queue(&cloud, team, settings);
        assert_eq!(status, code, "{body}");
    }
    let (status, body) = set_queue(
        &cloud,
        team + 1000,
        json!({"maxWaitSeconds": 7, "announceEverySeconds": 0, "language": "ko"}),
    );
    assert_eq!(status, 404, "{body}");
    let (status, body) = set_queue(
        &cloud,
        team,
        json!({"maxWaitSeconds": 7, "announceEverySeconds": 0, "language": "ko"}),
    );
    assert_eq!(status, 204, "{body}");

    let mut minji = AgentProc::start(&cloud, MINJI, &["--wav"]);
    let mut junho = AgentProc::start(&cloud, JUNHO, &["--wav"]);
    let caller = waiting_call(&cloud);
    let ring = |e: &AgentEvent| matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }));
    let timed_out = |e: &AgentEvent| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::RingStopped {
                reason: RingStopReason::TimedOut,
                ..
            })
        )
    };
    let (first_ring, _) = minji.wait_for("Minji rings first", Duration::from_secs(10), ring);
    minji.wait_for("her ring times out", Duration::from_secs(5), timed_out);
    let (next_ring, _) = junho.wait_for("then Junho rings", Duration::from_secs(5), ring);
    assert!(next_ring > first_ring);
    junho.wait_for("his ring times out", Duration::from_secs(5), timed_out);
    minji.wait_for("round again to Minji", Duration::from_secs(5), ring);
    let run = caller.join().unwrap();
    assert!(run.success, "the cloud hangs up:\n{}", run.log);
    let record = closed_calls(&cloud, 1).remove(0);
    assert_eq!(record.missed_reason, Some(MissedReason::AbandonedInQueue));
    assert_eq!(record.hangup_cause, Some(HangupCause::NotAnswered));
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("an RFC 3339 time");
    let waited =
        (at(record.ended_at.as_deref().unwrap()) - at(&record.started_at)).num_milliseconds();
    assert!(
        (7_000..10_000).contains(&waited),
        "ended by the 7 s wait, after the workflow answered: {waited} ms"
    );
    let rung: Vec<&str> = record.managers.iter().map(|m| m.name.as_str()).collect();
    assert!(
        rung.contains(&"김민지") && rung.contains(&"이준호"),
        "both were rung: {rung:?}"
    );
}

#[test]
fn a_caller_who_asks_for_a_callback_keeps_their_place_and_is_dialled_once_a_manager_answers() {
    let port = free_port();
    let options = carrier_args(port);
    let args: Vec<&str> = options.iter().map(String::as_str).collect();
    let cloud = Cloud::start(&args);
    let dir = TempDir::new("queue-callback");
    let team = demo_team(&cloud);
    let tone = block_on(upload_tone_prompt(&cloud, &dir));
    assign_everything_to(&cloud, team);
    // After a second in the queue: "press 1 to be called back", then a confirmation.
    let prompt = json!({"kind": "recording", "promptId": tone});
    let offer = json!([
        {"id": 1, "name": "콜백 안내", "action": {
            "kind": "menu", "prompt": prompt, "buttons": [{"key": 1, "next": 2}]}},
        {"id": 2, "name": "콜백 접수", "action": {"kind": "callback", "next": 3}},
        {"id": 3, "name": "접수 확인", "action": {"kind": "message", "prompt": prompt, "next": null}},
    ]);
    let waiting = json!({"kind": "waitingInQueue", "afterSeconds": 1});
    block_on(publish_named(&cloud, "콜백 제안", waiting, offer, 1));

    // The carrier the callback goes out through: it checks the number and the caller-ID.
    let sf = scenario(
        &dir,
        "carrier_answer.xml",
        &[
            ("TO_DIGITS", "821012345678"),
            ("CALLER_DIGITS", &DEMO_NUMBER[1..]),
            ("USER", "ringdesk"),
            ("PASSWORD", "carrier-s3cret"),
            ("RING_MS", "1000"),
        ],
    );
    let carrier = carrier_in_background(TempDir::new("carrier"), sf, port, Duration::from_secs(60));

    // Minji is rung at once but answers only after the caller has left for a callback.
    write_tone_wav(&dir.path("agent.wav"), 48_000, 440.0, 30.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 8_000);
    let pcap = dir.path("hum.pcap");
    write_tone_pcap(&pcap, 300.0, 8.0);
    let caller = call_in_background(
        "uac_dtmf_until_bye.xml",
        &[("TONE_PCAP", pcap.to_str().unwrap()), ("TONE_MS", "2500")],
        cloud.sip,
        Duration::from_secs(30),
    );
    let run = caller.join().unwrap();
    assert!(run.success, "the cloud lets the caller go:\n{}", run.log);
    let (_, ring) = minji.wait_for("the callback rings", Duration::from_secs(5), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    let waiting_record = block_on(cloud.call(MINJI, call_id));
    assert!(
        waiting_record.ended_at.is_none(),
        "the call keeps its place"
    );
    assert!(waiting_record.callback.is_some(), "{waiting_record:?}");

    minji.wait_for("the customer answers the callback", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::DialAnswered { call_id: c }) if *c == call_id)
    });
    minji.command(&format!("hangup {call_id}"));
    minji.wait_for("the end", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, .. }) if *c == call_id)
    });
    let run = carrier.join().unwrap();
    assert!(run.success, "the carrier took the callback:\n{}", run.log);
    let record = closed_calls(&cloud, 1).remove(0);
    assert_eq!(record.id, call_id);
    assert_eq!(record.missed_reason, None, "the customer was reached");
    let callback = record.callback.expect("the callback is on the record");
    assert_eq!(callback.attempts, 1);
    assert!(callback.answered_at.is_some());
    assert!(record.answered_at.is_some());
}

/// The share of 200 ms blocks of `heard` (8 kHz) in which something else than `music_hz` is
/// loud: speech over a pure-tone queue music.
fn speech_share(heard: &[i16], music_hz: f64) -> f64 {
    let blocks: Vec<&[i16]> = heard.chunks_exact(1_600).collect();
    let spoken = blocks
        .iter()
        .filter(|b| {
            let loud = b.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / b.len() as f64
                > 200.0_f64.powi(2);
            loud && ringdesk_media::tone::tone_energy_ratio(b, 8_000, music_hz) < 0.5
        })
        .count();
    spoken as f64 / blocks.len().max(1) as f64
}

#[test]
fn a_waiting_caller_hears_their_place_announced_over_the_queue_music() {
    const MUSIC_HZ: f64 = 400.0;
    let dir = TempDir::new("queue-announce");
    let music = dir.path("music.wav");
    write_tone_wav(&music, 8_000, MUSIC_HZ, 5.0);
    let cloud = Cloud::start(&["--hold-music", music.to_str().unwrap()]);
    let team = demo_team(&cloud);
    assign_everything_to(&cloud, team);
    let every = json!({"maxWaitSeconds": 60, "announceEverySeconds": 10, "language": "en"});
    assert_eq!(set_queue(&cloud, team, every).0, 204);
    // Minji can take calls but lets this one ring: the caller waits in the queue.
    let mut minji = AgentProc::start(&cloud, MINJI, &["--wav"]);
    let (mut caller, _) = RtpCaller::call(cloud.sip, DEMO_SERVICE);
    minji.wait_for("the queue rings Minji", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let before = caller.listen(Duration::from_secs(8));
    let during = caller.listen(Duration::from_secs(6));
    caller.hang_up();
    let (music_then, spoken_then) = (
        ringdesk_media::tone::tone_energy_ratio(&before, 8_000, MUSIC_HZ),
        speech_share(&before, MUSIC_HZ),
    );
    assert!(
        music_then > 0.8 && spoken_then < 0.05,
        "the first 8 s are the queue music alone: {music_then:.2} of the energy at {MUSIC_HZ} Hz, {spoken_then:.2} spoken"
    );
    let spoken = speech_share(&during, MUSIC_HZ);
    assert!(
        spoken > 0.25,
        "at 10 s the caller hears their place: only {spoken:.2} of the blocks are speech"
    );
}
