//! Timeframes of targets. An initiative may say when it runs (`starts`, `ends`), and an
//! epic standing for one runs from its creation to its resolution. Work created well
//! outside that span rarely serves it, and a target nothing is linked to yet (a new
//! epic) is, while it is open, where new work goes; without its timeframe such a target
//! has only its title to compete with targets that have hundreds of linked items.
//!
//! Three weights, fitted on the held-out fold like every other source (and 0 when they
//! do not help there): inside the timeframe, outside it, and inside the timeframe of a
//! target nothing was linked to.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use throughline_model::{LinkTarget, Strategy};

/// Days either side of a timeframe that still count as inside: work is often filed a
/// few days before its epic, or closed out just after.
const GRACE_DAYS: f64 = 7.0;

/// How much being inside or outside a target's timeframe moves its score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct TimeframeWeights {
    /// Added inside the timeframe.
    pub inside: f32,
    /// Subtracted outside it.
    pub outside: f32,
    /// Added, on top of `inside`, inside the timeframe of a target with no linked item.
    pub new_inside: f32,
}

impl TimeframeWeights {
    pub fn is_zero(&self) -> bool {
        *self == TimeframeWeights::default()
    }
}

/// Per target: its timeframe, if it has one, and whether anything is linked to it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timeframes {
    /// Per class: first and last day, either open.
    spans: Vec<Option<(Option<NaiveDate>, Option<NaiveDate>)>>,
    /// Per class: the days (as item times count them) inside, grace included; open
    /// ends are infinite. Kept apart so that inference compares two numbers.
    inside: Vec<Option<(f64, f64)>>,
    /// Per class: no linked item.
    new: Vec<bool>,
}

/// Days since the epoch at the start of `d` (UTC), as item times are measured.
fn day_number(d: NaiveDate) -> f64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0.0, |t| t.and_utc().timestamp() as f64 / 86_400.0)
}

impl Timeframes {
    /// The timeframes of `classes` from the strategy's initiatives, with `linked[c]`
    /// the number of linked items of class `c`.
    pub fn new(strategy: &Strategy, classes: &[LinkTarget], linked: &[usize]) -> Self {
        let spans: Vec<_> = classes
            .iter()
            .map(|c| match c {
                LinkTarget::Initiative(id) => strategy
                    .initiative(id)
                    .filter(|i| i.starts.is_some() || i.ends.is_some())
                    .map(|i| (i.starts, i.ends)),
                _ => None,
            })
            .collect();
        let inside = spans
            .iter()
            .map(|span| {
                span.map(|(s, e)| {
                    (
                        s.map_or(f64::NEG_INFINITY, |s| day_number(s) - GRACE_DAYS),
                        e.map_or(f64::INFINITY, |e| day_number(e) + 1.0 + GRACE_DAYS),
                    )
                })
            })
            .collect();
        Timeframes {
            spans,
            inside,
            new: linked.iter().map(|&n| n == 0).collect(),
        }
    }

    /// The same timeframes with other link counts (the fold's, which sees fewer links).
    pub fn with_linked(&self, linked: &[usize]) -> Self {
        Timeframes {
            spans: self.spans.clone(),
            inside: self.inside.clone(),
            new: linked.iter().map(|&n| n == 0).collect(),
        }
    }

    /// Whether no target has a timeframe.
    pub fn is_empty(&self) -> bool {
        self.spans.iter().all(Option::is_none)
    }

    /// Whether day `t` falls inside class `c`'s timeframe (with grace); `None` without
    /// one.
    fn inside(&self, c: usize, t: f64) -> Option<bool> {
        let (from, until) = self.inside.get(c).copied().flatten()?;
        Some(t >= from && t < until)
    }

    /// What class `c`'s timeframe adds to its score for an item created on day `t`.
    pub fn term(&self, c: usize, t: f64, w: TimeframeWeights) -> f32 {
        match self.inside(c, t) {
            Some(true) if self.new.get(c).copied().unwrap_or(false) => w.inside + w.new_inside,
            Some(true) => w.inside,
            Some(false) => -w.outside,
            None => 0.0,
        }
    }

    /// Adds the timeframe terms for an item created on day `t` to the scores `z`.
    pub fn add(&self, t: Option<f64>, w: TimeframeWeights, z: &mut [f32]) {
        let Some(t) = t else { return };
        if w.is_zero() {
            return;
        }
        for (c, zc) in z.iter_mut().enumerate() {
            *zc += self.term(c, t, w);
        }
    }

    /// Class `c`'s timeframe in words ("from 2026-07-01 to 2026-09-30").
    pub fn describe(&self, c: usize) -> Option<String> {
        let (s, e) = self.spans.get(c).copied().flatten()?;
        Some(match (s, e) {
            (Some(s), Some(e)) => format!("from {s} to {e}"),
            (Some(s), None) => format!("from {s}"),
            (None, Some(e)) => format!("until {e}"),
            (None, None) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use throughline_model::Initiative;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn inside_outside_and_new_move_scores() {
        let strategy = Strategy {
            initiatives: vec![
                Initiative {
                    id: "q3".into(),
                    starts: Some(date("2026-07-01")),
                    ends: Some(date("2026-09-30")),
                    ..Default::default()
                },
                Initiative {
                    id: "open".into(),
                    starts: Some(date("2026-09-01")),
                    ..Default::default()
                },
                Initiative {
                    id: "always".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let classes: Vec<LinkTarget> = ["q3", "open", "always"]
            .iter()
            .map(|i| LinkTarget::Initiative(i.to_string()))
            .collect();
        let tf = Timeframes::new(&strategy, &classes, &[10, 0, 10]);
        let w = TimeframeWeights {
            inside: 0.5,
            outside: 2.0,
            new_inside: 1.0,
        };
        let at = |d: &str| {
            let mut z = vec![0f32; 3];
            tf.add(Some(day_number(date(d))), w, &mut z);
            z
        };
        // Mid-August: inside q3, before "open" started; "always" has no timeframe.
        assert_eq!(at("2026-08-15"), [0.5, -2.0, 0.0]);
        // Mid-September: inside both, and "open" has no linked item yet.
        assert_eq!(at("2026-09-15"), [0.5, 1.5, 0.0]);
        // A week past the end still counts; a fortnight does not.
        assert_eq!(at("2026-10-06")[0], 0.5);
        assert_eq!(at("2026-10-15")[0], -2.0);
        // An item without a date, or zero weights, change nothing.
        let mut z = vec![1f32; 3];
        tf.add(None, w, &mut z);
        tf.add(Some(0.0), TimeframeWeights::default(), &mut z);
        assert_eq!(z, [1.0; 3]);
        assert_eq!(
            tf.describe(0).as_deref(),
            Some("from 2026-07-01 to 2026-09-30")
        );
        assert_eq!(tf.describe(1).as_deref(), Some("from 2026-09-01"));
        assert_eq!(tf.describe(2), None);
        assert!(!tf.is_empty());
        // The fold sees fewer links: with some, "open" is no longer new.
        let z_fold = {
            let mut z = vec![0f32; 3];
            tf.with_linked(&[1, 3, 1])
                .add(Some(day_number(date("2026-09-15"))), w, &mut z);
            z
        };
        assert_eq!(z_fold, [0.5, 0.5, 0.0]);
    }
}
