//! End to end: the inbox and wrap-up. A real SIP caller talks with a headless agent (Minji);
//! the call becomes a conversation assigned to her, pushed to her app; after the call she is
//! in wrap-up — shown, and a second caller does not ring her — until she closes it, after
//! notes, tags and the wrap-up form. An unanswered call lands in the missed list and is closed
//! in bulk, never to be reopened.

use std::time::Duration;

use reqwest::Method;
use ringdesk_tests::admin::admin;
use ringdesk_tests::audio::write_tone_wav;
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::{AgentProc, Cloud, DEMO_SERVICE, MINJI, TempDir, block_on};
use ringdesk_wire::{
    AgentEvent, AgentStatus, ConversationDetail, ConversationPage, ConversationState,
    NotRingingReason, ServerEvent, Teammate,
};
use serde_json::{Value, json};

fn api(cloud: &Cloud, method: Method, path: &str, body: Value) -> (u16, Value) {
    block_on(admin(cloud, method, path, body))
}

fn conversation(cloud: &Cloud, id: i64) -> ConversationDetail {
    let (status, body) = api(
        cloud,
        Method::GET,
        &format!("/api/v1/conversations/{id}"),
        json!(null),
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

fn page(cloud: &Cloud, query: &str) -> ConversationPage {
    let (status, body) = api(
        cloud,
        Method::GET,
        &format!("/api/v1/conversations?{query}"),
        json!(null),
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

/// Why Minji would not be rung now, as the teammates list says.
fn minji_not_ringing(cloud: &Cloud, minji: i64) -> Option<NotRingingReason> {
    let (_, body) = api(cloud, Method::GET, "/api/v1/teammates", json!(null));
    let teammates: Vec<Teammate> = serde_json::from_value(body).unwrap();
    teammates
        .into_iter()
        .find(|t| t.id == minji)
        .expect("Minji")
        .not_ringing
}

/// Waits for Minji's app to be told her status is `status`.
fn wait_status(minji: &mut AgentProc, status: AgentStatus) {
    minji.wait_for("her status", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Presence { status: s, .. }) if *s == status)
    });
}

#[test]
fn a_talked_call_keeps_its_assignee_in_wrap_up_until_the_conversation_closes() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("inbox");
    let voice = dir.path("minji.wav");
    write_tone_wav(&voice, 48_000, 700.0, 60.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &voice, None, 100);
    let minji_id = minji.manager_id();

    let (mut caller, _) = RtpCaller::call_from(cloud.sip, DEMO_SERVICE, "01012345678");
    let (_, e) = minji.wait_for("her conversation is pushed", Duration::from_secs(10), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::ConversationChanged { .. })
        )
    });
    let AgentEvent::Server(ServerEvent::ConversationChanged {
        conversation_id: id,
    }) = e
    else {
        unreachable!()
    };
    caller.listen(Duration::from_secs(1));
    caller.hang_up();
    wait_status(&mut minji, AgentStatus::WrapUp);
    assert_eq!(
        minji_not_ringing(&cloud, minji_id),
        Some(NotRingingReason::WrapUp)
    );

    let c = conversation(&cloud, id);
    assert_eq!(c.summary.state, ConversationState::Open);
    assert_eq!(c.summary.assignee.as_ref().map(|a| a.id), Some(minji_id));
    let contact = c.summary.contact.expect("linked to the caller's contact");
    assert_eq!(contact.name.as_deref(), Some("박서연"));
    assert_eq!(c.call.id, id);
    assert!(c.recording.is_some(), "the call was recorded");

    // Notes, tags, the wrap-up form with a classification the owner defines.
    let path = |what: &str| format!("/api/v1/conversations/{id}{what}");
    let (status, _) = api(
        &cloud,
        Method::POST,
        &path("/notes"),
        json!({"text": "환불 요청, 내일 재확인"}),
    );
    assert_eq!(status, 201);
    let (status, _) = api(
        &cloud,
        Method::PUT,
        &path("/tags"),
        json!({"tags": ["환불", "배송"]}),
    );
    assert_eq!(status, 204);
    let (status, class) = api(
        &cloud,
        Method::POST,
        "/api/v1/classifications",
        json!({"name": "환불 문의"}),
    );
    assert_eq!(status, 201, "{class}");
    let form = json!({
        "classificationId": class["id"],
        "sentiment": "negative",
        "grade": "vip",
        "processing": "inProgress",
    });
    assert_eq!(api(&cloud, Method::PUT, &path("/wrap-up"), form).0, 204);
    let c = conversation(&cloud, id);
    assert_eq!(c.notes.len(), 1);
    assert_eq!(c.notes[0].author.id, minji_id);
    assert_eq!(c.summary.tags, vec!["배송".to_string(), "환불".to_string()]);
    assert_eq!(c.wrap_up.classification_id, class["id"].as_i64());
    assert_eq!(
        page(&cloud, "tag=%ED%99%98%EB%B6%88").total,
        1,
        "found by its tag"
    );

    // While she wraps up, a second caller is not put through to her: she is the only manager
    // online, so nobody can take it (480, missed `noOperator`) and her app never rings.
    minji.skip_seen();
    let refused = RtpCaller::try_call_from(cloud.sip, DEMO_SERVICE, "01077770000")
        .err()
        .expect("nobody takes the call");
    assert!(refused.starts_with("SIP/2.0 480"), "{refused}");
    let rung = minji.has_arrived(|e| matches!(e, AgentEvent::Server(ServerEvent::Ring { .. })));
    assert!(!rung, "rung during wrap-up");

    // Closing the conversation ends her wrap-up.
    assert_eq!(
        api(
            &cloud,
            Method::PUT,
            &path("/state"),
            json!({"state": "closed"})
        )
        .0,
        204
    );
    wait_status(&mut minji, AgentStatus::Available);
    assert_eq!(minji_not_ringing(&cloud, minji_id), None);
    assert_eq!(
        conversation(&cloud, id).summary.state,
        ConversationState::Closed
    );

    // The unanswered second call is in the missed list; closed in bulk, it stays closed.
    let missed = page(&cloud, "state=missed");
    assert_eq!(missed.total, 1, "{missed:?}");
    let missed_id = missed.conversations[0].id;
    assert!(missed.conversations[0].missed);
    let (status, closed) = api(
        &cloud,
        Method::POST,
        "/api/v1/conversations/close",
        json!({"ids": [missed_id, id]}),
    );
    assert_eq!(
        (status, closed["closed"].as_i64()),
        (200, Some(1)),
        "the other was closed already"
    );
    let (status, body) = api(
        &cloud,
        Method::PUT,
        &format!("/api/v1/conversations/{missed_id}/state"),
        json!({"state": "open"}),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("missedCannotReopen"))
    );
    assert_eq!(page(&cloud, "state=missed").total, 0);
}
