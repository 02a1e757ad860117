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

/// "this quarter", "last month", "in 2026-Q3": the answer covers that period (relative
/// to the last day with activity), says which, and its numbers are the period's.
#[test]
fn a_period_in_the_question_scopes_the_answer() {
    let s = snap();
    let off_plan_in = |period: &str| {
        let scope = throughline_report::Scope {
            period: Some(period.parse().unwrap()),
            team: Some("Payments".into()),
            min_group_size: 3,
            ..Default::default()
        };
        let st = throughline_report::status(&s, &scope);
        format!("{} of {} items", st.off_plan.items, st.total.items)
    };
    let all_time = ask(&s, "why is payments off plan?", today());
    for (question, period) in [
        ("why is payments off plan this quarter?", "2026-Q4"),
        ("Why was Payments off plan in 2026-Q3?", "2026-Q3"),
        ("why is payments off plan last month", "2026-10"),
        (
            "why is payments off plan in 2026-10-01..2026-10-31?",
            "2026-10-01..2026-10-31",
        ),
    ] {
        let a = ask(&s, question, today());
        assert_eq!(a.shape, "why_off_plan", "{question}");
        assert!(
            a.text
                .starts_with(&format!("Payments in {period}: {}", off_plan_in(period))),
            "{question}: {}",
            a.text
        );
        assert_ne!(a.text, all_time.text);
    }
    // Numbers that are no period leave the answer on all the data.
    let a = ask(
        &s,
        "why is payments off plan when fixes take 5 days?",
        today(),
    );
    assert!(a.text.starts_with("Payments: "), "{}", a.text);
    assert_eq!(a.text, all_time.text);
}

/// A word of three digits and a letter of two bytes once panicked, slicing the word in
/// the middle of the letter (found by schemathesis on `/api/ask`).
#[test]
fn a_word_of_digits_and_letters_of_any_width_is_no_period_and_no_panic() {
    let s = snap();
    for question in ["005Óþ@ m", "why is 123é off plan?", "2026é", "12€4"] {
        let a = ask(&s, question, today());
        assert!(!a.text.is_empty(), "{question}");
    }
}

/// Found by `cargo fuzz run ask` (fuzz/fuzz_targets/ask.rs): a word whose fourth byte is
/// inside a letter of two bytes was sliced there while looking for a written period.
#[test]
fn a_word_with_a_multibyte_letter_at_its_fourth_byte_is_no_period() {
    let snap = snap();
    let question = format!(
        "ies\u{5d3}{}plan trend over time for Payments",
        "l".repeat(19)
    );
    let a = ask(&snap, &question, today());
    assert_eq!(a.shape, "search", "{a:?}");
    // And a year written next to such letters still names the period.
    let a = ask(
        &snap,
        "what is Payments working on in 2026-Q3 \u{5d3}\u{5d3}",
        today(),
    );
    assert!(a.text.contains("2026-Q3"), "{}", a.text);
}
