//! Times `brief` (and its markdown) on a synthetic 100,000-item snapshot.
//!
//! `cargo run --release -p throughline-report --example brief_speed [ITEMS]`

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use throughline_model::{
    ContextNote, Goal, Initiative, LinkOrigin, LinkTarget, Metric, MetricValue, NoteKind,
    NoteTarget, OffPlanReason, Period, StatusCategory, Strategy, WorkItem,
};
use throughline_report::{EffectiveLink, Scope, Snapshot, brief};
use throughline_store::StoredItem;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let goals: Vec<Goal> = (0..5)
        .map(|g| Goal {
            id: format!("g{g}"),
            title: format!("Goal {g}"),
            ..Default::default()
        })
        .collect();
    let initiatives: Vec<Initiative> = (0..20)
        .map(|i| Initiative {
            id: format!("i{i}"),
            goals: vec![format!("g{}", i % 5)],
            title: format!("Initiative {i}"),
            description: "Why this matters.".into(),
            ..Default::default()
        })
        .collect();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 5, 25).unwrap();
    let metrics = (0..5)
        .map(|g| Metric {
            id: format!("m{g}"),
            goal: format!("g{g}"),
            name: format!("Metric {g}"),
            baseline: Some(1.0),
            target: Some(2.0),
            values: (0..26)
                .map(|w| MetricValue {
                    date: start + Duration::weeks(w),
                    value: 1.0 + w as f64 / 30.0,
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let words = [
        "checkout",
        "flaky",
        "ci",
        "incident",
        "payout",
        "enterprise",
        "escalation",
        "search",
        "latency",
        "billing",
        "invoice",
        "mobile",
        "crash",
        "login",
        "sso",
        "export",
    ];
    let teams = ["Payments", "Growth", "Core", "Platform", "Mobile", "Data"];
    let mut items = Vec::with_capacity(n);
    let mut links = HashMap::with_capacity(n);
    let mut x: u64 = 42;
    let mut rnd = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for k in 0..n {
        let r = rnd();
        let created = Utc.from_utc_datetime(
            &(start + Duration::days((r % 180) as i64))
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        );
        let title = format!(
            "{} {} {} {k}",
            words[(r >> 8) as usize % words.len()],
            words[(r >> 16) as usize % words.len()],
            words[(r >> 24) as usize % words.len()]
        );
        let team = teams[(r >> 32) as usize % teams.len()];
        items.push(StoredItem {
            id: k as i64,
            item: WorkItem {
                source: "jira".into(),
                key: format!("K-{k}"),
                title,
                team: Some(team.into()),
                assignee: Some(format!("{team}-{}", (r >> 40) % 8)),
                estimate: Some(((r >> 44) % 8) as f64),
                created: Some(created),
                resolved: Some(created + Duration::days(((r >> 48) % 20) as i64)),
                status_category: StatusCategory::Done,
                ..Default::default()
            },
        });
        let target = match (r >> 52) % 10 {
            0..=5 => Some(LinkTarget::Initiative(format!("i{}", (r >> 56) % 20))),
            6..=7 => Some(LinkTarget::OffPlan(
                OffPlanReason::ALL[((r >> 56) % 7) as usize],
            )),
            8 => Some(LinkTarget::Unclear),
            _ => None,
        };
        if let Some(target) = target {
            links.insert(
                k as i64,
                EffectiveLink {
                    target,
                    origin: if r % 3 == 0 {
                        LinkOrigin::Inferred
                    } else {
                        LinkOrigin::Explicit
                    },
                    confidence: 1.0,
                    reason: String::new(),
                    aligned_p: None,
                    also: Vec::new(),
                },
            );
        }
    }
    let notes = (0..500)
        .map(|i| ContextNote {
            target: NoteTarget::Item {
                source: "jira".into(),
                key: format!("K-{}", i * 97 % n),
            },
            kind: NoteKind::ALL[i % 5],
            text: format!(
                "Note {i}: the {} work was pulled in",
                words[i % words.len()]
            ),
            author_team: Some(teams[i % 6].into()),
            author_name: None,
            date: start + Duration::days((i % 180) as i64),
        })
        .collect();
    let snap = Snapshot {
        strategy_version: Some(1),
        strategy: Strategy {
            goals,
            metrics,
            initiatives,
        },
        items,
        links,
        notes,
        metric_values: HashMap::new(),
        last_import: None,
        imports: Vec::new(),
        text: Default::default(),
    };
    let scope = Scope {
        period: Some("2026-H2".parse::<Period>().unwrap()),
        min_group_size: 3,
        ..Default::default()
    };
    let t = Instant::now();
    let b = brief(&snap, &scope);
    let built = t.elapsed();
    let md = b.to_markdown();
    let html = b.to_html();
    let all = t.elapsed();
    println!(
        "brief on {n} items: {:.3} s to compute, {:.3} s with markdown + html ({} + {} bytes, {} evidence lists)",
        built.as_secs_f64(),
        all.as_secs_f64(),
        md.len(),
        html.len(),
        b.evidence.len()
    );
}
