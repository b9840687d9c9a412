//! What the customer hears while the agent's microphone is dead: faint noise, not a silence
//! that sounds like a dropped line.

use super::Capture;

/// Peak of the noise: ±24 of 32,767, about −66 dBFS RMS, far below speech and just above a
/// digital silence that phones render as "the line is dead".
const PEAK: i32 = 24;

/// A microphone stand-in that captures comfort noise and never fails.
pub struct ComfortNoise {
    state: u32,
}

impl ComfortNoise {
    /// A fresh noise source.
    pub fn new() -> ComfortNoise {
        ComfortNoise { state: 0x2545_F491 }
    }
}

impl Default for ComfortNoise {
    fn default() -> Self {
        ComfortNoise::new()
    }
}

impl Capture for ComfortNoise {
    fn read(&mut self, out: &mut [i16]) {
        for sample in out {
            // xorshift32: cheap, and noise needs no better.
            self.state ^= self.state << 13;
            self.state ^= self.state >> 17;
            self.state ^= self.state << 5;
            let spread = (self.state % (2 * PEAK as u32 + 1)) as i32 - PEAK;
            *sample = spread as i16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comfort_noise_is_faint_and_never_silent() {
        let mut noise = ComfortNoise::new();
        let mut frame = vec![0_i16; 960];
        for _ in 0..50 {
            noise.read(&mut frame);
            assert!(frame.iter().all(|s| i32::from(*s).abs() <= PEAK));
            let rms = (frame.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>()
                / frame.len() as f64)
                .sqrt();
            let dbfs = 20.0 * (rms / 32_768.0).log10();
            assert!((-72.0..-60.0).contains(&dbfs), "{dbfs:.1} dBFS");
        }
        assert!(noise.failure().is_none());
    }
}
