//! Any bytes: the SIP parser returns a message or an error, and what it parses prints and
//! parses again to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringdesk_sip::message::{NameAddr, SipMessage, uri_user};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = SipMessage::parse(data) {
        let _ = (m.cseq(), m.call_id(), m.top_via_branch(), m.method());
        for (_, v) in &m.headers {
            if let Ok(n) = NameAddr::parse(v) {
                let _ = (n.tag(), uri_user(&n.uri));
            }
        }
        let again = SipMessage::parse(&m.to_bytes()).expect("printed messages parse");
        assert_eq!(again.start, m.start);
    }
});
