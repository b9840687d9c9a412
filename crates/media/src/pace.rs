//! Pacing a media loop by the clock: how many 20 ms frames are due each time it wakes.
//!
//! A media loop moves one frame per 20 ms: microphone to encoder, decoder to speaker, or a
//! room's mix to every leg. A timer that fires late (a busy machine, a slow tick) and then
//! carries on from "now" loses the frames it skipped for good: the capture queue overflows
//! and drops audio, the speaker's queue runs dry and plays zeros, and every far end hears
//! fewer packets than time passed — a click or a gap each time. Tokio's `Interval` with
//! `MissedTickBehavior::Delay` did exactly that in the agent's media loop. [`FrameClock`] says
//! how many frames are due instead, so a late wake-up makes the missed frames up at once; a
//! loop more than [`MAX_CATCH_UP`] frames behind moves on, since audio that late is already
//! gone from the device queues (200 ms) and a burst of it would only add delay.
//!
//! The cloud's rooms do not use it, on purpose: paced this way, 200 rooms on two saturated
//! cores slowed call setup until a queue test's queue never filled; there a shed frame is the
//! lesser harm.

use std::time::{Duration, Instant};

use crate::FRAME_MS;

/// One frame's length.
pub const FRAME: Duration = Duration::from_millis(FRAME_MS as u64);
/// At most this many frames are made up at one wake-up (200 ms, what the audio queues hold).
pub const MAX_CATCH_UP: u32 = 10;

/// When the next frame is due, and how many are due at a given moment.
#[derive(Debug, Clone, Copy)]
pub struct FrameClock {
    next: Instant,
}

impl FrameClock {
    /// A clock whose first frame is due at `start`.
    pub fn new(start: Instant) -> Self {
        FrameClock { next: start }
    }

    /// When the loop should wake next.
    pub fn next_due(&self) -> Instant {
        self.next
    }

    /// The frames due by `now` (0 when woken early), from then on counted as done. More than
    /// [`MAX_CATCH_UP`] behind, it gives that many and starts afresh from `now`.
    pub fn due(&mut self, now: Instant) -> u32 {
        if now < self.next {
            return 0;
        }
        let behind = (now - self.next).as_micros() / FRAME.as_micros() + 1;
        match u32::try_from(behind) {
            Ok(frames) if frames <= MAX_CATCH_UP => {
                self.next += FRAME * frames;
                frames
            }
            _ => {
                self.next = now + FRAME;
                MAX_CATCH_UP
            }
        }
    }
}

#[cfg(test)]
// A test picks an origin instant for its virtual clock; the code under test never reads it.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn on_time_wake_ups_get_one_frame_each_and_early_ones_none() {
        let t0 = Instant::now();
        let mut clock = FrameClock::new(t0);
        assert_eq!(clock.due(t0), 1);
        assert_eq!(clock.next_due(), t0 + ms(20));
        assert_eq!(clock.due(t0 + ms(19)), 0, "woken early");
        assert_eq!(
            clock.due(t0 + ms(21)),
            1,
            "a little late is still one frame"
        );
        assert_eq!(clock.next_due(), t0 + ms(40), "and keeps the schedule");
    }

    #[test]
    fn a_late_wake_up_makes_the_missed_frames_up_so_a_second_still_has_fifty() {
        let t0 = Instant::now();
        let mut clock = FrameClock::new(t0);
        let mut frames = 0;
        // Woken every 20 ms, except for a 100 ms stall in the middle of the second.
        let mut at = t0;
        while at < t0 + ms(1000) {
            frames += clock.due(at);
            at += if at == t0 + ms(400) { ms(100) } else { ms(20) };
        }
        assert_eq!(frames, 50);
        assert_eq!(clock.next_due(), t0 + ms(1000));
    }

    #[test]
    fn far_behind_it_makes_up_at_most_the_queues_worth_and_moves_on() {
        let t0 = Instant::now();
        let mut clock = FrameClock::new(t0);
        clock.due(t0);
        assert_eq!(clock.due(t0 + ms(5000)), MAX_CATCH_UP);
        assert_eq!(clock.next_due(), t0 + ms(5020));
        assert_eq!(clock.due(t0 + ms(5020)), 1);
    }
}
