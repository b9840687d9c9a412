//! Bad input against the real `ringdesk-cloud` binary: malformed SIP, unknown numbers,
//! unauthorised trunk peers, bad JSON on the API and the WebSocket, wrong passwords, and
//! another channel's records. Each gets its specific error; nothing takes the service down.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use md5::{Digest, Md5};
use ringdesk_store::NewCall;
use ringdesk_tests::ws::WsSession;
use ringdesk_tests::{Cloud, DEMO_NUMBER, MINJI, http};
use ringdesk_wire::{ApiError, EndCause, ErrorCode, HangupCause, ServerEvent, ServerMessage};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn invite(number: &str, branch: &str, body: &str, extra: &str) -> String {
    let ctype = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "INVITE sip:{number}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch={branch}\r\nFrom: <sip:0101@127.0.0.1>;tag=t-{branch}\r\nTo: <sip:{number}@127.0.0.1>\r\nCall-ID: {branch}@test\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n{extra}{ctype}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends one datagram and returns the status lines received within `wait` (a quiet peer
/// yields none: that is what we assert for garbage).
fn exchange(sock: &UdpSocket, to: SocketAddr, msg: &[u8], wait: Duration) -> Vec<String> {
    sock.send_to(msg, to).unwrap();
    sock.set_read_timeout(Some(wait)).unwrap();
    let mut lines = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok((n, _)) = sock.recv_from(&mut buf) {
        let text = String::from_utf8_lossy(&buf[..n]).to_string();
        lines.push(text.lines().next().unwrap_or_default().to_string());
        sock.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
    }
    lines
}

fn full_response(sock: &UdpSocket, to: SocketAddr, msg: &[u8]) -> String {
    sock.send_to(msg, to).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 4096];
    let (n, _) = sock.recv_from(&mut buf).expect("a response");
    String::from_utf8_lossy(&buf[..n]).to_string()
}

#[test]
fn malformed_and_unroutable_sip_get_the_right_responses() {
    let cloud = Cloud::start(&[]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = cloud.sip;
    assert!(
        exchange(
            &sock,
            to,
            b"\x16\x03\x01garbage\xff\xfe",
            Duration::from_millis(500)
        )
        .is_empty(),
        "garbage gets no reply"
    );
    let options = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKo\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(
        exchange(&sock, to, options.as_bytes(), Duration::from_secs(3)),
        ["SIP/2.0 200 OK"],
        "still alive after garbage"
    );
    let no_call_id =
        invite("8270", "z9hG4bKa", OFFER, "").replace("Call-ID: z9hG4bKa@test\r\n", "");
    assert_eq!(
        exchange(&sock, to, no_call_id.as_bytes(), Duration::from_secs(3)),
        ["SIP/2.0 400 Missing Call-ID header"]
    );
    let g729 = OFFER.replace("RTP/AVP 8 101", "RTP/AVP 18").replace(
        "a=rtpmap:101 telephone-event/8000\r\n",
        "a=rtpmap:18 G729/8000\r\n",
    );
    let r = exchange(
        &sock,
        to,
        invite(DEMO_NUMBER, "z9hG4bKb", &g729, "").as_bytes(),
        Duration::from_secs(3),
    );
    assert_eq!(r.len(), 1);
    assert!(r[0].starts_with("SIP/2.0 488 "), "{r:?}");
    let r = exchange(
        &sock,
        to,
        invite(DEMO_NUMBER, "z9hG4bKc", "v=0\r\nthis is not sdp\r\n", "").as_bytes(),
        Duration::from_secs(3),
    );
    assert!(
        r[0].starts_with("SIP/2.0 400 Bad Request (malformed SDP"),
        "{r:?}"
    );
    let r = exchange(
        &sock,
        to,
        invite("+8225550000", "z9hG4bKd", OFFER, "").as_bytes(),
        Duration::from_secs(3),
    );
    assert_eq!(
        r,
        [
            "SIP/2.0 100 Trying",
            "SIP/2.0 404 Not Found (unknown number)"
        ]
    );
    // The same over TCP, framed by Content-Length.
    let mut tcp = TcpStream::connect(to).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    tcp.write_all(
        invite("+8225550001", "z9hG4bKe", OFFER, "")
            .replace("UDP", "TCP")
            .as_bytes(),
    )
    .unwrap();
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    while !got.contains("404") {
        let n = tcp.read(&mut buf).expect("TCP response");
        assert!(n > 0, "connection closed early: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(got.starts_with("SIP/2.0 100 Trying"), "{got}");
}

#[test]
fn peers_off_the_allowlist_are_forbidden() {
    let cloud = Cloud::start(&["--trunk-allow", "10.9.9.9"]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let r = exchange(
        &sock,
        cloud.sip,
        invite(DEMO_NUMBER, "z9hG4bKf", OFFER, "").as_bytes(),
        Duration::from_secs(3),
    );
    assert_eq!(r, ["SIP/2.0 403 Forbidden"]);
}

#[test]
fn digest_auth_challenges_refuses_and_accepts() {
    let cloud = Cloud::start(&["--trunk-user", "pbx", "--trunk-password", "s3cret"]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let challenge = full_response(
        &sock,
        cloud.sip,
        invite(DEMO_NUMBER, "z9hG4bKg", OFFER, "").as_bytes(),
    );
    assert!(
        challenge.starts_with("SIP/2.0 401 Unauthorized"),
        "{challenge}"
    );
    let nonce = challenge
        .split("nonce=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("nonce")
        .to_string();
    let uri = format!("sip:{DEMO_NUMBER}@127.0.0.1");
    let auth = |password: &str| {
        let h = |s: String| hex::encode(Md5::digest(s.as_bytes()));
        let response = h(format!(
            "{}:{nonce}:{}",
            h(format!("pbx:ringdesk:{password}")),
            h(format!("INVITE:{uri}"))
        ));
        format!(
            "Authorization: Digest username=\"pbx\", realm=\"ringdesk\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=MD5\r\n"
        )
    };
    let wrong = exchange(
        &sock,
        cloud.sip,
        invite(DEMO_NUMBER, "z9hG4bKh", OFFER, &auth("guess")).as_bytes(),
        Duration::from_secs(3),
    );
    assert_eq!(wrong, ["SIP/2.0 403 Forbidden"]);
    let right = exchange(
        &sock,
        cloud.sip,
        invite(DEMO_NUMBER, "z9hG4bKi", OFFER, &auth("s3cret")).as_bytes(),
        Duration::from_secs(3),
    );
    assert_eq!(
        right.first().map(String::as_str),
        Some("SIP/2.0 100 Trying"),
        "{right:?}"
    );
    assert!(
        right.iter().any(|l| l.starts_with("SIP/2.0 480")),
        "nobody online: the authorised call is missed, {right:?}"
    );
}

#[tokio::test]
async fn api_rejects_bad_requests_with_typed_errors() {
    let cloud = Cloud::start(&[]);
    let client = http(&cloud);
    let login = |body: String| {
        client
            .post(format!("{}/api/v1/login", cloud.api))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let wrong_pw = login(format!(r#"{{"email":"{}","password":"nope"}}"#, MINJI.0))
        .await
        .unwrap();
    assert_eq!(wrong_pw.status(), 401);
    let wrong_pw: ApiError = wrong_pw.json().await.unwrap();
    let no_user = login(r#"{"email":"nobody@x.test","password":"nope"}"#.into())
        .await
        .unwrap();
    assert_eq!(no_user.status(), 401);
    assert_eq!(
        no_user.json::<ApiError>().await.unwrap(),
        wrong_pw,
        "no hint which part was wrong"
    );
    let bad = login("{not json".into()).await.unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<ApiError>().await.unwrap().code,
        ErrorCode::BadJson
    );
    let anonymous = client
        .get(format!("{}/api/v1/calls", cloud.api))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    // Another channel's call record is not found, not forbidden.
    let store = cloud.store().await;
    store
        .create_channel("Other Co", "owner@other.test", "other-pw", "+8225559999", 0)
        .await
        .unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let demo_call = store.reserve_call_ids(1).await.unwrap().start;
    store
        .insert_call(&NewCall {
            id: demo_call,
            channel_id: route.channel_id,
            direction: "inbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+8210".into(),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: 0,
        })
        .await
        .unwrap();
    let other = cloud.token("owner@other.test", "other-pw").await;
    let peek = client
        .get(format!("{}/api/v1/calls/{demo_call}", cloud.api))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(peek.status(), 404);
    assert_eq!(
        peek.json::<ApiError>().await.unwrap().code,
        ErrorCode::NotFound
    );
    let list: ringdesk_wire::CallPage = client
        .get(format!("{}/api/v1/calls", cloud.api))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.total, 0);
    let mine = cloud.token(MINJI.0, MINJI.1).await;
    let own = client
        .get(format!("{}/api/v1/calls/{demo_call}", cloud.api))
        .bearer_auth(&mine)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[tokio::test]
async fn websocket_survives_bad_messages() {
    let cloud = Cloud::start(&[]);
    let mut ws = WsSession::connect(&cloud, MINJI).await;
    for (text, code) in [
        ("{not json", "badJson"),
        (r#"{"type":"teleport"}"#, "unknownMessage"),
        (r#"{"type":"answer","callId":"x"}"#, "invalidMessage"),
        (
            r#"{"type":"answer","callId":99,"sdpOffer":"v=0"}"#,
            "unknownCall",
        ),
        (
            r#"{"type":"setStatus","status":"inCall"}"#,
            "statusNotSettable",
        ),
        (r#"{"type":"setHold","callId":1}"#, "invalidMessage"),
        (
            r#"{"type":"transfer","callId":1,"kind":"lukewarm","managerId":2}"#,
            "invalidMessage",
        ),
        (
            r#"{"type":"transfer","callId":1,"kind":"cold","managerId":2,"teamId":1}"#,
            "invalidMessage",
        ),
        (
            r#"{"type":"transfer","callId":1,"kind":"cold"}"#,
            "invalidMessage",
        ),
        (
            r#"{"type":"invite","callId":1,"managerId":424242}"#,
            "unknownManager",
        ),
        (
            r#"{"type":"transferToQueue","callId":1,"teamId":424242}"#,
            "unknownTeam",
        ),
        (
            r#"{"type":"invite","callId":77,"managerId":2}"#,
            "unknownCall",
        ),
        (
            r#"{"type":"pickUp","callId":77,"sdpOffer":"v=0"}"#,
            "unknownCall",
        ),
        (r#"{"type":"completeTransfer","callId":77}"#, "unknownCall"),
    ] {
        ws.send_text(text).await;
        let reply = ws.next_reply().await;
        assert!(
            matches!(&reply, ServerMessage::Event(ServerEvent::Error { code: c, .. }) if c.as_str() == code),
            "{text} → {reply:?}"
        );
    }
    ws.send_text(r#"{"type":"ping"}"#).await;
    assert_eq!(
        ws.next_reply().await,
        ServerMessage::Pong,
        "session still up"
    );
    let server = cloud.server_config();
    let bad_token = server.ws_url().into_client_request().map(|mut r| {
        r.headers_mut()
            .insert("authorization", "Bearer forged".parse().unwrap());
        r
    });
    let refused = tokio_tungstenite::connect_async_tls_with_config(
        bad_token.unwrap(),
        None,
        false,
        Some(tokio_tungstenite::Connector::Rustls(
            server.rustls_config().unwrap(),
        )),
    )
    .await;
    assert!(
        matches!(refused, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401)
    );
}

#[test]
fn a_caller_whose_media_dies_is_hung_up_with_a_bye() {
    use ringdesk_tests::AgentProc;
    use ringdesk_tests::peers::call_in_background;
    use ringdesk_wire::AgentEvent;

    let cloud = Cloud::start(&["--rtp-timeout-secs", "2"]);
    let mut agent = AgentProc::start(&cloud, MINJI, &["--wav", "--auto-answer-ms", "0"]);
    let caller = call_in_background("uac_silent.xml", &[], cloud.sip, Duration::from_secs(30));
    let (answered, _) = agent.wait_for("media", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::MediaConnected { .. })
    });
    let (ended_at, ended) = agent.wait_for("end", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    assert!(
        matches!(&ended, AgentEvent::Server(ServerEvent::CallEnded { cause, .. }) if *cause == EndCause::Call(HangupCause::CustomerLegFailed)),
        "{ended:?}"
    );
    assert!(
        ended_at - answered >= Duration::from_millis(1_500),
        "ended after {:?}",
        ended_at - answered
    );
    let run = caller.join().unwrap();
    assert!(
        run.success,
        "the silent caller should get our BYE:\n{}",
        run.log
    );
}
