//! The statistics' sums, checked against figures worked out by hand from a day of calls
//! written through the same path the cloud writes them ([`Store::record`]).

use super::*;
use crate::statistics::{CallFigures, ManagerFigures, SLOT_MS};

/// Midnight UTC, 2 March 2026: a whole 15-minute slot.
const T0: i64 = 1_772_409_600_000;
const S: i64 = 1000;
const MIN: i64 = 60 * S;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// Writes one call's events in order, each `(offset from the start, event)`.
struct Script<'a> {
    store: &'a Store,
    id: i64,
    start: i64,
}

impl<'a> Script<'a> {
    async fn call(
        store: &'a Store,
        channel_id: i64,
        direction: &'static str,
        team_id: Option<i64>,
        start: i64,
    ) -> Script<'a> {
        let mut call = new_call(channel_id, "+821012345678", start);
        call.direction = direction;
        call.team_id = team_id;
        let id = insert(store, call).await;
        Script { store, id, start }
    }

    async fn event(&self, e: CallEvent) -> &Self {
        self.store.record(&e).await.unwrap();
        self
    }

    async fn manager(&self, manager_id: i64, part: ManagerPart<'static>, at: i64) -> &Self {
        self.event(CallEvent::Manager {
            call_id: self.id,
            manager_id,
            part,
            at_ms: self.start + at,
        })
        .await
    }

    async fn rang(&self, manager_id: i64, at: i64) -> &Self {
        let part = ManagerPart::Rang {
            purpose: "route",
            by: None,
        };
        self.manager(manager_id, part, at).await
    }

    async fn queued(&self, team_id: i64, at: i64) -> &Self {
        self.event(CallEvent::Queued {
            call_id: self.id,
            team_id: Some(team_id),
            manager_id: None,
            at_ms: self.start + at,
        })
        .await
    }

    async fn hold(&self, held: bool, by: i64, at: i64) -> &Self {
        self.event(CallEvent::Hold {
            call_id: self.id,
            held,
            by_manager_id: by,
            at_ms: self.start + at,
        })
        .await
    }

    async fn ended(&self, at: i64, missed_reason: Option<&'static str>) -> &Self {
        let cause = if missed_reason.is_some() {
            "customerHangup"
        } else {
            "managerHangup"
        };
        self.event(CallEvent::Ended {
            call_id: self.id,
            at_ms: self.start + at,
            cause,
            missed_reason,
        })
        .await
    }
}

/// A day of eight calls (and two that must not count), every figure worked out by hand.
pub(super) async fn every_figure_is_a_sum_of_what_the_days_calls_did(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _owner, other) = demo_and_other_channel(&store).await;
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let team = route.team_id.unwrap();
    let (a, b) = (route.members[0], route.members[1]);
    let answer = ManagerPart::Answered { purpose: "route" };
    let dial = ManagerPart::Answered { purpose: "dial" };
    let timed_out = ManagerPart::RingStopped { reason: "timedOut" };

    // 1. Queued 5 s in, rings A, answered 7 s after queueing, 30 s on hold, 120 s of talk,
    //    wrapped up 45 s after the end.
    let c1 = Script::call(&store, channel, "inbound", Some(team), T0).await;
    c1.queued(team, 5 * S).await.rang(a, 6 * S).await;
    c1.manager(a, answer, 12 * S).await;
    c1.hold(true, a, 30 * S).await.hold(false, a, 60 * S).await;
    c1.ended(132 * S, None).await;
    store
        .set_conversation_state(channel, c1.id, "closed", None, T0 + 177 * S)
        .await
        .unwrap()
        .unwrap();
    // Closed again later: the wrap-up ended at the first close.
    store
        .set_conversation_state(channel, c1.id, "open", None, T0 + 200 * S)
        .await
        .unwrap()
        .unwrap();
    store
        .close_conversations(channel, &[c1.id], T0 + 300 * S)
        .await
        .unwrap();

    // 2. A lets it ring out (20 s), B answers 40 s after queueing, 60 s of talk, never closed.
    let c2 = Script::call(&store, channel, "inbound", Some(team), T0 + HOUR).await;
    c2.queued(team, 0).await.rang(a, S).await;
    c2.manager(a, timed_out, 21 * S).await.rang(b, 21 * S).await;
    c2.manager(b, answer, 40 * S)
        .await
        .ended(100 * S, None)
        .await;

    // 3. The caller hangs up 3 s after queueing: a short abandon.
    let c3 = Script::call(&store, channel, "inbound", Some(team), T0 + HOUR + 10 * MIN).await;
    c3.queued(team, S).await.rang(a, S).await;
    let left = ManagerPart::RingStopped {
        reason: "callerLeft",
    };
    c3.manager(a, left, 4 * S)
        .await
        .ended(4 * S, Some("userleft"))
        .await;

    // 4. Waits out the queue for 60 s: abandoned.
    let c4 = Script::call(&store, channel, "inbound", Some(team), T0 + 2 * HOUR).await;
    c4.queued(team, 2 * S)
        .await
        .ended(62 * S, Some("abandonedInQueue"))
        .await;

    // 5. Outside operating hours, never queued.
    let c5 = Script::call(&store, channel, "inbound", Some(team), T0 + 3 * HOUR).await;
    c5.ended(5 * S, Some("notInOperation")).await;

    // 6. A dials; the called party answers 8 s later; 60 s of talk.
    let c6 = Script::call(&store, channel, "outbound", None, T0 + 4 * HOUR).await;
    c6.manager(a, dial, 0).await;
    c6.event(CallEvent::OutboundAnswered {
        call_id: c6.id,
        at_ms: c6.start + 8 * S,
    })
    .await;
    c6.ended(68 * S, None).await;

    // 7. B dials; nobody answers within 30 s.
    let c7 = Script::call(&store, channel, "outbound", None, T0 + 4 * HOUR + 20 * MIN).await;
    c7.manager(b, dial, 0).await.ended(30 * S, None).await;

    // 8. B declines its ring; the caller hangs up 10 s in.
    let c8 = Script::call(&store, channel, "inbound", Some(team), T0 + 5 * HOUR).await;
    c8.rang(b, S)
        .await
        .manager(b, ManagerPart::Declined, 3 * S)
        .await;
    c8.ended(10 * S, Some("userleft")).await;

    // 9. Still going: not counted until it ends.
    let c9 = Script::call(&store, channel, "inbound", Some(team), T0 + 6 * HOUR).await;
    c9.rang(a, S).await;

    // Not counted: a call a millisecond before the day, and another channel's call.
    let before = Script::call(&store, channel, "inbound", Some(team), T0 - 1).await;
    before.ended(10 * S, Some("userleft")).await;
    let elsewhere = Script::call(&store, other, "inbound", None, T0 + HOUR).await;
    elsewhere.ended(10 * S, Some("userleft")).await;

    let period = store
        .period_figures(channel, T0, T0 + DAY, None)
        .await
        .unwrap();
    let slots = &period.slots;
    let per_slot: Vec<(i64, i64)> = slots
        .iter()
        .map(|s| (s.slot - T0 / SLOT_MS, s.calls))
        .collect();
    assert_eq!(
        per_slot,
        [(0, 1), (4, 2), (8, 1), (12, 1), (16, 1), (17, 1), (20, 1)]
    );
    let day = period.total;
    // The slots' traffic adds up to the period's.
    let answered: i64 = slots.iter().map(|s| s.inbound_answered).sum();
    let missed: i64 = slots.iter().map(|s| s.missed).sum();
    assert_eq!((answered, missed), (2, 4));
    let expected = CallFigures {
        calls: 8,
        inbound: 6,
        outbound: 2,
        inbound_answered: 2,
        outbound_answered: 1,
        missed_not_in_operation: 1,
        missed_abandoned_in_queue: 1,
        missed_user_left: 2,
        talked: 3,
        talk_ms: (120 + 60 + 60) * S,
        hold_ms: 30 * S,
        first_response_ms: (12 + 40) * S,
        wrapped_up: 1,
        wrap_up_ms: 45 * S,
        queued: 4,
        queued_answered: 2,
        queue_wait_ms: (7 + 40) * S,
        // Waits: 7 s (≤ 10 s) and 40 s (45 s edge).
        answered_waits: [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        // Abandons: after 3 s (under 5 s) and 60 s (30 s or more).
        abandon_waits: [1, 0, 0, 0, 0, 1],
        ..CallFigures::default()
    };
    assert_eq!(day, expected);
    // Every inbound call is answered or missed for a reason.
    assert_eq!(day.inbound, day.inbound_answered + day.missed());
    assert_eq!(day.calls, day.inbound + day.outbound);
    // Thresholds are parameters: 20 s → call 1 in time; 60 s → both. No short abandons → 2.
    assert_eq!(day.answered_within(20), Some(1));
    assert_eq!(day.answered_within(60), Some(2));
    assert_eq!(day.answered_within(7), None);
    assert_eq!(day.abandons(5), Some((1, 1)));
    assert_eq!(day.abandons(0), Some((2, 0)));
    assert_eq!(day.abandons(4), None);

    let teams = &period.teams;
    let summary: Vec<(Option<i64>, i64)> =
        teams.iter().map(|t| (t.team_id, t.figures.calls)).collect();
    assert_eq!(summary, [(Some(team), 6), (None, 2)]);

    // One team's calls alone.
    let theirs = store
        .period_figures(channel, T0, T0 + DAY, Some(team))
        .await
        .unwrap();
    assert_eq!((theirs.total.calls, theirs.teams.len()), (6, 1));
    assert_eq!(theirs.slots.iter().map(|s| s.calls).sum::<i64>(), 6);

    let queues = &period.queues;
    assert_eq!(queues.len(), 1);
    assert_eq!(
        (queues[0].team_id, queues[0].manager_id),
        (Some(team), None)
    );
    assert_eq!(queues[0].figures.queued, 4);
    assert_eq!(queues[0].figures.calls, 4);

    let managers = store
        .manager_figures(channel, T0, T0 + DAY, T0 + DAY)
        .await
        .unwrap();
    assert_eq!(
        managers,
        [
            ManagerFigures {
                manager_id: a,
                calls: 4,
                outbound: 1,
                answered: 1,
                talk_ms: (120 + 68) * S,
                ring_ms: (6 + 20 + 3) * S,
                missed_rings: 1,
                status_ms: [0; 5],
            },
            ManagerFigures {
                manager_id: b,
                calls: 3,
                outbound: 1,
                answered: 1,
                talk_ms: (60 + 30) * S,
                ring_ms: (19 + 2) * S,
                missed_rings: 1,
                status_ms: [0; 5],
            },
        ]
    );

    // The sums rebuilt from the record are the same.
    store.rebuild_statistics(channel).await.unwrap();
    let rebuilt = store
        .period_figures(channel, T0, T0 + DAY, None)
        .await
        .unwrap();
    assert_eq!(rebuilt, period);
    let again = store
        .manager_figures(channel, T0, T0 + DAY, T0 + DAY)
        .await
        .unwrap();
    assert_eq!(again, managers);

    // Nothing of the other channel shows, whatever the period.
    let theirs = store
        .period_figures(other, 0, T0 + DAY, None)
        .await
        .unwrap();
    assert_eq!(theirs.total.calls, 1);
    let theirs = store.manager_figures(other, 0, T0 + DAY, T0 + DAY).await;
    assert!(theirs.unwrap().is_empty());
}

/// Time in each status is cut to the period: the status held when it began counts from its
/// start, the one held now up to now.
pub(super) async fn time_in_each_status_is_cut_to_the_period(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _owner, other) = demo_and_other_channel(&store).await;
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let (a, b) = (route.members[0], route.members[1]);
    for (manager, status, at) in [
        (a, "available", T0 - HOUR),
        (b, "available", T0 - 20 * HOUR),
        (a, "inCall", T0 + 12 * S),
        (a, "wrapUp", T0 + 132 * S),
        (a, "available", T0 + 177 * S),
        (a, "offline", T0 + 10 * HOUR),
        (b, "away", T0 + 2 * HOUR),
        (a, "available", T0 + DAY + HOUR),
    ] {
        store
            .log_status(channel, manager, status, at)
            .await
            .unwrap();
    }
    // Statuses in order: available, away, inCall, wrapUp, offline.
    let times = |figures: Vec<ManagerFigures>| -> Vec<(i64, [i64; 5])> {
        figures
            .iter()
            .map(|f| (f.manager_id, f.status_ms))
            .collect()
    };
    let day = store
        .manager_figures(channel, T0, T0 + DAY, T0 + 2 * DAY)
        .await
        .unwrap();
    assert_eq!(
        times(day),
        [
            (
                a,
                [12 * S + 10 * HOUR - 177 * S, 0, 120 * S, 45 * S, 14 * HOUR]
            ),
            (b, [2 * HOUR, 22 * HOUR, 0, 0, 0]),
        ]
    );
    // Two days in Seoul (UTC+9), read at T0 + 26 h: one whole UTC day and two ragged ends;
    // A has been available again for an hour; B was available 11 h of it, then away 24 h.
    let seoul = store
        .manager_figures(channel, T0 - 9 * HOUR, T0 + 39 * HOUR, T0 + 26 * HOUR)
        .await
        .unwrap();
    assert_eq!(
        times(seoul),
        [
            (
                a,
                [
                    HOUR + 12 * S + 10 * HOUR - 177 * S + HOUR,
                    0,
                    120 * S,
                    45 * S,
                    15 * HOUR
                ]
            ),
            (b, [11 * HOUR, 24 * HOUR, 0, 0, 0]),
        ]
    );
    // Rebuilt from the record, the same.
    store.rebuild_statistics(channel).await.unwrap();
    let rebuilt = store
        .manager_figures(channel, T0 - 9 * HOUR, T0 + 39 * HOUR, T0 + 26 * HOUR)
        .await
        .unwrap();
    assert_eq!(times(rebuilt)[0].1[4], 15 * HOUR);
    let theirs = store.manager_figures(other, 0, T0 + 2 * DAY, T0 + 2 * DAY);
    assert!(theirs.await.unwrap().is_empty());

    // A restart at T0 + 30 h: whoever was on is offline from then (B's away stops there).
    assert_eq!(store.log_everyone_offline(T0 + 30 * HOUR).await.unwrap(), 2);
    let after = store
        .manager_figures(channel, T0 + DAY, T0 + 2 * DAY, T0 + 2 * DAY)
        .await
        .unwrap();
    assert_eq!(times(after)[1], (b, [0, 6 * HOUR, 0, 0, 18 * HOUR]));
    assert_eq!(store.log_everyone_offline(T0 + 31 * HOUR).await.unwrap(), 0);
}

/// A key works with its own secret only, for its own channel, until revoked; another
/// channel's owner cannot revoke it.
pub(super) async fn access_keys_are_checked_and_revoked_per_channel(db: ScratchDatabase) {
    use crate::access_keys::KeyCheck;
    let store = db.open().await;
    let (channel, owner, other) = demo_and_other_channel(&store).await;
    let (key, secret) = store
        .create_access_key(channel, owner, "BI 대시보드", T0)
        .await
        .unwrap();
    assert!(key.key_id.starts_with("rk_") && secret.len() == 64);
    let check = |k: String, s: String| {
        let store = store.clone();
        async move { store.check_access_key(&k, &s).await.unwrap() }
    };
    assert_eq!(
        check(key.key_id.clone(), secret.clone()).await,
        KeyCheck::Valid {
            channel_id: channel
        }
    );
    let mut wrong = secret.clone();
    wrong.replace_range(0..1, if secret.starts_with('0') { "1" } else { "0" });
    assert_eq!(check(key.key_id.clone(), wrong).await, KeyCheck::Wrong);
    assert_eq!(
        check("rk_nope".into(), secret.clone()).await,
        KeyCheck::Wrong
    );
    // Listed without its secret; another channel sees none and cannot revoke it.
    let listed = store.access_keys(channel).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&key));
    assert!(store.access_keys(other).await.unwrap().is_empty());
    assert!(
        !store
            .revoke_access_key(other, key.id, T0 + 1)
            .await
            .unwrap()
    );
    assert!(
        store
            .revoke_access_key(channel, key.id, T0 + 2)
            .await
            .unwrap()
    );
    assert_eq!(check(key.key_id.clone(), secret).await, KeyCheck::Revoked);
    let revoked = store.access_keys(channel).await.unwrap();
    assert_eq!(revoked[0].revoked_at_ms, Some(T0 + 2));
}

/// A seeded generator of calls (xorshift: the same traffic on every run and backend).
struct Traffic(u64);

impl Traffic {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A whole number in `lo..hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
}

/// What the generator made one call do, and what each figure should count of it.
#[derive(Debug, Default, Clone, Copy)]
struct Expected {
    start: i64,
    inbound: bool,
    answered: bool,
    missed: Option<&'static str>,
    talk_ms: i64,
    hold_ms: i64,
    first_response_ms: i64,
    wrap_up_ms: Option<i64>,
    queued: bool,
    /// Queue entry → answer, for a queued call answered.
    answer_wait_ms: Option<i64>,
    /// Queue entry → hang-up, for a queued caller who gave up or waited out the queue.
    abandon_wait_ms: Option<i64>,
}

/// What the expectations add up to over the calls started in `from..to`.
fn expected_figures(calls: &[Expected], from: i64, to: i64) -> CallFigures {
    let mut f = CallFigures::default();
    for c in calls.iter().filter(|c| (from..to).contains(&c.start)) {
        f.calls += 1;
        if c.inbound {
            f.inbound += 1;
            f.inbound_answered += i64::from(c.answered);
        } else {
            f.outbound += 1;
            f.outbound_answered += i64::from(c.answered);
        }
        match c.missed {
            Some("userleft") => f.missed_user_left += 1,
            Some("abandonedInQueue") => f.missed_abandoned_in_queue += 1,
            Some("ringTimeOver") => f.missed_ring_time_over += 1,
            Some("notInOperation") => f.missed_not_in_operation += 1,
            Some(other) => panic!("the generator makes no {other}"),
            None => {}
        }
        if c.answered {
            f.talked += 1;
            f.talk_ms += c.talk_ms;
            f.hold_ms += c.hold_ms;
            f.first_response_ms += c.first_response_ms;
        }
        if let Some(w) = c.wrap_up_ms {
            f.wrapped_up += 1;
            f.wrap_up_ms += w;
        }
        f.queued += i64::from(c.queued);
        if let Some(w) = c.answer_wait_ms {
            f.queued_answered += 1;
            f.queue_wait_ms += w;
        }
    }
    f
}

/// Generated traffic with known answers: 400 calls of seven kinds over ten days, each written
/// through [`Store::record`] as the cloud writes them; every sum, the service level at every
/// threshold and the abandons at every short-abandon threshold equal what the generator knows
/// it made, over the whole period and over three days of it; the counts reconcile (inbound =
/// answered + missed by reason, total = inbound + outbound); the sums rebuilt from the record
/// are the same.
pub(super) async fn generated_traffic_adds_up_to_what_was_generated(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _owner, _other) = demo_and_other_channel(&store).await;
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let team = route.team_id.unwrap();
    let (a, b) = (route.members[0], route.members[1]);
    let mut rng = Traffic(0x5EED_CA11_0000_0001);
    let mut calls = Vec::new();
    for _ in 0..400 {
        let start = T0 + rng.between(0, 10 * DAY);
        let manager = if rng.between(0, 2) == 0 { a } else { b };
        let kind = rng.between(0, 7);
        let direction = if kind >= 5 { "outbound" } else { "inbound" };
        let c = Script::call(&store, channel, direction, Some(team), start).await;
        let mut e = Expected {
            start,
            inbound: kind < 5,
            ..Expected::default()
        };
        match kind {
            // Queued, rung, answered; maybe held; maybe wrapped up.
            0 => {
                let q = rng.between(0, 10) * S;
                let wait = rng.between(0, 400) * S;
                let talk = rng.between(10, 600) * S;
                c.queued(team, q).await.rang(manager, q).await;
                let answered = q + wait;
                let answer = ManagerPart::Answered { purpose: "route" };
                c.manager(manager, answer, answered).await;
                if rng.between(0, 2) == 0 {
                    let hold = rng.between(1, 9) * S;
                    c.hold(true, manager, answered + S).await;
                    c.hold(false, manager, answered + S + hold).await;
                    e.hold_ms = hold;
                }
                c.ended(answered + talk, None).await;
                if rng.between(0, 2) == 0 {
                    let after = rng.between(1, 300) * S;
                    let at = start + answered + talk + after;
                    store
                        .set_conversation_state(channel, c.id, "closed", None, at)
                        .await
                        .unwrap()
                        .unwrap();
                    e.wrap_up_ms = Some(after);
                }
                e.answered = true;
                e.talk_ms = talk;
                e.first_response_ms = answered;
                e.queued = true;
                e.answer_wait_ms = Some(wait);
            }
            // Queued and rung; the caller hangs up.
            1 => {
                let q = rng.between(0, 10) * S;
                let wait = rng.between(0, 120) * S;
                c.queued(team, q).await.rang(manager, q).await;
                let left = ManagerPart::RingStopped {
                    reason: "callerLeft",
                };
                c.manager(manager, left, q + wait).await;
                c.ended(q + wait, Some("userleft")).await;
                e.missed = Some("userleft");
                e.queued = true;
                e.abandon_wait_ms = Some(wait);
            }
            // Queued; nobody free until the queue's limit.
            2 => {
                let q = rng.between(0, 10) * S;
                let wait = rng.between(60, 300) * S;
                c.queued(team, q).await;
                c.ended(q + wait, Some("abandonedInQueue")).await;
                e.missed = Some("abandonedInQueue");
                e.queued = true;
                e.abandon_wait_ms = Some(wait);
            }
            // Rung straight, nobody answers.
            3 => {
                c.rang(manager, S).await;
                let out = ManagerPart::RingStopped { reason: "timedOut" };
                c.manager(manager, out, 31 * S).await;
                c.ended(31 * S, Some("ringTimeOver")).await;
                e.missed = Some("ringTimeOver");
            }
            // Outside operating hours.
            4 => {
                c.ended(5 * S, Some("notInOperation")).await;
                e.missed = Some("notInOperation");
            }
            // A manager dials; the called party answers.
            5 => {
                let answered = rng.between(3, 20) * S;
                let talk = rng.between(10, 600) * S;
                c.manager(manager, ManagerPart::Answered { purpose: "dial" }, 0)
                    .await;
                c.event(CallEvent::OutboundAnswered {
                    call_id: c.id,
                    at_ms: start + answered,
                })
                .await;
                c.ended(answered + talk, None).await;
                e.answered = true;
                e.talk_ms = talk;
            }
            // A manager dials; nobody answers.
            _ => {
                c.manager(manager, ManagerPart::Answered { purpose: "dial" }, 0)
                    .await;
                c.ended(30 * S, None).await;
            }
        }
        calls.push(e);
    }

    for (from, to) in [(T0, T0 + 10 * DAY), (T0 + 3 * DAY, T0 + 6 * DAY)] {
        let got = store
            .period_figures(channel, from, to, None)
            .await
            .unwrap()
            .total;
        let want = expected_figures(&calls, from, to);
        let in_period = || calls.iter().filter(|c| (from..to).contains(&c.start));
        // The figures the generator knows, compared field by field without the histograms.
        let plain = |f: &CallFigures| CallFigures {
            answered_waits: [0; 11],
            abandon_waits: [0; 6],
            ..*f
        };
        assert_eq!(plain(&got), want, "{from}..{to}");
        // Reconciliation.
        assert_eq!(got.calls, got.inbound + got.outbound);
        assert_eq!(got.inbound, got.inbound_answered + got.missed());
        assert!(got.calls > 50, "the period has traffic: {got:?}");
        // The service level's and the abandons' thresholds, every one offered.
        for t in crate::statistics::ANSWER_WITHIN_SECONDS {
            let within = in_period()
                .filter(|c| c.answer_wait_ms.is_some_and(|w| w <= t * 1000))
                .count() as i64;
            assert_eq!(got.answered_within(t), Some(within), "within {t} s");
        }
        for short in crate::statistics::SHORT_ABANDON_SECONDS {
            let (after, sooner): (Vec<i64>, Vec<i64>) = in_period()
                .filter_map(|c| c.abandon_wait_ms)
                .partition(|&w| w >= short * 1000);
            let counts = (after.len() as i64, sooner.len() as i64);
            assert_eq!(got.abandons(short), Some(counts), "short abandon {short} s");
        }
    }
    let before = store
        .period_figures(channel, T0, T0 + 10 * DAY, None)
        .await
        .unwrap();
    store.rebuild_statistics(channel).await.unwrap();
    let rebuilt = store
        .period_figures(channel, T0, T0 + 10 * DAY, None)
        .await
        .unwrap();
    assert_eq!(rebuilt, before);
}
