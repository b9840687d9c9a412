//! Operating hours: a weekly schedule with holidays, in the channel's time zone
//! (`docs/product.md#ivr`). The time is given, never read: `is_open(unix_ms)`.

use chrono::{Datelike, NaiveDate, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;

/// One open period: from `start` to `end` minutes after midnight on `day`. An `end` at or
/// before `start` runs past midnight into the next day (a night shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenPeriod {
    /// The day it starts on.
    pub day: Weekday,
    /// Minutes after midnight, 0–1439.
    pub start: u16,
    /// Minutes after midnight, 1–1440.
    pub end: u16,
}

/// When a channel (or a workflow) is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The time zone the periods are in (a channel's default: Asia/Seoul).
    pub zone: Tz,
    /// The weekly open periods.
    pub periods: Vec<OpenPeriod>,
    /// Whole days closed, in the zone's calendar.
    pub holidays: Vec<NaiveDate>,
}

/// Minutes in a day.
const DAY: u16 = 24 * 60;

impl Schedule {
    /// Weekdays 09:00–18:00 in Seoul, the usual Korean support desk.
    pub fn office_hours() -> Schedule {
        let weekdays = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        Schedule {
            zone: chrono_tz::Asia::Seoul,
            periods: weekdays
                .into_iter()
                .map(|day| OpenPeriod {
                    day,
                    start: 9 * 60,
                    end: 18 * 60,
                })
                .collect(),
            holidays: Vec::new(),
        }
    }

    /// Open 24 hours, every day.
    pub fn always(zone: Tz) -> Schedule {
        let days = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        Schedule {
            zone,
            periods: days
                .into_iter()
                .map(|day| OpenPeriod {
                    day,
                    start: 0,
                    end: DAY,
                })
                .collect(),
            holidays: Vec::new(),
        }
    }

    /// Whether it is open at `unix_ms` (Unix milliseconds, UTC). A holiday closes its whole
    /// calendar day, including the part of a night shift from the day before that runs into it.
    pub fn is_open(&self, unix_ms: i64) -> bool {
        let Some(local) = self.zone.timestamp_millis_opt(unix_ms).single() else {
            return false;
        };
        let today = local.date_naive();
        if self.holidays.contains(&today) {
            return false;
        }
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let weekday = local.weekday();
        let yesterday = weekday.pred();
        let yesterday_holiday = today.pred_opt().is_some_and(|d| self.holidays.contains(&d));
        self.periods.iter().any(|p| {
            let overnight = p.end <= p.start;
            if p.day == weekday {
                minute >= p.start && (overnight || minute < p.end)
            } else {
                // A night shift that started yesterday covers today until its end, unless it
                // started on a holiday.
                p.day == yesterday && overnight && !yesterday_holiday && minute < p.end
            }
        })
    }

    /// Problems with the schedule, for validation: periods out of range.
    pub fn problems(&self) -> Vec<String> {
        self.periods
            .iter()
            .filter(|p| p.start >= DAY || p.end == 0 || p.end > DAY)
            .map(|p| {
                format!(
                    "the period on {} from minute {} to {} is not within a day",
                    p.day, p.start, p.end
                )
            })
            .collect()
    }
}
