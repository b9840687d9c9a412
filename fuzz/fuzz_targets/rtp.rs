//! Any datagram on an RTP port: RTP parsing, RFC 4733 parsing and the G.711 receive path
//! never panic.
#![no_main]

use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use ringdesk_media::dtmf::DtmfReceiver;
use ringdesk_media::g711::G711Law;
use ringdesk_media::inbound::G711Inbound;
use ringdesk_media::rtp::{RtpPacket, is_rtcp};

fuzz_target!(|data: &[u8]| {
    let _ = is_rtcp(data);
    let mut dtmf = DtmfReceiver::default();
    let mut rx = G711Inbound::new(G711Law::Mu);
    let now = Instant::now();
    let mut frame = Vec::new();
    for chunk in data.chunks(64) {
        if let Ok(p) = RtpPacket::parse(chunk) {
            let _ = dtmf.handle_packet(p.timestamp, p.payload);
            rx.push(now, p.sequence, p.timestamp, p.payload.to_vec());
            rx.pop_frame(now, &mut frame);
        }
    }
});
