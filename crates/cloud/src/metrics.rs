//! Counters and latency figures, served as Prometheus text at `/metrics`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Shared, cheap to clone. A `Mutex` is fine: it is touched once per call, never per packet.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    ring_latency_us: VecDeque<u64>,
}

const KEEP: usize = 10_000;

impl Metrics {
    /// Records INVITE-received → first ring sent.
    pub fn record_ring_latency(&self, d: Duration) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if g.ring_latency_us.len() >= KEEP {
            g.ring_latency_us.pop_front();
        }
        g.ring_latency_us.push_back(d.as_micros() as u64);
    }

    /// Prometheus exposition text.
    pub fn render(&self) -> String {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut sorted: Vec<u64> = g.ring_latency_us.iter().copied().collect();
        sorted.sort_unstable();
        let q = |p: f64| -> f64 {
            if sorted.is_empty() {
                return 0.0;
            }
            let i = ((sorted.len() - 1) as f64 * p).round() as usize;
            sorted[i] as f64 / 1e6
        };
        format!(
            "# HELP ringdesk_ring_latency_seconds INVITE received to first ring event sent.\n\
             # TYPE ringdesk_ring_latency_seconds summary\n\
             ringdesk_ring_latency_seconds{{quantile=\"0.5\"}} {}\n\
             ringdesk_ring_latency_seconds{{quantile=\"0.99\"}} {}\n\
             ringdesk_ring_latency_seconds_count {}\n",
            q(0.5),
            q(0.99),
            sorted.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_quantiles() {
        let m = Metrics::default();
        for ms in 1..=100 {
            m.record_ring_latency(Duration::from_millis(ms));
        }
        let text = m.render();
        assert!(text.contains("quantile=\"0.5\"} 0.05"), "{text}");
        assert!(text.contains("_count 100"), "{text}");
    }
}
