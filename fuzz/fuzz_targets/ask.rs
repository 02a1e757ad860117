//! The `ask` question parser (teams, goals, periods written out or relative, the shape of
//! the question) and the answer it leads to, on a small fixed organisation.
#![no_main]

use std::sync::OnceLock;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use throughline_model::{
    ContextNote, LinkOrigin, LinkTarget, NoteKind, NoteTarget, OffPlanReason, StatusCategory,
    WorkItem,
};
use throughline_report::{EffectiveLink, Snapshot, ask};
use throughline_store::StoredItem;

/// Three teams of three people over half a year: linked, off-plan and unlinked work, and
/// notes of every kind, so every shape of answer has something to say.
fn organisation() -> Snapshot {
    let strategy =
        throughline_strategy::parse(include_str!("../../crates/strategy/src/example.toml"))
            .expect("the example strategy parses");
    let targets = [
        Some(LinkTarget::Initiative("checkout-v2".into())),
        Some(LinkTarget::Initiative("latency-budget".into())),
        Some(LinkTarget::OffPlan(OffPlanReason::BugIncident)),
        Some(LinkTarget::OffPlan(OffPlanReason::TechDebt)),
        None,
    ];
    let words = [
        "checkout card form",
        "latency budget api",
        "outage pager",
        "upgrade postgres",
        "misc cleanup",
    ];
    let start = NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
    let mut snap = Snapshot {
        strategy_version: Some(1),
        strategy,
        ..Snapshot::default()
    };
    for i in 0..60_usize {
        let created = Utc.from_utc_datetime(
            &(start + Duration::days(i as i64 * 3))
                .and_hms_opt(9, 0, 0)
                .expect("a time"),
        );
        let id = i as i64 + 1;
        let team = ["Payments", "Platform", "Mobile Apps"][i % 3];
        snap.items.push(StoredItem {
            id,
            item: WorkItem {
                source: "jira".into(),
                key: format!("PAY-{id}"),
                title: format!("{} {i}", words[i % 5]),
                team: Some(team.into()),
                assignee: Some(format!("person {}", i % 9)),
                estimate: Some(3.0),
                created: Some(created),
                resolved: (i % 4 != 0).then(|| created + Duration::days(5)),
                status_category: if i % 4 == 0 {
                    StatusCategory::InProgress
                } else {
                    StatusCategory::Done
                },
                ..WorkItem::default()
            },
        });
        if let Some(target) = targets[i % 5].clone() {
            snap.links.insert(
                id,
                EffectiveLink {
                    target,
                    origin: LinkOrigin::Inferred,
                    confidence: 0.8,
                    reason: String::new(),
                    aligned_p: Some(0.7),
                    also: Vec::new(),
                },
            );
        }
    }
    for (k, kind) in NoteKind::ALL.into_iter().enumerate() {
        snap.notes.push(ContextNote {
            target: NoteTarget::Item {
                source: "jira".into(),
                key: format!("PAY-{}", k * 5 + 3),
            },
            kind,
            text: format!("we chose the outage work over checkout ({k})"),
            author_team: Some("Platform".into()),
            author_name: None,
            date: start + Duration::days(k as i64 * 20),
        });
    }
    snap
}

static ORG: OnceLock<Snapshot> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(question) = std::str::from_utf8(data) else {
        return;
    };
    let snap = ORG.get_or_init(organisation);
    let today = NaiveDate::from_ymd_opt(2026, 9, 1).expect("a date");
    let answer = ask(snap, question, today);
    for c in &answer.cited {
        assert!(!c.key.is_empty(), "{question:?} cites nothing: {answer:?}");
    }
});
