//! Date parsing for the shapes trackers actually export.
//!
//! Exports mix ISO 8601 (APIs, Linear), Jira's `+0000` offsets without a colon, and Jira's
//! locale-formatted CSV dates such as `12/Jan/26 1:25 PM`. Values without a time zone are
//! read as UTC: the export does not say which zone its user had, and a few hours' shift does
//! not change which week or quarter work landed in for the reports built on top.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use throughline_model::Timestamp;

/// Zoned formats that RFC 3339 parsing does not accept.
const ZONED: &[&str] = &[
    // Jira REST: 2026-07-01T10:11:12.000+0000
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f %z",
];

/// Formats without a zone, read as UTC.
const NAIVE: &[&str] = &[
    // Jira CSV, English locale, both clocks and both year widths.
    "%d/%b/%y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%Y %H:%M",
    "%d/%b/%y %I:%M:%S %p",
    "%d/%b/%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d-%b-%Y %H:%M",
    // Azure Boards CSV, English (US) locale: month first, twelve-hour clock.
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
];

const DATE_ONLY: &[&str] = &["%Y-%m-%d", "%d/%b/%y", "%d/%b/%Y", "%Y/%m/%d"];

/// Parses a tracker date. Returns `None` when the text matches no known shape, so the
/// caller can report the field it came from.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    // Jira CSV dates (`12/Jan/26 ...`) cannot be ISO; skipping those attempts matters
    // when a million rows each carry several dates.
    let day_month = s.as_bytes().get(1..3).is_some_and(|b| b.contains(&b'/'));
    if !day_month {
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Some(dt.with_timezone(&Utc));
        }
        for fmt in ZONED {
            if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
                return Some(dt.with_timezone(&Utc));
            }
        }
    }
    // JavaScript's Date#toString, which some JS-built exports write:
    // "Tue Jan 09 2024 10:00:00 GMT+0000 (Coordinated Universal Time)".
    if s.contains(" GMT") {
        let core = s.split(" (").next().unwrap_or(s);
        if let Ok(dt) = DateTime::parse_from_str(core, "%a %b %d %Y %H:%M:%S GMT%z") {
            return Some(dt.with_timezone(&Utc));
        }
    }
    for fmt in NAIVE {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&dt));
        }
    }
    for fmt in DATE_ONLY {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return d.and_hms_opt(0, 0, 0).map(|dt| Utc.from_utc_datetime(&dt));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> String {
        parse_timestamp(s)
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn reads_the_shapes_trackers_export() {
        assert_eq!(
            at("2026-07-01T10:11:12.000+0000"),
            "2026-07-01T10:11:12+00:00"
        );
        assert_eq!(
            at("2026-07-01T10:11:12.000+0200"),
            "2026-07-01T08:11:12+00:00"
        );
        assert_eq!(at("2018-01-12T13:25:58-08:00"), "2018-01-12T21:25:58+00:00");
        assert_eq!(
            at("2024-05-14T08:53:33.123Z"),
            "2024-05-14T08:53:33.123+00:00"
        );
        assert_eq!(at("2026-07-01"), "2026-07-01T00:00:00+00:00");
        assert_eq!(at("2026-01-12 13:25"), "2026-01-12T13:25:00+00:00");
        assert_eq!(at("2026-01-12 13:25:09"), "2026-01-12T13:25:09+00:00");
        assert_eq!(at("12/Jan/26 1:25 PM"), "2026-01-12T13:25:00+00:00");
        assert_eq!(at("12/Jan/26 11:05 AM"), "2026-01-12T11:05:00+00:00");
        assert_eq!(at("30/Jul/18 23:33"), "2018-07-30T23:33:00+00:00");
        assert_eq!(at("12/JAN/2026 1:25 pm"), "2026-01-12T13:25:00+00:00");
        assert_eq!(at("12/Jan/26"), "2026-01-12T00:00:00+00:00");
        assert_eq!(at("1/12/2026 1:25:07 PM"), "2026-01-12T13:25:07+00:00");
        assert_eq!(at("12/1/2026 9:05 AM"), "2026-12-01T09:05:00+00:00");
        assert_eq!(
            at("Tue Jan 09 2024 10:00:00 GMT+0100 (Central European Standard Time)"),
            "2024-01-09T09:00:00+00:00"
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "31/31/2026",
            "yesterday",
            "2026-13-01",
            "12/Foo/26 1:25 PM",
            "",
        ] {
            assert_eq!(at(bad), "none", "{bad}");
        }
    }
}
