//! End to end: a real SIP caller rings a headless agent, both hear each other, DTMF arrives,
//! and the call record tells the story. Tone frequencies are random per run.

use std::time::Duration;

use ringdesk_tests::audio::{
    best_tone_ratio, random_tone_pair, read_wav, write_tone_pcap, write_tone_wav,
};
use ringdesk_tests::peers::{Baresip, run_sipp, scenario};
use ringdesk_tests::{AgentProc, Cloud, DEMO_NUMBER, DEMO_SERVICE, MINJI, TempDir, block_on};
use ringdesk_wire::{AgentEvent, CallDirection, EndCause, HangupCause, ServerEvent};

#[test]
fn sipp_caller_tone_and_dtmf_reach_the_agent_and_the_record_is_kept() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("call-sipp");
    let (caller_hz, agent_hz) = random_tone_pair();
    eprintln!("tones: caller {caller_hz} Hz, agent {agent_hz} Hz");
    write_tone_wav(&dir.path("agent.wav"), 48_000, agent_hz, 5.0);
    write_tone_pcap(&dir.path("caller.pcap"), caller_hz, 3.0);
    let rec = dir.path("agent-heard.wav");
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), Some(&rec), 300);
    let sf = scenario(
        &dir,
        "uac_tone_dtmf.xml",
        &[
            ("TONE_PCAP", dir.path("caller.pcap").to_str().unwrap()),
            ("TONE_MS", "3500"),
            ("TALK_MS", "2000"),
        ],
    );
    let sip = cloud.sip;
    let sipp_dir = TempDir::new("sipp");
    let caller = std::thread::spawn(move || {
        run_sipp(
            &sipp_dir,
            &sf,
            sip,
            DEMO_SERVICE,
            1,
            &[],
            Duration::from_secs(40),
        )
    });

    let (_, ring) = agent.wait_for("ring", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring {
        call_id,
        caller: who,
        via,
        ..
    }) = ring
    else {
        unreachable!()
    };
    assert_eq!(
        who.number, "+821012345678",
        "national caller number normalised to E.164"
    );
    assert_eq!(who.name.as_deref(), Some("박서연"), "known contact's name");
    assert_eq!(who.fields.len(), 3, "up to 3 profile fields");
    assert_eq!(via.number, DEMO_NUMBER);
    agent.wait_for(
        "media",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::MediaConnected { call_id: c } if *c == call_id),
    );
    let (_, dtmf) = agent.wait_for("dtmf", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Dtmf { .. }))
    });
    assert_eq!(
        dtmf,
        AgentEvent::Server(ServerEvent::Dtmf {
            call_id,
            digit: "1".into()
        })
    );
    let (_, ended) = agent.wait_for("end", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    assert_eq!(
        ended,
        AgentEvent::Server(ServerEvent::CallEnded {
            call_id,
            cause: HangupCause::CustomerHangup.into(),
            missed_reason: None
        })
    );
    let run = caller.join().expect("sipp thread");
    assert!(run.success, "sipp scenario failed:\n{}", run.log);

    // The caller's tone reached the agent's speaker, at its frequency; the agent's own tone
    // did not come back (no echo through the room).
    let (heard, rate) = read_wav(&rec);
    let ours = best_tone_ratio(&heard, rate, caller_hz);
    let echo = best_tone_ratio(&heard, rate, agent_hz);
    assert!(
        ours > 0.7,
        "caller tone {caller_hz} Hz at the agent: ratio {ours:.3}"
    );
    assert!(
        echo < 0.2,
        "agent heard its own {agent_hz} Hz tone: ratio {echo:.3}"
    );

    block_on(async {
        let (p50, _, count) = cloud.ring_latency().await;
        assert_eq!(count, 1);
        assert!(p50 < 1.0, "INVITE→ring took {p50} s");
        let page = cloud.calls(MINJI, "page=1").await;
        assert_eq!(page.total, 1);
        let record = &page.calls[0];
        assert_eq!(record.id, call_id);
        assert_eq!(record.direction, CallDirection::Inbound);
        assert_eq!(record.number, DEMO_NUMBER);
        assert_eq!(record.caller_number, "+821012345678");
        assert_eq!(record.hangup_cause, Some(HangupCause::CustomerHangup));
        assert_eq!(record.missed_reason, None);
        assert!(record.answered_at.is_some() && record.ended_at.is_some());
        assert!(
            (4..=12).contains(&record.duration_s),
            "duration {} s",
            record.duration_s
        );
        let roles: Vec<&str> = record.managers.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["rang", "answered", "left"]);
        assert_eq!(
            record.managers[2].cause,
            Some(EndCause::Call(HangupCause::CustomerHangup)),
            "the manager's leg ended with the call"
        );
    });
}

#[test]
fn baresip_caller_and_agent_hear_each_other() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("call-baresip");
    let (caller_hz, agent_hz) = random_tone_pair();
    eprintln!("tones: caller {caller_hz} Hz, agent {agent_hz} Hz");
    write_tone_wav(&dir.path("agent.wav"), 48_000, agent_hz, 3.0);
    write_tone_wav(&dir.path("caller.wav"), 8_000, caller_hz, 30.0);
    let rec = dir.path("agent-heard.wav");
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), Some(&rec), 200);
    let uri = format!("sip:{DEMO_NUMBER}@{}", cloud.sip);
    let caller = Baresip::call(&uri, &dir.path("caller.wav"), Duration::from_secs(9));
    let (_, ring) = agent.wait_for("ring", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    agent.wait_for("media", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::MediaConnected { .. })
    });
    agent.wait_for("audio", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::RemoteAudio { .. })
    });
    let (_, ended) = agent.wait_for("end", Duration::from_secs(30), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    assert_eq!(
        ended,
        AgentEvent::Server(ServerEvent::CallEnded {
            call_id,
            cause: HangupCause::CustomerHangup.into(),
            missed_reason: None
        })
    );

    let (heard, rate) = read_wav(&rec);
    let at_agent = best_tone_ratio(&heard, rate, caller_hz);
    assert!(
        at_agent > 0.7,
        "caller tone {caller_hz} Hz at the agent: ratio {at_agent:.3}"
    );
    let (heard, rate) = read_wav(&caller.heard_after_hangup());
    let at_caller = best_tone_ratio(&heard, rate, agent_hz);
    assert!(
        at_caller > 0.7,
        "agent tone {agent_hz} Hz at the caller: ratio {at_caller:.3}"
    );
}
