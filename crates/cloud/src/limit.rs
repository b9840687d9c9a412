//! A per-address attempt limit for the public endpoints (the voice-meet page calls without a
//! login, like a phone number): at most `per_window` attempts from one IP address in any
//! `window`. Time comes in as `now`, so the rule is tested without waiting.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Addresses remembered before old ones are forgotten (a flood from many addresses must not
/// grow the map without bound).
const MAX_TRACKED: usize = 10_000;

/// See the module docs.
#[derive(Debug)]
pub struct AttemptLimit {
    per_window: u32,
    window: Duration,
    /// Per address: when its current window started and the attempts in it.
    seen: HashMap<IpAddr, (Instant, u32)>,
}

impl AttemptLimit {
    /// At most `per_window` attempts per address in `window`.
    pub fn new(per_window: u32, window: Duration) -> Self {
        AttemptLimit {
            per_window,
            window,
            seen: HashMap::new(),
        }
    }

    /// Counts an attempt from `ip` at `now`; false when it is one too many.
    pub fn allow(&mut self, ip: IpAddr, now: Instant) -> bool {
        if self.seen.len() >= MAX_TRACKED {
            let window = self.window;
            self.seen
                .retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = self.seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_gets_its_attempts_per_window() {
        let mut limit = AttemptLimit::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let tries: Vec<bool> = (0..4)
            .map(|i| limit.allow(a, t0 + Duration::from_secs(i)))
            .collect();
        assert_eq!(tries, [true, true, true, false]);
        assert!(
            limit.allow(b, t0 + Duration::from_secs(5)),
            "another address is not held back"
        );
        assert!(!limit.allow(a, t0 + Duration::from_secs(59)));
        assert!(
            limit.allow(a, t0 + Duration::from_secs(60)),
            "a new window starts"
        );
    }
}
