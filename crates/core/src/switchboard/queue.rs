//! Queues: who waits where, in which order, and how long the next callers are likely to wait.
//!
//! The estimate is what a caller may be told, so it comes only from what really happened: each
//! answered call leaves the time the queue's head spent at the front (from the moment it
//! reached the front, or entered, to its answer). A caller at position `p` is told about
//! `p` times the mean of those recent head times — and nothing at all while there are fewer
//! than [`MIN_SAMPLES`] of them in the last [`SAMPLE_WINDOW`].

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use crate::ids::ManagerId;

/// At most this many callers wait in one queue; the next is turned away `exceededQueue`.
pub const QUEUE_CAPACITY: usize = 200;

/// A caller waits in a queue at most this long unless the queue says less, then
/// `abandonedInQueue`.
pub const QUEUE_MAX_WAIT: Duration = Duration::from_secs(3600);

/// Answers older than this say nothing about the wait now.
pub const SAMPLE_WINDOW: Duration = Duration::from_secs(30 * 60);

/// Fewer recent answers than this give no estimate.
pub const MIN_SAMPLES: usize = 3;

/// At most this many recent answers are averaged.
const MAX_SAMPLES: usize = 20;

/// A queue a call waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueueId {
    /// A team's queue: its managers are rung in turn, round and round.
    Team(i64),
    /// One manager's own queue: the call waits for them alone, and a ring they let pass ends
    /// it `ringTimeOver`.
    Manager(ManagerId),
}

impl QueueId {
    /// Whether a call waiting here goes round the candidates again after each has been rung.
    pub(super) fn goes_round(self) -> bool {
        matches!(self, QueueId::Team(_))
    }
}

impl fmt::Display for QueueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueId::Team(t) => write!(f, "team{t}"),
            QueueId::Manager(m) => write!(f, "{m}'s queue"),
        }
    }
}

/// Where a call waits: what a caller's position announcement says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    /// The queue.
    pub queue: QueueId,
    /// 1 for the caller at the front.
    pub position: usize,
    /// Callers waiting in the queue, this one included.
    pub waiting: usize,
}

/// A queue's recent answers, for the estimated wait.
#[derive(Debug, Clone, Default)]
pub(super) struct QueueHistory {
    last_answer: Option<Instant>,
    /// (answered at, time its caller spent at the front), oldest first.
    head_times: VecDeque<(Instant, Duration)>,
}

impl QueueHistory {
    /// A caller who entered at `entered` was answered at `now`.
    pub(super) fn answered(&mut self, now: Instant, entered: Instant) {
        let at_front_since = self.last_answer.map_or(entered, |last| last.max(entered));
        self.head_times
            .push_back((now, now.saturating_duration_since(at_front_since)));
        if self.head_times.len() > MAX_SAMPLES {
            self.head_times.pop_front();
        }
        self.last_answer = Some(now);
    }

    /// The likely wait of the caller at `position`, or `None` without enough recent answers.
    pub(super) fn estimate(&self, now: Instant, position: usize) -> Option<Duration> {
        let recent: Vec<Duration> = self
            .head_times
            .iter()
            .filter(|(at, _)| now.saturating_duration_since(*at) <= SAMPLE_WINDOW)
            .map(|(_, d)| *d)
            .collect();
        if recent.len() < MIN_SAMPLES {
            return None;
        }
        let mean = recent.iter().sum::<Duration>() / recent.len() as u32;
        Some(mean * position as u32)
    }
}

#[cfg(test)]
mod tests {
    // A test picks an origin instant for its virtual clock; the code under test never reads it.
    #![allow(clippy::disallowed_methods)]

    use super::*;

    #[test]
    fn the_estimate_needs_recent_answers_and_scales_with_the_position() {
        let t0 = Instant::now();
        let mut h = QueueHistory::default();
        let s = Duration::from_secs;
        // Three callers entered together; answered at 40, 80 and 120 s: 40 s at the front each.
        h.answered(t0 + s(40), t0);
        h.answered(t0 + s(80), t0);
        assert_eq!(h.estimate(t0 + s(80), 1), None, "two answers say nothing");
        h.answered(t0 + s(120), t0);
        assert_eq!(h.estimate(t0 + s(120), 1), Some(s(40)));
        assert_eq!(h.estimate(t0 + s(120), 3), Some(s(120)));
        // A caller who entered an empty queue long after waits only from their entry.
        h.answered(t0 + s(1000), t0 + s(998));
        assert_eq!(h.estimate(t0 + s(1000), 1), Some(s(122) / 4));
        // Half an hour later the old answers say nothing any more.
        assert_eq!(h.estimate(t0 + s(120) + SAMPLE_WINDOW + s(1), 1), None);
    }
}
