//! Reporting periods: "2026-Q3", "2026-H2", "2026-07", "2026-W32", "2026", or an explicit
//! range "2026-07-01..2026-09-30".

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A half-open range of days `[start, end)` with the name it was given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub name: String,
    pub start: NaiveDate,
    /// First day after the period.
    pub end: NaiveDate,
}

/// The text did not name a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a period: use 2026-Q3, 2026-H2, 2026-07, 2026-W32, 2026 or 2026-07-01..2026-09-30"
)]
pub struct ParsePeriodError(pub String);

impl Period {
    /// Whether the instant falls in the period.
    pub fn contains(&self, t: Timestamp) -> bool {
        let d = t.date_naive();
        d >= self.start && d < self.end
    }

    pub fn start_ts(&self) -> Timestamp {
        day_start(self.start)
    }

    pub fn end_ts(&self) -> Timestamp {
        day_start(self.end)
    }

    /// The period of the same length just before this one (for comparisons).
    pub fn previous(&self) -> Period {
        let len = self.end - self.start;
        Period {
            name: format!("before {}", self.name),
            // Saturating: a period at the calendar's first days has nothing before it
            // (found by the `period` fuzz target).
            start: self.start.checked_sub_signed(len).unwrap_or(NaiveDate::MIN),
            end: self.start,
        }
    }

    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The quarter containing `day`.
    pub fn quarter_of(day: NaiveDate) -> Period {
        let q = (day.month0() / 3) + 1;
        format!("{}-Q{q}", day.year())
            .parse()
            .unwrap_or_else(|_| Period::range(day, day + Duration::days(1)))
    }

    fn range(start: NaiveDate, end: NaiveDate) -> Period {
        Period {
            name: format!("{start}..{}", end - Duration::days(1)),
            start,
            end,
        }
    }
}

fn day_start(d: NaiveDate) -> Timestamp {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn months(y: i32, first: u32, count: u32) -> Option<(NaiveDate, NaiveDate)> {
    let start = ymd(y, first, 1)?;
    let last = first + count;
    let end = if last > 12 {
        ymd(y + 1, last - 12, 1)?
    } else {
        ymd(y, last, 1)?
    };
    Some((start, end))
}

impl FromStr for Period {
    type Err = ParsePeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || ParsePeriodError(s.to_string());
        if let Some((a, b)) = t.split_once("..") {
            let a = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| err())?;
            let b = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| err())?;
            if b < a {
                return Err(err());
            }
            return Ok(Period::range(a, b + Duration::days(1)));
        }
        let upper = t.to_ascii_uppercase();
        let (year, rest) = match upper.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (upper.as_str(), None),
        };
        let year: i32 = year.parse().map_err(|_| err())?;
        if !(1970..=9999).contains(&year) {
            return Err(err());
        }
        let (start, end) = match rest {
            None => months(year, 1, 12),
            Some(r) if r.starts_with('Q') => match r[1..].parse::<u32>() {
                Ok(q @ 1..=4) => months(year, (q - 1) * 3 + 1, 3),
                _ => None,
            },
            Some(r) if r.starts_with('H') => match r[1..].parse::<u32>() {
                Ok(h @ 1..=2) => months(year, (h - 1) * 6 + 1, 6),
                _ => None,
            },
            Some(r) if r.starts_with('W') => r[1..].parse::<u32>().ok().and_then(|w| {
                let start = NaiveDate::from_isoywd_opt(year, w, chrono::Weekday::Mon)?;
                Some((start, start + Duration::days(7)))
            }),
            Some(r) => match r.parse::<u32>() {
                Ok(m @ 1..=12) if r.len() == 2 => months(year, m, 1),
                _ => None,
            },
        }
        .ok_or_else(err)?;
        Ok(Period {
            name: upper,
            start,
            end,
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_before_the_calendars_first_days_saturates() {
        // A long range from the first representable day: the same length before it does
        // not exist (the `period` fuzz target's finding).
        let first = Period::range(NaiveDate::MIN, NaiveDate::MIN + Duration::days(400));
        let before = first.previous();
        assert_eq!(before.start, NaiveDate::MIN);
        assert_eq!(before.end, first.start);
        let q3: Period = "2026-Q3".parse().unwrap();
        assert_eq!(q3.previous().start.to_string(), "2026-03-31"); // 92 days before
    }

    fn p(s: &str) -> (String, String) {
        let p: Period = s.parse().unwrap();
        (p.start.to_string(), p.end.to_string())
    }

    #[test]
    fn periods_parse_to_half_open_day_ranges() {
        assert_eq!(p("2026-Q3"), ("2026-07-01".into(), "2026-10-01".into()));
        assert_eq!(p("2026-q4"), ("2026-10-01".into(), "2027-01-01".into()));
        assert_eq!(p("2026-H2"), ("2026-07-01".into(), "2027-01-01".into()));
        assert_eq!(p("2026-02"), ("2026-02-01".into(), "2026-03-01".into()));
        assert_eq!(p("2026"), ("2026-01-01".into(), "2027-01-01".into()));
        assert_eq!(p("2026-W01"), ("2025-12-29".into(), "2026-01-05".into()));
        assert_eq!(
            p("2026-07-01..2026-07-31"),
            ("2026-07-01".into(), "2026-08-01".into())
        );
        for bad in [
            "2026-Q5",
            "26-Q1",
            "2026-13",
            "Q3",
            "2026-07-31..2026-07-01",
            "",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        let q3: Period = "2026-Q3".parse().unwrap();
        assert_eq!(q3.previous().start.to_string(), "2026-03-31");
        assert!(q3.contains("2026-09-30T23:59:59Z".parse().unwrap()));
        assert!(!q3.contains("2026-10-01T00:00:00Z".parse().unwrap()));
    }
}
