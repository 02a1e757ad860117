//! Key results with launches; allocation over time with thin goals and stalled work.

mod common;

use chrono::Duration;
use common::*;
use throughline_model::{Direction, LinkOrigin, MetricValue, OffPlanReason};
use throughline_report::metrics::sparkline;
use throughline_report::{
    AllocationOptions, BucketBy, MetricStatus, Scope, WorkClass, allocation, metrics,
};

#[test]
fn key_result_progress_and_launches() {
    let mut b = Builder::new();
    // Checkout: 10 items, all done by 2026-09-15 (created 09-01..09-10, resolved +5 days).
    for i in 0..10 {
        b.item(
            &format!("CHK-{i}"),
            "Card form",
            "Payments",
            "p",
            day("2026-09-01") + Duration::days(i),
            init("checkout"),
            LinkOrigin::Explicit,
        );
    }
    b.snap.metric_values.insert(
        "conv".into(),
        vec![
            MetricValue {
                date: day("2026-08-01"),
                value: 10.0,
            },
            MetricValue {
                date: day("2026-09-01"),
                value: 11.0,
            },
            MetricValue {
                date: day("2026-10-01"),
                value: 13.0,
            },
        ],
    );
    let m = &metrics(&b.snap, &Scope::default(), None)[0];
    assert_eq!(m.latest.unwrap().value, 13.0);
    assert_eq!(m.change, Some(3.0));
    assert!((m.progress.unwrap() - 0.75).abs() < 1e-9);
    assert_eq!(m.launches.len(), 1);
    // 90% of 10 = 9th resolution: created 09-09, resolved 09-14.
    assert_eq!(m.launches[0].date, day("2026-09-14"));
    assert_eq!(m.launches[0].keys.len(), 10);
    assert_eq!(m.sparkline.chars().count(), 3);
    // After the launch: from the last value before it (09-01) to the latest (10-01).
    assert_eq!(m.moved_since(m.launches[0].date), Some((11.0, 13.0)));
    assert!(
        m.to_text().contains(
            "launched 2026-09-14: Checkout redesign (10 items); since then 11.00% -> 13.00%"
        ),
        "{}",
        m.to_text()
    );
    // Nothing to say before the first value, or when nothing was measured since.
    assert_eq!(m.moved_since(day("2026-07-01")), None);
    assert_eq!(m.moved_since(day("2026-10-01")), None);
    assert_eq!(sparkline(&[1.0, 2.0, 3.0]), "▁▅█");
    assert!(metrics(&b.snap, &Scope::default(), Some("nope")).is_empty());
}

#[test]
fn units_stick_to_numbers_when_symbols_and_stand_apart_when_words() {
    let with = |unit: Option<&str>| MetricStatus {
        id: "m".into(),
        goal: "g".into(),
        name: "M".into(),
        unit: unit.map(str::to_string),
        direction: Direction::Increase,
        baseline: Some(67.0),
        target: None,
        latest: None,
        change: None,
        progress: None,
        values: vec![],
        sparkline: String::new(),
        launches: vec![],
    };
    assert_eq!(with(Some("%")).unit_suffix(), "%");
    assert_eq!(with(Some("k")).unit_suffix(), "k");
    assert_eq!(with(Some("days")).unit_suffix(), " days");
    assert_eq!(with(Some(" ms ")).unit_suffix(), " ms");
    assert_eq!(with(None).unit_suffix(), "");
    assert!(with(Some("days")).to_text().contains("baseline 67.00 days"));
}

#[test]
fn weekly_buckets_keep_origins_apart_and_find_stalls_and_thin_goals() {
    let mut b = Builder::new();
    let start = day("2026-08-03"); // a Monday
    for w in 0..10 {
        let d = start + Duration::weeks(w);
        b.item(
            &format!("A-{w}"),
            "planned",
            "Core",
            "p",
            d,
            init("checkout"),
            LinkOrigin::Explicit,
        );
        b.item(
            &format!("B-{w}"),
            "guessed",
            "Core",
            "p",
            d,
            init("checkout"),
            LinkOrigin::Inferred,
        );
        b.item(
            &format!("C-{w}"),
            "bug",
            "Core",
            "p",
            d,
            off(OffPlanReason::BugIncident),
            LinkOrigin::Inferred,
        );
        b.item(
            &format!("D-{w}"),
            "nothing",
            "Core",
            "p",
            d,
            None,
            LinkOrigin::Explicit,
        );
        if w < 2 {
            b.item(
                &format!("S-{w}"),
                "slo",
                "Core",
                "p",
                d,
                init("slo"),
                LinkOrigin::Explicit,
            );
        }
    }
    // The SLO work finished early: not stalled.
    let r = allocation(&b.snap, &Scope::default(), &AllocationOptions::default());
    assert!(r.stalled.is_empty(), "{:?}", r.stalled);
    // The SLO work sits in progress and has not moved in six weeks: stalled.
    for s in b
        .snap
        .items
        .iter_mut()
        .filter(|s| s.item.key.starts_with("S-"))
    {
        s.item.status_category = throughline_model::StatusCategory::InProgress;
        s.item.resolved = None;
    }
    let r = allocation(&b.snap, &Scope::default(), &AllocationOptions::default());
    assert_eq!(r.buckets.len(), 10);
    let last = r.buckets.last().unwrap();
    assert_eq!(last.label, "2026-W41");
    assert_eq!(last.total.items, 4);
    for c in &last.classes {
        assert_eq!(c.work.items, 1, "{:?}", c.class);
        assert!((c.work.share_items - 0.25).abs() < 1e-9);
    }
    assert!(last.classes.iter().any(|c| c.class == WorkClass::Unlinked));
    // Every goal, in the strategy's order, with its share of the period: the explicit
    // and the inferred checkout work serve "grow"; nothing in W41 serves "rely".
    let goals: Vec<(&str, usize, f64)> = last
        .goals
        .iter()
        .map(|g| (g.id.as_str(), g.work.items, g.work.share_items))
        .collect();
    assert_eq!(goals, vec![("grow", 2, 0.5), ("rely", 0, 0.0)]);
    assert_eq!(last.goals[0].work.keys, vec!["A-9", "B-9"]);
    assert_eq!(r.buckets[0].goals[1].work.keys, vec!["S-0"]);
    let text = r.to_text();
    assert!(text.contains("By goal, period by period"), "{text}");
    // One scale for every goal (0 to the largest share, a half): grow's two fifths of
    // the first two weeks and half of the rest, rely's fifth and then nothing.
    let grow = text
        .lines()
        .find(|l| l.contains("Grow self-serve"))
        .unwrap();
    assert!(
        grow.contains("▇▇████████") && grow.ends_with("2026-W32 40% -> 2026-W41 50%"),
        "{grow}"
    );
    let rely = text
        .lines()
        .find(|l| l.contains("Reliable platform"))
        .unwrap();
    assert!(rely.contains("▄▄▁▁▁▁▁▁▁▁"), "{rely}");
    assert_eq!(r.unlinked.items, 10);
    assert_eq!(r.stalled.len(), 1);
    assert_eq!(r.stalled[0].id, "slo");
    assert_eq!(r.stalled[0].work.keys, vec!["S-0", "S-1"]);
    // "Reliable platform" has 2 of 42 items (< 5%).
    assert_eq!(r.thin_goals.len(), 1);
    assert_eq!(r.thin_goals[0].id, "rely");
    let by_sprint = allocation(
        &b.snap,
        &Scope::default(),
        &AllocationOptions {
            by: BucketBy::Sprint,
            ..Default::default()
        },
    );
    assert_eq!(by_sprint.buckets.len(), 1);
    assert_eq!(by_sprint.buckets[0].label, "(no sprint)");
}

#[test]
fn months_quarters_and_auto_buckets_follow_the_span_of_the_work() {
    let by = |b: &Builder, by: BucketBy| {
        allocation(
            &b.snap,
            &Scope::default(),
            &AllocationOptions {
                by,
                ..Default::default()
            },
        )
    };
    let labels = |r: &throughline_report::AllocationReport| -> Vec<String> {
        r.buckets.iter().map(|b| b.label.clone()).collect()
    };
    // One item every `every` weeks from `start` over `weeks` weeks.
    let work = |start: &str, weeks: i64, every: usize| {
        let mut b = Builder::new();
        for w in (0..=weeks).step_by(every) {
            let d = day(start) + Duration::weeks(w);
            b.item(
                &format!("A-{w}"),
                "work",
                "Core",
                "p",
                d,
                init("checkout"),
                LinkOrigin::Explicit,
            );
        }
        b
    };
    // Ten weeks of work: auto keeps weeks.
    let b = work("2026-08-03", 9, 1);
    let r = by(&b, BucketBy::Auto);
    assert_eq!(r.options.by, BucketBy::Week);
    assert_eq!(r.buckets.len(), 10);
    assert_eq!(
        labels(&by(&b, BucketBy::Month)),
        ["2026-08", "2026-09", "2026-10"]
    );
    assert_eq!(labels(&by(&b, BucketBy::Quarter)), ["2026-Q3", "2026-Q4"]);
    // Two years: months. Five years: quarters; every item is counted once either way.
    for (span_weeks, want) in [(104, BucketBy::Month), (260, BucketBy::Quarter)] {
        let b = work("2021-01-04", span_weeks, 4);
        let r = by(&b, BucketBy::Auto);
        assert_eq!(r.options.by, want);
        let counted: usize = r.buckets.iter().map(|b| b.total.items).sum();
        assert_eq!(counted, r.total.items);
        assert!(r.to_text().contains(if want == BucketBy::Month {
            "month "
        } else {
            "quarter "
        }));
    }
    assert_eq!("Quarter".parse::<BucketBy>(), Ok(BucketBy::Quarter));
    assert!(
        "moon"
            .parse::<BucketBy>()
            .unwrap_err()
            .contains("week, month, quarter")
    );
}
