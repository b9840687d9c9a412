//! End to end: callbacks. One booked while the assignee's app is closed is reminded when the
//! app starts again and its time comes near (the lead shortened by `--callback-lead`), once,
//! before its time; dialling it reaches the carrier with the customer's number from the booked
//! caller-ID (the carrier checks both). One booked while the app runs is pushed and reminded
//! too; one marked done is never reminded.

use std::time::{Duration, Instant};

use ringdesk_tests::audio::write_tone_wav;
use ringdesk_tests::peers::{carrier_args, carrier_in_background, scenario};
use ringdesk_tests::{
    AgentProc, Cloud, DEMO_NUMBER, JUNHO, MINJI, TempDir, block_on, free_port, http,
};
use ringdesk_wire::{AgentEvent, Callback, ServerEvent};
use serde_json::json;

/// 박서연, a demo contact.
const CONTACT_NUMBER: &str = "+821012345678";

/// Books a callback for Minji as Junho, due `in_ms` from now.
fn book(cloud: &Cloud, minji: i64, in_ms: i64, note: &str) -> Callback {
    block_on(async {
        let token = cloud.token(JUNHO.0, JUNHO.1).await;
        let due = ringdesk_store::time::rfc3339(ringdesk_store::time::now_ms() + in_ms);
        let response = http(cloud)
            .post(format!("{}/api/v1/callbacks", cloud.api))
            .bearer_auth(token)
            .json(&json!({
                "customerNumber": "010-1234-5678", "assigneeId": minji,
                "callerId": DEMO_NUMBER, "dueAt": due, "note": note,
            }))
            .send()
            .await
            .expect("the API answers");
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    })
}

fn mark_done(cloud: &Cloud, id: i64) {
    block_on(async {
        let token = cloud.token(MINJI.0, MINJI.1).await;
        let response = http(cloud)
            .put(format!("{}/api/v1/callbacks/{id}/done", cloud.api))
            .bearer_auth(token)
            .json(&json!({ "done": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    })
}

fn due_id(e: &AgentEvent) -> Option<i64> {
    match e {
        AgentEvent::CallbackDue { callback } => Some(callback.id),
        _ => None,
    }
}

#[test]
fn a_callback_is_reminded_ahead_of_its_time_and_dialled_from_its_caller_id() {
    let port = free_port();
    let args = carrier_args(port);
    let cloud = Cloud::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let dir = TempDir::new("callbacks");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 700.0, 30.0);
    let sf = scenario(
        &dir,
        "carrier_answer.xml",
        &[
            ("TO_DIGITS", &CONTACT_NUMBER[1..]),
            ("CALLER_DIGITS", &DEMO_NUMBER[1..]),
            ("USER", "ringdesk"),
            ("PASSWORD", "carrier-s3cret"),
            ("RING_MS", "500"),
        ],
    );
    let carrier = carrier_in_background(TempDir::new("carrier"), sf, port, Duration::from_secs(60));
    let minji_id = block_on(async {
        let store = cloud.store().await;
        store.verify_login(MINJI.0, MINJI.1).await.unwrap().id
    });

    // Booked while Minji's app is closed: one to call, one already handled.
    let first = book(&cloud, minji_id, 8_000, "배송 일정 다시 안내");
    let handled = book(&cloud, minji_id, 6_000, "");
    mark_done(&cloud, handled.id);
    let due_at = |c: &Callback| {
        let at = chrono::DateTime::parse_from_rfc3339(&c.due_at).unwrap();
        let left = at.timestamp_millis() - ringdesk_store::time::now_ms();
        Instant::now() + Duration::from_millis(left.max(0) as u64)
    };
    let first_due = due_at(&first);
    let play = dir.path("agent.wav").display().to_string();
    let mut agent = AgentProc::start(
        &cloud,
        MINJI,
        &["--wav", "--play", &play, "--callback-lead", "3"],
    );
    let (reminded_at, due) = agent.wait_for("the reminder", Duration::from_secs(20), |e| {
        due_id(e).is_some()
    });
    let AgentEvent::CallbackDue { callback } = due else {
        unreachable!()
    };
    assert_eq!(callback.id, first.id, "the done one is never reminded");
    assert_eq!(callback.note, "배송 일정 다시 안내");
    assert_eq!(callback.customer_name.as_deref(), Some("박서연"));
    assert!(reminded_at < first_due, "reminded before its time");

    // One click: the customer's number from the booked caller-ID (the carrier checks both).
    agent.command(&format!(
        "dial {} {}",
        callback.customer_number, callback.caller_id
    ));
    let (_, dialing) = agent.wait_for("dialing", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Dialing { .. }))
    });
    let AgentEvent::Server(ServerEvent::Dialing { call_id, plan, .. }) = dialing else {
        unreachable!()
    };
    assert_eq!(plan.to, CONTACT_NUMBER);
    assert_eq!(plan.caller_id, DEMO_NUMBER);
    agent.wait_for(
        "the customer answers",
        Duration::from_secs(15),
        |e| matches!(e, AgentEvent::Server(ServerEvent::DialAnswered { call_id: c }) if *c == call_id),
    );
    agent.command(&format!("hangup {call_id}"));
    agent.wait_for(
        "the call ends",
        Duration::from_secs(10),
        |e| matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, .. }) if *c == call_id),
    );
    let run = carrier.join().expect("sipp thread");
    assert!(run.success, "the carrier's checks failed:\n{}", run.log);

    // Booked while the app runs: pushed (`callbacksChanged`) and reminded without a restart.
    let second = book(&cloud, minji_id, 4_000, "");
    agent.wait_for("told of the booking", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallbacksChanged {}))
    });
    let (_, again) = agent.wait_for("the second reminder", Duration::from_secs(15), |e| {
        due_id(e).is_some()
    });
    assert_eq!(due_id(&again), Some(second.id));
    assert!(
        !agent.has_arrived(|e| due_id(e).is_some()),
        "each callback is reminded once"
    );
}
