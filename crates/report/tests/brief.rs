//! The brief's numbers are recomputed from the items behind them; quotes and words stay
//! calm and never name a person.

mod common;

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use common::*;
use throughline_model::{LinkOrigin, MetricValue, NoteKind, NoteTarget, OffPlanReason, Period};
use throughline_report::brief::Span;
use throughline_report::{Scope, WorkClass, brief};

fn sample() -> throughline_report::Snapshot {
    let mut snap = generate(5, &[("Payments", 10, 5), ("Core", 10, 5)], 12, |t, w| {
        if t == "Payments" && w >= 8 { 0.6 } else { 0.2 }
    });
    // Some inferred and unlinked work, so origins are kept apart.
    for s in snap.items.iter().take(20) {
        if let Some(l) = snap.links.get_mut(&s.id) {
            l.origin = LinkOrigin::Inferred;
        }
    }
    let unlinked: Vec<i64> = snap.items.iter().skip(20).take(7).map(|s| s.id).collect();
    for id in unlinked {
        snap.links.remove(&id);
    }
    let mut b = Builder { snap };
    let d = day("2026-11-12");
    b.note(
        NoteTarget::Initiative {
            id: "checkout".into(),
        },
        NoteKind::Why,
        "Drop-offs happen at the card form.",
        "Payments",
        day("2026-09-01"),
    );
    b.note(
        NoteTarget::Goal { id: "rely".into() },
        NoteKind::TradeOff,
        "We paused wallets to handle incidents.",
        "Payments",
        d,
    );
    b.note(
        NoteTarget::Goal { id: "rely".into() },
        NoteKind::Learning,
        "Error budgets changed the conversation.",
        "Core",
        d,
    );
    let start = day("2026-09-01");
    b.snap.metric_values.insert(
        "conv".into(),
        // Weekly until after the checkout launch (2026-11-13), to see it move since.
        (0..14)
            .map(|i| MetricValue {
                date: start + Duration::weeks(i),
                value: 10.0 + i as f64 * 0.3,
            })
            .collect(),
    );
    b.snap
}

/// The whole history, with teams of fewer than three people folded into "other".
fn teams_of_three() -> Scope {
    Scope {
        min_group_size: 3,
        ..Default::default()
    }
}

#[test]
fn every_number_is_recomputed_from_its_items() {
    let snap = sample();
    let scope = Scope {
        period: Some("2026-H2".parse::<Period>().unwrap()),
        ..teams_of_three()
    };
    let b = brief(&snap, &scope);
    let ev: HashMap<&str, &Vec<String>> = b
        .evidence
        .iter()
        .map(|e| (e.id.as_str(), &e.keys))
        .collect();
    let mut numbers = 0;
    for s in &b.sections {
        for p in &s.paragraphs {
            for span in p {
                if let Span::Number {
                    count,
                    share,
                    of,
                    evidence,
                } = span
                {
                    numbers += 1;
                    let keys = ev[evidence.as_str()];
                    assert_eq!(*count, keys.len(), "{evidence}");
                    if let (Some(share), Some(of)) = (share, of) {
                        let total = ev[of.as_str()].len();
                        assert!((share - keys.len() as f64 / total as f64).abs() < 1e-9);
                        // Part of the whole it is a share of.
                        let whole: HashSet<&String> = ev[of.as_str()].iter().collect();
                        assert!(keys.iter().all(|k| whole.contains(k)));
                    }
                }
            }
        }
    }
    assert!(numbers > 10);
    // Recompute key figures from the snapshot itself.
    let class: HashMap<&str, WorkClass> = snap
        .items
        .iter()
        .filter(|s| scope.includes(&s.item))
        .map(|s| {
            (
                s.item.key.as_str(),
                WorkClass::of(snap.links.get(&s.id), &snap.strategy),
            )
        })
        .collect();
    let find = |label: &str| b.evidence.iter().find(|e| e.label == label).unwrap();
    assert_eq!(find("All work in scope").keys.len(), class.len());
    let off = find("Work off plan");
    assert_eq!(
        off.keys.len(),
        class.values().filter(|c| c.is_off_plan()).count()
    );
    assert!(off.keys.iter().all(|k| class[k.as_str()].is_off_plan()));
    let inferred = find("Aligned by inference (sense engine)");
    assert!(inferred.keys.iter().all(|k| matches!(
        class[k.as_str()],
        WorkClass::Aligned(throughline_report::class::Origin::Inferred)
    )));
    assert_eq!(find("Work not yet placed").keys.len(), 7);
    let bug = find(&format!("Off plan: {}", OffPlanReason::BugIncident.label()));
    assert!(
        bug.keys
            .iter()
            .all(|k| class[k.as_str()] == WorkClass::OffPlan(OffPlanReason::BugIncident))
    );
}

#[test]
fn markdown_and_html_link_numbers_to_evidence_and_quote_notes() {
    let snap = sample();
    let b = brief(&snap, &teams_of_three());
    let md = b.to_markdown();
    let html = b.to_html();
    for e in &b.evidence {
        assert!(md.contains(&format!("<a id=\"{}\"></a>", e.id)));
        assert!(html.contains(&format!("<details id=\"{}\">", e.id)));
    }
    assert!(md.contains("](#evidence-1)"));
    assert!(html.contains("href=\"#evidence-1\""));
    for text in [
        "Drop-offs happen at the card form.",
        "We paused wallets",
        "Error budgets changed",
    ] {
        assert!(md.contains(text), "{text} missing in\n{md}");
        assert!(html.contains(text));
    }
    // The planted shift is an early signal.
    assert!(md.contains("Payments: the off-plan share moved"), "{md}");
    // A key result says what launched under its goal and how it moved since.
    let conv = md
        .lines()
        .find(|l| l.starts_with("Trial conversion:"))
        .unwrap_or_default();
    assert!(
        conv.contains("Launched under the same goal: Checkout redesign on ")
            && conv.contains("Since the first of them it moved from "),
        "{md}"
    );
    // Calm words, no people, no external assets.
    for bad in ["violation", "Secret Person", "person-"] {
        assert!(!md.contains(bad) && !html.contains(bad), "{bad}");
    }
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    assert_eq!(md, brief(&snap, &teams_of_three()).to_markdown());
}

/// The sample's brief, and one of its evidence lists longer than five keys.
fn brief_and_a_long_list() -> (throughline_report::Brief, throughline_report::Evidence) {
    let b = brief(&sample(), &teams_of_three());
    let long = b
        .evidence
        .iter()
        .find(|e| e.keys.len() > 5)
        .expect("a list of more than five items")
        .clone();
    (b, long)
}

#[test]
fn long_evidence_lists_can_link_to_the_whole_list() {
    let (b, long) = brief_and_a_long_list();
    let href = |e: &throughline_report::Evidence| format!("/evidence/{}?a=1&b=2", e.id);
    let short = b.to_html_with(Some(&throughline_report::LongEvidence {
        max_keys: 5,
        href: Some(&href),
    }));
    // The first five keys, then a link (escaped for HTML) to all of them.
    assert!(short.contains(&format!(
        "{}, … <a href=\"/evidence/{}?a=1&amp;b=2\">all {} items</a>",
        long.keys[..5].join(", "),
        long.id,
        long.keys.len()
    )));
    assert!(!short.contains(&long.keys[5..].join(", ")));
    // Short lists, and the full rendering, are untouched.
    assert!(b.to_html().contains(&long.keys.join(", ")));
    assert!(short.len() < b.to_html().len());
    // A page with nowhere to link to (a file written by the CLI) says how many more.
    let file = b.to_html_with(Some(&throughline_report::LongEvidence {
        max_keys: 5,
        href: None,
    }));
    assert!(file.contains(&format!(
        "{}, … and {} more</p>",
        long.keys[..5].join(", "),
        long.keys.len() - 5
    )));
    assert!(!file.contains("href=\"\""));
}

#[test]
fn long_evidence_lists_in_markdown_show_their_first_keys_and_say_where_the_rest_are() {
    let (b, long) = brief_and_a_long_list();
    let note = "Every key: `throughline brief --all-keys`.";
    let md = b.to_markdown_with(Some(&throughline_report::ShortEvidence {
        max_keys: 5,
        note,
    }));
    assert!(
        md.contains(&format!(
            "({} items): {}, … and {} more",
            long.keys.len(),
            long.keys[..5].join(", "),
            long.keys.len() - 5
        )),
        "{md}"
    );
    assert!(!md.contains(&long.keys[5..].join(", ")));
    // The note opens the evidence section, once; numbers still link to their lists.
    assert_eq!(md.matches("Every key:").count(), 1);
    assert!(md.find("## Evidence").unwrap() < md.find("Every key:").unwrap());
    for e in &b.evidence {
        assert!(md.contains(&format!("<a id=\"{}\"></a>", e.id)));
    }
    // Lists no longer than the limit, and the full rendering, are untouched; with
    // nothing shortened there is no note.
    let short_list = b
        .evidence
        .iter()
        .find(|e| e.keys.len() <= 5 && !e.keys.is_empty());
    if let Some(e) = short_list {
        assert!(md.contains(&format!(
            "({} items): {}\n",
            e.keys.len(),
            e.keys.join(", ")
        )));
    }
    assert!(b.to_markdown().contains(&long.keys.join(", ")));
    let roomy = b.to_markdown_with(Some(&throughline_report::ShortEvidence {
        max_keys: usize::MAX,
        note,
    }));
    assert_eq!(roomy, b.to_markdown());
}
