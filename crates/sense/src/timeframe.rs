//! Timeframes of targets. An initiative may say when it runs (`starts`, `ends`), and an
//! epic standing for one runs from its creation to its resolution. Work created well
//! outside that span rarely serves it, and a target nothing is linked to yet (a new
//! epic) is, while it is open, where new work goes; without its timeframe such a target
//! has only its title to compete with targets that have hundreds of linked items.
//!
//! An initiative that selects epics but gives no dates of its own runs for its epics'
//! life: from the first one's creation until the last one's resolution, open while any
//! of them is. The person's dates win when given.
//!
//! Three weights, fitted on the held-out fold like every other source (and 0 when they
//! do not help there): inside the timeframe, outside it, and inside the timeframe of a
//! target nothing was linked to.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use throughline_model::{Initiative, LinkTarget, StatusCategory, Strategy, WorkItem};

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

/// The life of some epics as a timeframe: from the first one's creation to the last
/// one's resolution, open-ended while any is not done (or has no resolution date).
/// `(None, None)` without epics or dates.
pub fn epics_life(epics: &[&WorkItem]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let starts = epics.iter().filter_map(|e| e.created).min();
    let all_done = epics
        .iter()
        .all(|e| e.status_category == StatusCategory::Done && e.resolved.is_some());
    let ends = all_done
        .then(|| epics.iter().filter_map(|e| e.resolved).max())
        .flatten();
    (starts.map(|t| t.date_naive()), ends.map(|t| t.date_naive()))
}

/// The life of the epics initiative `i` selects, found in `epics` (by lower-case key);
/// `None` when none of them has a date.
fn selected_epics_life(
    i: &Initiative,
    epics: &HashMap<String, Vec<&WorkItem>>,
) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let found: Vec<&WorkItem> = i
        .selectors
        .epics
        .iter()
        .filter_map(|k| epics.get(&k.to_lowercase()))
        .flatten()
        .copied()
        .collect();
    Some(epics_life(&found)).filter(|span| *span != (None, None))
}

/// Days since the epoch at the start of `d` (UTC), as item times are measured.
fn day_number(d: NaiveDate) -> f64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0.0, |t| t.and_utc().timestamp() as f64 / 86_400.0)
}

impl Timeframes {
    /// The timeframes of `classes` from the strategy's initiatives (or the epics they
    /// select, found among `items`), with `linked[c]` the number of linked items of
    /// class `c`.
    pub fn new(
        strategy: &Strategy,
        classes: &[LinkTarget],
        linked: &[usize],
        items: &[WorkItem],
    ) -> Self {
        let wanted: Vec<String> = strategy
            .initiatives
            .iter()
            .filter(|i| i.starts.is_none() && i.ends.is_none())
            .flat_map(|i| i.selectors.epics.iter().map(|k| k.to_lowercase()))
            .collect();
        // Only the selected epics are looked up, so a strategy without epic selectors
        // costs one pass over nothing.
        let mut epics: HashMap<String, Vec<&WorkItem>> = HashMap::new();
        if !wanted.is_empty() {
            for k in &wanted {
                epics.entry(k.clone()).or_default();
            }
            for it in items {
                if let Some(v) = epics.get_mut(&it.key.to_lowercase()) {
                    v.push(it);
                }
            }
        }
        let spans: Vec<_> = classes
            .iter()
            .map(|c| match c {
                LinkTarget::Initiative(id) => strategy.initiative(id).and_then(|i| {
                    if i.starts.is_some() || i.ends.is_some() {
                        Some((i.starts, i.ends))
                    } else {
                        selected_epics_life(i, &epics)
                    }
                }),
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
        let tf = Timeframes::new(&strategy, &classes, &[10, 0, 10], &[]);
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

    #[test]
    fn epics_give_a_timeframe_unless_the_strategy_dates_the_initiative() {
        use chrono::TimeZone;
        use throughline_model::Selectors;
        let at =
            |d: &str| Some(chrono::Utc.from_utc_datetime(&date(d).and_hms_opt(8, 0, 0).unwrap()));
        let epic = |key: &str, created: &str, resolved: Option<&str>| WorkItem {
            key: key.into(),
            item_type: Some("Epic".into()),
            created: at(created),
            resolved: resolved.and_then(at),
            status_category: if resolved.is_some() {
                StatusCategory::Done
            } else {
                StatusCategory::InProgress
            },
            ..Default::default()
        };
        let items = vec![
            epic("PAY-1", "2026-03-01", Some("2026-05-01")),
            epic("PAY-2", "2026-04-01", Some("2026-06-15")),
            epic("PAY-3", "2026-02-01", None),
        ];
        let selecting = |id: &str, keys: &[&str]| Initiative {
            id: id.into(),
            selectors: Selectors {
                epics: keys.iter().map(|k| k.to_string()).collect(),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut dated = selecting("dated", &["PAY-1"]);
        dated.starts = Some(date("2026-01-01"));
        let strategy = Strategy {
            initiatives: vec![
                // Keys match in any case; both epics done: first creation to last resolution.
                selecting("done", &["pay-1", "PAY-2"]),
                // One epic still open: open-ended.
                selecting("open", &["PAY-1", "PAY-3"]),
                // The person's dates win over the epic's.
                dated,
                // An epic not among the items: no timeframe.
                selecting("missing", &["PAY-9"]),
            ],
            ..Default::default()
        };
        let classes: Vec<LinkTarget> = ["done", "open", "dated", "missing"]
            .iter()
            .map(|i| LinkTarget::Initiative(i.to_string()))
            .collect();
        let tf = Timeframes::new(&strategy, &classes, &[1, 1, 1, 1], &items);
        assert_eq!(
            tf.describe(0).as_deref(),
            Some("from 2026-03-01 to 2026-06-15")
        );
        assert_eq!(tf.describe(1).as_deref(), Some("from 2026-02-01"));
        assert_eq!(tf.describe(2).as_deref(), Some("from 2026-01-01"));
        assert_eq!(tf.describe(3), None);
    }
}
