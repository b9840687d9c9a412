//! Any sequence of datagrams into the trunk engine, with time moving on: no panic, and every
//! response it sends is itself a parseable SIP message.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use ringdesk_sip::message::SipMessage;
use ringdesk_sip::trunk::{Remote, Transport, TrunkConfig, TrunkEngine, TrunkEvent, TrunkOutput, TrunkPeer};

fuzz_target!(|data: &[u8]| {
    let config = TrunkConfig {
        realm: "ringdesk".into(),
        advertised: "127.0.0.1:5060".parse().unwrap(),
        peers: vec![TrunkPeer { name: "p".into(), addresses: vec![], credentials: None }],
        user_agent: "fuzz".into(),
        outbound: None,
    };
    let mut engine = TrunkEngine::new(config, 1);
    let mut now = Instant::now();
    let from = Remote { transport: Transport::Udp, addr: "127.0.0.1:5099".parse().unwrap() };
    // Datagrams separated by a 0xFF 0x00 marker; a leading byte per datagram picks an action.
    for chunk in data.split(|b| *b == 0xFF) {
        let Some((&op, rest)) = chunk.split_first() else { continue };
        match op % 4 {
            0 => engine.handle_message(now, from, rest),
            1 => now += Duration::from_millis(u64::from(op) * 40),
            _ => engine.handle_message(now, from, chunk),
        }
        engine.handle_timeout(now);
        while let Some(out) = engine.poll_output() {
            match out {
                TrunkOutput::Transmit { bytes, .. } => {
                    SipMessage::parse(&bytes).expect("we only send valid SIP");
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
