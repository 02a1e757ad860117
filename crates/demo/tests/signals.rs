//! The planted alignment mix and early signals are there.

mod common;

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use common::*;
use throughline_demo::Intent;

#[test]
fn alignment_mix_is_realistic() {
    let s = &default_demo().stats;
    let linked = s.share(s.linked);
    let aligned = s.share(s.unlinked_aligned);
    let off = s.share(s.off_plan);
    assert!((45.0..=55.0).contains(&linked), "linked {linked:.1}%");
    assert!(
        (15.0..=20.0).contains(&aligned),
        "unlinked aligned {aligned:.1}%"
    );
    assert!((25.0..=35.0).contains(&off), "off plan {off:.1}%");
    assert!(
        s.ambiguous > 0 && s.share(s.ambiguous) < 5.0,
        "a few ambiguous"
    );
    assert_eq!(
        s.linked + s.unlinked_aligned + s.off_plan + s.ambiguous,
        s.work_items
    );
    assert!(
        s.off_plan_by_reason
            .iter()
            .filter(|(r, _)| *r != throughline_model::OffPlanReason::NotCovered)
            .all(|(_, n)| *n > 0),
        "every reason of a trade-off occurs (the demo's strategy covers every area)"
    );
    assert_eq!(s.per_team.len(), 6);
    assert!(s.per_team.iter().all(|(_, n)| *n > 250));
}

#[test]
fn alignment_mix_holds_for_other_seeds() {
    for seed in [1, 77, 4242] {
        let d = throughline_demo::generate(&throughline_demo::DemoConfig {
            seed,
            ..Default::default()
        });
        let s = &d.stats;
        let (l, a, o) = (
            s.share(s.linked),
            s.share(s.unlinked_aligned),
            s.share(s.off_plan),
        );
        assert!((45.0..=55.0).contains(&l), "seed {seed}: linked {l:.1}%");
        assert!((15.0..=20.0).contains(&a), "seed {seed}: aligned {a:.1}%");
        assert!((25.0..=35.0).contains(&o), "seed {seed}: off plan {o:.1}%");
    }
}

/// An initiative's (epics, labels, components) selectors.
type Sel = (Vec<String>, Vec<String>, Vec<String>);

/// Selectors per initiative.
fn selectors() -> HashMap<String, Sel> {
    let t = strategy(default_demo());
    t["initiative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                (strs(i, "epics"), strs(i, "labels"), strs(i, "components")),
            )
        })
        .collect()
}

/// Which initiative, if any, each Jira item is explicitly tied to by the strategy's
/// selectors, worked out from the export alone (epic link, parent's epic, label, component).
fn explicit_links() -> HashMap<String, Option<String>> {
    let issues = jira_issues(default_demo());
    let sel = selectors();
    let by_key: HashMap<&str, &serde_json::Value> = issues
        .iter()
        .map(|i| (i["key"].as_str().unwrap(), i))
        .collect();
    let direct = |i: &serde_json::Value| -> Option<String> {
        let f = &i["fields"];
        let key = i["key"].as_str().unwrap();
        let epic = f["customfield_10014"].as_str();
        let labels: Vec<&str> = f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let comps: Vec<&str> = f["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        sel.iter()
            .find(|(_, (e, l, c))| {
                e.iter().any(|e| Some(e.as_str()) == epic || e == key)
                    || l.iter().any(|l| labels.contains(&l.as_str()))
                    || c.iter().any(|c| comps.contains(&c.as_str()))
            })
            .map(|(id, _)| id.clone())
    };
    issues
        .iter()
        .map(|i| {
            let own = direct(i).or_else(|| {
                i["fields"]["parent"]["key"]
                    .as_str()
                    .and_then(|p| by_key.get(p))
                    .and_then(|p| direct(p))
            });
            (i["key"].as_str().unwrap().to_string(), own)
        })
        .collect()
}

#[test]
fn ground_truth_matches_the_jira_export() {
    let demo = default_demo();
    let links = explicit_links();
    for p in demo
        .truth
        .iter()
        .filter(|p| p.source == "jira" && !p.is_epic)
    {
        let explicit = &links[&p.key];
        match p.intent {
            Intent::Linked(id) => assert_eq!(explicit.as_deref(), Some(id), "{} linked", p.key),
            Intent::Aligned(_) | Intent::OffPlan(_) | Intent::Ambiguous => {
                assert_eq!(explicit, &None, "{} carries no selector", p.key)
            }
            Intent::Container => unreachable!(),
        }
    }
}

#[test]
fn unlinked_aligned_work_uses_the_initiatives_words() {
    let demo = default_demo();
    let issues = jira_issues(demo);
    let summary: HashMap<&str, &str> = issues
        .iter()
        .map(|i| {
            (
                i["key"].as_str().unwrap(),
                i["fields"]["summary"].as_str().unwrap(),
            )
        })
        .collect();
    let parent: HashMap<&str, &str> = issues
        .iter()
        .filter_map(|i| {
            Some((
                i["key"].as_str().unwrap(),
                i["fields"]["parent"]["key"].as_str()?,
            ))
        })
        .collect();
    let t = strategy(demo);
    let desc: HashMap<&str, String> = t["initiative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["title"].as_str().unwrap().to_lowercase(),
            )
        })
        .collect();
    let mut with_words = 0;
    let mut total = 0;
    for p in demo.truth.iter().filter(|p| p.source == "jira") {
        if let Intent::Aligned(id) = p.intent {
            total += 1;
            let key = parent
                .get(p.key.as_str())
                .copied()
                .unwrap_or(p.key.as_str());
            let title = summary[key].to_lowercase();
            assert!(desc.contains_key(id));
            // Not a hard vocabulary check (that is the sense engine's job), just that
            // the titles are not empty boilerplate.
            if title.split_whitespace().count() >= 3 {
                with_words += 1;
            }
        }
    }
    assert!(total > 300);
    assert!(with_words as f64 / total as f64 > 0.95);
}

#[test]
fn payments_off_plan_share_jumps_in_the_last_four_weeks() {
    let demo = default_demo();
    let s = &demo.stats;
    assert!(
        s.payments_off_plan_last_4w > s.payments_off_plan_before + 0.2,
        "{:.2} -> {:.2}",
        s.payments_off_plan_before,
        s.payments_off_plan_last_4w
    );
    // Visible in the export itself: share of Payments work tied to no initiative.
    let links = explicit_links();
    let wave_start = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap() - Duration::days(27);
    let issues = jira_issues(demo);
    let (mut before, mut late) = ((0, 0), (0, 0));
    let mut late_bugs = 0;
    for i in &issues {
        let f = &i["fields"];
        if f["project"]["key"] != "PAY" || f["issuetype"]["name"] == "Epic" {
            continue;
        }
        let created =
            NaiveDate::parse_from_str(&f["created"].as_str().unwrap()[..10], "%Y-%m-%d").unwrap();
        let unlinked = links[i["key"].as_str().unwrap()].is_none();
        let bucket = if created >= wave_start {
            &mut late
        } else {
            &mut before
        };
        bucket.0 += usize::from(unlinked);
        bucket.1 += 1;
        if created >= wave_start && f["issuetype"]["name"] == "Bug" {
            late_bugs += 1;
        }
    }
    let share = |b: (usize, usize)| b.0 as f64 / b.1 as f64;
    assert!(
        share(late) > share(before) + 0.15,
        "{:.2} -> {:.2}",
        share(before),
        share(late)
    );
    assert!(late_bugs >= 20, "incidents in the wave: {late_bugs}");
    // And explained by notes.
    let late_notes = demo
        .notes_csv
        .lines()
        .filter(|l| l.starts_with("item:jira:PAY-"))
        .filter(|l| {
            NaiveDate::parse_from_str(&l[l.len() - 10..], "%Y-%m-%d").unwrap() >= wave_start
        })
        .count();
    assert!(late_notes >= 10, "notes explain the wave: {late_notes}");
}

#[test]
fn one_initiative_stalls() {
    let demo = default_demo();
    let stalled = demo.stats.stalled_initiative.as_str();
    assert_eq!(stalled, "local-payment-methods");
    let cutoff = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap() - Duration::days(42);
    let links = explicit_links();
    let mut earlier = 0;
    for p in &demo.truth {
        let serves = matches!(p.intent, Intent::Linked(i) | Intent::Aligned(i) if i == stalled);
        let linked = p.source == "jira" && links[&p.key].as_deref() == Some(stalled) && !p.is_epic;
        if serves || linked {
            assert!(
                p.created < cutoff,
                "{} created {} after the stall",
                p.key,
                p.created
            );
            earlier += 1;
        }
    }
    assert!(
        earlier > 40,
        "the initiative had real work before stalling: {earlier}"
    );
    // Others keep going.
    let active: HashSet<&str> = demo
        .truth
        .iter()
        .filter(|p| p.created >= cutoff)
        .filter_map(|p| match p.intent {
            Intent::Linked(i) => Some(i),
            _ => None,
        })
        .collect();
    assert!(active.contains("usage-billing"));
}
