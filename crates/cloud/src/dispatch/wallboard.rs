//! The live wallboard (the queue view): who waits in a queue and for how long, how each
//! manager is, and today's service level, pushed to the sessions watching it.
//!
//! The waiting callers and managers' states are the dispatcher's own, so a board is built
//! from memory after every input and sent only when it differs from the one sent last. Today's
//! figures are the statistics' sums: they are read off the dispatcher's task (after the
//! writer has written what came before) when a watch starts, when a call of the channel ends,
//! and when the day ends in the channel's zone.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use ringdesk_core::switchboard::RingPurpose;
use ringdesk_core::{CallId, ManagerId};
use ringdesk_store::time::now_ms;
use ringdesk_wire::{
    LiveManager, ServerEvent, ServerMessage, TodayFigures, WaitingCaller, Wallboard,
};

use super::Dispatcher;

/// A failed read of today's figures is tried again after this long.
const RETRY_READ: Duration = Duration::from_secs(10);

/// While a read of today's figures is under way, the next is not due for this long (a read
/// that never answers must not keep waking the dispatcher).
const READ_UNDER_WAY: Duration = Duration::from_secs(300);

/// The wallboards of the channels someone watches.
#[derive(Default)]
pub(super) struct Wallboards {
    /// Per channel, the sessions watching it.
    watchers: HashMap<i64, HashSet<(ManagerId, u64)>>,
    /// Per channel, what was last read of today.
    today: HashMap<i64, Today>,
    /// Channels whose figures are being read now.
    reading: HashSet<i64>,
    /// Channels with a call ended since their figures were read.
    stale: HashSet<i64>,
    /// Per channel, the board last sent (its clock left out, so an unchanged board is not
    /// sent again).
    sent: HashMap<i64, Wallboard>,
}

/// Today's figures as read, the channel's managers, and when to read again.
struct Today {
    figures: Option<TodayFigures>,
    /// Every manager of the channel (id, name), also the ones offline since the cloud started.
    roster: Vec<(i64, String)>,
    /// When the day ends (or a failed read is retried).
    until: Instant,
}

/// Where a call waits, for the board: the queue's name and since when (Unix ms).
#[derive(Debug, Clone)]
pub(super) struct QueuedAt {
    pub queue: String,
    pub since_ms: i64,
}

impl Dispatcher {
    /// A session starts or stops watching its channel's wallboard; a new watcher gets the
    /// board at once.
    pub(super) fn watch_wallboard(&mut self, manager: ManagerId, session: u64, watch: bool) {
        let Some(channel) = self.managers.get(&manager).map(|m| m.info.channel_id) else {
            return;
        };
        let watchers = self.wallboards.watchers.entry(channel).or_default();
        if watch {
            watchers.insert((manager, session));
            if let Some(board) = self.wallboards.sent.get(&channel) {
                let mut board = board.clone();
                board.server_now_ms = now_ms();
                self.send_to(
                    manager,
                    Some(session),
                    ServerEvent::Wallboard(Box::new(board)),
                );
            }
        } else {
            watchers.remove(&(manager, session));
        }
        self.forget_unwatched(channel);
    }

    /// A closed session watches nothing.
    pub(super) fn wallboard_session_closed(&mut self, manager: ManagerId, session: u64) {
        let channels: Vec<i64> = self
            .wallboards
            .watchers
            .iter_mut()
            .filter_map(|(channel, w)| w.remove(&(manager, session)).then_some(*channel))
            .collect();
        for channel in channels {
            self.forget_unwatched(channel);
        }
    }

    fn forget_unwatched(&mut self, channel: i64) {
        let b = &mut self.wallboards;
        if b.watchers.get(&channel).is_none_or(HashSet::is_empty) {
            b.watchers.remove(&channel);
            b.today.remove(&channel);
            b.sent.remove(&channel);
            b.stale.remove(&channel);
        }
    }

    /// A call of the channel ended: today's figures are read again.
    pub(super) fn wallboard_call_ended(&mut self, channel: i64) {
        if self.wallboards.watchers.contains_key(&channel) {
            self.wallboards.stale.insert(channel);
        }
    }

    /// When today's figures of some watched channel are next due to be read.
    pub(super) fn wallboard_deadline(&self) -> Option<Instant> {
        self.wallboards.today.values().map(|t| t.until).min()
    }

    /// Sends each watched channel's board to its watchers when it changed, and reads today's
    /// figures where they are missing, stale or of a day gone by.
    pub(super) fn publish_wallboards(&mut self) {
        if self.wallboards.watchers.is_empty() {
            return;
        }
        let now = Instant::now();
        let channels: Vec<i64> = self.wallboards.watchers.keys().copied().collect();
        for channel in channels {
            let due = match self.wallboards.today.get(&channel) {
                None => true,
                Some(t) => t.until <= now || self.wallboards.stale.contains(&channel),
            };
            if due {
                // Not due again while a read is under way (its answer sets the next).
                if let Some(t) = self.wallboards.today.get_mut(&channel) {
                    t.until = now + READ_UNDER_WAY;
                }
                if self.wallboards.reading.insert(channel) {
                    self.wallboards.stale.remove(&channel);
                    self.read_today(channel);
                }
            }
            let board = self.wallboard(channel);
            if self.wallboards.sent.get(&channel) == Some(&board) {
                continue;
            }
            let mut stamped = board.clone();
            stamped.server_now_ms = now_ms();
            let message = ServerMessage::from(ServerEvent::Wallboard(Box::new(stamped)));
            for (manager, session) in &self.wallboards.watchers[&channel] {
                if let Some(s) = self
                    .managers
                    .get(manager)
                    .and_then(|m| m.sessions.iter().find(|s| s.id == *session))
                {
                    let _ = s.tx.send(message.clone());
                }
            }
            self.wallboards.sent.insert(channel, board);
        }
    }

    /// Reads today's figures and the channel's managers off the dispatcher's task, once the
    /// writer has written the ends of calls queued before.
    fn read_today(&self, channel: i64) {
        let store = self.store.clone();
        let writer = self.writer.clone();
        self.hand_back(
            async move {
                writer.flush().await;
                let now = now_ms();
                let today = crate::statistics::today(&store, channel, now).await?;
                let roster = store.channel_managers(channel).await?;
                Ok::<_, anyhow::Error>((today, roster, now))
            },
            move |d: &mut Dispatcher, read| {
                d.wallboards.reading.remove(&channel);
                if !d.wallboards.watchers.contains_key(&channel) {
                    return;
                }
                let today = match read {
                    Ok(((figures, until_ms), roster, read_ms)) => Today {
                        figures: Some(figures),
                        roster,
                        until: Instant::now()
                            + Duration::from_millis((until_ms - read_ms).max(0) as u64),
                    },
                    Err(e) => {
                        tracing::warn!(channel, "reading today's figures for the wallboard: {e:#}");
                        let old = d.wallboards.today.remove(&channel);
                        Today {
                            figures: old.as_ref().and_then(|t| t.figures.clone()),
                            roster: old.map(|t| t.roster).unwrap_or_default(),
                            until: Instant::now() + RETRY_READ,
                        }
                    }
                };
                // Sent with the outputs of this input, as after every other.
                d.wallboards.today.insert(channel, today);
            },
        );
    }

    /// The channel's board now, its clock left at zero.
    fn wallboard(&self, channel: i64) -> Wallboard {
        let mut waiting: Vec<WaitingCaller> = self
            .calls
            .iter()
            .filter(|(_, c)| c.channel_id == channel)
            .filter_map(|(id, c)| {
                let view = self.switchboard.view(*id)?;
                let routed = view.ringing.iter().any(|(_, p)| *p == RingPurpose::Route);
                // Waiting: a customer's call routed to managers (in a queue, or ringing a
                // team directly) that none of them has taken yet.
                if c.placed || !view.managers.is_empty() || !(view.queued || routed) {
                    return None;
                }
                let (queue, since_ms) = match &c.queued_at {
                    Some(q) => (q.queue.clone(), q.since_ms),
                    None => (c.via.team_name.clone(), c.arrived_ms),
                };
                Some(WaitingCaller {
                    call_id: id.0,
                    number: c.caller.number.clone(),
                    name: c.caller.name.clone(),
                    queue,
                    since_ms,
                    ringing: routed,
                    callback: view.callback,
                })
            })
            .collect();
        waiting.sort_by_key(|w| (w.since_ms, w.call_id));
        let today = self.wallboards.today.get(&channel);
        let mut managers: Vec<LiveManager> = today
            .map(|t| t.roster.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|(id, _)| !self.managers.contains_key(&ManagerId(*id)))
            .map(|(id, name)| LiveManager {
                id: *id,
                name: name.clone(),
                status: None,
                since_ms: None,
            })
            .collect();
        managers.extend(
            self.managers
                .iter()
                .filter(|(_, m)| m.info.channel_id == channel)
                .map(|(id, m)| LiveManager {
                    id: id.0,
                    name: m.info.name.clone(),
                    status: (!m.sessions.is_empty()).then(|| self.shown_status(*id, m.status)),
                    since_ms: m.status_since_ms.get(),
                }),
        );
        managers.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Wallboard {
            server_now_ms: 0,
            waiting,
            managers,
            today: today.and_then(|t| t.figures.clone()),
        }
    }

    /// Notes which queue a call waits in and since when (Unix ms), for the board.
    pub(super) fn note_queued(&mut self, call: CallId, queue: String, since_ms: i64) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.queued_at = Some(QueuedAt { queue, since_ms });
        }
    }
}
