//! Any sequence of datagrams into the trunk engine, with time moving on and calls placed: no
//! panic, and every message it sends is itself a parseable SIP message. Responses to our own
//! requests are built from the last request we sent, with a fuzzed status line, headers and
//! body, so the placed-call paths (challenges, early media, answers, failures) are reached.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use ringdesk_sip::message::SipMessage;
use ringdesk_sip::trunk::{
    DialRequest, OutboundRoute, Remote, SipCall, Transport, TrunkConfig, TrunkEngine, TrunkEvent,
    TrunkOutput, TrunkPeer,
};

/// A response to `req` with status `code`, then whatever the fuzzer wrote (headers, body).
fn respond(req: &SipMessage, code: u16, tail: &[u8]) -> Vec<u8> {
    let mut out = format!("SIP/2.0 {code} X\r\n").into_bytes();
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        if let Some(v) = req.header(name) {
            out.extend_from_slice(format!("{name}: {v}\r\n").as_bytes());
        }
    }
    out.extend_from_slice(tail);
    out
}

fuzz_target!(|data: &[u8]| {
    let carrier = "127.0.0.1:5099".parse().unwrap();
    let config = TrunkConfig {
        realm: "ringdesk".into(),
        advertised: "127.0.0.1:5060".parse().unwrap(),
        peers: vec![TrunkPeer {
            name: "p".into(),
            addresses: vec![],
            credentials: None,
        }],
        user_agent: "fuzz".into(),
        outbound: Some(OutboundRoute {
            target: carrier,
            domain: "carrier".into(),
            credentials: Some(("u".into(), "p".into())),
        }),
    };
    let mut engine = TrunkEngine::new(config, 1);
    let mut now = Instant::now();
    let from = Remote {
        transport: Transport::Udp,
        addr: carrier,
    };
    let mut last_sent: Option<SipMessage> = None;
    let mut placed = 0u64;
    // Datagrams separated by 0xFF; a leading byte per datagram picks an action.
    for chunk in data.split(|b| *b == 0xFF) {
        let Some((&op, rest)) = chunk.split_first() else {
            continue;
        };
        match op % 6 {
            0 => engine.handle_message(now, from, rest),
            1 => now += Duration::from_millis(u64::from(op) * 40),
            2 => {
                placed += 1;
                let sdp = "v=0\r\n".into();
                let request = DialRequest {
                    to: "+8210".into(),
                    caller_id: "+8270".into(),
                    sdp,
                };
                engine.dial(now, SipCall((1 << 48) + placed), request);
            }
            3 => {
                if let (Some(req), Some((&c, tail))) = (&last_sent, rest.split_first()) {
                    let code = [100, 180, 183, 200, 401, 407, 486, 487, 503][usize::from(c) % 9];
                    engine.handle_message(now, from, &respond(req, code, tail));
                }
            }
            4 => engine.hang_up(now, SipCall((1 << 48) + placed)),
            _ => engine.handle_message(now, from, chunk),
        }
        engine.handle_timeout(now);
        while let Some(out) = engine.poll_output() {
            match out {
                TrunkOutput::Transmit { bytes, .. } => {
                    let sent = SipMessage::parse(&bytes).expect("we only send valid SIP");
                    if matches!(sent.start, ringdesk_sip::message::StartLine::Request { .. }) {
                        last_sent = Some(sent);
                    }
                }
                TrunkOutput::Event(TrunkEvent::Incoming { call, .. }) => {
                    // Answer some calls, reject others, to reach every dialog state.
                    if op % 2 == 0 {
                        engine.answer(now, call, "v=0\r\n".into());
                    } else {
                        engine.hang_up(now, call);
                    }
                }
                TrunkOutput::Event(_) => {}
            }
        }
    }
});
