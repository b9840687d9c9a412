//! The agent's session with the cloud, in-process: the real session task and its HTTP and
//! WebSocket clients against a scripted fake cloud (`common`), a real WebRTC peer on the
//! cloud's side. Each test's trace is the conversation, checked whole with `expect!`.

mod common;

use common::{CacheFile, EMAIL, FakeCloud, PASSWORD, Trace};
use expect_test::expect;
use ringdesk_agent::cache::{LocalCache, unix_now_ms};
use ringdesk_agent::client::{ServerConfig, login};
use ringdesk_agent::{AgentCommand, AgentError, Credentials};
use ringdesk_wire::{
    AgentEvent, AgentStatus, Caller, ClientMessage, DialPlan, EndCause, ErrorCode, HangupCause,
    ServerEvent, ServerMessage,
};

/// A fake cloud and an agent logged in to it with the password, its session up.
async fn logged_in() -> (FakeCloud, Trace, common::TestAgent, common::Connection) {
    let mut cloud = FakeCloud::start().await;
    let mut t = Trace::default();
    let mut agent = cloud
        .agent(Credentials::Password(PASSWORD.into()), None)
        .await
        .expect("login");
    let c = session_up(&mut cloud, &mut agent, &mut t).await;
    (cloud, t, agent, c)
}

/// The session up: the status it was started with, then `hello`.
async fn session_up(
    cloud: &mut FakeCloud,
    agent: &mut common::TestAgent,
    t: &mut Trace,
) -> common::Connection {
    let mut c = cloud.connection(t).await;
    c.hear(t).await;
    c.hello();
    agent.event(t).await;
    c
}

fn sdp_offer(m: ClientMessage) -> String {
    match m {
        ClientMessage::Answer { sdp_offer, .. } | ClientMessage::Dial { sdp_offer, .. } => {
            sdp_offer
        }
        other => panic!("expected an SDP offer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_call_rings_is_answered_heard_muted_and_hung_up_and_kept_in_recent_calls() {
    let mut cloud = FakeCloud::start().await;
    let cache = CacheFile::new();
    let mut t = Trace::default();
    let mut agent = cloud
        .agent(Credentials::Password(PASSWORD.into()), Some(cache.path()))
        .await
        .expect("login");
    let mut c = session_up(&mut cloud, &mut agent, &mut t).await;

    c.ring(41);
    agent.event(&mut t).await;
    agent.send(&mut t, "answer", AgentCommand::Answer(41));
    let offer = sdp_offer(c.hear(&mut t).await);
    let mut media = c.connect_media(41, &offer).await;
    agent.event(&mut t).await;
    agent
        .event_where(&mut t, |e| matches!(e, AgentEvent::MediaConnected { .. }))
        .await;
    let (_, heard) = tokio::join!(
        media.send_tone(100),
        agent.event_where(&mut t, |e| matches!(e, AgentEvent::RemoteAudio { .. }))
    );
    assert!(matches!(heard, AgentEvent::RemoteAudio { call_id: 41 }));
    assert!(
        media.heard_audio().await,
        "the app's microphone never reached the cloud"
    );

    agent.send(&mut t, "mute", AgentCommand::SetMuted(41, true));
    agent.event(&mut t).await;
    agent.send(&mut t, "hang up", AgentCommand::Hangup(41));
    c.hear(&mut t).await;
    c.say(ServerEvent::CallEnded {
        call_id: 41,
        cause: EndCause::Left,
        missed_reason: None,
    });
    agent.event(&mut t).await;
    agent.send(&mut t, "quit", AgentCommand::Shutdown);
    c.hear_close(&mut t).await;
    agent.stopped(&mut t).await;

    let recent = LocalCache::open(&cache.path(), unix_now_ms())
        .unwrap()
        .recent_calls(&ringdesk_agent::credentials::account(&cloud.url, EMAIL), 5)
        .unwrap();
    let lines: Vec<String> = recent
        .iter()
        .map(|r| {
            let answered = r.answered_at_ms.is_some();
            format!("{} {:?} answered={answered}", r.call_id, r.outcome)
        })
        .collect();
    t.note(format!("recent calls: {lines:?}"));

    expect![[r#"
        cloud: connected with token-1
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        app → {"callId":41,"caller":{"fields":[],"name":"최도윤","number":"+821098765432"},"event":"ring","purpose":{"kind":"route"},"ringTimeoutMs":30000,"via":{"number":"+827076660100","teamName":"고객지원팀"}}
        app: answer
        cloud ← {"callId":41,"sdpOffer":"<sdp>","type":"answer"}
        app → {"callId":41,"event":"callConnected"}
        app → {"callId":41,"event":"mediaConnected"}
        app → {"callId":41,"event":"remoteAudio"}
        app: mute
        app → {"callId":41,"event":"muteChanged","muted":true}
        app: hang up
        cloud ← {"callId":41,"type":"hangup"}
        app → {"callId":41,"cause":"left","event":"callEnded","missedReason":null}
        app: quit
        cloud: the app closed the connection
        app: stopped
        recent calls: ["41 Answered answered=true"]
    "#]]
    .assert_eq(&t.text());
}

#[tokio::test]
async fn a_lost_connection_is_retried_and_the_status_chosen_meanwhile_is_restored() {
    let (mut cloud, mut t, mut agent, c) = logged_in().await;

    // The cloud goes away and stays away until the commands below were taken offline.
    cloud.set_unavailable(true);
    c.drop_connection();
    agent.event(&mut t).await;
    let away = AgentCommand::SetStatus {
        status: AgentStatus::Away,
        do_not_disturb: true,
    };
    agent.send(&mut t, "away, do not disturb", away);
    let dial = AgentCommand::Dial {
        number: "01012345678".into(),
        caller_id: None,
    };
    agent.send(&mut t, "dial", dial);
    // Commands are taken in order, so the refused dial means the status was taken too. Failed
    // retries may come between (their number depends on timing, so they are not traced).
    agent
        .event_where(&mut t, |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Error { .. }))
        })
        .await;
    cloud.set_unavailable(false);

    let mut c = cloud.connection(&mut t).await;
    c.hear(&mut t).await;
    c.hello();
    agent.event(&mut t).await;

    expect![[r#"
        cloud: connected with token-1
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        app → {"event":"sessionDown","reason":"connection closed","retryInMs":"<ms>"}
        app: away, do not disturb
        app: dial
        app → {"code":"offline","event":"error","message":"not connected to the cloud; retrying"}
        cloud: connected with token-1
        cloud ← {"doNotDisturb":true,"status":"away","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
    "#]]
    .assert_eq(&t.text());
}

#[tokio::test]
async fn an_expired_token_is_replaced_by_logging_in_again_with_the_password() {
    let (mut cloud, mut t, mut agent, c) = logged_in().await;

    cloud.revoke_tokens();
    c.drop_connection();
    agent.event(&mut t).await;
    agent.event(&mut t).await;
    let _c = session_up(&mut cloud, &mut agent, &mut t).await;
    t.note(format!("cloud: {} logins", cloud.logins()));

    expect![[r#"
        cloud: connected with token-1
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        app → {"event":"sessionDown","reason":"connection closed","retryInMs":"<ms>"}
        app → {"event":"sessionDown","reason":"session expired; logged in again","retryInMs":"<ms>"}
        cloud: connected with token-2
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        cloud: 2 logins
    "#]]
    .assert_eq(&t.text());
}

#[tokio::test]
async fn a_refused_saved_token_ends_the_session_and_asks_for_the_password() {
    let mut cloud = FakeCloud::start().await;
    let mut t = Trace::default();

    let wrong = cloud
        .agent(Credentials::Password("wrong".into()), None)
        .await;
    let Err(AgentError::Api { status, code, .. }) = wrong else {
        panic!(
            "a wrong password must be refused at start, got {:?}",
            wrong.err()
        );
    };
    t.note(format!("start with a wrong password: {status} {code:?}"));

    // A token saved by an earlier login, as the desktop app keeps one in the OS keyring.
    let server = ServerConfig::with_ca_file(&cloud.url, None).unwrap();
    let saved = login(&server, EMAIL, PASSWORD).await.expect("login").token;

    let mut agent = cloud
        .agent(Credentials::Token(saved.clone()), None)
        .await
        .expect("the saved token is still good");
    let c = session_up(&mut cloud, &mut agent, &mut t).await;
    cloud.revoke_tokens();
    c.drop_connection();
    agent.event(&mut t).await;
    agent.stopped(&mut t).await;
    assert_eq!(cloud.ws_attempts(), 2, "a refused token is not retried");
    t.note(format!("cloud: {} logins", cloud.logins()));

    let again = cloud.agent(Credentials::Token(saved), None).await;
    let Err(AgentError::Api { status, code, .. }) = again else {
        panic!(
            "a revoked token must be refused at start, got {:?}",
            again.err()
        );
    };
    t.note(format!("start with the revoked token: {status} {code:?}"));

    expect![[r#"
        start with a wrong password: 401 InvalidCredentials
        cloud: connected with token-1
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        app → {"event":"sessionDown","reason":"connection closed","retryInMs":"<ms>"}
        app → {"event":"sessionExpired"}
        app: stopped
        cloud: 1 logins
        start with the revoked token: 401 Unauthorized
    "#]]
    .assert_eq(&t.text());
}

#[tokio::test]
async fn bad_messages_from_the_cloud_are_reported_and_the_session_goes_on() {
    let (_cloud, mut t, mut agent, mut c) = logged_in().await;

    c.say_raw("not json");
    agent.event(&mut t).await;
    c.say_raw(r#"{"type":"somethingNew","callId":5}"#);
    agent.event(&mut t).await;
    // A newer cloud's hangup cause reads as `unknown`, not as a dropped message.
    c.say_raw(r#"{"type":"callEnded","callId":5,"cause":"aNewCause","missedReason":null}"#);
    agent.event(&mut t).await;
    // An answer for a call we made no offer for is dropped without a word: the ring that
    // follows is the next event.
    c.say(ServerMessage::Connected {
        call_id: 99,
        sdp_answer: "v=0".into(),
    });
    c.ring(5);
    agent.event(&mut t).await;
    agent.send(&mut t, "answer", AgentCommand::Answer(5));
    c.hear(&mut t).await;
    c.say(ServerMessage::Connected {
        call_id: 5,
        sdp_answer: "not sdp".into(),
    });
    agent.event(&mut t).await;
    c.say(ServerEvent::CallEnded {
        call_id: 5,
        cause: EndCause::Call(HangupCause::CustomerHangup),
        missed_reason: None,
    });
    agent.event(&mut t).await;

    expect![[r#"
        cloud: connected with token-1
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        app → {"code":"badServerMessage","event":"error","message":"expected ident at line 1 column 2"}
        app → {"code":"badServerMessage","event":"error","message":"data did not match any variant of untagged enum ServerMessage"}
        app → {"callId":5,"cause":"unknown","event":"callEnded","missedReason":null}
        app → {"callId":5,"caller":{"fields":[],"name":"최도윤","number":"+821098765432"},"event":"ring","purpose":{"kind":"route"},"ringTimeoutMs":30000,"via":{"number":"+827076660100","teamName":"고객지원팀"}}
        app: answer
        cloud ← {"callId":5,"sdpOffer":"<sdp>","type":"answer"}
        app → {"code":"mediaFailed","event":"error","message":"SDP: …"}
        app → {"callId":5,"cause":"customerHangup","event":"callEnded","missedReason":null}
    "#]]
    .assert_eq(&t.text());
}

#[tokio::test]
async fn a_refused_dial_drops_its_offer_and_a_placed_one_connects_its_media() {
    let (_cloud, mut t, mut agent, mut c) = logged_in().await;
    let dial = || AgentCommand::Dial {
        number: "01012345678".into(),
        caller_id: None,
    };

    agent.send(&mut t, "dial", dial());
    c.hear(&mut t).await;
    c.say(ServerEvent::DialRefused {
        code: ErrorCode::NoOutboundPermission,
        message: "you may not place calls".into(),
    });
    agent.event(&mut t).await;

    agent.send(&mut t, "dial again", dial());
    let offer = sdp_offer(c.hear(&mut t).await);
    c.say(ServerEvent::Dialing {
        call_id: 8,
        customer: Caller {
            number: "+821012345678".into(),
            name: None,
            fields: Vec::new(),
        },
        plan: DialPlan {
            to: "+821012345678".into(),
            caller_id: "+827076660100".into(),
            international: None,
        },
    });
    agent.event(&mut t).await;
    // The offer sent with the dial is now call 8's: the cloud's answer connects it.
    let _media = c.connect_media(8, &offer).await;
    agent.event(&mut t).await;
    agent
        .event_where(&mut t, |e| matches!(e, AgentEvent::MediaConnected { .. }))
        .await;

    expect![[r#"
        cloud: connected with token-1
        cloud ← {"doNotDisturb":false,"status":"available","type":"setStatus"}
        app → {"event":"sessionUp","manager":{"canAdminister":true,"channelId":1,"channelName":"데모 상점","email":"minji@example.com","id":7,"isOwner":true,"name":"김민지"}}
        app: dial
        cloud ← {"callerId":null,"number":"01012345678","sdpOffer":"<sdp>","type":"dial"}
        app → {"code":"noOutboundPermission","event":"dialRefused","message":"you may not place calls"}
        app: dial again
        cloud ← {"callerId":null,"number":"01012345678","sdpOffer":"<sdp>","type":"dial"}
        app → {"callId":8,"customer":{"fields":[],"name":null,"number":"+821012345678"},"event":"dialing","plan":{"callerId":"+827076660100","international":null,"to":"+821012345678"}}
        app → {"callId":8,"event":"callConnected"}
        app → {"callId":8,"event":"mediaConnected"}
    "#]]
    .assert_eq(&t.text());
}
