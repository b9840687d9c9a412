//! Calls managers place, end to end: a headless agent dials, the cloud sends the INVITE to a
//! sipp carrier (which checks the number, the caller-ID and our Digest answer), the agent hears
//! ringback then the far end, and DTMF goes out as RFC 4733. Refusals carry their reasons.

use std::time::Duration;

use ringdesk_media::tone::tone_energy_ratio;
use ringdesk_tests::audio::{
    HOLD_MUSIC_HZ, best_tone_ratio, random_tone_pair, read_wav, settled_wav, write_tone_wav,
};
use ringdesk_tests::peers::{Baresip, carrier_args, carrier_in_background, scenario};
use ringdesk_tests::{
    AgentProc, Cloud, DEMO_NUMBER, JUNHO, MINJI, TempDir, block_on, free_port, http,
};
use ringdesk_wire::{
    AgentEvent, ApiError, CallDirection, DialPlan, EndCause, ErrorCode, HangupCause,
    InternationalRate, PartyOutcome, ServerEvent,
};

/// 박서연, a demo contact.
const CONTACT_NUMBER: &str = "+821012345678";

fn call_of(e: &AgentEvent) -> Option<i64> {
    match e {
        AgentEvent::Server(ServerEvent::Dialing { call_id, .. }) => Some(*call_id),
        _ => None,
    }
}

#[test]
fn a_placed_call_authenticates_rings_connects_and_sends_digits() {
    let port = free_port();
    let args = carrier_args(port);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let cloud = Cloud::start(&args);
    let dir = TempDir::new("outbound");
    let (agent_hz, _) = random_tone_pair();
    eprintln!("agent tone {agent_hz} Hz");
    write_tone_wav(&dir.path("agent.wav"), 48_000, agent_hz, 30.0);
    let heard = dir.path("agent-heard.wav");
    let sf = scenario(
        &dir,
        "carrier_answer.xml",
        &[
            ("TO_DIGITS", &CONTACT_NUMBER[1..]),
            ("CALLER_DIGITS", &DEMO_NUMBER[1..]),
            ("USER", "ringdesk"),
            ("PASSWORD", "carrier-s3cret"),
            // Long enough for a whole burst of our ringback (1 s on, 2 s off) after media
            // set-up, however slow the machine.
            ("RING_MS", "4500"),
        ],
    );
    let carrier = carrier_in_background(TempDir::new("carrier"), sf, port, Duration::from_secs(40));
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), Some(&heard), 300);

    // Typed the Korean way; the cloud dials E.164 from the channel's number.
    agent.command("dial 010-1234-5678");
    let (_, dialing) = agent.wait_for("dialing", Duration::from_secs(10), |e| call_of(e).is_some());
    let AgentEvent::Server(ServerEvent::Dialing {
        call_id,
        customer,
        plan,
    }) = dialing
    else {
        unreachable!()
    };
    assert_eq!(
        plan,
        DialPlan {
            to: CONTACT_NUMBER.into(),
            caller_id: DEMO_NUMBER.into(),
            international: None
        }
    );
    assert_eq!(
        customer.name.as_deref(),
        Some("박서연"),
        "the contact's name"
    );
    // The agent's recording starts with its media: offsets into it come from here.
    let (media_at, _) = agent.wait_for(
        "media",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::MediaConnected { call_id: c } if *c == call_id),
    );
    let (rang_at, _) = agent.wait_for("progress", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::DialProgress { call_id: c, early_media: false }) if *c == call_id)
    });
    let (answered_at, _) = agent.wait_for(
        "answer",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::Server(ServerEvent::DialAnswered { call_id: c }) if *c == call_id),
    );
    let ringing = answered_at - rang_at;
    assert!(ringing > Duration::from_secs(2), "rang {ringing:?}");
    // Talk: the carrier echoes our audio; then digits go out as RFC 4733 and come back
    // through our own receiver.
    std::thread::sleep(Duration::from_secs(2));
    agent.command(&format!("dtmf {call_id} 159#"));
    let mut digits = String::new();
    for _ in 0..4 {
        let (_, e) = agent.wait_for(
            "echoed digit",
            Duration::from_secs(10),
            |e| matches!(e, AgentEvent::Server(ServerEvent::Dtmf { call_id: c, .. }) if *c == call_id),
        );
        if let AgentEvent::Server(ServerEvent::Dtmf { digit, .. }) = e {
            digits.push_str(&digit);
        }
    }
    assert_eq!(digits, "159#", "our RFC 4733 events, echoed by the carrier");
    agent.command(&format!("hangup {call_id}"));
    let (_, ended) = agent.wait_for(
        "end",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, .. }) if *c == call_id),
    );
    assert!(
        matches!(&ended, AgentEvent::Server(ServerEvent::CallEnded { cause, missed_reason: None, .. }) if *cause == EndCause::Left),
        "{ended:?}"
    );
    let run = carrier.join().expect("sipp thread");
    assert!(run.success, "the carrier's checks failed:\n{}", run.log);

    // While it rang the manager heard our ringback (440 + 480 Hz); once answered, their own
    // voice back from the carrier.
    let (samples, rate) = read_wav(settled_wav(&heard));
    drop(agent);
    let at = |d: Duration| (d.as_secs_f64() * f64::from(rate)) as usize;
    let answer = at(answered_at - media_at);
    // Until the answer: ringback, 1 s on / 2 s off — the burst at 3–4 s is whole in a 4.5 s ring.
    let ring_end = answer
        .saturating_sub(at(Duration::from_millis(300)))
        .min(samples.len());
    let ring_part = &samples[..ring_end];
    assert!(
        best_tone_ratio(ring_part, rate, 440.0) + best_tone_ratio(ring_part, rate, 480.0) > 0.5,
        "ringback while it rang"
    );
    // After the answer, before the digits (sent 2 s after it).
    let talk_start = answer + at(Duration::from_millis(600));
    let talk_end = (talk_start + at(Duration::from_millis(1200))).min(samples.len());
    let talk = &samples[talk_start.min(talk_end)..talk_end];
    let echo = best_tone_ratio(talk, rate, agent_hz);
    assert!(
        echo > 0.6,
        "own {agent_hz} Hz tone back from the carrier: {echo:.3}"
    );

    let record = block_on(cloud.call(MINJI, call_id));
    assert_eq!(record.direction, CallDirection::Outbound);
    assert_eq!(record.caller_number, CONTACT_NUMBER);
    assert_eq!(record.number, DEMO_NUMBER);
    assert_eq!(record.hangup_cause, Some(HangupCause::ManagerHangup));
    assert!(record.answered_at.is_some(), "answered by the called party");
    assert!(record.duration_s >= 2, "talk time counted from the answer");
}

#[test]
fn an_unreachable_party_is_told_with_the_carriers_reason() {
    let port = free_port();
    let cloud = Cloud::start(&["--trunk-outbound", &format!("127.0.0.1:{port}")]);
    let dir = TempDir::new("outbound-busy");
    let sf = scenario(&dir, "carrier_busy.xml", &[]);
    let carrier = carrier_in_background(TempDir::new("carrier"), sf, port, Duration::from_secs(30));
    write_tone_wav(&dir.path("agent.wav"), 48_000, 500.0, 5.0);
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    agent.command("dial 02-555-1234");
    let (_, dialing) = agent.wait_for("dialing", Duration::from_secs(10), |e| call_of(e).is_some());
    let call_id = call_of(&dialing).unwrap();
    let (_, failed) = agent.wait_for("failure", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::DialFailed { .. }))
    });
    assert_eq!(
        failed,
        AgentEvent::Server(ServerEvent::DialFailed {
            call_id,
            sip_code: 486,
            reason: "Busy Here".into()
        })
    );
    let (_, ended) = agent.wait_for("end", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    assert_eq!(
        ended,
        AgentEvent::Server(ServerEvent::CallEnded {
            call_id,
            cause: HangupCause::NotReached.into(),
            missed_reason: None
        })
    );
    let run = carrier.join().expect("sipp thread");
    assert!(run.success, "{}", run.log);
    // Free again: the next dial is not refused as busy (no trunk answers it, but it goes).
    agent.command("dial 02-555-1234");
    agent.wait_for(
        "dialing again",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::Server(ServerEvent::Dialing { call_id: c, .. }) if *c != call_id),
    );
}

#[test]
fn a_call_nobody_answers_is_cancelled_at_the_carrier_after_the_dial_timeout() {
    let port = free_port();
    let carrier_addr = format!("127.0.0.1:{port}");
    let cloud = Cloud::start(&[
        "--trunk-outbound",
        &carrier_addr,
        "--dial-timeout-secs",
        "3",
    ]);
    let dir = TempDir::new("outbound-no-answer");
    let sf = scenario(&dir, "carrier_no_answer.xml", &[]);
    let carrier = carrier_in_background(TempDir::new("carrier"), sf, port, Duration::from_secs(30));
    write_tone_wav(&dir.path("agent.wav"), 48_000, 500.0, 10.0);
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    agent.command("dial 031-555-1234");
    let (dialed_at, dialing) =
        agent.wait_for("dialing", Duration::from_secs(10), |e| call_of(e).is_some());
    let call_id = call_of(&dialing).unwrap();
    agent.wait_for(
        "ringing",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::Server(ServerEvent::DialProgress { call_id: c, .. }) if *c == call_id),
    );
    let (failed_at, failed) = agent.wait_for("timeout", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::DialFailed { .. }))
    });
    assert!(
        matches!(&failed, AgentEvent::Server(ServerEvent::DialFailed { sip_code: 408, reason, .. }) if reason.contains("3 s")),
        "{failed:?}"
    );
    let rang = failed_at - dialed_at;
    assert!(rang >= Duration::from_secs(2), "gave up too soon: {rang:?}");
    agent.wait_for("end", Duration::from_secs(5), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, cause, .. }) if *c == call_id && *cause == EndCause::Call(HangupCause::NotReached))
    });
    // The carrier saw our CANCEL, answered it, and got our ACK for its 487.
    let run = carrier.join().expect("sipp thread");
    assert!(run.success, "{}", run.log);
}

async fn dial_check(
    cloud: &Cloud,
    token: &str,
    number: &str,
    caller_id: Option<&str>,
) -> Result<DialPlan, ApiError> {
    let resp = http(cloud)
        .post(format!("{}/api/v1/dial/check", cloud.api))
        .bearer_auth(token)
        .json(&serde_json::json!({ "number": number, "callerId": caller_id }))
        .send()
        .await
        .unwrap();
    if resp.status().is_success() {
        Ok(resp.json().await.unwrap())
    } else {
        assert_eq!(resp.status(), 422, "refusals are 422");
        Err(resp.json().await.unwrap())
    }
}

#[test]
fn every_refusal_says_why_and_the_price_shows_before_dialing() {
    let cloud = Cloud::start(&[]);
    block_on(async {
        let store = cloud.store().await;
        let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
        // A second number off the international network, and a manager without permission.
        store
            .add_number(route.channel_id, "+8225551234", "서울")
            .await
            .unwrap();
        store
            .add_team_manager(route.channel_id, "최수아", "sua@demo.test", "pw-sua")
            .await
            .unwrap();
        let minji = cloud.token(MINJI.0, MINJI.1).await;
        let code = |r: Result<DialPlan, ApiError>| r.map(|p| p.international).map_err(|e| e.code);

        let japan = dial_check(&cloud, &minji, "+81 3-1234-5678", None)
            .await
            .unwrap();
        assert_eq!(japan.to, "+81312345678");
        assert_eq!(
            japan.international,
            Some(InternationalRate {
                code: "81".into(),
                country: "Japan".into(),
                price_cu: 200
            }),
            "the price shows before dialing"
        );
        assert_eq!(
            code(dial_check(&cloud, &minji, "+44 20 7946 0958", None).await),
            Err(ErrorCode::UnsupportedCountry)
        );
        assert_eq!(
            code(dial_check(&cloud, &minji, "+81 3-1234-5678", Some("02-555-1234")).await),
            Err(ErrorCode::CallerIdNotInternational),
            "international only from 7666/7174/4769/4768 numbers"
        );
        assert_eq!(
            code(dial_check(&cloud, &minji, "010-1234-5678", Some("02-555-1234")).await),
            Ok(None),
            "national calls may leave from any of our numbers"
        );
        assert_eq!(
            code(dial_check(&cloud, &minji, "010-1234-5678", Some("+8231000000")).await),
            Err(ErrorCode::CallerIdNotOurs)
        );
        assert_eq!(
            code(dial_check(&cloud, &minji, "call me", None).await),
            Err(ErrorCode::NotANumber)
        );
        let sua = cloud.token("sua@demo.test", "pw-sua").await;
        let refused = dial_check(&cloud, &sua, "010-1234-5678", None)
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::NoOutboundPermission);
        assert!(
            refused.message.contains("permission"),
            "{}",
            refused.message
        );

        // The table is data: a manager can't change it, the owner can; the UK then goes.
        let mut rates: Vec<InternationalRate> = http(&cloud)
            .get(format!("{}/api/v1/international-rates", cloud.api))
            .bearer_auth(&minji)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            rates.len(),
            20,
            "seeded countries (docs/product.md#international-dialing)"
        );
        rates.push(InternationalRate {
            code: "44".into(),
            country: "United Kingdom".into(),
            price_cu: 90,
        });
        let put = |token: String, body: serde_json::Value| {
            let client = http(&cloud);
            let url = format!("{}/api/v1/international-rates", cloud.api);
            async move {
                client
                    .put(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let junho = cloud.token(JUNHO.0, JUNHO.1).await;
        assert_eq!(
            put(junho, serde_json::to_value(&rates).unwrap())
                .await
                .status(),
            403
        );
        let bad = serde_json::json!([{ "code": "+44", "country": "UK", "priceCu": 1 }]);
        let resp = put(minji.clone(), bad).await;
        assert_eq!(resp.status(), 422);
        let err: ApiError = resp.json().await.unwrap();
        assert!(err.message.starts_with("row 1:"), "{}", err.message);
        assert_eq!(
            put(minji.clone(), serde_json::to_value(&rates).unwrap())
                .await
                .status(),
            204
        );
        let uk = dial_check(&cloud, &minji, "+44 20 7946 0958", None)
            .await
            .unwrap();
        assert_eq!(uk.international.map(|r| r.price_cu), Some(90));
    });

    // Over the WebSocket: no outbound trunk on this cloud, and the refusal says so.
    let dir = TempDir::new("dial-refused");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 500.0, 2.0);
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    agent.command("dial 12ab");
    let (_, refused) = agent.wait_for("refusal", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::DialRefused { .. }))
    });
    assert!(
        matches!(&refused, AgentEvent::Server(ServerEvent::DialRefused { code, .. }) if *code == ErrorCode::NotANumber),
        "{refused:?}"
    );
    agent.command("dial 010-1234-5678");
    let (_, refused) = agent.wait_for("refusal", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::DialRefused { .. }))
    });
    assert!(
        matches!(&refused, AgentEvent::Server(ServerEvent::DialRefused { code, message }) if *code == ErrorCode::NoOutboundTrunk && message.contains("--trunk-outbound")),
        "{refused:?}"
    );
}

#[test]
fn a_parallel_call_to_a_number_outlives_the_customer() {
    let port = free_port();
    let args = carrier_args(port);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let cloud = Cloud::start(&args);
    let dir = TempDir::new("parallel-number");
    let (customer_hz, agent_hz) = random_tone_pair();
    eprintln!("tones: customer {customer_hz} Hz, agent {agent_hz} Hz");
    let sf = scenario(
        &dir,
        "carrier_answer.xml",
        &[
            ("TO_DIGITS", "8225551234"),
            ("CALLER_DIGITS", &DEMO_NUMBER[1..]),
            ("USER", "ringdesk"),
            ("PASSWORD", "carrier-s3cret"),
            ("RING_MS", "1000"),
        ],
    );
    let carrier = carrier_in_background(TempDir::new("carrier"), sf, port, Duration::from_secs(40));
    write_tone_wav(&dir.path("agent.wav"), 48_000, agent_hz, 40.0);
    let heard = dir.path("agent-heard.wav");
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), Some(&heard), 200);
    write_tone_wav(&dir.path("customer.wav"), 8_000, customer_hz, 12.0);
    let uri = format!("sip:{DEMO_NUMBER}@{}", cloud.sip);
    let customer = Baresip::call(&uri, &dir.path("customer.wav"), Duration::from_secs(12));
    let (_, ring) = agent.wait_for("ring", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    agent.wait_for("customer audio", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::RemoteAudio { .. })
    });
    std::thread::sleep(Duration::from_secs(2));
    agent.command(&format!("parallel {call_id} number 02-555-1234"));
    agent.wait_for("the number answers", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallState(s)) if s.parallel.as_ref().is_some_and(|p| p.answered && p.number.as_deref() == Some("+8225551234")))
    });
    // The customer hangs up (baresip quits); the parallel line goes on and we are told.
    agent.wait_for(
        "customer left",
        Duration::from_secs(15),
        |e| matches!(e, AgentEvent::Server(ServerEvent::CustomerLeft { call_id: c }) if *c == call_id),
    );
    std::thread::sleep(Duration::from_secs(3));
    agent.command(&format!("hangup {call_id}"));
    agent.wait_for(
        "end",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, .. }) if *c == call_id),
    );
    let run = carrier.join().expect("sipp thread");
    assert!(run.success, "the carrier's checks failed:\n{}", run.log);

    // The customer heard Minji, then (on hold) not her; Minji heard the customer, then her
    // own voice back from the number on line 2 — also after the customer left.
    let (at_customer, rate) = read_wav(&customer.heard_after_hangup());
    let second = rate as usize;
    let first_two = &at_customer[second / 2..second * 2];
    assert!(
        best_tone_ratio(first_two, rate, agent_hz) > 0.5,
        "Minji before the parallel call"
    );
    let on_hold = at_customer
        .chunks_exact(second / 4)
        .filter(|w| {
            let music: f64 = HOLD_MUSIC_HZ
                .iter()
                .map(|&f| tone_energy_ratio(w, rate, f))
                .sum();
            music > 0.2 && tone_energy_ratio(w, rate, agent_hz) < 0.05
        })
        .count();
    assert!(
        on_hold >= 8,
        "the customer waits with the music, not hearing Minji: {on_hold} windows"
    );
    let (at_agent, rate) = read_wav(settled_wav(&heard));
    drop(agent);
    let tail = &at_agent[at_agent.len().saturating_sub(rate as usize * 2)..];
    let echo = best_tone_ratio(tail, rate, agent_hz);
    assert!(
        echo > 0.5,
        "the parallel party's line is still up at the end: {echo:.3}"
    );
    assert!(
        best_tone_ratio(tail, rate, customer_hz) < 0.05,
        "the customer is gone"
    );

    // The record keeps the number called on the parallel line: answered, and its line became
    // the call when the customer left.
    let record = block_on(cloud.call(MINJI, call_id));
    let party = record
        .parties
        .first()
        .expect("the parallel party is recorded");
    assert_eq!(
        (
            record.parties.len(),
            party.number.as_str(),
            party.outcome.map(PartyOutcome::as_str)
        ),
        (1, "+8225551234", Some("merged"))
    );
    assert!(
        party.answered_at.is_some() && party.ended_at.is_some(),
        "{party:?}"
    );
}
