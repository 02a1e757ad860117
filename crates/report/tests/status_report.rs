//! The status report's figures match the items behind them, and no figure points at a person.

use std::collections::HashMap;

use throughline_model::{
    Goal, Initiative, LinkOrigin, LinkTarget, OffPlanReason, Strategy, WorkItem,
};
use throughline_report::{EffectiveLink, Scope, Snapshot, status};
use throughline_store::StoredItem;

fn strategy() -> Strategy {
    Strategy {
        goals: vec![
            Goal {
                id: "grow".into(),
                title: "Grow".into(),
                ..Default::default()
            },
            Goal {
                id: "rely".into(),
                title: "Rely".into(),
                ..Default::default()
            },
        ],
        metrics: vec![],
        initiatives: vec![
            Initiative {
                id: "checkout".into(),
                goals: vec!["grow".into()],
                title: "Checkout".into(),
                ..Default::default()
            },
            Initiative {
                id: "both".into(),
                goals: vec!["grow".into(), "rely".into()],
                title: "Both".into(),
                ..Default::default()
            },
        ],
    }
}

fn snapshot(rows: &[(&str, &str, &str, Option<LinkTarget>, LinkOrigin)]) -> Snapshot {
    let mut items = Vec::new();
    let mut links = HashMap::new();
    for (i, (key, team, person, target, origin)) in rows.iter().enumerate() {
        let id = i as i64 + 1;
        items.push(StoredItem {
            id,
            item: WorkItem {
                source: "jira".into(),
                key: key.to_string(),
                title: key.to_string(),
                team: Some(team.to_string()),
                assignee: Some(person.to_string()),
                estimate: Some(2.0),
                created: Some("2026-07-10T00:00:00Z".parse().unwrap()),
                resolved: Some("2026-07-20T00:00:00Z".parse().unwrap()),
                ..Default::default()
            },
        });
        if let Some(t) = target {
            links.insert(
                id,
                EffectiveLink {
                    target: t.clone(),
                    origin: *origin,
                    confidence: 1.0,
                    reason: String::new(),
                    aligned_p: None,
                    also: Vec::new(),
                },
            );
        }
    }
    Snapshot {
        strategy_version: Some(1),
        strategy: strategy(),
        items,
        links,
        ..Default::default()
    }
}

#[test]
fn figures_match_the_items_behind_them() {
    use LinkOrigin::*;
    let init = |s: &str| Some(LinkTarget::Initiative(s.into()));
    let snap = snapshot(&[
        ("A-1", "Pay", "ann", init("checkout"), Explicit),
        ("A-2", "Pay", "bob", init("checkout"), Inferred),
        ("A-3", "Pay", "cy", init("both"), Corrected),
        (
            "A-4",
            "Pay",
            "ann",
            Some(LinkTarget::OffPlan(OffPlanReason::TechDebt)),
            Inferred,
        ),
        ("A-5", "Pay", "bob", Some(LinkTarget::Unclear), Inferred),
        ("A-6", "Pay", "cy", None, Explicit),
    ]);
    let r = status(
        &snap,
        &Scope {
            min_group_size: 3,
            ..Default::default()
        },
    );
    assert_eq!(r.total.items, 6);
    assert_eq!(r.aligned.keys, vec!["A-1", "A-2", "A-3"]);
    assert!((r.aligned.share_items - 0.5).abs() < 1e-9);
    assert_eq!(r.aligned_by_origin.explicit.keys, vec!["A-1"]);
    assert_eq!(r.aligned_by_origin.inferred.keys, vec!["A-2"]);
    assert_eq!(r.aligned_by_origin.corrected.keys, vec!["A-3"]);
    let grow = &r.goals[0];
    assert_eq!(grow.work.keys, vec!["A-1", "A-2", "A-3"]);
    assert_eq!(r.goals[1].work.keys, vec!["A-3"]);
    assert_eq!(grow.initiatives[0].work.keys, vec!["A-1", "A-2"]);
    assert_eq!(r.off_plan_by_reason[0].reason, OffPlanReason::TechDebt);
    assert_eq!(r.off_plan.keys, vec!["A-4"]);
    assert_eq!(r.unclear.keys, vec!["A-5"]);
    assert_eq!(r.unlinked.keys, vec!["A-6"]);
    // Every share is its count over the total.
    for g in &r.goals {
        assert!((g.work.share_items - g.work.items as f64 / 6.0).abs() < 1e-9);
        assert!((g.work.share_estimate - g.work.estimate / 12.0).abs() < 1e-9);
    }
    let text = r.to_text();
    assert!(text.contains("aligned to a goal"), "{text}");
    assert!(
        !text.contains("ann") && !text.contains("bob"),
        "no person in the report:\n{text}"
    );
}

#[test]
fn teams_smaller_than_the_minimum_fold_into_other() {
    let snap = snapshot(&[
        ("A-1", "Big", "ann", None, LinkOrigin::Explicit),
        ("A-2", "Big", "bob", None, LinkOrigin::Explicit),
        ("A-3", "Big", "cy", None, LinkOrigin::Explicit),
        ("B-1", "Tiny", "dee", None, LinkOrigin::Explicit),
        ("B-2", "Tiny", "eve", None, LinkOrigin::Explicit),
        ("C-1", "Solo", "fay", None, LinkOrigin::Explicit),
    ]);
    let r = status(
        &snap,
        &Scope {
            min_group_size: 3,
            ..Default::default()
        },
    );
    let names: Vec<(&str, usize)> = r.teams.iter().map(|t| (t.team.as_str(), t.items)).collect();
    assert_eq!(names, vec![("Big", 3), ("other", 3)]);
    let r = status(
        &snap,
        &Scope {
            min_group_size: 1,
            ..Default::default()
        },
    );
    assert_eq!(r.teams.len(), 3);
}

#[test]
fn the_period_and_team_narrow_the_scope() {
    let mut snap = snapshot(&[
        ("A-1", "Pay", "ann", None, LinkOrigin::Explicit),
        ("A-2", "Core", "bob", None, LinkOrigin::Explicit),
    ]);
    snap.items[1].item.created = Some("2026-10-02T00:00:00Z".parse().unwrap());
    snap.items[1].item.resolved = Some("2026-10-05T00:00:00Z".parse().unwrap());
    let q3 = Scope {
        period: Some("2026-Q3".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(status(&snap, &q3).unlinked.keys, vec!["A-1"]);
    let core = Scope {
        team: Some("core".into()),
        ..Default::default()
    };
    assert_eq!(status(&snap, &core).unlinked.keys, vec!["A-2"]);
    // An empty scope of a full database points at the scope, not at importing.
    let nobody = Scope {
        team: Some("nobody".into()),
        ..Default::default()
    };
    let text = status(&snap, &nobody).to_text();
    assert!(text.contains("try another period or team"), "{text}");
    assert!(!text.contains("Import some"), "{text}");
    let empty = Snapshot {
        items: Vec::new(),
        ..snap
    };
    assert!(
        status(&empty, &Scope::default())
            .to_text()
            .contains("Import some")
    );
}

#[test]
fn expected_shares_count_unclear_work_by_how_likely_it_serves_a_goal() {
    use LinkOrigin::{Explicit, Inferred};
    let init = |id: &str| Some(LinkTarget::Initiative(id.into()));
    let mut snap = snapshot(&[
        ("A-1", "Pay", "p1", init("checkout"), Explicit),
        ("A-2", "Pay", "p1", init("checkout"), Inferred),
        ("A-3", "Pay", "p1", Some(LinkTarget::Unclear), Inferred),
        ("A-4", "Pay", "p1", Some(LinkTarget::Unclear), Inferred),
        (
            "A-5",
            "Pay",
            "p1",
            Some(LinkTarget::OffPlan(OffPlanReason::TechDebt)),
            Inferred,
        ),
        ("A-6", "Pay", "p1", None, Explicit),
    ]);
    // The engine's probabilities of serving some goal; A-4 was inferred before they
    // were kept.
    for (id, p) in [(2, Some(0.8)), (3, Some(0.9)), (4, None), (5, Some(0.1))] {
        snap.links.get_mut(&id).unwrap().aligned_p = p;
    }
    let r = status(&snap, &Scope::default());
    let e = &r.expected;
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    // 1 (explicit) + 0.8 + 0.9 + 0.1 of 6 items; A-4 and the unlinked A-6 are unknown.
    assert!(close(e.aligned, 2.8 / 6.0), "{e:?}");
    assert!(close(e.off_plan, (0.2 + 0.1 + 0.9) / 6.0), "{e:?}");
    assert!(close(e.unknown, 2.0 / 6.0), "{e:?}");
    // The range runs from the placed work alone to it and all not placed
    // (A-3, A-4 unclear, A-6 unlinked), and holds the expected share.
    assert!(close(e.aligned_low, 2.0 / 6.0), "{e:?}");
    assert!(close(e.aligned_high, 5.0 / 6.0), "{e:?}");
    assert!(e.aligned_low <= e.aligned && e.aligned <= e.aligned_high);
    let text = r.to_text();
    assert!(
        text.contains("Expected, by the engine's probabilities: 47% aligned"),
        "{text}"
    );
}

#[test]
fn work_the_selectors_place_under_several_initiatives_counts_under_each_and_once_in_total() {
    let mut strategy = strategy();
    strategy.goals.push(Goal {
        id: "tools".into(),
        title: "Tools".into(),
        ..Default::default()
    });
    strategy.initiatives.push(Initiative {
        id: "tooling".into(),
        goals: vec!["tools".into(), "grow".into()],
        title: "Tooling".into(),
        ..Default::default()
    });
    let explicit = Some(LinkTarget::Initiative("checkout".into()));
    let mut snap = snapshot(&[
        ("K-1", "a", "p1", explicit.clone(), LinkOrigin::Explicit),
        ("K-2", "a", "p2", explicit, LinkOrigin::Explicit),
        ("K-3", "a", "p3", None, LinkOrigin::Explicit),
    ]);
    snap.strategy = strategy;
    // K-1 is under the components of Checkout and Tooling.
    snap.links.get_mut(&1).unwrap().also = vec!["tooling".into()];

    let st = status(&snap, &Scope::default());
    assert_eq!((st.total.items, st.aligned.items), (3, 2));
    assert_eq!(st.aligned_by_origin.explicit.items, 2);
    let goal = |id: &str| st.goals.iter().find(|g| g.id == id).unwrap();
    let init = |g: &str, id: &str| {
        goal(g)
            .initiatives
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .work
            .keys
            .clone()
    };
    assert_eq!(init("grow", "checkout"), vec!["K-1", "K-2"]);
    assert_eq!(init("tools", "tooling"), vec!["K-1"]);
    assert_eq!(init("grow", "tooling"), vec!["K-1"]);
    // Once per goal, though two of its initiatives serve "grow".
    assert_eq!(goal("grow").work.keys, vec!["K-1", "K-2"]);
    assert_eq!(goal("tools").work.keys, vec!["K-1"]);
    assert_eq!(goal("rely").work.items, 0);

    // The drill-down lists what each figure counts.
    let listed = |q: throughline_report::item_query::ItemQuery| -> Vec<String> {
        throughline_report::item_query::select(&snap, &q)
            .map(|r| r.key.to_string())
            .collect()
    };
    let by_init = |id: &str| throughline_report::item_query::ItemQuery {
        initiative: Some(id.into()),
        ..Default::default()
    };
    assert_eq!(listed(by_init("tooling")), vec!["K-1"]);
    assert_eq!(listed(by_init("checkout")), vec!["K-1", "K-2"]);
    let by_goal = throughline_report::item_query::ItemQuery {
        goal: Some("tools".into()),
        ..Default::default()
    };
    assert_eq!(listed(by_goal), vec!["K-1"]);
}
