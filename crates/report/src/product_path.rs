//! The product path, measured: how well the links a user sees on new work match the truth,
//! when that work arrives without the tracker facts the strategy's selectors match.
//!
//! The replay of `../shared/tools/product-path.py` inside the product: the strategy's
//! selectors link the older work; the newest share of that work is held out, and loses
//! exactly the facts a selector could match (components, labels, project, sprint whose
//! value some initiative selects; its epic and parent when it was linked through them),
//! as if nobody had tagged it. Then the work is aligned as `import` and `align` align it
//! (explicit links, corrections, then [`relink::train_and_infer`] for every unlabelled
//! item), and the answers on the held-out items are scored against the initiatives their
//! facts had linked them to.
//!
//! In the open-world variant every other initiative (by id) is taken out of the strategy
//! first: the work the taken-out initiatives select is still in the database (older items
//! keep their facts, which no selector matches any more), and the held-out share of it
//! is "uncovered" work the engine should not place on an initiative.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;
use throughline_model::{ContextNote, LinkTarget, Strategy, WorkItem};
use throughline_sense::explicit::SelectorIndex;
use throughline_sense::{Embedder, Inference, SenseError, expected_calibration_error, explicit};

use crate::relink::{label_slots, train_and_infer};

/// Fewer held-out items than this say too little to report.
pub const MIN_TEST_ITEMS: usize = 20;

/// How to measure.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Share of the selector-linked work held out, the newest (0.01 to 0.9).
    pub test_share: f32,
    /// The open-world variant: every other initiative (by id) is taken out first.
    pub open: bool,
}

/// Why the product path could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum ProductPathError {
    #[error(
        "the strategy has no initiatives: apply one whose selectors link work \
         (`throughline strategy apply FILE`)"
    )]
    NoInitiatives,
    #[error(
        "no work item is linked by the strategy's selectors (components, labels, epics, \
         projects, milestones): the product path holds out selector-linked work, so there \
         is nothing to measure"
    )]
    NoSelectorLinks,
    #[error(
        "only {test} held-out items ({share:.0}% of the {candidates} items the selectors link, \
         less {still_linked} still linked once their selected facts were removed); the \
         product path needs at least {MIN_TEST_ITEMS} (a larger --test-share holds out more)",
        share = test_share * 100.0
    )]
    TooFew {
        test: usize,
        candidates: usize,
        still_linked: usize,
        test_share: f32,
    },
    #[error(transparent)]
    Sense(#[from] SenseError),
}

/// Answers on the covered held-out items, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// On the initiative the item's facts had linked it to.
    pub placed_right: usize,
    /// On another initiative.
    pub placed_wrong: usize,
    /// Of `unclear`, answered with a goal: the engine was torn between initiatives of
    /// one goal (aligned, initiative not known; `product-path.py` counts them unclear too).
    pub on_goal: usize,
    /// Called off plan.
    pub off_plan: usize,
    /// Unclear.
    pub unclear: usize,
    /// `--open`: uncovered held-out items placed on an initiative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered_on_initiative: Option<usize>,
}

/// At one confidence threshold: how much of the covered held-out work is answered with
/// an initiative at that confidence or more, and how often that initiative is right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskCoverage {
    pub threshold: f32,
    pub answered: usize,
    pub right: usize,
    /// `answered` over the covered held-out items.
    pub coverage: f64,
    /// `right` over `answered`; `None` when nothing is answered.
    pub precision: Option<f64>,
}

/// The share of the held-out work that serves the strategy: as it is, as the engine
/// answered, and as the engine's probabilities expect.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlignedShare {
    /// Covered items over all held-out items (1 unless `--open`).
    pub truth: f64,
    /// Held-out items answered with an initiative or a goal, over all held-out items.
    pub answered: f64,
    /// The mean over held-out items of the engine's probability that the item serves
    /// some goal (`Inference::aligned`), as `status` adds it up.
    pub expected: f64,
}

/// One held-out item: what its facts said and what the engine answered.
#[derive(Debug, Clone, Serialize)]
pub struct HeldOut {
    pub key: String,
    /// The initiative its selector facts linked it to (in the full strategy).
    pub truth: String,
    /// Whether that initiative is in the strategy the engine was given.
    pub covered: bool,
    pub answer: LinkTarget,
    pub confidence: f32,
    /// The engine's best candidate (also when it answered unclear) and its probability.
    pub best: Option<LinkTarget>,
    pub best_probability: f32,
    /// The best (up to) three candidates with their probabilities, best first: what the
    /// answer was chosen from, so thresholds can be studied on the report alone.
    pub alternatives: Vec<(LinkTarget, f32)>,
}

/// What `throughline eval --product-path` reports. Shares are rounded to 3 decimals (as
/// `product-path.py` prints them); the counts are exact.
#[derive(Debug, Clone, Serialize)]
pub struct ProductPathReport {
    /// `product-path` or `product-path-open`.
    pub variant: &'static str,
    /// `lexical` or `semantic`.
    pub engine_mode: &'static str,
    pub test_share: f32,
    /// Initiatives in the strategy the engine was given.
    pub initiatives: usize,
    /// `--open`: initiatives taken out of it (their work is uncovered).
    pub initiatives_removed: usize,
    /// Items (not epics) the full strategy's selectors link.
    pub candidates: usize,
    /// The newest `test_share` of them.
    pub held_out: usize,
    /// Held-out items still linked by the selectors once their selected facts were
    /// removed (say, a key selected as an epic): left out of the test.
    pub still_linked: usize,
    /// Held-out items measured: `held_out - still_linked`.
    pub test_items: usize,
    /// Of those, the ones whose initiative is in the strategy the engine was given.
    pub covered_items: usize,
    /// Shares of `covered_items`.
    pub placed_right: f64,
    pub placed_wrong: f64,
    pub wrongly_off_plan: f64,
    pub unclear: f64,
    /// Right over answered with an initiative or goal.
    pub precision_placed: f64,
    pub counts: Counts,
    /// Expected calibration error (10 bins) of the best candidate's probability against
    /// that candidate being the truth, over the covered held-out items.
    pub ece: f64,
    pub risk_coverage: Vec<RiskCoverage>,
    /// Share of covered held-out items answered with an initiative or goal serving the
    /// goal the truth serves.
    pub goal_right: f64,
    pub aligned_share: AlignedShare,
    /// `--open`: held-out items whose initiative was taken out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered_items: Option<usize>,
    /// `--open`: the share of those placed on an initiative (each one a wrong answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered_placed_on_initiative: Option<f64>,
    /// Items linked explicitly or by a correction in the replay: what the engine learned
    /// from.
    pub trained_on: usize,
    pub learned_from: usize,
    /// Items inferred in the replay (the held-out ones and any other unlinked work).
    pub inferred: usize,
    /// Every measured held-out item, oldest first.
    pub items: Vec<HeldOut>,
}

/// Replays the product path on `items` (in the store's time order) under `strategy`.
/// `corrected` are people's corrections (item index, target); those of held-out items are
/// set aside, the rest are learned from as `align` learns from them.
pub fn measure(
    strategy: &Strategy,
    items: &[WorkItem],
    corrected: &[(usize, LinkTarget)],
    notes: &[ContextNote],
    options: Options,
    embedder: Option<Arc<dyn Embedder>>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ProductPathReport, ProductPathError> {
    if strategy.initiatives.is_empty() {
        return Err(ProductPathError::NoInitiatives);
    }
    let given = if options.open {
        every_other_initiative(strategy)
    } else {
        strategy.clone()
    };

    // The truth: what the full strategy's selectors say, before any fact is removed.
    let truth_links = explicit::resolve(strategy, items);
    let mut candidates: Vec<usize> = (0..items.len())
        .filter(|&i| truth_links[i].is_some() && !items[i].is_epic())
        .collect();
    if candidates.is_empty() {
        return Err(ProductPathError::NoSelectorLinks);
    }
    // Newest by creation time; the store's order (import order) breaks ties and stands
    // in for undated items.
    candidates.sort_by_key(|&i| items[i].created);
    let n = candidates.len();
    // As product-path.py: the older round(80%) are kept, the rest held out. The share is
    // rounded to 6 decimals so that 0.2 read as an f32 holds out what 0.2 says.
    let share = (f64::from(options.test_share) * 1e6).round() / 1e6;
    let kept = (n as f64 * (1.0 - share)).round() as usize;
    let held: Vec<usize> = candidates[kept.min(n)..].to_vec();
    let held_set: HashSet<usize> = held.iter().copied().collect();

    // The held-out work arrives without the facts the selectors match.
    let through_parents = through_parents(strategy, items, &held, &truth_links);
    let index = SelectorIndex::new(strategy);
    let mut replay: Vec<WorkItem> = items.to_vec();
    for (&i, through) in held.iter().zip(through_parents) {
        remove_selected(&index, &mut replay[i], through);
    }
    let links = explicit::resolve(&given, &replay);
    let (test, still): (Vec<usize>, Vec<usize>) = held.iter().partition(|&&i| links[i].is_none());
    if test.len() < MIN_TEST_ITEMS {
        return Err(ProductPathError::TooFew {
            test: test.len(),
            candidates: n,
            still_linked: still.len(),
            test_share: options.test_share,
        });
    }

    // Align as `align` does: explicit links, corrections (but not the held-out items'),
    // then inference for every unlabelled item that is not an epic.
    let kept_corrections: Vec<(usize, LinkTarget)> = corrected
        .iter()
        .filter(|(i, _)| *i < items.len() && !held_set.contains(i))
        .cloned()
        .collect();
    let labels = label_slots(&links, &kept_corrections);
    let decided: HashSet<usize> = kept_corrections.iter().map(|(i, _)| *i).collect();
    let which: Vec<usize> = (0..replay.len())
        .filter(|&i| labels[i].is_none() && !decided.contains(&i) && !replay[i].is_epic())
        .collect();
    let out = train_and_infer(&given, &replay, &labels, notes, &which, embedder, progress)?;
    let mut answer_of: Vec<Option<usize>> = vec![None; replay.len()];
    for (k, &i) in which.iter().enumerate() {
        answer_of[i] = Some(k);
    }

    let rows: Vec<HeldOut> = test
        .iter()
        .map(|&i| {
            let truth = truth_links[i]
                .as_ref()
                .map(|l| l.initiative.clone())
                .unwrap_or_default();
            let inf = answer_of[i].map(|k| &out.answers[k]);
            HeldOut {
                key: items[i].key.clone(),
                covered: given.initiative(&truth).is_some(),
                truth,
                answer: inf.map_or(LinkTarget::Unclear, |f| f.target.clone()),
                confidence: inf.map_or(0.0, |f| f.confidence),
                best: inf.and_then(best_target).cloned(),
                best_probability: inf.map_or(0.0, best_probability),
                alternatives: inf.map(|f| f.alternatives.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let answers: Vec<Option<&Inference>> = test
        .iter()
        .map(|&i| answer_of[i].map(|k| &out.answers[k]))
        .collect();
    Ok(score(
        strategy,
        &given,
        options,
        Counted {
            candidates: n,
            held_out: held.len(),
            still_linked: still.len(),
            trained_on: out.trained_on,
            learned_from: out.learned_from,
            inferred: which.len(),
            engine_mode: out.mode.as_str(),
        },
        rows,
        &answers,
    ))
}

/// What was counted on the way, for the report.
struct Counted {
    candidates: usize,
    held_out: usize,
    still_linked: usize,
    trained_on: usize,
    learned_from: usize,
    inferred: usize,
    engine_mode: &'static str,
}

/// The figures over the measured held-out items (`answers` lines up with `rows`).
fn score(
    full: &Strategy,
    given: &Strategy,
    options: Options,
    c: Counted,
    rows: Vec<HeldOut>,
    answers: &[Option<&Inference>],
) -> ProductPathReport {
    let covered: Vec<usize> = (0..rows.len()).filter(|&k| rows[k].covered).collect();
    let n_cov = covered.len();
    let share = |x: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            r3(x as f64 / of as f64)
        }
    };

    let mut counts = Counts::default();
    let mut goal_right = 0;
    let mut calibration = Vec::with_capacity(n_cov);
    for &k in &covered {
        let row = &rows[k];
        let truth = LinkTarget::Initiative(row.truth.clone());
        match &row.answer {
            a if *a == truth => counts.placed_right += 1,
            LinkTarget::Initiative(_) => counts.placed_wrong += 1,
            LinkTarget::Goal(_) => {
                counts.unclear += 1;
                counts.on_goal += 1;
            }
            LinkTarget::OffPlan(_) => counts.off_plan += 1,
            LinkTarget::Unclear => counts.unclear += 1,
        }
        let truth_goals = full
            .initiative(&row.truth)
            .map_or(&[][..], |i| &i.goals[..]);
        let answer_goals: Vec<&str> = match &row.answer {
            LinkTarget::Initiative(id) => given
                .initiative(id)
                .map(|i| i.goals.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            LinkTarget::Goal(g) => vec![g.as_str()],
            _ => Vec::new(),
        };
        if truth_goals
            .iter()
            .any(|g| answer_goals.contains(&g.as_str()))
        {
            goal_right += 1;
        }
        let best = answers[k].and_then(best_target);
        calibration.push((row.best_probability, best == Some(&truth)));
    }
    // Work the strategy does not cover is answered right by any off-plan reason: its
    // calibration counts too (in the closed world there is none).
    for (row, answer) in rows.iter().zip(answers).filter(|(r, _)| !r.covered) {
        let best = answer.and_then(best_target);
        calibration.push((
            row.best_probability,
            matches!(best, Some(LinkTarget::OffPlan(_))),
        ));
    }
    let placed = counts.placed_right + counts.placed_wrong;
    let n = rows.len();
    let uncovered = n - n_cov;
    let uncovered_on_initiative = rows
        .iter()
        .filter(|r| !r.covered && matches!(r.answer, LinkTarget::Initiative(_)))
        .count();
    counts.uncovered_on_initiative = options.open.then_some(uncovered_on_initiative);

    let risk_coverage = (3..=9)
        .map(|t| {
            let threshold = t as f32 / 10.0;
            let (mut answered, mut right) = (0, 0);
            for &k in &covered {
                let row = &rows[k];
                if matches!(row.answer, LinkTarget::Initiative(_)) && row.confidence >= threshold {
                    answered += 1;
                    right += usize::from(row.answer == LinkTarget::Initiative(row.truth.clone()));
                }
            }
            RiskCoverage {
                threshold,
                answered,
                right,
                coverage: share(answered, n_cov),
                precision: (answered > 0).then(|| share(right, answered)),
            }
        })
        .collect();

    let aligned = |t: &LinkTarget| matches!(t, LinkTarget::Initiative(_) | LinkTarget::Goal(_));
    let answered_aligned = rows.iter().filter(|r| aligned(&r.answer)).count();
    // What `status` reports as the expected aligned share: each inferred item's
    // probability of serving some goal.
    let expected: f64 = answers
        .iter()
        .map(|a| a.map_or(0.0, |inf| f64::from(inf.aligned)))
        .sum();

    ProductPathReport {
        variant: if options.open {
            "product-path-open"
        } else {
            "product-path"
        },
        engine_mode: c.engine_mode,
        test_share: options.test_share,
        initiatives: given.initiatives.len(),
        initiatives_removed: full.initiatives.len() - given.initiatives.len(),
        candidates: c.candidates,
        held_out: c.held_out,
        still_linked: c.still_linked,
        test_items: n,
        covered_items: n_cov,
        placed_right: share(counts.placed_right, n_cov),
        placed_wrong: share(counts.placed_wrong, n_cov),
        wrongly_off_plan: share(counts.off_plan, n_cov),
        unclear: share(counts.unclear, n_cov),
        precision_placed: share(counts.placed_right, placed),
        counts,
        ece: r3(f64::from(expected_calibration_error(&calibration, 10))),
        risk_coverage,
        goal_right: share(goal_right, n_cov),
        aligned_share: AlignedShare {
            truth: share(n_cov, n),
            answered: share(answered_aligned, n),
            expected: if n == 0 { 0.0 } else { r3(expected / n as f64) },
        },
        uncovered_items: options.open.then_some(uncovered),
        uncovered_placed_on_initiative: options
            .open
            .then(|| share(uncovered_on_initiative, uncovered)),
        trained_on: c.trained_on,
        learned_from: c.learned_from,
        inferred: c.inferred,
        items: rows,
    }
}

/// The strategy with every other initiative, by id, taken out (the first, third, ...
/// kept), as product-path.py's `components-open` keeps `targets[::2]`. The kept ones stay
/// in the strategy's order.
pub fn every_other_initiative(strategy: &Strategy) -> Strategy {
    let mut ids: Vec<&str> = strategy.initiatives.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    let keep: HashSet<String> = ids.iter().step_by(2).map(|s| s.to_string()).collect();
    Strategy {
        initiatives: strategy
            .initiatives
            .iter()
            .filter(|i| keep.contains(&i.id))
            .cloned()
            .collect(),
        ..strategy.clone()
    }
}

/// For each of the `held` items, whether its explicit link came through its epic or
/// parent: its epic or parent is selected (the link's reason names it), or the item on
/// its own, without them, is linked by no selector (so the link was rolled up from its
/// parent chain). The reason alone does not tell a roll-up: an item whose parent was
/// resolved before it is given the parent's reason as it is, without "via PARENT".
fn through_parents(
    strategy: &Strategy,
    items: &[WorkItem],
    held: &[usize],
    links: &[Option<explicit::ExplicitLink>],
) -> Vec<bool> {
    let alone: Vec<WorkItem> = held
        .iter()
        .map(|&i| WorkItem {
            epic_key: None,
            parent_key: None,
            ..items[i].clone()
        })
        .collect();
    let alone_links = explicit::resolve(strategy, &alone);
    held.iter()
        .zip(alone_links)
        .map(|(&i, own)| {
            let reason = links[i].as_ref().map_or("", |l| l.reason.as_str());
            own.is_none()
                || ["epic ", "parent ", "via "]
                    .iter()
                    .any(|w| reason.starts_with(w))
        })
        .collect()
}

/// The engine's best candidate, whatever its answer.
fn best_target(inf: &Inference) -> Option<&LinkTarget> {
    match inf.alternatives.first() {
        Some((t, _)) => Some(t),
        None => (inf.target != LinkTarget::Unclear).then_some(&inf.target),
    }
}

/// The best candidate's probability: the first alternative's, or the answer's confidence
/// when the engine named no alternatives.
fn best_probability(inf: &Inference) -> f32 {
    match inf.alternatives.first() {
        Some((_, p)) => *p,
        None if inf.target != LinkTarget::Unclear => inf.confidence,
        None => 0.0,
    }
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Removes from `item` what a selector could match (`index`: every initiative's, as
/// [`explicit::resolve`] links with it; see [`SelectorIndex::remove_selected`]), and its
/// epic and parent when its explicit link came through them (`through_parents`).
fn remove_selected(index: &SelectorIndex<'_>, item: &mut WorkItem, through_parents: bool) {
    index.remove_selected(item);
    if through_parents {
        item.epic_key = None;
        item.parent_key = None;
    }
}

#[cfg(test)]
mod tests {
    use throughline_model::{Initiative, Selectors};

    use super::*;

    fn initiative(id: &str, selectors: Selectors) -> Initiative {
        Initiative {
            id: id.into(),
            goals: vec!["g".into()],
            title: id.into(),
            selectors,
            ..Default::default()
        }
    }

    fn strategy() -> Strategy {
        Strategy {
            initiatives: vec![
                initiative(
                    "c",
                    Selectors {
                        components: vec!["Core".into()],
                        milestones: vec!["Sprint 9".into()],
                        ..Default::default()
                    },
                ),
                initiative(
                    "a",
                    Selectors {
                        labels: vec!["area/api".into()],
                        projects: vec!["API".into()],
                        ..Default::default()
                    },
                ),
                initiative(
                    "b",
                    Selectors {
                        epics: vec!["E-1".into()],
                        ..Default::default()
                    },
                ),
                initiative(
                    "z",
                    Selectors {
                        area_paths: vec!["Shop\\Checkout".into()],
                        iterations: vec!["Shop\\2026".into()],
                        ..Default::default()
                    },
                ),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn only_selected_facts_are_removed_in_any_case() {
        let strategy = strategy();
        let index = SelectorIndex::new(&strategy);
        let mut item = WorkItem {
            components: vec!["core".into(), "Docs".into()],
            labels: vec!["AREA/API".into(), "bug".into()],
            project: Some("api".into()),
            sprint: Some("sprint 9".into()),
            epic_key: Some("E-7".into()),
            parent_key: Some("S-3".into()),
            ..Default::default()
        };
        remove_selected(&index, &mut item, false);
        assert_eq!(item.components, vec!["Docs".to_string()]);
        assert_eq!(item.labels, vec!["bug".to_string()]);
        assert_eq!((item.project, item.sprint), (None, None));
        // Not linked through its epic or parent: those stay.
        assert_eq!(item.epic_key.as_deref(), Some("E-7"));
        assert_eq!(item.parent_key.as_deref(), Some("S-3"));

        let mut item = WorkItem {
            epic_key: Some("E-1".into()),
            parent_key: Some("S-3".into()),
            ..Default::default()
        };
        remove_selected(&index, &mut item, true);
        assert_eq!((item.epic_key, item.parent_key), (None, None));

        // Areas and iterations beneath a selected one go; a sibling's stay.
        let filed = |area: &str, sprint: &str| WorkItem {
            area_path: Some(area.into()),
            sprint: Some(sprint.into()),
            ..Default::default()
        };
        let mut item = filed("shop\\checkout\\Payments", "Shop\\2026\\Sprint 3");
        remove_selected(&index, &mut item, false);
        assert_eq!((item.area_path, item.sprint), (None, None));
        let mut item = filed("Shop\\CheckoutOld", "Shop\\2025\\Sprint 3");
        remove_selected(&index, &mut item, false);
        assert_eq!(item, filed("Shop\\CheckoutOld", "Shop\\2025\\Sprint 3"));
    }

    #[test]
    fn links_through_an_epic_or_a_parent_are_told_apart() {
        let strategy = strategy();
        let item =
            |key: &str, component: &str, epic: Option<&str>, parent: Option<&str>| WorkItem {
                key: key.into(),
                components: [component]
                    .iter()
                    .filter(|c| !c.is_empty())
                    .map(|c| c.to_string())
                    .collect(),
                epic_key: epic.map(Into::into),
                parent_key: parent.map(Into::into),
                ..Default::default()
            };
        let items = vec![
            item("S-3", "Core", None, None),
            // Rolled up from S-3, resolved before it.
            item("T-1", "", None, Some("S-3")),
            // Its epic is selected (before its own component).
            item("T-2", "Core", Some("E-1"), None),
            // Its own component, and a parent it does not need.
            item("T-3", "Core", None, Some("S-3")),
            // Its own key is selected: its reason names an epic, so its epic and parent
            // (none) would go; the key stays, and it stays linked.
            item("E-1", "", None, None),
        ];
        let links = explicit::resolve(&strategy, &items);
        assert!(links.iter().all(Option::is_some));
        let held: Vec<usize> = (1..items.len()).collect();
        assert_eq!(
            through_parents(&strategy, &items, &held, &links),
            [true, true, false, true]
        );
    }

    #[test]
    fn the_open_world_keeps_every_other_initiative_by_id_in_strategy_order() {
        let kept = every_other_initiative(&strategy());
        let ids: Vec<&str> = kept.initiatives.iter().map(|i| i.id.as_str()).collect();
        // By id: a, b, c; a and c are kept, in the strategy's order.
        assert_eq!(ids, ["c", "a"]);
    }
}
