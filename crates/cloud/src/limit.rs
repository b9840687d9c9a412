//! An attempt limit: at most `per_window` attempts by one key in any `window` — per address for
//! the public endpoints (the voice-meet page calls without a login, like a phone number), per
//! manager for the network test. Time comes in as `now`, so the rule is tested without waiting.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Keys remembered before old ones are forgotten (a flood from many addresses must not grow
/// the map without bound).
const MAX_TRACKED: usize = 10_000;

/// See the module docs; `K` is who attempts (an address, a manager).
#[derive(Debug)]
pub struct AttemptLimit<K = IpAddr> {
    per_window: u32,
    window: Duration,
    /// Per key: when its current window started and the attempts in it.
    seen: HashMap<K, (Instant, u32)>,
}

impl<K: Hash + Eq> AttemptLimit<K> {
    /// At most `per_window` attempts per key in `window`.
    pub fn new(per_window: u32, window: Duration) -> Self {
        AttemptLimit {
            per_window,
            window,
            seen: HashMap::new(),
        }
    }

    /// Counts an attempt by `key` at `now`; false when it is one too many.
    pub fn allow(&mut self, key: K, now: Instant) -> bool {
        if self.seen.len() >= MAX_TRACKED {
            let window = self.window;
            self.seen
                .retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = self.seen.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_window
    }
}

/// The address an attempt comes from. Behind a reverse proxy every visitor would share the
/// proxy's address (and its limit), so when `peer` is one of the `trusted` proxies the
/// address is taken from `X-Forwarded-For`: the rightmost entry that is not itself a trusted
/// proxy, as each proxy appends the address it saw. Entries left of that can be written by
/// the client and are never believed; a list that does not parse leaves the proxy's address.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(list) = forwarded_for else {
        return peer;
    };
    let mut nearest = peer;
    for entry in list.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => nearest = ip,
            Ok(ip) => return ip,
            Err(_) => return nearest,
        }
    }
    nearest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_visitor_address_is_believed_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Straight from the visitor: a forwarded header is theirs to forge.
        assert_eq!(
            client_ip(ip("198.51.100.7"), Some("203.0.113.9"), &trusted),
            ip("198.51.100.7")
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            client_ip(proxy, Some("203.0.113.9"), &trusted),
            ip("203.0.113.9")
        );
        // A forged entry left of the proxy's is skipped; a second trusted hop is walked past.
        assert_eq!(
            client_ip(proxy, Some("1.2.3.4, 203.0.113.9, 10.0.0.3"), &trusted),
            ip("203.0.113.9")
        );
        // No header, garbage, or only proxies: the nearest hop we know.
        assert_eq!(client_ip(proxy, None, &trusted), proxy);
        assert_eq!(
            client_ip(proxy, Some("unknown, 10.0.0.3"), &trusted),
            ip("10.0.0.3")
        );
        assert_eq!(
            client_ip(proxy, Some(" 2001:db8::5 "), &trusted),
            ip("2001:db8::5")
        );
        // Nothing trusted (the default): the peer, always.
        assert_eq!(client_ip(proxy, Some("203.0.113.9"), &[]), proxy);
    }

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
