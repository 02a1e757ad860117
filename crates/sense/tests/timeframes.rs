//! Timeframes: epics (or initiatives) that run for a while, where a new one takes the
//! work that reads just like its predecessors'.
mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use throughline_model::{
    Goal, Initiative, LinkOrigin, LinkTarget, Selectors, StatusCategory, Strategy, WorkItem,
};
use throughline_sense::{EngineConfig, Model, TrainingSet, infer_all};

const ROUNDS: usize = 12;
const ROUND_DAYS: i64 = 30;
const NAMES: [&str; ROUNDS] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu",
];

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
}

/// Where the rounds' timeframes come from.
#[derive(Clone, Copy, PartialEq)]
enum Dated {
    /// Nowhere.
    No,
    /// The strategy's own `starts` and `ends`.
    InStrategy,
    /// The epic each round selects (one `Epic` item per round, resolved when the round
    /// ends; the last one is still open).
    ByEpics,
}

/// The first day of round `r` (from 0).
fn round_start(r: usize) -> NaiveDate {
    start() + Duration::days(r as i64 * ROUND_DAYS)
}

/// Twelve monthly rounds of checkout work, one epic each (its title names the round, in
/// words, so that no round is a version of another), and a search initiative all year
/// round.
fn strategy(dated: Dated) -> Strategy {
    let mut initiatives: Vec<Initiative> = (0..ROUNDS)
        .map(|r| {
            let from = round_start(r);
            let own = dated == Dated::InStrategy;
            Initiative {
                id: format!("checkout-{}", r + 1),
                goals: vec!["grow".into()],
                title: format!("Checkout, {} round", NAMES[r]),
                starts: own.then_some(from),
                ends: own.then_some(from + Duration::days(ROUND_DAYS - 1)),
                selectors: Selectors {
                    epics: vec![format!("co-{}", r + 1)],
                    ..Default::default()
                },
                ..Default::default()
            }
        })
        .collect();
    initiatives.push(Initiative {
        id: "search".into(),
        goals: vec!["grow".into()],
        title: "Search relevance".into(),
        ..Default::default()
    });
    Strategy {
        goals: vec![Goal {
            id: "grow".into(),
            title: "Grow".into(),
            ..Default::default()
        }],
        initiatives,
        ..Default::default()
    }
}

/// The rounds' epics, as a tracker exports them (key `CO-n`, type `Epic`), with no
/// link of their own.
fn epics() -> Vec<WorkItem> {
    let at = |d: NaiveDate| Some(Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap()));
    (0..ROUNDS)
        .map(|r| {
            let open = r + 1 == ROUNDS;
            WorkItem {
                source: "jira".into(),
                key: format!("CO-{}", r + 1),
                title: format!("Checkout, {} round", NAMES[r]),
                item_type: Some("Epic".into()),
                created: at(round_start(r)),
                resolved: (!open)
                    .then(|| at(round_start(r) + Duration::days(ROUND_DAYS - 1)))
                    .flatten(),
                status_category: if open {
                    StatusCategory::InProgress
                } else {
                    StatusCategory::Done
                },
                ..Default::default()
            }
        })
        .collect()
}

/// Items over the year, every third about search; the rest belong to the checkout round
/// running when they were created. All but the last round are linked.
fn work() -> (Vec<WorkItem>, Vec<LinkTarget>) {
    let mut rng = common::Rng::new(7);
    let (mut items, mut truth) = (Vec::new(), Vec::new());
    for i in 0..(ROUNDS * ROUND_DAYS as usize * 2) {
        let day = i as i64 / 2;
        let t = if i % 3 == 0 { 1 } else { 0 };
        let mut it = common::item(&mut rng, &format!("W-{i}"), t, 2, 0);
        let date = start() + Duration::days(day);
        it.created = Some(Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).unwrap()));
        truth.push(if t == 1 {
            LinkTarget::Initiative("search".into())
        } else {
            LinkTarget::Initiative(format!("checkout-{}", day / ROUND_DAYS + 1))
        });
        items.push(it);
    }
    (items, truth)
}

/// The engine's top-1 on the last round's checkout items, the model, and one of them.
fn last_round(dated: Dated) -> (f32, Model, throughline_sense::Inference) {
    let strategy = strategy(dated);
    let (mut items, truth) = work();
    let last = LinkTarget::Initiative(format!("checkout-{ROUNDS}"));
    let mut labels: Vec<_> = truth
        .iter()
        .map(|t| (*t != last).then(|| (t.clone(), LinkOrigin::Explicit)))
        .collect();
    if dated == Dated::ByEpics {
        let e = epics();
        labels.extend(e.iter().map(|_| None));
        items.extend(e);
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    let test: Vec<usize> = (0..truth.len()).filter(|&i| truth[i] == last).collect();
    let out = infer_all(&model, &items, &test, &[], &|_| {});
    let right = out
        .iter()
        .filter(|o| o.alternatives.first().is_some_and(|a| a.0 == last))
        .count();
    let one = out[out.len() / 2].clone();
    (right as f32 / test.len() as f32, model, one)
}

#[test]
fn a_new_epic_takes_the_work_of_its_timeframe() {
    // Without timeframes the new round has only its title, which the work never
    // mentions: the work goes to the rounds that have links.
    let (undated, model, _) = last_round(Dated::No);
    assert!(undated < 0.2, "undated {undated}: {}", model.summary());
    // With them, the fold (the newest fifth of the linked work, where a round starts
    // that nothing before the fold was linked to) teaches that work goes to the round
    // open when it was created.
    let (dated, model, one) = last_round(Dated::InStrategy);
    assert!(dated > 0.8, "dated {dated}: {}\n{one:?}", model.summary());
    // The summary is for people: numbers, not `Some(..)`, and no negative zero.
    let summary = model.summary();
    assert!(summary.contains("timeframe inside +"), "{summary}");
    assert!(
        !summary.contains("Some(") && !summary.contains("-0.00"),
        "{summary}"
    );
    assert!(
        one.reason.contains(
            "its timeframe, from 2026-12-01 to 2026-12-30, covers when this item was created"
        ),
        "{}",
        one.reason
    );
}

#[test]
fn an_initiative_without_dates_runs_for_the_life_of_its_epics() {
    // The same rounds, dated only by the epics they select: each epic's creation and
    // resolution, and the last one still open.
    let (dated, model, one) = last_round(Dated::ByEpics);
    assert!(
        dated > 0.8,
        "by epics {dated}: {}\n{one:?}",
        model.summary()
    );
    assert!(
        one.reason
            .contains("its timeframe, from 2026-12-01, covers when this item was created"),
        "{}",
        one.reason
    );
}
