//! Each question shape gets a structured answer that cites items or notes.

mod common;

use common::*;
use throughline_model::{LinkOrigin, NoteKind, NoteTarget};
use throughline_report::ask::CitationKind;
use throughline_report::{Snapshot, ask};

fn snap() -> Snapshot {
    let mut snap = generate(
        9,
        &[("Payments", 10, 5), ("Core", 10, 5), ("Solo", 10, 1)],
        12,
        |t, w| {
            if t == "Payments" && w >= 8 { 0.6 } else { 0.2 }
        },
    );
    // An initiative that had work early and none in the last six weeks.
    let mut b = Builder {
        snap: std::mem::take(&mut snap),
    };
    b.snap
        .strategy
        .initiatives
        .push(throughline_model::Initiative {
            id: "wallets".into(),
            goals: vec!["grow".into()],
            title: "Local payment methods".into(),
            ..Default::default()
        });
    for i in 0..6 {
        b.item(
            &format!("WAL-{i}"),
            "Wallet provider integration",
            "Payments",
            "x",
            day("2026-08-20"),
            init("wallets"),
            LinkOrigin::Explicit,
        );
    }
    // Still open: finished work is not stalled.
    for s in b
        .snap
        .items
        .iter_mut()
        .filter(|s| s.item.key.starts_with("WAL-"))
    {
        s.item.status_category = throughline_model::StatusCategory::InProgress;
        s.item.resolved = None;
    }
    let key = b
        .snap
        .items
        .iter()
        .rev()
        .find(|s| s.item.team.as_deref() == Some("Payments") && s.item.title.starts_with("fix"))
        .unwrap()
        .item
        .key
        .clone();
    b.note(
        NoteTarget::Item {
            source: "jira".into(),
            key,
        },
        NoteKind::TradeOff,
        "Incident wave pulled us off wallets.",
        "Payments",
        day("2026-11-15"),
    );
    b.note(
        NoteTarget::Goal { id: "rely".into() },
        NoteKind::Learning,
        "Error budgets changed the conversation.",
        "Core",
        day("2026-11-01"),
    );
    b.snap
}

fn today() -> chrono::NaiveDate {
    day("2026-11-25")
}

#[test]
fn what_are_we_executing() {
    let a = ask(&snap(), "What are we executing?", today());
    assert_eq!(a.shape, "executing");
    assert!(a.text.contains("Checkout redesign"), "{}", a.text);
    assert!(a.cited.iter().all(|c| c.kind == CitationKind::Item) && !a.cited.is_empty());
}

#[test]
fn why_is_a_team_off_plan_quotes_its_notes() {
    let a = ask(&snap(), "why is paymets so much off plan?", today());
    assert_eq!(a.shape, "why_off_plan");
    assert!(a.text.starts_with("Payments:"), "{}", a.text);
    assert!(
        a.text.contains("Incident wave pulled us off wallets."),
        "{}",
        a.text
    );
    assert!(a.cited.iter().any(|c| c.kind == CitationKind::Note));
    assert!(a.cited.iter().any(|c| c.kind == CitationKind::Item));
}

#[test]
fn how_much_work_goes_to_a_goal() {
    let s = snap();
    let a = ask(&s, "How much work goes to reliable platform?", today());
    assert_eq!(a.shape, "goal_work");
    assert!(a.text.contains("\"Reliable platform\""), "{}", a.text);
    assert!(!a.cited.is_empty());
}

#[test]
fn which_initiatives_stalled() {
    let a = ask(&snap(), "Which initiatives stalled?", today());
    assert_eq!(a.shape, "stalled");
    assert!(a.text.contains("Local payment methods"), "{}", a.text);
    assert!(a.cited.iter().any(|c| c.key.starts_with("WAL-")));
    assert!(!a.text.contains("Checkout redesign"));
}

#[test]
fn off_plan_trend_for_a_team_names_the_shift() {
    let a = ask(&snap(), "trend of off plan for Payments", today());
    assert_eq!(a.shape, "off_plan_trend");
    assert!(a.text.contains("Material shift: Payments"), "{}", a.text);
    assert!(!a.cited.is_empty());
}

#[test]
fn small_teams_are_not_answered_about_by_name() {
    let a = ask(&snap(), "why is Solo off plan", today());
    assert_eq!(a.shape, "too_small");
    assert!(a.cited.is_empty());
}

#[test]
fn other_questions_fall_back_to_retrieval() {
    let a = ask(&snap(), "error budgets", today());
    assert_eq!(a.shape, "search");
    assert_eq!(a.cited[0].kind, CitationKind::Note);
    assert!(a.cited[0].snippet.contains("Error budgets"));
}
