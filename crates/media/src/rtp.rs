//! RTP fixed header (RFC 3550 §5.1) parsing and writing, for the SIP trunk side.
//!
//! The WebRTC side's RTP lives inside str0m; this is the plain RTP/AVP of G.711 trunks.

use crate::MediaError;

/// A parsed RTP packet borrowing its payload from the datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    /// Marker bit: start of a talkspurt for audio, start of an event for RFC 4733.
    pub marker: bool,
    /// Payload type (7 bits).
    pub payload_type: u8,
    /// Sequence number, wraps at 2^16.
    pub sequence: u16,
    /// Media timestamp in the payload's clock rate.
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
    /// Payload after header, CSRCs, extension and with padding removed.
    pub payload: &'a [u8],
}

/// Fixed header size without CSRCs (RFC 3550 §5.1).
pub const RTP_HEADER_LEN: usize = 12;

impl<'a> RtpPacket<'a> {
    /// Parses a datagram. Never panics on any input (the fuzz target checks this).
    pub fn parse(buf: &'a [u8]) -> Result<Self, MediaError> {
        if buf.len() < RTP_HEADER_LEN {
            return Err(MediaError::Truncated("shorter than the fixed header"));
        }
        let version = buf[0] >> 6;
        if version != 2 {
            return Err(MediaError::BadVersion(version));
        }
        let padding = buf[0] & 0x20 != 0;
        let extension = buf[0] & 0x10 != 0;
        let csrc_count = usize::from(buf[0] & 0x0F);
        let mut offset = RTP_HEADER_LEN + 4 * csrc_count;
        if buf.len() < offset {
            return Err(MediaError::Truncated("csrc list"));
        }
        if extension {
            // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words.
            if buf.len() < offset + 4 {
                return Err(MediaError::Truncated("extension header"));
            }
            let words = usize::from(u16::from_be_bytes([buf[offset + 2], buf[offset + 3]]));
            offset += 4 + 4 * words;
            if buf.len() < offset {
                return Err(MediaError::Truncated("extension body"));
            }
        }
        let mut end = buf.len();
        if padding {
            // The last octet counts the padding octets, itself included.
            let pad = usize::from(buf[end - 1]);
            if pad == 0 || offset + pad > end {
                return Err(MediaError::Truncated("padding"));
            }
            end -= pad;
        }
        Ok(RtpPacket {
            marker: buf[1] & 0x80 != 0,
            payload_type: buf[1] & 0x7F,
            sequence: u16::from_be_bytes([buf[2], buf[3]]),
            timestamp: u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]),
            ssrc: u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]),
            payload: &buf[offset..end],
        })
    }

    /// Serialises with no CSRCs, extension or padding.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(0x80);
        out.push((u8::from(self.marker) << 7) | (self.payload_type & 0x7F));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.extend_from_slice(self.payload);
    }
}

/// Whether a datagram on an RTP port is RTCP (RFC 5761 §4: payload types 64–95 after masking
/// the marker bit are RTCP packet types 192–223).
pub fn is_rtcp(buf: &[u8]) -> bool {
    buf.len() >= 2 && (192..=223).contains(&buf[1])
}

/// Produces outgoing sequence numbers and timestamps for one stream.
#[derive(Debug, Clone)]
pub struct RtpSequencer {
    /// SSRC of the stream.
    pub ssrc: u32,
    next_sequence: u16,
    next_timestamp: u32,
}

impl RtpSequencer {
    /// Starts a stream; random initial values come from the caller (RFC 3550 §5.1 says they
    /// should be random), keeping this crate free of an RNG.
    pub fn new(ssrc: u32, initial_sequence: u16, initial_timestamp: u32) -> Self {
        RtpSequencer {
            ssrc,
            next_sequence: initial_sequence,
            next_timestamp: initial_timestamp,
        }
    }

    /// Takes the next sequence number and the current timestamp, then advances the timestamp by
    /// `samples` (one frame of the payload's clock).
    pub fn next(&mut self, samples: u32) -> (u16, u32) {
        let out = (self.next_sequence, self.next_timestamp);
        self.next_sequence = self.next_sequence.wrapping_add(1);
        self.next_timestamp = self.next_timestamp.wrapping_add(samples);
        out
    }

    /// Takes a sequence number without advancing the timestamp (RFC 4733 packets of one event
    /// share the event's timestamp).
    pub fn next_sequence_only(&mut self) -> u16 {
        let s = self.next_sequence;
        self.next_sequence = self.next_sequence.wrapping_add(1);
        s
    }

    /// Timestamp the next frame will carry.
    pub fn current_timestamp(&self) -> u32 {
        self.next_timestamp
    }

    /// Advances the timestamp without sending (time passed with nothing to say).
    pub fn skip(&mut self, samples: u32) {
        self.next_timestamp = self.next_timestamp.wrapping_add(samples);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_pcmu_packet() {
        let mut buf = vec![
            0x80, 0x80, 0x12, 0x34, 0, 0, 0x01, 0x40, 0xDE, 0xAD, 0xBE, 0xEF,
        ];
        buf.extend_from_slice(&[0xFF; 160]);
        let p = RtpPacket::parse(&buf).unwrap();
        assert!(p.marker);
        assert_eq!(p.payload_type, 0);
        assert_eq!(p.sequence, 0x1234);
        assert_eq!(p.timestamp, 320);
        assert_eq!(p.ssrc, 0xDEAD_BEEF);
        assert_eq!(p.payload.len(), 160);
    }

    #[test]
    fn skips_csrcs_extension_and_padding() {
        let mut buf = vec![0xB1, 0x08, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
        buf.extend_from_slice(&[0, 0, 0, 9]); // one CSRC
        buf.extend_from_slice(&[0xBE, 0xDE, 0, 1, 1, 2, 3, 4]); // extension, 1 word
        buf.extend_from_slice(&[7, 7, 7]); // payload
        buf.extend_from_slice(&[0, 0, 3]); // 3 octets of padding
        let p = RtpPacket::parse(&buf).unwrap();
        assert_eq!(p.payload_type, 8);
        assert_eq!(p.payload, &[7, 7, 7]);
    }

    #[test]
    fn rejects_bad_input_without_panicking() {
        assert_eq!(
            RtpPacket::parse(&[0x80; 5]),
            Err(MediaError::Truncated("shorter than the fixed header"))
        );
        assert_eq!(
            RtpPacket::parse(&[0x40; 12]),
            Err(MediaError::BadVersion(1))
        );
        assert!(RtpPacket::parse(&[0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(
            RtpPacket::parse(&[0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]).is_err()
        );
        assert!(RtpPacket::parse(&[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50]).is_err());
        // Every prefix of a valid packet parses or errors, never panics.
        let mut ok = vec![
            0xB1, 0x08, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 0xBE, 0xDE, 0, 1,
        ];
        ok.extend_from_slice(&[1, 2, 3, 4, 7, 0, 2]);
        for n in 0..ok.len() {
            let _ = RtpPacket::parse(&ok[..n]);
        }
    }

    #[test]
    fn write_then_parse_round_trips() {
        let p = RtpPacket {
            marker: false,
            payload_type: 101,
            sequence: 65535,
            timestamp: 7,
            ssrc: 3,
            payload: &[1, 2],
        };
        let mut out = Vec::new();
        p.write(&mut out);
        assert_eq!(RtpPacket::parse(&out).unwrap(), p);
        assert!(!is_rtcp(&out));
        assert!(is_rtcp(&[0x80, 200, 0, 6]));
    }

    #[test]
    fn sequencer_wraps() {
        let mut s = RtpSequencer::new(1, u16::MAX, u32::MAX - 100);
        assert_eq!(s.next(160), (u16::MAX, u32::MAX - 100));
        assert_eq!(s.next(160), (0, 59));
    }
}
