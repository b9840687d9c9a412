//! When our audio carries redundancy (RFC 2198 RED): the two older frames ride along in each
//! packet, so a burst of up to two lost packets is rebuilt from the next one that arrives (and
//! a third from Opus's own in-band FEC inside them). That triples the audio's bit rate, so it is
//! sent only while the far end reports loss — its RTCP receiver reports, read once a second —
//! and stops after a quiet spell. A call starts with it on, until the first loss figure (about
//! three seconds: str0m averages it over two reports): before that nothing is known about the
//! link, and the call's first words (the greeting) are worth the extra bit rate a clean link
//! pays for those seconds.
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
#[derive(Debug, Clone)]
pub struct Redundancy {
    /// No report has come yet: on, since nothing is known about the link.
    before_first_report: bool,
    /// When a report last showed loss worth protecting against; `None` while off.
    lossy_at: Option<Instant>,
}

impl Default for Redundancy {
    fn default() -> Self {
        Redundancy {
            before_first_report: true,
            lossy_at: None,
        }
    }
}

impl Redundancy {
    /// Whether redundancy is on.
    pub fn on(&self) -> bool {
        self.before_first_report || self.lossy_at.is_some()
    }

    /// Takes a receiver report's loss fraction (0..=1) at `now`; returns the new setting when
    /// it changes.
    pub fn observe(&mut self, now: Instant, loss: f32) -> Option<bool> {
        let was_on = self.on();
        self.before_first_report = false;
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
        assert!(r.on(), "before any report: on");
        assert_eq!(
            r.observe(at(0), 0.0),
            Some(false),
            "a clean first report: off"
        );
        assert_eq!(r.observe(at(1), 0.0), None, "clean: stays off");
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

    #[test]
    fn a_lossy_first_report_keeps_it_on() {
        let t0 = Instant::now();
        let mut r = Redundancy::default();
        assert_eq!(r.observe(t0, 0.08), None, "on from the start, and stays");
        assert_eq!(
            r.observe(t0 + Duration::from_secs(9), 0.0),
            None,
            "the quiet spell counts from the lossy report"
        );
        assert_eq!(r.observe(t0 + QUIET_BEFORE_OFF, 0.0), Some(false));
    }
}
