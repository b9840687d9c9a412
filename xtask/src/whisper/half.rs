//! IEEE half-precision (float16) conversions: CTranslate2 stores Whisper's weights as float16,
//! the converter works in float32 (to de-quantize and slice uniformly) and whisper.cpp wants
//! float16 again. Hand-written because the crate has no `half` dependency and needs only these.

/// float16 bits → float32, exact (every float16 value is a float32 value).
pub(super) fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x03ff);
    let bits = if exp == 0 {
        if man == 0 {
            sign
        } else {
            // A subnormal half is a normal single: shift the mantissa up to its leading 1.
            let mut e: u32 = 113; // 127 - 15 + 1
            let mut m = man;
            while m & 0x400 == 0 {
                m <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((m & 0x3ff) << 13)
        }
    } else if exp == 0x1f {
        sign | 0x7f80_0000 | (man << 13)
    } else {
        sign | ((exp + 112) << 23) | (man << 13)
    };
    f32::from_bits(bits)
}

/// float32 → float16 bits, rounding to nearest even (as numpy's `astype(float16)` does), so a
/// float16 weight read with [`f16_to_f32`] is written back unchanged.
pub(super) fn f32_to_f16(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32;
    let man = b & 0x007f_ffff;
    if exp == 0xff {
        // Infinity, or a NaN kept quiet and non-zero.
        let payload = if man != 0 {
            0x200 | (man >> 13) as u16
        } else {
            0
        };
        return sign | 0x7c00 | payload;
    }
    let e = exp - 112; // rebias 127 → 15
    if e >= 0x1f {
        return sign | 0x7c00; // too large: infinity
    }
    if e <= 0 {
        // Subnormal (or zero) in half precision.
        if e < -10 {
            return sign;
        }
        let m = man | 0x0080_0000;
        let shift = (14 - e) as u32; // 14..=24
        let mut h = m >> shift;
        let rem = m & ((1u32 << shift) - 1);
        let half = 1u32 << (shift - 1);
        if rem > half || (rem == half && h & 1 == 1) {
            h += 1; // may carry into the smallest normal: still the right encoding
        }
        return sign | h as u16;
    }
    let mut h = ((e as u32) << 10) | (man >> 13);
    let rem = man & 0x1fff;
    if rem > 0x1000 || (rem == 0x1000 && h & 1 == 1) {
        h += 1; // may carry into the exponent (up to infinity): correct
    }
    sign | h as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every float16 survives float16 → float32 → float16 (a NaN stays a NaN).
    #[test]
    fn round_trip() {
        for h in 0u16..=0xffff {
            let back = f32_to_f16(f16_to_f32(h));
            if (h >> 10) & 0x1f == 0x1f && h & 0x3ff != 0 {
                assert!(
                    back & 0x7c00 == 0x7c00 && back & 0x3ff != 0,
                    "NaN {h:#06x} → {back:#06x}"
                );
            } else {
                assert_eq!(back, h, "{h:#06x}");
            }
        }
    }

    /// Rounding: ties to even, overflow to infinity, underflow to the smallest subnormal or 0.
    #[test]
    fn rounding() {
        let cases: [(f32, u16); 6] = [
            (1.0 + 1.0 / 2048.0, 0x3c00),
            (1.0 + 3.0 / 2048.0, 0x3c02),
            (65520.0, 0x7c00),
            (5.960_464_5e-8, 0x0001),
            (2.980_232_2e-8, 0x0000),
            (-0.0, 0x8000),
        ];
        for (x, want) in cases {
            assert_eq!(f32_to_f16(x), want, "{x:e}");
        }
    }
}
