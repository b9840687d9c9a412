//! Callback reminders: a manager's open callbacks are read from the cloud when the session
//! comes up and whenever the cloud says they changed (`callbacksChanged`), and each is
//! reminded once, `lead` before its time ([`AgentEvent::CallbackDue`]). Reminders already
//! given are kept in the local cache, so a restart neither repeats them nor loses those that
//! came due while the app was closed.
//!
//! [`Reminders`] decides (pure: no clock, no network); [`run`] is the task around it.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use ringdesk_wire::{AgentEvent, Callback};
use tokio::sync::mpsc;

use crate::cache::{LocalCache, unix_now_ms};
use crate::client::ServerConfig;

/// Which callbacks to remind of, and when to look again.
#[derive(Debug)]
pub struct Reminders {
    lead_ms: i64,
    /// `(callback id, due time)` already reminded: a callback moved to another time is
    /// reminded again.
    given: HashSet<(i64, i64)>,
}

/// A callback's due time in Unix ms; `None` when the cloud sent something unreadable.
fn due_ms(c: &Callback) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(&c.due_at)
        .ok()
        .map(|t| t.timestamp_millis())
}

impl Reminders {
    /// Reminds `lead` ahead; `given` were reminded before (by an earlier run).
    pub fn new(lead: Duration, given: impl IntoIterator<Item = (i64, i64)>) -> Self {
        Reminders {
            lead_ms: lead.as_millis() as i64,
            given: given.into_iter().collect(),
        }
    }

    /// The callbacks to remind of at `now_ms` — open, their reminder time come, not yet
    /// reminded — now counted as reminded, soonest first.
    pub fn due(&mut self, callbacks: &[Callback], now_ms: i64) -> Vec<(Callback, i64)> {
        let mut due: Vec<(Callback, i64)> = callbacks
            .iter()
            .filter(|c| c.done_at.is_none())
            .filter_map(|c| due_ms(c).map(|at| (c.clone(), at)))
            .filter(|(c, at)| at - self.lead_ms <= now_ms && !self.given.contains(&(c.id, *at)))
            .collect();
        due.sort_by_key(|(c, at)| (*at, c.id));
        for (c, at) in &due {
            self.given.insert((c.id, *at));
        }
        due
    }

    /// When the next reminder falls (Unix ms), if any is still to come.
    pub fn next_at(&self, callbacks: &[Callback]) -> Option<i64> {
        callbacks
            .iter()
            .filter(|c| c.done_at.is_none())
            .filter_map(|c| due_ms(c).map(|at| (c.id, at)))
            .filter(|key| !self.given.contains(key))
            .map(|(_, at)| at - self.lead_ms)
            .min()
    }
}

/// Where the reminder task keeps what it reminded of.
#[derive(Debug, Clone)]
pub struct ReminderLog {
    /// The local cache file.
    pub path: PathBuf,
    /// Whose (`email on server`).
    pub account: String,
}

/// Reads the manager's callbacks each time a token arrives on `wake` (session up, or
/// `callbacksChanged`), and emits [`AgentEvent::CallbackDue`] for each as its reminder time
/// comes. Ends when `wake` closes (the session ended).
pub async fn run(
    server: ServerConfig,
    lead: Duration,
    log: Option<ReminderLog>,
    mut wake: mpsc::UnboundedReceiver<String>,
    events: mpsc::UnboundedSender<AgentEvent>,
) {
    let cache = log.as_ref().and_then(|l| {
        LocalCache::open(&l.path, unix_now_ms())
            .map_err(|e| tracing::warn!("callback reminders without the cache: {e}"))
            .ok()
            .map(|c| (c, l.account.clone()))
    });
    let given = cache
        .as_ref()
        .and_then(|(c, account)| c.reminded_callbacks(account).ok())
        .unwrap_or_default();
    let mut reminders = Reminders::new(lead, given);
    let mut callbacks: Vec<Callback> = Vec::new();
    loop {
        let wait = reminders
            .next_at(&callbacks)
            .map(|at| Duration::from_millis((at - unix_now_ms()).max(0) as u64));
        tokio::select! {
            token = wake.recv() => {
                let Some(token) = token else { return };
                match crate::contacts::my_callbacks(&server, &token, false).await {
                    Ok(list) => callbacks = list,
                    Err(e) => tracing::warn!("reading callbacks failed: {e}"),
                }
            }
            _ = sleep_or_forever(wait) => {}
        }
        for (callback, at) in reminders.due(&callbacks, unix_now_ms()) {
            if let Some((cache, account)) = &cache
                && let Err(e) = cache.mark_callback_reminded(account, callback.id, at)
            {
                tracing::warn!("keeping a callback reminder failed: {e}");
            }
            if events.send(AgentEvent::CallbackDue { callback }).is_err() {
                return;
            }
        }
    }
}

async fn sleep_or_forever(wait: Option<Duration>) {
    match wait {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringdesk_wire::ManagerRef;

    const T0: i64 = 1_795_000_000_000;

    fn callback(id: i64, due_ms: i64, done: bool) -> Callback {
        let me = ManagerRef {
            id: 1,
            name: "김민지".into(),
        };
        Callback {
            id,
            customer_number: "+821012345678".into(),
            customer_name: None,
            conversation_id: None,
            assignee: me.clone(),
            caller_id: "+827076660100".into(),
            due_at: chrono::DateTime::from_timestamp_millis(due_ms)
                .unwrap()
                .to_rfc3339(),
            note: String::new(),
            booked_by: me,
            done_at: done.then(|| "2026-11-30T00:00:00Z".into()),
        }
    }

    #[test]
    fn each_open_callback_is_reminded_once_ten_minutes_ahead() {
        let lead = Duration::from_secs(600);
        let list = [
            callback(1, T0 + 3_600_000, false),
            callback(2, T0 + 300_000, false),
            callback(3, T0 + 60_000, true),
        ];
        let mut r = Reminders::new(lead, []);
        assert_eq!(r.next_at(&list), Some(T0 + 300_000 - 600_000));
        let ids = |v: Vec<(Callback, i64)>| v.into_iter().map(|(c, _)| c.id).collect::<Vec<_>>();
        // Callback 2 is due in 5 minutes: its reminder time has passed; 3 is done.
        assert_eq!(ids(r.due(&list, T0)), [2]);
        assert_eq!(ids(r.due(&list, T0)), Vec::<i64>::new(), "reminded once");
        assert_eq!(r.next_at(&list), Some(T0 + 3_000_000));
        assert_eq!(ids(r.due(&list, T0 + 2_999_999)), Vec::<i64>::new());
        assert_eq!(ids(r.due(&list, T0 + 3_000_000)), [1]);
        assert_eq!(r.next_at(&list), None);
    }

    #[test]
    fn a_restart_remembers_what_was_reminded_and_a_moved_callback_is_reminded_again() {
        let lead = Duration::from_secs(600);
        let list = [callback(7, T0 + 60_000, false)];
        let mut first = Reminders::new(lead, []);
        let given: Vec<(i64, i64)> = first
            .due(&list, T0)
            .into_iter()
            .map(|(c, at)| (c.id, at))
            .collect();
        let mut after_restart = Reminders::new(lead, given.clone());
        assert!(after_restart.due(&list, T0 + 1).is_empty());
        // Came due while the app was closed and never reminded: reminded at start.
        let mut fresh = Reminders::new(lead, []);
        assert_eq!(fresh.due(&list, T0 + 120_000).len(), 1);
        // Booked again for later: a new reminder.
        let moved = [callback(7, T0 + 7_200_000, false)];
        let mut again = Reminders::new(lead, given);
        assert_eq!(again.due(&moved, T0 + 7_200_000 - 600_000).len(), 1);
    }
}
