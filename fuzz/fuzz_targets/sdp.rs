//! Any SDP body: parsed or refused; an accepted offer yields an answer that parses again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringdesk_sip::sdp::{answer, negotiate, parse_remote_audio};

fuzz_target!(|data: &[u8]| {
    if let Ok(remote) = parse_remote_audio(data)
        && let Ok(n) = negotiate(&remote)
    {
        let ours = answer("127.0.0.1:4000".parse().unwrap(), 1, &n);
        let again = negotiate(&parse_remote_audio(ours.as_bytes()).expect("our answer parses"))
            .expect("and negotiates");
        assert_eq!(again.codec, n.codec);
    }
});
