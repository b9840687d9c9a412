//! When our audio carries redundancy (RFC 2198 RED): the two older frames ride along in each
//! packet, so a burst of up to two lost packets is rebuilt from the next one that arrives (and
//! a third from Opus's own in-band FEC inside them). That triples the audio's bit rate, so it is
//! sent only while the far end reports loss — its RTCP receiver reports, read once a second —
//! and stops after a quiet spell.
//!
//! Pure: time comes in as arguments.

use std::time::{Duration, Instant};

/// How many packets back each redundant block is: the previous one and the one before.
pub const RED_DISTANCES: [u32; 2] = [1, 2];

/// A receiver report losing more than this share of our packets turns redundancy on. One lost
/// packet in a second (2 %) is left to Opus's in-band FEC; more than that is what bursts and
/// lossy Wi-Fi look like.
pub const LOSS_TO_PROTECT: f32 = 0.03;

/// Redundancy stays on until the far end has reported no such loss for this long: loss comes
/// and goes, and a flapping switch would leave the next burst unprotected.
pub const QUIET_BEFORE_OFF: Duration = Duration::from_secs(10);

/// The decision, fed the far end's loss reports.
#[derive(Debug, Default, Clone)]
pub struct Redundancy {
    /// When a report last showed loss worth protecting against; `None` while off.
    lossy_at: Option<Instant>,
}

impl Redundancy {
    /// Whether redundancy is on.
    pub fn on(&self) -> bool {
        self.lossy_at.is_some()
    }

    /// Takes a receiver report's loss fraction (0..=1) at `now`; returns the new setting when
    /// it changes.
    pub fn observe(&mut self, now: Instant, loss: f32) -> Option<bool> {
        let was_on = self.on();
        if loss > LOSS_TO_PROTECT {
            self.lossy_at = Some(now);
        } else if let Some(at) = self.lossy_at
            && now.saturating_duration_since(at) >= QUIET_BEFORE_OFF
        {
            self.lossy_at = None;
        }
        (self.on() != was_on).then_some(self.on())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_turns_it_on_and_a_quiet_spell_off() {
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let mut r = Redundancy::default();
        assert_eq!(r.observe(at(0), 0.0), None, "clean: off");
        assert_eq!(
            r.observe(at(1), 0.02),
            None,
            "one packet a second: FEC's job"
        );
        assert_eq!(r.observe(at(2), 0.10), Some(true));
        assert_eq!(
            r.observe(at(3), 0.0),
            None,
            "a clean second does not end it"
        );
        assert_eq!(r.observe(at(8), 0.06), None, "still lossy: stays on");
        assert_eq!(r.observe(at(17), 0.0), None, "9 s quiet: still on");
        assert_eq!(r.observe(at(18), 0.0), Some(false), "10 s quiet: off");
        assert!(!r.on());
        assert_eq!(r.observe(at(19), 0.5), Some(true), "and on again");
    }
}
