//! The statistics' sums, checked against figures worked out by hand from a day of calls
//! written through the same path the cloud writes them ([`Store::record`]).

use super::*;
use crate::statistics::{CallFigures, ManagerFigures, SLOT_MS, StatusTime, Thresholds};

/// Midnight UTC, 2 March 2026: a whole 15-minute slot.
const T0: i64 = 1_772_409_600_000;
const S: i64 = 1000;
const MIN: i64 = 60 * S;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

const THRESHOLDS: Thresholds = Thresholds {
    answer_within_ms: 20 * S,
    short_abandon_ms: 5 * S,
};

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

    // 8. Still going: B declined its ring.
    let c8 = Script::call(&store, channel, "inbound", Some(team), T0 + 5 * HOUR).await;
    c8.rang(b, S)
        .await
        .manager(b, ManagerPart::Declined, 3 * S)
        .await;

    // Not counted: a call a millisecond before the day, and another channel's call.
    let before = Script::call(&store, channel, "inbound", Some(team), T0 - 1).await;
    before.ended(10 * S, Some("userleft")).await;
    let elsewhere = Script::call(&store, other, "inbound", None, T0 + HOUR).await;
    elsewhere.ended(10 * S, Some("userleft")).await;

    let slots = store
        .slot_figures(channel, T0, T0 + DAY, THRESHOLDS)
        .await
        .unwrap();
    let per_slot: Vec<(i64, i64)> = slots
        .iter()
        .map(|s| (s.slot - T0 / SLOT_MS, s.figures.calls))
        .collect();
    assert_eq!(
        per_slot,
        [(0, 1), (4, 2), (8, 1), (12, 1), (16, 1), (17, 1), (20, 1)]
    );
    let mut day = CallFigures::default();
    for s in &slots {
        day.add(&s.figures);
    }
    let expected = CallFigures {
        calls: 8,
        inbound: 6,
        outbound: 2,
        inbound_answered: 2,
        outbound_answered: 1,
        missed_not_in_operation: 1,
        missed_abandoned_in_queue: 1,
        missed_user_left: 1,
        talked: 3,
        talk_ms: (120 + 60 + 60) * S,
        hold_ms: 30 * S,
        first_response_ms: (12 + 40) * S,
        wrapped_up: 1,
        wrap_up_ms: 45 * S,
        queued: 4,
        queued_answered: 2,
        answered_in_time: 1,
        queue_wait_ms: (7 + 40) * S,
        abandoned: 1,
        short_abandoned: 1,
        ..CallFigures::default()
    };
    assert_eq!(day, expected);
    // Every inbound call is answered, missed for a reason, or still going (call 8).
    assert_eq!(day.inbound, day.inbound_answered + day.missed() + 1);

    // A threshold is a parameter: with 60 s to answer, call 2 is in time too; with no short
    // abandons, call 3 is an abandon.
    let lenient = Thresholds {
        answer_within_ms: 60 * S,
        short_abandon_ms: 0,
    };
    let teams = store
        .team_figures(channel, T0, T0 + DAY, lenient)
        .await
        .unwrap();
    let summary: Vec<(Option<i64>, i64, i64, i64)> = teams
        .iter()
        .map(|t| {
            let f = &t.figures;
            (t.team_id, f.calls, f.answered_in_time, f.abandoned)
        })
        .collect();
    assert_eq!(summary, [(Some(team), 6, 2, 2), (None, 2, 0, 0)]);

    let queues = store
        .queue_figures(channel, T0, T0 + DAY, THRESHOLDS)
        .await
        .unwrap();
    assert_eq!(queues.len(), 1);
    assert_eq!(
        (queues[0].team_id, queues[0].manager_id),
        (Some(team), None)
    );
    assert_eq!(queues[0].figures.queued, 4);
    assert_eq!(queues[0].figures.calls, 4);

    let managers = store.manager_figures(channel, T0, T0 + DAY).await.unwrap();
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
            },
            ManagerFigures {
                manager_id: b,
                calls: 3,
                outbound: 1,
                answered: 1,
                talk_ms: (60 + 30) * S,
                ring_ms: (19 + 2) * S,
                missed_rings: 1,
            },
        ]
    );

    // Nothing of the other channel shows, whatever the period.
    let theirs = store
        .slot_figures(other, 0, i64::MAX, THRESHOLDS)
        .await
        .unwrap();
    assert_eq!(theirs.iter().map(|s| s.figures.calls).sum::<i64>(), 1);
    assert!(
        store
            .manager_figures(other, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Time in each status is cut to the period: the status held when it began counts from its
/// start, the last one up to its end.
pub(super) async fn time_in_each_status_is_cut_to_the_period(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _owner, other) = demo_and_other_channel(&store).await;
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let (a, b) = (route.members[0], route.members[1]);
    for (manager, status, at) in [
        (a, "available", T0 - HOUR),
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
    let times = store.status_times(channel, T0, T0 + DAY).await.unwrap();
    let time = |manager_id: i64, status: &str, ms: i64| StatusTime {
        manager_id,
        status: status.into(),
        ms,
    };
    assert_eq!(
        times,
        [
            time(a, "available", 12 * S + 10 * HOUR - 177 * S),
            time(a, "inCall", 120 * S),
            time(a, "offline", 14 * HOUR),
            time(a, "wrapUp", 45 * S),
            time(b, "away", 22 * HOUR),
        ]
    );
    assert!(
        store
            .status_times(other, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
}
