//! The digest on hand-made data: what falls in its days, for whom, and never who.

mod common;

use chrono::Duration;
use common::*;
use throughline_model::{LinkOrigin, MetricValue, NoteKind, NoteTarget};
use throughline_report::{DigestError, DigestOptions, DigestPeriod, digest, digest_teams};

fn sample() -> throughline_report::Snapshot {
    // Payments goes off plan in its last four weeks; Tiny has two people.
    let mut snap = generate(
        7,
        &[("Payments", 12, 5), ("Core", 12, 5), ("Tiny", 3, 2)],
        12,
        |t, w| if t == "Payments" && w >= 8 { 0.7 } else { 0.15 },
    );
    // Ten of the engine's links wait for review.
    for s in snap.items.iter().take(10) {
        if let Some(l) = snap.links.get_mut(&s.id) {
            l.origin = LinkOrigin::Inferred;
        }
    }
    let mut b = Builder { snap };
    b.note(
        NoteTarget::Goal { id: "rely".into() },
        NoteKind::TradeOff,
        "from Jane Doe: we paused wallets to handle incidents, ask @jdoe",
        "Payments",
        day("2026-11-18"),
    );
    b.note(
        NoteTarget::Goal { id: "rely".into() },
        NoteKind::Learning,
        "Error budgets changed the conversation.",
        "Core",
        day("2026-11-16"),
    );
    b.note(
        NoteTarget::Initiative {
            id: "checkout".into(),
        },
        NoteKind::Why,
        "An older note, sent in an earlier digest.",
        "Payments",
        day("2026-11-01"),
    );
    b.snap.metric_values.insert(
        "conv".into(),
        (0..12)
            .map(|i| MetricValue {
                date: day("2026-09-04") + Duration::weeks(i),
                value: 10.0 + i as f64 * 0.5,
            })
            .collect(),
    );
    b.snap
}

fn opts(team: Option<&str>) -> DigestOptions {
    DigestOptions {
        period: DigestPeriod::LastDays(7),
        as_of: Some(day("2026-11-20")),
        last_covered: None,
        team: team.map(str::to_string),
        min_group_size: 3,
        base_url: "http://dash".into(),
    }
}

#[test]
fn the_digest_says_what_moved_in_its_days_with_the_teams_words_and_no_names() {
    let snap = sample();
    let d = digest(&snap, &opts(None)).unwrap();
    assert_eq!((d.from, d.to), (day("2026-11-14"), day("2026-11-20")));
    let section = |id: &str| d.sections.iter().find(|s| s.id == id);

    let drift = section("drift").expect("Payments' rise is material");
    assert!(
        drift
            .lines
            .iter()
            .any(|l| l.text.starts_with("Payments: off-plan share"))
    );

    let notes = section("notes").expect("two notes in the window");
    assert_eq!(notes.lines.len(), 2, "the note of 2026-11-01 is older");
    let quote = notes.lines[0].quote.as_deref().unwrap();
    assert!(quote.contains("we paused wallets"), "{quote}");
    assert!(
        !quote.contains("Jane") && !quote.contains("jdoe"),
        "{quote}"
    );
    assert!(
        notes.lines[0]
            .text
            .starts_with("Payments, trade-off note on")
    );

    let metrics = section("metrics").expect("conv had a value in the window");
    assert!(metrics.lines[0].link.href.starts_with("http://dash/goals/"));

    assert_eq!(d.review_queue, 10);
    let all = serde_json::to_string(&d).unwrap();
    for name in ["Secret Person", "person-", "Jane Doe"] {
        assert!(!all.contains(name), "{name} in {all}");
    }
}

#[test]
fn a_teams_digest_keeps_its_own_notes_and_small_teams_have_none() {
    let snap = sample();
    let d = digest(&snap, &opts(Some("Core"))).unwrap();
    let notes = d.sections.iter().find(|s| s.id == "notes").unwrap();
    assert_eq!(notes.lines.len(), 1);
    assert!(notes.lines[0].text.starts_with("Core, learning note"));
    assert!(d.review_queue < 10);
    assert!(d.sections.iter().all(|s| {
        s.lines
            .iter()
            .all(|l| !l.link.href.contains("/items?") || l.link.href.contains("team=Core"))
    }));

    assert_eq!(
        digest(&snap, &opts(Some("Tiny"))).unwrap_err(),
        DigestError::SmallTeam {
            team: "Tiny".into(),
            min: 3
        }
    );
    assert_eq!(
        digest_teams(&snap, 3),
        (vec!["Core".to_string(), "Payments".to_string()], 1)
    );
}

#[test]
fn after_a_digest_the_next_covers_only_the_days_since() {
    let snap = sample();
    let next = DigestOptions {
        last_covered: Some(day("2026-11-17")),
        ..opts(None)
    };
    let d = digest(&snap, &next).unwrap();
    assert_eq!((d.from, d.to), (day("2026-11-18"), day("2026-11-20")));
    assert!(d.since_last && d.summary.ends_with("(since the last digest)."));
    let notes = d.sections.iter().find(|s| s.id == "notes").unwrap();
    assert_eq!(
        notes.lines.len(),
        1,
        "the note of 2026-11-16 was in the last one"
    );

    let none = DigestOptions {
        last_covered: Some(day("2026-11-20")),
        ..opts(None)
    };
    let d = digest(&snap, &none).unwrap();
    assert!(d.summary.starts_with("Nothing new since the last digest"));
    assert!(
        d.sections
            .iter()
            .all(|s| s.id != "notes" && s.id != "metrics")
    );
}
