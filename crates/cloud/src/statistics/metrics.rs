//! Metric definitions (`docs/statistics.md`): a period in a channel's days, and the rates and
//! averages derived from the store's sums. Pure: no I/O, no clock.

use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use ringdesk_store::statistics::{CallFigures, ManagerFigures, SlotCounts};
use ringdesk_wire::{
    ANSWER_WITHIN_CHOICES, CallMetrics, DayTraffic, ManagerMetrics, MissedByReason,
    SHORT_ABANDON_CHOICES, STATISTICS_MAX_DAYS, StatusTimes,
};

/// A period of whole days in a channel's time zone, and the instants it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// The first day's midnight, Unix ms.
    pub from_ms: i64,
    /// The midnight after the last day, Unix ms.
    pub to_ms: i64,
}

/// Why a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// A day is not `YYYY-MM-DD`.
    #[error("{field} is not a day (YYYY-MM-DD): {value:?}")]
    NotADay {
        /// `from` or `to`.
        field: &'static str,
        /// What was sent.
        value: String,
    },
    /// `to` is before `from`.
    #[error("the period ends ({to}) before it starts ({from})")]
    Reversed {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// Longer than one query may cover.
    #[error("a query covers at most {STATISTICS_MAX_DAYS} days; {days} asked")]
    TooLong {
        /// Days asked.
        days: i64,
    },
}

/// When a day begins in `zone`, Unix ms (a midnight skipped by a clock change begins at the
/// first instant that exists).
pub fn day_start(day: NaiveDate, zone: Tz) -> i64 {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    let mut local = midnight;
    loop {
        if let Some(t) = zone.from_local_datetime(&local).earliest() {
            return t.timestamp_millis();
        }
        local += chrono::Duration::minutes(15);
    }
}

/// Reads a period of whole days, `from` to `to` inclusive.
pub fn period(from: &str, to: &str, zone: Tz) -> Result<Period, PeriodError> {
    let day = |field: &'static str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| PeriodError::NotADay {
            field,
            value: value.to_string(),
        })
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if to < from {
        return Err(PeriodError::Reversed { from, to });
    }
    let days = (to - from).num_days() + 1;
    if days > STATISTICS_MAX_DAYS {
        return Err(PeriodError::TooLong { days });
    }
    let after = to.succ_opt().ok_or(PeriodError::TooLong { days })?;
    Ok(Period {
        from,
        to,
        from_ms: day_start(from, zone),
        to_ms: day_start(after, zone),
    })
}

/// The thresholds a query names, or the defaults (20 s to answer, 5 s short abandon).
pub fn thresholds(
    answer_within_s: Option<i64>,
    short_abandon_s: Option<i64>,
) -> Result<(i64, i64), String> {
    let answer = answer_within_s.unwrap_or(20);
    let short = short_abandon_s.unwrap_or(5);
    if !ANSWER_WITHIN_CHOICES.contains(&answer) {
        return Err(format!(
            "answerWithinS is one of {ANSWER_WITHIN_CHOICES:?} seconds, not {answer}"
        ));
    }
    if !SHORT_ABANDON_CHOICES.contains(&short) {
        return Err(format!(
            "shortAbandonS is one of {SHORT_ABANDON_CHOICES:?} seconds, not {short}"
        ));
    }
    Ok((answer, short))
}

/// `part ÷ whole`, or `None` when there is nothing to divide.
fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// An average of milliseconds in seconds, or `None` with nothing to average.
fn seconds(sum_ms: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| sum_ms as f64 / count as f64 / 1000.0)
}

/// The service level's parts: queued calls answered within `answer_within_s`, and the calls
/// it is out of (queued calls answered, plus those abandoned after `short_abandon_s`).
pub fn service_level_parts(
    f: &CallFigures,
    answer_within_s: i64,
    short_abandon_s: i64,
) -> (i64, i64) {
    let answered_in_time = f.answered_within(answer_within_s).unwrap_or(0);
    let (abandoned, _) = f.abandons(short_abandon_s).unwrap_or((0, 0));
    (answered_in_time, f.queued_answered + abandoned)
}

/// The metrics of a set of calls under thresholds [`thresholds`] accepted.
pub fn call_metrics(f: &CallFigures, answer_within_s: i64, short_abandon_s: i64) -> CallMetrics {
    let (answered_in_time, service_level_calls) =
        service_level_parts(f, answer_within_s, short_abandon_s);
    let (abandoned, short_abandoned) = f.abandons(short_abandon_s).unwrap_or((0, 0));
    CallMetrics {
        total: f.calls,
        inbound: f.inbound,
        outbound: f.outbound,
        answered: f.inbound_answered,
        outbound_answered: f.outbound_answered,
        missed: f.missed(),
        missed_by_reason: MissedByReason {
            not_in_operation: f.missed_not_in_operation,
            no_operator: f.missed_no_operator,
            abandoned_in_queue: f.missed_abandoned_in_queue,
            ring_time_over: f.missed_ring_time_over,
            user_left: f.missed_user_left,
            exceeded_queue: f.missed_exceeded_queue,
            workflow: f.missed_workflow,
        },
        inbound_completion_rate: ratio(f.inbound_answered, f.inbound),
        outbound_completion_rate: ratio(f.outbound_answered, f.outbound),
        average_call_duration_s: seconds(f.talk_ms, f.talked),
        average_first_response_s: seconds(f.first_response_ms, f.inbound_answered),
        average_wrap_up_s: seconds(f.wrap_up_ms, f.wrapped_up),
        average_hold_s: seconds(f.hold_ms, f.talked),
        average_handle_time_s: seconds(f.talk_ms + f.wrap_up_ms, f.talked),
        queued: f.queued,
        answered_in_time,
        abandoned,
        short_abandoned,
        service_level: ratio(answered_in_time, service_level_calls),
        average_speed_of_answer_s: seconds(f.queue_wait_ms, f.queued_answered),
        abandonment_rate: ratio(abandoned, f.queued - short_abandoned),
    }
}

/// A manager's figures as the app and the API show them.
pub fn manager_metrics(f: &ManagerFigures, name: String) -> ManagerMetrics {
    let s = |ms: i64| ms / 1000;
    let [available, away, in_call, wrap_up, offline] = f.status_ms;
    ManagerMetrics {
        manager_id: f.manager_id,
        name,
        total: f.calls,
        outbound: f.outbound,
        answered: f.answered,
        talk_s: s(f.talk_ms),
        total_s: s(f.ring_ms + f.talk_ms),
        missed_rings: f.missed_rings,
        status: StatusTimes {
            available_s: s(available),
            away_s: s(away),
            in_call_s: s(in_call),
            wrap_up_s: s(wrap_up),
            offline_s: s(offline),
        },
    }
}

/// The local time a slot starts at.
fn slot_time(slot: i64, zone: Tz) -> Option<chrono::DateTime<Tz>> {
    let at = chrono::DateTime::from_timestamp_millis(slot * ringdesk_store::statistics::SLOT_MS)?;
    Some(at.with_timezone(&zone))
}

/// Calls by local weekday (Monday first) and hour of their start.
pub fn by_weekday_hour(slots: &[SlotCounts], zone: Tz) -> Vec<Vec<i64>> {
    let mut grid = vec![vec![0; 24]; 7];
    for s in slots {
        if let Some(t) = slot_time(s.slot, zone) {
            let day = t.weekday().num_days_from_monday() as usize;
            grid[day][t.hour() as usize] += s.calls;
        }
    }
    grid
}

/// Each day of the period with its traffic (days without calls too).
pub fn days(slots: &[SlotCounts], period: &Period, zone: Tz) -> Vec<DayTraffic> {
    let mut out: Vec<DayTraffic> = period
        .from
        .iter_days()
        .take_while(|d| *d <= period.to)
        .map(|d| DayTraffic {
            date: d.format("%Y-%m-%d").to_string(),
            total: 0,
            answered: 0,
            missed: 0,
            outbound: 0,
        })
        .collect();
    for s in slots {
        let Some(t) = slot_time(s.slot, zone) else {
            continue;
        };
        let i = (t.date_naive() - period.from).num_days();
        if let Some(d) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            d.total += s.calls;
            d.answered += s.inbound_answered;
            d.missed += s.missed;
            d.outbound += s.outbound;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::{Kathmandu, Seoul};

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_is_whole_days_in_the_channels_zone() {
        let p = period("2026-03-02", "2026-03-02", Seoul).unwrap();
        // Midnight in Seoul is 15:00 UTC the day before.
        assert_eq!(p.from_ms, 1_772_377_200_000);
        assert_eq!(p.to_ms - p.from_ms, 86_400_000);
        // Kathmandu is UTC+5:45: its midnight is still a whole 15-minute slot.
        let k = period("2026-03-02", "2026-03-03", Kathmandu).unwrap();
        assert_eq!(k.from_ms % 900_000, 0);
        assert_eq!(k.to_ms - k.from_ms, 2 * 86_400_000);
        // A day with a clock change is 23 hours long.
        let ny = period("2026-03-08", "2026-03-08", chrono_tz::America::New_York).unwrap();
        assert_eq!(ny.to_ms - ny.from_ms, 23 * 3_600_000);
    }

    #[test]
    fn a_bad_period_says_what_is_wrong() {
        let e = |from: &str, to: &str| period(from, to, Seoul).unwrap_err().to_string();
        assert_eq!(
            e("2026-3-2x", "2026-03-02"),
            "from is not a day (YYYY-MM-DD): \"2026-3-2x\""
        );
        assert_eq!(
            e("2026-03-02", "2026-03-01"),
            "the period ends (2026-03-01) before it starts (2026-03-02)"
        );
        // 1 January to 31 March is 90 days: the most one query covers.
        assert!(period("2026-01-01", "2026-03-31", Seoul).is_ok());
        assert_eq!(
            e("2026-01-01", "2026-04-01"),
            "a query covers at most 90 days; 91 asked"
        );
        assert_eq!(
            thresholds(Some(25), None).unwrap_err(),
            "answerWithinS is one of [10, 15, 20, 30, 45, 60, 90, 120, 180, 300] seconds, not 25"
        );
        assert_eq!(thresholds(None, None), Ok((20, 5)));
        assert!(thresholds(None, Some(7)).is_err());
    }

    #[test]
    fn metrics_are_the_sums_divided_with_the_thresholds_given() {
        let f = CallFigures {
            calls: 10,
            inbound: 8,
            outbound: 2,
            inbound_answered: 5,
            outbound_answered: 1,
            missed_user_left: 2,
            missed_not_in_operation: 1,
            talked: 6,
            talk_ms: 6 * 90_000,
            hold_ms: 6 * 10_000,
            first_response_ms: 5 * 12_000,
            wrapped_up: 3,
            wrap_up_ms: 3 * 40_000,
            queued: 6,
            queued_answered: 4,
            queue_wait_ms: 4 * 15_000,
            // Waits: 2 within 10 s, 1 within 20 s, 1 within 45 s.
            answered_waits: [2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0],
            // Abandons: one after 3 s, one after 40 s.
            abandon_waits: [1, 0, 0, 0, 0, 1],
            ..CallFigures::default()
        };
        let m = call_metrics(&f, 20, 5);
        assert_eq!((m.total, m.inbound, m.answered, m.missed), (10, 8, 5, 3));
        assert_eq!(m.inbound_completion_rate, Some(5.0 / 8.0));
        assert_eq!(m.outbound_completion_rate, Some(0.5));
        assert_eq!(m.average_call_duration_s, Some(90.0));
        assert_eq!(m.average_first_response_s, Some(12.0));
        assert_eq!(m.average_wrap_up_s, Some(40.0));
        assert_eq!(m.average_hold_s, Some(10.0));
        // (6 × 90 s + 3 × 40 s) ÷ 6.
        assert_eq!(m.average_handle_time_s, Some(110.0));
        assert_eq!(
            (m.answered_in_time, m.abandoned, m.short_abandoned),
            (3, 1, 1)
        );
        // 3 in time ÷ (4 answered + 1 abandoned).
        assert_eq!(m.service_level, Some(0.6));
        assert_eq!(m.average_speed_of_answer_s, Some(15.0));
        // 1 abandoned ÷ (6 queued − 1 short).
        assert_eq!(m.abandonment_rate, Some(0.2));
        // Other thresholds, other figures, from the same sums.
        let lenient = call_metrics(&f, 60, 0);
        assert_eq!(lenient.service_level, Some(4.0 / 6.0));
        assert_eq!(lenient.abandonment_rate, Some(2.0 / 6.0));
        // Nothing to divide: no figure, not zero.
        let none = call_metrics(&CallFigures::default(), 20, 5);
        assert_eq!(none.service_level, None);
        assert_eq!(none.average_call_duration_s, None);
    }

    #[test]
    fn traffic_is_folded_into_local_weekdays_hours_and_days() {
        let p = period("2026-03-02", "2026-03-03", Seoul).unwrap();
        let slot = |ms: i64, calls: i64| SlotCounts {
            slot: ms / 900_000,
            calls,
            inbound: calls,
            inbound_answered: calls - 1,
            outbound: 0,
            outbound_answered: 0,
            missed: 1,
        };
        // 09:15 Monday and 23:45 Tuesday in Seoul.
        let slots = [
            slot(p.from_ms + 9 * 3_600_000 + 900_000, 3),
            slot(p.from_ms + 47 * 3_600_000 + 2_700_000, 2),
        ];
        let grid = by_weekday_hour(&slots, Seoul);
        assert_eq!(grid[0][9], 3);
        assert_eq!(grid[1][23], 2);
        assert_eq!(grid.iter().flatten().sum::<i64>(), 5);
        let d = days(&slots, &p, Seoul);
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].date.as_str(), d[0].total, d[0].answered),
            ("2026-03-02", 3, 2)
        );
        assert_eq!(
            (d[1].date.as_str(), d[1].total, d[1].missed),
            ("2026-03-03", 2, 1)
        );
        assert_eq!(date("2026-03-03"), p.to);
    }
}
