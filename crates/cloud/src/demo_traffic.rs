//! A demo channel's past week of traffic for the statistics (`--demo-activity`): calls through
//! the team's queue in office hours — answered (some held, each wrapped up), given up while
//! waiting, waited out — rings nobody answered, calls after hours, calls the managers placed,
//! and each manager's day (available from 9, away over lunch, in calls and wrap-ups, offline
//! from 18), so every figure, chart and table of the statistics has something to show before
//! the first test call. Seeded: the same week every run. Written through the store's API, like
//! live calls, so the statistics' sums are kept as they would be.

use ringdesk_store::{CallEvent, DEMO_NUMBER, ManagerPart, NewCall, Store};

const S: i64 = 1_000;
const MINUTE: i64 = 60 * S;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// The demo channel's zone, Seoul, is UTC+9 all year.
const SEOUL: i64 = 9 * HOUR;

/// A seeded pseudo-random source (xorshift): the same week on every first start.
struct Dice(u64);

impl Dice {
    /// A whole number in `lo..hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + (self.0 % (hi - lo) as u64) as i64
    }
}

/// What happens to one generated call.
#[derive(Clone, Copy)]
enum Fate {
    Answered,
    CallerLeft,
    WaitedOut,
    NobodyAnswered,
    AfterHours,
    Placed { answered: bool },
}

impl Fate {
    fn roll(dice: &mut Dice) -> Fate {
        match dice.between(0, 100) {
            0..60 => Fate::Answered,
            60..72 => Fate::CallerLeft,
            72..76 => Fate::WaitedOut,
            76..83 => Fate::NobodyAnswered,
            83..88 => Fate::AfterHours,
            88..95 => Fate::Placed { answered: true },
            _ => Fate::Placed { answered: false },
        }
    }
}

/// The week's writer: the calls' ids, who is busy until when, each manager's status log.
struct Week<'a> {
    store: &'a Store,
    channel: i64,
    team: Option<i64>,
    managers: &'a [i64],
    now_ms: i64,
    dice: Dice,
    /// Per manager, free from this instant (Unix ms).
    free_at: Vec<i64>,
    /// Per manager, `(at, status)` to log, in any order (sorted before writing).
    statuses: Vec<Vec<(i64, &'static str)>>,
    /// Conversations to close as handled once the week is written (missed and placed calls).
    to_close: Vec<i64>,
    callers: Vec<String>,
}

/// Writes the channel's past seven days and today up to `now_ms`.
pub async fn seed(
    store: &Store,
    channel: i64,
    team: Option<i64>,
    managers: &[i64],
    now_ms: i64,
) -> ringdesk_store::Result<()> {
    let mut dice = Dice(0x0DE0_5EED_2026_1202);
    let callers = (0..40)
        .map(|_| format!("+8210{:08}", dice.between(20_000_000, 99_999_999)))
        .collect();
    let mut week = Week {
        store,
        channel,
        team,
        managers,
        now_ms,
        dice,
        free_at: vec![0; managers.len()],
        statuses: vec![Vec::new(); managers.len()],
        to_close: Vec::new(),
        callers,
    };
    let today = (now_ms + SEOUL) / DAY * DAY - SEOUL;
    for back in (0..=7).rev() {
        week.day(today - back * DAY).await?;
    }
    week.finish().await
}

impl Week<'_> {
    /// One day: the managers' office hours and the day's calls in time order.
    async fn day(&mut self, midnight: i64) -> ringdesk_store::Result<()> {
        // 1970-01-01 was a Thursday: 0 is Monday.
        let weekday = ((midnight + SEOUL) / DAY + 3) % 7;
        let weekend = weekday >= 5;
        if !weekend {
            for log in &mut self.statuses {
                log.extend([
                    (midnight + 9 * HOUR, "available"),
                    (midnight + 12 * HOUR, "away"),
                    (midnight + 13 * HOUR, "available"),
                    (midnight + 18 * HOUR, "offline"),
                ]);
            }
        }
        let count = if weekend {
            self.dice.between(0, 3)
        } else {
            self.dice.between(14, 24)
        };
        let mut calls: Vec<(i64, Fate)> = (0..count)
            .map(|_| {
                let fate = Fate::roll(&mut self.dice);
                let at = match fate {
                    _ if weekend => midnight + self.dice.between(10 * 60, 16 * 60) * MINUTE,
                    Fate::AfterHours => midnight + self.dice.between(19 * 60, 22 * 60) * MINUTE,
                    // Mornings and afternoons, ending before lunch and the day's end.
                    _ if self.dice.between(0, 2) == 0 => {
                        midnight + self.dice.between(9 * 60, 11 * 60 + 30) * MINUTE
                    }
                    _ => midnight + self.dice.between(13 * 60, 17 * 60 + 30) * MINUTE,
                };
                (at, if weekend { Fate::AfterHours } else { fate })
            })
            .collect();
        calls.sort_by_key(|(at, _)| *at);
        for (at, fate) in calls {
            self.call(at, fate).await?;
        }
        Ok(())
    }

    /// A manager free at `at` (their index), the search starting at a random one so the
    /// calls spread over the team.
    fn free(&mut self, at: i64) -> Option<usize> {
        let n = self.managers.len();
        let first = self.dice.between(0, n.max(1) as i64) as usize;
        (0..n)
            .map(|i| (first + i) % n)
            .find(|&m| self.free_at[m] <= at)
    }

    async fn call(&mut self, at: i64, fate: Fate) -> ringdesk_store::Result<()> {
        // Everything about a call ends within 15 minutes of its start: only calls over by now.
        if at + 15 * MINUTE > self.now_ms {
            return Ok(());
        }
        let store = self.store;
        let id = store.reserve_call_ids(1).await?.start;
        let caller = self.callers[self.dice.between(0, self.callers.len() as i64) as usize].clone();
        let outbound = matches!(fate, Fate::Placed { .. });
        let contact = store.contact_or_new_lead(self.channel, &caller, at).await?;
        store
            .record(&CallEvent::Started(NewCall {
                id,
                channel_id: self.channel,
                direction: if outbound { "outbound" } else { "inbound" },
                number: DEMO_NUMBER.into(),
                caller_number: caller,
                caller_name: contact.name.clone(),
                contact_id: Some(contact.id),
                team_id: self.team,
                started_at_ms: at,
            }))
            .await?;
        let part = |manager_id, part, at_ms| CallEvent::Manager {
            call_id: id,
            manager_id,
            part,
            at_ms,
        };
        let route = ManagerPart::Rang {
            purpose: "route",
            by: None,
        };
        let queued_at = at + self.dice.between(8, 25) * S;
        let team_id = self.team;
        let queue = |at_ms| CallEvent::Queued {
            call_id: id,
            team_id,
            manager_id: None,
            at_ms,
        };
        let (end, missed) = match fate {
            Fate::Answered => {
                // Most are answered within seconds; one in four waits longer.
                let wait = if self.dice.between(0, 4) == 0 {
                    self.dice.between(15, 90)
                } else {
                    self.dice.between(2, 15)
                } * S;
                let Some(m) = self.free(queued_at + wait) else {
                    // Nobody free: the caller gives up after that wait.
                    store.record(&queue(queued_at)).await?;
                    self.to_close.push(id);
                    return self.end(id, queued_at + wait, Some("userleft")).await;
                };
                let manager = self.managers[m];
                let answered = queued_at + wait;
                let talk = self.dice.between(60, 480) * S;
                let end = answered + talk;
                store.record(&queue(queued_at)).await?;
                store
                    .record(&part(manager, route, answered - 4 * S))
                    .await?;
                let answer = ManagerPart::Answered { purpose: "route" };
                store.record(&part(manager, answer, answered)).await?;
                store
                    .assign_call_conversation(id, manager, answered)
                    .await?;
                if self.dice.between(0, 10) < 3 {
                    let held = answered + talk / 3;
                    for (held, at_ms) in
                        [(true, held), (false, held + self.dice.between(10, 60) * S)]
                    {
                        store
                            .record(&CallEvent::Hold {
                                call_id: id,
                                held,
                                by_manager_id: manager,
                                at_ms,
                            })
                            .await?;
                    }
                }
                self.end(id, end, None).await?;
                let closed = end + self.dice.between(20, 180) * S;
                store
                    .set_conversation_state(self.channel, id, "closed", None, closed)
                    .await?
                    .ok();
                self.statuses[m].extend([
                    (answered, "inCall"),
                    (end, "wrapUp"),
                    (closed, "available"),
                ]);
                self.free_at[m] = closed;
                return Ok(());
            }
            Fate::CallerLeft => {
                let wait = self.dice.between(1, 60) * S;
                store.record(&queue(queued_at)).await?;
                if let Some(m) = self.free(queued_at) {
                    let manager = self.managers[m];
                    store.record(&part(manager, route, queued_at)).await?;
                    let left = ManagerPart::RingStopped {
                        reason: "callerLeft",
                    };
                    store.record(&part(manager, left, queued_at + wait)).await?;
                }
                (queued_at + wait, Some("userleft"))
            }
            Fate::WaitedOut => {
                store.record(&queue(queued_at)).await?;
                (queued_at + 120 * S, Some("abandonedInQueue"))
            }
            Fate::NobodyAnswered => {
                let rang = at + 2 * S;
                for &manager in self.managers {
                    store.record(&part(manager, route, rang)).await?;
                    let out = ManagerPart::RingStopped { reason: "timedOut" };
                    store.record(&part(manager, out, rang + 30 * S)).await?;
                }
                (rang + 30 * S, Some("ringTimeOver"))
            }
            Fate::AfterHours => (at + 12 * S, Some("notInOperation")),
            Fate::Placed { answered } => {
                let Some(m) = self.free(at) else {
                    self.to_close.push(id);
                    return self.end(id, at + 30 * S, None).await;
                };
                let manager = self.managers[m];
                let dial = ManagerPart::Answered { purpose: "dial" };
                store.record(&part(manager, dial, at)).await?;
                let end = if answered {
                    let picked_up = at + self.dice.between(5, 20) * S;
                    store
                        .record(&CallEvent::OutboundAnswered {
                            call_id: id,
                            at_ms: picked_up,
                        })
                        .await?;
                    picked_up + self.dice.between(45, 300) * S
                } else {
                    at + 30 * S
                };
                self.end(id, end, None).await?;
                self.to_close.push(id);
                self.statuses[m].extend([(at, "inCall"), (end, "available")]);
                self.free_at[m] = end;
                return Ok(());
            }
        };
        if missed.is_some() {
            self.to_close.push(id);
        }
        self.end(id, end, missed).await
    }

    async fn end(
        &self,
        id: i64,
        at_ms: i64,
        missed_reason: Option<&'static str>,
    ) -> ringdesk_store::Result<()> {
        self.store
            .record(&CallEvent::Ended {
                call_id: id,
                at_ms,
                cause: if missed_reason.is_some() {
                    "customerHangup"
                } else {
                    "managerHangup"
                },
                missed_reason,
            })
            .await
    }

    /// Closes the week's missed and placed calls' conversations (handled long ago) and writes each manager's
    /// status log in time order, up to now: offline since the last day's end.
    async fn finish(self) -> ringdesk_store::Result<()> {
        self.store
            .close_conversations(self.channel, &self.to_close, self.now_ms - HOUR)
            .await?;
        for (m, mut log) in self.statuses.into_iter().enumerate() {
            log.retain(|(at, _)| *at < self.now_ms);
            log.sort_by_key(|(at, _)| *at);
            if log.last().is_some_and(|(_, s)| *s != "offline") {
                log.push((self.now_ms - 1, "offline"));
            }
            for (at, status) in log {
                self.store
                    .log_status(self.channel, self.managers[m], status, at)
                    .await?;
            }
        }
        Ok(())
    }
}
