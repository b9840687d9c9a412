//! DTMF as RFC 4733 telephone-events: parse, de-duplicate into digits, and generate.

use crate::MediaError;

/// The event codes 0–15 of RFC 4733 §3.2 as their keypad characters.
const DIGITS: &[u8; 16] = b"0123456789*#ABCD";

/// Maps an event code to its digit, if it is a DTMF event.
pub fn event_to_digit(event: u8) -> Option<char> {
    DIGITS.get(usize::from(event)).map(|&b| b as char)
}

/// Maps a digit to its event code.
pub fn digit_to_event(digit: char) -> Option<u8> {
    let d = digit.to_ascii_uppercase() as u8;
    DIGITS.iter().position(|&b| b == d).map(|p| p as u8)
}

/// One RFC 4733 §2.3 payload: event, end bit, volume, duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// Event code (0–15 for DTMF).
    pub event: u8,
    /// E bit: this packet ends the event.
    pub end: bool,
    /// Volume in -dBm0 (0–63).
    pub volume: u8,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl TelephoneEvent {
    /// Parses the 4-octet payload.
    pub fn parse(payload: &[u8]) -> Result<Self, MediaError> {
        if payload.len() < 4 {
            return Err(MediaError::BadEvent("shorter than 4 octets"));
        }
        Ok(TelephoneEvent {
            event: payload[0],
            end: payload[1] & 0x80 != 0,
            volume: payload[1] & 0x3F,
            duration: u16::from_be_bytes([payload[2], payload[3]]),
        })
    }

    /// Serialises the 4-octet payload.
    pub fn to_bytes(self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        [
            self.event,
            (u8::from(self.end) << 7) | (self.volume & 0x3F),
            d[0],
            d[1],
        ]
    }
}

/// Turns a stream of telephone-event packets into digits, once per event.
///
/// RFC 4733 §2.5.1: all packets of one event share its RTP timestamp, and the end packet is
/// sent three times. We report a digit on the first packet of a new (timestamp, event) pair,
/// so a lost start packet still yields the digit from a later update or end packet.
#[derive(Debug, Default)]
pub struct DtmfReceiver {
    last: Option<(u32, u8)>,
}

impl DtmfReceiver {
    /// Feeds one packet's timestamp and payload; returns a digit when a new event starts.
    pub fn handle_packet(
        &mut self,
        timestamp: u32,
        payload: &[u8],
    ) -> Result<Option<char>, MediaError> {
        let ev = TelephoneEvent::parse(payload)?;
        let key = (timestamp, ev.event);
        if self.last == Some(key) {
            return Ok(None);
        }
        self.last = Some(key);
        Ok(event_to_digit(ev.event))
    }
}

/// The packets of one digit, as (marker, duration-so-far, payload) in send order, one per
/// 20 ms frame, for a tone of `duration_samples` at the stream's clock rate; the end packet is
/// repeated three times (RFC 4733 §2.5.1.4).
pub fn digit_packets(
    digit: char,
    duration_samples: u16,
    frame_samples: u16,
) -> Option<Vec<(bool, [u8; 4])>> {
    let event = digit_to_event(digit)?;
    let mut out = Vec::new();
    let mut elapsed = frame_samples;
    while elapsed < duration_samples {
        let ev = TelephoneEvent {
            event,
            end: false,
            volume: 10,
            duration: elapsed,
        };
        out.push((out.is_empty(), ev.to_bytes()));
        elapsed = elapsed.saturating_add(frame_samples);
    }
    let end = TelephoneEvent {
        event,
        end: true,
        volume: 10,
        duration: duration_samples,
    };
    for _ in 0..3 {
        out.push((out.is_empty(), end.to_bytes()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc4733_payload() {
        // Digit 1, end bit, volume 10, duration 800 — as sent by sipp's dtmf_2833_1.pcap.
        let ev = TelephoneEvent::parse(&[1, 0x8A, 0x03, 0x20]).unwrap();
        assert_eq!(
            ev,
            TelephoneEvent {
                event: 1,
                end: true,
                volume: 10,
                duration: 800
            }
        );
        assert_eq!(ev.to_bytes(), [1, 0x8A, 0x03, 0x20]);
        assert!(TelephoneEvent::parse(&[1, 2]).is_err());
    }

    #[test]
    fn one_digit_per_event_despite_repeats() {
        let mut rx = DtmfReceiver::default();
        let packets = digit_packets('1', 800, 160).unwrap();
        let digits: Vec<char> = packets
            .iter()
            .filter_map(|(_, p)| rx.handle_packet(1000, p).unwrap())
            .collect();
        assert_eq!(digits, vec!['1']);
        // The same digit again is a new event with a new timestamp.
        assert_eq!(rx.handle_packet(2000, &packets[0].1).unwrap(), Some('1'));
        assert_eq!(
            rx.handle_packet(2000, &[16, 0, 0, 160]).unwrap(),
            None,
            "event 16 is not DTMF"
        );
    }

    #[test]
    fn generated_packets_follow_rfc4733() {
        let p = digit_packets('#', 800, 160).unwrap();
        assert_eq!(p.len(), 4 + 3);
        assert!(p[0].0, "first packet carries the marker");
        assert!(p[1..].iter().all(|(m, _)| !m));
        assert_eq!(TelephoneEvent::parse(&p[0].1).unwrap().event, 11);
        assert!(
            p[4..]
                .iter()
                .all(|(_, b)| TelephoneEvent::parse(b).unwrap().end)
        );
        assert!(digit_packets('x', 800, 160).is_none());
        assert_eq!(digit_to_event('d'), Some(15));
    }
}
