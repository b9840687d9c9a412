//! G.711 µ-law (PCMU) and A-law (PCMA), ITU-T G.711 (11/88).
//!
//! Why our own: it is ~40 lines, needs no FFI, and the tables below are checked against the
//! ITU reference values in the tests.

/// Which G.711 variant a stream uses. The payload types are the static ones of RFC 3551 §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum G711Law {
    /// PCMU, payload type 0.
    Mu,
    /// PCMA, payload type 8.
    A,
}

impl G711Law {
    /// Static RTP payload type (RFC 3551 table 4).
    pub fn payload_type(self) -> u8 {
        match self {
            G711Law::Mu => 0,
            G711Law::A => 8,
        }
    }

    /// Encodes one linear sample.
    pub fn encode(self, sample: i16) -> u8 {
        match self {
            G711Law::Mu => ulaw_encode(sample),
            G711Law::A => alaw_encode(sample),
        }
    }

    /// Decodes one byte to a linear sample.
    pub fn decode(self, byte: u8) -> i16 {
        match self {
            G711Law::Mu => ulaw_decode(byte),
            G711Law::A => alaw_decode(byte),
        }
    }

    /// Encodes a frame of linear samples, appending to `out`.
    pub fn encode_frame(self, samples: &[i16], out: &mut Vec<u8>) {
        out.extend(samples.iter().map(|&s| self.encode(s)));
    }

    /// Decodes a payload, appending linear samples to `out`.
    pub fn decode_frame(self, payload: &[u8], out: &mut Vec<i16>) {
        out.extend(payload.iter().map(|&b| self.decode(b)));
    }
}

const ULAW_BIAS: i32 = 0x84;
const ULAW_CLIP: i32 = 32635;

/// µ-law encode (G.711 §3, with the usual 14-bit bias of 0x84).
pub fn ulaw_encode(sample: i16) -> u8 {
    let mut s = i32::from(sample);
    let sign = if s < 0 {
        s = -s;
        0x80
    } else {
        0
    };
    s = s.min(ULAW_CLIP) + ULAW_BIAS;
    // Exponent = position of the highest set bit above bit 7.
    let exponent = (31 - (s as u32).leading_zeros()).saturating_sub(7).min(7) as i32;
    let mantissa = (s >> (exponent + 3)) & 0x0F;
    !(sign | (exponent << 4) as u8 | mantissa as u8)
}

/// µ-law decode.
pub fn ulaw_decode(byte: u8) -> i16 {
    let b = !byte;
    let exponent = i32::from((b >> 4) & 0x07);
    let mantissa = i32::from(b & 0x0F);
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    if b & 0x80 != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

/// A-law encode (G.711 §2; even bits inverted with 0x55).
pub fn alaw_encode(sample: i16) -> u8 {
    let mut s = i32::from(sample) >> 3; // A-law works on 13-bit magnitudes.
    let sign = if s >= 0 {
        0x80
    } else {
        s = -s - 1;
        0x00
    };
    let s = s.min(0x0FFF);
    let byte = if s < 32 {
        (s >> 1) as u8
    } else {
        let exponent = (31 - (s as u32).leading_zeros()) as i32 - 4; // 1..=7
        let mantissa = (s >> exponent) & 0x0F;
        ((exponent << 4) | mantissa) as u8
    };
    (byte | sign) ^ 0x55
}

/// A-law decode.
pub fn alaw_decode(byte: u8) -> i16 {
    let b = byte ^ 0x55;
    let exponent = i32::from((b >> 4) & 0x07);
    let mantissa = i32::from(b & 0x0F);
    let magnitude = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    if b & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values from ITU-T G.711 tables (and the widely used Sun g711.c).
    #[test]
    fn ulaw_known_vectors() {
        assert_eq!(ulaw_encode(0), 0xFF);
        assert_eq!(ulaw_encode(-1), 0x7F);
        assert_eq!(ulaw_encode(i16::MAX), 0x80);
        assert_eq!(ulaw_encode(i16::MIN), 0x00);
        assert_eq!(ulaw_encode(1000), 0xCE);
        assert_eq!(ulaw_encode(-1000), 0x4E);
        assert_eq!(ulaw_decode(0xFF), 0);
        assert_eq!(ulaw_decode(0x80), 32124);
        assert_eq!(ulaw_decode(0x00), -32124);
        assert_eq!(ulaw_decode(0xCE), 988);
        assert_eq!(ulaw_decode(0x4E), -988);
    }

    #[test]
    fn alaw_known_vectors() {
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(alaw_encode(-1), 0x55);
        assert_eq!(alaw_encode(i16::MAX), 0xAA);
        assert_eq!(alaw_encode(i16::MIN), 0x2A);
        assert_eq!(alaw_encode(1000), 0xFA);
        assert_eq!(alaw_decode(0xD5), 8);
        assert_eq!(alaw_decode(0x55), -8);
        assert_eq!(alaw_decode(0xAA), 32256);
        assert_eq!(alaw_decode(0x2A), -32256);
        assert_eq!(alaw_decode(0xFA), 1008);
    }

    #[test]
    fn round_trip_error_is_within_quantisation_step() {
        for law in [G711Law::Mu, G711Law::A] {
            for s in (-32000i32..32000).step_by(7) {
                let back = i32::from(law.decode(law.encode(s as i16)));
                // Logarithmic quantiser: the step is at most 1/16 of the magnitude (+ floor).
                let allowed = s.abs() / 16 + 16;
                assert!((back - s).abs() <= allowed, "{law:?} {s} -> {back}");
            }
        }
    }

    #[test]
    fn every_code_survives_decode_encode() {
        for law in [G711Law::Mu, G711Law::A] {
            for b in 0..=255u8 {
                let again = law.encode(law.decode(b));
                // µ-law has two zeros (0x7F/0xFF); both decode to 0 and encode to 0xFF.
                if law == G711Law::Mu && b == 0x7F {
                    continue;
                }
                assert_eq!(again, b, "{law:?} code {b:#04x}");
            }
        }
    }
}
