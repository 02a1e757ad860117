//! Themes group off-plan work by distinctive words, with examples and notes.

mod common;

use common::*;
use throughline_model::{LinkOrigin, NoteKind, NoteTarget, OffPlanReason};
use throughline_report::{Scope, ThemeOptions, themes};

#[test]
fn off_plan_work_groups_into_labelled_themes() {
    let mut b = Builder::new();
    let d = day("2026-10-01");
    let bug = OffPlanReason::BugIncident;
    let esc = OffPlanReason::CustomerEscalation;
    for (i, t) in [
        "Flaky CI pipeline on main",
        "Flaky CI timeout in integration suite",
        "Flaky CI cache misses",
        "Flaky CI runner out of disk",
        "Checkout 500s during incident",
        "Card incident retro follow-up",
        "Incident: payment webhook retries",
    ]
    .iter()
    .enumerate()
    {
        b.item(
            &format!("PAY-{i}"),
            t,
            "Payments",
            "p",
            d,
            off(bug),
            LinkOrigin::Inferred,
        );
    }
    for i in 0..4 {
        b.item(
            &format!("ENT-{i}"),
            &format!("Enterprise customer performance escalation {i}"),
            "Core",
            "p",
            d,
            off(esc),
            LinkOrigin::Inferred,
        );
    }
    for i in 0..10 {
        b.item(
            &format!("GRO-{i}"),
            "Build planned checkout step",
            "Core",
            "p",
            d,
            init("checkout"),
            LinkOrigin::Explicit,
        );
    }
    b.note(
        NoteTarget::Item {
            source: "jira".into(),
            key: "ENT-1".into(),
        },
        NoteKind::Why,
        "Largest enterprise customer threatened to churn over report latency.",
        "Core",
        d,
    );
    let r = themes(&b.snap, &Scope::default(), &ThemeOptions::default());
    assert_eq!(r.total_off_plan, 11);
    let ci = r
        .themes
        .iter()
        .find(|t| t.label.contains("flaky ci"))
        .unwrap_or_else(|| panic!("{}", r.to_text()));
    assert_eq!(ci.reason, Some(bug));
    assert_eq!(ci.work.items, 4);
    assert!(ci.work.keys.iter().all(|k| k.starts_with("PAY-")));
    let incident = r
        .themes
        .iter()
        .find(|t| t.terms.first().is_some_and(|t| t == "incident"))
        .unwrap();
    assert_eq!(incident.work.items, 3);
    let ent = r.themes.iter().find(|t| t.reason == Some(esc)).unwrap();
    assert!(
        ent.label.starts_with("customer escalation"),
        "{}",
        ent.label
    );
    assert!(
        ent.label.contains("enterprise") || ent.label.contains("escalation"),
        "{}",
        ent.label
    );
    assert_eq!(ent.notes.len(), 1);
    // Every off-plan item is in exactly one theme; aligned work is in none.
    let n: usize = r.themes.iter().map(|t| t.work.items).sum();
    assert_eq!(n, 11);
    assert!(
        r.themes
            .iter()
            .all(|t| t.work.keys.iter().all(|k| !k.starts_with("GRO")))
    );
    // Deterministic.
    assert_eq!(
        r,
        themes(&b.snap, &Scope::default(), &ThemeOptions::default())
    );
}
