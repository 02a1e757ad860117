//! The time a question names: a period written out ("in 2017-Q4", "2020"), said in words
//! ("Q4 2017", "March 2020", "the first half of 2019", "between 2016 and 2018", "since
//! 2019"), or relative to the last day with activity ("last quarter", "this year", "the
//! last 6 months"); and which date of an item puts it there ("closed in 2020" counts
//! resolutions, "opened in 2020" creations, anything else the work active in it).

use chrono::{Datelike, Duration, NaiveDate};
use throughline_model::Period;

use crate::PeriodBy;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const ORDINALS: [(&str, u32); 8] = [
    ("first", 1),
    ("1st", 1),
    ("second", 2),
    ("2nd", 2),
    ("third", 3),
    ("3rd", 3),
    ("fourth", 4),
    ("4th", 4),
];

const COUNTS: [(&str, i64); 12] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
];

/// The question's words, lower case, with the punctuation around them gone (a period's
/// own `-` and `..` stay).
fn words(question: &str) -> Vec<String> {
    question
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
                .trim_end_matches('.')
                .trim_start_matches('.')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn year(w: &str) -> Option<i32> {
    (w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1970..=2100).contains(y))
}

fn month(w: &str) -> Option<u32> {
    // "may" alone is a verb too often; every month name counts only before a year.
    MONTHS
        .iter()
        .position(|m| w.len() >= 3 && m.starts_with(w))
        .map(|i| i as u32 + 1)
}

fn named(name: String) -> Option<Period> {
    name.parse().ok()
}

/// A period that starts at word `i`, and how many words it took.
fn point(w: &[String], i: usize) -> Option<(Period, usize)> {
    let at = |k: usize| w.get(i + k).map(String::as_str);
    let of = |k: usize| usize::from(at(k) == Some("of"));
    let first = at(0)?;
    // "2017", "2017-Q4", "2020-03", "2016-07-01..2016-09-30": what `--period` takes.
    // Bytes, not a `str` slice: a word's fourth byte may fall inside a character ("005Ó").
    if first.len() >= 4 && first.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        let y = year(first);
        // "2017 Q4", "2019 H1".
        if let (Some(y), Some(next)) = (y, at(1))
            && let Some(p) = quarter_or_half(next).and_then(|s| named(format!("{y}-{s}")))
        {
            return Some((p, 2));
        }
        if let Ok(p) = first.to_uppercase().parse::<Period>() {
            return Some((p, 1));
        }
        return None;
    }
    // "Q4 2017", "Q4 of 2017", "H2 2019".
    if let Some(s) = quarter_or_half(first) {
        let k = 1 + of(1);
        let y = at(k).and_then(year)?;
        return named(format!("{y}-{s}")).map(|p| (p, k + 1));
    }
    // "fourth quarter of 2017", "first half of 2019".
    if let Some(&(_, n)) = ORDINALS.iter().find(|(o, _)| *o == first) {
        let s = match at(1)? {
            "quarter" => format!("Q{n}"),
            "half" if n <= 2 => format!("H{n}"),
            _ => return None,
        };
        let k = 2 + of(2);
        let y = at(k).and_then(year)?;
        return named(format!("{y}-{s}")).map(|p| (p, k + 1));
    }
    // "March 2020", "march of 2020".
    if let Some(m) = month(first) {
        let k = 1 + of(1);
        let y = at(k).and_then(year)?;
        return named(format!("{y}-{m:02}")).map(|p| (p, k + 1));
    }
    None
}

fn quarter_or_half(w: &str) -> Option<String> {
    let mut c = w.chars();
    let kind = c.next()?;
    let n: u32 = c.as_str().parse().ok()?;
    match kind {
        'q' if (1..=4).contains(&n) => Some(format!("Q{n}")),
        'h' if (1..=2).contains(&n) => Some(format!("H{n}")),
        _ => None,
    }
}

fn range(name: String, start: NaiveDate, end: NaiveDate) -> Option<Period> {
    (start < end).then_some(Period { name, start, end })
}

fn joined(a: &Period, b: &Period) -> Option<Period> {
    range(format!("{} to {}", a.name, b.name), a.start, b.end)
}

/// The period a question names, if any, with `as_of` (the last day with activity)
/// standing for "now". Without one the answer covers all the data.
pub fn period_in(question: &str, as_of: NaiveDate) -> Option<Period> {
    let w = words(question);
    let until = ["to", "and", "until", "through", "thru", "till"];
    for i in 0..w.len() {
        // "between 2016 and 2018", "from Q1 2019 to Q3 2019".
        if (w[i] == "between" || w[i] == "from")
            && let Some((a, k)) = point(&w, i + 1)
        {
            if w.get(i + 1 + k)
                .is_some_and(|x| until.contains(&x.as_str()))
                && let Some((b, _)) = point(&w, i + 2 + k)
            {
                return joined(&a, &b);
            }
            if w[i] == "from" {
                return Some(a);
            }
        }
        // "since 2019": to the last day with activity.
        if w[i] == "since"
            && let Some((a, _)) = point(&w, i + 1)
        {
            return range(
                format!("since {}", a.name),
                a.start,
                as_of + Duration::days(1),
            );
        }
        // "2016-2018".
        if let Some((a, b)) = w[i].split_once('-')
            && let (Some(a), Some(b)) = (year(a), year(b))
        {
            let (a, b) = (named(a.to_string())?, named(b.to_string())?);
            return joined(&a, &b);
        }
        if let Some((a, k)) = point(&w, i) {
            // "2016 to 2018".
            if w.get(i + k)
                .is_some_and(|x| until.contains(&x.as_str()) && x != "and")
                && let Some((b, _)) = point(&w, i + k + 1)
            {
                return joined(&a, &b);
            }
            return Some(a);
        }
    }
    relative(&w, as_of)
}

/// "last quarter", "this year", "the last 6 months", "recently".
fn relative(w: &[String], as_of: NaiveDate) -> Option<Period> {
    let end = as_of + Duration::days(1);
    // "the last 6 months", "past two weeks", "last 90 days".
    for win in w.windows(3) {
        if !matches!(win[0].as_str(), "last" | "past" | "previous") {
            continue;
        }
        let n = win[1]
            .parse::<i64>()
            .ok()
            .or_else(|| COUNTS.iter().find(|(c, _)| *c == win[1]).map(|(_, n)| *n))
            .filter(|n| (1..=120).contains(n))?;
        let unit = win[2].trim_end_matches('s');
        let start = match unit {
            "day" => as_of - Duration::days(n - 1),
            "week" => end - Duration::weeks(n),
            "month" => months_back(end, n as i32),
            "quarter" => months_back(end, 3 * n as i32),
            "year" => months_back(end, 12 * n as i32),
            _ => continue,
        };
        return range(format!("the {n} {}s to {as_of}", unit), start, end);
    }
    let said = |unit: &str| -> Option<i32> {
        let before = |k: usize| w.get(k).map(String::as_str);
        let at = w.iter().position(|x| x == unit)?;
        match before(at.checked_sub(1)?)? {
            "this" | "current" => Some(0),
            "last" | "previous" | "past" => Some(-1),
            _ => None,
        }
    };
    if let Some(k) = said("week") {
        let d = as_of + Duration::weeks(i64::from(k));
        let iw = d.iso_week();
        return named(format!("{}-W{:02}", iw.year(), iw.week()));
    }
    if let Some(k) = said("month") {
        let m = as_of.year() * 12 + as_of.month0() as i32 + k;
        return named(format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1));
    }
    if let Some(k) = said("quarter") {
        let q = as_of.year() * 4 + (as_of.month0() / 3) as i32 + k;
        return named(format!("{}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1));
    }
    if let Some(k) = said("year") {
        return named((as_of.year() + k).to_string());
    }
    if w.iter().any(|x| x == "recently" || x == "lately") {
        return range(format!("the 3 months to {as_of}"), months_back(end, 3), end);
    }
    None
}

/// The day `n` months before `d` (clamped to the month's last day).
fn months_back(d: NaiveDate, n: i32) -> NaiveDate {
    let m = d.year() * 12 + d.month0() as i32 - n;
    let (y, m0) = (m.div_euclid(12), m.rem_euclid(12) as u32);
    (0..4)
        .find_map(|back| NaiveDate::from_ymd_opt(y, m0 + 1, d.day() - back.min(d.day() - 1)))
        .unwrap_or(d)
}

/// Which date of an item a question means: "closed", "fixed", "resolved", "finished",
/// "shipped" count resolutions; "created", "opened", "filed", "raised", "reported" count
/// creations; anything else the work active in the period (as every report counts it).
pub fn period_by_in(question: &str) -> PeriodBy {
    let w = words(question);
    let any = |list: &[&str]| w.iter().any(|x| list.contains(&x.as_str()));
    if any(&[
        "closed",
        "close",
        "fix",
        "fixed",
        "resolved",
        "resolve",
        "finished",
        "finish",
        "completed",
        "complete",
        "shipped",
        "ship",
        "delivered",
        "deliver",
    ]) {
        PeriodBy::Resolved
    } else if any(&[
        "created", "opened", "filed", "raised", "reported", "logged", "came",
    ]) {
        PeriodBy::Created
    } else {
        PeriodBy::Active
    }
}

/// Whether a word of the question only says when (a year, a month, "quarter", "last"):
/// such words are no topic to search for.
pub fn is_time_word(w: &str) -> bool {
    year(w).is_some()
        || month(w).is_some()
        || quarter_or_half(w).is_some()
        || ORDINALS.iter().any(|(o, _)| *o == w)
        || COUNTS.iter().any(|(c, _)| *c == w)
        || w.parse::<Period>().is_ok()
        || matches!(
            w,
            "week"
                | "weeks"
                | "month"
                | "months"
                | "quarter"
                | "quarters"
                | "year"
                | "years"
                | "day"
                | "days"
                | "half"
                | "last"
                | "past"
                | "previous"
                | "this"
                | "current"
                | "since"
                | "between"
                | "until"
                | "recently"
                | "lately"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Option<(String, String, String)> {
        let as_of = NaiveDate::from_ymd_opt(2021, 11, 20).unwrap();
        period_in(q, as_of).map(|p| (p.name, p.start.to_string(), p.end.to_string()))
    }

    fn span(q: &str) -> (String, String) {
        let (_, a, b) = p(q).unwrap_or_else(|| panic!("no period in {q}"));
        (a, b)
    }

    #[test]
    fn periods_said_in_words() {
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            span("what happened in 2020?"),
            pair("2020-01-01", "2021-01-01")
        );
        assert_eq!(span("in 2017-Q4"), pair("2017-10-01", "2018-01-01"));
        assert_eq!(span("in Q4 2017"), pair("2017-10-01", "2018-01-01"));
        assert_eq!(span("in 2017 q4"), pair("2017-10-01", "2018-01-01"));
        assert_eq!(
            span("the fourth quarter of 2017"),
            pair("2017-10-01", "2018-01-01")
        );
        assert_eq!(span("in March 2020"), pair("2020-03-01", "2020-04-01"));
        assert_eq!(span("in sep 2019"), pair("2019-09-01", "2019-10-01"));
        assert_eq!(span("first half of 2019"), pair("2019-01-01", "2019-07-01"));
        assert_eq!(
            span("between 2016 and 2018"),
            pair("2016-01-01", "2019-01-01")
        );
        assert_eq!(span("from 2016 to 2018"), pair("2016-01-01", "2019-01-01"));
        assert_eq!(span("in 2016-2018"), pair("2016-01-01", "2019-01-01"));
        assert_eq!(span("since 2019"), pair("2019-01-01", "2021-11-21"));
        assert_eq!(span("last quarter"), pair("2021-07-01", "2021-10-01"));
        assert_eq!(span("this year"), pair("2021-01-01", "2022-01-01"));
        assert_eq!(
            span("in the last 6 months"),
            pair("2021-05-21", "2021-11-21")
        );
        assert_eq!(span("past two weeks"), pair("2021-11-07", "2021-11-21"));
        assert_eq!(p("last quarter").unwrap().0, "2021-Q3");
        assert_eq!(p("between 2016 and 2018").unwrap().0, "2016 to 2018");
        for none in [
            "what work is off plan and why?",
            "fixes that take 5 days",
            "may we see the android work",
            "top 3 teams",
        ] {
            assert_eq!(p(none), None, "{none}");
        }
    }

    #[test]
    fn which_date_a_question_means() {
        assert_eq!(
            period_by_in("what did we close in 2020?"),
            PeriodBy::Resolved
        );
        assert_eq!(period_by_in("bugs opened in 2019"), PeriodBy::Created);
        assert_eq!(
            period_by_in("what did we work on in 2019"),
            PeriodBy::Active
        );
    }
}
