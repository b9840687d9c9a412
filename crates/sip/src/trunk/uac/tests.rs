//! Placed-call scenarios against a hand-played carrier, on a virtual clock.

use super::*;
use crate::digest::Credentials;

const CARRIER: &str = "127.0.0.1:5070";
const ANSWER_SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6100 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

fn engine(credentials: Option<(&str, &str)>) -> TrunkEngine {
    TrunkEngine::new(
        TrunkConfig {
            realm: "ringdesk".into(),
            advertised: "127.0.0.1:5060".parse().unwrap(),
            peers: Vec::new(),
            user_agent: "ringdesk-test".into(),
            outbound: Some(OutboundRoute {
                target: CARRIER.parse().unwrap(),
                domain: "carrier.example".into(),
                credentials: credentials.map(|(u, p)| (u.to_string(), p.to_string())),
            }),
        },
        11,
    )
}

fn carrier() -> Remote {
    Remote {
        transport: Transport::Udp,
        addr: CARRIER.parse().unwrap(),
    }
}

const CALL: SipCall = SipCall(1 << 48);

fn dial(e: &mut TrunkEngine, now: Instant) -> SipMessage {
    e.dial(
        now,
        CALL,
        DialRequest {
            to: "+821012345678".into(),
            caller_id: "+827076660100".into(),
            sdp: crate::sdp::offer("127.0.0.1:7000".parse().unwrap(), 1),
        },
    );
    let sent = sent(e);
    assert_eq!(sent.len(), 1, "one INVITE");
    sent.into_iter().next().unwrap()
}

/// Everything transmitted since the last call, parsed; events are dropped (see `events`).
fn sent(e: &mut TrunkEngine) -> Vec<SipMessage> {
    drain(e).0
}

fn drain(e: &mut TrunkEngine) -> (Vec<SipMessage>, Vec<TrunkEvent>) {
    let (mut msgs, mut events) = (Vec::new(), Vec::new());
    while let Some(o) = e.poll_output() {
        match o {
            TrunkOutput::Transmit { to, bytes } => {
                assert_eq!(to, carrier(), "everything goes to the carrier");
                msgs.push(SipMessage::parse(&bytes).expect("we send valid SIP"));
            }
            TrunkOutput::Event(ev) => events.push(ev),
        }
    }
    (msgs, events)
}

/// The carrier's response to `req`, with a To tag once past 100.
fn respond(req: &SipMessage, code: u16, reason: &str, extra: &str, body: &str) -> Vec<u8> {
    let to = req.header("to").unwrap();
    let to = if code > 100 {
        format!("{to};tag=far1")
    } else {
        to.to_string()
    };
    let ctype = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "SIP/2.0 {code} {reason}\r\nVia: {}\r\nFrom: {}\r\nTo: {to}\r\nCall-ID: {}\r\nCSeq: {}\r\n{extra}{ctype}Content-Length: {}\r\n\r\n{body}",
        req.header("via").unwrap(),
        req.header("from").unwrap(),
        req.call_id().unwrap(),
        req.header("cseq").unwrap(),
        body.len()
    )
    .into_bytes()
}

/// The far end's 200 OK with its Contact and our SDP's answer.
fn answer_from_far_end(invite: &SipMessage) -> Vec<u8> {
    let contact = "Contact: <sip:far@127.0.0.1:5071>\r\n";
    respond(invite, 200, "OK", contact, ANSWER_SDP)
}

fn start_line(m: &SipMessage) -> String {
    match &m.start {
        StartLine::Request { method, uri } => format!("{method} {uri}"),
        StartLine::Response { code, reason } => format!("{code} {reason}"),
    }
}

#[test]
fn answers_the_challenge_rings_and_connects() {
    let mut e = engine(Some(("ringdesk", "s3cret")));
    let now = Instant::now();
    let invite = dial(&mut e, now);
    assert_eq!(
        start_line(&invite),
        "INVITE sip:+821012345678@carrier.example"
    );
    assert!(
        invite
            .header("from")
            .unwrap()
            .starts_with("<sip:+827076660100@"),
        "caller-ID in From"
    );
    assert_eq!(
        invite.header("p-asserted-identity"),
        Some("<sip:+827076660100@127.0.0.1:5060>")
    );
    let challenge = "WWW-Authenticate: Digest realm=\"carrier\", nonce=\"n0nce\", qop=\"auth\"\r\n";
    e.handle_message(
        now,
        carrier(),
        &respond(&invite, 401, "Unauthorized", challenge, ""),
    );
    let out = sent(&mut e);
    assert_eq!(
        out.iter().map(start_line).collect::<Vec<_>>(),
        [
            "ACK sip:+821012345678@carrier.example",
            "INVITE sip:+821012345678@carrier.example"
        ]
    );
    assert_eq!(
        out[0].top_via_branch(),
        invite.top_via_branch(),
        "ACK of a 401 is hop-by-hop"
    );
    let authed = &out[1];
    assert_eq!(authed.cseq(), Some((2, "INVITE")));
    assert_ne!(
        authed.top_via_branch(),
        invite.top_via_branch(),
        "a new transaction"
    );
    let creds = Credentials::parse(authed.header("authorization").unwrap()).unwrap();
    assert!(
        creds.verify("INVITE", "s3cret"),
        "the carrier can verify our answer"
    );

    e.handle_message(now, carrier(), &respond(authed, 100, "Trying", "", ""));
    e.handle_message(now, carrier(), &respond(authed, 180, "Ringing", "", ""));
    let (msgs, events) = drain(&mut e);
    assert!(msgs.is_empty());
    assert_eq!(
        events,
        [TrunkEvent::Progress {
            call: CALL,
            early_media: None
        }]
    );
    e.handle_message(
        now,
        carrier(),
        &respond(authed, 183, "Session Progress", "", ANSWER_SDP),
    );
    let (_, events) = drain(&mut e);
    let TrunkEvent::Progress {
        early_media: Some(early),
        ..
    } = &events[0]
    else {
        panic!("early media reported: {events:?}");
    };
    assert_eq!(early.remote_rtp, "127.0.0.1:6100".parse().unwrap());

    let ok = respond(
        authed,
        200,
        "OK",
        "Contact: <sip:far@127.0.0.1:5071>\r\nRecord-Route: <sip:proxy1;lr>\r\nRecord-Route: <sip:proxy2;lr>\r\n",
        ANSWER_SDP,
    );
    e.handle_message(now, carrier(), &ok);
    let (msgs, events) = drain(&mut e);
    assert_eq!(
        msgs.iter().map(start_line).collect::<Vec<_>>(),
        ["ACK sip:far@127.0.0.1:5071"]
    );
    let routes: Vec<&str> = msgs[0].header_all("route").collect();
    assert_eq!(
        routes,
        ["<sip:proxy2;lr>", "<sip:proxy1;lr>"],
        "route set reversed"
    );
    assert!(msgs[0].header("to").unwrap().ends_with(";tag=far1"));
    let TrunkEvent::Answered { media, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(media.codec, crate::sdp::G711::Pcma);
    // A retransmitted 200 gets the same ACK again.
    e.handle_message(now, carrier(), &ok);
    assert_eq!(
        sent(&mut e).iter().map(start_line).collect::<Vec<_>>(),
        ["ACK sip:far@127.0.0.1:5071"]
    );

    // The far end hangs up.
    let bye = format!(
        "BYE sip:ringdesk@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP {CARRIER};branch=z9hG4bKbye\r\nFrom: {};tag=far1\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
        invite.header("to").unwrap(),
        invite.header("from").unwrap(),
        invite.call_id().unwrap()
    );
    e.handle_message(now, carrier(), bye.as_bytes());
    let (msgs, events) = drain(&mut e);
    assert_eq!(msgs.iter().map(start_line).collect::<Vec<_>>(), ["200 OK"]);
    assert_eq!(events, [TrunkEvent::HungUp { call: CALL }]);
    e.handle_timeout(now + LINGER);
    assert_eq!(e.dialog_count(), 0, "the dialog is gone after lingering");
}

#[test]
fn busy_and_refused_credentials_are_reported_with_their_code() {
    let mut e = engine(None);
    let now = Instant::now();
    let invite = dial(&mut e, now);
    e.handle_message(now, carrier(), &respond(&invite, 486, "Busy Here", "", ""));
    let (msgs, events) = drain(&mut e);
    assert_eq!(
        msgs.iter().map(start_line).collect::<Vec<_>>(),
        ["ACK sip:+821012345678@carrier.example"]
    );
    assert_eq!(
        events,
        [TrunkEvent::Rejected {
            call: CALL,
            code: 486,
            reason: "Busy Here".into()
        }]
    );

    let mut e = engine(Some(("ringdesk", "wrong")));
    let invite = dial(&mut e, now);
    let challenge = "WWW-Authenticate: Digest realm=\"carrier\", nonce=\"n1\"\r\n";
    e.handle_message(
        now,
        carrier(),
        &respond(&invite, 401, "Unauthorized", challenge, ""),
    );
    let authed = sent(&mut e).pop().unwrap();
    e.handle_message(
        now,
        carrier(),
        &respond(&authed, 401, "Unauthorized", challenge, ""),
    );
    let (msgs, events) = drain(&mut e);
    assert_eq!(msgs.len(), 1, "only the ACK; no third INVITE");
    assert_eq!(
        events,
        [TrunkEvent::Rejected {
            call: CALL,
            code: 401,
            reason: "the trunk refused our credentials".into()
        }]
    );

    let mut e = engine(None);
    let invite = dial(&mut e, now);
    e.handle_message(
        now,
        carrier(),
        &respond(
            &invite,
            407,
            "Proxy Authentication Required",
            "Proxy-Authenticate: Digest realm=\"c\", nonce=\"n\"\r\n",
            "",
        ),
    );
    let (_, events) = drain(&mut e);
    assert_eq!(
        events,
        [TrunkEvent::Rejected {
            call: CALL,
            code: 407,
            reason: "Proxy Authentication Required (no credentials for the trunk's challenge)"
                .into()
        }]
    );
}

#[test]
fn a_silent_trunk_times_out_after_retransmissions() {
    let mut e = engine(None);
    let start = Instant::now();
    dial(&mut e, start);
    let mut resent = Vec::new();
    let mut events = Vec::new();
    while let Some(t) = e.poll_timeout().filter(|t| *t <= start + 64 * T1) {
        e.handle_timeout(t);
        let (m, ev) = drain(&mut e);
        resent.extend(m.iter().map(|_| (t - start).as_millis()));
        events.extend(ev);
    }
    // Timer A: 0.5, 1, 2, 4, 8, 16 s apart.
    assert_eq!(resent, [500, 1500, 3500, 7500, 15500, 31500]);
    assert_eq!(
        events,
        [TrunkEvent::Rejected {
            call: CALL,
            code: 408,
            reason: "Request Timeout (no response from the trunk)".into()
        }]
    );
}

#[test]
fn hanging_up_while_it_rings_cancels() {
    let mut e = engine(None);
    let now = Instant::now();
    let invite = dial(&mut e, now);
    // Before any response, CANCEL must wait (RFC 3261 §9.1).
    e.hang_up(now, CALL);
    assert!(sent(&mut e).is_empty());
    e.handle_message(now, carrier(), &respond(&invite, 180, "Ringing", "", ""));
    let (msgs, events) = drain(&mut e);
    assert!(
        events.is_empty(),
        "no progress is reported for a call being cancelled"
    );
    assert_eq!(
        msgs.iter().map(start_line).collect::<Vec<_>>(),
        ["CANCEL sip:+821012345678@carrier.example"]
    );
    let cancel = &msgs[0];
    assert_eq!(cancel.top_via_branch(), invite.top_via_branch());
    assert_eq!(cancel.cseq(), Some((1, "CANCEL")));
    e.handle_message(now, carrier(), &respond(cancel, 200, "OK", "", ""));
    e.handle_message(
        now,
        carrier(),
        &respond(&invite, 487, "Request Terminated", "", ""),
    );
    let (msgs, _) = drain(&mut e);
    assert_eq!(
        msgs.iter().map(start_line).collect::<Vec<_>>(),
        ["ACK sip:+821012345678@carrier.example"]
    );
    // Nothing left to retransmit; the call lingers, then goes.
    e.handle_timeout(now + LINGER);
    assert_eq!(e.dialog_count(), 0);
}

#[test]
fn an_answer_racing_our_cancel_is_acknowledged_and_hung_up() {
    let mut e = engine(None);
    let now = Instant::now();
    let invite = dial(&mut e, now);
    e.handle_message(now, carrier(), &respond(&invite, 180, "Ringing", "", ""));
    sent(&mut e);
    e.hang_up(now, CALL);
    assert_eq!(
        sent(&mut e).iter().map(start_line).collect::<Vec<_>>(),
        ["CANCEL sip:+821012345678@carrier.example"]
    );
    e.handle_message(now, carrier(), &answer_from_far_end(&invite));
    let (msgs, events) = drain(&mut e);
    assert_eq!(
        msgs.iter().map(start_line).collect::<Vec<_>>(),
        ["ACK sip:far@127.0.0.1:5071", "BYE sip:far@127.0.0.1:5071"]
    );
    assert!(
        events.is_empty(),
        "the application already let go of the call: {events:?}"
    );
    assert_eq!(msgs[1].cseq(), Some((2, "BYE")));
}

#[test]
fn answered_calls_hang_up_with_bye_and_without_a_route_nothing_is_sent() {
    let mut e = engine(None);
    let now = Instant::now();
    let invite = dial(&mut e, now);
    e.handle_message(now, carrier(), &answer_from_far_end(&invite));
    drain(&mut e);
    e.hang_up(now, CALL);
    let bye = sent(&mut e).pop().unwrap();
    assert_eq!(start_line(&bye), "BYE sip:far@127.0.0.1:5071");
    // Unanswered, the BYE is resent; its 200 stops that.
    e.handle_timeout(now + T1);
    assert_eq!(sent(&mut e).len(), 1);
    e.handle_message(now + T1, carrier(), &respond(&bye, 200, "OK", "", ""));
    e.handle_timeout(now + 2 * T1);
    assert!(sent(&mut e).is_empty());

    let mut e = TrunkEngine::new(
        TrunkConfig {
            outbound: None,
            ..engine(None).config.clone()
        },
        1,
    );
    e.dial(
        now,
        CALL,
        DialRequest {
            to: "+8210".into(),
            caller_id: "+8270".into(),
            sdp: String::new(),
        },
    );
    let (msgs, events) = drain(&mut e);
    assert!(msgs.is_empty());
    assert_eq!(
        events,
        [TrunkEvent::Rejected {
            call: CALL,
            code: 503,
            reason: "no outbound trunk is configured".into()
        }]
    );
}
