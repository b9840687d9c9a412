//! Engine scenarios with hand-written SIP, on a virtual clock.

use super::*;

const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn caller() -> Remote {
    Remote {
        transport: Transport::Udp,
        addr: "127.0.0.1:5099".parse().unwrap(),
    }
}

fn config(peers: Vec<TrunkPeer>) -> TrunkConfig {
    TrunkConfig {
        realm: "ringdesk".into(),
        advertised: "127.0.0.1:5060".parse().unwrap(),
        peers,
        user_agent: "ringdesk-test".into(),
        outbound: None,
    }
}

fn open_peer() -> TrunkPeer {
    TrunkPeer {
        name: "carrier".into(),
        addresses: vec!["127.0.0.1".parse().unwrap()],
        credentials: None,
    }
}

fn request(
    method: &str,
    branch: &str,
    cseq: u32,
    to_tag: Option<&str>,
    extra: &str,
    body: &str,
) -> Vec<u8> {
    let to_tag = to_tag.map(|t| format!(";tag={t}")).unwrap_or_default();
    let ctype = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "{method} sip:+827076660100@127.0.0.1:5060 SIP/2.0\r\n\
Via: SIP/2.0/UDP 127.0.0.1:5099;branch={branch}\r\n\
From: \"Kim\" <sip:01012345678@127.0.0.1:5099>;tag=caller1\r\n\
To: <sip:+827076660100@127.0.0.1>{to_tag}\r\n\
Call-ID: abc@127.0.0.1\r\n\
CSeq: {cseq} {method}\r\n\
Contact: <sip:01012345678@127.0.0.1:5099>\r\n\
Max-Forwards: 70\r\n{extra}{ctype}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

struct Harness {
    engine: TrunkEngine,
    now: Instant,
}

impl Harness {
    fn new(peers: Vec<TrunkPeer>) -> Self {
        Harness {
            engine: TrunkEngine::new(config(peers), 7),
            now: Instant::now(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Vec<TrunkOutput> {
        self.engine.handle_message(self.now, caller(), bytes);
        self.drain()
    }

    fn drain(&mut self) -> Vec<TrunkOutput> {
        std::iter::from_fn(|| self.engine.poll_output()).collect()
    }

    fn advance(&mut self, d: Duration) -> Vec<TrunkOutput> {
        let end = self.now + d;
        let mut out = Vec::new();
        while let Some(t) = self.engine.poll_timeout().filter(|t| *t <= end) {
            self.now = t;
            self.engine.handle_timeout(t);
            out.extend(self.drain());
        }
        self.now = end;
        out
    }
}

/// Status lines of transmitted responses, and events, as short strings.
fn summary(out: &[TrunkOutput]) -> Vec<String> {
    out.iter()
        .map(|o| match o {
            TrunkOutput::Transmit { bytes, .. } => {
                let text = String::from_utf8_lossy(bytes);
                text.lines().next().unwrap_or_default().to_string()
            }
            TrunkOutput::Event(e) => match e {
                TrunkEvent::Incoming { dialled, caller, caller_name, media, peer, .. } => format!(
                    "event incoming {dialled} from {caller:?} {caller_name:?} via {peer}: {:?}/{} te={:?}",
                    media.codec, media.codec_pt, media.telephone_event_pt
                ),
                other => format!("event {other:?}"),
            },
        })
        .collect()
}

fn incoming_call(out: &[TrunkOutput]) -> SipCall {
    out.iter()
        .find_map(|o| match o {
            TrunkOutput::Event(TrunkEvent::Incoming { call, .. }) => Some(*call),
            _ => None,
        })
        .expect("an Incoming event")
}

#[test]
fn answered_call_lifecycle() {
    let mut h = Harness::new(vec![open_peer()]);
    let out = h.feed(&request("INVITE", "z9hG4bK1", 1, None, "", OFFER));
    assert_eq!(
        summary(&out),
        [
            "SIP/2.0 100 Trying",
            "event incoming +827076660100 from Some(\"01012345678\") Some(\"Kim\") via carrier: Pcmu/0 te=Some(101)"
        ]
    );
    let call = incoming_call(&out);
    h.engine.progress(call, Some("v=0\r\n".into()));
    let out = h.drain();
    assert_eq!(summary(&out), ["SIP/2.0 183 Session Progress"]);
    // A retransmitted INVITE gets the 183 again.
    assert_eq!(
        summary(&h.feed(&request("INVITE", "z9hG4bK1", 1, None, "", OFFER))),
        ["SIP/2.0 183 Session Progress"]
    );
    h.engine.answer(h.now, call, "v=0\r\n".into());
    let ok = h.drain();
    assert_eq!(summary(&ok), ["SIP/2.0 200 OK"]);
    let TrunkOutput::Transmit { bytes, .. } = &ok[0] else {
        panic!()
    };
    let ok_msg = SipMessage::parse(bytes).unwrap();
    let to_tag = NameAddr::parse(ok_msg.header("to").unwrap())
        .unwrap()
        .tag()
        .unwrap()
        .to_string();
    // No ACK yet: 200 is retransmitted at T1, then 2·T1.
    assert_eq!(
        summary(&h.advance(Duration::from_millis(1600))),
        ["SIP/2.0 200 OK", "SIP/2.0 200 OK"]
    );
    assert_eq!(
        summary(&h.feed(&request("ACK", "z9hG4bK2", 1, Some(&to_tag), "", ""))),
        ["event Confirmed { call: SipCall(1) }"]
    );
    assert!(
        h.advance(Duration::from_secs(5)).is_empty(),
        "ACK stops retransmission"
    );
    assert_eq!(
        summary(&h.feed(&request("BYE", "z9hG4bK3", 2, Some(&to_tag), "", ""))),
        ["SIP/2.0 200 OK", "event HungUp { call: SipCall(1) }"]
    );
    h.advance(Duration::from_secs(40));
    assert_eq!(
        h.engine.dialog_count(),
        0,
        "dialog forgotten after lingering"
    );
}

#[test]
fn our_hangup_sends_a_well_formed_bye_and_retransmits_until_answered() {
    let mut h = Harness::new(vec![open_peer()]);
    let call = incoming_call(&h.feed(&request(
        "INVITE",
        "z9hG4bK1",
        1,
        None,
        "Record-Route: <sip:proxy.example;lr>\r\n",
        OFFER,
    )));
    h.engine.answer(h.now, call, "v=0\r\n".into());
    let ok = h.drain();
    let TrunkOutput::Transmit { bytes, .. } = &ok[0] else {
        panic!()
    };
    let to_tag = NameAddr::parse(SipMessage::parse(bytes).unwrap().header("to").unwrap())
        .unwrap()
        .tag()
        .unwrap()
        .to_string();
    // Hanging up before the ACK waits for it (RFC 3261 §15).
    h.engine.hang_up(h.now, call);
    assert!(h.drain().is_empty());
    let out = h.feed(&request("ACK", "z9hG4bK2", 1, Some(&to_tag), "", ""));
    assert_eq!(
        summary(&out),
        [
            "event Confirmed { call: SipCall(1) }",
            "BYE sip:01012345678@127.0.0.1:5099 SIP/2.0"
        ]
    );
    let TrunkOutput::Transmit { bytes, .. } = &out[1] else {
        panic!()
    };
    let bye = SipMessage::parse(bytes).unwrap();
    assert_eq!(
        NameAddr::parse(bye.header("from").unwrap()).unwrap().tag(),
        Some(to_tag.as_str())
    );
    assert_eq!(
        NameAddr::parse(bye.header("to").unwrap()).unwrap().tag(),
        Some("caller1")
    );
    assert_eq!(bye.header("route"), Some("<sip:proxy.example;lr>"));
    assert_eq!(bye.cseq(), Some((1, "BYE")));
    assert_eq!(
        summary(&h.advance(Duration::from_millis(600))),
        ["BYE sip:01012345678@127.0.0.1:5099 SIP/2.0"]
    );
    let branch = bye.top_via_branch().unwrap();
    let response = format!(
        "SIP/2.0 200 OK\r\nVia: {}\r\nFrom: {}\r\nTo: {}\r\nCall-ID: abc@127.0.0.1\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
        bye.header("via").unwrap(),
        bye.header("from").unwrap(),
        bye.header("to").unwrap()
    );
    assert!(response.contains(branch));
    assert!(h.feed(response.as_bytes()).is_empty());
    assert!(
        h.advance(Duration::from_secs(5)).is_empty(),
        "200 stops BYE retransmission"
    );
}

#[test]
fn cancel_while_ringing() {
    let mut h = Harness::new(vec![open_peer()]);
    let call = incoming_call(&h.feed(&request("INVITE", "z9hG4bK1", 1, None, "", OFFER)));
    h.engine.progress(call, None);
    assert_eq!(summary(&h.drain()), ["SIP/2.0 180 Ringing"]);
    let out = h.feed(&request("CANCEL", "z9hG4bK1", 1, None, "", ""));
    assert_eq!(
        summary(&out),
        [
            "SIP/2.0 200 OK",
            "SIP/2.0 487 Request Terminated",
            "event Cancelled { call: SipCall(1) }"
        ]
    );
    // 487 is retransmitted until the ACK.
    assert_eq!(
        summary(&h.advance(Duration::from_millis(500))),
        ["SIP/2.0 487 Request Terminated"]
    );
    assert!(
        h.feed(&request("ACK", "z9hG4bK1", 1, Some("any"), "", ""))
            .is_empty()
    );
    assert!(h.advance(Duration::from_secs(3)).is_empty());
    assert_eq!(
        summary(&h.feed(&request("CANCEL", "z9hG4bK9", 1, None, "", ""))),
        ["SIP/2.0 481 Call/Transaction Does Not Exist"]
    );
}

#[test]
fn missing_ack_fails_the_call_with_a_bye() {
    let mut h = Harness::new(vec![open_peer()]);
    let call = incoming_call(&h.feed(&request("INVITE", "z9hG4bK1", 1, None, "", OFFER)));
    h.engine.answer(h.now, call, "v=0\r\n".into());
    h.drain();
    let out = summary(&h.advance(Duration::from_secs(33)));
    // Sent at 0.5, 1.5, 3.5, 7.5, then every T2 (4 s) until 64·T1 = 32 s.
    assert_eq!(
        out.iter().filter(|l| *l == "SIP/2.0 200 OK").count(),
        10,
        "{out:?}"
    );
    assert!(
        out.contains(
            &"event Failed { call: SipCall(1), reason: \"no ACK for 200 OK\" }".to_string()
        )
    );
    assert!(
        out.iter()
            .skip_while(|l| !l.starts_with("event Failed"))
            .nth(1)
            .unwrap()
            .starts_with("BYE ")
    );
}

#[test]
fn peers_off_the_allowlist_are_forbidden() {
    let mut h = Harness::new(vec![TrunkPeer {
        addresses: vec!["10.9.9.9".parse().unwrap()],
        ..open_peer()
    }]);
    assert_eq!(
        summary(&h.feed(&request("INVITE", "z9hG4bK1", 1, None, "", OFFER))),
        ["SIP/2.0 403 Forbidden"]
    );
    assert_eq!(
        summary(&h.feed(&request("OPTIONS", "z9hG4bK2", 1, None, "", ""))),
        ["SIP/2.0 403 Forbidden"]
    );
}

#[test]
fn digest_challenge_then_wrong_and_right_passwords() {
    let peer = TrunkPeer {
        name: "pbx".into(),
        addresses: vec![],
        credentials: Some(("trunk".into(), "s3cret".into())),
    };
    let mut h = Harness::new(vec![peer]);
    let out = h.feed(&request("INVITE", "z9hG4bK1", 1, None, "", OFFER));
    assert_eq!(summary(&out), ["SIP/2.0 401 Unauthorized"]);
    let TrunkOutput::Transmit { bytes, .. } = &out[0] else {
        panic!()
    };
    let challenge = SipMessage::parse(bytes)
        .unwrap()
        .header("www-authenticate")
        .unwrap()
        .to_string();
    let nonce = crate::message::param(&format!("x;{}", challenge.replace(", ", ";")), "nonce")
        .unwrap()
        .to_string();
    let uri = "sip:+827076660100@127.0.0.1:5060";
    let auth = |password: &str| {
        use md5::{Digest, Md5};
        let h = |s: String| hex::encode(Md5::digest(s.as_bytes()));
        let ha1 = h(format!("trunk:ringdesk:{password}"));
        let ha2 = h(format!("INVITE:{uri}"));
        let response = h(format!("{ha1}:{nonce}:{ha2}"));
        format!(
            "Authorization: Digest username=\"trunk\", realm=\"ringdesk\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\"\r\n"
        )
    };
    assert_eq!(
        summary(&h.feed(&request(
            "INVITE",
            "z9hG4bK2",
            2,
            None,
            &auth("wrong"),
            OFFER
        ))),
        ["SIP/2.0 403 Forbidden"]
    );
    let out = summary(&h.feed(&request(
        "INVITE",
        "z9hG4bK3",
        3,
        None,
        &auth("s3cret"),
        OFFER,
    )));
    assert_eq!(out[0], "SIP/2.0 100 Trying");
    assert!(out[1].contains("via pbx"), "{out:?}");
}

#[test]
fn malformed_requests_get_specific_errors() {
    let mut h = Harness::new(vec![open_peer()]);
    let g729 = OFFER.replace("RTP/AVP 0 8 101", "RTP/AVP 18");
    let cases: Vec<(Vec<u8>, Vec<&str>)> = vec![
        (b"\x00\x01garbage\xff".to_vec(), vec![]),
        (b"INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKq\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".to_vec(), vec!["SIP/2.0 400 Missing Call-ID header"]),
        (b"INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKq\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: q\r\nCSeq: 1 INVITE\r\nContent-Length: 99\r\n\r\n".to_vec(), vec!["SIP/2.0 400 Bad Request (malformed SIP: body shorter than Content-Length)"]),
        (request("INVITE", "z9hG4bKa", 1, None, "", "v=0\r\nnonsense\r\n"), vec!["SIP/2.0 400 Bad Request (malformed SDP: line is not `x=value`: nonsense)"]),
        (request("INVITE", "z9hG4bKb", 1, None, "", &g729), vec!["SIP/2.0 488 Not Acceptable Here (no common codec (we speak PCMU and PCMA))"]),
        (request("INVITE", "z9hG4bKc", 1, None, "", ""), vec!["SIP/2.0 488 Not Acceptable Here (offerless INVITE is not supported)"]),
        (request("BYE", "z9hG4bKd", 2, Some("nope"), "", ""), vec!["SIP/2.0 481 Call/Transaction Does Not Exist"]),
        (
            String::from_utf8(request("INVITE", "z9hG4bKk", 1, None, "", OFFER))
                .unwrap()
                .replace("Contact: <sip:01012345678@127.0.0.1:5099>", "Contact: <sip \0:0SIP/2.p@h>")
                .into_bytes(),
            vec!["SIP/2.0 400 Bad Contact header"],
        ),
        (request("REGISTER", "z9hG4bKe", 1, None, "", ""), vec!["SIP/2.0 405 Method Not Allowed"]),
        (request("FROB", "z9hG4bKf", 1, None, "", ""), vec!["SIP/2.0 501 Not Implemented"]),
        (request("OPTIONS", "z9hG4bKg", 1, None, "", ""), vec!["SIP/2.0 200 OK"]),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            summary(&h.feed(&bytes)),
            want,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }
    let mut mismatched = request("INVITE", "z9hG4bKh", 1, None, "", OFFER);
    let text = String::from_utf8(mismatched.clone())
        .unwrap()
        .replace("CSeq: 1 INVITE", "CSeq: 1 BYE");
    mismatched = text.into_bytes();
    assert_eq!(summary(&h.feed(&mismatched)), ["SIP/2.0 400 Bad CSeq"]);
    assert_eq!(
        h.engine.dialog_count(),
        0,
        "no bad request created a dialog"
    );
}

#[test]
fn never_panics_on_mutations_of_a_valid_invite() {
    let mut h = Harness::new(vec![open_peer()]);
    let base = request("INVITE", "z9hG4bK1", 1, None, "", OFFER);
    let mut seed = 0x2545F4914F6CDD1Du64;
    for _ in 0..3000 {
        let mut m = base.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % m.len();
            match seed % 3 {
                0 => m[i] = (seed >> 32) as u8,
                1 => m.truncate(i),
                _ => m.insert(i, b"\r\n:;<>\"@"[(seed >> 40) as usize % 8]),
            }
            if m.is_empty() {
                break;
            }
        }
        h.feed(&m);
    }
}
