//! When `throughline serve --digest` sends: "mon 09:00" (weekly), "daily 09:00", in the
//! server's local time, and "every 30s", a short interval meant for trying a setup out
//! and for tests.

use std::time::Duration;

use chrono::{DateTime, Datelike, Days, NaiveTime, TimeZone, Weekday};

/// A schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Weekly(Weekday, NaiveTime),
    Daily(NaiveTime),
    /// A fixed interval from the start (for trying a setup out and for tests).
    Every(Duration),
}

/// A schedule that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a digest schedule: use a day and a time (\"mon 09:00\"), \"daily 09:00\", \
     or \"every 30s\" to try it out"
)]
pub struct ScheduleError(pub String);

impl std::str::FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ScheduleError(s.to_string());
        let t = s.trim().to_ascii_lowercase();
        let (first, rest) = t.split_once(char::is_whitespace).ok_or_else(err)?;
        let rest = rest.trim();
        if first == "every" {
            let d = humantime_like(rest).ok_or_else(err)?;
            return Ok(Schedule::Every(d));
        }
        let time = NaiveTime::parse_from_str(rest, "%H:%M").map_err(|_| err())?;
        if first == "daily" {
            return Ok(Schedule::Daily(time));
        }
        let day = first.parse::<Weekday>().map_err(|_| err())?;
        Ok(Schedule::Weekly(day, time))
    }
}

/// "30s", "2m", "1h": a positive whole number of seconds, minutes or hours.
fn humantime_like(s: &str) -> Option<Duration> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    let secs = match unit.trim() {
        "s" | "sec" | "secs" | "seconds" => n,
        "m" | "min" | "mins" | "minutes" => n * 60,
        "h" | "hour" | "hours" => n * 3600,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

impl Schedule {
    /// How long from `now` until the next send. A time that does not exist that day (a
    /// clock moved forward) is taken an hour later.
    pub fn wait_from<Tz: TimeZone>(&self, now: &DateTime<Tz>) -> Duration {
        let (time, weekday) = match *self {
            Schedule::Every(d) => return d,
            Schedule::Daily(t) => (t, None),
            Schedule::Weekly(d, t) => (t, Some(d)),
        };
        let tz = now.timezone();
        let today = now.date_naive();
        // The first day from today whose send time is still ahead (at most 8 days on).
        for ahead in 0..=8u64 {
            let Some(day) = today.checked_add_days(Days::new(ahead)) else {
                break;
            };
            if weekday.is_some_and(|w| day.weekday() != w) {
                continue;
            }
            let local = day.and_time(time);
            let at = tz.from_local_datetime(&local).earliest().or_else(|| {
                tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            });
            if let Some(at) = at
                && at > *now
            {
                return (at - now.clone()).to_std().unwrap_or_default();
            }
        }
        Duration::from_secs(24 * 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn schedules_are_a_weekday_daily_or_a_short_interval() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(
            "mon 09:00".parse(),
            Ok(Schedule::Weekly(Weekday::Mon, t(9, 0)))
        );
        assert_eq!(
            "Friday 17:30".parse(),
            Ok(Schedule::Weekly(Weekday::Fri, t(17, 30)))
        );
        assert_eq!("daily 07:05".parse(), Ok(Schedule::Daily(t(7, 5))));
        assert_eq!(
            "every 2s".parse(),
            Ok(Schedule::Every(Duration::from_secs(2)))
        );
        assert_eq!(
            "every 5m".parse(),
            Ok(Schedule::Every(Duration::from_secs(300)))
        );
        for bad in [
            "mon",
            "mon 25:00",
            "weekly 09:00",
            "every 0s",
            "every soon",
            "",
        ] {
            assert!(bad.parse::<Schedule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_send_is_the_next_matching_day_and_time() {
        let mon9: Schedule = "mon 09:00".parse().unwrap();
        // 2026-12-07 is a Monday.
        assert_eq!(
            mon9.wait_from(&at("2026-12-07T08:00:00Z")),
            Duration::from_secs(3600)
        );
        // Just past it: next week.
        assert_eq!(
            mon9.wait_from(&at("2026-12-07T09:00:00Z")),
            Duration::from_secs(7 * 24 * 3600)
        );
        assert_eq!(
            mon9.wait_from(&at("2026-12-09T09:00:00Z")),
            Duration::from_secs(5 * 24 * 3600)
        );
        let daily: Schedule = "daily 09:00".parse().unwrap();
        assert_eq!(
            daily.wait_from(&at("2026-12-07T10:00:00Z")),
            Duration::from_secs(23 * 3600)
        );
    }
}
