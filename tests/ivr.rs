//! End to end: the IVR. An owner uploads a prompt and publishes a workflow over the API; a real
//! SIP caller (sipp) reaches it, presses a key — as an RFC 4733 event or as tones in its audio —
//! and lands on the manager that key routes to (judged by which agent rings); pressing nothing
//! ends the call as missed by the workflow, and outside operating hours as `notInOperation`.

use std::time::Duration;

use ringdesk_store::DEMO_IVR_NUMBER;
use ringdesk_tests::admin::{admin, publish, upload_tone_prompt};
use ringdesk_tests::audio::{
    best_tone_ratio, read_wav, write_inband_key_pcap, write_tone_pcap, write_tone_wav,
};
use ringdesk_tests::peers::{call_in_background, call_number_in_background};
use ringdesk_tests::sms::SmsProviderStub;
use ringdesk_tests::{AgentProc, Cloud, DEMO_NUMBER, JUNHO, MINJI, TempDir, block_on, http};
use ringdesk_wire::{AgentEvent, CallRecord, HangupCause, MissedReason, ServerEvent};
use serde_json::{Value, json};

/// A menu playing `prompt`: 1 tags the call and goes to Junho, 2 to Minji.
fn menu(prompt: i64, junho: i64, minji: i64) -> Value {
    json!([
        {"id": 1, "name": "메뉴", "action": {
            "kind": "menu",
            "prompt": {"kind": "recording", "promptId": prompt},
            "buttons": [{"key": 1, "next": 4}, {"key": 2, "next": 3}]}},
        {"id": 4, "name": "예약 태그", "action": {"kind": "tag", "tag": "예약", "next": 2}},
        {"id": 2, "name": "준호에게", "action": {"kind": "assign", "managerId": junho}},
        {"id": 3, "name": "민지에게", "action": {"kind": "assign", "managerId": minji}},
    ])
}

/// The menu step's figures: calls that entered, dropped, and the keys pressed.
fn menu_figures(cloud: &Cloud) -> Value {
    menu_figures_of(cloud, "테스트 IVR", 1)
}

/// The figures of step `step` of the workflow named `name`.
fn menu_figures_of(cloud: &Cloud, name: &str, step: u32) -> Value {
    block_on(async {
        let (status, list) = admin(
            cloud,
            reqwest::Method::GET,
            "/api/v1/workflows",
            json!(null),
        )
        .await;
        assert_eq!(status, 200);
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .and_then(|w| w["id"].as_i64())
            .unwrap_or_else(|| panic!("no workflow {name}: {list}"));
        let path = format!("/api/v1/workflows/{id}/analytics");
        let (status, figures) = admin(cloud, reqwest::Method::GET, &path, json!(null)).await;
        assert_eq!(status, 200, "{figures}");
        figures
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["stepId"] == step)
            .cloned()
            .unwrap_or(Value::Null)
    })
}

/// Runs one call through the menu and returns which agent rang: the other must not.
fn routed_call(scenario: &'static str, vars: &[(&str, &str)], expect_junho: bool) {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("ivr");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 440.0, 10.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    let mut junho = AgentProc::wav(&cloud, JUNHO, &dir.path("agent.wav"), None, 300);
    let (minji_id, junho_id) = (minji.manager_id(), junho.manager_id());
    block_on(async {
        let prompt = upload_tone_prompt(&cloud, &dir).await;
        publish(&cloud, menu(prompt, junho_id, minji_id), 1).await;
    });
    let vars: Vec<(&str, &str)> = vars.to_vec();
    let caller = call_in_background(scenario, &vars, cloud.sip, Duration::from_secs(40));
    let (chosen, other) = if expect_junho {
        (&mut junho, &mut minji)
    } else {
        (&mut minji, &mut junho)
    };
    let (_, ring) = chosen.wait_for("the ring the key routes to", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, via, .. }) = ring else {
        unreachable!()
    };
    assert_eq!(via.number, DEMO_NUMBER);
    chosen.wait_for("the end", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    let run = caller.join().expect("sipp thread");
    assert!(run.success, "sipp scenario failed:\n{}", run.log);
    assert!(
        !other
            .seen
            .iter()
            .any(|(_, e)| matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))),
        "only the manager the key routes to rings"
    );
    let record = cloud.last_call();
    assert_eq!(record.id, call_id);
    assert_eq!(record.hangup_cause, Some(HangupCause::CustomerHangup));
    assert_eq!(record.missed_reason, None, "answered");
    assert_eq!(record.managers[0].role.as_str(), "rang");
    let key = if expect_junho { "1" } else { "2" };
    let tags: &[&str] = if expect_junho { &["예약"] } else { &[] };
    assert_eq!(record.tags, tags);
    assert_eq!(
        menu_figures(&cloud),
        json!({"stepId": 1, "entered": 1, "dropped": 0, "keys": [{"key": key, "count": 1}]})
    );
}

#[test]
fn a_key_sent_as_rfc4733_routes_the_call_to_its_manager() {
    let dir = TempDir::new("ivr-pcap");
    let pcap = dir.path("tone.pcap");
    write_tone_pcap(&pcap, 300.0, 6.0);
    // The prompt lasts 1 s; the RFC 4733 key 1 comes at 2 s.
    routed_call(
        "uac_tone_dtmf.xml",
        &[
            ("TONE_PCAP", pcap.to_str().unwrap()),
            ("TONE_MS", "2000"),
            ("TALK_MS", "3000"),
        ],
        true,
    );
}

#[test]
fn a_key_sent_as_tones_in_the_audio_routes_the_call_too() {
    let dir = TempDir::new("ivr-pcap");
    let pcap = dir.path("keys.pcap");
    write_inband_key_pcap(&pcap, 2.0, '2', 6.0, 300.0);
    routed_call(
        "uac_tone_bye.xml",
        &[("TONE_PCAP", pcap.to_str().unwrap()), ("TALK_MS", "5000")],
        false,
    );
}

/// A call that presses nothing until the cloud hangs up; the record it leaves.
fn unrouted_call(cloud: &Cloud) -> CallRecord {
    let dir = TempDir::new("ivr-pcap");
    let pcap = dir.path("hum.pcap");
    write_tone_pcap(&pcap, 300.0, 12.0);
    let vars = [("TONE_PCAP", pcap.to_str().unwrap())];
    let caller = call_in_background(
        "uac_until_bye.xml",
        &vars,
        cloud.sip,
        Duration::from_secs(30),
    );
    let run = caller.join().expect("sipp thread");
    assert!(run.success, "the cloud hangs up: sipp failed:\n{}", run.log);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let record = cloud.last_call();
        if record.ended_at.is_some() {
            return record;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the record was not closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn pressing_nothing_ends_the_call_as_missed_by_the_workflow_and_off_hours_as_not_in_operation() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("ivr");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 440.0, 1.0);
    let minji = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    let minji_id = minji.manager_id();
    block_on(async {
        let prompt = upload_tone_prompt(&cloud, &dir).await;
        // Open hours first, then the menu; closed, the prompt and the end of the path.
        let mut steps = menu(prompt, minji_id, minji_id);
        let steps = steps.as_array_mut().unwrap();
        steps.insert(
            0,
            json!({"id": 10, "name": "운영시간", "action": {
                "kind": "branch",
                "arms": [{"when": [{"kind": "operatingHours"}], "next": 1}],
                "otherwise": 11}}),
        );
        steps.push(json!({"id": 11, "name": "미운영 안내", "action": {
            "kind": "message",
            "prompt": {"kind": "recording", "promptId": prompt},
            "next": null}}));
        publish(&cloud, json!(steps), 10).await;
    });

    let record = unrouted_call(&cloud);
    assert_eq!(record.hangup_cause, Some(HangupCause::NotAnswered));
    assert_eq!(record.missed_reason, Some(MissedReason::Workflow));
    assert!(record.managers.is_empty(), "nobody rang");
    assert_eq!(
        menu_figures(&cloud),
        json!({"stepId": 1, "entered": 1, "dropped": 0, "keys": []}),
        "the caller heard the menu and pressed nothing"
    );

    // Closed today: every day open, but today a holiday in Seoul.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let today = chrono::TimeZone::timestamp_millis_opt(&chrono_tz::Asia::Seoul, now_ms)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    block_on(async {
        let periods: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .map(|d| json!({"day": d, "start": "00:00", "end": "24:00"}))
            .collect();
        let hours = json!({"timeZone": "Asia/Seoul", "periods": periods, "holidays": [today]});
        let (status, _) = admin(
            &cloud,
            reqwest::Method::PUT,
            "/api/v1/operating-hours",
            hours,
        )
        .await;
        assert_eq!(status, 204);
    });
    let record = unrouted_call(&cloud);
    assert_eq!(record.missed_reason, Some(MissedReason::NotInOperation));
    assert!(
        !minji
            .seen
            .iter()
            .any(|(_, e)| matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))),
        "no call rang"
    );
}

#[test]
fn a_voicemail_is_recorded_and_played_back_from_the_call() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("ivr");
    let caller_hz = 523.0;
    // The key in-band at 2 s, then the caller's voice: sipp plays one pcap at a time, so the
    // voice after an RFC 4733 key would be cut.
    let pcap = dir.path("voice.pcap");
    write_inband_key_pcap(&pcap, 2.0, '1', 4.0, caller_hz);
    block_on(async {
        let prompt = upload_tone_prompt(&cloud, &dir).await;
        let steps = json!([
            {"id": 1, "name": "메뉴", "action": {
                "kind": "menu",
                "prompt": {"kind": "recording", "promptId": prompt},
                "buttons": [{"key": 1, "next": 2}]}},
            {"id": 2, "name": "음성 사서함", "action": {
                "kind": "voicemail",
                "prompt": {"kind": "recording", "promptId": prompt},
                "maxSeconds": 30}},
        ]);
        publish(&cloud, steps, 1).await;
    });
    // Key 1 at 2 s; the greeting (1 s) and the beep; then the caller talks until 6 s.
    let vars = [("TONE_PCAP", pcap.to_str().unwrap()), ("TALK_MS", "6000")];
    let caller = call_in_background(
        "uac_tone_bye.xml",
        &vars,
        cloud.sip,
        Duration::from_secs(30),
    );
    let run = caller.join().expect("sipp thread");
    assert!(run.success, "sipp scenario failed:\n{}", run.log);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let record = loop {
        let record = cloud.last_call();
        if record.voicemail_ms.is_some() {
            break record;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no voicemail on {record:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let ms = record.voicemail_ms.unwrap();
    assert!((1_500..=3_500).contains(&ms), "voicemail of {ms} ms");
    assert_eq!(record.missed_reason, Some(MissedReason::Workflow));
    let wav = block_on(async {
        let token = cloud.token(MINJI.0, MINJI.1).await;
        let url = format!("{}/api/v1/calls/{}/voicemail", cloud.api, record.id);
        let response = http(&cloud)
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap()
    });
    let path = dir.path("voicemail.wav");
    std::fs::write(&path, &wav).unwrap();
    let (samples, rate) = read_wav(&path);
    assert_eq!(rate, 16_000);
    let ratio = best_tone_ratio(&samples, rate, caller_hz);
    assert!(
        ratio > 0.7,
        "the caller's {caller_hz} Hz in the voicemail: {ratio:.3}"
    );
    let beep = best_tone_ratio(&samples, rate, 1_000.0);
    assert!(beep < 0.2, "the beep is not in the message: {beep:.3}");
}

#[test]
fn the_demo_ivr_speaks_its_menu_and_sends_key_1_to_the_team() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("ivr-demo");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 440.0, 10.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    let pcap = dir.path("tone.pcap");
    write_tone_pcap(&pcap, 300.0, 6.0);
    let vars = [
        ("TONE_PCAP", pcap.to_str().unwrap()),
        ("TONE_MS", "3000"),
        ("TALK_MS", "3000"),
    ];
    // The demo IVR's number, as a carrier puts it in the Request-URI.
    let caller = call_number_in_background(
        "uac_tone_dtmf.xml",
        &vars,
        cloud.sip,
        "827076660200",
        Duration::from_secs(40),
    );
    let (_, ring) = minji.wait_for("the team rings", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { via, .. }) = ring else {
        unreachable!()
    };
    assert_eq!(via.number, DEMO_IVR_NUMBER);
    let run = caller.join().expect("sipp thread");
    assert!(run.success, "sipp scenario failed:\n{}", run.log);
    // The menu was spoken (rendered at the first start) and the key pressed during it counted.
    let figures = menu_figures_of(&cloud, "IVR 데모", 2);
    assert_eq!(figures["entered"], 1);
    assert_eq!(figures["keys"], json!([{"key": "1", "count": 1}]));
    let speech = block_on(async {
        let store = cloud.store().await;
        store
            .speech("ko", "삐 소리가 나면 메시지를 남겨 주세요.")
            .await
            .unwrap()
    });
    assert!(speech.is_some(), "the demo's prompts were rendered");
}

#[test]
fn a_workflow_texts_the_caller_through_the_sms_provider_and_a_refusal_is_kept_with_its_reason() {
    let provider = SmsProviderStub::start(200);
    let refusing = SmsProviderStub::start(503);
    for (stub, sent) in [(&provider, true), (&refusing, false)] {
        let cloud = Cloud::start(&["--sms-endpoint", &stub.url, "--sms-api-key", "k3y"]);
        let dir = TempDir::new("ivr-sms");
        block_on(async {
            let prompt = upload_tone_prompt(&cloud, &dir).await;
            let steps = json!([
                {"id": 1, "name": "예약 링크 문자", "action": {
                    "kind": "sendSms", "text": "예약은 https://ringdesk.dev/r 에서 하실 수 있어요", "next": 2}},
                {"id": 2, "name": "문자 안내", "action": {
                    "kind": "message", "prompt": {"kind": "recording", "promptId": prompt}, "next": null}},
            ]);
            publish(&cloud, steps, 1).await;
        });
        let record = unrouted_call(&cloud);
        let got = stub
            .requests
            .recv_timeout(Duration::from_secs(10))
            .expect("the provider is asked");
        assert_eq!(got.authorization.as_deref(), Some("Bearer k3y"));
        assert_eq!(
            got.body,
            json!({
                "from": DEMO_NUMBER,
                "to": "+821012345678",
                "text": "예약은 https://ringdesk.dev/r 에서 하실 수 있어요",
            })
        );
        assert_eq!(record.missed_reason, Some(MissedReason::Workflow));
        // The outcome is written once the provider answered: poll the record for it.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let sms = loop {
            let sms = block_on(cloud.call(ringdesk_tests::MINJI, record.id)).sms;
            if !sms.is_empty() || std::time::Instant::now() > deadline {
                break sms;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(sms.len(), 1, "{sms:?}");
        if sent {
            assert_eq!(sms[0].error, None);
        } else {
            let error = sms[0].error.as_deref().unwrap_or_default();
            assert!(error.contains("503"), "{error}");
        }
    }
}

/// The id of the workflow named "테스트 IVR".
fn test_workflow_id(cloud: &Cloud) -> i64 {
    block_on(async {
        let (_, list) = admin(
            cloud,
            reqwest::Method::GET,
            "/api/v1/workflows",
            json!(null),
        )
        .await;
        list.as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == "테스트 IVR")
            .and_then(|w| w["id"].as_i64())
            .expect("the test workflow")
    })
}

#[test]
fn a_call_finishes_on_the_version_it_started_with_while_a_new_one_is_published() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("ivr-publish");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 440.0, 10.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 300);
    let mut junho = AgentProc::wav(&cloud, JUNHO, &dir.path("agent.wav"), None, 300);
    let (minji_id, junho_id) = (minji.manager_id(), junho.manager_id());
    let prompt = block_on(async {
        let prompt = upload_tone_prompt(&cloud, &dir).await;
        publish(&cloud, menu(prompt, junho_id, minji_id), 1).await;
        prompt
    });
    let id = test_workflow_id(&cloud);
    let pcap = dir.path("tone.pcap");
    write_tone_pcap(&pcap, 300.0, 6.0);
    let pcap = pcap.to_str().unwrap().to_string();
    let key_one = move |cloud: &Cloud| {
        let vars = [
            ("TONE_PCAP", pcap.as_str()),
            ("TONE_MS", "2000"),
            ("TALK_MS", "2000"),
        ];
        call_in_background(
            "uac_tone_dtmf.xml",
            &vars,
            cloud.sip,
            Duration::from_secs(40),
        )
    };

    // The first call is walking version 1 (key 1 → Junho) when version 2 (key 1 → Minji) goes
    // live.
    let first = key_one(&cloud);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while block_on(cloud.calls(MINJI, "perPage=1")).calls.is_empty() {
        assert!(std::time::Instant::now() < deadline, "the call arrives");
        std::thread::sleep(Duration::from_millis(20));
    }
    block_on(async {
        let draft = json!({"name": "테스트 IVR", "draft": {
            "trigger": {"kind": "customerCalled"}, "inputTimeoutSeconds": 4, "first": 1,
            "steps": menu(prompt, minji_id, junho_id)}});
        let path = format!("/api/v1/workflows/{id}/draft");
        let (status, _) = admin(&cloud, reqwest::Method::PUT, &path, draft).await;
        assert_eq!(status, 200);
        let path = format!("/api/v1/workflows/{id}/publish");
        let (status, published) = admin(&cloud, reqwest::Method::POST, &path, json!(null)).await;
        assert_eq!((status, published), (200, json!({"version": 2})));
    });
    let ring = |e: &AgentEvent| matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }));
    junho.wait_for(
        "version 1 sends key 1 to Junho",
        Duration::from_secs(20),
        ring,
    );
    assert!(first.join().unwrap().success);
    let second = key_one(&cloud);
    minji.wait_for("version 2 sends it to Minji", Duration::from_secs(20), ring);
    assert!(second.join().unwrap().success);
    assert_eq!(
        junho.seen.iter().filter(|(_, e)| ring(e)).count(),
        1,
        "Junho rang once only"
    );
    // Each version counts its own call.
    for version in [1, 2] {
        let path = format!("/api/v1/workflows/{id}/analytics?version={version}");
        let (status, figures) = block_on(admin(&cloud, reqwest::Method::GET, &path, json!(null)));
        assert_eq!(status, 200, "{figures}");
        let menu = figures
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["stepId"] == 1)
            .cloned();
        assert_eq!(
            menu,
            Some(
                json!({"stepId": 1, "entered": 1, "dropped": 0, "keys": [{"key": "1", "count": 1}]})
            ),
            "version {version}"
        );
    }
}
